/* packet.h - TFTP wire format: parse datagrams, build replies, check names.
 *
 * Pure code: no sockets, no clocks, no allocation.  Everything that can go
 * wrong with a datagram is an enum tftp_status, and each status carries the
 * TFTP error code and message that answer it (see tftp_status_code()).
 */
#ifndef UCPROV_TFTP_PACKET_H
#define UCPROV_TFTP_PACKET_H

#include <stddef.h>
#include <stdint.h>
#include "tftp_limits.h"

enum tftp_opcode {
    TFTP_RRQ = 1,
    TFTP_WRQ = 2,
    TFTP_DATA = 3,
    TFTP_ACK = 4,
    TFTP_ERROR = 5,
    TFTP_OACK = 6,          /* RFC 2347 */
};

/* RFC 1350 error codes, plus RFC 2347's 8. */
enum tftp_error_code {
    TFTP_EUNDEF = 0,
    TFTP_ENOTFOUND = 1,
    TFTP_EACCESS = 2,
    TFTP_ENOSPACE = 3,
    TFTP_EBADOP = 4,
    TFTP_EBADID = 5,
    TFTP_EEXISTS = 6,
    TFTP_ENOUSER = 7,
    TFTP_EOPTNEG = 8,
};

/* Outcome of parsing or checking; every value but TFTP_OK answers with an
 * ERROR packet whose code and text come from one table in packet.c. */
enum tftp_status {
    TFTP_OK = 0,
    TFTP_ST_TRUNCATED,       /* shorter than its opcode requires */
    TFTP_ST_BAD_OPCODE,      /* opcode outside 1..6 */
    TFTP_ST_UNTERMINATED,    /* a string runs off the end of the datagram */
    TFTP_ST_NAME_TOO_LONG,   /* file name over TFTP_FILENAME_MAX */
    TFTP_ST_EMPTY_NAME,
    TFTP_ST_BAD_MODE,        /* neither octet nor netascii */
    TFTP_ST_MAIL_MODE,       /* RFC 1350 mail: obsolete, never served */
    TFTP_ST_BAD_OPTION,      /* known option with an unacceptable value */
    TFTP_ST_BAD_NAME,        /* traversal, absolute path, odd characters */
    TFTP_ST_WRITE_DENIED,    /* WRQ: this server is read-only */
    TFTP_ST_DENIED,          /* the provider refused the file */
    TFTP_ST_NOT_FOUND,
    TFTP_ST_BUSY,            /* transfer cap or resources exhausted */
    TFTP_ST_UNKNOWN_TID,     /* datagram from a stranger on a transfer port */
    TFTP_STATUS_COUNT
};

enum tftp_mode {
    TFTP_MODE_OCTET = 0,
    TFTP_MODE_NETASCII,
};

/* Bits of tftp_options.present. */
enum {
    TFTP_OPT_BLKSIZE = 1u << 0,
    TFTP_OPT_TSIZE = 1u << 1,
    TFTP_OPT_TIMEOUT = 1u << 2,
    TFTP_OPT_WINDOWSIZE = 1u << 3,
};

/* Options as requested (after clamping) or as granted in an OACK. */
struct tftp_options {
    unsigned present;        /* TFTP_OPT_* bits */
    uint16_t blksize;        /* TFTP_BLKSIZE_MIN..TFTP_BLKSIZE_MAX */
    uint16_t windowsize;     /* 1..TFTP_WINDOWSIZE_MAX */
    uint8_t timeout_s;       /* TFTP_TIMEOUT_OPT_MIN..MAX */
    uint64_t tsize;          /* what the client sent; the file size in an OACK */
};

struct tftp_request {
    char filename[TFTP_FILENAME_MAX + 1];   /* raw, as on the wire */
    enum tftp_mode mode;
    struct tftp_options opts;
};

struct tftp_packet {
    enum tftp_opcode opcode;
    uint16_t block;              /* DATA, ACK */
    uint16_t error_code;         /* ERROR */
    const char *error_msg;       /* ERROR: points into the datagram, */
    size_t error_msg_len;        /*   not necessarily NUL-terminated */
    struct tftp_request req;     /* RRQ, WRQ */
};

/* Parse one datagram.  On failure out->opcode is still set when it was
 * readable, so a caller can tell a broken WRQ from a broken RRQ. */
enum tftp_status tftp_parse(const void *buf, size_t len, struct tftp_packet *out);

/* Check a requested name and return, via *clean, the name with one leading
 * '/' dropped (a pointer into raw).  Only [A-Za-z0-9._-] and '/' between
 * non-empty components other than "." and ".." pass. */
enum tftp_status tftp_check_filename(const char *raw, const char **clean);

/* Error code and message answering a status. */
uint16_t tftp_status_code(enum tftp_status st);
const char *tftp_status_message(enum tftp_status st);

/* Builders write one packet into buf and return its length, or 0 when it
 * does not fit in cap. */
size_t tftp_build_data(void *buf, size_t cap, uint16_t block,
                       const void *payload, size_t n);
size_t tftp_build_oack(void *buf, size_t cap, const struct tftp_options *granted);
size_t tftp_build_error(void *buf, size_t cap, enum tftp_status st);
/* ACK is what clients send; the tests' client builds it with this. */
size_t tftp_build_ack(void *buf, size_t cap, uint16_t block);

/* Netascii (RFC 764 as used by RFC 1350): LF becomes CR LF, CR becomes CR NUL.
 * tftp_netascii_size() is the encoded length, or SIZE_MAX if it would overflow;
 * tftp_netascii_encode() writes exactly that many bytes to dst. */
size_t tftp_netascii_size(const unsigned char *src, size_t len);
void tftp_netascii_encode(const unsigned char *src, size_t len, unsigned char *dst);

#endif
