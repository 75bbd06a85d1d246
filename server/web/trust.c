/* trust.c - the trust list page (CUCM's Certificate Management for the ITL):
 * what phones get in ITLFile.tlv, who signs it, the rotations, which phones
 * fetched the list now served, and the warning on the home page until the
 * ITLRecovery key has an offline copy.  No private key is ever shown. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "page.h"

#define READY_SHOWN 200   /* phones listed as not ready; the count covers all */

static void entries_table(struct ctx *c, xmlNodePtr content);
static void rotate_form(struct ctx *c, xmlNodePtr content);
static void readiness(struct ctx *c, xmlNodePtr content);
static void trust_page(struct ctx *c, const struct problem *p);
static void date_cell(xmlNodePtr tr, int64_t t, time_t now);

static void date_cell(xmlNodePtr tr, int64_t t, time_t now)
{
    char date[16] = "";
    time_t tt = (time_t)t;
    struct tm tm;
    if (gmtime_r(&tt, &tm) != NULL)
        strftime(date, sizeof date, "%Y-%m-%d", &tm);
    xmlNodePtr td = html_el(tr, "td", date);
    if (t < (int64_t)now)
        html_attr(html_el(td, "span", "expired"), "class", "badge expired");
    else if (t - (int64_t)now < 30 * 86400)
        html_attr(html_el(td, "span", "expires soon"), "class", "badge soon");
}

static void entries_table(struct ctx *c, xmlNodePtr content)
{
    static const char *const heads[] = { "Role", "Key", "Subject", "Serial", "Expires",
                                         "Signs the list" };
    struct trust_entry *e = NULL;
    size_t n = 0;
    struct problem p = { 0 };
    if (service_trust_list(c->sv, &e, &n, &p) != 0) {
        problem_banner(content, &p, NULL);
        return;
    }
    html_el(content, "h2", "ITLFile.tlv");
    xmlNodePtr tbody = list_table(content, "list", "trust-entries", heads, 6);
    for (size_t i = 0; i < n; i++) {
        xmlNodePtr tr = html_el(tbody, "tr", NULL);
        html_el(tr, "td", e[i].role);
        html_el(tr, "td", strcmp(e[i].key, "recovery") == 0 ? "ITLRecovery"
                          : strcmp(e[i].key, "sast") == 0 ? "SAST primary"
                          : strcmp(e[i].key, "tftp") == 0 ? "TFTP" : "trust store");
        html_el(tr, "td", e[i].subject);
        html_el(tr, "td", e[i].serial);
        date_cell(tr, e[i].not_after, c->now);
        html_el(tr, "td", e[i].signs_list ? "yes" : "");
    }
    trust_entries_free(e, n);
    hint(content, "ITLRecovery signs every trust list and stays; Rotate SAST replaces the "
                  "SAST primary, so each new list is signed by a key the previous one named. "
                  "Certificates in CallManager-trust and CAPF-trust are listed too.");
}

static void rotate_form(struct ctx *c, xmlNodePtr content)
{
    xmlNodePtr bar = toolbar(post_form(c, content, "/trust-list"));
    xmlNodePtr b = html_button(bar, "_action", "rotate-tftp", "Rotate TFTP Key", NULL);
    html_attr(b, "data-confirm", "Phones take the new key with their next trust list fetch.");
    b = html_button(bar, "_action", "rotate-sast", "Rotate SAST Primary", NULL);
    html_attr(b, "data-confirm", "Rotate again only after every phone fetched this list.");
    struct trust_state st;
    struct problem p = { 0 };
    if (service_trust_state(c->sv, &st, &p) == 0)
        html_button(bar, "_action", st.ctl_enabled ? "ctl-off" : "ctl-on",
                    st.ctl_enabled ? "Stop Serving CTLFile.tlv" : "Serve CTLFile.tlv", NULL);
}

static void readiness(struct ctx *c, xmlNodePtr content)
{
    struct trust_ready *r = NULL;
    size_t n = 0, ready = 0, shown = 0;
    struct problem p = { 0 };
    if (service_trust_readiness(c->sv, &r, &n, &p) != 0)
        return;
    for (size_t i = 0; i < n; i++)
        ready += r[i].fetched_current;
    html_el(content, "h2", "Readiness");
    html_elf(content, "p", "%zu of %zu phones fetched the trust list now served "
             "(by the address each phone fetched its config from).", ready, n);
    static const char *const heads[] = { "Phone", "Address", "Last trust list fetch" };
    xmlNodePtr tbody = list_table(content, "list", "trust-not-ready", heads, 3);
    for (size_t i = 0; i < n && shown < READY_SHOWN; i++) {
        if (r[i].fetched_current)
            continue;
        xmlNodePtr tr = html_el(tbody, "tr", NULL);
        html_el(tr, "td", r[i].name);
        html_el(tr, "td", r[i].address[0] ? r[i].address : "never fetched");
        char when[32] = "never";
        time_t t = (time_t)(r[i].last_trust_fetch_ms / 1000);
        struct tm tm;
        if (r[i].last_trust_fetch_ms > 0 && gmtime_r(&t, &tm) != NULL)
            strftime(when, sizeof when, "%Y-%m-%d %H:%M:%SZ", &tm);
        html_el(tr, "td", when);
        shown++;
    }
    free(r);
}

static void trust_page(struct ctx *c, const struct problem *p)
{
    xmlNodePtr content = page_open(c, "Trust List", "/trust-list", "Trust List");
    if (content == NULL)
        return;
    if (p != NULL && p->status)
        problem_banner(content, p, NULL);
    else
        done_banner(c, content);
    trust_warning(c, content);
    rotate_form(c, content);
    entries_table(c, content);
    readiness(c, content);
    page_send(c, p && p->status ? p->status : 200);
}

void trust_get(struct ctx *c)
{
    trust_page(c, NULL);
}

void trust_post(struct ctx *c)
{
    const char *action = form_get(&c->form, "_action");
    struct problem p = { 0 };
    if (action != NULL && strcmp(action, "rotate-tftp") == 0)
        service_trust_rotate(c->sv, &c->s.who, TRUST_ROLE_TFTP, &p);
    else if (action != NULL && strcmp(action, "rotate-sast") == 0)
        service_trust_rotate(c->sv, &c->s.who, TRUST_ROLE_SAST, &p);
    else if (action != NULL && strncmp(action, "ctl-o", 5) == 0)
        service_trust_set_ctl(c->sv, &c->s.who, strcmp(action, "ctl-on") == 0, &p);
    else
        problem_set(&p, 400, "unknown action");
    if (p.status == 0) {
        redirect(c, "/trust-list?done=saved");
        return;
    }
    trust_page(c, &p);
}

/* The home page's warning: losing both SAST keys means erasing the trust
 * list by hand on every phone. */
void trust_warning(struct ctx *c, xmlNodePtr content)
{
    struct trust_state st;
    struct problem p = { 0 };
    if (service_trust_state(c->sv, &st, &p) != 0 || st.recovery_exported_at > 0)
        return;
    xmlNodePtr div = html_el(content, "div", NULL);
    html_attr(div, "class", "status warn");
    html_attr(div, "role", "status");
    html_attr(div, "id", "trust-recovery-warning");
    html_text(div, "The ITLRecovery key has no offline copy yet. If this server's keys are lost, "
                   "every phone's trust list must be erased by hand. Run 'ucprov trust "
                   "export-recovery FILE' and keep the file offline. ");
    html_link(div, "/trust-list", "Trust List");
}
