/* service.h - every admin operation in one place.
 *
 * REST, web pages and the CLI call these; none of them touches the store.
 * Each write validates, runs in one transaction, and then evicts exactly the
 * rendered files that depend on what changed.  Refusals come back as a
 * problem (status, detail, field errors); a refused write changes nothing.
 * Families follow the files of server/service/: the file is named in each
 * heading.  Unless said otherwise an operation returns 0, or -1 with p set. */
#ifndef UCPROV_SERVICE_H
#define UCPROV_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "cache.h"
#include "model.h"
#include "problem.h"

struct service;   /* opaque */

/* Who is acting: an admin, or the local CLI. */
struct actor {
    int64_t admin_id;     /* 0 for the CLI */
    char name[64];
};

/* --- text (validate.c) --- */
/* Bytes (1 to 4) of the well-formed UTF-8 character s starts; 0 at the end
 * or when s starts none (an overlong form, a surrogate, past U+10FFFF). */
size_t service_utf8_char(const char *s);
/* Whether all of s is well-formed UTF-8, as every stored text must be. */
bool service_utf8_valid(const char *s);

/* --- open, close, backup, restore (lifecycle.c) --- */
/* Open the database (creating and migrating it) and the render cache. */
struct service *service_open(const char *db_path, char *err, size_t errlen);
/* Stop the cache warmer and close every connection; NULL is fine. */
void service_close(struct service *sv);
/* A consistent copy of the live database at path (temporary name, then rename). */
int service_backup(struct service *sv, const char *path, char *err, size_t errlen);
/* The key file that seals the phones' secrets: set here (--key-file) before
 * service_open, else $UCPROV_KEY_FILE, else beside an SQLite database, or in
 * the working directory for PostgreSQL.  Every node over one database needs a
 * copy of the same key. */
void service_set_key_file(const char *path);
const char *service_key_path(const struct service *sv);
/* Replace the database with a backup: refused unless path is a sound ucprov
 * database of a schema this build knows; migrated forward after.  Run it with
 * ucprovd stopped: a running daemon keeps serving what it has cached. */
int service_restore(struct service *sv, const char *path, char *err, size_t errlen);
/* Copy a whole site from one database to another (the SQLite file onto
 * PostgreSQL), all or nothing, both migrated first: refused unless the
 * target holds no site yet.  Nodes already on the target drop their caches.
 * *rows counts the rows copied; 0, or -1 with a sentence in err. */
int service_copy_site(const char *from, const char *to, int64_t *rows, char *err,
                      size_t errlen);
/* A database target as logs and messages may show it: a password masked. */
void service_database_label(const char *target, char *out, size_t len);

/* --- admin objects, every kind but ENT_CERTIFICATE (objects.c) ---
 * patch holds the fields the caller gave (value.set); create fills in defaults,
 * update keeps what the patch does not name. */
int service_create(struct service *sv, const struct actor *who, struct record *patch,
                   int64_t *id, struct problem *p);
int service_update(struct service *sv, const struct actor *who, enum entity_kind kind,
                   int64_t id, struct record *patch, struct problem *p);
/* service_update, but a VPN gateway certificate list that drops a certificate
 * before the phones hold its successor's hash is refused (409, see
 * service_rollover_check) unless rollover_confirmed: what the web and REST
 * front ends call, so the check runs in the same transaction as the write. */
int service_update_guarded(struct service *sv, const struct actor *who, enum entity_kind kind,
                           int64_t id, struct record *patch, bool rollover_confirmed,
                           struct problem *p);
/* Refused (409, naming the users) while another object uses it. */
int service_delete(struct service *sv, const struct actor *who, enum entity_kind kind,
                   int64_t id, struct problem *p);
int service_get(struct service *sv, enum entity_kind kind, int64_t id, struct record *out,
                struct problem *p);
int service_list(struct service *sv, enum entity_kind kind, const struct list_query *q,
                 struct record **items, size_t *n, int64_t *total, struct problem *p);
/* Id of the object called name, for CSV and the CLI; 0 on success. */
int service_lookup_name(struct service *sv, enum entity_kind kind, const char *name, int64_t *id);
/* The objects that use (kind, id), up to max into out; how many there are in
 * all, or -1 (p set).  A directory number's phones, a pool's, ... */
int64_t service_users(struct service *sv, enum entity_kind kind, int64_t id,
                      struct object_ref *out, size_t max, struct problem *p);

/* --- trust certificates (certs.c) --- */
int service_cert_add(struct service *sv, const struct actor *who, const char *trust_store,
                     const void *bytes, size_t len, int64_t *id, struct problem *p);
int service_cert_get(struct service *sv, int64_t id, struct cert_row *out, struct problem *p);
/* trust_store may be NULL: every store. */
int service_cert_list(struct service *sv, const struct list_query *q, const char *trust_store,
                      struct cert_row **rows, size_t *n, int64_t *total, struct problem *p);
/* Refused while a gateway uses it and it would leave Phone-VPN-trust. */
int service_cert_set_trust_store(struct service *sv, const struct actor *who, int64_t id,
                                 const char *trust_store, struct problem *p);
int service_cert_delete(struct service *sv, const struct actor *who, int64_t id,
                        struct problem *p);

/* --- certificate rollover (rollover.c) --- */
/* Readiness of each certificate on a gateway (see struct rollover_cert). */
int service_gateway_rollover(struct service *sv, int64_t gateway_id, struct rollover_cert **out,
                             size_t *n, struct problem *p);
/* 409 when the new certificate list drops a certificate while phones still lack
 * the hash of its successor; callers skip it when the admin confirms. */
int service_rollover_check(struct service *sv, int64_t gateway_id, const int64_t *new_ids,
                           size_t n_new, struct problem *p);

/* --- config files: render cache and warmer (configs.c) --- */
#define XMLDEFAULT_NAME "XMLDefault.cnf.xml"
/* A device name's rendered SEP<MAC>.cnf.xml, or XMLDEFAULT_NAME; NULL when the
 * device is unknown.  The caller owns a reference: cache_blob_unref() it. */
struct cache_blob *service_render(struct service *sv, const char *name);
/* The rendered file of the phone with this id. */
struct cache_blob *service_phone_config(struct service *sv, int64_t phone_id, struct problem *p);
void service_cache_stats(struct service *sv, struct cache_stats *out);
/* Calls fn for each phone's device name. */
int service_each_phone(struct service *sv, void (*fn)(void *ctx, const char *name), void *ctx);
/* Render every phone's config into the cache in a background thread at low
 * priority, now and after every change that empties the cache, so a boot
 * storm after a restart or a site-wide change is served from memory.  Over a
 * shared database (PostgreSQL) it first starts the thread that hears the
 * other nodes' changes (cluster.c).  threads: how many render and sign (0:
 * one per core).  The daemon calls it once; service_close() stops them. */
int service_warm_start(struct service *sv, unsigned threads);
struct warm_stats {
    unsigned threads;         /* 0 when the warmer does not run */
    uint64_t signatures;      /* .sgn files its passes made */
};
void service_warm_stats(struct service *sv, struct warm_stats *out);
/* The render cache's budget in bytes (UCPROV_CACHE_MAX_BYTES until set). */
void service_set_cache_budget(struct service *sv, size_t bytes);

/* --- several nodes over one database (cluster.c) --- */
struct cluster_status {
    bool shared;              /* PostgreSQL: other nodes may share the database */
    bool database_up;         /* it answers (always, for SQLite) */
    bool listening;           /* this node hears the others' changes */
    uint64_t notifications;   /* changes of other nodes heard so far */
};
void service_cluster_status(struct service *sv, struct cluster_status *out);
/* Whether the database answers (store_reachable): a config missing from the
 * cache fails for that reason, not because the phone is unknown. */
bool service_database_up(struct service *sv);

/* --- phones in bulk: CSV (bulk.c) ---
 * A header line naming the columns (any order; description may be left out),
 * then one phone a line, its common phone profile given by name:
 *     name,model,description,common_phone_profile
 * Each row is validated as a single create would be.  All or nothing: one
 * transaction, and any bad line refuses the whole file. */
#define IMPORT_HEADER "name,model,description,common_phone_profile"

/* Where p->errors[i] is in the file: its line (from 1) and column name. */
struct import_where {
    long line;
    char column[32];
};

struct import_result {
    size_t imported;                            /* phones written */
    struct import_where where[PROBLEM_MAX_ERRORS];
    size_t more_errors;                         /* found past the ones listed */
};

/* Told every few thousand rows (the CLI's progress line); may be NULL. */
typedef void (*import_progress_fn)(void *ctx, size_t rows, size_t bytes_done,
                                   size_t bytes_total);

/* 0 and res->imported on success.  A refusal is a 400 whose field errors read
 * "line 12, column model", each located again in res->where; nothing is
 * written.  Afterwards exactly the imported names leave the render cache. */
int service_import_phones(struct service *sv, const struct actor *who, const char *csv,
                          size_t len, import_progress_fn progress, void *progress_ctx,
                          struct import_result *res, struct problem *p);
/* Every phone in the import's format, header first, in name order, so that an
 * export imported into an empty database exports to the same bytes.
 * *out is malloc'd. */
int service_export_phones(struct service *sv, char **out, size_t *len, struct problem *p);

/* --- model catalogue (phonemodels.c) --- */
int service_model_list(struct service *sv, struct phone_model **out, size_t *n, struct problem *p);
/* Set a model's firmware load (reaches its phones and XMLDefault at once). */
int service_model_set_load(struct service *sv, const struct actor *who, int model_id,
                           const char *load, struct problem *p);

/* --- diagnostics and gateway checks (diagnose.c) --- */
enum diag_severity { DIAG_WARNING, DIAG_ERROR };

struct diagnostic {
    enum diag_severity severity;
    const char *code;              /* "certificate_expiring", "host_id_check_mismatch", ... */
    enum entity_kind kind;         /* the object it is about */
    int64_t id;                    /* 0 when only the name is known */
    char name[128];
    char message[512];
    char fix[512];
};

/* Everything that needs the admin's attention: certificates expired or expiring
 * within expiry_days, gateways whose every certificate is expired, Host ID Check
 * that cannot pass, VPN profiles on models without the VPN client.  Free *out. */
int service_diagnostics(struct service *sv, int expiry_days, struct diagnostic **out, size_t *n,
                        struct problem *p);
/* The warnings an object just saved leaves for phones (a Host ID Check that
 * cannot pass, VPN on a model without the client): the same items as
 * service_diagnostics, limited to what the save concerns.  Free *out. */
int service_save_warnings(struct service *sv, const struct record *saved,
                          struct diagnostic **out, size_t *n, struct problem *p);

struct gateway_probe;
/* Connect to each URL in the device's config and compare the certificate each
 * gateway presents with the config's hashes and the URL host.  Free *out. */
int service_verify_gateways(struct service *sv, const char *device, struct gateway_probe **out,
                            size_t *n, struct problem *p);

/* --- the ASA side of a VPN group (asaconfig.c) --- */
struct asa_request {
    const char *pool;        /* "10.10.1.1-10.10.1.254" */
    const char *mask;        /* "255.255.255.0" */
    const char *outside;     /* outside interface name */
    const char *trustpoint;  /* the ASA identity certificate's trustpoint */
    bool ciphers;            /* add ssl cipher lists without EC ciphers */
    bool dtls_test;          /* add anyconnect ssl dtls none */
};
/* Paste-ready ASA configuration for the phones of a VPN group: pool, group
 * policy, tunnel group with each gateway's group-url, and the trustpoints the
 * ASA needs to accept the phones' certificates.  *text is malloc'd.  A pool,
 * mask, outside or trustpoint the ASA cannot take is a 400 naming it; so is
 * any error p already holds. */
int service_asa_config(struct service *sv, int64_t group_id, const struct asa_request *req,
                       char **text, struct problem *p);
/* A yes/no parameter of the ASA configuration (name is "ciphers" or
 * "dtls_test"): absent or "" is false; true/false, 1/0, yes/no, on/off set
 * *on; anything else is a field error naming it, and false.  Call it before
 * service_asa_config with the same p: that refuses while p holds errors. */
bool service_asa_flag(const char *name, const char *text, bool *on, struct problem *p);

/* --- fetch log (fetches.c) --- */
/* Append records (the fetch log writer thread); prunes past the retention cap. */
int service_fetch_log_append(struct service *sv, const struct fetch_record *recs, size_t n);
/* Newest first.  device may be NULL; since_ms 0 means all. */
int service_fetch_log_query(struct service *sv, const char *device, int64_t since_ms,
                            int64_t limit, struct fetch_record **out, size_t *n,
                            struct problem *p);
/* Phones counted by when they last fetched their config (for /metrics). */
int service_phone_freshness(struct service *sv, struct phone_freshness *out, struct problem *p);

/* --- audit log (audit.c) --- */
/* Changes, newest first (see struct audit_entry); free with audit_entries_free(). */
int service_audit_query(struct service *sv, const char *collection, int64_t object_id,
                        int64_t since_ms, int64_t limit, struct audit_entry **out, size_t *n,
                        struct problem *p);
/* The current name of the object an audit entry is about, for entries
 * written without one: a record's name, a certificate's common name (its
 * subject when it has none), an admin's name (an API token: its admin's).
 * 0, or -1 when the object is gone or has no name. */
int service_object_name(struct service *sv, const char *collection, int64_t id, char *name,
                        size_t len);

/* --- admins (admins.c) and API tokens (tokens.c) ---
 * Every change is in the audit log (never a secret) and takes effect at once
 * in a running daemon: checks read the stored hash on every request, and web
 * sessions end when their admin's stamp changes. */
/* Admin passwords are taken whole, from UCPROV_ADMIN_PASSWORD_MIN (limits.h)
 * to this many bytes; a longer one is refused, never cut, so a front end
 * reading one (the CLI) needs room for one byte more to tell. */
#define SERVICE_ADMIN_PASSWORD_MAX 1024
int service_admin_add(struct service *sv, const char *name, const char *password,
                      struct problem *p);
/* A new password; the admin's API tokens are revoked with it.  How many
 * tokens went (>= 0), or -1 with p set. */
int service_admin_set_password(struct service *sv, const char *name, const char *password,
                               struct problem *p);
/* An admin and their tokens. */
int service_admin_delete(struct service *sv, const char *name, struct problem *p);
/* How many admins there are; -1 when the database cannot be read. */
int64_t service_admin_count(struct service *sv);
/* A digest of the admin's stored password hash, which changes with the
 * password: 1; 0 when the admin is gone; -1 when the database cannot be read.
 * What a web session is bound to. */
int service_admin_stamp(struct service *sv, int64_t admin_id, unsigned char stamp[32]);
/* A new API token for an admin, shown once; only its hash is kept.  days > 0:
 * it expires after so many days; 0: until it is revoked. */
int service_token_create(struct service *sv, const char *admin_name, int days, char *token,
                         size_t len, struct problem *p);
/* Every token (id, admin, created, expires); free(*out). */
int service_token_list(struct service *sv, struct token_row **out, size_t *n, struct problem *p);
int service_token_revoke(struct service *sv, int64_t id, struct problem *p);
/* Check HTTP Basic credentials or a bearer token; true and who filled when valid. */
bool service_auth_password(struct service *sv, const char *name, const char *password,
                           struct actor *who);
bool service_auth_token(struct service *sv, const char *token, struct actor *who);

/* --- web admin sessions and the login form's tokens (sessions.c) ---
 * Kept in the database, so a login on one node holds on every node over it
 * and a logout on any ends it on all.  Only the SHA-256 of a cookie value is
 * stored.  Form tokens are HMACs under keys derived from the site key (the
 * key file every node shares), so any node makes and checks them.  Callers
 * pass the time in, so the idle and age rules are testable without sleeping. */
#define SERVICE_SESSION_TOKEN_LEN 64   /* hex: cookie values and form tokens */
struct session_info {
    struct actor who;
    char csrf[SERVICE_SESSION_TOKEN_LEN + 1];   /* the token every form of the session carries */
};
/* Open a session for who, bound to the admin's password as it is now; its
 * cookie value goes to id.  Expired sessions are removed, and when
 * UCPROV_SESSIONS_MAX are live the one idle longest gives way.  0, or -1
 * (the admin is gone, the database or randomness failed). */
int service_session_start(struct service *sv, const struct actor *who, time_t now,
                          char id[SERVICE_SESSION_TOKEN_LEN + 1]);
/* The live session behind a cookie value: 1 with out filled; 0 when there is
 * none, it was idle or open too long, or the admin's password changed or the
 * admin is gone since the login (it is then ended); -1 when the database
 * does not answer.  The last use is written once a minute at most (a page is
 * a read), so an idle session may end up to a minute early. */
int service_session_find(struct service *sv, const char *id, time_t now,
                         struct session_info *out);
/* End the session on every node. */
void service_session_end(struct service *sv, const char *id);
/* A login form's token: good on any node for UCPROV_LOGIN_FORM_TTL_S, and
 * for one login; 0, or -1 without randomness. */
int service_login_token_new(struct service *sv, time_t now,
                            char out[SERVICE_SESSION_TOKEN_LEN + 1]);
/* Made by this site, fresh and unspent (to keep showing the form a browser holds). */
bool service_login_token_valid(struct service *sv, const char *token, time_t now);
/* As valid, and spend it: 1 once per token across the nodes, 0 when refused,
 * -1 when the database does not answer. */
int service_login_token_take(struct service *sv, const char *token, time_t now);

/* --- phone trust: keys, trust lists, signed files (trust.c, signed.c) ---
 * ITLRecovery signs every trust list and stays; `rotate sast` replaces the
 * SAST primary (the second SAST listed), so each new list is signed by a
 * key the previous one named.  `rotate tftp` replaces the key that signs
 * config files.  A set of keys and lists is built whole and then swapped in:
 * until then the old set is served.  Private keys never leave the service. */
#define TRUST_ITL_NAME "ITLFile.tlv"
#define TRUST_CTL_NAME "CTLFile.tlv"

/* One certificate of the trust list as the admin sees it. */
struct trust_entry {
    char role[16];              /* "SAST", "TFTP", "CCM", "CAPF" */
    char key[16];               /* "sast", "recovery", "tftp", or "" (a trust store's) */
    char subject[256], serial[80];
    int64_t not_after;          /* seconds */
    bool signs_list;            /* the key that signs ITLFile.tlv */
    char *pem;                  /* the certificate; free it */
};

/* Make the keys a database lacks (SAST, ITLRecovery, TFTP); the daemon
 * calls it at start, and every trust operation before it needs them. */
int service_trust_ensure(struct service *sv, struct problem *p);
int service_trust_state(struct service *sv, struct trust_state *out, struct problem *p);
/* The entries of the trust list now served; free with trust_entries_free. */
int service_trust_list(struct service *sv, struct trust_entry **out, size_t *n, struct problem *p);
void trust_entries_free(struct trust_entry *e, size_t n);
/* Replace the TFTP key or the SAST primary (audited as who). */
int service_trust_rotate(struct service *sv, const struct actor *who, enum trust_role role,
                         struct problem *p);
int service_trust_set_ctl(struct service *sv, const struct actor *who, bool on,
                          struct problem *p);
/* The ITLRecovery key as PKCS#12 under pass (8+ characters) into a new *out;
 * the export time is recorded (the web admin warns until then). */
int service_trust_export_recovery(struct service *sv, const struct actor *who, const char *pass,
                                  uint8_t **out, size_t *len, struct problem *p);
/* Make an exported ITLRecovery key live again (a rebuilt server, or the key
 * of the cluster the phones come from). */
int service_trust_import_recovery(struct service *sv, const struct actor *who,
                                  const uint8_t *p12, size_t len, const char *pass,
                                  struct problem *p);
/* Every phone and whether its address fetched the list now served. */
int service_trust_readiness(struct service *sv, struct trust_ready **out, size_t *n,
                            struct problem *p);
/* The phone's own certificate (public part, PEM or DER). */
int service_phone_set_certificate(struct service *sv, const struct actor *who, int64_t phone_id,
                                  const void *bytes, size_t len, struct problem *p);

/* What the provider serves (signed.c); NULL when there is no such file.
 * Each carries a reference: cache_blob_unref() it. */
/* ITLFile.tlv, ITLSEP<MAC>.tlv (device given), CTLFile.tlv (when enabled). */
struct cache_blob *service_trust_file(struct service *sv, const char *name, const char *device);
/* <name>.sgn or, encrypted, <name>.enc.sgn of a rendered file (a device
 * name or XMLDEFAULT_NAME); made once per change and kept with it. */
struct cache_blob *service_render_signed(struct service *sv, const char *name, bool encrypted);
/* <path>.sgn of a static file whose bytes the caller holds. */
struct cache_blob *service_sign_static(struct service *sv, const char *path, const void *data,
                                       size_t len, int64_t mtime_ns);

/* --- demo data (lab.c) --- */
/* Load the lab of the background doc (one ASA gateway, its certificate, profile,
 * group, common phone profile and a few 8861 phones); idempotent. */
int service_load_demo(struct service *sv, struct problem *p);

#endif
