/* validate.c - the checks every write makes, whoever asks for it.
 *
 * REST, the web pages and the CLI all reach these through service_create and
 * service_update; the CSV import (bulk.c) calls svc_validate_text for its
 * text columns so a line is refused with the words a single create uses. */
#include <config.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "limits.h"
#include "service/internal.h"

/* The authority of a URL, taken apart. */
struct url_parts {
    const char *host, *port;
    size_t hlen, plen;
    bool bracketed;           /* [IPv6] */
};

static bool has_control_chars(const char *s);
static size_t utf8_length(const char *s);
static bool ip_literal(int family, const char *s, size_t n);
static bool dns_name(const char *s, size_t n);
static bool host_valid(const char *s, size_t n);
static bool port_valid(const char *s, size_t n);
static bool authority_split(const char *a, size_t alen, struct url_parts *u);
static void validate_url(const struct field_def *f, const char *s, struct problem *p);
static void validate_host(const struct field_def *f, const char *s, struct problem *p);
static void validate_locale(const struct field_def *f, const char *s, struct problem *p);
static bool date_valid(const char *s);
static void validate_reflist(struct store *s, const struct field_def *f, struct value *v,
                             struct problem *p);
static void validate_field(struct store *s, const struct field_def *f, struct value *v,
                           struct problem *p);
static void validate_ref(struct store *s, const struct field_def *f, struct value *v,
                         struct problem *p);
static void validate_device_name(struct store *s, const struct field_def *f, struct value *v,
                                 struct problem *p);
static void validate_model(struct store *s, const struct field_def *f, struct value *v,
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

static bool ip_literal(int family, const char *s, size_t n)
{
    char copy[64];
    unsigned char addr[16];
    if (n == 0 || n >= sizeof copy)
        return false;
    memcpy(copy, s, n);
    copy[n] = '\0';
    return inet_pton(family, copy, addr) == 1;
}

/* A DNS name: dot-separated labels of 1 to 63 letters, digits and hyphens,
 * no hyphen at either end of a label, 253 characters in all. */
static bool dns_name(const char *s, size_t n)
{
    if (n == 0 || n > 253)
        return false;
    size_t label = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || s[i] == '.') {
            if (label == 0 || label > 63 || s[i - 1] == '-')
                return false;
            label = 0;
        } else if (isalnum((unsigned char)s[i]) || (s[i] == '-' && label > 0)) {
            label++;
        } else {
            return false;
        }
    }
    return true;
}

/* A host as phones and the ASA take it: a DNS name, an IPv4 address, or an
 * IPv6 address (bare; a URL puts it in brackets).  Digits and dots alone are
 * an IPv4 address or nothing, so 10.0.0.300 is not taken for a name. */
static bool host_valid(const char *s, size_t n)
{
    if (memchr(s, ':', n) != NULL)
        return ip_literal(AF_INET6, s, n);
    if (strspn(s, "0123456789.") >= n)
        return ip_literal(AF_INET, s, n);
    return dns_name(s, n);
}

/* 1 to 65535 in decimal, without leading zeros. */
static bool port_valid(const char *s, size_t n)
{
    if (n == 0 || n > 5 || s[0] == '0' || strspn(s, "0123456789") < n)
        return false;
    return strtol(s, NULL, 10) <= 65535;
}

/* The authority of a URL, host[:port] or [IPv6][:port], split; false when a
 * bracket is left open or followed by anything but a port.  u->port is NULL
 * when there is none. */
static bool authority_split(const char *a, size_t alen, struct url_parts *u)
{
    const char *end = a + alen, *after;
    u->port = NULL;
    u->plen = 0;
    u->bracketed = alen > 0 && *a == '[';
    if (u->bracketed) {
        const char *close = memchr(a, ']', alen);
        if (close == NULL)
            return false;
        u->host = a + 1;
        u->hlen = (size_t)(close - u->host);
        after = close + 1;
        if (after < end && *after != ':')
            return false;
    } else {
        after = memchr(a, ':', alen);
        u->host = a;
        u->hlen = after ? (size_t)(after - a) : alen;
        if (after == NULL)
            after = end;
    }
    if (after < end) {
        u->port = after + 1;
        u->plen = (size_t)(end - u->port);
    }
    return true;
}

/* The ASA's group-url as phones use it: http(s)://host[:port][/path], no
 * spaces.  No user:password@: the phone would hand it to whoever answers,
 * and the ASA takes none in a group-url. */
static void validate_url(const struct field_def *f, const char *s, struct problem *p)
{
    svc_validate_text(f, s, p);
    if (*s == '\0' || !service_utf8_valid(s) || has_control_chars(s))
        return;   /* refused above */
    const char *auth = NULL;
    if (strncmp(s, "https://", 8) == 0)
        auth = s + 8;
    else if (strncmp(s, "http://", 7) == 0)
        auth = s + 7;
    if (auth == NULL) {
        problem_field(p, f->name, "%s must start with https:// (the ASA's group-url)", f->label);
        return;
    }
    if (strchr(s, ' ') != NULL) {
        problem_field(p, f->name, "%s must not contain spaces", f->label);
        return;
    }
    size_t alen = strcspn(auth, "/");
    struct url_parts u;
    bool split = authority_split(auth, alen, &u);
    if (memchr(auth, '@', alen) != NULL)
        problem_field(p, f->name, "%s must not hold a user name or password (user:password@)",
                      f->label);
    else if (split && u.hlen == 0)
        problem_field(p, f->name, "%s has no host name", f->label);
    else if (!split ||
             !(u.bracketed ? ip_literal(AF_INET6, u.host, u.hlen) : host_valid(u.host, u.hlen)))
        problem_field(p, f->name, "%s has an invalid host: a name such as asa.example.lab, an "
                      "IPv4 address, or an IPv6 address in brackets", f->label);
    else if (u.port != NULL && !port_valid(u.port, u.plen))
        problem_field(p, f->name, "%s has a port that is not a number from 1 to 65535",
                      f->label);
}

static void validate_host(const struct field_def *f, const char *s, struct problem *p)
{
    svc_validate_text(f, s, p);
    if (*s != '\0' && service_utf8_valid(s) && !has_control_chars(s) &&
        !host_valid(s, strlen(s)))
        problem_field(p, f->name, "%s must be a host name, an IPv4 address or an IPv6 "
                      "address (no port)", f->label);
}

/* The phone looks its locale up as a folder of that name: nothing that
 * could climb out of it. */
static void validate_locale(const struct field_def *f, const char *s, struct problem *p)
{
    svc_validate_text(f, s, p);
    for (const char *c = s; *c; c++)
        if (!isalnum((unsigned char)*c) && *c != '_' && *c != '-') {
            problem_field(p, f->name, "%s must be a locale name of letters, digits, _ and - "
                          "(such as English_United_States)", f->label);
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

static void validate_reflist(struct store *s, const struct field_def *f, struct value *v,
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
    svc_validate_callctl(r, p);
}

/* A reference may be empty only when the field is optional. */
static void validate_ref(struct store *s, const struct field_def *f, struct value *v,
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
static void validate_device_name(struct store *s, const struct field_def *f, struct value *v,
                                 struct problem *p)
{
    (void)s;
    char norm[16];
    if (!device_name_normalise(v->s, norm))
        problem_field(p, f->name, "%s must be SEP followed by the 12 hex digits of the "
                      "phone's MAC address", f->label);
    else
        value_set_text(v, norm);
}

static void validate_model(struct store *s, const struct field_def *f, struct value *v,
                           struct problem *p)
{
    const char *model = v->s ? v->s : "";
    if (*model == '\0')
        problem_field(p, f->name, "%s is required", f->label);
    else if (!service_utf8_valid(model))
        problem_field(p, f->name, "%s is not valid UTF-8", f->label);
    else if (!store_model_exists(s, model))
        problem_field(p, f->name, "%s '%.*s' is not in the model catalogue", f->label,
                      svc_echo_len(model, SVC_ECHO_MAX), model);
}

static void validate_date(const struct field_def *f, const char *s, struct problem *p)
{
    if (*s != '\0' && !date_valid(s))
        problem_field(p, f->name, "%s must be a date as YYYY-MM-DD", f->label);
}

static void validate_int(struct store *s, const struct field_def *f, struct value *v,
                         struct problem *p)
{
    (void)s;
    if (v->i < f->min || v->i > f->max)
        problem_field(p, f->name, "%s must be between %lld and %lld", f->label,
                      (long long)f->min, (long long)f->max);
}

static void validate_bool(struct store *s, const struct field_def *f, struct value *v,
                          struct problem *p)
{
    (void)s;
    if (v->i != 0 && v->i != 1)
        problem_field(p, f->name, "%s must be true or false", f->label);
}

static void validate_enum(struct store *s, const struct field_def *f, struct value *v,
                          struct problem *p)
{
    (void)s;
    if (enum_name(f->enums, v->i) == NULL)
        problem_field(p, f->name, "%s has an unknown value", f->label);
}

static void validate_trust_store(struct store *s, const struct field_def *f, struct value *v,
                                 struct problem *p)
{
    (void)s;
    if (v->s == NULL || !trust_store_valid(v->s))
        problem_field(p, f->name, "unknown trust store");
}

/* Each field type's check: on the value's text, or on the whole value with
 * the store at hand (what it refers to, the model catalogue). */
static const struct field_check {
    void (*text)(const struct field_def *f, const char *s, struct problem *p);
    void (*value)(struct store *s, const struct field_def *f, struct value *v,
                  struct problem *p);
} field_checks[] = {
    [FT_TEXT] = { svc_validate_text, NULL },
    [FT_SECRET] = { svc_validate_text, NULL },
    [FT_URL] = { validate_url, NULL },
    [FT_HOST] = { validate_host, NULL },
    [FT_LOCALE] = { validate_locale, NULL },
    [FT_DATE] = { validate_date, NULL },
    [FT_HOSTLIST] = { svc_validate_hostlist, NULL },
    [FT_INT] = { NULL, validate_int },
    [FT_BOOL] = { NULL, validate_bool },
    [FT_ENUM] = { NULL, validate_enum },
    [FT_STORE] = { NULL, validate_trust_store },
    [FT_REF] = { NULL, validate_ref },
    [FT_REFLIST] = { NULL, validate_reflist },
    [FT_DEVICE_NAME] = { NULL, validate_device_name },
    [FT_MODEL] = { NULL, validate_model },
    [FT_LINES] = { NULL, svc_validate_lines },
};

static void validate_field(struct store *s, const struct field_def *f, struct value *v,
                           struct problem *p)
{
    size_t n = sizeof field_checks / sizeof field_checks[0];
    const struct field_check *c = (size_t)f->type < n ? &field_checks[f->type] : NULL;
    if (c != NULL && c->text != NULL)
        c->text(f, v->s ? v->s : "", p);
    else if (c != NULL && c->value != NULL)
        c->value(s, f, v, p);
    else   /* a field type without a check is refused, never let through */
        problem_field(p, f->name, "%s cannot be checked", f->label);
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

bool svc_host_valid(const char *s)
{
    return *s != '\0' && host_valid(s, strlen(s));
}
