/* secretbox.c - AES-256-GCM through OpenSSL's EVP, a fresh 96-bit nonce per
 * value; the key file holds the 32 key bytes as 64 hex digits. */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "hex.h"
#include "secfile.h"
#include "secretbox.h"

#define NONCE_LEN 12
#define TAG_LEN   16

static int parse_key(const char *text, unsigned char key[SECRETBOX_KEY_LEN]);
static int key_from_text(const char *path, char *text, size_t len,
                         unsigned char key[SECRETBOX_KEY_LEN], char *err, size_t errlen);
static int gcm(bool encrypt, const unsigned char *key, const unsigned char *nonce,
               const unsigned char *in, size_t len, unsigned char *out, unsigned char *tag);

void secretbox_key_path(const char *db_path, char *path, size_t len)
{
    char dir[4096];
    secfile_dir(db_path, dir, sizeof dir);
    snprintf(path, len, "%s/%s", dir, SECRETBOX_KEY_FILE);
}

/* The file opens with exactly 64 hex digits (a newline or nothing after). */
static int parse_key(const char *text, unsigned char key[SECRETBOX_KEY_LEN])
{
    return strspn(text, "0123456789abcdefABCDEF") == 2 * SECRETBOX_KEY_LEN &&
           hex_decode(text, SECRETBOX_KEY_LEN, key) ? 0 : -1;
}

int secretbox_load_key(const char *path, unsigned char key[SECRETBOX_KEY_LEN], bool *made,
                       char *err, size_t errlen)
{
    char *text = NULL;
    size_t len;
    *made = false;
    if (secfile_read(path, 256, &text, &len, err, errlen) == 0)
        return key_from_text(path, text, len, key, err, errlen);
    if (errno != ENOENT)
        return -1;
    char hex[2 * SECRETBOX_KEY_LEN + 2];
    if (RAND_bytes(key, SECRETBOX_KEY_LEN) != 1) {
        snprintf(err, errlen, "no randomness for the key");
        return -1;
    }
    hex_encode(key, SECRETBOX_KEY_LEN, hex);
    hex[2 * SECRETBOX_KEY_LEN] = '\n';
    hex[2 * SECRETBOX_KEY_LEN + 1] = '\0';
    /* Two nodes starting at once over one database may both find no key:
     * the first one made is the site's, and the other takes it. */
    int rc = secfile_create(path, hex, strlen(hex), err, errlen);
    OPENSSL_cleanse(hex, sizeof hex);
    if (rc == 1 && secfile_read(path, 256, &text, &len, err, errlen) == 0)
        return key_from_text(path, text, len, key, err, errlen);
    *made = rc == 0;
    return rc == 0 ? 0 : -1;
}

/* The key a file holds; frees text. */
static int key_from_text(const char *path, char *text, size_t len,
                         unsigned char key[SECRETBOX_KEY_LEN], char *err, size_t errlen)
{
    int rc = parse_key(text, key);
    OPENSSL_cleanse(text, len);
    free(text);
    if (rc != 0)
        snprintf(err, errlen, "%s: not a ucprov key (64 hex digits)", path);
    return rc;
}

bool secretbox_sealed(const char *text)
{
    return text != NULL && strncmp(text, SECRETBOX_PREFIX, strlen(SECRETBOX_PREFIX)) == 0;
}

/* One AES-256-GCM pass; tag is written (encrypt) or checked (decrypt). */
static int gcm(bool encrypt, const unsigned char *key, const unsigned char *nonce,
               const unsigned char *in, size_t len, unsigned char *out, unsigned char *tag)
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int n = 0, m = 0;
    bool ok = ctx != NULL &&
              EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, nonce, encrypt) == 1 &&
              EVP_CipherUpdate(ctx, out, &n, in, (int)len) == 1 &&
              (encrypt || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, TAG_LEN, tag) == 1) &&
              EVP_CipherFinal_ex(ctx, out + n, &m) == 1 &&
              (!encrypt || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, TAG_LEN, tag) == 1);
    EVP_CIPHER_CTX_free(ctx);
    return ok ? 0 : -1;
}

char *secretbox_seal(const unsigned char key[SECRETBOX_KEY_LEN], const char *plain)
{
    size_t len = strlen(plain);
    unsigned char *raw = malloc(NONCE_LEN + len + TAG_LEN);
    char *out = malloc(SECRETBOX_SEALED_LEN(len));
    if (raw == NULL || out == NULL || RAND_bytes(raw, NONCE_LEN) != 1 ||
        gcm(true, key, raw, (const unsigned char *)plain, len, raw + NONCE_LEN,
            raw + NONCE_LEN + len) != 0) {
        free(raw);
        free(out);
        return NULL;
    }
    memcpy(out, SECRETBOX_PREFIX, strlen(SECRETBOX_PREFIX));
    EVP_EncodeBlock((unsigned char *)out + strlen(SECRETBOX_PREFIX), raw,
                    (int)(NONCE_LEN + len + TAG_LEN));
    OPENSSL_cleanse(raw, NONCE_LEN + len + TAG_LEN);
    free(raw);
    return out;
}

char *secretbox_open(const unsigned char key[SECRETBOX_KEY_LEN], const char *text)
{
    if (!secretbox_sealed(text))
        return strdup(text);
    const char *b64 = text + strlen(SECRETBOX_PREFIX);
    size_t n = strlen(b64);
    if (n == 0 || n % 4 != 0)
        return NULL;
    unsigned char *raw = malloc(n / 4 * 3 + 1);
    int m = raw ? EVP_DecodeBlock(raw, (const unsigned char *)b64, (int)n) : -1;
    if (m >= 0)
        m -= (b64[n - 1] == '=') + (b64[n - 2] == '=');
    char *plain = m >= NONCE_LEN + TAG_LEN ? malloc((size_t)m - NONCE_LEN - TAG_LEN + 1) : NULL;
    size_t len = plain ? (size_t)m - NONCE_LEN - TAG_LEN : 0;
    if (plain == NULL || gcm(false, key, raw, raw + NONCE_LEN, len, (unsigned char *)plain,
                             raw + NONCE_LEN + len) != 0 ||
        memchr(plain, '\0', len) != NULL) {
        if (plain)
            OPENSSL_cleanse(plain, len);
        free(plain);
        free(raw);
        return NULL;
    }
    plain[len] = '\0';
    free(raw);
    return plain;
}
