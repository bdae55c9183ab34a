#!/usr/bin/env bash
# sito langid against the fastText CLI on the same >= 50 MB input, one
# process each, model load included, output to /dev/null: the shared
# sentences and UDHR paragraphs (75 languages) repeated to 50 MB.
# Usage: bench/langid.sh BUILD_DIR   (from the repository root)
set -euo pipefail
build=${1:-build}
here=$(cd "$(dirname "$0")/.." && pwd)
sito="$here/$build/sito"
model=${SITO_MODEL:-$here/models/lid.176.ftz}
data=${SITO_DATA:-$here/../shared/data}
command -v fasttext >/dev/null || { echo "bench/langid: fasttext CLI missing (scripts/bootstrap)"; exit 1; }
[ -x "$sito" ] || { echo "bench/langid: $sito not built"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cut -f2- "$data/langid/sentences.tsv" "$data/langid/paragraphs.tsv" > "$tmp/unit.txt"
: > "$tmp/big.txt"
while [ "$(stat -c %s "$tmp/big.txt")" -lt 50000000 ]; do cat "$tmp/unit.txt" >> "$tmp/big.txt"; done
bytes=$(stat -c %s "$tmp/big.txt")
lines=$(wc -l < "$tmp/big.txt")
echo "input: $bytes bytes, $lines lines; model $(basename "$model")"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), load $(cut -d' ' -f1-3 /proc/loadavg)"

# the two outputs must agree before their speed means anything
head -n 5000 "$tmp/big.txt" > "$tmp/sample.txt"
fasttext predict-prob "$model" "$tmp/sample.txt" 1 > "$tmp/ref"
"$sito" langid --model "$model" < "$tmp/sample.txt" > "$tmp/out"
cmp -s "$tmp/ref" "$tmp/out" || { echo "bench/langid: outputs differ"; exit 1; }

ft_cmd="fasttext predict '$model' '$tmp/big.txt' > /dev/null"
sito_cmd="'$sito' langid --model '$model' < '$tmp/big.txt' > /dev/null"
if command -v hyperfine >/dev/null; then
  hyperfine --warmup 1 --runs "${BENCH_RUNS:-5}" --export-json "$tmp/h.json" \
    -n fasttext "$ft_cmd" -n sito "$sito_cmd" > "$tmp/h.log"
  python3 - "$tmp/h.json" "$bytes" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
mb = int(sys.argv[2]) / 1e6
ft, si = r["fasttext"], r["sito"]
for n, x in (("fasttext predict", ft), ("sito langid", si)):
    print(f"{n:17s} wall median {x['median']:.3f} s (min {x['min']:.3f}), user {x['user']:.3f} s"
          f"  -> {mb / x['median']:.1f} MB/s")
print(f"speedup (fasttext / sito): wall median {ft['median'] / si['median']:.2f}x, "
      f"wall min {ft['min'] / si['min']:.2f}x, user {ft['user'] / si['user']:.2f}x")
PY
else
  t() { local s e; s=$(date +%s.%N); bash -c "$1"; e=$(date +%s.%N); echo "$e - $s" | bc; }
  a=$(t "$ft_cmd"); b=$(t "$sito_cmd")
  echo "fasttext predict $a s; sito langid $b s; speedup $(echo "scale=2; $a / $b" | bc)x"
fi
