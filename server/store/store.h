/* store.h - the storage layer: the only code that speaks SQL.
 *
 * One struct store is one database connection, used by one thread at a time.
 * Everything above this header sees records and views, never a statement, so
 * another backend (PostgreSQL for multi-node sites) can sit behind it: a
 * driver (driver.h) chosen by store_open.  Where each query lives: db.c
 * (connection, migrations, transactions, backup), records.c (admin objects),
 * certs.c, views.c (render inputs, affected phones, rollover, diagnostics,
 * fleet, freshness), phones.c (bulk phones, model catalogue), logs.c (fetch
 * and audit logs), admins.c (admins and tokens), sessions.c (web sessions). */
#ifndef UCPROV_STORE_H
#define UCPROV_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cert.h"
#include "model.h"

struct store;   /* opaque */

enum store_status {
    STORE_OK = 0,
    STORE_NOT_FOUND,
    STORE_CONFLICT,   /* a UNIQUE constraint: duplicate name or certificate */
    STORE_IN_USE,     /* a RESTRICT foreign key: something still refers to it */
    STORE_INVALID,    /* a CHECK or reference constraint */
    STORE_ERROR,      /* I/O or internal error; details go to the log */
};

/* Open and configure a connection to path: an SQLite file, created if needed
 * (WAL, foreign keys, busy timeout), or PostgreSQL: a postgresql:// (or
 * postgres://) URI, or "postgres:" followed by a conninfo or nothing (the
 * PG* environment variables). */
struct store *store_open(const char *path, char *err, size_t errlen);
void store_close(struct store *s);
/* Apply the embedded migrations past the schema version, all in one transaction. */
int store_migrate(struct store *s, char *err, size_t errlen);
/* Schema version in the file, and the newest this build knows. */
int store_schema_version(struct store *s);
int store_schema_latest(void);
/* The newest of one driver's migrations ("sqlite", "postgresql"); -1 if unknown. */
int store_schema_latest_of(const char *driver);
/* "sqlite" or "postgresql". */
const char *store_driver_name(struct store *s);

/* --- several nodes over one database (PostgreSQL; SQLite has one user) --- */
/* Whether other processes may share the database and hear notifications. */
bool store_shared(struct store *s);
/* Tell every listener on channel, when the current transaction commits (at
 * once outside one); a no-op where nothing is shared. */
enum store_status store_notify(struct store *s, const char *channel, const char *payload);
/* This connection hears channel from now on. */
enum store_status store_listen(struct store *s, const char *channel);
/* Up to timeout_ms for notifications, fn called with each payload;
 * STORE_ERROR when the connection was lost (some may have been missed). */
enum store_status store_wait_notify(struct store *s, int timeout_ms,
                                    void (*fn)(void *ctx, const char *payload), void *ctx);
/* False while the database does not answer (a lost connection not yet made
 * again); always true for SQLite. */
bool store_reachable(void);

/* Whether target names an SQLite file (not a PostgreSQL URI or conninfo). */
bool store_target_is_file(const char *target);
/* target as the log may show it: a password in it is masked. */
void store_target_redacted(const char *target, char *out, size_t len);

/* Copy every row of from into to, in one transaction on to (all or nothing):
 * refused, with a sentence in err, unless both are at this build's schema
 * version, to holds no site yet (only what its migrations seed) and from has
 * no table this build does not know.  *rows counts the rows copied. */
int store_copy(struct store *from, struct store *to, int64_t *rows, char *err, size_t errlen);

/* Online backup into path (a consistent snapshot while writers run); 0 on success. */
int store_backup(struct store *s, const char *path, char *err, size_t errlen);
/* Replace the database's content with path's, after checking it is a sound
 * ucprov database of a known schema version; 0 on success. */
int store_restore(struct store *s, const char *path, char *err, size_t errlen);

/* Transactions: writes take the lock up front (BEGIN IMMEDIATE). */
enum store_status store_begin_write(struct store *s);
enum store_status store_commit(struct store *s);
void store_rollback(struct store *s);

/* --- admin objects (every kind but ENT_CERTIFICATE) --- */
enum store_status store_record_get(struct store *s, enum entity_kind kind, int64_t id,
                                   struct record *out);
/* Items are an array of records; free each and the array. */
enum store_status store_record_list(struct store *s, enum entity_kind kind,
                                    const struct list_query *q, struct record **items,
                                    size_t *n, int64_t *total);
enum store_status store_record_insert(struct store *s, struct record *rec);
enum store_status store_record_update(struct store *s, const struct record *rec);
enum store_status store_record_delete(struct store *s, enum entity_kind kind, int64_t id);
bool store_record_exists(struct store *s, enum entity_kind kind, int64_t id);
enum store_status store_record_id_by_name(struct store *s, enum entity_kind kind,
                                          const char *name, int64_t *id);

/* Fills up to max refs; returns how many there are in all. */
size_t store_record_users(struct store *s, enum entity_kind kind, int64_t id,
                          struct object_ref *out, size_t max);

/* --- certificates --- */
enum store_status store_cert_insert(struct store *s, const char *trust_store,
                                    const struct cert_info *ci, int64_t now, int64_t *id);
enum store_status store_cert_get(struct store *s, int64_t id, struct cert_row *out);
/* q->name filters on the common name. */
enum store_status store_cert_list(struct store *s, const struct list_query *q,
                                  const char *trust_store, struct cert_row **rows, size_t *n,
                                  int64_t *total);
enum store_status store_cert_set_trust_store(struct store *s, int64_t id, const char *trust_store);
enum store_status store_cert_delete(struct store *s, int64_t id);

/* Distinct certificates over a set of gateways: the group's certHash count. */
int64_t store_gateways_cert_count(struct store *s, const int64_t *gateway_ids, size_t n);
/* The VPN gateway whose URL is exactly url; STORE_NOT_FOUND when none is. */
enum store_status store_gateway_by_url(struct store *s, const char *url, int64_t *id);
/* Groups that contain a gateway (to re-check their certificate limit). */
size_t store_groups_of_gateway(struct store *s, int64_t gateway_id, int64_t *out, size_t max);
bool store_model_exists(struct store *s, const char *model);

/* --- what a change touches, for the render cache --- */
struct name_list {
    char (*names)[16];
    size_t n, cap;
    bool all;         /* every phone is affected */
};
/* Append the phones whose config depends on (kind, id). */
enum store_status store_affected_phones(struct store *s, enum entity_kind kind, int64_t id,
                                        struct name_list *out);
/* Append every phone's name, in name order (all set: memory ran out, the list is short). */
enum store_status store_phone_names(struct store *s, struct name_list *out);
void name_list_free(struct name_list *l);

/* --- rendering inputs --- */
enum store_status store_device_view(struct store *s, const char *name, struct device_view *out);
enum store_status store_default_view(struct store *s, struct default_view *out);
/* Calls fn for every phone name, in name order. */
enum store_status store_each_phone(struct store *s, void (*fn)(void *ctx, const char *name),
                                   void *ctx);

/* --- phones in bulk: CSV import and export --- */
struct phone_row {
    const char *name, *model, *description;
    int64_t profile_id;
    const char *profile;      /* the common phone profile's name (export) */
    int64_t pool_id;          /* the device pool, 0 for none (import) */
    const char *pool;         /* its name, "" for none (export) */
    /* The line appearances (export): "button TAB pattern TAB label", one a
     * line, in button order; "" for none.  Labels hold no control characters. */
    const char *lines;
};
/* Insert one phone through a statement prepared once per connection; meant to
 * run many times inside the caller's write transaction.  STORE_CONFLICT when
 * the name is taken. */
/* *id: the new phone's, when id is not NULL. */
enum store_status store_phone_insert(struct store *s, const struct phone_row *row, int64_t *id);
#define STORE_INSERT_BATCH 200   /* rows a store_phone_insert_many takes at most */
/* Insert n (<= STORE_INSERT_BATCH) phones without lines; taken[i] says the
 * database already had rows[i]'s name (nothing went in for it).  Over a
 * network (PostgreSQL) one statement for them all instead of n round trips. */
enum store_status store_phone_insert_many(struct store *s, const struct phone_row *rows,
                                          size_t n, bool *taken);
/* Whether any phone has a device pool, and the highest button with a line:
 * the columns an export needs (callctl.c). */
enum store_status store_phones_cc_shape(struct store *s, bool *pools, int64_t *max_button);
/* A directory number's id by its pattern, created bare when there is none
 * (bulk import, inside its transaction; callctl.c). */
enum store_status store_directory_number_ensure(struct store *s, const char *pattern,
                                                int64_t *id);
/* A new phone's line appearances (bulk import; callctl.c). */
enum store_status store_phone_lines_insert(struct store *s, int64_t phone_id,
                                           const struct line_appearance *lines, size_t n);
/* The model catalogue's names, up to max; returns how many the catalogue has. */
size_t store_model_names(struct store *s, char (*out)[64], size_t max);
/* Calls fn for every phone with its profile's name, in name order. */
enum store_status store_each_phone_row(struct store *s,
                                       void (*fn)(void *ctx, const struct phone_row *row),
                                       void *ctx);

/* --- certificate rollover --- */
/* Each certificate on the gateway, in order, with the phones whose config
 * includes the gateway and whether each fetched since the certificate was added. */
enum store_status store_gateway_rollover(struct store *s, int64_t gateway_id,
                                         struct rollover_cert **out, size_t *n);

/* --- diagnostics --- */
/* Names of the VPN profiles (or "VPN feature configuration") with Host ID Check
 * on that apply to phones using this gateway; returns how many in all. */
size_t store_gateway_host_id_sources(struct store *s, int64_t gateway_id, char (*names)[64],
                                     size_t max);
/* Phones on a common phone profile with a VPN group whose model has no VPN
 * client (only the one named only, when not NULL); returns how many in all. */
size_t store_phones_vpn_unsupported(struct store *s, const char *only, char (*names)[16],
                                    char (*models)[64], size_t max);

/* Phones counted by when they last fetched their config. */
enum store_status store_phone_freshness(struct store *s, int64_t now_ms,
                                        struct phone_freshness *out);

/* --- audit log --- */
enum store_status store_audit_append(struct store *s, const struct audit_entry *e);
/* Newest first; collection NULL for all, object_id 0 for all, since_ms 0 for all. */
enum store_status store_audit_query(struct store *s, const char *collection, int64_t object_id,
                                    int64_t since_ms, int64_t limit, struct audit_entry **out,
                                    size_t *n);

/* --- the ASA side of a VPN group --- */
/* Client authentication methods of the common phone profiles using the group. */
size_t store_group_auth_methods(struct store *s, int64_t group_id, int *methods, size_t max);
enum store_status store_group_fleet(struct store *s, int64_t group_id, struct group_fleet *out);

/* --- model catalogue --- */
enum store_status store_model_list(struct store *s, struct phone_model **out, size_t *n);
enum store_status store_model_set_load(struct store *s, int model_id, const char *load);

/* --- fetch log --- */
/* Append records in one transaction. */
enum store_status store_fetch_log_append(struct store *s, const struct fetch_record *recs,
                                         size_t n);
/* Newest first; device "" or NULL for all, since_ms 0 for all time. */
enum store_status store_fetch_log_query(struct store *s, const char *device, int64_t since_ms,
                                        int64_t limit, struct fetch_record **out, size_t *n);
/* Delete all but the newest keep rows. */
enum store_status store_fetch_log_prune(struct store *s, int64_t keep);

/* --- admin accounts and API tokens --- */
enum store_status store_admin_insert(struct store *s, const char *name, const char *password_hash,
                                     int64_t now, int64_t *id);
enum store_status store_admin_set_password(struct store *s, int64_t id, const char *password_hash);
enum store_status store_admin_by_name(struct store *s, const char *name, int64_t *id,
                                      char *hash, size_t hashlen);
enum store_status store_admin_name(struct store *s, int64_t id, char *name, size_t namelen);
int64_t store_admin_count(struct store *s);
/* The password hash of admin id. */
enum store_status store_admin_hash(struct store *s, int64_t id, char *hash, size_t hashlen);
/* An admin and (cascading) their tokens. */
enum store_status store_admin_delete(struct store *s, int64_t id);
/* expires_at 0: the token lasts until it is revoked. */
enum store_status store_token_insert(struct store *s, int64_t admin_id, const char *token_hash,
                                     int64_t now, int64_t expires_at, int64_t *id);
enum store_status store_token_get(struct store *s, int64_t id, int64_t *admin_id, char *hash,
                                  size_t hashlen, int64_t *expires_at);
enum store_status store_token_delete(struct store *s, int64_t id);
/* Revoke every token of an admin; how many went, -1 on error. */
int64_t store_tokens_delete_of(struct store *s, int64_t admin_id);
/* Every token, by id; free(*out). */
enum store_status store_token_list(struct store *s, struct token_row **out, size_t *n);

/* --- web sessions and spent login form tokens (sessions.c) ---
 * Not site data: store_copy leaves them out.  Sessions are found by the hex
 * SHA-256 of the cookie value; times are seconds since the epoch. */
struct session_row {
    int64_t admin_id;
    char admin[64];              /* the admin's name */
    char password_hash[160];     /* the admin's stored hash now, to compare stamps */
    char stamp[65];              /* hex of the admin's stamp at login */
    int64_t created_at, last_used;
};
enum store_status store_session_insert(struct store *s, const char *id_hash, int64_t admin_id,
                                       const char *stamp, int64_t now);
/* STORE_NOT_FOUND when there is no such session (or its admin is gone). */
enum store_status store_session_get(struct store *s, const char *id_hash, struct session_row *out);
/* Note a use at now, when the last one noted is not after not_after;
 * STORE_NOT_FOUND when nothing was written. */
enum store_status store_session_touch(struct store *s, const char *id_hash, int64_t now,
                                      int64_t not_after);
enum store_status store_session_delete(struct store *s, const char *id_hash);
/* Delete the sessions last used before idle_before or begun before created_before. */
enum store_status store_sessions_expire(struct store *s, int64_t idle_before,
                                        int64_t created_before);
/* Delete the sessions idle longest until at most keep remain; how many went, -1 on error. */
int64_t store_sessions_bound(struct store *s, int64_t keep);
int64_t store_sessions_count(struct store *s);
/* Every session and spent token gone (a restore). */
enum store_status store_sessions_clear(struct store *s);
/* Spend a login form token's nonce (24 hex), kept until expires_at; STORE_CONFLICT
 * when it was spent already, on any node. */
enum store_status store_login_spend(struct store *s, const char *nonce, int64_t expires_at);
/* STORE_OK when nonce was spent, STORE_NOT_FOUND when not. */
enum store_status store_login_spent(struct store *s, const char *nonce);
/* Forget the spent nonces expired at now, then the oldest past keep. */
enum store_status store_login_spent_prune(struct store *s, int64_t now, int64_t keep);

/* --- phone trust (trust.c) --- */
enum store_status store_trust_generation(struct store *s, int64_t *generation);
enum store_status store_trust_state(struct store *s, struct trust_state *out);
/* The list changed: generation + 1. */
enum store_status store_trust_bump(struct store *s, int64_t now_ms);
enum store_status store_trust_set_exported(struct store *s, int64_t now_ms);
enum store_status store_trust_set_ctl(struct store *s, bool on);
/* The live key of each role; a role without one has NULL PEMs.  Free with
 * trust_key_rows_free (it wipes the private keys). */
enum store_status store_trust_keys(struct store *s, struct trust_key_row keys[TRUST_ROLES]);
void trust_key_rows_free(struct trust_key_row keys[TRUST_ROLES]);
/* Retire the role's live key and make this one live (inside a write). */
enum store_status store_trust_key_replace(struct store *s, enum trust_role role,
                                          const char *cert_pem, const char *key_pem,
                                          int64_t now_ms);
/* Every certificate of CallManager-trust and CAPF-trust, in id order. */
enum store_status store_trust_marked_certs(struct store *s,
                                           void (*fn)(void *ctx, const char *trust_store,
                                                      const void *der, size_t len),
                                           void *ctx);
/* The phone's model, certificate and security profile; free out->cert_pem. */
enum store_status store_phone_security(struct store *s, const char *name,
                                       struct phone_security *out);
enum store_status store_phone_security_by_id(struct store *s, int64_t id,
                                             struct phone_security *out, char name[16]);
enum store_status store_phone_set_certificate(struct store *s, int64_t id, const char *pem,
                                              int kind, const char *issuer, const char *expires);
/* Every phone and whether its address fetched the list stamped stamp. */
enum store_status store_trust_readiness(struct store *s, const char *stamp,
                                        struct trust_ready **out, size_t *n);
/* Phones that fetched plain files only; returns how many in all. */
size_t store_phones_unsigned_only(struct store *s, char (*names)[16], size_t max);
/* fn for each phone whose security profile encrypts its config, with the
 * phone's certificate ("" when it has none), in name order. */
enum store_status store_each_encrypted_phone(struct store *s,
                                             void (*fn)(void *ctx, const char *name,
                                                        const char *cert_pem),
                                             void *ctx);

#endif
