/* api.h - the REST API under /api/v1 (JSON in and out, RFC 9457 problems). */
#ifndef UCPROV_API_H
#define UCPROV_API_H

#include "http.h"
#include "problem.h"

/* The http_handler of the admin listener's /api/v1 routes; ctx is the service. */
void api_handle(void *ctx, const struct http_req *req, struct http_resp *resp);
/* Every route (method and a sample path, ids as 1), from the router's own
 * tables: what the authorisation check walks. */
void api_each_route(void (*fn)(void *ctx, const char *method, const char *path), void *ctx);
/* Answer with a problem as application/problem+json. */
void api_problem(struct http_resp *resp, const struct problem *p);

#endif
