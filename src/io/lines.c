/*
 * lines.c — reads a file line by line through its compression (plain,
 * gzip of any number of members, zstd), for JSONL input.  A line longer
 * than the limit is skipped whole and reported, so one monster line cannot
 * take the memory of a worker.
 */
#include "io/lines.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

enum { SRC_PLAIN, SRC_GZIP, SRC_ZSTD };

struct line_reader {
    int kind;
    int fd;
    gzFile gz;
    ZSTD_DStream *zs;
    char *zin;
    size_t zin_cap, zin_len, zin_pos;
    int raw_eof;
    char *buf;
    size_t cap, start, len; /* unread data is buf[start, len) */
    int eof;
    size_t max_line;
    uint64_t consumed; /* compressed bytes read so far (plain/zstd) */
};

line_reader *line_reader_open(const char *path, size_t max_line, int *status)
{
    line_reader *r = calloc(1, sizeof *r);
    if (!r) {
        *status = SITO_ERR_NOMEM;
        return NULL;
    }
    r->max_line = max_line ? max_line : (size_t)256 << 20;
    r->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (r->fd < 0) {
        *status = SITO_ERR_IO;
        free(r);
        return NULL;
    }
    unsigned char magic[4] = {0};
    ssize_t k = pread(r->fd, magic, 4, 0);
    if (k >= 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
        r->kind = SRC_GZIP;
        r->gz = gzdopen(r->fd, "rb");
        if (!r->gz) {
            close(r->fd);
            free(r);
            *status = SITO_ERR_NOMEM;
            return NULL;
        }
        gzbuffer(r->gz, 1 << 18);
        r->fd = -1;
    } else if (k == 4 && magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f &&
               magic[3] == 0xfd) {
        r->kind = SRC_ZSTD;
        r->zs = ZSTD_createDStream();
        r->zin_cap = ZSTD_DStreamInSize();
        r->zin = malloc(r->zin_cap);
        if (!r->zs || !r->zin) {
            line_reader_close(r);
            *status = SITO_ERR_NOMEM;
            return NULL;
        }
    }
    r->cap = 1 << 20;
    r->buf = malloc(r->cap);
    if (!r->buf) {
        line_reader_close(r);
        *status = SITO_ERR_NOMEM;
        return NULL;
    }
    *status = SITO_OK;
    return r;
}

/* Reads up to n decompressed bytes into p.  >0 bytes, 0 at EOF, <0 error. */
static ssize_t src_read(line_reader *r, char *p, size_t n)
{
    if (r->kind == SRC_PLAIN) {
        for (;;) {
            ssize_t k = read(r->fd, p, n);
            if (k < 0 && errno == EINTR)
                continue;
            if (k > 0)
                r->consumed += (uint64_t)k;
            return k;
        }
    }
    if (r->kind == SRC_GZIP) {
        int k = gzread(r->gz, p, (unsigned)(n > (1u << 30) ? (1u << 30) : n));
        if (k < 0) {
            int e;
            gzerror(r->gz, &e);
            return -1;
        }
        return k;
    }
    /* zstd */
    ZSTD_outBuffer out = {p, n, 0};
    while (out.pos == 0) {
        if (r->zin_pos == r->zin_len) {
            if (r->raw_eof)
                return 0;
            ssize_t k;
            do
                k = read(r->fd, r->zin, r->zin_cap);
            while (k < 0 && errno == EINTR);
            if (k < 0)
                return -1;
            if (k == 0) {
                r->raw_eof = 1;
                return 0;
            }
            r->consumed += (uint64_t)k;
            r->zin_len = (size_t)k;
            r->zin_pos = 0;
        }
        ZSTD_inBuffer in = {r->zin, r->zin_len, r->zin_pos};
        size_t rc = ZSTD_decompressStream(r->zs, &out, &in);
        r->zin_pos = in.pos;
        if (ZSTD_isError(rc))
            return -1;
    }
    return (ssize_t)out.pos;
}

int line_reader_next(line_reader *r, sito_str *line, int *too_long)
{
    *too_long = 0;
    size_t scan = r->start;
    for (;;) {
        char *nl = memchr(r->buf + scan, '\n', r->len - scan);
        if (nl) {
            size_t end = (size_t)(nl - r->buf);
            *line = (sito_str){r->buf + r->start, end - r->start};
            r->start = end + 1;
            return SITO_OK;
        }
        if (r->eof) {
            if (r->start == r->len)
                return SITO_EOF;
            *line = (sito_str){r->buf + r->start, r->len - r->start};
            r->start = r->len;
            return SITO_OK;
        }
        /* make room: move the partial line to the front, then grow */
        if (r->start) {
            memmove(r->buf, r->buf + r->start, r->len - r->start);
            r->len -= r->start;
            r->start = 0;
        }
        scan = r->len;
        if (r->len == r->cap) {
            if (r->cap >= r->max_line) {
                /* skip to the end of this line */
                *too_long = 1;
                r->len = 0;
                for (;;) {
                    ssize_t k = src_read(r, r->buf, r->cap);
                    if (k < 0)
                        return SITO_ERR_IO;
                    if (k == 0) {
                        r->eof = 1;
                        return SITO_EOF;
                    }
                    char *q = memchr(r->buf, '\n', (size_t)k);
                    if (q) {
                        r->start = (size_t)(q - r->buf) + 1;
                        r->len = (size_t)k;
                        return LINE_SKIPPED;
                    }
                }
            }
            size_t ncap = r->cap * 2;
            char *nb = realloc(r->buf, ncap);
            if (!nb)
                return SITO_ERR_NOMEM;
            r->buf = nb;
            r->cap = ncap;
        }
        ssize_t k = src_read(r, r->buf + r->len, r->cap - r->len);
        if (k < 0)
            return SITO_ERR_IO;
        if (k == 0)
            r->eof = 1;
        r->len += (size_t)k;
    }
}

uint64_t line_reader_tell(const line_reader *r)
{
    if (r->kind == SRC_GZIP)
        return (uint64_t)gzoffset(r->gz);
    return r->consumed;
}

void line_reader_close(line_reader *r)
{
    if (!r)
        return;
    if (r->gz)
        gzclose(r->gz);
    if (r->fd >= 0)
        close(r->fd);
    ZSTD_freeDStream(r->zs);
    free(r->zin);
    free(r->buf);
    free(r);
}
