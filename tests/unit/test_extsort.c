/* External sorting: the spill path gives the same order as the in-memory
 * path, merges are stable by file, and bad files are refused. */
#include "dedup/extsort.h"
#include "unit.h"

#include <stdlib.h>
#include <unistd.h>

static uint64_t rng(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static int sorted_ok(const uint64_t *r, size_t n, int w)
{
    for (size_t i = 1; i < n; i++)
        for (int k = 0; k < w; k++) {
            if (r[(i - 1) * w + k] < r[i * w + k])
                break;
            if (r[(i - 1) * w + k] > r[i * w + k])
                return 0;
        }
    return 1;
}

TEST(sort_records_orders_tuples_with_many_equal_keys)
{
    size_t n = 20000;
    uint64_t *r = malloc(n * 3 * 8), s = 7;
    for (size_t i = 0; i < n * 3; i++)
        r[i] = rng(&s) % 5;   /* many ties */
    dedup_sort_records(r, n, 3);
    CHECK(sorted_ok(r, n, 3));
    free(r);
}

/* Sorts n random 2-word records with the given limit; returns the number of
 * runs, -1 on a wrong result. */
static int sort_with_limit(size_t n, size_t limit)
{
    char dir[] = "/tmp/sito-extsort-XXXXXX";
    if (!mkdtemp(dir))
        return -1;
    int st, runs = -1;
    dedup_sorter *s = dedup_sorter_new(2, limit, dir, &st);
    uint64_t seed = 42, sum_in = 0, sum_out = 0, prev[2] = {0, 0};
    size_t got = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t rec[2] = {rng(&seed) % 100000, i};
        sum_in += rec[0] * 31 + rec[1];
        if (dedup_sorter_add(s, rec) != SITO_OK)
            goto out;
    }
    if (dedup_sorter_finish(s) != SITO_OK)
        goto out;
    const uint64_t *rec;
    while ((st = dedup_sorter_next(s, &rec)) == SITO_OK) {
        if (got && (rec[0] < prev[0] || (rec[0] == prev[0] && rec[1] < prev[1])))
            goto out;
        prev[0] = rec[0];
        prev[1] = rec[1];
        sum_out += rec[0] * 31 + rec[1];
        got++;
    }
    if (st == SITO_EOF && got == n && sum_in == sum_out)
        runs = dedup_sorter_runs(s);
out:
    dedup_sorter_free(s);
    rmdir(dir);   /* fails (and the test sees it) if runs were left */
    return runs;
}

TEST(extsort_fits_in_memory_without_runs)
{
    CHECK_EQ_INT(sort_with_limit(10000, 1 << 20), 0);
}

TEST(extsort_spills_runs_under_a_tiny_limit_and_merges_them)
{
    /* 64 KiB = 4096 records a run: 50 runs, more than the fan-in of 3 */
    int runs = sort_with_limit(200000, 64 * 1024);
    CHECK(runs > 40);
}

TEST(extsort_removes_its_run_files)
{
    char dir[] = "/tmp/sito-extsort-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    int st;
    dedup_sorter *s = dedup_sorter_new(1, 64 * 1024, dir, &st);
    for (uint64_t i = 0; i < 50000; i++)
        CHECK(dedup_sorter_add(s, &i) == SITO_OK);
    CHECK(dedup_sorter_finish(s) == SITO_OK);
    dedup_sorter_free(s);
    CHECK(rmdir(dir) == 0);
}

TEST(merge_returns_equal_records_in_file_order)
{
    char a[] = "/tmp/sito-merge-a-XXXXXX", b[] = "/tmp/sito-merge-b-XXXXXX";
    close(mkstemp(a));
    close(mkstemp(b));
    uint64_t ra[] = {1, 5, 5, 9}, rb[] = {0, 5, 10};
    CHECK(dedup_write_records(a, ra, 4, 1) == SITO_OK);
    CHECK(dedup_write_records(b, rb, 3, 1) == SITO_OK);
    const char *paths[] = {a, b};
    int st, src;
    dedup_merge *m = dedup_merge_open(1, paths, 2, 8, &st);
    CHECK(m != NULL);
    uint64_t want_v[] = {0, 1, 5, 5, 5, 9, 10};
    int want_s[] = {1, 0, 0, 0, 1, 0, 1};
    const uint64_t *rec;
    for (int i = 0; i < 7; i++) {
        CHECK(dedup_merge_next(m, &rec, &src) == SITO_OK);
        CHECK(*rec == want_v[i] && src == want_s[i]);
    }
    CHECK(dedup_merge_next(m, &rec, &src) == SITO_EOF);
    dedup_merge_close(m);
    remove(a);
    remove(b);
}

TEST(merge_refuses_a_file_with_a_partial_record)
{
    char a[] = "/tmp/sito-merge-p-XXXXXX";
    int fd = mkstemp(a);
    CHECK(write(fd, "0123456789", 10) == 10);
    close(fd);
    const char *paths[] = {a};
    int st;
    CHECK(dedup_merge_open(1, paths, 1, 0, &st) == NULL);
    CHECK_EQ_INT(st, SITO_ERR_FORMAT);
    const char *missing[] = {"/nonexistent/x"};
    CHECK(dedup_merge_open(1, missing, 1, 0, &st) == NULL);
    CHECK_EQ_INT(st, SITO_ERR_IO);
    remove(a);
}
