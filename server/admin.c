/* admin.c - route the admin port. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "api.h"
#include "prometheus.h"
#include "pages.h"

struct admin {
    struct service *sv;
    struct pages *pages;
};

struct admin *admin_new(struct service *sv, bool tls, char *err, size_t errlen)
{
    struct admin *a = calloc(1, sizeof *a);
    if (a == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    a->sv = sv;
    a->pages = pages_new(sv, tls, err, errlen);
    if (a->pages == NULL) {
        free(a);
        return NULL;
    }
    return a;
}

void admin_free(struct admin *a)
{
    if (a == NULL)
        return;
    pages_free(a->pages);
    free(a);
}

/* Where a request goes: the table admin_handle and admin_each_route share. */
static bool is_api(const char *path)
{
    return strncmp(path, "/api/", 5) == 0 || strcmp(path, "/api") == 0;
}

#define METRICS_PATH "/metrics"

void admin_each_route(void (*fn)(void *ctx, const char *method, const char *path), void *ctx)
{
    api_each_route(fn, ctx);
    fn(ctx, "GET", METRICS_PATH);
    pages_each_route(fn, ctx);
}

bool admin_route_public(const char *method, const char *path)
{
    if (is_api(path) || strcmp(path, METRICS_PATH) == 0)
        return false;   /* http.c asks for credentials before they get here */
    return pages_route_public(method, path);
}

void admin_handle(void *ctx, const struct http_req *req, struct http_resp *resp)
{
    struct admin *a = ctx;
    /* http.c has already authenticated everything under /api/. */
    if (is_api(req->path)) {
        api_handle(a->sv, req, resp);
        return;
    }
    if (strcmp(req->path, METRICS_PATH) == 0) {   /* authenticated by http.c, like /api/ */
        size_t len = 0;
        char *text = prometheus_render(a->sv, &len);
        http_resp_set(resp, text ? 200 : 500, "text/plain; version=0.0.4; charset=utf-8", text,
                      len);
        return;
    }
    pages_handle(a->pages, req, resp);
}
