#!/usr/bin/env bash
# Soak: 10,000 citizen sessions (or --sessions N) through the real core with printing and sync
# to a local dost-central; resident memory, database and log growth, submit -> durable p99 per
# block of sessions. Writes target/bench/soak.json (scripts/bench_soak.py says what is measured).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --bin dost-kiosk
cargo build --release -p dost-central --bin dost-central
python3 scripts/bench_soak.py --kiosk target/release/dost-kiosk --central target/release/dost-central \
  --config config/kiosk.toml --out target/bench/soak.json "$@"
