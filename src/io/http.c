/*
 * http.c — the HTTP response inside a WARC response record: status line,
 * header, and the payload with its transfer and content encodings undone
 * (chunked; gzip, deflate, br, zstd).  Common Crawl stores payloads already
 * decoded and renames the original headers to X-Crawler-*, so only the
 * plain Transfer-Encoding and Content-Encoding headers trigger decoding.
 */
#include "sito.h"

#include <brotli/decode.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

static int lower_eq(const char *a, size_t n, const char *lit)
{
    size_t m = strlen(lit);
    if (n != m)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = a[i];
        if (c >= 'A' && c <= 'Z')
            c += 32;
        if (c != lit[i])
            return 0;
    }
    return 1;
}

static sito_str trim(sito_str s)
{
    while (s.len && (s.ptr[0] == ' ' || s.ptr[0] == '\t' || s.ptr[0] == '"' || s.ptr[0] == '\''))
        s.ptr++, s.len--;
    while (s.len && (s.ptr[s.len - 1] == ' ' || s.ptr[s.len - 1] == '\t' ||
                     s.ptr[s.len - 1] == '\r' || s.ptr[s.len - 1] == '"' ||
                     s.ptr[s.len - 1] == '\''))
        s.len--;
    return s;
}

int sito_http_parse(sito_str body, sito_http *h)
{
    memset(h, 0, sizeof *h);
    const char *p = body.ptr, *end = body.ptr + body.len;
    if (body.len < 12 || memcmp(p, "HTTP/", 5) != 0)
        return SITO_ERR_FORMAT;
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    if (!nl)
        return SITO_ERR_FORMAT;
    const char *sp = memchr(p, ' ', (size_t)(nl - p));
    if (!sp)
        return SITO_ERR_FORMAT;
    int status = 0, digits = 0;
    for (const char *q = sp + 1; q < nl && *q >= '0' && *q <= '9' && digits < 3; q++, digits++)
        status = status * 10 + (*q - '0');
    if (digits != 3)
        return SITO_ERR_FORMAT;
    h->status = status;
    /* the header ends at the first empty line (CRLF CRLF, or LF LF) */
    const char *hs = nl + 1, *q = hs, *payload = NULL;
    while (q < end) {
        const char *e = memchr(q, '\n', (size_t)(end - q));
        if (!e)
            break;
        size_t n = (size_t)(e - q);
        if (n == 0 || (n == 1 && q[0] == '\r')) {
            h->header = (sito_str){hs, (size_t)(q - hs)};
            payload = e + 1;
            break;
        }
        q = e + 1;
    }
    if (!payload) {
        /* a head without an end: no payload */
        h->header = (sito_str){hs, (size_t)(end - hs)};
        payload = end;
    }
    h->payload = (sito_str){payload, (size_t)(end - payload)};
    sito_str ct;
    if (sito_header_get(h->header, "Content-Type", &ct) == SITO_OK) {
        const char *semi = memchr(ct.ptr, ';', ct.len);
        h->content_type = trim((sito_str){ct.ptr, semi ? (size_t)(semi - ct.ptr) : ct.len});
        while (semi) {
            const char *param = semi + 1;
            const char *stop = ct.ptr + ct.len;
            semi = memchr(param, ';', (size_t)(stop - param));
            sito_str kv = trim((sito_str){param, (size_t)((semi ? semi : stop) - param)});
            const char *eq = memchr(kv.ptr, '=', kv.len);
            if (eq && lower_eq(kv.ptr, (size_t)(eq - kv.ptr), "charset"))
                h->charset = trim((sito_str){eq + 1, (size_t)(kv.ptr + kv.len - eq - 1)});
        }
    }
    return SITO_OK;
}

/* Undoes chunked transfer coding into the arena.  SITO_OK or
 * SITO_ERR_FORMAT.  A final chunk missing at the end of the data is
 * tolerated (truncated crawls are common); a bad chunk size is not. */
static int dechunk(sito_str in, sito_arena *a, size_t max_out, sito_str *out)
{
    char *buf = sito_arena_alloc(a, in.len + 1);
    if (!buf)
        return SITO_ERR_NOMEM;
    size_t n = 0;
    const char *p = in.ptr, *end = in.ptr + in.len;
    for (;;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            break; /* data ends without the last chunk */
        size_t size = 0;
        int digits = 0;
        const char *q = p;
        while (q < nl) {
            char c = *q;
            int v = c >= '0' && c <= '9'   ? c - '0'
                    : c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                           : -1;
            if (v < 0)
                break;
            if (size > (SIZE_MAX >> 4))
                return SITO_ERR_FORMAT;
            size = size * 16 + (size_t)v;
            digits++;
            q++;
        }
        /* after the digits: optional chunk extensions, then CRLF */
        if (!digits || (q < nl && *q != ';' && *q != ' ' && *q != '\t' && *q != '\r'))
            return SITO_ERR_FORMAT;
        p = nl + 1;
        if (size == 0)
            break;
        size_t take = size <= (size_t)(end - p) ? size : (size_t)(end - p);
        if (n + take > max_out)
            return SITO_ERR_LIMIT;
        memcpy(buf + n, p, take);
        n += take;
        p += take;
        if (take < size)
            break;
        if (p < end && *p == '\r')
            p++;
        if (p < end && *p == '\n')
            p++;
    }
    buf[n] = 0;
    *out = (sito_str){buf, n};
    return SITO_OK;
}

/* The output of a decoder: grows in the arena by doubling up to max, so a
 * page costs a few arena blocks, not one malloc per step.  p[n] is kept
 * free for the closing NUL. */
typedef struct {
    sito_arena *a;
    char *p;
    size_t n, cap, max;
} out_buf;

static int out_init(out_buf *o, sito_arena *a, size_t cap, size_t max)
{
    *o = (out_buf){a, NULL, 0, cap > max ? max : cap, max};
    o->p = sito_arena_alloc(a, o->cap + 1);
    return o->p ? SITO_OK : SITO_ERR_NOMEM;
}

/* Doubles the room: SITO_ERR_LIMIT when the output would pass max. */
static int out_grow(out_buf *o)
{
    if (o->cap >= o->max)
        return SITO_ERR_LIMIT;
    size_t ncap = o->cap * 2 > o->max ? o->max : o->cap * 2;
    char *nb = sito_arena_alloc(o->a, ncap + 1);
    if (!nb)
        return SITO_ERR_NOMEM;
    memcpy(nb, o->p, o->n);
    o->p = nb;
    o->cap = ncap;
    return SITO_OK;
}

static int out_finish(out_buf *o, int rc, sito_str *out)
{
    if (rc == SITO_OK) {
        o->p[o->n] = 0;
        *out = (sito_str){o->p, o->n};
    }
    return rc;
}

/* Inflates gzip or zlib/raw deflate ("deflate" is often raw deflate
 * without the zlib header: tried when the first bytes fail). */
static int inflate_any(sito_str in, int gzip, sito_arena *a, size_t max_out, sito_str *out)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    int wbits = gzip ? 15 + 32 : 15; /* 32: gzip or zlib header */
    if (inflateInit2(&z, wbits) != Z_OK)
        return SITO_ERR_NOMEM;
    out_buf o;
    int rc = out_init(&o, a, in.len * 4 + 4096, max_out), raw_tried = 0;
    z.next_in = (Bytef *)in.ptr;
    z.avail_in = (uInt)in.len;
    while (rc == SITO_OK) {
        z.next_out = (Bytef *)o.p + o.n;
        z.avail_out = (uInt)(o.cap - o.n);
        int zr = inflate(&z, Z_NO_FLUSH);
        o.n = o.cap - z.avail_out;
        if (zr == Z_STREAM_END)
            break;
        if (zr == Z_DATA_ERROR && !gzip && !raw_tried && o.n == 0) {
            raw_tried = 1;
            inflateEnd(&z);
            memset(&z, 0, sizeof z);
            if (inflateInit2(&z, -15) != Z_OK)
                return SITO_ERR_NOMEM;
            z.next_in = (Bytef *)in.ptr;
            z.avail_in = (uInt)in.len;
            continue;
        }
        if (zr == Z_BUF_ERROR && z.avail_in == 0)
            break; /* truncated stream: keep what came out */
        if (zr != Z_OK && zr != Z_BUF_ERROR)
            rc = SITO_ERR_FORMAT;
        else if (z.avail_out == 0)
            rc = out_grow(&o);
    }
    inflateEnd(&z);
    return out_finish(&o, rc, out);
}

static int unbrotli(sito_str in, sito_arena *a, size_t max_out, sito_str *out)
{
    BrotliDecoderState *s = BrotliDecoderCreateInstance(NULL, NULL, NULL);
    if (!s)
        return SITO_ERR_NOMEM;
    out_buf o;
    int rc = out_init(&o, a, in.len * 6 + 4096, max_out);
    const uint8_t *next_in = (const uint8_t *)in.ptr;
    size_t avail_in = in.len;
    while (rc == SITO_OK) {
        uint8_t *next_out = (uint8_t *)o.p + o.n;
        size_t avail_out = o.cap - o.n;
        BrotliDecoderResult r =
            BrotliDecoderDecompressStream(s, &avail_in, &next_in, &avail_out, &next_out, NULL);
        o.n = o.cap - avail_out;
        if (r == BROTLI_DECODER_RESULT_SUCCESS || r == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT)
            break; /* done, or truncated: keep what came out */
        rc = r == BROTLI_DECODER_RESULT_ERROR ? SITO_ERR_FORMAT : out_grow(&o);
    }
    BrotliDecoderDestroyInstance(s);
    return out_finish(&o, rc, out);
}

static int unzstd(sito_str in, sito_arena *a, size_t max_out, sito_str *out)
{
    ZSTD_DStream *z = ZSTD_createDStream();
    if (!z)
        return SITO_ERR_NOMEM;
    out_buf o;
    int rc = out_init(&o, a, in.len * 6 + 4096, max_out);
    ZSTD_inBuffer ib = {in.ptr, in.len, 0};
    while (rc == SITO_OK) {
        ZSTD_outBuffer ob = {o.p, o.cap, o.n};
        size_t r = ZSTD_decompressStream(z, &ob, &ib);
        o.n = ob.pos;
        if (ZSTD_isError(r))
            rc = SITO_ERR_FORMAT;
        else if (r == 0 || (ib.pos == ib.size && ob.pos < ob.size))
            break; /* done, or truncated: keep what came out */
        else
            rc = out_grow(&o);
    }
    ZSTD_freeDStream(z);
    return out_finish(&o, rc, out);
}

int sito_http_decode(const sito_http *h, sito_arena *a, size_t max_out, sito_str *out, int *err)
{
    sito_str cur = h->payload, te, ce;
    *out = cur;
    if (sito_header_get(h->header, "Transfer-Encoding", &te) == SITO_OK &&
        lower_eq(te.ptr, te.len, "chunked")) {
        int rc = dechunk(cur, a, max_out, &cur);
        if (rc == SITO_ERR_NOMEM)
            return rc;
        if (rc != SITO_OK) {
            *err = rc == SITO_ERR_LIMIT ? SITO_E_DOC_TOO_LARGE : SITO_E_HTTP_CHUNKED;
            return SITO_ERR_FORMAT;
        }
    }
    if (sito_header_get(h->header, "Content-Encoding", &ce) == SITO_OK && ce.len &&
        !lower_eq(ce.ptr, ce.len, "identity") && !lower_eq(ce.ptr, ce.len, "none")) {
        int rc;
        if (lower_eq(ce.ptr, ce.len, "gzip") || lower_eq(ce.ptr, ce.len, "x-gzip"))
            rc = inflate_any(cur, 1, a, max_out, &cur);
        else if (lower_eq(ce.ptr, ce.len, "deflate"))
            rc = inflate_any(cur, 0, a, max_out, &cur);
        else if (lower_eq(ce.ptr, ce.len, "br"))
            rc = unbrotli(cur, a, max_out, &cur);
        else if (lower_eq(ce.ptr, ce.len, "zstd"))
            rc = unzstd(cur, a, max_out, &cur);
        else {
            *err = SITO_E_HTTP_ENCODING_UNSUPPORTED;
            return SITO_ERR_FORMAT;
        }
        if (rc == SITO_ERR_NOMEM)
            return rc;
        if (rc != SITO_OK) {
            *err = rc == SITO_ERR_LIMIT ? SITO_E_DOC_TOO_LARGE : SITO_E_HTTP_ENCODING;
            return SITO_ERR_FORMAT;
        }
    }
    *out = cur;
    return SITO_OK;
}
