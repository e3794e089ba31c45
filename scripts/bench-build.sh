#!/usr/bin/env bash
# The production build (no embedded demo centre, release profile) beside the demo build:
# binary size, start-up and idle memory (PSS) under Xvfb 1080x1920, measured by the peer
# harness (../shared/bench/chromium-peer/measure.py, custom mode). The production kiosk talks
# to a local dost-central. Writes target/bench/build.json.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh bench
peer="${PEER_DIR:-../shared/bench/chromium-peer}"
[ -f "$peer/measure.py" ] || { echo "no harness at $peer (set PEER_DIR)" >&2; exit 1; }
out="$PWD/target/bench"
mkdir -p "$out"
cargo build --release -p dost-central --bin dost-central
# SKIP_BUILD=1 measures the binaries a previous run left in target/bench again.
if [ -z "${SKIP_BUILD:-}" ]; then
  cargo build --release --bin dost-kiosk
  cp target/release/dost-kiosk "$out/dost-kiosk-demo"
  cargo build --release --bin dost-kiosk --no-default-features --features espeak,audio-out
  cp target/release/dost-kiosk "$out/dost-kiosk-production"
fi
work="$(mktemp -d)"
central_pid=""
cleanup() { [ -n "$central_pid" ] && kill "$central_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
target/release/dost-central serve --listen "127.0.0.1:$port" --db "$work/central.db" >/dev/null 2>&1 &
central_pid=$!
# The production kiosk: the shipped configuration with the centre at that address.
cp -r config "$work/config"
sed -i "s|^mode = \"embedded\"|mode = \"remote\"|; s|^url = \"\"|url = \"http://127.0.0.1:$port\"|; s|^token = \"\"|token = \"bench-token\"|" \
  "$work/config/kiosk.toml"
for build in demo production; do
  mkdir -p "$work/data-$build"
  python3 "$peer/measure.py" --modes custom --runs "${RUNS:-3}" --out "$out/build-$build" \
    --cmd "$out/dost-kiosk-$build --config $work/config/kiosk.toml --data-dir $work/data-$build run --fullscreen"
done
python3 - "$out" <<'PY'
import glob, json, os, sys
out = sys.argv[1]
res = {}
for build in ("demo", "production"):
    latest = sorted(glob.glob(os.path.join(out, f"build-{build}", "results-*.json")))[-1]
    s = json.load(open(latest))["modes"]["custom"]["summary"]
    med = lambda k: s[k]["median"] if k in s else None
    res[build] = {"binary_bytes": os.path.getsize(os.path.join(out, f"dost-kiosk-{build}")),
                  "pss_mb": med("pss_mb"), "rss_mb": med("rss_mb"),
                  "ready_s": med("beacon_ready_s"), "first_pixels_s": med("visual_first_change_s"),
                  "idle_cpu_pct_of_one_core": med("idle_cpu_pct_of_one_core"), "runs": s.get("pss_mb", {}).get("n")}
json.dump(res, open(os.path.join(out, "build.json"), "w"), indent=1)
print(json.dumps(res, indent=1))
PY
