/* engine.h - inside the TFTP engine (not for users of tftpd.h): the state the
 * loop (engine.c), one transfer's state machine (transfer.c) and the tables of
 * live transfers (table.c) share. */
#ifndef UCPROV_TFTPD_ENGINE_H
#define UCPROV_TFTPD_ENGINE_H

#include <netinet/in.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

#include "packet.h"
#include "provider.h"
#include "tftp_limits.h"

enum xfer_state {
    XFER_OACK_SENT,          /* waiting for ACK 0 */
    XFER_DATA,               /* sending the file a window at a time */
};

struct xfer {
    int fd;                          /* our TID; unconnected, see xfer_on_traffic() */
    size_t heap_idx;
    uint64_t deadline_us;            /* next retransmission */
    uint64_t started_us;
    struct sockaddr_storage peer;
    socklen_t peer_len;

    struct tftp_file file;           /* as lent by the provider */
    const unsigned char *data;       /* what goes on the wire: file.data ... */
    size_t len;
    unsigned char *netascii;         /* ... or this owned encoding of it */

    struct tftp_options granted;     /* echoed in the OACK; present == 0: none */
    uint16_t blksize;
    uint16_t window;
    unsigned rto_ms;                 /* current retransmission timeout */
    unsigned base_rto_ms;
    int fixed_rto;                   /* client chose the timeout: no backoff */
    int abandoned;                   /* its client sent a new request: end at the next tick */
    unsigned retries;

    /* Counted in blocks from 1, never wrapped; the wire number is the low 16
     * bits, which is how files past 65535 blocks roll over to 0. */
    uint64_t nblocks;                /* the last one is short, maybe empty */
    uint64_t acked;                  /* blocks 1..acked are acknowledged */
    uint64_t sent;                   /* blocks 1..sent have been sent once */
    enum xfer_state state;

    char filename[TFTP_FILENAME_MAX + 1];
    struct xfer *peer_next;          /* chain in the by-peer table */
};

/* Written on the loop thread, read by tftpd_get_stats() from anywhere. */
struct counters {
    atomic_uint_fast64_t requests, transfers_ok, not_found, denied, timeouts,
        busy, bad_requests, packets_sent, retransmits, wrong_tid;
    atomic_uint active;
};

struct tftpd {
    int listen_fd;
    int epoll_fd;
    int wake_fd;                     /* eventfd poked by tftpd_stop() */
    struct sockaddr_storage local;   /* bound listen address */
    socklen_t local_len;
    uint16_t port;

    struct tftp_provider provider;
    unsigned max_transfers, timeout_ms, max_retries;

    struct xfer **heap;              /* min-heap on deadline_us, max_transfers long */
    size_t nheap;
    struct xfer **by_peer;           /* live transfers by client address and port */
    size_t peer_mask;                /* buckets - 1, a power of two */

    struct counters st;
    unsigned char in[TFTP_PACKET_MAX];
    unsigned char out[TFTP_PACKET_MAX];
};

static inline uint64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static inline void bump(atomic_uint_fast64_t *counter, uint64_t n)
{
    atomic_fetch_add_explicit(counter, n, memory_order_relaxed);
}

/* --- table.c: the deadline heap (also the list of live transfers) --- */
void deadline_push(struct tftpd *t, struct xfer *x);
void deadline_remove(struct tftpd *t, struct xfer *x);
/* Move x's deadline, up or down the heap. */
void deadline_arm(struct tftpd *t, struct xfer *x, uint64_t deadline_us);

/* --- table.c: live transfers by client address and port --- */
int peers_same(const struct sockaddr_storage *a, const struct sockaddr_storage *b);
void peers_add(struct tftpd *t, struct xfer *x);
void peers_remove(struct tftpd *t, struct xfer *x);
/* A new RRQ for name from address a: 1 when it repeats the live transfer's
 * request (drop it), else 0 (and that transfer ends at the next tick). */
int peers_is_duplicate(struct tftpd *t, const struct sockaddr_storage *a, const char *name);

/* --- transfer.c: one transfer --- */
/* Answer a request with ERROR st from the listening socket, and report it. */
void xfer_refuse(struct tftpd *t, enum tftp_status st, const struct sockaddr *peer,
                 socklen_t peer_len, const char *filename, const struct tftp_file *file,
                 uint64_t started_us);
/* Open name and send the first OACK or DATA from a new TID; refuses when it cannot. */
void xfer_start(struct tftpd *t, const struct tftp_request *req, const char *name,
                const struct sockaddr_storage *peer, socklen_t peer_len,
                const struct sockaddr_storage *local, socklen_t local_len, uint64_t started_us);
/* Datagrams on x's socket; x may be freed. */
void xfer_on_traffic(struct tftpd *t, struct xfer *x);
/* Retransmit or end every transfer whose deadline has passed. */
void xfer_run_timers(struct tftpd *t);
/* Report x with result, give its file back and free it. */
void xfer_finish(struct tftpd *t, struct xfer *x, enum tftp_result result);

#endif
