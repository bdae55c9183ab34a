# sito run over single .html and .txt files: each non-empty file is one
# document (HTML extracted, text as it is); an empty file is none.
set -eu
cat > "$TMPDIR/page.html" <<'HTML'
<html><head><title>t</title></head><body><p>The quick brown fox jumps over the lazy dog near the river bank today.</p></body></html>
HTML
printf 'Plain text file with one line.\n' > "$TMPDIR/note.txt"
: > "$TMPDIR/empty.txt"
"$SITO" run -q --annotate-only --keep-pii "$TMPDIR/page.html" "$TMPDIR/note.txt" "$TMPDIR/empty.txt" -o "$TMPDIR/out"
test "$(zstdcat "$TMPDIR/out/page.jsonl.zst" | wc -l)" -eq 1
zstdcat "$TMPDIR/out/page.jsonl.zst" | grep -q 'quick brown fox'
zstdcat "$TMPDIR/out/note.jsonl.zst" | grep -q 'Plain text file with one line'
test "$(zstdcat "$TMPDIR/out/empty.jsonl.zst" | wc -l)" -eq 0
grep -q '"docs_in": 2' "$TMPDIR/out/stats.json"
