#!/usr/bin/env bash
# Dedup benchmark ($1 = build dir).  Makes ~1 GB of JSONL text from the
# real sentences of shared/data/langid (documents of 40 random sentences,
# a tenth of them near-copies with a few words changed) in a temp dir,
# then measures: MinHash signature throughput (MB of text per second, one
# core), and the whole 4-step minhash job (-j 2): wall time and peak RSS,
# with the default sort memory and with --mem 256K (sorted runs spill and
# clustering runs on disk: the stats.json counters printed prove it), and
# with --verify 0.7 (the cost of checking the candidates' full signatures).
# Ratios are printed against datatrove's documented recipe only as
# figures: no peer tool is installed on this machine.
set -eu
build=${1:-build}
sito="$(cd "$build" && pwd)/sito"
here=$(cd "$(dirname "$0")/.." && pwd)
data=${SITO_DATA:-$here/../shared/data}
size_mb=${DEDUP_BENCH_MB:-1024}
tmp=$(mktemp -d /tmp/sito-bench-dedup.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
TIME=/usr/bin/time
[ -x $TIME ] || { echo "bench/dedup: /usr/bin/time missing (apt-get install time)"; exit 2; }

python3 - "$data/langid/sentences.tsv" "$tmp" "$size_mb" <<'PY'
import json, random, sys
src, d, mb = sys.argv[1], sys.argv[2], int(sys.argv[3])
sent = [l.split('\t', 1)[1].rstrip('\n') for l in open(src, encoding='utf-8')]
random.seed(1)
target = mb * 1024 * 1024
shards, per = 8, target // 8
n = 0
for s in range(shards):
    with open(f"{d}/part-{s:02d}.jsonl", "w", encoding="utf-8") as f:
        size = 0
        prev = None
        while size < per:
            if prev and random.random() < 0.1:
                w = prev.split(" ")
                for _ in range(3):
                    w[random.randrange(len(w))] = "zz%d" % random.randrange(10**6)
                text = " ".join(w)
            else:
                text = "\n".join(random.choice(sent) for _ in range(40))
            prev = text
            line = json.dumps({"id": f"d{n}", "text": text, "metadata": {"url": f"http://h{n % 997}.example/{n}"}}, ensure_ascii=False)
            f.write(line + "\n")
            size += len(text.encode())
            n += 1
print(f"bench/dedup: {n} documents, {shards} shards, {mb} MB of text", file=sys.stderr)
PY
text_mb=$(python3 -c "import sys,os; print(sum(os.path.getsize(os.path.join(sys.argv[1],f)) for f in os.listdir(sys.argv[1]))/1048576)" "$tmp")

# 1. per-core throughput: the whole job on one shard (-j 1), then its
#    signature step alone; CPU seconds (user+sys, so other load on the
#    machine does not count)
one="$tmp/part-00.jsonl"
one_mb=$(python3 -c "import json,sys; print(sum(len(json.loads(l)['text'].encode()) for l in open(sys.argv[1], encoding='utf-8'))/1048576)" "$one")
$TIME -f "%U %S" -o "$tmp/one.cpu" "$sito" dedup minhash "$one" -o "$tmp/one" -q
python3 -c "import sys; mb=float(sys.argv[1]); u,s=map(float,open(sys.argv[2]).read().split()); print(f'minhash job, one shard, one core, all 4 steps: {mb:.0f} MB text in {u+s:.2f} CPU s = {mb/(u+s):.1f} MB/s per core')" "$one_mb" "$tmp/one.cpu"
# the signature step alone: the same task run again by hand (its marker
# removed), best of 3 — read JSONL, simplify, shingle, 112 permutations,
# write the 14 sorted band files
for i in 1 2 3; do
  rm -f "$tmp/one/work/done/S0-0"
  $TIME -f "%U %S" -o "$tmp/sig$i.cpu" "$sito" dedup-step "$tmp/one/work/args" 0 0
done
python3 -c "
import sys
mb = float(sys.argv[1])
cpu = min(sum(map(float, open(f).read().split())) for f in sys.argv[2:])
print(f'minhash signatures (step 0), one core: {mb:.0f} MB text in {cpu:.2f} CPU s = {mb/cpu:.1f} MB/s per core (goal >= 50; datatrove < 1)')
" "$one_mb" "$tmp"/sig[123].cpu

# 2. the whole job, default memory and low memory.  Peak RSS: GNU time's
#    "Maximum resident set size" comes from wait4(), which on Linux is the
#    largest single process of the waited tree (the executor runs each task
#    as a child process `sito dedup-step`), not the sum of the -j 2 tasks
#    running at once; so we also sample /proc every 50 ms and report the
#    peak of the summed RSS of the whole process tree.
tree_rss() {   # $1 = root pid; prints the peak summed VmRSS (KB) of its tree
  python3 - "$1" <<'PY'
import os, sys, time
root, peak = int(sys.argv[1]), 0
while os.path.exists(f"/proc/{root}"):
    kids = {}
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                ppid = int(open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()[1])
                kids.setdefault(ppid, []).append(int(p))
            except (OSError, ValueError, IndexError):
                pass
    tree, i, tot = [root], 0, 0
    while i < len(tree):
        tree += kids.get(tree[i], [])
        i += 1
    for p in tree:
        try:
            for l in open(f"/proc/{p}/status"):
                if l.startswith("VmRSS:"):
                    tot += int(l.split()[1])
        except OSError:
            pass
    peak = max(peak, tot)
    time.sleep(0.05)
print(peak)
PY
}
counter() { grep -o "\"$2\": [0-9]*" "$1/stats.json" | awk '{print $2}'; }
run() {
  local name=$1; shift
  $TIME -v "$sito" dedup minhash "$tmp"/part-*.jsonl -o "$tmp/$name" -q -j 2 "$@" 2> "$tmp/$name.time" &
  local pid=$!
  tree_rss $pid > "$tmp/$name.tree" &
  local spid=$!
  wait $pid
  wait $spid
  local wall cpu rss tree
  wall=$(grep "Elapsed (wall clock)" "$tmp/$name.time" | awk '{print $NF}')
  cpu=$(awk '/User time|System time/ {s += $NF} END {print s}' "$tmp/$name.time")
  rss=$(grep "Maximum resident" "$tmp/$name.time" | awk '{print $NF}')
  tree=$(cat "$tmp/$name.tree")
  echo "minhash job ($name, -j 2 $*): ${text_mb%.*} MB text, wall $wall, CPU ${cpu}s, peak RSS largest process $((rss / 1024)) MB, whole tree (sampled) $((tree / 1024)) MB, removed $(grep -o '"minhash_dedup": [0-9]*' "$tmp/$name/stats.json" | awk '{print $2}') docs"
  echo "  path ($name): sort runs spilled $(counter "$tmp/$name" minhash_sort_runs_spilled), clustering on disk $(counter "$tmp/$name" minhash_cluster_external) ($(counter "$tmp/$name" minhash_cluster_rounds) rounds, $(counter "$tmp/$name" minhash_cluster_docs) clustered docs)"
}
echo "load before the runs: $(uptime | sed 's/.*load average/load average/')"
run default
low=${DEDUP_BENCH_LOWMEM:-256K}   # below 16 bytes x ~35k clustered docs: clustering goes to disk
run lowmem --mem "$low"
run verify --verify 0.7
echo "  verify: $(counter "$tmp/verify" minhash_pairs_dropped_by_verify) of $(counter "$tmp/verify" minhash_pairs) candidate pairs dropped"
echo "load after the runs: $(uptime | sed 's/.*load average/load average/')"
same=1
for f in "$tmp"/default/part-*.jsonl.zst "$tmp"/default/rejects/part-*.jsonl.zst; do
  cmp -s <(zstd -dc "$f") <(zstd -dc "${f/default/lowmem}") || same=0
done
[ $same = 1 ] && echo "lowmem output (kept and rejects, all shards) identical to default" || echo "lowmem output DIFFERS from default"
