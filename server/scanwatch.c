/* scanwatch.c - a fixed table of recent hosts, each with a small set of the
 * unknown names it asked for, so a phone retrying its own missing file
 * counts once and a scanner walking MACs counts every name.  A table full of
 * strangers evicts the stalest host; memory never grows. */
#include <config.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "limits.h"
#include "log.h"
#include "scanwatch.h"

#define NAMES_KEPT 32   /* distinct names remembered per host: past it, each counts */

struct host {
    struct scan_host h;
    uint32_t names[NAMES_KEPT];   /* short digests of the unknown names seen */
    size_t n_names;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct host hosts[UCPROV_SCAN_HOSTS_MAX];
static bool refusal;
static uint64_t unknown_total;

static struct host *host_of(const char *client, int64_t now_ms, bool create);
static uint32_t name_digest(const char *device);
static bool seen_name(struct host *h, uint32_t d);
static int by_unknown(const void *a, const void *b);

/* The record of client (the window over, it starts afresh); with create, a
 * new one takes the stalest slot. */
static struct host *host_of(const char *client, int64_t now_ms, bool create)
{
    struct host *stalest = &hosts[0];
    for (size_t i = 0; i < UCPROV_SCAN_HOSTS_MAX; i++) {
        struct host *h = &hosts[i];
        if (h->h.client[0] != '\0' && strcmp(h->h.client, client) == 0) {
            if (now_ms - h->h.last_ms > (int64_t)UCPROV_SCAN_WINDOW_S * 1000)
                memset(h, 0, sizeof *h);
            else
                return h;
        }
        if (h->h.client[0] == '\0' || (stalest->h.client[0] != '\0' &&
                                       h->h.last_ms < stalest->h.last_ms))
            stalest = h;
    }
    if (!create)
        return NULL;
    memset(stalest, 0, sizeof *stalest);
    snprintf(stalest->h.client, sizeof stalest->h.client, "%s", client);
    stalest->h.first_ms = now_ms;
    return stalest;
}

static uint32_t name_digest(const char *device)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_Digest(device, strlen(device), md, &n, EVP_sha256(), NULL);
    return (uint32_t)md[0] << 24 | (uint32_t)md[1] << 16 | (uint32_t)md[2] << 8 | md[3];
}

/* Whether h asked for this name before; remembers it when not. */
static bool seen_name(struct host *h, uint32_t d)
{
    size_t kept = h->n_names < NAMES_KEPT ? h->n_names : NAMES_KEPT;
    for (size_t i = 0; i < kept; i++)
        if (h->names[i] == d)
            return true;
    h->names[h->n_names++ % NAMES_KEPT] = d;
    return false;
}

void scanwatch_note(const char *client, const char *device, bool unknown, int64_t now_ms)
{
    if (client == NULL || device == NULL || device[0] == '\0' || !unknown)
        return;
    uint32_t d = name_digest(device);
    pthread_mutex_lock(&lock);
    unknown_total++;
    struct host *h = host_of(client, now_ms, true);
    h->h.last_ms = now_ms;
    bool newly = false;
    if (!seen_name(h, d)) {
        h->h.unknown++;
        newly = !h->h.flagged && h->h.unknown >= UCPROV_SCAN_THRESHOLD;
        h->h.flagged |= newly;
    }
    unsigned count = h->h.unknown;
    pthread_mutex_unlock(&lock);
    if (newly)
        log_warn("%s asked for %u config files of unknown phones within %d s: a MAC scan?%s",
                 client, count, UCPROV_SCAN_WINDOW_S,
                 refusal ? " Its requests are refused from now on" : "");
}

void scanwatch_set_refusal(bool on)
{
    pthread_mutex_lock(&lock);
    refusal = on;
    pthread_mutex_unlock(&lock);
}

bool scanwatch_refuses(const char *client, int64_t now_ms)
{
    bool refuse = false;
    pthread_mutex_lock(&lock);
    if (refusal && client != NULL) {
        struct host *h = host_of(client, now_ms, false);
        refuse = h != NULL && h->h.flagged;
        if (refuse) {
            h->h.refused++;
            h->h.last_ms = now_ms;   /* a scanner that keeps asking stays refused */
        }
    }
    pthread_mutex_unlock(&lock);
    return refuse;
}

static int by_unknown(const void *a, const void *b)
{
    const struct scan_host *x = a, *y = b;
    return x->unknown < y->unknown ? 1 : x->unknown > y->unknown ? -1 : 0;
}

size_t scanwatch_flagged(struct scan_host *out, size_t max, int64_t now_ms)
{
    size_t n = 0, total = 0;
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < UCPROV_SCAN_HOSTS_MAX; i++) {
        const struct host *h = &hosts[i];
        if (h->h.client[0] == '\0' || !h->h.flagged ||
            now_ms - h->h.last_ms > (int64_t)UCPROV_SCAN_WINDOW_S * 1000)
            continue;
        total++;
        if (n < max)
            out[n++] = h->h;
    }
    pthread_mutex_unlock(&lock);
    qsort(out, n, sizeof *out, by_unknown);
    return total;
}

uint64_t scanwatch_unknown_total(void)
{
    pthread_mutex_lock(&lock);
    uint64_t n = unknown_total;
    pthread_mutex_unlock(&lock);
    return n;
}

void scanwatch_reset(void)
{
    pthread_mutex_lock(&lock);
    memset(hosts, 0, sizeof hosts);
    unknown_total = 0;
    refusal = false;
    pthread_mutex_unlock(&lock);
}
