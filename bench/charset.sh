#!/usr/bin/env bash
# Charset decoding speed: `sito charset` (in-process, --repeat) against the
# iconv CLI (`iconv -c -f X -t UTF-8`) on the same bytes, per encoding, over
# the pages of shared/data/charset concatenated per encoding and repeated
# to about 4 MB (so that iconv's process start is noise).  Also the UTF-8
# fast path (validation, no copy) against `iconv -f UTF-8 -t UTF-8`, and
# the full decision (prescan, detection) over every non-UTF-8 file.
# Usage: bench/charset.sh BUILD_DIR
set -eu
build=${1:-build}
here=$(cd "$(dirname "$0")/.." && pwd)
sito="$here/$build/sito"
data="${SITO_DATA:-$here/../shared/data}/charset"
[ -x "$sito" ] || { echo "bench/charset: $sito not built" >&2; exit 2; }
[ -f "$data/expected.tsv" ] || { echo "bench/charset: $data/expected.tsv not found" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

now() { date +%s.%N; }
target=$((4 * 1024 * 1024))

# make_input NAME FILE...: concatenates FILEs, repeated to >= 4 MB
make_input() {
  local out="$tmp/$1"; shift
  cat "$@" > "$out.1"
  : > "$out"
  while [ "$(stat -c %s "$out")" -lt "$target" ]; do cat "$out.1" >> "$out"; done
  rm -f "$out.1"
  echo "$out"
}

# files of an expected charset (column 2 of expected.tsv)
files_of() { awk -F'\t' -v c="$1" '$2 == c { print d "/" $1 }' d="$data" "$data/expected.tsv"; }

# ours FILE LABEL: MB/s of sito charset (LABEL as the HTTP charset, may be "")
ours() {
  local out
  out=$("$sito" charset --repeat 20 ${2:+-c "$2"} "$1" 2>&1 >/dev/null)
  echo "$out" | awk '{ print $1 }'
}

# peer FILE ICONV_NAME: MB/s of iconv CLI (best of 3 runs)
peer() {
  local best=0 size t0 t1 r
  size=$(stat -c %s "$1")
  for _ in 1 2 3; do
    t0=$(now); iconv -c -f "$2" -t UTF-8 "$1" > /dev/null 2>&1 || true; t1=$(now)
    r=$(awk -v s="$size" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", s / (b - a) / 1e6 }')
    best=$(awk -v x="$r" -v y="$best" 'BEGIN { print (x > y) ? x : y }')
  done
  echo "$best"
}

printf '%-14s %-12s %10s %10s %7s\n' encoding iconv-name "sito MB/s" "iconv MB/s" ratio
row() {   # row LABEL ICONV_NAME EXPECTED_CHARSET...
  local label=$1 iname=$2; shift 2
  local files=() c
  for c in "$@"; do mapfile -t -O "${#files[@]}" files < <(files_of "$c"); done
  [ "${#files[@]}" -gt 0 ] || return 0
  local f s p
  f=$(make_input "$label" "${files[@]}")
  s=$(ours "$f" "$label"); p=$(peer "$f" "$iname")
  printf '%-14s %-12s %10s %10s %6.1fx\n' "$label" "$iname" "$s" "$p" \
    "$(awk -v a="$s" -v b="$p" 'BEGIN { print (b > 0) ? a / b : 0 }')"
}
row windows-1251 CP1251 windows-1251
row iso-8859-2 ISO-8859-2 iso-8859-2
row koi8-r KOI8-R koi8-r
row windows-1252 CP1252 windows-1252 iso-8859-1
row shift_jis CP932 shift_jis cp932
row euc-jp EUC-JP euc-jp
row gbk GB18030 gb2312 gb18030
row big5 BIG5-HKSCS big5
row euc-kr CP949 euc-kr cp949 uhc
row utf-16le UTF-16LE utf-16le
row utf-8 UTF-8 utf-8

# The full decision (no HTTP charset: prescan, xml, detection) on every
# file that is not UTF-8, decoded once each, 20 times over.
mapfile -t legacy < <(awk -F'\t' 'NR > 1 && $2 != "utf-8" && $2 != "ascii" { print d "/" $1 }' d="$data" "$data/expected.tsv")
full=$("$sito" charset --repeat 20 "${legacy[@]}" 2>&1 >/dev/null | awk '{ print $1 }')
echo "full decision+decoding over ${#legacy[@]} non-UTF-8 files (with detection): $full MB/s"
