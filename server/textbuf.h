/* textbuf.h - text that grows as it is written (the ASA's configuration, CSV,
 * the metrics page): one buffer, NUL-terminated after len, whose failure
 * sticks once memory runs out, so that a writer checks once at the end. */
#ifndef UCPROV_TEXTBUF_H
#define UCPROV_TEXTBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct textbuf {
    char *buf;     /* NULL until something is written */
    size_t len, cap;
    bool failed;   /* memory ran out: nothing more is written */
};

/* Room for more bytes past len, and the NUL after them; false once failed. */
bool textbuf_reserve(struct textbuf *b, size_t more);
/* printf at the end. */
void textbuf_printf(struct textbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void textbuf_vprintf(struct textbuf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* The text for the caller to free ("" when nothing was written) and its length
 * in *len (len may be NULL); NULL when memory ran out.  b is empty afterwards. */
char *textbuf_take(struct textbuf *b, size_t *len);
void textbuf_free(struct textbuf *b);

#endif
