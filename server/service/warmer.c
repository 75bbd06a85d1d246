/* warmer.c - the cache warmer: render and sign every phone's file before the
 * phones ask, after start, after a change that empties the cache, and after
 * a trust rotation (every signature then is stale).
 *
 * A pass is shared by the warm threads (one per core by default): a leader
 * waits for a kick, lists the phones and hands the list out one name at a
 * time through an atomic index; the helpers take names until it runs out.
 * Signing is the cost (an RSA-2048 signature is three times a render), and a
 * rotation at a site of 100,000 phones is 100,000 signatures: one thread
 * would leave the other cores idle.  Every warm thread runs at a lower
 * priority than the front ends, so fetches are answered first. */
#include <config.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cache.h"
#include "limits.h"
#include "log.h"
#include "service/internal.h"
#include "timefmt.h"

/* One pass over the site, shared by the warm threads. */
struct warm_pass {
    struct name_list phones;  /* all set: memory ran short, warm what it holds */
    unsigned kick;            /* the kick this pass answers */
    atomic_size_t next;       /* the next index to take: 0 is XMLDefault, n + 1 it again
                                 (the signing phase) */
    atomic_size_t stop_at;    /* cache bytes this pass may fill */
    atomic_bool judged;       /* stop_at was set from the first phone rendered */
    atomic_size_t rendered, signed_now;
    _Atomic int64_t signing_from_ns;   /* when the first thread began to sign; 0 before */
};

static bool warm_interrupted(struct service *sv, unsigned kick);
static void warm_judge(struct service *sv, struct warm_pass *p, const struct cache_blob *b);
static void warm_one(struct service *sv, struct warm_pass *p, const char *name, bool sign);
static void warm_share(struct service *sv, struct warm_pass *p);
static void warm_lead(struct service *sv, unsigned kick);
static struct warmer *warm_enter(struct service *sv);
static void *warm_leader(void *arg);
static void *warm_helper(void *arg);
static unsigned warm_threads(void);

/* A pass is over when the daemon stops, or when a newer eviction asks for a
 * pass of its own (what this one rendered may already be stale). */
static bool warm_interrupted(struct service *sv, unsigned kick)
{
    return atomic_load(&sv->warm.stopping) || atomic_load(&sv->warm.kicks) != kick;
}

/* Judged once, by the first phone rendered: does the whole site fit?  When
 * it does not, fetches will evict entries, and what the warmer rendered sits
 * in its threads' malloc arenas while the front ends' renders fill theirs:
 * the holes it leaves are not given back, so warming then stops at half the
 * budget (peak memory stays under 1.5 budgets, not 2). */
static void warm_judge(struct service *sv, struct warm_pass *p, const struct cache_blob *b)
{
    bool no = false;
    if (!atomic_compare_exchange_strong(&p->judged, &no, true))
        return;
    /* Each file is kept twice: plain and signed (a header of about 1 kB). */
    size_t per = 2 * b->len + 1024 + UCPROV_WARM_ENTRY_OVERHEAD;
    size_t max = cache_max_bytes(sv->cache);
    if ((p->phones.n + 1) * per + UCPROV_WARM_HEADROOM < max)
        atomic_store(&p->stop_at, max);
}

/* First phase: render name if it is missing.  Second: sign it if its
 * signature is stale (a phone that was evicted meanwhile waits for its fetch). */
static void warm_one(struct service *sv, struct warm_pass *p, const char *name, bool sign)
{
    struct cache_blob *b = cache_peek(sv->cache, name);
    if (sign) {
        if (b != NULL && svc_sign_warm(sv, b))
            atomic_fetch_add(&p->signed_now, 1);
    } else if (b == NULL && (b = svc_render_into_cache(sv, name)) != NULL) {
        atomic_fetch_add(&p->rendered, 1);
        if (strcmp(name, XMLDEFAULT_NAME) != 0)
            warm_judge(sv, p, b);
    }
    cache_blob_unref(b);
}

/* Take names from the pass until it runs out, is interrupted or the budget
 * it may fill is reached.  The list is walked twice: every missing file is
 * rendered before any is signed, since signing costs three renders and a
 * phone without our trust list asks for the plain file alone. */
static void warm_share(struct service *sv, struct warm_pass *p)
{
    size_t max = cache_max_bytes(sv->cache), per_phase = p->phones.n + 1;
    while (!warm_interrupted(sv, p->kick)) {
        size_t i = atomic_fetch_add(&p->next, 1);
        if (i >= 2 * per_phase)
            return;
        size_t room = cache_room(sv->cache);
        if (room < UCPROV_WARM_HEADROOM || max - room >= atomic_load(&p->stop_at))
            return;
        size_t k = i % per_phase;
        if (i == per_phase)   /* taken once: the signing phase begins */
            atomic_store(&p->signing_from_ns, time_mono_ns());
        warm_one(sv, p, k == 0 ? XMLDEFAULT_NAME : p->phones.names[k - 1], i >= per_phase);
    }
}

/* The leader's pass: list the phones, let the helpers in, do a share, and
 * wait for the helpers to finish theirs before the list is freed. */
static void warm_lead(struct service *sv, unsigned kick)
{
    struct warm_pass p = { .kick = kick };
    struct store *s = svc_conn(sv);
    if (s == NULL || store_phone_names(s, &p.phones) != STORE_OK)
        p.phones.n = 0;
    atomic_init(&p.next, 0);
    atomic_init(&p.stop_at, cache_max_bytes(sv->cache) / 2);
    atomic_init(&p.judged, false);
    atomic_init(&p.rendered, 0);
    atomic_init(&p.signed_now, 0);
    atomic_init(&p.signing_from_ns, 0);
    int64_t t0 = time_mono_ns();
    struct warmer *w = &sv->warm;
    pthread_mutex_lock(&w->lock);
    w->pass = &p;
    w->pass_seq++;
    w->busy = w->threads - 1;
    pthread_cond_broadcast(&w->pass_cond);
    pthread_mutex_unlock(&w->lock);
    warm_share(sv, &p);
    pthread_mutex_lock(&w->lock);
    while (w->busy > 0)
        pthread_cond_wait(&w->idle_cond, &w->lock);
    w->pass = NULL;
    pthread_mutex_unlock(&w->lock);
    int64_t t1 = time_mono_ns(), ts = atomic_load(&p.signing_from_ns);
    if (ts == 0)
        ts = t1;   /* stopped before it signed */
    size_t rendered = atomic_load(&p.rendered), signed_now = atomic_load(&p.signed_now);
    atomic_fetch_add(&w->signatures, signed_now);
    /* One line a pass: passes follow a start, a site-wide change or a rotation. */
    if (rendered + signed_now > 0)
        log_info("cache warmer: %zu configs rendered in %.3f s, %zu signed in %.3f s, "
                 "%.3f s in all on %u threads", rendered, (double)(ts - t0) / 1e9, signed_now,
                 (double)(t1 - ts) / 1e9, (double)(t1 - t0) / 1e9, w->threads);
    name_list_free(&p.phones);
}

/* A warm thread's first steps: yield to the front ends (on Linux a nice
 * value is per thread), then take the warmer's lock. */
static struct warmer *warm_enter(struct service *sv)
{
    (void)setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), UCPROV_WARM_NICE);
    pthread_mutex_lock(&sv->warm.lock);
    return &sv->warm;
}

static void *warm_leader(void *arg)
{
    struct service *sv = arg;
    struct warmer *w = warm_enter(sv);
    unsigned done = 0;
    while (!atomic_load(&w->stopping)) {
        unsigned kick = atomic_load(&w->kicks);
        if (kick == done) {
            pthread_cond_wait(&w->kick_cond, &w->lock);
            continue;
        }
        pthread_mutex_unlock(&w->lock);
        warm_lead(sv, kick);
        done = kick;
        pthread_mutex_lock(&w->lock);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

static void *warm_helper(void *arg)
{
    struct service *sv = arg;
    struct warmer *w = warm_enter(sv);
    unsigned seen = 0;
    for (;;) {
        while ((w->pass == NULL || w->pass_seq == seen) && !atomic_load(&w->stopping))
            pthread_cond_wait(&w->pass_cond, &w->lock);
        /* A pass published before the stop still counts on this thread (the
         * leader waits for every helper): join it, it ends at once. */
        if (w->pass == NULL || w->pass_seq == seen)
            break;
        seen = w->pass_seq;
        struct warm_pass *p = w->pass;
        pthread_mutex_unlock(&w->lock);
        warm_share(sv, p);
        pthread_mutex_lock(&w->lock);
        if (--w->busy == 0)
            pthread_cond_signal(&w->idle_cond);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

/* One per core the process may run on, within UCPROV_WARM_THREADS_MAX. */
static unsigned warm_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1)
        return 1;
    return n > UCPROV_WARM_THREADS_MAX ? UCPROV_WARM_THREADS_MAX : (unsigned)n;
}

/* A full eviction or a rotation asks for a new pass. */
void svc_warm_kick(struct service *sv)
{
    if (!atomic_load(&sv->warm.running))
        return;
    pthread_mutex_lock(&sv->warm.lock);
    atomic_fetch_add(&sv->warm.kicks, 1);
    pthread_cond_signal(&sv->warm.kick_cond);
    pthread_mutex_unlock(&sv->warm.lock);
}

int service_warm_start(struct service *sv, unsigned threads)
{
    struct warmer *w = &sv->warm;
    if (atomic_load(&w->running))
        return 0;
    /* Listening first: what the warmer renders then cannot miss a change. */
    if (svc_cluster_start(sv) != 0)
        log_warn("cache coherence: the listener thread could not start");
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->kick_cond, NULL);
    pthread_cond_init(&w->pass_cond, NULL);
    pthread_cond_init(&w->idle_cond, NULL);
    atomic_init(&w->kicks, 1);   /* the first pass: the cache starts empty */
    atomic_init(&w->stopping, false);
    atomic_init(&w->signatures, 0);
    w->pass = NULL;
    w->pass_seq = 0;
    w->busy = 0;
    w->threads = threads == 0 ? warm_threads()
               : threads > UCPROV_WARM_THREADS_MAX ? UCPROV_WARM_THREADS_MAX : threads;
    /* Under the lock, so the leader's first pass counts only helpers that exist. */
    pthread_mutex_lock(&w->lock);
    unsigned started = 0;
    for (; started < w->threads; started++)
        if (pthread_create(&w->tid[started], NULL, started == 0 ? warm_leader : warm_helper,
                           sv) != 0)
            break;
    if (started > 0 && started < w->threads)
        log_warn("cache warmer: %u of %u threads started", started, w->threads);
    w->threads = started;
    pthread_mutex_unlock(&w->lock);
    if (started == 0) {
        svc_warm_stop_threads(sv);
        return -1;
    }
    atomic_store(&w->running, true);
    return 0;
}

/* Stop and join the threads started; the locks go with them. */
void svc_warm_stop_threads(struct service *sv)
{
    struct warmer *w = &sv->warm;
    atomic_store(&w->running, false);   /* no more kicks */
    pthread_mutex_lock(&w->lock);
    atomic_store(&w->stopping, true);
    pthread_cond_broadcast(&w->kick_cond);
    pthread_cond_broadcast(&w->pass_cond);
    pthread_mutex_unlock(&w->lock);
    for (unsigned i = 0; i < w->threads; i++)
        pthread_join(w->tid[i], NULL);
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->kick_cond);
    pthread_cond_destroy(&w->pass_cond);
    pthread_cond_destroy(&w->idle_cond);
}

void svc_warm_stop(struct service *sv)
{
    if (atomic_load(&sv->warm.running))
        svc_warm_stop_threads(sv);
}

void service_warm_stats(struct service *sv, struct warm_stats *out)
{
    out->threads = atomic_load(&sv->warm.running) ? sv->warm.threads : 0;
    out->signatures = atomic_load(&sv->warm.signatures);
}
