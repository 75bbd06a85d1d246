/* test_session.c - the web admin's pure parts of logging in: the form
 * token comparison and the login brake, driven by a fake clock.  Sessions
 * and login form tokens live in the database: test_sessions.c. */
#include <config.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/limits.h"
#include "server/brake.h"
#include "server/web/session.h"

static struct brake *br;
static const time_t T0 = 1800000000;

static void setup(void)
{
    br = brake_new();
    ck_assert_ptr_nonnull(br);
}

static void teardown(void)
{
    brake_free(br);
}

START_TEST(token_compare)
{
    char t[SESSION_TOKEN_LEN + 1], u[SESSION_TOKEN_LEN + 1];
    for (int i = 0; i < SESSION_TOKEN_LEN; i++)
        t[i] = "0123456789abcdef"[(i * 7) % 16];
    t[SESSION_TOKEN_LEN] = '\0';
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
    TCase *tc = tcase_create("form tokens");
    tcase_add_test(tc, token_compare);
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
