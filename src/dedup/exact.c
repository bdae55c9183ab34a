/*
 * exact.c — exact deduplication: XXH3-128 of each document's normal form,
 * a global grouping by hash, and a per-shard filter that keeps the first
 * document of every group (smallest global key = first shard, then first
 * line).  The one thing to know: step 1 streams a k-way merge of the
 * per-shard sorted hash files, so memory is bounded by the read buffers
 * and the drop list sorter, not by the number of documents.
 */
#include "dedup/job.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

int sito_exact_hash(const char *text, size_t len, int norm, sito_buf *scratch, uint64_t out[2])
{
    const char *p = text;
    size_t n = len;
    if (norm == SITO_EXACT_NORM_SIMPLIFY || norm == SITO_EXACT_NORM_SPACE) {
        int flags = norm == SITO_EXACT_NORM_SPACE
                        ? SITO_SIMPLIFY_KEEP_CASE | SITO_SIMPLIFY_KEEP_DIGITS |
                              SITO_SIMPLIFY_KEEP_PUNCT | SITO_SIMPLIFY_KEEP_MARKS
                        : 0;
        if (sito_simplify(text, len, flags, scratch) != SITO_OK)
            return SITO_ERR_NOMEM;
        p = scratch->ptr ? scratch->ptr : "";
        n = scratch->len;
    }
    XXH128_hash_t h = XXH3_128bits(p, n);
    out[0] = h.high64;
    out[1] = h.low64;
    return SITO_OK;
}

/* ---------------------------------------------------------- S0: hash */

typedef struct {
    const sito_dedup_job *j;
    int shard;
    dedup_sorter *sorter;
    job_ids_writer *ids;
    sito_buf scratch;
} hash_ctx;

static int hash_doc(void *ctx, job_doc *d)
{
    hash_ctx *c = ctx;
    uint64_t rec[3];
    if (sito_exact_hash(d->text.ptr, d->text.len, c->j->o.exact_norm, &c->scratch, rec) != SITO_OK)
        return SITO_ERR_NOMEM;
    rec[2] = DOC_KEY(c->shard, d->line);
    int st = dedup_sorter_add(c->sorter, rec);
    return st == SITO_OK ? job_ids_add(c->ids, d->line, &d->json.id) : st;
}

static int exact_hash_task(sito_dedup_job *j, int shard, sito_stats *stats, char *err, size_t errlen)
{
    char dir[4200], path[4200];
    job_path(j, dir, sizeof dir, "exact/hash");
    job_path(j, path, sizeof path, "exact/hash/%d.bin", shard);
    if (job_mkdirs(dir) != SITO_OK)
        return job_fail(err, errlen, SITO_ERR_IO, "cannot create %s", dir);
    int st;
    hash_ctx c = {.j = j, .shard = shard};
    c.sorter = dedup_sorter_new(3, j->o.mem_limit, dir, &st);
    c.ids = job_ids_open(j, shard);
    if (!c.sorter || !c.ids) {
        dedup_sorter_free(c.sorter);
        job_ids_abort(c.ids);
        return job_fail(err, errlen, SITO_ERR_NOMEM, "out of memory");
    }
    st = job_walk_shard(j, shard, stats, hash_doc, &c, err, errlen);
    if (st == SITO_OK && (st = dedup_sorter_finish(c.sorter)) == SITO_OK)
        st = dedup_sorter_drain(c.sorter, 3, path);
    if (st == SITO_OK) {
        st = job_ids_commit(c.ids);
        c.ids = NULL;
    }
    if (st != SITO_OK && !err[0])
        job_fail(err, errlen, st, "cannot write %s", path);
    job_ids_abort(c.ids);
    dedup_sorter_free(c.sorter);
    sito_buf_free(&c.scratch);
    return st;
}

/* ------------------------------------------------------ S1: group */

static int sorter_next(void *s, const uint64_t **rec) { return dedup_sorter_next(s, rec); }

static int exact_group_task(sito_dedup_job *j, char *err, size_t errlen)
{
    char dir[4200];
    job_path(j, dir, sizeof dir, "exact/drop");
    if (job_mkdirs(dir) != SITO_OK)
        return job_fail(err, errlen, SITO_ERR_IO, "cannot create %s", dir);
    int st;
    size_t half = j->o.mem_limit / 2;
    dedup_merge *m = job_merge_shards(j, "exact/hash", 3, half / ((size_t)j->n + 1), &st);
    dedup_sorter *drops = m ? dedup_sorter_new(2, half, dir, &st) : NULL;
    if (drops) {
        uint64_t group[2] = {0, 0}, keeper = 0;
        int have = 0;
        const uint64_t *rec;
        while ((st = dedup_merge_next(m, &rec, NULL)) == SITO_OK) {
            if (have && rec[0] == group[0] && rec[1] == group[1]) {
                uint64_t drop[2] = {rec[2], keeper};
                if ((st = dedup_sorter_add(drops, drop)) != SITO_OK)
                    break;
                continue;
            }
            group[0] = rec[0];
            group[1] = rec[1];
            keeper = rec[2];   /* the smallest key of the group comes first */
            have = 1;
        }
        if (st == SITO_EOF && (st = dedup_sorter_finish(drops)) == SITO_OK)
            st = job_split_by_shard(j, "exact/drop", 2, sorter_next, drops);
    }
    dedup_sorter_free(drops);
    dedup_merge_close(m);
    return st == SITO_OK ? SITO_OK
                         : job_fail(err, errlen, st, "grouping exact hashes in %s: %s", j->work,
                                    sito_status_str(st));
}

/* ------------------------------------------------------ S2: filter */

typedef struct {
    const sito_dedup_job *j;
    int shard;
    uint64_t *drops;    /* (key, kept key), sorted by key */
    size_t n_drops, at;
    job_out out;
    job_ids *ids;
    sito_buf ins;
} filter_ctx;

static int exact_filter_doc(void *ctx, job_doc *d)
{
    filter_ctx *c = ctx;
    uint64_t key = DOC_KEY(c->shard, d->line);
    while (c->at < c->n_drops && c->drops[2 * c->at] < key)
        c->at++;
    if (c->at == c->n_drops || c->drops[2 * c->at] != key)
        return job_out_keep(&c->out, d, NULL, 0);
    c->ins.len = 0;
    static const char head[] = "\"filter\":\"exact_dedup\",\"duplicate_of\":";
    int st = sito_buf_append(&c->ins, head, sizeof head - 1);
    if (st == SITO_OK)
        st = job_ids_json(c->ids, c->drops[2 * c->at + 1], &c->ins);
    if (st != SITO_OK)
        return st;
    return job_out_reject(&c->out, d, "exact_dedup", c->ins.ptr, c->ins.len);
}

static int exact_filter_task(sito_dedup_job *j, int shard, sito_stats *stats, char *err, size_t errlen)
{
    char path[4200];
    job_path(j, path, sizeof path, "exact/drop/%d.bin", shard);
    filter_ctx c = {.j = j, .shard = shard};
    int st = dedup_read_records(path, 2, &c.drops, &c.n_drops);
    if (st != SITO_OK)
        return job_fail(err, errlen, st, "cannot read %s", path);
    c.ids = job_ids_load(j);
    st = c.ids ? job_filter_shard(j, shard, &c.out, exact_filter_doc, &c, NULL, stats, err, errlen)
               : SITO_ERR_NOMEM;
    free(c.drops);
    job_ids_free(c.ids);
    sito_buf_free(&c.ins);
    if (st != SITO_OK && !err[0])
        job_fail(err, errlen, st, "filtering %s: %s", j->inputs[shard], sito_status_str(st));
    return st;
}

int exact_task(sito_dedup_job *j, int step, int task, sito_stats *st, char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = 0;
    switch (step) {
    case 0: return exact_hash_task(j, task, st, err, errlen);
    case 1: return exact_group_task(j, err, errlen);
    default: return exact_filter_task(j, task, st, err, errlen);
    }
}
