/* hex.c - bytes as lowercase hexadecimal digits (hex.h). */
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
