/* certs.c - REST over the trust stores' certificates (their content is fixed,
 * only the store can change) and a gateway's certificate rollover. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "rest/handlers.h"
#include "rest/json.h"
#include "timefmt.h"

static json_t *cert_to_json(const struct cert_row *row);
static json_t *cert_item(const void *row);
static void cert_release(void *row);
static void check_create_fields(json_t *doc, struct problem *p);
static unsigned char *decode_der(const char *der64, size_t *len, struct problem *p);
static bool unchanged(struct service *sv, int64_t id, const char *key, json_t *value);
static json_t *rollover_item(const void *row);

static json_t *cert_to_json(const struct cert_row *row)
{
    const struct cert_info *ci = &row->info;
    char nb[32], na[32];
    json_t *sans = json_array();
    for (size_t i = 0; i < ci->n_sans; i++)
        json_array_append_new(sans, json_string(ci->sans[i]));
    return json_pack("{s:I, s:s, s:s, s:o, s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:s, s:i, "
                     "s:s, s:s}",
                     "id", (json_int_t)row->id, "store", row->trust_store,
                     "common_name", ci->common_name, "subject_alt_names", sans,
                     "subject", ci->subject, "issuer", ci->issuer, "serial", ci->serial,
                     "not_before", time_rfc3339(ci->not_before, nb, sizeof nb),
                     "not_after", time_rfc3339(ci->not_after, na, sizeof na),
                     "self_signed", ci->self_signed,
                     "expired", ci->not_after < (int64_t)time(NULL),
                     "key_type", ci->key_type, "key_bits", ci->key_bits,
                     "cert_hash", ci->cert_hash,
                     "sha256_fingerprint", ci->sha256_fingerprint);
}

static json_t *cert_item(const void *row)
{
    return cert_to_json(row);
}

static void cert_release(void *row)
{
    cert_row_free(row);
}

void rest_get_cert(struct service *sv, int64_t id, int status, struct http_resp *resp)
{
    struct cert_row row;
    struct problem p = { 0 };
    if (service_cert_get(sv, id, &row, &p) != 0) {
        rest_problem(resp, &p);
        return;
    }
    rest_send_json(resp, status, cert_to_json(&row));
    cert_row_free(&row);
}

void rest_list_certs(struct service *sv, const struct http_req *req, struct http_resp *resp)
{
    struct list_query q;
    struct problem p = { 0 };
    struct cert_row *rows = NULL;
    size_t n = 0;
    int64_t total = 0;
    const char *trust_store = http_req_query(req, "store");
    if (trust_store && !trust_store_valid(trust_store))
        problem_field(&p, "store", "unknown trust store '%s'", trust_store);
    if (p.status || !rest_list_query(req, &q, &p) ||
        service_cert_list(sv, &q, trust_store, &rows, &n, &total, &p) != 0) {
        rest_problem(resp, &p);
        return;
    }
    rest_send_items(resp, rest_array(rows, n, sizeof *rows, cert_item, cert_release), "total",
                    total);
    free(rows);
}

/* A new certificate's body: {"store": ..., "pem": ...} or {"store": ..., "der": base64}. */
static void check_create_fields(json_t *doc, struct problem *p)
{
    const char *key;
    json_t *j;
    json_object_foreach(doc, key, j) {
        if (strcmp(key, "store") && strcmp(key, "pem") && strcmp(key, "der"))
            problem_field(p, key, "unknown field '%s' for a certificate (use store, pem or der)",
                          key);
        else if (!json_is_string(j))
            problem_field(p, key, "%s must be a string", key);
    }
    const char *pem = json_string_value(json_object_get(doc, "pem"));
    const char *der64 = json_string_value(json_object_get(doc, "der"));
    if (p->status == 0 && json_string_value(json_object_get(doc, "store")) == NULL)
        problem_field(p, "store", "store is required (Phone-VPN-trust, Phone-trust, "
                      "CallManager-trust or CAPF-trust)");
    if (p->status == 0 && (pem == NULL) == (der64 == NULL))
        problem_field(p, "pem", "give the certificate as pem (PEM text) or der (base64 DER)");
}

/* The bytes of a base64 DER certificate (malloc'd; it may be NULL even so). */
static unsigned char *decode_der(const char *der64, size_t *len, struct problem *p)
{
    size_t n = strlen(der64);
    unsigned char *der = malloc(n / 4 * 3 + 4);
    int m = der && n % 4 == 0 && n > 0 ? EVP_DecodeBlock(der, (const unsigned char *)der64,
                                                         (int)n) : -1;
    if (m < 0)
        problem_field(p, "der", "der must be base64 of a DER certificate");
    else
        *len = (size_t)m - (der64[n - 1] == '=') - (der64[n - 2] == '=');
    return der;
}

void rest_create_cert(struct service *sv, const struct http_req *req, struct http_resp *resp)
{
    json_t *doc = rest_parse_body(req, resp);
    if (doc == NULL)
        return;
    struct problem p = { 0 };
    check_create_fields(doc, &p);
    const char *trust_store = json_string_value(json_object_get(doc, "store"));
    const char *pem = json_string_value(json_object_get(doc, "pem"));
    const char *der64 = json_string_value(json_object_get(doc, "der"));
    unsigned char *der = NULL;
    size_t der_len = 0;
    if (p.status == 0 && der64 != NULL)
        der = decode_der(der64, &der_len, &p);
    int64_t id = 0;
    if (p.status == 0) {
        const void *bytes = der ? (const void *)der : (const void *)pem;
        size_t len = der ? der_len : strlen(pem);
        struct actor who = rest_actor(req);
        service_cert_add(sv, &who, trust_store, bytes, len, &id, &p);
        if (der && p.n_errors > 0 && strcmp(p.errors[0].field, "pem") == 0)
            snprintf(p.errors[0].field, sizeof p.errors[0].field, "der");
    }
    free(der);
    json_decref(doc);
    if (p.status != 0) {
        rest_problem(resp, &p);
        return;
    }
    snprintf(resp->location, sizeof resp->location, REST_PREFIX "/certificates/%lld",
             (long long)id);
    rest_get_cert(sv, id, 201, resp);
}

/* Read-only fields may come back as GET gave them, if unchanged. */
static bool unchanged(struct service *sv, int64_t id, const char *key, json_t *value)
{
    struct cert_row row;
    struct problem ignore = { 0 };
    bool same = false;
    if (service_cert_get(sv, id, &row, &ignore) == 0) {
        json_t *now = cert_to_json(&row);
        same = json_equal(json_object_get(now, key), value);
        json_decref(now);
        cert_row_free(&row);
    }
    return same;
}

void rest_update_cert(struct service *sv, int64_t id, const struct http_req *req,
                      struct http_resp *resp)
{
    json_t *doc = rest_parse_body(req, resp);
    if (doc == NULL)
        return;
    struct problem p = { 0 };
    const char *key;
    json_t *j;
    json_object_foreach(doc, key, j) {
        if (strcmp(key, "store") == 0) {
            if (!json_is_string(j))
                problem_field(&p, "store", "store must be a string");
        } else if (strcmp(key, "id") != 0 && strcmp(key, "expired") != 0 &&
                   !unchanged(sv, id, key, j)) {
            problem_field(&p, key, "%s cannot be changed; upload a new certificate", key);
        }
    }
    const char *trust_store = json_string_value(json_object_get(doc, "store"));
    struct actor who = rest_actor(req);
    if (p.status == 0 && trust_store != NULL)
        service_cert_set_trust_store(sv, &who, id, trust_store, &p);
    json_decref(doc);
    if (p.status != 0) {
        rest_problem(resp, &p);
        return;
    }
    rest_get_cert(sv, id, 200, resp);
}

void rest_cert_pem(struct service *sv, int64_t id, const struct http_req *req,
                   struct http_resp *resp)
{
    (void)req;
    struct cert_row row;
    struct problem p = { 0 };
    if (service_cert_get(sv, id, &row, &p) != 0) {
        rest_problem(resp, &p);
        return;
    }
    char *pem = cert_der_to_pem(row.info.der, row.info.der_len);
    cert_row_free(&row);
    if (pem == NULL) {
        rest_fail(resp, 500, "cannot encode the certificate");
        return;
    }
    http_resp_set(resp, 200, "application/x-pem-file", pem, strlen(pem));
}

/* ---------------------------------------------------------------- rollover */

/* One certificate of a gateway: which phones have its hash, which not yet. */
static json_t *rollover_item(const void *row)
{
    const struct rollover_cert *c = row;
    json_t *missing = json_array(), *detail = json_array();
    size_t current = 0;
    for (size_t k = 0; k < c->n_phones; k++) {
        const struct rollover_phone *ph = &c->phones[k];
        if (ph->current) {
            current++;
            continue;
        }
        char last[32] = "";
        if (ph->last_fetch_ms)
            time_rfc3339(ph->last_fetch_ms / 1000, last, sizeof last);
        json_array_append_new(missing, json_string(ph->name));
        json_array_append_new(detail, json_pack("{s:s, s:o}", "name", ph->name, "last_fetch",
                                                last[0] ? json_string(last) : json_null()));
    }
    char added[32], expires[32];
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:I, s:o, s:o}",
                     "id", (json_int_t)c->cert_id, "cert_hash", c->cert_hash,
                     "common_name", c->common_name,
                     "added_at", time_rfc3339(c->added_at_ms / 1000, added, sizeof added),
                     "not_after", time_rfc3339(c->not_after, expires, sizeof expires),
                     "phones_total", (json_int_t)c->n_phones,
                     "phones_current", (json_int_t)current,
                     "phones_missing", missing, "missing", detail);
}

void rest_gateway_rollover(struct service *sv, int64_t id, const struct http_req *req,
                           struct http_resp *resp)
{
    (void)req;
    struct rollover_cert *certs = NULL;
    size_t n = 0;
    struct problem p = { 0 };
    if (service_gateway_rollover(sv, id, &certs, &n, &p) != 0) {
        rest_problem(resp, &p);
        return;
    }
    json_t *arr = rest_array(certs, n, sizeof *certs, rollover_item, NULL);
    rollover_free(certs, n);
    rest_send_json(resp, 200, json_pack("{s:I, s:o}", "gateway", (json_int_t)id,
                                        "certificates", arr));
}
