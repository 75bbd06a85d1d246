/* admin.h - the admin listener: who may pass (HTTP Basic or a Bearer token on
 * the REST API and /metrics), and where a request goes (/api/v1 to the REST
 * API, /metrics to the Prometheus page, everything else to the web pages,
 * which check their own session). */
#ifndef UCPROV_ADMIN_H
#define UCPROV_ADMIN_H

#include <stdbool.h>
#include <stddef.h>

#include "http.h"
#include "service/service.h"

struct admin;   /* opaque: the service and the web pages' sessions */

/* tls: the listener speaks HTTPS (web session cookies become Secure). */
struct admin *admin_new(struct service *sv, bool tls, char *err, size_t errlen);
void admin_free(struct admin *a);

/* http_handler of the admin port; ctx is a struct admin. */
void admin_handle(void *ctx, const struct http_req *req, struct http_resp *resp);
/* http_config.authenticate of the admin port (ctx a struct admin): paths
 * under /api/ and /metrics need an admin's password or API token. */
bool admin_authenticate(void *ctx, const struct http_req *req, struct http_identity *who);
/* http_config.refuse of both ports (ctx unused): an RFC 9457 problem. */
void admin_refuse(void *ctx, int status, const char *detail, struct http_resp *resp);

/* Every route of the admin port (method and a sample path, ids as 1): the REST
 * API's, /metrics and the web pages', each enumerated from its own router. */
void admin_each_route(void (*fn)(void *ctx, const char *method, const char *path), void *ctx);
/* Whether a route needs no credentials at all (the login page, static files). */
bool admin_route_public(const char *method, const char *path);

#endif
