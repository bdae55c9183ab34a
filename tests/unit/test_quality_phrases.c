/*
 * test_quality_phrases.c — C4's phrase scan (q_c4_phrases) finds each
 * phrase in any letter case at every position of a line, including the
 * positions the 16-byte candidate scan hands to the byte-by-byte tail.
 */
#include "unit.h"
#include "quality/text.h"

#include <string.h>

static int phrases_in(const char *pad, size_t at, const char *phrase, size_t total)
{
    char buf[128];
    memset(buf, pad[0], sizeof buf);
    size_t m = strlen(phrase);
    memcpy(buf + at, phrase, m);
    return q_c4_phrases(buf, total);
}

TEST(quality_c4_phrases_found_at_every_offset)
{
    static const struct { const char *p; int bit; } cases[] = {
        {"lorem ipsum", 1}, {"LoReM IpSuM", 1}, {"javascript", 2}, {"JAVASCRIPT", 2},
        {"terms of use", 4}, {"Privacy Policy", 4}, {"cookie policy", 4},
        {"uses cookies", 4}, {"use of cookies", 4}, {"USE COOKIES", 4}};
    int bad = 0;
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        size_t m = strlen(cases[c].p);
        for (size_t total = m; total <= 60; total++)
            for (size_t at = 0; at + m <= total; at++)
                bad += phrases_in("x", at, cases[c].p, total) != cases[c].bit;
    }
    CHECK(bad == 0);
}

TEST(quality_c4_phrases_ignore_cut_and_near_phrases)
{
    CHECK(q_c4_phrases("lorem ipsu", 10) == 0);
    CHECK(q_c4_phrases("javascrip", 9) == 0);
    CHECK(q_c4_phrases("a privacy polic and terms of us", 31) == 0);
    CHECK(q_c4_phrases("the user cookies are here, lorem-ipsum", 38) == 0);
    /* a phrase past the given length does not count */
    CHECK(q_c4_phrases("0123456789abcdefghij javascript", 25) == 0);
}
