/* test_asa_config.c - the configuration an admin pastes, line by line: the
 * lab's commands, gateways, authentication, DTLS and cipher advice, the
 * trustpoints' PEM, and the same text for the same input. */
#include <config.h>

#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_asa.h"

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

void add_config_tests(Suite *s)
{
    TCase *tc = tcase_create("config");
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
}
