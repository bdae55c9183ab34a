/*
 * parse.c — the HTML tokenizer and tree builder (see html.h).  One pass:
 * text runs are found with memchr, tags are tokenized in place, and the
 * tree builder applies the HTML5 rules that move or close elements (p, li,
 * dd/dt, table cells, headings, formatting end tags, foster parenting).
 * The stack of open elements is capped at HTML_MAX_DEPTH: deeper elements
 * are appended to the deepest open node but not pushed, so every walk of
 * the stack or the tree is bounded.
 */
#include "html/entities.h"
#include "html/html.h"

#include <string.h>

/* ------------------------------------------------------------------ tags */

static const char *const tag_names[TAG_COUNT] = {
    "",
#define HTML_TAG_NAME(t) #t,
    HTML_TAGS(HTML_TAG_NAME)
#undef HTML_TAG_NAME
};

static unsigned char lower(unsigned char c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }

int html_tag_lookup(const char *name, size_t len)
{
    char buf[16];
    if (len == 0 || len >= sizeof buf)
        return TAG_UNKNOWN;
    for (size_t i = 0; i < len; i++)
        buf[i] = (char)lower((unsigned char)name[i]);
    buf[len] = 0;
    int lo = 1, hi = TAG_COUNT - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        int c = strcmp(tag_names[mid], buf);
        if (c == 0)
            return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return TAG_UNKNOWN;
}

const char *html_tag_name(int tag) { return (tag > 0 && tag < TAG_COUNT) ? tag_names[tag] : ""; }

/* Tag classes as bit sets over the tag enum (TAG_COUNT < 192). */
typedef struct tagset { uint64_t w[3]; } tagset;
static int in_set(const tagset *s, int t) { return (s->w[t >> 6] >> (t & 63)) & 1; }
/* W(n, t): tag t's bit if it falls in word n of a set, else 0. */
#define TS1(t) ((uint64_t)1 << (TAG_##t & 63))
#define W(n, t) ((TAG_##t >> 6) == (n) ? TS1(t) : 0)

#define VOID_TAGS(X, n) X(n, area) | X(n, base) | X(n, basefont) | X(n, bgsound) | X(n, br) | \
    X(n, col) | X(n, embed) | X(n, frame) | X(n, hr) | X(n, image) | X(n, img) | X(n, input) | \
    X(n, keygen) | X(n, link) | X(n, meta) | X(n, param) | X(n, source) | X(n, track) | X(n, wbr)
static const tagset void_tags = {{VOID_TAGS(W, 0), VOID_TAGS(W, 1), VOID_TAGS(W, 2)}};

/* start tags that close an open <p> */
#define P_CLOSERS(X, n) X(n, address) | X(n, article) | X(n, aside) | X(n, blockquote) | \
    X(n, center) | X(n, details) | X(n, dialog) | X(n, dir) | X(n, div) | X(n, dl) | \
    X(n, fieldset) | X(n, figcaption) | X(n, figure) | X(n, footer) | X(n, form) | X(n, h1) | \
    X(n, h2) | X(n, h3) | X(n, h4) | X(n, h5) | X(n, h6) | X(n, header) | X(n, hgroup) | \
    X(n, hr) | X(n, main) | X(n, menu) | X(n, nav) | X(n, ol) | X(n, p) | X(n, pre) | \
    X(n, section) | X(n, summary) | X(n, table) | X(n, ul) | X(n, listing) | X(n, xmp) | \
    X(n, plaintext) | X(n, dd) | X(n, dt) | X(n, li)
static const tagset p_closers = {{P_CLOSERS(W, 0), P_CLOSERS(W, 1), P_CLOSERS(W, 2)}};

/* the spec's "special" category: end tags do not cross them */
#define SPECIAL(X, n) X(n, address) | X(n, applet) | X(n, area) | X(n, article) | X(n, aside) | \
    X(n, base) | X(n, basefont) | X(n, bgsound) | X(n, blockquote) | X(n, body) | X(n, br) | \
    X(n, button) | X(n, caption) | X(n, center) | X(n, col) | X(n, colgroup) | X(n, dd) | \
    X(n, details) | X(n, dir) | X(n, div) | X(n, dl) | X(n, dt) | X(n, embed) | \
    X(n, fieldset) | X(n, figcaption) | X(n, figure) | X(n, footer) | X(n, form) | \
    X(n, frame) | X(n, frameset) | X(n, h1) | X(n, h2) | X(n, h3) | X(n, h4) | X(n, h5) | \
    X(n, h6) | X(n, head) | X(n, header) | X(n, hgroup) | X(n, hr) | X(n, html) | \
    X(n, iframe) | X(n, img) | X(n, input) | X(n, keygen) | X(n, li) | X(n, link) | \
    X(n, listing) | X(n, main) | X(n, marquee) | X(n, menu) | X(n, meta) | X(n, nav) | \
    X(n, noembed) | X(n, noframes) | X(n, noscript) | X(n, object) | X(n, ol) | X(n, p) | \
    X(n, param) | X(n, plaintext) | X(n, pre) | X(n, script) | X(n, section) | X(n, select) | \
    X(n, source) | X(n, style) | X(n, summary) | X(n, table) | X(n, tbody) | X(n, td) | \
    X(n, template) | X(n, textarea) | X(n, tfoot) | X(n, th) | X(n, thead) | X(n, title) | \
    X(n, tr) | X(n, track) | X(n, ul) | X(n, wbr) | X(n, xmp)
static const tagset special = {{SPECIAL(W, 0), SPECIAL(W, 1), SPECIAL(W, 2)}};

/* formatting elements: their end tags use (simplified) adoption */
#define FORMATTING(X, n) X(n, a) | X(n, b) | X(n, big) | X(n, code) | X(n, em) | X(n, font) | \
    X(n, i) | X(n, nobr) | X(n, s) | X(n, small) | X(n, strike) | X(n, strong) | X(n, tt) | \
    X(n, u)
static const tagset formatting = {{FORMATTING(W, 0), FORMATTING(W, 1), FORMATTING(W, 2)}};

/* scope boundaries (the "button scope" of the spec) */
#define SCOPE(X, n) X(n, applet) | X(n, caption) | X(n, html) | X(n, table) | X(n, td) | \
    X(n, th) | X(n, marquee) | X(n, object) | X(n, template) | X(n, button) | X(n, svg) | \
    X(n, math)
static const tagset scope = {{SCOPE(W, 0), SCOPE(W, 1), SCOPE(W, 2)}};

/* tags allowed in <head> */
#define HEAD_TAGS(X, n) X(n, base) | X(n, basefont) | X(n, bgsound) | X(n, link) | X(n, meta) | \
    X(n, noframes) | X(n, noscript) | X(n, script) | X(n, style) | X(n, template) | X(n, title)
static const tagset head_tags = {{HEAD_TAGS(W, 0), HEAD_TAGS(W, 1), HEAD_TAGS(W, 2)}};

/* table-structure nodes where stray content is foster-parented */
#define TABLE_CTX(X, n) X(n, table) | X(n, tbody) | X(n, thead) | X(n, tfoot) | X(n, tr)
static const tagset table_ctx = {{TABLE_CTX(W, 0), TABLE_CTX(W, 1), TABLE_CTX(W, 2)}};

/* what may sit in table context without foster parenting */
#define TABLE_OK(X, n) X(n, caption) | X(n, colgroup) | X(n, col) | X(n, tbody) | X(n, thead) | \
    X(n, tfoot) | X(n, tr) | X(n, td) | X(n, th) | X(n, script) | X(n, style) | \
    X(n, template) | X(n, form) | X(n, input) | X(n, table)
static const tagset table_ok = {{TABLE_OK(W, 0), TABLE_OK(W, 1), TABLE_OK(W, 2)}};

/* HTML tags that break out of svg/math content */
#define BREAKOUT(X, n) X(n, b) | X(n, big) | X(n, blockquote) | X(n, body) | X(n, br) | \
    X(n, center) | X(n, code) | X(n, dd) | X(n, div) | X(n, dl) | X(n, dt) | X(n, em) | \
    X(n, embed) | X(n, h1) | X(n, h2) | X(n, h3) | X(n, h4) | X(n, h5) | X(n, h6) | \
    X(n, head) | X(n, hr) | X(n, i) | X(n, img) | X(n, li) | X(n, listing) | X(n, menu) | \
    X(n, meta) | X(n, nobr) | X(n, ol) | X(n, p) | X(n, pre) | X(n, ruby) | X(n, s) | \
    X(n, small) | X(n, span) | X(n, strong) | X(n, strike) | X(n, sub) | X(n, sup) | \
    X(n, table) | X(n, tt) | X(n, u) | X(n, ul) | X(n, var)
static const tagset breakout = {{BREAKOUT(W, 0), BREAKOUT(W, 1), BREAKOUT(W, 2)}};

_Static_assert(TAG_COUNT <= 192, "tag sets hold 192 tags");

/* ---------------------------------------------------------------- parser */

typedef struct parser {
    sito_arena *a;
    const char *s, *end;
    html_doc *doc;
    html_node *stack[HTML_MAX_DEPTH];
    int sp;                 /* stack[0] is the document; sp = top index */
    size_t n_attrs;
    int nomem;
    html_attr tmp_attrs[64];
} parser;

static int is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }
static int is_alpha(unsigned char c) { return (unsigned char)((c | 0x20) - 'a') < 26; }

static html_node *top(parser *p) { return p->stack[p->sp]; }

static html_node *new_node(parser *p, int kind)
{
    if (p->doc->n_nodes >= HTML_MAX_NODES) {
        p->doc->truncated = 1;
        return NULL;
    }
    html_node *n = sito_arena_alloc(p->a, sizeof *n);
    if (!n) {
        p->nomem = 1;
        return NULL;
    }
    memset(n, 0, sizeof *n);
    n->kind = (uint8_t)kind;
    p->doc->n_nodes++;
    return n;
}

static void append_child(html_node *parent, html_node *n)
{
    n->parent = parent;
    n->prev = parent->last;
    n->next = NULL;
    if (parent->last)
        parent->last->next = n;
    else
        parent->first = n;
    parent->last = n;
    n->depth = parent->depth + 1;
    if (parent->flags & HTML_F_FOREIGN)
        n->flags |= HTML_F_FOREIGN;
}

static void insert_before(html_node *ref, html_node *n)
{
    html_node *parent = ref->parent;
    n->parent = parent;
    n->next = ref;
    n->prev = ref->prev;
    if (ref->prev)
        ref->prev->next = n;
    else
        parent->first = n;
    ref->prev = n;
    n->depth = ref->depth;
}

/* The innermost open <table> when the current node is table structure and
 * n must be foster-parented before it; NULL otherwise. */
static html_node *foster_table(parser *p)
{
    if (!in_set(&table_ctx, top(p)->tag))
        return NULL;
    for (int i = p->sp; i > 0; i--)
        if (p->stack[i]->tag == TAG_table)
            return p->stack[i]->parent ? p->stack[i] : NULL;
    return NULL;
}

static void insert(parser *p, html_node *n, int fosterable)
{
    html_node *t = fosterable ? foster_table(p) : NULL;
    if (t)
        insert_before(t, n);
    else
        append_child(top(p), n);
}

/* Beyond the depth cap, elements stay leaves: the tree depth (not only the
 * stack) is bounded, since simplified adoption can leave the tree deeper
 * than the stack. */
static void push(parser *p, html_node *n)
{
    if (p->sp + 1 < HTML_MAX_DEPTH && n->depth < HTML_MAX_DEPTH)
        p->stack[++p->sp] = n;
}

static void pop(parser *p)
{
    if (p->sp > 0)
        p->sp--;
}

/* Stack index of the nearest open tag before a scope boundary, or -1. */
static int in_scope(parser *p, int tag)
{
    for (int i = p->sp; i > 0; i--) {
        int t = p->stack[i]->tag;
        if (t == tag)
            return i;
        if (in_set(&scope, t))
            return -1;
    }
    return -1;
}

/* Like in_scope, for table parts: only html, table and template bound. */
static int in_table_scope(parser *p, int tag)
{
    for (int i = p->sp; i > 0; i--) {
        int t = p->stack[i]->tag;
        if (t == tag)
            return i;
        if (t == TAG_html || t == TAG_table || t == TAG_template)
            return -1;
    }
    return -1;
}

static void pop_to(parser *p, int index)
{
    if (index > 0)
        p->sp = index - 1;
}

static void close_p(parser *p)
{
    int i = in_scope(p, TAG_p);
    if (i > 0)
        pop_to(p, i);
}

/* li / dd,dt: close the nearest open item unless a special element other
 * than address, div, p is in the way. */
static void close_list_item(parser *p, int tag_a, int tag_b)
{
    for (int i = p->sp; i > 0; i--) {
        int t = p->stack[i]->tag;
        if (t == tag_a || t == tag_b) {
            pop_to(p, i);
            return;
        }
        if (in_set(&special, t) && t != TAG_address && t != TAG_div && t != TAG_p)
            return;
    }
}

static int stack_has(parser *p, int tag, int stop_at_table)
{
    for (int i = p->sp; i > 0; i--) {
        int t = p->stack[i]->tag;
        if (t == tag)
            return i;
        if (stop_at_table && (t == TAG_table || t == TAG_html))
            return -1;
    }
    return -1;
}

/* ------------------------------------------------------------ text nodes */

static void add_text(parser *p, const char *s, size_t n, int decode)
{
    if (n == 0)
        return;
    int blank = 1;
    for (size_t i = 0; i < n && blank; i++)
        blank = is_space((unsigned char)s[i]);
    html_node *cur = top(p);
    if (blank && in_set(&table_ctx, cur->tag))
        return;
    html_node *t = new_node(p, HTML_TEXT);
    if (!t)
        return;
    if (decode && memchr(s, '&', n)) {
        char *o = sito_arena_alloc(p->a, html_decoded_cap(n));
        if (!o) {
            p->nomem = 1;
            return;
        }
        n = html_decode_refs(s, n, o, 0);
        s = o;
    }
    t->text = s;
    t->text_len = (uint32_t)(n > UINT32_MAX ? UINT32_MAX : n);
    if (blank)
        t->flags |= HTML_F_BLANK;
    insert(p, t, !blank);
}

/* ----------------------------------------------------------- tokenizer */

typedef struct tag_token {
    const char *name;
    size_t name_len;
    int tag, end, self_closing;
    html_attr *attrs;
    uint32_t n_attrs;
} tag_token;

/* Tokenizes the tag at *pos ('<' or '</' then a letter).  Returns 0 when
 * the input ends inside the tag (the token is dropped, as in HTML5). */
static int read_tag(parser *p, const char **pos, tag_token *tk)
{
    const char *s = *pos, *e = p->end;
    s += tk->end ? 2 : 1;
    tk->name = s;
    while (s < e && !is_space((unsigned char)*s) && *s != '/' && *s != '>')
        s++;
    tk->name_len = (size_t)(s - tk->name);
    tk->tag = html_tag_lookup(tk->name, tk->name_len);
    tk->self_closing = 0;
    tk->n_attrs = 0;
    for (;;) {
        while (s < e && (is_space((unsigned char)*s) || *s == '/')) {
            if (*s == '/' && s + 1 < e && s[1] == '>')
                tk->self_closing = 1;
            s++;
        }
        if (s >= e)
            return 0;
        if (*s == '>') {
            *pos = s + 1;
            return 1;
        }
        const char *an = s++;
        while (s < e && !is_space((unsigned char)*s) && *s != '/' && *s != '>' && *s != '=')
            s++;
        size_t an_len = (size_t)(s - an);
        while (s < e && is_space((unsigned char)*s))
            s++;
        const char *av = s;
        size_t av_len = 0;
        if (s < e && *s == '=') {
            s++;
            while (s < e && is_space((unsigned char)*s))
                s++;
            if (s >= e)
                return 0;
            if (*s == '"' || *s == '\'') {
                const char *q = memchr(s + 1, *s, (size_t)(e - s - 1));
                if (!q)
                    return 0;
                av = s + 1;
                av_len = (size_t)(q - av);
                s = q + 1;
            } else {
                av = s;
                while (s < e && !is_space((unsigned char)*s) && *s != '>')
                    s++;
                av_len = (size_t)(s - av);
            }
        }
        if (tk->end || tk->n_attrs >= sizeof p->tmp_attrs / sizeof p->tmp_attrs[0])
            continue;
        html_attr *at = &p->tmp_attrs[tk->n_attrs++];
        at->name = an;
        at->name_len = (uint32_t)(an_len > UINT32_MAX ? UINT32_MAX : an_len);
        at->value = av;
        at->value_len = (uint32_t)(av_len > UINT32_MAX ? UINT32_MAX : av_len);
    }
}

/* Copies the token's attributes into the arena (decoding references). */
static void attach_attrs(parser *p, html_node *n, tag_token *tk)
{
    if (!tk->n_attrs)
        return;
    if (p->n_attrs + tk->n_attrs > HTML_MAX_ATTRS) {
        p->doc->truncated = 1;
        return;
    }
    html_attr *at = sito_arena_alloc(p->a, tk->n_attrs * sizeof *at);
    if (!at) {
        p->nomem = 1;
        return;
    }
    for (uint32_t i = 0; i < tk->n_attrs; i++) {
        at[i] = p->tmp_attrs[i];
        if (at[i].value_len && memchr(at[i].value, '&', at[i].value_len)) {
            char *o = sito_arena_alloc(p->a, html_decoded_cap(at[i].value_len));
            if (!o) {
                p->nomem = 1;
                return;
            }
            at[i].value_len = (uint32_t)html_decode_refs(at[i].value, at[i].value_len, o, 1);
            at[i].value = o;
        }
    }
    p->n_attrs += tk->n_attrs;
    n->attrs = at;
    n->n_attrs = tk->n_attrs;
}

static int name_eq(const char *a, size_t an, const char *b, size_t bn)
{
    if (an != bn)
        return 0;
    for (size_t i = 0; i < an; i++)
        if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
            return 0;
    return 1;
}

/* Position of "</name" closing a raw-text element, or end of input. */
static const char *find_end_tag(parser *p, const char *s, const char *name, size_t len)
{
    const char *e = p->end;
    while (s < e) {
        const char *lt = memchr(s, '<', (size_t)(e - s));
        if (!lt)
            return e;
        if (lt + 2 + len <= e && lt[1] == '/' && name_eq(lt + 2, len, name, len)) {
            const char *after = lt + 2 + len;
            if (after == e || is_space((unsigned char)*after) || *after == '/' || *after == '>')
                return lt;
        }
        s = lt + 1;
    }
    return e;
}

/* After a raw-text or RCDATA start tag: its content as one text node,
 * always a child of el (even when el could not be pushed). */
static void read_raw_text(parser *p, const char **pos, html_node *el, int decode)
{
    const char *name = tag_names[el->tag];
    size_t len = strlen(name);
    const char *s = *pos;
    const char *end = el->tag == TAG_plaintext ? p->end : find_end_tag(p, s, name, len);
    *pos = end;
    size_t n = (size_t)(end - s);
    if (n == 0)
        return;
    html_node *t = new_node(p, HTML_TEXT);
    if (!t)
        return;
    if (decode && memchr(s, '&', n)) {
        char *o = sito_arena_alloc(p->a, html_decoded_cap(n));
        if (!o) {
            p->nomem = 1;
            return;
        }
        n = html_decode_refs(s, n, o, 0);
        s = o;
    }
    t->text = s;
    t->text_len = (uint32_t)(n > UINT32_MAX ? UINT32_MAX : n);
    append_child(el, t);
}

/* ------------------------------------------------------- tree building */

static html_node *make_element(parser *p, tag_token *tk)
{
    html_node *n = new_node(p, HTML_ELEMENT);
    if (!n)
        return NULL;
    n->tag = (uint16_t)tk->tag;
    n->text = tk->name;
    n->text_len = (uint32_t)(tk->name_len > UINT32_MAX ? UINT32_MAX : tk->name_len);
    attach_attrs(p, n, tk);
    return n;
}

static html_node *ensure_html(parser *p)
{
    if (p->doc->html)
        return p->doc->html;
    tag_token tk = {.name = "html", .name_len = 4, .tag = TAG_html};
    html_node *n = make_element(p, &tk);
    if (!n)
        return NULL;
    append_child(p->doc->root, n);
    p->doc->html = n;
    p->sp = 0;
    push(p, n);
    return n;
}

/* Leaves <head> (if open) and opens <body> (if none yet). */
static void ensure_body(parser *p)
{
    if (p->doc->body || !ensure_html(p))
        return;
    int h = stack_has(p, TAG_head, 0);
    if (h > 0)
        pop_to(p, h);
    tag_token tk = {.name = "body", .name_len = 4, .tag = TAG_body};
    html_node *n = make_element(p, &tk);
    if (!n)
        return;
    append_child(p->doc->html, n);
    p->doc->body = n;
    p->sp = 1;
    push(p, n);
}

/* Merges attributes of a repeated <html>/<body> into the existing node
 * (only when the node has none: enough for lang). */
static void merge_attrs(parser *p, html_node *n, tag_token *tk)
{
    if (n && !n->n_attrs)
        attach_attrs(p, n, tk);
}

/* Closes table sections / rows / cells up to the table structure a new
 * table-part start tag needs. */
static void table_part_start(parser *p, tag_token *tk)
{
    int t = tk->tag;
    int table = in_scope(p, TAG_table);
    if (table < 0 && stack_has(p, TAG_table, 0) < 0)
        return;
    if (t == TAG_td || t == TAG_th) {
        for (int i = p->sp; i > 0; i--) {
            int u = p->stack[i]->tag;
            if (u == TAG_td || u == TAG_th) {
                pop_to(p, i);
                break;
            }
            if (u == TAG_table || u == TAG_tr)
                break;
        }
    }
    int stop_tr = (t == TAG_td || t == TAG_th);
    while (p->sp > 0) {
        int u = top(p)->tag;
        if (u == TAG_table || u == TAG_html || u == TAG_template)
            break;
        if (stop_tr && u == TAG_tr)
            break;
        if (t == TAG_tr && (u == TAG_tbody || u == TAG_thead || u == TAG_tfoot))
            break;
        pop(p);
    }
    /* implied parents: td needs tr, tr needs tbody */
    if (stop_tr && top(p)->tag != TAG_tr && top(p)->tag != TAG_html) {
        if (top(p)->tag == TAG_table) {
            tag_token tb = {.name = "tbody", .name_len = 5, .tag = TAG_tbody};
            html_node *n = make_element(p, &tb);
            if (!n)
                return;
            append_child(top(p), n);
            push(p, n);
        }
        tag_token tr = {.name = "tr", .name_len = 2, .tag = TAG_tr};
        html_node *n = make_element(p, &tr);
        if (!n)
            return;
        append_child(top(p), n);
        push(p, n);
    } else if (t == TAG_tr && top(p)->tag == TAG_table) {
        tag_token tb = {.name = "tbody", .name_len = 5, .tag = TAG_tbody};
        html_node *n = make_element(p, &tb);
        if (!n)
            return;
        append_child(top(p), n);
        push(p, n);
    }
}

/* Closing rules a start tag triggers before it is inserted.  Returns 0 when
 * the tag must be ignored. */
static int before_start(parser *p, tag_token *tk)
{
    int t = tk->tag;
    if ((top(p)->flags & HTML_F_FOREIGN) && in_set(&breakout, t))
        while (p->sp > 0 && (top(p)->flags & HTML_F_FOREIGN))
            pop(p);
    if (top(p)->flags & HTML_F_FOREIGN)
        return 1;
    switch (t) {
    case TAG_li:
        close_list_item(p, TAG_li, TAG_li);
        break;
    case TAG_dd:
    case TAG_dt:
        close_list_item(p, TAG_dd, TAG_dt);
        break;
    case TAG_h1: case TAG_h2: case TAG_h3: case TAG_h4: case TAG_h5: case TAG_h6:
        close_p(p);
        if (top(p)->tag >= TAG_h1 && top(p)->tag <= TAG_h6)
            pop(p);
        return 1;
    case TAG_a:
    case TAG_nobr: {
        int i = stack_has(p, t, 1);
        if (i > 0)
            pop_to(p, i);
        return 1;
    }
    case TAG_button: {
        int i = in_scope(p, TAG_button);
        if (i > 0)
            pop_to(p, i);
        break;
    }
    case TAG_option:
        if (top(p)->tag == TAG_option)
            pop(p);
        return 1;
    case TAG_optgroup:
        if (top(p)->tag == TAG_option)
            pop(p);
        if (top(p)->tag == TAG_optgroup)
            pop(p);
        return 1;
    case TAG_tr: case TAG_td: case TAG_th: case TAG_tbody: case TAG_thead: case TAG_tfoot:
    case TAG_caption: case TAG_colgroup:
        table_part_start(p, tk);
        return 1;
    default:
        break;
    }
    if (in_set(&p_closers, t))
        close_p(p);
    return 1;
}

static void start_tag(parser *p, tag_token *tk, const char **pos)
{
    int t = tk->tag;
    if (t == TAG_html) {
        if (p->doc->html)
            merge_attrs(p, p->doc->html, tk);
        else if (ensure_html(p))
            merge_attrs(p, p->doc->html, tk);
        return;
    }
    if (!ensure_html(p))
        return;
    if (t == TAG_head) {
        if (p->doc->head || p->doc->body)
            return;
        html_node *n = make_element(p, tk);
        if (!n)
            return;
        append_child(p->doc->html, n);
        p->doc->head = n;
        push(p, n);
        return;
    }
    if (t == TAG_body) {
        if (p->doc->body) {
            merge_attrs(p, p->doc->body, tk);
            return;
        }
        ensure_body(p);
        merge_attrs(p, p->doc->body, tk);
        return;
    }
    if (!p->doc->body && !in_set(&head_tags, t))
        ensure_body(p);
    if (!before_start(p, tk))
        return;
    html_node *n = make_element(p, tk);
    if (!n)
        return;
    int foreign = (top(p)->flags & HTML_F_FOREIGN) != 0;
    insert(p, n, !in_set(&table_ok, t));
    if (t == TAG_svg || t == TAG_math)
        n->flags |= HTML_F_FOREIGN;
    if (in_set(&void_tags, t) && !foreign)
        return;
    if ((foreign || n->flags & HTML_F_FOREIGN) && tk->self_closing)
        return;
    push(p, n);
    if (foreign)
        return;
    switch (t) {
    case TAG_script: case TAG_style: case TAG_xmp: case TAG_iframe: case TAG_noembed:
    case TAG_noframes: case TAG_plaintext:
        read_raw_text(p, pos, n, 0);
        break;
    case TAG_title: case TAG_textarea:
        read_raw_text(p, pos, n, 1);
        break;
    default:
        return;
    }
    /* the end tag (if any) is tokenized normally and pops n */
}

/* An end tag of a formatting element: pop to it when nothing special is
 * above it, else take it off the stack and leave the blocks open (a much
 * simplified adoption agency: text stays where it was written). */
static void end_formatting(parser *p, int tag)
{
    int i = stack_has(p, tag, 1);
    if (i <= 0)
        return;
    for (int j = i + 1; j <= p->sp; j++) {
        if (in_set(&special, p->stack[j]->tag)) {
            memmove(&p->stack[i], &p->stack[i + 1], (size_t)(p->sp - i) * sizeof p->stack[0]);
            p->sp--;
            return;
        }
    }
    pop_to(p, i);
}

static void end_tag(parser *p, tag_token *tk)
{
    int t = tk->tag;
    switch (t) {
    case TAG_html: case TAG_body: case TAG_head:
        if (t == TAG_head) {
            int i = stack_has(p, TAG_head, 0);
            if (i > 0)
                pop_to(p, i);
        }
        return;
    case TAG_br: {
        tag_token br = {.name = "br", .name_len = 2, .tag = TAG_br};
        start_tag(p, &br, NULL);
        return;
    }
    case TAG_p:
        if (in_scope(p, TAG_p) < 0) {
            tag_token pt = {.name = "p", .name_len = 1, .tag = TAG_p};
            ensure_body(p);
            html_node *n = make_element(p, &pt);
            if (n)
                insert(p, n, 1);
            return;
        }
        close_p(p);
        return;
    case TAG_h1: case TAG_h2: case TAG_h3: case TAG_h4: case TAG_h5: case TAG_h6:
        for (int i = p->sp; i > 0; i--) {
            int u = p->stack[i]->tag;
            if (u >= TAG_h1 && u <= TAG_h6) {
                pop_to(p, i);
                return;
            }
            if (in_set(&scope, u))
                return;
        }
        return;
    default:
        break;
    }
    if (t != TAG_UNKNOWN && in_set(&formatting, t)) {
        end_formatting(p, t);
        return;
    }
    if (t == TAG_table || t == TAG_tbody || t == TAG_thead || t == TAG_tfoot || t == TAG_tr ||
        t == TAG_td || t == TAG_th || t == TAG_caption || t == TAG_colgroup) {
        int i = in_table_scope(p, t);
        if (i > 0)
            pop_to(p, i);
        return;
    }
    if (t != TAG_UNKNOWN && in_set(&special, t)) {
        /* block end tags: close the element if it is in scope, else ignore */
        int i = in_scope(p, t);
        if (i > 0)
            pop_to(p, i);
        return;
    }
    for (int i = p->sp; i > 0; i--) {
        html_node *n = p->stack[i];
        if (t != TAG_UNKNOWN ? n->tag == t
                             : (n->tag == TAG_UNKNOWN && name_eq(n->text, n->text_len, tk->name, tk->name_len))) {
            pop_to(p, i);
            return;
        }
        if (in_set(&special, n->tag) && !(n->flags & HTML_F_FOREIGN))
            return;
    }
}

/* ------------------------------------------------------------- markup */

/* <!-- ... --> from s (at "<!--"); returns the position after it (end of
 * input when unclosed). */
static const char *skip_comment(parser *p, const char *s)
{
    const char *e = p->end, *c = s + 4;
    if (c < e && *c == '>')
        return c + 1;
    if (c + 1 < e && c[0] == '-' && c[1] == '>')
        return c + 2;
    while (c < e) {
        const char *gt = memchr(c, '>', (size_t)(e - c));
        if (!gt)
            return e;
        if (gt - 2 >= s + 4 && gt[-1] == '-' && gt[-2] == '-')
            return gt + 1;
        if (gt - 3 >= s + 4 && gt[-1] == '!' && gt[-2] == '-' && gt[-3] == '-')
            return gt + 1;
        c = gt + 1;
    }
    return e;
}

static const char *skip_to_gt(parser *p, const char *s)
{
    const char *gt = memchr(s, '>', (size_t)(p->end - s));
    return gt ? gt + 1 : p->end;
}

/* Markup at s ('<').  Returns the position after it, or NULL when '<' is
 * literal text. */
static const char *markup(parser *p, const char *s)
{
    const char *e = p->end;
    if (s + 1 >= e)
        return NULL;
    unsigned char c = (unsigned char)s[1];
    if (is_alpha(c) || (c == '/' && s + 2 < e && is_alpha((unsigned char)s[2]))) {
        tag_token tk = {.end = c == '/'};
        const char *pos = s;
        if (!read_tag(p, &pos, &tk))
            return e;
        if (tk.end)
            end_tag(p, &tk);
        else
            start_tag(p, &tk, &pos);
        return pos;
    }
    if (c == '!') {
        if (s + 3 < e && s[2] == '-' && s[3] == '-')
            return skip_comment(p, s);
        if ((top(p)->flags & HTML_F_FOREIGN) && e - s >= 9 && !memcmp(s + 2, "[CDATA[", 7)) {
            const char *d = s + 9, *q = d;
            while (q + 2 < e && !(q[0] == ']' && q[1] == ']' && q[2] == '>'))
                q++;
            if (q + 2 >= e) {
                add_text(p, d, (size_t)(e - d), 0);
                return e;
            }
            add_text(p, d, (size_t)(q - d), 0);
            return q + 3;
        }
        return skip_to_gt(p, s + 2);
    }
    if (c == '?')
        return skip_to_gt(p, s + 1);
    if (c == '/') {
        if (s + 2 < e && s[2] == '>')
            return s + 3;
        return skip_to_gt(p, s + 2);
    }
    return NULL;
}

/* Whether the '<' at s starts markup (else it is literal text). */
static int is_markup(parser *p, const char *s)
{
    if (s + 1 >= p->end)
        return 0;
    unsigned char c = (unsigned char)s[1];
    if (c == '/')
        return s + 2 < p->end;
    return is_alpha(c) || c == '!' || c == '?';
}

/* Text between markup: decoded, and (outside head) it opens <body>. */
static void flush_text(parser *p, const char *s, const char *e)
{
    if (s >= e)
        return;
    const char *q = s;
    while (q < e && is_space((unsigned char)*q))
        q++;
    if (q < e) {
        if (!p->doc->body)
            ensure_body(p);
    } else if (!p->doc->body) {
        return;     /* whitespace before <body> carries no text */
    }
    add_text(p, s, (size_t)(e - s), 1);
}

int html_parse(const char *html, size_t len, sito_arena *a, html_doc *out)
{
    memset(out, 0, sizeof *out);
    parser *p = sito_arena_alloc(a, sizeof *p);
    if (!p)
        return SITO_ERR_NOMEM;
    memset(p, 0, offsetof(parser, tmp_attrs));
    p->a = a;
    p->s = html ? html : "";
    p->end = p->s + len;
    p->doc = out;
    out->root = new_node(p, HTML_DOCUMENT);
    if (!out->root)
        return SITO_ERR_NOMEM;
    p->stack[0] = out->root;
    const char *s = p->s, *e = p->end, *text = s;
    while (s < e && !p->nomem && !out->truncated) {
        const char *lt = memchr(s, '<', (size_t)(e - s));
        if (!lt)
            break;
        if (!is_markup(p, lt)) {
            s = lt + 1;
            continue;
        }
        flush_text(p, text, lt);
        s = text = markup(p, lt);
    }
    if (!p->nomem && !out->truncated)
        flush_text(p, text, e);
    if (!p->nomem && !out->truncated)
        ensure_body(p);
    return p->nomem ? SITO_ERR_NOMEM : SITO_OK;
}

const html_attr *html_attr_find(const html_node *n, const char *name)
{
    size_t len = strlen(name);
    for (uint32_t i = 0; i < n->n_attrs; i++)
        if (name_eq(n->attrs[i].name, n->attrs[i].name_len, name, len))
            return &n->attrs[i];
    return NULL;
}
