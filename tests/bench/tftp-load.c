/* tftp-load - a TFTP load generator for the benchmarks: many concurrent
 * clients in one epoll loop, each fetching a phone's SEP<MAC>.cnf.xml as the
 * phones do (no options), or with blksize/windowsize, and checking every byte
 * against the file it should be.
 *
 *   tftp-load -s 127.0.0.1:PORT -d DIR [-c CLIENTS] [-n TRANSFERS] [-T SECONDS]
 *             [-b BLKSIZE] [-w WINDOW] [-p PREFIX] [-x SUFFIX] [-C]
 *
 * DIR holds the expected files (ucprov export --dir); every SEP*.cnf.xml in
 * it (SEP*SUFFIX with -x, e.g. .cnf.xml.sgn for signed files fetched once
 * over the config port) is fetched in turn.  With -C the files may change
 * under the load (a write meanwhile): a whole transfer with other bytes counts
 * as "changed", not as a failure.  Like a phone, every transfer has its own socket
 * (a fresh ephemeral port): a late datagram of an earlier transfer can then
 * never pass for this one's, so every byte is checked with no excuses.  The
 * first answer fixes the server's TID; datagrams from any other source get
 * ERROR 5 (RFC 1350) and are otherwise ignored.  Prints one line of key=value results.  Loopback
 * only; stops after TRANSFERS or SECONDS, whichever comes first, or on SIGTERM
 * (finishing the transfers under way, then reporting). */
#include <config.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_CLIENTS      20000
#define MAX_SECONDS      600      /* hard ceiling on any run */
#define RTO_MS           1000     /* client retransmission timeout, as a phone */
#define MAX_RETRIES      5
#define PACKET_MAX       (4 + 65464)
#define DRAIN_SECONDS    15       /* after the deadline, for transfers in flight */

enum { OP_RRQ = 1, OP_DATA = 3, OP_ACK = 4, OP_ERROR = 5, OP_OACK = 6 };
enum state { IDLE, AWAIT_FIRST, RECEIVING };

struct file {
    char name[64];
    unsigned char *data;
    size_t len;
};

struct client {
    int fd;
    enum state state;
    size_t file;                  /* index in files[] */
    struct sockaddr_in server;    /* the transfer's TID once known */
    uint64_t started_us, last_tx_us;
    unsigned retries;
    unsigned char last[600];      /* last packet sent, for retransmission */
    size_t last_len;
    uint16_t blksize, window;
    uint32_t expect;              /* next block wanted */
    uint32_t window_start;        /* last block acknowledged */
    size_t received;
    bool changed;                 /* -C: a byte differed from the file on disk */
};

static struct file *files;
static size_t n_files, next_file;
static struct client *clients;
static unsigned n_clients;
static struct sockaddr_in server;
static uint16_t want_blksize, want_window;
static uint64_t done, failures, mismatches, retransmits, started, busy_errors, duplicates,
    strangers;
static int ep = -1;
static double *latencies;
static size_t n_latencies, cap_latencies;
static unsigned char pkt[PACKET_MAX];
static bool allow_changes;   /* -C: the files change under the load (a write meanwhile) */
static unsigned long long changed;   /* transfers whole, but not what the file on disk says */
static volatile sig_atomic_t stop_asked;   /* SIGINT/SIGTERM: no new transfers, finish, report */

static void on_stop(int sig)
{
    (void)sig;
    stop_asked = 1;
}

static uint64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const struct file *)a)->name, ((const struct file *)b)->name);
}

/* Every PREFIX*SUFFIX of dir, in name order, read into memory. */
static int load_files(const char *dir, const char *prefix, const char *suffix)
{
    size_t sl = strlen(suffix);
    DIR *d = opendir(dir);
    if (d == NULL)
        return -1;
    size_t cap = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        size_t n = strlen(de->d_name);
        if (strncmp(de->d_name, prefix, strlen(prefix)) != 0 || n < sl || n >= 64 ||
            strcmp(de->d_name + n - sl, suffix) != 0)
            continue;
        if (n_files == cap) {
            cap = cap ? cap * 2 : 1024;
            files = realloc(files, cap * sizeof *files);
            if (files == NULL)
                return -1;
        }
        struct file *f = &files[n_files];
        snprintf(f->name, sizeof f->name, "%s", de->d_name);
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        int fd = open(path, O_RDONLY);
        struct stat st;
        if (fd < 0 || fstat(fd, &st) != 0)
            return -1;
        f->len = (size_t)st.st_size;
        f->data = malloc(f->len + 1);
        if (f->data == NULL || read(fd, f->data, f->len) != (ssize_t)f->len)
            return -1;
        close(fd);
        n_files++;
    }
    closedir(d);
    qsort(files, n_files, sizeof *files, by_name);
    return n_files > 0 ? 0 : -1;
}

static void put16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
}

static unsigned get16(const unsigned char *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

static void transmit(struct client *c, const struct sockaddr_in *to)
{
    c->last_tx_us = now_us();
    (void)sendto(c->fd, c->last, c->last_len, 0, (const struct sockaddr *)to, sizeof *to);
}

static void send_ack(struct client *c, unsigned block)
{
    put16(c->last, OP_ACK);
    put16(c->last + 2, block);
    c->last_len = 4;
    c->retries = 0;
    transmit(c, &c->server);
}

/* A new socket on a new ephemeral port for every transfer, as a phone does. */
static int open_socket(struct client *c)
{
    struct sockaddr_in local = { .sin_family = AF_INET };
    local.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int rcvbuf = 256 * 1024;
    if (c->fd >= 0)
        close(c->fd);   /* also takes it out of the epoll set */
    c->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c->fd < 0 || bind(c->fd, (struct sockaddr *)&local, sizeof local) != 0) {
        fprintf(stderr, "tftp-load: socket: %s\n", strerror(errno));
        return -1;
    }
    setsockopt(c->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
    return epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
}

static void start(struct client *c)
{
    if (open_socket(c) != 0)
        exit(1);
    struct file *f = &files[next_file++ % n_files];
    c->file = (size_t)(f - files);
    c->state = AWAIT_FIRST;
    c->blksize = 512;
    c->window = 1;
    c->expect = 1;
    c->changed = false;
    c->window_start = 0;
    c->received = 0;
    c->retries = 0;
    c->started_us = now_us();
    size_t n = 0;
    put16(c->last, OP_RRQ);
    n = 2;
    n += (size_t)sprintf((char *)c->last + n, "%s", f->name) + 1;
    n += (size_t)sprintf((char *)c->last + n, "octet") + 1;
    if (want_blksize)
        n += (size_t)sprintf((char *)c->last + n, "blksize%c%u", 0, want_blksize) + 1;
    if (want_window)
        n += (size_t)sprintf((char *)c->last + n, "windowsize%c%u", 0, want_window) + 1;
    c->last_len = n;
    started++;
    transmit(c, &server);
}

static void finish(struct client *c, bool ok)
{
    if (ok) {
        done++;
        if (n_latencies == cap_latencies) {
            cap_latencies = cap_latencies ? cap_latencies * 2 : 65536;
            latencies = realloc(latencies, cap_latencies * sizeof *latencies);
        }
        if (latencies)
            latencies[n_latencies++] = (double)(now_us() - c->started_us) / 1000.0;
    } else {
        failures++;
    }
    c->state = IDLE;
}

/* OACK: the options the server granted. */
static void on_oack(struct client *c, size_t n)
{
    const char *p = (const char *)pkt + 2, *end = (const char *)pkt + n;
    while (p < end) {
        const char *key = p, *val = p + strlen(p) + 1;
        if (val >= end)
            break;
        if (strcasecmp(key, "blksize") == 0)
            c->blksize = (uint16_t)atoi(val);
        else if (strcasecmp(key, "windowsize") == 0)
            c->window = (uint16_t)atoi(val);
        p = val + strlen(val) + 1;
    }
    c->state = RECEIVING;
    send_ack(c, 0);
}

static void on_data(struct client *c, size_t n)
{
    const struct file *f = &files[c->file];
    unsigned block = get16(pkt + 2);
    size_t payload = n - 4;
    if (c->state == AWAIT_FIRST)
        c->state = RECEIVING;    /* no OACK: the server granted nothing */
    if (block != (c->expect & 0xffff)) {
        /* Out of order or a repeat: acknowledge what we have (RFC 7440). */
        duplicates++;
        send_ack(c, c->window_start & 0xffff);
        return;
    }
    size_t off = (size_t)(c->expect - 1) * c->blksize;
    bool same = off + payload <= f->len && memcmp(f->data + off, pkt + 4, payload) == 0;
    if (!same && !allow_changes) {
        mismatches++;
        finish(c, false);
        return;
    }
    c->changed |= !same;
    c->received = off + payload;
    bool last = payload < c->blksize;
    if (last && c->received != f->len && !allow_changes) {
        mismatches++;
        finish(c, false);
        return;
    }
    c->changed |= last && c->received != f->len;
    if (last && c->changed)
        changed++;
    c->expect++;
    if (last || c->expect - 1 - c->window_start >= c->window) {
        c->window_start = c->expect - 1;
        send_ack(c, c->window_start & 0xffff);
    } else {
        c->last_tx_us = now_us();   /* progress: the timer starts again */
    }
    if (last)
        finish(c, true);
}

static void on_packet(struct client *c)
{
    for (int i = 0; i < 8; i++) {
        struct sockaddr_in from;
        socklen_t fl = sizeof from;
        ssize_t n = recvfrom(c->fd, pkt, sizeof pkt, 0, (struct sockaddr *)&from, &fl);
        if (n < 4)
            return;
        if (c->state == IDLE)
            continue;
        if (c->state == AWAIT_FIRST) {
            c->server = from;    /* the first answer is this transfer's TID */
        } else if (from.sin_port != c->server.sin_port ||
                   from.sin_addr.s_addr != c->server.sin_addr.s_addr) {
            static const unsigned char unknown_tid[] = { 0, OP_ERROR, 0, 5,
                                                         'u', 'n', 'k', 'n', 'o', 'w', 'n',
                                                         ' ', 'T', 'I', 'D', 0 };
            strangers++;
            if (get16(pkt) != OP_ERROR)
                (void)sendto(c->fd, unknown_tid, sizeof unknown_tid, 0,
                             (const struct sockaddr *)&from, sizeof from);
            continue;
        }
        switch (get16(pkt)) {
        case OP_OACK:
            if (c->state == AWAIT_FIRST)
                on_oack(c, (size_t)n);
            break;
        case OP_DATA:
            on_data(c, (size_t)n);
            break;
        case OP_ERROR:
            if (get16(pkt + 2) == 0 && strstr((const char *)pkt + 4, "busy"))
                busy_errors++;
            else if (get16(pkt + 2) == 3)
                busy_errors++;
            finish(c, false);
            break;
        default:
            break;
        }
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double percentile(double q)
{
    if (n_latencies == 0)
        return 0;
    size_t i = (size_t)(q * (double)(n_latencies - 1) + 0.5);
    return latencies[i];
}

static int parse_server(const char *text)
{
    char host[64];
    const char *colon = strrchr(text, ':');
    if (colon == NULL || (size_t)(colon - text) >= sizeof host)
        return -1;
    snprintf(host, sizeof host, "%.*s", (int)(colon - text), text);
    server.sin_family = AF_INET;
    server.sin_port = htons((uint16_t)atoi(colon + 1));
    if (inet_pton(AF_INET, host, &server.sin_addr) != 1)
        return -1;
    /* Load goes to this machine only. */
    return (ntohl(server.sin_addr.s_addr) >> 24) == 127 ? 0 : -1;
}

int main(int argc, char **argv)
{
    const char *dir = NULL, *target = NULL, *prefix = "SEP", *suffix = ".cnf.xml";
    unsigned long total = 0;
    double seconds = 10;
    int opt;
    n_clients = 200;
    while ((opt = getopt(argc, argv, "s:d:c:n:T:b:w:p:x:C")) != -1) {
        switch (opt) {
        case 's': target = optarg; break;
        case 'd': dir = optarg; break;
        case 'c': n_clients = (unsigned)atoi(optarg); break;
        case 'n': total = strtoul(optarg, NULL, 10); break;
        case 'T': seconds = atof(optarg); break;
        case 'b': want_blksize = (uint16_t)atoi(optarg); break;
        case 'w': want_window = (uint16_t)atoi(optarg); break;
        case 'p': prefix = optarg; break;
        case 'x': suffix = optarg; break;
        case 'C': allow_changes = true; break;
        default: goto usage;
        }
    }
    if (dir == NULL || target == NULL || parse_server(target) != 0 || n_clients == 0 ||
        n_clients > MAX_CLIENTS || seconds <= 0 || seconds > MAX_SECONDS)
        goto usage;
    if (load_files(dir, prefix, suffix) != 0) {
        fprintf(stderr, "tftp-load: no %s*%s readable in %s\n", prefix, suffix, dir);
        return 1;
    }
    struct rlimit rl = { n_clients + 64, n_clients + 64 };
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
        fprintf(stderr, "tftp-load: cannot raise the file limit: %s\n", strerror(errno));

    ep = epoll_create1(0);
    clients = calloc(n_clients, sizeof *clients);
    if (ep < 0 || clients == NULL)
        return 1;
    for (unsigned i = 0; i < n_clients; i++)
        clients[i].fd = -1;   /* start() opens each transfer's socket */

    signal(SIGINT, on_stop);
    signal(SIGTERM, on_stop);
    uint64_t t0 = now_us(), deadline = t0 + (uint64_t)(seconds * 1e6);
    uint64_t hard_stop = deadline + DRAIN_SECONDS * 1000000u, last_scan = t0;
    for (unsigned i = 0; i < n_clients && (total == 0 || started < total); i++)
        start(&clients[i]);
    struct epoll_event evs[512];
    unsigned active = n_clients;
    while (active > 0) {
        int n = epoll_wait(ep, evs, 512, 10);
        for (int i = 0; i < n; i++)
            on_packet(evs[i].data.ptr);
        uint64_t now = now_us();   /* after the packets: they move last_tx_us on */
        if (stop_asked && deadline > now) {   /* a storm stopped from outside: drain as at the deadline */
            deadline = now;
            hard_stop = now + DRAIN_SECONDS * 1000000u;
        }
        bool more = now < deadline && (total == 0 || started < total);
        /* Refill idle slots and retransmit for the silent ones. */
        bool scan = now - last_scan >= 10000 || n == 0;
        active = 0;
        for (unsigned i = 0; i < n_clients; i++) {
            struct client *c = &clients[i];
            if (c->state == IDLE && more) {
                start(c);
                more = total == 0 || started < total;
            }
            if (c->state == IDLE)
                continue;
            active++;
            if (scan && now > c->last_tx_us && now - c->last_tx_us >= (uint64_t)RTO_MS * 1000u) {
                if (++c->retries > MAX_RETRIES) {
                    finish(c, false);
                    active--;
                    continue;
                }
                retransmits++;
                transmit(c, c->state == AWAIT_FIRST ? &server : &c->server);
            }
        }
        if (scan)
            last_scan = now;
        if (now >= hard_stop) {
            for (unsigned i = 0; i < n_clients; i++)
                if (clients[i].state != IDLE)
                    finish(&clients[i], false);
            break;
        }
    }
    double elapsed = (double)(now_us() - t0) / 1e6;
    qsort(latencies, n_latencies, sizeof *latencies, cmp_double);
    printf("transfers=%llu seconds=%.3f rate=%.0f p50_ms=%.2f p99_ms=%.2f retransmits=%llu "
           "duplicates=%llu strangers=%llu failures=%llu refused=%llu mismatches=%llu changed=%llu "
           "clients=%u files=%zu\n",
           (unsigned long long)done, elapsed, (double)done / elapsed, percentile(0.50),
           percentile(0.99), (unsigned long long)retransmits, (unsigned long long)duplicates,
           (unsigned long long)strangers, (unsigned long long)failures,
           (unsigned long long)busy_errors, (unsigned long long)mismatches, changed, n_clients, n_files);
    return failures || mismatches ? 3 : 0;

usage:
    fprintf(stderr, "usage: tftp-load -s 127.0.0.1:PORT -d DIR [-c CLIENTS] [-n TRANSFERS] "
            "[-T SECONDS] [-b BLKSIZE] [-w WINDOW] [-p PREFIX] [-x SUFFIX] [-C]\n");
    return 2;
}
