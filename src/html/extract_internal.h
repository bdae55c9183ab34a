/*
 * extract_internal.h — pieces of main-content extraction shared between
 * extract.c (the algorithm), meta.c (title/date/lang/canonical) and
 * textout.c (tree to text).  Not public.
 */
#ifndef SITO_HTML_EXTRACT_INTERNAL_H
#define SITO_HTML_EXTRACT_INTERNAL_H

#include "html/html.h"

/* node->mark bits */
#define M_DROP 1u        /* not content: never scored, never printed */
#define M_CAND 2u        /* a scored candidate (score is valid) */
#define M_KEEP 4u        /* part of the chosen article */
#define M_INLINE_P 8u    /* a div without block children, scored like <p> */

/* Text writer: collapses whitespace, puts blocks on their own lines. */
typedef struct textout {
    char *buf;
    size_t len, cap;
    int pend_space, pend_nl;
} textout;

void textout_text(textout *o, const char *s, size_t n);
void textout_newline(textout *o);
/* Prints the text of n's subtree (skipping M_DROP nodes) with block
 * structure. */
void textout_node(textout *o, const html_node *n);
/* Whether tag is block-level for text layout. */
int html_is_block(int tag);

/* Writes the main content of doc to o (Readability-style scoring). */
int extract_main(html_doc *doc, sito_arena *a, textout *o);

/* Metadata of the page (views into the page or the arena). */
void extract_meta(const html_doc *doc, sito_arena *a, sito_str *title, sito_str *lang,
                  sito_str *canonical, sito_str *date);

#endif
