/*
 * extract_bench.c — pages/s and MB/s of gumbo's parse alone versus sito's
 * full extraction (parse + metadata + main text) over the same pages, one
 * core, pages held in memory (gunzip is not timed).  Built by
 * bench/extract.sh; links libgumbo (a benchmark peer only).
 * usage: extract_bench ROUNDS FILE.html.gz...
 */
#include "sito.h"

#include <gumbo.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static char *read_gz(const char *path, size_t *len)
{
    gzFile g = gzopen(path, "rb");
    if (!g)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    int r;
    while (buf && (r = gzread(g, buf + n, (unsigned)(cap - n))) > 0) {
        n += (size_t)r;
        if (n == cap)
            buf = realloc(buf, cap *= 2);
    }
    gzclose(g);
    *len = n;
    return buf;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: extract_bench ROUNDS FILE.html.gz...\n");
        return 2;
    }
    int rounds = atoi(argv[1]);
    int n = argc - 2;
    char **page = calloc((size_t)n, sizeof *page);
    size_t *len = calloc((size_t)n, sizeof *len), bytes = 0, out_bytes = 0;
    for (int i = 0; i < n; i++) {
        page[i] = read_gz(argv[i + 2], &len[i]);
        if (!page[i]) {
            fprintf(stderr, "extract_bench: cannot read %s\n", argv[i + 2]);
            return 2;
        }
        bytes += len[i];
    }
    double t0 = now();
    for (int r = 0; r < rounds; r++)
        for (int i = 0; i < n; i++) {
            GumboOutput *g = gumbo_parse_with_options(&kGumboDefaultOptions, page[i], len[i]);
            gumbo_destroy_output(&kGumboDefaultOptions, g);
        }
    double t_gumbo = now() - t0;
    sito_arena *a = sito_arena_new(0);
    t0 = now();
    for (int r = 0; r < rounds; r++)
        for (int i = 0; i < n; i++) {
            sito_arena_reset(a);
            sito_extract_result res;
            if (sito_extract_html(page[i], len[i], a, &res) == SITO_OK)
                out_bytes += res.text.len;
        }
    double t_sito = now() - t0;
    double pages = (double)n * rounds, mb = (double)bytes * rounds / 1e6;
    printf("pages: %d x %d rounds, %.1f MB each round\n", n, rounds, bytes / 1e6);
    printf("gumbo parse alone:      %8.0f pages/s %7.1f MB/s\n", pages / t_gumbo, mb / t_gumbo);
    printf("sito full extraction:   %8.0f pages/s %7.1f MB/s\n", pages / t_sito, mb / t_sito);
    printf("ratio sito/gumbo:       %8.1fx\n", t_gumbo / t_sito);
    sito_arena_free(a);
    for (int i = 0; i < n; i++)
        free(page[i]);
    free(page);
    free(len);
    return out_bytes ? 0 : 1;
}
