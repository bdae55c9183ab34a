#!/usr/bin/env bash
# sito filter on annotated JSONL keeps exactly the documents that a full
# run (signals and decisions in one pass) keeps, and names the same filters.
set -euo pipefail
cd "$TMPDIR"
# documents of 1..30 English or Polish sentences from the langid test data
python3 - "$SITO_DATA/langid/sentences.tsv" > in.jsonl <<'PY'
import json, sys
docs, cur, n = [], [], 0
for line in open(sys.argv[1], encoding="utf-8"):
    lang, text = line.rstrip("\n").split("\t", 1)
    if lang not in ("en", "pl"):
        continue
    cur.append(text)
    if len(cur) >= 1 + n % 30:
        print(json.dumps({"id": f"d{n}", "text": "\n".join(cur), "metadata": {"lang": lang, "url": f"http://site{n % 7}.example/p{n}"}}, ensure_ascii=False))
        cur, n = [], n + 1
PY
"$SITO" signals --documents in.jsonl > annotated.jsonl
zstd -q -o annotated.jsonl.zst annotated.jsonl 2>/dev/null || cp annotated.jsonl annotated.jsonl.zst
"$SITO" signals --documents --decide in.jsonl > full.jsonl
"$SITO" filter annotated.jsonl.zst -o out
test -s out/stats.json
"$SITO" signals out/annotated.jsonl.zst | python3 -c 'import json,sys; print("\n".join(sorted(json.loads(l)["id"] for l in sys.stdin)))' > kept_filter.txt
python3 -c 'import json,sys; print("\n".join(sorted(d["id"] for d in map(json.loads, open("full.jsonl")) if "filter" not in d["metadata"])))' > kept_full.txt
echo "kept: $(wc -l < kept_full.txt) of $(wc -l < in.jsonl)"
test "$(wc -l < kept_full.txt)" -gt 0
test "$(wc -l < kept_full.txt)" -lt "$(wc -l < in.jsonl)"
diff kept_full.txt kept_filter.txt
# the same filter names for the rejected documents
python3 -c 'import json; print("\n".join(sorted(d["id"]+" "+d["metadata"]["filter"] for d in map(json.loads, open("full.jsonl")) if "filter" in d["metadata"])))' > rej_full.txt
zstd -dcq out/rejects/annotated.jsonl.zst 2>/dev/null > rej.jsonl || true
if [ -s rej.jsonl ]; then
  python3 -c 'import json; print("\n".join(sorted(d["id"]+" "+d["metadata"]["filter"] for d in map(json.loads, open("rej.jsonl")))))' > rej_filter.txt
  diff rej_full.txt rej_filter.txt
fi
# a URL block list rejects with filter "url"
printf 'site3.example\n' > block.txt
"$SITO" filter annotated.jsonl -o out2 --url-blocklist block.txt
grep -q '"url": [1-9]' out2/stats.json
# bad options and unreadable input: one line on stderr, exit 2
set +e
"$SITO" filter nonexistent.jsonl -o out3 2> err.txt; rc=$?
set -e
test "$rc" -eq 2 && grep -q nonexistent err.txt
set +e
"$SITO" signals --bogus in.jsonl 2> err.txt; rc=$?
set -e
test "$rc" -eq 2
"$SITO" filter --help | grep -q usage
"$SITO" signals --help | grep -q usage
