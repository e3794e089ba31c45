#!/usr/bin/env bash
# Runs the kiosk on a virtual display (Xvfb) on a machine without one (`make run` does this),
# and prints how to see it: a screenshot command that works as printed and, with VNC=1, a VNC
# view of the display (x11vnc, on this machine only; reach it over an SSH tunnel).
#
#   scripts/run-headless.sh [kiosk args...]
#   VNC=1 scripts/run-headless.sh              # also serve the display over VNC
#   KIOSK_BIN=path DISPLAY_NUM=n               # the program to run, the first display tried
#
# The X server keeps its access control: clients need the cookie in the auth file whose path
# is printed (xvfb-run writes it there).
set -euo pipefail

if [ "${1:-}" = "--on-display" ]; then
  # Second half, run by xvfb-run with DISPLAY and XAUTHORITY set.
  shift
  n="${DISPLAY#:}"
  echo "Kiosk on virtual display $DISPLAY (1080x1920)."
  echo "Screenshot it with: XAUTHORITY=$XAUTHORITY xwd -root -display $DISPLAY -out kiosk.xwd"
  echo "  (convert kiosk.xwd kiosk.png makes a PNG of it, with imagemagick)"
  if [ -n "${VNC:-}" ]; then
    port=$((5900 + n))
    x11vnc -display "$DISPLAY" -auth "$XAUTHORITY" -localhost -rfbport "$port" -forever \
           -shared -nopw -quiet -bg -o "${XAUTHORITY%.auth}.vnc.log" >/dev/null
    echo "VNC view (this machine only): vncviewer localhost:$port"
    echo "  from another machine: ssh -L $port:localhost:$port $(hostname) then vncviewer localhost:$port"
  else
    echo "To see and touch it: VNC=1 make run (x11vnc), then vncviewer localhost:$((5900 + n))"
  fi
  exec "$@"
fi

bin="${KIOSK_BIN:-./target/release/dost-kiosk}"
n="${DISPLAY_NUM:-99}"
while [ -e "/tmp/.X$n-lock" ] || [ -e "/tmp/.X11-unix/X$n" ]; do
  n=$((n + 1))
done
auth="${TMPDIR:-/tmp}/dost-kiosk-xvfb-$n.auth"
rm -f "$auth"
touch "$auth"
chmod 600 "$auth"
if [ -z "${KIOSK_BIN:-}" ]; then
  set -- "$bin" run "$@"
else
  set -- "$bin" "$@"
fi
exec xvfb-run -n "$n" -f "$auth" -s "-screen 0 1080x1920x24 -nolisten tcp" \
  "$0" --on-display "$@"
