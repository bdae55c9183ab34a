/*
 * sito.h — the public API of libsito: web crawls in, clean text corpora out.
 *
 * This header is the manual.  Every function says what it returns and what
 * it does on error.  The library never prints and never exits: functions
 * return a status (or NULL) and the caller decides.  There is no global
 * mutable state: everything lives in objects a thread owns, so two
 * pipelines can run in one process.
 *
 * The flow (see docs/design.md): source -> reader -> decode -> extract ->
 * annotate -> decide -> dedup -> writer.  One document record (sito_doc)
 * travels the whole way; its memory comes from an arena that is reset after
 * the writer is done with it.
 */
#ifndef SITO_H
#define SITO_H

#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SITO_VERSION "0.1.0"

/* ------------------------------------------------------------------ status */

/* Result of every fallible call.  SITO_OK is 0; all errors are negative. */
typedef enum sito_status {
    SITO_OK = 0,
    SITO_EOF = 1,          /* no more items (not an error) */
    SITO_ERR_NOMEM = -1,   /* an allocation failed */
    SITO_ERR_IO = -2,      /* read/write/open failed: see errno */
    SITO_ERR_FORMAT = -3,  /* the input is not in the expected format */
    SITO_ERR_ARG = -4,     /* a bad argument or configuration value */
    SITO_ERR_LIMIT = -5,   /* a configured size limit was exceeded */
} sito_status;

/* A short English description of a status ("out of memory", ...). */
const char *sito_status_str(int status);

/* ------------------------------------------------------------- string view */

/* A view of bytes owned by someone else (an arena, a reader's buffer).
 * Not NUL-terminated unless stated. */
typedef struct sito_str {
    const char *ptr;
    size_t len;
} sito_str;

/* ------------------------------------------------------------------- arena */

/* A bump allocator.  Allocation is a pointer increment; everything is
 * released at once by sito_arena_reset (keeps the first block for reuse)
 * or sito_arena_free.  Not thread-safe: one arena per thread. */
typedef struct sito_arena sito_arena;

/* A new arena whose blocks are at least block_size bytes (0: 1 MiB).
 * NULL when out of memory. */
sito_arena *sito_arena_new(size_t block_size);

/* n bytes aligned to 16, or NULL when out of memory.  Requests larger than
 * the block size get a block of their own. */
void *sito_arena_alloc(sito_arena *a, size_t n);

/* A copy of n bytes plus a terminating NUL, or NULL when out of memory. */
char *sito_arena_memdup(sito_arena *a, const void *p, size_t n);

/* Releases every allocation; keeps one block so the next document does not
 * call malloc again. */
void sito_arena_reset(sito_arena *a);

/* Bytes handed out since the last reset (for the per-document memory
 * bound). */
size_t sito_arena_used(const sito_arena *a);

void sito_arena_free(sito_arena *a);

/* ------------------------------------------------------- growable buffer */

/* A heap byte buffer for output that grows (JSON lines, decoded bodies). */
typedef struct sito_buf {
    char *ptr;
    size_t len, cap;
} sito_buf;

/* Makes room for n more bytes.  SITO_OK or SITO_ERR_NOMEM. */
int sito_buf_reserve(sito_buf *b, size_t n);
/* Appends n bytes.  SITO_OK or SITO_ERR_NOMEM (b unchanged). */
int sito_buf_append(sito_buf *b, const void *p, size_t n);
void sito_buf_free(sito_buf *b);

/* ----------------------------------------------------------------- signals */

/* Numeric per-document signals: a fixed table, indexed by this enum, so a
 * signal costs an array slot and never a hash lookup.  Names (as written in
 * metadata.signals) come from sito_signal_name.  The definitions are in
 * docs/signals.md. */
typedef enum sito_signal {
    /* language id */
    SITO_SIG_LANG_SCORE,
    SITO_SIG_PARAGRAPHS,             /* paragraphs (non-empty lines) */
    SITO_SIG_PARA_OTHER_LANG_FRAC,   /* chars in paragraphs whose language
                                        differs from the document's */
    /* Gopher quality */
    SITO_SIG_GOPHER_WORD_COUNT,
    SITO_SIG_GOPHER_MEAN_WORD_LENGTH,
    SITO_SIG_GOPHER_HASH_RATIO,
    SITO_SIG_GOPHER_ELLIPSIS_RATIO,
    SITO_SIG_GOPHER_BULLET_LINES_FRAC,
    SITO_SIG_GOPHER_ELLIPSIS_LINES_FRAC,
    SITO_SIG_GOPHER_ALPHA_WORDS_FRAC,
    SITO_SIG_GOPHER_STOP_WORDS,
    /* Gopher repetition */
    SITO_SIG_DUP_LINE_FRAC,
    SITO_SIG_DUP_PARA_FRAC,
    SITO_SIG_DUP_LINE_CHAR_FRAC,
    SITO_SIG_DUP_PARA_CHAR_FRAC,
    SITO_SIG_TOP_2GRAM_FRAC,
    SITO_SIG_TOP_3GRAM_FRAC,
    SITO_SIG_TOP_4GRAM_FRAC,
    SITO_SIG_DUP_5GRAM_FRAC,
    SITO_SIG_DUP_6GRAM_FRAC,
    SITO_SIG_DUP_7GRAM_FRAC,
    SITO_SIG_DUP_8GRAM_FRAC,
    SITO_SIG_DUP_9GRAM_FRAC,
    SITO_SIG_DUP_10GRAM_FRAC,
    /* C4 */
    SITO_SIG_C4_LINES_KEPT_FRAC,
    SITO_SIG_C4_LOREM_IPSUM,
    SITO_SIG_C4_CURLY_BRACKET,
    SITO_SIG_C4_SENTENCES,
    SITO_SIG_C4_JAVASCRIPT_LINES,
    SITO_SIG_C4_POLICY_LINES,
    /* FineWeb */
    SITO_SIG_FW_LINE_PUNCT_FRAC,
    SITO_SIG_FW_SHORT_LINE_FRAC,
    SITO_SIG_FW_DUP_LINE_CHAR_FRAC,
    SITO_SIG_FW_NEWLINE_WORD_RATIO,
    /* PII and URL */
    SITO_SIG_PII_EMAILS,
    SITO_SIG_PII_IPS,
    /* extraction */
    SITO_SIG_EXTRACT_TEXT_FRAC,      /* text bytes / HTML bytes */
    SITO_SIG_CHARSET_REPLACEMENTS,   /* U+FFFD inserted while decoding */
    /* deduplication */
    SITO_SIG_DEDUP_LINES_REMOVED_FRAC, /* text bytes in lines removed as
                                          repeated across hosts */
    SITO_SIG_COUNT
} sito_signal;

/* The snake_case name of a signal ("gopher_word_count"); NULL when out of
 * range. */
const char *sito_signal_name(int sig);
/* The signal with that name, or -1. */
int sito_signal_by_name(const char *name, size_t len);

/* ------------------------------------------------------------------ errors */

/* Named, counted input errors.  Bad input is normal: each occurrence is
 * counted in sito_stats.errors and the record is skipped; nothing read
 * correctly before or after it is lost. */
typedef enum sito_error {
    SITO_E_EMPTY_INPUT,          /* zero-length input file */
    SITO_E_NOT_WARC,             /* no WARC record found anywhere */
    SITO_E_GZIP_CORRUPT,         /* a gzip member failed to inflate */
    SITO_E_GZIP_TRUNCATED,       /* the data ended inside a gzip member */
    SITO_E_GZIP_GARBAGE,         /* bytes between members that are not gzip */
    SITO_E_BYTES_OUTSIDE_RECORD, /* bytes skipped looking for "WARC/" */
    SITO_E_HEADER_TRUNCATED,     /* header block cut off or too long */
    SITO_E_HEADER_INTERRUPTED,   /* header block cut by the next record */
    SITO_E_HEADER_DAMAGED,       /* decompression damage inside a header */
    SITO_E_BAD_CONTENT_LENGTH,   /* missing or invalid Content-Length */
    SITO_E_BODY_TRUNCATED,       /* data ends before Content-Length */
    SITO_E_BODY_DAMAGED,         /* decompression damage inside the body */
    SITO_E_LENGTH_MISMATCH,      /* no record end where Content-Length says */
    SITO_E_RECORD_TOO_LARGE,     /* body larger than the configured limit */
    SITO_E_HEADER_WARNING,       /* intact record with a header defect */
    SITO_E_HTTP_MALFORMED,       /* response without a usable HTTP head */
    SITO_E_HTTP_CHUNKED,         /* broken chunked transfer encoding */
    SITO_E_HTTP_ENCODING,        /* content encoding failed to decode */
    SITO_E_HTTP_ENCODING_UNSUPPORTED, /* content encoding we cannot decode */
    SITO_E_JSONL_MALFORMED,      /* a JSONL line that is not a document */
    SITO_E_INVALID_UTF8,         /* invalid UTF-8 replaced by U+FFFD */
    SITO_E_DOC_TOO_LARGE,        /* document over the size limit, skipped */
    SITO_E_COUNT
} sito_error;

/* The snake_case name of an error ("gzip_corrupt"); NULL when out of
 * range. */
const char *sito_error_name(int err);

/* ------------------------------------------------------------ record types */

typedef enum sito_record_type {
    SITO_REC_WARCINFO,
    SITO_REC_RESPONSE,
    SITO_REC_RESOURCE,
    SITO_REC_REQUEST,
    SITO_REC_METADATA,
    SITO_REC_REVISIT,
    SITO_REC_CONVERSION,
    SITO_REC_CONTINUATION,
    SITO_REC_OTHER,     /* any other WARC-Type, or none */
    SITO_REC_COUNT
} sito_record_type;

/* The WARC-Type string for a record type ("response"); "other" for
 * SITO_REC_OTHER. */
const char *sito_record_type_name(int type);

/* ------------------------------------------------------------------- stats */

#define SITO_MAX_STAGES 16
#define SITO_MAX_FILTERS 32
#define SITO_MAX_COUNTERS 16

/* Every counter of a task or a job.  Plain numbers, so stats of tasks are
 * merged by sito_stats_merge and written by sito_stats_write_json. */
typedef struct sito_stats {
    uint64_t records[SITO_REC_COUNT];      /* intact records by WARC-Type */
    uint64_t records_malformed;
    uint64_t errors[SITO_E_COUNT];
    uint64_t bytes_in;          /* input bytes as stored (compressed) */
    uint64_t bytes_decoded;     /* input bytes after decompression */
    uint64_t bytes_out;         /* compressed bytes written (kept+rejects) */
    uint64_t text_bytes_out;    /* UTF-8 text bytes of kept documents */
    uint64_t docs_in;           /* documents that entered the pipeline */
    uint64_t docs_kept;
    uint64_t docs_rejected;
    uint64_t docs_skipped;      /* not documents: empty text, non-HTML ... */
    uint64_t inputs;            /* input files read */
    double seconds_total;
    int n_stages;
    struct {
        char name[32];
        double seconds;
        uint64_t docs;
    } stages[SITO_MAX_STAGES];
    int n_filters;
    struct {
        char name[40];
        uint64_t rejected;
    } filters[SITO_MAX_FILTERS];
    int n_counters;             /* named counters of one job kind (dedup's
                                 * spilled sort runs, clustering path) */
    struct {
        char name[40];
        uint64_t value;
    } counters[SITO_MAX_COUNTERS];
} sito_stats;

/* Adds a rejection by the filter called name. */
void sito_stats_count_filter(sito_stats *s, const char *name);
/* Adds v to the named counter (created at 0 when absent). */
void sito_stats_add_counter(sito_stats *s, const char *name, uint64_t v);
/* Adds every counter of src into dst (stages and filters by name). */
void sito_stats_merge(sito_stats *dst, const sito_stats *src);
/* Writes s as one JSON object (pretty, newline-terminated).  SITO_OK or
 * SITO_ERR_IO. */
int sito_stats_write_json(const sito_stats *s, FILE *f);
/* Writes s as JSON to path whole or not at all: through a temporary file
 * (path.tmp.PID) renamed into place; with durable, flushed to disk
 * (fsync) before the rename.  SITO_OK or SITO_ERR_IO (errno set). */
int sito_stats_save_json(const sito_stats *s, const char *path, int durable);
/* Reads back what sito_stats_write_json wrote.  SITO_OK, SITO_ERR_IO or
 * SITO_ERR_FORMAT. */
int sito_stats_read_json(sito_stats *s, const char *path);

/* --------------------------------------------------------------- documents */

/* The language of one paragraph (one line of text). */
typedef struct sito_para_lang {
    uint32_t start, len;   /* byte range of the paragraph in doc->text */
    char lang[8];          /* fastText label without __label__ */
    float score;
} sito_para_lang;

/* One document, from its source record to its output line.  Every string is
 * a view into the document's arena or the reader's buffer, valid until the
 * document is reset.  A stage that makes a new string allocates it from
 * doc->arena. */
typedef struct sito_doc {
    sito_arena *arena;

    /* where it came from */
    sito_str id;            /* WARC-Record-ID, or the JSONL id */
    sito_str url;           /* WARC-Target-URI (angle brackets removed) */
    sito_str date;          /* WARC-Date */
    sito_str source;        /* input file name (metadata.warc_file) */
    uint64_t offset;        /* record offset in the input (gzip member
                               start for per-record gzip) */
    int record_type;        /* sito_record_type, or -1 for non-WARC input */

    /* the raw payload (HTTP body after transfer/content decoding), if any */
    sito_str raw;
    sito_str content_type;  /* media type, lower case, no parameters */
    sito_str http_charset;  /* charset= of the HTTP Content-Type */
    int http_status;        /* 0 when not HTTP */

    /* what extraction and annotation make */
    sito_str text;          /* the UTF-8 text; the output "text" */
    sito_str title;
    sito_str html_lang;     /* <html lang> */
    sito_str canonical;     /* <link rel=canonical> */
    sito_str pub_date;      /* publication date found in the page */
    sito_str charset;       /* charset the page was decoded from */
    sito_str lang;          /* fastText label, "" if not identified */
    float lang_score;
    sito_para_lang *paras;  /* per-paragraph languages (arena) */
    uint32_t n_paras;

    /* signals: value and whether it was computed */
    double signals[SITO_SIG_COUNT];
    uint64_t signals_set;   /* bit i: signals[i] was computed */

    /* JSONL input: the input's "metadata" object, passed through */
    sito_str in_metadata;

    /* the decision */
    const char *filter;     /* NULL: kept; else the rejecting filter */
    double filter_value;    /* the value that failed */
    int skip;               /* not a document at all: not written */
} sito_doc;

/* Sets a signal and marks it computed. */
static inline void sito_doc_set_signal(sito_doc *d, int sig, double v)
{
    d->signals[sig] = v;
    d->signals_set |= (uint64_t)1 << sig;
}

/* Clears every field and resets the arena. */
void sito_doc_reset(sito_doc *d);

/* ------------------------------------------------------ stages, pipelines */

/* A stage: a small struct of function pointers plus its own state.
 * process() looks at or changes one document; it may set doc->filter (a
 * rejection: the document goes to the rejects sink) or doc->skip (not a
 * document: nothing is written).  Later stages do not see rejected or
 * skipped documents, except stages with see_rejected set (writers).
 * process() returns SITO_OK, or an error that stops the task. */
typedef struct sito_stage sito_stage;
struct sito_stage {
    const char *name;
    void *state;
    int see_rejected;
    int (*process)(sito_stage *st, sito_doc *doc, sito_stats *stats);
    int (*finish)(sito_stage *st, sito_stats *stats);   /* may be NULL */
    void (*destroy)(sito_stage *st);                    /* may be NULL */
};

/* A pipeline: an ordered array of stages, owned by one thread. */
typedef struct sito_pipeline {
    sito_stage stages[SITO_MAX_STAGES];
    int n;
    int timing;     /* measure seconds per stage into stats */
} sito_pipeline;

/* Appends a stage.  SITO_OK, or SITO_ERR_LIMIT when full (the stage is then
 * destroyed). */
int sito_pipeline_add(sito_pipeline *p, sito_stage st);
/* Runs doc through every stage.  SITO_OK or the first stage error. */
int sito_pipeline_process(sito_pipeline *p, sito_doc *doc, sito_stats *stats);
/* Calls every stage's finish().  The first error, or SITO_OK. */
int sito_pipeline_finish(sito_pipeline *p, sito_stats *stats);
/* Destroys every stage; p may be reused after. */
void sito_pipeline_destroy(sito_pipeline *p);

/* -------------------------------------------------------------- WARC input */

/* One WARC record as the reader frames it.  Views point into the reader's
 * buffer and stay valid until the next sito_warc_next call. */
typedef struct sito_warc_record {
    int type;               /* sito_record_type */
    sito_str type_name;     /* WARC-Type as written */
    sito_str version;       /* "WARC/1.0" */
    sito_str header;        /* the header block, after the version line */
    sito_str body;          /* Content-Length bytes (may be clipped: see
                               body_clipped) */
    uint64_t offset;        /* gzip member offset, or byte offset (plain) */
    uint64_t content_length;
    int body_clipped;       /* body over the limit: only the first
                               max_record bytes are in body */
    int warned;             /* intact, with a header defect */
} sito_warc_record;

typedef struct sito_warc_reader sito_warc_reader;

/* Options of a WARC reader.  Zero means the default. */
typedef struct sito_warc_options {
    size_t max_record;      /* bodies kept in memory up to this many bytes
                               (default 64 MiB); longer ones are read past,
                               counted as record_too_large and returned
                               clipped */
} sito_warc_options;

/* Opens a WARC/WET/WAT file, plain or gzip (per-record members or one
 * whole-file member: detected from the magic bytes, not the name).  Errors
 * met while reading are counted into stats (kept by pointer: stats must
 * outlive the reader).  NULL on failure with *status set (SITO_ERR_IO with
 * errno, SITO_ERR_NOMEM). */
sito_warc_reader *sito_warc_open(const char *path, const sito_warc_options *opt,
                                 sito_stats *stats, int *status);

/* The same over an open file descriptor, which the reader then owns. */
sito_warc_reader *sito_warc_open_fd(int fd, const sito_warc_options *opt,
                                    sito_stats *stats, int *status);

/* The next intact record.  SITO_OK with *rec filled, SITO_EOF at the end,
 * SITO_ERR_IO when reading failed (the reader is then at EOF),
 * SITO_ERR_NOMEM.  Damaged records are counted and skipped, never
 * returned. */
int sito_warc_next(sito_warc_reader *r, sito_warc_record *rec);

/* Input bytes consumed so far (compressed), for progress. */
uint64_t sito_warc_tell(const sito_warc_reader *r);
/* Whether the file is gzip-compressed. */
int sito_warc_is_gzip(const sito_warc_reader *r);
/* Intact records returned so far. */
int sito_warc_records_seen(const sito_warc_reader *r);

void sito_warc_close(sito_warc_reader *r);

/* The value of the named header field in a header block (case-insensitive
 * name), trimmed.  SITO_OK with *val set, or SITO_EOF when absent.  With
 * repeated fields, the first. */
int sito_header_get(sito_str header, const char *name, sito_str *val);

/* ------------------------------------------------------------------- HTTP */

/* A parsed HTTP response: views into the record body. */
typedef struct sito_http {
    int status;
    sito_str header;        /* header lines after the status line */
    sito_str payload;       /* the body as stored (maybe encoded) */
    sito_str content_type;  /* media type, without parameters */
    sito_str charset;       /* charset= parameter, may be empty */
} sito_http;

/* Parses the HTTP head of a WARC response body.  SITO_OK, or
 * SITO_ERR_FORMAT when there is no status line and header block. */
int sito_http_parse(sito_str body, sito_http *h);

/* Undoes Transfer-Encoding: chunked and Content-Encoding (gzip, x-gzip,
 * deflate, br, zstd, identity) of h->payload.  Common Crawl's
 * X-Crawler-* headers are ignored (CC stores payloads decoded).  The
 * decoded payload goes to *out (arena memory, or h->payload itself when
 * nothing was encoded).  SITO_OK; on failure a sito_error code is stored in
 * *err and SITO_ERR_FORMAT is returned; *out then holds nothing usable.
 * Decoding stops with SITO_ERR_LIMIT past max_out bytes. */
int sito_http_decode(const sito_http *h, sito_arena *a, size_t max_out,
                     sito_str *out, int *err);

/* ------------------------------------------------------------ JSONL output */

/* A JSONL.zst writer that writes to PATH.tmp.<pid> and renames to PATH on
 * sito_writer_commit, so that a killed writer never leaves a file under the
 * final name. */
typedef struct sito_writer sito_writer;

/* Opens a writer for path (zstd level: 0 for the default, 3).  NULL with
 * *status set on failure. */
sito_writer *sito_writer_open(const char *path, int level, int *status);
/* Writes one line (bytes without the newline; the writer adds it). */
int sito_writer_line(sito_writer *w, const char *line, size_t len);
/* Compressed bytes written so far. */
uint64_t sito_writer_bytes(const sito_writer *w);
/* Finishes the zstd frame, fsyncs, renames to the final name, frees w.
 * The file's size is stored in *bytes when bytes is not NULL.  SITO_OK or
 * SITO_ERR_IO (the temporary file is then removed). */
int sito_writer_commit(sito_writer *w, uint64_t *bytes);
/* Removes the temporary file and frees w. */
void sito_writer_abort(sito_writer *w);

/* Appends the output JSON line of doc to b: {"id","text","metadata":{...}}.
 * with_signals adds metadata.signals; rejected documents carry
 * metadata.filter and metadata.filter_value.  Invalid UTF-8 anywhere is
 * written as U+FFFD so every line is valid JSON in UTF-8. */
int sito_doc_to_json(const sito_doc *d, int with_signals, sito_buf *b);

/* Appends s to b as a JSON string literal (quotes included), replacing
 * invalid UTF-8 with U+FFFD.  Returns the number of replacements, or
 * SITO_ERR_NOMEM. */
int sito_json_string(sito_buf *b, const char *s, size_t n);

/* ------------------------------------------------------------- tasks, jobs */

/* What the run pipeline does; zero values are the defaults.  The shared
 * read-only objects (model, configuration, block list) are loaded once by
 * the caller and shared by every task and thread; they must outlive the
 * tasks. */
typedef struct sito_quality_config sito_quality_config;
typedef struct sito_url_blocklist sito_url_blocklist;
typedef struct sito_langid_model sito_langid_model;
typedef struct sito_run_options {
    int annotate_only;      /* keep every document, write all signals */
    int with_signals;       /* write metadata.signals for kept documents */
    int keep_pii;           /* do not replace e-mail and IP addresses */
    size_t max_record;      /* see sito_warc_options */
    int zstd_level;
    const char *model_path;     /* fastText model; NULL: no language id */
    const char *config_path;    /* filter thresholds (YAML); NULL: built in */
    const char *blocklist_path; /* URL block list; NULL: no URL filter */
    /* Loaded from the paths by sito_run_options_load, or set by the caller;
     * read-only, shared by every task and thread of a process. */
    const sito_langid_model *model;
    const sito_quality_config *quality;
    const sito_url_blocklist *blocklist;
    unsigned owned;             /* which of the three the options own */
} sito_run_options;

/* Loads the model, configuration and block list named by the paths into
 * the pointers that are still NULL (the configuration always: the
 * compiled-in defaults when config_path is NULL).  SITO_OK, or an error
 * with a one-line message naming the file in err. */
int sito_run_options_load(sito_run_options *o, char *err, size_t errlen);
/* Frees what sito_run_options_load loaded and clears those pointers. */
void sito_run_options_free(sito_run_options *o);

/* One task: one input shard through the run pipeline into
 * OUTDIR/<shard>.jsonl.zst and OUTDIR/rejects/<shard>.jsonl.zst.  The input
 * format is detected: WARC/WET (plain or gzip), JSONL (.jsonl, .jsonl.gz,
 * .jsonl.zst), or a single HTML/text file.  The outputs are written under
 * temporary names and renamed when complete.  Counters go into stats.
 * progress, when not NULL, is called now and then with the input bytes
 * done.  SITO_OK, or an error (the output then does not exist under its
 * final name).  errbuf receives a one-line message naming the file. */
typedef void (*sito_progress_fn)(void *ctx, uint64_t bytes_done,
                                 uint64_t docs_done);
int sito_task_run(const sito_run_options *opt, const char *input,
                  const char *outdir, sito_stats *stats,
                  sito_progress_fn progress, void *progress_ctx,
                  char *errbuf, size_t errlen);

/* The shard name of an input path: its base name without one compression
 * suffix (.gz .zst .bz2) and then one format suffix (.warc .jsonl .json
 * .html .htm .txt): "X.warc.gz" -> "X", "X.warc.wet.gz" -> "X.warc.wet".
 * Written to out. */
void sito_shard_name(const char *input, char *out, size_t outlen);

/* ----------------------------------------------- language id (src/lang/) */

/* fastText inference in C: sito reads a fastText model (.ftz with a
 * product-quantized input matrix, or a plain .bin) and computes the same
 * predictions as `fasttext predict-prob` of fastText 0.9.2, without linking
 * fastText.  A loaded model is read-only and may be shared by any number of
 * threads; each thread predicts with its own sito_langid_ctx.  The details
 * (tokenization, hashing, hierarchical softmax) are in docs/langid.md. */
typedef struct sito_langid_model sito_langid_model;
typedef struct sito_langid_ctx sito_langid_ctx;

/* One predicted label.  The strings point into the model and stay valid
 * until the model is freed; both are NUL-terminated. */
typedef struct sito_langid_result {
    sito_str label;     /* the model's label, e.g. "__label__pl" */
    sito_str lang;      /* the label without "__label__", e.g. "pl" */
    float prob;         /* as fastText prints it: may exceed 1 by ~1e-4 */
} sito_langid_result;

/* Loads a supervised fastText model from path (the file is read once and
 * not kept open).  Every field is checked: on failure returns NULL, sets
 * *status (when status is not NULL) and writes a one-line message naming
 * the file and, for format errors, the byte offset into err (when err is
 * not NULL and errlen > 0):
 *   SITO_ERR_IO      the file cannot be opened or read (errno kept);
 *   SITO_ERR_FORMAT  wrong magic, version above 12, not a supervised model,
 *                    truncated file, or sizes that disagree (a matrix
 *                    smaller than the dictionary needs, a pruned n-gram
 *                    index pointing past the matrix, trailing bytes ...);
 *   SITO_ERR_LIMIT   the model would need implausibly much memory;
 *   SITO_ERR_NOMEM   an allocation failed. */
sito_langid_model *sito_langid_load(const char *path, char *err, size_t errlen,
                                    int *status);

/* Frees a model (NULL is fine).  No context or result of it may be used
 * afterwards. */
void sito_langid_free(sito_langid_model *m);

/* Number of labels of the model (the largest useful k). */
int sito_langid_labels(const sito_langid_model *m);

/* Per-thread scratch for predictions with model m (a few KB).  NULL when
 * out of memory.  A context may only be used with the model it was made
 * for, by one thread at a time. */
sito_langid_ctx *sito_langid_ctx_new(const sito_langid_model *m);
void sito_langid_ctx_free(sito_langid_ctx *c);

/* Predicts the k most likely labels of text (len bytes, any bytes; no NUL
 * needed), with probability >= threshold, best first, into out[0..k-1].
 * text is read as one line, as the fastText Python binding does: '\n'
 * counts as a space, and the end-of-sentence token </s> is added at the
 * end.  As in fastText, a literal "</s>" word also ends the line: the text
 * after it is ignored.  Labels whose probability is below 1e-5 are never
 * returned, so fewer than k results are normal.  Returns the number of
 * results (0..k), or SITO_ERR_ARG when m, c, out is NULL or k < 1, or
 * SITO_ERR_NOMEM (only for models with word n-grams, wordNgrams > 1, whose
 * per-line buffer could not grow).  No allocation happens per call
 * otherwise. */
int sito_langid_predict(const sito_langid_model *m, sito_langid_ctx *c,
                        const char *text, size_t len, int k, float threshold,
                        sito_langid_result *out);

/* Exactly what the fastText CLI (`predict-prob`) does for the next line of
 * a stream whose remaining bytes are text[0..len): tokens are read up to
 * and including a '\n' (which gives </s>) or a literal "</s>" word; when
 * the data ends first, no </s> is added (fastText's last line without a
 * newline).  *consumed receives the bytes read (> 0 when len > 0); call
 * again on the rest.  Returns the number of results as
 * sito_langid_predict does (0 means fastText prints an empty line). */
int sito_langid_predict_stream(const sito_langid_model *m, sito_langid_ctx *c,
                               const char *text, size_t len, int k,
                               float threshold, sito_langid_result *out,
                               size_t *consumed);

/* The "langid" stage: predicts the document's language from the whole
 * doc->text (newlines read as spaces, as datatrove does) into doc->lang
 * (the label without "__label__", a view into the model) and
 * doc->lang_score, and sets SITO_SIG_LANG_SCORE.  It also predicts each
 * paragraph (a line of doc->text with at least one non-blank byte) into
 * doc->paras / doc->n_paras (arena memory) and sets SITO_SIG_PARAGRAPHS and
 * SITO_SIG_PARA_OTHER_LANG_FRAC: the characters (UTF-8 code points) of
 * paragraphs whose top language differs from the document's, divided by
 * the characters of all paragraphs (0 when there are none).  A document
 * whose text gives no prediction gets lang "" and score 0.  m must outlive
 * the stage; the stage owns a context, so it belongs to one thread.
 * SITO_OK, SITO_ERR_ARG (m or out NULL) or SITO_ERR_NOMEM.  process()
 * fails only with SITO_ERR_NOMEM (arena exhausted). */
int sito_langid_stage(sito_stage *out, const sito_langid_model *m);

/* ------------------------------------- charset and HTML (src/html/) */

/* charset: bytes in any encoding -> UTF-8 (src/html/charset.c,
 * docs/charset.md).  The encoding is decided in this order: byte-order
 * mark, HTTP charset, <meta> prescan of the first 1024 bytes (WHATWG),
 * <?xml encoding?>, statistical detection (uchardet), windows-1252.  A
 * declaration that the bytes plainly contradict (UTF-8 declared, not
 * UTF-8; a legacy charset declared, bytes valid multi-byte UTF-8) is
 * overruled by detection. */

/* Per-thread decoder state: cached iconv descriptors, byte tables of
 * single-byte charsets, the detector.  Not thread-safe: one per thread. */
typedef struct sito_charset_ctx sito_charset_ctx;

/* NULL when out of memory. */
sito_charset_ctx *sito_charset_ctx_new(void);
void sito_charset_ctx_free(sito_charset_ctx *cx);

/* Where the decision came from (sito_charset_source_name: "bom", "http",
 * "meta", "xml", "detected", "default"). */
typedef enum sito_charset_source {
    SITO_CHARSET_BOM,
    SITO_CHARSET_HTTP,
    SITO_CHARSET_META,
    SITO_CHARSET_XML,
    SITO_CHARSET_DETECTED,
    SITO_CHARSET_DEFAULT,
} sito_charset_source;
const char *sito_charset_source_name(int source);

typedef struct sito_charset_result {
    sito_str text;          /* UTF-8, NUL-terminated (text.ptr[text.len]
                               is 0 unless copied is 0: then a view of the
                               input, BOM excluded) */
    const char *charset;    /* canonical name ("UTF-8", "windows-1251",
                               "Shift_JIS"; WHATWG names where there is
                               one), static storage */
    int source;             /* sito_charset_source */
    int copied;             /* text is a new arena string */
    uint64_t replacements;  /* U+FFFD inserted for undecodable bytes */
} sito_charset_result;

/* Decodes raw[0..len) to UTF-8.  http_charset is the charset= of the HTTP
 * Content-Type (may be empty).  Valid UTF-8 comes back as a view without a
 * copy; anything else is converted into arena a.  Undecodable bytes become
 * U+FFFD and are counted; nothing is dropped.  SITO_OK, SITO_ERR_NOMEM,
 * or SITO_ERR_FORMAT if iconv fails other than on bad input (then *out is
 * empty). */
int sito_charset_to_utf8(sito_charset_ctx *cx, const char *raw, size_t len,
                         sito_str http_charset, sito_arena *a,
                         sito_charset_result *out);

/* Decodes raw as the encoding label names, without detection (a BOM still
 * wins, as in the WHATWG "decode").  SITO_ERR_ARG for an unknown label,
 * else as sito_charset_to_utf8 (source is "http" or "bom"). */
int sito_charset_decode(sito_charset_ctx *cx, const char *label, size_t label_len,
                        const char *raw, size_t len, sito_arena *a,
                        sito_charset_result *out);

/* The WHATWG "get an encoding": the canonical name of a label ("latin1" ->
 * "windows-1252", "gb2312" -> "GBK"), case-insensitive, surrounding
 * whitespace ignored; a few labels WHATWG lacks but iconv decodes (ibm852,
 * utf-32, johab, ...) are accepted too.  NULL when unknown. */
const char *sito_charset_canonical(const char *label, size_t len);

/* The WHATWG prescan for <meta charset> / <meta http-equiv content> in the
 * first 1024 bytes (comments, quoting and attributes as the standard
 * says).  The canonical name, or NULL when nothing usable is declared. */
const char *sito_charset_prescan(const char *raw, size_t len);

/* A pipeline stage: for text/html, application/xhtml+xml and text/plain
 * documents, replaces doc->raw by its UTF-8 decoding, sets doc->charset
 * and the charset_replacements signal, and counts documents with
 * replacements in errors[SITO_E_INVALID_UTF8].  Its process() fails only
 * when out of memory.  SITO_OK or SITO_ERR_NOMEM. */
int sito_charset_stage(sito_stage *out);

/* 1 when s[0..n) is valid UTF-8 (ASCII skipped a word at a time). */
int sito_utf8_valid(const char *s, size_t n);

/* Copies s[0..n) to dst replacing each maximal invalid subpart by U+FFFD.
 * dst must hold 3*n bytes.  Returns the bytes written; *replacements (may
 * be NULL) receives the count. */
size_t sito_utf8_sanitize(char *dst, const char *s, size_t n,
                          size_t *replacements);

/* (HTML: declared by the HTML module) */
/* Main-content extraction from one HTML page.  The input is taken as UTF-8
 * (convert other charsets first); invalid UTF-8 never crashes and comes out
 * as U+FFFD.  Any bytes are accepted: parsing is one pass, memory is
 * bounded by the page size (nodes, attributes and depth are capped; past
 * the caps the rest of the page is ignored). */
typedef struct sito_extract_result {
    sito_str text;       /* the article: one line per paragraph, heading,
                            list item or table row (cells tab-separated);
                            "" when the page has no text */
    sito_str title;      /* og:title, else <title>; "" if none */
    sito_str lang;       /* <html lang> as written; "" if none */
    sito_str canonical;  /* <link rel=canonical href>, else og:url */
    sito_str date;       /* publication date as the page writes it
                            (article:published_time, datePublished, ...) */
} sito_extract_result;

/* Extracts the main text and metadata of html[0..len).  Every string of
 * *out is NUL-terminated and lives in arena a (views into html for none).
 * SITO_OK, or SITO_ERR_NOMEM (then *out holds empty strings). */
int sito_extract_html(const char *html, size_t len, sito_arena *a, sito_extract_result *out);

/* The extraction stage ("extract"): for each document with doc->raw set and
 * content_type text/html or application/xhtml+xml (or empty: sniffed as
 * HTML when raw starts with '<' after whitespace) it sets doc->text, title,
 * html_lang, canonical and pub_date and the signal extract_text_frac.
 * Documents without raw but with text (WET, JSONL) pass unchanged.  Other
 * documents, and pages whose main text is empty, get doc->skip = 1 and are
 * counted in stats->docs_skipped.  doc->raw must already be UTF-8
 * (the charset stage runs before).  SITO_OK, or SITO_ERR_NOMEM. */
int sito_extract_stage(sito_stage *out);

/* ----------------------------------------- quality signals (src/quality/) */

/* Quality signals and filters: the Gopher quality and repetition, C4 and
 * FineWeb rules of datatrove, with per-language thresholds (docs/filters.md
 * defines every signal and lists the thresholds).  Signals are computed once
 * per document into doc->signals; filters only read signals, so decisions
 * can be replayed from annotated JSONL (`sito filter`). */

/* Per-language thresholds and options.  Immutable once loaded: one config
 * may be shared by the stages of many threads. */
/* (sito_quality_config is declared with sito_run_options above.) */

/* The compiled-in defaults ("en": FineWeb, "pl": FineWeb-2 pol_Latn; "en"
 * for documents with no or an unknown language), overridden and extended
 * by the YAML file at path when path is not NULL (format: config/filters.yaml
 * and docs/filters.md).  NULL on error, with a one-line message naming the
 * file, line and key in err. */
sito_quality_config *sito_quality_config_load(const char *path, char *err, size_t errlen);
void sito_quality_config_free(sito_quality_config *cfg);

/* The name of the config section used for a language label ("pl",
 * "__label__pl", "pl_Latn"; NULL or "" for none). */
const char *sito_quality_config_lang(const sito_quality_config *cfg, const char *lang);

/* The quality stage: computes every quality signal of the document (using
 * the section of doc->lang), then, unless annotate_only, applies the
 * section's filters in its order.  A rejected document gets doc->filter =
 * "<filter>:<rule>" (e.g. "gopher_repetition:dup_line_frac", a static
 * string) and doc->filter_value = the failing signal, and is counted in
 * stats->filters by the writer.  When the section keeps C4's lines (modify_text, as
 * FineWeb does), a kept document's text becomes those lines (arena memory).
 * cfg must outlive the stage.  SITO_OK, SITO_ERR_ARG or SITO_ERR_NOMEM. */
int sito_quality_stage(sito_stage *out, const sito_quality_config *cfg, int annotate_only);

/* Applies only the decisions to the signals already in doc->signals (and
 * doc->lang, doc->lang_score).  Returns 1 and sets doc->filter and
 * doc->filter_value when a filter rejects, else 0. */
int sito_quality_decide(const sito_quality_config *cfg, sito_doc *doc);

/* PII replacement as datatrove's PIIFormatter: e-mail addresses and public
 * IPv4 addresses (the same regular expressions, Python's is_global) are
 * replaced by the replacement strings in turn; counts go to the signals
 * pii_emails and pii_ips.  Zero values mean the defaults. */
typedef struct sito_pii_options {
    int keep_emails;               /* do not replace e-mail addresses */
    int keep_ips;                  /* do not replace IP addresses */
    int replace_private_ips;       /* also replace non-global IPv4 */
    const char *const *email_replacements; /* NULL-terminated list, or NULL:
                                      "email@example.com",
                                      "firstname.lastname@example.org" */
    const char *const *ip_replacements;    /* NULL-terminated, or NULL: the
                                      six datatrove placeholders
                                      "22.214.171.124" ... */
} sito_pii_options;

/* The PII stage (opt may be NULL).  The replacement strings are copied.
 * The new text is allocated from doc->arena.  SITO_OK or an error. */
int sito_pii_stage(sito_stage *out, const sito_pii_options *opt);

/* Replaces PII in text (n bytes) into out (appended).  *emails and *ips
 * receive the counts of replaced addresses; turn[0] (e-mails) and turn[1]
 * (IPs) carry the rotation of replacement strings from call to call, as
 * datatrove's replacers do (start with {0, 0}).  SITO_OK or
 * SITO_ERR_NOMEM. */
int sito_pii_replace(const sito_pii_options *opt, const char *text, size_t n, sito_buf *out,
                     int *emails, int *ips, unsigned turn[2]);

/* A URL block list, read from a user's file (none is bundled).  One entry a
 * line, '#' starts a comment: "example.com" blocks that domain and its
 * subdomains; "word:casino" blocks URLs with that word (URL split on
 * non-alphanumerics, case-insensitive); "url:http://..." blocks one exact
 * URL.  NULL on error with a one-line message in err. */
sito_url_blocklist *sito_url_blocklist_load(const char *path, char *err, size_t errlen);
void sito_url_blocklist_free(sito_url_blocklist *bl);
/* Whether url is blocked: 0, or 1 with *why set to "domain", "word" or
 * "url" (static strings). */
int sito_url_blocked(const sito_url_blocklist *bl, const char *url, size_t n, const char **why);

/* The URL filter stage: rejects documents whose doc->url is blocked with
 * doc->filter = "url" (filter_value 1).  bl must
 * outlive the stage. */
int sito_url_filter_stage(sito_stage *out, const sito_url_blocklist *bl);

/* ---------------------------------------------- executors (src/exec/) */

/* A job is a list of steps run in order over one job directory DIR.  A
 * step is N independent tasks; task i of a step handles the inputs i, i+N,
 * i+2N, ... of the step's input list sorted by path (strcmp), so the
 * assignment is stable for the same inputs and N.  Kinds of step:
 *   run      each input through sito_task_run into DIR/<shard>.jsonl.zst
 *            and DIR/rejects/<shard>.jsonl.zst;
 *   command  a shell command (/bin/sh -c) run once per task, for steps that
 *            read an earlier step's files (dedup).  Placeholders, replaced
 *            by shell-quoted words: {task} (0-based), {tasks} (N), {dir}
 *            (DIR), {inputs} (the task's inputs), {shards} (their shard
 *            names, see sito_shard_name), {sito} (the program running
 *            the task, from /proc/self/exe), {stats} (the task's stats file:
 *            a command may write its counters there with
 *            sito_stats_write_json; they are merged like a run task's).
 *            Exit status 0 means done.
 * Layout of DIR: job.json (the whole job: steps, inputs, task counts,
 * options — a job is fully described by it), completions/task-NNNNN (an
 * empty marker: the task finished), stats/task-NNNNN.json (its counters),
 * logs/task-NNNNN.log (appended by every attempt), stats.json (merged over
 * the run steps), slurm/ (sbatch scripts and the submission record).  The
 * first step uses these names; a later step called NAME uses
 * completions/NAME/, stats/NAME/ and logs/NAME/.
 * A finished task writes its outputs (by rename), then its stats, then its
 * marker; a rerun skips tasks whose marker exists.  Saving a job whose
 * description differs from an existing DIR/job.json (other inputs, task
 * count or options) is refused while any marker exists. */
typedef struct sito_job sito_job;

#define SITO_JOB_MAX_STEPS 16
#define SITO_EXEC_STOPPED 2   /* not an error: stopped on request */

enum { SITO_STEP_RUN, SITO_STEP_COMMAND };

/* A new, empty job over the directory dir (not created yet).  NULL when
 * out of memory. */
sito_job *sito_job_new(const char *dir);
/* Appends a step.  name: [A-Za-z0-9_-], unique in the job.  inputs are
 * made absolute and sorted; for a run step each must be readable and
 * shard names must not collide.  n_tasks 0 means one task per input;
 * more tasks than inputs is refused.  command is the template of a
 * command step (NULL for run steps); opt the options of a run step (NULL
 * for command steps; model_path is made absolute).  SITO_OK, or
 * SITO_ERR_ARG / SITO_ERR_IO / SITO_ERR_LIMIT with a message in err. */
int sito_job_add_step(sito_job *j, int kind, const char *name, const sito_run_options *opt,
                      const char *command, const char *const *inputs, size_t n_inputs,
                      int n_tasks, char *err, size_t errlen);
/* Creates DIR and its subdirectories and writes DIR/job.json, or checks an
 * existing one (see above).  SITO_OK, SITO_ERR_ARG (another job with
 * finished tasks) or SITO_ERR_IO, with a message in err. */
int sito_job_save(sito_job *j, char *err, size_t errlen);
/* Loads a job from its job.json.  NULL with a message in err. */
sito_job *sito_job_load(const char *job_file, char *err, size_t errlen);
void sito_job_free(sito_job *j);

const char *sito_job_dir(const sito_job *j);
int sito_job_steps(const sito_job *j);
const char *sito_job_step_name(const sito_job *j, int step);
int sito_job_step_kind(const sito_job *j, int step);
int sito_job_step_tasks(const sito_job *j, int step);
/* Inputs of a task of a step, in order: fills up to max, returns how many
 * the task has. */
size_t sito_job_task_inputs(const sito_job *j, int step, int task, const char **out, size_t max);

/* What the markers and the task's log say about a task. */
typedef enum sito_task_state {
    SITO_TASK_MISSING,   /* never started (no log) */
    SITO_TASK_STARTED,   /* its last attempt started and did not finish:
                            running now, or killed */
    SITO_TASK_FAILED,    /* its last attempt failed or was stopped */
    SITO_TASK_DONE,      /* completion marker present */
} sito_task_state;
int sito_job_task_state(const sito_job *j, int step, int task);
/* The paths of a task's log, marker and stats file (NUL-terminated,
 * truncated to n bytes). */
void sito_job_task_path(const sito_job *j, int step, int task, const char *what, char *out,
                        size_t n);

/* Controls for one task run: progress (cumulative input bytes and
 * documents of the task) and a stop request checked between inputs and,
 * for command steps, while the command runs (it then gets SIGTERM). */
typedef struct sito_task_ctl {
    sito_progress_fn progress;
    void *progress_ctx;
    int (*stop)(void *ctx);
    void *stop_ctx;
} sito_task_ctl;

/* Runs one task unless its marker exists (then SITO_OK at once, *skipped
 * set when skipped is not NULL).  Appends start/done/failed lines to the
 * task's log.  SITO_OK, SITO_EXEC_STOPPED, or the error of the failing
 * input or command with a message in err. */
int sito_job_run_task(const sito_job *j, int step, int task, const sito_task_ctl *ctl,
                      int *skipped, char *err, size_t errlen);

/* Merges stats/task-*.json of every run step (and those command tasks
 * wrote) into *out and writes
 * DIR/stats.json (by rename).  SITO_OK, SITO_ERR_FORMAT (a task's stats
 * is missing or unreadable: named in err) or SITO_ERR_IO. */
int sito_job_merge_stats(const sito_job *j, sito_stats *out, char *err, size_t errlen);

/* Progress of a running job, for a progress line. */
typedef struct sito_job_progress {
    int step, n_steps;
    const char *step_name;
    int tasks_total, tasks_done, tasks_failed, tasks_running;
    uint64_t bytes_total, bytes_done, docs_done;
    double seconds;
} sito_job_progress;

/* The local executor: every step in order, its unfinished tasks on a pool
 * of worker threads (each task has its own pipeline and arena).  A step
 * starts when every task of the previous one is done. */
typedef struct sito_local_options {
    int workers;                        /* 0: every online core */
    int first_task, last_task;          /* a task range of every step;
                                           last_task < 0: all */
    int only_step;                      /* -1: all steps, else just this */
    const volatile sig_atomic_t *stop;  /* set non-zero (e.g. by a signal
                                           handler) to stop: no new task
                                           starts, running ones stop at
                                           their next input */
    void (*progress)(void *ctx, const sito_job_progress *p);  /* from the
                                           calling thread, ~5 times/s */
    void *progress_ctx;
} sito_local_options;

typedef struct sito_job_result {
    int tasks_total, tasks_done, tasks_skipped, tasks_failed;
    int stopped;             /* stopped on request */
    int failed_step, failed_task;   /* the first failure, -1 if none */
    char failed_msg[512];
} sito_job_result;

/* Runs the job locally.  SITO_OK when every task ran (see r for failures
 * and stops), or an error starting workers. */
int sito_exec_local(const sito_job *j, const sito_local_options *o, sito_job_result *r);

/* The Slurm executor: one sbatch script per step (DIR/slurm/), submitted
 * as a job array with --requeue, each element running `SITO task
 * DIR/job.json --step S --task-range A-B` on tasks_per_job tasks; a step
 * depends on the previous one with --dependency=afterok; arrays larger
 * than MaxArraySize are split; a last single job merges stats.  Only
 * unfinished tasks are submitted. */
typedef struct sito_slurm_options {
    const char *sito_path;      /* absolute path of the sito program */
    const char *partition, *time, *mem;   /* NULL: Slurm's defaults */
    int cpus_per_task;          /* 0: 1 */
    int tasks_per_job;          /* tasks per array element; 0: 1 */
    int max_array_size;         /* 0: MaxArraySize of scontrol show config */
    int hold;                   /* submit the first array held */
} sito_slurm_options;

typedef struct sito_slurm_result {
    int tasks_pending;          /* unfinished tasks submitted */
    int arrays;                 /* job arrays submitted */
    char job_ids[256];          /* space-separated Slurm job ids */
} sito_slurm_result;

/* Writes the scripts and submits them with sbatch.  With every task done,
 * submits nothing (r->tasks_pending 0).  Refuses (SITO_ERR_ARG) while
 * jobs of an earlier submission for DIR are still queued.  SITO_OK or an
 * error with a message in err (sbatch's own message included). */
int sito_exec_slurm(const sito_job *j, const sito_slurm_options *o, sito_slurm_result *r,
                    char *err, size_t errlen);

/* Calls fn for every queued or running array element of DIR's Slurm jobs
 * (squeue), with each task it covers.  SITO_OK, or SITO_ERR_IO when
 * squeue cannot run. */
int sito_slurm_queue(const sito_job *j,
                     void (*fn)(void *ctx, int step, int task, const char *job_id,
                                const char *state),
                     void *ctx);

/* ---------------------------------------------- deduplication (src/dedup/) */

/* Text simplification, the normal form that near-duplicate and repeated-line
 * detection compare (datatrove's simplify_text): lower case, Unicode
 * whitespace runs become one space, punctuation (datatrove's list) and
 * control characters are deleted, NFD with combining marks (Mn) dropped,
 * each run of decimal digits becomes "0".  Flags switch steps off or change
 * them; 0 means the datatrove default. */
enum {
    SITO_SIMPLIFY_KEEP_CASE = 1,
    SITO_SIMPLIFY_KEEP_DIGITS = 2,
    SITO_SIMPLIFY_KEEP_PUNCT = 4,
    SITO_SIMPLIFY_KEEP_MARKS = 8,
    SITO_SIMPLIFY_PUNCT_SPACE = 16, /* punctuation separates words instead
                                       of being deleted ("a.b" -> "a b") */
};

/* Writes the simplified form of s[0..n) to out (replacing its content):
 * words separated by exactly one space, none at either end, not
 * NUL-terminated.  Invalid UTF-8 bytes count as U+FFFD.  SITO_OK or
 * SITO_ERR_NOMEM. */
int sito_simplify(const char *s, size_t n, int flags, sito_buf *out);

/* MinHash parameters; sito_minhash_defaults gives datatrove's: 5-word
 * shingles hashed with XXH64 (seed 0) over the words joined by one space,
 * 14 bands x 8 rows, permutations h -> ((a*h + b) mod 2^64) mod (2^61-1)
 * with a, b drawn like numpy.random.RandomState(seed).randint, seed 1. */
typedef struct sito_minhash_params {
    int ngram;          /* words per shingle (1..32) */
    int bands;          /* LSH bands (1..64) */
    int rows;           /* hashes per band (1..32) */
    uint32_t seed;      /* permutation seed */
    int simplify_flags; /* SITO_SIMPLIFY_* */
} sito_minhash_params;

void sito_minhash_defaults(sito_minhash_params *p);

/* A signature computer: parameters, permutations and reusable buffers (no
 * allocation per shingle; buffers grow to the largest document).  One per
 * thread. */
typedef struct sito_minhash sito_minhash;

/* NULL with *status set: SITO_ERR_ARG for parameters out of range,
 * SITO_ERR_NOMEM. */
sito_minhash *sito_minhash_new(const sito_minhash_params *p, int *status);
void sito_minhash_free(sito_minhash *m);

/* The shingle hashes of a text (one per word n-gram of its simplified form,
 * repeats included), valid until the next call on m.  Returns the count (0
 * when the text has fewer than ngram words) or SITO_ERR_NOMEM. */
long sito_minhash_shingles(sito_minhash *m, const char *text, size_t len,
                           const uint64_t **hashes);

/* The bands*rows MinHash values of a text into sig.  Returns the number of
 * shingles: 0 means too few words, and sig is then not a signature (such a
 * document is never a near-duplicate).  SITO_ERR_NOMEM on failure. */
long sito_minhash_signature(sito_minhash *m, const char *text, size_t len,
                            uint64_t *sig);

/* The bucket key of one band of a signature: XXH3-64 of its rows values. */
uint64_t sito_minhash_band_key(const sito_minhash *m, const uint64_t *sig,
                               int band);

/* The fraction of equal values of two full signatures (bands*rows values
 * each): an estimate of the Jaccard similarity of the two shingle sets,
 * used by --verify to drop candidate pairs of dissimilar documents. */
double sito_minhash_similarity(const sito_minhash *m, const uint64_t *a,
                               const uint64_t *b);

/* The permutation coefficients (bands*rows each), for tests. */
const uint64_t *sito_minhash_coeff_a(const sito_minhash *m);
const uint64_t *sito_minhash_coeff_b(const sito_minhash *m);

/* Exact-duplicate normal forms. */
enum {
    SITO_EXACT_NORM_NONE,   /* the text's bytes as they are */
    SITO_EXACT_NORM_SPACE,  /* whitespace runs -> one space, trimmed */
    SITO_EXACT_NORM_SIMPLIFY, /* sito_simplify with flags 0 */
};

/* XXH3-128 of the normal form of text into out[0] (high 64 bits) and out[1]
 * (low).  scratch is a reusable buffer.  SITO_OK or SITO_ERR_NOMEM. */
int sito_exact_hash(const char *text, size_t len, int norm, sito_buf *scratch,
                    uint64_t out[2]);

/* A deduplication job: a few steps over all input shards, each step a list
 * of independent tasks that exchange files under OUTDIR/work/.  Every task
 * writes its files under temporary names, renames them, then leaves a
 * completion marker OUTDIR/work/done/S<step>-<task>; a rerun skips marked
 * tasks.  The last step writes OUTDIR/<shard>.jsonl.zst (kept) and
 * OUTDIR/rejects/<shard>.jsonl.zst.  Inputs are JSONL documents (.jsonl,
 * .jsonl.gz, .jsonl.zst) with "id", "text" and optional "metadata".
 *
 * Which duplicate survives is deterministic: the first by input order
 * (shard index as given, then line number).
 *
 *   exact:   S0 hash (per shard), S1 group (1 task), S2 filter (per shard)
 *   minhash: S0 signatures (per shard), S1 buckets (per band),
 *            S2 clusters (1 task), S3 filter (per shard)
 *   lines:   S0 line hashes (per shard), S1 count hosts (per partition),
 *            S2 filter (per shard) */
enum { SITO_DEDUP_EXACT, SITO_DEDUP_MINHASH, SITO_DEDUP_LINES };

typedef struct sito_dedup_options {
    int kind;                   /* SITO_DEDUP_* */
    sito_minhash_params minhash;
    int exact_norm;             /* SITO_EXACT_NORM_*, default SPACE */
    int line_max_hosts;         /* lines on more distinct hosts than this
                                   are removed (default 5) */
    int line_partitions;        /* hash partitions of the lines job (16) */
    size_t mem_limit;           /* bytes of sort buffer per task (256 MiB);
                                   past it sorted runs spill to disk */
    int zstd_level;             /* output level (0: 3) */
    double minhash_verify;      /* minhash: keep a candidate pair only when
                                   this fraction of the full signatures is
                                   equal (0: off, datatrove's behaviour) */
} sito_dedup_options;

/* Fills o with the defaults for kind. */
void sito_dedup_defaults(sito_dedup_options *o, int kind);

typedef struct sito_dedup_job sito_dedup_job;

/* A job over n inputs into outdir (created).  NULL on a bad option, two
 * inputs with the same shard name, or an unwritable outdir, with a
 * one-line message in err. */
sito_dedup_job *sito_dedup_job_new(const sito_dedup_options *o,
                                   const char *const *inputs, int n,
                                   const char *outdir, char *err,
                                   size_t errlen);
void sito_dedup_job_free(sito_dedup_job *j);

int sito_dedup_steps(const sito_dedup_job *j);
/* Tasks of a step (depends on inputs, bands, partitions). */
int sito_dedup_tasks(const sito_dedup_job *j, int step);
/* A short name of the step ("signatures"). */
const char *sito_dedup_step_name(const sito_dedup_job *j, int step);

/* Runs one task if it has no completion marker, then writes the marker.
 * Tasks of one step may run concurrently (threads or processes); a step
 * needs every task of the previous steps done.  Counters are added to
 * stats (only the last step counts documents).  SITO_OK, or an error with
 * a message naming the file in err. */
int sito_dedup_task_run(sito_dedup_job *j, int step, int task,
                        sito_stats *stats, char *err, size_t errlen);
/* Whether the task's completion marker exists. */
int sito_dedup_task_done(const sito_dedup_job *j, int step, int task);

/* The document counters of a finished job (sum of the last step's tasks,
 * read back from their saved counters, so a resumed job reports all
 * shards).  SITO_OK or SITO_ERR_IO. */
int sito_dedup_job_stats(const sito_dedup_job *j, sito_stats *stats);
/* The same for one task of the last step (task i is shard i): its saved
 * counters added to stats.  SITO_OK, SITO_ERR_ARG or SITO_ERR_IO (the task
 * has not finished). */
int sito_dedup_task_stats(const sito_dedup_job *j, int task, sito_stats *stats);

/* Runs every step in order on `threads` threads (tasks of a step in
 * parallel), skipping finished tasks, and writes OUTDIR/stats.json.  The
 * first error stops the job. */
int sito_dedup_run_local(sito_dedup_job *j, int threads, sito_stats *stats,
                         char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
#endif /* SITO_H */
