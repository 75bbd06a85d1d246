/* json.h - what every REST handler needs (inside server/rest/ only): bodies
 * in, JSON and problems out, query arguments, the acting admin. */
#ifndef UCPROV_REST_JSON_H
#define UCPROV_REST_JSON_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "http.h"
#include "rest/rest.h"
#include "service/service.h"

#define REST_PREFIX "/api/v1"

/* Answer status with doc as application/json; takes doc's reference. */
void rest_send_json(struct http_resp *resp, int status, json_t *doc);
/* Answer status with a problem whose detail is printf-style. */
void rest_fail(struct http_resp *resp, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* 405, with the Allow header. */
void rest_method_not_allowed(struct http_resp *resp, const char *allow);

/* A JSON array of item(row) for each of the n rows, size bytes apart, with
 * release(row), when not NULL, after each is encoded (the rows' array itself
 * stays the caller's). */
json_t *rest_array(void *rows, size_t n, size_t size, json_t *(*item)(const void *row),
                   void (*release)(void *row));
/* 200 {"items": items, count_key: count}; takes items' reference. */
void rest_send_items(struct http_resp *resp, json_t *items, const char *count_key,
                     int64_t count);

/* The body as a JSON object, or NULL with the answer (415, 400) made. */
json_t *rest_parse_body(const struct http_req *req, struct http_resp *resp);
/* Decimal digits only, from min to max. */
bool rest_parse_count(const char *text, int64_t min, int64_t max, int64_t *out);
/* ?limit, ?offset and one of ?name, ?name_prefix, ?name_contains; false with
 * field errors in p. */
bool rest_list_query(const struct http_req *req, struct list_query *q, struct problem *p);

/* The admin the listener authenticated, as the service knows actors. */
struct actor rest_actor(const struct http_req *req);

#endif
