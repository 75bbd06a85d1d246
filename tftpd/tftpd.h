/* tftpd.h - the TFTP engine: read-only RFC 1350 server with RFC 2347/2348/2349/7440
 * options, one epoll loop, one ephemeral socket per transfer. */
#ifndef UCPROV_TFTPD_H
#define UCPROV_TFTPD_H

#include <stdint.h>
#include <stddef.h>
#include "provider.h"

struct tftpd;   /* opaque */

struct tftpd_config {
    const char *addr;            /* listen address, IPv4 or IPv6 literal; NULL = 0.0.0.0 */
    uint16_t port;               /* 0 = ephemeral (tests) */
    unsigned max_transfers;      /* concurrent transfer cap; 0 = default */
    unsigned timeout_ms;         /* first retransmit timeout; 0 = default */
    unsigned max_retries;        /* retransmissions before giving up; 0 = default */
};

/* Bind the listening socket.  NULL on failure with a message in err. */
struct tftpd *tftpd_new(const struct tftpd_config *cfg, const struct tftp_provider *provider,
                        char *err, size_t errlen);
/* The port actually bound (useful with port 0). */
uint16_t tftpd_port(const struct tftpd *t);
/* Serve until tftpd_stop(); returns 0 on a clean stop. */
int tftpd_run(struct tftpd *t);
/* Ask a running engine to stop; safe from another thread or a signal handler. */
void tftpd_stop(struct tftpd *t);
/* Close every socket and free; call after tftpd_run() returned.  Transfers
 * still running are reported ABORTED and released. */
void tftpd_free(struct tftpd *t);

/* Counters since start, for metrics and tests. */
struct tftpd_stats {
    uint64_t requests, transfers_ok, not_found, denied, timeouts, busy, bad_requests;
    uint64_t packets_sent, retransmits, wrong_tid;
    unsigned active;
};
void tftpd_get_stats(const struct tftpd *t, struct tftpd_stats *out);

#endif
