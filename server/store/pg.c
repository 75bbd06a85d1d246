/* pg.c - the PostgreSQL driver: with pgstmt.c (statements) and pgdump.c
 * (backup and restore), the only files that use libpq.
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
#include "store/pg.h"
#include "timefmt.h"

/* The advisory lock every write transaction takes (and so the migrations). */
#define WRITE_LOCK_KEY "7567707276"   /* "ucprv" */
#define RETRY_FIRST_MS 250
#define RETRY_MAX_MS 4000

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

/* Whether a connection may be tried now: always while the server answers. */
static bool link_may_try(void)
{
    if (!atomic_load(&link_state.down))
        return true;
    pthread_mutex_lock(&link_state.lock);
    bool may = time_mono_ns() / 1000000 >= link_state.retry_at_ms;
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
    link_state.retry_at_ms = time_mono_ns() / 1000000 + link_state.backoff_ms;
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

static void pq_close(struct drv_conn *c);

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

bool pg_link_broken(struct drv_conn *c)
{
    return c->pg == NULL || PQstatus(c->pg) != CONNECTION_OK;
}

/* Outside a transaction, a lost connection is made again (if the backoff
 * allows); inside one, the transaction is lost with it. */
bool pg_conn_ready(struct drv_conn *c)
{
    if (!pg_link_broken(c))
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
void pg_note_failure(struct drv_conn *c, const PGresult *r)
{
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    /* The primary message only: a DETAIL may quote the row, secrets and all. */
    const char *primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    snprintf(c->sqlstate, sizeof c->sqlstate, "%s", state ? state : "");
    copy_message(c->msg, sizeof c->msg, primary ? primary : PQerrorMessage(c->pg));
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
        pg_note_failure(c, r);
    PQclear(r);
    return ok ? STORE_OK : STORE_ERROR;
}

static enum store_status pq_exec(struct drv_conn *c, const char *script, char *err,
                                 size_t errlen)
{
    if (!pg_conn_ready(c)) {
        snprintf(err, errlen, "%s", c->msg);
        return STORE_ERROR;
    }
    enum store_status ss = simple(c, script);
    if (ss != STORE_OK)
        snprintf(err, errlen, "%s", c->msg);
    return ss;
}

/* ----------------------------------------------------------------- errors */

PGconn *pg_link(struct drv_conn *c)
{
    return pg_link_broken(c) && !pg_conn_ready(c) ? NULL : c->pg;
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
        if (!pg_conn_ready(c))
            return STORE_ERROR;
        ss = simple(c, sql);
        if (ss != STORE_OK && !pg_link_broken(c))
            break;
    }
    if (ss != STORE_OK) {
        if (!pg_link_broken(c))
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
    if (c->tx_failed || pg_link_broken(c)) {
        if (!pg_link_broken(c))
            simple(c, "ROLLBACK");
        tx_over(c);
        return STORE_ERROR;
    }
    PGresult *r = PQexec(c->pg, "COMMIT");
    /* A transaction the server had aborted answers COMMIT with ROLLBACK. */
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK && strcmp(PQcmdStatus(r), "COMMIT") == 0;
    if (!ok)
        pg_note_failure(c, r);
    PQclear(r);
    tx_over(c);
    return ok ? STORE_OK : STORE_ERROR;
}

static enum store_status pq_rollback(struct drv_conn *c)
{
    enum store_status ss = pg_link_broken(c) ? STORE_OK : simple(c, "ROLLBACK");
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
        pg_note_failure(c, r);
    }
    PQclear(r);
    return v;
}

/* The version lives in a one-row table; no table is version 0. */
static int pq_schema_version(struct drv_conn *c)
{
    bool null;
    if (!pg_conn_ready(c))
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
    if (!pg_conn_ready(c))
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
    if (!pg_conn_ready(c))
        return STORE_ERROR;
    PGresult *r = PQexecParams(c->pg, "SELECT pg_notify($1, $2)", 2, NULL, values, NULL, NULL,
                               0);
    bool ok = PQresultStatus(r) == PGRES_TUPLES_OK;
    if (!ok)
        pg_note_failure(c, r);
    PQclear(r);
    return ok ? STORE_OK : STORE_ERROR;
}

static enum store_status pq_listen(struct drv_conn *c, const char *channel)
{
    if (!pg_conn_ready(c))
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
    if (pg_link_broken(c))
        return STORE_ERROR;
    drain(c, fn, ctx);
    struct pollfd pfd = { .fd = PQsocket(c->pg), .events = POLLIN };
    if (pfd.fd < 0 || poll(&pfd, 1, timeout_ms) < 0)
        return STORE_OK;   /* a signal: the caller comes back */
    if (!PQconsumeInput(c->pg) || pg_link_broken(c)) {
        copy_message(c->msg, sizeof c->msg, PQerrorMessage(c->pg));
        return STORE_ERROR;
    }
    drain(c, fn, ctx);
    return STORE_OK;
}

/* ------------------------------------------------------------- the driver */

const struct store_driver pg_driver = {
    .name = "postgresql",
    .batch_writes = true,
    .migration_ext = ".pgsql",
    .tables_sql = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()",
    .open = pq_open,
    .close = pq_close,
    .exec = pq_exec,
    .prepare = pg_prepare,
    .bind = pg_bind,
    .step = pg_step,
    .reset = pg_reset,
    .finalize = pg_finalize,
    .column_int = pg_column_int,
    .column_text = pg_column_text,
    .column_blob = pg_column_blob,
    .column_null = pg_column_null,
    .column_count = pg_column_count,
    .column_name = pg_column_name,
    .column_type = pg_column_type,
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
