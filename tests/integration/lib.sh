# Shared helpers for the real-client interop tests. Source it; needs $SCEPGATE (the binary).
set -euo pipefail

WORK=$(mktemp -d /tmp/scepgate-interop-XXXXXX)
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  if [ -z "${SCEPGATE_KEEP_TEST_DIRS:-}" ]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; [ -f "$WORK/serve.log" ] && tail -n 30 "$WORK/serve.log" >&2; exit 1; }
pass() { echo "ok: $*"; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# start_gateway CHALLENGE [toml-edits...]: init a data dir in $WORK/data, apply sed edits, serve.
start_gateway() {
  local challenge=$1; shift
  DATA="$WORK/data"
  "$SCEPGATE" init --dir "$DATA" --challenge "$challenge" --name Interop >/dev/null
  for edit in "$@"; do sed -i "$edit" "$DATA/scepgate.toml"; done
  PORT=$(free_port)
  URL="http://127.0.0.1:$PORT/scep"
  "$SCEPGATE" serve --dir "$DATA" --listen "127.0.0.1:$PORT" >"$WORK/serve.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    if curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  fail "gateway did not start"
}

# chain_file: root + issuing CA in one PEM, for openssl verify.
chain_file() { cat "$DATA/ca/root.crt" > "$WORK/root.pem"; cp "$DATA/ca/issuing.crt" "$WORK/issuing.pem"; }
verify_cert() { chain_file; openssl verify -CAfile "$WORK/root.pem" -untrusted "$WORK/issuing.pem" "$1" >/dev/null; }

# expect_linked CERT_PEM DEVICE_ID PROFILE: the certificate's record names the device and profile.
expect_linked() {
  local serial
  serial=$(openssl x509 -in "$1" -noout -serial | cut -d= -f2)
  "$SCEPGATE" cert show "$serial" --json | python3 -c '
import json,sys
c=json.load(sys.stdin)
sys.exit(0 if c["device_id"]==sys.argv[1] and c["profile"]==sys.argv[2] else 1)' "$2" "$3"
}

# certmonger_inner_head STATE_DIR LOG: the first lines of the script the certmonger tests run in a
# private mount namespace and D-Bus session: STATE_DIR bound over /var/lib/certmonger, certmonger
# started (its log in LOG), and a wait (10 s at most) until it owns its bus name.
certmonger_inner_head() {
  cat <<HEAD
set -euo pipefail
mount --bind "$1" /var/lib/certmonger
certmonger -s -n -f >"$2" 2>&1 &
owned() {
  grep -q true <<<"\$(dbus-send --session --print-reply --dest=org.freedesktop.DBus \\
    /org/freedesktop/DBus org.freedesktop.DBus.NameHasOwner \\
    string:org.fedorahosted.certmonger 2>/dev/null)"
}
for _ in \$(seq 1 100); do owned && break; sleep 0.1; done
owned || { echo "certmonger did not take its bus name"; exit 1; }
HEAD
}
