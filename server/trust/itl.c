/* itl.c - build, read and check ITL and CTL trust lists.  A record is
 *   1 record length (2 bytes, the whole record), [2 DNS name], 3 subject,
 *   4 role (2 bytes), 5 issuer, 6 serial, 7 public key (RSA: PKCS#1 DER;
 *   EC: the uncompressed point), 8 the certificate's signature,
 *   9 the certificate (DER), [10 IPv4 address (4 bytes)]
 * in tag order, as CUCM writes them; readers also meet 11 certificate hash
 * and 12 hash algorithm, which we read but never write. */
#include <config.h>

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "trust/itl.h"
#include "trust/tlv.h"

static X509 *parse_der(const uint8_t *, size_t);
static int load_entries(const struct trust_signer *, const struct itl_entry *, size_t,
                        X509 **, int *, char *, size_t);
static uint16_t signer_version(enum itl_kind, const struct itl_entry *, X509 **, size_t);
static void put_record(struct tlv_buf *, enum itl_kind, unsigned, X509 *,
                       const char *, const uint8_t *);
static int put_records(struct tlv_buf *, enum itl_kind, const struct trust_signer *,
                       const struct itl_entry *, X509 **, size_t, int, char *, size_t);
static int read_record(const uint8_t *, size_t, struct itl_record *);
static int read_record_item(struct itl_record *, const struct tlv_item *);
static X509 *own_sast(const struct itl_file *);

/* One whole DER certificate, nothing before or after it. */
static X509 *parse_der(const uint8_t *der, size_t len)
{
    const unsigned char *p = der;
    if (der == NULL || len == 0 || len > TLV_MAX_VALUE)
        return NULL;
    X509 *cert = d2i_X509(NULL, &p, (long)len);
    if (cert != NULL && p != der + len) {
        X509_free(cert);
        return NULL;
    }
    return cert;
}

/* Parses every entry into certs[] and says whether the signer must be
 * added as the first SAST record. */
static int load_entries(const struct trust_signer *s, const struct itl_entry *e, size_t n,
                        X509 **certs, int *add_signer, char *err, size_t errlen)
{
    int sast = 0, signer_listed = 0;
    for (size_t i = 0; i < n; i++) {
        if (tlv_role_name(e[i].role)[0] == '?') {
            trust_fail(err, errlen, "entry %zu: unknown role %d", i + 1, (int)e[i].role);
            return -1;
        }
        if ((certs[i] = parse_der(e[i].der, e[i].der_len)) == NULL) {
            trust_fail(err, errlen, "entry %zu: not one DER certificate", i + 1);
            return -1;
        }
        EVP_PKEY *pub = X509_get0_pubkey(certs[i]);
        if (pub == NULL || !(EVP_PKEY_is_a(pub, "RSA") || EVP_PKEY_is_a(pub, "EC"))) {
            trust_fail(err, errlen, "entry %zu: the format carries only RSA and EC keys", i + 1);
            return -1;
        }
        if (e[i].role != TLV_ROLE_SAST)
            continue;
        sast++;
        if (X509_cmp(certs[i], s->cert) == 0)
            signer_listed = 1;
    }
    *add_signer = !signer_listed;
    if (sast + *add_signer > ITL_MAX_SAST) {
        trust_fail(err, errlen, "a trust list holds at most %d SAST entries", ITL_MAX_SAST);
        return -1;
    }
    return 0;
}

/* ITL 1.1 tells phones to fetch their config over HTTPS (6971), which
 * only works with an EC TFTP certificate; CTLs carry no signer version. */
static uint16_t signer_version(enum itl_kind kind, const struct itl_entry *e, X509 **certs,
                               size_t n)
{
    if (kind == ITL_KIND_CTL)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((e[i].role == TLV_ROLE_TFTP || e[i].role == TLV_ROLE_CCM_TFTP) &&
            EVP_PKEY_is_a(X509_get0_pubkey(certs[i]), "EC"))
            return 0x0101;
    return 0x0100;
}

static void put_record(struct tlv_buf *b, enum itl_kind kind, unsigned role, X509 *cert,
                       const char *dns_name, const uint8_t *ipv4)
{
    static const uint8_t no_ip[4];
    size_t at = b->len;
    tlv_put_u16(b, TLV_R_LENGTH, 0);
    if (kind == ITL_KIND_CTL || dns_name != NULL)
        tlv_put_str(b, TLV_R_DNS_NAME, dns_name != NULL ? dns_name : "");

    char *subject = trust_name_string(X509_get_subject_name(cert));
    char *issuer = trust_name_string(X509_get_issuer_name(cert));
    uint8_t serial[64], *key = NULL, *der = NULL;
    int serial_len = trust_serial_bytes(cert, serial, sizeof serial);
    int key_len = i2d_PublicKey(X509_get0_pubkey(cert), &key);
    int der_len = i2d_X509(cert, &der);
    const ASN1_BIT_STRING *sig = NULL;
    X509_get0_signature(&sig, NULL, cert);
    if (subject == NULL || issuer == NULL || serial_len < 0 || key_len <= 0 || der_len <= 0 ||
        sig == NULL) {
        b->failed = 1;
    } else {
        tlv_put_str(b, TLV_R_SUBJECT, subject);
        tlv_put_u16(b, TLV_R_ROLE, (uint16_t)role);
        tlv_put_str(b, TLV_R_ISSUER, issuer);
        tlv_put(b, TLV_R_SERIAL, serial, (size_t)serial_len);
        tlv_put(b, TLV_R_PUBLIC_KEY, key, (size_t)key_len);
        tlv_put(b, TLV_R_SIGNATURE, ASN1_STRING_get0_data(sig), (size_t)ASN1_STRING_length(sig));
        tlv_put(b, TLV_R_CERT, der, (size_t)der_len);
    }
    if (kind == ITL_KIND_CTL || ipv4 != NULL)
        tlv_put(b, TLV_R_IP_ADDRESS, ipv4 != NULL ? ipv4 : no_ip, 4);
    free(subject);
    free(issuer);
    OPENSSL_free(key);
    OPENSSL_free(der);
    if (!b->failed && b->len - at > TLV_MAX_VALUE)
        b->failed = 1;
    tlv_patch_u16(b, at, (uint16_t)(b->len - at));
}

static int put_records(struct tlv_buf *b, enum itl_kind kind, const struct trust_signer *s,
                       const struct itl_entry *e, X509 **certs, size_t n, int add_signer,
                       char *err, size_t errlen)
{
    if (add_signer)
        put_record(b, kind, TLV_ROLE_SAST, s->cert, NULL, NULL);
    for (size_t i = 0; i < n; i++) {
        uint8_t ip[4];
        if (e[i].ipv4 != NULL && inet_pton(AF_INET, e[i].ipv4, ip) != 1) {
            trust_fail(err, errlen, "entry %zu: not an IPv4 address", i + 1);
            return -1;
        }
        put_record(b, kind, e[i].role, certs[i], e[i].dns_name, e[i].ipv4 ? ip : NULL);
    }
    if (b->failed) {
        trust_fail(err, errlen, "a record does not fit the format");
        return -1;
    }
    return 0;
}

int itl_build(enum itl_kind kind, const struct trust_signer *s, const char *filename,
              const struct itl_entry *e, size_t n, uint8_t **out, size_t *out_len,
              char *err, size_t errlen)
{
    *out = NULL;
    *out_len = 0;
    if (s->cert == NULL || filename == NULL || n > ITL_MAX_RECORDS) {
        trust_fail(err, errlen, "a signer, a file name and at most %d entries are needed",
             ITL_MAX_RECORDS);
        return -1;
    }
    X509 **certs = calloc(n + 1, sizeof *certs);
    struct tlv_buf body;
    tlv_buf_init(&body);
    int add_signer = 0, rc = -1;
    if (certs == NULL) {
        trust_fail(err, errlen, "out of memory");
        return -1;
    }
    if (load_entries(s, e, n, certs, &add_signer, err, errlen) == 0 &&
        put_records(&body, kind, s, e, certs, n, add_signer, err, errlen) == 0) {
        struct sighdr_spec spec = { .major = 1, .minor = 2, .filename = filename,
                                    .signer_version = signer_version(kind, e, certs, n) };
        rc = sighdr_sign(s, &spec, body.data, body.len, out, out_len, err, errlen);
    }
    for (size_t i = 0; i < n; i++)
        X509_free(certs[i]);
    free(certs);
    tlv_buf_free(&body);
    return rc;
}

static int read_record_item(struct itl_record *rec, const struct tlv_item *it)
{
    uint16_t role;
    switch (it->tag) {
    case TLV_R_DNS_NAME: return (rec->dns_name = tlv_item_str(it)) ? 0 : -1;
    case TLV_R_SUBJECT: return (rec->subject = tlv_item_str(it)) ? 0 : -1;
    case TLV_R_ISSUER: return (rec->issuer = tlv_item_str(it)) ? 0 : -1;
    case TLV_R_ROLE:
        if (tlv_item_u16(it, &role) != 0)
            return -1;
        rec->role = role;
        return 0;
    case TLV_R_SERIAL: rec->serial = (struct tlv_span){ it->value, it->len }; return 0;
    case TLV_R_PUBLIC_KEY: rec->public_key = (struct tlv_span){ it->value, it->len }; return 0;
    case TLV_R_SIGNATURE: rec->cert_signature = (struct tlv_span){ it->value, it->len }; return 0;
    case TLV_R_CERT: rec->cert = (struct tlv_span){ it->value, it->len }; return 0;
    case TLV_R_CERT_HASH: rec->cert_hash = (struct tlv_span){ it->value, it->len }; return 0;
    case TLV_R_IP_ADDRESS:
        rec->ip = (struct tlv_span){ it->value, it->len };
        return it->len == 4 ? 0 : -1;
    case TLV_R_HASH_ALG: return tlv_item_u8(it, &rec->hash_alg);
    case TLV_R_LENGTH: return -1;           /* a record inside a record */
    default: return 0;
    }
}

/* p holds exactly one record, its length item first. */
static int read_record(const uint8_t *p, size_t len, struct itl_record *rec)
{
    memset(rec, 0, sizeof *rec);
    rec->role = -1;
    struct tlv_reader r;
    struct tlv_item it;
    int rc;
    tlv_reader_init(&r, p, len, 0, -1);
    r.off = 5;
    while ((rc = tlv_next(&r, &it)) == 1)
        if (read_record_item(rec, &it) != 0)
            return -1;
    return rc;
}

int itl_parse(const uint8_t *buf, size_t len, struct itl_file *f, char *err, size_t errlen)
{
    memset(f, 0, sizeof *f);
    if (sighdr_parse(buf, len, &f->hdr, err, errlen) != 0)
        return -1;
    size_t off = f->hdr.header_len, cap = 0;
    while (off < len) {
        size_t left = len - off, rec_len;
        if (left < 5 || buf[off] != TLV_R_LENGTH || tlv_get_u16(buf + off + 1) != 2 ||
            (rec_len = tlv_get_u16(buf + off + 3)) < 5 || rec_len > left) {
            trust_fail(err, errlen, "bad record length at byte %zu", off);
            goto bad;
        }
        if (f->n == cap) {
            cap = cap ? cap * 2 : 8;
            struct itl_record *grown = realloc(f->rec, cap * sizeof *grown);
            if (grown == NULL) {
                trust_fail(err, errlen, "out of memory");
                goto bad;
            }
            f->rec = grown;
        }
        if (read_record(buf + off, rec_len, &f->rec[f->n]) != 0) {
            trust_fail(err, errlen, "bad item in the record at byte %zu", off);
            goto bad;
        }
        f->n++;
        off += rec_len;
    }
    return 0;
bad:
    itl_file_free(f);
    return -1;
}

void itl_file_free(struct itl_file *f)
{
    free(f->rec);
    f->rec = NULL;
    f->n = 0;
}

/* The SAST record whose serial number the header names, as a certificate. */
static X509 *own_sast(const struct itl_file *f)
{
    for (size_t i = 0; i < f->n; i++) {
        const struct itl_record *r = &f->rec[i];
        if (r->role != TLV_ROLE_SAST || r->serial.len != f->hdr.serial.len ||
            memcmp(r->serial.p, f->hdr.serial.p, r->serial.len) != 0)
            continue;
        X509 *cert = parse_der(r->cert.p, r->cert.len);
        if (cert != NULL)
            return cert;
    }
    return NULL;
}

int itl_verify(const uint8_t *buf, size_t len, X509 *signer, char *err, size_t errlen)
{
    struct itl_file f;
    if (itl_parse(buf, len, &f, err, errlen) != 0)
        return -1;
    X509 *own = NULL;
    int rc = -1;
    if (signer != NULL && !sighdr_names_cert(&f.hdr, signer))
        trust_fail(err, errlen, "the file is signed by another certificate");
    else if (signer == NULL && (own = own_sast(&f)) == NULL)
        trust_fail(err, errlen, "no SAST record matches the header's signer");
    else
        rc = sighdr_verify(buf, len, &f.hdr, X509_get0_pubkey(signer ? signer : own), err,
                           errlen);
    X509_free(own);
    itl_file_free(&f);
    return rc;
}
