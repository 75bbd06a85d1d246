/* audit.c - the audit log: every change appended inside its own transaction,
 * and read back newest first, with the current name of an object whose entry
 * has none.  Secrets never reach it: record_json() and svc_cert_summary()
 * leave them out. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "service/internal.h"
#include "timefmt.h"

static int cert_name(struct store *s, int64_t id, char *name, size_t len);
static int record_name(struct store *s, enum entity_kind kind, int64_t id, char *name,
                       size_t len);
static int admin_name(struct store *s, bool token, int64_t id, char *name, size_t len);

int svc_audit(struct store *s, const struct actor *who, const char *action,
              const char *collection, int64_t id, const char *name, json_t *before,
              json_t *after)
{
    struct audit_entry e = { 0 };
    e.at_ms = time_now_ms();
    snprintf(e.actor, sizeof e.actor, "%s", who->name);
    snprintf(e.action, sizeof e.action, "%s", action);
    snprintf(e.collection, sizeof e.collection, "%s", collection);
    e.object_id = id;
    snprintf(e.object_name, sizeof e.object_name, "%s", name ? name : "");
    e.before = before ? json_dumps(before, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    e.after = after ? json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(before);
    json_decref(after);
    enum store_status ss = store_audit_append(s, &e);
    free(e.before);
    free(e.after);
    return ss == STORE_OK ? 0 : -1;
}

int service_audit_query(struct service *sv, const char *collection, int64_t object_id,
                        int64_t since_ms, int64_t limit, struct audit_entry **out, size_t *n,
                        struct problem *p)
{
    struct store *s = svc_conn(sv);
    if (s == NULL ||
        store_audit_query(s, collection, object_id, since_ms, limit, out, n) != STORE_OK)
        return svc_fail_internal(p);
    return 0;
}

/* A certificate's common name, or its subject when it has none. */
static int cert_name(struct store *s, int64_t id, char *name, size_t len)
{
    struct cert_row row;
    if (store_cert_get(s, id, &row) != STORE_OK)
        return -1;
    snprintf(name, len, "%s", *row.info.common_name ? row.info.common_name : row.info.subject);
    cert_row_free(&row);
    return 0;
}

static int record_name(struct store *s, enum entity_kind kind, int64_t id, char *name,
                       size_t len)
{
    struct record r;
    enum store_status ss = store_record_get(s, kind, id, &r);
    if (ss == STORE_OK)
        snprintf(name, len, "%s", svc_record_name(&r));
    record_free(&r);
    return ss == STORE_OK ? 0 : -1;
}

/* An admin's name; for an API token, the name of the admin it belongs to. */
static int admin_name(struct store *s, bool token, int64_t id, char *name, size_t len)
{
    int64_t admin_id = id;
    char hash[AUTH_HASH_TEXT_MAX];
    if (token && store_token_get(s, id, &admin_id, hash, sizeof hash) != STORE_OK)
        return -1;
    return store_admin_name(s, admin_id, name, len) == STORE_OK ? 0 : -1;
}

int service_object_name(struct service *sv, const char *collection, int64_t id, char *name,
                        size_t len)
{
    struct store *s = svc_conn(sv);
    const struct entity_def *e = entity_by_collection(collection);
    bool token = strcmp(collection, "api-tokens") == 0;
    int rc = -1;
    if (s != NULL && id > 0) {
        if (e != NULL && e->kind == ENT_CERTIFICATE)
            rc = cert_name(s, id, name, len);
        else if (e != NULL)
            rc = record_name(s, e->kind, id, name, len);
        else if (token || strcmp(collection, "admins") == 0)
            rc = admin_name(s, token, id, name, len);
    }
    if (rc != 0)
        name[0] = '\0';
    return rc == 0 && name[0] != '\0' ? 0 : -1;
}
