#!/usr/bin/env bash
# Quality signals + filter decisions: MB/s of text per core on real text
# (the langid test sentences and paragraphs of all 75 languages, grouped
# into documents of 20 lines, the whole set repeated to ~40 MB).
# Usage: bench/quality.sh BUILD_DIR      (target: >= 50 MB/s)
# No peer is measured: datatrove (Python) is not installable on this
# machine (only Debian and npm registries are reachable).
set -euo pipefail
build=${1:-build}
here=$(cd "$(dirname "$0")/.." && pwd)
data=${SITO_DATA:-$here/../shared/data}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 - "$data/langid/sentences.tsv" "$data/langid/paragraphs.tsv" > "$tmp/docs.jsonl" <<'PY'
import json, sys
lines = []
for path in sys.argv[1:]:
    for l in open(path, encoding="utf-8"):
        lang, text = l.rstrip("\n").split("\t", 1)
        lines.append((lang, text))
out, size, n = [], 0, 0
while size < 40_000_000:
    for i in range(0, len(lines), 20):
        chunk = lines[i:i + 20]
        text = "\n".join(t for _, t in chunk)
        size += len(text.encode())
        print(json.dumps({"id": f"d{n}", "text": text, "metadata": {"lang": chunk[0][0]}}, ensure_ascii=False))
        n += 1
PY
for mode in "signals only:" "signals + decisions:--decide"; do
  name=${mode%%:*}; flag=${mode#*:}
  best=0
  for run in 1 2 3; do
    line=$("$here/$build/sito" signals --documents $flag --time "$tmp/docs.jsonl" 2>&1 >/dev/null | grep '^signals:')
    mbs=$(echo "$line" | sed 's/.* \([0-9.]*\) MB\/s$/\1/')
    best=$(python3 -c "print(max($best, $mbs))")
  done
  echo "quality ($name): $best MB/s of text per core (best of 3; $(echo "$line" | cut -d, -f1-2 | sed 's/signals: //'))"
done
