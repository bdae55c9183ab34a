/*
 * fasttext.h — the in-memory form of a loaded fastText model, shared by the
 * loader (fasttext_load.c) and the predictor (fasttext_predict.c).
 * Everything the predictor indexes was range-checked by the loader: a row
 * id taken from the dictionary, the n-gram index or the tree is always
 * inside its array, so the predictor does no bounds checks of its own.
 */
#ifndef SITO_LANG_FASTTEXT_H
#define SITO_LANG_FASTTEXT_H

#include "sito.h"

#include <stdint.h>
#include <string.h>

enum { FT_LOSS_HS = 1, FT_LOSS_NS = 2, FT_LOSS_SOFTMAX = 3, FT_LOSS_OVA = 4 };

#define FT_LABEL_PREFIX "__label__"
#define FT_EOS "</s>"
#define FT_HASH_INIT 2166136261u
#define FT_HASH_MUL 16777619u

/* One step of fastText's FNV-1a: the byte is sign-extended from int8 first
 * (Dictionary::hash keeps this for old models trained with signed char). */
static inline uint32_t ft_hash_step(uint32_t h, unsigned char b)
{
    h ^= (uint32_t)(int32_t)(int8_t)b;
    return h * FT_HASH_MUL;
}

/* The pruned n-gram index as a rank bitmap: bucket b is present when bit
 * b%32 of block b/32 is set, and its compact row offset is vals[rank +
 * popcount(bits below b%32)], vals being ordered by bucket.  A miss (most
 * n-grams: about 80% on web text) costs one read of a 500 KB table. */
typedef struct ft_prune_block {
    uint32_t bits;
    uint32_t rank;   /* present buckets in all earlier blocks */
} ft_prune_block;

struct sito_langid_model {
    /* args */
    int dim, dim_pad;        /* dim_pad: dim rounded up to 4 floats */
    int minn, maxn, word_ngrams, loss;
    uint32_t bucket;
    uint64_t bucket_magic;   /* for the division-free hash % bucket */
    /* dictionary: entries [0, nwords) are words, then nlabels labels */
    int32_t size, nwords, nlabels;
    char *strings;           /* every entry, NUL-terminated */
    uint32_t *str_off, *str_len;
    uint32_t vocab_mask;     /* vocab_id/vocab_hash have mask+1 slots */
    int32_t *vocab_id;       /* -1: empty */
    uint32_t *vocab_hash;
    int32_t *sub_off;        /* word w's rows: sub_rows[sub_off[w]..[w+1]) */
    int32_t *sub_rows;
    /* n-gram buckets -> rows: pruned index, or nwords + bucket */
    int pruned;              /* 1: look up prune; -1: drop all n-grams */
    ft_prune_block *prune;   /* ceil(bucket / 32) blocks */
    int32_t *prune_vals;
    uint32_t n_prune_vals;
    /* input matrix: in_m rows, either dense (in_rows: dim_pad floats per
     * row, 64-byte aligned) or product-quantized and decoded while being
     * added (in_qrows: per row its norm code, then in_nsubq centroid codes;
     * 450 KB for lid.176 against 3.2 MB decoded, so it stays in L2) */
    int64_t in_m;
    float *in_rows;
    uint8_t *in_qrows;
    int in_nsubq, in_dsub, in_lastdsub;
    float *in_cent;          /* dim * 256 centroids, 64-byte aligned */
    float in_norms[256];     /* norm of each norm code; 1 without qnorm */
    /* output matrix: out_m rows of dim floats; dot = sum(x*row) * norm */
    int32_t out_m;
    float *out_rows;
    float *out_norm;
    /* hierarchical softmax tree: 2*nlabels-1 nodes, leaves first */
    int32_t *tree_left, *tree_right;
    /* sigmoid table of fastText's Loss (ns/ova prediction) */
    float sigmoid_table[513];
};

/* hash % bucket without a division (Lemire's fastmod; exact for every
 * 32-bit h and bucket >= 1). */
static inline uint32_t ft_mod_bucket(const sito_langid_model *m, uint32_t h)
{
    uint64_t low = m->bucket_magic * h;
    return (uint32_t)(((unsigned __int128)low * m->bucket) >> 64);
}

/* Dictionary::pushHash: the input row of n-gram bucket id (< bucket), or
 * -1 when the n-gram was pruned away. */
static inline int32_t ft_id_row(const sito_langid_model *m, uint32_t id)
{
    if (m->pruned == 0)
        return m->nwords + (int32_t)id;
    if (m->pruned < 0)
        return -1;
    ft_prune_block b = m->prune[id >> 5];
    uint32_t bit = (uint32_t)1 << (id & 31);
    if (!(b.bits & bit))
        return -1;
    return m->nwords + m->prune_vals[b.rank + (uint32_t)__builtin_popcount(b.bits & (bit - 1))];
}

/* Byte i of "<" tok ">" (the word as computeSubwords sees it). */
static inline unsigned char ft_wrapped(const unsigned char *tok, size_t len, size_t i)
{
    return i == 0 ? '<' : i == len + 1 ? '>' : tok[i - 1];
}

/* Dictionary::computeSubwords on "<" tok ">": for each start that is not a
 * UTF-8 continuation byte, n-grams of minn..maxn characters, by start then
 * length, hashed incrementally; sink gets each n-gram's bucket (hash %
 * bucket), which ft_id_row turns into a row.  static inline so that a
 * constant sink is inlined. */
static inline void ft_ngrams_long(const sito_langid_model *m, const unsigned char *tok,
                                  size_t len, void (*sink)(void *, uint32_t), void *arg)
{
    size_t wlen = len + 2;
    for (size_t i = 0; i < wlen; i++) {
        if ((ft_wrapped(tok, len, i) & 0xC0) == 0x80)
            continue;
        uint32_t h = FT_HASH_INIT;
        size_t j = i;
        for (int n = 1; j < wlen && n <= m->maxn; n++) {
            h = ft_hash_step(h, ft_wrapped(tok, len, j++));
            while (j < wlen && (ft_wrapped(tok, len, j) & 0xC0) == 0x80)
                h = ft_hash_step(h, ft_wrapped(tok, len, j++));
            if (n >= m->minn && !(n == 1 && (i == 0 || j == wlen)))
                sink(arg, ft_mod_bucket(m, h));
        }
    }
}

#define FT_SHORT_WORD 256

/* The same n-grams for a word of at most FT_SHORT_WORD - 2 bytes, faster:
 * "<" tok ">" is copied once and its character starts found once (a
 * character is a byte that is not a continuation byte plus the
 * continuation bytes after it, valid UTF-8 or not, as in fastText). */
static inline void ft_ngrams(const sito_langid_model *m, const unsigned char *tok, size_t len,
                             void (*sink)(void *, uint32_t), void *arg)
{
    if (m->maxn <= 0)
        return;
    if (len + 2 > FT_SHORT_WORD) {
        ft_ngrams_long(m, tok, len, sink, arg);
        return;
    }
    unsigned char w[FT_SHORT_WORD];
    uint16_t cs[FT_SHORT_WORD + 1];   /* character starts, then the end */
    size_t wlen = len + 2, nc = 0;
    w[0] = '<';
    memcpy(w + 1, tok, len);
    w[wlen - 1] = '>';
    for (size_t i = 0; i < wlen; i++) {
        cs[nc] = (uint16_t)i;
        nc += (w[i] & 0xC0) != 0x80;
    }
    cs[nc] = (uint16_t)wlen;
    size_t maxn = (size_t)m->maxn, minn = m->minn > 0 ? (size_t)m->minn : 0;
    for (size_t a = 0; a < nc; a++) {
        uint32_t h = FT_HASH_INIT;
        size_t last = a + maxn < nc ? a + maxn : nc;
        for (size_t e = a + 1; e <= last; e++) {
            for (size_t b = cs[e - 1]; b < cs[e]; b++)
                h = ft_hash_step(h, w[b]);
            size_t n = e - a;
            if (n >= minn && !(n == 1 && (a == 0 || e == nc)))
                sink(arg, ft_mod_bucket(m, h));
        }
    }
}

/* Nodes of the HS tree (the explicit DFS stack needs as many). */
static inline int32_t ft_tree_nodes(const sito_langid_model *m)
{
    return 2 * m->nlabels - 1;
}

#endif
