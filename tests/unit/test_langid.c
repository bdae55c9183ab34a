/* Language id: fastText's hashing quirks, prediction semantics of the API
 * and the stream, the loader on damaged files, and the langid stage on the
 * seed page.  Needs the lid.176.ftz model ($SITO_MODEL). */
#include "lang/fasttext.h"
#include "sito.h"
#include "unit.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

static const char *model_path(void)
{
    const char *p = getenv("SITO_MODEL");
    return p && *p ? p : "models/lid.176.ftz";
}

/* One model for all tests of this file (loaded once: tests run in one
 * process). */
static sito_langid_model *model(void)
{
    static sito_langid_model *m;
    if (!m) {
        char err[256];
        int st;
        m = sito_langid_load(model_path(), err, sizeof err, &st);
        if (!m)
            fprintf(stderr, "  cannot load %s: %s\n", model_path(), err);
    }
    return m;
}

static unsigned char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = malloc((size_t)n + 1);
    if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        b = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return b;
}

/* Writes bytes to a fresh temporary file; the caller unlinks it. */
static int write_temp(char *path, size_t cap, const void *p, size_t n)
{
    const char *dir = getenv("TMPDIR");
    snprintf(path, cap, "%s/sito-langid-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    int ok = write(fd, p, n) == (ssize_t)n;
    close(fd);
    return ok ? 0 : -1;
}

/* Loads bytes as a model file: the status, and the message in err. */
static int load_bytes(const void *p, size_t n, char *err, size_t errlen,
                      sito_langid_model **out)
{
    char path[512];
    if (write_temp(path, sizeof path, p, n))
        return 99;
    int st = 12345;
    sito_langid_model *m = sito_langid_load(path, err, errlen, &st);
    unlink(path);
    if (out)
        *out = m;
    else
        sito_langid_free(m);
    return st;
}

static uint32_t hash_str(const char *s)
{
    uint32_t h = FT_HASH_INIT;
    for (; *s; s++)
        h = ft_hash_step(h, (unsigned char)*s);
    return h;
}

/* Whether a prints as fastText prints it (6 significant digits). */
static int prints_as(float a, const char *want)
{
    char got[32];
    snprintf(got, sizeof got, "%g", (double)a);
    if (strcmp(got, want))
        fprintf(stderr, "  probability prints as %s, expected %s\n", got, want);
    return !strcmp(got, want);
}

/* ------------------------------------------------------------ hashing */

TEST(langid_hash_sign_extends_bytes_above_0x7f)
{
    CHECK(hash_str("</s>") == 3617362777u);
    CHECK(hash_str("\xc5\xbc") == 2416468724u);  /* ż; plain FNV-1a: 2374995188 */
    CHECK(hash_str("<\xc5\xbc") == 1526709458u);
    CHECK(hash_str("kot>") == 1813412637u);
    CHECK(hash_str("\xe6\x97\xa5\xe6\x9c\xac") == 4164387409u);  /* 日本 */
}

TEST(langid_pruned_buckets_map_to_the_rows_fasttext_uses)
{
    sito_langid_model *m = model();
    CHECK(m);
    CHECK_EQ_INT(ft_mod_bucket(m, 1526709458u), 709458);
    CHECK_EQ_INT(ft_id_row(m, 709458), 23912);    /* <ż */
    CHECK_EQ_INT(ft_id_row(m, 1412637), 37250);   /* kot> */
    CHECK_EQ_INT(ft_id_row(m, 387409), 12701);    /* 日本 */
    CHECK_EQ_INT(ft_id_row(m, 468724), -1);       /* ż: pruned away */
}

TEST(langid_fastmod_equals_the_remainder)
{
    sito_langid_model *m = model();
    CHECK(m);
    uint32_t x = 12345;
    for (int i = 0; i < 100000; i++) {
        x = x * 1664525u + 1013904223u;
        CHECK(ft_mod_bucket(m, x) == x % m->bucket);
    }
    CHECK(ft_mod_bucket(m, UINT32_MAX) == UINT32_MAX % m->bucket);
    CHECK(ft_mod_bucket(m, 0) == 0);
}

/* ---------------------------------------------------------- prediction */

TEST(langid_predict_adds_eos_like_the_python_binding)
{
    sito_langid_model *m = model();
    CHECK(m);
    sito_langid_ctx *c = sito_langid_ctx_new(m);
    sito_langid_result r[3];
    int n = sito_langid_predict(m, c, "kot", 3, 2, 0.0f, r);
    CHECK_EQ_INT(n, 2);
    CHECK_STR(r[0].label, "__label__sl");
    CHECK_STR(r[0].lang, "sl");
    CHECK(prints_as(r[0].prob, "0.986784"));
    CHECK_STR(r[1].lang, "als");
    sito_langid_ctx_free(c);
}

TEST(langid_stream_last_line_without_newline_has_no_eos)
{
    sito_langid_model *m = model();
    CHECK(m);
    sito_langid_ctx *c = sito_langid_ctx_new(m);
    sito_langid_result r[1];
    size_t used = 0;
    int n = sito_langid_predict_stream(m, c, "kot", 3, 1, 0.0f, r, &used);
    CHECK_EQ_INT(n, 1);
    CHECK_EQ_INT(used, 3);
    CHECK(prints_as(r[0].prob, "0.997672"));
    n = sito_langid_predict_stream(m, c, "kot\nx", 5, 1, 0.0f, r, &used);
    CHECK_EQ_INT(used, 4);
    CHECK(prints_as(r[0].prob, "0.986784"));
    sito_langid_ctx_free(c);
}

TEST(langid_stream_ends_a_line_at_a_literal_eos_word)
{
    sito_langid_model *m = model();
    CHECK(m);
    sito_langid_ctx *c = sito_langid_ctx_new(m);
    sito_langid_result r[1];
    size_t used = 0;
    const char *s = "foo </s>\nkot\n";
    CHECK_EQ_INT(sito_langid_predict_stream(m, c, s, strlen(s), 1, 0.0f, r, &used), 1);
    CHECK_EQ_INT(used, 8);  /* the '\n' is pushed back, as readWord does */
    CHECK_EQ_INT(sito_langid_predict_stream(m, c, s + 8, strlen(s) - 8, 1, 0.0f, r, &used), 1);
    CHECK_EQ_INT(used, 1);  /* an EOS-only line */
    CHECK(prints_as(r[0].prob, "0.124504"));
    s = "a </s> kot\n";
    CHECK_EQ_INT(sito_langid_predict_stream(m, c, s, strlen(s), 1, 0.0f, r, &used), 1);
    CHECK_EQ_INT(used, 7);  /* the separator after </s> is consumed */
    sito_langid_ctx_free(c);
}

TEST(langid_whitespace_only_stream_tail_predicts_nothing)
{
    sito_langid_model *m = model();
    CHECK(m);
    sito_langid_ctx *c = sito_langid_ctx_new(m);
    sito_langid_result r[1];
    size_t used = 0;
    CHECK_EQ_INT(sito_langid_predict_stream(m, c, "  \t", 3, 1, 0.0f, r, &used), 0);
    CHECK_EQ_INT(used, 3);
    sito_langid_ctx_free(c);
}

TEST(langid_empty_text_predicts_from_eos_alone)
{
    sito_langid_model *m = model();
    CHECK(m);
    sito_langid_ctx *c = sito_langid_ctx_new(m);
    sito_langid_result r[3];
    CHECK_EQ_INT(sito_langid_predict(m, c, NULL, 0, 3, 0.0f, r), 3);
    CHECK_STR(r[0].lang, "en");
    CHECK(prints_as(r[0].prob, "0.124504"));
    sito_langid_ctx_free(c);
}

TEST(langid_returns_fewer_labels_than_k_below_1e5)
{
    sito_langid_model *m = model();
    CHECK(m);
    sito_langid_ctx *c = sito_langid_ctx_new(m);
    sito_langid_result r[176];
    const char *s = "Za\xc5\xbc\xc3\xb3\xc5\x82\xc4\x87 g\xc4\x99\xc5\x9bl\xc4\x85 ja\xc5\xba\xc5\x84";
    CHECK_EQ_INT(sito_langid_predict(m, c, s, strlen(s), 176, 0.0f, r), 4);
    CHECK_STR(r[0].lang, "pl");
    CHECK(prints_as(r[0].prob, "1.00005"));  /* above 1, as fastText prints it */
    CHECK_STR(r[1].lang, "lt");
    sito_langid_ctx_free(c);
}

TEST(langid_threshold_drops_less_likely_labels)
{
    sito_langid_model *m = model();
    CHECK(m);
    sito_langid_ctx *c = sito_langid_ctx_new(m);
    sito_langid_result r[3];
    CHECK_EQ_INT(sito_langid_predict(m, c, "kot", 3, 3, 0.5f, r), 1);
    CHECK_EQ_INT(sito_langid_predict(m, c, "kot", 3, 3, 0.999f, r), 0);
    sito_langid_ctx_free(c);
}

TEST(langid_newline_in_api_text_counts_as_a_space)
{
    sito_langid_model *m = model();
    CHECK(m);
    sito_langid_ctx *c = sito_langid_ctx_new(m);
    sito_langid_result a[2], b[2];
    CHECK_EQ_INT(sito_langid_predict(m, c, "Ala ma\nkota", 11, 2, 0.0f, a), 2);
    CHECK_EQ_INT(sito_langid_predict(m, c, "Ala ma kota", 11, 2, 0.0f, b), 2);
    CHECK(a[0].prob == b[0].prob && a[1].prob == b[1].prob);
    sito_langid_ctx_free(c);
}

TEST(langid_predict_rejects_bad_arguments)
{
    sito_langid_model *m = model();
    CHECK(m);
    sito_langid_ctx *c = sito_langid_ctx_new(m);
    sito_langid_result r[1];
    CHECK_EQ_INT(sito_langid_predict(m, c, "kot", 3, 0, 0.0f, r), SITO_ERR_ARG);
    CHECK_EQ_INT(sito_langid_predict(m, NULL, "kot", 3, 1, 0.0f, r), SITO_ERR_ARG);
    CHECK_EQ_INT(sito_langid_predict(m, c, "kot", 3, 1, 0.0f, NULL), SITO_ERR_ARG);
    CHECK_EQ_INT(sito_langid_predict(m, c, NULL, 3, 1, 0.0f, r), SITO_ERR_ARG);
    CHECK_EQ_INT(sito_langid_predict(NULL, c, "kot", 3, 1, 0.0f, r), SITO_ERR_ARG);
    CHECK_EQ_INT(sito_langid_labels(m), 176);
    sito_langid_ctx_free(c);
}

TEST(langid_long_line_without_spaces_is_one_prediction)
{
    sito_langid_model *m = model();
    CHECK(m);
    sito_langid_ctx *c = sito_langid_ctx_new(m);
    size_t n = 1 << 20;
    char *s = malloc(n);
    CHECK(s);
    for (size_t i = 0; i < n; i++)
        s[i] = "abcdefgh\xc5\xbc"[i % 10];
    sito_langid_result r[2];
    int k = sito_langid_predict(m, c, s, n, 2, 0.0f, r);
    free(s);
    CHECK(k >= 1);
    sito_langid_ctx_free(c);
}

/* -------------------------------------------------------------- loader */

TEST(langid_load_names_a_missing_file)
{
    char err[256];
    int st = 0;
    CHECK(sito_langid_load("/nonexistent/lid.ftz", err, sizeof err, &st) == NULL);
    CHECK_EQ_INT(st, SITO_ERR_IO);
    CHECK(strstr(err, "/nonexistent/lid.ftz") && strstr(err, "cannot open"));
}

TEST(langid_rejects_truncated_model_at_64_offsets)
{
    size_t len;
    unsigned char *b = read_all(model_path(), &len);
    CHECK(b);
    for (int i = 0; i < 64; i++) {
        size_t cut = len * (size_t)i / 64;
        char err[512] = "";
        int st = load_bytes(b, cut, err, sizeof err, NULL);
        if (st != SITO_ERR_FORMAT || !err[0] ||
            (cut > 0 && !strstr(err, "truncated"))) {
            fprintf(stderr, "  cut at %zu: status %d, \"%s\"\n", cut, st, err);
            free(b);
            CHECK(0);
        }
    }
    char err[512];
    CHECK_EQ_INT(load_bytes(b, len - 1, err, sizeof err, NULL), SITO_ERR_FORMAT);
    CHECK(strstr(err, "truncated"));
    CHECK_EQ_INT(load_bytes(b, len, err, sizeof err, NULL), SITO_OK);
    free(b);
}

TEST(langid_rejects_random_bytes)
{
    unsigned char junk[100000];
    uint32_t x = 42;
    for (size_t i = 0; i < sizeof junk; i++) {
        x = x * 1664525u + 1013904223u;
        junk[i] = (unsigned char)(x >> 24);
    }
    char err[512];
    CHECK_EQ_INT(load_bytes(junk, sizeof junk, err, sizeof err, NULL), SITO_ERR_FORMAT);
    CHECK(strstr(err, "not a fastText model"));
}

/* Patches the int32 at off and loads: the status and message. */
static int load_patched(const unsigned char *b, size_t len, size_t off, int32_t v, char *err,
                        size_t errlen)
{
    unsigned char *c = malloc(len);
    memcpy(c, b, len);
    memcpy(c + off, &v, 4);
    int st = load_bytes(c, len, err, errlen, NULL);
    free(c);
    return st;
}

TEST(langid_rejects_wrong_version_and_inconsistent_sizes)
{
    size_t len;
    unsigned char *b = read_all(model_path(), &len);
    CHECK(b);
    char err[512];
    int st = load_patched(b, len, 4, 13, err, sizeof err);          /* version */
    if (st != SITO_ERR_FORMAT || !strstr(err, "version"))
        goto bad;
    st = load_patched(b, len, 8, 15, err, sizeof err);              /* dim */
    if (st != SITO_ERR_FORMAT || !strstr(err, "expected 15 columns"))
        goto bad;
    st = load_patched(b, len, 8 + 4 * 7, 2, err, sizeof err);       /* model: sg */
    if (st != SITO_ERR_FORMAT || !strstr(err, "supervised"))
        goto bad;
    st = load_patched(b, len, 72, 175, err, sizeof err);            /* nlabels */
    if (st != SITO_ERR_FORMAT || !strstr(err, "dictionary sizes"))
        goto bad;
    st = load_patched(b, len, 64, 7412, err, sizeof err);           /* size */
    if (st != SITO_ERR_FORMAT || !strstr(err, "dictionary sizes"))
        goto bad;
    st = load_patched(b, len, 926733, 175, err, sizeof err);        /* output rows */
    if (st != SITO_ERR_FORMAT || !strstr(err, "output matrix"))
        goto bad;
    free(b);
    return;
bad:
    fprintf(stderr, "  status %d, \"%s\"\n", st, err);
    free(b);
    CHECK(0);
}

TEST(langid_rejects_trailing_bytes)
{
    size_t len;
    unsigned char *b = read_all(model_path(), &len);
    CHECK(b);
    unsigned char *c = realloc(b, len + 3);
    CHECK(c);
    memset(c + len, 0, 3);
    char err[512];
    int st = load_bytes(c, len + 3, err, sizeof err, NULL);
    free(c);
    CHECK_EQ_INT(st, SITO_ERR_FORMAT);
    CHECK(strstr(err, "unexpected bytes"));
}

/* Single-byte damage anywhere: the load either fails with a message or
 * gives a model that predicts without reading out of bounds (ASan). */
TEST(langid_survives_random_byte_damage)
{
    size_t len;
    unsigned char *b = read_all(model_path(), &len);
    CHECK(b);
    uint32_t x = 7;
    int loaded = 0, rejected = 0;
    for (int i = 0; i < 300; i++) {
        x = x * 1664525u + 1013904223u;
        /* half of the hits in the first 1000 bytes, where the sizes are */
        size_t off = (i & 1) ? (x >> 8) % 1000 : (size_t)((uint64_t)(x >> 4) * len >> 28) % len;
        unsigned char old = b[off];
        b[off] ^= (unsigned char)(1 + (x >> 24) % 255);
        char err[512] = "";
        sito_langid_model *m = NULL;
        int st = load_bytes(b, len, err, sizeof err, &m);
        b[off] = old;
        if (m) {
            sito_langid_ctx *c = sito_langid_ctx_new(m);
            sito_langid_result r[5];
            const char *s = "Zaż\xc3\xb3\xc5\x82\xc4\x87 g\xc4\x99\xc5\x9bl\xc4\x85 the cat __label__x";
            int n = c ? sito_langid_predict(m, c, s, strlen(s), 5, 0.0f, r) : -1;
            sito_langid_ctx_free(c);
            sito_langid_free(m);
            if (n < 0)
                fprintf(stderr, "  damage at %zu: predict %d\n", off, n);
            CHECK(n >= 0);
            loaded++;
        } else {
            if (st >= 0 || !err[0])
                fprintf(stderr, "  damage at %zu: status %d, \"%s\"\n", off, st, err);
            CHECK(st < 0 && err[0]);
            rejected++;
        }
    }
    free(b);
    CHECK(loaded > 0 && rejected > 0);
}

/* --------------------------------------------------------------- stage */

static char *seed_text(size_t *len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/seed/000_df6dc53cd25a6e55.txt", unit_data());
    return (char *)read_all(path, len);
}

TEST(langid_stage_tags_seed_page_polish_with_english_heading)
{
    sito_langid_model *m = model();
    CHECK(m);
    size_t len;
    char *text = seed_text(&len);
    CHECK(text);
    sito_doc d = {0};
    d.arena = sito_arena_new(0);
    d.text = (sito_str){text, len};
    sito_stage st;
    CHECK_EQ_INT(sito_langid_stage(&st, m), SITO_OK);
    CHECK_EQ_INT(st.process(&st, &d, NULL), SITO_OK);
    CHECK_STR(d.lang, "pl");
    CHECK(d.lang_score >= 0.9f);
    CHECK(d.signals_set >> SITO_SIG_LANG_SCORE & 1);
    CHECK(d.n_paras > 5);
    CHECK_EQ_INT(d.signals[SITO_SIG_PARAGRAPHS], d.n_paras);
    int found = 0;
    for (uint32_t i = 0; i < d.n_paras; i++) {
        sito_para_lang *p = &d.paras[i];
        if (p->len == 12 && !memcmp(text + p->start, "More Stories", 12)) {
            CHECK(strcmp(p->lang, "en") == 0);
            found = 1;
        }
    }
    CHECK(found);
    double frac = d.signals[SITO_SIG_PARA_OTHER_LANG_FRAC];
    CHECK(frac > 0 && frac < 0.2);
    st.destroy(&st);
    sito_arena_free(d.arena);
    free(text);
}

TEST(langid_stage_other_language_fraction_counts_characters)
{
    sito_langid_model *m = model();
    CHECK(m);
    const char *pl1 = "Wczoraj wieczorem poszli\xc5\x9bmy do kina na nowy polski film.";
    const char *en = "The weather was lovely and we walked home through the park.";
    const char *pl2 = "Jutro rano jedziemy nad morze z ca\xc5\x82\xc4\x85 rodzin\xc4\x85.";
    char text[512];
    snprintf(text, sizeof text, "%s\n\n  \n%s\n%s\n", pl1, en, pl2);
    sito_doc d = {0};
    d.arena = sito_arena_new(0);
    d.text = (sito_str){text, strlen(text)};
    sito_stage st;
    CHECK_EQ_INT(sito_langid_stage(&st, m), SITO_OK);
    CHECK_EQ_INT(st.process(&st, &d, NULL), SITO_OK);
    CHECK_STR(d.lang, "pl");
    CHECK_EQ_INT(d.n_paras, 3);  /* blank lines are not paragraphs */
    CHECK(strcmp(d.paras[0].lang, "pl") == 0 && strcmp(d.paras[1].lang, "en") == 0 &&
          strcmp(d.paras[2].lang, "pl") == 0);
    CHECK_EQ_INT(d.paras[1].start, strlen(pl1) + 5);
    CHECK_EQ_INT(d.paras[1].len, strlen(en));
    double chars_pl1 = 56, chars_en = 59, chars_pl2 = 45;  /* code points */
    double want = chars_en / (chars_pl1 + chars_en + chars_pl2);
    CHECK(fabs(d.signals[SITO_SIG_PARA_OTHER_LANG_FRAC] - want) < 1e-12);
    st.destroy(&st);
    sito_arena_free(d.arena);
}

TEST(langid_stage_rejects_missing_model)
{
    sito_stage st;
    CHECK_EQ_INT(sito_langid_stage(&st, NULL), SITO_ERR_ARG);
}

/* ------------------------------------------------------------- threads */

typedef struct thread_job {
    const sito_langid_model *m;
    const char *text;
    size_t len;
    float sum;      /* sum of top probabilities: a fingerprint */
    int lines, rc;
} thread_job;

static void *predict_lines(void *arg)
{
    thread_job *j = arg;
    sito_langid_ctx *c = sito_langid_ctx_new(j->m);
    sito_langid_result r[3];
    size_t off = 0;
    j->rc = c ? 0 : -1;
    while (c && off < j->len) {
        size_t used;
        int n = sito_langid_predict_stream(j->m, c, j->text + off, j->len - off, 3, 0.0f, r,
                                           &used);
        if (n < 0) {
            j->rc = n;
            break;
        }
        j->sum += n ? r[0].prob : 0;
        j->lines++;
        off += used;
    }
    sito_langid_ctx_free(c);
    return NULL;
}

TEST(langid_model_is_shared_by_threads)
{
    sito_langid_model *m = model();
    CHECK(m);
    char path[1024];
    snprintf(path, sizeof path, "%s/langid/paragraphs.tsv", unit_data());
    size_t len;
    char *text = (char *)read_all(path, &len);
    CHECK(text);
    thread_job seq = {m, text, len, 0, 0, 0}, t[2] = {seq, seq};
    predict_lines(&seq);
    pthread_t th[2];
    for (int i = 0; i < 2; i++)
        CHECK(pthread_create(&th[i], NULL, predict_lines, &t[i]) == 0);
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    free(text);
    CHECK_EQ_INT(seq.rc, 0);
    CHECK_EQ_INT(seq.lines, 2325);
    for (int i = 0; i < 2; i++) {
        CHECK_EQ_INT(t[i].rc, 0);
        CHECK_EQ_INT(t[i].lines, seq.lines);
        CHECK(t[i].sum == seq.sum);
    }
}
