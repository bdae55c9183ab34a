/*
 * task_stages.c — the run pipeline, stage by stage, in the FineWeb order:
 * URL filter, extraction, language id, quality signals and filters, then
 * PII replacement (after the signals, which must see the original text).
 * Documents without text after extraction are skipped here, so that every
 * written document has text.
 */
#include "task_stages.h"

#include <stdio.h>

static int require_text(sito_stage *st, sito_doc *d, sito_stats *stats)
{
    (void)st;
    (void)stats;
    if (!d->text.len)
        d->skip = 1;
    return SITO_OK;
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
