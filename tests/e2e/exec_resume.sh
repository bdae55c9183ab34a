#!/usr/bin/env bash
# A job killed (SIGKILL) at a random moment resumes: the rerun completes,
# the output equals an undisturbed run's, no task finished twice, and no
# file under a final name is partial.  SIGTERM stops cleanly with a
# non-zero exit.
set -euo pipefail
model=()
[ -f "$SITO_MODEL" ] && model=(--model "$SITO_MODEL")
# Many inputs (the WARC files under several names) so the run takes a while.
mkdir -p "$TMPDIR/in"
for k in 1 2 3 4 5 6; do
  for f in "$SITO_DATA"/warc/*.warc.gz; do
    ln -s "$f" "$TMPDIR/in/r$k-$(basename "$f")"
  done
done
inputs=("$TMPDIR"/in/*.warc.gz)

"$SITO" run "${inputs[@]}" -o "$TMPDIR/ref" -j 2 -q "${model[@]}"

check_no_partial() {  # every file under a final name decompresses whole
  local f
  for f in "$1"/*.jsonl.zst "$1"/rejects/*.jsonl.zst; do
    [ -e "$f" ] || continue
    zstd -tq "$f" || { echo "partial file under a final name: $f"; exit 1; }
  done
}

# Kill at a random moment (the reference run's duration bounds it).
start=$(date +%s%N)
"$SITO" run "${inputs[@]}" -o "$TMPDIR/probe" -j 2 -q "${model[@]}"
dur_ms=$(( ($(date +%s%N) - start) / 1000000 ))
delay_ms=$(( RANDOM % (dur_ms > 20 ? dur_ms : 20) ))
"$SITO" run "${inputs[@]}" -o "$TMPDIR/out" -j 2 -q "${model[@]}" &
pid=$!
sleep "$(awk -v ms="$delay_ms" 'BEGIN { printf "%.3f", ms / 1000 }')"
kill -KILL "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
echo "killed after ${delay_ms} ms of ~${dur_ms} ms"
check_no_partial "$TMPDIR/out"
# (no completions directory yet when killed before the first task ended)
done_before=$( (ls "$TMPDIR/out/completions" 2>/dev/null || true) | wc -l)

"$SITO" run "${inputs[@]}" -o "$TMPDIR/out" -j 2 -q "${model[@]}"
echo "tasks done before the rerun: $done_before"

for f in "$TMPDIR"/ref/*.jsonl.zst; do
  b=$(basename "$f")
  cmp <(zstdcat "$f") <(zstdcat "$TMPDIR/out/$b") || { echo "$b differs after resume"; exit 1; }
done
[ "$(ls "$TMPDIR"/out/*.jsonl.zst | wc -l)" -eq "$(ls "$TMPDIR"/ref/*.jsonl.zst | wc -l)" ]
ls "$TMPDIR"/out/*.tmp.* "$TMPDIR"/out/rejects/*.tmp.* 2>/dev/null && { echo "temporaries left"; exit 1; }
# No task ran to completion twice: one "done" line per task log.
for log in "$TMPDIR"/out/logs/task-*.log; do
  d=$(grep -c ' done in ' "$log" || true)
  [ "$d" -eq 1 ] || { echo "$log: $d completions"; cat "$log"; exit 1; }
done
[ "$(ls "$TMPDIR/out/completions" | wc -l)" -eq "${#inputs[@]}" ]
python3 -c "import json,sys; a,b=(json.load(open(p)) for p in sys.argv[1:]); assert a['docs_in']==b['docs_in'] and a['inputs']==b['inputs'], (a['docs_in'], b['docs_in'])" \
  "$TMPDIR/ref/stats.json" "$TMPDIR/out/stats.json"

# SIGTERM: stops, exits non-zero, leaves no partial file; a rerun finishes.
"$SITO" run "${inputs[@]}" -o "$TMPDIR/term" -j 2 -q "${model[@]}" &
pid=$!
sleep "$(printf '0.%03d' $((dur_ms / 3)))"
kill -TERM "$pid" 2>/dev/null || true
rc=0
wait "$pid" || rc=$?
if [ "$(ls "$TMPDIR/term/completions" | wc -l)" -lt "${#inputs[@]}" ]; then
  [ "$rc" -eq 143 ] || { echo "stopped by SIGTERM with exit $rc, expected 143"; exit 1; }
fi
check_no_partial "$TMPDIR/term"
"$SITO" run "${inputs[@]}" -o "$TMPDIR/term" -j 2 -q "${model[@]}"
for f in "$TMPDIR"/ref/*.jsonl.zst; do
  cmp <(zstdcat "$f") <(zstdcat "$TMPDIR/term/$(basename "$f")") || { echo "$f differs after SIGTERM"; exit 1; }
done
