/* sessions.c - web admin sessions and the login form's tokens, kept in the
 * database so that every node over one database knows them (issue 14): a
 * login on node A holds on node B, a logout on B ends it on A.
 *
 * What needs a secret takes it from the site key, the key file every node
 * already holds to open the phones' sealed secrets (secretbox.h): HKDF-SHA256
 * of it, under a label per use, gives the HMAC key of the login form's
 * tokens and the one of each session's form token.  Derived, not made: no
 * secret of its own to store, seal, race to create at first start or leave
 * in a backup, and no node can disagree with the others about it.
 *
 * The database holds a session's SHA-256 (the cookie value never), its admin
 * and the admin's stamp at login; the form token is the HMAC of the cookie
 * value, so neither the database nor a backup yields one. */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

#include "auth.h"
#include "hex.h"
#include "limits.h"
#include "log.h"
#include "service/internal.h"

#define TOKEN_LEN SERVICE_SESSION_TOKEN_LEN
#define NONCE_LEN 12
#define MAC_LEN   16
#define LOGIN_RAW (4 + NONCE_LEN + MAC_LEN)   /* time | nonce | MAC: TOKEN_LEN hex */

/* The labels keys are derived under; a new label is a new key. */
#define LABEL_LOGIN "ucprov web login form token v1"
#define LABEL_FORM  "ucprov web session form token v1"

static bool site_subkey(const struct service *sv, const char *label,
                        unsigned char key[SESSION_KEY_LEN]);
static bool from_hex(const char *text, unsigned char *raw, size_t n);
static void sha256_hex(const char *text, char out[TOKEN_LEN + 1]);
static bool form_token(const struct service *sv, const char *id, char out[TOKEN_LEN + 1]);
static bool expired(const struct session_row *row, time_t now);
static void end_by_hash(struct store *s, const char *id_hash);
static bool login_mac(const struct service *sv, const unsigned char *msg,
                      unsigned char mac[MAC_LEN]);
static int login_token_check(struct service *sv, const char *token, time_t now, bool spend);

/* ------------------------------------------------------------- the helpers */

static bool site_subkey(const struct service *sv, const char *label,
                        unsigned char key[SESSION_KEY_LEN])
{
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
    EVP_KDF_CTX *ctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SHA256", 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)sv->secret_key,
                                          sizeof sv->secret_key),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)label, strlen(label)),
        OSSL_PARAM_construct_end(),
    };
    bool ok = ctx != NULL && EVP_KDF_derive(ctx, key, SESSION_KEY_LEN, params) == 1;
    EVP_KDF_CTX_free(ctx);
    EVP_KDF_free(kdf);
    return ok;
}

/* Derived once, when the site key is loaded: every page would otherwise
 * fetch the KDF again to check the same key. */
int svc_session_keys(struct service *sv, char *err, size_t errlen)
{
    if (site_subkey(sv, LABEL_FORM, sv->form_key) && site_subkey(sv, LABEL_LOGIN, sv->login_key))
        return 0;
    snprintf(err, errlen, "cannot derive the web sessions' keys (HKDF)");
    return -1;
}

/* Exactly 2n lowercase hex digits, as this file writes them. */
static bool from_hex(const char *text, unsigned char *raw, size_t n)
{
    return text != NULL && strlen(text) == 2 * n && strspn(text, "0123456789abcdef") == 2 * n &&
           hex_decode(text, n, raw);
}

static void sha256_hex(const char *text, char out[TOKEN_LEN + 1])
{
    unsigned char digest[32];
    EVP_Digest(text, strlen(text), digest, NULL, EVP_sha256(), NULL);
    hex_encode(digest, sizeof digest, out);
}

/* The token every form of the session carries: an HMAC of its cookie value
 * under the site's form key, the same on every node. */
static bool form_token(const struct service *sv, const char *id, char out[TOKEN_LEN + 1])
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    bool ok = HMAC(EVP_sha256(), sv->form_key, sizeof sv->form_key, (const unsigned char *)id,
                   strlen(id), mac, &n) != NULL;
    if (ok)
        hex_encode(mac, 32, out);
    return ok;
}

static bool expired(const struct session_row *row, time_t now)
{
    return now - row->last_used > UCPROV_SESSION_IDLE_S ||
           now - row->created_at > UCPROV_SESSION_MAX_AGE_S;
}

/* ---------------------------------------------------------------- sessions */

int service_session_start(struct service *sv, const struct actor *who, time_t now,
                          char id[SERVICE_SESSION_TOKEN_LEN + 1])
{
    struct store *s = svc_conn(sv);
    unsigned char raw[TOKEN_LEN / 2];
    char id_hash[TOKEN_LEN + 1], hash[AUTH_HASH_TEXT_MAX], stamp[TOKEN_LEN + 1];
    if (s == NULL || RAND_bytes(raw, sizeof raw) != 1)
        return -1;
    hex_encode(raw, sizeof raw, id);
    OPENSSL_cleanse(raw, sizeof raw);
    sha256_hex(id, id_hash);
    if (store_begin_write(s) != STORE_OK)
        return -1;
    /* The stamp is read in the transaction that writes the session: a
     * password changed a moment before is the one it is bound to. */
    bool ok = store_admin_hash(s, who->admin_id, hash, sizeof hash) == STORE_OK;
    if (ok)
        sha256_hex(hash, stamp);
    OPENSSL_cleanse(hash, sizeof hash);
    ok = ok &&
         store_sessions_expire(s, now - UCPROV_SESSION_IDLE_S,
                               now - UCPROV_SESSION_MAX_AGE_S) == STORE_OK &&
         store_sessions_bound(s, UCPROV_SESSIONS_MAX - 1) >= 0 &&
         store_session_insert(s, id_hash, who->admin_id, stamp, now) == STORE_OK;
    if (!ok || store_commit(s) != STORE_OK) {
        store_rollback(s);
        OPENSSL_cleanse(id, TOKEN_LEN + 1);
        return -1;
    }
    return 0;
}

/* The row goes, so the session is over on every node (gone already is fine). */
static void end_by_hash(struct store *s, const char *id_hash)
{
    enum store_status ss = store_session_delete(s, id_hash);
    if (ss != STORE_OK && ss != STORE_NOT_FOUND)
        log_warn("a web session could not be ended: the database did not take the delete");
}

int service_session_find(struct service *sv, const char *id, time_t now,
                         struct session_info *out)
{
    unsigned char raw[TOKEN_LEN / 2];
    if (!from_hex(id, raw, sizeof raw))
        return 0;   /* not a cookie this server made: no query for it */
    struct store *s = svc_conn(sv);
    char id_hash[TOKEN_LEN + 1], stamp[TOKEN_LEN + 1];
    struct session_row row;
    sha256_hex(id, id_hash);
    enum store_status ss = s ? store_session_get(s, id_hash, &row) : STORE_ERROR;
    if (ss != STORE_OK)
        return ss == STORE_NOT_FOUND ? 0 : -1;
    sha256_hex(row.password_hash, stamp);
    OPENSSL_cleanse(row.password_hash, sizeof row.password_hash);
    bool changed = CRYPTO_memcmp(stamp, row.stamp, TOKEN_LEN) != 0;
    if (changed || expired(&row, now)) {
        if (changed)
            log_info("web session of %s ended: the password changed since the login",
                     row.admin);
        end_by_hash(s, id_hash);
        return 0;
    }
    if (!form_token(sv, id, out->csrf))
        return -1;
    /* A page is a read: the last use is written once a minute at most. */
    if (now - row.last_used >= UCPROV_SESSION_TOUCH_S)
        (void)store_session_touch(s, id_hash, now, now - UCPROV_SESSION_TOUCH_S);
    out->who.admin_id = row.admin_id;
    snprintf(out->who.name, sizeof out->who.name, "%s", row.admin);
    return 1;
}

void service_session_end(struct service *sv, const char *id)
{
    unsigned char raw[TOKEN_LEN / 2];
    struct store *s = svc_conn(sv);
    char id_hash[TOKEN_LEN + 1];
    if (s == NULL || !from_hex(id, raw, sizeof raw))
        return;
    sha256_hex(id, id_hash);
    end_by_hash(s, id_hash);
}

/* ------------------------------------------------------- login form tokens */

/* time (4 bytes) | nonce | HMAC-SHA256(login key, time | nonce) cut to 16
 * bytes, as 64 hex digits: any node of the site makes and checks one, and
 * each opens one login, on whichever node it is posted to. */
static bool login_mac(const struct service *sv, const unsigned char *msg,
                      unsigned char mac[MAC_LEN])
{
    unsigned char full[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    bool ok = HMAC(EVP_sha256(), sv->login_key, sizeof sv->login_key, msg, 4 + NONCE_LEN, full,
                   &n) != NULL;
    if (ok)
        memcpy(mac, full, MAC_LEN);
    return ok;
}

int service_login_token_new(struct service *sv, time_t now,
                            char out[SERVICE_SESSION_TOKEN_LEN + 1])
{
    unsigned char raw[LOGIN_RAW];
    uint32_t t = (uint32_t)now;
    raw[0] = (unsigned char)(t >> 24);
    raw[1] = (unsigned char)(t >> 16);
    raw[2] = (unsigned char)(t >> 8);
    raw[3] = (unsigned char)t;
    if (RAND_bytes(raw + 4, NONCE_LEN) != 1 || !login_mac(sv, raw, raw + 4 + NONCE_LEN))
        return -1;
    hex_encode(raw, sizeof raw, out);
    return 0;
}

/* 1 when token was made by this site, is fresh and unspent (and, with spend,
 * is spent now); 0 when not; -1 when the database did not answer. */
static int login_token_check(struct service *sv, const char *token, time_t now, bool spend)
{
    unsigned char raw[LOGIN_RAW], mac[MAC_LEN];
    if (!from_hex(token, raw, sizeof raw) || !login_mac(sv, raw, mac) ||
        CRYPTO_memcmp(mac, raw + 4 + NONCE_LEN, MAC_LEN) != 0)
        return 0;
    time_t made = (time_t)((uint32_t)raw[0] << 24 | (uint32_t)raw[1] << 16 |
                           (uint32_t)raw[2] << 8 | raw[3]);
    if (made > now + 60 || now - made > UCPROV_LOGIN_FORM_TTL_S)
        return 0;   /* (a minute's grace for the clocks of two nodes) */
    char nonce[2 * NONCE_LEN + 1];
    hex_encode(raw + 4, NONCE_LEN, nonce);
    struct store *s = svc_conn(sv);
    if (s == NULL)
        return -1;
    if (!spend) {
        enum store_status ss = store_login_spent(s, nonce);
        return ss == STORE_NOT_FOUND ? 1 : ss == STORE_OK ? 0 : -1;
    }
    /* Kept while the token could pass; a full table forgets the oldest,
     * whose tokens are near their end anyway. */
    if (store_begin_write(s) != STORE_OK)
        return -1;
    enum store_status ss = store_login_spent_prune(s, now, UCPROV_LOGIN_SPENT_MAX - 1);
    if (ss == STORE_OK)
        ss = store_login_spend(s, nonce, (int64_t)made + UCPROV_LOGIN_FORM_TTL_S + 1);
    if ((ss != STORE_OK && ss != STORE_CONFLICT) || store_commit(s) != STORE_OK) {
        store_rollback(s);
        return -1;
    }
    return ss == STORE_OK ? 1 : 0;
}

bool service_login_token_valid(struct service *sv, const char *token, time_t now)
{
    return login_token_check(sv, token, now, false) == 1;
}

int service_login_token_take(struct service *sv, const char *token, time_t now)
{
    return login_token_check(sv, token, now, true);
}
