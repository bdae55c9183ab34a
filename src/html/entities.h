/*
 * entities.h — character references: the HTML5 named table (entities.c,
 * generated) and the decoder used for text and attribute values.
 * Decoding never grows text by more than 1.25x plus 4 bytes; callers size
 * their output with html_decoded_cap().
 */
#ifndef SITO_HTML_ENTITIES_H
#define SITO_HTML_ENTITIES_H

#include <stddef.h>

typedef struct html_entity {
    const char *name;   /* without '&'; with ';' unless legacy */
    int name_len;
    const char *value;  /* UTF-8 */
    int value_len;
} html_entity;

extern const html_entity html_entities[];
extern const int html_entities_count;
extern const int html_entity_max_name;

/* A safe output size for decoding n input bytes. */
static inline size_t html_decoded_cap(size_t n) { return n + n / 2 + 8; }

/* Decodes character references in s[0..n) into out (html_decoded_cap(n)
 * bytes), as the HTML5 tokenizer does in text (in_attr = 0) or attribute
 * values (in_attr = 1: a legacy reference followed by '=' or an
 * alphanumeric stays as written).  Returns the output length. */
size_t html_decode_refs(const char *s, size_t n, char *out, int in_attr);

#endif
