/* objects.c - the Configuration page of each object, in CUCM's shape: Save,
 * Delete, Copy, Add New, the fields of its entity table, and what the page
 * adds for its kind (a gateway's rollover panel, a phone's file).  A POST is
 * a list-box move, Delete or Save; every change goes through the service,
 * whose field errors come back next to the fields. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "limits.h"
#include "page.h"

static void edit_page(struct ctx *c, const struct form_view *v, int status);
static void edit_toolbar(xmlNodePtr form, const struct form_view *v);
static void edit_status(struct ctx *c, xmlNodePtr form, const struct form_view *v);
static void new_page(struct ctx *c, const struct kind_page *k, int64_t copy_of,
                     const struct form *typed, const struct problem *p);
static void object_page(struct ctx *c, const struct kind_page *k, int64_t id,
                        const struct form *typed, const struct problem *p, int status);
static bool object_save(struct ctx *c, const struct kind_page *k, int64_t id, int64_t copy_of,
                        struct problem *p);
static void inherit_secrets(struct ctx *c, struct record *patch, int64_t copy_of);
static void form_to_patch(const struct form *form, struct record *patch, struct problem *p);
static void patch_value(const struct form *form, const struct field_def *f, struct value *v,
                        struct problem *p);
static void patch_ids(const char *text, const struct field_def *f, struct value *v,
                      struct problem *p);
static void apply_move(struct form *form, const char *move);
static void move_one(int64_t *ids, size_t *n, size_t i, const char *op);

static const struct kind_page kind_pages[] = {
    { ENT_VPN_PROFILE, "VPN Profile", "VPN Profiles",
      { "name", "description", "client_auth_method", "mtu" } },
    { ENT_VPN_GATEWAY, "VPN Gateway", "VPN Gateways",
      { "name", "description", "url", "certificates" } },
    { ENT_VPN_GROUP, "VPN Group", "VPN Groups", { "name", "description", "gateways", NULL } },
    { ENT_COMMON_PHONE_PROFILE, "Common Phone Profile", "Common Phone Profiles",
      { "name", "description", "vpn_group", "vpn_profile" } },
    { ENT_PHONE, "Phone", "Phones", { "name", "description", "model", "common_phone_profile" } },
    /* call control (issue 12) */
    { ENT_CALL_MANAGER, "Cisco Unified CM", "Cisco Unified CMs",
      { "name", "description", "host", "sip_port" } },
    { ENT_CALL_MANAGER_GROUP, "Cisco Unified CM Group", "Cisco Unified CM Groups",
      { "name", "description", "call_managers", NULL } },
    { ENT_DATE_TIME_GROUP, "Date/Time Group", "Date/Time Groups",
      { "name", "time_zone", "date_template", "ntp_servers" } },
    { ENT_DEVICE_POOL, "Device Pool", "Device Pools",
      { "name", "call_manager_group", "date_time_group", "user_locale" } },
    { ENT_SIP_PROFILE, "SIP Profile", "SIP Profiles",
      { "name", "description", "transport", "device_security_mode" } },
    { ENT_DIRECTORY_NUMBER, "Directory Number", "Directory Numbers",
      { "pattern", "description", "display_name", "auth_name" } },
    { ENT_PHONE_SECURITY_PROFILE, "Phone Security Profile", "Phone Security Profiles",
      { "name", "description", "device_security_mode", "encrypted_config" } },
    { ENT_VPN_FEATURE_CONFIGURATION, "VPN Feature Configuration", NULL, { NULL } },
    { ENT_SYSTEM_SETTINGS, "System Settings", NULL, { NULL } },
};

const struct kind_page *kind_page_at(size_t n)
{
    return n < sizeof kind_pages / sizeof kind_pages[0] ? &kind_pages[n] : NULL;
}

const struct kind_page *kind_page_of(enum entity_kind kind)
{
    for (size_t i = 0; i < sizeof kind_pages / sizeof kind_pages[0]; i++)
        if (kind_pages[i].kind == kind)
            return &kind_pages[i];
    return NULL;
}

bool object_href(const char *collection, int64_t id, char *href, size_t len)
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

bool record_load(struct ctx *c, enum entity_kind kind, int64_t id, struct record *rec)
{
    struct problem p = { 0 };
    if (service_get(c->sv, kind, id, rec, &p) == 0)
        return true;
    problem_page(c, &p);
    return false;
}

/* ------------------------------------------------------------ the pages */

static void edit_page(struct ctx *c, const struct form_view *v, int status)
{
    const struct entity_def *e = v->e;
    char title[96], section[96], action[96];
    snprintf(title, sizeof title, e->singleton ? "%s" : "%s Configuration", v->k->singular);
    snprintf(section, sizeof section, "/%s", e->collection);
    if (e->singleton)
        snprintf(action, sizeof action, "/%s", e->collection);
    else if (v->id)
        snprintf(action, sizeof action, "/%s/%lld", e->collection, (long long)v->id);
    else
        snprintf(action, sizeof action, "/%s/new", e->collection);
    xmlNodePtr content = page_open(c, title, section, title);
    if (content == NULL)
        return;
    xmlNodePtr form = post_form(c, content, action);
    edit_toolbar(form, v);
    edit_status(c, form, v);
    if (v->copy_of) {
        char num[24];
        snprintf(num, sizeof num, "%lld", (long long)v->copy_of);
        html_hidden(form, "_copy_of", num);
    }
    xmlNodePtr fs = html_el(form, "fieldset", NULL);
    html_elf(fs, "legend", "%s Information", v->k->singular);
    for (size_t i = 0; i < e->n_fields; i++)
        field_row(c, fs, v, i);
    if (e->kind == ENT_VPN_GATEWAY && v->id)
        rollover_panel(c, content, v->id, v->rec);
    if (e->kind == ENT_PHONE && v->id)
        phone_details(c, content, v->id, record_text(v->rec, "name"));
    if (e->kind == ENT_DIRECTORY_NUMBER && v->id)
        dn_devices(c, content, v->id);
    if (status == 0)
        status = v->p && v->p->status ? v->p->status : 200;
    page_send(c, status);
}

static void edit_toolbar(xmlNodePtr form, const struct form_view *v)
{
    const struct entity_def *e = v->e;
    char href[160];
    xmlNodePtr bar = toolbar(form);
    html_button(bar, "_action", "save", "Save", "primary");
    if (v->id && !e->singleton) {
        xmlNodePtr del = html_button(bar, "_action", "delete", "Delete", "danger");
        html_attrf(del, "data-confirm", "You are about to permanently delete this %s. "
                   "This action cannot be undone.", v->k->singular);
        snprintf(href, sizeof href, "/%s/new?copy=%lld", e->collection, (long long)v->id);
        button_link(bar, href, "Copy");
    }
    if (!e->singleton) {
        snprintf(href, sizeof href, "/%s/new", e->collection);
        button_link(bar, href, "Add New");
        snprintf(href, sizeof href, "/%s", e->collection);
        button_link(bar, href, "Back to Find/List");
    }
    if (e->kind == ENT_VPN_GROUP && v->id) {
        snprintf(href, sizeof href, "/vpn-groups/%lld/asa-config", (long long)v->id);
        button_link(bar, href, "ASA Configuration");
    }
    if (v->id || e->singleton) {
        if (e->singleton)
            snprintf(href, sizeof href, "/audit-log?collection=%s", e->collection);
        else
            snprintf(href, sizeof href, "/audit-log?collection=%s&id=%lld", e->collection,
                     (long long)v->id);
        button_link(bar, href, "Audit Log");
    }
    if (e->kind == ENT_VPN_GATEWAY && v->p && v->p->status == 409 &&
        error_for(v->p, "certificates") != NULL) {
        xmlNodePtr anyway = html_button(bar, "_confirm", "1", "Save Anyway", "danger");
        html_attr(anyway, "data-confirm", "Phones that have not fetched the new hash will fail "
                  "to connect once the ASA presents the new certificate. Save anyway?");
    }
}

/* The banner after a change, the refusal, or what a new form is. */
static void edit_status(struct ctx *c, xmlNodePtr form, const struct form_view *v)
{
    xmlNodePtr area = html_el(form, "div", NULL);
    bool fine = v->p == NULL || v->p->status == 0;
    if (fine)
        done_banner(c, area);
    else
        problem_banner(area, v->p, v->e);
    if (v->id == 0 && !v->e->singleton && fine)
        banner(area, "warn", v->copy_of ? "Status: Ready — a copy; Save to add it."
                                        : "Status: Ready — a new object; Save to add it.");
}

/* A form for a new object: defaults, or a copy of another object. */
static void new_page(struct ctx *c, const struct kind_page *k, int64_t copy_of,
                     const struct form *typed, const struct problem *p)
{
    const struct entity_def *e = entity_get(k->kind);
    struct record rec;
    struct problem gp = { 0 };
    if (copy_of && service_get(c->sv, k->kind, copy_of, &rec, &gp) == 0) {
        /* CUCM names a copy "Copy of ..."; a device name must be typed anew. */
        int idx = entity_field_index(e, entity_name_field(e));
        if (idx >= 0 && (e->fields[idx].type == FT_DEVICE_NAME || e->name_field != NULL)) {
            value_set_text(&rec.v[idx], "");
        } else if (idx >= 0) {
            char name[UCPROV_NAME_MAX + 1];
            snprintf(name, sizeof name, "Copy of %s", rec.v[idx].s ? rec.v[idx].s : "");
            value_set_text(&rec.v[idx], name);
        }
    } else if (copy_of) {
        problem_page(c, &gp);
        return;
    } else {
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
    if (!record_load(c, k->kind, id, &rec))
        return;
    struct form_view v = { k, entity_get(k->kind), &rec, typed, p, id, 0 };
    edit_page(c, &v, status);
    record_free(&rec);
}

void new_get(struct ctx *c)
{
    int64_t copy_of = 0;
    if (!parse_int(http_req_query(c->req, "copy"), &copy_of))
        copy_of = 0;
    new_page(c, c->m.k, copy_of, NULL, NULL);
}

void object_get(struct ctx *c)
{
    object_page(c, c->m.k, c->m.id, NULL, NULL, 200);
}

/* ------------------------------------------------------------ changes */

/* A list-box move shows the form again; Delete and Save go to the service and
 * redirect, or show the form with what was typed and why it was refused. */
void object_post(struct ctx *c)
{
    const struct kind_page *k = c->m.k;
    int64_t id = c->m.id;
    const struct entity_def *e = entity_get(k->kind);
    const char *move = form_get(&c->form, "_move");
    const char *action = form_get(&c->form, "_action");
    int64_t copy_of = 0;
    if (!parse_int(form_get(&c->form, "_copy_of"), &copy_of))
        copy_of = 0;
    struct problem p = { 0 };
    if (move != NULL) {
        apply_move(&c->form, move);   /* shown again with p empty: nothing is saved */
    } else if (action != NULL && strcmp(action, "delete") == 0 && id && !e->singleton) {
        if (service_delete(c->sv, &c->s.who, k->kind, id, &p) == 0)
            redirect(c, "/%s?done=deleted", e->collection);
        else
            object_page(c, k, id, NULL, &p, 0);
        return;
    } else if (object_save(c, k, id, copy_of, &p)) {
        return;
    }
    if (id || e->singleton)
        object_page(c, k, id, &c->form, &p, 0);
    else
        new_page(c, k, copy_of, &c->form, &p);
}

/* Create or update from the form; true when done (and redirected), else p says why not. */
static bool object_save(struct ctx *c, const struct kind_page *k, int64_t id, int64_t copy_of,
                        struct problem *p)
{
    const struct entity_def *e = entity_get(k->kind);
    struct record patch = { .kind = k->kind };
    form_to_patch(&c->form, &patch, p);
    lines_from_form(c, &c->form, &patch, p);
    if (p->status == 0 && id == 0 && !e->singleton) {
        inherit_secrets(c, &patch, copy_of);
        int64_t new_id = 0;
        if (service_create(c->sv, &c->s.who, &patch, &new_id, p) == 0) {
            record_free(&patch);
            redirect(c, "/%s/%lld?done=added", e->collection, (long long)new_id);
            return true;
        }
    } else if (p->status == 0) {
        /* Dropping a gateway certificate before the phones hold its successor's hash
         * strands them when the ASA switches: the service refuses it (409) unless the
         * admin pressed Save Anyway, as the REST API's ?confirm=true. */
        bool confirmed = form_get(&c->form, "_confirm") != NULL;
        if (service_update_guarded(c->sv, &c->s.who, k->kind, id, &patch, confirmed, p) == 0) {
            record_free(&patch);
            /* The rollover panel's Remove buttons say so in the banner. */
            const char *done = form_has_value(&c->form, "_done", "removed") ? "removed" : "saved";
            if (e->singleton)
                redirect(c, "/%s?done=%s", e->collection, done);
            else
                redirect(c, "/%s/%lld?done=%s", e->collection, (long long)id, done);
            return true;
        }
    }
    record_free(&patch);
    return false;
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

/* ------------------------------------------------------------ form -> record */

/* Turn the posted fields into a patch: fields absent from the form are left
 * unset (kept), unparseable ones become field errors. */
static void form_to_patch(const struct form *form, struct record *patch, struct problem *p)
{
    const struct entity_def *e = entity_get(patch->kind);
    for (size_t i = 0; i < e->n_fields; i++) {
        const struct field_def *f = &e->fields[i];
        char clear[80];
        snprintf(clear, sizeof clear, "%s__clear", f->name);
        if (f->type == FT_SECRET && form_get(form, clear) != NULL)
            value_set_text(&patch->v[i], "");
        else if (form_get(form, f->name) != NULL)
            patch_value(form, f, &patch->v[i], p);
    }
}

static void patch_value(const struct form *form, const struct field_def *f, struct value *v,
                        struct problem *p)
{
    const char *text = form_get(form, f->name);
    int64_t n;
    switch (f->type) {
    case FT_SECRET:
        if (*text != '\0')   /* empty: keep the one set */
            value_set_text(v, text);
        return;
    case FT_INT:
        if (parse_int(text, &n))
            value_set_int(v, n);
        else
            problem_field(p, f->name, "%s must be a whole number", f->label);
        return;
    case FT_BOOL:
        value_set_int(v, form_has_value(form, f->name, "1"));
        return;
    case FT_ENUM:
        if (enum_code(f->enums, text, &n))
            value_set_int(v, n);
        else
            problem_field(p, f->name, "%s has an unknown value", f->label);
        return;
    case FT_REF:
        if (*text == '\0')
            v->set = v->is_null = true;
        else if (parse_int(text, &n) && n > 0)
            value_set_int(v, n);
        else
            problem_field(p, f->name, "%s: choose one from the list", f->label);
        return;
    case FT_REFLIST:
        patch_ids(text, f, v, p);
        return;
    case FT_HOSTLIST:
        hostlist_patch(text, v);
        return;
    case FT_LINES:
        return;   /* lines_from_form(): a number is found by its pattern */
    default:
        value_set_text(v, text);
        return;
    }
}

static void patch_ids(const char *text, const struct field_def *f, struct value *v,
                      struct problem *p)
{
    int64_t ids[MAX_IDS];
    size_t count;
    if (!parse_ids(text, ids, MAX_IDS, &count)) {
        problem_field(p, f->name, "%s: the list is not valid", f->label);
        return;
    }
    v->ids = count ? malloc(count * sizeof *ids) : NULL;
    if (count && v->ids == NULL)
        return;
    if (count)
        memcpy(v->ids, ids, count * sizeof *ids);
    v->n_ids = count;
    v->set = true;
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
    bool add = strcmp(op, "add") == 0;
    snprintf(key, sizeof key, add ? "%s__avail" : "%s__sel", field);
    while ((text = form_next(form, key, &pos)) != NULL) {
        if (!parse_int(text, &id))
            continue;
        size_t i = 0;
        while (i < n && ids[i] != id)
            i++;
        if (add && i == n && n < MAX_IDS)
            ids[n++] = id;
        else if (!add && i < n)
            move_one(ids, &n, i, op);
    }
    char csv[MAX_IDS * 20];
    format_ids(ids, n, csv, sizeof csv);
    form_set(form, field, csv);
}

/* Remove ids[i] from the n, or swap it with its neighbour up or down. */
static void move_one(int64_t *ids, size_t *n, size_t i, const char *op)
{
    int64_t id = ids[i];
    if (strcmp(op, "remove") == 0) {
        memmove(&ids[i], &ids[i + 1], (*n - i - 1) * sizeof ids[0]);
        (*n)--;
    } else if (strcmp(op, "up") == 0 && i > 0) {
        ids[i] = ids[i - 1];
        ids[i - 1] = id;
    } else if (strcmp(op, "down") == 0 && i + 1 < *n) {
        ids[i] = ids[i + 1];
        ids[i + 1] = id;
    }
}
