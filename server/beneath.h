/* beneath.h - open what lies below a directory and never anything outside it:
 * the TFTP root's files, locales and backgrounds in subdirectories
 * (United_States/g3-tones.xml, Desktops/800x480x24/List.xml). */
#ifndef UCPROV_BENEATH_H
#define UCPROV_BENEATH_H

#include <stdbool.h>
#include <stddef.h>

/* A relative name of 1..max characters made of components of [A-Za-z0-9._-]
 * that do not start with '.': no "..", ".", hidden files, empty components
 * ("a//b", a leading or trailing '/'), backslashes or escapes. */
bool beneath_name_ok(const char *name, size_t max);

/* Open name below dirfd with openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS),
 * or with beneath_walk() where the kernel has no openat2.  flags: O_RDONLY,
 * with O_DIRECTORY at most; O_CLOEXEC, O_NOCTTY and O_NONBLOCK are added, so
 * a FIFO never blocks the caller.  -1 with errno: EXDEV or ELOOP for a way out
 * (an absolute or escaping symbolic link), EINVAL for a name beneath_name_ok()
 * refuses, ENOENT, EACCES, ... as open(2). */
int beneath_open(int dirfd, const char *name, int flags);

/* The fallback: component by component with openat(O_NOFOLLOW), each
 * directory checked with fstat; any symbolic link on the way is refused with
 * ELOOP, since without openat2 where it leads cannot be confined. */
int beneath_walk(int dirfd, const char *name, int flags);

#endif
