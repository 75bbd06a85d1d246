/* audit.c - the Audit Log page: every change made over the web, the REST API
 * or the CLI, newest first, filtered by collection, object and time, each
 * object by name and id, with the fields it changed (secrets only as whether
 * they are set, as the API shows them). */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "limits.h"
#include "page.h"

/* The filters of the query string, checked. */
struct audit_filter {
    const char *coll, *id_arg, *since_arg;   /* as given; coll NULL for all */
    int64_t object_id, since_ms, limit;
};

static void filter_read(struct ctx *c, struct audit_filter *af, struct problem *p);
static void filter_form(xmlNodePtr content, const struct audit_filter *af,
                        const struct problem *p);
/* The object name last looked up, for a run of entries about one object. */
struct name_memo {
    char collection[40];
    int64_t id;
    char name[256];
};

static const char *entry_name(struct service *sv, const struct audit_entry *a,
                              struct name_memo *memo);
static void audit_row(xmlNodePtr tbody, const struct audit_entry *a, const char *name,
                      int64_t object_id);
static const char *collection_label(const char *collection);
static void audit_diff(xmlNodePtr td, const struct audit_entry *entry);
static void diff_row(xmlNodePtr tbody, const struct entity_def *e, const char *key,
                     const json_t *before, const json_t *after);
static char *json_text(const json_t *v);

/* The store takes any collection name; only the real ones are offered and accepted. */
static const char *const extra_collections[] = { "admins", "api-tokens" };
#define N_EXTRA (sizeof extra_collections / sizeof extra_collections[0])

void audit_page(struct ctx *c)
{
    struct problem p = { 0 };
    struct audit_filter af;
    filter_read(c, &af, &p);
    struct audit_entry *items = NULL;
    size_t n = 0;
    if (p.status == 0 && service_audit_query(c->sv, af.coll, af.object_id, af.since_ms,
                                             af.limit, &items, &n, &p) != 0)
        n = 0;
    xmlNodePtr content = page_open(c, "Audit Log", "/audit-log", "Audit Log");
    if (content == NULL) {
        audit_entries_free(items, n);
        return;
    }
    hint(content, "Every change made over the web, the REST API or the CLI, newest first, with "
                  "the fields it changed. Secrets show only whether they are set.");
    form_problem_banner(content, &p);
    filter_form(content, &af, &p);
    if (p.status == 0)
        html_attr(html_elf(content, "p", "%zu change%s%s", n, n == 1 ? "" : "s",
                           (int64_t)n == af.limit
                           ? " (the newest; narrow the filter for older ones)" : ""),
                  "class", "count");
    if (n > 0) {
        static const char *const heads[] = { "Time (UTC)", "Actor", "Action", "Object",
                                             "Changes" };
        xmlNodePtr tbody = list_table(content, "list", "audit", heads,
                                      sizeof heads / sizeof heads[0]);
        struct name_memo memo = { "", 0, "" };
        for (size_t i = 0; i < n; i++)
            audit_row(tbody, &items[i], entry_name(c->sv, &items[i], &memo), af.object_id);
    }
    audit_entries_free(items, n);
    page_send(c, p.status ? p.status : 200);
}

static void filter_read(struct ctx *c, struct audit_filter *af, struct problem *p)
{
    af->coll = http_req_query(c->req, "collection");
    af->id_arg = http_req_query(c->req, "id");
    af->since_arg = http_req_query(c->req, "since");
    af->object_id = af->since_ms = 0;
    af->limit = UCPROV_WEB_AUDIT_DEFAULT;
    if (af->coll != NULL && *af->coll == '\0')
        af->coll = NULL;
    if (af->id_arg != NULL && *af->id_arg != '\0' &&
        (!parse_int(af->id_arg, &af->object_id) || af->object_id < 1))
        problem_field(p, "id", "Object ID must be a positive whole number.");
    if (af->since_arg != NULL && *af->since_arg != '\0' &&
        !parse_since(af->since_arg, &af->since_ms))
        problem_field(p, "since", "Since must be a UTC date, YYYY-MM-DD or YYYY-MM-DD HH:MM.");
    if (!parse_int(http_req_query(c->req, "limit"), &af->limit) || af->limit < 1 ||
        af->limit > UCPROV_LIST_MAX_LIMIT)
        af->limit = UCPROV_WEB_AUDIT_DEFAULT;
    bool known = af->coll == NULL || entity_by_collection(af->coll) != NULL;
    for (size_t i = 0; af->coll && i < N_EXTRA; i++)
        known = known || strcmp(af->coll, extra_collections[i]) == 0;
    if (!known)
        problem_field(p, "collection", "Choose a collection from the list.");
}

static void filter_form(xmlNodePtr content, const struct audit_filter *af,
                        const struct problem *p)
{
    const char *coll = af->coll;
    xmlNodePtr fs = get_fieldset(content, "/audit-log", "Filter");
    const char *coll_error = error_for(p, "collection");
    xmlNodePtr control = labelled_row(fs, "collection", "Collection", coll_error, ROW_ANCHOR);
    xmlNodePtr sel = select_el(control, "f-collection", "collection");
    html_option(sel, "", "< All >", coll == NULL);
    for (size_t k = 0; k < ENT_COUNT; k++) {
        const struct entity_def *e = entity_get((enum entity_kind)k);
        html_option(sel, e->collection, e->label, coll && strcmp(coll, e->collection) == 0);
    }
    for (size_t i = 0; i < N_EXTRA; i++)
        html_option(sel, extra_collections[i], extra_collections[i],
                    coll && strcmp(coll, extra_collections[i]) == 0);
    field_error(control, coll_error, NULL);
    xmlNodePtr in = input_row(fs, "id", "Object ID", af->id_arg, NULL, p);
    html_attr(in, "inputmode", "numeric");
    html_attr(in, "class", "short");
    in = input_row(fs, "since", "Since (UTC)", af->since_arg, "YYYY-MM-DD or YYYY-MM-DD HH:MM", p);
    html_attr(in, "placeholder", "YYYY-MM-DD");
    xmlNodePtr actions = html_el(fs, "div", NULL);
    html_attr(actions, "class", "actions");
    html_button(actions, NULL, NULL, "Find", "primary");
    if (coll || af->id_arg || af->since_arg)
        button_link(actions, "/audit-log", "Clear Filter");
}

/* The entry's own object name; for an entry written without one, the
 * object's current name; NULL when neither is known. */
static const char *entry_name(struct service *sv, const struct audit_entry *a,
                              struct name_memo *memo)
{
    if (a->object_name[0] != '\0')
        return a->object_name;
    if (a->object_id <= 0)
        return NULL;
    if (memo->id != a->object_id || strcmp(memo->collection, a->collection) != 0) {
        snprintf(memo->collection, sizeof memo->collection, "%s", a->collection);
        memo->id = a->object_id;
        service_object_name(sv, a->collection, a->object_id, memo->name, sizeof memo->name);
    }
    return memo->name[0] != '\0' ? memo->name : NULL;
}

/* The object by name (or its kind) and id; object_id: the filter's; without
 * one, each row links to its object's history. */
static void audit_row(xmlNodePtr tbody, const struct audit_entry *a, const char *name,
                      int64_t object_id)
{
    char when[40], href[160];
    format_time(a->at_ms / 1000, when, sizeof when);
    xmlNodePtr tr = html_el(tbody, "tr", NULL);
    html_attr(html_el(tr, "td", when), "class", "nowrap");
    html_el(tr, "td", a->actor);
    html_attr(html_el(html_el(tr, "td", NULL), "span", a->action), "class",
              strcmp(a->action, "delete") == 0 ? "badge expired"
              : strcmp(a->action, "create") == 0 ? "badge ok" : "badge");
    xmlNodePtr td = html_el(tr, "td", NULL);
    if (name == NULL)
        name = collection_label(a->collection);
    /* A deleted object has no page; its history is still here. */
    if (strcmp(a->action, "delete") != 0 &&
        object_href(a->collection, a->object_id, href, sizeof href))
        html_link(td, href, name);
    else
        html_text(td, name);
    if (a->object_id > 0) {
        html_text(td, " ");
        html_attr(html_elf(td, "span", "#%lld", (long long)a->object_id), "class", "object-id");
    }
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

static const char *collection_label(const char *collection)
{
    const struct entity_def *e = entity_by_collection(collection);
    return e ? e->label : collection;
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

/* A JSON value as the page shows it: strings bare, the rest compact; NULL for
 * an absent value. */
static char *json_text(const json_t *v)
{
    if (v == NULL)
        return NULL;
    if (json_is_string(v))
        return strdup(json_string_value(v));
    return json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
}
