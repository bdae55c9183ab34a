#!/usr/bin/env bash
# sito run --slurm on a real one-node Slurm (scripts/slurm-up): a two-step
# job (run, then a step counting each run shard's documents) over the WARC
# files in 4 tasks.  The second array waits on the first with afterok (in
# its sbatch script and in scontrol while pending); every array element
# COMPLETED in the job-completion log; outputs equal the local run's; sito
# status reports all done; a second submission submits nothing.
# Skips only when Slurm cannot start here, and never when CI is set.
set -euo pipefail
. "$(dirname "$0")/slurm_cluster.bash"

warcs=("$SITO_DATA"/warc/*.warc.gz)
model=()
[ -f "$SITO_MODEL" ] && model=(--model "$SITO_MODEL")
out="$TMPDIR/slurm-out"
count='for s in {shards}; do printf "%s %s\n" "$s" "$(zstdcat {dir}/$s.jsonl.zst | wc -l)"; done > {dir}/counts-{task}.txt'

"$SITO" run "${warcs[@]}" -o "$TMPDIR/local" -j 2 -q "${model[@]}"

"$SITO" run "${warcs[@]}" -o "$out" --slurm --tasks 4 --hold --then "$count" "${model[@]}" | tee "$TMPDIR/submit"
id1=$(sed -n 1p "$out/slurm/submitted.tsv" | cut -f1)
id2=$(sed -n 2p "$out/slurm/submitted.tsv" | cut -f1)
echo "run array $id1, count array $id2"

# The dependency, in the script and in Slurm while the first array is held.
grep -qx "#SBATCH --dependency=afterok:$id1" "$out"/slurm/step-02-then1-000.sbatch ||
  { echo "step 2 script lacks afterok:$id1"; cat "$out"/slurm/step-02-*.sbatch; exit 1; }
scontrol show job "$id2" | grep -q "Dependency=afterok:${id1}_\*" ||
  { echo "scontrol shows no afterok on $id1"; scontrol show job "$id2"; exit 1; }
scontrol show job "$id2" | grep -q "JobState=PENDING"
"$SITO" status "$out" >"$TMPDIR/st1" || true
grep -q "4 queued" "$TMPDIR/st1" || { cat "$TMPDIR/st1"; exit 1; }
scontrol release "$id1"

# Wait (bounded) until no job of ours is queued and stats.json exists.
for _ in $(seq 240); do
  if [ -z "$(squeue -h -o %k | grep -Fx "$out")" ] && [ -e "$out/stats.json" ]; then break; fi
  sleep 0.5
done
[ -e "$out/stats.json" ] || { echo "stats.json missing after the wait"; squeue; "$SITO" status "$out"; exit 1; }

# Every element of both arrays COMPLETED in the job-completion log.
for id in "$id1" "$id2"; do
  n=$(grep -c "ArrayJobId=$id " "$jobcomp" || true)
  ok=$(grep "ArrayJobId=$id " "$jobcomp" | grep -c "JobState=COMPLETED" || true)
  echo "array $id: $ok of $n elements COMPLETED"
  [ "$n" -eq 4 ] && [ "$ok" -eq 4 ] || { grep "ArrayJobId=$id " "$jobcomp"; exit 1; }
done

for f in "$TMPDIR"/local/*.jsonl.zst; do
  b=$(basename "$f")
  cmp <(zstdcat "$f") <(zstdcat "$out/$b") || { echo "$b differs between Slurm and local"; exit 1; }
done
# The second step read the first step's outputs.
cat "$out"/counts-*.txt | sort >"$TMPDIR/counts"
[ "$(wc -l <"$TMPDIR/counts")" -eq "${#warcs[@]}" ]
while read -r shard n; do
  [ "$n" -eq "$(zstdcat "$TMPDIR/local/$shard.jsonl.zst" | wc -l)" ] || { echo "count of $shard wrong"; exit 1; }
done <"$TMPDIR/counts"

"$SITO" status "$out" | tee "$TMPDIR/st2"
grep -q "step 1/2 run: 4 tasks: 4 done" "$TMPDIR/st2"
grep -q "step 2/2 then1: 4 tasks: 4 done" "$TMPDIR/st2"
grep -q "all tasks done" "$TMPDIR/st2"
python3 -c "import json,sys; a,b=(json.load(open(p)) for p in sys.argv[1:]); assert a['docs_in']==b['docs_in'] and a['docs_kept']==b['docs_kept']" \
  "$TMPDIR/local/stats.json" "$out/stats.json"

# A second submission of the same command submits nothing and says so.
lines=$(wc -l <"$out/slurm/submitted.tsv")
"$SITO" run "${warcs[@]}" -o "$out" --slurm --tasks 4 --then "$count" "${model[@]}" | tee "$TMPDIR/again"
grep -q "nothing submitted" "$TMPDIR/again"
[ "$(wc -l <"$out/slurm/submitted.tsv")" -eq "$lines" ]
