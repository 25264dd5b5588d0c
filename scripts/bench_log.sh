#!/usr/bin/env bash
# The shared-log benchmark against RocksDB (issue 3), as recorded in
# docs/benchmarks.md: builds a Release tree in build-bench/ (log_bench only)
# and runs bench/log_bench with the documented parameters. The data goes to a
# fresh directory under build-bench/ that log_bench removes at the end.
# Dropping the page cache before the recovery scenario needs root; without it
# log_bench falls back to posix_fadvise(DONTNEED) and says so in its output.
# Extra arguments are passed to log_bench (e.g. --recovery-mib 256 for a quick run).
# SILT_BENCH_BUILD_DIR=DIR builds and runs in DIR instead of build-bench/.
# Usage: scripts/bench_log.sh [log_bench flags...] | tee bench-log.md
set -euo pipefail
cd "$(dirname "$0")/.."
build="${SILT_BENCH_BUILD_DIR:-build-bench}"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSILT_BUILD_BENCH=ON >/dev/null
cmake --build "$build" --target log_bench >&2
exec "$build/bench/log_bench" --dir "$PWD/$build" \
  --scenarios disk,1,2,3,4 --seconds 3 --rounds 2 --max-run-mib 1024 --disk-mib 1024 \
  --writers 4 --groups 1000 --async-window 100 \
  --load-mib 224 --read-groups 100 --reads 200000 --recent-mib 8 \
  --recovery-mib 1024 --recovery-groups 100 "$@"
