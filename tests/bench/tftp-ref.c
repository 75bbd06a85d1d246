/* tftp-ref - the ceiling for the TFTP benchmark: a read-only server with
 * every file of a directory preloaded in memory, one epoll loop, one socket
 * per transfer, no options, no logging, nothing else.
 *
 *   tftp-ref -a 127.0.0.1:PORT -d DIR [-T SECONDS]
 *
 * It is not a server to deploy: it exists to show how fast this machine can
 * move these files over TFTP at all. */
#include <config.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
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

#define BLKSIZE     512
#define RTO_US      1000000u
#define MAX_XFERS   8192
#define N_BUCKETS   65536

struct file {
    struct file *next;
    char *name;
    unsigned char *data;
    size_t len;
};

struct xfer {
    int fd;
    struct sockaddr_in peer;
    const struct file *f;
    uint32_t block;            /* last block sent */
    uint64_t sent_us;
    unsigned retries;
    struct xfer *prev, *next;  /* live transfers, oldest first */
};

static struct file *buckets[N_BUCKETS];
static struct xfer *oldest, *newest;
static unsigned live;
static unsigned char buf[4 + BLKSIZE + 512];
static volatile sig_atomic_t stop;

static uint64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static unsigned hash(const char *s)
{
    unsigned h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)(*s | 0x20)) * 16777619u;
    return h % N_BUCKETS;
}

static int load(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    int n = 0;
    if (d == NULL)
        return -1;
    while ((de = readdir(d)) != NULL) {
        char path[4096];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        int fd = open(path, O_RDONLY);
        if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
            if (fd >= 0)
                close(fd);
            continue;
        }
        struct file *f = calloc(1, sizeof *f);
        f->name = strdup(de->d_name);
        f->len = (size_t)st.st_size;
        f->data = malloc(f->len + 1);
        if (read(fd, f->data, f->len) != (ssize_t)f->len)
            return -1;
        close(fd);
        unsigned h = hash(f->name);
        f->next = buckets[h];
        buckets[h] = f;
        n++;
    }
    closedir(d);
    return n;
}

static const struct file *lookup(const char *name)
{
    for (const struct file *f = buckets[hash(name)]; f; f = f->next)
        if (strcasecmp(f->name, name) == 0)
            return f;
    return NULL;
}

static void send_block(struct xfer *x)
{
    size_t off = (size_t)(x->block - 1) * BLKSIZE;
    size_t n = off < x->f->len ? x->f->len - off : 0;
    if (n > BLKSIZE)
        n = BLKSIZE;
    buf[0] = 0;
    buf[1] = 3;
    buf[2] = (unsigned char)(x->block >> 8);
    buf[3] = (unsigned char)x->block;
    memcpy(buf + 4, x->f->data + off, n);
    sendto(x->fd, buf, 4 + n, 0, (struct sockaddr *)&x->peer, sizeof x->peer);
    x->sent_us = now_us();
    /* Move to the newest end: the list stays in order of sent_us. */
    if (x != newest) {
        if (x->prev)
            x->prev->next = x->next;
        else
            oldest = x->next;
        x->next->prev = x->prev;
        x->prev = newest;
        x->next = NULL;
        newest->next = x;
        newest = x;
    }
}

static void end(int ep, struct xfer *x)
{
    epoll_ctl(ep, EPOLL_CTL_DEL, x->fd, NULL);
    close(x->fd);
    if (x->prev)
        x->prev->next = x->next;
    else
        oldest = x->next;
    if (x->next)
        x->next->prev = x->prev;
    else
        newest = x->prev;
    live--;
    free(x);
}

static void on_request(int ep, int lfd, const struct sockaddr_in *local)
{
    for (int i = 0; i < 64; i++) {
        struct sockaddr_in peer;
        socklen_t pl = sizeof peer;
        ssize_t n = recvfrom(lfd, buf, sizeof buf - 1, 0, (struct sockaddr *)&peer, &pl);
        if (n < 4)
            return;
        buf[n] = 0;
        if (buf[1] != 1)
            continue;
        const struct file *f = lookup((const char *)buf + 2);
        if (f == NULL || live >= MAX_XFERS) {
            static const unsigned char nf[] = { 0, 5, 0, 1, 'n', 'o', 0 };
            sendto(lfd, nf, sizeof nf, 0, (struct sockaddr *)&peer, pl);
            continue;
        }
        struct xfer *x = calloc(1, sizeof *x);
        struct sockaddr_in tid = *local;
        tid.sin_port = 0;
        x->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        bind(x->fd, (struct sockaddr *)&tid, sizeof tid);
        struct epoll_event ev = { .events = EPOLLIN, .data.ptr = x };
        epoll_ctl(ep, EPOLL_CTL_ADD, x->fd, &ev);
        x->peer = peer;
        x->f = f;
        x->block = 1;
        x->prev = newest;
        if (newest)
            newest->next = x;
        else
            oldest = x;
        newest = x;
        live++;
        send_block(x);
    }
}

static void on_ack(int ep, struct xfer *x)
{
    unsigned char ack[516];
    ssize_t n = recv(x->fd, ack, sizeof ack, 0);
    if (n < 4 || ack[1] != 4 || (unsigned)(ack[2] << 8 | ack[3]) != (x->block & 0xffff))
        return;
    if ((size_t)x->block * BLKSIZE > x->f->len) {
        end(ep, x);
        return;
    }
    x->block++;
    x->retries = 0;
    send_block(x);
}

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

int main(int argc, char **argv)
{
    const char *addr = NULL, *dir = NULL;
    int opt;
    double seconds = 600;
    while ((opt = getopt(argc, argv, "a:d:T:")) != -1) {
        if (opt == 'a')
            addr = optarg;
        else if (opt == 'd')
            dir = optarg;
        else if (opt == 'T')
            seconds = atof(optarg);
        else
            return 2;
    }
    char host[64];
    const char *colon = addr ? strrchr(addr, ':') : NULL;
    struct sockaddr_in local = { .sin_family = AF_INET };
    if (colon == NULL || dir == NULL || (size_t)(colon - addr) >= sizeof host) {
        fprintf(stderr, "usage: tftp-ref -a 127.0.0.1:PORT -d DIR [-T SECONDS]\n");
        return 2;
    }
    snprintf(host, sizeof host, "%.*s", (int)(colon - addr), addr);
    local.sin_port = htons((uint16_t)atoi(colon + 1));
    if (inet_pton(AF_INET, host, &local.sin_addr) != 1 || load(dir) <= 0) {
        fprintf(stderr, "tftp-ref: bad address or empty directory\n");
        return 1;
    }
    struct rlimit rl = { MAX_XFERS + 64, MAX_XFERS + 64 };
    setrlimit(RLIMIT_NOFILE, &rl);
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    int lfd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int rcvbuf = 4 << 20;
    setsockopt(lfd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf);
    if (bind(lfd, (struct sockaddr *)&local, sizeof local) != 0) {
        perror("tftp-ref: bind");
        return 1;
    }
    int ep = epoll_create1(0);
    struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL };
    epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
    uint64_t until = now_us() + (uint64_t)(seconds * 1e6);
    while (!stop && now_us() < until) {
        struct epoll_event evs[256];
        int n = epoll_wait(ep, evs, 256, 100);
        for (int i = 0; i < n; i++) {
            if (evs[i].data.ptr == NULL)
                on_request(ep, lfd, &local);
            else
                on_ack(ep, evs[i].data.ptr);
        }
        /* Oldest first: stop at the first one still within its timeout. */
        uint64_t now = now_us();
        while (oldest && now - oldest->sent_us >= RTO_US) {
            struct xfer *x = oldest;
            if (++x->retries > 5)
                end(ep, x);
            else
                send_block(x);
        }
    }
    return 0;
}
