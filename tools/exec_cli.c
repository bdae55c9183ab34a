/*
 * exec_cli.c — executor options and job running for `sito run` and
 * `sito task`.  Signals: the first SIGINT/SIGTERM asks the executor to stop
 * (no new task starts; running tasks stop at their next input; no marker
 * is written for them); a second one kills at once.  Either way nothing is
 * left under a final output name, and the next run resumes.
 */
#include "exec_cli.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char exec_cli_help[] =
    "executor options:\n"
    "  -j, --jobs N          worker threads (default: every core)\n"
    "  --tasks N             tasks of the job (default: one per input); task i\n"
    "                        handles inputs i, i+N, ... of the sorted input list\n"
    "  --then CMD            a further step: shell command run once per task after\n"
    "                        every run task is done; {task} {tasks} {dir} {inputs}\n"
    "                        {shards} are replaced (repeatable)\n"
    "  -q, --quiet           no progress line\n"
    "  --slurm               submit to Slurm (sbatch job arrays) instead of running\n"
    "  --partition P --time T --mem M --cpus-per-task C\n"
    "                        sbatch resources of every array element\n"
    "  --tasks-per-job K     tasks per array element (default 1)\n"
    "  --max-array-size S    split arrays above S elements (default: scontrol's)\n"
    "  --hold                submit the first array held (scontrol release ID)\n";

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    stop_signal = sig;
}

static void catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESETHAND;   /* a second signal kills */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

void exec_cli_init(exec_cli *c)
{
    memset(c, 0, sizeof *c);
    c->name = "sito run";
}

static int parse_int(const char *name, const char *opt, const char *v, int min, int *out)
{
    char *end;
    long n = v ? strtol(v, &end, 10) : 0;
    if (!v || !*v || *end || n < min || n > 1000000) {
        fprintf(stderr, "%s: %s needs a number >= %d, got '%s'\n", name, opt, min, v ? v : "");
        return -1;
    }
    *out = (int)n;
    return 1;
}

int exec_cli_option(exec_cli *c, int argc, char **argv, int *i)
{
    const char *a = argv[*i], *v = *i + 1 < argc ? argv[*i + 1] : NULL;
    if (!strcmp(a, "--slurm"))
        return c->slurm = 1;
    if (!strcmp(a, "--hold"))
        return c->so.hold = 1;
    if (!strcmp(a, "-q") || !strcmp(a, "--quiet"))
        return c->quiet = 1;
    int *num = !strcmp(a, "-j") || !strcmp(a, "--jobs")   ? &c->workers
               : !strcmp(a, "--tasks")                     ? &c->tasks
               : !strcmp(a, "--cpus-per-task")             ? &c->so.cpus_per_task
               : !strcmp(a, "--tasks-per-job")             ? &c->so.tasks_per_job
               : !strcmp(a, "--max-array-size")            ? &c->so.max_array_size
                                                           : NULL;
    const char **str = !strcmp(a, "--partition") ? &c->so.partition
                       : !strcmp(a, "--time")    ? &c->so.time
                       : !strcmp(a, "--mem")     ? &c->so.mem
                       : !strcmp(a, "--then")    ? &c->then[c->n_then]
                                                 : NULL;
    if (!num && !str)
        return 0;
    if (!v) {
        fprintf(stderr, "%s: %s needs a value\n", c->name, a);
        return -1;
    }
    (*i)++;
    if (num)
        return parse_int(c->name, a, v, 1, num);
    if (str == &c->then[c->n_then] && ++c->n_then > EXEC_CLI_MAX_THEN - 1) {
        fprintf(stderr, "%s: at most %d --then steps\n", c->name, EXEC_CLI_MAX_THEN - 1);
        return -1;
    }
    *str = v;
    return 1;
}

int exec_cli_self(char *out, size_t n)
{
    ssize_t k = readlink("/proc/self/exe", out, n - 1);
    if (k <= 0)
        return -1;
    out[k] = 0;
    return 0;
}

/* ------------------------------------------------------- progress line */

static void fmt_eta(double s, char *out, size_t n)
{
    if (s < 0 || s > 360000)
        snprintf(out, n, "--:--");
    else if (s >= 3600)
        snprintf(out, n, "%d:%02d:%02d", (int)s / 3600, (int)s / 60 % 60, (int)s % 60);
    else
        snprintf(out, n, "%d:%02d", (int)s / 60, (int)s % 60);
}

static void progress_line(void *ctx, const sito_job_progress *p)
{
    (void)ctx;
    double t = p->seconds > 0.001 ? p->seconds : 0.001;
    double rate = (double)p->bytes_done / t;
    char eta[32];
    fmt_eta(rate > 0 ? (double)(p->bytes_total - (p->bytes_done < p->bytes_total ? p->bytes_done : p->bytes_total)) / rate : -1,
            eta, sizeof eta);
    fprintf(stderr, "\r\033[K[%s%s%d/%d] tasks %d/%d done, %d running%s | %.1f MB/s, %.0f docs/s | ETA %s",
            p->step_name, " ", p->step + 1, p->n_steps, p->tasks_done, p->tasks_total,
            p->tasks_running, p->tasks_failed ? ", FAILED" : "", rate / 1e6,
            (double)p->docs_done / t, eta);
    fflush(stderr);
}

int exec_cli_run_local(const sito_job *j, int workers, int quiet, int first, int last, int step)
{
    sito_local_options lo = {0};
    sito_job_result r;
    int tty = !quiet && isatty(2);
    lo.workers = workers;
    lo.first_task = first;
    lo.last_task = last;
    lo.only_step = step;
    lo.stop = &stop_signal;
    lo.progress = tty ? progress_line : NULL;
    catch_signals();
    int rc = sito_exec_local(j, &lo, &r);
    if (tty)
        fputs("\n", stderr);
    if (rc) {
        fprintf(stderr, "sito: cannot run %s: %s\n", sito_job_dir(j), sito_status_str(rc));
        return 1;
    }
    if (r.stopped) {
        fprintf(stderr, "sito: stopped by signal %d: %d of %d tasks done; run the same command "
                        "again to resume\n",
                (int)stop_signal, r.tasks_done, r.tasks_total);
        return 128 + (int)stop_signal;
    }
    if (r.tasks_failed) {
        char log[4096];
        sito_job_task_path(j, r.failed_step, r.failed_task, "log", log, sizeof log);
        fprintf(stderr, "sito: %d task%s failed; first: step %s task %d: %s (log: %s)\n",
                r.tasks_failed, r.tasks_failed == 1 ? "" : "s",
                sito_job_step_name(j, r.failed_step), r.failed_task, r.failed_msg, log);
        return 1;
    }
    if (!quiet && r.tasks_skipped)
        fprintf(stderr, "sito: %d of %d tasks were already complete (skipped)\n",
                r.tasks_skipped, r.tasks_total);
    return 0;
}

/* ------------------------------------------------------------ the job */

/* The job, or NULL with *exit_code set: 2 for bad inputs or a refused
 * job, 1 when the output directory cannot be written. */
static sito_job *build_job(const exec_cli *c, const sito_run_options *opt, char **inputs,
                           int n, const char *outdir, int *exit_code)
{
    char err[1024];
    sito_job *j = sito_job_new(outdir);
    if (!j) {
        fprintf(stderr, "sito run: out of memory\n");
        return NULL;
    }
    int rc = sito_job_add_step(j, SITO_STEP_RUN, "run", opt, NULL, (const char *const *)inputs,
                               (size_t)n, c->tasks, err, sizeof err);
    for (int i = 0; !rc && i < c->n_then; i++) {
        char name[16];
        snprintf(name, sizeof name, "then%d", i + 1);
        rc = sito_job_add_step(j, SITO_STEP_COMMAND, name, NULL, c->then[i],
                               (const char *const *)inputs, (size_t)n, sito_job_step_tasks(j, 0),
                               err, sizeof err);
    }
    *exit_code = 2;
    if (!rc && (rc = sito_job_save(j, err, sizeof err)) == SITO_ERR_IO)
        *exit_code = 1;
    if (rc) {
        fprintf(stderr, "sito run: %s\n", err);
        sito_job_free(j);
        return NULL;
    }
    return j;
}

static int merge_stats(const sito_job *j, int quiet)
{
    sito_stats s;
    char err[1024];
    if (sito_job_merge_stats(j, &s, err, sizeof err)) {
        fprintf(stderr, "sito: %s\n", err);
        return 1;
    }
    if (!quiet)
        fprintf(stderr, "sito run: %llu inputs, %llu documents kept, %llu rejected -> %s\n",
                (unsigned long long)s.inputs, (unsigned long long)s.docs_kept,
                (unsigned long long)s.docs_rejected, sito_job_dir(j));
    return 0;
}

int exec_cli_submit(exec_cli *c, const sito_job *j)
{
    char self[4096], err[1024];
    sito_slurm_result r;
    if (exec_cli_self(self, sizeof self)) {
        fprintf(stderr, "%s: cannot find the path of this program (/proc/self/exe)\n", c->name);
        return 2;
    }
    c->so.sito_path = self;
    if (sito_exec_slurm(j, &c->so, &r, err, sizeof err)) {
        fprintf(stderr, "%s: %s\n", c->name, err);
        return 2;
    }
    if (r.tasks_pending == 0) {
        char stats[4096];
        snprintf(stats, sizeof stats, "%s/stats.json", sito_job_dir(j));
        printf("%s: every task of %s is complete; nothing submitted\n", c->name, sito_job_dir(j));
        return access(stats, F_OK) ? merge_stats(j, 1) : 0;
    }
    printf("%s: submitted %d task%s of %s in %d array%s (jobs %s); "
           "`sito status %s` shows progress\n",
           c->name, r.tasks_pending, r.tasks_pending == 1 ? "" : "s", sito_job_dir(j), r.arrays,
           r.arrays == 1 ? "" : "s", r.job_ids, sito_job_dir(j));
    return 0;
}

int exec_cli_run(exec_cli *c, const sito_run_options *opt, char **inputs, int n_inputs,
                 const char *outdir)
{
    int rc;
    sito_job *j = build_job(c, opt, inputs, n_inputs, outdir, &rc);
    if (!j)
        return rc;
    if (c->slurm)
        rc = exec_cli_submit(c, j);
    else {
        rc = exec_cli_run_local(j, c->workers, c->quiet, 0, -1, -1);
        if (rc == 0)
            rc = merge_stats(j, c->quiet);
    }
    sito_job_free(j);
    return rc;
}
