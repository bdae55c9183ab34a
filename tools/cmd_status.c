/*
 * cmd_status.c — `sito status DIR`: what the completion markers, the task
 * logs and squeue say about each task of a job, and which logs to read for
 * failures.  Exit status 0 when every task is done (stats.json is then
 * merged if missing), 1 otherwise, 2 on bad usage.
 */
#include "cmds.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { ST_MISSING, ST_QUEUED, ST_RUNNING, ST_FAILED, ST_DONE, ST_N };
static const char *const state_names[ST_N] = {"missing", "queued", "running", "failed", "done"};

typedef struct queue_view {
    const sito_job *job;
    unsigned char *state[SITO_JOB_MAX_STEPS];   /* per task: 0, ST_QUEUED, ST_RUNNING */
    int merge_queued;
} queue_view;

static void on_queued(void *ctx, int step, int task, const char *id, const char *state)
{
    queue_view *q = ctx;
    (void)id;
    if (step < 0) {
        q->merge_queued = 1;
        return;
    }
    q->state[step][task] = !strcmp(state, "RUNNING") || !strcmp(state, "COMPLETING")
                               ? ST_RUNNING
                               : ST_QUEUED;
}

/* The last "failed:" message of a task log and the Slurm element that ran
 * the last attempt ("123_4"), if any. */
static void last_attempt(const char *log, char *msg, size_t n, char *slurm, size_t sn)
{
    char line[2048];
    FILE *f = fopen(log, "r");
    msg[0] = slurm[0] = 0;
    if (!f)
        return;
    while (fgets(line, sizeof line, f)) {
        char *p;
        line[strcspn(line, "\n")] = 0;
        if ((p = strstr(line, " failed: ")))
            snprintf(msg, n, "%s", p + 9);
        else if (strstr(line, " stopped on request"))
            snprintf(msg, n, "stopped on request");
        if (strstr(line, " start ")) {
            p = strstr(line, " slurm ");
            snprintf(slurm, sn, "%s", p ? p + 7 : "");
            if (!p)
                msg[0] = 0;
        }
    }
    fclose(f);
}

static int task_state(const sito_job *j, const queue_view *q, int s, int t)
{
    int st = sito_job_task_state(j, s, t);
    if (st == SITO_TASK_DONE)
        return ST_DONE;
    if (q->state[s] && q->state[s][t])
        return q->state[s][t];
    if (st == SITO_TASK_STARTED)
        return ST_RUNNING;
    return st == SITO_TASK_FAILED ? ST_FAILED : ST_MISSING;
}

static void report_failed(const sito_job *j, int s, int t)
{
    char log[4096], msg[1024], slurm[64];
    sito_job_task_path(j, s, t, "log", log, sizeof log);
    last_attempt(log, msg, sizeof msg, slurm, sizeof slurm);
    printf("  failed: task %d: %s\n          read %s", t, msg[0] ? msg : "(no message)", log);
    if (slurm[0])
        printf(" and %s/logs/slurm-%s-%s.out", sito_job_dir(j), sito_job_step_name(j, s), slurm);
    printf("\n");
}

static int show_step(const sito_job *j, const queue_view *q, int s)
{
    int n = sito_job_step_tasks(j, s), count[ST_N] = {0}, shown = 0;
    for (int t = 0; t < n; t++)
        count[task_state(j, q, s, t)]++;
    printf("step %d/%d %s: %d task%s: %d done, %d running, %d queued, %d failed, %d missing\n",
           s + 1, sito_job_steps(j), sito_job_step_name(j, s), n, n == 1 ? "" : "s",
           count[ST_DONE], count[ST_RUNNING], count[ST_QUEUED], count[ST_FAILED],
           count[ST_MISSING]);
    for (int t = 0; t < n && shown < 20; t++) {
        int st = task_state(j, q, s, t);
        if (st == ST_FAILED) {
            report_failed(j, s, t);
            shown++;
        }
    }
    if (count[ST_MISSING] && count[ST_MISSING] <= 20) {
        printf("  missing:");
        for (int t = 0; t < n; t++)
            if (task_state(j, q, s, t) == ST_MISSING)
                printf(" %d", t);
        printf("\n");
    }
    (void)state_names;
    return count[ST_DONE] == n;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: sito status DIR\n"
               "Shows the tasks of the job in DIR (written by sito run): done (completion\n"
               "marker), running, queued (squeue), failed (with the logs to read) and\n"
               "missing (never started).  With every task done, merges DIR/stats.json if it\n"
               "is missing.  Exit status: 0 all done, 1 not all done, 2 bad usage.\n");
}

int cmd_status(int argc, char **argv)
{
    if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        usage(stdout);
        return 0;
    }
    if (argc != 2 || argv[1][0] == '-') {
        usage(stderr);
        return 2;
    }
    char path[4096], err[1024];
    snprintf(path, sizeof path, "%s/job.json", argv[1]);
    sito_job *j = sito_job_load(path, err, sizeof err);
    if (!j) {
        fprintf(stderr, "sito status: %s is not a job directory: %s\n", argv[1], err);
        return 2;
    }
    queue_view q = {j, {0}, 0};
    for (int s = 0; s < sito_job_steps(j); s++)
        q.state[s] = calloc((size_t)sito_job_step_tasks(j, s), 1);
    int have_queue = sito_slurm_queue(j, on_queued, &q) == SITO_OK;
    int all = 1;
    printf("job %s%s\n", sito_job_dir(j), have_queue ? "" : " (no squeue: Slurm state unknown)");
    for (int s = 0; s < sito_job_steps(j); s++)
        all &= show_step(j, &q, s);
    snprintf(path, sizeof path, "%s/stats.json", sito_job_dir(j));
    if (all && access(path, F_OK)) {
        sito_stats st;
        if (sito_job_merge_stats(j, &st, err, sizeof err))
            fprintf(stderr, "sito status: %s\n", err);
    }
    if (all)
        printf("all tasks done; stats: %s\n", path);
    else if (q.merge_queued)
        printf("the stats merge job is queued\n");
    for (int s = 0; s < sito_job_steps(j); s++)
        free(q.state[s]);
    sito_job_free(j);
    return all ? 0 : 1;
}
