/* The document scanner and string escaping of the dedup jobs
 * (src/dedup/docio.c): which spans a JSONL line gives, which lines are
 * malformed, and strings that go out and come back unchanged. */
#include "dedup/docio.h"
#include "unit.h"

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
