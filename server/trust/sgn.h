/* sgn.h - signed provisioning files.  <name>.sgn is a signature header
 * (version 1.0) then the plain file's bytes unchanged; <name>.enc.sgn
 * (version 2.0) carries the file AES-128-CBC encrypted for one phone, the
 * AES key wrapped with the phone's RSA key.  Both are signed by TFTP. */
#ifndef UCPROV_TRUST_SGN_H
#define UCPROV_TRUST_SGN_H

#include <stddef.h>
#include <stdint.h>

#include "trust/sighdr.h"

/* Makes <name>.sgn from the plain file `name` into a new *out; 0 or -1. */
int sgn_build(const struct trust_signer *s, const char *name, const uint8_t *plain,
              size_t plain_len, uint8_t **out, size_t *out_len, char *err, size_t errlen);
/* Checks that tftp_cert signed buf; *payload (may be NULL) gets the bytes
 * after the header (for .enc.sgn, the ciphertext).  0 or -1. */
int sgn_verify(const uint8_t *buf, size_t len, X509 *tftp_cert, struct tlv_span *payload,
               char *err, size_t errlen);
/* Makes <name>.enc.sgn for the phone whose RSA public key is phone_pub. */
int sgn_build_enc(const struct trust_signer *s, EVP_PKEY *phone_pub, const char *name,
                  const uint8_t *plain, size_t plain_len, uint8_t **out, size_t *out_len,
                  char *err, size_t errlen);
/* Decrypts an .enc.sgn with the phone's private key and checks the plain
 * digest; the signature is sgn_verify's job.  New *plain; 0 or -1. */
int sgn_decrypt_enc(const uint8_t *buf, size_t len, EVP_PKEY *phone_key, uint8_t **plain,
                    size_t *plain_len, char *err, size_t errlen);
/* The certHash a stub config names: MD5 of the certificate's DER, hex. */
int sgn_cert_hash(X509 *cert, char out[33]);

#endif
