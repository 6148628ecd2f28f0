#!/usr/bin/env bash
# The per-profile status report at fleet scale: a SQLite store with N devices (default 100,000) in
# a group that a SCEP profile targets, each with certificates of that profile and of another one
# (some revoked, some expired) and requests (issued, failed, pending). Then, REPS times each:
# `scepgate report --profile wifi --json` for the whole report, the whole report walked through
# the REST API 1000 rows a page (HTTPS, one kept-alive connection), and PAGES single pages of 100
# (first and middle), and of the device list. Prints medians (and p99 of the single pages), and
# the whole-report time at N/10 devices beside it, to show how it scales.
#
#   bash bench/report_bench.sh [BUILD_DIR]     (env: N=100000 REPS=3 PAGES=100; KEEP=1 keeps the
#   stores in the printed directory)
set -euo pipefail
BUILD=$(realpath "${1:-build}")
N=${N:-100000}
REPS=${REPS:-3}
PAGES=${PAGES:-100}
SCEPGATE="$BUILD/apps/scepgate"
WORK=$(mktemp -d /tmp/scepgate-report-XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ -n "${KEEP:-}" ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# fill DIR COUNT: a data dir whose profile "wifi" targets COUNT devices.
fill() {
  local dir=$1 count=$2
  "$SCEPGATE" init --dir "$dir" --challenge bench >/dev/null
  sed -i 's/^level = "info"/level = "warn"/' "$dir/scepgate.toml"
  "$SCEPGATE" group add fleet --dir "$dir" >/dev/null
  "$SCEPGATE" profile create wifi --dir "$dir" --type device --subject 'CN={{DeviceName}}' \
    --url http://127.0.0.1/scep >/dev/null
  "$SCEPGATE" assign wifi --group fleet --dir "$dir" >/dev/null
  local start=1765000000 now
  now=$(date +%s)
  sqlite3 "$dir/scepgate.db" >/dev/null <<SQL
PRAGMA journal_mode = WAL;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $count)
INSERT INTO devices (id, name, platform, serial_number, owner, created_at)
SELECT printf('%08x-0000-4000-8000-%012x', i, i), 'pc-' || i, 'windows', 'SN' || i, '', $start + i
FROM n;
INSERT INTO group_members (group_id, kind, member)
SELECT (SELECT id FROM groups WHERE name = 'fleet'), 'device', id FROM devices;
-- Per device: a wifi certificate valid for a year for 8 in 10 (one in 50 of them revoked), one
-- that has expired, and one of another profile.
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $count * 3)
INSERT INTO certificates (serial, issuer_id, subject, sans, not_before, not_after, sha1, sha256,
  public_key_sha256, transaction_id, request_signer_sha256, template_name, der, status,
  revoked_at, revocation_reason, created_at, device_id, user_upn, profile, challenge_id,
  request_id)
SELECT lower(hex(randomblob(8))) || printf('%06x', i), (SELECT id FROM issuers LIMIT 1),
  'CN=pc-' || (i % $count), '[]', $now - 86400,
  CASE i / $count WHEN 1 THEN $now - 3600 ELSE $now + 31536000 END,
  lower(hex(randomblob(20))), lower(hex(randomblob(32))), lower(hex(randomblob(32))),
  lower(hex(randomblob(20))), lower(hex(randomblob(32))), 'general', randomblob(800),
  CASE WHEN i % 50 = 0 THEN 'revoked' ELSE 'valid' END, 0, 0, $start + i,
  printf('%08x-0000-4000-8000-%012x', i % $count + 1, i % $count + 1), '',
  CASE WHEN i / $count = 2 THEN 'vpn' ELSE 'wifi' END, '', 0
FROM n WHERE i / $count != 0 OR i % 10 < 8;
-- Per device one issued request, and a newer failed or pending one for some.
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $count * 2)
INSERT INTO requests (correlation_id, transaction_id, message_type, state, fail_info, reason,
  signer_subject, signer_sha256, cert_serial, remote_addr, renewal, created_at, duration_us,
  device_id, user_upn, profile, challenge_id, stage)
SELECT lower(hex(randomblob(8))), lower(hex(randomblob(16))), 'PKCSReq',
  CASE WHEN i <= $count THEN 'issued' WHEN i % 3 = 0 THEN 'pending' ELSE 'failed' END,
  CASE WHEN i > $count AND i % 3 != 0 THEN 'badRequest' ELSE '' END,
  CASE WHEN i > $count AND i % 3 != 0 THEN 'BadCsr: the CSR does not verify' ELSE '' END,
  'CN=pc', '', '', '192.0.2.1', 0, $start + i, 1000,
  printf('%08x-0000-4000-8000-%012x', (i - 1) % $count + 1, (i - 1) % $count + 1), '', 'wifi',
  '', ''
FROM n WHERE i <= $count OR i % 7 < 2;
COMMIT;
ANALYZE;
SQL
}

# whole_report DIR: seconds of each of REPS `report --profile wifi --json`, one per line.
whole_report() {
  for _ in $(seq 1 "$REPS"); do
    local t0 t1
    t0=$(date +%s.%N)
    "$SCEPGATE" report --dir "$1" --profile wifi --json >"$WORK/report.json"
    t1=$(date +%s.%N)
    python3 -c "print($t1 - $t0)"
  done
}
median() { python3 -c 'import statistics,sys; print(f"{statistics.median(float(x) for x in sys.stdin):.3f}")'; }

echo "filling $N devices ..."
fill "$WORK/full" "$N"
fill "$WORK/tenth" "$((N / 10))"
rows=$(python3 -c "import json; print(len(json.load(open('/dev/stdin'))))" < <("$SCEPGATE" report --dir "$WORK/full" --profile wifi --json))
[ "$rows" -eq "$N" ] || { echo "report has $rows rows, want $N" >&2; exit 1; }
full=$(whole_report "$WORK/full" | median)
tenth=$(whole_report "$WORK/tenth" | median)
echo "whole report, CLI --json: $N devices ${full} s; $((N / 10)) devices ${tenth} s (median of $REPS)"
python3 -c "import json,collections; print('statuses:', dict(collections.Counter(r['status'] for r in json.load(open('$WORK/report.json')))))"

PORT=$(free_port) ADMIN_PORT=$(free_port)
"$SCEPGATE" serve --dir "$WORK/full" --listen "127.0.0.1:$PORT" --admin-listen "127.0.0.1:$ADMIN_PORT" \
  >"$WORK/serve.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
TOKEN=$("$SCEPGATE" token create --dir "$WORK/full" --role auditor --name bench 2>/dev/null)
SCEPGATE_TOKEN="$TOKEN" python3 - "$ADMIN_PORT" "$WORK/full/ca/root.crt" "$REPS" "$PAGES" "$N" <<'PY'
import http.client, os, ssl, statistics, sys, time
port, ca, reps, pages, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
conn = http.client.HTTPSConnection("127.0.0.1", port, context=ssl.create_default_context(cafile=ca))
head = {"Authorization": "Bearer " + os.environ["SCEPGATE_TOKEN"]}
def get(path):
    conn.request("GET", path, headers=head)
    r = conn.getresponse()
    body = r.read()
    if r.status != 200:
        sys.exit(f"{path}: HTTP {r.status} {body[:200]!r}")
    return r, body
walks = []
for _ in range(reps):
    t, rows, path, cursors = time.perf_counter(), 0, "/api/v1/profiles/wifi/report?limit=1000", []
    while path:
        r, body = get(path)
        rows += body.count(b'"device_id"')
        nxt = r.getheader("X-Next-Cursor")
        cursors.append(nxt)
        path = f"/api/v1/profiles/wifi/report?limit=1000&cursor={nxt}" if nxt else None
    walks.append(time.perf_counter() - t)
    if rows != n:
        sys.exit(f"walked {rows} rows, want {n}")
print(f"whole report through the API, pages of 1000: {statistics.median(walks):.3f} s (median of {reps}, {len(cursors)} pages)")
middle = cursors[len(cursors) // 2 - 1]
# The device list of the same store, a page at a time: its cursor from the middle of a walk.
path, device_cursors = "/api/v1/devices?limit=1000", []
while path:
    r, _ = get(path)
    nxt = r.getheader("X-Next-Cursor")
    device_cursors.append(nxt)
    path = f"/api/v1/devices?limit=1000&cursor={nxt}" if nxt else None
device_middle = device_cursors[len(device_cursors) // 2 - 1]
for name, path in [("first page of 100", "/api/v1/profiles/wifi/report?limit=100"),
                   ("middle page of 100", f"/api/v1/profiles/wifi/report?limit=100&cursor={middle}"),
                   ("devices, first 100", "/api/v1/devices?limit=100"),
                   ("devices, middle 100", f"/api/v1/devices?limit=100&cursor={device_middle}")]:
    times = []
    for _ in range(pages):
        t = time.perf_counter()
        get(path)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    print(f"{name:20} p50 {statistics.median(times):8.1f} ms  p99 {times[int(len(times) * 0.99) - 1]:8.1f} ms")
PY
