#!/usr/bin/env bash
# The receiver's tests alone, as the test command runs them: a throwaway PostgreSQL cluster
# (stopped at the end), aiosmtpd, poppler-utils (the consent PDF read back), then cargo test -p consultation-receiver --features panic-test with any arguments
# given here (a test name to filter, `-- --nocapture`, …). The API tests are one binary, `api`
# (receiver/tests/api/), one module an area: pick an area or a test by name.
#
#   bash scripts/test-receiver.sh
#   bash scripts/test-receiver.sh --test api -- instances::
#   bash scripts/test-receiver.sh --test api -- sign_in_attacks::parallel_guesses
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/tools.sh
ensure_smtp_server
ensure_pdf_tools
trap stop_test_postgres EXIT
start_test_postgres
# panic-test: the hidden route tests/api/panic.rs panics on demand (never in a normal build).
# Four tests at a time, as the test command runs them (scripts/test.sh says why).
RUST_TEST_THREADS=${RUST_TEST_THREADS:-4} cargo test --quiet -p consultation-receiver --features panic-test "$@"
