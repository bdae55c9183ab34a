/*
 * docio.c — the span-finding JSON scanner of dedup's documents, and JSON
 * string unescaping/escaping into reusable buffers.  The one thing to
 * know: the scanner validates only the structure it walks; a malformed
 * line is SITO_ERR_FORMAT and the job counts and skips it.
 */
#include "dedup/docio.h"

#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- JSON */

static size_t skip_ws(const char *p, size_t n, size_t i)
{
    while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
        i++;
    return i;
}

/* The offset just past the string starting at p[i] == '"', or 0. */
static size_t skip_string(const char *p, size_t n, size_t i)
{
    for (i++; i < n; i++) {
        if (p[i] == '\\')
            i++;
        else if (p[i] == '"')
            return i + 1;
    }
    return 0;
}

/* The offset just past the value at p[i], or 0 when malformed.  Nesting is
 * tracked with a depth counter (strings skipped), not validated fully. */
static size_t skip_value(const char *p, size_t n, size_t i)
{
    if (i >= n)
        return 0;
    if (p[i] == '"')
        return skip_string(p, n, i);
    if (p[i] == '{' || p[i] == '[') {
        int depth = 0;
        for (; i < n; i++) {
            char c = p[i];
            if (c == '"') {
                size_t e = skip_string(p, n, i);
                if (!e)
                    return 0;
                i = e - 1;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                if (--depth == 0)
                    return i + 1;
            }
        }
        return 0;
    }
    size_t s = i;
    while (i < n && p[i] != ',' && p[i] != '}' && p[i] != ']' && p[i] != ' ' &&
           p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
        i++;
    return i > s ? i : 0;
}

/* Calls back for every member of the object at p[i] == '{'; returns the
 * offset of its closing brace, or 0 when malformed. */
typedef void (*member_fn)(void *ctx, const char *key, size_t klen, sito_str val);

static size_t scan_object(const char *p, size_t n, size_t i, member_fn fn, void *ctx)
{
    if (i >= n || p[i] != '{')
        return 0;
    i = skip_ws(p, n, i + 1);
    if (i < n && p[i] == '}')
        return i;
    for (;;) {
        if (i >= n || p[i] != '"')
            return 0;
        size_t ke = skip_string(p, n, i);
        if (!ke)
            return 0;
        size_t v = skip_ws(p, n, ke);
        if (v >= n || p[v] != ':')
            return 0;
        v = skip_ws(p, n, v + 1);
        size_t ve = skip_value(p, n, v);
        if (!ve)
            return 0;
        fn(ctx, p + i + 1, ke - i - 2, (sito_str){p + v, ve - v});
        i = skip_ws(p, n, ve);
        if (i < n && p[i] == '}')
            return i;
        if (i >= n || p[i] != ',')
            return 0;
        i = skip_ws(p, n, i + 1);
    }
}

static int key_is(const char *k, size_t kl, const char *want)
{
    return kl == strlen(want) && memcmp(k, want, kl) == 0;
}

static void top_member(void *ctx, const char *k, size_t kl, sito_str v)
{
    dedup_json_doc *d = ctx;
    if (key_is(k, kl, "id") && v.ptr[0] == '"')
        d->id = v;
    else if (key_is(k, kl, "text"))
        d->text = v;
    else if (key_is(k, kl, "metadata") && v.ptr[0] == '{')
        d->metadata = v;
    else if (key_is(k, kl, "url") && v.ptr[0] == '"' && !d->url.len)
        d->url = v;
}

static void meta_member(void *ctx, const char *k, size_t kl, sito_str v)
{
    dedup_json_doc *d = ctx;
    if (key_is(k, kl, "url") && v.ptr[0] == '"')
        d->url = v;
    else if (key_is(k, kl, "signals") && v.ptr[0] == '{')
        d->signals = v;
}

int dedup_json_scan(const char *line, size_t len, dedup_json_doc *d)
{
    *d = (dedup_json_doc){0};
    size_t i = skip_ws(line, len, 0);
    size_t close = scan_object(line, len, i, top_member, d);
    if (!close || !d->text.len || d->text.ptr[0] != '"')
        return SITO_ERR_FORMAT;
    if (skip_ws(line, len, close + 1) != len)
        return SITO_ERR_FORMAT;
    d->close = close;
    if (d->metadata.len) {
        sito_str top_url = d->url;
        d->url = (sito_str){0};
        if (!scan_object(d->metadata.ptr, d->metadata.len, 0, meta_member, d))
            return SITO_ERR_FORMAT;
        if (!d->url.len)
            d->url = top_url;
    }
    return SITO_OK;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static long read_hex4(const char *p, size_t left)
{
    if (left < 4)
        return -1;
    long v = 0;
    for (int k = 0; k < 4; k++) {
        int h = hexval(p[k]);
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

static int put_utf8(sito_buf *out, uint32_t c)
{
    char u[4];
    size_t n;
    if (c < 0x80) { u[0] = (char)c; n = 1; }
    else if (c < 0x800) { u[0] = (char)(0xc0 | c >> 6); u[1] = (char)(0x80 | (c & 63)); n = 2; }
    else if (c < 0x10000) {
        u[0] = (char)(0xe0 | c >> 12); u[1] = (char)(0x80 | ((c >> 6) & 63));
        u[2] = (char)(0x80 | (c & 63)); n = 3;
    } else {
        u[0] = (char)(0xf0 | c >> 18); u[1] = (char)(0x80 | ((c >> 12) & 63));
        u[2] = (char)(0x80 | ((c >> 6) & 63)); u[3] = (char)(0x80 | (c & 63)); n = 4;
    }
    return sito_buf_append(out, u, n);
}

int dedup_json_unescape(sito_str q, sito_buf *out)
{
    if (q.len < 2)
        return SITO_OK;
    const char *p = q.ptr + 1, *end = q.ptr + q.len - 1;
    if (sito_buf_reserve(out, q.len) != SITO_OK)
        return SITO_ERR_NOMEM;
    while (p < end) {
        const char *bs = memchr(p, '\\', (size_t)(end - p));
        size_t run = bs ? (size_t)(bs - p) : (size_t)(end - p);
        if (sito_buf_append(out, p, run) != SITO_OK)
            return SITO_ERR_NOMEM;
        p += run;
        if (p >= end)
            break;
        p++;   /* the backslash */
        char c = p < end ? *p++ : 0;
        static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
        const char *k = c ? strchr(from, c) : NULL;
        int st;
        if (k) {
            st = sito_buf_append(out, to + (k - from), 1);
        } else if (c == 'u') {
            long u = read_hex4(p, (size_t)(end - p));
            if (u >= 0)
                p += 4;
            if (u >= 0xd800 && u < 0xdc00 && end - p >= 6 && p[0] == '\\' && p[1] == 'u') {
                long lo = read_hex4(p + 2, (size_t)(end - p - 2));
                if (lo >= 0xdc00 && lo < 0xe000) {
                    u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
                    p += 6;
                }
            }
            if (u < 0 || (u >= 0xd800 && u < 0xe000))
                u = 0xfffd;
            st = put_utf8(out, (uint32_t)u);
        } else {
            st = put_utf8(out, 0xfffd);
        }
        if (st != SITO_OK)
            return SITO_ERR_NOMEM;
    }
    return SITO_OK;
}

int dedup_json_escape(const char *s, size_t n, sito_buf *out)
{
    if (sito_buf_reserve(out, n + 2) != SITO_OK || sito_buf_append(out, "\"", 1) != SITO_OK)
        return SITO_ERR_NOMEM;
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        if (sito_buf_append(out, s + run, i - run) != SITO_OK)
            return SITO_ERR_NOMEM;
        char esc[8];
        int len;
        switch (c) {
        case '"': len = snprintf(esc, sizeof esc, "\\\""); break;
        case '\\': len = snprintf(esc, sizeof esc, "\\\\"); break;
        case '\n': len = snprintf(esc, sizeof esc, "\\n"); break;
        case '\t': len = snprintf(esc, sizeof esc, "\\t"); break;
        case '\r': len = snprintf(esc, sizeof esc, "\\r"); break;
        default: len = snprintf(esc, sizeof esc, "\\u%04x", c); break;
        }
        if (sito_buf_append(out, esc, (size_t)len) != SITO_OK)
            return SITO_ERR_NOMEM;
        run = i + 1;
    }
    if (sito_buf_append(out, s + run, n - run) != SITO_OK || sito_buf_append(out, "\"", 1) != SITO_OK)
        return SITO_ERR_NOMEM;
    return SITO_OK;
}
