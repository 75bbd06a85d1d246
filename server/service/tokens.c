/* tokens.c - API tokens: made, listed and revoked by the CLI, each change in
 * the audit log.  A token is "ucp_<id>_<secret>"; only the secret's PBKDF2
 * hash is kept, and the token is shown once.  A check of a token (admins.c)
 * reads its row on every request, so a revoked or expired one stops at once. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "auth.h"
#include "limits.h"
#include "log.h"
#include "service/internal.h"

static int audit_token(struct store *s, const char *action, int64_t id, const char *admin,
                       int64_t expires_at);

int service_token_create(struct service *sv, const char *admin_name, int days, char *token,
                         size_t len, struct problem *p)
{
    struct store *s = svc_conn(sv);
    if (s == NULL)
        return svc_fail_internal(p);
    if (days < 0 || days > UCPROV_TOKEN_DAYS_MAX) {
        problem_field(p, "expires", "a token expires after 1 to %d days (0: never)",
                      UCPROV_TOKEN_DAYS_MAX);
        return -1;
    }
    int64_t admin_id, token_id, now = (int64_t)time(NULL);
    int64_t expires_at = days > 0 ? now + (int64_t)days * 86400 : 0;
    char secret[64], hash[AUTH_HASH_TEXT_MAX];
    if (store_begin_write(s) != STORE_OK)
        return svc_fail_internal(p);
    if (store_admin_by_name(s, admin_name, &admin_id, hash, sizeof hash) != STORE_OK) {
        problem_set(p, 404, "there is no admin named '%s'", admin_name);
        return svc_rollback(s, -1);
    }
    if (auth_random_string(UCPROV_TOKEN_SECRET_LEN, secret, sizeof secret) != 0 ||
        auth_hash_secret(secret, hash, sizeof hash) != 0 ||
        store_token_insert(s, admin_id, hash, now, expires_at, &token_id) != STORE_OK ||
        audit_token(s, "create", token_id, admin_name, expires_at) != 0) {
        OPENSSL_cleanse(secret, sizeof secret);
        return svc_rollback(s, svc_fail_internal(p));
    }
    if (svc_commit(s, p) != 0) {
        OPENSSL_cleanse(secret, sizeof secret);
        return -1;
    }
    /* The id in front lets a check find the one hash to compare against. */
    snprintf(token, len, "ucp_%lld_%s", (long long)token_id, secret);
    OPENSSL_cleanse(secret, sizeof secret);
    log_info("API token %lld created for admin '%s'", (long long)token_id, admin_name);
    return 0;
}

int service_token_list(struct service *sv, struct token_row **out, size_t *n, struct problem *p)
{
    struct store *s = svc_conn(sv);
    if (s == NULL || store_token_list(s, out, n) != STORE_OK)
        return svc_fail_internal(p);
    return 0;
}

int service_token_revoke(struct service *sv, int64_t id, struct problem *p)
{
    struct store *s = svc_conn(sv);
    if (s == NULL || store_begin_write(s) != STORE_OK)
        return svc_fail_internal(p);
    int64_t admin_id, expires_at;
    char hash[AUTH_HASH_TEXT_MAX], admin[64] = "";
    if (store_token_get(s, id, &admin_id, hash, sizeof hash, &expires_at) != STORE_OK) {
        problem_set(p, 404, "there is no API token %lld", (long long)id);
        return svc_rollback(s, -1);
    }
    OPENSSL_cleanse(hash, sizeof hash);
    if (store_admin_name(s, admin_id, admin, sizeof admin) != STORE_OK ||
        store_token_delete(s, id) != STORE_OK ||
        audit_token(s, "delete", id, admin, expires_at) != 0)
        return svc_rollback(s, svc_fail_internal(p));
    svc_cluster_notify_auth(sv, s);
    if (svc_commit(s, p) != 0)
        return -1;
    svc_auth_cache_clear(sv);
    log_info("API token %lld of admin '%s' revoked", (long long)id, admin);
    return 0;
}

/* A token as the audit log shows it: whose, and until when; never its secret. */
static int audit_token(struct store *s, const char *action, int64_t id, const char *admin,
                       int64_t expires_at)
{
    static const struct actor cli = { 0, "cli" };
    json_t *obj = json_pack("{s:I, s:s}", "id", (json_int_t)id, "admin", admin);
    json_object_set_new(obj, "expires_at",
                        expires_at > 0 ? json_integer((json_int_t)expires_at) : json_null());
    bool create = strcmp(action, "create") == 0;
    char name[80];
    snprintf(name, sizeof name, "token %lld of %s", (long long)id, admin);
    return svc_audit(s, &cli, action, "api-tokens", id, name, create ? NULL : obj,
                     create ? obj : NULL);
}
