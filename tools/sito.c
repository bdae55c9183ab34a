/*
 * sito.c — the command-line program: a thin layer of subcommands over
 * libsito.  Only this directory prints or exits.  Each subcommand lives in
 * its own cmd_*.c file and is listed in the table below.
 */
#include "cmds.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *name;
    int (*main)(int argc, char **argv);
    const char *summary;
} commands[] = {
    {"run", cmd_run, "crawl files in, JSONL.zst documents out"},
    {"inspect", cmd_inspect, "count the records of a WARC file by type, with errors"},
    {"langid", cmd_langid, "identify the language of each line on stdin, as fasttext predict-prob"},
    {"extract", cmd_extract, "print the main text of one HTML page"},
    {"signals", cmd_signals, "print the quality signals of each document of a JSONL file"},
    {"filter", cmd_filter, "apply the filters to annotated JSONL documents"},
    {"status", cmd_status, "show done/running/failed tasks of a job directory"},
    {"task", cmd_task, "run tasks of a job file (what Slurm array elements run)"},
    {"dedup", cmd_dedup, "remove exact, near-duplicate documents and repeated lines"},
    {"charset", cmd_charset, "detect the encoding of files and decode them to UTF-8"},
    {"dedup-step", cmd_dedup_step, NULL},   /* hidden: one task of a dedup job */
};

static void usage(FILE *f)
{
    fprintf(f, "usage: sito COMMAND [OPTIONS] ...\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (commands[i].summary)
            fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n`sito COMMAND --help` describes a command; `sito --version` prints the version.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
        printf("sito %s\n", SITO_VERSION);
        return 0;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].main(argc - 1, argv + 1);
    fprintf(stderr, "sito: unknown command '%s' (see sito --help)\n", argv[1]);
    return 2;
}
