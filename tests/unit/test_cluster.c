/* Connected components of candidate pairs: the on-disk label propagation
 * (tiny memory, so every sort spills) gives byte-for-byte the union-find's
 * output on graphs where a wrong propagation would differ: a 10,000-node
 * path whose smallest key sits in the middle, stars, a cycle, and many
 * small components with random keys. */
#include "dedup/cluster.h"
#include "unit.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static uint64_t rng(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

typedef struct {
    uint64_t *e;    /* (a, b) pairs */
    size_t n, cap;
} edges;

static void edge(edges *g, uint64_t a, uint64_t b)
{
    if (a == b)
        return;
    if (g->n == g->cap) {
        g->cap = g->cap ? g->cap * 2 : 1024;
        g->e = realloc(g->e, g->cap * 16);
    }
    g->e[2 * g->n] = a < b ? a : b;
    g->e[2 * g->n + 1] = a < b ? b : a;
    g->n++;
}

/* Sorted, distinct, written as the pairs file clustering reads. */
static void write_pairs(edges *g, const char *path)
{
    dedup_sort_records(g->e, g->n, 2);
    size_t k = 0;
    for (size_t i = 0; i < g->n; i++)
        if (!k || g->e[2 * i] != g->e[2 * (k - 1)] || g->e[2 * i + 1] != g->e[2 * (k - 1) + 1]) {
            g->e[2 * k] = g->e[2 * i];
            g->e[2 * k + 1] = g->e[2 * i + 1];
            k++;
        }
    g->n = k;
    dedup_write_records(path, g->e, g->n, 2);
}

/* Path of n nodes with distinct keys from base, shuffled except that the
 * smallest is in the middle. */
static void path_graph(edges *g, uint64_t base, size_t n, uint64_t *seed)
{
    uint64_t *k = malloc(n * 8);
    for (size_t i = 0; i < n; i++)
        k[i] = base + i;
    for (size_t i = n - 1; i > 0; i--) {
        size_t j = rng(seed) % (i + 1);
        uint64_t t = k[i];
        k[i] = k[j];
        k[j] = t;
    }
    for (size_t i = 0; i < n; i++)
        if (k[i] == base) {
            k[i] = k[n / 2];
            k[n / 2] = base;
        }
    for (size_t i = 1; i < n; i++)
        edge(g, k[i - 1], k[i]);
    free(k);
}

static void build(edges *g)
{
    uint64_t seed = 88172645463325252ull;
    path_graph(g, 1ull << 32 | 5000, 10000, &seed);   /* min in the middle */
    for (uint64_t i = 0; i < 10000; i++)              /* sorted path */
        edge(g, (2ull << 32) + i, (2ull << 32) + i + 1);
    for (uint64_t i = 1; i <= 3000; i++)              /* star, centre largest */
        edge(g, (3ull << 32) + 999999, (3ull << 32) + i);
    for (uint64_t i = 1; i <= 3000; i++)              /* star, centre smallest */
        edge(g, (4ull << 32), (4ull << 32) + i * 7);
    for (uint64_t i = 0; i < 500; i++)                /* cycle */
        edge(g, (5ull << 32) + i, (5ull << 32) + (i + 1) % 500);
    for (int c = 0; c < 4000; c++) {                  /* many small random ones */
        uint64_t base = (6ull << 32) + (uint64_t)c * 100;
        int n = 2 + (int)(rng(&seed) % 6);
        for (int i = 1; i < n; i++)
            edge(g, base + rng(&seed) % 50, base + 50 + rng(&seed) % 50);
    }
    edge(g, (2ull << 32) + 10000, (1ull << 32) + 7777);   /* joins two paths */
}

static char *read_all(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    *n = (size_t)ftell(f);
    rewind(f);
    char *b = malloc(*n + 1);
    if (fread(b, 1, *n, f) != *n)
        *n = 0;
    fclose(f);
    return b;
}

TEST(cluster_on_disk_equals_union_find_on_paths_stars_and_small_components)
{
    char dir[] = "/tmp/sito-cluster-XXXXXX", pairs[64], mem[64], disk[64];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(pairs, sizeof pairs, "%s/pairs", dir);
    snprintf(mem, sizeof mem, "%s/mem", dir);
    snprintf(disk, sizeof disk, "%s/disk", dir);
    edges g = {0};
    build(&g);
    write_pairs(&g, pairs);
    dedup_cluster_info im, ex;
    CHECK(dedup_components(pairs, 64 << 20, dir, CLUSTER_AUTO, mem, &im) == SITO_OK);
    CHECK(im.external == 0);
    CHECK(dedup_components(pairs, 64 << 10, dir, CLUSTER_AUTO, disk, &ex) == SITO_OK);
    CHECK(ex.external == 1);
    CHECK(ex.runs_spilled > 0);
    CHECK(ex.rounds > 1);
    CHECK(im.nodes == ex.nodes);
    size_t na = 0, nb = 0;
    char *a = read_all(mem, &na), *b = read_all(disk, &nb);
    CHECK(a && b && na == nb && na == im.nodes * 24 && memcmp(a, b, na) == 0);
    /* the joined paths: every node kept is the smallest key, (1<<32)+5000 */
    const uint64_t *r = (const uint64_t *)(const void *)a;
    size_t bad = 0;
    for (size_t i = 0; i < im.nodes; i++)
        if ((r[3 * i] >> 32) <= 2 && (r[3 * i + 1] != ((1ull << 32) | 5000) || r[3 * i + 2] != 20001))
            bad++;
    CHECK(bad == 0);
    printf("  (external clustering: %d rounds, %llu runs spilled, %llu nodes)\n", ex.rounds,
           (unsigned long long)ex.runs_spilled, (unsigned long long)ex.nodes);
    free(a);
    free(b);
    free(g.e);
    remove(pairs);
    remove(mem);
    remove(disk);
    CHECK(rmdir(dir) == 0);   /* no work file left behind */
}

TEST(cluster_of_no_pairs_is_empty_on_both_paths)
{
    char dir[] = "/tmp/sito-cluster-XXXXXX", pairs[64], out[64];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(pairs, sizeof pairs, "%s/pairs", dir);
    snprintf(out, sizeof out, "%s/out", dir);
    CHECK(dedup_write_records(pairs, NULL, 0, 2) == SITO_OK);
    dedup_cluster_info info;
    for (int mode = CLUSTER_MEMORY; mode <= CLUSTER_EXTERNAL; mode++) {
        CHECK(dedup_components(pairs, 1 << 20, dir, (dedup_cluster_mode)mode, out, &info) == SITO_OK);
        size_t n = 1;
        free(read_all(out, &n));
        CHECK(n == 0 && info.nodes == 0);
        remove(out);
    }
    remove(pairs);
    CHECK(rmdir(dir) == 0);
}

TEST(cluster_refuses_pairs_not_in_order)
{
    char dir[] = "/tmp/sito-cluster-XXXXXX", pairs[64], out[64];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(pairs, sizeof pairs, "%s/pairs", dir);
    snprintf(out, sizeof out, "%s/out", dir);
    uint64_t bad[2] = {9, 3};
    CHECK(dedup_write_records(pairs, bad, 1, 2) == SITO_OK);
    dedup_cluster_info info;
    CHECK(dedup_components(pairs, 1 << 20, dir, CLUSTER_AUTO, out, &info) == SITO_ERR_FORMAT);
    CHECK(access(out, F_OK) != 0);
    remove(pairs);
    CHECK(rmdir(dir) == 0);
}
