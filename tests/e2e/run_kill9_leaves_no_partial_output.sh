# kill -9 in the middle of sito run leaves no file under the final output
# name; running again completes and gives the same output as an
# undisturbed run.
set -eu
in="$TMPDIR/big.warc.gz"
for i in $(seq 1 30); do cat "$SITO_DATA"/warc/real-pages-a.warc.gz "$SITO_DATA"/warc/cc-main-2020-34-sample.warc.gz; done > "$in"
"$SITO" run -q "$in" -o "$TMPDIR/ref"
killed=0
for attempt in 1 2 3 4 5 6 7 8; do
  rm -rf "$TMPDIR/out"
  "$SITO" run -q "$in" -o "$TMPDIR/out" &
  pid=$!
  # wait until the run is writing, then kill it at a random moment
  for i in $(seq 1 500); do
    ls "$TMPDIR"/out/big.jsonl.zst.tmp.* >/dev/null 2>&1 && break
    sleep 0.01
  done
  sleep "0.0$((RANDOM % 10))"
  if kill -9 "$pid" 2>/dev/null; then
    wait "$pid" 2>/dev/null || true
    killed=1
    break
  fi
  wait "$pid" || true
done
[ "$killed" = 1 ] || { echo "run always finished before the kill"; exit 1; }
test ! -e "$TMPDIR/out/big.jsonl.zst" || { echo "final name exists after kill"; exit 1; }
test ! -e "$TMPDIR/out/rejects/big.jsonl.zst" || { echo "final rejects name exists after kill"; exit 1; }
test ! -e "$TMPDIR/out/stats.json" || { echo "stats.json exists after kill"; exit 1; }
"$SITO" run -q "$in" -o "$TMPDIR/out"
cmp <(zstdcat "$TMPDIR/ref/big.jsonl.zst") <(zstdcat "$TMPDIR/out/big.jsonl.zst")
cmp <(zstdcat "$TMPDIR/ref/rejects/big.jsonl.zst") <(zstdcat "$TMPDIR/out/rejects/big.jsonl.zst")
[ -z "$(ls "$TMPDIR/out" | grep '\.tmp\.' || true)" ] || { echo "temporary files left"; exit 1; }
echo ok
