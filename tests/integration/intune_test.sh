#!/usr/bin/env bash
# Intune mode end to end (docs/intune.md): `scepgate serve` talks to the Intune stand-in over
# HTTPS on loopback. micromdm's scepclient and certmonger enroll with challenges the stand-in
# minted; wrong, expired and mismatched ones are refused with the stand-in's code; the stand-in
# receives exactly one notification per request, also when the server restarts with one queued;
# a revocation request from the stand-in ends on the CRL and in the OCSP answer, and its result
# is uploaded. Usage: intune_test.sh <scepgate> <scepgate-intune-standin>
SCEPGATE=$(realpath "$1")
STANDIN=$(realpath "$2")
source "$(dirname "$0")/lib.sh"
command -v scepclient >/dev/null || fail "scepclient is not installed (Debian package scep)"
command -v certmonger >/dev/null || fail "certmonger is not installed"
command -v dbus-run-session >/dev/null || fail "dbus-run-session is not installed (package dbus)"
[ "$(id -u)" -eq 0 ] || fail "this test needs root (unshare -m, for certmonger)"

# The stand-in, on a FIFO held open on fd 3 (it stops when its stdin closes), until the test ends.
mkdir -p "$WORK/standin"
mkfifo "$WORK/standin/in"
# The app registration also has a certificate: the server uses the secret first, then (from its
# restart on) the certificate.
(umask 077; openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=scepgate-intune-app \
  -keyout "$WORK/app.key" -out "$WORK/app.crt" 2>/dev/null) || fail "cannot make the app certificate"
"$STANDIN" --state-dir "$WORK/standin" --client-certificate "$WORK/app.crt" \
  <"$WORK/standin/in" >"$WORK/standin/out" 2>"$WORK/standin/err" &
STANDIN_PID=$!
exec 3>"$WORK/standin/in"
stop_all() { exec 3>&- 2>/dev/null || true; kill "$STANDIN_PID" 2>/dev/null || true; cleanup; }
trap stop_all EXIT
for _ in $(seq 100); do [ -s "$WORK/standin/out" ] && break; sleep 0.1; done
[ -s "$WORK/standin/out" ] || { cat "$WORK/standin/err"; fail "the stand-in did not start"; }
py=/usr/bin/python3
[ -x "$py" ] || py=python3
# field EXPR: the Python expression EXPR over the JSON document on stdin (as `j`).
field() { "$py" -c 'import json, sys; j = json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }
LINE=$(head -n1 "$WORK/standin/out")
BASE=$(field 'j["base_url"]' <<<"$LINE")
CA=$(field 'j["ca_file"]' <<<"$LINE")
CTL=$(field 'j["control_token"]' <<<"$LINE")
control() {  # control METHOD OP [JSON]
  curl -sf --cacert "$CA" -X "$1" -H "Authorization: Bearer $CTL" -H 'Content-Type: application/json' \
    ${3:+-d "$3"} "$BASE/standin/$2"
}
mint() { control POST challenges "$1" | field 'j["challenge"]'; }
count() { control GET "notifications?endpoint=$1" | field 'len(j)'; }
# wait_for EXPR: until the shell expression holds (20 s at most).
wait_for() {
  for _ in $(seq 200); do eval "$1" && return 0; sleep 0.1; done
  return 1
}

# A gateway in Intune mode: the static challenge is one nobody uses; the secret in a 0600 file.
DATA="$WORK/data"
head -c 24 /dev/urandom | base64 | "$SCEPGATE" init --dir "$DATA" --challenge-file - --name Interop >/dev/null
(umask 077; field 'j["client_secret"]' <"$WORK/standin/standin.json" >"$DATA/intune-client-secret")
sed -i -e 's/^legacy_algorithms = false/legacy_algorithms = true/' \
  -e 's/^backoff_seconds = 5/backoff_seconds = 1/' "$DATA/scepgate.toml"
sed -i -e '/^\[intune\]/,/^\[log\]/{' \
  -e 's/^enabled = false/enabled = true/' \
  -e "s|^tenant = \"\"|tenant = \"$(field 'j["tenant"]' <<<"$LINE")\"|" \
  -e "s|^client_id = \"\"|client_id = \"$(field 'j["client_id"]' <<<"$LINE")\"|" \
  -e "s|^login_url = .*|login_url = \"$BASE/login/\"|" \
  -e "s|^graph_url = .*|graph_url = \"$BASE/graph/\"|" \
  -e "s|^ca_file = \"\"|ca_file = \"$CA\"|" \
  -e 's/^revocation_poll_seconds = 300/revocation_poll_seconds = 1/' \
  -e '}' "$DATA/scepgate.toml"
grep -q '^enabled = true' "$DATA/scepgate.toml" || fail "the [intune] section was not edited"
METRICS_PORT=$(free_port)
sed -i "s|^# listen = \"127.0.0.1:9810\"|listen = \"127.0.0.1:$METRICS_PORT\"|" "$DATA/scepgate.toml"
PORT=$(free_port)
ADMIN_PORT=$(free_port)
URL="http://127.0.0.1:$PORT/scep"
export SCEPGATE_DIR="$DATA"
# A secret file others may read is refused, naming the setting, and the secret is not shown.
SECRET=$(cat "$DATA/intune-client-secret")
chmod 0644 "$DATA/intune-client-secret"
if timeout 20 "$SCEPGATE" serve --dir "$DATA" --listen "127.0.0.1:$PORT" \
  --admin-listen "127.0.0.1:$ADMIN_PORT" >"$WORK/refused.log" 2>&1; then
  fail "serve started with a secret file others may read"
fi
grep -q "client_secret_file" "$WORK/refused.log" || { cat "$WORK/refused.log"; fail "the refusal does not name the setting"; }
chmod 0600 "$DATA/intune-client-secret"
serve_gateway
grep -q "intune: mode on" "$WORK/serve.log" || fail "serve did not start in Intune mode"

# scepclient with an Intune challenge (scepclient adds OU=MDM, O=scep-client, C=US to its -cn).
CHALLENGE=$(mint '{"subject":"CN=intune-mac,OU=MDM,O=scep-client,C=US"}')
scep_enroll intune-mac "$CHALLENGE"
verify_cert "$WORK/intune-mac.pem" || fail "the certificate does not chain to the root"
wait_for '[ "$(count success)" = 1 ]' || fail "no success notification reached the stand-in"
SERIAL=$(openssl x509 -in "$WORK/intune-mac.pem" -noout -serial | cut -d= -f2)
control GET "notifications?endpoint=success" | "$py" -c '
import json, sys
n = json.load(sys.stdin)[0]
assert n["certificateSerialNumber"].upper() == sys.argv[1].upper(), n
assert len(n["certificateThumbprint"]) == 40, n
assert n["certificateExpirationDateUtc"].endswith("Z"), n
assert "Interop" in n["issuingCertificateAuthority"], n' "$SERIAL" || fail "the success notification is wrong"
pass "scepclient enrolled with a challenge Intune minted; Intune was notified once"

# refused NAME CHALLENGE CN CODE: scepclient is refused, the request recorded with CODE, and
# the stand-in gets one more failure notification.
FAILURES=0
refused() {
  mkdir -p "$WORK/$1"
  if timeout 60 scepclient -private-key "$WORK/$1/key.pem" -server-url "$URL" -challenge "$2" \
    -cn "$3" >"$WORK/$1/out.log" 2>&1; then
    fail "$1: scepclient enrolled"
  fi
  [ ! -s "$WORK/$1/client.pem" ] || fail "$1: a certificate was written"
  "$SCEPGATE" requests list --state failed | grep -q "$4" || fail "$1: not recorded as $4"
  FAILURES=$((FAILURES + 1))
  wait_for '[ "$(count failure)" = "$FAILURES" ]' || fail "$1: no failure notification"
  pass "$1: refused with $4, Intune notified"
}
refused wrong "not-a-challenge-from-intune" intune-mac ChallengeInvalid
refused expired "$(mint '{"ttl_seconds":-60}')" intune-mac ChallengeExpired
refused mismatch "$(mint '{"subject":"CN=expected-device,OU=MDM,O=scep-client,C=US"}')" other-device \
  SubjectNameMismatch
control GET "notifications?endpoint=failure" | "$py" -c '
import json, sys
for n in json.load(sys.stdin):
    assert n["hResult"] < 0 and 0 < len(n["errorDescription"]) <= 255, n' || fail "a failure notification is wrong"

# certmonger with an Intune challenge, in its private namespace and D-Bus session.
CM_CHALLENGE=$(mint '{"subject":"CN=intune-linux"}')
mkdir -p "$WORK/state" "$WORK/cm" "$WORK/home"
{ certmonger_inner_head "$WORK/state" "$WORK/certmonger.log"; cat <<INNER
getcert add-scep-ca -s -c scepgate -u "$URL"
getcert request -s -c scepgate -I intune -k "$WORK/cm/key.pem" -f "$WORK/cm/cert.pem" \
  -N CN=intune-linux -L "$CM_CHALLENGE" -w -v
getcert list -s -i intune > "$WORK/cm/list.txt"
INNER
} >"$WORK/inner.sh"
HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/home/.config" timeout 120 unshare -m dbus-run-session -- \
  bash "$WORK/inner.sh" >"$WORK/cm/run.log" 2>&1 ||
  { cat "$WORK/cm/run.log" "$WORK/cm/list.txt" 2>/dev/null; tail -20 "$WORK/certmonger.log"; fail "certmonger run failed"; }
grep -q "status: MONITORING" "$WORK/cm/list.txt" || { cat "$WORK/cm/list.txt"; fail "certmonger was not issued"; }
verify_cert "$WORK/cm/cert.pem" || fail "certmonger's certificate does not chain"
wait_for '[ "$(count success)" = 2 ]' || fail "no success notification for certmonger's request"
pass "certmonger enrolled with a challenge Intune minted; Intune was notified once"

# counted CALL OUTCOME: /metrics (fetched into $WORK/metrics.txt) counts such calls to Intune.
counted() {
  grep -q "^scepgate_intune_calls_total{call=\"$1\",outcome=\"$2\"} [1-9]" "$WORK/metrics.txt" ||
    fail "/metrics does not count Intune's $1 calls ($2): $(grep intune_calls "$WORK/metrics.txt")"
}
curl -sf -o "$WORK/metrics.txt" "http://127.0.0.1:$METRICS_PORT/metrics" || fail "no /metrics"
counted validate ok
counted failure ok
pass "Intune's calls are counted in /metrics"

# A notification queued when the server stops is sent by the next one, once: the stand-in
# answers 503 to the next three, and the server is restarted while it backs off.
control POST faults '{"endpoint":"success","kind":"server_error","status":503,"count":3}' >/dev/null ||
  fail "cannot inject the fault"
scep_enroll intune-restart "$(mint '{}')"
wait_for '[ "$(control GET calls?endpoint=success | field "len([c for c in j if c[\"status\"] == 503])")" -ge 1 ]' ||
  fail "the server did not try to notify before the restart"
stop_gateway
# The next server also holds its answers until Intune took the success notification, and proves
# the app with its certificate instead of the secret.
cp "$WORK/app.crt" "$WORK/app.key" "$DATA/"
sed -i -e 's/^wait_for_success_notification = false/wait_for_success_notification = true/' \
  -e 's/^client_certificate_file = ""/client_certificate_file = "app.crt"/' \
  -e 's/^client_key_file = ""/client_key_file = "app.key"/' "$DATA/scepgate.toml"
TOKENS_BEFORE=$(control GET calls?endpoint=token | field 'len(j)')
serve_gateway
wait_for '[ "$(count success)" = 3 ]' || fail "the queued notification was not sent after the restart"
sleep 2  # time for a duplicate to show up, were there one
[ "$(count success)" = 3 ] || fail "a notification was sent twice"
control GET "notifications?endpoint=success" | "$py" -c '
import json, sys
ids = [n["transactionId"] for n in json.load(sys.stdin)]
assert len(ids) == len(set(ids)) == 3, ids' || fail "transactions notified more than once"
[ "$(count failure)" = "$FAILURES" ] || fail "failure notifications changed across the restart"
pass "a notification queued across a restart reached Intune exactly once"
control GET calls?endpoint=token | "$py" -c '
import json, sys
after = json.load(sys.stdin)[int(sys.argv[1]):]
assert after, "no token since the restart"
for c in after:
    assert c["status"] == 200 and "client_assertion=" in c["body"] and "client_secret" not in c["body"], c
' "$TOKENS_BEFORE" || fail "the restarted server did not prove the app with its certificate"
pass "after the restart the app proves itself with its certificate (client assertion)"

# wait_for_success_notification: Intune takes the notification a second late, and scepclient
# has its certificate only after that.
control POST faults '{"endpoint":"success","kind":"delay","delay_ms":1000}' >/dev/null ||
  fail "cannot inject the delay"
scep_enroll intune-waited "$(mint '{}')"
[ "$(count success)" = 4 ] || fail "the device was answered before Intune took the notification"
pass "with wait_for_success_notification the device is answered after Intune took the notification"

# A revocation request for scepclient's certificate, and one for a serial scepgate never issued.
chain_file
ISSUER=$(openssl x509 -in "$WORK/issuing.pem" -noout -subject -nameopt RFC2253 | sed 's/^subject=//')
control POST revocations "{\"requests\":[
  {\"requestContext\":\"ctx-ours\",\"serialNumber\":\"$SERIAL\",\"issuerName\":\"$ISSUER\"},
  {\"requestContext\":\"ctx-foreign\",\"serialNumber\":\"0DEADBEEF1\",\"issuerName\":\"$ISSUER\"}]}" \
  >/dev/null || fail "cannot queue the revocation requests"
wait_for '[ "$(control GET revocations | field "sum(1 for r in j if r[\"answered\"])")" = 2 ]' ||
  { control GET revocations; fail "the revocation results were not uploaded"; }
control GET revocations | "$py" -c '
import json, sys
r = {x["requestContext"]: x["result"] for x in json.load(sys.stdin)}
assert r["ctx-ours"]["succeeded"] is True, r
assert r["ctx-foreign"]["succeeded"] is False, r
assert str(r["ctx-foreign"]["errorCode"]) in ("4004", "CertificateNotFoundError"), r' ||
  { control GET revocations; fail "wrong revocation results"; }
curl -sf -o "$WORK/current.crl" "http://127.0.0.1:$PORT/crl/current.crl" || fail "no CRL"
openssl crl -inform DER -in "$WORK/current.crl" -noout -text | grep -qi "Serial Number: *$SERIAL" ||
  fail "the revoked certificate is not on the CRL"
openssl crl -inform DER -in "$WORK/current.crl" -noout -text | grep -A5 -i "Serial Number: *$SERIAL" |
  grep -q "Cessation Of Operation" || fail "the CRL entry has not the configured reason"
OCSP="http://127.0.0.1:$PORT/ocsp"
ocsp_ask -cert "$WORK/intune-mac.pem"
grep -q ": revoked" "$WORK/ask.out" || { cat "$WORK/ask.out"; fail "OCSP does not say revoked"; }
pass "Intune's revocation request ended on the CRL and in OCSP, and both results were uploaded"

# Intune unreachable: the stand-in stops; a request is refused ValidationUnavailable (fail closed).
# (SIGTERM, not its stdin: `scepgate serve` inherited the FIFO's other end.)
kill -TERM "$STANDIN_PID"
wait "$STANDIN_PID" 2>/dev/null || true
refused_closed() {
  mkdir -p "$WORK/closed"
  if timeout 60 scepclient -private-key "$WORK/closed/key.pem" -server-url "$URL" \
    -challenge "opaque-intune-challenge" -cn intune-mac >"$WORK/closed/out.log" 2>&1; then
    fail "a request was issued while Intune could not be asked"
  fi
  "$SCEPGATE" requests list --state failed | grep -q ValidationUnavailable ||
    fail "not recorded as ValidationUnavailable"
}
refused_closed
curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null || fail "the gateway stopped serving"
pass "with Intune unreachable a request is refused ValidationUnavailable, the gateway serves on"

! grep -qF "$SECRET" "$WORK/serve.log" "$WORK/refused.log" || fail "the client secret is in a log"
curl -sf -o "$WORK/metrics.txt" "http://127.0.0.1:$METRICS_PORT/metrics" || fail "no /metrics"
promtool check metrics <"$WORK/metrics.txt" >"$WORK/promtool.out" 2>&1 ||
  fail "promtool: $(cat "$WORK/promtool.out")"
# (This server started at the restart: it made every kind of call but a failure notification.)
for call in token:ok discovery:ok validate:ok success:ok download:ok upload:ok success:server_error; do
  counted "${call%%:*}" "${call##*:}"
done
# Which call found the stand-in gone first depends on timing: one of them counted it.
grep -q '^scepgate_intune_calls_total{call="[a-z]*",outcome="unreachable"} [1-9]' "$WORK/metrics.txt" ||
  fail "/metrics does not count the calls that found Intune unreachable"
grep -q '^scepgate_intune_call_seconds_count{call="validate"} [1-9]' "$WORK/metrics.txt" ||
  fail "/metrics has no latency of Intune's calls"
pass "the secret is in no log; Intune's calls and failures are counted"
