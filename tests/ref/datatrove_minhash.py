#!/usr/bin/python3
# The oracle for sito's MinHash: datatrove's simplify_text, 5-gram shingles
# (XXH64 of words joined by a space), numpy RandomState(1) permutations.
# Words are split on whitespace (datatrove's English word tokenizer adds
# contraction splits that sito does not do).  Needs python3-numpy and
# python3-xxhash (Debian).  Reads a text on stdin; prints the simplified
# text, then the shingle count and the 112 minima.  The constants in
# tests/unit/test_minhash.c come from this script.
import sys, re, unicodedata, numpy as np, xxhash
PUNCTUATION = "!/—”:％１〈&(、━\\【#%「」，】；+^]~“《„';’{|∶´[=-`*．（–？！：$～«〉,><》)?）。…@_.\"}►»" + "".join(map(chr, (x for a, b in ((0, 9), (11, 13), (13, 32), (127, 160)) for x in range(a, b))))
def simplify(text):
    text = text.lower()
    text = re.sub(r"\s+", " ", text.strip())
    text = text.translate(str.maketrans("", "", PUNCTUATION))
    text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    text = re.sub(r"\d+", "0", text)
    return text.strip()
P = np.uint64((1 << 61) - 1)
gen = np.random.RandomState(1)
a = gen.randint(1, P, dtype=np.uint64, size=(1, 112)); b = gen.randint(0, P, dtype=np.uint64, size=(1, 112))
t = sys.stdin.buffer.read().decode("utf-8", "replace")
s = simplify(t); print(" ".join(s.split()))
w = s.split()
sh = np.array([xxhash.xxh64_intdigest(" ".join(w[i:i+5])) for i in range(len(w)-4)], dtype=np.uint64).reshape((-1,1))
with np.errstate(over="ignore"):
    phv = (sh * a + b) % P
print(len(sh), " ".join(str(x) for x in np.min(phv, axis=0)))
