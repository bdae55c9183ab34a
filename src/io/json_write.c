/*
 * json_write.c — JSON string literals and the output line of a document.
 * Every line sito writes is valid JSON in valid UTF-8: invalid byte
 * sequences (from a damaged header, a mis-declared charset) become U+FFFD
 * here, at the last moment, so no stage has to think about it.
 */
#include "sito.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s (1-4), or 0 when invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        return n >= 2 && (s[1] & 0xc0) == 0x80 ? 2 : 0;
    if (c >= 0xe0 && c <= 0xef) {
        if (n < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
            return 0;
        if (c == 0xe0 && s[1] < 0xa0)
            return 0; /* overlong */
        if (c == 0xed && s[1] >= 0xa0)
            return 0; /* surrogate */
        return 3;
    }
    if (c >= 0xf0 && c <= 0xf4) {
        if (n < 4 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 || (s[3] & 0xc0) != 0x80)
            return 0;
        if (c == 0xf0 && s[1] < 0x90)
            return 0;
        if (c == 0xf4 && s[1] >= 0x90)
            return 0;
        return 4;
    }
    return 0;
}

/* Bytes that can be copied as they are: printable ASCII except " and \. */
static int plain_byte(unsigned char c) { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; }

int sito_json_string(sito_buf *b, const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    /* worst case: every byte becomes \u00XX (6) or U+FFFD (3) */
    if (n > (SIZE_MAX - 2) / 6 || sito_buf_reserve(b, n * 6 + 2))
        return SITO_ERR_NOMEM;
    char *o = b->ptr + b->len;
    int bad = 0;
    *o++ = '"';
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && plain_byte(s[j]))
            j++;
        memcpy(o, s + i, j - i);
        o += j - i;
        i = j;
        if (i == n)
            break;
        unsigned char c = s[i];
        if (c >= 0x80) {
            size_t k = utf8_seq(s + i, n - i);
            if (k) {
                memcpy(o, s + i, k);
                o += k;
                i += k;
            } else {
                memcpy(o, "\xef\xbf\xbd", 3);
                o += 3;
                i++;
                bad++;
            }
            continue;
        }
        *o++ = '\\';
        switch (c) {
        case '"': *o++ = '"'; break;
        case '\\': *o++ = '\\'; break;
        case '\n': *o++ = 'n'; break;
        case '\r': *o++ = 'r'; break;
        case '\t': *o++ = 't'; break;
        case '\b': *o++ = 'b'; break;
        case '\f': *o++ = 'f'; break;
        default:
            o += sprintf(o, "u%04x", c);
        }
        i++;
    }
    *o++ = '"';
    b->len = (size_t)(o - b->ptr);
    return bad;
}

static int key(sito_buf *b, const char *k)
{
    return sito_buf_append(b, k, strlen(k));
}

static int str_field(sito_buf *b, const char *k, sito_str v)
{
    if (key(b, k) || sito_json_string(b, v.ptr ? v.ptr : "", v.len) < 0)
        return SITO_ERR_NOMEM;
    return SITO_OK;
}

static int num(sito_buf *b, double v)
{
    char tmp[40];
    int n;
    if (v == (double)(long long)v && v < 1e15 && v > -1e15)
        n = snprintf(tmp, sizeof tmp, "%lld", (long long)v);
    else {
        /* the shortest form that reads back as the same double, so that
         * `sito filter` replays a run's decisions exactly at thresholds */
        for (int prec = 6; prec <= 17; prec++) {
            n = snprintf(tmp, sizeof tmp, "%.*g", prec, v);
            if (strtod(tmp, NULL) == v)
                break;
        }
    }
    return sito_buf_append(b, tmp, (size_t)n);
}

int sito_doc_to_json(const sito_doc *d, int with_signals, sito_buf *b)
{
    int rc = 0;
    rc |= str_field(b, "{\"id\":", d->id);
    rc |= str_field(b, ",\"text\":", d->text);
    rc |= key(b, ",\"metadata\":{");
    rc |= str_field(b, "\"url\":", d->url);
    rc |= str_field(b, ",\"date\":", d->date);
    if (d->title.len)
        rc |= str_field(b, ",\"title\":", d->title);
    if (d->lang.len) {
        rc |= str_field(b, ",\"lang\":", d->lang);
        rc |= key(b, ",\"lang_score\":");
        char tmp[32];
        int n = snprintf(tmp, sizeof tmp, "%.4f", d->lang_score);
        rc |= sito_buf_append(b, tmp, (size_t)n);
    }
    if (d->html_lang.len)
        rc |= str_field(b, ",\"html_lang\":", d->html_lang);
    if (d->pub_date.len)
        rc |= str_field(b, ",\"pub_date\":", d->pub_date);
    if (d->canonical.len)
        rc |= str_field(b, ",\"canonical_url\":", d->canonical);
    if (d->charset.len)
        rc |= str_field(b, ",\"charset\":", d->charset);
    if (d->source.len) {
        rc |= str_field(b, ",\"warc_file\":", d->source);
        if (d->record_type >= 0) {
            rc |= key(b, ",\"warc_offset\":");
            rc |= num(b, (double)d->offset);
        }
    }
    if (d->filter) {
        rc |= str_field(b, ",\"filter\":", (sito_str){d->filter, strlen(d->filter)});
        rc |= key(b, ",\"filter_value\":");
        rc |= num(b, d->filter_value);
    }
    if (with_signals && d->signals_set) {
        rc |= key(b, ",\"signals\":{");
        int first = 1;
        for (int i = 0; i < SITO_SIG_COUNT; i++) {
            if (!(d->signals_set & ((uint64_t)1 << i)))
                continue;
            rc |= key(b, first ? "\"" : ",\"");
            rc |= key(b, sito_signal_name(i));
            rc |= key(b, "\":");
            rc |= num(b, d->signals[i]);
            first = 0;
        }
        rc |= key(b, "}");
    }
    if (d->in_metadata.len > 2) {
        /* pass through the input's other metadata fields, under "source" */
        rc |= key(b, ",\"source\":");
        rc |= sito_buf_append(b, d->in_metadata.ptr, d->in_metadata.len);
    }
    rc |= key(b, "}}");
    return rc ? SITO_ERR_NOMEM : SITO_OK;
}
