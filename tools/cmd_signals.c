/*
 * cmd_signals.c — `sito signals FILE`: the quality signals of every
 * document of a JSONL file (plain, .gz or .zst, or - for stdin), one JSON
 * line per document: {"id", "lang", "config", "signals": {...}}.  --text
 * reads the whole file as one document.  --time reports the throughput on
 * stderr (the benchmark uses it).
 */
#include "cmds.h"
#include "quality/jsonl_read.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: sito signals [--config FILE] [--lang LANG] [--text] [--documents [--decide]]\n"
            "                    [--time] FILE|-\n"
            "\n"
            "Prints the quality signals of each document of FILE (JSONL in the datatrove\n"
            "layout, plain, .gz or .zst; - reads stdin) as one JSON line per document:\n"
            "{\"id\": ..., \"lang\": ..., \"config\": SECTION, \"signals\": {...}}.\n"
            "\n"
            "  --config FILE  per-language thresholds and options (YAML, see\n"
            "                 config/filters.yaml); default: the compiled-in en and pl\n"
            "  --lang LANG    language of documents whose metadata has none\n"
            "  --text         FILE is one plain-text document, not JSONL\n"
            "  --documents    print whole documents in the output layout, signals in\n"
            "                 metadata.signals (the input of sito filter)\n"
            "  --decide       also apply the filters (rejected documents carry\n"
            "                 metadata.filter; kept ones C4's lines where configured)\n"
            "  --time         print MB/s of input text through the quality stage per\n"
            "                 second of CPU (one thread; reading and printing JSON not\n"
            "                 timed) on stderr\n");
}

/* CPU time of this thread: "per core" means per second of one core, so a
 * busy machine that takes the core away does not count against sito */
static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

typedef struct run {
    sito_quality_config *cfg;
    sito_stage stage;
    sito_stats stats;
    const char *lang;
    int documents;
    sito_buf out;
    double seconds;
    uint64_t bytes, docs;
} run;

static int print_doc(run *r, sito_doc *d)
{
    if (!d->lang.len && r->lang)
        d->lang = (sito_str){r->lang, strlen(r->lang)};
    size_t len = d->text.len; /* C4 may shorten the text of a kept document */
    double t0 = now();
    int rc = r->stage.process(&r->stage, d, &r->stats);
    r->seconds += now() - t0;
    r->bytes += len;
    r->docs++;
    if (rc != SITO_OK)
        return rc;
    sito_buf *b = &r->out;
    b->len = 0;
    if (r->documents) {
        if (sito_doc_to_json(d, 1, b) || sito_buf_append(b, "\n", 1))
            return SITO_ERR_NOMEM;
        fwrite(b->ptr, 1, b->len, stdout);
        return SITO_OK;
    }
    char lang[64];
    snprintf(lang, sizeof lang, "%.*s", (int)d->lang.len, d->lang.ptr ? d->lang.ptr : "");
    const char *section = sito_quality_config_lang(r->cfg, lang);
    int bad = 0;
    bad |= sito_buf_append(b, "{\"id\":", 6);
    bad |= sito_json_string(b, d->id.ptr ? d->id.ptr : "", d->id.len) < 0;
    bad |= sito_buf_append(b, ",\"lang\":", 8);
    bad |= sito_json_string(b, lang, strlen(lang)) < 0;
    bad |= sito_buf_append(b, ",\"config\":", 10);
    bad |= sito_json_string(b, section, strlen(section)) < 0;
    bad |= sito_buf_append(b, ",\"signals\":{", 12);
    int first = 1;
    for (int i = 0; i < SITO_SIG_COUNT; i++) {
        if (!(d->signals_set & ((uint64_t)1 << i)))
            continue;
        char tmp[64];
        int n = 6;
        for (int prec = 6; prec <= 17; prec++) {
            n = snprintf(tmp, sizeof tmp, "%s\"%s\":%.*g", first ? "" : ",", sito_signal_name(i),
                         prec, d->signals[i]);
            if (strtod(strchr(tmp, ':') + 1, NULL) == d->signals[i])
                break;
        }
        bad |= sito_buf_append(b, tmp, (size_t)n);
        first = 0;
    }
    bad |= sito_buf_append(b, "}}\n", 3);
    if (bad)
        return SITO_ERR_NOMEM;
    fwrite(b->ptr, 1, b->len, stdout);
    return SITO_OK;
}

static int read_text_file(const char *path, sito_doc *d)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!f)
        return SITO_ERR_IO;
    sito_buf b = {0};
    char tmp[1 << 16];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
        if (sito_buf_append(&b, tmp, n)) {
            sito_buf_free(&b);
            return SITO_ERR_NOMEM;
        }
    int err = ferror(f);
    if (f != stdin)
        fclose(f);
    char *t = err ? NULL : sito_arena_memdup(d->arena, b.ptr ? b.ptr : "", b.len);
    size_t len = b.len;
    sito_buf_free(&b);
    if (!t)
        return err ? SITO_ERR_IO : SITO_ERR_NOMEM;
    d->text = (sito_str){t, len};
    d->id = (sito_str){path, strlen(path)};
    return SITO_OK;
}

static int run_jsonl(run *r, const char *path, sito_doc *d)
{
    char err[512];
    q_line_reader *lr = q_lines_open(path, err, sizeof err);
    if (!lr) {
        fprintf(stderr, "sito signals: %s\n", err);
        return 2;
    }
    sito_str line;
    int rc, status = 0;
    while ((rc = q_lines_next(lr, &line)) == SITO_OK) {
        if (line.len == 0)
            continue;
        sito_doc_reset(d);
        if (q_doc_from_jsonl(line, d) != SITO_OK) {
            fprintf(stderr, "sito signals: %s: line %llu: not a JSON document with a \"text\", skipped\n",
                    path, (unsigned long long)q_lines_number(lr));
            status = 1;
            continue;
        }
        if ((rc = print_doc(r, d)) != SITO_OK)
            break;
    }
    q_lines_close(lr);
    if (rc != SITO_EOF) {
        fprintf(stderr, "sito signals: %s: %s\n", path, sito_status_str(rc));
        return 2;
    }
    return status;
}

int cmd_signals(int argc, char **argv)
{
    const char *config = NULL, *input = NULL;
    run r = {0};
    int text = 0, timing = 0, decide = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(argv[i], "--config") && i + 1 < argc) {
            config = argv[++i];
        } else if (!strcmp(argv[i], "--lang") && i + 1 < argc) {
            r.lang = argv[++i];
        } else if (!strcmp(argv[i], "--text")) {
            text = 1;
        } else if (!strcmp(argv[i], "--documents")) {
            r.documents = 1;
        } else if (!strcmp(argv[i], "--decide")) {
            decide = 1;
        } else if (!strcmp(argv[i], "--time")) {
            timing = 1;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "sito signals: unknown option '%s' (see sito signals --help)\n", argv[i]);
            return 2;
        } else if (input) {
            fprintf(stderr, "sito signals: one input file only ('%s')\n", argv[i]);
            return 2;
        } else {
            input = argv[i];
        }
    }
    if (!input) {
        usage(stderr);
        return 2;
    }
    char err[512];
    r.cfg = sito_quality_config_load(config, err, sizeof err);
    if (!r.cfg) {
        fprintf(stderr, "sito signals: %s\n", err);
        return 2;
    }
    sito_doc d = {0};
    d.arena = sito_arena_new(0);
    int status;
    if (!d.arena || sito_quality_stage(&r.stage, r.cfg, !decide) != SITO_OK) {
        fprintf(stderr, "sito signals: out of memory\n");
        status = 2;
    } else if (text) {
        sito_doc_reset(&d);
        int rc = read_text_file(input, &d);
        if (rc == SITO_OK)
            rc = print_doc(&r, &d);
        status = rc == SITO_OK ? 0 : 2;
        if (rc != SITO_OK)
            fprintf(stderr, "sito signals: %s: %s\n", input, sito_status_str(rc));
    } else {
        status = run_jsonl(&r, input, &d);
    }
    if (timing && r.seconds > 0)
        fprintf(stderr, "signals: %llu docs, %.1f MB of text, %.3f s, %.1f MB/s\n",
                (unsigned long long)r.docs, (double)r.bytes / 1e6, r.seconds,
                (double)r.bytes / 1e6 / r.seconds);
    if (r.stage.destroy)
        r.stage.destroy(&r.stage);
    sito_arena_free(d.arena);
    sito_buf_free(&r.out);
    sito_quality_config_free(r.cfg);
    return status;
}
