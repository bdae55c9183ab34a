/*
 * charset.h — internal pieces of the charset decoder: the table of
 * encodings it knows and how each one is decoded.  Labels map to these
 * entries (charset_labels.c); the decoder (charset.c) switches on kind.
 */
#ifndef SITO_HTML_CHARSET_H
#define SITO_HTML_CHARSET_H

#include <stddef.h>

typedef enum cs_kind {
    CS_UTF8,
    CS_UTF16LE,
    CS_UTF16BE,
    CS_UTF32LE,
    CS_UTF32BE,
    CS_SINGLE,     /* one byte per character, ASCII-compatible: decoded
                      through a 128-entry table built once from iconv */
    CS_MULTI,      /* ASCII-compatible multi-byte (GBK, Shift_JIS...): iconv */
    CS_STATEFUL,   /* 7-bit escape-based (ISO-2022-*): iconv */
    CS_XUSER,      /* x-user-defined: 0x80-0xFF -> U+F780-U+F7FF */
} cs_kind;

typedef struct cs_encoding {
    const char *name;    /* canonical (WHATWG) name */
    const char *iconv;   /* glibc iconv name */
    int kind;            /* cs_kind */
    int whatwg;          /* 1: in the Encoding Standard */
} cs_encoding;

/* The encoding a label names, or NULL (WHATWG labels plus the extensions
 * listed in charset_labels.c). */
const cs_encoding *cs_lookup(const char *label, size_t len);

/* The UTF-8, UTF-16LE, UTF-16BE, windows-1252 entries. */
const cs_encoding *cs_utf8(void);
const cs_encoding *cs_utf16(int big_endian);
const cs_encoding *cs_utf32(int big_endian);
const cs_encoding *cs_windows1252(void);

/* Position of e in the table (< CS_MAX), for per-encoding caches. */
#define CS_MAX 64
size_t cs_index(const cs_encoding *e);

/* The prescan's answer as an entry (NULL: none). */
const cs_encoding *cs_prescan(const char *raw, size_t len);

/* The encoding="..." of an XML declaration at the very start, or NULL. */
const cs_encoding *cs_xml_declaration(const char *raw, size_t len);

#endif
