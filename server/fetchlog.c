/* fetchlog.c - batch writer for the fetch log. */
#include <config.h>

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fetchlog.h"
#include "limits.h"
#include "log.h"
#include "metrics.h"
#include "scanwatch.h"

struct fetchlog {
    struct service *sv;
    pthread_t writer;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    struct fetch_record *queue;     /* ring of UCPROV_FETCH_LOG_QUEUE_MAX */
    size_t head, count;
    uint64_t dropped;
    bool stopping;
};

static void *writer_main(void *arg)
{
    struct fetchlog *fl = arg;
    struct fetch_record *batch = malloc(UCPROV_FETCH_LOG_BATCH * sizeof *batch);
    uint64_t lost = 0;   /* records not stored while the database was unreachable */
    if (batch == NULL)
        return NULL;
    pthread_mutex_lock(&fl->lock);
    for (;;) {
        if (fl->count == 0 && !fl->stopping) {
            /* Wait for a full batch or the flush interval, whichever comes first. */
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_nsec += (long)UCPROV_FETCH_LOG_FLUSH_MS * 1000000L;
            until.tv_sec += until.tv_nsec / 1000000000L;
            until.tv_nsec %= 1000000000L;
            pthread_cond_timedwait(&fl->wake, &fl->lock, &until);
        }
        if (fl->count == 0) {
            if (fl->stopping)
                break;
            continue;
        }
        size_t n = 0;
        while (n < UCPROV_FETCH_LOG_BATCH && fl->count > 0) {
            batch[n++] = fl->queue[fl->head];
            fl->head = (fl->head + 1) % UCPROV_FETCH_LOG_QUEUE_MAX;
            fl->count--;
        }
        pthread_mutex_unlock(&fl->lock);
        int rc = service_fetch_log_append(fl->sv, batch, n);
        if (rc == 0 && lost > 0) {
            log_warn("fetch log: %llu records were lost while the database was unreachable",
                     (unsigned long long)lost);
            lost = 0;
        } else if (rc != 0 && !service_database_up(fl->sv)) {
            lost += n;   /* said once, when it is back, rather than every batch */
        } else if (rc != 0) {
            log_error("fetch log: %zu records could not be stored", n);
        }
        pthread_mutex_lock(&fl->lock);
    }
    pthread_mutex_unlock(&fl->lock);
    free(batch);
    return NULL;
}

struct fetchlog *fetchlog_start(struct service *sv)
{
    struct fetchlog *fl = calloc(1, sizeof *fl);
    if (fl == NULL)
        return NULL;
    fl->queue = calloc(UCPROV_FETCH_LOG_QUEUE_MAX, sizeof *fl->queue);
    if (fl->queue == NULL) {
        free(fl);
        return NULL;
    }
    fl->sv = sv;
    pthread_mutex_init(&fl->lock, NULL);
    pthread_cond_init(&fl->wake, NULL);
    if (pthread_create(&fl->writer, NULL, writer_main, fl) != 0) {
        free(fl->queue);
        free(fl);
        return NULL;
    }
    return fl;
}

void fetchlog_record(struct fetchlog *fl, const struct fetch_record *rec)
{
    metrics_fetch(rec->protocol, rec->result);
    scanwatch_note(rec->client, rec->device, strcmp(rec->result, "not_found") == 0, rec->at_ms);
    if (fl == NULL)
        return;
    pthread_mutex_lock(&fl->lock);
    if (fl->count == UCPROV_FETCH_LOG_QUEUE_MAX) {
        fl->dropped++;
    } else {
        fl->queue[(fl->head + fl->count) % UCPROV_FETCH_LOG_QUEUE_MAX] = *rec;
        fl->count++;
        if (fl->count >= UCPROV_FETCH_LOG_BATCH)
            pthread_cond_signal(&fl->wake);
    }
    pthread_mutex_unlock(&fl->lock);
}

void fetchlog_stop(struct fetchlog *fl)
{
    if (fl == NULL)
        return;
    pthread_mutex_lock(&fl->lock);
    fl->stopping = true;
    pthread_cond_signal(&fl->wake);
    pthread_mutex_unlock(&fl->lock);
    pthread_join(fl->writer, NULL);
    if (fl->dropped)
        log_warn("fetch log: %llu records dropped (queue full)", (unsigned long long)fl->dropped);
    pthread_mutex_destroy(&fl->lock);
    pthread_cond_destroy(&fl->wake);
    free(fl->queue);
    free(fl);
}

uint64_t fetchlog_dropped(struct fetchlog *fl)
{
    pthread_mutex_lock(&fl->lock);
    uint64_t d = fl->dropped;
    pthread_mutex_unlock(&fl->lock);
    return d;
}
