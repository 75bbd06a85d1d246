/* logs.c - the two append-only logs: every config fetch (fetch_log) and every
 * change an admin made (audit_log).  Both are read newest first. */
#include <config.h>

#include <stdlib.h>

#include "store/internal.h"

/* ---------------------------------------------------------------- fetch log */

enum store_status store_fetch_log_append(struct store *s, const struct fetch_record *recs,
                                         size_t n)
{
    static const char sql[] =
        "INSERT INTO fetch_log (at_ms, client_addr, client_port, filename, device, protocol, "
        "bytes, result, version_stamp, duration_us) VALUES (?,?,?,?,?,?,?,?,?,?)";
    enum store_status ss = store_begin_write(s);
    for (size_t i = 0; ss == STORE_OK && i < n; i++) {
        const struct fetch_record *r = &recs[i];
        ss = db_exec(s, db_prepare(s, sql), DB_ARGS(
            BIND_INT(r->at_ms), BIND_TEXT(r->client), BIND_INT(r->client_port),
            BIND_TEXT(r->filename), BIND_TEXT(r->device), BIND_TEXT(r->protocol),
            BIND_INT(r->bytes), BIND_TEXT(r->result), BIND_TEXT(r->version_stamp),
            BIND_INT(r->duration_us)));
        if (ss != STORE_OK)
            store_rollback(s);
    }
    return ss == STORE_OK ? store_commit(s) : ss;
}

enum store_status store_fetch_log_query(struct store *s, const char *device, int64_t since_ms,
                                        int64_t limit, struct fetch_record **out, size_t *n)
{
    static const char sql[] =
        "SELECT at_ms, client_addr, client_port, filename, device, protocol, bytes, result, "
        "version_stamp, duration_us FROM fetch_log "
        "WHERE (?1 = '' OR device = ?1) AND at_ms >= ?2 ORDER BY at_ms DESC, id DESC LIMIT ?3";
    static const struct db_col cols[] = {
        COL_NUM(struct fetch_record, at_ms), COL_TEXT(struct fetch_record, client),
        COL_NUM(struct fetch_record, client_port), COL_TEXT(struct fetch_record, filename),
        COL_TEXT(struct fetch_record, device), COL_TEXT(struct fetch_record, protocol),
        COL_NUM(struct fetch_record, bytes), COL_TEXT(struct fetch_record, result),
        COL_TEXT(struct fetch_record, version_stamp), COL_NUM(struct fetch_record, duration_us),
        COL_END,
    };
    struct rows found = ROWS_GROW(struct fetch_record);
    enum store_status ss = db_list(s, db_prepare(s, sql), DB_ARGS(
        BIND_TEXT(device ? device : ""), BIND_INT(since_ms), BIND_INT(limit)), cols, &found);
    *out = found.items;
    *n = found.n;
    return ss;
}

enum store_status store_fetch_log_prune(struct store *s, int64_t keep)
{
    static const char sql[] =
        "DELETE FROM fetch_log WHERE id <= (SELECT max(id) FROM fetch_log) - ?";
    return db_exec(s, db_prepare(s, sql), DB_ARGS(BIND_INT(keep)));
}

/* ---------------------------------------------------------------- audit log */

enum store_status store_audit_append(struct store *s, const struct audit_entry *e)
{
    static const char sql[] =
        "INSERT INTO audit_log (at_ms, actor, action, collection, object_id, object_name, "
        "before, after) VALUES (?,?,?,?,?,?,?,?)";
    return db_exec(s, db_prepare(s, sql), DB_ARGS(
        BIND_INT(e->at_ms), BIND_TEXT(e->actor), BIND_TEXT(e->action),
        BIND_TEXT(e->collection), BIND_OPT_INT(e->object_id, e->object_id != 0),
        BIND_TEXT(e->object_name), BIND_TEXT(e->before), BIND_TEXT(e->after)));
}

enum store_status store_audit_query(struct store *s, const char *collection, int64_t object_id,
                                    int64_t since_ms, int64_t limit, struct audit_entry **out,
                                    size_t *n)
{
    static const char sql[] =
        "SELECT at_ms, actor, action, collection, object_id, object_name, before, after "
        "FROM audit_log WHERE (?1 = '' OR collection = ?1) AND (?2 = 0 OR object_id = ?2) "
        "AND at_ms >= ?3 ORDER BY at_ms DESC, id DESC LIMIT ?4";
    static const struct db_col cols[] = {
        COL_NUM(struct audit_entry, at_ms), COL_TEXT(struct audit_entry, actor),
        COL_TEXT(struct audit_entry, action), COL_TEXT(struct audit_entry, collection),
        COL_NUM(struct audit_entry, object_id), COL_TEXT(struct audit_entry, object_name),
        COL_DUP_OR_NULL(struct audit_entry, before), COL_DUP_OR_NULL(struct audit_entry, after),
        COL_END,
    };
    struct rows found = ROWS_GROW(struct audit_entry);
    enum store_status ss = db_list(s, db_prepare(s, sql), DB_ARGS(
        BIND_TEXT(collection ? collection : ""), BIND_INT(object_id), BIND_INT(since_ms),
        BIND_INT(limit)), cols, &found);
    *out = found.items;
    *n = found.n;
    return ss;
}

void audit_entries_free(struct audit_entry *e, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(e[i].before);
        free(e[i].after);
    }
    free(e);
}
