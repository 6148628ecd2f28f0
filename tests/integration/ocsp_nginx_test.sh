#!/usr/bin/env bash
# nginx as a real TLS server that checks client certificates against scepgate's OCSP responder:
# ssl_verify_client on, the CA chain, ssl_verify_depth 2, ssl_ocsp leaf, ssl_ocsp_responder
# http://127.0.0.1:PORT/ocsp, no ssl_ocsp_cache. micromdm scepclient enrolls alice and bob; with
# curl both get the page (200), each after a good answer from the gateway. After `scepgate cert
# revoke` of bob, the next request refuses bob (400 "The SSL certificate error", nginx logs
# "certificate revoked") and still serves alice. With the gateway stopped (the responder
# unreachable) nginx refuses both (400, "certificate status request failed"): it fails closed.
# A second server with `ssl_ocsp on` checks the issuing CA too: scepgate's root (its key in the
# data dir) answers for it from the issuer registry, so alice is let in there, and bob is refused
# there too once revoked.
#   bash tests/integration/ocsp_nginx_test.sh SCEPGATE
SCEPGATE=$(realpath "$1")
source "$(dirname "$0")/lib.sh"
for tool in nginx scepclient openssl curl; do
  command -v "$tool" >/dev/null || fail "$tool is not installed (bash scripts/setup.sh)"
done

NGINX_PID=""
fail() {
  echo "FAIL: $*" >&2
  local f
  for f in "$WORK/serve.log" "$WORK/nginx/error.log"; do
    [ -f "$f" ] && { echo "--- last lines of $f:" >&2; tail -n 15 "$f" >&2; }
  done
  exit 1
}
nginx_cleanup() {
  if [ -n "$NGINX_PID" ]; then kill "$NGINX_PID" 2>/dev/null || true; wait "$NGINX_PID" 2>/dev/null || true; fi
  cleanup
}
trap nginx_cleanup EXIT

start_gateway "ocsp-nginx-secret" 's/^legacy_algorithms = false/legacy_algorithms = true/'
chain_file
cat "$WORK/issuing.pem" "$WORK/root.pem" >"$WORK/client-ca.pem"
cd "$WORK"

enroll() {
  scep_enroll "$1" ocsp-nginx-secret
  verify_cert "$1/client.pem" || fail "$1's certificate does not chain to the root"
}
enroll alice
enroll bob
pass "scepclient enrolled alice and bob"

# The TLS server's own certificate (self-signed, for 127.0.0.1), and the page it serves.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 -keyout tls.key -out tls.crt 2>/dev/null ||
  fail "openssl could not make a TLS certificate"
mkdir -p nginx/tmp www
echo "hello from behind OCSP" >www/index.html

# nginx in the foreground (daemon off), so that $NGINX_PID is the master and the trap stops it.
# Two servers, the same but for ssl_ocsp:
# - $SITE, `ssl_ocsp leaf`: only the client's own certificate is checked with OCSP.
# - $SITE_ON, `ssl_ocsp on`: nginx checks every certificate of the chain but the root, each with
#   the one ssl_ocsp_responder, so it also asks scepgate about the issuing CA's certificate.
#   The root's key is in the data dir, so scepgate answers for the issuing CA too (good, from the
#   registry of issuing CAs, where `ca revoke-issuer` marks one revoked).
# No ssl_ocsp_cache: without one (its default is off) nginx asks the responder on every
# handshake that verifies a client certificate, so a revocation is seen by the next handshake.
# With `ssl_ocsp_cache shared:NAME:SIZE` nginx would keep each status it got, good too, until
# the answer's nextUpdate ([ocsp] validity_minutes, 60 by default; an hour when there is none) and
# let a revoked client in until then (the Cache-Control of the answer plays no part in it).
# No session resumption (no cache, no tickets), so that every request below is a full handshake
# with the client's certificate (curl, a new process each time, would not resume anyway).
# The responder is named by IP, so nginx needs no resolver (it reads the address when it loads
# the configuration; a name from the certificate's AIA would need one).
TLS_PORT=$(free_port)
ON_PORT=$(free_port)
server_block() {  # PORT SSL_OCSP
  cat <<EOF
    server {
        listen 127.0.0.1:$1 ssl;
        ssl_certificate $WORK/tls.crt;
        ssl_certificate_key $WORK/tls.key;
        ssl_verify_client on;
        ssl_client_certificate $WORK/client-ca.pem;
        ssl_verify_depth 2;
        ssl_ocsp $2;
        ssl_ocsp_responder http://127.0.0.1:$PORT/ocsp;
        ssl_session_cache off;
        ssl_session_tickets off;
        root $WORK/www;
        location / {
            index index.html;
        }
    }
EOF
}
{
  if [ "$(id -u)" -eq 0 ]; then echo "user root;"; fi  # the workers must read $WORK (0700)
  cat <<EOF
daemon off;
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log info;
events {
    worker_connections 64;
}
http {
    access_log $WORK/nginx/access.log;
    client_body_temp_path $WORK/nginx/tmp/client_body;
    proxy_temp_path $WORK/nginx/tmp/proxy;
    fastcgi_temp_path $WORK/nginx/tmp/fastcgi;
    uwsgi_temp_path $WORK/nginx/tmp/uwsgi;
    scgi_temp_path $WORK/nginx/tmp/scgi;
EOF
  server_block "$TLS_PORT" leaf
  server_block "$ON_PORT" on
  echo "}"
} >nginx.conf
nginx -t -q -c "$WORK/nginx.conf" -p "$WORK/nginx/" -e "$WORK/nginx/error.log" >nginx-t.log 2>&1 ||
  { cat nginx-t.log >&2; fail "nginx -t refused nginx.conf"; }
nginx -c "$WORK/nginx.conf" -p "$WORK/nginx/" -e "$WORK/nginx/error.log" </dev/null >nginx/start.log 2>&1 &
NGINX_PID=$!
SITE="https://127.0.0.1:$TLS_PORT/"
SITE_ON="https://127.0.0.1:$ON_PORT/"
up=""
for _ in $(seq 1 100); do
  kill -0 "$NGINX_PID" 2>/dev/null || { cat nginx/start.log >&2; NGINX_PID=""; fail "nginx exited"; }
  if [ "$(curl -s -o /dev/null -w '%{http_code}' --cacert tls.crt "$SITE" || true)" = 400 ]; then up=1; break; fi
  sleep 0.1
done
[ -n "$up" ] || fail "nginx did not answer on $SITE within 10 s"

# visit NAME [URL]: curl with NAME's certificate at URL ($SITE); sets CODE (HTTP status, 000 if
# none) and BODY. Each curl is a new process: a full handshake, no resumed session.
visit() {
  CODE=$(curl -s --max-time 20 -o visit.body -w '%{http_code}' --cacert tls.crt \
    --cert "$1/client.pem" --key "$1/key.pem" "${2:-$SITE}" || true)
  BODY=$(cat visit.body 2>/dev/null || true)
  rm -f visit.body
}
# admitted NAME [URL]: nginx serves NAME the page.
admitted() {
  visit "$1" "${2:-$SITE}"
  [ "$CODE" = 200 ] || fail "$1: HTTP $CODE, not 200 ($BODY)"
  [ "$BODY" = "hello from behind OCSP" ] || fail "$1: 200, but the page is: $BODY"
}
# refused NAME WHY [URL]: nginx refuses NAME's certificate with 400 and its page "The SSL
# certificate error", and its error log says "client SSL certificate verify error: WHY" (nginx
# writes that line before it answers).
refused() {
  local start
  start=$(wc -l <nginx/error.log)
  visit "$1" "${3:-$SITE}"
  [ "$CODE" = 400 ] || fail "$1: HTTP $CODE, not 400 ($BODY)"
  grep -q "<title>400 The SSL certificate error</title>" <<<"$BODY" ||
    fail "$1: 400, but not nginx's SSL certificate error page: $BODY"
  grep -qF "client SSL certificate verify error: $2 " <<<"$(tail -n +"$((start + 1))" nginx/error.log)" ||
    fail "$1: nginx's error log does not say 'client SSL certificate verify error: $2'"
}
# ocsp_answers OUTCOME: how many OCSP answers with OUTCOME the gateway has logged (it logs a
# request just after answering it, so wait up to 2 s for the count to reach $2 when given).
ocsp_answers() {
  local n=0
  for _ in $(seq 1 20); do
    n=$(grep -c "method=GET path=/ocsp/.* operation=ocsp .*outcome=$1 " serve.log || true)
    [ "$n" -ge "${2:-0}" ] && break
    sleep 0.1
  done
  echo "$n"
}

# Without a client certificate nginx answers 400 too, with another page.
code=$(curl -s -o nobody.body -w '%{http_code}' --cacert tls.crt "$SITE" || true)
[ "$code" = 400 ] && grep -q "No required SSL certificate was sent" nobody.body ||
  fail "nginx without a client certificate: HTTP $code: $(cat nobody.body)"
admitted alice
admitted bob
good=$(ocsp_answers good 2)
[ "$good" = 2 ] || fail "nginx let alice and bob in after $good good OCSP answers from the gateway, not 2"
pass "without a client certificate: 400; alice and bob: 200, each after a good answer (GET /ocsp) from the gateway"

before=$(ocsp_answers good)
admitted alice "$SITE_ON"
[ "$(ocsp_answers good $((before + 2)))" -ge $((before + 2)) ] ||
  fail "with ssl_ocsp on, the gateway did not answer good for both alice and the issuing CA"
pass "ssl_ocsp on (the issuing CA asked too): alice 200, the root answers good for the issuing CA"

serial=$(openssl x509 -in bob/client.pem -noout -serial | cut -d= -f2)
"$SCEPGATE" cert revoke "$serial" --reason keyCompromise --dir "$DATA" >/dev/null || fail "cert revoke failed"
refused bob "certificate revoked"
[ "$(ocsp_answers revoked 1)" = 1 ] || fail "the gateway did not answer revoked to nginx for bob"
admitted alice
refused bob "certificate revoked" "$SITE_ON"
admitted alice "$SITE_ON"
pass "right after cert revoke (no ssl_ocsp_cache): bob 400 (certificate revoked), alice still 200, with ssl_ocsp leaf and on"

# The responder down: nginx cannot connect to it and refuses every client (fails closed), though
# alice's certificate is good and was checked a moment ago.
kill "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null || true
SERVER_PID=""
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$PORT/healthz" || true)
[ "$code" = 000 ] || fail "the gateway still answers after it was stopped (HTTP $code)"
refused alice "certificate status request failed"
refused bob "certificate status request failed"
grep -qF "(111: Connection refused) while requesting certificate status" nginx/error.log ||
  fail "nginx's error log does not say that the responder refused the connection"
pass "gateway stopped: nginx cannot reach the responder and refuses alice and bob (400): fails closed"
