/*
 * json.h — a small JSON reader for one line at a time (JSONL input, stats
 * files, annotated documents).  It works on views: values are located, not
 * built into trees; strings are decoded into an arena only when asked.
 * Every function checks bounds and fails on malformed input.
 */
#ifndef SITO_UTIL_JSON_H
#define SITO_UTIL_JSON_H

#include "sito.h"

/* Skips one JSON value starting at *p (after whitespace).  On success *p
 * points just past it and 0 is returned; -1 on malformed input.  Nesting
 * deeper than 512 is malformed. */
int json_skip_value(const char **p, const char *end);

/* The raw text of the member `key` of the object `obj` (a view of an
 * object's text, "{...}").  0 when found, 1 when absent, -1 when obj is
 * malformed. */
int json_object_get(sito_str obj, const char *key, sito_str *value);

/* Iterates the members of an object: *it starts at 0; each call gives the
 * next raw key (with quotes) and raw value.  1 for a member, 0 at the end,
 * -1 when malformed. */
int json_object_next(sito_str obj, size_t *it, sito_str *key, sito_str *value);

/* Decodes a raw JSON string (with quotes) into arena memory, NUL-terminated.
 * Escapes are resolved; \u surrogate pairs are joined; a lone surrogate
 * becomes U+FFFD.  0 or -1 (not a string, or out of memory). */
int json_string_decode(sito_str raw, sito_arena *a, sito_str *out);

/* Parses a raw JSON number.  0 or -1. */
int json_number(sito_str raw, double *out);

#endif
