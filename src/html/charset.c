/*
 * charset.c — decides a page's encoding and decodes it to UTF-8.  Order:
 * BOM, HTTP charset, <meta> prescan, <?xml encoding?>, detection (uchardet),
 * windows-1252; a declaration the bytes contradict is overruled.  Valid
 * UTF-8 is returned as a view (no copy); single-byte charsets go through a
 * 128-entry table built once per context from iconv, UTF-16/32 through our
 * own loops, the rest through iconv descriptors cached in the context.
 * Undecodable input always becomes counted U+FFFD, never silence.
 */
#include "sito.h"
#include "html/charset.h"
#include "util/utf8.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <uchardet/uchardet.h>

#define ICONV_SLOTS 6
#define DETECT_MAX (256u << 10)   /* bytes given to the detector */
#define FFFD "\xEF\xBF\xBD"

/* A single-byte charset's upper half, as ready-made UTF-8. */
typedef struct byte_table {
    unsigned char utf8[128][4];
    unsigned char len[128];     /* 0: undefined byte */
} byte_table;

struct sito_charset_ctx {
    struct {
        const cs_encoding *enc;
        iconv_t cd;
        unsigned long used;
    } slot[ICONV_SLOTS];
    unsigned long clock;
    byte_table *table[CS_MAX];
    uchardet_t det;
};

sito_charset_ctx *sito_charset_ctx_new(void)
{
    sito_charset_ctx *cx = calloc(1, sizeof *cx);
    if (!cx)
        return NULL;
    cx->det = uchardet_new();
    if (!cx->det) {
        free(cx);
        return NULL;
    }
    return cx;
}

void sito_charset_ctx_free(sito_charset_ctx *cx)
{
    if (!cx)
        return;
    for (int i = 0; i < ICONV_SLOTS; i++)
        if (cx->slot[i].enc)
            iconv_close(cx->slot[i].cd);
    for (int i = 0; i < CS_MAX; i++)
        free(cx->table[i]);
    uchardet_delete(cx->det);
    free(cx);
}

const char *sito_charset_source_name(int source)
{
    static const char *const names[] = {"bom", "http", "meta", "xml",
                                        "detected", "default"};
    return source >= 0 && source <= SITO_CHARSET_DEFAULT ? names[source] : NULL;
}

/* ------------------------------------------------------------ iconv cache */

/* An iconv descriptor for e (to UTF-8), opened once and kept; the least
 * recently used slot is recycled.  (iconv_t)-1 when iconv lacks e. */
static iconv_t iconv_for(sito_charset_ctx *cx, const cs_encoding *e)
{
    int victim = 0;
    cx->clock++;
    for (int i = 0; i < ICONV_SLOTS; i++) {
        if (cx->slot[i].enc == e) {
            cx->slot[i].used = cx->clock;
            iconv(cx->slot[i].cd, NULL, NULL, NULL, NULL);  /* reset state */
            return cx->slot[i].cd;
        }
        if (!cx->slot[i].enc || cx->slot[i].used < cx->slot[victim].used)
            victim = i;
        if (!cx->slot[i].enc)
            break;
    }
    iconv_t cd = iconv_open("UTF-8", e->iconv);
    if (cd == (iconv_t)-1)
        return cd;
    if (cx->slot[victim].enc)
        iconv_close(cx->slot[victim].cd);
    cx->slot[victim].enc = e;
    cx->slot[victim].cd = cd;
    cx->slot[victim].used = cx->clock;
    return cd;
}

/* ----------------------------------------------------------- byte tables */

/* Decodes byte b alone through cd; its UTF-8 into out, length returned
 * (0 when iconv rejects it). */
static size_t decode_one_byte(iconv_t cd, unsigned char b, unsigned char *out)
{
    char in = (char)b, buf[8];
    char *ip = &in, *op = buf;
    size_t il = 1, ol = sizeof buf;
    iconv(cd, NULL, NULL, NULL, NULL);
    if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 ||
        iconv(cd, NULL, NULL, &op, &ol) == (size_t)-1)
        return 0;
    size_t n = (size_t)(op - buf);
    if (n == 0 || n > 4)
        return 0;
    memcpy(out, buf, n);
    return n;
}

/* The byte table of e, built on first use.  NULL with *rc set:
 * SITO_ERR_ARG when iconv lacks e, SITO_ERR_NOMEM. */
static const byte_table *table_for(sito_charset_ctx *cx, const cs_encoding *e,
                                   int *rc)
{
    size_t k = cs_index(e);
    if (cx->table[k])
        return cx->table[k];
    iconv_t cd = iconv_for(cx, e);
    *rc = SITO_ERR_ARG;
    if (cd == (iconv_t)-1)
        return NULL;
    byte_table *t = calloc(1, sizeof *t);
    *rc = SITO_ERR_NOMEM;
    if (!t)
        return NULL;
    int is1252 = e == cs_windows1252();
    for (int b = 0x80; b < 0x100; b++) {
        size_t n = decode_one_byte(cd, (unsigned char)b, t->utf8[b - 0x80]);
        if (n == 0 && is1252)  /* WHATWG: 0x81 0x8D 0x8F 0x90 0x9D -> C1 */
            n = utf8_put(t->utf8[b - 0x80], (unsigned)b);
        t->len[b - 0x80] = (unsigned char)n;
    }
    cx->table[k] = t;
    return t;
}

/* ----------------------------------------------------------------- output */

typedef struct out_buf {
    sito_arena *a;
    unsigned char *p;
    size_t len, cap;     /* cap excludes room for the final NUL */
    uint64_t reps;
} out_buf;

static int out_init(out_buf *o, sito_arena *a, size_t cap)
{
    o->a = a;
    o->len = 0;
    o->cap = cap;
    o->reps = 0;
    o->p = sito_arena_alloc(a, cap + 1);
    return o->p ? SITO_OK : SITO_ERR_NOMEM;
}

/* Makes room for n more bytes (arena: allocate larger and copy). */
static int out_room(out_buf *o, size_t n)
{
    if (o->cap - o->len >= n)
        return SITO_OK;
    size_t cap = o->cap * 2 + n;
    unsigned char *p = sito_arena_alloc(o->a, cap + 1);
    if (!p)
        return SITO_ERR_NOMEM;
    memcpy(p, o->p, o->len);
    o->p = p;
    o->cap = cap;
    return SITO_OK;
}

static void out_fffd(out_buf *o)
{
    memcpy(o->p + o->len, FFFD, 3);
    o->len += 3;
    o->reps++;
}

/* --------------------------------------------------------------- decoders */

static size_t count_high_bytes(const unsigned char *s, size_t n)
{
    size_t i = 0, high = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        high += (size_t)__builtin_popcountll(w & 0x8080808080808080ULL);
    }
    for (; i < n; i++)
        high += s[i] >> 7;
    return high;
}

static int decode_single(const byte_table *t, const unsigned char *s, size_t n,
                         out_buf *o)
{
    /* each high byte becomes at most 3 bytes; +4: the 4-byte stores */
    int rc = out_init(o, o->a, n + 2 * count_high_bytes(s, n) + 4);
    if (rc)
        return rc;
    unsigned char *d = o->p;
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned b = s[i];
        if (b < 0x80) {
            d[j++] = (unsigned char)b;
        } else if (t->len[b - 0x80]) {
            memcpy(d + j, t->utf8[b - 0x80], 4);
            j += t->len[b - 0x80];
        } else {
            memcpy(d + j, FFFD, 3);
            j += 3;
            o->reps++;
        }
    }
    o->len = j;
    return SITO_OK;
}

static int decode_xuser(const unsigned char *s, size_t n, out_buf *o)
{
    int rc = out_init(o, o->a, n + 2 * count_high_bytes(s, n) + 4);
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++)
        o->len += utf8_put(o->p + o->len, s[i] < 0x80 ? s[i] : 0xF780u + s[i] - 0x80);
    return SITO_OK;
}

static unsigned unit16(const unsigned char *s, int be)
{
    return be ? (unsigned)s[0] << 8 | s[1] : (unsigned)s[1] << 8 | s[0];
}

static int decode_utf16(const unsigned char *s, size_t n, int be, out_buf *o)
{
    int rc = out_init(o, o->a, n / 2 * 3 + 4);
    if (rc)
        return rc;
    size_t i = 0;
    while (i + 2 <= n) {
        unsigned c = unit16(s + i, be);
        i += 2;
        if (c >= 0xD800 && c <= 0xDBFF && i + 2 <= n) {
            unsigned c2 = unit16(s + i, be);
            if (c2 >= 0xDC00 && c2 <= 0xDFFF) {
                i += 2;
                c = 0x10000 + ((c - 0xD800) << 10) + (c2 - 0xDC00);
                o->len += utf8_put(o->p + o->len, c);
                continue;
            }
        }
        if (c >= 0xD800 && c <= 0xDFFF)
            out_fffd(o);   /* lone surrogate (the next unit is re-read) */
        else
            o->len += utf8_put(o->p + o->len, c);
    }
    if (i < n)
        out_fffd(o);       /* odd final byte */
    return SITO_OK;
}

static int decode_utf32(const unsigned char *s, size_t n, int be, out_buf *o)
{
    int rc = out_init(o, o->a, n + 4);
    if (rc)
        return rc;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        uint32_t c = be ? (uint32_t)s[i] << 24 | (uint32_t)s[i + 1] << 16 |
                              (uint32_t)s[i + 2] << 8 | s[i + 3]
                        : (uint32_t)s[i + 3] << 24 | (uint32_t)s[i + 2] << 16 |
                              (uint32_t)s[i + 1] << 8 | s[i];
        if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
            out_fffd(o);
        else
            o->len += utf8_put(o->p + o->len, c);
    }
    if (i < n)
        out_fffd(o);
    return SITO_OK;
}

/* iconv for everything else: an undecodable byte becomes U+FFFD and the
 * decoder resumes at the next byte (for multi-byte charsets that is what
 * WHATWG does: a bad trail byte that is ASCII is decoded as itself). */
static int decode_iconv(sito_charset_ctx *cx, const cs_encoding *e,
                        const unsigned char *s, size_t n, out_buf *o)
{
    iconv_t cd = iconv_for(cx, e);
    if (cd == (iconv_t)-1)
        return SITO_ERR_ARG;
    int rc = out_init(o, o->a, n + n / 2 + 64);
    char *ip = (char *)s;
    size_t il = n;
    while (rc == SITO_OK && il > 0) {
        char *op = (char *)o->p + o->len;
        size_t ol = o->cap - o->len;
        size_t r = iconv(cd, &ip, &il, &op, &ol);
        int err = r == (size_t)-1 ? errno : 0;
        o->len = (size_t)(op - (char *)o->p);
        if (!err)
            break;
        if (err == E2BIG) {
            rc = out_room(o, il * 2 + 64);
        } else if (err == EILSEQ || err == EINVAL) {
            /* EILSEQ: skip one byte (shift state kept); EINVAL: the input
             * ends inside a sequence */
            if ((rc = out_room(o, 3)) == SITO_OK)
                out_fffd(o);
            ip++;
            il = err == EINVAL ? 0 : il - 1;
        } else {
            rc = SITO_ERR_FORMAT;
        }
    }
    while (rc == SITO_OK) {   /* flush a stateful decoder */
        char *op = (char *)o->p + o->len;
        size_t ol = o->cap - o->len;
        size_t r = iconv(cd, NULL, NULL, &op, &ol);
        o->len = (size_t)(op - (char *)o->p);
        if (r != (size_t)-1 || errno != E2BIG)
            break;
        rc = out_room(o, 64);
    }
    return rc;
}

/* Decodes s[0..n) as e into the arena.  SITO_ERR_ARG when iconv lacks e. */
static int decode_as(sito_charset_ctx *cx, const cs_encoding *e,
                     const unsigned char *s, size_t n, out_buf *o)
{
    switch (e->kind) {
    case CS_UTF8: {
        int rc = out_init(o, o->a, 3 * n);
        if (rc)
            return rc;
        size_t reps;
        o->len = sito_utf8_sanitize((char *)o->p, (const char *)s, n, &reps);
        o->reps = reps;
        return SITO_OK;
    }
    case CS_UTF16LE:
    case CS_UTF16BE:
        return decode_utf16(s, n, e->kind == CS_UTF16BE, o);
    case CS_UTF32LE:
    case CS_UTF32BE:
        return decode_utf32(s, n, e->kind == CS_UTF32BE, o);
    case CS_XUSER:
        return decode_xuser(s, n, o);
    case CS_SINGLE: {
        int rc;
        const byte_table *t = table_for(cx, e, &rc);
        return t ? decode_single(t, s, n, o) : rc;
    }
    default:
        return decode_iconv(cx, e, s, n, o);
    }
}

/* ---------------------------------------------------------------- decision */

static int has_high_byte(const unsigned char *s, size_t n)
{
    return count_high_bytes(s, n) > 0;
}

/* Whether an explicit UTF-16/32 declaration is believable: real UTF-16 of
 * web pages has NUL bytes early (the markup is ASCII). */
static int wide_plausible(const cs_encoding *e, const unsigned char *s, size_t n)
{
    if (e->kind != CS_UTF16LE && e->kind != CS_UTF16BE &&
        e->kind != CS_UTF32LE && e->kind != CS_UTF32BE)
        return 1;
    return memchr(s, 0, n < 1024 ? n : 1024) != NULL;
}

/* UTF-16 without a BOM: most text is ASCII, so one byte of each pair is 0.
 * 1: LE, 2: BE, 0: not UTF-16-looking. */
static int sniff_utf16(const unsigned char *s, size_t n)
{
    size_t m = n < 4096 ? n : 4096, even = 0, odd = 0;
    if (m < 8)
        return 0;
    for (size_t i = 0; i + 1 < m; i += 2) {
        even += s[i] == 0;
        odd += s[i + 1] == 0;
    }
    size_t pairs = m / 2;
    if (odd * 4 >= pairs && even * 20 < pairs)
        return 1;
    if (even * 4 >= pairs && odd * 20 < pairs)
        return 2;
    return 0;
}

/* UTF-32 without a BOM: every 4-byte unit is a code point <= 0x10FFFF.
 * 1: LE, 2: BE, 0: no. */
static int sniff_utf32(const unsigned char *s, size_t n)
{
    size_t m = (n < 4096 ? n : 4096) & ~(size_t)3, le = 0, be = 0, units = m / 4;
    if (n % 4 || units < 2)
        return 0;
    for (size_t i = 0; i < m; i += 4) {
        le += s[i + 3] == 0 && s[i + 2] <= 0x10 && (s[i] | s[i + 1]);
        be += s[i] == 0 && s[i + 1] <= 0x10 && (s[i + 2] | s[i + 3]);
    }
    return le == units ? 1 : be == units ? 2 : 0;
}

/* 7-bit text with the escape sequences of ISO-2022-JP/KR/CN, or NULL. */
static const cs_encoding *sniff_iso2022(const unsigned char *s, size_t n)
{
    static const struct {
        const char *esc, *label;
    } seqs[] = {
        {"\x1b$B", "iso-2022-jp"}, {"\x1b$@", "iso-2022-jp"},
        {"\x1b(J", "iso-2022-jp"}, {"\x1b$)C", "iso-2022-kr"},
        {"\x1b$)A", "iso-2022-cn"}, {"\x1b$)G", "iso-2022-cn"},
    };
    const unsigned char *p = memchr(s, 0x1b, n);
    if (!p || has_high_byte(s, n))
        return NULL;
    for (; p; p = memchr(p + 1, 0x1b, n - (size_t)(p + 1 - s))) {
        size_t left = n - (size_t)(p - s);
        for (size_t k = 0; k < sizeof seqs / sizeof seqs[0]; k++) {
            size_t l = strlen(seqs[k].esc);
            if (left >= l && memcmp(p, seqs[k].esc, l) == 0)
                return cs_lookup(seqs[k].label, strlen(seqs[k].label));
        }
        if (left < 2)
            break;
    }
    return NULL;
}

/* Statistical detection; NULL when the detector has no answer. */
static const cs_encoding *detect(sito_charset_ctx *cx, const unsigned char *s,
                                 size_t n)
{
    uchardet_reset(cx->det);
    if (uchardet_handle_data(cx->det, (const char *)s, n < DETECT_MAX ? n : DETECT_MAX))
        return NULL;
    uchardet_data_end(cx->det);
    const char *name = uchardet_get_charset(cx->det);
    if (!name || !*name)
        return NULL;
    if (strcmp(name, "ASCII") == 0)
        return cs_windows1252();
    return cs_lookup(name, strlen(name));
}

/* What decide() found: where the answer came from, the BOM to skip, and
 * whether the bytes are already known to be valid UTF-8 (so the fast path
 * does not validate twice). */
typedef struct decision {
    int source;
    size_t bom;
    int valid_utf8;
} decision;

/* Undeclared bytes: UTF-16-looking, UTF-8 (with at most a few errors), or
 * whatever the detector says; windows-1252 when it says nothing. */
static const cs_encoding *guess(sito_charset_ctx *cx, const unsigned char *s,
                                size_t n, decision *d)
{
    d->source = SITO_CHARSET_DETECTED;
    int w = sniff_utf32(s, n);
    if (w)
        return cs_utf32(w == 2);
    if ((w = sniff_utf16(s, n)))
        return cs_utf16(w == 2);
    if (sito_utf8_valid((const char *)s, n)) {
        const cs_encoding *e = sniff_iso2022(s, n);
        d->valid_utf8 = !e;
        return e ? e : cs_utf8();
    }
    utf8_scan sc;
    utf8_scan_bytes((const char *)s, n, &sc);
    if (sc.multibyte > sc.invalid)   /* UTF-8 with a few bad bytes */
        return cs_utf8();
    const cs_encoding *e = detect(cx, s, n);
    if (e && e->kind != CS_UTF8)
        return e;
    d->source = SITO_CHARSET_DEFAULT;
    return cs_windows1252();
}

/* A declared encoding checked against the bytes: UTF-8 declared over bytes
 * that are mostly not UTF-8, or a legacy charset declared over valid
 * multi-byte UTF-8, is overruled. */
static const cs_encoding *check_declared(sito_charset_ctx *cx,
                                         const cs_encoding *e,
                                         const unsigned char *s, size_t n,
                                         decision *d)
{
    if (e->kind == CS_UTF8) {
        if ((d->valid_utf8 = sito_utf8_valid((const char *)s, n)))
            return e;
        utf8_scan sc;
        utf8_scan_bytes((const char *)s, n, &sc);
        if (sc.multibyte > sc.invalid || sc.invalid == 0)
            return e;
        return guess(cx, s, n, d);
    }
    if ((e->kind == CS_SINGLE || e->kind == CS_MULTI || e->kind == CS_XUSER) &&
        has_high_byte(s, n) && sito_utf8_valid((const char *)s, n)) {
        d->source = SITO_CHARSET_DETECTED;
        return cs_utf8();
    }
    return e;
}

/* The encoding a byte-order mark names (UTF-32 checked before UTF-16:
 * FF FE 00 00 starts both), with its length in *bom; NULL without one. */
static const cs_encoding *decide_bom(const unsigned char *s, size_t n,
                                     size_t *bom, int *source)
{
    *bom = 0;
    *source = SITO_CHARSET_BOM;
    if (n >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
        return *bom = 3, cs_utf8();
    if (n >= 4 && s[0] == 0xFF && s[1] == 0xFE && s[2] == 0 && s[3] == 0)
        return *bom = 4, cs_utf32(0);
    if (n >= 4 && s[0] == 0 && s[1] == 0 && s[2] == 0xFE && s[3] == 0xFF)
        return *bom = 4, cs_utf32(1);
    if (n >= 2 && s[0] == 0xFE && s[1] == 0xFF)
        return *bom = 2, cs_utf16(1);
    if (n >= 2 && s[0] == 0xFF && s[1] == 0xFE)
        return *bom = 2, cs_utf16(0);
    return NULL;
}

/* The encoding of s, the BOM length to skip, and where the decision came
 * from. */
static const cs_encoding *decide(sito_charset_ctx *cx, const unsigned char *s,
                                 size_t n, sito_str http, decision *d)
{
    memset(d, 0, sizeof *d);
    const cs_encoding *e = decide_bom(s, n, &d->bom, &d->source);
    if (e)
        return e;
    if (http.len >= 2 && (http.ptr[0] == '"' || http.ptr[0] == '\'') &&
        http.ptr[http.len - 1] == http.ptr[0])   /* charset="utf-8" */
        http = (sito_str){http.ptr + 1, http.len - 2};
    if (http.len && (e = cs_lookup(http.ptr, http.len)) && wide_plausible(e, s, n))
        d->source = SITO_CHARSET_HTTP;
    else if ((e = cs_prescan((const char *)s, n)))
        d->source = SITO_CHARSET_META;
    else if ((e = cs_xml_declaration((const char *)s, n)) && wide_plausible(e, s, n))
        d->source = SITO_CHARSET_XML;
    else
        return guess(cx, s, n, d);
    return check_declared(cx, e, s, n, d);
}

/* Decodes s as e into *out (a view when e is UTF-8 and s is valid; valid:
 * already checked). */
static int convert(sito_charset_ctx *cx, const cs_encoding *e, int source,
                   int valid, const unsigned char *s, size_t len,
                   sito_arena *a, sito_charset_result *out)
{
    out->charset = e->name;
    out->source = source;
    if (e->kind == CS_UTF8 && (valid || sito_utf8_valid((const char *)s, len))) {
        out->text = (sito_str){(const char *)s, len};   /* the fast path */
        return SITO_OK;
    }
    out_buf o = {.a = a};
    int rc = decode_as(cx, e, s, len, &o);
    if (rc == SITO_ERR_ARG) {   /* iconv lacks it: the WHATWG default */
        out->charset = cs_windows1252()->name;
        out->source = SITO_CHARSET_DEFAULT;
        rc = decode_as(cx, cs_windows1252(), s, len, &o);
    }
    if (rc == SITO_ERR_ARG) {
        out->charset = cs_utf8()->name;
        rc = decode_as(cx, cs_utf8(), s, len, &o);
    }
    if (rc) {
        memset(out, 0, sizeof *out);
        return rc == SITO_ERR_NOMEM ? rc : SITO_ERR_FORMAT;
    }
    o.p[o.len] = 0;
    out->text = (sito_str){(const char *)o.p, o.len};
    out->copied = 1;
    out->replacements = o.reps;
    return SITO_OK;
}

/* A declared legacy charset that leaves many undecodable bytes (one in a
 * hundred, at least 8) is probably the wrong one: Shift_JIS declared over
 * EUC-JP bytes, say. */
static int implausible(const sito_charset_result *r, int source, size_t len)
{
    return (source == SITO_CHARSET_HTTP || source == SITO_CHARSET_META ||
            source == SITO_CHARSET_XML) &&
           r->replacements >= 8 && r->replacements * 100 >= len;
}

/* Decodes again with the detector's answer; keeps it if it replaces fewer
 * bytes. */
static int try_detected(sito_charset_ctx *cx, const cs_encoding *declared,
                        const unsigned char *s, size_t len, sito_arena *a,
                        sito_charset_result *out)
{
    const cs_encoding *alt = detect(cx, s, len);
    if (!alt || alt == declared)
        return SITO_OK;
    sito_charset_result r;
    int rc = convert(cx, alt, SITO_CHARSET_DETECTED, 0, s, len, a, &r);
    if (rc == SITO_ERR_NOMEM)
        return rc;
    if (rc == SITO_OK && r.replacements < out->replacements)
        *out = r;
    return SITO_OK;
}

int sito_charset_to_utf8(sito_charset_ctx *cx, const char *raw, size_t len,
                         sito_str http_charset, sito_arena *a,
                         sito_charset_result *out)
{
    const unsigned char *s = (const unsigned char *)(raw ? raw : "");
    decision d;
    memset(out, 0, sizeof *out);
    const cs_encoding *e = decide(cx, s, len, http_charset, &d);
    int rc = convert(cx, e, d.source, d.valid_utf8, s + d.bom, len - d.bom, a, out);
    if (rc == SITO_OK && implausible(out, d.source, len))
        rc = try_detected(cx, e, s + d.bom, len - d.bom, a, out);
    return rc;
}

int sito_charset_decode(sito_charset_ctx *cx, const char *label, size_t label_len,
                        const char *raw, size_t len, sito_arena *a,
                        sito_charset_result *out)
{
    const cs_encoding *e = cs_lookup(label, label_len);
    memset(out, 0, sizeof *out);
    if (!e)
        return SITO_ERR_ARG;
    const unsigned char *s = (const unsigned char *)(raw ? raw : "");
    size_t bom;
    int source;
    const cs_encoding *b = decide_bom(s, len, &bom, &source);
    return convert(cx, b ? b : e, b ? SITO_CHARSET_BOM : SITO_CHARSET_HTTP, 0,
                   s + bom, len - bom, a, out);
}

/* ------------------------------------------------------------------- stage */

static int is_text_type(sito_str t)
{
    static const char *const types[] = {"text/html", "application/xhtml+xml",
                                        "text/plain"};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (t.len == strlen(types[i]) && memcmp(t.ptr, types[i], t.len) == 0)
            return 1;
    return 0;
}

static int charset_process(sito_stage *st, sito_doc *doc, sito_stats *stats)
{
    if (!is_text_type(doc->content_type) || !doc->raw.len)
        return SITO_OK;
    sito_charset_result r;
    int rc = sito_charset_to_utf8(st->state, doc->raw.ptr, doc->raw.len,
                                  doc->http_charset, doc->arena, &r);
    if (rc == SITO_ERR_FORMAT) {   /* iconv failed in a way it never should */
        stats->errors[SITO_E_INVALID_UTF8]++;
        doc->skip = 1;
        return SITO_OK;
    }
    if (rc)
        return rc;
    doc->raw = r.text;
    doc->charset = (sito_str){r.charset, strlen(r.charset)};
    sito_doc_set_signal(doc, SITO_SIG_CHARSET_REPLACEMENTS, (double)r.replacements);
    if (r.replacements)
        stats->errors[SITO_E_INVALID_UTF8]++;
    return SITO_OK;
}

static void charset_destroy(sito_stage *st)
{
    sito_charset_ctx_free(st->state);
    st->state = NULL;
}

int sito_charset_stage(sito_stage *out)
{
    memset(out, 0, sizeof *out);
    sito_charset_ctx *cx = sito_charset_ctx_new();
    if (!cx)
        return SITO_ERR_NOMEM;
    out->name = "charset";
    out->state = cx;
    out->process = charset_process;
    out->destroy = charset_destroy;
    return SITO_OK;
}
