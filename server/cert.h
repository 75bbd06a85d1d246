/* cert.h - X.509 parsing for the trust stores: pure code over bytes, no I/O. */
#ifndef UCPROV_CERT_H
#define UCPROV_CERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define CERT_HASH_LEN    28   /* base64 of a 20-byte SHA-1, with padding */
#define CERT_SHA256_LEN  95   /* 32 bytes as "AA:BB:..." */

struct cert_info {
    char *common_name;          /* "" when the subject has no CN */
    char **sans;                /* DNS and IP subjectAltName entries */
    size_t n_sans;
    char *subject;              /* RFC 2253 */
    char *issuer;               /* RFC 2253 */
    char *issuer_cn;
    char *serial;               /* hex, upper case */
    int64_t not_before, not_after;   /* seconds since the epoch, UTC */
    bool self_signed;
    char key_type[16];          /* "RSA", "EC", "Ed25519", ... */
    int key_bits;
    char cert_hash[CERT_HASH_LEN + 1];            /* what goes into certHashN */
    char sha256_fingerprint[CERT_SHA256_LEN + 1];
    unsigned char *der;
    size_t der_len;
};

enum cert_error {
    CERT_OK = 0,
    CERT_ERR_EMPTY,
    CERT_ERR_TOO_LARGE,
    CERT_ERR_PRIVATE_KEY,     /* the input holds a private key: refused outright */
    CERT_ERR_NOT_CERT,        /* neither a PEM nor a DER certificate */
    CERT_ERR_SEVERAL,         /* more than one certificate in one upload */
};

/* Parse one certificate from PEM or DER bytes into out (zeroed first). */
enum cert_error cert_parse(const void *buf, size_t len, struct cert_info *out);
/* A sentence for the admin explaining err. */
const char *cert_error_message(enum cert_error err);
void cert_info_free(struct cert_info *ci);
/* PEM text of a DER certificate; caller frees. */
char *cert_der_to_pem(const unsigned char *der, size_t len);
/* base64 SHA-1 of DER into hash (CERT_HASH_LEN + 1 bytes). */
void cert_hash_der(const unsigned char *der, size_t len, char *hash);
/* Does host match the certificate's CN or a SAN the way a phone's Host ID check does?
 * Wildcards never match (phones reject them). */
bool cert_matches_host(const struct cert_info *ci, const char *host);
/* A wildcard CN or SAN meant for host ("*.example.lab" for "vpn.example.lab",
 * any wildcard when host has no domain part): the case phones refuse, said
 * apart so the admin knows why the Host ID check fails. */
bool cert_wildcard_for_host(const struct cert_info *ci, const char *host);

#endif
