/*
 * unit.h — a minimal test harness.  TEST(name) defines and registers a
 * test; CHECK(cond) records a failure with file and line and returns from
 * the test.  The runner (tests/unit/main.c) prints one line per failure and
 * a closing "N passed, N failed".
 */
#ifndef SITO_UNIT_H
#define SITO_UNIT_H

#include <stdio.h>
#include <string.h>

typedef void (*unit_fn)(int *failed);
void unit_register(const char *name, unit_fn fn);

/* Path of ../shared/data, from SITO_DATA or the default beside the repo. */
const char *unit_data(void);

#define TEST(name)                                                        \
    static void name(int *unit_failed_);                                  \
    __attribute__((constructor)) static void name##_reg_(void)            \
    {                                                                     \
        unit_register(#name, name);                                       \
    }                                                                     \
    static void name(int *unit_failed_)

#define CHECK(cond)                                                       \
    do {                                                                  \
        if (!(cond)) {                                                    \
            fprintf(stderr, "  %s:%d: CHECK(%s) failed\n", __FILE__,      \
                    __LINE__, #cond);                                     \
            *unit_failed_ = 1;                                            \
            return;                                                       \
        }                                                                 \
    } while (0)

#define CHECK_EQ_INT(a, b)                                                \
    do {                                                                  \
        long long unit_a_ = (long long)(a), unit_b_ = (long long)(b);     \
        if (unit_a_ != unit_b_) {                                         \
            fprintf(stderr, "  %s:%d: %s == %lld, expected %s == %lld\n", \
                    __FILE__, __LINE__, #a, unit_a_, #b, unit_b_);        \
            *unit_failed_ = 1;                                            \
            return;                                                       \
        }                                                                 \
    } while (0)

#define CHECK_STR(view, lit)                                              \
    do {                                                                  \
        sito_str unit_v_ = (view);                                        \
        const char *unit_l_ = (lit);                                      \
        if (unit_v_.len != strlen(unit_l_) ||                             \
            memcmp(unit_v_.ptr, unit_l_, unit_v_.len) != 0) {             \
            fprintf(stderr, "  %s:%d: %s is \"%.*s\", expected \"%s\"\n", \
                    __FILE__, __LINE__, #view, (int)unit_v_.len,          \
                    unit_v_.ptr ? unit_v_.ptr : "", unit_l_);             \
            *unit_failed_ = 1;                                            \
            return;                                                       \
        }                                                                 \
    } while (0)

#endif
