/*
 * job.c — the dedup job record and what its steps share: options, shard
 * names, work paths, completion markers, walking a shard's documents, id
 * tables, the kept/rejects output with metadata splicing, and the local
 * driver (a thread pool over the tasks of one step at a time).  The one
 * thing to know: a task's marker is written only after all its files were
 * renamed into place, so "marker exists" means "outputs complete".
 */
#include "dedup/job.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void sito_dedup_defaults(sito_dedup_options *o, int kind)
{
    *o = (sito_dedup_options){
        .kind = kind,
        .exact_norm = SITO_EXACT_NORM_SPACE,
        .line_max_hosts = 5,
        .line_partitions = 16,
        .mem_limit = (size_t)256 << 20,
        .zstd_level = 3,
    };
    sito_minhash_defaults(&o->minhash);
}

void job_path(const sito_dedup_job *j, char *out, size_t len, const char *fmt, ...)
{
    int n = snprintf(out, len, "%s/", j->work);
    va_list ap;
    va_start(ap, fmt);
    if (n > 0 && (size_t)n < len)
        vsnprintf(out + n, len - (size_t)n, fmt, ap);
    va_end(ap);
}

int job_mkdirs(const char *path)
{
    char p[4096];
    snprintf(p, sizeof p, "%s", path);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = 0;
        if (mkdir(p, 0777) != 0 && errno != EEXIST)
            return SITO_ERR_IO;
        *s = '/';
    }
    return mkdir(p, 0777) == 0 || errno == EEXIST ? SITO_OK : SITO_ERR_IO;
}

dedup_merge *job_merge_shards(const sito_dedup_job *j, const char *dir, int words,
                              size_t buf_bytes, int *status)
{
    char **paths = calloc((size_t)j->n, sizeof *paths);
    *status = paths ? SITO_OK : SITO_ERR_NOMEM;
    for (int i = 0; i < j->n && *status == SITO_OK; i++) {
        char p[4200];
        job_path(j, p, sizeof p, "%s/%d.bin", dir, i);
        if (!(paths[i] = strdup(p)))
            *status = SITO_ERR_NOMEM;
    }
    /* the files are opened here: the paths are not kept */
    dedup_merge *m = *status == SITO_OK
                         ? dedup_merge_open(words, (const char *const *)paths, j->n, buf_bytes, status)
                         : NULL;
    for (int i = 0; paths && i < j->n; i++)
        free(paths[i]);
    free(paths);
    return m;
}

int job_split_by_shard(const sito_dedup_job *j, const char *dir, int words, job_next_fn next,
                       void *src)
{
    const uint64_t *rec = NULL;
    int rst = next(src, &rec), st = SITO_OK;
    for (int s = 0; s < j->n && st == SITO_OK; s++) {
        char path[4200];
        dedup_file f;
        job_path(j, path, sizeof path, "%s/%d.bin", dir, s);
        if ((st = dedup_file_open(&f, path)) != SITO_OK)
            break;
        for (; rst == SITO_OK && KEY_SHARD(rec[0]) == s; rst = next(src, &rec))
            dedup_file_put(&f, rec, words);
        /* a record of an earlier shard means the source was not sorted */
        int bad = rst == SITO_OK && KEY_SHARD(rec[0]) < s;
        st = dedup_file_close(&f, bad ? SITO_ERR_FORMAT : rst == SITO_EOF ? SITO_OK : rst);
    }
    if (st == SITO_OK && rst != SITO_EOF)
        st = rst == SITO_OK ? SITO_ERR_FORMAT : rst;
    return st;
}

int job_fail(char *err, size_t errlen, int status, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return status;
}

/* ------------------------------------------------------------ the job */

static void shard_name(const char *path, char *out, size_t len)
{
    const char *b = strrchr(path, '/');
    snprintf(out, len, "%s", b ? b + 1 : path);
    static const char *const suffixes[] = {".zst", ".gz", ".jsonl", ".json", ".txt"};
    for (int again = 1; again;) {
        again = 0;
        for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
            size_t n = strlen(out), s = strlen(suffixes[i]);
            if (n > s && strcmp(out + n - s, suffixes[i]) == 0) {
                out[n - s] = 0;
                again = 1;
            }
        }
    }
}

void sito_dedup_job_free(sito_dedup_job *j)
{
    if (!j)
        return;
    for (int i = 0; i < j->n; i++) {
        free(j->inputs ? j->inputs[i] : NULL);
        free(j->shards ? j->shards[i] : NULL);
    }
    free(j->inputs);
    free(j->shards);
    free(j);
}

static int check_options(const sito_dedup_options *o, char *err, size_t errlen)
{
    if (o->kind < SITO_DEDUP_EXACT || o->kind > SITO_DEDUP_LINES)
        return job_fail(err, errlen, SITO_ERR_ARG, "unknown dedup kind %d", o->kind);
    int st;
    sito_minhash *m = sito_minhash_new(&o->minhash, &st);
    sito_minhash_free(m);
    if (!m)
        return job_fail(err, errlen, SITO_ERR_ARG,
                        "minhash parameters out of range (ngram 1..32, bands 1..64, rows 1..32)");
    if (!(o->minhash_verify >= 0 && o->minhash_verify <= 1))
        return job_fail(err, errlen, SITO_ERR_ARG, "--verify must be in 0..1");
    if (o->line_partitions < 1 || o->line_partitions > 4096)
        return job_fail(err, errlen, SITO_ERR_ARG, "line partitions must be 1..4096");
    if (o->line_max_hosts < 1)
        return job_fail(err, errlen, SITO_ERR_ARG, "line host threshold must be >= 1");
    if (o->exact_norm < SITO_EXACT_NORM_NONE || o->exact_norm > SITO_EXACT_NORM_SIMPLIFY)
        return job_fail(err, errlen, SITO_ERR_ARG, "unknown exact normalization %d", o->exact_norm);
    return SITO_OK;
}

/* The job's description in work/job.conf: a rerun must be the same job. */
static int check_config(sito_dedup_job *j, char *err, size_t errlen)
{
    sito_buf c = {0};
    char line[4400];
    const sito_dedup_options *o = &j->o;
    int n = snprintf(line, sizeof line,
                     "kind %d\nngram %d bands %d rows %d seed %u flags %d\nnorm %d hosts %d parts %d\n",
                     o->kind, o->minhash.ngram, o->minhash.bands, o->minhash.rows, o->minhash.seed,
                     o->minhash.simplify_flags, o->exact_norm, o->line_max_hosts, o->line_partitions);
    int st = sito_buf_append(&c, line, (size_t)n);
    if (o->minhash_verify > 0 && st == SITO_OK) {   /* absent when off: older job.conf stay valid */
        n = snprintf(line, sizeof line, "verify %.17g\n", o->minhash_verify);
        st = sito_buf_append(&c, line, (size_t)n);
    }
    for (int i = 0; i < j->n && st == SITO_OK; i++) {
        n = snprintf(line, sizeof line, "input %s\n", j->inputs[i]);
        st = sito_buf_append(&c, line, (size_t)n);
    }
    if (st != SITO_OK)
        return job_fail(err, errlen, st, "out of memory");
    char path[4200];
    job_path(j, path, sizeof path, "job.conf");
    FILE *f = fopen(path, "rb");
    if (f) {
        char *old = malloc(c.len + 2);
        size_t got = old ? fread(old, 1, c.len + 1, f) : 0;
        fclose(f);
        int same = old && got == c.len && memcmp(old, c.ptr, c.len) == 0;
        free(old);
        sito_buf_free(&c);
        return same ? SITO_OK
                    : job_fail(err, errlen, SITO_ERR_ARG,
                               "%s holds a different dedup job (other inputs or options); "
                               "use a new output directory", j->outdir);
    }
    f = fopen(path, "wb");
    int ok = f && fwrite(c.ptr, 1, c.len, f) == c.len;
    ok = f && fclose(f) == 0 && ok;
    sito_buf_free(&c);
    return ok ? SITO_OK : job_fail(err, errlen, SITO_ERR_IO, "cannot write %s: %s", path, strerror(errno));
}

sito_dedup_job *sito_dedup_job_new(const sito_dedup_options *o, const char *const *inputs, int n,
                                   const char *outdir, char *err, size_t errlen)
{
    if (check_options(o, err, errlen) != SITO_OK)
        return NULL;
    if (n < 1 || n > 1000000) {
        job_fail(err, errlen, SITO_ERR_ARG, "no input files");
        return NULL;
    }
    sito_dedup_job *j = calloc(1, sizeof *j);
    if (!j || !(j->inputs = calloc((size_t)n, sizeof *j->inputs)) ||
        !(j->shards = calloc((size_t)n, sizeof *j->shards))) {
        sito_dedup_job_free(j);
        job_fail(err, errlen, SITO_ERR_NOMEM, "out of memory");
        return NULL;
    }
    j->o = *o;
    if (!j->o.mem_limit)
        j->o.mem_limit = (size_t)256 << 20;
    j->n = n;
    snprintf(j->outdir, sizeof j->outdir, "%s", outdir);
    snprintf(j->work, sizeof j->work, "%s/work", outdir);
    for (int i = 0; i < n; i++) {
        char name[1024];
        shard_name(inputs[i], name, sizeof name);
        j->inputs[i] = strdup(inputs[i]);
        j->shards[i] = strdup(name);
        if (!j->inputs[i] || !j->shards[i]) {
            sito_dedup_job_free(j);
            job_fail(err, errlen, SITO_ERR_NOMEM, "out of memory");
            return NULL;
        }
        for (int k = 0; k < i; k++)
            if (strcmp(j->shards[k], name) == 0) {
                job_fail(err, errlen, SITO_ERR_ARG, "%s and %s have the same shard name '%s'",
                         inputs[k], inputs[i], name);
                sito_dedup_job_free(j);
                return NULL;
            }
    }
    char path[4200];
    job_path(j, path, sizeof path, "done");
    char rej[2100];
    snprintf(rej, sizeof rej, "%s/rejects", outdir);
    if (job_mkdirs(path) != SITO_OK || job_mkdirs(rej) != SITO_OK) {
        job_fail(err, errlen, SITO_ERR_IO, "cannot create %s: %s", path, strerror(errno));
        sito_dedup_job_free(j);
        return NULL;
    }
    if (check_config(j, err, errlen) != SITO_OK) {
        sito_dedup_job_free(j);
        return NULL;
    }
    return j;
}

int sito_dedup_steps(const sito_dedup_job *j)
{
    return j->o.kind == SITO_DEDUP_MINHASH ? 4 : 3;
}

int sito_dedup_tasks(const sito_dedup_job *j, int step)
{
    if (step < 0 || step >= sito_dedup_steps(j))
        return 0;
    if (step == 0 || step == sito_dedup_steps(j) - 1)
        return j->n;
    switch (j->o.kind) {
    case SITO_DEDUP_EXACT: return 1;
    case SITO_DEDUP_MINHASH: return step == 1 ? j->o.minhash.bands : 1;
    default: return j->o.line_partitions;
    }
}

const char *sito_dedup_step_name(const sito_dedup_job *j, int step)
{
    static const char *const exact[] = {"hash", "group", "filter"};
    static const char *const minhash[] = {"signatures", "buckets", "clusters", "filter"};
    static const char *const lines[] = {"line-hashes", "count-hosts", "filter"};
    if (step < 0 || step >= sito_dedup_steps(j))
        return "?";
    return j->o.kind == SITO_DEDUP_MINHASH ? minhash[step]
         : j->o.kind == SITO_DEDUP_EXACT ? exact[step] : lines[step];
}

int sito_dedup_task_done(const sito_dedup_job *j, int step, int task)
{
    char path[4200];
    job_path(j, path, sizeof path, "done/S%d-%d", step, task);
    return access(path, F_OK) == 0;
}

int sito_dedup_task_run(sito_dedup_job *j, int step, int task, sito_stats *stats, char *err,
                        size_t errlen)
{
    if (task < 0 || task >= sito_dedup_tasks(j, step))
        return job_fail(err, errlen, SITO_ERR_ARG, "no task %d in step %d", task, step);
    if (sito_dedup_task_done(j, step, task))
        return SITO_OK;
    int st = j->o.kind == SITO_DEDUP_EXACT ? exact_task(j, step, task, stats, err, errlen)
           : j->o.kind == SITO_DEDUP_MINHASH ? minhash_task(j, step, task, stats, err, errlen)
           : lines_task(j, step, task, stats, err, errlen);
    if (st != SITO_OK)
        return st;
    char path[4200];
    job_path(j, path, sizeof path, "done/S%d-%d", step, task);
    FILE *f = fopen(path, "wb");
    if (!f || fclose(f) != 0)
        return job_fail(err, errlen, SITO_ERR_IO, "cannot write marker %s", path);
    return SITO_OK;
}

/* ------------------------------------------------------- walking a shard */

int job_walk_shard(const sito_dedup_job *j, int shard, sito_stats *stats, job_doc_fn fn,
                   void *ctx, char *err, size_t errlen)
{
    int st, too_long;
    line_reader *r = line_reader_open(j->inputs[shard], 0, &st);
    if (!r)
        return job_fail(err, errlen, st, "cannot read %s: %s", j->inputs[shard],
                        st == SITO_ERR_IO ? strerror(errno) : sito_status_str(st));
    sito_buf text = {0};
    job_doc d = {0};
    uint32_t line = 0;
    sito_str raw;
    while ((st = line_reader_next(r, &raw, &too_long)) == SITO_OK || st == LINE_SKIPPED) {
        d.line = line++;
        if (line == 0) {
            st = job_fail(err, errlen, SITO_ERR_LIMIT, "%s: more than 2^32 lines", j->inputs[shard]);
            break;
        }
        if (st == LINE_SKIPPED || raw.len == 0 ||
            dedup_json_scan(raw.ptr, raw.len, &d.json) != SITO_OK) {
            if ((st == LINE_SKIPPED || raw.len) && stats)
                stats->errors[SITO_E_JSONL_MALFORMED]++;
            continue;
        }
        d.raw = raw;
        text.len = 0;
        if (dedup_json_unescape(d.json.text, &text) != SITO_OK) {
            st = SITO_ERR_NOMEM;
            break;
        }
        d.text = (sito_str){text.ptr ? text.ptr : "", text.len};
        if ((st = fn(ctx, &d)) != SITO_OK)
            break;
    }
    if (st == SITO_ERR_IO)
        job_fail(err, errlen, st, "%s: read error or corrupt compressed data after line %u",
                 j->inputs[shard], line);
    else if (st == SITO_ERR_NOMEM)
        job_fail(err, errlen, st, "out of memory reading %s", j->inputs[shard]);
    if (stats && st == SITO_EOF)
        stats->bytes_in += line_reader_tell(r);
    sito_buf_free(&text);
    line_reader_close(r);
    return st == SITO_EOF ? SITO_OK : st;
}

/* ------------------------------------------------------------ id tables */

/* File: u64 count, u64 offsets[count+1], then the JSON strings. */
struct job_ids_writer {
    char path[4200];
    uint64_t *off;
    size_t n, cap;
    sito_buf blob;
    const char *shard;
};

job_ids_writer *job_ids_open(const sito_dedup_job *j, int shard)
{
    job_ids_writer *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    char dir[4200];
    job_path(j, dir, sizeof dir, "ids");
    job_mkdirs(dir);
    job_path(j, w->path, sizeof w->path, "ids/%d.ids", shard);
    w->shard = j->shards[shard];
    return w;
}

int job_ids_add(job_ids_writer *w, uint32_t line, const sito_str *id_json)
{
    while (w->n <= line) {   /* lines without a document get an empty id */
        if (w->n + 1 >= w->cap) {
            size_t cap = w->cap ? w->cap * 2 : 1024;
            uint64_t *o = realloc(w->off, cap * sizeof *o);
            if (!o)
                return SITO_ERR_NOMEM;
            w->off = o;
            w->cap = cap;
        }
        w->off[w->n++] = w->blob.len;
    }
    int st;
    if (id_json->len) {
        st = sito_buf_append(&w->blob, id_json->ptr, id_json->len);
    } else {
        char name[1100];
        int n = snprintf(name, sizeof name, "%s:%u", w->shard, line);
        st = dedup_json_escape(name, (size_t)n, &w->blob);
    }
    return st;
}

int job_ids_commit(job_ids_writer *w)
{
    char tmp[4300];
    snprintf(tmp, sizeof tmp, "%s.tmp", w->path);
    FILE *f = fopen(tmp, "wb");
    uint64_t count = w->n, end = w->blob.len;
    int ok = f && fwrite(&count, 8, 1, f) == 1 && fwrite(w->off, 8, w->n, f) == w->n &&
             fwrite(&end, 8, 1, f) == 1 && fwrite(w->blob.ptr ? w->blob.ptr : "", 1, w->blob.len, f) == w->blob.len;
    ok = f && fclose(f) == 0 && ok;
    ok = ok && rename(tmp, w->path) == 0;
    if (!ok)
        remove(tmp);
    job_ids_abort(w);
    return ok ? SITO_OK : SITO_ERR_IO;
}

void job_ids_abort(job_ids_writer *w)
{
    if (!w)
        return;
    free(w->off);
    sito_buf_free(&w->blob);
    free(w);
}

struct job_ids {
    const sito_dedup_job *j;
    char **data;        /* whole files, loaded on first use */
    size_t *size;
};

job_ids *job_ids_load(const sito_dedup_job *j)
{
    job_ids *ids = calloc(1, sizeof *ids);
    if (!ids)
        return NULL;
    ids->j = j;
    ids->data = calloc((size_t)j->n, sizeof *ids->data);
    ids->size = calloc((size_t)j->n, sizeof *ids->size);
    if (!ids->data || !ids->size) {
        job_ids_free(ids);
        return NULL;
    }
    return ids;
}

int job_ids_json(job_ids *ids, uint64_t k, sito_buf *out)
{
    int s = KEY_SHARD(k);
    uint32_t line = KEY_LINE(k);
    if (s < 0 || s >= ids->j->n)
        return SITO_ERR_ARG;
    if (!ids->data[s]) {
        char path[4200];
        job_path(ids->j, path, sizeof path, "ids/%d.ids", s);
        FILE *f = fopen(path, "rb");
        if (!f)
            return SITO_ERR_IO;
        fseeko(f, 0, SEEK_END);
        off_t sz = ftello(f);
        rewind(f);
        char *buf = sz >= 0 ? malloc((size_t)sz + 1) : NULL;
        if (!buf || fread(buf, 1, (size_t)sz, f) != (size_t)sz) {
            free(buf);
            fclose(f);
            return SITO_ERR_IO;
        }
        fclose(f);
        ids->data[s] = buf;
        ids->size[s] = (size_t)sz;
    }
    const char *d = ids->data[s];
    uint64_t count, a, b;
    if (ids->size[s] < 8)
        return SITO_ERR_FORMAT;
    memcpy(&count, d, 8);
    if (line >= count || 8 + (count + 1) * 8 > ids->size[s])
        return SITO_ERR_FORMAT;
    memcpy(&a, d + 8 + (size_t)line * 8, 8);
    memcpy(&b, d + 16 + (size_t)line * 8, 8);
    size_t base = 8 + (count + 1) * 8;
    if (a > b || base + b > ids->size[s])
        return SITO_ERR_FORMAT;
    return sito_buf_append(out, d + base + a, b - a);
}

void job_ids_free(job_ids *ids)
{
    if (!ids)
        return;
    for (int i = 0; ids->data && i < ids->j->n; i++)
        free(ids->data[i]);
    free(ids->data);
    free(ids->size);
    free(ids);
}

/* -------------------------------------------------------------- output */

int job_splice_object(sito_str line, sito_str obj, const char *members, size_t mlen, sito_buf *out)
{
    size_t open = (size_t)(obj.ptr - line.ptr);   /* the '{' */
    int empty = 1;
    for (size_t i = 1; i + 1 < obj.len; i++)
        if (obj.ptr[i] != ' ' && obj.ptr[i] != '\t' && obj.ptr[i] != '\n' && obj.ptr[i] != '\r')
            empty = 0;
    if (sito_buf_append(out, line.ptr, open + 1) != SITO_OK ||
        sito_buf_append(out, members, mlen) != SITO_OK ||
        (!empty && sito_buf_append(out, ",", 1) != SITO_OK) ||
        sito_buf_append(out, line.ptr + open + 1, line.len - open - 1) != SITO_OK)
        return SITO_ERR_NOMEM;
    return SITO_OK;
}

/* d's line with members added to its metadata, into o->line. */
static int spliced_line(job_out *o, const job_doc *d, const char *ins, size_t ilen)
{
    o->line.len = 0;
    if (!ilen)
        return sito_buf_append(&o->line, d->raw.ptr, d->raw.len);
    if (d->json.metadata.len)
        return job_splice_object(d->raw, d->json.metadata, ins, ilen, &o->line);
    /* no metadata: add it before the closing brace */
    if (sito_buf_append(&o->line, d->raw.ptr, d->json.close) != SITO_OK ||
        sito_buf_append(&o->line, ",\"metadata\":{", 13) != SITO_OK ||
        sito_buf_append(&o->line, ins, ilen) != SITO_OK ||
        sito_buf_append(&o->line, d->raw.ptr + d->json.close, d->raw.len - d->json.close) != SITO_OK)
        return SITO_ERR_NOMEM;
    /* the closing brace of metadata */
    size_t close = o->line.len - (d->raw.len - d->json.close);
    if (sito_buf_reserve(&o->line, 1) != SITO_OK)
        return SITO_ERR_NOMEM;
    memmove(o->line.ptr + close + 1, o->line.ptr + close, o->line.len - close);
    o->line.ptr[close] = '}';
    o->line.len++;
    return SITO_OK;
}

int job_out_open(const sito_dedup_job *j, int shard, job_out *o, sito_stats *stats, char *err,
                 size_t errlen)
{
    *o = (job_out){.stats = stats};
    char path[4200];
    int st;
    snprintf(path, sizeof path, "%s/%s.jsonl.zst", j->outdir, j->shards[shard]);
    o->kept = sito_writer_open(path, j->o.zstd_level, &st);
    if (!o->kept)
        return job_fail(err, errlen, st, "cannot write %s: %s", path, strerror(errno));
    snprintf(path, sizeof path, "%s/rejects/%s.jsonl.zst", j->outdir, j->shards[shard]);
    o->rejects = sito_writer_open(path, j->o.zstd_level, &st);
    if (!o->rejects) {
        sito_writer_abort(o->kept);
        return job_fail(err, errlen, st, "cannot write %s: %s", path, strerror(errno));
    }
    return SITO_OK;
}

int job_out_keep(job_out *o, const job_doc *d, const char *ins, size_t ilen)
{
    int st = spliced_line(o, d, ins, ilen);
    if (st == SITO_OK)
        st = sito_writer_line(o->kept, o->line.ptr, o->line.len);
    o->stats->docs_in++;
    o->stats->docs_kept++;
    o->stats->text_bytes_out += d->text.len;
    return st;
}

int job_out_reject(job_out *o, const job_doc *d, const char *filter, const char *ins, size_t ilen)
{
    int st = spliced_line(o, d, ins, ilen);
    if (st == SITO_OK)
        st = sito_writer_line(o->rejects, o->line.ptr, o->line.len);
    o->stats->docs_in++;
    o->stats->docs_rejected++;
    sito_stats_count_filter(o->stats, filter);
    return st;
}

int job_out_commit(job_out *o, char *err, size_t errlen)
{
    o->stats->bytes_out += sito_writer_bytes(o->kept) + sito_writer_bytes(o->rejects);
    int a = sito_writer_commit(o->kept, NULL), b = sito_writer_commit(o->rejects, NULL);
    sito_buf_free(&o->line);
    if (a != SITO_OK || b != SITO_OK)
        return job_fail(err, errlen, SITO_ERR_IO, "cannot write the output: %s", strerror(errno));
    return SITO_OK;
}

void job_out_abort(job_out *o)
{
    sito_writer_abort(o->kept);
    sito_writer_abort(o->rejects);
    sito_buf_free(&o->line);
}

/* ---------------------------------------------------------------- stats */

int job_save_stats(const sito_dedup_job *j, int shard, const sito_stats *s)
{
    char dir[4200], path[4200];
    job_path(j, dir, sizeof dir, "stats");
    job_mkdirs(dir);
    job_path(j, path, sizeof path, "stats/%d.bin", shard);
    return dedup_write_records(path, (const uint64_t *)(const void *)s,
                               sizeof *s / 8, 1);
}

int sito_dedup_task_stats(const sito_dedup_job *j, int task, sito_stats *stats)
{
    char path[4200];
    uint64_t *recs;
    size_t n;
    if (task < 0 || task >= j->n)
        return SITO_ERR_ARG;
    job_path(j, path, sizeof path, "stats/%d.bin", task);
    if (dedup_read_records(path, 1, &recs, &n) != SITO_OK)
        return SITO_ERR_IO;
    if (n * 8 == sizeof(sito_stats))
        sito_stats_merge(stats, (const sito_stats *)(const void *)recs);
    free(recs);
    return SITO_OK;
}

int sito_dedup_job_stats(const sito_dedup_job *j, sito_stats *stats)
{
    for (int i = 0; i < j->n; i++)
        if (sito_dedup_task_stats(j, i, stats) != SITO_OK)
            return SITO_ERR_IO;
    return SITO_OK;
}

/* ---------------------------------------------------------- local driver */

typedef struct {
    sito_dedup_job *j;
    int step, n_tasks, next, status;
    pthread_mutex_t mu;
    char err[1024];
} pool;

static void *pool_worker(void *arg)
{
    pool *p = arg;
    sito_stats scratch;
    char err[1024];
    for (;;) {
        pthread_mutex_lock(&p->mu);
        int t = p->status == SITO_OK && p->next < p->n_tasks ? p->next++ : -1;
        pthread_mutex_unlock(&p->mu);
        if (t < 0)
            return NULL;
        memset(&scratch, 0, sizeof scratch);
        int st = sito_dedup_task_run(p->j, p->step, t, &scratch, err, sizeof err);
        if (st != SITO_OK) {
            pthread_mutex_lock(&p->mu);
            if (p->status == SITO_OK) {
                p->status = st;
                snprintf(p->err, sizeof p->err, "%s", err);
            }
            pthread_mutex_unlock(&p->mu);
        }
    }
}

int sito_dedup_run_local(sito_dedup_job *j, int threads, sito_stats *stats, char *err, size_t errlen)
{
    if (threads < 1)
        threads = 1;
    if (threads > 256)
        threads = 256;
    for (int step = 0; step < sito_dedup_steps(j); step++) {
        pool p = {.j = j, .step = step, .n_tasks = sito_dedup_tasks(j, step)};
        pthread_mutex_init(&p.mu, NULL);
        int nt = threads < p.n_tasks ? threads : p.n_tasks;
        pthread_t tid[256];
        int started = 0;
        for (int i = 1; i < nt; i++)
            if (pthread_create(&tid[started], NULL, pool_worker, &p) == 0)
                started++;
        pool_worker(&p);
        for (int i = 0; i < started; i++)
            pthread_join(tid[i], NULL);
        pthread_mutex_destroy(&p.mu);
        if (p.status != SITO_OK)
            return job_fail(err, errlen, p.status, "%s", p.err);
    }
    if (sito_dedup_job_stats(j, stats) != SITO_OK)
        return job_fail(err, errlen, SITO_ERR_IO, "cannot read the task counters in %s/stats", j->work);
    char path[2200];
    snprintf(path, sizeof path, "%s/stats.json", j->outdir);
    if (sito_stats_save_json(stats, path, 0) != SITO_OK)
        return job_fail(err, errlen, SITO_ERR_IO, "cannot write %s", path);
    return SITO_OK;
}

int job_filter_shard(const sito_dedup_job *j, int shard, job_out *out, job_doc_fn fn, void *ctx,
                     void (*extra)(const sito_dedup_job *j, sito_stats *s), sito_stats *stats,
                     char *err, size_t errlen)
{
    sito_stats local = {0};   /* out counts into it: it outlives out */
    int st = job_out_open(j, shard, out, &local, err, errlen);
    if (st != SITO_OK)
        return st;
    st = job_walk_shard(j, shard, &local, fn, ctx, err, errlen);
    if (st != SITO_OK) {
        job_out_abort(out);
        return st;
    }
    if ((st = job_out_commit(out, err, errlen)) != SITO_OK)
        return st;
    local.inputs = 1;
    if (extra)
        extra(j, &local);
    st = job_save_stats(j, shard, &local);
    sito_stats_merge(stats, &local);
    return st;
}
