/* Quality filters on hand-made documents that sit just below and just above
 * a threshold, in English (FineWeb defaults) and Polish (FineWeb-2
 * pol_Latn).  Documents are built from distinct made-up words ("qxxab")
 * so that no rule other than the one under test comes near its limit. */
#include "sito.h"
#include "unit.h"

#include <math.h>
#include <stdlib.h>

typedef struct judge {
    sito_quality_config *cfg;
    sito_stage st;
    sito_stats stats;
    sito_doc d;
} judge;

static void judge_open(judge *j, int annotate_only)
{
    memset(j, 0, sizeof *j);
    char err[256];
    j->cfg = sito_quality_config_load(NULL, err, sizeof err);
    j->d.arena = sito_arena_new(0);
    sito_quality_stage(&j->st, j->cfg, annotate_only);
}

static void judge_close(judge *j)
{
    j->st.destroy(&j->st);
    sito_arena_free(j->d.arena);
    sito_quality_config_free(j->cfg);
}

/* The rejecting filter's name, or "kept". */
static const char *verdict(judge *j, const char *lang, const char *text)
{
    sito_doc_reset(&j->d);
    j->d.lang = (sito_str){lang, strlen(lang)};
    j->d.text = (sito_str){text, strlen(text)};
    if (j->st.process(&j->st, &j->d, &j->stats) != SITO_OK)
        return "error";
    return j->d.filter ? j->d.filter : "kept";
}

/* Signal sig of text as the quality stage computes it. */
static double signal_of(const char *lang, const char *text, int sig)
{
    judge j;
    judge_open(&j, 1);
    verdict(&j, lang, text);
    double v = j.d.signals[sig];
    judge_close(&j);
    return v;
}

static const char *verdict_once(const char *lang, const char *text)
{
    static char name[64];
    judge j;
    judge_open(&j, 0);
    snprintf(name, sizeof name, "%s", verdict(&j, lang, text));
    judge_close(&j);
    return name;
}

/* A distinct word of len letters for each k: 'q' then k in base 26. */
static void put_word(sito_buf *b, unsigned k, int len)
{
    char w[64];
    w[0] = 'q';
    for (int i = len - 1; i >= 1; i--) {
        w[i] = (char)('a' + k % 26);
        k /= 26;
    }
    sito_buf_append(b, w, (size_t)len);
}

/* lines of 10 words ending with " .": stop words first, then made-up
 * words of word_len letters; extra is appended to the last line. */
static char *build(const char *const *stop, int n_stop, int n_words, int word_len, const char *extra)
{
    sito_buf b = {0};
    for (int i = 0; i < n_words; i++) {
        if (i && i % 10 == 0)
            sito_buf_append(&b, " .\n", 3);
        else if (i)
            sito_buf_append(&b, " ", 1);
        if (i < n_stop)
            sito_buf_append(&b, stop[i], strlen(stop[i]));
        else
            put_word(&b, (unsigned)i, word_len);
    }
    sito_buf_append(&b, " .", 2);
    if (extra)
        sito_buf_append(&b, extra, strlen(extra));
    sito_buf_append(&b, "", 1);
    return b.ptr;
}

static const char *const EN[] = {"the", "of"};
static const char *const PL[] = {"w", "na"};

#define VERDICT_IS(lang, text, want)                                          \
    do {                                                                      \
        char *t_ = (text);                                                    \
        const char *v_ = verdict_once(lang, t_);                              \
        int ok_ = strcmp(v_, want) == 0;                                      \
        if (!ok_)                                                             \
            fprintf(stderr, "  verdict %s, expected %s\n", v_, want);         \
        free(t_);                                                             \
        CHECK(ok_);                                                           \
    } while (0)

TEST(quality_base_documents_are_kept_in_english_and_polish)
{
    VERDICT_IS("en", build(EN, 2, 60, 5, NULL), "kept");
    VERDICT_IS("pl", build(PL, 2, 60, 5, NULL), "kept");
    VERDICT_IS("", build(EN, 2, 60, 5, NULL), "kept");
}

TEST(gopher_quality_rejects_fewer_than_50_words_en)
{
    VERDICT_IS("en", build(EN, 2, 50, 5, NULL), "kept");
    VERDICT_IS("en", build(EN, 2, 49, 5, NULL), "gopher_quality:short_doc");
}

TEST(gopher_quality_rejects_fewer_than_50_words_pl)
{
    /* pl runs FineWeb quality before Gopher quality: 49 words in 5 lines
     * keep the new-line ratio under 0.209 */
    VERDICT_IS("pl", build(PL, 2, 50, 5, NULL), "kept");
    VERDICT_IS("pl", build(PL, 2, 49, 5, NULL), "gopher_quality:short_doc");
}

/* 48 words of 10 letters, "the"/"of" (5 letters) and one word of 25 + add
 * letters: mean (480 + 5 + 25 + add) / 51 */
static char *mean_doc(const char *const *stop, int base_len, int long_len)
{
    char extra[128];
    memset(extra, 'q', sizeof extra);
    extra[0] = ' ';
    extra[1 + long_len] = 0;
    return build(stop, 2, 50, base_len, extra);
}

TEST(gopher_quality_rejects_mean_word_length_above_10_en)
{
    char *t = mean_doc(EN, 10, 25);
    double mean = signal_of("en", t, SITO_SIG_GOPHER_MEAN_WORD_LENGTH);
    free(t);
    CHECK(fabs(mean - 10.0) < 1e-12);
    VERDICT_IS("en", mean_doc(EN, 10, 25), "kept");
    VERDICT_IS("en", mean_doc(EN, 10, 26), "gopher_quality:above_avg_threshold");
}

TEST(gopher_quality_rejects_mean_word_length_above_11_pl)
{
    /* "w" + "na" = 3 letters: (48*11 + 3 + L) / 51 = 11 for L = 30 */
    VERDICT_IS("pl", mean_doc(PL, 11, 30), "kept");
    VERDICT_IS("pl", mean_doc(PL, 11, 31), "gopher_quality:above_avg_threshold");
    VERDICT_IS("en", mean_doc(PL, 11, 30), "gopher_quality:above_avg_threshold");
}

TEST(gopher_quality_rejects_mean_word_length_below_3_en)
{
    /* (48*3 + 5 + L) / 51 = 3 for L = 4 */
    VERDICT_IS("en", mean_doc(EN, 3, 4), "kept");
    VERDICT_IS("en", mean_doc(EN, 3, 3), "gopher_quality:below_avg_threshold");
}

/* the base document of n words plus k copies of tok, where "%u" in tok
 * becomes a word and "%d" (at the end) a number unique to each copy, so
 * that copies are not repetitions */
static char *repeat_in(const char *const *stop, int n, const char *tok, int k)
{
    sito_buf b = {0};
    for (int i = 0; i < k; i++) {
        char one[256];
        snprintf(one, sizeof one, " %s", tok);
        char *pd = strstr(one, "%d");
        if (pd)
            snprintf(pd, sizeof one - (size_t)(pd - one), "%d", 1000 + i);
        char *pc = strstr(one, "%u");
        if (pc) {
            char rest[256];
            snprintf(rest, sizeof rest, "%s", pc + 2);
            snprintf(pc, sizeof one - (size_t)(pc - one), "q%c%c%s", 'a' + i / 26, 'a' + i % 26, rest);
        }
        sito_buf_append(&b, one, strlen(one));
    }
    sito_buf_append(&b, "", 1);
    char *t = build(stop, 2, n, 5, b.ptr);
    sito_buf_free(&b);
    return t;
}

static char *repeat_tokens(const char *const *stop, const char *tok, int k)
{
    return repeat_in(stop, 60, tok, k);
}

TEST(gopher_quality_rejects_hash_ratio_above_0_1_en)
{
    /* 60 words + 6 periods = 66 tokens; k hashes: k / (66 + k) */
    VERDICT_IS("en", repeat_tokens(EN, "#", 7), "kept");
    VERDICT_IS("en", repeat_tokens(EN, "#", 8), "gopher_quality:too_many_hashes");
}

TEST(gopher_quality_rejects_hash_ratio_above_0_1_pl)
{
    VERDICT_IS("pl", repeat_tokens(PL, "#", 7), "kept");
    VERDICT_IS("pl", repeat_tokens(PL, "#", 8), "gopher_quality:too_many_hashes");
}

TEST(gopher_quality_rejects_ellipsis_ratio_above_0_1_en)
{
    char *t = repeat_tokens(EN, "...", 7);
    CHECK(fabs(signal_of("en", t, SITO_SIG_GOPHER_ELLIPSIS_RATIO) - 7.0 / 73) < 1e-12);
    free(t);
    /* k ellipses and k words: k / (66 + 2k) */
    VERDICT_IS("en", repeat_tokens(EN, "... %u", 7), "kept");
    VERDICT_IS("en", repeat_tokens(EN, "\xE2\x80\xA6 %u", 9), "gopher_quality:too_many_ellipsis");
}

TEST(gopher_quality_rejects_alpha_words_below_0_8_en)
{
    /* 60 alphabetic of 66 + k numbers: 60/75 = 0.8 passes, 60/76 fails */
    VERDICT_IS("en", repeat_tokens(EN, "%d", 9), "kept");
    VERDICT_IS("en", repeat_tokens(EN, "%d", 10), "gopher_quality:below_alpha_threshold");
}

TEST(gopher_quality_rejects_alpha_words_below_0_726_pl)
{
    /* 60 / (66 + k) >= 0.726 for k <= 16 */
    VERDICT_IS("pl", repeat_tokens(PL, "%d", 16), "kept");
    VERDICT_IS("pl", repeat_tokens(PL, "%d", 17), "gopher_quality:below_alpha_threshold");
}

TEST(gopher_quality_rejects_fewer_than_2_stop_words_en_and_pl)
{
    VERDICT_IS("en", build(EN, 1, 60, 5, " of"), "kept");
    VERDICT_IS("en", build(EN, 1, 60, 5, NULL), "gopher_quality:enough_stop_words");
    VERDICT_IS("pl", build(PL, 1, 60, 5, " się"), "kept");
    VERDICT_IS("pl", build(PL, 1, 60, 5, NULL), "gopher_quality:enough_stop_words");
    /* datatrove matches stop words case-sensitively */
    VERDICT_IS("en", build(EN, 1, 60, 5, " Of"), "gopher_quality:enough_stop_words");
}

/* n lines of 10 words; the first `marked` lines get prefix/suffix */
static char *lines_doc(const char *const *stop, int n, int marked, const char *prefix, const char *suffix)
{
    sito_buf b = {0};
    unsigned k = 100;
    for (int l = 0; l < n; l++) {
        if (l)
            sito_buf_append(&b, "\n", 1);
        if (l < marked)
            sito_buf_append(&b, prefix, strlen(prefix));
        for (int i = 0; i < 10; i++) {
            if (i)
                sito_buf_append(&b, " ", 1);
            if (l == 0 && i < 2)
                sito_buf_append(&b, stop[i], strlen(stop[i]));
            else
                put_word(&b, k++, 5);
        }
        sito_buf_append(&b, l < marked ? suffix : ".", strlen(l < marked ? suffix : "."));
    }
    sito_buf_append(&b, "", 1);
    return b.ptr;
}

TEST(gopher_quality_rejects_bullet_lines_above_0_9_en)
{
    VERDICT_IS("en", lines_doc(EN, 10, 9, "\xE2\x80\xA2 ", "."), "kept");
    VERDICT_IS("en", lines_doc(EN, 10, 10, "- ", "."), "gopher_quality:too_many_bullets");
}

TEST(gopher_quality_rejects_ellipsis_lines_above_0_3_en_and_pl)
{
    VERDICT_IS("en", lines_doc(EN, 10, 3, "", "..."), "kept");
    VERDICT_IS("en", lines_doc(EN, 10, 4, "", "..."), "gopher_quality:too_many_end_ellipsis");
    VERDICT_IS("pl", lines_doc(PL, 10, 3, "", "\xE2\x80\xA6"), "kept");
    VERDICT_IS("pl", lines_doc(PL, 10, 4, "", "\xE2\x80\xA6"), "gopher_quality:too_many_end_ellipsis");
}

/* base lines plus k copies of the short line "Tak jest ok." */
static char *dup_lines_doc(const char *const *stop, int base_lines, int k, const char *dup)
{
    char *base = lines_doc(stop, base_lines, 0, "", "");
    sito_buf b = {0};
    sito_buf_append(&b, base, strlen(base));
    free(base);
    for (int i = 0; i < k + 1; i++) {
        sito_buf_append(&b, "\n", 1);
        sito_buf_append(&b, dup, strlen(dup));
    }
    sito_buf_append(&b, "", 1);
    return b.ptr;
}

TEST(gopher_repetition_rejects_dup_line_frac_above_0_3_en)
{
    /* 7 lines + 1 original + k copies: k / (8 + k).  3/11 passes this
     * rule; FineWeb's char_dup_ratio (0.01) is what stops it later */
    VERDICT_IS("en", dup_lines_doc(EN, 7, 3, "Ok it is."), "fineweb_quality:char_dup_ratio");
    VERDICT_IS("en", dup_lines_doc(EN, 7, 4, "Ok it is."), "gopher_repetition:dup_line_frac");
}

TEST(gopher_repetition_rejects_dup_line_frac_above_0_353_pl)
{
    /* 12 lines + 1 + k copies: 7/20 = 0.35 passes, 8/21 = 0.381 fails */
    VERDICT_IS("pl", dup_lines_doc(PL, 12, 7, "Tak jest."), "kept");
    VERDICT_IS("pl", dup_lines_doc(PL, 12, 8, "Tak jest."), "gopher_repetition:dup_line_frac");
}

TEST(gopher_repetition_rejects_dup_line_char_frac_above_0_2_en_but_not_pl)
{
    /* one long line and two copies: 2/7 lines, > 0.2 of the characters */
    char *t = dup_lines_doc(EN, 4, 2, "A rather long line that will be repeated once here in full.");
    double v = signal_of("en", t, SITO_SIG_DUP_LINE_CHAR_FRAC);
    CHECK(v > 0.2 && v < 0.3);
    VERDICT_IS("en", strdup(t), "gopher_repetition:dup_line_char_frac");
    free(t);
    /* FineWeb-2 switches that rule off */
    t = dup_lines_doc(PL, 4, 2, "Dość długa linia, która powtórzy się raz w całości.");
    CHECK(signal_of("pl", t, SITO_SIG_DUP_LINE_CHAR_FRAC) > 0.2);
    CHECK(strcmp(verdict_once("pl", t), "gopher_repetition:dup_line_char_frac") != 0);
    free(t);
}

TEST(gopher_repetition_rejects_dup_para_frac_above_0_3_en)
{
    char *base = build(EN, 2, 60, 5, NULL);
    sito_buf b = {0};
    sito_buf_append(&b, base, strlen(base));
    free(base);
    for (int i = 0; i < 3; i++)
        sito_buf_append(&b, "\n\nOk.", 5);
    sito_buf_append(&b, "", 1);
    /* paragraphs: base, Ok, Ok, Ok: 2/4 = 0.5 */
    VERDICT_IS("en", b.ptr, "gopher_repetition:dup_para_frac");
}

TEST(gopher_repetition_rejects_top_2gram_above_0_096_pl)
{
    /* "na tak" k times, each followed by a new word: 7 copies give 0.0952,
     * 8 copies 0.1062 */
    char *t = repeat_tokens(PL, "na tak %u", 7);
    double v = signal_of("pl", t, SITO_SIG_TOP_2GRAM_FRAC);
    free(t);
    CHECK(v > 0.095 && v < 0.096);
    VERDICT_IS("pl", repeat_tokens(PL, "na tak %u", 7), "kept");
    VERDICT_IS("pl", repeat_tokens(PL, "na tak %u", 8), "gopher_repetition:top_2_gram");
    /* English allows 0.2 */
    VERDICT_IS("en", repeat_tokens(EN, "the of %u", 8), "kept");
}

TEST(gopher_repetition_counts_duplicate_5grams_without_spaces)
{
    /* "ab c d e f" and "a bc d e f" are one n-gram for datatrove's
     * duplicate n-grams ("".join), two for the top n-grams (" ".join) */
    const char *t = "ab c d e f x y z a bc d e f";
    double dup = signal_of("en", t, SITO_SIG_DUP_5GRAM_FRAC);
    CHECK(fabs(dup - 6.0 / (double)strlen(t)) < 1e-12);
}

#define PHRASE5 "qbbbbbbbbbbbbbbbbbbb qccccccccccccccccccc qddddddddddddddddddd " \
                "qeeeeeeeeeeeeeeeeeee qfffffffffffffffffff %u"

TEST(gopher_repetition_rejects_duplicated_5grams_above_0_15_en)
{
    /* a phrase of five 20-letter words, copies apart: 6 copies in 420
     * words make 0.154 of duplicated 5-grams while the top 4-gram stays
     * at 0.153 (< 0.16) */
    char *t = repeat_in(EN, 420, PHRASE5, 6);
    double v = signal_of("en", t, SITO_SIG_DUP_5GRAM_FRAC);
    CHECK(v > 0.15 && v < 0.16);
    VERDICT_IS("en", t, "gopher_repetition:duplicated_5_n_grams");
    VERDICT_IS("en", repeat_in(EN, 420, PHRASE5, 2), "kept");
}

TEST(c4_rejects_fewer_than_5_sentences_en)
{
    /* 50 words in 5 lines of one sentence each; then 4 lines (the last
     * one longer, with no second sentence) */
    VERDICT_IS("en", build(EN, 2, 50, 5, NULL), "kept");
    VERDICT_IS("en", build(EN, 2, 40, 9, " qxxxxxxxx qyyyyyyyy qzzzzzzzz qwwwwwwww qvvvvvvvv "
                                         "quuuuuuuu qtttttttt qssssssss qrrrrrrrr qpppppppp"),
               "c4:too_few_sentences");
}

TEST(c4_rejects_lorem_ipsum_and_curly_bracket_en_only)
{
    VERDICT_IS("en", build(EN, 2, 60, 5, "\nLorem ipsum dolor sit amet."), "c4:lorem_ipsum");
    VERDICT_IS("en", build(EN, 2, 60, 5, "\nx = { one two three }."), "c4:curly_bracket");
    /* a line too short for C4 never reaches the bracket rule */
    VERDICT_IS("en", build(EN, 2, 60, 5, "\n{}"), "kept");
    /* FineWeb-2 applies no C4 */
    VERDICT_IS("pl", build(PL, 2, 60, 5, "\nLorem ipsum dolor sit amet."), "kept");
}

TEST(c4_drops_javascript_and_policy_lines_from_kept_text_en)
{
    judge j;
    judge_open(&j, 0);
    char *t = build(EN, 2, 60, 5, "\nPlease enable JavaScript to continue.\nRead our privacy policy now.");
    CHECK(strcmp(verdict(&j, "en", t), "kept") == 0);
    CHECK(j.d.signals[SITO_SIG_C4_JAVASCRIPT_LINES] == 1);
    CHECK(j.d.signals[SITO_SIG_C4_POLICY_LINES] == 1);
    CHECK(j.d.text.len < strlen(t));
    CHECK(!memmem(j.d.text.ptr, j.d.text.len, "JavaScript", 10));
    free(t);
    judge_close(&j);
}

TEST(c4_annotate_only_keeps_text_unchanged)
{
    judge j;
    judge_open(&j, 1);
    char *t = build(EN, 2, 60, 5, "\nEnable javascript.");
    CHECK(strcmp(verdict(&j, "en", t), "kept") == 0);
    CHECK(j.d.text.len == strlen(t));
    free(t);
    judge_close(&j);
}

TEST(fineweb_rejects_line_punct_ratio_at_or_below_0_12_en)
{
    /* 25 lines, k end with '.': 3/25 = 0.12 is rejected (<=), 4/25 kept */
    char *t = lines_doc(EN, 25, 22, "", "");
    CHECK(fabs(signal_of("en", t, SITO_SIG_FW_LINE_PUNCT_FRAC) - 3.0 / 25) < 1e-12);
    VERDICT_IS("en", t, "fineweb_quality:line_punct_ratio");
    VERDICT_IS("en", lines_doc(EN, 25, 21, "", ""), "kept");
}

TEST(fineweb_rejects_line_punct_ratio_at_or_below_0_2_pl)
{
    VERDICT_IS("pl", lines_doc(PL, 10, 8, "", ""), "fineweb_quality:line_punct_ratio");
    VERDICT_IS("pl", lines_doc(PL, 10, 7, "", ""), "kept");
}

TEST(fineweb_rejects_short_lines_at_or_above_0_67_en_but_not_pl)
{
    /* 6 long lines + k short ones: 12/18 = 0.6667 kept, 13/19 rejected */
    char *base = build(EN, 2, 60, 5, NULL);
    sito_buf b = {0};
    sito_buf_append(&b, base, strlen(base));
    for (unsigned i = 0; i < 13; i++) {
        if (i == 12) {
            sito_buf_append(&b, "", 1);
            VERDICT_IS("en", strdup(b.ptr), "kept");
            b.len--;
        }
        sito_buf_append(&b, "\n", 1);
        for (unsigned w = 0; w < 4; w++) {
            put_word(&b, 1000 + i * 4 + w, 4);
            sito_buf_append(&b, w == 3 ? "." : " ", 1);
        }
    }
    sito_buf_append(&b, "", 1);
    double v = signal_of("en", b.ptr, SITO_SIG_FW_SHORT_LINE_FRAC);
    CHECK(v >= 0.67);
    VERDICT_IS("en", b.ptr, "fineweb_quality:short_line_ratio");
    free(base);
}

TEST(fineweb_rejects_new_line_ratio_above_0_209_pl)
{
    /* lines of 5 words + '.' = 6 tokens: 1 newline per 6 tokens = 0.1667
     * kept; lines of 3 words + '.' => 1 per 4 = 0.25 rejected */
    sito_buf b = {0};
    for (int l = 0; l < 12; l++) {
        if (l)
            sito_buf_append(&b, "\n", 1);
        sito_buf_append(&b, l == 0 ? "w na" : "", l == 0 ? 4 : 0);
        for (int i = 0; i < 5; i++) {
            sito_buf_append(&b, " ", 1);
            put_word(&b, (unsigned)(l * 10 + i), 6);
        }
        sito_buf_append(&b, ".", 1);
    }
    sito_buf_append(&b, "", 1);
    VERDICT_IS("pl", strdup(b.ptr), "kept");
    sito_buf_free(&b);
    for (int l = 0; l < 20; l++) {
        if (l)
            sito_buf_append(&b, "\n", 1);
        sito_buf_append(&b, l == 0 ? "w na " : "", l == 0 ? 5 : 0);
        put_word(&b, (unsigned)l, 6);
        sito_buf_append(&b, " ", 1);
        put_word(&b, (unsigned)l + 100, 6);
        sito_buf_append(&b, ".", 1);
    }
    sito_buf_append(&b, "", 1);
    VERDICT_IS("pl", b.ptr, "fineweb_quality:list_ratio");
}

TEST(quality_stage_names_the_rejecting_rule_and_leaves_counting_to_the_writer)
{
    judge j;
    judge_open(&j, 0);
    char *t = build(EN, 2, 40, 5, NULL);
    verdict(&j, "en", t);
    free(t);
    CHECK(j.d.filter && strcmp(j.d.filter, "gopher_quality:short_doc") == 0);
    CHECK_EQ_INT(j.stats.n_filters, 0); /* counted once, by the writer */
    judge_close(&j);
}

TEST(quality_stage_annotate_only_keeps_every_document_with_all_signals)
{
    judge j;
    judge_open(&j, 1);
    CHECK(strcmp(verdict(&j, "en", "tiny"), "kept") == 0);
    for (int s = SITO_SIG_GOPHER_WORD_COUNT; s <= SITO_SIG_FW_NEWLINE_WORD_RATIO; s++)
        CHECK(j.d.signals_set & ((uint64_t)1 << s));
    judge_close(&j);
}

TEST(quality_signals_of_empty_and_whitespace_text_are_zero_not_nan)
{
    const char *texts[] = {"", "\n", "\n\n\n", " \t ", "\r\n\r\n", "\xE2\x80\xA8"};
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        judge j;
        judge_open(&j, 1);
        verdict(&j, "pl", texts[i]);
        for (int s = 0; s < SITO_SIG_COUNT; s++)
            CHECK(!isnan(j.d.signals[s]) && !isinf(j.d.signals[s]));
        judge_close(&j);
    }
}

TEST(quality_signals_survive_invalid_utf8)
{
    const char bad[] = "\xff\xfe qqq \xc3 \xe2\x80 ...\xf0\x9f\n#\xed\xa0\x80 the of";
    judge j;
    judge_open(&j, 0);
    const char *v = verdict(&j, "en", bad);
    CHECK(strcmp(v, "error") != 0);
    judge_close(&j);
}
