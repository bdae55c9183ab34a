/* The unit test runner: runs every registered test, or those whose name
 * contains argv[1], and ends with "N passed, N failed". */
#include "unit.h"

#include <stdlib.h>

#define MAX_TESTS 4096

typedef struct {
    const char *name;
    unit_fn fn;
} unit_case;

static unit_case cases[MAX_TESTS];
static int n_cases;

void unit_register(const char *name, unit_fn fn)
{
    if (n_cases < MAX_TESTS)
        cases[n_cases++] = (unit_case){name, fn};
}

const char *unit_data(void)
{
    const char *d = getenv("SITO_DATA");
    return d && *d ? d : "../shared/data";
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const unit_case *)a)->name, ((const unit_case *)b)->name);
}

int main(int argc, char **argv)
{
    int passed = 0, failed = 0;
    qsort(cases, (size_t)n_cases, sizeof cases[0], by_name);
    for (int i = 0; i < n_cases; i++) {
        if (argc > 1 && !strstr(cases[i].name, argv[1]))
            continue;
        int f = 0;
        cases[i].fn(&f);
        if (f) {
            fprintf(stderr, "FAIL %s\n", cases[i].name);
            failed++;
        } else {
            passed++;
        }
    }
    printf("unit: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
