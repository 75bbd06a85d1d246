/* admins.c - admin accounts, API tokens, and the check of either.
 *
 * Passwords and token secrets are kept as PBKDF2 hashes (auth.c).  A check
 * that passed is remembered for a short while under an HMAC of the
 * credential, keyed by a secret of this process, so a busy REST client does
 * not pay a PBKDF2 per request; a changed password empties that cache. */
#include <config.h>

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "auth.h"
#include "limits.h"
#include "log.h"
#include "service/internal.h"

static bool valid_admin_name(const char *name);
static bool password_acceptable(const char *password, struct problem *p);
static void credential_key(struct service *sv, const char *kind, const char *a, const char *b,
                           unsigned char key[32]);
static bool auth_cache_lookup(struct service *sv, const unsigned char key[32],
                              struct actor *who);
static void auth_cache_store(struct service *sv, const unsigned char key[32],
                             const struct actor *who);

static bool valid_admin_name(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > UCPROV_NAME_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)name[i]) && !strchr("._-@", name[i]))
            return false;
    return true;
}

/* Long enough to resist guessing, short enough to hash without a second
 * thought; either way taken whole, never cut. */
static bool password_acceptable(const char *password, struct problem *p)
{
    size_t n = strlen(password);
    if (n < UCPROV_ADMIN_PASSWORD_MIN)
        problem_field(p, "password", "the password needs at least %d characters",
                      UCPROV_ADMIN_PASSWORD_MIN);
    else if (n > SERVICE_ADMIN_PASSWORD_MAX)
        problem_field(p, "password", "the password may be at most %d bytes long (this one has "
                      "%zu)", SERVICE_ADMIN_PASSWORD_MAX, n);
    else
        return true;
    return false;
}

void svc_auth_cache_clear(struct service *sv)
{
    pthread_mutex_lock(&sv->auth_lock);
    OPENSSL_cleanse(sv->auth_cache, sizeof sv->auth_cache);
    pthread_mutex_unlock(&sv->auth_lock);
}

int service_admin_add(struct service *sv, const char *name, const char *password,
                      struct problem *p)
{
    struct store *s = svc_conn(sv);
    if (s == NULL)
        return svc_fail_internal(p);
    if (!valid_admin_name(name))
        problem_field(p, "name", "an admin name is 1 to %d letters, digits or ._-@",
                      UCPROV_NAME_MAX);
    password_acceptable(password, p);
    if (p->status)
        return -1;
    char hash[AUTH_HASH_TEXT_MAX];
    if (auth_hash_secret(password, hash, sizeof hash) != 0)
        return svc_fail_internal(p);
    int64_t id;
    enum store_status ss = store_admin_insert(s, name, hash, (int64_t)time(NULL), &id);
    if (ss == STORE_CONFLICT) {
        problem_set(p, 409, "an admin named '%s' already exists", name);
        return -1;
    }
    if (ss != STORE_OK)
        return svc_fail_internal(p);
    log_info("admin '%s' added", name);
    return 0;
}

int service_admin_set_password(struct service *sv, const char *name, const char *password,
                               struct problem *p)
{
    struct store *s = svc_conn(sv);
    if (s == NULL)
        return svc_fail_internal(p);
    if (!password_acceptable(password, p))
        return -1;
    int64_t id;
    char old[AUTH_HASH_TEXT_MAX], hash[AUTH_HASH_TEXT_MAX];
    if (store_admin_by_name(s, name, &id, old, sizeof old) != STORE_OK) {
        problem_set(p, 404, "there is no admin named '%s'", name);
        return -1;
    }
    if (auth_hash_secret(password, hash, sizeof hash) != 0 ||
        store_admin_set_password(s, id, hash) != STORE_OK)
        return svc_fail_internal(p);
    svc_auth_cache_clear(sv);
    log_info("password of admin '%s' changed", name);
    return 0;
}

int64_t service_admin_count(struct service *sv)
{
    struct store *s = svc_conn(sv);
    return s ? store_admin_count(s) : -1;
}

int service_token_create(struct service *sv, const char *admin_name, char *token, size_t len,
                         struct problem *p)
{
    struct store *s = svc_conn(sv);
    if (s == NULL)
        return svc_fail_internal(p);
    int64_t admin_id, token_id;
    char secret[64], hash[AUTH_HASH_TEXT_MAX];
    if (store_admin_by_name(s, admin_name, &admin_id, hash, sizeof hash) != STORE_OK) {
        problem_set(p, 404, "there is no admin named '%s'", admin_name);
        return -1;
    }
    if (auth_random_string(UCPROV_TOKEN_SECRET_LEN, secret, sizeof secret) != 0 ||
        auth_hash_secret(secret, hash, sizeof hash) != 0 ||
        store_token_insert(s, admin_id, hash, (int64_t)time(NULL), &token_id) != STORE_OK) {
        OPENSSL_cleanse(secret, sizeof secret);
        return svc_fail_internal(p);
    }
    /* The id in front lets a check find the one hash to compare against. */
    snprintf(token, len, "ucp_%lld_%s", (long long)token_id, secret);
    OPENSSL_cleanse(secret, sizeof secret);
    log_info("API token %lld created for admin '%s'", (long long)token_id, admin_name);
    return 0;
}

static void credential_key(struct service *sv, const char *kind, const char *a, const char *b,
                           unsigned char key[32])
{
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    EVP_MAC_CTX *ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string("digest", (char *)"SHA256", 0),
        OSSL_PARAM_construct_end(),
    };
    size_t outl = 0;
    memset(key, 0, 32);
    if (ctx && EVP_MAC_init(ctx, sv->auth_secret, sizeof sv->auth_secret, params) == 1) {
        EVP_MAC_update(ctx, (const unsigned char *)kind, strlen(kind) + 1);
        EVP_MAC_update(ctx, (const unsigned char *)a, strlen(a) + 1);
        EVP_MAC_update(ctx, (const unsigned char *)b, strlen(b) + 1);
        EVP_MAC_final(ctx, key, &outl, 32);
    }
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(mac);
}

static bool auth_cache_lookup(struct service *sv, const unsigned char key[32], struct actor *who)
{
    bool found = false;
    time_t now = time(NULL);
    pthread_mutex_lock(&sv->auth_lock);
    struct auth_slot *slot = &sv->auth_cache[key[0] % AUTH_CACHE_SLOTS];
    if (slot->expires > now && CRYPTO_memcmp(slot->key, key, 32) == 0) {
        who->admin_id = slot->admin_id;
        snprintf(who->name, sizeof who->name, "%s", slot->name);
        found = true;
    }
    pthread_mutex_unlock(&sv->auth_lock);
    return found;
}

static void auth_cache_store(struct service *sv, const unsigned char key[32],
                             const struct actor *who)
{
    pthread_mutex_lock(&sv->auth_lock);
    struct auth_slot *slot = &sv->auth_cache[key[0] % AUTH_CACHE_SLOTS];
    memcpy(slot->key, key, 32);
    slot->admin_id = who->admin_id;
    snprintf(slot->name, sizeof slot->name, "%s", who->name);
    slot->expires = time(NULL) + UCPROV_AUTH_CACHE_TTL_S;
    pthread_mutex_unlock(&sv->auth_lock);
}

bool service_auth_password(struct service *sv, const char *name, const char *password,
                           struct actor *who)
{
    unsigned char key[32];
    if (strlen(password) > SERVICE_ADMIN_PASSWORD_MAX)
        return false;   /* no admin can have it: not worth a KDF */
    credential_key(sv, "basic", name, password, key);
    if (auth_cache_lookup(sv, key, who))
        return true;
    struct store *s = svc_conn(sv);
    int64_t id;
    char hash[AUTH_HASH_TEXT_MAX];
    if (s == NULL || store_admin_by_name(s, name, &id, hash, sizeof hash) != STORE_OK) {
        /* Same cost as a real check, so a wrong name cannot be told from a wrong password. */
        auth_verify_secret(password, "pbkdf2-sha256$100000$AAAAAAAAAAAAAAAAAAAAAA==$"
                                     "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
        return false;
    }
    if (!auth_verify_secret(password, hash))
        return false;
    who->admin_id = id;
    snprintf(who->name, sizeof who->name, "%s", name);
    auth_cache_store(sv, key, who);
    return true;
}

bool service_auth_token(struct service *sv, const char *token, struct actor *who)
{
    unsigned char key[32];
    credential_key(sv, "token", token, "", key);
    if (auth_cache_lookup(sv, key, who))
        return true;
    if (strncmp(token, "ucp_", 4) != 0)
        return false;
    char *end;
    long long token_id = strtoll(token + 4, &end, 10);
    if (end == token + 4 || *end != '_' || token_id <= 0)
        return false;
    struct store *s = svc_conn(sv);
    int64_t admin_id;
    char hash[AUTH_HASH_TEXT_MAX];
    if (s == NULL || store_token_get(s, token_id, &admin_id, hash, sizeof hash) != STORE_OK)
        return false;
    if (!auth_verify_secret(end + 1, hash))
        return false;
    who->admin_id = admin_id;
    if (store_admin_name(s, admin_id, who->name, sizeof who->name) != STORE_OK)
        return false;
    auth_cache_store(sv, key, who);
    return true;
}
