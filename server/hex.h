/* hex.h - bytes written as lowercase hexadecimal digits (keys, digests,
 * node ids, version stamps), and read back. */
#ifndef UCPROV_HEX_H
#define UCPROV_HEX_H

#include <stdbool.h>
#include <stddef.h>

/* The 2n digits of raw[0..n) into out, then a NUL: out holds 2n + 1 bytes. */
void hex_encode(const unsigned char *raw, size_t n, char *out);
/* The bytes of text's first 2n characters into raw[0..n); false (raw then
 * unspecified) unless all 2n are hex digits, of either case. */
bool hex_decode(const char *text, size_t n, unsigned char *raw);

#endif
