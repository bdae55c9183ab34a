/*
 * local.c — the local executor: a job's steps in order, each step's
 * unfinished tasks pulled by worker threads from a shared counter.  The
 * calling thread only watches: it reports progress and turns a stop
 * request into a flag the workers check.  Tasks share nothing, so outputs
 * do not depend on the number of workers.
 */
#include "exec/exec.h"

#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

typedef struct worker_slot {
    _Atomic uint64_t bytes, docs;   /* of the task it runs now */
} worker_slot;

typedef struct pool {
    const sito_job *job;
    int step;
    int *pending;                   /* task numbers still to run */
    uint64_t *pending_bytes;        /* input bytes of each */
    int n_pending;
    atomic_int next, stop, done, failed, running, finished_workers;
    _Atomic uint64_t bytes_done, docs_done;
    worker_slot *slots;
    pthread_mutex_t lock;           /* guards the first failure */
    int failed_task;
    char failed_msg[512];
} pool;

typedef struct worker {
    pool *p;
    worker_slot *slot;
    pthread_t thread;
} worker;

static void slot_progress(void *ctx, uint64_t bytes, uint64_t docs)
{
    worker_slot *s = ctx;
    atomic_store(&s->bytes, bytes);
    atomic_store(&s->docs, docs);
}

static int pool_stopped(void *ctx)
{
    return atomic_load(&((pool *)ctx)->stop);
}

static void record_failure(pool *p, int task, const char *msg)
{
    pthread_mutex_lock(&p->lock);
    if (p->failed_task < 0) {
        p->failed_task = task;
        snprintf(p->failed_msg, sizeof p->failed_msg, "%s", msg);
    }
    pthread_mutex_unlock(&p->lock);
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    pool *p = w->p;
    sito_task_ctl ctl = {slot_progress, w->slot, pool_stopped, p};
    char err[512];
    for (;;) {
        int i = atomic_fetch_add(&p->next, 1);
        if (i >= p->n_pending || atomic_load(&p->stop))
            break;
        atomic_fetch_add(&p->running, 1);
        int rc = sito_job_run_task(p->job, p->step, p->pending[i], &ctl, NULL, err, sizeof err);
        atomic_fetch_add(&p->docs_done, atomic_load(&w->slot->docs));
        atomic_fetch_add(&p->bytes_done, p->pending_bytes[i]);
        atomic_store(&w->slot->bytes, 0);
        atomic_store(&w->slot->docs, 0);
        if (rc == SITO_OK)
            atomic_fetch_add(&p->done, 1);
        else if (rc != SITO_EXEC_STOPPED) {
            atomic_fetch_add(&p->failed, 1);
            record_failure(p, p->pending[i], err);
        }
        atomic_fetch_sub(&p->running, 1);
    }
    atomic_fetch_add(&p->finished_workers, 1);
    return NULL;
}

static uint64_t task_bytes(const sito_job *j, int step, int task)
{
    const exec_step *s = &j->steps[step];
    uint64_t sum = 0;
    struct stat st;
    for (size_t i = (size_t)task; i < s->n_inputs; i += (size_t)s->n_tasks)
        if (!stat(s->inputs[i], &st))
            sum += (uint64_t)st.st_size;
    return sum;
}

static void report(pool *p, const sito_local_options *o, int n_workers, int already_done,
                   int total, double t0)
{
    if (!o->progress)
        return;
    sito_job_progress pr = {0};
    pr.step = p->step;
    pr.n_steps = sito_job_steps(p->job);
    pr.step_name = sito_job_step_name(p->job, p->step);
    pr.tasks_total = total;
    pr.tasks_done = already_done + atomic_load(&p->done);
    pr.tasks_failed = atomic_load(&p->failed);
    pr.tasks_running = atomic_load(&p->running);
    for (int i = 0; i < p->n_pending; i++)
        pr.bytes_total += p->pending_bytes[i];
    pr.bytes_done = atomic_load(&p->bytes_done);
    pr.docs_done = atomic_load(&p->docs_done);
    for (int i = 0; i < n_workers; i++) {
        pr.bytes_done += atomic_load(&p->slots[i].bytes);
        pr.docs_done += atomic_load(&p->slots[i].docs);
    }
    pr.seconds = exec_now() - t0;
    o->progress(o->progress_ctx, &pr);
}

/* Runs the unfinished tasks of one step in [first, last]. */
static int run_step(const sito_job *j, int step, const sito_local_options *o, int n_workers,
                    sito_job_result *r)
{
    int n = sito_job_step_tasks(j, step), first = o->first_task < 0 ? 0 : o->first_task;
    int last = o->last_task < 0 || o->last_task >= n ? n - 1 : o->last_task;
    pool p;
    memset(&p, 0, sizeof p);
    p.job = j;
    p.step = step;
    p.failed_task = -1;
    int total = last >= first ? last - first + 1 : 0, already = 0;
    p.pending = calloc((size_t)total + 1, sizeof *p.pending);
    p.pending_bytes = calloc((size_t)total + 1, sizeof *p.pending_bytes);
    if (!p.pending || !p.pending_bytes) {
        free(p.pending);
        free(p.pending_bytes);
        return SITO_ERR_NOMEM;
    }
    for (int t = first; t <= last; t++) {
        if (sito_job_task_state(j, step, t) == SITO_TASK_DONE) {
            already++;
            continue;
        }
        p.pending_bytes[p.n_pending] = task_bytes(j, step, t);
        p.pending[p.n_pending++] = t;
    }
    r->tasks_total += total;
    r->tasks_skipped += already;
    if (n_workers > p.n_pending)
        n_workers = p.n_pending;
    worker *ws = calloc((size_t)n_workers + 1, sizeof *ws);
    p.slots = calloc((size_t)n_workers + 1, sizeof *p.slots);
    pthread_mutex_init(&p.lock, NULL);
    int started = 0, rc = SITO_OK;
    double t0 = exec_now();
    if (!ws || !p.slots)
        rc = SITO_ERR_NOMEM;
    for (; rc == SITO_OK && started < n_workers; started++) {
        ws[started] = (worker){&p, &p.slots[started], 0};
        if (pthread_create(&ws[started].thread, NULL, worker_main, &ws[started])) {
            atomic_store(&p.stop, 1);
            rc = SITO_ERR_NOMEM;
            break;
        }
    }
    while (atomic_load(&p.finished_workers) < started) {
        struct timespec ts = {0, 50 * 1000 * 1000};
        for (int k = 0; k < 4 && atomic_load(&p.finished_workers) < started; k++) {
            nanosleep(&ts, NULL);
            if (o->stop && *o->stop)
                atomic_store(&p.stop, 1);
        }
        report(&p, o, started, already, total, t0);
    }
    for (int i = 0; i < started; i++)
        pthread_join(ws[i].thread, NULL);
    report(&p, o, started, already, total, t0);
    r->tasks_done += already + atomic_load(&p.done);
    r->tasks_failed += atomic_load(&p.failed);
    if (atomic_load(&p.stop) && o->stop && *o->stop)
        r->stopped = 1;
    if (p.failed_task >= 0 && r->failed_step < 0) {
        r->failed_step = step;
        r->failed_task = p.failed_task;
        snprintf(r->failed_msg, sizeof r->failed_msg, "%s", p.failed_msg);
    }
    pthread_mutex_destroy(&p.lock);
    free(ws);
    free(p.slots);
    free(p.pending);
    free(p.pending_bytes);
    return rc;
}

int sito_exec_local(const sito_job *j, const sito_local_options *o, sito_job_result *r)
{
    memset(r, 0, sizeof *r);
    r->failed_step = r->failed_task = -1;
    int workers = o->workers > 0 ? o->workers : (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (workers < 1)
        workers = 1;
    for (int s = 0; s < sito_job_steps(j); s++) {
        if (o->only_step >= 0 && s != o->only_step)
            continue;
        int rc = run_step(j, s, o, workers, r);
        if (rc)
            return rc;
        if (r->tasks_failed || r->stopped)
            break;
    }
    return SITO_OK;
}
