/*
 * words.h — the word tokenizer behind every word-based signal: an
 * approximation in C of what datatrove's word_tokenize gives (NLTK's
 * Treebank tokenizer for English, spaCy's rules for Polish and most other
 * languages).  Tokens are views into the text, stored in a reusable array:
 * no allocation per word.
 */
#ifndef SITO_QUALITY_WORDS_H
#define SITO_QUALITY_WORDS_H

#include <stddef.h>
#include <stdint.h>

enum {
    Q_TOK_NONSYM = 1, /* has a character outside datatrove's PUNCTUATION_SET */
    Q_TOK_ALPHA = 2,  /* has an alphabetic character (str.isalpha) */
    Q_TOK_WORD = 4,   /* a word token (not a punctuation token) */
};

typedef struct q_token {
    uint32_t off, len; /* bytes in the text */
    uint32_t cps;      /* code points: Python's len() */
    uint32_t flags;
} q_token;

typedef enum q_tokenizer_kind {
    Q_TOK_GENERIC = 0, /* spaCy-like: punctuation split off, words kept */
    Q_TOK_ENGLISH = 1, /* NLTK-like: also splits clitics (do|n't, it|'s) */
} q_tokenizer_kind;

typedef struct q_tokens {
    q_token *v;
    size_t n, cap;
} q_tokens;

/* Tokenizes text into t (reusing its array).  SITO_OK or SITO_ERR_NOMEM. */
int q_tokenize(const char *text, size_t n, q_tokenizer_kind kind, q_tokens *t);

/* Sentences in one line (datatrove counts them with sent_tokenize): 1 plus
 * the sentence breaks inside it; 0 for an empty line. */
int q_count_sentences(const char *s, size_t n);

#endif
