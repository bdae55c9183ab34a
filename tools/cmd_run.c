/* cmd_run.c — TEMPORARY `sito run` until the lead's lands on main: input
 * files, -o DIR, --model, and the executor options of exec_cli.c. */
#include "cmds.h"
#include "exec_cli.h"

#include <string.h>

int cmd_run(int argc, char **argv)
{
    sito_run_options opt = {0};
    exec_cli ec;
    const char *outdir = NULL;
    char *inputs[4096];
    int n = 0;
    exec_cli_init(&ec);
    for (int i = 1; i < argc; i++) {
        int r = exec_cli_option(&ec, argc, argv, &i);
        if (r < 0)
            return 2;
        if (r)
            continue;
        if (!strcmp(argv[i], "--help")) {
            printf("usage: sito run IN... -o DIR [--model M]\n%s", exec_cli_help);
            return 0;
        } else if (!strcmp(argv[i], "-o") && i + 1 < argc) {
            outdir = argv[++i];
        } else if (!strcmp(argv[i], "--model") && i + 1 < argc) {
            opt.model_path = argv[++i];
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "sito run: unknown option %s\n", argv[i]);
            return 2;
        } else if (n < 4096) {
            inputs[n++] = argv[i];
        }
    }
    if (!outdir || !n) {
        fprintf(stderr, "sito run: need input files and -o DIR\n");
        return 2;
    }
    return exec_cli_run(&ec, &opt, inputs, n, outdir);
}
