/* test_phonelog.c - the log recognisers against console logs in the style of
 * 88xx/79xx phones (the .log files in tests/unit/phonelog/): which problems, on which
 * lines, and nothing on a healthy log or on look-alike lines from other
 * processes.  Then the awkward inputs: CRLF, NUL, long lines, 10 MB. */
#include <config.h>

#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/phonelog.h"

struct blob {
    char *data;
    size_t len;
};

static struct blob load(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", PHONELOG_DIR, name);
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open fixture %s", path);
    struct blob b = { malloc(1 << 16), 0 };
    ck_assert_ptr_nonnull(b.data);
    b.len = fread(b.data, 1, 1 << 16, f);
    ck_assert_msg(feof(f), "fixture %s too big for the test", path);
    fclose(f);
    return b;
}

static size_t diagnose(const char *text, size_t len, struct phonelog_finding *out)
{
    size_t n = phonelog_diagnose(text, len, out, PHONELOG_PROBLEM_COUNT);
    ck_assert_uint_le(n, PHONELOG_PROBLEM_COUNT);
    for (size_t i = 1; i < n; i++)
        ck_assert_int_lt(out[i - 1].problem, out[i].problem);
    return n;
}

static size_t diagnose_str(const char *text, struct phonelog_finding *out)
{
    return diagnose(text, strlen(text), out);
}

static const struct phonelog_finding *find(const struct phonelog_finding *out, size_t n,
                                           enum phonelog_problem p)
{
    for (size_t i = 0; i < n; i++)
        if (out[i].problem == p)
            return &out[i];
    return NULL;
}

/* ---- fixtures ------------------------------------------------------------- */

#define END 0
struct expect {
    enum phonelog_problem problem;
    size_t lines[PHONELOG_MAX_EVIDENCE + 1];   /* ends with END */
};

static const struct {
    const char *file;
    struct expect found[PHONELOG_PROBLEM_COUNT];
    size_t n_found;
} fixtures[] = {
    /* The offered cipher list (line 3) and the SIP TLS line (14) name ECDHE too,
     * but neither is the ASA's choice. */
    { "ec_cipher.log", {
        { PHONELOG_EC_CIPHER, { 7, 8, END } },
        { PHONELOG_CERT_HASH_MISMATCH, { 9, 10, 12, END } },
    }, 2 },
    /* X-DTLS-Keepalive-Timeout (line 6) is a setting, not a failure. */
    { "dtls_failure.log", {
        { PHONELOG_DTLS_FAILURE, { 11, 12, 14, END } },
    }, 1 },
    { "no_shared_cipher.log", {
        { PHONELOG_NO_SHARED_CIPHER, { 4, 5, END } },
    }, 1 },
    /* Line 1 is the phone's own DNS failing for CUCM, not for the ASA. */
    { "dns_lookup.log", {
        { PHONELOG_DNS_LOOKUP, { 4, 6, END } },
    }, 1 },
    { "and_enabled.log", {
        { PHONELOG_AND_VPN_ENABLED, { 4, 5, END } },
    }, 1 },
    /* Line 7's "timed out" is SIP's, outside Auto Network Detect. */
    { "and_skipped.log", {
        { PHONELOG_AND_VPN_SKIPPED, { 4, 5, END } },
    }, 1 },
    /* Line 1 is TVS looking up an ITL hash, which is normal. */
    { "cert_hash.log", {
        { PHONELOG_CERT_HASH_MISMATCH, { 6, 7, 8, END } },
    }, 1 },
    { "clean.log", { { 0, { END } } }, 0 },
    { "several.log", {
        { PHONELOG_EC_CIPHER, { 8, END } },
        { PHONELOG_DTLS_FAILURE, { 14, 15, END } },
        { PHONELOG_DNS_LOOKUP, { 5, END } },
        { PHONELOG_AND_VPN_ENABLED, { 3, 4, END } },
        { PHONELOG_CERT_HASH_MISMATCH, { 9, 10, END } },
    }, 5 },
};

static void assert_expected(const struct phonelog_finding *out, size_t n, size_t fx)
{
    ck_assert_msg(n == fixtures[fx].n_found, "%s: %zu findings, want %zu", fixtures[fx].file,
                  n, fixtures[fx].n_found);
    for (size_t i = 0; i < n; i++) {
        const struct expect *e = &fixtures[fx].found[i];
        ck_assert_msg(out[i].problem == e->problem, "%s: finding %zu is %s",
                      fixtures[fx].file, i, out[i].id);
        size_t want = 0;
        while (e->lines[want] != END)
            want++;
        ck_assert_msg(out[i].n_lines == want, "%s/%s: %zu evidence lines, want %zu",
                      fixtures[fx].file, out[i].id, out[i].n_lines, want);
        for (size_t j = 0; j < want; j++)
            ck_assert_msg(out[i].lines[j] == e->lines[j], "%s/%s: evidence %zu is line %zu, "
                          "want %zu", fixtures[fx].file, out[i].id, j, out[i].lines[j],
                          e->lines[j]);
    }
}

START_TEST(fixture_findings)
{
    struct phonelog_finding out[PHONELOG_PROBLEM_COUNT];
    struct blob b = load(fixtures[_i].file);
    size_t n = diagnose(b.data, b.len, out);
    assert_expected(out, n, (size_t)_i);
    free(b.data);
}
END_TEST

/* The same log with Windows line ends (a problem report saved on a PC). */
START_TEST(fixture_findings_crlf)
{
    struct phonelog_finding out[PHONELOG_PROBLEM_COUNT];
    struct blob b = load(fixtures[_i].file);
    char *crlf = malloc(2 * b.len + 1);
    ck_assert_ptr_nonnull(crlf);
    size_t j = 0;
    for (size_t i = 0; i < b.len; i++) {
        if (b.data[i] == '\n')
            crlf[j++] = '\r';
        crlf[j++] = b.data[i];
    }
    size_t n = diagnose(crlf, j, out);
    assert_expected(out, n, (size_t)_i);
    free(crlf);
    free(b.data);
}
END_TEST

/* Every problem has a fixture that finds it. */
START_TEST(every_problem_covered)
{
    bool seen[PHONELOG_PROBLEM_COUNT] = { false };
    for (size_t i = 0; i < sizeof fixtures / sizeof fixtures[0]; i++)
        for (size_t j = 0; j < fixtures[i].n_found; j++)
            seen[fixtures[i].found[j].problem] = true;
    for (int p = 0; p < PHONELOG_PROBLEM_COUNT; p++)
        ck_assert_msg(seen[p], "problem %d has no fixture", p);
}
END_TEST

/* ---- the finding texts ------------------------------------------------------ */

static const struct {
    enum phonelog_problem problem;
    const char *line;          /* one log line that shows it */
    const char *id;
    const char *fix_says[3];   /* words the fix must contain */
} texts[] = {
    { PHONELOG_EC_CIPHER, "VPNC: -create_ssl_connection: server chose cipher ECDHE-RSA-AES256-SHA",
      "ec_cipher", { "ssl cipher tlsv1 custom", "ssl cipher tlsv1.2 custom", "temporary EC" } },
    { PHONELOG_DTLS_FAILURE, "VPNC: -alert_err: DTLSv1 read: fatal: illegal parameter",
      "dtls_failure", { "anyconnect ssl dtls none", "EC cipher", "share" } },
    { PHONELOG_NO_SHARED_CIPHER, "VPNC: -ssl: error: no shared cipher",
      "no_shared_cipher", { "ssl cipher", "tlsv1.2", "dtlsv1" } },
    { PHONELOG_DNS_LOOKUP, "VPNC: -do_connect: DnsLookupErr",
      "dns_lookup", { "DNS server", "IP address", "group-url" } },
    { PHONELOG_AND_VPN_ENABLED, "JAVA-VPNMgr: AND: ping 10.1.1.10 timed out",
      "and_vpn_enabled", { "Expected", "did not answer", "Auto Network Detect" } },
    { PHONELOG_AND_VPN_SKIPPED, "JAVA-VPNMgr: AND: ping 10.1.1.10 reply received",
      "and_vpn_skipped", { "which address", "home network", "Auto Network Detect" } },
    { PHONELOG_CERT_HASH_MISMATCH, "VPNC: -cert_vfy_cb: cert hash mismatch",
      "cert_hash_mismatch", { "beside the old one", "reset the phones", "switch the ASA" } },
};

START_TEST(finding_texts)
{
    struct phonelog_finding out[PHONELOG_PROBLEM_COUNT];
    size_t n = diagnose_str(texts[_i].line, out);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(out[0].problem, texts[_i].problem);
    ck_assert_str_eq(out[0].id, texts[_i].id);
    ck_assert_uint_eq(out[0].n_lines, 1);
    ck_assert_uint_eq(out[0].lines[0], 1);
    ck_assert_ptr_nonnull(out[0].title);
    ck_assert_uint_gt(strlen(out[0].title), 10);
    ck_assert_ptr_null(strchr(out[0].title, '\n'));
    for (size_t i = 0; i < 3; i++)
        ck_assert_msg(strstr(out[0].fix, texts[_i].fix_says[i]) != NULL,
                      "%s fix lacks \"%s\"", out[0].id, texts[_i].fix_says[i]);
}
END_TEST

/* The ids the recognisers hand out, not this file's table: two problems sharing
 * an id would share an element id on the web page. */
START_TEST(ids_unique)
{
    enum { N = sizeof texts / sizeof texts[0] };
    ck_assert_uint_eq(N, PHONELOG_PROBLEM_COUNT);
    const char *ids[N];
    for (size_t i = 0; i < N; i++) {
        struct phonelog_finding out[PHONELOG_PROBLEM_COUNT];
        ck_assert_uint_eq(diagnose_str(texts[i].line, out), 1);
        ids[i] = out[0].id;
        ck_assert_ptr_nonnull(ids[i]);
    }
    for (size_t i = 0; i < N; i++)
        for (size_t j = i + 1; j < N; j++)
            ck_assert_str_ne(ids[i], ids[j]);
}
END_TEST

/* ---- what must and must not count -------------------------------------------- */

static const struct {
    const char *text;
    int problem;   /* -1: nothing */
} lines[] = {
    /* The TLS words from SIP over TLS are not the VPN's business. */
    { "JAVA-SIPCC-TLS: alert: fatal: illegal parameter", -1 },
    { "JAVA-SIPCC-TLS: negotiated ECDHE-RSA-AES128-GCM-SHA256", -1 },
    { "TVS: -tvs_lookup: hash not found in ITL", -1 },
    { "DNS: DnsLookupErr for cucm.example.lab", -1 },
    /* The phone's own offer may name EC ciphers. */
    { "VPNC: -ssl_init: cipher list: ECDHE-RSA-AES256-SHA:AES256-SHA", -1 },
    { "VPNC: ClientHello offers ECDHE-ECDSA-AES128-SHA", -1 },
    { "VPNC: -cert: key type ECDSA (secp256r1)", PHONELOG_EC_CIPHER },
    { "vpnc: temporary key is elliptic curve", PHONELOG_EC_CIPHER },
    /* DTLS headers and a clean close are normal. */
    { "VPNC: -do_login: X-DTLS-Keepalive-Timeout: 20", -1 },
    { "VPNC: -disconnect: DTLSv1 alert write: warning: close notify", -1 },
    { "VPNC: -dtls: DTLS handshake failed, SSL_ERROR_SSL", PHONELOG_DTLS_FAILURE },
    { "vpnc: dtls_connect: SSL_ERROR_SYSCALL", PHONELOG_DTLS_FAILURE },
    { "AnyConnect: error: old session cipher not returned", PHONELOG_DTLS_FAILURE },
    { "VPNC: SSL routines: wrong cipher returned", PHONELOG_NO_SHARED_CIPHER },
    { "VPNC: -do_connect: getaddrinfo(asav.example.lab) failed", PHONELOG_DNS_LOOKUP },
    { "VPNC: -do_connect: unable to resolve asav.example.lab", PHONELOG_DNS_LOOKUP },
    /* Auto Network Detect: the capital word, or the long name. */
    { "JAVA-VPNMgr: AND ping 10.1.1.10: no reply", PHONELOG_AND_VPN_ENABLED },
    { "JAVA-VPNMgr: [AND] ping of 10.1.1.10 unreachable", PHONELOG_AND_VPN_ENABLED },
    { "JAVA-VPNMgr: autoNetDetect: bringing up VPN", PHONELOG_AND_VPN_ENABLED },
    { "JAVA-VPNMgr: Auto Network Detect: ping 10.1.1.10 successful", PHONELOG_AND_VPN_SKIPPED },
    { "JAVA-VPNMgr: AND: PING 10.1.1.10 answered", PHONELOG_AND_VPN_SKIPPED },
    { "JAVA-VPNMgr: AND: 64 bytes from 10.1.1.10 (ping)", PHONELOG_AND_VPN_SKIPPED },
    { "JAVA-VPNMgr: AND: skipping VPN", PHONELOG_AND_VPN_SKIPPED },
    { "JAVA-Setup: phone and ping timed out", -1 },          /* English "and" */
    { "JAVA-Setup: BRAND ping timed out", -1 },              /* not a word */
    { "JAVA-Setup: SSL_AND ping timed out", -1 },            /* an identifier */
    { "JAVA-VPNMgr: AND: mapping failed", -1 },              /* "ping" inside a word */
    { "JAVA-VPNMgr: AND: pinging 10.1.1.10", -1 },           /* no outcome yet */
    { "VPNC: -verify: server cert hash does not match certHash1..3", PHONELOG_CERT_HASH_MISMATCH },
    { "VPNC: -verify: cert hash (SHA1) matches certHash1", -1 },
};

START_TEST(single_lines)
{
    struct phonelog_finding out[PHONELOG_PROBLEM_COUNT];
    size_t n = diagnose_str(lines[_i].text, out);
    if (lines[_i].problem < 0) {
        ck_assert_msg(n == 0, "\"%s\" gave %s", lines[_i].text, n ? out[0].id : "");
        return;
    }
    ck_assert_msg(find(out, n, (enum phonelog_problem)lines[_i].problem) != NULL,
                  "\"%s\" missed", lines[_i].text);
}
END_TEST

/* A no-reply line holds "reply"; it must not also read as an answered ping. */
START_TEST(and_outcomes_exclusive)
{
    static const char *const no_reply[] = {
        "AND: ping 10.1.1.10 no reply", "AND: ping 10.1.1.10 timed out waiting for reply",
        "AND: ping 10.1.1.10 unreachable", "AND: ping 10.1.1.10 unsuccessful, no response",
    };
    struct phonelog_finding out[PHONELOG_PROBLEM_COUNT];
    for (size_t i = 0; i < sizeof no_reply / sizeof no_reply[0]; i++) {
        size_t n = diagnose_str(no_reply[i], out);
        ck_assert_msg(n == 1 && out[0].problem == PHONELOG_AND_VPN_ENABLED, "%s", no_reply[i]);
    }
}
END_TEST

/* ---- limits and awkward input ------------------------------------------------ */

START_TEST(empty_input)
{
    struct phonelog_finding out[PHONELOG_PROBLEM_COUNT];
    ck_assert_uint_eq(phonelog_diagnose("", 0, out, PHONELOG_PROBLEM_COUNT), 0);
    ck_assert_uint_eq(phonelog_diagnose(NULL, 0, out, PHONELOG_PROBLEM_COUNT), 0);
    ck_assert_uint_eq(phonelog_diagnose("\n\n\r\n", 4, out, PHONELOG_PROBLEM_COUNT), 0);
}
END_TEST

START_TEST(max_respected)
{
    struct phonelog_finding out[PHONELOG_PROBLEM_COUNT + 1];
    struct blob b = load("several.log");
    memset(out, 0xA5, sizeof out);
    ck_assert_uint_eq(phonelog_diagnose(b.data, b.len, out, 2), 2);
    ck_assert_int_eq(out[0].problem, PHONELOG_EC_CIPHER);
    ck_assert_int_eq(out[1].problem, PHONELOG_DTLS_FAILURE);
    /* Nothing past max was written. */
    unsigned char *past = (unsigned char *)&out[2];
    for (size_t i = 0; i < sizeof out[2]; i++)
        ck_assert_uint_eq(past[i], 0xA5);
    ck_assert_uint_eq(phonelog_diagnose(b.data, b.len, NULL, 0), 0);
    free(b.data);
}
END_TEST

START_TEST(evidence_capped)
{
    char text[4096];
    size_t len = 0;
    for (int i = 0; i < 20; i++)
        len += (size_t)snprintf(text + len, sizeof text - len,
                                "%d NOT VPNC: -alert_err: fatal: illegal parameter\n"
                                "%d NOT VPNC: retry\n", i, i);
    struct phonelog_finding out[PHONELOG_PROBLEM_COUNT];
    size_t n = diagnose(text, len, out);
    ck_assert_uint_eq(n, 1);
    ck_assert_uint_eq(out[0].n_lines, PHONELOG_MAX_EVIDENCE);
    for (size_t i = 0; i < PHONELOG_MAX_EVIDENCE; i++)
        ck_assert_uint_eq(out[0].lines[i], 2 * i + 1);
}
END_TEST

/* One line shows a problem once, however many of its phrases it holds. */
START_TEST(one_line_counts_once)
{
    struct phonelog_finding out[PHONELOG_PROBLEM_COUNT];
    size_t n = diagnose_str("VPNC: DTLS alert: illegal parameter, old session cipher not "
                            "returned, DTLS timer expired\n", out);
    ck_assert_uint_eq(n, 1);
    ck_assert_uint_eq(out[0].n_lines, 1);
}
END_TEST

START_TEST(nul_inside)
{
    static const char text[] = "1 NOT VPNC: start\n"
                               "2 ERR VPNC: \0\0 garbage \0 then DnsLookupErr\n"
                               "3 NOT \0VPNC: cert hash\0 mismatch\n"
                               "4 ERR VPNC: illegal parameter";   /* no final LF */
    struct phonelog_finding out[PHONELOG_PROBLEM_COUNT];
    size_t n = diagnose(text, sizeof text - 1, out);
    ck_assert_uint_eq(n, 3);
    const struct phonelog_finding *f = find(out, n, PHONELOG_DNS_LOOKUP);
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(f->lines[0], 2);
    f = find(out, n, PHONELOG_CERT_HASH_MISMATCH);
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(f->lines[0], 3);
    f = find(out, n, PHONELOG_DTLS_FAILURE);
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(f->lines[0], 4);

    /* len bounds the text: the same buffer cut before line 4 lacks it. */
    size_t line4 = sizeof text - 1 - strlen("4 ERR VPNC: illegal parameter");
    ck_assert_int_eq(text[line4], '4');
    n = diagnose(text, line4 + 10, out);   /* "4 ERR VPNC" */
    ck_assert_uint_eq(n, 2);
    ck_assert_ptr_null(find(out, n, PHONELOG_DTLS_FAILURE));
}
END_TEST

/* Text right after a huge line is still seen, with its right number; a phrase
 * past PHONELOG_LINE_SCAN bytes of one line is not looked at. */
START_TEST(long_lines)
{
    size_t big = 1 << 20;
    char *text = malloc(big + 256);
    ck_assert_ptr_nonnull(text);
    memcpy(text, "VPNC: ", 6);
    memset(text + 6, 'x', big - 6);
    size_t len = big;
    len += (size_t)sprintf(text + len, " illegal parameter\nVPNC: DnsLookupErr\n");
    struct phonelog_finding out[PHONELOG_PROBLEM_COUNT];
    size_t n = diagnose(text, len, out);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(out[0].problem, PHONELOG_DNS_LOOKUP);
    ck_assert_uint_eq(out[0].lines[0], 2);

    /* Within the scanned head of a long line it counts. */
    memcpy(text, "VPNC: illegal parameter ", 24);
    n = diagnose(text, len, out);
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(out[0].problem, PHONELOG_DTLS_FAILURE);
    ck_assert_uint_eq(out[0].lines[0], 1);
    free(text);
}
END_TEST

/* 10 MB of everyday log lines with three problems buried at known lines. */
START_TEST(ten_megabytes)
{
    static const char noise[] =
        "4478 NOT Mar 07 16:21:04.118205 (1158-1180) JAVA-SIPCC-SIP_TRANS: OPTIONS ping "
        "sent and 200 OK received, line 1 ok\n";
    size_t cap = 10u << 20;
    char *text = malloc(cap + 512);
    ck_assert_ptr_nonnull(text);
    size_t len = 0, line = 0, want_dns = 0, want_hash = 0, want_and = 0;
    while (len + sizeof noise < cap) {
        memcpy(text + len, noise, sizeof noise - 1);
        len += sizeof noise - 1;
        line++;
        if (line == 1000) {
            len += (size_t)sprintf(text + len, "ERR VPNC: -do_connect: DnsLookupErr\n");
            want_dns = ++line;
        } else if (line == 50000) {
            len += (size_t)sprintf(text + len, "ERR VPNC: cert hash mismatch\n");
            want_hash = ++line;
        }
    }
    len += (size_t)sprintf(text + len, "NOT JAVA-VPNMgr: AND: ping 10.1.1.10 timed out");
    want_and = ++line;

    struct phonelog_finding out[PHONELOG_PROBLEM_COUNT];
    size_t n = diagnose(text, len, out);
    ck_assert_uint_eq(n, 3);
    ck_assert_int_eq(out[0].problem, PHONELOG_DNS_LOOKUP);
    ck_assert_uint_eq(out[0].lines[0], want_dns);
    ck_assert_int_eq(out[1].problem, PHONELOG_AND_VPN_ENABLED);
    ck_assert_uint_eq(out[1].lines[0], want_and);
    ck_assert_int_eq(out[2].problem, PHONELOG_CERT_HASH_MISMATCH);
    ck_assert_uint_eq(out[2].lines[0], want_hash);
    free(text);
}
END_TEST

START_TEST(lone_cr_is_not_a_line_break)
{
    struct phonelog_finding out[PHONELOG_PROBLEM_COUNT];
    size_t n = diagnose_str("VPNC: start\rVPNC: DnsLookupErr\nVPNC: illegal parameter\r\n", out);
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(out[0].lines[0], 2);   /* DTLS failure: the second LF line */
    ck_assert_uint_eq(out[1].lines[0], 1);   /* DNS: the first */
}
END_TEST

/* phonelog_line finds the line an evidence number names, by the scan's own rules. */
START_TEST(line_bounds)
{
    static const char text[] = "one\r\ntwo\rstill two\n\nlast";
    const size_t len = sizeof text - 1;
    const char *start = NULL;
    ck_assert_uint_eq(phonelog_line(text, len, 1, &start), 3);
    ck_assert_ptr_eq(start, text);
    ck_assert_uint_eq(phonelog_line(text, len, 2, &start), 13);   /* a lone CR stays */
    ck_assert_mem_eq(start, "two\rstill two", 13);
    ck_assert_uint_eq(phonelog_line(text, len, 3, &start), 0);    /* an empty line */
    ck_assert_ptr_eq(start, text + 19);
    ck_assert_uint_eq(phonelog_line(text, len, 4, &start), 4);    /* no final LF */
    ck_assert_mem_eq(start, "last", 4);
    start = NULL;
    ck_assert_uint_eq(phonelog_line(text, len, 5, &start), 0);
    ck_assert_str_eq(start, "");
    start = NULL;
    ck_assert_uint_eq(phonelog_line(text, len, 0, &start), 0);
    ck_assert_str_eq(start, "");
    start = NULL;
    ck_assert_uint_eq(phonelog_line(NULL, 0, 1, &start), 0);
    ck_assert_str_eq(start, "");
    /* len bounds the text, as for phonelog_diagnose. */
    ck_assert_uint_eq(phonelog_line(text, 2, 1, &start), 2);

    /* The numbers phonelog_diagnose gives name the lines that show the problem. */
    static const char log[] = "VPNC: start\r\nVPNC: -do_connect: DnsLookupErr\r\n";
    struct phonelog_finding out[PHONELOG_PROBLEM_COUNT];
    ck_assert_uint_eq(diagnose_str(log, out), 1);
    size_t n = phonelog_line(log, sizeof log - 1, out[0].lines[0], &start);
    ck_assert_uint_eq(n, strlen("VPNC: -do_connect: DnsLookupErr"));
    ck_assert_mem_eq(start, "VPNC: -do_connect: DnsLookupErr", n);
}
END_TEST

static Suite *phonelog_suite(void)
{
    Suite *s = suite_create("phonelog");
    int n_fixtures = (int)(sizeof fixtures / sizeof fixtures[0]);
    TCase *tc = tcase_create("fixtures");
    tcase_add_loop_test(tc, fixture_findings, 0, n_fixtures);
    tcase_add_loop_test(tc, fixture_findings_crlf, 0, n_fixtures);
    tcase_add_test(tc, every_problem_covered);
    suite_add_tcase(s, tc);

    tc = tcase_create("recognisers");
    tcase_add_loop_test(tc, finding_texts, 0, (int)(sizeof texts / sizeof texts[0]));
    tcase_add_test(tc, ids_unique);
    tcase_add_loop_test(tc, single_lines, 0, (int)(sizeof lines / sizeof lines[0]));
    tcase_add_test(tc, and_outcomes_exclusive);
    suite_add_tcase(s, tc);

    tc = tcase_create("input");
    tcase_set_timeout(tc, 120);   /* 10 MB under the sanitizers */
    tcase_add_test(tc, empty_input);
    tcase_add_test(tc, max_respected);
    tcase_add_test(tc, evidence_capped);
    tcase_add_test(tc, one_line_counts_once);
    tcase_add_test(tc, nul_inside);
    tcase_add_test(tc, long_lines);
    tcase_add_test(tc, ten_megabytes);
    tcase_add_test(tc, lone_cr_is_not_a_line_break);
    tcase_add_test(tc, line_bounds);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(phonelog_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
