/* csvio.h - CSV records in and out, over libcsv: RFC 4180 quoting, embedded
 * commas and newlines, LF or CRLF.  No I/O: input is a buffer, output grows
 * in memory, so callers choose files, sockets or tests.
 *
 * The files are for spreadsheets too, so no cell written starts a formula:
 * a cell that is quotes and then one of = + - @ TAB CR gets one more quote in
 * front (OWASP's advice against CSV injection), and the reader takes one off
 * such a cell again.  Every text survives the round trip. */
#ifndef UCPROV_CSVIO_H
#define UCPROV_CSVIO_H

#include <stdbool.h>
#include <stddef.h>

#include "textbuf.h"

#define CSV_MAX_FIELDS 136  /* kept per record (a phone: 5 columns, DN and Label for 64
                               buttons); more are counted, not kept */

/* One record as the reader hands it over. */
struct csv_record {
    long line;                            /* line of the input it starts on, from 1 */
    size_t n_fields;                      /* as many as the record has */
    const char *field[CSV_MAX_FIELDS];    /* NUL-terminated, valid during the call */
    size_t consumed;                      /* input bytes read so far, for progress */
};

/* Called per record; a non-zero return stops the reader and is returned. */
typedef int (*csv_record_fn)(void *ctx, const struct csv_record *rec);

/* Read every record of buf (a UTF-8 byte order mark in front, as Excel
 * writes, is skipped).  0 at the end, the callback's non-zero value if it
 * stopped, or -1 for malformed CSV (a stray quote, out of memory) with *line
 * and err saying where and why. */
int csv_read(const char *buf, size_t len, csv_record_fn fn, void *ctx, long *line,
             char *err, size_t errlen);

/* Append one record to w, each field quoted only where CSV needs it, ended by
 * "\n"; w stays NUL-terminated after its len. */
void csv_write_record(struct textbuf *w, const char *const *fields, size_t n);

#endif
