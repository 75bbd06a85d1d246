/* certs.c - Certificate Management: the upload form and the list in one page,
 * a certificate's details with the gateways that carry it, Delete, and the
 * PEM download.  Certificates are not entities of model.h, so these pages are
 * not the generic ones of objects.c. */
#include <config.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "limits.h"
#include "page.h"

#define MAX_GATEWAYS_SHOWN 32

enum cert_health { CERT_VALID, CERT_SOON, CERT_EXPIRED };

static enum cert_health cert_health(const struct cert_info *ci, time_t now);
static void expiry_cell(xmlNodePtr parent, const struct cert_info *ci, time_t now);
static void certs_page(struct ctx *c, const struct form *typed, const struct problem *p);
static void upload_form(struct ctx *c, xmlNodePtr parent, const struct form *typed,
                        const struct problem *p);
static void certs_table(struct ctx *c, xmlNodePtr content, const struct cert_row *rows, size_t n);
static void cert_page(struct ctx *c, int64_t id, const struct problem *p);
static void cert_toolbar(struct ctx *c, xmlNodePtr content, int64_t id);
static void cert_facts(struct ctx *c, xmlNodePtr content, const struct cert_row *row);
static void fact(xmlNodePtr dl, const char *term, const char *value);
static void cert_gateways(struct ctx *c, xmlNodePtr content, int64_t cert_id);

static enum cert_health cert_health(const struct cert_info *ci, time_t now)
{
    if (ci->not_after < (int64_t)now)
        return CERT_EXPIRED;
    if (ci->not_after < (int64_t)now + (int64_t)UCPROV_CERT_SOON_DAYS * 86400)
        return CERT_SOON;
    return CERT_VALID;
}

static void expiry_cell(xmlNodePtr parent, const struct cert_info *ci, time_t now)
{
    char date[16];
    format_date(ci->not_after, date, sizeof date);
    html_text(parent, date);
    enum cert_health h = cert_health(ci, now);
    if (h == CERT_EXPIRED)
        html_attr(html_el(parent, "span", "expired"), "class", "badge expired");
    else if (h == CERT_SOON)
        html_attr(html_elf(parent, "span", "expires in %lld days",
                           (long long)((ci->not_after - (int64_t)now) / 86400)),
                  "class", "badge soon");
}

/* ------------------------------------------------------------ upload and list */

void certs_get(struct ctx *c)
{
    certs_page(c, NULL, NULL);
}

/* typed and p: an upload that was refused, shown above the list. */
static void certs_page(struct ctx *c, const struct form *typed, const struct problem *p)
{
    struct list_params lp;
    list_params(c, &lp);
    const char *store_filter = http_req_query(c->req, "store");
    if (store_filter != NULL && !trust_store_valid(store_filter))
        store_filter = NULL;
    struct list_query q = list_query_for(&lp);
    struct cert_row *rows = NULL;
    size_t n = 0;
    int64_t total = 0;
    struct problem lpb = { 0 };
    if (service_cert_list(c->sv, &q, store_filter, &rows, &n, &total, &lpb) != 0) {
        problem_page(c, &lpb);
        return;
    }
    xmlNodePtr content = page_open(c, "Certificate Management", "/certificates",
                                   "Certificate Management");
    if (content != NULL) {
        if (p != NULL && p->status)
            problem_banner(content, p, entity_get(ENT_CERTIFICATE));
        else
            done_banner(c, content);
        upload_form(c, content, typed, p);
        html_el(content, "h2", "Certificate List");
        search_form(content, "/certificates", "Certificates", "Common Name", &lp);
        record_count(content, total);
        if (n > 0)
            certs_table(c, content, rows, n);
        pager(content, "/certificates", &lp, total);
        page_send(c, p && p->status ? p->status : 200);
    }
    for (size_t i = 0; i < n; i++)
        cert_row_free(&rows[i]);
    free(rows);
}

static void upload_form(struct ctx *c, xmlNodePtr parent, const struct form *typed,
                        const struct problem *p)
{
    xmlNodePtr fs = upload_fieldset(c, parent, "/certificates", "Upload Certificate");
    const char *error = error_for(p, "store");
    xmlNodePtr control = labelled_row(fs, "store", "Certificate Purpose", error, ROW_REQUIRED);
    store_options(select_el(control, "f-store", "store"), form_get(typed, "store"));
    hint(control, "Phone-VPN-trust holds the ASA certificates that VPN gateways put on phones.");
    field_error(control, error, NULL);
    error = error_for(p, "pem");   /* the service names the bytes, the form the file */
    control = labelled_row(fs, "file", "Upload File", error, ROW_REQUIRED);
    html_attr(html_input(control, "file", "f-file", "file", NULL), "accept",
              ".pem,.crt,.cer,.der");
    hint(control, "one certificate, PEM or DER; never a private key");
    field_error(control, error, NULL);
    html_button(fs->parent, NULL, NULL, "Upload", "primary");
}

static void certs_table(struct ctx *c, xmlNodePtr content, const struct cert_row *rows, size_t n)
{
    static const char *const heads[] = { "Common Name", "Certificate Purpose", "Type",
                                         "Issued By", "Expiration", "certHash (SHA-1)", "" };
    xmlNodePtr tbody = list_table(content, "list", NULL, heads, sizeof heads / sizeof heads[0]);
    for (size_t i = 0; i < n; i++) {
        const struct cert_info *ci = &rows[i].info;
        char href[64];
        xmlNodePtr tr = html_el(tbody, "tr", NULL);
        snprintf(href, sizeof href, "/certificates/%lld", (long long)rows[i].id);
        html_link(html_el(tr, "td", NULL), href,
                  ci->common_name[0] ? ci->common_name : "(no common name)");
        html_el(tr, "td", rows[i].trust_store);
        html_el(tr, "td", ci->self_signed ? "Self-signed" : "CA-signed");
        html_el(tr, "td", ci->issuer_cn && ci->issuer_cn[0] ? ci->issuer_cn : ci->issuer);
        xmlNodePtr td = html_el(tr, "td", NULL);
        html_attr(td, "class", "nowrap");
        expiry_cell(td, ci, c->now);
        html_attr(html_el(html_el(tr, "td", NULL), "code", ci->cert_hash), "class", "hash");
        snprintf(href, sizeof href, "/certificates/%lld/pem", (long long)rows[i].id);
        td = html_el(tr, "td", NULL);
        html_attr(td, "class", "nowrap");
        html_link(td, href, "Download .PEM");
    }
}

void cert_upload(struct ctx *c)
{
    const char *store = form_get(&c->form, "store");
    const struct form_field *file = form_field(&c->form, "file");
    struct problem p = { 0 };
    int64_t id = 0;
    if (file == NULL || file->len == 0)
        problem_field(&p, "pem", "Choose a certificate file to upload.");
    else if (file->len > UCPROV_MAX_CERT_FILE)
        problem_field(&p, "pem", "The file is larger than %d bytes; a certificate is smaller.",
                      UCPROV_MAX_CERT_FILE);
    if (p.status == 0 &&
        service_cert_add(c->sv, &c->s.who, store, file->value, file->len, &id, &p) == 0) {
        redirect(c, "/certificates/%lld?done=uploaded", (long long)id);
        return;
    }
    certs_page(c, &c->form, &p);
}

/* ------------------------------------------------------------ one certificate */

void cert_get(struct ctx *c)
{
    cert_page(c, c->m.id, NULL);
}

static void cert_page(struct ctx *c, int64_t id, const struct problem *p)
{
    struct cert_row row;
    struct problem gp = { 0 };
    if (service_cert_get(c->sv, id, &row, &gp) != 0) {
        problem_page(c, &gp);
        return;
    }
    char h1[1024];
    snprintf(h1, sizeof h1, "Certificate Details: %s", row.info.common_name);
    xmlNodePtr content = page_open(c, "Certificate Details", "/certificates", h1);
    if (content != NULL) {
        cert_toolbar(c, content, id);
        if (p != NULL && p->status)
            problem_banner(content, p, NULL);
        else
            done_banner(c, content);
        cert_facts(c, content, &row);
        cert_gateways(c, content, id);
        page_send(c, p && p->status ? p->status : 200);
    }
    cert_row_free(&row);
}

static void cert_toolbar(struct ctx *c, xmlNodePtr content, int64_t id)
{
    char action[64], href[64];
    snprintf(action, sizeof action, "/certificates/%lld", (long long)id);
    xmlNodePtr bar = toolbar(post_form(c, content, action));
    snprintf(href, sizeof href, "/certificates/%lld/pem", (long long)id);
    button_link(bar, href, "Download .PEM File");
    xmlNodePtr del = html_button(bar, "_action", "delete", "Delete", "danger");
    html_attr(del, "data-confirm", "You are about to permanently delete this certificate.");
    button_link(bar, "/certificates", "Back to Find/List");
}

static void fact(xmlNodePtr dl, const char *term, const char *value)
{
    html_el(dl, "dt", term);
    html_el(dl, "dd", value);
}

static void cert_facts(struct ctx *c, xmlNodePtr content, const struct cert_row *row)
{
    const struct cert_info *ci = &row->info;
    xmlNodePtr dl = html_el(content, "dl", NULL);
    html_attr(dl, "class", "facts");
    char buf[512];
    fact(dl, "Common Name", ci->common_name);
    buf[0] = '\0';
    for (size_t i = 0; i < ci->n_sans; i++) {
        size_t used = strlen(buf);
        snprintf(buf + used, sizeof buf - used, "%s%s", i ? ", " : "", ci->sans[i]);
    }
    fact(dl, "Subject Alternative Names", ci->n_sans ? buf : "(none)");
    fact(dl, "Certificate Purpose", row->trust_store);
    fact(dl, "Type", ci->self_signed ? "Self-signed" : "CA-signed");
    fact(dl, "Subject", ci->subject);
    fact(dl, "Issued By", ci->issuer);
    fact(dl, "Serial Number", ci->serial);
    format_time(ci->not_before, buf, sizeof buf);
    fact(dl, "Valid From", buf);
    html_el(dl, "dt", "Valid To");
    xmlNodePtr dd = html_el(dl, "dd", NULL);
    format_time(ci->not_after, buf, sizeof buf);
    html_text(dd, buf);
    enum cert_health h = cert_health(ci, c->now);
    if (h != CERT_VALID)
        html_attr(html_el(dd, "span", h == CERT_EXPIRED ? "expired" : "expires soon"), "class",
                  h == CERT_EXPIRED ? "badge expired" : "badge soon");
    snprintf(buf, sizeof buf, "%s %d bits", ci->key_type, ci->key_bits);
    fact(dl, "Public Key", buf);
    html_el(dl, "dt", "certHash (SHA-1, base64)");
    html_attr(html_el(html_el(dl, "dd", NULL), "code", ci->cert_hash), "id", "cert-hash");
    html_el(dl, "dt", "SHA-256 Fingerprint");
    html_el(html_el(dl, "dd", NULL), "code", ci->sha256_fingerprint);
    format_time(row->created_at, buf, sizeof buf);
    fact(dl, "Uploaded", buf);
}

/* The gateways whose "certificates in this location" hold cert_id: the ones
 * that put its hash on phones. */
static void cert_gateways(struct ctx *c, xmlNodePtr content, int64_t cert_id)
{
    html_el(content, "h2", "VPN Gateways with this Certificate in their Location");
    struct list_query q = { MATCH_ANY, NULL, UCPROV_LIST_MAX_LIMIT, 0 };
    struct record *items = NULL;
    size_t n = 0, found = 0;
    int64_t total;
    struct problem p = { 0 };
    if (service_list(c->sv, ENT_VPN_GATEWAY, &q, &items, &n, &total, &p) != 0)
        n = 0;
    int idx = entity_field_index(entity_get(ENT_VPN_GATEWAY), "certificates");
    xmlNodePtr ul = NULL;
    for (size_t i = 0; i < n; i++) {
        const struct value *certs = &items[i].v[idx];
        for (size_t j = 0; j < certs->n_ids && found < MAX_GATEWAYS_SHOWN; j++) {
            if (certs->ids[j] != cert_id)
                continue;
            char href[64], name[64];
            snprintf(href, sizeof href, "/vpn-gateways/%lld", (long long)items[i].id);
            snprintf(name, sizeof name, "%s", record_text(&items[i], "name"));
            if (ul == NULL)
                ul = xmlNewDocNode(content->doc, NULL, BAD_CAST "ul", NULL);
            html_link(html_el(ul, "li", NULL), href, name);
            found++;
            break;
        }
        record_free(&items[i]);
    }
    free(items);
    if (ul == NULL)
        html_el(content, "p", "None: no phone gets this certificate's hash.");
    else
        xmlAddChild(content, ul);
}

void cert_post(struct ctx *c)
{
    const char *action = form_get(&c->form, "_action");
    struct problem p = { 0 };
    if (action == NULL || strcmp(action, "delete") != 0) {
        problem_set(&p, 400, "unknown action");
        cert_page(c, c->m.id, &p);
        return;
    }
    if (service_cert_delete(c->sv, &c->s.who, c->m.id, &p) == 0) {
        redirect(c, "/certificates?done=deleted");
        return;
    }
    cert_page(c, c->m.id, &p);
}

void cert_pem(struct ctx *c)
{
    struct cert_row row;
    struct problem p = { 0 };
    if (service_cert_get(c->sv, c->m.id, &row, &p) != 0) {
        problem_page(c, &p);
        return;
    }
    char *pem = cert_der_to_pem(row.info.der, row.info.der_len);
    /* The file name comes from the certificate: keep it to safe characters. */
    char name[80], header[128];
    size_t o = 0;
    for (const char *s = row.info.common_name; *s && o + 1 < 64; s++)
        name[o++] = isalnum((unsigned char)*s) || strchr(".-_", *s) ? *s : '_';
    name[o] = '\0';
    snprintf(header, sizeof header, "attachment; filename=\"%s.pem\"",
             o ? name : "certificate");
    cert_row_free(&row);
    if (pem == NULL) {
        send_text(c, 500, "the certificate could not be encoded");
        return;
    }
    http_resp_add_header(c->resp, "Content-Disposition", header);
    http_resp_set(c->resp, 200, "application/x-pem-file", pem, strlen(pem));
}
