/*
 * cluster.h — connected components of the candidate-pair graph, in memory
 * (union-find) when the nodes fit the memory budget, else on disk by
 * min-label propagation over sorted files.  The one thing to know: both
 * paths give every node the smallest key of its component, so their
 * outputs are byte-identical.
 */
#ifndef SITO_DEDUP_CLUSTER_H
#define SITO_DEDUP_CLUSTER_H

#include "dedup/extsort.h"

typedef enum { CLUSTER_AUTO, CLUSTER_MEMORY, CLUSTER_EXTERNAL } dedup_cluster_mode;

typedef struct dedup_cluster_info {
    uint64_t nodes;         /* distinct keys in the pairs */
    uint64_t runs_spilled;  /* sorted runs written by the sorts of clustering */
    int external;           /* 1: the on-disk path ran */
    int rounds;             /* label propagation rounds (external path) */
} dedup_cluster_info;

/* Bytes of RAM per node of the in-memory path (key, parent, size). */
#define DEDUP_CLUSTER_NODE_BYTES 16

/* Reads the distinct edges (a, b), a < b, sorted, of pairs_path and writes
 * out_path: one record (key, smallest key of its component, component
 * size) per node, sorted by key.  Work files go to tmpdir.  CLUSTER_AUTO
 * takes the in-memory path when nodes x DEDUP_CLUSTER_NODE_BYTES fit
 * mem_limit.  SITO_OK, SITO_ERR_IO, SITO_ERR_NOMEM, SITO_ERR_FORMAT. */
int dedup_components(const char *pairs_path, size_t mem_limit, const char *tmpdir,
                     dedup_cluster_mode mode, const char *out_path, dedup_cluster_info *info);

#endif
