/* fuzz_tftp_packet.c - libFuzzer target for the pure TFTP code: the datagram
 * parser, the file-name check and the netascii encoder.  Besides memory
 * safety it checks the promises packet.h makes.  Build and run with
 * `make fuzz-tftp FUZZ_SECONDS=60`. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tftpd/packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(cond) do { if (!(cond)) abort(); } while (0)

static int name_char_ok(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '_' || c == '-' || c == '/';
}

/* What the name check lets through can never leave the served tree. */
static void check_clean_name(const char *clean)
{
    size_t n = strlen(clean);
    REQUIRE(n > 0 && clean[0] != '/' && clean[n - 1] != '/');
    REQUIRE(strstr(clean, "//") == NULL);
    for (const char *p = clean; *p; p++)
        REQUIRE(name_char_ok(*p));
    for (const char *c = clean; c; c = strchr(c, '/') ? strchr(c, '/') + 1 : NULL) {
        size_t len = strcspn(c, "/");
        REQUIRE(!(len == 1 && c[0] == '.'));
        REQUIRE(!(len == 2 && c[0] == '.' && c[1] == '.'));
    }
}

static void check_options(const struct tftp_options *o)
{
    if (o->present & TFTP_OPT_BLKSIZE)
        REQUIRE(o->blksize >= TFTP_BLKSIZE_MIN && o->blksize <= TFTP_BLKSIZE_MAX);
    if (o->present & TFTP_OPT_TIMEOUT)
        REQUIRE(o->timeout_s >= TFTP_TIMEOUT_OPT_MIN);
    if (o->present & TFTP_OPT_WINDOWSIZE)
        REQUIRE(o->windowsize >= 1 && o->windowsize <= TFTP_WINDOWSIZE_MAX);
}

/* An OACK carries options in request syntax: granting what was parsed and
 * parsing it back must give the same thing. */
static void check_oack_round_trip(const struct tftp_options *o)
{
    static const char head[] = "\0\1f\0octet";
    unsigned char buf[512];
    struct tftp_packet again;

    size_t n = tftp_build_oack(buf + sizeof head - 2, sizeof buf - sizeof head, o);
    REQUIRE(n >= 2);
    memcpy(buf, head, sizeof head);   /* overwrites the OACK opcode with mode's NUL */
    REQUIRE(tftp_parse(buf, sizeof head - 2 + n, &again) == TFTP_OK);
    REQUIRE(again.req.opts.present == o->present);
    REQUIRE(memcmp(&again.req.opts, o, sizeof *o) == 0);
}

static void check_netascii(const uint8_t *data, size_t size)
{
    size_t n = tftp_netascii_size(data, size);
    REQUIRE(n >= size && n <= 2 * size);
    unsigned char *enc = malloc(n + 1);
    REQUIRE(enc);
    tftp_netascii_encode(data, size, enc);
    /* Decoding gives the input back; no bare CR or LF is ever sent. */
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        if (enc[i] == '\n')
            abort();
        if (enc[i] == '\r') {
            REQUIRE(i + 1 < n && (enc[i + 1] == '\n' || enc[i + 1] == '\0'));
            REQUIRE(data[j++] == (enc[i + 1] == '\n' ? '\n' : '\r'));
            i++;
        } else {
            REQUIRE(data[j++] == enc[i]);
        }
    }
    REQUIRE(j == size);
    free(enc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static unsigned char out[TFTP_PACKET_MAX];
    struct tftp_packet pkt, back;
    const char *clean;

    enum tftp_status st = tftp_parse(data, size, &pkt);
    REQUIRE((unsigned)st < TFTP_STATUS_COUNT);

    if (st == TFTP_OK && (pkt.opcode == TFTP_RRQ || pkt.opcode == TFTP_WRQ)) {
        size_t n = strnlen(pkt.req.filename, sizeof pkt.req.filename);
        REQUIRE(n > 0 && n <= TFTP_FILENAME_MAX);
        check_options(&pkt.req.opts);
        check_oack_round_trip(&pkt.req.opts);
        if (tftp_check_filename(pkt.req.filename, &clean) == TFTP_OK)
            check_clean_name(clean);
    }
    if (st == TFTP_OK && pkt.opcode == TFTP_ERROR)
        REQUIRE(pkt.error_msg_len <= size - 4);

    /* The input as a raw name, too: the check must hold for any C string. */
    char name[300];
    size_t nlen = size < sizeof name - 1 ? size : sizeof name - 1;
    memcpy(name, data, nlen);
    name[nlen] = '\0';
    if (tftp_check_filename(name, &clean) == TFTP_OK)
        check_clean_name(clean);

    /* Whatever we answer, a peer can parse. */
    size_t e = tftp_build_error(out, sizeof out, st);
    REQUIRE(e > 4);
    REQUIRE(tftp_parse(out, e, &back) == TFTP_OK && back.opcode == TFTP_ERROR);
    REQUIRE(back.error_code == tftp_status_code(st));

    size_t d = tftp_build_data(out, sizeof out, (uint16_t)size, data, size);
    REQUIRE(d == size + 4);
    REQUIRE(tftp_parse(out, d, &back) == TFTP_OK && back.block == (uint16_t)size);

    check_netascii(data, size);
    return 0;
}
