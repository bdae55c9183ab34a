/*
 * cluster.c — connected components of the candidate pairs.  In memory: a
 * union-find over the sorted distinct keys, the smaller root always winning.
 * On disk (when the keys do not fit mem_limit): every node carries a label
 * (a key of its component, <= its own), kept in a file sorted by node;
 * each round joins the edges with the labels of both ends by sorting,
 * lowers both ends and both ends' labels ("hooking") to the smaller label,
 * then shortcuts L(x) = L(L(x)), until a round changes nothing.  The one
 * thing to know: at that fixpoint every edge has equal labels at both ends
 * and the smallest node of a component is its own label, so every node's
 * label is the smallest key of its component — the union-find's root.
 */
#include "dedup/cluster.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------- file helpers */

/* A sequential reader over one sorted record file, with the current
 * record; seek finds a key's value when keys are asked in order. */
typedef struct {
    dedup_merge *m;
    const uint64_t *cur;
    int st;             /* of the last read: SITO_OK, SITO_EOF or an error */
} cursor;

static int cursor_open(cursor *c, const char *path, int words)
{
    int st;
    c->cur = NULL;
    c->m = dedup_merge_open(words, &path, 1, 0, &st);
    if (!c->m)
        return c->st = st;
    c->st = dedup_merge_next(c->m, &c->cur, NULL);
    return c->st == SITO_EOF ? SITO_OK : c->st;
}

static int cursor_next(cursor *c)
{
    return c->st = dedup_merge_next(c->m, &c->cur, NULL);
}

/* The record whose word 0 is key: every key asked for is in the file. */
static int cursor_seek(cursor *c, uint64_t key, const uint64_t **rec)
{
    while (c->st == SITO_OK && c->cur[0] < key)
        cursor_next(c);
    if (c->st == SITO_OK && c->cur[0] == key) {
        *rec = c->cur;
        return SITO_OK;
    }
    return c->st == SITO_OK || c->st == SITO_EOF ? SITO_ERR_FORMAT : c->st;
}

static void cursor_close(cursor *c)
{
    dedup_merge_close(c->m);
    c->m = NULL;
}

static void sorter_done(dedup_sorter **s, dedup_cluster_info *info)
{
    if (*s)
        info->runs_spilled += (uint64_t)dedup_sorter_runs(*s);
    dedup_sorter_free(*s);
    *s = NULL;
}

static int sorter_to_file(dedup_sorter *s, const char *path, int words)
{
    int st = dedup_sorter_finish(s);
    return st == SITO_OK ? dedup_sorter_drain(s, words, path) : st;
}

/* ------------------------------------------------- initial labels, nodes */

/* labels: (node, min(node, smallest neighbour)) for every node, sorted. */
static int initial_labels(const char *pairs, const char *labels, size_t mem, const char *tmpdir,
                          dedup_cluster_info *info)
{
    int st;
    dedup_sorter *adj = dedup_sorter_new(2, mem, tmpdir, &st);
    cursor e = {0};
    if (adj && (st = cursor_open(&e, pairs, 2)) == SITO_OK)
        for (; e.st == SITO_OK && st == SITO_OK; cursor_next(&e)) {
            uint64_t back[2] = {e.cur[1], e.cur[0]};
            if (e.cur[0] >= e.cur[1])
                st = SITO_ERR_FORMAT;
            else if ((st = dedup_sorter_add(adj, e.cur)) == SITO_OK)
                st = dedup_sorter_add(adj, back);
        }
    if (st == SITO_OK && e.st != SITO_EOF)
        st = e.st;
    cursor_close(&e);
    dedup_file w = {0};
    if (st == SITO_OK && (st = dedup_sorter_finish(adj)) == SITO_OK &&
        (st = dedup_file_open(&w, labels)) == SITO_OK) {
        const uint64_t *rec;
        uint64_t out[2];
        int have = 0;
        while ((st = dedup_sorter_next(adj, &rec)) == SITO_OK) {
            if (have && rec[0] == out[0])
                continue;       /* the group's first neighbour is its smallest */
            if (have && dedup_file_put(&w, out, 2) != SITO_OK)
                break;
            out[0] = rec[0];
            out[1] = rec[1] < rec[0] ? rec[1] : rec[0];
            have = 1;
            info->nodes++;
        }
        if (st == SITO_EOF && have)
            dedup_file_put(&w, out, 2);
        st = dedup_file_close(&w, st == SITO_OK ? w.st : st);
    }
    sorter_done(&adj, info);
    return st;
}

/* --------------------------------------------------------- in memory */

typedef struct {
    uint64_t *key;
    uint32_t *parent, *size;
    size_t n;
} forest;

static size_t forest_index(const forest *f, uint64_t k)
{
    size_t lo = 0, hi = f->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (f->key[mid] < k)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static uint32_t forest_root(forest *f, uint32_t i)
{
    while (f->parent[i] != i) {
        f->parent[i] = f->parent[f->parent[i]];   /* path halving */
        i = f->parent[i];
    }
    return i;
}

/* Links the larger root under the smaller: roots stay the smallest key. */
static void forest_union(forest *f, uint32_t a, uint32_t b)
{
    a = forest_root(f, a);
    b = forest_root(f, b);
    if (a < b)
        f->parent[b] = a;
    else if (b < a)
        f->parent[a] = b;
}

static int components_in_memory(const char *pairs, const char *labels, const char *out,
                                const dedup_cluster_info *info)
{
    forest f = {.n = (size_t)info->nodes};
    size_t n = f.n ? f.n : 1;
    f.key = malloc(n * sizeof *f.key);
    f.parent = malloc(n * sizeof *f.parent);
    f.size = calloc(n, sizeof *f.size);
    cursor c = {0};
    int st = f.key && f.parent && f.size ? cursor_open(&c, labels, 2) : SITO_ERR_NOMEM;
    size_t i = 0;
    for (; st == SITO_OK && c.st == SITO_OK && i < f.n; i++, cursor_next(&c))
        f.key[i] = c.cur[0];
    if (st == SITO_OK && (i != f.n || c.st != SITO_EOF))
        st = c.st == SITO_OK ? SITO_ERR_FORMAT : c.st;
    cursor_close(&c);
    for (i = 0; i < f.n; i++)
        f.parent[i] = (uint32_t)i;
    if (st == SITO_OK && (st = cursor_open(&c, pairs, 2)) == SITO_OK) {
        for (; c.st == SITO_OK; cursor_next(&c))
            forest_union(&f, (uint32_t)forest_index(&f, c.cur[0]),
                         (uint32_t)forest_index(&f, c.cur[1]));
        st = c.st == SITO_EOF ? SITO_OK : c.st;
    }
    cursor_close(&c);
    dedup_file w = {0};
    if (st == SITO_OK && (st = dedup_file_open(&w, out)) == SITO_OK) {
        for (i = 0; i < f.n; i++)
            f.size[forest_root(&f, (uint32_t)i)]++;
        for (i = 0; i < f.n; i++) {
            uint32_t r = forest_root(&f, (uint32_t)i);
            uint64_t rec[3] = {f.key[i], f.key[r], f.size[r]};
            dedup_file_put(&w, rec, 3);
        }
        st = dedup_file_close(&w, SITO_OK);
    }
    free(f.key);
    free(f.parent);
    free(f.size);
    return st;
}

/* ----------------------------------------------------------- on disk */

typedef struct {
    const char *pairs, *tmpdir;
    size_t half;                /* memory of each of two live sorters */
    char lab[4200], next[4200]; /* label files: current, being written */
    dedup_cluster_info *info;
} ext;

/* (v, L(u), u) for every edge (u, v), sorted by v. */
static int join_first_ends(ext *x, dedup_sorter *s3)
{
    cursor e = {0}, l = {0};
    int st = cursor_open(&e, x->pairs, 2);
    if (st == SITO_OK)
        st = cursor_open(&l, x->lab, 2);
    for (; st == SITO_OK && e.st == SITO_OK; cursor_next(&e)) {
        const uint64_t *lu;
        if ((st = cursor_seek(&l, e.cur[0], &lu)) == SITO_OK) {
            uint64_t rec[3] = {e.cur[1], lu[1], e.cur[0]};
            st = dedup_sorter_add(s3, rec);
        }
    }
    if (st == SITO_OK && e.st != SITO_EOF)
        st = e.st;
    cursor_close(&e);
    cursor_close(&l);
    return st == SITO_OK ? dedup_sorter_finish(s3) : st;
}

/* Proposals (node, smaller label): both ends of an edge and both ends'
 * labels get the smaller of the two labels. */
static int propose(ext *x, dedup_sorter *s3, dedup_sorter *prop)
{
    cursor l = {0};
    int st = cursor_open(&l, x->lab, 2);
    const uint64_t *r;
    while (st == SITO_OK && (st = dedup_sorter_next(s3, &r)) == SITO_OK) {
        const uint64_t *lv;
        if ((st = cursor_seek(&l, r[0], &lv)) != SITO_OK)
            break;
        uint64_t v = r[0], lu = r[1], u = r[2], m = lu < lv[1] ? lu : lv[1];
        uint64_t p[4][2] = {{u, m}, {lu, m}, {v, m}, {lv[1], m}};
        for (int k = 0; k < 4 && st == SITO_OK; k++)
            if (m < (k < 2 ? lu : lv[1]))
                st = dedup_sorter_add(prop, p[k]);
    }
    cursor_close(&l);
    if (st == SITO_EOF)
        st = dedup_sorter_finish(prop);
    return st;
}

/* next = min(label, proposals) per node; (new label, node) to sc.
 * *changed counts lowered labels. */
static int apply(ext *x, dedup_sorter *prop, dedup_sorter *sc, uint64_t *changed)
{
    cursor l = {0};
    dedup_file w = {0};
    const uint64_t *p = NULL;
    int pst = dedup_sorter_next(prop, &p);
    int st = cursor_open(&l, x->lab, 2);
    if (st == SITO_OK)
        st = dedup_file_open(&w, x->next);
    for (; st == SITO_OK && l.st == SITO_OK; cursor_next(&l)) {
        uint64_t rec[2] = {l.cur[0], l.cur[1]};
        if (pst == SITO_OK && p[0] < rec[0]) {
            st = SITO_ERR_FORMAT;       /* a proposal for no node */
            break;
        }
        if (pst == SITO_OK && p[0] == rec[0] && p[1] < rec[1]) {
            rec[1] = p[1];              /* the first proposal is the smallest */
            (*changed)++;
        }
        while (pst == SITO_OK && p[0] == rec[0])
            pst = dedup_sorter_next(prop, &p);
        uint64_t back[2] = {rec[1], rec[0]};
        if ((st = dedup_file_put(&w, rec, 2)) == SITO_OK)
            st = dedup_sorter_add(sc, back);
    }
    if (st == SITO_OK && l.st != SITO_EOF)
        st = l.st;
    if (st == SITO_OK && pst != SITO_EOF)
        st = pst == SITO_OK ? SITO_ERR_FORMAT : pst;
    cursor_close(&l);
    st = dedup_file_close(&w, st);
    return st == SITO_OK ? dedup_sorter_finish(sc) : st;
}

/* Shortcut: label of x becomes the label of its label, into s4 by node. */
static int shortcut(ext *x, dedup_sorter *sc, dedup_sorter *s4, uint64_t *changed)
{
    cursor l = {0};
    int st = cursor_open(&l, x->next, 2);
    const uint64_t *r;
    while (st == SITO_OK && (st = dedup_sorter_next(sc, &r)) == SITO_OK) {
        const uint64_t *ll;
        if ((st = cursor_seek(&l, r[0], &ll)) != SITO_OK)
            break;
        uint64_t rec[2] = {r[1], ll[1]};
        *changed += ll[1] != r[0];
        st = dedup_sorter_add(s4, rec);
    }
    cursor_close(&l);
    return st == SITO_EOF ? SITO_OK : st;
}

/* One round; *changed is 0 when every label is final. */
static int round_once(ext *x, uint64_t *changed)
{
    int st;
    dedup_sorter *s3 = dedup_sorter_new(3, x->half, x->tmpdir, &st), *prop = NULL, *sc = NULL,
                 *s4 = NULL;
    if (s3 && (st = join_first_ends(x, s3)) == SITO_OK &&
        (prop = dedup_sorter_new(2, x->half, x->tmpdir, &st)))
        st = propose(x, s3, prop);
    sorter_done(&s3, x->info);
    if (st == SITO_OK && (sc = dedup_sorter_new(2, x->half, x->tmpdir, &st)))
        st = apply(x, prop, sc, changed);
    sorter_done(&prop, x->info);
    if (st == SITO_OK && (s4 = dedup_sorter_new(2, x->half, x->tmpdir, &st)))
        st = shortcut(x, sc, s4, changed);
    sorter_done(&sc, x->info);
    if (st == SITO_OK)
        st = sorter_to_file(s4, x->lab, 2);     /* replaces the old labels */
    sorter_done(&s4, x->info);
    remove(x->next);
    return st;
}

/* out: (node, label, size of the label's component), sorted by node. */
static int write_components(ext *x, const char *out)
{
    char grouped[4200], sizes[4200];
    snprintf(grouped, sizeof grouped, "%s/cc-grouped.bin", x->tmpdir);
    snprintf(sizes, sizeof sizes, "%s/cc-sizes.bin", x->tmpdir);
    int st;
    dedup_sorter *g = dedup_sorter_new(2, x->half, x->tmpdir, &st), *o = NULL;
    cursor l = {0}, gz = {0}, z = {0};
    if (g && (st = cursor_open(&l, x->lab, 2)) == SITO_OK)
        for (; st == SITO_OK && l.st == SITO_OK; cursor_next(&l)) {
            uint64_t rec[2] = {l.cur[1], l.cur[0]};
            st = dedup_sorter_add(g, rec);
        }
    if (st == SITO_OK && l.st != SITO_EOF)
        st = l.st;
    cursor_close(&l);
    if (st == SITO_OK)
        st = sorter_to_file(g, grouped, 2);
    sorter_done(&g, x->info);
    /* sizes: (label, members) from the grouped file */
    dedup_file w = {0};
    if (st == SITO_OK && (st = cursor_open(&gz, grouped, 2)) == SITO_OK &&
        (st = dedup_file_open(&w, sizes)) == SITO_OK) {
        uint64_t cur[2] = {0, 0};
        for (; gz.st == SITO_OK; cursor_next(&gz)) {
            if (cur[1] && gz.cur[0] != cur[0]) {
                dedup_file_put(&w, cur, 2);
                cur[1] = 0;
            }
            cur[0] = gz.cur[0];
            cur[1]++;
        }
        if (cur[1])
            dedup_file_put(&w, cur, 2);
        st = dedup_file_close(&w, gz.st);
    }
    cursor_close(&gz);
    if (st == SITO_OK && (o = dedup_sorter_new(3, x->half, x->tmpdir, &st)) &&
        (st = cursor_open(&gz, grouped, 2)) == SITO_OK && (st = cursor_open(&z, sizes, 2)) == SITO_OK)
        for (; st == SITO_OK && gz.st == SITO_OK; cursor_next(&gz)) {
            const uint64_t *sz;
            if ((st = cursor_seek(&z, gz.cur[0], &sz)) == SITO_OK) {
                uint64_t rec[3] = {gz.cur[1], gz.cur[0], sz[1]};
                st = dedup_sorter_add(o, rec);
            }
        }
    if (st == SITO_OK && gz.st != SITO_EOF)
        st = gz.st;
    cursor_close(&gz);
    cursor_close(&z);
    if (st == SITO_OK)
        st = sorter_to_file(o, out, 3);
    sorter_done(&o, x->info);
    remove(grouped);
    remove(sizes);
    return st;
}

static int components_on_disk(ext *x, const char *out)
{
    int st = SITO_OK;
    for (;;) {
        uint64_t changed = 0;
        x->info->rounds++;
        if ((st = round_once(x, &changed)) != SITO_OK || changed == 0)
            break;
    }
    return st == SITO_OK ? write_components(x, out) : st;
}

int dedup_components(const char *pairs_path, size_t mem_limit, const char *tmpdir,
                     dedup_cluster_mode mode, const char *out_path, dedup_cluster_info *info)
{
    memset(info, 0, sizeof *info);
    ext x = {.pairs = pairs_path, .tmpdir = tmpdir, .half = mem_limit / 2, .info = info};
    snprintf(x.lab, sizeof x.lab, "%s/cc-labels.bin", tmpdir);
    snprintf(x.next, sizeof x.next, "%s/cc-labels.next", tmpdir);
    int st = initial_labels(pairs_path, x.lab, mem_limit, tmpdir, info);
    int fits = info->nodes <= UINT32_MAX && info->nodes <= mem_limit / DEDUP_CLUSTER_NODE_BYTES;
    info->external = mode == CLUSTER_EXTERNAL || (mode == CLUSTER_AUTO && !fits) ||
                     info->nodes > UINT32_MAX;
    if (st == SITO_OK)
        /* out_path is written through dedup_file: whole or not at all */
        st = info->external ? components_on_disk(&x, out_path)
                            : components_in_memory(pairs_path, x.lab, out_path, info);
    remove(x.lab);
    remove(x.next);
    return st;
}
