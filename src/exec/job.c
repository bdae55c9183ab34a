/*
 * job.c — a job's description and its files: building steps, job.json
 * (write, read back, compare), task-to-input assignment, task states from
 * markers and logs, merged stats.  Task i of N gets inputs i, i+N, ... of
 * the sorted list: changing N or the inputs reassigns shards, which is why
 * save refuses a different job over a directory with finished tasks.
 */
#include "exec/exec.h"
#include "exec/json.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define ERR(...) (snprintf(err, errlen, __VA_ARGS__))

double exec_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int exec_mkdirs(const char *path)
{
    char tmp[PATH_MAX];
    if (snprintf(tmp, sizeof tmp, "%s", path) >= (int)sizeof tmp) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (char *p = tmp + 1;; p++) {
        if (*p == '/' || *p == 0) {
            char c = *p;
            *p = 0;
            if (mkdir(tmp, 0777) && errno != EEXIST)
                return -1;
            *p = c;
            if (!c)
                return 0;
        }
    }
}

void exec_task_file(const sito_job *j, int step, int task, const char *what,
                    const char *suffix, char *out, size_t n)
{
    if (step == 0)
        snprintf(out, n, "%s/%s/task-%05d%s", j->dir, what, task, suffix);
    else
        snprintf(out, n, "%s/%s/%s/task-%05d%s", j->dir, what, j->steps[step].name, task, suffix);
}

void sito_job_task_path(const sito_job *j, int step, int task, const char *what, char *out,
                        size_t n)
{
    if (!strcmp(what, "log"))
        exec_task_file(j, step, task, "logs", ".log", out, n);
    else if (!strcmp(what, "stats"))
        exec_task_file(j, step, task, "stats", ".json", out, n);
    else
        exec_task_file(j, step, task, "completions", "", out, n);
}

int exec_log(const sito_job *j, int step, int task, const char *fmt, ...)
{
    char path[PATH_MAX], stamp[32];
    sito_job_task_path(j, step, task, "log", path, sizeof path);
    FILE *f = fopen(path, "a");
    if (!f)
        return -1;
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    fprintf(f, "%s ", stamp);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fputc('\n', f);
    return fclose(f) ? -1 : 0;
}

/* ------------------------------------------------------------ building */

sito_job *sito_job_new(const char *dir)
{
    sito_job *j = calloc(1, sizeof *j);
    char cwd[PATH_MAX];
    if (!j)
        return NULL;
    if (dir[0] == '/' || !getcwd(cwd, sizeof cwd))
        j->dir = strdup(dir);
    else if ((j->dir = malloc(strlen(cwd) + strlen(dir) + 2)))
        sprintf(j->dir, "%s/%s", cwd, dir);
    if (!j->dir) {
        free(j);
        return NULL;
    }
    /* Trailing slashes would make paths compare unequal. */
    for (size_t n = strlen(j->dir); n > 1 && j->dir[n - 1] == '/'; n--)
        j->dir[n - 1] = 0;
    return j;
}

static int same_path(const char *a, const char *b)
{
    return a && b ? !strcmp(a, b) : !a && !b;
}

static void free_step(exec_step *s)
{
    for (size_t i = 0; i < s->n_inputs; i++)
        free(s->inputs[i]);
    free(s->inputs);
    sito_run_options_free(&s->opt);
    free(s->model);
    free(s->config);
    free(s->blocklist);
    free(s->command);
    memset(s, 0, sizeof *s);
}

void sito_job_free(sito_job *j)
{
    if (!j)
        return;
    for (int i = 0; i < j->n_steps; i++)
        free_step(&j->steps[i]);
    free(j->dir);
    free(j);
}

static char *absolute(const char *path)
{
    char cwd[PATH_MAX];
    if (path[0] == '/' || !getcwd(cwd, sizeof cwd))
        return strdup(path);
    char *p = malloc(strlen(cwd) + strlen(path) + 2);
    if (p)
        sprintf(p, "%s/%s", cwd, path);
    return p;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int valid_name(const char *s)
{
    if (!*s || strlen(s) >= 64)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '_' || *s == '-'))
            return 0;
    return 1;
}

/* Two inputs with one shard name would write the same output file. */
static int check_shards(const exec_step *s, char *err, size_t errlen)
{
    char (*names)[256] = malloc(s->n_inputs * sizeof *names);
    if (!names && s->n_inputs)
        return ERR("out of memory"), SITO_ERR_NOMEM;
    for (size_t i = 0; i < s->n_inputs; i++)
        sito_shard_name(s->inputs[i], names[i], sizeof names[i]);
    for (size_t i = 0; i < s->n_inputs; i++)
        for (size_t k = i + 1; k < s->n_inputs; k++)
            if (!strcmp(names[i], names[k])) {
                ERR("%s and %s have the same shard name '%s' (their outputs would collide)",
                    s->inputs[i], s->inputs[k], names[i]);
                free(names);
                return SITO_ERR_ARG;
            }
    free(names);
    return SITO_OK;
}

static int set_inputs(exec_step *s, const char *const *inputs, size_t n, char *err,
                      size_t errlen)
{
    s->inputs = calloc(n ? n : 1, sizeof *s->inputs);
    if (!s->inputs)
        return ERR("out of memory"), SITO_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        if (s->kind == SITO_STEP_RUN && access(inputs[i], R_OK))
            return ERR("cannot read %s: %s", inputs[i], strerror(errno)), SITO_ERR_IO;
        if (!(s->inputs[i] = absolute(inputs[i])))
            return ERR("out of memory"), SITO_ERR_NOMEM;
        s->n_inputs++;
    }
    qsort(s->inputs, n, sizeof *s->inputs, cmp_str);
    return SITO_OK;
}

int sito_job_add_step(sito_job *j, int kind, const char *name, const sito_run_options *opt,
                      const char *command, const char *const *inputs, size_t n_inputs,
                      int n_tasks, char *err, size_t errlen)
{
    if (j->n_steps == SITO_JOB_MAX_STEPS)
        return ERR("a job has at most %d steps", SITO_JOB_MAX_STEPS), SITO_ERR_LIMIT;
    if (!valid_name(name))
        return ERR("step name '%s' is not [A-Za-z0-9_-]{1,63}", name), SITO_ERR_ARG;
    for (int i = 0; i < j->n_steps; i++)
        if (!strcmp(j->steps[i].name, name))
            return ERR("two steps are called '%s'", name), SITO_ERR_ARG;
    if ((kind == SITO_STEP_RUN) != (command == NULL) || (kind == SITO_STEP_RUN && !opt))
        return ERR("step '%s': a run step has options, a command step a command", name),
               SITO_ERR_ARG;
    if (kind == SITO_STEP_RUN && n_inputs == 0)
        return ERR("step '%s' has no inputs", name), SITO_ERR_ARG;
    if (n_tasks == 0)
        n_tasks = n_inputs ? (int)n_inputs : 1;
    if (n_tasks < 0 || (n_inputs && (size_t)n_tasks > n_inputs))
        return ERR("step '%s': %d tasks for %zu inputs (at most one task per input)", name,
                   n_tasks, n_inputs),
               SITO_ERR_ARG;
    exec_step *s = &j->steps[j->n_steps];
    memset(s, 0, sizeof *s);
    snprintf(s->name, sizeof s->name, "%s", name);
    s->kind = kind;
    s->n_tasks = n_tasks;
    int rc = set_inputs(s, inputs, n_inputs, err, errlen);
    if (!rc && kind == SITO_STEP_RUN) {
        s->opt = *opt;
        s->opt.model = NULL;
        s->opt.quality = NULL;
        s->opt.blocklist = NULL;
        s->opt.owned = 0;
        if (opt->model_path && !(s->model = realpath(opt->model_path, NULL)))
            rc = (ERR("cannot read model %s: %s", opt->model_path, strerror(errno)), SITO_ERR_IO);
        if (!rc && opt->config_path && !(s->config = realpath(opt->config_path, NULL)))
            rc = (ERR("cannot read %s: %s", opt->config_path, strerror(errno)), SITO_ERR_IO);
        if (!rc && opt->blocklist_path && !(s->blocklist = realpath(opt->blocklist_path, NULL)))
            rc = (ERR("cannot read %s: %s", opt->blocklist_path, strerror(errno)), SITO_ERR_IO);
        s->opt.model_path = s->model;
        s->opt.config_path = s->config;
        s->opt.blocklist_path = s->blocklist;
        if (!rc)
            rc = sito_run_options_load(&s->opt, err, errlen);
        if (!rc)
            rc = check_shards(s, err, errlen);
    }
    if (!rc && command && !(s->command = strdup(command)))
        rc = (ERR("out of memory"), SITO_ERR_NOMEM);
    if (rc) {
        free_step(s);
        return rc;
    }
    j->n_steps++;
    return SITO_OK;
}

/* ----------------------------------------------------------- accessors */

const char *sito_job_dir(const sito_job *j) { return j->dir; }
int sito_job_steps(const sito_job *j) { return j->n_steps; }
const char *sito_job_step_name(const sito_job *j, int step) { return j->steps[step].name; }
int sito_job_step_kind(const sito_job *j, int step) { return j->steps[step].kind; }
int sito_job_step_tasks(const sito_job *j, int step) { return j->steps[step].n_tasks; }

size_t sito_job_task_inputs(const sito_job *j, int step, int task, const char **out, size_t max)
{
    const exec_step *s = &j->steps[step];
    size_t n = 0;
    for (size_t i = (size_t)task; i < s->n_inputs; i += (size_t)s->n_tasks, n++)
        if (n < max)
            out[n] = s->inputs[i];
    return n;
}

int sito_job_task_state(const sito_job *j, int step, int task)
{
    char path[PATH_MAX], line[1024], last[16] = "";
    struct stat st;
    sito_job_task_path(j, step, task, "marker", path, sizeof path);
    if (!stat(path, &st))
        return SITO_TASK_DONE;
    sito_job_task_path(j, step, task, "log", path, sizeof path);
    FILE *f = fopen(path, "r");
    if (!f)
        return SITO_TASK_MISSING;
    /* Lines are "STAMP task N EVENT ..."; the last event decides. */
    while (fgets(line, sizeof line, f)) {
        char ev[16];
        int n;
        if (sscanf(line, "%*s task %d %15[a-z]", &n, ev) == 2 &&
            (!strcmp(ev, "start") || !strcmp(ev, "done") || !strcmp(ev, "failed") ||
             !strcmp(ev, "stopped")))
            memcpy(last, ev, sizeof last);
    }
    fclose(f);
    if (!strcmp(last, "start"))
        return SITO_TASK_STARTED;
    if (!strcmp(last, "failed") || !strcmp(last, "stopped"))
        return SITO_TASK_FAILED;
    return last[0] ? SITO_TASK_STARTED : SITO_TASK_MISSING;
}

/* ------------------------------------------------------------ job.json */

static void put_json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

static void write_step(FILE *f, const exec_step *s)
{
    fprintf(f, "    {\"name\": ");
    put_json_str(f, s->name);
    fprintf(f, ", \"kind\": \"%s\", \"tasks\": %d,\n", s->kind == SITO_STEP_RUN ? "run" : "command",
            s->n_tasks);
    if (s->kind == SITO_STEP_RUN) {
        /* Every sito_run_options field: a field missing here would not
         * reach Slurm array elements. */
        fprintf(f, "     \"options\": {\"annotate_only\": %d, \"with_signals\": %d, "
                   "\"keep_pii\": %d, \"max_record\": %zu, \"zstd_level\": %d",
                s->opt.annotate_only, s->opt.with_signals, s->opt.keep_pii, s->opt.max_record,
                s->opt.zstd_level);
        const char *names[3] = {"model_path", "config_path", "blocklist_path"};
        const char *vals[3] = {s->model, s->config, s->blocklist};
        for (int k = 0; k < 3; k++) {
            fprintf(f, ", \"%s\": ", names[k]);
            if (vals[k])
                put_json_str(f, vals[k]);
            else
                fputs("null", f);
        }
        fprintf(f, "},\n");
    } else {
        fprintf(f, "     \"command\": ");
        put_json_str(f, s->command);
        fprintf(f, ",\n");
    }
    fprintf(f, "     \"inputs\": [");
    for (size_t i = 0; i < s->n_inputs; i++) {
        fputs(i ? ",\n       " : "\n       ", f);
        put_json_str(f, s->inputs[i]);
    }
    fprintf(f, "]}");
}

static int write_job_file(const sito_job *j, const char *path, char *err, size_t errlen)
{
    char tmp[PATH_MAX + 32];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f)
        return ERR("cannot write %s: %s", tmp, strerror(errno)), SITO_ERR_IO;
    fprintf(f, "{\n  \"sito_job\": 1,\n  \"dir\": ");
    put_json_str(f, j->dir);
    fprintf(f, ",\n  \"steps\": [\n");
    for (int i = 0; i < j->n_steps; i++) {
        write_step(f, &j->steps[i]);
        fputs(i + 1 < j->n_steps ? ",\n" : "\n", f);
    }
    fprintf(f, "  ]\n}\n");
    int bad = ferror(f);
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, path)) {
        ERR("cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
        return SITO_ERR_IO;
    }
    return SITO_OK;
}

static int load_step(exec_step *s, const jv *v, char *err, size_t errlen)
{
    const char *name = jv_str(v, "name"), *kind = jv_str(v, "kind");
    const jv *inputs = jv_get(v, "inputs");
    if (!name || !kind || !valid_name(name) || !inputs || inputs->type != JV_ARR)
        return ERR("a step without name, kind or inputs"), SITO_ERR_FORMAT;
    snprintf(s->name, sizeof s->name, "%s", name);
    s->kind = !strcmp(kind, "run") ? SITO_STEP_RUN : SITO_STEP_COMMAND;
    s->n_tasks = (int)jv_num(v, "tasks", 0);
    if (s->n_tasks < 1)
        return ERR("step %s: bad task count", name), SITO_ERR_FORMAT;
    if (!(s->inputs = calloc(inputs->len + 1, sizeof *s->inputs)))
        return ERR("out of memory"), SITO_ERR_NOMEM;
    for (size_t i = 0; i < inputs->len; i++) {
        if (inputs->items[i]->type != JV_STR)
            return ERR("step %s: an input is not a string", name), SITO_ERR_FORMAT;
        if (!(s->inputs[s->n_inputs++] = strdup(inputs->items[i]->str)))
            return ERR("out of memory"), SITO_ERR_NOMEM;
    }
    if (s->kind == SITO_STEP_RUN) {
        const jv *o = jv_get(v, "options");
        s->opt.annotate_only = (int)jv_num(o, "annotate_only", 0);
        s->opt.with_signals = (int)jv_num(o, "with_signals", 0);
        s->opt.max_record = (size_t)jv_num(o, "max_record", 0);
        s->opt.zstd_level = (int)jv_num(o, "zstd_level", 0);
        s->opt.keep_pii = (int)jv_num(o, "keep_pii", 0);
        const char *m = jv_str(o, "model_path"), *c = jv_str(o, "config_path"),
                   *b = jv_str(o, "blocklist_path");
        if ((m && !(s->model = strdup(m))) || (c && !(s->config = strdup(c))) ||
            (b && !(s->blocklist = strdup(b))))
            return ERR("out of memory"), SITO_ERR_NOMEM;
        s->opt.model_path = s->model;
        s->opt.config_path = s->config;
        s->opt.blocklist_path = s->blocklist;
        int lrc = sito_run_options_load(&s->opt, err, errlen);
        if (lrc)
            return lrc;
    } else {
        const char *c = jv_str(v, "command");
        if (!c)
            return ERR("step %s: no command", name), SITO_ERR_FORMAT;
        if (!(s->command = strdup(c)))
            return ERR("out of memory"), SITO_ERR_NOMEM;
    }
    return SITO_OK;
}

sito_job *sito_job_load(const char *job_file, char *err, size_t errlen)
{
    sito_arena *a = sito_arena_new(0);
    sito_job *j = calloc(1, sizeof *j);
    int rc;
    const jv *root = a && j ? jv_parse_file(a, job_file, &rc) : NULL;
    if (!a || !j)
        ERR("out of memory");
    else if (!root)
        ERR("%s: %s", job_file, rc == SITO_ERR_IO ? strerror(errno) : "not a job file (bad JSON)");
    const jv *steps = jv_get(root, "steps");
    const char *dir = jv_str(root, "dir");
    if (root && (jv_num(root, "sito_job", 0) != 1 || !dir || !steps || steps->type != JV_ARR ||
                 steps->len > SITO_JOB_MAX_STEPS)) {
        ERR("%s: not a sito job file (version 1)", job_file);
        root = NULL;
    }
    if (root && !(j->dir = strdup(dir))) {
        ERR("out of memory");
        root = NULL;
    }
    for (size_t i = 0; root && i < steps->len; i++) {
        char why[200];
        if (load_step(&j->steps[j->n_steps++], steps->items[i], why, sizeof why)) {
            ERR("%s: %s", job_file, why);
            root = NULL;
        }
    }
    sito_arena_free(a);
    if (!root) {
        sito_job_free(j);
        return NULL;
    }
    return j;
}

/* What differs between two jobs, or NULL when they are the same job. */
static const char *job_difference(const sito_job *a, const sito_job *b, char *buf, size_t n)
{
    if (a->n_steps != b->n_steps)
        return snprintf(buf, n, "%d steps, now %d", a->n_steps, b->n_steps), buf;
    for (int i = 0; i < a->n_steps; i++) {
        const exec_step *x = &a->steps[i], *y = &b->steps[i];
        if (strcmp(x->name, y->name) || x->kind != y->kind)
            return snprintf(buf, n, "step %d is '%s', now '%s'", i + 1, x->name, y->name), buf;
        if (x->n_tasks != y->n_tasks)
            return snprintf(buf, n, "step '%s' has %d tasks, now %d", x->name, x->n_tasks,
                            y->n_tasks),
                   buf;
        int same = x->n_inputs == y->n_inputs;
        for (size_t k = 0; same && k < x->n_inputs; k++)
            same = !strcmp(x->inputs[k], y->inputs[k]);
        if (!same)
            return snprintf(buf, n, "step '%s' has other inputs", x->name), buf;
        if (x->kind == SITO_STEP_COMMAND && strcmp(x->command, y->command))
            return snprintf(buf, n, "step '%s' has another command", x->name), buf;
        if (x->kind == SITO_STEP_RUN &&
            (x->opt.annotate_only != y->opt.annotate_only ||
             x->opt.with_signals != y->opt.with_signals || x->opt.max_record != y->opt.max_record ||
             x->opt.zstd_level != y->opt.zstd_level || x->opt.keep_pii != y->opt.keep_pii ||
             !same_path(x->model, y->model) || !same_path(x->config, y->config) ||
             !same_path(x->blocklist, y->blocklist)))
            return snprintf(buf, n, "step '%s' has other options", x->name), buf;
    }
    return NULL;
}

/* Number of files called task-* under dir, recursively (markers). */
static int count_markers(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    if (!d)
        return 0;
    while ((e = readdir(d))) {
        char sub[PATH_MAX];
        if (e->d_name[0] == '.')
            continue;
        snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name);
        struct stat st;
        if (!stat(sub, &st) && S_ISDIR(st.st_mode))
            n += count_markers(sub);
        else if (!strncmp(e->d_name, "task-", 5))
            n++;
    }
    closedir(d);
    return n;
}

static int make_dirs(const sito_job *j, char *err, size_t errlen)
{
    static const char *const subs[] = {"completions", "stats", "logs", "rejects", "slurm"};
    char p[PATH_MAX];
    for (int i = 0; i < j->n_steps; i++)
        for (size_t k = 0; k < sizeof subs / sizeof subs[0]; k++) {
            if (i == 0 || k < 3)
                snprintf(p, sizeof p, "%s/%s%s%s", j->dir, subs[k], i ? "/" : "",
                         i ? j->steps[i].name : "");
            else
                continue;
            if (exec_mkdirs(p))
                return ERR("cannot create %s: %s", p, strerror(errno)), SITO_ERR_IO;
        }
    return SITO_OK;
}

int sito_job_save(sito_job *j, char *err, size_t errlen)
{
    char path[PATH_MAX], why[200];
    if (exec_mkdirs(j->dir))
        return ERR("cannot create %s: %s", j->dir, strerror(errno)), SITO_ERR_IO;
    int rc = make_dirs(j, err, errlen);
    if (rc)
        return rc;
    snprintf(path, sizeof path, "%s/job.json", j->dir);
    if (!access(path, F_OK)) {
        sito_job *old = sito_job_load(path, why, sizeof why);
        const char *diff = old ? job_difference(old, j, why, sizeof why) : why;
        sito_job_free(old);
        if (!diff)
            return SITO_OK;
        snprintf(path, sizeof path, "%s/completions", j->dir);
        int done = count_markers(path);
        if (done)
            return ERR("%s holds another job (%s) with %d finished task%s: use a new output "
                       "directory, the same options, or remove %s",
                       j->dir, diff, done, done == 1 ? "" : "s", path),
                   SITO_ERR_ARG;
        snprintf(path, sizeof path, "%s/job.json", j->dir);
    }
    return write_job_file(j, path, err, errlen);
}

/* --------------------------------------------------------------- stats */

int sito_job_merge_stats(const sito_job *j, sito_stats *out, char *err, size_t errlen)
{
    char path[PATH_MAX];
    memset(out, 0, sizeof *out);
    for (int s = 0; s < j->n_steps; s++) {
        int command = j->steps[s].kind != SITO_STEP_RUN;
        for (int t = 0; t < j->steps[s].n_tasks; t++) {
            sito_stats one;
            sito_job_task_path(j, s, t, "stats", path, sizeof path);
            if (command && access(path, F_OK))
                continue;   /* a command writes counters ({stats}) or not */
            int rc = sito_stats_read_json(&one, path);
            if (rc)
                return ERR("cannot read %s: %s", path,
                           rc == SITO_ERR_IO ? strerror(errno) : "not a stats file"),
                       SITO_ERR_FORMAT;
            sito_stats_merge(out, &one);
        }
    }
    snprintf(path, sizeof path, "%s/stats.json", j->dir);
    if (sito_stats_save_json(out, path, 0) != SITO_OK) {
        ERR("cannot write %s: %s", path, strerror(errno));
        return SITO_ERR_IO;
    }
    return SITO_OK;
}
