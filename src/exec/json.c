/*
 * json.c — recursive-descent JSON reader into an arena tree (see json.h).
 * Depth is bounded so a hostile file cannot overflow the stack; \u escapes
 * become UTF-8 (surrogate pairs joined, lone surrogates as U+FFFD).
 */
#include "exec/json.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JV_MAX_DEPTH 64

typedef struct {
    sito_arena *a;
    const char *p, *end, *start;
    int depth;
} jparser;

static void skip_ws(jparser *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\n' || *j->p == '\r' || *j->p == '\t'))
        j->p++;
}

static jv *new_value(jparser *j, jv_type t)
{
    jv *v = sito_arena_alloc(j->a, sizeof *v);
    if (v) {
        memset(v, 0, sizeof *v);
        v->type = t;
    }
    return v;
}

static int hex4(const char *p, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
        else return -1;
    }
    *out = v;
    return 0;
}

static size_t put_utf8(char *o, unsigned c)
{
    if (c < 0x80) { o[0] = (char)c; return 1; }
    if (c < 0x800) { o[0] = (char)(0xC0 | c >> 6); o[1] = (char)(0x80 | (c & 63)); return 2; }
    if (c < 0x10000) {
        o[0] = (char)(0xE0 | c >> 12); o[1] = (char)(0x80 | (c >> 6 & 63));
        o[2] = (char)(0x80 | (c & 63));
        return 3;
    }
    o[0] = (char)(0xF0 | c >> 18); o[1] = (char)(0x80 | (c >> 12 & 63));
    o[2] = (char)(0x80 | (c >> 6 & 63)); o[3] = (char)(0x80 | (c & 63));
    return 4;
}

/* Parses a string at j->p (which is at the opening quote). */
static const char *parse_string(jparser *j, size_t *len)
{
    const char *s = ++j->p;
    while (j->p < j->end && *j->p != '"')
        j->p += (*j->p == '\\' && j->p + 1 < j->end) ? 2 : 1;
    if (j->p >= j->end)
        return NULL;
    /* The unescaped form is never longer than the escaped one. */
    char *out = sito_arena_alloc(j->a, (size_t)(j->p - s) + 1), *o = out;
    if (!out)
        return NULL;
    for (const char *q = s; q < j->p;) {
        if (*q != '\\') {
            if ((unsigned char)*q < 0x20)
                return NULL;
            *o++ = *q++;
            continue;
        }
        q++;
        char c = *q++;
        switch (c) {
        case '"': case '\\': case '/': *o++ = c; break;
        case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        case 't': *o++ = '\t'; break;
        case 'u': {
            unsigned cp, lo;
            if (j->p - q < 4 || hex4(q, &cp))
                return NULL;
            q += 4;
            if (cp >= 0xD800 && cp < 0xDC00 && j->p - q >= 6 && q[0] == '\\' && q[1] == 'u' &&
                !hex4(q + 2, &lo) && lo >= 0xDC00 && lo < 0xE000) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                q += 6;
            } else if (cp >= 0xD800 && cp < 0xE000) {
                cp = 0xFFFD;
            }
            o += put_utf8(o, cp);
            break;
        }
        default:
            return NULL;
        }
    }
    *o = 0;
    *len = (size_t)(o - out);
    j->p++;
    return out;
}

static jv *parse_value(jparser *j);

/* Arrays and objects: children gathered in a growing heap list, then
 * copied into the arena. */
static jv *parse_container(jparser *j, int is_obj)
{
    char close = is_obj ? '}' : ']';
    jv *v = new_value(j, is_obj ? JV_OBJ : JV_ARR);
    size_t n = 0, cap = 0;
    jv **items = NULL;
    const char **keys = NULL;
    if (!v || ++j->depth > JV_MAX_DEPTH)
        return NULL;
    j->p++;
    skip_ws(j);
    if (j->p < j->end && *j->p == close) {
        j->p++;
        j->depth--;
        return v;
    }
    for (;;) {
        const char *key = NULL;
        size_t klen;
        skip_ws(j);
        if (is_obj) {
            if (j->p >= j->end || *j->p != '"' || !(key = parse_string(j, &klen)))
                goto fail;
            skip_ws(j);
            if (j->p >= j->end || *j->p++ != ':')
                goto fail;
        }
        jv *child = parse_value(j);
        if (!child)
            goto fail;
        if (n == cap) {
            cap = cap ? cap * 2 : 8;
            jv **ni = realloc(items, cap * sizeof *ni);
            const char **nk = ni ? realloc(keys, cap * sizeof *nk) : NULL;
            if (ni) items = ni;
            if (nk) keys = nk;
            if (!ni || !nk)
                goto fail;
        }
        items[n] = child;
        keys[n++] = key;
        skip_ws(j);
        if (j->p < j->end && *j->p == ',') {
            j->p++;
            continue;
        }
        if (j->p < j->end && *j->p == close) {
            j->p++;
            break;
        }
        goto fail;
    }
    v->len = n;
    v->items = sito_arena_alloc(j->a, n * sizeof *v->items);
    v->keys = is_obj ? sito_arena_alloc(j->a, n * sizeof *v->keys) : NULL;
    if (!v->items || (is_obj && !v->keys))
        goto fail;
    memcpy(v->items, items, n * sizeof *items);
    if (is_obj)
        memcpy(v->keys, keys, n * sizeof *keys);
    free(items);
    free(keys);
    j->depth--;
    return v;
fail:
    free(items);
    free(keys);
    return NULL;
}

static jv *parse_value(jparser *j)
{
    skip_ws(j);
    if (j->p >= j->end)
        return NULL;
    char c = *j->p;
    if (c == '{' || c == '[')
        return parse_container(j, c == '{');
    if (c == '"') {
        jv *v = new_value(j, JV_STR);
        if (v && !(v->str = parse_string(j, &v->len)))
            return NULL;
        return v;
    }
    static const struct { const char *w; jv_type t; double n; } words[] = {
        {"true", JV_BOOL, 1}, {"false", JV_BOOL, 0}, {"null", JV_NULL, 0}};
    for (size_t i = 0; i < 3; i++) {
        size_t wl = strlen(words[i].w);
        if ((size_t)(j->end - j->p) >= wl && !memcmp(j->p, words[i].w, wl)) {
            j->p += wl;
            jv *v = new_value(j, words[i].t);
            if (v)
                v->num = words[i].n;
            return v;
        }
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
        char tmp[64];
        size_t k = 0;
        while (j->p + k < j->end && k < sizeof tmp - 1 && strchr("+-.eE0123456789", j->p[k]))
            k++;
        memcpy(tmp, j->p, k);
        tmp[k] = 0;
        char *e;
        double d = strtod(tmp, &e);
        if (e != tmp + k)
            return NULL;
        j->p += k;
        jv *v = new_value(j, JV_NUM);
        if (v)
            v->num = d;
        return v;
    }
    return NULL;
}

jv *jv_parse(sito_arena *a, const char *text, size_t n, size_t *where)
{
    jparser j = {a, text, text + n, text, 0};
    jv *v = parse_value(&j);
    skip_ws(&j);
    if (v && j.p != j.end)
        v = NULL;
    if (!v && where)
        *where = (size_t)(j.p - j.start);
    return v;
}

jv *jv_parse_file(sito_arena *a, const char *path, int *status)
{
    FILE *f = fopen(path, "rb");
    sito_buf b = {0};
    char chunk[8192];
    size_t got;
    *status = SITO_ERR_IO;
    if (!f)
        return NULL;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (sito_buf_append(&b, chunk, got)) {
            *status = SITO_ERR_NOMEM;
            break;
        }
    int bad = ferror(f) || *status == SITO_ERR_NOMEM;
    fclose(f);
    jv *v = NULL;
    if (!bad) {
        v = jv_parse(a, b.ptr ? b.ptr : "", b.len, NULL);
        *status = v ? SITO_OK : SITO_ERR_FORMAT;
    }
    sito_buf_free(&b);
    return v;
}

const jv *jv_get(const jv *obj, const char *key)
{
    if (!obj || obj->type != JV_OBJ)
        return NULL;
    for (size_t i = 0; i < obj->len; i++)
        if (!strcmp(obj->keys[i], key))
            return obj->items[i];
    return NULL;
}

double jv_num(const jv *obj, const char *key, double dflt)
{
    const jv *v = jv_get(obj, key);
    return v && (v->type == JV_NUM || v->type == JV_BOOL) ? v->num : dflt;
}

const char *jv_str(const jv *obj, const char *key)
{
    const jv *v = jv_get(obj, key);
    return v && v->type == JV_STR ? v->str : NULL;
}
