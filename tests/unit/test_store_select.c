/* test_store_select.c - queries whose SELECT list is written from their
 * column map (db_select in store/db.c): the text it writes, a text too long
 * refused rather than cut, one statement per (map, FROM) pair, and the
 * get/list/array shapes over it.  On a throw-away SQLite file. */
#include <config.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/store/internal.h"
#include "svc_fixture.h"

struct pair {
    int64_t n;
    char word[8];
};

static const struct db_col num_word[] = {
    COL_NUM(struct pair, n, "n"), COL_TEXT(struct pair, word, "word"), COL_END,
};
/* The same columns the other way round, for one FROM read through two maps. */
static const struct db_col word_num[] = {
    COL_TEXT(struct pair, word, "upper(word)"), COL_NUM(struct pair, n, "n * 10"), COL_END,
};

static struct store *db;

static void setup(void)
{
    static const char *const script[] = {
        "CREATE TABLE one (n INTEGER, word TEXT)",
        "CREATE TABLE two (n INTEGER, word TEXT)",
        "INSERT INTO one VALUES (1, 'a'), (2, 'b')",
        "INSERT INTO two VALUES (7, 'z')",
    };
    char err[256];
    db = store_open(fixture_dir_make("select"), err, sizeof err);
    ck_assert_msg(db != NULL, "%s", err);
    for (size_t i = 0; i < sizeof script / sizeof script[0]; i++)
        ck_assert_int_eq(db_exec(db, db_prepare_once(db, script[i]), DB_NOARGS), STORE_OK);
}

static void teardown(void)
{
    store_close(db);
    fixture_dir_remove();
}

START_TEST(select_list_from_the_map)
{
    char sql[SQL_MAX];
    ck_assert(sql_select(sql, num_word, "FROM one WHERE n = ?"));
    ck_assert_str_eq(sql, "SELECT n, word FROM one WHERE n = ?");
    ck_assert(sql_select(sql, word_num, ""));
    ck_assert_str_eq(sql, "SELECT upper(word), n * 10 ");
}
END_TEST

START_TEST(no_text_without_every_expression)
{
    static const struct db_col by_hand[] = {
        COL_NUM(struct pair, n, "n"), COL_TEXT(struct pair, word, NULL), COL_END,
    };
    static const struct db_col none[] = { COL_END };
    char sql[SQL_MAX];
    ck_assert(!sql_select(sql, by_hand, "FROM one"));
    ck_assert(!sql_select(sql, none, "FROM one"));
    struct pair p;
    ck_assert_int_eq(db_select_get(db, by_hand, "FROM one", DB_NOARGS, &p, sizeof p),
                     STORE_ERROR);
}
END_TEST

/* A text that would pass SQL_MAX is refused whole: cut, it might still run. */
START_TEST(too_long_is_refused_not_cut)
{
    static char from[SQL_MAX];
    char sql[SQL_MAX];
    size_t fits = SQL_MAX - 1 - strlen("SELECT n, word ");
    memset(from, ' ', fits);
    memcpy(from, "FROM one", strlen("FROM one"));
    from[fits] = '\0';
    ck_assert(sql_select(sql, num_word, from));
    ck_assert_uint_eq(strlen(sql), SQL_MAX - 1);
    from[fits] = ' ';
    from[fits + 1] = '\0';
    ck_assert(!sql_select(sql, num_word, from));
    struct rows r = ROWS_GROW(struct pair);
    ck_assert_int_eq(db_select_list(db, num_word, from, DB_NOARGS, &r), STORE_ERROR);
    ck_assert_uint_eq(r.n, 0);
}
END_TEST

/* The row n of from read through cols is (want_n, want_word). */
static void expect(const struct db_col *cols, const char *from, int64_t n, int64_t want_n,
                   const char *want_word)
{
    struct pair p;
    ck_assert_int_eq(db_select_get(db, cols, from, DB_ARGS(BIND_INT(n)), &p, sizeof p),
                     STORE_OK);
    ck_assert_int_eq(p.n, want_n);
    ck_assert_str_eq(p.word, want_word);
}

/* One map with two FROM clauses, and one FROM with two maps: four statements,
 * each asked twice (the second time from the cache). */
START_TEST(one_statement_per_map_and_from)
{
    static const char from_one[] = "FROM one WHERE n = ?";
    static const char from_two[] = "FROM two WHERE n = ?";
    for (int round = 0; round < 2; round++) {
        expect(num_word, from_one, 2, 2, "b");
        expect(num_word, from_two, 7, 7, "z");
        expect(word_num, from_one, 1, 10, "A");
        expect(word_num, from_two, 7, 70, "Z");
    }
}
END_TEST

START_TEST(get_zeroes_its_row_first)
{
    struct pair p;
    memset(&p, 0x5a, sizeof p);
    ck_assert_int_eq(db_select_get(db, num_word, "FROM one WHERE n = ?", DB_ARGS(BIND_INT(9)),
                                   &p, sizeof p), STORE_NOT_FOUND);
    ck_assert_int_eq(p.n, 0);
    ck_assert_str_eq(p.word, "");
}
END_TEST

START_TEST(list_and_array)
{
    struct pair fixed[1];
    struct rows r = ROWS_FIXED(fixed, 1);
    ck_assert_int_eq(db_select_list(db, num_word, "FROM one ORDER BY n", DB_NOARGS, &r),
                     STORE_OK);
    ck_assert_uint_eq(r.n, 2);   /* seen; one kept */
    ck_assert_str_eq(fixed[0].word, "a");

    struct pair *all = NULL;
    size_t n = 0;
    ck_assert_int_eq(db_select_array(db, num_word, "FROM one ORDER BY n DESC", DB_NOARGS,
                                     DB_ARRAY(&all, &n)), STORE_OK);
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(all[0].n, 2);
    ck_assert_str_eq(all[1].word, "a");
    free(all);
}
END_TEST

static Suite *select_suite(void)
{
    Suite *s = suite_create("store_select");
    TCase *tc = tcase_create("db_select");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, select_list_from_the_map);
    tcase_add_test(tc, no_text_without_every_expression);
    tcase_add_test(tc, too_long_is_refused_not_cut);
    tcase_add_test(tc, one_statement_per_map_and_from);
    tcase_add_test(tc, get_zeroes_its_row_first);
    tcase_add_test(tc, list_and_array);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return fixture_run(select_suite(), "store_select");
}
