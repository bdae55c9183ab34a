/*
 * jsonl_read.c — lines of plain, gzip or zstd JSONL (see jsonl_read.h).
 * zstd is streamed with ZSTD_decompressStream, gzip with zlib's inflate
 * (concatenated members are read in a row), plain text is copied.
 * Lines of any length are kept whole in one growing buffer.
 */
#include "quality/jsonl_read.h"
#include "util/json.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <zlib.h>
#include <zstd.h>

enum { MODE_PLAIN, MODE_GZIP, MODE_ZSTD };

struct q_line_reader {
    int fd, mode;
    z_stream z;           /* gzip (members in a row are read as one) */
    ZSTD_DStream *zs;     /* zstd */
    unsigned char in[1 << 16];
    size_t in_len, in_pos;
    char *buf;            /* decoded bytes not yet returned */
    size_t len, cap, pos;
    int eof;
    uint64_t lineno;
};

q_line_reader *q_lines_open(const char *path, char *err, size_t errlen)
{
    int fd = strcmp(path, "-") ? open(path, O_RDONLY) : dup(0);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    q_line_reader *r = calloc(1, sizeof *r);
    if (!r) {
        close(fd);
        snprintf(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    r->fd = fd;
    ssize_t got = read(fd, r->in, sizeof r->in);
    if (got < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        q_lines_close(r);
        return NULL;
    }
    r->in_len = (size_t)got;
    if (got >= 4 && memcmp(r->in, "\x28\xb5\x2f\xfd", 4) == 0) {
        r->mode = MODE_ZSTD;
        r->zs = ZSTD_createDStream();
        if (!r->zs) {
            snprintf(err, errlen, "%s: out of memory", path);
            q_lines_close(r);
            return NULL;
        }
    } else if (got >= 2 && r->in[0] == 0x1f && r->in[1] == 0x8b) {
        r->mode = MODE_GZIP;
        if (inflateInit2(&r->z, 15 + 32) != Z_OK) {
            snprintf(err, errlen, "%s: out of memory", path);
            r->mode = MODE_PLAIN;
            q_lines_close(r);
            return NULL;
        }
    }
    return r;
}

static int reserve(q_line_reader *r, size_t n)
{
    if (r->cap - r->len >= n)
        return 0;
    size_t cap = r->cap ? r->cap : 1 << 16;
    while (cap - r->len < n)
        cap *= 2;
    char *b = realloc(r->buf, cap);
    if (!b)
        return -1;
    r->buf = b;
    r->cap = cap;
    return 0;
}

/* More input bytes: 0, 1 at the end of the file, or SITO_ERR_IO. */
static int read_in(q_line_reader *r)
{
    if (r->in_pos < r->in_len)
        return 0;
    ssize_t got = read(r->fd, r->in, sizeof r->in);
    if (got < 0)
        return SITO_ERR_IO;
    r->in_len = (size_t)got;
    r->in_pos = 0;
    return got == 0;
}

/* Appends more decoded bytes; 0 when some were added, 1 at EOF, <0 error. */
static int fill(q_line_reader *r)
{
    if (r->eof)
        return 1;
    if (reserve(r, 1 << 16))
        return SITO_ERR_NOMEM;
    for (;;) {
        int rc = read_in(r);
        if (rc < 0)
            return rc;
        if (rc == 1) {
            r->eof = 1;
            return 1;
        }
        size_t avail = r->cap - r->len, made = 0;
        if (r->mode == MODE_PLAIN) {
            made = r->in_len - r->in_pos < avail ? r->in_len - r->in_pos : avail;
            memcpy(r->buf + r->len, r->in + r->in_pos, made);
            r->in_pos += made;
        } else if (r->mode == MODE_ZSTD) {
            ZSTD_inBuffer zin = {r->in, r->in_len, r->in_pos};
            ZSTD_outBuffer out = {r->buf + r->len, avail, 0};
            size_t zr = ZSTD_decompressStream(r->zs, &out, &zin);
            if (ZSTD_isError(zr))
                return SITO_ERR_FORMAT;
            r->in_pos = zin.pos;
            made = out.pos;
        } else {
            r->z.next_in = r->in + r->in_pos;
            r->z.avail_in = (uInt)(r->in_len - r->in_pos);
            r->z.next_out = (Bytef *)r->buf + r->len;
            r->z.avail_out = (uInt)avail;
            int zr = inflate(&r->z, Z_NO_FLUSH);
            if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR)
                return SITO_ERR_FORMAT;
            made = avail - r->z.avail_out;
            r->in_pos = r->in_len - r->z.avail_in;
            if (zr == Z_STREAM_END && inflateReset(&r->z) != Z_OK)
                return SITO_ERR_FORMAT;
        }
        r->len += made;
        if (made)
            return 0;
    }
}

int q_lines_next(q_line_reader *r, sito_str *line)
{
    if (r->pos) { /* drop the bytes already returned */
        memmove(r->buf, r->buf + r->pos, r->len - r->pos);
        r->len -= r->pos;
        r->pos = 0;
    }
    size_t scanned = 0;
    for (;;) {
        char *nl = r->len > scanned ? memchr(r->buf + scanned, '\n', r->len - scanned) : NULL;
        if (nl) {
            size_t n = (size_t)(nl - r->buf);
            *line = (sito_str){r->buf, n};
            r->pos = n + 1;
            r->lineno++;
            return SITO_OK;
        }
        scanned = r->len;
        int rc = fill(r);
        if (rc < 0)
            return rc;
        if (rc == 1) {
            if (r->len == 0)
                return SITO_EOF;
            *line = (sito_str){r->buf, r->len};
            r->pos = r->len;
            r->lineno++;
            return SITO_OK;
        }
    }
}

uint64_t q_lines_number(const q_line_reader *r) { return r->lineno; }

void q_lines_close(q_line_reader *r)
{
    if (!r)
        return;
    close(r->fd);
    if (r->mode == MODE_GZIP)
        inflateEnd(&r->z);
    if (r->zs)
        ZSTD_freeDStream(r->zs);
    free(r->buf);
    free(r);
}

static int get_string(sito_str obj, const char *key, sito_arena *a, sito_str *out)
{
    sito_str raw;
    int rc = json_object_get(obj, key, &raw);
    if (rc != 0)
        return rc;
    if (raw.len && raw.ptr[0] == 'n')
        return 1; /* null */
    return json_string_decode(raw, a, out) ? -1 : 0;
}

static int read_signals(sito_str sig, sito_doc *d)
{
    size_t it = 0;
    sito_str k, v;
    int rc;
    while ((rc = json_object_next(sig, &it, &k, &v)) == 1) {
        int s = sito_signal_by_name(k.ptr + 1, k.len - 2);
        double x;
        if (s >= 0 && json_number(v, &x) == 0)
            sito_doc_set_signal(d, s, x);
    }
    return rc;
}

int q_doc_from_jsonl(sito_str line, sito_doc *d)
{
    sito_str meta, raw;
    if (get_string(line, "text", d->arena, &d->text) != 0)
        return SITO_ERR_FORMAT;
    if (json_object_get(line, "id", &raw) == 0) {
        if (raw.len && raw.ptr[0] == '"') {
            if (json_string_decode(raw, d->arena, &d->id))
                return SITO_ERR_FORMAT;
        } else {
            d->id = raw; /* a number: keep its text */
        }
    }
    if (json_object_get(line, "metadata", &meta) != 0 || !meta.len || meta.ptr[0] != '{')
        return SITO_OK;
    d->in_metadata = meta;
    if (get_string(meta, "url", d->arena, &d->url) < 0)
        return SITO_ERR_FORMAT;
    if (get_string(meta, "lang", d->arena, &d->lang) == 1 &&
        get_string(meta, "language", d->arena, &d->lang) < 0)
        return SITO_ERR_FORMAT;
    double x;
    if ((json_object_get(meta, "lang_score", &raw) == 0 ||
         json_object_get(meta, "language_score", &raw) == 0) &&
        json_number(raw, &x) == 0)
        d->lang_score = (float)x;
    if (json_object_get(meta, "signals", &raw) == 0 && raw.len && raw.ptr[0] == '{' &&
        read_signals(raw, d) < 0)
        return SITO_ERR_FORMAT;
    return SITO_OK;
}
