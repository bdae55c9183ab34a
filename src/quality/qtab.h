/*
 * qtab.h — the reusable open-addressing hash table behind every duplicate
 * count (lines, paragraphs, n-grams).  Keys are 64-bit hashes; equal hashes
 * are confirmed by the caller's eq() so counts are exact, never "probably".
 * One table lives in the per-thread scratch; clearing it bumps a generation
 * number (a slot of an older generation is empty), so a clear costs nothing
 * and nothing is allocated per item.
 */
#ifndef SITO_QUALITY_QTAB_H
#define SITO_QUALITY_QTAB_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct qslot {
    uint64_t key;
    uint32_t val; /* the caller's item id (first occurrence) */
    uint32_t cnt; /* occurrences */
    uint32_t gen; /* the slot is in use when gen == the table's gen */
} qslot;

typedef struct qtab {
    qslot *slot;
    size_t cap, mask;
    uint32_t gen;
} qtab;

/* Empties the table, sized for n items.  0, or -1 when out of memory. */
static inline int qtab_clear(qtab *t, size_t n)
{
    size_t need = 16;
    while (need < 2 * n)
        need *= 2;
    if (need > t->cap || ++t->gen == 0) {
        if (need < t->cap)
            need = t->cap;
        free(t->slot);
        t->slot = calloc(need, sizeof *t->slot);
        if (!t->slot) {
            t->cap = t->mask = 0;
            return -1;
        }
        t->cap = need;
        t->gen = 1;
    }
    /* the table may be larger than needed: probe only the first `need`
     * slots so that small documents stay in cache */
    t->mask = need - 1;
    return 0;
}

static inline uint64_t qtab_mix(uint64_t h)
{
    h ^= h >> 31;
    h *= 0x9E3779B97F4A7C15ull;
    h ^= h >> 29;
    return h;
}

typedef int (*qtab_eq)(const void *ctx, uint32_t a, uint32_t b);

/* The slot of item id with hash h: an existing equal item's slot (its cnt
 * is not changed), or a new slot holding id with cnt 0.  *found says
 * which.  The table must have room (qtab_clear with n >= items). */
static inline qslot *qtab_slot(qtab *t, uint64_t h, uint32_t id, qtab_eq eq, const void *ctx,
                               int *found)
{
    h = qtab_mix(h);
    size_t i = (size_t)h & t->mask;
    for (;;) {
        qslot *s = &t->slot[i];
        if (s->gen != t->gen) {
            *s = (qslot){h, id, 0, t->gen};
            *found = 0;
            return s;
        }
        if (s->key == h && eq(ctx, s->val, id)) {
            *found = 1;
            return s;
        }
        i = (i + 1) & t->mask;
    }
}

/* Whether an item equal to id (hash h) is in the table. */
static inline int qtab_has(const qtab *t, uint64_t h, uint32_t id, qtab_eq eq, const void *ctx)
{
    if (!t->cap)
        return 0;
    h = qtab_mix(h);
    for (size_t i = (size_t)h & t->mask; t->slot[i].gen == t->gen; i = (i + 1) & t->mask)
        if (t->slot[i].key == h && eq(ctx, t->slot[i].val, id))
            return 1;
    return 0;
}

static inline void qtab_free(qtab *t)
{
    free(t->slot);
    memset(t, 0, sizeof *t);
}

#endif
