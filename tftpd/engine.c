/* engine.c - the TFTP server loop: one thread, one epoll set, one socket per
 * transfer, and a min-heap of retransmission deadlines.
 *
 * A request arrives on the listening socket.  Refusals (bad packet, unknown
 * file, busy) are answered from that socket and cost nothing more.  An
 * accepted RRQ gets its own UDP socket bound to a fresh port (its TID) and
 * a slot in the deadline heap; the heap is also the list of live transfers.
 * What happens to a transfer after that is transfer.c's; table.c keeps the
 * heap and the transfers by client.
 */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "engine.h"
#include "tftpd.h"

static void reply_address(const struct tftpd *t, struct msghdr *msg,
                          struct sockaddr_storage *local, socklen_t *local_len);
static void handle_request(struct tftpd *t, size_t n,
                           const struct sockaddr_storage *peer, socklen_t peer_len,
                           const struct sockaddr_storage *local, socklen_t local_len);
static void on_listen(struct tftpd *t);
static void set_error(char *err, size_t errlen, const char *what, const char *addr);
static int open_listen(struct tftpd *t, const struct tftpd_config *cfg, char *err,
                       size_t errlen);
static int watch(struct tftpd *t, int fd, void *tag);
static int next_wait_ms(const struct tftpd *t);

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
    if (pkt.opcode == TFTP_RRQ && st == TFTP_OK && peers_is_duplicate(t, peer, name))
        return;
    if (st == TFTP_OK && t->nheap >= t->max_transfers)
        st = TFTP_ST_BUSY;
    if (st != TFTP_OK) {
        xfer_refuse(t, st, sa, peer_len, name, NULL, started_us);
        return;
    }
    xfer_start(t, &pkt.req, name, peer, peer_len, local, local_len, started_us);
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
                xfer_on_traffic(t, tag);
        }
        xfer_run_timers(t);
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
        xfer_finish(t, t->heap[0], TFTP_RESULT_ABORTED);
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
