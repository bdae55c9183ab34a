/* cmd_langid.c — placeholder until its module lands: says so and fails. */
#include "cmds.h"

#include <stdio.h>

int cmd_langid(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "sito langid: not implemented yet\n");
    return 2;
}
