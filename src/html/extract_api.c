/*
 * extract_api.c — the public face of extraction: sito_extract_html (parse,
 * metadata, main text, UTF-8 repair) and the pipeline stage.  The text
 * buffer is sized once from the page, so extraction allocates only from
 * the document arena.
 */
#include "html/extract_internal.h"

#include <string.h>

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    size_t len;
    uint32_t min;
    if (c >= 0xC2 && c <= 0xDF) { len = 2; min = 0x80; }
    else if (c >= 0xE0 && c <= 0xEF) { len = 3; min = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; min = 0x10000; }
    else return 0;
    if (n < len)
        return 0;
    uint32_t cp = c & (0x7F >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

/* s itself when it is valid UTF-8, else a copy with U+FFFD for bad bytes. */
static sito_str utf8_repair(sito_arena *a, sito_str s)
{
    const unsigned char *p = (const unsigned char *)s.ptr;
    size_t i = 0;
    while (i < s.len) {
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        size_t k = utf8_seq(p + i, s.len - i);
        if (!k)
            break;
        i += k;
    }
    if (i == s.len)
        return s;
    char *o = sito_arena_alloc(a, s.len * 3 + 1);
    if (!o)
        return (sito_str){"", 0};
    size_t n = 0;
    memcpy(o, s.ptr, i);
    n = i;
    while (i < s.len) {
        size_t k = utf8_seq(p + i, s.len - i);
        if (k) {
            memcpy(o + n, p + i, k);
            n += k;
            i += k;
        } else {
            memcpy(o + n, "\xEF\xBF\xBD", 3);
            n += 3;
            i++;
        }
    }
    o[n] = 0;
    return (sito_str){o, n};
}

int sito_extract_html(const char *html, size_t len, sito_arena *a, sito_extract_result *out)
{
    static const sito_str empty = {"", 0};
    *out = (sito_extract_result){empty, empty, empty, empty, empty};
    html_doc doc;
    int rc = html_parse(html, len, a, &doc);
    if (rc != SITO_OK)
        return rc;
    extract_meta(&doc, a, &out->title, &out->lang, &out->canonical, &out->date);
    /* decoded text is at most 1.5x the page; two separators per node */
    size_t cap = len + len / 2 + 2 * doc.n_nodes + 16;
    textout o = {.buf = sito_arena_alloc(a, cap + 1), .cap = cap};
    if (!o.buf)
        return SITO_ERR_NOMEM;
    rc = extract_main(&doc, a, &o);
    if (rc != SITO_OK)
        return rc;
    o.buf[o.len] = 0;
    out->text = utf8_repair(a, (sito_str){o.buf, o.len});
    out->title = utf8_repair(a, out->title);
    out->lang = utf8_repair(a, out->lang);
    out->canonical = utf8_repair(a, out->canonical);
    out->date = utf8_repair(a, out->date);
    return SITO_OK;
}

/* ---------------------------------------------------------------- stage */

static int str_is(sito_str s, const char *lit)
{
    return s.len == strlen(lit) && !memcmp(s.ptr, lit, s.len);
}

static int looks_like_html(sito_str raw)
{
    size_t i = 0;
    if (raw.len >= 3 && !memcmp(raw.ptr, "\xEF\xBB\xBF", 3))
        i = 3;
    while (i < raw.len && (raw.ptr[i] == ' ' || raw.ptr[i] == '\t' || raw.ptr[i] == '\n' ||
                           raw.ptr[i] == '\r'))
        i++;
    return i < raw.len && raw.ptr[i] == '<';
}

static int extract_process(sito_stage *st, sito_doc *doc, sito_stats *stats)
{
    (void)st;
    if (!doc->raw.ptr && doc->text.len)
        return SITO_OK;     /* WET / JSONL: the text is already there */
    int html = doc->raw.ptr && (str_is(doc->content_type, "text/html") ||
                                str_is(doc->content_type, "application/xhtml+xml") ||
                                (!doc->content_type.len && looks_like_html(doc->raw)));
    if (!html) {
        doc->skip = 1; /* counted in docs_skipped by the task, once */
        return SITO_OK;
    }
    sito_extract_result r;
    int rc = sito_extract_html(doc->raw.ptr, doc->raw.len, doc->arena, &r);
    if (rc != SITO_OK)
        return rc;
    doc->text = r.text;
    doc->title = r.title;
    doc->html_lang = r.lang;
    doc->canonical = r.canonical;
    doc->pub_date = r.date;
    sito_doc_set_signal(doc, SITO_SIG_EXTRACT_TEXT_FRAC,
                        doc->raw.len ? (double)r.text.len / (double)doc->raw.len : 0.0);
    if (!r.text.len)
        doc->skip = 1;
    return SITO_OK;
}

int sito_extract_stage(sito_stage *out)
{
    *out = (sito_stage){.name = "extract", .process = extract_process};
    return SITO_OK;
}
