/* exec_cli.h — the executor options of `sito run` (-j, --tasks, --slurm
 * ...) and the code that runs a job with them: progress line, signals,
 * exit status.  cmd_run.c parses its own options and hands the rest here. */
#ifndef SITO_EXEC_CLI_H
#define SITO_EXEC_CLI_H

#include "sito.h"

#define EXEC_CLI_MAX_THEN 8

typedef struct exec_cli {
    const char *name;   /* prefix of messages: "sito run" (exec_cli_init) */
    int workers;        /* -j: 0 = every core */
    int tasks;          /* --tasks: 0 = one per input */
    int slurm;
    int quiet;
    sito_slurm_options so;
    const char *then[EXEC_CLI_MAX_THEN];
    int n_then;
} exec_cli;

extern const char exec_cli_help[];

void exec_cli_init(exec_cli *c);
/* If argv[*i] is an executor option, consumes it and its value (advancing
 * *i) and returns 1; returns 0 when it is not one; -1 after printing a
 * message about a bad value. */
int exec_cli_option(exec_cli *c, int argc, char **argv, int *i);
/* Runs inputs through the run pipeline into outdir as a job, locally or on
 * Slurm.  Returns the exit status of the command (0, 1 failed task, 2 bad
 * usage or job, 130/143 stopped by SIGINT/SIGTERM). */
int exec_cli_run(exec_cli *c, const sito_run_options *opt, char **inputs, int n_inputs,
                 const char *outdir);
/* Shared by `sito task`: a job run locally with a progress line. */
int exec_cli_run_local(const sito_job *j, int workers, int quiet, int first, int last, int step);
/* Submits a saved job to Slurm with c's options and prints what was
 * submitted.  Returns the exit status (0, or 2 when sbatch refused). */
int exec_cli_submit(exec_cli *c, const sito_job *j);
/* The absolute path of this program. */
int exec_cli_self(char *out, size_t n);

#endif
