/* internal.h - what the store's files share, and nothing outside server/store sees.
 *
 * Every query runs through db_run: prepare (cached for constant SQL), bind,
 * step each row to a callback, reset.  The wrappers below give it the usual
 * shapes: a command, one row into a struct, rows into an array.  A query read
 * through a column map names its columns once, in the map: db_select writes
 * the SELECT list from it. */
#ifndef UCPROV_STORE_INTERNAL_H
#define UCPROV_STORE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/driver.h"
#include "store/store.h"

#define SQL_MAX 2048

/* --- parameters: DB_ARGS(BIND_INT(id), BIND_TEXT(name)) is an array and its length --- */
#define BIND_INT(v)           { .type = DB_INT, .i = (v) }
#define BIND_OPT_INT(v, has)  { .type = (has) ? DB_INT : DB_NULL, .i = (v) }
#define BIND_TEXT(v)          { .type = DB_TEXT, .s = (v) }
#define BIND_BLOB(p, n)       { .type = DB_BLOB, .blob = (p), .len = (n) }
#define DB_ARGS(...) (const struct db_value[]){ __VA_ARGS__ }, \
    sizeof (const struct db_value[]){ __VA_ARGS__ } / sizeof (struct db_value)
#define DB_NOARGS NULL, 0

/* --- columns: where column i of a row goes in a struct, and the SQL that reads it --- */
enum db_col_kind {
    DBC_END,
    DBC_SKIP,          /* read by the caller */
    DBC_NUM,           /* an integer of len bytes: 1 is a bool, 4 an int, 8 an int64_t */
    DBC_TEXT,          /* a char array of len bytes, "" for NULL */
    DBC_DUP,           /* a char *, malloc'd, "" for NULL */
    DBC_DUP_OR_NULL,   /* a char *, malloc'd, NULL for NULL */
};

struct db_col {
    enum db_col_kind kind;
    size_t off, len;
    /* The column's SQL expression ("p.name", "coalesce(sp.transport, 1)"),
     * db_select's SELECT list; NULL in a map that reads SQL written by hand. */
    const char *expr;
};

#define COL_NUM(T, f, e)         { DBC_NUM, offsetof(T, f), sizeof ((T *)0)->f, (e) }
#define COL_TEXT(T, f, e)        { DBC_TEXT, offsetof(T, f), sizeof ((T *)0)->f, (e) }
#define COL_DUP(T, f, e)         { DBC_DUP, offsetof(T, f), 0, (e) }
#define COL_DUP_OR_NULL(T, f, e) { DBC_DUP_OR_NULL, offsetof(T, f), 0, (e) }
#define COL_SKIP(e)              { DBC_SKIP, 0, 0, (e) }
#define COL_END                  { DBC_END, 0, 0, NULL }
/* An array of bare items (int64_t ids, char[64] names). */
#define COL_ITEM_NUM(T, e)       { DBC_NUM, 0, sizeof(T), (e) }
#define COL_ITEM_TEXT(n, e)      { DBC_TEXT, 0, (n), (e) }

/* --- rows collected into an array --- */
struct rows {
    void *items;
    size_t size;       /* of one item */
    size_t n;          /* rows seen; for a fixed array, may pass cap */
    size_t cap;
    bool fixed;        /* items is the caller's array of cap: rows past it are counted only */
    bool oom;
};
#define ROWS_GROW(T)          { .size = sizeof(T) }
#define ROWS_FIXED(arr, max)  { .items = (arr), .size = sizeof *(arr), .cap = (max), .fixed = true }

/* A zeroed slot for the next row, or NULL (a full fixed array, or out of memory). */
void *rows_add(struct rows *r);
/* How many rows the array holds. */
size_t rows_kept(const struct rows *r);

/* --- statements and the one query loop (db.c) --- */
struct db_stmt;
struct db_row;

/* sql must be a constant string: its statement is cached by address. */
struct db_stmt *db_prepare(struct store *s, const char *sql);
/* "SELECT <each column's expr>, ... <from>", from being the rest of the
 * statement ("FROM ... WHERE ... ORDER BY ..." with its ? parameters).  Both
 * must be constant: the statement is cached by the two addresses.  NULL
 * (logged) when a column has no expr or the text would pass SQL_MAX. */
struct db_stmt *db_select(struct store *s, const struct db_col *cols, const char *from);
/* SQL assembled at run time: a statement finalized after its run. */
struct db_stmt *db_prepare_once(struct store *s, const char *sql);
/* SQL assembled at run time and run many times (a table copied row by row):
 * kept prepared until db_finalize_held. */
struct db_stmt *db_prepare_held(struct store *s, const char *sql);
void db_finalize_held(struct store *s, struct db_stmt *st);

/* Sees one row; returns false to stop early. */
typedef bool (*db_row_fn)(void *ctx, const struct db_row *row);

/* Bind args to st, step every row through fn (NULL: rows are skipped), reset
 * st; STORE_ERROR when st is NULL. */
enum store_status db_run(struct store *s, struct db_stmt *st, const struct db_value *args,
                         size_t nargs, db_row_fn fn, void *ctx);

enum store_status db_exec(struct store *s, struct db_stmt *st, const struct db_value *args,
                          size_t nargs);
/* STORE_NOT_FOUND when no row changed. */
enum store_status db_change(struct store *s, struct db_stmt *st, const struct db_value *args,
                            size_t nargs);
/* An INSERT ... RETURNING id. */
enum store_status db_insert(struct store *s, struct db_stmt *st, const struct db_value *args,
                            size_t nargs, int64_t *id);
/* The first row read into dst through cols; STORE_NOT_FOUND when there is none. */
enum store_status db_get(struct store *s, struct db_stmt *st, const struct db_value *args,
                         size_t nargs, const struct db_col *cols, void *dst);
/* The first column of the first row; STORE_NOT_FOUND when there is none. */
enum store_status db_int(struct store *s, struct db_stmt *st, const struct db_value *args,
                         size_t nargs, int64_t *v);
/* Every row appended to out through cols; STORE_ERROR when memory runs out. */
enum store_status db_list(struct store *s, struct db_stmt *st, const struct db_value *args,
                          size_t nargs, const struct db_col *cols, struct rows *out);

/* --- the same shapes over db_select(s, cols, from): a map and its FROM are the query --- */
/* The first row read into dst, zeroed first (size bytes); STORE_NOT_FOUND when
 * there is none. */
enum store_status db_select_get(struct store *s, const struct db_col *cols, const char *from,
                                const struct db_value *args, size_t nargs, void *dst,
                                size_t size);
/* Every row appended to out (db_list). */
enum store_status db_select_list(struct store *s, const struct db_col *cols, const char *from,
                                 const struct db_value *args, size_t nargs, struct rows *out);
/* Every row in a new array of items of size bytes, handed over in *items and
 * *n also on failure (the caller frees them).  DB_ARRAY(out, n) passes the
 * three for a T **out. */
enum store_status db_select_array(struct store *s, const struct db_col *cols, const char *from,
                                  const struct db_value *args, size_t nargs, size_t size,
                                  void *items, size_t *n);
#define DB_ARRAY(items, n) sizeof **(items), (items), (n)

/* Columns of the row a callback sees, from 0; text is "" for NULL. */
int64_t db_col_int(const struct db_row *r, int col);
const char *db_col_text(const struct db_row *r, int col);
bool db_col_null(const struct db_row *r, int col);
const void *db_col_blob(const struct db_row *r, int col, size_t *len);
/* The row read into dst through cols. */
void db_col_read(const struct db_row *r, const struct db_col *cols, void *dst);
/* The row's shape, for a copy between backends: how many columns, their
 * names, and each value's type (DB_NULL for NULL). */
int db_col_count(const struct db_row *r);
const char *db_col_name(const struct db_row *r, int col);
enum db_type db_col_type(const struct db_row *r, int col);
/* The connection's driver (its dialect's few fixed statements). */
const struct store_driver *db_driver(struct store *s);
/* After rows were copied into table with their ids: new ids follow them. */
enum store_status db_ids_follow(struct store *s, const char *table);

/* A read transaction unless one is open already; *own says which to end. */
enum store_status db_begin_read(struct store *s, bool *own);
enum store_status db_end_read(struct store *s, bool own);

/* --- SQL text assembled from constant tables (never from user data) --- */
void sql_append(char *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* db_select's text into sql (SQL_MAX bytes); false when a column has no expr or
 * the text would not fit. */
bool sql_select(char *sql, const struct db_col *cols, const char *from);

/* records.c: a list query's name filter on column, appended to sql as a WHERE
 * clause with its one parameter in *arg; *owned is what to free after the run.
 * Returns how many parameters it added (0 for MATCH_ANY). */
size_t name_filter(char *sql, const struct list_query *q, const char *column,
                   struct db_value *arg, char **owned);

/* views.c: a db_row_fn appending column 0 of each row to the name_list ctx
 * (all set when memory runs out). */
bool name_list_add(void *ctx, const struct db_row *row);

/* callctl.c: the lists of call control kept in tables of their own (a
 * Date/Time Group's FT_HOSTLIST, a phone's FT_LINES), and a phone's call
 * control view, filled when it has a device pool. */
enum store_status store_cc_read_list(struct store *s, enum field_type type, int64_t owner,
                                     struct value *v);
enum store_status store_cc_write_list(struct store *s, enum field_type type, int64_t owner,
                                      const struct value *v);
struct cc_ids {
    int64_t phone_id, pool_id, sip_profile_id;
    bool has_sip_profile;
};
enum store_status store_cc_device_view(struct store *s, const struct cc_ids *ids,
                                       struct device_view *v);

#endif
