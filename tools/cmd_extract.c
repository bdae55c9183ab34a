/*
 * cmd_extract.c — `sito extract`: the main text of one HTML page, or of
 * every page of an extraction benchmark set (--batch, the OUTDIR layout
 * extract-score reads).  Pages that are not UTF-8 are converted with iconv
 * here, from the set's recorded charset or <meta charset> or uchardet's
 * guess: a stopgap until the charset stage lands in the library.
 */
#include "cmds.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <uchardet.h>
#include <zlib.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: sito extract [--json] FILE|-\n"
            "       sito extract --batch DATASET_DIR OUTDIR\n"
            "\n"
            "Prints the main text of one HTML page (FILE, or stdin for -): one line per\n"
            "paragraph, heading, list item or table row.  --json prints one JSON object\n"
            "with text, title, lang, date and canonical instead.\n"
            "\n"
            "--batch reads DATASET_DIR/html/<id>.html.gz (an extraction benchmark set,\n"
            "see shared/data/extraction) and writes OUTDIR/<id>.txt for extract-score;\n"
            "it prints pages, MB and the time spent in extraction alone to stderr.\n"
            "Input that is not valid UTF-8 is converted with iconv from the set's\n"
            "recorded charset, else <meta charset>, else uchardet's guess.\n");
}

/* ------------------------------------------------------------ reading */

static int read_all_fd(FILE *f, sito_buf *b)
{
    char tmp[65536];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
        if (sito_buf_append(b, tmp, n) != SITO_OK)
            return -1;
    return ferror(f) ? -1 : 0;
}

static int read_gz(const char *path, sito_buf *b)
{
    gzFile g = gzopen(path, "rb");
    if (!g)
        return -1;
    char tmp[65536];
    int n;
    while ((n = gzread(g, tmp, sizeof tmp)) > 0)
        if (sito_buf_append(b, tmp, (size_t)n) != SITO_OK) {
            gzclose(g);
            return -1;
        }
    int err = n < 0;
    gzclose(g);
    return err ? -1 : 0;
}

/* ------------------------------------------ charset stopgap (iconv) */

static int valid_utf8(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        size_t k = c < 0x80 ? 1 : (c >= 0xC2 && c <= 0xDF) ? 2 : (c >= 0xE0 && c <= 0xEF) ? 3
                 : (c >= 0xF0 && c <= 0xF4) ? 4 : 0;
        if (!k || i + k > n)
            return 0;
        for (size_t j = 1; j < k; j++)
            if ((s[i + j] & 0xC0) != 0x80)
                return 0;
        i += k;
    }
    return 1;
}

/* charset= value in the first 4 KiB (a <meta> declaration), into out. */
static int sniff_meta_charset(const char *s, size_t n, char *out, size_t cap)
{
    if (n > 4096)
        n = 4096;
    for (size_t i = 0; i + 8 < n; i++) {
        if (strncasecmp(s + i, "charset=", 8))
            continue;
        size_t j = i + 8, k = 0;
        while (j < n && (s[j] == '"' || s[j] == '\'' || s[j] == ' '))
            j++;
        while (j < n && k + 1 < cap && (isalnum((unsigned char)s[j]) || s[j] == '-' || s[j] == '_'))
            out[k++] = s[j++];
        out[k] = 0;
        if (k)
            return 1;
    }
    return 0;
}

static const char *iconv_name(const char *label)
{
    static const char *const map[][2] = {
        {"iso-8859-1", "CP1252"}, {"latin1", "CP1252"}, {"us-ascii", "CP1252"},
        {"ascii", "CP1252"}, {"gb2312", "GB18030"}, {"gbk", "GB18030"},
        {"x-gbk", "GB18030"}, {"utf8", "UTF-8"}, {"windows-874", "CP874"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (!strcasecmp(label, map[i][0]))
            return map[i][1];
    return label;
}

/* Converts b to UTF-8 from charset; bad bytes become U+FFFD.  0 on
 * success, -1 when iconv does not know the charset (b unchanged). */
static int to_utf8(sito_buf *b, const char *charset)
{
    iconv_t cd = iconv_open("UTF-8", iconv_name(charset));
    if (cd == (iconv_t)-1)
        return -1;
    sito_buf o = {0};
    if (sito_buf_reserve(&o, b->len * 3 + 16) != SITO_OK) {
        iconv_close(cd);
        return -1;
    }
    char *in = b->ptr, *outp = o.ptr;
    size_t inleft = b->len, outleft = o.cap;
    while (inleft > 0) {
        if (iconv(cd, &in, &inleft, &outp, &outleft) != (size_t)-1)
            break;
        if (errno == E2BIG || outleft < 3)
            break;
        memcpy(outp, "\xEF\xBF\xBD", 3);   /* EILSEQ / EINVAL: skip a byte */
        outp += 3;
        outleft -= 3;
        in++;
        inleft--;
    }
    iconv_close(cd);
    o.len = (size_t)(outp - o.ptr);
    sito_buf_free(b);
    *b = o;
    return 0;
}

static void make_utf8(sito_buf *b, const char *hint)
{
    if (valid_utf8((const unsigned char *)b->ptr, b->len))
        return;
    char meta[64];
    if (hint && *hint && to_utf8(b, hint) == 0)
        return;
    if (sniff_meta_charset(b->ptr, b->len, meta, sizeof meta) &&
        strcasecmp(meta, "utf-8") && to_utf8(b, meta) == 0)
        return;
    uchardet_t ud = uchardet_new();
    const char *guess = "";
    if (uchardet_handle_data(ud, b->ptr, b->len) == 0) {
        uchardet_data_end(ud);
        guess = uchardet_get_charset(ud);
    }
    if (!*guess || to_utf8(b, guess) != 0)
        to_utf8(b, "CP1252");
    uchardet_delete(ud);
}

/* ------------------------------------------------------------- output */

static void json_string(FILE *f, sito_str s)
{
    fputc('"', f);
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.ptr[i];
        switch (c) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\t': fputs("\\t", f); break;
        case '\r': fputs("\\r", f); break;
        default:
            if (c < 0x20)
                fprintf(f, "\\u%04x", c);
            else
                fputc(c, f);
        }
    }
    fputc('"', f);
}

static int extract_one(const char *path, int json)
{
    sito_buf b = {0};
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!f || read_all_fd(f, &b) != 0) {
        fprintf(stderr, "sito extract: cannot read %s: %s\n", path, strerror(errno));
        if (f && f != stdin)
            fclose(f);
        sito_buf_free(&b);
        return 2;
    }
    if (f != stdin)
        fclose(f);
    make_utf8(&b, NULL);
    sito_arena *a = sito_arena_new(0);
    sito_extract_result r;
    int rc = a ? sito_extract_html(b.ptr, b.len, a, &r) : SITO_ERR_NOMEM;
    if (rc != SITO_OK) {
        fprintf(stderr, "sito extract: %s: %s\n", path, sito_status_str(rc));
        sito_arena_free(a);
        sito_buf_free(&b);
        return 1;
    }
    if (json) {
        fputs("{\"text\": ", stdout);
        json_string(stdout, r.text);
        fputs(", \"title\": ", stdout);
        json_string(stdout, r.title);
        fputs(", \"lang\": ", stdout);
        json_string(stdout, r.lang);
        fputs(", \"date\": ", stdout);
        json_string(stdout, r.date);
        fputs(", \"canonical\": ", stdout);
        json_string(stdout, r.canonical);
        fputs("}\n", stdout);
    } else {
        fwrite(r.text.ptr, 1, r.text.len, stdout);
        if (r.text.len)
            fputc('\n', stdout);
    }
    sito_arena_free(a);
    sito_buf_free(&b);
    return 0;
}

/* ------------------------------------------------------------- batch */

typedef struct hint {
    char id[200];
    char charset[40];
} hint;

/* "key": "value" of a flat JSON line (no escapes in the values we need). */
static int json_field(const char *line, const char *key, char *out, size_t cap)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\": \"", key);
    const char *p = strstr(line, pat);
    if (!p)
        return 0;
    p += strlen(pat);
    size_t k = 0;
    while (*p && *p != '"' && k + 1 < cap)
        out[k++] = *p++;
    out[k] = 0;
    return 1;
}

/* The charset each page's crawl recorded (ground-truth.jsonl.gz). */
static hint *load_hints(const char *dir, size_t *n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/ground-truth.jsonl.gz", dir);
    *n = 0;
    gzFile g = gzopen(path, "rb");
    if (!g)
        return NULL;
    size_t cap = 0;
    hint *h = NULL;
    static char line[1 << 20];
    while (gzgets(g, line, sizeof line)) {
        hint one = {0};
        if (!json_field(line, "id", one.id, sizeof one.id) ||
            !json_field(line, "charset", one.charset, sizeof one.charset))
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 256;
            hint *nh = realloc(h, cap * sizeof *h);
            if (!nh)
                break;
            h = nh;
        }
        h[(*n)++] = one;
    }
    gzclose(g);
    return h;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* mkdir -p: 0, or -1 with errno set. */
static int mkdir_p(const char *path)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = 0;
        if (mkdir(buf, 0777) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return (mkdir(buf, 0777) != 0 && errno != EEXIST) ? -1 : 0;
}

static int batch(const char *dir, const char *outdir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/html", dir);
    DIR *d = opendir(path);
    if (!d) {
        fprintf(stderr, "sito extract: cannot open %s: %s\n", path, strerror(errno));
        return 2;
    }
    if (mkdir_p(outdir) != 0) {
        fprintf(stderr, "sito extract: cannot create %s: %s\n", outdir, strerror(errno));
        closedir(d);
        return 2;
    }
    char **names = NULL;
    size_t n_names = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l <= 8 || strcmp(e->d_name + l - 8, ".html.gz"))
            continue;
        if (n_names == cap) {
            cap = cap ? cap * 2 : 256;
            names = realloc(names, cap * sizeof *names);
            if (!names)
                return 2;
        }
        names[n_names++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n_names, sizeof *names, cmp_str);
    size_t n_hints;
    hint *hints = load_hints(dir, &n_hints);
    sito_arena *a = sito_arena_new(0);
    double t_extract = 0;
    size_t bytes = 0, pages = 0, failed = 0;
    for (size_t i = 0; i < n_names; i++) {
        char id[512];
        snprintf(id, sizeof id, "%.*s", (int)(strlen(names[i]) - 8), names[i]);
        snprintf(path, sizeof path, "%s/html/%s", dir, names[i]);
        sito_buf b = {0};
        if (read_gz(path, &b) != 0) {
            fprintf(stderr, "sito extract: cannot read %s\n", path);
            failed++;
            continue;
        }
        const char *h = NULL;
        for (size_t k = 0; k < n_hints; k++)
            if (!strcmp(hints[k].id, id))
                h = hints[k].charset;
        make_utf8(&b, h);
        sito_arena_reset(a);
        sito_extract_result r;
        double t0 = now();
        int rc = sito_extract_html(b.ptr, b.len, a, &r);
        t_extract += now() - t0;
        bytes += b.len;
        pages++;
        snprintf(path, sizeof path, "%s/%s.txt", outdir, id);
        FILE *f = fopen(path, "wb");
        if (!f) {
            fprintf(stderr, "sito extract: cannot write %s: %s\n", path, strerror(errno));
            return 2;
        }
        if (rc == SITO_OK)
            fwrite(r.text.ptr, 1, r.text.len, f);
        else
            failed++;
        fclose(f);
        sito_buf_free(&b);
        free(names[i]);
    }
    fprintf(stderr, "sito extract: %zu pages, %.1f MB, extraction %.3f s: %.0f pages/s, %.1f MB/s, %zu failed\n",
            pages, bytes / 1e6, t_extract, pages / (t_extract > 0 ? t_extract : 1e-9),
            bytes / 1e6 / (t_extract > 0 ? t_extract : 1e-9), failed);
    sito_arena_free(a);
    free(names);
    free(hints);
    return failed ? 1 : 0;
}

int cmd_extract(int argc, char **argv)
{
    int json = 0;
    const char *file = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(argv[i], "--json")) {
            json = 1;
        } else if (!strcmp(argv[i], "--batch")) {
            if (i + 2 >= argc) {
                fprintf(stderr, "sito extract: --batch needs DATASET_DIR and OUTDIR\n");
                return 2;
            }
            return batch(argv[i + 1], argv[i + 2]);
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "sito extract: unknown option '%s' (see sito extract --help)\n", argv[i]);
            return 2;
        } else if (file) {
            fprintf(stderr, "sito extract: more than one input ('%s')\n", argv[i]);
            return 2;
        } else {
            file = argv[i];
        }
    }
    if (!file) {
        fprintf(stderr, "sito extract: no input file (see sito extract --help)\n");
        return 2;
    }
    return extract_one(file, json);
}
