#!/usr/bin/env bash
# The README's serve command: the demo clinic page with the widget at http://127.0.0.1:8080/
# (PORT=… to change it), and beside it the local receiver at http://127.0.0.1:8787/, which
# stores each submission in submissions/ and prints its summary here, as staff would read it.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/tools.sh

ensure_build_tools
node receiver/server.mjs --port 8787 --dir submissions &
receiver=$!
trap 'kill "$receiver" 2>/dev/null || true' EXIT INT TERM
say "Serving the demo clinic page at http://127.0.0.1:${PORT:-8080}/ (Ctrl+C to stop)"
trunk serve --release --offline --port "${PORT:-8080}"
