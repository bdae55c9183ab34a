/*
 * warc.c — WARC/WET/WAT reader: plain or gzip (one member per record, one
 * member for the whole file, or anything between), resynchronising after
 * damage.  The framing rules are those of shared/tools/warc-stats, which
 * defines what "intact" means: a record is intact when its body ends where
 * Content-Length says and the record end (CRLF CRLF) follows.
 *
 * The input is mapped; gzip members are inflated with ISA-L into a window
 * whose positions are absolute offsets of the decompressed stream.  Marks
 * record where members start and where the stream is broken (corrupt or
 * truncated member, skipped garbage), so that damage inside a record is
 * seen even when the bytes around it look fine.
 */
#include "sito.h"

#include <errno.h>
#include <fcntl.h>
#include <isa-l/igzip_lib.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_HEADER_BYTES ((size_t)4 << 20)
#define PULL_CHUNK ((size_t)256 << 10)
#define NONE UINT64_MAX

enum { MARK_MEMBER, MARK_BREAK };

typedef struct {
    uint64_t pos;        /* absolute decompressed offset */
    uint64_t member_off; /* file offset of the member (MARK_MEMBER) */
    int kind;
} mark;

struct sito_warc_reader {
    sito_stats *stats;
    size_t max_record;
    /* input */
    const unsigned char *in;
    size_t in_len, in_pos;
    int mapped;
    int gzip;
    /* decompressed window: buf[0] is absolute offset base */
    const unsigned char *buf;
    unsigned char *wbuf;
    size_t wcap, len;
    uint64_t base, keep; /* bytes before keep may be dropped */
    int eof;
    mark *marks;
    size_t n_marks, cap_marks;
    /* gzip state */
    int in_member, after_corrupt;
    uint64_t member_off;
    struct inflate_state z;
    /* parser */
    uint64_t pos;
    int records_seen;
};

/* ------------------------------------------------------------- the window */

static uint64_t w_end(const sito_warc_reader *r) { return r->base + r->len; }

static int add_mark(sito_warc_reader *r, int kind, uint64_t member_off)
{
    if (r->n_marks == r->cap_marks) {
        size_t cap = r->cap_marks ? r->cap_marks * 2 : 64;
        mark *m = realloc(r->marks, cap * sizeof *m);
        if (!m)
            return SITO_ERR_NOMEM;
        r->marks = m;
        r->cap_marks = cap;
    }
    r->marks[r->n_marks++] = (mark){w_end(r), member_off, kind};
    return SITO_OK;
}

/* Drops window bytes before r->keep and marks before it, making room. */
static void compact(sito_warc_reader *r)
{
    size_t drop = r->keep > r->base ? (size_t)(r->keep - r->base) : 0;
    if (drop > r->len)
        drop = r->len;
    if (drop) {
        memmove(r->wbuf, r->wbuf + drop, r->len - drop);
        r->len -= drop;
        r->base += drop;
    }
    size_t k = 0;
    while (k < r->n_marks && r->marks[k].pos < r->base)
        k++;
    if (k) {
        memmove(r->marks, r->marks + k, (r->n_marks - k) * sizeof *r->marks);
        r->n_marks -= k;
    }
}

static int make_room(sito_warc_reader *r, size_t want)
{
    if (r->wcap - r->len >= want)
        return SITO_OK;
    if (r->keep > r->base && r->keep - r->base >= r->len / 2)
        compact(r);
    if (r->wcap - r->len >= want)
        return SITO_OK;
    size_t cap = r->wcap ? r->wcap : (size_t)1 << 20;
    while (cap - r->len < want)
        cap *= 2;
    unsigned char *p = realloc(r->wbuf, cap);
    if (!p)
        return SITO_ERR_NOMEM;
    r->wbuf = p;
    r->buf = p;
    r->wcap = cap;
    return SITO_OK;
}

static const unsigned char GZ_MAGIC[3] = {0x1f, 0x8b, 0x08};

static int at_magic(const sito_warc_reader *r, size_t p)
{
    return r->in_len - p >= 3 && memcmp(r->in + p, GZ_MAGIC, 3) == 0;
}

/* Starts the next gzip member at in_pos, skipping bytes that are not gzip.
 * Returns 0 at end of input. */
static int next_member(sito_warc_reader *r)
{
    if (r->in_pos >= r->in_len)
        return 0;
    if (!at_magic(r, r->in_pos)) {
        const unsigned char *f = memmem(r->in + r->in_pos, r->in_len - r->in_pos, GZ_MAGIC, 3);
        size_t next = f ? (size_t)(f - r->in) : r->in_len;
        if (!r->after_corrupt) {
            r->stats->errors[SITO_E_GZIP_GARBAGE]++;
            if (add_mark(r, MARK_BREAK, 0))
                return -1;
        }
        r->in_pos = next;
        r->after_corrupt = 0;
        if (!f)
            return 0;
    }
    r->after_corrupt = 0;
    isal_inflate_reset(&r->z);
    r->z.crc_flag = ISAL_GZIP;
    r->in_member = 1;
    r->member_off = r->in_pos;
    return add_mark(r, MARK_MEMBER, r->in_pos) ? -1 : 1;
}

/* Adds decompressed bytes (or marks) to the window.  Returns 1 when
 * something was added, 0 at end of data, negative on error. */
static int pull(sito_warc_reader *r)
{
    if (r->eof)
        return 0;
    if (!r->gzip) {
        r->eof = 1;
        return 0;
    }
    for (;;) {
        if (!r->in_member) {
            int m = next_member(r);
            if (m < 0)
                return SITO_ERR_NOMEM;
            if (m == 0) {
                r->eof = 1;
                return 0;
            }
        }
        if (make_room(r, PULL_CHUNK))
            return SITO_ERR_NOMEM;
        size_t avail_in = r->in_len - r->in_pos;
        r->z.next_in = (uint8_t *)(r->in + r->in_pos);
        r->z.avail_in = avail_in > UINT32_MAX ? UINT32_MAX : (uint32_t)avail_in;
        r->z.next_out = r->wbuf + r->len;
        size_t room = r->wcap - r->len;
        r->z.avail_out = room > UINT32_MAX ? UINT32_MAX : (uint32_t)room;
        uint32_t out0 = r->z.avail_out, in0 = r->z.avail_in;
        int rc = isal_inflate(&r->z);
        size_t produced = out0 - r->z.avail_out;
        r->in_pos += in0 - r->z.avail_in;
        r->len += produced;
        r->stats->bytes_decoded += produced;
        if (rc < 0) {
            /* keep what came out before the damage; look for the next
             * member one byte after this one's start */
            r->stats->errors[SITO_E_GZIP_CORRUPT]++;
            r->in_member = 0;
            r->in_pos = (size_t)r->member_off + 1;
            r->after_corrupt = 1;
            return add_mark(r, MARK_BREAK, 0) ? SITO_ERR_NOMEM : 1;
        }
        if (r->z.block_state == ISAL_BLOCK_FINISH) {
            r->in_member = 0;
            return 1;
        }
        if (r->in_pos >= r->in_len && r->z.avail_out > 0) {
            r->stats->errors[SITO_E_GZIP_TRUNCATED]++;
            r->in_member = 0;
            if (add_mark(r, MARK_BREAK, 0))
                return SITO_ERR_NOMEM;
            r->eof = 1;
            return 1;
        }
        if (produced)
            return 1;
    }
}

/* Pulls until the window reaches abs_end.  1 when it does, 0 when the data
 * ends first, negative on error. */
static int ensure(sito_warc_reader *r, uint64_t abs_end)
{
    while (w_end(r) < abs_end) {
        int rc = pull(r);
        if (rc <= 0)
            return rc;
    }
    return 1;
}

static unsigned char byte_at(const sito_warc_reader *r, uint64_t p)
{
    return r->buf[p - r->base];
}

static const unsigned char *ptr_at(const sito_warc_reader *r, uint64_t p)
{
    return r->buf + (p - r->base);
}

/* Offset just after the next LF at or after pos; NONE when there is none
 * within limit bytes or the data ends.  *err is set on error. */
static uint64_t line_end(sito_warc_reader *r, uint64_t pos, size_t limit, int *err)
{
    uint64_t scan = pos;
    for (;;) {
        if (scan < w_end(r)) {
            const unsigned char *nl = memchr(ptr_at(r, scan), '\n', (size_t)(w_end(r) - scan));
            if (nl)
                return (uint64_t)(nl - r->buf) + r->base + 1;
            scan = w_end(r);
        }
        if (w_end(r) - pos > limit)
            return NONE;
        int rc = pull(r);
        if (rc < 0)
            *err = rc;
        if (rc <= 0)
            return NONE;
    }
}

static int is_mark_at(const sito_warc_reader *r, uint64_t p)
{
    for (size_t i = 0; i < r->n_marks; i++) {
        if (r->marks[i].pos == p)
            return 1;
        if (r->marks[i].pos > p)
            break;
    }
    return 0;
}

/* The file offset of the member that starts at p, or NONE. */
static uint64_t member_at(const sito_warc_reader *r, uint64_t p)
{
    for (size_t i = 0; i < r->n_marks; i++) {
        if (r->marks[i].pos == p && r->marks[i].kind == MARK_MEMBER)
            return r->marks[i].member_off;
        if (r->marks[i].pos > p)
            break;
    }
    return NONE;
}

/* The first break mark strictly inside (a, b), or NONE. */
static uint64_t break_between(const sito_warc_reader *r, uint64_t a, uint64_t b)
{
    for (size_t i = 0; i < r->n_marks; i++)
        if (r->marks[i].kind == MARK_BREAK && r->marks[i].pos > a && r->marks[i].pos < b)
            return r->marks[i].pos;
    return NONE;
}

static int is_record_start(const unsigned char *p)
{
    return memcmp(p, "WARC/", 5) == 0 && p[5] >= '0' && p[5] <= '9';
}

/* The first record start at or after pos: "WARC/<digit>" at a line start or
 * at a mark.  NONE at the end of the data. */
static uint64_t resync(sito_warc_reader *r, uint64_t pos, int *err)
{
    for (;;) {
        int rc = ensure(r, pos + 8);
        if (rc < 0) {
            *err = rc;
            return NONE;
        }
        uint64_t i = pos;
        while (i + 6 <= w_end(r)) {
            const unsigned char *f = memmem(ptr_at(r, i), (size_t)(w_end(r) - i), "WARC/", 5);
            if (!f)
                break;
            uint64_t p = (uint64_t)(f - r->buf) + r->base;
            if (p + 6 > w_end(r))
                break;
            if (f[5] >= '0' && f[5] <= '9') {
                int at_line = p == 0 || (p > r->base && byte_at(r, p - 1) == '\n');
                if (at_line || is_mark_at(r, p))
                    return p;
            }
            i = p + 1;
        }
        if (r->eof) {
            r->keep = w_end(r);
            return NONE;
        }
        uint64_t keep = w_end(r) > 8 ? w_end(r) - 8 : 0;
        if (keep > pos) {
            r->keep = keep - 1;
            pos = keep;
        }
        rc = pull(r);
        if (rc < 0) {
            *err = rc;
            return NONE;
        }
    }
}

/* ------------------------------------------------------------ header block */

static int ascii_ieq(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (x >= 'A' && x <= 'Z')
            x += 32;
        if (y >= 'A' && y <= 'Z')
            y += 32;
        if (x != y)
            return 0;
    }
    return 1;
}

static sito_str trim(const char *p, size_t n)
{
    while (n && (*p == ' ' || *p == '\t'))
        p++, n--;
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
        n--;
    return (sito_str){p, n};
}

int sito_header_get(sito_str header, const char *name, sito_str *val)
{
    size_t nlen = strlen(name);
    const char *p = header.ptr, *end = header.ptr + header.len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        if ((size_t)(le - p) > nlen && p[nlen] == ':' && ascii_ieq(p, name, nlen)) {
            *val = trim(p + nlen + 1, (size_t)(le - p - nlen - 1));
            return SITO_OK;
        }
        p = le + 1;
    }
    return SITO_EOF;
}

static int utf8_valid(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t k;
        unsigned min;
        if (c >= 0xc2 && c <= 0xdf)
            k = 1, min = 0x80;
        else if (c >= 0xe0 && c <= 0xef)
            k = 2, min = 0x800;
        else if (c >= 0xf0 && c <= 0xf4)
            k = 3, min = 0x10000;
        else
            return 0;
        if (n - i <= k)
            return 0;
        unsigned cp = c & (0x3f >> k);
        for (size_t j = 1; j <= k; j++) {
            if ((s[i + j] & 0xc0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + j] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        i += k + 1;
    }
    return 1;
}

/* Header defects a lenient reader lives with: a line without a proper
 * "Name:" and invalid UTF-8.  Returns 1 when there is one. */
static int header_defect(const char *h, size_t n)
{
    const char *p = h, *end = h + n;
    int high = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        size_t len = (size_t)(le - p);
        if (len && p[len - 1] == '\r')
            len--;
        if (len && p[0] != ' ' && p[0] != '\t') {
            const char *colon = memchr(p, ':', len);
            if (!colon || colon == p)
                return 1;
            for (const char *q = p; q < colon; q++)
                if (*q == ' ' || *q == '\t')
                    return 1;
        }
        for (size_t i = 0; i < len; i++)
            high |= (unsigned char)p[i] & 0x80;
        p = le + 1;
    }
    return high && !utf8_valid((const unsigned char *)h, n);
}

static int record_type_of(sito_str t)
{
    for (int i = 0; i < SITO_REC_OTHER; i++) {
        const char *n = sito_record_type_name(i);
        if (strlen(n) == t.len && ascii_ieq(n, t.ptr, t.len))
            return i;
    }
    return SITO_REC_OTHER;
}

static int parse_length(sito_str v, uint64_t *out)
{
    if (!v.len || v.len > 18)
        return 0;
    uint64_t x = 0;
    for (size_t i = 0; i < v.len; i++) {
        if (v.ptr[i] < '0' || v.ptr[i] > '9')
            return 0;
        x = x * 10 + (uint64_t)(v.ptr[i] - '0');
    }
    *out = x;
    return 1;
}

/* --------------------------------------------------------------- records */

static void malformed(sito_warc_reader *r, int err)
{
    r->stats->records_malformed++;
    r->stats->errors[err]++;
}

/* Counts a malformed record and moves to the next record start at or
 * after from.  SITO_OK to go on, SITO_EOF at the end, or an error. */
static int skip_malformed(sito_warc_reader *r, int error, uint64_t from)
{
    int err = 0;
    malformed(r, error);
    uint64_t next = resync(r, from, &err);
    if (err)
        return err;
    if (next == NONE)
        return SITO_EOF;
    r->pos = next;
    return SITO_OK;
}

/* Reads past a record body too large to keep, checking for breaks on the
 * way.  Returns 1 when the whole body went by intact. */
static int skip_body(sito_warc_reader *r, uint64_t start, uint64_t body_end, int *err)
{
    while (w_end(r) < body_end) {
        if (break_between(r, start, w_end(r) + 1) != NONE)
            return 0;
        r->keep = w_end(r) > start ? w_end(r) : start;
        int rc = pull(r);
        if (rc < 0)
            *err = rc;
        if (rc <= 0)
            return 0;
    }
    return break_between(r, start, body_end) == NONE;
}

static int only_crlf(const unsigned char *t, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (t[i] != '\r' && t[i] != '\n')
            return 0;
    return 1;
}

/* Frames the next record.  SITO_OK with rec filled, SITO_EOF, or an error.
 * This follows warc-stats read_records() step by step. */
int sito_warc_next(sito_warc_reader *r, sito_warc_record *rec)
{
    int err = 0;
    for (;;) {
        uint64_t pos = r->pos;
        for (;;) {
            int rc = ensure(r, pos + 1);
            if (rc < 0)
                return rc;
            if (rc == 0) {
                r->keep = w_end(r);
                r->pos = pos;
                if (!r->records_seen && r->in_len == 0)
                    return SITO_EOF;
                return SITO_EOF;
            }
            unsigned char c = byte_at(r, pos);
            if (c != '\r' && c != '\n')
                break;
            pos++;
        }
        r->keep = pos;
        uint64_t start = pos;
        uint64_t member = member_at(r, start);
        uint64_t le = line_end(r, pos, 64, &err);
        if (err)
            return err;
        int version_ok = 0;
        if (le != NONE) {
            size_t n = (size_t)(le - pos);
            const unsigned char *l = ptr_at(r, pos);
            size_t m = n - 1;
            if (m && l[m - 1] == '\r')
                m--;
            /* WARC/<digits>.<digits> */
            if (m >= 8 && memcmp(l, "WARC/", 5) == 0) {
                size_t i = 5, d1 = 0, d2 = 0;
                while (i < m && l[i] >= '0' && l[i] <= '9')
                    i++, d1++;
                if (i < m && l[i] == '.') {
                    i++;
                    while (i < m && l[i] >= '0' && l[i] <= '9')
                        i++, d2++;
                }
                version_ok = d1 && d2 && i == m;
            }
        }
        if (!version_ok) {
            uint64_t next = resync(r, pos + 1, &err);
            if (err)
                return err;
            r->stats->errors[SITO_E_BYTES_OUTSIDE_RECORD]++;
            if (next == NONE) {
                r->pos = w_end(r);
                return SITO_EOF;
            }
            r->pos = next;
            continue;
        }
        /* header block */
        uint64_t hpos = le, header_end = NONE, interrupted = NONE;
        for (;;) {
            uint64_t e = line_end(r, hpos, MAX_HEADER_BYTES, &err);
            if (err)
                return err;
            if (e == NONE)
                break;
            size_t n = (size_t)(e - hpos);
            const unsigned char *l = ptr_at(r, hpos);
            if ((n == 2 && l[0] == '\r') || n == 1) {
                header_end = e;
                break;
            }
            if (n >= 6 && is_record_start(l)) {
                /* a full version line interrupts the header */
                size_t m = n - 1;
                if (m && l[m - 1] == '\r')
                    m--;
                size_t i = 5;
                while (i < m && l[i] >= '0' && l[i] <= '9')
                    i++;
                if (i < m && l[i] == '.') {
                    size_t j = ++i;
                    while (i < m && l[i] >= '0' && l[i] <= '9')
                        i++;
                    if (i > j && i == m) {
                        interrupted = hpos;
                        break;
                    }
                }
            }
            hpos = e;
            if (hpos - start > MAX_HEADER_BYTES)
                break;
        }
        if (interrupted != NONE) {
            malformed(r, SITO_E_HEADER_INTERRUPTED);
            r->pos = interrupted;
            continue;
        }
        if (header_end == NONE) {
            int rc = skip_malformed(r, SITO_E_HEADER_TRUNCATED, le);
            if (rc != SITO_OK)
                return rc;
            continue;
        }
        uint64_t brk = break_between(r, start, header_end);
        if (brk != NONE) {
            int rc = skip_malformed(r, SITO_E_HEADER_DAMAGED, brk);
            if (rc != SITO_OK)
                return rc;
            continue;
        }
        sito_str header = {(const char *)ptr_at(r, le), (size_t)(header_end - le)};
        sito_str cl;
        uint64_t clen = 0;
        if (sito_header_get(header, "Content-Length", &cl) != SITO_OK || !parse_length(cl, &clen)) {
            int rc = skip_malformed(r, SITO_E_BAD_CONTENT_LENGTH, header_end);
            if (rc != SITO_OK)
                return rc;
            continue;
        }
        uint64_t body_end = header_end + clen;
        int too_large = clen > r->max_record;
        int whole;
        if (too_large) {
            whole = skip_body(r, start, body_end, &err);
            if (err)
                return err;
        } else {
            int rc = ensure(r, body_end);
            if (rc < 0)
                return rc;
            whole = rc > 0;
        }
        if (!whole) {
            uint64_t b = break_between(r, start, w_end(r) + 1);
            uint64_t from = b != NONE ? b : header_end;
            if (from < r->base)
                from = r->base;
            int rc = skip_malformed(r, b != NONE ? SITO_E_BODY_DAMAGED : SITO_E_BODY_TRUNCATED,
                                    from);
            if (rc != SITO_OK)
                return rc;
            continue;
        }
        brk = break_between(r, start, body_end);
        if (brk != NONE) {
            int rc = skip_malformed(r, SITO_E_BODY_DAMAGED, brk);
            if (rc != SITO_OK)
                return rc;
            continue;
        }
        /* the record end */
        int rc = ensure(r, body_end + 4);
        if (rc < 0)
            return rc;
        size_t tl = w_end(r) - body_end < 4 ? (size_t)(w_end(r) - body_end) : 4;
        const unsigned char *t = ptr_at(r, body_end);
        int warn = 0;
        uint64_t rec_end;
        if (tl == 4 && memcmp(t, "\r\n\r\n", 4) == 0) {
            rec_end = body_end + 4;
        } else if (tl >= 2 && t[0] == '\n' && t[1] == '\n') {
            rec_end = body_end + 2;
            warn = 1;
        } else if (r->eof && w_end(r) <= body_end + 4 && only_crlf(t, tl)) {
            rec_end = w_end(r);
            warn = 1;
        } else {
            int single = 0;
            if (tl >= 2 && t[0] == '\r' && t[1] == '\n') {
                rc = ensure(r, body_end + 8);
                if (rc < 0)
                    return rc;
                t = ptr_at(r, body_end);
                single = w_end(r) >= body_end + 8 && is_record_start(t + 2);
            }
            if (single) {
                rec_end = body_end + 2;
                warn = 1;
            } else {
                rc = ensure(r, body_end + 6);
                if (rc < 0)
                    return rc;
                t = ptr_at(r, body_end);
                if ((w_end(r) >= body_end + 6 && is_record_start(t)) ||
                    member_at(r, body_end) != NONE) {
                    rec_end = body_end;
                    warn = 1;
                } else {
                    rc = skip_malformed(r, SITO_E_LENGTH_MISMATCH, header_end);
                    if (rc != SITO_OK)
                        return rc;
                    continue;
                }
            }
        }
        /* the window may have moved while the body was pulled in */
        header.ptr = (const char *)ptr_at(r, le);
        if (header_defect(header.ptr, header.len))
            warn = 1;
        if (warn)
            r->stats->errors[SITO_E_HEADER_WARNING]++;
        /* an intact record */
        sito_str type = {"(none)", 6};
        sito_header_get(header, "WARC-Type", &type);
        memset(rec, 0, sizeof *rec);
        rec->type = record_type_of(type);
        rec->type_name = type;
        size_t vlen = (size_t)(le - start);
        while (vlen && (ptr_at(r, start)[vlen - 1] == '\n' || ptr_at(r, start)[vlen - 1] == '\r'))
            vlen--;
        rec->version = (sito_str){(const char *)ptr_at(r, start), vlen};
        rec->header = header;
        rec->offset = member != NONE ? member : start;
        rec->content_length = clen;
        rec->warned = warn;
        r->stats->records[rec->type]++;
        r->records_seen++;
        r->pos = rec_end;
        if (too_large) {
            r->stats->errors[SITO_E_RECORD_TOO_LARGE]++;
            rec->body_clipped = 1;
            rec->body = (sito_str){"", 0};
        } else {
            rec->body = (sito_str){(const char *)ptr_at(r, header_end), (size_t)clen};
        }
        return SITO_OK;
    }
}

/* ------------------------------------------------------------ open, close */

static sito_warc_reader *reader_new(const sito_warc_options *opt, sito_stats *stats)
{
    sito_warc_reader *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->stats = stats;
    r->max_record = opt && opt->max_record ? opt->max_record : (size_t)64 << 20;
    isal_inflate_init(&r->z);
    return r;
}

/* Gzip when the data starts with the gzip magic, or when it does not start
 * like a WARC and holds a gzip member in its first MiB (junk first). */
static int detect_gzip(const unsigned char *p, size_t n)
{
    if (n >= 3 && memcmp(p, GZ_MAGIC, 3) == 0)
        return 1;
    size_t i = 0;
    while (i < n && (p[i] == '\r' || p[i] == '\n'))
        i++;
    if (n - i >= 5 && memcmp(p + i, "WARC/", 5) == 0)
        return 0;
    size_t lim = n < ((size_t)1 << 20) ? n : (size_t)1 << 20;
    return memmem(p, lim, GZ_MAGIC, 3) != NULL;
}

static int read_all(int fd, unsigned char **out, size_t *len)
{
    size_t cap = 1 << 20, n = 0;
    unsigned char *p = malloc(cap);
    if (!p)
        return SITO_ERR_NOMEM;
    for (;;) {
        if (n == cap) {
            unsigned char *q = realloc(p, cap *= 2);
            if (!q) {
                free(p);
                return SITO_ERR_NOMEM;
            }
            p = q;
        }
        ssize_t k = read(fd, p + n, cap - n);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            free(p);
            return SITO_ERR_IO;
        }
        if (k == 0)
            break;
        n += (size_t)k;
    }
    *out = p;
    *len = n;
    return SITO_OK;
}

sito_warc_reader *sito_warc_open_fd(int fd, const sito_warc_options *opt, sito_stats *stats,
                                    int *status)
{
    sito_warc_reader *r = reader_new(opt, stats);
    if (!r) {
        close(fd);
        *status = SITO_ERR_NOMEM;
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        *status = SITO_ERR_IO;
        goto fail;
    }
    if (S_ISREG(st.st_mode)) {
        r->in_len = (size_t)st.st_size;
        if (r->in_len) {
            void *m = mmap(NULL, r->in_len, PROT_READ, MAP_PRIVATE, fd, 0);
            if (m == MAP_FAILED) {
                *status = SITO_ERR_IO;
                goto fail;
            }
            madvise(m, r->in_len, MADV_SEQUENTIAL);
            r->in = m;
            r->mapped = 1;
        }
    } else {
        unsigned char *p;
        int rc = read_all(fd, &p, &r->in_len);
        if (rc) {
            *status = rc;
            goto fail;
        }
        r->in = p;
    }
    close(fd);
    stats->bytes_in += r->in_len;
    if (r->in_len == 0) {
        stats->errors[SITO_E_EMPTY_INPUT]++;
        r->eof = 1;
        r->buf = (const unsigned char *)"";
    } else {
        r->gzip = detect_gzip(r->in, r->in_len);
        if (r->gzip) {
            r->buf = NULL;
        } else {
            r->buf = r->in;
            r->len = r->in_len;
            r->eof = 1;
            stats->bytes_decoded += r->in_len;
        }
    }
    *status = SITO_OK;
    return r;
fail:
    close(fd);
    free(r);
    return NULL;
}

sito_warc_reader *sito_warc_open(const char *path, const sito_warc_options *opt, sito_stats *stats,
                                 int *status)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        *status = SITO_ERR_IO;
        return NULL;
    }
    return sito_warc_open_fd(fd, opt, stats, status);
}

uint64_t sito_warc_tell(const sito_warc_reader *r)
{
    return r->gzip ? r->in_pos : (r->pos < r->in_len ? r->pos : r->in_len);
}

int sito_warc_is_gzip(const sito_warc_reader *r) { return r->gzip; }

int sito_warc_records_seen(const sito_warc_reader *r) { return r->records_seen; }

void sito_warc_close(sito_warc_reader *r)
{
    if (!r)
        return;
    if (r->mapped)
        munmap((void *)r->in, r->in_len);
    else
        free((void *)r->in);
    free(r->wbuf);
    free(r->marks);
    free(r);
}
