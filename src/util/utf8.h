/*
 * utf8.h — internal UTF-8 scanning shared by the charset decoder and anyone
 * who needs to judge or repair UTF-8.  The public entry points
 * (sito_utf8_valid, sito_utf8_sanitize) are declared in sito.h.
 */
#ifndef SITO_UTIL_UTF8_H
#define SITO_UTIL_UTF8_H

#include <stddef.h>

/* What a pass over bytes found: enough to decide whether a declaration of
 * UTF-8 (or of something else) is believable. */
typedef struct utf8_scan {
    size_t multibyte;   /* valid sequences of 2-4 bytes */
    size_t invalid;     /* maximal invalid subparts (each one U+FFFD) */
    size_t truncated;   /* bytes of an incomplete sequence at the very end */
    size_t nul;         /* NUL bytes */
} utf8_scan;

/* Scans s[0..n) and fills *r.  The incomplete tail (a valid prefix of a
 * sequence cut by the end) is counted in truncated, not in invalid. */
void utf8_scan_bytes(const char *s, size_t n, utf8_scan *r);

/* Length of the valid sequence at s (1-4), or 0 when s starts an invalid
 * one; then *bad is the length of its maximal subpart (>= 1). */
size_t utf8_seq_len(const unsigned char *s, size_t n, size_t *bad);

/* Appends the UTF-8 encoding of code point c (< 0x110000) to p; returns
 * the bytes written (1-4). */
static inline size_t utf8_put(unsigned char *p, unsigned c)
{
    if (c < 0x80) {
        p[0] = (unsigned char)c;
        return 1;
    }
    if (c < 0x800) {
        p[0] = (unsigned char)(0xC0 | (c >> 6));
        p[1] = (unsigned char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        p[0] = (unsigned char)(0xE0 | (c >> 12));
        p[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
        p[2] = (unsigned char)(0x80 | (c & 0x3F));
        return 3;
    }
    p[0] = (unsigned char)(0xF0 | (c >> 18));
    p[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
    p[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
    p[3] = (unsigned char)(0x80 | (c & 0x3F));
    return 4;
}

#endif
