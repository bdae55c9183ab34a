/*
 * fasttext_predict.c — one fastText prediction: tokens -> input rows ->
 * averaged hidden vector -> hierarchical softmax (or softmax, or sigmoid)
 * -> top k labels, reproducing fastText 0.9.2 to the last float bit.
 * Rows are added to the hidden vector as they are found, in fastText's
 * order (tokens, then each token's n-grams, then word n-grams), so a line
 * of any length needs no row list; keep that order when optimizing, since
 * float addition is not associative.
 */
#include "lang/fasttext.h"

#include <math.h>
#if defined(__SSE2__)
#include <immintrin.h>
#endif
#include <stdlib.h>
#include <string.h>

typedef float v4f __attribute__((vector_size(16)));

/* N-gram buckets are resolved and added in batches of up to this many
 * (across tokens, flushed before a vocabulary word's rows and at the end of
 * the line), so that their scattered table reads overlap instead of
 * waiting one by one. */
#define FT_PENDING 128

typedef struct ft_pred {
    float score;     /* log-probability */
    int32_t label;
} ft_pred;

typedef struct ft_visit {
    int32_t node;
    float score;
} ft_visit;

struct sito_langid_ctx {
    const sito_langid_model *m;
    float *hidden;          /* dim_pad floats, 64-byte aligned */
    uint64_t nrows;         /* rows added to hidden */
    ft_pred *heap;          /* nlabels + 1 */
    ft_visit *stack;        /* 2 * nlabels: the DFS never holds more */
    float *output;          /* nlabels scores (softmax, ns, ova) */
    uint32_t pend[FT_PENDING];      /* n-gram buckets not yet added */
    int32_t pend_rows[FT_PENDING];
    int n_pend;
    int32_t *hashes;        /* word hashes of the line (wordNgrams > 1) */
    size_t n_hashes, cap_hashes;
    int nomem;
};

sito_langid_ctx *sito_langid_ctx_new(const sito_langid_model *m)
{
    if (!m)
        return NULL;
    sito_langid_ctx *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->m = m;
    void *h = NULL;
    if (posix_memalign(&h, 64, sizeof(float) * (size_t)m->dim_pad) == 0)
        c->hidden = h;
    c->heap = malloc(sizeof(ft_pred) * ((size_t)m->nlabels + 1));
    c->stack = malloc(sizeof(ft_visit) * 2 * (size_t)m->nlabels);
    c->output = malloc(sizeof(float) * (size_t)m->nlabels);
    if (!c->hidden || !c->heap || !c->stack || !c->output) {
        sito_langid_ctx_free(c);
        return NULL;
    }
    return c;
}

void sito_langid_ctx_free(sito_langid_ctx *c)
{
    if (!c)
        return;
    free(c->hidden);
    free(c->heap);
    free(c->stack);
    free(c->output);
    free(c->hashes);
    free(c);
}

/* ------------------------------------------------------- input rows */

/* Adds the product-quantized input row `row`: component j of sub-quantizer
 * s gets norm * centroid, a float multiply then a float add, exactly as
 * ProductQuantizer::addcode.  The common layout (2 floats per
 * sub-quantizer, dim a multiple of 4) adds two sub-quantizers per SSE
 * vector. */
static inline void add_qrow(sito_langid_ctx *c, int32_t row)
{
    const sito_langid_model *m = c->m;
    int nsubq = m->in_nsubq, dsub = m->in_dsub;
    const uint8_t *q = m->in_qrows + (size_t)row * (size_t)(nsubq + 1);
    const float *cent = m->in_cent;
    float norm = m->in_norms[q[0]];
    q++;
#if defined(__SSE2__)
    if (dsub == 2 && m->in_lastdsub == 2 && (m->dim & 3) == 0) {
        __m128 n = _mm_set1_ps(norm);
        __m128 *h = (__m128 *)c->hidden;
        for (int s = 0; s < nsubq; s += 2) {
            __m128 v = _mm_loadl_pi(_mm_setzero_ps(),
                                    (const __m64 *)(cent + ((size_t)s * 256 + q[s]) * 2));
            v = _mm_loadh_pi(v, (const __m64 *)(cent + ((size_t)(s + 1) * 256 + q[s + 1]) * 2));
            h[s / 2] = _mm_add_ps(h[s / 2], _mm_mul_ps(v, n));
        }
        return;
    }
#endif
    for (int s = 0; s < nsubq; s++) {
        int d = s == nsubq - 1 ? m->in_lastdsub : dsub;
        const float *cs = s == nsubq - 1 ? cent + (size_t)s * 256 * dsub + (size_t)q[s] * d
                                         : cent + ((size_t)s * 256 + q[s]) * dsub;
        for (int j = 0; j < d; j++)
            c->hidden[s * dsub + j] += norm * cs[j];
    }
}

/* Adds input row `row` to the hidden vector.  Dense rows are added four
 * lanes at a time, which keeps fastText's per-component order, so the sums
 * are bit-identical. */
static inline void add_row(sito_langid_ctx *c, int32_t row)
{
    const sito_langid_model *m = c->m;
    c->nrows++;
    if (m->in_qrows) {
        add_qrow(c, row);
        return;
    }
    const v4f *r = (const v4f *)(m->in_rows + (size_t)row * (size_t)m->dim_pad);
    v4f *h = (v4f *)c->hidden;
    for (int j = 0; j < m->dim_pad / 4; j++)
        h[j] += r[j];
}

/* Adds rows[0..n) in order, prefetching the quantized rows first. */
static void add_rows(sito_langid_ctx *c, const int32_t *rows, int n)
{
    const sito_langid_model *m = c->m;
    if (m->in_qrows) {
        size_t stride = (size_t)m->in_nsubq + 1;
        for (int i = 0; i < n; i++)
            __builtin_prefetch(m->in_qrows + (size_t)rows[i] * stride);
    }
    for (int i = 0; i < n; i++)
        add_row(c, rows[i]);
}

/* Pending n-gram buckets -> rows -> hidden, in order: first every table
 * read is started, then the rows of the surviving n-grams are found
 * without a branch, prefetched, and added. */
static void flush_pending(sito_langid_ctx *c)
{
    const sito_langid_model *m = c->m;
    int n = c->n_pend, nr = 0;
    c->n_pend = 0;
    if (m->pruned > 0) {
        for (int i = 0; i < n; i++)
            __builtin_prefetch(&m->prune[c->pend[i] >> 5]);
        for (int i = 0; i < n; i++) {
            ft_prune_block b = m->prune[c->pend[i] >> 5];
            uint32_t bit = (uint32_t)1 << (c->pend[i] & 31);
            /* prune_vals has a spare slot: the index is valid on a miss */
            int32_t v = m->prune_vals[b.rank + (uint32_t)__builtin_popcount(b.bits & (bit - 1))];
            c->pend_rows[nr] = m->nwords + v;
            nr += (b.bits & bit) != 0;
        }
    } else {
        for (int i = 0; i < n; i++) {
            int32_t row = ft_id_row(m, c->pend[i]);
            c->pend_rows[nr] = row;
            nr += row >= 0;
        }
    }
    add_rows(c, c->pend_rows, nr);
}

static void pend_bucket(void *arg, uint32_t bucket)
{
    sito_langid_ctx *c = arg;
    c->pend[c->n_pend++] = bucket;
    if (c->n_pend == FT_PENDING)
        flush_pending(c);
}

/* Vocabulary id of tok (hash h), or -1. */
static int32_t vocab_find(const sito_langid_model *m, const unsigned char *tok, size_t len,
                          uint32_t h)
{
    for (uint32_t s = h & m->vocab_mask;; s = (s + 1) & m->vocab_mask) {
        int32_t id = m->vocab_id[s];
        if (id < 0)
            return -1;
        if (m->vocab_hash[s] == h && m->str_len[id] == len &&
            !memcmp(m->strings + m->str_off[id], tok, len))
            return id;
    }
}

static void push_hash(sito_langid_ctx *c, uint32_t h)
{
    if (c->n_hashes == c->cap_hashes) {
        size_t cap = c->cap_hashes ? c->cap_hashes * 2 : 256;
        int32_t *p = realloc(c->hashes, cap * sizeof *p);
        if (!p) {
            c->nomem = 1;
            return;
        }
        c->hashes = p;
        c->cap_hashes = cap;
    }
    c->hashes[c->n_hashes++] = (int32_t)h;
}

static int is_eos(const unsigned char *tok, size_t len)
{
    return len == 4 && !memcmp(tok, FT_EOS, 4);
}

/* Dictionary::getLine for one token: a vocabulary word adds its own row and
 * its n-gram rows; an unknown word its n-gram rows; a label (known, or
 * unknown but starting with __label__) nothing. */
static void add_token(sito_langid_ctx *c, const unsigned char *tok, size_t len)
{
    const sito_langid_model *m = c->m;
    uint32_t h = FT_HASH_INIT;
    for (size_t i = 0; i < len; i++)
        h = ft_hash_step(h, tok[i]);
    int32_t id = vocab_find(m, tok, len, h);
    if (id >= m->nwords)
        return;
    if (id >= 0) {
        if (c->n_pend)
            flush_pending(c);  /* earlier n-grams first: the order is the sum */
        add_rows(c, m->sub_rows + m->sub_off[id], m->sub_off[id + 1] - m->sub_off[id]);
    } else {
        if (len >= 9 && !memcmp(tok, FT_LABEL_PREFIX, 9))
            return;
        if (!is_eos(tok, len))
            ft_ngrams(m, tok, len, pend_bucket, c);
    }
    if (m->word_ngrams > 1)
        push_hash(c, h);
}

/* Dictionary::addWordNgrams: the int32 hashes are sign-extended to 64 bits,
 * as fastText stores them in a vector<int32_t>. */
static void add_word_ngrams(sito_langid_ctx *c)
{
    const sito_langid_model *m = c->m;
    size_t n = c->n_hashes, wn = (size_t)m->word_ngrams;
    for (size_t i = 0; i < n; i++) {
        uint64_t h = (uint64_t)(int64_t)c->hashes[i];
        for (size_t j = i + 1; j < n && j < i + wn; j++) {
            h = h * 116049371 + (uint64_t)(int64_t)c->hashes[j];
            int32_t row = ft_id_row(m, (uint32_t)(h % m->bucket));
            if (row >= 0)
                add_row(c, row);
        }
    }
}

/* 1: separator (Dictionary::readWord), 2: newline. */
static const unsigned char sep_class[256] = {
    [0] = 1, [' '] = 1, ['\t'] = 1, ['\v'] = 1, ['\f'] = 1, ['\r'] = 1, ['\n'] = 2,
};

/* Reads one fastText line from p[0..len) and adds its rows to the hidden
 * vector.  stream: '\n' gives </s> and ends the line, and the data's end
 * adds no </s>; otherwise '\n' is a separator and </s> is added at the end.
 * Either way a literal "</s>" word ends the line.  Returns the bytes read
 * (readWord pushes back the '\n' after a word). */
static size_t read_line(sito_langid_ctx *c, const unsigned char *p, size_t len, int stream)
{
    size_t i = 0;
    for (;;) {
        while (i < len && sep_class[p[i]]) {
            if (stream && sep_class[p[i]] == 2) {
                add_token(c, (const unsigned char *)FT_EOS, 4);
                return i + 1;
            }
            i++;
        }
        if (i == len) {
            if (!stream)
                add_token(c, (const unsigned char *)FT_EOS, 4);
            return len;
        }
        size_t s = i;
        while (i < len && !sep_class[p[i]])
            i++;
        add_token(c, p + s, i - s);
        if (is_eos(p + s, i - s)) {
            if (i < len && !(stream && p[i] == '\n'))
                i++;
            return i;
        }
    }
}

/* ------------------------------------------------------ the k best */

/* std::push_heap / pop_heap / sort_heap of libstdc++ with fastText's
 * comparePairs (a.score > b.score), reproduced step by step so that equal
 * scores come out in the same order as in fastText. */
static int heap_less(ft_pred a, ft_pred b)
{
    return a.score > b.score;
}

static void heap_sift_up(ft_pred *h, size_t hole, size_t top, ft_pred v)
{
    size_t parent = (hole - 1) / 2;
    while (hole > top && heap_less(h[parent], v)) {
        h[hole] = h[parent];
        hole = parent;
        parent = (hole - 1) / 2;
    }
    h[hole] = v;
}

static void heap_push(ft_pred *h, size_t len)
{
    heap_sift_up(h, len - 1, 0, h[len - 1]);
}

static void heap_adjust(ft_pred *h, size_t hole, size_t len, ft_pred v)
{
    size_t top = hole, child = hole;
    while (len >= 2 && child < (len - 1) / 2) {
        child = 2 * (child + 1);
        if (heap_less(h[child], h[child - 1]))
            child--;
        h[hole] = h[child];
        hole = child;
    }
    if ((len & 1) == 0 && child == (len - 2) / 2) {
        child = 2 * (child + 1);
        h[hole] = h[child - 1];
        hole = child - 1;
    }
    heap_sift_up(h, hole, top, v);
}

/* Moves the front to h[len-1] and restores the heap on h[0..len-1). */
static void heap_pop(ft_pred *h, size_t len)
{
    if (len < 2)
        return;
    ft_pred v = h[len - 1];
    h[len - 1] = h[0];
    heap_adjust(h, 0, len - 1, v);
}

static void heap_sort(ft_pred *h, size_t len)
{
    for (; len > 1; len--)
        heap_pop(h, len);
}

/* Adds (score, label) to a heap of at most k entries. */
static void heap_offer(ft_pred *h, size_t *n, size_t k, float score, int32_t label)
{
    h[(*n)++] = (ft_pred){score, label};
    heap_push(h, *n);
    if (*n > k) {
        heap_pop(h, *n);
        (*n)--;
    }
}

/* loss.cc std_log: the float argument plus 1e-5, in double. */
static float std_log(float x)
{
    return (float)log((double)x + 1e-5);
}

/* DenseMatrix::dotRow / QuantMatrix::dotRow: a float sum in order, times
 * the row norm (1 for a dense matrix). */
static float dot_row(const sito_langid_model *m, const float *hidden, int32_t i)
{
    const float *r = m->out_rows + (size_t)i * (size_t)m->dim;
    float d = 0.0f;
    for (int j = 0; j < m->dim; j++)
        d += r[j] * hidden[j];
    return d * m->out_norm[i];
}

/* HierarchicalSoftmaxLoss::predict: depth-first from the root, left child
 * first, pruning paths below the threshold and below the k-th best.  An
 * explicit stack replaces fastText's recursion (a degenerate tree of a huge
 * model could be as deep as it has labels). */
static size_t predict_hs(sito_langid_ctx *c, size_t k, float threshold)
{
    const sito_langid_model *m = c->m;
    float cut = std_log(threshold);
    size_t n = 0, sp = 0;
    int32_t osz = m->nlabels;
    c->stack[sp++] = (ft_visit){ft_tree_nodes(m) - 1, 0.0f};
    while (sp) {
        ft_visit v = c->stack[--sp];
        if (v.score < cut)
            continue;
        if (n == k && v.score < c->heap[0].score)
            continue;
        if (m->tree_left[v.node] < 0 && m->tree_right[v.node] < 0) {
            heap_offer(c->heap, &n, k, v.score, v.node);
            continue;
        }
        float f = dot_row(m, c->hidden, v.node - osz);
        f = (float)(1. / (double)(1.0f + expf(-f)));
        c->stack[sp++] = (ft_visit){m->tree_right[v.node], v.score + std_log(f)};
        c->stack[sp++] = (ft_visit){m->tree_left[v.node], v.score + std_log((float)(1.0 - f))};
    }
    return n;
}

/* Loss::sigmoid, the table lookup that BinaryLogisticLoss uses. */
static float table_sigmoid(const sito_langid_model *m, float x)
{
    if (!(x >= -8.0f))
        return 0.0f;
    if (x > 8.0f)
        return 1.0f;
    int64_t i = (int64_t)((x + 8) * 512 / 8 / 2);
    return m->sigmoid_table[i];
}

/* SoftmaxLoss / BinaryLogisticLoss computeOutput, then Loss::findKBest. */
static size_t predict_flat(sito_langid_ctx *c, size_t k, float threshold)
{
    const sito_langid_model *m = c->m;
    float *out = c->output;
    int32_t osz = m->nlabels;
    for (int32_t i = 0; i < osz; i++)
        out[i] = dot_row(m, c->hidden, i);
    if (m->loss == FT_LOSS_SOFTMAX) {
        float max = out[0], z = 0.0f;
        for (int32_t i = 0; i < osz; i++)
            max = out[i] > max ? out[i] : max;
        for (int32_t i = 0; i < osz; i++) {
            out[i] = (float)exp((double)(out[i] - max));
            z += out[i];
        }
        for (int32_t i = 0; i < osz; i++)
            out[i] /= z;
    } else {
        for (int32_t i = 0; i < osz; i++)
            out[i] = table_sigmoid(m, out[i]);
    }
    size_t n = 0;
    for (int32_t i = 0; i < osz; i++) {
        if (out[i] < threshold)
            continue;
        if (n == k && std_log(out[i]) < c->heap[0].score)
            continue;
        heap_offer(c->heap, &n, k, std_log(out[i]), i);
    }
    return n;
}

/* ------------------------------------------------------------ the API */

static int predict(const sito_langid_model *m, sito_langid_ctx *c, const char *text, size_t len,
                   int k, float threshold, sito_langid_result *out, int stream, size_t *consumed)
{
    if (!m || !c || c->m != m || !out || k < 1 || (!text && len))
        return SITO_ERR_ARG;
    memset(c->hidden, 0, sizeof(float) * (size_t)m->dim_pad);
    c->nrows = 0;
    c->n_hashes = 0;
    c->n_pend = 0;
    c->nomem = 0;
    size_t used = read_line(c, (const unsigned char *)text, len, stream);
    if (c->n_pend)
        flush_pending(c);
    if (consumed)
        *consumed = used;
    if (m->word_ngrams > 1)
        add_word_ngrams(c);
    if (c->nomem)
        return SITO_ERR_NOMEM;
    if (c->nrows == 0)
        return 0;
    float inv = (float)(1.0 / (double)c->nrows);
    for (int j = 0; j < m->dim; j++)
        c->hidden[j] *= inv;
    size_t kk = (size_t)k < (size_t)m->nlabels ? (size_t)k : (size_t)m->nlabels;
    size_t n = m->loss == FT_LOSS_HS ? predict_hs(c, kk, threshold)
                                     : predict_flat(c, kk, threshold);
    heap_sort(c->heap, n);
    for (size_t i = 0; i < n; i++) {
        int32_t e = m->nwords + c->heap[i].label;
        const char *s = m->strings + m->str_off[e];
        size_t sl = m->str_len[e], skip = 0;
        if (sl >= 9 && !memcmp(s, FT_LABEL_PREFIX, 9))
            skip = 9;
        out[i].label = (sito_str){s, sl};
        out[i].lang = (sito_str){s + skip, sl - skip};
        out[i].prob = expf(c->heap[i].score);
    }
    return (int)n;
}

int sito_langid_predict(const sito_langid_model *m, sito_langid_ctx *c, const char *text,
                        size_t len, int k, float threshold, sito_langid_result *out)
{
    return predict(m, c, text, len, k, threshold, out, 0, NULL);
}

int sito_langid_predict_stream(const sito_langid_model *m, sito_langid_ctx *c, const char *text,
                               size_t len, int k, float threshold, sito_langid_result *out,
                               size_t *consumed)
{
    size_t dummy;
    return predict(m, c, text, len, k, threshold, out, 1, consumed ? consumed : &dummy);
}
