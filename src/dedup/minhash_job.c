/*
 * minhash_job.c — near-duplicate removal in four steps: signatures (per
 * shard: one sorted (band key, doc key) file per band), buckets (per band:
 * merge the shards' files, emit (first doc, other doc) for each bucket
 * with several documents), clusters (one task: external sort of all pairs,
 * connected components with the smallest key as root), filter (per shard).  The one
 * thing to know: the cluster root is the smallest global key, which is the
 * document kept, so "first by input order" needs no extra pass.  Memory:
 * sort buffers are bounded by mem_limit; clustering (cluster.c) keeps a
 * union-find in RAM only when its documents fit mem_limit, else it
 * propagates labels on disk.
 */
#include "dedup/cluster.h"
#include "dedup/job.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Counters of steps 0 and 2 that end up in stats.json: each task saves
 * (runs spilled, external clustering, rounds, clustered documents) to
 * work/counters/<step>-<task>.bin; the filter task of shard 0 adds them up. */
enum { C_RUNS, C_EXTERNAL, C_ROUNDS, C_NODES, C_PAIRS, C_UNVERIFIED, C_COUNT };

static int save_counters(const sito_dedup_job *j, int step, int task, const uint64_t *c)
{
    char dir[4200], path[4200];
    job_path(j, dir, sizeof dir, "counters");
    job_path(j, path, sizeof path, "counters/%d-%d.bin", step, task);
    return job_mkdirs(dir) == SITO_OK ? dedup_write_records(path, c, C_COUNT, 1) : SITO_ERR_IO;
}

/* ----------------------------------------------------- S0: signatures */

typedef struct {
    const sito_dedup_job *j;
    int shard;
    sito_minhash *mh;
    uint64_t *sig;
    dedup_sorter **bands;
    job_ids_writer *ids;
    FILE *full;         /* --verify: full signatures by line, or NULL */
    uint64_t *zero;     /* a signature of zeros for lines without one */
    uint32_t full_next; /* next line the full signature file expects */
} sig_ctx;

/* Appends line's signature to the full-signature file, zeros for the lines
 * before it that have none (malformed or too short: never in a pair). */
static int write_full(sig_ctx *c, uint32_t line)
{
    size_t nh = (size_t)c->j->o.minhash.bands * (size_t)c->j->o.minhash.rows;
    for (; c->full_next < line; c->full_next++)
        if (fwrite(c->zero, 8, nh, c->full) != nh)
            return SITO_ERR_IO;
    c->full_next = line + 1;
    return fwrite(c->sig, 8, nh, c->full) == nh ? SITO_OK : SITO_ERR_IO;
}

static int sig_doc(void *ctx, job_doc *d)
{
    sig_ctx *c = ctx;
    int st = job_ids_add(c->ids, d->line, &d->json.id);
    long ns = st == SITO_OK ? sito_minhash_signature(c->mh, d->text.ptr, d->text.len, c->sig) : st;
    if (ns <= 0)
        return ns < 0 ? (int)ns : SITO_OK;
    if (c->full && (st = write_full(c, d->line)) != SITO_OK)
        return st;
    for (int b = 0; b < c->j->o.minhash.bands; b++) {
        uint64_t rec[2] = {sito_minhash_band_key(c->mh, c->sig, b), DOC_KEY(c->shard, d->line)};
        if ((st = dedup_sorter_add(c->bands[b], rec)) != SITO_OK)
            return st;
    }
    return SITO_OK;
}

static int signatures_task(sito_dedup_job *j, int shard, sito_stats *stats, char *err, size_t errlen)
{
    int nb = j->o.minhash.bands, st = SITO_OK;
    uint64_t runs[C_COUNT] = {0};
    sig_ctx c = {.j = j, .shard = shard};
    c.mh = sito_minhash_new(&j->o.minhash, &st);
    c.sig = calloc((size_t)nb * (size_t)j->o.minhash.rows, 8);
    c.bands = calloc((size_t)nb, sizeof *c.bands);
    c.ids = job_ids_open(j, shard);
    char dir[4200], path[4200];
    char full[4200], full_tmp[4300];
    job_path(j, dir, sizeof dir, "minhash/fullsig");
    job_path(j, full, sizeof full, "minhash/fullsig/%d.bin", shard);
    snprintf(full_tmp, sizeof full_tmp, "%s.tmp", full);
    if (!c.mh || !c.sig || !c.bands || !c.ids)
        st = SITO_ERR_NOMEM;
    if (st == SITO_OK && j->o.minhash_verify > 0) {
        c.zero = calloc((size_t)nb * (size_t)j->o.minhash.rows, 8);
        if (!c.zero || job_mkdirs(dir) != SITO_OK || !(c.full = fopen(full_tmp, "wb")))
            st = c.zero ? SITO_ERR_IO : SITO_ERR_NOMEM;
        else
            setvbuf(c.full, NULL, _IOFBF, 1 << 16);
    }
    for (int b = 0; b < nb && st == SITO_OK; b++) {
        job_path(j, dir, sizeof dir, "minhash/sig/%03d", b);
        if (job_mkdirs(dir) != SITO_OK)
            st = SITO_ERR_IO;
        else
            c.bands[b] = dedup_sorter_new(2, j->o.mem_limit / (size_t)nb, dir, &st);
    }
    if (st == SITO_OK)
        st = job_walk_shard(j, shard, stats, sig_doc, &c, err, errlen);
    for (int b = 0; b < nb && st == SITO_OK; b++) {
        job_path(j, path, sizeof path, "minhash/sig/%03d/%d.bin", b, shard);
        if ((st = dedup_sorter_finish(c.bands[b])) == SITO_OK)
            st = dedup_sorter_drain(c.bands[b], 2, path);
        runs[C_RUNS] += (uint64_t)dedup_sorter_runs(c.bands[b]);
        dedup_sorter_free(c.bands[b]);   /* free each band's buffer early */
        c.bands[b] = NULL;
    }
    if (c.full) {
        if (fclose(c.full) != 0 && st == SITO_OK)
            st = SITO_ERR_IO;
        c.full = NULL;
        if (st == SITO_OK && rename(full_tmp, full) != 0)
            st = SITO_ERR_IO;
        if (st != SITO_OK)
            remove(full_tmp);
    }
    if (st == SITO_OK)
        st = save_counters(j, 0, shard, runs);
    if (st == SITO_OK) {
        st = job_ids_commit(c.ids);
        c.ids = NULL;
    }
    if (st != SITO_OK && !err[0])
        job_fail(err, errlen, st, "signatures of %s: %s", j->inputs[shard], sito_status_str(st));
    for (int b = 0; c.bands && b < nb; b++)
        dedup_sorter_free(c.bands[b]);
    free(c.bands);
    free(c.sig);
    free(c.zero);
    if (c.full) {
        fclose(c.full);
        remove(full_tmp);
    }
    job_ids_abort(c.ids);
    sito_minhash_free(c.mh);
    return st;
}

/* ------------------------------------------------------- S1: buckets */

static int buckets_task(sito_dedup_job *j, int band, char *err, size_t errlen)
{
    char dir[4200], out[4200], sigs[64];
    job_path(j, dir, sizeof dir, "minhash/pairs");
    job_path(j, out, sizeof out, "minhash/pairs/%03d.bin", band);
    if (job_mkdirs(dir) != SITO_OK)
        return job_fail(err, errlen, SITO_ERR_IO, "cannot create %s", dir);
    snprintf(sigs, sizeof sigs, "minhash/sig/%03d", band);
    int st;
    dedup_merge *m = job_merge_shards(j, sigs, 2, j->o.mem_limit / ((size_t)j->n + 1), &st);
    dedup_file f = {0};
    if (m && (st = dedup_file_open(&f, out)) == SITO_OK) {
        uint64_t key = 0, first = 0;
        int have = 0;
        const uint64_t *rec;
        while ((st = dedup_merge_next(m, &rec, NULL)) == SITO_OK) {
            if (have && rec[0] == key) {
                uint64_t pair[2] = {first, rec[1]};   /* first < rec[1]: sorted */
                if ((st = dedup_file_put(&f, pair, 2)) != SITO_OK)
                    break;
                continue;
            }
            key = rec[0];
            first = rec[1];
            have = 1;
        }
        st = dedup_file_close(&f, st);
    }
    dedup_merge_close(m);
    return st == SITO_OK ? SITO_OK
                         : job_fail(err, errlen, st, "buckets of band %d in %s: %s", band, j->work,
                                    sito_status_str(st));
}

/* ------------------------------------------------------ S2: clusters */

static int open_pair_files(sito_dedup_job *j, dedup_sorter *pairs, char *err, size_t errlen)
{
    for (int b = 0; b < j->o.minhash.bands; b++) {
        char p[4200];
        job_path(j, p, sizeof p, "minhash/pairs/%03d.bin", b);
        FILE *f = fopen(p, "rb");
        if (!f)
            return job_fail(err, errlen, SITO_ERR_IO, "cannot read %s", p);
        uint64_t rec[2];
        int st = SITO_OK;
        while (st == SITO_OK && fread(rec, 16, 1, f) == 1)
            st = dedup_sorter_add(pairs, rec);
        fclose(f);
        if (st != SITO_OK)
            return job_fail(err, errlen, st, "sorting pairs of %s", p);
    }
    return SITO_OK;
}

static int merge_next(void *m, const uint64_t **rec) { return dedup_merge_next(m, rec, NULL); }

/* Splits the components file (key, kept key, size), sorted by key, into
 * work/minhash/cluster/<shard>.bin, one per shard (empty ones too). */
static int split_clusters(sito_dedup_job *j, const char *all)
{
    const char *paths[1] = {all};
    int st;
    dedup_merge *m = dedup_merge_open(3, paths, 1, 0, &st);
    if (m)
        st = job_split_by_shard(j, "minhash/cluster", 3, merge_next, m);
    dedup_merge_close(m);
    return st;
}

static void add_counters(const sito_dedup_job *j, sito_stats *stats)
{
    static const char *names[C_COUNT] = {"minhash_sort_runs_spilled", "minhash_cluster_external",
                                         "minhash_cluster_rounds", "minhash_cluster_docs",
                                         "minhash_pairs", "minhash_pairs_dropped_by_verify"};
    uint64_t sum[C_COUNT] = {0};
    for (int t = 0; t <= j->n; t++) {
        char path[4200];
        uint64_t *c;
        size_t n;
        if (t < j->n)
            job_path(j, path, sizeof path, "counters/0-%d.bin", t);
        else
            job_path(j, path, sizeof path, "counters/2-0.bin");
        if (dedup_read_records(path, 1, &c, &n) != SITO_OK)
            continue;
        for (size_t k = 0; k < n && k < C_COUNT; k++)
            sum[k] += c[k];
        free(c);
    }
    for (int k = 0; k < C_COUNT; k++)
        sito_stats_add_counter(stats, names[k], sum[k]);
}

/* --verify: the full signatures of every shard, read by line. */
typedef struct {
    const sito_dedup_job *j;
    int *fd;            /* per shard, opened on first use (-1: not yet) */
    uint64_t *a, *b;
    sito_minhash *mh;
} verifier;

static int verifier_open(verifier *v, const sito_dedup_job *j)
{
    int st;
    size_t nh = (size_t)j->o.minhash.bands * (size_t)j->o.minhash.rows;
    *v = (verifier){.j = j};
    v->fd = malloc((size_t)j->n * sizeof *v->fd);
    v->a = malloc(nh * 8);
    v->b = malloc(nh * 8);
    v->mh = sito_minhash_new(&j->o.minhash, &st);
    if (!v->fd || !v->a || !v->b || !v->mh)
        return SITO_ERR_NOMEM;
    for (int i = 0; i < j->n; i++)
        v->fd[i] = -1;
    return SITO_OK;
}

static void verifier_close(verifier *v)
{
    for (int i = 0; v->fd && i < v->j->n; i++)
        if (v->fd[i] >= 0)
            close(v->fd[i]);
    free(v->fd);
    free(v->a);
    free(v->b);
    sito_minhash_free(v->mh);
}

static int read_sig(verifier *v, uint64_t key, uint64_t *sig)
{
    int s = KEY_SHARD(key);
    size_t nh = (size_t)v->j->o.minhash.bands * (size_t)v->j->o.minhash.rows;
    if (s < 0 || s >= v->j->n)
        return SITO_ERR_FORMAT;
    if (v->fd[s] < 0) {
        char path[4200];
        job_path(v->j, path, sizeof path, "minhash/fullsig/%d.bin", s);
        if ((v->fd[s] = open(path, O_RDONLY)) < 0)
            return SITO_ERR_IO;
    }
    ssize_t got = pread(v->fd[s], sig, nh * 8, (off_t)KEY_LINE(key) * (off_t)(nh * 8));
    return got == (ssize_t)(nh * 8) ? SITO_OK : got < 0 ? SITO_ERR_IO : SITO_ERR_FORMAT;
}

/* 1 when the pair's full signatures agree on >= minhash_verify of their
 * values, 0 when not, or a negative status. */
static int verify_pair(verifier *v, const uint64_t *pair)
{
    int st = read_sig(v, pair[0], v->a);
    if (st == SITO_OK)
        st = read_sig(v, pair[1], v->b);
    if (st != SITO_OK)
        return st;
    return sito_minhash_similarity(v->mh, v->a, v->b) >= v->j->o.minhash_verify;
}

static int clusters_task(sito_dedup_job *j, char *err, size_t errlen)
{
    char dir[4200], uniq[4200], all[4200];
    job_path(j, dir, sizeof dir, "minhash/cluster");
    job_path(j, uniq, sizeof uniq, "minhash/cluster/pairs.uniq");
    job_path(j, all, sizeof all, "minhash/cluster/all.bin");
    if (job_mkdirs(dir) != SITO_OK)
        return job_fail(err, errlen, SITO_ERR_IO, "cannot create %s", dir);
    int st;
    dedup_sorter *pairs = dedup_sorter_new(2, j->o.mem_limit, dir, &st);
    FILE *u = NULL;
    uint64_t counters[C_COUNT] = {0};
    if (!pairs)
        return job_fail(err, errlen, st, "out of memory");
    if ((st = open_pair_files(j, pairs, err, errlen)) != SITO_OK)
        goto out;
    /* distinct pairs to a file */
    if ((st = dedup_sorter_finish(pairs)) != SITO_OK || !(u = fopen(uniq, "wb"))) {
        st = job_fail(err, errlen, st ? st : SITO_ERR_IO, "sorting pairs in %s", dir);
        goto out;
    }
    setvbuf(u, NULL, _IOFBF, 1 << 16);
    const uint64_t *rec;
    uint64_t last[2] = {0, 0};
    int have = 0;
    verifier v = {0};
    if (j->o.minhash_verify > 0 && (st = verifier_open(&v, j)) != SITO_OK) {
        verifier_close(&v);
        st = job_fail(err, errlen, st, "out of memory");
        goto out;
    }
    while ((st = dedup_sorter_next(pairs, &rec)) == SITO_OK) {
        if (have && rec[0] == last[0] && rec[1] == last[1])
            continue;
        last[0] = rec[0];
        last[1] = rec[1];
        have = 1;
        counters[C_PAIRS]++;
        int keep = v.mh ? verify_pair(&v, rec) : 1;
        if (keep < 0) {
            st = keep;
            break;
        }
        if (!keep) {
            counters[C_UNVERIFIED]++;
            continue;
        }
        if (fwrite(rec, 16, 1, u) != 1) {
            st = SITO_ERR_IO;
            break;
        }
    }
    verifier_close(&v);
    counters[C_RUNS] = (uint64_t)dedup_sorter_runs(pairs);
    dedup_sorter_free(pairs);
    pairs = NULL;
    if (fclose(u) != 0 && st == SITO_EOF)
        st = SITO_ERR_IO;
    u = NULL;
    if (st != SITO_EOF) {
        st = job_fail(err, errlen, st, "writing %s", uniq);
        goto out;
    }
    dedup_cluster_info info;
    st = dedup_components(uniq, j->o.mem_limit, dir, CLUSTER_AUTO, all, &info);
    remove(uniq);
    if (st == SITO_OK)
        st = split_clusters(j, all);
    remove(all);
    counters[C_RUNS] += info.runs_spilled;
    counters[C_EXTERNAL] = (uint64_t)info.external;
    counters[C_ROUNDS] = (uint64_t)info.rounds;
    counters[C_NODES] = info.nodes;
    if (st == SITO_OK)
        st = save_counters(j, 2, 0, counters);
    if (st != SITO_OK)
        job_fail(err, errlen, st, "cannot write the clusters in %s: %s", dir, sito_status_str(st));
out:
    if (u)
        fclose(u);
    dedup_sorter_free(pairs);
    return st;
}

/* -------------------------------------------------------- S3: filter */

typedef struct {
    const sito_dedup_job *j;
    int shard;
    uint64_t *cl;       /* (key, kept key, size) sorted by key */
    size_t n_cl, at;
    job_out out;
    job_ids *ids;
    sito_buf ins;
} mfilter_ctx;

static int cluster_name(mfilter_ctx *c, uint64_t kept)
{
    char name[1200];
    int n = snprintf(name, sizeof name, "%s:%u", c->j->shards[KEY_SHARD(kept)], KEY_LINE(kept));
    return dedup_json_escape(name, (size_t)n, &c->ins);
}

static int mfilter_doc(void *ctx, job_doc *d)
{
    mfilter_ctx *c = ctx;
    uint64_t key = DOC_KEY(c->shard, d->line);
    while (c->at < c->n_cl && c->cl[3 * c->at] < key)
        c->at++;
    if (c->at == c->n_cl || c->cl[3 * c->at] != key)
        return job_out_keep(&c->out, d, NULL, 0);
    uint64_t kept = c->cl[3 * c->at + 1], size = c->cl[3 * c->at + 2];
    char num[64];
    c->ins.len = 0;
    int n = snprintf(num, sizeof num, "\"minhash_cluster_size\":%llu,\"minhash_cluster\":",
                     (unsigned long long)size);
    int st = sito_buf_append(&c->ins, num, (size_t)n);
    if (st == SITO_OK)
        st = cluster_name(c, kept);
    if (st != SITO_OK)
        return st;
    if (kept == key)
        return job_out_keep(&c->out, d, c->ins.ptr, c->ins.len);
    static const char tail[] = ",\"filter\":\"minhash_dedup\",\"duplicate_of\":";
    if ((st = sito_buf_append(&c->ins, tail, sizeof tail - 1)) != SITO_OK ||
        (st = job_ids_json(c->ids, kept, &c->ins)) != SITO_OK)
        return st;
    return job_out_reject(&c->out, d, "minhash_dedup", c->ins.ptr, c->ins.len);
}

static int mfilter_task(sito_dedup_job *j, int shard, sito_stats *stats, char *err, size_t errlen)
{
    char path[4200];
    job_path(j, path, sizeof path, "minhash/cluster/%d.bin", shard);
    mfilter_ctx c = {.j = j, .shard = shard};
    int st = dedup_read_records(path, 3, &c.cl, &c.n_cl);
    if (st != SITO_OK)
        return job_fail(err, errlen, st, "cannot read %s", path);
    c.ids = job_ids_load(j);
    /* the job's own counters are added once, with shard 0's */
    st = c.ids ? job_filter_shard(j, shard, &c.out, mfilter_doc, &c, shard == 0 ? add_counters : NULL,
                                  stats, err, errlen)
               : SITO_ERR_NOMEM;
    free(c.cl);
    job_ids_free(c.ids);
    sito_buf_free(&c.ins);
    if (st != SITO_OK && !err[0])
        job_fail(err, errlen, st, "filtering %s: %s", j->inputs[shard], sito_status_str(st));
    return st;
}

int minhash_task(sito_dedup_job *j, int step, int task, sito_stats *st, char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = 0;
    switch (step) {
    case 0: return signatures_task(j, task, st, err, errlen);
    case 1: return buckets_task(j, task, err, errlen);
    case 2: return clusters_task(j, err, errlen);
    default: return mfilter_task(j, task, st, err, errlen);
    }
}
