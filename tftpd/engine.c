/* engine.c - the TFTP server loop: one thread, one epoll set, one socket per
 * transfer, and a min-heap of retransmission deadlines.
 *
 * A request arrives on the listening socket.  Refusals (bad packet, unknown
 * file, busy) are answered from that socket and cost nothing more.  An
 * accepted RRQ gets its own UDP socket bound to a fresh port (its TID) and
 * a slot in the deadline heap; the heap is also the list of live transfers.
 */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "packet.h"
#include "tftp_limits.h"
#include "tftpd.h"

enum xfer_state {
    XFER_OACK_SENT,          /* waiting for ACK 0 */
    XFER_DATA,               /* sending the file a window at a time */
};

struct xfer {
    int fd;                          /* our TID; unconnected, see on_transfer() */
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

/* How each refusal is reported to the provider. */
static const enum tftp_result status_result[TFTP_STATUS_COUNT] = {
    [TFTP_OK]               = TFTP_RESULT_OK,
    [TFTP_ST_TRUNCATED]     = TFTP_RESULT_BAD_REQUEST,
    [TFTP_ST_BAD_OPCODE]    = TFTP_RESULT_BAD_REQUEST,
    [TFTP_ST_UNTERMINATED]  = TFTP_RESULT_BAD_REQUEST,
    [TFTP_ST_NAME_TOO_LONG] = TFTP_RESULT_BAD_REQUEST,
    [TFTP_ST_EMPTY_NAME]    = TFTP_RESULT_BAD_REQUEST,
    [TFTP_ST_BAD_MODE]      = TFTP_RESULT_BAD_REQUEST,
    [TFTP_ST_MAIL_MODE]     = TFTP_RESULT_BAD_REQUEST,
    [TFTP_ST_BAD_OPTION]    = TFTP_RESULT_BAD_REQUEST,
    [TFTP_ST_BAD_NAME]      = TFTP_RESULT_DENIED,
    [TFTP_ST_WRITE_DENIED]  = TFTP_RESULT_DENIED,
    [TFTP_ST_DENIED]        = TFTP_RESULT_DENIED,
    [TFTP_ST_NOT_FOUND]     = TFTP_RESULT_NOT_FOUND,
    [TFTP_ST_BUSY]          = TFTP_RESULT_BUSY,
    [TFTP_ST_UNKNOWN_TID]   = TFTP_RESULT_BAD_REQUEST,
};

static uint64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void bump(atomic_uint_fast64_t *counter, uint64_t n)
{
    atomic_fetch_add_explicit(counter, n, memory_order_relaxed);
}

/* ---- deadline heap ---------------------------------------------------- */

static void heap_set(struct tftpd *t, size_t i, struct xfer *x)
{
    t->heap[i] = x;
    x->heap_idx = i;
}

static void sift_up(struct tftpd *t, size_t i)
{
    struct xfer *x = t->heap[i];
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (t->heap[parent]->deadline_us <= x->deadline_us)
            break;
        heap_set(t, i, t->heap[parent]);
        i = parent;
    }
    heap_set(t, i, x);
}

static void sift_down(struct tftpd *t, size_t i)
{
    struct xfer *x = t->heap[i];
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= t->nheap)
            break;
        if (child + 1 < t->nheap &&
            t->heap[child + 1]->deadline_us < t->heap[child]->deadline_us)
            child++;
        if (x->deadline_us <= t->heap[child]->deadline_us)
            break;
        heap_set(t, i, t->heap[child]);
        i = child;
    }
    heap_set(t, i, x);
}

static void heap_push(struct tftpd *t, struct xfer *x)
{
    heap_set(t, t->nheap++, x);
    sift_up(t, x->heap_idx);
}

static void heap_remove(struct tftpd *t, struct xfer *x)
{
    size_t i = x->heap_idx;
    struct xfer *last = t->heap[--t->nheap];
    if (last == x)
        return;
    heap_set(t, i, last);
    sift_up(t, i);
    sift_down(t, last->heap_idx);
}

static void arm(struct tftpd *t, struct xfer *x, uint64_t deadline_us)
{
    uint64_t old = x->deadline_us;
    x->deadline_us = deadline_us;
    if (deadline_us < old)
        sift_up(t, x->heap_idx);
    else
        sift_down(t, x->heap_idx);
}

/* ---- replies and reports ---------------------------------------------- */

static void send_packet(struct tftpd *t, int fd, size_t n,
                        const struct sockaddr *to, socklen_t tolen)
{
    /* A full socket buffer is a lost datagram like any other: the
     * retransmission timer covers it, so failures are not errors here. */
    if (n > 0 && sendto(fd, t->out, n, 0, to, tolen) >= 0)
        bump(&t->st.packets_sent, 1);
}

static void send_error(struct tftpd *t, int fd, enum tftp_status st,
                       const struct sockaddr *to, socklen_t tolen)
{
    send_packet(t, fd, tftp_build_error(t->out, sizeof t->out, st), to, tolen);
}

static void count_result(struct tftpd *t, enum tftp_result r)
{
    switch (r) {
    case TFTP_RESULT_OK:          bump(&t->st.transfers_ok, 1); break;
    case TFTP_RESULT_NOT_FOUND:   bump(&t->st.not_found, 1); break;
    case TFTP_RESULT_DENIED:      bump(&t->st.denied, 1); break;
    case TFTP_RESULT_TIMEOUT:     bump(&t->st.timeouts, 1); break;
    case TFTP_RESULT_BUSY:        bump(&t->st.busy, 1); break;
    case TFTP_RESULT_BAD_REQUEST: bump(&t->st.bad_requests, 1); break;
    case TFTP_RESULT_ABORTED:     break;
    }
}

static void report(struct tftpd *t, const struct sockaddr *peer, socklen_t peer_len,
                   const char *filename, const struct tftp_file *file,
                   uint64_t bytes, enum tftp_result result, uint64_t started_us)
{
    count_result(t, result);
    if (!t->provider.report)
        return;
    struct tftp_transfer_report r = {
        .peer = peer,
        .peer_len = peer_len,
        .filename = filename,
        .device = file ? file->device : "",
        .version_stamp = file ? file->version_stamp : "",
        .bytes = bytes,
        .result = result,
        .duration_us = now_us() - started_us,
    };
    t->provider.report(t->provider.ctx, &r);
}

/* Answer a request with an ERROR from the listening socket.  Clients take
 * the TID from whatever answers first, so no transfer socket is needed. */
static void refuse(struct tftpd *t, enum tftp_status st, const struct sockaddr *peer,
                   socklen_t peer_len, const char *filename,
                   const struct tftp_file *file, uint64_t started_us)
{
    send_error(t, t->listen_fd, st, peer, peer_len);
    report(t, peer, peer_len, filename, file, 0, status_result[st], started_us);
}

/* ---- one transfer ----------------------------------------------------- */

static void peer_remove(struct tftpd *t, struct xfer *x);

static void finish(struct tftpd *t, struct xfer *x, enum tftp_result result)
{
    uint64_t bytes = x->acked * x->blksize;
    if (bytes > x->len)
        bytes = x->len;
    report(t, (struct sockaddr *)&x->peer, x->peer_len, x->filename, &x->file,
           bytes, result, x->started_us);
    if (t->provider.release)
        t->provider.release(t->provider.ctx, &x->file);
    close(x->fd);
    heap_remove(t, x);
    peer_remove(t, x);
    atomic_store_explicit(&t->st.active, (unsigned)t->nheap, memory_order_relaxed);
    free(x->netascii);
    free(x);
}

static void send_oack(struct tftpd *t, struct xfer *x)
{
    send_packet(t, x->fd, tftp_build_oack(t->out, sizeof t->out, &x->granted),
                (struct sockaddr *)&x->peer, x->peer_len);
}

/* Send blocks first..last (1-based, inclusive). */
static void send_blocks(struct tftpd *t, struct xfer *x, uint64_t first, uint64_t last)
{
    for (uint64_t b = first; b <= last; b++) {
        uint64_t off = (b - 1) * x->blksize;
        size_t n = 0;
        const unsigned char *payload = NULL;
        if (off < x->len) {
            n = x->len - off < x->blksize ? x->len - off : x->blksize;
            payload = x->data + off;
        }
        send_packet(t, x->fd, tftp_build_data(t->out, sizeof t->out, (uint16_t)b, payload, n),
                    (struct sockaddr *)&x->peer, x->peer_len);
    }
}

/* Send whatever the window allows that has never been sent. */
static void fill_window(struct tftpd *t, struct xfer *x)
{
    uint64_t last = x->acked + x->window;
    if (last > x->nblocks)
        last = x->nblocks;
    if (x->sent < last) {
        send_blocks(t, x, x->sent + 1, last);
        x->sent = last;
    }
}

/* Progress: the client has everything up to a new point. */
static void progressed(struct tftpd *t, struct xfer *x)
{
    x->retries = 0;
    x->rto_ms = x->base_rto_ms;
    fill_window(t, x);
    arm(t, x, now_us() + (uint64_t)x->rto_ms * 1000u);
}

/* Returns 1 when the transfer is over and x freed. */
static int on_ack(struct tftpd *t, struct xfer *x, uint16_t block)
{
    if (x->state == XFER_OACK_SENT) {
        if (block != 0)
            return 0;
        x->state = XFER_DATA;
        progressed(t, x);
        return 0;
    }
    /* Only an ACK inside the unacknowledged part of the window moves us; a
     * duplicate or stale one is ignored, so it can never double the sends
     * (the Sorcerer's Apprentice bug).  Resending is the timer's job. */
    uint16_t ahead = (uint16_t)(block - (uint16_t)x->acked);
    if (ahead == 0 || ahead > x->sent - x->acked)
        return 0;
    x->acked += ahead;
    if (x->acked == x->nblocks) {
        finish(t, x, TFTP_RESULT_OK);
        return 1;
    }
    progressed(t, x);
    return 0;
}

static void on_timeout(struct tftpd *t, struct xfer *x, uint64_t now)
{
    if (x->retries >= t->max_retries || x->abandoned) {
        finish(t, x, x->abandoned ? TFTP_RESULT_ABORTED : TFTP_RESULT_TIMEOUT);
        return;
    }
    x->retries++;
    if (x->state == XFER_OACK_SENT) {
        send_oack(t, x);
        bump(&t->st.retransmits, 1);
    } else {
        send_blocks(t, x, x->acked + 1, x->sent);
        bump(&t->st.retransmits, x->sent - x->acked);
    }
    if (!x->fixed_rto) {
        x->rto_ms *= 2;
        if (x->rto_ms > TFTP_MAX_BACKOFF_MS)
            x->rto_ms = TFTP_MAX_BACKOFF_MS;
    }
    arm(t, x, now + (uint64_t)x->rto_ms * 1000u);
}

static int same_peer(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
    if (a->ss_family != b->ss_family)
        return 0;
    if (a->ss_family == AF_INET) {
        const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;
        return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
    }
    if (a->ss_family == AF_INET6) {
        const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;
        return x->sin6_port == y->sin6_port &&
               memcmp(&x->sin6_addr, &y->sin6_addr, sizeof x->sin6_addr) == 0;
    }
    return 0;
}

/* ---- live transfers by peer ------------------------------------------- */

/* A client that hears nothing within its timeout sends its RRQ again.  A
 * second transfer for it would only compete with the first, and its DATA,
 * from a TID the client no longer listens to, is retried in vain for half a
 * minute; in a boot storm these orphans pile up until every slot is taken.
 * So such a request is dropped as a duplicate (is_duplicate() says when):
 * the first transfer's retransmissions answer it.  And a request that is
 * not a duplicate ends the port's old transfer, which would be an orphan. */
static size_t peer_bucket(const struct tftpd *t, const struct sockaddr_storage *a)
{
    uint64_t h = 0;
    if (a->ss_family == AF_INET) {
        const struct sockaddr_in *v4 = (const void *)a;
        h = (uint64_t)v4->sin_addr.s_addr << 16 | v4->sin_port;
    } else if (a->ss_family == AF_INET6) {
        const struct sockaddr_in6 *v6 = (const void *)a;
        uint64_t w[2];
        memcpy(w, &v6->sin6_addr, sizeof w);
        h = w[0] ^ w[1] ^ v6->sin6_port;
    }
    return (size_t)((h * 0x9e3779b97f4a7c15ULL) >> 32) & t->peer_mask;
}

static struct xfer *peer_find(const struct tftpd *t, const struct sockaddr_storage *a)
{
    for (struct xfer *x = t->by_peer[peer_bucket(t, a)]; x; x = x->peer_next)
        if (same_peer(&x->peer, a) && !x->abandoned)
            return x;
    return NULL;
}

/* A new RRQ from a port that has a live transfer.  The same file before the
 * client acknowledged anything of ours is a retransmission: 1, drop it.
 * Anything else means the client moved on (a port runs one transfer at a
 * time; some send the next RRQ right after the last ACK, which may still wait
 * in the transfer's socket): 0, and the old transfer ends at the next timer
 * tick.  Not here: an event for it may still be pending in this batch. */
static int is_duplicate(struct tftpd *t, const struct sockaddr_storage *a, const char *name)
{
    struct xfer *x = peer_find(t, a);
    if (x == NULL)
        return 0;
    if (x->acked == 0 && strcmp(x->filename, name) == 0)
        return 1;
    x->abandoned = 1;
    arm(t, x, 0);
    return 0;
}

static void peer_add(struct tftpd *t, struct xfer *x)
{
    struct xfer **head = &t->by_peer[peer_bucket(t, &x->peer)];
    x->peer_next = *head;
    *head = x;
}

static void peer_remove(struct tftpd *t, struct xfer *x)
{
    struct xfer **pp = &t->by_peer[peer_bucket(t, &x->peer)];
    while (*pp != NULL && *pp != x)
        pp = &(*pp)->peer_next;
    if (*pp != NULL)
        *pp = x->peer_next;
}

/* Traffic on a transfer socket.  The socket is left unconnected on purpose:
 * a connected one would have the kernel drop strangers' datagrams unseen,
 * and RFC 1350 wants them answered with ERROR 5. */
static void on_transfer(struct tftpd *t, struct xfer *x)
{
    for (unsigned i = 0; i < TFTP_RECV_BATCH; i++) {
        struct sockaddr_storage from;
        socklen_t fromlen = sizeof from;
        struct tftp_packet pkt;

        ssize_t n = recvfrom(x->fd, t->in, sizeof t->in, 0, (struct sockaddr *)&from, &fromlen);
        if (n < 0)
            return;
        enum tftp_status st = tftp_parse(t->in, (size_t)n, &pkt);
        if (!same_peer(&from, &x->peer)) {
            bump(&t->st.wrong_tid, 1);
            if (pkt.opcode != TFTP_ERROR)
                send_error(t, x->fd, TFTP_ST_UNKNOWN_TID, (struct sockaddr *)&from, fromlen);
            continue;
        }
        if (st != TFTP_OK)
            continue;
        if (pkt.opcode == TFTP_ERROR) {
            /* Includes ERROR 8 in answer to our OACK: end without a word. */
            finish(t, x, TFTP_RESULT_ABORTED);
            return;
        }
        if (pkt.opcode == TFTP_ACK) {
            /* A lockstep transfer has one ACK in flight: reading on until
             * EAGAIN cost a wasted recvfrom() per block.  The socket is
             * level-triggered, so epoll brings us back if more is queued. */
            on_ack(t, x, pkt.block);
            return;
        }
    }
}

/* Decide what to grant: every option we understood, at the value parsed. */
static void negotiate(struct tftpd *t, struct xfer *x, const struct tftp_options *asked)
{
    const unsigned p = asked->present;

    x->blksize = (p & TFTP_OPT_BLKSIZE) ? asked->blksize : TFTP_DEFAULT_BLKSIZE;
    x->window = (p & TFTP_OPT_WINDOWSIZE) ? asked->windowsize : 1;
    x->fixed_rto = (p & TFTP_OPT_TIMEOUT) != 0;
    x->base_rto_ms = x->fixed_rto ? asked->timeout_s * 1000u : t->timeout_ms;
    x->rto_ms = x->base_rto_ms;

    x->granted = *asked;
    x->granted.tsize = x->len;   /* RFC 2349: a reader sends 0, we say the size */
    x->nblocks = x->len / x->blksize + 1;
}

static int open_transfer_socket(const struct sockaddr_storage *local, socklen_t local_len)
{
    struct sockaddr_storage addr = *local;
    if (addr.ss_family == AF_INET)
        ((struct sockaddr_in *)&addr)->sin_port = 0;
    else
        ((struct sockaddr_in6 *)&addr)->sin6_port = 0;

    int fd = socket(addr.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (bind(fd, (struct sockaddr *)&addr, local_len) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static void start_transfer(struct tftpd *t, const struct tftp_request *req, const char *name,
                           const struct sockaddr_storage *peer, socklen_t peer_len,
                           const struct sockaddr_storage *local, socklen_t local_len,
                           uint64_t started_us)
{
    const struct sockaddr *sa = (const struct sockaddr *)peer;
    struct tftp_file file;
    struct xfer *x;

    memset(&file, 0, sizeof file);
    switch (t->provider.open(t->provider.ctx, name, sa, peer_len, &file)) {
    case TFTP_OPEN_OK:
        break;
    case TFTP_OPEN_DENIED:
        refuse(t, TFTP_ST_DENIED, sa, peer_len, name, NULL, started_us);
        return;
    case TFTP_OPEN_NOT_FOUND:
    default:
        refuse(t, TFTP_ST_NOT_FOUND, sa, peer_len, name, NULL, started_us);
        return;
    }
    file.device[sizeof file.device - 1] = '\0';
    file.version_stamp[sizeof file.version_stamp - 1] = '\0';

    if (!(x = calloc(1, sizeof *x)))
        goto busy;
    x->fd = -1;
    x->file = file;
    x->data = file.data;
    x->len = file.len;
    if (req->mode == TFTP_MODE_NETASCII && file.len > 0) {
        /* Encoded once up front: retransmitting a window needs any block at
         * random, and tsize must be the encoded size.  Netascii is rare
         * (phones fetch octet), so the copy costs little in practice. */
        size_t n = tftp_netascii_size(file.data, file.len);
        if (n == SIZE_MAX || !(x->netascii = malloc(n)))
            goto busy;
        tftp_netascii_encode(file.data, file.len, x->netascii);
        x->data = x->netascii;
        x->len = n;
    }
    if ((x->fd = open_transfer_socket(local, local_len)) < 0)
        goto busy;
    struct epoll_event ev = { .events = EPOLLIN, .data.ptr = x };
    if (epoll_ctl(t->epoll_fd, EPOLL_CTL_ADD, x->fd, &ev) < 0)
        goto busy;

    memcpy(&x->peer, peer, peer_len);
    x->peer_len = peer_len;
    x->started_us = started_us;
    snprintf(x->filename, sizeof x->filename, "%s", name);
    negotiate(t, x, &req->opts);

    x->deadline_us = now_us() + (uint64_t)x->rto_ms * 1000u;
    heap_push(t, x);
    peer_add(t, x);
    atomic_store_explicit(&t->st.active, (unsigned)t->nheap, memory_order_relaxed);

    /* RFC 2347: with no option granted the answer is plain DATA 1. */
    if (x->granted.present) {
        x->state = XFER_OACK_SENT;
        send_oack(t, x);
    } else {
        x->state = XFER_DATA;
        fill_window(t, x);
    }
    return;

busy:
    if (x) {
        if (x->fd >= 0)
            close(x->fd);
        free(x->netascii);
        free(x);
    }
    if (t->provider.release)
        t->provider.release(t->provider.ctx, &file);
    refuse(t, TFTP_ST_BUSY, sa, peer_len, name, &file, started_us);
}

/* ---- the listening socket --------------------------------------------- */

/* Where the request was addressed, so the transfer answers from the same
 * address even when we listen on a wildcard on a multihomed host. */
static void reply_address(const struct tftpd *t, struct msghdr *msg,
                          struct sockaddr_storage *local, socklen_t *local_len)
{
    *local = t->local;
    *local_len = t->local_len;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
        if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO &&
            local->ss_family == AF_INET) {
            struct in_pktinfo pi;
            memcpy(&pi, CMSG_DATA(c), sizeof pi);
            /* spec_dst rather than addr: for a broadcast request it is the
             * interface's own address, which we can bind. */
            ((struct sockaddr_in *)local)->sin_addr = pi.ipi_spec_dst;
        } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO &&
                   local->ss_family == AF_INET6) {
            struct in6_pktinfo pi;
            struct sockaddr_in6 *l6 = (struct sockaddr_in6 *)local;
            memcpy(&pi, CMSG_DATA(c), sizeof pi);
            l6->sin6_addr = pi.ipi6_addr;
            l6->sin6_scope_id = IN6_IS_ADDR_LINKLOCAL(&pi.ipi6_addr) ? pi.ipi6_ifindex : 0;
        }
    }
}

static void handle_request(struct tftpd *t, size_t n,
                           const struct sockaddr_storage *peer, socklen_t peer_len,
                           const struct sockaddr_storage *local, socklen_t local_len)
{
    const struct sockaddr *sa = (const struct sockaddr *)peer;
    uint64_t started_us = now_us();
    struct tftp_packet pkt;
    const char *name;

    /* DATA, ACK, ERROR and OACK only mean something inside a transfer.  Here
     * they are strays (tftp-hpa even acknowledges the ERROR that refused
     * it), and answering them would start an exchange of errors. */
    enum tftp_status st = tftp_parse(t->in, n, &pkt);
    if (pkt.opcode >= TFTP_DATA)
        return;
    bump(&t->st.requests, 1);

    /* For reports: the name as requested, less a leading '/'. */
    name = pkt.req.filename[0] == '/' ? pkt.req.filename + 1 : pkt.req.filename;
    if (pkt.opcode == TFTP_WRQ)
        st = TFTP_ST_WRITE_DENIED;
    if (st == TFTP_OK)
        st = tftp_check_filename(pkt.req.filename, &name);
    if (pkt.opcode == TFTP_RRQ && st == TFTP_OK && is_duplicate(t, peer, name))
        return;
    if (st == TFTP_OK && t->nheap >= t->max_transfers)
        st = TFTP_ST_BUSY;
    if (st != TFTP_OK) {
        refuse(t, st, sa, peer_len, name, NULL, started_us);
        return;
    }
    start_transfer(t, &pkt.req, name, peer, peer_len, local, local_len, started_us);
}

static void on_listen(struct tftpd *t)
{
    for (unsigned i = 0; i < TFTP_RECV_BATCH; i++) {
        struct sockaddr_storage peer, local;
        socklen_t local_len;
        union {
            char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
            struct cmsghdr align;
        } control;
        struct iovec iov = { .iov_base = t->in, .iov_len = sizeof t->in };
        struct msghdr msg = {
            .msg_name = &peer, .msg_namelen = sizeof peer,
            .msg_iov = &iov, .msg_iovlen = 1,
            .msg_control = control.buf, .msg_controllen = sizeof control.buf,
        };

        ssize_t n = recvmsg(t->listen_fd, &msg, 0);
        if (n < 0)
            return;
        reply_address(t, &msg, &local, &local_len);
        handle_request(t, (size_t)n, &peer, msg.msg_namelen, &local, local_len);
    }
}

/* ---- lifecycle -------------------------------------------------------- */

static void set_error(char *err, size_t errlen, const char *what, const char *addr)
{
    if (err && errlen)
        snprintf(err, errlen, "tftpd: %s %s: %s", what, addr, strerror(errno));
}

static int open_listen(struct tftpd *t, const struct tftpd_config *cfg,
                       char *err, size_t errlen)
{
    const char *addr = cfg->addr ? cfg->addr : "0.0.0.0";
    struct sockaddr_in *v4 = (struct sockaddr_in *)&t->local;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&t->local;
    int on = 1, rcvbuf = TFTP_LISTEN_RCVBUF;

    memset(&t->local, 0, sizeof t->local);
    if (inet_pton(AF_INET, addr, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(cfg->port);
        t->local_len = sizeof *v4;
    } else if (inet_pton(AF_INET6, addr, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(cfg->port);
        t->local_len = sizeof *v6;
    } else {
        errno = EINVAL;
        set_error(err, errlen, "not an IP address:", addr);
        return -1;
    }

    t->listen_fd = socket(t->local.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (t->listen_fd < 0) {
        set_error(err, errlen, "socket for", addr);
        return -1;
    }
    /* FORCE needs CAP_NET_ADMIN but lifts the rmem_max ceiling; the plain
     * request is the fallback for an unprivileged server. */
    if (setsockopt(t->listen_fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf) < 0)
        (void)setsockopt(t->listen_fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    if (t->local.ss_family == AF_INET)
        (void)setsockopt(t->listen_fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof on);
    else
        (void)setsockopt(t->listen_fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof on);

    if (bind(t->listen_fd, (struct sockaddr *)&t->local, t->local_len) < 0) {
        set_error(err, errlen, "bind", addr);
        return -1;
    }
    struct sockaddr_storage bound;
    socklen_t len = sizeof bound;
    if (getsockname(t->listen_fd, (struct sockaddr *)&bound, &len) < 0) {
        set_error(err, errlen, "getsockname", addr);
        return -1;
    }
    t->port = ntohs(bound.ss_family == AF_INET ? ((struct sockaddr_in *)&bound)->sin_port
                                               : ((struct sockaddr_in6 *)&bound)->sin6_port);
    return 0;
}

static int watch(struct tftpd *t, int fd, void *tag)
{
    struct epoll_event ev = { .events = EPOLLIN, .data.ptr = tag };
    return epoll_ctl(t->epoll_fd, EPOLL_CTL_ADD, fd, &ev);
}

struct tftpd *tftpd_new(const struct tftpd_config *cfg, const struct tftp_provider *provider,
                        char *err, size_t errlen)
{
    struct tftpd *t;

    if (!provider || !provider->open) {
        errno = EINVAL;
        set_error(err, errlen, "provider has no", "open()");
        return NULL;
    }
    if (!(t = calloc(1, sizeof *t))) {
        set_error(err, errlen, "allocating", "engine");
        return NULL;
    }
    t->listen_fd = t->epoll_fd = t->wake_fd = -1;
    t->provider = *provider;
    t->max_transfers = cfg->max_transfers ? cfg->max_transfers : TFTP_DEFAULT_MAX_TRANSFERS;
    t->timeout_ms = cfg->timeout_ms ? cfg->timeout_ms : TFTP_DEFAULT_TIMEOUT_MS;
    t->max_retries = cfg->max_retries ? cfg->max_retries : TFTP_DEFAULT_RETRIES;

    for (t->peer_mask = 1; t->peer_mask < 2 * (size_t)t->max_transfers; t->peer_mask <<= 1)
        ;
    t->by_peer = calloc(t->peer_mask--, sizeof *t->by_peer);
    if (!(t->heap = calloc(t->max_transfers, sizeof *t->heap)) || !t->by_peer) {
        set_error(err, errlen, "allocating", "transfer table");
        goto fail;
    }
    if (open_listen(t, cfg, err, errlen) < 0)
        goto fail;
    if ((t->epoll_fd = epoll_create1(EPOLL_CLOEXEC)) < 0 ||
        (t->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0 ||
        watch(t, t->listen_fd, &t->listen_fd) < 0 ||
        watch(t, t->wake_fd, &t->wake_fd) < 0) {
        set_error(err, errlen, "setting up", "epoll");
        goto fail;
    }
    return t;

fail:
    tftpd_free(t);
    return NULL;
}

uint16_t tftpd_port(const struct tftpd *t)
{
    return t->port;
}

/* Milliseconds until the earliest deadline, rounded up so we never wake a
 * hair early and spin; -1 (forever) with no transfer running. */
static int next_wait_ms(const struct tftpd *t)
{
    if (t->nheap == 0)
        return -1;
    uint64_t now = now_us(), due = t->heap[0]->deadline_us;
    if (due <= now)
        return 0;
    uint64_t ms = (due - now + 999) / 1000;
    return ms > INT_MAX ? INT_MAX : (int)ms;
}

static void run_timers(struct tftpd *t)
{
    uint64_t now = now_us();
    /* on_timeout() either frees the head or pushes its deadline past now. */
    while (t->nheap > 0 && t->heap[0]->deadline_us <= now)
        on_timeout(t, t->heap[0], now);
}

int tftpd_run(struct tftpd *t)
{
    struct epoll_event ev[TFTP_EPOLL_BATCH];

    for (;;) {
        int n = epoll_wait(t->epoll_fd, ev, TFTP_EPOLL_BATCH, next_wait_ms(t));
        if (n < 0 && errno != EINTR)
            return -1;
        /* A transfer is only freed by its own event or by the timers, so
         * no later entry in ev[] can point at freed memory. */
        for (int i = 0; i < n; i++) {
            void *tag = ev[i].data.ptr;
            if (tag == &t->wake_fd) {
                uint64_t v;
                ssize_t r = read(t->wake_fd, &v, sizeof v);
                (void)r;
                return 0;
            }
            if (tag == &t->listen_fd)
                on_listen(t);
            else
                on_transfer(t, tag);
        }
        run_timers(t);
    }
}

void tftpd_stop(struct tftpd *t)
{
    /* write(2) on an eventfd is async-signal-safe; nothing else is done. */
    uint64_t one = 1;
    ssize_t r = write(t->wake_fd, &one, sizeof one);
    (void)r;
}

void tftpd_free(struct tftpd *t)
{
    if (!t)
        return;
    while (t->nheap > 0)
        finish(t, t->heap[0], TFTP_RESULT_ABORTED);
    if (t->listen_fd >= 0)
        close(t->listen_fd);
    if (t->epoll_fd >= 0)
        close(t->epoll_fd);
    if (t->wake_fd >= 0)
        close(t->wake_fd);
    free(t->heap);
    free(t->by_peer);
    free(t);
}

void tftpd_get_stats(const struct tftpd *t, struct tftpd_stats *out)
{
    const struct counters *c = &t->st;
    out->requests = atomic_load_explicit(&c->requests, memory_order_relaxed);
    out->transfers_ok = atomic_load_explicit(&c->transfers_ok, memory_order_relaxed);
    out->not_found = atomic_load_explicit(&c->not_found, memory_order_relaxed);
    out->denied = atomic_load_explicit(&c->denied, memory_order_relaxed);
    out->timeouts = atomic_load_explicit(&c->timeouts, memory_order_relaxed);
    out->busy = atomic_load_explicit(&c->busy, memory_order_relaxed);
    out->bad_requests = atomic_load_explicit(&c->bad_requests, memory_order_relaxed);
    out->packets_sent = atomic_load_explicit(&c->packets_sent, memory_order_relaxed);
    out->retransmits = atomic_load_explicit(&c->retransmits, memory_order_relaxed);
    out->wrong_tid = atomic_load_explicit(&c->wrong_tid, memory_order_relaxed);
    out->active = atomic_load_explicit(&c->active, memory_order_relaxed);
}
