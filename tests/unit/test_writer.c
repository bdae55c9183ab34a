/* The JSONL.zst writer: all-or-nothing final name. */
#include "sito.h"
#include "unit.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static int exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

TEST(writer_file_appears_only_on_commit)
{
    char dir[] = "/tmp/sito-writer-XXXXXX", path[128], cmd[300];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/out.jsonl.zst", dir);
    int status;
    sito_writer *w = sito_writer_open(path, 0, &status);
    CHECK(w != NULL);
    CHECK(sito_writer_line(w, "{\"a\":1}", 7) == SITO_OK);
    CHECK(!exists(path));
    uint64_t bytes = 0;
    CHECK(sito_writer_commit(w, &bytes) == SITO_OK);
    CHECK(exists(path));
    CHECK(bytes > 0);
    snprintf(cmd, sizeof cmd, "test \"$(zstdcat %s)\" = '{\"a\":1}'", path);
    CHECK(system(cmd) == 0);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

TEST(writer_abort_leaves_nothing)
{
    char dir[] = "/tmp/sito-writer-XXXXXX", path[128], cmd[300];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/out.jsonl.zst", dir);
    int status;
    sito_writer *w = sito_writer_open(path, 0, &status);
    CHECK(w != NULL);
    CHECK(sito_writer_line(w, "x", 1) == SITO_OK);
    sito_writer_abort(w);
    snprintf(cmd, sizeof cmd, "test -z \"$(ls -A %s)\"", dir);
    CHECK(system(cmd) == 0);
    rmdir(dir);
}

TEST(writer_open_in_missing_directory_fails_cleanly)
{
    int status = 0;
    CHECK(sito_writer_open("/nonexistent-dir/x.jsonl.zst", 0, &status) == NULL);
    CHECK_EQ_INT(status, SITO_ERR_IO);
}
