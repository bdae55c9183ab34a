/*
 * extsort.h — sorting fixed-size records of 64-bit words in bounded memory:
 * an in-memory buffer that spills sorted runs to disk when full and merges
 * them back, plus a k-way merging reader over already-sorted record files.
 * The one thing to know: records compare as tuples of native uint64 words,
 * word 0 first; files hold records in native byte order (the work files
 * are never moved between machines of different endianness).
 */
#ifndef SITO_DEDUP_EXTSORT_H
#define SITO_DEDUP_EXTSORT_H

#include "sito.h"

#include <stdio.h>

#define DEDUP_MAX_WORDS 4

/* Sorts n records of `words` words in place (no allocation). */
void dedup_sort_records(uint64_t *recs, size_t n, int words);

/* -- external sorter -- */
typedef struct dedup_sorter dedup_sorter;

/* A sorter of records of `words` words (1..4) using at most about
 * mem_limit bytes (at least 64 KiB is used); runs go to files in tmpdir.
 * NULL with *status set. */
dedup_sorter *dedup_sorter_new(int words, size_t mem_limit, const char *tmpdir,
                               int *status);
/* Adds one record.  SITO_OK, SITO_ERR_IO (a spill failed), SITO_ERR_ARG
 * after finish. */
int dedup_sorter_add(dedup_sorter *s, const uint64_t *rec);
/* Ends input; after it dedup_sorter_next returns records in order. */
int dedup_sorter_finish(dedup_sorter *s);
/* The next record (valid until the next call): SITO_OK, SITO_EOF, or
 * SITO_ERR_IO. */
int dedup_sorter_next(dedup_sorter *s, const uint64_t **rec);
/* Sorted runs written to disk so far (0: everything fit in memory). */
int dedup_sorter_runs(const dedup_sorter *s);
/* Frees the sorter and removes its run files. */
void dedup_sorter_free(dedup_sorter *s);

/* -- merging reader over sorted files -- */
typedef struct dedup_merge dedup_merge;

/* Opens n sorted record files (missing files are an error: SITO_ERR_IO).
 * Each gets a read buffer of buf_bytes (0: 64 KiB).  A file whose size is
 * not a whole number of records is SITO_ERR_FORMAT. */
dedup_merge *dedup_merge_open(int words, const char *const *paths, int n,
                              size_t buf_bytes, int *status);
/* The smallest remaining record and the index of its file; equal records
 * come in file order.  SITO_OK, SITO_EOF, SITO_ERR_IO. */
int dedup_merge_next(dedup_merge *m, const uint64_t **rec, int *src);
void dedup_merge_close(dedup_merge *m);

/* -- record files -- */

/* Writes n records to path via path.tmp and a rename.  SITO_OK or
 * SITO_ERR_IO. */
int dedup_write_records(const char *path, const uint64_t *recs, size_t n, int words);

/* A record file written record by record under <path>.tmp and renamed to
 * <path> by dedup_file_close when all went well, so a killed task leaves
 * no final-named file.  A write error is kept: later puts do nothing and
 * close reports it. */
typedef struct dedup_file {
    FILE *f;
    int st;
    char path[4200], tmp[4300];
} dedup_file;
/* SITO_OK, or SITO_ERR_IO when the file cannot be created. */
int dedup_file_open(dedup_file *w, const char *path);
/* Writes one record of `words` words.  SITO_OK, or the kept error. */
int dedup_file_put(dedup_file *w, const uint64_t *rec, int words);
/* Closes: renames into place when st (the caller's status: SITO_OK, or
 * SITO_EOF when its input ran out) and every write and the close succeeded,
 * else removes the temporary file.  Returns SITO_OK or the first error.
 * Closing a file that was never opened or is closed already keeps the
 * caller's error. */
int dedup_file_close(dedup_file *w, int st);

/* Drains a finished sorter into a record file through dedup_file. */
int dedup_sorter_drain(dedup_sorter *s, int words, const char *path);

/* Reads a whole record file into a malloc'ed array (*n records).  A missing
 * file is SITO_ERR_IO; a partial record SITO_ERR_FORMAT. */
int dedup_read_records(const char *path, int words, uint64_t **recs, size_t *n);

#endif
