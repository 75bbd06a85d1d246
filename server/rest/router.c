/* router.c - REST: /api/v1/<collection>[/<id>[/<sub>]] and the fixed paths,
 * matched against the tables below, which also list every route for the
 * authorisation check. */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "rest/handlers.h"
#include "rest/json.h"

static rest_fixed_handler index_page;
static bool is(const struct http_req *req, const char *method);
static bool method_matches(const struct http_req *req, const char *method);
static bool route_fixed(struct service *sv, const char *path, const struct http_req *req,
                        struct http_resp *resp);
static void route_collection(struct service *sv, const struct entity_def *e,
                             const struct http_req *req, struct http_resp *resp);
static void route_object(struct service *sv, const struct entity_def *e, int64_t id,
                         const struct http_req *req, struct http_resp *resp);
static void route_sub(struct service *sv, const struct entity_def *e, int64_t id,
                      const char *sub, const struct http_req *req, struct http_resp *resp);

/* Paths with no id in them, below /api/v1. */
static const struct {
    const char *path, *method;   /* GET also answers HEAD */
    rest_fixed_handler *handler;
} fixed_routes[] = {
    { "", "GET", index_page },
    { "fetch-log", "GET", rest_fetch_log },
    { "audit-log", "GET", rest_audit_log },
    { "diagnostics", "GET", rest_diagnostics },
    { "diagnostics/phone-log", "POST", rest_phone_log },
    { "phones/import", "POST", rest_import_phones },
    { "phones/export", "GET", rest_export_phones },
    { "phone-models", "GET", rest_phone_models },
    { "phone-models", "PUT", rest_phone_model_load },
    { "trust-list", "GET", rest_trust_list },
    { "trust-list", "PUT", rest_trust_settings },
    { "trust-list/rotate", "POST", rest_trust_rotate },
    { "trust-list/readiness", "GET", rest_trust_readiness },
};

/* Paths below one object: /api/v1/<collection>/<id>/<sub>. */
static const struct {
    enum entity_kind kind;
    const char *sub, *method;
    rest_object_handler *handler;
} object_routes[] = {
    { ENT_PHONE, "config", "GET", rest_phone_config },
    { ENT_PHONE, "verify-gateways", "POST", rest_verify_gateways },
    { ENT_PHONE, "certificate", "POST", rest_phone_certificate },
    { ENT_CERTIFICATE, "pem", "GET", rest_cert_pem },
    { ENT_VPN_GATEWAY, "rollover", "GET", rest_gateway_rollover },
    { ENT_VPN_GROUP, "asa-config", "GET", rest_asa_config },
};

#define N_FIXED (sizeof fixed_routes / sizeof fixed_routes[0])
#define N_OBJECT (sizeof object_routes / sizeof object_routes[0])

void rest_each_route(void (*fn)(void *ctx, const char *method, const char *path), void *ctx)
{
    char path[256];
    for (size_t i = 0; i < N_FIXED; i++) {
        snprintf(path, sizeof path, REST_PREFIX "%s%s", *fixed_routes[i].path ? "/" : "",
                 fixed_routes[i].path);
        fn(ctx, fixed_routes[i].method, path);
    }
    for (size_t k = 0; k < ENT_COUNT; k++) {
        const struct entity_def *e = entity_get((enum entity_kind)k);
        snprintf(path, sizeof path, REST_PREFIX "/%s", e->collection);
        fn(ctx, "GET", path);
        fn(ctx, e->singleton ? "PUT" : "POST", path);
        if (e->singleton) {
            fn(ctx, "PATCH", path);
            continue;
        }
        snprintf(path, sizeof path, REST_PREFIX "/%s/1", e->collection);
        fn(ctx, "GET", path);
        fn(ctx, "PUT", path);
        if (e->kind != ENT_CERTIFICATE)
            fn(ctx, "PATCH", path);
        fn(ctx, "DELETE", path);
    }
    for (size_t i = 0; i < N_OBJECT; i++) {
        snprintf(path, sizeof path, REST_PREFIX "/%s/1/%s",
                 entity_get(object_routes[i].kind)->collection, object_routes[i].sub);
        fn(ctx, object_routes[i].method, path);
    }
}

void rest_handle(void *ctx, const struct http_req *req, struct http_resp *resp)
{
    struct service *sv = ctx;
    const char *path = req->path;
    size_t plen = strlen(REST_PREFIX);
    if (strncmp(path, REST_PREFIX, plen) != 0 || (path[plen] != '/' && path[plen] != '\0')) {
        rest_fail(resp, 404, "no such resource; the REST API lives under " REST_PREFIX);
        return;
    }
    path += plen;
    if (*path == '/')
        path++;
    if (route_fixed(sv, path, req, resp))
        return;
    /* collection [/ id [/ sub]] */
    size_t clen = strcspn(path, "/");
    char coll[64];
    if (clen >= sizeof coll) {
        rest_fail(resp, 404, "no such collection");
        return;
    }
    memcpy(coll, path, clen);
    coll[clen] = '\0';
    const struct entity_def *e = entity_by_collection(coll);
    if (e == NULL) {
        rest_fail(resp, 404, "no collection named '%s'", coll);
        return;
    }
    path += clen;
    if (*path == '\0' || strcmp(path, "/") == 0) {
        route_collection(sv, e, req, resp);
        return;
    }
    path++;
    size_t ilen = strcspn(path, "/");
    int64_t id;
    if (e->singleton || !http_path_id(path, ilen, &id)) {
        rest_fail(resp, 404, "no %s at this address", e->label);
        return;
    }
    const char *sub = path + ilen;
    if (*sub == '\0')
        route_object(sv, e, id, req, resp);
    else
        route_sub(sv, e, id, sub + 1, req, resp);
}

static void index_page(struct service *sv, const struct http_req *req, struct http_resp *resp)
{
    (void)sv;
    (void)req;
    json_t *colls = json_array();
    for (size_t k = 0; k < ENT_COUNT; k++)
        json_array_append_new(colls, json_string(entity_get((enum entity_kind)k)->collection));
    rest_send_json(resp, 200, json_pack("{s:s, s:o}", "api", "ucprov/v1", "collections", colls));
}

static bool is(const struct http_req *req, const char *method)
{
    return strcmp(req->method, method) == 0;
}

/* GET also answers HEAD (libmicrohttpd sends the headers without the body). */
static bool method_matches(const struct http_req *req, const char *method)
{
    return is(req, method) || (strcmp(method, "GET") == 0 && is(req, "HEAD"));
}

static bool route_fixed(struct service *sv, const char *path, const struct http_req *req,
                        struct http_resp *resp)
{
    char allowed[64] = "";
    for (size_t i = 0; i < N_FIXED; i++) {
        if (strcmp(fixed_routes[i].path, path) != 0)
            continue;
        if (method_matches(req, fixed_routes[i].method)) {
            fixed_routes[i].handler(sv, req, resp);
            return true;
        }
        size_t used = strlen(allowed);
        snprintf(allowed + used, sizeof allowed - used, "%s%s", used ? ", " : "",
                 fixed_routes[i].method);
    }
    if (allowed[0] == '\0')
        return false;
    rest_method_not_allowed(resp, allowed);
    return true;
}

static void route_collection(struct service *sv, const struct entity_def *e,
                             const struct http_req *req, struct http_resp *resp)
{
    bool cert = e->kind == ENT_CERTIFICATE;
    if (e->singleton) {
        if (method_matches(req, "GET"))
            rest_get_record(sv, e->kind, 1, 200, resp);
        else if (is(req, "PUT") || is(req, "PATCH"))
            rest_write_record(sv, e, 1, req, resp);
        else
            rest_method_not_allowed(resp, "GET, PUT, PATCH");
    } else if (method_matches(req, "GET")) {
        if (cert)
            rest_list_certs(sv, req, resp);
        else
            rest_list_records(sv, e, req, resp);
    } else if (is(req, "POST")) {
        if (cert)
            rest_create_cert(sv, req, resp);
        else
            rest_write_record(sv, e, 0, req, resp);
    } else {
        rest_method_not_allowed(resp, "GET, POST");
    }
}

static void route_object(struct service *sv, const struct entity_def *e, int64_t id,
                         const struct http_req *req, struct http_resp *resp)
{
    bool cert = e->kind == ENT_CERTIFICATE;
    if (method_matches(req, "GET")) {
        if (cert)
            rest_get_cert(sv, id, 200, resp);
        else
            rest_get_record(sv, e->kind, id, 200, resp);
    } else if (is(req, "PUT") || (is(req, "PATCH") && !cert)) {
        if (cert)
            rest_update_cert(sv, id, req, resp);
        else
            rest_write_record(sv, e, id, req, resp);
    } else if (is(req, "DELETE")) {
        rest_delete_object(sv, e, id, req, resp);
    } else {
        rest_method_not_allowed(resp, cert ? "GET, PUT, DELETE" : "GET, PUT, PATCH, DELETE");
    }
}

static void route_sub(struct service *sv, const struct entity_def *e, int64_t id,
                      const char *sub, const struct http_req *req, struct http_resp *resp)
{
    for (size_t i = 0; i < N_OBJECT; i++) {
        if (object_routes[i].kind != e->kind || strcmp(object_routes[i].sub, sub) != 0)
            continue;
        if (method_matches(req, object_routes[i].method))
            object_routes[i].handler(sv, id, req, resp);
        else
            rest_method_not_allowed(resp, object_routes[i].method);
        return;
    }
    rest_fail(resp, 404, "no such resource");
}
