# The README's run on the bundled sample: every output line is valid JSON
# with id, text, metadata.url and metadata.date; stats.json and rejects/
# exist beside it.
set -eu
"$SITO" run -q sample/*.gz -o "$TMPDIR/demo"
test -f "$TMPDIR/demo/stats.json"
test -d "$TMPDIR/demo/rejects"
n=0
for z in "$TMPDIR"/demo/*.jsonl.zst "$TMPDIR"/demo/rejects/*.jsonl.zst; do
  zstdcat "$z" | python3 -c '
import json, sys
n = 0
for line in sys.stdin.buffer:
    d = json.loads(line.decode("utf-8"))
    assert d["id"] and isinstance(d["text"], str) and d["text"]
    assert "url" in d["metadata"] and "date" in d["metadata"]
    n += 1
print(n)' > "$TMPDIR/n"
  n=$((n + $(cat "$TMPDIR/n")))
done
[ "$n" -ge 1 ] || { echo "no documents"; exit 1; }
python3 - "$TMPDIR/demo/stats.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
assert s["docs_kept"] + s["docs_rejected"] >= 1
assert s["records"]["response"] >= 17 and s["records"]["conversion"] == 1
# every document is counted once: kept, rejected or skipped
assert s["docs_in"] == s["docs_kept"] + s["docs_rejected"] + s["docs_skipped"], s
# every rejection is counted under its filter, once
assert sum(s["filters"].values()) == s["docs_rejected"], s["filters"]
PY
echo "ok $n documents"
# the same accounting on real pages, some of which extract to nothing
"$SITO" run -q "$SITO_DATA/warc/real-pages-a.warc.gz" -o "$TMPDIR/pages"
python3 - "$TMPDIR/pages/stats.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
assert s["docs_skipped"] > 0, s
assert s["docs_in"] == s["docs_kept"] + s["docs_rejected"] + s["docs_skipped"], s
PY
