#!/usr/bin/env bash
# Benchmark of the clinic's receiver (a script, not a test): the release build on 127.0.0.1,
# driven by receiver/examples/load.rs with submissions the widget's core made, in one run on
#   1. SQLite (WAL, synchronous=FULL, so every 201 is on disk), one receiver;
#   2. PostgreSQL (a throwaway local cluster, synchronous_commit on), one receiver;
#   3. the same PostgreSQL, two receivers, the load spread over both (round robin, as a load
#      balancer would).
# Each: bounded, an open loop at RATE submissions/s for DURATION seconds, then COUNT
# submissions from CONCURRENCY clients back to back; then kill -9 of every receiver and a
# count of what was stored. Prints submissions/s and p50/p90/p99, then a table.
#
#   bash bench/receiver.sh                 # RATE=300 DURATION=10 CONCURRENCY=32 COUNT=3000
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/tools.sh
ensure_build_tools
say "Building the receiver and the load generator (release)"
cargo build --quiet --release -p consultation-receiver --bin consultation-receiver --example load
target=${CARGO_TARGET_DIR:-target}
trap stop_test_postgres EXIT
start_test_postgres
out=$(mktemp -d)
load() {
  "$target/release/examples/load" "$target/release/consultation-receiver" \
    "${RATE:-300}" "${DURATION:-10}" "${CONCURRENCY:-32}" "${COUNT:-3000}" | tee "$out/$1"
}
fresh_db() {
  "$PG_BIN/psql" -q "${CONSULTATION_TEST_POSTGRES}postgres" -c "CREATE DATABASE $1"
  printf '%s%s' "$CONSULTATION_TEST_POSTGRES" "$1"
}
say "SQLite, one receiver ($(nproc) cores)"
load sqlite
say "PostgreSQL, one receiver"
LOAD_DATABASE=$(fresh_db bench_one) LOAD_INSTANCES=1 load pg1
say "PostgreSQL, two receivers on one database"
LOAD_DATABASE=$(fresh_db bench_two) LOAD_INSTANCES=2 load pg2

say "Summary (submissions/s acknowledged; latency p50 / p99 in ms)"
printf '| setup | open loop %s/s: rate, p50, p99 | closed loop, %s clients: rate, p50, p99 | durable after kill -9 |\n' \
  "${RATE:-300}" "${CONCURRENCY:-32}"
printf '| --- | --- | --- | --- |\n'
for run in sqlite pg1 pg2; do
  name=$(case $run in sqlite) echo "SQLite, 1 receiver" ;; pg1) echo "PostgreSQL, 1 receiver" ;; pg2) echo "PostgreSQL, 2 receivers" ;; esac)
  figures() {
    grep "^$1" "$out/$run" | sed -E 's/.*= ([0-9]+) submissions\/s; latency p50 ([0-9.]+) ms, p90 [0-9.]+ ms, p99 ([0-9.]+) ms.*/\1\/s, \2, \3/'
  }
  durable=$(grep '^after kill -9' "$out/$run" | sed -E 's/after kill -9: //')
  printf '| %s | %s | %s | %s |\n' "$name" "$(figures open)" "$(figures closed)" "$durable"
done
rm -rf "$out"
