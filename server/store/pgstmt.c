/* pgstmt.c - the PostgreSQL driver's statements (pg.h).
 *
 * The family files' SQL is written once, for SQLite; prepare translates the
 * things PostgreSQL reads otherwise: `?` and `?N` become $N, and the few
 * words of dialect[] (LIKE, group_concat, char) become PostgreSQL's.  A statement is sent to
 * the server at its first run, when the types of its values are known, and
 * all its rows come back at once. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "store/pg.h"

/* One statement of a connection. */
struct drv_stmt {
    struct drv_conn *c;
    char *sql;           /* with $N */
    bool keep;
    int nparams;
    unsigned epoch;      /* of its server-side statement; 0: none */
    char name[24];
    Oid *types, *prepared;
    const char **values;
    int *lengths, *formats;
    char (*nums)[24];
    PGresult *res;
    int row, rows;
    unsigned char *blob;
};

/* Type OIDs of the values bound (pg_type.h). */
#define OID_UNKNOWN 0
#define OID_BYTEA 17
#define OID_INT8 20

static bool ident_char(char ch);
static char *translate(const char *sql, int *nparams);
static bool server_prepared(struct drv_stmt *st);
static PGresult *run_once(struct drv_stmt *st);
static bool execute(struct drv_stmt *st);
static bool has_value(struct drv_stmt *st, int col);

static bool ident_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '_';
}

/* Words the family files write in SQLite's dialect, with PostgreSQL's.  A
 * function name matches only before its "(". */
static const struct dialect_word {
    const char *sqlite, *pg;
    bool call;
} dialect[] = {
    { "LIKE", "ILIKE", false },                 /* SQLite's LIKE ignores ASCII case */
    { "group_concat", "string_agg", true },     /* string_agg(x, sep) in both orders */
    { "char", "chr", true },                    /* char(9): a tab */
};

static const struct dialect_word *dialect_word(const char *sql, const char *p)
{
    if (p != sql && ident_char(p[-1]))
        return NULL;
    for (size_t i = 0; i < sizeof dialect / sizeof dialect[0]; i++) {
        size_t n = strlen(dialect[i].sqlite);
        if (strncasecmp(p, dialect[i].sqlite, n) == 0 && !ident_char(p[n]) &&
            (!dialect[i].call || p[n] == '('))
            return &dialect[i];
    }
    return NULL;
}

/* sql with `?`/`?N` as $N and SQLite's words as PostgreSQL's (dialect[]), outside quotes; *nparams is the
 * highest number.  NULL when out of memory. */
static char *translate(const char *sql, int *nparams)
{
    size_t len = strlen(sql);
    char *out = malloc(len * 4 + 1), *o = out;
    char quote = 0;
    int next = 0;
    const struct dialect_word *w;
    *nparams = 0;
    for (const char *p = sql; out != NULL && *p; p++) {
        if (quote) {
            quote = *p == quote ? 0 : quote;
            *o++ = *p;
        } else if (*p == '\'' || *p == '"') {
            quote = *p;
            *o++ = *p;
        } else if (*p == '?') {
            int n = 0;
            while (p[1] >= '0' && p[1] <= '9')
                n = n * 10 + (*++p - '0');
            n = n ? n : next + 1;
            next = n > next ? n : next;
            o += sprintf(o, "$%d", n);
        } else if ((w = dialect_word(sql, p)) != NULL) {
            o += sprintf(o, "%s", w->pg);
            p += strlen(w->sqlite) - 1;
        } else {
            *o++ = *p;
        }
    }
    if (out != NULL)
        *o = '\0';
    *nparams = next;
    return out;
}

/* A statement and its parameter arrays are one allocation, widest members
 * first so that each array is aligned: values, types, prepared, lengths,
 * formats, nums, then the translated SQL. */
struct drv_stmt *pg_prepare(struct drv_conn *c, const char *sql, bool keep)
{
    int nparams;
    char *text = translate(sql, &nparams);
    if (text == NULL) {
        log_error("postgresql prepare: out of memory");
        return NULL;
    }
    size_t n = nparams ? (size_t)nparams : 1, len = strlen(text) + 1;
    size_t per_param = sizeof(const char *) + 2 * sizeof(Oid) + 2 * sizeof(int) +
                       sizeof(char[24]);
    struct drv_stmt *st = calloc(1, sizeof *st + n * per_param + len);
    if (st == NULL) {
        free(text);
        log_error("postgresql prepare: out of memory");
        return NULL;
    }
    st->c = c;
    st->keep = keep;
    st->nparams = nparams;
    st->values = (const char **)(st + 1);
    st->types = (Oid *)(st->values + n);
    st->prepared = st->types + n;
    st->lengths = (int *)(st->prepared + n);
    st->formats = st->lengths + n;
    st->nums = (char (*)[24])(st->formats + n);
    st->sql = memcpy(st->nums + n, text, len);
    free(text);
    return st;
}

/* Integers go as int8 and blobs as binary bytea; text goes untyped, so that
 * the server reads it as its column's type, as SQLite would. */
void pg_bind(struct drv_stmt *st, int idx, const struct db_value *v)
{
    if (idx < 1 || idx > st->nparams)
        return;
    int i = idx - 1;
    st->formats[i] = 0;
    st->lengths[i] = 0;
    switch (v->type) {
    case DB_INT:
        snprintf(st->nums[i], sizeof st->nums[i], "%lld", (long long)v->i);
        st->values[i] = st->nums[i];
        st->types[i] = OID_INT8;
        break;
    case DB_TEXT:
        st->values[i] = v->s;
        st->types[i] = OID_UNKNOWN;
        break;
    case DB_BLOB:
        st->values[i] = v->blob ? v->blob : "";
        st->lengths[i] = (int)v->len;
        st->formats[i] = 1;
        st->types[i] = OID_BYTEA;
        break;
    case DB_NULL:
        st->values[i] = NULL;
        /* Whatever type the statement was prepared with takes a NULL. */
        st->types[i] = st->epoch ? st->prepared[i] : OID_UNKNOWN;
        break;
    }
}

/* A kept statement lives on the server under a name, made again after a new
 * connection or when its values change type. */
static bool server_prepared(struct drv_stmt *st)
{
    struct drv_conn *c = st->c;
    size_t size = (size_t)st->nparams * sizeof *st->types;
    if (st->epoch == c->epoch && (size == 0 || memcmp(st->types, st->prepared, size) == 0))
        return true;
    snprintf(st->name, sizeof st->name, "u%u", ++c->names);
    PGresult *r = PQprepare(c->pg, st->name, st->sql, st->nparams, st->types);
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
        pg_note_failure(c, r);
    PQclear(r);
    if (ok && size)
        memcpy(st->prepared, st->types, size);
    st->epoch = ok ? c->epoch : 0;
    return ok;
}

static PGresult *run_once(struct drv_stmt *st)
{
    struct drv_conn *c = st->c;
    if (st->keep)
        return server_prepared(st) ? PQexecPrepared(c->pg, st->name, st->nparams, st->values,
                                                    st->lengths, st->formats, 0) : NULL;
    return PQexecParams(c->pg, st->sql, st->nparams, st->types, st->values, st->lengths,
                        st->formats, 0);
}

/* Run the statement and keep its rows.  Outside a transaction, a run that
 * found the connection lost is tried once more on a new one. */
static bool execute(struct drv_stmt *st)
{
    struct drv_conn *c = st->c;
    for (int attempt = 0; attempt < 2; attempt++) {
        if (c->tx_failed) {
            snprintf(c->msg, sizeof c->msg, "an earlier statement of the transaction failed");
            c->sqlstate[0] = '\0';
            return false;
        }
        if (!pg_conn_ready(c)) {
            c->sqlstate[0] = '\0';
            return false;
        }
        PGresult *r = run_once(st);
        ExecStatusType rs = PQresultStatus(r);
        if (rs == PGRES_TUPLES_OK || rs == PGRES_COMMAND_OK) {
            st->res = r;
            st->rows = PQntuples(r);
            c->changes = strtoll(PQcmdTuples(r), NULL, 10);
            return true;
        }
        if (r != NULL)
            pg_note_failure(c, r);
        PQclear(r);
        if (c->tx_open || !pg_link_broken(c))
            return false;
    }
    return false;
}

enum drv_step pg_step(struct drv_stmt *st)
{
    if (st->res == NULL) {
        if (!execute(st))
            return DRV_FAIL;
        st->row = -1;
    }
    if (st->row < st->rows)
        st->row++;
    return st->row < st->rows ? DRV_ROW : DRV_DONE;
}

void pg_reset(struct drv_stmt *st)
{
    PQclear(st->res);
    st->res = NULL;
    free(st->blob);
    st->blob = NULL;
    for (int i = 0; i < st->nparams; i++) {
        st->values[i] = NULL;
        st->types[i] = st->epoch ? st->prepared[i] : OID_UNKNOWN;
        st->lengths[i] = st->formats[i] = 0;
    }
}

/* A kept statement goes with its connection: store_close finalizes them all
 * just before it closes the connection. */
void pg_finalize(struct drv_stmt *st)
{
    if (st == NULL)
        return;
    PQclear(st->res);
    free(st->blob);
    free(st);   /* its arrays and SQL with it (pg_prepare) */
}

static bool has_value(struct drv_stmt *st, int col)
{
    return st->res != NULL && st->row >= 0 && st->row < st->rows && col >= 0 &&
           col < PQnfields(st->res) && !PQgetisnull(st->res, st->row, col);
}

/* Integers come as text; a boolean as t or f. */
int64_t pg_column_int(struct drv_stmt *st, int col)
{
    if (!has_value(st, col))
        return 0;
    const char *v = PQgetvalue(st->res, st->row, col);
    if (v[0] == 't' || v[0] == 'f')
        return v[0] == 't';
    return strtoll(v, NULL, 10);
}

const char *pg_column_text(struct drv_stmt *st, int col)
{
    return has_value(st, col) ? PQgetvalue(st->res, st->row, col) : NULL;
}

/* bytea comes hex-escaped; the bytes live until the next call or reset. */
const void *pg_column_blob(struct drv_stmt *st, int col, size_t *len)
{
    *len = 0;
    free(st->blob);
    st->blob = NULL;
    if (!has_value(st, col))
        return NULL;
    st->blob = PQunescapeBytea((const unsigned char *)PQgetvalue(st->res, st->row, col), len);
    return st->blob;
}

bool pg_column_null(struct drv_stmt *st, int col)
{
    return !has_value(st, col);
}

int pg_column_count(struct drv_stmt *st)
{
    return st->res ? PQnfields(st->res) : 0;
}

const char *pg_column_name(struct drv_stmt *st, int col)
{
    return st->res ? PQfname(st->res, col) : NULL;
}

enum db_type pg_column_type(struct drv_stmt *st, int col)
{
    if (!has_value(st, col))
        return DB_NULL;
    switch (PQftype(st->res, col)) {
    case 16: case 20: case 21: case 23:   /* bool, int8, int2, int4 */
        return DB_INT;
    case OID_BYTEA:
        return DB_BLOB;
    default:
        return DB_TEXT;
    }
}
