/* secfile.c - private files: 0600 from the first byte, whole or not at all. */
#include <config.h>

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "secfile.h"

/* Write len bytes to a private temporary file beside path; its name goes to tmp. */
static int write_tmp(const char *path, const void *data, size_t len, char tmp[4096],
                     char *err, size_t errlen)
{
    if (snprintf(tmp, 4096, "%s.tmp%ld", path, (long)getpid()) >= 4096) {
        snprintf(err, errlen, "%s: path too long", path);
        return -1;
    }
    /* open() honours the umask, which may only take bits away: 0600 from the start. */
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, SECFILE_MODE);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
        return -1;
    }
    const char *p = data;
    size_t left = len;
    while (left > 0) {
        ssize_t n = write(fd, p, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        p += n;
        left -= (size_t)n;
    }
    bool ok = left == 0 && fchmod(fd, SECFILE_MODE) == 0 && fsync(fd) == 0;
    int saved = errno;
    if (close(fd) != 0 && ok) {
        ok = false;
        saved = errno;
    }
    if (!ok) {
        snprintf(err, errlen, "%s: %s", path, strerror(saved));
        unlink(tmp);
        return -1;
    }
    return 0;
}

/* Put the written temporary file at path: rename() replaces what is there,
 * link() never does (of two processes making the file at once, one wins and
 * the other reads what the winner wrote).  1: path existed (link only). */
static int place(const char *tmp, const char *path, bool replace, char *err, size_t errlen)
{
    int rc = replace ? rename(tmp, path) : link(tmp, path);
    int saved = errno;
    if (rc != 0 || !replace)
        unlink(tmp);
    if (rc == 0)
        return 0;
    if (!replace && saved == EEXIST)
        return 1;
    snprintf(err, errlen, "%s: %s", path, strerror(saved));
    return -1;
}

int secfile_write(const char *path, const void *data, size_t len, char *err, size_t errlen)
{
    char tmp[4096];
    return write_tmp(path, data, len, tmp, err, errlen) != 0 ? -1
                                                             : place(tmp, path, true, err, errlen);
}

int secfile_create(const char *path, const void *data, size_t len, char *err, size_t errlen)
{
    char tmp[4096];
    return write_tmp(path, data, len, tmp, err, errlen) != 0 ? -1
                                                             : place(tmp, path, false, err, errlen);
}

int secfile_read(const char *path, size_t max, char **out, size_t *len, char *err,
                 size_t errlen)
{
    FILE *f = fopen(path, "re");
    if (f == NULL) {
        int saved = errno;
        snprintf(err, errlen, "%s: %s", path, strerror(saved));
        errno = saved;
        return -1;
    }
    char *buf = malloc(max + 1);
    size_t n = buf ? fread(buf, 1, max + 1, f) : 0;
    bool failed = buf == NULL || ferror(f) || n > max;
    fclose(f);
    if (failed) {
        snprintf(err, errlen, "%s: %s", path, buf == NULL ? "out of memory"
                 : n > max ? "larger than expected" : "read error");
        free(buf);
        errno = EIO;
        return -1;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return 0;
}

int secfile_restrict(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return errno == ENOENT ? 0 : -1;
    if ((st.st_mode & 077) == 0)
        return 0;
    return chmod(path, st.st_mode & 0700);
}

void secfile_dir(const char *path, char *dir, size_t len)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL)
        snprintf(dir, len, ".");
    else if (slash == path)
        snprintf(dir, len, "/");
    else
        snprintf(dir, len, "%.*s", (int)(slash - path), path);
}
