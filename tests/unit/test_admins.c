/* test_admins.c - what the CLI changes takes effect at once in a running
 * daemon: two service handles on one database play the daemon and the CLI
 * (two processes share nothing but the database). */
#include <config.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server/secretbox.h"
#include "server/service/service.h"
#include "svc_fixture.h"

static struct service *daemon_sv, *cli_sv;

static void setup(void)
{
    fixture_dir_make("admins");
    daemon_sv = fixture_service_open();   /* the daemon and the CLI on one file */
    cli_sv = fixture_service_open();
    struct problem p = { 0 };
    ck_assert_int_eq(service_admin_add(cli_sv, "alice", "correct horse", &p), 0);
}

static void teardown(void)
{
    service_close(cli_sv);
    service_close(daemon_sv);
    fixture_dir_remove();
}

START_TEST(password_change_takes_effect_at_once)
{
    struct actor a;
    ck_assert(service_auth_password(daemon_sv, "alice", "correct horse", &a));
    ck_assert(service_auth_password(daemon_sv, "alice", "correct horse", &a));   /* cached */
    unsigned char before[32], after[32];
    ck_assert_int_eq(service_admin_stamp(daemon_sv, a.admin_id, before), 1);
    struct problem p = { 0 };
    ck_assert_int_eq(service_admin_set_password(cli_sv, "alice", "battery staple", &p), 0);
    /* The daemon's cache still holds the old check: it must not be believed. */
    ck_assert(!service_auth_password(daemon_sv, "alice", "correct horse", &a));
    ck_assert(service_auth_password(daemon_sv, "alice", "battery staple", &a));
    ck_assert_int_eq(service_admin_stamp(daemon_sv, a.admin_id, after), 1);
    ck_assert(memcmp(before, after, sizeof before) != 0);   /* web sessions end */
}
END_TEST

START_TEST(token_revoke_expiry_and_password_change)
{
    char t1[160], t2[160];
    struct problem p = { 0 };
    ck_assert_int_eq(service_token_create(cli_sv, "alice", 0, t1, sizeof t1, &p), 0);
    ck_assert_int_eq(service_token_create(cli_sv, "alice", 30, t2, sizeof t2, &p), 0);
    struct actor a;
    ck_assert(service_auth_token(daemon_sv, t1, &a));
    ck_assert(service_auth_token(daemon_sv, t2, &a));
    struct token_row *rows = NULL;
    size_t n = 0;
    ck_assert_int_eq(service_token_list(cli_sv, &rows, &n, &p), 0);
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(rows[0].admin, "alice");
    ck_assert_int_eq(rows[0].expires_at, 0);
    ck_assert_int_gt(rows[1].expires_at, rows[1].created_at + 29 * 86400);
    int64_t first = rows[0].id;
    free(rows);
    ck_assert_int_eq(service_token_revoke(cli_sv, first, &p), 0);
    ck_assert(!service_auth_token(daemon_sv, t1, &a));   /* at once, cache or not */
    ck_assert(service_auth_token(daemon_sv, t2, &a));
    struct problem q = { 0 };
    ck_assert_int_ne(service_token_revoke(cli_sv, first, &q), 0);
    ck_assert_int_eq(q.status, 404);
    /* A new password revokes the admin's tokens. */
    ck_assert_int_eq(service_admin_set_password(cli_sv, "alice", "battery staple", &p), 1);
    ck_assert(!service_auth_token(daemon_sv, t2, &a));
    struct problem r = { 0 };
    ck_assert_int_ne(service_token_create(cli_sv, "alice", -1, t1, sizeof t1, &r), 0);
}
END_TEST

START_TEST(admin_delete_ends_everything)
{
    char t[160];
    struct problem p = { 0 };
    ck_assert_int_eq(service_token_create(cli_sv, "alice", 0, t, sizeof t, &p), 0);
    struct actor a;
    ck_assert(service_auth_password(daemon_sv, "alice", "correct horse", &a));
    ck_assert(service_auth_token(daemon_sv, t, &a));
    unsigned char stamp[32];
    ck_assert_int_eq(service_admin_stamp(daemon_sv, a.admin_id, stamp), 1);
    ck_assert_int_eq(service_admin_delete(cli_sv, "alice", &p), 0);
    ck_assert(!service_auth_password(daemon_sv, "alice", "correct horse", &a));
    ck_assert(!service_auth_token(daemon_sv, t, &a));
    ck_assert_int_eq(service_admin_stamp(daemon_sv, a.admin_id, stamp), 0);
    struct problem q = { 0 };
    ck_assert_int_ne(service_admin_delete(cli_sv, "alice", &q), 0);
    ck_assert_int_eq(q.status, 404);
}
END_TEST

START_TEST(changes_are_audited_without_secrets)
{
    char t[160];
    struct problem p = { 0 };
    ck_assert_int_eq(service_token_create(cli_sv, "alice", 0, t, sizeof t, &p), 0);
    ck_assert_int_eq(service_admin_set_password(cli_sv, "alice", "battery staple", &p), 1);
    ck_assert_int_eq(service_admin_delete(cli_sv, "alice", &p), 0);
    struct audit_entry *e = NULL;
    size_t n = 0;
    ck_assert_int_eq(service_audit_query(daemon_sv, NULL, 0, 0, 100, &e, &n, &p), 0);
    char seen[256] = "";
    for (size_t i = n; i-- > 0;) {
        strncat(seen, e[i].collection, sizeof seen - strlen(seen) - 1);
        strncat(seen, ":", sizeof seen - strlen(seen) - 1);
        strncat(seen, e[i].action, sizeof seen - strlen(seen) - 1);
        strncat(seen, " ", sizeof seen - strlen(seen) - 1);
        const char *texts[] = { e[i].before, e[i].after };
        for (int k = 0; k < 2; k++) {
            if (texts[k] == NULL)
                continue;
            ck_assert_ptr_null(strstr(texts[k], "battery"));
            ck_assert_ptr_null(strstr(texts[k], "pbkdf2"));
            ck_assert_ptr_null(strstr(texts[k], strrchr(t, '_') + 1));
        }
    }
    ck_assert_str_eq(seen, "admins:create api-tokens:create admins:update admins:delete ");
    audit_entries_free(e, n);
}
END_TEST

START_TEST(secretbox_round_trip_and_tamper)
{
    unsigned char key[SECRETBOX_KEY_LEN], other[SECRETBOX_KEY_LEN];
    memset(key, 7, sizeof key);
    memset(other, 8, sizeof other);
    char *a = secretbox_seal(key, "s3cret"), *b = secretbox_seal(key, "s3cret");
    ck_assert(secretbox_sealed(a));
    ck_assert_str_ne(a, b);                       /* a fresh nonce each time */
    ck_assert_uint_le(strlen(a) + 1, SECRETBOX_SEALED_LEN(strlen("s3cret")));
    char *plain = secretbox_open(key, a);
    ck_assert_str_eq(plain, "s3cret");
    free(plain);
    ck_assert_ptr_null(secretbox_open(other, a));  /* another key */
    a[10] = a[10] == 'A' ? 'B' : 'A';
    ck_assert_ptr_null(secretbox_open(key, a));    /* tampered */
    plain = secretbox_open(key, "old plaintext");   /* not sealed: read as it is */
    ck_assert_str_eq(plain, "old plaintext");
    free(plain);
    char *empty = secretbox_seal(key, "");
    plain = secretbox_open(key, empty);
    ck_assert_str_eq(plain, "");
    free(plain);
    free(empty);
    free(a);
    free(b);
}
END_TEST

static Suite *admins_suite(void)
{
    Suite *su = suite_create("admins");
    TCase *tc = tcase_create("cli changes");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, password_change_takes_effect_at_once);
    tcase_add_test(tc, token_revoke_expiry_and_password_change);
    tcase_add_test(tc, admin_delete_ends_everything);
    tcase_add_test(tc, changes_are_audited_without_secrets);
    suite_add_tcase(su, tc);
    tc = tcase_create("secretbox");
    tcase_add_test(tc, secretbox_round_trip_and_tamper);
    suite_add_tcase(su, tc);
    return su;
}

int main(void)
{
    return fixture_run(admins_suite(), "admins");
}
