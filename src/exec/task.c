/*
 * task.c — one task of a job, start to marker: skip if its marker exists,
 * run each input through sito_task_run (run steps) or the step's command
 * (command steps), then write its stats and, last, its marker.  The order
 * matters: a marker means outputs and stats are complete; a task killed
 * before its marker is simply run again.
 */
#include "exec/exec.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define ERR(...) (snprintf(err, errlen, __VA_ARGS__))

typedef struct {
    const sito_task_ctl *ctl;
    uint64_t base_bytes, base_docs;   /* of the task's finished inputs */
} task_progress;

static void on_progress(void *ctx, uint64_t bytes, uint64_t docs)
{
    task_progress *tp = ctx;
    tp->ctl->progress(tp->ctl->progress_ctx, tp->base_bytes + bytes, tp->base_docs + docs);
}

static int stop_requested(const sito_task_ctl *ctl)
{
    return ctl && ctl->stop && ctl->stop(ctl->stop_ctx);
}

static int run_inputs(const sito_job *j, int step, int task, const sito_task_ctl *ctl,
                      sito_stats *total, char *err, size_t errlen)
{
    const exec_step *s = &j->steps[step];
    task_progress tp = {ctl, 0, 0};
    for (size_t i = (size_t)task; i < s->n_inputs; i += (size_t)s->n_tasks) {
        struct stat st;
        sito_stats one;
        if (stop_requested(ctl))
            return SITO_EXEC_STOPPED;
        /* sito_task_run removes temporaries of a killed earlier attempt. */
        memset(&one, 0, sizeof one);
        double t0 = exec_now();
        int rc = sito_task_run(&s->opt, s->inputs[i], j->dir, &one,
                               ctl && ctl->progress ? on_progress : NULL, &tp, err, errlen);
        if (rc) {
            if (!err[0])
                ERR("%s: %s", s->inputs[i], sito_status_str(rc));
            return rc;
        }
        exec_log(j, step, task, "task %d input %s: %llu docs, %llu kept, %llu rejected, %.2f s",
                 task, s->inputs[i], (unsigned long long)one.docs_in,
                 (unsigned long long)one.docs_kept, (unsigned long long)one.docs_rejected,
                 exec_now() - t0);
        sito_stats_merge(total, &one);
        tp.base_bytes += stat(s->inputs[i], &st) ? one.bytes_in : (uint64_t)st.st_size;
        tp.base_docs += one.docs_in;
        if (ctl && ctl->progress)
            ctl->progress(ctl->progress_ctx, tp.base_bytes, tp.base_docs);
    }
    return SITO_OK;
}

/* ------------------------------------------------------ command steps */

static int append_quoted(sito_buf *b, const char *s)
{
    int rc = sito_buf_append(b, "'", 1);
    for (; *s && !rc; s++)
        rc = *s == '\'' ? sito_buf_append(b, "'\\''", 4) : sito_buf_append(b, s, 1);
    return rc ? rc : sito_buf_append(b, "'", 1);
}

/* The step's command with its placeholders replaced by quoted words. */
static int expand_command(const sito_job *j, int step, int task, sito_buf *b)
{
    const exec_step *s = &j->steps[step];
    char num[32];
    int rc = SITO_OK;
    for (const char *p = s->command; *p && !rc; p++) {
        const char *close = *p == '{' ? strchr(p, '}') : NULL;
        size_t n = close ? (size_t)(close - p + 1) : 0;
        if (n == 6 && !memcmp(p, "{task}", 6)) {
            snprintf(num, sizeof num, "%d", task);
            rc = sito_buf_append(b, num, strlen(num));
        } else if (n == 7 && !memcmp(p, "{tasks}", 7)) {
            snprintf(num, sizeof num, "%d", s->n_tasks);
            rc = sito_buf_append(b, num, strlen(num));
        } else if (n == 5 && !memcmp(p, "{dir}", 5)) {
            rc = append_quoted(b, j->dir);
        } else if (n == 6 && !memcmp(p, "{sito}", 6)) {
            char self[PATH_MAX];
            ssize_t k = readlink("/proc/self/exe", self, sizeof self - 1);
            self[k > 0 ? k : 0] = 0;
            rc = append_quoted(b, k > 0 ? self : "sito");
        } else if (n == 7 && !memcmp(p, "{stats}", 7)) {
            char path[PATH_MAX];
            sito_job_task_path(j, step, task, "stats", path, sizeof path);
            rc = append_quoted(b, path);
        } else if ((n == 8 && !memcmp(p, "{inputs}", 8)) || (n == 8 && !memcmp(p, "{shards}", 8))) {
            int shards = p[1] == 's';
            for (size_t i = (size_t)task; i < s->n_inputs && !rc; i += (size_t)s->n_tasks) {
                char shard[256];
                if (shards)
                    sito_shard_name(s->inputs[i], shard, sizeof shard);
                if (i != (size_t)task)
                    rc = sito_buf_append(b, " ", 1);
                if (!rc)
                    rc = append_quoted(b, shards ? shard : s->inputs[i]);
            }
        } else {
            rc = sito_buf_append(b, p, 1);
            continue;
        }
        p += n - 1;
    }
    return rc ? rc : sito_buf_append(b, "", 1);
}

/* Runs the command with stdout and stderr appended to the task's log; on a
 * stop request the command gets SIGTERM. */
static int run_command(const sito_job *j, int step, int task, const sito_task_ctl *ctl,
                       char *err, size_t errlen)
{
    sito_buf cmd = {0};
    char log[PATH_MAX];
    if (expand_command(j, step, task, &cmd))
        return sito_buf_free(&cmd), ERR("out of memory"), SITO_ERR_NOMEM;
    exec_log(j, step, task, "task %d command: %s", task, cmd.ptr);
    sito_job_task_path(j, step, task, "log", log, sizeof log);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_APPEND | O_CREAT, 0666);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    char *argv[] = {"/bin/sh", "-c", cmd.ptr, NULL};
    pid_t pid;
    int rc = posix_spawn(&pid, "/bin/sh", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    sito_buf_free(&cmd);
    if (rc)
        return ERR("cannot run /bin/sh: %s", strerror(rc)), SITO_ERR_IO;
    int status, stopped = 0;
    for (;;) {
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid || (w < 0 && errno != EINTR))
            break;
        if (!stopped && stop_requested(ctl)) {
            kill(pid, SIGTERM);
            stopped = 1;
        }
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    if (stopped)
        return SITO_EXEC_STOPPED;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return SITO_OK;
    if (WIFEXITED(status))
        ERR("command exited with status %d (see %s)", WEXITSTATUS(status), log);
    else
        ERR("command killed by signal %d (see %s)", WTERMSIG(status), log);
    return SITO_ERR_IO;
}

/* --------------------------------------------------------- the task */

static int write_stats(const sito_job *j, int step, int task, const sito_stats *s, char *err,
                       size_t errlen)
{
    char path[PATH_MAX];
    sito_job_task_path(j, step, task, "stats", path, sizeof path);
    if (sito_stats_save_json(s, path, 1) != SITO_OK) {
        ERR("cannot write %s: %s", path, strerror(errno));
        return SITO_ERR_IO;
    }
    return SITO_OK;
}

static int write_marker(const sito_job *j, int step, int task, char *err, size_t errlen)
{
    char path[PATH_MAX];
    sito_job_task_path(j, step, task, "marker", path, sizeof path);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    if (fd < 0 || close(fd))
        return ERR("cannot write %s: %s", path, strerror(errno)), SITO_ERR_IO;
    return SITO_OK;
}

static void log_start(const sito_job *j, int step, int task)
{
    char host[256] = "?";
    const char *arr = getenv("SLURM_ARRAY_JOB_ID"), *idx = getenv("SLURM_ARRAY_TASK_ID");
    gethostname(host, sizeof host - 1);
    if (arr && idx)
        exec_log(j, step, task, "task %d start pid %ld host %s slurm %s_%s", task,
                 (long)getpid(), host, arr, idx);
    else
        exec_log(j, step, task, "task %d start pid %ld host %s", task, (long)getpid(), host);
}

int sito_job_run_task(const sito_job *j, int step, int task, const sito_task_ctl *ctl,
                      int *skipped, char *err, size_t errlen)
{
    char path[PATH_MAX];
    struct stat st;
    err[0] = 0;
    if (skipped)
        *skipped = 0;
    if (step < 0 || step >= j->n_steps || task < 0 || task >= j->steps[step].n_tasks)
        return ERR("no task %d in step %d", task, step + 1), SITO_ERR_ARG;
    sito_job_task_path(j, step, task, "marker", path, sizeof path);
    if (!stat(path, &st)) {
        if (skipped)
            *skipped = 1;
        return SITO_OK;
    }
    log_start(j, step, task);
    double t0 = exec_now();
    sito_stats total;
    memset(&total, 0, sizeof total);
    int rc = j->steps[step].kind == SITO_STEP_RUN
                 ? run_inputs(j, step, task, ctl, &total, err, errlen)
                 : run_command(j, step, task, ctl, err, errlen);
    if (rc == SITO_OK && j->steps[step].kind == SITO_STEP_RUN)
        rc = write_stats(j, step, task, &total, err, errlen);
    if (rc == SITO_OK)
        rc = write_marker(j, step, task, err, errlen);
    if (rc == SITO_OK)
        exec_log(j, step, task, "task %d done in %.2f s", task, exec_now() - t0);
    else if (rc == SITO_EXEC_STOPPED)
        exec_log(j, step, task, "task %d stopped on request", task);
    else
        exec_log(j, step, task, "task %d failed: %s", task, err);
    return rc;
}
