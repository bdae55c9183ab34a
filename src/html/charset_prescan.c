/*
 * charset_prescan.c — the WHATWG "prescan a byte stream to determine its
 * encoding" (HTML Standard 13.2.3.2) over the first 1024 bytes, and the
 * encoding="..." of a leading XML declaration.  Follow the standard's steps
 * literally: comments, quoting, repeated attributes and the need-pragma
 * rule all change answers on real pages.
 */
#include "sito.h"
#include "html/charset.h"

#include <string.h>

#define PRESCAN_LIMIT 1024
#define VALUE_MAX 512

typedef struct cursor {
    const unsigned char *s;
    size_t n, i;
} cursor;

typedef struct attr {
    char name[16];      /* lower case; longer names are truncated (and so
                           never match the three names that matter) */
    size_t name_len;
    char value[VALUE_MAX];
    size_t value_len;
} attr;

static int is_ws(unsigned c)
{
    return c == 0x09 || c == 0x0A || c == 0x0C || c == 0x0D || c == 0x20;
}

static int is_alpha(unsigned c)
{
    return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

static unsigned lc(unsigned c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static void push(char *buf, size_t *len, size_t cap, unsigned c)
{
    if (*len < cap)
        buf[(*len)++] = (char)c;
    else
        *len = cap + 1;  /* overflowed: matches nothing */
}

static int starts_ci(const cursor *c, const char *lit)
{
    size_t k = strlen(lit);
    if (c->n - c->i < k)
        return 0;
    for (size_t j = 0; j < k; j++)
        if (lc(c->s[c->i + j]) != (unsigned char)lit[j])
            return 0;
    return 1;
}

/* "Get an attribute".  1 with *a filled, 0 when there is none (at '>' or
 * at the end of the input). */
static int get_attribute(cursor *c, attr *a)
{
    a->name_len = a->value_len = 0;
    while (c->i < c->n && (is_ws(c->s[c->i]) || c->s[c->i] == '/'))
        c->i++;
    if (c->i >= c->n || c->s[c->i] == '>')
        return 0;
    /* the name */
    for (;;) {
        if (c->i >= c->n)
            return 0;
        unsigned b = c->s[c->i];
        if (b == '=' && a->name_len > 0) {
            c->i++;
            goto value;
        }
        if (is_ws(b))
            break;
        if (b == '/' || b == '>')
            return 1;
        push(a->name, &a->name_len, sizeof a->name - 1, lc(b));
        c->i++;
    }
    while (c->i < c->n && is_ws(c->s[c->i]))
        c->i++;
    if (c->i >= c->n)
        return 0;
    if (c->s[c->i] != '=')
        return 1;
    c->i++;
value:
    while (c->i < c->n && is_ws(c->s[c->i]))
        c->i++;
    if (c->i >= c->n)
        return 0;
    unsigned q = c->s[c->i];
    if (q == '"' || q == '\'') {
        for (;;) {
            c->i++;
            if (c->i >= c->n)
                return 0;
            unsigned b = c->s[c->i];
            if (b == q) {
                c->i++;
                return 1;
            }
            push(a->value, &a->value_len, VALUE_MAX, lc(b));
        }
    }
    if (q == '>')
        return 1;
    for (;;) {
        if (c->i >= c->n)
            return 0;
        unsigned b = c->s[c->i];
        if (is_ws(b) || b == '>')
            return 1;
        push(a->value, &a->value_len, VALUE_MAX, lc(b));
        c->i++;
    }
}

static int name_is(const attr *a, const char *lit)
{
    return a->name_len == strlen(lit) && memcmp(a->name, lit, a->name_len) == 0;
}

/* "Extracting a character encoding from a meta element": the charset= in
 * a content attribute value (already lower case). */
static const cs_encoding *charset_from_content(const char *v, size_t n)
{
    size_t i = 0;
    for (;;) {
        const char *hit = NULL;
        for (size_t j = i; j + 7 <= n; j++)
            if (memcmp(v + j, "charset", 7) == 0) {
                hit = v + j;
                break;
            }
        if (!hit)
            return NULL;
        i = (size_t)(hit - v) + 7;
        while (i < n && is_ws((unsigned char)v[i]))
            i++;
        if (i < n && v[i] == '=')
            break;
    }
    i++;
    while (i < n && is_ws((unsigned char)v[i]))
        i++;
    if (i >= n)
        return NULL;
    if (v[i] == '"' || v[i] == '\'') {
        const char *end = memchr(v + i + 1, v[i], n - i - 1);
        if (!end)
            return NULL;
        return cs_lookup(v + i + 1, (size_t)(end - (v + i + 1)));
    }
    size_t j = i;
    while (j < n && !is_ws((unsigned char)v[j]) && v[j] != ';')
        j++;
    return cs_lookup(v + i, j - i);
}

/* The attributes of a <meta>, then the standard's "processing" step.
 * c->i is just after "<meta" and its space or slash. */
static const cs_encoding *meta_charset(cursor *c)
{
    enum { SEEN_HTTP_EQUIV = 1, SEEN_CONTENT = 2, SEEN_CHARSET = 4 };
    int seen = 0, got_pragma = 0, need_pragma = -1;  /* -1: null */
    const cs_encoding *charset = NULL;
    attr a;
    while (get_attribute(c, &a)) {
        if (name_is(&a, "http-equiv") && !(seen & SEEN_HTTP_EQUIV)) {
            seen |= SEEN_HTTP_EQUIV;
            if (a.value_len == 12 && memcmp(a.value, "content-type", 12) == 0)
                got_pragma = 1;
        } else if (name_is(&a, "content") && !(seen & SEEN_CONTENT)) {
            seen |= SEEN_CONTENT;
            if (!charset && a.value_len <= VALUE_MAX) {
                const cs_encoding *e = charset_from_content(a.value, a.value_len);
                if (e) {
                    charset = e;
                    need_pragma = 1;
                }
            }
        } else if (name_is(&a, "charset") && !(seen & SEEN_CHARSET)) {
            seen |= SEEN_CHARSET;
            charset = a.value_len <= VALUE_MAX ? cs_lookup(a.value, a.value_len)
                                               : NULL;
            need_pragma = 0;
        }
    }
    if (need_pragma == -1 || (need_pragma == 1 && !got_pragma) || !charset)
        return NULL;
    if (charset->kind == CS_UTF16LE || charset->kind == CS_UTF16BE)
        return cs_utf8();
    if (charset->kind == CS_XUSER)
        return cs_windows1252();
    return charset;
}

static void skip_past(cursor *c, unsigned char ch)
{
    const unsigned char *p = memchr(c->s + c->i, ch, c->n - c->i);
    c->i = p ? (size_t)(p - c->s) + 1 : c->n;
}

const cs_encoding *cs_prescan(const char *raw, size_t len)
{
    cursor c = {(const unsigned char *)raw, len < PRESCAN_LIMIT ? len : PRESCAN_LIMIT, 0};
    while (c.i < c.n) {
        if (c.s[c.i] != '<') {
            const unsigned char *p = memchr(c.s + c.i, '<', c.n - c.i);
            if (!p)
                break;
            c.i = (size_t)(p - c.s);
        }
        if (starts_ci(&c, "<!--")) {
            /* ends at a '>' preceded by "--"; the dashes of "<!--" count */
            size_t j = c.i + 4;
            while (j < c.n && !(c.s[j] == '>' && c.s[j - 1] == '-' && c.s[j - 2] == '-'))
                j++;
            c.i = j + 1;
        } else if (starts_ci(&c, "<meta") && c.i + 5 < c.n &&
                   (is_ws(c.s[c.i + 5]) || c.s[c.i + 5] == '/')) {
            c.i += 6;
            const cs_encoding *e = meta_charset(&c);
            if (e)
                return e;
            /* "next byte": the standard advances from where the attributes
             * stopped */
            c.i++;
        } else if (c.i + 1 < c.n &&
                   (is_alpha(c.s[c.i + 1]) ||
                    (c.s[c.i + 1] == '/' && c.i + 2 < c.n && is_alpha(c.s[c.i + 2])))) {
            c.i += c.s[c.i + 1] == '/' ? 2 : 1;
            while (c.i < c.n && !is_ws(c.s[c.i]) && c.s[c.i] != '>')
                c.i++;
            attr a;
            while (get_attribute(&c, &a))
                ;
            c.i++;
        } else if (c.i + 1 < c.n &&
                   (c.s[c.i + 1] == '!' || c.s[c.i + 1] == '/' || c.s[c.i + 1] == '?')) {
            skip_past(&c, '>');
        } else {
            c.i++;
        }
    }
    return NULL;
}

const char *sito_charset_prescan(const char *raw, size_t len)
{
    const cs_encoding *e = cs_prescan(raw, len);
    return e ? e->name : NULL;
}

const cs_encoding *cs_xml_declaration(const char *raw, size_t len)
{
    size_t n = len < PRESCAN_LIMIT ? len : PRESCAN_LIMIT;
    if (n < 6 || memcmp(raw, "<?xml", 5) != 0 || !is_ws((unsigned char)raw[5]))
        return NULL;
    const char *end = memchr(raw, '>', n);
    if (!end)
        return NULL;
    size_t m = (size_t)(end - raw);
    for (size_t i = 5; i + 8 < m; i++) {
        if (memcmp(raw + i, "encoding", 8) != 0)
            continue;
        size_t j = i + 8;
        while (j < m && is_ws((unsigned char)raw[j]))
            j++;
        if (j >= m || raw[j] != '=')
            continue;
        j++;
        while (j < m && is_ws((unsigned char)raw[j]))
            j++;
        if (j >= m || (raw[j] != '"' && raw[j] != '\''))
            return NULL;
        const char *q = memchr(raw + j + 1, raw[j], m - j - 1);
        if (!q)
            return NULL;
        return cs_lookup(raw + j + 1, (size_t)(q - (raw + j + 1)));
    }
    return NULL;
}
