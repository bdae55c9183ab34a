/* The charset decoder: decision order, WHATWG prescan, overruled
 * declarations, replacement counting, bad input, the stage. */
#include "sito.h"
#include "unit.h"

#include <stdlib.h>

static sito_str S(const char *s)
{
    return (sito_str){s, strlen(s)};
}

static const sito_str NO_HTTP = {"", 0};

/* Decodes s (len bytes) with an HTTP charset; a fresh context each time. */
static int decode(const char *s, size_t len, const char *http,
                  sito_charset_result *r)
{
    static sito_arena *a;
    static sito_charset_ctx *cx;
    if (!a)
        a = sito_arena_new(0), cx = sito_charset_ctx_new();
    return sito_charset_to_utf8(cx, s, len, http ? S(http) : NO_HTTP, a, r);
}

/* "Привет" in windows-1251 and in KOI8-R */
#define PRIVET_1251 "\xcf\xf0\xe8\xe2\xe5\xf2"
#define PRIVET_KOI8 "\xf0\xd2\xc9\xd7\xc5\xd4"
#define PRIVET_UTF8 "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82"

TEST(charset_bom_wins_over_meta_and_http)
{
    const char *page = "\xEF\xBB\xBF<meta charset=windows-1251>" PRIVET_UTF8;
    sito_charset_result r;
    CHECK(decode(page, strlen(page), "koi8-r", &r) == SITO_OK);
    CHECK(!strcmp(r.charset, "UTF-8"));
    CHECK_EQ_INT(r.source, SITO_CHARSET_BOM);
    CHECK_STR(r.text, "<meta charset=windows-1251>" PRIVET_UTF8);
}

TEST(charset_utf16le_bom_decodes_and_strips_bom)
{
    static const char page[] = "\xFF\xFE<\0p\0>\0\x1F\x04";  /* <p>П */
    sito_charset_result r;
    CHECK(decode(page, sizeof page - 1, NULL, &r) == SITO_OK);
    CHECK(!strcmp(r.charset, "UTF-16LE"));
    CHECK_STR(r.text, "<p>\xd0\x9f");
}

TEST(charset_http_wins_over_meta)
{
    const char *page = "<meta charset=koi8-r><p>" PRIVET_1251;
    sito_charset_result r;
    CHECK(decode(page, strlen(page), "windows-1251", &r) == SITO_OK);
    CHECK(!strcmp(r.charset, "windows-1251"));
    CHECK_EQ_INT(r.source, SITO_CHARSET_HTTP);
    CHECK_STR(r.text, "<meta charset=koi8-r><p>" PRIVET_UTF8);
}

TEST(charset_unknown_http_label_falls_back_to_meta)
{
    const char *page = "<meta charset=koi8-r><p>" PRIVET_KOI8;
    sito_charset_result r;
    CHECK(decode(page, strlen(page), "no-such-charset", &r) == SITO_OK);
    CHECK(!strcmp(r.charset, "KOI8-R"));
    CHECK_EQ_INT(r.source, SITO_CHARSET_META);
    CHECK_STR(r.text, "<meta charset=koi8-r><p>" PRIVET_UTF8);
}

TEST(charset_prescan_ignores_meta_inside_comment)
{
    const char *p = "<!-- <meta charset=koi8-r> --><meta charset=windows-1251>";
    CHECK(!strcmp(sito_charset_prescan(p, strlen(p)), "windows-1251"));
    const char *q = "<!--> <meta charset=koi8-r>";   /* "<!-->" is closed */
    CHECK(!strcmp(sito_charset_prescan(q, strlen(q)), "KOI8-R"));
}

TEST(charset_prescan_skips_meta_inside_attribute_value)
{
    const char *p = "<div title=\"<meta charset=koi8-r>\"><meta charset=iso-8859-2>";
    CHECK(!strcmp(sito_charset_prescan(p, strlen(p)), "ISO-8859-2"));
}

TEST(charset_prescan_reads_http_equiv_content)
{
    const char *p = "<META HTTP-EQUIV='Content-Type' CONTENT='text/html; "
                    "Charset = \"Shift_JIS\"'>";
    CHECK(!strcmp(sito_charset_prescan(p, strlen(p)), "Shift_JIS"));
}

TEST(charset_prescan_needs_pragma_for_content)
{
    /* content= without http-equiv=content-type is not a declaration */
    const char *p = "<meta content='text/html; charset=koi8-r'>";
    CHECK(sito_charset_prescan(p, strlen(p)) == NULL);
    const char *q = "<meta http-equiv=\"Content Type\" content=\"text/html; charset=koi8-r\">";
    CHECK(sito_charset_prescan(q, strlen(q)) == NULL);
}

TEST(charset_prescan_first_repeated_attribute_wins)
{
    const char *p = "<meta charset=koi8-r charset=windows-1251>";
    CHECK(!strcmp(sito_charset_prescan(p, strlen(p)), "KOI8-R"));
}

TEST(charset_prescan_maps_utf16_to_utf8_and_user_defined_to_1252)
{
    const char *p = "<meta charset='utf-16'>";
    CHECK(!strcmp(sito_charset_prescan(p, strlen(p)), "UTF-8"));
    const char *q = "<meta charset=x-user-defined>";
    CHECK(!strcmp(sito_charset_prescan(q, strlen(q)), "windows-1252"));
}

TEST(charset_prescan_stops_at_1024_bytes)
{
    char page[2048];
    memset(page, ' ', sizeof page);
    memcpy(page + 1020, "<meta charset=koi8-r>", 21);
    CHECK(sito_charset_prescan(page, sizeof page) == NULL);
    memcpy(page, "<meta charset=koi8-r>", 21);
    CHECK(!strcmp(sito_charset_prescan(page, sizeof page), "KOI8-R"));
}

TEST(charset_prescan_survives_truncated_tags)
{
    const char *cuts[] = {"<meta", "<meta ", "<meta charset", "<meta charset=",
                          "<meta charset='koi8-r", "<!--", "<a href='x", "<", "</"};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++)
        CHECK(sito_charset_prescan(cuts[i], strlen(cuts[i])) == NULL);
}

TEST(charset_labels_map_per_whatwg)
{
    CHECK(!strcmp(sito_charset_canonical("latin1", 6), "windows-1252"));
    CHECK(!strcmp(sito_charset_canonical("ISO-8859-1", 10), "windows-1252"));
    CHECK(!strcmp(sito_charset_canonical("us-ascii", 8), "windows-1252"));
    CHECK(!strcmp(sito_charset_canonical("gb2312", 6), "GBK"));
    CHECK(!strcmp(sito_charset_canonical("x-sjis", 6), "Shift_JIS"));
    CHECK(!strcmp(sito_charset_canonical("ks_c_5601-1987", 14), "EUC-KR"));
    CHECK(!strcmp(sito_charset_canonical("utf-16", 6), "UTF-16LE"));
    CHECK(!strcmp(sito_charset_canonical(" UTF8\t", 6), "UTF-8"));
    CHECK(!strcmp(sito_charset_canonical("tis-620", 7), "windows-874"));
    CHECK(sito_charset_canonical("iso-8559-1", 10) == NULL);
    CHECK(sito_charset_canonical("", 0) == NULL);
}

TEST(charset_declared_utf8_with_a_few_bad_bytes_keeps_utf8_and_counts)
{
    const char *page = "<meta charset=utf-8>" PRIVET_UTF8 " \xff " PRIVET_UTF8;
    sito_charset_result r;
    CHECK(decode(page, strlen(page), NULL, &r) == SITO_OK);
    CHECK(!strcmp(r.charset, "UTF-8"));
    CHECK_EQ_INT(r.replacements, 1);
    CHECK_STR(r.text, "<meta charset=utf-8>" PRIVET_UTF8 " \xEF\xBF\xBD " PRIVET_UTF8);
    CHECK(r.copied && r.text.ptr[r.text.len] == 0);
}

TEST(charset_declared_utf8_over_legacy_bytes_is_overruled)
{
    /* French in windows-1252 under a UTF-8 declaration */
    const char *page = "<meta charset=utf-8><p>Le caf\xe9 \xe9tait d\xe9j\xe0 "
                       "ferm\xe9 quand nous sommes arriv\xe9s \xe0 la gare.";
    sito_charset_result r;
    CHECK(decode(page, strlen(page), "utf-8", &r) == SITO_OK);
    CHECK(strcmp(r.charset, "UTF-8") != 0);
    CHECK_EQ_INT(r.replacements, 0);
    CHECK(strstr(r.text.ptr, "caf\xc3\xa9") != NULL);
}

TEST(charset_declared_latin1_over_utf8_bytes_is_overruled)
{
    const char *page = "<meta charset=iso-8859-1><p>caf\xc3\xa9 " PRIVET_UTF8;
    sito_charset_result r;
    CHECK(decode(page, strlen(page), NULL, &r) == SITO_OK);
    CHECK(!strcmp(r.charset, "UTF-8"));
    CHECK_EQ_INT(r.source, SITO_CHARSET_DETECTED);
    CHECK_STR(r.text, page);
}

TEST(charset_declared_latin1_ascii_page_keeps_declaration)
{
    const char *page = "<meta charset=iso-8859-1><p>plain";
    sito_charset_result r;
    CHECK(decode(page, strlen(page), NULL, &r) == SITO_OK);
    CHECK(!strcmp(r.charset, "windows-1252"));
    CHECK_EQ_INT(r.source, SITO_CHARSET_META);
}

TEST(charset_valid_utf8_is_returned_without_copy)
{
    const char *page = "<p>" PRIVET_UTF8;
    sito_charset_result r;
    CHECK(decode(page, strlen(page), NULL, &r) == SITO_OK);
    CHECK(r.text.ptr == page && !r.copied);
    CHECK_EQ_INT(r.text.len, strlen(page));
    CHECK_EQ_INT(r.source, SITO_CHARSET_DETECTED);
}

TEST(charset_truncated_utf8_at_end_becomes_one_replacement)
{
    const char *page = "<p>" PRIVET_UTF8 "\xd0";
    sito_charset_result r;
    CHECK(decode(page, strlen(page), NULL, &r) == SITO_OK);
    CHECK(!strcmp(r.charset, "UTF-8"));
    CHECK_EQ_INT(r.replacements, 1);
    CHECK_STR(r.text, "<p>" PRIVET_UTF8 "\xEF\xBF\xBD");
}

TEST(charset_truncated_shift_jis_at_end_becomes_one_replacement)
{
    const char *page = "\x93\xfa\x96\x7b\x8c\xea\x93"; /* 日本語 + a lead byte */
    sito_charset_result r;
    CHECK(decode(page, strlen(page), "shift_jis", &r) == SITO_OK);
    CHECK(!strcmp(r.charset, "Shift_JIS"));
    CHECK_EQ_INT(r.replacements, 1);
    CHECK_STR(r.text, "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xEF\xBF\xBD");
}

TEST(charset_bad_multibyte_in_the_middle_keeps_the_rest)
{
    /* EUC-KR: 가 (B0 A1), a lead byte followed by '<', then 가 */
    const char *page = "\xb0\xa1\xb0" "<\xb0\xa1";
    sito_charset_result r;
    CHECK(decode(page, strlen(page), "euc-kr", &r) == SITO_OK);
    CHECK_EQ_INT(r.replacements, 1);
    CHECK_STR(r.text, "\xea\xb0\x80\xEF\xBF\xBD" "<\xea\xb0\x80");
}

TEST(charset_iso2022jp_is_decoded_statefully)
{
    const char *page = "a\x1b$B$\"\x1b(Bb";  /* a あ b */
    sito_charset_result r;
    CHECK(decode(page, strlen(page), NULL, &r) == SITO_OK);
    CHECK(!strcmp(r.charset, "ISO-2022-JP"));
    CHECK_STR(r.text, "a\xe3\x81\x82" "b");
}

TEST(charset_windows1252_maps_c1_bytes_as_whatwg)
{
    const char *page = "\x80\x81\x9f";
    sito_charset_result r;
    CHECK(decode(page, strlen(page), "latin1", &r) == SITO_OK);
    CHECK_EQ_INT(r.replacements, 0);
    CHECK_STR(r.text, "\xe2\x82\xac\xc2\x81\xc5\xb8");
}

TEST(charset_utf16_lone_surrogate_is_replaced)
{
    static const char page[] = "\xFF\xFE" "a\0\x00\xD8" "b\0" "c";
    sito_charset_result r;
    CHECK(decode(page, sizeof page - 1, NULL, &r) == SITO_OK);
    CHECK_EQ_INT(r.replacements, 2);  /* the surrogate, the odd last byte */
    CHECK_STR(r.text, "a\xEF\xBF\xBD" "b\xEF\xBF\xBD");
}

TEST(charset_empty_input_is_empty_utf8)
{
    sito_charset_result r;
    CHECK(decode(NULL, 0, NULL, &r) == SITO_OK);
    CHECK_EQ_INT(r.text.len, 0);
    CHECK_EQ_INT(r.replacements, 0);
    CHECK(!strcmp(r.charset, "UTF-8"));
}

TEST(charset_binary_garbage_gives_valid_utf8)
{
    static char junk[1 << 16];
    uint32_t x = 12345;
    for (size_t n = 1; n <= sizeof junk; n *= 4) {
        for (size_t i = 0; i < n; i++)
            junk[i] = (char)((x = x * 1103515245 + 12345) >> 16);
        static const char *http[] = {NULL, "utf-8", "shift_jis", "utf-16be",
                                     "iso-2022-jp", "gb18030", "x-user-defined"};
        for (size_t h = 0; h < sizeof http / sizeof http[0]; h++) {
            sito_charset_result r;
            CHECK(decode(junk, n, http[h], &r) == SITO_OK);
            CHECK(sito_utf8_valid(r.text.ptr, r.text.len));
        }
    }
}

TEST(charset_page_with_typo_label_and_bad_pragma_is_detected_utf8)
{
    /* the qsl.net page of warc2zim's "encoding alias" test, without BOM */
    const char *page = "<html><head><meta http-equiv=\"Content Type\" "
                       "content=\"text/html; charset=iso-8559-1\"></head>"
                       "<p>caf\xc3\xa9";
    sito_charset_result r;
    CHECK(decode(page, strlen(page), NULL, &r) == SITO_OK);
    CHECK(!strcmp(r.charset, "UTF-8"));
    CHECK_EQ_INT(r.source, SITO_CHARSET_DETECTED);
}

TEST(charset_decode_forces_the_label)
{
    sito_charset_ctx *cx = sito_charset_ctx_new();
    sito_arena *a = sito_arena_new(0);
    sito_charset_result r;
    CHECK(sito_charset_decode(cx, "koi8-r", 6, PRIVET_KOI8, 6, a, &r) == SITO_OK);
    CHECK_STR(r.text, PRIVET_UTF8);
    CHECK(sito_charset_decode(cx, "nope", 4, "x", 1, a, &r) == SITO_ERR_ARG);
    sito_charset_ctx_free(cx);
    sito_arena_free(a);
}

TEST(utf8_sanitize_replaces_maximal_subparts)
{
    char out[64];
    size_t reps;
    /* F0 80 80: F0 cannot be followed by 80, so three replacements;
     * E2 82 then 'a': one replacement for the truncated sequence */
    size_t n = sito_utf8_sanitize(out, "\xf0\x80\x80|\xe2\x82" "a", 7, &reps);
    CHECK_EQ_INT(reps, 4);
    CHECK_STR(((sito_str){out, n}),
              "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD|\xEF\xBF\xBD" "a");
    CHECK(!sito_utf8_valid("\xed\xa0\x80", 3));  /* surrogate */
    CHECK(!sito_utf8_valid("\xc0\xaf", 2));      /* overlong */
    CHECK(!sito_utf8_valid("\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
    CHECK(sito_utf8_valid("\xf4\x8f\xbf\xbf", 4));
    CHECK(sito_utf8_valid("", 0));
}

TEST(charset_stage_converts_html_and_leaves_images)
{
    sito_stage st;
    CHECK(sito_charset_stage(&st) == SITO_OK);
    sito_stats stats = {0};
    sito_doc d = {0};
    d.arena = sito_arena_new(0);
    d.raw = S("<p>\xff" PRIVET_UTF8);
    d.content_type = S("text/html");
    d.http_charset = S("utf-8");
    CHECK(st.process(&st, &d, &stats) == SITO_OK);
    CHECK_STR(d.charset, "UTF-8");
    CHECK_STR(d.raw, "<p>\xEF\xBF\xBD" PRIVET_UTF8);
    CHECK(d.signals_set & ((uint64_t)1 << SITO_SIG_CHARSET_REPLACEMENTS));
    CHECK(d.signals[SITO_SIG_CHARSET_REPLACEMENTS] == 1.0);
    CHECK_EQ_INT(stats.errors[SITO_E_INVALID_UTF8], 1);

    sito_doc_reset(&d);
    d.raw = S("\x89PNG\xff");
    d.content_type = S("image/png");
    CHECK(st.process(&st, &d, &stats) == SITO_OK);
    CHECK_STR(d.raw, "\x89PNG\xff");
    CHECK_EQ_INT(d.charset.len, 0);
    CHECK_EQ_INT(stats.errors[SITO_E_INVALID_UTF8], 1);
    st.destroy(&st);
    sito_arena_free(d.arena);
}

TEST(charset_prescan_survives_every_cut_and_mutation)
{
    static const char tpl[] =
        "<!DOCTYPE html><!-- c --><html lang='x'><head a=\"b\" c=d >"
        "<meta http-equiv=Content-Type content=\"text/html; charset='koi8-r'\">"
        "<meta charset=utf-8/></head>";
    char buf[sizeof tpl];
    uint32_t x = 7;
    for (size_t cut = 0; cut < sizeof tpl; cut++) {
        memcpy(buf, tpl, cut);
        (void)sito_charset_prescan(buf, cut);   /* must not crash (ASan) */
        for (int k = 0; k < 20 && cut; k++) {
            x = x * 1103515245 + 12345;
            buf[(x >> 8) % cut] = "<>='\"/ -!?a\0\xff"[(x >> 20) % 14];
            (void)sito_charset_prescan(buf, cut);
        }
    }
    CHECK(!strcmp(sito_charset_prescan(tpl, sizeof tpl - 1), "KOI8-R"));
}

TEST(charset_wrong_multibyte_declaration_is_overruled_by_detection)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/charset/uchardet/ja/shift_jis.txt", unit_data());
    FILE *f = fopen(path, "rb");
    CHECK(f != NULL);
    static char page[1 << 16];
    size_t n = fread(page, 1, sizeof page, f);
    fclose(f);
    sito_charset_result r;
    CHECK(decode(page, n, "euc-jp", &r) == SITO_OK);
    CHECK(!strcmp(r.charset, "Shift_JIS"));
    CHECK_EQ_INT(r.source, SITO_CHARSET_DETECTED);
    CHECK_EQ_INT(r.replacements, 0);
}

TEST(charset_quoted_http_charset_is_understood)
{
    const char *page = "<p>" PRIVET_1251;
    sito_charset_result r;
    CHECK(decode(page, strlen(page), "\"windows-1251\"", &r) == SITO_OK);
    CHECK_EQ_INT(r.source, SITO_CHARSET_HTTP);
    CHECK_STR(r.text, "<p>" PRIVET_UTF8);
}
