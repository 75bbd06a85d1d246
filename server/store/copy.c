/* copy.c - a whole site copied from one database to another, whatever their
 * backends (ucprov migrate: the embedded SQLite file onto PostgreSQL).
 *
 * Every table is copied row by row with its ids, in an order where what a row
 * refers to is already there, inside one write transaction on the target: the
 * copy is all or nothing.  The source is read in one transaction too, so the
 * copy is one consistent moment of it even while a daemon writes. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"

/* Every table of schema version 5, referred-to tables first.  A migration
 * that adds a table adds it here: a copy refuses a source with a table this
 * list does not name. */
static const char *const copy_order[] = {
    "certificates", "vpn_profiles", "vpn_feature_configuration", "vpn_gateways",
    "vpn_gateway_certificates", "vpn_groups", "vpn_group_gateways", "common_phone_profiles",
    "phone_models", "call_managers", "call_manager_groups", "call_manager_group_members",
    "date_time_groups", "date_time_group_ntp_servers", "device_pools", "sip_profiles",
    "directory_numbers", "phone_security_profiles", "phones", "phone_lines", "system_settings",
    "trust_keys", "trust_state", "admins", "api_tokens",
    "fetch_log", "audit_log",
};
#define N_TABLES (sizeof copy_order / sizeof copy_order[0])

/* Tables known but not copied: web sessions and spent login form tokens
 * (0008) say who is logged in at the moment, not what the site is.  A copy
 * starts the site afresh: a session carried over would outlive a logout made
 * on the old database meanwhile, so the target starts with no one logged in,
 * as after a restore. */
static const char *const not_copied[] = { "web_sessions", "login_spent" };

/* Tables the migrations fill: a fresh target has rows in these only. */
static const char *const seeded[] = {
    "vpn_feature_configuration", "common_phone_profiles", "phone_models", "system_settings",
    "sip_profiles", "trust_state", "trust_keys",   /* keys: a daemon may have made its own */
};

/* PostgreSQL's record of the schema version: each side has its own. */
#define VERSION_TABLE "ucprov_schema"

/* One table being copied. */
struct table_copy {
    struct store *to;
    const char *table;
    struct db_stmt *insert;   /* prepared from the first row's columns */
    struct db_value *args;
    int ncols;
    bool has_id;
    int64_t rows;
    enum store_status ss;
};

static bool listed(const char *const *list, size_t n, const char *name);
static bool note_unknown(void *ctx, const struct db_row *row);
static int check_tables(struct store *from, char *err, size_t errlen);
static int check_empty(struct store *to, char *err, size_t errlen);
static bool prepare_insert(struct table_copy *tc, const struct db_row *row);
static bool copy_row(void *ctx, const struct db_row *row);
static int copy_table(struct store *from, struct store *to, const char *table, int64_t *rows,
                      char *err, size_t errlen);

/* ---------------------------------------------------------------- checks */

static bool listed(const char *const *list, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], name) == 0)
            return true;
    return false;
}

static bool note_unknown(void *ctx, const struct db_row *row)
{
    char *unknown = ctx;
    const char *name = db_col_text(row, 0);
    if (listed(copy_order, N_TABLES, name) || strcmp(name, VERSION_TABLE) == 0 ||
        listed(not_copied, sizeof not_copied / sizeof not_copied[0], name))
        return true;
    snprintf(unknown, 64, "%s", name);
    return false;
}

static int check_tables(struct store *from, char *err, size_t errlen)
{
    char unknown[64] = "";
    enum store_status ss = db_run(from, db_prepare_once(from, db_driver(from)->tables_sql),
                                  DB_NOARGS, note_unknown, unknown);
    if (ss != STORE_OK) {
        snprintf(err, errlen, "cannot list the source's tables");
        return -1;
    }
    if (unknown[0]) {
        snprintf(err, errlen, "the source has a table this build cannot copy: %s", unknown);
        return -1;
    }
    return 0;
}

/* A target that holds anything beyond what its migrations seeded is a site
 * already: the copy never merges two. */
static int check_empty(struct store *to, char *err, size_t errlen)
{
    for (size_t i = 0; i < N_TABLES; i++) {
        if (listed(seeded, sizeof seeded / sizeof seeded[0], copy_order[i]))
            continue;
        char sql[SQL_MAX] = "";
        sql_append(sql, "SELECT count(*) FROM %s", copy_order[i]);
        int64_t n = 0;
        if (db_int(to, db_prepare_once(to, sql), DB_NOARGS, &n) != STORE_OK) {
            snprintf(err, errlen, "cannot read the target's %s", copy_order[i]);
            return -1;
        }
        if (n > 0) {
            snprintf(err, errlen, "the target already holds a site (%lld rows in %s); copy onto "
                     "an empty database", (long long)n, copy_order[i]);
            return -1;
        }
    }
    return 0;
}

/* --------------------------------------------------------------- copying */

/* "INSERT INTO t (a, b, ...) VALUES (?, ?, ...)" over the row's columns. */
static bool prepare_insert(struct table_copy *tc, const struct db_row *row)
{
    tc->ncols = db_col_count(row);
    size_t cap = 64 + strlen(tc->table);
    for (int i = 0; i < tc->ncols; i++)
        cap += strlen(db_col_name(row, i)) + 6;
    char *sql = malloc(cap);
    tc->args = calloc((size_t)tc->ncols, sizeof *tc->args);
    if (sql == NULL || tc->args == NULL) {
        free(sql);
        return false;
    }
    size_t len = (size_t)snprintf(sql, cap, "INSERT INTO %s (", tc->table);
    for (int i = 0; i < tc->ncols; i++) {
        const char *name = db_col_name(row, i);
        tc->has_id |= strcmp(name, "id") == 0;
        len += (size_t)snprintf(sql + len, cap - len, "%s%s", i ? ", " : "", name);
    }
    len += (size_t)snprintf(sql + len, cap - len, ") VALUES (");
    for (int i = 0; i < tc->ncols; i++)
        len += (size_t)snprintf(sql + len, cap - len, "%s?", i ? ", " : "");
    snprintf(sql + len, cap - len, ")");
    tc->insert = db_prepare_held(tc->to, sql);
    free(sql);
    return tc->insert != NULL;
}

/* Each value goes with the type it has in the source. */
static bool copy_row(void *ctx, const struct db_row *row)
{
    struct table_copy *tc = ctx;
    if (tc->insert == NULL && !prepare_insert(tc, row)) {
        tc->ss = STORE_ERROR;
        return false;
    }
    for (int i = 0; i < tc->ncols; i++) {
        struct db_value *v = &tc->args[i];
        memset(v, 0, sizeof *v);
        v->type = db_col_type(row, i);
        if (v->type == DB_INT)
            v->i = db_col_int(row, i);
        else if (v->type == DB_TEXT)
            v->s = db_col_text(row, i);
        else if (v->type == DB_BLOB)
            v->blob = db_col_blob(row, i, &v->len);
    }
    tc->ss = db_exec(tc->to, tc->insert, tc->args, (size_t)tc->ncols);
    tc->rows++;
    return tc->ss == STORE_OK;
}

static int copy_table(struct store *from, struct store *to, const char *table, int64_t *rows,
                      char *err, size_t errlen)
{
    char sql[SQL_MAX] = "";
    sql_append(sql, "SELECT * FROM %s", table);
    struct table_copy tc = { .to = to, .table = table, .ss = STORE_OK };
    enum store_status ss = db_run(from, db_prepare_once(from, sql), DB_NOARGS, copy_row, &tc);
    if (ss == STORE_OK)
        ss = tc.ss;
    if (ss == STORE_OK && tc.has_id)
        ss = db_ids_follow(to, table);
    db_finalize_held(to, tc.insert);
    free(tc.args);
    *rows += tc.rows;
    if (ss != STORE_OK) {
        snprintf(err, errlen, "copying %s failed at row %lld (see the log)", table,
                 (long long)tc.rows);
        return -1;
    }
    return 0;
}

int store_copy(struct store *from, struct store *to, int64_t *rows, char *err, size_t errlen)
{
    *rows = 0;
    err[0] = '\0';
    int version = store_schema_version(from);
    if (version != store_schema_latest() || store_schema_version(to) != version) {
        snprintf(err, errlen, "source and target must both be at schema version %d",
                 store_schema_latest());
        return -1;
    }
    bool own;
    if (check_tables(from, err, errlen) != 0 || db_begin_read(from, &own) != STORE_OK)
        return -1;
    int rc = store_begin_write(to) == STORE_OK ? check_empty(to, err, errlen) : -1;
    for (size_t i = N_TABLES; rc == 0 && i-- > 0;) {   /* the seeds go, referring rows first */
        char sql[SQL_MAX] = "";
        sql_append(sql, "DELETE FROM %s", copy_order[i]);
        rc = db_exec(to, db_prepare_once(to, sql), DB_NOARGS) == STORE_OK ? 0 : -1;
    }
    for (size_t i = 0; rc == 0 && i < N_TABLES; i++)
        rc = copy_table(from, to, copy_order[i], rows, err, errlen);
    if (rc == 0 && store_commit(to) != STORE_OK) {
        snprintf(err, errlen, "cannot commit the copy");
        rc = -1;
    }
    if (rc != 0) {
        store_rollback(to);
        if (err[0] == '\0')
            snprintf(err, errlen, "the target could not be written (see the log)");
    }
    db_end_read(from, own);
    return rc;
}
