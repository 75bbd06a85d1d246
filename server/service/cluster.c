/* cluster.c - several ucprovd nodes over one database (PostgreSQL): what a
 * write on one node does to the caches of the others.
 *
 * A write that affects rendered files sends, inside its transaction, a
 * notification naming the phones (or "*": all of them); PostgreSQL delivers
 * it to every listener when, and only if, the transaction commits.  Each node
 * listens on a connection of its own, in a thread, and evicts exactly what a
 * notification names; its own notifications (its node id) it skips, having
 * evicted already.  A node whose listening connection was lost may have
 * missed notifications: when it listens again, it drops its whole cache.
 *
 * Payload: "<node id> <what>", where what is "*", "auth" (forget the
 * credentials checked so far: a password changed) or phone names separated
 * by spaces.  PostgreSQL takes payloads under 8000 bytes: a longer list goes
 * in several, and a very long one as "*". */
#include <config.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/rand.h>

#include "cache.h"
#include "hex.h"
#include "log.h"
#include "service/internal.h"

#define CLUSTER_CHANNEL "ucprov_cache"
#define PAYLOAD_MAX 7900           /* PostgreSQL refuses 8000 bytes and more */
#define CHUNKS_MAX 64              /* payloads of names one write sends, at most */
#define WAIT_MS 250                /* how often the listener looks at stopping */
#define FIRST_LISTEN_WAIT_S 5      /* how long start waits for the first LISTEN */

static void send_payload(struct service *sv, struct store *s, const char *what);
static void on_payload(void *ctx, const char *payload);
static void evict_names(struct service *sv, const char *names);
static void listened(struct service *sv, bool ok);
static void *listen_main(void *arg);

/* ----------------------------------------------------------------- sending */

void svc_cluster_init(struct service *sv)
{
    unsigned char id[8];
    if (RAND_bytes(id, sizeof id) != 1)
        memset(id, 0, sizeof id);
    hex_encode(id, sizeof id, sv->cluster.node);
    pthread_mutex_init(&sv->cluster.lock, NULL);
    pthread_cond_init(&sv->cluster.cond, NULL);
}

static void send_payload(struct service *sv, struct store *s, const char *what)
{
    char *payload = malloc(strlen(sv->cluster.node) + strlen(what) + 2);
    if (payload == NULL) {
        what = "*";
        payload = malloc(strlen(sv->cluster.node) + 3);
        if (payload == NULL)
            return;
    }
    sprintf(payload, "%s %s", sv->cluster.node, what);
    if (store_notify(s, CLUSTER_CHANNEL, payload) != STORE_OK)
        log_warn("cache coherence: the other nodes could not be told of a change");
    free(payload);
}

/* Names go in payloads of up to PAYLOAD_MAX bytes; past CHUNKS_MAX of them
 * (a very large import), one "*" is cheaper for everyone. */
void svc_cluster_notify_names(struct service *sv, struct store *s, const char (*names)[16],
                              size_t n, bool all)
{
    if (!store_shared(s) || (!all && n == 0))
        return;
    size_t per_chunk = PAYLOAD_MAX / 16;
    char *buf = all || n > per_chunk * CHUNKS_MAX ? NULL : malloc(per_chunk * 16 + 1);
    if (buf == NULL) {
        send_payload(sv, s, "*");
        return;
    }
    for (size_t first = 0; first < n; first += per_chunk) {
        size_t len = 0;
        for (size_t i = first; i < n && i < first + per_chunk; i++)
            len += (size_t)sprintf(buf + len, "%s%.15s", i > first ? " " : "", names[i]);
        buf[len] = '\0';
        send_payload(sv, s, buf);
    }
    free(buf);
}

void svc_cluster_notify(struct service *sv, struct store *s, const struct name_list *affected)
{
    svc_cluster_notify_names(sv, s, (const char (*)[16])affected->names, affected->n,
                             affected->all);
}

void svc_cluster_notify_all(struct service *sv, struct store *s)
{
    if (store_shared(s))
        send_payload(sv, s, "*");
}

void svc_cluster_notify_auth(struct service *sv, struct store *s)
{
    if (store_shared(s))
        send_payload(sv, s, "auth");
}

void svc_cluster_announce_site(struct store *s)
{
    /* "-" is no node's id: every listener takes it. */
    if (store_shared(s) && (store_notify(s, CLUSTER_CHANNEL, "- *") != STORE_OK ||
                            store_notify(s, CLUSTER_CHANNEL, "- auth") != STORE_OK))
        log_warn("cache coherence: the nodes could not be told of the copied site");
}

/* --------------------------------------------------------------- listening */

/* One payload's names (each at least 2 bytes with its space), evicted as
 * this node evicts its own writes' (svc_evict_names). */
static void evict_names(struct service *sv, const char *names)
{
    char batch[PAYLOAD_MAX / 2][16];
    size_t n = 0;
    for (const char *p = names; *p && n < sizeof batch / sizeof batch[0];) {
        size_t len = strcspn(p, " ");
        if (len > 0 && len < sizeof batch[0]) {
            memcpy(batch[n], p, len);
            batch[n++][len] = '\0';
        }
        p += len + (p[len] == ' ');
    }
    svc_evict_names(sv, (const char (*)[16])batch, n);
}

static void on_payload(void *ctx, const char *payload)
{
    struct service *sv = ctx;
    size_t node_len = strcspn(payload, " ");
    if (payload[node_len] != ' ')
        return;   /* not ours */
    if (node_len == strlen(sv->cluster.node) &&
        strncmp(payload, sv->cluster.node, node_len) == 0)
        return;   /* this node's own change, evicted when it committed */
    const char *what = payload + node_len + 1;
    atomic_fetch_add(&sv->cluster.received, 1);
    if (strcmp(what, "*") == 0)
        svc_evict_all(sv);
    else if (strcmp(what, "auth") == 0)
        svc_auth_cache_clear(sv);
    else
        evict_names(sv, what);
}

/* The listener's first try is over (service_warm_start waits for it). */
static void listened(struct service *sv, bool ok)
{
    atomic_store(&sv->cluster.listening, ok);   /* before start wakes up to read it */
    pthread_mutex_lock(&sv->cluster.lock);
    if (!sv->cluster.first_done) {
        sv->cluster.first_done = true;
        pthread_cond_broadcast(&sv->cluster.cond);
    }
    pthread_mutex_unlock(&sv->cluster.lock);
}

/* Sleep up to ms unless the daemon stops. */
static void pause_ms(struct service *sv, int ms)
{
    for (int waited = 0; waited < ms && !atomic_load(&sv->cluster.stopping); waited += 50)
        nanosleep(&(struct timespec){ .tv_nsec = 50 * 1000000L }, NULL);
}

static void *listen_main(void *arg)
{
    struct service *sv = arg;
    bool lost = false;
    while (!atomic_load(&sv->cluster.stopping)) {
        char err[256];
        struct store *s = store_open(sv->db_path, err, sizeof err);
        bool heard = s != NULL && store_listen(s, CLUSTER_CHANNEL) == STORE_OK;
        if (heard) {
            if (lost || atomic_load(&sv->cluster.gave_up)) {
                /* Notifications sent while it was away are lost for good. */
                log_info("cache coherence: listening again; the render cache is dropped");
                svc_evict_all(sv);
                lost = false;
                atomic_store(&sv->cluster.gave_up, false);
            }
            listened(sv, true);
            while (!atomic_load(&sv->cluster.stopping) &&
                   store_wait_notify(s, WAIT_MS, on_payload, sv) == STORE_OK)
                ;
            if (!atomic_load(&sv->cluster.stopping))
                log_warn("cache coherence: the listening connection was lost");
        }
        if (!heard && !lost)
            log_warn("cache coherence: cannot listen: %s", s ? "LISTEN failed" : err);
        store_close(s);
        listened(sv, false);
        lost = true;
        pause_ms(sv, WAIT_MS);
    }
    return NULL;
}

int svc_cluster_start(struct service *sv)
{
    struct store *s = svc_conn(sv);
    if (s == NULL || !store_shared(s) || atomic_load(&sv->cluster.running))
        return 0;
    atomic_store(&sv->cluster.stopping, false);
    if (pthread_create(&sv->cluster.tid, NULL, listen_main, sv) != 0)
        return -1;
    atomic_store(&sv->cluster.running, true);
    /* Files rendered before the first LISTEN could miss a change: wait for it. */
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += FIRST_LISTEN_WAIT_S;
    pthread_mutex_lock(&sv->cluster.lock);
    while (!sv->cluster.first_done &&
           pthread_cond_timedwait(&sv->cluster.cond, &sv->cluster.lock, &until) == 0)
        ;
    if (!sv->cluster.first_done)
        atomic_store(&sv->cluster.gave_up, true);   /* its first LISTEN evicts all */
    pthread_mutex_unlock(&sv->cluster.lock);
    log_info("cache coherence: node %s %s on channel " CLUSTER_CHANNEL, sv->cluster.node,
             atomic_load(&sv->cluster.listening) ? "listening" : "not yet listening");
    return 0;
}

void svc_cluster_stop(struct service *sv)
{
    if (!atomic_load(&sv->cluster.running))
        return;
    atomic_store(&sv->cluster.stopping, true);
    pthread_join(sv->cluster.tid, NULL);
    atomic_store(&sv->cluster.running, false);
}

void svc_cluster_free(struct service *sv)
{
    pthread_mutex_destroy(&sv->cluster.lock);
    pthread_cond_destroy(&sv->cluster.cond);
}

bool service_database_up(struct service *sv)
{
    (void)sv;
    return store_reachable();
}

void service_cluster_status(struct service *sv, struct cluster_status *out)
{
    out->shared = sv->cluster.shared;
    out->database_up = store_reachable();
    out->listening = atomic_load(&sv->cluster.listening);
    out->notifications = atomic_load(&sv->cluster.received);
}
