#!/usr/bin/env bash
# Installs the dependencies and builds a Release tree in build/.
# Usage: scripts/setup.sh && build/silt quickstart
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build --target silt -j "$(nproc)"
echo "setup: built build/silt"
