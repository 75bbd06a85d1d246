/* frame.c - what every page shares: the layout (web/layout.html, compiled in)
 * copied per response with its title, navigation and user box; the banners;
 * the answers (a page, text, a redirect, a static file) and the headers that
 * keep a browser from running anything but our own script. */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlstring.h>

#include "embedded.h"
#include "page.h"

static const struct embedded_file *embedded_named(const char *name);
static xmlDocPtr page_begin(struct ctx *c, const char *title, const char *section,
                            xmlNodePtr *content);
static void user_box(struct ctx *c, xmlDocPtr doc, const char *section);
static void send_page(struct ctx *c, int status, xmlDocPtr doc);
static const char *done_message(const char *code);

static const struct { const char *name, *type; } static_files[] = {
    { "ucprov.css", "text/css; charset=utf-8" },
    { "ucprov.js", "text/javascript; charset=utf-8" },
};

static const struct { const char *name, *value; } headers[] = {
    { "Content-Security-Policy",
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
      "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'" },
    { "X-Frame-Options", "DENY" },
    { "Referrer-Policy", "same-origin" },
};

/* The banner after a redirect: ?done=CODE. */
static const struct { const char *code, *message; } done_messages[] = {
    { "added", "Add successful." },
    { "saved", "Update successful." },
    { "deleted", "Delete successful." },
    { "uploaded", "Certificate uploaded." },
    { "removed", "Certificate removed from this gateway." },
};

static const struct embedded_file *embedded_named(const char *name)
{
    for (const struct embedded_file *f = embedded_files; f->name; f++)
        if (strcmp(f->name, name) == 0)
            return f;
    return NULL;
}

xmlDocPtr layout_load(char *err, size_t errlen)
{
    const struct embedded_file *layout = embedded_named("layout.html");
    if (layout == NULL) {
        snprintf(err, errlen, "the web page skeleton is missing from this build");
        return NULL;
    }
    return html_skeleton_parse((const char *)layout->data, layout->len, err, errlen);
}

void security_headers(struct http_resp *resp)
{
    for (size_t i = 0; i < sizeof headers / sizeof headers[0]; i++)
        http_resp_add_header(resp, headers[i].name, headers[i].value);
}

/* ------------------------------------------------------------ answers */

void send_text(struct ctx *c, int status, const char *text)
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

void redirect(struct ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->resp->location, sizeof c->resp->location, fmt, ap);
    va_end(ap);
    http_resp_set(c->resp, 303, NULL, NULL, 0);
}

void set_cookie(struct ctx *c, const char *name, const char *value, bool clear)
{
    char header[256];
    snprintf(header, sizeof header, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s%s", name, value,
             c->pg->tls ? "; Secure" : "", clear ? "; Max-Age=0" : "");
    http_resp_add_header(c->resp, "Set-Cookie", header);
}

void static_file(struct ctx *c)
{
    const struct embedded_file *f = embedded_named(c->m.file);
    for (size_t i = 0; f != NULL && i < sizeof static_files / sizeof static_files[0]; i++) {
        if (strcmp(static_files[i].name, c->m.file) != 0)
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
    send_text(c, 404, "no such file");
}

const char *static_file_name(size_t i)
{
    return i < sizeof static_files / sizeof static_files[0] ? static_files[i].name : NULL;
}

/* ------------------------------------------------------------ the page */

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
    user_box(c, doc, section);
    return doc;
}

/* The nav link of this section marked, the user's name and the Log Out button. */
static void user_box(struct ctx *c, xmlDocPtr doc, const char *section)
{
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
}

xmlNodePtr page_open(struct ctx *c, const char *title, const char *section, const char *h1)
{
    xmlNodePtr content = NULL;
    c->doc = page_begin(c, title, section, &content);
    if (c->doc == NULL || content == NULL) {
        xmlFreeDoc(c->doc);
        c->doc = NULL;
        send_text(c, 500, "out of memory");
        return NULL;
    }
    if (h1 != NULL)
        html_el(content, "h1", h1);
    return content;
}

void page_send(struct ctx *c, int status)
{
    xmlDocPtr doc = c->doc;
    c->doc = NULL;
    send_page(c, status, doc);
}

void error_page(struct ctx *c, int status, const char *title, const char *text)
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

void problem_page(struct ctx *c, const struct problem *p)
{
    error_page(c, p->status ? p->status : 500, problem_title(p->status ? p->status : 500),
               p->detail[0] ? p->detail : "the request could not be completed");
}

/* ------------------------------------------------------------ banners and forms */

void banner(xmlNodePtr parent, const char *kind, const char *text)
{
    xmlNodePtr div = html_el(parent, "div", text);
    html_attrf(div, "class", "status %s", kind);
    html_attr(div, "role", strcmp(kind, "error") == 0 ? "alert" : "status");
}

/* Field errors are shown next to their fields; the rest (such as the objects
 * that still use what was to be deleted) are listed here. */
void problem_banner(xmlNodePtr parent, const struct problem *p, const struct entity_def *e)
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

void form_problem_banner(xmlNodePtr parent, const struct problem *p)
{
    if (p->status == 0)
        return;
    if (p->n_errors > 0)
        banner(parent, "error", "Please correct the fields marked below.");
    else
        banner(parent, "error", p->detail[0] ? p->detail : problem_title(p->status));
}

static const char *done_message(const char *code)
{
    for (size_t i = 0; code && i < sizeof done_messages / sizeof done_messages[0]; i++)
        if (strcmp(done_messages[i].code, code) == 0)
            return done_messages[i].message;
    return NULL;
}

void done_banner(struct ctx *c, xmlNodePtr content)
{
    const char *msg = done_message(http_req_query(c->req, "done"));
    if (msg != NULL)
        banner(content, "ok", msg);
}

xmlNodePtr post_form(struct ctx *c, xmlNodePtr parent, const char *action)
{
    xmlNodePtr f = html_el(parent, "form", NULL);
    html_attr(f, "method", "post");
    html_attr(f, "action", action);
    html_attr(f, "novalidate", "novalidate");
    html_hidden(f, CSRF_FIELD, c->s.csrf);
    return f;
}

xmlNodePtr upload_fieldset(struct ctx *c, xmlNodePtr parent, const char *action,
                           const char *legend)
{
    xmlNodePtr f = post_form(c, parent, action);
    html_attr(f, "enctype", "multipart/form-data");
    xmlNodePtr fs = html_el(f, "fieldset", NULL);
    html_el(fs, "legend", legend);
    return fs;
}

xmlNodePtr get_fieldset(xmlNodePtr parent, const char *action, const char *legend)
{
    xmlNodePtr f = html_el(parent, "form", NULL);
    html_attr(f, "method", "get");
    html_attr(f, "action", action);
    html_attr(f, "novalidate", "novalidate");
    xmlNodePtr fs = html_el(f, "fieldset", NULL);
    if (legend != NULL)
        html_el(fs, "legend", legend);
    return fs;
}

xmlNodePtr toolbar(xmlNodePtr parent)
{
    xmlNodePtr bar = html_el(parent, "div", NULL);
    html_attr(bar, "class", "toolbar");
    return bar;
}

xmlNodePtr button_link(xmlNodePtr parent, const char *href, const char *text)
{
    xmlNodePtr a = html_link(parent, href, text);
    html_attr(a, "class", "button");
    return a;
}
