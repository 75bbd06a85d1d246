/* auth.h - salted, slow hashes for passwords and API tokens (PBKDF2-HMAC-SHA256). */
#ifndef UCPROV_AUTH_H
#define UCPROV_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#define AUTH_HASH_TEXT_MAX 160

/* "pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>" into out; 0 on success. */
int auth_hash_secret(const char *secret, char *out, size_t outlen);
/* Constant-time check of secret against a stored hash text. */
bool auth_verify_secret(const char *secret, const char *stored);
/* n random bytes as URL-safe base64 without padding into out; 0 on success. */
int auth_random_string(size_t n, char *out, size_t outlen);

#endif
