#!/usr/bin/env bash
# Fleet-scale lists: a store filled with N certificates (default 1,000,000; 100,000 devices, 50
# profiles, 1% revoked, a year of issue times, 1 KB of DER each), then through the admin listener
# (HTTPS, one kept-alive connection) REQS pages of GET /api/v1/certificates per query: the first
# page, a page from the middle (cursor), and each filter. Prints p50/p99 ms per query. Then
# enrollment speed (scepgate-bench, c=8) on the full store against a fresh empty one, taking
# turns, REPS runs each: medians and their ratio.
#
# BACKEND=sqlite (the default) fills the SQLite file with one recursive INSERT. BACKEND=postgres
# starts a throw-away PostgreSQL (bench/pg_common.sh), gives the full and the empty store a
# database each on it, and fills the full one with one INSERT ... SELECT FROM generate_series,
# then VACUUM ANALYZE. KEEP=1 (postgres) leaves that server and its databases running at the end
# for EXPLAIN, and says how to reach and stop it.
#
#   bash bench/list_bench.sh [BUILD_DIR]     (env: BACKEND=sqlite N=1000000 REQS=200 ENROLL=1000
#                                             REPS=3 KEEP=0)
set -euo pipefail
BUILD=$(realpath "${1:-build}")
BACKEND=${BACKEND:-sqlite}
N=${N:-1000000}
REQS=${REQS:-200}
ENROLL=${ENROLL:-1000}
REPS=${REPS:-3}
KEEP=${KEEP:-0}
case "$BACKEND" in
  sqlite | postgres) ;;
  *) echo "BACKEND is sqlite or postgres, not $BACKEND" >&2; exit 2 ;;
esac
HERE=$(cd "$(dirname "$0")/.." && pwd)
SCEPGATE="$BUILD/apps/scepgate"
WORK=$(mktemp -d /tmp/scepgate-lists-XXXXXX)
chmod 755 "$WORK"
# shellcheck source=pg_common.sh
source "$HERE/bench/pg_common.sh"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "$KEEP" = 1 ] && [ -n "$PGDATA" ] && [ -f "$PGDATA/postmaster.pid" ]; then
    local as=""
    [ "$(id -u)" -ne 0 ] || as="runuser -u postgres -- "
    echo "KEEP=1: PostgreSQL still runs on 127.0.0.1:$PG_PORT (databases full_store, empty_store)"
    echo "  psql: psql -X -h 127.0.0.1 -p $PG_PORT -U $PG_SUPER -d full_store"
    echo "  stop: ${as}$PGBIN/pg_ctl -D $PGDATA -m fast stop && rm -rf $WORK"
    return
  fi
  pg_stop
  rm -rf "$WORK"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
serve() {  # DIR PORT ADMIN_PORT
  "$SCEPGATE" serve --dir "$1" --listen "127.0.0.1:$2" --admin-listen "127.0.0.1:$3" >"$1.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$2/healthz" >/dev/null && return 0; sleep 0.1; done
  echo "serve $1 did not start" >&2; exit 1
}

if [ "$BACKEND" = postgres ]; then
  pg_start "$WORK/pg"
  echo "PostgreSQL $(pg_psql postgres -At -c 'SHOW server_version') on 127.0.0.1:$PG_PORT"
fi
for d in full empty; do
  "$SCEPGATE" init --dir "$WORK/$d" --challenge bench >/dev/null
  sed -i 's/^level = "info"/level = "warn"/' "$WORK/$d/scepgate.toml"
  [ "$BACKEND" = sqlite ] || pg_use_database "$WORK/$d" "${d}_store"
done
START=1765000000
# fill_sqlite / fill_postgres: N certificates into the full store, then the planner's statistics.
fill_sqlite() {
  sqlite3 "$WORK/full/scepgate.db" <<SQL
PRAGMA journal_mode = WAL;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $N)
INSERT INTO certificates (serial, issuer_id, subject, sans, not_before, not_after, sha1, sha256,
  public_key_sha256, transaction_id, request_signer_sha256, template_name, der, status,
  revoked_at, revocation_reason, created_at, device_id, user_upn, profile, challenge_id,
  request_id)
SELECT lower(hex(randomblob(7))) || printf('%06x', i), (SELECT id FROM issuers LIMIT 1),
  'CN=device-' || i || ',O=Example', '["DNS:device-' || i || '.example"]',
  $START + i * 30 - 300, $START + i * 30 + 31536000, lower(hex(randomblob(20))),
  lower(hex(randomblob(32))), lower(hex(randomblob(32))), lower(hex(randomblob(20))),
  lower(hex(randomblob(32))), 'general', randomblob(1000),
  CASE WHEN i % 100 = 0 THEN 'revoked' ELSE 'valid' END,
  CASE WHEN i % 100 = 0 THEN $START + i * 30 + 86400 ELSE 0 END,
  CASE WHEN i % 100 = 0 THEN 4 ELSE 0 END,
  $START + i * 30, 'dev-' || (i % 100000), '', 'profile-' || (i % 50), '', 0
FROM n;
COMMIT;
ANALYZE;
SQL
}
# The same rows: random hex where SQLite has hex(randomblob(...)); the DER 1000 bytes, stored
# inline and uncompressed either way (a row stays under PostgreSQL's 2 KB TOAST threshold); seq,
# like SQLite's rowid, follows i. VACUUM sets the hint bits and the visibility map now, so that
# autovacuum does not do it while the pages are being timed.
fill_postgres() {
  pg_psql full_store <<SQL
BEGIN;
INSERT INTO certificates (serial, issuer_id, subject, sans, not_before, not_after, sha1, sha256,
  public_key_sha256, transaction_id, request_signer_sha256, template_name, der, status,
  revoked_at, revocation_reason, created_at, device_id, user_upn, profile, challenge_id,
  request_id)
SELECT substr(md5(random()::text), 1, 14) || lpad(to_hex(i), 6, '0'),
  (SELECT id FROM issuers LIMIT 1),
  'CN=device-' || i || ',O=Example', '["DNS:device-' || i || '.example"]',
  $START + i * 30 - 300, $START + i * 30 + 31536000,
  md5(random()::text) || substr(md5(random()::text), 1, 8),
  md5(random()::text) || md5(random()::text), md5(random()::text) || md5(random()::text),
  md5(random()::text) || substr(md5(random()::text), 1, 8),
  md5(random()::text) || md5(random()::text), 'general',
  decode(rpad(md5(random()::text), 2000, md5(random()::text)), 'hex'),
  CASE WHEN i % 100 = 0 THEN 'revoked' ELSE 'valid' END,
  CASE WHEN i % 100 = 0 THEN $START + i * 30 + 86400 ELSE 0 END,
  CASE WHEN i % 100 = 0 THEN 4 ELSE 0 END,
  $START + i * 30, 'dev-' || (i % 100000), '', 'profile-' || (i % 50), '', 0
FROM generate_series(1::bigint, $N) AS i;
COMMIT;
VACUUM (ANALYZE) certificates;
SQL
}
db_bytes() {
  if [ "$BACKEND" = postgres ]; then
    pg_psql full_store -At -c "SELECT pg_database_size(current_database())"
  else
    stat -c %s "$WORK/full/scepgate.db"
  fi
}
echo "filling $N certificates ..."
fill_start=$(date +%s.%N)
"fill_$BACKEND"
fill_end=$(date +%s.%N)
python3 -c "print(f'filled in {$fill_end - $fill_start:.1f} s; database {$(db_bytes) / 2**20:.0f} MiB')"

PORT=$(free_port) ADMIN_PORT=$(free_port)
serve "$WORK/full" "$PORT" "$ADMIN_PORT"
TOKEN=$("$SCEPGATE" token create --dir "$WORK/full" --role auditor --name bench 2>/dev/null)
MIDDLE="$((START + N / 2 * 30)).$((N / 2))"
DAY_FROM=$((START + N * 15)) DAY_TO=$((START + N * 15 + 86400))
SCEPGATE_TOKEN="$TOKEN" python3 - "$ADMIN_PORT" "$WORK/full/ca/root.crt" "$REQS" "$MIDDLE" \
  "$DAY_FROM" "$DAY_TO" <<'PY'
import http.client, os, ssl, statistics, sys, time
port, ca, reqs, middle, day_from, day_to = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), *sys.argv[4:]
conn = http.client.HTTPSConnection("127.0.0.1", port, context=ssl.create_default_context(cafile=ca))
head = {"Authorization": "Bearer " + os.environ["SCEPGATE_TOKEN"]}
queries = [
    ("first page", "limit=100"),
    ("middle page (cursor)", f"limit=100&cursor={middle}"),
    ("status=revoked", "limit=100&status=revoked"),
    ("profile", "limit=100&profile=profile-7"),
    ("device", "limit=100&device=dev-4242"),
    ("subject_prefix", "limit=100&subject_prefix=CN%3Ddevice-12345"),
    ("serial_prefix", "limit=100&serial_prefix=ab"),
    ("one day", f"limit=100&issued_after={day_from}&issued_before={day_to}"),
    ("1000 per page", "limit=1000"),
]
print(f"{'query':24} {'items':>6} {'p50_ms':>8} {'p99_ms':>8}")
for name, q in queries:
    times, items = [], 0
    for _ in range(reqs):
        t = time.perf_counter()
        conn.request("GET", "/api/v1/certificates?" + q, headers=head)
        r = conn.getresponse()
        body = r.read()
        times.append((time.perf_counter() - t) * 1000)
        if r.status != 200:
            sys.exit(f"{name}: HTTP {r.status} {body[:200]!r}")
        items = body.count(b'"serial"')
    times.sort()
    print(f"{name:24} {items:>6} {statistics.median(times):>8.2f} {times[int(len(times) * 0.99) - 1]:>8.2f}")
PY

# Enrollment on the full store and on an empty one, taking turns.
EPORT=$(free_port) EADMIN=$(free_port)
serve "$WORK/empty" "$EPORT" "$EADMIN"
rate() {
  "$BUILD/bench/scepgate-bench" --url "http://127.0.0.1:$1/scep" -n "$ENROLL" -c 8 --challenge bench \
    --json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["enrollments_per_s"])'
}
full=() empty=()
for _ in $(seq 1 "$REPS"); do
  full+=("$(rate "$PORT")")
  empty+=("$(rate "$EPORT")")
done
med() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
f=$(med "${full[@]}") e=$(med "${empty[@]}")
echo "enrollments/s at c=8, median of $REPS x $ENROLL: store of $N: $f  empty store: $e"
python3 -c "print(f'full / empty = {$f / $e:.2f}x')"
