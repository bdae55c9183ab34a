/*
 * url.c — the URL block list and its filter stage.  Entries come only from
 * a file the user names (sito bundles no list): domains (matching the host
 * and its subdomains), words (matching a token of the URL split on
 * non-alphanumerics, as datatrove's banned words) and exact URLs.  Lookups
 * are hash-set probes: a URL costs one probe per host suffix and per token.
 */
#include "sito.h"
#include "quality/qtab.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum { KIND_DOMAIN = 1, KIND_WORD = 2, KIND_URL = 3 };

struct sito_url_blocklist {
    char *bytes;          /* entries, lower-cased, one after another */
    size_t len, cap;
    uint32_t *off, *elen; /* entry i: bytes[off[i] .. off[i]+elen[i]) */
    uint8_t *kind;
    size_t n, ncap;
    qtab tab;
};

static uint64_t entry_hash(int kind, const char *p, size_t n)
{
    uint64_t h = 0xCBF29CE484222325ull ^ (uint64_t)kind;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)p[i]) * 0x100000001B3ull;
    return h;
}

typedef struct probe {
    const sito_url_blocklist *bl;
    int kind;
    const char *p;
    size_t n;
} probe;

/* id UINT32_MAX is the probe itself */
static int entry_eq(const void *ctx, uint32_t a, uint32_t b)
{
    const probe *pr = ctx;
    const sito_url_blocklist *bl = pr->bl;
    const char *bp = b == UINT32_MAX ? pr->p : bl->bytes + bl->off[b];
    size_t bn = b == UINT32_MAX ? pr->n : bl->elen[b];
    int bk = b == UINT32_MAX ? pr->kind : bl->kind[b];
    return bl->kind[a] == bk && bl->elen[a] == bn && memcmp(bl->bytes + bl->off[a], bp, bn) == 0;
}

static int lookup(const sito_url_blocklist *bl, int kind, const char *p, size_t n)
{
    if (!bl->n)
        return 0;
    probe pr = {bl, kind, p, n};
    return qtab_has(&bl->tab, entry_hash(kind, p, n), UINT32_MAX, entry_eq, &pr);
}

static int add_entry(sito_url_blocklist *bl, int kind, const char *p, size_t n)
{
    if (bl->n == bl->ncap) {
        size_t cap = bl->ncap ? bl->ncap * 2 : 256;
        uint32_t *o = realloc(bl->off, cap * sizeof *o);
        if (o)
            bl->off = o;
        uint32_t *l = realloc(bl->elen, cap * sizeof *l);
        if (l)
            bl->elen = l;
        uint8_t *k = realloc(bl->kind, cap);
        if (k)
            bl->kind = k;
        if (!o || !l || !k)
            return -1;
        bl->ncap = cap;
    }
    if (bl->len + n > UINT32_MAX)
        return -1;
    if (bl->cap - bl->len < n) {
        size_t cap = bl->cap ? bl->cap : 4096;
        while (cap - bl->len < n)
            cap *= 2;
        char *b = realloc(bl->bytes, cap);
        if (!b)
            return -1;
        bl->bytes = b;
        bl->cap = cap;
    }
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        bl->bytes[bl->len + i] = (c >= 'A' && c <= 'Z') ? (char)(c | 0x20) : c;
    }
    bl->off[bl->n] = (uint32_t)bl->len;
    bl->elen[bl->n] = (uint32_t)n;
    bl->kind[bl->n] = (uint8_t)kind;
    bl->len += n;
    bl->n++;
    return 0;
}

static int build_table(sito_url_blocklist *bl)
{
    if (qtab_clear(&bl->tab, bl->n))
        return -1;
    probe pr = {bl, 0, NULL, 0};
    for (size_t i = 0; i < bl->n; i++) {
        int found;
        qtab_slot(&bl->tab, entry_hash(bl->kind[i], bl->bytes + bl->off[i], bl->elen[i]), (uint32_t)i,
                  entry_eq, &pr, &found);
    }
    return 0;
}

void sito_url_blocklist_free(sito_url_blocklist *bl)
{
    if (!bl)
        return;
    free(bl->bytes);
    free(bl->off);
    free(bl->elen);
    free(bl->kind);
    qtab_free(&bl->tab);
    free(bl);
}

static int parse_line(sito_url_blocklist *bl, char *line, size_t n)
{
    while (n && (line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t'))
        n--;
    size_t b = 0;
    while (b < n && (line[b] == ' ' || line[b] == '\t'))
        b++;
    if (b == n || line[b] == '#')
        return 0;
    char *p = line + b;
    n -= b;
    if (n > 5 && !memcmp(p, "word:", 5))
        return add_entry(bl, KIND_WORD, p + 5, n - 5) ? -1 : 0;
    if (n > 4 && !memcmp(p, "url:", 4))
        return add_entry(bl, KIND_URL, p + 4, n - 4) ? -1 : 0;
    if (memchr(p, ' ', n) || memchr(p, '/', n) || memchr(p, ':', n))
        return 1; /* not a domain */
    while (n && p[n - 1] == '.')
        n--;
    if (n && p[0] == '.')
        p++, n--;
    return n ? (add_entry(bl, KIND_DOMAIN, p, n) ? -1 : 0) : 1;
}

sito_url_blocklist *sito_url_blocklist_load(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    sito_url_blocklist *bl = calloc(1, sizeof *bl);
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    unsigned long lineno = 0;
    int bad = bl ? 0 : -1;
    while (!bad && (got = getline(&line, &cap, f)) >= 0) {
        lineno++;
        size_t n = (size_t)got;
        if (n && line[n - 1] == '\n')
            n--;
        bad = parse_line(bl, line, n);
    }
    if (!bad && ferror(f))
        bad = -2;
    free(line);
    fclose(f);
    if (!bad && build_table(bl))
        bad = -1;
    if (bad) {
        if (bad == 1)
            snprintf(err, errlen, "%s: line %lu: not a domain, word:WORD or url:URL", path, lineno);
        else if (bad == -2)
            snprintf(err, errlen, "%s: read error", path);
        else
            snprintf(err, errlen, "%s: out of memory", path);
        sito_url_blocklist_free(bl);
        return NULL;
    }
    return bl;
}

static int is_alnum(unsigned char c)
{
    return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* The host of url: after "scheme://", before '/', '?', '#', ':' and any
 * "user@". */
static sito_str url_host(const char *u, size_t n)
{
    const char *p = u, *end = u + n;
    const char *s = memchr(u, ':', n);
    if (s && s + 2 < end && s[1] == '/' && s[2] == '/')
        p = s + 3;
    const char *h = p;
    while (p < end && *p != '/' && *p != '?' && *p != '#') {
        if (*p == '@')
            h = p + 1;
        p++;
    }
    const char *e = h;
    while (e < p && *e != ':')
        e++;
    while (e > h && e[-1] == '.')
        e--;
    return (sito_str){h, (size_t)(e - h)};
}

int sito_url_blocked(const sito_url_blocklist *bl, const char *url, size_t n, const char **why)
{
    char low[2048] = {0};
    if (n > sizeof low)
        n = sizeof low; /* a longer URL is judged by its first 2 KiB */
    for (size_t i = 0; i < n; i++)
        low[i] = (url[i] >= 'A' && url[i] <= 'Z') ? (char)(url[i] | 0x20) : url[i];
    if (lookup(bl, KIND_URL, low, n)) {
        *why = "url";
        return 1;
    }
    sito_str host = url_host(low, n);
    for (size_t i = 0; i < host.len; i++) {
        if (i == 0 || host.ptr[i - 1] == '.') {
            if (lookup(bl, KIND_DOMAIN, host.ptr + i, host.len - i)) {
                *why = "domain";
                return 1;
            }
        }
    }
    for (size_t i = 0; i < n;) {
        while (i < n && !is_alnum((unsigned char)low[i]))
            i++;
        size_t b = i;
        while (i < n && is_alnum((unsigned char)low[i]))
            i++;
        if (i > b && lookup(bl, KIND_WORD, low + b, i - b)) {
            *why = "word";
            return 1;
        }
    }
    return 0;
}

static int url_process(sito_stage *st, sito_doc *doc, sito_stats *stats)
{
    const char *why;
    if (doc->url.len && sito_url_blocked(st->state, doc->url.ptr, doc->url.len, &why)) {
        doc->filter = "url";
        doc->filter_value = 1;
    }
    return SITO_OK;
}

int sito_url_filter_stage(sito_stage *out, const sito_url_blocklist *bl)
{
    if (!out || !bl)
        return SITO_ERR_ARG;
    *out = (sito_stage){.name = "url_filter", .state = (void *)bl, .process = url_process};
    return SITO_OK;
}
