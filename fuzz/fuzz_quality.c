/*
 * fuzz_quality.c — libFuzzer harness for the quality signals, filters and
 * PII replacement: any bytes as a document's text (in a buffer of exactly
 * that size, so the 16-byte SIMD scans are caught if they read past the
 * end), under the en, pl, other and no-language sections, through the
 * annotating and the filtering stage.  No crash, no leak, signals finite.
 *   make build-fuzz/fuzz_quality && build-fuzz/fuzz_quality CORPUS
 */
#include "sito.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sito_quality_config *cfg;
static sito_stage annotate, decide;

static void setup(void)
{
    char err[256];
    cfg = sito_quality_config_load(NULL, err, sizeof err);
    if (!cfg || sito_quality_stage(&annotate, cfg, 1) != SITO_OK ||
        sito_quality_stage(&decide, cfg, 0) != SITO_OK)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!cfg)
        setup();
    if (size < 1)
        return 0;
    static const char *const langs[] = {"en", "pl", "zh", ""};
    const char *lang = langs[data[0] & 3];
    sito_stage *stage = data[0] & 4 ? &decide : &annotate;
    size_t n = size - 1;
    char *text = malloc(n ? n : 1);
    if (!text)
        return 0;
    memcpy(text, data + 1, n);
    sito_doc d;
    memset(&d, 0, sizeof d);
    d.arena = sito_arena_new(1 << 16);
    sito_stats stats;
    memset(&stats, 0, sizeof stats);
    d.text = (sito_str){text, n};
    d.lang = (sito_str){lang, strlen(lang)};
    if (d.arena && stage->process(stage, &d, &stats) == SITO_OK) {
        for (int i = 0; i < SITO_SIG_COUNT; i++)
            if ((d.signals_set >> i & 1) && !isfinite(d.signals[i]))
                abort();
        sito_buf out = {0};
        int emails, ips;
        unsigned turn[2] = {0, 0};
        sito_pii_replace(NULL, d.text.ptr, d.text.len, &out, &emails, &ips, turn);
        sito_buf_free(&out);
    }
    sito_arena_free(d.arena);
    free(text);
    return 0;
}
