/* logs.c - the two append-only logs: every config fetch (fetch_log) and every
 * change an admin made (audit_log).  Both are read newest first. */
#include <config.h>

#include <stdlib.h>

#include "store/internal.h"

/* Columns of their fields' own names. */
#define FR_NUM(f)  COL_NUM(struct fetch_record, f, #f)
#define FR_TEXT(f) COL_TEXT(struct fetch_record, f, #f)
#define AU_NUM(f)  COL_NUM(struct audit_entry, f, #f)
#define AU_TEXT(f) COL_TEXT(struct audit_entry, f, #f)

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
    static const struct db_col cols[] = {
        FR_NUM(at_ms), COL_TEXT(struct fetch_record, client, "client_addr"), FR_NUM(client_port),
        FR_TEXT(filename), FR_TEXT(device), FR_TEXT(protocol), FR_NUM(bytes), FR_TEXT(result),
        FR_TEXT(version_stamp), FR_NUM(duration_us), COL_END,
    };
    static const char from[] =
        "FROM fetch_log WHERE (?1 = '' OR device = ?1) AND at_ms >= ?2 "
        "ORDER BY at_ms DESC, id DESC LIMIT ?3";
    return db_select_array(s, cols, from, DB_ARGS(BIND_TEXT(device ? device : ""),
                                                  BIND_INT(since_ms), BIND_INT(limit)),
                           DB_ARRAY(out, n));
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
    static const struct db_col cols[] = {
        AU_NUM(at_ms), AU_TEXT(actor), AU_TEXT(action), AU_TEXT(collection), AU_NUM(object_id),
        AU_TEXT(object_name), COL_DUP_OR_NULL(struct audit_entry, before, "before"),
        COL_DUP_OR_NULL(struct audit_entry, after, "after"), COL_END,
    };
    static const char from[] =
        "FROM audit_log WHERE (?1 = '' OR collection = ?1) AND (?2 = 0 OR object_id = ?2) "
        "AND at_ms >= ?3 ORDER BY at_ms DESC, id DESC LIMIT ?4";
    return db_select_array(s, cols, from, DB_ARGS(BIND_TEXT(collection ? collection : ""),
                                                  BIND_INT(object_id), BIND_INT(since_ms),
                                                  BIND_INT(limit)),
                           DB_ARRAY(out, n));
}

void audit_entries_free(struct audit_entry *e, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(e[i].before);
        free(e[i].after);
    }
    free(e);
}
