/* cache.h - rendered config files by name, shared by every front end.
 *
 * Blobs are reference counted, so a transfer keeps its bytes even when the
 * entry is evicted mid-transfer.  A generation number closes the race between
 * a render that read old rows and the eviction that followed a write: a blob
 * rendered before an eviction is never inserted after it. */
#ifndef UCPROV_CACHE_H
#define UCPROV_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cache;   /* opaque */

/* The signed forms kept with a blob (issue 13): made once from its bytes and
 * dropped with it, so an eviction takes them too. */
enum cache_companion { CACHE_SGN, CACHE_ENC_SGN, CACHE_COMPANIONS };

struct cache_blob {
    size_t len;
    char version_stamp[48];
    char name[32];            /* the file's; "" for a companion */
    int64_t generation;       /* a companion's: the trust generation that signed it */
    struct cache_blob *companion[CACHE_COMPANIONS];   /* through cache_companion() only */
    unsigned char data[];   /* len bytes, NUL-terminated for convenience */
};

struct cache_stats {
    uint64_t hits, misses, evictions, entries;
};

struct cache *cache_new(void);
void cache_free(struct cache *c);

/* A new blob with a reference count of one. */
struct cache_blob *cache_blob_new(const char *name, const void *data, size_t len,
                                  const char *version_stamp);
void cache_blob_ref(struct cache_blob *b);
void cache_blob_unref(struct cache_blob *b);

/* b's companion with a reference taken, or NULL. */
struct cache_blob *cache_companion(struct cache_blob *b, enum cache_companion which);
/* Make c (the blob takes its own reference; NULL clears) b's companion; for a
 * blob not in the cache yet (cache_put counts what it holds then). */
void cache_set_companion(struct cache_blob *b, enum cache_companion which, struct cache_blob *c);
/* Make c b's companion unless another thread replaced seen (what the caller
 * read before making c) meanwhile: the first one made stays, so every fetch
 * gets the same bytes.  Its bytes count against cache's budget from then on.
 * Returns the companion in place, with a reference. */
struct cache_blob *cache_offer_companion(struct cache *cache, struct cache_blob *b,
                                        enum cache_companion which,
                                        const struct cache_blob *seen, struct cache_blob *c);
/* The blob for name with a reference taken, or NULL; counts nothing (the warmer). */
struct cache_blob *cache_peek(struct cache *c, const char *name);

/* The blob for name with a reference taken, or NULL.  Counts a hit or a miss. */
struct cache_blob *cache_get(struct cache *c, const char *name);
/* Whether name is cached; counts nothing and marks nothing (the warmer asks). */
bool cache_contains(struct cache *c, const char *name);
/* Bytes left in the budget before entries start to go. */
size_t cache_room(struct cache *c);
/* The budget itself (cache_set_max_bytes). */
size_t cache_max_bytes(struct cache *c);
/* Read before loading the rows a blob is rendered from. */
uint64_t cache_generation(struct cache *c);
/* Insert b (the cache takes its own reference) unless an eviction happened
 * since generation was read. */
void cache_put(struct cache *c, struct cache_blob *b, uint64_t generation);
/* Drop the named entries. */
void cache_evict(struct cache *c, const char (*names)[16], size_t n);
void cache_evict_name(struct cache *c, const char *name);
/* Drop everything (a change every phone depends on). */
void cache_evict_all(struct cache *c);
void cache_get_stats(struct cache *c, struct cache_stats *out);
/* Bytes the cache may hold (blobs and bookkeeping); UCPROV_CACHE_MAX_BYTES
 * until set.  Entries least recently fetched go first. */
void cache_set_max_bytes(struct cache *c, size_t max_bytes);

#endif
