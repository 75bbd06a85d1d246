/* objects.c - the admin objects: create, update, delete, get, list.
 *
 * One path for every kind (VPN gateways, groups, profiles, phones, ...), driven
 * by its entity definition in model.c.  A write validates, runs in one
 * transaction with its audit entry, and then evicts exactly the rendered files
 * that depend on what changed: those that did before it and those that do
 * after.  Certificates are read and added in certs.c but deleted here, since a
 * delete is refused the same way for every kind while something uses it. */
#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "service/internal.h"

#define MAX_USERS_LISTED 20

static int write_record(struct store *s, struct record *rec, bool insert,
                        struct name_list *affected, struct problem *p);
static bool rollover_refused(struct service *sv, enum entity_kind kind, int64_t id,
                             const struct record *patch, struct problem *p);
static uint64_t secrets_changed(const struct record *rec, const struct record *patch);
static int audit_update(struct store *s, const struct actor *who, const struct entity_def *e,
                        int64_t id, const struct record *rec, json_t *before,
                        uint64_t secrets);
static bool deletable(struct store *s, const struct entity_def *e, int64_t id,
                      struct problem *p);
static json_t *snapshot(struct store *s, enum entity_kind kind, int64_t id, char *name,
                        size_t len);

const char *svc_record_name(const struct record *r)
{
    const struct entity_def *e = entity_get(r->kind);
    int idx = entity_field_index(e, entity_name_field(e));
    return idx >= 0 && r->v[idx].s ? r->v[idx].s : "";
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
    if (write_record(s, &rec, true, &affected, p) != 0) {
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
    if (!rollover_confirmed && rollover_refused(sv, kind, id, patch, p)) {
        svc_refuse(s, &affected, -1);
        record_free(&rec);
        return -1;
    }
    /* Phones that depended on the old state and those that depend on the new one. */
    store_affected_phones(s, kind, id, &affected);
    json_t *before = record_json(&rec);
    uint64_t secrets = secrets_changed(&rec, patch);
    record_merge(&rec, patch);
    if (write_record(s, &rec, false, &affected, p) != 0) {
        record_free(&rec);
        json_decref(before);
        return -1;
    }
    if (audit_update(s, who, e, id, &rec, before, secrets) != 0) {
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
    if (!deletable(s, e, id, p))
        return svc_refuse(s, &affected, -1);
    store_affected_phones(s, kind, id, &affected);
    char name[256] = "";
    json_t *before = snapshot(s, kind, id, name, sizeof name);
    enum store_status ss = kind == ENT_CERTIFICATE ? store_cert_delete(s, id)
                                                   : store_record_delete(s, kind, id);
    if (ss == STORE_IN_USE) {
        json_decref(before);
        problem_set(p, 409, "%s %lld is still in use", e->label, (long long)id);
        return svc_refuse(s, &affected, -1);
    }
    if (ss != STORE_OK ||
        svc_audit(s, who, "delete", e->collection, id, name, before, NULL) != 0) {
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
    if (s == NULL || store_record_list(s, kind, q, items, n, total) != STORE_OK)
        return svc_fail_internal(p);
    return 0;
}

int service_lookup_name(struct service *sv, enum entity_kind kind, const char *name, int64_t *id)
{
    struct store *s = svc_conn(sv);
    return s && store_record_id_by_name(s, kind, name, id) == STORE_OK ? 0 : -1;
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

/* Validate rec, write it (insert it when new), then check the rules that span
 * objects; 0, or -1 with p set and the transaction rolled back. */
static int write_record(struct store *s, struct record *rec, bool insert,
                        struct name_list *affected, struct problem *p)
{
    svc_validate_record(s, rec, p);
    enum store_status ss = STORE_OK;
    if (p->status == 0)
        ss = insert ? store_record_insert(s, rec) : store_record_update(s, rec);
    if (p->status == 0 && ss == STORE_OK)
        svc_check_after_write(s, rec, p);
    if (p->status != 0 || svc_write_status(s, affected, ss, rec, p) != 0)
        return svc_refuse(s, affected, -1);
    return 0;
}

/* A gateway's certificate list that drops a certificate before the phones
 * hold its successor's hash (rollover.c).  Checked inside the write's
 * transaction, so no fetch or edit slips between the check and the change. */
static bool rollover_refused(struct service *sv, enum entity_kind kind, int64_t id,
                             const struct record *patch, struct problem *p)
{
    if (kind != ENT_VPN_GATEWAY)
        return false;
    int certs = entity_field_index(entity_get(kind), "certificates");
    return certs >= 0 && patch->v[certs].set &&
           service_rollover_check(sv, id, patch->v[certs].ids, patch->v[certs].n_ids, p) != 0;
}

/* The secret fields (bits by field index) whose value the patch changes. */
static uint64_t secrets_changed(const struct record *rec, const struct record *patch)
{
    const struct entity_def *e = entity_get(rec->kind);
    uint64_t bits = 0;
    for (size_t i = 0; i < e->n_fields && i < 64; i++)
        if (e->fields[i].type == FT_SECRET && patch->v[i].set &&
            strcmp(patch->v[i].s ? patch->v[i].s : "", rec->v[i].s ? rec->v[i].s : "") != 0)
            bits |= UINT64_C(1) << i;
    return bits;
}

/* An update that changed nothing leaves no audit entry; a changed secret is
 * recorded as "<name>_changed", never its value.  Takes ownership of before. */
static int audit_update(struct store *s, const struct actor *who, const struct entity_def *e,
                        int64_t id, const struct record *rec, json_t *before,
                        uint64_t secrets)
{
    json_t *after = record_json(rec);
    for (size_t i = 0; i < e->n_fields && i < 64; i++) {
        char key[80];
        snprintf(key, sizeof key, "%s_changed", e->fields[i].name);
        if (secrets & (UINT64_C(1) << i))
            json_object_set_new(after, key, json_true());
    }
    if (json_equal(before, after)) {
        json_decref(before);
        json_decref(after);
        return 0;
    }
    return svc_audit(s, who, "update", e->collection, e->singleton ? 0 : id,
                     svc_record_name(rec), before, after);
}

/* An object may go when it exists and nothing uses it; else p is set. */
static bool deletable(struct store *s, const struct entity_def *e, int64_t id,
                      struct problem *p)
{
    if (!store_record_exists(s, e->kind, id)) {
        problem_set(p, 404, "there is no %s with id %lld", e->label, (long long)id);
        return false;
    }
    struct object_ref probe;
    if (store_record_users(s, e->kind, id, &probe, 1) == 0)
        return true;
    char what[96];
    snprintf(what, sizeof what, "%s %lld", e->label, (long long)id);
    svc_refuse_in_use(s, e->kind, id, what, p);
    return false;
}

/* The object as the audit log keeps it, and its name into name, before it goes. */
static json_t *snapshot(struct store *s, enum entity_kind kind, int64_t id, char *name,
                        size_t len)
{
    json_t *before = NULL;
    if (kind == ENT_CERTIFICATE) {
        struct cert_row row;
        if (store_cert_get(s, id, &row) == STORE_OK) {
            before = svc_cert_summary(id, row.trust_store, &row.info);
            snprintf(name, len, "%s", row.info.common_name);
            cert_row_free(&row);
        }
        return before;
    }
    struct record old;
    if (store_record_get(s, kind, id, &old) == STORE_OK) {
        before = record_json(&old);
        snprintf(name, len, "%s", svc_record_name(&old));
    }
    record_free(&old);
    return before;
}
