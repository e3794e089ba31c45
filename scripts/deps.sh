#!/usr/bin/env bash
# Installs the Debian packages DOST Kiosk needs, only those missing.
#   scripts/deps.sh build   # to build and test (compilers, -dev headers)
#   scripts/deps.sh run     # + what the kiosk window needs (X11 libraries, Xvfb)
#   scripts/deps.sh kms     # + what the DRM/KMS backend (feature linuxkms) needs to build
#   scripts/deps.sh bench   # + Chromium, a window manager, xdotool and python3-xlib, for the benchmarks
#                           #   against a Chromium kiosk (scripts/bench-peer.sh, bench-tap.sh)
#   scripts/deps.sh contract # + Python with venv, for schemathesis (scripts/contract.sh)
set -euo pipefail
what="${1:-build}"
# systemd: `systemd-analyze verify` checks the kiosk's unit file in the tests; xvfb and the X11
# libraries: one test runs the real kiosk window on a private virtual display; fonts-dejavu-core:
# the receipt printer's bitmap font is checked against DejaVu Sans Mono; PC/SC (pcscd,
# libpcsclite-dev) and the vsmartcard-vpcd virtual reader: the chip reader builds with PC/SC and
# its tests run the simulated chip through pcscd; openssl makes the tests' independent SODs.
pkgs=(gcc libc6-dev pkg-config libfontconfig-dev libudev-dev systemd fonts-dejavu-core
      xvfb libx11-6 libx11-xcb1 libxcursor1 libxi6 libxrandr2 libxkbcommon-x11-0 libfontconfig1
      pcscd libpcsclite-dev vsmartcard-vpcd openssl)
# Audio guidance: espeak-ng (engine, voices, C headers) and ALSA's headers for the sound output.
pkgs+=(espeak-ng libespeak-ng-dev libasound2-dev)
# xauth, x11-apps (xwd) and x11vnc: `make run` without a display runs the kiosk on Xvfb with an
# auth file, prints a screenshot command and, with VNC=1, serves the display over VNC; a test
# runs scripts/run-headless.sh and the commands it prints.
pkgs+=(xauth x11-apps x11vnc)
if [ "$what" = "kms" ]; then
  pkgs+=(libinput-dev libxkbcommon-dev libudev-dev)
fi
if [ "$what" = "bench" ]; then
  pkgs+=(chromium matchbox-window-manager imagemagick xdotool python3 python3-xlib util-linux)
fi
if [ "$what" = "contract" ]; then
  pkgs+=(python3 python3-venv)
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v cargo >/dev/null || { echo "cargo not found: install Rust (https://rustup.rs) first" >&2; exit 1; }
