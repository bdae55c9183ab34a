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

/* The language-id model to use when --model is not given, or NULL when
 * none is found ($SITO_MODEL, ./models/lid.176.ftz, then models/ next to
 * the build directory of the executable); buf holds the path if needed. */
const char *cli_default_model(char *buf, size_t len);

#endif
