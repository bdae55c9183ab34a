#!/usr/bin/env bash
# sito run with a model (annotate-only, so no filter drops the short test
# document): each document gets metadata.lang / lang_score and
# the three language signals; a bad model path fails the run with a
# message naming it.
set -euo pipefail
cd "$TMPDIR"
python3 - "$SITO_DATA/seed/"000_*.txt <<'PY'
import json, sys
seed = open(sys.argv[1], encoding="utf-8").read()
with open("in.jsonl", "w") as f:
    f.write(json.dumps({"id": "seed", "text": seed}) + "\n")
    f.write(json.dumps({"id": "en", "text": "The quick brown fox jumps over the lazy dog.\nIt was a sunny day."}) + "\n")
PY
"$SITO" run in.jsonl -o out --model "$SITO_MODEL" -q --annotate-only
zstdcat out/in.jsonl.zst | python3 -c '
import json, sys
docs = {d["id"]: d["metadata"] for d in map(json.loads, sys.stdin)}
s, e = docs["seed"], docs["en"]
assert s["lang"] == "pl" and s["lang_score"] >= 0.9, s
assert e["lang"] == "en", e
assert s["signals"]["paragraphs"] == 22, s["signals"]
assert 0 < s["signals"]["para_other_lang_frac"] < 0.05, s["signals"]
assert e["signals"]["para_other_lang_frac"] == 0, e["signals"]
print("ok")
'
if "$SITO" run in.jsonl -o out2 --model /nonexistent/m.ftz -q 2> err; then echo "bad model accepted"; exit 1; fi
grep -q /nonexistent/m.ftz err
