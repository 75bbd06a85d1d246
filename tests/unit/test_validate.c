/* test_validate.c - the field checks of issue 15 ("Field hardening") on a
 * fresh database: gateway URLs (port, user:password@), the Call Manager host
 * and the locales of the system settings, certificate names with control
 * characters in the Host ID check, the ASA configuration's parameters, and
 * the longest admin password.
 * Each test gets its own database under a mkdtemp() directory in /tmp. */
#include <config.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "server/log.h"
#include "server/model.h"
#include "server/service/service.h"
#include "svc_fixture.h"

static struct service *sv;
static const struct actor who = { 0, "test" };

static void setup(void)
{
    fixture_dir_make("validate");
    sv = fixture_service_open();
}

static void teardown(void)
{
    service_close(sv);
    fixture_dir_remove();
}

/* ---- records -------------------------------------------------------------- */

static void set_text(struct record *r, const char *name, const char *text)
{
    int idx = entity_field_index(entity_get(r->kind), name);
    ck_assert_msg(idx >= 0, "no field %s", name);
    value_set_text(&r->v[idx], text);
}

static const char *error_for(const struct problem *p, const char *field)
{
    for (size_t i = 0; i < p->n_errors; i++)
        if (strcmp(p->errors[i].field, field) == 0)
            return p->errors[i].message;
    return NULL;
}

/* ---- certificates made here: a SAN with bytes a file could not carry ------ */

/* A self-signed EC certificate for CN cn whose one DNS SAN is the len bytes of
 * san, as PEM (malloc'd). */
static char *cert_with_san(const char *cn, const char *san, size_t len)
{
    EVP_PKEY *key = EVP_EC_gen("P-256");
    X509 *x = X509_new();
    ck_assert_ptr_nonnull(key);
    ck_assert_ptr_nonnull(x);
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 15);
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 86400L * 365);
    X509_NAME *name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
    X509_set_issuer_name(x, name);
    X509_set_pubkey(x, key);

    GENERAL_NAMES *names = sk_GENERAL_NAME_new_null();
    GENERAL_NAME *gn = GENERAL_NAME_new();
    ASN1_IA5STRING *ia5 = ASN1_IA5STRING_new();
    ASN1_STRING_set(ia5, san, (int)len);
    GENERAL_NAME_set0_value(gn, GEN_DNS, ia5);
    sk_GENERAL_NAME_push(names, gn);
    ck_assert_int_eq(X509_add1_ext_i2d(x, NID_subject_alt_name, names, 0, 0), 1);
    GENERAL_NAMES_free(names);
    ck_assert_int_gt(X509_sign(x, key, EVP_sha256()), 0);

    BIO *b = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(b, x);
    char *data;
    long n = BIO_get_mem_data(b, &data);
    char *pem = strndup(data, (size_t)n);
    BIO_free(b);
    X509_free(x);
    EVP_PKEY_free(key);
    return pem;
}

static int64_t add_pem(const char *pem)
{
    struct problem p = { 0 };
    int64_t id = 0;
    ck_assert_msg(service_cert_add(sv, &who, TRUST_STORE_PHONE_VPN, pem, strlen(pem), &id,
                                   &p) == 0, "service_cert_add: %s", p.detail);
    return id;
}

/* ---- gateway URLs ----------------------------------------------------------- */

static int64_t any_cert(void)
{
    char *pem = cert_with_san("asa.example.lab", "asa.example.lab", 15);
    int64_t id = add_pem(pem);
    free(pem);
    return id;
}

/* Create a gateway with url; the problem (status 0 when created). */
static struct problem gateway_with_url(const char *url, int64_t cert)
{
    struct record r = { .kind = ENT_VPN_GATEWAY };
    static int n;
    char name[32];
    snprintf(name, sizeof name, "GW-%d", ++n);
    set_text(&r, "name", name);
    set_text(&r, "url", url);
    struct value *certs = &r.v[entity_field_index(entity_get(ENT_VPN_GATEWAY), "certificates")];
    certs->ids = malloc(sizeof *certs->ids);
    certs->ids[0] = cert;
    certs->n_ids = 1;
    certs->set = true;
    struct problem p = { 0 };
    int64_t id;
    service_create(sv, &who, &r, &id, &p);
    record_free(&r);
    return p;
}

static const struct {
    const char *url, *why;    /* why: words of the refusal, NULL when accepted */
} gateway_urls[] = {
    { "https://asa.example.lab:65536/phone", "port" },
    { "https://asa.example.lab:99999/", "port" },
    { "https://asa.example.lab:0/", "port" },
    { "https://asa.example.lab:/phone", "port" },
    { "https://asa.example.lab:443x/", "port" },
    { "https://asa.example.lab:0000443/", "port" },
    { "https://user:pw@asa.example.lab/phone", "user name or password" },
    { "https://admin@asa.example.lab/", "user name or password" },
    { "https://asa.example.lab@evil.example/", "user name or password" },
    { "https://[2001:db8::1/phone", "host" },
    { "https://[not:an:address]/phone", "host" },
    { "https://asa..example.lab/", "host" },
    { "https://-asa.example.lab/", "host" },
    { "https://10.0.0.300/", "host" },
    { "https://asa.example.lab:8443/phone", NULL },
    { "https://asa.example.lab:65535", NULL },
    { "https://[2001:db8::1]:443/phone", NULL },
    { "https://[2001:db8::1]/", NULL },
    { "https://192.0.2.10/phone", NULL },
    { "https://ASA-1.Example.lab/phone", NULL },
};

START_TEST(gateway_url_port_and_userinfo)
{
    int64_t cert = any_cert();
    const char *url = gateway_urls[_i].url, *why = gateway_urls[_i].why;
    struct problem p = gateway_with_url(url, cert);
    if (why == NULL) {
        ck_assert_msg(p.status == 0, "%s refused: %s", url,
                      p.n_errors ? p.errors[0].message : p.detail);
        return;
    }
    const char *msg = error_for(&p, "url");
    ck_assert_msg(p.status == 400 && msg != NULL, "%s: status %d, no url error", url, p.status);
    ck_assert_msg(strstr(msg, why) != NULL, "%s: '%s' does not say '%s'", url, msg, why);
    ck_assert_msg(strstr(msg, "VPN Gateway URL") != NULL, "'%s' does not name the field", msg);
}
END_TEST

/* ---- system settings: the Call Manager host and the locales ---------------- */

static struct problem settings_with(const char *field, const char *text)
{
    struct record r = { .kind = ENT_SYSTEM_SETTINGS };
    set_text(&r, field, text);
    struct problem p = { 0 };
    service_update(sv, &who, ENT_SYSTEM_SETTINGS, 1, &r, &p);
    record_free(&r);
    return p;
}

static const struct {
    const char *field, *text;
    bool ok;
} settings_cases[] = {
    { "call_manager_host", "cucm.example.lab", true },
    { "call_manager_host", "cucm1", true },
    { "call_manager_host", "192.0.2.5", true },
    { "call_manager_host", "2001:db8::5", true },
    { "call_manager_host", "<b>cucm</b>", false },
    { "call_manager_host", "cucm.example.lab\"/><x y=\"", false },
    { "call_manager_host", "cucm example", false },
    { "call_manager_host", "cucm.example.lab:5060", false },
    { "call_manager_host", "[2001:db8::5]", false },
    { "call_manager_host", "192.0.2.256", false },
    { "call_manager_host", "cucm_1.example.lab", false },
    { "call_manager_host", "a.-b.lab", false },
    { "user_locale", "English_United_States", true },
    { "user_locale", "Chinese_China-Traditional", true },
    { "user_locale", "../../etc", false },
    { "user_locale", "English United States", false },
    { "user_locale", "English/US", false },
    { "network_locale", "United_States", true },
    { "network_locale", "../../etc/passwd", false },
    { "network_locale", "United.States", false },
};

START_TEST(host_and_locales_of_the_system_settings)
{
    const char *field = settings_cases[_i].field, *text = settings_cases[_i].text;
    struct problem p = settings_with(field, text);
    if (settings_cases[_i].ok) {
        ck_assert_msg(p.status == 0, "%s = '%s' refused: %s", field, text,
                      p.n_errors ? p.errors[0].message : p.detail);
        return;
    }
    const char *msg = error_for(&p, field);
    ck_assert_msg(p.status == 400 && msg != NULL, "%s = '%s' accepted (status %d)", field, text,
                  p.status);
    struct record r;
    ck_assert_int_eq(service_get(sv, ENT_SYSTEM_SETTINGS, 1, &r, &p), 0);
    const char *now = r.v[entity_field_index(entity_get(ENT_SYSTEM_SETTINGS), field)].s;
    ck_assert_str_ne(now, text);   /* the refusal changed nothing */
    record_free(&r);
}
END_TEST

/* ---- a SAN holding a line break is one bad name, not two good ones -------- */

START_TEST(san_with_control_characters_never_matches)
{
    static const struct {
        const char *san;
        size_t len;
    } sans[] = {
        { "evil.example\nvpn.example.lab", 28 },
        { "evil.example\r\nvpn.example.lab", 29 },
        { "vpn.example.lab\0.evil.example", 29 },
        { "vpn.example.lab\n", 16 },
    };
    for (size_t i = 0; i < sizeof sans / sizeof sans[0]; i++) {
        char *pem = cert_with_san("ASA identity", sans[i].san, sans[i].len);
        int64_t id = add_pem(pem);
        free(pem);
        struct cert_row row;
        struct problem p = { 0 };
        ck_assert_int_eq(service_cert_get(sv, id, &row, &p), 0);
        ck_assert_msg(row.info.n_sans == 1, "SAN %zu came back as %zu names", i,
                      row.info.n_sans);
        for (const char *c = row.info.sans[0]; *c; c++)
            ck_assert_msg((unsigned char)*c >= 0x20 && *c != 0x7f, "SAN %zu keeps a control "
                          "character", i);
        ck_assert_msg(!cert_matches_host(&row.info, "vpn.example.lab"),
                      "SAN %zu passes the Host ID check for vpn.example.lab", i);
        ck_assert(!cert_matches_host(&row.info, "evil.example"));
        cert_row_free(&row);
    }
}
END_TEST

START_TEST(host_id_diagnosis_sees_through_a_split_san)
{
    /* A gateway whose only certificate names its host after a line break:
     * the phone's Host ID check fails, so the diagnosis must say so. */
    char *pem = cert_with_san("ASA identity", "evil.example\nvpn.example.lab", 28);
    int64_t cert = add_pem(pem);
    free(pem);
    struct problem p = gateway_with_url("https://vpn.example.lab/phone", cert);
    ck_assert_int_eq(p.status, 0);
    struct record g = { .kind = ENT_VPN_GROUP };
    set_text(&g, "name", "G");
    struct value *gws = &g.v[entity_field_index(entity_get(ENT_VPN_GROUP), "gateways")];
    int64_t gw;
    ck_assert_int_eq(service_lookup_name(sv, ENT_VPN_GATEWAY, "GW-1", &gw), 0);
    gws->ids = malloc(sizeof *gws->ids);
    gws->ids[0] = gw;
    gws->n_ids = 1;
    gws->set = true;
    int64_t group;
    ck_assert_int_eq(service_create(sv, &who, &g, &group, &p), 0);
    record_free(&g);
    struct record c = { .kind = ENT_COMMON_PHONE_PROFILE };
    set_text(&c, "name", "CPP-VPN");
    value_set_int(&c.v[entity_field_index(entity_get(ENT_COMMON_PHONE_PROFILE), "vpn_group")],
                  group);
    int64_t cpp;
    ck_assert_int_eq(service_create(sv, &who, &c, &cpp, &p), 0);
    record_free(&c);

    struct diagnostic *d = NULL;
    size_t n = 0;
    ck_assert_int_eq(service_diagnostics(sv, 30, &d, &n, &p), 0);
    bool warned = false;
    for (size_t i = 0; i < n; i++)
        warned |= strcmp(d[i].code, "host_id_check_mismatch") == 0 && d[i].id == gw;
    free(d);
    ck_assert_msg(warned, "no host_id_check_mismatch for the gateway");
}
END_TEST

/* ---- the ASA configuration's parameters ------------------------------------ */

static int64_t asa_group(void)
{
    int64_t cert = any_cert();
    struct problem p = gateway_with_url("https://asa.example.lab/phone", cert);
    ck_assert_int_eq(p.status, 0);
    int64_t gw;
    ck_assert_int_eq(service_lookup_name(sv, ENT_VPN_GATEWAY, "GW-1", &gw), 0);
    struct record g = { .kind = ENT_VPN_GROUP };
    set_text(&g, "name", "PHONES");
    struct value *gws = &g.v[entity_field_index(entity_get(ENT_VPN_GROUP), "gateways")];
    gws->ids = malloc(sizeof *gws->ids);
    gws->ids[0] = gw;
    gws->n_ids = 1;
    gws->set = true;
    int64_t group;
    ck_assert_int_eq(service_create(sv, &who, &g, &group, &p), 0);
    record_free(&g);
    return group;
}

static struct asa_request asa_defaults(void)
{
    return (struct asa_request){ .pool = "10.10.1.1-10.10.1.254", .mask = "255.255.255.0",
                                 .outside = "outside", .trustpoint = "asa-identity-cert" };
}

START_TEST(asa_mask_is_a_parameter_error)
{
    int64_t group = asa_group();
    static const char *const masks[] = { "255.0.255.0", "0.0.0.0", "255.255.255", "banana",
                                         "255.255.255.0 ", "" };
    for (size_t i = 0; i < sizeof masks / sizeof masks[0]; i++) {
        struct asa_request ar = asa_defaults();
        ar.mask = masks[i];
        struct problem p = { 0 };
        char *text = NULL;
        ck_assert_int_eq(service_asa_config(sv, group, &ar, &text, &p), -1);
        ck_assert_ptr_null(text);
        ck_assert_msg(p.status == 400 && error_for(&p, "mask") != NULL,
                      "mask '%s': status %d", masks[i], p.status);
    }
    /* a pool that the mask puts in two subnets, or on the broadcast address */
    static const char *const pools[][2] = { { "10.10.1.1-10.10.2.10", "255.255.255.0" },
                                            { "10.10.1.1-10.10.1.255", "255.255.255.0" } };
    for (size_t i = 0; i < 2; i++) {
        struct asa_request ar = asa_defaults();
        ar.pool = pools[i][0];
        ar.mask = pools[i][1];
        struct problem p = { 0 };
        char *text = NULL;
        ck_assert_int_eq(service_asa_config(sv, group, &ar, &text, &p), -1);
        ck_assert_msg(p.status == 400 && error_for(&p, "pool") != NULL, "pool %s", pools[i][0]);
    }
    struct asa_request ar = asa_defaults();
    ar.mask = "255.255.252.0";
    ar.pool = "10.10.0.10-10.10.3.200";
    struct problem p = { 0 };
    char *text = NULL;
    ck_assert_int_eq(service_asa_config(sv, group, &ar, &text, &p), 0);
    ck_assert_ptr_nonnull(strstr(text, "mask 255.255.252.0"));
    free(text);
}
END_TEST

START_TEST(asa_flags_are_true_or_false)
{
    static const struct {
        const char *text;
        int want;   /* 1 true, 0 false, -1 refused */
    } flags[] = {
        { NULL, 0 }, { "", 0 }, { "true", 1 }, { "1", 1 }, { "yes", 1 }, { "on", 1 },
        { "false", 0 }, { "0", 0 }, { "no", 0 }, { "off", 0 },
        { "maybe", -1 }, { "TRUE1", -1 }, { "2", -1 }, { "true ", -1 },
    };
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
        struct problem p = { 0 };
        bool on = true;
        bool ok = service_asa_flag("ciphers", flags[i].text, &on, &p);
        if (flags[i].want < 0) {
            ck_assert_msg(!ok && p.status == 400 && error_for(&p, "ciphers") != NULL,
                          "'%s' accepted", flags[i].text);
        } else {
            ck_assert_msg(ok && p.status == 0 && on == (flags[i].want == 1), "'%s' read wrong",
                          flags[i].text ? flags[i].text : "(absent)");
        }
    }
    /* A flag refused first makes service_asa_config refuse too, with both errors. */
    int64_t group = asa_group();
    struct asa_request ar = asa_defaults();
    ar.mask = "255.0.255.0";
    struct problem p = { 0 };
    ck_assert(!service_asa_flag("ciphers", "maybe", &ar.ciphers, &p));
    char *text = NULL;
    ck_assert_int_eq(service_asa_config(sv, group, &ar, &text, &p), -1);
    ck_assert_ptr_null(text);
    ck_assert_ptr_nonnull(error_for(&p, "ciphers"));
    ck_assert_ptr_nonnull(error_for(&p, "mask"));
}
END_TEST

/* ---- admin passwords: up to the documented maximum, whole -------------- */

START_TEST(long_passwords_are_kept_whole_up_to_the_maximum)
{
    char *longest = malloc(SERVICE_ADMIN_PASSWORD_MAX + 2);
    for (size_t i = 0; i < SERVICE_ADMIN_PASSWORD_MAX + 1; i++)
        longest[i] = (char)('a' + i % 26);
    longest[SERVICE_ADMIN_PASSWORD_MAX + 1] = '\0';
    struct problem p = { 0 };
    ck_assert_int_eq(service_admin_add(sv, "alice", longest, &p), -1);   /* one too many */
    const char *msg = error_for(&p, "password");
    ck_assert_ptr_nonnull(msg);
    ck_assert_ptr_nonnull(strstr(msg, "1024"));
    ck_assert_int_eq(service_admin_count(sv), 0);

    longest[SERVICE_ADMIN_PASSWORD_MAX] = '\0';
    memset(&p, 0, sizeof p);
    ck_assert_int_eq(service_admin_add(sv, "alice", longest, &p), 0);
    struct actor a;
    ck_assert(service_auth_password(sv, "alice", longest, &a));
    /* every character counts: a password cut anywhere is another password */
    static const size_t cuts[] = { 255, 256, SERVICE_ADMIN_PASSWORD_MAX - 1 };
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        char saved = longest[cuts[i]];
        longest[cuts[i]] = '\0';
        ck_assert_msg(!service_auth_password(sv, "alice", longest, &a), "cut at %zu passes",
                      cuts[i]);
        longest[cuts[i]] = saved;
    }
    longest[SERVICE_ADMIN_PASSWORD_MAX] = 'x';
    memset(&p, 0, sizeof p);
    ck_assert_int_eq(service_admin_set_password(sv, "alice", longest, &p), -1);
    ck_assert_ptr_nonnull(error_for(&p, "password"));
    ck_assert(!service_auth_password(sv, "alice", longest, &a));
    free(longest);
}
END_TEST

static Suite *validate_suite(void)
{
    Suite *s = suite_create("validate");
    TCase *tc = tcase_create("fields");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_loop_test(tc, gateway_url_port_and_userinfo, 0,
                        (int)(sizeof gateway_urls / sizeof gateway_urls[0]));
    tcase_add_loop_test(tc, host_and_locales_of_the_system_settings, 0,
                        (int)(sizeof settings_cases / sizeof settings_cases[0]));
    tcase_add_test(tc, san_with_control_characters_never_matches);
    tcase_add_test(tc, host_id_diagnosis_sees_through_a_split_san);
    tcase_add_test(tc, asa_mask_is_a_parameter_error);
    tcase_add_test(tc, asa_flags_are_true_or_false);
    suite_add_tcase(s, tc);

    tc = tcase_create("auth");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);   /* PBKDF2 with 100,000 rounds, slower under sanitizers */
    tcase_add_test(tc, long_passwords_are_kept_whole_up_to_the_maximum);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    log_set_level(LOG_LEVEL_ERROR);
    return fixture_run(validate_suite(), "validate");
}
