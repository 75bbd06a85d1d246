/* diagnose.c - what needs the admin's attention, and a gateway checked as a
 * phone would check it.
 *
 * Diagnostics look at the whole site (certificates, gateways, models); save
 * warnings look only at what one save can have broken.  Verifying a device
 * reads the URLs and hashes from its rendered file, exactly as the phone
 * does, and connects to each gateway (verify.c). */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "cache.h"
#include "limits.h"
#include "scanwatch.h"
#include "timefmt.h"
#include "service/internal.h"
#include "verify.h"

static bool probe_allowed(struct service *sv, const char *url, struct gateway_probe *g);

#define DIAG_MAX 512

struct diag_list {
    struct diagnostic *items;
    size_t n;
};

static struct diagnostic *diag_add(struct diag_list *l, enum diag_severity sev,
                                   const char *code, enum entity_kind kind, int64_t id,
                                   const char *name);
static void diagnose_certificate(const struct cert_row *row, int64_t now, int expiry_days,
                                 struct diag_list *l);
static void diagnose_certificates(struct store *s, int expiry_days, struct diag_list *l);
static void diagnose_gateway(struct store *s, const struct record *gw, struct diag_list *l);
static void diagnose_models(struct store *s, const char *only, struct diag_list *l);
static void diagnose_lines(struct store *s, const struct record *phone, struct diag_list *l);
static int diag_begin(struct service *sv, struct store **s, struct diag_list *l,
                      struct problem *p);
static void diagnose_all_gateways(struct store *s, struct diag_list *l);
static void diagnose_scans(struct diag_list *l);
static xmlNodePtr xml_child(xmlNodePtr parent, const char *name);
static size_t config_gateways(const struct cache_blob *b, char (*urls)[1024], size_t max_urls,
                              char (*hashes)[29], size_t *n_hashes, bool *host_id_check);

static struct diagnostic *diag_add(struct diag_list *l, enum diag_severity sev,
                                   const char *code, enum entity_kind kind, int64_t id,
                                   const char *name)
{
    if (l->n == DIAG_MAX)
        return NULL;
    struct diagnostic *d = &l->items[l->n++];
    memset(d, 0, sizeof *d);
    d->severity = sev;
    d->code = code;
    d->kind = kind;
    d->id = id;
    snprintf(d->name, sizeof d->name, "%s", name);
    return d;
}

static void diagnose_certificate(const struct cert_row *row, int64_t now, int expiry_days,
                                 struct diag_list *l)
{
    const struct cert_info *ci = &row->info;
    int64_t days = (ci->not_after - now) / 86400;
    bool expired = ci->not_after < now;
    if (!expired && days >= expiry_days)
        return;
    struct diagnostic *d = diag_add(l, DIAG_WARNING, expired ? "certificate_expired"
                                    : "certificate_expiring", ENT_CERTIFICATE, row->id,
                                    ci->common_name);
    if (d == NULL)
        return;
    if (expired) {
        snprintf(d->message, sizeof d->message, "certificate %s in %s expired %lld days ago",
                 ci->common_name, row->trust_store, (long long)-days);
        snprintf(d->fix, sizeof d->fix, "renew it on the device that owns it and follow "
                 "the rollover order: add the new one beside it, let phones fetch, switch, "
                 "then remove this one");
    } else {
        snprintf(d->message, sizeof d->message, "certificate %s in %s expires in %lld days",
                 ci->common_name, row->trust_store, (long long)days);
        snprintf(d->fix, sizeof d->fix, "start the rollover now: upload the renewed "
                 "certificate and add it to the gateway beside this one, so phones have "
                 "both hashes before the ASA switches");
    }
}

static void diagnose_certificates(struct store *s, int expiry_days, struct diag_list *l)
{
    struct list_query q = { MATCH_ANY, NULL, UCPROV_LIST_MAX_LIMIT, 0 };
    struct cert_row *rows = NULL;
    size_t n = 0;
    int64_t total = 0, now = (int64_t)time(NULL);
    if (store_cert_list(s, &q, NULL, &rows, &n, &total) != STORE_OK)
        return;
    for (size_t i = 0; i < n; i++) {
        diagnose_certificate(&rows[i], now, expiry_days, l);
        cert_row_free(&rows[i]);
    }
    free(rows);
}

static void diagnose_gateway(struct store *s, const struct record *gw, struct diag_list *l)
{
    const struct entity_def *e = entity_get(ENT_VPN_GATEWAY);
    const char *name = gw->v[entity_field_index(e, "name")].s;
    const char *url = gw->v[entity_field_index(e, "url")].s;
    const struct value *certs = &gw->v[entity_field_index(e, "certificates")];
    char host[256] = "", port[8];
    gateway_url_split(url ? url : "", host, sizeof host, port, sizeof port);
    int64_t now = (int64_t)time(NULL);
    size_t expired = 0;
    bool host_match = false, wildcard = false;
    for (size_t i = 0; i < certs->n_ids; i++) {
        struct cert_row row;
        if (store_cert_get(s, certs->ids[i], &row) != STORE_OK)
            continue;
        expired += row.info.not_after < now;
        host_match |= cert_matches_host(&row.info, host);
        wildcard |= cert_wildcard_for_host(&row.info, host);
        cert_row_free(&row);
    }
    if (certs->n_ids > 0 && expired == certs->n_ids) {
        struct diagnostic *d = diag_add(l, DIAG_ERROR, "gateway_all_certificates_expired",
                                        ENT_VPN_GATEWAY, gw->id, name);
        if (d) {
            snprintf(d->message, sizeof d->message, "every certificate on gateway %s has expired",
                     name);
            snprintf(d->fix, sizeof d->fix, "upload the ASA's current identity certificate to "
                     "Phone-VPN-trust and add it to the gateway");
        }
    }
    char sources[4][64];
    size_t n_sources = store_gateway_host_id_sources(s, gw->id, sources, 4);
    if (n_sources == 0 || host_match)
        return;
    struct diagnostic *d = diag_add(l, DIAG_WARNING, "host_id_check_mismatch", ENT_VPN_GATEWAY,
                                    gw->id, name);
    if (d == NULL)
        return;
    snprintf(d->message, sizeof d->message, "Host ID Check is on (%s%s) but the host %s of gateway "
             "%s's URL matches no certificate's CN or SAN%s", sources[0],
             n_sources > 1 ? " and others" : "", host, name,
             wildcard ? "; only a wildcard certificate covers it, which phones reject" : "");
    snprintf(d->fix, sizeof d->fix, "put a certificate whose CN or a SAN is exactly %s on the "
             "gateway (and on the ASA), or turn Enable Host ID Check off in %s", host, sources[0]);
}

/* A line registers with digest credentials: an 8841 and others send no
 * REGISTER without authName, so a number without both is a line without
 * dial tone (issue 12). */
static void diagnose_lines(struct store *s, const struct record *phone, struct diag_list *l)
{
    const struct entity_def *e = entity_get(ENT_PHONE);
    const struct value *pool = &phone->v[entity_field_index(e, "device_pool")];
    const struct value *lines = &phone->v[entity_field_index(e, "lines")];
    const struct entity_def *dn_e = entity_get(ENT_DIRECTORY_NUMBER);
    for (size_t i = 0; !pool->is_null && i < lines->n_lines; i++) {
        struct record dn;
        if (store_record_get(s, ENT_DIRECTORY_NUMBER, lines->lines[i].directory_number, &dn) !=
            STORE_OK)
            continue;
        const char *user = dn.v[entity_field_index(dn_e, "auth_name")].s;
        const char *secret = dn.v[entity_field_index(dn_e, "auth_password")].s;
        const char *pattern = dn.v[entity_field_index(dn_e, "pattern")].s;
        struct diagnostic *d = (user && *user && secret && *secret) ? NULL
            : diag_add(l, DIAG_WARNING, "line_without_credentials", ENT_DIRECTORY_NUMBER, dn.id,
                       pattern ? pattern : "");
        if (d != NULL) {
            snprintf(d->message, sizeof d->message, "line %lld of %s (directory number %s) has "
                     "no digest user and password: the phone does not register it",
                     (long long)lines->lines[i].button, svc_record_name(phone),
                     pattern ? pattern : "");
            snprintf(d->fix, sizeof d->fix, "set the Digest User and Digest Password of "
                     "directory number %s", pattern ? pattern : "");
        }
        record_free(&dn);
    }
}

static void diagnose_models(struct store *s, const char *only, struct diag_list *l)
{
    char names[20][16], models[20][64];
    size_t total = store_phones_vpn_unsupported(s, only, names, models, 20);
    for (size_t i = 0; i < total && i < 20; i++) {
        struct diagnostic *d = diag_add(l, DIAG_WARNING, "model_without_vpn_client", ENT_PHONE, 0,
                                        names[i]);
        if (d == NULL)
            return;
        snprintf(d->message, sizeof d->message, "phone %s (%s) has a VPN common phone profile but "
                 "its model has no VPN client%s", names[i], models[i],
                 i == 19 && total > 20 ? " (and more)" : "");
        snprintf(d->fix, sizeof d->fix, "give it a common phone profile without a VPN group, or "
                 "replace it with a model that carries the VPN client (88xx, 79x2/79x5, 89xx, "
                 "99xx)");
    }
}

/* The calling thread's connection and an empty list to fill; -1 with p set. */
static int diag_begin(struct service *sv, struct store **s, struct diag_list *l,
                      struct problem *p)
{
    *s = svc_conn(sv);
    if (*s == NULL)
        return svc_fail_internal(p);
    l->items = calloc(DIAG_MAX, sizeof *l->items);
    l->n = 0;
    return l->items ? 0 : svc_fail_internal(p);
}

static void diagnose_all_gateways(struct store *s, struct diag_list *l)
{
    struct list_query q = { MATCH_ANY, NULL, UCPROV_LIST_MAX_LIMIT, 0 };
    struct record *gws = NULL;
    size_t ngw = 0;
    int64_t total = 0;
    if (store_record_list(s, ENT_VPN_GATEWAY, &q, &gws, &ngw, &total) == STORE_OK)
        for (size_t i = 0; i < ngw; i++)
            diagnose_gateway(s, &gws[i], l);
    for (size_t i = 0; i < ngw; i++)
        record_free(&gws[i]);
    free(gws);
}

/* Hosts that walked unknown MACs on the config ports (scanwatch.c). */
static void diagnose_scans(struct diag_list *l)
{
    struct scan_host hosts[16];
    size_t total = scanwatch_flagged(hosts, 16, time_now_ms());
    for (size_t i = 0; i < total && i < 16; i++) {
        char client[64];
        snprintf(client, sizeof client, "%.63s", hosts[i].client);
        struct diagnostic *d = diag_add(l, DIAG_WARNING, "mac_scan", ENT_PHONE, 0, client);
        if (d == NULL)
            return;
        snprintf(d->message, sizeof d->message, "%.63s asked for the config files of %u phones "
                 "that do not exist within %d minutes: someone may be walking MAC addresses "
                 "to collect the passwords in phones' files%s.", client,
                 hosts[i].unknown, UCPROV_SCAN_WINDOW_S / 60,
                 hosts[i].refused ? " (its requests are being refused)" : "");
        snprintf(d->fix, sizeof d->fix, "See what it asked for: GET /api/v1/fetch-log (its "
                 "address); block it at the network, or start ucprovd with --refuse-mac-scans.");
    }
}

int service_diagnostics(struct service *sv, int expiry_days, struct diagnostic **out, size_t *n,
                        struct problem *p)
{
    struct store *s;
    struct diag_list l;
    if (diag_begin(sv, &s, &l, p) != 0)
        return -1;
    diagnose_certificates(s, expiry_days, &l);
    diagnose_all_gateways(s, &l);
    diagnose_models(s, NULL, &l);
    l.n += svc_trust_diagnose(sv, s, expiry_days, l.items + l.n, DIAG_MAX - l.n);
    diagnose_scans(&l);
    *out = l.items;
    *n = l.n;
    return 0;
}

/* Only what this save can have caused, so that saving a phone costs one query
 * rather than a whole diagnostics run over every certificate and phone. */
int service_save_warnings(struct service *sv, const struct record *saved,
                          struct diagnostic **out, size_t *n, struct problem *p)
{
    struct store *s;
    struct diag_list l;
    if (diag_begin(sv, &s, &l, p) != 0)
        return -1;
    enum entity_kind k = saved->kind;
    if (k == ENT_VPN_GATEWAY)
        diagnose_gateway(s, saved, &l);
    else if (k == ENT_VPN_PROFILE || k == ENT_COMMON_PHONE_PROFILE || k == ENT_VPN_GROUP ||
             k == ENT_VPN_FEATURE_CONFIGURATION)
        diagnose_all_gateways(s, &l);
    if (k == ENT_PHONE) {
        diagnose_models(s, svc_record_name(saved), &l);
        diagnose_lines(s, saved, &l);
    }
    else if (k == ENT_COMMON_PHONE_PROFILE)
        diagnose_models(s, NULL, &l);
    /* A save warns about what it can break, not about expiry it did not touch. */
    size_t kept = 0;
    for (size_t i = 0; i < l.n; i++)
        if (strcmp(l.items[i].code, "gateway_all_certificates_expired") != 0)
            l.items[kept++] = l.items[i];
    *out = l.items;
    *n = kept;
    return 0;
}

/* ----------------------------------------------------------- verify gateway */

static xmlNodePtr xml_child(xmlNodePtr parent, const char *name)
{
    for (xmlNodePtr c = parent ? parent->children : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && xmlStrcmp(c->name, BAD_CAST name) == 0)
            return c;
    return NULL;
}

/* The URLs and hashes exactly as the phone reads them: from its rendered file. */
static size_t config_gateways(const struct cache_blob *b, char (*urls)[1024], size_t max_urls,
                              char (*hashes)[29], size_t *n_hashes, bool *host_id_check)
{
    size_t n_urls = 0;
    *n_hashes = 0;
    *host_id_check = false;
    xmlDocPtr doc = xmlReadMemory((const char *)b->data, (int)b->len, "config.xml", NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    xmlNodePtr vpn = doc ? xml_child(xmlDocGetRootElement(doc), "vpnGroup") : NULL;
    xmlNodePtr check = xml_child(vpn, "enableHostIDCheck");
    if (check != NULL) {
        xmlChar *text = xmlNodeGetContent(check);
        *host_id_check = text && xmlStrcmp(text, BAD_CAST "1") == 0;
        xmlFree(text);
    }
    for (xmlNodePtr c = xml_child(vpn, "addresses") ? xml_child(vpn, "addresses")->children
                                                    : NULL; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || n_urls == max_urls)
            continue;
        xmlChar *text = xmlNodeGetContent(c);
        snprintf(urls[n_urls++], 1024, "%s", text ? (const char *)text : "");
        xmlFree(text);
    }
    for (xmlNodePtr c = xml_child(vpn, "credentials") ? xml_child(vpn, "credentials")->children
                                                      : NULL; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || xmlStrncmp(c->name, BAD_CAST "certHash", 8) != 0 ||
            *n_hashes == VIEW_MAX_HASHES)
            continue;
        xmlChar *text = xmlNodeGetContent(c);
        snprintf(hashes[(*n_hashes)++], 29, "%s", text ? (const char *)text : "");
        xmlFree(text);
    }
    xmlFreeDoc(doc);
    return n_urls;
}

/* The check connects only where phones would: the https:// address of a VPN
 * gateway in the database, on 443 or a port above the well-known ones, so
 * it cannot be turned into a probe of the network's other services. */
static bool probe_allowed(struct service *sv, const char *url, struct gateway_probe *g)
{
    char host[256], port[8];
    bool https = strncasecmp(url, "https://", 8) == 0 &&
                 gateway_url_split(url, host, sizeof host, port, sizeof port);
    long pn = https ? strtol(port, NULL, 10) : 0;
    bool known = false;
    struct store *s = svc_conn(sv);
    int64_t id;
    if (https && s != NULL)
        known = store_gateway_by_url(s, url, &id) == STORE_OK;
    if (https && known && (pn == 443 || (pn >= 1024 && pn <= 65535)))
        return true;
    memset(g, 0, sizeof *g);
    snprintf(g->url, sizeof g->url, "%s", url);
    snprintf(g->error, sizeof g->error, "not checked: only a VPN gateway's own https:// address, "
             "on port 443 or above 1023, is probed");
    return false;
}

int service_verify_gateways(struct service *sv, const char *device, struct gateway_probe **out,
                            size_t *n, struct problem *p)
{
    *out = NULL;
    *n = 0;
    char name[16];
    if (!device_name_normalise(device, name)) {
        problem_field(p, "name", "a device name is SEP followed by 12 hex digits");
        return -1;
    }
    struct cache_blob *b = service_render(sv, name);
    if (b == NULL) {
        problem_set(p, 404, "there is no phone named %s", name);
        return -1;
    }
    char urls[VIEW_MAX_URLS][1024], hashes[VIEW_MAX_HASHES][29];
    size_t n_hashes;
    bool host_id_check;
    size_t n_urls = config_gateways(b, urls, VIEW_MAX_URLS, hashes, &n_hashes, &host_id_check);
    cache_blob_unref(b);
    if (n_urls == 0) {
        problem_set(p, 409, "%s's config has no vpnGroup: its common phone profile names no "
                    "VPN group", name);
        return -1;
    }
    *out = calloc(n_urls, sizeof **out);
    if (*out == NULL)
        return svc_fail_internal(p);
    for (size_t i = 0; i < n_urls; i++) {
        if (probe_allowed(sv, urls[i], &(*out)[i]))
            verify_gateway(urls[i], (const char (*)[29])hashes, n_hashes,
                           UCPROV_VERIFY_TIMEOUT_MS, &(*out)[i]);
        (*out)[i].host_id_required = host_id_check;
    }
    *n = n_urls;
    return 0;
}
