/* pg.h - what the PostgreSQL driver's two files share: pg.c (connection,
 * statements, transactions, notifications) and pgdump.c (backup and restore
 * through pg_dump and pg_restore). */
#ifndef UCPROV_STORE_PG_H
#define UCPROV_STORE_PG_H

#include <libpq-fe.h>

#include "store/driver.h"

/* c's libpq connection, made again if it was lost; NULL when it cannot be. */
PGconn *pg_link(struct drv_conn *c);

/* pg_dump's custom format into path; 0, or -1 with a sentence in err. */
int pg_dump_backup(struct drv_conn *c, const char *path, char *err, size_t errlen);
/* pg_restore of such a file over the database, after checking its tables and
 * schema version against chk; 0, or -1 with a sentence in err. */
int pg_dump_restore(struct drv_conn *c, const char *path, const struct restore_check *chk,
                    char *err, size_t errlen);

#endif
