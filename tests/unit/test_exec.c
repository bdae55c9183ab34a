/* Executors: the JSON reader, stats round trip, task assignment, job files,
 * markers and resume, over command steps (no run pipeline needed). */
#include "exec/json.h"
#include "sito.h"
#include "unit.h"

#include <stdlib.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

static char *temp_dir(char *buf, size_t n)
{
    const char *t = getenv("TMPDIR");
    snprintf(buf, n, "%s/sito-exec-XXXXXX", t && *t ? t : "/tmp");
    return mkdtemp(buf);
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static sito_job *command_job(const char *dir, const char *cmd, int tasks)
{
    const char *inputs[] = {"/in/c", "/in/a", "/in/b", "/in/e", "/in/d"};
    char err[512];
    sito_job *j = sito_job_new(dir);
    if (sito_job_add_step(j, SITO_STEP_COMMAND, "count", NULL, cmd, inputs, 5, tasks, err,
                          sizeof err) ||
        sito_job_save(j, err, sizeof err)) {
        fprintf(stderr, "  %s\n", err);
        sito_job_free(j);
        return NULL;
    }
    return j;
}

TEST(json_reader_parses_nested_values_and_escapes)
{
    sito_arena *a = sito_arena_new(0);
    const char *t = "{\"a\": [1, 2.5, true, null], \"s\": \"x\\u00e9\\n\\ud83d\\ude00\"}";
    jv *v = jv_parse(a, t, strlen(t), NULL);
    CHECK(v && v->type == JV_OBJ);
    const jv *arr = jv_get(v, "a");
    CHECK(arr && arr->type == JV_ARR && arr->len == 4);
    CHECK(arr->items[1]->num == 2.5 && arr->items[2]->type == JV_BOOL);
    CHECK(!strcmp(jv_str(v, "s"), "x\xc3\xa9\n\xf0\x9f\x98\x80"));
    sito_arena_free(a);
}

TEST(json_reader_rejects_truncated_and_trailing_input)
{
    sito_arena *a = sito_arena_new(0);
    const char *bad[] = {"{\"a\": [1, 2", "{\"a\" 1}", "[1] x", "\"abc", "{\"a\":\"\\q\"}", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK(jv_parse(a, bad[i], strlen(bad[i]), NULL) == NULL);
    sito_arena_free(a);
}

TEST(json_reader_refuses_deep_nesting_without_crashing)
{
    sito_arena *a = sito_arena_new(0);
    char deep[20001];
    memset(deep, '[', 20000);
    deep[20000] = 0;
    CHECK(jv_parse(a, deep, 20000, NULL) == NULL);
    sito_arena_free(a);
}

TEST(stats_read_json_reads_back_what_write_json_wrote)
{
    char dir[256], path[300];
    CHECK(temp_dir(dir, sizeof dir));
    snprintf(path, sizeof path, "%s/s.json", dir);
    sito_stats s, r;
    memset(&s, 0, sizeof s);
    s.inputs = 3;
    s.docs_in = 12345678901ULL;
    s.docs_kept = 7;
    s.records[SITO_REC_RESPONSE] = 42;
    s.errors[SITO_E_GZIP_TRUNCATED] = 2;
    sito_stats_count_filter(&s, "gopher_repetition");
    sito_stats_count_filter(&s, "gopher_repetition");
    s.n_stages = 1;
    strcpy(s.stages[0].name, "extract");
    s.stages[0].docs = 9;
    s.stages[0].seconds = 1.5;
    s.seconds_total = 2.25;
    FILE *f = fopen(path, "w");
    CHECK(f && sito_stats_write_json(&s, f) == SITO_OK);
    fclose(f);
    CHECK(sito_stats_read_json(&r, path) == SITO_OK);
    CHECK(r.inputs == 3 && r.docs_in == 12345678901ULL && r.docs_kept == 7);
    CHECK(r.records[SITO_REC_RESPONSE] == 42 && r.errors[SITO_E_GZIP_TRUNCATED] == 2);
    CHECK(r.n_filters == 1 && r.filters[0].rejected == 2);
    CHECK(r.n_stages == 1 && r.stages[0].docs == 9 && r.stages[0].seconds == 1.5);
    CHECK(r.seconds_total == 2.25);
}

TEST(stats_named_counters_add_up_and_survive_the_json_round_trip)
{
    char dir[256], path[300];
    CHECK(temp_dir(dir, sizeof dir));
    snprintf(path, sizeof path, "%s/c.json", dir);
    sito_stats a, b, r;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    sito_stats_add_counter(&a, "minhash_cluster_external", 1);
    sito_stats_add_counter(&a, "minhash_sort_runs_spilled", 40);
    sito_stats_add_counter(&b, "minhash_sort_runs_spilled", 2);
    sito_stats_merge(&a, &b);
    CHECK(a.n_counters == 2 && a.counters[1].value == 42);
    FILE *f = fopen(path, "w");
    CHECK(f && sito_stats_write_json(&a, f) == SITO_OK);
    fclose(f);
    CHECK(sito_stats_read_json(&r, path) == SITO_OK);
    CHECK(r.n_counters == 2);
    CHECK(!strcmp(r.counters[0].name, "minhash_cluster_external") && r.counters[0].value == 1);
    CHECK(!strcmp(r.counters[1].name, "minhash_sort_runs_spilled") && r.counters[1].value == 42);
}

TEST(stats_save_json_replaces_the_file_whole_and_leaves_no_temporary)
{
    char dir[256], path[300], missing[320];
    CHECK(temp_dir(dir, sizeof dir));
    snprintf(path, sizeof path, "%s/stats.json", dir);
    sito_stats a, r;
    memset(&a, 0, sizeof a);
    a.docs_kept = 7;
    CHECK_EQ_INT(sito_stats_save_json(&a, path, 1), SITO_OK);
    a.docs_kept = 9;
    CHECK_EQ_INT(sito_stats_save_json(&a, path, 0), SITO_OK);
    CHECK(sito_stats_read_json(&r, path) == SITO_OK && r.docs_kept == 9);
    DIR *d = opendir(dir);
    int files = 0;
    for (struct dirent *e; d && (e = readdir(d));)
        files += e->d_name[0] != '.';
    if (d)
        closedir(d);
    CHECK_EQ_INT(files, 1);   /* stats.json alone: no .tmp.PID left */
    snprintf(missing, sizeof missing, "%s/no/such/dir/stats.json", dir);
    CHECK_EQ_INT(sito_stats_save_json(&a, missing, 0), SITO_ERR_IO);
}

TEST(stats_read_json_reports_a_file_that_is_not_stats)
{
    char dir[256], path[300];
    sito_stats r;
    CHECK(temp_dir(dir, sizeof dir));
    snprintf(path, sizeof path, "%s/x.json", dir);
    FILE *f = fopen(path, "w");
    fputs("{\"inputs\": 3,", f);
    fclose(f);
    CHECK_EQ_INT(sito_stats_read_json(&r, path), SITO_ERR_FORMAT);
    snprintf(path, sizeof path, "%s/missing.json", dir);
    CHECK_EQ_INT(sito_stats_read_json(&r, path), SITO_ERR_IO);
}

TEST(job_task_i_gets_every_nth_input_of_the_sorted_list)
{
    char dir[256];
    CHECK(temp_dir(dir, sizeof dir));
    sito_job *j = command_job(dir, "true", 2);
    CHECK(j);
    const char *in[8];
    CHECK_EQ_INT(sito_job_task_inputs(j, 0, 0, in, 8), 3);
    CHECK(!strcmp(in[0], "/in/a") && !strcmp(in[1], "/in/c") && !strcmp(in[2], "/in/e"));
    CHECK_EQ_INT(sito_job_task_inputs(j, 0, 1, in, 8), 2);
    CHECK(!strcmp(in[0], "/in/b") && !strcmp(in[1], "/in/d"));
    sito_job_free(j);
}

TEST(job_file_round_trips_through_load)
{
    char dir[256], path[300], err[512];
    CHECK(temp_dir(dir, sizeof dir));
    sito_job *j = command_job(dir, "echo '{task}' \"x\"", 3);
    CHECK(j);
    snprintf(path, sizeof path, "%s/job.json", dir);
    sito_job *k = sito_job_load(path, err, sizeof err);
    CHECK(k);
    CHECK(!strcmp(sito_job_dir(k), dir));
    CHECK_EQ_INT(sito_job_steps(k), 1);
    CHECK_EQ_INT(sito_job_step_tasks(k, 0), 3);
    CHECK_EQ_INT(sito_job_step_kind(k, 0), SITO_STEP_COMMAND);
    const char *a[4], *b[4];
    CHECK_EQ_INT(sito_job_task_inputs(k, 0, 2, a, 4), sito_job_task_inputs(j, 0, 2, b, 4));
    CHECK(!strcmp(a[0], b[0]));
    sito_job_free(j);
    sito_job_free(k);
}

TEST(job_refuses_more_tasks_than_inputs)
{
    char dir[256], err[512];
    const char *in[] = {"/a", "/b"};
    CHECK(temp_dir(dir, sizeof dir));
    sito_job *j = sito_job_new(dir);
    CHECK_EQ_INT(sito_job_add_step(j, SITO_STEP_COMMAND, "x", NULL, "true", in, 2, 3, err,
                                   sizeof err),
                 SITO_ERR_ARG);
    CHECK(strstr(err, "3 tasks for 2 inputs"));
    sito_job_free(j);
}

TEST(task_writes_marker_and_a_rerun_skips_it)
{
    char dir[256], marker[512], err[512];
    CHECK(temp_dir(dir, sizeof dir));
    sito_job *j = command_job(dir, "echo run >> {dir}/ran-{task}", 2);
    CHECK(j);
    int skipped = -1;
    CHECK_EQ_INT(sito_job_run_task(j, 0, 1, NULL, &skipped, err, sizeof err), SITO_OK);
    CHECK_EQ_INT(skipped, 0);
    sito_job_task_path(j, 0, 1, "marker", marker, sizeof marker);
    CHECK(exists(marker));
    CHECK_EQ_INT(sito_job_task_state(j, 0, 1), SITO_TASK_DONE);
    CHECK_EQ_INT(sito_job_task_state(j, 0, 0), SITO_TASK_MISSING);
    CHECK_EQ_INT(sito_job_run_task(j, 0, 1, NULL, &skipped, err, sizeof err), SITO_OK);
    CHECK_EQ_INT(skipped, 1);
    char ran[512], line[64];
    snprintf(ran, sizeof ran, "%s/ran-1", dir);
    FILE *f = fopen(ran, "r");
    int lines = 0;
    while (f && fgets(line, sizeof line, f))
        lines++;
    if (f)
        fclose(f);
    CHECK_EQ_INT(lines, 1);
    sito_job_free(j);
}

TEST(failing_command_leaves_no_marker_and_a_failed_state)
{
    char dir[256], marker[512], err[512];
    CHECK(temp_dir(dir, sizeof dir));
    sito_job *j = command_job(dir, "echo oops >&2; exit 3", 1);
    CHECK(j);
    CHECK(sito_job_run_task(j, 0, 0, NULL, NULL, err, sizeof err) < 0);
    CHECK(strstr(err, "status 3"));
    sito_job_task_path(j, 0, 0, "marker", marker, sizeof marker);
    CHECK(!exists(marker));
    CHECK_EQ_INT(sito_job_task_state(j, 0, 0), SITO_TASK_FAILED);
    sito_job_free(j);
}

TEST(command_placeholders_are_shell_quoted)
{
    char dir[256], err[512], out[600], line[256] = "";
    CHECK(temp_dir(dir, sizeof dir));
    const char *in[] = {"/in/b", "/a/it's here"};
    sito_job *j = sito_job_new(dir);
    CHECK(sito_job_add_step(j, SITO_STEP_COMMAND, "q", NULL,
                            "printf '%s|' {task} {tasks} {inputs} > {dir}/out", in, 2, 2, err,
                            sizeof err) == SITO_OK);
    CHECK(sito_job_save(j, err, sizeof err) == SITO_OK);
    CHECK_EQ_INT(sito_job_run_task(j, 0, 0, NULL, NULL, err, sizeof err), SITO_OK);
    snprintf(out, sizeof out, "%s/out", dir);
    FILE *f = fopen(out, "r");
    CHECK(f && fgets(line, sizeof line, f));
    fclose(f);
    CHECK(!strcmp(line, "0|2|/a/it's here|"));
    sito_job_free(j);
}

TEST(job_with_other_task_count_is_refused_once_a_task_finished)
{
    char dir[256], err[512];
    CHECK(temp_dir(dir, sizeof dir));
    sito_job *j = command_job(dir, "true", 2);
    CHECK(j);
    sito_job *k = command_job(dir, "true", 3);   /* nothing finished yet: allowed */
    CHECK(k);
    CHECK_EQ_INT(sito_job_run_task(k, 0, 0, NULL, NULL, err, sizeof err), SITO_OK);
    sito_job_free(k);
    const char *inputs[] = {"/in/c", "/in/a", "/in/b", "/in/e", "/in/d"};
    sito_job *m = sito_job_new(dir);
    CHECK(sito_job_add_step(m, SITO_STEP_COMMAND, "count", NULL, "true", inputs, 5, 2, err,
                            sizeof err) == SITO_OK);
    CHECK_EQ_INT(sito_job_save(m, err, sizeof err), SITO_ERR_ARG);
    CHECK(strstr(err, "3 tasks, now 2"));
    sito_job_free(m);
    sito_job_free(j);
}

static void count_progress(void *ctx, const sito_job_progress *p)
{
    (void)p;
    (*(int *)ctx)++;
}

TEST(local_executor_runs_steps_in_order_on_threads)
{
    char dir[256], err[512], path[600];
    const char *in[] = {"/a", "/b", "/c", "/d"};
    CHECK(temp_dir(dir, sizeof dir));
    sito_job *j = sito_job_new(dir);
    CHECK(sito_job_add_step(j, SITO_STEP_COMMAND, "one", NULL, "touch {dir}/one-{task}", in, 4, 4,
                            err, sizeof err) == SITO_OK);
    /* Step two fails unless every task of step one is done. */
    CHECK(sito_job_add_step(j, SITO_STEP_COMMAND, "two", NULL,
                            "for t in 0 1 2 3; do test -e {dir}/one-$t || exit 1; done", in, 4, 2,
                            err, sizeof err) == SITO_OK);
    CHECK(sito_job_save(j, err, sizeof err) == SITO_OK);
    sito_local_options o = {0};
    o.workers = 3;
    o.last_task = -1;
    o.only_step = -1;
    int calls = 0;
    o.progress = count_progress;
    o.progress_ctx = &calls;
    sito_job_result r;
    CHECK_EQ_INT(sito_exec_local(j, &o, &r), SITO_OK);
    CHECK_EQ_INT(r.tasks_failed, 0);
    CHECK_EQ_INT(r.tasks_done, 6);
    CHECK(calls > 0);
    sito_job_task_path(j, 1, 1, "marker", path, sizeof path);
    CHECK(exists(path));
    CHECK(strstr(path, "/completions/two/task-00001"));
    sito_job_free(j);
}
