#!/usr/bin/env bash
# Quality signals + filter decisions: MB/s of text per core on the extracted
# text of the real WARCs (shared/data/warc/*.warc*.gz) and of the HTML pages
# of shared/data/extraction, as `sito run --annotate-only` extracts them and
# identifies their language; the kept JSONL is concatenated and repeated to
# ~40 MB of text.  `sito signals --time` times the quality stage alone on
# one thread (JSON reading and writing are outside the clock).
# Usage: bench/quality.sh BUILD_DIR      (target: >= 50 MB/s)
# QUALITY_CORPUS=FILE keeps the corpus there (built when missing, reused
# when present).  No peer is measured: datatrove (Python) is not installable
# on this machine (only Debian and npm registries are reachable).
set -euo pipefail
build=${1:-build}
here=$(cd "$(dirname "$0")/.." && pwd)
data=${SITO_DATA:-$here/../shared/data}
model=${SITO_MODEL:-$here/models/lid.176.ftz}
sito="$here/$build/sito"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
corpus=${QUALITY_CORPUS:-$tmp/docs.jsonl}

if [ ! -s "$corpus" ]; then
  mkdir -p "$tmp/html"
  for f in "$data"/extraction/*/html/*.html.gz; do
    set=$(basename "$(dirname "$(dirname "$f")")")
    gunzip -c "$f" > "$tmp/html/$set-$(basename "$f" .gz)"
  done
  "$sito" run -q --annotate-only --model "$model" -o "$tmp/warc" "$data"/warc/*.warc*.gz
  "$sito" run -q --annotate-only --model "$model" -o "$tmp/pages" "$tmp"/html/*.html
  zstdcat "$tmp"/warc/*.jsonl.zst "$tmp"/pages/*.jsonl.zst > "$tmp/kept.jsonl"
  # drop the signals of the annotating run; repeat the set to ~40 MB of text
  python3 - "$tmp/kept.jsonl" > "$corpus" <<'PY'
import json, sys
docs = []
for line in open(sys.argv[1], encoding="utf-8"):
    d = json.loads(line)
    d.get("metadata", {}).pop("signals", None)
    if d.get("text"):
        docs.append((len(d["text"].encode()), json.dumps(d, ensure_ascii=False)))
size = 0
while size < 40_000_000:
    for n, line in docs:
        print(line)
        size += n
PY
fi

python3 - "$corpus" <<'PY'
import collections, json, sys
by = collections.Counter()
for line in open(sys.argv[1], encoding="utf-8"):
    d = json.loads(line)
    by[d.get("metadata", {}).get("lang") or "?"] += len(d["text"].encode())
total = sum(by.values())
top = ", ".join(f"{l} {100 * b / total:.0f}%" for l, b in by.most_common(8))
print(f"corpus: {total / 1e6:.1f} MB of text, {len(by)} languages; by bytes: {top}")
PY

for mode in "signals only:" "signals + decisions:--decide"; do
  name=${mode%%:*}; flag=${mode#*:}
  best=0
  for run in 1 2 3 4 5; do   # best of 5: the host makes single runs vary by a third
    line=$("$sito" signals --documents $flag --time "$corpus" 2>&1 >/dev/null | grep '^signals:')
    mbs=$(echo "$line" | sed 's/.* \([0-9.]*\) MB\/s$/\1/')
    best=$(python3 -c "print(max($best, $mbs))")
  done
  echo "quality ($name): $best MB/s of text per core (best of 5; $(echo "$line" | cut -d, -f1-2 | sed 's/signals: //'))"
done
