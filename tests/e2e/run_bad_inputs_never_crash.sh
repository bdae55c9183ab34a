# sito run over every damaged file: no crash (exit 0 or a clean 1 for an
# unreadable input), valid JSON lines in UTF-8, counted errors.
set -u
fail=0
for f in "$SITO_DATA"/warc/bad/*.warc "$SITO_DATA"/warc/bad/*.gz; do
  out="$TMPDIR/$(basename "$f")"
  "$SITO" run -q "$f" -o "$out" 2>"$out.err"
  rc=$?
  if [ $rc -gt 1 ]; then echo "$(basename "$f"): exit $rc: $(cat "$out.err")"; fail=1; continue; fi
  for z in "$out"/*.jsonl.zst "$out"/rejects/*.jsonl.zst; do
    [ -e "$z" ] || continue
    zstdcat "$z" | python3 -c '
import json, sys
for n, line in enumerate(sys.stdin.buffer, 1):
    d = json.loads(line.decode("utf-8"))
    assert "id" in d and "text" in d and "metadata" in d, n
' || { echo "$(basename "$f"): invalid output line"; fail=1; }
  done
  test -f "$out/stats.json" || { echo "$(basename "$f"): no stats.json"; fail=1; }
done
# named error counts where the damage is
python3 - "$TMPDIR" <<'PY' || fail=1
import json, sys, os
t = sys.argv[1]
def errs(name):
    return json.load(open(os.path.join(t, name, "stats.json")))["errors"]
assert errs("truncated-in-gzip-member.warc.gz")["gzip_truncated"] == 1
assert errs("corrupt-deflate-member.warc.gz")["gzip_corrupt"] == 1
assert errs("random-bytes-between-members.warc.gz")["gzip_garbage"] == 1
assert errs("empty.warc.gz")["empty_input"] == 1
assert errs("html-page-named-warc.warc.gz")["not_warc"] == 1
assert errs("content-length-too-small.warc.gz")["content_length_mismatch"] == 1
assert errs("invalid-utf8-header.warc.gz")["header_warning"] == 1
PY
exit $fail
