#!/usr/bin/env bash
# The benchmark (not part of the test command): builds the release as the test command does
# (release_build), then prints sizes, timings and bytes against a plain-HTML page of the same
# first step, ending with a markdown table. BENCH_RUNS=N for more runs.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/tools.sh

ensure_build_tools
ensure_browser
say "Release build (trunk, offline)"
release_build
say "Benchmark"
node bench/run.mjs
