#!/usr/bin/env bash
# What a bulk import costs (`scepgate device import`, issue #16): DEVICES devices (default
# 100,000), each owned by one of USERS users (10,000) and in 1-2 of GROUP_COUNT groups (20), written as
# one CSV file (users first, then devices without ids: scepgate mints them, --ids-out keeps them)
# and one JSON-lines file (the same rows, devices with ids). Each is imported with
# --create-groups into a fresh SQLite data dir and into a fresh database on a throw-away
# PostgreSQL (bench/pg_common.sh: initdb in a temporary directory, loopback only, run as user
# postgres under root), then the JSON-lines file once more (everything already there: the
# idempotent re-run). Prints seconds and rows/s for each run. The target: 100,000 devices and
# their memberships in <= 30 s.
#
#   bash bench/import_bench.sh [BUILD_DIR]     (env: DEVICES=100000 USERS=10000 GROUP_COUNT=20
#                                               BATCH=2000 PG=1; PG=0 skips PostgreSQL)
set -euo pipefail
BUILD=$(realpath "${1:-build}")
DEVICES=${DEVICES:-100000}
USERS=${USERS:-10000}
GROUP_COUNT=${GROUP_COUNT:-20}
BATCH=${BATCH:-2000}
PG=${PG:-1}
HERE=$(cd "$(dirname "$0")/.." && pwd)
SCEPGATE="$BUILD/apps/scepgate"
WORK=$(mktemp -d /tmp/sg-import-XXXXXX)
chmod 755 "$WORK"
# shellcheck source=pg_common.sh
source "$HERE/bench/pg_common.sh"
cleanup() {
  pg_stop
  rm -rf "$WORK"
}
trap cleanup EXIT

python3 - "$WORK" "$DEVICES" "$USERS" "$GROUP_COUNT" <<'PY'
import csv, json, random, sys, uuid
work, devices, users, groups = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rng = random.Random(16)
platforms = ["windows", "ios", "ipados", "macos", "android", "linux"]
upns = [f"user{i}@example.com" for i in range(users)]
names = [f"group-{g}" for g in range(groups)]
with open(f"{work}/fleet.csv", "w", newline="") as c, open(f"{work}/fleet.jsonl", "w") as j:
    w = csv.writer(c, lineterminator="\r\n")
    w.writerow(["type", "upn", "email", "name", "platform", "serial_number", "owner", "groups"])
    for u in upns:
        w.writerow(["user", u, u, "", "", "", "", ""])
        j.write(json.dumps({"type": "user", "upn": u, "email": u}) + "\n")
    for i in range(devices):
        gs = rng.sample(names, rng.choice([1, 2]))
        row = {"name": f"laptop {i}, floor {i % 7}", "platform": rng.choice(platforms),
               "serial_number": f"SN{i:08d}", "owner": rng.choice(upns)}
        w.writerow(["device", "", "", row["name"], row["platform"], row["serial_number"],
                    row["owner"], ";".join(gs)])
        j.write(json.dumps({"id": str(uuid.UUID(int=rng.getrandbits(128), version=4)), **row,
                            "groups": gs}) + "\n")
PY
ROWS=$((DEVICES + USERS))
MEMBERS=$(tail -n +2 "$WORK/fleet.csv" | tr -d '\r' | awk -F, '{ n += split($NF, a, ";") } END { print n }')
echo "import of $DEVICES devices, $USERS users, $GROUP_COUNT groups, ~$MEMBERS memberships" \
  "($ROWS rows; batch $BATCH); nproc=$(nproc)"
printf '%-10s %-24s %9s %10s\n' store run seconds rows/s

# run STORE LABEL DIR FILE [FLAGS...]: one timed import; dies when any row was refused.
run() {
  local store=$1 label=$2 dir=$3 file=$4
  shift 4
  local start end
  start=$(date +%s.%N)
  "$SCEPGATE" device import "$file" --dir "$dir" --create-groups --batch "$BATCH" "$@" \
    >"$WORK/out.txt" 2>&1 || { cat "$WORK/out.txt" >&2; exit 1; }
  end=$(date +%s.%N)
  python3 -c "import sys; s = float(sys.argv[2]) - float(sys.argv[1]);
print(f'{sys.argv[3]:<10} {sys.argv[4]:<24} {s:9.2f} {int(sys.argv[5]) / s:10.0f}')" \
    "$start" "$end" "$store" "$label" "$ROWS"
}

fresh_sqlite() {
  "$SCEPGATE" init --dir "$1" --challenge bench >/dev/null
  sed -i 's/^level = "info"/level = "warn"/' "$1/scepgate.toml"
}

fresh_sqlite "$WORK/csv"
run sqlite "csv (ids minted)" "$WORK/csv" "$WORK/fleet.csv" --ids-out "$WORK/ids.csv"
[ "$(($(wc -l <"$WORK/ids.csv") - 1))" -eq "$DEVICES" ] || { echo "ids-out is short" >&2; exit 1; }
fresh_sqlite "$WORK/jsonl"
run sqlite "jsonl (ids given)" "$WORK/jsonl" "$WORK/fleet.jsonl"
run sqlite "jsonl again (all there)" "$WORK/jsonl" "$WORK/fleet.jsonl"
grep -q "devices: 0 added, $DEVICES existing" "$WORK/out.txt" ||
  { cat "$WORK/out.txt" >&2; echo "the re-run added something" >&2; exit 1; }

[ "$PG" = 1 ] || exit 0
pg_start "$WORK/pg"
# pg_dir NAME: a database for one run, and a fresh data dir on it.
pg_dir() {
  fresh_sqlite "$WORK/pg-$1"
  pg_use_database "$WORK/pg-$1" "$1"
}
pg_dir csvdb
run postgres "csv (ids minted)" "$WORK/pg-csvdb" "$WORK/fleet.csv" --ids-out "$WORK/ids-pg.csv"
pg_dir jsonldb
run postgres "jsonl (ids given)" "$WORK/pg-jsonldb" "$WORK/fleet.jsonl"
run postgres "jsonl again (all there)" "$WORK/pg-jsonldb" "$WORK/fleet.jsonl"
grep -q "devices: 0 added, $DEVICES existing" "$WORK/out.txt" ||
  { cat "$WORK/out.txt" >&2; echo "the re-run added something" >&2; exit 1; }
