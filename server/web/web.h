/* web.h - the web admin: server-rendered pages for the whole VPN Phone
 * procedure, behind a login session.  Everything goes through the service. */
#ifndef UCPROV_WEB_H
#define UCPROV_WEB_H

#include <stdbool.h>
#include <stddef.h>

#include "http.h"
#include "service/service.h"

struct pages;   /* opaque: the service, the parsed page skeleton */

struct brake;

/* tls: the admin port speaks HTTPS, so cookies are marked Secure; brake (not
 * owned) counts failed logins, shared with the REST API's HTTP Basic. */
struct pages *pages_new(struct service *sv, bool tls, struct brake *brake, char *err,
                        size_t errlen);
void pages_free(struct pages *pg);
/* Answer any admin-port request outside /api/. */
void pages_handle(struct pages *pg, const struct http_req *req, struct http_resp *resp);
/* On the headers alone, before the body is read: false, with the answer in
 * resp, for a POST to a page that needs a session and has none live. */
bool pages_admit(struct pages *pg, const struct http_req *req, struct http_resp *resp);
/* Every page route (method and a sample path, ids as 1), from the table the
 * dispatcher matches against: what the authorisation check walks. */
void pages_each_route(void (*fn)(void *ctx, const char *method, const char *path), void *ctx);
/* Whether the route for method and path is answered without a session (the
 * login page, the style sheet and script). */
bool pages_route_public(const char *method, const char *path);

#endif
