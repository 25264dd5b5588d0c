#!/usr/bin/env bash
# The SQLite snapshot-store benchmark (issue 4), as recorded in
# docs/benchmarks.md: builds a Release tree in build-bench/ (snapshot_bench
# only) and runs bench/snapshot_bench with the documented parameters: WAL
# compaction vs a plain copy, an incremental vs a full snapshot of a 1 GiB
# database after 1% of its pages changed, and a full snapshot vs SQLite's
# online backup API. The data goes to a fresh directory under build-bench/
# that snapshot_bench removes at the end. Dropping the page cache before each
# timed run needs root; without it snapshot_bench falls back to
# posix_fadvise(DONTNEED) and says so in its output.
# Extra arguments are passed to snapshot_bench (e.g. --db-mib 256 for a quick run).
# SILT_BENCH_BUILD_DIR=DIR builds and runs in DIR instead of build-bench/ (e.g.
# a tree of one's own while others use build-bench/).
# Usage: scripts/bench_snapshot.sh [snapshot_bench flags...] | tee bench-snapshot.md
set -euo pipefail
cd "$(dirname "$0")/.."
build="${SILT_BENCH_BUILD_DIR:-build-bench}"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSILT_BUILD_BENCH=ON >/dev/null
cmake --build "$build" --target snapshot_bench -- -j2 >&2
exec "$build/bench/snapshot_bench" --dir "$PWD/$build" \
  --scenarios compact,backup,incr --wal-mib 320 --working-set-mib 16 --rows-per-txn 100 \
  --db-mib 1024 --change-pct 1 --rounds 3 --page-size 4096 --drop-cache=true "$@"
