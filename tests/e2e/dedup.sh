#!/usr/bin/env bash
# sito dedup exact|minhash|lines on documents made of real sentences:
# each exact group keeps exactly its first document, output is the same on
# a second run and a resumed run, near-duplicates are removed with their
# cluster named, boilerplate lines on many hosts are removed, and bad
# arguments fail with exit 2.
set -eu
d=$TMPDIR
python3 - "$SITO_DATA/langid/sentences.tsv" "$d" <<'PY'
import json, sys, random
src, d = sys.argv[1], sys.argv[2]
lines = [l.split('\t', 1)[1].rstrip('\n') for l in open(src, encoding='utf-8')]
docs = [" ".join(lines[i:i + 12]) for i in range(0, 3600, 12)]   # 300 docs
random.seed(7)
def write(name, items):
    with open(f"{d}/{name}.jsonl", "w", encoding="utf-8") as f:
        for it in items:
            f.write(json.dumps(it, ensure_ascii=False) + "\n")
a = [{"id": f"a{i}", "text": docs[i], "metadata": {"url": f"http://site{i % 9}.example/p{i}"}} for i in range(150)]
b = [{"id": f"b{i}", "text": docs[150 + i], "metadata": {"url": f"http://other{i % 5}.example/"}} for i in range(150)]
# exact copies: b0..b19 repeat a0..a19 (extra whitespace only), b20 repeats a0 too
for i in range(20):
    b[i]["text"] = "  " + docs[i].replace(" ", "  ") + "\n"
b[20]["text"] = docs[0]
# a near-duplicate: a100 with one word changed
w = docs[100].split(" "); w[len(w) // 2] = "ZZZchanged"
b[30]["text"] = " ".join(w)
# boilerplate: the same footer on 8 hosts
for i in range(21, 101, 10):
    a[i]["text"] += "\nCopyright 2024 All rights reserved."
write("a", a)
write("b", b)
PY
zstd -q --rm "$d/b.jsonl" -o "$d/b.jsonl.zst"
in="$d/a.jsonl $d/b.jsonl.zst"

# exact
$SITO dedup exact $in -o "$d/ex" -q
kept=$(zstd -dc "$d/ex/a.jsonl.zst" "$d/ex/b.jsonl.zst" | wc -l)
rej=$(zstd -dc "$d/ex/rejects/b.jsonl.zst" | wc -l)
[ "$kept" -eq 279 ] || { echo "exact kept $kept, want 279"; exit 1; }
[ "$rej" -eq 21 ] || { echo "exact rejected $rej, want 21"; exit 1; }
zstd -dc "$d/ex/rejects/b.jsonl.zst" | grep -q '"id": "b20".*"duplicate_of":"a0"' || { echo "b20 should name a0"; exit 1; }
zstd -dc "$d/ex/rejects/a.jsonl.zst" | grep -c . | grep -qx 0
grep -q '"exact_dedup": 21' "$d/ex/stats.json"

# deterministic: the same output again, and a resumed run after losing the last step
$SITO dedup exact $in -o "$d/ex2" -q -j 2
cmp <(zstd -dc "$d/ex/b.jsonl.zst") <(zstd -dc "$d/ex2/b.jsonl.zst")
rm "$d/ex2/completions/filter/task-00001" "$d/ex2/work/done/S2-1" "$d/ex2/b.jsonl.zst"
$SITO dedup exact $in -o "$d/ex2" 2> "$d/log"
grep -q "step 0 hash.*(done before)" "$d/log"
cmp <(zstd -dc "$d/ex/b.jsonl.zst") <(zstd -dc "$d/ex2/b.jsonl.zst")

# a different job in the same directory is refused
if $SITO dedup exact "$d/a.jsonl" -o "$d/ex" -q 2> "$d/err"; then echo "reuse accepted"; exit 1; fi
grep -q "different dedup job" "$d/err"

# minhash, with a tiny sort memory so the external path runs
$SITO dedup minhash $in -o "$d/mh" -q --mem 64K -j 2
zstd -dc "$d/mh/rejects/b.jsonl.zst" | grep -q '"id": "b30".*"minhash_cluster":"a:100".*"duplicate_of":"a100"' || { echo "b30 not removed as near-dup of a100"; exit 1; }
zstd -dc "$d/mh/a.jsonl.zst" | grep -q '"id": "a0".*"minhash_cluster_size":3' || { echo "a0 cluster size"; exit 1; }
mkept=$(zstd -dc "$d/mh/a.jsonl.zst" "$d/mh/b.jsonl.zst" | wc -l)
[ "$mkept" -eq 278 ] || { echo "minhash kept $mkept, want 278"; exit 1; }

# lines: the footer is on 8 hosts > 5
$SITO dedup lines $in -o "$d/ln" -q
zstd -dc "$d/ln/a.jsonl.zst" | grep -c "All rights reserved" | grep -qx 0
zstd -dc "$d/ln/a.jsonl.zst" | head -1 | grep -q '"dedup_lines_removed_frac":0[,}]'
zstd -dc "$d/ln/a.jsonl.zst" | grep '"id": "a21"' | grep -q '"dedup_lines_removed_frac":0\.0[0-9]'

$SITO dedup lines $in -o "$d/ln9" -q --max-hosts 8
[ "$(zstd -dc "$d/ln9/a.jsonl.zst" | grep -c "All rights reserved")" -eq 8 ]

# bad arguments
set +e
$SITO dedup fuzzy "$d/a.jsonl" -o "$d/x" 2>/dev/null; [ $? -eq 2 ] || exit 1
$SITO dedup exact /nonexistent.jsonl -o "$d/x" 2>/dev/null; [ $? -eq 2 ] || exit 1
$SITO dedup minhash "$d/a.jsonl" -o "$d/x" --rows 0 2>/dev/null; [ $? -eq 2 ] || exit 1
$SITO dedup exact "$d/a.jsonl" 2>/dev/null; [ $? -eq 2 ] || exit 1
$SITO dedup --help | grep -q usage || exit 1
exit 0
