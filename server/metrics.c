/* metrics.c - the counters: lock-free, so a serving thread never waits here. */
#include <config.h>

#include <stdatomic.h>
#include <string.h>

#include "metrics.h"

static size_t index_of(const char *const *table, size_t n, const char *name);

const char *const metrics_listeners[METRICS_LISTENERS] = { "admin", "config" };

/* Request latency buckets, seconds: config files come from memory, so the
 * interesting range starts well under a millisecond. */
const double metrics_buckets[METRICS_BUCKETS] = { 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                  0.05, 0.1, 0.25, 0.5, 1.0, 2.5 };

const char *const metrics_protocols[METRICS_PROTOCOLS] = { "tftp", "http" };
const char *const metrics_results[METRICS_RESULTS] = { "ok", "not_found", "denied", "timeout",
                                                       "aborted", "busy", "bad_request",
                                                       "error" };

static struct {
    atomic_uint_fast64_t count[METRICS_LISTENERS], bucket[METRICS_LISTENERS][METRICS_BUCKETS];
    _Atomic double sum[METRICS_LISTENERS];
    atomic_uint_fast64_t fetches[METRICS_PROTOCOLS][METRICS_RESULTS];
} m;

static size_t index_of(const char *const *table, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(table[i], name) == 0)
            return i;
    return n;
}

void metrics_http_observe(const char *listener, double seconds)
{
    size_t l = index_of(metrics_listeners, METRICS_LISTENERS, listener);
    if (l == METRICS_LISTENERS)
        return;
    atomic_fetch_add(&m.count[l], 1);
    for (size_t b = 0; b < METRICS_BUCKETS; b++)
        if (seconds <= metrics_buckets[b])
            atomic_fetch_add(&m.bucket[l][b], 1);
    double old = atomic_load(&m.sum[l]);
    while (!atomic_compare_exchange_weak(&m.sum[l], &old, old + seconds))
        ;
}

/* An unknown result counts as "error", the table's last. */
void metrics_fetch(const char *protocol, const char *result)
{
    size_t p = index_of(metrics_protocols, METRICS_PROTOCOLS, protocol);
    size_t r = index_of(metrics_results, METRICS_RESULTS, result);
    if (p == METRICS_PROTOCOLS)
        return;
    atomic_fetch_add(&m.fetches[p][r == METRICS_RESULTS ? METRICS_RESULTS - 1 : r], 1);
}

void metrics_read(struct metrics_snapshot *out)
{
    for (size_t l = 0; l < METRICS_LISTENERS; l++) {
        for (size_t b = 0; b < METRICS_BUCKETS; b++)
            out->http[l].bucket[b] = atomic_load(&m.bucket[l][b]);
        out->http[l].count = atomic_load(&m.count[l]);
        out->http[l].sum = atomic_load(&m.sum[l]);
    }
    for (size_t p = 0; p < METRICS_PROTOCOLS; p++)
        for (size_t r = 0; r < METRICS_RESULTS; r++)
            out->fetches[p][r] = atomic_load(&m.fetches[p][r]);
}
