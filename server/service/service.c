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

/* -------------------------------------------------------------------- demo */

static const char demo_gateway[] = "ASAv-Lab";
static const char *const demo_phones[] = {
    "SEP00562B043615", "SEP00562B043616", "SEP00562B043617",
};

static void set_field(struct record *r, const char *name, const char *text, int64_t i)
{
    int idx = entity_field_index(entity_get(r->kind), name);
    if (idx < 0)
        return;
    if (text != NULL)
        value_set_text(&r->v[idx], text);
    else
        value_set_int(&r->v[idx], i);
}

static void set_ids(struct record *r, const char *name, int64_t id)
{
    int idx = entity_field_index(entity_get(r->kind), name);
    r->v[idx].ids = malloc(sizeof(int64_t));
    r->v[idx].ids[0] = id;
    r->v[idx].n_ids = 1;
    r->v[idx].set = true;
}

static int demo_create(struct service *sv, const struct actor *who, struct record *r,
                       int64_t *id, struct problem *p)
{
    int rc = service_create(sv, who, r, id, p);
    record_free(r);
    memset(r, 0, sizeof *r);
    return rc;
}

int service_load_demo(struct service *sv, struct problem *p)
{
    static const struct actor demo_actor = { 0, "demo" };
    int64_t existing;
    if (service_lookup_name(sv, ENT_VPN_GATEWAY, demo_gateway, &existing) == 0)
        return 0;   /* already loaded */

    const struct embedded_file *pem = NULL;
    for (const struct embedded_file *f = embedded_files; f->name; f++)
        if (strcmp(f->name, "asav.example.lab.pem") == 0)
            pem = f;
    if (pem == NULL) {
        problem_set(p, 500, "the demo certificate is missing from this build");
        return -1;
    }
    int64_t cert_id, profile_id, gateway_id, group_id, cpp_id, phone_id;
    struct list_query q = { MATCH_EXACT, "asav.example.lab", 1, 0 };
    struct cert_row *rows = NULL;
    size_t n = 0;
    int64_t total = 0;
    if (service_cert_list(sv, &q, TRUST_STORE_PHONE_VPN, &rows, &n, &total, p) != 0)
        return -1;
    if (n > 0) {
        cert_id = rows[0].id;
    } else if (service_cert_add(sv, &demo_actor, TRUST_STORE_PHONE_VPN, pem->data, pem->len,
                                &cert_id, p) != 0) {
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        cert_row_free(&rows[i]);
    free(rows);

    struct record r = { .kind = ENT_VPN_PROFILE };
    set_field(&r, "name", "VPN-Profile-Lab", 0);
    set_field(&r, "description", "Home workers: certificate login, host ID check", 0);
    set_field(&r, "client_auth_method", NULL, 2);
    set_field(&r, "host_id_check", NULL, 1);
    if (demo_create(sv, &demo_actor, &r, &profile_id, p) != 0)
        return -1;

    r.kind = ENT_VPN_GATEWAY;
    set_field(&r, "name", demo_gateway, 0);
    set_field(&r, "description", "ASAv in the lab, outside interface", 0);
    set_field(&r, "url", "https://asav.example.lab/phone", 0);
    set_ids(&r, "certificates", cert_id);
    if (demo_create(sv, &demo_actor, &r, &gateway_id, p) != 0)
        return -1;

    r.kind = ENT_VPN_GROUP;
    set_field(&r, "name", "VPN-Group-Lab", 0);
    set_field(&r, "description", "Lab ASA", 0);
    set_ids(&r, "gateways", gateway_id);
    if (demo_create(sv, &demo_actor, &r, &group_id, p) != 0)
        return -1;

    r.kind = ENT_COMMON_PHONE_PROFILE;
    set_field(&r, "name", "Standard Common Phone Profile VPN", 0);
    set_field(&r, "description", "Copy of the standard profile with the lab VPN", 0);
    set_field(&r, "vpn_group", NULL, group_id);
    set_field(&r, "vpn_profile", NULL, profile_id);
    if (demo_create(sv, &demo_actor, &r, &cpp_id, p) != 0)
        return -1;

    for (size_t i = 0; i < sizeof demo_phones / sizeof demo_phones[0]; i++) {
        char desc[64];
        snprintf(desc, sizeof desc, "Home worker %zu", i + 1);
        r.kind = ENT_PHONE;
        set_field(&r, "name", demo_phones[i], 0);
        set_field(&r, "model", "Cisco 8861", 0);
        set_field(&r, "description", desc, 0);
        set_field(&r, "common_phone_profile", NULL, cpp_id);
        if (demo_create(sv, &demo_actor, &r, &phone_id, p) != 0)
            return -1;
    }
    return 0;
}

/* ----------------------------------------------------------------- rollover */

int service_gateway_rollover(struct service *sv, int64_t gateway_id, struct rollover_cert **out,
                             size_t *n, struct problem *p)
{
    struct store *s = svc_conn(sv);
    if (s == NULL)
        return svc_fail_internal(p);
    enum store_status ss = store_gateway_rollover(s, gateway_id, out, n);
    if (ss == STORE_NOT_FOUND) {
        problem_set(p, 404, "there is no VPN gateway with id %lld", (long long)gateway_id);
        return -1;
    }
    return ss == STORE_OK ? 0 : svc_fail_internal(p);
}

static bool id_in(int64_t id, const int64_t *ids, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (ids[i] == id)
            return true;
    return false;
}

/* Background doc, failure 1: the old certificate may go only once every phone
 * has fetched a config holding the hash of its successor (a certificate added
 * after it, or one being added now). */
int service_rollover_check(struct service *sv, int64_t gateway_id, const int64_t *new_ids,
                           size_t n_new, struct problem *p)
{
    struct rollover_cert *old = NULL;
    size_t n_old = 0;
    if (service_gateway_rollover(sv, gateway_id, &old, &n_old, p) != 0)
        return -1;
    for (size_t d = 0; d < n_old && p->status == 0; d++) {
        const struct rollover_cert *dropped = &old[d];
        if (id_in(dropped->cert_id, new_ids, n_new))
            continue;
        bool brand_new = false;
        for (size_t k = 0; k < n_new; k++) {
            bool on_gateway = false;
            for (size_t o = 0; o < n_old; o++)
                on_gateway |= old[o].cert_id == new_ids[k];
            brand_new |= !on_gateway;
        }
        size_t missing = 0, phones = 0;
        const char *first_missing = NULL;
        for (size_t o = 0; o < n_old; o++) {
            const struct rollover_cert *c = &old[o];
            if (!id_in(c->cert_id, new_ids, n_new) || c->added_at_ms <= dropped->added_at_ms)
                continue;
            phones = c->n_phones;
            for (size_t i = 0; i < c->n_phones; i++)
                if (!c->phones[i].current) {
                    missing++;
                    if (first_missing == NULL)
                        first_missing = c->phones[i].name;
                }
        }
        if (brand_new && n_old > 0 && old[0].n_phones > 0) {
            missing = phones = old[0].n_phones;
            first_missing = old[0].phones[0].name;
        }
        if (missing == 0)
            continue;
        problem_set(p, 409, "removing certificate %lld (%s) now would cut off %zu of %zu phone%s: "
                    "they have not fetched a config with the hash of its successor%s (first: %s). "
                    "Keep both until every phone has fetched (reset them), then remove it; or "
                    "confirm the removal.",
                    (long long)dropped->cert_id, dropped->common_name, missing, phones,
                    phones == 1 ? "" : "s",
                    brand_new ? " being added now" : "", first_missing);
        problem_field(p, "certificates", "certificate %lld: %zu phones still lack %s",
                      (long long)dropped->cert_id, missing,
                      brand_new ? "the new certificate's hash" : "the successor's hash");
    }
    rollover_free(old, n_old);
    return p->status ? -1 : 0;
}

/* -------------------------------------------------------------- diagnostics */

#define DIAG_MAX 512

struct diag_list {
    struct diagnostic *items;
    size_t n;
};

static struct diagnostic *diag_add(struct diag_list *l, enum diag_severity sev, const char *code,
                                   enum entity_kind kind, int64_t id, const char *name)
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

static void diagnose_certificates(struct store *s, int expiry_days, struct diag_list *l)
{
    struct list_query q = { MATCH_ANY, NULL, UCPROV_LIST_MAX_LIMIT, 0 };
    struct cert_row *rows = NULL;
    size_t n = 0;
    int64_t total = 0, now = (int64_t)time(NULL);
    if (store_cert_list(s, &q, NULL, &rows, &n, &total) != STORE_OK)
        return;
    for (size_t i = 0; i < n; i++) {
        const struct cert_info *ci = &rows[i].info;
        int64_t days = (ci->not_after - now) / 86400;
        struct diagnostic *d = NULL;
        if (ci->not_after < now) {
            d = diag_add(l, DIAG_WARNING, "certificate_expired", ENT_CERTIFICATE, rows[i].id,
                         ci->common_name);
            if (d) {
                snprintf(d->message, sizeof d->message, "certificate %s in %s expired %lld days ago",
                         ci->common_name, rows[i].trust_store, (long long)-days);
                snprintf(d->fix, sizeof d->fix, "renew it on the device that owns it and follow "
                         "the rollover order: add the new one beside it, let phones fetch, switch, "
                         "then remove this one");
            }
        } else if (days < expiry_days) {
            d = diag_add(l, DIAG_WARNING, "certificate_expiring", ENT_CERTIFICATE, rows[i].id,
                         ci->common_name);
            if (d) {
                snprintf(d->message, sizeof d->message, "certificate %s in %s expires in %lld days",
                         ci->common_name, rows[i].trust_store, (long long)days);
                snprintf(d->fix, sizeof d->fix, "start the rollover now: upload the renewed "
                         "certificate and add it to the gateway beside this one, so phones have "
                         "both hashes before the ASA switches");
            }
        }
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
                 "replace it with a model that carries the VPN client (88xx, 79x2/79x5, 89xx, 99xx)");
    }
}

int service_diagnostics(struct service *sv, int expiry_days, struct diagnostic **out, size_t *n,
                        struct problem *p)
{
    struct store *s = svc_conn(sv);
    if (s == NULL)
        return svc_fail_internal(p);
    struct diag_list l = { calloc(DIAG_MAX, sizeof *l.items), 0 };
    if (l.items == NULL)
        return svc_fail_internal(p);
    diagnose_certificates(s, expiry_days, &l);
    struct list_query q = { MATCH_ANY, NULL, UCPROV_LIST_MAX_LIMIT, 0 };
    struct record *gws = NULL;
    size_t ngw = 0;
    int64_t total = 0;
    if (store_record_list(s, ENT_VPN_GATEWAY, &q, &gws, &ngw, &total) == STORE_OK)
        for (size_t i = 0; i < ngw; i++)
            diagnose_gateway(s, &gws[i], &l);
    for (size_t i = 0; i < ngw; i++)
        record_free(&gws[i]);
    free(gws);
    diagnose_models(s, NULL, &l);
    *out = l.items;
    *n = l.n;
    return 0;
}

/* Only what this save can have caused, so that saving a phone costs one query
 * rather than a whole diagnostics run over every certificate and phone. */
int service_save_warnings(struct service *sv, const struct record *saved,
                          struct diagnostic **out, size_t *n, struct problem *p)
{
    struct store *s = svc_conn(sv);
    if (s == NULL)
        return svc_fail_internal(p);
    struct diag_list l = { calloc(DIAG_MAX, sizeof *l.items), 0 };
    if (l.items == NULL)
        return svc_fail_internal(p);
    enum entity_kind k = saved->kind;
    if (k == ENT_VPN_GATEWAY || k == ENT_VPN_PROFILE || k == ENT_COMMON_PHONE_PROFILE ||
        k == ENT_VPN_GROUP || k == ENT_VPN_FEATURE_CONFIGURATION) {
        struct list_query q = { MATCH_ANY, NULL, UCPROV_LIST_MAX_LIMIT, 0 };
        struct record *gws = NULL;
        size_t ngw = 0;
        int64_t total = 0;
        if (k == ENT_VPN_GATEWAY)
            diagnose_gateway(s, saved, &l);
        else if (store_record_list(s, ENT_VPN_GATEWAY, &q, &gws, &ngw, &total) == STORE_OK)
            for (size_t i = 0; i < ngw; i++)
                diagnose_gateway(s, &gws[i], &l);
        for (size_t i = 0; i < ngw; i++)
            record_free(&gws[i]);
        free(gws);
    }
    if (k == ENT_PHONE)
        diagnose_models(s, svc_record_name(saved), &l);
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
        verify_gateway(urls[i], (const char (*)[29])hashes, n_hashes,
                       UCPROV_VERIFY_TIMEOUT_MS, &(*out)[i]);
        (*out)[i].host_id_required = host_id_check;
    }
    *n = n_urls;
    return 0;
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
