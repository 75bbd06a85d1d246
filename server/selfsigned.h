/* selfsigned.h - a key and self-signed certificate for the admin port, as
 * CUCM makes its tomcat certificate at install.  Pure OpenSSL, no I/O. */
#ifndef UCPROV_SELFSIGNED_H
#define UCPROV_SELFSIGNED_H

#include <stddef.h>

/* An EC P-256 key and a certificate for cn (also its subjectAltName, as DNS or
 * IP), valid for days.  0 on success with malloc'd PEM texts; the caller wipes
 * and frees *key_pem. */
int selfsigned_make(const char *cn, int days, char **cert_pem, char **key_pem, char *err,
                    size_t errlen);

#endif
