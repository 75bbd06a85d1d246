/* sighdr.c - build, read and check the signature header of .tlv, .sgn and
 * .enc.sgn files.  Layout (tags in tlv.h):
 *   1 version, 2 header length, [28 signer version],
 *   3 signer id { 4 signer name, 5 serial, 6 CA name },
 *   7 signature info { 8 digest, 9 algorithm info { 10 RSA = 0, 11 modulus } },
 *   12 signature, 14 file name, 15 timestamp, [16..27 encryption], 13 padding...
 * The header length covers everything up to the payload, padding included. */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include "trust/sighdr.h"
#include "trust/tlv.h"

static int modulus_code(size_t);
static void put_header(struct tlv_buf *, const struct trust_signer *,
                       const struct sighdr_spec *, size_t, size_t *);
static int sign_parts(const struct trust_signer *, const uint8_t *, size_t, const uint8_t *,
                      size_t, uint8_t *);
static int read_fixed(const uint8_t *, size_t, struct sighdr *, char *, size_t);
static int read_item(struct sighdr *, const struct tlv_item *, unsigned *);

/* Containers are entered, not skipped; 13 is a lone padding byte. */
#define HEADER_CONTAINERS                                                              \
    (1u << TLV_H_SIGNER_ID | 1u << TLV_H_SIGNATURE_INFO | 1u << TLV_H_SIGALG_INFO |   \
     1u << TLV_H_ENC_INFO | 1u << TLV_H_IV_INFO | 1u << TLV_H_KEY_INFO)

/* What read_item saw, to check the header is whole. */
enum { SEEN_SIG = 1, SEEN_DIGEST = 2, SEEN_SERIAL = 4, SEEN_IV = 8, SEEN_KEY = 16,
       SEEN_PLAIN = 32, SEEN_PAD = 64 };

const EVP_MD *trust_md(unsigned hash)
{
    switch (hash) {
    case TLV_HASH_SHA1: return EVP_sha1();
    case TLV_HASH_SHA256: return EVP_sha256();
    case TLV_HASH_SHA512: return EVP_sha512();
    default: return NULL;
    }
}

/* Item 11 codes the RSA modulus by size: 0 512-bit ... 3 4096-bit. */
static int modulus_code(size_t sig_len)
{
    static const size_t sizes[] = { 64, 128, 256, 512 };
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++)
        if (sizes[i] == sig_len)
            return (int)i;
    return -1;
}

char *trust_name_string(const X509_NAME *name)
{
    struct tlv_buf b;
    tlv_buf_init(&b);
    /* Most specific first (CN before C), as CUCM prints them, ';' between. */
    for (int i = X509_NAME_entry_count(name) - 1; i >= 0; i--) {
        const X509_NAME_ENTRY *e = X509_NAME_get_entry(name, i);
        int nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(e));
        const char *sn = nid != NID_undef ? OBJ_nid2sn(nid) : NULL;
        char oid[80];
        if (sn == NULL) {
            OBJ_obj2txt(oid, sizeof oid, X509_NAME_ENTRY_get_object(e), 1);
            sn = oid;
        }
        unsigned char *utf8 = NULL;
        int n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(e));
        if (n < 0) {
            tlv_buf_free(&b);
            return NULL;
        }
        if (b.len > 0)
            tlv_put_raw(&b, ";", 1);
        tlv_put_raw(&b, sn, strlen(sn));
        tlv_put_raw(&b, "=", 1);
        tlv_put_raw(&b, utf8, (size_t)n);
        OPENSSL_free(utf8);
    }
    tlv_put_raw(&b, "", 1);
    if (b.failed) {
        tlv_buf_free(&b);
        return NULL;
    }
    char *s = strdup((const char *)b.data);
    tlv_buf_free(&b);
    return s;
}

int trust_serial_bytes(X509 *cert, uint8_t *out, size_t outlen)
{
    BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), NULL);
    if (bn == NULL)
        return -1;
    int n = BN_num_bytes(bn);
    int rc = -1;
    if (n == 0 && outlen > 0) {          /* serial 0 still takes one byte */
        out[0] = 0;
        rc = 1;
    } else if (n > 0 && (size_t)n <= outlen && !BN_is_negative(bn)) {
        rc = BN_bn2bin(bn, out);
    }
    BN_free(bn);
    return rc;
}

/* Everything but the signature item, which goes in at *sig_off. */
static void put_header(struct tlv_buf *b, const struct trust_signer *s,
                       const struct sighdr_spec *spec, size_t sig_len, size_t *sig_off)
{
    uint8_t version[2] = { spec->major, spec->minor }, serial[64];
    tlv_put(b, TLV_H_VERSION, version, sizeof version);
    size_t len_at = b->len;
    tlv_put_u16(b, TLV_H_LENGTH, 0);
    if (spec->signer_version != 0)
        tlv_put_u16(b, TLV_H_SIGNER_VERSION, spec->signer_version);

    char *signer = trust_name_string(X509_get_subject_name(s->cert));
    char *issuer = trust_name_string(X509_get_issuer_name(s->cert));
    int serial_len = trust_serial_bytes(s->cert, serial, sizeof serial);
    if (signer == NULL || issuer == NULL || serial_len < 0)
        b->failed = 1;
    size_t at = tlv_open(b, TLV_H_SIGNER_ID);
    if (!b->failed) {
        tlv_put_str(b, TLV_H_SIGNER_NAME, signer);
        tlv_put(b, TLV_H_SERIAL, serial, (size_t)serial_len);
        tlv_put_str(b, TLV_H_CA_NAME, issuer);
    }
    tlv_close(b, at);
    free(signer);
    free(issuer);

    at = tlv_open(b, TLV_H_SIGNATURE_INFO);
    tlv_put_u8(b, TLV_H_DIGEST, (uint8_t)s->hash);
    size_t alg_at = tlv_open(b, TLV_H_SIGALG_INFO);
    tlv_put_u8(b, TLV_H_SIGALG, 0);
    tlv_put_u8(b, TLV_H_MODULUS, (uint8_t)modulus_code(sig_len));
    tlv_close(b, alg_at);
    tlv_close(b, at);

    *sig_off = b->len;
    tlv_put_str(b, TLV_H_FILENAME, spec->filename);
    tlv_put_u32(b, TLV_H_TIMESTAMP, (uint32_t)s->now);
    tlv_put_raw(b, spec->extra, spec->extra_len);
    static const uint8_t pad[3] = { TLV_H_PADDING, TLV_H_PADDING, TLV_H_PADDING };
    tlv_put_raw(b, pad, (4 - (b->len + 3 + sig_len) % 4) % 4);
    size_t header_len = b->len + 3 + sig_len;
    if (header_len > TLV_MAX_VALUE)
        b->failed = 1;
    tlv_patch_u16(b, len_at, (uint16_t)header_len);
}

/* Signs the header (still without its signature item) then the body. */
static int sign_parts(const struct trust_signer *s, const uint8_t *head, size_t head_len,
                      const uint8_t *body, size_t body_len, uint8_t *sig)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    size_t sig_len = (size_t)EVP_PKEY_get_size(s->key);
    int ok = ctx != NULL &&
             EVP_DigestSignInit(ctx, NULL, trust_md(s->hash), NULL, s->key) == 1 &&
             EVP_DigestSignUpdate(ctx, head, head_len) == 1 &&
             (body_len == 0 || EVP_DigestSignUpdate(ctx, body, body_len) == 1) &&
             EVP_DigestSignFinal(ctx, sig, &sig_len) == 1 &&
             sig_len == (size_t)EVP_PKEY_get_size(s->key);
    EVP_MD_CTX_free(ctx);
    return ok ? 0 : -1;
}

int sighdr_sign(const struct trust_signer *s, const struct sighdr_spec *spec,
                const uint8_t *body, size_t body_len, uint8_t **out, size_t *out_len,
                char *err, size_t errlen)
{
    *out = NULL;
    *out_len = 0;
    if (s->key == NULL || s->cert == NULL || !EVP_PKEY_is_a(s->key, "RSA")) {
        trust_fail(err, errlen, "the signer must have an RSA key and a certificate");
        return -1;
    }
    if (X509_check_private_key(s->cert, s->key) != 1) {
        trust_fail(err, errlen, "the signer's key does not match its certificate");
        return -1;
    }
    size_t sig_len = (size_t)EVP_PKEY_get_size(s->key);
    if (modulus_code(sig_len) < 0 || trust_md(s->hash) == NULL) {
        trust_fail(err, errlen, "unsupported RSA key size or digest");
        return -1;
    }
    if (s->now < 0 || (unsigned long long)s->now > UINT32_MAX || spec->filename == NULL) {
        trust_fail(err, errlen, "the timestamp or file name is out of range");
        return -1;
    }
    struct tlv_buf head;
    tlv_buf_init(&head);
    size_t sig_off = 0;
    put_header(&head, s, spec, sig_len, &sig_off);
    uint8_t *file = NULL;
    if (head.failed || body_len > SIZE_MAX - head.len - 3 - sig_len ||
        (file = malloc(head.len + 3 + sig_len + body_len)) == NULL) {
        trust_fail(err, errlen, "the header does not fit the format");
        tlv_buf_free(&head);
        return -1;
    }
    uint8_t *sig = file + sig_off + 3;
    if (sign_parts(s, head.data, head.len, body, body_len, sig) != 0) {
        trust_fail(err, errlen, "signing failed");
        free(file);
        tlv_buf_free(&head);
        return -1;
    }
    memcpy(file, head.data, sig_off);
    file[sig_off] = TLV_H_SIGNATURE;
    file[sig_off + 1] = (uint8_t)(sig_len >> 8);
    file[sig_off + 2] = (uint8_t)sig_len;
    memcpy(sig + sig_len, head.data + sig_off, head.len - sig_off);
    if (body_len > 0)
        memcpy(file + head.len + 3 + sig_len, body, body_len);
    *out_len = head.len + 3 + sig_len + body_len;
    *out = file;
    tlv_buf_free(&head);
    return 0;
}

/* The two fixed items: version, then the header length. */
static int read_fixed(const uint8_t *buf, size_t len, struct sighdr *h, char *err,
                      size_t errlen)
{
    if (len < 10 || buf[0] != TLV_H_VERSION || tlv_get_u16(buf + 1) != 2 ||
        buf[5] != TLV_H_LENGTH || tlv_get_u16(buf + 6) != 2) {
        trust_fail(err, errlen, "not a signed header: no version and length items");
        return -1;
    }
    h->major = buf[3];
    h->minor = buf[4];
    h->header_len = tlv_get_u16(buf + 8);
    if (h->header_len < 10 || h->header_len > len) {
        trust_fail(err, errlen, "header length %u does not fit the file", h->header_len);
        return -1;
    }
    return 0;
}

/* Notes one header item; -1 if it is malformed. */
static int read_item(struct sighdr *h, const struct tlv_item *it, unsigned *seen)
{
    switch (it->tag) {
    case TLV_H_SIGNER_VERSION: return tlv_item_u16(it, &h->signer_version);
    case TLV_H_SIGNER_NAME: return (h->signer_name = tlv_item_str(it)) ? 0 : -1;
    case TLV_H_CA_NAME: return (h->ca_name = tlv_item_str(it)) ? 0 : -1;
    case TLV_H_FILENAME: return (h->filename = tlv_item_str(it)) ? 0 : -1;
    case TLV_H_SERIAL:
        h->serial = (struct tlv_span){ it->value, it->len };
        *seen |= SEEN_SERIAL;
        return it->len > 0 ? 0 : -1;
    case TLV_H_DIGEST:
        *seen |= SEEN_DIGEST;
        return tlv_item_u8(it, &h->digest) == 0 && trust_md(h->digest) ? 0 : -1;
    case TLV_H_SIGALG: return tlv_item_u8(it, &h->sigalg);
    case TLV_H_MODULUS: return tlv_item_u8(it, &h->modulus);
    case TLV_H_SIGNATURE:
        if (*seen & SEEN_SIG || it->len == 0)
            return -1;            /* two signatures would make "the rest" ambiguous */
        *seen |= SEEN_SIG;
        h->signature = (struct tlv_span){ it->value, it->len };
        h->sig_off = it->off;
        return 0;
    case TLV_H_TIMESTAMP: return tlv_item_u32(it, &h->timestamp);
    case TLV_H_IV:
        *seen |= SEEN_IV;
        h->iv = (struct tlv_span){ it->value, it->len };
        return 0;
    case TLV_H_PAD_COUNT: *seen |= SEEN_PAD; return tlv_item_u16(it, &h->pad_count);
    case TLV_H_KEY_SIZE: return tlv_item_u16(it, &h->key_bits);
    case TLV_H_KEY_ALG: return tlv_item_u8(it, &h->key_alg);
    case TLV_H_KEY:
        *seen |= SEEN_KEY;
        h->enc_key = (struct tlv_span){ it->value, it->len };
        return 0;
    case TLV_H_PLAIN_DIGEST: return tlv_item_u8(it, &h->plain_digest);
    case TLV_H_PLAIN_HASH:
        *seen |= SEEN_PLAIN;
        h->plain_hash = (struct tlv_span){ it->value, it->len };
        return 0;
    default:
        return 0;                 /* containers, padding, and tags we do not use */
    }
}

int sighdr_parse(const uint8_t *buf, size_t len, struct sighdr *h, char *err, size_t errlen)
{
    memset(h, 0, sizeof *h);
    if (read_fixed(buf, len, h, err, errlen) != 0)
        return -1;
    struct tlv_reader r;
    struct tlv_item it;
    unsigned seen = 0;
    int rc;
    tlv_reader_init(&r, buf, h->header_len, HEADER_CONTAINERS, TLV_H_PADDING);
    r.off = 10;
    while ((rc = tlv_next(&r, &it)) == 1) {
        if (read_item(h, &it, &seen) != 0) {
            trust_fail(err, errlen, "bad %s item at byte %zu", tlv_header_tag_name(it.tag), it.off);
            return -1;
        }
    }
    if (rc < 0) {
        trust_fail(err, errlen, "an item overruns the header at byte %zu", r.off);
        return -1;
    }
    if ((seen & (SEEN_SIG | SEEN_DIGEST | SEEN_SERIAL)) != (SEEN_SIG | SEEN_DIGEST | SEEN_SERIAL)) {
        trust_fail(err, errlen, "the header lacks its signature, digest or serial number");
        return -1;
    }
    unsigned enc = SEEN_IV | SEEN_KEY | SEEN_PLAIN | SEEN_PAD;
    h->encrypted = (seen & enc) == enc;
    return 0;
}

int sighdr_verify(const uint8_t *buf, size_t len, const struct sighdr *h, EVP_PKEY *pub,
                  char *err, size_t errlen)
{
    if (pub == NULL || !EVP_PKEY_is_a(pub, "RSA") || trust_md(h->digest) == NULL) {
        trust_fail(err, errlen, "the signer's key is not RSA");
        return -1;
    }
    size_t after = h->sig_off + 3 + h->signature.len;
    if (after > len) {
        trust_fail(err, errlen, "the signature overruns the file");
        return -1;
    }
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = ctx != NULL &&
             EVP_DigestVerifyInit(ctx, NULL, trust_md(h->digest), NULL, pub) == 1 &&
             EVP_DigestVerifyUpdate(ctx, buf, h->sig_off) == 1 &&
             EVP_DigestVerifyUpdate(ctx, buf + after, len - after) == 1 &&
             EVP_DigestVerifyFinal(ctx, h->signature.p, h->signature.len) == 1;
    EVP_MD_CTX_free(ctx);
    if (!ok) {
        trust_fail(err, errlen, "invalid signature");
        return -1;
    }
    return 0;
}

int sighdr_names_cert(const struct sighdr *h, X509 *cert)
{
    uint8_t serial[64];
    int n = trust_serial_bytes(cert, serial, sizeof serial);
    return n > 0 && (size_t)n == h->serial.len && memcmp(serial, h->serial.p, (size_t)n) == 0;
}
