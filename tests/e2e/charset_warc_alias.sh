#!/usr/bin/env bash
# The qsl.net page of warc2zim's "encoding alias" test: a UTF-8 BOM, then
# <meta http-equiv="Content Type" content="...charset=iso-8559-1"> (a typo
# label under a pragma that is not Content-Type).  The payload is cut out of
# the WARC with shell tools (first 200 response), then decoded: the BOM
# decides; without the BOM the broken declaration is ignored and the page
# is detected as the UTF-8 it is.
set -eu
export LC_ALL=C
zcat "$SITO_DATA/warc/warc2zim-qsl.net-encoding-alias.warc.gz" > "$TMPDIR/w"
off=$(grep -abo 'HTTP/1.1 200 OK' "$TMPDIR/w" | head -n 1 | cut -d: -f1)
clen=$(head -c "$off" "$TMPDIR/w" | grep -a '^Content-Length:' | tail -n 1 | tr -dc 0-9)
tail -c +$((off + 1)) "$TMPDIR/w" | head -c "$clen" > "$TMPDIR/resp"
head_len=$(awk '{ n += length($0) + 1; if ($0 == "\r") { print n; exit } }' "$TMPDIR/resp")
tail -c +$((head_len + 1)) "$TMPDIR/resp" > "$TMPDIR/page.html"
grep -q 'charset=iso-8559-1' "$TMPDIR/page.html"

out=$("$SITO" charset "$TMPDIR/page.html")
[ "$(cut -f2-4 <<<"$out")" = "UTF-8	bom	0" ]

tail -c +4 "$TMPDIR/page.html" > "$TMPDIR/nobom.html"
out=$("$SITO" charset -c iso-8559-1 "$TMPDIR/nobom.html")
[ "$(cut -f2-4 <<<"$out")" = "UTF-8	detected	0" ]
# the decoded text is the page minus its BOM, byte for byte
"$SITO" charset --print "$TMPDIR/page.html" | cmp - "$TMPDIR/nobom.html"
