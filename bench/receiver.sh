#!/usr/bin/env bash
# Benchmark of the clinic's receiver (a script, not a test): the release build on SQLite
# (WAL, synchronous=FULL, so every 201 is on disk) on 127.0.0.1, driven by
# receiver/examples/load.rs with submissions the widget's core made. Bounded: an open loop at
# RATE submissions/s for DURATION seconds, then COUNT submissions from CONCURRENCY clients back to back;
# then kill -9 and a count of what was stored. Prints submissions/s and p50/p90/p99.
#
#   bash bench/receiver.sh                 # RATE=300 DURATION=10 CONCURRENCY=32 COUNT=3000
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/tools.sh
ensure_build_tools
say "Building the receiver and the load generator (release)"
cargo build --quiet --release -p consultation-receiver --bin consultation-receiver --example load
target=${CARGO_TARGET_DIR:-target}
say "Load on 127.0.0.1 ($(nproc) cores)"
"$target/release/examples/load" "$target/release/consultation-receiver" \
  "${RATE:-300}" "${DURATION:-10}" "${CONCURRENCY:-32}" "${COUNT:-3000}"
