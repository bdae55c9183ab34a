/*
 * docio.h — what the dedup jobs need of JSONL documents: a line reader for
 * .jsonl / .jsonl.gz / .jsonl.zst, a .jsonl.zst writer that commits by
 * rename, and a JSON scanner that finds "id", "text", "metadata" (and
 * metadata.url, metadata.signals) as byte spans so a kept line can be
 * passed through with a key spliced in.  The one thing to know: lines are
 * never re-serialized except the fields we change, so every other field
 * survives byte for byte.  (Stands in until main's JSONL reader/writer can
 * be used; the formats are the same.)
 */
#ifndef SITO_DEDUP_DOCIO_H
#define SITO_DEDUP_DOCIO_H

#include "sito.h"

typedef struct dedup_reader dedup_reader;

/* Opens path; the compression is detected from the magic bytes.  NULL with
 * *status (SITO_ERR_IO, SITO_ERR_NOMEM). */
dedup_reader *dedup_reader_open(const char *path, int *status);
/* The next line without its newline (valid until the next call).  SITO_OK,
 * SITO_EOF, SITO_ERR_IO, SITO_ERR_FORMAT (corrupt compressed data). */
int dedup_reader_line(dedup_reader *r, sito_str *line);
/* Compressed bytes read so far. */
uint64_t dedup_reader_bytes(const dedup_reader *r);
void dedup_reader_close(dedup_reader *r);

typedef struct dedup_writer dedup_writer;

/* Writes path.tmp.<pid>; commit renames it to path. */
dedup_writer *dedup_writer_open(const char *path, int level, int *status);
int dedup_writer_line(dedup_writer *w, const char *line, size_t len);
uint64_t dedup_writer_bytes(const dedup_writer *w);
int dedup_writer_commit(dedup_writer *w);
void dedup_writer_abort(dedup_writer *w);

/* The spans of one JSONL document line. */
typedef struct dedup_json_doc {
    sito_str id;        /* the string value with quotes; empty if absent */
    sito_str text;      /* with quotes; empty if absent */
    sito_str metadata;  /* the object {...}; empty if absent */
    sito_str url;       /* metadata.url or top-level url, with quotes */
    sito_str signals;   /* metadata.signals object */
    size_t close;       /* offset of the final '}' of the line */
} dedup_json_doc;

/* Scans one line.  SITO_OK, or SITO_ERR_FORMAT when it is not a JSON
 * object or "text" is missing or not a string. */
int dedup_json_scan(const char *line, size_t len, dedup_json_doc *d);

/* Appends the value of a JSON string literal (quotes included in q) to out,
 * unescaped; bad escapes become U+FFFD.  SITO_OK or SITO_ERR_NOMEM. */
int dedup_json_unescape(sito_str q, sito_buf *out);

/* Appends s as a JSON string literal (with quotes) to out. */
int dedup_json_escape(const char *s, size_t n, sito_buf *out);

#endif
