# sito run over a WET file writes one document per non-empty conversion
# record, its text equal to the record body, with id, url and date.
set -eu
wet="$SITO_DATA/warc/cc-main-2024-22-whirlwind.warc.wet.gz"
# annotate only, PII kept: the text must come out exactly as stored
"$SITO" run -q --annotate-only --keep-pii "$wet" -o "$TMPDIR/out"
python3 - "$wet" "$TMPDIR/out/cc-main-2024-22-whirlwind.warc.wet.jsonl.zst" <<'PY'
import gzip, json, subprocess, sys
raw = gzip.open(sys.argv[1]).read()
want = []
pos = 0
while True:
    i = raw.find(b"WARC/1.0\r\n", pos)
    if i < 0:
        break
    he = raw.index(b"\r\n\r\n", i)
    head = raw[i:he].decode()
    fields = {l.split(":", 1)[0].lower(): l.split(":", 1)[1].strip() for l in head.split("\r\n")[1:]}
    n = int(fields["content-length"])
    body = raw[he + 4:he + 4 + n]
    if fields["warc-type"] == "conversion" and body:
        want.append((fields["warc-record-id"], fields["warc-target-uri"], fields["warc-date"], body.decode()))
    pos = he + 4 + n
out = subprocess.run(["zstdcat", sys.argv[2]], capture_output=True, check=True).stdout.decode()
got = [json.loads(l) for l in out.splitlines()]
assert len(got) == len(want) and want, (len(got), len(want))
for g, (rid, url, date, text) in zip(got, want):
    assert g["id"] == rid, g["id"]
    assert g["metadata"]["url"] == url and g["metadata"]["date"] == date
    assert g["text"] == text, "text differs from the record body"
print("ok", len(got))
PY
test -f "$TMPDIR/out/stats.json"
