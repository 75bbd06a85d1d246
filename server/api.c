/* api.c - REST: /api/v1/<collection>[/<id>[/config|/pem]] over the service.
 *
 * JSON is decoded into records against the entity tables of model.h, so type
 * errors name the field; everything semantic is the service's call. */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "api.h"
#include "limits.h"
#include "service/service.h"
#include "timefmt.h"
#include "phonelog.h"
#include "verify.h"
#include "log.h"

#define API_PREFIX "/api/v1"

/* ------------------------------------------------------------- responses */

static void send_json(struct http_resp *resp, int status, json_t *doc)
{
    char *text = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    if (text == NULL) {
        http_resp_set(resp, 500, "text/plain", strdup("out of memory"), 13);
        return;
    }
    http_resp_set(resp, status, "application/json", text, strlen(text));
}

void api_problem(struct http_resp *resp, const struct problem *p)
{
    json_t *doc = json_pack("{s:s, s:s, s:i, s:s}", "type", "about:blank", "title",
                            problem_title(p->status), "status", p->status, "detail", p->detail);
    if (p->n_errors > 0) {
        json_t *errors = json_array();
        for (size_t i = 0; i < p->n_errors; i++)
            json_array_append_new(errors, json_pack("{s:s, s:s}", "field", p->errors[i].field,
                                                    "message", p->errors[i].message));
        json_object_set_new(doc, "errors", errors);
    }
    int status = p->status ? p->status : 500;
    char *text = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    http_resp_set(resp, status, "application/problem+json", text, text ? strlen(text) : 0);
}

static void fail(struct http_resp *resp, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail(struct http_resp *resp, int status, const char *fmt, ...)
{
    struct problem p = { 0 };
    va_list ap;
    va_start(ap, fmt);
    p.status = status;
    vsnprintf(p.detail, sizeof p.detail, fmt, ap);
    va_end(ap);
    api_problem(resp, &p);
}

/* The admin the admin listener authenticated, as the service knows actors. */
static struct actor actor_of(const struct http_req *req)
{
    struct actor who = { .admin_id = req->who.id };
    snprintf(who.name, sizeof who.name, "%s", req->who.name);
    return who;
}

static void method_not_allowed(struct http_resp *resp, const char *allow)
{
    fail(resp, 405, "method not allowed here; allowed: %s", allow);
    snprintf(resp->allow, sizeof resp->allow, "%s", allow);
}

/* --------------------------------------------------------- record <-> JSON */

static json_t *parse_body(const struct http_req *req, struct http_resp *resp)
{
    const char *ct = req->content_type;
    if (strncasecmp(ct, "application/json", 16) != 0 || (ct[16] != '\0' && ct[16] != ';')) {
        fail(resp, 415, "send the body as application/json");
        return NULL;
    }
    json_error_t jerr;
    json_t *doc = json_loadb((const char *)req->body, req->body_len, JSON_REJECT_DUPLICATES,
                             &jerr);
    if (doc == NULL) {
        fail(resp, 400, "the body is not valid JSON: %s (line %d, column %d)", jerr.text,
             jerr.line, jerr.column);
        return NULL;
    }
    if (!json_is_object(doc)) {
        json_decref(doc);
        fail(resp, 400, "the body must be a JSON object");
        return NULL;
    }
    return doc;
}

/* ------------------------------------------------------------- list query */

static bool parse_count(const char *text, int64_t min, int64_t max, int64_t *out)
{
    if (text == NULL || *text == '\0')
        return false;
    for (const char *c = text; *c; c++)
        if (!isdigit((unsigned char)*c))
            return false;
    errno = 0;
    long long v = strtoll(text, NULL, 10);
    if (errno || v < min || v > max)
        return false;
    *out = v;
    return true;
}

static bool list_query_from(const struct http_req *req, struct list_query *q, struct problem *p)
{
    const char *limit = http_req_query(req, "limit");
    const char *offset = http_req_query(req, "offset");
    const char *name = http_req_query(req, "name");
    const char *prefix = http_req_query(req, "name_prefix");
    const char *contains = http_req_query(req, "name_contains");
    q->limit = UCPROV_LIST_DEFAULT_LIMIT;
    q->offset = 0;
    q->match = MATCH_ANY;
    if (limit && !parse_count(limit, 0, UCPROV_LIST_MAX_LIMIT, &q->limit))
        problem_field(p, "limit", "limit must be an integer from 0 to %d", UCPROV_LIST_MAX_LIMIT);
    if (offset && !parse_count(offset, 0, INT64_MAX, &q->offset))
        problem_field(p, "offset", "offset must be a non-negative integer");
    if (name) {
        q->match = MATCH_EXACT;
        q->name = name;
    } else if (prefix) {
        q->match = MATCH_PREFIX;
        q->name = prefix;
    } else if (contains) {
        q->match = MATCH_CONTAINS;
        q->name = contains;
    }
    return p->status == 0;
}

/* ---------------------------------------------------------- generic routes */

static void respond_record(struct service *sv, enum entity_kind kind, int64_t id, int status,
                           struct http_resp *resp)
{
    struct record rec;
    struct problem p = { 0 };
    if (service_get(sv, kind, id, &rec, &p) != 0) {
        api_problem(resp, &p);
        return;
    }
    send_json(resp, status, record_json(&rec));
    record_free(&rec);
}

static void list_records(struct service *sv, const struct entity_def *e,
                         const struct http_req *req, struct http_resp *resp)
{
    struct list_query q;
    struct problem p = { 0 };
    struct record *items = NULL;
    size_t n = 0;
    int64_t total = 0;
    if (!list_query_from(req, &q, &p) ||
        service_list(sv, e->kind, &q, &items, &n, &total, &p) != 0) {
        api_problem(resp, &p);
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(arr, record_json(&items[i]));
        record_free(&items[i]);
    }
    free(items);
    send_json(resp, 200, json_pack("{s:o, s:I}", "items", arr, "total", (json_int_t)total));
}

/* What saving this object leaves broken for phones, said at once (the
 * diagnostics page says it too). */
static json_t *save_warnings(struct service *sv, const struct record *saved)
{
    json_t *out = json_array();
    struct diagnostic *items = NULL;
    size_t n = 0;
    struct problem p = { 0 };
    if (service_save_warnings(sv, saved, &items, &n, &p) != 0)
        return out;
    for (size_t i = 0; i < n; i++)
        json_array_append_new(out, json_pack("{s:s, s:s, s:s}", "code", items[i].code,
                                             "message", items[i].message, "fix", items[i].fix));
    free(items);
    return out;
}

static bool confirmed(const struct http_req *req)
{
    const char *c = http_req_query(req, "confirm");
    return c != NULL && (strcmp(c, "true") == 0 || strcmp(c, "1") == 0);
}

static void write_record(struct service *sv, const struct entity_def *e, int64_t id,
                         const struct http_req *req, struct http_resp *resp)
{
    json_t *doc = parse_body(req, resp);
    if (doc == NULL)
        return;
    struct record patch = { .kind = e->kind };
    struct problem p = { 0 };
    record_from_json(doc, &patch, &p);
    json_decref(doc);
    bool create = id == 0 && !e->singleton;
    struct actor who = actor_of(req);
    if (p.status == 0) {
        /* Dropping a gateway certificate before the phones have its successor's
         * hash strands them when the ASA switches: refused unless ?confirm=true. */
        if (create)
            service_create(sv, &who, &patch, &id, &p);
        else
            service_update_guarded(sv, &who, e->kind, id, &patch, confirmed(req), &p);
    }
    record_free(&patch);
    if (p.status != 0) {
        api_problem(resp, &p);
        return;
    }
    if (create)
        snprintf(resp->location, sizeof resp->location, API_PREFIX "/%s/%lld", e->collection,
                 (long long)id);
    struct record rec;
    if (service_get(sv, e->kind, id, &rec, &p) != 0) {
        api_problem(resp, &p);
        return;
    }
    json_t *out = record_json(&rec);
    json_t *warnings = save_warnings(sv, &rec);
    if (json_array_size(warnings) > 0)
        json_object_set_new(out, "warnings", warnings);
    else
        json_decref(warnings);
    record_free(&rec);
    send_json(resp, create ? 201 : 200, out);
}

static void delete_object(struct service *sv, const struct entity_def *e, int64_t id,
                          const struct http_req *req, struct http_resp *resp)
{
    struct problem p = { 0 };
    struct actor who = actor_of(req);
    if (service_delete(sv, &who, e->kind, id, &p) != 0) {
        api_problem(resp, &p);
        return;
    }
    http_resp_set(resp, 204, NULL, NULL, 0);
}

/* ------------------------------------------------------------ certificates */

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

static void respond_cert(struct service *sv, int64_t id, int status, struct http_resp *resp)
{
    struct cert_row row;
    struct problem p = { 0 };
    if (service_cert_get(sv, id, &row, &p) != 0) {
        api_problem(resp, &p);
        return;
    }
    send_json(resp, status, cert_to_json(&row));
    cert_row_free(&row);
}

static void list_certs(struct service *sv, const struct http_req *req, struct http_resp *resp)
{
    struct list_query q;
    struct problem p = { 0 };
    struct cert_row *rows = NULL;
    size_t n = 0;
    int64_t total = 0;
    const char *trust_store = http_req_query(req, "store");
    if (trust_store && !trust_store_valid(trust_store))
        problem_field(&p, "store", "unknown trust store '%s'", trust_store);
    if (p.status || !list_query_from(req, &q, &p) ||
        service_cert_list(sv, &q, trust_store, &rows, &n, &total, &p) != 0) {
        api_problem(resp, &p);
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(arr, cert_to_json(&rows[i]));
        cert_row_free(&rows[i]);
    }
    free(rows);
    send_json(resp, 200, json_pack("{s:o, s:I}", "items", arr, "total", (json_int_t)total));
}

static void create_cert(struct service *sv, const struct http_req *req, struct http_resp *resp)
{
    json_t *doc = parse_body(req, resp);
    if (doc == NULL)
        return;
    struct problem p = { 0 };
    const char *key;
    json_t *j;
    json_object_foreach(doc, key, j) {
        if (strcmp(key, "store") && strcmp(key, "pem") && strcmp(key, "der"))
            problem_field(&p, key, "unknown field '%s' for a certificate (use store, pem or der)",
                          key);
        else if (!json_is_string(j))
            problem_field(&p, key, "%s must be a string", key);
    }
    const char *trust_store = json_string_value(json_object_get(doc, "store"));
    const char *pem = json_string_value(json_object_get(doc, "pem"));
    const char *der64 = json_string_value(json_object_get(doc, "der"));
    if (p.status == 0 && trust_store == NULL)
        problem_field(&p, "store", "store is required (Phone-VPN-trust, Phone-trust, "
                      "CallManager-trust or CAPF-trust)");
    if (p.status == 0 && (pem == NULL) == (der64 == NULL))
        problem_field(&p, "pem", "give the certificate as pem (PEM text) or der (base64 DER)");
    unsigned char *der = NULL;
    size_t der_len = 0;
    if (p.status == 0 && der64 != NULL) {
        size_t n = strlen(der64);
        der = malloc(n / 4 * 3 + 4);
        int m = der && n % 4 == 0 && n > 0 ? EVP_DecodeBlock(der, (const unsigned char *)der64,
                                                             (int)n) : -1;
        if (m < 0)
            problem_field(&p, "der", "der must be base64 of a DER certificate");
        else
            der_len = (size_t)m - (der64[n - 1] == '=') - (der64[n - 2] == '=');
    }
    int64_t id = 0;
    if (p.status == 0) {
        const void *bytes = der ? (const void *)der : (const void *)pem;
        size_t len = der ? der_len : strlen(pem);
        struct actor who = actor_of(req);
        service_cert_add(sv, &who, trust_store, bytes, len, &id, &p);
        if (der && p.n_errors > 0 && strcmp(p.errors[0].field, "pem") == 0)
            snprintf(p.errors[0].field, sizeof p.errors[0].field, "der");
    }
    free(der);
    json_decref(doc);
    if (p.status != 0) {
        api_problem(resp, &p);
        return;
    }
    snprintf(resp->location, sizeof resp->location, API_PREFIX "/certificates/%lld",
             (long long)id);
    respond_cert(sv, id, 201, resp);
}

/* A certificate's content is fixed; only its trust store can change. */
static void update_cert(struct service *sv, int64_t id, const struct http_req *req,
                        struct http_resp *resp)
{
    json_t *doc = parse_body(req, resp);
    if (doc == NULL)
        return;
    struct problem p = { 0 };
    const char *key;
    json_t *j;
    json_object_foreach(doc, key, j) {
        if (strcmp(key, "store") == 0) {
            if (!json_is_string(j))
                problem_field(&p, "store", "store must be a string");
        } else if (strcmp(key, "id") != 0 && strcmp(key, "expired") != 0) {
            /* Read-only fields may come back as GET gave them, if unchanged. */
            struct cert_row row;
            struct problem ignore = { 0 };
            bool same = false;
            if (service_cert_get(sv, id, &row, &ignore) == 0) {
                json_t *now = cert_to_json(&row);
                same = json_equal(json_object_get(now, key), j);
                json_decref(now);
                cert_row_free(&row);
            }
            if (!same)
                problem_field(&p, key, "%s cannot be changed; upload a new certificate", key);
        }
    }
    const char *trust_store = json_string_value(json_object_get(doc, "store"));
    struct actor who = actor_of(req);
    if (p.status == 0 && trust_store != NULL)
        service_cert_set_trust_store(sv, &who, id, trust_store, &p);
    json_decref(doc);
    if (p.status != 0) {
        api_problem(resp, &p);
        return;
    }
    respond_cert(sv, id, 200, resp);
}

static void cert_pem(struct service *sv, int64_t id, const struct http_req *req,
                     struct http_resp *resp)
{
    (void)req;
    struct cert_row row;
    struct problem p = { 0 };
    if (service_cert_get(sv, id, &row, &p) != 0) {
        api_problem(resp, &p);
        return;
    }
    char *pem = cert_der_to_pem(row.info.der, row.info.der_len);
    cert_row_free(&row);
    if (pem == NULL) {
        fail(resp, 500, "cannot encode the certificate");
        return;
    }
    http_resp_set(resp, 200, "application/x-pem-file", pem, strlen(pem));
}

/* ---------------------------------------------------------- phones as CSV */

/* Like api_problem(), with each error's line and column as members of their
 * own, so a client can point at the cell without parsing the field text. */
static void import_problem(struct http_resp *resp, const struct problem *p,
                           const struct import_result *res)
{
    if (p->status != 400) {
        api_problem(resp, p);
        return;
    }
    json_t *errors = json_array();
    for (size_t i = 0; i < p->n_errors; i++) {
        json_t *e = json_pack("{s:s, s:s, s:I}", "field", p->errors[i].field, "message",
                              p->errors[i].message, "line", (json_int_t)res->where[i].line);
        json_object_set_new(e, "column", res->where[i].column[0]
                                             ? json_string(res->where[i].column) : json_null());
        json_array_append_new(errors, e);
    }
    json_t *doc = json_pack("{s:s, s:s, s:i, s:s, s:o, s:I}", "type", "about:blank", "title",
                            problem_title(400), "status", 400, "detail", p->detail,
                            "errors", errors, "more_errors", (json_int_t)res->more_errors);
    char *text = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    http_resp_set(resp, 400, "application/problem+json", text, text ? strlen(text) : 0);
}

static bool is_csv(const char *content_type)
{
    size_t n = strcspn(content_type, ";");
    while (n > 0 && content_type[n - 1] == ' ')
        n--;
    return n == 8 && strncasecmp(content_type, "text/csv", 8) == 0;
}

static void import_phones(struct service *sv, const struct http_req *req,
                          struct http_resp *resp)
{
    if (!is_csv(req->content_type)) {
        fail(resp, 415, "send the phones as text/csv with the header " IMPORT_HEADER);
        return;
    }
    struct import_result res;
    struct problem p = { 0 };
    struct actor who = actor_of(req);
    if (service_import_phones(sv, &who, (const char *)req->body, req->body_len, NULL, NULL,
                              &res, &p) != 0) {
        import_problem(resp, &p, &res);
        return;
    }
    send_json(resp, 200, json_pack("{s:I}", "imported", (json_int_t)res.imported));
}

static void export_phones(struct service *sv, const struct http_req *req,
                          struct http_resp *resp)
{
    (void)req;
    char *csv;
    size_t len;
    struct problem p = { 0 };
    if (service_export_phones(sv, &csv, &len, &p) != 0) {
        api_problem(resp, &p);
        return;
    }
    http_resp_set(resp, 200, "text/csv; charset=utf-8", csv, len);
}

/* ------------------------------------------------------------------ router */

static void gateway_rollover(struct service *sv, int64_t id, const struct http_req *req,
                             struct http_resp *resp)
{
    (void)req;
    struct rollover_cert *certs = NULL;
    size_t n = 0;
    struct problem p = { 0 };
    if (service_gateway_rollover(sv, id, &certs, &n, &p) != 0) {
        api_problem(resp, &p);
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        const struct rollover_cert *c = &certs[i];
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
        json_array_append_new(arr, json_pack(
            "{s:I, s:s, s:s, s:s, s:s, s:I, s:I, s:o, s:o}",
            "id", (json_int_t)c->cert_id, "cert_hash", c->cert_hash,
            "common_name", c->common_name,
            "added_at", time_rfc3339(c->added_at_ms / 1000, added, sizeof added),
            "not_after", time_rfc3339(c->not_after, expires, sizeof expires),
            "phones_total", (json_int_t)c->n_phones, "phones_current", (json_int_t)current,
            "phones_missing", missing, "missing", detail));
    }
    rollover_free(certs, n);
    send_json(resp, 200, json_pack("{s:I, s:o}", "gateway", (json_int_t)id, "certificates", arr));
}

static void verify_phone_gateways(struct service *sv, int64_t id, const struct http_req *req,
                                  struct http_resp *resp)
{
    (void)req;
    struct record rec;
    struct problem p = { 0 };
    if (service_get(sv, ENT_PHONE, id, &rec, &p) != 0) {
        api_problem(resp, &p);
        return;
    }
    char device[16];
    snprintf(device, sizeof device, "%s", rec.v[entity_field_index(entity_get(ENT_PHONE), "name")].s);
    record_free(&rec);
    struct gateway_probe *probes = NULL;
    size_t n = 0;
    if (service_verify_gateways(sv, device, &probes, &n, &p) != 0) {
        api_problem(resp, &p);
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        const struct gateway_probe *g = &probes[i];
        json_t *o = json_pack("{s:s, s:s, s:s, s:b, s:s}", "url", g->url, "host", g->host,
                              "port", g->port, "connected", g->connected,
                              "verdict", gateway_probe_verdict(g));
        if (!g->connected) {
            json_object_set_new(o, "error", json_string(g->error));
        } else {
            json_object_set_new(o, "presented_cert_hash", json_string(g->presented_hash));
            json_object_set_new(o, "presented_common_name", json_string(g->presented_cn));
            json_object_set_new(o, "tls_version", json_string(g->tls_version));
            json_object_set_new(o, "cipher", json_string(g->cipher));
            json_object_set_new(o, "hash_in_config", json_boolean(g->hash_in_config));
            json_object_set_new(o, "host_id_check_enabled", json_boolean(g->host_id_required));
            json_object_set_new(o, "host_id_check_passes", json_boolean(g->host_id_ok));
            json_object_set_new(o, "wildcard_certificate", json_boolean(g->wildcard));
        }
        json_array_append_new(arr, o);
    }
    free(probes);
    send_json(resp, 200, json_pack("{s:s, s:o}", "device", device, "gateways", arr));
}

static bool query_flag(const struct http_req *req, const char *key)
{
    const char *v = http_req_query(req, key);
    return v != NULL && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0 || strcmp(v, "yes") == 0);
}

static const char *query_or(const struct http_req *req, const char *key, const char *fallback)
{
    const char *v = http_req_query(req, key);
    return v != NULL ? v : fallback;
}

static void group_asa_config(struct service *sv, int64_t id, const struct http_req *req,
                             struct http_resp *resp)
{
    struct asa_request ar = {
        .pool = query_or(req, "pool", UCPROV_ASA_DEFAULT_POOL),
        .mask = query_or(req, "mask", UCPROV_ASA_DEFAULT_MASK),
        .outside = query_or(req, "outside", UCPROV_ASA_DEFAULT_OUTSIDE),
        .trustpoint = query_or(req, "trustpoint", UCPROV_ASA_DEFAULT_TRUSTPOINT),
        .ciphers = query_flag(req, "ciphers"),
        .dtls_test = query_flag(req, "dtls_test"),
    };
    struct problem p = { 0 };
    char *text = NULL;
    if (service_asa_config(sv, id, &ar, &text, &p) != 0) {
        api_problem(resp, &p);
        return;
    }
    http_resp_set(resp, 200, "text/plain; charset=utf-8", text, strlen(text));
}

static void phone_config(struct service *sv, int64_t id, const struct http_req *req,
                         struct http_resp *resp)
{
    (void)req;
    struct problem p = { 0 };
    struct cache_blob *b = service_phone_config(sv, id, &p);
    if (b == NULL) {
        api_problem(resp, &p);
        return;
    }
    char *copy = malloc(b->len);
    if (copy)
        memcpy(copy, b->data, b->len);
    http_resp_set(resp, copy ? 200 : 500, "application/xml", copy, copy ? b->len : 0);
    cache_blob_unref(b);
}

static bool is(const struct http_req *req, const char *method)
{
    return strcmp(req->method, method) == 0;
}

/* GET also answers HEAD (libmicrohttpd sends the headers without the body). */
static bool method_matches(const struct http_req *req, const char *method)
{
    return is(req, method) || (strcmp(method, "GET") == 0 && is(req, "HEAD"));
}

static void fetch_log(struct service *sv, const struct http_req *req, struct http_resp *resp)
{
    struct problem p = { 0 };
    const char *device_arg = http_req_query(req, "device");
    const char *since_arg = http_req_query(req, "since");
    const char *limit_arg = http_req_query(req, "limit");
    char device[16] = "";
    int64_t since_ms = 0, limit = UCPROV_FETCH_LOG_DEFAULT_LIMIT;
    if (device_arg && !device_name_normalise(device_arg, device))
        problem_field(&p, "device", "device must be SEP followed by 12 hex digits");
    if (since_arg && !time_parse_ms(since_arg, &since_ms))
        problem_field(&p, "since", "since must be RFC 3339 UTC (2026-11-27T10:00:00Z) or "
                      "seconds since the epoch");
    if (limit_arg && !parse_count(limit_arg, 1, UCPROV_FETCH_LOG_MAX_LIMIT, &limit))
        problem_field(&p, "limit", "limit must be an integer from 1 to %d",
                      UCPROV_FETCH_LOG_MAX_LIMIT);
    struct fetch_record *recs = NULL;
    size_t n = 0;
    if (p.status || service_fetch_log_query(sv, device[0] ? device : NULL, since_ms, limit,
                                            &recs, &n, &p) != 0) {
        api_problem(resp, &p);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) {
        const struct fetch_record *r = &recs[i];
        char when[40];
        time_rfc3339_ms(r->at_ms, when, sizeof when);
        json_array_append_new(items, json_pack(
            "{s:s, s:s, s:i, s:s, s:s, s:s, s:I, s:s, s:s, s:f}",
            "time", when, "client_address", r->client, "client_port", r->client_port,
            "filename", r->filename, "device", r->device, "protocol", r->protocol,
            "bytes", (json_int_t)r->bytes, "result", r->result,
            "version_stamp", r->version_stamp, "duration_ms", (double)r->duration_us / 1000.0));
    }
    free(recs);
    send_json(resp, 200, json_pack("{s:o, s:I}", "items", items, "count", (json_int_t)n));
}

static void diagnostics(struct service *sv, const struct http_req *req, struct http_resp *resp)
{
    struct problem p = { 0 };
    int64_t days = UCPROV_EXPIRY_WARN_DAYS;
    const char *arg = http_req_query(req, "expiry_days");
    if (arg && !parse_count(arg, 0, 3650, &days))
        problem_field(&p, "expiry_days", "expiry_days must be an integer from 0 to 3650");
    struct diagnostic *items = NULL;
    size_t n = 0;
    if (p.status || service_diagnostics(sv, (int)days, &items, &n, &p) != 0) {
        api_problem(resp, &p);
        return;
    }
    json_t *errors = json_array(), *warnings = json_array();
    for (size_t i = 0; i < n; i++) {
        const struct diagnostic *d = &items[i];
        json_t *object = json_pack("{s:s, s:s}", "collection", entity_get(d->kind)->collection,
                                   "name", d->name);
        if (d->id)
            json_object_set_new(object, "id", json_integer(d->id));
        json_array_append_new(d->severity == DIAG_ERROR ? errors : warnings,
                              json_pack("{s:s, s:o, s:s, s:s}", "code", d->code, "object", object,
                                        "message", d->message, "fix", d->fix));
    }
    free(items);
    send_json(resp, 200, json_pack("{s:I, s:o, s:o}", "expiry_days", (json_int_t)days,
                                   "errors", errors, "warnings", warnings));
}

static void audit_log(struct service *sv, const struct http_req *req, struct http_resp *resp)
{
    struct problem p = { 0 };
    const char *coll = http_req_query(req, "collection");
    const char *id_arg = http_req_query(req, "id");
    const char *since_arg = http_req_query(req, "since");
    const char *limit_arg = http_req_query(req, "limit");
    int64_t object_id = 0, since_ms = 0, limit = UCPROV_LIST_DEFAULT_LIMIT;
    if (id_arg && !parse_count(id_arg, 1, INT64_MAX, &object_id))
        problem_field(&p, "id", "id must be a positive integer");
    if (since_arg && !time_parse_ms(since_arg, &since_ms))
        problem_field(&p, "since", "since must be RFC 3339 UTC or seconds since the epoch");
    if (limit_arg && !parse_count(limit_arg, 1, UCPROV_LIST_MAX_LIMIT, &limit))
        problem_field(&p, "limit", "limit must be an integer from 1 to %d", UCPROV_LIST_MAX_LIMIT);
    struct audit_entry *items = NULL;
    size_t n = 0;
    if (p.status || service_audit_query(sv, coll, object_id, since_ms, limit, &items, &n,
                                        &p) != 0) {
        api_problem(resp, &p);
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        const struct audit_entry *e = &items[i];
        char when[40];
        time_rfc3339_ms(e->at_ms, when, sizeof when);
        json_t *before = e->before ? json_loads(e->before, 0, NULL) : NULL;
        json_t *after = e->after ? json_loads(e->after, 0, NULL) : NULL;
        json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o}", "time", when,
                              "actor", e->actor, "action", e->action,
                              "collection", e->collection, "object_name", e->object_name,
                              "before", before ? before : json_null(),
                              "after", after ? after : json_null());
        json_object_set_new(o, "object_id", e->object_id ? json_integer(e->object_id)
                                                         : json_null());
        json_array_append_new(arr, o);
    }
    audit_entries_free(items, n);
    send_json(resp, 200, json_pack("{s:o, s:I}", "items", arr, "count", (json_int_t)n));
}

/* Evidence line n of a pasted log, capped, as a JSON string. */
static json_t *line_text(const char *body, size_t len, size_t n)
{
    const char *start;
    size_t width = phonelog_line(body, len, n, &start);
    if (width > UCPROV_PHONELOG_EVIDENCE_MAX)
        width = UCPROV_PHONELOG_EVIDENCE_MAX;
    json_t *t = json_stringn(start, width);
    if (t != NULL)
        return t;
    /* Logs are not always UTF-8: keep the line readable rather than refuse it. */
    char *ascii = malloc(width + 1);
    for (size_t k = 0; ascii && k < width; k++) {
        unsigned char c = (unsigned char)start[k];
        ascii[k] = c >= 0x20 && c < 0x7f ? (char)c : '?';
    }
    t = ascii ? json_stringn(ascii, width) : json_string("");
    free(ascii);
    return t;
}

static void phone_log(struct service *sv, const struct http_req *req, struct http_resp *resp)
{
    (void)sv;
    const char *ct = req->content_type;
    if (strncasecmp(ct, "text/plain", 10) != 0 && strncasecmp(ct, "application/octet-stream", 24)) {
        fail(resp, 415, "send the phone's log as text/plain");
        return;
    }
    struct phonelog_finding found[PHONELOG_PROBLEM_COUNT];
    const char *body = (const char *)req->body;
    size_t n = phonelog_diagnose(body, req->body_len, found, PHONELOG_PROBLEM_COUNT);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *lines = json_array();
        for (size_t k = 0; k < found[i].n_lines; k++)
            json_array_append_new(lines, json_pack("{s:I, s:o}", "line",
                                                   (json_int_t)found[i].lines[k], "text",
                                                   line_text(body, req->body_len,
                                                             found[i].lines[k])));
        json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:o}", "problem", found[i].id,
                                             "title", found[i].title, "fix", found[i].fix,
                                             "evidence", lines));
    }
    send_json(resp, 200, json_pack("{s:o, s:I}", "findings", arr, "count", (json_int_t)n));
}

static bool parse_id(const char *text, size_t len, int64_t *id)
{
    if (len == 0 || len > 18)
        return false;
    int64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (!isdigit((unsigned char)text[i]))
            return false;
        v = v * 10 + (text[i] - '0');
    }
    *id = v;
    return v > 0;
}

static void index_page(struct service *sv, const struct http_req *req, struct http_resp *resp)
{
    (void)sv;
    (void)req;
    json_t *colls = json_array();
    for (size_t k = 0; k < ENT_COUNT; k++)
        json_array_append_new(colls, json_string(entity_get((enum entity_kind)k)->collection));
    send_json(resp, 200, json_pack("{s:s, s:o}", "api", "ucprov/v1", "collections", colls));
}


static void route_collection(struct service *sv, const struct entity_def *e,
                             const struct http_req *req, struct http_resp *resp)
{
    bool cert = e->kind == ENT_CERTIFICATE;
    if (e->singleton) {
        if (method_matches(req, "GET"))
            respond_record(sv, e->kind, 1, 200, resp);
        else if (is(req, "PUT"))
            write_record(sv, e, 1, req, resp);
        else
            method_not_allowed(resp, "GET, PUT");
    } else if (method_matches(req, "GET")) {
        if (cert)
            list_certs(sv, req, resp);
        else
            list_records(sv, e, req, resp);
    } else if (is(req, "POST")) {
        if (cert)
            create_cert(sv, req, resp);
        else
            write_record(sv, e, 0, req, resp);
    } else {
        method_not_allowed(resp, "GET, POST");
    }
}

static void route_object(struct service *sv, const struct entity_def *e, int64_t id,
                         const struct http_req *req, struct http_resp *resp)
{
    bool cert = e->kind == ENT_CERTIFICATE;
    if (method_matches(req, "GET")) {
        if (cert)
            respond_cert(sv, id, 200, resp);
        else
            respond_record(sv, e->kind, id, 200, resp);
    } else if (is(req, "PUT")) {
        if (cert)
            update_cert(sv, id, req, resp);
        else
            write_record(sv, e, id, req, resp);
    } else if (is(req, "DELETE")) {
        delete_object(sv, e, id, req, resp);
    } else {
        method_not_allowed(resp, "GET, PUT, DELETE");
    }
}

static void phone_models(struct service *sv, const struct http_req *req, struct http_resp *resp)
{
    (void)req;
    struct phone_model *models = NULL;
    size_t n = 0;
    struct problem p = { 0 };
    if (service_model_list(sv, &models, &n, &p) != 0) {
        api_problem(resp, &p);
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, json_pack("{s:s, s:i, s:b, s:o, s:s, s:s}",
            "name", models[i].name, "model_id", models[i].model_id,
            "vpn_client", models[i].vpn_client,
            "tls_versions", models[i].tls12 ? json_pack("[s, s]", "1.0", "1.2")
                                            : json_pack("[s]", "1.0"),
            "factory_chain", models[i].mic_sha256 ? "sha256" : "sha1",
            "default_load", models[i].default_load));
    free(models);
    send_json(resp, 200, json_pack("{s:o, s:I}", "items", arr, "total", (json_int_t)n));
}

/* PUT {"model_id": 685, "default_load": "sip88xx.14-3-1"}: a new firmware load. */
static void phone_model_load(struct service *sv, const struct http_req *req,
                             struct http_resp *resp)
{
    json_t *doc = parse_body(req, resp);
    if (doc == NULL)
        return;
    struct problem p = { 0 };
    json_t *id = json_object_get(doc, "model_id"), *load = json_object_get(doc, "default_load");
    if (!json_is_integer(id))
        problem_field(&p, "model_id", "model_id must be the model's integer id");
    if (!json_is_string(load))
        problem_field(&p, "default_load", "default_load must be a string");
    struct actor who = actor_of(req);
    if (p.status == 0)
        service_model_set_load(sv, &who, (int)json_integer_value(id),
                               json_string_value(load), &p);
    json_decref(doc);
    if (p.status != 0) {
        api_problem(resp, &p);
        return;
    }
    phone_models(sv, req, resp);
}

/* ------------------------------------------------------------------ routes */

typedef void (*fixed_handler)(struct service *sv, const struct http_req *req,
                              struct http_resp *resp);
typedef void (*object_handler)(struct service *sv, int64_t id, const struct http_req *req,
                               struct http_resp *resp);

/* Paths with no id in them, below /api/v1. */
static const struct {
    const char *path, *method;   /* GET also answers HEAD */
    fixed_handler handler;
} fixed_routes[] = {
    { "", "GET", index_page },
    { "fetch-log", "GET", fetch_log },
    { "audit-log", "GET", audit_log },
    { "diagnostics", "GET", diagnostics },
    { "diagnostics/phone-log", "POST", phone_log },
    { "phones/import", "POST", import_phones },
    { "phones/export", "GET", export_phones },
    { "phone-models", "GET", phone_models },
    { "phone-models", "PUT", phone_model_load },
};

/* Paths below one object: /api/v1/<collection>/<id>/<sub>. */
static const struct {
    enum entity_kind kind;
    const char *sub, *method;
    object_handler handler;
} object_routes[] = {
    { ENT_PHONE, "config", "GET", phone_config },
    { ENT_PHONE, "verify-gateways", "POST", verify_phone_gateways },
    { ENT_CERTIFICATE, "pem", "GET", cert_pem },
    { ENT_VPN_GATEWAY, "rollover", "GET", gateway_rollover },
    { ENT_VPN_GROUP, "asa-config", "GET", group_asa_config },
};

void api_each_route(void (*fn)(void *ctx, const char *method, const char *path), void *ctx)
{
    char path[256];
    for (size_t i = 0; i < sizeof fixed_routes / sizeof fixed_routes[0]; i++) {
        snprintf(path, sizeof path, API_PREFIX "%s%s", *fixed_routes[i].path ? "/" : "",
                 fixed_routes[i].path);
        fn(ctx, fixed_routes[i].method, path);
    }
    for (size_t k = 0; k < ENT_COUNT; k++) {
        const struct entity_def *e = entity_get((enum entity_kind)k);
        snprintf(path, sizeof path, API_PREFIX "/%s", e->collection);
        fn(ctx, "GET", path);
        fn(ctx, e->singleton ? "PUT" : "POST", path);
        if (e->singleton)
            continue;
        snprintf(path, sizeof path, API_PREFIX "/%s/1", e->collection);
        fn(ctx, "GET", path);
        fn(ctx, "PUT", path);
        fn(ctx, "DELETE", path);
    }
    for (size_t i = 0; i < sizeof object_routes / sizeof object_routes[0]; i++) {
        snprintf(path, sizeof path, API_PREFIX "/%s/1/%s",
                 entity_get(object_routes[i].kind)->collection, object_routes[i].sub);
        fn(ctx, object_routes[i].method, path);
    }
}

static bool route_fixed(struct service *sv, const char *path, const struct http_req *req,
                        struct http_resp *resp)
{
    char allowed[64] = "";
    for (size_t i = 0; i < sizeof fixed_routes / sizeof fixed_routes[0]; i++) {
        if (strcmp(fixed_routes[i].path, path) != 0)
            continue;
        if (method_matches(req, fixed_routes[i].method)) {
            fixed_routes[i].handler(sv, req, resp);
            return true;
        }
        size_t used = strlen(allowed);
        snprintf(allowed + used, sizeof allowed - used, "%s%s", used ? ", " : "",
                 fixed_routes[i].method);
    }
    if (allowed[0] == '\0')
        return false;
    method_not_allowed(resp, allowed);
    return true;
}

static void route_sub(struct service *sv, const struct entity_def *e, int64_t id,
                      const char *sub, const struct http_req *req, struct http_resp *resp)
{
    for (size_t i = 0; i < sizeof object_routes / sizeof object_routes[0]; i++) {
        if (object_routes[i].kind != e->kind || strcmp(object_routes[i].sub, sub) != 0)
            continue;
        if (method_matches(req, object_routes[i].method))
            object_routes[i].handler(sv, id, req, resp);
        else
            method_not_allowed(resp, object_routes[i].method);
        return;
    }
    fail(resp, 404, "no such resource");
}

void api_handle(void *ctx, const struct http_req *req, struct http_resp *resp)
{
    struct service *sv = ctx;
    const char *path = req->path;
    size_t plen = strlen(API_PREFIX);
    if (strncmp(path, API_PREFIX, plen) != 0 || (path[plen] != '/' && path[plen] != '\0')) {
        fail(resp, 404, "no such resource; the REST API lives under " API_PREFIX);
        return;
    }
    path += plen;
    if (*path == '/')
        path++;
    if (route_fixed(sv, path, req, resp))
        return;
    /* collection [/ id [/ sub]] */
    size_t clen = strcspn(path, "/");
    char coll[64];
    if (clen >= sizeof coll) {
        fail(resp, 404, "no such collection");
        return;
    }
    memcpy(coll, path, clen);
    coll[clen] = '\0';
    const struct entity_def *e = entity_by_collection(coll);
    if (e == NULL) {
        fail(resp, 404, "no collection named '%s'", coll);
        return;
    }
    path += clen;
    if (*path == '\0' || strcmp(path, "/") == 0) {
        route_collection(sv, e, req, resp);
        return;
    }
    path++;
    size_t ilen = strcspn(path, "/");
    int64_t id;
    if (e->singleton || !parse_id(path, ilen, &id)) {
        fail(resp, 404, "no %s at this address", e->label);
        return;
    }
    const char *sub = path + ilen;
    if (*sub == '\0')
        route_object(sv, e, id, req, resp);
    else
        route_sub(sv, e, id, sub + 1, req, resp);
}
