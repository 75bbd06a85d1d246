/* asaconfig.c - the ASA side of a VPN group, as configuration to paste.
 *
 * What the group's phones need of the ASA follows from the database: the
 * gateways' URLs, the profiles' authentication method, which models (TLS
 * versions, factory or CAPF certificates) the phones are.  asa.c renders it. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "asa.h"
#include "service/internal.h"

static char *find_pem(struct store *s, const char *common_name, const char *trust_store);
static bool asa_request_valid(const struct asa_request *req, char *pool, size_t pool_len,
                              struct asa_params *params, struct problem *p);
static size_t asa_gateways(struct store *s, const struct value *ids,
                           struct record gw[ASA_MAX_GATEWAYS], struct asa_view *v);
static void asa_fleet(struct store *s, int64_t group_id, struct group_fleet *fleet,
                      struct asa_view *v);
static void asa_trust_list(struct store *s, const struct group_fleet *fleet,
                           char *pems[ASA_MAX_TRUST], struct asa_view *v);

/* The certificates the ASA must trust to accept phones' own certificates,
 * by Cisco's trustpoint names and the common names ucprov looks them up by. */
static const struct {
    const char *trustpoint, *common_name, *why;
    bool for_sha1, for_sha256;
} cisco_chain[] = {
    { "Cisco_Root_CA_M2", "Cisco Root CA M2",
      "phones on their factory certificate (MIC) with a SHA-256 chain: 78xx/88xx", false, true },
    { "Cisco_Manufacturing_CA_SHA2", "Cisco Manufacturing CA SHA2",
      "phones on their factory certificate (MIC) with a SHA-256 chain: 78xx/88xx", false, true },
    { "Cisco_Root_CA_2048", "Cisco Root CA 2048",
      "phones on their factory certificate (MIC) with a SHA-1 chain: 79xx/89xx/99xx", true, false },
    { "Cisco_Manufacturing_CA", "Cisco Manufacturing CA",
      "phones on their factory certificate (MIC) with a SHA-1 chain: 79xx/89xx/99xx", true, false },
};

/* PEM of the first certificate in trust_store (NULL: any) with this common name
 * (NULL: any), or NULL. */
static char *find_pem(struct store *s, const char *common_name, const char *trust_store)
{
    struct list_query q = { MATCH_EXACT, common_name, 1, 0 };
    struct list_query any = { MATCH_ANY, NULL, 1, 0 };
    struct cert_row *rows = NULL;
    size_t n = 0;
    int64_t total = 0;
    if (store_cert_list(s, common_name ? &q : &any, trust_store, &rows, &n, &total) != STORE_OK)
        return NULL;
    char *pem = n > 0 ? cert_der_to_pem(rows[0].info.der, rows[0].info.der_len) : NULL;
    for (size_t i = 0; i < n; i++)
        cert_row_free(&rows[i]);
    free(rows);
    return pem;
}

int service_asa_config(struct service *sv, int64_t group_id, const struct asa_request *req,
                       char **text, struct problem *p)
{
    *text = NULL;
    struct store *s = svc_conn(sv);
    if (s == NULL)
        return svc_fail_internal(p);
    struct asa_params params = { .mask = req->mask, .outside = req->outside,
                                 .trustpoint = req->trustpoint, .cipher_advice = req->ciphers,
                                 .dtls_test = req->dtls_test };
    char pool[64];   /* params.pool_first and pool_last point into it */
    if (!asa_request_valid(req, pool, sizeof pool, &params, p))
        return -1;
    struct record group;
    if (store_record_get(s, ENT_VPN_GROUP, group_id, &group) != STORE_OK) {
        record_free(&group);
        problem_set(p, 404, "there is no VPN group with id %lld", (long long)group_id);
        return -1;
    }
    const struct entity_def *ge = entity_get(ENT_VPN_GROUP);
    struct asa_view v = { .group_name = group.v[entity_field_index(ge, "name")].s };
    struct record gw[ASA_MAX_GATEWAYS];
    size_t n_gw = asa_gateways(s, &group.v[entity_field_index(ge, "gateways")], gw, &v);
    struct group_fleet fleet;
    asa_fleet(s, group_id, &fleet, &v);
    char *pems[ASA_MAX_TRUST] = { 0 };
    asa_trust_list(s, &fleet, pems, &v);
    *text = asa_render(&v, &params);
    for (size_t i = 0; i < v.n_trust; i++)
        free(pems[i]);
    for (size_t i = 0; i < n_gw; i++)
        record_free(&gw[i]);
    record_free(&group);
    return *text ? 0 : svc_fail_internal(p);
}

/* The pool, its mask and the ASA names the admin typed; field errors in p
 * otherwise (joining any the caller found, such as a flag that is neither
 * true nor false), so a bad parameter is a 400 naming it, not a text that
 * only says "refused". */
static bool asa_request_valid(const struct asa_request *req, char *pool, size_t pool_len,
                              struct asa_params *params, struct problem *p)
{
    bool pool_ok = asa_parse_pool(req->pool, pool, pool_len, &params->pool_first,
                                  &params->pool_last);
    if (!pool_ok)
        problem_field(p, "pool", "pool must be a range FIRST-LAST of IPv4 addresses");
    if (!asa_mask_ok(req->mask)) {
        problem_field(p, "mask", "mask must be a netmask such as 255.255.255.0");
    } else if (pool_ok) {
        const char *why = asa_pool_problem(params->pool_first, params->pool_last, req->mask,
                                           NULL);
        if (why != NULL)
            problem_field(p, "pool", "pool does not fit the mask: %s", why);
    }
    if (!asa_name_ok(req->outside))
        problem_field(p, "outside", "outside must be an ASA interface name ([A-Za-z0-9_.-])");
    if (!asa_name_ok(req->trustpoint))
        problem_field(p, "trustpoint", "trustpoint must be an ASA trustpoint name "
                      "([A-Za-z0-9_.-])");
    return p->status == 0;
}

bool service_asa_flag(const char *name, const char *text, bool *on, struct problem *p)
{
    static const char *const words[][2] = {   /* { on, off } */
        { "true", "false" }, { "1", "0" }, { "yes", "no" }, { "on", "off" },
    };
    *on = false;
    if (text == NULL || *text == '\0')
        return true;
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        if (strcmp(text, words[i][0]) == 0 || strcmp(text, words[i][1]) == 0) {
            *on = strcmp(text, words[i][0]) == 0;
            return true;
        }
    }
    problem_field(p, name, "%s must be true or false (or 1 or 0)", name);
    return false;
}

/* The group's gateways, read into gw (freed by the caller), their URLs into v
 * in the group's order; how many were read. */
static size_t asa_gateways(struct store *s, const struct value *ids,
                           struct record gw[ASA_MAX_GATEWAYS], struct asa_view *v)
{
    int url = entity_field_index(entity_get(ENT_VPN_GATEWAY), "url");
    size_t n_gw = 0;
    for (size_t i = 0; i < ids->n_ids && n_gw < ASA_MAX_GATEWAYS; i++)
        if (store_record_get(s, ENT_VPN_GATEWAY, ids->ids[i], &gw[n_gw]) == STORE_OK)
            v->urls[v->n_urls++] = gw[n_gw++].v[url].s;
        else
            record_free(&gw[n_gw]);
    return n_gw;
}

/* How the group's phones log in and which TLS versions their models speak. */
static void asa_fleet(struct store *s, int64_t group_id, struct group_fleet *fleet,
                      struct asa_view *v)
{
    int methods[3];
    size_t n_methods = store_group_auth_methods(s, group_id, methods, 3);
    v->client_auth_method = n_methods ? methods[0] : 0;
    v->mixed_auth_methods = n_methods > 1;
    store_group_fleet(s, group_id, fleet);
    v->models_tls12_only_capable = fleet->phones > 0 && fleet->tls10_only_phones == 0;
    v->models_tls10_only_present = fleet->tls10_only_phones > 0;
    v->models_all_tls10_only = fleet->phones > 0 && fleet->tls12_phones == 0;
}

/* The trustpoints the phones' own certificates need: CAPF for LSCs, Cisco's
 * chains for factory certificates.  pems[i] (freed by the caller) is what
 * ucprov holds of each, NULL when it holds none. */
static void asa_trust_list(struct store *s, const struct group_fleet *fleet,
                           char *pems[ASA_MAX_TRUST], struct asa_view *v)
{
    if (fleet->lsc_phones > 0) {
        size_t t = v->n_trust++;
        pems[t] = find_pem(s, NULL, "CAPF-trust");
        v->trust[t] = (struct asa_trust){ "CAPF", "phones with a locally significant "
                                          "certificate (LSC) issued by CAPF", pems[t] };
    }
    for (size_t i = 0; i < sizeof cisco_chain / sizeof cisco_chain[0]; i++) {
        if (!((cisco_chain[i].for_sha1 && fleet->mic_sha1_phones > 0) ||
              (cisco_chain[i].for_sha256 && fleet->mic_sha256_phones > 0)) ||
            v->n_trust == ASA_MAX_TRUST)
            continue;
        size_t t = v->n_trust++;
        pems[t] = find_pem(s, cisco_chain[i].common_name, NULL);
        v->trust[t] = (struct asa_trust){ cisco_chain[i].trustpoint, cisco_chain[i].why,
                                          pems[t] };
    }
}
