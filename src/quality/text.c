/*
 * text.c — Python's character classes in C (see text.h).  ASCII is answered
 * from a table; everything else asks utf8proc for the general category, so
 * the classes follow the Unicode version of the installed libutf8proc.
 */
#include "quality/text.h"

#include <string.h>
#include <utf8proc.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

int32_t q_prev_cp(const unsigned char *s, size_t i, size_t *start)
{
    size_t j = i - 1;
    int k = 0;
    while (j > 0 && k < 3 && (s[j] & 0xC0) == 0x80) {
        j--;
        k++;
    }
    size_t p = j;
    int32_t cp = q_next_cp(s, i, &p);
    if (p != i) { /* not a whole code point: take the last byte alone */
        j = i - 1;
        cp = 0xFFFD;
    }
    *start = j;
    return cp;
}

size_t q_cp_count(const char *s, size_t n)
{
    /* n minus the continuation bytes (10xxxxxx), 8 bytes at a time */
    size_t cont = 0, i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t x;
        memcpy(&x, s + i, 8);
        cont += (size_t)__builtin_popcountll(x & ~(x << 1) & 0x8080808080808080ull);
    }
    for (; i < n; i++)
        cont += ((unsigned char)s[i] & 0xC0) == 0x80;
    return n - cont;
}

size_t q_line_end(const unsigned char *s, size_t n, size_t i, size_t *br)
{
#ifdef __SSE2__
    /* a boundary starts with a byte <= 0x1E, 0xC2 or 0xE2 */
    const __m128i lim = _mm_set1_epi8(0x1E), c2 = _mm_set1_epi8((char)0xC2),
                  e2 = _mm_set1_epi8((char)0xE2);
    while (i + 16 <= n) {
        __m128i v = _mm_loadu_si128((const __m128i *)(s + i));
        __m128i m = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(v, lim), v),
                                 _mm_or_si128(_mm_cmpeq_epi8(v, c2), _mm_cmpeq_epi8(v, e2)));
        unsigned bits = (unsigned)_mm_movemask_epi8(m);
        if (!bits) {
            i += 16;
            continue;
        }
        size_t at = i + (size_t)__builtin_ctz(bits);
        if ((*br = q_linebreak(s, n, at)))
            return at;
        i = at + 1;
    }
#endif
    for (; i < n; i++)
        if ((*br = q_linebreak(s, n, i)))
            return i;
    *br = 0;
    return n;
}

static int wide_space(int32_t cp)
{
    switch (cp) {
    case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029:
    case 0x202F: case 0x205F: case 0x3000:
        return 1;
    default:
        return cp >= 0x2000 && cp <= 0x200A;
    }
}

/* datatrove PUNCTUATION, the non-ASCII part, and the C1 controls */
static int wide_punct(int32_t cp)
{
    if (cp < 0xA0)
        return 1;
    switch (cp) {
    case 0x2014: case 0x201D: case 0xFF05: case 0xFF11: case 0x3008: case 0x3001:
    case 0x2501: case 0x3010: case 0x300C: case 0x300D: case 0xFF0C: case 0x3011:
    case 0xFF1B: case 0x201C: case 0x300A: case 0x201E: case 0x2019: case 0x2236:
    case 0x00B4: case 0xFF0E: case 0xFF08: case 0x2013: case 0xFF1F: case 0xFF01:
    case 0xFF1A: case 0xFF04: case 0xFF5E: case 0x00AB: case 0x3009: case 0x300B:
    case 0xFF09: case 0x3002: case 0x2026: case 0x25BA: case 0x00BB:
        return 1;
    default:
        return 0;
    }
}

int q_class_compute(int32_t cp)
{
    int c = 0;
    utf8proc_category_t cat = utf8proc_category(cp);
    if (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO)
        c |= QC_ALPHA | QC_WORD | QC_REWORD;
    else if (cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME)
        c |= QC_WORD;
    else if (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO)
        c |= QC_WORD | QC_REWORD;
    if (cat == UTF8PROC_CATEGORY_LL)
        c |= QC_LOWER;
    if (cat == UTF8PROC_CATEGORY_ND)
        c |= QC_DIGIT;
    if (wide_space(cp))
        c |= QC_SPACE;
    if (wide_punct(cp))
        c |= QC_PUNCT;
    return c;
}

void q_strip(const unsigned char *s, size_t *b, size_t *e)
{
    while (*b < *e) {
        size_t i = *b;
        if (!q_isspace(q_next_cp(s, *e, &i)))
            break;
        *b = i;
    }
    while (*e > *b) {
        size_t st;
        if (!q_isspace(q_prev_cp(s, *e, &st)) || st < *b)
            break;
        *e = st;
    }
}

int q_contains_ci(const char *s, size_t n, const char *needle, size_t nlen)
{
    if (nlen == 0)
        return 1;
    if (n < nlen)
        return 0;
    unsigned char f = (unsigned char)needle[0];
    for (size_t i = 0; i + nlen <= n; i++) {
        if (((unsigned char)s[i] | 0x20) != f && (unsigned char)s[i] != f)
            continue;
        size_t k = 0;
        while (k < nlen) {
            unsigned char c = (unsigned char)s[i + k];
            if (c >= 'A' && c <= 'Z')
                c |= 0x20;
            if (c != (unsigned char)needle[k])
                break;
            k++;
        }
        if (k == nlen)
            return 1;
    }
    return 0;
}

static int match_ci(const unsigned char *s, size_t n, size_t i, const char *lit)
{
    for (size_t k = 0; lit[k]; k++) {
        if (i + k >= n)
            return 0;
        unsigned char c = s[i + k];
        if (c >= 'A' && c <= 'Z')
            c |= 0x20;
        if (c != (unsigned char)lit[k])
            return 0;
    }
    return 1;
}

/* The phrases of C4 that may start at s[i]: the exact test. */
static int phrase_at(const unsigned char *s, size_t n, size_t i)
{
    int found = 0;
    {
        switch (s[i] | 0x20) {
        case 'l':
            if (match_ci(s, n, i, "lorem ipsum"))
                found |= 1;
            break;
        case 'j':
            if (match_ci(s, n, i, "javascript"))
                found |= 2;
            break;
        case 't':
            if (match_ci(s, n, i, "terms of use"))
                found |= 4;
            break;
        case 'p':
            if (match_ci(s, n, i, "privacy policy"))
                found |= 4;
            break;
        case 'c':
            if (match_ci(s, n, i, "cookie policy"))
                found |= 4;
            break;
        case 'u':
            /* "uses cookies", "use of cookies", "use cookies" */
            if (match_ci(s, n, i, "use") &&
                (match_ci(s, n, i + 3, "s cookies") || match_ci(s, n, i + 3, " of cookies") ||
                 match_ci(s, n, i + 3, " cookies")))
                found |= 4;
            break;
        }
    }
    return found;
}

#ifdef __SSE2__
/* Positions among s[i..i+15] whose three bytes, OR 0x20, start a phrase
 * ("lor", "jav", "ter", "pri", "coo", "use"): every real start is among
 * them (OR 0x20 turns A-Z into a-z and keeps a-z), and each is then tested
 * exactly by phrase_at().  Needs i + 18 <= n. */
static unsigned phrase_candidates(const unsigned char *s, size_t i)
{
    static const char pre[6][3] = {"lor", "jav", "ter", "pri", "coo", "use"};
    const __m128i low = _mm_set1_epi8(0x20);
    __m128i v0 = _mm_or_si128(_mm_loadu_si128((const __m128i *)(s + i)), low);
    __m128i v1 = _mm_or_si128(_mm_loadu_si128((const __m128i *)(s + i + 1)), low);
    __m128i v2 = _mm_or_si128(_mm_loadu_si128((const __m128i *)(s + i + 2)), low);
    __m128i any = _mm_setzero_si128();
    for (int p = 0; p < 6; p++) {
        __m128i m = _mm_and_si128(_mm_cmpeq_epi8(v0, _mm_set1_epi8(pre[p][0])),
                                  _mm_cmpeq_epi8(v1, _mm_set1_epi8(pre[p][1])));
        any = _mm_or_si128(any, _mm_and_si128(m, _mm_cmpeq_epi8(v2, _mm_set1_epi8(pre[p][2]))));
    }
    return (unsigned)_mm_movemask_epi8(any);
}
#endif

int q_c4_phrases(const char *text, size_t n)
{
    const unsigned char *s = (const unsigned char *)text;
    int found = 0;
    size_t i = 0;
#ifdef __SSE2__
    for (; i + 18 <= n; i += 16) {
        for (unsigned m = phrase_candidates(s, i); m; m &= m - 1)
            found |= phrase_at(s, n, i + (size_t)__builtin_ctz(m));
    }
#endif
    for (; i < n; i++)
        found |= phrase_at(s, n, i);
    return found;
}
