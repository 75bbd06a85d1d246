/* rollover.c - the Certificate Rollover panel of a VPN gateway's page: the safe
 * order of an ASA certificate renewal (background doc, failure 1), each step
 * with whether ucprov can see it done, and per certificate how many of the
 * gateway's phones fetched a config holding its hash since it was added. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "limits.h"
#include "page.h"

enum step_state { STEP_TODO, STEP_DONE, STEP_UNKNOWN };

static void rollover_steps(xmlNodePtr panel, bool two, bool ready);
static size_t phones_current(const struct rollover_cert *rc);
static void cert_block(struct ctx *c, xmlNodePtr parent, int64_t gateway_id,
                       const struct rollover_cert *rc, bool newest,
                       const struct value *on_gateway);
static void cert_head(struct ctx *c, xmlNodePtr box, const struct rollover_cert *rc,
                      bool newest, const struct value *on_gateway);
static void cert_meter(xmlNodePtr box, const struct rollover_cert *rc, size_t current);
static void cert_missing(struct ctx *c, xmlNodePtr box, const struct rollover_cert *rc,
                         size_t current);
static void cert_remove(struct ctx *c, xmlNodePtr box, int64_t gateway_id,
                        const struct rollover_cert *rc, const struct value *on_gateway);

static const struct { const char *title, *text; } steps[] = {
    { "Add the new certificate beside the old one",
      "Upload the renewed ASA certificate into Phone-VPN-trust (Certificate "
      "Management), move it into the certificates in this location above, and "
      "Save. Keep the old one for now." },
    { "Watch readiness",
      "Reset the phones so that each fetches a config with both hashes; the bars "
      "below count the phones that fetched their config since each certificate "
      "was added." },
    { "Switch the ASA to the new certificate",
      "On the ASA: ssl trust-point with the new trustpoint on the outside interface. "
      "Then test one phone with Check Gateways as a Phone Would on its page." },
    { "Remove the old certificate",
      "Use Remove from this Gateway below. If phones still lack the new hash, you "
      "are asked before anything changes." },
};

void rollover_panel(struct ctx *c, xmlNodePtr content, int64_t gateway_id,
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
    rollover_steps(panel, two, ready);
    html_el(panel, "h3", "Readiness by Certificate");
    if (n == 0)
        html_el(panel, "p", "This gateway has no certificates.");
    for (size_t i = 0; i < n; i++)
        cert_block(c, panel, gateway_id, &certs[i], i == newest, on_gateway);
    rollover_free(certs, n);
}

/* The two steps ucprov can see: a second certificate, and the newest one
 * fetched by every phone; the ASA switch happens where ucprov cannot look. */
static void rollover_steps(xmlNodePtr panel, bool two, bool ready)
{
    static const char *const classes[] = { "step todo", "step done", "step" };
    static const char *const marks[] = { "to do", "done", "on the ASA" };
    static const char *const badges[] = { "badge soon", "badge ok", "badge" };
    const enum step_state states[] = { two ? STEP_DONE : STEP_TODO,
                                       ready ? STEP_DONE : STEP_TODO, STEP_UNKNOWN, STEP_TODO };
    hint(panel, "Renewing the ASA's certificate without stranding phones: a phone trusts the "
                "ASA only if the new certificate's hash was in a config it fetched while inside "
                "the network.");
    xmlNodePtr ol = html_el(panel, "ol", NULL);
    html_attr(ol, "class", "steps");
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        xmlNodePtr li = html_el(ol, "li", NULL);
        html_attr(li, "class", classes[states[i]]);
        xmlNodePtr head = html_el(li, "strong", steps[i].title);
        html_attr(html_el(head, "span", marks[states[i]]), "class", badges[states[i]]);
        hint(li, steps[i].text);
    }
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
static void cert_block(struct ctx *c, xmlNodePtr parent, int64_t gateway_id,
                       const struct rollover_cert *rc, bool newest,
                       const struct value *on_gateway)
{
    size_t current = phones_current(rc);
    xmlNodePtr box = html_el(parent, "div", NULL);
    html_attr(box, "class", "rollover-cert");
    html_attrf(box, "id", "rollover-cert-%lld", (long long)rc->cert_id);
    cert_head(c, box, rc, newest, on_gateway);
    cert_meter(box, rc, current);
    if (current < rc->n_phones)
        cert_missing(c, box, rc, current);
    if (on_gateway->n_ids > 1)
        cert_remove(c, box, gateway_id, rc, on_gateway);
}

static void cert_head(struct ctx *c, xmlNodePtr box, const struct rollover_cert *rc,
                      bool newest, const struct value *on_gateway)
{
    char href[96], date[16], added[40];
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
}

static void cert_meter(xmlNodePtr box, const struct rollover_cert *rc, size_t current)
{
    xmlNodePtr meter = html_el(box, "div", NULL);
    html_attr(meter, "class", "meter");
    if (rc->n_phones == 0) {
        html_el(meter, "span", "No phone's config includes this gateway yet.");
        return;
    }
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

/* The phones still without this hash, each with its last fetch. */
static void cert_missing(struct ctx *c, xmlNodePtr box, const struct rollover_cert *rc,
                         size_t current)
{
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
            char href[96];
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
static void cert_remove(struct ctx *c, xmlNodePtr box, int64_t gateway_id,
                        const struct rollover_cert *rc, const struct value *on_gateway)
{
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
