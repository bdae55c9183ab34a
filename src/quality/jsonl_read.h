/*
 * jsonl_read.h — reading annotated JSONL documents for `sito signals` and
 * `sito filter`: lines from a plain, gzip or zstd file (detected from the
 * magic bytes) or stdin, and a line into a sito_doc (id, text, url, lang,
 * lang_score, signals).  Private to the quality module until a shared
 * JSONL reader lands; the JSON itself is read with util/json.h.
 */
#ifndef SITO_QUALITY_JSONL_READ_H
#define SITO_QUALITY_JSONL_READ_H

#include "sito.h"

typedef struct q_line_reader q_line_reader;

/* Opens path ("-": stdin).  NULL with a message naming the file in err. */
q_line_reader *q_lines_open(const char *path, char *err, size_t errlen);
/* The next line without its newline (a view valid until the next call).
 * SITO_OK, SITO_EOF, SITO_ERR_IO, SITO_ERR_FORMAT (corrupt compressed
 * data) or SITO_ERR_NOMEM. */
int q_lines_next(q_line_reader *r, sito_str *line);
/* Line number of the last line returned (1-based). */
uint64_t q_lines_number(const q_line_reader *r);
void q_lines_close(q_line_reader *r);

/* Fills d (which has an arena) from one datatrove-layout JSONL line:
 * {"id", "text", "metadata": {"url", "lang" or "language", "lang_score" or
 * "language_score", "signals": {...}}}.  Unknown signal names are ignored.
 * SITO_OK, SITO_ERR_FORMAT (not a JSON object with a string "text") or
 * SITO_ERR_NOMEM. */
int q_doc_from_jsonl(sito_str line, sito_doc *d);

#endif
