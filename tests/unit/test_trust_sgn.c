/* test_trust_sgn.c - .sgn and .enc.sgn files: the header byte for byte as
 * the format gives it, the payload unchanged, signatures checked here and
 * independently, decryption with the phone's key (and independently with
 * EVP), and tampering caught. */
#include <config.h>

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "trust/sgn.h"
#include "test_trust_common.h"

static struct trust_key tftp, other, phone, tftp_ec;
static const char xml[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<device>\n"
                          "<fullConfig>true</fullConfig>\n<sshPassword>s3cret</sshPassword>\n"
                          "</device>\n";

static void setup(void)
{
    fixture_key("tftp", &tftp);
    fixture_key("other", &other);
    fixture_key("phone", &phone);
    fixture_key("tftp_ec", &tftp_ec);
}

static void teardown(void)
{
    trust_key_free(&tftp);
    trust_key_free(&other);
    trust_key_free(&phone);
    trust_key_free(&tftp_ec);
}

static struct trust_signer tftp_signer(void)
{
    return (struct trust_signer){ tftp.pkey, tftp.cert, TLV_HASH_SHA512, T0 };
}

static uint8_t *make_sgn(const void *plain, size_t plain_len, size_t *len)
{
    struct trust_signer s = tftp_signer();
    uint8_t *out;
    char err[160] = "";
    ck_assert_msg(sgn_build(&s, "SEP001122334455.cnf.xml", plain, plain_len, &out, len, err,
                            sizeof err) == 0, "%s", err);
    return out;
}

static uint8_t *make_enc(const void *plain, size_t plain_len, size_t *len)
{
    struct trust_signer s = tftp_signer();
    uint8_t *out;
    char err[160] = "";
    ck_assert_msg(sgn_build_enc(&s, X509_get0_pubkey(phone.cert), "SEP001122334455.cnf.xml",
                                plain, plain_len, &out, len, err, sizeof err) == 0, "%s", err);
    return out;
}

static void append(uint8_t *buf, size_t *n, const void *p, size_t len)
{
    memcpy(buf + *n, p, len);
    *n += len;
}

#define PUT(...) append(want, &n, (const uint8_t[]){ __VA_ARGS__ }, \
                        sizeof((const uint8_t[]){ __VA_ARGS__ }))

/* The .sgn header written out by hand from the format, the 256 signature
 * bytes excepted; offsets in the comments. */
START_TEST(sgn_header_bytes)
{
    static const char name[] = "CN=tftp.example.lab;OU=TFTP;O=ucprov";   /* 36 + NUL */
    static const char file_name[] = "SEP001122334455.cnf.xml.sgn";       /* 27 + NUL */
    uint8_t want[512];
    size_t n = 0, len;
    PUT(0x01, 0x00, 0x02, 0x01, 0x00);              /*   0 version 1.0 */
    PUT(0x02, 0x00, 0x02, 0x01, 0xa0);              /*   5 header length 416 */
    PUT(0x03, 0x00, 0x55);                          /*  10 signer id, 85 bytes */
    PUT(0x04, 0x00, 0x25);                          /*  13 signer name */
    append(want, &n, name, sizeof name);
    PUT(0x05, 0x00, 0x02, 0x80, 0xa1);              /*  53 serial */
    PUT(0x06, 0x00, 0x25);                          /*  58 CA name */
    append(want, &n, name, sizeof name);
    PUT(0x07, 0x00, 0x0f, 0x08, 0x00, 0x01, 0x03,   /*  98 signature info: SHA-512 */
        0x09, 0x00, 0x08, 0x0a, 0x00, 0x01, 0x00,   /*     RSA */
        0x0b, 0x00, 0x01, 0x02);                    /*     2048-bit */
    PUT(0x0c, 0x01, 0x00);                          /* 116 signature, 256 bytes */
    size_t sig_at = n;
    n += 256;
    PUT(0x0e, 0x00, 0x1c);                          /* 375 file name */
    append(want, &n, file_name, sizeof file_name);
    PUT(0x0f, 0x00, 0x04, 0x6b, 0x49, 0xd2, 0x00);  /* 406 timestamp 1800000000 */
    PUT(0x0d, 0x0d, 0x0d);                          /* 413 padding to 416 */
    ck_assert_uint_eq(n, 416);

    uint8_t *file = make_sgn(xml, sizeof xml - 1, &len);
    ck_assert_uint_eq(len, 416 + sizeof xml - 1);
    ck_assert_int_eq(memcmp(file, want, sig_at), 0);
    ck_assert_int_eq(memcmp(file + sig_at + 256, want + sig_at + 256, 416 - sig_at - 256), 0);
    ck_assert_int_eq(memcmp(file + 416, xml, sizeof xml - 1), 0);   /* unchanged */
    ck_assert(independent_verify(file, len, 116, 259, file + sig_at, 256, EVP_sha512(),
                                 X509_get0_pubkey(tftp.cert)));
    free(file);
}
END_TEST

START_TEST(sgn_verify_and_payload)
{
    size_t len;
    uint8_t *file = make_sgn(xml, sizeof xml - 1, &len);
    struct tlv_span body;
    char err[160] = "";
    ck_assert_msg(sgn_verify(file, len, tftp.cert, &body, err, sizeof err) == 0, "%s", err);
    ck_assert_uint_eq(body.len, sizeof xml - 1);
    ck_assert_int_eq(memcmp(body.p, xml, body.len), 0);
    ck_assert_int_eq(sgn_verify(file, len, other.cert, NULL, err, sizeof err), -1);
    ck_assert_str_eq(err, "the file is signed by another certificate");
    free(file);
}
END_TEST

START_TEST(sgn_every_changed_byte_fails)
{
    size_t len;
    uint8_t *file = make_sgn(xml, sizeof xml - 1, &len);
    for (size_t i = 0; i < len; i++) {
        file[i] ^= 0x20;
        ck_assert_msg(sgn_verify(file, len, tftp.cert, NULL, NULL, 0) == -1, "byte %zu", i);
        file[i] ^= 0x20;
    }
    ck_assert_int_eq(sgn_verify(file, len - 1, tftp.cert, NULL, NULL, 0), -1);
    ck_assert_int_eq(sgn_verify(file, len, tftp.cert, NULL, NULL, 0), 0);
    free(file);
}
END_TEST

START_TEST(sgn_empty_and_large)
{
    size_t len, big_len = 3u << 20;
    uint8_t *file = make_sgn("", 0, &len);
    struct tlv_span body;
    ck_assert_int_eq(sgn_verify(file, len, tftp.cert, &body, NULL, 0), 0);
    ck_assert_uint_eq(body.len, 0);
    free(file);
    uint8_t *big = malloc(big_len);
    for (size_t i = 0; i < big_len; i++)
        big[i] = (uint8_t)(i * 31);
    file = make_sgn(big, big_len, &len);
    ck_assert_int_eq(sgn_verify(file, len, tftp.cert, &body, NULL, 0), 0);
    ck_assert_uint_eq(body.len, big_len);
    ck_assert_int_eq(memcmp(body.p, big, big_len), 0);
    free(file);
    free(big);
}
END_TEST

START_TEST(sgn_refusals)
{
    struct trust_signer ec = { tftp_ec.pkey, tftp_ec.cert, TLV_HASH_SHA512, T0 };
    uint8_t *out;
    size_t len;
    char err[160];
    ck_assert_int_eq(sgn_build(&ec, "a", (const uint8_t *)"x", 1, &out, &len, err, sizeof err), -1);
    ck_assert_str_eq(err, "the signer must have an RSA key and a certificate");
    struct trust_signer s = tftp_signer();
    ck_assert_int_eq(sgn_build(&s, NULL, (const uint8_t *)"x", 1, &out, &len, err, sizeof err), -1);
    s.now = (time_t)-1;
    ck_assert_int_eq(sgn_build(&s, "a", (const uint8_t *)"x", 1, &out, &len, err, sizeof err), -1);
    char long_name[70000];
    memset(long_name, 'a', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    s = tftp_signer();
    ck_assert_int_eq(sgn_build(&s, long_name, (const uint8_t *)"x", 1, &out, &len, err,
                               sizeof err), -1);
}
END_TEST

/* The encryption items: IV info 28 bytes, key info 272, 306 in all. */
START_TEST(enc_header_bytes)
{
    size_t len;
    uint8_t *file = make_enc(xml, sizeof xml - 1, &len);
    struct sighdr h;
    ck_assert_int_eq(sighdr_parse(file, len, &h, NULL, 0), 0);
    ck_assert_int_eq(memcmp(file, (const uint8_t[]){ 0x01, 0x00, 0x02, 0x02, 0x00 }, 5), 0);
    ck_assert_uint_eq(h.header_len, 800);
    ck_assert_str_eq(h.filename, "SEP001122334455.cnf.xml.enc.sgn");
    const uint8_t *p = file + 417;      /* after the 32-byte name and the timestamp */
    ck_assert_int_eq(memcmp(p, (const uint8_t[]){ 0x10, 0x01, 0x32, 0x11, 0x00, 0x1c,
                                                  0x12, 0x00, 0x01, 0x00, 0x13, 0x00, 0x10 },
                            13), 0);
    p += 13 + 16;
    size_t pad = 16 - (sizeof xml - 1) % 16;
    ck_assert_int_eq(memcmp(p, (const uint8_t[]){ 0x14, 0x00, 0x02, 0x00, (uint8_t)pad,
                                                  0x15, 0x01, 0x10, 0x16, 0x00, 0x01, 0x00,
                                                  0x17, 0x00, 0x02, 0x00, 0x80,
                                                  0x18, 0x00, 0x01, 0x01,
                                                  0x19, 0x01, 0x00 }, 24), 0);
    p += 24 + 256;
    ck_assert_int_eq(memcmp(p, (const uint8_t[]){ 0x1a, 0x00, 0x01, 0x03, 0x1b, 0x00, 0x40 },
                            7), 0);
    uint8_t digest[64];
    unsigned dlen;
    EVP_Digest(xml, sizeof xml - 1, digest, &dlen, EVP_sha512(), NULL);
    ck_assert_int_eq(memcmp(p + 7, digest, 64), 0);
    ck_assert_int_eq(memcmp(p + 71, (const uint8_t[]){ 0x0d, 0x0d, 0x0d }, 3), 0);
    ck_assert_uint_eq(p + 74 - file, 800);
    ck_assert(h.encrypted);
    ck_assert_uint_eq(h.pad_count, pad);
    ck_assert_uint_eq(len - 800, sizeof xml - 1 + pad);
    for (size_t i = 0; i + 6 <= len; i++)                   /* no readable secret */
        ck_assert_int_ne(memcmp(file + i, "s3cret", 6), 0);
    free(file);
}
END_TEST

START_TEST(enc_round_trip)
{
    static const size_t sizes[] = { 0, 1, 15, 16, 17, sizeof xml - 1, 4096 };
    uint8_t *src = malloc(4096);
    for (size_t i = 0; i < 4096; i++)
        src[i] = xml[i % (sizeof xml - 1)];
    for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
        size_t len, plain_len;
        uint8_t *file = make_enc(src, sizes[k], &len), *plain;
        char err[160] = "";
        ck_assert_msg(sgn_verify(file, len, tftp.cert, NULL, err, sizeof err) == 0, "%s", err);
        ck_assert_msg(sgn_decrypt_enc(file, len, phone.pkey, &plain, &plain_len, err,
                                      sizeof err) == 0, "size %zu: %s", sizes[k], err);
        ck_assert_uint_eq(plain_len, sizes[k]);
        ck_assert_int_eq(memcmp(plain, src, plain_len), 0);
        ck_assert_uint_eq((len - 800) % 16, 0);
        ck_assert_uint_gt(len - 800, sizes[k]);             /* 1 to 16 pad bytes */
        free(plain);
        free(file);
    }
    free(src);
}
END_TEST

/* Decrypt without sgn.c: unwrap the AES key with the phone's key, run
 * AES-128-CBC, and find the '\r' padding the pad count announces. */
START_TEST(enc_independent_decrypt)
{
    size_t len;
    uint8_t *file = make_enc(xml, sizeof xml - 1, &len);
    struct sighdr h;
    ck_assert_int_eq(sighdr_parse(file, len, &h, NULL, 0), 0);
    EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new(phone.pkey, NULL);
    uint8_t key[256], out[512];
    size_t key_len = sizeof key;
    ck_assert_int_eq(EVP_PKEY_decrypt_init(pctx), 1);
    ck_assert_int_eq(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING), 1);
    ck_assert_int_eq(EVP_PKEY_decrypt(pctx, key, &key_len, h.enc_key.p, h.enc_key.len), 1);
    ck_assert_uint_eq(key_len, 16);
    EVP_PKEY_CTX_free(pctx);
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int n = 0, tail = 0;
    ck_assert_int_eq(EVP_DecryptInit_ex2(c, EVP_aes_128_cbc(), key, h.iv.p, NULL), 1);
    EVP_CIPHER_CTX_set_padding(c, 0);
    ck_assert_int_eq(EVP_DecryptUpdate(c, out, &n, file + 800, (int)(len - 800)), 1);
    ck_assert_int_eq(EVP_DecryptFinal_ex(c, out + n, &tail), 1);
    EVP_CIPHER_CTX_free(c);
    ck_assert_uint_eq((size_t)(n + tail), sizeof xml - 1 + h.pad_count);
    ck_assert_int_eq(memcmp(out, xml, sizeof xml - 1), 0);
    for (size_t i = 0; i < h.pad_count; i++)
        ck_assert_uint_eq(out[sizeof xml - 1 + i], '\r');
    free(file);
}
END_TEST

START_TEST(enc_fresh_key_each_time)
{
    size_t a_len, b_len;
    uint8_t *a = make_enc(xml, sizeof xml - 1, &a_len), *b = make_enc(xml, sizeof xml - 1, &b_len);
    ck_assert_uint_eq(a_len, b_len);
    ck_assert_int_ne(memcmp(a + 800, b + 800, a_len - 800), 0);
    free(a);
    free(b);
}
END_TEST

START_TEST(enc_refusals)
{
    size_t len, plain_len;
    uint8_t *file = make_enc(xml, sizeof xml - 1, &len), *plain;
    char err[160];
    ck_assert_int_eq(sgn_decrypt_enc(file, len, other.pkey, &plain, &plain_len, err, sizeof err), -1);
    ck_assert_ptr_null(plain);
    file[len - 20] ^= 1;                                        /* ciphertext */
    ck_assert_int_eq(sgn_verify(file, len, tftp.cert, NULL, NULL, 0), -1);
    ck_assert_int_eq(sgn_decrypt_enc(file, len, phone.pkey, &plain, &plain_len, err, sizeof err), -1);
    ck_assert_str_eq(err, "the decrypted file does not match its digest");
    file[len - 20] ^= 1;
    file[417 + 13] ^= 1;                                        /* IV */
    ck_assert_int_eq(sgn_decrypt_enc(file, len, phone.pkey, &plain, &plain_len, err, sizeof err), -1);
    file[417 + 13] ^= 1;
    ck_assert_int_eq(sgn_decrypt_enc(file, len - 1, phone.pkey, &plain, &plain_len, err, sizeof err), -1);
    ck_assert_int_eq(sgn_decrypt_enc(file, len, phone.pkey, &plain, &plain_len, err, sizeof err), 0);
    free(plain);
    free(file);
    /* a plain .sgn is not encrypted */
    file = make_sgn(xml, sizeof xml - 1, &len);
    ck_assert_int_eq(sgn_decrypt_enc(file, len, phone.pkey, &plain, &plain_len, err, sizeof err), -1);
    ck_assert_str_eq(err, "not an encrypted file");
    free(file);
    /* only RSA phone keys can wrap the AES key */
    struct trust_signer s = tftp_signer();
    ck_assert_int_eq(sgn_build_enc(&s, tftp_ec.pkey, "x", (const uint8_t *)"a", 1, &file, &len,
                                   err, sizeof err), -1);
}
END_TEST

START_TEST(cert_hash_md5)
{
    char hash[33];
    ck_assert_int_eq(sgn_cert_hash(phone.cert, hash), 0);
    /* openssl x509 -in phone.pem -outform DER | md5sum */
    ck_assert_str_eq(hash, "d3de351c4933269db2bffec20e806420");
}
END_TEST

static Suite *sgn_suite(void)
{
    Suite *su = suite_create("trust_sgn");
    TCase *tc = tcase_create("sgn");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, sgn_header_bytes);
    tcase_add_test(tc, sgn_verify_and_payload);
    tcase_add_test(tc, sgn_every_changed_byte_fails);
    tcase_add_test(tc, sgn_empty_and_large);
    tcase_add_test(tc, sgn_refusals);
    suite_add_tcase(su, tc);
    tc = tcase_create("enc");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, enc_header_bytes);
    tcase_add_test(tc, enc_round_trip);
    tcase_add_test(tc, enc_independent_decrypt);
    tcase_add_test(tc, enc_fresh_key_each_time);
    tcase_add_test(tc, enc_refusals);
    tcase_add_test(tc, cert_hash_md5);
    suite_add_tcase(su, tc);
    return su;
}

int main(void)
{
    SRunner *sr = srunner_create(sgn_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
