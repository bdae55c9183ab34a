/*
 * cmd_extract.c — `sito extract`: the main text of one HTML page, or of
 * every page of an extraction benchmark set (--batch, the OUTDIR layout
 * extract-score reads).  Pages are decoded to UTF-8 by the library's
 * charset module first; in --batch a set's recorded charset is passed as
 * the HTTP charset, since that is what the crawl's header said.
 */
#include "cmds.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
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
            "Input is decoded to UTF-8 first (byte-order mark, <meta> charset, detection;\n"
            "--batch passes the set's recorded charset as the HTTP charset).\n");
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

/* ------------------------------------------------------------ charset */

/* raw[0..len) as UTF-8 in *out (a view of raw, or a string in arena a),
 * by the library's charset module: BOM, http_charset, <meta> prescan,
 * detection.  http_charset is what an HTTP Content-Type would give (a
 * set's recorded charset), may be NULL.  SITO_OK or the module's error. */
static int to_utf8(sito_charset_ctx *cx, const char *raw, size_t len,
                   const char *http_charset, sito_arena *a, sito_str *out)
{
    sito_str hc = {http_charset ? http_charset : "", http_charset ? strlen(http_charset) : 0};
    sito_charset_result res;
    int rc = sito_charset_to_utf8(cx, raw, len, hc, a, &res);
    *out = res.text;
    return rc;
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
    sito_arena *a = sito_arena_new(0);
    sito_charset_ctx *cx = sito_charset_ctx_new();
    sito_extract_result r;
    sito_str u8 = {0};
    int rc = a && cx ? to_utf8(cx, b.ptr, b.len, NULL, a, &u8) : SITO_ERR_NOMEM;
    if (rc == SITO_OK)
        rc = sito_extract_html(u8.ptr, u8.len, a, &r);
    sito_charset_ctx_free(cx);
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
    sito_charset_ctx *cx = sito_charset_ctx_new();
    if (!a || !cx) {
        fprintf(stderr, "sito extract: out of memory\n");
        return 2;
    }
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
        sito_arena_reset(a);
        sito_extract_result r;
        sito_str u8 = {0};
        int rc = to_utf8(cx, b.ptr, b.len, h, a, &u8);
        double t0 = now();
        if (rc == SITO_OK)
            rc = sito_extract_html(u8.ptr, u8.len, a, &r);
        t_extract += now() - t0;
        bytes += u8.len;
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
    sito_charset_ctx_free(cx);
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
