/* test_asa.c - the ASA configuration text: the lines an admin pastes, checked
 * one by one, and refusals of input that would smuggle commands into the CLI.
 * This file holds the helpers the families share (test_asa.h), the checks of
 * names and pools, and main. */
#include <config.h>

#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_asa.h"

/* ---- helpers -------------------------------------------------------------- */

char *load_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    char *buf = malloc(65536);
    ck_assert_ptr_nonnull(buf);
    size_t n = fread(buf, 1, 65535, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

/* The lab: group PHONES, one ASA, the certificate auth of the background doc. */
void lab(struct asa_view *v, struct asa_params *p)
{
    memset(v, 0, sizeof *v);
    memset(p, 0, sizeof *p);
    v->group_name = "PHONES";
    v->urls[0] = "https://asav.example.lab/phone";
    v->n_urls = 1;
    v->client_auth_method = 2;
    p->pool_first = "10.10.1.1";
    p->pool_last = "10.10.1.254";
    p->mask = "255.255.255.0";
    p->outside = "outside";
    p->trustpoint = "ASA-identity";
}

/* 0-based index of the line equal to want, searching from line `from`; -1 if none. */
int line_at(const char *text, const char *want, int from)
{
    int no = 0;
    size_t wl = strlen(want);
    for (const char *l = text; *l != '\0'; no++) {
        size_t n = strcspn(l, "\n");
        if (no >= from && n == wl && memcmp(l, want, n) == 0)
            return no;
        l += n + (l[n] == '\n');
    }
    return -1;
}

bool has_line(const char *text, const char *want)
{
    return line_at(text, want, 0) >= 0;
}

int count_prefix(const char *text, const char *prefix)
{
    int count = 0;
    size_t pl = strlen(prefix);
    for (const char *l = text; *l != '\0';) {
        size_t n = strcspn(l, "\n");
        if (n >= pl && memcmp(l, prefix, pl) == 0)
            count++;
        l += n + (l[n] == '\n');
    }
    return count;
}

/* What goes into a device CLI: printable ASCII and LF, never the help key. */
void assert_clean(const char *text)
{
    ck_assert_ptr_nonnull(text);
    size_t n = strlen(text);
    ck_assert_msg(n > 0 && text[n - 1] == '\n', "output must end with a newline");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        ck_assert_msg(c == '\n' || (c >= 0x20 && c < 0x7f), "byte 0x%02x at %zu", c, i);
        ck_assert_msg(c != '?', "'?' at %zu would call the ASA's help", i);
    }
}

/* Nothing but comments: a refused configuration writes no command. */
void assert_only_comments(const char *text)
{
    assert_clean(text);
    for (const char *l = text; *l != '\0';) {
        size_t n = strcspn(l, "\n");
        ck_assert_msg(n > 0 && l[0] == '!', "command in refused output: %.*s", (int)n, l);
        l += n + 1;
    }
}

char *render_ok(const struct asa_view *v, const struct asa_params *p)
{
    char *t = asa_render(v, p);
    assert_clean(t);
    ck_assert_msg(strstr(t, "refused") == NULL, "unexpected refusal:\n%s", t);
    return t;
}

/* ---- names and pools -------------------------------------------------------- */

START_TEST(name_rules)
{
    char long_name[80];
    memset(long_name, 'a', sizeof long_name);
    long_name[64] = '\0';
    ck_assert(asa_name_ok(long_name));
    long_name[64] = 'a';
    long_name[65] = '\0';
    ck_assert(!asa_name_ok(long_name));

    ck_assert(asa_name_ok("Cisco_Root_CA_M2"));
    ck_assert(asa_name_ok("outside"));
    ck_assert(asa_name_ok("GigabitEthernet0.1-x"));
    ck_assert(!asa_name_ok(NULL));
    ck_assert(!asa_name_ok(""));
    ck_assert(!asa_name_ok("two words"));
    ck_assert(!asa_name_ok("outside\n"));
    ck_assert(!asa_name_ok("out\rside"));
    ck_assert(!asa_name_ok("what?"));
    ck_assert(!asa_name_ok("a;reload"));
    ck_assert(!asa_name_ok("caf\xc3\xa9"));
}
END_TEST

START_TEST(pool_parse_good)
{
    char buf[64];
    const char *first = "x", *last = "x";
    ck_assert(asa_parse_pool("10.10.1.1-10.10.1.254", buf, sizeof buf, &first, &last));
    ck_assert_str_eq(first, "10.10.1.1");
    ck_assert_str_eq(last, "10.10.1.254");
    ck_assert(first >= buf && first < buf + sizeof buf);
    ck_assert(last >= buf && last < buf + sizeof buf);

    ck_assert(asa_parse_pool("0.0.0.0-255.255.255.255", buf, sizeof buf, &first, &last));
    ck_assert(asa_parse_pool("192.168.7.9-192.168.7.9", buf, sizeof buf, &first, &last));
    ck_assert_str_eq(first, last);
    /* Exactly big enough: 15 characters and the NUL. */
    char small[16];
    ck_assert(asa_parse_pool("1.1.1.1-1.1.1.2", small, sizeof small, &first, &last));
}
END_TEST

static const char *const bad_pools[] = {
    "",
    "10.10.1.1",
    "10.10.1.1-",
    "-10.10.1.1",
    "10.10.1.1 - 10.10.1.254",
    " 10.10.1.1-10.10.1.254",
    "10.10.1.1-10.10.1.254\n",
    "10.10.1.254-10.10.1.1",        /* first after last */
    "10.10.1-10.10.2",
    "10.10.1.256-10.10.1.300",
    "10.10.01.1-10.10.1.254",       /* leading zero: octal to some parsers */
    "10.10.1.1-10.10.1.2-10.10.1.3",
    "10.10.1.1.1-10.10.1.2",
    "a.b.c.d-e.f.g.h",
    "1000.1.1.1-1000.1.1.2",
    "10..1.1-10.10.1.2",
};

START_TEST(pool_parse_bad)
{
    char buf[64];
    const char *first = "x", *last = "x";
    ck_assert_msg(!asa_parse_pool(bad_pools[_i], buf, sizeof buf, &first, &last),
                  "accepted \"%s\"", bad_pools[_i]);
    ck_assert_ptr_null(first);
    ck_assert_ptr_null(last);
}
END_TEST

START_TEST(pool_parse_limits)
{
    char buf[15];
    const char *first, *last;
    ck_assert(!asa_parse_pool("1.1.1.1-1.1.1.2", buf, sizeof buf, &first, &last));
    ck_assert(!asa_parse_pool(NULL, buf, sizeof buf, &first, &last));
    ck_assert(!asa_parse_pool("1.1.1.1-1.1.1.2", NULL, 0, &first, &last));
    ck_assert(!asa_parse_pool("1.1.1.1-1.1.1.2", buf, 0, &first, &last));
}
END_TEST

static Suite *asa_suite(void)
{
    Suite *s = suite_create("asa");
    TCase *tc = tcase_create("input");
    tcase_add_test(tc, name_rules);
    tcase_add_test(tc, pool_parse_good);
    tcase_add_loop_test(tc, pool_parse_bad, 0, (int)(sizeof bad_pools / sizeof bad_pools[0]));
    tcase_add_test(tc, pool_parse_limits);
    suite_add_tcase(s, tc);
    add_config_tests(s);
    add_refusal_tests(s);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(asa_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
