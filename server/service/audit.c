/* audit.c - the audit log: every change appended inside its own transaction,
 * and read back newest first.  Secrets never reach it: record_json() and
 * svc_cert_summary() leave them out. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>

#include "service/internal.h"
#include "timefmt.h"

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
