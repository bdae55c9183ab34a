/* cmd_signals.c — placeholder until its module lands: says so and fails. */
#include "cmds.h"

#include <stdio.h>

int cmd_signals(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "sito signals: not implemented yet\n");
    return 2;
}
