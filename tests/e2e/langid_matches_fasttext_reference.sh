#!/usr/bin/env bash
# sito langid -k 3 against the fastText CLI's reference outputs on every
# shared langid test set: 100% top-1 agreement, probabilities within 1e-5.
set -euo pipefail
n=0
for tsv in "$SITO_DATA"/langid/*.tsv; do
  name=$(basename "$tsv" .tsv)
  ref="$SITO_DATA/langid/reference/$name.fasttext-k3.txt"
  cut -f2- "$tsv" > "$TMPDIR/$name.txt"
  "$SITO" langid -k 3 --model "$SITO_MODEL" < "$TMPDIR/$name.txt" > "$TMPDIR/$name.out"
  echo "== $name"
  "$SITO_TOOLS/langid-compare" --min-agreement 100 --max-diff 1e-5 "$ref" "$TMPDIR/$name.out"
  n=$((n + 1))
done
[ "$n" -ge 4 ] || { echo "expected at least 4 test sets, found $n"; exit 1; }
