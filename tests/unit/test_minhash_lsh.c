/* MinHash-LSH detection rates against a brute-force Jaccard oracle, on
 * documents of real text (shared/data/langid/sentences.tsv): pairs are
 * made by replacing isolated words of a document with new words until the
 * true Jaccard similarity of the 5-word shingle sets (computed directly
 * from the word lists, independent of the code under test) reaches a
 * target; then we check whether any LSH band of the two signatures agrees.
 * With 14 bands x 8 rows the chance for similarity s is 1-(1-s^8)^14. */
#include "sito.h"
#include "unit.h"

#include <math.h>
#include <stdlib.h>
#include <xxhash.h>

#define DOC_WORDS 600
#define SLOT 6          /* replaced words are >= 5 apart: each changes 5 shingles */

typedef struct {
    char *text;                 /* simplified words of all sentences */
    const char **words;
    size_t n;
} corpus;

static int corpus_load(corpus *c)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/langid/sentences.tsv", unit_data());
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    sito_buf raw = {0}, simple = {0};
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
        sito_buf_append(&raw, chunk, got);
    fclose(f);
    /* drop the language column, simplify the whole text, split on spaces */
    for (size_t i = 0; i < raw.len; i++)
        if (raw.ptr[i] == '\t')
            raw.ptr[i - 2] = raw.ptr[i - 1] = raw.ptr[i] = ' ';
    sito_simplify(raw.ptr, raw.len, 0, &simple);
    sito_buf_free(&raw);
    sito_buf_append(&simple, "", 1);
    c->text = simple.ptr;
    c->words = malloc(simple.len * sizeof *c->words / 2 + 16);
    c->n = 0;
    for (char *p = c->text, *tok; (tok = strtok_r(p, " ", &p));)
        c->words[c->n++] = tok;
    return c->n > 10000 ? 0 : -1;
}

static uint64_t rng(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static uint64_t shingle_hash(const char **w, size_t i)
{
    char buf[4096];
    int len = snprintf(buf, sizeof buf, "%s %s %s %s %s", w[i], w[i + 1], w[i + 2], w[i + 3], w[i + 4]);
    return XXH3_64bits(buf, (size_t)len);
}

/* The oracle: sorted distinct values of the shingle hashes h[0..n). */
static size_t shingle_set(const uint64_t *h, size_t n, uint64_t *out)
{
    memcpy(out, h, n * 8);
    qsort(out, n, 8, cmp_u64);
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
        if (u == 0 || out[u - 1] != out[i])
            out[u++] = out[i];
    return u;
}

static double jaccard(const uint64_t *a, size_t na, const uint64_t *b, size_t nb)
{
    size_t i = 0, j = 0, both = 0;
    while (i < na && j < nb) {
        if (a[i] == b[j]) { both++; i++; j++; }
        else if (a[i] < b[j]) i++;
        else j++;
    }
    return (double)both / (double)(na + nb - both);
}

/* Makes one pair at the Jaccard closest to target: fills the two texts and
 * returns the oracle's J. */
static double make_pair(const corpus *c, uint64_t *seed, double target, sito_buf *ta, sito_buf *tb)
{
    const char *a[DOC_WORDS], *b[DOC_WORDS];
    static char fresh[DOC_WORDS][24];
    static uint64_t sa[DOC_WORDS], sb[DOC_WORDS], hb[DOC_WORDS];
    const int nsh = DOC_WORDS - 4;
    size_t start = rng(seed) % (c->n - DOC_WORDS);
    for (int i = 0; i < DOC_WORDS; i++)
        a[i] = b[i] = c->words[start + i];
    for (int i = 0; i < nsh; i++)
        hb[i] = shingle_hash(a, (size_t)i);
    size_t na = shingle_set(hb, (size_t)nsh, sa);
    int slots[DOC_WORDS / SLOT];
    int ns = DOC_WORDS / SLOT;
    for (int i = 0; i < ns; i++)
        slots[i] = i;
    for (int i = ns - 1; i > 0; i--) {
        int k = (int)(rng(seed) % (uint64_t)(i + 1)), t = slots[i];
        slots[i] = slots[k];
        slots[k] = t;
    }
    double j = 1.0, prev_j = 1.0;
    int used = 0;
    while (used < ns && j > target) {
        int pos = slots[used] * SLOT + 2;
        snprintf(fresh[used], sizeof fresh[used], "zq%llxw", (unsigned long long)(rng(seed) & 0xffffffffff));
        b[pos] = fresh[used++];
        for (int i = pos - 4; i <= pos; i++)   /* the shingles holding pos */
            if (i >= 0 && i < nsh)
                hb[i] = shingle_hash(b, (size_t)i);
        prev_j = j;
        size_t nb = shingle_set(hb, (size_t)nsh, sb);
        j = jaccard(sa, na, sb, nb);
    }
    if (used > 0 && fabs(prev_j - target) < fabs(j - target)) {   /* undo the last step */
        used--;
        b[slots[used] * SLOT + 2] = a[slots[used] * SLOT + 2];
        j = prev_j;
    }
    ta->len = tb->len = 0;
    for (int i = 0; i < DOC_WORDS; i++) {
        sito_buf_append(ta, a[i], strlen(a[i]));
        sito_buf_append(ta, " ", 1);
        sito_buf_append(tb, b[i], strlen(b[i]));
        sito_buf_append(tb, " ", 1);
    }
    return j;
}

/* Whether the pair becomes a candidate (any band key agrees) and, when
 * verify > 0, passes --verify's check of the full signatures. */
static int lsh_candidates(sito_minhash *m, const sito_buf *ta, const sito_buf *tb, double verify)
{
    uint64_t sa[14 * 8], sb[14 * 8];
    if (sito_minhash_signature(m, ta->ptr, ta->len, sa) <= 0 ||
        sito_minhash_signature(m, tb->ptr, tb->len, sb) <= 0)
        return 0;
    for (int b = 0; b < 14; b++)
        if (sito_minhash_band_key(m, sa, b) == sito_minhash_band_key(m, sb, b))
            return verify <= 0 || sito_minhash_similarity(m, sa, sb) >= verify;
    return 0;
}

static double p_detect(double s)
{
    return 1.0 - pow(1.0 - pow(s, 8), 14);
}

/* Detection rate over n pairs near target (or uniform in [lo, target] when
 * lo >= 0); *mean_p gets the expected rate for the pairs' true J. */
static double detection_rate_v(double target, double lo, int n, double verify, double *mean_p,
                               double *mean_j)
{
    static corpus c;   /* loaded once for all tests */
    if (!c.n && corpus_load(&c) != 0)
        return -1;
    sito_minhash_params p;
    sito_minhash_defaults(&p);
    int st;
    sito_minhash *m = sito_minhash_new(&p, &st);
    sito_buf ta = {0}, tb = {0};
    uint64_t seed = 0x9e3779b97f4a7c15ULL ^ (uint64_t)(target * 1000);
    int hits = 0;
    *mean_p = *mean_j = 0;
    for (int i = 0; i < n; i++) {
        double t = lo >= 0 ? lo + (target - lo) * (double)(rng(&seed) % 1000) / 999.0 : target;
        double j = make_pair(&c, &seed, t, &ta, &tb);
        *mean_p += p_detect(j) / n;
        *mean_j += j / n;
        hits += lsh_candidates(m, &ta, &tb, verify);
    }
    sito_buf_free(&ta);
    sito_buf_free(&tb);
    sito_minhash_free(m);
    return (double)hits / n;
}

static double detection_rate(double target, double lo, int n, double *mean_p, double *mean_j)
{
    return detection_rate_v(target, lo, n, 0, mean_p, mean_j);
}

TEST(lsh_finds_pairs_above_jaccard_0_9)
{
    double mp, mj, r = detection_rate(0.9, -1, 400, &mp, &mj);
    fprintf(stderr, "  J=%.3f: detected %.4f (theory %.4f)\n", mj, r, mp);
    CHECK(mj >= 0.89);
    CHECK(r >= 0.97);
}

TEST(lsh_detects_jaccard_0_8_at_the_theoretical_rate)
{
    double mp, mj, r = detection_rate(0.8, -1, 1500, &mp, &mj);
    fprintf(stderr, "  J=%.3f: detected %.4f (theory %.4f, 1-(1-0.8^8)^14 = 0.9241)\n", mj, r, mp);
    CHECK(fabs(mj - 0.8) < 0.005);
    CHECK(fabs(r - 0.9241) <= 0.03);
}

TEST(lsh_rarely_merges_pairs_below_jaccard_0_5)
{
    /* true J spread uniformly over [0.1, 0.5] */
    double mp, mj, r = detection_rate(0.5, 0.1, 1500, &mp, &mj);
    fprintf(stderr, "  J in [0.1,0.5] (mean %.3f): detected %.4f (theory %.4f)\n", mj, r, mp);
    CHECK(r <= 0.01);
}

TEST(lsh_detection_at_jaccard_0_5_follows_the_s_curve)
{
    /* at exactly J=0.5 the LSH itself passes 1-(1-0.5^8)^14 = 5.3% of pairs */
    double mp, mj, r = detection_rate(0.5, -1, 1000, &mp, &mj);
    fprintf(stderr, "  J=%.3f: detected %.4f (theory %.4f)\n", mj, r, mp);
    CHECK(fabs(r - mp) <= 0.02);
}

TEST(verify_0_7_merges_at_most_1_percent_of_pairs_at_jaccard_0_5)
{
    double mp, mj, r = detection_rate_v(0.5, -1, 1000, 0.7, &mp, &mj);
    fprintf(stderr, "  J=%.3f, --verify 0.7: merged %.4f (without: theory %.4f)\n", mj, r, mp);
    CHECK(fabs(mj - 0.5) < 0.01);
    CHECK(r <= 0.01);
}

TEST(verify_0_7_keeps_recall_of_pairs_at_jaccard_0_9)
{
    double mp, mj, r = detection_rate_v(0.9, -1, 400, 0.7, &mp, &mj);
    fprintf(stderr, "  J=%.3f, --verify 0.7: detected %.4f\n", mj, r);
    CHECK(mj >= 0.89);
    CHECK(r >= 0.97);
}
