/* admins.c - admin accounts and their API tokens.  Only hashes are stored:
 * the password and token hashes come from auth.c. */
#include <config.h>

#include <stdio.h>

#include "store/internal.h"

/* A hash read into the caller's buffer. */
struct hash_out {
    int64_t *id;
    char *hash;
    size_t hashlen;
    bool found;
};

static bool read_id_and_hash(void *ctx, const struct db_row *row)
{
    struct hash_out *o = ctx;
    *o->id = db_col_int(row, 0);
    snprintf(o->hash, o->hashlen, "%s", db_col_text(row, 1));
    o->found = true;
    return false;
}

/* Run sql (one row of an id and a hash) for key into id and hash. */
static enum store_status get_id_and_hash(struct store *s, const char *sql, struct db_value key,
                                         int64_t *id, char *hash, size_t hashlen)
{
    struct hash_out o = { id, hash, hashlen, false };
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

enum store_status store_token_insert(struct store *s, int64_t admin_id, const char *token_hash,
                                     int64_t now, int64_t *id)
{
    static const char sql[] =
        "INSERT INTO api_tokens (admin_id, token_hash, created_at) VALUES (?, ?, ?) "
        "RETURNING id";
    return db_insert(s, db_prepare(s, sql),
                     DB_ARGS(BIND_INT(admin_id), BIND_TEXT(token_hash), BIND_INT(now)), id);
}

enum store_status store_token_get(struct store *s, int64_t id, int64_t *admin_id, char *hash,
                                  size_t hashlen)
{
    static const char sql[] = "SELECT admin_id, token_hash FROM api_tokens WHERE id = ?";
    return get_id_and_hash(s, sql, (struct db_value)BIND_INT(id), admin_id, hash, hashlen);
}
