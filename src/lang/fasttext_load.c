/*
 * fasttext_load.c — reads a fastText 0.9.2 model file (.ftz or .bin) into
 * the form the predictor needs: a vocabulary hash table with each word's
 * input rows precomputed, the pruned n-gram index, the input matrix decoded
 * to plain float rows, the output matrix and the Huffman tree.
 * The file is untrusted: every read goes through the bounds-checked reader
 * below, and every size is checked against the bytes left before anything
 * is allocated, so a bad file gives a message and never a crash.
 */
#include "lang/fasttext.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define FT_MAGIC 793712314
#define FT_VERSION 12
#define FT_MAX_DIM 4096
#define FT_MAX_N 256          /* largest minn/maxn/wordNgrams accepted */
#define FT_KSUB 256           /* centroids per sub-quantizer */

/* A bounds-checked cursor over the file bytes; the first error sticks. */
typedef struct reader {
    const unsigned char *p;
    size_t len, off;
    const char *path;
    char *err;
    size_t errlen;
    int status;
} reader;

static int fail(reader *r, int status, const char *fmt, ...)
{
    if (r->status)
        return r->status;
    r->status = status;
    if (r->err && r->errlen) {
        char msg[256];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        if (status == SITO_ERR_FORMAT)
            snprintf(r->err, r->errlen, "%s: %s (at byte %zu)", r->path, msg, r->off);
        else
            snprintf(r->err, r->errlen, "%s: %s", r->path, msg);
    }
    return status;
}

/* Whether n more bytes exist; otherwise records a truncation naming what. */
static int have(reader *r, uint64_t n, const char *what)
{
    if (r->status)
        return 0;
    if (n > r->len - r->off) {
        fail(r, SITO_ERR_FORMAT, "truncated file: %s needs %llu bytes, %zu left", what,
             (unsigned long long)n, r->len - r->off);
        return 0;
    }
    return 1;
}

static const unsigned char *take(reader *r, uint64_t n, const char *what)
{
    if (!have(r, n, what))
        return NULL;
    const unsigned char *q = r->p + r->off;
    r->off += (size_t)n;
    return q;
}

static int32_t rd_i32(reader *r, const char *what)
{
    int32_t v = 0;
    const unsigned char *q = take(r, 4, what);
    if (q)
        memcpy(&v, q, 4);
    return v;
}

static int64_t rd_i64(reader *r, const char *what)
{
    int64_t v = 0;
    const unsigned char *q = take(r, 8, what);
    if (q)
        memcpy(&v, q, 8);
    return v;
}

static double rd_f64(reader *r, const char *what)
{
    double v = 0;
    const unsigned char *q = take(r, 8, what);
    if (q)
        memcpy(&v, q, 8);
    return v;
}

/* A C++ bool: one byte that must be 0 or 1. */
static int rd_bool(reader *r, const char *what)
{
    const unsigned char *q = take(r, 1, what);
    if (!q)
        return 0;
    if (*q > 1) {
        r->off--;
        fail(r, SITO_ERR_FORMAT, "%s is %u, expected 0 or 1", what, *q);
        return 0;
    }
    return *q;
}

static float load_f32(const unsigned char *q)
{
    float v;
    memcpy(&v, q, 4);
    return v;
}

/* ---------------------------------------------------------------- args */

static int load_header_and_args(reader *r, sito_langid_model *m)
{
    int32_t magic = rd_i32(r, "magic"), version = rd_i32(r, "version");
    if (r->status)
        return r->status;
    if (magic != FT_MAGIC) {
        r->off = 0;
        return fail(r, SITO_ERR_FORMAT, "not a fastText model (magic %d, expected %d)", magic,
                    FT_MAGIC);
    }
    if (version > FT_VERSION || version < 0) {
        r->off = 4;
        return fail(r, SITO_ERR_FORMAT, "unsupported fastText version %d (at most %d)", version,
                    FT_VERSION);
    }
    int32_t a[12];
    static const char *const names[12] = {"dim",  "ws",     "epoch",  "minCount",
                                          "neg",  "wordNgrams", "loss", "model",
                                          "bucket", "minn", "maxn", "lrUpdateRate"};
    size_t at[12];
    for (int i = 0; i < 12; i++) {
        at[i] = r->off;
        a[i] = rd_i32(r, names[i]);
    }
    rd_f64(r, "t");
    if (r->status)
        return r->status;
#define ARG_CHECK(i, cond, what)                                                  \
    do {                                                                          \
        if (!(cond)) {                                                            \
            r->off = at[i];                                                       \
            return fail(r, SITO_ERR_FORMAT, "args.%s is %d: %s", names[i], a[i], what); \
        }                                                                         \
    } while (0)
    ARG_CHECK(0, a[0] >= 1 && a[0] <= FT_MAX_DIM, "expected 1..4096");
    ARG_CHECK(5, a[5] <= FT_MAX_N, "expected at most 256");
    ARG_CHECK(6, a[6] >= FT_LOSS_HS && a[6] <= FT_LOSS_OVA, "unknown loss");
    ARG_CHECK(7, a[7] == 3, "not a supervised (classification) model");
    ARG_CHECK(8, a[8] >= 0, "negative bucket count");
    ARG_CHECK(9, a[9] <= FT_MAX_N, "expected at most 256");
    ARG_CHECK(10, a[10] <= FT_MAX_N, "expected at most 256");
    m->dim = a[0];
    m->dim_pad = (a[0] + 3) & ~3;
    m->word_ngrams = a[5];
    m->loss = a[6];
    m->bucket = (uint32_t)a[8];
    m->minn = a[9];
    m->maxn = version == 11 ? 0 : a[10];  /* FastText::loadModel: old sup models */
    ARG_CHECK(8, m->bucket > 0 || (m->maxn <= 0 && m->word_ngrams <= 1),
              "n-grams need at least one bucket");
#undef ARG_CHECK
    if (m->bucket)
        m->bucket_magic = UINT64_MAX / m->bucket + 1;
    return SITO_OK;
}

/* ---------------------------------------------------------- dictionary */

static uint32_t hash_bytes(const unsigned char *s, size_t n)
{
    uint32_t h = FT_HASH_INIT;
    for (size_t i = 0; i < n; i++)
        h = ft_hash_step(h, s[i]);
    return h;
}

static uint32_t pow2_at_least(uint64_t n)
{
    uint32_t s = 16;
    while (s < n)
        s <<= 1;
    return s;
}

static int load_entries(reader *r, sito_langid_model *m, int64_t **counts)
{
    /* each entry is at least a NUL, an int64 count and a type byte */
    if (!have(r, (uint64_t)m->size * 10, "dictionary entries"))
        return r->status;
    m->str_off = malloc(sizeof(uint32_t) * (size_t)m->size);
    m->str_len = malloc(sizeof(uint32_t) * (size_t)m->size);
    *counts = malloc(sizeof(int64_t) * (size_t)m->nlabels);
    if (!m->str_off || !m->str_len || !*counts)
        return fail(r, SITO_ERR_NOMEM, "out of memory for the dictionary");
    size_t start = r->off, pool = 0;
    /* first pass: find the strings, check types; the pool is copied after */
    for (int32_t i = 0; i < m->size; i++) {
        const unsigned char *s = r->p + r->off;
        const unsigned char *nul = memchr(s, 0, r->len - r->off);
        if (!nul)
            return fail(r, SITO_ERR_FORMAT, "truncated file: entry %d has no terminating NUL", i);
        size_t n = (size_t)(nul - s);
        if (n >= UINT32_MAX || pool + n + 1 > UINT32_MAX)
            return fail(r, SITO_ERR_LIMIT, "dictionary strings over 4 GiB");
        m->str_off[i] = (uint32_t)pool;
        m->str_len[i] = (uint32_t)n;
        pool += n + 1;
        r->off += n + 1;
        int64_t count = rd_i64(r, "entry count");
        const unsigned char *type = take(r, 1, "entry type");
        if (!type)
            return r->status;
        int want = i < m->nwords ? 0 : 1;
        if (*type != want) {
            r->off--;
            return fail(r, SITO_ERR_FORMAT, "entry %d has type %u, expected %d (%s)", i, *type,
                        want, want ? "labels follow the nwords words" : "a word");
        }
        if (i >= m->nwords)
            (*counts)[i - m->nwords] = count;
    }
    m->strings = malloc(pool ? pool : 1);
    if (!m->strings)
        return fail(r, SITO_ERR_NOMEM, "out of memory for the dictionary");
    size_t off = start;
    for (int32_t i = 0; i < m->size; i++) {
        memcpy(m->strings + m->str_off[i], r->p + off, m->str_len[i] + 1);
        off += m->str_len[i] + 1 + 9;
    }
    return SITO_OK;
}

/* Dictionary::load builds word2int by inserting every entry in order, so a
 * repeated string maps to its last entry.  Same here. */
static int build_vocab(reader *r, sito_langid_model *m)
{
    uint32_t slots = pow2_at_least((uint64_t)m->size * 2);
    m->vocab_mask = slots - 1;
    m->vocab_id = malloc(sizeof(int32_t) * slots);
    m->vocab_hash = malloc(sizeof(uint32_t) * slots);
    if (!m->vocab_id || !m->vocab_hash)
        return fail(r, SITO_ERR_NOMEM, "out of memory for the vocabulary");
    memset(m->vocab_id, 0xFF, sizeof(int32_t) * slots);
    for (int32_t i = 0; i < m->size; i++) {
        const unsigned char *w = (const unsigned char *)m->strings + m->str_off[i];
        uint32_t h = hash_bytes(w, m->str_len[i]), s = h & m->vocab_mask;
        while (m->vocab_id[s] >= 0) {
            int32_t o = m->vocab_id[s];
            if (m->vocab_hash[s] == h && m->str_len[o] == m->str_len[i] &&
                !memcmp(m->strings + m->str_off[o], w, m->str_len[i]))
                break;
            s = (s + 1) & m->vocab_mask;
        }
        m->vocab_id[s] = i;
        m->vocab_hash[s] = h;
    }
    return SITO_OK;
}

/* Dictionary::load's pruneidx: (bucket, row offset) pairs in arbitrary
 * order; a repeated bucket keeps its last value, as in the unordered_map.
 * Buckets outside [0, bucket) are never looked up and are skipped. */
static int load_pruneidx(reader *r, sito_langid_model *m, int64_t n)
{
    if (n == 0) {
        m->pruned = -1;
        return SITO_OK;
    }
    if (n < 0)
        return SITO_OK;
    const unsigned char *pairs = take(r, (uint64_t)n * 8, "pruned n-gram index");
    if (!pairs)
        return r->status;
    if (m->bucket > ((uint32_t)1 << 27))
        return fail(r, SITO_ERR_LIMIT, "a pruned model with %u buckets is not supported",
                    m->bucket);
    size_t nblocks = ((size_t)m->bucket + 31) / 32;
    m->prune = calloc(nblocks ? nblocks : 1, sizeof *m->prune);
    if (!m->prune)
        return fail(r, SITO_ERR_NOMEM, "out of memory for the n-gram index");
    m->pruned = 1;
    for (int64_t i = 0; i < n; i++) {
        int32_t key, val;
        memcpy(&key, pairs + 8 * i, 4);
        memcpy(&val, pairs + 8 * i + 4, 4);
        if (val < 0) {
            r->off = (size_t)(pairs - r->p) + 8 * (size_t)i + 4;
            return fail(r, SITO_ERR_FORMAT, "n-gram index value %d is negative", val);
        }
        if (key >= 0 && (uint32_t)key < m->bucket)
            m->prune[key >> 5].bits |= (uint32_t)1 << (key & 31);
    }
    uint32_t rank = 0;
    for (size_t i = 0; i < nblocks; i++) {
        m->prune[i].rank = rank;
        rank += (uint32_t)__builtin_popcount(m->prune[i].bits);
    }
    m->prune_vals = calloc((size_t)rank + 1, sizeof(int32_t));  /* + a spare for misses */
    if (!m->prune_vals)
        return fail(r, SITO_ERR_NOMEM, "out of memory for the n-gram index");
    for (int64_t i = 0; i < n; i++) {
        int32_t key, val;
        memcpy(&key, pairs + 8 * i, 4);
        memcpy(&val, pairs + 8 * i + 4, 4);
        if (key < 0 || (uint32_t)key >= m->bucket)
            continue;
        ft_prune_block blk = m->prune[key >> 5];
        uint32_t below = blk.bits & (((uint32_t)1 << (key & 31)) - 1);
        m->prune_vals[blk.rank + (uint32_t)__builtin_popcount(below)] = val;
    }
    m->n_prune_vals = rank;
    return SITO_OK;
}

static int load_dictionary(reader *r, sito_langid_model *m, int64_t **counts)
{
    size_t at = r->off;
    int32_t size = rd_i32(r, "dictionary size"), nwords = rd_i32(r, "nwords"),
            nlabels = rd_i32(r, "nlabels");
    rd_i64(r, "ntokens");
    int64_t npruned = rd_i64(r, "pruneidx_size");
    if (r->status)
        return r->status;
    if (nwords < 0 || nlabels < 1 || (int64_t)nwords + nlabels != size) {
        r->off = at;
        return fail(r, SITO_ERR_FORMAT,
                    "dictionary sizes disagree: size %d, nwords %d, nlabels %d", size, nwords,
                    nlabels);
    }
    m->size = size;
    m->nwords = nwords;
    m->nlabels = nlabels;
    if (load_entries(r, m, counts) || build_vocab(r, m) || load_pruneidx(r, m, npruned))
        return r->status;
    return SITO_OK;
}

/* --------------------------------------------------------------- matrices */

/* A product quantizer (ProductQuantizer::load) with its centroids as a
 * pointer into the file. */
typedef struct pq {
    int32_t dim, nsubq, dsub, lastdsub;
    const unsigned char *centroids;   /* dim * 256 float32 */
} pq;

static int load_pq(reader *r, pq *q, int32_t want_dim, const char *what)
{
    size_t at = r->off;
    q->dim = rd_i32(r, "quantizer dim");
    q->nsubq = rd_i32(r, "quantizer nsubq");
    q->dsub = rd_i32(r, "quantizer dsub");
    q->lastdsub = rd_i32(r, "quantizer lastdsub");
    if (r->status)
        return r->status;
    if (q->dim != want_dim || q->nsubq < 1 || q->dsub < 1 || q->lastdsub < 1 ||
        q->lastdsub > q->dsub ||
        (int64_t)(q->nsubq - 1) * q->dsub + q->lastdsub != q->dim) {
        r->off = at;
        return fail(r, SITO_ERR_FORMAT,
                    "%s quantizer is inconsistent: dim %d (expected %d), nsubq %d, dsub %d, "
                    "lastdsub %d",
                    what, q->dim, want_dim, q->nsubq, q->dsub, q->lastdsub);
    }
    q->centroids = take(r, (uint64_t)q->dim * FT_KSUB * 4, "quantizer centroids");
    if (!q->centroids)
        return r->status;
    for (int64_t i = 0; i < (int64_t)q->dim * FT_KSUB; i++)
        if (!isfinite(load_f32(q->centroids + 4 * i))) {
            r->off = (size_t)(q->centroids - r->p) + 4 * (size_t)i;
            return fail(r, SITO_ERR_FORMAT, "%s quantizer has a non-finite centroid", what);
        }
    return SITO_OK;
}

/* ProductQuantizer::get_centroids: the last sub-quantizer has its own
 * stride. */
static const unsigned char *pq_centroid(const pq *q, int32_t s, uint8_t code)
{
    int64_t at = s == q->nsubq - 1 ? (int64_t)s * FT_KSUB * q->dsub + (int64_t)code * q->lastdsub
                                   : ((int64_t)s * FT_KSUB + code) * q->dsub;
    return q->centroids + 4 * at;
}

/* A QuantMatrix (QuantMatrix::load): codes, quantizer, optional norms. */
typedef struct qmatrix {
    int64_t m, n;
    int qnorm;
    const unsigned char *codes, *norm_codes;
    pq q, nq;
} qmatrix;

static int load_qmatrix(reader *r, qmatrix *x, int32_t dim, const char *what)
{
    x->qnorm = rd_bool(r, "qnorm");
    size_t at = r->off;
    x->m = rd_i64(r, "matrix rows");
    x->n = rd_i64(r, "matrix columns");
    if (r->status)
        return r->status;
    if (x->n != dim || x->m < 0 || x->m > INT32_MAX) {
        r->off = at;
        return fail(r, SITO_ERR_FORMAT, "%s matrix is %lld x %lld, expected %d columns", what,
                    (long long)x->m, (long long)x->n, dim);
    }
    at = r->off;
    int32_t codesize = rd_i32(r, "codesize");
    if (r->status)
        return r->status;
    x->codes = take(r, codesize < 0 ? 0 : (uint64_t)codesize, "quantized codes");
    if (r->status || load_pq(r, &x->q, dim, what))
        return r->status;
    if (codesize != x->m * x->q.nsubq) {
        r->off = at;
        return fail(r, SITO_ERR_FORMAT, "%s matrix codesize %d, expected %lld rows x %d", what,
                    codesize, (long long)x->m, x->q.nsubq);
    }
    if (x->qnorm) {
        x->norm_codes = take(r, (uint64_t)x->m, "norm codes");
        if (!x->norm_codes || load_pq(r, &x->nq, 1, "norm"))
            return r->status;
    }
    return SITO_OK;
}

static float qmatrix_norm(const qmatrix *x, int64_t row)
{
    return x->qnorm ? load_f32(pq_centroid(&x->nq, 0, x->norm_codes[row])) : 1.0f;
}

static void *alloc_rows(int64_t rows, int cols)
{
    size_t n = (size_t)rows * (size_t)cols * sizeof(float);
    void *p = NULL;
    if (posix_memalign(&p, 64, n ? n : 64))
        return NULL;
    return p;
}

/* Rows whose decoded form would be absurdly larger than the file mean a
 * corrupt size field, not a model: refuse before allocating. */
static int check_decoded_size(reader *r, int64_t rows, int cols, const char *what)
{
    uint64_t bytes = (uint64_t)rows * (uint64_t)cols * 4;
    if (bytes > (uint64_t)r->len * 64 + ((uint64_t)64 << 20))
        return fail(r, SITO_ERR_LIMIT, "%s matrix would take %llu bytes decoded", what,
                    (unsigned long long)bytes);
    return SITO_OK;
}

/* A quantized input matrix is kept quantized: the predictor adds norm *
 * centroid per component as QuantMatrix::addRowToVector does. */
static int load_input(reader *r, sito_langid_model *m, int quant)
{
    if (quant) {
        qmatrix x;
        if (load_qmatrix(r, &x, m->dim, "input"))
            return r->status;
        size_t stride = (size_t)x.q.nsubq + 1;
        m->in_m = x.m;
        m->in_nsubq = x.q.nsubq;
        m->in_dsub = x.q.dsub;
        m->in_lastdsub = x.q.lastdsub;
        m->in_qrows = malloc(stride * (size_t)(x.m ? x.m : 1));
        m->in_cent = alloc_rows(FT_KSUB, m->dim);
        if (!m->in_qrows || !m->in_cent)
            return fail(r, SITO_ERR_NOMEM, "out of memory for the input matrix");
        memcpy(m->in_cent, x.q.centroids, (size_t)m->dim * FT_KSUB * 4);
        for (int c = 0; c < 256; c++)
            m->in_norms[c] = x.qnorm ? load_f32(pq_centroid(&x.nq, 0, (uint8_t)c)) : 1.0f;
        for (int64_t i = 0; i < x.m; i++) {
            uint8_t *q = m->in_qrows + (size_t)i * stride;
            q[0] = x.qnorm ? x.norm_codes[i] : 0;
            memcpy(q + 1, x.codes + (size_t)i * (size_t)x.q.nsubq, (size_t)x.q.nsubq);
        }
        return SITO_OK;
    }
    size_t at = r->off;
    int64_t rows = rd_i64(r, "input rows"), cols = rd_i64(r, "input columns");
    if (r->status)
        return r->status;
    if (cols != m->dim || rows < 0 || rows > INT32_MAX) {
        r->off = at;
        return fail(r, SITO_ERR_FORMAT, "input matrix is %lld x %lld, expected %d columns",
                    (long long)rows, (long long)cols, m->dim);
    }
    const unsigned char *data = take(r, (uint64_t)rows * (uint64_t)cols * 4, "input matrix");
    if (!data || check_decoded_size(r, rows, m->dim_pad, "input"))
        return r->status;
    m->in_m = rows;
    if (!(m->in_rows = alloc_rows(rows, m->dim_pad)))
        return fail(r, SITO_ERR_NOMEM, "out of memory for the input matrix");
    for (int64_t i = 0; i < rows; i++) {
        float *row = m->in_rows + i * m->dim_pad;
        memset(row, 0, sizeof(float) * (size_t)m->dim_pad);
        memcpy(row, data + i * cols * 4, (size_t)cols * 4);
        for (int j = 0; j < m->dim; j++)
            if (!isfinite(row[j])) {
                r->off = (size_t)(data - r->p) + (size_t)(i * cols + j) * 4;
                return fail(r, SITO_ERR_FORMAT, "input matrix has a non-finite weight");
            }
    }
    return SITO_OK;
}

/* QuantMatrix::dotRow multiplies the sum by the norm at the end; a dense
 * row gets norm 1, which changes nothing. */
static int load_output(reader *r, sito_langid_model *m, int quant)
{
    qmatrix x = {0};
    const unsigned char *data = NULL;
    size_t at = r->off;
    if (quant) {
        if (load_qmatrix(r, &x, m->dim, "output"))
            return r->status;
    } else {
        x.m = rd_i64(r, "output rows");
        x.n = rd_i64(r, "output columns");
        if (r->status)
            return r->status;
        if (x.n == m->dim && x.m == m->nlabels)
            data = take(r, (uint64_t)x.m * (uint64_t)x.n * 4, "output matrix");
    }
    if (r->status)
        return r->status;
    if (x.m != m->nlabels || x.n != m->dim) {
        r->off = at;
        return fail(r, SITO_ERR_FORMAT, "output matrix is %lld x %lld, expected %d x %d",
                    (long long)x.m, (long long)x.n, m->nlabels, m->dim);
    }
    m->out_m = (int32_t)x.m;
    m->out_rows = malloc(sizeof(float) * (size_t)x.m * (size_t)m->dim);
    m->out_norm = malloc(sizeof(float) * (size_t)x.m);
    if (!m->out_rows || !m->out_norm)
        return fail(r, SITO_ERR_NOMEM, "out of memory for the output matrix");
    for (int64_t i = 0; i < x.m; i++) {
        float *row = m->out_rows + i * m->dim;
        if (data) {
            memcpy(row, data + i * m->dim * 4, (size_t)m->dim * 4);
            m->out_norm[i] = 1.0f;
            for (int j = 0; j < m->dim; j++)
                if (!isfinite(row[j])) {
                    r->off = (size_t)(data - r->p) + (size_t)(i * m->dim + j) * 4;
                    return fail(r, SITO_ERR_FORMAT, "output matrix has a non-finite weight");
                }
            continue;
        }
        m->out_norm[i] = qmatrix_norm(&x, i);
        for (int32_t s = 0; s < x.q.nsubq; s++) {
            const unsigned char *c = pq_centroid(&x.q, s, x.codes[i * x.q.nsubq + s]);
            int32_t d = s == x.q.nsubq - 1 ? x.q.lastdsub : x.q.dsub;
            for (int32_t j = 0; j < d; j++)
                row[s * x.q.dsub + j] = load_f32(c + 4 * j);
        }
    }
    return SITO_OK;
}

/* ------------------------------------------------- derived structures */

/* Every row id the predictor can produce must be inside the input matrix. */
static int check_rows_fit(reader *r, sito_langid_model *m)
{
    if (m->in_m < m->nwords)
        return fail(r, SITO_ERR_FORMAT, "input matrix has %lld rows, fewer than the %d words",
                    (long long)m->in_m, m->nwords);
    if (m->pruned == 0 && m->bucket && m->in_m < (int64_t)m->nwords + m->bucket)
        return fail(r, SITO_ERR_FORMAT,
                    "input matrix has %lld rows, expected %d words + %u buckets",
                    (long long)m->in_m, m->nwords, m->bucket);
    for (uint32_t i = 0; i < m->n_prune_vals; i++)
        if (m->prune_vals[i] >= m->in_m - m->nwords)
            return fail(r, SITO_ERR_FORMAT,
                        "n-gram index points to row %lld of a %lld-row input matrix",
                        (long long)m->nwords + m->prune_vals[i], (long long)m->in_m);
    return SITO_OK;
}

typedef struct row_list {
    int32_t *rows;
    size_t n, cap;
    int nomem;
} row_list;

static void row_list_push(row_list *l, int32_t row)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 4096;
        int32_t *p = realloc(l->rows, cap * sizeof *p);
        if (!p) {
            l->nomem = 1;
            return;
        }
        l->rows = p;
        l->cap = cap;
    }
    l->rows[l->n++] = row;
}

typedef struct subword_sink {
    const sito_langid_model *m;
    row_list *l;
} subword_sink;

static void row_list_push_bucket(void *arg, uint32_t bucket)
{
    subword_sink *s = arg;
    int32_t row = ft_id_row(s->m, bucket);
    if (row >= 0)
        row_list_push(s->l, row);
}

/* Dictionary::initNgrams: each word's rows are its own id, then the rows of
 * the character n-grams of "<word>" ("</s>" has none). */
static int build_subwords(reader *r, sito_langid_model *m)
{
    row_list l = {0};
    m->sub_off = malloc(sizeof(int32_t) * ((size_t)m->nwords + 1));
    if (!m->sub_off)
        return fail(r, SITO_ERR_NOMEM, "out of memory for the subword table");
    for (int32_t w = 0; w < m->nwords; w++) {
        const unsigned char *s = (const unsigned char *)m->strings + m->str_off[w];
        m->sub_off[w] = (int32_t)l.n;
        row_list_push(&l, w);
        if (!(m->str_len[w] == 4 && !memcmp(s, FT_EOS, 4)))
            ft_ngrams(m, s, m->str_len[w], row_list_push_bucket, &(subword_sink){m, &l});
        if (l.nomem || l.n > INT32_MAX) {
            free(l.rows);
            return fail(r, SITO_ERR_NOMEM, "out of memory for the subword table");
        }
    }
    m->sub_off[m->nwords] = (int32_t)l.n;
    m->sub_rows = l.rows ? l.rows : malloc(sizeof(int32_t));
    return m->sub_rows ? SITO_OK : fail(r, SITO_ERR_NOMEM, "out of memory");
}

/* HierarchicalSoftmaxLoss::buildTree: Huffman over the label counts (in
 * dictionary order, highest first), ties going to the internal node.  A
 * node not yet built is never picked (fastText's 1e15 sentinel does that
 * for sane counts; this also holds for absurd ones), and sums saturate. */
static int build_tree(reader *r, sito_langid_model *m, const int64_t *counts)
{
    int32_t osz = m->nlabels, n = ft_tree_nodes(m);
    int64_t *cnt = malloc(sizeof(int64_t) * (size_t)n);
    m->tree_left = malloc(sizeof(int32_t) * (size_t)n);
    m->tree_right = malloc(sizeof(int32_t) * (size_t)n);
    if (!cnt || !m->tree_left || !m->tree_right) {
        free(cnt);
        return fail(r, SITO_ERR_NOMEM, "out of memory for the label tree");
    }
    for (int32_t i = 0; i < n; i++) {
        cnt[i] = i < osz ? counts[i] : (int64_t)1000000000000000LL;
        m->tree_left[i] = m->tree_right[i] = -1;
    }
    int32_t leaf = osz - 1, node = osz;
    for (int32_t i = osz; i < n; i++) {
        int32_t pick[2];
        for (int j = 0; j < 2; j++) {
            if (leaf >= 0 && (node >= i || cnt[leaf] < cnt[node]))
                pick[j] = leaf--;
            else
                pick[j] = node++;
        }
        m->tree_left[i] = pick[0];
        m->tree_right[i] = pick[1];
        if (__builtin_add_overflow(cnt[pick[0]], cnt[pick[1]], &cnt[i]))
            cnt[i] = cnt[pick[0]] < 0 ? INT64_MIN : INT64_MAX;
    }
    free(cnt);
    return SITO_OK;
}

/* Loss::Loss: the 512-step sigmoid table used by ns/ova prediction. */
static void build_sigmoid_table(sito_langid_model *m)
{
    for (int i = 0; i <= 512; i++) {
        float x = (float)(i * 2 * 8) / 512 - 8;
        m->sigmoid_table[i] = (float)(1.0 / (1.0 + (double)expf(-x)));
    }
}

/* ------------------------------------------------------------- the file */

static int parse_model(reader *r, sito_langid_model *m)
{
    int64_t *counts = NULL;
    int rc = SITO_OK;
    if (load_header_and_args(r, m) || load_dictionary(r, m, &counts))
        goto out;
    int quant = rd_bool(r, "quant_input");
    if (r->status || load_input(r, m, quant))
        goto out;
    if (!quant && m->pruned != 0) {
        fail(r, SITO_ERR_FORMAT, "a pruned dictionary needs a quantized input matrix");
        goto out;
    }
    int qout = rd_bool(r, "qout");
    if (r->status || load_output(r, m, quant && qout))
        goto out;
    if (r->off != r->len) {
        fail(r, SITO_ERR_FORMAT, "%zu unexpected bytes after the output matrix", r->len - r->off);
        goto out;
    }
    if (check_rows_fit(r, m) || build_subwords(r, m) || build_tree(r, m, counts))
        goto out;
    build_sigmoid_table(m);
out:
    rc = r->status;
    free(counts);
    return rc;
}

/* The whole file, mapped (or read, for what cannot be mapped). */
static int map_file(reader *r, int fd, void **map, size_t *maplen, void **buf)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return fail(r, SITO_ERR_IO, "cannot stat: %s", strerror(errno));
    if (S_ISREG(st.st_mode)) {
        if (st.st_size == 0)
            return fail(r, SITO_ERR_FORMAT, "empty file");
        void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p != MAP_FAILED) {
            *map = p;
            *maplen = (size_t)st.st_size;
            r->p = p;
            r->len = (size_t)st.st_size;
            return SITO_OK;
        }
    }
    size_t cap = 1 << 20, len = 0;
    unsigned char *b = NULL;
    for (;;) {
        if (len == cap || !b) {
            unsigned char *nb = realloc(b, cap *= 2);
            if (!nb) {
                free(b);
                return fail(r, SITO_ERR_NOMEM, "out of memory reading the file");
            }
            b = nb;
        }
        ssize_t got = read(fd, b + len, cap - len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            int e = errno;
            free(b);
            errno = e;
            return fail(r, SITO_ERR_IO, "cannot read: %s", strerror(e));
        }
        if (got == 0)
            break;
        len += (size_t)got;
    }
    *buf = b;
    r->p = b;
    r->len = len;
    return len ? SITO_OK : fail(r, SITO_ERR_FORMAT, "empty file");
}

sito_langid_model *sito_langid_load(const char *path, char *err, size_t errlen, int *status)
{
    reader r = {.path = path ? path : "(null)", .err = err, .errlen = errlen};
    sito_langid_model *m = NULL;
    void *map = NULL, *buf = NULL;
    size_t maplen = 0;
    if (err && errlen)
        err[0] = 0;
    if (!path) {
        fail(&r, SITO_ERR_ARG, "no model path");
        goto out;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        fail(&r, SITO_ERR_IO, "cannot open: %s", strerror(e));
        errno = e;
        goto out;
    }
    int rc = map_file(&r, fd, &map, &maplen, &buf);
    close(fd);
    if (rc)
        goto out;
    if (!(m = calloc(1, sizeof *m))) {
        fail(&r, SITO_ERR_NOMEM, "out of memory");
        goto out;
    }
    if (parse_model(&r, m)) {
        sito_langid_free(m);
        m = NULL;
    }
out:
    if (map)
        munmap(map, maplen);
    free(buf);
    if (status)
        *status = r.status;
    return m;
}

void sito_langid_free(sito_langid_model *m)
{
    if (!m)
        return;
    free(m->strings);
    free(m->str_off);
    free(m->str_len);
    free(m->vocab_id);
    free(m->vocab_hash);
    free(m->sub_off);
    free(m->sub_rows);
    free(m->prune);
    free(m->prune_vals);
    free(m->in_rows);
    free(m->in_qrows);
    free(m->in_cent);
    free(m->out_rows);
    free(m->out_norm);
    free(m->tree_left);
    free(m->tree_right);
    free(m);
}

int sito_langid_labels(const sito_langid_model *m)
{
    return m ? m->nlabels : 0;
}
