/*
 * cmd_langid.c — `sito langid`: the language of each input line, printed
 * exactly as `fasttext predict-prob MODEL FILE K` prints it, so it can
 * replace the fastText CLI in scripts.  The input is handed to the library
 * as a stream (sito_langid_predict_stream), not split into lines here,
 * because fastText's own line ends are subtler than '\n' (a literal "</s>"
 * word ends a line too).
 */
#include "cmds.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_MODEL "models/lid.176.ftz"

static void langid_usage(FILE *f)
{
    fprintf(f,
            "usage: sito langid [-k K] [--threshold T] [--model PATH] [FILE]\n"
            "\n"
            "Identifies the language of each line of FILE (default: stdin; '-' is stdin)\n"
            "and prints one line per input line in the format of\n"
            "`fasttext predict-prob MODEL FILE K`: '__label__xx PROB' pairs, best first.\n"
            "\n"
            "  -k K           labels per line (default 1); labels below 1e-5 are never\n"
            "                 printed, so a line may have fewer\n"
            "  --threshold T  print only labels with probability >= T (default 0)\n"
            "  --model PATH   fastText model (.ftz or .bin); default $SITO_MODEL, else\n"
            "                 " DEFAULT_MODEL "\n");
}

/* Output through one big buffer: printf per label is the CLI's main cost
 * after the model itself. */
typedef struct out_buf {
    char buf[1 << 16];
    size_t len;
    int failed;
} out_buf;

static void out_flush(out_buf *o)
{
    if (o->len && !o->failed && fwrite(o->buf, 1, o->len, stdout) != o->len)
        o->failed = 1;
    o->len = 0;
}

static void out_line(out_buf *o, const sito_langid_result *r, int n)
{
    if (sizeof o->buf - o->len < (size_t)n * 64 + 2)
        out_flush(o);
    for (int i = 0; i < n; i++) {
        size_t room = sizeof o->buf - o->len;
        if (r[i].label.len + 40 > room) {
            out_flush(o);
            room = sizeof o->buf;
        }
        int w = snprintf(o->buf + o->len, room, "%s%.*s %g", i ? " " : "",
                         (int)r[i].label.len, r[i].label.ptr, (double)r[i].prob);
        o->len += (size_t)w < room ? (size_t)w : room - 1;
    }
    o->buf[o->len++] = '\n';
}

typedef struct langid_opts {
    int k;
    float threshold;
    const char *model, *input;
    char model_buf[4096];
} langid_opts;

static int parse_opts(int argc, char **argv, langid_opts *o)
{
    o->k = 1;
    o->threshold = 0.0f;
    o->model = cli_default_model(o->model_buf, sizeof o->model_buf);
    if (!o->model)
        o->model = DEFAULT_MODEL; /* its open error names it */
    o->input = "-";
    int have_input = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        char *end;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            langid_usage(stdout);
            return 0;
        }
        if ((!strcmp(a, "-k") || !strcmp(a, "--threshold") || !strcmp(a, "--model")) &&
            i + 1 >= argc) {
            fprintf(stderr, "sito langid: option %s needs a value\n", a);
            return 2;
        }
        if (!strcmp(a, "-k")) {
            errno = 0;
            long k = strtol(argv[++i], &end, 10);
            if (errno || *end || end == argv[i] || k < 1 || k > 1000000) {
                fprintf(stderr, "sito langid: -k '%s' is not a number from 1 up\n", argv[i]);
                return 2;
            }
            o->k = (int)k;
        } else if (!strcmp(a, "--threshold")) {
            errno = 0;
            o->threshold = strtof(argv[++i], &end);
            if (errno || *end || end == argv[i] || !(o->threshold >= 0.0f)) {
                fprintf(stderr, "sito langid: --threshold '%s' is not a number >= 0\n",
                        argv[i]);
                return 2;
            }
        } else if (!strcmp(a, "--model")) {
            o->model = argv[++i];
        } else if ((a[0] == '-' && a[1]) || have_input) {
            fprintf(stderr, "sito langid: unknown argument '%s' (see sito langid --help)\n", a);
            return 2;
        } else {
            o->input = a;
            have_input = 1;
        }
    }
    return -1;
}

/* Reads fd to the end, predicting each fastText line as soon as its '\n'
 * (or the end of the data) is in the buffer. */
static int run(int fd, const char *name, const sito_langid_model *m, sito_langid_ctx *c,
               const langid_opts *o, out_buf *out)
{
    size_t cap = 1 << 20, start = 0, end = 0, scan = 0;
    char *buf = malloc(cap);
    sito_langid_result *res = malloc(sizeof *res * (size_t)o->k);
    int eof = 0, rc = 0;
    if (!buf || !res) {
        fprintf(stderr, "sito langid: out of memory\n");
        rc = 2;
        goto done;
    }
    while (!(eof && start == end)) {
        char *nl = memchr(buf + scan, '\n', end - scan);
        if (!nl && !eof) {
            if (start > 0) {
                memmove(buf, buf + start, end - start);
                end -= start;
                scan -= start;
                start = 0;
            }
            if (end == cap) {
                char *nb = realloc(buf, cap * 2);
                if (!nb) {
                    fprintf(stderr, "sito langid: out of memory for a %zu-byte line\n", end);
                    rc = 2;
                    goto done;
                }
                buf = nb;
                cap *= 2;
            }
            scan = end;
            ssize_t got = read(fd, buf + end, cap - end);
            if (got < 0 && errno == EINTR)
                continue;
            if (got < 0) {
                fprintf(stderr, "sito langid: cannot read %s: %s\n", name, strerror(errno));
                rc = 2;
                goto done;
            }
            if (got == 0)
                eof = 1;
            end += (size_t)got;
            continue;
        }
        size_t line_end = nl ? (size_t)(nl - buf) + 1 : end, used = 0;
        int n = sito_langid_predict_stream(m, c, buf + start, line_end - start, o->k,
                                           o->threshold, res, &used);
        if (n < 0) {
            fprintf(stderr, "sito langid: %s\n", sito_status_str(n));
            rc = 2;
            goto done;
        }
        out_line(out, res, n);
        start += used;
        scan = start < line_end ? start : line_end;
    }
done:
    free(buf);
    free(res);
    return rc;
}

int cmd_langid(int argc, char **argv)
{
    langid_opts o;
    int rc = parse_opts(argc, argv, &o);
    if (rc >= 0)
        return rc;
    int fd = 0;
    if (strcmp(o.input, "-") && (fd = open(o.input, O_RDONLY | O_CLOEXEC)) < 0) {
        fprintf(stderr, "sito langid: cannot open %s: %s\n", o.input, strerror(errno));
        return 2;
    }
    char err[512];
    int status;
    sito_langid_model *m = sito_langid_load(o.model, err, sizeof err, &status);
    if (!m) {
        fprintf(stderr, "sito langid: cannot load model: %s\n", err);
        if (fd)
            close(fd);
        return 2;
    }
    sito_langid_ctx *c = sito_langid_ctx_new(m);
    out_buf *out = calloc(1, sizeof *out);
    if (!c || !out) {
        fprintf(stderr, "sito langid: out of memory\n");
        rc = 2;
    } else {
        rc = run(fd, strcmp(o.input, "-") ? o.input : "stdin", m, c, &o, out);
        out_flush(out);
        if (!rc && (out->failed || fflush(stdout) != 0)) {
            fprintf(stderr, "sito langid: cannot write the output: %s\n", strerror(errno));
            rc = 2;
        }
    }
    free(out);
    sito_langid_ctx_free(c);
    sito_langid_free(m);
    if (fd)
        close(fd);
    return rc;
}
