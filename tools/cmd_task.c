/*
 * cmd_task.c — `sito task JOB.json`: runs tasks of a job file.  This is
 * what Slurm array elements run (the job file plus this command line is
 * the whole state), and it also resumes a job by hand.  --merge writes
 * DIR/stats.json from the task stats.
 */
#include "cmds.h"
#include "exec_cli.h"

#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: sito task JOB.json [--step S] [--task N | --task-range A-B] [--workers C]\n"
            "       sito task JOB.json --merge\n"
            "Runs the unfinished tasks of a job file (written by sito run into its output\n"
            "directory): every step in order, or step S (1-based) only, on C worker\n"
            "threads (default: every core).  Finished tasks (completion marker present)\n"
            "are skipped.  --merge merges the tasks' stats into DIR/stats.json.\n"
            "  -q, --quiet   no progress line\n");
}

static int parse_range(const char *s, int *a, int *b)
{
    char *end;
    long x = strtol(s, &end, 10), y = x;
    if (end == s || x < 0)
        return -1;
    if (*end == '-') {
        const char *t = end + 1;
        y = strtol(t, &end, 10);
        if (end == t)
            return -1;
    }
    if (*end || y < x || y > 10000000)
        return -1;
    *a = (int)x;
    *b = (int)y;
    return 0;
}

int cmd_task(int argc, char **argv)
{
    const char *job_file = NULL;
    int step = -1, first = 0, last = -1, workers = 0, merge = 0, quiet = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--merge")) {
            merge = 1;
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            quiet = 1;
        } else if ((!strcmp(a, "--task") || !strcmp(a, "--task-range")) && v) {
            if (parse_range(v, &first, &last)) {
                fprintf(stderr, "sito task: bad task range '%s' (N or A-B)\n", v);
                return 2;
            }
            i++;
        } else if ((!strcmp(a, "--step") || !strcmp(a, "--workers") || !strcmp(a, "-j")) && v) {
            char *end;
            long n = strtol(v, &end, 10);
            if (*end || n < 1 || n > 100000) {
                fprintf(stderr, "sito task: %s needs a positive number, got '%s'\n", a, v);
                return 2;
            }
            if (!strcmp(a, "--step"))
                step = (int)n - 1;
            else
                workers = (int)n;
            i++;
        } else if (a[0] == '-' || job_file) {
            fprintf(stderr, "sito task: unexpected argument '%s' (see sito task --help)\n", a);
            return 2;
        } else {
            job_file = a;
        }
    }
    if (!job_file) {
        usage(stderr);
        return 2;
    }
    char err[1024];
    sito_job *j = sito_job_load(job_file, err, sizeof err);
    if (!j) {
        fprintf(stderr, "sito task: %s\n", err);
        return 2;
    }
    int rc;
    if (step >= sito_job_steps(j)) {
        fprintf(stderr, "sito task: %s has %d steps, no step %d\n", job_file, sito_job_steps(j),
                step + 1);
        rc = 2;
    } else if (merge) {
        sito_stats s;
        rc = sito_job_merge_stats(j, &s, err, sizeof err) ? 1 : 0;
        if (rc)
            fprintf(stderr, "sito task: %s\n", err);
    } else {
        rc = exec_cli_run_local(j, workers, quiet, first, last, step);
    }
    sito_job_free(j);
    return rc;
}
