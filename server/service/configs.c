/* configs.c - the rendered config files: SEP<MAC>.cnf.xml and XMLDefault.
 *
 * A file is rendered from the database on its first fetch and kept in the
 * cache until a write evicts it (svc_evict: exactly the phones the write
 * affected).  The warm threads (warmer.c) render what is missing after start
 * and after every full eviction, so a boot storm after a restart or a
 * site-wide change is served from memory. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "cache.h"
#include "render.h"
#include "service/internal.h"


/* ----------------------------------------------------------------- eviction */

void svc_evict_all(struct service *sv)
{
    cache_evict_all(sv->cache);
    svc_warm_kick(sv);
}

void svc_evict_names(struct service *sv, const char (*names)[16], size_t n)
{
    if (n == 0)
        return;
    cache_evict(sv->cache, names, n);
    /* A change to many phones (a common profile, a gateway) is warmed again
     * before their next boot; a phone or two is rendered on its next fetch. */
    if (n >= UCPROV_WARM_AFTER_EVICTED)
        svc_warm_kick(sv);
}

void svc_evict(struct service *sv, struct name_list *affected)
{
    if (affected->all)
        svc_evict_all(sv);
    else
        svc_evict_names(sv, (const char (*)[16])affected->names, affected->n);
    name_list_free(affected);
}

/* ---------------------------------------------------------------- rendering */

/* A phone's view with its security profile; its certificate goes to ps. */
static int device_view_load(struct store *s, const char *name, struct device_view *v,
                            struct phone_security *ps)
{
    if (store_device_view(s, name, v) != STORE_OK)
        return -1;
    if (store_phone_security(s, name, ps) != STORE_OK)
        return 0;   /* rendered without a profile */
    v->sec = ps->sec;
    return 0;
}

/* Render name from the database and cache it; the caller found it missing.
 * An encrypted phone's blob is its stub, the config going out encrypted
 * beside it (signed.c). */
struct cache_blob *svc_render_into_cache(struct service *sv, const char *name)
{
    struct cache_blob *b = NULL;
    struct store *s = svc_conn(sv);
    if (s == NULL)
        return NULL;
    uint64_t generation = cache_generation(sv->cache);
    struct rendered r;
    struct phone_security ps = { 0 };
    struct device_view *v = NULL;
    int rc;
    if (strcmp(name, XMLDEFAULT_NAME) == 0) {
        struct default_view *d = malloc(sizeof *d);
        rc = d && store_default_view(s, d) == STORE_OK ? render_default(sv->templates, d, &r)
                                                       : -1;
        free(d);
    } else {
        v = calloc(1, sizeof *v);
        rc = v && device_view_load(s, name, v, &ps) == 0 ? 0 : -1;
        if (rc == 0) {
            svc_reveal_view(sv, v);
            rc = render_device(sv->templates, v, &r);
        }
    }
    if (rc == 0 && v != NULL && ps.sec.encrypted_config)
        b = svc_render_encrypted(sv, &ps, v, (const char *)r.data, r.len, r.version_stamp);
    else if (rc == 0)
        b = cache_blob_new(name, r.data, r.len, r.version_stamp);
    if (v)
        OPENSSL_cleanse(v, sizeof *v);   /* it held the phone, SSH and line passwords */
    free(v);
    free(ps.cert_pem);
    if (rc != 0)
        return NULL;
    render_free(&r);
    if (b != NULL)
        cache_put(sv->cache, b, generation);
    return b;
}

struct cache_blob *service_render(struct service *sv, const char *name)
{
    struct cache_blob *b = cache_get(sv->cache, name);
    return b != NULL ? b : svc_render_into_cache(sv, name);
}

struct cache_blob *service_phone_config(struct service *sv, int64_t phone_id, struct problem *p)
{
    struct record rec;
    if (service_get(sv, ENT_PHONE, phone_id, &rec, p) != 0)
        return NULL;
    struct cache_blob *b = service_render(sv, svc_record_name(&rec));
    record_free(&rec);
    if (b == NULL)
        svc_fail_internal(p);
    return b;
}

void service_cache_stats(struct service *sv, struct cache_stats *out)
{
    cache_get_stats(sv->cache, out);
}

int service_each_phone(struct service *sv, void (*fn)(void *ctx, const char *name), void *ctx)
{
    struct store *s = svc_conn(sv);
    return s && store_each_phone(s, fn, ctx) == STORE_OK ? 0 : -1;
}

void service_set_cache_budget(struct service *sv, size_t bytes)
{
    cache_set_max_bytes(sv->cache, bytes);
}
