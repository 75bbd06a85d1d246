/* sighdr.h - the signature header shared by trust lists (.tlv) and signed
 * files (.sgn, .enc.sgn): version, header length, signer (name, serial, CA
 * name), digest and RSA modulus size, the signature, file name, timestamp,
 * then padding to a multiple of 4.  The signature is RSA PKCS#1 v1.5 over
 * the whole file with the signature item left out. */
#ifndef UCPROV_TRUST_SIGHDR_H
#define UCPROV_TRUST_SIGHDR_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/types.h>

#include "trust/tlv.h"

/* A run of bytes inside a parsed file. */
struct tlv_span {
    const uint8_t *p;
    size_t len;
};

/* Who signs, with which digest, and the time the header records. */
struct trust_signer {
    EVP_PKEY *key;          /* RSA private key, 512 to 4096 bits */
    X509 *cert;             /* its certificate: names and serial for the header */
    enum tlv_hash hash;
    time_t now;
};

/* What a header says besides the signer. */
struct sighdr_spec {
    uint8_t major, minor;       /* 1.2 trust list, 1.0 .sgn, 2.0 .enc.sgn */
    uint16_t signer_version;    /* item 28, 0x0100 = 1.0; 0 leaves it out */
    const char *filename;
    const uint8_t *extra;       /* items after the timestamp (encryption) */
    size_t extra_len;
};

/* A header as read; strings and spans point into the caller's bytes. */
struct sighdr {
    uint8_t major, minor;
    uint16_t header_len, signer_version;
    const char *signer_name, *ca_name, *filename;   /* NULL when absent */
    struct tlv_span serial, signature;
    uint8_t digest, sigalg, modulus;
    uint32_t timestamp;
    size_t sig_off;             /* offset of the signature item's tag byte */
    int encrypted;              /* the encryption items are all present */
    struct tlv_span iv, enc_key, plain_hash;
    uint16_t pad_count, key_bits;
    uint8_t key_alg, plain_digest;
};

/* Writes header + body signed by s into a new *out (free it); 0 or -1. */
int sighdr_sign(const struct trust_signer *s, const struct sighdr_spec *spec,
                const uint8_t *body, size_t body_len, uint8_t **out, size_t *out_len,
                char *err, size_t errlen);
/* Reads and bounds-checks the header of buf (pure); 0 or -1. */
int sighdr_parse(const uint8_t *buf, size_t len, struct sighdr *h, char *err, size_t errlen);
/* Checks the signature of a parsed buf with an RSA public key; 0 or -1. */
int sighdr_verify(const uint8_t *buf, size_t len, const struct sighdr *h, EVP_PKEY *pub,
                  char *err, size_t errlen);
/* 1 if the header names cert as its signer (same serial number), else 0. */
int sighdr_names_cert(const struct sighdr *h, X509 *cert);

/* The digest for a header code, or NULL. */
const EVP_MD *trust_md(unsigned hash);
/* A name as the files carry it: "CN=a;OU=b;O=c", most specific first. */
char *trust_name_string(const X509_NAME *name);
/* The serial number's magnitude, big-endian, no sign byte; its length or -1. */
int trust_serial_bytes(X509 *cert, uint8_t *out, size_t outlen);

#endif
