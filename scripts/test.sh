#!/usr/bin/env bash
# The whole test suite, as CI runs it (.ci/run calls exactly this):
#   1. clang-format check of every source file;
#   2. an ASan+UBSan build running every test with ctest;
#   3. a TSan build running the tests labelled `concurrency`;
#   4. a clang libFuzzer build running each fuzz target briefly (label `fuzz`).
# Ends with one line "N passed, N failed" over all three ctest runs.
# Environment: SILT_FUZZ_SECONDS (default 10) per fuzz target; SILT_SKIP_FUZZ=1,
# SILT_SKIP_TSAN=1 to skip those stages locally.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh

JOBS=$(nproc)
LOGDIR=$(mktemp -d)
trap 'rm -rf "$LOGDIR"' EXIT
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}
# Sanitizer trees: library code at -O1 with line tables (-g1: enough for symbolised
# stack traces); tests and the CLI at -O0 (they compile about twice as fast and do little
# work themselves). Keeps a fresh 2-core CI run within its 25 minutes.
SAN_FLAGS=(-G Ninja -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g1"
           "-DCMAKE_C_FLAGS_DEBUG=-O1 -g1" -DSILT_BUILD_BENCH=OFF
           "-DSILT_DRIVER_COMPILE_OPTIONS=-O0")

status=0
run_ctest() {  # run_ctest NAME BUILD_DIR [ctest args...]
  local name=$1 dir=$2; shift 2
  echo "== $name: ctest"
  if ! ctest --test-dir "$dir" --output-on-failure -j "$JOBS" "$@" 2>&1 | tee "$LOGDIR/$name.log"; then
    status=1
  fi
  grep -q "tests passed" "$LOGDIR/$name.log" || status=1
}

echo "== format check"
cmake -S . -B build-asan "${SAN_FLAGS[@]}" -DSILT_SANITIZE=address >/dev/null
cmake --build build-asan --target format-check

echo "== asan+ubsan: build"
cmake --build build-asan -j "$JOBS"
run_ctest asan build-asan

if [ "${SILT_SKIP_TSAN:-0}" != 1 ]; then
  echo "== tsan: build (concurrency tests only)"
  cmake -S . -B build-tsan "${SAN_FLAGS[@]}" -DSILT_SANITIZE=thread -DSILT_ONLY_CONCURRENCY_TESTS=ON >/dev/null
  cmake --build build-tsan --target concurrency_tests -j "$JOBS"
  run_ctest tsan build-tsan -L concurrency
fi

if [ "${SILT_SKIP_FUZZ:-0}" != 1 ]; then
  echo "== fuzz: build (clang, libFuzzer)"
  # -O1: the instrumented libraries compile faster than at Release's -O3 and fuzz as well.
  CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=Release \
    "-DCMAKE_CXX_FLAGS_RELEASE=-O1 -DNDEBUG" "-DCMAKE_C_FLAGS_RELEASE=-O1 -DNDEBUG" \
    -DSILT_FUZZ=ON -DSILT_FUZZ_SECONDS="${SILT_FUZZ_SECONDS:-10}" >/dev/null
  cmake --build build-fuzz --target fuzz_targets -j "$JOBS"
  run_ctest fuzz build-fuzz -L fuzz
fi

# One closing line over every ctest run above.
passed=0; failed=0
for log in "$LOGDIR"/*.log; do
  line=$(grep -E "tests passed, [0-9]+ tests? failed out of [0-9]+" "$log" | tail -n 1 || true)
  [ -n "$line" ] || continue
  f=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$line")
  t=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\2/' <<<"$line")
  passed=$((passed + t - f)); failed=$((failed + f))
done
[ "$failed" -eq 0 ] || status=1
echo "$passed passed, $failed failed"
exit $status
