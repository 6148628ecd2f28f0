#!/usr/bin/env bash
# OCSP throughput, scepgate's /ocsp against the OpenSSL CLI's responder (`openssl ocsp -index
# ... -port`) as the peer, same machine, same certificates, same load generator
# (scepgate-ocsp-bench). A fresh scepgate (RSA-2048 CA) enrolls CERTS devices through
# scepgate-bench; their serials go into an OpenSSL CA database (index.txt) for the peer, which
# signs with the same issuing CA's key. Each run sends N requests without a nonce (so that
# answers may come from a cache) at concurrency C, cycling through the serials, and checks every
# answer (good, signature verified against the root). Prints the median of REPS runs per
# responder and the ratio.
#
#   bash bench/ocsp_compare.sh [BUILD_DIR]   (env: N=20000 C=16 REPS=5 CERTS=200 GET=0)
#
# `openssl ocsp -port` listens on every interface; as root the whole comparison runs in a private
# network namespace that has only loopback, so neither responder is reachable from outside.
set -euo pipefail
BUILD=$(realpath "${1:-build}")
if [ "$(id -u)" -eq 0 ] && [ -z "${SCEPGATE_BENCH_NETNS:-}" ] && command -v unshare >/dev/null; then
  exec env SCEPGATE_BENCH_NETNS=1 unshare -n bash -c 'ip link set lo up && exec bash "$0" "$1"' \
    "$0" "$BUILD"
fi
N=${N:-20000}
C=${C:-16}
REPS=${REPS:-5}
CERTS=${CERTS:-200}
GET=${GET:-0}
WORK=$(mktemp -d /tmp/scepgate-ocsp-bench-XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

DATA="$WORK/data"
CHALLENGE=$(python3 -c 'import secrets; print(secrets.token_urlsafe(18))')
"$BUILD/apps/scepgate" init --dir "$DATA" --key rsa:2048 --challenge "$CHALLENGE" >/dev/null
sed -i 's/^level = "info"/level = "warn"/' "$DATA/scepgate.toml"
SG_PORT=$(free_port)
"$BUILD/apps/scepgate" serve --dir "$DATA" --listen "127.0.0.1:$SG_PORT" --admin-listen off >"$WORK/serve.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$SG_PORT/healthz" >/dev/null && break; sleep 0.1; done
# The challenge is a throwaway made for this run (scepgate-bench takes it as an argument).
"$BUILD/bench/scepgate-bench" --url "http://127.0.0.1:$SG_PORT/scep" -n "$CERTS" -c 4 \
  --challenge "$CHALLENGE" --key ec:p256 >/dev/null
"$BUILD/apps/scepgate" cert list --json --dir "$DATA" |
  python3 -c 'import json,sys; [print(c["serial"]) for c in json.load(sys.stdin)]' >"$WORK/serials"
[ "$(wc -l <"$WORK/serials")" -eq "$CERTS" ] || { echo "expected $CERTS certificates" >&2; exit 1; }

# The peer: the same issuing CA signs, from an index of the same serials, all valid.
python3 - "$WORK/serials" >"$WORK/index.txt" <<'EOF'
import sys
for i, s in enumerate(open(sys.argv[1]).read().split()):
    s = s.upper()
    s = "0" + s if len(s) % 2 else s
    print(f"V\t301231235959Z\t\t{s}\tunknown\t/CN=bench-{i}")
EOF
PEER_PORT=$(free_port)
openssl ocsp -index "$WORK/index.txt" -port "$PEER_PORT" -rsigner "$DATA/ca/issuing.crt" \
  -rkey "$DATA/ca/issuing.key" -CA "$DATA/ca/issuing.crt" -nmin 60 >"$WORK/peer.log" 2>&1 &
PIDS+=($!)
sleep 1

run() {  # run URL: one JSON line per repetition
  local extra=()
  [ "$GET" = 1 ] && extra+=(--get)
  for _ in $(seq 1 "$REPS"); do
    "$BUILD/bench/scepgate-ocsp-bench" --url "$1" --issuer "$DATA/ca/issuing.crt" \
      --ca "$DATA/ca/root.crt" --serials "$WORK/serials" --expect good -n "$N" -c "$C" \
      --json "${extra[@]}"
  done
}
run "http://127.0.0.1:$SG_PORT/ocsp" >"$WORK/sg.jsonl"
run "http://127.0.0.1:$PEER_PORT" >"$WORK/peer.jsonl"

python3 - "$WORK/sg.jsonl" "$WORK/peer.jsonl" "$N" "$C" "$CERTS" <<'EOF'
import json, statistics, sys
def load(p):
    return [json.loads(l) for l in open(p) if l.strip()]
sg, peer = load(sys.argv[1]), load(sys.argv[2])
def med(rows, k):
    return statistics.median(r[k] for r in rows)
print(f"N={sys.argv[3]} c={sys.argv[4]} serials={sys.argv[5]} (medians of {len(sg)})")
for name, rows in (("scepgate /ocsp", sg), ("openssl ocsp -index", peer)):
    print(f"{name:22s} responses/s={med(rows,'responses_per_s'):9.1f} p50_ms={med(rows,'p50_ms'):.3f} "
          f"p99_ms={med(rows,'p99_ms'):.3f} failures={sum(r['failures'] for r in rows)}")
print(f"ratio {med(sg,'responses_per_s') / med(peer,'responses_per_s'):.2f}x")
EOF
