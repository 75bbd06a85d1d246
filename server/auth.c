/* auth.c - password and token hashing with OpenSSL's PBKDF2. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "auth.h"
#include "limits.h"

static const char scheme[] = "pbkdf2-sha256";

static int b64(const unsigned char *in, size_t n, char *out, size_t outlen)
{
    if (outlen < 4 * ((n + 2) / 3) + 1)
        return -1;
    EVP_EncodeBlock((unsigned char *)out, in, (int)n);
    return 0;
}

static int unb64(const char *in, unsigned char *out, size_t outlen, size_t *n)
{
    size_t len = strlen(in);
    if (len == 0 || len % 4 || len / 4 * 3 > outlen)
        return -1;
    int r = EVP_DecodeBlock(out, (const unsigned char *)in, (int)len);
    if (r < 0)
        return -1;
    *n = (size_t)r - (in[len - 1] == '=') - (in[len - 2] == '=');
    return 0;
}

static int derive(const char *secret, const unsigned char *salt, size_t salt_len,
                  unsigned iterations, unsigned char *out, size_t out_len)
{
    return PKCS5_PBKDF2_HMAC(secret, (int)strlen(secret), salt, (int)salt_len, (int)iterations,
                             EVP_sha256(), (int)out_len, out) == 1 ? 0 : -1;
}

int auth_hash_secret(const char *secret, char *out, size_t outlen)
{
    unsigned char salt[UCPROV_KDF_SALT_LEN], hash[UCPROV_KDF_HASH_LEN];
    char salt64[64], hash64[64];
    if (RAND_bytes(salt, sizeof salt) != 1 ||
        derive(secret, salt, sizeof salt, UCPROV_KDF_ITERATIONS, hash, sizeof hash) != 0 ||
        b64(salt, sizeof salt, salt64, sizeof salt64) != 0 ||
        b64(hash, sizeof hash, hash64, sizeof hash64) != 0)
        return -1;
    OPENSSL_cleanse(hash, sizeof hash);
    int n = snprintf(out, outlen, "%s$%u$%s$%s", scheme, (unsigned)UCPROV_KDF_ITERATIONS,
                     salt64, hash64);
    return n > 0 && (size_t)n < outlen ? 0 : -1;
}

bool auth_verify_secret(const char *secret, const char *stored)
{
    char copy[AUTH_HASH_TEXT_MAX];
    if (secret == NULL || stored == NULL || strlen(stored) >= sizeof copy)
        return false;
    memcpy(copy, stored, strlen(stored) + 1);

    char *save = NULL;
    const char *name = strtok_r(copy, "$", &save);
    const char *iter_text = strtok_r(NULL, "$", &save);
    const char *salt64 = strtok_r(NULL, "$", &save);
    const char *hash64 = strtok_r(NULL, "$", &save);
    if (name == NULL || hash64 == NULL || strcmp(name, scheme) != 0)
        return false;
    char *end;
    unsigned long iterations = strtoul(iter_text, &end, 10);
    if (*end != '\0' || iterations < 1000 || iterations > 10000000)
        return false;

    unsigned char salt[64], want[64], got[64];
    size_t salt_len, want_len;
    if (unb64(salt64, salt, sizeof salt, &salt_len) != 0 ||
        unb64(hash64, want, sizeof want, &want_len) != 0 || want_len == 0)
        return false;
    if (derive(secret, salt, salt_len, (unsigned)iterations, got, want_len) != 0)
        return false;
    bool ok = CRYPTO_memcmp(got, want, want_len) == 0;
    OPENSSL_cleanse(got, sizeof got);
    return ok;
}

int auth_random_string(size_t n, char *out, size_t outlen)
{
    unsigned char raw[64];
    char text[96];
    if (n > sizeof raw || RAND_bytes(raw, (int)n) != 1 || b64(raw, n, text, sizeof text) != 0)
        return -1;
    /* URL-safe alphabet, no padding: tokens travel in headers and shells. */
    size_t j = 0;
    for (size_t i = 0; text[i] && text[i] != '='; i++) {
        if (j + 1 >= outlen)
            return -1;
        out[j++] = text[i] == '+' ? '-' : text[i] == '/' ? '_' : text[i];
    }
    out[j] = '\0';
    OPENSSL_cleanse(raw, sizeof raw);
    return 0;
}
