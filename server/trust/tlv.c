/* tlv.c - write and read the TLV items of trust lists and signed files.
 * Pure: no I/O and no crypto, so the reader can be fuzzed on its own. */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "trust/tlv.h"

static int reserve(struct tlv_buf *, size_t);
static const char *table_name(const char *const *, size_t, unsigned);

/* Tag names, indexed by tag. */
#define TAG_NAME(id, number, name) [id] = (name),
#define TAG_SKIP(id, number, name)
static const char *const header_names[] = { TLV_TAGS(TAG_NAME, TAG_SKIP) };
static const char *const record_names[] = { TLV_TAGS(TAG_SKIP, TAG_NAME) };
#undef TAG_NAME
#undef TAG_SKIP

static const struct {
    enum tlv_role role;
    const char *name;
} roles[] = {
    { TLV_ROLE_SAST, "SAST" }, { TLV_ROLE_CCM, "CCM" }, { TLV_ROLE_CCM_TFTP, "CCM+TFTP" },
    { TLV_ROLE_TFTP, "TFTP" }, { TLV_ROLE_CAPF, "CAPF" }, { TLV_ROLE_APP_SERVER, "APP-SERVER" },
    { TLV_ROLE_TVS, "TVS" },
};

static const char *const hash_names[] = {
    [TLV_HASH_SHA1] = "SHA-1", [TLV_HASH_SHA256] = "SHA-256", [TLV_HASH_SHA512] = "SHA-512",
};

void tlv_buf_init(struct tlv_buf *b)
{
    memset(b, 0, sizeof *b);
}

void tlv_buf_free(struct tlv_buf *b)
{
    if (b->data != NULL)
        memset(b->data, 0, b->cap);
    free(b->data);
    tlv_buf_init(b);
}

static int reserve(struct tlv_buf *b, size_t n)
{
    if (b->failed)
        return -1;
    if (n <= b->cap - b->len)
        return 0;
    if (n > SIZE_MAX / 2 - b->len) {
        b->failed = 1;
        return -1;
    }
    size_t cap = b->cap ? b->cap : 256;
    while (cap - b->len < n)
        cap *= 2;
    uint8_t *p = malloc(cap);
    if (p == NULL) {
        b->failed = 1;
        return -1;
    }
    /* Copy and wipe rather than realloc: the old block may hold a key. */
    if (b->len > 0)
        memcpy(p, b->data, b->len);
    if (b->data != NULL)
        memset(b->data, 0, b->cap);
    free(b->data);
    b->data = p;
    b->cap = cap;
    return 0;
}

void tlv_put_raw(struct tlv_buf *b, const void *p, size_t n)
{
    if (n == 0 || reserve(b, n) != 0)
        return;
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

void tlv_put(struct tlv_buf *b, uint8_t tag, const void *value, size_t len)
{
    if (len > TLV_MAX_VALUE) {
        b->failed = 1;
        return;
    }
    uint8_t head[3] = { tag, (uint8_t)(len >> 8), (uint8_t)len };
    tlv_put_raw(b, head, sizeof head);
    tlv_put_raw(b, value, len);
}

void tlv_put_u8(struct tlv_buf *b, uint8_t tag, uint8_t v)
{
    tlv_put(b, tag, &v, 1);
}

void tlv_put_u16(struct tlv_buf *b, uint8_t tag, uint16_t v)
{
    uint8_t be[2] = { (uint8_t)(v >> 8), (uint8_t)v };
    tlv_put(b, tag, be, sizeof be);
}

void tlv_put_u32(struct tlv_buf *b, uint8_t tag, uint32_t v)
{
    uint8_t be[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };
    tlv_put(b, tag, be, sizeof be);
}

void tlv_put_str(struct tlv_buf *b, uint8_t tag, const char *s)
{
    tlv_put(b, tag, s, strlen(s) + 1);
}

size_t tlv_open(struct tlv_buf *b, uint8_t tag)
{
    size_t at = b->len;
    uint8_t head[3] = { tag, 0, 0 };
    tlv_put_raw(b, head, sizeof head);
    return at;
}

void tlv_close(struct tlv_buf *b, size_t at)
{
    if (b->failed)
        return;
    size_t len = b->len - at - 3;
    if (len > TLV_MAX_VALUE) {
        b->failed = 1;
        return;
    }
    b->data[at + 1] = (uint8_t)(len >> 8);
    b->data[at + 2] = (uint8_t)len;
}

void tlv_patch_u16(struct tlv_buf *b, size_t at, uint16_t v)
{
    if (b->failed || at + 5 > b->len)
        return;
    b->data[at + 3] = (uint8_t)(v >> 8);
    b->data[at + 4] = (uint8_t)v;
}

void tlv_reader_init(struct tlv_reader *r, const uint8_t *p, size_t len, uint32_t containers,
                     int pad_tag)
{
    r->p = p;
    r->len = len;
    r->off = 0;
    r->containers = containers;
    r->pad_tag = pad_tag;
}

int tlv_next(struct tlv_reader *r, struct tlv_item *it)
{
    if (r->off >= r->len)
        return 0;
    size_t left = r->len - r->off;
    const uint8_t *q = r->p + r->off;
    it->off = r->off;
    it->tag = q[0];
    if (r->pad_tag >= 0 && q[0] == r->pad_tag) {
        it->len = 0;
        it->value = q + 1;
        r->off += 1;
        return 1;
    }
    if (left < 3)
        return -1;
    it->len = tlv_get_u16(q + 1);
    it->value = q + 3;
    if (it->len > left - 3)
        return -1;
    if (it->tag < 32 && (r->containers >> it->tag & 1u))
        r->off += 3;
    else
        r->off += 3 + (size_t)it->len;
    return 1;
}

uint16_t tlv_get_u16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

uint32_t tlv_get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int tlv_item_u8(const struct tlv_item *it, uint8_t *v)
{
    if (it->len != 1)
        return -1;
    *v = it->value[0];
    return 0;
}

int tlv_item_u16(const struct tlv_item *it, uint16_t *v)
{
    if (it->len != 2)
        return -1;
    *v = tlv_get_u16(it->value);
    return 0;
}

int tlv_item_u32(const struct tlv_item *it, uint32_t *v)
{
    if (it->len != 4)
        return -1;
    *v = tlv_get_u32(it->value);
    return 0;
}

const char *tlv_item_str(const struct tlv_item *it)
{
    if (it->len == 0 || it->value[it->len - 1] != '\0')
        return NULL;
    if (memchr(it->value, '\0', it->len) != it->value + it->len - 1)
        return NULL;
    return (const char *)it->value;
}

static const char *table_name(const char *const *names, size_t n, unsigned code)
{
    return code < n && names[code] != NULL ? names[code] : "?";
}

const char *tlv_header_tag_name(unsigned tag)
{
    return table_name(header_names, sizeof header_names / sizeof *header_names, tag);
}

const char *tlv_record_tag_name(unsigned tag)
{
    return table_name(record_names, sizeof record_names / sizeof *record_names, tag);
}

const char *tlv_hash_name(unsigned hash)
{
    return table_name(hash_names, sizeof hash_names / sizeof *hash_names, hash);
}

const char *tlv_role_name(unsigned role)
{
    for (size_t i = 0; i < sizeof roles / sizeof *roles; i++)
        if (roles[i].role == role)
            return roles[i].name;
    return "?";
}

int tlv_role_from_name(const char *name)
{
    for (size_t i = 0; i < sizeof roles / sizeof *roles; i++)
        if (strcasecmp(roles[i].name, name) == 0)
            return (int)roles[i].role;
    return -1;
}

void trust_fail(char *err, size_t errlen, const char *fmt, ...)
{
    if (err == NULL || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}
