/*
 * arena.c — the per-document bump allocator and the growable byte buffer.
 * An arena is a chain of blocks; reset keeps the first (largest reused)
 * block so that steady-state processing of documents calls malloc only for
 * documents larger than any seen before.
 */
#include "sito.h"

#include <stdlib.h>
#include <string.h>

typedef struct arena_block {
    struct arena_block *next;
    size_t size, used;
    _Alignas(16) unsigned char data[];
} arena_block;

struct sito_arena {
    arena_block *head;  /* current block; older ones follow */
    size_t block_size;
    size_t used_total;
};

static arena_block *block_new(size_t size)
{
    arena_block *b = malloc(sizeof *b + size);
    if (!b)
        return NULL;
    b->next = NULL;
    b->size = size;
    b->used = 0;
    return b;
}

sito_arena *sito_arena_new(size_t block_size)
{
    sito_arena *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    a->block_size = block_size ? block_size : (size_t)1 << 20;
    return a;
}

void *sito_arena_alloc(sito_arena *a, size_t n)
{
    size_t need = (n + 15) & ~(size_t)15;
    if (need < n)
        return NULL;
    arena_block *b = a->head;
    if (!b || b->size - b->used < need) {
        size_t size = need > a->block_size ? need : a->block_size;
        arena_block *nb = block_new(size);
        if (!nb)
            return NULL;
        nb->next = b;
        a->head = nb;
        b = nb;
    }
    void *p = b->data + b->used;
    b->used += need;
    a->used_total += need;
    return p;
}

char *sito_arena_memdup(sito_arena *a, const void *p, size_t n)
{
    char *d = sito_arena_alloc(a, n + 1);
    if (!d)
        return NULL;
    if (n)
        memcpy(d, p, n);
    d[n] = 0;
    return d;
}

void sito_arena_reset(sito_arena *a)
{
    /* keep the largest block, free the rest */
    arena_block *keep = NULL;
    for (arena_block *b = a->head; b;) {
        arena_block *next = b->next;
        if (!keep || b->size > keep->size) {
            if (keep)
                free(keep);
            keep = b;
        } else {
            free(b);
        }
        b = next;
    }
    if (keep) {
        keep->next = NULL;
        keep->used = 0;
    }
    a->head = keep;
    a->used_total = 0;
}

size_t sito_arena_used(const sito_arena *a) { return a->used_total; }

void sito_arena_free(sito_arena *a)
{
    if (!a)
        return;
    for (arena_block *b = a->head; b;) {
        arena_block *next = b->next;
        free(b);
        b = next;
    }
    free(a);
}

int sito_buf_reserve(sito_buf *b, size_t n)
{
    if (b->cap - b->len >= n)
        return SITO_OK;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap - b->len < n) {
        if (cap > SIZE_MAX / 2)
            return SITO_ERR_NOMEM;
        cap *= 2;
    }
    char *p = realloc(b->ptr, cap);
    if (!p)
        return SITO_ERR_NOMEM;
    b->ptr = p;
    b->cap = cap;
    return SITO_OK;
}

int sito_buf_append(sito_buf *b, const void *p, size_t n)
{
    if (sito_buf_reserve(b, n) != SITO_OK)
        return SITO_ERR_NOMEM;
    if (n)
        memcpy(b->ptr + b->len, p, n);
    b->len += n;
    return SITO_OK;
}

void sito_buf_free(sito_buf *b)
{
    free(b->ptr);
    b->ptr = NULL;
    b->len = b->cap = 0;
}
