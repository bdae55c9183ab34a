/*
 * pii.c — e-mail and IPv4 replacement as datatrove's PIIFormatter does it:
 * the same two regular expressions, matched by hand.  The e-mail pattern is
 * lower-case only (datatrove compiles it without IGNORECASE) and starts at
 * a \b; the IPv4 pattern has no boundaries, so "1234.5.6.78" matches
 * "234.5.6.78".  A match that fails validation (a private address, an octet
 * with a leading zero, which Python's ipaddress rejects) stays as it is.
 */
#include "sito.h"
#include "quality/text.h"

#include <stdlib.h>
#include <string.h>

static const char *const default_emails[] = {"email@example.com", "firstname.lastname@example.org",
                                             NULL};
static const char *const default_ips[] = {"22.214.171.124", "126.96.36.199", "188.8.131.52",
                                          "184.108.40.206", "220.127.116.11", "18.104.22.168",
                                          NULL};

/* ------------------------------------------------------------- e-mail */

static int local_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c && strchr("!#$%&'*+/=?^_`{|}~-", c));
}

static int alnum_lc(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

/* \w of the character at s[i] / before s[i] (Unicode, as Python's re) */
static int word_at(const unsigned char *s, size_t n, size_t i)
{
    if (i >= n)
        return 0;
    return q_isword(q_next_cp(s, n, &i));
}

static int word_before(const unsigned char *s, size_t i)
{
    if (i == 0)
        return 0;
    size_t st;
    return q_isword(q_prev_cp(s, i, &st));
}

/* End of the domain after '@' at s[at]: the longest run of labels
 * ([a-z0-9]([a-z0-9-]*[a-z0-9])?) joined by '.', at least two; 0 if none. */
static size_t domain_end(const unsigned char *s, size_t n, size_t at)
{
    size_t i = at + 1, best = 0;
    int labels = 0;
    while (i < n && alnum_lc(s[i])) {
        size_t j = i, last_alnum = i;
        while (j < n && (alnum_lc(s[j]) || s[j] == '-')) {
            if (alnum_lc(s[j]))
                last_alnum = j;
            j++;
        }
        if (labels >= 1)
            best = last_alnum + 1; /* this label can end the match */
        if (j < n && s[j] == '.' && last_alnum == j - 1) {
            labels++;
            i = j + 1;
        } else {
            break;
        }
    }
    return best;
}

/* Start of the e-mail whose '@' is at s[at], not before from; SIZE_MAX if
 * none: the leftmost start of atom(.atom)* that sits on a \b. */
static size_t local_start(const unsigned char *s, size_t n, size_t from, size_t at)
{
    if (at == from || !local_char(s[at - 1]))
        return SIZE_MAX;
    size_t r = at;
    while (r > from && (local_char(s[r - 1]) || s[r - 1] == '.'))
        r--;
    /* no dot at the end, no two dots in a row, no dot at the start */
    size_t lo = r;
    for (size_t k = r; k + 1 < at; k++)
        if (s[k] == '.' && s[k + 1] == '.')
            lo = k + 2;
    for (size_t st = lo; st < at; st++) {
        if (s[st] == '.')
            continue;
        if (word_before(s, st) != word_at(s, n, st))
            return st;
    }
    return SIZE_MAX;
}

/* ---------------------------------------------------------------- IPv4 */

static int dig(const unsigned char *s, size_t n, size_t i) { return i < n && s[i] >= '0' && s[i] <= '9'; }

/* An inner octet: the whole digit run before the '.' must be an octet. */
static size_t inner_octet(const unsigned char *s, size_t n, size_t i)
{
    size_t j = i;
    while (j < n && dig(s, n, j) && j - i < 4)
        j++;
    size_t len = j - i;
    if (len == 0 || len > 3 || j >= n || s[j] != '.')
        return 0;
    if (len == 3 && !(s[i] <= '1' || (s[i] == '2' && (s[i + 1] < '5' || (s[i + 1] == '5' && s[i + 2] <= '5')))))
        return 0;
    return len;
}

/* The last octet: the first alternative that matches, as re does. */
static size_t last_octet(const unsigned char *s, size_t n, size_t i)
{
    if (!dig(s, n, i))
        return 0;
    if (s[i] == '2' && i + 2 < n && s[i + 1] == '5' && s[i + 2] >= '0' && s[i + 2] <= '5')
        return 3;
    if (s[i] == '2' && dig(s, n, i + 1) && s[i + 1] <= '4' && dig(s, n, i + 2))
        return 3;
    if ((s[i] == '0' || s[i] == '1') && dig(s, n, i + 1))
        return dig(s, n, i + 2) ? 3 : 2;
    return dig(s, n, i + 1) ? 2 : 1;
}

/* Length of an IPv4 match at s[i], 0 if none; octets into o[4]. */
static size_t ipv4_at(const unsigned char *s, size_t n, size_t i, size_t off[4], size_t len[4])
{
    size_t p = i;
    for (int k = 0; k < 3; k++) {
        size_t l = inner_octet(s, n, p);
        if (!l)
            return 0;
        off[k] = p;
        len[k] = l;
        p += l + 1;
    }
    size_t l = last_octet(s, n, p);
    if (!l)
        return 0;
    off[3] = p;
    len[3] = l;
    return p + l - i;
}

static int in_net(const unsigned o[4], unsigned a, unsigned b, unsigned c, unsigned d, int bits)
{
    uint32_t ip = o[0] << 24 | o[1] << 16 | o[2] << 8 | o[3];
    uint32_t net = a << 24 | b << 16 | c << 8 | d;
    uint32_t mask = bits ? ~(uint32_t)0 << (32 - bits) : 0;
    return (ip & mask) == (net & mask);
}

/* Python ipaddress: is_global (3.12) = not shared (100.64/10) and not in
 * the private networks list. */
static int ipv4_global(const unsigned o[4])
{
    static const struct { unsigned char a, b, c, d, bits; } priv[] = {
        {0, 0, 0, 0, 8},       {10, 0, 0, 0, 8},     {127, 0, 0, 0, 8},    {169, 254, 0, 0, 16},
        {172, 16, 0, 0, 12},   {192, 0, 0, 0, 29},   {192, 0, 0, 170, 31}, {192, 0, 2, 0, 24},
        {192, 168, 0, 0, 16},  {198, 18, 0, 0, 15},  {198, 51, 100, 0, 24}, {203, 0, 113, 0, 24},
        {240, 0, 0, 0, 4},     {255, 255, 255, 255, 32}, {100, 64, 0, 0, 10},
    };
    for (size_t i = 0; i < sizeof priv / sizeof priv[0]; i++)
        if (in_net(o, priv[i].a, priv[i].b, priv[i].c, priv[i].d, priv[i].bits))
            return 0;
    return 1;
}

static int ipv4_valid(const unsigned char *s, const size_t off[4], const size_t len[4], int global_only)
{
    unsigned o[4];
    for (int k = 0; k < 4; k++) {
        if (len[k] > 1 && s[off[k]] == '0')
            return 0; /* "leading zeros are not permitted" */
        o[k] = 0;
        for (size_t j = 0; j < len[k]; j++)
            o[k] = o[k] * 10 + (unsigned)(s[off[k] + j] - '0');
    }
    return !global_only || ipv4_global(o);
}

/* ------------------------------------------------------------ replace */

static const char *next_repl(const char *const *list, unsigned *turn)
{
    int n = 0;
    while (list[n])
        n++;
    const char *r = list[*turn % (unsigned)n];
    *turn = (*turn + 1) % (unsigned)n;
    return r;
}

static int replace_emails(const sito_pii_options *opt, const char *text, size_t n, sito_buf *out,
                          int *count, unsigned *turn)
{
    const unsigned char *s = (const unsigned char *)text;
    const char *const *repl = opt && opt->email_replacements && opt->email_replacements[0]
                                  ? opt->email_replacements : default_emails;
    size_t from = 0; /* copied up to here; also where the next match may start */
    for (size_t i = 0; i < n;) {
        const unsigned char *at = memchr(s + i, '@', n - i);
        if (!at)
            break;
        size_t a = (size_t)(at - s);
        size_t st = local_start(s, n, from, a), end = st != SIZE_MAX ? domain_end(s, n, a) : 0;
        if (st == SIZE_MAX || !end) {
            i = a + 1;
            continue;
        }
        const char *r = next_repl(repl, turn);
        if (sito_buf_append(out, text + from, st - from) || sito_buf_append(out, r, strlen(r)))
            return SITO_ERR_NOMEM;
        (*count)++;
        from = i = end;
    }
    return sito_buf_append(out, text + from, n - from);
}

static int replace_ips(const sito_pii_options *opt, const char *text, size_t n, sito_buf *out,
                       int *count, unsigned *turn)
{
    const unsigned char *s = (const unsigned char *)text;
    const char *const *repl = opt && opt->ip_replacements && opt->ip_replacements[0]
                                  ? opt->ip_replacements : default_ips;
    int global_only = !(opt && opt->replace_private_ips);
    size_t from = 0;
    for (size_t i = 0; i < n;) {
        if (!dig(s, n, i)) {
            i++;
            continue;
        }
        size_t off[4], len[4], m = ipv4_at(s, n, i, off, len);
        if (!m) {
            i++;
            continue;
        }
        if (ipv4_valid(s, off, len, global_only)) {
            const char *r = next_repl(repl, turn);
            if (sito_buf_append(out, text + from, i - from) || sito_buf_append(out, r, strlen(r)))
                return SITO_ERR_NOMEM;
            (*count)++;
            from = i + m;
        }
        i += m; /* a rejected match is consumed too (re.sub) */
    }
    return sito_buf_append(out, text + from, n - from);
}

int sito_pii_replace(const sito_pii_options *opt, const char *text, size_t n, sito_buf *out,
                     int *emails, int *ips, unsigned turn[2])
{
    *emails = *ips = 0;
    sito_buf tmp = {0};
    const char *t = text;
    size_t tn = n;
    int rc = SITO_OK;
    if (!(opt && opt->keep_emails)) {
        rc = replace_emails(opt, text, n, &tmp, emails, turn);
        t = tmp.ptr ? tmp.ptr : "";
        tn = tmp.len;
    }
    if (rc == SITO_OK) {
        if (!(opt && opt->keep_ips))
            rc = replace_ips(opt, t, tn, out, ips, turn + 1);
        else
            rc = sito_buf_append(out, t, tn);
    }
    sito_buf_free(&tmp);
    return rc;
}

/* ---------------------------------------------------------------- stage */

typedef struct pii_stage {
    sito_pii_options opt;
    unsigned turn[2]; /* e-mail and IP rotation, as datatrove's replacers */
    sito_buf out;
    char **strings;   /* owned copies of the replacement lists */
    size_t n_strings;
} pii_stage;

static int pii_process(sito_stage *st, sito_doc *doc, sito_stats *stats)
{
    pii_stage *p = st->state;
    (void)stats;
    int emails = 0, ips = 0;
    const char *text = doc->text.ptr ? doc->text.ptr : "";
    /* most documents hold neither '@' nor a dotted number: check first */
    int maybe = memchr(text, '@', doc->text.len) != NULL || memchr(text, '.', doc->text.len) != NULL;
    if (maybe) {
        p->out.len = 0;
        int rc = sito_pii_replace(&p->opt, text, doc->text.len, &p->out, &emails, &ips, p->turn);
        if (rc != SITO_OK)
            return rc;
        if (emails || ips) {
            if (!doc->arena)
                return SITO_ERR_ARG;
            char *t = sito_arena_memdup(doc->arena, p->out.ptr ? p->out.ptr : "", p->out.len);
            if (!t)
                return SITO_ERR_NOMEM;
            doc->text = (sito_str){t, p->out.len};
        }
    }
    sito_doc_set_signal(doc, SITO_SIG_PII_EMAILS, emails);
    sito_doc_set_signal(doc, SITO_SIG_PII_IPS, ips);
    return SITO_OK;
}

static void pii_destroy(sito_stage *st)
{
    pii_stage *p = st->state;
    if (!p)
        return;
    for (size_t i = 0; p->strings && i < p->n_strings; i++)
        free(p->strings[i]);
    free(p->strings);
    sito_buf_free(&p->out);
    free(p);
    st->state = NULL;
}

/* Copies a NULL-terminated list into p->strings from index *k on. */
static const char *const *copy_list(pii_stage *p, const char *const *list, size_t *k)
{
    if (!list || !list[0])
        return NULL;
    const char *const *first = (const char *const *)&p->strings[*k];
    for (size_t i = 0; list[i]; i++)
        if (!(p->strings[(*k)++] = strdup(list[i])))
            return NULL;
    p->strings[(*k)++] = NULL;
    return first;
}

int sito_pii_stage(sito_stage *out, const sito_pii_options *opt)
{
    if (!out)
        return SITO_ERR_ARG;
    pii_stage *p = calloc(1, sizeof *p);
    if (!p)
        return SITO_ERR_NOMEM;
    size_t n = 2;
    for (int l = 0; opt && l < 2; l++) {
        const char *const *list = l ? opt->ip_replacements : opt->email_replacements;
        while (list && *list++)
            n++;
    }
    p->strings = calloc(n + 1, sizeof *p->strings);
    p->n_strings = n + 1;
    if (!p->strings) {
        free(p);
        return SITO_ERR_NOMEM;
    }
    if (opt) {
        size_t k = 0;
        p->opt = *opt;
        p->opt.email_replacements = copy_list(p, opt->email_replacements, &k);
        p->opt.ip_replacements = copy_list(p, opt->ip_replacements, &k);
        if ((opt->email_replacements && opt->email_replacements[0] && !p->opt.email_replacements) ||
            (opt->ip_replacements && opt->ip_replacements[0] && !p->opt.ip_replacements)) {
            sito_stage tmp = {.state = p};
            pii_destroy(&tmp);
            return SITO_ERR_NOMEM;
        }
    }
    *out = (sito_stage){.name = "pii", .state = p, .process = pii_process, .destroy = pii_destroy};
    return SITO_OK;
}
