/*
 * utf8.c — UTF-8 validation and repair.  The validator skips ASCII eight
 * bytes at a time, which is what makes the "already UTF-8" fast path of the
 * charset decoder cheap.  Repair follows the Unicode/WHATWG rule: each
 * maximal invalid subpart becomes exactly one U+FFFD, nothing is dropped.
 */
#include "sito.h"
#include "util/utf8.h"

#include <stdint.h>
#include <string.h>

#define HIGH_BITS 0x8080808080808080ULL

/* Index of the first non-ASCII byte at or after i (n if none). */
static size_t skip_ascii(const unsigned char *s, size_t i, size_t n)
{
    while (i + 16 <= n) {
        uint64_t a, b;
        memcpy(&a, s + i, 8);
        memcpy(&b, s + i + 8, 8);
        if ((a | b) & HIGH_BITS)
            break;
        i += 16;
    }
    while (i < n && s[i] < 0x80)
        i++;
    return i;
}

size_t utf8_seq_len(const unsigned char *s, size_t n, size_t *bad)
{
    unsigned b0 = s[0];
    size_t need;
    unsigned lo = 0x80, hi = 0xBF;  /* range of the second byte */
    if (b0 < 0x80)
        return 1;
    if (b0 >= 0xC2 && b0 <= 0xDF)
        need = 2;
    else if (b0 >= 0xE0 && b0 <= 0xEF) {
        need = 3;
        if (b0 == 0xE0)
            lo = 0xA0;
        else if (b0 == 0xED)
            hi = 0x9F;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        need = 4;
        if (b0 == 0xF0)
            lo = 0x90;
        else if (b0 == 0xF4)
            hi = 0x8F;
    } else {
        *bad = 1;
        return 0;
    }
    for (size_t k = 1; k < need; k++) {
        if (k >= n) {
            *bad = k;
            return 0;
        }
        unsigned c = s[k];
        unsigned l = k == 1 ? lo : 0x80, h = k == 1 ? hi : 0xBF;
        if (c < l || c > h) {
            *bad = k;
            return 0;
        }
    }
    return need;
}

void utf8_scan_bytes(const char *str, size_t n, utf8_scan *r)
{
    const unsigned char *s = (const unsigned char *)str;
    memset(r, 0, sizeof *r);
    size_t i = 0;
    for (;;) {
        size_t j = skip_ascii(s, i, n);
        if (j > i && memchr(s + i, 0, j - i)) {
            for (size_t k = i; k < j; k++)
                r->nul += s[k] == 0;
        }
        i = j;
        if (i >= n)
            break;
        size_t bad, len = utf8_seq_len(s + i, n - i, &bad);
        if (len) {
            r->multibyte++;
            i += len;
        } else if (i + bad == n && bad > 0 && s[i] >= 0xC2 && s[i] <= 0xF4) {
            r->truncated = bad;  /* a valid prefix cut by the end */
            break;
        } else {
            r->invalid++;
            i += bad;
        }
    }
}

int sito_utf8_valid(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    for (;;) {
        i = skip_ascii(s, i, n);
        if (i >= n)
            return 1;
        size_t bad, len = utf8_seq_len(s + i, n - i, &bad);
        if (!len)
            return 0;
        i += len;
    }
}

size_t sito_utf8_sanitize(char *dst, const char *src, size_t n,
                          size_t *replacements)
{
    const unsigned char *s = (const unsigned char *)src;
    unsigned char *d = (unsigned char *)dst;
    size_t i = 0, o = 0, reps = 0;
    while (i < n) {
        size_t j = skip_ascii(s, i, n);
        memcpy(d + o, s + i, j - i);
        o += j - i;
        i = j;
        if (i >= n)
            break;
        size_t bad, len = utf8_seq_len(s + i, n - i, &bad);
        if (len) {
            memcpy(d + o, s + i, len);
            o += len;
            i += len;
        } else {
            memcpy(d + o, "\xEF\xBF\xBD", 3);
            o += 3;
            i += bad;
            reps++;
        }
    }
    if (replacements)
        *replacements = reps;
    return o;
}
