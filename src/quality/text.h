/*
 * text.h — Unicode helpers of the quality module, with the exact character
 * classes of Python (str.isspace, str.isalpha, re's \w, str.splitlines),
 * because datatrove's filters are defined in Python terms.  Lengths that
 * datatrove takes with len(str) are code points, never bytes.
 */
#ifndef SITO_QUALITY_TEXT_H
#define SITO_QUALITY_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* Decodes one code point at s[*i] (i < n) and advances *i.  Invalid UTF-8
 * yields U+FFFD and advances by one byte. */
static inline int32_t q_next_cp(const unsigned char *s, size_t n, size_t *i)
{
    unsigned char c = s[*i];
    if (c < 0x80) {
        (*i)++;
        return c;
    }
    int len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
    if (len == 0 || c > 0xF4 || *i + (size_t)len > n) {
        (*i)++;
        return 0xFFFD;
    }
    int32_t cp = c & (0x7F >> len);
    for (int k = 1; k < len; k++) {
        unsigned char cc = s[*i + (size_t)k];
        if ((cc & 0xC0) != 0x80) {
            (*i)++;
            return 0xFFFD;
        }
        cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
        (*i)++;
        return 0xFFFD;
    }
    *i += (size_t)len;
    return cp;
}

/* Character classes, as bits: one table lookup for ASCII, one utf8proc
 * category lookup for the rest. */
enum {
    QC_SPACE = 1,   /* Python str.isspace() */
    QC_WORD = 2,    /* tokenizer word character: L*, M*, N*, '_' */
    QC_ALPHA = 4,   /* Python str.isalpha(): L* */
    QC_PUNCT = 8,   /* in datatrove's PUNCTUATION_SET */
    QC_REWORD = 16, /* Python re \w: L*, N*, '_' */
    QC_LOWER = 32,  /* general category Ll */
    QC_DIGIT = 64,  /* general category Nd */
};

static const unsigned char q_ascii_class[128] = {
    8, 8, 8, 8, 8, 8, 8, 8, 8, 1, 1, 9, 9, 9, 8, 8,
    8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 9, 9, 9, 9,
    1, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8,
    82, 82, 82, 82, 82, 82, 82, 82, 82, 82, 8, 8, 8, 8, 8, 8,
    8, 22, 22, 22, 22, 22, 22, 22, 22, 22, 22, 22, 22, 22, 22, 22,
    22, 22, 22, 22, 22, 22, 22, 22, 22, 22, 22, 8, 8, 8, 8, 26,
    8, 54, 54, 54, 54, 54, 54, 54, 54, 54, 54, 54, 54, 54, 54, 54,
    54, 54, 54, 54, 54, 54, 54, 54, 54, 54, 54, 8, 8, 8, 8, 8,
};

/* The classes of a code point, asked from utf8proc (slow: the tables in
 * qclass_table.h are generated from it by scripts/gen_qclass.c). */
int q_class_compute(int32_t cp);

#ifdef Q_GEN_TABLE /* scripts/gen_qclass.c builds the table from utf8proc */
static inline int q_class_wide(int32_t cp) { return q_class_compute(cp); }
#else
#include "quality/qclass_table.h"

/* The classes of a code point >= 0x80: a two-level table for the BMP. */
static inline int q_class_wide(int32_t cp)
{
    if (cp < 0x10000)
        return q_class_blocks[q_class_index[cp >> 8]][cp & 0xFF];
    return q_class_compute(cp);
}
#endif

static inline int q_class(int32_t cp)
{
    return cp < 0x80 ? q_ascii_class[cp] : q_class_wide(cp);
}

/* The code point that ends just before s[i] (i > 0), and its start. */
int32_t q_prev_cp(const unsigned char *s, size_t i, size_t *start);

/* Code points in n bytes (a continuation byte never starts one). */
size_t q_cp_count(const char *s, size_t n);

/* Python str.isspace(). */
static inline int q_isspace(int32_t cp) { return q_class(cp) & QC_SPACE; }
/* Python str.isalpha(): general category L*. */
static inline int q_isalpha(int32_t cp) { return q_class(cp) & QC_ALPHA; }
/* Python re \w on str: alphanumeric (L*, N*) or '_'. */
static inline int q_isword(int32_t cp) { return q_class(cp) & QC_REWORD; }
/* datatrove's PUNCTUATION_SET (utils/text.py): punctuation characters and
 * the C0/C1 controls except tab and newline. */
static inline int q_in_punct_set(int32_t cp) { return q_class(cp) & QC_PUNCT; }

/* A line boundary of Python str.splitlines() at s[i]: returns the length
 * of the boundary (1-3 bytes; 2 for "\r\n"), 0 when none. */
static inline size_t q_linebreak(const unsigned char *s, size_t n, size_t i)
{
    unsigned char c = s[i];
    if (c > 0x1E && c != 0xC2 && c != 0xE2)
        return 0;
    if (c == '\n' || c == 0x0B || c == 0x0C || (c >= 0x1C && c <= 0x1E))
        return 1;
    if (c == '\r')
        return (i + 1 < n && s[i + 1] == '\n') ? 2 : 1;
    if (c == 0xC2 && i + 1 < n && s[i + 1] == 0x85)
        return 2;
    if (c == 0xE2 && i + 2 < n && s[i + 1] == 0x80 && (s[i + 2] == 0xA8 || s[i + 2] == 0xA9))
        return 3;
    return 0;
}

/* The end of the line that starts at s[i] for str.splitlines(): the first
 * line boundary at or after i (*br: its length), or n (*br = 0). */
size_t q_line_end(const unsigned char *s, size_t n, size_t i, size_t *br);

/* Python str.strip(): trims whitespace at both ends of [*b, *e). */
void q_strip(const unsigned char *s, size_t *b, size_t *e);

/* Case-insensitive (ASCII) search of a lower-case ASCII needle. */
int q_contains_ci(const char *s, size_t n, const char *needle, size_t nlen);

/* Which of C4's phrases a line holds (ASCII case-insensitive), in one pass:
 * bit 0 "lorem ipsum", bit 1 "javascript", bit 2 any policy phrase. */
int q_c4_phrases(const char *s, size_t n);

#endif
