/* textbuf.c - a growing text buffer (textbuf.h). */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "textbuf.h"

#define TEXTBUF_FIRST 4096   /* bytes of the first allocation */

bool textbuf_reserve(struct textbuf *b, size_t more)
{
    if (b->failed)
        return false;
    if (b->len + more < b->cap)
        return true;
    size_t cap = b->cap ? b->cap : TEXTBUF_FIRST;
    while (cap <= b->len + more)
        cap *= 2;
    char *grown = realloc(b->buf, cap);
    if (grown == NULL) {
        b->failed = true;
        return false;
    }
    b->buf = grown;
    b->cap = cap;
    return true;
}

void textbuf_vprintf(struct textbuf *b, const char *fmt, va_list ap)
{
    if (b->failed)
        return;
    /* Straight into the room left; formatted again only when it did not fit. */
    size_t room = b->buf ? b->cap - b->len : 0;
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(b->buf ? b->buf + b->len : NULL, room, fmt, ap);
    if (n < 0) {
        b->failed = true;
    } else if ((size_t)n < room) {
        b->len += (size_t)n;
    } else if (textbuf_reserve(b, (size_t)n)) {
        vsnprintf(b->buf + b->len, b->cap - b->len, fmt, again);
        b->len += (size_t)n;
    }
    va_end(again);
}

void textbuf_printf(struct textbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    textbuf_vprintf(b, fmt, ap);
    va_end(ap);
}

char *textbuf_take(struct textbuf *b, size_t *len)
{
    char *text = NULL;
    size_t n = 0;
    if (textbuf_reserve(b, 0)) {
        b->buf[b->len] = '\0';
        text = b->buf;
        n = b->len;
    } else {
        free(b->buf);
    }
    if (len != NULL)
        *len = n;
    memset(b, 0, sizeof *b);
    return text;
}

void textbuf_free(struct textbuf *b)
{
    free(b->buf);
    memset(b, 0, sizeof *b);
}
