/* brake.c - failed password attempts per client address ("a:...") and per
 * admin name ("u:..."), in a fixed table: a flood of strangers evicts the
 * stalest record and never grows memory. */
#include <config.h>

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "brake.h"
#include "limits.h"

struct attempts {
    char key[80];
    unsigned failures;
    time_t last_failure;
    time_t locked_until;
};

struct brake {
    pthread_mutex_t lock;
    struct attempts attempts[UCPROV_LOGIN_TRACKED_MAX];
};

static void attempt_key(char *key, size_t len, char kind, const char *what);
static struct attempts *attempts_of(struct brake *b, const char *key, time_t now, bool create);
static long wait_for(struct brake *b, const char *key, time_t now);
static void count_failure(struct brake *b, const char *key, time_t now);

struct brake *brake_new(void)
{
    struct brake *b = calloc(1, sizeof *b);
    if (b != NULL)
        pthread_mutex_init(&b->lock, NULL);
    return b;
}

void brake_free(struct brake *b)
{
    if (b == NULL)
        return;
    pthread_mutex_destroy(&b->lock);
    free(b);
}

static void attempt_key(char *key, size_t len, char kind, const char *what)
{
    snprintf(key, len, "%c:%.64s", kind, what ? what : "");
}

/* The record of key; with create, a new one takes the slot of the stalest. */
static struct attempts *attempts_of(struct brake *b, const char *key, time_t now, bool create)
{
    struct attempts *stalest = &b->attempts[0];
    for (size_t i = 0; i < UCPROV_LOGIN_TRACKED_MAX; i++) {
        struct attempts *a = &b->attempts[i];
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

static long wait_for(struct brake *b, const char *key, time_t now)
{
    struct attempts *a = attempts_of(b, key, now, false);
    return a != NULL && a->locked_until > now ? (long)(a->locked_until - now) : 0;
}

long brake_wait(struct brake *b, const char *peer, const char *user, time_t now)
{
    char ka[80], ku[80];
    attempt_key(ka, sizeof ka, 'a', peer);
    attempt_key(ku, sizeof ku, 'u', user);
    pthread_mutex_lock(&b->lock);
    long wa = wait_for(b, ka, now), wu = user ? wait_for(b, ku, now) : 0;
    pthread_mutex_unlock(&b->lock);
    return wa > wu ? wa : wu;
}

/* Past the free tries each failure doubles the wait, up to the cap. */
static void count_failure(struct brake *b, const char *key, time_t now)
{
    struct attempts *a = attempts_of(b, key, now, true);
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

void brake_failed(struct brake *b, const char *peer, const char *user, time_t now)
{
    char ka[80], ku[80];
    attempt_key(ka, sizeof ka, 'a', peer);
    attempt_key(ku, sizeof ku, 'u', user);
    pthread_mutex_lock(&b->lock);
    count_failure(b, ka, now);
    if (user != NULL)
        count_failure(b, ku, now);
    pthread_mutex_unlock(&b->lock);
}

void brake_succeeded(struct brake *b, const char *peer, const char *user, time_t now)
{
    char ka[80], ku[80];
    attempt_key(ka, sizeof ka, 'a', peer);
    attempt_key(ku, sizeof ku, 'u', user);
    pthread_mutex_lock(&b->lock);
    struct attempts *a = attempts_of(b, ka, now, false);
    if (a != NULL)
        memset(a, 0, sizeof *a);
    a = user ? attempts_of(b, ku, now, false) : NULL;
    if (a != NULL)
        memset(a, 0, sizeof *a);
    pthread_mutex_unlock(&b->lock);
}
