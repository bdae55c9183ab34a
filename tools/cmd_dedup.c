/* cmd_dedup.c — placeholder until its module lands: says so and fails. */
#include "cmds.h"

#include <stdio.h>

int cmd_dedup(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "sito dedup: not implemented yet\n");
    return 2;
}
