/* db.c - the store's connection: choosing a driver, migrations, transactions,
 * backup and restore, the statement cache, and the one query loop every
 * family file runs its SQL through. */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embedded.h"
#include "log.h"
#include "store/internal.h"

/* Constant statements a connection keeps prepared; past this many, a
 * statement is prepared for each run. */
#define STMT_CACHE_SIZE 128

struct db_stmt {
    /* Cache key: a constant string's address (db_prepare's SQL, db_select's
     * from) and db_select's column map; key NULL for a one-off. */
    const char *key;
    const struct db_col *cols;
    bool held;         /* run many times, then db_finalize_held */
    struct drv_stmt *h;
};

struct db_row {
    const struct store_driver *drv;
    struct drv_stmt *h;
};

struct store {
    const struct store_driver *drv;
    struct drv_conn *conn;
    struct db_stmt cache[STMT_CACHE_SIZE];
};

/* Targets store_open knows, by prefix; the empty prefix (a file path) last.
 * "postgres:" alone, or followed by a conninfo, leaves the rest to libpq's
 * PG* variables. */
static const struct {
    const char *prefix;
    const struct store_driver *driver;
} targets[] = {
    { "postgresql://", &pg_driver },
    { "postgres:", &pg_driver },
    { "", &sqlite_driver },
};

/* Every driver, for store_reachable(). */
static const struct store_driver *const drivers[] = { &sqlite_driver, &pg_driver };

/* What a restore source must contain. */
static const char *const restore_tables[] = { "phones", "common_phone_profiles", "vpn_gateways",
                                              "certificates", "admins" };

static int migration_number(const char *name, const char *ext);
static const struct embedded_file *migration(int number, const char *ext);
static void stmt_release(struct store *s, struct db_stmt *st);
static bool sql_put(char *sql, size_t *len, const char *a, const char *b);

/* -------------------------------------------------------------- connection */

static size_t target_of(const char *path)
{
    size_t t = 0;
    while (strncmp(path, targets[t].prefix, strlen(targets[t].prefix)) != 0)
        t++;
    return t;
}

bool store_target_is_file(const char *target)
{
    return targets[target_of(target)].driver == &sqlite_driver;
}

/* Mask from p up to the first of stops (or the end) with "***". */
static void mask_until(char *p, const char *stops)
{
    size_t n = strcspn(p, stops);
    if (n > 0 && strlen(p) >= 3) {
        memmove(p + 3, p + n, strlen(p + n) + 1);
        memcpy(p, "***", 3);
    }
}

/* user:password@ in a URI, and every password= of a URI's query or a conninfo. */
void store_target_redacted(const char *target, char *out, size_t len)
{
    snprintf(out, len, "%s", target);
    if (store_target_is_file(target))
        return;
    char *auth = strstr(out, "://");
    if (auth != NULL) {
        auth += 3;
        char *at = strchr(auth, '@'), *colon = strchr(auth, ':'), *slash = strchr(auth, '/');
        if (at && colon && colon < at && (!slash || at < slash))
            mask_until(colon + 1, "@");
    }
    for (char *p = strstr(out, "password="); p; p = strstr(p + 9, "password="))
        mask_until(p + 9, "& ");
}

struct store *store_open(const char *path, char *err, size_t errlen)
{
    size_t t = target_of(path);
    struct store *s = calloc(1, sizeof *s);
    if (s == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->drv = targets[t].driver;
    s->conn = s->drv->open(path, err, errlen);
    if (s->conn != NULL)
        return s;
    free(s);   /* nothing else was made */
    return NULL;
}

void store_close(struct store *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < STMT_CACHE_SIZE; i++)
        if (s->cache[i].h)
            s->drv->finalize(s->cache[i].h);
    s->drv->close(s->conn);
    free(s);
}

enum store_status store_begin_write(struct store *s)
{
    return s->drv->begin(s->conn, true);
}

enum store_status store_commit(struct store *s)
{
    return s->drv->commit(s->conn);
}

void store_rollback(struct store *s)
{
    if (s->drv->in_transaction(s->conn))
        s->drv->rollback(s->conn);
}

enum store_status db_begin_read(struct store *s, bool *own)
{
    *own = !s->drv->in_transaction(s->conn);
    return *own ? s->drv->begin(s->conn, false) : STORE_OK;
}

enum store_status db_end_read(struct store *s, bool own)
{
    if (!own || s->drv->commit(s->conn) == STORE_OK)
        return STORE_OK;
    store_rollback(s);
    return STORE_ERROR;
}

/* -------------------------------------------------------------- migrations */

/* Each driver has its set of embedded migrations, with the same numbers:
 * schema/NNNN_*.sql in SQLite's dialect, schema/pg/NNNN_*.pgsql in
 * PostgreSQL's.  "0003_name.sql" is SQLite's migration 3; a name without the
 * driver's extension is not its migration. */
static int migration_number(const char *name, const char *ext)
{
    int n = 0;
    for (size_t i = 0; i < 4; i++) {
        if (name[i] < '0' || name[i] > '9')
            return -1;
        n = n * 10 + (name[i] - '0');
    }
    size_t len = strlen(name), elen = strlen(ext);
    return name[4] == '_' && len > elen + 5 && strcmp(name + len - elen, ext) == 0 ? n : -1;
}

/* Migrations are applied in number order, whatever order they were embedded in. */
static const struct embedded_file *migration(int number, const char *ext)
{
    const struct embedded_file *m = NULL;
    for (const struct embedded_file *f = embedded_files; f->name; f++)
        if (migration_number(f->name, ext) == number)
            m = f;
    return m;
}

static int latest_of(const char *ext)
{
    int latest = 0;
    for (const struct embedded_file *f = embedded_files; f->name; f++) {
        int n = migration_number(f->name, ext);
        if (n > latest)
            latest = n;
    }
    return latest;
}

/* Every driver's set ends at the same number (store_migrate checks it). */
int store_schema_latest(void)
{
    return latest_of(sqlite_driver.migration_ext);
}

int store_schema_latest_of(const char *driver)
{
    for (size_t i = 0; i < sizeof drivers / sizeof drivers[0]; i++)
        if (strcmp(drivers[i]->name, driver) == 0)
            return latest_of(drivers[i]->migration_ext);
    return -1;
}

int store_schema_version(struct store *s)
{
    return s->drv->schema_version(s->conn);
}

/* Apply migration want and record it; 0 on success. */
static int apply_migration(struct store *s, int want, char *err, size_t errlen)
{
    const struct embedded_file *m = migration(want, s->drv->migration_ext);
    char why[512];
    if (m == NULL) {
        snprintf(err, errlen, "migration %04d is missing", want);
        return -1;
    }
    if (s->drv->exec(s->conn, (const char *)m->data, why, sizeof why) != STORE_OK) {
        snprintf(err, errlen, "migration %s failed: %s", m->name, why);
        return -1;
    }
    if (s->drv->set_schema_version(s->conn, want) != STORE_OK) {
        snprintf(err, errlen, "cannot record schema version %d", want);
        return -1;
    }
    log_info("applied migration %s", m->name);
    return 0;
}

/* The write lock (BEGIN IMMEDIATE, or PostgreSQL's advisory lock) makes a
 * second node starting at the same time wait, then find nothing to do. */
int store_migrate(struct store *s, char *err, size_t errlen)
{
    if (store_begin_write(s) != STORE_OK) {
        snprintf(err, errlen, "cannot lock the database: %s", s->drv->errmsg(s->conn));
        return -1;
    }
    int current = store_schema_version(s);
    int latest = store_schema_latest();
    if (latest_of(s->drv->migration_ext) != latest) {
        store_rollback(s);
        snprintf(err, errlen, "this build's %s migrations end at %d, not %d: one is missing",
                 s->drv->name, latest_of(s->drv->migration_ext), latest);
        return -1;
    }
    if (current > latest) {
        store_rollback(s);
        snprintf(err, errlen, "database schema version %d is newer than this build (%d)",
                 current, latest);
        return -1;
    }
    for (int want = current + 1; want <= latest; want++)
        if (apply_migration(s, want, err, errlen) != 0) {
            store_rollback(s);
            return -1;
        }
    if (store_commit(s) != STORE_OK) {
        snprintf(err, errlen, "cannot commit migrations: %s", s->drv->errmsg(s->conn));
        return -1;
    }
    return 0;
}

const char *store_driver_name(struct store *s)
{
    return s->drv->name;
}

/* ------------------------------------------------- several nodes, one store */

bool store_shared(struct store *s)
{
    return s->drv->notify != NULL;
}

enum store_status store_notify(struct store *s, const char *channel, const char *payload)
{
    return s->drv->notify ? s->drv->notify(s->conn, channel, payload) : STORE_OK;
}

enum store_status store_listen(struct store *s, const char *channel)
{
    return s->drv->listen ? s->drv->listen(s->conn, channel) : STORE_ERROR;
}

enum store_status store_wait_notify(struct store *s, int timeout_ms,
                                    void (*fn)(void *ctx, const char *payload), void *ctx)
{
    return s->drv->wait ? s->drv->wait(s->conn, timeout_ms, fn, ctx) : STORE_ERROR;
}

bool store_reachable(void)
{
    for (size_t i = 0; i < sizeof drivers / sizeof drivers[0]; i++)
        if (drivers[i]->reachable && !drivers[i]->reachable())
            return false;
    return true;
}

/* ------------------------------------------------------- backup and restore */

int store_backup(struct store *s, const char *path, char *err, size_t errlen)
{
    return s->drv->backup(s->conn, path, err, errlen);
}

int store_restore(struct store *s, const char *path, char *err, size_t errlen)
{
    const struct restore_check chk = {
        .tables = restore_tables,
        .n_tables = sizeof restore_tables / sizeof restore_tables[0],
        .latest = store_schema_latest(),
    };
    return s->drv->restore(s->conn, path, &chk, err, errlen);
}

/* -------------------------------------------------------------- statements */

/* The cache's slot for (key, cols): the statement's, or the empty one it
 * would take; NULL when the cache is full.  Both pointers make the key: one
 * map may go with two FROM clauses, and a compiler may merge two equal
 * string literals into one. */
static struct db_stmt *cache_slot(struct store *s, const char *key, const struct db_col *cols)
{
    size_t h = (((uintptr_t)key >> 4) + ((uintptr_t)cols >> 4) * 31) % STMT_CACHE_SIZE;
    for (size_t i = 0; i < STMT_CACHE_SIZE; i++) {
        struct db_stmt *slot = &s->cache[(h + i) % STMT_CACHE_SIZE];
        if (slot->key == NULL || (slot->key == key && slot->cols == cols))
            return slot;
    }
    return NULL;
}

/* An empty slot given sql's statement (the driver keeps its own copy of sql). */
static struct db_stmt *cache_fill(struct store *s, struct db_stmt *slot, const char *key,
                                  const struct db_col *cols, const char *sql)
{
    if ((slot->h = s->drv->prepare(s->conn, sql, true)) == NULL)
        return NULL;
    slot->key = key;
    slot->cols = cols;
    return slot;
}

struct db_stmt *db_prepare(struct store *s, const char *sql)
{
    struct db_stmt *slot = cache_slot(s, sql, NULL);
    if (slot == NULL)
        return db_prepare_once(s, sql);
    return slot->key != NULL ? slot : cache_fill(s, slot, sql, NULL, sql);
}

/* The text is made once per connection, at the statement's first use. */
struct db_stmt *db_select(struct store *s, const struct db_col *cols, const char *from)
{
    struct db_stmt *slot = cache_slot(s, from, cols);
    if (slot != NULL && slot->key != NULL)
        return slot;
    char sql[SQL_MAX];
    if (!sql_select(sql, cols, from)) {
        log_error("cannot write the SELECT list for \"%.60s\"", from);
        return NULL;
    }
    return slot != NULL ? cache_fill(s, slot, from, cols, sql) : db_prepare_once(s, sql);
}

struct db_stmt *db_prepare_once(struct store *s, const char *sql)
{
    struct db_stmt *st = calloc(1, sizeof *st);
    if (st != NULL && (st->h = s->drv->prepare(s->conn, sql, false)) == NULL) {
        free(st);
        st = NULL;
    }
    return st;
}

struct db_stmt *db_prepare_held(struct store *s, const char *sql)
{
    struct db_stmt *st = calloc(1, sizeof *st);
    if (st != NULL && (st->h = s->drv->prepare(s->conn, sql, true)) == NULL) {
        free(st);
        st = NULL;
    }
    if (st != NULL)
        st->held = true;
    return st;
}

void db_finalize_held(struct store *s, struct db_stmt *st)
{
    if (st == NULL)
        return;
    s->drv->finalize(st->h);
    free(st);
}

/* A cached or held statement is reset for its next run (which also lets go
 * of the bound values); a one-off is finalized. */
static void stmt_release(struct store *s, struct db_stmt *st)
{
    if (st->key != NULL || st->held) {
        s->drv->reset(st->h);
        return;
    }
    s->drv->finalize(st->h);
    free(st);
}

enum store_status db_run(struct store *s, struct db_stmt *st, const struct db_value *args,
                         size_t nargs, db_row_fn fn, void *ctx)
{
    if (st == NULL)
        return STORE_ERROR;
    for (size_t i = 0; i < nargs; i++)
        s->drv->bind(st->h, (int)i + 1, &args[i]);
    struct db_row row = { s->drv, st->h };
    enum drv_step rc;
    while ((rc = s->drv->step(st->h)) == DRV_ROW)
        if (fn != NULL && !fn(ctx, &row))
            break;
    /* The failure is read before the reset, which may clear it. */
    enum store_status ss = rc == DRV_FAIL ? s->drv->status(s->conn) : STORE_OK;
    stmt_release(s, st);
    return ss;
}

/* ------------------------------------------------------------ query shapes */

enum store_status db_exec(struct store *s, struct db_stmt *st, const struct db_value *args,
                          size_t nargs)
{
    return db_run(s, st, args, nargs, NULL, NULL);
}

enum store_status db_change(struct store *s, struct db_stmt *st, const struct db_value *args,
                            size_t nargs)
{
    enum store_status ss = db_run(s, st, args, nargs, NULL, NULL);
    if (ss == STORE_OK && s->drv->changes(s->conn) == 0)
        return STORE_NOT_FOUND;
    return ss;
}

/* One row read through a column map. */
struct one_row {
    const struct db_col *cols;
    void *dst;
    bool found;
};

static bool read_one(void *ctx, const struct db_row *row)
{
    struct one_row *one = ctx;
    db_col_read(row, one->cols, one->dst);
    one->found = true;
    return false;
}

enum store_status db_get(struct store *s, struct db_stmt *st, const struct db_value *args,
                         size_t nargs, const struct db_col *cols, void *dst)
{
    struct one_row one = { cols, dst, false };
    enum store_status ss = db_run(s, st, args, nargs, read_one, &one);
    return ss == STORE_OK && !one.found ? STORE_NOT_FOUND : ss;
}

enum store_status db_int(struct store *s, struct db_stmt *st, const struct db_value *args,
                         size_t nargs, int64_t *v)
{
    static const struct db_col first[] = { COL_ITEM_NUM(int64_t, NULL), COL_END };
    return db_get(s, st, args, nargs, first, v);
}

enum store_status db_insert(struct store *s, struct db_stmt *st, const struct db_value *args,
                            size_t nargs, int64_t *id)
{
    return db_int(s, st, args, nargs, id);
}

struct list_rows {
    const struct db_col *cols;
    struct rows *out;
};

static bool read_into_rows(void *ctx, const struct db_row *row)
{
    struct list_rows *l = ctx;
    void *slot = rows_add(l->out);
    if (slot != NULL)
        db_col_read(row, l->cols, slot);
    return !l->out->oom;
}

enum store_status db_list(struct store *s, struct db_stmt *st, const struct db_value *args,
                          size_t nargs, const struct db_col *cols, struct rows *out)
{
    struct list_rows l = { cols, out };
    enum store_status ss = db_run(s, st, args, nargs, read_into_rows, &l);
    return ss == STORE_OK && out->oom ? STORE_ERROR : ss;
}

enum store_status db_select_get(struct store *s, const struct db_col *cols, const char *from,
                                const struct db_value *args, size_t nargs, void *dst,
                                size_t size)
{
    memset(dst, 0, size);
    return db_get(s, db_select(s, cols, from), args, nargs, cols, dst);
}

enum store_status db_select_list(struct store *s, const struct db_col *cols, const char *from,
                                 const struct db_value *args, size_t nargs, struct rows *out)
{
    return db_list(s, db_select(s, cols, from), args, nargs, cols, out);
}

enum store_status db_select_array(struct store *s, const struct db_col *cols, const char *from,
                                  const struct db_value *args, size_t nargs, size_t size,
                                  void *items, size_t *n)
{
    struct rows found = { .size = size };
    enum store_status ss = db_select_list(s, cols, from, args, nargs, &found);
    /* items is a T **: its pointer is written as bytes, whatever T is. */
    memcpy(items, &found.items, sizeof found.items);
    *n = found.n;
    return ss;
}

/* ---------------------------------------------------------------- columns */

int64_t db_col_int(const struct db_row *r, int col)
{
    return r->drv->column_int(r->h, col);
}

const char *db_col_text(const struct db_row *r, int col)
{
    const char *t = r->drv->column_text(r->h, col);
    return t ? t : "";
}

bool db_col_null(const struct db_row *r, int col)
{
    return r->drv->column_null(r->h, col);
}

const void *db_col_blob(const struct db_row *r, int col, size_t *len)
{
    return r->drv->column_blob(r->h, col, len);
}

int db_col_count(const struct db_row *r)
{
    return r->drv->column_count(r->h);
}

const char *db_col_name(const struct db_row *r, int col)
{
    return r->drv->column_name(r->h, col);
}

enum db_type db_col_type(const struct db_row *r, int col)
{
    return r->drv->column_type(r->h, col);
}

const struct store_driver *db_driver(struct store *s)
{
    return s->drv;
}

enum store_status db_ids_follow(struct store *s, const char *table)
{
    return s->drv->ids_follow ? s->drv->ids_follow(s->conn, table) : STORE_OK;
}

static void store_num(void *p, size_t len, int64_t v)
{
    switch (len) {
    case sizeof(bool): *(bool *)p = v != 0; break;
    case sizeof(int): *(int *)p = (int)v; break;
    default: *(int64_t *)p = v; break;
    }
}

void db_col_read(const struct db_row *r, const struct db_col *cols, void *dst)
{
    for (int i = 0; cols[i].kind != DBC_END; i++) {
        void *p = (char *)dst + cols[i].off;
        switch (cols[i].kind) {
        case DBC_NUM:
            store_num(p, cols[i].len, db_col_int(r, i));
            break;
        case DBC_TEXT:
            snprintf(p, cols[i].len, "%s", db_col_text(r, i));
            break;
        case DBC_DUP:
            *(char **)p = strdup(db_col_text(r, i));
            break;
        case DBC_DUP_OR_NULL:
            *(char **)p = db_col_null(r, i) ? NULL : strdup(db_col_text(r, i));
            break;
        case DBC_SKIP: case DBC_END:
            break;
        }
    }
}

/* ------------------------------------------------------------------ rows */

void *rows_add(struct rows *r)
{
    if (r->n >= r->cap) {
        if (r->fixed) {
            r->n++;
            return NULL;
        }
        size_t cap = r->cap ? r->cap * 2 : 16;
        void *grown = realloc(r->items, cap * r->size);
        if (grown == NULL) {
            r->oom = true;
            return NULL;
        }
        r->items = grown;
        r->cap = cap;
    }
    void *slot = (char *)r->items + r->n++ * r->size;
    memset(slot, 0, r->size);
    return slot;
}

size_t rows_kept(const struct rows *r)
{
    return r->n < r->cap ? r->n : r->cap;
}

void sql_append(char *buf, const char *fmt, ...)
{
    size_t n = strlen(buf);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + n, SQL_MAX - n, fmt, ap);
    va_end(ap);
}

/* a then b at sql + *len; false when they would not fit. */
static bool sql_put(char *sql, size_t *len, const char *a, const char *b)
{
    int n = snprintf(sql + *len, SQL_MAX - *len, "%s%s", a, b);
    if (n < 0 || (size_t)n >= SQL_MAX - *len)
        return false;
    *len += (size_t)n;
    return true;
}

/* A statement cut short might still be SQL that means something else: it fails instead. */
bool sql_select(char *sql, const struct db_col *cols, const char *from)
{
    size_t len = 0;
    for (size_t i = 0; cols[i].kind != DBC_END; i++)
        if (cols[i].expr == NULL || !sql_put(sql, &len, i ? ", " : "SELECT ", cols[i].expr))
            return false;
    return len > 0 && sql_put(sql, &len, " ", from);
}
