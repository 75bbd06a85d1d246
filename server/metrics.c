/* metrics.c - Prometheus exposition of what ucprovd is doing. */
#include <config.h>

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fetchlog.h"
#include "limits.h"
#include "metrics.h"
#include "tftpd/tftpd.h"

static const char *const listeners[] = { "admin", "config" };
#define N_LISTENERS (sizeof listeners / sizeof listeners[0])

/* Request latency buckets, seconds: config files come from memory, so the
 * interesting range starts well under a millisecond. */
static const double buckets[] = { 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                  0.5, 1.0, 2.5 };
#define N_BUCKETS (sizeof buckets / sizeof buckets[0])

static const char *const protocols[] = { "tftp", "http" };
static const char *const results[] = { "ok", "not_found", "denied", "timeout", "aborted", "busy",
                                       "bad_request", "error" };
#define N_PROTOCOLS (sizeof protocols / sizeof protocols[0])
#define N_RESULTS (sizeof results / sizeof results[0])

static struct {
    atomic_uint_fast64_t count[N_LISTENERS], bucket[N_LISTENERS][N_BUCKETS];
    _Atomic double sum[N_LISTENERS];
    atomic_uint_fast64_t fetches[N_PROTOCOLS][N_RESULTS];
    struct tftpd *_Atomic tftp;
    struct fetchlog *_Atomic fetchlog;
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
    size_t l = index_of(listeners, N_LISTENERS, listener);
    if (l == N_LISTENERS)
        return;
    atomic_fetch_add(&m.count[l], 1);
    for (size_t b = 0; b < N_BUCKETS; b++)
        if (seconds <= buckets[b])
            atomic_fetch_add(&m.bucket[l][b], 1);
    double old = atomic_load(&m.sum[l]);
    while (!atomic_compare_exchange_weak(&m.sum[l], &old, old + seconds))
        ;
}

void metrics_fetch(const char *protocol, const char *result)
{
    size_t p = index_of(protocols, N_PROTOCOLS, protocol);
    size_t r = index_of(results, N_RESULTS, result);
    if (p == N_PROTOCOLS)
        return;
    atomic_fetch_add(&m.fetches[p][r == N_RESULTS ? N_RESULTS - 1 : r], 1);
}

void metrics_set_sources(struct tftpd *tftp, struct fetchlog *fetchlog)
{
    atomic_store(&m.tftp, tftp);
    atomic_store(&m.fetchlog, fetchlog);
}

struct page {
    char *buf;
    size_t len, cap;
};

static void put(struct page *pg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct page *pg, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(pg->buf ? pg->buf + pg->len : NULL, pg->buf ? pg->cap - pg->len : 0, fmt,
                          ap);
        va_end(ap);
        if (n < 0)
            return;
        if (pg->buf && pg->len + (size_t)n < pg->cap) {
            pg->len += (size_t)n;
            return;
        }
        size_t cap = (pg->cap + (size_t)n + 1) * 2;
        char *grown = realloc(pg->buf, cap);
        if (grown == NULL)
            return;
        pg->buf = grown;
        pg->cap = cap;
    }
}

/* Label values are escaped as the text format asks: backslash, quote, newline. */
static void put_label(struct page *pg, const char *value)
{
    for (const char *c = value; *c; c++) {
        if (*c == '\\' || *c == '"')
            put(pg, "\\%c", *c);
        else if (*c == '\n')
            put(pg, "\\n");
        else
            put(pg, "%c", *c);
    }
}

static void render_http(struct page *pg)
{
    put(pg, "# HELP ucprov_http_request_duration_seconds Time to answer an HTTP request.\n"
            "# TYPE ucprov_http_request_duration_seconds histogram\n");
    for (size_t l = 0; l < N_LISTENERS; l++) {
        for (size_t b = 0; b < N_BUCKETS; b++)
            put(pg, "ucprov_http_request_duration_seconds_bucket{listener=\"%s\",le=\"%g\"} %llu\n",
                listeners[l], buckets[b], (unsigned long long)atomic_load(&m.bucket[l][b]));
        unsigned long long count = atomic_load(&m.count[l]);
        put(pg, "ucprov_http_request_duration_seconds_bucket{listener=\"%s\",le=\"+Inf\"} %llu\n",
            listeners[l], count);
        put(pg, "ucprov_http_request_duration_seconds_sum{listener=\"%s\"} %.6f\n", listeners[l],
            atomic_load(&m.sum[l]));
        put(pg, "ucprov_http_request_duration_seconds_count{listener=\"%s\"} %llu\n",
            listeners[l], count);
    }
}

static void render_fetches(struct page *pg)
{
    put(pg, "# HELP ucprov_fetches_total Config and static file fetches by protocol and result.\n"
            "# TYPE ucprov_fetches_total counter\n");
    for (size_t p = 0; p < N_PROTOCOLS; p++)
        for (size_t r = 0; r < N_RESULTS; r++)
            put(pg, "ucprov_fetches_total{protocol=\"%s\",result=\"%s\"} %llu\n", protocols[p],
                results[r], (unsigned long long)atomic_load(&m.fetches[p][r]));
    struct fetchlog *fl = atomic_load(&m.fetchlog);
    if (fl != NULL)
        put(pg, "# HELP ucprov_fetch_log_dropped_total Fetch records dropped because the queue "
                "was full.\n# TYPE ucprov_fetch_log_dropped_total counter\n"
                "ucprov_fetch_log_dropped_total %llu\n",
            (unsigned long long)fetchlog_dropped(fl));
}

static void render_tftp(struct page *pg)
{
    struct tftpd *t = atomic_load(&m.tftp);
    if (t == NULL)
        return;
    struct tftpd_stats st;
    tftpd_get_stats(t, &st);
    put(pg, "# HELP ucprov_tftp_transfers_active TFTP transfers in flight.\n"
            "# TYPE ucprov_tftp_transfers_active gauge\nucprov_tftp_transfers_active %u\n",
        st.active);
    put(pg, "# HELP ucprov_tftp_retransmits_total DATA packets sent again after a timeout.\n"
            "# TYPE ucprov_tftp_retransmits_total counter\nucprov_tftp_retransmits_total %llu\n",
        (unsigned long long)st.retransmits);
    put(pg, "# HELP ucprov_tftp_requests_total TFTP requests received.\n"
            "# TYPE ucprov_tftp_requests_total counter\nucprov_tftp_requests_total %llu\n",
        (unsigned long long)st.requests);
    put(pg, "# HELP ucprov_tftp_wrong_tid_total Packets from an unknown transfer ID.\n"
            "# TYPE ucprov_tftp_wrong_tid_total counter\nucprov_tftp_wrong_tid_total %llu\n",
        (unsigned long long)st.wrong_tid);
}

static void render_cache(struct page *pg, struct service *sv)
{
    struct cache_stats cs;
    service_cache_stats(sv, &cs);
    put(pg, "# HELP ucprov_render_cache_hits_total Config files served from the render cache.\n"
            "# TYPE ucprov_render_cache_hits_total counter\nucprov_render_cache_hits_total %llu\n"
            "# HELP ucprov_render_cache_misses_total Config files that had to be rendered.\n"
            "# TYPE ucprov_render_cache_misses_total counter\n"
            "ucprov_render_cache_misses_total %llu\n"
            "# HELP ucprov_render_cache_evictions_total Rendered files dropped after a change.\n"
            "# TYPE ucprov_render_cache_evictions_total counter\n"
            "ucprov_render_cache_evictions_total %llu\n"
            "# HELP ucprov_render_cache_entries Rendered files held.\n"
            "# TYPE ucprov_render_cache_entries gauge\nucprov_render_cache_entries %llu\n",
        (unsigned long long)cs.hits, (unsigned long long)cs.misses,
        (unsigned long long)cs.evictions, (unsigned long long)cs.entries);
}

/* Over PostgreSQL the database can go away while the node serves its cache. */
static void render_database(struct page *pg, struct service *sv)
{
    struct cluster_status cs;
    service_cluster_status(sv, &cs);
    put(pg, "# HELP ucprov_database_up Whether the database answers (1) or not (0).\n"
            "# TYPE ucprov_database_up gauge\nucprov_database_up %d\n", cs.database_up);
    if (!cs.shared)
        return;
    put(pg, "# HELP ucprov_cluster_listening Whether this node hears other nodes' changes.\n"
            "# TYPE ucprov_cluster_listening gauge\nucprov_cluster_listening %d\n"
            "# HELP ucprov_cluster_notifications_total Changes made on other nodes heard.\n"
            "# TYPE ucprov_cluster_notifications_total counter\n"
            "ucprov_cluster_notifications_total %llu\n",
        cs.listening, (unsigned long long)cs.notifications);
}

static void render_certificates(struct page *pg, struct service *sv)
{
    struct list_query q = { MATCH_ANY, NULL, UCPROV_LIST_MAX_LIMIT, 0 };
    struct cert_row *rows = NULL;
    size_t n = 0;
    int64_t total = 0;
    struct problem p = { 0 };
    if (service_cert_list(sv, &q, NULL, &rows, &n, &total, &p) != 0)
        return;
    put(pg, "# HELP ucprov_certificate_expiry_days Days until a trust certificate expires "
            "(negative: expired).\n# TYPE ucprov_certificate_expiry_days gauge\n");
    time_t now = time(NULL);
    for (size_t i = 0; i < n; i++) {
        put(pg, "ucprov_certificate_expiry_days{id=\"%lld\",store=\"", (long long)rows[i].id);
        put_label(pg, rows[i].trust_store);
        put(pg, "\",common_name=\"");
        put_label(pg, rows[i].info.common_name);
        put(pg, "\"} %.2f\n", (double)(rows[i].info.not_after - now) / 86400.0);
        cert_row_free(&rows[i]);
    }
    free(rows);
}

static void render_freshness(struct page *pg, struct service *sv)
{
    struct phone_freshness f;
    struct problem p = { 0 };
    if (service_phone_freshness(sv, &f, &p) != 0)
        return;
    put(pg, "# HELP ucprov_phones Phones by when they last fetched their config.\n"
            "# TYPE ucprov_phones gauge\n"
            "ucprov_phones{last_fetch=\"24h\"} %lld\nucprov_phones{last_fetch=\"7d\"} %lld\n"
            "ucprov_phones{last_fetch=\"older\"} %lld\nucprov_phones{last_fetch=\"never\"} %lld\n",
        (long long)f.within_day, (long long)f.within_week, (long long)f.older,
        (long long)f.never);
}

char *metrics_render(struct service *sv, size_t *len)
{
    struct page pg = { 0 };
    render_fetches(&pg);
    render_tftp(&pg);
    render_cache(&pg, sv);
    render_database(&pg, sv);
    render_http(&pg);
    render_certificates(&pg, sv);
    render_freshness(&pg, sv);
    *len = pg.len;
    return pg.buf;
}
