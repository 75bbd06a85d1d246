/* pages.c - the web admin, page by page, in CUCM's shape: a "Find and List"
 * page and a "Configuration" page (Save, Delete, Copy, Add New) per object.
 *
 * Forms are generated from the entity tables of model.h, so a field added
 * there shows up here.  Pages are libxml2 trees copied from web/layout.html;
 * user data only becomes text nodes and attribute values.  Every change goes
 * through the service, which validates and answers with a struct problem whose
 * field errors are shown next to the fields.
 *
 * Beside the objects, the field-troubleshooting pages: rollover readiness on a
 * gateway, diagnostics, the ASA side of a VPN group, phone log diagnosis, the
 * gateway check from a phone's point of view, and the audit log.  Every page is
 * one row of the routes table at the end, which both the dispatcher and
 * pages_each_route() read. */
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
#include <libxml/parser.h>
#include <libxml/xmlstring.h>

#include "embedded.h"
#include "form.h"
#include "html.h"
#include "limits.h"
#include "log.h"
#include "web.h"
#include "phonelog.h"
#include "session.h"
#include "verify.h"

#define SESSION_COOKIE "ucprov_session"
#define LOGIN_COOKIE   "ucprov_login"     /* the login form's token, before any session */
#define CSRF_FIELD     "_csrf"
#define MAX_IDS        64                 /* ids in one list box; limits are far lower */
#define MAX_MODELS     64

struct pages {
    struct service *sv;
    struct sessions *sessions;
    xmlDocPtr layout;
    bool tls;
};

/* One request on its way through the pages. */
struct ctx {
    struct pages *pg;
    struct service *sv;
    const struct http_req *req;
    struct http_resp *resp;
    struct session_info s;
    struct form form;        /* the POST body */
    time_t now;
};

/* ------------------------------------------------------------ the tables */

struct kind_page {
    enum entity_kind kind;
    const char *singular, *plural;
    const char *columns[4];            /* Find and List columns, by field name */
};

static const struct kind_page kind_pages[] = {
    { ENT_VPN_PROFILE, "VPN Profile", "VPN Profiles",
      { "name", "description", "client_auth_method", "mtu" } },
    { ENT_VPN_GATEWAY, "VPN Gateway", "VPN Gateways",
      { "name", "description", "url", "certificates" } },
    { ENT_VPN_GROUP, "VPN Group", "VPN Groups", { "name", "description", "gateways", NULL } },
    { ENT_COMMON_PHONE_PROFILE, "Common Phone Profile", "Common Phone Profiles",
      { "name", "description", "vpn_group", "vpn_profile" } },
    { ENT_PHONE, "Phone", "Phones", { "name", "description", "model", "common_phone_profile" } },
    { ENT_VPN_FEATURE_CONFIGURATION, "VPN Feature Configuration", NULL, { NULL } },
    { ENT_SYSTEM_SETTINGS, "System Settings", NULL, { NULL } },
};

static const struct { const char *name, *label; } enum_labels[] = {
    { "user_and_password", "User and Password" }, { "password_only", "Password Only" },
    { "certificate", "Certificate" },
    { "disable", "Disable" }, { "flash_only", "Flash Only" }, { "beep_only", "Beep Only" },
    { "ringer_off", "Ringer Off" }, { "call_reject", "Call Reject" },
    { "internal", "Internal" }, { "external_url", "External URL" }, { "both", "Both" },
    { "mic", "MIC (manufacturing installed)" }, { "lsc", "LSC (issued by CAPF)" },
};

/* What a label alone does not say. */
static const struct { const char *field, *hint; } field_hints[] = {
    { "mtu", "bytes; 256 to 1406 (default 1290)" },
    { "fail_to_connect", "seconds; 0 to 600 (default 30)" },
    { "keep_alive", "seconds; 0 to 120 (default 60)" },
    { "url", "the ASA's group-url, e.g. https://asa.example.com/phone" },
    { "auto_network_detect", "the phone pings the TFTP server at power-on; no reply starts the VPN" },
    { "host_id_check", "the gateway URL's host must match the certificate's CN or a SAN" },
    { "vpn_profile", "< None >: the VPN Feature Configuration applies" },
};

/* The two boxes of a list field, CUCM's words. */
static const struct { const char *field, *available; } listbox_titles[] = {
    { "certificates", "VPN Certificates in your Truststore" },
    { "gateways", "All Available VPN Gateways" },
};

/* The banner after a redirect: ?done=CODE. */
static const struct { const char *code, *message; } done_messages[] = {
    { "added", "Add successful." },
    { "saved", "Update successful." },
    { "deleted", "Delete successful." },
    { "uploaded", "Certificate uploaded." },
    { "removed", "Certificate removed from this gateway." },
};

static const struct { const char *name, *type; } static_files[] = {
    { "ucprov.css", "text/css; charset=utf-8" },
    { "ucprov.js", "text/javascript; charset=utf-8" },
};

static const char csp[] =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

static const struct kind_page *kind_page_of(enum entity_kind kind)
{
    for (size_t i = 0; i < sizeof kind_pages / sizeof kind_pages[0]; i++)
        if (kind_pages[i].kind == kind)
            return &kind_pages[i];
    return NULL;
}

static const char *enum_label(const char *name)
{
    for (size_t i = 0; name && i < sizeof enum_labels / sizeof enum_labels[0]; i++)
        if (strcmp(enum_labels[i].name, name) == 0)
            return enum_labels[i].label;
    return name ? name : "";
}

static const char *field_hint(const char *field)
{
    for (size_t i = 0; i < sizeof field_hints / sizeof field_hints[0]; i++)
        if (strcmp(field_hints[i].field, field) == 0)
            return field_hints[i].hint;
    return NULL;
}

static const char *done_message(const char *code)
{
    for (size_t i = 0; code && i < sizeof done_messages / sizeof done_messages[0]; i++)
        if (strcmp(done_messages[i].code, code) == 0)
            return done_messages[i].message;
    return NULL;
}

/* ------------------------------------------------------------ small helpers */

static bool parse_int(const char *text, int64_t *out)
{
    if (text == NULL)
        return false;
    while (isspace((unsigned char)*text))
        text++;
    if (*text == '\0')
        return false;
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    while (isspace((unsigned char)*end))
        end++;
    if (errno || *end != '\0')
        return false;
    *out = v;
    return true;
}

/* A path segment that is a positive id. */
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

/* "1,5,3" into ids; false on anything else. */
static bool parse_ids(const char *csv, int64_t *ids, size_t max, size_t *n)
{
    *n = 0;
    if (csv == NULL || *csv == '\0')
        return true;
    const char *p = csv;
    while (*p) {
        size_t len = strcspn(p, ",");
        if (*n == max || !parse_id(p, len, &ids[*n]))
            return false;
        (*n)++;
        p += len;
        if (*p == ',')
            p++;
    }
    return true;
}

static void format_ids(const int64_t *ids, size_t n, char *buf, size_t len)
{
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        size_t used = strlen(buf);
        snprintf(buf + used, len - used, "%s%lld", i ? "," : "", (long long)ids[i]);
    }
}

static void format_date(int64_t t, char *buf, size_t len)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(buf, len, "%Y-%m-%d", &tm);
}

static void format_time(int64_t t, char *buf, size_t len)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", &tm);
}

/* Percent-encode for a query value. */
static void url_encode(const char *in, char *out, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;
    for (; *in && o + 4 < len; in++) {
        unsigned char c = (unsigned char)*in;
        if (isalnum(c) || strchr("-._~/", c)) {
            out[o++] = (char)c;
        } else {
            out[o++] = '%';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        }
    }
    out[o] = '\0';
}

/* A login's ?next= is followed only when it stays on this site. */
static bool safe_next(const char *next)
{
    if (next == NULL || next[0] != '/' || next[1] == '/' || strlen(next) > 200)
        return false;
    for (const char *p = next; *p; p++)
        if (*p == '\\' || (unsigned char)*p < 0x21 || (unsigned char)*p > 0x7e)
            return false;
    return strncmp(next, "/login", 6) != 0 && strncmp(next, "/static/", 8) != 0;
}

/* A name as it may appear in a log line: no control characters, bounded. */
static void loggable(const char *in, char *out, size_t len)
{
    size_t o = 0;
    for (; in && *in && o + 1 < len; in++)
        out[o++] = isalnum((unsigned char)*in) || strchr("._-@", *in) ? *in : '?';
    out[o] = '\0';
}

static const char *record_text(const struct record *r, const char *field)
{
    int idx = entity_field_index(entity_get(r->kind), field);
    return idx >= 0 && r->v[idx].s ? r->v[idx].s : "";
}

static const char *error_for(const struct problem *p, const char *field)
{
    for (size_t i = 0; p && i < p->n_errors; i++)
        if (strcmp(p->errors[i].field, field) == 0)
            return p->errors[i].message;
    return NULL;
}

/* A checkbox or flag in a query: on when sent as 1 (or as browsers and scripts say it). */
static bool form_value_on(const char *v)
{
    return v != NULL && (strcmp(v, "1") == 0 || strcmp(v, "on") == 0 || strcmp(v, "true") == 0 ||
                         strcmp(v, "yes") == 0);
}

static bool is_get(const struct ctx *c)
{
    return strcmp(c->req->method, "GET") == 0 || strcmp(c->req->method, "HEAD") == 0;
}

/* ------------------------------------------------------------ responses */

static void send_text(struct ctx *c, int status, const char *text)
{
    char *body = strdup(text);
    http_resp_set(c->resp, status, "text/plain; charset=utf-8", body, body ? strlen(body) : 0);
}

static void send_page(struct ctx *c, int status, xmlDocPtr doc)
{
    size_t len;
    char *body = html_page_finish(doc, &len);
    if (body == NULL) {
        send_text(c, 500, "the page could not be built");
        return;
    }
    http_resp_set(c->resp, status, "text/html; charset=utf-8", body, len);
}

static void redirect(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void redirect(struct ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->resp->location, sizeof c->resp->location, fmt, ap);
    va_end(ap);
    http_resp_set(c->resp, 303, NULL, NULL, 0);
}

static void set_cookie(struct ctx *c, const char *name, const char *value, bool clear)
{
    char header[256];
    snprintf(header, sizeof header, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s%s", name, value,
             c->pg->tls ? "; Secure" : "", clear ? "; Max-Age=0" : "");
    http_resp_add_header(c->resp, "Set-Cookie", header);
}

/* ------------------------------------------------------------ page frame */

/* A copy of the layout with its title, current nav link and user box filled;
 * *content is where the page goes. */
static xmlDocPtr page_begin(struct ctx *c, const char *title, const char *section,
                           xmlNodePtr *content)
{
    xmlDocPtr doc = html_page_new(c->pg->layout);
    if (doc == NULL)
        return NULL;
    xmlNodePtr head_title = html_by_id(doc, "title");
    if (head_title != NULL) {
        xmlNodeSetContent(head_title, NULL);
        html_textf(head_title, "%s · ucprov", title);
    }
    *content = html_by_id(doc, "content");
    if (c->s.who.name[0] == '\0') {
        html_drop(doc, "nav");
        html_drop(doc, "user");
        return doc;
    }
    xmlNodePtr nav = html_by_id(doc, "nav");
    for (xmlNodePtr a = nav ? nav->children : NULL; a; a = a->next) {
        xmlChar *href = xmlGetProp(a, BAD_CAST "href");
        if (href != NULL && section != NULL && xmlStrcmp(href, BAD_CAST section) == 0)
            html_class(a, "active");
        xmlFree(href);
    }
    xmlNodePtr user = html_by_id(doc, "user");
    html_elf(user, "span", "Logged in as %s", c->s.who.name);
    xmlNodePtr out = html_el(user, "form", NULL);
    html_attr(out, "method", "post");
    html_attr(out, "action", "/logout");
    html_hidden(out, CSRF_FIELD, c->s.csrf);
    html_button(out, NULL, NULL, "Log Out", NULL);
    return doc;
}

static void banner(xmlNodePtr parent, const char *kind, const char *text)
{
    xmlNodePtr div = html_el(parent, "div", text);
    html_attrf(div, "class", "status %s", kind);
    html_attr(div, "role", strcmp(kind, "error") == 0 ? "alert" : "status");
}

/* The detail of a refusal, and the errors that belong to no field of the form
 * (such as the objects that still use what was to be deleted). */
static void problem_banner(xmlNodePtr parent, const struct problem *p,
                           const struct entity_def *e)
{
    if (p == NULL || p->status == 0)
        return;
    xmlNodePtr div = html_el(parent, "div", NULL);
    html_attr(div, "class", "status error");
    html_attr(div, "role", "alert");
    bool field_errors = false;
    xmlNodePtr list = NULL;
    for (size_t i = 0; i < p->n_errors; i++) {
        if (e != NULL && entity_field_index(e, p->errors[i].field) >= 0) {
            field_errors = true;
            continue;
        }
        if (list == NULL)
            list = xmlNewDocNode(div->doc, NULL, BAD_CAST "ul", NULL);
        html_el(list, "li", p->errors[i].message);
    }
    /* A conflict (the rollover guard) is no typo: its detail says what is at stake. */
    if (field_errors && (p->status != 409 || p->detail[0] == '\0'))
        html_el(div, "strong", "Please correct the fields marked below.");
    else if (p->detail[0] != '\0')
        html_el(div, "strong", p->detail);
    else
        html_el(div, "strong", problem_title(p->status));
    if (list != NULL)
        xmlAddChild(div, list);
}

static void done_banner(struct ctx *c, xmlNodePtr content)
{
    const char *msg = done_message(http_req_query(c->req, "done"));
    if (msg != NULL)
        banner(content, "ok", msg);
}

static xmlNodePtr post_form(struct ctx *c, xmlNodePtr parent, const char *action)
{
    xmlNodePtr f = html_el(parent, "form", NULL);
    html_attr(f, "method", "post");
    html_attr(f, "action", action);
    html_attr(f, "novalidate", "novalidate");
    html_hidden(f, CSRF_FIELD, c->s.csrf);
    return f;
}

static void error_page(struct ctx *c, int status, const char *title, const char *text)
{
    xmlNodePtr content;
    xmlDocPtr doc = page_begin(c, title, NULL, &content);
    if (doc == NULL) {
        send_text(c, status, text);
        return;
    }
    html_el(content, "h1", title);
    banner(content, "error", text);
    xmlNodePtr p = html_el(content, "p", NULL);
    html_link(p, c->s.who.name[0] ? "/" : "/login", c->s.who.name[0] ? "Home" : "Log in");
    send_page(c, status, doc);
}

static void problem_page(struct ctx *c, const struct problem *p)
{
    error_page(c, p->status ? p->status : 500, problem_title(p->status ? p->status : 500),
               p->detail[0] ? p->detail : "the request could not be completed");
}

/* ------------------------------------------------------------ name lookups */

/* Every object of one kind, as id and display name, for <select>s and cells. */
struct name_map {
    size_t n;
    int64_t *ids;
    char **names;
    bool *eligible;      /* may be chosen in a list box (certificates: Phone-VPN-trust) */
};

static void names_add(struct name_map *m, int64_t id, const char *name, bool eligible)
{
    size_t n = m->n + 1;
    int64_t *ids = realloc(m->ids, n * sizeof *ids);
    if (ids != NULL)
        m->ids = ids;
    char **names = realloc(m->names, n * sizeof *names);
    if (names != NULL)
        m->names = names;
    bool *el = realloc(m->eligible, n * sizeof *el);
    if (el != NULL)
        m->eligible = el;
    char *copy = strdup(name);
    if (ids == NULL || names == NULL || el == NULL || copy == NULL) {
        free(copy);
        return;
    }
    m->ids[m->n] = id;
    m->names[m->n] = copy;
    m->eligible[m->n] = eligible;
    m->n = n;
}

static void names_load(struct service *sv, enum entity_kind kind, struct name_map *m)
{
    memset(m, 0, sizeof *m);
    struct list_query q = { MATCH_ANY, NULL, UCPROV_LIST_MAX_LIMIT, 0 };
    struct problem p = { 0 };
    size_t n = 0;
    int64_t total;
    if (kind == ENT_CERTIFICATE) {
        struct cert_row *rows = NULL;
        if (service_cert_list(sv, &q, NULL, &rows, &n, &total, &p) != 0)
            return;
        for (size_t i = 0; i < n; i++) {
            char label[320], until[16];
            format_date(rows[i].info.not_after, until, sizeof until);
            snprintf(label, sizeof label, "%s (until %s)", rows[i].info.common_name, until);
            names_add(m, rows[i].id, label,
                      strcmp(rows[i].trust_store, TRUST_STORE_PHONE_VPN) == 0);
            cert_row_free(&rows[i]);
        }
        free(rows);
        return;
    }
    struct record *items = NULL;
    if (service_list(sv, kind, &q, &items, &n, &total, &p) != 0)
        return;
    for (size_t i = 0; i < n; i++) {
        names_add(m, items[i].id, record_text(&items[i], "name"), true);
        record_free(&items[i]);
    }
    free(items);
}

static const char *names_find(const struct name_map *m, int64_t id)
{
    for (size_t i = 0; i < m->n; i++)
        if (m->ids[i] == id)
            return m->names[i];
    return NULL;
}

static void names_free(struct name_map *m)
{
    for (size_t i = 0; i < m->n; i++)
        free(m->names[i]);
    free(m->names);
    free(m->ids);
    free(m->eligible);
    memset(m, 0, sizeof *m);
}

/* The phone model catalogue, read from XMLDefault.cnf.xml (it lists every
 * model); the service has no call that lists the catalogue itself. */
static size_t load_models(struct service *sv, char names[][64], size_t max)
{
    struct cache_blob *b = service_render(sv, XMLDEFAULT_NAME);
    if (b == NULL)
        return 0;
    xmlDocPtr doc = xmlReadMemory((const char *)b->data, (int)b->len, XMLDEFAULT_NAME, "UTF-8",
                                  XML_PARSE_NONET | XML_PARSE_NODICT | XML_PARSE_NOERROR |
                                  XML_PARSE_NOWARNING);
    cache_blob_unref(b);
    size_t n = 0;
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    for (xmlNodePtr node = root ? root->children : NULL; node && n < max; node = node->next) {
        if (node->type != XML_ELEMENT_NODE ||
            xmlStrncmp(node->name, BAD_CAST "loadInformation", 15) != 0)
            continue;
        xmlChar *model = xmlGetProp(node, BAD_CAST "model");
        if (model != NULL)
            snprintf(names[n++], 64, "%s", (const char *)model);
        xmlFree(model);
    }
    xmlFreeDoc(doc);
    return n;
}

/* ------------------------------------------------------------ form widgets */

/* What one configuration form shows: the stored or default values, overlaid
 * by what the admin typed when the form comes back with errors. */
struct form_view {
    const struct kind_page *k;
    const struct entity_def *e;
    const struct record *rec;
    const struct form *typed;
    const struct problem *p;
    int64_t id;                 /* 0: a new object */
    int64_t copy_of;            /* a new object copied from this one */
};

/* The value of field i as the form shows it. */
static const char *shown_value(const struct form_view *v, size_t i, char *buf, size_t len)
{
    const struct field_def *f = &v->e->fields[i];
    const struct value *val = &v->rec->v[i];
    if (v->typed != NULL && form_field(v->typed, f->name) != NULL) {
        if (f->type == FT_BOOL)
            return form_has_value(v->typed, f->name, "1") ? "1" : "0";
        return form_get(v->typed, f->name);
    }
    switch (f->type) {
    case FT_INT:
    case FT_BOOL:
        snprintf(buf, len, "%lld", (long long)val->i);
        return buf;
    case FT_ENUM: {
        const char *name = enum_name(f->enums, val->i);
        return name ? name : "";
    }
    case FT_REF:
        if (val->is_null)
            return "";
        snprintf(buf, len, "%lld", (long long)val->i);
        return buf;
    case FT_REFLIST:
        format_ids(val->ids, val->n_ids, buf, len);
        return buf;
    case FT_SECRET:
        return "";   /* never sent back to the browser */
    default:
        return val->s ? val->s : "";
    }
}

static void add_option(xmlNodePtr select, const char *value, const char *label, bool selected)
{
    xmlNodePtr o = html_el(select, "option", label);
    html_attr(o, "value", value);
    if (selected)
        html_attr(o, "selected", "selected");
}

static xmlNodePtr text_input(xmlNodePtr parent, const char *type, const char *id,
                             const char *name, const char *value)
{
    xmlNodePtr in = html_el(parent, "input", NULL);
    html_attr(in, "type", type);
    html_attr(in, "id", id);
    html_attr(in, "name", name);
    html_attr(in, "value", value);
    return in;
}

/* Two list boxes and the buttons between them.  The hidden input holds the
 * chosen ids in order; the buttons are submit buttons the server handles
 * (_move=FIELD:add), which ucprov.js turns into moves without a round trip. */
static void listbox(xmlNodePtr control, const struct field_def *f, const char *csv,
                    const struct name_map *all)
{
    int64_t ids[MAX_IDS];
    size_t n = 0;
    if (!parse_ids(csv, ids, MAX_IDS, &n))
        n = 0;
    const char *avail_title = "Available";
    for (size_t i = 0; i < sizeof listbox_titles / sizeof listbox_titles[0]; i++)
        if (strcmp(listbox_titles[i].field, f->name) == 0)
            avail_title = listbox_titles[i].available;

    xmlNodePtr box = html_el(control, "div", NULL);
    html_attr(box, "class", "listbox");
    html_attr(box, "data-listbox", f->name);
    char id[96], name[96], move[96];

    xmlNodePtr left = html_el(box, "div", NULL);
    html_attr(left, "class", "box");
    snprintf(id, sizeof id, "f-%s-available", f->name);
    xmlNodePtr l = html_el(left, "label", avail_title);
    html_attr(l, "for", id);
    xmlNodePtr avail = html_el(left, "select", NULL);
    snprintf(name, sizeof name, "%s__avail", f->name);
    html_attr(avail, "id", id);
    html_attr(avail, "name", name);
    html_attr(avail, "multiple", "multiple");
    html_attr(avail, "data-role", "available");
    for (size_t i = 0; i < all->n; i++) {
        bool chosen = false;
        for (size_t j = 0; j < n; j++)
            chosen = chosen || ids[j] == all->ids[i];
        if (chosen || !all->eligible[i])
            continue;
        char value[24];
        snprintf(value, sizeof value, "%lld", (long long)all->ids[i]);
        add_option(avail, value, all->names[i], false);
    }

    xmlNodePtr moves = html_el(box, "div", NULL);
    html_attr(moves, "class", "moves");
    static const struct { const char *op, *text, *title; } lr[] = {
        { "add", "→", "Move the highlighted items into the right box" },
        { "remove", "←", "Move the highlighted items back" },
    }, ud[] = {
        { "up", "↑", "Move the highlighted items up" },
        { "down", "↓", "Move the highlighted items down" },
    };
    for (size_t i = 0; i < 2; i++) {
        snprintf(move, sizeof move, "%s:%s", f->name, lr[i].op);
        xmlNodePtr b = html_button(moves, "_move", move, lr[i].text, "small");
        html_attr(b, "data-move", lr[i].op);
        html_attr(b, "title", lr[i].title);
        html_attr(b, "aria-label", lr[i].title);
    }

    xmlNodePtr right = html_el(box, "div", NULL);
    html_attr(right, "class", "box");
    snprintf(id, sizeof id, "f-%s", f->name);
    l = html_el(right, "label", f->label);
    html_attr(l, "for", id);
    xmlNodePtr sel = html_el(right, "select", NULL);
    snprintf(name, sizeof name, "%s__sel", f->name);
    html_attr(sel, "id", id);
    html_attr(sel, "name", name);
    html_attr(sel, "multiple", "multiple");
    html_attr(sel, "data-role", "selected");
    for (size_t j = 0; j < n; j++) {
        char value[24], unknown[40];
        snprintf(value, sizeof value, "%lld", (long long)ids[j]);
        snprintf(unknown, sizeof unknown, "#%lld (deleted)", (long long)ids[j]);
        const char *label = names_find(all, ids[j]);
        add_option(sel, value, label ? label : unknown, false);
    }

    moves = html_el(box, "div", NULL);
    html_attr(moves, "class", "moves");
    for (size_t i = 0; i < 2; i++) {
        snprintf(move, sizeof move, "%s:%s", f->name, ud[i].op);
        xmlNodePtr b = html_button(moves, "_move", move, ud[i].text, "small");
        html_attr(b, "data-move", ud[i].op);
        html_attr(b, "title", ud[i].title);
        html_attr(b, "aria-label", ud[i].title);
    }
    xmlNodePtr hidden = html_hidden(box, f->name, csv);
    html_attr(hidden, "data-role", "value");
}

/* The div of one labelled form row: marked invalid when error is set, and carrying
 * the field's name as its id (when given) so that the error banner can link to it. */
static xmlNodePtr row_div(xmlNodePtr parent, const char *error, const char *id)
{
    xmlNodePtr row = html_el(parent, "div", NULL);
    html_attr(row, "class", error ? "row invalid" : "row");
    if (id != NULL)
        html_attr(row, "id", id);
    return row;
}

/* The message under a control that refused its value; with a name, it gets the id
 * "NAME-error" that the control's aria-describedby and the tests look for. */
static void field_error(xmlNodePtr control, const char *error, const char *name)
{
    if (error == NULL)
        return;
    xmlNodePtr e = html_el(control, "p", error);
    html_attr(e, "class", "field-error");
    if (name != NULL)
        html_attrf(e, "id", "%s-error", name);
}

/* One labelled row of a configuration form. */
static void field_row(struct ctx *c, xmlNodePtr parent, const struct form_view *v, size_t i)
{
    const struct field_def *f = &v->e->fields[i];
    char buf[MAX_IDS * 20], id[80];
    const char *value = shown_value(v, i, buf, sizeof buf);
    const char *error = error_for(v->p, f->name);
    snprintf(id, sizeof id, "f-%s", f->name);

    xmlNodePtr row = row_div(parent, error, f->name);   /* anchor: errors link here */
    xmlNodePtr label = html_el(row, f->type == FT_REFLIST ? "span" : "label", f->label);
    if (f->type == FT_REFLIST)
        html_attr(label, "class", "label");
    else
        html_attr(label, "for", id);
    if (f->required)
        html_attr(html_el(label, "span", "*"), "class", "req");
    xmlNodePtr control = html_el(row, "div", NULL);
    html_attr(control, "class", "control");

    switch (f->type) {
    case FT_TEXT:
    case FT_URL:
    case FT_DEVICE_NAME:
    case FT_DATE: {
        xmlNodePtr in = text_input(control, "text", id, f->name, value);
        if (f->type == FT_DEVICE_NAME) {
            html_attr(in, "maxlength", "15");
            html_attr(in, "placeholder", "SEP001122334455");
        } else if (f->type == FT_DATE) {
            html_attr(in, "placeholder", "YYYY-MM-DD");
            html_attr(in, "class", "short");
        } else if (f->max > 0) {
            html_attrf(in, "maxlength", "%lld", (long long)f->max);
        }
        break;
    }
    case FT_SECRET: {
        xmlNodePtr in = text_input(control, "password", id, f->name, "");
        html_attr(in, "autocomplete", "new-password");
        const char *stored = v->rec->v[i].s;
        if (stored != NULL && *stored != '\0') {
            html_attr(in, "placeholder", "(set) leave empty to keep");
            html_attr(html_el(control, "span", "(set)"), "class", "secret-note");
            xmlNodePtr clear = html_el(control, "label", NULL);
            html_attr(clear, "class", "secret-note");
            xmlNodePtr box = html_el(clear, "input", NULL);
            html_attr(box, "type", "checkbox");
            html_attrf(box, "name", "%s__clear", f->name);
            html_attr(box, "value", "1");
            html_text(clear, " clear");
        }
        break;
    }
    case FT_INT: {
        /* Text, not type=number: what the admin typed comes back as typed. */
        xmlNodePtr in = text_input(control, "text", id, f->name, value);
        html_attr(in, "inputmode", "numeric");
        html_attr(in, "class", "short");
        break;
    }
    case FT_BOOL: {
        html_hidden(control, f->name, "0");
        xmlNodePtr in = html_el(control, "input", NULL);
        html_attr(in, "type", "checkbox");
        html_attr(in, "id", id);
        html_attr(in, "name", f->name);
        html_attr(in, "value", "1");
        if (strcmp(value, "1") == 0)
            html_attr(in, "checked", "checked");
        break;
    }
    case FT_ENUM: {
        xmlNodePtr sel = html_el(control, "select", NULL);
        html_attr(sel, "id", id);
        html_attr(sel, "name", f->name);
        for (const struct enum_value *ev = f->enums; ev && ev->name; ev++)
            add_option(sel, ev->name, enum_label(ev->name), strcmp(ev->name, value) == 0);
        break;
    }
    case FT_REF: {
        struct name_map m;
        names_load(c->sv, f->ref, &m);
        xmlNodePtr sel = html_el(control, "select", NULL);
        html_attr(sel, "id", id);
        html_attr(sel, "name", f->name);
        if (!f->required || *value == '\0')
            add_option(sel, "", f->required ? "-- choose --" : "< None >", *value == '\0');
        for (size_t k = 0; k < m.n; k++) {
            char num[24];
            snprintf(num, sizeof num, "%lld", (long long)m.ids[k]);
            add_option(sel, num, m.names[k], strcmp(num, value) == 0);
        }
        names_free(&m);
        break;
    }
    case FT_REFLIST: {
        struct name_map m;
        names_load(c->sv, f->ref, &m);
        listbox(control, f, value, &m);
        names_free(&m);
        break;
    }
    case FT_MODEL: {
        char models[MAX_MODELS][64];
        size_t n = load_models(c->sv, models, MAX_MODELS);
        xmlNodePtr sel = html_el(control, "select", NULL);
        html_attr(sel, "id", id);
        html_attr(sel, "name", f->name);
        bool found = false;
        if (*value == '\0')
            add_option(sel, "", "-- choose --", true);
        for (size_t k = 0; k < n; k++) {
            bool on = strcmp(models[k], value) == 0;
            found = found || on;
            add_option(sel, models[k], models[k], on);
        }
        if (!found && *value != '\0')
            add_option(sel, value, value, true);
        break;
    }
    case FT_STORE: {
        xmlNodePtr sel = html_el(control, "select", NULL);
        html_attr(sel, "id", id);
        html_attr(sel, "name", f->name);
        for (size_t k = 0; trust_store_names[k]; k++)
            add_option(sel, trust_store_names[k], trust_store_names[k],
                       strcmp(trust_store_names[k], value) == 0);
        break;
    }
    }
    const char *hint = field_hint(f->name);
    if (hint != NULL)
        html_attr(html_el(control, "p", hint), "class", "hint");
    field_error(control, error, f->name);
}

/* ------------------------------------------------------------ form -> record */

/* Turn the posted fields into a patch: fields absent from the form are left
 * unset (kept), unparseable ones become field errors. */
static void form_to_patch(const struct form *form, struct record *patch, struct problem *p)
{
    const struct entity_def *e = entity_get(patch->kind);
    for (size_t i = 0; i < e->n_fields; i++) {
        const struct field_def *f = &e->fields[i];
        struct value *v = &patch->v[i];
        const char *text = form_get(form, f->name);
        char clear[80];
        snprintf(clear, sizeof clear, "%s__clear", f->name);
        if (f->type == FT_SECRET && form_get(form, clear) != NULL) {
            value_set_text(v, "");
            continue;
        }
        if (text == NULL)
            continue;
        int64_t n;
        switch (f->type) {
        case FT_SECRET:
            if (*text != '\0')
                value_set_text(v, text);
            break;
        case FT_INT:
            if (parse_int(text, &n))
                value_set_int(v, n);
            else
                problem_field(p, f->name, "%s must be a whole number", f->label);
            break;
        case FT_BOOL:
            value_set_int(v, form_has_value(form, f->name, "1"));
            break;
        case FT_ENUM:
            if (enum_code(f->enums, text, &n))
                value_set_int(v, n);
            else
                problem_field(p, f->name, "%s has an unknown value", f->label);
            break;
        case FT_REF:
            if (*text == '\0')
                v->set = v->is_null = true;
            else if (parse_int(text, &n) && n > 0)
                value_set_int(v, n);
            else
                problem_field(p, f->name, "%s: choose one from the list", f->label);
            break;
        case FT_REFLIST: {
            int64_t ids[MAX_IDS];
            size_t count;
            if (!parse_ids(text, ids, MAX_IDS, &count)) {
                problem_field(p, f->name, "%s: the list is not valid", f->label);
                break;
            }
            v->ids = count ? malloc(count * sizeof *ids) : NULL;
            if (count && v->ids == NULL)
                break;
            if (count)
                memcpy(v->ids, ids, count * sizeof *ids);
            v->n_ids = count;
            v->set = true;
            break;
        }
        default:
            value_set_text(v, text);
            break;
        }
    }
}

/* Without JavaScript the list-box buttons come here: "_move=FIELD:OP" with the
 * highlighted options.  The new order goes back into the form's hidden field. */
static void apply_move(struct form *form, const char *move)
{
    char field[64];
    const char *colon = strchr(move, ':');
    if (colon == NULL || (size_t)(colon - move) >= sizeof field)
        return;
    snprintf(field, sizeof field, "%.*s", (int)(colon - move), move);
    const char *op = colon + 1;
    int64_t ids[MAX_IDS];
    size_t n;
    if (!parse_ids(form_get(form, field), ids, MAX_IDS, &n))
        return;
    char key[96];
    size_t pos = 0;
    const char *text;
    int64_t id;
    if (strcmp(op, "add") == 0) {
        snprintf(key, sizeof key, "%s__avail", field);
        while ((text = form_next(form, key, &pos)) != NULL && n < MAX_IDS) {
            bool dup = false;
            if (!parse_int(text, &id))
                continue;
            for (size_t i = 0; i < n; i++)
                dup = dup || ids[i] == id;
            if (!dup)
                ids[n++] = id;
        }
    } else {
        snprintf(key, sizeof key, "%s__sel", field);
        while ((text = form_next(form, key, &pos)) != NULL) {
            if (!parse_int(text, &id))
                continue;
            for (size_t i = 0; i < n; i++) {
                if (ids[i] != id)
                    continue;
                if (strcmp(op, "remove") == 0) {
                    memmove(&ids[i], &ids[i + 1], (n - i - 1) * sizeof ids[0]);
                    n--;
                } else if (strcmp(op, "up") == 0 && i > 0) {
                    ids[i] = ids[i - 1];
                    ids[i - 1] = id;
                } else if (strcmp(op, "down") == 0 && i + 1 < n) {
                    ids[i] = ids[i + 1];
                    ids[i + 1] = id;
                }
                break;
            }
        }
    }
    char csv[MAX_IDS * 20];
    format_ids(ids, n, csv, sizeof csv);
    form_set(form, field, csv);
}

/* ------------------------------------------------------------ configuration pages */

static void phone_details(struct ctx *c, xmlNodePtr content, int64_t id, const char *device);
static void rollover_panel(struct ctx *c, xmlNodePtr content, int64_t gateway_id,
                           const struct record *gateway);

static void edit_page(struct ctx *c, const struct form_view *v, int status)
{
    const struct kind_page *k = v->k;
    const struct entity_def *e = v->e;
    char title[96], section[96], action[96];
    snprintf(title, sizeof title, e->singleton ? "%s" : "%s Configuration", k->singular);
    snprintf(section, sizeof section, "/%s", e->collection);
    if (e->singleton)
        snprintf(action, sizeof action, "/%s", e->collection);
    else if (v->id)
        snprintf(action, sizeof action, "/%s/%lld", e->collection, (long long)v->id);
    else
        snprintf(action, sizeof action, "/%s/new", e->collection);

    xmlNodePtr content;
    xmlDocPtr doc = page_begin(c, title, section, &content);
    if (doc == NULL) {
        send_text(c, 500, "out of memory");
        return;
    }
    html_el(content, "h1", title);
    xmlNodePtr form = post_form(c, content, action);
    xmlNodePtr bar = html_el(form, "div", NULL);
    html_attr(bar, "class", "toolbar");
    html_button(bar, "_action", "save", "Save", "primary");
    if (v->id && !e->singleton) {
        xmlNodePtr del = html_button(bar, "_action", "delete", "Delete", "danger");
        html_attrf(del, "data-confirm", "You are about to permanently delete this %s. "
                   "This action cannot be undone.", k->singular);
        char href[128];
        snprintf(href, sizeof href, "/%s/new?copy=%lld", e->collection, (long long)v->id);
        html_attr(html_link(bar, href, "Copy"), "class", "button");
    }
    if (!e->singleton) {
        char href[128];
        snprintf(href, sizeof href, "/%s/new", e->collection);
        html_attr(html_link(bar, href, "Add New"), "class", "button");
        snprintf(href, sizeof href, "/%s", e->collection);
        html_attr(html_link(bar, href, "Back to Find/List"), "class", "button");
    }
    if (e->kind == ENT_VPN_GROUP && v->id) {
        char href[128];
        snprintf(href, sizeof href, "/vpn-groups/%lld/asa-config", (long long)v->id);
        html_attr(html_link(bar, href, "ASA Configuration"), "class", "button");
    }
    if (v->id || e->singleton) {
        char href[160];
        if (e->singleton)
            snprintf(href, sizeof href, "/audit-log?collection=%s", e->collection);
        else
            snprintf(href, sizeof href, "/audit-log?collection=%s&id=%lld", e->collection,
                     (long long)v->id);
        html_attr(html_link(bar, href, "Audit Log"), "class", "button");
    }
    if (e->kind == ENT_VPN_GATEWAY && v->p && v->p->status == 409 &&
        error_for(v->p, "certificates") != NULL) {
        xmlNodePtr anyway = html_button(bar, "_confirm", "1", "Save Anyway", "danger");
        html_attr(anyway, "data-confirm", "Phones that have not fetched the new hash will fail "
                  "to connect once the ASA presents the new certificate. Save anyway?");
    }
    xmlNodePtr status_area = html_el(form, "div", NULL);
    if (v->p == NULL || v->p->status == 0)
        done_banner(c, status_area);
    else
        problem_banner(status_area, v->p, e);
    if (v->id == 0 && !e->singleton && (v->p == NULL || v->p->status == 0))
        banner(status_area, "warn", v->copy_of ? "Status: Ready — a copy; Save to add it."
                                               : "Status: Ready — a new object; Save to add it.");
    if (v->copy_of) {
        char num[24];
        snprintf(num, sizeof num, "%lld", (long long)v->copy_of);
        html_hidden(form, "_copy_of", num);
    }
    xmlNodePtr fs = html_el(form, "fieldset", NULL);
    html_elf(fs, "legend", "%s Information", k->singular);
    for (size_t i = 0; i < e->n_fields; i++)
        field_row(c, fs, v, i);
    if (e->kind == ENT_VPN_GATEWAY && v->id)
        rollover_panel(c, content, v->id, v->rec);
    if (e->kind == ENT_PHONE && v->id)
        phone_details(c, content, v->id, record_text(v->rec, "name"));
    int code = status;
    if (code == 0)
        code = v->p && v->p->status ? v->p->status : 200;
    send_page(c, code, doc);
}

/* Show a form for a new object: defaults, or a copy of another object. */
static void new_page(struct ctx *c, const struct kind_page *k, int64_t copy_of,
                     const struct form *typed, const struct problem *p)
{
    const struct entity_def *e = entity_get(k->kind);
    struct record rec;
    struct problem gp = { 0 };
    if (copy_of && service_get(c->sv, k->kind, copy_of, &rec, &gp) == 0) {
        /* CUCM names a copy "Copy of ..."; a device name must be typed anew. */
        int idx = entity_field_index(e, "name");
        if (idx >= 0 && e->fields[idx].type == FT_DEVICE_NAME) {
            value_set_text(&rec.v[idx], "");
        } else if (idx >= 0) {
            char name[UCPROV_NAME_MAX + 1];
            snprintf(name, sizeof name, "Copy of %s", rec.v[idx].s ? rec.v[idx].s : "");
            value_set_text(&rec.v[idx], name);
        }
    } else {
        if (copy_of) {
            problem_page(c, &gp);
            return;
        }
        record_init_defaults(&rec, k->kind);
    }
    struct form_view v = { k, e, &rec, typed, p, 0, copy_of };
    edit_page(c, &v, 0);
    record_free(&rec);
}

static void object_page(struct ctx *c, const struct kind_page *k, int64_t id,
                        const struct form *typed, const struct problem *p, int status)
{
    struct record rec;
    struct problem gp = { 0 };
    if (service_get(c->sv, k->kind, id, &rec, &gp) != 0) {
        problem_page(c, &gp);
        return;
    }
    struct form_view v = { k, entity_get(k->kind), &rec, typed, p, id, 0 };
    edit_page(c, &v, status);
    record_free(&rec);
}

/* Secrets of the object copied from, unless the admin typed new ones. */
static void inherit_secrets(struct ctx *c, struct record *patch, int64_t copy_of)
{
    const struct entity_def *e = entity_get(patch->kind);
    struct record from;
    struct problem ignore = { 0 };
    if (copy_of <= 0 || service_get(c->sv, patch->kind, copy_of, &from, &ignore) != 0)
        return;
    for (size_t i = 0; i < e->n_fields; i++)
        if (e->fields[i].type == FT_SECRET && !patch->v[i].set && from.v[i].s)
            value_set_text(&patch->v[i], from.v[i].s);
    record_free(&from);
}

/* POST to a configuration page: a list-box move, Delete, or Save. */
static void object_post(struct ctx *c, const struct kind_page *k, int64_t id)
{
    const struct entity_def *e = entity_get(k->kind);
    const char *move = form_get(&c->form, "_move");
    const char *action = form_get(&c->form, "_action");
    int64_t copy_of = 0;
    if (!parse_int(form_get(&c->form, "_copy_of"), &copy_of))
        copy_of = 0;
    if (move != NULL) {
        apply_move(&c->form, move);
        if (id || e->singleton)
            object_page(c, k, id, &c->form, NULL, 200);
        else
            new_page(c, k, copy_of, &c->form, NULL);
        return;
    }
    struct problem p = { 0 };
    if (action != NULL && strcmp(action, "delete") == 0 && id && !e->singleton) {
        if (service_delete(c->sv, &c->s.who, k->kind, id, &p) == 0)
            redirect(c, "/%s?done=deleted", e->collection);
        else
            object_page(c, k, id, NULL, &p, 0);
        return;
    }
    struct record patch = { .kind = k->kind };
    form_to_patch(&c->form, &patch, &p);
    if (p.status == 0 && id == 0 && !e->singleton) {
        inherit_secrets(c, &patch, copy_of);
        int64_t new_id = 0;
        if (service_create(c->sv, &c->s.who, &patch, &new_id, &p) == 0) {
            record_free(&patch);
            redirect(c, "/%s/%lld?done=added", e->collection, (long long)new_id);
            return;
        }
    } else if (p.status == 0) {
        /* Dropping a gateway certificate before the phones hold its successor's hash
         * strands them when the ASA switches: the service refuses it (409) unless the
         * admin pressed Save Anyway, as the REST API's ?confirm=true. */
        bool confirmed = form_get(&c->form, "_confirm") != NULL;
        if (service_update_guarded(c->sv, &c->s.who, k->kind, id, &patch, confirmed, &p) == 0) {
            record_free(&patch);
            /* The rollover panel's Remove buttons say so in the banner. */
            const char *done = form_has_value(&c->form, "_done", "removed") ? "removed" : "saved";
            if (e->singleton)
                redirect(c, "/%s?done=%s", e->collection, done);
            else
                redirect(c, "/%s/%lld?done=%s", e->collection, (long long)id, done);
            return;
        }
    }
    record_free(&patch);
    if (id || e->singleton)
        object_page(c, k, id, &c->form, &p, 0);
    else
        new_page(c, k, copy_of, &c->form, &p);
}

/* ------------------------------------------------------------ Find and List */

static void cell_value(xmlNodePtr td, const struct field_def *f, const struct value *v,
                       const struct name_map *refs)
{
    switch (f->type) {
    case FT_INT:
        html_textf(td, "%lld", (long long)v->i);
        html_attr(td, "class", "num");
        return;
    case FT_BOOL:
        html_text(td, v->i ? "Yes" : "No");
        return;
    case FT_ENUM:
        html_text(td, enum_label(enum_name(f->enums, v->i)));
        return;
    case FT_REF: {
        const char *name = v->is_null ? NULL : names_find(refs, v->i);
        html_text(td, name ? name : "< None >");
        return;
    }
    case FT_REFLIST:
        for (size_t i = 0; i < v->n_ids; i++) {
            const char *name = names_find(refs, v->ids[i]);
            if (i > 0)
                html_text(td, ", ");
            if (name != NULL)
                html_text(td, name);
            else
                html_textf(td, "#%lld", (long long)v->ids[i]);
        }
        return;
    case FT_SECRET:
        return;
    default:
        html_text(td, v->s ? v->s : "");
        return;
    }
}

struct list_params {
    bool contains;
    const char *q;
    int64_t page, rows;
};

static void list_params(struct ctx *c, struct list_params *lp)
{
    const char *match = http_req_query(c->req, "match");
    lp->contains = match != NULL && strcmp(match, "contains") == 0;
    lp->q = http_req_query(c->req, "q");
    if (lp->q != NULL && (*lp->q == '\0' || strlen(lp->q) > 100))
        lp->q = NULL;
    if (!parse_int(http_req_query(c->req, "page"), &lp->page) || lp->page < 1)
        lp->page = 1;
    if (!parse_int(http_req_query(c->req, "rows"), &lp->rows) || lp->rows < 1 ||
        lp->rows > UCPROV_WEB_ROWS_MAX)
        lp->rows = UCPROV_WEB_ROWS_DEFAULT;
    if (lp->page > INT64_MAX / lp->rows)
        lp->page = 1;
}

/* "Find <things> where Name [begins with|contains] [...]" */
static void search_form(xmlNodePtr parent, const char *action, const char *what,
                        const char *field_label, const struct list_params *lp)
{
    xmlNodePtr f = html_el(parent, "form", NULL);
    html_attr(f, "method", "get");
    html_attr(f, "action", action);
    html_attr(f, "class", "search");
    html_attr(f, "role", "search");
    html_elf(f, "span", "Find %s where %s", what, field_label);
    xmlNodePtr sel = html_el(f, "select", NULL);
    html_attr(sel, "name", "match");
    html_attr(sel, "aria-label", "match");
    add_option(sel, "begins", "begins with", !lp->contains);
    add_option(sel, "contains", "contains", lp->contains);
    xmlNodePtr in = text_input(f, "text", "q", "q", lp->q ? lp->q : "");
    html_attr(in, "aria-label", "search text");
    html_button(f, NULL, NULL, "Find", "primary");
    if (lp->q != NULL)
        html_attr(html_link(f, action, "Clear Filter"), "class", "button");
}

/* The page of names a find-and-list page asks the service for. */
static struct list_query list_query_for(const struct list_params *lp)
{
    struct list_query q = { MATCH_ANY, NULL, lp->rows, (lp->page - 1) * lp->rows };
    if (lp->q != NULL) {
        q.match = lp->contains ? MATCH_CONTAINS : MATCH_PREFIX;
        q.name = lp->q;
    }
    return q;
}

/* "N records found" above a find-and-list table, counting every page. */
static void record_count(xmlNodePtr parent, int64_t total)
{
    html_attr(html_elf(parent, "p", "%lld record%s found", (long long)total,
                       total == 1 ? "" : "s"), "class", "count");
}

/* A table of class cls (and id, when not NULL) whose head row holds the n headings;
 * returns its tbody, where the caller puts the rows. */
static xmlNodePtr list_table(xmlNodePtr parent, const char *cls, const char *id,
                             const char *const *heads, size_t n)
{
    xmlNodePtr table = html_el(parent, "table", NULL);
    html_attr(table, "class", cls);
    if (id != NULL)
        html_attr(table, "id", id);
    xmlNodePtr tr = html_el(html_el(table, "thead", NULL), "tr", NULL);
    for (size_t i = 0; i < n; i++)
        html_el(tr, "th", heads[i]);
    return html_el(table, "tbody", NULL);
}

static void pager(xmlNodePtr parent, const char *base, const struct list_params *lp,
                  int64_t total)
{
    int64_t pages = total == 0 ? 1 : (total + lp->rows - 1) / lp->rows;
    xmlNodePtr div = html_el(parent, "div", NULL);
    html_attr(div, "class", "pager");
    char q[400] = "";
    if (lp->q != NULL) {
        char enc[320];
        url_encode(lp->q, enc, sizeof enc);
        snprintf(q, sizeof q, "&match=%s&q=%s", lp->contains ? "contains" : "begins", enc);
    }
    char href[600];
    if (lp->page > 1) {
        snprintf(href, sizeof href, "%s?page=%lld&rows=%lld%s", base, (long long)lp->page - 1,
                 (long long)lp->rows, q);
        html_link(div, href, "‹ Previous");
    }
    html_elf(div, "span", "Page %lld of %lld", (long long)lp->page, (long long)pages);
    if (lp->page < pages) {
        snprintf(href, sizeof href, "%s?page=%lld&rows=%lld%s", base, (long long)lp->page + 1,
                 (long long)lp->rows, q);
        html_link(div, href, "Next ›");
    }
}

static void list_page(struct ctx *c, const struct kind_page *k)
{
    const struct entity_def *e = entity_get(k->kind);
    struct list_params lp;
    list_params(c, &lp);
    struct list_query q = list_query_for(&lp);
    struct record *items = NULL;
    size_t n = 0;
    int64_t total = 0;
    struct problem p = { 0 };
    if (service_list(c->sv, k->kind, &q, &items, &n, &total, &p) != 0) {
        problem_page(c, &p);
        return;
    }
    char title[96], base[96];
    snprintf(title, sizeof title, "Find and List %s", k->plural);
    snprintf(base, sizeof base, "/%s", e->collection);
    xmlNodePtr content;
    xmlDocPtr doc = page_begin(c, title, base, &content);
    if (doc == NULL) {
        for (size_t i = 0; i < n; i++)
            record_free(&items[i]);
        free(items);
        send_text(c, 500, "out of memory");
        return;
    }
    html_el(content, "h1", title);
    xmlNodePtr bar = html_el(content, "div", NULL);
    html_attr(bar, "class", "toolbar");
    char href[128];
    snprintf(href, sizeof href, "/%s/new", e->collection);
    html_attr(html_link(bar, href, "Add New"), "class", "button");
    done_banner(c, content);
    int name_idx = entity_field_index(e, "name");
    search_form(content, base, k->plural, e->fields[name_idx].label, &lp);
    record_count(content, total);

    /* Names of the objects the columns refer to, loaded once per column. */
    struct name_map refs[4] = { { 0 } };
    int cols[4];
    size_t ncols = 0;
    for (size_t i = 0; i < 4 && k->columns[i]; i++) {
        int idx = entity_field_index(e, k->columns[i]);
        if (idx < 0)
            continue;
        const struct field_def *f = &e->fields[idx];
        if (f->type == FT_REF || f->type == FT_REFLIST)
            names_load(c->sv, f->ref, &refs[ncols]);
        cols[ncols++] = idx;
    }
    if (n > 0) {
        const char *heads[4];
        for (size_t i = 0; i < ncols; i++)
            heads[i] = e->fields[cols[i]].label;
        xmlNodePtr tbody = list_table(content, "list", NULL, heads, ncols);
        for (size_t r = 0; r < n; r++) {
            xmlNodePtr tr = html_el(tbody, "tr", NULL);
            for (size_t i = 0; i < ncols; i++) {
                xmlNodePtr td = html_el(tr, "td", NULL);
                if (i == 0) {
                    snprintf(href, sizeof href, "/%s/%lld", e->collection,
                             (long long)items[r].id);
                    td = html_link(td, href, NULL);
                }
                cell_value(td, &e->fields[cols[i]], &items[r].v[cols[i]], &refs[i]);
            }
        }
    } else {
        html_el(content, "p", lp.q ? "Nothing matches the search." : "There are none yet; "
                "use Add New to create the first one.");
    }
    pager(content, base, &lp, total);
    for (size_t i = 0; i < ncols; i++)
        names_free(&refs[i]);
    for (size_t i = 0; i < n; i++)
        record_free(&items[i]);
    free(items);
    send_page(c, 200, doc);
}

/* ------------------------------------------------------------ certificates */

enum cert_health { CERT_VALID, CERT_SOON, CERT_EXPIRED };

static enum cert_health cert_health(const struct cert_info *ci, time_t now)
{
    if (ci->not_after < (int64_t)now)
        return CERT_EXPIRED;
    if (ci->not_after < (int64_t)now + (int64_t)UCPROV_CERT_SOON_DAYS * 86400)
        return CERT_SOON;
    return CERT_VALID;
}

static void expiry_cell(xmlNodePtr parent, const struct cert_info *ci, time_t now)
{
    char date[16];
    format_date(ci->not_after, date, sizeof date);
    html_text(parent, date);
    enum cert_health h = cert_health(ci, now);
    if (h == CERT_EXPIRED)
        html_attr(html_el(parent, "span", "expired"), "class", "badge expired");
    else if (h == CERT_SOON)
        html_attr(html_elf(parent, "span", "expires in %lld days",
                           (long long)((ci->not_after - (int64_t)now) / 86400)),
                  "class", "badge soon");
}

/* The gateways whose "certificates in this location" hold cert_id. */
static size_t gateways_using(struct ctx *c, int64_t cert_id, int64_t *ids, char (*names)[64],
                             size_t max)
{
    struct list_query q = { MATCH_ANY, NULL, UCPROV_LIST_MAX_LIMIT, 0 };
    struct record *items = NULL;
    size_t n = 0, found = 0;
    int64_t total;
    struct problem p = { 0 };
    if (service_list(c->sv, ENT_VPN_GATEWAY, &q, &items, &n, &total, &p) != 0)
        return 0;
    int idx = entity_field_index(entity_get(ENT_VPN_GATEWAY), "certificates");
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < items[i].v[idx].n_ids && found < max; j++)
            if (items[i].v[idx].ids[j] == cert_id) {
                ids[found] = items[i].id;
                snprintf(names[found++], 64, "%s", record_text(&items[i], "name"));
                break;
            }
        record_free(&items[i]);
    }
    free(items);
    return found;
}

static void upload_form(struct ctx *c, xmlNodePtr parent, const struct form *typed,
                        const struct problem *p)
{
    xmlNodePtr f = post_form(c, parent, "/certificates");
    html_attr(f, "enctype", "multipart/form-data");
    xmlNodePtr fs = html_el(f, "fieldset", NULL);
    html_el(fs, "legend", "Upload Certificate");
    const char *chosen = form_get(typed, "store");
    static const struct { const char *field, *label, *error_field; } rows[] = {
        { "store", "Certificate Purpose", "store" },
        { "file", "Upload File", "pem" },
    };
    for (size_t i = 0; i < 2; i++) {
        const char *error = error_for(p, rows[i].error_field);
        xmlNodePtr row = row_div(fs, error, NULL);
        xmlNodePtr label = html_el(row, "label", rows[i].label);
        html_attrf(label, "for", "f-%s", rows[i].field);
        html_attr(html_el(label, "span", "*"), "class", "req");
        xmlNodePtr control = html_el(row, "div", NULL);
        if (i == 0) {
            xmlNodePtr sel = html_el(control, "select", NULL);
            html_attr(sel, "id", "f-store");
            html_attr(sel, "name", "store");
            for (size_t k = 0; trust_store_names[k]; k++)
                add_option(sel, trust_store_names[k], trust_store_names[k],
                           chosen ? strcmp(chosen, trust_store_names[k]) == 0 : k == 0);
            html_attr(html_el(control, "p", "Phone-VPN-trust holds the ASA certificates that "
                              "VPN gateways put on phones."), "class", "hint");
        } else {
            xmlNodePtr in = html_el(control, "input", NULL);
            html_attr(in, "type", "file");
            html_attr(in, "id", "f-file");
            html_attr(in, "name", "file");
            html_attr(in, "accept", ".pem,.crt,.cer,.der");
            html_attr(html_el(control, "p", "one certificate, PEM or DER; never a private key"),
                      "class", "hint");
        }
        field_error(control, error, NULL);
    }
    html_button(f, NULL, NULL, "Upload", "primary");
}

static void certs_page(struct ctx *c, const struct form *typed, const struct problem *p)
{
    struct list_params lp;
    list_params(c, &lp);
    const char *store_filter = http_req_query(c->req, "store");
    if (store_filter != NULL && !trust_store_valid(store_filter))
        store_filter = NULL;
    struct list_query q = list_query_for(&lp);
    struct cert_row *rows = NULL;
    size_t n = 0;
    int64_t total = 0;
    struct problem lpb = { 0 };
    if (service_cert_list(c->sv, &q, store_filter, &rows, &n, &total, &lpb) != 0) {
        problem_page(c, &lpb);
        return;
    }
    xmlNodePtr content;
    xmlDocPtr doc = page_begin(c, "Certificate Management", "/certificates", &content);
    if (doc == NULL) {
        send_text(c, 500, "out of memory");
        goto out;
    }
    html_el(content, "h1", "Certificate Management");
    if (p != NULL && p->status)
        problem_banner(content, p, entity_get(ENT_CERTIFICATE));
    else
        done_banner(c, content);
    upload_form(c, content, typed, p);

    html_el(content, "h2", "Certificate List");
    search_form(content, "/certificates", "Certificates", "Common Name", &lp);
    record_count(content, total);
    if (n > 0) {
        static const char *const heads[] = { "Common Name", "Certificate Purpose", "Type",
                                             "Issued By", "Expiration", "certHash (SHA-1)",
                                             "" };
        xmlNodePtr tbody = list_table(content, "list", NULL, heads,
                                       sizeof heads / sizeof heads[0]);
        for (size_t i = 0; i < n; i++) {
            const struct cert_info *ci = &rows[i].info;
            char href[64];
            xmlNodePtr tr = html_el(tbody, "tr", NULL);
            snprintf(href, sizeof href, "/certificates/%lld", (long long)rows[i].id);
            html_link(html_el(tr, "td", NULL), href,
                      ci->common_name[0] ? ci->common_name : "(no common name)");
            html_el(tr, "td", rows[i].trust_store);
            html_el(tr, "td", ci->self_signed ? "Self-signed" : "CA-signed");
            html_el(tr, "td", ci->issuer_cn && ci->issuer_cn[0] ? ci->issuer_cn : ci->issuer);
            xmlNodePtr td = html_el(tr, "td", NULL);
            html_attr(td, "class", "nowrap");
            expiry_cell(td, ci, c->now);
            html_attr(html_el(html_el(tr, "td", NULL), "code", ci->cert_hash), "class", "hash");
            snprintf(href, sizeof href, "/certificates/%lld/pem", (long long)rows[i].id);
            td = html_el(tr, "td", NULL);
            html_attr(td, "class", "nowrap");
            html_link(td, href, "Download .PEM");
        }
    }
    pager(content, "/certificates", &lp, total);
    send_page(c, p && p->status ? p->status : 200, doc);
out:
    for (size_t i = 0; i < n; i++)
        cert_row_free(&rows[i]);
    free(rows);
}

static void cert_upload(struct ctx *c)
{
    const char *store = form_get(&c->form, "store");
    const struct form_field *file = form_field(&c->form, "file");
    struct problem p = { 0 };
    int64_t id = 0;
    if (file == NULL || file->len == 0)
        problem_field(&p, "pem", "Choose a certificate file to upload.");
    else if (file->len > UCPROV_MAX_CERT_FILE)
        problem_field(&p, "pem", "The file is larger than %d bytes; a certificate is smaller.",
                      UCPROV_MAX_CERT_FILE);
    if (p.status == 0 &&
        service_cert_add(c->sv, &c->s.who, store, file->value, file->len, &id, &p) == 0) {
        redirect(c, "/certificates/%lld?done=uploaded", (long long)id);
        return;
    }
    certs_page(c, &c->form, &p);
}

static void fact(xmlNodePtr dl, const char *term, const char *value)
{
    html_el(dl, "dt", term);
    html_el(dl, "dd", value);
}

static void cert_page(struct ctx *c, int64_t id, const struct problem *p)
{
    struct cert_row row;
    struct problem gp = { 0 };
    if (service_cert_get(c->sv, id, &row, &gp) != 0) {
        problem_page(c, &gp);
        return;
    }
    const struct cert_info *ci = &row.info;
    xmlNodePtr content;
    xmlDocPtr doc = page_begin(c, "Certificate Details", "/certificates", &content);
    if (doc == NULL) {
        cert_row_free(&row);
        send_text(c, 500, "out of memory");
        return;
    }
    html_elf(content, "h1", "Certificate Details: %s", ci->common_name);
    char action[64], href[64];
    snprintf(action, sizeof action, "/certificates/%lld", (long long)id);
    xmlNodePtr form = post_form(c, content, action);
    xmlNodePtr bar = html_el(form, "div", NULL);
    html_attr(bar, "class", "toolbar");
    snprintf(href, sizeof href, "/certificates/%lld/pem", (long long)id);
    html_attr(html_link(bar, href, "Download .PEM File"), "class", "button");
    xmlNodePtr del = html_button(bar, "_action", "delete", "Delete", "danger");
    html_attr(del, "data-confirm", "You are about to permanently delete this certificate.");
    html_attr(html_link(bar, "/certificates", "Back to Find/List"), "class", "button");
    if (p != NULL && p->status)
        problem_banner(content, p, NULL);
    else
        done_banner(c, content);

    xmlNodePtr dl = html_el(content, "dl", NULL);
    html_attr(dl, "class", "facts");
    char buf[512];
    fact(dl, "Common Name", ci->common_name);
    buf[0] = '\0';
    for (size_t i = 0; i < ci->n_sans; i++) {
        size_t used = strlen(buf);
        snprintf(buf + used, sizeof buf - used, "%s%s", i ? ", " : "", ci->sans[i]);
    }
    fact(dl, "Subject Alternative Names", ci->n_sans ? buf : "(none)");
    fact(dl, "Certificate Purpose", row.trust_store);
    fact(dl, "Type", ci->self_signed ? "Self-signed" : "CA-signed");
    fact(dl, "Subject", ci->subject);
    fact(dl, "Issued By", ci->issuer);
    fact(dl, "Serial Number", ci->serial);
    format_time(ci->not_before, buf, sizeof buf);
    fact(dl, "Valid From", buf);
    html_el(dl, "dt", "Valid To");
    xmlNodePtr dd = html_el(dl, "dd", NULL);
    format_time(ci->not_after, buf, sizeof buf);
    html_text(dd, buf);
    enum cert_health h = cert_health(ci, c->now);
    if (h != CERT_VALID)
        html_attr(html_el(dd, "span", h == CERT_EXPIRED ? "expired" : "expires soon"), "class",
                  h == CERT_EXPIRED ? "badge expired" : "badge soon");
    snprintf(buf, sizeof buf, "%s %d bits", ci->key_type, ci->key_bits);
    fact(dl, "Public Key", buf);
    html_el(dl, "dt", "certHash (SHA-1, base64)");
    html_attr(html_el(html_el(dl, "dd", NULL), "code", ci->cert_hash), "id", "cert-hash");
    html_el(dl, "dt", "SHA-256 Fingerprint");
    html_el(html_el(dl, "dd", NULL), "code", ci->sha256_fingerprint);
    format_time(row.created_at, buf, sizeof buf);
    fact(dl, "Uploaded", buf);

    html_el(content, "h2", "VPN Gateways with this Certificate in their Location");
    int64_t ids[32];
    char names[32][64];
    size_t n = gateways_using(c, id, ids, names, 32);
    if (n == 0) {
        html_el(content, "p", "None: no phone gets this certificate's hash.");
    } else {
        xmlNodePtr ul = html_el(content, "ul", NULL);
        for (size_t i = 0; i < n; i++) {
            snprintf(href, sizeof href, "/vpn-gateways/%lld", (long long)ids[i]);
            html_link(html_el(ul, "li", NULL), href, names[i]);
        }
    }
    cert_row_free(&row);
    send_page(c, p && p->status ? p->status : 200, doc);
}

static void cert_post(struct ctx *c, int64_t id)
{
    const char *action = form_get(&c->form, "_action");
    struct problem p = { 0 };
    if (action == NULL || strcmp(action, "delete") != 0) {
        problem_set(&p, 400, "unknown action");
        cert_page(c, id, &p);
        return;
    }
    if (service_cert_delete(c->sv, &c->s.who, id, &p) == 0) {
        redirect(c, "/certificates?done=deleted");
        return;
    }
    cert_page(c, id, &p);
}

static void cert_pem(struct ctx *c, int64_t id)
{
    struct cert_row row;
    struct problem p = { 0 };
    if (service_cert_get(c->sv, id, &row, &p) != 0) {
        problem_page(c, &p);
        return;
    }
    char *pem = cert_der_to_pem(row.info.der, row.info.der_len);
    /* The file name comes from the certificate: keep it to safe characters. */
    char name[80], header[128];
    size_t o = 0;
    for (const char *s = row.info.common_name; *s && o + 1 < 64; s++)
        name[o++] = isalnum((unsigned char)*s) || strchr(".-_", *s) ? *s : '_';
    name[o] = '\0';
    snprintf(header, sizeof header, "attachment; filename=\"%s.pem\"",
             o ? name : "certificate");
    cert_row_free(&row);
    if (pem == NULL) {
        send_text(c, 500, "the certificate could not be encoded");
        return;
    }
    http_resp_add_header(c->resp, "Content-Disposition", header);
    http_resp_set(c->resp, 200, "application/x-pem-file", pem, strlen(pem));
}

/* ------------------------------------------------------------ phone details */

/* The rendered file, its versionStamp, and the phone's latest fetches. */
static void phone_details(struct ctx *c, xmlNodePtr content, int64_t id, const char *device)
{
    struct problem p = { 0 };
    struct cache_blob *b = service_phone_config(c->sv, id, &p);
    html_elf(content, "h2", "Configuration File %s.cnf.xml", device);
    if (b == NULL) {
        banner(content, "error", p.detail[0] ? p.detail : "the file could not be rendered");
        return;
    }
    const char *text = (const char *)b->data;
    const char *vpn = strstr(text, "<vpnGroup>");
    const char *vpn_end = vpn ? strstr(vpn, "</vpnGroup>") : NULL;
    xmlNodePtr facts = html_el(content, "dl", NULL);
    html_attr(facts, "class", "facts");
    html_el(facts, "dt", "versionStamp");
    html_attr(html_el(html_el(facts, "dd", NULL), "code", b->version_stamp), "id",
              "version-stamp");
    html_el(facts, "dt", "VPN");
    xmlNodePtr dd = html_el(facts, "dd", NULL);
    if (vpn && vpn_end)
        html_link(dd, "#vpnGroup", "Go to the vpnGroup block (highlighted below)");
    else
        html_text(dd, "No vpnGroup block: the phone's common phone profile names no VPN group.");

    /* The checks an admin runs when this phone will not connect from home. */
    xmlNodePtr bar = html_el(content, "div", NULL);
    html_attr(bar, "class", "toolbar");
    if (vpn && vpn_end) {
        char action[96];
        snprintf(action, sizeof action, "/phones/%lld/verify-gateways", (long long)id);
        xmlNodePtr f = post_form(c, bar, action);
        html_button(f, NULL, NULL, "Check Gateways as a Phone Would", "primary");
    }
    html_attr(html_link(bar, "/phone-log", "Diagnose a Phone Log"), "class", "button");
    html_attr(html_el(bar, "span", vpn && vpn_end
                      ? "Connects to each gateway URL in this file and compares the certificate "
                        "it presents with the file's hashes."
                      : "Paste the phone's console log to find known VPN failures."),
              "class", "hint");

    xmlNodePtr pre = html_el(content, "pre", NULL);
    html_attr(pre, "class", "config");
    html_attr(pre, "id", "config");
    if (vpn && vpn_end) {
        vpn_end += strlen("</vpnGroup>");
        xmlNodeAddContentLen(pre, BAD_CAST text, (int)(vpn - text));
        xmlNodePtr mark = html_el(pre, "mark", NULL);
        html_attr(mark, "id", "vpnGroup");
        xmlNodeAddContentLen(mark, BAD_CAST vpn, (int)(vpn_end - vpn));
        html_text(pre, vpn_end);
    } else {
        html_text(pre, text);
    }

    html_el(content, "h2", "Recent Config Fetches");
    struct fetch_record *recs = NULL;
    size_t n = 0;
    if (service_fetch_log_query(c->sv, device, 0, UCPROV_WEB_FETCHES_SHOWN, &recs, &n, &p) != 0)
        n = 0;
    if (n == 0) {
        html_el(content, "p", "This phone has not fetched its configuration yet.");
    } else {
        static const char *const heads[] = { "Time (UTC)", "Protocol", "Client", "File",
                                             "Result", "Bytes", "versionStamp" };
        xmlNodePtr tbody = list_table(content, "list", "fetches", heads,
                                       sizeof heads / sizeof heads[0]);
        for (size_t i = 0; i < n; i++) {
            const struct fetch_record *r = &recs[i];
            char when[40];
            format_time(r->at_ms / 1000, when, sizeof when);
            xmlNodePtr tr = html_el(tbody, "tr", NULL);
            html_el(tr, "td", when);
            html_el(tr, "td", r->protocol);
            html_elf(tr, "td", "%s:%d", r->client, r->client_port);
            html_el(tr, "td", r->filename);
            html_el(tr, "td", r->result);
            html_attr(html_elf(tr, "td", "%lld", (long long)r->bytes), "class", "num");
            xmlNodePtr td = html_el(tr, "td", NULL);
            html_el(td, "code", r->version_stamp[0] ? r->version_stamp : "-");
            if (r->version_stamp[0] && strcmp(r->version_stamp, b->version_stamp) == 0)
                html_attr(html_el(td, "span", "current"), "class", "badge ok");
            else if (r->version_stamp[0])
                html_attr(html_el(td, "span", "older"), "class", "badge soon");
        }
    }
    free(recs);
    cache_blob_unref(b);
}

/* ------------------------------------------------------------ home */

struct phone_names {
    char (*names)[16];
    size_t n, max;
    size_t seen;
};

static void collect_phone(void *ctx, const char *name)
{
    struct phone_names *pn = ctx;
    pn->seen++;
    if (pn->n < pn->max)
        snprintf(pn->names[pn->n++], 16, "%s", name);
}

static void attention_item(xmlNodePtr ul, const char *href, const char *link_text,
                           const char *rest, const char *badge_class, const char *badge)
{
    xmlNodePtr li = html_el(ul, "li", NULL);
    html_link(li, href, link_text);
    html_text(li, rest);
    if (badge != NULL)
        html_attr(html_el(li, "span", badge), "class", badge_class);
}

static void home_page(struct ctx *c)
{
    xmlNodePtr content;
    xmlDocPtr doc = page_begin(c, "Home", "/", &content);
    if (doc == NULL) {
        send_text(c, 500, "out of memory");
        return;
    }
    html_el(content, "h1", "ucprov Administration");
    xmlNodePtr cards = html_el(content, "div", NULL);
    html_attr(cards, "class", "cards");
    struct problem p = { 0 };
    struct list_query none = { MATCH_ANY, NULL, 0, 0 };   /* counts only */

    struct cert_row *certs = NULL;
    size_t n_certs = 0;
    int64_t total = 0;
    if (service_cert_list(c->sv, &none, NULL, &certs, &n_certs, &total, &p) != 0)
        n_certs = 0;
    xmlNodePtr card = html_link(cards, "/certificates", NULL);
    html_attr(card, "class", "card");
    html_attr(html_elf(card, "span", "%lld", (long long)total), "class", "n");
    html_attr(html_el(card, "span", "Certificates"), "class", "what");
    for (size_t i = 0; i < sizeof kind_pages / sizeof kind_pages[0]; i++) {
        const struct kind_page *k = &kind_pages[i];
        if (k->plural == NULL)
            continue;
        struct record *items = NULL;
        size_t n = 0;
        total = 0;
        if (service_list(c->sv, k->kind, &none, &items, &n, &total, &p) == 0) {
            for (size_t j = 0; j < n; j++)
                record_free(&items[j]);
            free(items);
        }
        char href[64];
        snprintf(href, sizeof href, "/%s", entity_get(k->kind)->collection);
        card = html_link(cards, href, NULL);
        html_attr(card, "class", "card");
        html_attr(html_elf(card, "span", "%lld", (long long)total), "class", "n");
        html_attr(html_el(card, "span", k->plural), "class", "what");
    }

    for (size_t i = 0; i < n_certs; i++)
        cert_row_free(&certs[i]);
    free(certs);

    html_el(content, "h2", "Needs Attention");
    xmlNodePtr ul = html_el(content, "ul", NULL);
    html_attr(ul, "class", "attention");
    html_attr(ul, "id", "attention");
    char href[96];
    struct diagnostic *diags = NULL;
    size_t n_diags = 0;
    if (service_diagnostics(c->sv, UCPROV_CERT_SOON_DAYS, &diags, &n_diags, &p) != 0)
        html_el(ul, "li", "The checks could not run; see the server log.");
    for (size_t i = 0; i < n_diags; i++) {
        const struct diagnostic *d = &diags[i];
        const struct entity_def *e = entity_get(d->kind);
        xmlNodePtr li = html_el(ul, "li", NULL);
        html_attr(html_el(li, "span", d->severity == DIAG_ERROR ? "error" : "warning"), "class",
                  d->severity == DIAG_ERROR ? "badge expired" : "badge soon");
        html_text(li, " ");
        if (d->id > 0) {
            snprintf(href, sizeof href, "/%s/%lld", e->collection, (long long)d->id);
            html_link(li, href, d->message);
        } else {
            html_text(li, d->message);
        }
        if (d->fix[0] != '\0')
            html_attr(html_el(li, "p", d->fix), "class", "hint");
    }
    free(diags);

    struct phone_names pn = { calloc(UCPROV_WEB_PHONES_CHECKED, 16), 0,
                              UCPROV_WEB_PHONES_CHECKED, 0 };
    if (pn.names == NULL)
        pn.max = 0;
    service_each_phone(c->sv, collect_phone, &pn);
    size_t never = 0, shown = 0;
    for (size_t i = 0; i < pn.n; i++) {
        struct fetch_record *recs = NULL;
        size_t n = 0;
        if (service_fetch_log_query(c->sv, pn.names[i], 0, 1, &recs, &n, &p) != 0)
            continue;
        free(recs);
        if (n > 0)
            continue;
        never++;
        int64_t id;
        if (shown < 10 && service_lookup_name(c->sv, ENT_PHONE, pn.names[i], &id) == 0) {
            snprintf(href, sizeof href, "/phones/%lld", (long long)id);
            attention_item(ul, href, pn.names[i], " has never fetched its configuration", NULL,
                           NULL);
            shown++;
        }
    }
    if (never > shown)
        html_elf(ul, "li", "... and %zu more phones that never fetched their configuration",
                 never - shown);
    if (pn.seen > pn.n)
        html_elf(ul, "li", "Only the first %zu phones were checked for a first fetch.", pn.n);
    free(pn.names);
    if (ul->children == NULL)
        html_el(ul, "li", "Nothing needs attention.");
    xmlNodePtr more = html_el(content, "p", NULL);
    html_attr(more, "class", "more");
    html_link(more, "/diagnostics", "All diagnostics, with a certificate expiry window of your choice");

    html_el(content, "h2", "VPN Phone Setup, Step by Step");
    xmlNodePtr ol = html_el(content, "ol", NULL);
    static const struct { const char *href, *text, *note; } steps[] = {
        { "/certificates", "Upload the ASA certificate", " into Phone-VPN-trust" },
        { "/vpn-profiles/new", "Add a VPN profile", ": tunnel behaviour" },
        { "/vpn-gateways/new", "Add a VPN gateway", ": the ASA's URL and its certificates" },
        { "/vpn-groups/new", "Add a VPN group", ": up to three gateways in order" },
        { "/common-phone-profiles", "Set the VPN group and profile", " on a common phone profile" },
        { "/phones/new", "Add the phone", " with that common phone profile, then reset it" },
    };
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        xmlNodePtr li = html_el(ol, "li", NULL);
        html_link(li, steps[i].href, steps[i].text);
        html_text(li, steps[i].note);
    }
    send_page(c, 200, doc);
}

/* ------------------------------------------------------------ troubleshooting helpers */

/* Text from a log or a file, fit for a text node: a NUL, a control character
 * or (when the whole is not UTF-8) any byte past ASCII becomes '?'. */
static char *display_text(const char *in, size_t len)
{
    char *out = malloc(len + 1);
    if (out == NULL)
        return NULL;
    memcpy(out, in, len);
    out[len] = '\0';
    bool utf8 = strlen(out) == len && xmlCheckUTF8((const xmlChar *)out);
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)out[i];
        if ((ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') || ch == 0x7f ||
            (!utf8 && ch >= 0x80))
            out[i] = '?';
    }
    return out;
}

/* Line n (from 1) of text, without its ending, cut to the evidence limit. */
static char *line_of(const char *text, size_t len, size_t n)
{
    const char *start;
    size_t line_len = phonelog_line(text, len, n, &start);
    if (line_len > UCPROV_PHONELOG_EVIDENCE_MAX)
        line_len = UCPROV_PHONELOG_EVIDENCE_MAX;
    return display_text(start, line_len);
}

/* A labelled text input of a form that is not an entity's: filters and generators.
 * The row carries the field name as its id, as the configuration pages do. */
static xmlNodePtr input_row(xmlNodePtr parent, const char *name, const char *label,
                            const char *value, const char *hint, const struct problem *p)
{
    char id[64];
    snprintf(id, sizeof id, "f-%s", name);
    const char *error = error_for(p, name);
    xmlNodePtr row = row_div(parent, error, name);
    html_attr(html_el(row, "label", label), "for", id);
    xmlNodePtr control = html_el(row, "div", NULL);
    html_attr(control, "class", "control");
    xmlNodePtr in = text_input(control, "text", id, name, value ? value : "");
    if (hint != NULL)
        html_attr(html_el(control, "p", hint), "class", "hint");
    field_error(control, error, name);
    return in;
}

static void checkbox_row(xmlNodePtr parent, const char *name, const char *label, bool on,
                         const char *hint)
{
    char id[64];
    snprintf(id, sizeof id, "f-%s", name);
    xmlNodePtr row = html_el(parent, "div", NULL);
    html_attr(row, "class", "row");
    html_attr(html_el(row, "label", label), "for", id);
    xmlNodePtr control = html_el(row, "div", NULL);
    html_attr(control, "class", "control");
    xmlNodePtr in = html_el(control, "input", NULL);
    html_attr(in, "type", "checkbox");
    html_attr(in, "id", id);
    html_attr(in, "name", name);
    html_attr(in, "value", "1");
    if (on)
        html_attr(in, "checked", "checked");
    if (hint != NULL)
        html_attr(html_el(control, "p", hint), "class", "hint");
}

/* The banner over a form whose fields carry their own errors. */
static void form_problem_banner(xmlNodePtr parent, const struct problem *p)
{
    if (p->status == 0)
        return;
    if (p->n_errors > 0)
        banner(parent, "error", "Please correct the fields marked below.");
    else
        banner(parent, "error", p->detail[0] ? p->detail : problem_title(p->status));
}

/* The page of an object named in a diagnostic or an audit entry.  Deleted
 * objects and the admins' own tables have none. */
static bool object_href(const char *collection, int64_t id, char *href, size_t len)
{
    const struct entity_def *e = entity_by_collection(collection);
    if (e == NULL)
        return false;
    if (e->singleton)
        snprintf(href, len, "/%s", e->collection);
    else if (id > 0)
        snprintf(href, len, "/%s/%lld", e->collection, (long long)id);
    else
        return false;
    return true;
}

static const char *collection_label(const char *collection)
{
    const struct entity_def *e = entity_by_collection(collection);
    return e ? e->label : collection;
}

/* ------------------------------------------------------------ certificate rollover */

/* The safe order of an ASA certificate renewal (background doc, failure 1):
 * each step with what it takes, and whether ucprov can see it done. */
enum step_state { STEP_TODO, STEP_DONE, STEP_UNKNOWN };

static void rollover_step(xmlNodePtr ol, enum step_state state, const char *title,
                          const char *text)
{
    static const char *const classes[] = { "step todo", "step done", "step" };
    static const char *const marks[] = { "to do", "done", "on the ASA" };
    xmlNodePtr li = html_el(ol, "li", NULL);
    html_attr(li, "class", classes[state]);
    xmlNodePtr head = html_el(li, "strong", title);
    html_attr(html_el(head, "span", marks[state]), "class",
              state == STEP_DONE ? "badge ok" : state == STEP_TODO ? "badge soon" : "badge");
    html_attr(html_el(li, "p", text), "class", "hint");
}

static size_t phones_current(const struct rollover_cert *rc)
{
    size_t n = 0;
    for (size_t i = 0; i < rc->n_phones; i++)
        n += rc->phones[i].current;
    return n;
}

/* One certificate's readiness: a bar of the phones that fetched a config since
 * it was added, the phones still missing, and the button that removes it. */
static void rollover_cert_block(struct ctx *c, xmlNodePtr parent, int64_t gateway_id,
                                const struct rollover_cert *rc, bool newest,
                                const struct value *on_gateway)
{
    char href[96], date[16], added[40];
    size_t current = phones_current(rc);
    xmlNodePtr box = html_el(parent, "div", NULL);
    html_attr(box, "class", "rollover-cert");
    html_attrf(box, "id", "rollover-cert-%lld", (long long)rc->cert_id);

    xmlNodePtr head = html_el(box, "div", NULL);
    html_attr(head, "class", "rollover-head");
    snprintf(href, sizeof href, "/certificates/%lld", (long long)rc->cert_id);
    html_link(head, href, rc->common_name[0] ? rc->common_name : "(no common name)");
    if (newest && on_gateway->n_ids > 1)
        html_attr(html_el(head, "span", "newest"), "class", "badge ok");
    html_attr(html_el(head, "code", rc->cert_hash), "class", "hash");
    format_date(rc->not_after, date, sizeof date);
    format_time(rc->added_at_ms / 1000, added, sizeof added);
    html_attr(html_elf(head, "span", "added to the gateway %s · expires %s", added, date), "class",
              "hint");
    if (rc->not_after < (int64_t)c->now)
        html_attr(html_el(head, "span", "expired"), "class", "badge expired");

    xmlNodePtr meter = html_el(box, "div", NULL);
    html_attr(meter, "class", "meter");
    if (rc->n_phones == 0) {
        html_el(meter, "span", "No phone's config includes this gateway yet.");
    } else {
        char id[48];
        snprintf(id, sizeof id, "readiness-%lld", (long long)rc->cert_id);
        xmlNodePtr bar = html_elf(meter, "progress", "%zu of %zu", current, rc->n_phones);
        html_attr(bar, "id", id);
        html_attrf(bar, "max", "%zu", rc->n_phones);
        html_attrf(bar, "value", "%zu", current);
        xmlNodePtr label = html_elf(meter, "label", "%zu of %zu phone%s fetched this hash",
                                    current, rc->n_phones, rc->n_phones == 1 ? "" : "s");
        html_attr(label, "for", id);
        html_attr(label, "class", "readiness");
        if (current == rc->n_phones)
            html_attr(html_el(meter, "span", "ready"), "class", "badge ok");
    }

    if (current < rc->n_phones) {
        static const char *const heads[] = { "Phone still without this hash",
                                             "Last config fetch (UTC)" };
        xmlNodePtr tbody = list_table(box, "list compact missing", NULL, heads, 2);
        size_t shown = 0;
        for (size_t i = 0; i < rc->n_phones; i++) {
            const struct rollover_phone *ph = &rc->phones[i];
            if (ph->current)
                continue;
            if (shown++ == UCPROV_WEB_ROLLOVER_SHOWN) {
                html_elf(html_el(tbody, "tr", NULL), "td", "... and %zu more",
                         rc->n_phones - current - UCPROV_WEB_ROLLOVER_SHOWN);
                break;
            }
            xmlNodePtr tr = html_el(tbody, "tr", NULL);
            xmlNodePtr td = html_el(tr, "td", NULL);
            int64_t phone_id;
            if (service_lookup_name(c->sv, ENT_PHONE, ph->name, &phone_id) == 0) {
                snprintf(href, sizeof href, "/phones/%lld", (long long)phone_id);
                html_link(td, href, ph->name);
            } else {
                html_text(td, ph->name);
            }
            char when[40] = "never";
            if (ph->last_fetch_ms > 0)
                format_time(ph->last_fetch_ms / 1000, when, sizeof when);
            html_el(tr, "td", when);
        }
    }

    /* Removing posts the gateway's list without this one, through the same save
     * as the form above: the rollover check and its Save Anyway apply. */
    if (on_gateway->n_ids > 1) {
        char action[64], csv[MAX_IDS * 20];
        int64_t rest[MAX_IDS];
        size_t n = 0;
        for (size_t i = 0; i < on_gateway->n_ids && n < MAX_IDS; i++)
            if (on_gateway->ids[i] != rc->cert_id)
                rest[n++] = on_gateway->ids[i];
        format_ids(rest, n, csv, sizeof csv);
        snprintf(action, sizeof action, "/vpn-gateways/%lld", (long long)gateway_id);
        xmlNodePtr f = post_form(c, box, action);
        html_attr(f, "class", "inline");
        html_hidden(f, "certificates", csv);
        html_hidden(f, "_done", "removed");
        xmlNodePtr b = html_button(f, NULL, NULL, "Remove from this Gateway", "danger small");
        html_attrf(b, "data-confirm", "Remove %s from this gateway? Phones will no longer get its "
                   "hash.", rc->common_name);
    }
}

static void rollover_panel(struct ctx *c, xmlNodePtr content, int64_t gateway_id,
                           const struct record *gateway)
{
    struct rollover_cert *certs = NULL;
    size_t n = 0;
    struct problem p = { 0 };
    xmlNodePtr panel = html_el(content, "section", NULL);
    html_attr(panel, "class", "rollover");
    html_attr(panel, "id", "rollover");
    html_el(panel, "h2", "Certificate Rollover");
    if (service_gateway_rollover(c->sv, gateway_id, &certs, &n, &p) != 0) {
        banner(panel, "error", p.detail[0] ? p.detail : "readiness could not be read");
        return;
    }
    const struct value *on_gateway =
        &gateway->v[entity_field_index(entity_get(ENT_VPN_GATEWAY), "certificates")];
    size_t newest = 0;
    for (size_t i = 1; i < n; i++)
        if (certs[i].added_at_ms > certs[newest].added_at_ms)
            newest = i;
    bool two = n > 1;
    bool ready = two && certs[newest].n_phones > 0 &&
                 phones_current(&certs[newest]) == certs[newest].n_phones;

    html_attr(html_el(panel, "p", "Renewing the ASA's certificate without stranding phones: "
                      "a phone trusts the ASA only if the new certificate's hash was in a config "
                      "it fetched while inside the network."), "class", "hint");
    xmlNodePtr ol = html_el(panel, "ol", NULL);
    html_attr(ol, "class", "steps");
    rollover_step(ol, two ? STEP_DONE : STEP_TODO, "Add the new certificate beside the old one",
                  "Upload the renewed ASA certificate into Phone-VPN-trust (Certificate "
                  "Management), move it into the certificates in this location above, and "
                  "Save. Keep the old one for now.");
    rollover_step(ol, ready ? STEP_DONE : STEP_TODO, "Watch readiness",
                  "Reset the phones so that each fetches a config with both hashes; the bars "
                  "below count the phones that fetched their config since each certificate "
                  "was added.");
    rollover_step(ol, STEP_UNKNOWN, "Switch the ASA to the new certificate",
                  "On the ASA: ssl trust-point with the new trustpoint on the outside interface. "
                  "Then test one phone with Check Gateways as a Phone Would on its page.");
    rollover_step(ol, STEP_TODO, "Remove the old certificate",
                  "Use Remove from this Gateway below. If phones still lack the new hash, you "
                  "are asked before anything changes.");

    html_el(panel, "h3", "Readiness by Certificate");
    if (n == 0)
        html_el(panel, "p", "This gateway has no certificates.");
    for (size_t i = 0; i < n; i++)
        rollover_cert_block(c, panel, gateway_id, &certs[i], i == newest, on_gateway);
    rollover_free(certs, n);
}

/* ------------------------------------------------------------ diagnostics */

static void diagnostics_page(struct ctx *c)
{
    struct problem p = { 0 };
    const char *arg = http_req_query(c->req, "expiry_days");
    int64_t days = UCPROV_EXPIRY_WARN_DAYS;
    if (arg != NULL && *arg != '\0' && (!parse_int(arg, &days) || days < 0 || days > 3650))
        problem_field(&p, "expiry_days", "Expiry window must be a whole number of days from "
                      "0 to 3650.");
    struct diagnostic *diags = NULL;
    size_t n = 0;
    if (p.status == 0 && service_diagnostics(c->sv, (int)days, &diags, &n, &p) != 0)
        n = 0;

    xmlNodePtr content;
    xmlDocPtr doc = page_begin(c, "Diagnostics", "/diagnostics", &content);
    if (doc == NULL) {
        free(diags);
        send_text(c, 500, "out of memory");
        return;
    }
    html_el(content, "h1", "Diagnostics");
    html_attr(html_el(content, "p", "What would keep phones from connecting: certificates "
                      "expired or expiring, gateways left without a valid certificate, Host ID "
                      "Check that cannot pass, VPN on models without the VPN client."),
              "class", "hint");
    form_problem_banner(content, &p);
    xmlNodePtr f = html_el(content, "form", NULL);
    html_attr(f, "method", "get");
    html_attr(f, "action", "/diagnostics");
    html_attr(f, "novalidate", "novalidate");
    xmlNodePtr fs = html_el(f, "fieldset", NULL);
    char value[24];
    snprintf(value, sizeof value, "%lld", (long long)days);
    xmlNodePtr in = input_row(fs, "expiry_days", "Expiry Window",
                              p.status && arg ? arg : value,
                              "days; certificates expiring sooner are flagged (default 30)", &p);
    html_attr(in, "inputmode", "numeric");
    html_attr(in, "class", "short");
    html_button(fs, NULL, NULL, "Check", "primary");

    if (p.status == 0) {
        size_t errors = 0;
        for (size_t i = 0; i < n; i++)
            errors += diags[i].severity == DIAG_ERROR;
        if (n == 0)
            banner(content, "ok", "Nothing needs attention.");
        else
            html_attr(html_elf(content, "p", "%zu error%s, %zu warning%s", errors,
                               errors == 1 ? "" : "s", n - errors, n - errors == 1 ? "" : "s"),
                      "class", "count");
    }
    if (n > 0) {
        static const char *const heads[] = { "Severity", "Object", "Problem", "Fix" };
        xmlNodePtr tbody = list_table(content, "list", "diagnostics", heads,
                                       sizeof heads / sizeof heads[0]);
        /* Errors first: they stop phones now; warnings will later. */
        for (int pass = 0; pass < 2; pass++) {
            for (size_t i = 0; i < n; i++) {
                const struct diagnostic *d = &diags[i];
                if ((d->severity == DIAG_ERROR) != (pass == 0))
                    continue;
                const struct entity_def *e = entity_get(d->kind);
                xmlNodePtr tr = html_el(tbody, "tr", NULL);
                html_attr(html_el(html_el(tr, "td", NULL), "span",
                                  d->severity == DIAG_ERROR ? "error" : "warning"),
                          "class", d->severity == DIAG_ERROR ? "badge expired" : "badge soon");
                xmlNodePtr td = html_el(tr, "td", NULL);
                char href[96];
                if (object_href(e->collection, d->id, href, sizeof href))
                    html_link(td, href, d->name[0] ? d->name : e->label);
                else
                    html_text(td, d->name);
                html_attr(html_el(td, "div", e->label), "class", "hint");
                html_el(tr, "td", d->message);
                html_el(tr, "td", d->fix);
            }
        }
    }
    free(diags);
    send_page(c, p.status ? p.status : 200, doc);
}

/* ------------------------------------------------------------ audit log */

/* "2026-11-27", "2026-11-27 10:00" or "2026-11-27T10:00:00", UTC, as ms. */
static bool parse_since(const char *text, int64_t *ms)
{
    static const char *const formats[] = { "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S",
                                           "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d" };
    while (isspace((unsigned char)*text))
        text++;
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        struct tm tm = { 0 };
        const char *end = strptime(text, formats[i], &tm);
        if (end == NULL)
            continue;
        while (isspace((unsigned char)*end) || *end == 'Z')
            end++;
        if (*end != '\0')
            continue;
        *ms = (int64_t)timegm(&tm) * 1000;
        return true;
    }
    return false;
}

/* A JSON value as the audit page shows it: strings bare, the rest compact;
 * NULL for an absent value. */
static char *json_text(const json_t *v)
{
    if (v == NULL)
        return NULL;
    if (json_is_string(v))
        return strdup(json_string_value(v));
    return json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
}

static void diff_row(xmlNodePtr tbody, const struct entity_def *e, const char *key,
                     const json_t *before, const json_t *after)
{
    int idx = e ? entity_field_index(e, key) : -1;
    xmlNodePtr tr = html_el(tbody, "tr", NULL);
    xmlNodePtr th = html_el(tr, "th", idx >= 0 ? e->fields[idx].label : key);
    html_attr(th, "title", key);
    char *b = json_text(before), *a = json_text(after);
    html_attr(html_el(tr, "td", b ? b : "—"), "class", b ? "before" : "before none");
    html_attr(html_el(tr, "td", a ? a : "—"), "class", a ? "after" : "after none");
    free(b);
    free(a);
}

/* The fields that changed between two JSON objects as the API shows them
 * (secrets are already *_set booleans there). */
static void audit_diff(xmlNodePtr td, const struct audit_entry *entry)
{
    json_t *before = entry->before ? json_loads(entry->before, 0, NULL) : NULL;
    json_t *after = entry->after ? json_loads(entry->after, 0, NULL) : NULL;
    if (before != NULL && !json_is_object(before)) {
        json_decref(before);
        before = NULL;
    }
    if (after != NULL && !json_is_object(after)) {
        json_decref(after);
        after = NULL;
    }
    const struct entity_def *e = entity_by_collection(entry->collection);
    xmlNodePtr table = html_el(td, "table", NULL);
    html_attr(table, "class", "diff");
    xmlNodePtr tbody = html_el(table, "tbody", NULL);
    const char *key;
    json_t *v;
    json_object_foreach(after, key, v) {
        json_t *old = json_object_get(before, key);
        if (strcmp(key, "id") == 0 || (old != NULL && json_equal(old, v)))
            continue;
        diff_row(tbody, e, key, old, v);
    }
    json_object_foreach(before, key, v) {
        if (strcmp(key, "id") != 0 && json_object_get(after, key) == NULL)
            diff_row(tbody, e, key, v, NULL);
    }
    if (tbody->children == NULL) {
        xmlUnlinkNode(table);
        xmlFreeNode(table);
        html_attr(html_el(td, "span", "no field changed"), "class", "hint");
    }
    json_decref(before);
    json_decref(after);
}

static void audit_page(struct ctx *c)
{
    struct problem p = { 0 };
    const char *coll = http_req_query(c->req, "collection");
    const char *id_arg = http_req_query(c->req, "id");
    const char *since_arg = http_req_query(c->req, "since");
    int64_t object_id = 0, since_ms = 0, limit = UCPROV_WEB_AUDIT_DEFAULT;
    if (coll != NULL && *coll == '\0')
        coll = NULL;
    if (id_arg != NULL && *id_arg != '\0' && (!parse_int(id_arg, &object_id) || object_id < 1))
        problem_field(&p, "id", "Object ID must be a positive whole number.");
    if (since_arg != NULL && *since_arg != '\0' && !parse_since(since_arg, &since_ms))
        problem_field(&p, "since", "Since must be a UTC date, YYYY-MM-DD or YYYY-MM-DD HH:MM.");
    if (!parse_int(http_req_query(c->req, "limit"), &limit) || limit < 1 ||
        limit > UCPROV_LIST_MAX_LIMIT)
        limit = UCPROV_WEB_AUDIT_DEFAULT;
    /* The store takes any collection name; only offer and accept the real ones. */
    static const char *const extra[] = { "admins", "api-tokens" };
    bool known = coll == NULL || entity_by_collection(coll) != NULL;
    for (size_t i = 0; coll && i < sizeof extra / sizeof extra[0]; i++)
        known = known || strcmp(coll, extra[i]) == 0;
    if (!known)
        problem_field(&p, "collection", "Choose a collection from the list.");

    struct audit_entry *items = NULL;
    size_t n = 0;
    if (p.status == 0 && service_audit_query(c->sv, coll, object_id, since_ms, limit, &items, &n,
                                             &p) != 0)
        n = 0;

    xmlNodePtr content;
    xmlDocPtr doc = page_begin(c, "Audit Log", "/audit-log", &content);
    if (doc == NULL) {
        audit_entries_free(items, n);
        send_text(c, 500, "out of memory");
        return;
    }
    html_el(content, "h1", "Audit Log");
    html_attr(html_el(content, "p", "Every change made over the web, the REST API or the CLI, "
                      "newest first, with the fields it changed. Secrets show only whether "
                      "they are set."), "class", "hint");
    form_problem_banner(content, &p);

    xmlNodePtr f = html_el(content, "form", NULL);
    html_attr(f, "method", "get");
    html_attr(f, "action", "/audit-log");
    html_attr(f, "novalidate", "novalidate");
    xmlNodePtr fs = html_el(f, "fieldset", NULL);
    html_el(fs, "legend", "Filter");
    const char *coll_error = error_for(&p, "collection");
    xmlNodePtr row = row_div(fs, coll_error, "collection");
    html_attr(html_el(row, "label", "Collection"), "for", "f-collection");
    xmlNodePtr control = html_el(row, "div", NULL);
    xmlNodePtr sel = html_el(control, "select", NULL);
    html_attr(sel, "id", "f-collection");
    html_attr(sel, "name", "collection");
    add_option(sel, "", "< All >", coll == NULL);
    for (size_t k = 0; k < ENT_COUNT; k++) {
        const struct entity_def *e = entity_get((enum entity_kind)k);
        add_option(sel, e->collection, e->label, coll && strcmp(coll, e->collection) == 0);
    }
    for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++)
        add_option(sel, extra[i], extra[i], coll && strcmp(coll, extra[i]) == 0);
    field_error(control, coll_error, NULL);
    xmlNodePtr in = input_row(fs, "id", "Object ID", id_arg, NULL, &p);
    html_attr(in, "inputmode", "numeric");
    html_attr(in, "class", "short");
    in = input_row(fs, "since", "Since (UTC)", since_arg, "YYYY-MM-DD or YYYY-MM-DD HH:MM", &p);
    html_attr(in, "placeholder", "YYYY-MM-DD");
    xmlNodePtr actions = html_el(fs, "div", NULL);
    html_attr(actions, "class", "actions");
    html_button(actions, NULL, NULL, "Find", "primary");
    if (coll || id_arg || since_arg)
        html_attr(html_link(actions, "/audit-log", "Clear Filter"), "class", "button");

    if (p.status == 0)
        html_attr(html_elf(content, "p", "%zu change%s%s", n, n == 1 ? "" : "s",
                           (int64_t)n == limit ? " (the newest; narrow the filter for older ones)"
                                               : ""), "class", "count");
    if (n > 0) {
        static const char *const heads[] = { "Time (UTC)", "Actor", "Action", "Object",
                                             "Changes" };
        xmlNodePtr tbody = list_table(content, "list", "audit", heads,
                                       sizeof heads / sizeof heads[0]);
        for (size_t i = 0; i < n; i++) {
            const struct audit_entry *a = &items[i];
            char when[40], href[160];
            format_time(a->at_ms / 1000, when, sizeof when);
            xmlNodePtr tr = html_el(tbody, "tr", NULL);
            html_attr(html_el(tr, "td", when), "class", "nowrap");
            html_el(tr, "td", a->actor);
            html_attr(html_el(html_el(tr, "td", NULL), "span", a->action), "class",
                      strcmp(a->action, "delete") == 0 ? "badge expired"
                      : strcmp(a->action, "create") == 0 ? "badge ok" : "badge");
            xmlNodePtr td = html_el(tr, "td", NULL);
            const char *name = a->object_name[0] ? a->object_name : collection_label(a->collection);
            /* A deleted object has no page; its history is still here. */
            if (strcmp(a->action, "delete") != 0 &&
                object_href(a->collection, a->object_id, href, sizeof href))
                html_link(td, href, name);
            else
                html_text(td, name);
            xmlNodePtr what = html_el(td, "div", collection_label(a->collection));
            html_attr(what, "class", "hint");
            if (object_id == 0 && a->object_id > 0) {
                char enc[120];
                url_encode(a->collection, enc, sizeof enc);
                snprintf(href, sizeof href, "/audit-log?collection=%s&id=%lld", enc,
                         (long long)a->object_id);
                html_text(what, " · ");
                html_link(what, href, "history");
            }
            audit_diff(html_el(tr, "td", NULL), a);
        }
    }
    audit_entries_free(items, n);
    send_page(c, p.status ? p.status : 200, doc);
}

/* ------------------------------------------------------------ phone log diagnosis */

static void phonelog_page(struct ctx *c, const struct form_field *text_field,
                          const struct problem *p, const char *analysed, size_t len,
                          const char *source)
{
    xmlNodePtr content;
    xmlDocPtr doc = page_begin(c, "Phone Log Diagnosis", "/phone-log", &content);
    if (doc == NULL) {
        send_text(c, 500, "out of memory");
        return;
    }
    html_el(content, "h1", "Phone Log Diagnosis");
    html_attr(html_el(content, "p", "Paste an IP phone's console log or problem-report text "
                      "(88xx, 78xx) to find the VPN failures ucprov knows: EC ciphers, DTLS, "
                      "DNS, Auto Network Detect, a certificate hash missing from the config."),
              "class", "hint");
    if (p != NULL)
        form_problem_banner(content, p);

    xmlNodePtr f = post_form(c, content, "/phone-log");
    html_attr(f, "enctype", "multipart/form-data");
    xmlNodePtr fs = html_el(f, "fieldset", NULL);
    html_el(fs, "legend", "Phone Log");
    const char *error = error_for(p, "log");
    xmlNodePtr row = row_div(fs, error, "log");
    html_attr(html_el(row, "label", "Log Text"), "for", "f-log");
    xmlNodePtr control = html_el(row, "div", NULL);
    char *shown = text_field ? display_text(text_field->value, text_field->len) : NULL;
    xmlNodePtr area = html_el(control, "textarea", shown);
    free(shown);
    html_attr(area, "id", "f-log");
    html_attr(area, "name", "log");
    html_attr(area, "rows", "12");
    html_attr(area, "spellcheck", "false");
    html_attr(area, "placeholder", "4154 ERR 14:12:01.480 VPNC: -ssl_state_cb: ...");
    field_error(control, error, "log");
    row = row_div(fs, NULL, NULL);
    html_attr(html_el(row, "label", "or Upload a File"), "for", "f-file");
    control = html_el(row, "div", NULL);
    xmlNodePtr in = html_el(control, "input", NULL);
    html_attr(in, "type", "file");
    html_attr(in, "id", "f-file");
    html_attr(in, "name", "file");
    html_attr(in, "accept", ".log,.txt,text/plain");
    html_attr(html_el(control, "p", "a file wins over pasted text; up to 1 MiB"), "class", "hint");
    html_button(f, NULL, NULL, "Diagnose", "primary");

    if (analysed != NULL) {
        struct phonelog_finding found[PHONELOG_PROBLEM_COUNT];
        size_t n = phonelog_diagnose(analysed, len, found, PHONELOG_PROBLEM_COUNT);
        size_t lines = 0;
        for (size_t i = 0; i < len; i++)
            lines += analysed[i] == '\n';
        if (len > 0 && analysed[len - 1] != '\n')
            lines++;
        xmlNodePtr results = html_el(content, "section", NULL);
        html_attr(results, "id", "findings");
        html_el(results, "h2", "Findings");
        char *src = display_text(source, strlen(source));
        html_attr(html_elf(results, "p", "%zu problem%s recognised in %zu line%s of %s", n,
                           n == 1 ? "" : "s", lines, lines == 1 ? "" : "s", src ? src : ""),
                  "class", "count");
        free(src);
        if (n == 0)
            banner(results, "ok", "No known VPN problem in this log.");
        for (size_t i = 0; i < n; i++) {
            xmlNodePtr box = html_el(results, "div", NULL);
            html_attr(box, "class", "finding");
            html_attrf(box, "id", "finding-%s", found[i].id);
            html_el(box, "h3", found[i].title);
            xmlNodePtr fix = html_el(box, "p", NULL);
            html_attr(fix, "class", "fix");
            html_el(fix, "strong", "Fix: ");
            html_text(fix, found[i].fix);
            static const char *const heads[] = { "Line", "Evidence" };
            xmlNodePtr tbody = list_table(box, "list compact evidence", NULL, heads, 2);
            for (size_t k = 0; k < found[i].n_lines; k++) {
                xmlNodePtr tr = html_el(tbody, "tr", NULL);
                html_attr(html_elf(tr, "td", "%zu", found[i].lines[k]), "class", "num");
                char *line = line_of(analysed, len, found[i].lines[k]);
                html_attr(html_el(html_el(tr, "td", NULL), "code", line ? line : ""), "class",
                          "logline");
                free(line);
            }
        }
    }
    send_page(c, p && p->status ? p->status : 200, doc);
}

static void phonelog_post(struct ctx *c)
{
    const struct form_field *file = form_field(&c->form, "file");
    const struct form_field *text = form_field(&c->form, "log");
    struct problem p = { 0 };
    if (file != NULL && file->len > 0) {
        char source[300];
        snprintf(source, sizeof source, "the file %s",
                 file->filename && *file->filename ? file->filename : "uploaded");
        phonelog_page(c, text, &p, file->value, file->len, source);
        return;
    }
    if (text == NULL || text->len == 0) {
        problem_field(&p, "log", "Paste a log or choose a file.");
        phonelog_page(c, text, &p, NULL, 0, NULL);
        return;
    }
    phonelog_page(c, text, &p, text->value, text->len, "the pasted text");
}

/* ------------------------------------------------------------ ASA configuration */

static void asa_page(struct ctx *c, int64_t group_id)
{
    struct record group;
    struct problem p = { 0 };
    if (service_get(c->sv, ENT_VPN_GROUP, group_id, &group, &p) != 0) {
        problem_page(c, &p);
        return;
    }
    /* Like the REST twin: absent fields take the lab's defaults, boxes are off. */
    static const struct {
        const char *name, *label, *def, *hint;
    } fields[] = {
        { "pool", "Address Pool", UCPROV_ASA_DEFAULT_POOL, "FIRST-LAST: the phones' tunnel addresses" },
        { "mask", "Pool Mask", UCPROV_ASA_DEFAULT_MASK, NULL },
        { "outside", "Outside Interface", UCPROV_ASA_DEFAULT_OUTSIDE, "the nameif the phones connect to" },
        { "trustpoint", "Identity Trustpoint", UCPROV_ASA_DEFAULT_TRUSTPOINT,
          "the trustpoint of the certificate whose hash the phones hold" },
    };
    const char *values[4];
    for (size_t i = 0; i < 4; i++) {
        const char *v = http_req_query(c->req, fields[i].name);
        values[i] = v != NULL ? v : fields[i].def;
    }
    struct asa_request ar = {
        .pool = values[0], .mask = values[1], .outside = values[2], .trustpoint = values[3],
        .ciphers = form_value_on(http_req_query(c->req, "ciphers")),
        .dtls_test = form_value_on(http_req_query(c->req, "dtls_test")),
    };
    char *text = NULL;
    int rc = service_asa_config(c->sv, group_id, &ar, &text, &p);

    char title[160], back[64], action[64];
    snprintf(title, sizeof title, "ASA Configuration: %s", record_text(&group, "name"));
    record_free(&group);
    xmlNodePtr content;
    xmlDocPtr doc = page_begin(c, "ASA Configuration", "/vpn-groups", &content);
    if (doc == NULL) {
        free(text);
        send_text(c, 500, "out of memory");
        return;
    }
    html_el(content, "h1", title);
    xmlNodePtr bar = html_el(content, "div", NULL);
    html_attr(bar, "class", "toolbar");
    snprintf(back, sizeof back, "/vpn-groups/%lld", (long long)group_id);
    html_attr(html_link(bar, back, "Back to VPN Group"), "class", "button");
    html_attr(html_el(content, "p", "Paste-ready configuration for the ASA these phones connect "
                      "to: the address pool, group policy, tunnel group with each gateway's "
                      "group-url, and the trustpoints for the phones' own certificates."),
              "class", "hint");
    form_problem_banner(content, &p);

    snprintf(action, sizeof action, "/vpn-groups/%lld/asa-config", (long long)group_id);
    xmlNodePtr f = html_el(content, "form", NULL);
    html_attr(f, "method", "get");
    html_attr(f, "action", action);
    html_attr(f, "novalidate", "novalidate");
    xmlNodePtr fs = html_el(f, "fieldset", NULL);
    html_el(fs, "legend", "ASA Settings");
    for (size_t i = 0; i < 4; i++)
        input_row(fs, fields[i].name, fields[i].label, values[i], fields[i].hint, &p);
    checkbox_row(fs, "ciphers", "Cipher Advice", ar.ciphers,
                 "ssl cipher lists without elliptic-curve ciphers, for the TLS versions the "
                 "phones speak");
    checkbox_row(fs, "dtls_test", "DTLS Test", ar.dtls_test,
                 "anyconnect ssl dtls none in the group policy, to rule DTLS out");
    html_button(fs, NULL, NULL, "Generate", "primary");

    if (rc == 0) {
        html_el(content, "h2", "Configuration");
        xmlNodePtr tools = html_el(content, "div", NULL);
        html_attr(tools, "class", "copybar");
        /* ucprov.js shows and wires the button; without script, select the text. */
        xmlNodePtr copy = html_el(tools, "button", "Copy to Clipboard");
        html_attr(copy, "type", "button");
        html_attr(copy, "data-copy", "asa-config");
        html_attr(copy, "hidden", "hidden");
        html_attr(html_el(tools, "span", NULL), "class", "copy-status");
        xmlNodePtr pre = html_el(content, "pre", text);
        html_attr(pre, "class", "config");
        html_attr(pre, "id", "asa-config");
    }
    free(text);
    send_page(c, rc == 0 ? 200 : p.status, doc);
}

/* ------------------------------------------------------------ check gateways */

static const struct {
    const char *verdict, *label, *badge, *fix;
} verdicts[] = {
    { "ok", "trusted", "badge ok", "The phone would connect and trust this gateway." },
    { "unreachable", "unreachable", "badge expired",
      "No TLS connection: check the URL, DNS, and that the ASA listens on this port." },
    { "hash_not_in_config", "hash not in config", "badge expired",
      "The ASA presents a certificate whose hash is not in this phone's file: add that "
      "certificate to the gateway (or switch the ASA back), then reset the phone." },
    { "host_id_mismatch", "host ID mismatch", "badge expired",
      "Host ID Check is on and the URL's host is neither the certificate's CN nor a SAN: "
      "use the certificate's name in the URL, or turn the check off in the VPN profile." },
};

static void verify_post(struct ctx *c, int64_t phone_id)
{
    struct record rec;
    struct problem p = { 0 };
    if (service_get(c->sv, ENT_PHONE, phone_id, &rec, &p) != 0) {
        problem_page(c, &p);
        return;
    }
    char device[16], title[96], action[96], back[64];
    snprintf(device, sizeof device, "%s", record_text(&rec, "name"));
    record_free(&rec);
    struct gateway_probe *probes = NULL;
    size_t n = 0;
    int rc = service_verify_gateways(c->sv, device, &probes, &n, &p);

    xmlNodePtr content;
    xmlDocPtr doc = page_begin(c, "Check Gateways", "/phones", &content);
    if (doc == NULL) {
        free(probes);
        send_text(c, 500, "out of memory");
        return;
    }
    snprintf(title, sizeof title, "Check Gateways as %s Would", device);
    html_el(content, "h1", title);
    xmlNodePtr bar = html_el(content, "div", NULL);
    html_attr(bar, "class", "toolbar");
    snprintf(action, sizeof action, "/phones/%lld/verify-gateways", (long long)phone_id);
    html_button(post_form(c, bar, action), NULL, NULL, "Check Again", "primary");
    snprintf(back, sizeof back, "/phones/%lld", (long long)phone_id);
    html_attr(html_link(bar, back, "Back to Phone"), "class", "button");
    if (rc != 0) {
        problem_banner(content, &p, NULL);
        free(probes);
        send_page(c, p.status ? p.status : 500, doc);
        return;
    }
    size_t failing = 0;
    for (size_t i = 0; i < n; i++)
        failing += strcmp(gateway_probe_verdict(&probes[i]), "ok") != 0;
    if (failing == 0)
        banner(content, "ok", "Every gateway in this phone's config would be trusted.");
    else
        banner(content, "error", failing == n ? "The phone could connect to none of its gateways."
                                              : "Some gateways would fail for this phone.");

    static const char *const heads[] = { "Gateway URL", "Connection", "Presented Certificate",
                                         "Hash in Config", "Host ID Check", "Verdict" };
    xmlNodePtr tbody = list_table(content, "list", "probes", heads,
                                   sizeof heads / sizeof heads[0]);
    for (size_t i = 0; i < n; i++) {
        const struct gateway_probe *g = &probes[i];
        xmlNodePtr tr = html_el(tbody, "tr", NULL);
        html_el(html_el(tr, "td", NULL), "code", g->url);
        xmlNodePtr td = html_el(tr, "td", NULL);
        if (g->connected) {
            html_attr(html_el(td, "span", "connected"), "class", "badge ok");
            html_attr(html_elf(td, "div", "%s, %s", g->tls_version, g->cipher), "class", "hint");
        } else {
            html_attr(html_el(td, "span", "error"), "class", "badge expired");
            html_attr(html_el(td, "div", g->error), "class", "hint");
        }
        td = html_el(tr, "td", NULL);
        if (g->connected) {
            html_el(td, "div", g->presented_cn[0] ? g->presented_cn : "(no common name)");
            html_attr(html_el(td, "code", g->presented_hash), "class", "hash");
        } else {
            html_text(td, "—");
        }
        td = html_el(tr, "td", g->connected ? (g->hash_in_config ? "yes" : "no") : "—");
        if (g->connected)
            html_attr(td, "class", g->hash_in_config ? "yes" : "no");
        td = html_el(tr, "td", NULL);
        if (!g->connected) {
            html_text(td, "—");
        } else {
            const char *word = g->host_id_ok ? "pass" : g->wildcard ? "wildcard" : "fail";
            html_attr(html_el(td, "span", word), "class",
                      g->host_id_ok ? "badge ok" : "badge soon");
            if (!g->host_id_required)
                html_attr(html_el(td, "div", "not checked: Host ID Check is off"), "class",
                          "hint");
        }
        const char *verdict = gateway_probe_verdict(g);
        td = html_el(tr, "td", NULL);
        for (size_t k = 0; k < sizeof verdicts / sizeof verdicts[0]; k++) {
            if (strcmp(verdicts[k].verdict, verdict) != 0)
                continue;
            html_attr(html_el(td, "span", verdicts[k].label), "class", verdicts[k].badge);
            html_attr(html_el(td, "div", verdicts[k].fix), "class", "hint");
            verdict = NULL;
            break;
        }
        if (verdict != NULL)
            html_el(td, "span", verdict);
    }
    free(probes);
    send_page(c, 200, doc);
}

/* ------------------------------------------------------------ login */

static void login_page(struct ctx *c, int status, const char *error, const char *next)
{
    /* Keep the token a browser already holds: a second login tab, or a favicon
     * request that ended here, must not void the form on screen. */
    char token[SESSION_TOKEN_LEN + 1];
    const char *held = http_req_cookie(c->req, LOGIN_COOKIE);
    bool reuse = held != NULL && strlen(held) == SESSION_TOKEN_LEN &&
                 strspn(held, "0123456789abcdef") == SESSION_TOKEN_LEN;
    if (reuse) {
        memcpy(token, held, sizeof token);
    } else if (!session_random_token(token)) {
        send_text(c, 500, "no randomness available");
        return;
    }
    set_cookie(c, LOGIN_COOKIE, token, false);
    xmlNodePtr content;
    xmlDocPtr doc = page_begin(c, "Log In", NULL, &content);
    if (doc == NULL) {
        send_text(c, 500, "out of memory");
        return;
    }
    xmlNodePtr box = html_el(content, "div", NULL);
    html_attr(box, "class", "login");
    html_el(box, "h1", "ucprov Administration");
    if (error != NULL)
        banner(box, "error", error);
    xmlNodePtr f = html_el(box, "form", NULL);
    html_attr(f, "method", "post");
    html_attr(f, "action", "/login");
    html_hidden(f, CSRF_FIELD, token);
    if (next != NULL && safe_next(next))
        html_hidden(f, "next", next);
    static const struct { const char *name, *label, *type, *autocomplete; } rows[] = {
        { "user", "User Name", "text", "username" },
        { "password", "Password", "password", "current-password" },
    };
    for (size_t i = 0; i < 2; i++) {
        xmlNodePtr row = html_el(f, "div", NULL);
        html_attr(row, "class", "row");
        char id[32];
        snprintf(id, sizeof id, "f-%s", rows[i].name);
        html_attr(html_el(row, "label", rows[i].label), "for", id);
        xmlNodePtr in = text_input(row, rows[i].type, id, rows[i].name, "");
        html_attr(in, "autocomplete", rows[i].autocomplete);
        if (i == 0)
            html_attr(in, "autofocus", "autofocus");
    }
    html_button(f, NULL, NULL, "Log In", "primary");
    send_page(c, status, doc);
}

static void login_post(struct ctx *c)
{
    const char *next = form_get(&c->form, "next");
    const char *user = form_get(&c->form, "user");
    const char *password = form_get(&c->form, "password");
    if (!session_token_equal(http_req_cookie(c->req, LOGIN_COOKIE),
                             form_get(&c->form, CSRF_FIELD))) {
        login_page(c, 403, "The login form had expired. Please log in again.", next);
        return;
    }
    if (user == NULL || password == NULL || *user == '\0') {
        login_page(c, 400, "Enter your user name and password.", next);
        return;
    }
    char who[72];
    loggable(user, who, sizeof who);
    long wait = login_wait(c->pg->sessions, c->req->peer, user, c->now);
    if (wait > 0) {
        char msg[160], retry[24];
        snprintf(msg, sizeof msg, "Too many failed logins. Try again in %ld second%s.", wait,
                 wait == 1 ? "" : "s");
        snprintf(retry, sizeof retry, "%ld", wait);
        http_resp_add_header(c->resp, "Retry-After", retry);
        log_warn("web login for '%s' from %s refused: locked for %lds", who, c->req->peer, wait);
        login_page(c, 429, msg, next);
        return;
    }
    struct actor actor;
    if (!service_auth_password(c->sv, user, password, &actor)) {
        login_failed(c->pg->sessions, c->req->peer, user, c->now);
        log_warn("web login failed for '%s' from %s", who, c->req->peer);
        login_page(c, 403, "Invalid user name or password.", next);
        return;
    }
    login_succeeded(c->pg->sessions, c->req->peer, user, c->now);
    char id[SESSION_TOKEN_LEN + 1];
    if (!session_start(c->pg->sessions, &actor, c->now, id)) {
        send_text(c, 500, "no randomness available");
        return;
    }
    set_cookie(c, SESSION_COOKIE, id, false);
    set_cookie(c, LOGIN_COOKIE, "", true);
    log_info("web login: %s from %s", actor.name, c->req->peer);
    redirect(c, "%s", next != NULL && safe_next(next) ? next : "/");
}

static void logout(struct ctx *c)
{
    session_end(c->pg->sessions, http_req_cookie(c->req, SESSION_COOKIE));
    set_cookie(c, SESSION_COOKIE, "", true);
    log_info("web logout: %s", c->s.who.name);
    redirect(c, "/login");
}

/* ------------------------------------------------------------ static files */

static void static_file(struct ctx *c, const char *name)
{
    for (size_t i = 0; i < sizeof static_files / sizeof static_files[0]; i++) {
        if (strcmp(static_files[i].name, name) != 0)
            continue;
        for (const struct embedded_file *f = embedded_files; f->name; f++) {
            if (strcmp(f->name, name) != 0)
                continue;
            char *body = malloc(f->len ? f->len : 1);
            if (body == NULL) {
                send_text(c, 500, "out of memory");
                return;
            }
            memcpy(body, f->data, f->len);
            http_resp_set(c->resp, 200, static_files[i].type, body, f->len);
            return;
        }
    }
    send_text(c, 404, "no such file");
}

/* ------------------------------------------------------------ routing */

/* What the variable segments of a route's pattern matched. */
struct match {
    const struct kind_page *k;   /* {list} or {single}: the collection named */
    int64_t id;                  /* {id} */
    const char *file;            /* {static}: an entry of static_files */
};

typedef void (*page_handler)(struct ctx *c, const struct match *m);

static void do_login_get(struct ctx *c, const struct match *m)
{
    (void)m;
    /* Public, so no session was looked up: a logged-in admin goes home. */
    if (session_find(c->pg->sessions, http_req_cookie(c->req, SESSION_COOKIE), c->now, &c->s)) {
        redirect(c, "/");
        return;
    }
    memset(&c->s, 0, sizeof c->s);
    login_page(c, 200, NULL, http_req_query(c->req, "next"));
}

static void do_login_post(struct ctx *c, const struct match *m)
{
    (void)m;
    login_post(c);
}

static void do_static(struct ctx *c, const struct match *m) { static_file(c, m->file); }
static void do_home(struct ctx *c, const struct match *m) { (void)m; home_page(c); }
static void do_logout(struct ctx *c, const struct match *m) { (void)m; logout(c); }
static void do_go_home(struct ctx *c, const struct match *m) { (void)m; redirect(c, "/"); }
static void do_diagnostics(struct ctx *c, const struct match *m) { (void)m; diagnostics_page(c); }
static void do_audit(struct ctx *c, const struct match *m) { (void)m; audit_page(c); }
static void do_certs(struct ctx *c, const struct match *m) { (void)m; certs_page(c, NULL, NULL); }
static void do_cert_upload(struct ctx *c, const struct match *m) { (void)m; cert_upload(c); }
static void do_cert(struct ctx *c, const struct match *m) { cert_page(c, m->id, NULL); }
static void do_cert_post(struct ctx *c, const struct match *m) { cert_post(c, m->id); }
static void do_cert_pem(struct ctx *c, const struct match *m) { cert_pem(c, m->id); }
static void do_list(struct ctx *c, const struct match *m) { list_page(c, m->k); }
static void do_new_post(struct ctx *c, const struct match *m) { object_post(c, m->k, 0); }
static void do_object_post(struct ctx *c, const struct match *m) { object_post(c, m->k, m->id); }
static void do_single(struct ctx *c, const struct match *m) { object_page(c, m->k, 1, NULL, NULL, 200); }
static void do_single_post(struct ctx *c, const struct match *m) { object_post(c, m->k, 1); }
static void do_verify(struct ctx *c, const struct match *m) { verify_post(c, m->id); }
static void do_asa(struct ctx *c, const struct match *m) { asa_page(c, m->id); }

static void do_phonelog(struct ctx *c, const struct match *m)
{
    (void)m;
    phonelog_page(c, NULL, NULL, NULL, 0, NULL);
}

static void do_phonelog_post(struct ctx *c, const struct match *m)
{
    (void)m;
    phonelog_post(c);
}

static void do_new(struct ctx *c, const struct match *m)
{
    int64_t copy_of = 0;
    if (!parse_int(http_req_query(c->req, "copy"), &copy_of))
        copy_of = 0;
    new_page(c, m->k, copy_of, NULL, NULL);
}

static void do_object(struct ctx *c, const struct match *m)
{
    object_page(c, m->k, m->id, NULL, NULL, 200);
}

/* Every page, in the order they are tried; the first whose pattern and method
 * match answers.  Segments: a literal, {id} (a positive number), {list} (a
 * collection with Find and List), {single} (a settings page), {static} (a file
 * of static_files).  GET also answers HEAD.  Public routes are answered without
 * a session; every other one needs a session, and a POST its CSRF token.
 * pages_each_route() walks this same table, so the authorisation test covers
 * whatever is added here. */
static const struct page_route {
    const char *method, *pattern;
    bool public;
    page_handler handler;
} routes[] = {
    { "GET", "/login", true, do_login_get },
    { "POST", "/login", true, do_login_post },
    { "GET", "/static/{static}", true, do_static },
    { "GET", "/", false, do_home },
    { "POST", "/logout", false, do_logout },
    { "GET", "/logout", false, do_go_home },
    { "GET", "/diagnostics", false, do_diagnostics },
    { "GET", "/audit-log", false, do_audit },
    { "GET", "/phone-log", false, do_phonelog },
    { "POST", "/phone-log", false, do_phonelog_post },
    { "GET", "/certificates", false, do_certs },
    { "POST", "/certificates", false, do_cert_upload },
    { "GET", "/certificates/{id}", false, do_cert },
    { "POST", "/certificates/{id}", false, do_cert_post },
    { "GET", "/certificates/{id}/pem", false, do_cert_pem },
    { "POST", "/phones/{id}/verify-gateways", false, do_verify },
    { "GET", "/vpn-groups/{id}/asa-config", false, do_asa },
    { "GET", "/{list}", false, do_list },
    { "GET", "/{list}/new", false, do_new },
    { "POST", "/{list}/new", false, do_new_post },
    { "GET", "/{list}/{id}", false, do_object },
    { "POST", "/{list}/{id}", false, do_object_post },
    { "GET", "/{single}", false, do_single },
    { "POST", "/{single}", false, do_single_post },
};

static bool method_matches(const char *route_method, const char *method)
{
    return strcmp(route_method, method) == 0 ||
           (strcmp(route_method, "GET") == 0 && strcmp(method, "HEAD") == 0);
}

static bool segment_is(const char *seg, size_t len, const char *word)
{
    return strlen(word) == len && memcmp(seg, word, len) == 0;
}

/* The kind page of a collection segment: singletons for {single}, the others for {list}. */
static const struct kind_page *collection_segment(const char *seg, size_t len, bool singleton)
{
    char name[64];
    if (len >= sizeof name)
        return NULL;
    memcpy(name, seg, len);
    name[len] = '\0';
    const struct entity_def *e = entity_by_collection(name);
    const struct kind_page *k = e ? kind_page_of(e->kind) : NULL;
    return k != NULL && e->singleton == singleton ? k : NULL;
}

static bool pattern_matches(const char *pattern, const char *path, struct match *m)
{
    memset(m, 0, sizeof *m);
    while (*pattern == '/' && *path == '/') {
        pattern++;
        path++;
        size_t plen = strcspn(pattern, "/"), len = strcspn(path, "/");
        if (segment_is(pattern, plen, "{id}")) {
            if (!parse_id(path, len, &m->id))
                return false;
        } else if (segment_is(pattern, plen, "{list}") || segment_is(pattern, plen, "{single}")) {
            m->k = collection_segment(path, len, pattern[1] == 's');
            if (m->k == NULL)
                return false;
        } else if (segment_is(pattern, plen, "{static}")) {
            for (size_t i = 0; i < sizeof static_files / sizeof static_files[0]; i++)
                if (segment_is(path, len, static_files[i].name))
                    m->file = static_files[i].name;
            if (m->file == NULL)
                return false;
        } else if (plen != len || memcmp(pattern, path, len) != 0) {
            return false;
        }
        pattern += plen;
        path += len;
    }
    return *pattern == '\0' && *path == '\0';
}

/* The route for method and path, or NULL; allow collects the methods the path
 * has (for a 405), public_path whether any of them is public. */
static const struct page_route *route_find(const char *method, const char *path,
                                           struct match *m, char *allow, size_t allow_len,
                                           bool *public_path)
{
    struct match tmp;
    if (allow_len > 0)
        allow[0] = '\0';
    *public_path = false;
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        if (!pattern_matches(routes[i].pattern, path, &tmp))
            continue;
        *public_path = *public_path || routes[i].public;
        if (method_matches(routes[i].method, method)) {
            *m = tmp;
            return &routes[i];
        }
        if (allow_len > 0 && strstr(allow, routes[i].method) == NULL) {
            size_t used = strlen(allow);
            snprintf(allow + used, allow_len - used, "%s%s", used ? ", " : "", routes[i].method);
        }
    }
    return NULL;
}

/* One sample path of a pattern: {id} as 1, a placeholder as word. */
static void sample_path(const char *pattern, const char *word, char *out, size_t len)
{
    size_t o = 0;
    out[0] = '\0';
    for (const char *p = pattern; *p && o + 1 < len;) {
        if (*p != '{') {
            out[o++] = *p++;
            out[o] = '\0';
            continue;
        }
        const char *close = strchr(p, '}');
        if (close == NULL)
            break;
        snprintf(out + o, len - o, "%s", strncmp(p, "{id}", 4) == 0 ? "1" : word);
        o = strlen(out);
        p = close + 1;
    }
}

void pages_each_route(void (*fn)(void *ctx, const char *method, const char *path), void *ctx)
{
    char path[256];
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        const struct page_route *r = &routes[i];
        if (strstr(r->pattern, "{static}") != NULL) {
            for (size_t s = 0; s < sizeof static_files / sizeof static_files[0]; s++) {
                sample_path(r->pattern, static_files[s].name, path, sizeof path);
                fn(ctx, r->method, path);
            }
        } else if (strstr(r->pattern, "{list}") != NULL || strstr(r->pattern, "{single}") != NULL) {
            bool singleton = strstr(r->pattern, "{single}") != NULL;
            for (size_t k = 0; k < sizeof kind_pages / sizeof kind_pages[0]; k++) {
                const struct entity_def *e = entity_get(kind_pages[k].kind);
                if (e->singleton != singleton)
                    continue;
                sample_path(r->pattern, e->collection, path, sizeof path);
                fn(ctx, r->method, path);
            }
        } else {
            sample_path(r->pattern, "", path, sizeof path);
            fn(ctx, r->method, path);
        }
    }
}

bool pages_route_public(const char *method, const char *path)
{
    struct match m;
    bool public_path;
    const struct page_route *r = route_find(method, path, &m, NULL, 0, &public_path);
    return r != NULL && r->public;
}

void pages_handle(struct pages *pg, const struct http_req *req, struct http_resp *resp)
{
    struct ctx c = { .pg = pg, .sv = pg->sv, .req = req, .resp = resp, .now = time(NULL) };
    http_resp_add_header(resp, "Content-Security-Policy", csp);
    http_resp_add_header(resp, "X-Frame-Options", "DENY");
    http_resp_add_header(resp, "Referrer-Policy", "same-origin");

    bool get = is_get(&c);
    if (!get && strcmp(req->method, "POST") != 0) {
        snprintf(resp->allow, sizeof resp->allow, "GET, HEAD, POST");
        send_text(&c, 405, "method not allowed");
        return;
    }
    if (strcmp(req->path, "/favicon.ico") == 0) {
        send_text(&c, 404, "no icon");
        return;
    }
    struct match m;
    bool public_path;
    char allow[sizeof resp->allow];
    const struct page_route *r = route_find(req->method, req->path, &m, allow, sizeof allow,
                                            &public_path);
    if (r == NULL && public_path) {
        snprintf(resp->allow, sizeof resp->allow, "%s", allow);
        send_text(&c, 405, "method not allowed");
        return;
    }
    if (r != NULL && r->public && get) {
        r->handler(&c, &m);
        return;
    }
    if (!get && form_parse(req->content_type, req->body, req->body_len, &c.form) != 0) {
        send_text(&c, 400, "the form could not be read");
        return;
    }
    if (r != NULL && r->public) {        /* the login form: its own token, no session */
        r->handler(&c, &m);
        form_free(&c.form);
        return;
    }
    if (!session_find(pg->sessions, http_req_cookie(req, SESSION_COOKIE), c.now, &c.s)) {
        memset(&c.s, 0, sizeof c.s);
        if (get) {
            char next[200];
            url_encode(req->path, next, sizeof next);
            redirect(&c, "/login?next=%s", next);
        } else {
            error_page(&c, 403, "Session Expired",
                       "Your session has ended; log in again and repeat the change.");
        }
        form_free(&c.form);
        return;
    }
    if (!get && !session_token_equal(c.s.csrf, form_get(&c.form, CSRF_FIELD))) {
        log_warn("web: %s %s from %s refused: missing or wrong CSRF token", req->method,
                 req->path, req->peer);
        error_page(&c, 403, "Forbidden",
                   "The form's security token is missing or wrong. Reload the page and try again.");
        form_free(&c.form);
        return;
    }
    if (r != NULL) {
        r->handler(&c, &m);
    } else if (allow[0] != '\0') {
        snprintf(resp->allow, sizeof resp->allow, "%s", allow);
        error_page(&c, 405, "Method Not Allowed", "This page does not take that request.");
    } else {
        error_page(&c, 404, "Not Found", "There is no such page.");
    }
    form_free(&c.form);
}

struct pages *pages_new(struct service *sv, bool tls, char *err, size_t errlen)
{
    const struct embedded_file *layout = NULL;
    for (const struct embedded_file *f = embedded_files; f->name; f++)
        if (strcmp(f->name, "layout.html") == 0)
            layout = f;
    if (layout == NULL) {
        snprintf(err, errlen, "the web page skeleton is missing from this build");
        return NULL;
    }
    struct pages *pg = calloc(1, sizeof *pg);
    if (pg == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    pg->sv = sv;
    pg->tls = tls;
    pg->sessions = sessions_new();
    pg->layout = html_skeleton_parse((const char *)layout->data, layout->len, err, errlen);
    if (pg->sessions == NULL || pg->layout == NULL) {
        if (pg->sessions == NULL)
            snprintf(err, errlen, "out of memory");
        pages_free(pg);
        return NULL;
    }
    return pg;
}

void pages_free(struct pages *pg)
{
    if (pg == NULL)
        return;
    sessions_free(pg->sessions);
    xmlFreeDoc(pg->layout);
    free(pg);
}
