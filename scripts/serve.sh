#!/usr/bin/env bash
# The README's serve command: the demo clinic page with the widget on its built-in defaults,
# at http://127.0.0.1:8080/ (PORT=… to change it).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/tools.sh

ensure_build_tools
say "Serving the demo clinic page at http://127.0.0.1:${PORT:-8080}/ (Ctrl+C to stop)"
exec trunk serve --release --offline --port "${PORT:-8080}"
