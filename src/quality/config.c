/*
 * config.c — per-language filter configuration: compiled-in defaults for
 * "en" (FineWeb) and "pl" (FineWeb-2 pol_Latn), and a YAML file (libyaml)
 * that overrides them or adds languages.  Keys are datatrove's argument
 * names, so a FineWeb-2 configs/<lang>.yml pastes in as a language section.
 * The one thing to know: null (~) switches a rule off.
 */
#include "quality/quality.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <yaml.h>

static const char *const en_stop[] = {"the", "be", "to", "of", "and", "that", "have", "with"};
/* FineWeb-2 configs/pol_Latn.yml "stopwords" */
static const char *const pl_stop[] = {"w",     "i",   "na",     "z",    "do",   "się",
                                      "roku",  "od",  "a",      "jest", "przez", "po",
                                      "jako",  "oraz", "o",     "został", "był", "nie"};

static void set_stop_words(q_lang_cfg *L, const char *const *w, size_t n)
{
    L->n_stop = 0;
    memset(L->stop_first, 0, sizeof L->stop_first);
    for (size_t i = 0; i < n && i < Q_MAX_STOP; i++) {
        L->stop[L->n_stop++] = (sito_str){w[i], strlen(w[i])};
        L->stop_first[(unsigned char)w[i][0]] |= q_stop_len_bit(strlen(w[i]));
    }
}

/* datatrove's class defaults, FineWeb's English pipeline on top */
static void defaults_en(q_lang_cfg *L)
{
    memset(L, 0, sizeof *L);
    L->order[0] = QF_GOPHER_REPETITION;
    L->order[1] = QF_GOPHER_QUALITY;
    L->order[2] = QF_C4;
    L->order[3] = QF_FINEWEB;
    L->n_order = 4;
    L->tokenizer = Q_TOK_ENGLISH;
    L->min_doc_words = 50;
    L->max_doc_words = 100000;
    L->min_avg_word_length = 3;
    L->max_avg_word_length = 10;
    L->max_symbol_word_ratio = 0.1;
    L->max_bullet_lines_ratio = 0.9;
    L->max_ellipsis_lines_ratio = 0.3;
    L->max_non_alpha_words_ratio = 0.8;
    L->min_stop_words = 2;
    set_stop_words(L, en_stop, sizeof en_stop / sizeof *en_stop);
    L->dup_line_frac = 0.3;
    L->dup_para_frac = 0.3;
    L->dup_line_char_frac = 0.2;
    L->dup_para_char_frac = 0.2;
    const double top[3] = {0.2, 0.18, 0.16}, dup[6] = {0.15, 0.14, 0.13, 0.12, 0.11, 0.10};
    memcpy(L->top_ngram, top, sizeof top);
    memcpy(L->dup_ngram, dup, sizeof dup);
    L->c4_remove_citations = 1;
    L->c4_no_terminal_punct = 0; /* FineWeb: C4QualityFilter(filter_no_terminal_punct=False) */
    L->c4_min_words_per_line = 3;
    L->c4_max_word_length = 1000;
    L->c4_lorem_ipsum = L->c4_javascript = L->c4_curly_bracket = L->c4_policy = 1;
    L->c4_modify_text = 1;
    L->c4_min_sentences = 5;
    L->line_punct_thr = 0.12;
    L->short_line_thr = 0.67;
    L->short_line_length = 30;
    L->char_dup_ratio = 0.01;
    L->new_line_ratio = 0.3;
    L->min_lang_score = 0.65;
}

/* FineWeb-2: configs/pol_Latn.yml and the filtering step of its pipeline
 * (repetition with paragraph and line-char rules off, FineWeb quality
 * with short lines off and char_duplicates_ratio 0.1, no C4) */
static void defaults_pl(q_lang_cfg *L)
{
    defaults_en(L);
    L->order[0] = QF_GOPHER_REPETITION;
    L->order[1] = QF_FINEWEB;
    L->order[2] = QF_GOPHER_QUALITY;
    L->n_order = 3;
    L->tokenizer = Q_TOK_GENERIC;
    L->max_avg_word_length = 11;
    L->max_non_alpha_words_ratio = 0.726;
    set_stop_words(L, pl_stop, sizeof pl_stop / sizeof *pl_stop);
    L->dup_line_frac = 0.353;
    L->dup_para_frac = L->dup_line_char_frac = L->dup_para_char_frac = 0;
    const double top[3] = {0.096, 0.12, 0.144}, dup[6] = {0.203, 0.182, 0.163, 0.15, 0.137, 0.126};
    memcpy(L->top_ngram, top, sizeof top);
    memcpy(L->dup_ngram, dup, sizeof dup);
    L->c4_no_terminal_punct = 1; /* datatrove's default; C4 only annotates here */
    L->line_punct_thr = 0.2;
    L->short_line_thr = 999;
    L->char_dup_ratio = 0.1;
    L->new_line_ratio = 0.209;
    L->min_lang_score = 0.689;
}

/* Languages without a section of their own: only the rules that do not
 * depend on how words are split (duplicate lines and paragraphs), so a
 * Chinese or Japanese page is not judged by English stop words and
 * whitespace "words". */
static void defaults_other(q_lang_cfg *L)
{
    defaults_en(L);
    L->order[0] = QF_GOPHER_REPETITION;
    L->n_order = 1;
    L->tokenizer = Q_TOK_GENERIC;
    for (int i = 0; i < 3; i++)
        L->top_ngram[i] = NAN; /* NAN, not 0, switches these rules off */
    for (int i = 0; i < 6; i++)
        L->dup_ngram[i] = NAN;
}

void q_lang_defaults(q_lang_cfg *L, const char *name)
{
    if (strcmp(name, "pl") == 0 || strcmp(name, "pol_Latn") == 0)
        defaults_pl(L);
    else if (strcmp(name, "other") == 0)
        defaults_other(L);
    else
        defaults_en(L);
    snprintf(L->name, sizeof L->name, "%s", name);
}

/* ------------------------------------------------------------ lookup */

static int find_lang(const sito_quality_config *cfg, const char *p, size_t n)
{
    for (int i = 0; i < cfg->n; i++)
        if (strlen(cfg->langs[i].name) == n && memcmp(cfg->langs[i].name, p, n) == 0)
            return i;
    return -1;
}

const q_lang_cfg *q_config_for(const sito_quality_config *cfg, sito_str lang)
{
    const char *p = lang.ptr;
    size_t n = lang.len;
    if (n >= 9 && memcmp(p, "__label__", 9) == 0)
        p += 9, n -= 9;
    if (n) {
        int i = find_lang(cfg, p, n);
        if (i >= 0)
            return &cfg->langs[i];
        size_t k = 0;
        while (k < n && p[k] != '_' && p[k] != '-')
            k++;
        if (k < n && (i = find_lang(cfg, p, k)) >= 0)
            return &cfg->langs[i];
        /* a language identified, but without a section */
        if ((i = find_lang(cfg, "other", 5)) >= 0)
            return &cfg->langs[i];
    }
    return &cfg->langs[cfg->fallback];
}

/* --------------------------------------------------------- lifecycle */

static int add_lang(sito_quality_config *cfg, const char *name, const char *base)
{
    q_lang_cfg *v = realloc(cfg->langs, (size_t)(cfg->n + 1) * sizeof *v);
    if (!v)
        return -1;
    cfg->langs = v;
    q_lang_defaults(&v[cfg->n], base ? base : name);
    snprintf(v[cfg->n].name, sizeof v[cfg->n].name, "%s", name);
    return cfg->n++;
}

void sito_quality_config_free(sito_quality_config *cfg)
{
    if (!cfg)
        return;
    for (int i = 0; i < cfg->n_owned; i++)
        free(cfg->owned[i]);
    free(cfg->owned);
    free(cfg->langs);
    free(cfg);
}

static char *own(sito_quality_config *cfg, const char *s)
{
    if (cfg->n_owned == cfg->cap_owned) {
        int cap = cfg->cap_owned ? cfg->cap_owned * 2 : 64;
        char **v = realloc(cfg->owned, (size_t)cap * sizeof *v);
        if (!v)
            return NULL;
        cfg->owned = v;
        cfg->cap_owned = cap;
    }
    char *d = strdup(s);
    if (d)
        cfg->owned[cfg->n_owned++] = d;
    return d;
}

/* ---------------------------------------------------------- YAML file */

typedef struct loader {
    sito_quality_config *cfg;
    yaml_document_t doc;
    const char *path;
    char *err;
    size_t errlen;
} loader;

static int fail(loader *ld, const yaml_node_t *at, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (at)
        snprintf(ld->err, ld->errlen, "%s: line %zu: %s", ld->path, at->start_mark.line + 1, msg);
    else
        snprintf(ld->err, ld->errlen, "%s: %s", ld->path, msg);
    return -1;
}

static const char *scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int is_null(const yaml_node_t *n)
{
    const char *s = scalar(n);
    return s && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
           (!*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL"));
}

static int get_number(loader *ld, const yaml_node_t *n, const char *key, double *out)
{
    if (is_null(n)) {
        *out = NAN;
        return 0;
    }
    const char *s = scalar(n);
    char *end;
    errno = 0;
    double v = s ? strtod(s, &end) : 0;
    if (!s || end == s || *end || errno || isnan(v))
        return fail(ld, n, "'%s' needs a number or null", key);
    *out = v;
    return 0;
}

static int get_bool(loader *ld, const yaml_node_t *n, const char *key, int *out)
{
    const char *s = scalar(n);
    if (s && (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "yes") || !strcmp(s, "1")))
        *out = 1;
    else if (s && (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "no") || !strcmp(s, "0")))
        *out = 0;
    else
        return fail(ld, n, "'%s' needs true or false", key);
    return 0;
}

static int get_int(loader *ld, const yaml_node_t *n, const char *key, int *out)
{
    double v;
    if (get_number(ld, n, key, &v))
        return -1;
    if (isnan(v))
        v = -1; /* datatrove's "-1 disables" */
    if (v != floor(v) || v < -1 || v > 1e9)
        return fail(ld, n, "'%s' needs a whole number", key);
    *out = (int)v;
    return 0;
}

/* [[2, 0.2], [3, 0.18]] or {2: 0.2, 3: 0.18} into out[n - first] */
static int get_ngrams(loader *ld, const yaml_node_t *n, const char *key, double *out, int first,
                      int count)
{
    for (int i = 0; i < count; i++)
        out[i] = NAN; /* n-grams not listed are off, as in datatrove */
    if (is_null(n))
        return 0;
    if (n->type == YAML_SEQUENCE_NODE) {
        for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
            yaml_node_t *pair = yaml_document_get_node(&ld->doc, *it);
            if (!pair || pair->type != YAML_SEQUENCE_NODE ||
                pair->data.sequence.items.top - pair->data.sequence.items.start != 2)
                return fail(ld, pair ? pair : n, "'%s' needs pairs [n, fraction]", key);
            double g, f;
            if (get_number(ld, yaml_document_get_node(&ld->doc, pair->data.sequence.items.start[0]), key, &g) ||
                get_number(ld, yaml_document_get_node(&ld->doc, pair->data.sequence.items.start[1]), key, &f))
                return -1;
            if (isnan(g) || g < first || g >= first + count || g != floor(g))
                return fail(ld, pair, "'%s': n must be %d..%d", key, first, first + count - 1);
            out[(int)g - first] = f;
        }
        return 0;
    }
    if (n->type == YAML_MAPPING_NODE) {
        for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
            double g, f;
            if (get_number(ld, yaml_document_get_node(&ld->doc, p->key), key, &g) ||
                get_number(ld, yaml_document_get_node(&ld->doc, p->value), key, &f))
                return -1;
            if (isnan(g) || g < first || g >= first + count || g != floor(g))
                return fail(ld, n, "'%s': n must be %d..%d", key, first, first + count - 1);
            out[(int)g - first] = f;
        }
        return 0;
    }
    return fail(ld, n, "'%s' needs a list of [n, fraction] pairs", key);
}

static int get_stop_words(loader *ld, const yaml_node_t *n, q_lang_cfg *L)
{
    if (n->type != YAML_SEQUENCE_NODE)
        return fail(ld, n, "'stop_words' needs a list of words");
    L->n_stop = 0;
    memset(L->stop_first, 0, sizeof L->stop_first);
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
        const char *w = scalar(yaml_document_get_node(&ld->doc, *it));
        if (!w || !*w)
            return fail(ld, n, "'stop_words' needs non-empty words");
        if (L->n_stop == Q_MAX_STOP)
            return fail(ld, n, "more than %d stop words", Q_MAX_STOP);
        char *d = own(ld->cfg, w);
        if (!d)
            return fail(ld, n, "out of memory");
        L->stop[L->n_stop++] = (sito_str){d, strlen(d)};
        L->stop_first[(unsigned char)d[0]] |= q_stop_len_bit(strlen(d));
    }
    return 0;
}

static const char *const filter_names[QF_COUNT] = {
    [QF_GOPHER_REPETITION] = "gopher_repetition",
    [QF_GOPHER_QUALITY] = "gopher_quality",
    [QF_C4] = "c4",
    [QF_FINEWEB] = "fineweb_quality",
    [QF_LANG_SCORE] = "language_score",
};

static int get_filters(loader *ld, const yaml_node_t *n, q_lang_cfg *L)
{
    if (n->type != YAML_SEQUENCE_NODE)
        return fail(ld, n, "'filters' needs a list of filter names");
    L->n_order = 0;
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
        const char *f = scalar(yaml_document_get_node(&ld->doc, *it));
        int k = 0;
        while (k < QF_COUNT && (!f || strcmp(f, filter_names[k])))
            k++;
        if (k == QF_COUNT)
            return fail(ld, n, "unknown filter '%s' (gopher_repetition, gopher_quality, c4, "
                               "fineweb_quality, language_score)", f ? f : "?");
        for (int j = 0; j < L->n_order; j++)
            if (L->order[j] == k)
                return fail(ld, n, "filter '%s' listed twice", f);
        L->order[L->n_order++] = k;
    }
    return 0;
}

typedef enum { K_NUM, K_INT, K_BOOL } key_kind;

#define NUM(k, f) {k, K_NUM, offsetof(q_lang_cfg, f)}
#define INT(k, f) {k, K_INT, offsetof(q_lang_cfg, f)}
#define BOOL(k, f) {k, K_BOOL, offsetof(q_lang_cfg, f)}

static const struct {
    const char *key;
    key_kind kind;
    size_t off;
} keys[] = {
    NUM("min_doc_words", min_doc_words),
    NUM("max_doc_words", max_doc_words),
    NUM("min_avg_word_length", min_avg_word_length),
    NUM("max_avg_word_length", max_avg_word_length),
    NUM("max_symbol_word_ratio", max_symbol_word_ratio),
    NUM("max_bullet_lines_ratio", max_bullet_lines_ratio),
    NUM("max_ellipsis_lines_ratio", max_ellipsis_lines_ratio),
    NUM("max_non_alpha_words_ratio", max_non_alpha_words_ratio),
    NUM("min_stop_words", min_stop_words),
    NUM("dup_line_frac", dup_line_frac),
    NUM("dup_para_frac", dup_para_frac),
    NUM("dup_line_char_frac", dup_line_char_frac),
    NUM("dup_para_char_frac", dup_para_char_frac),
    BOOL("remove_citations", c4_remove_citations),
    BOOL("filter_no_terminal_punct", c4_no_terminal_punct),
    INT("min_words_per_line", c4_min_words_per_line),
    INT("max_word_length", c4_max_word_length),
    BOOL("filter_lorem_ipsum", c4_lorem_ipsum),
    BOOL("filter_javascript", c4_javascript),
    BOOL("filter_curly_bracket", c4_curly_bracket),
    BOOL("filter_policy", c4_policy),
    BOOL("modify_text", c4_modify_text),
    NUM("min_num_sentences", c4_min_sentences),
    NUM("line_punct_thr", line_punct_thr),
    BOOL("line_punct_exclude_zero", line_punct_exclude_zero),
    NUM("short_line_thr", short_line_thr),
    INT("short_line_length", short_line_length),
    NUM("char_duplicates_ratio", char_dup_ratio),
    NUM("new_line_ratio", new_line_ratio),
    NUM("language_score", min_lang_score),
};

static int load_lang_map(loader *ld, const yaml_node_t *map, q_lang_cfg *L);

static int load_key(loader *ld, const char *k, const yaml_node_t *v, q_lang_cfg *L)
{
    for (int f = 0; f < QF_COUNT; f++)
        if (!strcmp(k, filter_names[f]) && v->type == YAML_MAPPING_NODE)
            return load_lang_map(ld, v, L);
    if (!strcmp(k, "base"))
        return 0; /* handled when the section was created */
    if (!strcmp(k, "filters"))
        return get_filters(ld, v, L);
    if (!strcmp(k, "stop_words") || !strcmp(k, "stopwords"))
        return get_stop_words(ld, v, L);
    if (!strcmp(k, "top_n_grams"))
        return get_ngrams(ld, v, k, L->top_ngram, 2, 3);
    if (!strcmp(k, "dup_n_grams"))
        return get_ngrams(ld, v, k, L->dup_ngram, 5, 6);
    if (!strcmp(k, "tokenizer")) {
        const char *s = scalar(v);
        if (s && !strcmp(s, "english"))
            L->tokenizer = Q_TOK_ENGLISH;
        else if (s && !strcmp(s, "generic"))
            L->tokenizer = Q_TOK_GENERIC;
        else
            return fail(ld, v, "'tokenizer' is english or generic");
        return 0;
    }
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        if (strcmp(k, keys[i].key))
            continue;
        char *field = (char *)L + keys[i].off;
        switch (keys[i].kind) {
        case K_NUM: return get_number(ld, v, k, (double *)field);
        case K_INT: return get_int(ld, v, k, (int *)field);
        case K_BOOL: return get_bool(ld, v, k, (int *)field);
        }
    }
    return fail(ld, v, "unknown key '%s'", k);
}

static int load_lang_map(loader *ld, const yaml_node_t *map, q_lang_cfg *L)
{
    if (map->type != YAML_MAPPING_NODE)
        return fail(ld, map, "a language section must be a mapping");
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        const yaml_node_t *kn = yaml_document_get_node(&ld->doc, p->key);
        const yaml_node_t *vn = yaml_document_get_node(&ld->doc, p->value);
        const char *k = scalar(kn);
        if (!k || !vn)
            return fail(ld, kn, "keys must be plain words");
        if (load_key(ld, k, vn, L))
            return -1;
    }
    return 0;
}

static const yaml_node_t *map_get(loader *ld, const yaml_node_t *map, const char *key)
{
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        const char *k = scalar(yaml_document_get_node(&ld->doc, p->key));
        if (k && !strcmp(k, key))
            return yaml_document_get_node(&ld->doc, p->value);
    }
    return NULL;
}

static int load_languages(loader *ld, const yaml_node_t *langs)
{
    if (langs->type != YAML_MAPPING_NODE)
        return fail(ld, langs, "'languages' must map language codes to sections");
    for (yaml_node_pair_t *p = langs->data.mapping.pairs.start; p < langs->data.mapping.pairs.top; p++) {
        const yaml_node_t *kn = yaml_document_get_node(&ld->doc, p->key);
        const yaml_node_t *vn = yaml_document_get_node(&ld->doc, p->value);
        const char *name = scalar(kn);
        if (!name || !*name || strlen(name) >= sizeof ld->cfg->langs[0].name)
            return fail(ld, kn, "bad language code");
        if (!vn || vn->type != YAML_MAPPING_NODE)
            return fail(ld, vn ? vn : kn, "section '%s' must be a mapping", name);
        const char *base = scalar(map_get(ld, vn, "base"));
        int i = find_lang(ld->cfg, name, strlen(name));
        if (base || i < 0) {
            if (i >= 0)
                q_lang_defaults(&ld->cfg->langs[i], base), snprintf(ld->cfg->langs[i].name, sizeof ld->cfg->langs[i].name, "%s", name);
            else if ((i = add_lang(ld->cfg, name, base)) < 0)
                return fail(ld, kn, "out of memory");
        }
        if (load_lang_map(ld, vn, &ld->cfg->langs[i]))
            return -1;
    }
    return 0;
}

static int load_file(loader *ld)
{
    FILE *f = fopen(ld->path, "rb");
    if (!f)
        return fail(ld, NULL, "cannot open: %s", strerror(errno));
    yaml_parser_t parser;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_file(&parser, f);
    int ok = yaml_parser_load(&parser, &ld->doc);
    fclose(f);
    if (!ok) {
        snprintf(ld->err, ld->errlen, "%s: line %zu: %s", ld->path, parser.problem_mark.line + 1,
                 parser.problem ? parser.problem : "YAML error");
        yaml_parser_delete(&parser);
        return -1;
    }
    yaml_parser_delete(&parser);
    int rc = 0;
    const yaml_node_t *root = yaml_document_get_root_node(&ld->doc);
    if (!root) {
        /* an empty file: the defaults */
    } else if (root->type != YAML_MAPPING_NODE) {
        rc = fail(ld, root, "the top level must be a mapping (default:, languages:)");
    } else {
        for (yaml_node_pair_t *p = root->data.mapping.pairs.start; !rc && p < root->data.mapping.pairs.top; p++) {
            const yaml_node_t *kn = yaml_document_get_node(&ld->doc, p->key);
            const yaml_node_t *vn = yaml_document_get_node(&ld->doc, p->value);
            const char *k = scalar(kn);
            if (k && !strcmp(k, "languages"))
                rc = load_languages(ld, vn);
            else if (!(k && !strcmp(k, "default")))
                rc = fail(ld, kn, "unknown top-level key '%s' (default, languages)", k ? k : "?");
        }
        const char *def = scalar(map_get(ld, root, "default"));
        if (!rc && def) {
            int i = find_lang(ld->cfg, def, strlen(def));
            if (i < 0)
                rc = fail(ld, map_get(ld, root, "default"), "default language '%s' has no section", def);
            else
                ld->cfg->fallback = i;
        }
    }
    yaml_document_delete(&ld->doc);
    return rc;
}

sito_quality_config *sito_quality_config_load(const char *path, char *err, size_t errlen)
{
    char dummy[8];
    if (!err || !errlen)
        err = dummy, errlen = sizeof dummy;
    err[0] = 0;
    sito_quality_config *cfg = calloc(1, sizeof *cfg);
    if (!cfg || add_lang(cfg, "en", NULL) < 0 || add_lang(cfg, "pl", NULL) < 0 ||
        add_lang(cfg, "other", NULL) < 0) {
        snprintf(err, errlen, "out of memory");
        sito_quality_config_free(cfg);
        return NULL;
    }
    if (path) {
        loader ld = {.cfg = cfg, .path = path, .err = err, .errlen = errlen};
        if (load_file(&ld)) {
            sito_quality_config_free(cfg);
            return NULL;
        }
    }
    return cfg;
}

const char *sito_quality_config_lang(const sito_quality_config *cfg, const char *lang)
{
    return q_config_for(cfg, (sito_str){lang ? lang : "", lang ? strlen(lang) : 0})->name;
}
