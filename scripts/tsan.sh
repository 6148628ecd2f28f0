#!/usr/bin/env bash
# Builds the concurrency tests with ThreadSanitizer (g++ -fsanitize=thread; libtsan comes with
# Debian's g++) in their own build directory and runs them ROUNDS times. A data race, a lock-order
# inversion or a failed test fails the run. Not part of `make test`, which runs the same tests
# without the sanitizer; `make tsan` runs this.
# Usage: scripts/tsan.sh [ROUNDS]          (env: TSAN_BUILD=build-tsan, JOBS)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
BUILD=${TSAN_BUILD:-build-tsan}
JOBS=${JOBS:-$(nproc)}
# The tests whose guarantees rest on threads and processes meeting in the store, the outbox and
# the server: exactly-once claims (16 threads, 8 processes), leases, the notifier's workers, the
# HTTP server's connection handling, the CRL publisher and the SCEP service; store_pg_test runs
# the same store tests on a PostgreSQL server it starts (its connection pool shared by the
# threads); pkcs11_test signs with one SoftHSM2 token key from 8 threads (the session pool);
# metrics_test updates counters, gauges and histograms from 8 threads while another renders.
# Every test of each binary runs.
targets=(store_test store_pg_test notify_test http_unit_test scep_test pkcs11_test metrics_test)
# -Wno-tsan: g++ warns that TSan does not model atomic_thread_fence (used inside Boost.Asio's
# scheduler); the fences there pair with mutexes TSan does see.
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSCEPGATE_TEST_COMPILE_OPTIONS= \
  -DCMAKE_CXX_FLAGS="-fsanitize=thread -fno-omit-frame-pointer -Wno-tsan" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=thread" >/dev/null
cmake --build "$BUILD" -j "$JOBS" --target "${targets[@]}"
# halt_on_error: the first report fails the test binary; second_deadlock_stack: both stacks of a
# lock-order report.
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 ${TSAN_OPTIONS:-}"
for round in $(seq 1 "$ROUNDS"); do
  for t in "${targets[@]}"; do
    bin=$(find "$BUILD/src" -type f -name "$t" -perm -u+x | head -1)
    echo "== round $round: $t"
    "$bin" --gtest_brief=1
  done
done
echo "tsan: ${#targets[@]} binaries x $ROUNDS rounds clean"
