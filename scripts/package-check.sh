#!/usr/bin/env bash
# CI: builds the Debian package, installs it as an integrator would (dpkg -i, apt-get -f
# install), checks it in place (systemd-analyze verify, config check, doctor, with the
# installed paths and the exit codes the shipped template gives), then purges it and checks
# that nothing is left. The `kiosk` system user stays after the purge (Debian policy).
# Runs as root on Debian 12.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "package-check: run as root" >&2; exit 1; }

fail() { echo "package-check: $*" >&2; exit 1; }
# expect CODE CMD...: runs CMD, keeps its output in $out, fails unless it exits CODE.
expect() {
  local want=$1; shift
  set +e; out=$("$@" 2>&1); local got=$?; set -e
  [ "$got" -eq "$want" ] || fail "\`$*\` exited $got, expected $want: $out"
}
has() { grep -qE -- "$1" <<<"$out" || fail "expected /$1/ in: $out"; }
kiosk() { /usr/bin/dost-kiosk --config /etc/dost-kiosk/kiosk.toml "$@"; }
as_kiosk() { runuser -u kiosk -- /usr/bin/dost-kiosk --config /etc/dost-kiosk/kiosk.toml "$@"; }

t0=$SECONDS
# DEB=path checks a package built before instead of building one.
deb=${DEB:-$(scripts/package.sh | tail -1)}
echo "package: $deb ($(du -h "$deb" | cut -f1)), built in $((SECONDS - t0)) s"
[[ "$(basename "$deb")" =~ ^dost-kiosk_[0-9.]+_amd64\.deb$ ]] || fail "package name $deb"

t1=$SECONDS
# A previous run's leftovers go first.
dpkg --purge dost-kiosk >/dev/null 2>&1 || true
dpkg -i "$deb" || DEBIAN_FRONTEND=noninteractive apt-get -f install -y -qq
dpkg-query -W -f='${Status}' dost-kiosk | grep -q "install ok installed" || fail "not installed"
dpkg -L dost-kiosk > /tmp/dost-kiosk.files

# Files, user and modes.
for f in /usr/bin/dost-kiosk /usr/lib/systemd/system/dost-kiosk.service /etc/dost-kiosk/kiosk.toml \
         /etc/dost-kiosk/services.toml /usr/lib/sysusers.d/dost-kiosk.conf \
         /usr/lib/tmpfiles.d/dost-kiosk.conf /lib/udev/rules.d/99-dost-kiosk.rules; do
  [ -e "$f" ] || fail "$f missing"
done
getent passwd kiosk >/dev/null || fail "no kiosk user"
[ "$(stat -c '%a %U:%G' /var/lib/dost-kiosk)" = "700 kiosk:kiosk" ] || fail "data dir mode"
[ "$(stat -c '%a %U:%G' /etc/dost-kiosk)" = "770 root:kiosk" ] || fail "config dir mode"
[ "$(stat -c '%a %U:%G' /etc/dost-kiosk/kiosk.toml)" = "660 root:kiosk" ] || fail "config mode"

# The unit as installed.
expect 0 systemd-analyze verify --man=no /usr/lib/systemd/system/dost-kiosk.service
[ -z "$out" ] || fail "systemd-analyze verify says: $out"

# The template as shipped: only the centre's address is missing.
expect 1 kiosk config check
has 'central\.url.*missing'
[ "$(grep -c '`' <<<"$out")" -eq 1 ] || fail "more than the url named: $out"
expect 1 as_kiosk doctor
has '^config +FAIL'
# A technician fills it (as the settings screen or `config set` would).
expect 1 kiosk config set central.mode embedded
has 'no embedded reference centre'
expect 0 kiosk config set central.url https://127.0.0.1:9
expect 0 kiosk config check
has 'kiosk.toml: ok'
expect 0 as_kiosk provision --token ci-token
# No reader, no printer, no centre on this machine: doctor names each and exits 1.
expect 1 as_kiosk doctor
for line in '^config +ok' '^catalog +ok' '^data dir +ok' '^device key +ok' \
            '^card reader +FAIL .*/dev/dost-reader' '^printer +FAIL .*/dev/dost-printer' \
            '^centre link +FAIL' '^service PINs +warn'; do
  has "$line"
done
# What the kiosk wrote is private to it.
bad=$(find /var/lib/dost-kiosk \( -type f -perm /077 \) -o \( -type d -perm /077 \) -print)
[ -z "$bad" ] || fail "not private: $bad"
[ -z "$(find /var/lib/dost-kiosk ! -user kiosk -print)" ] || fail "files not owned by kiosk"
echo "installed and checked in $((SECONDS - t1)) s"

# Purge: nothing of the package is left (the kiosk user stays).
t2=$SECONDS
dpkg --purge dost-kiosk
! dpkg-query -W dost-kiosk >/dev/null 2>&1 || \
  dpkg-query -W -f='${Status}' dost-kiosk | grep -q "not-installed" || fail "still known to dpkg"
left=""
while read -r f; do
  # Files and links the package put there (not directories, nor /lib → usr/lib on usrmerge).
  if [ -f "$f" ] || { [ -L "$f" ] && [ ! -d "$f" ]; }; then left="$left $f"; fi
done < /tmp/dost-kiosk.files
[ -z "$left" ] || fail "left after purge:$left"
for d in /etc/dost-kiosk /var/lib/dost-kiosk; do
  [ ! -e "$d" ] || fail "$d left after purge: $(ls -la "$d")"
done
getent passwd kiosk >/dev/null || fail "the kiosk user was removed"
rm -f /tmp/dost-kiosk.files
echo "purged in $((SECONDS - t2)) s; the kiosk user stays"
echo "package-check: 1 passed, 0 failed"
