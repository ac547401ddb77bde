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

# The staff inbox's demo admin, made on first run (no two-factor, so a newcomer can sign in at
# once); its password is kept in .data/ (readable by this user only) and printed each run. The
# script makes the password itself and gives it on standard input: a password given there is
# the clinic's own choice, so it is not "issued" and need not be replaced at first sign-in (a
# generated one, printed by the receiver, must be: docs/inbox.md).
demo_admin=admin@example.com
if [ ! -s .data/demo-admin-password ]; then
  mkdir -p .data && chmod 700 .data
  password=$(head -c 15 /dev/urandom | base64 | tr '+/' 'xy')
  if out=$(printf '%s\n' "$password" | "$RECEIVER_BIN" staff add --database sqlite://.data/receiver.db \
      --email "$demo_admin" --role admin 2>&1); then
    (umask 077; printf '%s\n' "$password" > .data/demo-admin-password)
  else
    printf '%s\n' "$out" >&2
  fi
fi
# The key that seals two-factor secrets in the database. A clinic keeps it outside the
# database's folder and its backups (a copied database then yields no codes); the demo keeps
# it beside, in .data/, readable by this user only.
if [ ! -s .data/totp.key ]; then
  mkdir -p .data && chmod 700 .data
  (umask 077; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > .data/totp.key)
fi

# The staff mailbox of the demo: aiosmtpd prints each email it receives, as staff get it.
python3 -u -m aiosmtpd -n -l 127.0.0.1:8025 &
pids+=($!)
# Receiver logs are structured and never hold answers, names or emails.
"$RECEIVER_BIN" serve --listen 127.0.0.1:8787 --database sqlite://.data/receiver.db \
  --allow-origin "http://127.0.0.1:$port" --allow-origin "http://localhost:$port" \
  --smtp smtp://127.0.0.1:8025 --notify staff@example.com \
  --from "Example Skin Clinic receiver <receiver@example.com>" \
  --public-url http://127.0.0.1:8787 --totp-key-file .data/totp.key --log-format text &
pids+=($!)
say "Serving the demo clinic page at http://127.0.0.1:$port/ (Ctrl+C to stop)"
printf 'Submissions are stored in .data/receiver.db. Read them as staff would:\n'
printf '  %s export --database sqlite://.data/receiver.db --format text\n' "$RECEIVER_BIN"
if [ -s .data/demo-admin-password ]; then
  printf 'Staff inbox: http://127.0.0.1:8787/inbox  (sign in as %s, password %s)\n' \
    "$demo_admin" "$(cat .data/demo-admin-password)"
fi
# The build ships with no endpoint (a clinic that forgets one gets the email/copy/download
# fallback); the demo server points the demo pages at this receiver, as a clinic's page would.
trunk build --release --offline
node scripts/demo-server.mjs --port "$port" --endpoint http://127.0.0.1:8787/submissions
