/*
 * qtab.h — the reusable open-addressing hash table behind every duplicate
 * count (lines, paragraphs, n-grams).  Keys are 64-bit hashes; equal hashes
 * are confirmed by the caller's eq() so counts are exact, never "probably".
 * One table lives in the per-thread scratch and is cleared per use: no
 * allocation per item.
 */
#ifndef SITO_QUALITY_QTAB_H
#define SITO_QUALITY_QTAB_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct qtab {
    uint64_t *key;  /* 0: empty slot */
    uint32_t *val;  /* the caller's item id (first occurrence) */
    uint32_t *cnt;  /* occurrences */
    size_t cap, mask;
} qtab;

/* Empties the table, sized for n items.  0, or -1 when out of memory. */
static inline int qtab_clear(qtab *t, size_t n)
{
    size_t need = 16;
    while (need < 2 * n)
        need *= 2;
    if (need > t->cap) {
        free(t->key);
        free(t->val);
        free(t->cnt);
        t->key = malloc(need * sizeof *t->key);
        t->val = malloc(need * sizeof *t->val);
        t->cnt = malloc(need * sizeof *t->cnt);
        if (!t->key || !t->val || !t->cnt) {
            free(t->key), free(t->val), free(t->cnt);
            t->key = NULL, t->val = NULL, t->cnt = NULL;
            t->cap = 0;
            return -1;
        }
        t->cap = need;
    }
    t->mask = need - 1;
    memset(t->key, 0, need * sizeof *t->key);
    return 0;
}

static inline uint64_t qtab_mix(uint64_t h)
{
    h ^= h >> 31;
    h *= 0x9E3779B97F4A7C15ull;
    h ^= h >> 29;
    return h ? h : 1;
}

typedef int (*qtab_eq)(const void *ctx, uint32_t a, uint32_t b);

/* The slot of item id with hash h: an existing equal item's slot (its cnt
 * is not changed), or a new slot holding id with cnt 0.  *found says
 * which.  The table must have room (qtab_clear with n >= items). */
static inline size_t qtab_slot(qtab *t, uint64_t h, uint32_t id, qtab_eq eq, const void *ctx,
                               int *found)
{
    h = qtab_mix(h);
    size_t i = (size_t)h & t->mask;
    for (;;) {
        if (t->key[i] == 0) {
            t->key[i] = h;
            t->val[i] = id;
            t->cnt[i] = 0;
            *found = 0;
            return i;
        }
        if (t->key[i] == h && eq(ctx, t->val[i], id)) {
            *found = 1;
            return i;
        }
        i = (i + 1) & t->mask;
    }
}

static inline void qtab_free(qtab *t)
{
    free(t->key);
    free(t->val);
    free(t->cnt);
    memset(t, 0, sizeof *t);
}

#endif
