/*
 * text.c — Python's character classes in C (see text.h).  ASCII is answered
 * from a table; everything else asks utf8proc for the general category, so
 * the classes follow the Unicode version of the installed libutf8proc.
 */
#include "quality/text.h"

#include <string.h>
#include <utf8proc.h>

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
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

int q_isspace(int32_t cp)
{
    if (cp < 0x80)
        return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x1F);
    switch (cp) {
    case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029:
    case 0x202F: case 0x205F: case 0x3000:
        return 1;
    default:
        return cp >= 0x2000 && cp <= 0x200A;
    }
}

int q_isalpha(int32_t cp)
{
    if (cp < 0x80)
        return (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z';
    utf8proc_category_t c = utf8proc_category(cp);
    return c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO;
}

int q_isword(int32_t cp)
{
    if (cp < 0x80)
        return cp == '_' || (cp >= '0' && cp <= '9') || ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z');
    utf8proc_category_t c = utf8proc_category(cp);
    return (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO) ||
           (c >= UTF8PROC_CATEGORY_ND && c <= UTF8PROC_CATEGORY_NO);
}

/* datatrove PUNCTUATION, the non-ASCII part */
static const int32_t punct_wide[] = {
    0x2014, 0x201D, 0xFF05, 0xFF11, 0x3008, 0x3001, 0x2501, 0x3010, 0x300C, 0x300D,
    0xFF0C, 0x3011, 0xFF1B, 0x201C, 0x300A, 0x201E, 0x2019, 0x2236, 0x00B4, 0xFF0E,
    0xFF08, 0x2013, 0xFF1F, 0xFF01, 0xFF1A, 0xFF04, 0xFF5E, 0x00AB, 0x3009, 0x300B,
    0xFF09, 0x3002, 0x2026, 0x25BA, 0x00BB,
};

int q_in_punct_set(int32_t cp)
{
    if (cp < 0x80) {
        if (cp < 0x20)
            return cp != '\t' && cp != '\n';
        if (cp == 0x7F)
            return 1;
        return cp != ' ' && strchr("!/:&(\\#%+^]~';{|[=-`*$,><)?@_.\"}", (int)cp) != NULL;
    }
    if (cp < 0xA0)
        return 1;
    for (size_t i = 0; i < sizeof punct_wide / sizeof punct_wide[0]; i++)
        if (punct_wide[i] == cp)
            return 1;
    return 0;
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
