/* test_sessions.c - web sessions and login form tokens in the database
 * (service/sessions.c, store/sessions.c), on a real SQLite file.  Two
 * service handles on one file play two nodes: they share nothing but the
 * database and the key file, as two ucprovd nodes do.  A fake clock drives
 * the idle and age rules. */
#include <config.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "server/limits.h"
#include "server/service/service.h"
#include "server/store/store.h"
#include "svc_fixture.h"

#define LEN SERVICE_SESSION_TOKEN_LEN

static struct service *node_a, *node_b;
static struct store *db;       /* the rows themselves, as a third reader */
static const char *db_path;
static struct actor alice;
static const time_t T0 = 1800000000;

static void setup(void)
{
    db_path = fixture_dir_make("sessions");
    node_a = fixture_service_open();
    node_b = fixture_service_open();
    struct problem p = { 0 };
    ck_assert_int_eq(service_admin_add(node_a, "alice", "correct horse", &p), 0);
    ck_assert(service_auth_password(node_a, "alice", "correct horse", &alice));
    char err[256];
    db = store_open(db_path, err, sizeof err);
    ck_assert_msg(db != NULL, "%s", err);
}

static void teardown(void)
{
    store_close(db);
    service_close(node_b);
    service_close(node_a);
    fixture_dir_remove();
}

static void start(struct service *sv, time_t now, char id[LEN + 1])
{
    ck_assert_int_eq(service_session_start(sv, &alice, now, id), 0);
}

static int find(struct service *sv, const char *id, time_t now)
{
    struct session_info info;
    return service_session_find(sv, id, now, &info);
}

START_TEST(login_on_a_holds_on_b)
{
    char id[LEN + 1], other[LEN + 1];
    struct session_info on_a, on_b;
    start(node_a, T0, id);
    start(node_a, T0, other);
    ck_assert_uint_eq(strlen(id), LEN);
    ck_assert_uint_eq(strspn(id, "0123456789abcdef"), LEN);
    ck_assert_str_ne(id, other);
    ck_assert_int_eq(service_session_find(node_a, id, T0 + 1, &on_a), 1);
    ck_assert_int_eq(service_session_find(node_b, id, T0 + 1, &on_b), 1);
    ck_assert_int_eq(on_b.who.admin_id, alice.admin_id);
    ck_assert_str_eq(on_b.who.name, "alice");
    /* The form token is the same on both nodes, and is not the cookie. */
    ck_assert_uint_eq(strlen(on_a.csrf), LEN);
    ck_assert_str_eq(on_a.csrf, on_b.csrf);
    ck_assert_str_ne(on_a.csrf, id);
    ck_assert_int_eq(service_session_find(node_b, other, T0 + 1, &on_b), 1);
    ck_assert_str_ne(on_a.csrf, on_b.csrf);
}
END_TEST

START_TEST(unknown_cookies)
{
    char id[LEN + 1], bad[LEN + 1];
    start(node_a, T0, id);
    ck_assert_int_eq(find(node_b, NULL, T0), 0);
    ck_assert_int_eq(find(node_b, "", T0), 0);
    memcpy(bad, id, sizeof bad);
    bad[0] = bad[0] == 'a' ? 'b' : 'a';
    ck_assert_int_eq(find(node_b, bad, T0), 0);
    memcpy(bad, id, sizeof bad);
    bad[3] = 'A';   /* not as this server writes them */
    ck_assert_int_eq(find(node_b, bad, T0), 0);
    bad[LEN - 1] = '\0';
    ck_assert_int_eq(find(node_b, bad, T0), 0);
    ck_assert_int_eq(find(node_b, id, T0), 1);
}
END_TEST

START_TEST(only_the_hash_is_stored)
{
    char id[LEN + 1];
    start(node_a, T0, id);
    struct session_row row;
    ck_assert_int_eq(store_session_get(db, id, &row), STORE_NOT_FOUND);
    unsigned char digest[32];
    char hash[LEN + 1];
    EVP_Digest(id, strlen(id), digest, NULL, EVP_sha256(), NULL);
    for (size_t i = 0; i < sizeof digest; i++)
        snprintf(hash + 2 * i, 3, "%02x", digest[i]);
    ck_assert_int_eq(store_session_get(db, hash, &row), STORE_OK);
    ck_assert_int_eq(row.admin_id, alice.admin_id);
    ck_assert_int_eq(row.created_at, T0);
}
END_TEST

START_TEST(idle_expiry_across_nodes)
{
    char id[LEN + 1];
    start(node_a, T0, id);
    /* Each use on either node restarts the idle clock... */
    ck_assert_int_eq(find(node_b, id, T0 + UCPROV_SESSION_IDLE_S - 1), 1);
    ck_assert_int_eq(find(node_a, id, T0 + 2 * UCPROV_SESSION_IDLE_S - 2), 1);
    /* ...and a gap longer than the idle time ends it for good. */
    ck_assert_int_eq(find(node_b, id, T0 + 3 * UCPROV_SESSION_IDLE_S), 0);
    ck_assert_int_eq(find(node_a, id, T0 + 2 * UCPROV_SESSION_IDLE_S - 1), 0);
}
END_TEST

START_TEST(last_use_written_once_a_minute)
{
    char id[LEN + 1];
    start(node_a, T0, id);
    /* A use within the minute writes nothing: the idle clock still runs from T0. */
    ck_assert_int_eq(find(node_a, id, T0 + UCPROV_SESSION_TOUCH_S - 1), 1);
    ck_assert_int_eq(find(node_b, id, T0 + UCPROV_SESSION_IDLE_S + 1), 0);

    start(node_a, T0, id);
    ck_assert_int_eq(find(node_a, id, T0 + UCPROV_SESSION_TOUCH_S), 1);   /* written */
    ck_assert_int_eq(find(node_b, id, T0 + UCPROV_SESSION_TOUCH_S + UCPROV_SESSION_IDLE_S), 1);
}
END_TEST

START_TEST(absolute_expiry)
{
    char id[LEN + 1];
    start(node_a, T0, id);
    time_t t = T0;
    while (t + UCPROV_SESSION_IDLE_S / 2 <= T0 + UCPROV_SESSION_MAX_AGE_S) {
        t += UCPROV_SESSION_IDLE_S / 2;
        ck_assert_int_eq(find(t % 2 ? node_a : node_b, id, t), 1);
    }
    ck_assert_int_eq(find(node_a, id, T0 + UCPROV_SESSION_MAX_AGE_S + 1), 0);
}
END_TEST

START_TEST(logout_on_b_ends_it_on_a)
{
    char a[LEN + 1], b[LEN + 1];
    start(node_a, T0, a);
    start(node_a, T0, b);
    service_session_end(node_b, a);
    ck_assert_int_eq(find(node_a, a, T0), 0);
    ck_assert_int_eq(find(node_a, b, T0), 1);
    service_session_end(node_b, a);   /* twice, or a cookie never issued: no harm */
    service_session_end(node_b, "not a cookie");
    ck_assert_int_eq(store_sessions_count(db), 1);
}
END_TEST

START_TEST(password_change_and_delete_end_sessions)
{
    char id[LEN + 1], other[LEN + 1];
    start(node_a, T0, id);
    struct problem p = { 0 };
    ck_assert_int_eq(service_admin_add(node_b, "bob", "battery staple", &p), 0);
    struct actor bob;
    ck_assert(service_auth_password(node_b, "bob", "battery staple", &bob));
    ck_assert_int_eq(service_session_start(node_b, &bob, T0, other), 0);
    ck_assert_int_eq(service_admin_set_password(node_b, "alice", "new horse staple", &p), 0);
    ck_assert_int_eq(find(node_a, id, T0 + 1), 0);
    ck_assert_int_eq(store_sessions_count(db), 1);   /* found stale, and gone */
    ck_assert_int_eq(find(node_a, other, T0 + 1), 1);
    ck_assert_int_eq(service_admin_delete(node_a, "bob", &p), 0);
    ck_assert_int_eq(find(node_b, other, T0 + 2), 0);
    ck_assert_int_eq(store_sessions_count(db), 0);   /* deleted with the admin */
    /* A session cannot be opened for an admin who is gone. */
    ck_assert_int_eq(service_session_start(node_b, &bob, T0, other), -1);
}
END_TEST

START_TEST(expired_rows_removed_at_login)
{
    char old[LEN + 1], id[LEN + 1];
    start(node_a, T0, old);
    start(node_a, T0 + UCPROV_SESSION_IDLE_S, id);
    ck_assert_int_eq(store_sessions_count(db), 2);
    start(node_b, T0 + UCPROV_SESSION_IDLE_S + 1, id);
    ck_assert_int_eq(store_sessions_count(db), 2);   /* old went, two live */
    ck_assert_int_eq(find(node_a, old, T0 + UCPROV_SESSION_IDLE_S + 1), 0);
}
END_TEST

START_TEST(full_table_evicts_the_idlest)
{
    char first[LEN + 1], keep[LEN + 1], id[LEN + 1], last[LEN + 1];
    start(node_a, T0, first);
    start(node_a, T0, keep);
    for (int i = 2; i < UCPROV_SESSIONS_MAX; i++)
        start(i % 2 ? node_a : node_b, T0 + 100, id);
    ck_assert_int_eq(store_sessions_count(db), UCPROV_SESSIONS_MAX);
    ck_assert_int_eq(find(node_b, keep, T0 + 200), 1);   /* keep is now the freshest */
    start(node_b, T0 + 300, last);
    ck_assert_int_eq(store_sessions_count(db), UCPROV_SESSIONS_MAX);
    ck_assert_int_eq(find(node_a, first, T0 + 300), 0);
    ck_assert_int_eq(find(node_a, keep, T0 + 300), 1);
    ck_assert_int_eq(find(node_a, last, T0 + 300), 1);
    ck_assert_int_eq(find(node_a, id, T0 + 300), 1);
}
END_TEST

START_TEST(store_bound_deletes_the_excess_only)
{
    char hash[LEN + 1], stamp[LEN + 1];
    memset(stamp, 'e', LEN);
    stamp[LEN] = '\0';
    for (int i = 0; i < 10; i++) {
        snprintf(hash, sizeof hash, "%064d", i);
        ck_assert_int_eq(store_session_insert(db, hash, alice.admin_id, stamp, T0 + 10 - i),
                         STORE_OK);
    }
    ck_assert_int_eq(store_sessions_bound(db, 20), 0);
    ck_assert_int_eq(store_sessions_bound(db, 6), 4);
    ck_assert_int_eq(store_sessions_count(db), 6);
    struct session_row row;
    snprintf(hash, sizeof hash, "%064d", 0);   /* the freshest stays */
    ck_assert_int_eq(store_session_get(db, hash, &row), STORE_OK);
    ck_assert_str_eq(row.admin, "alice");
    ck_assert_int_eq(row.last_used, T0 + 10);
    snprintf(hash, sizeof hash, "%064d", 9);   /* the idlest went */
    ck_assert_int_eq(store_session_get(db, hash, &row), STORE_NOT_FOUND);
    ck_assert_int_eq(store_session_touch(db, "nobody", T0, T0), STORE_NOT_FOUND);
}
END_TEST

/* ------------------------------------------------------- login form tokens */

/* The token's nonce as the database keeps it (after the 4-byte time). */
static void nonce_of(const char *token, char nonce[25])
{
    memcpy(nonce, token + 8, 24);
    nonce[24] = '\0';
}

START_TEST(login_token_from_a_posted_to_b_once)
{
    char t[LEN + 1], forged[LEN + 1];
    ck_assert_int_eq(service_login_token_new(node_a, T0, t), 0);
    ck_assert(service_login_token_valid(node_b, t, T0 + 1));
    ck_assert(service_login_token_valid(node_b, t, T0 + 2));   /* looking does not spend it */
    memcpy(forged, t, sizeof forged);
    forged[LEN - 1] = forged[LEN - 1] == '0' ? '1' : '0';
    ck_assert_int_eq(service_login_token_take(node_b, forged, T0 + 3), 0);
    memset(forged, 'a', LEN);   /* no tag at all */
    ck_assert_int_eq(service_login_token_take(node_b, forged, T0 + 3), 0);
    ck_assert_int_eq(service_login_token_take(node_b, t, T0 + 3), 1);
    ck_assert_int_eq(service_login_token_take(node_a, t, T0 + 4), 0);   /* spent, on every node */
    ck_assert(!service_login_token_valid(node_a, t, T0 + 4));
    ck_assert_int_eq(service_login_token_new(node_b, T0, t), 0);
    ck_assert_int_eq(service_login_token_take(node_a, t, T0 + UCPROV_LOGIN_FORM_TTL_S + 1), 0);
    ck_assert_int_eq(service_login_token_new(node_b, T0 + 120, t), 0);   /* from the future */
    ck_assert_int_eq(service_login_token_take(node_a, t, T0), 0);
    ck_assert(!service_login_token_valid(node_a, NULL, T0));
    ck_assert(!service_login_token_valid(node_a, "", T0));
}
END_TEST

START_TEST(login_token_of_another_key)
{
    char t[LEN + 1], key[256];
    ck_assert_int_eq(service_login_token_new(node_a, T0, t), 0);
    /* A node with another key file: its tokens and ours do not pass each other. */
    snprintf(key, sizeof key, "%s.other-key", db_path);
    setenv("UCPROV_KEY_FILE", key, 1);
    struct service *stranger = fixture_service_open();
    unsetenv("UCPROV_KEY_FILE");
    ck_assert_int_eq(service_login_token_take(stranger, t, T0), 0);
    ck_assert_int_eq(service_login_token_new(stranger, T0, t), 0);
    ck_assert_int_eq(service_login_token_take(node_a, t, T0), 0);
    /* Nor a session's form token. */
    char id[LEN + 1];
    struct session_info ours, theirs;
    start(node_a, T0, id);
    ck_assert_int_eq(service_session_find(node_a, id, T0, &ours), 1);
    ck_assert_int_eq(service_session_find(stranger, id, T0, &theirs), 1);
    ck_assert_str_ne(ours.csrf, theirs.csrf);
    service_close(stranger);
}
END_TEST

START_TEST(spent_tokens_forgotten_when_expired)
{
    char t[LEN + 1], u[LEN + 1], nonce[25];
    ck_assert_int_eq(service_login_token_new(node_a, T0, t), 0);
    ck_assert_int_eq(service_login_token_take(node_a, t, T0 + 1), 1);
    nonce_of(t, nonce);
    ck_assert_int_eq(store_login_spent(db, nonce), STORE_OK);
    /* The next login after the token's end sweeps it out. */
    time_t later = T0 + UCPROV_LOGIN_FORM_TTL_S + 1;
    ck_assert_int_eq(service_login_token_new(node_b, later, u), 0);
    ck_assert_int_eq(service_login_token_take(node_b, u, later), 1);
    ck_assert_int_eq(store_login_spent(db, nonce), STORE_NOT_FOUND);
    nonce_of(u, nonce);
    ck_assert_int_eq(store_login_spent(db, nonce), STORE_OK);
}
END_TEST

START_TEST(store_spend_is_a_unique_insert_and_bounded)
{
    char nonce[25];
    for (int i = 0; i < 10; i++) {
        snprintf(nonce, sizeof nonce, "%024d", i);
        ck_assert_int_eq(store_login_spend(db, nonce, T0 + 100 + i), STORE_OK);
    }
    ck_assert_int_eq(store_login_spend(db, nonce, T0 + 500), STORE_CONFLICT);
    ck_assert_int_eq(store_login_spent_prune(db, T0 + 101, 5), STORE_OK);
    for (int i = 0; i < 10; i++) {
        snprintf(nonce, sizeof nonce, "%024d", i);
        /* 0 and 1 expired; of the eight left the three oldest made room. */
        ck_assert_int_eq(store_login_spent(db, nonce), i < 5 ? STORE_NOT_FOUND : STORE_OK);
    }
}
END_TEST

START_TEST(restore_ends_every_session)
{
    char id[LEN + 1], t[LEN + 1], backup[256], err[256];
    start(node_a, T0, id);
    ck_assert_int_eq(service_login_token_new(node_a, T0, t), 0);
    ck_assert_int_eq(service_login_token_take(node_a, t, T0), 1);
    snprintf(backup, sizeof backup, "%s.backup", db_path);
    ck_assert_int_eq(service_backup(node_a, backup, err, sizeof err), 0);
    ck_assert_int_eq(service_restore(node_b, backup, err, sizeof err), 0);
    ck_assert_int_eq(find(node_a, id, T0), 0);
    ck_assert_int_eq(store_sessions_count(db), 0);
    start(node_a, T0, id);   /* and logins work after it */
    ck_assert_int_eq(find(node_b, id, T0), 1);
}
END_TEST

static Suite *sessions_suite(void)
{
    Suite *su = suite_create("sessions");
    TCase *tc = tcase_create("sessions");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, login_on_a_holds_on_b);
    tcase_add_test(tc, unknown_cookies);
    tcase_add_test(tc, only_the_hash_is_stored);
    tcase_add_test(tc, idle_expiry_across_nodes);
    tcase_add_test(tc, last_use_written_once_a_minute);
    tcase_add_test(tc, absolute_expiry);
    tcase_add_test(tc, logout_on_b_ends_it_on_a);
    tcase_add_test(tc, password_change_and_delete_end_sessions);
    tcase_add_test(tc, expired_rows_removed_at_login);
    tcase_add_test(tc, full_table_evicts_the_idlest);
    tcase_add_test(tc, store_bound_deletes_the_excess_only);
    tcase_add_test(tc, restore_ends_every_session);
    suite_add_tcase(su, tc);
    tc = tcase_create("login form tokens");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, login_token_from_a_posted_to_b_once);
    tcase_add_test(tc, login_token_of_another_key);
    tcase_add_test(tc, spent_tokens_forgotten_when_expired);
    tcase_add_test(tc, store_spend_is_a_unique_insert_and_bounded);
    suite_add_tcase(su, tc);
    return su;
}

int main(void)
{
    SRunner *sr = srunner_create(sessions_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
