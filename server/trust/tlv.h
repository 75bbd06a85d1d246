/* tlv.h - the tag-length-value items of Cisco trust lists (ITL, CTL) and
 * signed files (.sgn, .enc.sgn): tag 1 byte, length 2 bytes big-endian,
 * value.  A file is a header of such items, then records or the payload. */
#ifndef UCPROV_TRUST_TLV_H
#define UCPROV_TRUST_TLV_H

#include <stddef.h>
#include <stdint.h>

enum tlv_header_tag {
    TLV_H_VERSION = 1, TLV_H_LENGTH = 2, TLV_H_SIGNER_ID = 3, TLV_H_SIGNER_NAME = 4,
    TLV_H_SERIAL = 5, TLV_H_CA_NAME = 6, TLV_H_SIGNATURE_INFO = 7, TLV_H_DIGEST = 8,
    TLV_H_SIGALG_INFO = 9, TLV_H_SIGALG = 10, TLV_H_MODULUS = 11, TLV_H_SIGNATURE = 12,
    TLV_H_PADDING = 13, TLV_H_FILENAME = 14, TLV_H_TIMESTAMP = 15,
    TLV_H_ENC_INFO = 16, TLV_H_IV_INFO = 17, TLV_H_IV_MODE = 18, TLV_H_IV = 19,
    TLV_H_PAD_COUNT = 20, TLV_H_KEY_INFO = 21, TLV_H_KEY_MODE = 22, TLV_H_KEY_SIZE = 23,
    TLV_H_KEY_ALG = 24, TLV_H_KEY = 25, TLV_H_PLAIN_DIGEST = 26, TLV_H_PLAIN_HASH = 27,
    TLV_H_SIGNER_VERSION = 28
};

enum tlv_record_tag {
    TLV_R_LENGTH = 1, TLV_R_DNS_NAME = 2, TLV_R_SUBJECT = 3, TLV_R_ROLE = 4, TLV_R_ISSUER = 5,
    TLV_R_SERIAL = 6, TLV_R_PUBLIC_KEY = 7, TLV_R_SIGNATURE = 8, TLV_R_CERT = 9,
    TLV_R_IP_ADDRESS = 10, TLV_R_CERT_HASH = 11, TLV_R_HASH_ALG = 12
};

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
