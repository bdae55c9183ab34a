#!/usr/bin/env bash
# sito dedup minhash --slurm on a real one-node Slurm (scripts/slurm-up):
# the 4-step job (signatures, buckets, clusters, filter) becomes 4 job
# arrays; each array after the first waits on the previous one with afterok
# (in its sbatch script and in scontrol while the first is held); every
# element COMPLETED; kept and rejected output and the counters equal the
# local -j 2 run's; a second submission submits nothing.
# Skips only when Slurm cannot start here, and never when CI is set.
set -euo pipefail
. "$(dirname "$0")/slurm_cluster.bash"
d=$TMPDIR

# Two shards of real sentences; b30 is a near-copy of a100, b0..b9 of a0..a9.
python3 - "$SITO_DATA/langid/sentences.tsv" "$d" <<'PY'
import json, sys
src, d = sys.argv[1], sys.argv[2]
lines = [l.split('\t', 1)[1].rstrip('\n') for l in open(src, encoding='utf-8')]
docs = [" ".join(lines[i:i + 12]) for i in range(0, 3600, 12)]
a = [{"id": f"a{i}", "text": docs[i]} for i in range(150)]
b = [{"id": f"b{i}", "text": docs[150 + i]} for i in range(150)]
for i in range(10):
    b[i]["text"] = docs[i]
w = docs[100].split(" "); w[len(w) // 2] = "ZZZchanged"
b[30]["text"] = " ".join(w)
for name, items in (("a", a), ("b", b)):
    with open(f"{d}/{name}.jsonl", "w", encoding="utf-8") as f:
        for it in items:
            f.write(json.dumps(it, ensure_ascii=False) + "\n")
PY
in=("$d/a.jsonl" "$d/b.jsonl")

"$SITO" dedup minhash "${in[@]}" -o "$d/local" -j 2 -q

out="$d/slurm"
"$SITO" dedup minhash "${in[@]}" -o "$out" --slurm --hold -q | tee "$d/submit"
# 4 arrays and the stats merge job
[ "$(wc -l <"$out/slurm/submitted.tsv")" -eq 5 ] || { cat "$out/slurm/submitted.tsv"; exit 1; }
mapfile -t ids < <(cut -f1 "$out/slurm/submitted.tsv")
echo "arrays: ${ids[*]}"

# Steps 2..4 each wait on the previous step's array: in the script and in Slurm.
steps=(signatures buckets clusters filter)
for k in 1 2 3; do
  script=$(printf '%s/slurm/step-%02d-%s-000.sbatch' "$out" $((k + 1)) "${steps[$k]}")
  grep -qx "#SBATCH --dependency=afterok:${ids[$((k - 1))]}" "$script" ||
    { echo "$script lacks afterok:${ids[$((k - 1))]}"; cat "$script"; exit 1; }
  scontrol show job "${ids[$k]}" | grep -q "Dependency=afterok:${ids[$((k - 1))]}_\*" ||
    { echo "scontrol shows no afterok on ${ids[$((k - 1))]}"; scontrol show job "${ids[$k]}"; exit 1; }
done
grep -q "dedup-step" "$out/job.json"
scontrol release "${ids[0]}"

# Wait (bounded) until no job of ours is queued and stats.json exists.
for _ in $(seq 360); do
  if [ -z "$(squeue -h -o %k | grep -Fx "$out")" ] && [ -e "$out/stats.json" ]; then break; fi
  sleep 0.5
done
[ -e "$out/stats.json" ] || { echo "stats.json missing after the wait"; squeue; "$SITO" status "$out"; exit 1; }

# Every element of the four arrays COMPLETED (2 + 14 + 1 + 2 tasks).
want=(2 14 1 2)
for k in 0 1 2 3; do
  n=$(grep -c "ArrayJobId=${ids[$k]} " "$jobcomp" || true)
  ok=$(grep "ArrayJobId=${ids[$k]} " "$jobcomp" | grep -c "JobState=COMPLETED" || true)
  echo "array ${ids[$k]} (${steps[$k]}): $ok of $n elements COMPLETED"
  [ "$n" -eq "${want[$k]}" ] && [ "$ok" -eq "${want[$k]}" ] || { grep "ArrayJobId=${ids[$k]} " "$jobcomp"; exit 1; }
done

for s in a b; do
  cmp <(zstdcat "$d/local/$s.jsonl.zst") <(zstdcat "$out/$s.jsonl.zst") ||
    { echo "$s kept differs between Slurm and local"; exit 1; }
  cmp <(zstdcat "$d/local/rejects/$s.jsonl.zst") <(zstdcat "$out/rejects/$s.jsonl.zst") ||
    { echo "$s rejects differ between Slurm and local"; exit 1; }
done
zstdcat "$out/rejects/b.jsonl.zst" | grep -q '"id": "b30".*"duplicate_of":"a100"' ||
  { echo "b30 not removed as near-dup of a100"; exit 1; }
python3 -c "import json,sys; a,b=(json.load(open(p)) for p in sys.argv[1:]); assert (a['docs_in'],a['docs_kept'],a['docs_rejected'])==(b['docs_in'],b['docs_kept'],b['docs_rejected'])==(300,289,11), (a['docs_in'],b['docs_in'],b['docs_kept'])" \
  "$d/local/stats.json" "$out/stats.json"

"$SITO" status "$out" | tee "$d/st"
grep -q "all tasks done" "$d/st"

# A second submission of the same command submits nothing and says so.
lines=$(wc -l <"$out/slurm/submitted.tsv")
"$SITO" dedup minhash "${in[@]}" -o "$out" --slurm -q | tee "$d/again"
grep -q "nothing submitted" "$d/again"
[ "$(wc -l <"$out/slurm/submitted.tsv")" -eq "$lines" ]
