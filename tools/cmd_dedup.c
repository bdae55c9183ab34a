/*
 * cmd_dedup.c — `sito dedup exact|minhash|lines IN... -o OUT`: runs a dedup
 * job's steps with the local driver (threads), resuming from the
 * completion markers of an earlier run.  Options map one to one onto
 * sito_dedup_options.
 */
#include "cmds.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f,
        "usage: sito dedup exact|minhash|lines INPUT... -o OUTDIR [options]\n"
        "\n"
        "Removes duplicates across all INPUT shards (JSONL documents: .jsonl,\n"
        ".jsonl.gz, .jsonl.zst).  Writes OUTDIR/<shard>.jsonl.zst (kept),\n"
        "OUTDIR/rejects/<shard>.jsonl.zst, OUTDIR/stats.json; work files and\n"
        "completion markers go to OUTDIR/work (a rerun resumes).  Of each group of\n"
        "duplicates the first by input order (shard as given, then line) is kept.\n"
        "\n"
        "  exact     identical texts after normalization (XXH3-128)\n"
        "  minhash   near-duplicates: MinHash-LSH over word n-grams (datatrove's)\n"
        "  lines     remove lines found on more than --max-hosts distinct hosts\n"
        "\n"
        "options:\n"
        "  -o DIR            output directory (required)\n"
        "  -j N              run N tasks at a time (default 1)\n"
        "  --mem SIZE        sort memory per task, e.g. 64M, 2G (default 256M);\n"
        "                    beyond it sorted runs spill to OUTDIR/work\n"
        "  --ngram N         words per shingle (minhash, default 5)\n"
        "  --bands B         LSH bands (minhash, default 14)\n"
        "  --rows R          hashes per band (minhash, default 8)\n"
        "  --seed S          permutation seed (minhash, default 1)\n"
        "  --punct-space     punctuation separates words instead of being deleted\n"
        "  --norm MODE       exact: none | space (default) | simplify\n"
        "  --max-hosts N     lines: remove lines on more than N hosts (default 5)\n"
        "  --partitions P    lines: hash partitions (default 16)\n"
        "  --zstd-level L    output compression level (default 3)\n"
        "  --slurm           run on Slurm (not available yet in this build)\n"
        "  -q                no progress on stderr\n");
}

static int parse_size(const char *s, size_t *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || v <= 0)
        return -1;
    switch (*end) {
    case 'k': case 'K': v *= 1024; end++; break;
    case 'm': case 'M': v *= 1024 * 1024; end++; break;
    case 'g': case 'G': v *= 1024.0 * 1024 * 1024; end++; break;
    default: break;
    }
    if (*end)
        return -1;
    *out = (size_t)v;
    return 0;
}

static int parse_int(const char *s, long lo, long hi, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

int cmd_dedup(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    int kind = !strcmp(argv[1], "exact") ? SITO_DEDUP_EXACT
             : !strcmp(argv[1], "minhash") ? SITO_DEDUP_MINHASH
             : !strcmp(argv[1], "lines") ? SITO_DEDUP_LINES : -1;
    if (kind < 0) {
        fprintf(stderr, "sito dedup: unknown kind '%s' (exact, minhash or lines)\n", argv[1]);
        return 2;
    }
    sito_dedup_options o;
    sito_dedup_defaults(&o, kind);
    const char *outdir = NULL;
    int threads = 1, quiet = 0, n_in = 0, seed;
    const char **inputs = calloc((size_t)argc, sizeof *inputs);
    if (!inputs)
        return 2;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int bad = 0, takes = 1;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            free(inputs);
            return 0;
        } else if (!strcmp(a, "-o")) {
            outdir = v;
            bad = !v;
        } else if (!strcmp(a, "-j")) {
            bad = !v || parse_int(v, 1, 256, &threads);
        } else if (!strcmp(a, "--mem")) {
            bad = !v || parse_size(v, &o.mem_limit);
        } else if (!strcmp(a, "--ngram")) {
            bad = !v || parse_int(v, 1, 32, &o.minhash.ngram);
        } else if (!strcmp(a, "--bands")) {
            bad = !v || parse_int(v, 1, 64, &o.minhash.bands);
        } else if (!strcmp(a, "--rows")) {
            bad = !v || parse_int(v, 1, 32, &o.minhash.rows);
        } else if (!strcmp(a, "--seed")) {
            bad = !v || parse_int(v, 0, 2147483647, &seed);
            o.minhash.seed = (uint32_t)seed;
        } else if (!strcmp(a, "--norm")) {
            o.exact_norm = !v ? -1 : !strcmp(v, "none") ? SITO_EXACT_NORM_NONE
                         : !strcmp(v, "space") ? SITO_EXACT_NORM_SPACE
                         : !strcmp(v, "simplify") ? SITO_EXACT_NORM_SIMPLIFY : -1;
            bad = o.exact_norm < 0;
        } else if (!strcmp(a, "--max-hosts")) {
            bad = !v || parse_int(v, 1, 1 << 30, &o.line_max_hosts);
        } else if (!strcmp(a, "--partitions")) {
            bad = !v || parse_int(v, 1, 4096, &o.line_partitions);
        } else if (!strcmp(a, "--zstd-level")) {
            bad = !v || parse_int(v, 1, 22, &o.zstd_level);
        } else if (!strcmp(a, "--punct-space")) {
            o.minhash.simplify_flags |= SITO_SIMPLIFY_PUNCT_SPACE;
            takes = 0;
        } else if (!strcmp(a, "-q")) {
            quiet = 1;
            takes = 0;
        } else if (!strcmp(a, "--slurm")) {
            fprintf(stderr, "sito dedup: --slurm needs the Slurm executor, not in this build yet\n");
            free(inputs);
            return 2;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "sito dedup: unknown option '%s' (see sito dedup --help)\n", a);
            free(inputs);
            return 2;
        } else {
            inputs[n_in++] = a;
            takes = 0;
        }
        if (bad) {
            fprintf(stderr, "sito dedup: option %s needs a valid value%s%s\n", a, v ? ", not " : "",
                    v ? v : "");
            free(inputs);
            return 2;
        }
        i += takes;
    }
    if (!outdir || n_in == 0) {
        fprintf(stderr, "sito dedup: %s\n", !outdir ? "-o OUTDIR is required" : "no input files");
        free(inputs);
        return 2;
    }
    for (int i = 0; i < n_in; i++) {
        FILE *f = fopen(inputs[i], "rb");
        if (!f) {
            fprintf(stderr, "sito dedup: cannot read %s: %s\n", inputs[i], strerror(errno));
            free(inputs);
            return 2;
        }
        fclose(f);
    }
    char err[1024] = "";
    sito_dedup_job *j = sito_dedup_job_new(&o, inputs, n_in, outdir, err, sizeof err);
    free(inputs);
    if (!j) {
        fprintf(stderr, "sito dedup: %s\n", err);
        return 2;
    }
    if (!quiet)
        for (int s = 0; s < sito_dedup_steps(j); s++) {
            int done = 0, n = sito_dedup_tasks(j, s);
            for (int t = 0; t < n; t++)
                done += sito_dedup_task_done(j, s, t);
            fprintf(stderr, "sito dedup: step %d %-12s %d tasks%s\n", s, sito_dedup_step_name(j, s), n,
                    done == n ? " (done before)" : done ? " (some done before)" : "");
        }
    sito_stats stats = {0};
    int st = sito_dedup_run_local(j, threads, &stats, err, sizeof err);
    sito_dedup_job_free(j);
    if (st != SITO_OK) {
        fprintf(stderr, "sito dedup: %s\n", err);
        return 1;
    }
    if (!quiet)
        fprintf(stderr, "sito dedup: %llu documents, %llu kept, %llu removed -> %s\n",
                (unsigned long long)stats.docs_in, (unsigned long long)stats.docs_kept,
                (unsigned long long)stats.docs_rejected, outdir);
    return 0;
}
