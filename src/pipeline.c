/*
 * pipeline.c — stages run in order over one document.  A rejected or
 * skipped document stops at the stage that decided, except for stages that
 * asked to see rejected documents (the writers).  Timing per stage is
 * optional because clock_gettime per stage per document is measurable on
 * small documents.
 */
#include "sito.h"

#include <string.h>
#include <time.h>

void sito_doc_reset(sito_doc *d)
{
    sito_arena *a = d->arena;
    if (a)
        sito_arena_reset(a);
    memset(d, 0, sizeof *d);
    d->arena = a;
    d->record_type = -1;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int stage_slot(sito_stats *s, const char *name)
{
    for (int i = 0; i < s->n_stages; i++)
        if (strcmp(s->stages[i].name, name) == 0)
            return i;
    if (s->n_stages == SITO_MAX_STAGES)
        return -1;
    int i = s->n_stages++;
    snprintf(s->stages[i].name, sizeof s->stages[i].name, "%s", name);
    return i;
}

int sito_pipeline_add(sito_pipeline *p, sito_stage st)
{
    if (p->n == SITO_MAX_STAGES) {
        if (st.destroy)
            st.destroy(&st);
        return SITO_ERR_LIMIT;
    }
    p->stages[p->n++] = st;
    return SITO_OK;
}

int sito_pipeline_process(sito_pipeline *p, sito_doc *doc, sito_stats *stats)
{
    for (int i = 0; i < p->n; i++) {
        sito_stage *st = &p->stages[i];
        if (doc->skip || (doc->filter && !st->see_rejected))
            continue;
        double t0 = p->timing ? now_seconds() : 0;
        int rc = st->process(st, doc, stats);
        if (p->timing) {
            int k = stage_slot(stats, st->name);
            if (k >= 0) {
                stats->stages[k].seconds += now_seconds() - t0;
                stats->stages[k].docs++;
            }
        }
        if (rc != SITO_OK)
            return rc;
    }
    return SITO_OK;
}

int sito_pipeline_finish(sito_pipeline *p, sito_stats *stats)
{
    int first = SITO_OK;
    for (int i = 0; i < p->n; i++) {
        sito_stage *st = &p->stages[i];
        if (st->finish) {
            int rc = st->finish(st, stats);
            if (rc != SITO_OK && first == SITO_OK)
                first = rc;
        }
    }
    return first;
}

void sito_pipeline_destroy(sito_pipeline *p)
{
    for (int i = p->n - 1; i >= 0; i--)
        if (p->stages[i].destroy)
            p->stages[i].destroy(&p->stages[i]);
    p->n = 0;
}
