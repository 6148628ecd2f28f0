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

# softhsm_token: a SoftHSM2 token "interop" whose files live in $WORK/hsm, made by the
# scepgate-test-token binary in $SCEPGATE_TEST_TOKEN; its user PIN in $WORK/hsm/pin (0600).
# Exports SOFTHSM2_CONF and sets P11_MODULE and P11_PIN_FILE.
softhsm_token() {
  [ -x "${SCEPGATE_TEST_TOKEN:-}" ] || fail "SCEPGATE_TEST_TOKEN must name scepgate-test-token"
  mkdir -p "$WORK/hsm"
  P11_PIN_FILE="$WORK/hsm/pin"
  (umask 077; python3 -c 'import secrets; print(secrets.token_hex(8))' >"$P11_PIN_FILE")
  P11_MODULE=$(SCEPGATE_PKCS11_PIN=$(cat "$P11_PIN_FILE") "$SCEPGATE_TEST_TOKEN" "$WORK/hsm" interop) ||
    fail "cannot make a SoftHSM2 token"
  export SOFTHSM2_CONF="$WORK/hsm/softhsm2.conf"
}

# start_gateway CHALLENGE [toml-edits...]: init a data dir in $WORK/data, apply sed edits, serve.
# With SCEPGATE_TEST_TOKEN set, the CA keys are made in a SoftHSM2 token (softhsm_token).
start_gateway() {
  local challenge=$1; shift
  DATA="$WORK/data"
  local init_args=()
  if [ -n "${SCEPGATE_TEST_TOKEN:-}" ]; then
    softhsm_token
    init_args=(--pkcs11 "pkcs11:token=interop;object=interop" --pkcs11-module "$P11_MODULE"
      --pkcs11-pin-file "$P11_PIN_FILE")
  fi
  "$SCEPGATE" init --dir "$DATA" --challenge "$challenge" --name Interop \
    ${init_args[@]+"${init_args[@]}"} >/dev/null
  for edit in "$@"; do sed -i "$edit" "$DATA/scepgate.toml"; done
  PORT=$(free_port)
  ADMIN_PORT=$(free_port)
  URL="http://127.0.0.1:$PORT/scep"
  serve_gateway
}

# serve_gateway: `scepgate serve` of $DATA on $PORT and $ADMIN_PORT (log appended to
# $WORK/serve.log), once it answers /healthz; stop_gateway stops it.
serve_gateway() {
  "$SCEPGATE" serve --dir "$DATA" --listen "127.0.0.1:$PORT" --admin-listen "127.0.0.1:$ADMIN_PORT" \
    >>"$WORK/serve.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    if curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; then return 0; fi
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  fail "gateway did not start"
}
stop_gateway() { kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""; }

# chain_file: root + issuing CA in one PEM, for openssl verify.
chain_file() { cat "$DATA/ca/root.crt" > "$WORK/root.pem"; cp "$DATA/ca/issuing.crt" "$WORK/issuing.pem"; }
verify_cert() { chain_file; openssl verify -CAfile "$WORK/root.pem" -untrusted "$WORK/issuing.pem" "$1" >/dev/null; }

# scep_enroll NAME CHALLENGE: micromdm's scepclient enrolls CN=NAME at $URL with a new key in
# $WORK/NAME (key.pem, client.pem), the certificate also copied to $WORK/NAME.pem.
scep_enroll() {
  mkdir -p "$WORK/$1"
  timeout 60 scepclient -private-key "$WORK/$1/key.pem" -server-url "$URL" -challenge "$2" \
    -cn "$1" >"$WORK/$1/out.log" 2>&1 || { cat "$WORK/$1/out.log" >&2; fail "scepclient did not enroll $1"; }
  cp "$WORK/$1/client.pem" "$WORK/$1.pem"
}

# ocsp_ask ARGS...: `openssl ocsp` against $OCSP asking about ARGS (-cert FILE, -serial N, ...)
# of the issuing CA ($WORK/issuing.pem, from chain_file), the answer verified against the root;
# its output in $WORK/ask.out and ask.err.
ocsp_ask() {
  openssl ocsp -issuer "$WORK/issuing.pem" -url "$OCSP" -CAfile "$WORK/root.pem" "$@" \
    >"$WORK/ask.out" 2>"$WORK/ask.err" || { cat "$WORK/ask.out" "$WORK/ask.err" >&2; fail "openssl ocsp $*"; }
  grep -q "Response verify OK" "$WORK/ask.err" ||
    { cat "$WORK/ask.out" "$WORK/ask.err" >&2; fail "the answer does not verify"; }
}

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

# ha_up [NAME=VALUE...]: scripts/ha-up.sh in $WORK/ha, run with SCEPGATE and the given
# environment (HA_TOML_EDITS, HA_ISSUERS, HA_TLS_CERT, ...): PostgreSQL, two nodes sharing it and
# nginx in front, all on 127.0.0.1. Sets HA, and URL, NODE1_URL, NODE2_URL, NODE1_PID, NODE2_PID,
# DSN and CHALLENGE from its ha.env. From then on `fail` also shows the last lines of the nodes'
# and nginx's logs, and the EXIT trap stops everything (scripts/ha-down.sh) before $WORK goes.
ha_up() {
  HA="$WORK/ha"
  HA_SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../scripts" && pwd)
  fail() {
    echo "FAIL: $*" >&2
    local f
    for f in "$HA/node1.log" "$HA/node2.log" "$HA/nginx/error.log"; do
      [ -f "$f" ] && { echo "--- last lines of $f:" >&2; tail -n 15 "$f" >&2; }
    done
    exit 1
  }
  ha_cleanup() {
    [ -d "$HA" ] && bash "$HA_SCRIPTS/ha-down.sh" "$HA" >/dev/null 2>&1
    cleanup
  }
  trap ha_cleanup EXIT
  chmod 711 "$WORK"  # PostgreSQL runs as the postgres user and must reach $HA/pg
  env SCEPGATE="$SCEPGATE" "$@" timeout 180 bash "$HA_SCRIPTS/ha-up.sh" "$HA" \
    >"$WORK/ha-up.out" 2>"$WORK/ha-up.log" || { cat "$WORK/ha-up.log" >&2; fail "scripts/ha-up.sh failed"; }
  ha_val() { sed -n "s/^$1=//p" "$HA/ha.env"; }
  URL=$(ha_val url) NODE1_URL=$(ha_val node1_url) NODE2_URL=$(ha_val node2_url)
  NODE1_PID=$(ha_val node1_pid) NODE2_PID=$(ha_val node2_pid)
  DSN=$(ha_val dsn) CHALLENGE=$(ha_val challenge)
  [ -n "$NODE1_URL" ] && [ -n "$NODE2_URL" ] && [ -n "$CHALLENGE" ] ||
    fail "ha-up.sh printed: $(cat "$WORK/ha-up.out")"
}
