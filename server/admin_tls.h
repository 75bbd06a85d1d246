/* admin_tls.h - which certificate the admin port serves: the one given with
 * --tls-cert/--tls-key, or, on any address but loopback, one made at first
 * start and kept next to the database (as CUCM makes its own at install).
 * Plain HTTP off loopback only with --insecure-http. */
#ifndef UCPROV_ADMIN_TLS_H
#define UCPROV_ADMIN_TLS_H

#include <stdbool.h>
#include <stddef.h>

#define ADMIN_TLS_CERT_FILE "ucprov-admin.crt"
#define ADMIN_TLS_KEY_FILE  "ucprov-admin.key"

/* Whether "ADDR:PORT" listens on a loopback address only (127.0.0.0/8, ::1). */
bool admin_tls_loopback(const char *listen);
/* The self-signed certificate and key beside db_path, made now when absent
 * (key 0600); their paths in cert and key.  0, or -1 with err; *made says
 * whether they were made now. */
int admin_tls_selfsigned(const char *db_path, char *cert, size_t certlen, char *key,
                         size_t keylen, bool *made, char *err, size_t errlen);

#endif
