/* beneath.c - confined opens below the static TFTP root.
 *
 * Two locks on the same door: names are checked before any system call, and
 * the kernel resolves them with RESOLVE_BENEATH, so a symbolic link planted
 * in the root (absolute, or climbing with "..") cannot lead out either. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "beneath.h"

#define BENEATH_COMPONENT_MAX 255   /* NAME_MAX of Linux file systems */

static bool component_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '_' || c == '-';
}

bool beneath_name_ok(const char *name, size_t max)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > max)
        return false;
    for (const char *comp = name; *comp != '\0';) {
        size_t len = strcspn(comp, "/");
        if (len == 0 || comp[0] == '.')   /* empty, ".", "..", hidden */
            return false;
        for (size_t i = 0; i < len; i++)
            if (!component_char(comp[i]))
                return false;
        comp += len;
        if (*comp == '/' && *++comp == '\0')
            return false;                 /* trailing '/' */
    }
    return true;
}

static int base_flags(int flags)
{
    return (flags & (O_RDONLY | O_DIRECTORY)) | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
}

int beneath_open(int dirfd, const char *name, int flags)
{
    if (!beneath_name_ok(name, SIZE_MAX)) {
        errno = EINVAL;
        return -1;
    }
    struct open_how how = {
        .flags = (unsigned long long)base_flags(flags),
        .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
    };
    int fd = (int)syscall(SYS_openat2, dirfd, name, &how, sizeof how);
    /* Kernels before 5.6 have no openat2; some seccomp filters answer EPERM
     * for a system call they do not know. */
    if (fd < 0 && (errno == ENOSYS || errno == EPERM))
        fd = beneath_walk(dirfd, name, flags);
    return fd;
}

/* One directory down: a directory indeed, and no symbolic link (O_PATH with
 * O_NOFOLLOW opens a link itself, which fstat then shows). */
static int step_into(int at, const char *comp)
{
    int fd = openat(at, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return -1;
    struct stat st;
    int err = fstat(fd, &st) != 0 ? errno : S_ISLNK(st.st_mode) ? ELOOP
                                            : !S_ISDIR(st.st_mode) ? ENOTDIR : 0;
    if (err != 0) {
        close(fd);
        errno = err;
        return -1;
    }
    return fd;
}

int beneath_walk(int dirfd, const char *name, int flags)
{
    char comp[BENEATH_COMPONENT_MAX + 1];
    if (!beneath_name_ok(name, SIZE_MAX)) {
        errno = EINVAL;
        return -1;
    }
    int at = dirfd;
    for (;;) {
        size_t len = strcspn(name, "/");
        if (len > BENEATH_COMPONENT_MAX) {
            errno = ENAMETOOLONG;
            break;
        }
        memcpy(comp, name, len);
        comp[len] = '\0';
        name += len;
        if (*name == '\0') {   /* the last component: what the caller wants */
            int fd = openat(at, comp, base_flags(flags) | O_NOFOLLOW);
            int saved = errno;
            if (at != dirfd)
                close(at);
            errno = saved;
            return fd;
        }
        name++;
        int next = step_into(at, comp);
        int saved = errno;
        if (at != dirfd)
            close(at);
        errno = saved;
        if (next < 0)
            return -1;
        at = next;
    }
    if (at != dirfd)
        close(at);
    return -1;
}
