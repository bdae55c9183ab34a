/*
 * textout.c — turns a subtree into text: whitespace collapsed to single
 * spaces, one line per block (paragraph, heading, list item, table row;
 * cells separated by a tab), <br> as a line break.  The caller sizes the
 * buffer for the whole page's text plus two bytes per node, so writing
 * never reallocates.
 */
#include "html/extract_internal.h"

#include <string.h>

#define B(t) [TAG_##t] = 1
static const unsigned char block_tags[TAG_COUNT] = {
    B(address), B(article), B(aside), B(blockquote), B(body), B(br), B(caption),
    B(center), B(dd), B(details), B(dialog), B(dir), B(div), B(dl), B(dt), B(fieldset),
    B(figcaption), B(figure), B(footer), B(form), B(frameset), B(h1), B(h2), B(h3), B(h4),
    B(h5), B(h6), B(header), B(hgroup), B(hr), B(html), B(legend), B(li), B(listing),
    B(main), B(menu), B(nav), B(ol), B(p), B(plaintext), B(pre), B(section), B(summary),
    B(table), B(tbody), B(td), B(tfoot), B(th), B(thead), B(tr), B(ul), B(xmp), B(option),
    B(textarea), B(select),
};
#undef B

int html_is_block(int tag) { return tag > 0 && tag < TAG_COUNT && block_tags[tag]; }

static void put(textout *o, char c)
{
    if (o->len < o->cap)
        o->buf[o->len++] = c;
}

void textout_newline(textout *o)
{
    o->pend_nl = 1;
}

void textout_text(textout *o, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= ' ' || c == 0x7f) {
            o->pend_space = 1;
            continue;
        }
        if (o->len) {
            if (o->pend_nl)
                put(o, '\n');
            else if (o->pend_space && o->buf[o->len - 1] != '\n' && o->buf[o->len - 1] != '\t')
                put(o, ' ');
        }
        o->pend_nl = o->pend_space = 0;
        put(o, (char)c);
    }
}

static void cell_sep(textout *o)
{
    if (o->len && !o->pend_nl && o->buf[o->len - 1] != '\n') {
        put(o, '\t');
        o->pend_space = 0;
    }
}

void textout_node(textout *o, const html_node *n)
{
    if (n->mark & M_DROP)
        return;
    if (n->kind == HTML_TEXT) {
        textout_text(o, n->text, n->text_len);
        return;
    }
    int block = html_is_block(n->tag);
    if (n->tag == TAG_td || n->tag == TAG_th)
        cell_sep(o);
    else if (block)
        textout_newline(o);
    for (const html_node *c = n->first; c; c = c->next)
        textout_node(o, c);
    if (block && n->tag != TAG_td && n->tag != TAG_th)
        textout_newline(o);
}
