/*
 * slurm.c — the Slurm executor: one sbatch script per step (split when the
 * step has more array elements than MaxArraySize), chained with
 * --dependency=afterok, plus a final stats-merge job; and the squeue view
 * of a job directory.  Array elements run `sito task DIR/job.json ...`:
 * the job file and the command line are the whole state, nothing pickled.
 * DIR/slurm/submitted.tsv maps Slurm job ids back to step and tasks.
 */
#include "exec/exec.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define ERR(...) (snprintf(err, errlen, __VA_ARGS__))

/* Runs argv (found on PATH); its stdout and stderr go to out (NUL-
 * terminated).  The exit status, or -1 when it could not run. */
static int run_capture(char *const argv[], sito_buf *out)
{
    int fds[2];
    if (pipe(fds))
        return -1;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
    posix_spawn_file_actions_addclose(&fa, fds[0]);
    posix_spawn_file_actions_addclose(&fa, fds[1]);
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (rc) {
        close(fds[0]);
        return -1;
    }
    char chunk[4096];
    ssize_t got;
    while ((got = read(fds[0], chunk, sizeof chunk)) > 0 || (got < 0 && errno == EINTR))
        if (got > 0)
            sito_buf_append(out, chunk, (size_t)got);
    close(fds[0]);
    sito_buf_append(out, "", 1);
    out->len--;
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
        return -1;  /* posix_spawnp's child could not exec */
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int max_array_size(void)
{
    sito_buf b = {0};
    char *argv[] = {"scontrol", "show", "config", NULL};
    int n = 1001;  /* Slurm's default */
    if (run_capture(argv, &b) == 0 && b.ptr) {
        const char *p = strstr(b.ptr, "MaxArraySize");
        if (p && (p = strchr(p, '=')))
            n = atoi(p + 1);
    }
    sito_buf_free(&b);
    return n > 0 ? n : 1001;
}

/* ------------------------------------------------------------ queue */

typedef struct submission {
    char id[32];
    int step, offset, per;
} submission;

/* Reads DIR/slurm/submitted.tsv; *n entries into a malloc'd array. */
static submission *read_submissions(const sito_job *j, int *n)
{
    char path[PATH_MAX], line[256];
    submission *v = NULL;
    int cap = 0;
    *n = 0;
    snprintf(path, sizeof path, "%s/slurm/submitted.tsv", j->dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    while (fgets(line, sizeof line, f)) {
        submission s;
        if (sscanf(line, "%31s %d %d %d", s.id, &s.step, &s.offset, &s.per) != 4)
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            submission *nv = realloc(v, (size_t)cap * sizeof *nv);
            if (!nv)
                break;
            v = nv;
        }
        v[(*n)++] = s;
    }
    fclose(f);
    return v;
}

int sito_slurm_queue(const sito_job *j,
                     void (*fn)(void *ctx, int step, int task, const char *job_id,
                                const char *state),
                     void *ctx)
{
    sito_buf b = {0};
    char *argv[] = {"squeue", "-h", "-r", "-o", "%i|%T|%k", NULL};
    if (run_capture(argv, &b) != 0) {
        sito_buf_free(&b);
        return SITO_ERR_IO;
    }
    int n;
    submission *subs = read_submissions(j, &n);
    for (char *line = b.ptr, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = 0;
        char *st = strchr(line, '|'), *comment = st ? strchr(st + 1, '|') : NULL;
        if (!comment || strcmp(comment + 1, j->dir))
            continue;
        *st++ = 0;
        *comment = 0;
        char *us = strchr(line, '_');
        int idx = us ? atoi(us + 1) : -1;
        if (us)
            *us = 0;
        for (int i = 0; i < n; i++) {
            if (strcmp(subs[i].id, line))
                continue;
            if (subs[i].step < 0 || idx < 0) {   /* the merge job */
                fn(ctx, -1, -1, line, st);
                continue;
            }
            int first = subs[i].offset + idx * subs[i].per;
            for (int t = first; t < first + subs[i].per && t < j->steps[subs[i].step].n_tasks; t++)
                fn(ctx, subs[i].step, t, line, st);
        }
    }
    free(subs);
    sito_buf_free(&b);
    return SITO_OK;
}

static void count_queued(void *ctx, int step, int task, const char *id, const char *state)
{
    (void)step, (void)task, (void)id, (void)state;
    (*(int *)ctx)++;
}

/* ----------------------------------------------------------- submit */

static void put_quoted(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s; s++)
        *s == '\'' ? fputs("'\\''", f) : fputc(*s, f);
    fputc('\'', f);
}

typedef struct chunk {
    int step, index, offset, per, n_tasks;
    sito_buf array;                 /* "0-3,5" */
} chunk;

/* The array elements of [lo, hi) that still have an unfinished task, as
 * indices relative to lo. */
static int pending_elements(const sito_job *j, chunk *c, int lo, int hi)
{
    int run_start = -1, count = 0;
    char tmp[48];
    for (int e = lo; e <= hi; e++) {
        int pending = 0;
        for (int t = e * c->per; e < hi && t < (e + 1) * c->per && t < c->n_tasks && !pending; t++)
            pending = sito_job_task_state(j, c->step, t) != SITO_TASK_DONE;
        if (pending) {
            count++;
            if (run_start < 0)
                run_start = e;
            continue;
        }
        if (run_start >= 0) {
            if (e - 1 > run_start)
                snprintf(tmp, sizeof tmp, "%s%d-%d", c->array.len ? "," : "", run_start - lo, e - 1 - lo);
            else
                snprintf(tmp, sizeof tmp, "%s%d", c->array.len ? "," : "", run_start - lo);
            sito_buf_append(&c->array, tmp, strlen(tmp));
            run_start = -1;
        }
    }
    sito_buf_append(&c->array, "", 1);
    c->array.len--;
    return count;
}

static int write_script(const sito_job *j, const sito_slurm_options *o, const chunk *c,
                        const char *deps, int hold, const char *path, char *err, size_t errlen)
{
    const char *name = j->steps[c->step].name;
    FILE *f = fopen(path, "w");
    if (!f)
        return ERR("cannot write %s: %s", path, strerror(errno)), SITO_ERR_IO;
    fprintf(f, "#!/bin/bash\n");
    fprintf(f, "# Written by sito: step %d of %d (%s), %d tasks, %d per array element.\n",
            c->step + 1, j->n_steps, name, c->n_tasks, c->per);
    fprintf(f, "# Element E runs tasks %d+E*%d .. +%d; finished tasks are skipped.\n", c->offset,
            c->per, c->per - 1);
    fprintf(f, "#SBATCH --job-name=sito-%s\n", name);
    fprintf(f, "#SBATCH --comment=%s\n", j->dir);
    fprintf(f, "#SBATCH --array=%s\n", c->array.ptr);
    fprintf(f, "#SBATCH --output=%s/logs/slurm-%s-%%A_%%a.out\n", j->dir, name);
    fprintf(f, "#SBATCH --open-mode=append\n#SBATCH --requeue\n");
    fprintf(f, "#SBATCH --cpus-per-task=%d\n", o->cpus_per_task > 0 ? o->cpus_per_task : 1);
    if (o->partition)
        fprintf(f, "#SBATCH --partition=%s\n", o->partition);
    if (o->time)
        fprintf(f, "#SBATCH --time=%s\n", o->time);
    if (o->mem)
        fprintf(f, "#SBATCH --mem=%s\n", o->mem);
    if (deps[0])
        fprintf(f, "#SBATCH --dependency=afterok%s\n", deps);
    if (hold)
        fprintf(f, "#SBATCH --hold\n");
    fprintf(f, "set -eu\n");
    fprintf(f, "first=$(( %d + SLURM_ARRAY_TASK_ID * %d ))\n", c->offset, c->per);
    fprintf(f, "last=$(( first + %d ))\n", c->per - 1);
    fprintf(f, "[ \"$last\" -lt %d ] || last=%d\n", c->n_tasks, c->n_tasks - 1);
    fprintf(f, "exec ");
    put_quoted(f, o->sito_path);
    fprintf(f, " task ");
    char jf[PATH_MAX];
    snprintf(jf, sizeof jf, "%s/job.json", j->dir);
    put_quoted(f, jf);
    fprintf(f, " --step %d --task-range \"$first-$last\" --workers %d\n", c->step + 1,
            o->cpus_per_task > 0 ? o->cpus_per_task : 1);
    int bad = ferror(f);
    if (fclose(f) || bad)
        return ERR("cannot write %s: %s", path, strerror(errno)), SITO_ERR_IO;
    return SITO_OK;
}

static int write_merge_script(const sito_job *j, const sito_slurm_options *o, const char *deps,
                              const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "w");
    char jf[PATH_MAX];
    if (!f)
        return ERR("cannot write %s: %s", path, strerror(errno)), SITO_ERR_IO;
    snprintf(jf, sizeof jf, "%s/job.json", j->dir);
    fprintf(f, "#!/bin/bash\n# Written by sito: merges the task stats into stats.json.\n");
    fprintf(f, "#SBATCH --job-name=sito-merge\n#SBATCH --comment=%s\n", j->dir);
    fprintf(f, "#SBATCH --output=%s/logs/slurm-merge-%%j.out\n#SBATCH --requeue\n", j->dir);
    if (o->partition)
        fprintf(f, "#SBATCH --partition=%s\n", o->partition);
    if (deps[0])
        fprintf(f, "#SBATCH --dependency=afterok%s\n", deps);
    fprintf(f, "exec ");
    put_quoted(f, o->sito_path);
    fprintf(f, " task ");
    put_quoted(f, jf);
    fprintf(f, " --merge\n");
    int bad = ferror(f);
    if (fclose(f) || bad)
        return ERR("cannot write %s: %s", path, strerror(errno)), SITO_ERR_IO;
    return SITO_OK;
}

/* sbatch --parsable SCRIPT; the job id into id. */
static int submit(const sito_job *j, const char *script, int step, int offset, int per,
                  sito_slurm_result *r, char *id, size_t idlen, char *err, size_t errlen)
{
    sito_buf b = {0};
    char *argv[] = {"sbatch", "--parsable", (char *)script, NULL};
    int rc = run_capture(argv, &b);
    if (rc != 0) {
        char *nl = b.ptr ? strchr(b.ptr, '\n') : NULL;
        if (nl)
            *nl = 0;
        if (rc < 0)
            ERR("cannot run sbatch (is Slurm installed and on PATH?)");
        else
            ERR("sbatch %s failed: %s", script, b.ptr ? b.ptr : "");
        sito_buf_free(&b);
        return SITO_ERR_IO;
    }
    size_t n = strcspn(b.ptr, ";\n ");
    snprintf(id, idlen, "%.*s", (int)n, b.ptr);
    sito_buf_free(&b);
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/slurm/submitted.tsv", j->dir);
    FILE *f = fopen(path, "a");
    if (f) {
        fprintf(f, "%s\t%d\t%d\t%d\t%s\n", id, step, offset, per, script);
        fclose(f);
    }
    size_t used = strlen(r->job_ids);
    snprintf(r->job_ids + used, sizeof r->job_ids - used, "%s%s", used ? " " : "", id);
    return SITO_OK;
}

/* Submits the arrays of one step; deps in, this step's ids out. */
static int submit_step(const sito_job *j, const sito_slurm_options *o, int step, int max_array,
                       sito_buf *deps, sito_slurm_result *r, char *err, size_t errlen)
{
    int per = o->tasks_per_job > 0 ? o->tasks_per_job : 1;
    int n = j->steps[step].n_tasks, elements = (n + per - 1) / per;
    sito_buf mine = {0};
    int rc = SITO_OK;
    sito_buf_append(&mine, "", 1);
    mine.len = 0;
    for (int lo = 0, k = 0; lo < elements && rc == SITO_OK; lo += max_array, k++) {
        int hi = lo + max_array < elements ? lo + max_array : elements;
        chunk c = {step, k, lo * per, per, n, {0}};
        int count = pending_elements(j, &c, lo, hi);
        char script[PATH_MAX], id[32];
        if (count) {
            snprintf(script, sizeof script, "%s/slurm/step-%02d-%s-%03d.sbatch", j->dir,
                     step + 1, j->steps[step].name, k);
            rc = write_script(j, o, &c, deps->ptr ? deps->ptr : "", o->hold && r->arrays == 0,
                              script, err, errlen);
            if (!rc)
                rc = submit(j, script, step, c.offset, per, r, id, sizeof id, err, errlen);
            if (!rc) {
                sito_buf_append(&mine, ":", 1);
                sito_buf_append(&mine, id, strlen(id) + 1);
                mine.len--;
                r->arrays++;
                for (int t = lo * per; t < hi * per && t < n; t++)
                    r->tasks_pending += sito_job_task_state(j, step, t) != SITO_TASK_DONE;
            }
        }
        sito_buf_free(&c.array);
    }
    /* The next step waits for this one only if this one was submitted. */
    if (mine.len) {
        sito_buf_free(deps);
        *deps = mine;
    } else {
        sito_buf_free(&mine);
    }
    return rc;
}

int sito_exec_slurm(const sito_job *j, const sito_slurm_options *o, sito_slurm_result *r,
                    char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    int pending = 0, queued = 0;
    for (int s = 0; s < j->n_steps; s++) {
        for (int t = 0; t < j->steps[s].n_tasks; t++)
            pending += sito_job_task_state(j, s, t) != SITO_TASK_DONE;
    }
    if (!pending)
        return SITO_OK;
    if (!o->sito_path || o->sito_path[0] != '/')
        return ERR("the sito program path must be absolute"), SITO_ERR_ARG;
    if (sito_slurm_queue(j, count_queued, &queued) == SITO_OK && queued)
        return ERR("%d task%s of %s %s still queued or running (squeue): wait for them or "
                   "scancel them before submitting again",
                   queued, queued == 1 ? "" : "s", j->dir, queued == 1 ? "is" : "are"),
               SITO_ERR_ARG;
    int max_array = o->max_array_size > 0 ? o->max_array_size : max_array_size();
    sito_buf deps = {0};
    int rc = SITO_OK;
    for (int s = 0; s < j->n_steps && rc == SITO_OK; s++)
        rc = submit_step(j, o, s, max_array, &deps, r, err, errlen);
    if (rc == SITO_OK) {   /* run tasks' and commands' {stats} */
        char script[PATH_MAX], id[32];
        snprintf(script, sizeof script, "%s/slurm/merge.sbatch", j->dir);
        rc = write_merge_script(j, o, deps.ptr ? deps.ptr : "", script, err, errlen);
        if (!rc)
            rc = submit(j, script, -1, 0, 0, r, id, sizeof id, err, errlen);
    }
    sito_buf_free(&deps);
    return rc;
}
