#!/usr/bin/env bash
# Side-by-side enrollment throughput: scepgate vs micromdm's scepserver (Debian package `scep`),
# same machine, same RSA-2048 CA and client keys, same concurrency, same load generator.
# Each concurrency level starts both servers afresh (new CA, empty store or depot), then, when
# FILL > 0, enrolls FILL devices through each (not measured) so that both hold that many
# certificates: scepserver slows down as its file depot grows, scepgate's store does not, so the
# ratio depends on it and is reported with it. Prints one row per (server, concurrency) with
# the medians of REPS runs, then the ratios of enrollments/s (certificates issued; a FAILURE
# reply issues nothing, and answers/s counts every reply).
#
#   bash bench/compare.sh [BUILD_DIR]     (env: N=1500 REPS=5 LEVELS="1 4 16 64" FILL=0)
#
# scepserver listens on every interface; as root the whole comparison runs in a private network
# namespace that has only loopback, so neither server is reachable from outside.
set -euo pipefail
BUILD=$(realpath "${1:-build}")
N=${N:-1500}
REPS=${REPS:-5}
LEVELS=${LEVELS:-"1 4 16 64"}
FILL=${FILL:-0}

if [ "$(id -u)" -eq 0 ] && [ -z "${SCEPGATE_BENCH_NETNS:-}" ] && command -v unshare >/dev/null; then
  exec env SCEPGATE_BENCH_NETNS=1 N="$N" REPS="$REPS" LEVELS="$LEVELS" FILL="$FILL" \
    unshare -n bash -c 'ip link set lo up && exec bash "$0" "$1"' "$0" "$BUILD"
fi

command -v scepserver >/dev/null || { echo "scepserver not installed (Debian package scep)" >&2; exit 1; }
WORK=$(mktemp -d /tmp/scepgate-bench-XXXXXX)
PIDS=()
stop_servers() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; PIDS=(); }
cleanup() { stop_servers; rm -rf "$WORK"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_up() { for _ in $(seq 1 100); do curl -sf "$1?operation=GetCACaps" >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "server at $1 did not start" >&2; exit 1; }

# start_servers LEVEL: a fresh scepgate and a fresh scepserver; sets SG_URL and MM_URL.
start_servers() {
  local dir="$WORK/c$1"
  mkdir -p "$dir"
  local sg_port mm_port
  sg_port=$(free_port)
  "$BUILD/apps/scepgate" init --dir "$dir/sg" --key rsa:2048 --challenge bench >/dev/null
  sed -i 's/^level = "info"/level = "warn"/' "$dir/sg/scepgate.toml"
  "$BUILD/apps/scepgate" serve --dir "$dir/sg" --listen "127.0.0.1:$sg_port" --admin-listen off >"$dir/sg.log" 2>&1 &
  PIDS+=($!)
  mm_port=$(free_port)
  (cd "$dir" && scepserver ca -init -keySize 2048 -depot "$dir/depot" >/dev/null 2>&1)
  scepserver -depot "$dir/depot" -port "$mm_port" -challenge bench -allowrenew 0 >"$dir/mm.log" 2>&1 &
  PIDS+=($!)
  SG_URL="http://127.0.0.1:$sg_port/scep"
  MM_URL="http://127.0.0.1:$mm_port/scep"
  wait_up "$SG_URL"
  wait_up "$MM_URL"
  if [ "$FILL" -gt 0 ]; then
    for url in "$SG_URL" "$MM_URL"; do
      "$BUILD/bench/scepgate-bench" --url "$url" -n "$FILL" -c 4 --challenge bench >/dev/null 2>&1 || true
    done
  fi
}

echo "machine: $(nproc) cores; $(openssl version)"
echo "N=$N per run, median of $REPS runs; each level on fresh servers filled with $FILL enrollments"
printf "%-11s %5s %10s %10s %8s %8s %9s\n" server c "enroll/s" "answers/s" p50_ms p99_ms failures
declare -A RATE
med() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
run() {  # server url c -> prints row, records median rate
  local name=$1 url=$2 c=$3 out rates=() answers=() p50s=() p99s=() fails=0
  for _ in $(seq 1 "$REPS"); do
    out=$("$BUILD/bench/scepgate-bench" --url "$url" -n "$N" -c "$c" --challenge bench --json 2>/dev/null || true)
    read -r rate answer p50 p99 failed < <(echo "$out" | python3 -c '
import json,sys
d=json.load(sys.stdin)
print(d["enrollments_per_s"], d["answers_per_s"], d["p50_ms"], d["p99_ms"], d["failures"])')
    rates+=("$rate"); answers+=("$answer"); p50s+=("$p50"); p99s+=("$p99")
    fails=$((fails + failed))
  done
  RATE[$name$c]=$(med "${rates[@]}")
  printf "%-11s %5s %10s %10s %8s %8s %9s\n" "$name" "$c" "${RATE[$name$c]}" "$(med "${answers[@]}")" \
    "$(med "${p50s[@]}")" "$(med "${p99s[@]}")" "$fails"
}
for c in $LEVELS; do
  start_servers "$c"
  run scepgate "$SG_URL" "$c"
  run scepserver "$MM_URL" "$c"
  stop_servers
done
echo
for c in $LEVELS; do
  python3 -c "print(f'c={$c}: scepgate / scepserver = {${RATE[scepgate$c]} / ${RATE[scepserver$c]}:.2f}x (enrollments/s)')"
done
