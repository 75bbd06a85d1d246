/* test_asa.c - the ASA configuration text: the lines an admin pastes, checked
 * one by one, and refusals of input that would smuggle commands into the CLI. */
#include <config.h>

#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/asa.h"

/* ---- helpers -------------------------------------------------------------- */

static char *load_text(const char *path)
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
static void lab(struct asa_view *v, struct asa_params *p)
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
static int line_at(const char *text, const char *want, int from)
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

static bool has_line(const char *text, const char *want)
{
    return line_at(text, want, 0) >= 0;
}

static int count_prefix(const char *text, const char *prefix)
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
static void assert_clean(const char *text)
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
static void assert_only_comments(const char *text)
{
    assert_clean(text);
    for (const char *l = text; *l != '\0';) {
        size_t n = strcspn(l, "\n");
        ck_assert_msg(n > 0 && l[0] == '!', "command in refused output: %.*s", (int)n, l);
        l += n + 1;
    }
}

static char *render_ok(const struct asa_view *v, const struct asa_params *p)
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

/* ---- the configuration ------------------------------------------------------ */

START_TEST(lab_config_lines)
{
    struct asa_view v;
    struct asa_params p;
    lab(&v, &p);
    char *t = render_ok(&v, &p);

    int pool = line_at(t, "ip local pool PHONES-pool 10.10.1.1-10.10.1.254 mask 255.255.255.0", 0);
    ck_assert_int_ge(pool, 0);

    int gp = line_at(t, "group-policy PHONES-policy internal", 0);
    ck_assert_int_ge(gp, 0);
    ck_assert_int_eq(line_at(t, "group-policy PHONES-policy attributes", gp), gp + 1);
    ck_assert_int_eq(line_at(t, " vpn-tunnel-protocol ssl-client", gp), gp + 2);
    ck_assert_int_eq(line_at(t, " split-tunnel-policy tunnelall", gp), gp + 3);

    int wv = line_at(t, "webvpn", 0);
    ck_assert_int_ge(wv, 0);
    ck_assert_int_eq(line_at(t, " enable outside", wv), wv + 1);
    ck_assert_int_eq(line_at(t, " anyconnect enable", wv), wv + 2);
    ck_assert_int_eq(line_at(t, " tunnel-group-list enable", wv), wv + 3);

    int tg = line_at(t, "tunnel-group PHONES type remote-access", 0);
    ck_assert_int_ge(tg, 0);
    int ga = line_at(t, "tunnel-group PHONES general-attributes", tg);
    ck_assert_int_eq(ga, tg + 1);
    ck_assert_int_eq(line_at(t, " address-pool PHONES-pool", ga), ga + 1);
    ck_assert_int_eq(line_at(t, " default-group-policy PHONES-policy", ga), ga + 2);
    int wa = line_at(t, "tunnel-group PHONES webvpn-attributes", ga);
    ck_assert_int_gt(wa, ga);
    ck_assert_int_gt(line_at(t, " authentication certificate", wa), wa);
    ck_assert_int_gt(line_at(t, " group-url https://asav.example.lab/phone enable", wa), wa);

    ck_assert(has_line(t, "ssl trust-point ASA-identity outside"));

    /* show running-config order: the pool and policy exist before the
     * tunnel-group names them, and the global webvpn block precedes every
     * group-policy (whose own webvpn sub-mode would swallow it). */
    int tp = line_at(t, "ssl trust-point ASA-identity outside", 0);
    ck_assert_int_lt(pool, tp);
    ck_assert_int_lt(tp, wv);
    ck_assert_int_lt(wv, gp);
    ck_assert_int_lt(gp, tg);

    /* Off unless asked for. */
    ck_assert_int_eq(count_prefix(t, "ssl cipher"), 0);
    ck_assert(!has_line(t, "  anyconnect ssl dtls none"));
    ck_assert_ptr_null(strstr(t, "WARNING"));
    ck_assert_int_eq(count_prefix(t, "crypto ca"), 0);
    free(t);
}
END_TEST

START_TEST(group_url_per_gateway_in_order)
{
    struct asa_view v;
    struct asa_params p;
    lab(&v, &p);
    v.urls[0] = "https://asa1.example.lab/phone";
    v.urls[1] = "https://asa2.example.lab/phone";
    v.urls[2] = "https://192.0.2.10/phone";
    v.n_urls = 3;
    char *t = render_ok(&v, &p);
    int a = line_at(t, " group-url https://asa1.example.lab/phone enable", 0);
    int b = line_at(t, " group-url https://asa2.example.lab/phone enable", 0);
    int c = line_at(t, " group-url https://192.0.2.10/phone enable", 0);
    ck_assert_int_ge(a, 0);
    ck_assert_int_eq(b, a + 1);
    ck_assert_int_eq(c, b + 1);
    ck_assert_int_eq(count_prefix(t, " group-url "), 3);
    free(t);
}
END_TEST

static const struct {
    int method;
    const char *line, *not_line, *said;
} auth_cases[] = {
    { 0, " authentication aaa", " authentication certificate", "user name and password" },
    { 1, " authentication aaa", " authentication certificate", "password only" },
    { 2, " authentication certificate", " authentication aaa", "certificate" },
};

START_TEST(authentication_per_method)
{
    struct asa_view v;
    struct asa_params p;
    lab(&v, &p);
    v.client_auth_method = auth_cases[_i].method;
    char *t = render_ok(&v, &p);
    int wa = line_at(t, "tunnel-group PHONES webvpn-attributes", 0);
    ck_assert_int_gt(line_at(t, auth_cases[_i].line, wa), wa);
    ck_assert(!has_line(t, auth_cases[_i].not_line));
    ck_assert_int_eq(count_prefix(t, " authentication "), 1);
    ck_assert_ptr_nonnull(strstr(t, auth_cases[_i].said));
    free(t);
}
END_TEST

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

START_TEST(mixed_methods_warned)
{
    struct asa_view v;
    struct asa_params p;
    lab(&v, &p);
    v.mixed_auth_methods = true;
    char *t = render_ok(&v, &p);
    ck_assert_ptr_nonnull(strstr(t, "! WARNING: the common phone profiles that use VPN group "
                                    "PHONES disagree\n"));
    ck_assert_ptr_nonnull(strstr(t, "only certificate: phones whose VPN profile says otherwise"));
    /* The warning sits in the tunnel-group, before its authentication line. */
    int warn = count_prefix(t, "! WARNING");
    ck_assert_int_eq(warn, 1);
    free(t);
}
END_TEST

START_TEST(dtls_test_line)
{
    struct asa_view v;
    struct asa_params p;
    lab(&v, &p);
    p.dtls_test = true;
    char *t = render_ok(&v, &p);
    int gp = line_at(t, "group-policy PHONES-policy attributes", 0);
    int wv = line_at(t, " webvpn", gp);
    ck_assert_int_gt(wv, gp);
    ck_assert_int_eq(line_at(t, "  anyconnect ssl dtls none", wv), wv + 1);
    ck_assert_ptr_nonnull(strstr(t, "no anyconnect ssl dtls none"));   /* how to undo */
    /* The global webvpn block comes first: pasted after the group-policy's
     * webvpn sub-mode it would land in that sub-mode. */
    ck_assert_int_lt(line_at(t, "webvpn", 0), gp);
    free(t);
}
END_TEST

static void assert_no_ec_in_cipher_lines(const char *t)
{
    for (const char *l = t; *l != '\0';) {
        size_t n = strcspn(l, "\n");
        if (n > 10 && memcmp(l, "ssl cipher", 10) == 0) {
            char line[256];
            snprintf(line, sizeof line, "%.*s", (int)n, l);
            ck_assert_msg(strstr(line, "ECDHE") == NULL && strstr(line, "ECDSA") == NULL &&
                          strstr(line, "EC") == NULL, "EC cipher in: %s", line);
        }
        l += n + (l[n] == '\n');
    }
}

START_TEST(cipher_advice_lines)
{
    struct asa_view v;
    struct asa_params p;
    lab(&v, &p);
    p.cipher_advice = true;
    v.models_tls12_only_capable = true;
    char *t = render_ok(&v, &p);
    ck_assert(has_line(t, "ssl cipher tlsv1 custom \"AES256-SHA:AES128-SHA\""));
    ck_assert(has_line(t, "ssl cipher tlsv1.2 custom "
                          "\"AES256-SHA256:AES128-SHA256:AES256-SHA:AES128-SHA\""));
    ck_assert(has_line(t, "ssl cipher dtlsv1 custom \"AES256-SHA:AES128-SHA\""));
    ck_assert_int_eq(count_prefix(t, "ssl cipher "), 3);
    assert_no_ec_in_cipher_lines(t);
    ck_assert_ptr_nonnull(strstr(t, "temporary EC certificate"));
    ck_assert_ptr_nonnull(strstr(t, "instead of ASA-identity"));
    ck_assert_ptr_nonnull(strstr(t, "every phone in use does"));
    /* After the trust-point that they protect. */
    ck_assert_int_gt(line_at(t, "ssl cipher tlsv1 custom \"AES256-SHA:AES128-SHA\"", 0),
                     line_at(t, "ssl trust-point ASA-identity outside", 0));
    free(t);
}
END_TEST

START_TEST(cipher_advice_mixed_fleet)
{
    struct asa_view v;
    struct asa_params p;
    lab(&v, &p);
    p.cipher_advice = true;
    v.models_tls10_only_present = true;   /* 79xx beside 88xx: both lists */
    char *t = render_ok(&v, &p);
    ck_assert_int_eq(count_prefix(t, "ssl cipher tlsv1 "), 1);
    ck_assert_int_eq(count_prefix(t, "ssl cipher tlsv1.2 "), 1);
    ck_assert_int_eq(count_prefix(t, "ssl cipher dtlsv1 "), 1);
    ck_assert_ptr_nonnull(strstr(t, "speak only TLS 1.0"));
    free(t);
}
END_TEST

START_TEST(cipher_advice_tls10_fleet)
{
    struct asa_view v;
    struct asa_params p;
    lab(&v, &p);
    p.cipher_advice = true;
    v.models_tls10_only_present = true;
    v.models_all_tls10_only = true;
    char *t = render_ok(&v, &p);
    ck_assert(has_line(t, "ssl cipher tlsv1 custom \"AES256-SHA:AES128-SHA\""));
    ck_assert_int_eq(count_prefix(t, "ssl cipher tlsv1.2 "), 0);
    ck_assert(has_line(t, "ssl cipher dtlsv1 custom \"AES256-SHA:AES128-SHA\""));
    free(t);
}
END_TEST

START_TEST(trust_pem_pasted)
{
    struct asa_view v;
    struct asa_params p;
    lab(&v, &p);
    char *pem = load_text(FIXTURES_DIR "/test_ca.pem");
    v.trust[0] = (struct asa_trust){ "ucprov_Test_CA", "issues the lab phones' LSCs", pem };
    v.n_trust = 1;
    char *t = render_ok(&v, &p);

    int tp = line_at(t, "crypto ca trustpoint ucprov_Test_CA", 0);
    ck_assert_int_ge(tp, 0);
    ck_assert_int_eq(line_at(t, " enrollment terminal", tp), tp + 1);
    ck_assert_int_eq(line_at(t, "crypto ca authenticate ucprov_Test_CA", tp), tp + 2);
    ck_assert(has_line(t, "! ucprov_Test_CA: issues the lab phones' LSCs"));

    /* Every PEM line follows, in order, then quit and the yes to the prompt. */
    int at = tp + 3;
    for (const char *l = pem; *l != '\0';) {
        size_t n = strcspn(l, "\n");
        char line[128];
        snprintf(line, sizeof line, "%.*s", (int)n, l);
        if (n > 0) {
            ck_assert_msg(line_at(t, line, at) == at, "PEM line %d missing: %s", at, line);
            at++;
        }
        l += n + (l[n] == '\n');
    }
    ck_assert_int_eq(line_at(t, "-----END CERTIFICATE-----", tp), at - 1);
    ck_assert_int_eq(line_at(t, "quit", at), at);
    ck_assert_int_eq(line_at(t, "yes", at), at + 1);
    free(t);
    free(pem);
}
END_TEST

START_TEST(trust_pem_crlf_normalised)
{
    struct asa_view v;
    struct asa_params p;
    lab(&v, &p);
    char *pem = load_text(FIXTURES_DIR "/test_ca.pem");
    char *crlf = malloc(2 * strlen(pem) + 8);
    ck_assert_ptr_nonnull(crlf);
    size_t j = 0;
    crlf[j++] = '\r';
    crlf[j++] = '\n';                         /* a blank line in front, too */
    for (const char *s = pem; *s; s++) {
        if (*s == '\n')
            crlf[j++] = '\r';
        crlf[j++] = *s;
    }
    crlf[j] = '\0';
    v.trust[0] = (struct asa_trust){ "CRLF_CA", NULL, crlf };
    v.trust[1] = (struct asa_trust){ "LF_CA", NULL, pem };
    v.n_trust = 2;
    char *t = render_ok(&v, &p);
    int a = line_at(t, "crypto ca authenticate CRLF_CA", 0);
    int b = line_at(t, "crypto ca authenticate LF_CA", 0);
    ck_assert_int_ge(a, 0);
    ck_assert_int_gt(b, a);
    /* Same body lines after both. */
    ck_assert_int_eq(line_at(t, "-----BEGIN CERTIFICATE-----", a), a + 1);
    ck_assert_int_eq(line_at(t, "-----BEGIN CERTIFICATE-----", b), b + 1);
    ck_assert_int_eq(line_at(t, "quit", a) - a, line_at(t, "quit", b) - b);
    free(t);
    free(crlf);
    free(pem);
}
END_TEST

START_TEST(trust_missing_notes)
{
    struct asa_view v;
    struct asa_params p;
    lab(&v, &p);
    v.trust[0] = (struct asa_trust){ "Cisco_Root_CA_M2", "88xx MICs chain to it", NULL };
    v.trust[1] = (struct asa_trust){ "Cisco_Manufacturing_CA_SHA2", NULL, NULL };
    v.trust[2] = (struct asa_trust){ "CAPF-lab", "LSCs issued by CUCM's CAPF", NULL };
    v.trust[3] = (struct asa_trust){ "Lab_Issuing_CA", NULL, NULL };
    v.n_trust = 4;
    char *t = render_ok(&v, &p);
    ck_assert_ptr_nonnull(strstr(t, "! ucprov does not hold the certificate for trustpoint "
                                    "Cisco_Root_CA_M2: download it from Cisco's PKI site, "
                                    "https://www.cisco.com/security/pki/"));
    ck_assert_ptr_nonnull(strstr(t, "trustpoint Cisco_Manufacturing_CA_SHA2: download it "
                                    "from Cisco's PKI site"));
    ck_assert_ptr_nonnull(strstr(t, "trustpoint CAPF-lab: export the CAPF certificate from "
                                    "the CAPF-trust store"));
    ck_assert_ptr_nonnull(strstr(t, "trustpoint Lab_Issuing_CA: get it from the CA"));
    ck_assert(has_line(t, "! Cisco_Root_CA_M2: 88xx MICs chain to it"));
    /* The commands appear only as comments: there is nothing to paste. */
    ck_assert_int_eq(count_prefix(t, "crypto ca"), 0);
    ck_assert_int_eq(count_prefix(t, "quit"), 0);
    ck_assert(has_line(t, "!   crypto ca trustpoint Cisco_Root_CA_M2"));
    free(t);
}
END_TEST

START_TEST(trust_duplicates_and_limit)
{
    struct asa_view v;
    struct asa_params p;
    lab(&v, &p);
    for (size_t i = 0; i < ASA_MAX_TRUST; i++)
        v.trust[i] = (struct asa_trust){ i == 3 ? "Same" : "Other", NULL, NULL };
    v.trust[0].trustpoint = "Same";
    v.trust[1].trustpoint = "Cisco_Root_CA_M2";
    v.n_trust = ASA_MAX_TRUST + 5;   /* a caller bug: only the array is read */
    char *t = render_ok(&v, &p);
    ck_assert_ptr_nonnull(strstr(t, "! note: only the first 8 certificates are used"));
    ck_assert_ptr_nonnull(strstr(t, "! skipped certificate 4: trustpoint Same is already above"));
    ck_assert_int_eq(count_prefix(t, "! ucprov does not hold the certificate for trustpoint Same"), 1);
    ck_assert_int_eq(count_prefix(t, "! ucprov does not hold the certificate for trustpoint Other"), 1);
    free(t);
}
END_TEST

START_TEST(deterministic)
{
    struct asa_view v;
    struct asa_params p;
    lab(&v, &p);
    p.cipher_advice = p.dtls_test = true;
    v.mixed_auth_methods = true;
    v.trust[0] = (struct asa_trust){ "Cisco_Root_CA_M2", "88xx", NULL };
    v.n_trust = 1;
    char *a = render_ok(&v, &p), *b = render_ok(&v, &p);
    ck_assert_str_eq(a, b);
    free(a);
    free(b);
}
END_TEST

START_TEST(normalised_addresses)
{
    struct asa_view v;
    struct asa_params p;
    lab(&v, &p);
    p.pool_first = "172.16.0.10";
    p.pool_last = "172.16.3.200";
    p.mask = "255.255.252.0";
    char *t = render_ok(&v, &p);
    ck_assert(has_line(t, "ip local pool PHONES-pool 172.16.0.10-172.16.3.200 mask 255.255.252.0"));
    free(t);
}
END_TEST

/* ---- refusals ------------------------------------------------------------- */

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

START_TEST(small_subnets_allowed)
{
    struct asa_view v;
    struct asa_params p;
    lab(&v, &p);
    p.pool_first = "10.10.1.8";   /* a /31 has no network or broadcast address */
    p.pool_last = "10.10.1.9";
    p.mask = "255.255.255.254";
    char *t = render_ok(&v, &p);
    ck_assert(has_line(t, "ip local pool PHONES-pool 10.10.1.8-10.10.1.9 mask 255.255.255.254"));
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

static Suite *asa_suite(void)
{
    Suite *s = suite_create("asa");
    TCase *tc = tcase_create("input");
    tcase_add_test(tc, name_rules);
    tcase_add_test(tc, pool_parse_good);
    tcase_add_loop_test(tc, pool_parse_bad, 0, (int)(sizeof bad_pools / sizeof bad_pools[0]));
    tcase_add_test(tc, pool_parse_limits);
    suite_add_tcase(s, tc);

    tc = tcase_create("config");
    tcase_add_test(tc, lab_config_lines);
    tcase_add_test(tc, group_url_per_gateway_in_order);
    tcase_add_loop_test(tc, authentication_per_method, 0,
                        (int)(sizeof auth_cases / sizeof auth_cases[0]));
    tcase_add_test(tc, mixed_methods_warned);
    tcase_add_test(tc, dtls_test_line);
    tcase_add_test(tc, cipher_advice_lines);
    tcase_add_test(tc, cipher_advice_mixed_fleet);
    tcase_add_test(tc, cipher_advice_tls10_fleet);
    tcase_add_test(tc, trust_pem_pasted);
    tcase_add_test(tc, trust_pem_crlf_normalised);
    tcase_add_test(tc, trust_missing_notes);
    tcase_add_test(tc, trust_duplicates_and_limit);
    tcase_add_test(tc, deterministic);
    tcase_add_test(tc, normalised_addresses);
    tcase_add_test(tc, small_subnets_allowed);
    suite_add_tcase(s, tc);

    tc = tcase_create("refuse");
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
