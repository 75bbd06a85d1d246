/* test_trust_keys.c - generated SAST, ITLRecovery and TFTP keys: what their
 * certificates say, PEM and PKCS#12 round trips, and refusals. */
#include <config.h>

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "trust/itl.h"
#include "trust/keys.h"
#include "trust/sgn.h"
#include "test_trust_common.h"

static struct trust_key made[4];
static const char host[] = "tftp.example.lab";

/* RSA key generation is slow: make each role once for the whole suite. */
static void make_all(void)
{
    char err[160];
    for (int r = TRUST_KEY_SAST; r <= TRUST_KEY_TFTP_EC; r++)
        if (trust_key_generate((enum trust_key_role)r, host, T0, &made[r], err, sizeof err) != 0)
            abort();
}

static void free_all(void)
{
    for (size_t i = 0; i < sizeof made / sizeof *made; i++)
        trust_key_free(&made[i]);
}

static char *name_entry(X509 *cert, int nid)
{
    static char buf[128];
    buf[0] = '\0';
    X509_NAME_get_text_by_NID(X509_get_subject_name(cert), nid, buf, sizeof buf);
    return buf;
}

START_TEST(roles_and_names)
{
    static const struct { const char *cn, *ou; int bits; const char *type; } want[] = {
        [TRUST_KEY_SAST] = { "SAST_tftp.example.lab", "SAST", 2048, "RSA" },
        [TRUST_KEY_RECOVERY] = { "ITLRECOVERY_tftp.example.lab", "ITLRecovery", 2048, "RSA" },
        [TRUST_KEY_TFTP] = { "tftp.example.lab", "TFTP", 2048, "RSA" },
        [TRUST_KEY_TFTP_EC] = { "tftp.example.lab", "TFTP-EC", 256, "EC" },
    };
    for (int r = 0; r < 4; r++) {
        X509 *c = made[r].cert;
        ck_assert_str_eq(name_entry(c, NID_commonName), want[r].cn);
        ck_assert_str_eq(name_entry(c, NID_organizationalUnitName), want[r].ou);
        ck_assert_str_eq(name_entry(c, NID_organizationName), "ucprov");
        ck_assert(EVP_PKEY_is_a(made[r].pkey, want[r].type));
        ck_assert_int_eq(EVP_PKEY_get_bits(made[r].pkey), want[r].bits);
        ck_assert_int_eq(X509_check_private_key(c, made[r].pkey), 1);
        ck_assert_int_eq(X509_verify(c, made[r].pkey), 1);          /* self-signed */
        ck_assert_int_eq(X509_NAME_cmp(X509_get_subject_name(c), X509_get_issuer_name(c)), 0);
        int sig_nid = X509_get_signature_nid(c);
        ck_assert(sig_nid == NID_sha256WithRSAEncryption || sig_nid == NID_ecdsa_with_SHA256);
        ck_assert_int_eq(X509_get_version(c), X509_VERSION_3);
    }
}
END_TEST

START_TEST(validity_and_serial)
{
    for (int r = 0; r < 4; r++) {
        X509 *c = made[r].cert;
        int days, secs;
        ASN1_TIME *t0 = ASN1_TIME_set(NULL, T0);
        ck_assert_int_eq(ASN1_TIME_diff(&days, &secs, t0, X509_get0_notAfter(c)), 1);
        ck_assert_int_eq(days, TRUST_KEY_YEARS * 365 + 1);
        ck_assert_int_eq(ASN1_TIME_diff(&days, &secs, t0, X509_get0_notBefore(c)), 1);
        ck_assert_int_eq(days * 86400 + secs, -3600);
        ASN1_TIME_free(t0);
        uint8_t serial[64];
        ck_assert_int_eq(trust_serial_bytes(c, serial, sizeof serial), 16);
        ck_assert_uint_eq(serial[0] & 0xc0, 0x40);                  /* positive, 16 bytes */
    }
    ck_assert_int_ne(ASN1_INTEGER_cmp(X509_get0_serialNumber(made[0].cert),
                                      X509_get0_serialNumber(made[1].cert)), 0);
}
END_TEST

START_TEST(tftp_extensions)
{
    X509 *c = made[TRUST_KEY_TFTP].cert;
    ck_assert(X509_get_extension_flags(c) & EXFLAG_XKUSAGE);
    ck_assert(X509_get_extended_key_usage(c) & XKU_SSL_SERVER);
    ck_assert_int_eq(X509_check_host(c, host, 0, 0, NULL), 1);
    ck_assert_int_eq(X509_check_host(made[TRUST_KEY_TFTP_EC].cert, host, 0, 0, NULL), 1);
    ck_assert(X509_get_key_usage(made[TRUST_KEY_SAST].cert) & KU_DIGITAL_SIGNATURE);
    ck_assert_int_eq(X509_check_ca(made[TRUST_KEY_SAST].cert), 0);
}
END_TEST

START_TEST(bad_hosts)
{
    static const char *bad[] = { "", "a;b", "a,b", "a=b", "sp ace", "tab\t",
                                 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" };
    struct trust_key k;
    char err[160];
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        ck_assert_int_eq(trust_key_generate(TRUST_KEY_TFTP_EC, bad[i], T0, &k, err, sizeof err), -1);
        ck_assert_ptr_null(k.pkey);
    }
    ck_assert_int_eq(trust_key_generate(TRUST_KEY_TFTP_EC, NULL, T0, &k, err, sizeof err), -1);
    ck_assert_int_eq(trust_key_generate(TRUST_KEY_TFTP_EC, "192.0.2.7", T0, &k, err, sizeof err), 0);
    ck_assert_int_eq(X509_check_ip_asc(k.cert, "192.0.2.7", 0), 1);
    trust_key_free(&k);
}
END_TEST

START_TEST(pem_round_trip)
{
    char *cert_pem, *key_pem, err[160] = "";
    struct trust_key back;
    ck_assert_int_eq(trust_key_to_pem(&made[TRUST_KEY_SAST], &cert_pem, &key_pem), 0);
    ck_assert_ptr_nonnull(strstr(cert_pem, "-----BEGIN CERTIFICATE-----"));
    ck_assert_ptr_nonnull(strstr(key_pem, "-----BEGIN PRIVATE KEY-----"));
    ck_assert_msg(trust_key_from_pem(cert_pem, key_pem, &back, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(X509_cmp(back.cert, made[TRUST_KEY_SAST].cert), 0);
    ck_assert_int_eq(EVP_PKEY_eq(back.pkey, made[TRUST_KEY_SAST].pkey), 1);
    trust_key_free(&back);
    char *other_cert, *other_key;
    ck_assert_int_eq(trust_key_to_pem(&made[TRUST_KEY_TFTP], &other_cert, &other_key), 0);
    ck_assert_int_eq(trust_key_from_pem(cert_pem, other_key, &back, err, sizeof err), -1);
    ck_assert_str_eq(err, "the private key does not belong to the certificate");
    ck_assert_int_eq(trust_key_from_pem(cert_pem, "junk", &back, err, sizeof err), -1);
    ck_assert_int_eq(trust_key_from_pem(NULL, key_pem, &back, err, sizeof err), -1);
    free(cert_pem);
    free(key_pem);
    free(other_cert);
    free(other_key);
}
END_TEST

/* An encrypted PEM key is refused, not prompted for on a terminal. */
START_TEST(encrypted_pem_refused)
{
    BIO *b = BIO_new(BIO_s_mem());
    char *cert_pem, *key_pem, err[160];
    ck_assert_int_eq(PEM_write_bio_PKCS8PrivateKey(b, made[TRUST_KEY_TFTP_EC].pkey,
                                                   EVP_aes_256_cbc(), "password1", 9, NULL,
                                                   NULL), 1);
    char *data;
    long n = BIO_get_mem_data(b, &data);
    char *enc = strndup(data, (size_t)n);
    ck_assert_int_eq(trust_key_to_pem(&made[TRUST_KEY_TFTP_EC], &cert_pem, &key_pem), 0);
    struct trust_key back;
    ck_assert_int_eq(trust_key_from_pem(cert_pem, enc, &back, err, sizeof err), -1);
    free(enc);
    free(cert_pem);
    free(key_pem);
    BIO_free(b);
}
END_TEST

START_TEST(p12_round_trip)
{
    uint8_t *p12;
    size_t len;
    char err[160] = "";
    struct trust_key back;
    const struct trust_key *rec = &made[TRUST_KEY_RECOVERY];
    ck_assert_msg(trust_key_to_p12(rec, "correct horse", &p12, &len, err, sizeof err) == 0, "%s", err);
    ck_assert_msg(trust_key_from_p12(p12, len, "correct horse", &back, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(X509_cmp(back.cert, rec->cert), 0);
    ck_assert_int_eq(EVP_PKEY_eq(back.pkey, rec->pkey), 1);
    trust_key_free(&back);
    ck_assert_int_eq(trust_key_from_p12(p12, len, "wrong horse", &back, err, sizeof err), -1);
    ck_assert_str_eq(err, "wrong passphrase or no key and certificate in the file");
    ck_assert_ptr_null(back.pkey);
    ck_assert_int_eq(trust_key_from_p12(p12, len / 2, "correct horse", &back, err, sizeof err), -1);
    ck_assert_int_eq(trust_key_from_p12((const uint8_t *)"junk", 4, "correct horse", &back, err,
                                        sizeof err), -1);
    OPENSSL_free(p12);
    ck_assert_int_eq(trust_key_to_p12(rec, "short", &p12, &len, err, sizeof err), -1);
    ck_assert_int_eq(trust_key_to_p12(rec, NULL, &p12, &len, err, sizeof err), -1);
    ck_assert_ptr_null(p12);
}
END_TEST

/* The generated keys do their jobs: SAST signs a list holding the
 * recovery key and both TFTP keys; TFTP signs a config. */
START_TEST(generated_keys_sign)
{
    uint8_t *der[3], *file;
    size_t der_len[3], len;
    int roles[3] = { TRUST_KEY_RECOVERY, TRUST_KEY_TFTP, TRUST_KEY_TFTP_EC };
    for (int i = 0; i < 3; i++)
        der[i] = cert_der(made[roles[i]].cert, &der_len[i]);
    struct itl_entry e[] = {
        { TLV_ROLE_SAST, der[0], der_len[0], NULL, NULL },
        { TLV_ROLE_TFTP, der[1], der_len[1], NULL, NULL },
        { TLV_ROLE_TFTP, der[2], der_len[2], NULL, NULL },
    };
    struct trust_signer s = { made[0].pkey, made[0].cert, TLV_HASH_SHA512, T0 };
    char err[160] = "";
    ck_assert_msg(itl_build(ITL_KIND_ITL, &s, "ITLFile.tlv", e, 3, &file, &len, err, sizeof err) == 0,
                  "%s", err);
    ck_assert_int_eq(itl_verify(file, len, made[0].cert, NULL, 0), 0);
    free(file);
    s = (struct trust_signer){ made[TRUST_KEY_TFTP].pkey, made[TRUST_KEY_TFTP].cert,
                               TLV_HASH_SHA1, T0 };
    ck_assert_int_eq(sgn_build(&s, "Softkeys.xml", (const uint8_t *)"<x/>", 4, &file, &len, NULL, 0), 0);
    ck_assert_int_eq(sgn_verify(file, len, made[TRUST_KEY_TFTP].cert, NULL, NULL, 0), 0);
    free(file);
    for (int i = 0; i < 3; i++)
        OPENSSL_free(der[i]);
}
END_TEST

static Suite *keys_suite(void)
{
    Suite *su = suite_create("trust_keys");
    TCase *tc = tcase_create("keys");
    tcase_add_unchecked_fixture(tc, make_all, free_all);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, roles_and_names);
    tcase_add_test(tc, validity_and_serial);
    tcase_add_test(tc, tftp_extensions);
    tcase_add_test(tc, bad_hosts);
    tcase_add_test(tc, pem_round_trip);
    tcase_add_test(tc, encrypted_pem_refused);
    tcase_add_test(tc, p12_round_trip);
    tcase_add_test(tc, generated_keys_sign);
    suite_add_tcase(su, tc);
    return su;
}

int main(void)
{
    SRunner *sr = srunner_create(keys_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
