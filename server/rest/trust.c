/* trust.c - REST: the trust list phones get (GET /trust-list), its
 * rotation (POST /trust-list/rotate), which phones fetched it
 * (GET /trust-list/readiness), and a phone's own certificate
 * (POST /phones/{id}/certificate).  No private key is ever answered. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rest/handlers.h"
#include "rest/json.h"

static json_t *entry_json(const void *row);
static json_t *ready_json(const void *row);

static json_t *entry_json(const void *row)
{
    const struct trust_entry *e = row;
    return json_pack("{s:s, s:s*, s:s, s:s, s:I, s:b, s:s*}", "role", e->role, "key",
                     e->key[0] ? e->key : NULL, "subject", e->subject, "serial", e->serial,
                     "not_after", (json_int_t)e->not_after, "signs_list", e->signs_list, "pem",
                     e->pem);
}

void rest_trust_list(struct service *sv, const struct http_req *req, struct http_resp *resp)
{
    (void)req;
    struct problem p = { 0 };
    struct trust_entry *e = NULL;
    struct trust_state st;
    size_t n = 0;
    if (service_trust_list(sv, &e, &n, &p) != 0 || service_trust_state(sv, &st, &p) != 0) {
        trust_entries_free(e, n);
        rest_problem(resp, &p);
        return;
    }
    json_t *doc = json_pack("{s:I, s:b, s:I, s:o}", "generation", (json_int_t)st.generation,
                            "ctl_enabled", st.ctl_enabled, "recovery_exported_at",
                            (json_int_t)st.recovery_exported_at, "entries",
                            rest_array(e, n, sizeof *e, entry_json, NULL));
    trust_entries_free(e, n);
    rest_send_json(resp, 200, doc);
}

void rest_trust_rotate(struct service *sv, const struct http_req *req, struct http_resp *resp)
{
    json_t *doc = rest_parse_body(req, resp);
    if (doc == NULL)
        return;
    const char *role = json_string_value(json_object_get(doc, "role"));
    struct problem p = { 0 };
    if (role == NULL || (strcmp(role, "tftp") != 0 && strcmp(role, "sast") != 0)) {
        problem_set(&p, 400, "role must be \"tftp\" or \"sast\"");
        problem_field(&p, "role", "must be tftp or sast");
    } else {
        struct actor who = rest_actor(req);
        service_trust_rotate(sv, &who, strcmp(role, "tftp") == 0 ? TRUST_ROLE_TFTP
                                                                 : TRUST_ROLE_SAST, &p);
    }
    json_decref(doc);
    if (p.status != 0) {
        rest_problem(resp, &p);
        return;
    }
    rest_trust_list(sv, req, resp);
}

/* PUT {"ctl_enabled": bool}: serve CTLFile.tlv or not. */
void rest_trust_settings(struct service *sv, const struct http_req *req, struct http_resp *resp)
{
    json_t *doc = rest_parse_body(req, resp);
    if (doc == NULL)
        return;
    json_t *on = json_object_get(doc, "ctl_enabled");
    struct problem p = { 0 };
    if (!json_is_boolean(on)) {
        problem_set(&p, 400, "the body must say \"ctl_enabled\": true or false");
        problem_field(&p, "ctl_enabled", "must be true or false");
    } else {
        struct actor who = rest_actor(req);
        service_trust_set_ctl(sv, &who, json_is_true(on), &p);
    }
    json_decref(doc);
    if (p.status != 0) {
        rest_problem(resp, &p);
        return;
    }
    rest_trust_list(sv, req, resp);
}

static json_t *ready_json(const void *row)
{
    const struct trust_ready *r = row;
    return json_pack("{s:s, s:s, s:b, s:I}", "name", r->name, "address", r->address,
                     "fetched_current", r->fetched_current, "last_trust_fetch_ms",
                     (json_int_t)r->last_trust_fetch_ms);
}

void rest_trust_readiness(struct service *sv, const struct http_req *req,
                          struct http_resp *resp)
{
    (void)req;
    struct problem p = { 0 };
    struct trust_ready *r = NULL;
    size_t n = 0;
    if (service_trust_readiness(sv, &r, &n, &p) != 0) {
        rest_problem(resp, &p);
        return;
    }
    size_t ready = 0;
    for (size_t i = 0; i < n; i++)
        ready += r[i].fetched_current;
    json_t *doc = json_pack("{s:I, s:I, s:o}", "phones", (json_int_t)n, "ready",
                            (json_int_t)ready, "items",
                            rest_array(r, n, sizeof *r, ready_json, NULL));
    free(r);
    rest_send_json(resp, 200, doc);
}

void rest_phone_certificate(struct service *sv, int64_t id, const struct http_req *req,
                            struct http_resp *resp)
{
    json_t *doc = rest_parse_body(req, resp);
    if (doc == NULL)
        return;
    const char *pem = json_string_value(json_object_get(doc, "pem"));
    struct problem p = { 0 };
    if (pem == NULL) {
        problem_set(&p, 400, "the body must carry the certificate as \"pem\"");
        problem_field(&p, "pem", "required");
    } else {
        struct actor who = rest_actor(req);
        service_phone_set_certificate(sv, &who, id, pem, strlen(pem), &p);
    }
    json_decref(doc);
    if (p.status != 0) {
        rest_problem(resp, &p);
        return;
    }
    rest_get_record(sv, ENT_PHONE, id, 200, resp);
}
