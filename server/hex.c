/* hex.c - bytes as lowercase hexadecimal digits, and back (hex.h). */
#include <config.h>

#include "hex.h"

void hex_encode(const unsigned char *raw, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[raw[i] >> 4];
        out[2 * i + 1] = digits[raw[i] & 15];
    }
    out[2 * n] = '\0';
}

/* A digit's value, or -1. */
static int digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool hex_decode(const char *text, size_t n, unsigned char *raw)
{
    for (size_t i = 0; i < n; i++) {
        int hi = digit(text[2 * i]), lo = hi < 0 ? -1 : digit(text[2 * i + 1]);
        if (lo < 0)
            return false;
        raw[i] = (unsigned char)(hi << 4 | lo);
    }
    return true;
}
