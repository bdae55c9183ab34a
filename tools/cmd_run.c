/*
 * cmd_run.c — `sito run IN... -o DIR`: every input through the run
 * pipeline, one output shard per input, then DIR/stats.json.  Options of
 * the pipeline are parsed here; the run itself is a job handed to the
 * executors (exec_cli.c: -j, --tasks, --slurm, progress line, resume).
 */
#include "cmds.h"
#include "exec_cli.h"

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
    "                       else models/lid.176.ftz here or beside the build directory)\n"
    "  --config FILE        per-language filter thresholds (YAML, see\n"
    "                       config/filters.yaml; default: compiled-in en/pl)\n"
    "  --url-blocklist FILE drop documents whose URL is listed (domains, word:W)\n"
    "  --keep-pii           do not replace e-mail and IP addresses\n"
    "  --annotate-only      keep every document, write all signals\n"
    "  --signals            write metadata.signals for kept documents too\n"
    "  --max-record BYTES   largest record kept in memory (default 64 MiB)\n"
    "  --zstd-level N       output compression level (default 3)\n"
    "  -q, --quiet          no progress line\n"
    "  -h, --help           this text\n";
/* The executor options (-j, --tasks, --slurm ...) are in exec_cli.c. */

int cmd_run(int argc, char **argv)
{
    sito_run_options opt = {0};
    const char *outdir = NULL;
    int quiet = 0, ninputs = 0;
    const char **inputs = calloc((size_t)argc, sizeof *inputs);
    exec_cli ec;
    exec_cli_init(&ec);
    if (!inputs)
        return 2;
    for (int i = 1; i < argc; i++) {
        int ex = exec_cli_option(&ec, argc, argv, &i);
        if (ex) {
            if (ex > 0)
                continue;
            free(inputs);
            return 2;
        }
        const char *a = argv[i];
        int more = i + 1 < argc;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(usage, stdout);
            fputs(exec_cli_help, stdout);
            free(inputs);
            return 0;
        } else if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && more) {
            outdir = argv[++i];
        } else if (!strcmp(a, "--model") && more) {
            opt.model_path = argv[++i];
        } else if (!strcmp(a, "--config") && more) {
            opt.config_path = argv[++i];
        } else if (!strcmp(a, "--url-blocklist") && more) {
            opt.blocklist_path = argv[++i];
        } else if (!strcmp(a, "--keep-pii")) {
            opt.keep_pii = 1;
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
    char model_buf[4096];
    if (!opt.model_path) {
        opt.model_path = cli_default_model(model_buf, sizeof model_buf);
        if (!opt.model_path)
            fprintf(stderr, "sito run: warning: no language-id model found (--model PATH, "
                            "$SITO_MODEL or models/lid.176.ftz; scripts/bootstrap fetches "
                            "it): documents get no language and the 'en' filters\n");
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
    /* Every run is a job (markers, resume, per-task logs): see exec_cli.c. */
    ec.quiet |= quiet;
    int rc = exec_cli_run(&ec, &opt, (char **)inputs, ninputs, outdir);
    free(inputs);
    return rc;
}
