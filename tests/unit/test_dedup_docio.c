/* The document scanner and string escaping of the dedup jobs
 * (src/dedup/docio.c): which spans a JSONL line gives, which lines are
 * malformed, and strings that go out and come back unchanged; and the
 * library's in-process runner of a whole dedup job. */
#include "dedup/docio.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SCAN(lit, d) dedup_json_scan(lit, sizeof lit - 1, d)

TEST(dedup_scan_finds_id_text_metadata_url_signals_and_the_closing_brace)
{
    static const char line[] =
        "  {\"id\":\"a\\\"1\",\"url\":\"http://top/\",\"text\":\"x\\ny\","
        "\"metadata\":{\"signals\":{\"k\":[1,{\"url\":\"no\"}]},\"url\":\"http://meta/\"}} \r\n";
    dedup_json_doc d;
    CHECK_EQ_INT(SCAN(line, &d), SITO_OK);
    CHECK_STR(d.id, "\"a\\\"1\"");
    CHECK_STR(d.text, "\"x\\ny\"");
    CHECK_STR(d.url, "\"http://meta/\"");          /* metadata.url wins */
    CHECK_STR(d.signals, "{\"k\":[1,{\"url\":\"no\"}]}");
    CHECK(line[d.close] == '}' && line[d.close + 1] == ' ');
}

TEST(dedup_scan_falls_back_to_the_top_level_url)
{
    dedup_json_doc d;
    CHECK_EQ_INT(SCAN("{\"text\":\"t\",\"url\":\"u1\",\"metadata\":{\"x\":1}}", &d), SITO_OK);
    CHECK_STR(d.url, "\"u1\"");
    CHECK(d.id.len == 0 && d.signals.len == 0);
}

TEST(dedup_scan_refuses_lines_that_are_not_one_object_with_a_text_string)
{
    dedup_json_doc d;
    CHECK_EQ_INT(SCAN("{\"id\":\"a\"}", &d), SITO_ERR_FORMAT);               /* no text */
    CHECK_EQ_INT(SCAN("{\"text\":5}", &d), SITO_ERR_FORMAT);                 /* not a string */
    CHECK_EQ_INT(SCAN("{\"text\":\"a\"} x", &d), SITO_ERR_FORMAT);           /* garbage after */
    CHECK_EQ_INT(SCAN("{\"text\":\"a\"", &d), SITO_ERR_FORMAT);              /* cut */
    CHECK_EQ_INT(SCAN("[\"text\",\"a\"]", &d), SITO_ERR_FORMAT);             /* not an object */
    CHECK_EQ_INT(SCAN("{\"text\":\"a\",\"metadata\":{\"url\":}}", &d), SITO_ERR_FORMAT);
    CHECK_EQ_INT(SCAN("", &d), SITO_ERR_FORMAT);
}

TEST(dedup_escape_then_unescape_gives_the_text_back)
{
    static const char text[] = "zażółć \"gęślą\" \\ jaźń\n\ttab\x01 end";
    sito_buf esc = {0}, back = {0};
    CHECK_EQ_INT(dedup_json_escape(text, sizeof text - 1, &esc), SITO_OK);
    CHECK(memchr(esc.ptr, '\n', esc.len) == NULL && memchr(esc.ptr, 1, esc.len) == NULL);
    CHECK_EQ_INT(dedup_json_unescape((sito_str){esc.ptr, esc.len}, &back), SITO_OK);
    CHECK(back.len == sizeof text - 1 && memcmp(back.ptr, text, back.len) == 0);
    sito_buf_free(&esc);
    sito_buf_free(&back);
}

TEST(dedup_unescape_turns_bad_escapes_into_replacement_characters)
{
    sito_buf out = {0};
    static const char q[] = "\"a\\qb\\ud800c\\u12\"";
    CHECK_EQ_INT(dedup_json_unescape((sito_str){q, sizeof q - 1}, &out), SITO_OK);
    /* \q, a lone surrogate and a short \u each become U+FFFD; the rest stays */
    CHECK(out.len >= 3 && out.ptr[0] == 'a' && memcmp(out.ptr + 1, "\xEF\xBF\xBD" "b", 4) == 0);
    CHECK(memmem(out.ptr, out.len, "\xEF\xBF\xBD" "c", 4) != NULL);
    sito_buf_free(&out);
}

/* The in-process runner of the library API (sito_dedup_run_local): an exact
 * job over two shards keeps the first copy of each text, writes the kept
 * and rejected shards and stats.json, and a second run redoes nothing. */
static int write_file(const char *path, const char *s)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    int ok = fputs(s, f) >= 0;
    return fclose(f) == 0 && ok ? 0 : -1;
}

TEST(dedup_run_local_keeps_the_first_copy_and_resumes_without_redoing)
{
    char dir[] = "/tmp/sito-unit-dedup-XXXXXX", a[512], b[512], out[512], err[256] = "";
    CHECK(mkdtemp(dir) != NULL);
    snprintf(a, sizeof a, "%s/a.jsonl", dir);
    snprintf(b, sizeof b, "%s/b.jsonl", dir);
    snprintf(out, sizeof out, "%s/out", dir);
    CHECK(write_file(a, "{\"id\":\"a0\",\"text\":\"one two\"}\n{\"id\":\"a1\",\"text\":\"three\"}\n") == 0);
    CHECK(write_file(b, "{\"id\":\"b0\",\"text\":\"one   two \"}\n{\"id\":\"b1\",\"text\":\"four\"}\n"
                        "{\"id\":\"b2\",\"text\":\"three\"}\n") == 0);
    sito_dedup_options o;
    sito_dedup_defaults(&o, SITO_DEDUP_EXACT);
    const char *inputs[] = {a, b};
    sito_dedup_job *j = sito_dedup_job_new(&o, inputs, 2, out, err, sizeof err);
    CHECK(j != NULL);
    if (!j)
        return;
    sito_stats st = {0};
    CHECK_EQ_INT(sito_dedup_run_local(j, 2, &st, err, sizeof err), SITO_OK);
    CHECK_EQ_INT(st.docs_kept, 3);      /* a0, a1, b1 */
    CHECK_EQ_INT(st.docs_rejected, 2);  /* b0 (= a0 after space folding), b2 (= a1) */
    for (int s = 0; s < sito_dedup_steps(j); s++)
        for (int t = 0; t < sito_dedup_tasks(j, s); t++)
            CHECK(sito_dedup_task_done(j, s, t));
    char path[600];
    snprintf(path, sizeof path, "%s/stats.json", out);
    FILE *f = fopen(path, "rb");
    CHECK(f != NULL);
    if (f)
        fclose(f);
    /* resumed: every task has its marker, so nothing runs and the counters
     * come back from the saved per-task stats */
    sito_stats again = {0};
    CHECK_EQ_INT(sito_dedup_run_local(j, 1, &again, err, sizeof err), SITO_OK);
    CHECK_EQ_INT(again.docs_kept, 3);
    CHECK_EQ_INT(again.docs_rejected, 2);
    sito_dedup_job_free(j);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
}
