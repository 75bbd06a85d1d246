/* mem_provider.c - in-memory provider for engine tests. */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "mem_provider.h"

static enum tftp_open_result mem_open(void *ctx, const char *name,
                                      const struct sockaddr *peer, socklen_t peer_len,
                                      struct tftp_file *out)
{
    struct mem_provider *m = ctx;
    (void)peer;
    (void)peer_len;
    for (size_t i = 0; i < m->nfiles; i++) {
        const struct mem_file *f = &m->files[i];
        if (strcmp(f->name, name) != 0)
            continue;
        if (f->denied)
            return TFTP_OPEN_DENIED;
        out->data = f->data;
        out->len = f->len;
        out->ref = (void *)f;
        snprintf(out->device, sizeof out->device, "dev-%zu", i);
        pthread_mutex_lock(&m->lock);
        m->counts.opens++;
        pthread_mutex_unlock(&m->lock);
        return TFTP_OPEN_OK;
    }
    return TFTP_OPEN_NOT_FOUND;
}

static void mem_release(void *ctx, struct tftp_file *file)
{
    struct mem_provider *m = ctx;
    (void)file;
    pthread_mutex_lock(&m->lock);
    m->counts.releases++;
    pthread_mutex_unlock(&m->lock);
}

static void mem_report(void *ctx, const struct tftp_transfer_report *r)
{
    struct mem_provider *m = ctx;
    pthread_mutex_lock(&m->lock);
    m->counts.reports++;
    if ((unsigned)r->result < MEM_RESULT_KINDS)
        m->counts.by_result[r->result]++;
    m->counts.last_bytes = r->bytes;
    snprintf(m->counts.last_name, sizeof m->counts.last_name, "%s", r->filename);
    pthread_mutex_unlock(&m->lock);
}

void mem_provider_init(struct mem_provider *m, const struct mem_file *files, size_t n)
{
    memset(m, 0, sizeof *m);
    m->files = files;
    m->nfiles = n;
    pthread_mutex_init(&m->lock, NULL);
}

struct tftp_provider mem_provider_iface(struct mem_provider *m)
{
    struct tftp_provider p = {
        .ctx = m, .open = mem_open, .release = mem_release, .report = mem_report,
    };
    return p;
}

void mem_provider_counts(struct mem_provider *m, struct mem_counts *out)
{
    pthread_mutex_lock(&m->lock);
    *out = m->counts;
    pthread_mutex_unlock(&m->lock);
}
