/* routes.c - every page of the web admin as one row of a table: what the
 * dispatcher (web.c) matches against and what pages_each_route() walks, so
 * the authorisation test covers whatever is added here. */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "page.h"

static bool method_matches(const char *route_method, const char *method);
static bool segment_is(const char *seg, size_t len, const char *word);
static const struct kind_page *collection_segment(const char *seg, size_t len, bool singleton);
static bool pattern_matches(const char *pattern, const char *path, struct match *m);
static void sample_path(const char *pattern, const char *word, char *out, size_t len);

/* Tried in order; the first whose pattern and method match answers.  Segments:
 * a literal, {id} (a positive number), {list} (a collection with Find and
 * List), {single} (a settings page), {static} (a static file).  GET also
 * answers HEAD.  Public routes are answered without a session; every other one
 * needs a session, and a POST its CSRF token. */
static const struct page_route routes[] = {
    { "GET", "/login", true, login_get },
    { "POST", "/login", true, login_post },
    { "GET", "/static/{static}", true, static_file },
    { "GET", "/", false, home_page },
    { "POST", "/logout", false, logout },
    { "GET", "/logout", false, logout_get },
    { "GET", "/diagnostics", false, diagnostics_page },
    { "GET", "/audit-log", false, audit_page },
    { "GET", "/phone-log", false, phonelog_get },
    { "POST", "/phone-log", false, phonelog_post },
    { "GET", "/certificates", false, certs_get },
    { "POST", "/certificates", false, cert_upload },
    { "GET", "/certificates/{id}", false, cert_get },
    { "POST", "/certificates/{id}", false, cert_post },
    { "GET", "/certificates/{id}/pem", false, cert_pem },
    { "GET", "/trust-list", false, trust_get },
    { "POST", "/trust-list", false, trust_post },
    { "POST", "/phones/{id}/verify-gateways", false, verify_post },
    { "GET", "/vpn-groups/{id}/asa-config", false, asa_page },
    { "GET", "/{list}", false, list_page },
    { "GET", "/{list}/new", false, new_get },
    { "POST", "/{list}/new", false, object_post },
    { "GET", "/{list}/{id}", false, object_get },
    { "POST", "/{list}/{id}", false, object_post },
    { "GET", "/{single}", false, object_get },
    { "POST", "/{single}", false, object_post },
};

static bool method_matches(const char *route_method, const char *method)
{
    return strcmp(route_method, method) == 0 ||
           (strcmp(route_method, "GET") == 0 && strcmp(method, "HEAD") == 0);
}

static bool segment_is(const char *seg, size_t len, const char *word)
{
    return strlen(word) == len && memcmp(seg, word, len) == 0;
}

/* The kind page of a collection segment: singletons for {single}, the others for {list}. */
static const struct kind_page *collection_segment(const char *seg, size_t len, bool singleton)
{
    char name[64];
    if (len >= sizeof name)
        return NULL;
    memcpy(name, seg, len);
    name[len] = '\0';
    const struct entity_def *e = entity_by_collection(name);
    const struct kind_page *k = e ? kind_page_of(e->kind) : NULL;
    return k != NULL && e->singleton == singleton ? k : NULL;
}

static bool pattern_matches(const char *pattern, const char *path, struct match *m)
{
    memset(m, 0, sizeof *m);
    while (*pattern == '/' && *path == '/') {
        pattern++;
        path++;
        size_t plen = strcspn(pattern, "/"), len = strcspn(path, "/");
        if (segment_is(pattern, plen, "{id}")) {
            if (!http_path_id(path, len, &m->id))
                return false;
        } else if (segment_is(pattern, plen, "{list}") || segment_is(pattern, plen, "{single}")) {
            bool single = pattern[1] == 's';
            m->k = collection_segment(path, len, single);
            if (m->k == NULL)
                return false;
            if (single)
                m->id = 1;
        } else if (segment_is(pattern, plen, "{static}")) {
            for (size_t i = 0; static_file_name(i) != NULL; i++)
                if (segment_is(path, len, static_file_name(i)))
                    m->file = static_file_name(i);
            if (m->file == NULL)
                return false;
        } else if (plen != len || memcmp(pattern, path, len) != 0) {
            return false;
        }
        pattern += plen;
        path += len;
    }
    return *pattern == '\0' && *path == '\0';
}

const struct page_route *route_find(const char *method, const char *path, struct match *m,
                                    char *allow, size_t allow_len, bool *public_path)
{
    struct match tmp;
    if (allow_len > 0)
        allow[0] = '\0';
    *public_path = false;
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        if (!pattern_matches(routes[i].pattern, path, &tmp))
            continue;
        *public_path = *public_path || routes[i].public;
        if (method_matches(routes[i].method, method)) {
            *m = tmp;
            return &routes[i];
        }
        if (allow_len > 0 && strstr(allow, routes[i].method) == NULL) {
            size_t used = strlen(allow);
            snprintf(allow + used, allow_len - used, "%s%s", used ? ", " : "", routes[i].method);
        }
    }
    return NULL;
}

/* One sample path of a pattern: {id} as 1, a placeholder as word. */
static void sample_path(const char *pattern, const char *word, char *out, size_t len)
{
    size_t o = 0;
    out[0] = '\0';
    for (const char *p = pattern; *p && o + 1 < len;) {
        if (*p != '{') {
            out[o++] = *p++;
            out[o] = '\0';
            continue;
        }
        const char *close = strchr(p, '}');
        if (close == NULL)
            break;
        snprintf(out + o, len - o, "%s", strncmp(p, "{id}", 4) == 0 ? "1" : word);
        o = strlen(out);
        p = close + 1;
    }
}

/* A pattern with a {static}, {list} or {single} stands for one path per file
 * or collection it takes. */
void pages_each_route(void (*fn)(void *ctx, const char *method, const char *path), void *ctx)
{
    char path[256];
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        const struct page_route *r = &routes[i];
        bool single = strstr(r->pattern, "{single}") != NULL;
        if (strstr(r->pattern, "{static}") != NULL) {
            for (size_t s = 0; static_file_name(s) != NULL; s++) {
                sample_path(r->pattern, static_file_name(s), path, sizeof path);
                fn(ctx, r->method, path);
            }
        } else if (single || strstr(r->pattern, "{list}") != NULL) {
            for (size_t k = 0; kind_page_at(k) != NULL; k++) {
                const struct entity_def *e = entity_get(kind_page_at(k)->kind);
                if (e->singleton != single)
                    continue;
                sample_path(r->pattern, e->collection, path, sizeof path);
                fn(ctx, r->method, path);
            }
        } else {
            sample_path(r->pattern, "", path, sizeof path);
            fn(ctx, r->method, path);
        }
    }
}

bool pages_route_public(const char *method, const char *path)
{
    struct match m;
    bool public_path;
    const struct page_route *r = route_find(method, path, &m, NULL, 0, &public_path);
    return r != NULL && r->public;
}
