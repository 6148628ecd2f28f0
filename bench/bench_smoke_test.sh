#!/usr/bin/env bash
# The load generator against a real gateway on loopback: a small run issues every certificate and
# reports it, a run with the wrong challenge reports every request as a failure and exits 1.
#   bash bench/bench_smoke_test.sh SCEPGATE_BIN SCEPGATE_BENCH_BIN
SCEPGATE=$1
BENCH=$2
source "$(dirname "$0")/../tests/integration/lib.sh"

start_gateway smoke-secret
field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }

out=$("$BENCH" --url "$URL" -n 40 -c 4 --challenge smoke-secret --json) || fail "bench failed: $out"
[ "$(field "$out" failures)" = 0 ] || fail "failures in a good run: $out"
[ "$(field "$out" n)" = 40 ] || fail "wrong n: $out"
python3 -c 'import json,sys; d=json.loads(sys.argv[1]); sys.exit(0 if d["enrollments_per_s"] > 0 and abs(d["enrollments_per_s"] - d["answers_per_s"]) < 0.2 else 1)' "$out" ||
  fail "rates of a good run: $out"
issued=$("$SCEPGATE" cert list --dir "$WORK/data" --json | python3 -c 'import json,sys; print(sum(1 for c in json.load(sys.stdin) if c["subject"].startswith("CN=bench-")))')
[ "$issued" = 40 ] || fail "the store holds $issued bench certificates, not 40"
pass "40 enrollments at c=4, all verified and recorded"

if out=$("$BENCH" --url "$URL" -n 12 -c 3 --challenge wrong --json 2>"$WORK/bench.err"); then
  fail "a run with the wrong challenge exited 0: $out"
fi
[ "$(field "$out" failures)" = 12 ] || fail "wrong challenge: expected 12 failures: $out"
[ "$(field "$out" enrollments_per_s)" = 0.0 ] || fail "failures counted as enrollments: $out"
grep -q "FAILURE" "$WORK/bench.err" || fail "first failure not reported: $(cat "$WORK/bench.err")"
pass "a wrong challenge: 12 failures, no enrollments, exit 1"
