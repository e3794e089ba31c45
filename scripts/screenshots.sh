#!/usr/bin/env bash
# Regenerates docs/screens/<lang>/<screen>.png for every screen and language, headless
# (software renderer, no display needed), from the sample view models in src/view_samples.rs.
#
#   scripts/screenshots.sh            # all languages
#   scripts/screenshots.sh az         # one language
#   SCREEN_SIZE=540x960 scripts/screenshots.sh   # another window size (default 1080x1920)
set -euo pipefail
cd "$(dirname "$0")/.."

langs=("${@:-az ru en}")
read -r -a langs <<<"${langs[*]}"
size="${SCREEN_SIZE:-1080x1920}"
width="${size%x*}"
height="${size#*x}"

cargo build --quiet
screens=$(cargo run --quiet -- screenshot --list)
for lang in "${langs[@]}"; do
    mkdir -p "docs/screens/$lang"
    for screen in $screens; do
        out="docs/screens/$lang/$screen.png"
        cargo run --quiet -- screenshot --screen "$screen" --lang "$lang" \
            --width "$width" --height "$height" --out "$out"
        echo "$out"
    done
done
