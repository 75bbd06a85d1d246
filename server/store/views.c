/* views.c - what the layers above read across several tables: the inputs of
 * a phone's config and of XMLDefault, the phones a change affects, a
 * gateway's certificate rollover, diagnostics, a VPN group's fleet as the ASA
 * sees it, and how fresh the phones' configs are. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "limits.h"
#include "store/internal.h"

/* ------------------------------------------------------- cache dependencies */

#define PHONES_OF_PROFILES "SELECT p.name FROM phones p JOIN common_phone_profiles c " \
    "ON c.id = p.common_phone_profile_id WHERE "

#define PHONES_OF_POOLS "SELECT p.name FROM phones p JOIN device_pools d " \
    "ON d.id = p.device_pool_id WHERE "

static const struct {
    enum entity_kind kind;
    const char *sql;   /* ? is the changed object's id */
} affected_queries[] = {
    /* A phone, and those sharing a line with it (their sharedLine may flip). */
    { ENT_PHONE, "SELECT name FROM phones WHERE id = ?1 OR (device_pool_id IS NOT NULL AND "
      "id IN (SELECT o.phone_id FROM phone_lines l JOIN phone_lines o "
      "ON o.directory_number_id = l.directory_number_id WHERE l.phone_id = ?1))" },
    { ENT_COMMON_PHONE_PROFILE, "SELECT name FROM phones WHERE common_phone_profile_id = ?" },
    { ENT_VPN_GROUP, PHONES_OF_PROFILES "c.vpn_group_id = ?" },
    { ENT_VPN_PROFILE, PHONES_OF_PROFILES "c.vpn_profile_id = ?" },
    { ENT_VPN_GATEWAY, PHONES_OF_PROFILES "c.vpn_group_id IN "
      "(SELECT group_id FROM vpn_group_gateways WHERE gateway_id = ?)" },
    { ENT_CERTIFICATE, PHONES_OF_PROFILES "c.vpn_group_id IN "
      "(SELECT gg.group_id FROM vpn_group_gateways gg JOIN vpn_gateway_certificates gc "
      "ON gc.gateway_id = gg.gateway_id WHERE gc.certificate_id = ?)" },
    { ENT_PHONE_SECURITY_PROFILE, "SELECT name FROM phones WHERE phone_security_profile_id = ?" },
    { ENT_VPN_FEATURE_CONFIGURATION, PHONES_OF_PROFILES
      "c.vpn_group_id IS NOT NULL AND c.vpn_profile_id IS NULL AND ? IS NOT NULL" },
    /* call control (issue 12) */
    { ENT_DEVICE_POOL, "SELECT name FROM phones WHERE device_pool_id = ?" },
    { ENT_CALL_MANAGER_GROUP, PHONES_OF_POOLS "d.call_manager_group_id = ?" },
    { ENT_DATE_TIME_GROUP, PHONES_OF_POOLS "d.date_time_group_id = ?" },
    { ENT_CALL_MANAGER, PHONES_OF_POOLS "d.call_manager_group_id IN "
      "(SELECT group_id FROM call_manager_group_members WHERE call_manager_id = ?)" },
    /* A phone with a pool and no profile of its own speaks the standard one. */
    { ENT_SIP_PROFILE, "SELECT name FROM phones WHERE sip_profile_id = ?1 OR "
      "(sip_profile_id IS NULL AND device_pool_id IS NOT NULL AND ?1 = (SELECT id FROM "
      "sip_profiles ORDER BY CASE WHEN name = 'Standard SIP Profile' THEN 0 ELSE 1 END, id "
      "LIMIT 1))" },
    { ENT_DIRECTORY_NUMBER, "SELECT p.name FROM phones p WHERE p.device_pool_id IS NOT NULL "
      "AND p.id IN (SELECT phone_id FROM phone_lines WHERE directory_number_id = ?)" },
};

static enum store_status read_device_view(struct store *s, const char *name,
                                          struct device_view *v);
static enum store_status rollover_phones(struct store *s, int64_t gateway_id,
                                         struct rollover_cert *c);

bool name_list_add(void *ctx, const struct db_row *row)
{
    struct name_list *l = ctx;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        char (*grown)[16] = realloc(l->names, cap * sizeof *grown);
        if (grown == NULL) {
            l->all = true;   /* cannot list them: flush everything rather than miss one */
            return true;
        }
        l->names = grown;
        l->cap = cap;
    }
    snprintf(l->names[l->n++], 16, "%s", db_col_text(row, 0));
    return true;
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
        enum store_status ss = db_run(s, db_prepare(s, affected_queries[q].sql),
                                      DB_ARGS(BIND_INT(id)), name_list_add, out);
        if (ss != STORE_OK)
            return ss;
    }
    return STORE_OK;
}

/* ----------------------------------------------------------- render inputs */

/* Columns of their fields' own names. */
#define SYS_NUM(f)  COL_NUM(struct system_settings, f, #f)
#define SYS_TEXT(f) COL_TEXT(struct system_settings, f, #f)
#define VPN_NUM(f)  COL_NUM(struct vpn_switches, f, #f)

static enum store_status read_system_settings(struct store *s, struct system_settings *sys)
{
    static const struct db_col cols[] = {
        SYS_TEXT(call_manager_host), SYS_NUM(sip_port), SYS_NUM(secure_sip_port),
        SYS_NUM(tvs_port), SYS_TEXT(user_locale), SYS_TEXT(network_locale), SYS_TEXT(time_zone),
        COL_END,
    };
    return db_select_get(s, cols, "FROM system_settings WHERE id = 1", DB_NOARGS, sys,
                         sizeof *sys) == STORE_OK ? STORE_OK : STORE_ERROR;
}

/* The VPN switches come from the profile, or the enterprise defaults without one. */
static enum store_status read_vpn_switches(struct store *s, int64_t profile_id, bool has_profile,
                                           struct vpn_switches *sw)
{
    /* One map, two tables of the same columns: two statements. */
    static const struct db_col cols[] = {
        VPN_NUM(auto_network_detect), VPN_NUM(mtu), VPN_NUM(fail_to_connect),
        VPN_NUM(host_id_check), VPN_NUM(client_auth_method), VPN_NUM(password_persistence),
        COL_END,
    };
    const char *from = has_profile ? "FROM vpn_profiles WHERE id = ?"
                                   : "FROM vpn_feature_configuration WHERE id = ?";
    return db_select_get(s, cols, from, DB_ARGS(BIND_INT(has_profile ? profile_id : 1)), sw,
                         sizeof *sw) == STORE_OK ? STORE_OK : STORE_ERROR;
}

/* One certificate on two gateways of the group is listed once. */
static bool add_cert_hash(void *ctx, const struct db_row *row)
{
    struct device_view *v = ctx;
    const char *h = db_col_text(row, 0);
    for (size_t i = 0; i < v->n_hashes; i++)
        if (strcmp(v->cert_hashes[i], h) == 0)
            return true;
    if (v->n_hashes < VIEW_MAX_HASHES)
        snprintf(v->cert_hashes[v->n_hashes++], sizeof v->cert_hashes[0], "%s", h);
    return true;
}

static enum store_status read_vpn_group(struct store *s, int64_t group_id, struct device_view *v)
{
    static const char urls_from[] =
        "FROM vpn_group_gateways gg JOIN vpn_gateways g ON g.id = gg.gateway_id "
        "WHERE gg.group_id = ? ORDER BY gg.position";
    static const char hashes[] =
        "SELECT c.cert_hash FROM vpn_group_gateways gg "
        "JOIN vpn_gateway_certificates gc ON gc.gateway_id = gg.gateway_id "
        "JOIN certificates c ON c.id = gc.certificate_id "
        "WHERE gg.group_id = ? ORDER BY gg.position, gc.position";
    static const struct db_col url_cols[] = {
        COL_ITEM_TEXT(sizeof ((struct device_view *)0)->urls[0], "g.url"), COL_END,
    };
    struct rows found = ROWS_FIXED(v->urls, VIEW_MAX_URLS);
    if (db_select_list(s, url_cols, urls_from, DB_ARGS(BIND_INT(group_id)), &found) != STORE_OK)
        return STORE_ERROR;
    v->n_urls = rows_kept(&found);
    db_run(s, db_prepare(s, hashes), DB_ARGS(BIND_INT(group_id)), add_cert_hash, v);
    return STORE_OK;
}

/* The device's own row, its common phone profile and its model. */
struct device_row {
    struct device_view *v;
    bool found, has_group, has_profile, has_pool;
    int64_t group_id, profile_id;
    struct cc_ids cc;
};

#define DV_NUM(f, e)  COL_NUM(struct device_view, f, e)
#define DV_TEXT(f, e) COL_TEXT(struct device_view, f, e)

static const struct db_col device_cols[] = {
    DV_TEXT(name, "p.name"), DV_TEXT(model, "p.model"), DV_NUM(model_id, "m.model_id"),
    DV_TEXT(load, "m.default_load"), DV_TEXT(description, "p.description"),
    DV_TEXT(phone_password, "c.phone_password"),
    DV_NUM(background_image_access, "c.background_image_access"),
    DV_NUM(dnd_call_alert, "c.dnd_call_alert"), DV_NUM(dnd_option, "c.dnd_option"),
    DV_NUM(phone_personalization, "c.phone_personalization"),
    DV_NUM(services_provisioning, "c.services_provisioning"),
    DV_NUM(always_use_prime_line, "c.always_use_prime_line"),
    DV_NUM(always_use_prime_line_vm, "c.always_use_prime_line_for_voice_message"),
    DV_TEXT(ssh_user_id, "c.ssh_user_id"), DV_TEXT(ssh_password, "c.ssh_password"),
    DV_TEXT(feature_control_policy, "c.feature_control_policy"),
    /* read by hand (read_device_row), from 16 */
    COL_SKIP("c.vpn_group_id"), COL_SKIP("c.vpn_profile_id"), COL_SKIP("p.device_pool_id"),
    COL_SKIP("p.sip_profile_id"), COL_SKIP("p.id"),
    COL_END,
};

static bool read_device_row(void *ctx, const struct db_row *row)
{
    struct device_row *d = ctx;
    db_col_read(row, device_cols, d->v);
    d->found = true;
    d->has_group = !db_col_null(row, 16);
    d->group_id = db_col_int(row, 16);
    d->has_profile = !db_col_null(row, 17);
    d->profile_id = db_col_int(row, 17);
    d->has_pool = !db_col_null(row, 18);
    d->cc.pool_id = db_col_int(row, 18);
    d->cc.has_sip_profile = !db_col_null(row, 19);
    d->cc.sip_profile_id = db_col_int(row, 19);
    d->cc.phone_id = db_col_int(row, 20);
    return false;
}

static enum store_status read_device_view(struct store *s, const char *name, struct device_view *v)
{
    static const char from[] =
        "FROM phones p JOIN phone_models m ON m.name = p.model "
        "JOIN common_phone_profiles c ON c.id = p.common_phone_profile_id WHERE p.name = ?";
    struct device_row d = { .v = v };
    memset(v, 0, sizeof *v);
    enum store_status ss = db_run(s, db_select(s, device_cols, from), DB_ARGS(BIND_TEXT(name)),
                                  read_device_row, &d);
    if (ss != STORE_OK || !d.found)
        return ss != STORE_OK ? ss : STORE_NOT_FOUND;
    ss = read_system_settings(s, &v->sys);
    if (ss == STORE_OK && d.has_pool)
        ss = store_cc_device_view(s, &d.cc, v);
    if (ss != STORE_OK || !d.has_group)
        return ss;
    v->has_vpn = true;
    ss = read_vpn_switches(s, d.profile_id, d.has_profile, &v->vpn);
    return ss != STORE_OK ? ss : read_vpn_group(s, d.group_id, v);
}

/* The view's five queries share one read transaction: one snapshot of the
 * rows, and one round of file locking instead of one per query, which was a
 * tenth of a cold render's time. */
enum store_status store_device_view(struct store *s, const char *name, struct device_view *v)
{
    bool own;
    if (db_begin_read(s, &own) != STORE_OK)
        return STORE_ERROR;
    enum store_status ss = read_device_view(s, name, v);
    return db_end_read(s, own) == STORE_OK ? ss : STORE_ERROR;
}

enum store_status store_default_view(struct store *s, struct default_view *v)
{
    static const struct db_col cols[] = {
        COL_TEXT(struct model_load, model, "name"),
        COL_NUM(struct model_load, model_id, "model_id"),
        COL_TEXT(struct model_load, load, "default_load"), COL_END,
    };
    memset(v, 0, sizeof *v);
    enum store_status ss = read_system_settings(s, &v->sys);
    if (ss != STORE_OK)
        return ss;
    struct rows found = ROWS_FIXED(v->models, VIEW_MAX_MODELS);
    ss = db_select_list(s, cols, "FROM phone_models ORDER BY model_id", DB_NOARGS, &found);
    v->n_models = rows_kept(&found);
    return ss == STORE_OK ? STORE_OK : STORE_ERROR;
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
    static const struct db_col cols[] = {
        COL_TEXT(struct rollover_phone, name, "p.name"),
        COL_NUM(struct rollover_phone, last_fetch_ms,
                "(SELECT max(f.at_ms) FROM fetch_log f WHERE f.device = p.name "
                "AND f.result = 'ok')"),
        COL_NUM(struct rollover_phone, current,
                "CASE WHEN EXISTS (SELECT 1 FROM fetch_log f WHERE f.device = p.name "
                "AND f.result = 'ok' AND f.at_ms >= ?2 AND f.at_ms - f.duration_us / 1000 >= ?2) "
                "THEN 1 ELSE 0 END"),
        COL_END,
    };
    static const char from[] =
        "FROM phones p JOIN common_phone_profiles c ON c.id = p.common_phone_profile_id "
        "WHERE c.vpn_group_id IN (SELECT group_id FROM vpn_group_gateways WHERE gateway_id = ?1) "
        "ORDER BY p.name";
    return db_select_array(s, cols, from, DB_ARGS(BIND_INT(gateway_id), BIND_INT(c->added_at_ms)),
                           DB_ARRAY(&c->phones, &c->n_phones));
}

enum store_status store_gateway_rollover(struct store *s, int64_t gateway_id,
                                         struct rollover_cert **out, size_t *n)
{
    static const struct db_col cols[] = {
        COL_NUM(struct rollover_cert, cert_id, "gc.certificate_id"),
        COL_TEXT(struct rollover_cert, cert_hash, "c.cert_hash"),
        COL_TEXT(struct rollover_cert, common_name, "c.common_name"),
        COL_NUM(struct rollover_cert, added_at_ms, "gc.added_at"),
        COL_NUM(struct rollover_cert, not_after, "c.not_after"), COL_END,
    };
    static const char from[] =
        "FROM vpn_gateway_certificates gc JOIN certificates c ON c.id = gc.certificate_id "
        "WHERE gc.gateway_id = ? ORDER BY gc.position";
    *out = NULL;
    *n = 0;
    if (!store_record_exists(s, ENT_VPN_GATEWAY, gateway_id))
        return STORE_NOT_FOUND;
    struct rollover_cert *certs = calloc(UCPROV_GATEWAY_CERTS_MAX, sizeof *certs);
    if (certs == NULL)
        return STORE_ERROR;
    struct rows found = ROWS_FIXED(certs, UCPROV_GATEWAY_CERTS_MAX);
    enum store_status ss = db_select_list(s, cols, from, DB_ARGS(BIND_INT(gateway_id)), &found);
    size_t count = rows_kept(&found);
    for (size_t i = 0; ss == STORE_OK && i < count; i++)
        ss = rollover_phones(s, gateway_id, &certs[i]);
    if (ss != STORE_OK) {
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
     * the enterprise defaults when it names none.  A SELECT DISTINCT is written
     * whole, its map without expressions (db_select writes no DISTINCT). */
    static const char sql[] =
        "SELECT DISTINCT COALESCE(vp.name, 'VPN feature configuration') "
        "FROM common_phone_profiles c LEFT JOIN vpn_profiles vp ON vp.id = c.vpn_profile_id "
        "JOIN vpn_feature_configuration fc ON fc.id = 1 "
        "WHERE c.vpn_group_id IN (SELECT group_id FROM vpn_group_gateways WHERE gateway_id = ?) "
        "AND COALESCE(vp.host_id_check, fc.host_id_check) = 1 ORDER BY 1";
    static const struct db_col cols[] = { COL_ITEM_TEXT(64, NULL), COL_END };
    struct rows found = ROWS_FIXED(names, max);
    db_list(s, db_prepare(s, sql), DB_ARGS(BIND_INT(gateway_id)), cols, &found);
    return found.n;
}

/* A phone and its model, kept in the caller's two arrays. */
struct unsupported {
    char (*names)[16];
    char (*models)[64];
    size_t n, max;
};

static bool add_unsupported(void *ctx, const struct db_row *row)
{
    struct unsupported *u = ctx;
    if (u->n < u->max) {
        snprintf(u->names[u->n], 16, "%s", db_col_text(row, 0));
        snprintf(u->models[u->n], 64, "%s", db_col_text(row, 1));
    }
    u->n++;
    return true;
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
    struct unsupported u = { names, models, 0, max };
    db_run(s, db_prepare(s, sql), DB_ARGS(BIND_TEXT(only ? only : "")), add_unsupported, &u);
    return u.n;
}

/* ------------------------------------------------------------- freshness */

enum store_status store_phone_freshness(struct store *s, int64_t now_ms,
                                        struct phone_freshness *out)
{
    static const struct db_col cols[] = {
        COL_NUM(struct phone_freshness, never,
                "coalesce(sum(CASE WHEN last IS NULL THEN 1 ELSE 0 END), 0)"),
        COL_NUM(struct phone_freshness, within_day,
                "coalesce(sum(CASE WHEN last >= ?1 - 86400000 THEN 1 ELSE 0 END), 0)"),
        COL_NUM(struct phone_freshness, within_week,
                "coalesce(sum(CASE WHEN last < ?1 - 86400000 AND last >= ?1 - 604800000 "
                "THEN 1 ELSE 0 END), 0)"),
        COL_NUM(struct phone_freshness, older,
                "coalesce(sum(CASE WHEN last < ?1 - 604800000 THEN 1 ELSE 0 END), 0)"),
        COL_END,
    };
    static const char from[] =
        "FROM (SELECT (SELECT max(f.at_ms) FROM fetch_log f "
        "WHERE f.device = p.name AND f.result = 'ok') AS last FROM phones p) AS fetched";
    return db_select_get(s, cols, from, DB_ARGS(BIND_INT(now_ms)), out, sizeof *out);
}

/* ------------------------------------------------------- the ASA's view */

size_t store_group_auth_methods(struct store *s, int64_t group_id, int *methods, size_t max)
{
    static const char sql[] =
        "SELECT DISTINCT COALESCE(vp.client_auth_method, fc.client_auth_method) "
        "FROM common_phone_profiles c LEFT JOIN vpn_profiles vp ON vp.id = c.vpn_profile_id "
        "JOIN vpn_feature_configuration fc ON fc.id = 1 WHERE c.vpn_group_id = ? ORDER BY 1";
    static const struct db_col cols[] = { COL_ITEM_NUM(int, NULL), COL_END };   /* DISTINCT */
    struct rows found = ROWS_FIXED(methods, max);
    db_list(s, db_prepare(s, sql), DB_ARGS(BIND_INT(group_id)), cols, &found);
    return rows_kept(&found);
}

/* Phones counted by (TLS 1.2, MIC chain, certificate kind) of their model. */
static bool add_fleet_row(void *ctx, const struct db_row *row)
{
    struct group_fleet *out = ctx;
    bool tls12 = db_col_int(row, 0) != 0;
    bool sha1 = strcmp(db_col_text(row, 1), "sha1") == 0;
    bool lsc = db_col_int(row, 2) == 1;
    int64_t count = db_col_int(row, 3);
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
    return true;
}

enum store_status store_group_fleet(struct store *s, int64_t group_id, struct group_fleet *out)
{
    static const char sql[] =
        "SELECT m.tls12, m.mic_chain, p.certificate_kind, count(*) FROM phones p "
        "JOIN common_phone_profiles c ON c.id = p.common_phone_profile_id "
        "JOIN phone_models m ON m.name = p.model WHERE c.vpn_group_id = ? "
        "GROUP BY m.tls12, m.mic_chain, p.certificate_kind";
    memset(out, 0, sizeof *out);
    return db_run(s, db_prepare(s, sql), DB_ARGS(BIND_INT(group_id)), add_fleet_row, out);
}

enum store_status store_gateway_by_url(struct store *s, const char *url, int64_t *id)
{
    static const char sql[] = "SELECT id FROM vpn_gateways WHERE url = ? LIMIT 1";
    return db_int(s, db_prepare(s, sql), DB_ARGS(BIND_TEXT(url)), id);
}
