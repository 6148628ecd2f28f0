#!/usr/bin/env bash
# OCSP across two scepgate nodes on one real PostgreSQL database (scripts/ha-up.sh, through
# lib.sh's ha_up): micromdm scepclient enrolls at node A (node1); `openssl ocsp` at node B (node2)
# reads good, verified against the root. Revoked on node A (`scepgate cert revoke` with node1's
# data dir), the certificate is answered revoked by node B within 1 s (polled every 0.1 s for 2 s
# at most; the time is printed), by POST with a nonce and by GET: a GET of the same request that
# node B answered good before, even with that answer's ETag in If-None-Match, gets a new, revoked
# answer and not a stale cached good one.
#   bash tests/integration/ha_ocsp_test.sh SCEPGATE
SCEPGATE=$(realpath "$1")
source "$(dirname "$0")/lib.sh"
for tool in nginx psql scepclient openssl curl python3; do
  command -v "$tool" >/dev/null || fail "$tool is not installed (bash scripts/setup.sh)"
done

ha_up HA_TOML_EDITS='s/^legacy_algorithms = false/legacy_algorithms = true/'
NODE_A=${NODE1_URL%/scep} NODE_B=${NODE2_URL%/scep}
cmp -s "$HA/node1/ca/issuing.crt" "$HA/node2/ca/issuing.crt" || fail "the nodes hold different issuing CAs"
cp "$HA/node1/ca/root.crt" "$WORK/root.pem"
cp "$HA/node1/ca/issuing.crt" "$WORK/issuing.pem"
cd "$WORK"
pass "ha-up.sh: node A at $NODE_A, node B at $NODE_B, one PostgreSQL database ($DSN)"

mkdir -p device
timeout 60 scepclient -private-key device/key.pem -server-url "$NODE1_URL" -challenge "$CHALLENGE" \
  -cn ha-ocsp-device >device/out.log 2>&1 || { cat device/out.log >&2; fail "scepclient did not enroll at node A"; }
cp device/client.pem device.pem
openssl verify -CAfile root.pem -untrusted issuing.pem device.pem >/dev/null ||
  fail "the certificate does not chain to the root"
# (A node logs a request just after answering it: wait for the line, 2 s at most.)
for _ in $(seq 1 20); do grep -q "operation=PKIOperation/PKCSReq .*outcome=issued" "$HA/node1.log" && break; sleep 0.1; done
grep -q "operation=PKIOperation/PKCSReq .*outcome=issued" "$HA/node1.log" || fail "node A did not issue it"
grep -q "outcome=issued" "$HA/node2.log" && fail "node B issued a certificate"
serial=$(openssl x509 -in device.pem -noout -serial | cut -d= -f2)
pass "scepclient enrolled at node A (serial $serial)"

# ask_b: `openssl ocsp` (POST, with a nonce) at node B, the answer verified against the root;
# sets STATUS to its line for device.pem ("device.pem: good").
ask_b() {
  openssl ocsp -issuer issuing.pem -cert device.pem -url "$NODE_B/ocsp" -CAfile root.pem \
    >ask.out 2>ask.err || { cat ask.out ask.err >&2; fail "openssl ocsp at node B failed"; }
  grep -q "Response verify OK" ask.err || { cat ask.out ask.err >&2; fail "node B's answer does not verify"; }
  STATUS=$(grep "^device.pem: " ask.out) || { cat ask.out >&2; fail "node B's answer names no status for device.pem"; }
}
# get_b FILE [CURL_ARGS...]: a GET at node B of the request in req.der (RFC 6960 A.1: the base64
# DER, URL-encoded, after the path), headers into FILE.headers, the answer (verified against the
# root) into FILE.der; sets STATUS as ask_b does.
get_b() {
  local f=$1
  shift
  curl -s -D "$f.headers" -o "$f.der" -w '%{http_code}' "$@" "$NODE_B/ocsp/$REQ_PATH" >"$f.code" ||
    fail "GET $NODE_B/ocsp/... failed"
  [ "$(cat "$f.code")" = 200 ] || fail "GET at node B: HTTP $(cat "$f.code"), not 200"
  openssl ocsp -respin "$f.der" -issuer issuing.pem -cert device.pem -CAfile root.pem \
    >"$f.out" 2>"$f.err" || { cat "$f.out" "$f.err" >&2; fail "node B's GET answer does not parse"; }
  grep -q "Response verify OK" "$f.err" || fail "node B's GET answer does not verify: $(cat "$f.err")"
  STATUS=$(grep "^device.pem: " "$f.out") || { cat "$f.out" >&2; fail "node B's GET answer names no status"; }
}

ask_b
[ "$STATUS" = "device.pem: good" ] || fail "node B: $(cat ask.out)"
openssl ocsp -issuer issuing.pem -cert device.pem -no_nonce -reqout req.der >/dev/null 2>&1 ||
  fail "openssl ocsp -reqout failed"
REQ_PATH=$(python3 -c 'import base64,sys,urllib.parse; print(urllib.parse.quote(base64.b64encode(open(sys.argv[1],"rb").read()).decode(), safe=""))' req.der)
get_b before
[ "$STATUS" = "device.pem: good" ] || fail "node B by GET, before: $(cat before.out)"
grep -qi "^Cache-Control: max-age=[1-9]" before.headers || fail "node B's GET answer is not cacheable: $(cat before.headers)"
etag=$(sed -n 's/^[Ee][Tt][Aa][Gg]: *//p' before.headers | tr -d '\r')
[ -n "$etag" ] || fail "node B's GET answer has no ETag: $(cat before.headers)"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "$NODE_B/ocsp/$REQ_PATH" || true)
[ "$code" = 304 ] || fail "node B: If-None-Match with its own ETag got $code, not 304, before the revocation"
pass "node B answers good (POST with a nonce, and GET: cacheable, ETag $etag, 304 on If-None-Match)"

started=$(date +%s%N)
"$SCEPGATE" cert revoke "$serial" --reason keyCompromise --dir "$HA/node1" >revoke.out 2>&1 ||
  { cat revoke.out >&2; fail "cert revoke on node A failed"; }
revoked_at=$(date +%s%N)
seen_ms=""
polls=0
for _ in $(seq 1 20); do  # 2 s at most
  ask_b
  polls=$((polls + 1))
  if [ "$STATUS" = "device.pem: revoked" ]; then
    seen_ms=$((($(date +%s%N) - revoked_at) / 1000000))
    break
  fi
  [ "$STATUS" = "device.pem: good" ] || fail "node B, while polling: $(cat ask.out)"
  [ $((($(date +%s%N) - revoked_at) / 1000000)) -lt 2000 ] || break
  sleep 0.1
done
revoke_ms=$(((revoked_at - started) / 1000000))
[ -n "$seen_ms" ] || fail "node B still answers '$STATUS' 2 s after cert revoke on node A ($polls polls)"
echo "revocation: cert revoke on node A took ${revoke_ms} ms; node B answered revoked ${seen_ms} ms after it returned (poll $polls)"
[ "$seen_ms" -le 1000 ] || fail "node B answered revoked only after ${seen_ms} ms, not within 1000 ms"
grep -q "Reason: keyCompromise" ask.out || fail "node B gives no reason: $(cat ask.out)"
pass "revoked on node A, answered revoked by node B after ${seen_ms} ms (at most 1000), with its reason"

get_b after
[ "$STATUS" = "device.pem: revoked" ] || fail "node B by GET, after: $(cat after.out) (a stale answer?)"
cmp -s before.der after.der && fail "node B's GET answer after the revocation is the one from before"
get_b conditional -H "If-None-Match: $etag"
[ "$STATUS" = "device.pem: revoked" ] ||
  fail "node B, If-None-Match with the good answer's ETag: $(cat conditional.out)"
etag2=$(sed -n 's/^[Ee][Tt][Aa][Gg]: *//p' after.headers | tr -d '\r')
[ -n "$etag2" ] && [ "$etag2" != "$etag" ] || fail "node B's revoked answer has the good answer's ETag ($etag2)"
pass "node B by GET: revoked, a new answer (ETag $etag2); the good answer's ETag gets 200 revoked, not 304"

openssl ocsp -issuer issuing.pem -cert device.pem -url "$NODE_A/ocsp" -CAfile root.pem >a.out 2>a.err ||
  fail "openssl ocsp at node A failed: $(cat a.err)"
grep -q "Response verify OK" a.err && grep -q "^device.pem: revoked" a.out ||
  fail "node A: $(cat a.out a.err)"
pass "node A answers revoked too"
