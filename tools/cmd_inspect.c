/*
 * cmd_inspect.c — `sito inspect FILE...`: records by WARC-Type, errors by
 * name and (with --list) every record's offset.  --json prints one object
 * per file whose "types" counts intact records by WARC-Type exactly as
 * shared/tools/warc-stats --json does.
 */
#include "cmds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TYPES 64

typedef struct {
    char name[48];
    uint64_t n;
} type_count;

static void count_type(type_count *t, int *nt, sito_str name)
{
    char tmp[48];
    size_t n = name.len < sizeof tmp - 1 ? name.len : sizeof tmp - 1;
    memcpy(tmp, name.ptr, n);
    tmp[n] = 0;
    for (int i = 0; i < *nt; i++)
        if (!strcmp(t[i].name, tmp)) {
            t[i].n++;
            return;
        }
    if (*nt < MAX_TYPES) {
        memcpy(t[*nt].name, tmp, n + 1);
        t[(*nt)++].n = 1;
    }
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const type_count *)a)->name, ((const type_count *)b)->name);
}

static void print_json_string(const char *s, size_t n)
{
    sito_buf b = {0};
    if (sito_json_string(&b, s, n) >= 0)
        fwrite(b.ptr, 1, b.len, stdout);
    sito_buf_free(&b);
}

static int inspect_one(const char *path, int json, int list)
{
    sito_stats st = {0};
    int status;
    sito_warc_reader *r = sito_warc_open(path, NULL, &st, &status);
    if (!r) {
        fprintf(stderr, "sito inspect: %s: cannot open: %s\n", path, sito_status_str(status));
        return 2;
    }
    type_count types[MAX_TYPES];
    int nt = 0, rc;
    sito_warc_record rec;
    uint64_t warned = 0;
    if (list && !json)
        printf("offset\ttype\tlength\turi\n");
    while ((rc = sito_warc_next(r, &rec)) == SITO_OK) {
        count_type(types, &nt, rec.type_name);
        warned += rec.warned != 0;
        if (list && !json) {
            sito_str uri = {"", 0};
            sito_header_get(rec.header, "WARC-Target-URI", &uri);
            printf("%llu\t%.*s\t%llu\t%.*s\n", (unsigned long long)rec.offset,
                   (int)rec.type_name.len, rec.type_name.ptr,
                   (unsigned long long)rec.content_length, (int)uri.len, uri.ptr);
        }
    }
    int gzip = sito_warc_is_gzip(r);
    int seen = sito_warc_records_seen(r);
    sito_warc_close(r);
    if (rc < 0) {
        fprintf(stderr, "sito inspect: %s: %s\n", path, sito_status_str(rc));
        return 2;
    }
    if (!seen && !st.records_malformed && st.errors[SITO_E_BYTES_OUTSIDE_RECORD])
        st.errors[SITO_E_NOT_WARC]++;
    qsort(types, (size_t)nt, sizeof types[0], by_name);
    uint64_t intact = 0;
    for (int i = 0; i < nt; i++)
        intact += types[i].n;
    if (json) {
        const char *base = strrchr(path, '/');
        printf("{\"file\": ");
        print_json_string(base ? base + 1 : path, strlen(base ? base + 1 : path));
        printf(", \"compression\": \"%s\", \"bytes\": %llu, \"records_intact\": %llu, "
               "\"records_warned\": %llu, \"records_malformed\": %llu, \"types\": {",
               gzip ? "gzip" : "plain", (unsigned long long)st.bytes_in,
               (unsigned long long)intact, (unsigned long long)warned,
               (unsigned long long)st.records_malformed);
        for (int i = 0; i < nt; i++) {
            printf("%s", i ? ", " : "");
            print_json_string(types[i].name, strlen(types[i].name));
            printf(": %llu", (unsigned long long)types[i].n);
        }
        printf("}, \"errors\": {");
        int first = 1;
        for (int i = 0; i < SITO_E_COUNT; i++)
            if (st.errors[i]) {
                printf("%s\"%s\": %llu", first ? "" : ", ", sito_error_name(i),
                       (unsigned long long)st.errors[i]);
                first = 0;
            }
        printf("}}\n");
    } else {
        printf("file: %s\ncompression: %s\nbytes: %llu\n", path, gzip ? "gzip" : "plain",
               (unsigned long long)st.bytes_in);
        printf("records: %llu intact (%llu with warnings), %llu malformed\n",
               (unsigned long long)intact, (unsigned long long)warned,
               (unsigned long long)st.records_malformed);
        for (int i = 0; i < nt; i++)
            printf("  %-12s %llu\n", types[i].name, (unsigned long long)types[i].n);
        printf("errors:");
        int any = 0;
        for (int i = 0; i < SITO_E_COUNT; i++)
            if (st.errors[i]) {
                printf(" %s %llu", sito_error_name(i), (unsigned long long)st.errors[i]);
                any = 1;
            }
        printf("%s\n", any ? "" : " none");
        if (st.errors[SITO_E_EMPTY_INPUT])
            printf("note: empty input\n");
        if (st.errors[SITO_E_NOT_WARC])
            printf("note: not a WARC file (no record found)\n");
    }
    return 0;
}

static const char usage[] =
    "usage: sito inspect [--json] [--list] FILE...\n"
    "Reads WARC/WET/WAT files (plain or gzip, detected from the content) and\n"
    "prints intact records by WARC-Type, malformed records and errors by name.\n"
    "  --json   one JSON object per file: types, errors, counts\n"
    "  --list   also list every record: offset, type, length, URI\n";

int cmd_inspect(int argc, char **argv)
{
    int json = 0, list = 0, rc = 0, nfiles = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(usage, stdout);
            return 0;
        } else if (!strcmp(a, "--json")) {
            json = 1;
        } else if (!strcmp(a, "--list")) {
            list = 1;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "sito inspect: unknown option '%s' (see sito inspect --help)\n", a);
            return 2;
        }
    }
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-' && argv[i][1])
            continue;
        nfiles++;
        int r = inspect_one(argv[i], json, list);
        if (r > rc)
            rc = r;
    }
    if (!nfiles) {
        fputs(usage, stderr);
        return 2;
    }
    return rc;
}
