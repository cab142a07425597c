/*
 * hex.h - bytes as lower-case hexadecimal text and back (keys, salts and
 * hashes kept in the keyring, a file or the store).  Pure; no allocation.
 */
#ifndef MOTCUA_HEX_H
#define MOTCUA_HEX_H

#include <stddef.h>

/* The n bytes of b as 2n hex digits and a NUL in out (2n + 1 bytes). */
void hex_encode(const unsigned char *b, size_t n, char *out);

/* Exactly 2n hex digits (either case) of s into out[0..n); 0, or -1 when s
 * is NULL, of another length or not hex (out then undefined). */
int hex_decode(const char *s, unsigned char *out, size_t n);

#endif
