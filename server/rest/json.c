/* json.c - the REST handlers' common ground: JSON and problems out, bodies
 * and query arguments in. */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "limits.h"
#include "rest/json.h"

void rest_send_json(struct http_resp *resp, int status, json_t *doc)
{
    char *text = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    if (text == NULL) {
        http_resp_set(resp, 500, "text/plain", strdup("out of memory"), 13);
        return;
    }
    http_resp_set(resp, status, "application/json", text, strlen(text));
}

void rest_problem(struct http_resp *resp, const struct problem *p)
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

void rest_fail(struct http_resp *resp, int status, const char *fmt, ...)
{
    struct problem p = { 0 };
    va_list ap;
    va_start(ap, fmt);
    p.status = status;
    vsnprintf(p.detail, sizeof p.detail, fmt, ap);
    va_end(ap);
    rest_problem(resp, &p);
}

void rest_method_not_allowed(struct http_resp *resp, const char *allow)
{
    rest_fail(resp, 405, "method not allowed here; allowed: %s", allow);
    snprintf(resp->allow, sizeof resp->allow, "%s", allow);
}

json_t *rest_array(void *rows, size_t n, size_t size, json_t *(*item)(const void *row),
                   void (*release)(void *row))
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        void *row = (char *)rows + i * size;
        json_array_append_new(arr, item(row));
        if (release != NULL)
            release(row);
    }
    return arr;
}

void rest_send_items(struct http_resp *resp, json_t *items, const char *count_key,
                     int64_t count)
{
    rest_send_json(resp, 200, json_pack("{s:o, s:I}", "items", items, count_key,
                                        (json_int_t)count));
}

json_t *rest_parse_body(const struct http_req *req, struct http_resp *resp)
{
    const char *ct = req->content_type;
    if (strncasecmp(ct, "application/json", 16) != 0 || (ct[16] != '\0' && ct[16] != ';')) {
        rest_fail(resp, 415, "send the body as application/json");
        return NULL;
    }
    json_error_t jerr;
    json_t *doc = json_loadb((const char *)req->body, req->body_len, JSON_REJECT_DUPLICATES,
                             &jerr);
    if (doc == NULL) {
        rest_fail(resp, 400, "the body is not valid JSON: %s (line %d, column %d)", jerr.text,
                  jerr.line, jerr.column);
        return NULL;
    }
    if (!json_is_object(doc)) {
        json_decref(doc);
        rest_fail(resp, 400, "the body must be a JSON object");
        return NULL;
    }
    return doc;
}

bool rest_parse_count(const char *text, int64_t min, int64_t max, int64_t *out)
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

bool rest_list_query(const struct http_req *req, struct list_query *q, struct problem *p)
{
    const char *limit = http_req_query(req, "limit");
    const char *offset = http_req_query(req, "offset");
    const char *name = http_req_query(req, "name");
    const char *prefix = http_req_query(req, "name_prefix");
    const char *contains = http_req_query(req, "name_contains");
    q->limit = UCPROV_LIST_DEFAULT_LIMIT;
    q->offset = 0;
    q->match = MATCH_ANY;
    if (limit && !rest_parse_count(limit, 0, UCPROV_LIST_MAX_LIMIT, &q->limit))
        problem_field(p, "limit", "limit must be an integer from 0 to %d", UCPROV_LIST_MAX_LIMIT);
    if (offset && !rest_parse_count(offset, 0, INT64_MAX, &q->offset))
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

struct actor rest_actor(const struct http_req *req)
{
    struct actor who = { .admin_id = req->who.id };
    snprintf(who.name, sizeof who.name, "%s", req->who.name);
    return who;
}
