#!/usr/bin/env bash
# sito run -j 2 writes the same shards (same documents, same order) as
# -j 1; a rerun of a finished job runs nothing; a different task count over
# a directory with finished tasks is refused.
set -euo pipefail
warcs=("$SITO_DATA"/warc/*.warc.gz)
model=()
[ -f "$SITO_MODEL" ] && model=(--model "$SITO_MODEL")

"$SITO" run "${warcs[@]}" -o "$TMPDIR/j1" -j 1 -q "${model[@]}"
"$SITO" run "${warcs[@]}" -o "$TMPDIR/j2" -j 2 -q "${model[@]}"

n=0
for f in "$TMPDIR"/j1/*.jsonl.zst; do
  b=$(basename "$f")
  cmp <(zstdcat "$f") <(zstdcat "$TMPDIR/j2/$b") || { echo "kept $b differs between -j 1 and -j 2"; exit 1; }
  if [ -e "$TMPDIR/j1/rejects/$b" ]; then
    cmp <(zstdcat "$TMPDIR/j1/rejects/$b") <(zstdcat "$TMPDIR/j2/rejects/$b") ||
      { echo "rejects $b differ"; exit 1; }
  fi
  n=$((n + 1))
done
[ "$n" -eq "${#warcs[@]}" ] || { echo "expected ${#warcs[@]} shards, got $n"; exit 1; }
[ "$(ls "$TMPDIR/j2/completions" | wc -l)" -eq "${#warcs[@]}" ]
# Merged stats equal whatever the worker count.
python3 - "$TMPDIR/j1/stats.json" "$TMPDIR/j2/stats.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
for k in ("inputs", "docs_in", "docs_kept", "docs_rejected", "bytes_in", "records", "errors"):
    assert a[k] == b[k], (k, a[k], b[k])
PY

# A rerun of a finished job starts no task.
before=$(cat "$TMPDIR"/j2/logs/*.log | grep -c ' start ')
"$SITO" run "${warcs[@]}" -o "$TMPDIR/j2" -j 2 -q "${model[@]}"
after=$(cat "$TMPDIR"/j2/logs/*.log | grep -c ' start ')
[ "$before" -eq "$after" ] || { echo "rerun started $((after - before)) tasks"; exit 1; }

# Another task count over finished tasks: refused with exit 2 and a reason.
if "$SITO" run "${warcs[@]}" -o "$TMPDIR/j2" --tasks 3 -q "${model[@]}" 2>"$TMPDIR/err"; then
  echo "a changed task count was accepted"; exit 1
else
  rc=$?
fi
[ "$rc" -eq 2 ] || { echo "exit $rc, expected 2"; exit 1; }
grep -q "tasks, now 3" "$TMPDIR/err" || { cat "$TMPDIR/err"; exit 1; }

# sito status: every task done, exit 0.
"$SITO" status "$TMPDIR/j2" >"$TMPDIR/status"
grep -q "${#warcs[@]} done" "$TMPDIR/status"

# A failing step: exit 1 naming the task and its log; status shows it failed.
two=("${warcs[@]:0:2}")
if "$SITO" run "${two[@]}" -o "$TMPDIR/f" -q --then 'echo broken >&2; exit 3' "${model[@]}" 2>"$TMPDIR/ferr"; then
  echo "a failing step was not reported"; exit 1
else
  rc=$?
fi
[ "$rc" -eq 1 ] || { echo "failing step: exit $rc, expected 1"; cat "$TMPDIR/ferr"; exit 1; }
grep -q "logs/then1/task-0000" "$TMPDIR/ferr" || { cat "$TMPDIR/ferr"; exit 1; }
rc=0
"$SITO" status "$TMPDIR/f" >"$TMPDIR/fst" || rc=$?
[ "$rc" -eq 1 ] || { echo "status of a failed job: exit $rc"; exit 1; }
grep -q "step 1/2 run: 2 tasks: 2 done" "$TMPDIR/fst"
grep -q "2 failed" "$TMPDIR/fst" || { cat "$TMPDIR/fst"; exit 1; }
grep -q "status 3" "$TMPDIR/fst" || { cat "$TMPDIR/fst"; exit 1; }
grep -q "broken" "$TMPDIR/f/logs/then1/task-00000.log"
