/*
 * run_options.c — loading the read-only objects a run shares between its
 * tasks and threads (language model, filter configuration, URL block
 * list) from the paths in sito_run_options, once per process.
 */
#include "sito.h"

#include <stdio.h>

enum { OWN_MODEL = 1, OWN_QUALITY = 2, OWN_BLOCKLIST = 4 };

int sito_run_options_load(sito_run_options *o, char *err, size_t errlen)
{
    if (!o->model && o->model_path) {
        int status = SITO_OK;
        sito_langid_model *m = sito_langid_load(o->model_path, err, errlen, &status);
        if (!m)
            return status ? status : SITO_ERR_FORMAT;
        o->model = m;
        o->owned |= OWN_MODEL;
    }
    if (!o->quality) {
        sito_quality_config *q = sito_quality_config_load(o->config_path, err, errlen);
        if (!q)
            return SITO_ERR_ARG;
        o->quality = q;
        o->owned |= OWN_QUALITY;
    }
    if (!o->blocklist && o->blocklist_path) {
        sito_url_blocklist *b = sito_url_blocklist_load(o->blocklist_path, err, errlen);
        if (!b) {
            sito_run_options_free(o);
            return SITO_ERR_ARG;
        }
        o->blocklist = b;
        o->owned |= OWN_BLOCKLIST;
    }
    return SITO_OK;
}

void sito_run_options_free(sito_run_options *o)
{
    if (o->owned & OWN_MODEL) {
        sito_langid_free((sito_langid_model *)o->model);
        o->model = NULL;
    }
    if (o->owned & OWN_QUALITY) {
        sito_quality_config_free((sito_quality_config *)o->quality);
        o->quality = NULL;
    }
    if (o->owned & OWN_BLOCKLIST) {
        sito_url_blocklist_free((sito_url_blocklist *)o->blocklist);
        o->blocklist = NULL;
    }
    o->owned = 0;
}
