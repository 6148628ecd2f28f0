#!/usr/bin/env bash
# Memory under hostile bodies: CONNS connections at once, each announcing and sending a 2 MiB body
# (to the SCEP URL, and to the REST API without a token), against a fresh `scepgate serve`.
# Prints the server's resident memory before and at its peak (VmHWM), for the defaults and, as
# the peer, for the same binary with the body limits raised to 2 MiB, as they were before
# bodies were admitted from the head. REPS runs each; medians.
#
#   bash bench/hostile_bodies.sh [BUILD_DIR]      (env: CONNS=200 REPS=3)
set -euo pipefail
BUILD=$(realpath "${1:-build}")
CONNS=${CONNS:-200}
REPS=${REPS:-3}
SCEPGATE="$BUILD/apps/scepgate"
WORK=$(mktemp -d /tmp/scepgate-bodies-XXXXXX)
PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
kib() { awk -v k="$2" '$1 == k":" {print $2}' "/proc/$1/status"; }

# run LABEL [config lines...]: one fresh server, one flood; prints "before peak" in KiB.
run() {
  local dir="$WORK/d$RANDOM" port admin_port
  "$SCEPGATE" init --dir "$dir" --challenge bench >/dev/null
  shift
  for line in "$@"; do
    python3 - "$dir/scepgate.toml" "$line" <<'EOF'
import re, sys
path, line = sys.argv[1], sys.argv[2]
key = line.split("=")[0].strip()
text = open(path).read()
text = re.sub(r"(?m)^" + re.escape(key) + r"\s*=.*$", line, text)
open(path, "w").write(text)
EOF
  done
  port=$(free_port)
  admin_port=$(free_port)
  # The API's listener in plain HTTP, so the flood is the same bytes on both listeners.
  sed -i 's/^tls = true/tls = false/' "$dir/scepgate.toml"
  "$SCEPGATE" serve --dir "$dir" --listen "127.0.0.1:$port" --admin-listen "127.0.0.1:$admin_port" \
    2>"$dir/serve.log" &
  PID=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  local before peak
  before=$(kib "$PID" VmRSS)
  python3 - "$port" "$admin_port" "$CONNS" <<'EOF'
import socket, sys, threading
ports, conns = (int(sys.argv[1]), int(sys.argv[2])), int(sys.argv[3])
body = b"x" * (2 * 1024 * 1024)
heads = [
    b"POST /scep?operation=PKIOperation HTTP/1.1\r\nHost: b\r\nContent-Length: %d\r\n\r\n" % len(body),
    b"POST /api/v1/devices HTTP/1.1\r\nHost: b\r\nContent-Type: application/json\r\n"
    b"Content-Length: %d\r\n\r\n" % len(body),
]
def one(i):
    try:
        s = socket.create_connection(("127.0.0.1", ports[i % 2]), timeout=30)
        s.sendall(heads[i % 2])
        s.sendall(body)
        s.recv(4096)
        s.close()
    except OSError:
        pass
threads = [threading.Thread(target=one, args=(i,)) for i in range(conns)]
for t in threads: t.start()
for t in threads: t.join()
EOF
  peak=$(kib "$PID" VmHWM)
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null || { echo "server stopped answering" >&2; exit 1; }
  kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""
  echo "$before $peak"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

report() {
  local label=$1; shift
  local befores=() peaks=()
  for _ in $(seq 1 "$REPS"); do
    read -r b p < <(run "$label" "$@")
    befores+=("$b"); peaks+=("$p")
  done
  local mb mp
  mb=$(printf '%s\n' "${befores[@]}" | median)
  mp=$(printf '%s\n' "${peaks[@]}" | median)
  awk -v l="$label" -v b="$mb" -v p="$mp" \
    'BEGIN {printf "%-28s rss_before_kib=%-8s peak_rss_kib=%-8s growth_mib=%.1f\n", l, b, p, (p - b) / 1024}'
}

echo "== $CONNS connections x 2 MiB bodies (half SCEP, half API without a token), medians of $REPS"
report "defaults"
report "peer: 2 MiB body limits" "max_scep_body = 2097152" "max_body = 2097152"
