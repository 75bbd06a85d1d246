/* transfer.c - one transfer's state machine: OACK, then the file a window of
 * DATA blocks at a time, moved on by ACKs and by the retransmission timer;
 * and the report each request ends with, accepted or refused. */
#include <config.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "engine.h"

static void send_packet(struct tftpd *t, int fd, size_t n, const struct sockaddr *to,
                        socklen_t tolen);
static void send_error(struct tftpd *t, int fd, enum tftp_status st, const struct sockaddr *to,
                       socklen_t tolen);
static void count_result(struct tftpd *t, enum tftp_result r);
static void report(struct tftpd *t, const struct sockaddr *peer, socklen_t peer_len,
                   const char *filename, const struct tftp_file *file, uint64_t bytes,
                   enum tftp_result result, uint64_t started_us);
static void send_oack(struct tftpd *t, struct xfer *x);
static void send_blocks(struct tftpd *t, struct xfer *x, uint64_t first, uint64_t last);
static void fill_window(struct tftpd *t, struct xfer *x);
static void progressed(struct tftpd *t, struct xfer *x);
static int on_ack(struct tftpd *t, struct xfer *x, uint16_t block);
static void on_timeout(struct tftpd *t, struct xfer *x, uint64_t now);
static bool open_file(struct tftpd *t, const char *name, const struct sockaddr *peer,
                      socklen_t peer_len, uint64_t started_us, struct tftp_file *file);
static struct xfer *xfer_new(struct tftpd *t, const struct tftp_file *file, enum tftp_mode mode,
                             const struct sockaddr_storage *local, socklen_t local_len);
static void xfer_discard(struct xfer *x);
static int open_transfer_socket(const struct sockaddr_storage *local, socklen_t local_len);
static void negotiate(struct tftpd *t, struct xfer *x, const struct tftp_options *asked);
static void begin(struct tftpd *t, struct xfer *x);

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

/* Clients take the TID from whatever answers first, so a refusal needs no
 * transfer socket. */
void xfer_refuse(struct tftpd *t, enum tftp_status st, const struct sockaddr *peer,
                 socklen_t peer_len, const char *filename,
                 const struct tftp_file *file, uint64_t started_us)
{
    send_error(t, t->listen_fd, st, peer, peer_len);
    report(t, peer, peer_len, filename, file, 0, status_result[st], started_us);
}

/* ---- one transfer ----------------------------------------------------- */

void xfer_finish(struct tftpd *t, struct xfer *x, enum tftp_result result)
{
    uint64_t bytes = x->acked * x->blksize;
    if (bytes > x->len)
        bytes = x->len;
    report(t, (struct sockaddr *)&x->peer, x->peer_len, x->filename, &x->file,
           bytes, result, x->started_us);
    if (t->provider.release)
        t->provider.release(t->provider.ctx, &x->file);
    close(x->fd);
    deadline_remove(t, x);
    peers_remove(t, x);
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
    deadline_arm(t, x, now_us() + (uint64_t)x->rto_ms * 1000u);
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
        xfer_finish(t, x, TFTP_RESULT_OK);
        return 1;
    }
    progressed(t, x);
    return 0;
}

static void on_timeout(struct tftpd *t, struct xfer *x, uint64_t now)
{
    if (x->retries >= t->max_retries || x->abandoned) {
        xfer_finish(t, x, x->abandoned ? TFTP_RESULT_ABORTED : TFTP_RESULT_TIMEOUT);
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
    deadline_arm(t, x, now + (uint64_t)x->rto_ms * 1000u);
}

void xfer_run_timers(struct tftpd *t)
{
    uint64_t now = now_us();
    /* on_timeout() either frees the head or pushes its deadline past now. */
    while (t->nheap > 0 && t->heap[0]->deadline_us <= now)
        on_timeout(t, t->heap[0], now);
}

/* The socket is left unconnected on purpose: a connected one would have the
 * kernel drop strangers' datagrams unseen, and RFC 1350 wants them answered
 * with ERROR 5. */
void xfer_on_traffic(struct tftpd *t, struct xfer *x)
{
    for (unsigned i = 0; i < TFTP_RECV_BATCH; i++) {
        struct sockaddr_storage from;
        socklen_t fromlen = sizeof from;
        struct tftp_packet pkt;

        ssize_t n = recvfrom(x->fd, t->in, sizeof t->in, 0, (struct sockaddr *)&from, &fromlen);
        if (n < 0)
            return;
        enum tftp_status st = tftp_parse(t->in, (size_t)n, &pkt);
        if (!peers_same(&from, &x->peer)) {
            bump(&t->st.wrong_tid, 1);
            if (pkt.opcode != TFTP_ERROR)
                send_error(t, x->fd, TFTP_ST_UNKNOWN_TID, (struct sockaddr *)&from, fromlen);
            continue;
        }
        if (st != TFTP_OK)
            continue;
        if (pkt.opcode == TFTP_ERROR) {
            /* Includes ERROR 8 in answer to our OACK: end without a word. */
            xfer_finish(t, x, TFTP_RESULT_ABORTED);
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

/* ---- starting one ----------------------------------------------------- */

void xfer_start(struct tftpd *t, const struct tftp_request *req, const char *name,
                const struct sockaddr_storage *peer, socklen_t peer_len,
                const struct sockaddr_storage *local, socklen_t local_len, uint64_t started_us)
{
    const struct sockaddr *sa = (const struct sockaddr *)peer;
    struct tftp_file file;
    if (!open_file(t, name, sa, peer_len, started_us, &file))
        return;
    struct xfer *x = xfer_new(t, &file, req->mode, local, local_len);
    if (x == NULL) {
        if (t->provider.release)
            t->provider.release(t->provider.ctx, &file);
        xfer_refuse(t, TFTP_ST_BUSY, sa, peer_len, name, &file, started_us);
        return;
    }
    memcpy(&x->peer, peer, peer_len);
    x->peer_len = peer_len;
    x->started_us = started_us;
    snprintf(x->filename, sizeof x->filename, "%s", name);
    negotiate(t, x, &req->opts);
    begin(t, x);
}

/* Ask the provider for name; false, and the request refused, when it has none. */
static bool open_file(struct tftpd *t, const char *name, const struct sockaddr *peer,
                      socklen_t peer_len, uint64_t started_us, struct tftp_file *file)
{
    memset(file, 0, sizeof *file);
    switch (t->provider.open(t->provider.ctx, name, peer, peer_len, file)) {
    case TFTP_OPEN_OK:
        break;
    case TFTP_OPEN_DENIED:
        xfer_refuse(t, TFTP_ST_DENIED, peer, peer_len, name, NULL, started_us);
        return false;
    case TFTP_OPEN_NOT_FOUND:
    default:
        xfer_refuse(t, TFTP_ST_NOT_FOUND, peer, peer_len, name, NULL, started_us);
        return false;
    }
    file->device[sizeof file->device - 1] = '\0';
    file->version_stamp[sizeof file->version_stamp - 1] = '\0';
    return true;
}

/* A transfer of file with its own socket (its TID) watched by the loop; NULL
 * when memory or sockets run out, which the client hears as "busy". */
static struct xfer *xfer_new(struct tftpd *t, const struct tftp_file *file, enum tftp_mode mode,
                             const struct sockaddr_storage *local, socklen_t local_len)
{
    struct xfer *x = calloc(1, sizeof *x);
    if (x == NULL)
        return NULL;
    x->fd = -1;
    x->file = *file;
    x->data = file->data;
    x->len = file->len;
    if (mode == TFTP_MODE_NETASCII && file->len > 0) {
        /* Encoded once up front: retransmitting a window needs any block at
         * random, and tsize must be the encoded size.  Netascii is rare
         * (phones fetch octet), so the copy costs little in practice. */
        size_t n = tftp_netascii_size(file->data, file->len);
        if (n == SIZE_MAX || !(x->netascii = malloc(n))) {
            xfer_discard(x);
            return NULL;
        }
        tftp_netascii_encode(file->data, file->len, x->netascii);
        x->data = x->netascii;
        x->len = n;
    }
    struct epoll_event ev = { .events = EPOLLIN, .data.ptr = x };
    if ((x->fd = open_transfer_socket(local, local_len)) < 0 ||
        epoll_ctl(t->epoll_fd, EPOLL_CTL_ADD, x->fd, &ev) < 0) {
        xfer_discard(x);
        return NULL;
    }
    return x;
}

/* Free a transfer that never started (the file is the caller's to release). */
static void xfer_discard(struct xfer *x)
{
    if (x->fd >= 0)
        close(x->fd);
    free(x->netascii);
    free(x);
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

/* Make x live (timer, peer table) and send its first packet. */
static void begin(struct tftpd *t, struct xfer *x)
{
    x->deadline_us = now_us() + (uint64_t)x->rto_ms * 1000u;
    deadline_push(t, x);
    peers_add(t, x);
    atomic_store_explicit(&t->st.active, (unsigned)t->nheap, memory_order_relaxed);

    /* RFC 2347: with no option granted the answer is plain DATA 1. */
    if (x->granted.present) {
        x->state = XFER_OACK_SENT;
        send_oack(t, x);
    } else {
        x->state = XFER_DATA;
        fill_window(t, x);
    }
}
