/* trust.c - the server's trust keys, the trust list's generation, the
 * certificates it lists besides its own, phones' certificates and security
 * profiles as the render reads them, and the readiness queries over the
 * fetch log.  Private keys are read here and handed to the trust service
 * only; no list or view of this file carries one. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"

const char *const trust_role_names[TRUST_ROLES] = {
    [TRUST_ROLE_SAST] = "sast", [TRUST_ROLE_RECOVERY] = "recovery", [TRUST_ROLE_TFTP] = "tftp",
};

static bool read_key(void *ctx, const struct db_row *row);
static bool read_marked(void *ctx, const struct db_row *row);
static bool read_name(void *ctx, const struct db_row *row);

/* ------------------------------------------------------------ trust state */

enum store_status store_trust_generation(struct store *s, int64_t *generation)
{
    static const char sql[] = "SELECT generation FROM trust_state WHERE id = 1";
    return db_int(s, db_prepare(s, sql), DB_NOARGS, generation);
}

enum store_status store_trust_state(struct store *s, struct trust_state *out)
{
    static const struct db_col cols[] = {
        COL_NUM(struct trust_state, generation, "generation"),
        COL_NUM(struct trust_state, recovery_exported_at, "recovery_exported_at"),
        COL_NUM(struct trust_state, ctl_enabled, "ctl_enabled"),
        COL_NUM(struct trust_state, changed_at, "changed_at"),
        COL_END,
    };
    return db_select_get(s, cols, "FROM trust_state WHERE id = 1", DB_NOARGS, out, sizeof *out);
}

enum store_status store_trust_bump(struct store *s, int64_t now_ms)
{
    static const char sql[] =
        "UPDATE trust_state SET generation = generation + 1, changed_at = ? WHERE id = 1";
    return db_change(s, db_prepare(s, sql), DB_ARGS(BIND_INT(now_ms)));
}

enum store_status store_trust_set_exported(struct store *s, int64_t now_ms)
{
    static const char sql[] = "UPDATE trust_state SET recovery_exported_at = ? WHERE id = 1";
    return db_change(s, db_prepare(s, sql), DB_ARGS(BIND_INT(now_ms)));
}

enum store_status store_trust_set_ctl(struct store *s, bool on)
{
    static const char sql[] = "UPDATE trust_state SET ctl_enabled = ? WHERE id = 1";
    return db_change(s, db_prepare(s, sql), DB_ARGS(BIND_INT(on)));
}

/* ------------------------------------------------------------------- keys */

static bool read_key(void *ctx, const struct db_row *row)
{
    struct trust_key_row *keys = ctx;
    const char *role = db_col_text(row, 0);
    for (size_t i = 0; i < TRUST_ROLES; i++) {
        if (strcmp(role, trust_role_names[i]) != 0)
            continue;
        struct trust_key_row *k = &keys[i];
        free(k->cert_pem);
        free(k->key_pem);
        k->id = db_col_int(row, 1);
        k->cert_pem = strdup(db_col_text(row, 2));
        k->key_pem = strdup(db_col_text(row, 3));
        k->created_at = db_col_int(row, 4);
    }
    return true;
}

enum store_status store_trust_keys(struct store *s, struct trust_key_row keys[TRUST_ROLES])
{
    static const char sql[] =
        "SELECT role, id, cert_pem, key_pem, created_at FROM trust_keys WHERE retired_at = 0";
    memset(keys, 0, TRUST_ROLES * sizeof *keys);
    return db_run(s, db_prepare(s, sql), DB_NOARGS, read_key, keys);
}

void trust_key_rows_free(struct trust_key_row keys[TRUST_ROLES])
{
    for (size_t i = 0; i < TRUST_ROLES; i++) {
        free(keys[i].cert_pem);
        if (keys[i].key_pem != NULL) {
            memset(keys[i].key_pem, 0, strlen(keys[i].key_pem));
            free(keys[i].key_pem);
        }
        memset(&keys[i], 0, sizeof keys[i]);
    }
}

/* Retires the role's live key, if any, and makes this one live. */
enum store_status store_trust_key_replace(struct store *s, enum trust_role role,
                                          const char *cert_pem, const char *key_pem,
                                          int64_t now_ms)
{
    static const char retire[] =
        "UPDATE trust_keys SET retired_at = ? WHERE role = ? AND retired_at = 0";
    static const char insert[] =
        "INSERT INTO trust_keys (role, cert_pem, key_pem, created_at) VALUES (?, ?, ?, ?)";
    const char *name = trust_role_names[role];
    enum store_status ss = db_exec(s, db_prepare(s, retire),
                                   DB_ARGS(BIND_INT(now_ms), BIND_TEXT(name)));
    if (ss == STORE_OK)
        ss = db_exec(s, db_prepare(s, insert), DB_ARGS(BIND_TEXT(name), BIND_TEXT(cert_pem),
                                                       BIND_TEXT(key_pem), BIND_INT(now_ms)));
    return ss;
}

/* ------------------------------------------- certificates the list carries */

struct marked_ctx {
    void (*fn)(void *ctx, const char *trust_store, const void *der, size_t len);
    void *ctx;
};

static bool read_marked(void *ctx, const struct db_row *row)
{
    struct marked_ctx *m = ctx;
    size_t len = 0;
    const void *der = db_col_blob(row, 1, &len);
    if (der != NULL && len > 0)
        m->fn(m->ctx, db_col_text(row, 0), der, len);
    return true;
}

enum store_status store_trust_marked_certs(struct store *s,
                                           void (*fn)(void *ctx, const char *trust_store,
                                                      const void *der, size_t len),
                                           void *ctx)
{
    static const char sql[] =
        "SELECT store, der FROM certificates WHERE store IN ('CallManager-trust', 'CAPF-trust') "
        "ORDER BY id";
    struct marked_ctx m = { fn, ctx };
    return db_run(s, db_prepare(s, sql), DB_NOARGS, read_marked, &m);
}

/* -------------------------------------------------- a phone's own security */

enum store_status store_phone_security(struct store *s, const char *name,
                                       struct phone_security *out)
{
    static const struct db_col cols[] = {
        COL_NUM(struct phone_security, phone_id, "p.id"),
        COL_TEXT(struct phone_security, model, "p.model"),
        COL_TEXT(struct phone_security, mic_chain, "m.mic_chain"),
        COL_DUP(struct phone_security, cert_pem, "p.certificate_pem"),
        COL_NUM(struct phone_security, sec.has_profile, "sp.id IS NOT NULL"),
        COL_NUM(struct phone_security, sec.device_security_mode,
                "coalesce(sp.device_security_mode, 1)"),
        COL_NUM(struct phone_security, sec.transport, "coalesce(sp.transport, 1)"),
        COL_NUM(struct phone_security, sec.encrypted_config, "coalesce(sp.encrypted_config, 0)"),
        COL_END,
    };
    static const char from[] =
        "FROM phones p JOIN phone_models m ON m.name = p.model "
        "LEFT JOIN phone_security_profiles sp ON sp.id = p.phone_security_profile_id "
        "WHERE p.name = ?";
    return db_select_get(s, cols, from, DB_ARGS(BIND_TEXT(name)), out, sizeof *out);
}

enum store_status store_phone_security_by_id(struct store *s, int64_t id,
                                             struct phone_security *out, char name[16])
{
    static const struct db_col cols[] = { COL_ITEM_TEXT(16, "name"), COL_END };
    enum store_status ss = db_select_get(s, cols, "FROM phones WHERE id = ?",
                                         DB_ARGS(BIND_INT(id)), name, 16);
    return ss == STORE_OK ? store_phone_security(s, name, out) : ss;
}

enum store_status store_phone_set_certificate(struct store *s, int64_t id, const char *pem,
                                              int kind, const char *issuer, const char *expires)
{
    static const char sql[] =
        "UPDATE phones SET certificate_pem = ?, certificate_kind = ?, certificate_issuer = ?, "
        "certificate_expires = ? WHERE id = ?";
    return db_change(s, db_prepare(s, sql),
                     DB_ARGS(BIND_TEXT(pem), BIND_INT(kind), BIND_TEXT(issuer),
                             BIND_TEXT(expires), BIND_INT(id)));
}

/* ------------------------------------------------------------- readiness */

/* By the address each phone last fetched its own file from, as CUCM's ITL
 * status does: the trust list request names no device. */
enum store_status store_trust_readiness(struct store *s, const char *stamp,
                                        struct trust_ready **out, size_t *n)
{
    static const struct db_col cols[] = {
        COL_TEXT(struct trust_ready, name, "a.name"),
        COL_TEXT(struct trust_ready, address, "coalesce(a.addr, '')"),
        COL_NUM(struct trust_ready, fetched_current,
                "EXISTS (SELECT 1 FROM fetch_log i WHERE i.client_addr = a.addr "
                "        AND i.version_stamp LIKE 'itl:%' AND i.version_stamp = ?1 "
                "        AND i.result = 'ok')"),
        COL_NUM(struct trust_ready, last_trust_fetch_ms,
                "coalesce((SELECT max(i.at_ms) FROM fetch_log i WHERE i.client_addr = a.addr "
                "        AND i.version_stamp LIKE 'itl:%' AND i.result = 'ok'), 0)"),
        COL_END,
    };
    static const char from[] =
        "FROM (SELECT p.name, (SELECT f.client_addr FROM fetch_log f WHERE f.device = p.name "
        "      AND f.result = 'ok' ORDER BY f.at_ms DESC LIMIT 1) AS addr FROM phones p) a "
        "ORDER BY a.name";
    struct rows r = ROWS_GROW(struct trust_ready);
    enum store_status ss = db_select_list(s, cols, from, DB_ARGS(BIND_TEXT(stamp)), &r);
    if (ss != STORE_OK) {
        free(r.items);
        return ss;
    }
    *out = r.items;
    *n = r.n;
    return STORE_OK;
}

static bool read_name(void *ctx, const struct db_row *row)
{
    struct rows *r = ctx;
    char (*slot)[16] = rows_add(r);
    if (slot != NULL)
        snprintf(*slot, sizeof *slot, "%s", db_col_text(row, 0));
    return true;
}

/* Phones that took a plain file and never a signed one nor a trust list:
 * they run without trust, and will refuse a later unsigned file if they
 * pick up a list from elsewhere. */
size_t store_phones_unsigned_only(struct store *s, char (*names)[16], size_t max)
{
    static const char sql[] =
        "SELECT p.name FROM phones p WHERE "
        "EXISTS (SELECT 1 FROM fetch_log f WHERE f.device = p.name AND f.result = 'ok' "
        "        AND f.filename NOT LIKE '%.sgn') "
        "AND NOT EXISTS (SELECT 1 FROM fetch_log f WHERE f.device = p.name AND f.result = 'ok' "
        "        AND f.filename LIKE '%.sgn') "
        "AND NOT EXISTS (SELECT 1 FROM fetch_log f JOIN fetch_log i ON i.client_addr = "
        "        f.client_addr AND i.version_stamp LIKE 'itl:%' AND i.result = 'ok' "
        "        WHERE f.device = p.name) "
        "ORDER BY p.name";
    struct rows r = ROWS_FIXED(names, max);
    if (db_run(s, db_prepare(s, sql), DB_NOARGS, read_name, &r) != STORE_OK)
        return 0;
    return r.n;
}

/* ------------------------------------------------------ encrypted configs */

struct encrypted_walk {
    void (*fn)(void *ctx, const char *name, const char *cert_pem);
    void *ctx;
};

static bool read_encrypted(void *ctx, const struct db_row *row)
{
    struct encrypted_walk *w = ctx;
    w->fn(w->ctx, db_col_text(row, 0), db_col_text(row, 1));
    return true;
}

enum store_status store_each_encrypted_phone(struct store *s,
                                             void (*fn)(void *ctx, const char *name,
                                                        const char *cert_pem),
                                             void *ctx)
{
    static const char sql[] =
        "SELECT p.name, coalesce(p.certificate_pem, '') FROM phones p "
        "JOIN phone_security_profiles sp ON sp.id = p.phone_security_profile_id "
        "WHERE sp.encrypted_config <> 0 ORDER BY p.name";
    struct encrypted_walk w = { fn, ctx };
    return db_run(s, db_prepare(s, sql), DB_NOARGS, read_encrypted, &w);
}
