/*
 * minhash.c — MinHash signatures of word n-gram shingles, datatrove's
 * recipe: XXH64 of the n words joined by spaces, then for each of
 * bands*rows permutations the minimum of ((a*h + b) mod 2^64) mod (2^61-1).
 * The one thing to know: the mod 2^64 wrap is numpy's uint64 overflow in
 * datatrove and is kept on purpose for compatible signatures; a and b come
 * from MT19937 exactly as numpy.random.RandomState(seed).randint draws them.
 * The permutation loop is the hot path: AVX-512 when the CPU has it.
 */
#include "dedup/simplify.h"

#include <immintrin.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#define MERSENNE_61 ((1ULL << 61) - 1)
#define MAX_HASHES (64 * 32)

struct sito_minhash {
    sito_minhash_params p;
    int n_hashes;
    int use_avx512;
    uint64_t *a, *b;        /* n_hashes each, padded to a multiple of 8 */
    sito_buf text;          /* simplified text, reused */
    dedup_words words;
    uint64_t *shingles;
    size_t shingles_cap;
};

void sito_minhash_defaults(sito_minhash_params *p)
{
    *p = (sito_minhash_params){.ngram = 5, .bands = 14, .rows = 8, .seed = 1};
}

/* ---- numpy RandomState: MT19937 seeded by init_genrand ---- */

typedef struct {
    uint32_t mt[624];
    int i;
} mt19937;

static void mt_seed(mt19937 *m, uint32_t seed)
{
    m->mt[0] = seed;
    for (int i = 1; i < 624; i++)
        m->mt[i] = 1812433253U * (m->mt[i - 1] ^ (m->mt[i - 1] >> 30)) + (uint32_t)i;
    m->i = 624;
}

static uint32_t mt_next(mt19937 *m)
{
    if (m->i >= 624) {
        for (int k = 0; k < 624; k++) {
            uint32_t y = (m->mt[k] & 0x80000000U) | (m->mt[(k + 1) % 624] & 0x7fffffffU);
            m->mt[k] = m->mt[(k + 397) % 624] ^ (y >> 1) ^ ((y & 1) ? 0x9908b0dfU : 0);
        }
        m->i = 0;
    }
    uint32_t y = m->mt[m->i++];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680U;
    y ^= (y << 15) & 0xefc60000U;
    y ^= y >> 18;
    return y;
}

/* numpy's legacy masked rejection sampling of an integer in
 * [low, low+range] when range needs more than 32 bits: 64-bit draws
 * (high word first), masked to the next power of two minus one. */
static uint64_t np_randint64(mt19937 *m, uint64_t low, uint64_t range)
{
    uint64_t mask = range;
    for (int s = 1; s < 64; s <<= 1)
        mask |= mask >> s;
    for (;;) {
        uint64_t hi = mt_next(m);
        uint64_t v = (hi << 32 | mt_next(m)) & mask;
        if (v <= range)
            return low + v;
    }
}

/* ---- construction ---- */

sito_minhash *sito_minhash_new(const sito_minhash_params *p, int *status)
{
    if (p->ngram < 1 || p->ngram > 32 || p->bands < 1 || p->bands > 64 ||
        p->rows < 1 || p->rows > 32) {
        *status = SITO_ERR_ARG;
        return NULL;
    }
    sito_minhash *m = calloc(1, sizeof *m);
    int n = p->bands * p->rows, padded = (n + 7) & ~7;
    if (m) {
        m->a = aligned_alloc(64, (size_t)padded * 8);
        m->b = aligned_alloc(64, (size_t)padded * 8);
    }
    if (!m || !m->a || !m->b) {
        sito_minhash_free(m);
        *status = SITO_ERR_NOMEM;
        return NULL;
    }
    m->p = *p;
    m->n_hashes = n;
    mt19937 mt;
    mt_seed(&mt, p->seed);
    /* randint(1, P) then randint(0, P), as datatrove draws them */
    for (int i = 0; i < n; i++)
        m->a[i] = np_randint64(&mt, 1, MERSENNE_61 - 2);
    for (int i = 0; i < n; i++)
        m->b[i] = np_randint64(&mt, 0, MERSENNE_61 - 1);
    for (int i = n; i < padded; i++)
        m->a[i] = m->b[i] = 0;
    __builtin_cpu_init();
    m->use_avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq");
    *status = SITO_OK;
    return m;
}

void sito_minhash_free(sito_minhash *m)
{
    if (!m)
        return;
    free(m->a);
    free(m->b);
    sito_buf_free(&m->text);
    dedup_words_free(&m->words);
    free(m->shingles);
    free(m);
}

const uint64_t *sito_minhash_coeff_a(const sito_minhash *m) { return m->a; }
const uint64_t *sito_minhash_coeff_b(const sito_minhash *m) { return m->b; }

/* ---- shingles ---- */

long sito_minhash_shingles(sito_minhash *m, const char *text, size_t len,
                           const uint64_t **hashes)
{
    if (dedup_simplify_words(text, len, m->p.simplify_flags, &m->text, &m->words) != SITO_OK)
        return SITO_ERR_NOMEM;
    size_t nw = m->words.n, ng = (size_t)m->p.ngram;
    *hashes = m->shingles;
    if (nw < ng)
        return 0;
    size_t ns = nw - ng + 1;
    if (ns > m->shingles_cap) {
        uint64_t *s = realloc(m->shingles, ns * sizeof *s);
        if (!s)
            return SITO_ERR_NOMEM;
        m->shingles = s;
        m->shingles_cap = ns;
    }
    const uint32_t *st = m->words.start;
    const char *t = m->text.ptr;
    for (size_t i = 0; i < ns; i++) {
        size_t last = i + ng;   /* the word after the n-gram */
        size_t end = last < nw ? st[last] - 1 : m->text.len;
        m->shingles[i] = XXH64(t + st[i], end - st[i], 0);
    }
    *hashes = m->shingles;
    return (long)ns;
}

/* ---- permutations ---- */

static inline uint64_t permute(uint64_t h, uint64_t a, uint64_t b)
{
    uint64_t x = h * a + b;                         /* mod 2^64, as numpy */
    uint64_t y = (x & MERSENNE_61) + (x >> 61);     /* x mod P, up to P+7 */
    return y >= MERSENNE_61 ? y - MERSENNE_61 : y;
}

static void minima_scalar(const sito_minhash *m, const uint64_t *sh, size_t ns, uint64_t *sig)
{
    for (int k = 0; k < m->n_hashes; k++) {
        uint64_t a = m->a[k], b = m->b[k], best = UINT64_MAX;
        for (size_t i = 0; i < ns; i++) {
            uint64_t v = permute(sh[i], a, b);
            best = v < best ? v : best;
        }
        sig[k] = best;
    }
}

__attribute__((target("avx512f,avx512dq")))
static void minima_avx512(const sito_minhash *m, const uint64_t *sh, size_t ns, uint64_t *sig)
{
    const __m512i P = _mm512_set1_epi64((long long)MERSENNE_61);
    int blocks = (m->n_hashes + 7) / 8;
    for (int k0 = 0; k0 < blocks; k0 += 4) {
        int nb = blocks - k0 < 4 ? blocks - k0 : 4;
        __m512i a[4], b[4], best[4];
        for (int j = 0; j < nb; j++) {
            a[j] = _mm512_load_si512((const void *)(m->a + 8 * (k0 + j)));
            b[j] = _mm512_load_si512((const void *)(m->b + 8 * (k0 + j)));
            best[j] = _mm512_set1_epi64(-1);
        }
        for (size_t i = 0; i < ns; i++) {
            __m512i h = _mm512_set1_epi64((long long)sh[i]);
            for (int j = 0; j < nb; j++) {
                __m512i x = _mm512_add_epi64(_mm512_mullo_epi64(h, a[j]), b[j]);
                __m512i y = _mm512_add_epi64(_mm512_and_si512(x, P), _mm512_srli_epi64(x, 61));
                y = _mm512_min_epu64(y, _mm512_sub_epi64(y, P));  /* y-P wraps when y<P */
                best[j] = _mm512_min_epu64(best[j], y);
            }
        }
        for (int j = 0; j < nb; j++) {
            uint64_t tmp[8];
            _mm512_storeu_si512((void *)tmp, best[j]);
            int base = 8 * (k0 + j);
            for (int t = 0; t < 8 && base + t < m->n_hashes; t++)
                sig[base + t] = tmp[t];
        }
    }
}

long sito_minhash_signature(sito_minhash *m, const char *text, size_t len, uint64_t *sig)
{
    const uint64_t *sh;
    long ns = sito_minhash_shingles(m, text, len, &sh);
    if (ns <= 0)
        return ns;
    if (m->use_avx512)
        minima_avx512(m, sh, (size_t)ns, sig);
    else
        minima_scalar(m, sh, (size_t)ns, sig);
    return ns;
}

double sito_minhash_similarity(const sito_minhash *m, const uint64_t *a, const uint64_t *b)
{
    int same = 0;
    for (int i = 0; i < m->n_hashes; i++)
        same += a[i] == b[i];
    return m->n_hashes ? (double)same / m->n_hashes : 0;
}

uint64_t sito_minhash_band_key(const sito_minhash *m, const uint64_t *sig, int band)
{
    return XXH3_64bits(sig + (size_t)band * (size_t)m->p.rows, (size_t)m->p.rows * 8);
}
