/* admin.c - guard and route the admin port. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "admin.h"
#include "brake.h"
#include "limits.h"
#include "log.h"
#include "rest/rest.h"
#include "web/web.h"
#include "prometheus.h"

static bool needs_credentials(const char *path);
static bool is_api(const char *path);
static bool braked(struct admin *a, const struct http_req *req, const char *name, time_t now,
                   struct http_resp *refusal);

struct admin {
    struct service *sv;
    struct pages *pages;
    struct brake *brake;   /* failed passwords and tokens, shared with the web login */
};

#define METRICS_PATH "/metrics"

/* The paths that take HTTP Basic or a Bearer token; the web pages check their
 * session themselves, so everything else reaches them unauthenticated. */
static const char *const credential_prefixes[] = { "/api/", METRICS_PATH };

struct admin *admin_new(struct service *sv, bool tls, char *err, size_t errlen)
{
    struct admin *a = calloc(1, sizeof *a);
    if (a == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    a->sv = sv;
    a->brake = brake_new();
    a->pages = a->brake ? pages_new(sv, tls, a->brake, err, errlen) : NULL;
    if (a->pages != NULL)
        return a;
    if (a->brake == NULL)
        snprintf(err, errlen, "out of memory");
    admin_free(a);   /* what was made so far */
    return NULL;
}

void admin_free(struct admin *a)
{
    if (a == NULL)
        return;
    pages_free(a->pages);
    brake_free(a->brake);
    free(a);
}

static bool needs_credentials(const char *path)
{
    for (size_t i = 0; i < sizeof credential_prefixes / sizeof credential_prefixes[0]; i++)
        if (strncmp(path, credential_prefixes[i], strlen(credential_prefixes[i])) == 0)
            return true;
    return false;
}

bool admin_authenticate(void *ctx, const struct http_req *req, struct http_identity *who,
                        struct http_resp *refusal)
{
    struct admin *a = ctx;
    if (!needs_credentials(req->path))
        return pages_admit(a->pages, req, refusal);
    struct actor actor = { 0 };
    bool ok = false;
    const char *token = http_req_bearer(req);
    char user[128], pass[256];
    const char *name = NULL;
    time_t now = time(NULL);
    if (token != NULL) {
        if (braked(a, req, NULL, now, refusal))
            return false;
        ok = service_auth_token(a->sv, token, &actor);
    } else if (http_req_basic(req, user, sizeof user, pass, sizeof pass)) {
        name = user;
        if (braked(a, req, name, now, refusal)) {
            OPENSSL_cleanse(pass, sizeof pass);
            return false;
        }
        ok = service_auth_password(a->sv, user, pass, &actor);
        OPENSSL_cleanse(pass, sizeof pass);
    } else {
        return false;   /* no credentials: not a guess, so no count */
    }
    if (ok) {
        brake_succeeded(a->brake, req->peer, name, now);
    } else {
        brake_failed(a->brake, req->peer, name, now);
        log_warn("REST %s from %s refused: wrong credentials", token ? "bearer token" : "HTTP Basic",
                 req->peer);
    }
    who->id = actor.admin_id;
    snprintf(who->name, sizeof who->name, "%s", actor.name);
    return ok;
}

/* Too many failures from this address or for this name: 429 with
 * Retry-After, even for the right password; true when refused. */
static bool braked(struct admin *a, const struct http_req *req, const char *name, time_t now,
                   struct http_resp *refusal)
{
    long wait = brake_wait(a->brake, req->peer, name, now);
    if (wait <= 0)
        return false;
    struct problem p = { 0 };
    problem_set(&p, 429, "too many failed attempts; try again in %ld second%s", wait,
                wait == 1 ? "" : "s");
    rest_problem(refusal, &p);
    char retry[24];
    snprintf(retry, sizeof retry, "%ld", wait);
    http_resp_add_header(refusal, "Retry-After", retry);
    log_warn("REST credentials from %s refused: locked for %lds", req->peer, wait);
    return true;
}

void admin_refuse(void *ctx, int status, const char *detail, struct http_resp *resp)
{
    (void)ctx;
    struct problem p = { 0 };
    problem_set(&p, status, "%s", detail ? detail : "authentication required: HTTP Basic with "
                "an admin account, or Authorization: Bearer <token>");
    rest_problem(resp, &p);
}

size_t admin_body_limit(void *ctx, const char *method, const char *path)
{
    (void)ctx;
    if (strcmp(method, "POST") == 0 && strcmp(path, "/api/v1/phones/import") == 0)
        return UCPROV_MAX_CSV_BODY;
    if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0 ||
        strcmp(method, "DELETE") == 0)
        return UCPROV_MAX_BODYLESS;
    return UCPROV_MAX_JSON_BODY;
}

/* Where a request goes: the table admin_handle and admin_each_route share. */
static bool is_api(const char *path)
{
    return strncmp(path, "/api/", 5) == 0 || strcmp(path, "/api") == 0;
}

void admin_each_route(void (*fn)(void *ctx, const char *method, const char *path), void *ctx)
{
    rest_each_route(fn, ctx);
    fn(ctx, "GET", METRICS_PATH);
    pages_each_route(fn, ctx);
}

bool admin_route_public(const char *method, const char *path)
{
    if (is_api(path) || strcmp(path, METRICS_PATH) == 0)
        return false;   /* admin_authenticate asks for credentials before they get here */
    return pages_route_public(method, path);
}

void admin_handle(void *ctx, const struct http_req *req, struct http_resp *resp)
{
    struct admin *a = ctx;
    /* admin_authenticate has already let through only admins under /api/. */
    if (is_api(req->path)) {
        rest_handle(a->sv, req, resp);
        return;
    }
    if (strcmp(req->path, METRICS_PATH) == 0) {   /* authenticated like /api/ */
        size_t len = 0;
        char *text = prometheus_render(a->sv, &len);
        http_resp_set(resp, text ? 200 : 500, "text/plain; version=0.0.4; charset=utf-8", text,
                      len);
        return;
    }
    pages_handle(a->pages, req, resp);
}
