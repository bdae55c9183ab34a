/*
 * task.c — one task: one input shard through the run pipeline into one
 * output shard.  Records become documents here (WARC conversion records
 * carry text, response/resource records carry an HTML payload for the
 * extraction stage, JSONL lines carry text); the stages decide; the writer
 * stage sends each document to the kept or the rejects file.  Outputs are
 * renamed into place only when the whole input was read.
 */
#include "sito.h"
#include "io/lines.h"
#include "task_stages.h"
#include "util/json.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_MAX_RECORD ((size_t)64 << 20)

enum { IN_WARC, IN_JSONL, IN_FILE };

static void set_err(char *buf, size_t len, const char *fmt, ...)
{
    if (!buf || !len)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, len, fmt, ap);
    va_end(ap);
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static int ends_with(const char *s, size_t n, const char *suf)
{
    size_t m = strlen(suf);
    return n >= m && memcmp(s + n - m, suf, m) == 0;
}

void sito_shard_name(const char *input, char *out, size_t outlen)
{
    const char *b = base_name(input);
    size_t n = strlen(b);
    /* one compression suffix, then one format suffix: "x.warc.gz" -> "x",
     * "x.warc.wet.gz" -> "x.warc.wet" (a WET never collides with its WARC) */
    static const char *const packed[] = {".gz", ".zst", ".bz2"};
    static const char *const formats[] = {".warc", ".jsonl", ".json", ".html", ".htm", ".txt"};
    for (size_t i = 0; i < sizeof packed / sizeof packed[0]; i++)
        if (ends_with(b, n, packed[i]) && n > strlen(packed[i])) {
            n -= strlen(packed[i]);
            break;
        }
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (ends_with(b, n, formats[i]) && n > strlen(formats[i])) {
            n -= strlen(formats[i]);
            break;
        }
    if (n >= outlen)
        n = outlen - 1;
    memcpy(out, b, n);
    out[n] = 0;
}

/* JSONL when the name says so; WARC when the content starts like one
 * (after decompression the reader decides again); else a single file. */
static int input_kind(const char *path)
{
    const char *b = base_name(path);
    if (strstr(b, ".jsonl") || strstr(b, ".json"))
        return IN_JSONL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return IN_WARC; /* the open error is reported by the reader */
    unsigned char head[16] = {0};
    size_t n = fread(head, 1, sizeof head, f);
    fclose(f);
    if (n >= 2 && head[0] == 0x1f && head[1] == 0x8b) {
        /* a gzip file is a WARC when its content starts like one: a
         * gzipped HTML page ("x.html.gz") is a single document */
        gzFile g = gzopen(path, "rb");
        int got = g ? gzread(g, head, sizeof head) : -1;
        if (g)
            gzclose(g);
        n = got > 0 ? (size_t)got : 0;
        if (!n || strstr(b, ".warc") || strstr(b, ".wet") || strstr(b, ".wat"))
            return IN_WARC;
    }
    size_t i = 0;
    while (i < n && (head[i] == '\r' || head[i] == '\n'))
        i++;
    if (n - i >= 5 && memcmp(head + i, "WARC/", 5) == 0)
        return IN_WARC;
    if (strstr(b, ".warc") || strstr(b, ".wet") || strstr(b, ".wat"))
        return IN_WARC; /* counted as not_warc by the reader */
    return IN_FILE;
}

/* -------------------------------------------------------- the writer stage */

typedef struct {
    sito_writer *kept, *rejects;
    sito_buf line;
    int with_signals;
} writer_state;

static int writer_process(sito_stage *st, sito_doc *d, sito_stats *stats)
{
    writer_state *w = st->state;
    w->line.len = 0;
    if (sito_doc_to_json(d, w->with_signals || d->filter, &w->line))
        return SITO_ERR_NOMEM;
    if (d->filter) {
        stats->docs_rejected++;
        sito_stats_count_filter(stats, d->filter);
        return sito_writer_line(w->rejects, w->line.ptr, w->line.len);
    }
    stats->docs_kept++;
    stats->text_bytes_out += d->text.len;
    return sito_writer_line(w->kept, w->line.ptr, w->line.len);
}

/* ------------------------------------------------- records into documents */

static sito_str strip_angle(sito_str s)
{
    if (s.len >= 2 && s.ptr[0] == '<' && s.ptr[s.len - 1] == '>')
        return (sito_str){s.ptr + 1, s.len - 2};
    return s;
}

static sito_str lower_copy(sito_arena *a, sito_str s)
{
    char *p = sito_arena_alloc(a, s.len + 1);
    if (!p)
        return (sito_str){"", 0};
    for (size_t i = 0; i < s.len; i++) {
        char c = s.ptr[i];
        p[i] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
    }
    p[s.len] = 0;
    return (sito_str){p, s.len};
}

static int is_html_type(sito_str t)
{
    return (t.len == 9 && !memcmp(t.ptr, "text/html", 9)) ||
           (t.len == 21 && !memcmp(t.ptr, "application/xhtml+xml", 21));
}

/* Fills doc from a WARC record.  Returns 1 when it is a document. */
static int doc_from_record(sito_doc *d, const sito_warc_record *rec, sito_stats *stats,
                           size_t max_doc)
{
    sito_str v;
    if (rec->type != SITO_REC_CONVERSION && rec->type != SITO_REC_RESPONSE &&
        rec->type != SITO_REC_RESOURCE)
        return 0;
    if (rec->body_clipped)
        return 0; /* counted as record_too_large by the reader */
    d->record_type = rec->type;
    d->offset = rec->offset;
    if (sito_header_get(rec->header, "WARC-Record-ID", &v) == SITO_OK)
        d->id = v;
    if (sito_header_get(rec->header, "WARC-Target-URI", &v) == SITO_OK)
        d->url = strip_angle(v);
    if (sito_header_get(rec->header, "WARC-Date", &v) == SITO_OK)
        d->date = v;
    if (rec->type == SITO_REC_CONVERSION) {
        d->text = rec->body;
        return rec->body.len > 0;
    }
    if (rec->type == SITO_REC_RESOURCE) {
        if (sito_header_get(rec->header, "Content-Type", &v) == SITO_OK) {
            const char *semi = memchr(v.ptr, ';', v.len);
            sito_str t = {v.ptr, semi ? (size_t)(semi - v.ptr) : v.len};
            while (t.len && t.ptr[t.len - 1] == ' ')
                t.len--;
            d->content_type = lower_copy(d->arena, t);
        }
        d->raw = rec->body;
        return is_html_type(d->content_type);
    }
    sito_http h;
    if (sito_http_parse(rec->body, &h) != SITO_OK) {
        stats->errors[SITO_E_HTTP_MALFORMED]++;
        return 0;
    }
    d->http_status = h.status;
    d->content_type = lower_copy(d->arena, h.content_type);
    d->http_charset = h.charset;
    if (!d->content_type.len) {
        sito_str pt;
        if (sito_header_get(rec->header, "WARC-Identified-Payload-Type", &pt) == SITO_OK)
            d->content_type = lower_copy(d->arena, pt);
    }
    if (!is_html_type(d->content_type))
        return 0;
    int err = 0;
    int rc = sito_http_decode(&h, d->arena, max_doc, &d->raw, &err);
    if (rc != SITO_OK) {
        if (rc == SITO_ERR_NOMEM)
            return -1;
        stats->errors[err]++;
        return 0;
    }
    return 1;
}

/* Fills doc from a JSONL line in the datatrove layout.  1: a document,
 * 0: malformed (counted), -1: out of memory. */
static int doc_from_json(sito_doc *d, sito_str line, sito_stats *stats)
{
    sito_str v, md;
    while (line.len && (line.ptr[line.len - 1] == '\r' || line.ptr[line.len - 1] == ' '))
        line.len--;
    if (!line.len)
        return 0;
    if (json_object_get(line, "text", &v) != 0 || json_string_decode(v, d->arena, &d->text)) {
        stats->errors[SITO_E_JSONL_MALFORMED]++;
        return 0;
    }
    if (json_object_get(line, "id", &v) == 0) {
        if (v.len && v.ptr[0] == '"')
            json_string_decode(v, d->arena, &d->id);
        else
            d->id = v; /* numeric ids stay as written */
    }
    if (json_object_get(line, "metadata", &md) == 0 && md.len && md.ptr[0] == '{') {
        if (json_object_get(md, "url", &v) == 0)
            json_string_decode(v, d->arena, &d->url);
        if (json_object_get(md, "date", &v) == 0)
            json_string_decode(v, d->arena, &d->date);
        d->in_metadata = md;
    }
    return 1;
}

/* ------------------------------------------------------------------ task */

typedef struct {
    const sito_run_options *opt;
    sito_pipeline pipe;
    sito_doc doc;
    sito_stats *stats;
    sito_progress_fn progress;
    void *pctx;
    uint64_t docs;
    int file_docs; /* JSONL/file: not WARC */
} task_ctx;

static int run_doc(task_ctx *t)
{
    t->stats->docs_in++;
    int rc = sito_pipeline_process(&t->pipe, &t->doc, t->stats);
    if (t->doc.skip)
        t->stats->docs_skipped++;
    t->docs++;
    return rc;
}

static void tick(task_ctx *t, uint64_t bytes)
{
    if (t->progress && (t->docs & 255) == 0)
        t->progress(t->pctx, bytes, t->docs);
}

static int read_warc(task_ctx *t, const char *input, char *errbuf, size_t errlen)
{
    int status;
    sito_warc_options wo = {.max_record = t->opt->max_record};
    sito_warc_reader *r = sito_warc_open(input, &wo, t->stats, &status);
    if (!r) {
        set_err(errbuf, errlen, "%s: cannot read: %s", input,
                status == SITO_ERR_IO ? strerror(errno) : sito_status_str(status));
        return status;
    }
    sito_warc_record rec;
    int rc;
    size_t max_doc = t->opt->max_record ? t->opt->max_record : DEFAULT_MAX_RECORD;
    while ((rc = sito_warc_next(r, &rec)) == SITO_OK) {
        sito_doc_reset(&t->doc);
        t->doc.source = (sito_str){base_name(input), strlen(base_name(input))};
        int isdoc = doc_from_record(&t->doc, &rec, t->stats, max_doc);
        if (isdoc < 0) {
            rc = SITO_ERR_NOMEM;
            break;
        }
        if (!isdoc)
            continue;
        rc = run_doc(t);
        if (rc != SITO_OK)
            break;
        tick(t, sito_warc_tell(r));
    }
    if (!sito_warc_records_seen(r) && !t->stats->records_malformed &&
        t->stats->errors[SITO_E_BYTES_OUTSIDE_RECORD])
        t->stats->errors[SITO_E_NOT_WARC]++;
    if (t->progress)
        t->progress(t->pctx, sito_warc_tell(r), t->docs);
    sito_warc_close(r);
    if (rc == SITO_EOF)
        return SITO_OK;
    set_err(errbuf, errlen, "%s: %s", input, sito_status_str(rc));
    return rc;
}

static int read_jsonl(task_ctx *t, const char *input, char *errbuf, size_t errlen)
{
    int status;
    line_reader *lr = line_reader_open(input, t->opt->max_record ? t->opt->max_record : 0, &status);
    if (!lr) {
        set_err(errbuf, errlen, "%s: cannot read: %s", input,
                status == SITO_ERR_IO ? strerror(errno) : sito_status_str(status));
        return status;
    }
    struct stat st;
    if (stat(input, &st) == 0)
        t->stats->bytes_in += (uint64_t)st.st_size;
    sito_str line;
    int too_long, rc;
    uint64_t lineno = 0;
    while ((rc = line_reader_next(lr, &line, &too_long)) == SITO_OK || rc == LINE_SKIPPED) {
        lineno++;
        if (rc == LINE_SKIPPED) {
            t->stats->errors[SITO_E_DOC_TOO_LARGE]++;
            continue;
        }
        t->stats->bytes_decoded += line.len + 1;
        sito_doc_reset(&t->doc);
        t->doc.source = (sito_str){base_name(input), strlen(base_name(input))};
        t->doc.offset = lineno;
        int isdoc = doc_from_json(&t->doc, line, t->stats);
        if (isdoc < 0) {
            rc = SITO_ERR_NOMEM;
            break;
        }
        if (!isdoc)
            continue;
        rc = run_doc(t);
        if (rc != SITO_OK)
            break;
        tick(t, line_reader_tell(lr));
    }
    line_reader_close(lr);
    if (rc == SITO_EOF)
        return SITO_OK;
    set_err(errbuf, errlen, "%s: %s", input, sito_status_str(rc));
    return rc;
}

static int looks_like_html(const char *p, size_t n, const char *name)
{
    size_t len = strlen(name);
    if (ends_with(name, len, ".html") || ends_with(name, len, ".htm"))
        return 1;
    size_t lim = n < 1024 ? n : 1024;
    for (size_t i = 0; i < lim; i++) {
        if (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n')
            continue;
        return p[i] == '<';
    }
    return 0;
}

/* A single HTML or text file is one document: HTML goes to extraction,
 * text is the document's text as it is. */
static int read_file(task_ctx *t, const char *input, char *errbuf, size_t errlen)
{
    /* gzread passes an uncompressed file through as it is */
    gzFile f = gzopen(input, "rb");
    if (!f) {
        set_err(errbuf, errlen, "%s: cannot read: %s", input, strerror(errno));
        return SITO_ERR_IO;
    }
    sito_buf b = {0};
    char chunk[65536];
    int n;
    int rc = SITO_OK;
    while ((n = gzread(f, chunk, sizeof chunk)) > 0)
        if (sito_buf_append(&b, chunk, (size_t)n)) {
            rc = SITO_ERR_NOMEM;
            break;
        }
    int zerr = Z_OK;
    if (rc == SITO_OK)
        gzerror(f, &zerr); /* a cut stream ends with 0 bytes and Z_BUF_ERROR */
    if (zerr != Z_OK) {
        if (zerr == Z_ERRNO) {
            set_err(errbuf, errlen, "%s: read error: %s", input, strerror(errno));
            rc = SITO_ERR_IO;
        } else {
            /* damaged or cut gzip: counted, and what did inflate is kept */
            t->stats->errors[zerr == Z_BUF_ERROR ? SITO_E_GZIP_TRUNCATED : SITO_E_GZIP_CORRUPT]++;
        }
    }
    gzclose(f);
    if (rc != SITO_OK) {
        sito_buf_free(&b);
        return rc;
    }
    t->stats->bytes_in += b.len;
    t->stats->bytes_decoded += b.len;
    sito_doc_reset(&t->doc);
    size_t len = b.len; /* sito_buf_free zeroes b.len */
    char *copy = sito_arena_memdup(t->doc.arena, b.ptr ? b.ptr : "", len);
    sito_buf_free(&b);
    if (!copy)
        return SITO_ERR_NOMEM;
    const char *name = base_name(input);
    t->doc.source = (sito_str){name, strlen(name)};
    t->doc.id = t->doc.source;
    sito_str content = {copy, len};
    if (looks_like_html(copy, content.len, name)) {
        t->doc.raw = content;
        t->doc.content_type = (sito_str){"text/html", 9};
    } else {
        t->doc.text = content;
        t->doc.content_type = (sito_str){"text/plain", 10};
    }
    if (!content.len)
        return SITO_OK;
    rc = run_doc(t);
    if (t->progress)
        t->progress(t->pctx, t->stats->bytes_in, t->docs);
    return rc;
}

static int mkdir_p(const char *dir)
{
    char tmp[4096];
    size_t n = strlen(dir);
    if (n >= sizeof tmp)
        return -1;
    memcpy(tmp, dir, n + 1);
    for (char *p = tmp + 1; *p; p++)
        if (*p == '/') {
            *p = 0;
            if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
        return -1;
    return 0;
}

/* Removes temporary files a killed run left for this output file. */
static void remove_stale_tmp(const char *dir, const char *file)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    size_t n = strlen(file);
    struct dirent *e;
    char path[4096];
    while ((e = readdir(d))) {
        if (strncmp(e->d_name, file, n) == 0 && strncmp(e->d_name + n, ".tmp.", 5) == 0) {
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            unlink(path);
        }
    }
    closedir(d);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int sito_task_run(const sito_run_options *opt, const char *input, const char *outdir,
                  sito_stats *stats, sito_progress_fn progress, void *progress_ctx, char *errbuf,
                  size_t errlen)
{
    static const sito_run_options defaults;
    if (!opt)
        opt = &defaults;
    double t0 = now();
    char shard[256], rejdir[4096], kept_path[4400], rej_path[4400], file[300];
    if (strlen(outdir) > 3800) {
        set_err(errbuf, errlen, "%.100s...: output directory name too long", outdir);
        return SITO_ERR_ARG;
    }
    sito_shard_name(input, shard, sizeof shard);
    snprintf(rejdir, sizeof rejdir, "%s/rejects", outdir);
    if (mkdir_p(outdir) || mkdir_p(rejdir)) {
        set_err(errbuf, errlen, "%s: cannot create output directory: %s", outdir,
                strerror(errno));
        return SITO_ERR_IO;
    }
    snprintf(file, sizeof file, "%s.jsonl.zst", shard);
    snprintf(kept_path, sizeof kept_path, "%s/%s", outdir, file);
    snprintf(rej_path, sizeof rej_path, "%s/%s", rejdir, file);
    remove_stale_tmp(outdir, file);
    remove_stale_tmp(rejdir, file);

    task_ctx t = {.opt = opt, .stats = stats, .progress = progress, .pctx = progress_ctx};
    t.pipe.timing = 1;
    t.doc.arena = sito_arena_new(0);
    writer_state ws = {.with_signals = opt->with_signals || opt->annotate_only};
    int status = SITO_OK;
    if (!t.doc.arena)
        return SITO_ERR_NOMEM;
    ws.kept = sito_writer_open(kept_path, opt->zstd_level, &status);
    if (ws.kept)
        ws.rejects = sito_writer_open(rej_path, opt->zstd_level, &status);
    if (!ws.kept || !ws.rejects) {
        set_err(errbuf, errlen, "%s: cannot write: %s", ws.kept ? rej_path : kept_path,
                strerror(errno));
        sito_writer_abort(ws.kept);
        sito_arena_free(t.doc.arena);
        return SITO_ERR_IO;
    }
    int rc = task_add_stages(&t.pipe, opt, errbuf, errlen);
    if (rc == SITO_OK)
        rc = sito_pipeline_add(&t.pipe, (sito_stage){.name = "write",
                                                     .state = &ws,
                                                     .see_rejected = 1,
                                                     .process = writer_process});
    if (rc == SITO_OK) {
        int kind = input_kind(input);
        rc = kind == IN_WARC    ? read_warc(&t, input, errbuf, errlen)
             : kind == IN_JSONL ? read_jsonl(&t, input, errbuf, errlen)
                                : read_file(&t, input, errbuf, errlen);
    }
    if (rc == SITO_OK)
        rc = sito_pipeline_finish(&t.pipe, stats);
    sito_pipeline_destroy(&t.pipe);
    if (rc == SITO_OK) {
        uint64_t b1 = 0, b2 = 0;
        int c1 = sito_writer_commit(ws.rejects, &b1);
        int c2 = c1 == SITO_OK ? sito_writer_commit(ws.kept, &b2) : SITO_ERR_IO;
        if (c1 != SITO_OK)
            sito_writer_abort(ws.kept);
        if (c1 != SITO_OK || c2 != SITO_OK) {
            set_err(errbuf, errlen, "%s: cannot write: %s", outdir, strerror(errno));
            rc = SITO_ERR_IO;
        }
        stats->bytes_out += b1 + b2;
    } else {
        sito_writer_abort(ws.kept);
        sito_writer_abort(ws.rejects);
        if (errbuf && !errbuf[0])
            set_err(errbuf, errlen, "%s: %s", input, sito_status_str(rc));
    }
    sito_buf_free(&ws.line);
    sito_arena_free(t.doc.arena);
    stats->inputs++;
    stats->seconds_total += now() - t0;
    return rc;
}
