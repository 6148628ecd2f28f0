#!/usr/bin/env bash
# Two scepgate nodes on one real PostgreSQL behind nginx, as scripts/ha-up.sh starts them with
# deploy/nginx/scepgate.conf rendered for loopback ports. Through nginx: micromdm scepclient
# enrolls (POST, single DES, so legacy algorithms are on), certmonger enrolls and renews (GET),
# a 40 KB GET request line and a 100 KiB POST body reach a node and a 200 KiB body gets 413, and
# the shipped TLS server answers. scepgate-agent fails over from node1's own URL (node1 down) to
# node2's. scepgate-bench sends 1000 enrollments at c=16 while node1 is killed with SIGKILL
# half-way: no failure, one certificate per enrollment in the database, every serial distinct.
# node1, started again, serves through nginx again; scripts/ha-down.sh leaves no process.
#   bash tests/integration/ha_nginx_test.sh SCEPGATE SCEPGATE_AGENT SCEPGATE_BENCH
SCEPGATE=$(realpath "$1")
AGENT=$(realpath "$2")
BENCH=$(realpath "$3")
REPO=$(cd "$(dirname "$0")/../.." && pwd)
source "$(dirname "$0")/lib.sh"
source "$REPO/scripts/ha-common.sh"  # alive PID: it exists and is not a zombie

HA="$WORK/ha"
BENCH_PID=""
fail() {
  echo "FAIL: $*" >&2
  local f
  for f in "$HA/node1.log" "$HA/node2.log" "$HA/nginx/error.log"; do
    [ -f "$f" ] && { echo "--- last lines of $f:" >&2; tail -n 15 "$f" >&2; }
  done
  exit 1
}
ha_cleanup() {
  if [ -n "$BENCH_PID" ]; then kill "$BENCH_PID" 2>/dev/null || true; wait "$BENCH_PID" 2>/dev/null || true; fi
  [ -d "$HA" ] && bash "$REPO/scripts/ha-down.sh" "$HA" >/dev/null 2>&1
  cleanup
}
trap ha_cleanup EXIT

for tool in nginx psql scepclient certmonger dbus-run-session openssl curl; do
  command -v "$tool" >/dev/null || fail "$tool is not installed (bash scripts/setup.sh)"
done
[ "$(id -u)" -eq 0 ] || fail "this test needs root (certmonger runs in a private mount namespace)"
chmod 711 "$WORK"  # PostgreSQL runs as the postgres user and must reach $HA/pg

# A throw-away web server certificate for the TLS lines of the shipped file.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$WORK/tls.key" -out "$WORK/tls.crt" 2>/dev/null ||
  fail "openssl could not make a TLS certificate"

SCEPGATE="$SCEPGATE" HA_TLS_CERT="$WORK/tls.crt" HA_TLS_KEY="$WORK/tls.key" \
  HA_TOML_EDITS='s/^legacy_algorithms = false/legacy_algorithms = true/' \
  timeout 180 bash "$REPO/scripts/ha-up.sh" "$HA" >"$WORK/ha-up.out" 2>"$WORK/ha-up.log" ||
  { cat "$WORK/ha-up.log" >&2; fail "scripts/ha-up.sh failed"; }
keys=$(cut -d= -f1 "$WORK/ha-up.out" | tr '\n' ' ')
[ "$keys" = "url node1_pid node2_pid node1_url node2_url node1_admin node2_admin dsn challenge dir tls_url " ] ||
  fail "ha-up.sh printed: $(cat "$WORK/ha-up.out")"
cmp -s "$WORK/ha-up.out" "$HA/ha.env" || fail "ha.env differs from what ha-up.sh printed"
val() { sed -n "s/^$1=//p" "$HA/ha.env"; }
URL=$(val url) NODE1_PID=$(val node1_pid) NODE2_PID=$(val node2_pid)
NODE1_URL=$(val node1_url) NODE2_URL=$(val node2_url) DSN=$(val dsn) CHALLENGE=$(val challenge)
TLS_URL=$(val tls_url)
[ "$(val dir)" = "$HA" ] || fail "dir= is $(val dir), not $HA"
NODE1_ADDR=${NODE1_URL#http://}; NODE1_ADDR=${NODE1_ADDR%/scep}
NODE2_ADDR=${NODE2_URL#http://}; NODE2_ADDR=${NODE2_ADDR%/scep}
DATA="$HA/node2"  # for lib.sh's verify_cert; both nodes hold the same CA
export SCEPGATE_DIR="$HA/node2"
pass "ha-up.sh: nginx at $URL, nodes at $NODE1_URL and $NODE2_URL, $DSN"

# The database password is in the nodes' 0600 files and nowhere else ha-up.sh wrote (the cluster
# keeps a SCRAM verifier, not the password).
for n in 1 2; do
  [ "$(stat -c %a "$HA/node$n/db-password")" = 600 ] || fail "node$n/db-password is not mode 0600"
done
leaks=$(grep -rlF -f "$HA/node1/db-password" "$HA" "$WORK/ha-up.out" "$WORK/ha-up.log" |
  grep -v '/node[12]/db-password$' || true)
[ -z "$leaks" ] || fail "the database password is also in: $leaks"
pass "the database password is only in the nodes' db-password files (0600)"

if SCEPGATE="$SCEPGATE" bash "$REPO/scripts/ha-up.sh" "$HA" >/dev/null 2>"$WORK/again.log"; then fail "ha-up.sh reused a DIR in use"; fi
grep -q "not empty" "$WORK/again.log" || fail "ha-up.sh on a DIR in use: $(cat "$WORK/again.log")"
curl -sf -o /dev/null "$URL?operation=GetCACaps" || fail "a refused second ha-up.sh stopped the first"
pass "ha-up.sh refuses a DIR in use and leaves it running"

# PostgreSQL, read with the nodes' password through a libpq password file.
PG_PORT=$(sed -E 's|^postgresql://scepgate@127\.0\.0\.1:([0-9]+)/scepgate$|\1|' <<<"$DSN")
[[ "$PG_PORT" =~ ^[0-9]+$ ]] || fail "dsn= is not postgresql://scepgate@127.0.0.1:PORT/scepgate: $DSN"
sed "s/^/127.0.0.1:$PG_PORT:scepgate:scepgate:/" "$HA/node2/db-password" >"$WORK/pgpass"
chmod 600 "$WORK/pgpass"
sql() { PGPASSFILE="$WORK/pgpass" psql -X -qtA -v ON_ERROR_STOP=1 "$DSN" -c "$1"; }
[ "$(sql 'select 1')" = 1 ] || fail "psql cannot reach $DSN with the nodes' password"

# --- nginx's limits, and the TLS server ------------------------------------------------------
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
big=$(head -c 30000 /dev/urandom | base64 -w0 | tr '+/' '-_')
via_nginx=$(code "$URL?operation=PKIOperation&message=$big")
direct=$(code "$NODE2_URL?operation=PKIOperation&message=$big")
[ "$via_nginx" = "$direct" ] && [ "$via_nginx" != 414 ] ||
  fail "a ${#big}-character GET message: $via_nginx through nginx, $direct from a node"
head -c 102400 /dev/urandom >"$WORK/100k"
head -c 204800 /dev/urandom >"$WORK/200k"
post() { code -H 'Content-Type: application/x-pki-message' --data-binary "@$1" "$2?operation=PKIOperation"; }
via_nginx=$(post "$WORK/100k" "$URL")
direct=$(post "$WORK/100k" "$NODE2_URL")
[ "$via_nginx" = "$direct" ] && [ "$via_nginx" != 413 ] ||
  fail "a 100 KiB POST: $via_nginx through nginx, $direct from a node"
[ "$(post "$WORK/200k" "$URL")" = 413 ] || fail "a 200 KiB POST was not refused by nginx with 413"
pass "nginx passes a ${#big}-character GET query and a 100 KiB POST to a node (HTTP $direct), refuses 200 KiB (413)"
caps=$(curl -sf --cacert "$WORK/tls.crt" "$TLS_URL?operation=GetCACaps") ||
  fail "GetCACaps over $TLS_URL failed"
grep -q "POSTPKIOperation" <<<"$caps" || fail "GetCACaps over HTTPS: $caps"
pass "the shipped TLS server answers GetCACaps at $TLS_URL"

# --- micromdm scepclient (POST) through nginx ------------------------------------------------
mkdir -p "$WORK/mdm"
timeout 60 scepclient -private-key "$WORK/mdm/key.pem" -server-url "$URL" \
  -challenge "$CHALLENGE" -cn ha-micromdm >"$WORK/mdm/out.log" 2>&1 ||
  { cat "$WORK/mdm/out.log" >&2; fail "scepclient did not enroll through nginx"; }
[ -s "$WORK/mdm/client.pem" ] || fail "scepclient wrote no certificate"
verify_cert "$WORK/mdm/client.pem" || fail "scepclient's certificate does not chain to the root"
grep -q "CN *= *ha-micromdm" <<<"$(openssl x509 -in "$WORK/mdm/client.pem" -noout -subject)" ||
  fail "scepclient's certificate has the wrong subject"
pass "micromdm scepclient enrolled through nginx"

# --- certmonger (GET) through nginx: enroll, then renew (as certmonger_test.sh runs it) -------
mkdir -p "$WORK/state" "$WORK/cm" "$WORK/home"
{ certmonger_inner_head "$WORK/state" "$WORK/certmonger.log"; cat <<INNER
getcert add-scep-ca -s -c ha -u "$URL"
getcert request -s -c ha -I hatest -k "$WORK/cm/key.pem" -f "$WORK/cm/cert.pem" \
  -N CN=ha-certmonger -L "$CHALLENGE" -w -v
getcert list -s -i hatest > "$WORK/cm/list1.txt"
cp "$WORK/cm/cert.pem" "$WORK/cm/first.pem"
getcert resubmit -s -i hatest -w -v
getcert list -s -i hatest > "$WORK/cm/list2.txt"
INNER
} >"$WORK/inner.sh"
HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/home/.config" timeout 240 unshare -m dbus-run-session -- \
  bash "$WORK/inner.sh" >"$WORK/cm/run.log" 2>&1 ||
  { cat "$WORK/cm/run.log" "$WORK/cm"/list*.txt >&2 2>/dev/null; tail -20 "$WORK/certmonger.log" >&2 2>/dev/null; fail "certmonger run failed"; }
grep -q "status: MONITORING" "$WORK/cm/list1.txt" || { cat "$WORK/cm/list1.txt" >&2; fail "certmonger's request was not issued"; }
verify_cert "$WORK/cm/first.pem" || fail "certmonger's certificate does not chain"
grep -q "status: MONITORING" "$WORK/cm/list2.txt" || { cat "$WORK/cm/list2.txt" >&2; fail "certmonger's renewal was not issued"; }
s1=$(openssl x509 -in "$WORK/cm/first.pem" -noout -serial)
s2=$(openssl x509 -in "$WORK/cm/cert.pem" -noout -serial)
[ "$s1" != "$s2" ] || fail "certmonger's resubmit returned the same certificate"
verify_cert "$WORK/cm/cert.pem" || fail "certmonger's renewed certificate does not chain"
[ "$(sql "select count(*) from requests where renewal and state = 'issued'")" = 1 ] ||
  fail "certmonger's resubmission is not recorded as an issued renewal"
grep -q "method=GET path=/scep operation=PKIOperation/" "$HA/node1.log" "$HA/node2.log" ||
  fail "no GET PKIOperation reached a node"
pass "certmonger enrolled and renewed through nginx (GET)"

# --- scepgate-agent: a payload with both nodes' own URLs, node1 down ---------------------------
"$SCEPGATE" group add ha-agents >/dev/null
DEVICE=$("$SCEPGATE" device add --name ha-agent --platform linux)
"$SCEPGATE" group add-member ha-agents --device "$DEVICE" >/dev/null
"$SCEPGATE" profile create ha-agent --type device --subject 'CN={{DeviceName}}' \
  --url "$NODE1_URL" --url "$NODE2_URL" >/dev/null
"$SCEPGATE" assign ha-agent --group ha-agents >/dev/null
kill -TERM "$NODE1_PID"
for _ in $(seq 1 100); do alive "$NODE1_PID" || break; sleep 0.1; done
! alive "$NODE1_PID" || fail "node1 did not stop on SIGTERM"
# A linux device's payload lists the URLs in an order the server shuffles, and the agent tries
# them in that order: mint payloads until one lists node1 first (bounded).
payload=""
for i in $(seq 1 30); do
  "$SCEPGATE" payload --device "$DEVICE" --profile ha-agent --format json \
    --out "$WORK/payload-$i.json" --retry-delay 0 >/dev/null
  first=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["urls"][0])' "$WORK/payload-$i.json")
  if [ "$first" = "$NODE1_URL" ]; then payload="$WORK/payload-$i.json"; break; fi
done
[ -n "$payload" ] || fail "30 payloads in a row listed node2 first"
timeout 120 "$AGENT" enroll --payload "$payload" --out "$WORK/agent" --http-timeout 10 \
  >"$WORK/agent.events" 2>"$WORK/agent.err" ||
  { cat "$WORK/agent.events" "$WORK/agent.err" >&2; fail "scepgate-agent did not enroll"; }
python3 - "$WORK/agent.events" "$NODE1_URL" "$NODE2_URL" <<'EOF' || { cat "$WORK/agent.events" >&2; fail "the agent did not fail over from node1 to node2"; }
import json, sys
events = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
failed = [e for e in events if e["event"] == "enroll.failed"]
installed = [e for e in events if e["event"] == "certificate.installed"]
ok = (failed and all(e["url"] == sys.argv[2] for e in failed)
      and len(installed) == 1 and installed[0]["url"] == sys.argv[3])
sys.exit(0 if ok else 1)
EOF
verify_cert "$WORK/agent/cert.pem" || fail "the agent's certificate does not chain"
serial=$(openssl x509 -in "$WORK/agent/cert.pem" -noout -serial | cut -d= -f2)
"$SCEPGATE" cert show "$serial" --json | python3 -c '
import json,sys; sys.exit(0 if json.load(sys.stdin)["device_id"] == sys.argv[1] else 1)' "$DEVICE" ||
  fail "the agent's certificate is not linked to its device"
pass "scepgate-agent failed over from node1's URL (down) to node2's and got its certificate"

NODE1_PID=$(bash "$HA/start-node1.sh") || fail "start-node1.sh did not start node1 again"
pass "node1 started again (pid $NODE1_PID)"

# --- 1000 enrollments at c=16 through nginx, node1 SIGKILLed half-way --------------------------
bench_certs() { sql "select count(*) from certificates where subject like 'CN=bench-%'"; }
[ "$(bench_certs)" = 0 ] || fail "bench certificates before the run"
log_start=$(wc -l <"$HA/nginx/access.log")
timeout 300 "$BENCH" --url "$URL" -n 1000 -c 16 --challenge "$CHALLENGE" --json \
  >"$WORK/bench.json" 2>"$WORK/bench.err" &
BENCH_PID=$!
at_kill=""
for _ in $(seq 1 1200); do  # 120 s at most; preparing 1000 requests comes first
  kill -0 "$BENCH_PID" 2>/dev/null || break
  count=$(bench_certs) || fail "psql failed during the bench"
  if [ "$count" -ge 250 ]; then
    kill -KILL "$NODE1_PID"
    at_kill=$count
    break
  fi
  sleep 0.1
done
[ -n "$at_kill" ] || fail "the bench ended (or stalled) before 250 certificates: $(cat "$WORK/bench.json" "$WORK/bench.err")"
bench_rc=0
wait "$BENCH_PID" || bench_rc=$?
BENCH_PID=""
for _ in $(seq 1 50); do alive "$NODE1_PID" || break; sleep 0.1; done
! alive "$NODE1_PID" || fail "node1 survived SIGKILL"
out=$(cat "$WORK/bench.json")
[ "$bench_rc" = 0 ] || fail "bench exited $bench_rc: $out $(cat "$WORK/bench.err")"
read -r n failures rate p50 p99 seconds < <(python3 -c '
import json,sys; d=json.loads(sys.argv[1])
print(d["n"], d["failures"], d["enrollments_per_s"], d["p50_ms"], d["p99_ms"], d["seconds"])' "$out") ||
  fail "bench output: $out"
[ "$n" = 1000 ] && [ "$failures" = 0 ] || fail "bench: $out"
issued=$(bench_certs)
read -r serials subjects transactions < <(sql "select count(distinct serial), count(distinct subject),
  count(distinct transaction_id) from certificates where subject like 'CN=bench-%'" | tr '|' ' ')
listed=$("$SCEPGATE" cert list --limit 0 --json | python3 -c '
import json,sys; print(sum(1 for c in json.load(sys.stdin) if c["subject"].startswith("CN=bench-")))')
[ "$issued" = 1000 ] && [ "$serials" = 1000 ] && [ "$subjects" = 1000 ] && [ "$transactions" = 1000 ] &&
  [ "$listed" = 1000 ] ||
  fail "after 1000 enrollments: $issued certificates, $serials serials, $subjects subjects, $transactions transactions in the database; $listed listed by node2's CLI"
passed_on=$(tail -n +"$((log_start + 1))" "$HA/nginx/access.log" | grep '"POST /scep"' | grep -c 'upstream=[^ ]*, ' || true)
resent=$(sql "select count(*) from (select transaction_id from requests where transaction_id like 'bench-%'
  group by transaction_id having count(*) > 1) t")
echo "bench: n=$n c=16 failures=$failures enrollments/s=$rate p50_ms=$p50 p99_ms=$p99 seconds=$seconds"
echo "bench: node1 SIGKILLed after $at_kill certificates; POSTs passed on to node2 by nginx: $passed_on; transactions that reached a node twice: $resent"
echo "bench: database: $issued certificates, $serials distinct serials, $transactions distinct transactions; node2's cert list: $listed"
pass "1000 enrollments through nginx with node1 killed half-way: 0 failures, 1000 certificates, 1000 distinct serials"

# --- node1 again: nginx takes it back ----------------------------------------------------------
NODE1_PID=$(bash "$HA/start-node1.sh") || fail "start-node1.sh did not start node1 after SIGKILL"
log_start=$(wc -l <"$HA/nginx/access.log")
back=""
for _ in $(seq 1 150); do  # fail_timeout is 10 s; 30 s at most
  curl -sf -o /dev/null "$URL?operation=GetCACaps" || true
  if grep -q "upstream=$NODE1_ADDR/200/" <(tail -n +"$((log_start + 1))" "$HA/nginx/access.log"); then back=1; break; fi
  sleep 0.2
done
[ -n "$back" ] || fail "nginx did not send anything to node1 within 30 s of its restart"
log_start=$(wc -l <"$HA/nginx/access.log")
out=$("$BENCH" --url "$URL" -n 20 -c 2 --challenge "$CHALLENGE" --json 2>"$WORK/bench2.err") ||
  fail "20 enrollments after node1's restart: $out $(cat "$WORK/bench2.err")"
by1=$(tail -n +"$((log_start + 1))" "$HA/nginx/access.log" | grep '"POST /scep"' | grep -c "upstream=$NODE1_ADDR/200/" || true)
by2=$(tail -n +"$((log_start + 1))" "$HA/nginx/access.log" | grep '"POST /scep"' | grep -c "upstream=$NODE2_ADDR/200/" || true)
[ "$by1" -gt 0 ] && [ "$by2" -gt 0 ] || fail "after node1's restart, PKIOperations went $by1 to node1, $by2 to node2"
mkdir -p "$WORK/mdm2"
timeout 60 scepclient -private-key "$WORK/mdm2/key.pem" -server-url "$URL" \
  -challenge "$CHALLENGE" -cn ha-micromdm-after >"$WORK/mdm2/out.log" 2>&1 ||
  { cat "$WORK/mdm2/out.log" >&2; fail "scepclient did not enroll after node1's restart"; }
pass "node1 back behind nginx: 20 enrollments ($by1 by node1, $by2 by node2) and scepclient enrolled"

# --- ha-down.sh: nothing left running -----------------------------------------------------------
pids="$(cat "$HA/nginx/nginx.pid") $NODE1_PID $NODE2_PID $(head -n 1 "$HA/pg/data/postmaster.pid")"
bash "$REPO/scripts/ha-down.sh" "$HA" >"$WORK/ha-down.log" 2>&1 || { cat "$WORK/ha-down.log" >&2; fail "ha-down.sh failed"; }
for pid in $pids; do
  for _ in $(seq 1 50); do alive "$pid" || break; sleep 0.1; done
  ! alive "$pid" || fail "pid $pid still runs after ha-down.sh: $(ps -o pid=,stat=,args= -p "$pid")"
done
left=$(ps -eo pid=,args= | grep -F "$HA/" | grep -v grep || true)
[ -z "$left" ] || fail "processes left after ha-down.sh: $left"
bash "$REPO/scripts/ha-down.sh" "$HA" >"$WORK/ha-down2.log" 2>&1 || fail "a second ha-down.sh failed"
pass "ha-down.sh stopped nginx, both nodes and PostgreSQL (a second run is a no-op)"
