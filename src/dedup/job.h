/*
 * job.h — what the three dedup jobs share: the job record, work-file
 * paths, per-shard id tables, and walking a shard's documents.  The one
 * thing to know: a document is named everywhere by its global key
 * (shard index << 32 | line index), so sorting by key is sorting by input
 * order, and "first by input order" is "smallest key".
 */
#ifndef SITO_DEDUP_JOB_H
#define SITO_DEDUP_JOB_H

#include "dedup/docio.h"
#include "dedup/extsort.h"
#include "dedup/simplify.h"
#include "io/lines.h"

#define DOC_KEY(shard, line) (((uint64_t)(shard) << 32) | (uint32_t)(line))
#define KEY_SHARD(k) ((int)((k) >> 32))
#define KEY_LINE(k) ((uint32_t)(k))

struct sito_dedup_job {
    sito_dedup_options o;
    int n;              /* input shards */
    char **inputs;
    char **shards;      /* shard names, unique */
    char outdir[2048];
    char work[2100];
};

/* snprintf of work/<fmt> into out (PATH_MAX-sized). */
void job_path(const sito_dedup_job *j, char *out, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* mkdir -p. SITO_OK or SITO_ERR_IO. */
int job_mkdirs(const char *path);
/* A one-line message into err; returns status. */
int job_fail(char *err, size_t errlen, int status, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* A k-way merge over every shard's sorted record file work/<dir>/<shard>.bin
 * (dir relative to work/, already formatted), each read through buf_bytes.
 * NULL with *status set. */
dedup_merge *job_merge_shards(const sito_dedup_job *j, const char *dir, int words,
                              size_t buf_bytes, int *status);

/* The next record of a sorted source: SITO_OK, SITO_EOF or an error. */
typedef int (*job_next_fn)(void *src, const uint64_t **rec);
/* Splits records sorted by word 0, a document key (shard << 32 | line), into
 * work/<dir>/<shard>.bin, one file per shard, empty ones too, each written
 * through dedup_file.  A key of no shard is SITO_ERR_FORMAT. */
int job_split_by_shard(const sito_dedup_job *j, const char *dir, int words, job_next_fn next,
                       void *src);

/* One document of a shard, as the per-shard steps see it. */
typedef struct job_doc {
    uint32_t line;          /* line index in the shard */
    sito_str raw;           /* the whole JSON line */
    dedup_json_doc json;
    sito_str text;          /* unescaped text */
} job_doc;

typedef int (*job_doc_fn)(void *ctx, job_doc *d);

/* Reads shard i and calls fn for every well-formed document (malformed
 * lines are counted in stats->errors and skipped).  fn's non-OK status
 * stops the walk and is returned. */
int job_walk_shard(const sito_dedup_job *j, int shard, sito_stats *stats,
                   job_doc_fn fn, void *ctx, char *err, size_t errlen);

/* -- per-shard id tables: document ids by line, for naming the kept doc
 *    in rejects -- */
typedef struct job_ids_writer job_ids_writer;
job_ids_writer *job_ids_open(const sito_dedup_job *j, int shard);
int job_ids_add(job_ids_writer *w, uint32_t line, const sito_str *id_json);
int job_ids_commit(job_ids_writer *w);
void job_ids_abort(job_ids_writer *w);

/* Lazily loaded id tables of every shard. */
typedef struct job_ids job_ids;
job_ids *job_ids_load(const sito_dedup_job *j);
/* Appends the id of the document with global key k as a JSON string. */
int job_ids_json(job_ids *ids, uint64_t k, sito_buf *out);
void job_ids_free(job_ids *ids);

/* Output of the last step of every job: kept and rejected lines of one
 * shard, with the counters. */
typedef struct job_out {
    sito_writer *kept, *rejects;
    sito_stats *stats;
    sito_buf line;
} job_out;

int job_out_open(const sito_dedup_job *j, int shard, job_out *o, sito_stats *stats,
                 char *err, size_t errlen);
/* Writes d unchanged, or with `insert` (JSON members, no braces) spliced
 * into its metadata object (created when absent). */
int job_out_keep(job_out *o, const job_doc *d, const char *insert, size_t ilen);
/* Writes d to the rejects with `insert` spliced into its metadata and
 * counts the filter. */
int job_out_reject(job_out *o, const job_doc *d, const char *filter, const char *insert,
                   size_t ilen);
int job_out_commit(job_out *o, char *err, size_t errlen);
void job_out_abort(job_out *o);

/* Saves and adds up the counters of last-step tasks. */
int job_save_stats(const sito_dedup_job *j, int shard, const sito_stats *s);

/* The filter step of one shard: opens its kept and rejected outputs into
 * out, passes every document to fn (which writes each through out),
 * commits, lets extra (when not NULL) add to the shard's counters, saves
 * them and adds them to stats.  On failure nothing is left under a final
 * name. */
int job_filter_shard(const sito_dedup_job *j, int shard, job_out *out, job_doc_fn fn, void *ctx,
                     void (*extra)(const sito_dedup_job *j, sito_stats *s), sito_stats *stats,
                     char *err, size_t errlen);

/* Splices members into the object value at span obj of line (obj inside
 * line) and appends the result to out. */
int job_splice_object(sito_str line, sito_str obj, const char *members, size_t mlen,
                      sito_buf *out);

/* The steps of each kind. */
int exact_task(sito_dedup_job *j, int step, int task, sito_stats *st, char *err, size_t errlen);
int minhash_task(sito_dedup_job *j, int step, int task, sito_stats *st, char *err, size_t errlen);
int lines_task(sito_dedup_job *j, int step, int task, sito_stats *st, char *err, size_t errlen);

#endif
