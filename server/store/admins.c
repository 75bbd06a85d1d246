/* admins.c - admin accounts and their API tokens.  Only hashes are stored:
 * the password and token hashes come from auth.c. */
#include <config.h>

#include <stdio.h>

#include "store/internal.h"

/* An id and a hash read into the caller's buffer, with a token's expiry
 * (0: none) when expires_at is set. */
struct hash_out {
    int64_t *id, *expires_at;
    char *hash;
    size_t hashlen;
    bool found;
};

static bool read_id_and_hash(void *ctx, const struct db_row *row)
{
    struct hash_out *o = ctx;
    *o->id = db_col_int(row, 0);
    snprintf(o->hash, o->hashlen, "%s", db_col_text(row, 1));
    if (o->expires_at != NULL)
        *o->expires_at = db_col_null(row, 2) ? 0 : db_col_int(row, 2);
    o->found = true;
    return false;
}

/* Run sql (one row of an id and a hash) for key into id and hash. */
static enum store_status get_id_and_hash(struct store *s, const char *sql, struct db_value key,
                                         int64_t *id, char *hash, size_t hashlen)
{
    struct hash_out o = { id, NULL, hash, hashlen, false };
    enum store_status ss = db_run(s, db_prepare(s, sql), &key, 1, read_id_and_hash, &o);
    if (ss != STORE_OK)
        return STORE_ERROR;
    return o.found ? STORE_OK : STORE_NOT_FOUND;
}

enum store_status store_admin_insert(struct store *s, const char *name, const char *password_hash,
                                     int64_t now, int64_t *id)
{
    static const char sql[] =
        "INSERT INTO admins (name, password_hash, created_at) VALUES (?, ?, ?) RETURNING id";
    return db_insert(s, db_prepare(s, sql),
                     DB_ARGS(BIND_TEXT(name), BIND_TEXT(password_hash), BIND_INT(now)), id);
}

enum store_status store_admin_set_password(struct store *s, int64_t id, const char *password_hash)
{
    static const char sql[] = "UPDATE admins SET password_hash = ? WHERE id = ?";
    return db_change(s, db_prepare(s, sql), DB_ARGS(BIND_TEXT(password_hash), BIND_INT(id)));
}

enum store_status store_admin_by_name(struct store *s, const char *name, int64_t *id,
                                      char *hash, size_t hashlen)
{
    static const char sql[] = "SELECT id, password_hash FROM admins WHERE name = ?";
    return get_id_and_hash(s, sql, (struct db_value)BIND_TEXT(name), id, hash, hashlen);
}

enum store_status store_admin_name(struct store *s, int64_t id, char *name, size_t namelen)
{
    static const char sql[] = "SELECT id, name FROM admins WHERE id = ?";
    int64_t same;
    return get_id_and_hash(s, sql, (struct db_value)BIND_INT(id), &same, name, namelen);
}

int64_t store_admin_count(struct store *s)
{
    static const char sql[] = "SELECT count(*) FROM admins";
    int64_t n;
    return db_int(s, db_prepare(s, sql), DB_NOARGS, &n) == STORE_OK ? n : -1;
}

enum store_status store_admin_hash(struct store *s, int64_t id, char *hash, size_t hashlen)
{
    static const char sql[] = "SELECT id, password_hash FROM admins WHERE id = ?";
    int64_t same;
    return get_id_and_hash(s, sql, (struct db_value)BIND_INT(id), &same, hash, hashlen);
}

enum store_status store_admin_delete(struct store *s, int64_t id)
{
    static const char sql[] = "DELETE FROM admins WHERE id = ?";
    return db_change(s, db_prepare(s, sql), DB_ARGS(BIND_INT(id)));
}

enum store_status store_token_insert(struct store *s, int64_t admin_id, const char *token_hash,
                                     int64_t now, int64_t expires_at, int64_t *id)
{
    static const char sql[] =
        "INSERT INTO api_tokens (admin_id, token_hash, created_at, expires_at) "
        "VALUES (?, ?, ?, ?) RETURNING id";
    return db_insert(s, db_prepare(s, sql),
                     DB_ARGS(BIND_INT(admin_id), BIND_TEXT(token_hash), BIND_INT(now),
                             BIND_OPT_INT(expires_at, expires_at > 0)), id);
}

enum store_status store_token_get(struct store *s, int64_t id, int64_t *admin_id, char *hash,
                                  size_t hashlen, int64_t *expires_at)
{
    static const char sql[] =
        "SELECT admin_id, token_hash, expires_at FROM api_tokens WHERE id = ?";
    struct hash_out o = { admin_id, expires_at, hash, hashlen, false };
    if (db_run(s, db_prepare(s, sql), DB_ARGS(BIND_INT(id)), read_id_and_hash, &o) != STORE_OK)
        return STORE_ERROR;
    return o.found ? STORE_OK : STORE_NOT_FOUND;
}

enum store_status store_token_delete(struct store *s, int64_t id)
{
    static const char sql[] = "DELETE FROM api_tokens WHERE id = ?";
    return db_change(s, db_prepare(s, sql), DB_ARGS(BIND_INT(id)));
}

int64_t store_tokens_delete_of(struct store *s, int64_t admin_id)
{
    static const char count[] = "SELECT count(*) FROM api_tokens WHERE admin_id = ?";
    static const char sql[] = "DELETE FROM api_tokens WHERE admin_id = ?";
    int64_t n;
    if (db_int(s, db_prepare(s, count), DB_ARGS(BIND_INT(admin_id)), &n) != STORE_OK)
        return -1;
    enum store_status ss = db_change(s, db_prepare(s, sql), DB_ARGS(BIND_INT(admin_id)));
    return ss == STORE_OK || ss == STORE_NOT_FOUND ? n : -1;
}

enum store_status store_token_list(struct store *s, struct token_row **out, size_t *n)
{
    static const struct db_col cols[] = {
        COL_NUM(struct token_row, id, "t.id"), COL_TEXT(struct token_row, admin, "a.name"),
        COL_NUM(struct token_row, created_at, "t.created_at"),
        COL_NUM(struct token_row, expires_at, "coalesce(t.expires_at, 0)"), COL_END,
    };
    static const char from[] = "FROM api_tokens t JOIN admins a ON a.id = t.admin_id ORDER BY t.id";
    return db_select_array(s, cols, from, DB_NOARGS, DB_ARRAY(out, n));
}
