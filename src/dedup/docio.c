/*
 * docio.c — finds the spans of dedup's documents with the JSON reader of
 * util/json.h, and unescapes/escapes JSON strings into reusable buffers.
 * The one thing to know: a malformed line is SITO_ERR_FORMAT and the job
 * counts and skips it; unescaping is lenient (bad escapes become U+FFFD)
 * so that no document is lost to one bad escape.
 */
#include "dedup/docio.h"
#include "util/json.h"

#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- JSON */

/* a raw key (with quotes) is the wanted one */
static int key_is(sito_str k, const char *want)
{
    size_t n = strlen(want);
    return k.len == n + 2 && memcmp(k.ptr + 1, want, n) == 0;
}

static int is_ws(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

int dedup_json_scan(const char *line, size_t len, dedup_json_doc *d)
{
    *d = (dedup_json_doc){0};
    const char *p = line, *end = line + len;
    while (p < end && is_ws(*p))
        p++;
    const char *open = p;
    if (p >= end || *p != '{' || json_skip_value(&p, end))
        return SITO_ERR_FORMAT;
    for (const char *q = p; q < end; q++)
        if (!is_ws(*q))
            return SITO_ERR_FORMAT;
    d->close = (size_t)(p - 1 - line);
    sito_str obj = {open, (size_t)(p - open)}, k, v, top_url = {0};
    size_t it = 0;
    int r;
    while ((r = json_object_next(obj, &it, &k, &v)) == 1) {
        if (key_is(k, "id") && v.ptr[0] == '"')
            d->id = v;
        else if (key_is(k, "text"))
            d->text = v;
        else if (key_is(k, "metadata") && v.ptr[0] == '{')
            d->metadata = v;
        else if (key_is(k, "url") && v.ptr[0] == '"' && !top_url.len)
            top_url = v;
    }
    if (r < 0 || !d->text.len || d->text.ptr[0] != '"')
        return SITO_ERR_FORMAT;
    for (it = 0; d->metadata.len && (r = json_object_next(d->metadata, &it, &k, &v)) == 1;) {
        if (key_is(k, "url") && v.ptr[0] == '"')
            d->url = v;
        else if (key_is(k, "signals") && v.ptr[0] == '{')
            d->signals = v;
    }
    if (d->metadata.len && r < 0)
        return SITO_ERR_FORMAT;
    if (!d->url.len)
        d->url = top_url;
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
    return sito_json_string(out, s, n) < 0 ? SITO_ERR_NOMEM : SITO_OK;
}
