/*
 * names.c — the name tables of the public enums: statuses, signals, input
 * errors, WARC record types.  Names are what users see in stats.json and
 * metadata.signals, so changing one is a format change.
 */
#include "sito.h"

#include <string.h>

const char *sito_status_str(int status)
{
    switch (status) {
    case SITO_OK: return "ok";
    case SITO_EOF: return "end of input";
    case SITO_ERR_NOMEM: return "out of memory";
    case SITO_ERR_IO: return "input/output error";
    case SITO_ERR_FORMAT: return "bad format";
    case SITO_ERR_ARG: return "bad argument";
    case SITO_ERR_LIMIT: return "size limit exceeded";
    default: return "unknown status";
    }
}

static const char *const signal_names[SITO_SIG_COUNT] = {
    [SITO_SIG_LANG_SCORE] = "lang_score",
    [SITO_SIG_PARAGRAPHS] = "paragraphs",
    [SITO_SIG_PARA_OTHER_LANG_FRAC] = "para_other_lang_frac",
    [SITO_SIG_GOPHER_WORD_COUNT] = "gopher_word_count",
    [SITO_SIG_GOPHER_MEAN_WORD_LENGTH] = "gopher_mean_word_length",
    [SITO_SIG_GOPHER_HASH_RATIO] = "gopher_hash_ratio",
    [SITO_SIG_GOPHER_ELLIPSIS_RATIO] = "gopher_ellipsis_ratio",
    [SITO_SIG_GOPHER_BULLET_LINES_FRAC] = "gopher_bullet_lines_frac",
    [SITO_SIG_GOPHER_ELLIPSIS_LINES_FRAC] = "gopher_ellipsis_lines_frac",
    [SITO_SIG_GOPHER_ALPHA_WORDS_FRAC] = "gopher_alpha_words_frac",
    [SITO_SIG_GOPHER_STOP_WORDS] = "gopher_stop_words",
    [SITO_SIG_DUP_LINE_FRAC] = "dup_line_frac",
    [SITO_SIG_DUP_PARA_FRAC] = "dup_para_frac",
    [SITO_SIG_DUP_LINE_CHAR_FRAC] = "dup_line_char_frac",
    [SITO_SIG_DUP_PARA_CHAR_FRAC] = "dup_para_char_frac",
    [SITO_SIG_TOP_2GRAM_FRAC] = "top_2gram_frac",
    [SITO_SIG_TOP_3GRAM_FRAC] = "top_3gram_frac",
    [SITO_SIG_TOP_4GRAM_FRAC] = "top_4gram_frac",
    [SITO_SIG_DUP_5GRAM_FRAC] = "dup_5gram_frac",
    [SITO_SIG_DUP_6GRAM_FRAC] = "dup_6gram_frac",
    [SITO_SIG_DUP_7GRAM_FRAC] = "dup_7gram_frac",
    [SITO_SIG_DUP_8GRAM_FRAC] = "dup_8gram_frac",
    [SITO_SIG_DUP_9GRAM_FRAC] = "dup_9gram_frac",
    [SITO_SIG_DUP_10GRAM_FRAC] = "dup_10gram_frac",
    [SITO_SIG_C4_LINES_KEPT_FRAC] = "c4_lines_kept_frac",
    [SITO_SIG_C4_LOREM_IPSUM] = "c4_lorem_ipsum",
    [SITO_SIG_C4_CURLY_BRACKET] = "c4_curly_bracket",
    [SITO_SIG_C4_SENTENCES] = "c4_sentences",
    [SITO_SIG_C4_JAVASCRIPT_LINES] = "c4_javascript_lines",
    [SITO_SIG_C4_POLICY_LINES] = "c4_policy_lines",
    [SITO_SIG_FW_LINE_PUNCT_FRAC] = "fineweb_line_punct_frac",
    [SITO_SIG_FW_SHORT_LINE_FRAC] = "fineweb_short_line_frac",
    [SITO_SIG_FW_DUP_LINE_CHAR_FRAC] = "fineweb_dup_line_char_frac",
    [SITO_SIG_FW_NEWLINE_WORD_RATIO] = "fineweb_newline_word_ratio",
    [SITO_SIG_PII_EMAILS] = "pii_emails",
    [SITO_SIG_PII_IPS] = "pii_ips",
    [SITO_SIG_EXTRACT_TEXT_FRAC] = "extract_text_frac",
    [SITO_SIG_CHARSET_REPLACEMENTS] = "charset_replacements",
    [SITO_SIG_DEDUP_LINES_REMOVED_FRAC] = "dedup_lines_removed_frac",
};

const char *sito_signal_name(int sig)
{
    return sig >= 0 && sig < SITO_SIG_COUNT ? signal_names[sig] : NULL;
}

int sito_signal_by_name(const char *name, size_t len)
{
    for (int i = 0; i < SITO_SIG_COUNT; i++)
        if (signal_names[i] && strlen(signal_names[i]) == len &&
            memcmp(signal_names[i], name, len) == 0)
            return i;
    return -1;
}

static const char *const error_names[SITO_E_COUNT] = {
    [SITO_E_EMPTY_INPUT] = "empty_input",
    [SITO_E_NOT_WARC] = "not_warc",
    [SITO_E_GZIP_CORRUPT] = "gzip_corrupt",
    [SITO_E_GZIP_TRUNCATED] = "gzip_truncated",
    [SITO_E_GZIP_GARBAGE] = "gzip_garbage",
    [SITO_E_BYTES_OUTSIDE_RECORD] = "bytes_outside_record",
    [SITO_E_HEADER_TRUNCATED] = "header_truncated",
    [SITO_E_HEADER_INTERRUPTED] = "header_interrupted",
    [SITO_E_HEADER_DAMAGED] = "header_damaged",
    [SITO_E_BAD_CONTENT_LENGTH] = "bad_content_length",
    [SITO_E_BODY_TRUNCATED] = "body_truncated",
    [SITO_E_BODY_DAMAGED] = "body_damaged",
    [SITO_E_LENGTH_MISMATCH] = "content_length_mismatch",
    [SITO_E_RECORD_TOO_LARGE] = "record_too_large",
    [SITO_E_HEADER_WARNING] = "header_warning",
    [SITO_E_HTTP_MALFORMED] = "http_malformed",
    [SITO_E_HTTP_CHUNKED] = "http_chunked_broken",
    [SITO_E_HTTP_ENCODING] = "http_encoding_broken",
    [SITO_E_HTTP_ENCODING_UNSUPPORTED] = "http_encoding_unsupported",
    [SITO_E_JSONL_MALFORMED] = "jsonl_malformed",
    [SITO_E_INVALID_UTF8] = "invalid_utf8",
    [SITO_E_DOC_TOO_LARGE] = "doc_too_large",
};

const char *sito_error_name(int err)
{
    return err >= 0 && err < SITO_E_COUNT ? error_names[err] : NULL;
}

static const char *const record_names[SITO_REC_COUNT] = {
    [SITO_REC_WARCINFO] = "warcinfo",
    [SITO_REC_RESPONSE] = "response",
    [SITO_REC_RESOURCE] = "resource",
    [SITO_REC_REQUEST] = "request",
    [SITO_REC_METADATA] = "metadata",
    [SITO_REC_REVISIT] = "revisit",
    [SITO_REC_CONVERSION] = "conversion",
    [SITO_REC_CONTINUATION] = "continuation",
    [SITO_REC_OTHER] = "other",
};

const char *sito_record_type_name(int type)
{
    return type >= 0 && type < SITO_REC_COUNT ? record_names[type] : NULL;
}
