#!/usr/bin/env bash
# The scan benchmark (issue 6), as recorded in docs/benchmarks.md: silt's
# rowsets and scan executor against DuckDB and SQLite on TPC-H lineitem.
#
# Builds a Release tree ($BUILD_DIR, default build-bench; scan_bench only),
# copies bench/duckdb/ to $BUILD_DIR/duckdb-node and runs `npm install` there
# (node_modules never lands in the source tree), then runs bench/scan_bench:
# silt writes rowsets (time, bytes) and runs Q1/Q6 on one thread; DuckDB loads
# the same rows from CSV into a database file (time, bytes after CHECKPOINT)
# and runs Q1/Q6 with 1 thread and with all threads; SQLite loads them into a
# file database and runs Q1/Q6. Each time is the median of $RUNS rounds after a
# warm-up round (warm cache); a round runs every system once, back to back, so
# that load from other processes falls on all of them alike. The three systems'
# answers are compared. The data goes to a fresh directory under $BUILD_DIR
# that scan_bench removes at the end.
#
# Parameters (environment): SF (scale factor, default 1 = about 6 million
# rows), RUNS (default 5), ROWSET_ROWS (default 1000000), BUILD_DIR.
# Extra arguments are passed to scan_bench (e.g. --sqlite=false).
# Usage: scripts/bench_scan.sh | tee bench-scan.md
#        SF=0.1 scripts/bench_scan.sh            # a quick run
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build-bench}
SF=${SF:-1}
RUNS=${RUNS:-5}
ROWSET_ROWS=${ROWSET_ROWS:-1000000}

cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSILT_BUILD_BENCH=ON >/dev/null
cmake --build "$BUILD_DIR" --target scan_bench -- -j"${JOBS:-2}" >&2

# DuckDB's node package, installed into a scratch copy of bench/duckdb.
NODE_DIR="$PWD/$BUILD_DIR/duckdb-node"
mkdir -p "$NODE_DIR"
cp bench/duckdb/package.json bench/duckdb/scan_bench.mjs "$NODE_DIR/"
(cd "$NODE_DIR" && npm install --no-audit --no-fund --loglevel=error >&2)

exec "$BUILD_DIR/bench/scan_bench" --dir "$PWD/$BUILD_DIR" --sf "$SF" --runs "$RUNS" \
  --rowset-rows "$ROWSET_ROWS" --duckdb-script "$NODE_DIR/scan_bench.mjs" "$@"
