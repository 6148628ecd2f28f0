#!/usr/bin/env bash
# What one request costs the gateway when the client's RSA key has a huge public exponent, against
# an ordinary RSA-2048 e=65537 client: the median time per request (c=1) of each, with the right
# and with a wrong challenge.
#   bash bench/hostile_keys.sh SCEPGATE_BIN SCEPGATE_BENCH_BIN [N] [EXPONENT_BITS]
SCEPGATE=$1
BENCH=$2
N=${3:-200}
EXPONENT_BITS=${4:-2040}
source "$(dirname "$0")/../tests/integration/lib.sh"

start_gateway bench-secret 's/^level = "info"/level = "warn"/'
field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }
run() {  # label, extra bench flags...
  local label=$1; shift
  local out
  out=$("$BENCH" --url "$URL" -n "$N" -c 1 --json "$@" 2>/dev/null) || true
  [ -n "$out" ] || fail "$label: no output"
  printf '%-44s p50_ms=%-7s failures=%s/%s\n' "$label" "$(field "$out" p50_ms)" \
    "$(field "$out" failures)" "$N"
}
run "rsa:2048 e=65537, right challenge" --challenge bench-secret
run "rsa:2048 e=65537, wrong challenge" --challenge wrong
run "rsa:2048 e=${EXPONENT_BITS}-bit, right challenge" --challenge bench-secret --exponent-bits "$EXPONENT_BITS"
run "rsa:2048 e=${EXPONENT_BITS}-bit, wrong challenge" --challenge wrong --exponent-bits "$EXPONENT_BITS"
