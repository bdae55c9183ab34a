/*
 * json.h — a small JSON reader for the files the executors write and read
 * back (job.json, stats/task-*.json).  It parses a whole buffer into a tree
 * allocated from an arena; strings are unescaped copies (NUL-terminated).
 * Not a general-purpose or fast parser: files here are a few KB.
 */
#ifndef SITO_EXEC_JSON_H
#define SITO_EXEC_JSON_H

#include "sito.h"

typedef enum { JV_NULL, JV_BOOL, JV_NUM, JV_STR, JV_ARR, JV_OBJ } jv_type;

typedef struct jv jv;
struct jv {
    jv_type type;
    double num;         /* JV_NUM, JV_BOOL (0/1) */
    const char *str;    /* JV_STR */
    size_t len;         /* JV_STR: bytes; JV_ARR/JV_OBJ: children */
    jv **items;         /* JV_ARR/JV_OBJ children */
    const char **keys;  /* JV_OBJ keys, parallel to items */
};

/* Parses text[0..n) into a tree in a.  NULL when the text is not one JSON
 * value (then *where is the byte offset of the problem) or on NOMEM. */
jv *jv_parse(sito_arena *a, const char *text, size_t n, size_t *where);
/* Reads and parses a whole file.  NULL with *status SITO_ERR_IO or
 * SITO_ERR_FORMAT. */
jv *jv_parse_file(sito_arena *a, const char *path, int *status);
/* The member called key of an object, or NULL. */
const jv *jv_get(const jv *obj, const char *key);
/* The number at key, or dflt when absent or not a number. */
double jv_num(const jv *obj, const char *key, double dflt);
/* The string at key, or NULL. */
const char *jv_str(const jv *obj, const char *key);

#endif
