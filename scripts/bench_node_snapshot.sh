#!/usr/bin/env bash
# The node snapshot benchmark (issue 7), bench/node_snapshot_bench.cc: a node
# of $GB GB, a first full snapshot, $CHANGE of the rows changed, an
# incremental snapshot and a full one, `cp -r` of the data directory, and a
# restore against the disk's sequential write bandwidth.
#
# Builds a Release tree ($SILT_BENCH_BUILD_DIR or $BUILD_DIR, default
# build-bench; node_snapshot_bench only); the data goes to a fresh directory
# under $BUILD_DIR (the same disk as a node's data would be), removed at the end.
# Usage: scripts/bench_node_snapshot.sh | tee bench-node-snapshot.md
#        GB=0.2 scripts/bench_node_snapshot.sh      # a quick run
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${SILT_BENCH_BUILD_DIR:-${BUILD_DIR:-build-bench}}
GB=${GB:-2}
CHANGE=${CHANGE:-0.01}

cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSILT_BUILD_BENCH=ON >/dev/null
cmake --build "$BUILD_DIR" --target node_snapshot_bench -- -j"${JOBS:-2}" >&2
echo "uptime: $(uptime)" >&2
exec "$BUILD_DIR/bench/node_snapshot_bench" --dir "$PWD/$BUILD_DIR" --gb "$GB" --change "$CHANGE" "$@"
