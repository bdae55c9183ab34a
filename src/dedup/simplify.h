/*
 * simplify.h — the word-level normal form shared by MinHash, exact and
 * repeated-line dedup.  The one thing to know: output words are separated
 * by exactly one space, so word n-gram i is the contiguous byte range from
 * the start of word i to the end of word i+n-1 (no copy per shingle).
 */
#ifndef SITO_DEDUP_SIMPLIFY_H
#define SITO_DEDUP_SIMPLIFY_H

#include "sito.h"

/* Word start offsets of a simplified text, in a reusable array. */
typedef struct dedup_words {
    uint32_t *start;
    size_t n, cap;
} dedup_words;

/* sito_simplify that also records where each word starts (words may be
 * NULL).  Word i ends at start[i+1]-1, the last at out->len.  Texts over
 * 4 GiB are cut there.  SITO_OK or SITO_ERR_NOMEM. */
int dedup_simplify_words(const char *s, size_t n, int flags, sito_buf *out,
                         dedup_words *words);

void dedup_words_free(dedup_words *w);

#endif
