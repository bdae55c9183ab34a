#!/usr/bin/env bash
# sito extract decodes pages through the charset module: <meta> declared
# ISO-8859-2 on a single page, and in --batch a set's recorded charset
# (passed as the HTTP charset) over an undeclared windows-1251 page.
set -eu
body='<p>Zażółć gęślą jaźń, pierwszy akapit dość długi, by został uznany za treść artykułu w tym teście.</p>'
printf '<html><head><meta charset="iso-8859-2"></head><body><article>%s</article></body></html>' "$body" |
    iconv -f UTF-8 -t ISO-8859-2 > "$TMPDIR/pl.html"
"$SITO" extract "$TMPDIR/pl.html" | grep -q '^Zażółć gęślą jaźń'

set_dir=$TMPDIR/set
mkdir -p "$set_dir/html"
printf '<html><body><article><p>%s</p></article></body></html>' \
    'Привет мир, это первый абзац статьи, достаточно длинный, чтобы его сохранить при извлечении.' |
    iconv -f UTF-8 -t CP1251 | gzip > "$set_dir/html/ru1.html.gz"
printf '{"id": "ru1", "charset": "windows-1251", "text": ""}\n' | gzip > "$set_dir/ground-truth.jsonl.gz"
"$SITO" extract --batch "$set_dir" "$TMPDIR/out" 2>/dev/null
grep -q '^Привет мир' "$TMPDIR/out/ru1.txt"
