#!/usr/bin/env bash
# Builds the Debian package target/debian/dost-kiosk_<version>_amd64.deb: the production
# build of dost-kiosk (without the embedded demo centre), its unit, user, folders, udev rules,
# a production configuration template and the catalog ([package.metadata.deb] in Cargo.toml).
#   scripts/package.sh            # prints the package's path last
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh build
if ! command -v cargo-deb >/dev/null; then
  cargo install --locked cargo-deb
fi
# cargo deb builds with [package.metadata.deb]'s features: espeak and audio-out, not the demo
# centre. The package goes to target/debian/.
cargo deb --locked -p dost-kiosk "$@" >&2
ls -t target/debian/dost-kiosk_*_amd64.deb | head -1
