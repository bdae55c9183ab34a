/*
 * extract.c — main-content extraction: which part of the tree is the
 * article.  The core is Readability's: paragraphs score their ancestors
 * (commas, length), scores are discounted by link density and class/id
 * hints, the best candidate plus related siblings is the article, and
 * blocks inside it that look like boilerplate are removed.  Every pass is
 * a walk over the arena tree; node->mark holds the decisions.
 */
#include "html/extract_internal.h"

#include <string.h>

typedef struct ex {
    sito_arena *a;
    html_doc *doc;
    html_node **cands;
    size_t n_cands, cap_cands;
    int strip_unlikely, weight_classes, clean_cond;
} ex;

/* ------------------------------------------------------- class/id hints */

/* Lower-case "class id" of n into buf; its length (0: none). */
static size_t class_id(const html_node *n, char *buf, size_t cap)
{
    size_t len = 0;
    for (uint32_t i = 0; i < n->n_attrs; i++) {
        const html_attr *at = &n->attrs[i];
        int is_class = at->name_len == 5 && !strncasecmp(at->name, "class", 5);
        int is_id = at->name_len == 2 && !strncasecmp(at->name, "id", 2);
        if (!is_class && !is_id)
            continue;
        if (len && len < cap)
            buf[len++] = ' ';
        for (uint32_t j = 0; j < at->value_len && len < cap; j++) {
            unsigned char c = (unsigned char)at->value[j];
            buf[len++] = (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
        }
    }
    if (len < cap)
        buf[len] = 0;
    else
        buf[cap - 1] = 0;
    return len;
}

static int has_any(const char *s, const char *const *pats)
{
    for (int i = 0; pats[i]; i++)
        if (strstr(s, pats[i]))
            return 1;
    return 0;
}

static const char *const unlikely_pats[] = {
    "-ad-", "ai2html", "banner", "breadcrumbs", "combx", "comment", "koment", "komment", "community",
    "cover-wrap", "disqus", "extra", "footer", "gdpr", "header", "legends", "menu",
    "related", "remark", "replies", "rss", "shoutbox", "sidebar", "skyscraper", "social",
    "sponsor", "supplemental", "ad-break", "agegate", "pagination", "pager", "popup",
    "yom-remote", NULL,
};
/* "koment"/"komment": the word in Slavic languages and German */
static const char *const hard_unlikely_pats[] = {
    "comment", "koment", "komment", "disqus", "replies", NULL,
};
static const char *const maybe_pats[] = {
    "and", "article", "body", "column", "content", "main", "shadow", NULL,
};
static const char *const positive_pats[] = {
    "article", "body", "content", "entry", "hentry", "h-entry", "main", "page",
    "pagination", "post", "text", "blog", "story", NULL,
};
static const char *const negative_pats[] = {
    "-ad-", "hidden", "banner", "combx", "comment", "koment", "komment", "com-", "contact", "footer", "gdpr",
    "masthead", "media", "meta", "outbrain", "promo", "related", "scroll", "share",
    "shoutbox", "sidebar", "skyscraper", "sponsor", "shopping", "tags", "widget", NULL,
};

static int class_weight(const ex *x, const html_node *n)
{
    if (!x->weight_classes || !n->n_attrs)
        return 0;
    char buf[256];
    if (!class_id(n, buf, sizeof buf))
        return 0;
    int w = 0;
    if (has_any(buf, negative_pats))
        w -= 25;
    if (has_any(buf, positive_pats))
        w += 25;
    return w;
}

/* ------------------------------------------------------------- dropping */

#define T(t) [TAG_##t] = 1
static const unsigned char never_content[TAG_COUNT] = {
    T(script), T(style), T(noscript), T(template), T(svg), T(math), T(iframe), T(object),
    T(embed), T(head), T(title), T(button), T(select), T(textarea), T(input), T(canvas),
    T(audio), T(video), T(map), T(noframes), T(noembed), T(link), T(meta), T(nav),
    T(aside), T(footer), T(datalist), T(dialog), T(frameset), T(frame), T(applet),
    T(param), T(source), T(track), T(picture), T(img), T(area), T(base), T(figcaption),
};
#undef T

static int attr_is(const html_node *n, const char *name, const char *val)
{
    const html_attr *a = html_attr_find(n, name);
    return a && a->value_len == strlen(val) && !strncasecmp(a->value, val, a->value_len);
}

static int style_hidden(const html_node *n)
{
    const html_attr *a = html_attr_find(n, "style");
    if (!a || a->value_len < 12)
        return 0;
    char buf[256];
    size_t k = 0;
    for (uint32_t i = 0; i < a->value_len && k + 1 < sizeof buf; i++)
        if (a->value[i] != ' ')
            buf[k++] = (char)(a->value[i] | 0x20);
    buf[k] = 0;
    return strstr(buf, "display:none") || strstr(buf, "visibility:hidden");
}

static const char *const unlikely_roles[] = {
    "menu", "menubar", "complementary", "navigation", "alert", "alertdialog", "dialog", NULL,
};

static int is_unlikely(const ex *x, const html_node *n)
{
    if (!n->n_attrs)
        return 0;
    const html_attr *role = html_attr_find(n, "role");
    if (role)
        for (int i = 0; unlikely_roles[i]; i++)
            if (role->value_len == strlen(unlikely_roles[i]) &&
                !strncasecmp(role->value, unlikely_roles[i], role->value_len))
                return 1;
    if (n->tag == TAG_body || n->tag == TAG_a || n->tag == TAG_html)
        return 0;
    char buf[256];
    if (!class_id(n, buf, sizeof buf))
        return 0;
    /* comment sections stay out even when the retries relax the rules */
    if (!x->strip_unlikely && !has_any(buf, hard_unlikely_pats))
        return 0;
    return has_any(buf, x->strip_unlikely ? unlikely_pats : hard_unlikely_pats) &&
           !has_any(buf, maybe_pats);
}

/* Marks what is never content; clears every other mark. */
static void mark_drops(const ex *x, html_node *n, int in_table)
{
    n->mark = 0;
    n->score = 0;
    if (n->kind != HTML_ELEMENT) {
        for (html_node *c = n->first; c; c = c->next)
            mark_drops(x, c, in_table);
        return;
    }
    if ((n->tag < TAG_COUNT && never_content[n->tag]) || (n->flags & HTML_F_FOREIGN) ||
        html_attr_find(n, "hidden") || attr_is(n, "aria-hidden", "true") || style_hidden(n) ||
        (!in_table && is_unlikely(x, n))) {
        n->mark = M_DROP;
        return;
    }
    int t = in_table || n->tag == TAG_table || n->tag == TAG_code;
    for (html_node *c = n->first; c; c = c->next)
        mark_drops(x, c, t);
}

/* ---------------------------------------------------------------- stats */

/* code points of text, not counting whitespace runs beyond one */
static uint32_t text_chars(const char *s, size_t n, uint32_t *commas)
{
    uint32_t chars = 0;
    int space = 1;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= ' ') {
            if (!space)
                chars++;
            space = 1;
            continue;
        }
        space = 0;
        if ((c & 0xC0) != 0x80)
            chars++;
        if (c == ',')
            (*commas)++;
        else if (c == 0xEF && i + 2 < n && (unsigned char)s[i + 1] == 0xBC &&
                 (unsigned char)s[i + 2] == 0x8C)
            (*commas)++;        /* U+FF0C fullwidth comma */
        else if (c == 0xE3 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
                 ((unsigned char)s[i + 2] == 0x81 || (unsigned char)s[i + 2] == 0x82))
            (*commas)++;        /* U+3001, U+3002 ideographic comma, full stop */
    }
    return chars;
}

static void compute_stats(html_node *n, int in_link)
{
    n->chars = n->link_chars = n->n_p = n->n_commas = 0;
    if (n->mark & M_DROP)
        return;
    if (n->kind == HTML_TEXT) {
        n->chars = text_chars(n->text, n->text_len, &n->n_commas);
        n->link_chars = in_link ? n->chars : 0;
        return;
    }
    /* an <a> without href is an anchor (<a name>), not a link: unclosed,
     * it can wrap the whole page */
    int link = in_link || (n->tag == TAG_a && html_attr_find(n, "href"));
    for (html_node *c = n->first; c; c = c->next) {
        compute_stats(c, link);
        n->chars += c->chars;
        n->link_chars += c->link_chars;
        n->n_p += c->n_p;
        n->n_commas += c->n_commas;
    }
    if (n->tag == TAG_p)
        n->n_p++;
}

static float link_density(const html_node *n)
{
    return n->chars ? (float)n->link_chars / (float)n->chars : 0.0f;
}

/* ------------------------------------------------------------- scoring */

static int has_block_child(const html_node *n)
{
    for (const html_node *c = n->first; c; c = c->next) {
        if (c->kind != HTML_ELEMENT || (c->mark & M_DROP))
            continue;
        if (html_is_block(c->tag) && c->tag != TAG_br)
            return 1;
        if (c->tag != TAG_a && has_block_child(c))
            return 1;
    }
    return 0;
}

static void init_candidate(ex *x, html_node *n)
{
    if (n->mark & M_CAND)
        return;
    n->mark |= M_CAND;
    float s = 0;
    switch (n->tag) {
    case TAG_div: s = 5; break;
    case TAG_pre: case TAG_td: case TAG_blockquote: s = 3; break;
    case TAG_address: case TAG_ol: case TAG_ul: case TAG_dl: case TAG_dd: case TAG_dt:
    case TAG_li: case TAG_form: s = -3; break;
    case TAG_h1: case TAG_h2: case TAG_h3: case TAG_h4: case TAG_h5: case TAG_h6:
    case TAG_th: s = -5; break;
    default: break;
    }
    n->score = s + (float)class_weight(x, n);
    if (x->n_cands < x->cap_cands)
        x->cands[x->n_cands++] = n;
}

/* A paragraph of chars characters and commas commas under the element
 * 'first' (its parent for a real paragraph) adds to five ancestors. */
static void score_paragraph(ex *x, html_node *first, uint32_t chars, uint32_t commas)
{
    if (chars < 25)
        return;
    float content = 1.0f + (float)commas + (float)(chars / 100 > 3 ? 3 : chars / 100);
    int level = 0;
    for (html_node *a = first; a && a->kind == HTML_ELEMENT && level < 5; a = a->parent, level++) {
        init_candidate(x, a);
        float div = level == 0 ? 1.0f : level == 1 ? 2.0f : (float)level * 3.0f;
        a->score += content / div;
    }
}

/* Direct inline content of a div with block children (Readability wraps
 * it into a <p>). */
static void inline_text(const html_node *n, uint32_t *chars, uint32_t *commas)
{
    for (const html_node *c = n->first; c; c = c->next) {
        if (c->mark & M_DROP)
            continue;
        if (c->kind == HTML_TEXT || (c->kind == HTML_ELEMENT && !html_is_block(c->tag) &&
                                     !has_block_child(c))) {
            *chars += c->chars;
            *commas += c->n_commas;
        }
    }
}

static void score_tree(ex *x, html_node *n)
{
    if (n->kind != HTML_ELEMENT && n->kind != HTML_DOCUMENT)
        return;
    if (n->mark & M_DROP)
        return;
    switch (n->tag) {
    case TAG_p: case TAG_pre: case TAG_td: case TAG_section:
    case TAG_h2: case TAG_h3: case TAG_h4: case TAG_h5: case TAG_h6:
        if (n->tag != TAG_section || !has_block_child(n)) {
            score_paragraph(x, n->parent, n->chars, n->n_commas);
            if (n->tag != TAG_td && n->tag != TAG_section)
                return;
        }
        break;
    case TAG_div:
        if (!has_block_child(n)) {
            n->mark |= M_INLINE_P;
            score_paragraph(x, n->parent, n->chars, n->n_commas);
            return;
        } else {
            uint32_t chars = 0, commas = 0;
            inline_text(n, &chars, &commas);
            score_paragraph(x, n, chars, commas);
        }
        break;
    default:
        break;
    }
    for (html_node *c = n->first; c; c = c->next)
        score_tree(x, c);
}

/* ----------------------------------------------------- choosing the top */

static int is_ancestor(const html_node *a, const html_node *n)
{
    for (; n; n = n->parent)
        if (n == a)
            return 1;
    return 0;
}

static html_node *pick_top(ex *x)
{
    html_node *top[5] = {0};
    for (size_t i = 0; i < x->n_cands; i++) {
        html_node *c = x->cands[i];
        c->score *= 1.0f - link_density(c);
        for (int k = 0; k < 5; k++) {
            if (!top[k] || c->score > top[k]->score) {
                memmove(&top[k + 1], &top[k], (size_t)(4 - k) * sizeof top[0]);
                top[k] = c;
                break;
            }
        }
    }
    html_node *best = top[0];
    html_node *body = x->doc->body;
    if (!best || best == body || best->tag == TAG_html)
        return NULL;
    /* several near-best candidates under one ancestor: take the ancestor */
    html_node *alts[5];
    int n_alts = 0;
    for (int k = 1; k < 5; k++)
        if (top[k] && top[k]->score / best->score >= 0.75f)
            alts[n_alts++] = top[k];
    if (n_alts >= 3) {
        for (html_node *p = best->parent; p && p != body && p->kind == HTML_ELEMENT; p = p->parent) {
            int lists = 0;
            for (int k = 0; k < n_alts; k++)
                lists += is_ancestor(p, alts[k]);
            if (lists >= 3) {
                best = p;
                break;
            }
        }
    }
    init_candidate(x, best);
    /* climb while the parent scores well */
    float last = best->score, threshold = last / 3;
    for (html_node *p = best->parent; p && p != body && p->kind == HTML_ELEMENT; p = p->parent) {
        if (!(p->mark & M_CAND))
            continue;
        if (p->score < threshold)
            break;
        if (p->score > last) {
            best = p;
            break;
        }
        last = p->score;
    }
    /* an only child stands for its parent */
    while (best->parent && best->parent != body && best->parent->kind == HTML_ELEMENT) {
        html_node *p = best->parent;
        int kids = 0;
        for (html_node *c = p->first; c; c = c->next)
            kids += c->kind == HTML_ELEMENT && !(c->mark & M_DROP);
        if (kids != 1)
            break;
        best = p;
    }
    return best;
}

static int ends_sentence(const html_node *n)
{
    const html_node *t = n;
    while (t && t->kind != HTML_TEXT)
        t = t->last;
    if (!t || !t->text_len)
        return 0;
    size_t i = t->text_len;
    while (i > 0 && (unsigned char)t->text[i - 1] <= ' ')
        i--;
    return i > 0 && t->text[i - 1] == '.';
}

static int same_class(const html_node *a, const html_node *b)
{
    const html_attr *ca = html_attr_find(a, "class"), *cb = html_attr_find(b, "class");
    return ca && cb && ca->value_len && ca->value_len == cb->value_len &&
           !memcmp(ca->value, cb->value, ca->value_len);
}

/* Marks best and its qualifying siblings M_KEEP. */
static void mark_article(html_node *best)
{
    html_node *parent = best->parent;
    if (!parent || parent->kind != HTML_ELEMENT) {
        best->mark |= M_KEEP;
        return;
    }
    float threshold = best->score * 0.2f > 10 ? best->score * 0.2f : 10;
    for (html_node *s = parent->first; s; s = s->next) {
        if (s == best) {
            s->mark |= M_KEEP;
            continue;
        }
        if (s->kind != HTML_ELEMENT || (s->mark & M_DROP))
            continue;
        float bonus = same_class(s, best) ? best->score * 0.2f : 0;
        int keep = 0;
        if ((s->mark & M_CAND) && s->score + bonus >= threshold)
            keep = 1;
        else if (s->tag == TAG_p || (s->mark & M_INLINE_P)) {
            float ld = link_density(s);
            if (s->chars > 80 && ld < 0.25f)
                keep = 1;
            else if (s->chars < 80 && s->chars > 0 && ld == 0 && ends_sentence(s))
                keep = 1;
        }
        if (keep)
            s->mark |= M_KEEP;
    }
}

/* ------------------------------------------------- cleaning the article */

typedef struct counts {
    uint32_t p, img, li, input, embed, headings_chars;
} counts;

static void count_tags(const html_node *n, counts *c)
{
    for (const html_node *k = n->first; k; k = k->next) {
        if (k->kind != HTML_ELEMENT)
            continue;
        switch (k->tag) {
        case TAG_p: c->p++; break;
        case TAG_img: c->img++; break;
        case TAG_li: c->li++; break;
        case TAG_input: case TAG_select: case TAG_textarea: c->input++; break;
        case TAG_embed: case TAG_object: case TAG_iframe: c->embed++; break;
        case TAG_h1: case TAG_h2: case TAG_h3: case TAG_h4: case TAG_h5: case TAG_h6:
            c->headings_chars += k->chars;
            break;
        default: break;
        }
        count_tags(k, c);
    }
}

static int is_data_table(const html_node *t)
{
    const html_attr *role = html_attr_find(t, "role");
    if (role && role->value_len == 12 && !strncasecmp(role->value, "presentation", 12))
        return 0;
    int rows = 0;
    for (const html_node *c = t->first; c; c = c->next) {
        if (c->tag == TAG_caption || c->tag == TAG_thead || c->tag == TAG_tfoot || c->tag == TAG_colgroup)
            return 1;
        if (c->tag == TAG_tbody || c->tag == TAG_tr)
            for (const html_node *r = c->tag == TAG_tr ? c : c->first; r; r = r->next) {
                if (r->tag == TAG_tr) {
                    rows++;
                    for (const html_node *d = r->first; d; d = d->next)
                        if (d->tag == TAG_th)
                            return 1;
                }
                if (c->tag == TAG_tr)
                    break;
            }
    }
    return rows >= 10;
}

static int should_remove(ex *x, html_node *n)
{
    if (n->tag == TAG_table && is_data_table(n))
        return 0;
    int weight = class_weight(x, n);
    if (weight < 0)
        return 1;
    if (n->n_commas >= 10)
        return 0;
    counts c = {0};
    count_tags(n, &c);
    int is_list = n->tag == TAG_ul || n->tag == TAG_ol;
    float ld = link_density(n);
    uint32_t len = n->chars;
    float heading_density = len ? (float)c.headings_chars / (float)len : 0;
    int li = (int)c.li - 100;
    if (c.img > 1 && (float)c.p / (float)c.img < 0.5f)
        return 1;
    if (!is_list && li > (int)c.p)
        return 1;
    if (c.input > c.p / 3)
        return 1;
    if (!is_list && heading_density < 0.9f && len < 25 && (c.img == 0 || c.img > 2))
        return 1;
    if (!is_list && weight < 25 && ld > 0.2f)
        return 1;
    if (weight >= 25 && ld > 0.5f)
        return 1;
    if ((c.embed == 1 && len < 75) || c.embed > 1)
        return 1;
    return 0;
}

/* class/id words of blocks that are never article text, wherever they
 * sit (a block holding most of the article is kept regardless) */
static const char *const boiler_pats[] = {
    "comment", "koment", "komment", "share", "social", "related", "byline", "newsletter", "subscribe",
    "promo", "advert", "sponsor", "breadcrumb", "recommend", "outbrain", "taboola",
    "popular", "trending", "signup", "cookie", "toolbar", "caption", "credit", "meta",
    "footer", "author", NULL,
};

static int is_boilerplate(const html_node *n, uint32_t article_chars)
{
    if (!n->n_attrs || n->chars * 2 > article_chars)
        return 0;
    char buf[256];
    if (!class_id(n, buf, sizeof buf))
        return 0;
    return has_any(buf, boiler_pats);
}

static void subtract_stats(html_node *n)
{
    for (html_node *p = n->parent; p; p = p->parent) {
        p->chars -= n->chars;
        p->link_chars -= n->link_chars;
        p->n_p -= n->n_p;
        p->n_commas -= n->n_commas;
    }
}

#ifndef LINK_BLOCK_MAX
#define LINK_BLOCK_MAX 0.8f /* a paragraph or item mostly of links is navigation */
#endif

/* Removes boilerplate blocks inside the article, innermost first. */
static void clean_article(ex *x, html_node *n, uint32_t article_chars)
{
    if (n->kind == HTML_ELEMENT && is_boilerplate(n, article_chars)) {
        n->mark |= M_DROP;
        subtract_stats(n);
        return;
    }
    for (html_node *c = n->first; c; c = c->next)
        if (c->kind == HTML_ELEMENT && !(c->mark & M_DROP))
            clean_article(x, c, article_chars);
    if (n->kind != HTML_ELEMENT)
        return;
    int t = n->tag;
    if ((t >= TAG_h1 && t <= TAG_h2) && class_weight(x, n) < 0) {
        n->mark |= M_DROP;
        return;
    }
    if (!x->clean_cond)
        return;
    if ((t == TAG_p || t == TAG_li || t == TAG_dd || t == TAG_dt || (n->mark & M_INLINE_P) ||
         (t >= TAG_h2 && t <= TAG_h6)) && n->chars && link_density(n) > LINK_BLOCK_MAX) {
        n->mark |= M_DROP;
        subtract_stats(n);
        return;
    }
    if (t == TAG_form || t == TAG_fieldset || t == TAG_table || t == TAG_ul || t == TAG_div ||
        t == TAG_ol) {
        if (should_remove(x, n)) {
            n->mark |= M_DROP;
            subtract_stats(n);
        }
    }
}

/* -------------------------------------------------------------- driver */

/* One run of the algorithm; returns the chosen article's parent (its
 * M_KEEP children are the article), or NULL. */
static html_node *run_once(ex *x)
{
    html_node *root = x->doc->root;
    mark_drops(x, root, 0);
    compute_stats(root, 0);
    x->n_cands = 0;
    score_tree(x, root);
    html_node *best = pick_top(x);
    if (!best)
        return NULL;
    mark_article(best);
    html_node *parent = best->parent;
    uint32_t chars = 0;
    for (html_node *s = parent->first; s; s = s->next)
        if (s->mark & M_KEEP)
            chars += s->chars;
    for (html_node *s = parent->first; s; s = s->next)
        if (s->mark & M_KEEP)
            clean_article(x, s, chars);
    return parent;
}

static size_t kept_chars(const html_node *parent)
{
    size_t n = 0;
    for (const html_node *s = parent->first; s; s = s->next)
        if ((s->mark & M_KEEP) && !(s->mark & M_DROP))
            n += s->chars;
    return n;
}

/* No article found: the page's text without link-heavy blocks. */
static void print_fallback(textout *o, const html_node *n)
{
    if (n->mark & M_DROP)
        return;
    if (n->kind == HTML_TEXT) {
        textout_text(o, n->text, n->text_len);
        return;
    }
    int block = html_is_block(n->tag);
    if (block && n->chars > 0 && link_density(n) > 0.5f)
        return;
    if (block)
        textout_newline(o);
    for (const html_node *c = n->first; c; c = c->next)
        print_fallback(o, c);
    if (block)
        textout_newline(o);
}

static void set_flags(ex *x, int attempt)
{
    x->strip_unlikely = attempt < 1;
    x->weight_classes = attempt < 2;
    x->clean_cond = attempt < 3;
}

int extract_main(html_doc *doc, sito_arena *a, textout *o)
{
    ex x = {.a = a, .doc = doc};
    x.cap_cands = doc->n_nodes;
    x.cands = sito_arena_alloc(a, (x.cap_cands + 1) * sizeof *x.cands);
    if (!x.cands)
        return SITO_ERR_NOMEM;
    /* Readability's retries: relax one rule at a time while the article
     * is short, keep the longest. */
    html_node *parent = NULL;
    int best = -1, last = -1;
    size_t best_len = 0;
    for (int i = 0; i < 4; i++) {
        set_flags(&x, i);
        parent = run_once(&x);
        last = i;
        size_t len = parent ? kept_chars(parent) : 0;
        if (len > best_len || best < 0) {
            best_len = len;
            best = i;
        }
        if (len >= 500)
            break;
    }
    if (best != last) {
        set_flags(&x, best);
        parent = run_once(&x);
    }
    if (parent && best_len > 0) {
        for (const html_node *s = parent->first; s; s = s->next)
            if (s->mark & M_KEEP)
                textout_node(o, s);
        return SITO_OK;
    }
    set_flags(&x, 0);
    mark_drops(&x, doc->root, 0);
    compute_stats(doc->root, 0);
    print_fallback(o, doc->body ? doc->body : doc->root);
    return SITO_OK;
}
