/*
 * fuzz_json.c — libFuzzer harness for the JSON reader of JSONL input
 * (src/util/json.c): any bytes are walked as an object, member by member
 * and into nested objects, every string decoded; no crash, no read past the
 * end, views inside the input, decoded strings NUL-terminated.
 *   make build-fuzz/fuzz_json && build-fuzz/fuzz_json CORPUS
 */
#include "sito.h"
#include "util/json.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void walk(sito_str obj, sito_arena *a, int depth)
{
    size_t it = 0;
    sito_str key, value, out;
    double num;
    while (depth < 64 && json_object_next(obj, &it, &key, &value) == 1) {
        if (key.ptr < obj.ptr || key.ptr + key.len > obj.ptr + obj.len ||
            value.ptr < obj.ptr || value.ptr + value.len > obj.ptr + obj.len)
            abort(); /* views stay inside the object */
        if (json_string_decode(key, a, &out) == 0 && out.ptr[out.len] != 0)
            abort();
        if (value.len && value.ptr[0] == '{')
            walk(value, a, depth + 1);
        else if (value.len && value.ptr[0] == '"')
            json_string_decode(value, a, &out);
        else
            json_number(value, &num);
    }
    const char *p = obj.ptr;
    json_skip_value(&p, obj.ptr + obj.len);
    if (p < obj.ptr || p > obj.ptr + obj.len)
        abort();
    json_object_get(obj, "text", &value);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *copy = malloc(size ? size : 1); /* reads past the end are caught */
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    sito_arena *a = sito_arena_new(1 << 16);
    if (a)
        walk((sito_str){copy, size}, a, 0);
    sito_arena_free(a);
    free(copy);
    return 0;
}
