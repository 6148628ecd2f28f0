#!/usr/bin/env bash
# What one group-membership change costs through the REST API as the group grows: a fresh
# scepgate (SQLite), an operator token, SIZE devices added one by one (POST /api/v1/devices), then
# each added to one group (POST /api/v1/groups/NAME/members) over one kept-alive connection,
# timing every add. Prints the median and p99 of the first STEP adds (a group of 0..STEP) and of
# the STEP adds after each checkpoint, so that a cost that grows with the group shows as a
# growing median. The token goes to the client through its environment.
#
#   bash bench/membership_bench.sh [BUILD_DIR]      (env: SIZE=5000 STEP=250)
set -euo pipefail
BUILD=$(realpath "${1:-build}")
SIZE=${SIZE:-5000}
STEP=${STEP:-250}
WORK=$(mktemp -d /tmp/scepgate-members-XXXXXX)
PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
ADMIN_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')

"$BUILD/apps/scepgate" init --dir "$WORK/d" --challenge bench >/dev/null
sed -i 's/^level = "info"/level = "warn"/' "$WORK/d/scepgate.toml"
TOKEN=$("$BUILD/apps/scepgate" token create --role operator --name bench --dir "$WORK/d")
"$BUILD/apps/scepgate" serve --dir "$WORK/d" --listen "127.0.0.1:$PORT" \
  --admin-listen "127.0.0.1:$ADMIN_PORT" >"$WORK/serve.log" 2>&1 &
PID=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done

SCEPGATE_TOKEN="$TOKEN" python3 - "$ADMIN_PORT" "$SIZE" "$STEP" "$WORK/d/ca/root.crt" <<'PY'
import http.client, json, os, ssl, statistics, sys, time
port, size, step = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
# The admin listener: HTTPS with the certificate init issued, under the data dir's root.
conn = http.client.HTTPSConnection("127.0.0.1", port,
                                   context=ssl.create_default_context(cafile=sys.argv[4]))
head = {"Authorization": "Bearer " + os.environ["SCEPGATE_TOKEN"], "Content-Type": "application/json"}
def call(method, path, body):
    conn.request(method, "/api/v1" + path, json.dumps(body), head)
    r = conn.getresponse()
    data = r.read()
    if r.status >= 300:
        sys.exit(f"{method} {path}: {r.status} {data[:200]!r}")
    return data
call("POST", "/groups", {"name": "fleet"})
ids = [json.loads(call("POST", "/devices", {"name": f"dev-{i}", "platform": "windows"}))["id"]
       for i in range(size)]
times, sizes = [], []
for i, d in enumerate(ids):
    t = time.perf_counter()
    body = call("POST", "/groups/fleet/members", {"device": d})
    times.append((time.perf_counter() - t) * 1000)
    sizes.append(len(body))
print(f"one group, {size} devices added one by one; median and p99 ms of each {step} adds")
print(f"{'group size':>14} {'median_ms':>10} {'p99_ms':>8} {'answer_bytes':>13}")
for start in range(0, size, step):
    chunk = sorted(times[start:start + step])
    p99 = chunk[min(len(chunk) - 1, int(len(chunk) * 0.99))]
    print(f"{start:>6}..{start + len(chunk):<7} {statistics.median(chunk):>10.3f} {p99:>8.3f} "
          f"{sizes[start + len(chunk) - 1]:>13}")
first = statistics.median(times[:step]); last = statistics.median(times[-step:])
print(f"last / first median: {last / first:.2f}x")
PY
