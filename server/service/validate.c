/* validate.c - the checks every write makes, whoever asks for it.
 *
 * REST, the web pages and the CLI all reach these through service_create and
 * service_update; the CSV import (bulk.c) calls svc_validate_text for its
 * text columns so a line is refused with the words a single create uses. */
#include <config.h>

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "limits.h"
#include "service/internal.h"

static bool has_control_chars(const char *s);
static size_t utf8_length(const char *s);
static void validate_url(const struct field_def *f, const char *s, struct problem *p);
static bool date_valid(const char *s);
static void validate_reflist(struct store *s, const struct field_def *f, const struct value *v,
                             struct problem *p);
static void validate_field(struct store *s, const struct field_def *f, struct value *v,
                           struct problem *p);
static void validate_ref(struct store *s, const struct field_def *f, const struct value *v,
                         struct problem *p);
static void validate_device_name(const struct field_def *f, struct value *v, struct problem *p);
static void validate_model(struct store *s, const struct field_def *f, const char *model,
                           struct problem *p);
static void check_group_cert_limit(struct store *s, int64_t group_id, const char *field,
                                   struct problem *p);

static bool has_control_chars(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return true;
    return false;
}

/* Well-formed UTF-8 (no overlongs, no surrogates, nothing past U+10FFFF).
 * Text ends up in XML files declared UTF-8 and in JSON, which both need it. */
size_t service_utf8_char(const char *text)
{
    static const unsigned min_by_length[] = { 0, 0x80, 0x800, 0x10000 };
    const unsigned char *s = (const unsigned char *)text;
    unsigned c = *s;
    if (c == 0)
        return 0;
    if (c < 0x80)
        return 1;
    size_t more = (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2 : (c & 0xf8) == 0xf0 ? 3 : 0;
    if (more == 0)
        return 0;
    unsigned cp = c & (0x3f >> more);
    for (size_t i = 1; i <= more; i++) {
        if ((s[i] & 0xc0) != 0x80)   /* a NUL ends the text here, too */
            return 0;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    if (cp < min_by_length[more] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return more + 1;
}

bool service_utf8_valid(const char *s)
{
    while (*s) {
        size_t n = service_utf8_char(s);
        if (n == 0)
            return false;
        s += n;
    }
    return true;
}

int svc_echo_len(const char *s, int max)
{
    int n = 0;
    for (;;) {
        size_t k = service_utf8_char(s + n);
        if (k == 0 || n + (int)k > max)
            return n;
        n += (int)k;
    }
}

/* Length limits count characters, as CUCM's do, not bytes. */
static size_t utf8_length(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

void svc_validate_text(const struct field_def *f, const char *s, struct problem *p)
{
    if (!service_utf8_valid(s)) {
        problem_field(p, f->name, "%s is not valid UTF-8", f->label);
        return;
    }
    size_t len = utf8_length(s);
    if (f->required && len == 0)
        problem_field(p, f->name, "%s is required", f->label);
    else if ((int64_t)len > f->max)
        problem_field(p, f->name, "%s must be at most %lld characters", f->label,
                      (long long)f->max);
    else if (has_control_chars(s))
        problem_field(p, f->name, "%s must not contain control characters", f->label);
}

/* The ASA's group-url as phones use it: http(s)://host[:port][/path], no spaces. */
static void validate_url(const struct field_def *f, const char *s, struct problem *p)
{
    svc_validate_text(f, s, p);
    if (*s == '\0')
        return;
    const char *host = NULL;
    if (strncmp(s, "https://", 8) == 0)
        host = s + 8;
    else if (strncmp(s, "http://", 7) == 0)
        host = s + 7;
    if (host == NULL) {
        problem_field(p, f->name, "%s must start with https:// (the ASA's group-url)", f->label);
        return;
    }
    size_t hlen = strcspn(host, ":/");
    if (hlen == 0) {
        problem_field(p, f->name, "%s has no host name", f->label);
        return;
    }
    for (const char *c = s; *c; c++)
        if (isspace((unsigned char)*c)) {
            problem_field(p, f->name, "%s must not contain spaces", f->label);
            return;
        }
    for (size_t i = 0; i < hlen; i++)
        if (!isalnum((unsigned char)host[i]) && host[i] != '-' && host[i] != '.' &&
            host[i] != '[' && host[i] != ']') {
            problem_field(p, f->name, "%s has an invalid host name", f->label);
            return;
        }
}

static bool date_valid(const char *s)
{
    struct tm tm = { 0 };
    const char *end = strptime(s, "%Y-%m-%d", &tm);
    if (end == NULL || *end != '\0' || strlen(s) != 10)
        return false;
    /* strptime takes 2026-02-31; timegm normalises it to March, which shows. */
    struct tm norm = tm;
    timegm(&norm);
    return norm.tm_mday == tm.tm_mday && norm.tm_mon == tm.tm_mon;
}

static void validate_reflist(struct store *s, const struct field_def *f, const struct value *v,
                             struct problem *p)
{
    const struct entity_def *target = entity_get(f->ref);
    if ((int64_t)v->n_ids < f->min) {
        problem_field(p, f->name, "%s needs at least %lld %s", f->label, (long long)f->min,
                      target->label);
        return;
    }
    if ((int64_t)v->n_ids > f->max) {
        problem_field(p, f->name, "%s holds at most %lld (got %zu)", f->label,
                      (long long)f->max, v->n_ids);
        return;
    }
    for (size_t i = 0; i < v->n_ids; i++) {
        for (size_t j = 0; j < i; j++)
            if (v->ids[i] == v->ids[j]) {
                problem_field(p, f->name, "%s lists %s %lld twice", f->label, target->label,
                              (long long)v->ids[i]);
                return;
            }
        if (f->ref == ENT_CERTIFICATE) {
            struct cert_row row;
            if (store_cert_get(s, v->ids[i], &row) != STORE_OK) {
                problem_field(p, f->name, "there is no certificate with id %lld",
                              (long long)v->ids[i]);
                return;
            }
            bool vpn_store = strcmp(row.trust_store, TRUST_STORE_PHONE_VPN) == 0;
            cert_row_free(&row);
            if (!vpn_store) {
                problem_field(p, f->name, "certificate %lld is not in the %s store",
                              (long long)v->ids[i], TRUST_STORE_PHONE_VPN);
                return;
            }
        } else if (!store_record_exists(s, f->ref, v->ids[i])) {
            problem_field(p, f->name, "there is no %s with id %lld", target->label,
                          (long long)v->ids[i]);
            return;
        }
    }
}

void svc_validate_record(struct store *s, struct record *r, struct problem *p)
{
    const struct entity_def *e = entity_get(r->kind);
    for (size_t i = 0; i < e->n_fields; i++)
        validate_field(s, &e->fields[i], &r->v[i], p);
}

static void validate_field(struct store *s, const struct field_def *f, struct value *v,
                           struct problem *p)
{
    const char *text = v->s ? v->s : "";
    switch (f->type) {
    case FT_TEXT:
    case FT_SECRET:
        svc_validate_text(f, text, p);
        break;
    case FT_URL:
        validate_url(f, text, p);
        break;
    case FT_INT:
        if (v->i < f->min || v->i > f->max)
            problem_field(p, f->name, "%s must be between %lld and %lld", f->label,
                          (long long)f->min, (long long)f->max);
        break;
    case FT_BOOL:
        if (v->i != 0 && v->i != 1)
            problem_field(p, f->name, "%s must be true or false", f->label);
        break;
    case FT_ENUM:
        if (enum_name(f->enums, v->i) == NULL)
            problem_field(p, f->name, "%s has an unknown value", f->label);
        break;
    case FT_REF:
        validate_ref(s, f, v, p);
        break;
    case FT_REFLIST:
        validate_reflist(s, f, v, p);
        break;
    case FT_DEVICE_NAME:
        validate_device_name(f, v, p);
        break;
    case FT_MODEL:
        validate_model(s, f, text, p);
        break;
    case FT_STORE:
        if (v->s == NULL || !trust_store_valid(v->s))
            problem_field(p, f->name, "unknown trust store");
        break;
    case FT_DATE:
        if (*text != '\0' && !date_valid(text))
            problem_field(p, f->name, "%s must be a date as YYYY-MM-DD", f->label);
        break;
    }
}

/* A reference may be empty only when the field is optional. */
static void validate_ref(struct store *s, const struct field_def *f, const struct value *v,
                         struct problem *p)
{
    if (v->is_null) {
        if (f->required)
            problem_field(p, f->name, "%s is required", f->label);
    } else if (!store_record_exists(s, f->ref, v->i)) {
        problem_field(p, f->name, "there is no %s with id %lld", entity_get(f->ref)->label,
                      (long long)v->i);
    }
}

/* SEP and 12 hex digits, kept as the phone asks for its file: upper case. */
static void validate_device_name(const struct field_def *f, struct value *v, struct problem *p)
{
    char norm[16];
    if (!device_name_normalise(v->s, norm))
        problem_field(p, f->name, "%s must be SEP followed by the 12 hex digits of the "
                      "phone's MAC address", f->label);
    else
        value_set_text(v, norm);
}

static void validate_model(struct store *s, const struct field_def *f, const char *model,
                           struct problem *p)
{
    if (*model == '\0')
        problem_field(p, f->name, "%s is required", f->label);
    else if (!service_utf8_valid(model))
        problem_field(p, f->name, "%s is not valid UTF-8", f->label);
    else if (!store_model_exists(s, model))
        problem_field(p, f->name, "%s '%.*s' is not in the model catalogue", f->label,
                      svc_echo_len(model, SVC_ECHO_MAX), model);
}

/* A VPN group carries at most 10 certHash entries, counted over all its gateways. */
static void check_group_cert_limit(struct store *s, int64_t group_id, const char *field,
                                   struct problem *p)
{
    struct record g;
    if (store_record_get(s, ENT_VPN_GROUP, group_id, &g) != STORE_OK)
        return;
    int idx = entity_field_index(entity_get(ENT_VPN_GROUP), "gateways");
    int64_t n = store_gateways_cert_count(s, g.v[idx].ids, g.v[idx].n_ids);
    if (n > UCPROV_GROUP_CERTS_MAX) {
        const char *name = g.v[entity_field_index(entity_get(ENT_VPN_GROUP), "name")].s;
        problem_field(p, field, "VPN group '%s' would carry %lld certificates; a group's "
                      "gateways may hold at most %d in all", name ? name : "?", (long long)n,
                      UCPROV_GROUP_CERTS_MAX);
    }
    record_free(&g);
}

/* Rules that span objects, checked after the write inside its transaction. */
void svc_check_after_write(struct store *s, const struct record *r, struct problem *p)
{
    if (r->kind == ENT_VPN_GROUP) {
        check_group_cert_limit(s, r->id, "gateways", p);
    } else if (r->kind == ENT_VPN_GATEWAY) {
        int64_t groups[64];
        size_t n = store_groups_of_gateway(s, r->id, groups, 64);
        for (size_t i = 0; i < n && p->status == 0; i++)
            check_group_cert_limit(s, groups[i], "certificates", p);
    }
}
