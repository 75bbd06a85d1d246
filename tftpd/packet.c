/* packet.c - TFTP wire format (RFC 1350, 2347, 2348, 2349, 7440). */
#include <config.h>

#include <stdint.h>
#include <string.h>

#include "packet.h"

/* What each status answers with.  Codes follow RFC 1350 section 5 and
 * RFC 2347; "busy" is code 0 because no code says "try later", and phones
 * retry a request that failed with 0 where they give up on 1 or 2. */
static const struct {
    uint16_t code;
    const char *msg;
} status_table[TFTP_STATUS_COUNT] = {
    [TFTP_OK]               = { TFTP_EUNDEF,    "No error" },
    [TFTP_ST_TRUNCATED]     = { TFTP_EBADOP,    "Truncated packet" },
    [TFTP_ST_BAD_OPCODE]    = { TFTP_EBADOP,    "Illegal TFTP operation" },
    [TFTP_ST_UNTERMINATED]  = { TFTP_EBADOP,    "Unterminated string in request" },
    [TFTP_ST_NAME_TOO_LONG] = { TFTP_EBADOP,    "File name too long" },
    [TFTP_ST_EMPTY_NAME]    = { TFTP_EBADOP,    "Empty file name" },
    [TFTP_ST_BAD_MODE]      = { TFTP_EBADOP,    "Unknown transfer mode" },
    [TFTP_ST_MAIL_MODE]     = { TFTP_EBADOP,    "Mail mode not supported" },
    [TFTP_ST_BAD_OPTION]    = { TFTP_EOPTNEG,   "Bad option value" },
    [TFTP_ST_BAD_NAME]      = { TFTP_EACCESS,   "Illegal file name" },
    [TFTP_ST_WRITE_DENIED]  = { TFTP_EACCESS,   "Server is read-only" },
    [TFTP_ST_DENIED]        = { TFTP_EACCESS,   "Access violation" },
    [TFTP_ST_NOT_FOUND]     = { TFTP_ENOTFOUND, "File not found" },
    [TFTP_ST_BUSY]          = { TFTP_EUNDEF,    "server busy, try again" },
    [TFTP_ST_UNKNOWN_TID]   = { TFTP_EBADID,    "Unknown transfer ID" },
};

static const struct {
    const char *name;
    enum tftp_mode mode;
    enum tftp_status status;
} mode_table[] = {
    { "octet",    TFTP_MODE_OCTET,    TFTP_OK },
    { "netascii", TFTP_MODE_NETASCII, TFTP_OK },
    { "mail",     TFTP_MODE_OCTET,    TFTP_ST_MAIL_MODE },
};

/* Known options.  A value under min or over max is refused; one over cap is
 * granted as cap.  blksize has no max because RFC 2348 lets the server answer
 * any larger request with what it can do. */
static const struct option_rule {
    const char *name;
    unsigned bit;
    uint64_t min, max, cap;
} option_table[] = {
    { "blksize",    TFTP_OPT_BLKSIZE,    TFTP_BLKSIZE_MIN,     UINT64_MAX,
      TFTP_BLKSIZE_MAX },
    { "tsize",      TFTP_OPT_TSIZE,      0,                    UINT64_MAX,
      UINT64_MAX },
    { "timeout",    TFTP_OPT_TIMEOUT,    TFTP_TIMEOUT_OPT_MIN, TFTP_TIMEOUT_OPT_MAX,
      TFTP_TIMEOUT_OPT_MAX },
    { "windowsize", TFTP_OPT_WINDOWSIZE, 1,                    TFTP_WINDOWSIZE_WIRE_MAX,
      TFTP_WINDOWSIZE_MAX },
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static uint16_t get16(const unsigned char *p)
{
    return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static void put16(unsigned char *p, uint16_t v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
}

/* ASCII-only comparison: option and mode names are not subject to locale. */
static int ascii_ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        unsigned char x = (unsigned char)*a, y = (unsigned char)*b;
        if (x >= 'A' && x <= 'Z')
            x = (unsigned char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (unsigned char)(y - 'A' + 'a');
        if (x != y)
            return 0;
    }
    return *a == *b;
}

/* A walk over the NUL-terminated strings of a request. */
struct strings {
    const char *p, *end;
};

/* The next string, or NULL if no NUL ends it inside the datagram. */
static const char *next_string(struct strings *s, size_t *len)
{
    const char *nul = memchr(s->p, '\0', (size_t)(s->end - s->p));
    if (!nul)
        return NULL;
    const char *str = s->p;
    *len = (size_t)(nul - str);
    s->p = nul + 1;
    return str;
}

static int all_nul(const char *p, const char *end)
{
    for (; p < end; p++)
        if (*p != '\0')
            return 0;
    return 1;
}

/* Decimal digits only, saturating at UINT64_MAX so "99999999999999999999"
 * still reads as "too big" rather than wrapping to something small. */
static int parse_u64(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    if (*s == '\0')
        return 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return 0;
        unsigned d = (unsigned)(*s - '0');
        v = v > (UINT64_MAX - d) / 10 ? UINT64_MAX : v * 10 + d;
    }
    *out = v;
    return 1;
}

static void set_option(struct tftp_options *o, unsigned bit, uint64_t v)
{
    switch (bit) {
    case TFTP_OPT_BLKSIZE:    o->blksize = (uint16_t)v; break;
    case TFTP_OPT_TSIZE:      o->tsize = v; break;
    case TFTP_OPT_TIMEOUT:    o->timeout_s = (uint8_t)v; break;
    case TFTP_OPT_WINDOWSIZE: o->windowsize = (uint16_t)v; break;
    }
    o->present |= bit;
}

static uint64_t get_option(const struct tftp_options *o, unsigned bit)
{
    switch (bit) {
    case TFTP_OPT_BLKSIZE:    return o->blksize;
    case TFTP_OPT_TSIZE:      return o->tsize;
    case TFTP_OPT_TIMEOUT:    return o->timeout_s;
    case TFTP_OPT_WINDOWSIZE: return o->windowsize;
    }
    return 0;
}

static enum tftp_status parse_option(const char *name, const char *value,
                                     struct tftp_options *o)
{
    for (size_t i = 0; i < COUNT(option_table); i++) {
        const struct option_rule *r = &option_table[i];
        uint64_t v;
        if (!ascii_ieq(name, r->name))
            continue;
        if (!parse_u64(value, &v) || v < r->min || v > r->max)
            return TFTP_ST_BAD_OPTION;
        set_option(o, r->bit, v > r->cap ? r->cap : v);
        return TFTP_OK;
    }
    return TFTP_OK;   /* RFC 2347: options we do not know are ignored */
}

/* RRQ/WRQ body: filename NUL mode NUL [option NUL value NUL]... */
static enum tftp_status parse_request(const char *p, const char *end,
                                      struct tftp_request *req)
{
    struct strings s = { p, end };
    const char *str;
    size_t n;

    if (!(str = next_string(&s, &n)))
        return p == end ? TFTP_ST_TRUNCATED : TFTP_ST_UNTERMINATED;
    if (n == 0)
        return TFTP_ST_EMPTY_NAME;
    if (n > TFTP_FILENAME_MAX)
        return TFTP_ST_NAME_TOO_LONG;
    memcpy(req->filename, str, n + 1);

    if (!(str = next_string(&s, &n)))
        return s.p == end ? TFTP_ST_TRUNCATED : TFTP_ST_UNTERMINATED;
    size_t m;
    for (m = 0; m < COUNT(mode_table); m++)
        if (ascii_ieq(str, mode_table[m].name))
            break;
    if (m == COUNT(mode_table))
        return TFTP_ST_BAD_MODE;
    if (mode_table[m].status != TFTP_OK)
        return mode_table[m].status;
    req->mode = mode_table[m].mode;

    while (s.p < end) {
        const char *name, *value;
        if (!(name = next_string(&s, &n)))
            return TFTP_ST_UNTERMINATED;
        if (n == 0) {
            /* 79xx phones send a stray NUL after the mode; tolerate NUL
             * padding at the end, but not an empty name before options. */
            if (all_nul(s.p, end))
                break;
            return TFTP_ST_BAD_OPTION;
        }
        if (!(value = next_string(&s, &n)))
            return TFTP_ST_UNTERMINATED;
        enum tftp_status st = parse_option(name, value, &req->opts);
        if (st != TFTP_OK)
            return st;
    }
    return TFTP_OK;
}

enum tftp_status tftp_parse(const void *buf, size_t len, struct tftp_packet *out)
{
    const unsigned char *b = buf;

    memset(out, 0, sizeof *out);
    if (len < 2)
        return TFTP_ST_TRUNCATED;
    uint16_t op = get16(b);
    if (op < TFTP_RRQ || op > TFTP_OACK)
        return TFTP_ST_BAD_OPCODE;
    out->opcode = (enum tftp_opcode)op;

    switch (out->opcode) {
    case TFTP_RRQ:
    case TFTP_WRQ:
        return parse_request((const char *)b + 2, (const char *)b + len, &out->req);
    case TFTP_DATA:
    case TFTP_ACK:
        if (len < 4)
            return TFTP_ST_TRUNCATED;
        out->block = get16(b + 2);
        return TFTP_OK;
    case TFTP_ERROR: {
        if (len < 4)
            return TFTP_ST_TRUNCATED;
        out->error_code = get16(b + 2);
        out->error_msg = (const char *)b + 4;
        const char *nul = memchr(out->error_msg, '\0', len - 4);
        out->error_msg_len = nul ? (size_t)(nul - out->error_msg) : len - 4;
        return TFTP_OK;
    }
    case TFTP_OACK:
        return TFTP_OK;   /* servers never receive one; nothing to read */
    }
    return TFTP_ST_BAD_OPCODE;
}

static int name_char_ok(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

enum tftp_status tftp_check_filename(const char *raw, const char **clean)
{
    /* Phones ask for "/SEPxxxx.cnf.xml" as often as "SEPxxxx.cnf.xml". */
    const char *name = raw[0] == '/' ? raw + 1 : raw;
    const char *comp = name;

    if (*name == '\0')
        return TFTP_ST_BAD_NAME;
    /* Empty components catch "//etc", "a//b" and a trailing '/'; refusing
     * "." as well as ".." gives the provider one spelling per file. */
    for (const char *p = name;; p++) {
        if (*p == '/' || *p == '\0') {
            size_t n = (size_t)(p - comp);
            if (n == 0 || (n == 1 && comp[0] == '.') ||
                (n == 2 && comp[0] == '.' && comp[1] == '.'))
                return TFTP_ST_BAD_NAME;
            if (*p == '\0')
                break;
            comp = p + 1;
        } else if (!name_char_ok((unsigned char)*p)) {
            return TFTP_ST_BAD_NAME;
        }
    }
    *clean = name;
    return TFTP_OK;
}

uint16_t tftp_status_code(enum tftp_status st)
{
    return (unsigned)st < TFTP_STATUS_COUNT ? status_table[st].code : TFTP_EUNDEF;
}

const char *tftp_status_message(enum tftp_status st)
{
    return (unsigned)st < TFTP_STATUS_COUNT ? status_table[st].msg : "Undefined error";
}

size_t tftp_build_data(void *buf, size_t cap, uint16_t block,
                       const void *payload, size_t n)
{
    unsigned char *b = buf;
    if (cap < 4 || n > cap - 4)
        return 0;
    put16(b, TFTP_DATA);
    put16(b + 2, block);
    if (n)
        memcpy(b + 4, payload, n);
    return 4 + n;
}

size_t tftp_build_ack(void *buf, size_t cap, uint16_t block)
{
    unsigned char *b = buf;
    if (cap < 4)
        return 0;
    put16(b, TFTP_ACK);
    put16(b + 2, block);
    return 4;
}

/* Append s and its NUL at *at; 0 if it does not fit. */
static int append_string(unsigned char *b, size_t cap, size_t *at, const char *s)
{
    size_t n = strlen(s) + 1;
    if (n > cap - *at)
        return 0;
    memcpy(b + *at, s, n);
    *at += n;
    return 1;
}

size_t tftp_build_oack(void *buf, size_t cap, const struct tftp_options *granted)
{
    unsigned char *b = buf;
    size_t at = 2;

    if (cap < 2)
        return 0;
    put16(b, TFTP_OACK);
    for (size_t i = 0; i < COUNT(option_table); i++) {
        const struct option_rule *r = &option_table[i];
        char digits[21], *d = digits + sizeof digits;
        uint64_t v;

        if (!(granted->present & r->bit))
            continue;
        v = get_option(granted, r->bit);
        *--d = '\0';
        do {
            *--d = (char)('0' + v % 10);
            v /= 10;
        } while (v);
        if (!append_string(b, cap, &at, r->name) || !append_string(b, cap, &at, d))
            return 0;
    }
    return at;
}

size_t tftp_build_error(void *buf, size_t cap, enum tftp_status st)
{
    unsigned char *b = buf;
    size_t at = 4;

    if (cap < 4)
        return 0;
    put16(b, TFTP_ERROR);
    put16(b + 2, tftp_status_code(st));
    if (!append_string(b, cap, &at, tftp_status_message(st)))
        return 0;
    return at;
}

size_t tftp_netascii_size(const unsigned char *src, size_t len)
{
    size_t n = len;
    for (size_t i = 0; i < len; i++) {
        if (src[i] != '\n' && src[i] != '\r')
            continue;
        if (n == SIZE_MAX)
            return SIZE_MAX;
        n++;
    }
    return n;
}

void tftp_netascii_encode(const unsigned char *src, size_t len, unsigned char *dst)
{
    for (size_t i = 0; i < len; i++) {
        switch (src[i]) {
        case '\n':
            *dst++ = '\r';
            *dst++ = '\n';
            break;
        case '\r':
            *dst++ = '\r';
            *dst++ = '\0';
            break;
        default:
            *dst++ = src[i];
        }
    }
}
