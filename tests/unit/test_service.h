/* test_service.h - what the service suite's files share: a fresh database
 * per test (svc_fixture.h), fixture certificates, records made and checked
 * field by field, the lab of three phones, and the rendered files read back
 * with XPath.  Each family of tests adds its test case (add_*_tests). */
#ifndef UCPROV_TEST_SERVICE_H
#define UCPROV_TEST_SERVICE_H

#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "server/model.h"
#include "server/service/service.h"

/* certHash of the fixtures, computed with the openssl CLI:
 * openssl x509 -in X.pem -outform DER | openssl dgst -sha1 -binary | base64 */
#define HASH_ASA "toOpERyhsAPsJTM2Q708z+oWaZw="   /* asa_rsa.pem */
#define HASH_EC  "hwJyZg/oM5cbabFMt9m5N5XoqWk="   /* ec_ca_signed.pem */
extern const char *const bundle_hashes[12];      /* vpn_bundle12.pem, in file order */

extern struct service *sv;   /* this test's, over its fresh database */
extern const struct actor who;
void setup(void);
void teardown(void);

/* ---- fixtures ---- */
/* The fixture file, NUL-terminated; the caller frees it. */
char *load(const char *name, size_t *len);
int64_t add_cert_bytes(const char *store, const char *bytes, size_t len);
int64_t add_cert(const char *store, const char *fixture);
/* The i-th (0-based) certificate of vpn_bundle12.pem into Phone-VPN-trust. */
int64_t add_bundle_cert(int i);

/* ---- records ---- */
int field(enum entity_kind kind, const char *name);
void set_text(struct record *r, const char *name, const char *text);
void set_int(struct record *r, const char *name, int64_t i);
void set_ids(struct record *r, const char *name, const int64_t *ids, size_t n);
struct record rec(enum entity_kind kind);
/* Create and expect success; frees the patch. */
int64_t create(struct record *r);
/* Create and expect a refusal; frees the patch and returns the problem. */
struct problem create_refused(struct record *r);
void update(enum entity_kind kind, int64_t id, struct record *r);
struct problem update_refused(enum entity_kind kind, int64_t id, struct record *r);
bool has_field_error(const struct problem *p, const char *name);
int64_t total_of(enum entity_kind kind);
int64_t cert_total(void);
struct record get(enum entity_kind kind, int64_t id);
/* Field by field equality of two loaded records. */
void assert_same_record(const struct record *a, const struct record *b);

#define ck_assert_refused(p, st, fld)                                                      \
    do {                                                                                  \
        ck_assert_msg((p).status == (st), "status %d (%s), want %d", (p).status,          \
                      (p).detail, (st));                                                  \
        ck_assert_msg(has_field_error(&(p), (fld)), "no field error for '%s' (first: %s)", \
                      (fld), (p).n_errors ? (p).errors[0].field : "none");                \
    } while (0)

/* ---- the lab ---- *
 * Phone A: profile "CPP-A" -> group "Group-A" (gateway GW-A: asa cert) + VPN profile.
 * Phone B: profile "CPP-B" -> group "Group-B" (gateway GW-B: ec cert), no VPN
 *          profile, so the VPN feature configuration applies.
 * Phone C: the shipped "Standard Common Phone Profile" (no VPN group). */
struct lab {
    int64_t cert_asa, cert_ec, gw_a, gw_b, group_a, group_b, vpn_profile, cpp_a, cpp_b, cpp_std;
    int64_t phone_a, phone_b, phone_c;
};

#define PHONE_A "SEP00562B043615"
#define PHONE_B "SEP00562B043616"
#define PHONE_C "SEP00562B043617"
#define URL_A   "https://asa.example.lab/phone"
#define URL_B   "https://vpn-b.example.lab/phone"

int64_t make_gateway(const char *name, const char *url, const int64_t *certs, size_t n);
int64_t make_group(const char *name, const int64_t *gateways, size_t n);
int64_t make_phone(const char *name, int64_t cpp);
void build_lab(struct lab *L);

/* ---- rendered files ---- */
struct cache_blob *render(const char *name);
/* String value of expr in the blob, "" when nothing matches; caller frees.
 * Asserts at most one node matches. */
char *xpath(const struct cache_blob *b, const char *expr);
struct cache_stats stats(void);

#define ck_assert_xpath(b, expr, want)                                                     \
    do {                                                                                  \
        char *got_ = xpath((b), (expr));                                                  \
        ck_assert_msg(strcmp(got_, (want)) == 0, "%s: %s = \"%s\", want \"%s\"",          \
                      (b)->name, (expr), got_, (want));                                   \
        free(got_);                                                                       \
    } while (0)

/* ---- the families, a test case each ---- */
/* A test case named name in s, each test on a fresh database (setup and
 * teardown), allowed timeout seconds. */
TCase *service_tcase(Suite *s, const char *name, int timeout);
void add_render_tests(Suite *s);        /* test_service_render.c */
void add_certificate_tests(Suite *s);   /* test_service_certs.c */
void add_validation_tests(Suite *s);    /* test_service_validation.c */
void add_auth_tests(Suite *s);          /* test_service_auth.c */

#endif
