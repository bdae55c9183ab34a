/*
 * stats.c — counters of a task or job: merging and the stats.json format.
 * Every counter has a fixed name in the JSON; errors and record types use
 * the name tables of names.c, so stats.json lists each of them even when
 * zero (users grep for a name and expect to find it).
 */
#include "sito.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

void sito_stats_count_filter(sito_stats *s, const char *name)
{
    for (int i = 0; i < s->n_filters; i++)
        if (strcmp(s->filters[i].name, name) == 0) {
            s->filters[i].rejected++;
            return;
        }
    if (s->n_filters == SITO_MAX_FILTERS)
        return;
    int i = s->n_filters++;
    snprintf(s->filters[i].name, sizeof s->filters[i].name, "%s", name);
    s->filters[i].rejected = 1;
}

void sito_stats_add_counter(sito_stats *s, const char *name, uint64_t v)
{
    for (int i = 0; i < s->n_counters; i++)
        if (strcmp(s->counters[i].name, name) == 0) {
            s->counters[i].value += v;
            return;
        }
    if (s->n_counters == SITO_MAX_COUNTERS)
        return;
    int i = s->n_counters++;
    snprintf(s->counters[i].name, sizeof s->counters[i].name, "%s", name);
    s->counters[i].value = v;
}

void sito_stats_merge(sito_stats *dst, const sito_stats *src)
{
    for (int i = 0; i < SITO_REC_COUNT; i++)
        dst->records[i] += src->records[i];
    for (int i = 0; i < SITO_E_COUNT; i++)
        dst->errors[i] += src->errors[i];
    dst->records_malformed += src->records_malformed;
    dst->bytes_in += src->bytes_in;
    dst->bytes_decoded += src->bytes_decoded;
    dst->bytes_out += src->bytes_out;
    dst->text_bytes_out += src->text_bytes_out;
    dst->docs_in += src->docs_in;
    dst->docs_kept += src->docs_kept;
    dst->docs_rejected += src->docs_rejected;
    dst->docs_skipped += src->docs_skipped;
    dst->inputs += src->inputs;
    dst->seconds_total += src->seconds_total;
    for (int i = 0; i < src->n_stages; i++) {
        int k = 0;
        while (k < dst->n_stages && strcmp(dst->stages[k].name, src->stages[i].name))
            k++;
        if (k == dst->n_stages) {
            if (k == SITO_MAX_STAGES)
                continue;
            dst->n_stages++;
            memcpy(dst->stages[k].name, src->stages[i].name, sizeof dst->stages[k].name);
        }
        dst->stages[k].seconds += src->stages[i].seconds;
        dst->stages[k].docs += src->stages[i].docs;
    }
    for (int i = 0; i < src->n_filters; i++) {
        int k = 0;
        while (k < dst->n_filters && strcmp(dst->filters[k].name, src->filters[i].name))
            k++;
        if (k == dst->n_filters) {
            if (k == SITO_MAX_FILTERS)
                continue;
            dst->n_filters++;
            memcpy(dst->filters[k].name, src->filters[i].name, sizeof dst->filters[k].name);
        }
        dst->filters[k].rejected += src->filters[i].rejected;
    }
    for (int i = 0; i < src->n_counters; i++)
        sito_stats_add_counter(dst, src->counters[i].name, src->counters[i].value);
}

#define U(x) ((unsigned long long)(x))

int sito_stats_write_json(const sito_stats *s, FILE *f)
{
    fprintf(f, "{\n  \"inputs\": %llu,\n", U(s->inputs));
    fprintf(f, "  \"records\": {");
    for (int i = 0; i < SITO_REC_COUNT; i++)
        fprintf(f, "%s\"%s\": %llu", i ? ", " : "", sito_record_type_name(i), U(s->records[i]));
    fprintf(f, "},\n  \"records_malformed\": %llu,\n", U(s->records_malformed));
    fprintf(f, "  \"errors\": {");
    for (int i = 0; i < SITO_E_COUNT; i++)
        fprintf(f, "%s\"%s\": %llu", i ? ", " : "", sito_error_name(i), U(s->errors[i]));
    fprintf(f, "},\n");
    fprintf(f, "  \"docs_in\": %llu,\n  \"docs_kept\": %llu,\n  \"docs_rejected\": %llu,\n"
               "  \"docs_skipped\": %llu,\n",
            U(s->docs_in), U(s->docs_kept), U(s->docs_rejected), U(s->docs_skipped));
    fprintf(f, "  \"bytes_in\": %llu,\n  \"bytes_decoded\": %llu,\n  \"bytes_out\": %llu,\n"
               "  \"text_bytes_out\": %llu,\n",
            U(s->bytes_in), U(s->bytes_decoded), U(s->bytes_out), U(s->text_bytes_out));
    fprintf(f, "  \"filters\": {");
    for (int i = 0; i < s->n_filters; i++)
        fprintf(f, "%s\"%s\": %llu", i ? ", " : "", s->filters[i].name, U(s->filters[i].rejected));
    fprintf(f, "},\n  \"stages\": {");
    for (int i = 0; i < s->n_stages; i++)
        fprintf(f, "%s\"%s\": {\"seconds\": %.6f, \"docs\": %llu}", i ? ", " : "",
                s->stages[i].name, s->stages[i].seconds, U(s->stages[i].docs));
    fprintf(f, "},\n");
    if (s->n_counters) {
        fprintf(f, "  \"counters\": {");
        for (int i = 0; i < s->n_counters; i++)
            fprintf(f, "%s\"%s\": %llu", i ? ", " : "", s->counters[i].name,
                    U(s->counters[i].value));
        fprintf(f, "},\n");
    }
    fprintf(f, "  \"seconds_total\": %.6f\n}\n", s->seconds_total);
    return ferror(f) ? SITO_ERR_IO : SITO_OK;
}

int sito_stats_save_json(const sito_stats *s, const char *path, int durable)
{
    char tmp[4200];
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) >= sizeof tmp) {
        errno = ENAMETOOLONG;
        return SITO_ERR_IO;
    }
    FILE *f = fopen(tmp, "w");
    int bad = !f || sito_stats_write_json(s, f) != SITO_OK;
    if (f && durable)
        bad |= fflush(f) != 0 || fsync(fileno(f)) != 0;
    if (f)
        bad |= fclose(f) != 0;
    if (bad || rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        errno = e;
        return SITO_ERR_IO;
    }
    return SITO_OK;
}
