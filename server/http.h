/* http.h - the HTTP front end on libmicrohttpd: listeners, body limits,
 * authentication, one log line per request.  Handlers see plain structs. */
#ifndef UCPROV_HTTP_H
#define UCPROV_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "service.h"

struct http_server;   /* opaque */
struct MHD_Connection;

struct http_req {
    const char *method;
    const char *path;                 /* without the query string */
    const char *content_type;         /* "" when absent */
    const unsigned char *body;        /* NUL-terminated */
    size_t body_len;
    bool body_too_large;              /* the body was cut off at the limit */
    struct actor who;                 /* authenticated admin (admin listener) */
    char peer[64];                    /* client address, for the log */
    uint16_t peer_port;
    struct MHD_Connection *conn;
};

struct http_resp {
    int status;
    const char *content_type;
    char *body;                       /* malloc'd; freed by the server */
    size_t len;
    char location[256];
    char allow[64];
};

/* A request's query argument, or NULL. */
const char *http_req_query(const struct http_req *req, const char *key);
/* Take ownership of a malloc'd body. */
void http_resp_set(struct http_resp *resp, int status, const char *content_type, char *body,
                   size_t len);

typedef void (*http_handler)(void *ctx, const struct http_req *req, struct http_resp *resp);

struct http_config {
    const char *listen;      /* "ADDR:PORT"; port 0 = ephemeral */
    bool require_auth;       /* Basic or Bearer on every request */
    size_t max_body;
    unsigned threads;
    bool quiet;              /* log requests at debug level (the config port in a boot storm) */
};

/* Start a listener; NULL with a message in err on failure. */
struct http_server *http_start(const struct http_config *cfg, struct service *sv,
                               http_handler handler, void *ctx, char *err, size_t errlen);
uint16_t http_port(const struct http_server *h);
void http_stop(struct http_server *h);

/* Parse "ADDR:PORT" or "[V6]:PORT"; 0 on success. */
int http_parse_listen(const char *text, char *addr, size_t addrlen, uint16_t *port);

#endif
