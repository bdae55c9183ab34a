#!/usr/bin/env bash
# Local executor scaling: documents/s of `sito run -j 1` and `-j 2` over the
# same input (the shared WARC files, linked under several names so the run
# takes a few seconds), and the speed-up of -j 2 over -j 1.
# Usage: bench/exec.sh BUILD_DIR [COPIES]
set -euo pipefail
build=${1:-build}
copies=${2:-${SITO_BENCH_COPIES:-8}}
here=$(cd "$(dirname "$0")/.." && pwd)
sito="$here/$build/sito"
data="${SITO_DATA:-$here/../shared/data}"
model=()
[ -f "$here/models/lid.176.ftz" ] && model=(--model "$here/models/lid.176.ftz")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/in"
for k in $(seq "$copies"); do
  for f in "$data"/warc/*.warc.gz; do ln -s "$f" "$tmp/in/c$k-$(basename "$f")"; done
done
inputs=("$tmp"/in/*.warc.gz)
mb=$(stat -L -c %s "${inputs[@]}" | awk '{ s += $1 } END { printf "%.1f", s / 1e6 }')

run() {  # run J: prints "seconds docs"
  local out="$tmp/out-j$1" t0 t1
  rm -rf "$out"
  t0=$(date +%s%N)
  "$sito" run "${inputs[@]}" -o "$out" -j "$1" -q "${model[@]}"
  t1=$(date +%s%N)
  python3 -c "import json,sys; print((int(sys.argv[2]) - int(sys.argv[1])) / 1e9, json.load(open(sys.argv[3]))['docs_in'])" \
    "$t0" "$t1" "$out/stats.json"
}

echo "exec: ${#inputs[@]} inputs (${copies} copies of the WARC files, ${mb} MB), $(nproc) cores"
read -r s1 d1 < <(run 1)
read -r s2 d2 < <(run 2)
python3 - "$s1" "$d1" "$s2" "$d2" "$mb" <<'PY'
import sys
s1, d1, s2, d2, mb = float(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
assert d1 == d2, "document counts differ between -j 1 and -j 2"
print(f"  -j 1: {s1:6.2f} s  {d1 / s1:9.0f} docs/s  {mb / s1:7.1f} MB/s")
print(f"  -j 2: {s2:6.2f} s  {d2 / s2:9.0f} docs/s  {mb / s2:7.1f} MB/s")
print(f"  speed-up -j 2 / -j 1: {s1 / s2:.2f}x")
PY
