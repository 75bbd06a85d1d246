/* udp_client.h - a TFTP reader over raw UDP, for driving the engine in tests.
 *
 * A fetch is a small state machine so that one test thread can run hundreds
 * at once over poll(); tc_fetch() runs a single one to completion.  It acts
 * like a careful RFC 1350/2347/7440 client: takes the TID from the first
 * answer, answers strangers with ERROR 5, re-acknowledges stale DATA, and
 * resends its last packet after a silence.
 */
#ifndef UCPROV_TESTS_UDP_CLIENT_H
#define UCPROV_TESTS_UDP_CLIENT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include "tftpd/packet.h"

struct tc_fetch {
    int fd;
    struct sockaddr_storage server, tid;
    socklen_t server_len, tid_len;
    unsigned char last[600];        /* RRQ or last ACK, resent on silence */
    size_t last_len;

    uint16_t blksize, window;
    unsigned in_window;             /* blocks taken since our last ACK */
    uint64_t next;                  /* next block wanted, counted from 1 */
    unsigned char *data;
    size_t len, cap;

    int done;                       /* 0 running, 1 complete, -1 failed */
    int error_code;                 /* code of an ERROR received, else -1 */
    int got_oack;
    struct tftp_options oack;       /* options the server granted */
    unsigned data_packets;          /* every DATA received */
    unsigned stale_packets;         /* DATA for a block already held */
    unsigned silences;
    unsigned extra_acks;            /* test knob: send each ACK this many more times */
};

/* Fill *ss for ip:port; returns its length, 0 if ip is not a literal. */
socklen_t tc_addr(struct sockaddr_storage *ss, const char *ip, uint16_t port);

/* A nonblocking UDP socket on an ephemeral port. */
int tc_socket(int family);
/* Wait up to timeout_ms for one datagram; its length, or -1 on silence. */
ssize_t tc_recv(int fd, void *buf, size_t cap, int timeout_ms,
                struct sockaddr_storage *from, socklen_t *fromlen);
int tc_send(int fd, const void *buf, size_t n, const struct sockaddr_storage *to, socklen_t tolen);

/* Build an RRQ/WRQ; opts is NULL or "name", "value", ..., NULL. */
size_t tc_build_request(unsigned char *buf, size_t cap, uint16_t opcode, const char *name,
                        const char *mode, const char *const *opts);
/* Options of an OACK datagram, the way a client reads them. */
int tc_parse_oack(const unsigned char *buf, size_t n, struct tftp_options *out);

int tc_fetch_start(struct tc_fetch *f, const struct sockaddr_storage *server, socklen_t len,
                   const char *name, const char *mode, const char *const *opts);
void tc_fetch_readable(struct tc_fetch *f);
/* Called when nothing came for a while: resend, or give up after a few. */
void tc_fetch_silence(struct tc_fetch *f);
void tc_fetch_free(struct tc_fetch *f);

/* Start and run one fetch; returns f->done (1 on success).  Free f after. */
int tc_fetch(struct tc_fetch *f, const struct sockaddr_storage *server, socklen_t len,
             const char *name, const char *mode, const char *const *opts);

#endif
