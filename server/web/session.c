/* session.c - web sessions in memory and a per-address, per-name login brake. */
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

/* Failed logins of one client address ("a:...") or one admin name ("u:..."). */
struct attempts {
    char key[80];
    unsigned failures;
    time_t last_failure;
    time_t locked_until;
};

struct sessions {
    pthread_mutex_t lock;
    struct session sessions[UCPROV_SESSIONS_MAX];
    struct attempts attempts[UCPROV_LOGIN_TRACKED_MAX];
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

bool session_start(struct sessions *s, const struct actor *who, time_t now,
                   char id[SESSION_TOKEN_LEN + 1])
{
    struct session fresh = { .used = true, .info.who = *who, .created = now, .last_seen = now };
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

/* ------------------------------------------------------------ login brake */

static void attempt_key(char *key, size_t len, char kind, const char *what)
{
    snprintf(key, len, "%c:%.64s", kind, what ? what : "");
}

/* The record of key; with create, a new one takes the slot of the stalest. */
static struct attempts *attempts_of(struct sessions *s, const char *key, time_t now, bool create)
{
    struct attempts *stalest = &s->attempts[0];
    for (size_t i = 0; i < UCPROV_LOGIN_TRACKED_MAX; i++) {
        struct attempts *a = &s->attempts[i];
        if (a->key[0] != '\0' && now - a->last_failure > UCPROV_LOGIN_FORGET_S &&
            now >= a->locked_until)
            memset(a, 0, sizeof *a);
        if (a->key[0] != '\0' && strcmp(a->key, key) == 0)
            return a;
        if (a->key[0] == '\0' || (stalest->key[0] != '\0' && a->last_failure < stalest->last_failure))
            stalest = a;
    }
    if (!create)
        return NULL;
    memset(stalest, 0, sizeof *stalest);
    snprintf(stalest->key, sizeof stalest->key, "%s", key);
    return stalest;
}

static long wait_for(struct sessions *s, const char *key, time_t now)
{
    struct attempts *a = attempts_of(s, key, now, false);
    return a != NULL && a->locked_until > now ? (long)(a->locked_until - now) : 0;
}

long login_wait(struct sessions *s, const char *peer, const char *user, time_t now)
{
    char ka[80], ku[80];
    attempt_key(ka, sizeof ka, 'a', peer);
    attempt_key(ku, sizeof ku, 'u', user);
    pthread_mutex_lock(&s->lock);
    long wa = wait_for(s, ka, now), wu = wait_for(s, ku, now);
    pthread_mutex_unlock(&s->lock);
    return wa > wu ? wa : wu;
}

/* Past the free tries each failure doubles the wait, up to the cap. */
static void count_failure(struct sessions *s, const char *key, time_t now)
{
    struct attempts *a = attempts_of(s, key, now, true);
    a->failures++;
    a->last_failure = now;
    if (a->failures < UCPROV_LOGIN_FREE_FAILURES)
        return;
    unsigned shift = a->failures - UCPROV_LOGIN_FREE_FAILURES;
    long delay = shift >= 16 ? UCPROV_LOGIN_DELAY_MAX_S : (long)UCPROV_LOGIN_DELAY_BASE_S << shift;
    if (delay > UCPROV_LOGIN_DELAY_MAX_S)
        delay = UCPROV_LOGIN_DELAY_MAX_S;
    a->locked_until = now + delay;
}

void login_failed(struct sessions *s, const char *peer, const char *user, time_t now)
{
    char ka[80], ku[80];
    attempt_key(ka, sizeof ka, 'a', peer);
    attempt_key(ku, sizeof ku, 'u', user);
    pthread_mutex_lock(&s->lock);
    count_failure(s, ka, now);
    count_failure(s, ku, now);
    pthread_mutex_unlock(&s->lock);
}

void login_succeeded(struct sessions *s, const char *peer, const char *user, time_t now)
{
    char ka[80], ku[80];
    attempt_key(ka, sizeof ka, 'a', peer);
    attempt_key(ku, sizeof ku, 'u', user);
    pthread_mutex_lock(&s->lock);
    struct attempts *a = attempts_of(s, ka, now, false);
    if (a != NULL)
        memset(a, 0, sizeof *a);
    a = attempts_of(s, ku, now, false);
    if (a != NULL)
        memset(a, 0, sizeof *a);
    pthread_mutex_unlock(&s->lock);
}
