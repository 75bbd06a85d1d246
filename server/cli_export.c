/* cli_export.c - the ucprov commands that move phones through files: every
 * config into a directory for another TFTP/HTTP server, and phones as CSV. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

struct export_job;
struct name_vec;

static int write_atomically(struct export_job *job, const char *name, const void *data,
                            size_t len);
static void export_one(struct export_job *job, const char *key, const char *filename);
static void collect_name(void *ctx, const char *name);
static char *read_all(const char *path, size_t *len);
static int make_dirs(const char *dir);
static void show_progress(void *ctx, size_t rows, size_t done, size_t total);

/* --- export: files for tftp-hpa, dnsmasq or nginx --- */

struct export_job {
    struct service *sv;
    int dir_fd;
    const char *dir;
    size_t written, failed;
    mode_t mode;   /* 0600, or 0640 in a directory shared with a group (the TFTP server's) */
};

/* Write name into the directory under a temporary name, then rename it over
 * the old file, so that a server reading the directory never sees half a file. */
static int write_atomically(struct export_job *job, const char *name, const void *data,
                            size_t len)
{
    char tmp[64];
    snprintf(tmp, sizeof tmp, ".%s.%ld.tmp", name, (long)getpid());
    int fd = openat(job->dir_fd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, job->mode);
    if (fd < 0)
        return -1;
    if (fchmod(fd, job->mode) != 0) {   /* whatever the umask: never more, never less */
        close(fd);
        unlinkat(job->dir_fd, tmp, 0);
        return -1;
    }
    const unsigned char *p = data;
    size_t left = len;
    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0) {
            close(fd);
            unlinkat(job->dir_fd, tmp, 0);
            return -1;
        }
        p += w;
        left -= (size_t)w;
    }
    if (fsync(fd) != 0 || close(fd) != 0 || renameat(job->dir_fd, tmp, job->dir_fd, name) != 0) {
        unlinkat(job->dir_fd, tmp, 0);
        return -1;
    }
    return 0;
}

static void export_one(struct export_job *job, const char *key, const char *filename)
{
    struct cache_blob *b = service_render(job->sv, key);
    if (b == NULL || write_atomically(job, filename, b->data, b->len) != 0) {
        fprintf(stderr, "ucprov: cannot write %s/%s: %s\n", job->dir, filename,
                b ? strerror(errno) : "render failed");
        job->failed++;
    } else {
        job->written++;
    }
    cache_blob_unref(b);
}

struct name_vec {
    char (*names)[16];
    size_t n, cap;
};

static void collect_name(void *ctx, const char *name)
{
    struct name_vec *v = ctx;
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 1024;
        char (*grown)[16] = realloc(v->names, cap * sizeof *grown);
        if (grown == NULL)
            return;
        v->names = grown;
        v->cap = cap;
    }
    snprintf(v->names[v->n++], 16, "%s", name);
}

/* mkdir -p: DIR and its missing parents, 0700 (0750 is the site's choice). */
static int make_dirs(const char *dir)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (char *p = path + 1; ; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char saved = *p;
        *p = '\0';
        if (mkdir(path, 0700) != 0 && errno != EEXIST)
            return -1;
        *p = saved;
        if (saved == '\0')
            return 0;
    }
}

int cmd_export(struct service *sv, int argc, char **args)
{
    const char *dir = NULL;
    const struct cli_option opts[] = { { "dir", CLI_TEXT, &dir, 0, 0 } };
    int first = cli_options(argc, args, opts, 1);
    if (first < 0)
        return 2;
    if (dir == NULL || first != argc) {
        fprintf(stderr, "ucprov: usage: ucprov export --dir DIR\n");
        return 2;
    }
    if (make_dirs(dir) != 0) {
        fprintf(stderr, "ucprov: cannot create directory %s: %s\n", dir, strerror(errno));
        return 1;
    }
    struct export_job job = { sv, open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), dir, 0, 0,
                              0600 };
    struct stat st;
    if (job.dir_fd < 0 || fstat(job.dir_fd, &st) != 0) {
        fprintf(stderr, "ucprov: cannot open directory %s: %s\n", dir, strerror(errno));
        if (job.dir_fd >= 0)
            close(job.dir_fd);
        return 1;
    }
    /* The files carry phone and SSH passwords: a group the site shares the
     * directory with (its TFTP server's) may read them, nobody else. */
    if (st.st_mode & S_IRGRP)
        job.mode = 0640;
    struct name_vec names = { 0 };
    if (service_each_phone(sv, collect_name, &names) != 0) {
        fprintf(stderr, "ucprov: cannot read the phones\n");
        close(job.dir_fd);
        return 1;
    }
    for (size_t i = 0; i < names.n; i++) {
        char filename[40];
        snprintf(filename, sizeof filename, "%s.cnf.xml", names.names[i]);
        export_one(&job, names.names[i], filename);
    }
    export_one(&job, XMLDEFAULT_NAME, XMLDEFAULT_NAME);
    free(names.names);
    close(job.dir_fd);
    printf("%zu files written to %s%s\n", job.written, dir, job.failed ? " (some failed)" : "");
    return job.failed ? 1 : 0;
}

/* --- import phones / export phones: CSV --- */

/* The whole of a file, or of standard input for "-". */
static char *read_all(const char *path, size_t *len)
{
    int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    size_t cap = 1 << 20, n = 0;
    char *buf = malloc(cap);
    for (ssize_t r = 1; buf != NULL && r > 0;) {
        if (n == cap) {
            char *grown = realloc(buf, cap *= 2);
            if (grown == NULL) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = grown;
        }
        r = read(fd, buf + n, cap - n);
        if (r < 0 && errno != EINTR) {
            free(buf);
            buf = NULL;
        } else if (r > 0) {
            n += (size_t)r;
        }
    }
    if (fd != STDIN_FILENO)
        close(fd);
    *len = n;
    return buf;
}

/* A progress line that rewrites itself, only where someone watches it. */
static void show_progress(void *ctx, size_t rows, size_t done, size_t total)
{
    (void)ctx;
    fprintf(stderr, "\rimporting: %zu phones read, %3u%%", rows,
            total ? (unsigned)(done * 100 / total) : 100u);
    if (done == total)
        fprintf(stderr, "\n");
}

int cmd_import_phones(struct service *sv, int argc, char **args)
{
    (void)argc;
    size_t len;
    char *csv = read_all(args[0], &len);
    if (csv == NULL) {
        fprintf(stderr, "ucprov: cannot read %s: %s\n", args[0], strerror(errno));
        return 1;
    }
    static const struct actor cli = { 0, "cli" };
    struct import_result res;
    struct problem p = { 0 };
    int rc = service_import_phones(sv, &cli, csv, len,
                                   isatty(STDERR_FILENO) ? show_progress : NULL, NULL, &res, &p);
    free(csv);
    if (rc != 0) {
        cli_report(&p);
        if (res.more_errors)
            fprintf(stderr, "  ... and %zu more\n", res.more_errors);
        return 1;
    }
    printf("%zu phones imported\n", res.imported);
    return 0;
}

int cmd_export_phones(struct service *sv, int argc, char **args)
{
    if (argc > 2) {
        fprintf(stderr, "ucprov: usage: ucprov export phones [FILE]\n");
        return 2;
    }
    char *csv;
    size_t len;
    struct problem p = { 0 };
    if (service_export_phones(sv, &csv, &len, &p) != 0)
        return cli_report(&p);
    FILE *out = argc == 2 ? fopen(args[1], "w") : stdout;
    if (out == NULL) {
        fprintf(stderr, "ucprov: cannot write %s: %s\n", args[1], strerror(errno));
        free(csv);
        return 1;
    }
    bool ok = fwrite(csv, 1, len, out) == len;
    ok = (out == stdout ? fflush(out) : fclose(out)) == 0 && ok;
    free(csv);
    if (!ok) {
        fprintf(stderr, "ucprov: cannot write %s: %s\n", argc == 2 ? args[1] : "standard output",
                strerror(errno));
        return 1;
    }
    return 0;
}
