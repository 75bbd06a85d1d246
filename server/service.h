/* service.h - every admin operation in one place.
 *
 * REST, web pages and the CLI call these; none of them touches the store.
 * Each write validates, runs in one transaction, and then evicts exactly the
 * rendered files that depend on what changed.  Refusals come back as a
 * problem (status, detail, field errors); a refused write changes nothing. */
#ifndef UCPROV_SERVICE_H
#define UCPROV_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cache.h"
#include "model.h"
#include "problem.h"
#include "store.h"

struct service;   /* opaque */

/* Who is acting: an admin, or the local CLI. */
struct actor {
    int64_t admin_id;     /* 0 for the CLI */
    char name[64];
};

/* Open the database (creating and migrating it) and the render cache. */
struct service *service_open(const char *db_path, char *err, size_t errlen);
void service_close(struct service *sv);

/* --- admin objects: kinds other than ENT_CERTIFICATE ---
 * patch holds the fields the caller gave (value.set); create fills in defaults,
 * update keeps what the patch does not name.  0 on success, else p is set. */
int service_create(struct service *sv, const struct actor *who, struct record *patch,
                   int64_t *id, struct problem *p);
int service_update(struct service *sv, const struct actor *who, enum entity_kind kind,
                   int64_t id, struct record *patch, struct problem *p);
int service_delete(struct service *sv, const struct actor *who, enum entity_kind kind,
                   int64_t id, struct problem *p);
int service_get(struct service *sv, enum entity_kind kind, int64_t id, struct record *out,
                struct problem *p);
int service_list(struct service *sv, enum entity_kind kind, const struct list_query *q,
                 struct record **items, size_t *n, int64_t *total, struct problem *p);
/* Id of the object called name, for CSV and the CLI; 0 on success. */
int service_lookup_name(struct service *sv, enum entity_kind kind, const char *name, int64_t *id);

/* --- trust certificates --- */
int service_cert_add(struct service *sv, const struct actor *who, const char *trust_store,
                     const void *bytes, size_t len, int64_t *id, struct problem *p);
int service_cert_get(struct service *sv, int64_t id, struct cert_row *out, struct problem *p);
int service_cert_list(struct service *sv, const struct list_query *q, const char *trust_store,
                      struct cert_row **rows, size_t *n, int64_t *total, struct problem *p);
int service_cert_set_trust_store(struct service *sv, const struct actor *who, int64_t id,
                                 const char *trust_store, struct problem *p);
int service_cert_delete(struct service *sv, const struct actor *who, int64_t id,
                        struct problem *p);

/* --- config files --- */
#define XMLDEFAULT_NAME "XMLDefault.cnf.xml"
/* A device name's rendered SEP<MAC>.cnf.xml, or XMLDEFAULT_NAME; NULL when the
 * device is unknown.  The caller owns a reference: cache_blob_unref() it. */
struct cache_blob *service_render(struct service *sv, const char *name);
/* The rendered file of the phone with this id. */
struct cache_blob *service_phone_config(struct service *sv, int64_t phone_id, struct problem *p);
void service_cache_stats(struct service *sv, struct cache_stats *out);
/* Calls fn for each phone's device name. */
int service_each_phone(struct service *sv, void (*fn)(void *ctx, const char *name), void *ctx);

/* --- fetch log --- */
/* Append records (the fetch log writer thread); prunes past the retention cap. */
int service_fetch_log_append(struct service *sv, const struct fetch_record *recs, size_t n);
/* Newest first.  device may be NULL; since_ms 0 means all. */
int service_fetch_log_query(struct service *sv, const char *device, int64_t since_ms,
                            int64_t limit, struct fetch_record **out, size_t *n,
                            struct problem *p);

/* --- admins and tokens --- */
int service_admin_add(struct service *sv, const char *name, const char *password,
                      struct problem *p);
int service_admin_set_password(struct service *sv, const char *name, const char *password,
                               struct problem *p);
int64_t service_admin_count(struct service *sv);
/* A new API token for an admin, shown once; only its hash is kept. */
int service_token_create(struct service *sv, const char *admin_name, char *token, size_t len,
                         struct problem *p);
/* Check HTTP Basic credentials or a bearer token; true and who filled when valid. */
bool service_auth_password(struct service *sv, const char *name, const char *password,
                           struct actor *who);
bool service_auth_token(struct service *sv, const char *token, struct actor *who);

/* Load the lab of the background doc (one ASA gateway, its certificate, profile,
 * group, common phone profile and a few 8861 phones); idempotent. */
int service_load_demo(struct service *sv, struct problem *p);

#endif
