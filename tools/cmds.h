/* cmds.h — the subcommands of the sito program, one per cmd_*.c file. */
#ifndef SITO_CMDS_H
#define SITO_CMDS_H

#include "sito.h"

int cmd_run(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_langid(int argc, char **argv);
int cmd_extract(int argc, char **argv);
int cmd_signals(int argc, char **argv);
int cmd_filter(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_task(int argc, char **argv);
int cmd_dedup(int argc, char **argv);
int cmd_dedup_step(int argc, char **argv);
int cmd_charset(int argc, char **argv);

#endif
