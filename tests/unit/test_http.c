/* HTTP parsing and payload decoding, and the real encoded responses of
 * shared/data/warc/bad (gzip, br, chunked, Common Crawl restored). */
#include "sito.h"
#include "unit.h"

#include <zlib.h>

#define S(lit) ((sito_str){lit, sizeof lit - 1})

TEST(http_parse_reads_status_type_and_charset)
{
    sito_http h;
    CHECK(sito_http_parse(S("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=\"ISO-8859-2\"\r\n"
                            "\r\n<p>x"),
                          &h) == SITO_OK);
    CHECK_EQ_INT(h.status, 200);
    CHECK_STR(h.content_type, "text/html");
    CHECK_STR(h.charset, "ISO-8859-2");
    CHECK_STR(h.payload, "<p>x");
}

TEST(http_parse_rejects_a_body_without_status_line)
{
    sito_http h;
    CHECK(sito_http_parse(S("<html>not http</html>"), &h) == SITO_ERR_FORMAT);
    CHECK(sito_http_parse(S("HTTP/1.1 2x OK\r\n\r\n"), &h) == SITO_ERR_FORMAT);
}

TEST(http_decode_undoes_chunked_with_extensions)
{
    sito_http h;
    sito_arena *a = sito_arena_new(0);
    CHECK(sito_http_parse(S("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                            "5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n"),
                          &h) == SITO_OK);
    sito_str out;
    int err = -1;
    CHECK(sito_http_decode(&h, a, 1 << 20, &out, &err) == SITO_OK);
    CHECK_STR(out, "hello, world");
    sito_arena_free(a);
}

TEST(http_decode_reports_broken_chunk_size)
{
    sito_http h;
    sito_arena *a = sito_arena_new(0);
    CHECK(sito_http_parse(S("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n"),
                          &h) == SITO_OK);
    sito_str out;
    int err = -1;
    CHECK(sito_http_decode(&h, a, 1 << 20, &out, &err) == SITO_ERR_FORMAT);
    CHECK_EQ_INT(err, SITO_E_HTTP_CHUNKED);
    sito_arena_free(a);
}

TEST(http_decode_ignores_common_crawl_x_crawler_headers)
{
    sito_http h;
    sito_arena *a = sito_arena_new(0);
    CHECK(sito_http_parse(S("HTTP/1.1 200 OK\r\nX-Crawler-Content-Encoding: gzip\r\n"
                            "X-Crawler-Transfer-Encoding: chunked\r\n\r\nplain text"),
                          &h) == SITO_OK);
    sito_str out;
    int err = -1;
    CHECK(sito_http_decode(&h, a, 1 << 20, &out, &err) == SITO_OK);
    CHECK_STR(out, "plain text");
    sito_arena_free(a);
}

TEST(http_decode_gunzips_content_encoding_gzip)
{
    char body[512], gz[256];
    uLongf n = sizeof gz;
    /* a zlib stream is not gzip; build a gzip member with deflateInit2 */
    z_stream z = {0};
    CHECK(deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) == Z_OK);
    const char *msg = "<html><p>gzipped page</p></html>";
    z.next_in = (Bytef *)msg;
    z.avail_in = (uInt)strlen(msg);
    z.next_out = (Bytef *)gz;
    z.avail_out = sizeof gz;
    CHECK(deflate(&z, Z_FINISH) == Z_STREAM_END);
    n = z.total_out;
    deflateEnd(&z);
    int hl = snprintf(body, sizeof body, "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n");
    memcpy(body + hl, gz, n);
    sito_http h;
    CHECK(sito_http_parse((sito_str){body, (size_t)hl + n}, &h) == SITO_OK);
    sito_arena *a = sito_arena_new(0);
    sito_str out;
    int err = -1;
    CHECK(sito_http_decode(&h, a, 1 << 20, &out, &err) == SITO_OK);
    CHECK_STR(out, "<html><p>gzipped page</p></html>");
    /* the same payload with a byte flipped in the deflate data */
    body[hl + 12] ^= 0x55;
    CHECK(sito_http_parse((sito_str){body, (size_t)hl + n}, &h) == SITO_OK);
    int rc = sito_http_decode(&h, a, 1 << 20, &out, &err);
    CHECK(rc == SITO_OK || (rc == SITO_ERR_FORMAT && err == SITO_E_HTTP_ENCODING));
    sito_arena_free(a);
}

TEST(http_decode_refuses_unknown_encoding)
{
    sito_http h;
    sito_arena *a = sito_arena_new(0);
    CHECK(sito_http_parse(S("HTTP/1.1 200 OK\r\nContent-Encoding: compress\r\n\r\nxx"), &h) ==
          SITO_OK);
    sito_str out;
    int err = -1;
    CHECK(sito_http_decode(&h, a, 1 << 20, &out, &err) == SITO_ERR_FORMAT);
    CHECK_EQ_INT(err, SITO_E_HTTP_ENCODING_UNSUPPORTED);
    sito_arena_free(a);
}

/* The payloads of the three real files (none, gzip, br) decode to the same
 * bytes. */
static int payload_of(const char *name, sito_arena *a, sito_str *out)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/warc/bad/%s", unit_data(), name);
    sito_stats st = {0};
    int status;
    sito_warc_reader *r = sito_warc_open(path, NULL, &st, &status);
    if (!r)
        return -1;
    sito_warc_record rec;
    int found = -1;
    while (sito_warc_next(r, &rec) == SITO_OK) {
        sito_http h;
        if (rec.type != SITO_REC_RESPONSE || sito_http_parse(rec.body, &h) != SITO_OK)
            continue;
        int err;
        sito_str p;
        if (sito_http_decode(&h, a, 1 << 24, &p, &err) == SITO_OK) {
            *out = (sito_str){sito_arena_memdup(a, p.ptr, p.len), p.len};
            found = 0;
        }
        break;
    }
    sito_warc_close(r);
    return found;
}

TEST(http_decode_real_gzip_and_brotli_payloads_equal_the_plain_one)
{
    sito_arena *a = sito_arena_new(0);
    sito_str none, gz, br;
    CHECK(payload_of("http-content-encoding-none-real.warc.gz", a, &none) == 0);
    CHECK(payload_of("http-content-encoding-gzip-real.warc.gz", a, &gz) == 0);
    CHECK(payload_of("http-content-encoding-br-real.warc.gz", a, &br) == 0);
    CHECK(none.len > 100);
    CHECK(gz.len == none.len && memcmp(gz.ptr, none.ptr, none.len) == 0);
    CHECK(br.len == none.len && memcmp(br.ptr, none.ptr, none.len) == 0);
    sito_arena_free(a);
}

TEST(http_decode_real_chunked_payload_has_no_chunk_size_lines)
{
    sito_arena *a = sito_arena_new(0);
    sito_str p;
    CHECK(payload_of("http-chunked-real.warc", a, &p) == 0);
    CHECK(p.len > 1000);
    CHECK(memmem(p.ptr, p.len, "</html>", 7) != NULL);
    CHECK(memmem(p.ptr, p.len, "\r\n1f4a\r\n", 8) == NULL);
    CHECK(strncmp(p.ptr, "<!doctype", 9) == 0 || strncmp(p.ptr, "<!DOCTYPE", 9) == 0 ||
          p.ptr[0] == '<');
    sito_arena_free(a);
}
