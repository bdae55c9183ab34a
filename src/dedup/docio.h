/*
 * docio.h — what the dedup jobs need of JSONL documents beyond main's line
 * reader (io/lines.h) and writer (sito_writer_*): a JSON scanner that finds
 * "id", "text", "metadata" (and metadata.url, metadata.signals) as byte
 * spans so a kept line can be passed through with a key spliced in.  The
 * one thing to know: lines are never re-serialized except the fields we
 * change, so every other field survives byte for byte.
 */
#ifndef SITO_DEDUP_DOCIO_H
#define SITO_DEDUP_DOCIO_H

#include "sito.h"

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
