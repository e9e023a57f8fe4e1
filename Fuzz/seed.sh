#!/usr/bin/env bash
# Builds the seed corpus for ndflat-fuzz.
#
#   Fuzz/seed.sh [CORPUS_DIR]        (default: /tmp/ndflat-fuzz-corpus)
#
# Every seed is one option byte (see FuzzTarget.swift) followed by input bytes:
#   - each line of ../shared/corpus/*.ndjson on its own, option bytes cycling over 0–255;
#   - the first 6 lines of each NDJSON file under 12 option bytes chosen to cover every
#     format, arrays mode, fields mode, small chunks, 2 threads and the small limits;
#   - every JSONTestSuite test_parsing file (y_, n_, i_) as is, option bytes cycling;
#   - a few framing edge cases (BOM, CRLF, blank lines, no final newline, gzip, multi-member gzip).
# The shared corpus is found beside the checkout (../shared/corpus from the package root),
# or at $NDFLAT_SHARED_CORPUS.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
shared=${NDFLAT_SHARED_CORPUS:-$here/../../shared/corpus}
out=${1:-/tmp/ndflat-fuzz-corpus}
[ -d "$shared" ] || { echo "seed.sh: no shared corpus at $shared" >&2; exit 1; }
mkdir -p "$out"


# opt K: writes the option byte K (0–255) to stdout.
opt() { printf "\\x$(printf %02x "$(( $1 % 256 ))")"; }
# seed NAME OPTION: the seed file for stdin, prefixed with the option byte.
seed() { { opt "$2"; cat; } >"$out/$1"; }

for f in "$shared"/*.ndjson; do
  base=$(basename "$f" .ndjson)
  lines=$(wc -l <"$f")
  for i in $(seq 1 "$lines"); do
    sed -n "${i}p" "$f" | seed "$base-$i" "$(( (i * 37 + ${#base}) % 256 ))"
  done
  for o in 0 1 2 3 4 8 10 48 64 130 176 249; do
    head -n 6 "$f" | seed "$base-head-$o" "$o"
  done
done

i=0
for f in "$shared"/JSONTestSuite/test_parsing/*.json; do
  i=$((i + 1))
  seed "jts-$(basename "$f" .json)" "$(( i * 53 % 256 ))" <"$f"
done

printf '\xef\xbb\xbf{"a":1}\r\n\r\n  \n{"b":{"c":[1,2]}}\n[1]\n{"d":"x\\ny"}' | seed edge-bom-crlf 0
printf '{"a":1}\n{bad\n\n{"a":{"":{"b":null}},"1":true}' | seed edge-mixed 8
printf '{"a":[{"b":1},{"b":2}],"e":{"f":"\\u00e9\\ud83d\\ude00"}}\n' | seed edge-index 6
printf '{"a":1}\n{"a":"2"}\n' | gzip -c | seed edge-gzip 2
{ printf '{"a":1}\n' | gzip -c; printf '{"b":2}\n' | gzip -c; } | seed edge-gzip-multi 0
printf '{"a":1}\n{"a":2}\n{"a":3}\n' | gzip -c | head -c 30 | seed edge-gzip-truncated 1

echo "seed.sh: $(ls "$out" | wc -l) files in $out"
