#!/usr/bin/env bash
# The OCSP responder at /ocsp with the OpenSSL CLI as the client: `openssl ocsp` (POST, with its
# nonce) verifies each answer against the root and reads good, revoked (with its reason, at once
# after `scepgate cert revoke`) and unknown, several certificates in one request; a GET with the
# base64 request in the path (made with -reqout, sent with curl) gets a cacheable answer with
# RFC 5019's headers and a 304 on If-None-Match; junk gets malformedRequest, a CA not served here
# unauthorized, the root (its key here) answers for the issuing CA, and the gateway keeps
# serving. Certificates come from micromdm's scepclient.
SCEPGATE=$(realpath "$1")
source "$(dirname "$0")/lib.sh"
command -v scepclient >/dev/null || fail "scepclient is not installed (Debian package scep)"

start_gateway "ocsp-secret" 's/^legacy_algorithms = false/legacy_algorithms = true/'
OCSP="http://127.0.0.1:$PORT/ocsp"
chain_file
cd "$WORK"

scep_enroll laptop ocsp-secret
scep_enroll phone ocsp-secret


ocsp_ask -cert laptop.pem
grep -q "laptop.pem: good" ask.out || fail "laptop is not good: $(cat ask.out)"
pass "POST with a nonce: good, signed by the delegated responder, verified against the root"

ocsp_ask -serial 0x1234abcd
grep -q "0x1234abcd: unknown" ask.out || fail "an unknown serial is not unknown: $(cat ask.out)"
pass "a serial this CA never issued: unknown"

serial=$(openssl x509 -in phone.pem -noout -serial | cut -d= -f2)
"$SCEPGATE" cert revoke "$serial" --reason keyCompromise --dir "$DATA" >/dev/null ||
  fail "cert revoke failed"
ocsp_ask -cert phone.pem -cert laptop.pem
grep -q "phone.pem: revoked" ask.out || fail "phone is not revoked: $(cat ask.out)"
grep -q "Reason: keyCompromise" ask.out || fail "no reason given: $(cat ask.out)"
grep -q "laptop.pem: good" ask.out || fail "laptop is not good next to it: $(cat ask.out)"
pass "revoked at once after cert revoke, with its reason; two certificates in one request"

# GET (RFC 6960 appendix A.1): the base64 DER request, URL-encoded, after the path.
openssl ocsp -issuer issuing.pem -cert laptop.pem -no_nonce -reqout req.der >/dev/null 2>&1 ||
  fail "openssl ocsp -reqout failed"
path=$(python3 -c 'import base64,sys,urllib.parse; print(urllib.parse.quote(base64.b64encode(open(sys.argv[1],"rb").read()).decode(), safe=""))' req.der)
curl -sf -D get.headers -o get.der "$OCSP/$path" || fail "GET $OCSP/... failed"
openssl ocsp -respin get.der -issuer issuing.pem -cert laptop.pem -CAfile root.pem >get.out 2>get.err ||
  { cat get.out get.err >&2; fail "the GET answer does not parse"; }
grep -q "Response verify OK" get.err || fail "the GET answer does not verify: $(cat get.err)"
grep -q "laptop.pem: good" get.out || fail "GET: laptop is not good"
for h in "Content-Type: application/ocsp-response" "Cache-Control: max-age=" "ETag: \"" \
  "Last-Modified: " "Expires: "; do
  grep -qi "^$h" get.headers || fail "GET: no '$h' header: $(cat get.headers)"
done
etag=$(grep -i '^ETag:' get.headers | cut -d' ' -f2 | tr -d '\r')
code=$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "$OCSP/$path")
[ "$code" = 304 ] || fail "If-None-Match with the answer's ETag got $code, not 304"
curl -sf -D again.headers -o again.der "$OCSP/$path" || fail "second GET failed"
cmp -s get.der again.der || fail "an unchanged status was signed anew instead of served from cache"
pass "GET: cacheable answer with max-age, ETag, Last-Modified, Expires; 304 on If-None-Match"

curl -sf -H 'Content-Type: application/ocsp-request' --data-binary 'not an OCSP request' \
  -o junk.der "$OCSP" || fail "POST junk failed at the HTTP level"
openssl ocsp -respin junk.der -resp_text -noverify >junk.out 2>&1 || true
grep -qi "malformedrequest" junk.out || fail "junk did not get malformedRequest: $(cat junk.out)"
curl -sf -o badget.der "$OCSP/not*base64%" || fail "GET with a path that is not base64 failed at the HTTP level"
openssl ocsp -respin badget.der -resp_text -noverify >badget.out 2>&1 || true
grep -qi "malformedrequest" badget.out || fail "a GET path that is not base64 did not get malformedRequest: $(cat badget.out)"
code=$(curl -s -o /dev/null -w '%{http_code}' -X DELETE "$OCSP")
[ "$code" = 405 ] || fail "DELETE $OCSP got $code, not 405"
ocsp_ask -issuer root.pem -cert issuing.pem
grep -q "issuing.pem: good" ask.out || fail "the root does not answer good for its issuing CA: $(cat ask.out)"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=Foreign \
  -keyout foreign.key -out foreign.pem 2>/dev/null || fail "openssl could not make a foreign CA"
openssl ocsp -issuer foreign.pem -serial 0x01 -url "$OCSP" -noverify >unauth.out 2>&1 || true
grep -qi "unauthorized" unauth.out || fail "a CA not served here is not unauthorized: $(cat unauth.out)"
curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null || fail "the gateway stopped serving"
pass "junk (POST or GET): malformedRequest; DELETE: 405; the root answers good for its issuing CA; a foreign CA: unauthorized; still serving"
