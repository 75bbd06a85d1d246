/* admin.c - route the admin port. */
#include <config.h>

#include <string.h>

#include "admin.h"
#include "api.h"

void admin_handle(void *ctx, const struct http_req *req, struct http_resp *resp)
{
    /* http.c has already authenticated everything under /api/. */
    if (strncmp(req->path, "/api/", 5) == 0) {
        api_handle(ctx, req, resp);
        return;
    }
    struct problem p = { 0 };
    problem_set(&p, 404, "no such page; the REST API lives under /api/v1");
    api_problem(resp, &p);
}
