/* ops.c - REST for troubleshooting: the fetch and audit logs, diagnostics, a
 * pasted phone log, a live check of a phone's gateways, and the ASA side of a
 * VPN group. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "limits.h"
#include "phonelog.h"
#include "rest/handlers.h"
#include "rest/json.h"
#include "timefmt.h"
#include "verify.h"

static json_t *fetch_item(const void *row);
static json_t *audit_item(const void *row);
static json_t *diagnostic_json(const struct diagnostic *d);
static json_t *line_text(const char *body, size_t len, size_t n);
static json_t *probe_item(const void *row);
static const char *query_or(const struct http_req *req, const char *key, const char *fallback);

/* ------------------------------------------------------------------- logs */

static json_t *fetch_item(const void *row)
{
    const struct fetch_record *r = row;
    char when[40];
    time_rfc3339_ms(r->at_ms, when, sizeof when);
    return json_pack("{s:s, s:s, s:i, s:s, s:s, s:s, s:I, s:s, s:s, s:f}",
                     "time", when, "client_address", r->client, "client_port", r->client_port,
                     "filename", r->filename, "device", r->device, "protocol", r->protocol,
                     "bytes", (json_int_t)r->bytes, "result", r->result,
                     "version_stamp", r->version_stamp,
                     "duration_ms", (double)r->duration_us / 1000.0);
}

void rest_fetch_log(struct service *sv, const struct http_req *req, struct http_resp *resp)
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
    if (limit_arg && !rest_parse_count(limit_arg, 1, UCPROV_FETCH_LOG_MAX_LIMIT, &limit))
        problem_field(&p, "limit", "limit must be an integer from 1 to %d",
                      UCPROV_FETCH_LOG_MAX_LIMIT);
    struct fetch_record *recs = NULL;
    size_t n = 0;
    if (p.status || service_fetch_log_query(sv, device[0] ? device : NULL, since_ms, limit,
                                            &recs, &n, &p) != 0) {
        rest_problem(resp, &p);
        return;
    }
    rest_send_items(resp, rest_array(recs, n, sizeof *recs, fetch_item, NULL), "count",
                    (int64_t)n);
    free(recs);
}

static json_t *audit_item(const void *row)
{
    const struct audit_entry *e = row;
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
    return o;
}

void rest_audit_log(struct service *sv, const struct http_req *req, struct http_resp *resp)
{
    struct problem p = { 0 };
    const char *coll = http_req_query(req, "collection");
    const char *id_arg = http_req_query(req, "id");
    const char *since_arg = http_req_query(req, "since");
    const char *limit_arg = http_req_query(req, "limit");
    int64_t object_id = 0, since_ms = 0, limit = UCPROV_LIST_DEFAULT_LIMIT;
    if (id_arg && !rest_parse_count(id_arg, 1, INT64_MAX, &object_id))
        problem_field(&p, "id", "id must be a positive integer");
    if (since_arg && !time_parse_ms(since_arg, &since_ms))
        problem_field(&p, "since", "since must be RFC 3339 UTC or seconds since the epoch");
    if (limit_arg && !rest_parse_count(limit_arg, 1, UCPROV_LIST_MAX_LIMIT, &limit))
        problem_field(&p, "limit", "limit must be an integer from 1 to %d", UCPROV_LIST_MAX_LIMIT);
    struct audit_entry *items = NULL;
    size_t n = 0;
    if (p.status || service_audit_query(sv, coll, object_id, since_ms, limit, &items, &n,
                                        &p) != 0) {
        rest_problem(resp, &p);
        return;
    }
    rest_send_items(resp, rest_array(items, n, sizeof *items, audit_item, NULL), "count",
                    (int64_t)n);
    audit_entries_free(items, n);
}

/* ------------------------------------------------------------ diagnostics */

static json_t *diagnostic_json(const struct diagnostic *d)
{
    json_t *object = json_pack("{s:s, s:s}", "collection", entity_get(d->kind)->collection,
                               "name", d->name);
    if (d->id)
        json_object_set_new(object, "id", json_integer(d->id));
    return json_pack("{s:s, s:o, s:s, s:s}", "code", d->code, "object", object,
                     "message", d->message, "fix", d->fix);
}

void rest_diagnostics(struct service *sv, const struct http_req *req, struct http_resp *resp)
{
    struct problem p = { 0 };
    int64_t days = UCPROV_EXPIRY_WARN_DAYS;
    const char *arg = http_req_query(req, "expiry_days");
    if (arg && !rest_parse_count(arg, 0, 3650, &days))
        problem_field(&p, "expiry_days", "expiry_days must be an integer from 0 to 3650");
    struct diagnostic *items = NULL;
    size_t n = 0;
    if (p.status || service_diagnostics(sv, (int)days, &items, &n, &p) != 0) {
        rest_problem(resp, &p);
        return;
    }
    json_t *errors = json_array(), *warnings = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items[i].severity == DIAG_ERROR ? errors : warnings,
                              diagnostic_json(&items[i]));
    free(items);
    rest_send_json(resp, 200, json_pack("{s:I, s:o, s:o}", "expiry_days", (json_int_t)days,
                                        "errors", errors, "warnings", warnings));
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

void rest_phone_log(struct service *sv, const struct http_req *req, struct http_resp *resp)
{
    (void)sv;
    const char *ct = req->content_type;
    if (strncasecmp(ct, "text/plain", 10) != 0 && strncasecmp(ct, "application/octet-stream", 24)) {
        rest_fail(resp, 415, "send the phone's log as text/plain");
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
    rest_send_json(resp, 200, json_pack("{s:o, s:I}", "findings", arr, "count", (json_int_t)n));
}

/* --------------------------------------------------------------- gateways */

static json_t *probe_item(const void *row)
{
    const struct gateway_probe *g = row;
    json_t *o = json_pack("{s:s, s:s, s:s, s:b, s:s}", "url", g->url, "host", g->host,
                          "port", g->port, "connected", g->connected,
                          "verdict", gateway_probe_verdict(g));
    if (!g->connected) {
        json_object_set_new(o, "error", json_string(g->error));
        return o;
    }
    json_object_set_new(o, "presented_cert_hash", json_string(g->presented_hash));
    json_object_set_new(o, "presented_common_name", json_string(g->presented_cn));
    json_object_set_new(o, "tls_version", json_string(g->tls_version));
    json_object_set_new(o, "cipher", json_string(g->cipher));
    json_object_set_new(o, "hash_in_config", json_boolean(g->hash_in_config));
    json_object_set_new(o, "host_id_check_enabled", json_boolean(g->host_id_required));
    json_object_set_new(o, "host_id_check_passes", json_boolean(g->host_id_ok));
    json_object_set_new(o, "wildcard_certificate", json_boolean(g->wildcard));
    return o;
}

void rest_verify_gateways(struct service *sv, int64_t id, const struct http_req *req,
                          struct http_resp *resp)
{
    (void)req;
    struct record rec;
    struct problem p = { 0 };
    if (service_get(sv, ENT_PHONE, id, &rec, &p) != 0) {
        rest_problem(resp, &p);
        return;
    }
    char device[16];
    snprintf(device, sizeof device, "%s",
             rec.v[entity_field_index(entity_get(ENT_PHONE), "name")].s);
    record_free(&rec);
    struct gateway_probe *probes = NULL;
    size_t n = 0;
    if (service_verify_gateways(sv, device, &probes, &n, &p) != 0) {
        rest_problem(resp, &p);
        return;
    }
    json_t *arr = rest_array(probes, n, sizeof *probes, probe_item, NULL);
    free(probes);
    rest_send_json(resp, 200, json_pack("{s:s, s:o}", "device", device, "gateways", arr));
}

static const char *query_or(const struct http_req *req, const char *key, const char *fallback)
{
    const char *v = http_req_query(req, key);
    return v != NULL ? v : fallback;
}

void rest_asa_config(struct service *sv, int64_t id, const struct http_req *req,
                     struct http_resp *resp)
{
    struct asa_request ar = {
        .pool = query_or(req, "pool", UCPROV_ASA_DEFAULT_POOL),
        .mask = query_or(req, "mask", UCPROV_ASA_DEFAULT_MASK),
        .outside = query_or(req, "outside", UCPROV_ASA_DEFAULT_OUTSIDE),
        .trustpoint = query_or(req, "trustpoint", UCPROV_ASA_DEFAULT_TRUSTPOINT),
    };
    struct problem p = { 0 };
    service_asa_flag("ciphers", http_req_query(req, "ciphers"), &ar.ciphers, &p);
    service_asa_flag("dtls_test", http_req_query(req, "dtls_test"), &ar.dtls_test, &p);
    char *text = NULL;
    if (service_asa_config(sv, id, &ar, &text, &p) != 0) {
        rest_problem(resp, &p);
        return;
    }
    http_resp_set(resp, 200, "text/plain; charset=utf-8", text, strlen(text));
}
