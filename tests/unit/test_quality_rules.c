/* Quality decisions at every threshold (signals set just below and just
 * above), the YAML configuration, replaying decisions from JSON, the seed
 * page, PII replacement and the URL block list. */
#include "sito.h"
#include "unit.h"
#include "quality/jsonl_read.h"
#include "quality/words.h"

#include <math.h>
#include <stdlib.h>
#include <unistd.h>

/* Signals of a document that every filter keeps. */
static void passing_signals(sito_doc *d)
{
    static const struct { int sig; double v; } ok[] = {
        {SITO_SIG_GOPHER_WORD_COUNT, 500},     {SITO_SIG_GOPHER_MEAN_WORD_LENGTH, 5},
        {SITO_SIG_GOPHER_ALPHA_WORDS_FRAC, 0.95}, {SITO_SIG_GOPHER_STOP_WORDS, 40},
        {SITO_SIG_C4_SENTENCES, 30},           {SITO_SIG_FW_LINE_PUNCT_FRAC, 0.9},
        {SITO_SIG_FW_SHORT_LINE_FRAC, 0.1},    {SITO_SIG_FW_NEWLINE_WORD_RATIO, 0.05},
    };
    memset(d->signals, 0, sizeof d->signals);
    for (int i = 0; i < SITO_SIG_COUNT; i++)
        sito_doc_set_signal(d, i, 0);
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
        sito_doc_set_signal(d, ok[i].sig, ok[i].v);
}

static const char *decide(const sito_quality_config *cfg, const char *lang, int sig, double v)
{
    static sito_doc d;
    memset(&d, 0, sizeof d);
    passing_signals(&d);
    d.lang = (sito_str){lang, strlen(lang)};
    sito_doc_set_signal(&d, sig, v);
    sito_quality_decide(cfg, &d);
    return d.filter ? d.filter : "kept";
}

typedef struct rule {
    int sig;
    double pass, fail;   /* just inside, just outside */
    const char *name;
} rule;

#define E 1e-9

static const rule en_rules[] = {
    {SITO_SIG_DUP_PARA_FRAC, 0.3, 0.3 + E, "gopher_repetition:dup_para_frac"},
    {SITO_SIG_DUP_PARA_CHAR_FRAC, 0.2, 0.2 + E, "gopher_repetition:dup_para_char_frac"},
    {SITO_SIG_DUP_LINE_FRAC, 0.3, 0.3 + E, "gopher_repetition:dup_line_frac"},
    {SITO_SIG_DUP_LINE_CHAR_FRAC, 0.2, 0.2 + E, "gopher_repetition:dup_line_char_frac"},
    {SITO_SIG_TOP_2GRAM_FRAC, 0.2, 0.2 + E, "gopher_repetition:top_2_gram"},
    {SITO_SIG_TOP_3GRAM_FRAC, 0.18, 0.18 + E, "gopher_repetition:top_3_gram"},
    {SITO_SIG_TOP_4GRAM_FRAC, 0.16, 0.16 + E, "gopher_repetition:top_4_gram"},
    {SITO_SIG_DUP_5GRAM_FRAC, 0.15, 0.15 + E, "gopher_repetition:duplicated_5_n_grams"},
    {SITO_SIG_DUP_6GRAM_FRAC, 0.14, 0.14 + E, "gopher_repetition:duplicated_6_n_grams"},
    {SITO_SIG_DUP_7GRAM_FRAC, 0.13, 0.13 + E, "gopher_repetition:duplicated_7_n_grams"},
    {SITO_SIG_DUP_8GRAM_FRAC, 0.12, 0.12 + E, "gopher_repetition:duplicated_8_n_grams"},
    {SITO_SIG_DUP_9GRAM_FRAC, 0.11, 0.11 + E, "gopher_repetition:duplicated_9_n_grams"},
    {SITO_SIG_DUP_10GRAM_FRAC, 0.10, 0.10 + E, "gopher_repetition:duplicated_10_n_grams"},
    {SITO_SIG_GOPHER_WORD_COUNT, 50, 49, "gopher_quality:short_doc"},
    {SITO_SIG_GOPHER_WORD_COUNT, 100000, 100001, "gopher_quality:long_doc"},
    {SITO_SIG_GOPHER_MEAN_WORD_LENGTH, 3, 3 - E, "gopher_quality:below_avg_threshold"},
    {SITO_SIG_GOPHER_MEAN_WORD_LENGTH, 10, 10 + E, "gopher_quality:above_avg_threshold"},
    {SITO_SIG_GOPHER_HASH_RATIO, 0.1, 0.1 + E, "gopher_quality:too_many_hashes"},
    {SITO_SIG_GOPHER_ELLIPSIS_RATIO, 0.1, 0.1 + E, "gopher_quality:too_many_ellipsis"},
    {SITO_SIG_GOPHER_BULLET_LINES_FRAC, 0.9, 0.9 + E, "gopher_quality:too_many_bullets"},
    {SITO_SIG_GOPHER_ELLIPSIS_LINES_FRAC, 0.3, 0.3 + E, "gopher_quality:too_many_end_ellipsis"},
    {SITO_SIG_GOPHER_ALPHA_WORDS_FRAC, 0.8, 0.8 - E, "gopher_quality:below_alpha_threshold"},
    {SITO_SIG_GOPHER_STOP_WORDS, 2, 1, "gopher_quality:enough_stop_words"},
    {SITO_SIG_C4_LOREM_IPSUM, 0, 1, "c4:lorem_ipsum"},
    {SITO_SIG_C4_CURLY_BRACKET, 0, 1, "c4:curly_bracket"},
    {SITO_SIG_C4_SENTENCES, 5, 4, "c4:too_few_sentences"},
    {SITO_SIG_FW_LINE_PUNCT_FRAC, 0.12 + E, 0.12, "fineweb_quality:line_punct_ratio"},
    {SITO_SIG_FW_SHORT_LINE_FRAC, 0.67 - E, 0.67, "fineweb_quality:short_line_ratio"},
    {SITO_SIG_FW_DUP_LINE_CHAR_FRAC, 0.01 - E, 0.01, "fineweb_quality:char_dup_ratio"},
    {SITO_SIG_FW_NEWLINE_WORD_RATIO, 0.3, 0.3 + E, "fineweb_quality:list_ratio"},
};

static const rule pl_rules[] = {
    {SITO_SIG_DUP_LINE_FRAC, 0.353, 0.353 + E, "gopher_repetition:dup_line_frac"},
    {SITO_SIG_TOP_2GRAM_FRAC, 0.096, 0.096 + E, "gopher_repetition:top_2_gram"},
    {SITO_SIG_TOP_3GRAM_FRAC, 0.12, 0.12 + E, "gopher_repetition:top_3_gram"},
    {SITO_SIG_TOP_4GRAM_FRAC, 0.144, 0.144 + E, "gopher_repetition:top_4_gram"},
    {SITO_SIG_DUP_5GRAM_FRAC, 0.203, 0.203 + E, "gopher_repetition:duplicated_5_n_grams"},
    {SITO_SIG_DUP_6GRAM_FRAC, 0.182, 0.182 + E, "gopher_repetition:duplicated_6_n_grams"},
    {SITO_SIG_DUP_7GRAM_FRAC, 0.163, 0.163 + E, "gopher_repetition:duplicated_7_n_grams"},
    {SITO_SIG_DUP_8GRAM_FRAC, 0.15, 0.15 + E, "gopher_repetition:duplicated_8_n_grams"},
    {SITO_SIG_DUP_9GRAM_FRAC, 0.137, 0.137 + E, "gopher_repetition:duplicated_9_n_grams"},
    {SITO_SIG_DUP_10GRAM_FRAC, 0.126, 0.126 + E, "gopher_repetition:duplicated_10_n_grams"},
    {SITO_SIG_FW_LINE_PUNCT_FRAC, 0.2 + E, 0.2, "fineweb_quality:line_punct_ratio"},
    {SITO_SIG_FW_DUP_LINE_CHAR_FRAC, 0.1 - E, 0.1, "fineweb_quality:char_dup_ratio"},
    {SITO_SIG_FW_NEWLINE_WORD_RATIO, 0.209, 0.209 + E, "fineweb_quality:list_ratio"},
    {SITO_SIG_GOPHER_WORD_COUNT, 50, 49, "gopher_quality:short_doc"},
    {SITO_SIG_GOPHER_MEAN_WORD_LENGTH, 3, 3 - E, "gopher_quality:below_avg_threshold"},
    {SITO_SIG_GOPHER_MEAN_WORD_LENGTH, 11, 11 + E, "gopher_quality:above_avg_threshold"},
    {SITO_SIG_GOPHER_ALPHA_WORDS_FRAC, 0.726, 0.726 - E, "gopher_quality:below_alpha_threshold"},
    {SITO_SIG_GOPHER_STOP_WORDS, 2, 1, "gopher_quality:enough_stop_words"},
};

static int check_rules(const sito_quality_config *cfg, const char *lang, const rule *r, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *p = decide(cfg, lang, r[i].sig, r[i].pass);
        const char *f = decide(cfg, lang, r[i].sig, r[i].fail);
        if (strcmp(p, "kept") || strcmp(f, r[i].name)) {
            fprintf(stderr, "  %s %s: at %.12g -> %s, at %.12g -> %s\n", lang, r[i].name,
                    r[i].pass, p, r[i].fail, f);
            return 0;
        }
    }
    return 1;
}

TEST(quality_decisions_flip_exactly_at_every_english_threshold)
{
    sito_quality_config *cfg = sito_quality_config_load(NULL, NULL, 0);
    CHECK(check_rules(cfg, "en", en_rules, sizeof en_rules / sizeof *en_rules));
    sito_quality_config_free(cfg);
}

TEST(quality_decisions_flip_exactly_at_every_polish_threshold)
{
    sito_quality_config *cfg = sito_quality_config_load(NULL, NULL, 0);
    CHECK(check_rules(cfg, "pl", pl_rules, sizeof pl_rules / sizeof *pl_rules));
    CHECK(check_rules(cfg, "__label__pl", pl_rules, 3));
    CHECK(check_rules(cfg, "pl_Latn", pl_rules, 3));
    sito_quality_config_free(cfg);
}

TEST(quality_polish_defaults_switch_off_fineweb_2_disabled_rules)
{
    sito_quality_config *cfg = sito_quality_config_load(NULL, NULL, 0);
    /* FineWeb-2: no paragraph/line-char repetition, no short lines, no C4 */
    CHECK(strcmp(decide(cfg, "pl", SITO_SIG_DUP_PARA_FRAC, 1), "kept") == 0);
    CHECK(strcmp(decide(cfg, "pl", SITO_SIG_DUP_LINE_CHAR_FRAC, 1), "kept") == 0);
    CHECK(strcmp(decide(cfg, "pl", SITO_SIG_FW_SHORT_LINE_FRAC, 1), "kept") == 0);
    CHECK(strcmp(decide(cfg, "pl", SITO_SIG_C4_SENTENCES, 0), "kept") == 0);
    CHECK(strcmp(decide(cfg, "pl", SITO_SIG_C4_LOREM_IPSUM, 1), "kept") == 0);
    /* a document without a language uses the en section; an identified
     * language without a section uses "other", which has no C4 */
    CHECK(strcmp(decide(cfg, "", SITO_SIG_C4_SENTENCES, 0), "c4:too_few_sentences") == 0);
    CHECK(strcmp(decide(cfg, "xx", SITO_SIG_C4_SENTENCES, 0), "kept") == 0);
    sito_quality_config_free(cfg);
}

TEST(quality_filter_order_decides_which_rule_is_named)
{
    sito_quality_config *cfg = sito_quality_config_load(NULL, NULL, 0);
    sito_doc d = {0};
    passing_signals(&d);
    sito_doc_set_signal(&d, SITO_SIG_GOPHER_WORD_COUNT, 10);
    sito_doc_set_signal(&d, SITO_SIG_FW_LINE_PUNCT_FRAC, 0);
    d.lang = (sito_str){"en", 2};
    sito_quality_decide(cfg, &d);
    CHECK(d.filter && strcmp(d.filter, "gopher_quality:short_doc") == 0);
    CHECK(d.filter_value == 10);
    d.filter = NULL;
    d.lang = (sito_str){"pl", 2}; /* FineWeb-2 runs FineWeb quality first */
    sito_quality_decide(cfg, &d);
    CHECK(d.filter && strcmp(d.filter, "fineweb_quality:line_punct_ratio") == 0);
    sito_quality_config_free(cfg);
}

/* ------------------------------------------------------------ config */

static char *write_tmp(const char *content)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/sito-quality-XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0)
        return NULL;
    if (write(fd, content, strlen(content)) < 0) {}
    close(fd);
    return path;
}

TEST(quality_config_yaml_overrides_and_adds_a_language)
{
    char *p = write_tmp("default: de\n"
                        "languages:\n"
                        "  en:\n"
                        "    gopher_quality: {max_avg_word_length: 12}\n"
                        "  de:\n"
                        "    base: pl\n"
                        "    filters: [gopher_quality]\n"
                        "    stop_words: [der, die, und]\n"
                        "    min_stop_words: 3\n"
                        "    top_n_grams: [[2, 0.5]]\n");
    char err[256] = "";
    sito_quality_config *cfg = sito_quality_config_load(p, err, sizeof err);
    unlink(p);
    CHECK(cfg != NULL);
    CHECK(strcmp(decide(cfg, "en", SITO_SIG_GOPHER_MEAN_WORD_LENGTH, 11.5), "kept") == 0);
    CHECK(strcmp(decide(cfg, "de", SITO_SIG_GOPHER_STOP_WORDS, 2), "gopher_quality:enough_stop_words") == 0);
    CHECK(strcmp(decide(cfg, "de", SITO_SIG_DUP_LINE_FRAC, 1), "kept") == 0); /* not in filters */
    CHECK(strcmp(sito_quality_config_lang(cfg, ""), "de") == 0);
    CHECK(strcmp(sito_quality_config_lang(cfg, "__label__en"), "en") == 0);
    sito_quality_config_free(cfg);
}

TEST(quality_config_null_switches_a_rule_off)
{
    char *p = write_tmp("languages:\n  en:\n    min_num_sentences: null\n    line_punct_thr: ~\n");
    char err[256] = "";
    sito_quality_config *cfg = sito_quality_config_load(p, err, sizeof err);
    unlink(p);
    CHECK(cfg != NULL);
    CHECK(strcmp(decide(cfg, "en", SITO_SIG_C4_SENTENCES, 0), "kept") == 0);
    CHECK(strcmp(decide(cfg, "en", SITO_SIG_FW_LINE_PUNCT_FRAC, 0), "kept") == 0);
    sito_quality_config_free(cfg);
}

TEST(quality_config_rejects_unknown_key_naming_file_and_line)
{
    char *p = write_tmp("languages:\n  en:\n    min_doc_wrds: 5\n");
    char err[256] = "";
    sito_quality_config *cfg = sito_quality_config_load(p, err, sizeof err);
    unlink(p);
    CHECK(cfg == NULL);
    CHECK(strstr(err, "line 3") && strstr(err, "min_doc_wrds") && strstr(err, "/tmp/sito-quality-"));
}

TEST(quality_config_rejects_bad_values_and_bad_yaml)
{
    const char *bad[] = {"languages:\n  en:\n    max_doc_words: lots\n",
                         "languages:\n  en:\n    filters: [gopher, c4]\n",
                         "languages:\n  en:\n    top_n_grams: [[7, 0.1]]\n",
                         "languages: [en]\n",
                         "default: xx\n",
                         "languages:\n  en: {a: [1, 2\n",
                         "- just\n- a list\n"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char *p = write_tmp(bad[i]);
        char err[256] = "";
        sito_quality_config *cfg = sito_quality_config_load(p, err, sizeof err);
        unlink(p);
        CHECK(cfg == NULL && err[0]);
    }
    char err[256];
    CHECK(sito_quality_config_load("/nonexistent/filters.yaml", err, sizeof err) == NULL);
    CHECK(strstr(err, "/nonexistent/filters.yaml") != NULL);
}

TEST(quality_config_example_file_loads_and_matches_the_defaults)
{
    char err[256] = "";
    sito_quality_config *cfg = sito_quality_config_load("config/filters.yaml", err, sizeof err);
    if (!cfg)
        fprintf(stderr, "  %s\n", err);
    CHECK(cfg != NULL);
    CHECK(check_rules(cfg, "en", en_rules, sizeof en_rules / sizeof *en_rules));
    CHECK(check_rules(cfg, "pl", pl_rules, sizeof pl_rules / sizeof *pl_rules));
    sito_quality_config_free(cfg);
}

/* ------------------------------------------------------------ replay */

TEST(quality_decisions_replayed_from_json_match_the_full_run)
{
    sito_quality_config *cfg = sito_quality_config_load(NULL, NULL, 0);
    sito_stage full, annot;
    sito_quality_stage(&full, cfg, 0);
    sito_quality_stage(&annot, cfg, 1);
    sito_stats st = {0};
    sito_doc a = {0}, b = {0}, c = {0};
    a.arena = sito_arena_new(0);
    b.arena = sito_arena_new(0);
    c.arena = sito_arena_new(0);
    sito_buf json = {0};
    /* the langid sentences, grouped into documents of 1..40 lines */
    char path[512];
    snprintf(path, sizeof path, "%s/langid/sentences.tsv", unit_data());
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    char line[1 << 16];
    sito_buf text = {0};
    int docs = 0, kept = 0, same = 1, n = 0;
    while (fgets(line, sizeof line, f)) {
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        if (strncmp(line, "en\t", 3) && strncmp(line, "pl\t", 3))
            continue;
        sito_buf_append(&text, tab + 1, strlen(tab + 1));
        if (++n < 1 + docs % 40)
            continue;
        n = 0;
        char lang[3] = {line[0], line[1], 0};
        sito_doc_reset(&a);
        sito_doc_reset(&b);
        a.lang = b.lang = (sito_str){lang, 2};
        a.text = b.text = (sito_str){text.ptr, text.len};
        full.process(&full, &a, &st);
        annot.process(&annot, &b, &st);
        json.len = 0;
        sito_doc_to_json(&b, 1, &json);
        sito_doc_reset(&c);
        CHECK(q_doc_from_jsonl((sito_str){json.ptr, json.len}, &c) == SITO_OK);
        sito_quality_decide(cfg, &c);
        same &= (a.filter == NULL) == (c.filter == NULL);
        same &= !a.filter || strcmp(a.filter, c.filter) == 0;
        docs++;
        kept += a.filter == NULL;
        text.len = 0;
    }
    fclose(f);
    if (!(docs > 30 && kept > 0 && kept < docs))
        fprintf(stderr, "  %d docs, %d kept\n", docs, kept);
    CHECK(docs > 30 && kept > 0 && kept < docs);
    CHECK(same);
    sito_buf_free(&json);
    sito_buf_free(&text);
    sito_arena_free(a.arena);
    sito_arena_free(b.arena);
    sito_arena_free(c.arena);
    full.destroy(&full);
    annot.destroy(&annot);
    sito_quality_config_free(cfg);
}

/* ---------------------------------------------------------- the seed */

TEST(quality_seed_page_passes_polish_filters_with_its_stutter_too_rare_to_count)
{
    char path[512];
    snprintf(path, sizeof path, "%s/seed/000_df6dc53cd25a6e55.txt", unit_data());
    FILE *f = fopen(path, "rb");
    CHECK(f != NULL);
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    sito_quality_config *cfg = sito_quality_config_load(NULL, NULL, 0);
    sito_stage st;
    sito_quality_stage(&st, cfg, 0);
    sito_stats stats = {0};
    sito_doc d = {0};
    d.arena = sito_arena_new(0);
    d.lang = (sito_str){"pl", 2};
    d.text = (sito_str){buf, n};
    CHECK(st.process(&st, &d, &stats) == SITO_OK);
    CHECK(d.filter == NULL);
    CHECK_EQ_INT(d.signals[SITO_SIG_GOPHER_WORD_COUNT], 694);
    CHECK_EQ_INT(d.signals[SITO_SIG_GOPHER_STOP_WORDS], 117);
    CHECK(d.signals[SITO_SIG_DUP_LINE_FRAC] == 0);
    /* ", że" 7 times is the top 2-gram: "Korea Północna" is also there 7
     * times, but a tie goes to the first seen, as in datatrove */
    CHECK(fabs(d.signals[SITO_SIG_TOP_2GRAM_FRAC] - 28.0 / 5181) < 1e-12);
    /* the stutter "Korea Północna wystartowała Korea Północna" repeats only
     * a 2-gram: no duplicated 5-gram */
    CHECK(d.signals[SITO_SIG_DUP_5GRAM_FRAC] == 0);
    CHECK(fabs(d.signals[SITO_SIG_FW_LINE_PUNCT_FRAC] - 18.0 / 22) < 1e-12);
    st.destroy(&st);
    sito_arena_free(d.arena);
    sito_quality_config_free(cfg);
}

/* --------------------------------------------------------- tokenizer */

static int tokens_are(const char *text, int kind, const char *want)
{
    q_tokens t = {0};
    q_tokenize(text, strlen(text), kind, &t);
    char got[512] = "";
    for (size_t i = 0; i < t.n; i++) {
        strncat(got, "|", sizeof got - strlen(got) - 1);
        strncat(got, text + t.v[i].off, t.v[i].len < sizeof got - strlen(got) - 1 ? t.v[i].len : 0);
    }
    free(t.v);
    if (strcmp(got, want))
        fprintf(stderr, "  tokens %s, expected %s\n", got, want);
    return strcmp(got, want) == 0;
}

TEST(words_split_punctuation_and_english_clitics)
{
    CHECK(tokens_are("Don't stop, it's 3.14 (really)...", Q_TOK_ENGLISH,
                     "|Do|n't|stop|,|it|'s|3.14|(|really|)|..."));
    CHECK(tokens_are("Mike’a nie ma — well-known U.S. 1,000", Q_TOK_GENERIC,
                     "|Mike’a|nie|ma|—|well-known|U.S|.|1,000"));
    CHECK(tokens_are("  \xc2\xa0 Żółć\tgęślą\u2028jaźń ", Q_TOK_GENERIC, "|Żółć|gęślą|jaźń"));
}

/* Flags and code points of token i of text. */
static int token_is(const char *text, size_t i, uint32_t len, uint32_t flags)
{
    q_tokens t = {0};
    q_tokenize(text, strlen(text), Q_TOK_GENERIC, &t);
    int ok = i < t.n && t.v[i].len == len && t.v[i].cps == len && t.v[i].flags == flags;
    if (!ok)
        fprintf(stderr, "  token %zu of \"%s\": len %u flags %u\n", i, text,
                i < t.n ? t.v[i].len : 0, i < t.n ? t.v[i].flags : 0);
    free(t.v);
    return ok;
}

TEST(words_long_ascii_runs_keep_length_and_flags_across_16_byte_chunks)
{
    /* 16, 17, 32 and 40 characters, ending at a chunk boundary, after it,
     * and at the end of the text */
    CHECK(token_is("abcdefghijklmnop qrst", 0, 16, Q_TOK_WORD | Q_TOK_ALPHA | Q_TOK_NONSYM));
    CHECK(token_is("x abcdefghijklmnopq,", 1, 17, Q_TOK_WORD | Q_TOK_ALPHA | Q_TOK_NONSYM));
    CHECK(token_is("0123456789012345678901234567890_", 0, 32, Q_TOK_WORD | Q_TOK_NONSYM));
    CHECK(token_is("________________________________________ a", 0, 40, Q_TOK_WORD));
    CHECK(token_is("________________________________z", 0, 33, Q_TOK_WORD | Q_TOK_ALPHA | Q_TOK_NONSYM));
    CHECK(tokens_are("AZaz09_@[`{/:~ under_score", Q_TOK_GENERIC, "|AZaz09_|@|[|`|{|/|:|~|under_score"));
}

/* --------------------------------------------------------------- PII */

static int pii_is(const char *in, const char *want, int emails, int ips)
{
    sito_buf out = {0};
    int e, i;
    unsigned turn[2] = {0, 0};
    sito_pii_replace(NULL, in, strlen(in), &out, &e, &i, turn);
    sito_buf_append(&out, "", 1);
    int ok = strcmp(out.ptr, want) == 0 && e == emails && i == ips;
    if (!ok)
        fprintf(stderr, "  pii \"%s\" -> \"%s\" (%d emails, %d ips)\n", in, out.ptr, e, i);
    sito_buf_free(&out);
    return ok;
}

TEST(pii_replaces_lowercase_emails_in_turn_like_datatrove)
{
    CHECK(pii_is("write jan.kowalski@poczta.pl or ala@x.com.", "write email@example.com or "
                 "firstname.lastname@example.org.", 2, 0));
    /* datatrove's pattern has no IGNORECASE and needs a \b before */
    CHECK(pii_is("Jan@Example.com", "Jan@Example.com", 0, 0));
    CHECK(pii_is("żjan@x.pl", "żjan@x.pl", 0, 0));
    CHECK(pii_is("a@b", "a@b", 0, 0));
    CHECK(pii_is("x@mail.example.com-", "email@example.com-", 1, 0));
}

TEST(pii_replaces_only_public_ipv4_like_datatrove)
{
    CHECK(pii_is("dns 8.8.8.8 and 10.0.0.1 and 192.168.1.1", "dns 22.214.171.124 and 10.0.0.1 and 192.168.1.1", 0, 1));
    /* no boundaries in the pattern: the match starts inside 1234 */
    CHECK(pii_is("1234.5.6.78", "122.214.171.124", 0, 1));
    /* leading zeros make Python's ipaddress reject the match */
    CHECK(pii_is("08.8.8.8", "08.8.8.8", 0, 0));
    /* the rotation goes on through the six placeholders */
    CHECK(pii_is("1.1.1.1 1.0.0.1", "22.214.171.124 126.96.36.199", 0, 2));
    CHECK(pii_is("version 1.2.3", "version 1.2.3", 0, 0));
}

TEST(pii_stage_sets_counts_and_rewrites_text_in_the_arena)
{
    sito_stage st;
    CHECK(sito_pii_stage(&st, NULL) == SITO_OK);
    sito_doc d = {0};
    sito_stats s = {0};
    d.arena = sito_arena_new(0);
    const char *t = "mail me: ola@wp.pl, server 1.1.1.1";
    d.text = (sito_str){t, strlen(t)};
    CHECK(st.process(&st, &d, &s) == SITO_OK);
    CHECK(d.signals[SITO_SIG_PII_EMAILS] == 1 && d.signals[SITO_SIG_PII_IPS] == 1);
    CHECK_STR(d.text, "mail me: email@example.com, server 22.214.171.124");
    st.destroy(&st);
    sito_arena_free(d.arena);
}

TEST(pii_uses_configured_replacements)
{
    static const char *const mails[] = {"<EMAIL>", NULL};
    sito_pii_options o = {.email_replacements = mails, .keep_ips = 1};
    sito_buf out = {0};
    int e, i;
    unsigned turn[2] = {0, 0};
    sito_pii_replace(&o, "a@b.pl 8.8.8.8", 14, &out, &e, &i, turn);
    CHECK(out.len == strlen("<EMAIL> 8.8.8.8") && memcmp(out.ptr, "<EMAIL> 8.8.8.8", out.len) == 0);
    sito_buf_free(&out);
}

/* --------------------------------------------------------------- URL */

TEST(url_blocklist_blocks_domains_subdomains_words_and_urls)
{
    char *p = write_tmp("# a comment\nbad.example\nword:casino\nurl:http://x.org/page\n\n");
    char err[256];
    sito_url_blocklist *bl = sito_url_blocklist_load(p, err, sizeof err);
    unlink(p);
    CHECK(bl != NULL);
    const char *why;
#define BLOCKED(u) sito_url_blocked(bl, u, strlen(u), &why)
    CHECK(BLOCKED("https://bad.example/a") && !strcmp(why, "domain"));
    CHECK(BLOCKED("http://www.BAD.example:8080/") && !strcmp(why, "domain"));
    CHECK(!BLOCKED("http://notbad.example/"));
    CHECK(BLOCKED("http://ok.pl/online-Casino/") && !strcmp(why, "word"));
    CHECK(!BLOCKED("http://ok.pl/casinos"));
    CHECK(BLOCKED("http://x.org/page") && !strcmp(why, "url"));
    CHECK(!BLOCKED("http://x.org/page2"));
    sito_stage st;
    sito_stats s = {0};
    sito_doc d = {0};
    CHECK(sito_url_filter_stage(&st, bl) == SITO_OK);
    d.url = (sito_str){"http://a.bad.example/", 21};
    st.process(&st, &d, &s);
    CHECK(d.filter && !strcmp(d.filter, "url"));
    CHECK_EQ_INT(s.n_filters, 0); /* counted once, by the writer */
    sito_url_blocklist_free(bl);
}

TEST(url_blocklist_rejects_a_bad_line_naming_it)
{
    char *p = write_tmp("good.pl\nnot a domain\n");
    char err[256] = "";
    CHECK(sito_url_blocklist_load(p, err, sizeof err) == NULL);
    unlink(p);
    CHECK(strstr(err, "line 2") != NULL);
}

TEST(quality_language_without_a_section_uses_other_not_english)
{
    char err[256];
    sito_quality_config *cfg = sito_quality_config_load(NULL, err, sizeof err);
    CHECK(cfg != NULL);
    CHECK(strcmp(sito_quality_config_lang(cfg, "zh"), "other") == 0);
    CHECK(strcmp(sito_quality_config_lang(cfg, "__label__de"), "other") == 0);
    CHECK(strcmp(sito_quality_config_lang(cfg, "pl"), "pl") == 0);
    CHECK(strcmp(sito_quality_config_lang(cfg, "en"), "en") == 0);
    CHECK(strcmp(sito_quality_config_lang(cfg, ""), "en") == 0); /* no language id */
    /* a short Chinese text with no stop words is not rejected for it */
    sito_stage st;
    sito_stats s = {0};
    sito_doc d = {0};
    d.arena = sito_arena_new(0);
    CHECK(sito_quality_stage(&st, cfg, 0) == SITO_OK);
    d.lang = (sito_str){"zh", 2};
    const char *zh = "\xe4\xb8\xad\xe6\x96\x87\xe6\x96\x87\xe6\x9c\xac\xe3\x80\x82\n"
                     "\xe7\xac\xac\xe4\xba\x8c\xe8\xa1\x8c\xe3\x80\x82";
    d.text = (sito_str){zh, strlen(zh)};
    CHECK(st.process(&st, &d, &s) == SITO_OK);
    if (d.filter)
        fprintf(stderr, "  rejected by %s (%g)\n", d.filter, d.filter_value);
    CHECK(d.filter == NULL);
    if (st.destroy)
        st.destroy(&st);
    sito_arena_free(d.arena);
    sito_quality_config_free(cfg);
}
