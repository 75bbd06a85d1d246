/* driver.h - the narrow SQL driver a storage backend implements.
 *
 * db.c speaks to a database only through one struct store_driver, chosen by
 * store_open from the target it is given (a file path: SQLite; a
 * postgresql:// URI or postgres: conninfo: PostgreSQL).  A driver
 * knows its library and its dialect's few fixed statements (transactions,
 * schema version, integrity); the queries themselves live in the family files
 * as portable SQL.
 *
 * Placeholders: `?` bound in order, or `?N` (1-based) where one value is used
 * twice; a driver whose library numbers them otherwise (PostgreSQL's $N)
 * rewrites them in prepare. */
#ifndef UCPROV_STORE_DRIVER_H
#define UCPROV_STORE_DRIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct drv_conn;   /* one connection of one driver, opaque */
struct drv_stmt;   /* one prepared statement of that connection, opaque */

enum db_type { DB_NULL, DB_INT, DB_TEXT, DB_BLOB };

/* A bound parameter.  Text and blobs are not copied: they must outlive the
 * run, which resets the statement before it returns.  Text NULL binds NULL. */
struct db_value {
    enum db_type type;
    int64_t i;
    const char *s;
    const void *blob;
    size_t len;
};

enum drv_step { DRV_ROW, DRV_DONE, DRV_FAIL };

/* What a restore source must hold to be taken. */
struct restore_check {
    const char *const *tables;   /* tables that must exist */
    size_t n_tables;
    int latest;                  /* the newest schema version this build knows */
};

/* Sees one notification's payload (store_wait_notify). */
typedef void (*drv_notify_fn)(void *ctx, const char *payload);

struct store_driver {
    const char *name;
    /* The embedded migrations of this dialect end so: "0001_initial.sql". */
    const char *migration_ext;
    /* The names of the database's tables, one a row (a site's copy checks
     * that it knows them all). */
    const char *tables_sql;
    /* Every statement is a round trip to a server: many rows go in one
     * statement.  In process (SQLite) a row at a time costs less. */
    bool batch_writes;

    /* Open and configure; NULL with a sentence in err. */
    struct drv_conn *(*open)(const char *target, char *err, size_t errlen);
    void (*close)(struct drv_conn *c);
    /* Run a script of statements without parameters (a migration). */
    enum store_status (*exec)(struct drv_conn *c, const char *script, char *err, size_t errlen);

    /* keep: the statement will run many times.  NULL on failure (logged). */
    struct drv_stmt *(*prepare)(struct drv_conn *c, const char *sql, bool keep);
    void (*bind)(struct drv_stmt *st, int idx, const struct db_value *v);   /* idx from 1 */
    enum drv_step (*step)(struct drv_stmt *st);
    void (*reset)(struct drv_stmt *st);   /* ready to run again, parameters cleared */
    void (*finalize)(struct drv_stmt *st);
    /* Columns of the current row, from 0.  Text is NULL for NULL. */
    int64_t (*column_int)(struct drv_stmt *st, int col);
    const char *(*column_text)(struct drv_stmt *st, int col);
    const void *(*column_blob)(struct drv_stmt *st, int col, size_t *len);
    bool (*column_null)(struct drv_stmt *st, int col);
    /* The shape of the current row (a site copied from one backend to another). */
    int (*column_count)(struct drv_stmt *st);
    const char *(*column_name)(struct drv_stmt *st, int col);
    enum db_type (*column_type)(struct drv_stmt *st, int col);

    /* The last failure as a status: constraints mapped, anything else logged. */
    enum store_status (*status)(struct drv_conn *c);
    const char *(*errmsg)(struct drv_conn *c);
    int64_t (*changes)(struct drv_conn *c);   /* rows the last statement changed */

    /* A write transaction takes the write lock up front. */
    enum store_status (*begin)(struct drv_conn *c, bool write);
    enum store_status (*commit)(struct drv_conn *c);
    enum store_status (*rollback)(struct drv_conn *c);
    bool (*in_transaction)(struct drv_conn *c);

    int (*schema_version)(struct drv_conn *c);   /* -1 on error */
    enum store_status (*set_schema_version)(struct drv_conn *c, int version);

    /* A consistent snapshot into path, while writers run; 0 on success. */
    int (*backup)(struct drv_conn *c, const char *path, char *err, size_t errlen);
    /* Replace the content with path's after checking it against chk; 0 on success. */
    int (*restore)(struct drv_conn *c, const char *path, const struct restore_check *chk,
                   char *err, size_t errlen);

    /* The ids a table hands out next follow the rows copied in with their
     * own ids; NULL where that is so by itself (SQLite's largest id + 1). */
    enum store_status (*ids_follow)(struct drv_conn *c, const char *table);

    /* A database several processes share (NULL in SQLite's, whose one file
     * has one process): messages between them, and whether it answers. */
    /* Sent when the current transaction commits (at once outside one). */
    enum store_status (*notify)(struct drv_conn *c, const char *channel, const char *payload);
    enum store_status (*listen)(struct drv_conn *c, const char *channel);
    /* Up to timeout_ms for notifications, fn called for each; STORE_ERROR
     * when the connection is lost (some may have been missed). */
    enum store_status (*wait)(struct drv_conn *c, int timeout_ms, drv_notify_fn fn, void *ctx);
    /* False from a lost connection until one is made again. */
    bool (*reachable)(void);
};

extern const struct store_driver sqlite_driver;
extern const struct store_driver pg_driver;

#endif
