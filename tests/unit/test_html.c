/* The HTML tree builder, character references and extraction API. */
#include "html/entities.h"
#include "html/html.h"
#include "sito.h"
#include "unit.h"

#include <stdlib.h>

/* All text of the tree, with '|' between text nodes. */
static void all_text(const html_node *n, char *out, size_t cap)
{
    if (n->kind == HTML_TEXT) {
        size_t len = strlen(out);
        snprintf(out + len, cap - len, "%.*s|", (int)n->text_len, n->text);
        return;
    }
    for (const html_node *c = n->first; c; c = c->next)
        all_text(c, out, cap);
}

static const html_node *find_tag(const html_node *n, int tag)
{
    if (n->kind == HTML_ELEMENT && n->tag == tag)
        return n;
    for (const html_node *c = n->first; c; c = c->next) {
        const html_node *f = find_tag(c, tag);
        if (f)
            return f;
    }
    return NULL;
}

static int count_children(const html_node *n, int tag)
{
    int k = 0;
    for (const html_node *c = n->first; c; c = c->next)
        k += c->kind == HTML_ELEMENT && c->tag == tag;
    return k;
}

static size_t decode(const char *s, char *out, int in_attr)
{
    size_t n = html_decode_refs(s, strlen(s), out, in_attr);
    out[n] = 0;
    return n;
}

TEST(charrefs_decode_named_legacy_and_numeric)
{
    char out[128];
    decode("a&amp;b &lt;&gt; &eacute; &notit; &#233;&#xE9; &#128; &#0; &bogus; &", out, 0);
    CHECK(!strcmp(out, "a&b <> \xc3\xa9 \xc2\xacit; \xc3\xa9\xc3\xa9 \xe2\x82\xac \xef\xbf\xbd &bogus; &"));
}

TEST(charrefs_legacy_ref_in_attribute_before_equals_stays)
{
    char out[64];
    decode("?a=1&copy=2&amp;x", out, 1);
    CHECK(!strcmp(out, "?a=1&copy=2&x"));
}

TEST(html_tag_table_is_sorted_for_lookup)
{
    for (int t = 2; t < TAG_COUNT; t++)
        CHECK(strcmp(html_tag_name(t - 1), html_tag_name(t)) < 0);
    CHECK_EQ_INT(html_tag_lookup("DiV", 3), TAG_div);
    CHECK_EQ_INT(html_tag_lookup("blink", 5), TAG_UNKNOWN);
}

TEST(html_script_and_style_are_raw_text_title_is_rcdata)
{
    sito_arena *a = sito_arena_new(0);
    html_doc d;
    const char *s = "<title>a &amp; b</title><script>if (a<b) x='</p>';</script><p>t</p>";
    CHECK(html_parse(s, strlen(s), a, &d) == SITO_OK);
    char out[256] = "";
    all_text(d.root, out, sizeof out);
    CHECK(!strcmp(out, "a & b|if (a<b) x='</p>';|t|"));
    sito_arena_free(a);
}

TEST(html_unclosed_comment_swallows_the_rest)
{
    sito_arena *a = sito_arena_new(0);
    html_doc d;
    const char *s = "<p>x</p><!-- <p>hidden</p>";
    CHECK(html_parse(s, strlen(s), a, &d) == SITO_OK);
    char out[256] = "";
    all_text(d.root, out, sizeof out);
    CHECK(!strcmp(out, "x|"));
    sito_arena_free(a);
}

TEST(html_p_and_li_close_implicitly)
{
    sito_arena *a = sito_arena_new(0);
    html_doc d;
    const char *s = "<ul><li>one<li>two<p>a<p>b</ul>";
    CHECK(html_parse(s, strlen(s), a, &d) == SITO_OK);
    const html_node *ul = find_tag(d.root, TAG_ul);
    CHECK(ul && count_children(ul, TAG_li) == 2);
    CHECK_EQ_INT(count_children(ul->last, TAG_p), 2);
    sito_arena_free(a);
}

TEST(html_table_cells_get_implied_rows)
{
    sito_arena *a = sito_arena_new(0);
    html_doc d;
    const char *s = "<table><td>a<td>b<tr><td>c</table>after";
    CHECK(html_parse(s, strlen(s), a, &d) == SITO_OK);
    const html_node *tb = find_tag(d.root, TAG_tbody);
    CHECK(tb && count_children(tb, TAG_tr) == 2);
    CHECK_EQ_INT(count_children(tb->first, TAG_td), 2);
    CHECK(d.body->last->kind == HTML_TEXT);
    sito_arena_free(a);
}

TEST(html_misnested_formatting_keeps_text_in_the_block)
{
    sito_arena *a = sito_arena_new(0);
    html_doc d;
    const char *s = "<b><p>x</b>y</p>z";
    CHECK(html_parse(s, strlen(s), a, &d) == SITO_OK);
    const html_node *p = find_tag(d.root, TAG_p);
    CHECK(p && p->last->kind == HTML_TEXT && p->last->text_len == 1 && p->last->text[0] == 'y');
    sito_arena_free(a);
}

TEST(html_void_elements_take_no_children)
{
    sito_arena *a = sito_arena_new(0);
    html_doc d;
    const char *s = "<p>a<br>b<img src=x>c</p>";
    CHECK(html_parse(s, strlen(s), a, &d) == SITO_OK);
    const html_node *br = find_tag(d.root, TAG_br);
    CHECK(br && !br->first);
    sito_arena_free(a);
}

TEST(html_depth_is_capped)
{
    size_t n = 20000;
    char *s = malloc(n * 5 + 1);
    for (size_t i = 0; i < n; i++)
        memcpy(s + i * 5, "<div>", 5);
    s[n * 5] = 0;
    sito_arena *a = sito_arena_new(0);
    html_doc d;
    CHECK(html_parse(s, n * 5, a, &d) == SITO_OK);
    const html_node *x = d.root;
    unsigned depth = 0;
    while (x->last) {
        x = x->last;
        depth++;
    }
    CHECK(depth <= HTML_MAX_DEPTH + 2);
    sito_arena_free(a);
    free(s);
}

TEST(extract_outputs_valid_utf8_for_invalid_input)
{
    sito_arena *a = sito_arena_new(0);
    sito_extract_result r;
    const char *s = "<p>caf\xe9 au lait \xff\xfe ok</p>";
    CHECK(sito_extract_html(s, strlen(s), a, &r) == SITO_OK);
    CHECK(strstr(r.text.ptr, "caf\xef\xbf\xbd au lait") != NULL);
    sito_arena_free(a);
}

TEST(extract_drops_navigation_and_keeps_paragraphs_on_lines)
{
    sito_arena *a = sito_arena_new(0);
    sito_extract_result r;
    const char *s =
        "<body><div class=menu><a href=/>Home</a><a href=/b>Blog</a></div>"
        "<div class=post><h2>Heading</h2><p>First paragraph, long enough to count as content for the "
        "scorer, with commas, and words.</p><p>Second paragraph, also long enough to be kept by the "
        "extractor, with commas.</p></div><div class=footer>(c) 2020</div></body>";
    CHECK(sito_extract_html(s, strlen(s), a, &r) == SITO_OK);
    CHECK(strstr(r.text.ptr, "Heading\nFirst paragraph") != NULL);
    CHECK(strstr(r.text.ptr, "commas, and words.\nSecond paragraph") != NULL);
    CHECK(strstr(r.text.ptr, "Home") == NULL);
    CHECK(strstr(r.text.ptr, "(c) 2020") == NULL);
    sito_arena_free(a);
}

TEST(extract_keeps_text_inside_an_unclosed_name_anchor)
{
    sito_arena *a = sito_arena_new(0);
    sito_extract_result r;
    const char *s =
        "<body><a name=top>\n<b>First sentence of the article, long enough to count, with "
        "commas, yes.</b><br>Second sentence of the article, also long enough, with commas.</body>";
    CHECK(sito_extract_html(s, strlen(s), a, &r) == SITO_OK);
    CHECK(strstr(r.text.ptr, "First sentence of the article") != NULL);
    CHECK(strstr(r.text.ptr, "Second sentence of the article") != NULL);
    sito_arena_free(a);
}

TEST(extract_drops_comment_sections_named_in_polish_or_german)
{
    sito_arena *a = sito_arena_new(0);
    sito_extract_result r;
    const char *s =
        "<body><div class=tresc><p>Artykuł, pierwszy akapit, dość długi, aby go uznać za treść, tak.</p></div>"
        "<div id=art-komentarze><p>Komentarz jeden, długi, z przecinkami, z przecinkami, z przecinkami.</p>"
        "<p>Komentarz dwa, długi, z przecinkami, z przecinkami, z przecinkami, i jeszcze.</p>"
        "<p>Komentarz trzy, długi, z przecinkami, z przecinkami, z przecinkami, i jeszcze.</p></div>"
        "<div class=kommentare><p>Ein Kommentar, lang genug, mit Kommas, mit Kommas, mit Kommas.</p></div>"
        "</body>";
    CHECK(sito_extract_html(s, strlen(s), a, &r) == SITO_OK);
    CHECK(strstr(r.text.ptr, "Artykuł, pierwszy akapit") != NULL);
    CHECK(strstr(r.text.ptr, "Komentarz") == NULL);
    CHECK(strstr(r.text.ptr, "Ein Kommentar") == NULL);
    sito_arena_free(a);
}

TEST(extract_stage_skips_non_html_leaving_the_count_to_the_task)
{
    sito_stage st;
    CHECK(sito_extract_stage(&st) == SITO_OK);
    sito_stats stats = {0};
    sito_doc d = {0};
    d.arena = sito_arena_new(0);
    d.raw = (sito_str){"%PDF-1.4", 8};
    d.content_type = (sito_str){"application/pdf", 15};
    CHECK(st.process(&st, &d, &stats) == SITO_OK);
    CHECK(d.skip == 1 && stats.docs_skipped == 0); /* the task counts skips, once */
    sito_doc_reset(&d);
    d.skip = 0;
    d.raw = (sito_str){"<html lang=de><p>Ein Satz mit genug Text, um als Inhalt zu gelten, ja.</p>", 74};
    d.content_type = (sito_str){"text/html", 9};
    CHECK(st.process(&st, &d, &stats) == SITO_OK);
    CHECK(!d.skip && d.text.len > 0);
    CHECK_STR(d.html_lang, "de");
    sito_arena_free(d.arena);
}
