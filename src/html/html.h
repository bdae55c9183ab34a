/*
 * html.h — sito's own HTML tree for text extraction: one pass over the
 * bytes, nodes from the document arena, HTML5 tokenizer rules and the tree
 * construction rules that change where text ends up.  Bounded on any input:
 * depth is capped (deeper elements are flattened) and so are node and
 * attribute counts (beyond them the rest of the page is dropped).
 */
#ifndef SITO_HTML_H
#define SITO_HTML_H

#include "sito.h"

#include <stdint.h>

/* Known tags, sorted by name (html_tag_lookup binary-searches them). */
#define HTML_TAGS(X)                                                          \
    X(a) X(abbr) X(address) X(applet) X(area) X(article) X(aside) X(audio)    \
    X(b) X(base) X(basefont) X(bdi) X(bdo) X(bgsound) X(big) X(blockquote)    \
    X(body) X(br) X(button) X(canvas) X(caption) X(center) X(cite) X(code)    \
    X(col) X(colgroup) X(data) X(datalist) X(dd) X(del) X(details) X(dfn)     \
    X(dialog) X(dir) X(div) X(dl) X(dt) X(em) X(embed) X(fieldset)            \
    X(figcaption) X(figure) X(font) X(footer) X(form) X(frame) X(frameset)    \
    X(h1) X(h2) X(h3) X(h4) X(h5) X(h6) X(head) X(header) X(hgroup) X(hr)     \
    X(html) X(i) X(iframe) X(image) X(img) X(input) X(ins) X(kbd) X(keygen)   \
    X(label) X(legend) X(li) X(link) X(listing) X(main) X(map) X(mark)        \
    X(marquee) X(math) X(menu) X(meta) X(meter) X(nav) X(nobr) X(noembed)     \
    X(noframes) X(noscript) X(object) X(ol) X(optgroup) X(option) X(output)   \
    X(p) X(param) X(picture) X(plaintext) X(pre) X(progress) X(q) X(rp)       \
    X(rt) X(ruby) X(s) X(samp) X(script) X(section) X(select) X(small)        \
    X(source) X(span) X(strike) X(strong) X(style) X(sub) X(summary) X(sup)   \
    X(svg) X(table) X(tbody) X(td) X(template) X(textarea) X(tfoot) X(th)     \
    X(thead) X(time) X(title) X(tr) X(track) X(tt) X(u) X(ul) X(var)          \
    X(video) X(wbr) X(xmp)

enum html_tag {
    TAG_UNKNOWN = 0,
#define HTML_TAG_ENUM(t) TAG_##t,
    HTML_TAGS(HTML_TAG_ENUM)
#undef HTML_TAG_ENUM
    TAG_COUNT
};

/* The tag id of a lower- or mixed-case name; TAG_UNKNOWN if not known. */
int html_tag_lookup(const char *name, size_t len);
/* The lower-case name of a known tag ("div"); "" for TAG_UNKNOWN. */
const char *html_tag_name(int tag);

enum html_node_kind { HTML_DOCUMENT, HTML_ELEMENT, HTML_TEXT };

typedef struct html_attr {
    const char *name;   /* as written (compare case-insensitively) */
    const char *value;  /* character references decoded */
    uint32_t name_len, value_len;
} html_attr;

typedef struct html_node html_node;
struct html_node {
    html_node *parent, *first, *last, *next, *prev;
    const char *text;       /* text node: decoded text; element: tag name
                               as written */
    uint32_t text_len;
    uint16_t tag;           /* enum html_tag (elements) */
    uint8_t kind;           /* enum html_node_kind */
    uint8_t flags;          /* HTML_F_* */
    html_attr *attrs;
    uint32_t n_attrs;
    uint32_t depth;
    /* scratch space for whoever walks the tree (the extractor) */
    uint32_t chars, link_chars, n_p, n_commas;
    float score;
    uint32_t mark;
};

#define HTML_F_FOREIGN 1    /* inside svg/math */
#define HTML_F_BLANK 2      /* text node of only whitespace */

typedef struct html_doc {
    html_node *root;        /* the document node */
    html_node *html, *head, *body;  /* NULL when absent */
    size_t n_nodes;
    int truncated;          /* a node/attribute cap stopped the parse */
} html_doc;

#define HTML_MAX_DEPTH 512
#define HTML_MAX_NODES (1u << 20)
#define HTML_MAX_ATTRS (1u << 20)

/* Parses len bytes of HTML (any bytes: invalid UTF-8 passes through) into
 * a tree allocated from a.  SITO_OK or SITO_ERR_NOMEM. */
int html_parse(const char *html, size_t len, sito_arena *a, html_doc *out);

/* The value of the attribute called name (lower case), or NULL. */
const html_attr *html_attr_find(const html_node *n, const char *name);

#endif
