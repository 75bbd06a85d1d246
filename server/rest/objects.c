/* objects.c - REST over the collections of model.h: list, get, create,
 * update, delete; and what belongs to phones alone (config, CSV import and
 * export, the model catalogue).
 *
 * JSON is decoded into records against the entity tables of model.h, so type
 * errors name the field; everything semantic is the service's call. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rest/handlers.h"
#include "rest/json.h"

static json_t *record_item(const void *row);
static void record_release(void *row);
static json_t *save_warnings(struct service *sv, const struct record *saved);
static bool confirmed(const struct http_req *req);
static void import_problem(struct http_resp *resp, const struct problem *p,
                           const struct import_result *res);
static bool is_csv(const char *content_type);
static json_t *model_item(const void *row);

/* ---------------------------------------------------------- generic routes */

void rest_get_record(struct service *sv, enum entity_kind kind, int64_t id, int status,
                     struct http_resp *resp)
{
    struct record rec;
    struct problem p = { 0 };
    if (service_get(sv, kind, id, &rec, &p) != 0) {
        rest_problem(resp, &p);
        return;
    }
    rest_send_json(resp, status, record_json(&rec));
    record_free(&rec);
}

static json_t *record_item(const void *row)
{
    return record_json(row);
}

static void record_release(void *row)
{
    record_free(row);
}

void rest_list_records(struct service *sv, const struct entity_def *e,
                       const struct http_req *req, struct http_resp *resp)
{
    struct list_query q;
    struct problem p = { 0 };
    struct record *items = NULL;
    size_t n = 0;
    int64_t total = 0;
    if (!rest_list_query(req, &q, &p) ||
        service_list(sv, e->kind, &q, &items, &n, &total, &p) != 0) {
        rest_problem(resp, &p);
        return;
    }
    rest_send_items(resp, rest_array(items, n, sizeof *items, record_item, record_release),
                    "total", total);
    free(items);
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

void rest_write_record(struct service *sv, const struct entity_def *e, int64_t id,
                       const struct http_req *req, struct http_resp *resp)
{
    json_t *doc = rest_parse_body(req, resp);
    if (doc == NULL)
        return;
    struct record patch = { .kind = e->kind };
    struct problem p = { 0 };
    record_from_json(doc, &patch, &p);
    json_decref(doc);
    bool create = id == 0 && !e->singleton;
    struct actor who = rest_actor(req);
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
        rest_problem(resp, &p);
        return;
    }
    if (create)
        snprintf(resp->location, sizeof resp->location, REST_PREFIX "/%s/%lld", e->collection,
                 (long long)id);
    struct record rec;
    if (service_get(sv, e->kind, id, &rec, &p) != 0) {
        rest_problem(resp, &p);
        return;
    }
    json_t *out = record_json(&rec);
    json_t *warnings = save_warnings(sv, &rec);
    if (json_array_size(warnings) > 0)
        json_object_set_new(out, "warnings", warnings);
    else
        json_decref(warnings);
    record_free(&rec);
    rest_send_json(resp, create ? 201 : 200, out);
}

void rest_delete_object(struct service *sv, const struct entity_def *e, int64_t id,
                        const struct http_req *req, struct http_resp *resp)
{
    struct problem p = { 0 };
    struct actor who = rest_actor(req);
    if (service_delete(sv, &who, e->kind, id, &p) != 0) {
        rest_problem(resp, &p);
        return;
    }
    http_resp_set(resp, 204, NULL, NULL, 0);
}

/* ------------------------------------------------------------------ phones */

void rest_phone_config(struct service *sv, int64_t id, const struct http_req *req,
                       struct http_resp *resp)
{
    (void)req;
    struct problem p = { 0 };
    struct cache_blob *b = service_phone_config(sv, id, &p);
    if (b == NULL) {
        rest_problem(resp, &p);
        return;
    }
    char *copy = malloc(b->len);
    if (copy)
        memcpy(copy, b->data, b->len);
    http_resp_set(resp, copy ? 200 : 500, "application/xml", copy, copy ? b->len : 0);
    cache_blob_unref(b);
}

/* Like rest_problem(), with each error's line and column as members of their
 * own, so a client can point at the cell without parsing the field text. */
static void import_problem(struct http_resp *resp, const struct problem *p,
                           const struct import_result *res)
{
    if (p->status != 400) {
        rest_problem(resp, p);
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

void rest_import_phones(struct service *sv, const struct http_req *req, struct http_resp *resp)
{
    if (!is_csv(req->content_type)) {
        rest_fail(resp, 415, "send the phones as text/csv with the header " IMPORT_HEADER);
        return;
    }
    struct import_result res;
    struct problem p = { 0 };
    struct actor who = rest_actor(req);
    if (service_import_phones(sv, &who, (const char *)req->body, req->body_len, NULL, NULL,
                              &res, &p) != 0) {
        import_problem(resp, &p, &res);
        return;
    }
    rest_send_json(resp, 200, json_pack("{s:I}", "imported", (json_int_t)res.imported));
}

void rest_export_phones(struct service *sv, const struct http_req *req, struct http_resp *resp)
{
    (void)req;
    char *csv;
    size_t len;
    struct problem p = { 0 };
    if (service_export_phones(sv, &csv, &len, &p) != 0) {
        rest_problem(resp, &p);
        return;
    }
    http_resp_set(resp, 200, "text/csv; charset=utf-8", csv, len);
}

/* ------------------------------------------------------------ phone models */

static json_t *model_item(const void *row)
{
    const struct phone_model *m = row;
    return json_pack("{s:s, s:i, s:b, s:o, s:s, s:s}", "name", m->name, "model_id", m->model_id,
                     "vpn_client", m->vpn_client,
                     "tls_versions", m->tls12 ? json_pack("[s, s]", "1.0", "1.2")
                                             : json_pack("[s]", "1.0"),
                     "factory_chain", m->mic_sha256 ? "sha256" : "sha1",
                     "default_load", m->default_load);
}

void rest_phone_models(struct service *sv, const struct http_req *req, struct http_resp *resp)
{
    (void)req;
    struct phone_model *models = NULL;
    size_t n = 0;
    struct problem p = { 0 };
    if (service_model_list(sv, &models, &n, &p) != 0) {
        rest_problem(resp, &p);
        return;
    }
    rest_send_items(resp, rest_array(models, n, sizeof *models, model_item, NULL), "total",
                    (int64_t)n);
    free(models);
}

/* PUT {"model_id": 685, "default_load": "sip88xx.14-3-1"}: a new firmware load. */
void rest_phone_model_load(struct service *sv, const struct http_req *req,
                           struct http_resp *resp)
{
    json_t *doc = rest_parse_body(req, resp);
    if (doc == NULL)
        return;
    struct problem p = { 0 };
    json_t *id = json_object_get(doc, "model_id"), *load = json_object_get(doc, "default_load");
    if (!json_is_integer(id))
        problem_field(&p, "model_id", "model_id must be the model's integer id");
    if (!json_is_string(load))
        problem_field(&p, "default_load", "default_load must be a string");
    struct actor who = rest_actor(req);
    if (p.status == 0)
        service_model_set_load(sv, &who, (int)json_integer_value(id),
                               json_string_value(load), &p);
    json_decref(doc);
    if (p.status != 0) {
        rest_problem(resp, &p);
        return;
    }
    rest_phone_models(sv, req, resp);
}
