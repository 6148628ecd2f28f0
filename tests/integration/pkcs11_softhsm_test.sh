#!/usr/bin/env bash
# CA keys in a PKCS#11 token (SoftHSM2, a token made for this test in its own directory):
# `scepgate init --pkcs11` makes the root, issuing CA and RA keys inside the token and the data
# dir holds no private key file; micromdm's scepclient enrolls (the RA key decrypts, the CA key
# signs, both in the token); a revocation shows in the CRL and in OCSP (the responder's key is a
# session key of the token); a rollover makes the next keys in the token too; a wrong PIN or a
# missing token stops `serve` at start with a clear error, and the PIN is in no log or config.
# Usage: pkcs11_softhsm_test.sh SCEPGATE SCEPGATE_TEST_TOKEN
SCEPGATE=$(realpath "$1")
export SCEPGATE_TEST_TOKEN=$(realpath "$2")
source "$(dirname "$0")/lib.sh"
command -v scepclient >/dev/null || fail "scepclient is not installed (Debian package scep)"

start_gateway "hsm-secret" 's/^legacy_algorithms = false/legacy_algorithms = true/'
PIN=$(cat "$P11_PIN_FILE")
chain_file
cd "$WORK"

# No CA or RA key file; the admin listener's TLS key (admin/tls.key) is a file, as a service's is.
keys=$(find "$DATA/ca" -name '*.key')
[ -z "$keys" ] || fail "the data dir holds private key files: $keys"
[ -f "$DATA/admin/tls.key" ] || fail "init issued no admin TLS key"
for stem in root issuing ra; do
  grep -q "^pkcs11:token=interop;object=interop-$stem-" "$DATA/ca/$stem.p11" ||
    fail "ca/$stem.p11 does not name a key in the token: $(cat "$DATA/ca/$stem.p11")"
done
pass "init --pkcs11: root, issuing CA and RA keys in the token, no private key file in the data dir"

scep_enroll laptop hsm-secret
scep_enroll phone hsm-secret
verify_cert laptop.pem || fail "the certificate does not chain to the root"
pass "scepclient enrolled twice through the token (RA decrypts, issuing CA signs)"

OCSP="http://127.0.0.1:$PORT/ocsp"
ocsp_ask -cert laptop.pem
grep -q "laptop.pem: good" ask.out || fail "laptop is not good: $(cat ask.out)"
grep -q "key in the token" "$WORK/serve.log" || fail "the OCSP responder key is not the token's"

serial=$("$SCEPGATE" cert list --dir "$DATA" --json | python3 -c '
import json,sys; print([c["serial"] for c in json.load(sys.stdin) if "phone" in c["subject"]][0])')
"$SCEPGATE" cert revoke "$serial" --reason keyCompromise --dir "$DATA" >/dev/null ||
  fail "cert revoke failed"
ocsp_ask -cert phone.pem
grep -q "phone.pem: revoked" ask.out || fail "phone is not revoked: $(cat ask.out)"
curl -sf -o current.crl "http://127.0.0.1:$PORT/crl/current.crl" || fail "no CRL"
cat root.pem issuing.pem >chain.pem
openssl crl -inform DER -in current.crl -CAfile chain.pem -noout -text >crl.txt 2>crl.err ||
  fail "the CRL does not parse: $(cat crl.err)"
grep -q "verify OK" crl.err || fail "the CRL signed in the token does not verify: $(cat crl.err)"
# The store writes serials without leading zeros; openssl prints whole bytes.
grep -qiE "Serial Number: 0?$serial\$" crl.txt || fail "the CRL does not list $serial: $(cat crl.txt)"
pass "revoked: OCSP (signed by a token session key) and the CRL (signed in the token) say so"

stop_gateway
"$SCEPGATE" ca rollover --dir "$DATA" >/dev/null || fail "ca rollover failed"
"$SCEPGATE" ca activate --dir "$DATA" >/dev/null || fail "ca activate failed"
keys=$(find "$DATA/ca" -name '*.key')
[ -z "$keys" ] || fail "the rollover left private key files: $keys"
[ -f "$DATA/ca/archive/1/issuing.p11" ] || fail "the archived issuing CA is not named by a .p11 file"
cmp -s "$DATA/ca/issuing.p11" "$DATA/ca/archive/1/issuing.p11" && fail "the new issuing CA kept the old key"
serve_gateway
chain_file
scep_enroll tablet hsm-secret
verify_cert tablet.pem || fail "a certificate of the new issuing CA does not chain"
aki() { openssl x509 -in "$1" -noout -ext authorityKeyIdentifier | tail -n 1; }
[ "$(aki tablet.pem)" != "$(aki phone.pem)" ] || fail "the new certificate was signed by the old key"
pass "rollover: the next issuing CA and RA keys made in the token; enrollment goes on"

# Start-up failures: nothing is served, the reason is clear, the PIN is never shown.
stop_gateway
start_fails() {
  local log=$1 want=$2; shift 2
  if env "$@" timeout 20 "$SCEPGATE" serve --dir "$DATA" --listen "127.0.0.1:$PORT" \
    --admin-listen "127.0.0.1:$ADMIN_PORT" >"$log" 2>&1; then
    fail "serve started ($*)"
  fi
  grep -q "$want" "$log" || fail "serve did not say '$want': $(cat "$log")"
}
(umask 077; echo "not-the-pin" >"$WORK/hsm/wrong-pin")
sed -i "s|^pin_file = .*|pin_file = \"$WORK/hsm/wrong-pin\"|" "$DATA/scepgate.toml"
start_fails wrong.log "wrong PIN" SCEPGATE_X=1
sed -i "s|^pin_file = .*|pin_file = \"$P11_PIN_FILE\"|" "$DATA/scepgate.toml"
mkdir -p "$WORK/empty/tokens"
echo "directories.tokendir = $WORK/empty/tokens" >"$WORK/empty/softhsm2.conf"
start_fails missing.log "no PKCS#11 token matches" SOFTHSM2_CONF="$WORK/empty/softhsm2.conf"
chmod 644 "$P11_PIN_FILE"
start_fails open.log "chmod 600" SCEPGATE_X=1
chmod 600 "$P11_PIN_FILE"
pass "a wrong PIN, a missing token and a PIN file others may read stop serve at start"

# The PIN from the environment instead of a file.
sed -i 's|^pin_file = .*|pin_file = ""|' "$DATA/scepgate.toml"
start_fails nopin.log "SCEPGATE_PKCS11_PIN" SCEPGATE_X=1
SCEPGATE_PKCS11_PIN="$PIN" serve_gateway
scep_enroll watch hsm-secret
pass "the PIN from SCEPGATE_PKCS11_PIN"

# A reload (SIGHUP) opens the data dir again: the token already open in the process is shared,
# and enrollment goes on through it.
"$SCEPGATE" reload --dir "$DATA" >/dev/null || fail "scepgate reload failed"
for _ in $(seq 1 100); do
  grep -qE "reloaded: |reload failed" "$WORK/serve.log" && break
  sleep 0.1
done
grep -q "reloaded: " "$WORK/serve.log" || fail "serve did not reload: $(tail -n 5 "$WORK/serve.log")"
scep_enroll ring hsm-secret
# A reload with a wrong PIN is refused (the open token is shared only for the same PIN) and the
# running stack stays.
sed -i "s|^pin_file = .*|pin_file = \"$WORK/hsm/wrong-pin\"|" "$DATA/scepgate.toml"
"$SCEPGATE" reload --dir "$DATA" >/dev/null || fail "scepgate reload failed"
for _ in $(seq 1 100); do
  grep -q "reload failed" "$WORK/serve.log" && break
  sleep 0.1
done
grep -q "reload failed.*wrong PIN" "$WORK/serve.log" ||
  fail "a reload with a wrong PIN was not refused: $(tail -n 5 "$WORK/serve.log")"
scep_enroll bell hsm-secret
pass "after a reload, enrollment goes on through the token; a reload with a wrong PIN is refused"

for f in "$WORK"/*.log "$DATA/scepgate.toml"; do
  if grep -qF -- "$PIN" "$f"; then fail "the PIN appears in $f"; fi
done
pass "the PIN is in no log and not in the config"
