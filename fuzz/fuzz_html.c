/*
 * fuzz_html.c — libFuzzer harness for the HTML parser and extractor:
 * any bytes in, no crash, no leak, valid UTF-8 out.  Build and run:
 *   make build-fuzz/fuzz_html && build-fuzz/fuzz_html -max_total_time=600 fuzz/corpus
 */
#include "sito.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int valid_utf8(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        size_t k = c < 0x80 ? 1 : (c >= 0xC2 && c <= 0xDF) ? 2 : (c >= 0xE0 && c <= 0xEF) ? 3
                 : (c >= 0xF0 && c <= 0xF4) ? 4 : 0;
        if (!k || i + k > n)
            return 0;
        for (size_t j = 1; j < k; j++)
            if ((s[i + j] & 0xC0) != 0x80)
                return 0;
        i += k;
    }
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* a private copy, so reads past the end are caught by ASan */
    char *copy = malloc(size ? size : 1);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    sito_arena *a = sito_arena_new(1 << 16);
    sito_extract_result r;
    if (a && sito_extract_html(copy, size, a, &r) == SITO_OK) {
        if (!valid_utf8((const unsigned char *)r.text.ptr, r.text.len) ||
            !valid_utf8((const unsigned char *)r.title.ptr, r.title.len))
            abort();
    }
    sito_arena_free(a);
    free(copy);
    return 0;
}
