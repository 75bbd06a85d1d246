/* pg.c - the PostgreSQL driver: with pgdump.c, the only files that use libpq.
 *
 * The family files' SQL is written once, for SQLite; prepare translates the
 * two things PostgreSQL reads otherwise: `?` and `?N` become $N, and LIKE
 * (which ignores ASCII case in SQLite) becomes ILIKE.  A statement is sent to
 * the server at its first run, when the types of its values are known.
 *
 * A write transaction first takes one advisory lock, the same for every node:
 * writers run one at a time as they do on SQLite (BEGIN IMMEDIATE), so a
 * check made inside a write still holds at its commit.  A read transaction is
 * REPEATABLE READ: one snapshot for a render's several queries.
 *
 * A lost connection is made again by the next statement that runs outside a
 * transaction (never inside one: what ran before the loss is gone, and the
 * rest must not commit on its own).  When a connection cannot be made, the
 * server is unreachable: tries are then spaced out (250 ms doubling to 4 s)
 * for every connection of the process, and reachable() says false until one
 * succeeds; the log says when it goes and comes back. */
#include <config.h>

#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "log.h"
#include "store/driver.h"
#include "store/pg.h"

/* The advisory lock every write transaction takes (and so the migrations). */
#define WRITE_LOCK_KEY "7567707276"   /* "ucprv" */
#define RETRY_FIRST_MS 250
#define RETRY_MAX_MS 4000

/* Type OIDs of the values bound (pg_type.h). */
#define OID_UNKNOWN 0
#define OID_BYTEA 17
#define OID_INT8 20

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

static struct drv_conn *pq_open(const char *target, char *err, size_t errlen);
static void pq_close(struct drv_conn *c);
static enum store_status pq_exec(struct drv_conn *c, const char *script, char *err,
                                 size_t errlen);
static struct drv_stmt *pq_prepare(struct drv_conn *c, const char *sql, bool keep);
static void pq_bind(struct drv_stmt *st, int idx, const struct db_value *v);
static enum drv_step pq_step(struct drv_stmt *st);
static void pq_reset(struct drv_stmt *st);
static void pq_finalize(struct drv_stmt *st);
static int64_t pq_column_int(struct drv_stmt *st, int col);
static const char *pq_column_text(struct drv_stmt *st, int col);
static const void *pq_column_blob(struct drv_stmt *st, int col, size_t *len);
static bool pq_column_null(struct drv_stmt *st, int col);
static int pq_column_count(struct drv_stmt *st);
static const char *pq_column_name(struct drv_stmt *st, int col);
static enum db_type pq_column_type(struct drv_stmt *st, int col);
static enum store_status pq_status(struct drv_conn *c);
static const char *pq_errmsg(struct drv_conn *c);
static int64_t pq_changes(struct drv_conn *c);
static enum store_status pq_begin(struct drv_conn *c, bool write);
static enum store_status pq_commit(struct drv_conn *c);
static enum store_status pq_rollback(struct drv_conn *c);
static bool pq_in_transaction(struct drv_conn *c);
static int pq_schema_version(struct drv_conn *c);
static enum store_status pq_set_schema_version(struct drv_conn *c, int version);
static enum store_status pq_ids_follow(struct drv_conn *c, const char *table);
static enum store_status pq_notify(struct drv_conn *c, const char *channel, const char *payload);
static enum store_status pq_listen(struct drv_conn *c, const char *channel);
static enum store_status pq_wait(struct drv_conn *c, int timeout_ms, drv_notify_fn fn,
                                 void *ctx);
static bool pq_reachable(void);

const struct store_driver pg_driver = {
    .name = "postgresql",
    .migration_ext = ".pgsql",
    .tables_sql = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()",
    .open = pq_open,
    .close = pq_close,
    .exec = pq_exec,
    .prepare = pq_prepare,
    .bind = pq_bind,
    .step = pq_step,
    .reset = pq_reset,
    .finalize = pq_finalize,
    .column_int = pq_column_int,
    .column_text = pq_column_text,
    .column_blob = pq_column_blob,
    .column_null = pq_column_null,
    .column_count = pq_column_count,
    .column_name = pq_column_name,
    .column_type = pq_column_type,
    .status = pq_status,
    .errmsg = pq_errmsg,
    .changes = pq_changes,
    .begin = pq_begin,
    .commit = pq_commit,
    .rollback = pq_rollback,
    .in_transaction = pq_in_transaction,
    .schema_version = pq_schema_version,
    .set_schema_version = pq_set_schema_version,
    .backup = pg_dump_backup,
    .restore = pg_dump_restore,
    .ids_follow = pq_ids_follow,
    .notify = pq_notify,
    .listen = pq_listen,
    .wait = pq_wait,
    .reachable = pq_reachable,
};

/* SQLSTATEs that are the caller's doing, as the store reports them. */
static const struct {
    const char *state;
    enum store_status status;
} constraint_states[] = {
    { "23505", STORE_CONFLICT },   /* unique_violation */
    { "23503", STORE_IN_USE },     /* foreign_key_violation */
    { "23001", STORE_IN_USE },     /* restrict_violation */
    { "23514", STORE_INVALID },    /* check_violation */
    { "23502", STORE_INVALID },    /* not_null_violation */
    { "22003", STORE_INVALID },    /* numeric_value_out_of_range */
    { "22P02", STORE_INVALID },    /* invalid_text_representation */
    { "22021", STORE_INVALID },    /* character_not_in_repertoire */
    { "22001", STORE_INVALID },    /* string_data_right_truncation */
};

/* ------------------------------------------------------------ reachability */

static struct {
    pthread_mutex_t lock;
    atomic_bool down;
    int64_t retry_at_ms;
    int backoff_ms;
} link_state = { .lock = PTHREAD_MUTEX_INITIALIZER };

static int64_t monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Whether a connection may be tried now: always while the server answers. */
static bool link_may_try(void)
{
    if (!atomic_load(&link_state.down))
        return true;
    pthread_mutex_lock(&link_state.lock);
    bool may = monotonic_ms() >= link_state.retry_at_ms;
    pthread_mutex_unlock(&link_state.lock);
    return may;
}

static void link_lost(const char *why)
{
    pthread_mutex_lock(&link_state.lock);
    if (!atomic_load(&link_state.down)) {
        log_error("database unreachable: %s", why);
        link_state.backoff_ms = 0;
    }
    atomic_store(&link_state.down, true);
    link_state.backoff_ms = link_state.backoff_ms ? link_state.backoff_ms * 2 : RETRY_FIRST_MS;
    if (link_state.backoff_ms > RETRY_MAX_MS)
        link_state.backoff_ms = RETRY_MAX_MS;
    link_state.retry_at_ms = monotonic_ms() + link_state.backoff_ms;
    pthread_mutex_unlock(&link_state.lock);
}

static void link_up(void)
{
    if (!atomic_load(&link_state.down))
        return;
    pthread_mutex_lock(&link_state.lock);
    if (atomic_exchange(&link_state.down, false))
        log_info("database reachable again");
    pthread_mutex_unlock(&link_state.lock);
}

static bool pq_reachable(void)
{
    return !atomic_load(&link_state.down);
}

/* ------------------------------------------------------------- connection */

/* libpq's messages end with a newline; the log's lines do not. */
static void copy_message(char *dst, size_t len, const char *msg)
{
    snprintf(dst, len, "%s", msg ? msg : "");
    size_t n = strlen(dst);
    while (n > 0 && (dst[n - 1] == '\n' || dst[n - 1] == ' '))
        dst[--n] = '\0';
}

/* NOTICEs (an IF NOT EXISTS that skipped) go to the debug log, not stderr. */
static void on_notice(void *arg, const char *message)
{
    (void)arg;
    char line[256];
    copy_message(line, sizeof line, message);
    log_debug("postgresql: %s", line);
}

/* A new connection, or NULL with libpq's reason in err.  The target's own
 * settings win over the defaults before it (expand_dbname). */
static PGconn *connect_to(const char *conninfo, char *err, size_t errlen)
{
    static const char *const keys[] = {
        "connect_timeout", "application_name", "keepalives_idle", "keepalives_interval",
        "keepalives_count", "dbname", NULL,
    };
    const char *const values[] = { "5", "ucprov", "10", "5", "3", conninfo, NULL };
    if (!link_may_try()) {
        snprintf(err, errlen, "the database is unreachable (retrying)");
        return NULL;
    }
    PGconn *pg = PQconnectdbParams(keys, values, 1);
    if (pg != NULL && PQstatus(pg) == CONNECTION_OK) {
        PQsetNoticeProcessor(pg, on_notice, NULL);
        link_up();
        return pg;
    }
    copy_message(err, errlen, pg ? PQerrorMessage(pg) : "out of memory");
    link_lost(err);
    PQfinish(pg);
    return NULL;
}

/* "postgres:" followed by a conninfo (or nothing: the PG* variables); a URI
 * is libpq's own. */
static const char *conninfo_of(const char *target)
{
    if (strncmp(target, "postgres:", 9) == 0 && strncmp(target, "postgres://", 11) != 0)
        return target + 9;
    return target;
}

static struct drv_conn *pq_open(const char *target, char *err, size_t errlen)
{
    struct drv_conn *c = calloc(1, sizeof *c);
    if (c == NULL || (c->conninfo = strdup(conninfo_of(target))) == NULL) {
        snprintf(err, errlen, "out of memory");
        free(c);
        return NULL;
    }
    char why[256];
    if ((c->pg = connect_to(c->conninfo, why, sizeof why)) == NULL) {
        snprintf(err, errlen, "cannot connect to PostgreSQL: %s", why);
        pq_close(c);
        return NULL;
    }
    c->epoch = 1;
    return c;
}

static void pq_close(struct drv_conn *c)
{
    if (c == NULL)
        return;
    PQfinish(c->pg);
    free(c->conninfo);
    free(c);
}

static bool link_broken(struct drv_conn *c)
{
    return c->pg == NULL || PQstatus(c->pg) != CONNECTION_OK;
}

/* Outside a transaction, a lost connection is made again (if the backoff
 * allows); inside one, the transaction is lost with it. */
static bool conn_ready(struct drv_conn *c)
{
    if (!link_broken(c))
        return true;
    if (c->tx_open) {
        snprintf(c->msg, sizeof c->msg, "the connection was lost during the transaction");
        return false;
    }
    char why[256];
    PGconn *pg = connect_to(c->conninfo, why, sizeof why);
    if (pg == NULL) {
        snprintf(c->msg, sizeof c->msg, "%s", why);
        return false;
    }
    PQfinish(c->pg);
    c->pg = pg;
    c->epoch++;
    return true;
}

/* Record why r failed (r may be NULL).  A connection found broken says
 * nothing yet of the server, which may have restarted since: whether it is
 * unreachable is for the next connection attempt to tell. */
static void note_failure(struct drv_conn *c, const PGresult *r)
{
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    snprintf(c->sqlstate, sizeof c->sqlstate, "%s", state ? state : "");
    copy_message(c->msg, sizeof c->msg, r && *PQresultErrorMessage(r)
                     ? PQresultErrorMessage(r) : PQerrorMessage(c->pg));
    if (c->tx_open)
        c->tx_failed = true;
}

/* A command without parameters or rows (BEGIN, LISTEN); its status. */
static enum store_status simple(struct drv_conn *c, const char *sql)
{
    PGresult *r = PQexec(c->pg, sql);
    ExecStatusType rs = PQresultStatus(r);
    bool ok = rs == PGRES_COMMAND_OK || rs == PGRES_TUPLES_OK;
    if (!ok)
        note_failure(c, r);
    PQclear(r);
    return ok ? STORE_OK : STORE_ERROR;
}

static enum store_status pq_exec(struct drv_conn *c, const char *script, char *err,
                                 size_t errlen)
{
    if (!conn_ready(c)) {
        snprintf(err, errlen, "%s", c->msg);
        return STORE_ERROR;
    }
    enum store_status ss = simple(c, script);
    if (ss != STORE_OK)
        snprintf(err, errlen, "%s", c->msg);
    return ss;
}

/* ------------------------------------------------------------- statements */

static bool ident_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '_';
}

/* sql with `?`/`?N` as $N and LIKE as ILIKE, outside quotes; *nparams is the
 * highest number.  NULL when out of memory. */
static char *translate(const char *sql, int *nparams)
{
    size_t len = strlen(sql);
    char *out = malloc(len * 4 + 1), *o = out;
    char quote = 0;
    int next = 0;
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
        } else if (strncasecmp(p, "LIKE", 4) == 0 && (p == sql || !ident_char(p[-1])) &&
                   !ident_char(p[4])) {
            o += sprintf(o, "ILIKE");
            p += 3;
        } else {
            *o++ = *p;
        }
    }
    if (out != NULL)
        *o = '\0';
    *nparams = next;
    return out;
}

static struct drv_stmt *pq_prepare(struct drv_conn *c, const char *sql, bool keep)
{
    struct drv_stmt *st = calloc(1, sizeof *st);
    if (st == NULL || (st->sql = translate(sql, &st->nparams)) == NULL) {
        free(st);
        log_error("postgresql prepare: out of memory");
        return NULL;
    }
    st->c = c;
    st->keep = keep;
    size_t n = st->nparams ? (size_t)st->nparams : 1;
    st->types = calloc(n, sizeof *st->types);
    st->prepared = calloc(n, sizeof *st->prepared);
    st->values = calloc(n, sizeof *st->values);
    st->lengths = calloc(n, sizeof *st->lengths);
    st->formats = calloc(n, sizeof *st->formats);
    st->nums = calloc(n, sizeof *st->nums);
    if (!st->types || !st->prepared || !st->values || !st->lengths || !st->formats ||
        !st->nums) {
        pq_finalize(st);
        log_error("postgresql prepare: out of memory");
        return NULL;
    }
    return st;
}

/* Integers go as int8 and blobs as binary bytea; text goes untyped, so that
 * the server reads it as its column's type, as SQLite would. */
static void pq_bind(struct drv_stmt *st, int idx, const struct db_value *v)
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
        note_failure(c, r);
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
        if (!conn_ready(c)) {
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
            note_failure(c, r);
        PQclear(r);
        if (c->tx_open || !link_broken(c))
            return false;
    }
    return false;
}

static enum drv_step pq_step(struct drv_stmt *st)
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

static void pq_reset(struct drv_stmt *st)
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
static void pq_finalize(struct drv_stmt *st)
{
    if (st == NULL)
        return;
    PQclear(st->res);
    free(st->blob);
    free(st->sql);
    free(st->types);
    free(st->prepared);
    free(st->values);
    free(st->lengths);
    free(st->formats);
    free(st->nums);
    free(st);
}

static bool has_value(struct drv_stmt *st, int col)
{
    return st->res != NULL && st->row >= 0 && st->row < st->rows && col >= 0 &&
           col < PQnfields(st->res) && !PQgetisnull(st->res, st->row, col);
}

/* Integers come as text; a boolean as t or f. */
static int64_t pq_column_int(struct drv_stmt *st, int col)
{
    if (!has_value(st, col))
        return 0;
    const char *v = PQgetvalue(st->res, st->row, col);
    if (v[0] == 't' || v[0] == 'f')
        return v[0] == 't';
    return strtoll(v, NULL, 10);
}

static const char *pq_column_text(struct drv_stmt *st, int col)
{
    return has_value(st, col) ? PQgetvalue(st->res, st->row, col) : NULL;
}

/* bytea comes hex-escaped; the bytes live until the next call or reset. */
static const void *pq_column_blob(struct drv_stmt *st, int col, size_t *len)
{
    *len = 0;
    free(st->blob);
    st->blob = NULL;
    if (!has_value(st, col))
        return NULL;
    st->blob = PQunescapeBytea((const unsigned char *)PQgetvalue(st->res, st->row, col), len);
    return st->blob;
}

static bool pq_column_null(struct drv_stmt *st, int col)
{
    return !has_value(st, col);
}

static int pq_column_count(struct drv_stmt *st)
{
    return st->res ? PQnfields(st->res) : 0;
}

static const char *pq_column_name(struct drv_stmt *st, int col)
{
    return st->res ? PQfname(st->res, col) : NULL;
}

static enum db_type pq_column_type(struct drv_stmt *st, int col)
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

/* ----------------------------------------------------------------- errors */

PGconn *pg_link(struct drv_conn *c)
{
    return link_broken(c) && !conn_ready(c) ? NULL : c->pg;
}

static enum store_status pq_status(struct drv_conn *c)
{
    for (size_t i = 0; i < sizeof constraint_states / sizeof constraint_states[0]; i++)
        if (strcmp(c->sqlstate, constraint_states[i].state) == 0)
            return constraint_states[i].status;
    log_error("postgresql: %s", c->msg);
    return STORE_ERROR;
}

static const char *pq_errmsg(struct drv_conn *c)
{
    return c->msg;
}

static int64_t pq_changes(struct drv_conn *c)
{
    return c->changes;
}

/* ----------------------------------------------------------- transactions */

static enum store_status pq_begin(struct drv_conn *c, bool write)
{
    static const char read_sql[] = "BEGIN ISOLATION LEVEL REPEATABLE READ";
    static const char write_sql[] = "BEGIN; SELECT pg_advisory_xact_lock(" WRITE_LOCK_KEY ")";
    const char *sql = write ? write_sql : read_sql;
    if (c->tx_open) {
        snprintf(c->msg, sizeof c->msg, "a transaction is already open");
        return STORE_ERROR;
    }
    enum store_status ss = STORE_ERROR;
    /* A connection the server dropped while idle is made again here. */
    for (int attempt = 0; attempt < 2 && ss != STORE_OK; attempt++) {
        if (!conn_ready(c))
            return STORE_ERROR;
        ss = simple(c, sql);
        if (ss != STORE_OK && !link_broken(c))
            break;
    }
    if (ss != STORE_OK) {
        if (!link_broken(c))
            simple(c, "ROLLBACK");
        return STORE_ERROR;
    }
    c->tx_open = true;
    c->tx_failed = false;
    return STORE_OK;
}

/* The end of a transaction, whatever the server says: a failed commit and a
 * lost connection both leave nothing open. */
static void tx_over(struct drv_conn *c)
{
    c->tx_open = false;
    c->tx_failed = false;
}

static enum store_status pq_commit(struct drv_conn *c)
{
    if (!c->tx_open)
        return STORE_OK;
    if (c->tx_failed || link_broken(c)) {
        if (!link_broken(c))
            simple(c, "ROLLBACK");
        tx_over(c);
        return STORE_ERROR;
    }
    PGresult *r = PQexec(c->pg, "COMMIT");
    /* A transaction the server had aborted answers COMMIT with ROLLBACK. */
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK && strcmp(PQcmdStatus(r), "COMMIT") == 0;
    if (!ok)
        note_failure(c, r);
    PQclear(r);
    tx_over(c);
    return ok ? STORE_OK : STORE_ERROR;
}

static enum store_status pq_rollback(struct drv_conn *c)
{
    enum store_status ss = link_broken(c) ? STORE_OK : simple(c, "ROLLBACK");
    tx_over(c);
    return ss;
}

static bool pq_in_transaction(struct drv_conn *c)
{
    return c->tx_open;
}

/* ----------------------------------------------------------------- schema */

/* The first column of a one-row query without parameters; -1 on failure. */
static int query_int(struct drv_conn *c, const char *sql, bool *null)
{
    PGresult *r = PQexec(c->pg, sql);
    int v = -1;
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
        *null = PQgetisnull(r, 0, 0);
        v = *null ? 0 : atoi(PQgetvalue(r, 0, 0));
    } else {
        note_failure(c, r);
    }
    PQclear(r);
    return v;
}

/* The version lives in a one-row table; no table is version 0. */
static int pq_schema_version(struct drv_conn *c)
{
    bool null;
    if (!conn_ready(c))
        return -1;
    int absent = query_int(c, "SELECT (to_regclass('ucprov_schema') IS NULL)::int", &null);
    if (absent != 0)
        return absent == 1 ? 0 : -1;
    return query_int(c, "SELECT coalesce(max(version), 0) FROM ucprov_schema", &null);
}

static enum store_status pq_set_schema_version(struct drv_conn *c, int version)
{
    char sql[256];
    snprintf(sql, sizeof sql,
             "CREATE TABLE IF NOT EXISTS ucprov_schema (version integer NOT NULL); "
             "DELETE FROM ucprov_schema; INSERT INTO ucprov_schema (version) VALUES (%d)",
             version);
    return simple(c, sql);
}

/* An identity column's sequence, set past the largest id copied in. */
static enum store_status pq_ids_follow(struct drv_conn *c, const char *table)
{
    if (!conn_ready(c))
        return STORE_ERROR;
    char *ident = PQescapeIdentifier(c->pg, table, strlen(table));
    char *literal = PQescapeLiteral(c->pg, table, strlen(table));
    enum store_status ss = STORE_ERROR;
    if (ident != NULL && literal != NULL) {
        size_t len = strlen(ident) + strlen(literal) + 128;
        char *sql = malloc(len);
        if (sql != NULL) {
            snprintf(sql, len, "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                     "coalesce(max(id), 0) + 1, false) FROM %s", literal, ident);
            ss = simple(c, sql);
        }
        free(sql);
    }
    PQfreemem(ident);
    PQfreemem(literal);
    return ss;
}

/* ---------------------------------------------------------- notifications */

static enum store_status pq_notify(struct drv_conn *c, const char *channel, const char *payload)
{
    const char *values[2] = { channel, payload };
    if (!conn_ready(c))
        return STORE_ERROR;
    PGresult *r = PQexecParams(c->pg, "SELECT pg_notify($1, $2)", 2, NULL, values, NULL, NULL,
                               0);
    bool ok = PQresultStatus(r) == PGRES_TUPLES_OK;
    if (!ok)
        note_failure(c, r);
    PQclear(r);
    return ok ? STORE_OK : STORE_ERROR;
}

static enum store_status pq_listen(struct drv_conn *c, const char *channel)
{
    if (!conn_ready(c))
        return STORE_ERROR;
    char *quoted = PQescapeIdentifier(c->pg, channel, strlen(channel));
    if (quoted == NULL)
        return STORE_ERROR;
    char sql[256];
    snprintf(sql, sizeof sql, "LISTEN %s", quoted);
    PQfreemem(quoted);
    return simple(c, sql);
}

static void drain(struct drv_conn *c, drv_notify_fn fn, void *ctx)
{
    PGnotify *n;
    while ((n = PQnotifies(c->pg)) != NULL) {
        fn(ctx, n->extra);
        PQfreemem(n);
    }
}

static enum store_status pq_wait(struct drv_conn *c, int timeout_ms, drv_notify_fn fn,
                                 void *ctx)
{
    if (link_broken(c))
        return STORE_ERROR;
    drain(c, fn, ctx);
    struct pollfd pfd = { .fd = PQsocket(c->pg), .events = POLLIN };
    if (pfd.fd < 0 || poll(&pfd, 1, timeout_ms) < 0)
        return STORE_OK;   /* a signal: the caller comes back */
    if (!PQconsumeInput(c->pg) || link_broken(c)) {
        copy_message(c->msg, sizeof c->msg, PQerrorMessage(c->pg));
        return STORE_ERROR;
    }
    drain(c, fn, ctx);
    return STORE_OK;
}
