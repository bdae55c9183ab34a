/* JSON reading (locate, decode) and writing (escapes, invalid UTF-8). */
#include "sito.h"
#include "unit.h"
#include "util/json.h"

#define S(lit) ((sito_str){lit, sizeof lit - 1})

TEST(json_object_get_finds_top_level_members_only)
{
    sito_str v;
    sito_str obj = S("{\"metadata\": {\"text\": \"inner\"}, \"text\": \"outer\", \"n\": 3}");
    CHECK(json_object_get(obj, "text", &v) == 0);
    CHECK_STR(v, "\"outer\"");
    CHECK(json_object_get(obj, "n", &v) == 0);
    CHECK_STR(v, "3");
    CHECK(json_object_get(obj, "missing", &v) == 1);
    CHECK(json_object_get(S("{\"a\": }"), "a", &v) == -1);
    CHECK(json_object_get(S("[1,2]"), "a", &v) == -1);
}

TEST(json_string_decode_resolves_escapes_and_surrogates)
{
    sito_arena *a = sito_arena_new(0);
    sito_str out;
    CHECK(json_string_decode(S("\"a\\n\\\"b\\u0105\\ud83d\\ude00\\udc00\""), a, &out) == 0);
    CHECK_STR(out, "a\n\"b\xc4\x85\xf0\x9f\x98\x80\xef\xbf\xbd");
    CHECK(json_string_decode(S("\"bad \\x escape\""), a, &out) == -1);
    CHECK(json_string_decode(S("noquotes"), a, &out) == -1);
    sito_arena_free(a);
}

TEST(json_skip_value_rejects_hostile_nesting_without_crashing)
{
    static char deep[200002];
    for (int i = 0; i < 100000; i++) {
        deep[i] = '[';
        deep[100000 + i] = ']';
    }
    const char *p = deep;
    CHECK(json_skip_value(&p, deep + 200000) == -1);
    const char ok[] = "[[1,{\"a\":[true,null]}],\"x\"] tail";
    p = ok;
    CHECK(json_skip_value(&p, ok + sizeof ok - 1) == 0);
    CHECK(strcmp(p, " tail") == 0);
}

TEST(json_string_output_escapes_and_replaces_invalid_utf8)
{
    sito_buf b = {0};
    const char in[] = "q\"\\\n\x01 caf\xe9 \xc3\xa9 \xed\xa0\x80";
    int bad = sito_json_string(&b, in, sizeof in - 1);
    CHECK_EQ_INT(bad, 4); /* \xe9, and the encoded surrogate's 3 bytes */
    CHECK_STR(((sito_str){b.ptr, b.len}),
              "\"q\\\"\\\\\\n\\u0001 caf\xef\xbf\xbd \xc3\xa9 \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
    sito_buf_free(&b);
}

TEST(doc_to_json_writes_the_datatrove_layout_with_filter)
{
    sito_doc d = {0};
    d.record_type = -1;
    d.id = S("<urn:uuid:1>");
    d.text = S("Ala ma kota.");
    d.url = S("http://example.pl/");
    d.date = S("2024-05-01T00:00:00Z");
    d.lang = S("pl");
    d.lang_score = 0.98f;
    d.filter = "gopher_repetition";
    d.filter_value = 0.5;
    sito_buf b = {0};
    CHECK(sito_doc_to_json(&d, 0, &b) == SITO_OK);
    CHECK_STR(((sito_str){b.ptr, b.len}),
              "{\"id\":\"<urn:uuid:1>\",\"text\":\"Ala ma kota.\",\"metadata\":{\"url\":"
              "\"http://example.pl/\",\"date\":\"2024-05-01T00:00:00Z\",\"lang\":\"pl\","
              "\"lang_score\":0.9800,\"filter\":\"gopher_repetition\",\"filter_value\":0.5}}");
    sito_buf_free(&b);
}
