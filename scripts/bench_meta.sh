#!/usr/bin/env bash
# The metadata restart benchmark (issue 5), as recorded in docs/benchmarks.md:
# builds a Release tree (meta_bench only) and runs bench/meta_bench: 1,000,000
# commits over 10,000 tables (with drops) into two stores, one with
# checkpoints and one without, then times restarts of each (page cache
# dropped before every restart; needs root, else posix_fadvise(DONTNEED)).
# Extra arguments go to meta_bench (e.g. --commits 200000 for a quick run).
# SILT_BENCH_BUILD_DIR=DIR builds and runs in DIR instead of build-bench/.
# Usage: scripts/bench_meta.sh [meta_bench flags...] | tee bench-meta.md
set -euo pipefail
cd "$(dirname "$0")/.."
build="${SILT_BENCH_BUILD_DIR:-build-bench}"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSILT_BUILD_BENCH=ON >/dev/null
cmake --build "$build" --target meta_bench -- -j2 >&2
exec "$build/bench/meta_bench" --dir "$PWD/$build" --commits 1000000 --tables 10000 \
  --schemas 100 --drop-pct 1 --checkpoint-delta 10000 --global-every 10 --rounds 3 \
  --drop-cache=true "$@"
