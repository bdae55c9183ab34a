#!/usr/bin/env bash
# A gzipped HTML page (x.html.gz) is one document, not a broken WARC; a cut
# one counts gzip_truncated and keeps the text that did inflate. Without
# --model or $SITO_MODEL, sito finds models/ beside its build directory
# from any working directory, and says so when there is no model at all.
set -euo pipefail
cd "$TMPDIR"
unset SITO_MODEL
page="$SITO_DATA"/extraction/scrapinghub/html/06e5123e4ef7cfb4533250dc45d1e03d0838fc66223f45c583c4d12f48b4da85.html.gz
cp "$page" page.html.gz
size=$(stat -c %s page.html.gz)
head -c $((size * 4 / 5)) page.html.gz > cut.html.gz   # still has part of the article
"$SITO" run page.html.gz cut.html.gz -o out -q --annotate-only 2> err
if grep -q "no language-id model" err; then echo "model beside the build dir not found"; cat err; exit 1; fi
python3 - <<'PY'
import json, subprocess
stats = json.load(open("out/stats.json"))
assert stats["errors"]["not_warc"] == 0, stats["errors"]
assert stats["errors"]["gzip_truncated"] == 1, stats["errors"]
assert stats["docs_kept"] == 2, stats
def docs(shard):
    out = subprocess.run(["zstdcat", f"out/{shard}.jsonl.zst"], capture_output=True, check=True).stdout
    return [json.loads(l) for l in out.splitlines()]
whole, cut = docs("page")[0], docs("cut")[0]
assert len(whole["text"]) > 2000 and whole["metadata"].get("lang"), whole["metadata"]
assert 0 < len(cut["text"]) < len(whole["text"]), (len(cut["text"]), len(whole["text"]))
print("ok")
PY
# a sito with no models/ anywhere near it warns, and still runs
mkdir -p elsewhere/bin && cp "$SITO" elsewhere/bin/sito
(cd elsewhere && ./bin/sito run ../page.html.gz -o ../out2 -q --annotate-only 2> ../err2)
grep -q "warning: no language-id model found" err2
zstdcat out2/page.jsonl.zst | python3 -c 'import json,sys; d=json.loads(sys.stdin.read()); assert "lang" not in d["metadata"], d["metadata"]'
echo "ok"
