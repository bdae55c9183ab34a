/*
 * writer.c — JSONL.zst output with an all-or-nothing final name.  Lines go
 * through a zstd stream into PATH.tmp.<pid>; commit finishes the frame,
 * fsyncs and renames.  A killed process leaves only a .tmp file, which a
 * rerun overwrites: no reader ever sees a half file under the final name.
 */
#include "sito.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

struct sito_writer {
    ZSTD_CStream *z;
    int fd;
    char *path, *tmp;
    char *out;
    size_t out_cap;
    uint64_t bytes;
};

sito_writer *sito_writer_open(const char *path, int level, int *status)
{
    sito_writer *w = calloc(1, sizeof *w);
    if (!w) {
        *status = SITO_ERR_NOMEM;
        return NULL;
    }
    w->fd = -1;
    size_t n = strlen(path);
    w->path = malloc(n + 1);
    w->tmp = malloc(n + 32);
    w->out_cap = ZSTD_CStreamOutSize();
    w->out = malloc(w->out_cap);
    w->z = ZSTD_createCStream();
    if (!w->path || !w->tmp || !w->out || !w->z) {
        *status = SITO_ERR_NOMEM;
        goto fail;
    }
    memcpy(w->path, path, n + 1);
    snprintf(w->tmp, n + 32, "%s.tmp.%ld", path, (long)getpid());
    ZSTD_initCStream(w->z, level > 0 ? level : 3);
    w->fd = open(w->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (w->fd < 0) {
        *status = SITO_ERR_IO;
        goto fail;
    }
    *status = SITO_OK;
    return w;
fail:
    {
        int e = errno;
        sito_writer_abort(w);
        errno = e;
    }
    return NULL;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t k = write(fd, p, n);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            return SITO_ERR_IO;
        }
        p += k;
        n -= (size_t)k;
    }
    return SITO_OK;
}

static int push(sito_writer *w, const char *p, size_t n, ZSTD_EndDirective mode)
{
    ZSTD_inBuffer in = {p, n, 0};
    for (;;) {
        ZSTD_outBuffer out = {w->out, w->out_cap, 0};
        size_t left = ZSTD_compressStream2(w->z, &out, &in, mode);
        if (ZSTD_isError(left))
            return SITO_ERR_IO;
        if (out.pos) {
            if (write_all(w->fd, w->out, out.pos))
                return SITO_ERR_IO;
            w->bytes += out.pos;
        }
        if (mode == ZSTD_e_continue ? in.pos == in.size : left == 0)
            return SITO_OK;
    }
}

int sito_writer_line(sito_writer *w, const char *line, size_t len)
{
    if (push(w, line, len, ZSTD_e_continue))
        return SITO_ERR_IO;
    return push(w, "\n", 1, ZSTD_e_continue);
}

uint64_t sito_writer_bytes(const sito_writer *w) { return w->bytes; }

int sito_writer_commit(sito_writer *w, uint64_t *bytes)
{
    int rc = push(w, NULL, 0, ZSTD_e_end);
    if (rc == SITO_OK && fsync(w->fd) != 0)
        rc = SITO_ERR_IO;
    if (close(w->fd) != 0 && rc == SITO_OK)
        rc = SITO_ERR_IO;
    w->fd = -1;
    if (rc == SITO_OK && rename(w->tmp, w->path) != 0)
        rc = SITO_ERR_IO;
    if (rc != SITO_OK) {
        int e = errno;
        sito_writer_abort(w);
        errno = e;
        return rc;
    }
    if (bytes)
        *bytes = w->bytes;
    ZSTD_freeCStream(w->z);
    free(w->out);
    free(w->path);
    free(w->tmp);
    free(w);
    return SITO_OK;
}

void sito_writer_abort(sito_writer *w)
{
    if (!w)
        return;
    if (w->fd >= 0)
        close(w->fd);
    if (w->tmp)
        unlink(w->tmp);
    ZSTD_freeCStream(w->z);
    free(w->out);
    free(w->path);
    free(w->tmp);
    free(w);
}
