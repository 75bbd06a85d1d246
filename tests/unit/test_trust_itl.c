/* test_trust_itl.c - ITL and CTL trust lists: built then parsed gives the
 * same entries, the layout matches the format byte for byte where it is
 * fixed, every signature verifies (here and independently with EVP), and
 * every changed or missing byte fails verification. */
#include <config.h>

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>

#include "trust/itl.h"
#include "test_trust_common.h"

static struct trust_key sast, recovery, tftp, tftp_ec, other;
static uint8_t *sast_der, *recovery_der, *tftp_der, *tftp_ec_der, *other_der;
static size_t sast_len, recovery_len, tftp_len, tftp_ec_len, other_len;

static void setup(void)
{
    fixture_key("sast", &sast);
    fixture_key("recovery", &recovery);
    fixture_key("tftp", &tftp);
    fixture_key("tftp_ec", &tftp_ec);
    fixture_key("other", &other);
    sast_der = cert_der(sast.cert, &sast_len);
    recovery_der = cert_der(recovery.cert, &recovery_len);
    tftp_der = cert_der(tftp.cert, &tftp_len);
    tftp_ec_der = cert_der(tftp_ec.cert, &tftp_ec_len);
    other_der = cert_der(other.cert, &other_len);
}

static void teardown(void)
{
    struct trust_key *keys[] = { &sast, &recovery, &tftp, &tftp_ec, &other };
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        trust_key_free(keys[i]);
    OPENSSL_free(sast_der);
    OPENSSL_free(recovery_der);
    OPENSSL_free(tftp_der);
    OPENSSL_free(tftp_ec_der);
    OPENSSL_free(other_der);
}

static struct trust_signer signer(const struct trust_key *k, enum tlv_hash hash)
{
    return (struct trust_signer){ k->pkey, k->cert, hash, T0 };
}

/* The usual list: signed by SAST, with ITLRecovery and the TFTP key. */
static uint8_t *usual(enum itl_kind kind, const char *name, size_t *len)
{
    struct itl_entry e[] = {
        { TLV_ROLE_SAST, recovery_der, recovery_len, NULL, NULL },
        { TLV_ROLE_TFTP, tftp_der, tftp_len, NULL, NULL },
    };
    struct trust_signer s = signer(&sast, TLV_HASH_SHA512);
    uint8_t *out = NULL;
    char err[160] = "";
    ck_assert_msg(itl_build(kind, &s, name, e, 2, &out, len, err, sizeof err) == 0, "%s", err);
    return out;
}

static void assert_span(struct tlv_span got, const uint8_t *want, size_t len)
{
    ck_assert_uint_eq(got.len, len);
    ck_assert_int_eq(memcmp(got.p, want, len), 0);
}

START_TEST(built_then_parsed_same_entries)
{
    size_t len;
    uint8_t *file = usual(ITL_KIND_ITL, "ITLFile.tlv", &len);
    struct itl_file f;
    char err[160] = "";
    ck_assert_msg(itl_parse(file, len, &f, err, sizeof err) == 0, "%s", err);
    ck_assert_uint_eq(f.n, 3);                      /* the signer comes first */
    ck_assert_int_eq(f.rec[0].role, TLV_ROLE_SAST);
    assert_span(f.rec[0].cert, sast_der, sast_len);
    ck_assert_int_eq(f.rec[1].role, TLV_ROLE_SAST);
    assert_span(f.rec[1].cert, recovery_der, recovery_len);
    ck_assert_int_eq(f.rec[2].role, TLV_ROLE_TFTP);
    assert_span(f.rec[2].cert, tftp_der, tftp_len);
    ck_assert_str_eq(f.rec[0].subject, "CN=SAST_tftp.example.lab;OU=SAST;O=ucprov");
    ck_assert_str_eq(f.rec[2].issuer, "CN=tftp.example.lab;OU=TFTP;O=ucprov");
    assert_span(f.rec[0].serial, (const uint8_t[]){ 0x10, 0x01 }, 2);
    assert_span(f.rec[2].serial, (const uint8_t[]){ 0x80, 0xa1 }, 2);   /* no sign byte */
    ck_assert_uint_eq(f.rec[2].public_key.len, 270);    /* PKCS#1 RSAPublicKey, 2048 bits */
    ck_assert_uint_eq(f.rec[2].public_key.p[0], 0x30);
    uint8_t *pk = NULL;
    int pk_len = i2d_PublicKey(X509_get0_pubkey(tftp.cert), &pk);
    assert_span(f.rec[2].public_key, pk, (size_t)pk_len);
    OPENSSL_free(pk);
    const ASN1_BIT_STRING *sig;
    X509_get0_signature(&sig, NULL, tftp.cert);
    assert_span(f.rec[2].cert_signature, ASN1_STRING_get0_data(sig),
                (size_t)ASN1_STRING_length(sig));
    ck_assert_ptr_null(f.rec[2].dns_name);
    ck_assert_uint_eq(f.rec[2].ip.len, 0);
    itl_file_free(&f);
    free(file);
}
END_TEST

START_TEST(header_fields)
{
    size_t len;
    uint8_t *file = usual(ITL_KIND_ITL, "ITLSEP001122334455.tlv", &len);
    struct itl_file f;
    ck_assert_int_eq(itl_parse(file, len, &f, NULL, 0), 0);
    const struct sighdr *h = &f.hdr;
    ck_assert_uint_eq(h->major, 1);
    ck_assert_uint_eq(h->minor, 2);
    ck_assert_uint_eq(h->signer_version, 0x0100);
    ck_assert_str_eq(h->filename, "ITLSEP001122334455.tlv");
    ck_assert_uint_eq(h->timestamp, (uint32_t)T0);
    ck_assert_uint_eq(h->digest, TLV_HASH_SHA512);
    ck_assert_uint_eq(h->sigalg, 0);
    ck_assert_uint_eq(h->modulus, 2);
    ck_assert_uint_eq(h->signature.len, 256);
    ck_assert_str_eq(h->signer_name, "CN=SAST_tftp.example.lab;OU=SAST;O=ucprov");
    ck_assert_str_eq(h->ca_name, h->signer_name);
    ck_assert_uint_eq(h->header_len % 4, 0);
    /* fixed prefix: version 1.2, header length, signer version 1.0, signer id */
    const uint8_t prefix[] = { 0x01, 0x00, 0x02, 0x01, 0x02, 0x02, 0x00, 0x02,
                               (uint8_t)(h->header_len >> 8), (uint8_t)h->header_len,
                               0x1c, 0x00, 0x02, 0x01, 0x00, 0x03 };
    ck_assert_int_eq(memcmp(file, prefix, sizeof prefix), 0);
    itl_file_free(&f);
    free(file);
}
END_TEST

/* A record holds its items in tag order: 1, 3, 4, 5, 6, 7, 8, 9. */
START_TEST(record_layout)
{
    size_t len;
    uint8_t *file = usual(ITL_KIND_ITL, "ITLFile.tlv", &len);
    struct sighdr h;
    ck_assert_int_eq(sighdr_parse(file, len, &h, NULL, 0), 0);
    const uint8_t *rec = file + h.header_len;
    ck_assert_uint_eq(rec[0], TLV_R_LENGTH);
    ck_assert_uint_eq(tlv_get_u16(rec + 1), 2);
    size_t rec_len = tlv_get_u16(rec + 3);
    struct tlv_reader r;
    struct tlv_item it;
    static const uint8_t order[] = { 3, 4, 5, 6, 7, 8, 9 };
    tlv_reader_init(&r, rec, rec_len, 0, -1);
    r.off = 5;
    for (size_t i = 0; i < sizeof order; i++) {
        ck_assert_int_eq(tlv_next(&r, &it), 1);
        ck_assert_uint_eq(it.tag, order[i]);
    }
    ck_assert_int_eq(tlv_next(&r, &it), 0);     /* the length covers exactly these */
    free(file);
}
END_TEST

START_TEST(signatures_verify)
{
    size_t len;
    uint8_t *file = usual(ITL_KIND_ITL, "ITLFile.tlv", &len);
    char err[160] = "";
    ck_assert_msg(itl_verify(file, len, NULL, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(itl_verify(file, len, sast.cert, err, sizeof err), 0);
    ck_assert_int_eq(itl_verify(file, len, recovery.cert, err, sizeof err), -1);
    ck_assert_str_eq(err, "the file is signed by another certificate");
    ck_assert_int_eq(itl_verify(file, len, tftp.cert, err, sizeof err), -1);
    struct sighdr h;
    ck_assert_int_eq(sighdr_parse(file, len, &h, NULL, 0), 0);
    ck_assert(independent_verify(file, len, h.sig_off, 3 + h.signature.len, h.signature.p,
                                 h.signature.len, EVP_sha512(), X509_get0_pubkey(sast.cert)));
    ck_assert(!independent_verify(file, len, h.sig_off, 3 + h.signature.len, h.signature.p,
                                  h.signature.len, EVP_sha1(), X509_get0_pubkey(sast.cert)));
    free(file);
}
END_TEST

START_TEST(every_changed_byte_fails)
{
    size_t len;
    uint8_t *file = usual(ITL_KIND_ITL, "ITLFile.tlv", &len);
    for (size_t i = 0; i < len; i++) {
        file[i] ^= 0x01;
        ck_assert_msg(itl_verify(file, len, sast.cert, NULL, 0) == -1, "byte %zu", i);
        ck_assert_msg(itl_verify(file, len, NULL, NULL, 0) == -1, "byte %zu (own SAST)", i);
        file[i] ^= 0x01;
    }
    for (size_t cut = 0; cut < len; cut += 7)
        ck_assert_msg(itl_verify(file, cut, sast.cert, NULL, 0) == -1, "cut at %zu", cut);
    ck_assert_int_eq(itl_verify(file, len, sast.cert, NULL, 0), 0);
    free(file);
}
END_TEST

START_TEST(recovery_key_signs_a_replacement)
{
    struct itl_entry e[] = {
        { TLV_ROLE_SAST, sast_der, sast_len, NULL, NULL },
        { TLV_ROLE_SAST, recovery_der, recovery_len, NULL, NULL },
        { TLV_ROLE_TFTP, tftp_der, tftp_len, NULL, NULL },
    };
    struct trust_signer s = signer(&recovery, TLV_HASH_SHA1);
    uint8_t *file;
    size_t len;
    struct itl_file f;
    ck_assert_int_eq(itl_build(ITL_KIND_ITL, &s, "ITLFile.tlv", e, 3, &file, &len, NULL, 0), 0);
    ck_assert_int_eq(itl_parse(file, len, &f, NULL, 0), 0);
    ck_assert_uint_eq(f.n, 3);                 /* already listed: not added again */
    ck_assert_uint_eq(f.hdr.digest, TLV_HASH_SHA1);
    ck_assert_int_eq(itl_verify(file, len, recovery.cert, NULL, 0), 0);
    ck_assert_int_eq(itl_verify(file, len, sast.cert, NULL, 0), -1);
    ck_assert_int_eq(itl_verify(file, len, NULL, NULL, 0), 0);
    itl_file_free(&f);
    free(file);
}
END_TEST

START_TEST(sha256_lists_verify)
{
    struct itl_entry e[] = { { TLV_ROLE_TFTP, tftp_der, tftp_len, NULL, NULL } };
    struct trust_signer s = signer(&sast, TLV_HASH_SHA256);
    uint8_t *file;
    size_t len;
    ck_assert_int_eq(itl_build(ITL_KIND_ITL, &s, "ITLFile.tlv", e, 1, &file, &len, NULL, 0), 0);
    ck_assert_int_eq(itl_verify(file, len, sast.cert, NULL, 0), 0);
    struct sighdr h;
    ck_assert_int_eq(sighdr_parse(file, len, &h, NULL, 0), 0);
    ck_assert_uint_eq(h.digest, TLV_HASH_SHA256);
    ck_assert(independent_verify(file, len, h.sig_off, 3 + h.signature.len, h.signature.p,
                                 h.signature.len, EVP_sha256(), X509_get0_pubkey(sast.cert)));
    free(file);
}
END_TEST

START_TEST(refusals)
{
    struct trust_signer s = signer(&sast, TLV_HASH_SHA512);
    uint8_t *file = NULL, junk[] = { 0x30, 0x03, 0x02, 0x01, 0x00 };
    size_t len;
    char err[160];
    struct itl_entry three[] = {
        { TLV_ROLE_SAST, recovery_der, recovery_len, NULL, NULL },
        { TLV_ROLE_SAST, other_der, other_len, NULL, NULL },
    };
    ck_assert_int_eq(itl_build(ITL_KIND_ITL, &s, "I", three, 2, &file, &len, err, sizeof err), -1);
    ck_assert_str_eq(err, "a trust list holds at most 2 SAST entries");
    struct itl_entry bad_role = { 5, tftp_der, tftp_len, NULL, NULL };
    ck_assert_int_eq(itl_build(ITL_KIND_ITL, &s, "I", &bad_role, 1, &file, &len, err, sizeof err), -1);
    struct itl_entry bad_der = { TLV_ROLE_TFTP, junk, sizeof junk, NULL, NULL };
    ck_assert_int_eq(itl_build(ITL_KIND_ITL, &s, "I", &bad_der, 1, &file, &len, err, sizeof err), -1);
    uint8_t *longer = malloc(tftp_len + 1);
    memcpy(longer, tftp_der, tftp_len);
    longer[tftp_len] = 0;
    struct itl_entry trailing = { TLV_ROLE_TFTP, longer, tftp_len + 1, NULL, NULL };
    ck_assert_int_eq(itl_build(ITL_KIND_ITL, &s, "I", &trailing, 1, &file, &len, err, sizeof err), -1);
    free(longer);
    struct itl_entry bad_ip = { TLV_ROLE_TFTP, tftp_der, tftp_len, NULL, "192.0.2.300" };
    ck_assert_int_eq(itl_build(ITL_KIND_CTL, &s, "C", &bad_ip, 1, &file, &len, err, sizeof err), -1);
    struct trust_signer mismatch = { tftp.pkey, sast.cert, TLV_HASH_SHA512, T0 };
    ck_assert_int_eq(itl_build(ITL_KIND_ITL, &mismatch, "I", NULL, 0, &file, &len, err, sizeof err), -1);
    ck_assert_str_eq(err, "the signer's key does not match its certificate");
    struct trust_signer ec = signer(&tftp_ec, TLV_HASH_SHA512);
    ck_assert_int_eq(itl_build(ITL_KIND_ITL, &ec, "I", NULL, 0, &file, &len, err, sizeof err), -1);
    /* an Ed25519 certificate: the records have no form for its key */
    EVP_PKEY *ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    X509 *edc = X509_new();
    X509_set_version(edc, X509_VERSION_3);
    ASN1_INTEGER_set(X509_get_serialNumber(edc), 9);
    X509_gmtime_adj(X509_getm_notBefore(edc), 0);
    X509_gmtime_adj(X509_getm_notAfter(edc), 3600);
    X509_set_pubkey(edc, ed);
    ck_assert_int_gt(X509_sign(edc, ed, NULL), 0);
    size_t ed_len;
    uint8_t *ed_der = cert_der(edc, &ed_len);
    struct itl_entry ed_entry = { TLV_ROLE_TFTP, ed_der, ed_len, NULL, NULL };
    ck_assert_int_eq(itl_build(ITL_KIND_ITL, &s, "I", &ed_entry, 1, &file, &len, err, sizeof err), -1);
    ck_assert_str_eq(err, "entry 1: the format carries only RSA and EC keys");
    OPENSSL_free(ed_der);
    X509_free(edc);
    EVP_PKEY_free(ed);
    struct trust_signer md5ish = signer(&sast, 0);
    ck_assert_int_eq(itl_build(ITL_KIND_ITL, &md5ish, "I", NULL, 0, &file, &len, err, sizeof err), -1);
    ck_assert_ptr_null(file);
}
END_TEST

/* An EC TFTP certificate means HTTPS provisioning: signer version 1.1,
 * and its public key is the uncompressed point. */
START_TEST(ec_tftp_makes_version_1_1)
{
    struct itl_entry e[] = {
        { TLV_ROLE_TFTP, tftp_der, tftp_len, NULL, NULL },
        { TLV_ROLE_TFTP, tftp_ec_der, tftp_ec_len, NULL, NULL },
    };
    struct trust_signer s = signer(&sast, TLV_HASH_SHA512);
    uint8_t *file;
    size_t len;
    struct itl_file f;
    ck_assert_int_eq(itl_build(ITL_KIND_ITL, &s, "ITLFile.tlv", e, 2, &file, &len, NULL, 0), 0);
    ck_assert_int_eq(itl_parse(file, len, &f, NULL, 0), 0);
    ck_assert_uint_eq(f.hdr.signer_version, 0x0101);
    ck_assert_uint_eq(f.rec[2].public_key.len, 65);
    ck_assert_uint_eq(f.rec[2].public_key.p[0], 0x04);
    ck_assert_int_eq(itl_verify(file, len, sast.cert, NULL, 0), 0);
    itl_file_free(&f);
    free(file);
}
END_TEST

/* A CTL: no signer version; every record has a DNS name and an IPv4
 * address, empty and 0.0.0.0 when unknown, as CUCM writes them. */
START_TEST(ctl_records)
{
    struct itl_entry e[] = {
        { TLV_ROLE_CCM_TFTP, tftp_der, tftp_len, "tftp.example.lab", "192.0.2.5" },
        { TLV_ROLE_CAPF, other_der, other_len, NULL, NULL },
    };
    struct trust_signer s = signer(&sast, TLV_HASH_SHA512);
    uint8_t *file;
    size_t len;
    struct itl_file f;
    ck_assert_int_eq(itl_build(ITL_KIND_CTL, &s, "CTLFile.tlv", e, 2, &file, &len, NULL, 0), 0);
    ck_assert_int_eq(itl_parse(file, len, &f, NULL, 0), 0);
    ck_assert_uint_eq(f.hdr.signer_version, 0);
    ck_assert_uint_eq(f.hdr.minor, 2);
    ck_assert_uint_eq(f.n, 3);
    ck_assert_str_eq(f.rec[0].dns_name, "");
    assert_span(f.rec[0].ip, (const uint8_t[]){ 0, 0, 0, 0 }, 4);
    ck_assert_str_eq(f.rec[1].dns_name, "tftp.example.lab");
    assert_span(f.rec[1].ip, (const uint8_t[]){ 192, 0, 2, 5 }, 4);
    ck_assert_int_eq(f.rec[1].role, TLV_ROLE_CCM_TFTP);
    ck_assert_int_eq(f.rec[2].role, TLV_ROLE_CAPF);
    /* the record opens with its length, then the DNS name, then the subject */
    const uint8_t *rec = file + f.hdr.header_len + tlv_get_u16(file + f.hdr.header_len + 3);
    ck_assert_int_eq(memcmp(rec + 5, (const uint8_t[]){ 0x02, 0x00, 0x11, 't' }, 4), 0);
    ck_assert_uint_eq(rec[5 + 3 + 17], TLV_R_SUBJECT);
    ck_assert_int_eq(file[10], TLV_H_SIGNER_ID);     /* no item 28 before it */
    ck_assert_int_eq(itl_verify(file, len, NULL, NULL, 0), 0);
    itl_file_free(&f);
    free(file);
}
END_TEST

START_TEST(header_padding_for_any_name)
{
    struct trust_signer s = signer(&sast, TLV_HASH_SHA512);
    char name[16] = "";
    for (size_t n = 1; n < sizeof name; n++) {
        name[n - 1] = 'x';
        uint8_t *file;
        size_t len;
        struct sighdr h;
        ck_assert_int_eq(itl_build(ITL_KIND_ITL, &s, name, NULL, 0, &file, &len, NULL, 0), 0);
        ck_assert_int_eq(sighdr_parse(file, len, &h, NULL, 0), 0);
        ck_assert_uint_eq(h.header_len % 4, 0);
        size_t pads = 0;
        while (file[h.header_len - 1 - pads] == TLV_H_PADDING)
            pads++;
        ck_assert_uint_lt(pads, 4);
        ck_assert_str_eq(h.filename, name);
        ck_assert_int_eq(itl_verify(file, len, NULL, NULL, 0), 0);
        free(file);
    }
}
END_TEST

/* The fixture ITLFile.tlv was made by this code from the same keys and
 * time and checked with certutils' tlvfile ("Valid signature"); RSA
 * PKCS#1 v1.5 is deterministic, so the bytes must not change. */
START_TEST(golden_itl)
{
    size_t golden_len, len;
    uint8_t *golden = fixture_bytes("ITLFile.tlv", &golden_len);
    ck_assert_ptr_nonnull(golden);
    uint8_t *file = usual(ITL_KIND_ITL, "ITLFile.tlv", &len);
    ck_assert_uint_eq(len, golden_len);
    ck_assert_int_eq(memcmp(file, golden, len), 0);
    ck_assert_int_eq(itl_verify(golden, golden_len, sast.cert, NULL, 0), 0);
    free(file);
    free(golden);
}
END_TEST

START_TEST(parse_refusals)
{
    size_t len;
    uint8_t *file = usual(ITL_KIND_ITL, "ITLFile.tlv", &len);
    struct itl_file f;
    struct sighdr h;
    ck_assert_int_eq(sighdr_parse(file, len, &h, NULL, 0), 0);
    uint8_t *rec = file + h.header_len;
    rec[4] = 4;                                     /* record length under 5 */
    ck_assert_int_eq(itl_parse(file, len, &f, NULL, 0), -1);
    rec[3] = 0xff;                                  /* past the end of the file */
    ck_assert_int_eq(itl_parse(file, len, &f, NULL, 0), -1);
    ck_assert_int_eq(itl_parse(file, h.header_len + 4, &f, NULL, 0), -1);
    ck_assert_int_eq(itl_parse(file, h.header_len, &f, NULL, 0), 0);   /* no records */
    ck_assert_uint_eq(f.n, 0);
    itl_file_free(&f);
    free(file);
}
END_TEST

static Suite *itl_suite(void)
{
    Suite *su = suite_create("trust_itl");
    TCase *tc = tcase_create("itl");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, built_then_parsed_same_entries);
    tcase_add_test(tc, header_fields);
    tcase_add_test(tc, record_layout);
    tcase_add_test(tc, signatures_verify);
    tcase_add_test(tc, every_changed_byte_fails);
    tcase_add_test(tc, recovery_key_signs_a_replacement);
    tcase_add_test(tc, sha256_lists_verify);
    tcase_add_test(tc, refusals);
    tcase_add_test(tc, ec_tftp_makes_version_1_1);
    tcase_add_test(tc, ctl_records);
    tcase_add_test(tc, header_padding_for_any_name);
    tcase_add_test(tc, golden_itl);
    tcase_add_test(tc, parse_refusals);
    suite_add_tcase(su, tc);
    return su;
}

int main(void)
{
    SRunner *sr = srunner_create(itl_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
