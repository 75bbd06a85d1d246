/* test_trust_tlv.c - the TLV writer against byte vectors written out by hand
 * from the format (tag 1 byte, length 2 bytes big-endian, value), the
 * bounds-checked reader, the name tables and the header parser's refusals. */
#include <config.h>

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "trust/sighdr.h"
#include "trust/tlv.h"

#define BYTES(...) ((const uint8_t[]){ __VA_ARGS__ }), sizeof((const uint8_t[]){ __VA_ARGS__ })

static void assert_bytes(const struct tlv_buf *b, const uint8_t *want, size_t n)
{
    ck_assert_int_eq(b->failed, 0);
    ck_assert_uint_eq(b->len, n);
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(b->data[i] == want[i], "byte %zu: got %02x want %02x", i, b->data[i],
                      want[i]);
}

START_TEST(writer_numbers_and_strings)
{
    struct tlv_buf b;
    tlv_buf_init(&b);
    tlv_put(&b, TLV_H_VERSION, BYTES(1, 2));
    tlv_put_u16(&b, TLV_H_LENGTH, 0x0154);
    tlv_put_u32(&b, TLV_H_TIMESTAMP, 0x6b49d200);
    tlv_put_str(&b, TLV_H_FILENAME, "ITLFile.tlv");
    tlv_put_u16(&b, TLV_R_ROLE, TLV_ROLE_TVS);
    assert_bytes(&b, BYTES(0x01, 0x00, 0x02, 0x01, 0x02,
                           0x02, 0x00, 0x02, 0x01, 0x54,
                           0x0f, 0x00, 0x04, 0x6b, 0x49, 0xd2, 0x00,
                           0x0e, 0x00, 0x0c, 'I', 'T', 'L', 'F', 'i', 'l', 'e', '.', 't', 'l',
                           'v', 0x00,
                           0x04, 0x00, 0x02, 0x00, 0x15));
    tlv_buf_free(&b);
}
END_TEST

/* Signature info holds the digest and the algorithm info, which holds the
 * algorithm and modulus: 15 bytes of value, as every signed file has. */
START_TEST(writer_nested_containers)
{
    struct tlv_buf b;
    tlv_buf_init(&b);
    size_t info = tlv_open(&b, TLV_H_SIGNATURE_INFO);
    tlv_put_u8(&b, TLV_H_DIGEST, TLV_HASH_SHA512);
    size_t alg = tlv_open(&b, TLV_H_SIGALG_INFO);
    tlv_put_u8(&b, TLV_H_SIGALG, 0);
    tlv_put_u8(&b, TLV_H_MODULUS, 2);
    tlv_close(&b, alg);
    tlv_close(&b, info);
    assert_bytes(&b, BYTES(0x07, 0x00, 0x0f,
                           0x08, 0x00, 0x01, 0x03,
                           0x09, 0x00, 0x08,
                           0x0a, 0x00, 0x01, 0x00,
                           0x0b, 0x00, 0x01, 0x02));
    tlv_buf_free(&b);
}
END_TEST

START_TEST(writer_long_values_and_limits)
{
    struct tlv_buf b;
    uint8_t *big = calloc(1, 70000);
    tlv_buf_init(&b);
    tlv_put(&b, TLV_R_CERT, big, 300);
    ck_assert_uint_eq(b.len, 303);
    ck_assert_uint_eq(b.data[0], 0x09);
    ck_assert_uint_eq(b.data[1], 0x01);   /* 300 = 0x012c, high byte first */
    ck_assert_uint_eq(b.data[2], 0x2c);
    tlv_put(&b, TLV_R_CERT, big, 0xffff);
    ck_assert_int_eq(b.failed, 0);
    ck_assert_uint_eq(b.data[304], 0xff);
    ck_assert_uint_eq(b.data[305], 0xff);
    tlv_put(&b, TLV_R_CERT, big, 0x10000);  /* one too many for 2 length bytes */
    ck_assert_int_eq(b.failed, 1);
    size_t len = b.len;
    tlv_put_u8(&b, TLV_R_HASH_ALG, 1);      /* the failure sticks */
    ck_assert_uint_eq(b.len, len);
    tlv_buf_free(&b);
    free(big);
}
END_TEST

START_TEST(writer_patch_and_raw)
{
    struct tlv_buf b;
    tlv_buf_init(&b);
    tlv_put_u16(&b, TLV_R_LENGTH, 0);
    tlv_put_raw(&b, BYTES(TLV_H_PADDING, TLV_H_PADDING));
    tlv_patch_u16(&b, 0, (uint16_t)b.len);
    assert_bytes(&b, BYTES(0x01, 0x00, 0x02, 0x00, 0x07, 0x0d, 0x0d));
    tlv_buf_free(&b);
}
END_TEST

/* version, length, a signer-id container, two padding bytes, a file name */
static const uint8_t header_items[] = {
    0x01, 0x00, 0x02, 0x01, 0x00,
    0x02, 0x00, 0x02, 0x00, 0x1c,
    0x03, 0x00, 0x05, 0x05, 0x00, 0x02, 0x80, 0xa1,
    0x0d, 0x0d,
    0x0e, 0x00, 0x03, 'a', 'b', 0x00,
};

START_TEST(reader_walks_containers_and_padding)
{
    static const struct { uint8_t tag; uint16_t len; size_t off; } want[] = {
        { 1, 2, 0 }, { 2, 2, 5 }, { 3, 5, 10 }, { 5, 2, 13 }, { 13, 0, 18 }, { 13, 0, 19 },
        { 14, 3, 20 },
    };
    struct tlv_reader r;
    struct tlv_item it;
    tlv_reader_init(&r, header_items, sizeof header_items, 1u << TLV_H_SIGNER_ID,
                    TLV_H_PADDING);
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        ck_assert_int_eq(tlv_next(&r, &it), 1);
        ck_assert_uint_eq(it.tag, want[i].tag);
        ck_assert_uint_eq(it.len, want[i].len);
        ck_assert_uint_eq(it.off, want[i].off);
    }
    ck_assert_str_eq(tlv_item_str(&it), "ab");
    ck_assert_int_eq(tlv_next(&r, &it), 0);
}
END_TEST

START_TEST(reader_refuses_overruns)
{
    struct tlv_reader r;
    struct tlv_item it;
    /* every prefix that cuts an item short */
    for (size_t cut = 1; cut < sizeof header_items; cut++) {
        int rc;
        tlv_reader_init(&r, header_items, cut, 1u << TLV_H_SIGNER_ID, TLV_H_PADDING);
        while ((rc = tlv_next(&r, &it)) == 1)
            ck_assert_uint_le(r.off, cut);
        int clean = cut == 5 || cut == 10 || cut == 18 || cut == 19 || cut == 20;
        ck_assert_msg(rc == (clean ? 0 : -1), "cut at %zu gave %d", cut, rc);
    }
    tlv_reader_init(&r, BYTES(0x09, 0xff, 0xff, 0x30), 0, -1);
    ck_assert_int_eq(tlv_next(&r, &it), -1);
    /* without the padding rule, 13 is an ordinary tag with a length */
    tlv_reader_init(&r, BYTES(0x0d, 0x0d), 0, -1);
    ck_assert_int_eq(tlv_next(&r, &it), -1);
}
END_TEST

START_TEST(item_values)
{
    struct tlv_item it = { .tag = 4, .len = 2, .value = BYTES(0x00, 0x15) };
    uint16_t v16;
    uint8_t v8;
    uint32_t v32;
    ck_assert_int_eq(tlv_item_u16(&it, &v16), 0);
    ck_assert_uint_eq(v16, 21);
    ck_assert_int_eq(tlv_item_u8(&it, &v8), -1);
    ck_assert_int_eq(tlv_item_u32(&it, &v32), -1);
    it = (struct tlv_item){ .len = 3, .value = (const uint8_t *)"ab" };
    ck_assert_str_eq(tlv_item_str(&it), "ab");
    it = (struct tlv_item){ .len = 2, .value = (const uint8_t *)"ab" };
    ck_assert_ptr_null(tlv_item_str(&it));          /* no NUL */
    it = (struct tlv_item){ .len = 3, .value = (const uint8_t *)"a\0" };
    ck_assert_ptr_null(tlv_item_str(&it));          /* NUL inside */
    it = (struct tlv_item){ .len = 0, .value = (const uint8_t *)"" };
    ck_assert_ptr_null(tlv_item_str(&it));
}
END_TEST

START_TEST(name_tables)
{
    ck_assert_str_eq(tlv_role_name(TLV_ROLE_SAST), "SAST");
    ck_assert_str_eq(tlv_role_name(TLV_ROLE_CCM_TFTP), "CCM+TFTP");
    ck_assert_str_eq(tlv_role_name(TLV_ROLE_TVS), "TVS");
    ck_assert_str_eq(tlv_role_name(5), "?");
    ck_assert_int_eq(tlv_role_from_name("ccm+tftp"), TLV_ROLE_CCM_TFTP);
    ck_assert_int_eq(tlv_role_from_name("APP-SERVER"), TLV_ROLE_APP_SERVER);
    ck_assert_int_eq(tlv_role_from_name("CUCM"), -1);
    ck_assert_str_eq(tlv_header_tag_name(TLV_H_SIGNER_VERSION), "signer version");
    ck_assert_str_eq(tlv_header_tag_name(29), "?");
    ck_assert_str_eq(tlv_record_tag_name(TLV_R_CERT), "certificate");
    ck_assert_str_eq(tlv_hash_name(TLV_HASH_SHA512), "SHA-512");
    ck_assert_str_eq(tlv_hash_name(0), "?");
}
END_TEST

/* A minimal header the parser accepts: 36 bytes, signature "SI". */
static const uint8_t minimal[] = {
    0x01, 0x00, 0x02, 0x01, 0x00,
    0x02, 0x00, 0x02, 0x00, 0x24,
    0x03, 0x00, 0x04, 0x05, 0x00, 0x01, 0x07,
    0x07, 0x00, 0x04, 0x08, 0x00, 0x01, 0x03,
    0x0c, 0x00, 0x02, 'S', 'I',
    0x0e, 0x00, 0x02, 'f', 0x00,
    0x0d, 0x0d,
    'b', 'o', 'd', 'y',
};

START_TEST(header_minimal)
{
    struct sighdr h;
    char err[128] = "";
    ck_assert_msg(sighdr_parse(minimal, sizeof minimal, &h, err, sizeof err) == 0, "%s", err);
    ck_assert_uint_eq(h.major, 1);
    ck_assert_uint_eq(h.minor, 0);
    ck_assert_uint_eq(h.header_len, 36);
    ck_assert_uint_eq(h.serial.len, 1);
    ck_assert_uint_eq(h.serial.p[0], 7);
    ck_assert_uint_eq(h.digest, TLV_HASH_SHA512);
    ck_assert_uint_eq(h.sig_off, 24);
    ck_assert_uint_eq(h.signature.len, 2);
    ck_assert_str_eq(h.filename, "f");
    ck_assert_ptr_null(h.signer_name);
    ck_assert_int_eq(h.encrypted, 0);
}
END_TEST

START_TEST(header_refusals)
{
    uint8_t b[sizeof minimal];
    struct sighdr h;
    char err[128];
    static const struct { size_t at; uint8_t value; const char *why; } bad[] = {
        { 0, 0x02, "first item is not the version" },
        { 9, 0x29, "header length past the file" },
        { 9, 0x05, "header length inside the fixed items" },
        { 23, 0x04, "unknown digest" },
        { 24, 0x1d, "no signature item (an unknown tag instead)" },
        { 12, 0x40, "container longer than the header" },
        { 31, 0x09, "file name overruns the header" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        memcpy(b, minimal, sizeof b);
        b[bad[i].at] = bad[i].value;
        ck_assert_msg(sighdr_parse(b, sizeof b, &h, err, sizeof err) == -1, "%s", bad[i].why);
    }
    ck_assert_int_eq(sighdr_parse(minimal, 9, &h, err, sizeof err), -1);
    ck_assert_int_eq(sighdr_parse(minimal, 35, &h, err, sizeof err), -1);
    /* a second signature item would leave "the rest" ambiguous */
    memcpy(b, minimal, sizeof b);
    memcpy(b + 29, (const uint8_t[]){ 0x0c, 0x00, 0x02, 'X', 'Y' }, 5);
    ck_assert_int_eq(sighdr_parse(b, sizeof b, &h, err, sizeof err), -1);
}
END_TEST

static Suite *tlv_suite(void)
{
    Suite *su = suite_create("trust_tlv");
    TCase *tc = tcase_create("writer");
    tcase_add_test(tc, writer_numbers_and_strings);
    tcase_add_test(tc, writer_nested_containers);
    tcase_add_test(tc, writer_long_values_and_limits);
    tcase_add_test(tc, writer_patch_and_raw);
    suite_add_tcase(su, tc);
    tc = tcase_create("reader");
    tcase_add_test(tc, reader_walks_containers_and_padding);
    tcase_add_test(tc, reader_refuses_overruns);
    tcase_add_test(tc, item_values);
    tcase_add_test(tc, name_tables);
    suite_add_tcase(su, tc);
    tc = tcase_create("header");
    tcase_add_test(tc, header_minimal);
    tcase_add_test(tc, header_refusals);
    suite_add_tcase(su, tc);
    return su;
}

int main(void)
{
    SRunner *sr = srunner_create(tlv_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
