/* hex.h - bytes written as lowercase hexadecimal digits (keys, digests,
 * node ids, version stamps). */
#ifndef UCPROV_HEX_H
#define UCPROV_HEX_H

#include <stddef.h>

/* The 2n digits of raw[0..n) into out, then a NUL: out holds 2n + 1 bytes. */
void hex_encode(const unsigned char *raw, size_t n, char *out);

#endif
