/* session.c - web sessions in memory. */
#include <config.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "limits.h"
#include "session.h"

struct session {
    bool used;
    unsigned char id_hash[32];     /* SHA-256 of the cookie value */
    struct session_info info;
    time_t created, last_seen;
};

struct sessions {
    pthread_mutex_t lock;
    struct session sessions[UCPROV_SESSIONS_MAX];
};

struct sessions *sessions_new(void)
{
    struct sessions *s = calloc(1, sizeof *s);
    if (s != NULL)
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
    static const char hex[] = "0123456789abcdef";
    unsigned char raw[SESSION_TOKEN_LEN / 2];
    if (RAND_bytes(raw, sizeof raw) != 1)
        return false;
    for (size_t i = 0; i < sizeof raw; i++) {
        out[i * 2] = hex[raw[i] >> 4];
        out[i * 2 + 1] = hex[raw[i] & 15];
    }
    out[SESSION_TOKEN_LEN] = '\0';
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
