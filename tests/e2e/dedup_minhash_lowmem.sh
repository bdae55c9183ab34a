#!/usr/bin/env bash
# sito dedup minhash with a tiny --mem: the sorts spill runs and the
# clustering runs on disk (label propagation instead of the in-memory
# union-find), stats.json says so, and the kept and rejected output is
# byte-identical to the default run.  The input: chains of near-copies
# (each copy changes one word of the previous), shuffled over two shards,
# so clusters are long chains whose kept document is anywhere in them.
set -eu
d=$TMPDIR
python3 - "$SITO_DATA/langid/sentences.tsv" "$d" <<'PY'
import json, sys, random
src, d = sys.argv[1], sys.argv[2]
words = " ".join(l.split('\t', 1)[1].rstrip('\n') for l in open(src, encoding='utf-8')).split()
random.seed(11)
docs = []
for c in range(300):                      # 300 chains of 6 near-copies
    w = words[c * 120:(c + 1) * 120]
    for k in range(6):
        docs.append(" ".join(w))
        w = list(w); w[random.randrange(len(w))] = "zz%d" % random.randrange(10**9)
for c in range(600):                      # and unrelated documents
    docs.append(" ".join(random.choice(words) for _ in range(120)))
random.shuffle(docs)
for s in range(2):
    with open(f"{d}/s{s}.jsonl", "w", encoding="utf-8") as f:
        for i, t in enumerate(docs[s::2]):
            f.write(json.dumps({"id": f"s{s}-{i}", "text": t}) + "\n")
PY
in="$d/s0.jsonl $d/s1.jsonl"
$SITO dedup minhash $in -o "$d/def" -q -j 2
$SITO dedup minhash $in -o "$d/low" -q -j 2 --mem 16K
counter() { grep -o "\"$2\": [0-9]*" "$1/stats.json" | awk '{print $2}'; }
[ "$(counter "$d/def" minhash_cluster_external)" = 0 ] || { echo "default run clustered on disk"; exit 1; }
[ "$(counter "$d/low" minhash_cluster_external)" = 1 ] || { echo "low-memory run did not cluster on disk"; exit 1; }
[ "$(counter "$d/low" minhash_sort_runs_spilled)" -gt 0 ] || { echo "low-memory run spilled no sort run"; exit 1; }
[ "$(counter "$d/low" minhash_cluster_rounds)" -gt 1 ] || { echo "no label propagation rounds"; exit 1; }
[ "$(counter "$d/def" minhash_cluster_docs)" -gt 1024 ] || { echo "too few clustered documents to need the disk"; exit 1; }
removed=$(grep -o '"minhash_dedup": [0-9]*' "$d/def/stats.json" | awk '{print $2}')
[ "$removed" -gt 1000 ] || { echo "removed only $removed near-copies"; exit 1; }
for f in s0 s1 rejects/s0 rejects/s1; do
  cmp <(zstd -dc "$d/def/$f.jsonl.zst") <(zstd -dc "$d/low/$f.jsonl.zst") || { echo "$f differs"; exit 1; }
done
# no work file of the clustering is left behind
[ -z "$(ls "$d/low/work/minhash/cluster" | grep -v '^[0-9]*\.bin$')" ] || { ls "$d/low/work/minhash/cluster"; exit 1; }
