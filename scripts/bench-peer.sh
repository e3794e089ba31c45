#!/usr/bin/env bash
# Start-up, memory and idle CPU of the kiosk against a Chromium kiosk, in the same run, under
# the same Xvfb 1080x1920 and window manager (harness: ../shared/bench/chromium-peer).
# Results: target/bench-peer/results-*.json; quote figures as ratios against the peer.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh bench
peer="${PEER_DIR:-../shared/bench/chromium-peer}"
[ -f "$peer/measure.py" ] || { echo "no harness at $peer (set PEER_DIR)" >&2; exit 1; }
cargo build --release --bin dost-kiosk
out="$PWD/target/bench-peer"
data="$(mktemp -d)"
mkdir -p "$out"
python3 "$peer/measure.py" --modes kiosk,custom --out "$out" \
  --cmd "$PWD/target/release/dost-kiosk --config $PWD/config/kiosk.toml --data-dir $data run --fullscreen" "$@"
