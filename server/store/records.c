/* records.c - the admin objects as generic records: one table per entity,
 * one column per field (REF fields end in _id), and a link table ordered by
 * position for each REFLIST field.  The SQL is assembled from the constant
 * tables below and model.c's field tables, never from user data. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"
#include "timefmt.h"

/* How an entity's REFLIST field is kept: a link table of (owner, target,
 * position, added_at).  The SQL is constant, so its statements are cached. */
struct link_def {
    const char *field;
    const char *select_sql;   /* targets and when each was added, in order */
    const char *delete_sql;
    const char *insert_sql;   /* owner, target, position, added_at */
    bool untimed;             /* no added_at: insert_sql takes the first three */
};

#define LINK(field, table, owner, target) { field, \
    "SELECT " target ", added_at FROM " table " WHERE " owner " = ? ORDER BY position", \
    "DELETE FROM " table " WHERE " owner " = ?", \
    "INSERT INTO " table " (" owner ", " target ", position, added_at) VALUES (?, ?, ?, ?)", \
    false }

static const struct link_def gateway_links[] = {
    LINK("certificates", "vpn_gateway_certificates", "gateway_id", "certificate_id"),
    { NULL, NULL, NULL, NULL, false },
};
static const struct link_def group_links[] = {
    LINK("gateways", "vpn_group_gateways", "group_id", "gateway_id"),
    { NULL, NULL, NULL, NULL, false },
};
/* A CallManager Group's members: the position is the member priority. */
static const struct link_def cm_group_links[] = {
    { "call_managers",
      "SELECT call_manager_id, 0 FROM call_manager_group_members WHERE group_id = ? "
      "ORDER BY position",
      "DELETE FROM call_manager_group_members WHERE group_id = ?",
      "INSERT INTO call_manager_group_members (group_id, call_manager_id, position) "
      "VALUES (?, ?, ?)", true },
    { NULL, NULL, NULL, NULL, false },
};

static const struct {
    const char *table;
    const struct link_def *links;   /* NULL-terminated by field */
} tables[ENT_COUNT] = {
    [ENT_CERTIFICATE]               = { "certificates", NULL },
    [ENT_VPN_PROFILE]               = { "vpn_profiles", NULL },
    [ENT_VPN_GATEWAY]               = { "vpn_gateways", gateway_links },
    [ENT_VPN_GROUP]                 = { "vpn_groups", group_links },
    [ENT_COMMON_PHONE_PROFILE]      = { "common_phone_profiles", NULL },
    [ENT_PHONE]                     = { "phones", NULL },
    [ENT_VPN_FEATURE_CONFIGURATION] = { "vpn_feature_configuration", NULL },
    [ENT_SYSTEM_SETTINGS]           = { "system_settings", NULL },
    /* call control (issue 12); the NTP servers and phone lines: store/callctl.c */
    [ENT_CALL_MANAGER]              = { "call_managers", NULL },
    [ENT_CALL_MANAGER_GROUP]        = { "call_manager_groups", cm_group_links },
    [ENT_DATE_TIME_GROUP]           = { "date_time_groups", NULL },
    [ENT_DEVICE_POOL]               = { "device_pools", NULL },
    [ENT_SIP_PROFILE]               = { "sip_profiles", NULL },
    [ENT_DIRECTORY_NUMBER]          = { "directory_numbers", NULL },
    [ENT_PHONE_SECURITY_PROFILE]    = { "phone_security_profiles", NULL },
};

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
    /* call control (issue 12) */
    { ENT_CALL_MANAGER, ENT_CALL_MANAGER_GROUP,
      "SELECT g.id, g.name FROM call_manager_group_members m JOIN call_manager_groups g "
      "ON g.id = m.group_id WHERE m.call_manager_id = ? ORDER BY g.name" },
    { ENT_CALL_MANAGER_GROUP, ENT_DEVICE_POOL,
      "SELECT id, name FROM device_pools WHERE call_manager_group_id = ? ORDER BY name" },
    { ENT_DATE_TIME_GROUP, ENT_DEVICE_POOL,
      "SELECT id, name FROM device_pools WHERE date_time_group_id = ? ORDER BY name" },
    { ENT_DEVICE_POOL, ENT_PHONE,
      "SELECT id, name FROM phones WHERE device_pool_id = ? ORDER BY name" },
    { ENT_SIP_PROFILE, ENT_PHONE,
      "SELECT id, name FROM phones WHERE sip_profile_id = ? ORDER BY name" },
    { ENT_DIRECTORY_NUMBER, ENT_PHONE,
      "SELECT p.id, p.name FROM phone_lines l JOIN phones p ON p.id = l.phone_id "
      "WHERE l.directory_number_id = ? ORDER BY p.name" },
    { ENT_PHONE_SECURITY_PROFILE, ENT_PHONE,
      "SELECT id, name FROM phones WHERE phone_security_profile_id = ? ORDER BY name" },
};

static bool own_column(enum field_type t);
static const struct link_def *link_of(enum entity_kind kind, const char *field);
static void append_columns(char *sql, const struct entity_def *e, const char *assign);
static size_t bind_fields(const struct entity_def *e, const struct record *rec,
                          struct db_value *args);
static bool read_fields(void *ctx, const struct db_row *row);
static enum store_status read_links(struct store *s, const struct entity_def *e,
                                    struct record *rec);
static enum store_status write_links(struct store *s, const struct entity_def *e,
                                     const struct record *rec);
static enum store_status write_error(enum store_status ss);

/* ---------------------------------------------------------- columns of a kind */

/* Lists live in tables of their own. */
static bool own_column(enum field_type t)
{
    return t != FT_REFLIST && t != FT_HOSTLIST && t != FT_LINES;
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
        if (!own_column(f->type))
            continue;
        sql_append(sql, "%s%s%s%s", first ? "" : ", ", f->name,
                   f->type == FT_REF ? "_id" : "", assign);
        first = false;
    }
}

/* The values of append_columns' columns, in its order; returns how many. */
static size_t bind_fields(const struct entity_def *e, const struct record *rec,
                          struct db_value *args)
{
    size_t n = 0;
    for (size_t i = 0; i < e->n_fields; i++) {
        const struct value *v = &rec->v[i];
        if (!own_column(e->fields[i].type))
            continue;
        switch (e->fields[i].type) {
        case FT_REF:
            args[n++] = (struct db_value)BIND_OPT_INT(v->i, !v->is_null);
            break;
        case FT_INT: case FT_BOOL: case FT_ENUM:
            args[n++] = (struct db_value)BIND_INT(v->i);
            break;
        default:
            args[n++] = (struct db_value)BIND_TEXT(v->s ? v->s : "");
            break;
        }
    }
    return n;
}

/* Records read from rows of "id, <append_columns>". */
struct record_rows {
    const struct entity_def *e;
    struct rows rows;
};

static bool read_fields(void *ctx, const struct db_row *row)
{
    struct record_rows *rr = ctx;
    const struct entity_def *e = rr->e;
    struct record *rec = rows_add(&rr->rows);
    if (rec == NULL)
        return false;
    rec->kind = e->kind;
    rec->id = db_col_int(row, 0);
    int col = 1;   /* column 0 is the id */
    for (size_t i = 0; i < e->n_fields; i++) {
        struct value *v = &rec->v[i];
        if (!own_column(e->fields[i].type))
            continue;
        v->set = true;
        switch (e->fields[i].type) {
        case FT_REF:
            v->is_null = db_col_null(row, col);
            v->i = db_col_int(row, col++);
            break;
        case FT_INT: case FT_BOOL: case FT_ENUM:
            v->i = db_col_int(row, col++);
            break;
        default:
            v->s = strdup(db_col_text(row, col++));
            break;
        }
    }
    return true;
}

/* A foreign key a write breaks names a missing target: the input is invalid. */
static enum store_status write_error(enum store_status ss)
{
    return ss == STORE_IN_USE ? STORE_INVALID : ss;
}

/* ------------------------------------------------------------------ links */

/* A link row as read back: the target and when it was added (link_def's
 * select_sql: one map for the SQL of several tables). */
struct link_row {
    int64_t target, added_at;
};

static const struct db_col link_cols[] = {
    COL_NUM(struct link_row, target, NULL), COL_NUM(struct link_row, added_at, NULL), COL_END,
};

static enum store_status read_link_rows(struct store *s, const struct link_def *l, int64_t owner,
                                        struct rows *out)
{
    return db_list(s, db_prepare(s, l->select_sql), DB_ARGS(BIND_INT(owner)), link_cols, out);
}

static enum store_status read_links(struct store *s, const struct entity_def *e,
                                    struct record *rec)
{
    for (size_t i = 0; i < e->n_fields; i++) {
        if (e->fields[i].type == FT_HOSTLIST || e->fields[i].type == FT_LINES) {
            enum store_status ss = store_cc_read_list(s, e->fields[i].type, rec->id,
                                                      &rec->v[i]);
            if (ss != STORE_OK)
                return ss;
            continue;
        }
        if (e->fields[i].type != FT_REFLIST)
            continue;
        struct rows links = ROWS_GROW(struct link_row);
        enum store_status ss = read_link_rows(s, link_of(e->kind, e->fields[i].name), rec->id,
                                              &links);
        struct value *v = &rec->v[i];
        v->set = true;
        v->ids = links.n ? malloc(links.n * sizeof *v->ids) : NULL;
        for (size_t k = 0; v->ids && k < links.n; k++)
            v->ids[v->n_ids++] = ((struct link_row *)links.items)[k].target;
        free(links.items);
        if (ss != STORE_OK)
            return ss;
    }
    return STORE_OK;
}

/* When target was first linked, from the rows the list had; now if it is new. */
static int64_t added_at(const struct rows *old, int64_t target, int64_t now)
{
    const struct link_row *rows = old->items;
    for (size_t k = 0; k < old->n; k++)
        if (rows[k].target == target)
            return rows[k].added_at;
    return now;
}

/* The list is rewritten whole, but a pair that stays keeps the time it was
 * first made: rollover readiness counts fetches since then. */
static enum store_status write_link(struct store *s, const struct link_def *l, int64_t owner,
                                    const struct value *v)
{
    struct rows old = ROWS_GROW(struct link_row);
    enum store_status ss = read_link_rows(s, l, owner, &old);
    if (ss == STORE_OK)
        ss = db_exec(s, db_prepare(s, l->delete_sql), DB_ARGS(BIND_INT(owner)));
    int64_t now = time_now_ms();
    for (size_t k = 0; ss == STORE_OK && k < v->n_ids; k++) {
        const struct db_value args[] = { BIND_INT(owner), BIND_INT(v->ids[k]),
                                         BIND_INT((int64_t)k),
                                         BIND_INT(added_at(&old, v->ids[k], now)) };
        ss = write_error(db_exec(s, db_prepare(s, l->insert_sql), args, l->untimed ? 3 : 4));
    }
    free(old.items);
    return ss;
}

static enum store_status write_links(struct store *s, const struct entity_def *e,
                                     const struct record *rec)
{
    enum store_status ss = STORE_OK;
    for (size_t i = 0; ss == STORE_OK && i < e->n_fields; i++) {
        if (!rec->v[i].set)
            continue;
        if (e->fields[i].type == FT_REFLIST)
            ss = write_link(s, link_of(e->kind, e->fields[i].name), rec->id, &rec->v[i]);
        else if (e->fields[i].type == FT_HOSTLIST || e->fields[i].type == FT_LINES)
            ss = write_error(store_cc_write_list(s, e->fields[i].type, rec->id, &rec->v[i]));
    }
    return ss;
}

/* ---------------------------------------------------------------- records */

enum store_status store_record_get(struct store *s, enum entity_kind kind, int64_t id,
                                   struct record *out)
{
    const struct entity_def *e = entity_get(kind);
    char sql[SQL_MAX] = "SELECT id, ";
    append_columns(sql, e, "");
    sql_append(sql, " FROM %s WHERE id = ?", tables[kind].table);
    memset(out, 0, sizeof *out);
    out->kind = kind;
    struct record_rows found = { e, ROWS_FIXED(out, 1) };
    enum store_status ss = db_run(s, db_prepare_once(s, sql), DB_ARGS(BIND_INT(id)),
                                  read_fields, &found);
    if (ss != STORE_OK)
        return ss;
    return found.rows.n ? read_links(s, e, out) : STORE_NOT_FOUND;
}

size_t name_filter(char *sql, const struct list_query *q, const char *column,
                   struct db_value *arg, char **owned)
{
    *owned = NULL;
    if (q->match == MATCH_ANY)
        return 0;
    if (q->match == MATCH_EXACT) {
        sql_append(sql, " WHERE %s = ?", column);
        *arg = (struct db_value)BIND_TEXT(q->name);
        return 1;
    }
    /* LIKE's wildcards are escaped, so that a '%' typed by the admin matches
     * a '%' and nothing more.  SQLite-specific: its LIKE ignores ASCII case,
     * PostgreSQL's does not (ILIKE there). */
    sql_append(sql, " WHERE %s LIKE ? ESCAPE '\\'", column);
    size_t n = strlen(q->name);
    char *pat = malloc(n * 2 + 3), *p = pat;
    *owned = pat;
    *arg = (struct db_value)BIND_TEXT(pat);   /* NULL when out of memory: matches nothing */
    if (pat == NULL)
        return 1;
    if (q->match == MATCH_CONTAINS)
        *p++ = '%';
    for (size_t i = 0; i < n; i++) {
        if (q->name[i] == '%' || q->name[i] == '_' || q->name[i] == '\\')
            *p++ = '\\';
        *p++ = q->name[i];
    }
    *p++ = '%';
    *p = '\0';
    return 1;
}

static enum store_status list_records(struct store *s, const struct list_query *q,
                                      struct record_rows *out, int64_t *total)
{
    const struct entity_def *e = out->e;
    const char *table = tables[e->kind].table;
    char csql[SQL_MAX] = "", sql[SQL_MAX] = "SELECT id, ";
    struct db_value args[3];
    char *owned;
    const char *name = entity_name_field(e);
    sql_append(csql, "SELECT count(*) FROM %s", table);
    size_t n = name_filter(csql, q, name, &args[0], &owned);
    enum store_status ss = db_int(s, db_prepare_once(s, csql), args, n, total);
    if (ss == STORE_OK) {
        append_columns(sql, e, "");
        sql_append(sql, " FROM %s", table);
        free(owned);
        n = name_filter(sql, q, name, &args[0], &owned);
        sql_append(sql, " ORDER BY %s LIMIT ? OFFSET ?", name);
        args[n++] = (struct db_value)BIND_INT(q->limit);
        args[n++] = (struct db_value)BIND_INT(q->offset);
        ss = db_run(s, db_prepare_once(s, sql), args, n, read_fields, out);
        if (ss == STORE_OK && out->rows.oom)
            ss = STORE_ERROR;
    }
    free(owned);
    return ss;
}

enum store_status store_record_list(struct store *s, enum entity_kind kind,
                                    const struct list_query *q, struct record **items,
                                    size_t *n, int64_t *total)
{
    struct record_rows found = { entity_get(kind), ROWS_GROW(struct record) };
    enum store_status ss = list_records(s, q, &found, total);
    *items = found.rows.items;
    *n = found.rows.n;
    for (size_t i = 0; ss == STORE_OK && i < *n; i++)
        ss = read_links(s, found.e, &(*items)[i]);
    return ss;
}

enum store_status store_record_insert(struct store *s, struct record *rec)
{
    const struct entity_def *e = entity_get(rec->kind);
    char sql[SQL_MAX] = "";
    sql_append(sql, "INSERT INTO %s (", tables[rec->kind].table);
    append_columns(sql, e, "");
    sql_append(sql, ") VALUES (");
    struct db_value args[RECORD_MAX_FIELDS];
    size_t n = bind_fields(e, rec, args);
    for (size_t i = 0; i < n; i++)
        sql_append(sql, "%s?", i ? ", " : "");
    sql_append(sql, ") RETURNING id");
    enum store_status ss = write_error(db_insert(s, db_prepare_once(s, sql), args, n, &rec->id));
    return ss == STORE_OK ? write_links(s, e, rec) : ss;
}

enum store_status store_record_update(struct store *s, const struct record *rec)
{
    const struct entity_def *e = entity_get(rec->kind);
    char sql[SQL_MAX] = "";
    sql_append(sql, "UPDATE %s SET ", tables[rec->kind].table);
    append_columns(sql, e, " = ?");
    sql_append(sql, " WHERE id = ?");
    struct db_value args[RECORD_MAX_FIELDS + 1];
    size_t n = bind_fields(e, rec, args);
    args[n++] = (struct db_value)BIND_INT(rec->id);
    enum store_status ss = write_error(db_change(s, db_prepare_once(s, sql), args, n));
    return ss == STORE_OK ? write_links(s, e, rec) : ss;
}

enum store_status store_record_delete(struct store *s, enum entity_kind kind, int64_t id)
{
    char sql[SQL_MAX] = "";
    sql_append(sql, "DELETE FROM %s WHERE id = ?", tables[kind].table);
    return db_change(s, db_prepare_once(s, sql), DB_ARGS(BIND_INT(id)));
}

/* "SELECT what FROM <kind's table> WHERE key = ?": the first column of the row. */
static enum store_status lookup(struct store *s, enum entity_kind kind, const char *what,
                                const char *key, struct db_value arg, int64_t *v)
{
    char sql[SQL_MAX] = "";
    sql_append(sql, "SELECT %s FROM %s WHERE %s = ?", what, tables[kind].table, key);
    return db_int(s, db_prepare_once(s, sql), &arg, 1, v);
}

bool store_record_exists(struct store *s, enum entity_kind kind, int64_t id)
{
    int64_t one;
    return lookup(s, kind, "1", "id", (struct db_value)BIND_INT(id), &one) == STORE_OK;
}

enum store_status store_record_id_by_name(struct store *s, enum entity_kind kind,
                                          const char *name, int64_t *id)
{
    enum store_status ss = lookup(s, kind, "id", entity_name_field(entity_get(kind)),
                                  (struct db_value)BIND_TEXT(name), id);
    return ss == STORE_OK || ss == STORE_NOT_FOUND ? ss : STORE_ERROR;
}

size_t store_record_users(struct store *s, enum entity_kind kind, int64_t id,
                          struct object_ref *out, size_t max)
{
    /* One map for user_queries' SQL, each naming its tables' columns. */
    static const struct db_col cols[] = {
        COL_NUM(struct object_ref, id, NULL), COL_TEXT(struct object_ref, name, NULL), COL_END,
    };
    size_t total = 0;
    for (size_t q = 0; q < sizeof user_queries / sizeof user_queries[0]; q++) {
        if (user_queries[q].target != kind)
            continue;
        size_t kept = total < max ? total : max;
        struct rows found = ROWS_FIXED(kept < max ? out + kept : NULL, max - kept);
        db_list(s, db_prepare(s, user_queries[q].sql), DB_ARGS(BIND_INT(id)), cols, &found);
        for (size_t i = 0; i < rows_kept(&found); i++)
            out[kept + i].kind = user_queries[q].user;
        total += found.n;
    }
    return total;
}
