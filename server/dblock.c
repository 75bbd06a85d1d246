/* dblock.c - flock(2) on "<db>.lock", the holder's pid written inside. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "dblock.h"

static int lock_path(const char *db_path, char *path, size_t len);
static pid_t read_pid(int fd);

static int lock_path(const char *db_path, char *path, size_t len)
{
    if (strstr(db_path, "://") != NULL || strncmp(db_path, "postgres", 8) == 0)
        return -1;   /* a database server: nothing on this disk to lock */
    return snprintf(path, len, "%s.lock", db_path) < (int)len ? 0 : -1;
}

static pid_t read_pid(int fd)
{
    char buf[32] = "";
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    long pid = n > 0 ? strtol(buf, NULL, 10) : 0;
    return pid > 0 ? (pid_t)pid : 0;
}

int dblock_take(const char *db_path, pid_t *holder)
{
    char path[4096];
    if (lock_path(db_path, path, sizeof path) != 0)
        return -1;
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        *holder = read_pid(fd);
        close(fd);
        return -2;
    }
    char pid[32];
    int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)n, 0) != n) {
        close(fd);
        return -1;
    }
    return fd;
}

pid_t dblock_holder(const char *db_path)
{
    char path[4096];
    if (lock_path(db_path, path, sizeof path) != 0)
        return 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    pid_t pid = 0;
    if (flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK)
        pid = read_pid(fd);
    else
        flock(fd, LOCK_UN);
    close(fd);
    return pid;
}
