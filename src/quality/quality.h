/*
 * quality.h — internals shared by the quality module's files: the
 * per-language configuration (signal-time options and decision thresholds)
 * and the per-thread scratch that signal computation reuses.  A threshold
 * that is NAN is switched off.
 */
#ifndef SITO_QUALITY_QUALITY_H
#define SITO_QUALITY_QUALITY_H

#include "sito.h"
#include "quality/qtab.h"
#include "quality/words.h"

enum q_filter {
    QF_GOPHER_REPETITION,
    QF_GOPHER_QUALITY,
    QF_C4,
    QF_FINEWEB,
    QF_LANG_SCORE,
    QF_COUNT
};

#define Q_MAX_STOP 128

/* A bit for a stop word's length in bytes (31: 31 or more). */
static inline uint32_t q_stop_len_bit(size_t len) { return (uint32_t)1 << (len < 31 ? len : 31); }

typedef struct q_lang_cfg {
    char name[24];
    int order[QF_COUNT]; /* filters applied, in this order */
    int n_order;
    q_tokenizer_kind tokenizer;
    /* Gopher quality: 0 or NAN switches a rule off (datatrove: falsy) */
    double min_doc_words, max_doc_words;
    double min_avg_word_length, max_avg_word_length;
    double max_symbol_word_ratio;
    double max_bullet_lines_ratio, max_ellipsis_lines_ratio;
    double max_non_alpha_words_ratio;
    double min_stop_words;
    sito_str stop[Q_MAX_STOP]; /* signal-time: which tokens count */
    int n_stop;
    uint32_t stop_first[256];  /* by first byte: q_stop_len_bit of each length */
    /* Gopher repetition: 0 or NAN off for the four line/para rules; NAN off
     * for the n-gram rules (datatrove applies 0 there) */
    double dup_line_frac, dup_para_frac, dup_line_char_frac, dup_para_char_frac;
    double top_ngram[3];  /* n = 2, 3, 4 */
    double dup_ngram[6];  /* n = 5 .. 10 */
    /* C4: line rules are signal-time, min_sentences is a threshold */
    int c4_remove_citations, c4_no_terminal_punct, c4_min_words_per_line;
    int c4_max_word_length, c4_lorem_ipsum, c4_javascript, c4_curly_bracket, c4_policy;
    int c4_modify_text;
    double c4_min_sentences;
    /* FineWeb: short_line_length is signal-time */
    double line_punct_thr;
    int line_punct_exclude_zero;
    double short_line_thr;
    int short_line_length;
    double char_dup_ratio;
    double new_line_ratio;
    /* language score (doc->lang_score), optional filter */
    double min_lang_score;
} q_lang_cfg;

struct sito_quality_config {
    q_lang_cfg *langs;
    int n;
    int fallback;      /* index used for an empty or unknown doc->lang */
    char **owned;      /* stop-word strings read from a file */
    int n_owned, cap_owned;
};

#define Q_POW_N 64

typedef struct q_span {
    uint32_t b, e;
} q_span;

/* Reusable buffers of one thread: nothing here is allocated per word. */
typedef struct q_scratch {
    q_tokens tok;
    q_tokens tok2;   /* one C4 line whose citations were removed */
    uint64_t *wh, *S, *P, *PW, *IPW;
    uint32_t *cpp;   /* cpp[k]: code points of tokens 0..k-1 */
    size_t wcap;
    q_span *sp;
    size_t spcap;
    q_span *ls;      /* stripped lines of str.splitlines() */
    size_t lscap;
    qtab tab;        /* lines and paragraphs */
    uint64_t *gslot; /* n-grams (see signals.c) */
    size_t gcap, gmask;
    uint32_t ggen;
    uint64_t *gkey;  /* gkey[i]: hash of window i, when in the table */
    uint32_t *gcnt;  /* gcnt[i]: occurrences of the n-gram first seen at i */
    uint8_t *gb;     /* n-gram hash buckets: which windows may repeat */
    uint32_t *gidx;  /* the windows that share a bucket, in order */
    size_t gbcap;
    sito_buf kept;   /* C4's text of kept lines */
    sito_buf line;   /* one line with citations removed */
    uint64_t pow[Q_POW_N], ipow[Q_POW_N]; /* powers of the byte hash base */
} q_scratch;

void q_scratch_free(q_scratch *s);

/* Computes every quality signal of doc into doc->signals with the
 * signal-time options of L.  When L keeps C4's kept lines, *kept and *kept_len
 * receive that text (scratch memory, valid until the next call).
 * SITO_OK or SITO_ERR_NOMEM. */
int q_compute_signals(q_scratch *s, const q_lang_cfg *L, sito_doc *doc, const char **kept,
                      size_t *kept_len);

/* Applies the filters of L to doc->signals: sets doc->filter (a static
 * string "<filter>:<rule>") and doc->filter_value on the first failing
 * rule; leaves doc->filter NULL when every rule passes. */
void q_decide(const q_lang_cfg *L, sito_doc *doc);

/* The compiled-in defaults of a language ("en", "pl"), or of datatrove's
 * class defaults for any other name. */
void q_lang_defaults(q_lang_cfg *L, const char *name);

/* The section of cfg for a language label ("pl", "__label__pl", "pl_Latn"). */
const q_lang_cfg *q_config_for(const sito_quality_config *cfg, sito_str lang);

#endif
