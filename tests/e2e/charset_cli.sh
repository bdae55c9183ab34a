#!/usr/bin/env bash
# sito charset: help, errors (exit 2, one line naming the problem), and its
# decisions on real pages of shared/data/charset.
set -eu
d="$SITO_DATA/charset"
"$SITO" charset --help | grep -q '^usage: sito charset'
if "$SITO" charset 2>"$TMPDIR/err"; then exit 1; else [ $? -eq 2 ]; fi
[ "$(wc -l < "$TMPDIR/err")" -eq 1 ]
if "$SITO" charset "$TMPDIR/missing.html" 2>"$TMPDIR/err"; then exit 1; else [ $? -eq 2 ]; fi
grep -q 'missing.html' "$TMPDIR/err"
if "$SITO" charset --bogus x 2>/dev/null; then exit 1; else [ $? -eq 2 ]; fi

# An undeclared Big5 page is detected; a KOI8-R feed is read from its
# <?xml encoding?>; a UTF-16 file from its BOM.
out=$("$SITO" charset "$d/chardet/Big5/_chromium_Big5_with_no_encoding_specified.html")
[ "$(cut -f2,3 <<<"$out")" = "Big5	detected" ]
out=$("$SITO" charset "$d/chardet/KOI8-R/_chromium_KOI8-R_with_no_encoding_specified.html")
[ "$(cut -f2 <<<"$out")" = "KOI8-R" ]
f=$(ls "$d"/chardet/UTF-16/* | head -n 1)
out=$("$SITO" charset "$f")
[ "$(cut -f3 <<<"$out")" = "bom" ]

# An HTTP charset wins over the page's own declaration.
printf '<meta charset=koi8-r><p>\xcf\xf0\xe8\xe2\xe5\xf2' > "$TMPDIR/p.html"
[ "$("$SITO" charset -c windows-1251 --print "$TMPDIR/p.html")" = "<meta charset=koi8-r><p>Привет" ]

# Every decoded file is valid UTF-8 (iconv as the independent checker).
for f in "$d"/chardet/windows-1255-hebrew/* "$d"/chardet/EUC-KR/* "$d"/uchardet/ja/*; do
  "$SITO" charset --print "$f" | iconv -f UTF-8 -t UTF-8 > /dev/null
done
