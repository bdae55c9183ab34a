/*
 * fuzz_warc.c — libFuzzer harness for the WARC reader and HTTP decoding:
 * any bytes, as a file (plain or gzip, one member or many), go through
 * framing, record parsing, HTTP parsing, dechunking and content decoding
 * with no crash and no leak; every record returned has sane lengths.
 *   make build-fuzz/fuzz_warc && build-fuzz/fuzz_warc -dict=fuzz/warc.dict CORPUS
 * Seed CORPUS with ../shared/data/warc/bad/ (damaged real files).
 */
#include "sito.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd = memfd_create("fuzz.warc", 0);
    if (fd < 0)
        return 0;
    if (size && write(fd, data, size) != (ssize_t)size) {
        close(fd);
        return 0;
    }
    lseek(fd, 0, SEEK_SET);
    sito_stats stats;
    memset(&stats, 0, sizeof stats);
    /* a small limit, so the clipping path of long records is reached too */
    sito_warc_options opt = {.max_record = 4096};
    int status;
    sito_warc_reader *r = sito_warc_open_fd(fd, &opt, &stats, &status);
    if (!r)
        return 0;
    sito_arena *a = sito_arena_new(1 << 16);
    sito_warc_record rec;
    while (a && sito_warc_next(r, &rec) == SITO_OK) {
        if (rec.body.len > opt.max_record)
            abort(); /* bodies are clipped at max_record */
        sito_http h;
        if (sito_http_parse(rec.body, &h) != SITO_OK)
            continue;
        sito_str out;
        int err;
        if (sito_http_decode(&h, a, 1 << 20, &out, &err) == SITO_OK && out.len > (1 << 20))
            abort(); /* decoded payloads respect max_out */
        sito_arena_reset(a);
    }
    sito_arena_free(a);
    sito_warc_close(r);
    return 0;
}
