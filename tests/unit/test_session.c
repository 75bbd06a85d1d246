/* test_session.c - web sessions (idle and absolute expiry, eviction, logout)
 * and the login brake, driven by a fake clock. */
#include <config.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/limits.h"
#include "server/brake.h"
#include "server/web/session.h"

static struct sessions *s;
static struct brake *br;
static const struct actor admin = { 7, "admin" };
static const time_t T0 = 1800000000;

static void setup(void)
{
    s = sessions_new();
    br = brake_new();
    ck_assert_ptr_nonnull(s);
    ck_assert_ptr_nonnull(br);
}

static void teardown(void)
{
    sessions_free(s);
    brake_free(br);
}

START_TEST(start_and_find)
{
    char id[SESSION_TOKEN_LEN + 1], other[SESSION_TOKEN_LEN + 1];
    struct session_info info;
    ck_assert(session_start(s, &admin, NULL, T0, id));
    ck_assert(session_start(s, &admin, NULL, T0, other));
    ck_assert_uint_eq(strlen(id), SESSION_TOKEN_LEN);
    ck_assert_str_ne(id, other);
    ck_assert(session_find(s, id, T0 + 1, &info));
    ck_assert_int_eq(info.who.admin_id, 7);
    ck_assert_str_eq(info.who.name, "admin");
    ck_assert_uint_eq(strlen(info.csrf), SESSION_TOKEN_LEN);
    ck_assert_str_ne(info.csrf, id);
    ck_assert(!session_find(s, NULL, T0, &info));
    ck_assert(!session_find(s, "", T0, &info));
    id[0] = id[0] == 'a' ? 'b' : 'a';
    ck_assert(!session_find(s, id, T0, &info));
}
END_TEST

START_TEST(idle_expiry_and_touch)
{
    char id[SESSION_TOKEN_LEN + 1];
    struct session_info info;
    ck_assert(session_start(s, &admin, NULL, T0, id));
    /* Each use restarts the idle clock... */
    ck_assert(session_find(s, id, T0 + UCPROV_SESSION_IDLE_S - 1, &info));
    ck_assert(session_find(s, id, T0 + 2 * UCPROV_SESSION_IDLE_S - 2, &info));
    /* ...and a gap longer than the idle time ends the session for good. */
    ck_assert(!session_find(s, id, T0 + 3 * UCPROV_SESSION_IDLE_S, &info));
    ck_assert(!session_find(s, id, T0 + 2 * UCPROV_SESSION_IDLE_S - 1, &info));
}
END_TEST

START_TEST(absolute_expiry)
{
    char id[SESSION_TOKEN_LEN + 1];
    struct session_info info;
    ck_assert(session_start(s, &admin, NULL, T0, id));
    time_t t = T0;
    while (t + UCPROV_SESSION_IDLE_S / 2 <= T0 + UCPROV_SESSION_MAX_AGE_S) {
        t += UCPROV_SESSION_IDLE_S / 2;
        ck_assert(session_find(s, id, t, &info));
    }
    ck_assert(!session_find(s, id, T0 + UCPROV_SESSION_MAX_AGE_S + 1, &info));
}
END_TEST

START_TEST(logout_ends_only_that_session)
{
    char a[SESSION_TOKEN_LEN + 1], b[SESSION_TOKEN_LEN + 1];
    struct session_info info;
    ck_assert(session_start(s, &admin, NULL, T0, a));
    ck_assert(session_start(s, &admin, NULL, T0, b));
    session_end(s, a);
    ck_assert(!session_find(s, a, T0, &info));
    ck_assert(session_find(s, b, T0, &info));
}
END_TEST

START_TEST(full_table_evicts_the_idlest)
{
    char first[SESSION_TOKEN_LEN + 1], id[SESSION_TOKEN_LEN + 1], last[SESSION_TOKEN_LEN + 1];
    struct session_info info;
    ck_assert(session_start(s, &admin, NULL, T0, first));
    char keep[SESSION_TOKEN_LEN + 1];
    ck_assert(session_start(s, &admin, NULL, T0, keep));
    for (int i = 2; i < UCPROV_SESSIONS_MAX; i++)
        ck_assert(session_start(s, &admin, NULL, T0 + 1, id));
    ck_assert(session_find(s, keep, T0 + 2, &info));   /* keep is now the freshest */
    ck_assert(session_start(s, &admin, NULL, T0 + 3, last));
    ck_assert(!session_find(s, first, T0 + 3, &info));
    ck_assert(session_find(s, keep, T0 + 3, &info));
    ck_assert(session_find(s, last, T0 + 3, &info));
}
END_TEST

START_TEST(token_compare)
{
    char t[SESSION_TOKEN_LEN + 1], u[SESSION_TOKEN_LEN + 1];
    ck_assert(session_random_token(t));
    memcpy(u, t, sizeof u);
    ck_assert(session_token_equal(t, u));
    u[SESSION_TOKEN_LEN - 1] ^= 1;
    ck_assert(!session_token_equal(t, u));
    ck_assert(!session_token_equal(t, NULL));
    ck_assert(!session_token_equal(NULL, t));
    ck_assert(!session_token_equal(t, ""));
    u[10] = '\0';
    ck_assert(!session_token_equal(t, u));   /* a prefix is not the token */
}
END_TEST

START_TEST(login_token_made_here_fresh_and_once)
{
    char t[SESSION_TOKEN_LEN + 1], forged[SESSION_TOKEN_LEN + 1];
    ck_assert(login_token_new(s, T0, t));
    ck_assert(login_token_valid(s, t, T0 + 1));
    ck_assert(login_token_valid(s, t, T0 + 2));   /* looking does not spend it */
    memcpy(forged, t, sizeof forged);
    forged[SESSION_TOKEN_LEN - 1] = forged[SESSION_TOKEN_LEN - 1] == '0' ? '1' : '0';
    ck_assert(!login_token_take(s, forged, T0 + 3));   /* a tag of someone else's */
    ck_assert(session_random_token(forged));
    ck_assert(!login_token_take(s, forged, T0 + 3));   /* random: no tag at all */
    ck_assert(login_token_take(s, t, T0 + 3));
    ck_assert(!login_token_take(s, t, T0 + 4));        /* spent */
    ck_assert(!login_token_valid(s, t, T0 + 4));
    ck_assert(login_token_new(s, T0, t));
    ck_assert(!login_token_take(s, t, T0 + UCPROV_LOGIN_FORM_TTL_S + 1));   /* too old */
    ck_assert(!login_token_valid(s, NULL, T0));
    ck_assert(!login_token_valid(s, "", T0));
    struct sessions *other = sessions_new();
    ck_assert(login_token_new(other, T0, t));
    ck_assert(!login_token_take(s, t, T0));   /* another process's secret */
    sessions_free(other);
}
END_TEST

START_TEST(brake_doubles_then_caps)
{
    const char *ip = "192.0.2.1";
    for (int i = 1; i < UCPROV_LOGIN_FREE_FAILURES; i++) {
        brake_failed(br, ip, "admin", T0);
        ck_assert_int_eq(brake_wait(br, ip, "admin", T0), 0);
    }
    brake_failed(br, ip, "admin", T0);
    ck_assert_int_eq(brake_wait(br, ip, "admin", T0), UCPROV_LOGIN_DELAY_BASE_S);
    ck_assert_int_eq(brake_wait(br, ip, "admin", T0 + UCPROV_LOGIN_DELAY_BASE_S), 0);
    brake_failed(br, ip, "admin", T0 + 10);
    ck_assert_int_eq(brake_wait(br, ip, "admin", T0 + 10), 2 * UCPROV_LOGIN_DELAY_BASE_S);
    for (int i = 0; i < 30; i++)
        brake_failed(br, ip, "admin", T0 + 20);
    ck_assert_int_eq(brake_wait(br, ip, "admin", T0 + 20), UCPROV_LOGIN_DELAY_MAX_S);
}
END_TEST

START_TEST(brake_by_address_and_by_name)
{
    for (int i = 0; i < UCPROV_LOGIN_FREE_FAILURES; i++)
        brake_failed(br, "192.0.2.1", "admin", T0);
    /* The name is locked from every address, the address for every name. */
    ck_assert_int_gt(brake_wait(br, "198.51.100.9", "admin", T0), 0);
    ck_assert_int_gt(brake_wait(br, "192.0.2.1", "operator", T0), 0);
    ck_assert_int_eq(brake_wait(br, "198.51.100.9", "operator", T0), 0);
}
END_TEST

START_TEST(brake_forgets_and_success_clears)
{
    for (int i = 0; i < UCPROV_LOGIN_FREE_FAILURES - 1; i++)
        brake_failed(br, "192.0.2.1", "admin", T0);
    brake_succeeded(br, "192.0.2.1", "admin", T0 + 1);
    brake_failed(br, "192.0.2.1", "admin", T0 + 2);
    ck_assert_int_eq(brake_wait(br, "192.0.2.1", "admin", T0 + 2), 0);
    for (int i = 0; i < UCPROV_LOGIN_FREE_FAILURES - 2; i++)
        brake_failed(br, "192.0.2.1", "admin", T0 + 3);
    /* A quiet spell longer than the memory starts the count afresh. */
    time_t later = T0 + 4 + UCPROV_LOGIN_FORGET_S + 1;
    brake_failed(br, "192.0.2.1", "admin", later);
    ck_assert_int_eq(brake_wait(br, "192.0.2.1", "admin", later), 0);
}
END_TEST

START_TEST(brake_table_full_of_strangers)
{
    char ip[32];
    for (int i = 0; i < UCPROV_LOGIN_TRACKED_MAX * 2; i++) {
        snprintf(ip, sizeof ip, "10.0.%d.%d", i / 256, i % 256);
        brake_failed(br, ip, ip, T0 + i);
    }
    /* The latest address is still tracked after the table wrapped. */
    for (int i = 1; i < UCPROV_LOGIN_FREE_FAILURES; i++)
        brake_failed(br, ip, ip, T0 + UCPROV_LOGIN_TRACKED_MAX * 2);
    ck_assert_int_gt(brake_wait(br, ip, "x", T0 + UCPROV_LOGIN_TRACKED_MAX * 2), 0);
}
END_TEST

static Suite *session_suite(void)
{
    Suite *su = suite_create("session");
    TCase *tc = tcase_create("sessions");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, start_and_find);
    tcase_add_test(tc, idle_expiry_and_touch);
    tcase_add_test(tc, absolute_expiry);
    tcase_add_test(tc, logout_ends_only_that_session);
    tcase_add_test(tc, full_table_evicts_the_idlest);
    tcase_add_test(tc, token_compare);
    tcase_add_test(tc, login_token_made_here_fresh_and_once);
    suite_add_tcase(su, tc);
    tc = tcase_create("login brake");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, brake_doubles_then_caps);
    tcase_add_test(tc, brake_by_address_and_by_name);
    tcase_add_test(tc, brake_forgets_and_success_clears);
    tcase_add_test(tc, brake_table_full_of_strangers);
    suite_add_tcase(su, tc);
    return su;
}

int main(void)
{
    SRunner *sr = srunner_create(session_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
