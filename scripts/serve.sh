#!/usr/bin/env bash
# The README's serve command: the demo clinic page with the widget at http://127.0.0.1:8080/
# (PORT=… to change it), and beside it the clinic's receiver (consultation-receiver) at
# http://127.0.0.1:8787/, which re-checks each submission, stores it in SQLite in .data/, and
# sends staff a notification to a local SMTP server that prints it here.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/tools.sh

ensure_build_tools
ensure_smtp_server
ensure_receiver
port=${PORT:-8080}
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT INT TERM

# The staff mailbox of the demo: aiosmtpd prints each email it receives, as staff get it.
python3 -u -m aiosmtpd -n -l 127.0.0.1:8025 &
pids+=($!)
# Receiver logs are structured and never hold answers, names or emails.
"$RECEIVER_BIN" serve --listen 127.0.0.1:8787 --database sqlite://.data/receiver.db \
  --allow-origin "http://127.0.0.1:$port" --allow-origin "http://localhost:$port" \
  --smtp smtp://127.0.0.1:8025 --notify staff@example.com \
  --from "Example Skin Clinic receiver <receiver@example.com>" \
  --public-url http://127.0.0.1:8787 --log-format text &
pids+=($!)
say "Serving the demo clinic page at http://127.0.0.1:$port/ (Ctrl+C to stop)"
printf 'Submissions are stored in .data/receiver.db. Read them as staff would:\n'
printf '  %s export --database sqlite://.data/receiver.db --format text\n' "$RECEIVER_BIN"
# The build ships with no endpoint (a clinic that forgets one gets the email/copy/download
# fallback); the demo server points the demo pages at this receiver, as a clinic's page would.
trunk build --release --offline
node scripts/demo-server.mjs --port "$port" --endpoint http://127.0.0.1:8787/submissions
