/* The WARC reader on real damaged files (shared/data/warc/bad, whose
 * README gives the expected counts) and on hand-made records. */
#include "sito.h"
#include "unit.h"

#include <stdlib.h>
#include <unistd.h>

typedef struct {
    int records;
    uint64_t first_offset[64];
    char uris[64][128];
} read_result;

static int read_path(const char *path, sito_stats *st, read_result *out)
{
    int status;
    memset(out, 0, sizeof *out);
    sito_warc_reader *r = sito_warc_open(path, NULL, st, &status);
    if (!r)
        return status;
    sito_warc_record rec;
    int rc;
    while ((rc = sito_warc_next(r, &rec)) == SITO_OK) {
        if (out->records < 64) {
            out->first_offset[out->records] = rec.offset;
            sito_str u = {"", 0};
            sito_header_get(rec.header, "WARC-Target-URI", &u);
            snprintf(out->uris[out->records], 128, "%.*s", (int)u.len, u.ptr);
        }
        out->records++;
    }
    sito_warc_close(r);
    return rc == SITO_EOF ? SITO_OK : rc;
}

static int read_bad(const char *name, sito_stats *st, read_result *out)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/warc/bad/%s", unit_data(), name);
    return read_path(path, st, out);
}

static read_result res; /* large: keep off the stack */

TEST(warc_skips_truncated_member_and_counts_it)
{
    sito_stats st = {0};
    CHECK(read_bad("truncated-in-gzip-member.warc.gz", &st, &res) == SITO_OK);
    CHECK_EQ_INT(res.records, 26);
    CHECK_EQ_INT(st.records_malformed, 1);
    CHECK_EQ_INT(st.errors[SITO_E_GZIP_TRUNCATED], 1);
}

TEST(warc_resyncs_after_corrupt_deflate_member)
{
    sito_stats st = {0};
    CHECK(read_bad("corrupt-deflate-member.warc.gz", &st, &res) == SITO_OK);
    CHECK_EQ_INT(res.records, 49);
    CHECK_EQ_INT(st.errors[SITO_E_GZIP_CORRUPT], 1);
    /* record 26 (a response after the damage) is there */
    int found = 0;
    for (int i = 0; i < res.records; i++)
        found |= strstr(res.uris[i], "live-radsport.ch") != NULL;
    CHECK(found);
}

TEST(warc_skips_random_bytes_between_members)
{
    sito_stats st = {0};
    CHECK(read_bad("random-bytes-between-members.warc.gz", &st, &res) == SITO_OK);
    CHECK_EQ_INT(res.records, 50);
    CHECK_EQ_INT(st.errors[SITO_E_GZIP_GARBAGE], 1);
    CHECK_EQ_INT(st.records_malformed, 0);
}

TEST(warc_content_length_too_small_does_not_invent_a_record)
{
    sito_stats st = {0};
    CHECK(read_bad("content-length-too-small.warc.gz", &st, &res) == SITO_OK);
    CHECK_EQ_INT(res.records, 49);
    CHECK_EQ_INT(st.errors[SITO_E_LENGTH_MISMATCH], 1);
    /* the damaged response is not emitted; its 1000 leftover bytes did
     * not become a record */
    CHECK_EQ_INT(st.records[SITO_REC_RESPONSE], 15);
    CHECK_EQ_INT(st.records[SITO_REC_REQUEST], 17);
}

TEST(warc_plain_content_length_too_large_resyncs_on_next_version_line)
{
    sito_stats st = {0};
    CHECK(read_bad("content-length-too-large.warc", &st, &res) == SITO_OK);
    CHECK_EQ_INT(res.records, 49);
    CHECK_EQ_INT(st.records_malformed, 1);
}

TEST(warc_empty_file_is_counted_not_an_error)
{
    sito_stats st = {0};
    CHECK(read_bad("empty.warc.gz", &st, &res) == SITO_OK);
    CHECK_EQ_INT(res.records, 0);
    CHECK_EQ_INT(st.errors[SITO_E_EMPTY_INPUT], 1);
}

TEST(warc_detects_compression_from_content_not_name)
{
    sito_stats st = {0};
    CHECK(read_bad("plain-warc-named-gz.warc.gz", &st, &res) == SITO_OK);
    CHECK_EQ_INT(res.records, 50);
    memset(&st, 0, sizeof st);
    CHECK(read_bad("whole-file-gzip.warc.gz", &st, &res) == SITO_OK);
    CHECK_EQ_INT(res.records, 50);
}

TEST(warc_html_page_is_not_a_warc)
{
    sito_stats st = {0};
    CHECK(read_bad("html-page-named-warc.warc.gz", &st, &res) == SITO_OK);
    CHECK_EQ_INT(res.records, 0);
    CHECK(st.errors[SITO_E_BYTES_OUTSIDE_RECORD] >= 1);
}

TEST(warc_offsets_are_gzip_member_offsets)
{
    /* bad/README.md: record 2 starts at member offset 940, record 8 at
     * 32353 in the base file */
    sito_stats st = {0};
    char path[1024];
    snprintf(path, sizeof path, "%s/warc/cc-main-2020-34-sample.warc.gz", unit_data());
    CHECK(read_path(path, &st, &res) == SITO_OK);
    CHECK_EQ_INT(res.records, 50);
    CHECK_EQ_INT(res.first_offset[0], 0);
    CHECK_EQ_INT(res.first_offset[2], 940);
    CHECK_EQ_INT(res.first_offset[8], 32353);
}

static int write_tmp(char *path, size_t n, const char *data, size_t len)
{
    snprintf(path, n, "/tmp/sito-unit-XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    int ok = write(fd, data, len) == (ssize_t)len;
    close(fd);
    return ok ? 0 : -1;
}

#define REC(type, body)                                                                    \
    "WARC/1.0\r\nWARC-Type: " type "\r\nContent-Length: " #body "\r\n\r\n"

TEST(warc_lf_only_record_end_is_intact_with_warning)
{
    const char data[] = "WARC/1.0\r\nWARC-Type: resource\r\nContent-Length: 5\r\n\r\nhello\n\n"
                        "WARC/1.0\r\nWARC-Type: metadata\r\nContent-Length: 2\r\n\r\nok\r\n\r\n";
    char path[64];
    CHECK(write_tmp(path, sizeof path, data, sizeof data - 1) == 0);
    sito_stats st = {0};
    int rc = read_path(path, &st, &res);
    unlink(path);
    CHECK(rc == SITO_OK);
    CHECK_EQ_INT(res.records, 2);
    CHECK_EQ_INT(st.errors[SITO_E_HEADER_WARNING], 1);
}

TEST(warc_missing_content_length_is_malformed_and_next_record_survives)
{
    const char data[] = "WARC/1.0\r\nWARC-Type: resource\r\n\r\nhello\r\n\r\n"
                        "WARC/1.0\r\nWARC-Type: metadata\r\nContent-Length: 2\r\n\r\nok\r\n\r\n";
    char path[64];
    CHECK(write_tmp(path, sizeof path, data, sizeof data - 1) == 0);
    sito_stats st = {0};
    int rc = read_path(path, &st, &res);
    unlink(path);
    CHECK(rc == SITO_OK);
    CHECK_EQ_INT(res.records, 1);
    CHECK_EQ_INT(st.errors[SITO_E_BAD_CONTENT_LENGTH], 1);
    CHECK_EQ_INT(st.records[SITO_REC_METADATA], 1);
}

TEST(warc_header_cut_by_next_record_is_malformed)
{
    const char data[] = "WARC/1.0\r\nWARC-Type: resource\r\n"
                        "WARC/1.0\r\nWARC-Type: metadata\r\nContent-Length: 2\r\n\r\nok\r\n\r\n";
    char path[64];
    CHECK(write_tmp(path, sizeof path, data, sizeof data - 1) == 0);
    sito_stats st = {0};
    int rc = read_path(path, &st, &res);
    unlink(path);
    CHECK(rc == SITO_OK);
    CHECK_EQ_INT(res.records, 1);
    CHECK_EQ_INT(st.errors[SITO_E_HEADER_INTERRUPTED], 1);
}

TEST(warc_record_over_the_limit_is_skipped_and_counted)
{
    const char data[] = "WARC/1.0\r\nWARC-Type: resource\r\nContent-Length: 20\r\n\r\n"
                        "01234567890123456789\r\n\r\n"
                        "WARC/1.0\r\nWARC-Type: metadata\r\nContent-Length: 2\r\n\r\nok\r\n\r\n";
    char path[64];
    CHECK(write_tmp(path, sizeof path, data, sizeof data - 1) == 0);
    sito_stats st = {0};
    int status;
    sito_warc_options o = {.max_record = 10};
    sito_warc_reader *r = sito_warc_open(path, &o, &st, &status);
    unlink(path);
    CHECK(r != NULL);
    sito_warc_record rec;
    CHECK(sito_warc_next(r, &rec) == SITO_OK);
    CHECK(rec.body_clipped == 1 && rec.content_length == 20);
    CHECK(sito_warc_next(r, &rec) == SITO_OK);
    CHECK_STR(rec.body, "ok");
    CHECK(sito_warc_next(r, &rec) == SITO_EOF);
    sito_warc_close(r);
    CHECK_EQ_INT(st.errors[SITO_E_RECORD_TOO_LARGE], 1);
}

TEST(warc_binary_junk_gives_no_record_and_no_crash)
{
    char junk[70000];
    unsigned x = 12345;
    for (size_t i = 0; i < sizeof junk; i++) {
        x = x * 1103515245u + 12345u;
        junk[i] = (char)(x >> 16);
    }
    char path[64];
    CHECK(write_tmp(path, sizeof path, junk, sizeof junk) == 0);
    sito_stats st = {0};
    int rc = read_path(path, &st, &res);
    unlink(path);
    CHECK(rc == SITO_OK);
    CHECK_EQ_INT(res.records, 0);
}

TEST(warc_open_missing_file_is_an_io_error)
{
    sito_stats st = {0};
    int status = 0;
    CHECK(sito_warc_open("/nonexistent/file.warc.gz", NULL, &st, &status) == NULL);
    CHECK_EQ_INT(status, SITO_ERR_IO);
}

TEST(header_get_is_case_insensitive_and_trims)
{
    const char h[] = "WARC-Type:  response \r\ncontent-length: 12\r\n";
    sito_str v;
    CHECK(sito_header_get((sito_str){h, sizeof h - 1}, "Content-Length", &v) == SITO_OK);
    CHECK_STR(v, "12");
    CHECK(sito_header_get((sito_str){h, sizeof h - 1}, "warc-type", &v) == SITO_OK);
    CHECK_STR(v, "response");
    CHECK(sito_header_get((sito_str){h, sizeof h - 1}, "WARC-Date", &v) == SITO_EOF);
}
