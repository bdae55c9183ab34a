/*
 * words.c — word tokenizer and sentence counter (see words.h).  Rules: text
 * splits on whitespace; inside a chunk a word is a run of letters, marks,
 * digits and '_', joined across '-' between word characters, '.' between
 * word characters (U.S, example.com, 3.14), and ',' ':' between digits;
 * every other character is a punctuation token of its own, except runs of
 * '.' or '-' which make one token ("...", "--").  English splits clitics
 * the NLTK way: "don't" -> "do" "n't", "it's" -> "it" "'s".
 */
#include "quality/words.h"
#include "quality/text.h"
#include "sito.h"

#include <stdlib.h>

static int tok_isword(int32_t cp) { return q_class(cp) & QC_WORD; }

static int isdigit_cp(int32_t cp) { return cp >= '0' && cp <= '9'; }

static int push(q_tokens *t, size_t off, size_t len, uint32_t cps, uint32_t flags)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 1024;
        q_token *v = realloc(t->v, cap * sizeof *v);
        if (!v)
            return SITO_ERR_NOMEM;
        t->v = v;
        t->cap = cap;
    }
    t->v[t->n++] = (q_token){(uint32_t)off, (uint32_t)len, cps, flags};
    return SITO_OK;
}

/* The flags of the bytes [b, e). */
static uint32_t token_flags(const unsigned char *s, size_t b, size_t e, uint32_t *cps)
{
    uint32_t f = 0, c = 0;
    for (size_t i = b; i < e;) {
        int k;
        if (s[i] < 0x80) {
            k = q_ascii_class[s[i++]];
        } else {
            k = q_class_wide(q_next_cp(s, e, &i));
        }
        c++;
        if (!(k & QC_PUNCT))
            f |= Q_TOK_NONSYM;
        if (k & QC_ALPHA)
            f |= Q_TOK_ALPHA;
    }
    *cps = c;
    return f;
}

static int emit(q_tokens *t, const unsigned char *s, size_t b, size_t e, int word)
{
    uint32_t cps;
    uint32_t f = token_flags(s, b, e, &cps) | (word ? Q_TOK_WORD : 0);
    return push(t, b, e - b, cps, f);
}

static int is_apos(int32_t cp) { return cp == '\'' || cp == 0x2019; }

/* Length of the word starting at s[b] (a word character), and where an
 * English clitic split happens (split: byte offset, or 0). */
static size_t word_end(const unsigned char *s, size_t n, size_t b, q_tokenizer_kind kind,
                       size_t *split)
{
    size_t i = b, end = b;
    int32_t prev = -1;
    *split = 0;
    while (i < n) {
        size_t at = i;
        int32_t cp = q_next_cp(s, n, &i);
        if (tok_isword(cp)) {
            end = i;
            prev = cp;
            continue;
        }
        /* a joiner is kept only between two word characters */
        if (i >= n)
            break;
        size_t j = i;
        int32_t next = q_next_cp(s, n, &j);
        if (!tok_isword(next))
            break;
        int join = cp == '-' || cp == '.' ||
                   ((cp == ',' || cp == ':') && isdigit_cp(prev) && isdigit_cp(next));
        if (is_apos(cp)) {
            if (kind == Q_TOK_ENGLISH) {
                if (*split == 0) {
                    /* "n't": split before the n */
                    if ((prev == 'n' || prev == 'N') && (next == 't' || next == 'T') &&
                        at > b + 1)
                        *split = at - 1;
                    else
                        *split = at;
                }
            }
            join = 1;
        }
        if (!join)
            break;
        end = j;
        prev = next;
        i = j;
        (void)at;
    }
    return end;
}

static int tokenize_chunk(const unsigned char *s, size_t b, size_t e, q_tokenizer_kind kind,
                          q_tokens *t)
{
    size_t i = b;
    while (i < e) {
        size_t at = i;
        int32_t cp = q_next_cp(s, e, &i);
        if (tok_isword(cp)) {
            size_t split;
            size_t end = word_end(s, e, at, kind, &split);
            int rc;
            if (split > at && split < end) {
                if ((rc = emit(t, s, at, split, 1)) || (rc = emit(t, s, split, end, 1)))
                    return rc;
            } else if ((rc = emit(t, s, at, end, 1))) {
                return rc;
            }
            i = end;
            continue;
        }
        if (cp == '.' || cp == '-') {
            while (i < e && s[i] == (unsigned char)cp)
                i++;
        }
        int rc = emit(t, s, at, i, 0);
        if (rc)
            return rc;
    }
    return SITO_OK;
}

int q_tokenize(const char *text, size_t n, q_tokenizer_kind kind, q_tokens *t)
{
    const unsigned char *s = (const unsigned char *)text;
    t->n = 0;
    size_t i = 0;
    while (i < n) {
        /* skip whitespace */
        size_t at = i;
        int32_t cp;
        if (s[i] == ' ' || s[i] == '\n') {
            i++;
            continue;
        }
        cp = q_next_cp(s, n, &i);
        if (q_isspace(cp))
            continue;
        size_t b = at;
        while (i < n) {
            size_t k = i;
            if (s[k] == ' ' || s[k] == '\n')
                break;
            cp = q_next_cp(s, n, &k);
            if (q_isspace(cp))
                break;
            i = k;
        }
        int rc = tokenize_chunk(s, b, i, kind, t);
        if (rc)
            return rc;
    }
    return SITO_OK;
}

static int is_terminal(int32_t cp) { return cp == '.' || cp == '!' || cp == '?' || cp == 0x2026; }
static int is_closer(int32_t cp)
{
    return cp == '"' || cp == '\'' || cp == ')' || cp == ']' || cp == 0x201D || cp == 0x2019 ||
           cp == 0xBB;
}

/* Sentence breaks: a run of . ! ? … (with closing quotes or brackets) then
 * whitespace then more text.  Like Punkt, a '.' after a single letter
 * (an initial) or before a lower-case word does not break. */
int q_count_sentences(const char *text, size_t n)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t b = 0, e = n;
    q_strip(s, &b, &e);
    if (b == e)
        return 0;
    int count = 1;
    size_t i = b, word_start = b;
    int32_t before = 0;
    while (i < e) {
        size_t at = i;
        int32_t cp = q_next_cp(s, e, &i);
        if (q_isspace(cp)) {
            word_start = i;
            continue;
        }
        if (!is_terminal(cp)) {
            before = cp;
            continue;
        }
        int only_dots = cp == '.';
        while (i < e) {
            size_t k = i;
            int32_t c2 = q_next_cp(s, e, &k);
            if (!is_terminal(c2) && !is_closer(c2))
                break;
            if (c2 != '.')
                only_dots = 0;
            i = k;
        }
        if (i >= e)
            break;
        size_t k = i;
        if (!q_isspace(q_next_cp(s, e, &k)))
            continue;
        while (k < e) {
            size_t m = k;
            if (!q_isspace(q_next_cp(s, e, &m)))
                break;
            k = m;
        }
        if (k >= e)
            break;
        size_t m = k;
        int32_t next = q_next_cp(s, e, &m);
        if (only_dots) {
            int initial = at - word_start == 1 || (at > word_start && q_cp_count((const char *)s + word_start, at - word_start) == 1);
            if ((initial && q_isalpha(before)) || (q_class(next) & QC_LOWER))
                continue;
        }
        count++;
    }
    return count;
}
