/* web.c - the web admin's way in: every admin-port request outside /api/
 * passes here.  The security headers, the route, then the gate every
 * non-public page shares (a live session; on a POST the session's CSRF
 * token), then the page's handler. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "page.h"

static void pages_release(struct pages *pg);
static bool refused_early(struct ctx *c, bool get, const struct page_route *r, bool public_path,
                          const char *allow);
static bool gate(struct ctx *c, bool get);
static bool same_origin(const struct http_req *req);
static void dispatch(struct ctx *c, const struct page_route *r, const char *allow);

/* Built on the stack, so that a failure has only the parts to undo. */
struct pages *pages_new(struct service *sv, bool tls, struct brake *brake, char *err,
                        size_t errlen)
{
    struct pages parts = { .sv = sv, .brake = brake, .tls = tls };
    parts.layout = layout_load(err, errlen);
    struct pages *pg = parts.layout ? malloc(sizeof *pg) : NULL;
    if (pg != NULL) {
        *pg = parts;
        return pg;
    }
    if (parts.layout != NULL)
        snprintf(err, errlen, "out of memory");   /* else layout_load said why */
    pages_release(&parts);
    return NULL;
}

void pages_free(struct pages *pg)
{
    if (pg != NULL)
        pages_release(pg);
    free(pg);
}

static void pages_release(struct pages *pg)
{
    xmlFreeDoc(pg->layout);
}

void pages_handle(struct pages *pg, const struct http_req *req, struct http_resp *resp)
{
    struct ctx c = { .pg = pg, .sv = pg->sv, .req = req, .resp = resp, .now = time(NULL) };
    bool get = strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0;
    security_headers(resp);
    bool public_path;
    char allow[sizeof resp->allow];
    const struct page_route *r = route_find(req->method, req->path, &c.m, allow, sizeof allow,
                                            &public_path);
    if (refused_early(&c, get, r, public_path, allow))
        return;
    if (r != NULL && r->public && get) {
        r->handler(&c);
        return;
    }
    if (!get && !same_origin(req)) {
        log_warn("web: %s %s from %s refused: Origin %s is not this site", req->method,
                 req->path, req->peer, http_req_header(req, "Origin"));
        error_page(&c, 403, "Forbidden", "This form was sent from another site.");
        xmlFreeDoc(c.doc);
        return;
    }
    if (!get && form_parse(req->content_type, req->body, req->body_len, &c.form) != 0) {
        send_text(&c, 400, "the form could not be read");
        return;
    }
    /* The login form has a token of its own and no session yet. */
    if ((r != NULL && r->public) || gate(&c, get))
        dispatch(&c, r, allow);
    form_free(&c.form);
    xmlFreeDoc(c.doc);   /* only when a handler forgot to send its page */
}

bool pages_admit(struct pages *pg, const struct http_req *req, struct http_resp *resp)
{
    if (strcmp(req->method, "POST") != 0)
        return true;
    struct ctx c = { .pg = pg, .sv = pg->sv, .req = req, .resp = resp, .now = time(NULL) };
    bool public_path;
    char allow[sizeof resp->allow];
    const struct page_route *r = route_find(req->method, req->path, &c.m, allow, sizeof allow,
                                            &public_path);
    if ((r != NULL && r->public) || page_session(pg, req, c.now, &c.s))
        return true;
    security_headers(resp);
    error_page(&c, 403, "Session Expired",
               "Your session has ended; log in again and repeat the change.");
    xmlFreeDoc(c.doc);
    return false;
}

/* Methods no page takes, the browser's icon, and a public path asked with the
 * wrong method are answered before any session or form is read. */
static bool refused_early(struct ctx *c, bool get, const struct page_route *r, bool public_path,
                          const char *allow)
{
    struct http_resp *resp = c->resp;
    if (!get && strcmp(c->req->method, "POST") != 0) {
        snprintf(resp->allow, sizeof resp->allow, "GET, HEAD, POST");
        send_text(c, 405, "method not allowed");
        return true;
    }
    if (strcmp(c->req->path, "/favicon.ico") == 0) {
        send_text(c, 404, "no icon");
        return true;
    }
    if (r == NULL && public_path) {
        snprintf(resp->allow, sizeof resp->allow, "%s", allow);
        send_text(c, 405, "method not allowed");
        return true;
    }
    return false;
}

/* A browser names the page a form came from in Origin: it must be this site
 * (scheme aside, host and port as the browser sent them in Host).  Clients
 * that send no Origin (scripts, old browsers) still face the CSRF token. */
static bool same_origin(const struct http_req *req)
{
    const char *origin = http_req_header(req, "Origin");
    if (origin == NULL)
        return true;
    const char *host = http_req_header(req, "Host");
    const char *sep = strstr(origin, "://");
    if (host == NULL || sep == NULL)
        return false;   /* "null": a sandboxed frame, a file, a redirect across sites */
    return strcasecmp(sep + 3, host) == 0;
}

/* What every page but the public ones checks first; false when it answered. */
static bool gate(struct ctx *c, bool get)
{
    if (!page_session(c->pg, c->req, c->now, &c->s)) {
        memset(&c->s, 0, sizeof c->s);
        if (get) {
            char next[200];
            url_encode(c->req->path, next, sizeof next);
            redirect(c, "/login?next=%s", next);
        } else {
            error_page(c, 403, "Session Expired",
                       "Your session has ended; log in again and repeat the change.");
        }
        return false;
    }
    if (!get && !session_token_equal(c->s.csrf, form_get(&c->form, CSRF_FIELD))) {
        log_warn("web: %s %s from %s refused: missing or wrong CSRF token", c->req->method,
                 c->req->path, c->req->peer);
        error_page(c, 403, "Forbidden",
                   "The form's security token is missing or wrong. Reload the page and try again.");
        return false;
    }
    return true;
}

/* The page, or a page that says there is none. */
static void dispatch(struct ctx *c, const struct page_route *r, const char *allow)
{
    if (r != NULL) {
        r->handler(c);
    } else if (allow[0] != '\0') {
        snprintf(c->resp->allow, sizeof c->resp->allow, "%s", allow);
        error_page(c, 405, "Method Not Allowed", "This page does not take that request.");
    } else {
        error_page(c, 404, "Not Found", "There is no such page.");
    }
}
