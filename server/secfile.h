/* secfile.h - files that hold secrets (the database, its backups, keys,
 * exported configs): created 0600 whatever the umask, written whole under a
 * temporary name and renamed, so no reader ever sees half a file or a moment
 * in which the file was readable by others. */
#ifndef UCPROV_SECFILE_H
#define UCPROV_SECFILE_H

#include <stdbool.h>
#include <stddef.h>

#define SECFILE_MODE 0600

/* Write len bytes to path (tmp + fsync + rename), mode 0600; 0, or -1 with
 * the reason in err. */
int secfile_write(const char *path, const void *data, size_t len, char *err, size_t errlen);
/* As secfile_write, but only if path does not exist yet: 0 made, 1 it
 * existed (another process made it first; nothing written), -1 with err. */
int secfile_create(const char *path, const void *data, size_t len, char *err, size_t errlen);
/* Read a whole file of at most max bytes into a malloc'd, NUL-terminated
 * buffer; 0, or -1 with err (errno ENOENT kept for "absent"). */
int secfile_read(const char *path, size_t max, char **out, size_t *len, char *err,
                 size_t errlen);
/* chmod 0600 path if it exists (a database's -wal and -shm, a copy); 0 when
 * it is absent or now private. */
int secfile_restrict(const char *path);
/* The directory of path (without a trailing slash; "." for a bare name). */
void secfile_dir(const char *path, char *dir, size_t len);

#endif
