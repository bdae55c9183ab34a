#!/usr/bin/env bash
# sito's HTML tree keeps the same text, in the same order, as gumbo's
# (spec-complete HTML5) on every page of the extraction benchmark sets.
# Measured 2024: 1731 of 1801 pages identical, mean bigram-F1 0.9982.  The
# known outliers: a <script><!-- ... <script> page where gumbo (by the
# spec's double-escape rule) swallows the rest of the page and sito does
# not, and pages whose bytes are not UTF-8 (C1 controls handled apart).
set -eu
repo=$(cd "$(dirname "$0")/../.." && pwd)
bdir=$(basename "$(dirname "$SITO")")
san=0
[ "$bdir" = build-san ] && san=1
make -s -C "$repo" SAN=$san "$bdir/html_oracle" >/dev/null
"$repo/$bdir/html_oracle" --min-mean 0.995 "$SITO_DATA"/extraction/*/html/*.html.gz | tail -n 1
