/* troubleshoot.c - the pages for a phone that will not connect: diagnostics
 * over all objects, a phone's console log read for known VPN failures, the
 * ASA side of a VPN group, and the gateways checked as a phone would. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlstring.h>

#include "limits.h"
#include "page.h"
#include "phonelog.h"
#include "verify.h"

static char *display_text(const char *in, size_t len);
static char *line_of(const char *text, size_t len, size_t n);
static void diagnostics_table(xmlNodePtr content, const struct diagnostic *diags, size_t n);
static void phonelog_page(struct ctx *c, const struct form_field *text_field,
                          const struct problem *p, const char *analysed, size_t len,
                          const char *source);
static void phonelog_form(struct ctx *c, xmlNodePtr content, const struct form_field *text_field,
                          const struct problem *p);
static void phonelog_findings(xmlNodePtr content, const char *analysed, size_t len,
                              const char *source);
static void finding_box(xmlNodePtr results, const struct phonelog_finding *found,
                        const char *analysed, size_t len);
static void asa_form(xmlNodePtr content, int64_t group_id, const char *const *values,
                     const struct asa_request *ar, const struct problem *p);
static void asa_text(xmlNodePtr content, const char *text);
static void probe_row(xmlNodePtr tbody, const struct gateway_probe *g);
static void host_id_cell(xmlNodePtr td, const struct gateway_probe *g);
static void verdict_cell(xmlNodePtr td, const struct gateway_probe *g);

/* The ASA settings; like the REST twin, absent ones take the lab's defaults. */
static const struct {
    const char *name, *label, *def, *hint;
} asa_fields[] = {
    { "pool", "Address Pool", UCPROV_ASA_DEFAULT_POOL, "FIRST-LAST: the phones' tunnel addresses" },
    { "mask", "Pool Mask", UCPROV_ASA_DEFAULT_MASK, NULL },
    { "outside", "Outside Interface", UCPROV_ASA_DEFAULT_OUTSIDE, "the nameif the phones connect to" },
    { "trustpoint", "Identity Trustpoint", UCPROV_ASA_DEFAULT_TRUSTPOINT,
      "the trustpoint of the certificate whose hash the phones hold" },
};
#define N_ASA_FIELDS (sizeof asa_fields / sizeof asa_fields[0])

/* What each verdict of a gateway check means, and what to do about it. */
static const struct {
    const char *verdict, *label, *badge, *fix;
} verdicts[] = {
    { "ok", "trusted", "badge ok", "The phone would connect and trust this gateway." },
    { "unreachable", "unreachable", "badge expired",
      "No TLS connection: check the URL, DNS, and that the ASA listens on this port." },
    { "hash_not_in_config", "hash not in config", "badge expired",
      "The ASA presents a certificate whose hash is not in this phone's file: add that "
      "certificate to the gateway (or switch the ASA back), then reset the phone." },
    { "host_id_mismatch", "host ID mismatch", "badge expired",
      "Host ID Check is on and the URL's host is neither the certificate's CN nor a SAN: "
      "use the certificate's name in the URL, or turn the check off in the VPN profile." },
};

/* Text from a log or a file, fit for a text node: a NUL, a control character
 * or (when the whole is not UTF-8) any byte past ASCII becomes '?'. */
static char *display_text(const char *in, size_t len)
{
    char *out = malloc(len + 1);
    if (out == NULL)
        return NULL;
    memcpy(out, in, len);
    out[len] = '\0';
    bool utf8 = strlen(out) == len && xmlCheckUTF8((const xmlChar *)out);
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)out[i];
        if ((ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') || ch == 0x7f ||
            (!utf8 && ch >= 0x80))
            out[i] = '?';
    }
    return out;
}

/* Line n (from 1) of text, without its ending, cut to the evidence limit. */
static char *line_of(const char *text, size_t len, size_t n)
{
    const char *start;
    size_t line_len = phonelog_line(text, len, n, &start);
    if (line_len > UCPROV_PHONELOG_EVIDENCE_MAX)
        line_len = UCPROV_PHONELOG_EVIDENCE_MAX;
    return display_text(start, line_len);
}

/* ------------------------------------------------------------ diagnostics */

void diagnostics_page(struct ctx *c)
{
    struct problem p = { 0 };
    const char *arg = http_req_query(c->req, "expiry_days");
    int64_t days = UCPROV_EXPIRY_WARN_DAYS;
    if (arg != NULL && *arg != '\0' && (!parse_int(arg, &days) || days < 0 || days > 3650))
        problem_field(&p, "expiry_days", "Expiry window must be a whole number of days from "
                      "0 to 3650.");
    struct diagnostic *diags = NULL;
    size_t n = 0;
    if (p.status == 0 && service_diagnostics(c->sv, (int)days, &diags, &n, &p) != 0)
        n = 0;
    xmlNodePtr content = page_open(c, "Diagnostics", "/diagnostics", "Diagnostics");
    if (content == NULL) {
        free(diags);
        return;
    }
    hint(content, "What would keep phones from connecting: certificates expired or expiring, "
                  "gateways left without a valid certificate, Host ID Check that cannot pass, "
                  "VPN on models without the VPN client.");
    form_problem_banner(content, &p);
    xmlNodePtr fs = get_fieldset(content, "/diagnostics", NULL);
    char value[24];
    snprintf(value, sizeof value, "%lld", (long long)days);
    xmlNodePtr in = input_row(fs, "expiry_days", "Expiry Window", p.status && arg ? arg : value,
                              "days; certificates expiring sooner are flagged (default 30)", &p);
    html_attr(in, "inputmode", "numeric");
    html_attr(in, "class", "short");
    html_button(fs, NULL, NULL, "Check", "primary");
    size_t errors = 0;
    for (size_t i = 0; i < n; i++)
        errors += diags[i].severity == DIAG_ERROR;
    if (p.status == 0 && n == 0)
        banner(content, "ok", "Nothing needs attention.");
    else if (p.status == 0)
        html_attr(html_elf(content, "p", "%zu error%s, %zu warning%s", errors,
                           errors == 1 ? "" : "s", n - errors, n - errors == 1 ? "" : "s"),
                  "class", "count");
    if (n > 0)
        diagnostics_table(content, diags, n);
    free(diags);
    page_send(c, p.status ? p.status : 200);
}

/* Errors first: they stop phones now; warnings will later. */
static void diagnostics_table(xmlNodePtr content, const struct diagnostic *diags, size_t n)
{
    static const char *const heads[] = { "Severity", "Object", "Problem", "Fix" };
    xmlNodePtr tbody = list_table(content, "list", "diagnostics", heads,
                                  sizeof heads / sizeof heads[0]);
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < n; i++) {
            const struct diagnostic *d = &diags[i];
            if ((d->severity == DIAG_ERROR) != (pass == 0))
                continue;
            const struct entity_def *e = entity_get(d->kind);
            xmlNodePtr tr = html_el(tbody, "tr", NULL);
            html_attr(html_el(html_el(tr, "td", NULL), "span",
                              d->severity == DIAG_ERROR ? "error" : "warning"),
                      "class", d->severity == DIAG_ERROR ? "badge expired" : "badge soon");
            xmlNodePtr td = html_el(tr, "td", NULL);
            char href[96];
            if (object_href(e->collection, d->id, href, sizeof href))
                html_link(td, href, d->name[0] ? d->name : e->label);
            else
                html_text(td, d->name);
            html_attr(html_el(td, "div", e->label), "class", "hint");
            html_el(tr, "td", d->message);
            html_el(tr, "td", d->fix);
        }
    }
}

/* ------------------------------------------------------------ phone log diagnosis */

void phonelog_get(struct ctx *c)
{
    phonelog_page(c, NULL, NULL, NULL, 0, NULL);
}

/* A file wins over pasted text. */
void phonelog_post(struct ctx *c)
{
    const struct form_field *file = form_field(&c->form, "file");
    const struct form_field *text = form_field(&c->form, "log");
    struct problem p = { 0 };
    if (file != NULL && file->len > 0) {
        char source[300];
        snprintf(source, sizeof source, "the file %s",
                 file->filename && *file->filename ? file->filename : "uploaded");
        phonelog_page(c, text, &p, file->value, file->len, source);
        return;
    }
    if (text == NULL || text->len == 0) {
        problem_field(&p, "log", "Paste a log or choose a file.");
        phonelog_page(c, text, &p, NULL, 0, NULL);
        return;
    }
    phonelog_page(c, text, &p, text->value, text->len, "the pasted text");
}

/* The form with text_field's text, and the findings in analysed (when not NULL). */
static void phonelog_page(struct ctx *c, const struct form_field *text_field,
                          const struct problem *p, const char *analysed, size_t len,
                          const char *source)
{
    xmlNodePtr content = page_open(c, "Phone Log Diagnosis", "/phone-log", "Phone Log Diagnosis");
    if (content == NULL)
        return;
    hint(content, "Paste an IP phone's console log or problem-report text (88xx, 78xx) to find "
                  "the VPN failures ucprov knows: EC ciphers, DTLS, DNS, Auto Network Detect, a "
                  "certificate hash missing from the config.");
    if (p != NULL)
        form_problem_banner(content, p);
    phonelog_form(c, content, text_field, p);
    if (analysed != NULL)
        phonelog_findings(content, analysed, len, source);
    page_send(c, p && p->status ? p->status : 200);
}

static void phonelog_form(struct ctx *c, xmlNodePtr content, const struct form_field *text_field,
                          const struct problem *p)
{
    xmlNodePtr fs = upload_fieldset(c, content, "/phone-log", "Phone Log");
    const char *error = error_for(p, "log");
    xmlNodePtr control = labelled_row(fs, "log", "Log Text", error, ROW_ANCHOR);
    char *shown = text_field ? display_text(text_field->value, text_field->len) : NULL;
    xmlNodePtr area = html_el(control, "textarea", shown);
    free(shown);
    html_attr(area, "id", "f-log");
    html_attr(area, "name", "log");
    html_attr(area, "rows", "12");
    html_attr(area, "spellcheck", "false");
    html_attr(area, "placeholder", "4154 ERR 14:12:01.480 VPNC: -ssl_state_cb: ...");
    field_error(control, error, "log");
    control = labelled_row(fs, "file", "or Upload a File", NULL, 0);
    html_attr(html_input(control, "file", "f-file", "file", NULL), "accept",
              ".log,.txt,text/plain");
    hint(control, "a file wins over pasted text; up to 1 MiB");
    html_button(fs->parent, NULL, NULL, "Diagnose", "primary");
}

static void phonelog_findings(xmlNodePtr content, const char *analysed, size_t len,
                              const char *source)
{
    struct phonelog_finding found[PHONELOG_PROBLEM_COUNT];
    size_t n = phonelog_diagnose(analysed, len, found, PHONELOG_PROBLEM_COUNT);
    size_t lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += analysed[i] == '\n';
    if (len > 0 && analysed[len - 1] != '\n')
        lines++;
    xmlNodePtr results = html_el(content, "section", NULL);
    html_attr(results, "id", "findings");
    html_el(results, "h2", "Findings");
    char *src = display_text(source, strlen(source));
    html_attr(html_elf(results, "p", "%zu problem%s recognised in %zu line%s of %s", n,
                       n == 1 ? "" : "s", lines, lines == 1 ? "" : "s", src ? src : ""),
              "class", "count");
    free(src);
    if (n == 0)
        banner(results, "ok", "No known VPN problem in this log.");
    for (size_t i = 0; i < n; i++)
        finding_box(results, &found[i], analysed, len);
}

/* A finding, its fix, and the lines of the log that show it. */
static void finding_box(xmlNodePtr results, const struct phonelog_finding *found,
                        const char *analysed, size_t len)
{
    static const char *const heads[] = { "Line", "Evidence" };
    xmlNodePtr box = html_el(results, "div", NULL);
    html_attr(box, "class", "finding");
    html_attrf(box, "id", "finding-%s", found->id);
    html_el(box, "h3", found->title);
    xmlNodePtr fix = html_el(box, "p", NULL);
    html_attr(fix, "class", "fix");
    html_el(fix, "strong", "Fix: ");
    html_text(fix, found->fix);
    xmlNodePtr tbody = list_table(box, "list compact evidence", NULL, heads, 2);
    for (size_t k = 0; k < found->n_lines; k++) {
        xmlNodePtr tr = html_el(tbody, "tr", NULL);
        html_attr(html_elf(tr, "td", "%zu", found->lines[k]), "class", "num");
        char *line = line_of(analysed, len, found->lines[k]);
        html_attr(html_el(html_el(tr, "td", NULL), "code", line ? line : ""), "class",
                  "logline");
        free(line);
    }
}

/* ------------------------------------------------------------ ASA configuration */

void asa_page(struct ctx *c)
{
    int64_t group_id = c->m.id;
    struct record group;
    if (!record_load(c, ENT_VPN_GROUP, group_id, &group))
        return;
    const char *values[N_ASA_FIELDS];
    for (size_t i = 0; i < N_ASA_FIELDS; i++) {
        const char *v = http_req_query(c->req, asa_fields[i].name);
        values[i] = v != NULL ? v : asa_fields[i].def;
    }
    struct asa_request ar = {
        .pool = values[0], .mask = values[1], .outside = values[2], .trustpoint = values[3],
    };
    char *text = NULL;
    struct problem p = { 0 };
    service_asa_flag("ciphers", http_req_query(c->req, "ciphers"), &ar.ciphers, &p);
    service_asa_flag("dtls_test", http_req_query(c->req, "dtls_test"), &ar.dtls_test, &p);
    int rc = service_asa_config(c->sv, group_id, &ar, &text, &p);
    char title[160], back[64];
    snprintf(title, sizeof title, "ASA Configuration: %s", record_text(&group, "name"));
    record_free(&group);
    xmlNodePtr content = page_open(c, "ASA Configuration", "/vpn-groups", title);
    if (content != NULL) {
        snprintf(back, sizeof back, "/vpn-groups/%lld", (long long)group_id);
        button_link(toolbar(content), back, "Back to VPN Group");
        hint(content, "Paste-ready configuration for the ASA these phones connect to: the address "
                      "pool, group policy, tunnel group with each gateway's group-url, and the "
                      "trustpoints for the phones' own certificates.");
        form_problem_banner(content, &p);
        asa_form(content, group_id, values, &ar, &p);
        if (rc == 0)
            asa_text(content, text);
        page_send(c, rc == 0 ? 200 : p.status);
    }
    free(text);
}

static void asa_form(xmlNodePtr content, int64_t group_id, const char *const *values,
                     const struct asa_request *ar, const struct problem *p)
{
    char action[64];
    snprintf(action, sizeof action, "/vpn-groups/%lld/asa-config", (long long)group_id);
    xmlNodePtr fs = get_fieldset(content, action, "ASA Settings");
    for (size_t i = 0; i < N_ASA_FIELDS; i++)
        input_row(fs, asa_fields[i].name, asa_fields[i].label, values[i], asa_fields[i].hint, p);
    checkbox_row(fs, "ciphers", "Cipher Advice", ar->ciphers,
                 "ssl cipher lists without elliptic-curve ciphers, for the TLS versions the "
                 "phones speak", p);
    checkbox_row(fs, "dtls_test", "DTLS Test", ar->dtls_test,
                 "anyconnect ssl dtls none in the group policy, to rule DTLS out", p);
    html_button(fs, NULL, NULL, "Generate", "primary");
}

/* ucprov.js shows and wires the copy button; without script, select the text. */
static void asa_text(xmlNodePtr content, const char *text)
{
    html_el(content, "h2", "Configuration");
    xmlNodePtr tools = html_el(content, "div", NULL);
    html_attr(tools, "class", "copybar");
    xmlNodePtr copy = html_el(tools, "button", "Copy to Clipboard");
    html_attr(copy, "type", "button");
    html_attr(copy, "data-copy", "asa-config");
    html_attr(copy, "hidden", "hidden");
    html_attr(html_el(tools, "span", NULL), "class", "copy-status");
    xmlNodePtr pre = html_el(content, "pre", text);
    html_attr(pre, "class", "config");
    html_attr(pre, "id", "asa-config");
}

/* ------------------------------------------------------------ check gateways */

void verify_post(struct ctx *c)
{
    int64_t phone_id = c->m.id;
    struct record rec;
    if (!record_load(c, ENT_PHONE, phone_id, &rec))
        return;
    char device[16], title[96], action[96], back[64];
    snprintf(device, sizeof device, "%s", record_text(&rec, "name"));
    record_free(&rec);
    struct gateway_probe *probes = NULL;
    size_t n = 0;
    struct problem p = { 0 };
    int rc = service_verify_gateways(c->sv, device, &probes, &n, &p);
    snprintf(title, sizeof title, "Check Gateways as %s Would", device);
    xmlNodePtr content = page_open(c, "Check Gateways", "/phones", title);
    if (content == NULL) {
        free(probes);
        return;
    }
    xmlNodePtr bar = toolbar(content);
    snprintf(action, sizeof action, "/phones/%lld/verify-gateways", (long long)phone_id);
    html_button(post_form(c, bar, action), NULL, NULL, "Check Again", "primary");
    snprintf(back, sizeof back, "/phones/%lld", (long long)phone_id);
    button_link(bar, back, "Back to Phone");
    if (rc != 0) {
        problem_banner(content, &p, NULL);
        free(probes);
        page_send(c, p.status ? p.status : 500);
        return;
    }
    size_t failing = 0;
    for (size_t i = 0; i < n; i++)
        failing += strcmp(gateway_probe_verdict(&probes[i]), "ok") != 0;
    if (failing == 0)
        banner(content, "ok", "Every gateway in this phone's config would be trusted.");
    else
        banner(content, "error", failing == n ? "The phone could connect to none of its gateways."
                                              : "Some gateways would fail for this phone.");
    static const char *const heads[] = { "Gateway URL", "Connection", "Presented Certificate",
                                         "Hash in Config", "Host ID Check", "Verdict" };
    xmlNodePtr tbody = list_table(content, "list", "probes", heads,
                                  sizeof heads / sizeof heads[0]);
    for (size_t i = 0; i < n; i++)
        probe_row(tbody, &probes[i]);
    free(probes);
    page_send(c, 200);
}

static void probe_row(xmlNodePtr tbody, const struct gateway_probe *g)
{
    xmlNodePtr tr = html_el(tbody, "tr", NULL);
    html_el(html_el(tr, "td", NULL), "code", g->url);
    xmlNodePtr td = html_el(tr, "td", NULL);
    if (g->connected) {
        html_attr(html_el(td, "span", "connected"), "class", "badge ok");
        html_attr(html_elf(td, "div", "%s, %s", g->tls_version, g->cipher), "class", "hint");
    } else {
        html_attr(html_el(td, "span", "error"), "class", "badge expired");
        html_attr(html_el(td, "div", g->error), "class", "hint");
    }
    td = html_el(tr, "td", NULL);
    if (g->connected) {
        html_el(td, "div", g->presented_cn[0] ? g->presented_cn : "(no common name)");
        html_attr(html_el(td, "code", g->presented_hash), "class", "hash");
    } else {
        html_text(td, "—");
    }
    td = html_el(tr, "td", g->connected ? (g->hash_in_config ? "yes" : "no") : "—");
    if (g->connected)
        html_attr(td, "class", g->hash_in_config ? "yes" : "no");
    host_id_cell(html_el(tr, "td", NULL), g);
    verdict_cell(html_el(tr, "td", NULL), g);
}

static void host_id_cell(xmlNodePtr td, const struct gateway_probe *g)
{
    if (!g->connected) {
        html_text(td, "—");
        return;
    }
    const char *word = g->host_id_ok ? "pass" : g->wildcard ? "wildcard" : "fail";
    html_attr(html_el(td, "span", word), "class", g->host_id_ok ? "badge ok" : "badge soon");
    if (!g->host_id_required)
        html_attr(html_el(td, "div", "not checked: Host ID Check is off"), "class", "hint");
}

static void verdict_cell(xmlNodePtr td, const struct gateway_probe *g)
{
    const char *verdict = gateway_probe_verdict(g);
    for (size_t k = 0; k < sizeof verdicts / sizeof verdicts[0]; k++) {
        if (strcmp(verdicts[k].verdict, verdict) != 0)
            continue;
        html_attr(html_el(td, "span", verdicts[k].label), "class", verdicts[k].badge);
        html_attr(html_el(td, "div", verdicts[k].fix), "class", "hint");
        return;
    }
    html_el(td, "span", verdict);
}
