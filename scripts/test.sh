#!/usr/bin/env bash
# Runs the whole test suite: builds (installing packages if missing), then GoogleTest via CTest
# and the Python tests via pytest. Exit status is non-zero if anything failed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh "$@"
BUILD_DIR=${VOLTSIM_BUILD_DIR:-build}
status=0
ctest --test-dir "$BUILD_DIR" -j"$(nproc)" --output-on-failure || status=1
/usr/bin/python3 -m pytest -q tests/python || status=1
exit $status
