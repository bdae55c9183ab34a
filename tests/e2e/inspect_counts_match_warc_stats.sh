# For every WARC file in shared/data/warc and warc/bad, `sito inspect --json`
# gives the same intact counts by WARC-Type and the same malformed count as
# shared/tools/warc-stats.
set -u
fail=0
for f in "$SITO_DATA"/warc/*.gz "$SITO_DATA"/warc/bad/*.warc "$SITO_DATA"/warc/bad/*.gz; do
  [ -e "$f" ] || continue
  a=$("$SITO" inspect --json "$f" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(sorted(d["types"].items()), d["records_intact"], d["records_malformed"])') || { echo "sito failed on $f"; fail=1; continue; }
  b=$("$SITO_TOOLS"/warc-stats --json "$f" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(sorted(d["types"].items()), d["records_intact"], d["records_malformed"])')
  if [ "$a" != "$b" ]; then echo "DIFF $(basename "$f"): sito=$a warc-stats=$b"; fail=1; fi
done
exit $fail
