/* HTTP parsing and payload decoding, and the real encoded responses of
 * shared/data/warc/bad (gzip, br, chunked, Common Crawl restored). */
#include "sito.h"
#include "unit.h"

#include <stdlib.h>
#include <zlib.h>
#include <zstd.h>

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

/* A response with the given Content-Encoding and payload, decoded with
 * max_out; the caller checks rc, err and out. */
static int decode_as(const char *encoding, const void *payload, size_t len, size_t max_out,
                     sito_arena *a, sito_str *out, int *err)
{
    char head[128];
    int hl = snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Encoding: %s\r\n\r\n",
                      encoding);
    char *body = sito_arena_alloc(a, (size_t)hl + len);
    memcpy(body, head, (size_t)hl);
    memcpy(body + hl, payload, len);
    sito_http h;
    if (sito_http_parse((sito_str){body, (size_t)hl + len}, &h) != SITO_OK)
        return -1;
    *err = -1;
    return sito_http_decode(&h, a, max_out, out, err);
}

/* A page of words drawn by a fixed LCG: compresses a few times, so the
 * output must grow many times and a cut payload still holds whole blocks. */
static char *big_page(size_t n)
{
    static const char *const words[] = {"Ala ", "ma ", "kota, ", "a ", "kot ", "Ale. ",
                                        "<p>", "</p>\n", "Korea ", "Pn. "};
    char *p = malloc(n);
    uint32_t x = 12345;
    size_t i = 0;
    while (i < n) {
        x = x * 1103515245u + 12345u;
        const char *w = words[(x >> 16) % 10];
        for (; *w && i < n; w++)
            p[i++] = *w;
    }
    return p;
}

static void check_limit_and_truncation(int *unit_failed_, const char *encoding, const char *packed, size_t plen,
                                       const char *page, size_t n)
{
    sito_arena *a = sito_arena_new(0);
    sito_str out;
    int err;
    CHECK(decode_as(encoding, packed, plen, n, a, &out, &err) == SITO_OK);
    CHECK(out.len == n && memcmp(out.ptr, page, n) == 0 && out.ptr[n] == 0);
    /* one byte over the limit is a document too large, not a short page */
    CHECK(decode_as(encoding, packed, plen, n - 1, a, &out, &err) == SITO_ERR_FORMAT);
    CHECK_EQ_INT(err, SITO_E_DOC_TOO_LARGE);
    /* a cut payload keeps the prefix that did decode (a small br page
     * may give nothing before its first meta-block is complete) */
    int rc = decode_as(encoding, packed, plen / 2, n, a, &out, &err);
    CHECK_EQ_INT(rc, SITO_OK);
    CHECK(out.len < n && memcmp(out.ptr, page, out.len) == 0);
    CHECK(out.len > 0 || n < 4096);
    sito_arena_free(a);
}

TEST(http_decode_gzip_and_zstd_grow_to_the_limit_and_keep_cut_prefixes)
{
    size_t n = 1 << 20;
    char *page = big_page(n);
    uLong gz_cap = compressBound(n) + 64;
    char *gz = malloc(gz_cap);
    z_stream z = {0};
    CHECK(deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) == Z_OK);
    z.next_in = (Bytef *)page;
    z.avail_in = (uInt)n;
    z.next_out = (Bytef *)gz;
    z.avail_out = (uInt)gz_cap;
    CHECK(deflate(&z, Z_FINISH) == Z_STREAM_END);
    size_t gz_len = z.total_out;
    deflateEnd(&z);
    check_limit_and_truncation(unit_failed_, "gzip", gz, gz_len, page, n);

    size_t zs_cap = ZSTD_compressBound(n);
    char *zs = malloc(zs_cap);
    size_t zs_len = ZSTD_compress(zs, zs_cap, page, n, 3);
    CHECK(!ZSTD_isError(zs_len));
    check_limit_and_truncation(unit_failed_, "zstd", zs, zs_len, page, n);
    free(zs);
    free(gz);
    free(page);
}

/* The real br response: its compressed payload, under the same checks. */
TEST(http_decode_real_brotli_grows_to_the_limit_and_keeps_cut_prefixes)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/warc/bad/http-content-encoding-br-real.warc.gz", unit_data());
    sito_stats st = {0};
    int status;
    sito_warc_reader *r = sito_warc_open(path, NULL, &st, &status);
    CHECK(r != NULL);
    if (!r)
        return;
    sito_arena *a = sito_arena_new(0);
    sito_warc_record rec;
    sito_str packed = {0}, plain = {0};
    while (sito_warc_next(r, &rec) == SITO_OK) {
        sito_http h;
        if (rec.type != SITO_REC_RESPONSE || sito_http_parse(rec.body, &h) != SITO_OK)
            continue;
        packed = (sito_str){sito_arena_memdup(a, h.payload.ptr, h.payload.len), h.payload.len};
        int err;
        sito_str p;
        if (sito_http_decode(&h, a, 1 << 24, &p, &err) == SITO_OK)
            plain = (sito_str){sito_arena_memdup(a, p.ptr, p.len), p.len};
        break;
    }
    sito_warc_close(r);
    CHECK(packed.len > 100 && plain.len > packed.len);
    if (plain.len)
        check_limit_and_truncation(unit_failed_, "br", packed.ptr, packed.len, plain.ptr, plain.len);
    sito_arena_free(a);
}
