#!/usr/bin/env bash
# Side-by-side enrollment throughput: scepgate vs micromdm's scepserver (Debian package `scep`),
# same machine, same RSA-2048 CA and client keys, same concurrency, same load generator.
# Prints one row per (server, concurrency) with the median of REPS runs, then the ratios.
#
#   bash bench/compare.sh [BUILD_DIR]        (env: N=600 REPS=3 LEVELS="1 4 16 64")
#
# scepserver listens on every interface; as root the whole comparison runs in a private network
# namespace that has only loopback, so neither server is reachable from outside.
set -euo pipefail
BUILD=$(realpath "${1:-build}")
N=${N:-600}
REPS=${REPS:-3}
LEVELS=${LEVELS:-"1 4 16 64"}

if [ "$(id -u)" -eq 0 ] && [ -z "${SCEPGATE_BENCH_NETNS:-}" ] && command -v unshare >/dev/null; then
  exec env SCEPGATE_BENCH_NETNS=1 N="$N" REPS="$REPS" LEVELS="$LEVELS" \
    unshare -n bash -c 'ip link set lo up && exec bash "$0" "$1"' "$0" "$BUILD"
fi

command -v scepserver >/dev/null || { echo "scepserver not installed (Debian package scep)" >&2; exit 1; }
WORK=$(mktemp -d /tmp/scepgate-bench-XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_up() { for _ in $(seq 1 100); do curl -sf "$1?operation=GetCACaps" >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "server at $1 did not start" >&2; exit 1; }

SG_PORT=$(free_port)
"$BUILD/apps/scepgate" init --dir "$WORK/sg" --key rsa:2048 --challenge bench >/dev/null
sed -i 's/^level = "info"/level = "warn"/' "$WORK/sg/scepgate.toml"
"$BUILD/apps/scepgate" serve --dir "$WORK/sg" --listen "127.0.0.1:$SG_PORT" >"$WORK/sg.log" 2>&1 &
PIDS+=($!)

MM_PORT=$(free_port)
(cd "$WORK" && scepserver ca -init -keySize 2048 -depot "$WORK/depot" >/dev/null 2>&1)
scepserver -depot "$WORK/depot" -port "$MM_PORT" -challenge bench -allowrenew 0 >"$WORK/mm.log" 2>&1 &
PIDS+=($!)
wait_up "http://127.0.0.1:$SG_PORT/scep"
wait_up "http://127.0.0.1:$MM_PORT/scep"

echo "machine: $(nproc) cores; $(openssl version); N=$N per run, median of $REPS runs"
printf "%-11s %5s %12s %9s %9s %9s\n" server c "enroll/s" p50_ms p99_ms failures
declare -A RATE
run() {  # server url c -> prints row, records median rate
  local name=$1 url=$2 c=$3 out rates=() p50s=() p99s=() fails=0
  for _ in $(seq 1 "$REPS"); do
    out=$("$BUILD/bench/scepgate-bench" --url "$url" -n "$N" -c "$c" --challenge bench --json 2>/dev/null || true)
    rates+=("$(echo "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["enrollments_per_s"])')")
    p50s+=("$(echo "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["p50_ms"])')")
    p99s+=("$(echo "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["p99_ms"])')")
    fails=$((fails + $(echo "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["failures"])')))
  done
  med() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
  RATE[$name$c]=$(med "${rates[@]}")
  printf "%-11s %5s %12s %9s %9s %9s\n" "$name" "$c" "${RATE[$name$c]}" "$(med "${p50s[@]}")" "$(med "${p99s[@]}")" "$fails"
}
for c in $LEVELS; do
  run scepgate "http://127.0.0.1:$SG_PORT/scep" "$c"
  run scepserver "http://127.0.0.1:$MM_PORT/scep" "$c"
done
echo
for c in $LEVELS; do
  python3 -c "print(f'c={$c}: scepgate / scepserver = {${RATE[scepgate$c]} / ${RATE[scepserver$c]}:.2f}x')"
done
