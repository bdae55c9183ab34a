# Bad options, unreadable inputs and unwritable outputs: one clear line
# naming the problem, non-zero exit, no crash.
set -u
fail=0
expect() { # expect CODE PATTERN -- command...
  code=$1 pat=$2; shift 3
  err=$("$@" 2>&1 >/dev/null); rc=$?
  if [ $rc -ne "$code" ] || ! grep -q -- "$pat" <<<"$err"; then
    echo "FAIL: $* -> exit $rc, stderr: $err"; fail=1
  fi
}
expect 2 "unknown option" -- "$SITO" run --bogus x -o "$TMPDIR/o"
expect 2 "no output directory" -- "$SITO" run "$SITO_DATA/warc/cc-main-2024-22-whirlwind.warc.wet.gz"
expect 2 "/nonexistent.warc.gz" -- "$SITO" run /nonexistent.warc.gz -o "$TMPDIR/o"
touch "$TMPDIR/afile"
expect 1 "afile" -- "$SITO" run "$SITO_DATA/warc/cc-main-2024-22-whirlwind.warc.wet.gz" -o "$TMPDIR/afile/sub"
expect 2 "unknown command" -- "$SITO" frobnicate
expect 2 "cannot open" -- "$SITO" inspect /nonexistent.warc
"$SITO" --version | grep -q '^sito [0-9]' || { echo "FAIL: --version"; fail=1; }
for c in run inspect; do "$SITO" $c --help | grep -q usage || { echo "FAIL: $c --help"; fail=1; }; done
exit $fail
