/* cmd_filter.c — placeholder until its module lands: says so and fails. */
#include "cmds.h"

#include <stdio.h>

int cmd_filter(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "sito filter: not implemented yet\n");
    return 2;
}
