/* Arena, buffer and pipeline basics. */
#include "sito.h"
#include "unit.h"

#include <stdint.h>

TEST(arena_allocations_are_aligned_and_distinct)
{
    sito_arena *a = sito_arena_new(64);
    char *p = sito_arena_alloc(a, 3), *q = sito_arena_alloc(a, 5);
    CHECK(p && q && p != q);
    CHECK(((uintptr_t)p & 15) == 0 && ((uintptr_t)q & 15) == 0);
    char *big = sito_arena_alloc(a, 1000); /* larger than a block */
    CHECK(big != NULL);
    memset(big, 1, 1000);
    CHECK_EQ_INT(sito_arena_used(a), 16 + 16 + 1008);
    sito_arena_reset(a);
    CHECK_EQ_INT(sito_arena_used(a), 0);
    char *r = sito_arena_memdup(a, "abc", 3);
    CHECK(r && strcmp(r, "abc") == 0);
    sito_arena_free(a);
}

TEST(buf_grows_and_keeps_content)
{
    sito_buf b = {0};
    for (int i = 0; i < 10000; i++)
        CHECK(sito_buf_append(&b, "xy", 2) == SITO_OK);
    CHECK_EQ_INT(b.len, 20000);
    CHECK(b.ptr[19998] == 'x' && b.ptr[19999] == 'y');
    sito_buf_free(&b);
}

static int mark(sito_stage *st, sito_doc *d, sito_stats *s)
{
    (void)s;
    d->signals[0] += 1;
    if (st->state)
        d->filter = "test_filter";
    return SITO_OK;
}

TEST(pipeline_stops_at_a_rejection_except_for_writers)
{
    sito_pipeline p = {0};
    sito_stats s = {0};
    sito_doc d = {0};
    sito_pipeline_add(&p, (sito_stage){.name = "a", .process = mark});
    sito_pipeline_add(&p, (sito_stage){.name = "reject", .state = (void *)1, .process = mark});
    sito_pipeline_add(&p, (sito_stage){.name = "skipped", .process = mark});
    sito_pipeline_add(&p, (sito_stage){.name = "writer", .see_rejected = 1, .process = mark});
    CHECK(sito_pipeline_process(&p, &d, &s) == SITO_OK);
    CHECK(d.signals[0] == 3.0);
    CHECK(d.filter && strcmp(d.filter, "test_filter") == 0);
    sito_pipeline_destroy(&p);
}

TEST(names_cover_every_enum_value)
{
    for (int i = 0; i < SITO_SIG_COUNT; i++) {
        const char *n = sito_signal_name(i);
        CHECK(n != NULL);
        CHECK_EQ_INT(sito_signal_by_name(n, strlen(n)), i);
    }
    for (int i = 0; i < SITO_E_COUNT; i++)
        CHECK(sito_error_name(i) != NULL);
    for (int i = 0; i < SITO_REC_COUNT; i++)
        CHECK(sito_record_type_name(i) != NULL);
    CHECK(sito_signal_name(SITO_SIG_COUNT) == NULL);
}

TEST(shard_name_strips_compression_then_format_suffix)
{
    char out[64];
    sito_shard_name("/data/CC-MAIN-1-00000.warc.gz", out, sizeof out);
    CHECK(strcmp(out, "CC-MAIN-1-00000") == 0);
    sito_shard_name("CC-MAIN-1-00000.warc.wet.gz", out, sizeof out);
    CHECK(strcmp(out, "CC-MAIN-1-00000.warc.wet") == 0);
    sito_shard_name("docs.jsonl.zst", out, sizeof out);
    CHECK(strcmp(out, "docs") == 0);
    sito_shard_name(".gz", out, sizeof out);
    CHECK(strcmp(out, ".gz") == 0);
}
