/*
 * charset_labels.c — encoding labels to encodings, per the WHATWG Encoding
 * Standard (https://encoding.spec.whatwg.org/#names-and-labels), plus a few
 * labels the standard lacks but iconv decodes (the "extensions": detector
 * answers such as IBM855, and the ISO-2022-KR/CN family, which WHATWG maps
 * to "replacement" for browser security; a text extractor decodes them).
 */
#include "sito.h"
#include "html/charset.h"

#include <string.h>

enum {
    E_UTF8, E_IBM866, E_8859_2, E_8859_3, E_8859_4, E_8859_5, E_8859_6,
    E_8859_7, E_8859_8, E_8859_8I, E_8859_10, E_8859_13, E_8859_14,
    E_8859_15, E_8859_16, E_KOI8R, E_KOI8U, E_MAC, E_W874, E_W1250, E_W1251,
    E_W1252, E_W1253, E_W1254, E_W1255, E_W1256, E_W1257, E_W1258,
    E_MACCYR, E_GBK, E_GB18030, E_BIG5, E_EUCJP, E_2022JP, E_SJIS, E_EUCKR,
    E_UTF16BE, E_UTF16LE, E_XUSER,
    /* extensions */
    E_2022KR, E_2022CN, E_UTF32LE, E_UTF32BE, E_IBM855, E_IBM852, E_MACCE,
    E_JOHAB, E_VISCII, E_EUCTW, E_IBM437, E_IBM850,
};

static const cs_encoding encodings[] = {
    [E_UTF8] = {"UTF-8", "UTF-8", CS_UTF8, 1},
    [E_IBM866] = {"IBM866", "IBM866", CS_SINGLE, 1},
    [E_8859_2] = {"ISO-8859-2", "ISO-8859-2", CS_SINGLE, 1},
    [E_8859_3] = {"ISO-8859-3", "ISO-8859-3", CS_SINGLE, 1},
    [E_8859_4] = {"ISO-8859-4", "ISO-8859-4", CS_SINGLE, 1},
    [E_8859_5] = {"ISO-8859-5", "ISO-8859-5", CS_SINGLE, 1},
    [E_8859_6] = {"ISO-8859-6", "ISO-8859-6", CS_SINGLE, 1},
    [E_8859_7] = {"ISO-8859-7", "ISO-8859-7", CS_SINGLE, 1},
    [E_8859_8] = {"ISO-8859-8", "ISO-8859-8", CS_SINGLE, 1},
    [E_8859_8I] = {"ISO-8859-8-I", "ISO-8859-8", CS_SINGLE, 1},
    [E_8859_10] = {"ISO-8859-10", "ISO-8859-10", CS_SINGLE, 1},
    [E_8859_13] = {"ISO-8859-13", "ISO-8859-13", CS_SINGLE, 1},
    [E_8859_14] = {"ISO-8859-14", "ISO-8859-14", CS_SINGLE, 1},
    [E_8859_15] = {"ISO-8859-15", "ISO-8859-15", CS_SINGLE, 1},
    [E_8859_16] = {"ISO-8859-16", "ISO-8859-16", CS_SINGLE, 1},
    [E_KOI8R] = {"KOI8-R", "KOI8-R", CS_SINGLE, 1},
    [E_KOI8U] = {"KOI8-U", "KOI8-RU", CS_SINGLE, 1},
    [E_MAC] = {"macintosh", "MACINTOSH", CS_SINGLE, 1},
    [E_W874] = {"windows-874", "CP874", CS_SINGLE, 1},
    [E_W1250] = {"windows-1250", "CP1250", CS_SINGLE, 1},
    [E_W1251] = {"windows-1251", "CP1251", CS_SINGLE, 1},
    [E_W1252] = {"windows-1252", "CP1252", CS_SINGLE, 1},
    [E_W1253] = {"windows-1253", "CP1253", CS_SINGLE, 1},
    [E_W1254] = {"windows-1254", "CP1254", CS_SINGLE, 1},
    [E_W1255] = {"windows-1255", "CP1255", CS_SINGLE, 1},
    [E_W1256] = {"windows-1256", "CP1256", CS_SINGLE, 1},
    [E_W1257] = {"windows-1257", "CP1257", CS_SINGLE, 1},
    [E_W1258] = {"windows-1258", "CP1258", CS_SINGLE, 1},
    [E_MACCYR] = {"x-mac-cyrillic", "MAC-CYRILLIC", CS_SINGLE, 1},
    [E_GBK] = {"GBK", "GB18030", CS_MULTI, 1},
    [E_GB18030] = {"gb18030", "GB18030", CS_MULTI, 1},
    [E_BIG5] = {"Big5", "BIG5-HKSCS", CS_MULTI, 1},
    [E_EUCJP] = {"EUC-JP", "EUC-JP", CS_MULTI, 1},
    [E_2022JP] = {"ISO-2022-JP", "ISO-2022-JP", CS_STATEFUL, 1},
    [E_SJIS] = {"Shift_JIS", "CP932", CS_MULTI, 1},
    [E_EUCKR] = {"EUC-KR", "CP949", CS_MULTI, 1},
    [E_UTF16BE] = {"UTF-16BE", "UTF-16BE", CS_UTF16BE, 1},
    [E_UTF16LE] = {"UTF-16LE", "UTF-16LE", CS_UTF16LE, 1},
    [E_XUSER] = {"x-user-defined", "", CS_XUSER, 1},
    [E_2022KR] = {"ISO-2022-KR", "ISO-2022-KR", CS_STATEFUL, 0},
    [E_2022CN] = {"ISO-2022-CN", "ISO-2022-CN-EXT", CS_STATEFUL, 0},
    [E_UTF32LE] = {"UTF-32LE", "UTF-32LE", CS_UTF32LE, 0},
    [E_UTF32BE] = {"UTF-32BE", "UTF-32BE", CS_UTF32BE, 0},
    [E_IBM855] = {"IBM855", "IBM855", CS_SINGLE, 0},
    [E_IBM852] = {"IBM852", "IBM852", CS_SINGLE, 0},
    [E_MACCE] = {"x-mac-ce", "MAC-CENTRALEUROPE", CS_SINGLE, 0},
    [E_JOHAB] = {"JOHAB", "JOHAB", CS_MULTI, 0},
    [E_VISCII] = {"VISCII", "VISCII", CS_SINGLE, 0},
    [E_EUCTW] = {"EUC-TW", "EUC-TW", CS_MULTI, 0},
    [E_IBM437] = {"IBM437", "IBM437", CS_SINGLE, 0},
    [E_IBM850] = {"IBM850", "IBM850", CS_SINGLE, 0},
};

typedef struct label_entry {
    const char *label;
    unsigned char enc;
} label_entry;

static const label_entry labels[] = {
    {"unicode-1-1-utf-8", E_UTF8}, {"unicode11utf8", E_UTF8},
    {"unicode20utf8", E_UTF8}, {"utf-8", E_UTF8}, {"utf8", E_UTF8},
    {"x-unicode20utf8", E_UTF8},
    {"866", E_IBM866}, {"cp866", E_IBM866}, {"csibm866", E_IBM866},
    {"ibm866", E_IBM866},
    {"csisolatin2", E_8859_2}, {"iso-8859-2", E_8859_2},
    {"iso-ir-101", E_8859_2}, {"iso8859-2", E_8859_2},
    {"iso88592", E_8859_2}, {"iso_8859-2", E_8859_2},
    {"iso_8859-2:1987", E_8859_2}, {"l2", E_8859_2}, {"latin2", E_8859_2},
    {"csisolatin3", E_8859_3}, {"iso-8859-3", E_8859_3},
    {"iso-ir-109", E_8859_3}, {"iso8859-3", E_8859_3},
    {"iso88593", E_8859_3}, {"iso_8859-3", E_8859_3},
    {"iso_8859-3:1988", E_8859_3}, {"l3", E_8859_3}, {"latin3", E_8859_3},
    {"csisolatin4", E_8859_4}, {"iso-8859-4", E_8859_4},
    {"iso-ir-110", E_8859_4}, {"iso8859-4", E_8859_4},
    {"iso88594", E_8859_4}, {"iso_8859-4", E_8859_4},
    {"iso_8859-4:1988", E_8859_4}, {"l4", E_8859_4}, {"latin4", E_8859_4},
    {"csisolatincyrillic", E_8859_5}, {"cyrillic", E_8859_5},
    {"iso-8859-5", E_8859_5}, {"iso-ir-144", E_8859_5},
    {"iso8859-5", E_8859_5}, {"iso88595", E_8859_5},
    {"iso_8859-5", E_8859_5}, {"iso_8859-5:1988", E_8859_5},
    {"arabic", E_8859_6}, {"asmo-708", E_8859_6}, {"csiso88596e", E_8859_6},
    {"csiso88596i", E_8859_6}, {"csisolatinarabic", E_8859_6},
    {"ecma-114", E_8859_6}, {"iso-8859-6", E_8859_6},
    {"iso-8859-6-e", E_8859_6}, {"iso-8859-6-i", E_8859_6},
    {"iso-ir-127", E_8859_6}, {"iso8859-6", E_8859_6},
    {"iso88596", E_8859_6}, {"iso_8859-6", E_8859_6},
    {"iso_8859-6:1987", E_8859_6},
    {"csisolatingreek", E_8859_7}, {"ecma-118", E_8859_7},
    {"elot_928", E_8859_7}, {"greek", E_8859_7}, {"greek8", E_8859_7},
    {"iso-8859-7", E_8859_7}, {"iso-ir-126", E_8859_7},
    {"iso8859-7", E_8859_7}, {"iso88597", E_8859_7},
    {"iso_8859-7", E_8859_7}, {"iso_8859-7:1987", E_8859_7},
    {"sun_eu_greek", E_8859_7},
    {"csiso88598e", E_8859_8}, {"csisolatinhebrew", E_8859_8},
    {"hebrew", E_8859_8}, {"iso-8859-8", E_8859_8},
    {"iso-8859-8-e", E_8859_8}, {"iso-ir-138", E_8859_8},
    {"iso8859-8", E_8859_8}, {"iso88598", E_8859_8},
    {"iso_8859-8", E_8859_8}, {"iso_8859-8:1988", E_8859_8},
    {"visual", E_8859_8},
    {"csiso88598i", E_8859_8I}, {"iso-8859-8-i", E_8859_8I},
    {"logical", E_8859_8I},
    {"csisolatin6", E_8859_10}, {"iso-8859-10", E_8859_10},
    {"iso-ir-157", E_8859_10}, {"iso8859-10", E_8859_10},
    {"iso885910", E_8859_10}, {"l6", E_8859_10}, {"latin6", E_8859_10},
    {"iso-8859-13", E_8859_13}, {"iso8859-13", E_8859_13},
    {"iso885913", E_8859_13},
    {"iso-8859-14", E_8859_14}, {"iso8859-14", E_8859_14},
    {"iso885914", E_8859_14},
    {"csisolatin9", E_8859_15}, {"iso-8859-15", E_8859_15},
    {"iso8859-15", E_8859_15}, {"iso885915", E_8859_15},
    {"iso_8859-15", E_8859_15}, {"l9", E_8859_15},
    {"iso-8859-16", E_8859_16},
    {"cskoi8r", E_KOI8R}, {"koi", E_KOI8R}, {"koi8", E_KOI8R},
    {"koi8-r", E_KOI8R}, {"koi8_r", E_KOI8R},
    {"koi8-ru", E_KOI8U}, {"koi8-u", E_KOI8U},
    {"csmacintosh", E_MAC}, {"mac", E_MAC}, {"macintosh", E_MAC},
    {"macroman", E_MAC},
    {"x-mac-roman", E_MAC},
    {"dos-874", E_W874}, {"iso-8859-11", E_W874}, {"iso8859-11", E_W874},
    {"iso885911", E_W874}, {"tis-620", E_W874}, {"windows-874", E_W874},
    {"cp1250", E_W1250}, {"windows-1250", E_W1250}, {"x-cp1250", E_W1250},
    {"cp1251", E_W1251}, {"windows-1251", E_W1251}, {"x-cp1251", E_W1251},
    {"ansi_x3.4-1968", E_W1252}, {"ascii", E_W1252}, {"cp1252", E_W1252},
    {"cp819", E_W1252}, {"csisolatin1", E_W1252}, {"ibm819", E_W1252},
    {"iso-8859-1", E_W1252}, {"iso-ir-100", E_W1252},
    {"iso8859-1", E_W1252}, {"iso88591", E_W1252}, {"iso_8859-1", E_W1252},
    {"iso_8859-1:1987", E_W1252}, {"l1", E_W1252}, {"latin1", E_W1252},
    {"us-ascii", E_W1252}, {"windows-1252", E_W1252},
    {"x-cp1252", E_W1252},
    {"cp1253", E_W1253}, {"windows-1253", E_W1253}, {"x-cp1253", E_W1253},
    {"cp1254", E_W1254}, {"csisolatin5", E_W1254}, {"iso-8859-9", E_W1254},
    {"iso-ir-148", E_W1254}, {"iso8859-9", E_W1254}, {"iso88599", E_W1254},
    {"iso_8859-9", E_W1254}, {"iso_8859-9:1989", E_W1254},
    {"l5", E_W1254}, {"latin5", E_W1254}, {"windows-1254", E_W1254},
    {"x-cp1254", E_W1254},
    {"cp1255", E_W1255}, {"windows-1255", E_W1255}, {"x-cp1255", E_W1255},
    {"cp1256", E_W1256}, {"windows-1256", E_W1256}, {"x-cp1256", E_W1256},
    {"cp1257", E_W1257}, {"windows-1257", E_W1257}, {"x-cp1257", E_W1257},
    {"cp1258", E_W1258}, {"windows-1258", E_W1258}, {"x-cp1258", E_W1258},
    {"x-mac-cyrillic", E_MACCYR}, {"x-mac-ukrainian", E_MACCYR},
    {"chinese", E_GBK}, {"csgb2312", E_GBK}, {"csiso58gb231280", E_GBK},
    {"gb2312", E_GBK}, {"gb_2312", E_GBK}, {"gb_2312-80", E_GBK},
    {"gbk", E_GBK}, {"iso-ir-58", E_GBK}, {"x-gbk", E_GBK},
    {"gb18030", E_GB18030},
    {"big5", E_BIG5}, {"big5-hkscs", E_BIG5}, {"cn-big5", E_BIG5},
    {"csbig5", E_BIG5}, {"x-x-big5", E_BIG5},
    {"cseucpkdfmtjapanese", E_EUCJP}, {"euc-jp", E_EUCJP},
    {"x-euc-jp", E_EUCJP},
    {"csiso2022jp", E_2022JP}, {"iso-2022-jp", E_2022JP},
    {"csshiftjis", E_SJIS}, {"ms932", E_SJIS}, {"ms_kanji", E_SJIS},
    {"shift-jis", E_SJIS}, {"shift_jis", E_SJIS}, {"sjis", E_SJIS},
    {"windows-31j", E_SJIS}, {"x-sjis", E_SJIS},
    {"cseuckr", E_EUCKR}, {"csksc56011987", E_EUCKR}, {"euc-kr", E_EUCKR},
    {"iso-ir-149", E_EUCKR}, {"korean", E_EUCKR},
    {"ks_c_5601-1987", E_EUCKR}, {"ks_c_5601-1989", E_EUCKR},
    {"ksc5601", E_EUCKR}, {"ksc_5601", E_EUCKR}, {"windows-949", E_EUCKR},
    {"unicodefffe", E_UTF16BE}, {"utf-16be", E_UTF16BE},
    {"csunicode", E_UTF16LE}, {"iso-10646-ucs-2", E_UTF16LE},
    {"ucs-2", E_UTF16LE}, {"unicode", E_UTF16LE}, {"unicodefeff", E_UTF16LE},
    {"utf-16", E_UTF16LE}, {"utf-16le", E_UTF16LE},
    {"x-user-defined", E_XUSER},
    /* WHATWG "replacement" labels, decoded instead (see the top comment) */
    {"csiso2022kr", E_2022KR}, {"iso-2022-kr", E_2022KR},
    {"iso-2022-cn", E_2022CN}, {"iso-2022-cn-ext", E_2022CN},
    /* extensions: labels WHATWG does not know (and detector answers) */
    {"utf-32", E_UTF32LE}, {"utf-32le", E_UTF32LE}, {"utf-32be", E_UTF32BE},
    {"ucs-4", E_UTF32LE},
    {"ibm855", E_IBM855}, {"cp855", E_IBM855}, {"855", E_IBM855},
    {"ibm852", E_IBM852}, {"cp852", E_IBM852}, {"852", E_IBM852},
    {"mac-centraleurope", E_MACCE}, {"x-mac-ce", E_MACCE},
    {"maccentraleurope", E_MACCE}, {"x-mac-centraleurroman", E_MACCE},
    {"mac-cyrillic", E_MACCYR}, {"maccyrillic", E_MACCYR},
    {"johab", E_JOHAB}, {"viscii", E_VISCII},
    {"euc-tw", E_EUCTW}, {"x-euc-tw", E_EUCTW},
    {"uhc", E_EUCKR}, {"cp949", E_EUCKR},
    {"cp932", E_SJIS}, {"cp936", E_GBK}, {"cp950", E_BIG5},
    {"windows-936", E_GBK}, {"windows-950", E_BIG5},
    {"utf-8-sig", E_UTF8},
    {"ibm437", E_IBM437}, {"cp437", E_IBM437}, {"437", E_IBM437},
    {"ibm850", E_IBM850}, {"cp850", E_IBM850}, {"850", E_IBM850},
    {"tis620", E_W874}, {"iso-8859-9-i", E_W1254},
};

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

const cs_encoding *cs_lookup(const char *s, size_t n)
{
    while (n && is_space((unsigned char)s[0]))
        s++, n--;
    while (n && is_space((unsigned char)s[n - 1]))
        n--;
    if (n == 0 || n > 24)
        return NULL;
    char buf[32];
    for (size_t i = 0; i < n; i++)
        buf[i] = (char)lower((unsigned char)s[i]);
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
        if (strlen(labels[i].label) == n && memcmp(labels[i].label, buf, n) == 0)
            return &encodings[labels[i].enc];
    return NULL;
}

_Static_assert(sizeof encodings / sizeof encodings[0] <= CS_MAX,
               "raise CS_MAX");

size_t cs_index(const cs_encoding *e)
{
    return (size_t)(e - encodings);
}

const cs_encoding *cs_utf8(void) { return &encodings[E_UTF8]; }
const cs_encoding *cs_windows1252(void) { return &encodings[E_W1252]; }
const cs_encoding *cs_utf16(int be)
{
    return &encodings[be ? E_UTF16BE : E_UTF16LE];
}
const cs_encoding *cs_utf32(int be)
{
    return &encodings[be ? E_UTF32BE : E_UTF32LE];
}

const char *sito_charset_canonical(const char *label, size_t len)
{
    const cs_encoding *e = cs_lookup(label, len);
    return e ? e->name : NULL;
}
