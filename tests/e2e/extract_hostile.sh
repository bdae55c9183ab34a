#!/usr/bin/env bash
# Hostile pages: 100,000 nested divs, an unclosed comment, binary garbage
# and a ~100 MB page all finish with bounded memory and exit 0.
set -eu
python3 - "$TMPDIR" <<'PY'
import os, sys, random
d = sys.argv[1]
open(f"{d}/deep.html", "w").write("<div>" * 100000 + "deep text" + "</div>" * 100000)
open(f"{d}/comment.html", "w").write("<p>before</p><!-- never closed " + "x" * 100000)
random.seed(1)
open(f"{d}/garbage.html", "wb").write(bytes(random.getrandbits(8) for _ in range(300000)))
with open(f"{d}/big.html", "w") as f:
    f.write("<html><body>")
    chunk = "<div class=c><p>Some paragraph text, with commas, and more words &amp; refs.</p><a href=x>link</a></div>\n" * 1000
    for _ in range(1000):
        f.write(chunk)
PY
for f in deep comment garbage big; do
  /usr/bin/time -f "%M" -o "$TMPDIR/$f.mem" timeout 60 "$SITO" extract "$TMPDIR/$f.html" > "$TMPDIR/$f.out"
  echo "$f: $(cat "$TMPDIR/$f.mem") KB max RSS"
done
grep -q "deep text" "$TMPDIR/deep.out"
grep -q "before" "$TMPDIR/comment.out"
! grep -q "never closed" "$TMPDIR/comment.out"
# the 100 MB page: under 2 GB resident
[ "$(cat "$TMPDIR/big.mem")" -lt 2000000 ]
