/* prometheus.h - the GET /metrics page in the Prometheus text format 0.0.4:
 * the counters of metrics.h, the TFTP engine's and the fetch log's, and what
 * the service knows (render cache, certificates, phones' last fetches). */
#ifndef UCPROV_PROMETHEUS_H
#define UCPROV_PROMETHEUS_H

#include <stddef.h>

#include "service/service.h"

struct tftpd;
struct fetchlog;

/* Sources read at render time; either may be NULL. */
void prometheus_set_sources(struct tftpd *tftp, struct fetchlog *fetchlog);
/* The whole page; malloc'd text, length in *len. */
char *prometheus_render(struct service *sv, size_t *len);

#endif
