#!/usr/bin/env bash
# Enrollment throughput of one node on SQLite, one node on PostgreSQL, and two nodes on
# PostgreSQL behind nginx: same machine, same run, same RSA-2048 CA size, same load generator.
# The PostgreSQL setup is scripts/ha-up.sh's (PostgreSQL, two nodes, nginx, all on loopback); the
# SQLite node is a plain `scepgate init` + `serve`. Every node logs at warn. The three are
# measured in turn within each repetition (sqlite, pg-1-node, pg-2-nodes, then again), so drift on
# a noisy machine hits all of them alike; each row is the median of REPS runs of N enrollments.
#
#   bash bench/ha_compare.sh [BUILD_DIR]     (env: N=1500 REPS=5 LEVELS="16")
set -euo pipefail
BUILD=$(realpath "${1:-build}")
N=${N:-1500}
REPS=${REPS:-5}
LEVELS=${LEVELS:-16}
REPO=$(cd "$(dirname "$0")/.." && pwd)
SCEPGATE=$BUILD/apps/scepgate
BENCH=$BUILD/bench/scepgate-bench

WORK=$(mktemp -d /tmp/scepgate-habench-XXXXXX)
chmod 755 "$WORK"  # PostgreSQL runs as the postgres user under root and must reach WORK/ha
SQLITE_PID=""
cleanup() {
  if [ -n "$SQLITE_PID" ]; then kill "$SQLITE_PID" 2>/dev/null || true; wait "$SQLITE_PID" 2>/dev/null || true; fi
  bash "$REPO/scripts/ha-down.sh" "$WORK/ha" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_up() { for _ in $(seq 1 100); do curl -sf "$1?operation=GetCACaps" >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "server at $1 did not start" >&2; exit 1; }

# The SQLite node.
port=$(free_port)
"$SCEPGATE" init --dir "$WORK/sqlite" --key rsa:2048 --challenge bench >/dev/null
sed -i 's/^level = "info"/level = "warn"/' "$WORK/sqlite/scepgate.toml"
"$SCEPGATE" serve --dir "$WORK/sqlite" --listen "127.0.0.1:$port" --admin-listen off >"$WORK/sqlite.log" 2>&1 &
SQLITE_PID=$!
SQLITE_URL="http://127.0.0.1:$port/scep"
wait_up "$SQLITE_URL"

# PostgreSQL with two nodes and nginx.
CHALLENGE=bench HA_TOML_EDITS='s/^level = "info"/level = "warn"/' SCEPGATE="$SCEPGATE" \
  bash "$REPO/scripts/ha-up.sh" "$WORK/ha" >"$WORK/ha.env" 2>"$WORK/ha-up.log" ||
  { cat "$WORK/ha-up.log" >&2; exit 1; }
get() { sed -n "s/^$1=//p" "$WORK/ha.env"; }
PG1_URL=$(get node1_url)
PG2_URL=$(get url)

source "$REPO/scripts/ha-common.sh"
echo "machine: $(nproc) cores; $(openssl version); $("$(pg_bindir)/postgres" --version)"
echo "N=$N per run, median of $REPS runs, the three setups in turn within each repetition"
declare -A RATES ANSWERS P50 P99 FAILS RATE
med() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
once() {  # name url c: one run, appended to the name's lists
  local name=$1 url=$2 c=$3 out rate answer p50 p99 failed
  out=$("$BENCH" --url "$url" -n "$N" -c "$c" --challenge bench --json 2>/dev/null || true)
  read -r rate answer p50 p99 failed < <(echo "$out" | python3 -c '
import json,sys
try:
    d=json.load(sys.stdin)
    print(d["enrollments_per_s"], d["answers_per_s"], d["p50_ms"], d["p99_ms"], d["failures"])
except Exception:
    print(0, 0, 0, 0, -1)')
  RATES[$name$c]+="$rate "; ANSWERS[$name$c]+="$answer "; P50[$name$c]+="$p50 "; P99[$name$c]+="$p99 "
  FAILS[$name$c]=$(( ${FAILS[$name$c]:-0} + (failed < 0 ? N : failed) ))
}
for c in $LEVELS; do
  for _ in $(seq 1 "$REPS"); do
    once sqlite "$SQLITE_URL" "$c"
    once pg-1-node "$PG1_URL" "$c"
    once pg-2-nginx "$PG2_URL" "$c"
  done
done
printf "%-11s %5s %10s %10s %8s %8s %9s\n" setup c "enroll/s" "answers/s" p50_ms p99_ms failures
for c in $LEVELS; do
  for name in sqlite pg-1-node pg-2-nginx; do
    # shellcheck disable=SC2086
    RATE[$name$c]=$(med ${RATES[$name$c]})
    # shellcheck disable=SC2086
    printf "%-11s %5s %10s %10s %8s %8s %9s\n" "$name" "$c" "${RATE[$name$c]}" \
      "$(med ${ANSWERS[$name$c]})" "$(med ${P50[$name$c]})" "$(med ${P99[$name$c]})" "${FAILS[$name$c]}"
  done
done
echo
for c in $LEVELS; do
  python3 -c "print(f'c={$c}: pg-1-node / sqlite = {${RATE[pg-1-node$c]} / ${RATE[sqlite$c]}:.2f}, pg-2-nginx / sqlite = {${RATE[pg-2-nginx$c]} / ${RATE[sqlite$c]}:.2f} (enrollments/s)')"
done
