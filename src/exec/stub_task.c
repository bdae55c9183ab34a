/*
 * stub_task.c — TEMPORARY stand-in for the lead's sito_task_run and
 * sito_shard_name (src/task.c on main), so the executors can be built and
 * tested before the run pipeline lands.  Writes one line per WARC record
 * (id, url, type) to the kept output.  Delete when main's task.c arrives
 * (the linker then reports duplicate symbols).
 */
#include "sito.h"

#include <stdio.h>
#include <string.h>

void sito_shard_name(const char *input, char *out, size_t outlen)
{
    static const char *const suffixes[] = {".gz", ".zst", ".warc", ".wet", ".wat", ".jsonl",
                                           ".html", ".txt"};
    const char *base = strrchr(input, '/');
    base = base ? base + 1 : input;
    size_t n = strlen(base);
    for (int again = 1; again;) {
        again = 0;
        for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
            size_t k = strlen(suffixes[i]);
            if (n > k && !memcmp(base + n - k, suffixes[i], k)) {
                n -= k;
                again = 1;
            }
        }
    }
    snprintf(out, outlen, "%.*s", (int)n, base);
}

int sito_task_run(const sito_run_options *opt, const char *input, const char *outdir,
                  sito_stats *stats, sito_progress_fn progress, void *progress_ctx, char *errbuf,
                  size_t errlen)
{
    char shard[256], path[4096];
    int st;
    sito_shard_name(input, shard, sizeof shard);
    snprintf(path, sizeof path, "%s/%s.jsonl.zst", outdir, shard);
    sito_warc_reader *r = sito_warc_open(input, NULL, stats, &st);
    if (!r)
        return snprintf(errbuf, errlen, "cannot read %s", input), st;
    sito_writer *w = sito_writer_open(path, opt->zstd_level, &st);
    if (!w) {
        sito_warc_close(r);
        return snprintf(errbuf, errlen, "cannot write %s", path), st;
    }
    sito_warc_record rec;
    sito_buf b = {0};
    while ((st = sito_warc_next(r, &rec)) == SITO_OK) {
        sito_str id = {0}, url = {0};
        sito_header_get(rec.header, "WARC-Record-ID", &id);
        sito_header_get(rec.header, "WARC-Target-URI", &url);
        b.len = 0;
        sito_buf_append(&b, "{\"id\":", 6);
        sito_json_string(&b, id.ptr ? id.ptr : "", id.len);
        sito_buf_append(&b, ",\"url\":", 7);
        sito_json_string(&b, url.ptr ? url.ptr : "", url.len);
        sito_buf_append(&b, "}", 1);
        sito_writer_line(w, b.ptr, b.len);
        stats->docs_in++;
        stats->docs_kept++;
        if (progress && stats->docs_in % 64 == 0)
            progress(progress_ctx, sito_warc_tell(r), stats->docs_in);
    }
    sito_buf_free(&b);
    stats->inputs++;
    stats->bytes_in += sito_warc_tell(r);
    sito_warc_close(r);
    if (st != SITO_EOF) {
        sito_writer_abort(w);
        return snprintf(errbuf, errlen, "%s: read error", input), st;
    }
    return sito_writer_commit(w);
}
