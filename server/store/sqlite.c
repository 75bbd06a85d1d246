/* sqlite.c - the SQLite driver: the only file that calls the SQLite library.
 *
 * A connection runs in WAL mode with foreign keys on and a busy timeout, and
 * keeps its transaction statements prepared: a render opens a read
 * transaction per view, and a bulk import one write transaction. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "log.h"
#include "store/driver.h"

enum tx { TX_BEGIN, TX_BEGIN_WRITE, TX_COMMIT, TX_ROLLBACK, TX_COUNT };

static const char *const tx_sql[TX_COUNT] = {
    [TX_BEGIN] = "BEGIN",
    [TX_BEGIN_WRITE] = "BEGIN IMMEDIATE",
    [TX_COMMIT] = "COMMIT",
    [TX_ROLLBACK] = "ROLLBACK",
};

struct drv_conn {
    sqlite3 *db;
    sqlite3_stmt *tx[TX_COUNT];
};

/* A drv_stmt is an sqlite3_stmt; the cast is the whole wrapper. */
#define ST(st) ((sqlite3_stmt *)(st))

static void sq_close(struct drv_conn *c);
static enum store_status sq_exec(struct drv_conn *c, const char *script, char *err,
                                 size_t errlen);
static enum store_status sq_status(struct drv_conn *c);

/* ------------------------------------------------------------- connection */

static struct drv_conn *sq_open(const char *path, char *err, size_t errlen)
{
    struct drv_conn *c = calloc(1, sizeof *c);
    if (c == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    int rc = sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                             SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "cannot open database %s: %s", path,
                 c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
        sq_close(c);
        return NULL;
    }
    sqlite3_extended_result_codes(c->db, 1);
    sqlite3_busy_timeout(c->db, 10000);
    char why[256];
    if (sq_exec(c, "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; "
                   "PRAGMA synchronous=NORMAL;", why, sizeof why) != STORE_OK) {
        snprintf(err, errlen, "cannot configure database %s: %s", path, sqlite3_errmsg(c->db));
        sq_close(c);
        return NULL;
    }
    return c;
}

static void sq_close(struct drv_conn *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; i < TX_COUNT; i++)
        sqlite3_finalize(c->tx[i]);
    sqlite3_close(c->db);
    free(c);
}

static enum store_status sq_exec(struct drv_conn *c, const char *script, char *err,
                                 size_t errlen)
{
    char *msg = NULL;
    int rc = sqlite3_exec(c->db, script, NULL, NULL, &msg);
    if (rc == SQLITE_OK)
        return STORE_OK;
    snprintf(err, errlen, "%s", msg ? msg : sqlite3_errstr(rc));
    sqlite3_free(msg);
    return sq_status(c);
}

/* ------------------------------------------------------------- statements */

static struct drv_stmt *sq_prepare(struct drv_conn *c, const char *sql, bool keep)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v3(c->db, sql, -1, keep ? SQLITE_PREPARE_PERSISTENT : 0, &st,
                           NULL) != SQLITE_OK) {
        log_error("sqlite prepare: %s", sqlite3_errmsg(c->db));
        return NULL;
    }
    return (struct drv_stmt *)st;
}

/* Values are bound without a copy: db.c resets the statement before the
 * values go, and a bulk import saves a copy per column. */
static void sq_bind(struct drv_stmt *st, int idx, const struct db_value *v)
{
    switch (v->type) {
    case DB_INT:
        sqlite3_bind_int64(ST(st), idx, v->i);
        break;
    case DB_TEXT:
        sqlite3_bind_text(ST(st), idx, v->s, -1, SQLITE_STATIC);
        break;
    case DB_BLOB:
        sqlite3_bind_blob(ST(st), idx, v->blob, (int)v->len, SQLITE_STATIC);
        break;
    case DB_NULL:
        sqlite3_bind_null(ST(st), idx);
        break;
    }
}

static enum drv_step sq_step(struct drv_stmt *st)
{
    int rc = sqlite3_step(ST(st));
    return rc == SQLITE_ROW ? DRV_ROW : rc == SQLITE_DONE ? DRV_DONE : DRV_FAIL;
}

static void sq_reset(struct drv_stmt *st)
{
    sqlite3_reset(ST(st));
    sqlite3_clear_bindings(ST(st));
}

static void sq_finalize(struct drv_stmt *st)
{
    sqlite3_finalize(ST(st));
}

static int64_t sq_column_int(struct drv_stmt *st, int col)
{
    return sqlite3_column_int64(ST(st), col);
}

static const char *sq_column_text(struct drv_stmt *st, int col)
{
    return (const char *)sqlite3_column_text(ST(st), col);
}

static const void *sq_column_blob(struct drv_stmt *st, int col, size_t *len)
{
    const void *p = sqlite3_column_blob(ST(st), col);
    *len = (size_t)sqlite3_column_bytes(ST(st), col);
    return p;
}

static bool sq_column_null(struct drv_stmt *st, int col)
{
    return sqlite3_column_type(ST(st), col) == SQLITE_NULL;
}

static int sq_column_count(struct drv_stmt *st)
{
    return sqlite3_column_count(ST(st));
}

static const char *sq_column_name(struct drv_stmt *st, int col)
{
    return sqlite3_column_name(ST(st), col);
}

/* A value's own type: SQLite keeps one per value, not per column. */
static enum db_type sq_column_type(struct drv_stmt *st, int col)
{
    switch (sqlite3_column_type(ST(st), col)) {
    case SQLITE_INTEGER:
        return DB_INT;
    case SQLITE_BLOB:
        return DB_BLOB;
    case SQLITE_NULL:
        return DB_NULL;
    default:
        return DB_TEXT;
    }
}

/* ----------------------------------------------------------------- errors */

static enum store_status sq_status(struct drv_conn *c)
{
    switch (sqlite3_extended_errcode(c->db)) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
        return STORE_CONFLICT;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
        return STORE_IN_USE;
    case SQLITE_CONSTRAINT_CHECK:
    case SQLITE_CONSTRAINT_NOTNULL:
        return STORE_INVALID;
    default:
        log_error("sqlite: %s", sqlite3_errmsg(c->db));
        return STORE_ERROR;
    }
}

static const char *sq_errmsg(struct drv_conn *c)
{
    return sqlite3_errmsg(c->db);
}

static int64_t sq_changes(struct drv_conn *c)
{
    return sqlite3_changes(c->db);
}

/* ----------------------------------------------------------- transactions */

static enum store_status run_tx(struct drv_conn *c, enum tx which)
{
    if (c->tx[which] == NULL &&
        (c->tx[which] = (sqlite3_stmt *)sq_prepare(c, tx_sql[which], true)) == NULL)
        return STORE_ERROR;
    int rc = sqlite3_step(c->tx[which]);
    enum store_status ss = rc == SQLITE_DONE ? STORE_OK : sq_status(c);
    sqlite3_reset(c->tx[which]);
    return ss;
}

static enum store_status sq_begin(struct drv_conn *c, bool write)
{
    return run_tx(c, write ? TX_BEGIN_WRITE : TX_BEGIN);
}

static enum store_status sq_commit(struct drv_conn *c)
{
    return run_tx(c, TX_COMMIT);
}

static enum store_status sq_rollback(struct drv_conn *c)
{
    return run_tx(c, TX_ROLLBACK);
}

static bool sq_in_transaction(struct drv_conn *c)
{
    return !sqlite3_get_autocommit(c->db);
}

/* ----------------------------------------------------------------- schema */

static bool read_user_version(sqlite3 *db, int *version)
{
    sqlite3_stmt *st = NULL;
    bool ok = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
              sqlite3_step(st) == SQLITE_ROW;
    if (ok)
        *version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return ok;
}

static int sq_schema_version(struct drv_conn *c)
{
    int version;
    return read_user_version(c->db, &version) ? version : -1;
}

static enum store_status sq_set_schema_version(struct drv_conn *c, int version)
{
    char pragma[64], why[256];
    snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", version);
    return sq_exec(c, pragma, why, sizeof why);
}

/* ------------------------------------------------------ backup and restore */

static enum store_status copy_database(sqlite3 *from, sqlite3 *to)
{
    sqlite3_backup *b = sqlite3_backup_init(to, "main", from, "main");
    if (b == NULL)
        return STORE_ERROR;
    /* One step copies every page under one read transaction: a consistent
     * snapshot even while the daemon keeps writing (WAL). */
    int rc = sqlite3_backup_step(b, -1);
    sqlite3_backup_finish(b);
    return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

static int sq_backup(struct drv_conn *c, const char *path, char *err, size_t errlen)
{
    sqlite3 *dest = NULL;
    if (sqlite3_open_v2(path, &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        snprintf(err, errlen, "cannot create %s: %s", path, dest ? sqlite3_errmsg(dest) : "?");
        sqlite3_close(dest);
        return -1;
    }
    enum store_status ss = copy_database(c->db, dest);
    if (ss != STORE_OK)
        snprintf(err, errlen, "backup failed: %s", sqlite3_errmsg(dest));
    sqlite3_close(dest);
    return ss == STORE_OK ? 0 : -1;
}

static bool has_table(sqlite3 *db, const char *name)
{
    sqlite3_stmt *st = NULL;
    bool found = false;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        found = sqlite3_step(st) == SQLITE_ROW;
    }
    sqlite3_finalize(st);
    return found;
}

static bool passes_quick_check(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    bool sound = false;
    if (sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        sound = strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0;
    sqlite3_finalize(st);
    return sound;
}

/* A file restore may take: SQLite, carrying ucprov's tables, a schema version
 * this build knows, and sound. */
static int check_restorable(sqlite3 *src, const char *path, const struct restore_check *chk,
                            char *err, size_t errlen)
{
    int version;
    if (!read_user_version(src, &version)) {
        snprintf(err, errlen, "%s is not an SQLite database", path);
        return -1;
    }
    for (size_t i = 0; i < chk->n_tables; i++)
        if (!has_table(src, chk->tables[i]) || version < 1) {
            snprintf(err, errlen, "%s is not a ucprov database (no %s table or schema version)",
                     path, chk->tables[i]);
            return -1;
        }
    if (version > chk->latest) {
        snprintf(err, errlen, "%s has schema version %d, newer than this build's %d", path,
                 version, chk->latest);
        return -1;
    }
    if (!passes_quick_check(src)) {
        snprintf(err, errlen, "%s fails SQLite's integrity check", path);
        return -1;
    }
    return 0;
}

static int sq_restore(struct drv_conn *c, const char *path, const struct restore_check *chk,
                      char *err, size_t errlen)
{
    sqlite3 *src = NULL;
    if (sqlite3_open_v2(path, &src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "cannot open %s: %s", path, src ? sqlite3_errmsg(src) : "?");
        sqlite3_close(src);
        return -1;
    }
    int rc = check_restorable(src, path, chk, err, errlen);
    if (rc == 0) {
        for (size_t i = 0; i < TX_COUNT; i++)   /* the schema is about to change */
            if (c->tx[i])
                sqlite3_reset(c->tx[i]);
        if (copy_database(src, c->db) != STORE_OK) {
            snprintf(err, errlen, "restore failed: %s", sqlite3_errmsg(c->db));
            rc = -1;
        }
    }
    sqlite3_close(src);
    return rc;
}

/* ------------------------------------------------------------- the driver */

const struct store_driver sqlite_driver = {
    .name = "sqlite",
    .migration_ext = ".sql",
    .tables_sql = "SELECT name FROM sqlite_master WHERE type = 'table' "
                  "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
    .open = sq_open,
    .close = sq_close,
    .exec = sq_exec,
    .prepare = sq_prepare,
    .bind = sq_bind,
    .step = sq_step,
    .reset = sq_reset,
    .finalize = sq_finalize,
    .column_int = sq_column_int,
    .column_text = sq_column_text,
    .column_blob = sq_column_blob,
    .column_null = sq_column_null,
    .column_count = sq_column_count,
    .column_name = sq_column_name,
    .column_type = sq_column_type,
    .status = sq_status,
    .errmsg = sq_errmsg,
    .changes = sq_changes,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .in_transaction = sq_in_transaction,
    .schema_version = sq_schema_version,
    .set_schema_version = sq_set_schema_version,
    .backup = sq_backup,
    .restore = sq_restore,
};
