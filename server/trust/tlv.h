/* tlv.h - the tag-length-value items of Cisco trust lists (ITL, CTL) and
 * signed files (.sgn, .enc.sgn): tag 1 byte, length 2 bytes big-endian,
 * value.  A file is a header of such items, then records or the payload. */
#ifndef UCPROV_TRUST_TLV_H
#define UCPROV_TRUST_TLV_H

#include <stddef.h>
#include <stdint.h>

/* Each tag once, with its number and its name in a dump: H(...) a header
 * item's, R(...) a trust-list record's (the two number from 1 apart). */
#define TLV_TAGS(H, R) \
    H(TLV_H_VERSION, 1, "version") \
    H(TLV_H_LENGTH, 2, "header length") \
    H(TLV_H_SIGNER_ID, 3, "signer id") \
    H(TLV_H_SIGNER_NAME, 4, "signer name") \
    H(TLV_H_SERIAL, 5, "serial number") \
    H(TLV_H_CA_NAME, 6, "CA name") \
    H(TLV_H_SIGNATURE_INFO, 7, "signature info") \
    H(TLV_H_DIGEST, 8, "digest algorithm") \
    H(TLV_H_SIGALG_INFO, 9, "signature algorithm info") \
    H(TLV_H_SIGALG, 10, "signature algorithm") \
    H(TLV_H_MODULUS, 11, "signature modulus") \
    H(TLV_H_SIGNATURE, 12, "signature") \
    H(TLV_H_PADDING, 13, "padding") \
    H(TLV_H_FILENAME, 14, "file name") \
    H(TLV_H_TIMESTAMP, 15, "timestamp") \
    H(TLV_H_ENC_INFO, 16, "encryption info") \
    H(TLV_H_IV_INFO, 17, "IV info") \
    H(TLV_H_IV_MODE, 18, "IV mode") \
    H(TLV_H_IV, 19, "IV") \
    H(TLV_H_PAD_COUNT, 20, "pad count") \
    H(TLV_H_KEY_INFO, 21, "key info") \
    H(TLV_H_KEY_MODE, 22, "key mode") \
    H(TLV_H_KEY_SIZE, 23, "key size") \
    H(TLV_H_KEY_ALG, 24, "key algorithm") \
    H(TLV_H_KEY, 25, "encrypted key") \
    H(TLV_H_PLAIN_DIGEST, 26, "plain digest algorithm") \
    H(TLV_H_PLAIN_HASH, 27, "plain digest") \
    H(TLV_H_SIGNER_VERSION, 28, "signer version") \
    R(TLV_R_LENGTH, 1, "record length") \
    R(TLV_R_DNS_NAME, 2, "DNS name") \
    R(TLV_R_SUBJECT, 3, "subject name") \
    R(TLV_R_ROLE, 4, "role") \
    R(TLV_R_ISSUER, 5, "issuer name") \
    R(TLV_R_SERIAL, 6, "serial number") \
    R(TLV_R_PUBLIC_KEY, 7, "public key") \
    R(TLV_R_SIGNATURE, 8, "certificate signature") \
    R(TLV_R_CERT, 9, "certificate") \
    R(TLV_R_IP_ADDRESS, 10, "IP address") \
    R(TLV_R_CERT_HASH, 11, "certificate hash") \
    R(TLV_R_HASH_ALG, 12, "hash algorithm")

#define TLV_TAG_ENUM(id, number, name) id = (number),
#define TLV_TAG_SKIP(id, number, name)
enum tlv_header_tag { TLV_TAGS(TLV_TAG_ENUM, TLV_TAG_SKIP) };
enum tlv_record_tag { TLV_TAGS(TLV_TAG_SKIP, TLV_TAG_ENUM) };
#undef TLV_TAG_ENUM
#undef TLV_TAG_SKIP

/* The role ("function") of a trust-list record. */
enum tlv_role {
    TLV_ROLE_SAST = 0, TLV_ROLE_CCM = 1, TLV_ROLE_CCM_TFTP = 2, TLV_ROLE_TFTP = 3,
    TLV_ROLE_CAPF = 4, TLV_ROLE_APP_SERVER = 7, TLV_ROLE_TVS = 21
};

/* Digest algorithm codes of header items 8 and 26. */
enum tlv_hash { TLV_HASH_SHA1 = 1, TLV_HASH_SHA256 = 2, TLV_HASH_SHA512 = 3 };

#define TLV_MAX_VALUE 0xffffu

/* A growing output buffer; any failure sticks in `failed` and later writes
 * do nothing, so a writer checks once at the end. */
struct tlv_buf {
    uint8_t *data;
    size_t len, cap;
    int failed;
};

void tlv_buf_init(struct tlv_buf *b);
/* Frees the bytes (after wiping them: headers can hold key material). */
void tlv_buf_free(struct tlv_buf *b);
/* Appends raw bytes with no tag or length (padding bytes, payloads). */
void tlv_put_raw(struct tlv_buf *b, const void *p, size_t n);
/* Appends one item; a value over 65535 bytes fails the buffer. */
void tlv_put(struct tlv_buf *b, uint8_t tag, const void *value, size_t len);
void tlv_put_u8(struct tlv_buf *b, uint8_t tag, uint8_t v);
void tlv_put_u16(struct tlv_buf *b, uint8_t tag, uint16_t v);
void tlv_put_u32(struct tlv_buf *b, uint8_t tag, uint32_t v);
/* Appends a string item with its trailing NUL, as the format wants. */
void tlv_put_str(struct tlv_buf *b, uint8_t tag, const char *s);
/* Starts a container whose value is the items written until tlv_close;
 * returns the offset to pass to tlv_close. */
size_t tlv_open(struct tlv_buf *b, uint8_t tag);
void tlv_close(struct tlv_buf *b, size_t at);
/* Overwrites the 2-byte value of the u16 item that starts at `at`. */
void tlv_patch_u16(struct tlv_buf *b, size_t at, uint16_t v);

/* One item as read: value points into the caller's bytes. */
struct tlv_item {
    uint8_t tag;
    uint16_t len;
    const uint8_t *value;
    size_t off;           /* offset of the tag byte from the reader's start */
};

/* A bounds-checked walk over bytes; it never reads outside [p, p+len).
 * Tags in `containers` (bit per tag below 32) are reported and then entered
 * rather than skipped; `pad_tag` (or -1) is a lone byte with no length. */
struct tlv_reader {
    const uint8_t *p;
    size_t len, off;
    uint32_t containers;
    int pad_tag;
};

void tlv_reader_init(struct tlv_reader *r, const uint8_t *p, size_t len, uint32_t containers,
                     int pad_tag);
/* 1 and the next item, 0 at the clean end, -1 if an item overruns the end. */
int tlv_next(struct tlv_reader *r, struct tlv_item *it);

uint16_t tlv_get_u16(const uint8_t *p);
uint32_t tlv_get_u32(const uint8_t *p);
/* The item's value as a number; -1 unless its length is exactly right. */
int tlv_item_u8(const struct tlv_item *it, uint8_t *v);
int tlv_item_u16(const struct tlv_item *it, uint16_t *v);
int tlv_item_u32(const struct tlv_item *it, uint32_t *v);
/* The value as a C string when it ends in its only NUL, else NULL. */
const char *tlv_item_str(const struct tlv_item *it);

/* Names for listings and errors; "?" for an unknown code. */
const char *tlv_header_tag_name(unsigned tag);
const char *tlv_record_tag_name(unsigned tag);
const char *tlv_role_name(unsigned role);
const char *tlv_hash_name(unsigned hash);
/* A role from its name ("SAST", "CCM+TFTP", ...; any case), or -1. */
int tlv_role_from_name(const char *name);

/* The room's error reporting: a printf-style reason into err (NULL or 0: none). */
void trust_fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
