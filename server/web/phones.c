/* phones.c - what an admin looks at first: the home page (how many of each
 * object, what needs attention, the VPN setup in order), and below a phone's
 * configuration form, the file it gets and the fetches it made. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "limits.h"
#include "page.h"

/* The first phones of the table, for the never-fetched check. */
struct phone_names {
    char (*names)[16];
    size_t n, max;
    size_t seen;
};

static void config_facts(xmlNodePtr content, const struct cache_blob *b, bool vpn);
static void config_checks(struct ctx *c, xmlNodePtr content, int64_t id, bool vpn);
static void config_text(xmlNodePtr content, const char *text, const char *vpn,
                        const char *vpn_end);
static void fetches_table(struct ctx *c, xmlNodePtr content, const char *device,
                          const struct cache_blob *b);
static void home_cards(struct ctx *c, xmlNodePtr content);
static void card(xmlNodePtr cards, const char *href, int64_t total, const char *what);
static void home_attention(struct ctx *c, xmlNodePtr content);
static void diagnostics_items(struct ctx *c, xmlNodePtr ul);
static void never_fetched_items(struct ctx *c, xmlNodePtr ul);
static void collect_phone(void *ctx, const char *name);
static void home_steps(xmlNodePtr content);

static const struct { const char *href, *text, *note; } setup_steps[] = {
    { "/certificates", "Upload the ASA certificate", " into Phone-VPN-trust" },
    { "/vpn-profiles/new", "Add a VPN profile", ": tunnel behaviour" },
    { "/vpn-gateways/new", "Add a VPN gateway", ": the ASA's URL and its certificates" },
    { "/vpn-groups/new", "Add a VPN group", ": up to three gateways in order" },
    { "/common-phone-profiles", "Set the VPN group and profile", " on a common phone profile" },
    { "/phones/new", "Add the phone", " with that common phone profile, then reset it" },
};

/* ------------------------------------------------------------ phone details */

/* The rendered file, its versionStamp, and the phone's latest fetches. */
void phone_details(struct ctx *c, xmlNodePtr content, int64_t id, const char *device)
{
    struct problem p = { 0 };
    struct cache_blob *b = service_phone_config(c->sv, id, &p);
    html_elf(content, "h2", "Configuration File %s.cnf.xml", device);
    if (b == NULL) {
        banner(content, "error", p.detail[0] ? p.detail : "the file could not be rendered");
        return;
    }
    /* The digest passwords are the phone's alone: the page shows them masked. */
    char *shown = config_masked((const char *)b->data);
    const char *text = shown ? shown : "";
    const char *vpn = strstr(text, "<vpnGroup>");
    const char *vpn_end = vpn ? strstr(vpn, "</vpnGroup>") : NULL;
    config_facts(content, b, vpn && vpn_end);
    config_checks(c, content, id, vpn && vpn_end);
    config_text(content, text, vpn, vpn_end);
    fetches_table(c, content, device, b);
    cache_blob_unref(b);
    free(shown);
}

static void config_facts(xmlNodePtr content, const struct cache_blob *b, bool vpn)
{
    xmlNodePtr facts = html_el(content, "dl", NULL);
    html_attr(facts, "class", "facts");
    html_el(facts, "dt", "versionStamp");
    html_attr(html_el(html_el(facts, "dd", NULL), "code", b->version_stamp), "id",
              "version-stamp");
    html_el(facts, "dt", "VPN");
    xmlNodePtr dd = html_el(facts, "dd", NULL);
    if (vpn)
        html_link(dd, "#vpnGroup", "Go to the vpnGroup block (highlighted below)");
    else
        html_text(dd, "No vpnGroup block: the phone's common phone profile names no VPN group.");
}

/* The checks an admin runs when this phone will not connect from home. */
static void config_checks(struct ctx *c, xmlNodePtr content, int64_t id, bool vpn)
{
    xmlNodePtr bar = toolbar(content);
    if (vpn) {
        char action[96];
        snprintf(action, sizeof action, "/phones/%lld/verify-gateways", (long long)id);
        xmlNodePtr f = post_form(c, bar, action);
        html_button(f, NULL, NULL, "Check Gateways as a Phone Would", "primary");
    }
    button_link(bar, "/phone-log", "Diagnose a Phone Log");
    html_attr(html_el(bar, "span", vpn
                      ? "Connects to each gateway URL in this file and compares the certificate "
                        "it presents with the file's hashes."
                      : "Paste the phone's console log to find known VPN failures."),
              "class", "hint");
}

/* The file as the phone gets it, its vpnGroup block marked. */
static void config_text(xmlNodePtr content, const char *text, const char *vpn,
                        const char *vpn_end)
{
    xmlNodePtr pre = html_el(content, "pre", NULL);
    html_attr(pre, "class", "config");
    html_attr(pre, "id", "config");
    if (vpn == NULL || vpn_end == NULL) {
        html_text(pre, text);
        return;
    }
    vpn_end += strlen("</vpnGroup>");
    xmlNodeAddContentLen(pre, BAD_CAST text, (int)(vpn - text));
    xmlNodePtr mark = html_el(pre, "mark", NULL);
    html_attr(mark, "id", "vpnGroup");
    xmlNodeAddContentLen(mark, BAD_CAST vpn, (int)(vpn_end - vpn));
    html_text(pre, vpn_end);
}

static void fetches_table(struct ctx *c, xmlNodePtr content, const char *device,
                          const struct cache_blob *b)
{
    static const char *const heads[] = { "Time (UTC)", "Protocol", "Client", "File",
                                         "Result", "Bytes", "versionStamp" };
    html_el(content, "h2", "Recent Config Fetches");
    struct fetch_record *recs = NULL;
    size_t n = 0;
    struct problem p = { 0 };
    if (service_fetch_log_query(c->sv, device, 0, UCPROV_WEB_FETCHES_SHOWN, &recs, &n, &p) != 0)
        n = 0;
    if (n == 0)
        html_el(content, "p", "This phone has not fetched its configuration yet.");
    xmlNodePtr tbody = n ? list_table(content, "list", "fetches", heads,
                                      sizeof heads / sizeof heads[0]) : NULL;
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
    free(recs);
}

/* ------------------------------------------------------------ home */

void home_page(struct ctx *c)
{
    xmlNodePtr content = page_open(c, "Home", "/", "ucprov Administration");
    if (content == NULL)
        return;
    trust_warning(c, content);
    home_cards(c, content);
    home_attention(c, content);
    home_steps(content);
    page_send(c, 200);
}

/* How many of each: the service counts when asked for no rows. */
static void home_cards(struct ctx *c, xmlNodePtr content)
{
    xmlNodePtr cards = html_el(content, "div", NULL);
    html_attr(cards, "class", "cards");
    struct problem p = { 0 };
    struct list_query none = { MATCH_ANY, NULL, 0, 0 };
    struct cert_row *certs = NULL;
    size_t n = 0;
    int64_t total = 0;
    if (service_cert_list(c->sv, &none, NULL, &certs, &n, &total, &p) != 0)
        n = 0;
    for (size_t i = 0; i < n; i++)
        cert_row_free(&certs[i]);
    free(certs);
    card(cards, "/certificates", total, "Certificates");
    for (size_t i = 0; kind_page_at(i) != NULL; i++) {
        const struct kind_page *k = kind_page_at(i);
        if (k->plural == NULL)
            continue;
        struct record *items = NULL;
        size_t count = 0;
        total = 0;
        if (service_list(c->sv, k->kind, &none, &items, &count, &total, &p) == 0) {
            for (size_t j = 0; j < count; j++)
                record_free(&items[j]);
            free(items);
        }
        char href[64];
        snprintf(href, sizeof href, "/%s", entity_get(k->kind)->collection);
        card(cards, href, total, k->plural);
    }
}

static void card(xmlNodePtr cards, const char *href, int64_t total, const char *what)
{
    xmlNodePtr a = html_link(cards, href, NULL);
    html_attr(a, "class", "card");
    html_attr(html_elf(a, "span", "%lld", (long long)total), "class", "n");
    html_attr(html_el(a, "span", what), "class", "what");
}

static void home_attention(struct ctx *c, xmlNodePtr content)
{
    html_el(content, "h2", "Needs Attention");
    xmlNodePtr ul = html_el(content, "ul", NULL);
    html_attr(ul, "class", "attention");
    html_attr(ul, "id", "attention");
    diagnostics_items(c, ul);
    never_fetched_items(c, ul);
    if (ul->children == NULL)
        html_el(ul, "li", "Nothing needs attention.");
    xmlNodePtr more = html_el(content, "p", NULL);
    html_attr(more, "class", "more");
    html_link(more, "/diagnostics", "All diagnostics, with a certificate expiry window of your choice");
}

static void diagnostics_items(struct ctx *c, xmlNodePtr ul)
{
    struct diagnostic *diags = NULL;
    size_t n = 0;
    struct problem p = { 0 };
    if (service_diagnostics(c->sv, UCPROV_CERT_SOON_DAYS, &diags, &n, &p) != 0)
        html_el(ul, "li", "The checks could not run; see the server log.");
    for (size_t i = 0; i < n; i++) {
        const struct diagnostic *d = &diags[i];
        xmlNodePtr li = html_el(ul, "li", NULL);
        html_attr(html_el(li, "span", d->severity == DIAG_ERROR ? "error" : "warning"), "class",
                  d->severity == DIAG_ERROR ? "badge expired" : "badge soon");
        html_text(li, " ");
        if (d->id > 0) {
            char href[96];
            snprintf(href, sizeof href, "/%s/%lld", entity_get(d->kind)->collection,
                     (long long)d->id);
            html_link(li, href, d->message);
        } else {
            html_text(li, d->message);
        }
        if (d->fix[0] != '\0')
            hint(li, d->fix);
    }
    free(diags);
}

/* A phone that never fetched its file was never reset, or cannot reach us. */
static void never_fetched_items(struct ctx *c, xmlNodePtr ul)
{
    struct phone_names pn = { calloc(UCPROV_WEB_PHONES_CHECKED, 16), 0,
                              UCPROV_WEB_PHONES_CHECKED, 0 };
    if (pn.names == NULL)
        pn.max = 0;
    service_each_phone(c->sv, collect_phone, &pn);
    size_t never = 0, shown = 0;
    for (size_t i = 0; i < pn.n; i++) {
        struct fetch_record *recs = NULL;
        size_t n = 0;
        struct problem p = { 0 };
        if (service_fetch_log_query(c->sv, pn.names[i], 0, 1, &recs, &n, &p) != 0)
            continue;
        free(recs);
        if (n > 0)
            continue;
        never++;
        int64_t id;
        if (shown < 10 && service_lookup_name(c->sv, ENT_PHONE, pn.names[i], &id) == 0) {
            char href[96];
            snprintf(href, sizeof href, "/phones/%lld", (long long)id);
            xmlNodePtr li = html_el(ul, "li", NULL);
            html_link(li, href, pn.names[i]);
            html_text(li, " has never fetched its configuration");
            shown++;
        }
    }
    if (never > shown)
        html_elf(ul, "li", "... and %zu more phones that never fetched their configuration",
                 never - shown);
    if (pn.seen > pn.n)
        html_elf(ul, "li", "Only the first %zu phones were checked for a first fetch.", pn.n);
    free(pn.names);
}

static void collect_phone(void *ctx, const char *name)
{
    struct phone_names *pn = ctx;
    pn->seen++;
    if (pn->n < pn->max)
        snprintf(pn->names[pn->n++], 16, "%s", name);
}

static void home_steps(xmlNodePtr content)
{
    html_el(content, "h2", "VPN Phone Setup, Step by Step");
    xmlNodePtr ol = html_el(content, "ol", NULL);
    for (size_t i = 0; i < sizeof setup_steps / sizeof setup_steps[0]; i++) {
        xmlNodePtr li = html_el(ol, "li", NULL);
        html_link(li, setup_steps[i].href, setup_steps[i].text);
        html_text(li, setup_steps[i].note);
    }
}
