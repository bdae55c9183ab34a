#!/usr/bin/env bash
# sito dedup minhash --verify J: a candidate pair is kept only when >= J of
# the two full signatures agree.  With --verify 1 near-copies (one word
# changed) are no longer merged but exact copies still are; the option is
# part of the job (work/args, work/job.conf), so another --verify into the
# same OUT is refused; bad values exit 2.
set -eu
d=$TMPDIR
python3 - "$SITO_DATA/langid/sentences.tsv" "$d" <<'PY'
import json, sys, random
src, d = sys.argv[1], sys.argv[2]
words = " ".join(l.split('\t', 1)[1].rstrip('\n') for l in open(src, encoding='utf-8')).split()
random.seed(5)
docs = []
for c in range(100):
    w = words[c * 150:(c + 1) * 150]
    docs.append(("orig", " ".join(w)))
    if c % 2 == 0:
        docs.append(("exact", " ".join(w)))           # an exact copy
    else:
        w2 = list(w); w2[75] = "zzchanged"           # one word changed
        docs.append(("near", " ".join(w2)))
with open(f"{d}/in.jsonl", "w", encoding="utf-8") as f:
    for i, (kind, t) in enumerate(docs):
        f.write(json.dumps({"id": f"{kind}{i}", "text": t}) + "\n")
PY
$SITO dedup minhash "$d/in.jsonl" -o "$d/def" -q
$SITO dedup minhash "$d/in.jsonl" -o "$d/v1" -q --verify 1
rej() { zstd -dc "$1/rejects/in.jsonl.zst" | grep -c "\"id\": \"$2" || true; }
[ "$(rej "$d/def" near)" -eq 50 ] || { echo "default: near-copies not all removed: $(rej "$d/def" near)"; exit 1; }
[ "$(rej "$d/def" exact)" -eq 50 ] || { echo "default: exact copies not all removed"; exit 1; }
[ "$(rej "$d/v1" exact)" -eq 50 ] || { echo "--verify 1: exact copies not all removed"; exit 1; }
n=$(rej "$d/v1" near); echo "--verify 1 removed $n of 50 near-copies"
[ "$n" -lt 50 ] || { echo "--verify 1 still merged every near-copy"; exit 1; }
grep -q '"minhash_pairs_dropped_by_verify": [1-9]' "$d/v1/stats.json" || { cat "$d/v1/stats.json"; exit 1; }
grep -q '"minhash_pairs_dropped_by_verify": 0' "$d/def/stats.json"
grep -q '^verify 1$' "$d/v1/work/job.conf"
if grep -q verify "$d/def/work/job.conf"; then echo "verify in a default job.conf"; exit 1; fi
grep -qx -- --verify "$d/v1/work/args"
# the same job again is a resume; another --verify (or none) is refused
$SITO dedup minhash "$d/in.jsonl" -o "$d/v1" -q --verify 1
for other in "--verify 0.7" ""; do
  if $SITO dedup minhash "$d/in.jsonl" -o "$d/v1" -q $other 2> "$d/err"; then echo "reuse with '$other' accepted"; exit 1; fi
  grep -q "different dedup job" "$d/err"
done
set +e
for bad in 0 1.5 -0.2 abc; do
  $SITO dedup minhash "$d/in.jsonl" -o "$d/x" --verify $bad 2> "$d/err"; [ $? -eq 2 ] || { echo "--verify $bad accepted"; exit 1; }
  grep -q -- "--verify" "$d/err" || exit 1
done
exit 0
