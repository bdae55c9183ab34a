/* cmd_inspect.c — placeholder until its module lands: says so and fails. */
#include "cmds.h"

#include <stdio.h>

int cmd_inspect(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "sito inspect: not implemented yet\n");
    return 2;
}
