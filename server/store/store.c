/* store.c - SQLite storage.  Every statement is prepared with bound parameters;
 * the only SQL text assembled at run time is built from the constant column
 * tables below, never from user data. */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "embedded.h"
#include "limits.h"
#include "log.h"
#include "store/store.h"
#include "timefmt.h"

#define STMT_CACHE_SIZE 48
#define SQL_MAX 2048

struct stmt_slot {
    const char *sql;      /* key: the address of a constant string */
    sqlite3_stmt *st;
};

struct store {
    sqlite3 *db;
    struct stmt_slot cache[STMT_CACHE_SIZE];
};

/* How an entity's REFLIST field is kept: a link table ordered by position. */
struct link_def {
    const char *field, *table, *owner_col, *target_col;
};

struct table_def {
    const char *table;
    const struct link_def *links;   /* NULL-terminated by field */
};

static const struct link_def gateway_links[] = {
    { "certificates", "vpn_gateway_certificates", "gateway_id", "certificate_id" },
    { NULL, NULL, NULL, NULL },
};
static const struct link_def group_links[] = {
    { "gateways", "vpn_group_gateways", "group_id", "gateway_id" },
    { NULL, NULL, NULL, NULL },
};

static const struct table_def tables[ENT_COUNT] = {
    [ENT_CERTIFICATE]               = { "certificates", NULL },
    [ENT_VPN_PROFILE]               = { "vpn_profiles", NULL },
    [ENT_VPN_GATEWAY]               = { "vpn_gateways", gateway_links },
    [ENT_VPN_GROUP]                 = { "vpn_groups", group_links },
    [ENT_COMMON_PHONE_PROFILE]      = { "common_phone_profiles", NULL },
    [ENT_PHONE]                     = { "phones", NULL },
    [ENT_VPN_FEATURE_CONFIGURATION] = { "vpn_feature_configuration", NULL },
    [ENT_SYSTEM_SETTINGS]           = { "system_settings", NULL },
};

/* ------------------------------------------------------------------ basics */

static enum store_status status_of(struct store *s, int rc)
{
    if (rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW)
        return STORE_OK;
    switch (sqlite3_extended_errcode(s->db)) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
        return STORE_CONFLICT;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
        return STORE_IN_USE;
    case SQLITE_CONSTRAINT_CHECK:
    case SQLITE_CONSTRAINT_NOTNULL:
        return STORE_INVALID;
    default:
        log_error("sqlite: %s", sqlite3_errmsg(s->db));
        return STORE_ERROR;
    }
}

/* A cached statement for a constant SQL string, reset and ready to bind. */
static sqlite3_stmt *prep(struct store *s, const char *sql)
{
    size_t h = ((uintptr_t)sql >> 4) % STMT_CACHE_SIZE;
    for (size_t i = 0; i < STMT_CACHE_SIZE; i++) {
        struct stmt_slot *slot = &s->cache[(h + i) % STMT_CACHE_SIZE];
        if (slot->sql == sql) {
            sqlite3_reset(slot->st);
            sqlite3_clear_bindings(slot->st);
            return slot->st;
        }
        if (slot->sql == NULL) {
            if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &slot->st,
                                   NULL) != SQLITE_OK) {
                log_error("sqlite prepare: %s", sqlite3_errmsg(s->db));
                return NULL;
            }
            slot->sql = sql;
            return slot->st;
        }
    }
    log_error("store: statement cache full");
    return NULL;
}

/* A one-off statement for SQL assembled from the column tables. */
static sqlite3_stmt *prep_dynamic(struct store *s, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
        log_error("sqlite prepare: %s", sqlite3_errmsg(s->db));
        return NULL;
    }
    return st;
}

static enum store_status exec_simple(struct store *s, const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        log_error("sqlite: %s", msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        return status_of(s, rc);
    }
    return STORE_OK;
}

static void copy_col(sqlite3_stmt *st, int col, char *dst, size_t len)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    snprintf(dst, len, "%s", t ? (const char *)t : "");
}

static char *dup_col(sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    return strdup(t ? (const char *)t : "");
}

/* Rows collected from a query: a growing array of fixed-size items. */
struct rows {
    void *items;
    size_t n, cap, size;
};

/* A zeroed slot at the end of the array, or NULL when memory runs out. */
static void *rows_add(struct rows *r)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        void *grown = realloc(r->items, cap * r->size);
        if (grown == NULL)
            return NULL;
        r->items = grown;
        r->cap = cap;
    }
    void *slot = (char *)r->items + r->n++ * r->size;
    memset(slot, 0, r->size);
    return slot;
}

static void sql_append(char *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sql_append(char *buf, const char *fmt, ...)
{
    size_t n = strlen(buf);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + n, SQL_MAX - n, fmt, ap);
    va_end(ap);
}

struct store *store_open(const char *path, char *err, size_t errlen)
{
    struct store *s = calloc(1, sizeof *s);
    if (s == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    int rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                             SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "cannot open database %s: %s", path,
                 s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
        sqlite3_close(s->db);
        free(s);
        return NULL;
    }
    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_busy_timeout(s->db, 10000);
    if (exec_simple(s, "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; "
                       "PRAGMA synchronous=NORMAL;") != STORE_OK) {
        snprintf(err, errlen, "cannot configure database %s: %s", path, sqlite3_errmsg(s->db));
        store_close(s);
        return NULL;
    }
    return s;
}

void store_close(struct store *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < STMT_CACHE_SIZE; i++)
        sqlite3_finalize(s->cache[i].st);
    sqlite3_close(s->db);
    free(s);
}

enum store_status store_begin_write(struct store *s)
{
    return exec_simple(s, "BEGIN IMMEDIATE");
}

enum store_status store_commit(struct store *s)
{
    return exec_simple(s, "COMMIT");
}

void store_rollback(struct store *s)
{
    if (!sqlite3_get_autocommit(s->db))
        exec_simple(s, "ROLLBACK");
}

/* -------------------------------------------------------------- migrations */

static int migration_number(const char *name)
{
    int n = 0;
    for (size_t i = 0; i < 4; i++) {
        if (name[i] < '0' || name[i] > '9')
            return -1;
        n = n * 10 + (name[i] - '0');
    }
    return name[4] == '_' && strstr(name, ".sql") != NULL ? n : -1;
}

int store_schema_latest(void)
{
    int latest = 0;
    for (const struct embedded_file *f = embedded_files; f->name; f++) {
        int n = migration_number(f->name);
        if (n > latest)
            latest = n;
    }
    return latest;
}

int store_schema_version(struct store *s)
{
    sqlite3_stmt *st = prep(s, "PRAGMA user_version");
    if (st == NULL || sqlite3_step(st) != SQLITE_ROW)
        return -1;
    int v = sqlite3_column_int(st, 0);
    sqlite3_reset(st);
    return v;
}

int store_migrate(struct store *s, char *err, size_t errlen)
{
    if (store_begin_write(s) != STORE_OK) {
        snprintf(err, errlen, "cannot lock the database: %s", sqlite3_errmsg(s->db));
        return -1;
    }
    int current = store_schema_version(s);
    int latest = store_schema_latest();
    if (current > latest) {
        store_rollback(s);
        snprintf(err, errlen, "database schema version %d is newer than this build (%d)",
                 current, latest);
        return -1;
    }
    /* Migrations are applied in number order, whatever order they were embedded in. */
    for (int want = current + 1; want <= latest; want++) {
        const struct embedded_file *m = NULL;
        for (const struct embedded_file *f = embedded_files; f->name; f++)
            if (migration_number(f->name) == want)
                m = f;
        if (m == NULL) {
            store_rollback(s);
            snprintf(err, errlen, "migration %04d is missing", want);
            return -1;
        }
        char *msg = NULL;
        if (sqlite3_exec(s->db, (const char *)m->data, NULL, NULL, &msg) != SQLITE_OK) {
            snprintf(err, errlen, "migration %s failed: %s", m->name, msg ? msg : "?");
            sqlite3_free(msg);
            store_rollback(s);
            return -1;
        }
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", want);
        if (exec_simple(s, pragma) != STORE_OK) {
            store_rollback(s);
            snprintf(err, errlen, "cannot record schema version %d", want);
            return -1;
        }
        log_info("applied migration %s", m->name);
    }
    if (store_commit(s) != STORE_OK) {
        snprintf(err, errlen, "cannot commit migrations: %s", sqlite3_errmsg(s->db));
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------- generic records */

static const char *column_suffix(const struct field_def *f)
{
    return f->type == FT_REF ? "_id" : "";
}

static const struct link_def *link_of(enum entity_kind kind, const char *field)
{
    for (const struct link_def *l = tables[kind].links; l && l->field; l++)
        if (strcmp(l->field, field) == 0)
            return l;
    return NULL;
}

/* "col1, col2_id, ..." over every field kept in the entity's own table. */
static void append_columns(char *sql, const struct entity_def *e, const char *assign)
{
    bool first = true;
    for (size_t i = 0; i < e->n_fields; i++) {
        const struct field_def *f = &e->fields[i];
        if (f->type == FT_REFLIST)
            continue;
        sql_append(sql, "%s%s%s%s", first ? "" : ", ", f->name, column_suffix(f), assign);
        first = false;
    }
}

static void bind_fields(sqlite3_stmt *st, const struct entity_def *e, const struct record *rec,
                        int *idx)
{
    for (size_t i = 0; i < e->n_fields; i++) {
        const struct field_def *f = &e->fields[i];
        const struct value *v = &rec->v[i];
        switch (f->type) {
        case FT_REFLIST:
            continue;
        case FT_REF:
            if (v->is_null)
                sqlite3_bind_null(st, (*idx)++);
            else
                sqlite3_bind_int64(st, (*idx)++, v->i);
            break;
        case FT_INT: case FT_BOOL: case FT_ENUM:
            sqlite3_bind_int64(st, (*idx)++, v->i);
            break;
        default:
            sqlite3_bind_text(st, (*idx)++, v->s ? v->s : "", -1, SQLITE_TRANSIENT);
            break;
        }
    }
}

static void read_fields(sqlite3_stmt *st, const struct entity_def *e, struct record *rec)
{
    int col = 1;   /* column 0 is the id */
    rec->id = sqlite3_column_int64(st, 0);
    for (size_t i = 0; i < e->n_fields; i++) {
        const struct field_def *f = &e->fields[i];
        struct value *v = &rec->v[i];
        v->set = true;
        switch (f->type) {
        case FT_REFLIST:
            continue;
        case FT_REF:
            v->is_null = sqlite3_column_type(st, col) == SQLITE_NULL;
            v->i = sqlite3_column_int64(st, col++);
            break;
        case FT_INT: case FT_BOOL: case FT_ENUM:
            v->i = sqlite3_column_int64(st, col++);
            break;
        default:
            v->s = dup_col(st, col++);
            break;
        }
    }
}

static enum store_status read_links(struct store *s, const struct entity_def *e,
                                    struct record *rec)
{
    for (size_t i = 0; i < e->n_fields; i++) {
        if (e->fields[i].type != FT_REFLIST)
            continue;
        const struct link_def *l = link_of(e->kind, e->fields[i].name);
        char sql[SQL_MAX] = "";
        sql_append(sql, "SELECT %s FROM %s WHERE %s = ? ORDER BY position", l->target_col,
                   l->table, l->owner_col);
        sqlite3_stmt *st = prep_dynamic(s, sql);
        if (st == NULL)
            return STORE_ERROR;
        sqlite3_bind_int64(st, 1, rec->id);
        struct value *v = &rec->v[i];
        v->set = true;
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            int64_t *ids = realloc(v->ids, (v->n_ids + 1) * sizeof *ids);
            if (ids == NULL)
                break;
            v->ids = ids;
            v->ids[v->n_ids++] = sqlite3_column_int64(st, 0);
        }
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE)
            return STORE_ERROR;
    }
    return STORE_OK;
}

static enum store_status write_links(struct store *s, const struct entity_def *e,
                                     const struct record *rec)
{
    for (size_t i = 0; i < e->n_fields; i++) {
        if (e->fields[i].type != FT_REFLIST || !rec->v[i].set)
            continue;
        const struct link_def *l = link_of(e->kind, e->fields[i].name);
        /* The list is rewritten whole, but a pair that stays keeps the time it
         * was first made: rollover readiness counts fetches since then. */
        char keep[SQL_MAX] = "", del[SQL_MAX] = "", ins[SQL_MAX] = "";
        sql_append(keep, "INSERT INTO temp.link_kept (target, added_at) "
                   "SELECT %s, added_at FROM %s WHERE %s = ?", l->target_col, l->table,
                   l->owner_col);
        sql_append(del, "DELETE FROM %s WHERE %s = ?", l->table, l->owner_col);
        sql_append(ins, "INSERT INTO %s (%s, %s, position, added_at) VALUES (?1, ?2, ?3, "
                   "COALESCE((SELECT added_at FROM temp.link_kept WHERE target = ?2), ?4))",
                   l->table, l->owner_col, l->target_col);
        if (exec_simple(s, "CREATE TEMP TABLE IF NOT EXISTS link_kept "
                           "(target INTEGER PRIMARY KEY, added_at INTEGER)") != STORE_OK ||
            exec_simple(s, "DELETE FROM temp.link_kept") != STORE_OK)
            return STORE_ERROR;
        int rc = SQLITE_DONE;
        for (const char *sql = keep; sql != NULL; sql = sql == keep ? del : NULL) {
            sqlite3_stmt *st = prep_dynamic(s, sql);
            if (st == NULL)
                return STORE_ERROR;
            sqlite3_bind_int64(st, 1, rec->id);
            rc = sqlite3_step(st);
            sqlite3_finalize(st);
            if (rc != SQLITE_DONE)
                return status_of(s, rc);
        }
        sqlite3_stmt *st = prep_dynamic(s, ins);
        if (st == NULL)
            return STORE_ERROR;
        int64_t now = time_now_ms();
        for (size_t k = 0; k < rec->v[i].n_ids; k++) {
            sqlite3_reset(st);
            sqlite3_bind_int64(st, 1, rec->id);
            sqlite3_bind_int64(st, 2, rec->v[i].ids[k]);
            sqlite3_bind_int64(st, 3, (int64_t)k);
            sqlite3_bind_int64(st, 4, now);
            rc = sqlite3_step(st);
            if (rc != SQLITE_DONE) {
                enum store_status ss = status_of(s, rc);
                sqlite3_finalize(st);
                return ss == STORE_IN_USE ? STORE_INVALID : ss;
            }
        }
        sqlite3_finalize(st);
    }
    return STORE_OK;
}

enum store_status store_record_get(struct store *s, enum entity_kind kind, int64_t id,
                                   struct record *out)
{
    const struct entity_def *e = entity_get(kind);
    char sql[SQL_MAX] = "SELECT id, ";
    append_columns(sql, e, "");
    sql_append(sql, " FROM %s WHERE id = ?", tables[kind].table);
    memset(out, 0, sizeof *out);
    out->kind = kind;
    sqlite3_stmt *st = prep_dynamic(s, sql);
    if (st == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        read_fields(st, e, out);
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE)
        return STORE_NOT_FOUND;
    if (rc != SQLITE_ROW)
        return status_of(s, rc);
    return read_links(s, e, out);
}

static void append_name_filter(char *sql, const struct list_query *q, const char *column)
{
    switch (q->match) {
    case MATCH_EXACT:    sql_append(sql, " WHERE %s = ?1", column); break;
    case MATCH_PREFIX:   sql_append(sql, " WHERE %s LIKE ?1 ESCAPE '\\'", column); break;
    case MATCH_CONTAINS: sql_append(sql, " WHERE %s LIKE ?1 ESCAPE '\\'", column); break;
    case MATCH_ANY:      break;
    }
}

/* Bind the name filter, escaping LIKE's wildcards so that a '%' typed by the
 * admin matches a '%' and nothing more. */
static void bind_name_filter(sqlite3_stmt *st, const struct list_query *q)
{
    if (q->match == MATCH_ANY)
        return;
    if (q->match == MATCH_EXACT) {
        sqlite3_bind_text(st, 1, q->name, -1, SQLITE_TRANSIENT);
        return;
    }
    size_t n = strlen(q->name);
    char *pat = malloc(n * 2 + 3), *p = pat;
    if (pat == NULL)
        return;
    if (q->match == MATCH_CONTAINS)
        *p++ = '%';
    for (size_t i = 0; i < n; i++) {
        if (q->name[i] == '%' || q->name[i] == '_' || q->name[i] == '\\')
            *p++ = '\\';
        *p++ = q->name[i];
    }
    *p++ = '%';
    *p = '\0';
    sqlite3_bind_text(st, 1, pat, -1, free);
}

static int64_t count_rows(struct store *s, const char *table, const struct list_query *q,
                          const char *column, const char *extra)
{
    char sql[SQL_MAX] = "";
    sql_append(sql, "SELECT count(*) FROM %s", table);
    append_name_filter(sql, q, column);
    if (extra)
        sql_append(sql, "%s%s", q->match == MATCH_ANY ? " WHERE " : " AND ", extra);
    sqlite3_stmt *st = prep_dynamic(s, sql);
    if (st == NULL)
        return -1;
    bind_name_filter(st, q);
    int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    return n;
}

enum store_status store_record_list(struct store *s, enum entity_kind kind,
                                    const struct list_query *q, struct record **items,
                                    size_t *n, int64_t *total)
{
    const struct entity_def *e = entity_get(kind);
    *items = NULL;
    *n = 0;
    *total = count_rows(s, tables[kind].table, q, "name", NULL);
    if (*total < 0)
        return STORE_ERROR;
    char sql[SQL_MAX] = "SELECT id, ";
    append_columns(sql, e, "");
    sql_append(sql, " FROM %s", tables[kind].table);
    append_name_filter(sql, q, "name");
    sql_append(sql, " ORDER BY name LIMIT ?2 OFFSET ?3");
    sqlite3_stmt *st = prep_dynamic(s, sql);
    if (st == NULL)
        return STORE_ERROR;
    bind_name_filter(st, q);
    sqlite3_bind_int64(st, 2, q->limit);
    sqlite3_bind_int64(st, 3, q->offset);
    struct rows rows = { .size = sizeof **items };
    int rc;
    enum store_status ss = STORE_OK;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct record *r = rows_add(&rows);
        if (r == NULL) {
            ss = STORE_ERROR;
            break;
        }
        r->kind = kind;
        read_fields(st, e, r);
    }
    sqlite3_finalize(st);
    *items = rows.items;
    *n = rows.n;
    if (ss == STORE_OK && rc != SQLITE_DONE)
        ss = status_of(s, rc);
    for (size_t i = 0; ss == STORE_OK && i < *n; i++)
        ss = read_links(s, e, &(*items)[i]);
    return ss;
}

enum store_status store_record_insert(struct store *s, struct record *rec)
{
    const struct entity_def *e = entity_get(rec->kind);
    char sql[SQL_MAX] = "";
    sql_append(sql, "INSERT INTO %s (", tables[rec->kind].table);
    append_columns(sql, e, "");
    sql_append(sql, ") VALUES (");
    int ncols = 0;
    for (size_t i = 0; i < e->n_fields; i++)
        if (e->fields[i].type != FT_REFLIST)
            sql_append(sql, "%s?", ncols++ ? ", " : "");
    sql_append(sql, ")");
    sqlite3_stmt *st = prep_dynamic(s, sql);
    if (st == NULL)
        return STORE_ERROR;
    int idx = 1;
    bind_fields(st, e, rec, &idx);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        enum store_status ss = status_of(s, rc);
        return ss == STORE_IN_USE ? STORE_INVALID : ss;
    }
    rec->id = sqlite3_last_insert_rowid(s->db);
    return write_links(s, e, rec);
}

enum store_status store_record_update(struct store *s, const struct record *rec)
{
    const struct entity_def *e = entity_get(rec->kind);
    char sql[SQL_MAX] = "";
    sql_append(sql, "UPDATE %s SET ", tables[rec->kind].table);
    append_columns(sql, e, " = ?");
    sql_append(sql, " WHERE id = ?");
    sqlite3_stmt *st = prep_dynamic(s, sql);
    if (st == NULL)
        return STORE_ERROR;
    int idx = 1;
    bind_fields(st, e, rec, &idx);
    sqlite3_bind_int64(st, idx, rec->id);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        enum store_status ss = status_of(s, rc);
        return ss == STORE_IN_USE ? STORE_INVALID : ss;
    }
    if (sqlite3_changes(s->db) == 0)
        return STORE_NOT_FOUND;
    return write_links(s, e, rec);
}

enum store_status store_record_delete(struct store *s, enum entity_kind kind, int64_t id)
{
    char sql[SQL_MAX] = "";
    sql_append(sql, "DELETE FROM %s WHERE id = ?", tables[kind].table);
    sqlite3_stmt *st = prep_dynamic(s, sql);
    if (st == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return status_of(s, rc);
    return sqlite3_changes(s->db) ? STORE_OK : STORE_NOT_FOUND;
}

bool store_record_exists(struct store *s, enum entity_kind kind, int64_t id)
{
    char sql[SQL_MAX] = "";
    sql_append(sql, "SELECT 1 FROM %s WHERE id = ?", tables[kind].table);
    sqlite3_stmt *st = prep_dynamic(s, sql);
    if (st == NULL)
        return false;
    sqlite3_bind_int64(st, 1, id);
    bool found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return found;
}

enum store_status store_record_id_by_name(struct store *s, enum entity_kind kind,
                                          const char *name, int64_t *id)
{
    char sql[SQL_MAX] = "";
    sql_append(sql, "SELECT id FROM %s WHERE name = ?", tables[kind].table);
    sqlite3_stmt *st = prep_dynamic(s, sql);
    if (st == NULL)
        return STORE_ERROR;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_ERROR;
}

/* Who refers to an object, per kind: the reason a delete is refused. */
static const struct {
    enum entity_kind target, user;
    const char *sql;
} user_queries[] = {
    { ENT_CERTIFICATE, ENT_VPN_GATEWAY,
      "SELECT g.id, g.name FROM vpn_gateway_certificates gc JOIN vpn_gateways g "
      "ON g.id = gc.gateway_id WHERE gc.certificate_id = ? ORDER BY g.name" },
    { ENT_VPN_GATEWAY, ENT_VPN_GROUP,
      "SELECT g.id, g.name FROM vpn_group_gateways gg JOIN vpn_groups g "
      "ON g.id = gg.group_id WHERE gg.gateway_id = ? ORDER BY g.name" },
    { ENT_VPN_GROUP, ENT_COMMON_PHONE_PROFILE,
      "SELECT id, name FROM common_phone_profiles WHERE vpn_group_id = ? ORDER BY name" },
    { ENT_VPN_PROFILE, ENT_COMMON_PHONE_PROFILE,
      "SELECT id, name FROM common_phone_profiles WHERE vpn_profile_id = ? ORDER BY name" },
    { ENT_COMMON_PHONE_PROFILE, ENT_PHONE,
      "SELECT id, name FROM phones WHERE common_phone_profile_id = ? ORDER BY name" },
};

size_t store_record_users(struct store *s, enum entity_kind kind, int64_t id,
                          struct object_ref *out, size_t max)
{
    size_t total = 0;
    for (size_t q = 0; q < sizeof user_queries / sizeof user_queries[0]; q++) {
        if (user_queries[q].target != kind)
            continue;
        sqlite3_stmt *st = prep(s, user_queries[q].sql);
        if (st == NULL)
            continue;
        sqlite3_bind_int64(st, 1, id);
        while (sqlite3_step(st) == SQLITE_ROW) {
            if (total < max) {
                out[total].kind = user_queries[q].user;
                out[total].id = sqlite3_column_int64(st, 0);
                copy_col(st, 1, out[total].name, sizeof out[total].name);
            }
            total++;
        }
    }
    return total;
}

/* ------------------------------------------------------------ certificates */

#define CERT_COLUMNS "id, store, common_name, subject, subject_alt_names, issuer, issuer_cn, " \
    "serial, not_before, not_after, self_signed, key_type, key_bits, cert_hash, " \
    "sha256_fingerprint, der, created_at"

static char *join_lines(char *const *items, size_t n)
{
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += strlen(items[i]) + 1;
    char *out = calloc(1, len);
    for (size_t i = 0; out && i < n; i++) {
        if (i)
            strcat(out, "\n");
        strcat(out, items[i]);
    }
    return out;
}

static void split_lines(const char *text, struct cert_info *ci)
{
    if (text == NULL || *text == '\0')
        return;
    size_t n = 1;
    for (const char *p = text; *p; p++)
        n += *p == '\n';
    ci->sans = calloc(n, sizeof *ci->sans);
    if (ci->sans == NULL)
        return;
    const char *start = text;
    for (const char *p = text;; p++) {
        if (*p == '\n' || *p == '\0') {
            ci->sans[ci->n_sans++] = strndup(start, (size_t)(p - start));
            if (*p == '\0')
                break;
            start = p + 1;
        }
    }
}

static void read_cert_row(sqlite3_stmt *st, struct cert_row *row)
{
    struct cert_info *ci = &row->info;
    memset(row, 0, sizeof *row);
    row->id = sqlite3_column_int64(st, 0);
    copy_col(st, 1, row->trust_store, sizeof row->trust_store);
    ci->common_name = dup_col(st, 2);
    ci->subject = dup_col(st, 3);
    split_lines((const char *)sqlite3_column_text(st, 4), ci);
    ci->issuer = dup_col(st, 5);
    ci->issuer_cn = dup_col(st, 6);
    ci->serial = dup_col(st, 7);
    ci->not_before = sqlite3_column_int64(st, 8);
    ci->not_after = sqlite3_column_int64(st, 9);
    ci->self_signed = sqlite3_column_int(st, 10) != 0;
    copy_col(st, 11, ci->key_type, sizeof ci->key_type);
    ci->key_bits = sqlite3_column_int(st, 12);
    copy_col(st, 13, ci->cert_hash, sizeof ci->cert_hash);
    copy_col(st, 14, ci->sha256_fingerprint, sizeof ci->sha256_fingerprint);
    int n = sqlite3_column_bytes(st, 15);
    ci->der = malloc((size_t)n + 1);
    if (ci->der) {
        memcpy(ci->der, sqlite3_column_blob(st, 15), (size_t)n);
        ci->der_len = (size_t)n;
    }
    row->created_at = sqlite3_column_int64(st, 16);
}

void cert_row_free(struct cert_row *row)
{
    if (row == NULL)
        return;
    /* der came from malloc here, not from OpenSSL */
    free(row->info.der);
    row->info.der = NULL;
    cert_info_free(&row->info);
}

enum store_status store_cert_insert(struct store *s, const char *trust_store,
                                    const struct cert_info *ci, int64_t now, int64_t *id)
{
    static const char sql[] =
        "INSERT INTO certificates (store, common_name, subject, subject_alt_names, issuer, "
        "issuer_cn, serial, not_before, not_after, self_signed, key_type, key_bits, cert_hash, "
        "sha256_fingerprint, der, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    sqlite3_stmt *st = prep(s, sql);
    if (st == NULL)
        return STORE_ERROR;
    char *sans = join_lines(ci->sans, ci->n_sans);
    sqlite3_bind_text(st, 1, trust_store, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, ci->common_name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, ci->subject, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, sans ? sans : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, ci->issuer, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 6, ci->issuer_cn, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 7, ci->serial, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 8, ci->not_before);
    sqlite3_bind_int64(st, 9, ci->not_after);
    sqlite3_bind_int(st, 10, ci->self_signed);
    sqlite3_bind_text(st, 11, ci->key_type, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 12, ci->key_bits);
    sqlite3_bind_text(st, 13, ci->cert_hash, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 14, ci->sha256_fingerprint, -1, SQLITE_TRANSIENT);
    sqlite3_bind_blob(st, 15, ci->der, (int)ci->der_len, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 16, now);
    int rc = sqlite3_step(st);
    free(sans);
    if (rc != SQLITE_DONE)
        return status_of(s, rc);
    *id = sqlite3_last_insert_rowid(s->db);
    return STORE_OK;
}

enum store_status store_cert_get(struct store *s, int64_t id, struct cert_row *out)
{
    static const char sql[] = "SELECT " CERT_COLUMNS " FROM certificates WHERE id = ?";
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = prep(s, sql);
    if (st == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        read_cert_row(st, out);
        sqlite3_reset(st);
        return STORE_OK;
    }
    return rc == SQLITE_DONE ? STORE_NOT_FOUND : status_of(s, rc);
}

enum store_status store_cert_list(struct store *s, const struct list_query *q,
                                  const char *trust_store, struct cert_row **rows, size_t *n,
                                  int64_t *total)
{
    *rows = NULL;
    *n = 0;
    /* ?3 is the optional trust store filter */
    const char *store_filter = trust_store ? "store = ?3" : NULL;
    char sql[SQL_MAX] = "SELECT " CERT_COLUMNS " FROM certificates";
    append_name_filter(sql, q, "common_name");
    if (store_filter)
        sql_append(sql, "%s%s", q->match == MATCH_ANY ? " WHERE " : " AND ", store_filter);
    sql_append(sql, " ORDER BY common_name, id LIMIT ?4 OFFSET ?5");

    char csql[SQL_MAX] = "SELECT count(*) FROM certificates";
    append_name_filter(csql, q, "common_name");
    if (store_filter)
        sql_append(csql, "%s%s", q->match == MATCH_ANY ? " WHERE " : " AND ", store_filter);
    sqlite3_stmt *st = prep_dynamic(s, csql);
    if (st == NULL)
        return STORE_ERROR;
    bind_name_filter(st, q);
    if (trust_store)
        sqlite3_bind_text(st, 3, trust_store, -1, SQLITE_TRANSIENT);
    *total = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);

    st = prep_dynamic(s, sql);
    if (st == NULL)
        return STORE_ERROR;
    bind_name_filter(st, q);
    if (trust_store)
        sqlite3_bind_text(st, 3, trust_store, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 4, q->limit);
    sqlite3_bind_int64(st, 5, q->offset);
    struct rows found = { .size = sizeof **rows };
    int rc;
    struct cert_row *row = NULL;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && (row = rows_add(&found)) != NULL)
        read_cert_row(st, row);
    sqlite3_finalize(st);
    *rows = found.items;
    *n = found.n;
    return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

enum store_status store_cert_set_trust_store(struct store *s, int64_t id, const char *trust_store)
{
    static const char sql[] = "UPDATE certificates SET store = ? WHERE id = ?";
    sqlite3_stmt *st = prep(s, sql);
    if (st == NULL)
        return STORE_ERROR;
    sqlite3_bind_text(st, 1, trust_store, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, id);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
        return status_of(s, rc);
    return sqlite3_changes(s->db) ? STORE_OK : STORE_NOT_FOUND;
}

enum store_status store_cert_delete(struct store *s, int64_t id)
{
    return store_record_delete(s, ENT_CERTIFICATE, id);
}

int64_t store_gateways_cert_count(struct store *s, const int64_t *gateway_ids, size_t n)
{
    /* A temp table keeps this one bound statement, whatever n is. */
    static const char make[] = "CREATE TEMP TABLE IF NOT EXISTS gateway_set (id INTEGER)";
    static const char clear[] = "DELETE FROM temp.gateway_set";
    static const char add[] = "INSERT INTO temp.gateway_set (id) VALUES (?)";
    static const char count[] =
        "SELECT count(DISTINCT certificate_id) FROM vpn_gateway_certificates "
        "WHERE gateway_id IN (SELECT id FROM temp.gateway_set)";
    if (exec_simple(s, make) != STORE_OK || exec_simple(s, clear) != STORE_OK)
        return -1;
    for (size_t i = 0; i < n; i++) {
        sqlite3_stmt *st = prep(s, add);
        if (st == NULL)
            return -1;
        sqlite3_bind_int64(st, 1, gateway_ids[i]);
        sqlite3_step(st);
    }
    sqlite3_stmt *st = prep(s, count);
    if (st == NULL || sqlite3_step(st) != SQLITE_ROW)
        return -1;
    int64_t distinct = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return distinct;
}

size_t store_groups_of_gateway(struct store *s, int64_t gateway_id, int64_t *out, size_t max)
{
    static const char sql[] = "SELECT group_id FROM vpn_group_gateways WHERE gateway_id = ?";
    sqlite3_stmt *st = prep(s, sql);
    size_t n = 0;
    if (st == NULL)
        return 0;
    sqlite3_bind_int64(st, 1, gateway_id);
    while (n < max && sqlite3_step(st) == SQLITE_ROW)
        out[n++] = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return n;
}

bool store_model_exists(struct store *s, const char *model)
{
    static const char sql[] = "SELECT 1 FROM phone_models WHERE name = ?";
    sqlite3_stmt *st = prep(s, sql);
    if (st == NULL)
        return false;
    sqlite3_bind_text(st, 1, model, -1, SQLITE_TRANSIENT);
    bool found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_reset(st);
    return found;
}

/* ------------------------------------------------------- cache dependencies */

#define PHONES_OF_PROFILES "SELECT p.name FROM phones p JOIN common_phone_profiles c " \
    "ON c.id = p.common_phone_profile_id WHERE "

static const struct {
    enum entity_kind kind;
    const char *sql;   /* ? is the changed object's id */
} affected_queries[] = {
    { ENT_PHONE, "SELECT name FROM phones WHERE id = ?" },
    { ENT_COMMON_PHONE_PROFILE, "SELECT name FROM phones WHERE common_phone_profile_id = ?" },
    { ENT_VPN_GROUP, PHONES_OF_PROFILES "c.vpn_group_id = ?" },
    { ENT_VPN_PROFILE, PHONES_OF_PROFILES "c.vpn_profile_id = ?" },
    { ENT_VPN_GATEWAY, PHONES_OF_PROFILES "c.vpn_group_id IN "
      "(SELECT group_id FROM vpn_group_gateways WHERE gateway_id = ?)" },
    { ENT_CERTIFICATE, PHONES_OF_PROFILES "c.vpn_group_id IN "
      "(SELECT gg.group_id FROM vpn_group_gateways gg JOIN vpn_gateway_certificates gc "
      "ON gc.gateway_id = gg.gateway_id WHERE gc.certificate_id = ?)" },
    { ENT_VPN_FEATURE_CONFIGURATION, PHONES_OF_PROFILES
      "c.vpn_group_id IS NOT NULL AND c.vpn_profile_id IS NULL AND ? IS NOT NULL" },
};

static void name_list_add(struct name_list *l, const char *name)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        char (*grown)[16] = realloc(l->names, cap * sizeof *grown);
        if (grown == NULL) {
            l->all = true;   /* cannot list them: flush everything rather than miss one */
            return;
        }
        l->names = grown;
        l->cap = cap;
    }
    snprintf(l->names[l->n++], 16, "%s", name);
}

void name_list_free(struct name_list *l)
{
    free(l->names);
    memset(l, 0, sizeof *l);
}

enum store_status store_affected_phones(struct store *s, enum entity_kind kind, int64_t id,
                                        struct name_list *out)
{
    if (kind == ENT_SYSTEM_SETTINGS) {
        out->all = true;
        return STORE_OK;
    }
    for (size_t q = 0; q < sizeof affected_queries / sizeof affected_queries[0]; q++) {
        if (affected_queries[q].kind != kind)
            continue;
        sqlite3_stmt *st = prep(s, affected_queries[q].sql);
        if (st == NULL)
            return STORE_ERROR;
        sqlite3_bind_int64(st, 1, id);
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW)
            name_list_add(out, (const char *)sqlite3_column_text(st, 0));
        if (rc != SQLITE_DONE)
            return status_of(s, rc);
    }
    return STORE_OK;
}

/* ----------------------------------------------------------- render inputs */

static enum store_status read_system_settings(struct store *s, struct system_settings *sys)
{
    static const char sql[] =
        "SELECT call_manager_host, sip_port, secure_sip_port, tvs_port, user_locale, "
        "network_locale, time_zone FROM system_settings WHERE id = 1";
    sqlite3_stmt *st = prep(s, sql);
    if (st == NULL || sqlite3_step(st) != SQLITE_ROW)
        return STORE_ERROR;
    copy_col(st, 0, sys->call_manager_host, sizeof sys->call_manager_host);
    sys->sip_port = sqlite3_column_int(st, 1);
    sys->secure_sip_port = sqlite3_column_int(st, 2);
    sys->tvs_port = sqlite3_column_int(st, 3);
    copy_col(st, 4, sys->user_locale, sizeof sys->user_locale);
    copy_col(st, 5, sys->network_locale, sizeof sys->network_locale);
    copy_col(st, 6, sys->time_zone, sizeof sys->time_zone);
    sqlite3_reset(st);
    return STORE_OK;
}

static enum store_status read_vpn_switches(struct store *s, int64_t profile_id, bool has_profile,
                                           struct vpn_switches *sw)
{
    static const char from_profile[] =
        "SELECT auto_network_detect, mtu, fail_to_connect, host_id_check, client_auth_method, "
        "password_persistence FROM vpn_profiles WHERE id = ?";
    static const char from_defaults[] =
        "SELECT auto_network_detect, mtu, fail_to_connect, host_id_check, client_auth_method, "
        "password_persistence FROM vpn_feature_configuration WHERE id = ?";
    sqlite3_stmt *st = prep(s, has_profile ? from_profile : from_defaults);
    if (st == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, has_profile ? profile_id : 1);
    if (sqlite3_step(st) != SQLITE_ROW)
        return STORE_ERROR;
    sw->auto_network_detect = sqlite3_column_int(st, 0);
    sw->mtu = sqlite3_column_int(st, 1);
    sw->fail_to_connect = sqlite3_column_int(st, 2);
    sw->host_id_check = sqlite3_column_int(st, 3);
    sw->client_auth_method = sqlite3_column_int(st, 4);
    sw->password_persistence = sqlite3_column_int(st, 5);
    sqlite3_reset(st);
    return STORE_OK;
}

static enum store_status read_vpn_group(struct store *s, int64_t group_id, struct device_view *v)
{
    static const char urls[] =
        "SELECT g.url FROM vpn_group_gateways gg JOIN vpn_gateways g ON g.id = gg.gateway_id "
        "WHERE gg.group_id = ? ORDER BY gg.position";
    static const char hashes[] =
        "SELECT c.cert_hash FROM vpn_group_gateways gg "
        "JOIN vpn_gateway_certificates gc ON gc.gateway_id = gg.gateway_id "
        "JOIN certificates c ON c.id = gc.certificate_id "
        "WHERE gg.group_id = ? ORDER BY gg.position, gc.position";
    sqlite3_stmt *st = prep(s, urls);
    if (st == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, group_id);
    while (v->n_urls < VIEW_MAX_URLS && sqlite3_step(st) == SQLITE_ROW)
        copy_col(st, 0, v->urls[v->n_urls++], sizeof v->urls[0]);
    sqlite3_reset(st);
    st = prep(s, hashes);
    if (st == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, group_id);
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *h = (const char *)sqlite3_column_text(st, 0);
        bool seen = false;
        /* One certificate on two gateways of the group is listed once. */
        for (size_t i = 0; i < v->n_hashes && !seen; i++)
            seen = strcmp(v->cert_hashes[i], h) == 0;
        if (!seen && v->n_hashes < VIEW_MAX_HASHES)
            snprintf(v->cert_hashes[v->n_hashes++], sizeof v->cert_hashes[0], "%s", h);
    }
    return STORE_OK;
}

static enum store_status read_device_view(struct store *s, const char *name, struct device_view *v)
{
    static const char sql[] =
        "SELECT p.name, p.model, m.model_id, m.default_load, p.description, "
        "c.phone_password, c.background_image_access, c.dnd_call_alert, c.dnd_option, "
        "c.phone_personalization, c.services_provisioning, c.always_use_prime_line, "
        "c.always_use_prime_line_for_voice_message, c.ssh_user_id, c.ssh_password, "
        "c.feature_control_policy, c.vpn_group_id, c.vpn_profile_id "
        "FROM phones p JOIN phone_models m ON m.name = p.model "
        "JOIN common_phone_profiles c ON c.id = p.common_phone_profile_id WHERE p.name = ?";
    memset(v, 0, sizeof *v);
    sqlite3_stmt *st = prep(s, sql);
    if (st == NULL)
        return STORE_ERROR;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE)
        return STORE_NOT_FOUND;
    if (rc != SQLITE_ROW)
        return status_of(s, rc);
    copy_col(st, 0, v->name, sizeof v->name);
    copy_col(st, 1, v->model, sizeof v->model);
    v->model_id = sqlite3_column_int(st, 2);
    copy_col(st, 3, v->load, sizeof v->load);
    copy_col(st, 4, v->description, sizeof v->description);
    copy_col(st, 5, v->phone_password, sizeof v->phone_password);
    v->background_image_access = sqlite3_column_int(st, 6);
    v->dnd_call_alert = sqlite3_column_int(st, 7);
    v->dnd_option = sqlite3_column_int(st, 8);
    v->phone_personalization = sqlite3_column_int(st, 9);
    v->services_provisioning = sqlite3_column_int(st, 10);
    v->always_use_prime_line = sqlite3_column_int(st, 11);
    v->always_use_prime_line_vm = sqlite3_column_int(st, 12);
    copy_col(st, 13, v->ssh_user_id, sizeof v->ssh_user_id);
    copy_col(st, 14, v->ssh_password, sizeof v->ssh_password);
    copy_col(st, 15, v->feature_control_policy, sizeof v->feature_control_policy);
    bool has_group = sqlite3_column_type(st, 16) != SQLITE_NULL;
    int64_t group_id = sqlite3_column_int64(st, 16);
    bool has_profile = sqlite3_column_type(st, 17) != SQLITE_NULL;
    int64_t profile_id = sqlite3_column_int64(st, 17);
    sqlite3_reset(st);

    enum store_status ss = read_system_settings(s, &v->sys);
    if (ss != STORE_OK || !has_group)
        return ss;
    v->has_vpn = true;
    ss = read_vpn_switches(s, profile_id, has_profile, &v->vpn);
    return ss != STORE_OK ? ss : read_vpn_group(s, group_id, v);
}

/* The view's five queries share one read transaction: one snapshot of the
 * rows, and one round of file locking instead of one per query, which was a
 * tenth of a cold render's time. */
enum store_status store_device_view(struct store *s, const char *name, struct device_view *v)
{
    static const char begin[] = "BEGIN", commit[] = "COMMIT";
    bool own = sqlite3_get_autocommit(s->db) != 0;
    sqlite3_stmt *st = own ? prep(s, begin) : NULL;
    if (own && (st == NULL || sqlite3_step(st) != SQLITE_DONE))
        return STORE_ERROR;
    enum store_status ss = read_device_view(s, name, v);
    if (own && ((st = prep(s, commit)) == NULL || sqlite3_step(st) != SQLITE_DONE)) {
        store_rollback(s);
        return STORE_ERROR;
    }
    return ss;
}

enum store_status store_default_view(struct store *s, struct default_view *v)
{
    static const char sql[] =
        "SELECT name, model_id, default_load FROM phone_models ORDER BY model_id";
    memset(v, 0, sizeof *v);
    enum store_status ss = read_system_settings(s, &v->sys);
    if (ss != STORE_OK)
        return ss;
    sqlite3_stmt *st = prep(s, sql);
    if (st == NULL)
        return STORE_ERROR;
    while (v->n_models < VIEW_MAX_MODELS && sqlite3_step(st) == SQLITE_ROW) {
        struct model_load *m = &v->models[v->n_models++];
        copy_col(st, 0, m->model, sizeof m->model);
        m->model_id = sqlite3_column_int(st, 1);
        copy_col(st, 2, m->load, sizeof m->load);
    }
    sqlite3_reset(st);
    return STORE_OK;
}

enum store_status store_each_phone(struct store *s, void (*fn)(void *ctx, const char *name),
                                   void *ctx)
{
    sqlite3_stmt *st = prep_dynamic(s, "SELECT name FROM phones ORDER BY name");
    if (st == NULL)
        return STORE_ERROR;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        fn(ctx, (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

/* ------------------------------------------------------------ phones in bulk */

enum store_status store_phone_insert(struct store *s, const struct phone_row *row)
{
    static const char sql[] =
        "INSERT INTO phones (name, model, description, common_phone_profile_id) "
        "VALUES (?, ?, ?, ?)";
    sqlite3_stmt *st = prep(s, sql);
    if (st == NULL)
        return STORE_ERROR;
    /* STATIC: the row outlives the step, and a bulk import saves a copy per column. */
    sqlite3_bind_text(st, 1, row->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, row->model, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, row->description ? row->description : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, row->profile_id);
    int rc = sqlite3_step(st);
    enum store_status ss = status_of(s, rc);
    sqlite3_reset(st);
    return ss == STORE_IN_USE ? STORE_INVALID : ss;
}

size_t store_model_names(struct store *s, char (*out)[64], size_t max)
{
    static const char sql[] = "SELECT name FROM phone_models ORDER BY name";
    sqlite3_stmt *st = prep(s, sql);
    size_t n = 0;
    if (st == NULL)
        return 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (n < max)
            copy_col(st, 0, out[n], sizeof out[n]);
        n++;
    }
    sqlite3_reset(st);
    return n;
}

enum store_status store_each_phone_row(struct store *s,
                                       void (*fn)(void *ctx, const struct phone_row *row),
                                       void *ctx)
{
    static const char sql[] =
        "SELECT p.name, p.model, p.description, p.common_phone_profile_id, c.name "
        "FROM phones p JOIN common_phone_profiles c ON c.id = p.common_phone_profile_id "
        "ORDER BY p.name";
    sqlite3_stmt *st = prep(s, sql);
    if (st == NULL)
        return STORE_ERROR;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct phone_row row = {
            .name = (const char *)sqlite3_column_text(st, 0),
            .model = (const char *)sqlite3_column_text(st, 1),
            .description = (const char *)sqlite3_column_text(st, 2),
            .profile_id = sqlite3_column_int64(st, 3),
            .profile = (const char *)sqlite3_column_text(st, 4),
        };
        fn(ctx, &row);
    }
    enum store_status ss = status_of(s, rc);
    sqlite3_reset(st);
    return ss;
}

/* ---------------------------------------------------------------- fetch log */

enum store_status store_fetch_log_append(struct store *s, const struct fetch_record *recs,
                                         size_t n)
{
    static const char sql[] =
        "INSERT INTO fetch_log (at_ms, client_addr, client_port, filename, device, protocol, "
        "bytes, result, version_stamp, duration_us) VALUES (?,?,?,?,?,?,?,?,?,?)";
    enum store_status ss = store_begin_write(s);
    if (ss != STORE_OK)
        return ss;
    for (size_t i = 0; i < n; i++) {
        const struct fetch_record *r = &recs[i];
        sqlite3_stmt *st = prep(s, sql);
        if (st == NULL) {
            store_rollback(s);
            return STORE_ERROR;
        }
        sqlite3_bind_int64(st, 1, r->at_ms);
        sqlite3_bind_text(st, 2, r->client, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 3, r->client_port);
        sqlite3_bind_text(st, 4, r->filename, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, r->device, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, r->protocol, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 7, r->bytes);
        sqlite3_bind_text(st, 8, r->result, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 9, r->version_stamp, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 10, r->duration_us);
        int rc = sqlite3_step(st);
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        if (rc != SQLITE_DONE) {
            ss = status_of(s, rc);
            store_rollback(s);
            return ss;
        }
    }
    return store_commit(s);
}

enum store_status store_fetch_log_query(struct store *s, const char *device, int64_t since_ms,
                                        int64_t limit, struct fetch_record **out, size_t *n)
{
    static const char sql[] =
        "SELECT at_ms, client_addr, client_port, filename, device, protocol, bytes, result, "
        "version_stamp, duration_us FROM fetch_log "
        "WHERE (?1 = '' OR device = ?1) AND at_ms >= ?2 ORDER BY at_ms DESC, id DESC LIMIT ?3";
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st = prep(s, sql);
    if (st == NULL)
        return STORE_ERROR;
    sqlite3_bind_text(st, 1, device ? device : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, since_ms);
    sqlite3_bind_int64(st, 3, limit);
    struct rows rows = { .size = sizeof **out };
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct fetch_record *r = rows_add(&rows);
        if (r == NULL) {
            sqlite3_reset(st);
            break;
        }
        r->at_ms = sqlite3_column_int64(st, 0);
        copy_col(st, 1, r->client, sizeof r->client);
        r->client_port = sqlite3_column_int(st, 2);
        copy_col(st, 3, r->filename, sizeof r->filename);
        copy_col(st, 4, r->device, sizeof r->device);
        copy_col(st, 5, r->protocol, sizeof r->protocol);
        r->bytes = sqlite3_column_int64(st, 6);
        copy_col(st, 7, r->result, sizeof r->result);
        copy_col(st, 8, r->version_stamp, sizeof r->version_stamp);
        r->duration_us = sqlite3_column_int64(st, 9);
    }
    *out = rows.items;
    *n = rows.n;
    return rc == SQLITE_DONE ? STORE_OK : rc == SQLITE_ROW ? STORE_ERROR : status_of(s, rc);
}

enum store_status store_fetch_log_prune(struct store *s, int64_t keep)
{
    static const char sql[] =
        "DELETE FROM fetch_log WHERE id <= (SELECT max(id) FROM fetch_log) - ?";
    sqlite3_stmt *st = prep(s, sql);
    if (st == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, keep);
    int rc = sqlite3_step(st);
    return rc == SQLITE_DONE ? STORE_OK : status_of(s, rc);
}

/* ------------------------------------------------------- admins and tokens */

enum store_status store_admin_insert(struct store *s, const char *name, const char *password_hash,
                                     int64_t now, int64_t *id)
{
    static const char sql[] =
        "INSERT INTO admins (name, password_hash, created_at) VALUES (?, ?, ?)";
    sqlite3_stmt *st = prep(s, sql);
    if (st == NULL)
        return STORE_ERROR;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, password_hash, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, now);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
        return status_of(s, rc);
    *id = sqlite3_last_insert_rowid(s->db);
    return STORE_OK;
}

enum store_status store_admin_set_password(struct store *s, int64_t id, const char *password_hash)
{
    static const char sql[] = "UPDATE admins SET password_hash = ? WHERE id = ?";
    sqlite3_stmt *st = prep(s, sql);
    if (st == NULL)
        return STORE_ERROR;
    sqlite3_bind_text(st, 1, password_hash, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, id);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
        return status_of(s, rc);
    return sqlite3_changes(s->db) ? STORE_OK : STORE_NOT_FOUND;
}

enum store_status store_admin_by_name(struct store *s, const char *name, int64_t *id,
                                      char *hash, size_t hashlen)
{
    static const char sql[] = "SELECT id, password_hash FROM admins WHERE name = ?";
    sqlite3_stmt *st = prep(s, sql);
    if (st == NULL)
        return STORE_ERROR;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW)
        return rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_ERROR;
    *id = sqlite3_column_int64(st, 0);
    copy_col(st, 1, hash, hashlen);
    sqlite3_reset(st);
    return STORE_OK;
}

enum store_status store_admin_name(struct store *s, int64_t id, char *name, size_t namelen)
{
    static const char sql[] = "SELECT name FROM admins WHERE id = ?";
    sqlite3_stmt *st = prep(s, sql);
    if (st == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW)
        return rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_ERROR;
    copy_col(st, 0, name, namelen);
    sqlite3_reset(st);
    return STORE_OK;
}

int64_t store_admin_count(struct store *s)
{
    static const char sql[] = "SELECT count(*) FROM admins";
    sqlite3_stmt *st = prep(s, sql);
    int64_t n = st && sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    if (st)
        sqlite3_reset(st);
    return n;
}

enum store_status store_token_insert(struct store *s, int64_t admin_id, const char *token_hash,
                                     int64_t now, int64_t *id)
{
    static const char sql[] =
        "INSERT INTO api_tokens (admin_id, token_hash, created_at) VALUES (?, ?, ?)";
    sqlite3_stmt *st = prep(s, sql);
    if (st == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, admin_id);
    sqlite3_bind_text(st, 2, token_hash, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, now);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
        return status_of(s, rc);
    *id = sqlite3_last_insert_rowid(s->db);
    return STORE_OK;
}

enum store_status store_token_get(struct store *s, int64_t id, int64_t *admin_id, char *hash,
                                  size_t hashlen)
{
    static const char sql[] = "SELECT admin_id, token_hash FROM api_tokens WHERE id = ?";
    sqlite3_stmt *st = prep(s, sql);
    if (st == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW)
        return rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_ERROR;
    *admin_id = sqlite3_column_int64(st, 0);
    copy_col(st, 1, hash, hashlen);
    sqlite3_reset(st);
    return STORE_OK;
}

/* ----------------------------------------------------------------- rollover */

void rollover_free(struct rollover_cert *certs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(certs[i].phones);
    free(certs);
}

/* A fetch counts when it started after the certificate was added: a transfer
 * that began before may carry a file rendered before the change. */
static enum store_status rollover_phones(struct store *s, int64_t gateway_id,
                                         struct rollover_cert *c)
{
    static const char sql[] =
        "SELECT p.name, "
        "  (SELECT max(f.at_ms) FROM fetch_log f WHERE f.device = p.name AND f.result = 'ok'), "
        "  EXISTS (SELECT 1 FROM fetch_log f WHERE f.device = p.name AND f.result = 'ok' "
        "          AND f.at_ms >= ?2 AND f.at_ms - f.duration_us / 1000 >= ?2) "
        "FROM phones p JOIN common_phone_profiles c ON c.id = p.common_phone_profile_id "
        "WHERE c.vpn_group_id IN (SELECT group_id FROM vpn_group_gateways WHERE gateway_id = ?1) "
        "ORDER BY p.name";
    sqlite3_stmt *st = prep(s, sql);
    if (st == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, gateway_id);
    sqlite3_bind_int64(st, 2, c->added_at_ms);
    struct rows rows = { .size = sizeof *c->phones };
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct rollover_phone *ph = rows_add(&rows);
        if (ph == NULL) {
            sqlite3_reset(st);
            break;
        }
        copy_col(st, 0, ph->name, sizeof ph->name);
        ph->last_fetch_ms = sqlite3_column_int64(st, 1);
        ph->current = sqlite3_column_int(st, 2) != 0;
    }
    c->phones = rows.items;
    c->n_phones = rows.n;
    return rc == SQLITE_DONE ? STORE_OK : rc == SQLITE_ROW ? STORE_ERROR : status_of(s, rc);
}

enum store_status store_gateway_rollover(struct store *s, int64_t gateway_id,
                                         struct rollover_cert **out, size_t *n)
{
    static const char sql[] =
        "SELECT gc.certificate_id, c.cert_hash, c.common_name, gc.added_at, c.not_after "
        "FROM vpn_gateway_certificates gc JOIN certificates c ON c.id = gc.certificate_id "
        "WHERE gc.gateway_id = ? ORDER BY gc.position";
    *out = NULL;
    *n = 0;
    if (!store_record_exists(s, ENT_VPN_GATEWAY, gateway_id))
        return STORE_NOT_FOUND;
    sqlite3_stmt *st = prep(s, sql);
    if (st == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, gateway_id);
    struct rollover_cert *certs = calloc(UCPROV_GATEWAY_CERTS_MAX, sizeof *certs);
    if (certs == NULL)
        return STORE_ERROR;
    size_t count = 0;
    while (count < UCPROV_GATEWAY_CERTS_MAX && sqlite3_step(st) == SQLITE_ROW) {
        struct rollover_cert *c = &certs[count++];
        c->cert_id = sqlite3_column_int64(st, 0);
        copy_col(st, 1, c->cert_hash, sizeof c->cert_hash);
        copy_col(st, 2, c->common_name, sizeof c->common_name);
        c->added_at_ms = sqlite3_column_int64(st, 3);
        c->not_after = sqlite3_column_int64(st, 4);
    }
    sqlite3_reset(st);
    for (size_t i = 0; i < count; i++)
        if (rollover_phones(s, gateway_id, &certs[i]) != STORE_OK) {
            rollover_free(certs, count);
            return STORE_ERROR;
        }
    *out = certs;
    *n = count;
    return STORE_OK;
}

/* -------------------------------------------------------------- diagnostics */

size_t store_gateway_host_id_sources(struct store *s, int64_t gateway_id, char (*names)[64],
                                     size_t max)
{
    /* The switches of a common phone profile come from its VPN profile, or from
     * the enterprise defaults when it names none. */
    static const char sql[] =
        "SELECT DISTINCT COALESCE(vp.name, 'VPN feature configuration') "
        "FROM common_phone_profiles c LEFT JOIN vpn_profiles vp ON vp.id = c.vpn_profile_id "
        "JOIN vpn_feature_configuration fc ON fc.id = 1 "
        "WHERE c.vpn_group_id IN (SELECT group_id FROM vpn_group_gateways WHERE gateway_id = ?) "
        "AND COALESCE(vp.host_id_check, fc.host_id_check) = 1 ORDER BY 1";
    sqlite3_stmt *st = prep(s, sql);
    size_t n = 0;
    if (st == NULL)
        return 0;
    sqlite3_bind_int64(st, 1, gateway_id);
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (n < max)
            copy_col(st, 0, names[n], 64);
        n++;
    }
    return n;
}

size_t store_phones_vpn_unsupported(struct store *s, const char *only, char (*names)[16],
                                    char (*models)[64], size_t max)
{
    static const char sql[] =
        "SELECT p.name, p.model FROM phones p "
        "JOIN common_phone_profiles c ON c.id = p.common_phone_profile_id "
        "JOIN phone_models m ON m.name = p.model "
        "WHERE c.vpn_group_id IS NOT NULL AND m.vpn_client = 0 AND (?1 = '' OR p.name = ?1) "
        "ORDER BY p.name";
    sqlite3_stmt *st = prep(s, sql);
    size_t n = 0;
    if (st == NULL)
        return 0;
    sqlite3_bind_text(st, 1, only ? only : "", -1, SQLITE_TRANSIENT);
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (n < max) {
            copy_col(st, 0, names[n], 16);
            copy_col(st, 1, models[n], 64);
        }
        n++;
    }
    return n;
}

/* ---------------------------------------------------------------- audit log */

enum store_status store_audit_append(struct store *s, const struct audit_entry *e)
{
    static const char sql[] =
        "INSERT INTO audit_log (at_ms, actor, action, collection, object_id, object_name, "
        "before, after) VALUES (?,?,?,?,?,?,?,?)";
    sqlite3_stmt *st = prep(s, sql);
    if (st == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, e->at_ms);
    sqlite3_bind_text(st, 2, e->actor, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, e->action, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, e->collection, -1, SQLITE_STATIC);
    if (e->object_id)
        sqlite3_bind_int64(st, 5, e->object_id);
    else
        sqlite3_bind_null(st, 5);
    sqlite3_bind_text(st, 6, e->object_name, -1, SQLITE_STATIC);
    if (e->before)
        sqlite3_bind_text(st, 7, e->before, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 7);
    if (e->after)
        sqlite3_bind_text(st, 8, e->after, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 8);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE ? STORE_OK : status_of(s, rc);
}

static char *dup_col_or_null(sqlite3_stmt *st, int col)
{
    return sqlite3_column_type(st, col) == SQLITE_NULL ? NULL : dup_col(st, col);
}

enum store_status store_audit_query(struct store *s, const char *collection, int64_t object_id,
                                    int64_t since_ms, int64_t limit, struct audit_entry **out,
                                    size_t *n)
{
    static const char sql[] =
        "SELECT at_ms, actor, action, collection, object_id, object_name, before, after "
        "FROM audit_log WHERE (?1 = '' OR collection = ?1) AND (?2 = 0 OR object_id = ?2) "
        "AND at_ms >= ?3 ORDER BY at_ms DESC, id DESC LIMIT ?4";
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st = prep(s, sql);
    if (st == NULL)
        return STORE_ERROR;
    sqlite3_bind_text(st, 1, collection ? collection : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, object_id);
    sqlite3_bind_int64(st, 3, since_ms);
    sqlite3_bind_int64(st, 4, limit);
    struct rows rows = { .size = sizeof **out };
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct audit_entry *e = rows_add(&rows);
        if (e == NULL) {
            sqlite3_reset(st);
            break;
        }
        e->at_ms = sqlite3_column_int64(st, 0);
        copy_col(st, 1, e->actor, sizeof e->actor);
        copy_col(st, 2, e->action, sizeof e->action);
        copy_col(st, 3, e->collection, sizeof e->collection);
        e->object_id = sqlite3_column_int64(st, 4);
        copy_col(st, 5, e->object_name, sizeof e->object_name);
        e->before = dup_col_or_null(st, 6);
        e->after = dup_col_or_null(st, 7);
    }
    *out = rows.items;
    *n = rows.n;
    return rc == SQLITE_DONE ? STORE_OK : rc == SQLITE_ROW ? STORE_ERROR : status_of(s, rc);
}

void audit_entries_free(struct audit_entry *e, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(e[i].before);
        free(e[i].after);
    }
    free(e);
}

/* ------------------------------------------------------- backup and restore */

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

int store_backup(struct store *s, const char *path, char *err, size_t errlen)
{
    sqlite3 *dest = NULL;
    if (sqlite3_open_v2(path, &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        snprintf(err, errlen, "cannot create %s: %s", path, dest ? sqlite3_errmsg(dest) : "?");
        sqlite3_close(dest);
        return -1;
    }
    enum store_status ss = copy_database(s->db, dest);
    if (ss != STORE_OK)
        snprintf(err, errlen, "backup failed: %s", sqlite3_errmsg(dest));
    sqlite3_close(dest);
    return ss == STORE_OK ? 0 : -1;
}

/* A file restore may take: SQLite, sound, carrying ucprov's tables, and a
 * schema version this build knows. */
static int check_restorable(sqlite3 *src, const char *path, char *err, size_t errlen)
{
    static const char *const required[] = { "phones", "common_phone_profiles", "vpn_gateways",
                                            "certificates", "admins" };
    sqlite3_stmt *st = NULL;
    int version = -1;
    if (sqlite3_prepare_v2(src, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW) {
        snprintf(err, errlen, "%s is not an SQLite database", path);
        sqlite3_finalize(st);
        return -1;
    }
    version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++) {
        bool found = false;
        if (sqlite3_prepare_v2(src, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                               -1, &st, NULL) == SQLITE_OK) {
            sqlite3_bind_text(st, 1, required[i], -1, SQLITE_STATIC);
            found = sqlite3_step(st) == SQLITE_ROW;
        }
        sqlite3_finalize(st);
        if (!found || version < 1) {
            snprintf(err, errlen, "%s is not a ucprov database (no %s table or schema version)",
                     path, required[i]);
            return -1;
        }
    }
    if (version > store_schema_latest()) {
        snprintf(err, errlen, "%s has schema version %d, newer than this build's %d", path, version,
                 store_schema_latest());
        return -1;
    }
    bool sound = false;
    if (sqlite3_prepare_v2(src, "PRAGMA quick_check", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        sound = strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0;
    sqlite3_finalize(st);
    if (!sound) {
        snprintf(err, errlen, "%s fails SQLite's integrity check", path);
        return -1;
    }
    return 0;
}

int store_restore(struct store *s, const char *path, char *err, size_t errlen)
{
    sqlite3 *src = NULL;
    if (sqlite3_open_v2(path, &src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "cannot open %s: %s", path, src ? sqlite3_errmsg(src) : "?");
        sqlite3_close(src);
        return -1;
    }
    int rc = check_restorable(src, path, err, errlen);
    if (rc == 0) {
        for (size_t i = 0; i < STMT_CACHE_SIZE; i++)   /* the schema is about to change */
            sqlite3_reset(s->cache[i].st);
        if (copy_database(src, s->db) != STORE_OK) {
            snprintf(err, errlen, "restore failed: %s", sqlite3_errmsg(s->db));
            rc = -1;
        }
    }
    sqlite3_close(src);
    return rc;
}

/* ------------------------------------------------------------- freshness */

enum store_status store_phone_freshness(struct store *s, int64_t now_ms,
                                        struct phone_freshness *out)
{
    static const char sql[] =
        "SELECT coalesce(sum(last IS NULL), 0), coalesce(sum(last >= ?1 - 86400000), 0), "
        "coalesce(sum(last < ?1 - 86400000 AND last >= ?1 - 604800000), 0), "
        "coalesce(sum(last < ?1 - 604800000), 0) FROM (SELECT (SELECT max(f.at_ms) "
        "FROM fetch_log f WHERE f.device = p.name AND f.result = 'ok') AS last FROM phones p)";
    sqlite3_stmt *st = prep(s, sql);
    if (st == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, now_ms);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->never = sqlite3_column_int64(st, 0);
        out->within_day = sqlite3_column_int64(st, 1);
        out->within_week = sqlite3_column_int64(st, 2);
        out->older = sqlite3_column_int64(st, 3);
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? STORE_OK : status_of(s, rc);
}

/* ------------------------------------------------------- the ASA's view */

size_t store_group_auth_methods(struct store *s, int64_t group_id, int *methods, size_t max)
{
    static const char sql[] =
        "SELECT DISTINCT COALESCE(vp.client_auth_method, fc.client_auth_method) "
        "FROM common_phone_profiles c LEFT JOIN vpn_profiles vp ON vp.id = c.vpn_profile_id "
        "JOIN vpn_feature_configuration fc ON fc.id = 1 WHERE c.vpn_group_id = ? ORDER BY 1";
    sqlite3_stmt *st = prep(s, sql);
    size_t n = 0;
    if (st == NULL)
        return 0;
    sqlite3_bind_int64(st, 1, group_id);
    while (n < max && sqlite3_step(st) == SQLITE_ROW)
        methods[n++] = sqlite3_column_int(st, 0);
    sqlite3_reset(st);
    return n;
}

enum store_status store_group_fleet(struct store *s, int64_t group_id, struct group_fleet *out)
{
    static const char sql[] =
        "SELECT m.tls12, m.mic_chain, p.certificate_kind, count(*) FROM phones p "
        "JOIN common_phone_profiles c ON c.id = p.common_phone_profile_id "
        "JOIN phone_models m ON m.name = p.model WHERE c.vpn_group_id = ? "
        "GROUP BY 1, 2, 3";
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = prep(s, sql);
    if (st == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, group_id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        bool tls12 = sqlite3_column_int(st, 0) != 0;
        bool sha1 = strcmp((const char *)sqlite3_column_text(st, 1), "sha1") == 0;
        bool lsc = sqlite3_column_int(st, 2) == 1;
        int64_t count = sqlite3_column_int64(st, 3);
        out->phones += count;
        if (tls12)
            out->tls12_phones += count;
        else
            out->tls10_only_phones += count;
        if (lsc)
            out->lsc_phones += count;
        else if (sha1)
            out->mic_sha1_phones += count;
        else
            out->mic_sha256_phones += count;
    }
    return rc == SQLITE_DONE ? STORE_OK : status_of(s, rc);
}

/* ---------------------------------------------------------- model catalogue */

enum store_status store_model_list(struct store *s, struct phone_model **out, size_t *n)
{
    static const char sql[] =
        "SELECT name, model_id, vpn_client, tls12, mic_chain, default_load FROM phone_models "
        "ORDER BY name";
    sqlite3_stmt *st = prep(s, sql);
    if (st == NULL)
        return STORE_ERROR;
    struct rows rows = { .size = sizeof **out };
    int rc;
    struct phone_model *m = NULL;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && (m = rows_add(&rows)) != NULL) {
        copy_col(st, 0, m->name, sizeof m->name);
        m->model_id = sqlite3_column_int(st, 1);
        m->vpn_client = sqlite3_column_int(st, 2) != 0;
        m->tls12 = sqlite3_column_int(st, 3) != 0;
        m->mic_sha256 = strcmp((const char *)sqlite3_column_text(st, 4), "sha256") == 0;
        copy_col(st, 5, m->default_load, sizeof m->default_load);
    }
    enum store_status ss = rc == SQLITE_DONE ? STORE_OK
                         : rc == SQLITE_ROW ? STORE_ERROR   /* out of memory */
                         : status_of(s, rc);
    sqlite3_reset(st);
    *out = rows.items;
    *n = rows.n;
    return ss;
}

enum store_status store_model_set_load(struct store *s, int model_id, const char *load)
{
    static const char sql[] = "UPDATE phone_models SET default_load = ? WHERE model_id = ?";
    sqlite3_stmt *st = prep(s, sql);
    if (st == NULL)
        return STORE_ERROR;
    sqlite3_bind_text(st, 1, load, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 2, model_id);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
        return status_of(s, rc);
    return sqlite3_changes(s->db) ? STORE_OK : STORE_NOT_FOUND;
}
