/* rest.h - the REST API under /api/v1: JSON in and out over the service,
 * refusals as RFC 9457 problems. */
#ifndef UCPROV_REST_H
#define UCPROV_REST_H

#include "http.h"
#include "problem.h"

/* The http_handler of the admin listener's /api/ paths; ctx is the service.
 * The listener has authenticated the admin (req->who) already. */
void rest_handle(void *ctx, const struct http_req *req, struct http_resp *resp);
/* Every route (method and a sample path, ids as 1), from the router's own
 * tables: what the authorisation check walks. */
void rest_each_route(void (*fn)(void *ctx, const char *method, const char *path), void *ctx);
/* Answer with a problem as application/problem+json (status 500 when unset). */
void rest_problem(struct http_resp *resp, const struct problem *p);

#endif
