/* metrics.h - counters for GET /metrics (Prometheus text format 0.0.4).
 * Serving threads bump atomics; the page is assembled on request. */
#ifndef UCPROV_METRICS_H
#define UCPROV_METRICS_H

#include <stddef.h>

#include "service/service.h"

struct tftpd;
struct fetchlog;

/* One HTTP request answered on a listener ("admin" or "config"). */
void metrics_http_observe(const char *listener, double seconds);
/* One config fetch finished (protocol "tftp"/"http", result as in the fetch log). */
void metrics_fetch(const char *protocol, const char *result);
/* Sources read at render time; either may be NULL. */
void metrics_set_sources(struct tftpd *tftp, struct fetchlog *fetchlog);
/* The whole page; malloc'd text, length in *len. */
char *metrics_render(struct service *sv, size_t *len);

#endif
