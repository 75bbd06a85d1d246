/* pg.h - what the PostgreSQL driver's files share: pg.c (the driver table,
 * connection and reachability, transactions, schema, notifications),
 * pgstmt.c (statements and their rows) and pgdump.c (backup and restore
 * through pg_dump and pg_restore). */
#ifndef UCPROV_STORE_PG_H
#define UCPROV_STORE_PG_H

#include <stdbool.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "store/driver.h"

/* One connection. */
struct drv_conn {
    PGconn *pg;
    char *conninfo;
    unsigned epoch;      /* bumped by each new connection: its statements are gone */
    unsigned names;      /* server-side statement names given out */
    bool tx_open;        /* begun and not yet ended, even if the link broke since */
    bool tx_failed;      /* a statement failed inside it: only a rollback will do */
    int64_t changes;
    char sqlstate[6];
    char msg[256];
};

/* --- pg.c --- */
/* c's libpq connection, made again if it was lost; NULL when it cannot be. */
PGconn *pg_link(struct drv_conn *c);
/* Whether c's connection is gone (the server closed it, or it was never made). */
bool pg_link_broken(struct drv_conn *c);
/* Ready to run a statement: a lost connection is made again outside a
 * transaction; false (c->msg says why) inside one or when none can be made. */
bool pg_conn_ready(struct drv_conn *c);
/* Record why r failed (r may be NULL) in c; a transaction is then failed. */
void pg_note_failure(struct drv_conn *c, const PGresult *r);

/* --- pgstmt.c: the driver's statement entries (driver.h) --- */
struct drv_stmt *pg_prepare(struct drv_conn *c, const char *sql, bool keep);
void pg_bind(struct drv_stmt *st, int idx, const struct db_value *v);
enum drv_step pg_step(struct drv_stmt *st);
void pg_reset(struct drv_stmt *st);
void pg_finalize(struct drv_stmt *st);
int64_t pg_column_int(struct drv_stmt *st, int col);
const char *pg_column_text(struct drv_stmt *st, int col);
const void *pg_column_blob(struct drv_stmt *st, int col, size_t *len);
bool pg_column_null(struct drv_stmt *st, int col);
int pg_column_count(struct drv_stmt *st);
const char *pg_column_name(struct drv_stmt *st, int col);
enum db_type pg_column_type(struct drv_stmt *st, int col);

/* --- pgdump.c --- */

/* pg_dump's custom format into path; 0, or -1 with a sentence in err. */
int pg_dump_backup(struct drv_conn *c, const char *path, char *err, size_t errlen);
/* pg_restore of such a file over the database, after checking its tables and
 * schema version against chk; 0, or -1 with a sentence in err. */
int pg_dump_restore(struct drv_conn *c, const char *path, const struct restore_check *chk,
                    char *err, size_t errlen);

#endif
