/* itl.h - trust lists: ITLFile.tlv / ITLSEP<MAC>.tlv (Initial Trust List)
 * and CTLFile.tlv (Certificate Trust List): a signature header (version 1.2)
 * and one record per certificate and role, signed by a SAST key. */
#ifndef UCPROV_TRUST_ITL_H
#define UCPROV_TRUST_ITL_H

#include <stddef.h>
#include <stdint.h>

#include "trust/sighdr.h"

enum itl_kind {
    ITL_KIND_ITL,   /* signer version item; DNS name and IP only when given */
    ITL_KIND_CTL    /* no signer version; every record has DNS name and IPv4 */
};

/* A certificate to list; dns_name and ipv4 (dotted quad) may be NULL. */
struct itl_entry {
    enum tlv_role role;
    const uint8_t *der;
    size_t der_len;
    const char *dns_name;
    const char *ipv4;
};

/* One record as read; strings and spans point into the caller's bytes. */
struct itl_record {
    int role;                                   /* -1 when absent */
    const char *subject, *issuer, *dns_name;    /* NULL when absent */
    struct tlv_span serial, public_key, cert_signature, cert, ip, cert_hash;
    uint8_t hash_alg;
};

struct itl_file {
    struct sighdr hdr;
    struct itl_record *rec;
    size_t n;
};

#define ITL_MAX_SAST 2
#define ITL_MAX_RECORDS 64

/* Builds a signed trust list into a new *out (free it).  The signer's own
 * certificate is listed first as SAST unless an entry already lists it as
 * SAST; two SAST entries at most.  An ITL whose TFTP entry has an EC key
 * gets signer version 1.1 (HTTPS provisioning on 6971), else 1.0. */
int itl_build(enum itl_kind kind, const struct trust_signer *s, const char *filename,
              const struct itl_entry *e, size_t n, uint8_t **out, size_t *out_len,
              char *err, size_t errlen);
/* Walks header and records with every bound checked (pure); 0 or -1. */
int itl_parse(const uint8_t *buf, size_t len, struct itl_file *f, char *err, size_t errlen);
void itl_file_free(struct itl_file *f);
/* Checks the signature: with signer, as a phone that already trusts that
 * certificate; with NULL, against the file's own SAST record that the
 * header names (as a phone with no list yet).  0 if valid, else -1. */
int itl_verify(const uint8_t *buf, size_t len, X509 *signer, char *err, size_t errlen);

#endif
