/* http.h - the HTTP front end on libmicrohttpd: listeners, body limits, one
 * log line per request.  Handlers see plain structs; who may pass is asked of
 * the listener's authenticate callback, so this layer knows no accounts. */
#ifndef UCPROV_HTTP_H
#define UCPROV_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct http_server;   /* opaque */
struct MHD_Connection;

/* Who a request's credentials prove it comes from, as the authenticate
 * callback found it; id 0 and name "" when nobody. */
struct http_identity {
    int64_t id;
    char name[64];
};

struct http_req {
    const char *method;
    const char *path;                 /* without the query string */
    const char *content_type;         /* "" when absent */
    const unsigned char *body;        /* NUL-terminated */
    size_t body_len;
    bool body_too_large;              /* the body was cut off at the limit */
    struct http_identity who;         /* filled by the authenticate callback */
    char peer[64];                    /* client address, for the log */
    uint16_t peer_port;
    struct MHD_Connection *conn;
};

#define HTTP_RESP_MAX_HEADERS 8

struct http_header {
    char name[40];
    char value[600];
};

struct http_resp {
    int status;
    const char *content_type;
    char *body;                       /* malloc'd; freed by the server ... */
    size_t len;
    void (*release)(void *cls);       /* ... unless this is set: then the body is
                                         lent, sent without a copy, and release(cls)
                                         runs once the response is gone */
    void *release_cls;
    char location[256];
    char allow[64];
    struct http_header headers[HTTP_RESP_MAX_HEADERS];   /* Set-Cookie, CSP, ... */
    size_t n_headers;
};

/* A request's query argument, or NULL. */
const char *http_req_query(const struct http_req *req, const char *key);
/* A request header (case-insensitive name), or NULL. */
const char *http_req_header(const struct http_req *req, const char *name);
/* A cookie sent with the request, or NULL. */
const char *http_req_cookie(const struct http_req *req, const char *name);
/* The token of "Authorization: Bearer <token>", or NULL. */
const char *http_req_bearer(const struct http_req *req);
/* User and password of "Authorization: Basic ..."; false when there is none or
 * it is malformed or too long.  The caller wipes pass after use. */
bool http_req_basic(const struct http_req *req, char *user, size_t ulen, char *pass,
                    size_t plen);
/* A path segment (text, len bytes) that is a positive id of at most 18 digits. */
bool http_path_id(const char *text, size_t len, int64_t *id);
/* Add a response header; false when the table is full or the value too long. */
bool http_resp_add_header(struct http_resp *resp, const char *name, const char *value);
/* Take ownership of a malloc'd body (a lent one is released). */
void http_resp_set(struct http_resp *resp, int status, const char *content_type, char *body,
                   size_t len);

typedef void (*http_handler)(void *ctx, const struct http_req *req, struct http_resp *resp);

struct http_config {
    const char *name;        /* "admin" or "config": log and metrics label */
    const char *listen;      /* "ADDR:PORT"; port 0 = ephemeral */
    size_t max_body;
    unsigned threads;
    bool quiet;              /* log requests at debug level (the config port in a boot storm) */
    unsigned conn_timeout_s; /* idle connection timeout; 0: UCPROV_HTTP_CONN_TIMEOUT_S */
    unsigned conn_per_ip;    /* connections one address may hold; 0: UCPROV_HTTP_CONN_PER_IP */
    bool turbo;              /* MHD_USE_TURBO: accept, read and write before polling; short
                                GETs answered from memory gain 10-20 % in req/s */
    const char *bulk_path;   /* POSTs to this exact path may carry up to bulk_max_body */
    size_t bulk_max_body;    /* (the CSV phone import); NULL: max_body everywhere */
    const char *tls_cert_pem; /* both set: HTTPS with this certificate (chain) and key, */
    const char *tls_key_pem;  /* PEM text; read at start, so the caller may free them after */
    /* Asked before the handler sees a request: true lets it through, with *who
     * filled when it carried valid credentials; false refuses it with a 401.
     * NULL: every request goes through. */
    bool (*authenticate)(void *ctx, const struct http_req *req, struct http_identity *who);
    /* Required: answers what this layer refuses: 401 when authenticate said no
     * (detail NULL: the guard knows what credentials it wants), 413 when the
     * body is over its limit (detail says so). */
    void (*refuse)(void *ctx, int status, const char *detail, struct http_resp *resp);
    void *guard_ctx;          /* ctx of authenticate and refuse */
};

/* Start a listener; NULL with a message in err on failure. */
struct http_server *http_start(const struct http_config *cfg, http_handler handler, void *ctx,
                               char *err, size_t errlen);
uint16_t http_port(const struct http_server *h);
void http_stop(struct http_server *h);

/* A client address as text ("?" when unknown) and its port. */
struct sockaddr;
void sockaddr_text(const struct sockaddr *sa, char *buf, size_t len, uint16_t *port);

/* Parse "ADDR:PORT" or "[V6]:PORT"; 0 on success. */
int http_parse_listen(const char *text, char *addr, size_t addrlen, uint16_t *port);

#endif
