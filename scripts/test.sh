#!/usr/bin/env bash
# The README's test command: installs what is missing, then runs every test layer.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/tools.sh

ensure_build_tools
ensure_browser

say "Formatting and lints (host and wasm)"
cargo fmt --check
cargo clippy --all-targets --quiet -- -D warnings
cargo clippy -p consultation-receiver --all-targets --quiet -- -D warnings
cargo clippy --target wasm32-unknown-unknown --all-targets --quiet -- -D warnings
cargo clippy --target wasm32-unknown-unknown --features crash-test --quiet -- -D warnings
cargo clippy --target wasm32-unknown-unknown --no-default-features --features view --quiet -- -D warnings

say "Layer 1: browser-free core (cargo test)"
cargo test --quiet

say "Layer 1b: the clinic's receiver (cargo test -p consultation-receiver: the real process, SQLite and PostgreSQL, aiosmtpd)"
ensure_smtp_server
ensure_pdf_tools
# A throwaway PostgreSQL cluster for the receiver's PostgreSQL tests, stopped on any exit.
trap stop_test_postgres EXIT
start_test_postgres
# panic-test: the hidden route receiver/tests/api/panic.rs panics on demand (never in a normal build).
# Four tests at a time on two cores: each mostly waits on its real receiver, PostgreSQL or SMTP
# server (one waits a minute on a silent SMTP server), so the run takes about 110 s, not 190.
RUST_TEST_THREADS=4 cargo test --quiet -p consultation-receiver --features panic-test
stop_test_postgres
# The end-to-end tests below run this build (tests/e2e/support/receiver.mjs).
ensure_receiver

say "Fuzz smoke run: each cargo fuzz target for 20 seconds from the committed seeds"
ensure_fuzzer
# Stable Rust runs cargo fuzz's sanitizer flags with RUSTC_BOOTSTRAP=1 (README, "Fuzzing"). The
# long runs are by hand; this one shows the targets build and hold on fresh random input.
for target in questionnaire validators; do
  mkdir -p "fuzz/corpus/$target"
  log=$(mktemp)
  if ! (cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run "$target" "corpus/$target" "seeds/$target" -- \
    -max_total_time=20) >"$log" 2>&1; then
    tail -40 "$log"
    fail "cargo fuzz failed on $target (a crash is saved under fuzz/artifacts/$target)"
  fi
  printf '%s: %s\n' "$target" "$(grep -E '^Done' "$log")"
  rm -f "$log"
done

say "Layer 2: the widget in headless Chromium (wasm-bindgen-test)"
cargo test --target wasm32-unknown-unknown --test browser

say "Release build (trunk, offline)"
release_build
# The same with a way to make it panic on demand, for the crash test only (never shipped): the
# full wasm alone, which the loader then fetches for every page (the crash path is the loader's
# and the same for both wasm files), sparing a third and fourth link.
CW_FULL_ONLY=1 release_build --features crash-test --dist dist-crash

say "Layer 3: end to end against the release build (playwright-core, axe-core)"
node --test --test-reporter=spec tests/e2e/
