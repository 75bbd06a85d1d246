/* test_tftp_packet.c - the pure TFTP wire code: parser, name check, builders,
 * netascii. */
#include <config.h>

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tftpd/packet.h"

/* Datagrams are written as C string literals with embedded NULs; the size
 * of the literal less its own terminator is the datagram length. */
#define DGRAM(lit) (lit), (sizeof(lit) - 1)

static struct tftp_packet pkt;

static enum tftp_status parse(const char *buf, size_t len)
{
    return tftp_parse(buf, len, &pkt);
}

/* ---- requests ---------------------------------------------------------- */

START_TEST(rrq_plain)
{
    ck_assert_int_eq(parse(DGRAM("\0\1SEP001122334455.cnf.xml\0octet\0")), TFTP_OK);
    ck_assert_int_eq(pkt.opcode, TFTP_RRQ);
    ck_assert_str_eq(pkt.req.filename, "SEP001122334455.cnf.xml");
    ck_assert_int_eq(pkt.req.mode, TFTP_MODE_OCTET);
    ck_assert_uint_eq(pkt.req.opts.present, 0);
}
END_TEST

START_TEST(wrq_parses_as_wrq)
{
    ck_assert_int_eq(parse(DGRAM("\0\2up.bin\0octet\0")), TFTP_OK);
    ck_assert_int_eq(pkt.opcode, TFTP_WRQ);
    ck_assert_str_eq(pkt.req.filename, "up.bin");
}
END_TEST

START_TEST(modes_case_insensitive)
{
    ck_assert_int_eq(parse(DGRAM("\0\1f\0OcTeT\0")), TFTP_OK);
    ck_assert_int_eq(pkt.req.mode, TFTP_MODE_OCTET);
    ck_assert_int_eq(parse(DGRAM("\0\1f\0NETASCII\0")), TFTP_OK);
    ck_assert_int_eq(pkt.req.mode, TFTP_MODE_NETASCII);
    ck_assert_int_eq(parse(DGRAM("\0\1f\0netascii\0")), TFTP_OK);
    ck_assert_int_eq(pkt.req.mode, TFTP_MODE_NETASCII);
}
END_TEST

START_TEST(mode_mail_and_unknown_refused)
{
    ck_assert_int_eq(parse(DGRAM("\0\1f\0mail\0")), TFTP_ST_MAIL_MODE);
    ck_assert_int_eq(parse(DGRAM("\0\1f\0MAIL\0")), TFTP_ST_MAIL_MODE);
    ck_assert_int_eq(parse(DGRAM("\0\1f\0binary\0")), TFTP_ST_BAD_MODE);
    ck_assert_int_eq(parse(DGRAM("\0\1f\0\0")), TFTP_ST_BAD_MODE);
    ck_assert_int_eq(parse(DGRAM("\0\1f\0octets\0")), TFTP_ST_BAD_MODE);
    ck_assert_uint_eq(tftp_status_code(TFTP_ST_MAIL_MODE), TFTP_EBADOP);
}
END_TEST

START_TEST(extra_nul_after_mode)
{
    /* What 79xx phones send. */
    ck_assert_int_eq(parse(DGRAM("\0\1SEPDEFAULT.cnf\0octet\0\0")), TFTP_OK);
    ck_assert_str_eq(pkt.req.filename, "SEPDEFAULT.cnf");
    ck_assert_uint_eq(pkt.req.opts.present, 0);
    ck_assert_int_eq(parse(DGRAM("\0\1f\0octet\0\0\0\0")), TFTP_OK);
    /* An empty option name followed by more is not padding. */
    ck_assert_int_eq(parse(DGRAM("\0\1f\0octet\0\0blksize\0" "512\0")), TFTP_ST_BAD_OPTION);
}
END_TEST

/* ---- options ----------------------------------------------------------- */

struct option_case {
    const char *value;
    enum tftp_status status;
    uint64_t granted;
};

static size_t build_with_option(char *buf, size_t cap, const char *name, const char *value)
{
    int n = snprintf(buf, cap, "%c%cf%coctet%c%s%c%s", 0, 1, 0, 0, name, 0, value);
    ck_assert_int_gt(n, 0);
    return (size_t)n + 1;   /* the value's NUL */
}

static void check_option(const char *name, unsigned bit, const struct option_case *c)
{
    char buf[128];
    size_t len = build_with_option(buf, sizeof buf, name, c->value);
    enum tftp_status st = tftp_parse(buf, len, &pkt);
    uint64_t got = 0;

    ck_assert_msg(st == c->status, "%s=%s: status %d, want %d", name, c->value, st, c->status);
    if (st != TFTP_OK)
        return;
    ck_assert_uint_eq(pkt.req.opts.present, bit);
    switch (bit) {
    case TFTP_OPT_BLKSIZE:    got = pkt.req.opts.blksize; break;
    case TFTP_OPT_TSIZE:      got = pkt.req.opts.tsize; break;
    case TFTP_OPT_TIMEOUT:    got = pkt.req.opts.timeout_s; break;
    case TFTP_OPT_WINDOWSIZE: got = pkt.req.opts.windowsize; break;
    }
    ck_assert_msg(got == c->granted, "%s=%s: got %llu, want %llu", name, c->value,
                  (unsigned long long)got, (unsigned long long)c->granted);
}

static const struct option_case blksize_cases[] = {
    { "512", TFTP_OK, 512 },
    { "1428", TFTP_OK, 1428 },
    { "8", TFTP_OK, 8 },
    { "7", TFTP_ST_BAD_OPTION, 0 },
    { "0", TFTP_ST_BAD_OPTION, 0 },
    { "65464", TFTP_OK, 65464 },
    { "65465", TFTP_OK, TFTP_BLKSIZE_MAX },
    { "1000000", TFTP_OK, TFTP_BLKSIZE_MAX },
    { "99999999999999999999999999", TFTP_OK, TFTP_BLKSIZE_MAX },
    { "", TFTP_ST_BAD_OPTION, 0 },
    { "abc", TFTP_ST_BAD_OPTION, 0 },
    { "-512", TFTP_ST_BAD_OPTION, 0 },
    { " 512", TFTP_ST_BAD_OPTION, 0 },
    { "512x", TFTP_ST_BAD_OPTION, 0 },
};

static const struct option_case tsize_cases[] = {
    { "0", TFTP_OK, 0 },
    { "123456789012", TFTP_OK, 123456789012ull },
    { "x", TFTP_ST_BAD_OPTION, 0 },
};

static const struct option_case timeout_cases[] = {
    { "1", TFTP_OK, 1 },
    { "255", TFTP_OK, 255 },
    { "0", TFTP_ST_BAD_OPTION, 0 },
    { "256", TFTP_ST_BAD_OPTION, 0 },
    { "", TFTP_ST_BAD_OPTION, 0 },
};

static const struct option_case windowsize_cases[] = {
    { "1", TFTP_OK, 1 },
    { "16", TFTP_OK, 16 },
    { "64", TFTP_OK, 64 },
    { "65", TFTP_OK, TFTP_WINDOWSIZE_MAX },
    { "65535", TFTP_OK, TFTP_WINDOWSIZE_MAX },
    { "65536", TFTP_ST_BAD_OPTION, 0 },
    { "0", TFTP_ST_BAD_OPTION, 0 },
};

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

START_TEST(opt_blksize)
{
    check_option("blksize", TFTP_OPT_BLKSIZE, &blksize_cases[_i]);
}
END_TEST

START_TEST(opt_tsize)
{
    check_option("tsize", TFTP_OPT_TSIZE, &tsize_cases[_i]);
}
END_TEST

START_TEST(opt_timeout)
{
    check_option("timeout", TFTP_OPT_TIMEOUT, &timeout_cases[_i]);
}
END_TEST

START_TEST(opt_windowsize)
{
    check_option("windowsize", TFTP_OPT_WINDOWSIZE, &windowsize_cases[_i]);
}
END_TEST

START_TEST(option_names_case_insensitive)
{
    static const struct option_case c = { "1024", TFTP_OK, 1024 };
    check_option("BlkSize", TFTP_OPT_BLKSIZE, &c);
    check_option("WINDOWSIZE", TFTP_OPT_WINDOWSIZE,
                 &(struct option_case){ "4", TFTP_OK, 4 });
}
END_TEST

START_TEST(all_options_together)
{
    ck_assert_int_eq(parse(DGRAM("\0\1f\0octet\0blksize\0" "1428\0tsize\0" "0\0"
                                 "timeout\0" "3\0windowsize\0" "8\0")), TFTP_OK);
    ck_assert_uint_eq(pkt.req.opts.present, TFTP_OPT_BLKSIZE | TFTP_OPT_TSIZE |
                                            TFTP_OPT_TIMEOUT | TFTP_OPT_WINDOWSIZE);
    ck_assert_uint_eq(pkt.req.opts.blksize, 1428);
    ck_assert_uint_eq(pkt.req.opts.tsize, 0);
    ck_assert_uint_eq(pkt.req.opts.timeout_s, 3);
    ck_assert_uint_eq(pkt.req.opts.windowsize, 8);
}
END_TEST

START_TEST(unknown_options_ignored)
{
    ck_assert_int_eq(parse(DGRAM("\0\1f\0octet\0multicast\0\0utimeout\0" "500\0")), TFTP_OK);
    ck_assert_uint_eq(pkt.req.opts.present, 0);
    ck_assert_int_eq(parse(DGRAM("\0\1f\0octet\0foo\0bar\0blksize\0" "1024\0")), TFTP_OK);
    ck_assert_uint_eq(pkt.req.opts.present, TFTP_OPT_BLKSIZE);
    ck_assert_uint_eq(pkt.req.opts.blksize, 1024);
}
END_TEST

START_TEST(bad_option_answers_code_8)
{
    ck_assert_int_eq(parse(DGRAM("\0\1f\0octet\0blksize\0" "4\0")), TFTP_ST_BAD_OPTION);
    ck_assert_uint_eq(tftp_status_code(TFTP_ST_BAD_OPTION), TFTP_EOPTNEG);
}
END_TEST

/* ---- malformed datagrams ------------------------------------------------ */

static const struct {
    const char *buf;
    size_t len;
    enum tftp_status status;
} malformed[] = {
    { DGRAM(""), TFTP_ST_TRUNCATED },
    { DGRAM("\0"), TFTP_ST_TRUNCATED },
    { DGRAM("\0\1"), TFTP_ST_TRUNCATED },
    { DGRAM("\0\1abc"), TFTP_ST_UNTERMINATED },
    { DGRAM("\0\1abc\0"), TFTP_ST_TRUNCATED },
    { DGRAM("\0\1abc\0octet"), TFTP_ST_UNTERMINATED },
    { DGRAM("\0\1\0octet\0"), TFTP_ST_EMPTY_NAME },
    { DGRAM("\0\1f\0octet\0blksize"), TFTP_ST_UNTERMINATED },
    { DGRAM("\0\1f\0octet\0blksize\0"), TFTP_ST_UNTERMINATED },
    { DGRAM("\0\1f\0octet\0blksize\0" "512"), TFTP_ST_UNTERMINATED },
    { DGRAM("\0\0f\0octet\0"), TFTP_ST_BAD_OPCODE },
    { DGRAM("\0\7f\0octet\0"), TFTP_ST_BAD_OPCODE },
    { DGRAM("\xff\xff"), TFTP_ST_BAD_OPCODE },
    { DGRAM("\1\1f\0octet\0"), TFTP_ST_BAD_OPCODE },
    { DGRAM("\0\4\0"), TFTP_ST_TRUNCATED },
    { DGRAM("\0\3\0"), TFTP_ST_TRUNCATED },
    { DGRAM("\0\5\0"), TFTP_ST_TRUNCATED },
    { DGRAM("GET / HTTP/1.0\r\n\r\n"), TFTP_ST_BAD_OPCODE },
};

START_TEST(malformed_rejected)
{
    ck_assert_int_eq(parse(malformed[_i].buf, malformed[_i].len), malformed[_i].status);
    /* Every parse failure is answered with a real ERROR code and text. */
    ck_assert_uint_le(tftp_status_code(malformed[_i].status), TFTP_EOPTNEG);
    ck_assert_ptr_nonnull(tftp_status_message(malformed[_i].status));
}
END_TEST

START_TEST(filename_length_limit)
{
    char buf[600];
    size_t len;

    buf[0] = 0;
    buf[1] = TFTP_RRQ;
    memset(buf + 2, 'a', TFTP_FILENAME_MAX);
    memcpy(buf + 2 + TFTP_FILENAME_MAX, "\0octet\0", 7);
    len = 2 + TFTP_FILENAME_MAX + 7;
    ck_assert_int_eq(parse(buf, len), TFTP_OK);
    ck_assert_uint_eq(strlen(pkt.req.filename), TFTP_FILENAME_MAX);

    memset(buf + 2, 'a', TFTP_FILENAME_MAX + 1);
    memcpy(buf + 3 + TFTP_FILENAME_MAX, "\0octet\0", 7);
    ck_assert_int_eq(parse(buf, len + 1), TFTP_ST_NAME_TOO_LONG);
}
END_TEST

/* ---- ACK, DATA, ERROR --------------------------------------------------- */

START_TEST(ack_and_data_blocks)
{
    ck_assert_int_eq(parse(DGRAM("\0\4\0\0")), TFTP_OK);
    ck_assert_int_eq(pkt.opcode, TFTP_ACK);
    ck_assert_uint_eq(pkt.block, 0);
    ck_assert_int_eq(parse(DGRAM("\0\4\xff\xff")), TFTP_OK);
    ck_assert_uint_eq(pkt.block, 65535);
    ck_assert_int_eq(parse(DGRAM("\0\4\1\2")), TFTP_OK);
    ck_assert_uint_eq(pkt.block, 258);
    ck_assert_int_eq(parse(DGRAM("\0\3\0\7hello")), TFTP_OK);
    ck_assert_int_eq(pkt.opcode, TFTP_DATA);
    ck_assert_uint_eq(pkt.block, 7);
}
END_TEST

START_TEST(error_packets)
{
    ck_assert_int_eq(parse(DGRAM("\0\5\0\10no options\0")), TFTP_OK);
    ck_assert_int_eq(pkt.opcode, TFTP_ERROR);
    ck_assert_uint_eq(pkt.error_code, 8);
    ck_assert_uint_eq(pkt.error_msg_len, 10);
    ck_assert(memcmp(pkt.error_msg, "no options", 10) == 0);
    /* A sloppy peer's message without NUL still reads as an error. */
    ck_assert_int_eq(parse(DGRAM("\0\5\0\1gone")), TFTP_OK);
    ck_assert_uint_eq(pkt.error_code, 1);
    ck_assert_uint_eq(pkt.error_msg_len, 4);
    ck_assert_int_eq(parse(DGRAM("\0\5\0\0")), TFTP_OK);
    ck_assert_uint_eq(pkt.error_msg_len, 0);
}
END_TEST

/* ---- file names --------------------------------------------------------- */

static const struct {
    const char *raw;
    enum tftp_status status;
    const char *clean;
} names[] = {
    { "SEP001122334455.cnf.xml", TFTP_OK, "SEP001122334455.cnf.xml" },
    { "/SEP001122334455.cnf.xml", TFTP_OK, "SEP001122334455.cnf.xml" },
    { "Desktops/320x212x12/List.xml", TFTP_OK, "Desktops/320x212x12/List.xml" },
    { "/Desktops/320x212x12/List.xml", TFTP_OK, "Desktops/320x212x12/List.xml" },
    { "ITLSEP001122334455.tlv", TFTP_OK, "ITLSEP001122334455.tlv" },
    { "a-b_c.d", TFTP_OK, "a-b_c.d" },
    { "..foo", TFTP_OK, "..foo" },
    { "foo..", TFTP_OK, "foo.." },
    { "../etc/passwd", TFTP_ST_BAD_NAME, NULL },
    { "/../etc/passwd", TFTP_ST_BAD_NAME, NULL },
    { "a/../../b", TFTP_ST_BAD_NAME, NULL },
    { "a/..", TFTP_ST_BAD_NAME, NULL },
    { "..", TFTP_ST_BAD_NAME, NULL },
    { "./a", TFTP_ST_BAD_NAME, NULL },
    { "//etc/passwd", TFTP_ST_BAD_NAME, NULL },
    { "a//b", TFTP_ST_BAD_NAME, NULL },
    { "dir/", TFTP_ST_BAD_NAME, NULL },
    { "/", TFTP_ST_BAD_NAME, NULL },
    { "", TFTP_ST_BAD_NAME, NULL },
    { "..\\windows\\win.ini", TFTP_ST_BAD_NAME, NULL },
    { "a\\b", TFTP_ST_BAD_NAME, NULL },
    { "a\nb", TFTP_ST_BAD_NAME, NULL },
    { "a\x01", TFTP_ST_BAD_NAME, NULL },
    { "a\x7f", TFTP_ST_BAD_NAME, NULL },
    { "caf\xc3\xa9", TFTP_ST_BAD_NAME, NULL },
    { "a b", TFTP_ST_BAD_NAME, NULL },
    { "a:b", TFTP_ST_BAD_NAME, NULL },
    { "C:file", TFTP_ST_BAD_NAME, NULL },
    { "~root", TFTP_ST_BAD_NAME, NULL },
    { "a%2e%2e", TFTP_ST_BAD_NAME, NULL },
};

START_TEST(filename_check)
{
    const char *clean = NULL;
    enum tftp_status st = tftp_check_filename(names[_i].raw, &clean);
    ck_assert_msg(st == names[_i].status, "\"%s\": status %d, want %d", names[_i].raw, st,
                  names[_i].status);
    if (names[_i].clean)
        ck_assert_str_eq(clean, names[_i].clean);
}
END_TEST

START_TEST(bad_name_is_access_violation)
{
    ck_assert_uint_eq(tftp_status_code(TFTP_ST_BAD_NAME), TFTP_EACCESS);
    ck_assert_uint_eq(tftp_status_code(TFTP_ST_WRITE_DENIED), TFTP_EACCESS);
    ck_assert_uint_eq(tftp_status_code(TFTP_ST_NOT_FOUND), TFTP_ENOTFOUND);
    ck_assert_uint_eq(tftp_status_code(TFTP_ST_UNKNOWN_TID), TFTP_EBADID);
    ck_assert_uint_eq(tftp_status_code(TFTP_ST_BUSY), TFTP_EUNDEF);
    ck_assert_str_eq(tftp_status_message(TFTP_ST_BUSY), "server busy, try again");
}
END_TEST

START_TEST(every_status_has_a_message)
{
    for (int st = 0; st < TFTP_STATUS_COUNT; st++) {
        const char *msg = tftp_status_message((enum tftp_status)st);
        ck_assert_ptr_nonnull(msg);
        ck_assert_msg(msg[0] != '\0', "status %d has no message", st);
        ck_assert_uint_le(tftp_status_code((enum tftp_status)st), TFTP_EOPTNEG);
    }
}
END_TEST

/* ---- builders ----------------------------------------------------------- */

START_TEST(build_data)
{
    unsigned char buf[16];
    size_t n = tftp_build_data(buf, sizeof buf, 0x1234, "abc", 3);
    ck_assert_uint_eq(n, 7);
    ck_assert(memcmp(buf, "\0\3\x12\x34" "abc", 7) == 0);
    ck_assert_uint_eq(tftp_build_data(buf, sizeof buf, 9, NULL, 0), 4);
    ck_assert(memcmp(buf, "\0\3\0\x09", 4) == 0);
    ck_assert_uint_eq(tftp_build_data(buf, 6, 1, "abc", 3), 0);
    ck_assert_uint_eq(tftp_build_data(buf, 3, 1, NULL, 0), 0);
}
END_TEST

START_TEST(build_oack)
{
    unsigned char buf[128];
    struct tftp_options o = {
        .present = TFTP_OPT_BLKSIZE | TFTP_OPT_TSIZE | TFTP_OPT_WINDOWSIZE,
        .blksize = 1428, .tsize = 102400, .windowsize = 16,
    };
    static const char want[] = "\0\6blksize\0" "1428\0tsize\0" "102400\0windowsize\0" "16\0";
    size_t n = tftp_build_oack(buf, sizeof buf, &o);
    ck_assert_uint_eq(n, sizeof want - 1);
    ck_assert(memcmp(buf, want, n) == 0);

    o.present = TFTP_OPT_TSIZE | TFTP_OPT_TIMEOUT;
    o.tsize = 0;
    o.timeout_s = 5;
    n = tftp_build_oack(buf, sizeof buf, &o);
    ck_assert_uint_eq(n, sizeof "\0\6tsize\0" "0\0timeout\0" "5\0" - 1);
    ck_assert(memcmp(buf, "\0\6tsize\0" "0\0timeout\0" "5\0", n) == 0);

    o.present = TFTP_OPT_TSIZE;
    o.tsize = UINT64_MAX;
    n = tftp_build_oack(buf, sizeof buf, &o);
    ck_assert(memcmp(buf + 2, "tsize\0" "18446744073709551615\0", n - 2) == 0);
    ck_assert_uint_eq(tftp_build_oack(buf, 10, &o), 0);
}
END_TEST

START_TEST(build_error)
{
    unsigned char buf[64];
    size_t n = tftp_build_error(buf, sizeof buf, TFTP_ST_NOT_FOUND);
    ck_assert_uint_eq(n, 4 + strlen("File not found") + 1);
    ck_assert(memcmp(buf, "\0\5\0\1File not found\0", n) == 0);
    /* What we build, we parse back. */
    ck_assert_int_eq(tftp_parse(buf, n, &pkt), TFTP_OK);
    ck_assert_uint_eq(pkt.error_code, 1);
    ck_assert_uint_eq(tftp_build_error(buf, 8, TFTP_ST_NOT_FOUND), 0);
}
END_TEST

START_TEST(build_ack)
{
    unsigned char buf[4];
    ck_assert_uint_eq(tftp_build_ack(buf, sizeof buf, 65535), 4);
    ck_assert(memcmp(buf, "\0\4\xff\xff", 4) == 0);
    ck_assert_uint_eq(tftp_build_ack(buf, 3, 1), 0);
}
END_TEST

/* ---- netascii ----------------------------------------------------------- */

static const struct {
    const char *in;
    size_t in_len;
    const char *out;
    size_t out_len;
} netascii[] = {
    { DGRAM(""), DGRAM("") },
    { DGRAM("plain"), DGRAM("plain") },
    { DGRAM("a\nb\n"), DGRAM("a\r\nb\r\n") },
    { DGRAM("a\rb"), DGRAM("a\r\0b") },
    { DGRAM("dos\r\n"), DGRAM("dos\r\0\r\n") },
    { DGRAM("\n\n\n"), DGRAM("\r\n\r\n\r\n") },
    { DGRAM("bin\0\xff"), DGRAM("bin\0\xff") },
};

START_TEST(netascii_encoding)
{
    const unsigned char *in = (const unsigned char *)netascii[_i].in;
    size_t n = tftp_netascii_size(in, netascii[_i].in_len);
    ck_assert_uint_eq(n, netascii[_i].out_len);
    unsigned char *out = malloc(n + 1);
    ck_assert_ptr_nonnull(out);
    out[n] = 0xAA;
    tftp_netascii_encode(in, netascii[_i].in_len, out);
    ck_assert(memcmp(out, netascii[_i].out, n) == 0);
    ck_assert_uint_eq(out[n], 0xAA);   /* nothing written past the size */
    free(out);
}
END_TEST

static Suite *packet_suite(void)
{
    Suite *s = suite_create("tftp_packet");
    TCase *tc = tcase_create("requests");
    tcase_add_test(tc, rrq_plain);
    tcase_add_test(tc, wrq_parses_as_wrq);
    tcase_add_test(tc, modes_case_insensitive);
    tcase_add_test(tc, mode_mail_and_unknown_refused);
    tcase_add_test(tc, extra_nul_after_mode);
    tcase_add_test(tc, filename_length_limit);
    tcase_add_loop_test(tc, malformed_rejected, 0, COUNT(malformed));
    tcase_add_test(tc, ack_and_data_blocks);
    tcase_add_test(tc, error_packets);
    suite_add_tcase(s, tc);

    tc = tcase_create("options");
    tcase_add_loop_test(tc, opt_blksize, 0, COUNT(blksize_cases));
    tcase_add_loop_test(tc, opt_tsize, 0, COUNT(tsize_cases));
    tcase_add_loop_test(tc, opt_timeout, 0, COUNT(timeout_cases));
    tcase_add_loop_test(tc, opt_windowsize, 0, COUNT(windowsize_cases));
    tcase_add_test(tc, option_names_case_insensitive);
    tcase_add_test(tc, all_options_together);
    tcase_add_test(tc, unknown_options_ignored);
    tcase_add_test(tc, bad_option_answers_code_8);
    suite_add_tcase(s, tc);

    tc = tcase_create("names");
    tcase_add_loop_test(tc, filename_check, 0, COUNT(names));
    tcase_add_test(tc, bad_name_is_access_violation);
    tcase_add_test(tc, every_status_has_a_message);
    suite_add_tcase(s, tc);

    tc = tcase_create("builders");
    tcase_add_test(tc, build_data);
    tcase_add_test(tc, build_oack);
    tcase_add_test(tc, build_error);
    tcase_add_test(tc, build_ack);
    tcase_add_loop_test(tc, netascii_encoding, 0, COUNT(netascii));
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(packet_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
