/* sgn.c - signed (.sgn) and encrypted-then-signed (.enc.sgn) provisioning
 * files.  An .enc.sgn header adds, after the timestamp:
 *   16 encryption info {
 *        17 IV info { 18 mode = 0, 19 IV (16 bytes), 20 pad count (2 bytes) },
 *        21 key info { 22 mode = 0, 23 key bits = 128 (2 bytes),
 *                      24 key algorithm = 1 (AES), 25 RSA-wrapped AES key } },
 *   26 digest algorithm of the plain file, 27 its digest
 * and its payload is the file padded with 1 to 16 '\r' bytes to a multiple
 * of 16, encrypted with AES-128-CBC. */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "hex.h"
#include "trust/sgn.h"
#include "trust/tlv.h"

#define AES_KEY_LEN 16
#define AES_BLOCK 16

static char *suffixed(const char *, const char *);
static int aes_cbc(int, const uint8_t *, size_t, const uint8_t *, const uint8_t *, uint8_t *);
static int rsa_pkcs1(int, EVP_PKEY *, const uint8_t *, size_t, uint8_t **, size_t *);
static void put_enc_items(struct tlv_buf *, enum tlv_hash, const uint8_t *, uint16_t,
                          const uint8_t *, size_t, const uint8_t *, size_t);
static int enc_payload(const struct trust_signer *, EVP_PKEY *, const uint8_t *, size_t,
                       struct tlv_buf *, uint8_t **, size_t *);
static int open_payload(const struct sighdr *, const uint8_t *, size_t, EVP_PKEY *,
                        uint8_t **, size_t *, char *, size_t);

static char *suffixed(const char *name, const char *suffix)
{
    size_t n = strlen(name), m = strlen(suffix);
    char *s = malloc(n + m + 1);
    if (s != NULL) {
        memcpy(s, name, n);
        memcpy(s + n, suffix, m + 1);
    }
    return s;
}

int sgn_build(const struct trust_signer *s, const char *name, const uint8_t *plain,
              size_t plain_len, uint8_t **out, size_t *out_len, char *err, size_t errlen)
{
    char *filename = name != NULL ? suffixed(name, ".sgn") : NULL;
    if (filename == NULL) {
        trust_fail(err, errlen, "no file name");
        *out = NULL;
        return -1;
    }
    struct sighdr_spec spec = { .major = 1, .minor = 0, .filename = filename };
    int rc = sighdr_sign(s, &spec, plain, plain_len, out, out_len, err, errlen);
    free(filename);
    return rc;
}

int sgn_verify(const uint8_t *buf, size_t len, X509 *tftp_cert, struct tlv_span *payload,
               char *err, size_t errlen)
{
    struct sighdr h;
    if (sighdr_parse(buf, len, &h, err, errlen) != 0)
        return -1;
    if (!sighdr_names_cert(&h, tftp_cert)) {
        trust_fail(err, errlen, "the file is signed by another certificate");
        return -1;
    }
    if (sighdr_verify(buf, len, &h, X509_get0_pubkey(tftp_cert), err, errlen) != 0)
        return -1;
    if (payload != NULL)
        *payload = (struct tlv_span){ buf + h.header_len, len - h.header_len };
    return 0;
}

/* AES-128-CBC without padding of its own: the caller pads with '\r'. */
static int aes_cbc(int enc, const uint8_t *key, size_t len, const uint8_t *iv,
                   const uint8_t *in, uint8_t *out)
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int n = 0, tail = 0;
    int ok = ctx != NULL && len % AES_BLOCK == 0 && len <= INT32_MAX &&
             EVP_CipherInit_ex2(ctx, EVP_aes_128_cbc(), key, iv, enc, NULL) == 1 &&
             EVP_CIPHER_CTX_set_padding(ctx, 0) == 1 &&
             EVP_CipherUpdate(ctx, out, &n, in, (int)len) == 1 &&
             EVP_CipherFinal_ex(ctx, out + n, &tail) == 1 && (size_t)(n + tail) == len;
    EVP_CIPHER_CTX_free(ctx);
    return ok ? 0 : -1;
}

/* RSA PKCS#1 v1.5 encryption (enc 1) or decryption (enc 0) of a key. */
static int rsa_pkcs1(int enc, EVP_PKEY *pkey, const uint8_t *in, size_t len, uint8_t **out,
                     size_t *out_len)
{
    *out = NULL;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
    size_t n = 0;
    int ok = ctx != NULL && EVP_PKEY_is_a(pkey, "RSA") &&
             (enc ? EVP_PKEY_encrypt_init(ctx) : EVP_PKEY_decrypt_init(ctx)) == 1 &&
             EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) == 1 &&
             (enc ? EVP_PKEY_encrypt(ctx, NULL, &n, in, len)
                  : EVP_PKEY_decrypt(ctx, NULL, &n, in, len)) == 1 &&
             (*out = malloc(n)) != NULL &&
             (enc ? EVP_PKEY_encrypt(ctx, *out, &n, in, len)
                  : EVP_PKEY_decrypt(ctx, *out, &n, in, len)) == 1;
    EVP_PKEY_CTX_free(ctx);
    if (!ok) {
        free(*out);
        *out = NULL;
        return -1;
    }
    *out_len = n;
    return 0;
}

static void put_enc_items(struct tlv_buf *b, enum tlv_hash hash, const uint8_t *iv,
                          uint16_t pad, const uint8_t *wrapped, size_t wrapped_len,
                          const uint8_t *digest, size_t digest_len)
{
    size_t info = tlv_open(b, TLV_H_ENC_INFO);
    size_t at = tlv_open(b, TLV_H_IV_INFO);
    tlv_put_u8(b, TLV_H_IV_MODE, 0);
    tlv_put(b, TLV_H_IV, iv, AES_BLOCK);
    tlv_put_u16(b, TLV_H_PAD_COUNT, pad);
    tlv_close(b, at);
    at = tlv_open(b, TLV_H_KEY_INFO);
    tlv_put_u8(b, TLV_H_KEY_MODE, 0);
    tlv_put_u16(b, TLV_H_KEY_SIZE, AES_KEY_LEN * 8);
    tlv_put_u8(b, TLV_H_KEY_ALG, 1);
    tlv_put(b, TLV_H_KEY, wrapped, wrapped_len);
    tlv_close(b, at);
    tlv_close(b, info);
    tlv_put_u8(b, TLV_H_PLAIN_DIGEST, (uint8_t)hash);
    tlv_put(b, TLV_H_PLAIN_HASH, digest, digest_len);
}

/* Encrypts plain into a new *cipher and writes the header items. */
static int enc_payload(const struct trust_signer *s, EVP_PKEY *phone_pub, const uint8_t *plain,
                       size_t plain_len, struct tlv_buf *items, uint8_t **cipher,
                       size_t *cipher_len)
{
    uint8_t key[AES_KEY_LEN], iv[AES_BLOCK], digest[EVP_MAX_MD_SIZE], *wrapped = NULL;
    unsigned digest_len = 0;
    size_t wrapped_len = 0, pad = AES_BLOCK - plain_len % AES_BLOCK;
    uint8_t *padded = plain_len < SIZE_MAX - AES_BLOCK ? malloc(plain_len + pad) : NULL;
    *cipher = padded != NULL ? malloc(plain_len + pad) : NULL;
    int rc = -1;
    if (*cipher == NULL || trust_md(s->hash) == NULL ||
        EVP_Digest(plain, plain_len, digest, &digest_len, trust_md(s->hash), NULL) != 1 ||
        RAND_bytes(key, sizeof key) != 1 || RAND_bytes(iv, sizeof iv) != 1 ||
        rsa_pkcs1(1, phone_pub, key, sizeof key, &wrapped, &wrapped_len) != 0)
        goto out;
    if (plain_len > 0)
        memcpy(padded, plain, plain_len);
    memset(padded + plain_len, '\r', pad);
    if (aes_cbc(1, key, plain_len + pad, iv, padded, *cipher) != 0)
        goto out;
    put_enc_items(items, s->hash, iv, (uint16_t)pad, wrapped, wrapped_len, digest, digest_len);
    *cipher_len = plain_len + pad;
    rc = items->failed ? -1 : 0;
out:
    OPENSSL_cleanse(key, sizeof key);
    if (padded != NULL)
        OPENSSL_cleanse(padded, plain_len + pad);
    free(padded);
    free(wrapped);
    if (rc != 0) {
        free(*cipher);
        *cipher = NULL;
    }
    return rc;
}

int sgn_build_enc(const struct trust_signer *s, EVP_PKEY *phone_pub, const char *name,
                  const uint8_t *plain, size_t plain_len, uint8_t **out, size_t *out_len,
                  char *err, size_t errlen)
{
    *out = NULL;
    *out_len = 0;
    if (phone_pub == NULL || !EVP_PKEY_is_a(phone_pub, "RSA") || name == NULL) {
        trust_fail(err, errlen, "the phone's key must be RSA");
        return -1;
    }
    struct tlv_buf items;
    tlv_buf_init(&items);
    uint8_t *cipher = NULL;
    size_t cipher_len = 0;
    char *filename = suffixed(name, ".enc.sgn");
    int rc = -1;
    if (filename == NULL ||
        enc_payload(s, phone_pub, plain, plain_len, &items, &cipher, &cipher_len) != 0) {
        trust_fail(err, errlen, "encryption failed");
    } else {
        struct sighdr_spec spec = { .major = 2, .minor = 0, .filename = filename,
                                    .extra = items.data, .extra_len = items.len };
        rc = sighdr_sign(s, &spec, cipher, cipher_len, out, out_len, err, errlen);
    }
    free(filename);
    free(cipher);
    tlv_buf_free(&items);
    return rc;
}

/* Unwraps the key, decrypts, strips the padding, checks the digest. */
static int open_payload(const struct sighdr *h, const uint8_t *cipher, size_t len,
                        EVP_PKEY *phone_key, uint8_t **plain, size_t *plain_len, char *err,
                        size_t errlen)
{
    const EVP_MD *md = trust_md(h->plain_digest);
    uint8_t *key = NULL, digest[EVP_MAX_MD_SIZE];
    size_t key_len = 0;
    unsigned digest_len = 0;
    if (rsa_pkcs1(0, phone_key, h->enc_key.p, h->enc_key.len, &key, &key_len) != 0 ||
        key_len != AES_KEY_LEN) {
        trust_fail(err, errlen, "the AES key does not open with this phone key");
        if (key != NULL)
            OPENSSL_cleanse(key, key_len);
        free(key);
        return -1;
    }
    *plain = malloc(len);
    int rc = -1;
    if (*plain == NULL || aes_cbc(0, key, len, h->iv.p, cipher, *plain) != 0) {
        trust_fail(err, errlen, "decryption failed");
    } else if (EVP_Digest(*plain, len - h->pad_count, digest, &digest_len, md, NULL) != 1 ||
               digest_len != h->plain_hash.len ||
               CRYPTO_memcmp(digest, h->plain_hash.p, digest_len) != 0) {
        trust_fail(err, errlen, "the decrypted file does not match its digest");
    } else {
        *plain_len = len - h->pad_count;
        rc = 0;
    }
    OPENSSL_cleanse(key, key_len);
    free(key);
    if (rc != 0) {
        free(*plain);
        *plain = NULL;
    }
    return rc;
}

int sgn_decrypt_enc(const uint8_t *buf, size_t len, EVP_PKEY *phone_key, uint8_t **plain,
                    size_t *plain_len, char *err, size_t errlen)
{
    struct sighdr h;
    *plain = NULL;
    *plain_len = 0;
    if (sighdr_parse(buf, len, &h, err, errlen) != 0)
        return -1;
    size_t cipher_len = len - h.header_len;
    if (!h.encrypted || h.iv.len != AES_BLOCK || trust_md(h.plain_digest) == NULL) {
        trust_fail(err, errlen, "not an encrypted file");
        return -1;
    }
    if (cipher_len == 0 || cipher_len % AES_BLOCK != 0 || h.pad_count > AES_BLOCK ||
        h.pad_count > cipher_len) {
        trust_fail(err, errlen, "the encrypted payload has a bad length or pad count");
        return -1;
    }
    return open_payload(&h, buf + h.header_len, cipher_len, phone_key, plain, plain_len, err,
                        errlen);
}

int sgn_cert_hash(X509 *cert, char out[33])
{
    uint8_t *der = NULL, md5[16];
    unsigned md_len = 0;
    int der_len = i2d_X509(cert, &der);
    int ok = der_len > 0 && EVP_Digest(der, (size_t)der_len, md5, &md_len, EVP_md5(), NULL) == 1;
    OPENSSL_free(der);
    if (!ok || md_len != sizeof md5)
        return -1;
    hex_encode(md5, sizeof md5, out);
    return 0;
}
