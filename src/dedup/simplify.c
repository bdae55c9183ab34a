/*
 * simplify.c — datatrove's simplify_text in one pass over UTF-8: lower
 * case, whitespace to one space, punctuation deleted, NFD minus Mn, digit
 * runs to "0".  The one thing to know: datatrove applies the steps to the
 * whole string in that order, so a deleted character or a dropped mark
 * between two digits joins them into one run ("1.5" -> "0"); the streaming
 * state (in_word, in_digits) reproduces that.  ASCII takes a table lookup;
 * other code points go through utf8proc.
 */
#include "dedup/simplify.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

enum { C_KEEP, C_UPPER, C_SPACE, C_PUNCT, C_DIGIT };

/* Byte classes of ASCII: datatrove's punctuation covers all ASCII
 * punctuation; C0 controls other than whitespace are in its list too. */
static const unsigned char ascii_class[128] = {
    [0x00 ... 0x08] = C_PUNCT, [0x09 ... 0x0d] = C_SPACE,
    [0x0e ... 0x1b] = C_PUNCT, [0x1c ... 0x20] = C_SPACE,
    [0x21 ... 0x2f] = C_PUNCT, ['0' ... '9'] = C_DIGIT,
    [0x3a ... 0x40] = C_PUNCT, ['A' ... 'Z'] = C_UPPER,
    [0x5b ... 0x60] = C_PUNCT, [0x7b ... 0x7f] = C_PUNCT,
};

/* datatrove's PUNCTUATION beyond ASCII, sorted. */
static const uint32_t punct_cps[] = {
    0xab, 0xb4, 0xbb, 0x2013, 0x2014, 0x2019, 0x201c, 0x201d, 0x201e,
    0x2026, 0x2236, 0x2501, 0x25ba, 0x3001, 0x3002, 0x3008, 0x3009,
    0x300a, 0x300b, 0x300c, 0x300d, 0x3010, 0x3011, 0xff01, 0xff05,
    0xff08, 0xff09, 0xff0c, 0xff0e, 0xff11, 0xff1a, 0xff1b, 0xff1f,
    0xff5e,
};

static int is_unicode_space(int32_t c)
{
    return c == 0x85 || c == 0xa0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
           c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f || c == 0x3000;
}

static int is_unicode_punct(int32_t c)
{
    if (c >= 0x80 && c <= 0x9f)  /* C1 controls (0x85 is whitespace) */
        return 1;
    size_t lo = 0, hi = sizeof punct_cps / sizeof punct_cps[0];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (punct_cps[mid] == (uint32_t)c)
            return 1;
        if (punct_cps[mid] < (uint32_t)c)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

/* The streaming state of one simplification. */
typedef struct {
    sito_buf *out;
    dedup_words *words;
    int flags;
    int in_word;
    int in_digits;   /* the last kept character was a digit run's "0" */
    int nomem;
} emitter;

static void word_break(emitter *e)
{
    e->in_word = 0;
    e->in_digits = 0;
}

static int start_word(emitter *e)
{
    if (e->in_word)
        return 0;
    if (e->out->len > 0 && sito_buf_append(e->out, " ", 1) != SITO_OK)
        return -1;
    if (e->words) {
        dedup_words *w = e->words;
        if (w->n == w->cap) {
            size_t cap = w->cap ? w->cap * 2 : 256;
            uint32_t *p = realloc(w->start, cap * sizeof *p);
            if (!p)
                return -1;
            w->start = p;
            w->cap = cap;
        }
        w->start[w->n++] = (uint32_t)e->out->len;
    }
    e->in_word = 1;
    return 0;
}

static void emit_bytes(emitter *e, const void *p, size_t n)
{
    if (start_word(e) < 0 || sito_buf_append(e->out, p, n) != SITO_OK)
        e->nomem = 1;
    e->in_digits = 0;
}

static void emit_digit(emitter *e, const void *p, size_t n)
{
    if (e->flags & SITO_SIMPLIFY_KEEP_DIGITS) {
        emit_bytes(e, p, n);
        return;
    }
    if (e->in_word && e->in_digits)
        return;
    emit_bytes(e, "0", 1);
    e->in_digits = 1;
}

static void punct(emitter *e)
{
    if (e->flags & SITO_SIMPLIFY_PUNCT_SPACE)
        word_break(e);
}

/* One decomposed code point: dropped when a nonspacing mark, "0" when a
 * decimal digit. */
static void emit_decomposed(emitter *e, int32_t c)
{
    const utf8proc_property_t *p = utf8proc_get_property(c);
    if (p->category == UTF8PROC_CATEGORY_MN && !(e->flags & SITO_SIMPLIFY_KEEP_MARKS))
        return;
    uint8_t u[4];
    utf8proc_ssize_t n = utf8proc_encode_char(c, u);
    if (p->category == UTF8PROC_CATEGORY_ND)
        emit_digit(e, u, (size_t)n);
    else
        emit_bytes(e, u, (size_t)n);
}

static void emit_codepoint(emitter *e, int32_t c)
{
    if (!(e->flags & SITO_SIMPLIFY_KEEP_CASE))
        c = utf8proc_tolower(c);
    if (is_unicode_space(c)) {
        word_break(e);
        return;
    }
    if (!(e->flags & SITO_SIMPLIFY_KEEP_PUNCT) && is_unicode_punct(c)) {
        punct(e);
        return;
    }
    if (e->flags & SITO_SIMPLIFY_KEEP_MARKS) {
        emit_decomposed(e, c);
        return;
    }
    utf8proc_int32_t d[16];
    int last_bc = 0;
    utf8proc_ssize_t n = utf8proc_decompose_char(c, d, 16, UTF8PROC_DECOMPOSE, &last_bc);
    if (n < 1 || n > 16) {
        emit_decomposed(e, c);
        return;
    }
    for (utf8proc_ssize_t i = 0; i < n; i++)
        emit_decomposed(e, d[i]);
}

static void emit_ascii(emitter *e, unsigned char ch)
{
    switch (ascii_class[ch]) {
    case C_UPPER:
        if (!(e->flags & SITO_SIMPLIFY_KEEP_CASE))
            ch = (unsigned char)(ch + 32);
        /* fall through */
    case C_KEEP:
        if (e->in_word && !e->in_digits) {   /* the common case, inline */
            if (e->out->len < e->out->cap || sito_buf_reserve(e->out, 1) == SITO_OK)
                e->out->ptr[e->out->len++] = (char)ch;
            else
                e->nomem = 1;
            return;
        }
        emit_bytes(e, &ch, 1);
        return;
    case C_SPACE:
        word_break(e);
        return;
    case C_DIGIT:
        emit_digit(e, &ch, 1);
        return;
    default:
        if (e->flags & SITO_SIMPLIFY_KEEP_PUNCT)
            emit_bytes(e, &ch, 1);
        else
            punct(e);
        return;
    }
}

/* Bytes that one U+FFFD replaces at an invalid sequence: a lead byte and
 * the continuation bytes that follow it while they could still complete it
 * (Python's "replace", the W3C maximal subpart). */
static utf8proc_ssize_t invalid_utf8_len(const unsigned char *p, const unsigned char *end)
{
    int need = *p >= 0xf0 && *p <= 0xf4 ? 3 : *p >= 0xe0 && *p <= 0xef ? 2 : *p >= 0xc2 && *p <= 0xdf ? 1 : 0;
    utf8proc_ssize_t n = 1;
    while (n <= need && p + n < end && (p[n] & 0xc0) == 0x80) {
        if (n == 1 && ((*p == 0xe0 && p[1] < 0xa0) || (*p == 0xed && p[1] > 0x9f) ||
                       (*p == 0xf0 && p[1] < 0x90) || (*p == 0xf4 && p[1] > 0x8f)))
            break;
        n++;
    }
    return n;
}

static int is_cased(int32_t c)
{
    utf8proc_category_t k = utf8proc_category(c);
    return k == UTF8PROC_CATEGORY_LU || k == UTF8PROC_CATEGORY_LL || k == UTF8PROC_CATEGORY_LT;
}

/* Unicode's Case_Ignorable, close enough: marks, format characters,
 * modifiers and the word-internal punctuation of Word_Break MidLetter,
 * MidNumLet and Single_Quote. */
static int is_case_ignorable(int32_t c)
{
    switch (c) {
    case '\'': case '.': case ':': case 0xb7: case 0x387: case 0x55f:
    case 0x5f4: case 0x2018: case 0x2019: case 0x2024: case 0x2027:
    case 0xfe13: case 0xfe52: case 0xfe55: case 0xff07: case 0xff0e:
    case 0xff1a:
        return 1;
    }
    utf8proc_category_t k = utf8proc_category(c);
    return k == UTF8PROC_CATEGORY_MN || k == UTF8PROC_CATEGORY_ME ||
           k == UTF8PROC_CATEGORY_CF || k == UTF8PROC_CATEGORY_LM ||
           k == UTF8PROC_CATEGORY_SK;
}

/* The code point that ends just before at, or -1. */
static int32_t prev_codepoint(const unsigned char *begin, const unsigned char **at)
{
    if (*at == begin)
        return -1;
    const unsigned char *q = *at - 1;
    while (q > begin && (*q & 0xc0) == 0x80 && *at - q < 4)
        q--;
    utf8proc_int32_t c;
    if (utf8proc_iterate(q, *at - q, &c) < 1)
        c = 0xfffd;
    *at = q;
    return c;
}

/* Python's str.lower() turns a capital sigma preceded by a cased letter
 * and not followed by one (case-ignorable characters skipped) into the
 * final form; utf8proc's simple mapping does not. */
static int is_final_sigma(const unsigned char *begin, const unsigned char *at,
                          utf8proc_ssize_t len, const unsigned char *end)
{
    const unsigned char *q = at;
    int32_t c;
    do
        c = prev_codepoint(begin, &q);
    while (c >= 0 && is_case_ignorable(c));
    if (c < 0 || !is_cased(c))
        return 0;
    const unsigned char *n = at + len;
    while (n < end) {
        utf8proc_int32_t d;
        utf8proc_ssize_t l = utf8proc_iterate(n, end - n, &d);
        if (l < 1)
            return 1;
        if (!is_case_ignorable(d))
            return !is_cased(d);
        n += l;
    }
    return 1;
}

int dedup_simplify_words(const char *s, size_t n, int flags, sito_buf *out,
                         dedup_words *words)
{
    if (n > UINT32_MAX / 2)
        n = UINT32_MAX / 2;   /* word offsets are 32-bit */
    emitter e = {.out = out, .words = words, .flags = flags};
    out->len = 0;
    if (words)
        words->n = 0;
    if (sito_buf_reserve(out, n + 16) != SITO_OK)
        return SITO_ERR_NOMEM;
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    while (p < end && !e.nomem) {
        if (*p < 0x80) {
            emit_ascii(&e, *p++);
            continue;
        }
        utf8proc_int32_t c;
        utf8proc_ssize_t len = utf8proc_iterate(p, end - p, &c);
        if (len < 1) {
            c = 0xfffd;
            len = invalid_utf8_len(p, end);
        }
        if (c == 0x3a3 && !(flags & SITO_SIMPLIFY_KEEP_CASE) &&
            is_final_sigma((const unsigned char *)s, p, len, end))
            c = 0x3c2;
        p += len;
        emit_codepoint(&e, c);
    }
    return e.nomem ? SITO_ERR_NOMEM : SITO_OK;
}

int sito_simplify(const char *s, size_t n, int flags, sito_buf *out)
{
    return dedup_simplify_words(s, n, flags, out, NULL);
}

void dedup_words_free(dedup_words *w)
{
    free(w->start);
    *w = (dedup_words){0};
}
