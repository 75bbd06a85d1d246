/* lists.c - CUCM's Find and List pages: a search by name, a count, a table of
 * the columns kind_pages names (the first links to the object), and a pager.
 * The search, count, table and pager serve the certificate list too. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "limits.h"
#include "page.h"

/* The columns of one Find and List table, with the names their ids refer to. */
struct columns {
    size_t n;
    int cols[4];                 /* field indexes */
    struct name_map refs[4];     /* loaded once per column of references */
};

static void columns_load(struct ctx *c, const struct kind_page *k, struct columns *cs);
static void list_rows(xmlNodePtr content, const struct entity_def *e, const struct columns *cs,
                      const struct record *items, size_t n);
static void cell_value(xmlNodePtr td, const struct field_def *f, const struct value *v,
                       const struct name_map *refs);
static void list_head(struct ctx *c, xmlNodePtr content, const struct kind_page *k,
                      const char *base, const struct list_params *lp, int64_t total);

void list_params(struct ctx *c, struct list_params *lp)
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

struct list_query list_query_for(const struct list_params *lp)
{
    struct list_query q = { MATCH_ANY, NULL, lp->rows, (lp->page - 1) * lp->rows };
    if (lp->q != NULL) {
        q.match = lp->contains ? MATCH_CONTAINS : MATCH_PREFIX;
        q.name = lp->q;
    }
    return q;
}

void search_form(xmlNodePtr parent, const char *action, const char *what,
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
    html_option(sel, "begins", "begins with", !lp->contains);
    html_option(sel, "contains", "contains", lp->contains);
    xmlNodePtr in = html_input(f, "text", "q", "q", lp->q ? lp->q : "");
    html_attr(in, "aria-label", "search text");
    html_button(f, NULL, NULL, "Find", "primary");
    if (lp->q != NULL)
        html_attr(html_link(f, action, "Clear Filter"), "class", "button");
}

/* Counting every page, not only this one. */
void record_count(xmlNodePtr parent, int64_t total)
{
    html_attr(html_elf(parent, "p", "%lld record%s found", (long long)total,
                       total == 1 ? "" : "s"), "class", "count");
}

xmlNodePtr list_table(xmlNodePtr parent, const char *cls, const char *id,
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

/* Previous and Next keep the search. */
void pager(xmlNodePtr parent, const char *base, const struct list_params *lp, int64_t total)
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

/* ------------------------------------------------------------ the page */

void list_page(struct ctx *c)
{
    const struct kind_page *k = c->m.k;
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
    xmlNodePtr content = page_open(c, title, base, title);
    if (content != NULL) {
        list_head(c, content, k, base, &lp, total);
        struct columns cs;
        columns_load(c, k, &cs);
        if (n > 0)
            list_rows(content, e, &cs, items, n);
        else
            html_el(content, "p", lp.q ? "Nothing matches the search." : "There are none yet; "
                    "use Add New to create the first one.");
        pager(content, base, &lp, total);
        for (size_t i = 0; i < cs.n; i++)
            names_free(&cs.refs[i]);
        page_send(c, 200);
    }
    for (size_t i = 0; i < n; i++)
        record_free(&items[i]);
    free(items);
}

/* Add New, the banner after a change, the search and the count. */
static void list_head(struct ctx *c, xmlNodePtr content, const struct kind_page *k,
                      const char *base, const struct list_params *lp, int64_t total)
{
    const struct entity_def *e = entity_get(k->kind);
    char href[128];
    snprintf(href, sizeof href, "/%s/new", e->collection);
    button_link(toolbar(content), href, "Add New");
    done_banner(c, content);
    int name_idx = entity_field_index(e, entity_name_field(e));
    search_form(content, base, k->plural, e->fields[name_idx].label, lp);
    record_count(content, total);
}

static void columns_load(struct ctx *c, const struct kind_page *k, struct columns *cs)
{
    const struct entity_def *e = entity_get(k->kind);
    memset(cs, 0, sizeof *cs);
    for (size_t i = 0; i < 4 && k->columns[i]; i++) {
        int idx = entity_field_index(e, k->columns[i]);
        if (idx < 0)
            continue;
        const struct field_def *f = &e->fields[idx];
        if (f->type == FT_REF || f->type == FT_REFLIST)
            names_load(c->sv, f->ref, &cs->refs[cs->n]);
        cs->cols[cs->n++] = idx;
    }
}

static void list_rows(xmlNodePtr content, const struct entity_def *e, const struct columns *cs,
                      const struct record *items, size_t n)
{
    const char *heads[4];
    for (size_t i = 0; i < cs->n; i++)
        heads[i] = e->fields[cs->cols[i]].label;
    xmlNodePtr tbody = list_table(content, "list", NULL, heads, cs->n);
    for (size_t r = 0; r < n; r++) {
        xmlNodePtr tr = html_el(tbody, "tr", NULL);
        for (size_t i = 0; i < cs->n; i++) {
            xmlNodePtr td = html_el(tr, "td", NULL);
            if (i == 0) {
                char href[128];
                snprintf(href, sizeof href, "/%s/%lld", e->collection, (long long)items[r].id);
                td = html_link(td, href, NULL);
            }
            cell_value(td, &e->fields[cs->cols[i]], &items[r].v[cs->cols[i]], &cs->refs[i]);
        }
    }
}

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
