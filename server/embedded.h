/* embedded.h - schema migrations and phone config templates compiled into the
 * programs (build-aux/embed.sh), so an installed ucprov never hunts for them. */
#ifndef UCPROV_EMBEDDED_H
#define UCPROV_EMBEDDED_H

#include <stddef.h>

struct embedded_file {
    const char *name;            /* base name: "0001_initial.sql" */
    const unsigned char *data;   /* NUL-terminated */
    size_t len;
};

extern const struct embedded_file embedded_files[];   /* ends with a NULL name */

#endif
