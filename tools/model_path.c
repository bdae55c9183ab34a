/* model_path.c — where the CLI finds the fastText language-id model when
 * --model is not given: $SITO_MODEL, models/lid.176.ftz under the working
 * directory, then under the directory above the sito executable (so that
 * build/sito finds the model that scripts/bootstrap put in models/). */
#include "cmds.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MODEL_NAME "models/lid.176.ftz"

const char *cli_default_model(char *buf, size_t len)
{
    const char *env = getenv("SITO_MODEL");
    if (env && *env)
        return env;
    if (access(MODEL_NAME, R_OK) == 0)
        return MODEL_NAME;
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return NULL;
    exe[n] = 0;
    for (int up = 0; up < 2; up++) { /* drop "sito", then "build" */
        char *slash = strrchr(exe, '/');
        if (!slash)
            return NULL;
        *slash = 0;
    }
    if ((size_t)snprintf(buf, len, "%s/%s", exe, MODEL_NAME) >= len)
        return NULL;
    return access(buf, R_OK) == 0 ? buf : NULL;
}
