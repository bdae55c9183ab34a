/*
 * json.c — locate-don't-build JSON reading (see json.h).  The skipper is
 * iterative over a small explicit stack so that deep nesting in hostile
 * input cannot overflow the C stack.
 */
#include "util/json.h"

#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 512

static const char *ws(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    return p;
}

static const char *skip_string(const char *p, const char *end)
{
    /* p at the opening quote */
    p++;
    while (p < end) {
        const char *q = memchr(p, '"', (size_t)(end - p));
        if (!q)
            return NULL;
        /* count backslashes before the quote */
        const char *b = q;
        while (b > p && b[-1] == '\\')
            b--;
        if (((q - b) & 1) == 0)
            return q + 1;
        p = q + 1;
    }
    return NULL;
}

/* An object member's '"key" :' and the blanks after it; NULL when it is not. */
static const char *skip_key(const char *p, const char *end)
{
    if (p >= end || *p != '"' || !(p = skip_string(p, end)))
        return NULL;
    p = ws(p, end);
    if (p >= end || *p != ':')
        return NULL;
    return ws(p + 1, end);
}

static const char *skip_scalar(const char *p, const char *end)
{
    const char *s = p;
    while (p < end && *p != ',' && *p != '}' && *p != ']' && *p != ' ' && *p != '\t' &&
           *p != '\n' && *p != '\r')
        p++;
    if (p == s)
        return NULL;
    /* true, false, null or a number: the first character must fit */
    char c = *s;
    if (!(c == '-' || (c >= '0' && c <= '9') || c == 't' || c == 'f' || c == 'n'))
        return NULL;
    return p;
}

int json_skip_value(const char **pp, const char *end)
{
    char stack[MAX_DEPTH];
    int depth = 0;
    const char *p = ws(*pp, end);
    for (;;) {
        if (p >= end)
            return -1;
        char c = *p;
        if (c == '{' || c == '[') {
            if (depth == MAX_DEPTH)
                return -1;
            stack[depth++] = c == '{' ? '}' : ']';
            p = ws(p + 1, end);
            if (p < end && *p == stack[depth - 1]) {
                depth--;
                p++;
                goto after_value;
            }
            if (c == '{' && !(p = skip_key(p, end)))
                return -1;
            continue;
        }
        if (c == '"')
            p = skip_string(p, end);
        else
            p = skip_scalar(p, end);
        if (!p)
            return -1;
    after_value:
        for (;;) {
            if (depth == 0) {
                *pp = p;
                return 0;
            }
            p = ws(p, end);
            if (p >= end)
                return -1;
            if (*p == stack[depth - 1]) {
                depth--;
                p++;
                continue;
            }
            if (*p != ',')
                return -1;
            p = ws(p + 1, end);
            if (stack[depth - 1] == '}' && !(p = skip_key(p, end)))
                return -1;
            break;
        }
    }
}

int json_object_next(sito_str obj, size_t *it, sito_str *key, sito_str *value)
{
    const char *end = obj.ptr + obj.len, *p;
    if (*it == 0) {
        p = ws(obj.ptr, end);
        if (p >= end || *p != '{')
            return -1;
        p = ws(p + 1, end);
        if (p < end && *p == '}')
            return 0;
    } else {
        p = ws(obj.ptr + *it, end);
        if (p >= end)
            return -1;
        if (*p == '}')
            return 0;
        if (*p != ',')
            return -1;
        p = ws(p + 1, end);
    }
    if (p >= end || *p != '"')
        return -1;
    const char *k = p;
    p = skip_string(p, end);
    if (!p)
        return -1;
    *key = (sito_str){k, (size_t)(p - k)};
    p = ws(p, end);
    if (p >= end || *p != ':')
        return -1;
    p = ws(p + 1, end);
    const char *v = p;
    if (json_skip_value(&p, end))
        return -1;
    *value = (sito_str){v, (size_t)(p - v)};
    *it = (size_t)(p - obj.ptr);
    return 1;
}

int json_object_get(sito_str obj, const char *key, sito_str *value)
{
    size_t it = 0, klen = strlen(key);
    sito_str k, v;
    int rc;
    while ((rc = json_object_next(obj, &it, &k, &v)) == 1) {
        /* keys with escapes are compared raw: fine for our ASCII keys */
        if (k.len == klen + 2 && memcmp(k.ptr + 1, key, klen) == 0) {
            *value = v;
            return 0;
        }
    }
    return rc == 0 ? 1 : -1;
}

static int hex4(const char *p, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

static char *put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        *o++ = (char)cp;
    } else if (cp < 0x800) {
        *o++ = (char)(0xc0 | (cp >> 6));
        *o++ = (char)(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        *o++ = (char)(0xe0 | (cp >> 12));
        *o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
        *o++ = (char)(0x80 | (cp & 0x3f));
    } else {
        *o++ = (char)(0xf0 | (cp >> 18));
        *o++ = (char)(0x80 | ((cp >> 12) & 0x3f));
        *o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
        *o++ = (char)(0x80 | (cp & 0x3f));
    }
    return o;
}

int json_string_decode(sito_str raw, sito_arena *a, sito_str *out)
{
    if (raw.len < 2 || raw.ptr[0] != '"' || raw.ptr[raw.len - 1] != '"')
        return -1;
    const char *p = raw.ptr + 1, *end = raw.ptr + raw.len - 1;
    /* no escapes: a view would do, but callers expect NUL termination */
    char *buf = sito_arena_alloc(a, raw.len + 1);
    if (!buf)
        return -1;
    char *o = buf;
    while (p < end) {
        const char *bs = memchr(p, '\\', (size_t)(end - p));
        size_t n = bs ? (size_t)(bs - p) : (size_t)(end - p);
        memcpy(o, p, n);
        o += n;
        p += n;
        if (!bs)
            break;
        if (p + 1 >= end)
            return -1;
        char c = p[1];
        p += 2;
        switch (c) {
        case '"': *o++ = '"'; break;
        case '\\': *o++ = '\\'; break;
        case '/': *o++ = '/'; break;
        case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        case 't': *o++ = '\t'; break;
        case 'u': {
            unsigned cp, lo;
            if (end - p < 4 || hex4(p, &cp))
                return -1;
            p += 4;
            if (cp >= 0xd800 && cp <= 0xdbff) {
                if (end - p >= 6 && p[0] == '\\' && p[1] == 'u' && !hex4(p + 2, &lo) &&
                    lo >= 0xdc00 && lo <= 0xdfff) {
                    cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                    p += 6;
                } else {
                    cp = 0xfffd;
                }
            } else if (cp >= 0xdc00 && cp <= 0xdfff) {
                cp = 0xfffd;
            }
            o = put_utf8(o, cp);
            break;
        }
        default:
            return -1;
        }
    }
    *o = 0;
    *out = (sito_str){buf, (size_t)(o - buf)};
    return 0;
}

int json_number(sito_str raw, double *out)
{
    char tmp[64];
    if (!raw.len || raw.len >= sizeof tmp)
        return -1;
    memcpy(tmp, raw.ptr, raw.len);
    tmp[raw.len] = 0;
    char *e;
    double v = strtod(tmp, &e);
    if (e != tmp + raw.len)
        return -1;
    *out = v;
    return 0;
}
