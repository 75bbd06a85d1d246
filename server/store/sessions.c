/* sessions.c - web admin sessions and spent login form tokens (schema 0008).
 * A session is found by the SHA-256 of its cookie value (hex, made by the
 * service); the value itself never reaches the database.  Both tables are
 * bounded by deletes that remove a fixed, counted number of rows. */
#include <config.h>

#include "store/internal.h"

enum store_status store_session_insert(struct store *s, const char *id_hash, int64_t admin_id,
                                       const char *stamp, int64_t now)
{
    static const char sql[] =
        "INSERT INTO web_sessions (id_hash, admin_id, stamp, created_at, last_used) "
        "VALUES (?, ?, ?, ?, ?)";
    return db_exec(s, db_prepare(s, sql),
                   DB_ARGS(BIND_TEXT(id_hash), BIND_INT(admin_id), BIND_TEXT(stamp),
                           BIND_INT(now), BIND_INT(now)));
}

enum store_status store_session_get(struct store *s, const char *id_hash, struct session_row *out)
{
    /* The join reads the admin's hash now, so the service can tell a
     * password changed since the login in the same one indexed read. */
    static const struct db_col cols[] = {
        COL_NUM(struct session_row, admin_id, "w.admin_id"),
        COL_TEXT(struct session_row, admin, "a.name"),
        COL_TEXT(struct session_row, password_hash, "a.password_hash"),
        COL_TEXT(struct session_row, stamp, "w.stamp"),
        COL_NUM(struct session_row, created_at, "w.created_at"),
        COL_NUM(struct session_row, last_used, "w.last_used"),
        COL_END,
    };
    static const char from[] =
        "FROM web_sessions w JOIN admins a ON a.id = w.admin_id WHERE w.id_hash = ?";
    return db_select_get(s, cols, from, DB_ARGS(BIND_TEXT(id_hash)), out, sizeof *out);
}

enum store_status store_session_touch(struct store *s, const char *id_hash, int64_t now,
                                      int64_t not_after)
{
    static const char sql[] =
        "UPDATE web_sessions SET last_used = ? WHERE id_hash = ? AND last_used <= ?";
    return db_change(s, db_prepare(s, sql),
                     DB_ARGS(BIND_INT(now), BIND_TEXT(id_hash), BIND_INT(not_after)));
}

enum store_status store_session_delete(struct store *s, const char *id_hash)
{
    static const char sql[] = "DELETE FROM web_sessions WHERE id_hash = ?";
    return db_change(s, db_prepare(s, sql), DB_ARGS(BIND_TEXT(id_hash)));
}

/* A delete that may find nothing to delete. */
static enum store_status sweep(struct store *s, const char *sql, const struct db_value *args,
                               size_t nargs)
{
    enum store_status ss = db_change(s, db_prepare(s, sql), args, nargs);
    return ss == STORE_NOT_FOUND ? STORE_OK : ss;
}

enum store_status store_sessions_expire(struct store *s, int64_t idle_before,
                                        int64_t created_before)
{
    static const char sql[] = "DELETE FROM web_sessions WHERE last_used < ? OR created_at < ?";
    return sweep(s, sql, DB_ARGS(BIND_INT(idle_before), BIND_INT(created_before)));
}

/* The rows past keep go, those idle longest first: the delete names how many
 * (LIMIT), so one statement never removes more than the excess. */
static int64_t bound_table(struct store *s, const char *count_sql, const char *delete_sql,
                           int64_t keep)
{
    int64_t n;
    if (db_int(s, db_prepare(s, count_sql), DB_NOARGS, &n) != STORE_OK)
        return -1;
    if (n <= keep)
        return 0;
    enum store_status ss = db_change(s, db_prepare(s, delete_sql), DB_ARGS(BIND_INT(n - keep)));
    return ss == STORE_OK ? n - keep : -1;
}

static const char count_sessions[] = "SELECT count(*) FROM web_sessions";

int64_t store_sessions_bound(struct store *s, int64_t keep)
{
    static const char sql[] =
        "DELETE FROM web_sessions WHERE id_hash IN "
        "(SELECT id_hash FROM web_sessions ORDER BY last_used, created_at, id_hash LIMIT ?)";
    return bound_table(s, count_sessions, sql, keep);
}

int64_t store_sessions_count(struct store *s)
{
    int64_t n;
    return db_int(s, db_prepare(s, count_sessions), DB_NOARGS, &n) == STORE_OK ? n : -1;
}

enum store_status store_sessions_clear(struct store *s)
{
    static const char sessions[] = "DELETE FROM web_sessions";
    static const char spent[] = "DELETE FROM login_spent";
    enum store_status ss = sweep(s, sessions, DB_NOARGS);
    return ss == STORE_OK ? sweep(s, spent, DB_NOARGS) : ss;
}

/* ------------------------------------------------------- login form tokens */

enum store_status store_login_spend(struct store *s, const char *nonce, int64_t expires_at)
{
    /* A unique insert: of two nodes spending one token at once, one row is
     * made and the other finds it there (no error, no aborted transaction). */
    static const char sql[] =
        "INSERT INTO login_spent (nonce, expires_at) VALUES (?, ?) "
        "ON CONFLICT (nonce) DO NOTHING";
    enum store_status ss =
        db_change(s, db_prepare(s, sql), DB_ARGS(BIND_TEXT(nonce), BIND_INT(expires_at)));
    return ss == STORE_NOT_FOUND ? STORE_CONFLICT : ss;
}

enum store_status store_login_spent(struct store *s, const char *nonce)
{
    static const char sql[] = "SELECT count(*) FROM login_spent WHERE nonce = ?";
    int64_t n;
    enum store_status ss = db_int(s, db_prepare(s, sql), DB_ARGS(BIND_TEXT(nonce)), &n);
    if (ss != STORE_OK)
        return STORE_ERROR;
    return n > 0 ? STORE_OK : STORE_NOT_FOUND;
}

enum store_status store_login_spent_prune(struct store *s, int64_t now, int64_t keep)
{
    static const char expired[] = "DELETE FROM login_spent WHERE expires_at <= ?";
    static const char total[] = "SELECT count(*) FROM login_spent";
    static const char oldest[] =
        "DELETE FROM login_spent WHERE nonce IN "
        "(SELECT nonce FROM login_spent ORDER BY expires_at, nonce LIMIT ?)";
    if (sweep(s, expired, DB_ARGS(BIND_INT(now))) != STORE_OK)
        return STORE_ERROR;
    return bound_table(s, total, oldest, keep) < 0 ? STORE_ERROR : STORE_OK;
}
