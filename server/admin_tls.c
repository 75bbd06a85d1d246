/* admin_tls.c - the admin port's certificate when none was given. */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "admin_tls.h"
#include "http.h"
#include "limits.h"
#include "secfile.h"
#include "selfsigned.h"

bool admin_tls_loopback(const char *listen)
{
    char addr[128];
    uint16_t port;
    struct in_addr a4;
    struct in6_addr a6;
    if (http_parse_listen(listen, addr, sizeof addr, &port) != 0)
        return false;
    if (inet_pton(AF_INET, addr, &a4) == 1)
        return (ntohl(a4.s_addr) >> 24) == 127;
    return inet_pton(AF_INET6, addr, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6);
}

int admin_tls_selfsigned(const char *db_path, char *cert, size_t certlen, char *key,
                         size_t keylen, bool *made, char *err, size_t errlen)
{
    char dir[4096];
    secfile_dir(db_path, dir, sizeof dir);
    snprintf(cert, certlen, "%s/%s", dir, ADMIN_TLS_CERT_FILE);
    snprintf(key, keylen, "%s/%s", dir, ADMIN_TLS_KEY_FILE);
    *made = false;
    if (access(cert, F_OK) == 0 && access(key, F_OK) == 0)
        return 0;
    char cn[256] = "";
    if (gethostname(cn, sizeof cn - 1) != 0 || cn[0] == '\0')
        snprintf(cn, sizeof cn, "localhost");
    char *cert_pem = NULL, *key_pem = NULL;
    if (selfsigned_make(cn, UCPROV_TLS_DAYS_DEFAULT, &cert_pem, &key_pem, err, errlen) != 0)
        return -1;
    int rc = secfile_write(key, key_pem, strlen(key_pem), err, errlen) == 0 &&
             secfile_write(cert, cert_pem, strlen(cert_pem), err, errlen) == 0 ? 0 : -1;
    OPENSSL_cleanse(key_pem, strlen(key_pem));
    free(key_pem);
    free(cert_pem);
    *made = rc == 0;
    return rc;
}
