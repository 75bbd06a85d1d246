/* test_asa_refuse.c - input the configuration refuses or skips, saying why:
 * bad pools, names and URLs, and text that would smuggle commands into the
 * ASA's CLI. */
#include <config.h>

#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_asa.h"

START_TEST(unknown_auth_method_refused)
{
    struct asa_view v;
    struct asa_params p;
    lab(&v, &p);
    v.client_auth_method = 3;
    char *t = asa_render(&v, &p);
    assert_only_comments(t);
    ck_assert_ptr_nonnull(strstr(t, "! refused: unknown client authentication method 3"));
    free(t);
    v.client_auth_method = -1;
    t = asa_render(&v, &p);
    assert_only_comments(t);
    free(t);
}
END_TEST

static const struct {
    const char *first, *last, *mask, *why;
} bad_pool_params[] = {
    { "10.10.1.1", "10.10.2.254", "255.255.255.0", "not in the same subnet" },
    { "10.10.1.254", "10.10.1.1", "255.255.255.0", "first address is after its last" },
    { "10.10.1.0", "10.10.1.254", "255.255.255.0", "network or broadcast" },
    { "10.10.1.1", "10.10.1.255", "255.255.255.0", "network or broadcast" },
    { "10.10.1.1", "10.10.1.254", "255.0.255.0", "not a netmask" },
    { "10.10.1.1", "10.10.1.254", "0.0.0.0", "not a netmask" },
    { "10.10.1.1", "10.10.1.254", NULL, "not a netmask" },
    { "10.10.1.1\nreload", "10.10.1.254", "255.255.255.0", "two IPv4 addresses" },
    { "10.10.1.1", NULL, "255.255.255.0", "two IPv4 addresses" },
    { "10.10.1.1 ", "10.10.1.254", "255.255.255.0", "two IPv4 addresses" },
};

START_TEST(bad_pool_refused)
{
    struct asa_view v;
    struct asa_params p;
    lab(&v, &p);
    p.pool_first = bad_pool_params[_i].first;
    p.pool_last = bad_pool_params[_i].last;
    p.mask = bad_pool_params[_i].mask;
    char *t = asa_render(&v, &p);
    assert_only_comments(t);
    ck_assert_msg(strstr(t, bad_pool_params[_i].why) != NULL, "reason missing:\n%s", t);
    ck_assert_ptr_null(strstr(t, "reload"));
    free(t);
}
END_TEST

/* Each of these carries a command after a line break or a help key; none may
 * reach the output as a line of its own. */
START_TEST(injected_group_name)
{
    static const char *const names[] = {
        "PHONES\nwrite erase", "PHONES\r\nwrite erase", "PHONES write erase", "PHONES?",
        "", "PHONES;write erase",
    };
    struct asa_view v;
    struct asa_params p;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        lab(&v, &p);
        v.group_name = names[i];
        char *t = asa_render(&v, &p);
        assert_only_comments(t);
        ck_assert_ptr_nonnull(strstr(t, "! refused: the VPN group name is not a valid ASA name"));
        ck_assert_ptr_null(strstr(t, "write erase"));
        free(t);
    }
    lab(&v, &p);
    v.group_name = NULL;
    char *t = asa_render(&v, &p);
    assert_only_comments(t);
    free(t);
}
END_TEST

START_TEST(group_name_too_long_for_objects)
{
    struct asa_view v;
    struct asa_params p;
    char name[61];
    memset(name, 'G', 60);
    name[60] = '\0';
    lab(&v, &p);
    v.group_name = name;   /* a valid name, but name-policy is 67 characters */
    char *t = asa_render(&v, &p);
    assert_only_comments(t);
    ck_assert_ptr_nonnull(strstr(t, "too long to name its pool"));
    free(t);

    name[57] = '\0';
    t = render_ok(&v, &p);
    free(t);
}
END_TEST

START_TEST(injected_interface_and_trustpoint)
{
    struct asa_view v;
    struct asa_params p;
    lab(&v, &p);
    p.outside = "outside\nreload noconfirm";
    char *t = asa_render(&v, &p);
    assert_only_comments(t);
    ck_assert_ptr_nonnull(strstr(t, "outside interface name is not a valid ASA name"));
    ck_assert_ptr_null(strstr(t, "reload"));
    free(t);

    lab(&v, &p);
    p.trustpoint = "ASA-identity\rclear configure all";
    t = asa_render(&v, &p);
    assert_only_comments(t);
    ck_assert_ptr_null(strstr(t, "clear configure"));
    free(t);

    lab(&v, &p);
    p.outside = NULL;
    p.trustpoint = NULL;
    t = asa_render(&v, &p);
    assert_only_comments(t);
    free(t);
}
END_TEST

static const char *const bad_urls[] = {
    "https://asav.example.lab/phone\nreload noconfirm",
    "https://asav.example.lab/phone\r",
    "https://asav.example.lab/ph one",
    "https://asav.example.lab/phone?x=1",
    "https://asav.example.lab/\"phone",
    "https://asav.example.lab/ph\\one",
    "https://asav.example.lab/ph\tone",
    "https://asav.example.lab/caf\xc3\xa9",
    "http://asav.example.lab/phone",
    "asav.example.lab/phone",
    "https://",
    "https:///phone",
    "",
    "https://user:pw@asav.example.lab/phone",   /* the ASA takes no user:password@ */
    "https://asav.example.lab@evil.example/phone",
    "https://asav.example.lab:65536/phone",
    "https://asav.example.lab:0/phone",
    "https://[2001:db8::1]:99999/phone",
};

START_TEST(bad_url_skipped)
{
    struct asa_view v;
    struct asa_params p;
    lab(&v, &p);
    v.urls[0] = "https://asa1.example.lab/phone";
    v.urls[1] = bad_urls[_i];
    v.urls[2] = "https://asa2.example.lab/phone";
    v.n_urls = 3;
    char *t = asa_render(&v, &p);
    assert_clean(t);
    ck_assert_ptr_nonnull(strstr(t, "! skipped gateway URL 2: "));
    ck_assert_int_eq(count_prefix(t, " group-url "), 2);
    int a = line_at(t, " group-url https://asa1.example.lab/phone enable", 0);
    ck_assert_int_ge(a, 0);
    ck_assert_int_eq(line_at(t, " group-url https://asa2.example.lab/phone enable", 0), a + 1);
    ck_assert_ptr_null(strstr(t, "reload"));
    free(t);
}
END_TEST

START_TEST(url_too_long_skipped)
{
    struct asa_view v;
    struct asa_params p;
    char url[300];
    lab(&v, &p);
    strcpy(url, "https://asav.example.lab/");
    memset(url + strlen(url), 'p', sizeof url - strlen(url) - 1);
    url[sizeof url - 1] = '\0';
    v.urls[1] = url;
    v.n_urls = 2;
    char *t = asa_render(&v, &p);
    assert_clean(t);
    ck_assert_ptr_nonnull(strstr(t, "! skipped gateway URL 2: it is longer than 255 characters"));
    url[255] = '\0';
    free(t);
    t = render_ok(&v, &p);
    ck_assert_int_eq(count_prefix(t, " group-url "), 2);
    free(t);
}
END_TEST

START_TEST(no_usable_url_refused)
{
    struct asa_view v;
    struct asa_params p;
    lab(&v, &p);
    v.urls[0] = "https://asav.example.lab/phone\nreload";
    char *t = asa_render(&v, &p);
    assert_only_comments(t);
    ck_assert_ptr_nonnull(strstr(t, "no usable gateway URL"));
    free(t);

    lab(&v, &p);
    v.n_urls = 0;
    t = asa_render(&v, &p);
    assert_only_comments(t);
    free(t);
}
END_TEST

START_TEST(url_duplicates_and_limit)
{
    struct asa_view v;
    struct asa_params p;
    lab(&v, &p);
    v.urls[0] = "https://asav.example.lab/phone";
    v.urls[1] = "https://asav.example.lab/phone";
    v.urls[2] = "https://asav2.example.lab/phone";
    v.n_urls = 7;   /* more than a group can have: only the array is read */
    char *t = render_ok(&v, &p);
    ck_assert_ptr_nonnull(strstr(t, "! skipped gateway URL 2: it repeats an earlier one"));
    ck_assert_ptr_nonnull(strstr(t, "only the first 3 URLs are used"));
    ck_assert_int_eq(count_prefix(t, " group-url "), 2);
    free(t);
}
END_TEST

START_TEST(injected_trust)
{
    struct asa_view v;
    struct asa_params p;
    lab(&v, &p);
    char *pem = load_text(FIXTURES_DIR "/test_ca.pem");
    /* A body line "quit" ends the ASA's paste prompt; what follows would run. */
    size_t half = strlen(pem) / 2;
    half += strcspn(pem + half, "\n") + 1;
    char *evil = malloc(strlen(pem) + 64);
    ck_assert_ptr_nonnull(evil);
    snprintf(evil, strlen(pem) + 64, "%.*squit\nreload noconfirm\n%s", (int)half, pem,
             pem + half);
    char two[16384];
    snprintf(two, sizeof two, "%s%s", pem, pem);
    char text_around[16384];
    snprintf(text_around, sizeof text_around, "subject=CN=x\n%s", pem);

    v.trust[0] = (struct asa_trust){ "Evil_Body", NULL, evil };
    v.trust[1] = (struct asa_trust){ "Two_Certs", NULL, two };
    v.trust[2] = (struct asa_trust){ "Text_Around", NULL, text_around };
    v.trust[3] = (struct asa_trust){ "Bad\nName", NULL, pem };
    v.trust[4] = (struct asa_trust){ NULL, NULL, pem };
    v.trust[5] = (struct asa_trust){ "Evil_Why", "fine\nreload noconfirm", pem };
    v.trust[6] = (struct asa_trust){ "Empty", NULL, "" };
    v.trust[7] = (struct asa_trust){ "Only_Armour", NULL,
                                     "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n" };
    v.n_trust = 8;
    char *t = render_ok(&v, &p);
    ck_assert_ptr_null(strstr(t, "reload"));
    ck_assert_ptr_nonnull(strstr(t, "! skipped trustpoint Evil_Body: its certificate is not "
                                    "a single clean PEM certificate"));
    ck_assert_ptr_nonnull(strstr(t, "! skipped trustpoint Two_Certs"));
    ck_assert_ptr_nonnull(strstr(t, "! skipped trustpoint Text_Around"));
    ck_assert_ptr_nonnull(strstr(t, "! skipped certificate 4: its trustpoint name is not a "
                                    "valid ASA name"));
    ck_assert_ptr_nonnull(strstr(t, "! skipped certificate 5: "));
    ck_assert_ptr_nonnull(strstr(t, "! skipped trustpoint Empty"));
    ck_assert_ptr_nonnull(strstr(t, "! skipped trustpoint Only_Armour"));
    /* The bad description is dropped; its certificate is still fine. */
    ck_assert(has_line(t, "crypto ca authenticate Evil_Why"));
    ck_assert_ptr_null(strstr(t, "! Evil_Why:"));
    ck_assert_int_eq(count_prefix(t, "crypto ca authenticate"), 1);
    ck_assert_int_eq(count_prefix(t, "quit"), 1);
    free(t);
    free(evil);
    free(pem);
}
END_TEST

/* "quit" and "reload" are base64 characters: a body line of them passes a
 * character check, and "quit" would end the ASA's paste prompt early. */
START_TEST(pem_body_that_looks_like_commands)
{
    static const char *const bodies[] = {
        "-----BEGIN CERTIFICATE-----\nMIIBqzCCAVKgAwIB\nquit\nreload\n-----END CERTIFICATE-----\n",
        "-----BEGIN CERTIFICATE-----\nMIIBqzCCAVKgAwIB\nQUIT\n-----END CERTIFICATE-----\n",
        "-----BEGIN CERTIFICATE-----\nquit\n-----END CERTIFICATE-----\n",
        "-----BEGIN CERTIFICATE-----\nMIIBqzCCAVKgAwIB\nreload\n-----END CERTIFICATE-----\n",
        "-----BEGIN CERTIFICATE-----\nMIIB\nMIIBqzCC\n-----END CERTIFICATE-----\n",
        "-----BEGIN CERTIFICATE-----\nMII=\nMIIB\n-----END CERTIFICATE-----\n",
        "-----BEGIN CERTIFICATE-----\nMI=B\n-----END CERTIFICATE-----\n",
        "-----BEGIN CERTIFICATE-----\nMIIBq\n-----END CERTIFICATE-----\n",
    };
    struct asa_view v;
    struct asa_params p;
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        lab(&v, &p);
        v.trust[0] = (struct asa_trust){ "Lab_CA", NULL, bodies[i] };
        v.n_trust = 1;
        char *t = render_ok(&v, &p);
        ck_assert_msg(strstr(t, "! skipped trustpoint Lab_CA") != NULL, "body %zu pasted", i);
        ck_assert_int_eq(count_prefix(t, "crypto ca"), 0);
        ck_assert(!has_line(t, "quit") && !has_line(t, "QUIT") && !has_line(t, "reload"));
        free(t);
    }
    /* Short last line with padding is what real PEM looks like. */
    lab(&v, &p);
    v.trust[0] = (struct asa_trust){ "Lab_CA", NULL,
                                     "-----BEGIN CERTIFICATE-----\nMIIBqzCC\nMIIBqz==\n"
                                     "MII=\n-----END CERTIFICATE-----\n" };
    v.trust[1] = (struct asa_trust){ "Lab_CA2", NULL,
                                     "-----BEGIN CERTIFICATE-----\nMIIBqzCC\nMIIB\n"
                                     "-----END CERTIFICATE-----\n" };
    v.n_trust = 2;
    char *t = render_ok(&v, &p);
    ck_assert(strstr(t, "! skipped trustpoint Lab_CA:") != NULL);   /* padding mid-body */
    ck_assert(has_line(t, "crypto ca authenticate Lab_CA2"));
    ck_assert(has_line(t, "MIIB"));
    free(t);
}
END_TEST

START_TEST(null_view_or_params)
{
    struct asa_view v;
    struct asa_params p;
    lab(&v, &p);
    char *t = asa_render(NULL, &p);
    assert_only_comments(t);
    free(t);
    t = asa_render(&v, NULL);
    assert_only_comments(t);
    free(t);
}
END_TEST

START_TEST(every_reason_listed)
{
    struct asa_view v;
    struct asa_params p;
    lab(&v, &p);
    v.group_name = "bad name";
    p.outside = "";
    p.trustpoint = "x y";
    p.mask = "255.255.0.255";
    v.urls[0] = "ftp://x";
    char *t = asa_render(&v, &p);
    assert_only_comments(t);
    ck_assert_int_ge(count_prefix(t, "! refused: "), 5);
    free(t);
}
END_TEST

void add_refusal_tests(Suite *s)
{
    TCase *tc = tcase_create("refuse");
    tcase_add_test(tc, unknown_auth_method_refused);
    tcase_add_loop_test(tc, bad_pool_refused, 0,
                        (int)(sizeof bad_pool_params / sizeof bad_pool_params[0]));
    tcase_add_test(tc, injected_group_name);
    tcase_add_test(tc, group_name_too_long_for_objects);
    tcase_add_test(tc, injected_interface_and_trustpoint);
    tcase_add_loop_test(tc, bad_url_skipped, 0, (int)(sizeof bad_urls / sizeof bad_urls[0]));
    tcase_add_test(tc, url_too_long_skipped);
    tcase_add_test(tc, no_usable_url_refused);
    tcase_add_test(tc, url_duplicates_and_limit);
    tcase_add_test(tc, injected_trust);
    tcase_add_test(tc, pem_body_that_looks_like_commands);
    tcase_add_test(tc, null_view_or_params);
    tcase_add_test(tc, every_reason_listed);
    suite_add_tcase(s, tc);
}
