/*
 * cmd_dedup.c — `sito dedup exact|minhash|lines IN... -o OUT`: a dedup job
 * run as an executor job (src/exec/): each dedup step is a command step
 * `{sito} dedup-step {dir}/work/args STEP {task}`, run on local workers
 * (-j) or as Slurm arrays chained by afterok (--slurm).  The one thing to
 * know: OUT/work/args holds the whole dedup job (options and absolute
 * inputs, one argument a line), so a task anywhere rebuilds it from there.
 */
#include "cmds.h"
#include "exec_cli.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *f)
{
    fprintf(f,
        "usage: sito dedup exact|minhash|lines INPUT... -o OUTDIR [options]\n"
        "\n"
        "Removes duplicates across all INPUT shards (JSONL documents: .jsonl,\n"
        ".jsonl.gz, .jsonl.zst).  Writes OUTDIR/<shard>.jsonl.zst (kept),\n"
        "OUTDIR/rejects/<shard>.jsonl.zst, OUTDIR/stats.json; work files go to\n"
        "OUTDIR/work, the job to OUTDIR/job.json (a rerun resumes).  Of each group of\n"
        "duplicates the first by input order (shard as given, then line) is kept.\n"
        "\n"
        "  exact     identical texts after normalization (XXH3-128)\n"
        "  minhash   near-duplicates: MinHash-LSH over word n-grams (datatrove's)\n"
        "  lines     remove lines found on more than --max-hosts distinct hosts\n"
        "\n"
        "options:\n"
        "  -o DIR            output directory (required)\n"
        "  -j N              run N tasks at a time (default: every core)\n"
        "  --mem SIZE        sort memory per task, e.g. 64M, 2G (default 256M);\n"
        "                    beyond it sorted runs spill to OUTDIR/work\n"
        "  --ngram N         words per shingle (minhash, default 5)\n"
        "  --bands B         LSH bands (minhash, default 14)\n"
        "  --rows R          hashes per band (minhash, default 8)\n"
        "  --seed S          permutation seed (minhash, default 1)\n"
        "  --punct-space     punctuation separates words instead of being deleted\n"
        "  --verify J        minhash: keep a candidate pair only when a fraction >= J\n"
        "                    of the two full signatures agree (e.g. 0.7; default off,\n"
        "                    as datatrove)\n"
        "  --norm MODE       exact: none | space (default) | simplify\n"
        "  --max-hosts N     lines: remove lines on more than N hosts (default 5)\n"
        "  --partitions P    lines: hash partitions (default 16)\n"
        "  --zstd-level L    output compression level (default 3)\n"
        "  -q                no progress on stderr\n"
        "  --slurm           submit the steps to Slurm as job arrays chained by afterok;\n"
        "                    with --partition P --time T --cpus-per-task C\n"
        "                    --tasks-per-job K --max-array-size S --hold as in sito run\n"
        "  --slurm-mem M     sbatch --mem of every array element (--mem is the sort\n"
        "                    memory above)\n"
        "Task counts are set by the job (shards, bands, partitions): no --tasks.\n"
        "A rerun resumes from OUTDIR/completions; `sito status OUTDIR` shows progress.\n");
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

static int parse_fraction(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v > 0 && v <= 1))
        return -1;
    *out = v;
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

typedef struct dedup_args {
    sito_dedup_options o;
    const char *outdir;
    const char **inputs;     /* argv's, in order */
    int n_in;
    exec_cli ec;
} dedup_args;

/* Parses argv[0] = kind, then options and inputs.  0 when parsed, 1 after
 * --help (printed), 2 after a message on stderr.  a->inputs is malloc'd. */
static int parse_args(int argc, char **argv, dedup_args *a)
{
    int kind = !strcmp(argv[0], "exact") ? SITO_DEDUP_EXACT
             : !strcmp(argv[0], "minhash") ? SITO_DEDUP_MINHASH
             : !strcmp(argv[0], "lines") ? SITO_DEDUP_LINES : -1;
    if (kind < 0) {
        fprintf(stderr, "sito dedup: unknown kind '%s' (exact, minhash or lines)\n", argv[0]);
        return 2;
    }
    memset(a, 0, sizeof *a);
    sito_dedup_defaults(&a->o, kind);
    exec_cli_init(&a->ec);
    a->ec.name = "sito dedup";
    int seed = 0;
    if (!(a->inputs = calloc((size_t)argc + 1, sizeof *a->inputs)))
        return 2;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int bad = 0, takes = 1;
        sito_dedup_options *o = &a->o;
        if (!strcmp(s, "--help") || !strcmp(s, "-h")) {
            usage(stdout);
            return 1;
        } else if (!strcmp(s, "-o")) {
            a->outdir = v;
            bad = !v;
        } else if (!strcmp(s, "--mem")) {
            bad = !v || parse_size(v, &o->mem_limit);
        } else if (!strcmp(s, "--slurm-mem")) {
            a->ec.so.mem = v;
            bad = !v;
        } else if (!strcmp(s, "--ngram")) {
            bad = !v || parse_int(v, 1, 32, &o->minhash.ngram);
        } else if (!strcmp(s, "--bands")) {
            bad = !v || parse_int(v, 1, 64, &o->minhash.bands);
        } else if (!strcmp(s, "--rows")) {
            bad = !v || parse_int(v, 1, 32, &o->minhash.rows);
        } else if (!strcmp(s, "--seed")) {
            bad = !v || parse_int(v, 0, 2147483647, &seed);
            o->minhash.seed = (uint32_t)seed;
        } else if (!strcmp(s, "--verify")) {
            bad = !v || parse_fraction(v, &o->minhash_verify);
        } else if (!strcmp(s, "--norm")) {
            o->exact_norm = !v ? -1 : !strcmp(v, "none") ? SITO_EXACT_NORM_NONE
                          : !strcmp(v, "space") ? SITO_EXACT_NORM_SPACE
                          : !strcmp(v, "simplify") ? SITO_EXACT_NORM_SIMPLIFY : -1;
            bad = o->exact_norm < 0;
        } else if (!strcmp(s, "--max-hosts")) {
            bad = !v || parse_int(v, 1, 1 << 30, &o->line_max_hosts);
        } else if (!strcmp(s, "--partitions")) {
            bad = !v || parse_int(v, 1, 4096, &o->line_partitions);
        } else if (!strcmp(s, "--zstd-level")) {
            bad = !v || parse_int(v, 1, 22, &o->zstd_level);
        } else if (!strcmp(s, "--punct-space")) {
            o->minhash.simplify_flags |= SITO_SIMPLIFY_PUNCT_SPACE;
            takes = 0;
        } else if (!strcmp(s, "--tasks") || !strcmp(s, "--then")) {
            fprintf(stderr, "sito dedup: %s is not an option of dedup jobs (their steps and "
                            "task counts are fixed by the kind, inputs, bands and partitions)\n", s);
            return 2;
        } else if (s[0] == '-' && s[1]) {
            int r = exec_cli_option(&a->ec, argc, argv, &i);
            if (r < 0)
                return 2;
            if (r == 0) {
                fprintf(stderr, "sito dedup: unknown option '%s' (see sito dedup --help)\n", s);
                return 2;
            }
            takes = 0;
        } else {
            a->inputs[a->n_in++] = s;
            takes = 0;
        }
        if (bad) {
            fprintf(stderr, "sito dedup: option %s needs a valid value%s%s\n", s, v ? ", not " : "",
                    v ? v : "");
            return 2;
        }
        i += takes;
    }
    if (!a->outdir || a->n_in == 0) {
        fprintf(stderr, "sito dedup: %s\n", !a->outdir ? "-o OUTDIR is required" : "no input files");
        return 2;
    }
    return 0;
}

/* OUT/work/args: the job as arguments of parse_args, one a line. */
static int write_args(const dedup_args *a, const char *outdir, char **inputs)
{
    static const char *const kinds[] = {"exact", "minhash", "lines"};
    static const char *const norms[] = {"none", "space", "simplify"};
    const sito_dedup_options *o = &a->o;
    char path[PATH_MAX + 32], tmp[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/work/args", outdir);
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    for (int i = 0; i < a->n_in; i++)
        if (strchr(inputs[i], '\n')) {
            fprintf(stderr, "sito dedup: input path with a newline is not supported: %s\n", inputs[i]);
            return 2;
        }
    FILE *f = fopen(tmp, "w");
    if (!f) {
        fprintf(stderr, "sito dedup: cannot write %s: %s\n", tmp, strerror(errno));
        return 1;
    }
    fprintf(f, "%s\n-o\n%s\n--mem\n%zu\n--ngram\n%d\n--bands\n%d\n--rows\n%d\n--seed\n%u\n"
               "--norm\n%s\n--max-hosts\n%d\n--partitions\n%d\n--zstd-level\n%d\n%s",
            kinds[o->kind], outdir, o->mem_limit, o->minhash.ngram, o->minhash.bands,
            o->minhash.rows, o->minhash.seed, norms[o->exact_norm], o->line_max_hosts,
            o->line_partitions, o->zstd_level ? o->zstd_level : 3,
            o->minhash.simplify_flags & SITO_SIMPLIFY_PUNCT_SPACE ? "--punct-space\n" : "");
    if (o->minhash_verify > 0)
        fprintf(f, "--verify\n%.17g\n", o->minhash_verify);
    for (int i = 0; i < a->n_in; i++)
        fprintf(f, "%s\n", inputs[i]);
    int bad = ferror(f);
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, path)) {
        fprintf(stderr, "sito dedup: cannot write %s: %s\n", path, strerror(errno));
        unlink(tmp);
        return 1;
    }
    return 0;
}

/* The executor job: one command step per dedup step; the last step's
 * tasks write their counters to {stats}. */
static sito_job *exec_job(sito_dedup_job *dj, const char *outdir, int *exit_code)
{
    char err[1024], cmd[256];
    sito_job *j = sito_job_new(outdir);
    int rc = j ? SITO_OK : SITO_ERR_NOMEM;
    int steps = sito_dedup_steps(dj);
    for (int s = 0; s < steps && !rc; s++) {
        snprintf(cmd, sizeof cmd, "{sito} dedup-step {dir}/work/args %d {task}%s", s,
                 s == steps - 1 ? " --stats {stats}" : "");
        rc = sito_job_add_step(j, SITO_STEP_COMMAND, sito_dedup_step_name(dj, s), NULL, cmd,
                               NULL, 0, sito_dedup_tasks(dj, s), err, sizeof err);
    }
    if (!rc)
        rc = sito_job_save(j, err, sizeof err);
    if (rc) {
        fprintf(stderr, "sito dedup: %s\n", rc == SITO_ERR_NOMEM ? "out of memory" : err);
        *exit_code = rc == SITO_ERR_IO ? 1 : 2;
        sito_job_free(j);
        return NULL;
    }
    return j;
}

static void print_steps(const sito_job *j)
{
    for (int s = 0; s < sito_job_steps(j); s++) {
        int done = 0, n = sito_job_step_tasks(j, s);
        for (int t = 0; t < n; t++)
            done += sito_job_task_state(j, s, t) == SITO_TASK_DONE;
        fprintf(stderr, "sito dedup: step %d %-12s %d tasks%s\n", s, sito_job_step_name(j, s), n,
                done == n ? " (done before)" : done ? " (some done before)" : "");
    }
}

static int run_job(dedup_args *a, sito_job *j)
{
    if (a->ec.slurm)
        return exec_cli_submit(&a->ec, j);
    int rc = exec_cli_run_local(j, a->ec.workers, a->ec.quiet, 0, -1, -1);
    if (rc)
        return rc;
    sito_stats stats;
    char err[1024];
    if (sito_job_merge_stats(j, &stats, err, sizeof err)) {
        fprintf(stderr, "sito dedup: %s\n", err);
        return 1;
    }
    if (!a->ec.quiet)
        fprintf(stderr, "sito dedup: %llu documents, %llu kept, %llu removed -> %s\n",
                (unsigned long long)stats.docs_in, (unsigned long long)stats.docs_kept,
                (unsigned long long)stats.docs_rejected, sito_job_dir(j));
    return 0;
}

int cmd_dedup(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    dedup_args a;
    int rc = parse_args(argc - 1, argv + 1, &a);
    char **abs = rc ? NULL : calloc((size_t)a.n_in, sizeof *abs);
    if (!rc && !abs)
        rc = 2;
    for (int i = 0; !rc && i < a.n_in; i++) {
        FILE *f = fopen(a.inputs[i], "rb");
        if (!f || !(abs[i] = realpath(a.inputs[i], NULL))) {
            fprintf(stderr, "sito dedup: cannot read %s: %s\n", a.inputs[i], strerror(errno));
            rc = 2;
        }
        if (f)
            fclose(f);
    }
    char err[1024] = "", outdir[PATH_MAX];
    sito_dedup_job *dj = NULL;
    sito_job *j = NULL;
    if (!rc && !(dj = sito_dedup_job_new(&a.o, (const char *const *)abs, a.n_in, a.outdir, err,
                                         sizeof err))) {
        fprintf(stderr, "sito dedup: %s\n", err);
        rc = 2;
    }
    if (!rc && !realpath(a.outdir, outdir)) {
        fprintf(stderr, "sito dedup: cannot resolve %s: %s\n", a.outdir, strerror(errno));
        rc = 1;
    }
    if (!rc)
        rc = write_args(&a, outdir, abs);
    if (!rc && (j = exec_job(dj, outdir, &rc)) && !a.ec.quiet)
        print_steps(j);
    if (j)
        rc = run_job(&a, j);
    sito_job_free(j);
    sito_dedup_job_free(dj);
    for (int i = 0; abs && i < a.n_in; i++)
        free(abs[i]);
    free(abs);
    free(a.inputs);
    return rc == 1 && !j ? 1 : rc;
}

/* ------------------------------------------------------------ dedup-step */

/* `sito dedup-step ARGS STEP TASK [--stats FILE]`: one task of a dedup job
 * whose arguments are in the file ARGS (what the executor runs). */
int cmd_dedup_step(int argc, char **argv)
{
    char *end1 = NULL, *end2 = NULL;
    long step = argc >= 4 ? strtol(argv[2], &end1, 10) : -1;
    long task = argc >= 4 ? strtol(argv[3], &end2, 10) : -1;
    const char *stats_path = argc == 6 && !strcmp(argv[4], "--stats") ? argv[5] : NULL;
    if ((argc != 4 && !stats_path) || *end1 || *end2 || step < 0 || task < 0 || task > INT_MAX) {
        fprintf(stderr, "usage: sito dedup-step ARGS-FILE STEP TASK [--stats FILE] "
                        "(run by sito dedup's jobs)\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "r");
    if (!f) {
        fprintf(stderr, "sito dedup-step: cannot read %s: %s\n", argv[1], strerror(errno));
        return 2;
    }
    sito_buf text = {0};
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (sito_buf_append(&text, chunk, got))
            break;
    fclose(f);
    int n = 0, rc = sito_buf_append(&text, "", 1) ? 2 : 0;
    char **args = rc ? NULL : calloc(text.len + 1, sizeof *args);
    for (char *p = text.ptr, *nl; args && p && *p; p = nl ? nl + 1 : NULL) {
        if ((nl = strchr(p, '\n')))
            *nl = 0;
        args[n++] = p;
    }
    dedup_args a = {0};
    if (!args || n < 1 || (rc = parse_args(n, args, &a)) != 0) {
        fprintf(stderr, "sito dedup-step: %s is not a dedup job's argument file\n", argv[1]);
        rc = 2;
    }
    sito_dedup_job *j = NULL;
    char err[1024] = "";
    if (!rc && !(j = sito_dedup_job_new(&a.o, a.inputs, a.n_in, a.outdir, err, sizeof err)))
        rc = 2;
    sito_stats stats;
    memset(&stats, 0, sizeof stats);
    if (!rc && sito_dedup_task_run(j, (int)step, (int)task, &stats, err, sizeof err))
        rc = 1;
    if (!rc && stats_path) {
        memset(&stats, 0, sizeof stats);
        char tmp[PATH_MAX + 32];
        snprintf(tmp, sizeof tmp, "%s.tmp.%ld", stats_path, (long)getpid());
        FILE *out = NULL;
        if (sito_dedup_task_stats(j, (int)task, &stats) || !(out = fopen(tmp, "w")) ||
            sito_stats_write_json(&stats, out) | fclose(out) || rename(tmp, stats_path)) {
            snprintf(err, sizeof err, "cannot write the counters of task %ld to %s", task,
                     stats_path);
            unlink(tmp);
            rc = 1;
        }
    }
    if (rc && err[0])
        fprintf(stderr, "sito dedup-step: %s\n", err);
    sito_dedup_job_free(j);
    free(a.inputs);
    free(args);
    sito_buf_free(&text);
    return rc;
}
