/* dblock.h - which ucprovd serves a database: the daemon holds an advisory
 * lock on "<db>.lock" (its pid inside) while it runs, so that `ucprov
 * restore` can tell and refuse with the steps, instead of replacing the
 * database under a daemon that keeps serving what it has cached.  The kernel
 * drops the lock when the daemon exits, however it exits. */
#ifndef UCPROV_DBLOCK_H
#define UCPROV_DBLOCK_H

#include <sys/types.h>

/* Take the lock for this process; the descriptor to keep open (>= 0), -1 when
 * the database is not a file, or -2 with *holder set when another process
 * holds it. */
int dblock_take(const char *db_path, pid_t *holder);
/* The pid of the process holding the lock, 0 when none does. */
pid_t dblock_holder(const char *db_path);

#endif
