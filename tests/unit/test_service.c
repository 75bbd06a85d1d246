/* test_service.c - the admin operations end to end on a fresh SQLite database:
 * validation and refusals (a refused write changes nothing), certificates,
 * rendering through the cache with precise invalidation, admins and tokens.
 * Each test gets its own database under a mkdtemp() directory in /tmp. */
#include <config.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "server/log.h"
#include "server/model.h"
#include "server/service/service.h"

/* certHash of the fixtures, computed with the openssl CLI:
 * openssl x509 -in X.pem -outform DER | openssl dgst -sha1 -binary | base64 */
#define HASH_ASA "toOpERyhsAPsJTM2Q708z+oWaZw="   /* asa_rsa.pem */
#define HASH_EC  "hwJyZg/oM5cbabFMt9m5N5XoqWk="   /* ec_ca_signed.pem */
static const char *const bundle_hashes[12] = {   /* vpn_bundle12.pem, in file order */
    "dzZTpSA6PhFwS7WD+1N7AUCL2/0=", "0dDNYw9/rtyczWTxYKvu/hIM2JU=",
    "8T/u5VQkSpruwSPCb7uDak3aFSE=", "126ErRapqRo7g1CLENF9kere/7A=",
    "HlRv8QIB0Ccc3aAnsrNzstT8IZ8=", "tN+fyiHYo7JfZCuQhZFwwpdr6Fg=",
    "AykH/Q46Z4MwLj98jPh3d9UXoCo=", "3PgVJJg0sxbPpyshGjtfzsaumJY=",
    "Sj/Yinxd2CgQwwIL7RFfacLJw88=", "nayyiBRqr1nv8Jm6m27HHZ+O9RM=",
    "1OfOJvbu95DfuILd7BnFhhKzLVQ=", "fNn0/oyESjkmTCJUaUlzKOs54FE=",
};

static char tmpdir[96];
static char dbpath[128];
static struct service *sv;
static const struct actor who = { 0, "test" };

/* Every test's database lives in its own directory under basedir, which main()
 * creates and removes as a whole: Check skips a checked teardown when a test
 * fails, and the forked test process exits without running atexit handlers. */
static char basedir[64];

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path);   /* keep walking whatever happens */
    return 0;
}

static void remove_tree(const char *dir)
{
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void setup(void)
{
    snprintf(tmpdir, sizeof tmpdir, "%s/t-XXXXXX", basedir);
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    snprintf(dbpath, sizeof dbpath, "%s/ucprov.db", tmpdir);
    char err[256] = "";
    sv = service_open(dbpath, err, sizeof err);
    ck_assert_msg(sv != NULL, "service_open: %s", err);
}

static void teardown(void)
{
    service_close(sv);
    sv = NULL;
    remove_tree(tmpdir);
}

/* ---- fixtures ------------------------------------------------------------- */

static char *load(const char *name, size_t *len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", FIXTURES_DIR, name);
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open fixture %s", path);
    char *buf = malloc(70000);
    *len = fread(buf, 1, 69999, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

static int64_t add_cert_bytes(const char *store, const char *bytes, size_t len)
{
    struct problem p = { 0 };
    int64_t id = 0;
    int rc = service_cert_add(sv, &who, store, bytes, len, &id, &p);
    ck_assert_msg(rc == 0, "service_cert_add: %d %s", p.status, p.detail);
    ck_assert_int_gt(id, 0);
    return id;
}

static int64_t add_cert(const char *store, const char *fixture)
{
    size_t len;
    char *pem = load(fixture, &len);
    int64_t id = add_cert_bytes(store, pem, len);
    free(pem);
    return id;
}

/* The i-th (0-based) certificate of vpn_bundle12.pem into Phone-VPN-trust. */
static int64_t add_bundle_cert(int i)
{
    size_t len;
    char *all = load("vpn_bundle12.pem", &len);
    static const char begin[] = "-----BEGIN CERTIFICATE-----";
    char *start = all;
    for (int k = 0; k <= i; k++) {
        start = strstr(k ? start + 1 : start, begin);
        ck_assert_ptr_nonnull(start);
    }
    char *end = strstr(start + 1, begin);
    size_t n = end ? (size_t)(end - start) : strlen(start);
    int64_t id = add_cert_bytes(TRUST_STORE_PHONE_VPN, start, n);
    free(all);
    return id;
}

/* ---- records -------------------------------------------------------------- */

static int field(enum entity_kind kind, const char *name)
{
    int idx = entity_field_index(entity_get(kind), name);
    ck_assert_msg(idx >= 0, "no field %s", name);
    return idx;
}

static void set_text(struct record *r, const char *name, const char *text)
{
    value_set_text(&r->v[field(r->kind, name)], text);
}

static void set_int(struct record *r, const char *name, int64_t i)
{
    value_set_int(&r->v[field(r->kind, name)], i);
}

static void set_ids(struct record *r, const char *name, const int64_t *ids, size_t n)
{
    struct value *v = &r->v[field(r->kind, name)];
    free(v->ids);
    v->ids = malloc((n ? n : 1) * sizeof *v->ids);
    memcpy(v->ids, ids, n * sizeof *ids);
    v->n_ids = n;
    v->set = true;
}

static struct record rec(enum entity_kind kind)
{
    struct record r;
    memset(&r, 0, sizeof r);
    r.kind = kind;
    return r;
}

/* Create and expect success; frees the patch. */
static int64_t create(struct record *r)
{
    struct problem p = { 0 };
    int64_t id = 0;
    int rc = service_create(sv, &who, r, &id, &p);
    ck_assert_msg(rc == 0, "service_create(%s): %d %s [%s: %s]", entity_get(r->kind)->label,
                  p.status, p.detail, p.n_errors ? p.errors[0].field : "",
                  p.n_errors ? p.errors[0].message : "");
    ck_assert_int_gt(id, 0);
    record_free(r);
    return id;
}

/* Create and expect a refusal; frees the patch and returns the problem. */
static struct problem create_refused(struct record *r)
{
    struct problem p = { 0 };
    int64_t id = -7;
    int rc = service_create(sv, &who, r, &id, &p);
    ck_assert_msg(rc != 0, "service_create(%s) should have been refused",
                  entity_get(r->kind)->label);
    ck_assert_int_eq(id, -7);
    record_free(r);
    return p;
}

static void update(enum entity_kind kind, int64_t id, struct record *r)
{
    struct problem p = { 0 };
    int rc = service_update(sv, &who, kind, id, r, &p);
    ck_assert_msg(rc == 0, "service_update(%s %lld): %d %s [%s: %s]", entity_get(kind)->label,
                  (long long)id, p.status, p.detail, p.n_errors ? p.errors[0].field : "",
                  p.n_errors ? p.errors[0].message : "");
    record_free(r);
}

static struct problem update_refused(enum entity_kind kind, int64_t id, struct record *r)
{
    struct problem p = { 0 };
    int rc = service_update(sv, &who, kind, id, r, &p);
    ck_assert_msg(rc != 0, "service_update(%s %lld) should have been refused",
                  entity_get(kind)->label, (long long)id);
    record_free(r);
    return p;
}

static bool has_field_error(const struct problem *p, const char *name)
{
    for (size_t i = 0; i < p->n_errors; i++)
        if (strcmp(p->errors[i].field, name) == 0)
            return true;
    return false;
}

#define ck_assert_refused(p, st, fld)                                                      \
    do {                                                                                  \
        ck_assert_msg((p).status == (st), "status %d (%s), want %d", (p).status,          \
                      (p).detail, (st));                                                  \
        ck_assert_msg(has_field_error(&(p), (fld)), "no field error for '%s' (first: %s)", \
                      (fld), (p).n_errors ? (p).errors[0].field : "none");                \
    } while (0)

static int64_t total_of(enum entity_kind kind)
{
    struct list_query q = { MATCH_ANY, NULL, 1000, 0 };
    struct record *items = NULL;
    size_t n = 0;
    int64_t total = -1;
    struct problem p = { 0 };
    ck_assert_int_eq(service_list(sv, kind, &q, &items, &n, &total, &p), 0);
    for (size_t i = 0; i < n; i++)
        record_free(&items[i]);
    free(items);
    return total;
}

static int64_t cert_total(void)
{
    struct list_query q = { MATCH_ANY, NULL, 1000, 0 };
    struct cert_row *rows = NULL;
    size_t n = 0;
    int64_t total = -1;
    struct problem p = { 0 };
    ck_assert_int_eq(service_cert_list(sv, &q, NULL, &rows, &n, &total, &p), 0);
    for (size_t i = 0; i < n; i++)
        cert_row_free(&rows[i]);
    free(rows);
    return total;
}

static struct record get(enum entity_kind kind, int64_t id)
{
    struct record r;
    struct problem p = { 0 };
    ck_assert_msg(service_get(sv, kind, id, &r, &p) == 0, "service_get: %s", p.detail);
    return r;
}

/* Field by field equality of two loaded records. */
static void assert_same_record(const struct record *a, const struct record *b)
{
    const struct entity_def *e = entity_get(a->kind);
    ck_assert_int_eq(a->kind, b->kind);
    ck_assert_int_eq(a->id, b->id);
    for (size_t i = 0; i < e->n_fields; i++) {
        const struct value *x = &a->v[i], *y = &b->v[i];
        const char *f = e->fields[i].name;
        ck_assert_msg(x->is_null == y->is_null, "%s: is_null differs", f);
        ck_assert_msg(x->i == y->i, "%s: %lld != %lld", f, (long long)x->i, (long long)y->i);
        ck_assert_msg((x->s == NULL) == (y->s == NULL) && (!x->s || strcmp(x->s, y->s) == 0),
                      "%s: '%s' != '%s'", f, x->s ? x->s : "(null)", y->s ? y->s : "(null)");
        ck_assert_msg(x->n_ids == y->n_ids, "%s: %zu ids != %zu ids", f, x->n_ids, y->n_ids);
        for (size_t k = 0; k < x->n_ids; k++)
            ck_assert_msg(x->ids[k] == y->ids[k], "%s: id %zu differs", f, k);
    }
}

/* ---- the lab -------------------------------------------------------------- *
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

static int64_t make_gateway(const char *name, const char *url, const int64_t *certs, size_t n)
{
    struct record r = rec(ENT_VPN_GATEWAY);
    set_text(&r, "name", name);
    set_text(&r, "url", url);
    set_ids(&r, "certificates", certs, n);
    return create(&r);
}

static int64_t make_group(const char *name, const int64_t *gateways, size_t n)
{
    struct record r = rec(ENT_VPN_GROUP);
    set_text(&r, "name", name);
    set_ids(&r, "gateways", gateways, n);
    return create(&r);
}

static int64_t make_phone(const char *name, int64_t cpp)
{
    struct record r = rec(ENT_PHONE);
    set_text(&r, "name", name);
    set_text(&r, "model", "Cisco 8861");
    set_int(&r, "common_phone_profile", cpp);
    return create(&r);
}

static void build_lab(struct lab *L)
{
    L->cert_asa = add_cert(TRUST_STORE_PHONE_VPN, "asa_rsa.pem");
    L->cert_ec = add_cert(TRUST_STORE_PHONE_VPN, "ec_ca_signed.pem");
    L->gw_a = make_gateway("GW-A", URL_A, &L->cert_asa, 1);
    L->gw_b = make_gateway("GW-B", URL_B, &L->cert_ec, 1);
    L->group_a = make_group("Group-A", &L->gw_a, 1);
    L->group_b = make_group("Group-B", &L->gw_b, 1);

    struct record r = rec(ENT_VPN_PROFILE);
    set_text(&r, "name", "Profile-A");
    set_int(&r, "mtu", 1300);
    set_int(&r, "client_auth_method", 2);
    L->vpn_profile = create(&r);

    r = rec(ENT_COMMON_PHONE_PROFILE);
    set_text(&r, "name", "CPP-A");
    set_int(&r, "vpn_group", L->group_a);
    set_int(&r, "vpn_profile", L->vpn_profile);
    L->cpp_a = create(&r);

    r = rec(ENT_COMMON_PHONE_PROFILE);
    set_text(&r, "name", "CPP-B");
    set_int(&r, "vpn_group", L->group_b);
    L->cpp_b = create(&r);

    ck_assert_int_eq(service_lookup_name(sv, ENT_COMMON_PHONE_PROFILE,
                                         "Standard Common Phone Profile", &L->cpp_std), 0);
    L->phone_a = make_phone(PHONE_A, L->cpp_a);
    L->phone_b = make_phone(PHONE_B, L->cpp_b);
    L->phone_c = make_phone(PHONE_C, L->cpp_std);
}

/* ---- rendered files ------------------------------------------------------- */

static struct cache_blob *render(const char *name)
{
    struct cache_blob *b = service_render(sv, name);
    ck_assert_msg(b != NULL, "service_render(%s) failed", name);
    return b;
}

static xmlDocPtr parse_blob(const struct cache_blob *b)
{
    xmlDocPtr doc = xmlReadMemory((const char *)b->data, (int)b->len, "cnf.xml", NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    ck_assert_msg(doc != NULL, "%s is not well-formed XML", b->name);
    return doc;
}

/* String value of expr in the blob, "" when nothing matches; caller frees.
 * Asserts at most one node matches. */
static char *xpath(const struct cache_blob *b, const char *expr)
{
    xmlDocPtr doc = parse_blob(b);
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, ctx);
    ck_assert_ptr_nonnull(o);
    int n = o->nodesetval ? o->nodesetval->nodeNr : 0;
    ck_assert_msg(n <= 1, "%s matches %d nodes", expr, n);
    char *out = strdup("");
    if (n == 1) {
        xmlChar *s = xmlNodeGetContent(o->nodesetval->nodeTab[0]);
        free(out);
        out = strdup((const char *)s);
        xmlFree(s);
    }
    xmlXPathFreeObject(o);
    xmlXPathFreeContext(ctx);
    xmlFreeDoc(doc);
    return out;
}

#define ck_assert_xpath(b, expr, want)                                                     \
    do {                                                                                  \
        char *got_ = xpath((b), (expr));                                                  \
        ck_assert_msg(strcmp(got_, (want)) == 0, "%s: %s = \"%s\", want \"%s\"",          \
                      (b)->name, (expr), got_, (want));                                   \
        free(got_);                                                                       \
    } while (0)

static struct cache_stats stats(void)
{
    struct cache_stats s;
    service_cache_stats(sv, &s);
    return s;
}

/* ---- the cache warmer ----------------------------------------------------- */

/* Up to ten seconds for the warmer to have cached want entries. */
static struct cache_stats wait_for_entries(uint64_t want)
{
    struct cache_stats st = stats();
    for (int i = 0; i < 1000 && st.entries < want; i++) {
        struct timespec ms10 = { 0, 10 * 1000 * 1000 };
        nanosleep(&ms10, NULL);
        st = stats();
    }
    return st;
}

START_TEST(warmer_fills_cache_and_refills_after_full_eviction)
{
    struct lab L;
    build_lab(&L);
    ck_assert_int_eq(service_warm_start(sv, 2), 0);
    /* Every phone of the lab and XMLDefault, without a fetch counted. */
    struct cache_stats st = wait_for_entries(4);
    ck_assert_uint_ge(st.entries, 4);
    ck_assert_uint_eq(st.hits, 0);
    ck_assert_uint_eq(st.misses, 0);
    struct cache_blob *a = render(PHONE_A);   /* from memory: a hit */
    ck_assert_xpath(a, "/device/vpnGroup/addresses/url1", URL_A);
    cache_blob_unref(a);
    ck_assert_uint_eq(stats().misses, 0);
    ck_assert_uint_eq(stats().hits, 1);

    /* A change every phone depends on empties the cache; the warmer refills it,
     * and the refilled file carries the change. */
    struct problem p = { 0 };
    ck_assert_int_eq(service_model_set_load(sv, &who, 685, "sip88xx.14-3-1-0001-99", &p), 0);
    st = wait_for_entries(4);
    ck_assert_uint_ge(st.entries, 4);
    ck_assert_uint_eq(st.misses, 0);
    a = render(PHONE_A);
    ck_assert_xpath(a, "/device/loadInformation", "sip88xx.14-3-1-0001-99");
    cache_blob_unref(a);
    ck_assert_uint_eq(stats().misses, 0);
}
END_TEST

/* ---- the chain renders ---------------------------------------------------- */

START_TEST(full_chain_renders)
{
    struct lab L;
    build_lab(&L);
    struct cache_blob *a = render(PHONE_A);
    ck_assert_str_eq(a->name, PHONE_A);
    ck_assert_xpath(a, "/device/vpnGroup/addresses/url1", URL_A);
    ck_assert_xpath(a, "/device/vpnGroup/addresses/url2", "");
    ck_assert_xpath(a, "/device/vpnGroup/credentials/certHash1", HASH_ASA);
    ck_assert_xpath(a, "/device/vpnGroup/credentials/certHash2", "");
    ck_assert_xpath(a, "/device/vpnGroup/credentials/hashAlg", "0");
    ck_assert_xpath(a, "/device/vpnGroup/mtu", "1300");         /* from Profile-A */
    ck_assert_xpath(a, "/device/vpnGroup/authMethod", "2");
    ck_assert_xpath(a, "/device/versionStamp", a->version_stamp);
    ck_assert_xpath(a, "/device/loadInformation", "sip88xx.14-2-1-0001-14");

    struct cache_blob *b = render(PHONE_B);
    ck_assert_xpath(b, "/device/vpnGroup/addresses/url1", URL_B);
    ck_assert_xpath(b, "/device/vpnGroup/credentials/certHash1", HASH_EC);
    ck_assert_xpath(b, "/device/vpnGroup/mtu", "1290");         /* feature configuration */
    ck_assert_xpath(b, "/device/vpnGroup/authMethod", "0");

    struct cache_blob *c = render(PHONE_C);
    ck_assert_xpath(c, "/device/vpnGroup", "");
    ck_assert_ptr_null(strstr((const char *)c->data, "vpnGroup"));

    /* names are matched as the phone asks, upper case; unknown devices are NULL */
    ck_assert_ptr_null(service_render(sv, "SEP000000000000"));

    struct cache_blob *d = render(XMLDEFAULT_NAME);
    ck_assert_xpath(d, "/Default/loadInformation685/@model", "Cisco 8861");

    struct problem p = { 0 };
    struct cache_blob *byid = service_phone_config(sv, L.phone_a, &p);
    ck_assert_ptr_eq(byid, a);   /* the cached file */
    cache_blob_unref(byid);
    ck_assert_ptr_null(service_phone_config(sv, 99999, &p));
    ck_assert_int_eq(p.status, 404);

    cache_blob_unref(a);
    cache_blob_unref(b);
    cache_blob_unref(c);
    cache_blob_unref(d);
}
END_TEST

START_TEST(group_lists_all_gateways)
{
    struct lab L;
    build_lab(&L);
    struct record r = rec(ENT_VPN_GROUP);
    int64_t both[] = { L.gw_b, L.gw_a };
    set_ids(&r, "gateways", both, 2);
    update(ENT_VPN_GROUP, L.group_a, &r);
    struct cache_blob *a = render(PHONE_A);
    ck_assert_xpath(a, "/device/vpnGroup/addresses/url1", URL_B);   /* priority order */
    ck_assert_xpath(a, "/device/vpnGroup/addresses/url2", URL_A);
    ck_assert_xpath(a, "/device/vpnGroup/credentials/certHash1", HASH_EC);
    ck_assert_xpath(a, "/device/vpnGroup/credentials/certHash2", HASH_ASA);
    cache_blob_unref(a);
}
END_TEST

/* ---- precise invalidation ------------------------------------------------- */

START_TEST(gateway_change_evicts_only_its_phones)
{
    struct lab L;
    build_lab(&L);
    struct cache_blob *a1 = render(PHONE_A), *b1 = render(PHONE_B), *c1 = render(PHONE_C);

    struct record r = rec(ENT_VPN_GATEWAY);
    set_text(&r, "url", "https://asa-new.example.lab/phone");
    update(ENT_VPN_GATEWAY, L.gw_a, &r);

    struct cache_stats before = stats();
    struct cache_blob *a2 = render(PHONE_A), *b2 = render(PHONE_B), *c2 = render(PHONE_C);
    struct cache_stats after = stats();
    ck_assert_ptr_ne(a2, a1);
    ck_assert_xpath(a2, "/device/vpnGroup/addresses/url1", "https://asa-new.example.lab/phone");
    ck_assert_str_ne(a2->version_stamp, a1->version_stamp);
    ck_assert_ptr_eq(b2, b1);   /* same object: a cache hit, not a re-render */
    ck_assert_ptr_eq(c2, c1);
    ck_assert_uint_eq(after.hits - before.hits, 2);
    ck_assert_uint_eq(after.misses - before.misses, 1);
    ck_assert_uint_eq(after.entries, 3);

    cache_blob_unref(a1); cache_blob_unref(b1); cache_blob_unref(c1);
    cache_blob_unref(a2); cache_blob_unref(b2); cache_blob_unref(c2);
}
END_TEST

START_TEST(certificate_list_change_reaches_phone)
{
    struct lab L;
    build_lab(&L);
    struct cache_blob *a1 = render(PHONE_A), *b1 = render(PHONE_B);
    /* renewal: old and new certificate listed together */
    struct record r = rec(ENT_VPN_GATEWAY);
    int64_t certs[] = { L.cert_asa, L.cert_ec };
    set_ids(&r, "certificates", certs, 2);
    update(ENT_VPN_GATEWAY, L.gw_a, &r);
    struct cache_blob *a2 = render(PHONE_A), *b2 = render(PHONE_B);
    ck_assert_ptr_ne(a2, a1);
    ck_assert_xpath(a2, "/device/vpnGroup/credentials/certHash1", HASH_ASA);
    ck_assert_xpath(a2, "/device/vpnGroup/credentials/certHash2", HASH_EC);
    ck_assert_ptr_eq(b2, b1);
    cache_blob_unref(a1); cache_blob_unref(b1);
    cache_blob_unref(a2); cache_blob_unref(b2);
}
END_TEST

START_TEST(feature_configuration_evicts_only_profileless_vpn_phones)
{
    struct lab L;
    build_lab(&L);
    struct cache_blob *a1 = render(PHONE_A), *b1 = render(PHONE_B), *c1 = render(PHONE_C);

    struct record r = rec(ENT_VPN_FEATURE_CONFIGURATION);
    set_int(&r, "mtu", 1000);
    set_int(&r, "fail_to_connect", 45);
    update(ENT_VPN_FEATURE_CONFIGURATION, 1, &r);

    struct cache_blob *a2 = render(PHONE_A), *b2 = render(PHONE_B), *c2 = render(PHONE_C);
    ck_assert_ptr_ne(b2, b1);
    ck_assert_xpath(b2, "/device/vpnGroup/mtu", "1000");
    ck_assert_xpath(b2, "/device/vpnGroup/failConnectTime", "45");
    ck_assert_ptr_eq(a2, a1);   /* has its own VPN profile */
    ck_assert_xpath(a2, "/device/vpnGroup/mtu", "1300");
    ck_assert_ptr_eq(c2, c1);   /* no VPN at all */

    struct record cur = get(ENT_VPN_FEATURE_CONFIGURATION, 1);
    ck_assert_int_eq(cur.v[field(ENT_VPN_FEATURE_CONFIGURATION, "mtu")].i, 1000);
    record_free(&cur);

    cache_blob_unref(a1); cache_blob_unref(b1); cache_blob_unref(c1);
    cache_blob_unref(a2); cache_blob_unref(b2); cache_blob_unref(c2);
}
END_TEST

START_TEST(profile_and_phone_changes_are_precise)
{
    struct lab L;
    build_lab(&L);
    struct cache_blob *a1 = render(PHONE_A), *b1 = render(PHONE_B), *c1 = render(PHONE_C);

    /* the VPN profile is used by CPP-A only */
    struct record r = rec(ENT_VPN_PROFILE);
    set_int(&r, "mtu", 1400);
    update(ENT_VPN_PROFILE, L.vpn_profile, &r);
    struct cache_blob *a2 = render(PHONE_A), *b2 = render(PHONE_B), *c2 = render(PHONE_C);
    ck_assert_ptr_ne(a2, a1);
    ck_assert_xpath(a2, "/device/vpnGroup/mtu", "1400");
    ck_assert_ptr_eq(b2, b1);
    ck_assert_ptr_eq(c2, c1);

    /* a common phone profile field reaches its phones only */
    r = rec(ENT_COMMON_PHONE_PROFILE);
    set_text(&r, "ssh_user_id", "support");
    update(ENT_COMMON_PHONE_PROFILE, L.cpp_b, &r);
    struct cache_blob *a3 = render(PHONE_A), *b3 = render(PHONE_B), *c3 = render(PHONE_C);
    ck_assert_ptr_eq(a3, a2);
    ck_assert_ptr_ne(b3, b2);
    ck_assert_xpath(b3, "/device/sshUserId", "support");
    ck_assert_ptr_eq(c3, c2);

    /* moving phone C onto CPP-A gives it the VPN block; A and B stay cached */
    r = rec(ENT_PHONE);
    set_int(&r, "common_phone_profile", L.cpp_a);
    update(ENT_PHONE, L.phone_c, &r);
    struct cache_blob *a4 = render(PHONE_A), *b4 = render(PHONE_B), *c4 = render(PHONE_C);
    ck_assert_ptr_eq(a4, a3);
    ck_assert_ptr_eq(b4, b3);
    ck_assert_ptr_ne(c4, c3);
    ck_assert_xpath(c4, "/device/vpnGroup/addresses/url1", URL_A);

    /* system settings reach every file */
    r = rec(ENT_SYSTEM_SETTINGS);
    set_text(&r, "call_manager_host", "cucm2.example.lab");
    update(ENT_SYSTEM_SETTINGS, 1, &r);
    struct cache_blob *a5 = render(PHONE_A), *b5 = render(PHONE_B);
    ck_assert_ptr_ne(a5, a4);
    ck_assert_ptr_ne(b5, b4);
    ck_assert_xpath(b5, "/device/TVS/members/member/address", "cucm2.example.lab");

    struct cache_blob *all[] = { a1, b1, c1, a2, b2, c2, a3, b3, c3, a4, b4, c4, a5, b5 };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        cache_blob_unref(all[i]);
}
END_TEST

START_TEST(renamed_and_deleted_phones_disappear)
{
    struct lab L;
    build_lab(&L);
    struct cache_blob *a1 = render(PHONE_A), *b1 = render(PHONE_B);
    cache_blob_unref(a1);

    struct record r = rec(ENT_PHONE);
    set_text(&r, "name", "sep00562b0436aa");
    update(ENT_PHONE, L.phone_a, &r);
    struct cache_blob *gone = service_render(sv, PHONE_A);
    ck_assert_msg(gone == NULL, "the old name of a renamed phone still serves a file");
    struct cache_blob *renamed = render("SEP00562B0436AA");
    ck_assert_xpath(renamed, "/device/vpnGroup/addresses/url1", URL_A);
    cache_blob_unref(renamed);

    struct problem p = { 0 };
    ck_assert_int_eq(service_delete(sv, &who, ENT_PHONE, L.phone_b, &p), 0);
    ck_assert_ptr_null(service_render(sv, PHONE_B));
    cache_blob_unref(b1);
}
END_TEST

START_TEST(refused_update_keeps_cache_and_record)
{
    struct lab L;
    build_lab(&L);
    struct cache_blob *a1 = render(PHONE_A);
    struct record before = get(ENT_VPN_PROFILE, L.vpn_profile);

    struct record r = rec(ENT_VPN_PROFILE);
    set_int(&r, "mtu", 5000);
    set_text(&r, "description", "should not be stored");
    struct problem p = update_refused(ENT_VPN_PROFILE, L.vpn_profile, &r);
    ck_assert_refused(p, 400, "mtu");

    struct record after = get(ENT_VPN_PROFILE, L.vpn_profile);
    assert_same_record(&before, &after);
    struct cache_blob *a2 = render(PHONE_A);
    ck_assert_ptr_eq(a2, a1);   /* nothing changed, nothing evicted */

    /* a refused gateway update too */
    struct record gw_before = get(ENT_VPN_GATEWAY, L.gw_a);
    r = rec(ENT_VPN_GATEWAY);
    set_text(&r, "url", "ftp://asa.example.lab/");
    set_text(&r, "name", "GW-A renamed");
    p = update_refused(ENT_VPN_GATEWAY, L.gw_a, &r);
    ck_assert_refused(p, 400, "url");
    struct record gw_after = get(ENT_VPN_GATEWAY, L.gw_a);
    assert_same_record(&gw_before, &gw_after);

    record_free(&before);
    record_free(&after);
    record_free(&gw_before);
    record_free(&gw_after);
    cache_blob_unref(a1);
    cache_blob_unref(a2);
}
END_TEST

/* ---- certificates --------------------------------------------------------- */

START_TEST(cert_add_stores_openssl_values)
{
    int64_t id = add_cert(TRUST_STORE_PHONE_VPN, "asa_rsa.pem");
    struct cert_row row;
    struct problem p = { 0 };
    ck_assert_int_eq(service_cert_get(sv, id, &row, &p), 0);
    ck_assert_str_eq(row.trust_store, TRUST_STORE_PHONE_VPN);
    ck_assert_str_eq(row.info.common_name, "asa.example.lab");
    ck_assert_str_eq(row.info.cert_hash, HASH_ASA);
    ck_assert_uint_eq(row.info.n_sans, 3);
    ck_assert_str_eq(row.info.sans[2], "192.0.2.10");
    ck_assert_int_eq(row.info.not_after, INT64_C(2082758399));
    cert_row_free(&row);

    /* the DER upload of the same certificate is a duplicate in the same store */
    size_t len;
    char *der = load("asa_rsa.der", &len);
    int64_t dup = 0;
    ck_assert_int_ne(service_cert_add(sv, &who, TRUST_STORE_PHONE_VPN, der, len, &dup, &p), 0);
    ck_assert_int_eq(p.status, 409);
    /* but another store may hold it */
    int64_t other = add_cert_bytes("Phone-trust", der, len);
    ck_assert_int_ne(other, id);
    free(der);
    ck_assert_int_eq(cert_total(), 2);
}
END_TEST

START_TEST(cert_add_refusals)
{
    static const char *const bad[] = { "key_rsa_pkcs8.pem", "cert_and_key.pem",
                                       "key_ec_sec1.der", "garbage.bin", "empty.pem",
                                       "two_certs.pem" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        size_t len;
        char *buf = load(bad[i], &len);
        struct problem p = { 0 };
        int64_t id = 0;
        ck_assert_msg(service_cert_add(sv, &who, TRUST_STORE_PHONE_VPN, buf, len, &id, &p) != 0,
                      "%s accepted", bad[i]);
        ck_assert_msg(p.status == 400, "%s: status %d", bad[i], p.status);
        ck_assert(has_field_error(&p, "pem"));
        if (i < 3)
            ck_assert_ptr_nonnull(strstr(p.errors[0].message, "private key"));
        free(buf);
    }
    size_t len;
    char *pem = load("asa_rsa.pem", &len);
    struct problem p = { 0 };
    int64_t id = 0;
    ck_assert_int_ne(service_cert_add(sv, &who, "No-Such-trust", pem, len, &id, &p), 0);
    ck_assert_refused(p, 400, "store");
    free(pem);
    ck_assert_int_eq(cert_total(), 0);
}
END_TEST

START_TEST(delete_cert_in_use_refused)
{
    struct lab L;
    build_lab(&L);
    struct cache_blob *a1 = render(PHONE_A);
    struct problem p = { 0 };
    ck_assert_int_ne(service_cert_delete(sv, &who, L.cert_asa, &p), 0);
    ck_assert_int_eq(p.status, 409);
    ck_assert_msg(strstr(p.detail, "GW-A") != NULL, "detail does not name the gateway: %s",
                  p.detail);
    bool named = false;
    for (size_t i = 0; i < p.n_errors; i++)
        named = named || strstr(p.errors[i].message, "GW-A") != NULL;
    ck_assert_msg(named, "no field error names the gateway");

    /* nothing changed */
    struct cert_row row;
    struct problem q = { 0 };
    ck_assert_int_eq(service_cert_get(sv, L.cert_asa, &row, &q), 0);
    cert_row_free(&row);
    ck_assert_int_eq(cert_total(), 2);
    struct record gw = get(ENT_VPN_GATEWAY, L.gw_a);
    struct value *certs = &gw.v[field(ENT_VPN_GATEWAY, "certificates")];
    ck_assert_uint_eq(certs->n_ids, 1);
    ck_assert_int_eq(certs->ids[0], L.cert_asa);
    record_free(&gw);
    struct cache_blob *a2 = render(PHONE_A);
    ck_assert_ptr_eq(a2, a1);
    ck_assert_xpath(a2, "/device/vpnGroup/credentials/certHash1", HASH_ASA);

    /* nor may it leave the VPN store while a gateway uses it */
    struct problem m = { 0 };
    ck_assert_int_ne(service_cert_set_trust_store(sv, &who, L.cert_asa, "Phone-trust", &m), 0);
    ck_assert_int_eq(m.status, 409);

    /* an unused certificate can go */
    int64_t spare = add_cert(TRUST_STORE_PHONE_VPN, "expired.pem");
    struct problem d = { 0 };
    ck_assert_int_eq(service_cert_delete(sv, &who, spare, &d), 0);
    ck_assert_int_eq(cert_total(), 2);
    cache_blob_unref(a1);
    cache_blob_unref(a2);
}
END_TEST

START_TEST(gateway_cert_must_be_vpn_trust)
{
    int64_t cert = add_cert("Phone-trust", "asa_rsa.pem");
    struct record r = rec(ENT_VPN_GATEWAY);
    set_text(&r, "name", "GW-X");
    set_text(&r, "url", URL_A);
    set_ids(&r, "certificates", &cert, 1);
    struct problem p = create_refused(&r);
    ck_assert_refused(p, 400, "certificates");
    ck_assert_int_eq(total_of(ENT_VPN_GATEWAY), 0);

    /* an unknown certificate id is refused the same way */
    int64_t none = 4242;
    r = rec(ENT_VPN_GATEWAY);
    set_text(&r, "name", "GW-X");
    set_text(&r, "url", URL_A);
    set_ids(&r, "certificates", &none, 1);
    p = create_refused(&r);
    ck_assert_refused(p, 400, "certificates");
}
END_TEST

/* ---- limits --------------------------------------------------------------- */

START_TEST(gateway_with_eleven_certs_refused)
{
    int64_t ids[11];
    for (int i = 0; i < 11; i++)
        ids[i] = add_bundle_cert(i);
    struct record r = rec(ENT_VPN_GATEWAY);
    set_text(&r, "name", "GW-11");
    set_text(&r, "url", URL_A);
    set_ids(&r, "certificates", ids, 11);
    struct problem p = create_refused(&r);
    ck_assert_refused(p, 400, "certificates");
    ck_assert_int_eq(total_of(ENT_VPN_GATEWAY), 0);

    /* ten is the limit, and fine; zero is not */
    int64_t gw = make_gateway("GW-10", URL_A, ids, 10);
    ck_assert_int_gt(gw, 0);
    r = rec(ENT_VPN_GATEWAY);
    set_text(&r, "name", "GW-0");
    set_text(&r, "url", URL_A);
    set_ids(&r, "certificates", ids, 0);
    p = create_refused(&r);
    ck_assert_refused(p, 400, "certificates");
    /* the same certificate twice */
    int64_t twice[] = { ids[0], ids[0] };
    r = rec(ENT_VPN_GATEWAY);
    set_text(&r, "name", "GW-2");
    set_text(&r, "url", URL_A);
    set_ids(&r, "certificates", twice, 2);
    p = create_refused(&r);
    ck_assert_refused(p, 400, "certificates");
    ck_assert_int_eq(total_of(ENT_VPN_GATEWAY), 1);
}
END_TEST

START_TEST(group_with_eleven_certs_refused)
{
    int64_t ids[12];
    for (int i = 0; i < 12; i++)
        ids[i] = add_bundle_cert(i);
    /* GW-1 holds certificates 0..9, GW-2 holds 9 and 10: 11 distinct together */
    int64_t gw1 = make_gateway("GW-1", "https://gw1.example.lab/", ids, 10);
    int64_t gw2 = make_gateway("GW-2", "https://gw2.example.lab/", ids + 9, 2);
    int64_t gw3 = make_gateway("GW-3", "https://gw3.example.lab/", ids + 9, 1);
    /* one group that is fine: 10 distinct (certificate 9 shared) */
    int64_t ok_gws[] = { gw1, gw3 };
    int64_t group = make_group("Group-OK", ok_gws, 2);
    ck_assert_int_eq(total_of(ENT_VPN_GROUP), 1);

    struct record r = rec(ENT_VPN_GROUP);
    int64_t gws[] = { gw1, gw2 };
    set_text(&r, "name", "Group-11");
    set_ids(&r, "gateways", gws, 2);
    struct problem p = create_refused(&r);
    ck_assert_int_eq(p.status, 400);
    ck_assert_refused(p, 400, "gateways");
    ck_assert_int_eq(total_of(ENT_VPN_GROUP), 1);   /* nothing written */
    int64_t none;
    ck_assert_int_ne(service_lookup_name(sv, ENT_VPN_GROUP, "Group-11", &none), 0);

    /* growing a gateway of an existing group past the group's limit is refused too */
    struct record gw_before = get(ENT_VPN_GATEWAY, gw3);
    r = rec(ENT_VPN_GATEWAY);
    int64_t more[] = { ids[9], ids[11] };
    set_ids(&r, "certificates", more, 2);
    p = update_refused(ENT_VPN_GATEWAY, gw3, &r);
    ck_assert_refused(p, 400, "certificates");
    struct record gw_after = get(ENT_VPN_GATEWAY, gw3);
    assert_same_record(&gw_before, &gw_after);
    record_free(&gw_before);
    record_free(&gw_after);

    /* and so is adding a gateway to the group */
    struct record g_before = get(ENT_VPN_GROUP, group);
    r = rec(ENT_VPN_GROUP);
    int64_t three[] = { gw1, gw3, gw2 };
    set_ids(&r, "gateways", three, 3);
    p = update_refused(ENT_VPN_GROUP, group, &r);
    ck_assert_int_eq(p.status, 400);
    struct record g_after = get(ENT_VPN_GROUP, group);
    assert_same_record(&g_before, &g_after);
    record_free(&g_before);
    record_free(&g_after);

    /* the group that was accepted lists its 10 distinct hashes once each, in order */
    r = rec(ENT_COMMON_PHONE_PROFILE);
    set_text(&r, "name", "CPP-OK");
    set_int(&r, "vpn_group", group);
    int64_t phone = make_phone("SEP0000000000AA", create(&r));
    ck_assert_int_gt(phone, 0);
    struct cache_blob *b = render("SEP0000000000AA");
    for (int i = 0; i < 10; i++) {
        char expr[96];
        snprintf(expr, sizeof expr, "/device/vpnGroup/credentials/certHash%d", i + 1);
        ck_assert_xpath(b, expr, bundle_hashes[i]);
    }
    ck_assert_xpath(b, "/device/vpnGroup/credentials/certHash11", "");
    ck_assert_xpath(b, "/device/vpnGroup/addresses/url1", "https://gw1.example.lab/");
    ck_assert_xpath(b, "/device/vpnGroup/addresses/url2", "https://gw3.example.lab/");
    ck_assert_ptr_null(strstr((const char *)b->data, bundle_hashes[10]));
    cache_blob_unref(b);
}
END_TEST

START_TEST(group_with_four_gateways_refused)
{
    int64_t cert = add_cert(TRUST_STORE_PHONE_VPN, "asa_rsa.pem");
    int64_t gws[4];
    char name[16], url[64];
    for (int i = 0; i < 4; i++) {
        snprintf(name, sizeof name, "GW-%d", i);
        snprintf(url, sizeof url, "https://gw%d.example.lab/", i);
        gws[i] = make_gateway(name, url, &cert, 1);
    }
    struct record r = rec(ENT_VPN_GROUP);
    set_text(&r, "name", "Group-4");
    set_ids(&r, "gateways", gws, 4);
    struct problem p = create_refused(&r);
    ck_assert_refused(p, 400, "gateways");
    ck_assert_int_eq(total_of(ENT_VPN_GROUP), 0);
}
END_TEST

START_TEST(mtu_out_of_range)
{
    struct record r = rec(ENT_VPN_PROFILE);
    set_text(&r, "name", "Too big");
    set_int(&r, "mtu", 5000);
    struct problem p = create_refused(&r);
    ck_assert_refused(p, 400, "mtu");

    r = rec(ENT_VPN_PROFILE);
    set_text(&r, "name", "Too small");
    set_int(&r, "mtu", 255);
    p = create_refused(&r);
    ck_assert_refused(p, 400, "mtu");
    ck_assert_int_eq(total_of(ENT_VPN_PROFILE), 0);

    /* the bounds themselves are fine, and the default is CUCM's */
    r = rec(ENT_VPN_PROFILE);
    set_text(&r, "name", "Bounds");
    set_int(&r, "mtu", 1406);
    int64_t id = create(&r);
    r = rec(ENT_VPN_PROFILE);
    set_text(&r, "name", "Defaults");
    int64_t def = create(&r);
    struct record got = get(ENT_VPN_PROFILE, def);
    ck_assert_int_eq(got.v[field(ENT_VPN_PROFILE, "mtu")].i, 1290);
    ck_assert_int_eq(got.v[field(ENT_VPN_PROFILE, "fail_to_connect")].i, 30);
    ck_assert_int_eq(got.v[field(ENT_VPN_PROFILE, "host_id_check")].i, 1);
    record_free(&got);
    ck_assert_int_ne(id, def);

    /* the enterprise defaults have the same limit */
    r = rec(ENT_VPN_FEATURE_CONFIGURATION);
    set_int(&r, "mtu", 5000);
    p = update_refused(ENT_VPN_FEATURE_CONFIGURATION, 1, &r);
    ck_assert_refused(p, 400, "mtu");
}
END_TEST

START_TEST(duplicate_name_conflicts)
{
    struct lab L;
    build_lab(&L);
    int64_t before = total_of(ENT_VPN_GATEWAY);
    struct record r = rec(ENT_VPN_GATEWAY);
    set_text(&r, "name", "GW-A");
    set_text(&r, "url", "https://other.example.lab/");
    set_ids(&r, "certificates", &L.cert_ec, 1);
    struct problem p = create_refused(&r);
    ck_assert_refused(p, 409, "name");
    ck_assert_int_eq(total_of(ENT_VPN_GATEWAY), before);

    /* renaming onto an existing name too, and the record stays */
    struct record gw_before = get(ENT_VPN_GATEWAY, L.gw_b);
    r = rec(ENT_VPN_GATEWAY);
    set_text(&r, "name", "GW-A");
    p = update_refused(ENT_VPN_GATEWAY, L.gw_b, &r);
    ck_assert_int_eq(p.status, 409);
    struct record gw_after = get(ENT_VPN_GATEWAY, L.gw_b);
    assert_same_record(&gw_before, &gw_after);
    record_free(&gw_before);
    record_free(&gw_after);

    /* a phone name in lower case is the same phone */
    r = rec(ENT_PHONE);
    set_text(&r, "name", "sep00562b043615");
    set_text(&r, "model", "Cisco 8861");
    set_int(&r, "common_phone_profile", L.cpp_a);
    p = create_refused(&r);
    ck_assert_int_eq(p.status, 409);
    ck_assert_int_eq(total_of(ENT_PHONE), 3);
}
END_TEST

/* ---- phones --------------------------------------------------------------- */

START_TEST(phone_name_normalised)
{
    int64_t cpp;
    ck_assert_int_eq(service_lookup_name(sv, ENT_COMMON_PHONE_PROFILE,
                                         "Standard Common Phone Profile", &cpp), 0);
    int64_t id = make_phone("sep00aabbccddee", cpp);
    struct record got = get(ENT_PHONE, id);
    ck_assert_str_eq(got.v[field(ENT_PHONE, "name")].s, "SEP00AABBCCDDEE");
    record_free(&got);
    int64_t found;
    ck_assert_int_eq(service_lookup_name(sv, ENT_PHONE, "SEP00AABBCCDDEE", &found), 0);
    ck_assert_int_eq(found, id);
    struct cache_blob *b = render("SEP00AABBCCDDEE");
    ck_assert_str_eq(b->name, "SEP00AABBCCDDEE");
    cache_blob_unref(b);
}
END_TEST

static const char *const bad_phone_names[] = {
    "", "SEP00AABBCCDD", "SEP00AABBCCDDEEFF", "SEP00AABBCCDDEG", "CSF00AABBCCDDEE",
    "SEP 0AABBCCDDEE", "SEP00AABBCCDDE\n", "00AABBCCDDEEFF0",
};

START_TEST(bad_phone_name_refused)
{
    int64_t cpp;
    ck_assert_int_eq(service_lookup_name(sv, ENT_COMMON_PHONE_PROFILE,
                                         "Standard Common Phone Profile", &cpp), 0);
    struct record r = rec(ENT_PHONE);
    set_text(&r, "name", bad_phone_names[_i]);
    set_text(&r, "model", "Cisco 8861");
    set_int(&r, "common_phone_profile", cpp);
    struct problem p = create_refused(&r);
    ck_assert_refused(p, 400, "name");
    ck_assert_int_eq(total_of(ENT_PHONE), 0);
}
END_TEST

START_TEST(unknown_model_refused)
{
    int64_t cpp;
    ck_assert_int_eq(service_lookup_name(sv, ENT_COMMON_PHONE_PROFILE,
                                         "Standard Common Phone Profile", &cpp), 0);
    struct record r = rec(ENT_PHONE);
    set_text(&r, "name", "SEP00AABBCCDDEE");
    set_text(&r, "model", "Cisco 9999");
    set_int(&r, "common_phone_profile", cpp);
    struct problem p = create_refused(&r);
    ck_assert_refused(p, 400, "model");

    r = rec(ENT_PHONE);
    set_text(&r, "name", "SEP00AABBCCDDEE");
    set_text(&r, "model", "Cisco 8861");
    set_int(&r, "common_phone_profile", 9999);
    p = create_refused(&r);
    ck_assert_refused(p, 400, "common_phone_profile");

    r = rec(ENT_PHONE);
    set_text(&r, "name", "SEP00AABBCCDDEE");
    set_text(&r, "model", "Cisco 8861");
    p = create_refused(&r);   /* no profile given */
    ck_assert_refused(p, 400, "common_phone_profile");
    ck_assert_int_eq(total_of(ENT_PHONE), 0);
}
END_TEST

START_TEST(bad_gateway_url_refused)
{
    int64_t cert = add_cert(TRUST_STORE_PHONE_VPN, "asa_rsa.pem");
    static const char *const urls[] = { "", "ftp://asa.example.lab/", "https://",
                                        "https://asa example.lab/", "https://asa_lab/x",
                                        "asa.example.lab" };
    for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++) {
        struct record r = rec(ENT_VPN_GATEWAY);
        set_text(&r, "name", "GW");
        set_text(&r, "url", urls[i]);
        set_ids(&r, "certificates", &cert, 1);
        struct problem p = create_refused(&r);
        ck_assert_msg(p.status == 400 && has_field_error(&p, "url"), "url '%s': status %d",
                      urls[i], p.status);
    }
    ck_assert_int_eq(total_of(ENT_VPN_GATEWAY), 0);
}
END_TEST

START_TEST(text_must_be_clean_utf8)
{
    /* Text fields reach phones (sshUserId in a file declared UTF-8) and JSON
     * (jansson refuses invalid UTF-8), so bytes that are not UTF-8 are refused
     * like control characters are, whatever front end sent them. */
    static const char *const fields[] = { "ssh_user_id", "description" };
    static const char *const bad[] = { "bad\xff\xfeutf8", "Z\xfcrich" /* Latin-1 */,
                                       "tab\there" };
    for (size_t f = 0; f < 2; f++) {
        for (size_t i = 0; i < 3; i++) {
            struct record r = rec(ENT_COMMON_PHONE_PROFILE);
            set_text(&r, "name", "CPP-bytes");
            set_text(&r, fields[f], bad[i]);
            struct problem p = { 0 };
            int64_t id = 0;
            int rc = service_create(sv, &who, &r, &id, &p);
            record_free(&r);
            ck_assert_msg(rc != 0 && p.status == 400 && has_field_error(&p, fields[f]),
                          "%s = bad text %zu was accepted (rc %d, status %d)", fields[f], i,
                          rc, p.status);
        }
    }
    ck_assert_int_eq(total_of(ENT_COMMON_PHONE_PROFILE), 1);   /* the shipped one */

    /* valid UTF-8 is fine and reaches the phone intact */
    struct record r = rec(ENT_COMMON_PHONE_PROFILE);
    set_text(&r, "name", "CPP-Zürich");
    set_text(&r, "ssh_user_id", "zürich-✓");
    int64_t cpp = create(&r);
    make_phone("SEP001122334455", cpp);
    struct cache_blob *b = render("SEP001122334455");
    ck_assert_xpath(b, "/device/sshUserId", "zürich-✓");
    cache_blob_unref(b);
}
END_TEST

static char *repeat(const char *unit, size_t n)
{
    size_t u = strlen(unit);
    char *s = malloc(u * n + 1);
    for (size_t i = 0; i < n; i++)
        memcpy(s + i * u, unit, u);
    s[u * n] = '\0';
    return s;
}

START_TEST(limits_count_characters)
{
    /* CUCM's limits are characters: 50 three-byte characters are a valid SSH
     * user (150 bytes) and reach the phone whole; 51 are refused. */
    char *ok = repeat("✓", 50), *long_user = repeat("✓", 51);
    char *desc = repeat("é", 128), *long_desc = repeat("é", 129);

    struct record r = rec(ENT_COMMON_PHONE_PROFILE);
    set_text(&r, "name", "CPP-long");
    set_text(&r, "ssh_user_id", long_user);
    struct problem p = create_refused(&r);
    ck_assert_refused(p, 400, "ssh_user_id");
    r = rec(ENT_COMMON_PHONE_PROFILE);
    set_text(&r, "name", "CPP-long");
    set_text(&r, "description", long_desc);
    p = create_refused(&r);
    ck_assert_refused(p, 400, "description");

    r = rec(ENT_COMMON_PHONE_PROFILE);
    set_text(&r, "name", "CPP-long");
    set_text(&r, "ssh_user_id", ok);
    set_text(&r, "description", desc);
    int64_t cpp = create(&r);
    struct record got = get(ENT_COMMON_PHONE_PROFILE, cpp);
    ck_assert_str_eq(got.v[field(ENT_COMMON_PHONE_PROFILE, "ssh_user_id")].s, ok);
    ck_assert_str_eq(got.v[field(ENT_COMMON_PHONE_PROFILE, "description")].s, desc);
    record_free(&got);
    make_phone("SEP001122334455", cpp);
    struct cache_blob *b = render("SEP001122334455");
    ck_assert_xpath(b, "/device/sshUserId", ok);
    cache_blob_unref(b);
    free(ok);
    free(long_user);
    free(desc);
    free(long_desc);
}
END_TEST

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

static Suite *service_suite(void)
{
    Suite *s = suite_create("service");
    TCase *tc = tcase_create("render");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, full_chain_renders);
    tcase_add_test(tc, group_lists_all_gateways);
    tcase_add_test(tc, gateway_change_evicts_only_its_phones);
    tcase_add_test(tc, certificate_list_change_reaches_phone);
    tcase_add_test(tc, feature_configuration_evicts_only_profileless_vpn_phones);
    tcase_add_test(tc, profile_and_phone_changes_are_precise);
    tcase_add_test(tc, renamed_and_deleted_phones_disappear);
    tcase_add_test(tc, refused_update_keeps_cache_and_record);
    tcase_add_test(tc, warmer_fills_cache_and_refills_after_full_eviction);
    suite_add_tcase(s, tc);

    tc = tcase_create("certificates");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, cert_add_stores_openssl_values);
    tcase_add_test(tc, cert_add_refusals);
    tcase_add_test(tc, delete_cert_in_use_refused);
    tcase_add_test(tc, gateway_cert_must_be_vpn_trust);
    suite_add_tcase(s, tc);

    tc = tcase_create("validation");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, gateway_with_eleven_certs_refused);
    tcase_add_test(tc, group_with_eleven_certs_refused);
    tcase_add_test(tc, group_with_four_gateways_refused);
    tcase_add_test(tc, mtu_out_of_range);
    tcase_add_test(tc, duplicate_name_conflicts);
    tcase_add_test(tc, phone_name_normalised);
    tcase_add_loop_test(tc, bad_phone_name_refused, 0,
                        (int)(sizeof bad_phone_names / sizeof bad_phone_names[0]));
    tcase_add_test(tc, unknown_model_refused);
    tcase_add_test(tc, bad_gateway_url_refused);
    tcase_add_test(tc, text_must_be_clean_utf8);
    tcase_add_test(tc, limits_count_characters);
    suite_add_tcase(s, tc);

    tc = tcase_create("auth");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);   /* PBKDF2 with 100,000 rounds, slower under sanitizers */
    tcase_add_test(tc, admin_password);
    tcase_add_test(tc, api_token);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    log_set_level(LOG_LEVEL_ERROR);
    snprintf(basedir, sizeof basedir, "/tmp/ucprov-test-service-XXXXXX");
    if (mkdtemp(basedir) == NULL) {
        perror("mkdtemp");
        return EXIT_FAILURE;
    }
    SRunner *sr = srunner_create(service_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    remove_tree(basedir);
    xmlCleanupParser();
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
