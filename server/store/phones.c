/* phones.c - phones in bulk (CSV import and export, every phone's name for a
 * re-render) and the phone model catalogue. */
#include <config.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "store/internal.h"

/* ------------------------------------------------------------ phones in bulk */

enum store_status store_phone_insert(struct store *s, const struct phone_row *row, int64_t *id)
{
    /* A cached statement and values bound without a copy: an import of
     * 100,000 rows runs this 100,000 times in one transaction.  A taken name
     * inserts nothing rather than failing: PostgreSQL would abort the whole
     * transaction, and the import goes on to report the rows after it. */
    static const char sql[] =
        "INSERT INTO phones (name, model, description, common_phone_profile_id, "
        "device_pool_id) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";
    /* Not RETURNING: SQLite keeps a statement journal for it, ten writes a row. */
    static const char find[] = "SELECT id FROM phones WHERE name = ?";
    enum store_status ss = db_change(s, db_prepare(s, sql), DB_ARGS(
        BIND_TEXT(row->name), BIND_TEXT(row->model),
        BIND_TEXT(row->description ? row->description : ""), BIND_INT(row->profile_id),
        BIND_OPT_INT(row->pool_id, row->pool_id > 0)));
    if (ss == STORE_NOT_FOUND)
        return STORE_CONFLICT;
    if (ss == STORE_OK && id != NULL)
        ss = db_int(s, db_prepare(s, find), DB_ARGS(BIND_TEXT(row->name)), id);
    return ss == STORE_IN_USE ? STORE_INVALID : ss;
}

/* The names a multi-row INSERT returned: those rows went in. */
struct inserted {
    const struct phone_row *rows;
    size_t n, next;   /* next: where the following name is most likely */
    bool *taken;
};

static bool mark_inserted(void *ctx, const struct db_row *row)
{
    struct inserted *in = ctx;
    const char *name = db_col_text(row, 0);
    for (size_t k = 0; k < in->n; k++) {
        size_t i = (in->next + k) % in->n;   /* in insertion order, as a rule */
        if (in->taken[i] && strcmp(in->rows[i].name, name) == 0) {
            in->taken[i] = false;
            in->next = i + 1;
            break;
        }
    }
    return true;
}

/* "INSERT ... VALUES (?,?,?,?,?),... RETURNING name" for n rows. */
#define INSERT_COLS 5
#define INSERT_SQL_MAX (160 + STORE_INSERT_BATCH * sizeof "(?,?,?,?,?),")
static void insert_sql(char *sql, size_t size, size_t n)
{
    size_t len = (size_t)snprintf(sql, size, "INSERT INTO phones (name, model, description, "
                                  "common_phone_profile_id, device_pool_id) VALUES ");
    for (size_t i = 0; i < n && len < size; i++)
        len += (size_t)snprintf(sql + len, size - len, "%s(?,?,?,?,?)", i ? "," : "");
    if (len < size)
        snprintf(sql + len, size - len, " ON CONFLICT DO NOTHING RETURNING name");
}

/* A whole batch's SQL is the same every time: made once, so that its
 * statement is cached per connection by address like any constant query. */
static char full_batch_sql[INSERT_SQL_MAX];
static pthread_once_t full_batch_once = PTHREAD_ONCE_INIT;

static void make_full_batch_sql(void)
{
    insert_sql(full_batch_sql, sizeof full_batch_sql, STORE_INSERT_BATCH);
}

enum store_status store_phone_insert_many(struct store *s, const struct phone_row *rows,
                                          size_t n, bool *taken)
{
    if (n > STORE_INSERT_BATCH)
        return STORE_INVALID;
    /* In process a row costs no round trip, and RETURNING would cost SQLite
     * a statement journal: row at a time there. */
    if (!db_driver(s)->batch_writes) {
        for (size_t i = 0; i < n; i++) {
            enum store_status ss = store_phone_insert(s, &rows[i], NULL);
            taken[i] = ss == STORE_CONFLICT;
            if (ss != STORE_OK && ss != STORE_CONFLICT)
                return ss;
        }
        return STORE_OK;
    }
    struct db_value v[STORE_INSERT_BATCH * INSERT_COLS];
    for (size_t i = 0; i < n; i++) {
        const struct phone_row *r = &rows[i];
        struct db_value *row = &v[i * INSERT_COLS];
        row[0] = (struct db_value)BIND_TEXT(r->name);
        row[1] = (struct db_value)BIND_TEXT(r->model);
        row[2] = (struct db_value)BIND_TEXT(r->description ? r->description : "");
        row[3] = (struct db_value)BIND_INT(r->profile_id);
        row[4] = (struct db_value)BIND_OPT_INT(r->pool_id, r->pool_id > 0);
        taken[i] = true;   /* until RETURNING names it */
    }
    struct db_stmt *st;
    if (n == STORE_INSERT_BATCH) {
        pthread_once(&full_batch_once, make_full_batch_sql);
        st = db_prepare(s, full_batch_sql);
    } else {
        char sql[INSERT_SQL_MAX];
        insert_sql(sql, sizeof sql, n);
        st = db_prepare_once(s, sql);
    }
    struct inserted in = { rows, n, 0, taken };
    enum store_status ss = db_run(s, st, v, n * INSERT_COLS, mark_inserted, &in);
    return ss == STORE_IN_USE ? STORE_INVALID : ss;
}

/* The caller's callback, for one phone name or one phone row. */
struct each_phone {
    void (*name_fn)(void *ctx, const char *name);
    void (*row_fn)(void *ctx, const struct phone_row *row);
    void *ctx;
};

static bool call_name_fn(void *ctx, const struct db_row *row)
{
    struct each_phone *each = ctx;
    each->name_fn(each->ctx, db_col_text(row, 0));
    return true;
}

static bool call_row_fn(void *ctx, const struct db_row *row)
{
    struct each_phone *each = ctx;
    struct phone_row r = {
        .name = db_col_text(row, 0),
        .model = db_col_text(row, 1),
        .description = db_col_text(row, 2),
        .profile_id = db_col_int(row, 3),
        .profile = db_col_text(row, 4),
        .pool = db_col_text(row, 5),
        .lines = db_col_text(row, 6),
    };
    each->row_fn(each->ctx, &r);
    return true;
}

/* Every phone's name, to a callback or into a list: one statement. */
static const char phone_names_sql[] = "SELECT name FROM phones ORDER BY name";

enum store_status store_each_phone(struct store *s, void (*fn)(void *ctx, const char *name),
                                   void *ctx)
{
    struct each_phone each = { .name_fn = fn, .ctx = ctx };
    return db_run(s, db_prepare(s, phone_names_sql), DB_NOARGS, call_name_fn, &each) == STORE_OK
               ? STORE_OK : STORE_ERROR;
}

enum store_status store_phone_names(struct store *s, struct name_list *out)
{
    return db_run(s, db_prepare(s, phone_names_sql), DB_NOARGS, name_list_add, out);
}

enum store_status store_each_phone_row(struct store *s,
                                       void (*fn)(void *ctx, const struct phone_row *row),
                                       void *ctx)
{
    static const char sql[] =
        "SELECT p.name, p.model, p.description, p.common_phone_profile_id, c.name, "
        "coalesce(dp.name, ''), (SELECT group_concat(x, char(10)) FROM "
        "(SELECT l.button || char(9) || d.pattern || char(9) || l.label AS x "
        "FROM phone_lines l JOIN directory_numbers d ON d.id = l.directory_number_id "
        "WHERE l.phone_id = p.id ORDER BY l.button) AS lines) "
        "FROM phones p JOIN common_phone_profiles c ON c.id = p.common_phone_profile_id "
        "LEFT JOIN device_pools dp ON dp.id = p.device_pool_id ORDER BY p.name";
    struct each_phone each = { .row_fn = fn, .ctx = ctx };
    return db_run(s, db_prepare(s, sql), DB_NOARGS, call_row_fn, &each);
}

/* ---------------------------------------------------------- model catalogue */

/* Columns of their fields' own names. */
#define PM_NUM(f)  COL_NUM(struct phone_model, f, #f)
#define PM_TEXT(f) COL_TEXT(struct phone_model, f, #f)

bool store_model_exists(struct store *s, const char *model)
{
    static const char sql[] = "SELECT 1 FROM phone_models WHERE name = ?";
    int64_t one;
    return db_int(s, db_prepare(s, sql), DB_ARGS(BIND_TEXT(model)), &one) == STORE_OK;
}

size_t store_model_names(struct store *s, char (*out)[64], size_t max)
{
    static const struct db_col cols[] = { COL_ITEM_TEXT(64, "name"), COL_END };
    struct rows found = ROWS_FIXED(out, max);
    db_select_list(s, cols, "FROM phone_models ORDER BY name", DB_NOARGS, &found);
    return found.n;
}

enum store_status store_model_list(struct store *s, struct phone_model **out, size_t *n)
{
    /* mic_chain is 'sha1' or 'sha256' (the schema checks it). */
    static const struct db_col cols[] = {
        PM_TEXT(name), PM_NUM(model_id), PM_NUM(vpn_client), PM_NUM(tls12),
        COL_NUM(struct phone_model, mic_sha256, "mic_chain = 'sha256'"), PM_TEXT(default_load),
        COL_END,
    };
    return db_select_array(s, cols, "FROM phone_models ORDER BY name", DB_NOARGS,
                           DB_ARRAY(out, n));
}

enum store_status store_model_set_load(struct store *s, int model_id, const char *load)
{
    static const char sql[] = "UPDATE phone_models SET default_load = ? WHERE model_id = ?";
    return db_change(s, db_prepare(s, sql), DB_ARGS(BIND_TEXT(load), BIND_INT(model_id)));
}
