/* metrics.h - the counters behind GET /metrics.  Serving threads bump atomics
 * here; prometheus.c reads them when the page is asked for. */
#ifndef UCPROV_METRICS_H
#define UCPROV_METRICS_H

#include <stddef.h>
#include <stdint.h>

#define METRICS_LISTENERS 2
#define METRICS_BUCKETS 12
#define METRICS_PROTOCOLS 2
#define METRICS_RESULTS 8

/* The label values, in the order the counters below are kept. */
extern const char *const metrics_listeners[METRICS_LISTENERS];   /* "admin", "config" */
extern const double metrics_buckets[METRICS_BUCKETS];            /* seconds, upper bounds */
extern const char *const metrics_protocols[METRICS_PROTOCOLS];   /* "tftp", "http" */
extern const char *const metrics_results[METRICS_RESULTS];       /* as in the fetch log */

/* One HTTP request answered on a listener ("admin" or "config"). */
void metrics_http_observe(const char *listener, double seconds);
/* One config fetch finished (protocol "tftp"/"http", result as in the fetch log). */
void metrics_fetch(const char *protocol, const char *result);

struct metrics_snapshot {
    struct {
        uint64_t count;
        uint64_t bucket[METRICS_BUCKETS];   /* requests answered within metrics_buckets[b] */
        double sum;                         /* seconds */
    } http[METRICS_LISTENERS];
    uint64_t fetches[METRICS_PROTOCOLS][METRICS_RESULTS];
};
/* Every counter as it is now. */
void metrics_read(struct metrics_snapshot *out);

#endif
