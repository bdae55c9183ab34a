/*
 * signals.c — the Gopher quality, Gopher repetition, C4 and FineWeb signals
 * of one document, with datatrove's definitions (pipeline/filters): the same
 * splits (splitlines, split("\n"), re.split("\n+"), re.split("\n{2,}")),
 * lengths in code points, and n-grams joined with spaces for the top
 * n-grams but without separators for the duplicate n-grams.  Everything
 * reuses the thread's scratch; a document costs no malloc in steady state.
 */
#include "quality/quality.h"
#include "quality/text.h"

#include <math.h>

/* polynomial hashes mod 2^64: bytes of a concatenation (B) and sequences
 * of word hashes (C).  Collisions are resolved by comparing the text. */
#define HB 0x100000001B3ull
#define HC 0x9E3779B97F4A7C15ull
#define HB_INV 0xCE965057AFF6957Bull /* HB * HB_INV == 1 mod 2^64 */

void q_scratch_free(q_scratch *s)
{
    free(s->tok.v);
    free(s->tok2.v);
    free(s->wh);
    free(s->S);
    free(s->P);
    free(s->PW);
    free(s->IPW);
    free(s->cpp);
    free(s->sp);
    free(s->ls);
    free(s->gslot);
    free(s->gkey);
    free(s->gcnt);
    free(s->gb);
    free(s->gidx);
    qtab_free(&s->tab);
    sito_buf_free(&s->kept);
    sito_buf_free(&s->line);
    memset(s, 0, sizeof *s);
}

static int grow(void **p, size_t n, size_t size)
{
    void *q = realloc(*p, n * size);
    if (!q)
        return -1;
    *p = q;
    return 0;
}

static int reserve_words(q_scratch *s, size_t n)
{
    if (n + 1 <= s->wcap)
        return 0;
    size_t cap = s->wcap ? s->wcap : 1024;
    while (cap < n + 1)
        cap *= 2;
    if (grow((void **)&s->wh, cap, 8) || grow((void **)&s->S, cap, 8) ||
        grow((void **)&s->P, cap, 8) || grow((void **)&s->PW, cap, 8) ||
        grow((void **)&s->IPW, cap, 8) || grow((void **)&s->cpp, cap, 4) ||
        grow((void **)&s->gkey, cap, 8) || grow((void **)&s->gcnt, cap, 4) ||
        grow((void **)&s->gidx, cap, 4))
        return -1;
    s->wcap = cap;
    return 0;
}

static int push_span(q_scratch *s, size_t *n, size_t b, size_t e)
{
    if (*n == s->spcap) {
        size_t cap = s->spcap ? s->spcap * 2 : 256;
        if (grow((void **)&s->sp, cap, sizeof *s->sp))
            return -1;
        s->spcap = cap;
    }
    s->sp[(*n)++] = (q_span){(uint32_t)b, (uint32_t)e};
    return 0;
}

/* ---------------------------------------------------------- duplicates */

typedef struct span_ctx {
    const char *text;
    const q_span *sp;
} span_ctx;

static int span_eq(const void *ctx, uint32_t a, uint32_t b)
{
    const span_ctx *c = ctx;
    q_span x = c->sp[a], y = c->sp[b];
    return x.e - x.b == y.e - y.b && memcmp(c->text + x.b, c->text + y.b, x.e - x.b) == 0;
}

static uint64_t bytes_hash(const char *p, size_t n)
{
    uint64_t h = 0xCBF29CE484222325ull;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        h = (h ^ w) * HC;
        h ^= h >> 32;
    }
    uint64_t w = 0;
    memcpy(&w, p + i, n - i);
    h = (h ^ w ^ ((uint64_t)n << 56)) * HC;
    return h ^ (h >> 29);
}

/* datatrove find_duplicates: items seen before, and their characters. */
static int find_duplicates(q_scratch *s, const char *text, size_t n, size_t *dups,
                           size_t *dup_chars)
{
    *dups = *dup_chars = 0;
    if (qtab_clear(&s->tab, n))
        return -1;
    span_ctx c = {text, s->sp};
    for (size_t i = 0; i < n; i++) {
        q_span x = s->sp[i];
        int found;
        qtab_slot(&s->tab, bytes_hash(text + x.b, x.e - x.b), (uint32_t)i, span_eq, &c, &found);
        if (found) {
            (*dups)++;
            *dup_chars += q_cp_count(text + x.b, x.e - x.b);
        }
    }
    return 0;
}

static double ratio(double a, double b) { return b > 0 ? a / b : 0.0; }

/* ------------------------------------------------------------- n-grams */

/* HB^k for k < 8, and HB^0 + .. + HB^(k-1) for k <= 8 */
#define HB2 (HB * HB)
#define HB4 (HB2 * HB2)
static const uint64_t hb_pow8[8] = {1, HB, HB2, HB2 * HB, HB4, HB4 * HB, HB4 * HB2, HB4 * HB2 * HB};
static const uint64_t hb_ones[9] = {
    0, 1, 1 + HB, 1 + HB + HB2, 1 + HB + HB2 + HB2 * HB, 1 + HB + HB2 + HB2 * HB + HB4,
    1 + HB + HB2 + HB2 * HB + HB4 + HB4 * HB, 1 + HB + HB2 + HB2 * HB + HB4 + HB4 * HB + HB4 * HB2,
    1 + HB + HB2 + HB2 * HB + HB4 + HB4 * HB + HB4 * HB2 + HB4 * HB2 * HB};

/* The byte hash of a word of 1..8 bytes (sum of (byte+1) * HB^(bytes
 * after it)) from one 8-byte load, without a loop: the word's bytes are
 * shifted to the top of the load, dropping the bytes after it, so byte k
 * of the result weighs HB^(7-k); the +1s add up to hb_ones[len].  The 8
 * bytes at w must be readable. */
static inline uint64_t short_word_hash(const unsigned char *w, uint32_t len)
{
    uint64_t x;
    memcpy(&x, w, 8);
    x <<= 64 - 8 * len;
    uint64_t a = (x >> 56) + ((x >> 48) & 0xFF) * hb_pow8[1],
             b = ((x >> 40) & 0xFF) * hb_pow8[2] + ((x >> 32) & 0xFF) * hb_pow8[3],
             c = ((x >> 24) & 0xFF) * hb_pow8[4] + ((x >> 16) & 0xFF) * hb_pow8[5],
             e = ((x >> 8) & 0xFF) * hb_pow8[6] + (x & 0xFF) * hb_pow8[7];
    return hb_ones[len] + ((a + b) + (c + e));
}

/* Per word: its byte hash h and mixed hash wh; prefix sums over the
 * words: S (word hashes, for n-grams of words) and P (bytes, for the
 * words joined without separators), PW the HB power of P's bytes, and in
 * IPW the product P * HB^-bytes (so a window's hash needs one multiply). */
static void hash_words(q_scratch *s, const char *text, size_t text_len)
{
    const q_tokens *t = &s->tok;
    if (s->pow[0] != 1) {
        s->pow[0] = s->ipow[0] = 1;
        for (int k = 1; k < Q_POW_N; k++) {
            s->pow[k] = s->pow[k - 1] * HB;
            s->ipow[k] = s->ipow[k - 1] * HB_INV;
        }
    }
    s->S[0] = s->P[0] = 0;
    s->PW[0] = 1;
    s->IPW[0] = 0; /* P[0] * 1 */
    s->cpp[0] = 0;
    uint64_t ipw_run = 1;
    for (size_t k = 0; k < t->n; k++) {
        const unsigned char *w = (const unsigned char *)text + t->v[k].off;
        uint32_t len = t->v[k].len;
        uint64_t h = 0, pw, ipw;
        if (len <= 8 && t->v[k].off + 8 <= text_len) {
            h = short_word_hash(w, len);
        } else {
            for (uint32_t j = 0; j < len; j++)
                h = h * HB + w[j] + 1;
        }
        if (len < Q_POW_N) {
            pw = s->pow[len];
            ipw = s->ipow[len];
        } else {
            pw = s->pow[Q_POW_N - 1];
            ipw = s->ipow[Q_POW_N - 1];
            for (uint32_t j = Q_POW_N - 1; j < len; j++) {
                pw *= HB;
                ipw *= HB_INV;
            }
        }
        s->wh[k] = qtab_mix(h ^ ((uint64_t)t->v[k].len * HC));
        s->S[k + 1] = s->S[k] * HC + s->wh[k];
        s->P[k + 1] = s->P[k] * pw + h;
        s->PW[k + 1] = s->PW[k] * pw;
        ipw_run *= ipw;
        s->IPW[k + 1] = s->P[k + 1] * ipw_run;
        s->cpp[k + 1] = s->cpp[k] + t->v[k].cps;
    }
}

typedef struct gram_ctx {
    const char *text;
    const q_token *v;
    size_t n;
} gram_ctx;

/* words a..a+n and b..b+n are the same words (joined with spaces) */
static int seq_eq(const void *ctx, uint32_t a, uint32_t b)
{
    const gram_ctx *c = ctx;
    for (size_t k = 0; k < c->n; k++) {
        const q_token *x = &c->v[a + k], *y = &c->v[b + k];
        if (x->len != y->len || memcmp(c->text + x->off, c->text + y->off, x->len))
            return 0;
    }
    return 1;
}

/* words a..a+n and b..b+n give the same string when joined without
 * separators */
static int concat_eq(const void *ctx, uint32_t a, uint32_t b)
{
    const gram_ctx *c = ctx;
    size_t la = 0, lb = 0;
    for (size_t k = 0; k < c->n; k++) {
        la += c->v[a + k].len;
        lb += c->v[b + k].len;
    }
    if (la != lb)
        return 0;
    size_t ka = a, kb = b, ia = 0, ib = 0; /* word index, byte within */
    for (size_t done = 0; done < la;) {
        while (ia == c->v[ka].len) ka++, ia = 0;
        while (ib == c->v[kb].len) kb++, ib = 0;
        size_t m = c->v[ka].len - ia;
        if (c->v[kb].len - ib < m)
            m = c->v[kb].len - ib;
        if (memcmp(c->text + c->v[ka].off + ia, c->text + c->v[kb].off + ib, m))
            return 0;
        ia += m;
        ib += m;
        done += m;
    }
    return 1;
}

/* The n-gram table: 8-byte slots, so that a document's table stays in
 * cache: bits 63..48 a generation (a slot of an older one is empty),
 * 47..32 a tag from the hash, 31..0 the first window with that n-gram.
 * The mixed hash of every window i is in s->gkey[i]; equal hashes are confirmed
 * on the text, so counts are exact. */
static int gtab_clear(q_scratch *s, size_t n)
{
    size_t need = 16;
    while (need < 2 * n)
        need *= 2;
    if (need > s->gcap) {
        free(s->gslot);
        s->gslot = calloc(need, sizeof *s->gslot);
        if (!s->gslot) {
            s->gcap = 0;
            return -1;
        }
        s->gcap = need;
        s->ggen = 0;
    }
    if (++s->ggen == 0x10000) {
        memset(s->gslot, 0, s->gcap * sizeof *s->gslot);
        s->ggen = 1;
    }
    s->gmask = need - 1;
    return 0;
}

/* The windows (of ng, hashes in s->gkey) that share a bucket of a small
 * byte array with another window, in order, into s->gidx; returns how
 * many, or -1.  A window alone in its bucket has no equal window, so it
 * can never be found and need never be added.  Most windows of real text
 * are alone, and only the others go through the table; the list is made
 * without a branch per window (that branch mispredicted often). */
static long gbucket_fill(q_scratch *s, size_t ng)
{
    size_t nb = 64;
    while (nb < 8 * ng)
        nb *= 2;
    if (nb > s->gbcap) {
        free(s->gb);
        s->gb = malloc(nb);
        if (!s->gb) {
            s->gbcap = 0;
            return -1;
        }
        s->gbcap = nb;
    }
    memset(s->gb, 0, nb);
    size_t mask = nb - 1, m = 0;
    for (size_t i = 0; i < ng; i++) {
        uint8_t *b = &s->gb[(size_t)(s->gkey[i] >> 40) & mask];
        *b = (uint8_t)(*b | (*b << 1) | 1); /* 0, then 1, then > 1 */
    }
    for (size_t i = 0; i < ng; i++) {
        s->gidx[m] = (uint32_t)i;
        m += s->gb[(size_t)(s->gkey[i] >> 40) & mask] > 1;
    }
    return (long)m;
}

/* The first window equal to window id (mixed hash m == s->gkey[id]), after
 * adding id when it is new (then the result is id itself). */
static inline uint32_t gtab_first(q_scratch *s, uint64_t m, uint32_t id, qtab_eq eq,
                                  const gram_ctx *c)
{
    uint64_t stamp = ((uint64_t)s->ggen << 48) | ((m >> 48) << 32);
    size_t i = (size_t)m & s->gmask;
    for (;;) {
        uint64_t v = s->gslot[i];
        if ((v >> 48) != s->ggen) {
            s->gslot[i] = stamp | id;
            return id;
        }
        uint32_t first = (uint32_t)v;
        if ((v & ~(uint64_t)0xFFFFFFFF) == stamp && s->gkey[first] == m && eq(c, first, id))
            return first;
        i = (i + 1) & s->gmask;
    }
}

/* datatrove find_top_duplicate over get_n_grams(words, n): characters of
 * the most frequent n-gram times its count (first seen wins a tie).
 * *top_cnt receives that count. */
static int top_ngram_chars(q_scratch *s, const char *text, size_t n, size_t *chars,
                           uint32_t *top_cnt)
{
    size_t nw = s->tok.n;
    *chars = 0;
    *top_cnt = 0;
    if (nw < n)
        return 0;
    size_t ng = nw - n + 1;
    if (gtab_clear(s, ng))
        return -1;
    uint64_t cn = 1;
    for (size_t k = 0; k < n; k++)
        cn *= HC;
    gram_ctx c = {text, s->tok.v, n};
    /* the first window has count 1 so far; a window alone in its bucket
     * has count 1 and comes after it, so it never becomes the top one */
    uint32_t best_cnt = 1, best_first = 0, *cnt = s->gcnt;
    for (size_t i = 0; i < ng; i++)
        s->gkey[i] = qtab_mix(s->S[i + n] - s->S[i] * cn);
    long nc = gbucket_fill(s, ng);
    if (nc < 0)
        return -1;
    for (long j = 0; j < nc; j++) {
        uint32_t i = s->gidx[j];
        uint32_t first = gtab_first(s, s->gkey[i], (uint32_t)i, seq_eq, &c);
        uint32_t k = first == i ? (cnt[i] = 1) : ++cnt[first];
        if (k > best_cnt || (k == best_cnt && first < best_first)) {
            best_cnt = k;
            best_first = first;
        }
    }
    size_t len = s->cpp[best_first + n] - s->cpp[best_first] + (n - 1);
    *chars = len * best_cnt;
    *top_cnt = best_cnt;
    return 0;
}

/* datatrove find_all_duplicate(words, n): characters of n-grams seen
 * before, skipping the n words of each repeat. */
static int dup_ngram_chars(q_scratch *s, const char *text, size_t n, size_t *chars)
{
    size_t nw = s->tok.n;
    *chars = 0;
    if (nw < n)
        return 0;
    if (gtab_clear(s, nw - n + 1))
        return -1;
    gram_ctx c = {text, s->tok.v, n};
    size_t idx = 0, ng = nw - n + 1;
    for (size_t i = 0; i < ng; i++)
        s->gkey[i] = qtab_mix(s->P[i + n] - s->IPW[i] * s->PW[i + n]);
    long nc = gbucket_fill(s, ng);
    if (nc < 0)
        return -1;
    /* windows alone in their bucket are never found: only the others
     * (in order) are looked up, and those inside a skipped repeat are
     * not added, as in datatrove */
    for (long j = 0; j < nc; j++) {
        uint32_t i = s->gidx[j];
        if (i < idx)
            continue;
        if (gtab_first(s, s->gkey[i], i, concat_eq, &c) != i) {
            *chars += s->cpp[i + n] - s->cpp[i];
            idx = i + n;
        } else {
            idx = i + 1;
        }
    }
    return 0;
}

/* ---------------------------------------------------- Gopher quality */

static int is_stop_word(const q_lang_cfg *L, const char *w, size_t n)
{
    if (!n || !(L->stop_first[(unsigned char)w[0]] & q_stop_len_bit(n)))
        return 0;
    for (int i = 0; i < L->n_stop; i++)
        if (L->stop[i].len == n && memcmp(L->stop[i].ptr, w, n) == 0)
            return 1;
    return 0;
}

static size_t count_sub(const char *s, size_t n, const char *sub, size_t m)
{
    size_t c = 0;
    for (size_t i = 0; i + m <= n;) {
        const char *p = memchr(s + i, sub[0], n - i);
        if (!p || (size_t)(p - s) + m > n)
            break;
        i = (size_t)(p - s);
        if (memcmp(p, sub, m) == 0) {
            c++;
            i += m;
        } else {
            i++;
        }
    }
    return c;
}

static int starts_with(const char *s, size_t n, const char *p)
{
    size_t m = strlen(p);
    return n >= m && memcmp(s, p, m) == 0;
}

static int ends_with(const char *s, size_t n, const char *p)
{
    size_t m = strlen(p);
    return n >= m && memcmp(s + n - m, p, m) == 0;
}

/* The lines of str.splitlines(), stripped, into s->ls (shared by the
 * Gopher quality and C4 signals).  Returns the number, or -1. */
static long split_lines(q_scratch *s, const char *text, size_t n)
{
    const unsigned char *u = (const unsigned char *)text;
    size_t nl = 0;
    for (size_t i = 0; i < n;) {
        size_t br, b = i, e = q_line_end(u, n, i, &br);
        i = e + br;
        q_strip(u, &b, &e);
        if (nl == s->lscap) {
            size_t cap = s->lscap ? s->lscap * 2 : 256;
            if (grow((void **)&s->ls, cap, sizeof *s->ls))
                return -1;
            s->lscap = cap;
        }
        s->ls[nl++] = (q_span){(uint32_t)b, (uint32_t)e};
    }
    return (long)nl;
}

static void gopher_quality(q_scratch *s, const q_lang_cfg *L, sito_doc *d, size_t lines)
{
    const q_tokens *t = &s->tok;
    const char *text = d->text.ptr;
    size_t n = d->text.len;
    size_t nonsym = 0, nonsym_cps = 0, alpha = 0, stop = 0;
    for (size_t k = 0; k < t->n; k++) {
        const q_token *w = &t->v[k];
        size_t ns = (w->flags & Q_TOK_NONSYM) != 0; /* no branch: it mispredicts */
        nonsym += ns;
        nonsym_cps += w->cps & (0 - ns);
        alpha += (w->flags & Q_TOK_ALPHA) != 0;
        stop += is_stop_word(L, text + w->off, w->len);
    }
    size_t hashes = count_sub(text, n, "#", 1);
    size_t ellipses = count_sub(text, n, "...", 3) + count_sub(text, n, "\xE2\x80\xA6", 3);
    /* lines of str.splitlines() */
    size_t bullets = 0, ell_lines = 0;
    for (size_t k = 0; k < lines; k++) {
        size_t lb = s->ls[k].b, le = s->ls[k].e;
        /* lstrip / rstrip: the stripped view's start and end do the job */
        if (starts_with(text + lb, le - lb, "\xE2\x80\xA2") || starts_with(text + lb, le - lb, "-"))
            bullets++;
        if (ends_with(text + lb, le - lb, "...") || ends_with(text + lb, le - lb, "\xE2\x80\xA6"))
            ell_lines++;
    }
    sito_doc_set_signal(d, SITO_SIG_GOPHER_WORD_COUNT, (double)nonsym);
    sito_doc_set_signal(d, SITO_SIG_GOPHER_MEAN_WORD_LENGTH, ratio((double)nonsym_cps, (double)nonsym));
    sito_doc_set_signal(d, SITO_SIG_GOPHER_HASH_RATIO, ratio((double)hashes, (double)t->n));
    sito_doc_set_signal(d, SITO_SIG_GOPHER_ELLIPSIS_RATIO, ratio((double)ellipses, (double)t->n));
    sito_doc_set_signal(d, SITO_SIG_GOPHER_BULLET_LINES_FRAC, ratio((double)bullets, (double)lines));
    sito_doc_set_signal(d, SITO_SIG_GOPHER_ELLIPSIS_LINES_FRAC, ratio((double)ell_lines, (double)lines));
    sito_doc_set_signal(d, SITO_SIG_GOPHER_ALPHA_WORDS_FRAC, ratio((double)alpha, (double)t->n));
    sito_doc_set_signal(d, SITO_SIG_GOPHER_STOP_WORDS, (double)stop);
}

/* ------------------------------------------------- Gopher repetition */

static int gopher_repetition(q_scratch *s, sito_doc *d, size_t text_cps)
{
    const char *text = d->text.ptr;
    const unsigned char *u = (const unsigned char *)text;
    size_t n = d->text.len, ns = 0, dups, dchars;
    /* paragraphs: re.split(r"\n{2,}", text.strip()) */
    size_t b = 0, e = n;
    q_strip(u, &b, &e);
    size_t start = b;
    for (size_t i = b; i < e;) {
        const char *nl = memchr(text + i, '\n', e - i);
        if (!nl)
            break;
        i = (size_t)(nl - text);
        if (i + 1 < e && text[i + 1] == '\n') {
            if (push_span(s, &ns, start, i))
                return -1;
            while (i < e && text[i] == '\n')
                i++;
            start = i;
        } else {
            i++;
        }
    }
    if (push_span(s, &ns, start, e) || find_duplicates(s, text, ns, &dups, &dchars))
        return -1;
    sito_doc_set_signal(d, SITO_SIG_DUP_PARA_FRAC, ratio((double)dups, (double)ns));
    sito_doc_set_signal(d, SITO_SIG_DUP_PARA_CHAR_FRAC, ratio((double)dchars, (double)text_cps));
    /* lines: re.split("\n+", text) */
    ns = 0;
    start = 0;
    for (size_t i = 0; i < n;) {
        const char *nl = memchr(text + i, '\n', n - i);
        if (!nl)
            break;
        i = (size_t)(nl - text);
        if (push_span(s, &ns, start, i))
            return -1;
        while (i < n && text[i] == '\n')
            i++;
        start = i;
    }
    if (push_span(s, &ns, start, n) || find_duplicates(s, text, ns, &dups, &dchars))
        return -1;
    sito_doc_set_signal(d, SITO_SIG_DUP_LINE_FRAC, ratio((double)dups, (double)ns));
    sito_doc_set_signal(d, SITO_SIG_DUP_LINE_CHAR_FRAC, ratio((double)dchars, (double)text_cps));
    uint32_t top2 = 0;
    for (size_t g = 2; g <= 4; g++) {
        size_t chars = 0, nw = s->tok.n;
        uint32_t top;
        if (g == 2 || top2 > 1) {
            if (top_ngram_chars(s, text, g, &chars, &top))
                return -1;
            if (g == 2)
                top2 = top;
        } else if (nw >= g) {
            /* no 2-gram repeats, so no longer one does: every count is 1
             * and the first n-gram is the top one */
            chars = s->cpp[g] - s->cpp[0] + (g - 1);
        }
        sito_doc_set_signal(d, SITO_SIG_TOP_2GRAM_FRAC + (int)g - 2, ratio((double)chars, (double)text_cps));
    }
    for (size_t g = 5; g <= 10; g++) {
        size_t chars;
        if (dup_ngram_chars(s, text, g, &chars))
            return -1;
        sito_doc_set_signal(d, SITO_SIG_DUP_5GRAM_FRAC + (int)g - 5, ratio((double)chars, (double)text_cps));
    }
    return 0;
}

/* ----------------------------------------------------------------- C4 */

static int is_digit_cp(int32_t cp)
{
    return q_class(cp) & QC_DIGIT;
}

/* Length of a citation at s[i] (s[i] == '['): \[\d*] | \[edit] |
 * \[citation needed], or 0. */
static size_t citation_at(const unsigned char *s, size_t n, size_t i)
{
    size_t j = i + 1;
    while (j < n) {
        size_t k = j;
        if (!is_digit_cp(q_next_cp(s, n, &k)))
            break;
        j = k;
    }
    if (j < n && s[j] == ']')
        return j + 1 - i;
    if (starts_with((const char *)s + i, n - i, "[edit]"))
        return 6;
    if (starts_with((const char *)s + i, n - i, "[citation needed]"))
        return 17;
    return 0;
}

/* The line [b, e) with citations removed, into s->line. */
static int remove_citations(q_scratch *s, const char *text, size_t b, size_t e)
{
    const unsigned char *u = (const unsigned char *)text;
    s->line.len = 0;
    size_t from = b;
    for (size_t i = b; i < e; i++) {
        if (u[i] != '[')
            continue;
        size_t c = citation_at(u, e, i);
        if (!c)
            continue;
        if (sito_buf_append(&s->line, text + from, i - from))
            return -1;
        i += c - 1;
        from = i + 1;
    }
    return sito_buf_append(&s->line, text + from, e - from) ? -1 : 0;
}

/* C4's line filter.  *kept_words receives the tokens of the kept lines:
 * lines end at whitespace and tokens never span whitespace, so a kept line
 * has the document's tokens inside it, unless removing a citation changed
 * it (then it is tokenized alone). */
static int c4(q_scratch *s, const q_lang_cfg *L, sito_doc *d, size_t lines, size_t *kept_words)
{
    const q_token *tv = s->tok.v;
    size_t nt = s->tok.n, tk = 0, words = 0;
    const char *text = d->text.ptr;
    size_t total = lines, kept = 0, js = 0, policy = 0, sentences = 0;
    int lorem = 0, curly = 0;
    s->kept.len = 0;
    for (size_t k = 0; k < lines; k++) {
        size_t b = s->ls[k].b, e = s->ls[k].e;
        /* line.split() from the tokens: every non-space code point is in
         * a token, so adjacent tokens make one whitespace-separated word */
        while (tk < nt && tv[tk].off < b)
            tk++;
        size_t t0 = tk, nwords = 0, longest = 0, cur = 0, prev_end = SIZE_MAX;
        for (; tk < nt && tv[tk].off < e; tk++) {
            size_t starts = tv[tk].off != prev_end; /* a new word; no branch */
            nwords += starts;
            cur = (cur & (starts - 1)) + tv[tk].cps;
            if (cur > longest)
                longest = cur;
            prev_end = (size_t)tv[tk].off + tv[tk].len;
        }
        size_t line_tokens = tk - t0;
        if (L->c4_max_word_length >= 0 && longest > (size_t)L->c4_max_word_length)
            continue;
        const char *line = text + b;
        size_t len = e - b;
        int changed = 0;
        if (L->c4_remove_citations && memchr(text + b, '[', e - b)) {
            if (remove_citations(s, text, b, e))
                return -1;
            line = s->line.ptr ? s->line.ptr : "";
            len = s->line.len;
            changed = len != e - b; /* removing only shortens */
        }
        if (L->c4_no_terminal_punct) {
            int term = len && line[len - 1] && strchr(".?!\"'", line[len - 1]);
            if (!term || ends_with(line, len, "..."))
                continue;
        }
        if ((long)nwords < L->c4_min_words_per_line)
            continue;
        int ph = q_c4_phrases(line, len);
        if (L->c4_lorem_ipsum && (ph & 1)) {
            lorem++;
            continue;
        }
        if (L->c4_javascript && (ph & 2)) {
            js++;
            continue;
        }
        if (L->c4_curly_bracket && memchr(line, '{', len)) {
            curly++;
            continue;
        }
        if (L->c4_policy && (ph & 4)) {
            policy++;
            continue;
        }
        sentences += (size_t)q_count_sentences(line, len);
        kept++;
        if (changed) {
            if (q_tokenize(line, len, L->tokenizer, &s->tok2))
                return -1;
            words += s->tok2.n;
        } else {
            words += line_tokens;
        }
        if (L->c4_modify_text && ((kept > 1 && sito_buf_append(&s->kept, "\n", 1)) ||
                                  sito_buf_append(&s->kept, line, len)))
            return -1;
    }
    sito_doc_set_signal(d, SITO_SIG_C4_LINES_KEPT_FRAC, ratio((double)kept, (double)total));
    sito_doc_set_signal(d, SITO_SIG_C4_LOREM_IPSUM, (double)lorem);
    sito_doc_set_signal(d, SITO_SIG_C4_CURLY_BRACKET, (double)curly);
    sito_doc_set_signal(d, SITO_SIG_C4_SENTENCES, (double)sentences);
    sito_doc_set_signal(d, SITO_SIG_C4_JAVASCRIPT_LINES, (double)js);
    sito_doc_set_signal(d, SITO_SIG_C4_POLICY_LINES, (double)policy);
    *kept_words = words;
    return 0;
}

/* ------------------------------------------------------------ FineWeb */

static int fineweb(q_scratch *s, const q_lang_cfg *L, sito_doc *d, const char *text, size_t n,
                   size_t n_words)
{
    const unsigned char *u = (const unsigned char *)text;
    size_t lines = 0, punct = 0, shorts = 0, newlines = 0, ns = 0;
    for (size_t i = 0;; i++) {
        size_t b = i;
        const char *nl = memchr(text + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - text) : n;
        lines++;
        if (e > b && text[e - 1] && strchr(".'\"!?", text[e - 1]))
            punct++;
        if (q_cp_count(text + b, e - b) <= (size_t)L->short_line_length)
            shorts++;
        size_t sb = b, se = e;
        q_strip(u, &sb, &se);
        if (se > sb && push_span(s, &ns, b, e))
            return -1;
        if (!nl)
            break;
        newlines++;
        i = e;
    }
    size_t dups, dchars;
    if (find_duplicates(s, text, ns, &dups, &dchars))
        return -1;
    size_t cps = q_cp_count(text, n) - newlines;
    sito_doc_set_signal(d, SITO_SIG_FW_LINE_PUNCT_FRAC, ratio((double)punct, (double)lines));
    sito_doc_set_signal(d, SITO_SIG_FW_SHORT_LINE_FRAC, ratio((double)shorts, (double)lines));
    sito_doc_set_signal(d, SITO_SIG_FW_DUP_LINE_CHAR_FRAC, ratio((double)dchars, (double)cps));
    sito_doc_set_signal(d, SITO_SIG_FW_NEWLINE_WORD_RATIO, ratio((double)newlines, (double)n_words));
    return 0;
}

/* ------------------------------------------------------------ driver */

static int in_order(const q_lang_cfg *L, int f)
{
    for (int i = 0; i < L->n_order; i++)
        if (L->order[i] == f)
            return 1;
    return 0;
}

int q_compute_signals(q_scratch *s, const q_lang_cfg *L, sito_doc *d, const char **kept,
                      size_t *kept_len)
{
    const char *text = d->text.ptr ? d->text.ptr : "";
    size_t n = d->text.len;
    *kept = NULL;
    *kept_len = 0;
    if (n > UINT32_MAX)
        return SITO_ERR_LIMIT;
    d->text.ptr = text;
    if (q_tokenize(text, n, L->tokenizer, &s->tok) || reserve_words(s, s->tok.n))
        return SITO_ERR_NOMEM;
    hash_words(s, text, n);
    size_t text_cps = q_cp_count(text, n), kept_words;
    long lines = split_lines(s, text, n);
    if (lines < 0)
        return SITO_ERR_NOMEM;
    gopher_quality(s, L, d, (size_t)lines);
    if (gopher_repetition(s, d, text_cps) || c4(s, L, d, (size_t)lines, &kept_words))
        return SITO_ERR_NOMEM;
    /* datatrove runs FineWeb after C4 changed the text: when this language
     * keeps C4's lines, FineWeb's signals describe that text */
    const char *fw = text;
    size_t fw_len = n, fw_words = s->tok.n;
    if (L->c4_modify_text && in_order(L, QF_C4)) {
        size_t b = 0, e = s->kept.len;
        const char *k = s->kept.ptr ? s->kept.ptr : "";
        q_strip((const unsigned char *)k, &b, &e);
        fw = k + b;
        fw_len = e - b;
        fw_words = kept_words; /* the tokens of C4's kept text */
        *kept = fw;
        *kept_len = fw_len;
    }
    if (fineweb(s, L, d, fw, fw_len, fw_words))
        return SITO_ERR_NOMEM;
    return SITO_OK;
}
