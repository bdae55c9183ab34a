/*
 * task_stages.h — which stages the run pipeline has, in order.  One place
 * to look when a module's stage joins `sito run`.
 */
#ifndef SITO_TASK_STAGES_H
#define SITO_TASK_STAGES_H

#include "sito.h"

/* Appends the run pipeline's stages (all but the writer) to p.  SITO_OK,
 * or an error with a message in errbuf (a model that cannot be loaded, a
 * bad configuration file). */
int task_add_stages(sito_pipeline *p, const sito_run_options *opt, char *errbuf, size_t errlen);

#endif
