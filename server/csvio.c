/* csvio.c - CSV over libcsv, with the line each record starts on.
 *
 * libcsv says nothing of line numbers, yet an import error is only useful
 * with one.  So the reader feeds libcsv a line at a time while a record is
 * open, and notes the line where the next one begins: that is the first byte
 * after a record ended that is not a line break.  A record whose quoted field
 * spans lines keeps the line it started on. */
#include <config.h>

#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvio.h"

/* What a spreadsheet takes as the start of a formula; a tab or CR in front
 * can hide one from the eye. */
static const char formula_starts[] = "=+-@\t\r";
static const char utf8_bom[] = "\xEF\xBB\xBF";

struct reader {
    struct csv_record rec;
    struct textbuf arena;     /* the open record's fields, NUL-separated */
    size_t offsets[CSV_MAX_FIELDS];
    bool open;                /* a record has begun and not yet ended */
    long line;                /* line of the bytes being fed */
    csv_record_fn fn;
    void *ctx;
    int stopped;              /* the callback's non-zero answer */
};

/* Quotes, then a formula character: such a text is written with one more
 * quote in front, and read with one less. */
static bool formula_like(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && s[i] == '\'')
        i++;
    return i < n && s[i] != '\0' && strchr(formula_starts, s[i]) != NULL;
}

static void on_field(void *data, size_t len, void *ctx)
{
    struct reader *r = ctx;
    if (r->stopped || r->arena.failed)
        return;
    if (!r->open) {           /* a record that began right after a bare CR */
        r->open = true;
        r->rec.line = r->line;
    }
    size_t i = r->rec.n_fields++;
    if (i >= CSV_MAX_FIELDS)
        return;
    if (len > 1 && *(char *)data == '\'' && formula_like((char *)data + 1, len - 1)) {
        data = (char *)data + 1;   /* the writer's neutralising quote */
        len--;
    }
    struct textbuf *a = &r->arena;
    if (!textbuf_reserve(a, len))
        return;
    if (len > 0)
        memcpy(a->buf + a->len, data, len);
    a->buf[a->len + len] = '\0';
    r->offsets[i] = a->len;
    a->len += len + 1;
}

static void on_record_end(int terminator, void *ctx)
{
    struct reader *r = ctx;
    (void)terminator;
    if (!r->stopped && !r->arena.failed) {
        size_t kept = r->rec.n_fields < CSV_MAX_FIELDS ? r->rec.n_fields : CSV_MAX_FIELDS;
        /* Pointers are fixed only now: the arena may have moved while filling. */
        for (size_t i = 0; i < kept; i++)
            r->rec.field[i] = r->arena.buf + r->offsets[i];
        r->stopped = r->fn(r->ctx, &r->rec);
    }
    r->open = false;
    r->rec.n_fields = 0;
    r->arena.len = 0;
}

/* Fields reach the caller as C strings: a NUL byte would cut one short
 * silently ("SEP...\0junk" read as a valid name), so it is refused. */
static bool has_nul(const char *buf, size_t len, long *line, char *err, size_t errlen)
{
    const char *nul = memchr(buf, '\0', len);
    if (nul == NULL)
        return false;
    *line = 1;
    for (const char *c = buf; c < nul; c++)
        *line += *c == '\n';
    snprintf(err, errlen, "a NUL byte: the file is not text");
    return true;
}

int csv_read(const char *buf, size_t len, csv_record_fn fn, void *ctx, long *line,
             char *err, size_t errlen)
{
    struct csv_parser p;
    struct reader r = { .line = 1, .fn = fn, .ctx = ctx };
    size_t pos = 0;
    int rc = 0;

    if (len >= 3 && memcmp(buf, utf8_bom, 3) == 0)
        pos = 3;   /* Excel's "CSV UTF-8" starts so; the header comes after it */

    if (has_nul(buf, len, line, err, errlen))
        return -1;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0) {
        snprintf(err, errlen, "out of memory");
        *line = 0;
        return -1;
    }
    while (pos < len && !r.stopped && !r.arena.failed) {
        if (!r.open) {
            /* Blank lines between records: fed one byte at a time so that
             * the next record's first line is known before it begins. */
            char c = buf[pos];
            if (c == '\n' || c == '\r') {
                if (csv_parse(&p, buf + pos, 1, on_field, on_record_end, &r) != 1)
                    break;
                r.line += c == '\n';
                pos++;
                continue;
            }
            r.open = true;
            r.rec.line = r.line;
        }
        const char *nl = memchr(buf + pos, '\n', len - pos);
        size_t chunk = nl ? (size_t)(nl - (buf + pos)) + 1 : len - pos;
        r.rec.consumed = pos + chunk;
        if (csv_parse(&p, buf + pos, chunk, on_field, on_record_end, &r) != chunk)
            break;
        pos += chunk;
        r.line += nl != NULL;
    }
    if (!r.stopped && !r.arena.failed && csv_error(&p) == CSV_SUCCESS)
        csv_fini(&p, on_field, on_record_end, &r);   /* the last record may lack its "\n" */
    if (r.stopped) {
        rc = r.stopped;
    } else if (r.arena.failed) {
        snprintf(err, errlen, "out of memory");
        *line = r.rec.line;
        rc = -1;
    } else if (csv_error(&p) != CSV_SUCCESS) {
        /* libcsv refuses a quote inside an unquoted field, text after a
         * closing quote, and a quoted field still open at the end. */
        snprintf(err, errlen, "malformed CSV: a field holding quotes, commas or line breaks "
                 "must be quoted, with its quotes doubled");
        *line = r.open ? r.rec.line : r.line;
        rc = -1;
    }
    csv_free(&p);
    textbuf_free(&r.arena);
    return rc;
}

/* ----------------------------------------------------------------- output */

/* Quotes are needed for the separators, for edge spaces that a reader
 * (libcsv among them) would otherwise trim, and for a text starting like a
 * byte order mark, which a reader skips at the start of a file.  A
 * neutralised cell starts with its quote, so only its end can be an edge. */
static bool needs_quotes(const char *s, size_t n, bool neutral)
{
    if (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        return true;
    if (!neutral && n > 0 && (s[0] == ' ' || s[0] == '\t'))
        return true;
    if (!neutral && n >= 3 && memcmp(s, utf8_bom, 3) == 0)
        return true;
    return strpbrk(s, ",\"\r\n") != NULL;
}

/* One cell: the neutralising quote (if any) and the text, quoted if need be.
 * A lone empty field is quoted: an empty line would be skipped by readers. */
static void put_cell(struct textbuf *w, const char *s, size_t len, bool lone)
{
    bool neutral = formula_like(s, len);
    bool quoted = needs_quotes(s, len, neutral) || (lone && len == 0);
    if (quoted)
        w->buf[w->len++] = '"';
    if (neutral)
        w->buf[w->len++] = '\'';
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"')
            w->buf[w->len++] = '"';
        w->buf[w->len++] = s[i];
    }
    if (quoted)
        w->buf[w->len++] = '"';
}

void csv_write_record(struct textbuf *w, const char *const *fields, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *s = fields[i] ? fields[i] : "";
        size_t len = strlen(s);
        /* At worst every byte is a doubled quote, plus the neutralising quote,
         * the two around it and the separator. */
        if (!textbuf_reserve(w, 2 * len + 4))
            return;
        if (i > 0)
            w->buf[w->len++] = ',';
        put_cell(w, s, len, n == 1);
    }
    if (!textbuf_reserve(w, 1))
        return;
    w->buf[w->len++] = '\n';
    /* The text stays NUL-terminated (the reserve kept room), so callers may
     * treat it as a C string. */
    w->buf[w->len] = '\0';
}
