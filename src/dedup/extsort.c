/*
 * extsort.c — bounded-memory sorting of uint64 tuples: quicksort in a
 * buffer, sorted runs spilled to temporary files, k-way heap merge, and
 * extra merge passes when there are more runs than read buffers fit in the
 * memory limit.  The one thing to know: memory is the buffer during input
 * and runs x read buffer during the merge, both within mem_limit.
 */
#include "dedup/extsort.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define READ_BUF (64 * 1024)

static inline int rec_cmp(const uint64_t *a, const uint64_t *b, int w)
{
    for (int i = 0; i < w; i++)
        if (a[i] != b[i])
            return a[i] < b[i] ? -1 : 1;
    return 0;
}

static inline void rec_swap(uint64_t *a, uint64_t *b, int w)
{
    for (int i = 0; i < w; i++) {
        uint64_t t = a[i];
        a[i] = b[i];
        b[i] = t;
    }
}

static void insertion_sort(uint64_t *r, size_t n, int w)
{
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && rec_cmp(r + (j - 1) * w, r + j * w, w) > 0; j--)
            rec_swap(r + (j - 1) * w, r + j * w, w);
}

/* Quicksort with median-of-three pivots, recursing on the smaller side so
 * the stack stays O(log n). */
void dedup_sort_records(uint64_t *r, size_t n, int w)
{
    while (n > 16) {
        uint64_t *lo = r, *mid = r + (n / 2) * w, *hi = r + (n - 1) * w;
        if (rec_cmp(mid, lo, w) < 0) rec_swap(mid, lo, w);
        if (rec_cmp(hi, lo, w) < 0) rec_swap(hi, lo, w);
        if (rec_cmp(hi, mid, w) < 0) rec_swap(hi, mid, w);
        uint64_t pivot[DEDUP_MAX_WORDS];
        memcpy(pivot, mid, (size_t)w * 8);
        size_t i = 0, j = n - 1;
        for (;;) {
            while (rec_cmp(r + i * w, pivot, w) < 0) i++;
            while (rec_cmp(r + j * w, pivot, w) > 0) j--;
            if (i >= j)
                break;
            rec_swap(r + i * w, r + j * w, w);
            i++;
            j--;
        }
        size_t left = j + 1;   /* [0, j] <= pivot <= [j+1, n) */
        if (left < n - left) {
            dedup_sort_records(r, left, w);
            r += left * w;
            n -= left;
        } else {
            dedup_sort_records(r + left * w, n - left, w);
            n = left;
        }
    }
    insertion_sort(r, n, w);
}

/* ---------------------------------------------------------- record files */

int dedup_write_records(const char *path, const uint64_t *recs, size_t n, int words)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp.%d", path, (int)getpid());
    FILE *f = fopen(tmp, "wb");
    if (!f)
        return SITO_ERR_IO;
    int ok = n == 0 || fwrite(recs, (size_t)words * 8, n, f) == n;   /* recs may be NULL when n is 0 */
    ok = (fclose(f) == 0) && ok;
    if (!ok || rename(tmp, path) != 0) {
        remove(tmp);
        return SITO_ERR_IO;
    }
    return SITO_OK;
}

int dedup_file_open(dedup_file *w, const char *path)
{
    snprintf(w->path, sizeof w->path, "%s", path);
    snprintf(w->tmp, sizeof w->tmp, "%s.tmp", path);
    w->st = SITO_OK;
    if (!(w->f = fopen(w->tmp, "wb")))
        return w->st = SITO_ERR_IO;
    setvbuf(w->f, NULL, _IOFBF, 1 << 16);
    return SITO_OK;
}

int dedup_file_put(dedup_file *w, const uint64_t *rec, int words)
{
    if (w->st == SITO_OK && fwrite(rec, 8, (size_t)words, w->f) != (size_t)words)
        w->st = SITO_ERR_IO;
    return w->st;
}

int dedup_file_close(dedup_file *w, int st)
{
    int ok = st == SITO_OK || st == SITO_EOF;
    if (!w->f)
        return ok ? SITO_ERR_IO : st;
    if (fclose(w->f) != 0 && w->st == SITO_OK)
        w->st = SITO_ERR_IO;
    w->f = NULL;
    if (ok && w->st == SITO_OK && rename(w->tmp, w->path) == 0)
        return SITO_OK;
    remove(w->tmp);
    return !ok ? st : w->st != SITO_OK ? w->st : SITO_ERR_IO;
}

int dedup_sorter_drain(dedup_sorter *s, int words, const char *path)
{
    dedup_file w;
    int st = dedup_file_open(&w, path);
    if (st != SITO_OK)
        return st;
    const uint64_t *rec;
    while ((st = dedup_sorter_next(s, &rec)) == SITO_OK)
        if ((st = dedup_file_put(&w, rec, words)) != SITO_OK)
            break;
    return dedup_file_close(&w, st);
}

int dedup_read_records(const char *path, int words, uint64_t **recs, size_t *n)
{
    *recs = NULL;
    *n = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return SITO_ERR_IO;
    fseeko(f, 0, SEEK_END);
    off_t size = ftello(f);
    fseeko(f, 0, SEEK_SET);
    size_t rs = (size_t)words * 8;
    if (size < 0 || (size_t)size % rs) {
        fclose(f);
        return size < 0 ? SITO_ERR_IO : SITO_ERR_FORMAT;
    }
    size_t cnt = (size_t)size / rs;
    uint64_t *r = malloc(cnt ? cnt * rs : 1);
    if (!r) {
        fclose(f);
        return SITO_ERR_NOMEM;
    }
    if (fread(r, rs, cnt, f) != cnt) {
        free(r);
        fclose(f);
        return SITO_ERR_IO;
    }
    fclose(f);
    *recs = r;
    *n = cnt;
    return SITO_OK;
}

/* ----------------------------------------------------------- the merger */

typedef struct {
    FILE *f;
    uint64_t *buf;
    size_t n, pos;     /* records in buf, next one */
} merge_src;

struct dedup_merge {
    int words, n;
    size_t buf_recs;
    merge_src *src;
    int *heap;          /* source indexes, ordered by their current record */
    int heap_n;
    int pending;        /* source whose record was returned last, or -1 */
};

static int src_fill(dedup_merge *m, merge_src *s)
{
    size_t rs = (size_t)m->words * 8;
    s->n = fread(s->buf, rs, m->buf_recs, s->f);
    s->pos = 0;
    if (s->n == 0 && ferror(s->f))
        return SITO_ERR_IO;
    return SITO_OK;
}

static inline const uint64_t *src_cur(const dedup_merge *m, int i)
{
    return m->src[i].buf + m->src[i].pos * m->words;
}

static inline int heap_less(const dedup_merge *m, int a, int b)
{
    int c = rec_cmp(src_cur(m, a), src_cur(m, b), m->words);
    return c < 0 || (c == 0 && a < b);
}

static void heap_down(dedup_merge *m, int i)
{
    for (;;) {
        int l = 2 * i + 1, r = l + 1, best = i;
        if (l < m->heap_n && heap_less(m, m->heap[l], m->heap[best])) best = l;
        if (r < m->heap_n && heap_less(m, m->heap[r], m->heap[best])) best = r;
        if (best == i)
            return;
        int t = m->heap[i];
        m->heap[i] = m->heap[best];
        m->heap[best] = t;
        i = best;
    }
}

void dedup_merge_close(dedup_merge *m)
{
    if (!m)
        return;
    for (int i = 0; i < m->n; i++) {
        if (m->src[i].f)
            fclose(m->src[i].f);
        free(m->src[i].buf);
    }
    free(m->src);
    free(m->heap);
    free(m);
}

dedup_merge *dedup_merge_open(int words, const char *const *paths, int n,
                              size_t buf_bytes, int *status)
{
    dedup_merge *m = calloc(1, sizeof *m);
    if (!m || words < 1 || words > DEDUP_MAX_WORDS) {
        free(m);
        *status = m ? SITO_ERR_ARG : SITO_ERR_NOMEM;
        return NULL;
    }
    m->words = words;
    m->n = n;
    m->pending = -1;
    m->buf_recs = (buf_bytes ? buf_bytes : READ_BUF) / ((size_t)words * 8);
    if (m->buf_recs == 0)
        m->buf_recs = 1;
    m->src = calloc((size_t)n + 1, sizeof *m->src);
    m->heap = calloc((size_t)n + 1, sizeof *m->heap);
    *status = m->src && m->heap ? SITO_OK : SITO_ERR_NOMEM;
    for (int i = 0; i < n && *status == SITO_OK; i++) {
        merge_src *s = &m->src[i];
        s->f = fopen(paths[i], "rb");
        s->buf = malloc(m->buf_recs * (size_t)words * 8);
        if (!s->f || !s->buf) {
            *status = s->f ? SITO_ERR_NOMEM : SITO_ERR_IO;
            break;
        }
        fseeko(s->f, 0, SEEK_END);
        off_t size = ftello(s->f);
        fseeko(s->f, 0, SEEK_SET);
        if (size < 0 || size % (words * 8)) {
            *status = SITO_ERR_FORMAT;
            break;
        }
        *status = src_fill(m, s);
        if (*status == SITO_OK && s->n > 0)
            m->heap[m->heap_n++] = i;
    }
    if (*status != SITO_OK) {
        dedup_merge_close(m);
        return NULL;
    }
    for (int i = m->heap_n / 2 - 1; i >= 0; i--)
        heap_down(m, i);
    return m;
}

int dedup_merge_next(dedup_merge *m, const uint64_t **rec, int *src)
{
    if (m->pending >= 0) {   /* advance the source returned last time */
        merge_src *s = &m->src[m->pending];
        m->pending = -1;
        if (++s->pos == s->n) {
            int st = src_fill(m, s);
            if (st != SITO_OK)
                return st;
            if (s->n == 0)
                m->heap[0] = m->heap[--m->heap_n];
        }
        if (m->heap_n > 0)
            heap_down(m, 0);
    }
    if (m->heap_n == 0)
        return SITO_EOF;
    int i = m->heap[0];
    *rec = src_cur(m, i);
    if (src)
        *src = i;
    m->pending = i;
    return SITO_OK;
}

/* ----------------------------------------------------------- the sorter */

struct dedup_sorter {
    int words;
    size_t mem_limit;
    char tmpdir[4000];
    uint64_t *buf;
    size_t cap, n, pos;
    char **runs;
    int n_runs, cap_runs, run_seq;
    int finished;
    dedup_merge *merge;
};

dedup_sorter *dedup_sorter_new(int words, size_t mem_limit, const char *tmpdir, int *status)
{
    if (words < 1 || words > DEDUP_MAX_WORDS) {
        *status = SITO_ERR_ARG;
        return NULL;
    }
    dedup_sorter *s = calloc(1, sizeof *s);
    if (!s) {
        *status = SITO_ERR_NOMEM;
        return NULL;
    }
    if (mem_limit < 64 * 1024)
        mem_limit = 64 * 1024;
    s->words = words;
    s->mem_limit = mem_limit;
    snprintf(s->tmpdir, sizeof s->tmpdir, "%s", tmpdir && *tmpdir ? tmpdir : ".");
    s->cap = mem_limit / ((size_t)words * 8);
    *status = SITO_OK;
    return s;
}

static int add_run_name(dedup_sorter *s, char **out)
{
    if (s->n_runs == s->cap_runs) {
        int cap = s->cap_runs ? s->cap_runs * 2 : 16;
        char **r = realloc(s->runs, (size_t)cap * sizeof *r);
        if (!r)
            return SITO_ERR_NOMEM;
        s->runs = r;
        s->cap_runs = cap;
    }
    char name[4200];
    snprintf(name, sizeof name, "%s/run.%d.%p.%d", s->tmpdir, (int)getpid(), (void *)s, s->run_seq++);
    *out = s->runs[s->n_runs++] = strdup(name);
    return *out ? SITO_OK : SITO_ERR_NOMEM;
}

static int spill(dedup_sorter *s)
{
    dedup_sort_records(s->buf, s->n, s->words);
    char *name;
    int st = add_run_name(s, &name);
    if (st == SITO_OK)
        st = dedup_write_records(name, s->buf, s->n, s->words);
    s->n = 0;
    return st;
}

int dedup_sorter_add(dedup_sorter *s, const uint64_t *rec)
{
    if (s->finished)
        return SITO_ERR_ARG;
    if (!s->buf) {
        /* start small and grow: most sorts are far below the limit */
        size_t cap = s->cap < 4096 ? s->cap : 4096;
        s->buf = malloc(cap * (size_t)s->words * 8);
        if (!s->buf)
            return SITO_ERR_NOMEM;
        s->n = 0;
        s->pos = cap;   /* pos holds the allocated capacity while adding */
    }
    if (s->n == s->pos) {
        if (s->pos < s->cap) {
            size_t cap = s->pos * 2 < s->cap ? s->pos * 2 : s->cap;
            uint64_t *b = realloc(s->buf, cap * (size_t)s->words * 8);
            if (!b)
                return SITO_ERR_NOMEM;
            s->buf = b;
            s->pos = cap;
        } else {
            int st = spill(s);
            if (st != SITO_OK)
                return st;
        }
    }
    memcpy(s->buf + s->n * s->words, rec, (size_t)s->words * 8);
    s->n++;
    return SITO_OK;
}

/* Merges runs [first, first+k) into one new run. */
static int merge_pass(dedup_sorter *s, int first, int k)
{
    int st;
    dedup_merge *m = dedup_merge_open(s->words, (const char *const *)s->runs + first, k,
                                      s->mem_limit / (size_t)(k + 1), &st);
    if (!m)
        return st;
    char *name;
    st = add_run_name(s, &name);
    FILE *f = st == SITO_OK ? fopen(name, "wb") : NULL;
    if (!f) {
        dedup_merge_close(m);
        return st == SITO_OK ? SITO_ERR_IO : st;
    }
    const uint64_t *rec;
    while ((st = dedup_merge_next(m, &rec, NULL)) == SITO_OK)
        if (fwrite(rec, (size_t)s->words * 8, 1, f) != 1) {
            st = SITO_ERR_IO;
            break;
        }
    dedup_merge_close(m);
    if (fclose(f) != 0 && st == SITO_EOF)
        st = SITO_ERR_IO;
    for (int i = first; i < first + k; i++)
        remove(s->runs[i]);
    return st == SITO_EOF ? SITO_OK : st;
}

int dedup_sorter_finish(dedup_sorter *s)
{
    if (s->finished)
        return SITO_ERR_ARG;
    s->finished = 1;
    if (s->n_runs == 0) {   /* everything fit: iterate the buffer */
        dedup_sort_records(s->buf, s->n, s->words);
        s->pos = 0;
        return SITO_OK;
    }
    int st = s->n ? spill(s) : SITO_OK;
    free(s->buf);
    s->buf = NULL;
    s->n = s->pos = 0;
    int fanin = (int)(s->mem_limit / (16 * 1024)) - 1;   /* >= 16 KiB a run */
    if (fanin < 2)
        fanin = 2;
    if (fanin > 512)
        fanin = 512;
    int first = 0;
    while (st == SITO_OK && s->n_runs - first > fanin) {
        st = merge_pass(s, first, fanin);
        first += fanin;
    }
    if (st != SITO_OK)
        return st;
    s->merge = dedup_merge_open(s->words, (const char *const *)s->runs + first,
                                s->n_runs - first,
                                s->mem_limit / (size_t)(s->n_runs - first + 1), &st);
    return st;
}

int dedup_sorter_next(dedup_sorter *s, const uint64_t **rec)
{
    if (!s->finished)
        return SITO_ERR_ARG;
    if (s->merge)
        return dedup_merge_next(s->merge, rec, NULL);
    if (s->pos >= s->n)
        return SITO_EOF;
    *rec = s->buf + s->pos++ * s->words;
    return SITO_OK;
}

int dedup_sorter_runs(const dedup_sorter *s)
{
    return s->n_runs;
}

void dedup_sorter_free(dedup_sorter *s)
{
    if (!s)
        return;
    dedup_merge_close(s->merge);
    for (int i = 0; i < s->n_runs; i++) {
        remove(s->runs[i]);
        free(s->runs[i]);
    }
    free(s->runs);
    free(s->buf);
    free(s);
}
