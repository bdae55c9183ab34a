/*
 * lines.c — CCNet-style removal of boilerplate lines: a line (in its
 * simplified form) found on more than line_max_hosts distinct hosts is
 * removed from every document.  Steps: line hashes (per shard: sorted,
 * distinct (line hash, host hash) pairs, split into hash partitions), count
 * hosts (per partition: merge the shards, count distinct hosts per line),
 * filter (per shard).  The one thing to know: partitions are contiguous
 * hash ranges, so the per-partition lists concatenated are sorted and the
 * filter binary-searches one array.  A document without a URL counts as
 * its own host.
 */
#include "dedup/job.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

static int partition_of(uint64_t h, int parts)
{
    return (int)(((h >> 32) * (uint64_t)parts) >> 32);
}

/* The host of a URL, lower-cased: between "://" and the next / ? # or :,
 * after any user@. */
static sito_str url_host(sito_str url, char *buf, size_t cap)
{
    const char *p = url.ptr, *end = url.ptr + url.len;
    const char *s = memmem(p, url.len, "://", 3);
    p = s ? s + 3 : p;
    const char *h = p;
    while (p < end && *p != '/' && *p != '?' && *p != '#') {
        if (*p == '@')
            h = p + 1;
        p++;
    }
    const char *e = h;
    while (e < p && *e != ':')
        e++;
    size_t n = (size_t)(e - h) < cap ? (size_t)(e - h) : cap;
    for (size_t i = 0; i < n; i++)
        buf[i] = (char)(h[i] >= 'A' && h[i] <= 'Z' ? h[i] + 32 : h[i]);
    return (sito_str){buf, n};
}

typedef struct {
    const sito_dedup_job *j;
    int shard;
    sito_buf url, simple;
    dedup_sorter **parts;
} lhash_ctx;

static uint64_t doc_host_hash(const sito_dedup_job *j, int shard, job_doc *d, sito_buf *url)
{
    url->len = 0;
    if (d->json.url.len && dedup_json_unescape(d->json.url, url) == SITO_OK && url->len) {
        char host[256];
        sito_str h = url_host((sito_str){url->ptr, url->len}, host, sizeof host);
        if (h.len)
            return XXH3_64bits(h.ptr, h.len);
    }
    uint64_t k = DOC_KEY(shard, d->line);   /* no host: the document alone */
    return XXH3_64bits_withSeed(&k, 8, 0x5170);
}

/* Calls fn for each line of text with the hash of its simplified form
 * (lines that simplify to nothing are passed with hash 0, skip = 1). */
typedef int (*line_fn)(void *ctx, sito_str line, uint64_t h, int skip);

static int each_line(sito_str text, sito_buf *simple, line_fn fn, void *ctx)
{
    const char *p = text.ptr, *end = text.ptr + text.len;
    while (p < end || p == text.ptr) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        if (sito_simplify(p, (size_t)(e - p), 0, simple) != SITO_OK)
            return SITO_ERR_NOMEM;
        uint64_t h = simple->len ? XXH3_64bits(simple->ptr, simple->len) : 0;
        int st = fn(ctx, (sito_str){p, (size_t)(e - p) + (nl ? 1 : 0)}, h, simple->len == 0);
        if (st != SITO_OK)
            return st;
        if (!nl)
            break;
        p = nl + 1;
    }
    return SITO_OK;
}

typedef struct {
    lhash_ctx *c;
    uint64_t host;
} lhash_line;

static int add_line(void *ctx, sito_str line, uint64_t h, int skip)
{
    lhash_line *l = ctx;
    if (skip)
        return SITO_OK;
    uint64_t rec[2] = {h, l->host};
    return dedup_sorter_add(l->c->parts[partition_of(h, l->c->j->o.line_partitions)], rec);
}

static int lhash_doc(void *ctx, job_doc *d)
{
    lhash_ctx *c = ctx;
    lhash_line l = {c, doc_host_hash(c->j, c->shard, d, &c->url)};
    return each_line(d->text, &c->simple, add_line, &l);
}

/* Drains a sorter into path, dropping repeated records. */
static int drain_distinct(dedup_sorter *s, const char *path)
{
    dedup_file f;
    int st = dedup_file_open(&f, path);
    if (st != SITO_OK)
        return st;
    const uint64_t *rec;
    uint64_t last[2] = {0, 0};
    int have = 0;
    while ((st = dedup_sorter_next(s, &rec)) == SITO_OK) {
        if (have && rec[0] == last[0] && rec[1] == last[1])
            continue;
        memcpy(last, rec, 16);
        have = 1;
        if ((st = dedup_file_put(&f, rec, 2)) != SITO_OK)
            break;
    }
    return dedup_file_close(&f, st);
}

static int lhash_task(sito_dedup_job *j, int shard, sito_stats *stats, char *err, size_t errlen)
{
    int np = j->o.line_partitions, st = SITO_OK;
    lhash_ctx c = {.j = j, .shard = shard, .parts = calloc((size_t)np, sizeof(dedup_sorter *))};
    if (!c.parts)
        return job_fail(err, errlen, SITO_ERR_NOMEM, "out of memory");
    char dir[4200], path[4200];
    for (int p = 0; p < np && st == SITO_OK; p++) {
        job_path(j, dir, sizeof dir, "lines/hash/%03d", p);
        if (job_mkdirs(dir) != SITO_OK)
            st = SITO_ERR_IO;
        else
            c.parts[p] = dedup_sorter_new(2, j->o.mem_limit / (size_t)np, dir, &st);
    }
    if (st == SITO_OK)
        st = job_walk_shard(j, shard, stats, lhash_doc, &c, err, errlen);
    for (int p = 0; p < np && st == SITO_OK; p++) {
        job_path(j, path, sizeof path, "lines/hash/%03d/%d.bin", p, shard);
        if ((st = dedup_sorter_finish(c.parts[p])) == SITO_OK)
            st = drain_distinct(c.parts[p], path);
        dedup_sorter_free(c.parts[p]);
        c.parts[p] = NULL;
    }
    if (st != SITO_OK && !err[0])
        job_fail(err, errlen, st, "line hashes of %s: %s", j->inputs[shard], sito_status_str(st));
    for (int p = 0; p < np; p++)
        dedup_sorter_free(c.parts[p]);
    free(c.parts);
    sito_buf_free(&c.url);
    sito_buf_free(&c.simple);
    return st;
}

/* ------------------------------------------------- S1: count hosts */

static int count_task(sito_dedup_job *j, int part, char *err, size_t errlen)
{
    char dir[4200], out[4200], hashes[64];
    job_path(j, dir, sizeof dir, "lines/common");
    job_path(j, out, sizeof out, "lines/common/%03d.bin", part);
    if (job_mkdirs(dir) != SITO_OK)
        return job_fail(err, errlen, SITO_ERR_IO, "cannot create %s", dir);
    snprintf(hashes, sizeof hashes, "lines/hash/%03d", part);
    int st;
    dedup_merge *m = job_merge_shards(j, hashes, 2, j->o.mem_limit / ((size_t)j->n + 1), &st);
    dedup_file f = {0};
    if (m && (st = dedup_file_open(&f, out)) == SITO_OK) {
        uint64_t line = 0, host = 0, hosts = 0;
        int have = 0;
        const uint64_t *rec;
        for (;;) {
            st = dedup_merge_next(m, &rec, NULL);
            if (st != SITO_OK && st != SITO_EOF)
                break;
            if (st == SITO_EOF || !have || rec[0] != line) {
                if (have && hosts > (uint64_t)j->o.line_max_hosts &&
                    dedup_file_put(&f, &line, 1) != SITO_OK) {
                    st = SITO_ERR_IO;
                    break;
                }
                if (st == SITO_EOF)
                    break;
                line = rec[0];
                host = rec[1];
                hosts = 1;
                have = 1;
            } else if (rec[1] != host) {   /* same line, another host */
                host = rec[1];
                hosts++;
            }
        }
        st = dedup_file_close(&f, st);
    }
    dedup_merge_close(m);
    return st == SITO_OK ? SITO_OK
                         : job_fail(err, errlen, st, "counting hosts of partition %d in %s: %s", part,
                                    j->work, sito_status_str(st));
}

/* ------------------------------------------------------ S2: filter */

typedef struct {
    const sito_dedup_job *j;
    uint64_t *common;
    size_t n_common;
    job_out out;
    sito_buf simple, text, json, ins;
    size_t removed;
} lfilter_ctx;

static int is_common(const lfilter_ctx *c, uint64_t h)
{
    size_t lo = 0, hi = c->n_common;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (c->common[mid] == h)
            return 1;
        if (c->common[mid] < h)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

static int keep_line(void *ctx, sito_str line, uint64_t h, int skip)
{
    lfilter_ctx *c = ctx;
    if (!skip && is_common(c, h)) {
        c->removed += line.len;
        return SITO_OK;
    }
    return sito_buf_append(&c->text, line.ptr, line.len);
}

static int lfilter_doc(void *ctx, job_doc *d)
{
    lfilter_ctx *c = ctx;
    c->text.len = 0;
    c->removed = 0;
    int st = each_line(d->text, &c->simple, keep_line, c);
    if (st != SITO_OK)
        return st;
    double frac = d->text.len ? (double)c->removed / (double)d->text.len : 0.0;
    char sig[96];
    int n = snprintf(sig, sizeof sig, "\"%s\":%.6g", sito_signal_name(SITO_SIG_DEDUP_LINES_REMOVED_FRAC), frac);
    /* the signal goes into metadata.signals (created when absent) */
    c->ins.len = 0;
    if (!d->json.signals.len &&
        ((st = sito_buf_append(&c->ins, "\"signals\":{", 11)) != SITO_OK ||
         (st = sito_buf_append(&c->ins, sig, (size_t)n)) != SITO_OK ||
         (st = sito_buf_append(&c->ins, "}", 1)) != SITO_OK))
        return st;
    job_doc nd = *d;
    if (c->removed) {   /* a new line with the new text in place of the old */
        while (c->text.len && c->text.ptr[c->text.len - 1] == '\n')
            c->text.len--;
        c->json.len = 0;
        size_t ts = (size_t)(d->json.text.ptr - d->raw.ptr), te = ts + d->json.text.len;
        if ((st = sito_buf_append(&c->json, d->raw.ptr, ts)) != SITO_OK ||
            (st = dedup_json_escape(c->text.ptr ? c->text.ptr : "", c->text.len, &c->json)) != SITO_OK ||
            (st = sito_buf_append(&c->json, d->raw.ptr + te, d->raw.len - te)) != SITO_OK)
            return st;
        if (dedup_json_scan(c->json.ptr, c->json.len, &nd.json) != SITO_OK)
            return SITO_ERR_FORMAT;
        nd.raw = (sito_str){c->json.ptr, c->json.len};
        nd.text = (sito_str){c->text.ptr ? c->text.ptr : "", c->text.len};
    }
    if (nd.json.signals.len) {
        /* splice into the signals object: a line with it replaced */
        sito_buf tmp = {0};
        st = job_splice_object(nd.raw, nd.json.signals, sig, (size_t)n, &tmp);
        if (st == SITO_OK) {
            c->json.len = 0;
            st = sito_buf_append(&c->json, tmp.ptr, tmp.len);
        }
        sito_buf_free(&tmp);
        if (st != SITO_OK || dedup_json_scan(c->json.ptr, c->json.len, &nd.json) != SITO_OK)
            return st != SITO_OK ? st : SITO_ERR_FORMAT;
        nd.raw = (sito_str){c->json.ptr, c->json.len};
    }
    if (c->removed && nd.text.len == 0) {
        static const char f[] = ",\"filter\":\"line_dedup\",\"filter_value\":1";
        if ((st = sito_buf_append(&c->ins, c->ins.len ? f : f + 1, c->ins.len ? sizeof f - 1 : sizeof f - 2)) != SITO_OK)
            return st;
        return job_out_reject(&c->out, &nd, "line_dedup", c->ins.ptr, c->ins.len);
    }
    return job_out_keep(&c->out, &nd, c->ins.ptr, c->ins.len);
}

static int load_common(sito_dedup_job *j, lfilter_ctx *c, char *err, size_t errlen)
{
    for (int p = 0; p < j->o.line_partitions; p++) {
        char path[4200];
        job_path(j, path, sizeof path, "lines/common/%03d.bin", p);
        uint64_t *r;
        size_t n;
        int st = dedup_read_records(path, 1, &r, &n);
        if (st != SITO_OK)
            return job_fail(err, errlen, st, "cannot read %s", path);
        uint64_t *all = realloc(c->common, (c->n_common + n + 1) * 8);
        if (!all) {
            free(r);
            return job_fail(err, errlen, SITO_ERR_NOMEM, "out of memory");
        }
        memcpy(all + c->n_common, r, n * 8);
        c->common = all;
        c->n_common += n;
        free(r);
    }
    return SITO_OK;
}

static int lfilter_task(sito_dedup_job *j, int shard, sito_stats *stats, char *err, size_t errlen)
{
    lfilter_ctx c = {.j = j};
    int st = load_common(j, &c, err, errlen);
    if (st == SITO_OK)
        st = job_filter_shard(j, shard, &c.out, lfilter_doc, &c, NULL, stats, err, errlen);
    free(c.common);
    sito_buf_free(&c.simple);
    sito_buf_free(&c.text);
    sito_buf_free(&c.json);
    sito_buf_free(&c.ins);
    if (st != SITO_OK && !err[0])
        job_fail(err, errlen, st, "filtering %s: %s", j->inputs[shard], sito_status_str(st));
    return st;
}

int lines_task(sito_dedup_job *j, int step, int task, sito_stats *st, char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = 0;
    switch (step) {
    case 0: return lhash_task(j, task, st, err, errlen);
    case 1: return count_task(j, task, err, errlen);
    default: return lfilter_task(j, task, st, err, errlen);
    }
}
