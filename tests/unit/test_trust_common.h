/* test_trust_common.h - helpers the trust tests share: fixture files and
 * keys from tests/fixtures/trust, and an independent signature check. */
#ifndef TEST_TRUST_COMMON_H
#define TEST_TRUST_COMMON_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "trust/keys.h"

#define TRUST_FIXTURES FIXTURES_DIR "/trust"
#define T0 ((time_t)1800000000)        /* 2027-01-15, every header's timestamp */

/* The whole file, or NULL; *len gets its size. */
static inline uint8_t *fixture_bytes(const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", TRUST_FIXTURES, name);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    uint8_t *buf = NULL;
    size_t cap = 0, n = 0, got = 1;
    while (got > 0) {
        if (n == cap) {
            uint8_t *grown = realloc(buf, cap = cap ? cap * 2 : 4096);
            if (grown == NULL)
                break;
            buf = grown;
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    }
    fclose(f);
    *len = n;
    return buf;
}

static inline char *fixture_text(const char *name)
{
    size_t len = 0;
    uint8_t *b = fixture_bytes(name, &len);
    char *s = b != NULL ? malloc(len + 1) : NULL;
    if (s != NULL) {
        memcpy(s, b, len);
        s[len] = '\0';
    }
    free(b);
    return s;
}

/* Loads NAME.pem and NAME.key into k; 0, or -1 with the reason in err. */
static inline int fixture_key_load(const char *name, struct trust_key *k, char *err,
                                   size_t errlen)
{
    char cert[64], key[64];
    snprintf(cert, sizeof cert, "%s.pem", name);
    snprintf(key, sizeof key, "%s.key", name);
    char *cp = fixture_text(cert), *kp = fixture_text(key);
    int rc = -1;
    if (cp == NULL || kp == NULL)
        snprintf(err, errlen, "fixture %s missing", name);
    else
        rc = trust_key_from_pem(cp, kp, k, err, errlen);
    free(cp);
    free(kp);
    return rc;
}

/* The same inside a test, which fails if the pair does not load. */
static inline void fixture_key(const char *name, struct trust_key *k)
{
    char err[160] = "";
    ck_assert_msg(fixture_key_load(name, k, err, sizeof err) == 0, "%s: %s", name, err);
}

static inline uint8_t *cert_der(X509 *cert, size_t *len)
{
    uint8_t *der = NULL;
    ck_assert_int_eq(trust_cert_der(cert, &der, len), 0);
    return der;
}

/* Verifies as a phone would, written apart from sighdr.c: drop the bytes
 * [cut, cut+cut_len), hash the rest, check the PKCS#1 v1.5 signature. */
static inline int independent_verify(const uint8_t *file, size_t len, size_t cut,
                                     size_t cut_len, const uint8_t *sig, size_t sig_len,
                                     const EVP_MD *md, EVP_PKEY *pub)
{
    uint8_t digest[EVP_MAX_MD_SIZE];
    unsigned dlen = 0;
    EVP_MD_CTX *mctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new(pub, NULL);
    int ok = mctx != NULL && pctx != NULL && EVP_DigestInit_ex(mctx, md, NULL) == 1 &&
             EVP_DigestUpdate(mctx, file, cut) == 1 &&
             EVP_DigestUpdate(mctx, file + cut + cut_len, len - cut - cut_len) == 1 &&
             EVP_DigestFinal_ex(mctx, digest, &dlen) == 1 &&
             EVP_PKEY_verify_init(pctx) == 1 &&
             EVP_PKEY_CTX_set_signature_md(pctx, md) == 1 &&
             EVP_PKEY_verify(pctx, sig, sig_len, digest, dlen) == 1;
    EVP_MD_CTX_free(mctx);
    EVP_PKEY_CTX_free(pctx);
    return ok;
}

#endif
