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
#ifdef __SSE2__
#include <emmintrin.h>
#endif

static int isdigit_cp(int32_t cp) { return cp >= '0' && cp <= '9'; }


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

/* Adds the token [b, e) (room is reserved: at most one token per byte). */
static void emit(q_tokens *t, const unsigned char *s, size_t b, size_t e, int word)
{
    uint32_t cps;
    uint32_t f = token_flags(s, b, e, &cps) | (word ? Q_TOK_WORD : 0);
    t->v[t->n++] = (q_token){(uint32_t)b, (uint32_t)(e - b), cps, f};
}

static int is_apos(int32_t cp) { return cp == '\'' || cp == 0x2019; }

/* The class of the code point at s[*i], advancing *i. */
static inline int next_class(const unsigned char *s, size_t n, size_t *i, int32_t *cp)
{
    unsigned char c = s[*i];
    if (c < 0x80) {
        (*i)++;
        *cp = c;
        return q_ascii_class[c];
    }
    *cp = q_next_cp(s, n, i);
    return q_class_wide(*cp);
}

static inline uint32_t class_flags(int k)
{
    return (k & QC_PUNCT ? 0 : Q_TOK_NONSYM) | (k & QC_ALPHA ? Q_TOK_ALPHA : 0);
}

/* The end of the run of ASCII word characters (letters, digits, '_')
 * at s[i], adding its flags to *flags: 16 bytes at a time where they are
 * there, since a branch per byte mispredicts at the end of most words
 * (word lengths vary).  Of these characters only '_' is punctuation and
 * only the letters are alphabetic (q_ascii_class). */
static inline size_t ascii_word_run(const unsigned char *s, size_t i, size_t n, uint32_t *flags)
{
    uint32_t f = 0;
#ifdef __SSE2__
    for (; i + 16 <= n;) {
        __m128i v = _mm_loadu_si128((const __m128i *)(s + i));
        __m128i l = _mm_sub_epi8(_mm_or_si128(v, _mm_set1_epi8(0x20)), _mm_set1_epi8('a'));
        __m128i d = _mm_sub_epi8(v, _mm_set1_epi8('0'));
        unsigned ml = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(l, _mm_set1_epi8(25)), l));
        unsigned md = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(9)), d));
        unsigned mu = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('_')));
        unsigned r = (unsigned)__builtin_ctz(~(ml | md | mu) | 0x10000u);
        unsigned keep = (1u << r) - 1;
        f |= (ml & keep ? Q_TOK_ALPHA : 0) | ((ml | md) & keep ? Q_TOK_NONSYM : 0);
        i += r;
        if (r < 16) {
            *flags |= f;
            return i;
        }
    }
#endif
    int kor = 0, kand = ~0;
    for (; i < n && s[i] < 0x80 && (q_ascii_class[s[i]] & QC_WORD); i++) {
        kor |= q_ascii_class[s[i]];
        kand &= q_ascii_class[s[i]];
    }
    if (kor) /* a run of at least one character */
        f |= (kand & QC_PUNCT ? 0 : Q_TOK_NONSYM) | (kor & QC_ALPHA ? Q_TOK_ALPHA : 0);
    *flags |= f;
    return i;
}

/* The word starting at s[b] (a word character), as one token or two (an
 * English clitic split), in one pass that also gathers its flags.  Returns
 * where it ends.  A word runs over word characters and over one joiner
 * between two of them; a split (rare) recomputes the flags of both parts. */
static size_t scan_word(const unsigned char *s, size_t n, size_t b, q_tokenizer_kind kind,
                        q_tokens *t)
{
    size_t i = b, end = b, split = 0;
    int32_t prev = -1, cp, next;
    uint32_t flags = 0, cps = 0;
    while (i < n) {
        /* fast path: a run of ASCII word characters (letters, digits, '_') */
        if (s[i] < 0x80 && (q_ascii_class[s[i]] & QC_WORD)) {
            size_t r = ascii_word_run(s, i, n, &flags);
            cps += (uint32_t)(r - i);
            prev = s[r - 1];
            end = i = r;
            continue;
        }
        size_t at = i;
        int k = next_class(s, n, &i, &cp);
        if (k & QC_WORD) {
            end = i;
            prev = cp;
            flags |= class_flags(k);
            cps++;
            continue;
        }
        /* a joiner is kept only between two word characters */
        if (i >= n)
            break;
        size_t j = i;
        int k2 = next_class(s, n, &j, &next);
        if (!(k2 & QC_WORD))
            break;
        int join = cp == '-' || cp == '.' ||
                   ((cp == ',' || cp == ':') && isdigit_cp(prev) && isdigit_cp(next));
        if (is_apos(cp)) {
            if (kind == Q_TOK_ENGLISH && split == 0) {
                /* "n't": split before the n */
                if ((prev == 'n' || prev == 'N') && (next == 't' || next == 'T') && at > b + 1)
                    split = at - 1;
                else
                    split = at;
            }
            join = 1;
        }
        if (!join)
            break;
        flags |= class_flags(k) | class_flags(k2);
        cps += 2;
        end = j;
        prev = next;
        i = j;
    }
    if (split > b && split < end) {
        emit(t, s, b, split, 1);
        emit(t, s, split, end, 1);
    } else {
        t->v[t->n++] = (q_token){(uint32_t)b, (uint32_t)(end - b), cps, flags | Q_TOK_WORD};
    }
    return end;
}

/* One pass over the text: whitespace separates, a word character starts a
 * word, anything else is a punctuation token (a run of '.' or '-' is one).
 * Whitespace is never part of a token, so scanning the whole text gives
 * the tokens of each whitespace-separated chunk. */
int q_tokenize(const char *text, size_t n, q_tokenizer_kind kind, q_tokens *t)
{
    const unsigned char *s = (const unsigned char *)text;
    t->n = 0;
    if (n + 1 > t->cap) { /* a token has at least one byte */
        q_token *v = realloc(t->v, (n + 1) * sizeof *v);
        if (!v)
            return SITO_ERR_NOMEM;
        t->v = v;
        t->cap = n + 1;
    }
    size_t i = 0;
    while (i < n) {
        size_t at = i;
        int32_t cp;
        int k = next_class(s, n, &i, &cp);
        if (k & QC_SPACE)
            continue;
        if (k & QC_WORD) {
            i = scan_word(s, n, at, kind, t);
            continue;
        }
        uint32_t cps = 1;
        if (cp == '.' || cp == '-') {
            while (i < n && s[i] == (unsigned char)cp) {
                i++;
                cps++;
            }
        }
        t->v[t->n++] = (q_token){(uint32_t)at, (uint32_t)(i - at), cps, class_flags(k)};
    }
    return SITO_OK;
}

static int is_terminal(int32_t cp) { return cp == '.' || cp == '!' || cp == '?' || cp == 0x2026; }
static int is_closer(int32_t cp)
{
    return cp == '"' || cp == '\'' || cp == ')' || cp == ']' || cp == 0x201D || cp == 0x2019 ||
           cp == 0xBB;
}

/* ASCII bytes the sentence counter looks at: whitespace and . ! ? */
static const unsigned char sent_special[128] = {
    [9] = 1, [10] = 1, [11] = 1, [12] = 1, [13] = 1, [28] = 1, [29] = 1, [30] = 1, [31] = 1,
    [' '] = 1, ['.'] = 1, ['!'] = 1, ['?'] = 1,
};

/* The first byte at or after i (< e) that is not plain ASCII for the
 * sentence counter: 16 bytes at a time treat every byte <= 0x20, >= 0x80
 * and . ! ? as not plain (a superset; the caller decodes it fully). */
static size_t skip_plain(const unsigned char *s, size_t i, size_t e)
{
#ifdef __SSE2__
    const __m128i sp = _mm_set1_epi8(0x20), dot = _mm_set1_epi8('.'), ex = _mm_set1_epi8('!'),
                  qm = _mm_set1_epi8('?');
    for (; i + 16 <= e; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(s + i));
        __m128i m = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(v, sp), v), /* <= 0x20 */
                                 _mm_cmplt_epi8(v, _mm_setzero_si128())); /* >= 0x80 */
        m = _mm_or_si128(m, _mm_or_si128(_mm_cmpeq_epi8(v, dot),
                                         _mm_or_si128(_mm_cmpeq_epi8(v, ex), _mm_cmpeq_epi8(v, qm))));
        unsigned bits = (unsigned)_mm_movemask_epi8(m);
        if (bits)
            return i + (size_t)__builtin_ctz(bits);
    }
#endif
    while (i < e && s[i] < 0x80 && !sent_special[s[i]])
        i++;
    return i;
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
        /* fast path: ASCII that is neither whitespace nor . ! ? */
        if (s[i] < 0x80 && !sent_special[s[i]]) {
            size_t j = skip_plain(s, i + 1, e);
            before = s[j - 1];
            i = j;
            continue;
        }
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
