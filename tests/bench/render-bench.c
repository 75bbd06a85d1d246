/* render-bench - configs rendered per second with a cold cache: a fresh
 * service over an existing database renders every phone once, as a boot
 * storm after a restart would.  Single-threaded, so the rate is per core.
 *
 *   render-bench DB [ROUNDS] */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <libxml/parser.h>

#include "server/log.h"
#include "server/service/service.h"

struct names {
    char (*v)[16];
    size_t n, cap;
};

static void collect(void *ctx, const char *name)
{
    struct names *ns = ctx;
    if (ns->n == ns->cap) {
        ns->cap = ns->cap ? ns->cap * 2 : 4096;
        ns->v = realloc(ns->v, ns->cap * sizeof *ns->v);
        if (ns->v == NULL)
            exit(1);
    }
    snprintf(ns->v[ns->n++], 16, "%s", name);
}

static double cpu_seconds(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static double wall_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: render-bench DB [ROUNDS]\n");
        return 2;
    }
    int rounds = argc > 2 ? atoi(argv[2]) : 1;
    log_set_level(LOG_LEVEL_WARN);
    xmlInitParser();
    for (int r = 0; r < rounds; r++) {
        char err[256];
        struct service *sv = service_open(argv[1], err, sizeof err);   /* cold cache */
        if (sv == NULL) {
            fprintf(stderr, "render-bench: %s\n", err);
            return 1;
        }
        struct names ns = { 0 };
        service_each_phone(sv, collect, &ns);
        size_t bytes = 0, failed = 0;
        double c0 = cpu_seconds(), w0 = wall_seconds();
        for (size_t i = 0; i < ns.n; i++) {
            struct cache_blob *b = service_render(sv, ns.v[i]);
            if (b == NULL) {
                failed++;
                continue;
            }
            bytes += b->len;
            cache_blob_unref(b);
        }
        double cpu = cpu_seconds() - c0, wall = wall_seconds() - w0;
        printf("renders=%zu failed=%zu cpu_s=%.3f wall_s=%.3f per_core=%.0f avg_bytes=%zu\n",
               ns.n, failed, cpu, wall, cpu > 0 ? (double)ns.n / cpu : 0,
               ns.n ? bytes / ns.n : 0);
        free(ns.v);
        service_close(sv);
    }
    xmlCleanupParser();
    return 0;
}
