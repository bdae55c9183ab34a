/*
 * stats_read.c — sito_stats_read_json: reads back what sito_stats_write_json
 * wrote, so executors can merge the stats of tasks run by other processes
 * (Slurm array elements).  Unknown keys and unknown counter names are
 * ignored, so a stats file from a newer sito still merges.
 */
#include "exec/json.h"

#include <string.h>

static uint64_t as_count(const jv *v)
{
    return v && v->type == JV_NUM && v->num > 0 ? (uint64_t)v->num : 0;
}

static void read_named(const jv *obj, uint64_t *out, int n, const char *(*name)(int))
{
    for (int i = 0; i < n; i++)
        out[i] = as_count(jv_get(obj, name(i)));
}

static void read_filters(const jv *obj, sito_stats *s)
{
    for (size_t i = 0; obj && obj->type == JV_OBJ && i < obj->len; i++) {
        if (s->n_filters == SITO_MAX_FILTERS)
            return;
        int k = s->n_filters++;
        snprintf(s->filters[k].name, sizeof s->filters[k].name, "%s", obj->keys[i]);
        s->filters[k].rejected = as_count(obj->items[i]);
    }
}

static void read_counters(const jv *obj, sito_stats *s)
{
    for (size_t i = 0; obj && obj->type == JV_OBJ && i < obj->len; i++)
        sito_stats_add_counter(s, obj->keys[i], as_count(obj->items[i]));
}

static void read_stages(const jv *obj, sito_stats *s)
{
    for (size_t i = 0; obj && obj->type == JV_OBJ && i < obj->len; i++) {
        if (s->n_stages == SITO_MAX_STAGES)
            return;
        int k = s->n_stages++;
        snprintf(s->stages[k].name, sizeof s->stages[k].name, "%s", obj->keys[i]);
        s->stages[k].seconds = jv_num(obj->items[i], "seconds", 0);
        s->stages[k].docs = as_count(jv_get(obj->items[i], "docs"));
    }
}

int sito_stats_read_json(sito_stats *s, const char *path)
{
    sito_arena *a = sito_arena_new(0);
    int status;
    if (!a)
        return SITO_ERR_NOMEM;
    memset(s, 0, sizeof *s);
    const jv *root = jv_parse_file(a, path, &status);
    if (root && root->type != JV_OBJ)
        status = SITO_ERR_FORMAT;
    if (status == SITO_OK) {
        read_named(jv_get(root, "records"), s->records, SITO_REC_COUNT, sito_record_type_name);
        read_named(jv_get(root, "errors"), s->errors, SITO_E_COUNT, sito_error_name);
        static const struct { const char *key; size_t off; } counts[] = {
            {"inputs", offsetof(sito_stats, inputs)},
            {"records_malformed", offsetof(sito_stats, records_malformed)},
            {"docs_in", offsetof(sito_stats, docs_in)},
            {"docs_kept", offsetof(sito_stats, docs_kept)},
            {"docs_rejected", offsetof(sito_stats, docs_rejected)},
            {"docs_skipped", offsetof(sito_stats, docs_skipped)},
            {"bytes_in", offsetof(sito_stats, bytes_in)},
            {"bytes_decoded", offsetof(sito_stats, bytes_decoded)},
            {"bytes_out", offsetof(sito_stats, bytes_out)},
            {"text_bytes_out", offsetof(sito_stats, text_bytes_out)},
        };
        for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
            *(uint64_t *)((char *)s + counts[i].off) = as_count(jv_get(root, counts[i].key));
        s->seconds_total = jv_num(root, "seconds_total", 0);
        read_filters(jv_get(root, "filters"), s);
        read_stages(jv_get(root, "stages"), s);
        read_counters(jv_get(root, "counters"), s);
    }
    sito_arena_free(a);
    return status;
}
