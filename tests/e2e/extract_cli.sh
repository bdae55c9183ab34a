#!/usr/bin/env bash
# sito extract: text and JSON of one page, stdin, --help, bad input.
set -eu
page=$TMPDIR/p.html
cat > "$page" <<'HTML'
<html lang="pl"><head><title>Tytuł</title>
<link rel="canonical" href="https://example.org/a">
<meta property="article:published_time" content="2020-05-01T10:00:00Z"></head>
<body><nav><a href="/">Home</a> <a href="/x">News</a></nav>
<article><h1>Nagłówek</h1>
<p>Pierwszy akapit, który jest dość długi, aby został uznany za treść artykułu, z przecinkami, tak.</p>
<p>Drugi akapit &amp; więcej tekstu, także długi na tyle, by go zachować w wyniku ekstrakcji treści.</p>
<ul><li>jeden</li><li>dwa</li></ul>
</article><footer>Copyright footer</footer></body></html>
HTML
out=$("$SITO" extract "$page")
echo "$out" | grep -q '^Pierwszy akapit'
echo "$out" | grep -q '^Drugi akapit & więcej'
! echo "$out" | grep -q 'Copyright'
! echo "$out" | grep -q 'Home'
json=$("$SITO" extract --json - < "$page")
echo "$json" | grep -q '"lang": "pl"'
echo "$json" | grep -q '"title": "Tytuł"'
echo "$json" | grep -q '"canonical": "https://example.org/a"'
echo "$json" | grep -q '"date": "2020-05-01T10:00:00Z"'
"$SITO" extract --help | grep -q usage
set +e
"$SITO" extract "$TMPDIR/missing.html" 2>"$TMPDIR/err"; rc=$?
set -e
[ "$rc" -eq 2 ] && grep -q missing.html "$TMPDIR/err"
set +e
"$SITO" extract --bogus 2>/dev/null; rc=$?
set -e
[ "$rc" -eq 2 ]
