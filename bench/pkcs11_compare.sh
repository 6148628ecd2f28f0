#!/usr/bin/env bash
# Enrollment with the CA keys in a PKCS#11 token (SoftHSM2) against the same with key files:
# two scepgate data dirs made alike (KEY for root and issuing CA; the RA is RSA either way), one
# with `init --pkcs11` in a SoftHSM2 token made for the run, served side by side; scepgate-bench
# enrolls N devices at each concurrency, the two servers taking turns REPS times, and the medians
# and their ratio are printed. Every enrollment costs the token one RSA decryption (the RA opens
# the envelope) and two signatures (the certificate, and the RA's signed reply).
#
#   bash bench/pkcs11_compare.sh [BUILD_DIR]   (env: N=1000 REPS=5 LEVELS="1 4 16" KEY=rsa:2048)
#
# As root the run happens in a private network namespace that has only loopback.
set -euo pipefail
BUILD=$(realpath "${1:-build}")
N=${N:-1000}
REPS=${REPS:-5}
LEVELS=${LEVELS:-"1 4 16"}
KEY=${KEY:-rsa:2048}

if [ "$(id -u)" -eq 0 ] && [ -z "${SCEPGATE_BENCH_NETNS:-}" ] && command -v unshare >/dev/null; then
  exec env SCEPGATE_BENCH_NETNS=1 N="$N" REPS="$REPS" LEVELS="$LEVELS" KEY="$KEY" \
    unshare -n bash -c 'ip link set lo up && exec bash "$0" "$1"' "$0" "$BUILD"
fi

WORK=$(mktemp -d /tmp/scepgate-p11bench-XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_up() { for _ in $(seq 1 100); do curl -sf "$1?operation=GetCACaps" >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "server at $1 did not start" >&2; exit 1; }

# The token, and its PIN in a 0600 file (never on a command line).
mkdir -p "$WORK/hsm"
(umask 077; python3 -c 'import secrets; print(secrets.token_hex(8))' >"$WORK/hsm/pin")
MODULE=$(SCEPGATE_PKCS11_PIN=$(cat "$WORK/hsm/pin") "$BUILD/src/pkcs11/scepgate-test-token" \
  "$WORK/hsm" bench)
export SOFTHSM2_CONF="$WORK/hsm/softhsm2.conf"

serve() {  # NAME INIT-ARGS... -> sets URL_<NAME>
  local name=$1 port
  shift
  "$BUILD/apps/scepgate" init --dir "$WORK/$name" --key "$KEY" --challenge bench "$@" >/dev/null
  sed -i 's/^level = "info"/level = "warn"/' "$WORK/$name/scepgate.toml"
  port=$(free_port)
  "$BUILD/apps/scepgate" serve --dir "$WORK/$name" --listen "127.0.0.1:$port" --admin-listen off >"$WORK/$name.log" 2>&1 &
  PIDS+=($!)
  printf -v "URL_$name" 'http://127.0.0.1:%s/scep' "$port"
  wait_up "http://127.0.0.1:$port/scep"
}
serve files
serve token --pkcs11 "pkcs11:token=bench;object=bench" --pkcs11-module "$MODULE" \
  --pkcs11-pin-file "$WORK/hsm/pin"
keys=$(find "$WORK/token" -name '*.key')
[ -z "$keys" ] || { echo "the token data dir holds key files: $keys" >&2; exit 1; }

echo "machine: $(nproc) cores; $(openssl version); SoftHSM2 $(dpkg-query -W -f='${Version}' softhsm2 2>/dev/null || echo '?')"
echo "CA key $KEY; N=$N per run, median of $REPS runs, the two servers taking turns"
printf "%-7s %5s %10s %8s %8s %9s\n" keys c "enroll/s" p50_ms p99_ms failures
med() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
declare -A RATE P50 P99 FAILS
for c in $LEVELS; do
  declare -A rates=() p50s=() p99s=()
  for name in files token; do FAILS[$name$c]=0; done
  for _ in $(seq 1 "$REPS"); do
    for name in files token; do
      url_var="URL_$name"
      out=$("$BUILD/bench/scepgate-bench" --url "${!url_var}" -n "$N" -c "$c" --challenge bench --json 2>/dev/null || true)
      read -r rate p50 p99 failed < <(echo "$out" | python3 -c '
import json,sys
d=json.load(sys.stdin)
print(d["enrollments_per_s"], d["p50_ms"], d["p99_ms"], d["failures"])')
      rates[$name]+="$rate "; p50s[$name]+="$p50 "; p99s[$name]+="$p99 "
      FAILS[$name$c]=$((FAILS[$name$c] + failed))
    done
  done
  for name in files token; do
    # shellcheck disable=SC2086
    RATE[$name$c]=$(med ${rates[$name]}); P50[$name$c]=$(med ${p50s[$name]}); P99[$name$c]=$(med ${p99s[$name]})
    printf "%-7s %5s %10s %8s %8s %9s\n" "$name" "$c" "${RATE[$name$c]}" "${P50[$name$c]}" \
      "${P99[$name$c]}" "${FAILS[$name$c]}"
  done
  unset rates p50s p99s
done
echo
for c in $LEVELS; do
  python3 -c "print(f'c={$c}: token / files = {${RATE[token$c]} / ${RATE[files$c]}:.2f}x (enrollments/s)')"
done
