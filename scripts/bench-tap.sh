#!/usr/bin/env bash
# Tap to photon, the kiosk against a Chromium kiosk on the same screens and transitions, under
# the same Xvfb 1080x1920 (harness: ../shared/bench/chromium-peer), on all cores and pinned to
# one core. Writes target/bench/tap.json; quote the figures as ratios from one run.
# Options go to scripts/bench_tap.py (e.g. --cycles 6, --modes all).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh bench
peer="${PEER_DIR:-../shared/bench/chromium-peer}"
[ -f "$peer/measure.py" ] || { echo "no harness at $peer (set PEER_DIR)" >&2; exit 1; }
# The demo build (embedded centre, simulated devices), release profile.
cargo build --release --bin dost-kiosk
# Where the kiosk's elements are, by accessible label (a debug build keeps the element info).
cargo run --quiet --example tap_targets -- target/bench/tap-targets.json
/usr/bin/python3 scripts/bench_tap.py --kiosk target/release/dost-kiosk \
  --targets target/bench/tap-targets.json --peer "$peer" --out target/bench/tap.json "$@"
