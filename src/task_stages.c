/*
 * task_stages.c — the run pipeline, stage by stage.  Documents without
 * text after the last text-producing stage are skipped here, so that every
 * written document has text.
 */
#include "task_stages.h"

static int require_text(sito_stage *st, sito_doc *d, sito_stats *stats)
{
    (void)st;
    (void)stats;
    if (!d->text.len)
        d->skip = 1;
    return SITO_OK;
}

int task_add_stages(sito_pipeline *p, const sito_run_options *opt, char *errbuf, size_t errlen)
{
    (void)opt;
    (void)errbuf;
    (void)errlen;
    return sito_pipeline_add(p, (sito_stage){.name = "require_text", .process = require_text});
}
