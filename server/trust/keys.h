/* keys.h - the server's trust keys: SAST (signs trust lists), ITLRecovery
 * (the second SAST, kept offline), TFTP (signs config files; EC for HTTPS
 * provisioning), each a key and a self-signed certificate; PEM and
 * passphrase-protected PKCS#12 in and out. */
#ifndef UCPROV_TRUST_KEYS_H
#define UCPROV_TRUST_KEYS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/types.h>

enum trust_key_role { TRUST_KEY_SAST, TRUST_KEY_RECOVERY, TRUST_KEY_TFTP, TRUST_KEY_TFTP_EC };

struct trust_key {
    EVP_PKEY *pkey;
    X509 *cert;
};

#define TRUST_KEY_YEARS 5
#define TRUST_PASS_MIN 8

/* RSA-2048 (P-256 for TFTP_EC) key and a SHA-256 self-signed certificate
 * for host (CN names role and host, random serial, valid 5 years from
 * now).  0 or -1 with a reason in err. */
int trust_key_generate(enum trust_key_role role, const char *host, time_t now,
                       struct trust_key *out, char *err, size_t errlen);
void trust_key_free(struct trust_key *k);
/* New PEM strings: the certificate and the unencrypted PKCS#8 key. */
int trust_key_to_pem(const struct trust_key *k, char **cert_pem, char **key_pem);
/* Loads a pair and checks the key belongs to the certificate. */
int trust_key_from_pem(const char *cert_pem, const char *key_pem, struct trust_key *out,
                       char *err, size_t errlen);
/* PKCS#12 (AES-256-CBC, SHA-256 MAC) protected by pass (8+ characters). */
int trust_key_to_p12(const struct trust_key *k, const char *pass, uint8_t **out,
                     size_t *out_len, char *err, size_t errlen);
int trust_key_from_p12(const uint8_t *buf, size_t len, const char *pass,
                       struct trust_key *out, char *err, size_t errlen);
/* A certificate from PEM text, or NULL. */
X509 *trust_cert_from_pem(const char *pem);
/* The certificate's DER in a new *der (OPENSSL_free it); 0 or -1. */
int trust_cert_der(X509 *cert, uint8_t **der, size_t *len);

/* Add one v3 extension (OpenSSL config syntax) to a self-issued certificate; 0 or -1. */
int keys_add_ext(X509 *cert, int nid, const char *value);

#endif
