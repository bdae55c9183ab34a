#!/usr/bin/env bash
# Input the line reader must get exactly right, compared byte for byte with
# the fastText CLI itself: empty and blank lines, CRLF, NUL and other
# separators, NBSP/U+0085 inside words, labels in the text, a literal </s>
# word (which ends a fastText line), a long line, no final newline.
set -euo pipefail
command -v fasttext >/dev/null || { echo "fasttext CLI missing (scripts/bootstrap installs it)"; exit 1; }
in="$TMPDIR/edge.txt"
{
  printf 'Ala ma kota\n\n   \n\t\n'
  printf 'Hello world\r\nBonjour\vle\fmonde\n'
  printf 'nul\0separated\0words here\n'
  printf 'non\xc2\xa0breaking\xc2\x85space \xe3\x80\x80ideographic\n'
  printf '__label__en __label__zzz das ist gut\n'
  printf 'foo </s>\nbar </s> baz qux\n</s>\n'
  printf 'mojibake \xc3\x83\xc2\xa9t\xc3\x83\xc2\xa9 \xff\xfe\x80 broken\n'
  head -c 300000 /dev/zero | tr '\0' 'a'; printf ' \xc5\xbc\n'
  printf 'Za\xc5\xbc\xc3\xb3\xc5\x82\xc4\x87 g\xc4\x99\xc5\x9bl\xc4\x85 ja\xc5\xba\xc5\x84\n'
  printf 'last line without newline'
} > "$in"
for k in 1 3 176; do
  fasttext predict-prob "$SITO_MODEL" "$in" "$k" > "$TMPDIR/ref.$k"
  "$SITO" langid -k "$k" --model "$SITO_MODEL" < "$in" > "$TMPDIR/out.$k"
  cmp "$TMPDIR/ref.$k" "$TMPDIR/out.$k" || { diff "$TMPDIR/ref.$k" "$TMPDIR/out.$k" | head; exit 1; }
done
# threshold, and a file argument instead of stdin
fasttext predict-prob "$SITO_MODEL" "$in" 5 0.01 > "$TMPDIR/ref.t"
"$SITO" langid -k 5 --threshold 0.01 --model "$SITO_MODEL" "$in" > "$TMPDIR/out.t"
cmp "$TMPDIR/ref.t" "$TMPDIR/out.t"
# whitespace-only tail without newline: fastText prints an empty line
printf 'kot\n  ' > "$TMPDIR/tail.txt"
fasttext predict-prob "$SITO_MODEL" "$TMPDIR/tail.txt" 1 > "$TMPDIR/ref.tail"
SITO_MODEL="$SITO_MODEL" "$SITO" langid < "$TMPDIR/tail.txt" > "$TMPDIR/out.tail"
cmp "$TMPDIR/ref.tail" "$TMPDIR/out.tail"
# empty input: no output
: | "$SITO" langid --model "$SITO_MODEL" > "$TMPDIR/out.empty"
[ ! -s "$TMPDIR/out.empty" ]
echo ok
