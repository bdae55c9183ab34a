/*
 * cmd_run.c — `sito run IN... -o DIR`: every input through the run
 * pipeline, one output shard per input, then DIR/stats.json.  The progress
 * line goes to stderr only when it is a terminal.
 */
#include "cmds.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char usage[] =
    "usage: sito run [OPTIONS] INPUT... -o OUTDIR\n"
    "Reads WARC/WET files (plain or gzip), JSONL (.jsonl[.gz|.zst], datatrove\n"
    "layout) or single HTML/text files, and writes one JSONL.zst shard per input:\n"
    "  OUTDIR/<shard>.jsonl.zst           kept documents\n"
    "  OUTDIR/rejects/<shard>.jsonl.zst   rejected documents, with metadata.filter\n"
    "  OUTDIR/stats.json                  every counter\n"
    "options:\n"
    "  -o, --output DIR     output directory (required)\n"
    "  --model PATH         fastText language-id model (default: $SITO_MODEL,\n"
    "                       else models/lid.176.ftz when it exists)\n"
    "  --annotate-only      keep every document, write all signals\n"
    "  --signals            write metadata.signals for kept documents too\n"
    "  --max-record BYTES   largest record kept in memory (default 64 MiB)\n"
    "  --zstd-level N       output compression level (default 3)\n"
    "  -q, --quiet          no progress line\n"
    "  -h, --help           this text\n";

typedef struct {
    double t0, last;
    uint64_t base_bytes, total_bytes, base_docs;
    int active;
} progress_state;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void show_progress(void *ctx, uint64_t bytes, uint64_t docs)
{
    progress_state *p = ctx;
    double t = now();
    if (t - p->last < 0.5)
        return;
    p->last = t;
    double done = (double)(p->base_bytes + bytes), el = t - p->t0;
    double rate = el > 0 ? done / el : 0;
    double eta = rate > 0 ? ((double)p->total_bytes - done) / rate : 0;
    fprintf(stderr, "\r%.1f/%.1f MB  %.1f MB/s  %llu docs  ETA %.0fs   ", done / 1e6,
            (double)p->total_bytes / 1e6, rate / 1e6, (unsigned long long)(p->base_docs + docs),
            eta < 0 ? 0 : eta);
    fflush(stderr);
}

static int write_stats(const char *outdir, const sito_stats *st)
{
    char path[4200], tmp[4300];
    snprintf(path, sizeof path, "%s/stats.json", outdir);
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f)
        return -1;
    int rc = sito_stats_write_json(st, f);
    if (fclose(f) != 0 || rc != SITO_OK || rename(tmp, path) != 0) {
        unlink(tmp);
        return -1;
    }
    return 0;
}

int cmd_run(int argc, char **argv)
{
    sito_run_options opt = {0};
    const char *outdir = NULL;
    int quiet = 0, ninputs = 0;
    const char **inputs = calloc((size_t)argc, sizeof *inputs);
    if (!inputs)
        return 2;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int more = i + 1 < argc;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(usage, stdout);
            free(inputs);
            return 0;
        } else if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && more) {
            outdir = argv[++i];
        } else if (!strcmp(a, "--model") && more) {
            opt.model_path = argv[++i];
        } else if (!strcmp(a, "--annotate-only")) {
            opt.annotate_only = 1;
        } else if (!strcmp(a, "--signals")) {
            opt.with_signals = 1;
        } else if (!strcmp(a, "--max-record") && more) {
            char *e;
            unsigned long long v = strtoull(argv[++i], &e, 10);
            if (*e || v == 0) {
                fprintf(stderr, "sito run: --max-record: not a positive number: '%s'\n", argv[i]);
                free(inputs);
                return 2;
            }
            opt.max_record = (size_t)v;
        } else if (!strcmp(a, "--zstd-level") && more) {
            char *e;
            long v = strtol(argv[++i], &e, 10);
            if (*e || v < 1 || v > 19) {
                fprintf(stderr, "sito run: --zstd-level: expected 1..19, got '%s'\n", argv[i]);
                free(inputs);
                return 2;
            }
            opt.zstd_level = (int)v;
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            quiet = 1;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "sito run: unknown option or missing value: '%s' (see sito run --help)\n", a);
            free(inputs);
            return 2;
        } else {
            inputs[ninputs++] = a;
        }
    }
    if (!outdir || !ninputs) {
        fprintf(stderr, "sito run: %s (see sito run --help)\n",
                !ninputs ? "no input given" : "no output directory given (-o DIR)");
        free(inputs);
        return 2;
    }
    if (!opt.model_path) {
        const char *env = getenv("SITO_MODEL");
        if (env && *env)
            opt.model_path = env;
        else if (access("models/lid.176.ftz", R_OK) == 0)
            opt.model_path = "models/lid.176.ftz";
    }
    /* two inputs with one shard name would overwrite each other's output */
    for (int i = 0; i < ninputs; i++)
        for (int j = 0; j < i; j++) {
            char a[256], b[256];
            sito_shard_name(inputs[i], a, sizeof a);
            sito_shard_name(inputs[j], b, sizeof b);
            if (!strcmp(a, b)) {
                fprintf(stderr, "sito run: %s and %s would both write shard '%s'\n", inputs[j],
                        inputs[i], a);
                free(inputs);
                return 2;
            }
        }
    progress_state ps = {.t0 = now()};
    ps.active = !quiet && isatty(2);
    for (int i = 0; i < ninputs; i++) {
        struct stat st;
        if (stat(inputs[i], &st) != 0) {
            fprintf(stderr, "sito run: %s: cannot read: %s\n", inputs[i], strerror(errno));
            free(inputs);
            return 2;
        }
        ps.total_bytes += (uint64_t)st.st_size;
    }
    sito_stats total = {0};
    int rc = 0;
    char err[1024];
    for (int i = 0; i < ninputs; i++) {
        sito_stats st = {0};
        err[0] = 0;
        int r = sito_task_run(&opt, inputs[i], outdir, &st, ps.active ? show_progress : NULL, &ps,
                              err, sizeof err);
        if (r != SITO_OK) {
            if (ps.active)
                fputc('\n', stderr);
            fprintf(stderr, "sito run: %s\n", err[0] ? err : sito_status_str(r));
            rc = 1;
            if (r == SITO_ERR_IO && strstr(err, "cannot write"))
                break; /* the output is unusable: stop */
            continue;
        }
        sito_stats_merge(&total, &st);
        ps.base_bytes += st.bytes_in;
        ps.base_docs += st.docs_in;
    }
    if (ps.active)
        fprintf(stderr, "\r%80s\r", "");
    if (write_stats(outdir, &total) != 0) {
        fprintf(stderr, "sito run: %s/stats.json: cannot write: %s\n", outdir, strerror(errno));
        rc = 1;
    }
    if (!quiet)
        fprintf(stderr, "sito run: %llu inputs, %llu documents kept, %llu rejected -> %s\n",
                (unsigned long long)total.inputs, (unsigned long long)total.docs_kept,
                (unsigned long long)total.docs_rejected, outdir);
    free(inputs);
    return rc;
}
