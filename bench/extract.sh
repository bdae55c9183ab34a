#!/usr/bin/env bash
# Extraction speed: sito's full extraction vs gumbo's parse alone, one core,
# same pages (shared/data/extraction/*/html), pages in memory.
# Usage: bench/extract.sh BUILD_DIR [ROUNDS]
set -eu
build=${1:-build}
rounds=${2:-3}
here=$(cd "$(dirname "$0")/.." && pwd)
data=${SITO_DATA:-$here/../shared/data}
make -s -C "$here" "$build/libsito.a" >/dev/null
cc -O2 -std=c11 -D_GNU_SOURCE -I"$here/include" -o "$here/$build/extract_bench" \
  "$here/bench/extract_bench.c" "$here/$build/libsito.a" $(pkg-config --libs gumbo) -lz -lm
for set in scrapinghub wceb multilingual; do
  echo "== $set"
  taskset -c 0 "$here/$build/extract_bench" "$rounds" "$data"/extraction/$set/html/*.html.gz 2>/dev/null ||
    "$here/$build/extract_bench" "$rounds" "$data"/extraction/$set/html/*.html.gz
done
