/* The charset decoder on the real test set (shared/data/charset: chardet's
 * and uchardet's fixtures, expected.tsv).  An answer is correct when it
 * names the expected encoding or decodes the bytes to exactly the text the
 * expected encoding gives (ascii vs UTF-8, ISO-8859-8 vs windows-1255 on
 * text using no differing byte...).  SITO_CHARSET_VERBOSE=1 lists misses. */
#include "sito.h"
#include "unit.h"

#include <stdlib.h>

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    sito_buf b = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        sito_buf_append(&b, chunk, n);
    fclose(f);
    *len = b.len;
    return b.ptr ? b.ptr : calloc(1, 1);
}

typedef struct corpus_score {
    int files, correct, valid;
} corpus_score;

static int same_text(sito_str a, sito_str b)
{
    return a.len == b.len && memcmp(a.ptr, b.ptr, a.len) == 0;
}

/* Decodes every file of expected.tsv; fills *sc.  0 when the data is
 * missing. */
static int score_corpus(corpus_score *sc)
{
    char path[4096], line[4096];
    const char *data = unit_data();
    snprintf(path, sizeof path, "%s/charset/expected.tsv", data);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    int verbose = getenv("SITO_CHARSET_VERBOSE") != NULL;
    sito_charset_ctx *cx = sito_charset_ctx_new();
    sito_arena *a = sito_arena_new(0);
    memset(sc, 0, sizeof *sc);
    while (fgets(line, sizeof line, f)) {
        char *file = strtok(line, "\t"), *want = strtok(NULL, "\t");
        if (!file || !want || !strcmp(file, "file"))
            continue;
        snprintf(path, sizeof path, "%s/charset/%s", data, file);
        size_t len;
        char *raw = slurp(path, &len);
        if (!raw)
            continue;
        sito_arena_reset(a);
        sito_charset_result got, ref;
        sito_str none = {"", 0};
        int ok = sito_charset_to_utf8(cx, raw, len, none, a, &got) == SITO_OK;
        sc->files++;
        sc->valid += ok && sito_utf8_valid(got.text.ptr, got.text.len);
        const char *canon = sito_charset_canonical(want, strlen(want));
        int right = ok && canon && !strcmp(canon, got.charset);
        if (ok && !right &&
            sito_charset_decode(cx, want, strlen(want), raw, len, a, &ref) == SITO_OK)
            right = same_text(got.text, ref.text);
        sc->correct += right;
        if (!right && verbose)
            fprintf(stderr, "  miss %s: expected %s, got %s (%s)\n", file, want,
                    ok ? got.charset : "error",
                    ok ? sito_charset_source_name(got.source) : "");
        free(raw);
    }
    fclose(f);
    sito_charset_ctx_free(cx);
    sito_arena_free(a);
    if (verbose)
        fprintf(stderr, "  charset corpus: %d/%d correct, %d valid UTF-8\n",
                sc->correct, sc->files, sc->valid);
    return 1;
}

TEST(charset_corpus_decodes_every_file_to_valid_utf8_and_mostly_right)
{
    corpus_score sc;
    CHECK(score_corpus(&sc));
    CHECK_EQ_INT(sc.files, 546);
    CHECK_EQ_INT(sc.valid, sc.files);
    CHECK(sc.correct * 100 >= sc.files * 97);  /* 536/546 measured */
}
