# WARC read throughput: sito decompressing and framing every record of a
# >= 200 MB per-record-gzip WARC (the real files of shared/data/warc,
# concatenated until large enough: concatenated members are a valid WARC),
# side by side with zcat and igzip -dc on the same file.
set -eu
in="$BENCH_TMP/bench.warc.gz"
if [ ! -f "$in" ]; then
  : > "$in"
  while [ "$(stat -c %s "$in")" -lt $((200 * 1024 * 1024)) ]; do
    cat "$SITO_DATA"/warc/*.warc.gz >> "$in"
  done
fi
size=$(stat -c %s "$in")
raw=$(zcat "$in" | wc -c)
echo "input: $((size / 1048576)) MiB gzip ($((raw / 1048576)) MiB decompressed), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
hyperfine -N --warmup 1 --runs 5 --export-json "$BENCH_TMP/warc.json" \
  -n sito "$SITO inspect $in" \
  -n zcat "zcat $in" \
  -n igzip "igzip -dc $in" >/dev/null 2>&1 || {
  # hyperfine -N cannot redirect stdout: fall back to a shell
  hyperfine --warmup 1 --runs 5 --export-json "$BENCH_TMP/warc.json" \
    -n sito "$SITO inspect $in >/dev/null" \
    -n zcat "zcat $in >/dev/null" \
    -n igzip "igzip -dc $in >/dev/null" >/dev/null
}
python3 - "$BENCH_TMP/warc.json" "$size" "$raw" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
size, raw = int(sys.argv[2]), int(sys.argv[3])
s = r["sito"]["median"]
for name in ("sito", "zcat", "igzip"):
    t = r[name]["median"]
    print(f"  {name:6s} {t:7.3f} s  {raw / t / 1e6:7.1f} MB/s decompressed")
print(f"  sito vs zcat:      {r['zcat']['median'] / s:5.2f}x  (goal >= 2)")
print(f"  sito vs igzip -dc: {r['igzip']['median'] / s:5.2f}x  (goal >= 0.8)")
PY
