#!/usr/bin/env bash
# Runs every libFuzzer target (fuzz/) with AddressSanitizer for SECONDS each, starting from the
# seeds in fuzz/seeds.cc. Needs clang 19 (the first Debian clang that reads libstdc++ 12's
# std::expected); it is not part of `make test`, which runs the same targets as deterministic
# smoke tests under g++. Crashing inputs are left as crash-* files in BUILD/corpus/TARGET.
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]     (env: FUZZ_BUILD=build-fuzz, CXX, CC)
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-60}; shift || true
BUILD=${FUZZ_BUILD:-build-fuzz}
CXX=${CXX:-$(command -v clang++-19 || true)}
CC=${CC:-$(command -v clang-19 || true)}
[ -n "$CXX" ] && [ -n "$CC" ] || { echo "fuzz.sh: clang 19 not found (set CXX and CC)" >&2; exit 1; }
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(parse_request envelope content get_message certs_only cert_rep
                                     sealed_challenge http_request api_body tar)
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSCEPGATE_FUZZ=ON \
  -DCMAKE_CXX_COMPILER="$CXX" -DCMAKE_C_COMPILER="$CC" \
  -DCMAKE_CXX_FLAGS="-Wno-deprecated-declarations -Wno-unknown-warning-option" >/dev/null
cmake --build "$BUILD" --target fuzz_write_seeds "${targets[@]/#/fuzz_}"
failed=()
for t in "${targets[@]}"; do
  corpus="$BUILD/corpus/$t"
  "$BUILD/fuzz/fuzz_write_seeds" "$corpus" >/dev/null
  echo "== fuzz_$t for ${SECONDS_EACH}s"
  # Run inside the corpus directory: libFuzzer writes crash-*, leak-*, timeout-* and oom-* there.
  # Leak checks are off while fuzzing: OpenSSL keeps per-thread state between inputs, and
  # libFuzzer would run a full LeakSanitizer scan after nearly every input (76 instead of 3,400
  # inputs/s for certs_only). Every input the run kept is then replayed once with them on.
  (cd "$corpus" && "../../fuzz/fuzz_$t" -max_total_time="$SECONDS_EACH" -print_final_stats=1 \
     -detect_leaks=0 -rss_limit_mb=4096 . 2>&1 || true) |
    grep -E "^(stat::number_of_executed_units|==[0-9]+==ERROR|SUMMARY)" || true
  (cd "$corpus" && "../../fuzz/fuzz_$t" -runs=0 -detect_leaks=1 . 2>&1 || true) |
    grep -E "^(==[0-9]+==ERROR|SUMMARY)" || true
  if compgen -G "$corpus/crash-*" >/dev/null || compgen -G "$corpus/leak-*" >/dev/null ||
     compgen -G "$corpus/timeout-*" >/dev/null || compgen -G "$corpus/oom-*" >/dev/null; then
    failed+=("$t")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz.sh: findings in: ${failed[*]} (inputs under $BUILD/corpus/<target>/)" >&2
  exit 1
fi
echo "fuzz.sh: no findings in ${#targets[@]} targets, ${SECONDS_EACH}s each"
