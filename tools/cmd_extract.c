/* cmd_extract.c — placeholder until its module lands: says so and fails. */
#include "cmds.h"

#include <stdio.h>

int cmd_extract(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "sito extract: not implemented yet\n");
    return 2;
}
