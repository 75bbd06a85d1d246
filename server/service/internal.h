/* internal.h - what the files of server/service/ share.
 *
 * Never included outside server/service/: front ends see service.h only.
 * A write goes: svc_conn(), store_begin_write(), svc_validate_record(), the
 * store call, svc_audit(), then svc_finish_write() (commit and evict) or
 * svc_refuse() (roll back); svc_write_status() turns a store status into the
 * problem the caller shows. */
#ifndef UCPROV_SERVICE_INTERNAL_H
#define UCPROV_SERVICE_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "cert.h"
#include "csvio.h"
#include "limits.h"
#include "secretbox.h"
#include "service/service.h"
#include "store/store.h"
#include "trust/sighdr.h"

#define AUTH_CACHE_SLOTS 256

/* A password or token checked recently (admins.c). */
struct auth_slot {
    unsigned char key[32];    /* HMAC of the credential under a per-process secret */
    unsigned char stamp[32];  /* SHA-256 of the stored hash the check passed against */
    int64_t admin_id;
    char name[64];
    time_t expires;
};

/* Every connection opened, so that service_close() can close the ones threads left. */
struct conn {
    struct conn *next;
    struct store *store;
};

#define SESSION_KEY_LEN 32   /* HMAC-SHA256 keys of the web sessions (sessions.c) */

/* The warm threads of service_warm_start() (warmer.c). */
struct warm_pass;
struct warmer {
    pthread_t tid[UCPROV_WARM_THREADS_MAX];
    unsigned threads;         /* tid[0] leads each pass, the others help */
    pthread_mutex_t lock;
    pthread_cond_t kick_cond; /* the leader: a kick, or stopping */
    pthread_cond_t pass_cond; /* the helpers: a pass to share, or stopping */
    pthread_cond_t idle_cond; /* the leader: every helper is done with the pass */
    struct warm_pass *pass;   /* the pass under way, NULL between passes */
    unsigned pass_seq;        /* bumped per pass: a helper joins each once */
    unsigned busy;            /* helpers still on the pass */
    atomic_uint kicks;        /* bumped by every full eviction: start a new pass */
    atomic_bool stopping;
    atomic_bool running;      /* set once the lock exists: kicks come from request threads */
    atomic_uint_least64_t signatures;   /* .sgn files the passes made */
};

/* Cache coherence between nodes over one shared database (cluster.c). */
struct cluster {
    char node[17];            /* this process's id in the notifications it sends */
    bool shared;              /* the database is one other nodes may use */
    pthread_t tid;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool first_done;          /* the listener's first LISTEN was tried */
    atomic_bool gave_up;      /* start stopped waiting for it: its LISTEN evicts all */
    atomic_bool running, stopping, listening;
    atomic_uint_fast64_t received;   /* notifications from other nodes */
};

struct service {
    struct warmer warm;
    struct cluster cluster;
    char *db_path;
    pthread_key_t conn_key;
    pthread_mutex_t conns_lock;
    struct conn *conns;
    struct cache *cache;
    struct render_templates *templates;
    pthread_mutex_t auth_lock;
    unsigned char auth_secret[32];
    struct auth_slot auth_cache[AUTH_CACHE_SLOTS];
    unsigned fetch_batches;   /* only the fetch log writer touches it */
    struct trust_service *trust;   /* trust.c (issue 13) */
    unsigned char secret_key[SECRETBOX_KEY_LEN];   /* seals FT_SECRET fields at rest */
    unsigned char form_key[SESSION_KEY_LEN];       /* sessions.c: from secret_key (HKDF) */
    unsigned char login_key[SESSION_KEY_LEN];
    char key_path[4096];
};

/* lifecycle.c: the calling thread's connection, opened on first use; NULL
 * (logged) when the database cannot be opened. */
struct store *svc_conn(struct service *sv);

/* txn.c: the end of every write. */
/* Set p to a 500 that names no detail of the failure (503 while the
 * database is unreachable); returns -1. */
int svc_fail_internal(struct problem *p);
/* Roll back and drop affected; returns rc. */
int svc_refuse(struct store *s, struct name_list *affected, int rc);
/* The same for a write no rendered file depends on (admins, tokens). */
int svc_rollback(struct store *s, int rc);
int svc_commit(struct store *s, struct problem *p);
/* Commit, then evict affected; 0, or -1 with p set (and rolled back). */
int svc_finish_write(struct service *sv, struct store *s, struct name_list *affected,
                     struct problem *p);
/* 0 for STORE_OK; else p set from ss about r (409, 404, 400, 500), rolled back, -1. */
int svc_write_status(struct store *s, struct name_list *affected, enum store_status ss,
                     const struct record *r, struct problem *p);

/* audit.c: record a change in the audit log, inside the change's transaction.
 * Takes ownership of before and after (JSON objects as the REST API shows them). */
int svc_audit(struct store *s, const struct actor *who, const char *action,
              const char *collection, int64_t id, const char *name, json_t *before,
              json_t *after);

/* validate.c: refusals are added to p as field errors. */
/* Text as every text field takes it: UTF-8, required, length in characters, no controls. */
void svc_validate_text(const struct field_def *f, const char *s, struct problem *p);
/* How many bytes of s, at most max, a message may quote: whole characters
 * only, stopping before any byte that is not UTF-8, so the message stays
 * text JSON and XML accept. */
int svc_echo_len(const char *s, int max);
#define SVC_ECHO_MAX 120   /* bytes of a given text quoted back in a message */
/* Every field of r against its definition; normalises a device name in place. */
void svc_validate_record(struct store *s, struct record *r, struct problem *p);
/* A DNS name, an IPv4 address or a bare IPv6 address, as FT_HOST takes it. */
bool svc_host_valid(const char *s);
/* callctl.c: call control's checks (issue 12).  A Date/Time Group's NTP
 * hosts; a phone's lines (sorted by button when valid); the rules of r's kind
 * beyond its field table. */
void svc_validate_hostlist(const struct field_def *f, const char *hosts, struct problem *p);
void svc_validate_lines(struct store *s, const struct field_def *f, struct value *v,
                        struct problem *p);
void svc_validate_callctl(const struct record *r, struct problem *p);
/* Digits, '*', '#' and a leading '+': what a phone dials (not empty). */
bool svc_dialable(const char *s);

/* bulk_cc.c: the phones CSV's call control columns, "device_pool" and
 * "DN n"/"Label n" for button n. */
struct cc_pool_ref {
    char name[4 * 50 + 1];
    int64_t id;               /* -1: no such pool */
};
struct cc_columns {
    int pool;                                  /* position in the file, -1: absent */
    int dn[VIEW_MAX_LINES], label[VIEW_MAX_LINES];   /* by button - 1 */
    struct cc_pool_ref *pools;
    size_t n_pools;
};
struct cc_refusal {
    char column[16];
    char message[256];
};
void cc_columns_init(struct cc_columns *c);
void cc_columns_free(struct cc_columns *c);
/* A header cell at pos: 1 when it is one of these columns, -1 when named
 * twice, 0 when it is not one of them. */
int cc_column(struct cc_columns *c, const char *name, int pos);
/* True, with msg, when the header's columns do not go together. */
bool cc_header_problem(const struct cc_columns *c, char *msg, size_t len);
/* One row's pool (0 for none) and lines (up to VIEW_MAX_LINES, numbers
 * created as needed); false with r set at the first bad cell. */
bool cc_row(struct cc_columns *c, struct store *s, const struct csv_record *rec,
            int64_t *pool_id, struct line_appearance *lines, size_t *n, struct cc_refusal *r);

struct cc_export {
    bool pools;
    int64_t max_button;
    char names[VIEW_MAX_LINES][2][16];
    char scratch[VIEW_MAX_LINES * 256];
};
int cc_export_init(struct cc_export *x, struct store *s);
/* The header cells and a row's cells after the four phone columns; returns
 * how many were set (0 for a site without call control). */
size_t cc_export_header(struct cc_export *x, const char **fields);
size_t cc_export_row(struct cc_export *x, const struct phone_row *row, const char **fields);
/* Rules that span objects, checked after the write inside its transaction. */
void svc_check_after_write(struct store *s, const struct record *r, struct problem *p);

/* objects.c */
/* r's name field, "" when it has none. */
const char *svc_record_name(const struct record *r);
/* A 409 listing the objects that still use kind id (called what in the detail). */
void svc_refuse_in_use(struct store *s, enum entity_kind kind, int64_t id, const char *what,
                       struct problem *p);

/* certs.c: a certificate as the audit log shows it (no key, no DER). */
json_t *svc_cert_summary(int64_t id, const char *trust_store, const struct cert_info *ci);

/* configs.c: the render cache. */
/* Render name from the database into the cache; NULL when it cannot be. */
struct cache_blob *svc_render_into_cache(struct service *sv, const char *name);
/* Evict the phones a write affected (all of them when affected->all); frees it. */
void svc_evict(struct service *sv, struct name_list *affected);
/* Evict these phones' files; many of them ask the warmer for a pass. */
void svc_evict_names(struct service *sv, const char (*names)[16], size_t n);
/* Everything goes, and the warmer fills the cache again. */
void svc_evict_all(struct service *sv);
/* warmer.c: ask for a new pass (it signs again what a rotation made stale). */
void svc_warm_kick(struct service *sv);
/* Stop and join the warm threads, if they run. */
void svc_warm_stop(struct service *sv);
/* Stop and join whatever warm threads were started. */
void svc_warm_stop_threads(struct service *sv);

/* sessions.c: derive the web sessions' keys from the site key, once it is loaded. */
int svc_session_keys(struct service *sv, char *err, size_t errlen);

/* secrets.c: the database files private, the key that seals FT_SECRET fields. */
/* -1 with the reason when the key file does not open the database's sealed keys. */
int svc_key_check(struct service *sv, struct store *s, char *err, size_t errlen);
int svc_private_files(const char *db_path, char *err, size_t errlen);
int svc_load_key(struct service *sv, const char *db_path, char *err, size_t errlen);
/* Seal rec's FT_SECRET values in place (sealed ones are left); 0 or -1. */
int svc_seal_record(struct service *sv, struct record *rec);
/* Open rec's sealed FT_SECRET values in place; -1 (logged) when one does not open. */
int svc_reveal_record(struct service *sv, struct record *rec);
/* Open a sealed text in a view's buffer in place ("" and logged when it does not). */
void svc_reveal_text(struct service *sv, char *buf, size_t len, const char *what);
/* Every secret of a phone's view (phone, SSH and line passwords), opened in place. */
void svc_reveal_view(struct service *sv, struct device_view *v);
/* Seal every FT_SECRET value still stored in clear, in one transaction. */
int svc_seal_existing(struct service *sv, struct store *s);

/* cluster.c: tell the other nodes over a shared database what a write
 * affected; inside the write's transaction (delivered at its commit), and a
 * no-op over SQLite. */
void svc_cluster_notify(struct service *sv, struct store *s, const struct name_list *affected);
void svc_cluster_notify_names(struct service *sv, struct store *s, const char (*names)[16],
                              size_t n, bool all);
/* Every rendered file (a restore, a phone model's load). */
void svc_cluster_notify_all(struct service *sv, struct store *s);
/* Every credential checked so far (a password changed). */
void svc_cluster_notify_auth(struct service *sv, struct store *s);
/* Both, from no service: a site copied in under the nodes (service_copy_site). */
void svc_cluster_announce_site(struct store *s);
/* The node id and locks (service_open); free them (service_close). */
void svc_cluster_init(struct service *sv);
void svc_cluster_free(struct service *sv);
/* The listener thread, over a shared database only; start waits (a few
 * seconds at most) for its first LISTEN.  0, or -1 when no thread starts. */
int svc_cluster_start(struct service *sv);
void svc_cluster_stop(struct service *sv);

/* trust.c: the keys and lists now served (issue 13). */
struct trust_set;
int svc_trust_init(struct service *sv);
void svc_trust_free(struct service *sv);
/* The set now served, with a reference; the database's generation is looked
 * at once a second at most (a rotation by the CLI).  NULL when unusable. */
struct trust_set *svc_trust_current(struct service *sv);
void svc_trust_unref(struct trust_set *t);
int64_t svc_trust_generation(const struct trust_set *t);
/* Its TFTP signer (SHA-512, now), and the list blobs. */
void svc_trust_tftp_signer(const struct trust_set *t, struct trust_signer *out);
void svc_trust_itl_signer(const struct trust_set *t, struct trust_signer *out);
struct cache_blob *svc_trust_blob(struct trust_set *t, bool ctl);
struct trust_key;
const struct trust_key *svc_trust_key(const struct trust_set *t, enum trust_role role);
/* A new key and self-signed certificate for role, as PEM; 0 or -1 (logged). */
int svc_trust_make_key(enum trust_role role, char **cert_pem, char **key_pem);
/* Store role's new key and certificate, the private key sealed (secretbox.h). */
enum store_status svc_trust_put_key(struct service *sv, struct store *s, enum trust_role role,
                                   const char *cert_pem, const char *key_pem);
/* Look at the generation now and swap in the new set (after our own write). */
void svc_trust_recheck(struct service *sv);
/* trustdiag.c: the trust findings of service_diagnostics; how many added. */
size_t svc_trust_diagnose(struct service *sv, struct store *s, int expiry_days,
                          struct diagnostic *items, size_t max);
/* signed.c: the encrypted phone's stub and its .enc.sgn made at render time;
 * NULL when the phone is not encrypted (v->sec). */
struct cache_blob *svc_render_encrypted(struct service *sv, const struct phone_security *ps,
                                        const struct device_view *v, const char *full,
                                        size_t full_len, const char *version_stamp);
/* signed.c: why a phone's config cannot be encrypted for its certificate
 * (pem as stored, cert parsed from it or NULL), or NULL when it can. */
const char *svc_encryption_blocker(const char *pem, const X509 *cert);
/* signed.c: the warmer signs what it renders; true when it made a signature. */
bool svc_sign_warm(struct service *sv, struct cache_blob *b);

/* admins.c: forget every credential checked so far. */
void svc_auth_cache_clear(struct service *sv);

#endif
