/* test_cert.c - cert_parse() and friends against fixtures made once with the
 * openssl CLI (tests/fixtures/make-fixtures.sh).  Every expected value below
 * (hashes, fingerprints, dates, serials, names) was computed by the openssl
 * tool, not by ucprov, so the two implementations check each other. */
#include <config.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/cert.h"
#include "server/limits.h"

/* ---- helpers -------------------------------------------------------------- */

struct blob {
    unsigned char *data;
    size_t len;
};

static struct blob load(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", FIXTURES_DIR, name);
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open fixture %s", path);
    struct blob b = { NULL, 0 };
    size_t cap = 0;
    for (;;) {
        if (b.len == cap) {
            cap = cap ? cap * 2 : 4096;
            b.data = realloc(b.data, cap + 1);
            ck_assert_ptr_nonnull(b.data);
        }
        size_t n = fread(b.data + b.len, 1, cap - b.len, f);
        if (n == 0)
            break;
        b.len += n;
    }
    fclose(f);
    if (b.data == NULL)
        b.data = malloc(1);
    b.data[b.len] = '\0';
    return b;
}

static enum cert_error parse_fixture(const char *name, struct cert_info *ci)
{
    struct blob b = load(name);
    enum cert_error err = cert_parse(b.data, b.len, ci);
    free(b.data);
    return err;
}

static void assert_all_zero(const struct cert_info *ci)
{
    static const struct cert_info zero;
    ck_assert_msg(memcmp(ci, &zero, sizeof zero) == 0,
                  "a failed parse must leave the cert_info zeroed");
}

/* ---- expected values, from the openssl CLI -------------------------------- *
 * cert_hash:   openssl x509 -in X.pem -outform DER | openssl dgst -sha1 -binary | base64
 * sha256:      openssl x509 -in X.pem -noout -fingerprint -sha256
 * dates:       openssl x509 -in X.pem -noout -dates, converted with date -u -d ... +%s
 * names:       openssl x509 -in X.pem -noout -subject -issuer -nameopt RFC2253 */

#define ASA_HASH    "toOpERyhsAPsJTM2Q708z+oWaZw="
#define ASA_SHA256  "1B:04:91:D2:B6:47:79:A6:61:B3:3E:F4:4F:37:A4:A5:33:F2:2A:D7:06:42:B7:43:BE:73:30:63:3E:1E:E7:43"
#define ASA_NB      INT64_C(1740830400)   /* Mar  1 12:00:00 2025 GMT */
#define ASA_NA      INT64_C(2082758399)   /* Dec 31 23:59:59 2035 GMT */

#define CA_HASH     "al7l0IiIiIowNI2knefFkW+29eA="
#define CA_SHA256   "0E:23:58:4A:03:14:39:CC:67:20:58:0C:5B:EF:18:9B:0B:D8:58:C1:A7:03:09:2B:49:0B:FC:C6:01:76:EF:C2"
#define CA_NB       INT64_C(1704067200)   /* Jan  1 00:00:00 2024 GMT */
#define CA_NA       INT64_C(2524607999)   /* Dec 31 23:59:59 2049 GMT */
#define CA_SUBJECT  "CN=ucprov Test CA,O=ucprov tests,C=NZ"

#define EC_HASH     "hwJyZg/oM5cbabFMt9m5N5XoqWk="
#define EC_SHA256   "16:5E:9A:88:11:A8:D4:8F:4A:2D:50:ED:28:6B:86:90:B0:86:06:33:5B:45:36:8B:11:0C:B5:9F:6D:6F:02:C8"
#define EC_NB       INT64_C(1736929800)   /* Jan 15 08:30:00 2025 GMT */
#define EC_NA       INT64_C(2537654400)   /* Jun  1 00:00:00 2050 GMT (GeneralizedTime) */

#define EXP_HASH    "Lne6qUGCQEL1g2inMqGVPVQzO8g="
#define EXP_SHA256  "FB:E8:EC:5A:69:94:A4:3D:9D:8F:EB:45:C1:55:5F:57:44:A5:00:62:AB:A4:D1:D9:E0:14:78:6C:CA:87:A8:F0"
#define EXP_NB      INT64_C(1577836800)   /* Jan  1 00:00:00 2020 GMT */
#define EXP_NA      INT64_C(1609459200)   /* Jan  1 00:00:00 2021 GMT */

#define WILD_HASH   "GmfIOQSkifkwEsvNauW4bxTLWuU="
#define WILD_SHA256 "55:BF:1F:92:AC:09:2C:6D:AF:A0:B2:B4:DA:36:AF:E8:2E:7D:F6:C6:67:83:5B:9B:B9:E7:82:DA:AF:32:2D:63"
#define WILD_NB     INT64_C(1735689600)   /* Jan  1 00:00:00 2025 GMT */
#define WILD_NA     INT64_C(1893456000)   /* Jan  1 00:00:00 2030 GMT */

#define V6_HASH     "JFptE03vwifSBTi9lazIFuvGFOU="

/* ---- well-formed certificates --------------------------------------------- */

START_TEST(rsa_self_signed_pem)
{
    struct cert_info ci;
    ck_assert_int_eq(parse_fixture("asa_rsa.pem", &ci), CERT_OK);
    ck_assert_str_eq(ci.common_name, "asa.example.lab");
    ck_assert_str_eq(ci.subject, "CN=asa.example.lab");
    ck_assert_str_eq(ci.issuer, "CN=asa.example.lab");
    ck_assert_str_eq(ci.issuer_cn, "asa.example.lab");
    ck_assert_uint_eq(ci.n_sans, 3);
    ck_assert_str_eq(ci.sans[0], "asa.example.lab");
    ck_assert_str_eq(ci.sans[1], "vpn.example.lab");
    ck_assert_str_eq(ci.sans[2], "192.0.2.10");
    ck_assert_str_eq(ci.serial, "8A3F00C0FFEE01");   /* openssl x509 -serial */
    ck_assert_int_eq(ci.not_before, ASA_NB);
    ck_assert_int_eq(ci.not_after, ASA_NA);
    /* Issuer equals subject and the signature verifies with its own key, even
     * though its keyUsage (digitalSignature, keyEncipherment) lacks keyCertSign,
     * as on an ASA's self-signed identity certificate. */
    ck_assert_msg(ci.self_signed, "asa_rsa.pem is self-signed");
    ck_assert_str_eq(ci.key_type, "RSA");
    ck_assert_int_eq(ci.key_bits, 2048);
    ck_assert_str_eq(ci.cert_hash, ASA_HASH);
    ck_assert_uint_eq(strlen(ci.cert_hash), CERT_HASH_LEN);
    ck_assert_str_eq(ci.sha256_fingerprint, ASA_SHA256);
    ck_assert_uint_eq(strlen(ci.sha256_fingerprint), CERT_SHA256_LEN);
    cert_info_free(&ci);
}
END_TEST

START_TEST(rsa_der_matches_pem)
{
    struct blob der = load("asa_rsa.der");
    struct cert_info a, b;
    ck_assert_int_eq(parse_fixture("asa_rsa.pem", &a), CERT_OK);
    ck_assert_int_eq(cert_parse(der.data, der.len, &b), CERT_OK);
    /* The DER kept is the certificate's own encoding. */
    ck_assert_uint_eq(a.der_len, der.len);
    ck_assert_mem_eq(a.der, der.data, der.len);
    ck_assert_uint_eq(b.der_len, der.len);
    ck_assert_mem_eq(b.der, der.data, der.len);
    ck_assert_str_eq(a.common_name, b.common_name);
    ck_assert_str_eq(a.subject, b.subject);
    ck_assert_str_eq(a.issuer, b.issuer);
    ck_assert_str_eq(a.issuer_cn, b.issuer_cn);
    ck_assert_str_eq(a.serial, b.serial);
    ck_assert_uint_eq(a.n_sans, b.n_sans);
    for (size_t i = 0; i < a.n_sans; i++)
        ck_assert_str_eq(a.sans[i], b.sans[i]);
    ck_assert_int_eq(a.not_before, b.not_before);
    ck_assert_int_eq(a.not_after, b.not_after);
    ck_assert_int_eq(a.self_signed, b.self_signed);
    ck_assert_str_eq(a.key_type, b.key_type);
    ck_assert_int_eq(a.key_bits, b.key_bits);
    ck_assert_str_eq(b.cert_hash, ASA_HASH);
    ck_assert_str_eq(b.sha256_fingerprint, ASA_SHA256);
    cert_info_free(&a);
    cert_info_free(&b);
    free(der.data);
}
END_TEST

START_TEST(ec_ca_signed)
{
    struct cert_info ci;
    ck_assert_int_eq(parse_fixture("ec_ca_signed.pem", &ci), CERT_OK);
    ck_assert_str_eq(ci.common_name, "ec.example.lab");
    ck_assert_str_eq(ci.subject, "CN=ec.example.lab,O=ucprov tests");
    ck_assert_str_eq(ci.issuer, CA_SUBJECT);
    ck_assert_str_eq(ci.issuer_cn, "ucprov Test CA");
    ck_assert_uint_eq(ci.n_sans, 1);
    ck_assert_str_eq(ci.sans[0], "ec.example.lab");
    ck_assert_str_eq(ci.serial, "0A1B2C");
    ck_assert_int_eq(ci.not_before, EC_NB);
    ck_assert_int_eq(ci.not_after, EC_NA);
    ck_assert_msg(!ci.self_signed, "a CA-signed certificate is not self-signed");
    ck_assert_str_eq(ci.key_type, "EC");
    ck_assert_int_eq(ci.key_bits, 256);
    ck_assert_str_eq(ci.cert_hash, EC_HASH);
    ck_assert_str_eq(ci.sha256_fingerprint, EC_SHA256);
    cert_info_free(&ci);
}
END_TEST

START_TEST(ca_certificate)
{
    struct cert_info ci;
    ck_assert_int_eq(parse_fixture("test_ca.pem", &ci), CERT_OK);
    ck_assert_str_eq(ci.common_name, "ucprov Test CA");
    ck_assert_str_eq(ci.subject, CA_SUBJECT);
    ck_assert_str_eq(ci.issuer, CA_SUBJECT);
    ck_assert_uint_eq(ci.n_sans, 0);
    ck_assert_str_eq(ci.serial, "1000");
    ck_assert_int_eq(ci.not_before, CA_NB);
    ck_assert_int_eq(ci.not_after, CA_NA);
    ck_assert(ci.self_signed);
    ck_assert_str_eq(ci.key_type, "EC");
    ck_assert_int_eq(ci.key_bits, 256);
    ck_assert_str_eq(ci.cert_hash, CA_HASH);
    ck_assert_str_eq(ci.sha256_fingerprint, CA_SHA256);
    cert_info_free(&ci);
}
END_TEST

START_TEST(expired_certificate)
{
    /* Parsing reports the dates; it does not judge them. */
    struct cert_info ci;
    ck_assert_int_eq(parse_fixture("expired.pem", &ci), CERT_OK);
    ck_assert_str_eq(ci.common_name, "expired.example.lab");
    ck_assert_str_eq(ci.issuer_cn, "ucprov Test CA");
    ck_assert_str_eq(ci.serial, "2021");
    ck_assert_int_eq(ci.not_before, EXP_NB);
    ck_assert_int_eq(ci.not_after, EXP_NA);
    ck_assert(!ci.self_signed);
    ck_assert_str_eq(ci.key_type, "EC");
    ck_assert_int_eq(ci.key_bits, 256);
    ck_assert_str_eq(ci.cert_hash, EXP_HASH);
    ck_assert_str_eq(ci.sha256_fingerprint, EXP_SHA256);
    cert_info_free(&ci);
}
END_TEST

START_TEST(wildcard_certificate)
{
    struct cert_info ci;
    ck_assert_int_eq(parse_fixture("wildcard.pem", &ci), CERT_OK);
    ck_assert_str_eq(ci.common_name, "*.example.lab");
    ck_assert_uint_eq(ci.n_sans, 1);
    ck_assert_str_eq(ci.sans[0], "*.example.lab");
    ck_assert_str_eq(ci.serial, "77");
    ck_assert_int_eq(ci.not_before, WILD_NB);
    ck_assert_int_eq(ci.not_after, WILD_NA);
    ck_assert(ci.self_signed);
    ck_assert_str_eq(ci.cert_hash, WILD_HASH);
    ck_assert_str_eq(ci.sha256_fingerprint, WILD_SHA256);
    cert_info_free(&ci);
}
END_TEST

START_TEST(pem_with_text_around)
{
    /* What openssl pkcs12 and browsers export: attributes before, text after. */
    struct blob pem = load("asa_rsa.pem");
    static const char head[] = "Bag Attributes\n    friendlyName: asa\n"
                               "subject=CN = asa.example.lab\n\n";
    static const char tail[] = "\r\n\r\ntrailing notes\n";
    size_t len = strlen(head) + pem.len + strlen(tail);
    char *buf = malloc(len + 1);
    snprintf(buf, len + 1, "%s%s%s", head, (char *)pem.data, tail);
    struct cert_info ci;
    ck_assert_int_eq(cert_parse(buf, len, &ci), CERT_OK);
    ck_assert_str_eq(ci.cert_hash, ASA_HASH);
    cert_info_free(&ci);
    free(buf);
    free(pem.data);
}
END_TEST

START_TEST(ipv6_san)
{
    /* openssl x509 -ext subjectAltName: "DNS:v6.example.lab, IP Address:2001:DB8:0:0:0:0:0:10".
     * The SAN list should hold a usable IPv6 address (RFC 5952 text, as inet_ntop
     * writes it), so that the Host ID check can match it the way the IPv4 SAN matches. */
    struct cert_info ci;
    ck_assert_int_eq(parse_fixture("ipv6_san.pem", &ci), CERT_OK);
    ck_assert_str_eq(ci.cert_hash, V6_HASH);
    ck_assert_uint_eq(ci.n_sans, 2);
    ck_assert_str_eq(ci.sans[0], "v6.example.lab");
    ck_assert_str_eq(ci.sans[1], "2001:db8::10");
    ck_assert(cert_matches_host(&ci, "2001:db8::10"));
    ck_assert(cert_matches_host(&ci, "2001:DB8::10"));
    ck_assert(!cert_matches_host(&ci, "2001:db8::11"));
    cert_info_free(&ci);
}
END_TEST

START_TEST(pem_with_crlf)
{
    /* saved on Windows */
    struct blob pem = load("asa_rsa.pem");
    char *buf = malloc(pem.len * 2 + 1);
    size_t n = 0;
    for (size_t i = 0; i < pem.len; i++) {
        if (pem.data[i] == '\n')
            buf[n++] = '\r';
        buf[n++] = (char)pem.data[i];
    }
    struct cert_info ci;
    ck_assert_int_eq(cert_parse(buf, n, &ci), CERT_OK);
    ck_assert_str_eq(ci.cert_hash, ASA_HASH);
    cert_info_free(&ci);
    free(buf);
    free(pem.data);
}
END_TEST

START_TEST(cert_hash_der_matches_openssl)
{
    struct blob der = load("asa_rsa.der");
    char hash[CERT_HASH_LEN + 1];
    memset(hash, 'x', sizeof hash);
    cert_hash_der(der.data, der.len, hash);
    ck_assert_str_eq(hash, ASA_HASH);
    free(der.data);
}
END_TEST

START_TEST(der_to_pem_round_trip)
{
    struct blob der = load("asa_rsa.der");
    struct blob pem = load("asa_rsa.pem");
    char *out = cert_der_to_pem(der.data, der.len);
    ck_assert_ptr_nonnull(out);
    /* openssl wrote the fixture; the same library writes the same text. */
    ck_assert_str_eq(out, (char *)pem.data);
    struct cert_info ci;
    ck_assert_int_eq(cert_parse(out, strlen(out), &ci), CERT_OK);
    ck_assert_uint_eq(ci.der_len, der.len);
    ck_assert_mem_eq(ci.der, der.data, der.len);
    /* and back again from the parsed DER */
    char *again = cert_der_to_pem(ci.der, ci.der_len);
    ck_assert_ptr_nonnull(again);
    ck_assert_str_eq(again, out);
    free(again);
    cert_info_free(&ci);
    free(out);
    free(der.data);
    free(pem.data);
}
END_TEST

START_TEST(der_to_pem_refuses_garbage)
{
    struct blob g = load("garbage.bin");
    ck_assert_ptr_null(cert_der_to_pem(g.data, g.len));
    free(g.data);
    struct blob der = load("asa_rsa.der");
    ck_assert_ptr_null(cert_der_to_pem(der.data, der.len / 2));   /* truncated */
    free(der.data);
}
END_TEST

/* ---- refusals ------------------------------------------------------------- */

static const char *const key_fixtures[] = {
    "key_rsa_pkcs8.pem",   /* -----BEGIN PRIVATE KEY----- */
    "key_ec_sec1.pem",     /* -----BEGIN EC PRIVATE KEY----- */
    "key_rsa_pkcs8.der",
    "key_ec_sec1.der",
    "cert_and_key.pem",    /* a valid certificate, then its key */
};

START_TEST(private_keys_refused)
{
    const char *name = key_fixtures[_i];
    struct cert_info ci;
    enum cert_error err = parse_fixture(name, &ci);
    ck_assert_msg(err == CERT_ERR_PRIVATE_KEY, "%s: got error %d, want CERT_ERR_PRIVATE_KEY",
                  name, (int)err);
    assert_all_zero(&ci);
    ck_assert_ptr_nonnull(strstr(cert_error_message(err), "private key"));
}
END_TEST

START_TEST(key_before_cert_refused)
{
    struct blob key = load("key_ec_sec1.pem"), pem = load("asa_rsa.pem");
    size_t len = key.len + pem.len;
    unsigned char *buf = malloc(len);
    memcpy(buf, key.data, key.len);
    memcpy(buf + key.len, pem.data, pem.len);
    struct cert_info ci;
    ck_assert_int_eq(cert_parse(buf, len, &ci), CERT_ERR_PRIVATE_KEY);
    free(buf);
    free(key.data);
    free(pem.data);
}
END_TEST

START_TEST(garbage_refused)
{
    struct cert_info ci;
    ck_assert_int_eq(parse_fixture("garbage.bin", &ci), CERT_ERR_NOT_CERT);
    assert_all_zero(&ci);
    ck_assert_str_eq(cert_error_message(CERT_ERR_NOT_CERT), "not a PEM or DER X.509 certificate");
    static const char text[] = "hello, this is not a certificate\n";
    ck_assert_int_eq(cert_parse(text, sizeof text - 1, &ci), CERT_ERR_NOT_CERT);
}
END_TEST

START_TEST(broken_pem_refused)
{
    /* A PEM armour around a damaged body. */
    struct blob pem = load("asa_rsa.pem");
    char *mid = (char *)pem.data + pem.len / 2;
    memset(mid, '!', 8);
    struct cert_info ci;
    ck_assert_int_eq(cert_parse(pem.data, pem.len, &ci), CERT_ERR_NOT_CERT);
    assert_all_zero(&ci);
    free(pem.data);
}
END_TEST

START_TEST(der_with_trailing_bytes_refused)
{
    struct blob der = load("asa_rsa.der");
    unsigned char *buf = malloc(der.len + 1);
    memcpy(buf, der.data, der.len);
    buf[der.len] = 0;
    struct cert_info ci;
    ck_assert_int_eq(cert_parse(buf, der.len + 1, &ci), CERT_ERR_NOT_CERT);
    ck_assert_int_eq(cert_parse(buf, der.len - 1, &ci), CERT_ERR_NOT_CERT);   /* truncated */
    ck_assert_int_eq(cert_parse(buf, der.len, &ci), CERT_OK);
    cert_info_free(&ci);
    free(buf);
    free(der.data);
}
END_TEST

START_TEST(empty_refused)
{
    struct cert_info ci;
    ck_assert_int_eq(parse_fixture("empty.pem", &ci), CERT_ERR_EMPTY);
    assert_all_zero(&ci);
    ck_assert_int_eq(cert_parse(NULL, 0, &ci), CERT_ERR_EMPTY);
    ck_assert_int_eq(cert_parse("x", 0, &ci), CERT_ERR_EMPTY);
}
END_TEST

START_TEST(two_certs_refused)
{
    struct cert_info ci;
    ck_assert_int_eq(parse_fixture("two_certs.pem", &ci), CERT_ERR_SEVERAL);
    assert_all_zero(&ci);
    ck_assert_int_eq(parse_fixture("vpn_bundle12.pem", &ci), CERT_ERR_SEVERAL);
}
END_TEST

START_TEST(size_limit)
{
    /* A valid PEM padded with blank lines up to exactly the limit is accepted;
     * one byte more is refused before any parsing. */
    struct blob pem = load("asa_rsa.pem");
    size_t limit = UCPROV_MAX_CERT_FILE;
    unsigned char *buf = malloc(limit + 1);
    memcpy(buf, pem.data, pem.len);
    memset(buf + pem.len, '\n', limit + 1 - pem.len);
    struct cert_info ci;
    ck_assert_int_eq(cert_parse(buf, limit, &ci), CERT_OK);
    ck_assert_str_eq(ci.cert_hash, ASA_HASH);
    cert_info_free(&ci);
    ck_assert_int_eq(cert_parse(buf, limit + 1, &ci), CERT_ERR_TOO_LARGE);
    assert_all_zero(&ci);
    free(buf);
    free(pem.data);
}
END_TEST

START_TEST(error_messages)
{
    const enum cert_error errs[] = { CERT_ERR_EMPTY, CERT_ERR_TOO_LARGE, CERT_ERR_PRIVATE_KEY,
                                     CERT_ERR_NOT_CERT, CERT_ERR_SEVERAL };
    for (size_t i = 0; i < sizeof errs / sizeof errs[0]; i++) {
        const char *m = cert_error_message(errs[i]);
        ck_assert_ptr_nonnull(m);
        ck_assert_uint_gt(strlen(m), 10);
        for (size_t j = 0; j < i; j++)
            ck_assert_str_ne(m, cert_error_message(errs[j]));
    }
    ck_assert_str_eq(cert_error_message((enum cert_error)999), "unknown certificate error");
}
END_TEST

/* ---- host matching -------------------------------------------------------- */

START_TEST(host_matching)
{
    struct cert_info ci;
    ck_assert_int_eq(parse_fixture("asa_rsa.pem", &ci), CERT_OK);
    ck_assert(cert_matches_host(&ci, "asa.example.lab"));     /* CN and SAN */
    ck_assert(cert_matches_host(&ci, "vpn.example.lab"));     /* SAN only */
    ck_assert(cert_matches_host(&ci, "192.0.2.10"));          /* IP SAN */
    ck_assert(cert_matches_host(&ci, "ASA.Example.LAB"));     /* DNS is case-insensitive */
    ck_assert(cert_matches_host(&ci, "VPN.EXAMPLE.LAB"));
    ck_assert(!cert_matches_host(&ci, "other.example.lab"));
    ck_assert(!cert_matches_host(&ci, "asa.example.lab.evil"));
    ck_assert(!cert_matches_host(&ci, "sa.example.lab"));
    ck_assert(!cert_matches_host(&ci, "192.0.2.1"));
    ck_assert(!cert_matches_host(&ci, ""));
    ck_assert(!cert_matches_host(&ci, NULL));
    cert_info_free(&ci);

    /* CN only (no SAN extension) */
    ck_assert_int_eq(parse_fixture("test_ca.pem", &ci), CERT_OK);
    ck_assert(cert_matches_host(&ci, "ucprov test ca"));
    ck_assert(!cert_matches_host(&ci, "ucprov"));
    cert_info_free(&ci);
}
END_TEST

START_TEST(wildcard_never_matches)
{
    struct cert_info ci;
    ck_assert_int_eq(parse_fixture("wildcard.pem", &ci), CERT_OK);
    ck_assert(!cert_matches_host(&ci, "vpn.example.lab"));
    ck_assert(!cert_matches_host(&ci, "asa.example.lab"));
    ck_assert(!cert_matches_host(&ci, "example.lab"));
    ck_assert(!cert_matches_host(&ci, "*.example.lab"));   /* not even literally */
    cert_info_free(&ci);
}
END_TEST

static Suite *cert_suite(void)
{
    Suite *s = suite_create("cert");
    TCase *tc = tcase_create("parse");
    tcase_add_test(tc, rsa_self_signed_pem);
    tcase_add_test(tc, rsa_der_matches_pem);
    tcase_add_test(tc, ec_ca_signed);
    tcase_add_test(tc, ca_certificate);
    tcase_add_test(tc, expired_certificate);
    tcase_add_test(tc, wildcard_certificate);
    tcase_add_test(tc, pem_with_text_around);
    tcase_add_test(tc, pem_with_crlf);
    tcase_add_test(tc, ipv6_san);
    tcase_add_test(tc, cert_hash_der_matches_openssl);
    tcase_add_test(tc, der_to_pem_round_trip);
    tcase_add_test(tc, der_to_pem_refuses_garbage);
    suite_add_tcase(s, tc);

    tc = tcase_create("refuse");
    tcase_add_loop_test(tc, private_keys_refused, 0,
                        (int)(sizeof key_fixtures / sizeof key_fixtures[0]));
    tcase_add_test(tc, key_before_cert_refused);
    tcase_add_test(tc, garbage_refused);
    tcase_add_test(tc, broken_pem_refused);
    tcase_add_test(tc, der_with_trailing_bytes_refused);
    tcase_add_test(tc, empty_refused);
    tcase_add_test(tc, two_certs_refused);
    tcase_add_test(tc, size_limit);
    tcase_add_test(tc, error_messages);
    suite_add_tcase(s, tc);

    tc = tcase_create("host");
    tcase_add_test(tc, host_matching);
    tcase_add_test(tc, wildcard_never_matches);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(cert_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
