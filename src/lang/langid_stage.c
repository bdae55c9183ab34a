/*
 * langid_stage.c — the "langid" pipeline stage: the document's language
 * from its whole text (newlines read as spaces, as datatrove does), then
 * each paragraph's (each line with a non-blank byte), and the share of
 * characters in paragraphs of another language.
 * The stage owns a prediction context, so it belongs to one thread; the
 * model is shared and must outlive it.
 */
#include "sito.h"

#include <stdlib.h>
#include <string.h>

typedef struct langid_stage {
    const sito_langid_model *m;
    sito_langid_ctx *ctx;
} langid_stage;

static int is_blank(unsigned char b)
{
    return b == ' ' || b == '\t' || b == '\r' || b == '\v' || b == '\f' || b == '\0';
}

static int has_word(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_blank((unsigned char)p[i]))
            return 1;
    return 0;
}

static uint32_t count_chars(const char *p, size_t n)
{
    uint32_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)p[i] & 0xC0) != 0x80;
    return c;
}

static int lang_equal(sito_str a, const char *b)
{
    return strlen(b) == a.len && !memcmp(a.ptr, b, a.len);
}

/* Writes each paragraph's byte range to out (when not NULL); returns the
 * count. */
static uint32_t paragraphs(sito_str t, sito_para_lang *out)
{
    uint32_t n = 0;
    size_t i = 0;
    while (i < t.len) {
        const char *nl = memchr(t.ptr + i, '\n', t.len - i);
        size_t e = nl ? (size_t)(nl - t.ptr) : t.len;
        if (has_word(t.ptr + i, e - i)) {
            if (out)
                out[n] = (sito_para_lang){.start = (uint32_t)i, .len = (uint32_t)(e - i)};
            n++;
        }
        i = e + 1;
    }
    return n;
}

static int langid_process(sito_stage *st, sito_doc *doc, sito_stats *stats)
{
    (void)stats;
    langid_stage *s = st->state;
    sito_langid_result r;
    int n = sito_langid_predict(s->m, s->ctx, doc->text.ptr, doc->text.len, 1, 0.0f, &r);
    if (n < 0)
        return n;
    doc->lang = n ? r.lang : (sito_str){"", 0};
    doc->lang_score = n ? r.prob : 0.0f;
    sito_doc_set_signal(doc, SITO_SIG_LANG_SCORE, doc->lang_score);

    /* offsets are uint32: paragraphs past 4 GiB are not annotated */
    sito_str t = doc->text;
    if (t.len > UINT32_MAX)
        t.len = UINT32_MAX;
    uint32_t np = paragraphs(t, NULL);
    doc->paras = NULL;
    doc->n_paras = 0;
    double all = 0, other = 0;
    if (np) {
        if (!doc->arena || !(doc->paras = sito_arena_alloc(doc->arena, sizeof *doc->paras * np)))
            return SITO_ERR_NOMEM;
        paragraphs(t, doc->paras);
        doc->n_paras = np;
    }
    for (uint32_t i = 0; i < np; i++) {
        sito_para_lang *p = &doc->paras[i];
        n = sito_langid_predict(s->m, s->ctx, t.ptr + p->start, p->len, 1, 0.0f, &r);
        if (n < 0)
            return n;
        size_t l = n ? r.lang.len : 0;
        if (l >= sizeof p->lang)
            l = sizeof p->lang - 1;
        memcpy(p->lang, n ? r.lang.ptr : "", l);
        p->lang[l] = 0;
        p->score = n ? r.prob : 0.0f;
        double chars = count_chars(t.ptr + p->start, p->len);
        all += chars;
        if (!lang_equal(doc->lang, p->lang))
            other += chars;
    }
    sito_doc_set_signal(doc, SITO_SIG_PARAGRAPHS, np);
    sito_doc_set_signal(doc, SITO_SIG_PARA_OTHER_LANG_FRAC, all > 0 ? other / all : 0.0);
    return SITO_OK;
}

static void langid_destroy(sito_stage *st)
{
    langid_stage *s = st->state;
    if (s)
        sito_langid_ctx_free(s->ctx);
    free(s);
    st->state = NULL;
}

int sito_langid_stage(sito_stage *out, const sito_langid_model *m)
{
    if (!out || !m)
        return SITO_ERR_ARG;
    langid_stage *s = calloc(1, sizeof *s);
    if (!s)
        return SITO_ERR_NOMEM;
    s->m = m;
    if (!(s->ctx = sito_langid_ctx_new(m))) {
        free(s);
        return SITO_ERR_NOMEM;
    }
    *out = (sito_stage){
        .name = "langid",
        .state = s,
        .process = langid_process,
        .destroy = langid_destroy,
    };
    return SITO_OK;
}
