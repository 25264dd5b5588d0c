#!/usr/bin/env bash
# The node benchmark (issue 8): silt's Node against DuckDB and SQLite on TPC-H
# lineitem, in one run of bench/node_bench.cc:
#   1. import from CSV: silt (CsvReader + BeginLoad/Add/Commit, as `silt
#      import`), DuckDB (COPY with SET threads=1, + CHECKPOINT; run through
#      node and bench/duckdb/import_bench.mjs) and the sqlite3 shell's .import;
#   2. durable inserts from $CLIENTS concurrent clients, $BATCH_ROWS rows per
#      insert, for $DURATION s: Node::Insert (sync=true) vs SQLite in WAL mode
#      with synchronous=FULL (one connection and one transaction per batch);
#   3. TPC-H Q1/Q6 through Node::Query after the import and after compaction.
#
# Builds a Release tree ($SILT_BENCH_BUILD_DIR or $BUILD_DIR, default
# build-bench; node_bench only), copies bench/duckdb/ to $BUILD_DIR/duckdb-node
# and runs `npm install` there (node_modules never lands in the source tree;
# if that fails DuckDB is reported as not run), then runs node_bench. The data
# goes to a fresh directory under $BUILD_DIR that node_bench removes.
#
# Parameters (environment): SF (default 1), RUNS (default 3), CLIENTS
# (default 16), BATCH_ROWS (default 10), DURATION (seconds, default 5; not SECONDS, which bash owns), BUILD_DIR.
# Extra arguments are passed to node_bench (e.g. --sqlite=false; --import-only
# for the imports alone; --import-runs N for N import rounds, each importing
# into silt, DuckDB and SQLite in turn, reported one by one).
# Usage: scripts/bench_node.sh | tee bench-node.md
#        SF=0.1 DURATION=2 scripts/bench_node.sh     # a quick run
#        scripts/bench_node.sh --import-only --import-runs 3
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${SILT_BENCH_BUILD_DIR:-${BUILD_DIR:-build-bench}}
SF=${SF:-1}
RUNS=${RUNS:-3}
CLIENTS=${CLIENTS:-16}
BATCH_ROWS=${BATCH_ROWS:-10}
DURATION=${DURATION:-5}

cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSILT_BUILD_BENCH=ON >/dev/null
cmake --build "$BUILD_DIR" --target node_bench -- -j"${JOBS:-2}" >&2

# DuckDB's node package, installed into a scratch copy of bench/duckdb.
NODE_DIR="$PWD/$BUILD_DIR/duckdb-node"
mkdir -p "$NODE_DIR"
cp bench/duckdb/package.json bench/duckdb/import_bench.mjs "$NODE_DIR/"
(cd "$NODE_DIR" && npm install --no-audit --no-fund --loglevel=error >&2) ||
  echo "bench_node.sh: npm install failed; DuckDB will not run" >&2

echo "uptime: $(uptime)" >&2
exec "$BUILD_DIR/bench/node_bench" --dir "$PWD/$BUILD_DIR" --sf "$SF" --runs "$RUNS" \
  --clients "$CLIENTS" --batch-rows "$BATCH_ROWS" --seconds "$DURATION" \
  --duckdb-dir "$NODE_DIR" "$@"
