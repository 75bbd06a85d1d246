/* configs.c - the rendered config files: SEP<MAC>.cnf.xml and XMLDefault.
 *
 * A file is rendered from the database on its first fetch and kept in the
 * cache until a write evicts it (svc_evict: exactly the phones the write
 * affected).  A background thread at low priority renders what is missing
 * after start and after every full eviction, so a boot storm after a restart
 * or a site-wide change is served from memory. */
#include <config.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "cache.h"
#include "limits.h"
#include "log.h"
#include "render.h"
#include "service/internal.h"

static struct cache_blob *render_into_cache(struct service *sv, const char *name);
static void collect_phone_name(void *ctx, const char *name);
static bool warm_interrupted(struct service *sv, unsigned kick);
static void warm_pass(struct service *sv, unsigned kick);
static void *warm_main(void *arg);

/* ----------------------------------------------------------------- eviction */

void svc_evict_all(struct service *sv)
{
    cache_evict_all(sv->cache);
    svc_warm_kick(sv);
}

void svc_evict(struct service *sv, struct name_list *affected)
{
    if (affected->all)
        svc_evict_all(sv);
    else if (affected->n > 0)
        cache_evict(sv->cache, (const char (*)[16])affected->names, affected->n);
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
static struct cache_blob *render_into_cache(struct service *sv, const char *name)
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
    return b != NULL ? b : render_into_cache(sv, name);
}

/* ------------------------------------------------------------ cache warmer */

struct phone_names {
    char (*v)[16];
    size_t n, cap;
    bool failed;
};

static void collect_phone_name(void *ctx, const char *name)
{
    struct phone_names *l = ctx;
    if (l->failed)
        return;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 1024;
        char (*grown)[16] = realloc(l->v, cap * sizeof *grown);
        if (grown == NULL) {
            l->failed = true;
            return;
        }
        l->v = grown;
        l->cap = cap;
    }
    snprintf(l->v[l->n++], sizeof l->v[0], "%s", name);
}

/* A pass is over when the daemon stops, or when a newer eviction asks for a
 * pass of its own (what this one rendered may already be stale). */
static bool warm_interrupted(struct service *sv, unsigned kick)
{
    return atomic_load(&sv->warm.stopping) || atomic_load(&sv->warm.kicks) != kick;
}

/* Render what is missing, XMLDefault first (every phone may ask for it).
 * When the whole site fits in the cache budget, everything is warmed.  When
 * it does not, fetches will evict entries, and what the warmer rendered sits
 * in its thread's malloc arena while the front ends' renders fill theirs: the
 * holes it leaves are not given back, so warming then stops at half the
 * budget (peak memory stays under 1.5 budgets, not 2). */
static void warm_pass(struct service *sv, unsigned kick)
{
    struct phone_names names = { 0 };
    struct store *s = svc_conn(sv);
    if (s == NULL || store_each_phone(s, collect_phone_name, &names) != STORE_OK)
        names.n = 0;
    size_t max = cache_max_bytes(sv->cache), stop_at = max / 2, rendered = 0;
    bool judged = false;
    for (size_t i = 0; i <= names.n && !warm_interrupted(sv, kick); i++) {
        const char *name = i == 0 ? XMLDEFAULT_NAME : names.v[i - 1];
        size_t room = cache_room(sv->cache);
        if (room < UCPROV_WARM_HEADROOM || max - room >= stop_at)
            break;
        struct cache_blob *b = cache_peek(sv->cache, name);
        if (b != NULL) {
            svc_sign_warm(sv, b);   /* signed again after a rotation */
            cache_blob_unref(b);
            continue;
        }
        b = render_into_cache(sv, name);
        if (b != NULL)
            svc_sign_warm(sv, b);
        if (b != NULL && i > 0 && !judged) {
            /* Judged by the first phone rendered: does the whole site fit? */
            judged = true;
            /* Each file is kept twice: plain and signed (a header of about 1 kB). */
            size_t per = 2 * b->len + 1024 + UCPROV_WARM_ENTRY_OVERHEAD;
            if ((names.n + 1) * per + UCPROV_WARM_HEADROOM < max)
                stop_at = max;
        }
        rendered += b != NULL;
        cache_blob_unref(b);
    }
    log_debug("cache warmer: %zu configs rendered", rendered);
    free(names.v);
}

static void *warm_main(void *arg)
{
    struct service *sv = arg;
    /* On Linux a nice value is per thread: this one yields to the front ends. */
    (void)setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), UCPROV_WARM_NICE);
    unsigned done = 0;
    pthread_mutex_lock(&sv->warm.lock);
    while (!atomic_load(&sv->warm.stopping)) {
        unsigned kick = atomic_load(&sv->warm.kicks);
        if (kick == done) {
            pthread_cond_wait(&sv->warm.cond, &sv->warm.lock);
            continue;
        }
        pthread_mutex_unlock(&sv->warm.lock);
        warm_pass(sv, kick);
        done = kick;
        pthread_mutex_lock(&sv->warm.lock);
    }
    pthread_mutex_unlock(&sv->warm.lock);
    return NULL;
}

/* A full eviction asks for a new pass. */
void svc_warm_kick(struct service *sv)
{
    if (!atomic_load(&sv->warm.running))
        return;
    pthread_mutex_lock(&sv->warm.lock);
    atomic_fetch_add(&sv->warm.kicks, 1);
    pthread_cond_signal(&sv->warm.cond);
    pthread_mutex_unlock(&sv->warm.lock);
}

int service_warm_start(struct service *sv)
{
    if (atomic_load(&sv->warm.running))
        return 0;
    /* Listening first: what the warmer renders then cannot miss a change. */
    if (svc_cluster_start(sv) != 0)
        log_warn("cache coherence: the listener thread could not start");
    pthread_mutex_init(&sv->warm.lock, NULL);
    pthread_cond_init(&sv->warm.cond, NULL);
    atomic_init(&sv->warm.kicks, 1);   /* the first pass: the cache starts empty */
    atomic_init(&sv->warm.stopping, false);
    if (pthread_create(&sv->warm.tid, NULL, warm_main, sv) != 0) {
        pthread_mutex_destroy(&sv->warm.lock);
        pthread_cond_destroy(&sv->warm.cond);
        return -1;
    }
    atomic_store(&sv->warm.running, true);
    return 0;
}

void svc_warm_stop(struct service *sv)
{
    if (!atomic_load(&sv->warm.running))
        return;
    atomic_store(&sv->warm.running, false);   /* no more kicks */
    pthread_mutex_lock(&sv->warm.lock);
    atomic_store(&sv->warm.stopping, true);
    pthread_cond_signal(&sv->warm.cond);
    pthread_mutex_unlock(&sv->warm.lock);
    pthread_join(sv->warm.tid, NULL);
    pthread_mutex_destroy(&sv->warm.lock);
    pthread_cond_destroy(&sv->warm.cond);
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
