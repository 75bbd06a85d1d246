/* udp_client.c - test-side TFTP reader; see udp_client.h. */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "udp_client.h"

/* Silences in a row after which a fetch gives up. */
#define TC_MAX_SILENCES 8
/* How long tc_fetch() waits before calling it a silence. */
#define TC_SILENCE_MS 300

socklen_t tc_addr(struct sockaddr_storage *ss, const char *ip, uint16_t port)
{
    struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;

    memset(ss, 0, sizeof *ss);
    if (inet_pton(AF_INET, ip, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(port);
        return sizeof *v4;
    }
    if (inet_pton(AF_INET6, ip, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(port);
        return sizeof *v6;
    }
    return 0;
}

int tc_socket(int family)
{
    return socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
}

ssize_t tc_recv(int fd, void *buf, size_t cap, int timeout_ms,
                struct sockaddr_storage *from, socklen_t *fromlen)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    struct sockaddr_storage ignored;
    socklen_t ignored_len = sizeof ignored;

    if (!from) {
        from = &ignored;
        fromlen = &ignored_len;
    }
    *fromlen = sizeof *from;
    if (poll(&p, 1, timeout_ms) <= 0)
        return -1;
    return recvfrom(fd, buf, cap, 0, (struct sockaddr *)from, fromlen);
}

int tc_send(int fd, const void *buf, size_t n, const struct sockaddr_storage *to, socklen_t tolen)
{
    return sendto(fd, buf, n, 0, (const struct sockaddr *)to, tolen) == (ssize_t)n ? 0 : -1;
}

static int put_string(unsigned char *buf, size_t cap, size_t *at, const char *s)
{
    size_t n = strlen(s) + 1;
    if (n > cap - *at)
        return 0;
    memcpy(buf + *at, s, n);
    *at += n;
    return 1;
}

size_t tc_build_request(unsigned char *buf, size_t cap, uint16_t opcode, const char *name,
                        const char *mode, const char *const *opts)
{
    size_t at = 2;
    if (cap < 2)
        return 0;
    buf[0] = (unsigned char)(opcode >> 8);
    buf[1] = (unsigned char)opcode;
    if (!put_string(buf, cap, &at, name) || !put_string(buf, cap, &at, mode))
        return 0;
    for (; opts && *opts; opts++)
        if (!put_string(buf, cap, &at, *opts))
            return 0;
    return at;
}

int tc_parse_oack(const unsigned char *buf, size_t n, struct tftp_options *out)
{
    const char *p = (const char *)buf + 2, *end = (const char *)buf + n;

    memset(out, 0, sizeof *out);
    if (n < 2 || buf[0] != 0 || buf[1] != TFTP_OACK)
        return -1;
    while (p < end) {
        const char *name = p, *value, *nul;
        if (!(nul = memchr(p, '\0', (size_t)(end - p))))
            return -1;
        value = nul + 1;
        if (value >= end || !(nul = memchr(value, '\0', (size_t)(end - value))))
            return -1;
        p = nul + 1;
        unsigned long long v = strtoull(value, NULL, 10);
        if (strcasecmp(name, "blksize") == 0) {
            out->blksize = (uint16_t)v;
            out->present |= TFTP_OPT_BLKSIZE;
        } else if (strcasecmp(name, "tsize") == 0) {
            out->tsize = v;
            out->present |= TFTP_OPT_TSIZE;
        } else if (strcasecmp(name, "timeout") == 0) {
            out->timeout_s = (uint8_t)v;
            out->present |= TFTP_OPT_TIMEOUT;
        } else if (strcasecmp(name, "windowsize") == 0) {
            out->windowsize = (uint16_t)v;
            out->present |= TFTP_OPT_WINDOWSIZE;
        } else {
            return -1;   /* a server may only echo what was asked */
        }
    }
    return 0;
}

int tc_fetch_start(struct tc_fetch *f, const struct sockaddr_storage *server, socklen_t len,
                   const char *name, const char *mode, const char *const *opts)
{
    unsigned extra_acks = f->extra_acks;

    memset(f, 0, sizeof *f);
    f->extra_acks = extra_acks;
    f->error_code = -1;
    f->blksize = 512;
    f->window = 1;
    f->next = 1;
    memcpy(&f->server, server, len);
    f->server_len = len;
    f->last_len = tc_build_request(f->last, sizeof f->last, TFTP_RRQ, name, mode, opts);
    if ((f->fd = tc_socket(server->ss_family)) < 0 || f->last_len == 0)
        return -1;
    return tc_send(f->fd, f->last, f->last_len, &f->server, f->server_len);
}

static void send_ack(struct tc_fetch *f, uint16_t block)
{
    f->last_len = tftp_build_ack(f->last, sizeof f->last, block);
    for (unsigned i = 0; i <= f->extra_acks; i++)
        tc_send(f->fd, f->last, f->last_len, &f->tid, f->tid_len);
    f->in_window = 0;
}

static int same_addr(const struct sockaddr_storage *a, const struct sockaddr_storage *b,
                     socklen_t len)
{
    return memcmp(a, b, len) == 0;
}

static void on_data(struct tc_fetch *f, uint16_t block, const unsigned char *payload, size_t n)
{
    f->data_packets++;
    if (block != (uint16_t)f->next) {
        /* Old block: our ACK was lost or the server resent a window.
         * Re-acknowledging what we hold is what lets a server move on. */
        f->stale_packets++;
        send_ack(f, (uint16_t)(f->next - 1));
        return;
    }
    if (f->len + n > f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 4096;
        while (cap < f->len + n)
            cap *= 2;
        unsigned char *p = realloc(f->data, cap);
        if (!p) {
            f->done = -1;
            return;
        }
        f->data = p;
        f->cap = cap;
    }
    if (n)
        memcpy(f->data + f->len, payload, n);
    f->len += n;
    f->next++;
    f->silences = 0;
    if (n < f->blksize) {
        send_ack(f, block);
        f->done = 1;
    } else if (++f->in_window >= f->window) {
        send_ack(f, block);
    }
}

void tc_fetch_readable(struct tc_fetch *f)
{
    unsigned char buf[TFTP_PACKET_MAX];
    struct sockaddr_storage from;
    socklen_t fromlen;
    ssize_t n;

    while (f->done == 0 && (n = tc_recv(f->fd, buf, sizeof buf, 0, &from, &fromlen)) >= 0) {
        struct tftp_packet pkt;

        if (!f->tid_len) {
            f->tid = from;
            f->tid_len = fromlen;
        } else if (fromlen != f->tid_len || !same_addr(&from, &f->tid, fromlen)) {
            size_t e = tftp_build_error(buf, sizeof buf, TFTP_ST_UNKNOWN_TID);
            tc_send(f->fd, buf, e, &from, fromlen);
            continue;
        }
        if (n >= 2 && buf[0] == 0 && buf[1] == TFTP_OACK) {
            if (f->got_oack || f->next != 1 || tc_parse_oack(buf, (size_t)n, &f->oack) < 0) {
                f->done = -1;
                return;
            }
            f->got_oack = 1;
            if (f->oack.present & TFTP_OPT_BLKSIZE)
                f->blksize = f->oack.blksize;
            if (f->oack.present & TFTP_OPT_WINDOWSIZE)
                f->window = f->oack.windowsize;
            send_ack(f, 0);
            continue;
        }
        if (tftp_parse(buf, (size_t)n, &pkt) != TFTP_OK) {
            f->done = -1;
            return;
        }
        if (pkt.opcode == TFTP_ERROR) {
            f->error_code = pkt.error_code;
            f->done = -1;
            return;
        }
        if (pkt.opcode != TFTP_DATA || (size_t)n - 4 > f->blksize) {
            f->done = -1;
            return;
        }
        on_data(f, pkt.block, buf + 4, (size_t)n - 4);
    }
}

void tc_fetch_silence(struct tc_fetch *f)
{
    if (f->done)
        return;
    if (++f->silences > TC_MAX_SILENCES) {
        f->done = -1;
        return;
    }
    if (f->tid_len)
        tc_send(f->fd, f->last, f->last_len, &f->tid, f->tid_len);
    else
        tc_send(f->fd, f->last, f->last_len, &f->server, f->server_len);
}

void tc_fetch_free(struct tc_fetch *f)
{
    if (f->fd >= 0)
        close(f->fd);
    f->fd = -1;
    free(f->data);
    f->data = NULL;
}

int tc_fetch(struct tc_fetch *f, const struct sockaddr_storage *server, socklen_t len,
             const char *name, const char *mode, const char *const *opts)
{
    if (tc_fetch_start(f, server, len, name, mode, opts) < 0)
        return f->done = -1;
    while (!f->done) {
        struct pollfd p = { .fd = f->fd, .events = POLLIN };
        if (poll(&p, 1, TC_SILENCE_MS) > 0)
            tc_fetch_readable(f);
        else
            tc_fetch_silence(f);
    }
    return f->done;
}
