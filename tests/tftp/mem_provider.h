/* mem_provider.h - a provider serving a fixed table of in-memory files and
 * keeping count of every call the engine makes, for tests. */
#ifndef UCPROV_TESTS_MEM_PROVIDER_H
#define UCPROV_TESTS_MEM_PROVIDER_H

#include <pthread.h>
#include "tftpd/provider.h"

struct mem_file {
    const char *name;
    const unsigned char *data;
    size_t len;
    int denied;                  /* open() answers TFTP_OPEN_DENIED */
};

#define MEM_RESULT_KINDS 7       /* enum tftp_result has this many values */

struct mem_counts {
    unsigned opens, releases, reports;
    unsigned by_result[MEM_RESULT_KINDS];
    uint64_t last_bytes;
    char last_name[256];
};

struct mem_provider {
    const struct mem_file *files;
    size_t nfiles;
    pthread_mutex_t lock;        /* the engine thread writes, the test reads */
    struct mem_counts counts;
};

void mem_provider_init(struct mem_provider *m, const struct mem_file *files, size_t n);
struct tftp_provider mem_provider_iface(struct mem_provider *m);

/* A consistent copy of the counters. */
void mem_provider_counts(struct mem_provider *m, struct mem_counts *out);

#endif
