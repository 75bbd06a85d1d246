/* form.c - decode what a browser's <form> sends. */
#include <config.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "form.h"

#define BOUNDARY_MAX 70   /* RFC 2046 */

static int add_field(struct form *f, const char *name, size_t name_len, const char *value,
                     size_t value_len, const char *filename, size_t filename_len)
{
    if (f->n == FORM_MAX_FIELDS)
        return -1;
    if (f->n % 16 == 0) {
        struct form_field *grown = realloc(f->fields, (f->n + 16) * sizeof *grown);
        if (grown == NULL)
            return -1;
        f->fields = grown;
    }
    struct form_field *ff = &f->fields[f->n];
    memset(ff, 0, sizeof *ff);
    ff->name = strndup(name, name_len);
    ff->value = malloc(value_len + 1);
    if (filename != NULL)
        ff->filename = strndup(filename, filename_len);
    if (ff->name == NULL || ff->value == NULL || (filename != NULL && ff->filename == NULL)) {
        free(ff->name);
        free(ff->value);
        free(ff->filename);
        return -1;
    }
    memcpy(ff->value, value, value_len);
    ff->value[value_len] = '\0';
    ff->len = value_len;
    f->n++;
    return 0;
}

void form_free(struct form *f)
{
    for (size_t i = 0; i < f->n; i++) {
        free(f->fields[i].name);
        /* Values carry passwords: wipe them before they go back to the heap. */
        memset(f->fields[i].value, 0, f->fields[i].len);
        free(f->fields[i].value);
        free(f->fields[i].filename);
    }
    free(f->fields);
    f->fields = NULL;
    f->n = 0;
}

/* ---------------------------------------------------------- urlencoded */

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Percent-decode in place ('+' is a space); -1 on a broken escape or a NUL. */
static int unescape(char *s, size_t len, size_t *out_len)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '+') {
            c = ' ';
        } else if (c == '%') {
            if (len - i < 3)
                return -1;
            int hi = hexval((unsigned char)s[i + 1]);
            int lo = hexval((unsigned char)s[i + 2]);
            if (hi < 0 || lo < 0)
                return -1;
            c = (char)(hi * 16 + lo);
            i += 2;
        }
        if (c == '\0')
            return -1;
        s[o++] = c;
    }
    *out_len = o;
    return 0;
}

int form_parse_urlencoded(const char *body, size_t len, struct form *out)
{
    memset(out, 0, sizeof *out);
    char *copy = malloc(len + 1);
    if (copy == NULL)
        return -1;
    memcpy(copy, body, len);
    copy[len] = '\0';
    int rc = 0;
    size_t pos = 0;
    while (pos < len && rc == 0) {
        size_t end = pos;
        while (end < len && copy[end] != '&')
            end++;
        if (end > pos) {
            char *pair = copy + pos;
            size_t plen = end - pos;
            char *eq = memchr(pair, '=', plen);
            size_t nlen = eq ? (size_t)(eq - pair) : plen;
            char *value = eq ? eq + 1 : pair + plen;
            size_t vlen = eq ? plen - nlen - 1 : 0;
            size_t n_out, v_out;
            if (unescape(pair, nlen, &n_out) != 0 || unescape(value, vlen, &v_out) != 0 ||
                n_out == 0)
                rc = -1;
            else
                rc = add_field(out, pair, n_out, value, v_out, NULL, 0);
        }
        pos = end + 1;
    }
    memset(copy, 0, len);
    free(copy);
    if (rc != 0)
        form_free(out);
    return rc;
}

/* ----------------------------------------------------------- multipart */

/* The value of a "; key=value" parameter in a header, unquoted, into buf. */
static bool header_param(const char *header, size_t hlen, const char *key, char *buf,
                         size_t buflen)
{
    size_t klen = strlen(key);
    const char *end = header + hlen;
    for (const char *p = header; p < end; p++) {
        if (*p != ';')
            continue;
        const char *q = p + 1;
        while (q < end && (*q == ' ' || *q == '\t'))
            q++;
        if ((size_t)(end - q) <= klen || strncasecmp(q, key, klen) != 0 || q[klen] != '=')
            continue;
        q += klen + 1;
        size_t n = 0;
        if (q < end && *q == '"') {
            q++;
            while (q < end && *q != '"' && n + 1 < buflen) {
                if (*q == '\\' && q + 1 < end)
                    q++;
                buf[n++] = *q++;
            }
            if (q >= end || *q != '"')
                return false;
        } else {
            while (q < end && *q != ';' && *q != ' ' && n + 1 < buflen)
                buf[n++] = *q++;
        }
        buf[n] = '\0';
        return true;
    }
    return false;
}

/* Parse one part's headers; name and filename come from Content-Disposition. */
static int part_headers(const char *h, size_t hlen, char *name, size_t nlen, char *filename,
                        size_t flen, bool *has_filename)
{
    bool disposition = false;
    *has_filename = false;
    const char *end = h + hlen;
    while (h < end) {
        const char *eol = h;
        while (eol + 1 < end && !(eol[0] == '\r' && eol[1] == '\n'))
            eol++;
        if (eol + 1 >= end)
            eol = end;
        static const char cd[] = "Content-Disposition:";
        size_t line = (size_t)(eol - h);
        if (line > sizeof cd - 1 && strncasecmp(h, cd, sizeof cd - 1) == 0) {
            if (!header_param(h, line, "name", name, nlen) || name[0] == '\0')
                return -1;
            *has_filename = header_param(h, line, "filename", filename, flen);
            disposition = true;
        }
        h = eol + 2;
    }
    return disposition ? 0 : -1;
}

static const char *find(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
    return memmem(hay, hlen, needle, nlen);
}

int form_parse_multipart(const char *content_type, const void *body, size_t len,
                         struct form *out)
{
    memset(out, 0, sizeof *out);
    char boundary[BOUNDARY_MAX + 1];
    if (!header_param(content_type, strlen(content_type), "boundary", boundary,
                      sizeof boundary) || boundary[0] == '\0')
        return -1;
    /* "\r\n--" + boundary separates parts; the body starts right at "--" + boundary. */
    char delim[BOUNDARY_MAX + 5];
    size_t dlen = (size_t)snprintf(delim, sizeof delim, "\r\n--%s", boundary);
    const char *p = body, *end = p + len;
    if (len < dlen - 2 || memcmp(p, delim + 2, dlen - 2) != 0)
        return -1;
    p += dlen - 2;
    for (;;) {
        if (end - p >= 2 && p[0] == '-' && p[1] == '-')
            return 0;                        /* closing delimiter */
        if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
            break;
        p += 2;
        const char *hend = find(p, (size_t)(end - p), "\r\n\r\n", 4);
        const char *data = hend ? hend + 4 : NULL;
        /* A part with no headers' CRLF pair cannot name its field. */
        if (hend == NULL)
            break;
        const char *next = find(data, (size_t)(end - data), delim, dlen);
        if (next == NULL)
            break;
        char name[128], filename[256];
        bool has_filename;
        if (part_headers(p, (size_t)(hend - p) + 2, name, sizeof name, filename,
                         sizeof filename, &has_filename) != 0 ||
            add_field(out, name, strlen(name), data, (size_t)(next - data),
                      has_filename ? filename : NULL, strlen(filename)) != 0)
            break;
        p = next + dlen;
    }
    form_free(out);
    return -1;
}

int form_parse(const char *content_type, const void *body, size_t len, struct form *out)
{
    static const char urlenc[] = "application/x-www-form-urlencoded";
    static const char multipart[] = "multipart/form-data";
    memset(out, 0, sizeof *out);
    if (strncasecmp(content_type, urlenc, sizeof urlenc - 1) == 0 &&
        (content_type[sizeof urlenc - 1] == '\0' || content_type[sizeof urlenc - 1] == ';'))
        return form_parse_urlencoded(body, len, out);
    if (strncasecmp(content_type, multipart, sizeof multipart - 1) == 0 &&
        content_type[sizeof multipart - 1] == ';')
        return form_parse_multipart(content_type, body, len, out);
    return -1;
}

const struct form_field *form_field(const struct form *f, const char *name)
{
    for (size_t i = 0; f && i < f->n; i++)
        if (strcmp(f->fields[i].name, name) == 0)
            return &f->fields[i];
    return NULL;
}

const char *form_get(const struct form *f, const char *name)
{
    const struct form_field *ff = form_field(f, name);
    return ff ? ff->value : NULL;
}

bool form_has_value(const struct form *f, const char *name, const char *value)
{
    for (size_t i = 0; f && i < f->n; i++)
        if (strcmp(f->fields[i].name, name) == 0 && strcmp(f->fields[i].value, value) == 0)
            return true;
    return false;
}

const char *form_next(const struct form *f, const char *name, size_t *pos)
{
    for (; f && *pos < f->n; (*pos)++)
        if (strcmp(f->fields[*pos].name, name) == 0)
            return f->fields[(*pos)++].value;
    return NULL;
}

int form_set(struct form *f, const char *name, const char *value)
{
    for (size_t i = 0; i < f->n; i++) {
        struct form_field *ff = &f->fields[i];
        if (strcmp(ff->name, name) != 0)
            continue;
        char *copy = strdup(value);
        if (copy == NULL)
            return -1;
        memset(ff->value, 0, ff->len);
        free(ff->value);
        ff->value = copy;
        ff->len = strlen(copy);
        return 0;
    }
    return add_field(f, name, strlen(name), value, strlen(value), NULL, 0);
}
