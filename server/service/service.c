/* service.c - validation, transactions and precise cache eviction. */
#include <config.h>

#include <ctype.h>
#include <unistd.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/rand.h>

#include "asa.h"
#include "auth.h"
#include "csvio.h"
#include "embedded.h"
#include "limits.h"
#include "log.h"
#include "render.h"
#include "service/internal.h"
#include "timefmt.h"
#include "verify.h"

#define MAX_USERS_LISTED 20

/* ----------------------------------------------------------------- objects */

const char *svc_record_name(const struct record *r)
{
    int idx = entity_field_index(entity_get(r->kind), "name");
    return idx >= 0 && r->v[idx].s ? r->v[idx].s : "";
}

json_t *svc_cert_summary(int64_t id, const char *trust_store, const struct cert_info *ci)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:I}", "id", (json_int_t)id, "store", trust_store,
                     "common_name", ci->common_name, "cert_hash", ci->cert_hash,
                     "sha256_fingerprint", ci->sha256_fingerprint,
                     "not_after", (json_int_t)ci->not_after);
}

int service_create(struct service *sv, const struct actor *who, struct record *patch,
                   int64_t *id, struct problem *p)
{
    const struct entity_def *e = entity_get(patch->kind);
    struct store *s = svc_conn(sv);
    struct name_list affected = { 0 };
    if (s == NULL)
        return svc_fail_internal(p);
    if (e->singleton || patch->kind == ENT_CERTIFICATE) {
        problem_set(p, 405, "%s objects cannot be created this way", e->label);
        return -1;
    }
    struct record rec;
    record_init_defaults(&rec, patch->kind);
    record_merge(&rec, patch);
    if (store_begin_write(s) != STORE_OK) {
        record_free(&rec);
        return svc_fail_internal(p);
    }
    svc_validate_record(s, &rec, p);
    enum store_status ss = p->status ? STORE_OK : store_record_insert(s, &rec);
    if (p->status == 0 && ss == STORE_OK)
        svc_check_after_write(s, &rec, p);
    if (p->status != 0 || svc_write_status(s, &affected, ss, &rec, p) != 0) {
        store_rollback(s);
        record_free(&rec);
        return -1;
    }
    if (svc_audit(s, who, "create", e->collection, rec.id, svc_record_name(&rec), NULL,
              record_json(&rec)) != 0) {
        svc_refuse(s, &affected, -1);
        record_free(&rec);
        return svc_fail_internal(p);
    }
    store_affected_phones(s, rec.kind, rec.id, &affected);
    int rc = svc_finish_write(sv, s, &affected, p);
    if (rc == 0) {
        *id = rec.id;
        log_info("%s created %s %lld '%s'", who->name, e->label, (long long)rec.id,
                 svc_record_name(&rec));
    }
    record_free(&rec);
    return rc;
}

int service_update(struct service *sv, const struct actor *who, enum entity_kind kind,
                   int64_t id, struct record *patch, struct problem *p)
{
    return service_update_guarded(sv, who, kind, id, patch, true, p);
}

int service_update_guarded(struct service *sv, const struct actor *who, enum entity_kind kind,
                           int64_t id, struct record *patch, bool rollover_confirmed,
                           struct problem *p)
{
    const struct entity_def *e = entity_get(kind);
    struct store *s = svc_conn(sv);
    struct name_list affected = { 0 };
    if (s == NULL)
        return svc_fail_internal(p);
    if (e->singleton)
        id = 1;
    if (store_begin_write(s) != STORE_OK)
        return svc_fail_internal(p);
    struct record rec;
    enum store_status ss = store_record_get(s, kind, id, &rec);
    if (ss != STORE_OK) {
        rec.kind = kind;
        rec.id = id;
        svc_write_status(s, &affected, ss, &rec, p);
        record_free(&rec);
        return -1;
    }
    /* Inside the write's transaction, so no fetch or edit slips between the
     * check and the change it allows. */
    int certs = kind == ENT_VPN_GATEWAY ? entity_field_index(e, "certificates") : -1;
    if (!rollover_confirmed && certs >= 0 && patch->v[certs].set &&
        service_rollover_check(sv, id, patch->v[certs].ids, patch->v[certs].n_ids, p) != 0) {
        svc_refuse(s, &affected, -1);
        record_free(&rec);
        return -1;
    }
    /* Phones that depended on the old state and those that depend on the new one. */
    store_affected_phones(s, kind, id, &affected);
    json_t *before = record_json(&rec);
    record_merge(&rec, patch);
    svc_validate_record(s, &rec, p);
    ss = p->status ? STORE_OK : store_record_update(s, &rec);
    if (p->status == 0 && ss == STORE_OK)
        svc_check_after_write(s, &rec, p);
    if (p->status != 0 || svc_write_status(s, &affected, ss, &rec, p) != 0) {
        svc_refuse(s, &affected, -1);
        record_free(&rec);
        json_decref(before);
        return -1;
    }
    json_t *after = record_json(&rec);
    if (json_equal(before, after)) {
        json_decref(before);
        json_decref(after);
    } else if (svc_audit(s, who, "update", e->collection, e->singleton ? 0 : id, svc_record_name(&rec),
                     before, after) != 0) {
        svc_refuse(s, &affected, -1);
        record_free(&rec);
        return svc_fail_internal(p);
    }
    store_affected_phones(s, kind, id, &affected);
    int rc = svc_finish_write(sv, s, &affected, p);
    if (rc == 0)
        log_info("%s updated %s %lld '%s'", who->name, e->label, (long long)id,
                 svc_record_name(&rec));
    record_free(&rec);
    return rc;
}

void svc_refuse_in_use(struct store *s, enum entity_kind kind, int64_t id, const char *what,
                          struct problem *p)
{
    struct object_ref users[MAX_USERS_LISTED];
    size_t total = store_record_users(s, kind, id, users, MAX_USERS_LISTED);
    char list[400] = "";
    size_t shown = total < MAX_USERS_LISTED ? total : MAX_USERS_LISTED;
    for (size_t i = 0; i < shown; i++) {
        size_t used = strlen(list);
        snprintf(list + used, sizeof list - used, "%s%s '%s'", i ? ", " : "",
                 entity_get(users[i].kind)->label, users[i].name);
    }
    problem_set(p, 409, "%s is still in use by %zu object%s: %s%s", what, total,
                total == 1 ? "" : "s", list, total > shown ? ", ..." : "");
    for (size_t i = 0; i < shown; i++) {
        char msg[128];
        snprintf(msg, sizeof msg, "used by %s %lld '%s'", entity_get(users[i].kind)->label,
                 (long long)users[i].id, users[i].name);
        problem_field(p, entity_get(users[i].kind)->collection, "%s", msg);
    }
}

int service_delete(struct service *sv, const struct actor *who, enum entity_kind kind,
                   int64_t id, struct problem *p)
{
    const struct entity_def *e = entity_get(kind);
    struct store *s = svc_conn(sv);
    struct name_list affected = { 0 };
    if (s == NULL)
        return svc_fail_internal(p);
    if (e->singleton) {
        problem_set(p, 405, "the %s cannot be deleted", e->label);
        return -1;
    }
    if (store_begin_write(s) != STORE_OK)
        return svc_fail_internal(p);
    if (!store_record_exists(s, kind, id)) {
        problem_set(p, 404, "there is no %s with id %lld", e->label, (long long)id);
        return svc_refuse(s, &affected, -1);
    }
    struct object_ref probe;
    if (store_record_users(s, kind, id, &probe, 1) > 0) {
        char what[96];
        snprintf(what, sizeof what, "%s %lld", e->label, (long long)id);
        svc_refuse_in_use(s, kind, id, what, p);
        return svc_refuse(s, &affected, -1);
    }
    store_affected_phones(s, kind, id, &affected);
    json_t *before = NULL;
    char name[256] = "";
    if (kind == ENT_CERTIFICATE) {
        struct cert_row row;
        if (store_cert_get(s, id, &row) == STORE_OK) {
            before = svc_cert_summary(id, row.trust_store, &row.info);
            snprintf(name, sizeof name, "%s", row.info.common_name);
            cert_row_free(&row);
        }
    } else {
        struct record old;
        if (store_record_get(s, kind, id, &old) == STORE_OK) {
            before = record_json(&old);
            snprintf(name, sizeof name, "%s", svc_record_name(&old));
        }
        record_free(&old);
    }
    enum store_status ss = kind == ENT_CERTIFICATE ? store_cert_delete(s, id)
                                                   : store_record_delete(s, kind, id);
    if (ss == STORE_IN_USE) {
        json_decref(before);
        problem_set(p, 409, "%s %lld is still in use", e->label, (long long)id);
        return svc_refuse(s, &affected, -1);
    }
    if (ss != STORE_OK || svc_audit(s, who, "delete", e->collection, id, name, before, NULL) != 0) {
        if (ss != STORE_OK)
            json_decref(before);
        svc_refuse(s, &affected, -1);
        return svc_fail_internal(p);
    }
    int rc = svc_finish_write(sv, s, &affected, p);
    if (rc == 0)
        log_info("%s deleted %s %lld", who->name, e->label, (long long)id);
    return rc;
}

int service_get(struct service *sv, enum entity_kind kind, int64_t id, struct record *out,
                struct problem *p)
{
    const struct entity_def *e = entity_get(kind);
    struct store *s = svc_conn(sv);
    if (s == NULL)
        return svc_fail_internal(p);
    enum store_status ss = store_record_get(s, kind, e->singleton ? 1 : id, out);
    if (ss == STORE_NOT_FOUND) {
        problem_set(p, 404, "there is no %s with id %lld", e->label, (long long)id);
        return -1;
    }
    return ss == STORE_OK ? 0 : svc_fail_internal(p);
}

int service_list(struct service *sv, enum entity_kind kind, const struct list_query *q,
                 struct record **items, size_t *n, int64_t *total, struct problem *p)
{
    struct store *s = svc_conn(sv);
    if (s == NULL)
        return svc_fail_internal(p);
    return store_record_list(s, kind, q, items, n, total) == STORE_OK ? 0 : svc_fail_internal(p);
}

int service_lookup_name(struct service *sv, enum entity_kind kind, const char *name, int64_t *id)
{
    struct store *s = svc_conn(sv);
    return s && store_record_id_by_name(s, kind, name, id) == STORE_OK ? 0 : -1;
}

/* ------------------------------------------------------------ certificates */

int service_cert_add(struct service *sv, const struct actor *who, const char *trust_store,
                     const void *bytes, size_t len, int64_t *id, struct problem *p)
{
    struct store *s = svc_conn(sv);
    if (s == NULL)
        return svc_fail_internal(p);
    if (trust_store == NULL || !trust_store_valid(trust_store)) {
        problem_field(p, "store", "store must be one of Phone-VPN-trust, Phone-trust, "
                      "CallManager-trust, CAPF-trust");
        return -1;
    }
    struct cert_info ci;
    enum cert_error ce = cert_parse(bytes, len, &ci);
    if (ce != CERT_OK) {
        problem_field(p, "pem", "%s", cert_error_message(ce));
        return -1;
    }
    if (store_begin_write(s) != STORE_OK) {
        cert_info_free(&ci);
        return svc_fail_internal(p);
    }
    enum store_status ss = store_cert_insert(s, trust_store, &ci, (int64_t)time(NULL), id);
    if (ss == STORE_OK && svc_audit(s, who, "create", "certificates", *id, ci.common_name, NULL,
                                svc_cert_summary(*id, trust_store, &ci)) != 0)
        ss = STORE_ERROR;
    if (ss == STORE_CONFLICT) {
        problem_set(p, 409, "this certificate (%s) is already in %s", ci.common_name,
                    trust_store);
        problem_field(p, "pem", "duplicate certificate");
    } else if (ss != STORE_OK) {
        svc_fail_internal(p);
    } else if (store_commit(s) != STORE_OK) {
        svc_fail_internal(p);
    }
    if (p->status != 0) {
        store_rollback(s);
        cert_info_free(&ci);
        return -1;
    }
    log_info("%s added certificate %lld '%s' to %s", who->name, (long long)*id, ci.common_name,
             trust_store);
    cert_info_free(&ci);
    return 0;
}

int service_cert_get(struct service *sv, int64_t id, struct cert_row *out, struct problem *p)
{
    struct store *s = svc_conn(sv);
    if (s == NULL)
        return svc_fail_internal(p);
    enum store_status ss = store_cert_get(s, id, out);
    if (ss == STORE_NOT_FOUND) {
        problem_set(p, 404, "there is no certificate with id %lld", (long long)id);
        return -1;
    }
    return ss == STORE_OK ? 0 : svc_fail_internal(p);
}

int service_cert_list(struct service *sv, const struct list_query *q, const char *trust_store,
                      struct cert_row **rows, size_t *n, int64_t *total, struct problem *p)
{
    struct store *s = svc_conn(sv);
    if (s == NULL)
        return svc_fail_internal(p);
    return store_cert_list(s, q, trust_store, rows, n, total) == STORE_OK ? 0 : svc_fail_internal(p);
}

int service_cert_set_trust_store(struct service *sv, const struct actor *who, int64_t id,
                                 const char *trust_store, struct problem *p)
{
    struct store *s = svc_conn(sv);
    struct name_list affected = { 0 };
    if (s == NULL)
        return svc_fail_internal(p);
    if (trust_store == NULL || !trust_store_valid(trust_store)) {
        problem_field(p, "store", "store must be one of Phone-VPN-trust, Phone-trust, "
                      "CallManager-trust, CAPF-trust");
        return -1;
    }
    if (store_begin_write(s) != STORE_OK)
        return svc_fail_internal(p);
    struct cert_row row;
    if (store_cert_get(s, id, &row) != STORE_OK) {
        problem_set(p, 404, "there is no certificate with id %lld", (long long)id);
        return svc_refuse(s, &affected, -1);
    }
    bool leaving_vpn = strcmp(row.trust_store, TRUST_STORE_PHONE_VPN) == 0 &&
                       strcmp(trust_store, TRUST_STORE_PHONE_VPN) != 0;
    char old_store[32];
    snprintf(old_store, sizeof old_store, "%s", row.trust_store);
    cert_row_free(&row);
    struct object_ref probe;
    if (leaving_vpn && store_record_users(s, ENT_CERTIFICATE, id, &probe, 1) > 0) {
        svc_refuse_in_use(s, ENT_CERTIFICATE, id, "the certificate", p);
        return svc_refuse(s, &affected, -1);
    }
    enum store_status ss = store_cert_set_trust_store(s, id, trust_store);
    if (ss == STORE_OK) {
        struct cert_row now;
        if (store_cert_get(s, id, &now) != STORE_OK ||
            svc_audit(s, who, "update", "certificates", id, now.info.common_name,
                  json_pack("{s:s}", "store", old_store), json_pack("{s:s}", "store",
                  trust_store)) != 0)
            ss = STORE_ERROR;
        cert_row_free(&now);
    }
    if (ss == STORE_CONFLICT) {
        problem_set(p, 409, "the same certificate is already in %s", trust_store);
        return svc_refuse(s, &affected, -1);
    }
    if (ss != STORE_OK) {
        svc_refuse(s, &affected, -1);
        return svc_fail_internal(p);
    }
    int rc = svc_finish_write(sv, s, &affected, p);
    if (rc == 0)
        log_info("%s moved certificate %lld to %s", who->name, (long long)id, trust_store);
    return rc;
}

int service_cert_delete(struct service *sv, const struct actor *who, int64_t id,
                        struct problem *p)
{
    return service_delete(sv, who, ENT_CERTIFICATE, id, p);
}

/* ------------------------------------------------------------ the ASA side */

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

/* PEM of the first certificate with this common name (any store), or NULL. */
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
    char pool[64];
    if (!asa_parse_pool(req->pool, pool, sizeof pool, &params.pool_first, &params.pool_last))
        problem_field(p, "pool", "pool must be a range FIRST-LAST of IPv4 addresses");
    if (!asa_name_ok(req->outside))
        problem_field(p, "outside", "outside must be an ASA interface name ([A-Za-z0-9_.-])");
    if (!asa_name_ok(req->trustpoint))
        problem_field(p, "trustpoint", "trustpoint must be an ASA trustpoint name ([A-Za-z0-9_.-])");
    if (p->status)
        return -1;

    struct record group;
    if (store_record_get(s, ENT_VPN_GROUP, group_id, &group) != STORE_OK) {
        record_free(&group);
        problem_set(p, 404, "there is no VPN group with id %lld", (long long)group_id);
        return -1;
    }
    const struct entity_def *ge = entity_get(ENT_VPN_GROUP), *gwe = entity_get(ENT_VPN_GATEWAY);
    struct asa_view v = { .group_name = group.v[entity_field_index(ge, "name")].s };
    const struct value *gws = &group.v[entity_field_index(ge, "gateways")];
    struct record gw[ASA_MAX_GATEWAYS];
    size_t n_gw = 0;
    for (size_t i = 0; i < gws->n_ids && n_gw < ASA_MAX_GATEWAYS; i++)
        if (store_record_get(s, ENT_VPN_GATEWAY, gws->ids[i], &gw[n_gw]) == STORE_OK)
            v.urls[v.n_urls++] = gw[n_gw++].v[entity_field_index(gwe, "url")].s;
        else
            record_free(&gw[n_gw]);

    int methods[3];
    size_t n_methods = store_group_auth_methods(s, group_id, methods, 3);
    v.client_auth_method = n_methods ? methods[0] : 0;
    v.mixed_auth_methods = n_methods > 1;
    struct group_fleet fleet;
    store_group_fleet(s, group_id, &fleet);
    v.models_tls12_only_capable = fleet.phones > 0 && fleet.tls10_only_phones == 0;
    v.models_tls10_only_present = fleet.tls10_only_phones > 0;
    v.models_all_tls10_only = fleet.phones > 0 && fleet.tls12_phones == 0;

    char *pems[ASA_MAX_TRUST] = { 0 };
    if (fleet.lsc_phones > 0) {
        size_t t = v.n_trust++;
        pems[t] = find_pem(s, NULL, "CAPF-trust");
        v.trust[t] = (struct asa_trust){ "CAPF", "phones with a locally significant "
                                         "certificate (LSC) issued by CAPF", pems[t] };
    }
    for (size_t i = 0; i < sizeof cisco_chain / sizeof cisco_chain[0]; i++) {
        if (!((cisco_chain[i].for_sha1 && fleet.mic_sha1_phones > 0) ||
              (cisco_chain[i].for_sha256 && fleet.mic_sha256_phones > 0)) ||
            v.n_trust == ASA_MAX_TRUST)
            continue;
        size_t t = v.n_trust++;
        pems[t] = find_pem(s, cisco_chain[i].common_name, NULL);
        v.trust[t] = (struct asa_trust){ cisco_chain[i].trustpoint, cisco_chain[i].why, pems[t] };
    }
    *text = asa_render(&v, &params);
    for (size_t i = 0; i < v.n_trust; i++)
        free(pems[i]);
    for (size_t i = 0; i < n_gw; i++)
        record_free(&gw[i]);
    record_free(&group);
    return *text ? 0 : svc_fail_internal(p);
}

/* ---------------------------------------------------------- model catalogue */

int service_model_list(struct service *sv, struct phone_model **out, size_t *n, struct problem *p)
{
    struct store *s = svc_conn(sv);
    if (s == NULL || store_model_list(s, out, n) != STORE_OK)
        return svc_fail_internal(p);
    return 0;
}

/* A new firmware load for a model: every phone of it, and XMLDefault, change. */
int service_model_set_load(struct service *sv, const struct actor *who, int model_id,
                           const char *load, struct problem *p)
{
    struct store *s = svc_conn(sv);
    if (s == NULL)
        return svc_fail_internal(p);
    static const struct field_def load_field = { "default_load", "Phone Load Name", FT_TEXT,
                                                 false, 0, 64, 0, NULL, 0 };
    svc_validate_text(&load_field, load, p);
    for (const char *c = load; p->status == 0 && *c; c++)
        if (!isalnum((unsigned char)*c) && !strchr("._-", *c))
            problem_field(p, "default_load", "a load name is letters, digits and ._-");
    if (p->status)
        return -1;
    if (store_begin_write(s) != STORE_OK)
        return svc_fail_internal(p);
    enum store_status ss = store_model_set_load(s, model_id, load);
    char name[32];
    snprintf(name, sizeof name, "%d", model_id);
    if (ss == STORE_OK && svc_audit(s, who, "update", "phone-models", model_id, name, NULL,
                                json_pack("{s:s}", "default_load", load)) != 0)
        ss = STORE_ERROR;
    if (ss != STORE_OK) {
        store_rollback(s);
        if (ss == STORE_NOT_FOUND) {
            problem_set(p, 404, "there is no phone model with id %d", model_id);
            return -1;
        }
        return svc_fail_internal(p);
    }
    if (store_commit(s) != STORE_OK)
        return svc_fail_internal(p);
    svc_evict_all(sv);
    log_info("%s set the load of model %d to %s", who->name, model_id, load);
    return 0;
}
