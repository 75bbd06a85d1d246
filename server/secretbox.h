/* secretbox.h - the secrets phones need (FT_SECRET fields: phone and SSH
 * passwords, line passwords), sealed at rest with AES-256-GCM under a key
 * kept in a file apart from the database, so a leaked database or backup
 * alone gives nothing away.  A sealed value is "enc1:" + base64(nonce |
 * ciphertext | tag); a value without the prefix is an old plaintext one,
 * read as it is and sealed on its next write. */
#ifndef UCPROV_SECRETBOX_H
#define UCPROV_SECRETBOX_H

#include <stdbool.h>
#include <stddef.h>

#define SECRETBOX_PREFIX   "enc1:"
#define SECRETBOX_KEY_LEN  32
#define SECRETBOX_KEY_FILE "ucprov.key"
/* Bytes a sealed text of n plaintext bytes takes, with its NUL. */
#define SECRETBOX_SEALED_LEN(n) (5 + 4 * (((n) + 28 + 2) / 3) + 1)

/* The key file beside db_path ("DIR/ucprov.key"), into path. */
void secretbox_key_path(const char *db_path, char *path, size_t len);
/* Read the key file, or make it (0600) when absent; 0, or -1 with err.
 * *made says whether it was made now. */
int secretbox_load_key(const char *path, unsigned char key[SECRETBOX_KEY_LEN], bool *made,
                       char *err, size_t errlen);
/* Whether text is sealed. */
bool secretbox_sealed(const char *text);
/* A malloc'd sealed copy of plain; NULL when out of memory or no randomness. */
char *secretbox_seal(const unsigned char key[SECRETBOX_KEY_LEN], const char *plain);
/* A malloc'd plaintext of a sealed text (a copy of text when it is not
 * sealed); NULL when it does not open under key (wrong key, tampered). */
char *secretbox_open(const unsigned char key[SECRETBOX_KEY_LEN], const char *text);

#endif
