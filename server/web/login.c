/* login.c - logging in and out.  The login form carries a token of its own
 * (a cookie before any session exists, equal to the form's field, made and
 * checked by the service: an HMAC under a key of the site, spent by the one
 * login it opens on whichever node it is posted to), failed logins count
 * against the address and the name (brake.h), and a login's ?next= is
 * followed only when it stays on this site.  Sessions are the service's,
 * in the database: a logout ends one on every node.  Passwords never reach
 * a log line. */
#include <config.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "brake.h"
#include "log.h"
#include "page.h"

#define LOGIN_COOKIE "ucprov_login"     /* the login form's token, before any session */
#define DATABASE_DOWN "The database does not answer. Please try again in a moment."

static void login_page(struct ctx *c, int status, const char *error, const char *next);
static bool login_token(struct ctx *c, char token[SESSION_TOKEN_LEN + 1]);
static void login_form(xmlNodePtr box, const char *token, const char *next);
static bool login_locked(struct ctx *c, const char *user, const char *who, const char *next);
static bool safe_next(const char *next);
static void loggable(const char *in, char *out, size_t len);

static const struct { const char *name, *label, *type, *autocomplete; } login_rows[] = {
    { "user", "User Name", "text", "username" },
    { "password", "Password", "password", "current-password" },
};

/* Public, so no session was looked up: a logged-in admin goes home. */
void login_get(struct ctx *c)
{
    if (page_session(c->pg, c->req, c->now, &c->s)) {
        redirect(c, "/");
        return;
    }
    memset(&c->s, 0, sizeof c->s);
    login_page(c, 200, NULL, http_req_query(c->req, "next"));
}

void login_post(struct ctx *c)
{
    const char *next = form_get(&c->form, "next");
    const char *user = form_get(&c->form, "user");
    const char *password = form_get(&c->form, "password");
    const char *token = form_get(&c->form, CSRF_FIELD);
    int taken = session_token_equal(http_req_cookie(c->req, LOGIN_COOKIE), token)
                    ? service_login_token_take(c->sv, token, c->now) : 0;
    if (taken != 1) {
        login_page(c, taken < 0 ? 503 : 403, taken < 0 ? DATABASE_DOWN
                   : "The login form had expired. Please log in again.", next);
        return;
    }
    if (user == NULL || password == NULL || *user == '\0') {
        login_page(c, 400, "Enter your user name and password.", next);
        return;
    }
    char who[72];
    loggable(user, who, sizeof who);
    if (login_locked(c, user, who, next))
        return;
    struct actor actor;
    if (!service_auth_password(c->sv, user, password, &actor)) {
        brake_failed(c->pg->brake, c->req->peer, user, c->now);
        log_warn("web login failed for '%s' from %s", who, c->req->peer);
        login_page(c, 403, "Invalid user name or password.", next);
        return;
    }
    brake_succeeded(c->pg->brake, c->req->peer, user, c->now);
    char id[SESSION_TOKEN_LEN + 1];
    if (service_session_start(c->sv, &actor, c->now, id) != 0) {
        bool down = !service_database_up(c->sv);
        login_page(c, down ? 503 : 500, down ? DATABASE_DOWN
                   : "The session could not be started. Please try again.", next);
        return;
    }
    set_cookie(c, SESSION_COOKIE, id, false);
    set_cookie(c, LOGIN_COOKIE, "", true);
    log_info("web login: %s from %s", actor.name, c->req->peer);
    redirect(c, "%s", next != NULL && safe_next(next) ? next : "/");
}

/* Too many failures: even the right password waits; true when answered (429). */
static bool login_locked(struct ctx *c, const char *user, const char *who, const char *next)
{
    long wait = brake_wait(c->pg->brake, c->req->peer, user, c->now);
    if (wait <= 0)
        return false;
    char msg[160], retry[24];
    snprintf(msg, sizeof msg, "Too many failed logins. Try again in %ld second%s.", wait,
             wait == 1 ? "" : "s");
    snprintf(retry, sizeof retry, "%ld", wait);
    http_resp_add_header(c->resp, "Retry-After", retry);
    log_warn("web login for '%s' from %s refused: locked for %lds", who, c->req->peer, wait);
    login_page(c, 429, msg, next);
    return true;
}

void logout(struct ctx *c)
{
    service_session_end(c->sv, http_req_cookie(c->req, SESSION_COOKIE));
    set_cookie(c, SESSION_COOKIE, "", true);
    log_info("web logout: %s", c->s.who.name);
    redirect(c, "/login");
}

/* Logging out takes a POST with the session's token; a GET only goes home. */
void logout_get(struct ctx *c)
{
    redirect(c, "/");
}

/* ------------------------------------------------------------ the login page */

static void login_page(struct ctx *c, int status, const char *error, const char *next)
{
    char token[SESSION_TOKEN_LEN + 1];
    if (!login_token(c, token))
        return;
    set_cookie(c, LOGIN_COOKIE, token, false);
    xmlNodePtr content = page_open(c, "Log In", NULL, NULL);
    if (content == NULL)
        return;
    xmlNodePtr box = html_el(content, "div", NULL);
    html_attr(box, "class", "login");
    html_el(box, "h1", "ucprov Administration");
    if (error != NULL)
        banner(box, "error", error);
    login_form(box, token, next);
    page_send(c, status);
}

/* Keep the token a browser already holds: a second login tab, or a favicon
 * request that ended here, must not void the form on screen.  false once a
 * 500 is sent. */
static bool login_token(struct ctx *c, char token[SESSION_TOKEN_LEN + 1])
{
    const char *held = http_req_cookie(c->req, LOGIN_COOKIE);
    if (service_login_token_valid(c->sv, held, c->now)) {
        memcpy(token, held, SESSION_TOKEN_LEN + 1);
        return true;
    }
    if (service_login_token_new(c->sv, c->now, token) == 0)
        return true;
    send_text(c, 500, "no randomness available");
    return false;
}

static void login_form(xmlNodePtr box, const char *token, const char *next)
{
    xmlNodePtr f = html_el(box, "form", NULL);
    html_attr(f, "method", "post");
    html_attr(f, "action", "/login");
    html_hidden(f, CSRF_FIELD, token);
    if (next != NULL && safe_next(next))
        html_hidden(f, "next", next);
    for (size_t i = 0; i < sizeof login_rows / sizeof login_rows[0]; i++) {
        xmlNodePtr row = html_el(f, "div", NULL);
        html_attr(row, "class", "row");
        char id[32];
        snprintf(id, sizeof id, "f-%s", login_rows[i].name);
        html_attr(html_el(row, "label", login_rows[i].label), "for", id);
        xmlNodePtr in = html_input(row, login_rows[i].type, id, login_rows[i].name, "");
        html_attr(in, "autocomplete", login_rows[i].autocomplete);
        if (i == 0)
            html_attr(in, "autofocus", "autofocus");
    }
    html_button(f, NULL, NULL, "Log In", "primary");
}

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
