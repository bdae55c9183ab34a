/*
 * cmd_filter.c — `sito filter IN -o OUTDIR`: replays the filter decisions
 * on annotated JSONL (metadata.signals, metadata.lang) without computing
 * any signal.  Kept lines are written unchanged to OUTDIR/<shard>.jsonl.zst;
 * rejected ones to OUTDIR/rejects/<shard>.jsonl.zst with metadata.filter
 * and metadata.filter_value added; counts to OUTDIR/stats.json.
 */
#include "cmds.h"
#include "quality/jsonl_read.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: sito filter IN.jsonl[.gz|.zst] -o OUTDIR [--config FILE] [--url-blocklist FILE]\n"
            "\n"
            "Applies the quality filters to documents annotated by a run with signals\n"
            "(metadata.signals, metadata.lang), using only the stored signals.  Writes\n"
            "OUTDIR/<shard>.jsonl.zst (kept, lines unchanged), OUTDIR/rejects/<shard>.jsonl.zst\n"
            "(with metadata.filter and metadata.filter_value) and OUTDIR/stats.json.\n"
            "A document without metadata.signals is rejected as \"no_signals\".\n"
            "\n"
            "  -o OUTDIR              output directory (created)\n"
            "  --config FILE          per-language thresholds (YAML); default: compiled-in\n"
            "  --url-blocklist FILE   also reject documents whose metadata.url is blocked\n");
}

static void shard_name(const char *in, char *out, size_t n)
{
    const char *b = strrchr(in, '/');
    b = b ? b + 1 : in;
    if (!strcmp(in, "-"))
        b = "stdin";
    snprintf(out, n, "%s", b);
    static const char *const suffixes[] = {".zst", ".gz", ".jsonl", ".json", ".txt"};
    for (int again = 1; again;) {
        again = 0;
        for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
            size_t l = strlen(out), s = strlen(suffixes[i]);
            if (l > s && !strcmp(out + l - s, suffixes[i])) {
                out[l - s] = 0;
                again = 1;
            }
        }
    }
}

static int mkdir_p(const char *p)
{
    return mkdir(p, 0777) == 0 || errno == EEXIST ? 0 : -1;
}

/* The line with "filter" and "filter_value" added to its metadata (or a
 * new metadata object). */
static int rejected_line(sito_str line, const sito_doc *d, sito_buf *b)
{
    char tmp[64];
    b->len = 0;
    sito_buf add = {0};
    int bad = sito_buf_append(&add, "\"filter\":", 9) ||
              sito_json_string(&add, d->filter, strlen(d->filter)) < 0;
    int n = snprintf(tmp, sizeof tmp, ",\"filter_value\":%.17g", d->filter_value);
    bad = bad || sito_buf_append(&add, tmp, (size_t)n);
    if (!bad && d->in_metadata.len >= 2) {
        size_t close = (size_t)(d->in_metadata.ptr - line.ptr) + d->in_metadata.len - 1;
        int empty = 1;
        for (const char *p = d->in_metadata.ptr + 1; p < line.ptr + close; p++)
            if (*p != ' ' && *p != '\t')
                empty = 0;
        bad = sito_buf_append(b, line.ptr, close) || (!empty && sito_buf_append(b, ",", 1)) ||
              sito_buf_append(b, add.ptr, add.len) ||
              sito_buf_append(b, line.ptr + close, line.len - close);
    } else if (!bad) {
        size_t close = line.len;
        while (close && line.ptr[close - 1] != '}')
            close--;
        bad = close == 0 || sito_buf_append(b, line.ptr, close - 1) ||
              sito_buf_append(b, ",\"metadata\":{", 13) || sito_buf_append(b, add.ptr, add.len) ||
              sito_buf_append(b, "}}", 2);
    }
    sito_buf_free(&add);
    return bad ? SITO_ERR_NOMEM : SITO_OK;
}

typedef struct job {
    const char *in, *outdir;
    sito_quality_config *cfg;
    sito_url_blocklist *bl;
    sito_writer *kept, *rej;
    sito_stats stats;
} job;

static int decide_line(job *j, sito_str line, sito_doc *d, sito_buf *b)
{
    j->stats.docs_in++;
    const char *why;
    if (j->bl && d->url.len && sito_url_blocked(j->bl, d->url.ptr, d->url.len, &why)) {
        d->filter = "url";
        d->filter_value = 1;
    } else if (!d->signals_set) {
        d->filter = "no_signals";
        d->filter_value = 0;
    } else {
        sito_quality_decide(j->cfg, d);
    }
    if (!d->filter) {
        j->stats.docs_kept++;
        j->stats.text_bytes_out += d->text.len;
        return sito_writer_line(j->kept, line.ptr, line.len);
    }
    j->stats.docs_rejected++;
    sito_stats_count_filter(&j->stats, d->filter);
    int rc = rejected_line(line, d, b);
    return rc ? rc : sito_writer_line(j->rej, b->ptr, b->len);
}

static int run(job *j)
{
    char err[512], shard[256], path[4096];
    q_line_reader *lr = q_lines_open(j->in, err, sizeof err);
    if (!lr) {
        fprintf(stderr, "sito filter: %s\n", err);
        return 2;
    }
    shard_name(j->in, shard, sizeof shard);
    int status;
    snprintf(path, sizeof path, "%s/rejects", j->outdir);
    if (mkdir_p(j->outdir) || mkdir_p(path)) {
        fprintf(stderr, "sito filter: %s: cannot create: %s\n", path, strerror(errno));
        q_lines_close(lr);
        return 2;
    }
    snprintf(path, sizeof path, "%s/%s.jsonl.zst", j->outdir, shard);
    j->kept = sito_writer_open(path, 0, &status);
    snprintf(path, sizeof path, "%s/rejects/%s.jsonl.zst", j->outdir, shard);
    j->rej = j->kept ? sito_writer_open(path, 0, &status) : NULL;
    if (!j->rej) {
        fprintf(stderr, "sito filter: %s: cannot write: %s\n", path, sito_status_str(status));
        if (j->kept)
            sito_writer_abort(j->kept);
        q_lines_close(lr);
        return 2;
    }
    sito_doc d = {0};
    d.arena = sito_arena_new(0);
    sito_buf b = {0};
    sito_str line;
    int rc = d.arena ? SITO_OK : SITO_ERR_NOMEM;
    while (rc == SITO_OK && (rc = q_lines_next(lr, &line)) == SITO_OK) {
        if (line.len == 0)
            continue;
        sito_doc_reset(&d);
        if (q_doc_from_jsonl(line, &d) != SITO_OK) {
            j->stats.errors[SITO_E_JSONL_MALFORMED]++;
            fprintf(stderr, "sito filter: %s: line %llu: not a JSON document, skipped\n", j->in,
                    (unsigned long long)q_lines_number(lr));
            continue;
        }
        rc = decide_line(j, line, &d, &b);
    }
    q_lines_close(lr);
    sito_buf_free(&b);
    sito_arena_free(d.arena);
    if (rc != SITO_EOF) {
        fprintf(stderr, "sito filter: %s: %s\n", j->in, sito_status_str(rc));
        sito_writer_abort(j->kept);
        sito_writer_abort(j->rej);
        return 2;
    }
    j->stats.inputs = 1;
    uint64_t kb = 0, rb = 0;
    int c1 = sito_writer_commit(j->kept, &kb), c2 = sito_writer_commit(j->rej, &rb);
    j->stats.bytes_out = kb + rb;
    if (c1 != SITO_OK || c2 != SITO_OK) {
        fprintf(stderr, "sito filter: %s: cannot write the output\n", j->outdir);
        return 2;
    }
    snprintf(path, sizeof path, "%s/stats.json", j->outdir);
    FILE *f = fopen(path, "w");
    if (!f || sito_stats_write_json(&j->stats, f) != SITO_OK || fclose(f)) {
        fprintf(stderr, "sito filter: %s: cannot write\n", path);
        return 2;
    }
    return 0;
}

int cmd_filter(int argc, char **argv)
{
    job j = {0};
    const char *config = NULL, *blocklist = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(argv[i], "-o") && i + 1 < argc) {
            j.outdir = argv[++i];
        } else if (!strcmp(argv[i], "--config") && i + 1 < argc) {
            config = argv[++i];
        } else if (!strcmp(argv[i], "--url-blocklist") && i + 1 < argc) {
            blocklist = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "sito filter: unknown option '%s' (see sito filter --help)\n", argv[i]);
            return 2;
        } else if (j.in) {
            fprintf(stderr, "sito filter: one input file only ('%s')\n", argv[i]);
            return 2;
        } else {
            j.in = argv[i];
        }
    }
    if (!j.in || !j.outdir) {
        usage(stderr);
        return 2;
    }
    char err[512];
    j.cfg = sito_quality_config_load(config, err, sizeof err);
    if (!j.cfg) {
        fprintf(stderr, "sito filter: %s\n", err);
        return 2;
    }
    if (blocklist && !(j.bl = sito_url_blocklist_load(blocklist, err, sizeof err))) {
        fprintf(stderr, "sito filter: %s\n", err);
        sito_quality_config_free(j.cfg);
        return 2;
    }
    int rc = run(&j);
    sito_url_blocklist_free(j.bl);
    sito_quality_config_free(j.cfg);
    return rc;
}
