/* session.c - web sessions in memory. */
#include <config.h>

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "limits.h"
#include "session.h"

struct session {
    bool used;
    unsigned char id_hash[32];     /* SHA-256 of the cookie value */
    struct session_info info;
    time_t created, last_seen;
};

/* A login form token already spent. */
struct spent {
    unsigned char nonce[LOGIN_NONCE_LEN];
    time_t expires;
};

struct sessions {
    pthread_mutex_t lock;
    struct session sessions[UCPROV_SESSIONS_MAX];
    unsigned char login_key[32];   /* HMAC key of the login form's tokens, per process */
    struct spent spent[UCPROV_LOGIN_SPENT_MAX];
    size_t next_spent;
};

static void to_hex(const unsigned char *raw, size_t n, char *out);

struct sessions *sessions_new(void)
{
    struct sessions *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    if (RAND_bytes(s->login_key, sizeof s->login_key) != 1) {
        free(s);
        return NULL;
    }
    pthread_mutex_init(&s->lock, NULL);
    return s;
}

void sessions_free(struct sessions *s)
{
    if (s == NULL)
        return;
    pthread_mutex_destroy(&s->lock);
    OPENSSL_cleanse(s, sizeof *s);
    free(s);
}

bool session_random_token(char out[SESSION_TOKEN_LEN + 1])
{
    unsigned char raw[SESSION_TOKEN_LEN / 2];
    if (RAND_bytes(raw, sizeof raw) != 1)
        return false;
    to_hex(raw, sizeof raw, out);
    OPENSSL_cleanse(raw, sizeof raw);
    return true;
}

bool session_token_equal(const char *want, const char *got)
{
    if (want == NULL || got == NULL || strlen(want) != SESSION_TOKEN_LEN ||
        strlen(got) != SESSION_TOKEN_LEN)
        return false;
    return CRYPTO_memcmp(want, got, SESSION_TOKEN_LEN) == 0;
}

static void hash_id(const char *id, unsigned char out[32])
{
    EVP_Digest(id, strlen(id), out, NULL, EVP_sha256(), NULL);
}

static bool expired(const struct session *se, time_t now)
{
    return now - se->last_seen > UCPROV_SESSION_IDLE_S ||
           now - se->created > UCPROV_SESSION_MAX_AGE_S;
}

bool session_start(struct sessions *s, const struct actor *who, const unsigned char *stamp,
                   time_t now, char id[SESSION_TOKEN_LEN + 1])
{
    struct session fresh = { .used = true, .info.who = *who, .created = now, .last_seen = now };
    if (stamp != NULL)
        memcpy(fresh.info.stamp, stamp, sizeof fresh.info.stamp);
    if (!session_random_token(id) || !session_random_token(fresh.info.csrf))
        return false;
    hash_id(id, fresh.id_hash);
    pthread_mutex_lock(&s->lock);
    struct session *slot = &s->sessions[0];
    for (size_t i = 0; i < UCPROV_SESSIONS_MAX; i++) {
        struct session *se = &s->sessions[i];
        if (!se->used || expired(se, now)) {
            slot = se;
            break;
        }
        if (se->last_seen < slot->last_seen)
            slot = se;
    }
    *slot = fresh;
    pthread_mutex_unlock(&s->lock);
    OPENSSL_cleanse(&fresh, sizeof fresh);
    return true;
}

static struct session *lookup(struct sessions *s, const char *id)
{
    if (id == NULL || strlen(id) != SESSION_TOKEN_LEN)
        return NULL;
    unsigned char h[32];
    hash_id(id, h);
    for (size_t i = 0; i < UCPROV_SESSIONS_MAX; i++)
        if (s->sessions[i].used && CRYPTO_memcmp(s->sessions[i].id_hash, h, sizeof h) == 0)
            return &s->sessions[i];
    return NULL;
}

bool session_find(struct sessions *s, const char *id, time_t now, struct session_info *out)
{
    pthread_mutex_lock(&s->lock);
    struct session *se = lookup(s, id);
    bool live = se != NULL && !expired(se, now);
    if (live) {
        se->last_seen = now;
        *out = se->info;
    } else if (se != NULL) {
        memset(se, 0, sizeof *se);
    }
    pthread_mutex_unlock(&s->lock);
    return live;
}

void session_end(struct sessions *s, const char *id)
{
    pthread_mutex_lock(&s->lock);
    struct session *se = lookup(s, id);
    if (se != NULL)
        OPENSSL_cleanse(se, sizeof *se);
    pthread_mutex_unlock(&s->lock);
}

/* ------------------------------------------------------ login form tokens */

/* time (4 bytes) | nonce | HMAC-SHA256(login_key, time | nonce) cut to 16 bytes,
 * as 64 hex digits: only this process can make one, and each opens one login. */
static void login_mac(const struct sessions *s, const unsigned char *msg, size_t len,
                      unsigned char mac[LOGIN_MAC_LEN])
{
    unsigned char full[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    HMAC(EVP_sha256(), s->login_key, sizeof s->login_key, msg, len, full, &n);
    memcpy(mac, full, LOGIN_MAC_LEN);
}

static void to_hex(const unsigned char *raw, size_t n, char *out)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hex[raw[i] >> 4];
        out[2 * i + 1] = hex[raw[i] & 15];
    }
    out[2 * n] = '\0';
}

static bool from_hex(const char *text, unsigned char *raw, size_t n)
{
    if (text == NULL || strlen(text) != 2 * n || strspn(text, "0123456789abcdef") != 2 * n)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        if (sscanf(text + 2 * i, "%2x", &v) != 1)
            return false;
        raw[i] = (unsigned char)v;
    }
    return true;
}

bool login_token_new(struct sessions *s, time_t now, char out[SESSION_TOKEN_LEN + 1])
{
    unsigned char raw[LOGIN_TOKEN_RAW];
    uint32_t t = (uint32_t)now;
    raw[0] = (unsigned char)(t >> 24);
    raw[1] = (unsigned char)(t >> 16);
    raw[2] = (unsigned char)(t >> 8);
    raw[3] = (unsigned char)t;
    if (RAND_bytes(raw + 4, LOGIN_NONCE_LEN) != 1)
        return false;
    login_mac(s, raw, 4 + LOGIN_NONCE_LEN, raw + 4 + LOGIN_NONCE_LEN);
    to_hex(raw, sizeof raw, out);
    return true;
}

/* Made here, not too old, not spent; the caller holds the lock. */
static bool token_fresh(struct sessions *s, const unsigned char raw[LOGIN_TOKEN_RAW], time_t now)
{
    unsigned char mac[LOGIN_MAC_LEN];
    login_mac(s, raw, 4 + LOGIN_NONCE_LEN, mac);
    if (CRYPTO_memcmp(mac, raw + 4 + LOGIN_NONCE_LEN, LOGIN_MAC_LEN) != 0)
        return false;
    time_t made = (time_t)((uint32_t)raw[0] << 24 | (uint32_t)raw[1] << 16 |
                           (uint32_t)raw[2] << 8 | raw[3]);
    if (made > now + 60 || now - made > UCPROV_LOGIN_FORM_TTL_S)
        return false;
    for (size_t i = 0; i < UCPROV_LOGIN_SPENT_MAX; i++)
        if (s->spent[i].expires > now &&
            CRYPTO_memcmp(s->spent[i].nonce, raw + 4, LOGIN_NONCE_LEN) == 0)
            return false;
    return true;
}

/* A token made here, fresh and unspent; with spend, spent now. */
static bool check_token(struct sessions *s, const char *token, time_t now, bool spend)
{
    unsigned char raw[LOGIN_TOKEN_RAW];
    if (!from_hex(token, raw, sizeof raw))
        return false;
    pthread_mutex_lock(&s->lock);
    bool ok = token_fresh(s, raw, now);
    if (ok && spend) {
        /* A full table drops the oldest entry, whose token is near its end anyway. */
        struct spent *sp = &s->spent[s->next_spent++ % UCPROV_LOGIN_SPENT_MAX];
        memcpy(sp->nonce, raw + 4, LOGIN_NONCE_LEN);
        sp->expires = now + UCPROV_LOGIN_FORM_TTL_S + 60;
    }
    pthread_mutex_unlock(&s->lock);
    return ok;
}

bool login_token_valid(struct sessions *s, const char *token, time_t now)
{
    return check_token(s, token, now, false);
}

bool login_token_take(struct sessions *s, const char *token, time_t now)
{
    return check_token(s, token, now, true);
}
