/*
 * meta.c — page metadata for extraction: title (og:title, else <title>),
 * <html lang>, canonical URL (<link rel=canonical>, else og:url) and the
 * publication date (article:published_time and the usual meta names,
 * itemprop=datePublished, else the first <time datetime>).  Values are
 * views into the page or trimmed copies in the arena.
 */
#include "html/extract_internal.h"

#include <string.h>

typedef struct meta_found {
    sito_str og_title, title, canonical, og_url, date, time_date;
    int date_rank;   /* lower is better */
} meta_found;

static int eq_ci(const char *a, size_t n, const char *lit)
{
    size_t m = strlen(lit);
    if (n != m)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)a[i];
        if (c >= 'A' && c <= 'Z')
            c += 32;
        if (c != (unsigned char)lit[i])
            return 0;
    }
    return 1;
}

static sito_str attr_val(const html_node *n, const char *name)
{
    const html_attr *a = html_attr_find(n, name);
    return a ? (sito_str){a->value, a->value_len} : (sito_str){NULL, 0};
}

/* Whether the space-separated list v holds the token tok. */
static int has_token(sito_str v, const char *tok)
{
    size_t i = 0;
    while (i < v.len) {
        while (i < v.len && (v.ptr[i] == ' ' || v.ptr[i] == '\t'))
            i++;
        size_t s = i;
        while (i < v.len && v.ptr[i] != ' ' && v.ptr[i] != '\t')
            i++;
        if (i > s && eq_ci(v.ptr + s, i - s, tok))
            return 1;
    }
    return 0;
}

/* meta names/properties that carry a publication date, best first */
static const char *const date_names[] = {
    "article:published_time", "datepublished", "og:published_time", "publishdate",
    "pubdate", "publish-date", "publish_date", "dc.date.issued", "dcterms.date",
    "dc.date", "date", "sailthru.date", "article.published", "parsely-pub-date",
    "citation_publication_date", "citation_date", NULL,
};

static void offer_date(meta_found *m, sito_str v, int rank)
{
    if (v.len && v.len < 100 && (!m->date.ptr || rank < m->date_rank)) {
        m->date = v;
        m->date_rank = rank;
    }
}

static void visit_meta(meta_found *m, const html_node *n)
{
    sito_str key = attr_val(n, "property");
    if (!key.len)
        key = attr_val(n, "name");
    if (!key.len)
        key = attr_val(n, "itemprop");
    if (!key.len)
        return;
    sito_str content = attr_val(n, "content");
    if (eq_ci(key.ptr, key.len, "og:title") && !m->og_title.ptr)
        m->og_title = content;
    else if (eq_ci(key.ptr, key.len, "og:url") && !m->og_url.ptr)
        m->og_url = content;
    for (int i = 0; date_names[i]; i++)
        if (eq_ci(key.ptr, key.len, date_names[i]))
            offer_date(m, content, i);
}

static void visit(meta_found *m, const html_node *n)
{
    if (n->kind != HTML_ELEMENT && n->kind != HTML_DOCUMENT)
        return;
    if (n->flags & HTML_F_FOREIGN)
        return;
    switch (n->tag) {
    case TAG_meta:
        visit_meta(m, n);
        return;
    case TAG_title:
        if (!m->title.ptr && n->first && n->first->kind == HTML_TEXT)
            m->title = (sito_str){n->first->text, n->first->text_len};
        return;
    case TAG_link:
        if (!m->canonical.ptr && has_token(attr_val(n, "rel"), "canonical"))
            m->canonical = attr_val(n, "href");
        return;
    case TAG_time:
        if (!m->time_date.ptr)
            m->time_date = attr_val(n, "datetime");
        break;
    default:
        break;
    }
    if (!m->date.ptr || m->date_rank > 1) {
        sito_str ip = attr_val(n, "itemprop");
        if (ip.len && eq_ci(ip.ptr, ip.len, "datepublished")) {
            sito_str v = attr_val(n, "datetime");
            offer_date(m, v.len ? v : attr_val(n, "content"), 1);
        }
    }
    for (const html_node *c = n->first; c; c = c->next)
        visit(m, c);
}

/* A copy of v with whitespace collapsed and trimmed. */
static sito_str clean(sito_arena *a, sito_str v)
{
    if (!v.ptr || !v.len)
        return (sito_str){"", 0};
    textout o = {.buf = sito_arena_alloc(a, v.len + 1), .cap = v.len};
    if (!o.buf)
        return (sito_str){"", 0};
    textout_text(&o, v.ptr, v.len);
    o.buf[o.len] = 0;
    return (sito_str){o.buf, o.len};
}

void extract_meta(const html_doc *doc, sito_arena *a, sito_str *title, sito_str *lang,
                  sito_str *canonical, sito_str *date)
{
    meta_found m = {0};
    visit(&m, doc->root);
    *title = clean(a, m.og_title.len ? m.og_title : m.title);
    *lang = clean(a, doc->html ? attr_val(doc->html, "lang") : (sito_str){0});
    if (!lang->len && doc->html)
        *lang = clean(a, attr_val(doc->html, "xml:lang"));
    *canonical = clean(a, m.canonical.len ? m.canonical : m.og_url);
    *date = clean(a, m.date.len ? m.date : m.time_date);
}
