#!/usr/bin/env bash
# The central API's contract: schemathesis, with all its checks, a bounded number of examples
# and a fixed seed, against `dost-central` on 127.0.0.1 (temporary database, kiosk and admin
# tokens) and docs/central-api.yaml. Exits non-zero on any failure.
#   scripts/contract.sh                      # seed 1, 60 examples per operation
#   SEED=7 EXAMPLES=300 scripts/contract.sh  # a longer, different run
# schemathesis (pinned) is installed with pip into a virtualenv under target/.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
version=4.32.5
seed="${SEED:-1}"
examples="${EXAMPLES:-60}"
target="${CARGO_TARGET_DIR:-$root/target}"
venv="$target/contract-venv"

scripts/deps.sh contract

if ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -qF "$version"; then
  echo "contract: installing schemathesis $version into $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$version"
fi
cargo build --quiet -p dost-central --bin dost-central
bin="$target/debug/dost-central"

work="$(mktemp -d)"
server=""
cleanup() {
  if [ -n "$server" ]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# The kiosk of the document's examples, its token and the admin token (random, in files).
kiosk=DOST-YASAMAL-K01
kiosk_token="kiosk-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
admin_token="admin-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
printf '# contract run\n%s=%s\n' "$kiosk" "$kiosk_token" >"$work/tokens"
printf '%s\n' "$admin_token" >"$work/admin-token"
printf '{"services": []}\n' >"$work/catalog.json"

"$bin" serve --listen 127.0.0.1:0 --db "$work/central.db" --timeline off \
  --tokens-file "$work/tokens" --admin-token-file "$work/admin-token" \
  --catalog "$work/catalog.json" --csca "$root/config/trust/demo" \
  >"$work/stdout" 2>"$work/server.log" &
server=$!
addr=""
for _ in $(seq 100); do
  addr="$(sed -n 's/^listening on //p' "$work/stdout")"
  [ -n "$addr" ] && break
  kill -0 "$server" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$addr" ]; then
  echo "contract: dost-central did not start" >&2
  cat "$work/server.log" >&2
  exit 1
fi
base="http://$addr"

# Data for the examples: an application, a heartbeat and a configuration of the kiosk.
"$venv/bin/python" - "$base" "$kiosk" "$kiosk_token" "$admin_token" <<'PY'
import json, sys, urllib.request
base, kiosk, kiosk_token, admin_token = sys.argv[1:]
def call(method, path, token, body):
    req = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode(),
        headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        assert r.status in (200, 204), (path, r.status)
call("POST", "/v1/applications", kiosk_token, {"applications": [{
    "application_id": "YAS01-261124-0001", "idempotency_key": "contract-1", "kiosk_id": kiosk,
    "service_id": "pension-certificate", "fin": "5AB12C7", "document_number": "AA1234567",
    "lang": "az", "submitted_at": "2026-11-24T09:30:00Z", "answers": {}}]})
call("POST", f"/v1/kiosks/{kiosk}/heartbeat", kiosk_token, {"kiosk_id": kiosk, "version": "0.1.0",
    "uptime_s": 1, "sent_at": "2026-11-24T09:30:00Z", "devices": [], "outbox_depth": 0,
    "held_receipts": 0})
call("PUT", f"/admin/kiosks/{kiosk}/config", admin_token, {"session": {"idle_timeout_s": 60}})
PY

# Tokens per security scheme; the kiosk's own routes are exercised as that kiosk.
cat >"$work/schemathesis.toml" <<EOF
[auth.openapi.kioskToken]
bearer = "\${DOST_CONTRACT_KIOSK_TOKEN}"

[auth.openapi.adminToken]
bearer = "\${DOST_CONTRACT_ADMIN_TOKEN}"

[[operations]]
include-operation-id = ["postHeartbeat", "getKioskConfig"]
parameters = { "path.id" = "$kiosk" }
EOF
export DOST_CONTRACT_KIOSK_TOKEN="$kiosk_token" DOST_CONTRACT_ADMIN_TOKEN="$admin_token"

run() {
  (cd "$work" && "$venv/bin/schemathesis" --config-file schemathesis.toml run \
    "$root/docs/central-api.yaml" --url "$base" --checks all --seed "$seed" \
    --max-examples "$examples" --workers 1 --request-timeout 10 "$@") | tee -a "$work/run.log"
  return "${PIPESTATUS[0]}"
}
status=0
# Changing the injected faults makes later /v1 answers fail on purpose (garbage bodies,
# dropped connections), so PUT /admin/faults is checked in a second run, after all the rest.
run --exclude-operation-id adminPutFaults || status=$?
run --include-operation-id adminPutFaults --include-operation-id adminGetFaults || status=$?
if ! kill -0 "$server" 2>/dev/null; then
  echo "contract: dost-central died during the run" >&2
  status=1
fi
if grep -q "panicked" "$work/server.log"; then
  echo "contract: dost-central panicked:" >&2
  grep -A5 "panicked" "$work/server.log" >&2
  status=1
fi
# Test cases passed and unique failures over both runs, as one closing line.
passed="$(sed -n 's/^ *[0-9]* generated, \([0-9]*\) passed.*/\1/p' "$work/run.log" | awk '{ s += $1 } END { print s + 0 }')"
failed="$(sed -n 's/.* found \([0-9]*\) unique failures.*/\1/p' "$work/run.log" | awk '{ s += $1 } END { print s + 0 }')"
if [ "$status" -ne 0 ]; then
  echo "contract: FAILED (seed $seed, $examples examples per operation)" >&2
  [ "${failed:-0}" -gt 0 ] || failed=1
else
  echo "contract: docs/central-api.yaml and dost-central agree (seed $seed, $examples examples per operation)"
fi
echo "contract: ${passed:-0} passed, ${failed:-0} failed"
exit "$status"
