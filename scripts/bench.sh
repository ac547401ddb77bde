#!/usr/bin/env bash
# The benchmark (not part of the test command): builds the release, then prints sizes and
# timings against a plain-HTML page of the same first step. BENCH_RUNS=N for more runs.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/tools.sh

ensure_build_tools
ensure_browser
say "Release build (trunk, offline)"
trunk build --release --offline
say "Benchmark"
node bench/run.mjs
