/*
 * filter.c — decisions from signals, and the quality stage.  A filter only
 * reads doc->signals and the thresholds of the document's language, so
 * `sito filter` can replay the decisions of a run from annotated JSONL.
 * Rejections are named "<filter>:<rule>" with datatrove's rule names
 * ("gopher_repetition:dup_line_frac", "fineweb_quality:line_punct_ratio").
 */
#include "quality/quality.h"

#include <math.h>

/* datatrove tests most Gopher thresholds with `if self.x and ...`: 0 is off */
static int on0(double t) { return !isnan(t) && t != 0; }
static int on(double t) { return !isnan(t); }

static int reject(sito_doc *d, const char *name, double v)
{
    d->filter = name;
    d->filter_value = v;
    return 1;
}

#define SIG(s) (d->signals[SITO_SIG_##s])

static int gopher_repetition(const q_lang_cfg *L, sito_doc *d)
{
    static const char *const top[3] = {"gopher_repetition:top_2_gram", "gopher_repetition:top_3_gram",
                                       "gopher_repetition:top_4_gram"};
    static const char *const dup[6] = {
        "gopher_repetition:duplicated_5_n_grams", "gopher_repetition:duplicated_6_n_grams",
        "gopher_repetition:duplicated_7_n_grams", "gopher_repetition:duplicated_8_n_grams",
        "gopher_repetition:duplicated_9_n_grams", "gopher_repetition:duplicated_10_n_grams"};
    if (on0(L->dup_para_frac) && SIG(DUP_PARA_FRAC) > L->dup_para_frac)
        return reject(d, "gopher_repetition:dup_para_frac", SIG(DUP_PARA_FRAC));
    if (on0(L->dup_para_char_frac) && SIG(DUP_PARA_CHAR_FRAC) > L->dup_para_char_frac)
        return reject(d, "gopher_repetition:dup_para_char_frac", SIG(DUP_PARA_CHAR_FRAC));
    if (on0(L->dup_line_frac) && SIG(DUP_LINE_FRAC) > L->dup_line_frac)
        return reject(d, "gopher_repetition:dup_line_frac", SIG(DUP_LINE_FRAC));
    if (on0(L->dup_line_char_frac) && SIG(DUP_LINE_CHAR_FRAC) > L->dup_line_char_frac)
        return reject(d, "gopher_repetition:dup_line_char_frac", SIG(DUP_LINE_CHAR_FRAC));
    for (int i = 0; i < 3; i++) {
        double v = d->signals[SITO_SIG_TOP_2GRAM_FRAC + i];
        if (on(L->top_ngram[i]) && v > L->top_ngram[i])
            return reject(d, top[i], v);
    }
    for (int i = 0; i < 6; i++) {
        double v = d->signals[SITO_SIG_DUP_5GRAM_FRAC + i];
        if (on(L->dup_ngram[i]) && v > L->dup_ngram[i])
            return reject(d, dup[i], v);
    }
    return 0;
}

static int gopher_quality(const q_lang_cfg *L, sito_doc *d)
{
    double words = SIG(GOPHER_WORD_COUNT), mean = SIG(GOPHER_MEAN_WORD_LENGTH);
    if (on0(L->min_doc_words) && words < L->min_doc_words)
        return reject(d, "gopher_quality:short_doc", words);
    if (on0(L->max_doc_words) && words > L->max_doc_words)
        return reject(d, "gopher_quality:long_doc", words);
    if (words > 0 && on0(L->min_avg_word_length) && mean < L->min_avg_word_length)
        return reject(d, "gopher_quality:below_avg_threshold", mean);
    if (words > 0 && on0(L->max_avg_word_length) && mean > L->max_avg_word_length)
        return reject(d, "gopher_quality:above_avg_threshold", mean);
    if (on0(L->max_symbol_word_ratio) && SIG(GOPHER_HASH_RATIO) > L->max_symbol_word_ratio)
        return reject(d, "gopher_quality:too_many_hashes", SIG(GOPHER_HASH_RATIO));
    if (on0(L->max_symbol_word_ratio) && SIG(GOPHER_ELLIPSIS_RATIO) > L->max_symbol_word_ratio)
        return reject(d, "gopher_quality:too_many_ellipsis", SIG(GOPHER_ELLIPSIS_RATIO));
    if (on0(L->max_bullet_lines_ratio) && SIG(GOPHER_BULLET_LINES_FRAC) > L->max_bullet_lines_ratio)
        return reject(d, "gopher_quality:too_many_bullets", SIG(GOPHER_BULLET_LINES_FRAC));
    if (on0(L->max_ellipsis_lines_ratio) &&
        SIG(GOPHER_ELLIPSIS_LINES_FRAC) > L->max_ellipsis_lines_ratio)
        return reject(d, "gopher_quality:too_many_end_ellipsis", SIG(GOPHER_ELLIPSIS_LINES_FRAC));
    if (on0(L->max_non_alpha_words_ratio) &&
        SIG(GOPHER_ALPHA_WORDS_FRAC) < L->max_non_alpha_words_ratio)
        return reject(d, "gopher_quality:below_alpha_threshold", SIG(GOPHER_ALPHA_WORDS_FRAC));
    if (on0(L->min_stop_words) && SIG(GOPHER_STOP_WORDS) < L->min_stop_words)
        return reject(d, "gopher_quality:enough_stop_words", SIG(GOPHER_STOP_WORDS));
    return 0;
}

static int c4(const q_lang_cfg *L, sito_doc *d)
{
    if (L->c4_lorem_ipsum && SIG(C4_LOREM_IPSUM) > 0)
        return reject(d, "c4:lorem_ipsum", SIG(C4_LOREM_IPSUM));
    if (L->c4_curly_bracket && SIG(C4_CURLY_BRACKET) > 0)
        return reject(d, "c4:curly_bracket", SIG(C4_CURLY_BRACKET));
    if (on(L->c4_min_sentences) && SIG(C4_SENTENCES) < L->c4_min_sentences)
        return reject(d, "c4:too_few_sentences", SIG(C4_SENTENCES));
    return 0;
}

static int fineweb(const q_lang_cfg *L, sito_doc *d)
{
    double r = SIG(FW_LINE_PUNCT_FRAC);
    if (on(L->line_punct_thr) && r <= L->line_punct_thr && !(r == 0 && L->line_punct_exclude_zero))
        return reject(d, "fineweb_quality:line_punct_ratio", r);
    if (on(L->short_line_thr) && SIG(FW_SHORT_LINE_FRAC) >= L->short_line_thr)
        return reject(d, "fineweb_quality:short_line_ratio", SIG(FW_SHORT_LINE_FRAC));
    if (on(L->char_dup_ratio) && SIG(FW_DUP_LINE_CHAR_FRAC) >= L->char_dup_ratio)
        return reject(d, "fineweb_quality:char_dup_ratio", SIG(FW_DUP_LINE_CHAR_FRAC));
    if (on(L->new_line_ratio) && SIG(FW_NEWLINE_WORD_RATIO) > L->new_line_ratio)
        return reject(d, "fineweb_quality:list_ratio", SIG(FW_NEWLINE_WORD_RATIO));
    return 0;
}

static int lang_score(const q_lang_cfg *L, sito_doc *d)
{
    if (on(L->min_lang_score) && d->lang.len && d->lang_score < L->min_lang_score)
        return reject(d, "language_score", d->lang_score);
    return 0;
}

void q_decide(const q_lang_cfg *L, sito_doc *d)
{
    for (int i = 0; i < L->n_order; i++) {
        int r = 0;
        switch (L->order[i]) {
        case QF_GOPHER_REPETITION: r = gopher_repetition(L, d); break;
        case QF_GOPHER_QUALITY: r = gopher_quality(L, d); break;
        case QF_C4: r = c4(L, d); break;
        case QF_FINEWEB: r = fineweb(L, d); break;
        case QF_LANG_SCORE: r = lang_score(L, d); break;
        }
        if (r)
            return;
    }
}

int sito_quality_decide(const sito_quality_config *cfg, sito_doc *doc)
{
    q_decide(q_config_for(cfg, doc->lang), doc);
    return doc->filter != NULL;
}

/* ------------------------------------------------------------- stage */

typedef struct quality_stage {
    const sito_quality_config *cfg;
    int annotate_only;
    q_scratch scratch;
} quality_stage;

static int quality_process(sito_stage *st, sito_doc *doc, sito_stats *stats)
{
    quality_stage *q = st->state;
    if (!doc->arena)
        return SITO_ERR_ARG;
    const q_lang_cfg *L = q_config_for(q->cfg, doc->lang);
    const char *kept;
    size_t kept_len;
    int rc = q_compute_signals(&q->scratch, L, doc, &kept, &kept_len);
    if (rc == SITO_ERR_LIMIT)
        return SITO_OK; /* a 4 GiB text: no signals, and no decision */
    if (rc != SITO_OK)
        return rc;
    if (q->annotate_only)
        return SITO_OK;
    q_decide(L, doc);
    if (doc->filter)
        return SITO_OK; /* counted by the writer, like every rejection */
    if (kept && (kept_len != doc->text.len || memcmp(kept, doc->text.ptr, kept_len))) {
        char *t = sito_arena_memdup(doc->arena, kept, kept_len);
        if (!t)
            return SITO_ERR_NOMEM;
        doc->text = (sito_str){t, kept_len};
    }
    return SITO_OK;
}

static void quality_destroy(sito_stage *st)
{
    quality_stage *q = st->state;
    if (!q)
        return;
    q_scratch_free(&q->scratch);
    free(q);
    st->state = NULL;
}

int sito_quality_stage(sito_stage *out, const sito_quality_config *cfg, int annotate_only)
{
    if (!out || !cfg)
        return SITO_ERR_ARG;
    quality_stage *q = calloc(1, sizeof *q);
    if (!q)
        return SITO_ERR_NOMEM;
    q->cfg = cfg;
    q->annotate_only = annotate_only;
    *out = (sito_stage){.name = "quality", .state = q, .process = quality_process,
                        .destroy = quality_destroy};
    return SITO_OK;
}
