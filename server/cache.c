/* cache.c - a chained hash table under a reader-writer lock.  Reads (every
 * TFTP and HTTP fetch) share the lock; writes happen only on admin changes and
 * cold renders.
 *
 * The table holds at most UCPROV_CACHE_MAX_BYTES.  Past it, a clock hand
 * sweeps the buckets and drops entries not fetched since its last pass
 * (second chance): a site of 100,000 phones then costs tens of megabytes,
 * and a phone that boots again is rendered again, which is cheap. */
#include <config.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "limits.h"

struct blob_header {
    _Alignas(16) atomic_uint refs;   /* keeps the blob after it aligned */
};

/* The reference count sits just before the public struct. */
#define HEADER(b) ((struct blob_header *)((char *)(b) - sizeof(struct blob_header)))

struct entry {
    struct entry *next;
    uint64_t hash;
    struct cache_blob *blob;
    atomic_bool fetched;      /* since the clock hand last passed; set under the read lock */
    size_t charged;           /* what it counts against the budget, its companions included */
};

struct cache {
    pthread_rwlock_t lock;
    struct entry **buckets;
    size_t n_buckets, n_entries;
    size_t bytes, max_bytes;  /* what the entries hold, and the budget */
    size_t hand;              /* the bucket the clock sweep looks at next */
    uint64_t generation;
    atomic_uint_fast64_t hits, misses, evictions;
};

/* Companions are swapped under one of these, picked by the blob's address:
 * a reader takes its reference before a writer can drop the last one. */
#define COMPANION_LOCKS 64
static pthread_mutex_t companion_locks[COMPANION_LOCKS] = {
#define L4 PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, \
           PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER
#define L16 L4, L4, L4, L4
    L16, L16, L16, L16
#undef L16
#undef L4
};

static pthread_mutex_t *companion_lock(const struct cache_blob *b)
{
    return &companion_locks[((uintptr_t)b >> 6) % COMPANION_LOCKS];
}

static struct entry **find_slot(struct cache *c, const char *name, uint64_t h);
static void make_room_locked(struct cache *c);

static uint64_t hash_name(const char *s)
{
    uint64_t h = 1469598103934665603ULL;   /* FNV-1a */
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

struct cache *cache_new(void)
{
    struct cache *c = calloc(1, sizeof *c);
    if (c == NULL)
        return NULL;
    c->n_buckets = UCPROV_CACHE_INITIAL_BUCKETS;
    c->max_bytes = UCPROV_CACHE_MAX_BYTES;
    c->buckets = calloc(c->n_buckets, sizeof *c->buckets);
    if (c->buckets == NULL) {
        free(c);
        return NULL;
    }
    pthread_rwlock_init(&c->lock, NULL);
    return c;
}

/* What an entry costs: the blob and its signed companions, each with its
 * header, and the entry itself. */
static size_t blob_bytes(struct cache_blob *b)
{
    size_t n = sizeof(struct entry) + sizeof(struct blob_header) + sizeof *b + b->len + 1;
    pthread_mutex_t *m = companion_lock(b);
    pthread_mutex_lock(m);
    for (int i = 0; i < CACHE_COMPANIONS; i++)
        if (b->companion[i] != NULL)
            n += sizeof(struct blob_header) + sizeof *b + b->companion[i]->len + 1;
    pthread_mutex_unlock(m);
    return n;
}

static void drop_all_locked(struct cache *c)
{
    for (size_t i = 0; i < c->n_buckets; i++) {
        struct entry *e = c->buckets[i];
        while (e != NULL) {
            struct entry *next = e->next;
            cache_blob_unref(e->blob);
            free(e);
            e = next;
        }
        c->buckets[i] = NULL;
    }
    atomic_fetch_add(&c->evictions, c->n_entries);
    c->n_entries = 0;
    c->bytes = 0;
}

void cache_free(struct cache *c)
{
    if (c == NULL)
        return;
    drop_all_locked(c);
    free(c->buckets);
    pthread_rwlock_destroy(&c->lock);
    free(c);
}

struct cache_blob *cache_blob_new(const char *name, const void *data, size_t len,
                                  const char *version_stamp)
{
    char *mem = malloc(sizeof(struct blob_header) + sizeof(struct cache_blob) + len + 1);
    if (mem == NULL)
        return NULL;
    struct cache_blob *b = (struct cache_blob *)(mem + sizeof(struct blob_header));
    atomic_init(&HEADER(b)->refs, 1);
    b->len = len;
    b->generation = 0;
    for (size_t i = 0; i < CACHE_COMPANIONS; i++)
        b->companion[i] = NULL;
    snprintf(b->name, sizeof b->name, "%s", name);
    snprintf(b->version_stamp, sizeof b->version_stamp, "%s", version_stamp ? version_stamp : "");
    memcpy(b->data, data, len);
    b->data[len] = '\0';
    return b;
}

void cache_blob_ref(struct cache_blob *b)
{
    atomic_fetch_add(&HEADER(b)->refs, 1);
}

void cache_blob_unref(struct cache_blob *b)
{
    if (b == NULL || atomic_fetch_sub(&HEADER(b)->refs, 1) != 1)
        return;
    for (size_t i = 0; i < CACHE_COMPANIONS; i++)
        cache_blob_unref(b->companion[i]);
    free(HEADER(b));
}

struct cache_blob *cache_companion(struct cache_blob *b, enum cache_companion which)
{
    pthread_mutex_t *m = companion_lock(b);
    pthread_mutex_lock(m);
    struct cache_blob *c = b->companion[which];
    if (c != NULL)
        cache_blob_ref(c);
    pthread_mutex_unlock(m);
    return c;
}

void cache_set_companion(struct cache_blob *b, enum cache_companion which, struct cache_blob *c)
{
    if (c != NULL)
        cache_blob_ref(c);
    pthread_mutex_t *m = companion_lock(b);
    pthread_mutex_lock(m);
    struct cache_blob *old = b->companion[which];
    b->companion[which] = c;
    pthread_mutex_unlock(m);
    cache_blob_unref(old);
}

/* b's entry counts its companions again; the budget may then push others out. */
static void recharge(struct cache *cache, struct cache_blob *b)
{
    pthread_rwlock_wrlock(&cache->lock);
    struct entry *e = *find_slot(cache, b->name, hash_name(b->name));
    if (e != NULL && e->blob == b) {
        cache->bytes -= e->charged;
        e->charged = blob_bytes(b);
        cache->bytes += e->charged;
        make_room_locked(cache);
    }
    pthread_rwlock_unlock(&cache->lock);
}

struct cache_blob *cache_offer_companion(struct cache *cache, struct cache_blob *b,
                                        enum cache_companion which,
                                        const struct cache_blob *seen, struct cache_blob *c)
{
    pthread_mutex_t *m = companion_lock(b);
    pthread_mutex_lock(m);
    struct cache_blob *now = b->companion[which];
    if (now == seen) {
        cache_blob_ref(c);   /* the blob's */
        b->companion[which] = c;
        now = c;
    }
    cache_blob_ref(now);     /* the caller's */
    pthread_mutex_unlock(m);
    if (now == c) {
        cache_blob_unref((struct cache_blob *)seen);   /* the blob's reference to what it replaced */
        recharge(cache, b);
    }
    return now;
}

static struct entry **find_slot(struct cache *c, const char *name, uint64_t h)
{
    struct entry **pp = &c->buckets[h % c->n_buckets];
    for (; *pp; pp = &(*pp)->next)
        if ((*pp)->hash == h && strcmp((*pp)->blob->name, name) == 0)
            return pp;
    return pp;
}

/* The blob named, referenced; a fetch (cache_get) marks its entry fetched
 * and counts a hit or a miss, a peek leaves both alone. */
static struct cache_blob *lookup(struct cache *c, const char *name, bool fetch)
{
    uint64_t h = hash_name(name);
    pthread_rwlock_rdlock(&c->lock);
    struct entry **pp = find_slot(c, name, h);
    struct cache_blob *b = *pp ? (*pp)->blob : NULL;
    if (b != NULL) {
        cache_blob_ref(b);
        if (fetch)
            atomic_store_explicit(&(*pp)->fetched, true, memory_order_relaxed);
    }
    pthread_rwlock_unlock(&c->lock);
    if (fetch)
        atomic_fetch_add(b ? &c->hits : &c->misses, 1);
    return b;
}

struct cache_blob *cache_get(struct cache *c, const char *name)
{
    return lookup(c, name, true);
}

struct cache_blob *cache_peek(struct cache *c, const char *name)
{
    return lookup(c, name, false);
}

bool cache_contains(struct cache *c, const char *name)
{
    uint64_t h = hash_name(name);
    pthread_rwlock_rdlock(&c->lock);
    bool found = *find_slot(c, name, h) != NULL;
    pthread_rwlock_unlock(&c->lock);
    return found;
}

size_t cache_room(struct cache *c)
{
    pthread_rwlock_rdlock(&c->lock);
    size_t room = c->bytes < c->max_bytes ? c->max_bytes - c->bytes : 0;
    pthread_rwlock_unlock(&c->lock);
    return room;
}

size_t cache_max_bytes(struct cache *c)
{
    pthread_rwlock_rdlock(&c->lock);
    size_t max = c->max_bytes;
    pthread_rwlock_unlock(&c->lock);
    return max;
}

uint64_t cache_generation(struct cache *c)
{
    pthread_rwlock_rdlock(&c->lock);
    uint64_t g = c->generation;
    pthread_rwlock_unlock(&c->lock);
    return g;
}

static void grow_locked(struct cache *c)
{
    size_t n = c->n_buckets * 2;
    struct entry **nb = calloc(n, sizeof *nb);
    if (nb == NULL)
        return;   /* keep the longer chains; still correct */
    for (size_t i = 0; i < c->n_buckets; i++) {
        struct entry *e = c->buckets[i];
        while (e != NULL) {
            struct entry *next = e->next;
            e->next = nb[e->hash % n];
            nb[e->hash % n] = e;
            e = next;
        }
    }
    free(c->buckets);
    c->buckets = nb;
    c->n_buckets = n;
}

static void unlink_locked(struct cache *c, struct entry **pp)
{
    struct entry *e = *pp;
    *pp = e->next;
    c->bytes -= e->charged;
    c->n_entries--;
    cache_blob_unref(e->blob);
    free(e);
    atomic_fetch_add(&c->evictions, 1);
}

/* Second chance: an entry fetched since the hand last passed loses its mark
 * and stays; one that was not goes.  Two sweeps at most, so this ends even
 * when every entry was fetched. */
static void make_room_locked(struct cache *c)
{
    for (size_t seen = 0; c->bytes > c->max_bytes && seen < 2 * c->n_buckets; seen++) {
        struct entry **pp = &c->buckets[c->hand];
        while (*pp != NULL && c->bytes > c->max_bytes) {
            if (atomic_exchange_explicit(&(*pp)->fetched, false, memory_order_relaxed))
                pp = &(*pp)->next;
            else
                unlink_locked(c, pp);
        }
        c->hand = (c->hand + 1) % c->n_buckets;
    }
}

void cache_set_max_bytes(struct cache *c, size_t max_bytes)
{
    pthread_rwlock_wrlock(&c->lock);
    c->max_bytes = max_bytes;
    make_room_locked(c);
    pthread_rwlock_unlock(&c->lock);
}

void cache_put(struct cache *c, struct cache_blob *b, uint64_t generation)
{
    uint64_t h = hash_name(b->name);
    pthread_rwlock_wrlock(&c->lock);
    if (c->generation != generation) {
        pthread_rwlock_unlock(&c->lock);
        return;
    }
    struct entry **pp = find_slot(c, b->name, h);
    cache_blob_ref(b);
    if (*pp != NULL) {
        c->bytes -= (*pp)->charged;
        cache_blob_unref((*pp)->blob);
        (*pp)->blob = b;
        (*pp)->charged = blob_bytes(b);
        c->bytes += (*pp)->charged;
    } else {
        struct entry *e = malloc(sizeof *e);
        if (e == NULL) {
            cache_blob_unref(b);
        } else {
            e->next = NULL;
            e->hash = h;
            e->blob = b;
            atomic_init(&e->fetched, true);   /* it is being fetched right now */
            *pp = e;
            e->charged = blob_bytes(b);
            c->bytes += e->charged;
            if (++c->n_entries > c->n_buckets)
                grow_locked(c);
        }
    }
    make_room_locked(c);
    pthread_rwlock_unlock(&c->lock);
}

static void evict_locked(struct cache *c, const char *name)
{
    struct entry **pp = find_slot(c, name, hash_name(name));
    if (*pp != NULL)
        unlink_locked(c, pp);
}

void cache_evict(struct cache *c, const char (*names)[16], size_t n)
{
    pthread_rwlock_wrlock(&c->lock);
    c->generation++;
    for (size_t i = 0; i < n; i++)
        evict_locked(c, names[i]);
    pthread_rwlock_unlock(&c->lock);
}

void cache_evict_name(struct cache *c, const char *name)
{
    pthread_rwlock_wrlock(&c->lock);
    c->generation++;
    evict_locked(c, name);
    pthread_rwlock_unlock(&c->lock);
}

void cache_evict_all(struct cache *c)
{
    pthread_rwlock_wrlock(&c->lock);
    c->generation++;
    drop_all_locked(c);
    pthread_rwlock_unlock(&c->lock);
}

void cache_get_stats(struct cache *c, struct cache_stats *out)
{
    pthread_rwlock_rdlock(&c->lock);
    out->entries = c->n_entries;
    pthread_rwlock_unlock(&c->lock);
    out->hits = atomic_load(&c->hits);
    out->misses = atomic_load(&c->misses);
    out->evictions = atomic_load(&c->evictions);
}
