/* test_service.c - the admin operations end to end on a fresh SQLite database:
 * validation and refusals (a refused write changes nothing), certificates,
 * rendering through the cache with precise invalidation, admins and tokens.
 * This file holds what the families share (test_service.h) and main; each
 * test gets its own database in a directory of its own (svc_fixture.h). */
#include <config.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "server/log.h"
#include "svc_fixture.h"
#include "test_service.h"

const char *const bundle_hashes[12] = {
    "dzZTpSA6PhFwS7WD+1N7AUCL2/0=", "0dDNYw9/rtyczWTxYKvu/hIM2JU=",
    "8T/u5VQkSpruwSPCb7uDak3aFSE=", "126ErRapqRo7g1CLENF9kere/7A=",
    "HlRv8QIB0Ccc3aAnsrNzstT8IZ8=", "tN+fyiHYo7JfZCuQhZFwwpdr6Fg=",
    "AykH/Q46Z4MwLj98jPh3d9UXoCo=", "3PgVJJg0sxbPpyshGjtfzsaumJY=",
    "Sj/Yinxd2CgQwwIL7RFfacLJw88=", "nayyiBRqr1nv8Jm6m27HHZ+O9RM=",
    "1OfOJvbu95DfuILd7BnFhhKzLVQ=", "fNn0/oyESjkmTCJUaUlzKOs54FE=",
};

struct service *sv;
const struct actor who = { 0, "test" };

void setup(void)
{
    fixture_dir_make("t");
    sv = fixture_service_open();
}

void teardown(void)
{
    service_close(sv);
    sv = NULL;
    fixture_dir_remove();
}

/* ---- fixtures ------------------------------------------------------------- */

char *load(const char *name, size_t *len)
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

int64_t add_cert_bytes(const char *store, const char *bytes, size_t len)
{
    struct problem p = { 0 };
    int64_t id = 0;
    int rc = service_cert_add(sv, &who, store, bytes, len, &id, &p);
    ck_assert_msg(rc == 0, "service_cert_add: %d %s", p.status, p.detail);
    ck_assert_int_gt(id, 0);
    return id;
}

int64_t add_cert(const char *store, const char *fixture)
{
    size_t len;
    char *pem = load(fixture, &len);
    int64_t id = add_cert_bytes(store, pem, len);
    free(pem);
    return id;
}

int64_t add_bundle_cert(int i)
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

int field(enum entity_kind kind, const char *name)
{
    int idx = entity_field_index(entity_get(kind), name);
    ck_assert_msg(idx >= 0, "no field %s", name);
    return idx;
}

void set_text(struct record *r, const char *name, const char *text)
{
    value_set_text(&r->v[field(r->kind, name)], text);
}

void set_int(struct record *r, const char *name, int64_t i)
{
    value_set_int(&r->v[field(r->kind, name)], i);
}

void set_ids(struct record *r, const char *name, const int64_t *ids, size_t n)
{
    struct value *v = &r->v[field(r->kind, name)];
    free(v->ids);
    v->ids = malloc((n ? n : 1) * sizeof *v->ids);
    memcpy(v->ids, ids, n * sizeof *ids);
    v->n_ids = n;
    v->set = true;
}

struct record rec(enum entity_kind kind)
{
    struct record r;
    memset(&r, 0, sizeof r);
    r.kind = kind;
    return r;
}

int64_t create(struct record *r)
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

struct problem create_refused(struct record *r)
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

void update(enum entity_kind kind, int64_t id, struct record *r)
{
    struct problem p = { 0 };
    int rc = service_update(sv, &who, kind, id, r, &p);
    ck_assert_msg(rc == 0, "service_update(%s %lld): %d %s [%s: %s]", entity_get(kind)->label,
                  (long long)id, p.status, p.detail, p.n_errors ? p.errors[0].field : "",
                  p.n_errors ? p.errors[0].message : "");
    record_free(r);
}

struct problem update_refused(enum entity_kind kind, int64_t id, struct record *r)
{
    struct problem p = { 0 };
    int rc = service_update(sv, &who, kind, id, r, &p);
    ck_assert_msg(rc != 0, "service_update(%s %lld) should have been refused",
                  entity_get(kind)->label, (long long)id);
    record_free(r);
    return p;
}

bool has_field_error(const struct problem *p, const char *name)
{
    for (size_t i = 0; i < p->n_errors; i++)
        if (strcmp(p->errors[i].field, name) == 0)
            return true;
    return false;
}

int64_t total_of(enum entity_kind kind)
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

int64_t cert_total(void)
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

struct record get(enum entity_kind kind, int64_t id)
{
    struct record r;
    struct problem p = { 0 };
    ck_assert_msg(service_get(sv, kind, id, &r, &p) == 0, "service_get: %s", p.detail);
    return r;
}

void assert_same_record(const struct record *a, const struct record *b)
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

/* ---- the lab -------------------------------------------------------------- */

int64_t make_gateway(const char *name, const char *url, const int64_t *certs, size_t n)
{
    struct record r = rec(ENT_VPN_GATEWAY);
    set_text(&r, "name", name);
    set_text(&r, "url", url);
    set_ids(&r, "certificates", certs, n);
    return create(&r);
}

int64_t make_group(const char *name, const int64_t *gateways, size_t n)
{
    struct record r = rec(ENT_VPN_GROUP);
    set_text(&r, "name", name);
    set_ids(&r, "gateways", gateways, n);
    return create(&r);
}

int64_t make_phone(const char *name, int64_t cpp)
{
    struct record r = rec(ENT_PHONE);
    set_text(&r, "name", name);
    set_text(&r, "model", "Cisco 8861");
    set_int(&r, "common_phone_profile", cpp);
    return create(&r);
}

void build_lab(struct lab *L)
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

struct cache_blob *render(const char *name)
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

char *xpath(const struct cache_blob *b, const char *expr)
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

struct cache_stats stats(void)
{
    struct cache_stats s;
    service_cache_stats(sv, &s);
    return s;
}

TCase *service_tcase(Suite *s, const char *name, int timeout)
{
    TCase *tc = tcase_create(name);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, timeout);
    suite_add_tcase(s, tc);
    return tc;
}

int main(void)
{
    log_set_level(LOG_LEVEL_ERROR);
    Suite *s = suite_create("service");
    add_render_tests(s);
    add_certificate_tests(s);
    add_validation_tests(s);
    add_auth_tests(s);
    return fixture_run(s, "service");
}
