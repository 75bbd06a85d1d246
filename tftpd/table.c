/* table.c - the engine's live transfers, found two ways: by deadline (a
 * min-heap the loop sleeps on) and by client address and port (a hash table
 * that tells a retransmitted request from a new one). */
#include <config.h>

#include <string.h>

#include "engine.h"

static void heap_set(struct tftpd *t, size_t i, struct xfer *x);
static void sift_up(struct tftpd *t, size_t i);
static void sift_down(struct tftpd *t, size_t i);
static size_t peer_bucket(const struct tftpd *t, const struct sockaddr_storage *a);
static struct xfer *peer_find(const struct tftpd *t, const struct sockaddr_storage *a);

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

void deadline_push(struct tftpd *t, struct xfer *x)
{
    heap_set(t, t->nheap++, x);
    sift_up(t, x->heap_idx);
}

void deadline_remove(struct tftpd *t, struct xfer *x)
{
    size_t i = x->heap_idx;
    struct xfer *last = t->heap[--t->nheap];
    if (last == x)
        return;
    heap_set(t, i, last);
    sift_up(t, i);
    sift_down(t, last->heap_idx);
}

void deadline_arm(struct tftpd *t, struct xfer *x, uint64_t deadline_us)
{
    uint64_t old = x->deadline_us;
    x->deadline_us = deadline_us;
    if (deadline_us < old)
        sift_up(t, x->heap_idx);
    else
        sift_down(t, x->heap_idx);
}

/* ---- live transfers by peer ------------------------------------------- */

int peers_same(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
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

/* A client that hears nothing within its timeout sends its RRQ again.  A
 * second transfer for it would only compete with the first, and its DATA,
 * from a TID the client no longer listens to, is retried in vain for half a
 * minute; in a boot storm these orphans pile up until every slot is taken.
 * So such a request is dropped as a duplicate (peers_is_duplicate() says
 * when): the first transfer's retransmissions answer it.  And a request that
 * is not a duplicate ends the port's old transfer, which would be an orphan. */
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
        if (peers_same(&x->peer, a) && !x->abandoned)
            return x;
    return NULL;
}

/* A new RRQ from a port that has a live transfer.  The same file before the
 * client acknowledged anything of ours is a retransmission: 1, drop it.
 * Anything else means the client moved on (a port runs one transfer at a
 * time; some send the next RRQ right after the last ACK, which may still wait
 * in the transfer's socket): 0, and the old transfer ends at the next timer
 * tick.  Not here: an event for it may still be pending in this batch. */
int peers_is_duplicate(struct tftpd *t, const struct sockaddr_storage *a, const char *name)
{
    struct xfer *x = peer_find(t, a);
    if (x == NULL)
        return 0;
    if (x->acked == 0 && strcmp(x->filename, name) == 0)
        return 1;
    x->abandoned = 1;
    deadline_arm(t, x, 0);
    return 0;
}

void peers_add(struct tftpd *t, struct xfer *x)
{
    struct xfer **head = &t->by_peer[peer_bucket(t, &x->peer)];
    x->peer_next = *head;
    *head = x;
}

void peers_remove(struct tftpd *t, struct xfer *x)
{
    struct xfer **pp = &t->by_peer[peer_bucket(t, &x->peer)];
    while (*pp != NULL && *pp != x)
        pp = &(*pp)->peer_next;
    if (*pp != NULL)
        *pp = x->peer_next;
}
