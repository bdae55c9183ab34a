/* cmd_charset.c — `sito charset`: the charset decoder on files, to see what
 * it decides (one line per file) or to get the UTF-8 text (--print).
 * --repeat times the decoding in-process for bench/charset.sh. */
#include "cmds.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void charset_usage(FILE *f)
{
    fprintf(f,
            "usage: sito charset [OPTIONS] FILE...\n"
            "Decides the encoding of each FILE (BOM, HTTP charset, <meta>, <?xml?>,\n"
            "detection) and decodes it to UTF-8.  Prints one line per file:\n"
            "FILE<TAB>charset<TAB>source<TAB>replacements<TAB>bytes_in<TAB>bytes_out\n\n"
            "  -c, --http-charset LABEL  as if the HTTP Content-Type said charset=LABEL\n"
            "  -p, --print               write the UTF-8 text of each FILE to stdout instead\n"
            "  -r, --repeat N            decode the files N times; print MB/s to stderr\n"
            "  -h, --help                this help\n");
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    sito_buf b = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (sito_buf_append(&b, chunk, n) != SITO_OK)
            break;
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        sito_buf_free(&b);
        return NULL;
    }
    *len = b.len;
    return b.ptr ? b.ptr : calloc(1, 1);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int cmd_charset(int argc, char **argv)
{
    static const struct option opts[] = {
        {"http-charset", required_argument, 0, 'c'},
        {"print", no_argument, 0, 'p'},
        {"repeat", required_argument, 0, 'r'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    const char *http = "";
    int print = 0, c;
    long repeat = 0;
    while ((c = getopt_long(argc, argv, "c:pr:h", opts, NULL)) != -1) {
        switch (c) {
        case 'c': http = optarg; break;
        case 'p': print = 1; break;
        case 'r':
            repeat = strtol(optarg, NULL, 10);
            if (repeat < 1) {
                fprintf(stderr, "sito charset: --repeat needs a positive number, not '%s'\n", optarg);
                return 2;
            }
            break;
        case 'h': charset_usage(stdout); return 0;
        default: charset_usage(stderr); return 2;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "sito charset: no input file (see sito charset --help)\n");
        return 2;
    }
    int nfiles = argc - optind;
    char **data = calloc((size_t)nfiles, sizeof *data);
    size_t *lens = calloc((size_t)nfiles, sizeof *lens);
    sito_charset_ctx *cx = sito_charset_ctx_new();
    sito_arena *a = sito_arena_new(0);
    int rc = 0;
    if (!data || !lens || !cx || !a) {
        fprintf(stderr, "sito charset: out of memory\n");
        rc = 2;
        goto done;
    }
    for (int i = 0; i < nfiles; i++)
        if (!(data[i] = read_file(argv[optind + i], &lens[i]))) {
            fprintf(stderr, "sito charset: cannot read %s\n", argv[optind + i]);
            rc = 2;
            goto done;
        }
    sito_str hs = {http, strlen(http)};
    double t0 = now(), bytes = 0;
    for (long k = 0; k < (repeat ? repeat : 1); k++) {
        for (int i = 0; i < nfiles; i++) {
            sito_charset_result r;
            sito_arena_reset(a);
            if (sito_charset_to_utf8(cx, data[i], lens[i], hs, a, &r) != SITO_OK) {
                fprintf(stderr, "sito charset: out of memory decoding %s\n", argv[optind + i]);
                rc = 2;
                goto done;
            }
            bytes += (double)lens[i];
            if (repeat)
                continue;
            if (print)
                fwrite(r.text.ptr, 1, r.text.len, stdout);
            else
                printf("%s\t%s\t%s\t%llu\t%zu\t%zu\n", argv[optind + i], r.charset,
                       sito_charset_source_name(r.source),
                       (unsigned long long)r.replacements, lens[i], r.text.len);
        }
    }
    if (repeat) {
        double dt = now() - t0;
        fprintf(stderr, "%.1f MB/s (%.0f bytes in %.3f s)\n", bytes / dt / 1e6, bytes, dt);
    }
done:
    for (int i = 0; data && i < nfiles; i++)
        free(data[i]);
    free(data);
    free(lens);
    sito_charset_ctx_free(cx);
    sito_arena_free(a);
    return rc;
}
