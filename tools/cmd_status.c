/* cmd_status.c — placeholder until its module lands: says so and fails. */
#include "cmds.h"

#include <stdio.h>

int cmd_status(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "sito status: not implemented yet\n");
    return 2;
}
