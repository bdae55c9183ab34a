/*
 * charref.c — decodes HTML character references (&amp; &#233; &#xE9; and
 * the legacy &amp without ';') the way the HTML5 tokenizer does.  Named
 * references use the longest match in the sorted table of entities.c;
 * numeric ones follow the spec's replacement table for C1 controls.
 */
#include "html/entities.h"

#include <stdint.h>
#include <string.h>

/* windows-1252 meanings of &#128; .. &#159; (spec "numeric character
 * reference end state"); 0 = keep the code point. */
static const uint16_t c1_replacements[32] = {
    0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
    0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
};

static size_t put_utf8(char *o, uint32_t c)
{
    if (c < 0x80) {
        o[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        o[0] = (char)(0xC0 | (c >> 6));
        o[1] = (char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        o[0] = (char)(0xE0 | (c >> 12));
        o[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        o[2] = (char)(0x80 | (c & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (c >> 18));
    o[1] = (char)(0x80 | ((c >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((c >> 6) & 0x3F));
    o[3] = (char)(0x80 | (c & 0x3F));
    return 4;
}

static int is_alnum(unsigned char c)
{
    return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* &#...; at s (s[0]=='&', s[1]=='#').  Writes the character, returns the
 * bytes consumed, or 0 when it is not a reference (no digits). */
static size_t numeric_ref(const char *s, size_t n, char *out, size_t *olen)
{
    size_t i = 2;
    int hex = 0;
    if (i < n && (s[i] | 0x20) == 'x') {
        hex = 1;
        i++;
    }
    size_t start = i;
    uint32_t c = 0;
    for (; i < n; i++) {
        int d = hex ? hexval((unsigned char)s[i])
                    : (s[i] >= '0' && s[i] <= '9' ? s[i] - '0' : -1);
        if (d < 0)
            break;
        if (c <= 0x10FFFF)
            c = c * (hex ? 16 : 10) + (uint32_t)d;
    }
    if (i == start)
        return 0;
    if (i < n && s[i] == ';')
        i++;
    if (c == 0 || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        c = 0xFFFD;
    else if (c >= 0x80 && c <= 0x9F && c1_replacements[c - 0x80])
        c = c1_replacements[c - 0x80];
    *olen = put_utf8(out, c);
    return i;
}

/* The entity whose name is exactly s[0..n), or NULL. */
static const html_entity *find_entity(const char *s, size_t n)
{
    int lo = 0, hi = html_entities_count - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        const html_entity *e = &html_entities[mid];
        size_t m = (size_t)e->name_len < n ? (size_t)e->name_len : n;
        int cmp = memcmp(e->name, s, m);
        if (cmp == 0)
            cmp = e->name_len < (int)n ? -1 : e->name_len > (int)n;
        if (cmp == 0)
            return e;
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return NULL;
}

/* &name at s.  Returns bytes consumed (0: leave the '&' as text). */
static size_t named_ref(const char *s, size_t n, int in_attr, const html_entity **found)
{
    size_t run = 0;
    while (1 + run < n && run < (size_t)html_entity_max_name && is_alnum((unsigned char)s[1 + run]))
        run++;
    if (run == 0)
        return 0;
    if (1 + run < n && s[1 + run] == ';') {
        const html_entity *e = find_entity(s + 1, run + 1);
        if (e) {
            *found = e;
            return run + 2;
        }
    }
    /* legacy references match as a prefix without ';' (at most 6 letters) */
    for (size_t len = run < 6 ? run : 6; len >= 2; len--) {
        const html_entity *e = find_entity(s + 1, len);
        if (!e)
            continue;
        if (in_attr && 1 + len < n && (s[1 + len] == '=' || is_alnum((unsigned char)s[1 + len])))
            return 0;
        *found = e;
        return len + 1;
    }
    return 0;
}

size_t html_decode_refs(const char *s, size_t n, char *out, int in_attr)
{
    size_t o = 0, i = 0;
    while (i < n) {
        const char *amp = memchr(s + i, '&', n - i);
        size_t lit = amp ? (size_t)(amp - (s + i)) : n - i;
        memcpy(out + o, s + i, lit);
        o += lit;
        i += lit;
        if (i >= n)
            break;
        size_t used = 0;
        if (i + 1 < n && s[i + 1] == '#') {
            size_t w = 0;
            used = numeric_ref(s + i, n - i, out + o, &w);
            o += w;
        } else {
            const html_entity *e = NULL;
            used = named_ref(s + i, n - i, in_attr, &e);
            if (used) {
                memcpy(out + o, e->value, (size_t)e->value_len);
                o += (size_t)e->value_len;
            }
        }
        if (!used) {
            out[o++] = '&';
            used = 1;
        }
        i += used;
    }
    return o;
}
