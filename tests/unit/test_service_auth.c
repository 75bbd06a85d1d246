/* test_service_auth.c - admins and API tokens through the service. */
#include <config.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_service.h"

/* ---- admins and tokens ---------------------------------------------------- */

START_TEST(admin_password)
{
    struct problem p = { 0 };
    ck_assert_int_eq(service_admin_count(sv), 0);
    ck_assert_int_eq(service_admin_add(sv, "alice", "correct horse", &p), 0);
    ck_assert_int_eq(service_admin_count(sv), 1);
    struct actor a;
    memset(&a, 0, sizeof a);
    ck_assert(service_auth_password(sv, "alice", "correct horse", &a));
    ck_assert_str_eq(a.name, "alice");
    ck_assert_int_gt(a.admin_id, 0);
    /* again (from the credential cache) */
    ck_assert(service_auth_password(sv, "alice", "correct horse", &a));
    ck_assert(!service_auth_password(sv, "alice", "correct horsE", &a));
    ck_assert(!service_auth_password(sv, "alice", "", &a));
    ck_assert(!service_auth_password(sv, "bob", "correct horse", &a));
    ck_assert(!service_auth_password(sv, "Alice", "correct horse", &a));

    /* a short password and a duplicate admin are refused */
    struct problem q = { 0 };
    ck_assert_int_ne(service_admin_add(sv, "bob", "short", &q), 0);
    ck_assert_refused(q, 400, "password");
    struct problem d = { 0 };
    ck_assert_int_ne(service_admin_add(sv, "alice", "another password", &d), 0);
    ck_assert_int_eq(d.status, 409);
    ck_assert_int_eq(service_admin_count(sv), 1);

    /* a new password replaces the old one, even for a cached credential */
    struct problem s = { 0 };
    ck_assert_int_eq(service_admin_set_password(sv, "alice", "battery staple", &s), 0);
    ck_assert(!service_auth_password(sv, "alice", "correct horse", &a));
    ck_assert(service_auth_password(sv, "alice", "battery staple", &a));
}
END_TEST

START_TEST(api_token)
{
    struct problem p = { 0 };
    ck_assert_int_eq(service_admin_add(sv, "alice", "correct horse", &p), 0);
    char token[128] = "";
    ck_assert_int_eq(service_token_create(sv, "alice", 0, token, sizeof token, &p), 0);
    ck_assert_uint_gt(strlen(token), 20);
    struct actor a;
    memset(&a, 0, sizeof a);
    ck_assert(service_auth_token(sv, token, &a));
    ck_assert_str_eq(a.name, "alice");

    /* one character changed in the secret */
    char bad[128];
    snprintf(bad, sizeof bad, "%s", token);
    size_t n = strlen(bad);
    bad[n - 1] = bad[n - 1] == 'A' ? 'B' : 'A';
    ck_assert(!service_auth_token(sv, bad, &a));
    /* truncated, extended, another id, junk */
    snprintf(bad, sizeof bad, "%s", token);
    bad[n - 1] = '\0';
    ck_assert(!service_auth_token(sv, bad, &a));
    snprintf(bad, sizeof bad, "%sx", token);
    ck_assert(!service_auth_token(sv, bad, &a));
    const char *secret = strchr(token + 4, '_');
    ck_assert_ptr_nonnull(secret);
    snprintf(bad, sizeof bad, "ucp_999%s", secret);
    ck_assert(!service_auth_token(sv, bad, &a));
    ck_assert(!service_auth_token(sv, "", &a));
    ck_assert(!service_auth_token(sv, "ucp_", &a));
    ck_assert(!service_auth_token(sv, "Bearer whatever", &a));
    /* the real one still works */
    ck_assert(service_auth_token(sv, token, &a));

    /* tokens belong to existing admins only */
    char t2[128];
    struct problem q = { 0 };
    ck_assert_int_ne(service_token_create(sv, "nobody", 0, t2, sizeof t2, &q), 0);
    ck_assert_int_eq(q.status, 404);
}
END_TEST

void add_auth_tests(Suite *s)
{
    /* PBKDF2 with 100,000 rounds, slower under sanitizers */
    TCase *tc = service_tcase(s, "auth", 60);
    tcase_add_test(tc, admin_password);
    tcase_add_test(tc, api_token);
}
