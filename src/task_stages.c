/*
 * task_stages.c — the run pipeline, stage by stage, in the FineWeb order:
 * URL filter, extraction, language id, quality signals and filters, then
 * PII replacement (after the signals, which must see the original text).
 * Documents without text after extraction are skipped here, so that every
 * written document has text.
 */
#include "task_stages.h"

#include <stdio.h>
#include <stdlib.h>

static int require_text(sito_stage *st, sito_doc *d, sito_stats *stats)
{
    (void)st;
    (void)stats;
    if (!d->text.len)
        d->skip = 1;
    return SITO_OK;
}

/* The langid stage does not own its model; in a task it does: this wrapper
 * runs the stage and frees the model with it. */
typedef struct owned_langid {
    sito_stage inner;
    sito_langid_model *model;
} owned_langid;

static int owned_langid_process(sito_stage *st, sito_doc *d, sito_stats *stats)
{
    owned_langid *o = st->state;
    return o->inner.process(&o->inner, d, stats);
}

static void owned_langid_destroy(sito_stage *st)
{
    owned_langid *o = st->state;
    if (o->inner.destroy)
        o->inner.destroy(&o->inner);
    sito_langid_free(o->model);
    free(o);
    st->state = NULL;
}

/* Loads opt->model_path and appends the langid stage, for callers of
 * sito_task_run that did not load the model once with
 * sito_run_options_load (2-3 ms and 1 MB per task for lid.176). */
static int add_langid(sito_pipeline *p, const char *path, char *errbuf, size_t errlen)
{
    int status = SITO_OK;
    owned_langid *o = calloc(1, sizeof *o);
    if (!o)
        return SITO_ERR_NOMEM;
    o->model = sito_langid_load(path, errbuf, errlen, &status);
    if (!o->model) {
        free(o);
        return status;
    }
    status = sito_langid_stage(&o->inner, o->model);
    if (status != SITO_OK) {
        sito_langid_free(o->model);
        free(o);
        return status;
    }
    return sito_pipeline_add(p, (sito_stage){.name = "langid",
                                             .state = o,
                                             .process = owned_langid_process,
                                             .destroy = owned_langid_destroy});
}

/* Owns the default quality configuration of a pipeline built without one. */
static int no_op(sito_stage *st, sito_doc *d, sito_stats *stats)
{
    (void)st;
    (void)d;
    (void)stats;
    return SITO_OK;
}

static void free_config(sito_stage *st) { sito_quality_config_free(st->state); }

int task_add_stages(sito_pipeline *p, const sito_run_options *opt, char *errbuf, size_t errlen)
{
    sito_stage st;
    int rc;
    if (opt->blocklist) {
        if ((rc = sito_url_filter_stage(&st, opt->blocklist)) ||
            (rc = sito_pipeline_add(p, st)))
            return rc;
    }
    if ((rc = sito_charset_stage(&st)) || (rc = sito_pipeline_add(p, st)))
        return rc;
    if ((rc = sito_extract_stage(&st)) || (rc = sito_pipeline_add(p, st)))
        return rc;
    if ((rc = sito_pipeline_add(p, (sito_stage){.name = "require_text", .process = require_text})))
        return rc;
    if (opt->model) {
        /* the process-wide model, shared read-only by every thread */
        if ((rc = sito_langid_stage(&st, opt->model)) || (rc = sito_pipeline_add(p, st)))
            return rc;
    } else if (opt->model_path && (rc = add_langid(p, opt->model_path, errbuf, errlen))) {
        return rc;
    }
    const sito_quality_config *q = opt->quality;
    if (!q) {
        sito_quality_config *own = sito_quality_config_load(NULL, errbuf, errlen);
        if (!own)
            return SITO_ERR_ARG;
        rc = sito_pipeline_add(
            p, (sito_stage){.name = "config", .state = own, .process = no_op, .destroy = free_config});
        if (rc)
            return rc;
        q = own;
    }
    if ((rc = sito_quality_stage(&st, q, opt->annotate_only)) || (rc = sito_pipeline_add(p, st)))
        return rc;
    if (!opt->keep_pii) {
        if ((rc = sito_pii_stage(&st, NULL)) || (rc = sito_pipeline_add(p, st)))
            return rc;
    }
    return SITO_OK;
}
