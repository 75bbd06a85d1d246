/* callctl.c - call control's tables (issue 12): the lists kept beside their
 * owner's row (a Date/Time Group's NTP servers, a phone's line appearances)
 * and the call control part of a phone's device view.
 *
 * A phone with a device pool registers with the pool's CallManager Group,
 * keeps the pool's Date/Time Group's clock and speaks its SIP profile's
 * values (the "Standard SIP Profile" when it names none).  auth_password is
 * read here for the phone's file only; records never carry it out. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"
#include "store/internal.h"

static enum store_status read_ntp(struct store *s, int64_t group_id, struct value *v);
static enum store_status write_ntp(struct store *s, int64_t group_id, const char *hosts);
static enum store_status read_lines(struct store *s, int64_t phone_id, struct value *v);
static enum store_status write_lines(struct store *s, int64_t phone_id, const struct value *v);
static bool read_pool(void *ctx, const struct db_row *row);

/* ------------------------------------------------------------------ lists */

enum store_status store_cc_read_list(struct store *s, enum field_type type, int64_t owner,
                                     struct value *v)
{
    v->set = true;
    return type == FT_HOSTLIST ? read_ntp(s, owner, v) : read_lines(s, owner, v);
}

enum store_status store_cc_write_list(struct store *s, enum field_type type, int64_t owner,
                                      const struct value *v)
{
    return type == FT_HOSTLIST ? write_ntp(s, owner, v->s ? v->s : "")
                               : write_lines(s, owner, v);
}

static bool append_host(void *ctx, const struct db_row *row)
{
    char **joined = ctx;
    const char *host = db_col_text(row, 0);
    size_t have = *joined ? strlen(*joined) : 0;
    char *grown = realloc(*joined, have + strlen(host) + 2);
    if (grown == NULL)
        return false;
    snprintf(grown + have, strlen(host) + 2, "%s%s", have ? "\n" : "", host);
    *joined = grown;
    return true;
}

static enum store_status read_ntp(struct store *s, int64_t group_id, struct value *v)
{
    static const char sql[] =
        "SELECT host FROM date_time_group_ntp_servers WHERE group_id = ? ORDER BY position";
    char *joined = NULL;
    enum store_status ss = db_run(s, db_prepare(s, sql), DB_ARGS(BIND_INT(group_id)),
                                  append_host, &joined);
    free(v->s);
    v->s = joined ? joined : strdup("");
    return ss;
}

static enum store_status write_ntp(struct store *s, int64_t group_id, const char *hosts)
{
    static const char del[] = "DELETE FROM date_time_group_ntp_servers WHERE group_id = ?";
    static const char ins[] =
        "INSERT INTO date_time_group_ntp_servers (group_id, position, host) VALUES (?, ?, ?)";
    enum store_status ss = db_exec(s, db_prepare(s, del), DB_ARGS(BIND_INT(group_id)));
    char host[256];
    for (int64_t pos = 0; ss == STORE_OK && *hosts; pos++) {
        size_t n = strcspn(hosts, "\n");
        snprintf(host, sizeof host, "%.*s", (int)(n < sizeof host ? n : sizeof host - 1), hosts);
        ss = db_exec(s, db_prepare(s, ins),
                     DB_ARGS(BIND_INT(group_id), BIND_INT(pos), BIND_TEXT(host)));
        hosts += n + (hosts[n] == '\n');
    }
    return ss;
}

static enum store_status read_lines(struct store *s, int64_t phone_id, struct value *v)
{
    static const struct db_col cols[] = {
        COL_NUM(struct line_appearance, button, "button"),
        COL_NUM(struct line_appearance, directory_number, "directory_number_id"),
        COL_TEXT(struct line_appearance, label, "label"),
        COL_TEXT(struct line_appearance, display_name, "display_name"), COL_END,
    };
    free(v->lines);
    return db_select_array(s, cols, "FROM phone_lines WHERE phone_id = ? ORDER BY button",
                           DB_ARGS(BIND_INT(phone_id)), DB_ARRAY(&v->lines, &v->n_lines));
}

static enum store_status write_lines(struct store *s, int64_t phone_id, const struct value *v)
{
    static const char del[] = "DELETE FROM phone_lines WHERE phone_id = ?";
    enum store_status ss = db_exec(s, db_prepare(s, del), DB_ARGS(BIND_INT(phone_id)));
    return ss == STORE_OK ? store_phone_lines_insert(s, phone_id, v->lines, v->n_lines) : ss;
}

enum store_status store_phone_lines_insert(struct store *s, int64_t phone_id,
                                           const struct line_appearance *lines, size_t n)
{
    static const char sql[] =
        "INSERT INTO phone_lines (phone_id, button, directory_number_id, label, display_name) "
        "VALUES (?, ?, ?, ?, ?)";
    enum store_status ss = STORE_OK;
    for (size_t i = 0; ss == STORE_OK && i < n; i++)
        ss = db_exec(s, db_prepare(s, sql),
                     DB_ARGS(BIND_INT(phone_id), BIND_INT(lines[i].button),
                             BIND_INT(lines[i].directory_number), BIND_TEXT(lines[i].label),
                             BIND_TEXT(lines[i].display_name)));
    return ss;
}

/* ------------------------------------------------------------ device view */

/* The pool's row: names, locales, and the ids of its two groups. */
struct pool_row {
    struct call_control_view *cc;
    int64_t cm_group_id, dt_group_id;
    bool found;
};

static bool read_pool(void *ctx, const struct db_row *row)
{
    struct pool_row *r = ctx;
    struct call_control_view *cc = r->cc;
    snprintf(cc->device_pool, sizeof cc->device_pool, "%s", db_col_text(row, 0));
    snprintf(cc->user_locale, sizeof cc->user_locale, "%s", db_col_text(row, 1));
    snprintf(cc->network_locale, sizeof cc->network_locale, "%s", db_col_text(row, 2));
    snprintf(cc->call_manager_group, sizeof cc->call_manager_group, "%s", db_col_text(row, 3));
    r->cm_group_id = db_col_int(row, 4);
    snprintf(cc->date_time_group, sizeof cc->date_time_group, "%s", db_col_text(row, 5));
    snprintf(cc->time_zone, sizeof cc->time_zone, "%s", db_col_text(row, 6));
    snprintf(cc->date_template, sizeof cc->date_template, "%s", db_col_text(row, 7));
    r->dt_group_id = db_col_int(row, 8);
    r->found = true;
    return false;
}

/* A call manager's column of the field's own name. */
#define CM_NUM(f)  COL_NUM(struct call_manager_view, f, "c." #f)
#define CM_TEXT(f) COL_TEXT(struct call_manager_view, f, "c." #f)

static enum store_status read_groups(struct store *s, struct pool_row *r)
{
    static const struct db_col member_cols[] = {
        CM_TEXT(name), CM_TEXT(host), CM_NUM(sip_port), CM_NUM(secured_sip_port), COL_END,
    };
    static const char members_from[] =
        "FROM call_manager_group_members m JOIN call_managers c ON c.id = m.call_manager_id "
        "WHERE m.group_id = ? ORDER BY m.position";
    static const struct db_col ntp_cols[] = {
        COL_ITEM_TEXT(sizeof ((struct call_control_view *)0)->ntp_servers[0], "host"), COL_END,
    };
    static const char ntps_from[] =
        "FROM date_time_group_ntp_servers WHERE group_id = ? ORDER BY position";
    struct call_control_view *cc = r->cc;
    struct rows m = ROWS_FIXED(cc->call_managers, VIEW_MAX_CALL_MANAGERS);
    struct rows n = ROWS_FIXED(cc->ntp_servers, VIEW_MAX_NTP_SERVERS);
    if (db_select_list(s, member_cols, members_from, DB_ARGS(BIND_INT(r->cm_group_id)), &m) !=
            STORE_OK ||
        db_select_list(s, ntp_cols, ntps_from, DB_ARGS(BIND_INT(r->dt_group_id)), &n) !=
            STORE_OK)
        return STORE_ERROR;
    cc->n_call_managers = rows_kept(&m);
    cc->n_ntp_servers = rows_kept(&n);
    return STORE_OK;
}

/* A profile's column of the field's own name. */
#define SP_NUM(f)  COL_NUM(struct sip_profile_view, f, #f)
#define SP_TEXT(f) COL_TEXT(struct sip_profile_view, f, #f)

/* The phone's SIP profile, else the Standard SIP Profile, else the first. */
static enum store_status read_sip_profile(struct store *s, bool has_id, int64_t id,
                                          struct sip_profile_view *sp)
{
    static const struct db_col cols[] = {
        SP_TEXT(name), SP_NUM(transport), SP_NUM(device_security_mode),
        SP_NUM(timer_register_expires), SP_NUM(timer_register_delta),
        SP_NUM(timer_invite_expires), SP_NUM(timer_keepalive_expires),
        SP_NUM(timer_subscribe_expires), SP_NUM(timer_subscribe_delta), SP_NUM(timer_t1),
        SP_NUM(timer_t2), SP_NUM(sip_retx), SP_NUM(sip_invite_retx), SP_NUM(max_redirects),
        SP_NUM(remote_party_id), SP_NUM(user_info), SP_NUM(dtmf_avt_payload),
        SP_NUM(enable_vad), SP_NUM(start_media_port), SP_NUM(stop_media_port),
        SP_NUM(voip_control_port), SP_NUM(nat_enabled), SP_TEXT(nat_address),
        SP_NUM(cnf_join_enabled), SP_NUM(rfc2543_hold), SP_NUM(semi_attended_transfer),
        SP_TEXT(call_forward_uri), SP_TEXT(call_pickup_uri), SP_TEXT(call_pickup_list_uri),
        SP_TEXT(call_pickup_group_uri), SP_TEXT(meet_me_service_uri),
        SP_TEXT(abbreviated_dial_uri), COL_END,
    };
    static const char from[] =
        "FROM sip_profiles ORDER BY CASE WHEN id = ?1 THEN 0 "
        "WHEN name = 'Standard SIP Profile' THEN 1 ELSE 2 END, id LIMIT 1";
    enum store_status ss = db_select_get(s, cols, from, DB_ARGS(BIND_OPT_INT(id, has_id)), sp,
                                         sizeof *sp);
    return ss == STORE_ERROR ? ss : STORE_OK;   /* no profile at all: the view's zeros */
}

#define LN_NUM(f, e)  COL_NUM(struct line_view, f, e)
#define LN_TEXT(f, e) COL_TEXT(struct line_view, f, e)

/* A line's caller ID is the appearance's, else the number's; its label the
 * appearance's, else the number itself. */
static enum store_status read_line_views(struct store *s, int64_t phone_id,
                                         struct call_control_view *cc)
{
    static const struct db_col cols[] = {
        LN_NUM(button, "l.button"),
        LN_TEXT(feature_label, "CASE WHEN l.label <> '' THEN l.label ELSE d.pattern END"),
        LN_TEXT(name, "d.pattern"),
        LN_TEXT(display_name,
                "CASE WHEN l.display_name <> '' THEN l.display_name ELSE d.display_name END"),
        LN_TEXT(auth_name, "d.auth_name"), LN_TEXT(auth_password, "d.auth_password"),
        LN_TEXT(messages_number, "d.voicemail_number"),
        LN_NUM(shared, "(SELECT count(*) FROM phone_lines o WHERE o.directory_number_id = "
                       "l.directory_number_id) > 1"),
        LN_NUM(max_num_calls, "l.max_num_calls"), LN_NUM(busy_trigger, "l.busy_trigger"),
        COL_END,
    };
    static const char from[] =
        "FROM phone_lines l JOIN directory_numbers d ON d.id = l.directory_number_id "
        "WHERE l.phone_id = ? ORDER BY l.button";
    struct rows found = ROWS_FIXED(cc->lines, VIEW_MAX_LINES);
    enum store_status ss = db_select_list(s, cols, from, DB_ARGS(BIND_INT(phone_id)), &found);
    cc->n_lines = rows_kept(&found);
    return ss;
}

enum store_status store_cc_device_view(struct store *s, const struct cc_ids *ids,
                                       struct device_view *v)
{
    static const char pool[] =
        "SELECT dp.name, dp.user_locale, dp.network_locale, g.name, g.id, t.name, "
        "t.time_zone, t.date_template, t.id FROM device_pools dp "
        "JOIN call_manager_groups g ON g.id = dp.call_manager_group_id "
        "JOIN date_time_groups t ON t.id = dp.date_time_group_id WHERE dp.id = ?";
    struct pool_row r = { .cc = &v->cc };
    enum store_status ss = db_run(s, db_prepare(s, pool), DB_ARGS(BIND_INT(ids->pool_id)),
                                  read_pool, &r);
    if (ss != STORE_OK || !r.found)
        return ss;
    v->has_call_control = true;
    render_policy_file(v->feature_control_policy, v->cc.feature_policy_file,
                sizeof v->cc.feature_policy_file);
    ss = read_groups(s, &r);
    if (ss == STORE_OK)
        ss = read_sip_profile(s, ids->has_sip_profile, ids->sip_profile_id, &v->cc.sip);
    return ss == STORE_OK ? read_line_views(s, ids->phone_id, &v->cc) : ss;
}

/* -------------------------------------------------------------- bulk */

enum store_status store_phones_cc_shape(struct store *s, bool *pools, int64_t *max_button)
{
    struct shape {
        int64_t pools, max_button;
    } got;
    static const struct db_col cols[] = {
        COL_NUM(struct shape, pools,
                "EXISTS (SELECT 1 FROM phones WHERE device_pool_id IS NOT NULL)"),
        COL_NUM(struct shape, max_button, "coalesce((SELECT max(button) FROM phone_lines), 0)"),
        COL_END,
    };
    enum store_status ss = db_select_get(s, cols, "", DB_NOARGS, &got, sizeof got);
    *pools = got.pools != 0;
    *max_button = got.max_button;
    return ss;
}

enum store_status store_directory_number_ensure(struct store *s, const char *pattern,
                                                int64_t *id)
{
    /* Not RETURNING: SQLite keeps a statement journal for it, and the import
     * runs this for every line. */
    static const char add[] =
        "INSERT INTO directory_numbers (pattern) VALUES (?) ON CONFLICT (pattern) DO NOTHING";
    static const char find[] = "SELECT id FROM directory_numbers WHERE pattern = ?";
    enum store_status ss = db_exec(s, db_prepare(s, add), DB_ARGS(BIND_TEXT(pattern)));
    if (ss == STORE_OK)
        ss = db_int(s, db_prepare(s, find), DB_ARGS(BIND_TEXT(pattern)), id);
    return ss == STORE_IN_USE ? STORE_INVALID : ss;
}
