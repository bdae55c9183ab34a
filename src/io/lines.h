/*
 * lines.h — line reader over plain, gzip or zstd files (detected from the
 * magic bytes).  Lines are views valid until the next call.
 */
#ifndef SITO_IO_LINES_H
#define SITO_IO_LINES_H

#include "sito.h"

typedef struct line_reader line_reader;

/* The line was longer than max_line: it was skipped whole. */
#define LINE_SKIPPED 2

/* Opens path; max_line 0 means 256 MiB.  NULL with *status on failure. */
line_reader *line_reader_open(const char *path, size_t max_line, int *status);
/* The next line without its '\n': SITO_OK, LINE_SKIPPED (a too long line
 * was passed over; *too_long is set), SITO_EOF, or SITO_ERR_IO /
 * SITO_ERR_NOMEM. */
int line_reader_next(line_reader *r, sito_str *line, int *too_long);
/* Compressed input bytes consumed so far. */
uint64_t line_reader_tell(const line_reader *r);
void line_reader_close(line_reader *r);

#endif
