#!/usr/bin/env bash
# The loader and predictor on model kinds lid.176 does not exercise: tiny
# models trained here with the fastText CLI — dense .bin input; softmax,
# one-vs-all and negative-sampling (sigmoid table) and hs losses; word
# bigrams; no subwords; a quantized model with quantized norms and output
# and an uneven last sub-quantizer (dim 8, dsub 3).  Outputs must equal
# `fasttext predict-prob` byte for byte.
set -euo pipefail
command -v fasttext >/dev/null || { echo "fasttext CLI missing (scripts/bootstrap installs it)"; exit 1; }
cd "$TMPDIR"
sents="$SITO_DATA/langid/sentences.tsv"
awk -F'\t' 'NR % 2 == 0 {print "__label__"$1" "$2}' "$sents" > train.txt
# 300 labels (quantizing the output needs at least 256 rows)
awk -F'\t' 'NR % 2 == 0 {print "__label__"$1"_"(NR % 8)" "$2}' "$sents" > train300.txt
awk -F'\t' 'NR % 7 == 1 {print $2}' "$sents" > test.txt
common=(-epoch 1 -thread 1 -verbose 0 -lr 0.5)
fasttext supervised -input train.txt -output softmax "${common[@]}" -dim 10 -bucket 5000 -minn 2 -maxn 4 -loss softmax
fasttext supervised -input train.txt -output hs2 "${common[@]}" -dim 8 -bucket 5000 -minn 3 -maxn 5 -wordNgrams 2 -loss hs
fasttext supervised -input train.txt -output ova "${common[@]}" -dim 6 -bucket 3000 -minn 0 -maxn 0 -loss ova
fasttext supervised -input train.txt -output ns "${common[@]}" -dim 6 -bucket 3000 -minn 2 -maxn 3 -loss ns -neg 3
fasttext supervised -input train300.txt -output q "${common[@]}" -dim 8 -bucket 4000 -minn 2 -maxn 3 -loss softmax
fasttext quantize -input train300.txt -output q -qnorm -qout -cutoff 3000 -dsub 3 -thread 1 -verbose 0
for model in softmax.bin hs2.bin ova.bin ns.bin q.ftz; do
  fasttext predict-prob "$model" test.txt 3 > "$model.ref"
  "$SITO" langid -k 3 --model "$model" < test.txt > "$model.out"
  if ! cmp "$model.ref" "$model.out"; then
    "$SITO_TOOLS/langid-compare" --max-diff 1e-5 "$model.ref" "$model.out" || true
    exit 1
  fi
  echo "$model: $(wc -l < "$model.out") lines identical"
done
