/* callctl.c - the checks call control's objects need beyond their field
 * tables (issue 12): host names a phone can connect to, CUCM's time zone
 * names and date formats, locale folder names, a SIP profile's values that
 * must agree, dialable patterns, and a phone's line appearances.
 *
 * Messages name the field and never quote a password. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "limits.h"
#include "locales.h"
#include "service/internal.h"
#include "timezones.h"

static bool unicast(const char *host);
static void check_dialable(const char *field, const char *label, const char *s,
                           struct problem *p);
static void check_sip_profile(const struct record *r, struct problem *p);
static void check_directory_number(const struct record *r, struct problem *p);
static int compare_button(const void *a, const void *b);

/* The value of r's field name (a valid name of its kind). */
static const struct value *field(const struct record *r, const char *name)
{
    return &r->v[entity_field_index(entity_get(r->kind), name)];
}

static const char *text(const struct record *r, const char *name)
{
    const char *s = field(r, name)->s;
    return s ? s : "";
}

static int64_t num(const struct record *r, const char *name)
{
    return field(r, name)->i;
}

/* ------------------------------------------------------------- host names */

/* NTP for a phone is unicast: no multicast or broadcast address. */
static bool unicast(const char *host)
{
    unsigned a, b, c, d;
    char tail;
    if (sscanf(host, "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) == 4)
        return !(a >= 224 && a <= 239) && !(a == 255 && b == 255 && c == 255 && d == 255);
    return strncasecmp(host, "ff", 2) != 0 || strchr(host, ':') == NULL;
}

void svc_validate_hostlist(const struct field_def *f, const char *hosts, struct problem *p)
{
    char seen[VIEW_MAX_NTP_SERVERS][UCPROV_HOST_MAX + 1];
    for (size_t n = 0; *hosts; n++) {
        size_t len = strcspn(hosts, "\n");
        if (n >= (size_t)f->max || n >= VIEW_MAX_NTP_SERVERS) {
            problem_field(p, f->name, "%s holds at most %lld hosts", f->label,
                          (long long)f->max);
            return;
        }
        if (len > UCPROV_HOST_MAX) {
            problem_field(p, f->name, "%s: a host name is at most %d characters", f->label,
                          UCPROV_HOST_MAX);
            return;
        }
        memcpy(seen[n], hosts, len);
        seen[n][len] = '\0';
        hosts += len + (hosts[len] == '\n');
        if (!svc_host_valid(seen[n])) {
            problem_field(p, f->name, "%s: host %zu is not a host name, an IPv4 address or "
                          "an IPv6 address", f->label, n + 1);
            return;
        }
        if (!unicast(seen[n])) {
            problem_field(p, f->name, "%s: '%s' is not a unicast address", f->label, seen[n]);
            return;
        }
        for (size_t i = 0; i < n; i++)
            if (strcasecmp(seen[i], seen[n]) == 0) {
                problem_field(p, f->name, "%s lists '%s' twice", f->label, seen[n]);
                return;
            }
    }
}

/* ---------------------------------------------------------------- a phone */

static int compare_button(const void *a, const void *b)
{
    const struct line_appearance *x = a, *y = b;
    return (x->button > y->button) - (x->button < y->button);
}

/* One line per button, each number once on a phone, numbers that exist; the
 * lines end up in button order. */
void svc_validate_lines(struct store *s, const struct field_def *f, struct value *v,
                        struct problem *p)
{
    static const struct field_def label = { "lines", "Line label", FT_TEXT, false, 0,
                                            LINE_TEXT_MAX, 0, NULL, 0 };
    static const struct field_def display = { "lines", "Line display name", FT_TEXT, false, 0,
                                              LINE_TEXT_MAX, 0, NULL, 0 };
    if ((int64_t)v->n_lines > f->max) {
        problem_field(p, f->name, "%s holds at most %lld lines", f->label, (long long)f->max);
        return;
    }
    for (size_t i = 0; i < v->n_lines && p->status == 0; i++) {
        const struct line_appearance *l = &v->lines[i];
        if (l->button < 1 || l->button > f->max) {
            problem_field(p, f->name, "line %zu: button must be between 1 and %lld", i + 1,
                          (long long)f->max);
            return;
        }
        for (size_t j = 0; j < i; j++) {
            if (v->lines[j].button == l->button) {
                problem_field(p, f->name, "button %lld has two lines", (long long)l->button);
                return;
            }
            if (v->lines[j].directory_number == l->directory_number) {
                problem_field(p, f->name, "directory number %lld is on two buttons",
                              (long long)l->directory_number);
                return;
            }
        }
        if (!store_record_exists(s, ENT_DIRECTORY_NUMBER, l->directory_number)) {
            problem_field(p, f->name, "button %lld: there is no directory number with id %lld",
                          (long long)l->button, (long long)l->directory_number);
            return;
        }
        svc_validate_text(&label, l->label, p);
        svc_validate_text(&display, l->display_name, p);
    }
    if (p->status == 0 && v->n_lines > 1)
        qsort(v->lines, v->n_lines, sizeof *v->lines, compare_button);
}

/* ------------------------------------------------------------- the kinds */

bool svc_dialable(const char *s)
{
    const char *body = *s == '+' ? s + 1 : s;
    return *body && strspn(body, "0123456789*#") == strlen(body);
}

/* Digits, '*', '#' and a leading '+', as a phone dials them ("" is for the
 * field's required check). */
static void check_dialable(const char *fname, const char *label, const char *s,
                           struct problem *p)
{
    if (*s && !svc_dialable(s))
        problem_field(p, fname, "%s may hold only digits, '*', '#' and a leading '+'", label);
}

static void check_sip_profile(const struct record *r, struct problem *p)
{
    bool tls = num(r, "transport") == 3, secure = num(r, "device_security_mode") != 1;
    if (tls != secure)
        problem_field(p, "device_security_mode", "TLS needs an authenticated or encrypted "
                      "device security mode, and those need TLS");
    if (num(r, "timer_register_delta") >= num(r, "timer_register_expires"))
        problem_field(p, "timer_register_delta", "Timer Register Delta must be below Timer "
                      "Register Expires");
    if (num(r, "timer_subscribe_delta") >= num(r, "timer_subscribe_expires"))
        problem_field(p, "timer_subscribe_delta", "Timer Subscribe Delta must be below Timer "
                      "Subscribe Expires");
    if (num(r, "timer_t1") > num(r, "timer_t2"))
        problem_field(p, "timer_t1", "Timer T1 must not exceed Timer T2");
    if (num(r, "start_media_port") >= num(r, "stop_media_port"))
        problem_field(p, "stop_media_port", "Stop Media Port must be above Start Media Port");
    if (num(r, "nat_enabled") == 0 && *text(r, "nat_address"))
        problem_field(p, "nat_address", "NAT Address needs NAT Enabled");
}

static void check_directory_number(const struct record *r, struct problem *p)
{
    check_dialable("pattern", "Directory Number", text(r, "pattern"), p);
    check_dialable("voicemail_number", "Voice Mail Number", text(r, "voicemail_number"), p);
    if (*text(r, "auth_password") && !*text(r, "auth_name"))
        problem_field(p, "auth_name", "a Digest Password needs a Digest User");
}

/* Names a phone looks up in its own tables: CUCM's time zones, date formats
 * and locale folders. */
static const struct {
    enum entity_kind kind;
    const char *field;
    bool (*valid)(const char *name);
    const char *why;
} name_checks[] = {
    { ENT_DATE_TIME_GROUP, "time_zone", time_zone_valid,
      "Time Zone must be one of CUCM's names, such as 'Tokyo Standard Time'" },
    { ENT_DATE_TIME_GROUP, "date_template", date_template_valid,
      "Date Format must be like M/D/Y, D.M.Y or Y-M-D (YY for a 4-digit year, A for a "
      "12-hour clock)" },
    { ENT_DEVICE_POOL, "user_locale", locale_name_valid,
      "User Locale must be a locale folder name such as English_United_States" },
    { ENT_DEVICE_POOL, "network_locale", locale_name_valid,
      "Network Locale must be a locale folder name such as United_States" },
};

void svc_validate_callctl(const struct record *r, struct problem *p)
{
    for (size_t i = 0; i < sizeof name_checks / sizeof name_checks[0]; i++) {
        const char *f = name_checks[i].field;
        if (name_checks[i].kind == r->kind && !name_checks[i].valid(text(r, f)))
            problem_field(p, f, "%s", name_checks[i].why);
    }
    if (r->kind == ENT_SIP_PROFILE)
        check_sip_profile(r, p);
    else if (r->kind == ENT_DIRECTORY_NUMBER)
        check_directory_number(r, p);
}

/* ------------------------------------------------------------- who uses it */

int64_t service_users(struct service *sv, enum entity_kind kind, int64_t id,
                      struct object_ref *out, size_t max, struct problem *p)
{
    struct store *s = svc_conn(sv);
    if (s == NULL)
        return svc_fail_internal(p);
    return (int64_t)store_record_users(s, kind, id, out, max);
}
