/* prometheus.c - the exposition page: each family is written by one
 * function, the page is assembled on request. */
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
#include "prometheus.h"
#include "scanwatch.h"
#include "textbuf.h"
#include "timefmt.h"
#include "tftpd/tftpd.h"

static void put(struct textbuf *pg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put_label(struct textbuf *pg, const char *value);
static void render_http(struct textbuf *pg, const struct metrics_snapshot *ms);
static void render_fetches(struct textbuf *pg, const struct metrics_snapshot *ms);
static void render_tftp(struct textbuf *pg);
static void render_scans(struct textbuf *pg);
static void render_cache(struct textbuf *pg, struct service *sv);
static void render_database(struct textbuf *pg, struct service *sv);
static void render_certificates(struct textbuf *pg, struct service *sv);
static void render_freshness(struct textbuf *pg, struct service *sv);

static struct {
    struct tftpd *_Atomic tftp;
    struct fetchlog *_Atomic fetchlog;
} sources;

void prometheus_set_sources(struct tftpd *tftp, struct fetchlog *fetchlog)
{
    atomic_store(&sources.tftp, tftp);
    atomic_store(&sources.fetchlog, fetchlog);
}

/* The page's one verb, kept short for its long lines. */
static void put(struct textbuf *pg, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    textbuf_vprintf(pg, fmt, ap);
    va_end(ap);
}

/* Label values are escaped as the text format asks: backslash, quote, newline. */
static void put_label(struct textbuf *pg, const char *value)
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

static void render_http(struct textbuf *pg, const struct metrics_snapshot *ms)
{
    put(pg, "# HELP ucprov_http_request_duration_seconds Time to answer an HTTP request.\n"
            "# TYPE ucprov_http_request_duration_seconds histogram\n");
    for (size_t l = 0; l < METRICS_LISTENERS; l++) {
        const char *name = metrics_listeners[l];
        for (size_t b = 0; b < METRICS_BUCKETS; b++)
            put(pg, "ucprov_http_request_duration_seconds_bucket{listener=\"%s\",le=\"%g\"} %llu\n",
                name, metrics_buckets[b], (unsigned long long)ms->http[l].bucket[b]);
        unsigned long long count = ms->http[l].count;
        put(pg, "ucprov_http_request_duration_seconds_bucket{listener=\"%s\",le=\"+Inf\"} %llu\n",
            name, count);
        put(pg, "ucprov_http_request_duration_seconds_sum{listener=\"%s\"} %.6f\n", name,
            ms->http[l].sum);
        put(pg, "ucprov_http_request_duration_seconds_count{listener=\"%s\"} %llu\n",
            name, count);
    }
}

static void render_fetches(struct textbuf *pg, const struct metrics_snapshot *ms)
{
    put(pg, "# HELP ucprov_fetches_total Config and static file fetches by protocol and result.\n"
            "# TYPE ucprov_fetches_total counter\n");
    for (size_t p = 0; p < METRICS_PROTOCOLS; p++)
        for (size_t r = 0; r < METRICS_RESULTS; r++)
            put(pg, "ucprov_fetches_total{protocol=\"%s\",result=\"%s\"} %llu\n",
                metrics_protocols[p], metrics_results[r],
                (unsigned long long)ms->fetches[p][r]);
    struct fetchlog *fl = atomic_load(&sources.fetchlog);
    if (fl != NULL)
        put(pg, "# HELP ucprov_fetch_log_dropped_total Fetch records dropped because the queue "
                "was full.\n# TYPE ucprov_fetch_log_dropped_total counter\n"
                "ucprov_fetch_log_dropped_total %llu\n",
            (unsigned long long)fetchlog_dropped(fl));
}

static void render_tftp(struct textbuf *pg)
{
    struct tftpd *t = atomic_load(&sources.tftp);
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

static void render_cache(struct textbuf *pg, struct service *sv)
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
    struct warm_stats ws;
    service_warm_stats(sv, &ws);
    put(pg, "# HELP ucprov_warm_threads Threads rendering and signing ahead of the phones.\n"
            "# TYPE ucprov_warm_threads gauge\nucprov_warm_threads %u\n"
            "# HELP ucprov_warm_signatures_total Signed files the warm threads made.\n"
            "# TYPE ucprov_warm_signatures_total counter\nucprov_warm_signatures_total %llu\n",
        ws.threads, (unsigned long long)ws.signatures);
}

/* Over PostgreSQL the database can go away while the node serves its cache. */
static void render_database(struct textbuf *pg, struct service *sv)
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

static void render_certificates(struct textbuf *pg, struct service *sv)
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

/* The server's own trust certificates (SAST, ITLRecovery, TFTP). */
static void render_trust_certificates(struct textbuf *pg, struct service *sv)
{
    struct trust_entry *e = NULL;
    size_t n = 0;
    struct problem p = { 0 };
    if (service_trust_list(sv, &e, &n, &p) != 0)
        return;
    put(pg, "# HELP ucprov_trust_certificate_expiry_days Days until a trust certificate of this "
            "server expires (negative: expired).\n"
            "# TYPE ucprov_trust_certificate_expiry_days gauge\n");
    time_t now = time(NULL);
    for (size_t i = 0; i < n; i++)
        if (e[i].key[0] != '\0')
            put(pg, "ucprov_trust_certificate_expiry_days{key=\"%s\"} %.2f\n", e[i].key,
                (double)(e[i].not_after - now) / 86400.0);
    trust_entries_free(e, n);
}

static void render_freshness(struct textbuf *pg, struct service *sv)
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

/* MAC scans on the config ports (scanwatch.c): the count, and each host. */
static void render_scans(struct textbuf *pg)
{
    struct scan_host hosts[64];
    size_t total = scanwatch_flagged(hosts, 64, time_now_ms());
    put(pg, "# HELP ucprov_unknown_device_requests_total Config files asked for of phones that "
            "do not exist.\n# TYPE ucprov_unknown_device_requests_total counter\n"
            "ucprov_unknown_device_requests_total %llu\n",
        (unsigned long long)scanwatch_unknown_total());
    put(pg, "# HELP ucprov_mac_scan_hosts Hosts asking for the files of many unknown phones "
            "(a MAC scan).\n# TYPE ucprov_mac_scan_hosts gauge\nucprov_mac_scan_hosts %zu\n",
        total);
    put(pg, "# HELP ucprov_mac_scan_unknown_names Distinct unknown phones a flagged host asked "
            "for.\n# TYPE ucprov_mac_scan_unknown_names gauge\n");
    for (size_t i = 0; i < total && i < 64; i++) {
        put(pg, "ucprov_mac_scan_unknown_names{client=\"");
        put_label(pg, hosts[i].client);
        put(pg, "\"} %u\n", hosts[i].unknown);
    }
}

char *prometheus_render(struct service *sv, size_t *len)
{
    struct textbuf pg = { 0 };
    struct metrics_snapshot ms;
    metrics_read(&ms);
    render_fetches(&pg, &ms);
    render_tftp(&pg);
    render_scans(&pg);
    render_cache(&pg, sv);
    render_database(&pg, sv);
    render_http(&pg, &ms);
    render_certificates(&pg, sv);
    render_trust_certificates(&pg, sv);
    render_freshness(&pg, sv);
    return textbuf_take(&pg, len);
}
