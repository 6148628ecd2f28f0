#!/usr/bin/env bash
# The admin listener with real clients: curl and the OpenSSL CLI over TLS, with bearer tokens and
# with client certificates that micromdm scepclient enrolled through the gateway itself.
# - The REST API answers on the admin listener over TLS (the certificate init issued verifies
#   against ca/root.crt for 127.0.0.1 and localhost) and is 404 on the public listener.
# - TLS 1.1 and a TLS 1.2 cipher without forward secrecy are refused at the handshake.
# - A client certificate named in [admin] client_roles acts with its role (operator alice may add
#   a device, auditor monitor may only read) and the audit log names it; one without a role gets
#   401; once `scepgate cert revoke` revokes alice's certificate, it gets 401 too.
# - /metrics answers auditors only (token or client certificate), passes `promtool check metrics`
#   and counts an enrollment; [metrics] listen serves it in plain HTTP without a token.
# - `scepgate admin-cert --name` and `scepgate reload` put a new certificate in service.
# - With client_cert_required, a client without a certificate fails the handshake.
#   bash tests/integration/admin_tls_test.sh SCEPGATE
SCEPGATE=$(realpath "$1")
source "$(dirname "$0")/lib.sh"
for tool in scepclient openssl curl python3 promtool; do
  command -v "$tool" >/dev/null || fail "$tool is not installed (bash scripts/setup.sh)"
done

start_gateway "admin-secret" 's/^legacy_algorithms = false/legacy_algorithms = true/'
ADMIN="https://127.0.0.1:$ADMIN_PORT"
ROOT="$DATA/ca/root.crt"
cd "$WORK"

# --- tokens over TLS ------------------------------------------------------------------------
TOKEN=$("$SCEPGATE" token create --dir "$DATA" --role admin --name it 2>/dev/null)
api() { curl -s --cacert "$ROOT" -o "$WORK/api.out" -w '%{http_code}' "$@"; }
[ "$(api -H "Authorization: Bearer $TOKEN" "$ADMIN/api/v1/devices")" = 200 ] ||
  fail "the admin listener did not answer the token: $(cat api.out)"
[ "$(api -H "Authorization: Bearer $TOKEN" "https://localhost:$ADMIN_PORT/api/v1/devices")" = 200 ] ||
  fail "the admin certificate does not name localhost"
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
  "http://127.0.0.1:$PORT/api/v1/devices")" = 404 ] || fail "the public listener serves the API"
if curl -s -o /dev/null "http://127.0.0.1:$ADMIN_PORT/api/v1/devices"; then
  fail "the admin listener answered plain HTTP"
fi
pass "the REST API is on the admin listener over TLS only, and 404 on the public one"

# --- protocol and ciphers -------------------------------------------------------------------
hs() { timeout 10 openssl s_client -connect "127.0.0.1:$ADMIN_PORT" -CAfile "$ROOT" "$@" </dev/null 2>&1; }
out=$(hs -tls1_1) && fail "TLS 1.1 was accepted"
grep -q "alert protocol version\|no protocols available" <<<"$out" || fail "TLS 1.1: $out"
out=$(hs -tls1_2 -cipher AES128-SHA) && fail "a cipher without forward secrecy was accepted"
out=$(hs -tls1_2) || fail "TLS 1.2 with ECDHE failed: $out"
grep -q "Verify return code: 0 (ok)" <<<"$out" || fail "TLS 1.2: the chain did not verify: $out"
out=$(hs -tls1_3) || fail "TLS 1.3 failed: $out"
pass "TLS 1.1 and non-forward-secret ciphers refused; 1.2 (ECDHE) and 1.3 verify against the root"

# --- client certificates --------------------------------------------------------------------
scep_enroll alice admin-secret
scep_enroll monitor admin-secret
scep_enroll bob admin-secret
subject_of() {
  "$SCEPGATE" cert list --dir "$DATA" --json |
    python3 -c 'import json,sys; print([c["subject"] for c in json.load(sys.stdin) if c["subject"].startswith("CN='"$1"'")][0])'
}
serial_of() {
  "$SCEPGATE" cert list --dir "$DATA" --json |
    python3 -c 'import json,sys; print([c["serial"] for c in json.load(sys.stdin) if c["subject"].startswith("CN='"$1"'")][0])'
}
ALICE=$(subject_of alice) MONITOR=$(subject_of monitor)
restart() { stop_gateway; serve_gateway; }
python3 - "$DATA/scepgate.toml" "$ALICE" "$MONITOR" <<'EOF'
import json, re, sys
path, alice, monitor = sys.argv[1:]
text = open(path).read()
text = text.replace('# client_ca = ""', 'client_ca = "ca/root.crt"')
roles = json.dumps(["operator:" + alice, "auditor:" + monitor])
text = re.sub(r"(?m)^client_roles = \[\]$", "client_roles = " + roles, text)
open(path, "w").write(text)
EOF
restart
as() { local who=$1; shift; api --cert "$WORK/$who/client.pem" --key "$WORK/$who/key.pem" "$@"; }
[ "$(as alice "$ADMIN/api/v1/devices")" = 200 ] || fail "alice (operator) could not list: $(cat api.out)"
[ "$(as alice -H 'Content-Type: application/json' -d '{"name":"LAPTOP-7","platform":"windows"}' \
  "$ADMIN/api/v1/devices")" = 201 ] || fail "alice (operator) could not add a device: $(cat api.out)"
[ "$(as monitor -H 'Content-Type: application/json' -d '{"name":"LAPTOP-8","platform":"windows"}' \
  "$ADMIN/api/v1/devices")" = 403 ] || fail "monitor (auditor) added a device: $(cat api.out)"
[ "$(as monitor "$ADMIN/api/v1/devices")" = 200 ] || fail "monitor (auditor) could not read"
[ "$(as bob "$ADMIN/api/v1/devices")" = 401 ] || fail "bob, without a role, got in: $(cat api.out)"
grep -q "has no role" api.out || fail "bob's refusal does not say why: $(cat api.out)"
audit=$("$SCEPGATE" audit list --dir "$DATA")
grep -q "cert:[0-9a-f]\{12\} (CN=alice" <<<"$audit" || fail "the audit log does not name alice's certificate: $audit"
[ "$(api -H "Authorization: Bearer $TOKEN" "$ADMIN/api/v1/tokens")" = 200 ] ||
  fail "a token no longer works beside client certificates"
pass "client certificates act with their roles (operator, auditor), none without one; audited"

# --- /metrics ----------------------------------------------------------------------------------
scep_enroll carol admin-secret  # counted by this process (the restart above began from zero)
[ "$(api "$ADMIN/metrics")" = 401 ] || fail "/metrics answered without a caller: $(cat api.out)"
[ "$(as bob "$ADMIN/metrics")" = 401 ] || fail "/metrics answered bob, who has no role"
[ "$(as monitor "$ADMIN/metrics")" = 200 ] || fail "monitor (auditor) could not read /metrics"
promtool check metrics <api.out >promtool.out 2>&1 || fail "promtool: $(cat promtool.out)"
grep -q '^scepgate_certificates_issued_total{kind="enrollment"} 1$' api.out ||
  fail "/metrics does not count the enrollment: $(grep issued api.out)"
grep -q '^scepgate_requests_total{operation="PKIOperation/PKCSReq",outcome="issued",fail_info=""} 1$' api.out ||
  fail "/metrics does not count the PKCSReqs: $(grep requests_total api.out)"
grep -q '^scepgate_certificate_expiry_seconds{role="ra",subject="CN=Interop RA"} [0-9]' api.out ||
  fail "/metrics has no RA expiry: $(grep expiry api.out)"
grep -q '^scepgate_certificate_expiry_seconds{role="admin-tls",' api.out || fail "/metrics has no admin-tls expiry"
grep -q '^scepgate_up{part="database"} 1$' api.out || fail "/metrics: database not up: $(grep up api.out)"
grep -q '^scepgate_outbox_events{state="pending"} [0-9]' api.out || fail "/metrics has no outbox backlog"
grep -q '^scepgate_challenges{state="unused"} 0$' api.out || fail "/metrics: challenges: $(grep challenges api.out)"
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/metrics")" = 404 ] ||
  fail "the public listener serves /metrics"
# [metrics] listen: the same text, plain HTTP, no token; nothing else there.
METRICS_PORT=$(free_port)
sed -i "s|^# listen = \"127.0.0.1:9810\"|listen = \"127.0.0.1:$METRICS_PORT\"|" "$DATA/scepgate.toml"
restart
curl -sf -o metrics.txt "http://127.0.0.1:$METRICS_PORT/metrics" || fail "[metrics] listen does not serve /metrics"
promtool check metrics <metrics.txt >promtool.out 2>&1 || fail "promtool ([metrics] listen): $(cat promtool.out)"
grep -q '^scepgate_up{part="signing"} 1$' metrics.txt || fail "[metrics] listen: $(grep up metrics.txt)"
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$METRICS_PORT/api/v1/devices")" = 404 ] ||
  fail "the metrics listener serves more than /metrics"
pass "/metrics: auditors only (or [metrics] listen), promtool-clean, enrollments, expiry, health"

"$SCEPGATE" cert revoke --dir "$DATA" "$(serial_of alice)" >/dev/null || fail "cert revoke failed"
[ "$(as alice "$ADMIN/api/v1/devices")" = 401 ] || fail "a revoked certificate still got in"
grep -q "revoked" api.out || fail "the refusal does not say revoked: $(cat api.out)"
[ "$(as monitor "$ADMIN/api/v1/devices")" = 200 ] || fail "monitor was refused after alice's revocation"
pass "a certificate scepgate revoked no longer speaks for its role"

# --- a new admin certificate, in service after reload ----------------------------------------
served_serial() { hs -tls1_3 | openssl x509 -noout -serial 2>/dev/null; }
before=$(served_serial)
out=$("$SCEPGATE" admin-cert --dir "$DATA" --name gw.example.test --name 127.0.0.1) ||
  fail "admin-cert failed: $out"
"$SCEPGATE" reload --dir "$DATA" >/dev/null
for _ in $(seq 1 50); do [ "$(served_serial)" != "$before" ] && break; sleep 0.1; done
[ "$(served_serial)" != "$before" ] || fail "reload did not put the new admin certificate in service"
hs -tls1_3 | openssl x509 -noout -ext subjectAltName | grep -q "DNS:gw.example.test" ||
  fail "the new certificate does not name gw.example.test"
[ "$(as monitor "$ADMIN/api/v1/devices")" = 200 ] || fail "the API stopped answering after reload"
[ "$(stat -c %a "$DATA/admin/tls.key")" = 600 ] || fail "admin/tls.key is not 0600"
"$SCEPGATE" admin-cert --dir "$DATA" --name 'not a name' >/dev/null 2>&1 && fail "a bad name was accepted"
pass "admin-cert issues a new certificate for the names given; reload serves it"

# --- required client certificates ------------------------------------------------------------
sed -i 's/^client_cert_required = false/client_cert_required = true/' "$DATA/scepgate.toml"
restart
if api -H "Authorization: Bearer $TOKEN" "$ADMIN/api/v1/devices" >/dev/null; then
  [ "$(cat api.out)" = "" ] || fail "a client without a certificate was served: $(cat api.out)"
fi
[ "$(as monitor "$ADMIN/api/v1/devices")" = 200 ] || fail "monitor was refused with a required certificate"
pass "with client_cert_required, a client without a certificate is refused at the handshake"
