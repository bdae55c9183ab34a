#!/usr/bin/env bash
# sito langid: --help succeeds; bad options, a missing or damaged model and
# an unreadable input each give one line on stderr naming the culprit and
# exit status 2.
set -uo pipefail
"$SITO" langid --help | grep -q "usage: sito langid" || { echo "--help"; exit 1; }
expect2() {  # expect2 WORD ARGS...: exit 2, one stderr line containing WORD
  local word=$1; shift
  "$SITO" langid "$@" < /dev/null > /dev/null 2> "$TMPDIR/err"; local rc=$?
  [ "$rc" -eq 2 ] || { echo "langid $*: exit $rc, expected 2"; exit 1; }
  [ "$(wc -l < "$TMPDIR/err")" -eq 1 ] || { echo "langid $*: stderr:"; cat "$TMPDIR/err"; exit 1; }
  grep -q -- "$word" "$TMPDIR/err" || { echo "langid $*: '$word' not in: $(cat "$TMPDIR/err")"; exit 1; }
}
expect2 "'-x'" -x
expect2 "-k" -k 0
expect2 "-k" -k abc
expect2 "-k" -k
expect2 "threshold" --threshold nope
expect2 "/nonexistent/model.ftz" --model /nonexistent/model.ftz
expect2 "/nonexistent/input.txt" --model "$SITO_MODEL" /nonexistent/input.txt
head -c 1000 "$SITO_MODEL" > "$TMPDIR/cut.ftz"
expect2 "truncated" --model "$TMPDIR/cut.ftz"
printf 'hello world\n' > "$TMPDIR/not-a-model"
expect2 "not a fastText model" --model "$TMPDIR/not-a-model"
# $SITO_MODEL is the default model path
SITO_MODEL=/nonexistent/env.ftz "$SITO" langid < /dev/null 2> "$TMPDIR/err"
grep -q /nonexistent/env.ftz "$TMPDIR/err" || { echo "SITO_MODEL not used"; exit 1; }
echo ok
