/* test_cache.c - the render cache: lookups, reference counts, the generation
 * guard, precise eviction among 100,000 phones, and concurrent use.
 * Run it in the sanitizer build too: a blob freed while referenced, or a
 * reference the cache forgot to drop, shows up there. */
#include <config.h>

#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server/cache.h"
#include "server/limits.h"

static struct cache *c;

static void setup(void)
{
    c = cache_new();
    ck_assert_ptr_nonnull(c);
}

static void teardown(void)
{
    cache_free(c);
    c = NULL;
}

static struct cache_blob *blob(const char *name, const char *text)
{
    struct cache_blob *b = cache_blob_new(name, text, strlen(text), "stamp");
    ck_assert_ptr_nonnull(b);
    return b;
}

/* Insert a fresh blob and drop the creator's reference: the cache holds the only one. */
static void put_text(const char *name, const char *text)
{
    struct cache_blob *b = blob(name, text);
    cache_put(c, b, cache_generation(c));
    cache_blob_unref(b);
}

static struct cache_stats stats(void)
{
    struct cache_stats s;
    memset(&s, 0xff, sizeof s);
    cache_get_stats(c, &s);
    return s;
}

static void phone_name(char out[16], unsigned long i)
{
    snprintf(out, 16, "SEP%012lX", i);
}

/* ---- blobs ---------------------------------------------------------------- */

START_TEST(blob_new_copies)
{
    char data[] = { 'a', 'b', '\0', 'c' };
    struct cache_blob *b = cache_blob_new("SEP001122334455", data, sizeof data, "abc123");
    ck_assert_ptr_nonnull(b);
    data[0] = 'X';   /* the blob owns a copy */
    ck_assert_uint_eq(b->len, 4);
    ck_assert_mem_eq(b->data, "ab\0c", 4);
    ck_assert_int_eq(b->data[4], '\0');
    ck_assert_str_eq(b->name, "SEP001122334455");
    ck_assert_str_eq(b->version_stamp, "abc123");
    cache_blob_unref(b);

    b = cache_blob_new("XMLDefault.cnf.xml", "", 0, NULL);
    ck_assert_ptr_nonnull(b);
    ck_assert_uint_eq(b->len, 0);
    ck_assert_int_eq(b->data[0], '\0');
    ck_assert_str_eq(b->version_stamp, "");
    cache_blob_unref(b);
    cache_blob_unref(NULL);   /* harmless */
}
END_TEST

/* ---- get / put / evict ---------------------------------------------------- */

START_TEST(get_put_evict)
{
    struct cache_stats s = stats();
    ck_assert_uint_eq(s.entries, 0);
    ck_assert_uint_eq(s.hits, 0);
    ck_assert_uint_eq(s.misses, 0);
    ck_assert_uint_eq(s.evictions, 0);

    ck_assert_ptr_null(cache_get(c, "SEP000000000001"));
    s = stats();
    ck_assert_uint_eq(s.misses, 1);
    ck_assert_uint_eq(s.hits, 0);

    struct cache_blob *b = blob("SEP000000000001", "one");
    cache_put(c, b, cache_generation(c));
    struct cache_blob *got = cache_get(c, "SEP000000000001");
    ck_assert_ptr_eq(got, b);
    ck_assert_str_eq((const char *)got->data, "one");
    cache_blob_unref(got);
    s = stats();
    ck_assert_uint_eq(s.entries, 1);
    ck_assert_uint_eq(s.hits, 1);
    ck_assert_uint_eq(s.misses, 1);

    /* names are exact: no prefix or case folding in the cache itself */
    ck_assert_ptr_null(cache_get(c, "SEP00000000000"));
    ck_assert_ptr_null(cache_get(c, "SEP0000000000011"));

    /* a second put of the same name replaces the entry */
    struct cache_blob *b2 = blob("SEP000000000001", "one, v2");
    cache_put(c, b2, cache_generation(c));
    got = cache_get(c, "SEP000000000001");
    ck_assert_ptr_eq(got, b2);
    cache_blob_unref(got);
    ck_assert_uint_eq(stats().entries, 1);
    ck_assert_str_eq((const char *)b->data, "one");   /* still ours */
    cache_blob_unref(b);
    cache_blob_unref(b2);

    cache_evict_name(c, "SEP000000000001");
    ck_assert_ptr_null(cache_get(c, "SEP000000000001"));
    s = stats();
    ck_assert_uint_eq(s.entries, 0);
    ck_assert_uint_eq(s.evictions, 1);

    /* evicting what is not there changes nothing but the generation */
    uint64_t g = cache_generation(c);
    cache_evict_name(c, "SEP0000000000FF");
    ck_assert_uint_eq(stats().evictions, 1);
    ck_assert_uint_gt(cache_generation(c), g);
}
END_TEST

START_TEST(evict_list)
{
    char names[5][16];
    for (unsigned long i = 0; i < 5; i++) {
        phone_name(names[i], i);
        put_text(names[i], names[i]);
    }
    ck_assert_uint_eq(stats().entries, 5);
    const char evict[3][16] = { "SEP000000000001", "SEP000000000003", "SEP0000DEADBEEF" };
    cache_evict(c, evict, 3);
    struct cache_stats s = stats();
    ck_assert_uint_eq(s.entries, 3);
    ck_assert_uint_eq(s.evictions, 2);
    for (unsigned long i = 0; i < 5; i++) {
        struct cache_blob *b = cache_get(c, names[i]);
        if (i == 1 || i == 3) {
            ck_assert_ptr_null(b);
        } else {
            ck_assert_ptr_nonnull(b);
            ck_assert_str_eq((const char *)b->data, names[i]);
            cache_blob_unref(b);
        }
    }
}
END_TEST

/* ---- reference counting --------------------------------------------------- */

START_TEST(blob_survives_eviction)
{
    /* A transfer holds the blob; the admin's change evicts it mid-transfer. */
    put_text("SEP00AABBCCDDEE", "<device>old</device>");
    struct cache_blob *held = cache_get(c, "SEP00AABBCCDDEE");
    ck_assert_ptr_nonnull(held);
    cache_evict_name(c, "SEP00AABBCCDDEE");
    ck_assert_ptr_null(cache_get(c, "SEP00AABBCCDDEE"));
    /* the bytes are intact (ASan would flag a read of freed memory) */
    ck_assert_uint_eq(held->len, strlen("<device>old</device>"));
    ck_assert_str_eq((const char *)held->data, "<device>old</device>");
    ck_assert_str_eq(held->name, "SEP00AABBCCDDEE");

    /* a new version goes in beside the old one still being sent */
    put_text("SEP00AABBCCDDEE", "<device>new</device>");
    struct cache_blob *fresh = cache_get(c, "SEP00AABBCCDDEE");
    ck_assert_ptr_ne(fresh, held);
    ck_assert_str_eq((const char *)fresh->data, "<device>new</device>");
    ck_assert_str_eq((const char *)held->data, "<device>old</device>");
    cache_blob_unref(fresh);
    cache_blob_unref(held);
}
END_TEST

START_TEST(blob_survives_evict_all_and_free)
{
    put_text("SEP000000000001", "a");
    put_text("SEP000000000002", "b");
    struct cache_blob *a = cache_get(c, "SEP000000000001");
    struct cache_blob *b = cache_get(c, "SEP000000000002");
    cache_blob_ref(a);   /* two holders of a */
    cache_evict_all(c);
    ck_assert_str_eq((const char *)a->data, "a");
    cache_blob_unref(a);
    ck_assert_str_eq((const char *)a->data, "a");
    cache_free(c);       /* the cache goes away; b is still held */
    c = cache_new();
    ck_assert_str_eq((const char *)b->data, "b");
    cache_blob_unref(a);
    cache_blob_unref(b);
}
END_TEST

/* ---- the generation guard ------------------------------------------------- */

START_TEST(stale_generation_not_inserted)
{
    put_text("SEP000000000001", "v1");
    /* a render starts: reads the generation, then the rows */
    uint64_t g = cache_generation(c);
    struct cache_blob *rendered = blob("SEP000000000002", "rendered from old rows");
    struct cache_blob *rendered1 = blob("SEP000000000001", "v1 from old rows");
    /* meanwhile an admin write evicts (any name: the guard is global) */
    cache_evict_name(c, "SEP000000000009");
    ck_assert_uint_ne(cache_generation(c), g);
    cache_put(c, rendered, g);
    cache_put(c, rendered1, g);
    ck_assert_ptr_null(cache_get(c, "SEP000000000002"));
    struct cache_blob *kept = cache_get(c, "SEP000000000001");
    ck_assert_ptr_nonnull(kept);
    ck_assert_str_eq((const char *)kept->data, "v1");   /* not replaced either */
    cache_blob_unref(kept);
    ck_assert_uint_eq(stats().entries, 1);
    /* the refused put took no reference: dropping ours frees it (LSan checks) */
    cache_blob_unref(rendered);
    cache_blob_unref(rendered1);

    /* with the current generation it goes in */
    struct cache_blob *again = blob("SEP000000000002", "fresh");
    cache_put(c, again, cache_generation(c));
    cache_blob_unref(again);
    struct cache_blob *got = cache_get(c, "SEP000000000002");
    ck_assert_ptr_nonnull(got);
    ck_assert_str_eq((const char *)got->data, "fresh");
    cache_blob_unref(got);
}
END_TEST

START_TEST(every_eviction_moves_generation)
{
    uint64_t g0 = cache_generation(c);
    put_text("SEP000000000001", "x");
    ck_assert_uint_eq(cache_generation(c), g0);   /* puts and gets do not */
    struct cache_blob *b = cache_get(c, "SEP000000000001");
    cache_blob_unref(b);
    ck_assert_uint_eq(cache_generation(c), g0);
    const char one[1][16] = { "SEP000000000001" };
    cache_evict(c, one, 1);
    uint64_t g1 = cache_generation(c);
    ck_assert_uint_ne(g1, g0);
    cache_evict_all(c);
    ck_assert_uint_ne(cache_generation(c), g1);
}
END_TEST

/* ---- a change to one phone does not flush the other 100,000 ---------------- */

#define MANY 100000UL

START_TEST(evict_one_of_many)
{
    char name[16];
    uint64_t g = cache_generation(c);
    for (unsigned long i = 0; i < MANY; i++) {
        phone_name(name, i);
        struct cache_blob *b = cache_blob_new(name, name, 15, "s");
        ck_assert_ptr_nonnull(b);
        cache_put(c, b, g);
        cache_blob_unref(b);
    }
    ck_assert_uint_eq(stats().entries, MANY);

    phone_name(name, 4242);
    cache_evict_name(c, name);
    struct cache_stats s = stats();
    ck_assert_uint_eq(s.entries, MANY - 1);
    ck_assert_uint_eq(s.evictions, 1);
    ck_assert_ptr_null(cache_get(c, name));

    /* every other phone is still a hit */
    uint64_t hits_before = stats().hits;
    for (unsigned long i = 0; i < MANY; i++) {
        if (i == 4242)
            continue;
        phone_name(name, i);
        struct cache_blob *b = cache_get(c, name);
        ck_assert_msg(b != NULL, "%s was flushed", name);
        ck_assert_mem_eq(b->data, name, 15);
        cache_blob_unref(b);
    }
    ck_assert_uint_eq(stats().hits - hits_before, MANY - 1);

    /* a list eviction (a VPN group's phones) is just as precise */
    char some[3][16];
    phone_name(some[0], 0);
    phone_name(some[1], 50000);
    phone_name(some[2], MANY - 1);
    cache_evict(c, (const char (*)[16])some, 3);
    ck_assert_uint_eq(stats().entries, MANY - 4);

    cache_evict_all(c);
    s = stats();
    ck_assert_uint_eq(s.entries, 0);
    ck_assert_uint_eq(s.evictions, MANY);
    phone_name(name, 1);
    ck_assert_ptr_null(cache_get(c, name));
}
END_TEST

/* What the warmer asks counts nothing and marks nothing, and the room left
 * follows what the entries hold. */
START_TEST(contains_and_room)
{
    size_t empty = cache_room(c);
    ck_assert_uint_eq(empty, UCPROV_CACHE_MAX_BYTES);
    ck_assert(!cache_contains(c, "SEP000000000001"));
    put_text("SEP000000000001", "hello");
    ck_assert(cache_contains(c, "SEP000000000001"));
    ck_assert_uint_lt(cache_room(c), empty);
    struct cache_stats st;
    cache_get_stats(c, &st);
    ck_assert_uint_eq(st.hits, 0);
    ck_assert_uint_eq(st.misses, 0);
    cache_set_max_bytes(c, 1);   /* everything goes: the room is the whole budget */
    ck_assert(!cache_contains(c, "SEP000000000001"));
    ck_assert_uint_eq(cache_room(c), 1);
}
END_TEST

START_TEST(evict_all_empties)
{
    char name[16];
    for (unsigned long i = 0; i < 3000; i++) {   /* past the initial bucket count */
        phone_name(name, i);
        put_text(name, name);
    }
    ck_assert_uint_eq(stats().entries, 3000);
    cache_evict_all(c);
    struct cache_stats s = stats();
    ck_assert_uint_eq(s.entries, 0);
    ck_assert_uint_eq(s.evictions, 3000);
    for (unsigned long i = 0; i < 3000; i += 97) {
        phone_name(name, i);
        ck_assert_ptr_null(cache_get(c, name));
    }
    /* and it is usable again */
    put_text("SEP000000000001", "back");
    ck_assert_uint_eq(stats().entries, 1);
}
END_TEST

/* ---- concurrency ---------------------------------------------------------- */

#define N_THREADS 4
#define N_NAMES   64

struct worker {
    unsigned seed;
    unsigned long gets, bad;
};

static atomic_bool stop;

static void *work(void *arg)
{
    struct worker *w = arg;
    char name[16];
    while (!atomic_load(&stop)) {
        unsigned r = (unsigned)rand_r(&w->seed);
        phone_name(name, r % N_NAMES);
        unsigned op = (r >> 8) % 100;
        if (op < 60) {
            struct cache_blob *b = cache_get(c, name);
            w->gets++;
            if (b != NULL) {
                /* every blob of a name starts with the name */
                if (strcmp(b->name, name) != 0 || b->len < 15 ||
                    memcmp(b->data, name, 15) != 0 || b->data[b->len] != '\0')
                    w->bad++;
                cache_blob_unref(b);
            }
        } else if (op < 90) {
            uint64_t g = cache_generation(c);
            char text[64];
            int n = snprintf(text, sizeof text, "%s rendered by %u", name, r);
            struct cache_blob *b = cache_blob_new(name, text, (size_t)n, "s");
            if (b == NULL) {
                w->bad++;
                continue;
            }
            cache_put(c, b, g);
            cache_blob_unref(b);
        } else if (op < 99) {
            cache_evict_name(c, name);
        } else {
            cache_evict_all(c);
        }
    }
    return NULL;
}

START_TEST(concurrent_use)
{
    pthread_t t[N_THREADS];
    struct worker w[N_THREADS];
    atomic_store(&stop, false);
    for (int i = 0; i < N_THREADS; i++) {
        w[i] = (struct worker){ .seed = 1234u + (unsigned)i };
        ck_assert_int_eq(pthread_create(&t[i], NULL, work, &w[i]), 0);
    }
    struct timespec one_second = { 1, 0 };
    nanosleep(&one_second, NULL);
    atomic_store(&stop, true);
    unsigned long gets = 0;
    for (int i = 0; i < N_THREADS; i++) {
        pthread_join(t[i], NULL);
        gets += w[i].gets;
        ck_assert_uint_eq(w[i].bad, 0);
    }
    ck_assert_uint_gt(gets, 1000);   /* the threads did run */

    struct cache_stats s = stats();
    ck_assert_uint_eq(s.hits + s.misses, gets);
    ck_assert_uint_le(s.entries, N_NAMES);
    /* entries agrees with what can be found */
    uint64_t found = 0, hits_before = s.hits;
    char name[16];
    for (unsigned long i = 0; i < N_NAMES; i++) {
        phone_name(name, i);
        struct cache_blob *b = cache_get(c, name);
        if (b != NULL) {
            found++;
            cache_blob_unref(b);
        }
    }
    s = stats();
    ck_assert_uint_eq(found, s.entries);
    ck_assert_uint_eq(s.hits - hits_before, found);
}
END_TEST

static Suite *cache_suite(void)
{
    Suite *s = suite_create("cache");
    TCase *tc = tcase_create("basic");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, blob_new_copies);
    tcase_add_test(tc, get_put_evict);
    tcase_add_test(tc, evict_list);
    tcase_add_test(tc, blob_survives_eviction);
    tcase_add_test(tc, blob_survives_evict_all_and_free);
    tcase_add_test(tc, stale_generation_not_inserted);
    tcase_add_test(tc, every_eviction_moves_generation);
    tcase_add_test(tc, evict_all_empties);
    tcase_add_test(tc, contains_and_room);
    suite_add_tcase(s, tc);

    tc = tcase_create("scale");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);   /* generous for sanitizer builds */
    tcase_add_test(tc, evict_one_of_many);
    tcase_add_test(tc, concurrent_use);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(cache_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
