/*
 * html_oracle.c — compares the text of sito's HTML tree with gumbo's (a
 * spec-complete HTML5 parser) page by page.  Text = every text node outside
 * script/style/template/noscript/textarea/title, whitespace-split into
 * words; similarity = F1 of the multisets of word bigrams (1.0: same words
 * in the same order, up to bigram reordering).  Built only as a test
 * helper: libsito never links gumbo.
 * usage: html_oracle [--min-mean X] [--min-page Y] FILE.html[.gz]...
 *   prints one line per page below 0.99 and a summary; exit 1 when the mean
 *   or the worst page is under the thresholds.
 */
#include "html/html.h"

#include <gumbo.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

typedef struct words {
    uint64_t *h;
    size_t n, cap;
    uint64_t cur;       /* hash of the word being read */
    int in_word;
    uint64_t prev;
    int have_prev;
} words;

static void push_bigram(words *w, uint64_t word)
{
    if (w->have_prev) {
        if (w->n == w->cap) {
            w->cap = w->cap ? w->cap * 2 : 1024;
            w->h = realloc(w->h, w->cap * sizeof *w->h);
        }
        w->h[w->n++] = w->prev * 0x9E3779B97F4A7C15ull ^ word;
    }
    w->prev = word;
    w->have_prev = 1;
}

static FILE *dump_file;   /* --dump: the text each parser saw */

static void feed(words *w, const char *s, size_t n)
{
    if (dump_file)
        fwrite(s, 1, n, dump_file), fputc('|', dump_file);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= ' ') {
            if (w->in_word)
                push_bigram(w, w->cur);
            w->in_word = 0;
            continue;
        }
        if (!w->in_word) {
            w->cur = 1469598103934665603ull;
            w->in_word = 1;
        }
        w->cur = (w->cur ^ c) * 1099511628211ull;
    }
}

static void end_text(words *w)
{
    if (w->in_word)
        push_bigram(w, w->cur);
    w->in_word = 0;
}

static int skipped_tag(const char *name)
{
    return !strcmp(name, "script") || !strcmp(name, "style") || !strcmp(name, "template") ||
           !strcmp(name, "noscript") || !strcmp(name, "textarea") || !strcmp(name, "title");
}

static void walk_sito(words *w, const html_node *n)
{
    if (n->kind == HTML_TEXT) {
        feed(w, n->text, n->text_len);
        return;
    }
    if (n->kind == HTML_ELEMENT && !(n->flags & HTML_F_FOREIGN) && skipped_tag(html_tag_name(n->tag)))
        return;
    /* element boundaries split words (whitespace-only text nodes that one
     * parser keeps and the other drops then do not matter) */
    end_text(w);
    for (const html_node *c = n->first; c; c = c->next)
        walk_sito(w, c);
    end_text(w);
}

static void walk_gumbo(words *w, const GumboNode *n)
{
    if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE ||
        n->type == GUMBO_NODE_CDATA) {
        feed(w, n->v.text.text, strlen(n->v.text.text));
        return;
    }
    const GumboVector *kids;
    if (n->type == GUMBO_NODE_DOCUMENT) {
        kids = &n->v.document.children;
    } else if (n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE) {
        if (n->type == GUMBO_NODE_TEMPLATE)
            return;
        if (n->v.element.tag_namespace == GUMBO_NAMESPACE_HTML &&
            skipped_tag(gumbo_normalized_tagname(n->v.element.tag)))
            return;
        kids = &n->v.element.children;
    } else {
        return;
    }
    end_text(w);
    for (unsigned i = 0; i < kids->length; i++)
        walk_gumbo(w, kids->data[i]);
    end_text(w);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static double similarity(words *a, words *b)
{
    if (!a->n && !b->n)
        return 1.0;
    qsort(a->h, a->n, 8, cmp_u64);
    qsort(b->h, b->n, 8, cmp_u64);
    size_t i = 0, j = 0, common = 0;
    while (i < a->n && j < b->n) {
        if (a->h[i] == b->h[j]) {
            common++;
            i++;
            j++;
        } else if (a->h[i] < b->h[j]) {
            i++;
        } else {
            j++;
        }
    }
    return 2.0 * (double)common / (double)(a->n + b->n);
}

static char *read_file(const char *path, size_t *len)
{
    gzFile g = gzopen(path, "rb");
    if (!g)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    int r;
    while ((r = gzread(g, buf + n, (unsigned)(cap - n))) > 0) {
        n += (size_t)r;
        if (n == cap)
            buf = realloc(buf, cap *= 2);
    }
    gzclose(g);
    *len = n;
    return buf;
}

int main(int argc, char **argv)
{
    double min_mean = 0, min_page = 0, sum = 0, worst = 1;
    size_t pages = 0, identical = 0;
    const char *worst_name = "";
    sito_arena *a = sito_arena_new(0);
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--min-mean") && i + 1 < argc) {
            min_mean = atof(argv[++i]);
            continue;
        }
        if (!strcmp(argv[i], "--min-page") && i + 1 < argc) {
            min_page = atof(argv[++i]);
            continue;
        }
        size_t len;
        char *html = read_file(argv[i], &len);
        if (!html) {
            fprintf(stderr, "html_oracle: cannot read %s\n", argv[i]);
            return 2;
        }
        /* gumbo turns invalid UTF-8 into U+FFFD, sito passes bytes
         * through: make both see the same valid input */
        for (size_t k = 0; k < len;) {
            unsigned char c = (unsigned char)html[k];
            size_t q = c < 0x80 ? 1 : (c >= 0xC2 && c <= 0xDF) ? 2 : (c >= 0xE0 && c <= 0xEF) ? 3
                     : (c >= 0xF0 && c <= 0xF4) ? 4 : 0;
            int ok = q && k + q <= len;
            for (size_t j = 1; ok && j < q; j++)
                ok = ((unsigned char)html[k + j] & 0xC0) == 0x80;
            if (!ok) {
                html[k++] = '?';
                continue;
            }
            k += q;
        }
        words ws = {0}, wg = {0};
        sito_arena_reset(a);
        html_doc doc;
        if (html_parse(html, len, a, &doc) != SITO_OK) {
            fprintf(stderr, "html_oracle: %s: out of memory\n", argv[i]);
            return 2;
        }
        if (getenv("ORACLE_DUMP"))
            dump_file = fopen("/tmp/oracle-sito.txt", "w");
        walk_sito(&ws, doc.root);
        end_text(&ws);
        if (dump_file) {
            fclose(dump_file);
            dump_file = fopen("/tmp/oracle-gumbo.txt", "w");
        }
        GumboOutput *g = gumbo_parse_with_options(&kGumboDefaultOptions, html, len);
        walk_gumbo(&wg, g->document);
        end_text(&wg);
        if (dump_file)
            fclose(dump_file);
        dump_file = NULL;
        gumbo_destroy_output(&kGumboDefaultOptions, g);
        double s = similarity(&ws, &wg);
        if (s < 0.99)
            printf("%.4f %s (sito %zu bigrams, gumbo %zu)\n", s, argv[i], ws.n, wg.n);
        identical += s == 1.0;
        sum += s;
        pages++;
        if (s < worst) {
            worst = s;
            worst_name = argv[i];
        }
        free(ws.h);
        free(wg.h);
        free(html);
    }
    sito_arena_free(a);
    double mean = pages ? sum / (double)pages : 1.0;
    printf("html_oracle: %zu pages, %zu identical, mean similarity %.4f, worst %.4f (%s)\n",
           pages, identical, mean, worst, worst_name);
    return (mean < min_mean || worst < min_page) ? 1 : 0;
}
