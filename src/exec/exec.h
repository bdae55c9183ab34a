/*
 * exec.h — the job record shared by the executors (job.c, task.c,
 * local.c, slurm.c).  A job is plain data loaded from or saved to
 * DIR/job.json; nothing else describes it, so any process (a Slurm array
 * element) can rebuild it from the file.
 */
#ifndef SITO_EXEC_H
#define SITO_EXEC_H

#include "sito.h"

typedef struct exec_step {
    char name[64];
    int kind;              /* SITO_STEP_RUN or SITO_STEP_COMMAND */
    int n_tasks;
    char **inputs;         /* absolute, sorted */
    size_t n_inputs;
    sito_run_options opt;  /* run steps; the paths point to the three below,
                              the loaded objects belong to opt */
    char *model, *config, *blocklist; /* absolute paths, or NULL */
    char *command;         /* command steps */
} exec_step;

struct sito_job {
    char *dir;             /* absolute */
    exec_step steps[SITO_JOB_MAX_STEPS];
    int n_steps;
};

/* DIR/<what>[/<step>]/task-NNNNN<suffix> into out. */
void exec_task_file(const sito_job *j, int step, int task, const char *what,
                    const char *suffix, char *out, size_t n);
/* mkdir -p.  0 or -1 with errno. */
int exec_mkdirs(const char *path);
/* Seconds on the monotonic clock. */
double exec_now(void);
/* Appends a timestamped line to a task's log; returns 0 or -1. */
int exec_log(const sito_job *j, int step, int task, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
