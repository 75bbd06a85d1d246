/* page.h - what the page files of the web admin share; private to server/web/
 * (web.h is the room's public face).  One request travels as a struct ctx;
 * a page handler opens its page with page_open(), fills the content element
 * it returns, and answers with page_send().  Sections follow the files. */
#ifndef UCPROV_PAGE_H
#define UCPROV_PAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <libxml/tree.h>

#include "form.h"
#include "html.h"
#include "parse.h"
#include "session.h"
#include "web.h"

#define SESSION_COOKIE "ucprov_session"
#define CSRF_FIELD     "_csrf"
#define MAX_IDS        64      /* ids in one list box; limits are far lower */

struct pages {
    struct service *sv;
    struct brake *brake;     /* not owned: the admin port's */
    xmlDocPtr layout;
    bool tls;
};

/* A Find and List page and a Configuration page per object kind (objects.c). */
struct kind_page {
    enum entity_kind kind;
    const char *singular, *plural;     /* plural NULL: a settings page, no list */
    const char *columns[4];            /* Find and List columns, by field name */
};

/* What the variable segments of a route's pattern matched (routes.c). */
struct match {
    const struct kind_page *k;   /* {list} or {single}: the collection named */
    int64_t id;                  /* {id}; 1 for {single}, the one row of a settings table */
    const char *file;            /* {static}: a name static_file_name() gave */
};

/* One request on its way through the pages. */
struct ctx {
    struct pages *pg;
    struct service *sv;
    const struct http_req *req;
    struct http_resp *resp;
    struct session_info s;   /* zero when no one is logged in */
    struct form form;        /* the POST body */
    struct match m;
    time_t now;
    xmlDocPtr doc;           /* the page being built, between page_open and page_send */
};

typedef void page_fn(struct ctx *c);

/* The live session behind the request's cookie (session.c): false, and the
 * session ended, when there is none, it expired, or its admin's password
 * changed or the admin is gone since it began. */
bool page_session(struct pages *pg, const struct http_req *req, time_t now,
                  struct session_info *out);

/* ---- routes.c: the route table */
struct page_route {
    const char *method, *pattern;
    bool public;
    page_fn *handler;
};
/* The route for method and path, m filled from its pattern; NULL when none.
 * allow collects the methods the path has (for a 405), public_path whether any
 * of its routes is public. */
const struct page_route *route_find(const char *method, const char *path, struct match *m,
                                    char *allow, size_t allow_len, bool *public_path);

/* ---- frame.c: the layout, the banners, the answers */
/* The parsed skeleton every page is copied from (web/layout.html, compiled in). */
xmlDocPtr layout_load(char *err, size_t errlen);
/* The security headers every answer of the admin pages carries. */
void security_headers(struct http_resp *resp);
/* A copy of the layout with title, the nav link of section marked and h1 (when
 * not NULL) in place: returns the content element, or NULL once a 500 is sent. */
xmlNodePtr page_open(struct ctx *c, const char *title, const char *section, const char *h1);
/* Answer the page page_open() began. */
void page_send(struct ctx *c, int status);
void send_text(struct ctx *c, int status, const char *text);
void redirect(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void set_cookie(struct ctx *c, const char *name, const char *value, bool clear);
/* A status line; kind is ok, warn or error. */
void banner(xmlNodePtr parent, const char *kind, const char *text);
/* A refusal's detail and its errors that belong to no field of e's form. */
void problem_banner(xmlNodePtr parent, const struct problem *p, const struct entity_def *e);
/* The banner over a form whose fields carry their own errors; nothing when p is fine. */
void form_problem_banner(xmlNodePtr parent, const struct problem *p);
/* The banner after a redirect: ?done=CODE. */
void done_banner(struct ctx *c, xmlNodePtr content);
/* A POST form carrying the session's CSRF token. */
xmlNodePtr post_form(struct ctx *c, xmlNodePtr parent, const char *action);
/* A POST form that takes files: returns its fieldset, whose parent (the form)
 * takes the submit button. */
xmlNodePtr upload_fieldset(struct ctx *c, xmlNodePtr parent, const char *action,
                           const char *legend);
/* A GET form of filters or settings: returns its fieldset, with legend when not NULL. */
xmlNodePtr get_fieldset(xmlNodePtr parent, const char *action, const char *legend);
/* A div class=toolbar, and a link that looks like a button. */
xmlNodePtr toolbar(xmlNodePtr parent);
xmlNodePtr button_link(xmlNodePtr parent, const char *href, const char *text);
/* A whole page that says what went wrong. */
void error_page(struct ctx *c, int status, const char *title, const char *text);
void problem_page(struct ctx *c, const struct problem *p);
/* The static file c->m.file; static_file_name(i) lists them, NULL after the last. */
void static_file(struct ctx *c);
const char *static_file_name(size_t i);

/* ---- names.c: what objects are called */
struct name_map {
    size_t n;
    int64_t *ids;
    char **names;
    bool *eligible;      /* may be chosen in a list box (certificates: Phone-VPN-trust) */
};
/* Every object of one kind, as id and display name, for <select>s and cells. */
void names_load(struct service *sv, enum entity_kind kind, struct name_map *m);
const char *names_find(const struct name_map *m, int64_t id);
void names_free(struct name_map *m);
/* The phone model catalogue, at most max names. */
size_t models_load(struct service *sv, char names[][64], size_t max);
/* The text of a record's field, "" when it has none. */
const char *record_text(const struct record *r, const char *field);

/* ---- fields.c: form rows and controls */
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
/* One labelled row of a configuration form, for field i. */
void field_row(struct ctx *c, xmlNodePtr parent, const struct form_view *v, size_t i);
/* The error p holds for field, or NULL. */
const char *error_for(const struct problem *p, const char *field);
/* CUCM's words for an enum value's name. */
const char *enum_label(const char *name);

enum row_flags {
    ROW_ANCHOR = 1,     /* the row carries the name as its id: errors link there */
    ROW_BOXED = 2,      /* the control div has class "control" */
    ROW_REQUIRED = 4,   /* the label ends in a red star */
    ROW_NO_FOR = 8,     /* a span class=label, for a group of controls */
};
/* A row labelled for the control "f-NAME", marked invalid when error is set;
 * returns the empty control div. */
xmlNodePtr labelled_row(xmlNodePtr parent, const char *name, const char *label,
                        const char *error, unsigned flags);
/* The message under a control that refused its value; with a name, its id is NAME-error. */
void field_error(xmlNodePtr control, const char *error, const char *name);
/* A labelled text input of a form that is not an entity's: filters and generators. */
xmlNodePtr input_row(xmlNodePtr parent, const char *name, const char *label,
                     const char *value, const char *hint, const struct problem *p);
void checkbox_row(xmlNodePtr parent, const char *name, const char *label, bool on,
                  const char *hint, const struct problem *p);
/* A <select> with id and name; options of the trust stores, chosen (or the first) selected. */
xmlNodePtr select_el(xmlNodePtr parent, const char *id, const char *name);
void store_options(xmlNodePtr select, const char *chosen);
/* A <p class=hint> under a control. */
void hint(xmlNodePtr parent, const char *text);

/* ---- lines.c: call control's list fields (issue 12) */
void hostlist_control(struct ctx *c, xmlNodePtr control, const struct form_view *v, size_t i,
                      const char *id, const char *value);
void lines_control(struct ctx *c, xmlNodePtr control, const struct form_view *v, size_t i,
                   const char *id, const char *value);
/* The text box's hosts into v. */
void hostlist_patch(const char *text, struct value *v);
/* The posted line rows into patch's lines, when the form had them (errors to p). */
void lines_from_form(struct ctx *c, const struct form *form, struct record *patch,
                     struct problem *p);
/* A copy of a rendered file with each line's authPassword masked (free it);
 * NULL when out of memory. */
char *config_masked(const char *file);
/* The phones a directory number is on, under its form. */
void dn_devices(struct ctx *c, xmlNodePtr content, int64_t id);

/* ---- lists.c: Find and List */
struct list_params {
    bool contains;
    const char *q;
    int64_t page, rows;
};
/* The search and paging of the query string, with defaults. */
void list_params(struct ctx *c, struct list_params *lp);
struct list_query list_query_for(const struct list_params *lp);
/* "Find <what> where <field_label> [begins with|contains] [...]" */
void search_form(xmlNodePtr parent, const char *action, const char *what,
                 const char *field_label, const struct list_params *lp);
/* "N records found". */
void record_count(xmlNodePtr parent, int64_t total);
/* A table of class cls (and id) with the n headings; returns its tbody. */
xmlNodePtr list_table(xmlNodePtr parent, const char *cls, const char *id,
                      const char *const *heads, size_t n);
void pager(xmlNodePtr parent, const char *base, const struct list_params *lp, int64_t total);
page_fn list_page;

/* ---- objects.c: the configuration pages of the model's objects */
const struct kind_page *kind_page_of(enum entity_kind kind);
/* The n-th kind page, NULL after the last. */
const struct kind_page *kind_page_at(size_t n);
/* The page of an object named in a diagnostic or an audit entry; false when it
 * has none (deleted objects, the admins' own tables). */
bool object_href(const char *collection, int64_t id, char *href, size_t len);
/* The object kind/id into rec; false once its problem page (404) is sent. */
bool record_load(struct ctx *c, enum entity_kind kind, int64_t id, struct record *rec);
page_fn new_get, object_get, object_post;

/* ---- certs.c: certificate management */
page_fn certs_get, cert_upload, cert_get, cert_post, cert_pem;

/* ---- rollover.c: on a gateway's page, the safe order of a certificate renewal
 * and each certificate's readiness */
void rollover_panel(struct ctx *c, xmlNodePtr content, int64_t gateway_id,
                    const struct record *gateway);

/* ---- phones.c: the home page and a phone's file and fetches */
page_fn home_page;
void phone_details(struct ctx *c, xmlNodePtr content, int64_t id, const char *device);

/* ---- troubleshoot.c: diagnostics, phone logs, the ASA side, gateway checks */
page_fn diagnostics_page, phonelog_get, phonelog_post, asa_page, verify_post;

/* ---- trust.c: the trust list page; the home page's recovery key warning */
page_fn trust_get, trust_post;
void trust_warning(struct ctx *c, xmlNodePtr content);

/* ---- audit.c */
page_fn audit_page;

/* ---- login.c: logging in and out */
page_fn login_get, login_post, logout, logout_get;

#endif
