/* http.c - libmicrohttpd listeners: a request's body is gathered, the
 * listener's guard asked, the handler called, the answer sent and logged. */
#include <config.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include <microhttpd.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "http.h"
#include "limits.h"
#include "log.h"
#include "metrics.h"

struct http_server {
    struct MHD_Daemon *daemon;
    struct http_config cfg;
    http_handler handler;
    void *ctx;
    uint16_t port;
};

/* Per-request state while the body arrives. */
struct request_state {
    unsigned char *body;
    size_t len, cap;
    bool too_large;
    size_t limit;             /* max_body, or bulk_max_body on the bulk path */
    struct timespec started;
};

static bool parse_basic(const char *header, char *user, size_t ulen, char *pass, size_t plen);
static void describe_peer(struct MHD_Connection *conn, char *buf, size_t len, uint16_t *port);
static enum MHD_Result send_response(struct MHD_Connection *conn, struct http_resp *r);
static double elapsed_ms(const struct timespec *start);
static struct request_state *request_begin(const struct http_server *h, const char *url,
                                           const char *method);
static bool request_receive(struct request_state *st, const char *data, size_t *size);
static void request_make(struct http_req *req, struct request_state *st,
                         struct MHD_Connection *conn, const char *url, const char *method);
static void request_answer(struct http_server *h, struct request_state *st,
                           struct http_req *req, struct http_resp *resp);
static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_size, void **con_cls);
static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe);
static int listen_address(const struct http_config *cfg, struct sockaddr_storage *ss,
                          uint16_t *port, unsigned *flags, char *err, size_t errlen);
static struct MHD_Daemon *start_daemon(struct http_server *h, const struct sockaddr_storage *ss,
                                       uint16_t port, unsigned flags);

const char *http_req_query(const struct http_req *req, const char *key)
{
    return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, key);
}

const char *http_req_header(const struct http_req *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *http_req_cookie(const struct http_req *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
}

bool http_resp_add_header(struct http_resp *resp, const char *name, const char *value)
{
    if (resp->n_headers == HTTP_RESP_MAX_HEADERS || strlen(name) >= sizeof resp->headers[0].name ||
        strlen(value) >= sizeof resp->headers[0].value)
        return false;
    struct http_header *h = &resp->headers[resp->n_headers++];
    snprintf(h->name, sizeof h->name, "%s", name);
    snprintf(h->value, sizeof h->value, "%s", value);
    return true;
}

void http_resp_set(struct http_resp *resp, int status, const char *content_type, char *body,
                   size_t len)
{
    if (resp->release != NULL)
        resp->release(resp->release_cls);
    else
        free(resp->body);
    resp->release = NULL;
    resp->release_cls = NULL;
    resp->status = status;
    resp->content_type = content_type;
    resp->body = body;
    resp->len = len;
}

int http_parse_listen(const char *text, char *addr, size_t addrlen, uint16_t *port)
{
    const char *colon;
    if (text[0] == '[') {
        const char *close = strchr(text, ']');
        if (close == NULL || close[1] != ':')
            return -1;
        snprintf(addr, addrlen, "%.*s", (int)(close - text - 1), text + 1);
        colon = close + 1;
    } else {
        colon = strrchr(text, ':');
        if (colon == NULL)
            return -1;
        snprintf(addr, addrlen, "%.*s", (int)(colon - text), text);
    }
    char *end;
    long p = strtol(colon + 1, &end, 10);
    if (*end != '\0' || end == colon + 1 || p < 0 || p > 65535)
        return -1;
    *port = (uint16_t)p;
    return 0;
}

/* Decode "Basic base64(user:password)" into user and password. */
static bool parse_basic(const char *header, char *user, size_t ulen, char *pass, size_t plen)
{
    const char *b64 = header + 6;
    size_t n = strlen(b64);
    if (n == 0 || n % 4 || n > 1024)
        return false;
    unsigned char decoded[800];
    int m = EVP_DecodeBlock(decoded, (const unsigned char *)b64, (int)n);
    if (m < 0)
        return false;
    m -= (b64[n - 1] == '=') + (b64[n - 2] == '=');
    decoded[m] = '\0';
    char *colon = memchr(decoded, ':', (size_t)m);
    bool ok = false;
    if (colon != NULL && memchr(decoded, '\0', (size_t)m) == NULL) {
        *colon = '\0';
        ok = strlen((char *)decoded) < ulen && strlen(colon + 1) < plen;
        if (ok) {
            snprintf(user, ulen, "%s", (char *)decoded);
            snprintf(pass, plen, "%s", colon + 1);
        }
    }
    OPENSSL_cleanse(decoded, sizeof decoded);
    return ok;
}

const char *http_req_bearer(const struct http_req *req)
{
    const char *auth = http_req_header(req, MHD_HTTP_HEADER_AUTHORIZATION);
    return auth != NULL && strncasecmp(auth, "Bearer ", 7) == 0 ? auth + 7 : NULL;
}

bool http_req_basic(const struct http_req *req, char *user, size_t ulen, char *pass,
                    size_t plen)
{
    const char *auth = http_req_header(req, MHD_HTTP_HEADER_AUTHORIZATION);
    return auth != NULL && strncasecmp(auth, "Basic ", 6) == 0 &&
           parse_basic(auth, user, ulen, pass, plen);
}

bool http_path_id(const char *text, size_t len, int64_t *id)
{
    if (len == 0 || len > 18)
        return false;
    int64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (!isdigit((unsigned char)text[i]))
            return false;
        v = v * 10 + (text[i] - '0');
    }
    *id = v;
    return v > 0;
}

void sockaddr_text(const struct sockaddr *sa, char *buf, size_t len, uint16_t *port)
{
    snprintf(buf, len, "?");
    *port = 0;
    if (sa == NULL)
        return;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        inet_ntop(AF_INET, &in->sin_addr, buf, (socklen_t)len);
        *port = ntohs(in->sin_port);
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
        inet_ntop(AF_INET6, &in6->sin6_addr, buf, (socklen_t)len);
        *port = ntohs(in6->sin6_port);
    }
}

static void describe_peer(struct MHD_Connection *conn, char *buf, size_t len, uint16_t *port)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    sockaddr_text(ci ? ci->client_addr : NULL, buf, len, port);
}

static enum MHD_Result send_response(struct MHD_Connection *conn, struct http_resp *r)
{
    struct MHD_Response *mr;
    if (r->release != NULL) {
        /* A lent body (a cached config): MHD sends from it and calls back. */
        mr = MHD_create_response_from_buffer_with_free_callback_cls(r->len, r->body,
                                                                    r->release, r->release_cls);
        if (mr == NULL) {
            r->release(r->release_cls);
            return MHD_NO;
        }
    } else {
        mr = MHD_create_response_from_buffer(r->len, r->body, MHD_RESPMEM_MUST_FREE);
        if (mr == NULL) {
            free(r->body);
            return MHD_NO;
        }
    }
    r->body = NULL;
    if (r->content_type)
        MHD_add_response_header(mr, MHD_HTTP_HEADER_CONTENT_TYPE, r->content_type);
    if (r->location[0])
        MHD_add_response_header(mr, MHD_HTTP_HEADER_LOCATION, r->location);
    if (r->allow[0])
        MHD_add_response_header(mr, MHD_HTTP_HEADER_ALLOW, r->allow);
    for (size_t i = 0; i < r->n_headers; i++)
        MHD_add_response_header(mr, r->headers[i].name, r->headers[i].value);
    if (r->status == 401)
        MHD_add_response_header(mr, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
                                "Basic realm=\"ucprov\", charset=\"UTF-8\"");
    MHD_add_response_header(mr, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(mr, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned)r->status, mr);
    MHD_destroy_response(mr);
    return ret;
}

static double elapsed_ms(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) * 1e3 +
           (double)(now.tv_nsec - start->tv_nsec) / 1e6;
}

/* The first call of a request: its state, with the body limit of its path. */
static struct request_state *request_begin(const struct http_server *h, const char *url,
                                           const char *method)
{
    struct request_state *st = calloc(1, sizeof *st);
    if (st == NULL)
        return NULL;
    clock_gettime(CLOCK_MONOTONIC, &st->started);
    bool bulk = h->cfg.bulk_path != NULL && strcmp(method, "POST") == 0 &&
                strcmp(url, h->cfg.bulk_path) == 0;
    st->limit = bulk ? h->cfg.bulk_max_body : h->cfg.max_body;
    return st;
}

/* One piece of the body; false when memory runs out. */
static bool request_receive(struct request_state *st, const char *data, size_t *size)
{
    /* Keep reading past the limit (and drop it) so the client gets a 413, not a reset. */
    if (!st->too_large && st->len + *size > st->limit) {
        st->too_large = true;
    } else if (!st->too_large) {
        if (st->len + *size + 1 > st->cap) {
            size_t cap = (st->len + *size + 1) * 2;
            if (cap > st->limit + 1)
                cap = st->limit + 1;
            unsigned char *grown = realloc(st->body, cap);
            if (grown == NULL)
                return false;
            st->body = grown;
            st->cap = cap;
        }
        memcpy(st->body + st->len, data, *size);
        st->len += *size;
    }
    *size = 0;
    return true;
}

/* The handlers' view of a request whose body has all arrived. */
static void request_make(struct http_req *req, struct request_state *st,
                         struct MHD_Connection *conn, const char *url, const char *method)
{
    req->method = method;
    req->path = url;
    req->conn = conn;
    const char *ct = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                 MHD_HTTP_HEADER_CONTENT_TYPE);
    req->content_type = ct ? ct : "";
    req->body = st->body ? st->body : (const unsigned char *)"";
    if (st->body)
        st->body[st->len] = '\0';
    req->body_len = st->len;
    req->body_too_large = st->too_large;
    describe_peer(conn, req->peer, sizeof req->peer, &req->peer_port);
}

/* Refused here (no credentials, body too large) or answered by the handler. */
static void request_answer(struct http_server *h, struct request_state *st,
                           struct http_req *req, struct http_resp *resp)
{
    const struct http_config *c = &h->cfg;
    if (c->authenticate != NULL && !c->authenticate(c->guard_ctx, req, &req->who)) {
        c->refuse(c->guard_ctx, 401, NULL, resp);
    } else if (req->body_too_large) {
        char detail[80];
        snprintf(detail, sizeof detail, "the request body is larger than %zu bytes", st->limit);
        c->refuse(c->guard_ctx, 413, detail, resp);
    } else {
        h->handler(h->ctx, req, resp);
    }
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_size, void **con_cls)
{
    struct http_server *h = cls;
    struct request_state *st = *con_cls;
    (void)version;
    if (st == NULL) {
        *con_cls = request_begin(h, url, method);
        return *con_cls != NULL ? MHD_YES : MHD_NO;
    }
    if (*upload_size > 0)
        return request_receive(st, upload_data, upload_size) ? MHD_YES : MHD_NO;

    struct http_req req = { 0 };
    struct http_resp resp = { 0 };
    request_make(&req, st, conn, url, method);
    request_answer(h, st, &req, &resp);
    metrics_http_observe(h->cfg.name, elapsed_ms(&st->started) / 1000.0);
    log_msg(h->cfg.quiet ? LOG_LEVEL_DEBUG : LOG_LEVEL_INFO, "%s %s %s %d %zu %.1fms %s",
            req.peer, method, url, resp.status, resp.len, elapsed_ms(&st->started),
            req.who.name[0] ? req.who.name : "-");
    return send_response(conn, &resp);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)conn;
    (void)toe;
    struct request_state *st = *con_cls;
    if (st != NULL) {
        if (st->body)
            OPENSSL_cleanse(st->body, st->cap);   /* bodies may carry passwords */
        free(st->body);
        free(st);
        *con_cls = NULL;
    }
}

struct http_server *http_start(const struct http_config *cfg, http_handler handler, void *ctx,
                               char *err, size_t errlen)
{
    struct sockaddr_storage ss = { 0 };
    uint16_t port;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
    if (listen_address(cfg, &ss, &port, &flags, err, errlen) != 0)
        return NULL;
    if (cfg->refuse == NULL) {
        snprintf(err, errlen, "listener '%s' has no refuse callback", cfg->name);
        return NULL;
    }
    struct http_server *h = calloc(1, sizeof *h);
    if (h == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    h->cfg = *cfg;
    h->handler = handler;
    h->ctx = ctx;
    bool tls = cfg->tls_cert_pem != NULL && cfg->tls_key_pem != NULL;
    if (tls && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
        snprintf(err, errlen, "this libmicrohttpd was built without TLS");
        free(h);
        return NULL;
    }
    if (tls)
        flags |= MHD_USE_TLS;
    if (cfg->turbo)
        flags |= MHD_USE_TURBO;
    h->daemon = start_daemon(h, &ss, port, flags);
    if (h->daemon == NULL) {
        snprintf(err, errlen, "cannot listen on %s%s", cfg->listen,
                 tls ? " (or the TLS certificate and key do not load or match)" : "");
        free(h);
        return NULL;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(h->daemon, MHD_DAEMON_INFO_BIND_PORT);
    h->port = di ? di->port : port;
    return h;
}

/* cfg->listen as a socket address; MHD_USE_IPv6 added to flags for a v6 one. */
static int listen_address(const struct http_config *cfg, struct sockaddr_storage *ss,
                          uint16_t *port, unsigned *flags, char *err, size_t errlen)
{
    char addr[128];
    if (http_parse_listen(cfg->listen, addr, sizeof addr, port) != 0) {
        snprintf(err, errlen, "bad listen address '%s' (want ADDR:PORT)", cfg->listen);
        return -1;
    }
    struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
    if (inet_pton(AF_INET, addr, &in4->sin_addr) == 1) {
        in4->sin_family = AF_INET;
        in4->sin_port = htons(*port);
    } else if (inet_pton(AF_INET6, addr, &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(*port);
        *flags |= MHD_USE_IPv6;
    } else {
        snprintf(err, errlen, "bad listen address '%s': not an IP address", addr);
        return -1;
    }
    return 0;
}

static struct MHD_Daemon *start_daemon(struct http_server *h, const struct sockaddr_storage *ss,
                                       uint16_t port, unsigned flags)
{
    const struct http_config *cfg = &h->cfg;
    /* MHD refuses HTTPS options on a plain listener: pass them only with TLS. */
    struct MHD_OptionItem tls_options[] = {
        { MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)(uintptr_t)cfg->tls_key_pem },
        { MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)(uintptr_t)cfg->tls_cert_pem },
        { MHD_OPTION_END, 0, NULL },
    };
    return MHD_start_daemon(flags, port, NULL, NULL, on_request, h,
                            MHD_OPTION_ARRAY, (flags & MHD_USE_TLS) ? tls_options : &tls_options[2],
                            MHD_OPTION_SOCK_ADDR, (struct sockaddr *)ss,
                            MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(cfg->threads ? cfg->threads : 1),
                            MHD_OPTION_CONNECTION_LIMIT, (unsigned)UCPROV_HTTP_CONN_LIMIT,
                            /* One client holding many idle connections (slowloris)
                             * must not use up the slots other clients need. */
                            MHD_OPTION_PER_IP_CONNECTION_LIMIT,
                            cfg->conn_per_ip ? cfg->conn_per_ip : (unsigned)UCPROV_HTTP_CONN_PER_IP,
                            MHD_OPTION_CONNECTION_TIMEOUT,
                            cfg->conn_timeout_s ? cfg->conn_timeout_s
                                                : (unsigned)UCPROV_HTTP_CONN_TIMEOUT_S,
                            MHD_OPTION_NOTIFY_COMPLETED, on_completed, h,
                            MHD_OPTION_END);
}

uint16_t http_port(const struct http_server *h)
{
    return h->port;
}

void http_stop(struct http_server *h)
{
    if (h == NULL)
        return;
    MHD_stop_daemon(h->daemon);
    free(h);
}
