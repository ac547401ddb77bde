#!/usr/bin/env bash
# The README's serve command: the demo clinic page with the widget at http://127.0.0.1:8080/,
# and beside it the clinic's receiver (consultation-receiver) at http://127.0.0.1:8787/, which
# re-checks each submission, stores it in SQLite in .data/, and sends staff a notification to a
# local SMTP server (port 8025) that prints it here. The addresses are printed once each answers.
#
#   PORT=8080 RECEIVER_PORT=8787 SMTP_PORT=8025   the three ports (these are the defaults)
#   ALLOW_ORIGIN="https://clinic.example"         more origins whose pages may send to the
#                                                 demo receiver (space-separated)
#   bash scripts/serve.sh --no-build              serve the dist/ already built (no trunk build)
#   SERVE_WAIT=120                                seconds to wait for each server to answer
#   DATA_DIR=.data                                where the demo keeps its database and keys
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/tools.sh

build=1
case "${1:-}" in
  --no-build) build=0 ;;
  "") ;;
  *) fail "unknown option $1 (only --no-build)" ;;
esac

ensure_build_tools
ensure_smtp_server
ensure_receiver
port=${PORT:-8080}
receiver_port=${RECEIVER_PORT:-8787}
smtp_port=${SMTP_PORT:-8025}
wait_seconds=${SERVE_WAIT:-120}
# The demo's database, inbox password and key (the tests give a folder of their own).
data=${DATA_DIR:-.data}
for name in PORT RECEIVER_PORT SMTP_PORT; do
  value=${!name:-}
  [ -z "$value" ] || [[ "$value" =~ ^[0-9]+$ && "$value" -ge 1 && "$value" -le 65535 ]] ||
    fail "$name=$value is not a port number (1 to 65535)"
done
[ "$port" != "$receiver_port" ] && [ "$port" != "$smtp_port" ] && [ "$receiver_port" != "$smtp_port" ] ||
  fail "PORT ($port), RECEIVER_PORT ($receiver_port) and SMTP_PORT ($smtp_port) must differ"
pids=()
# On any exit, the servers are stopped, and waited for: their ports are free when this ends.
trap 'kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true' EXIT
# Ctrl+C or a kill: the EXIT trap above stops the servers.
trap 'exit 130' INT
trap 'exit 143' TERM

# The staff inbox's demo admin, made on first run (no two-factor, so a newcomer can sign in at
# once); its password is kept in .data/ (readable by this user only) and printed each run. The
# script makes the password itself and gives it on standard input: a password given there is
# the clinic's own choice, so it is not "issued" and need not be replaced at first sign-in (a
# generated one, printed by the receiver, must be: docs/inbox.md).
demo_admin=admin@example.com
if [ ! -s "$data/demo-admin-password" ]; then
  mkdir -p "$data" && chmod 700 "$data"
  password=$(head -c 15 /dev/urandom | base64 | tr '+/' 'xy')
  if out=$(printf '%s\n' "$password" | "$RECEIVER_BIN" staff add --database "sqlite://$data/receiver.db" \
      --email "$demo_admin" --role admin 2>&1); then
    (umask 077; printf '%s\n' "$password" > "$data/demo-admin-password")
  else
    printf '%s\n' "$out" >&2
  fi
fi
# The key that seals two-factor secrets in the database. A clinic keeps it outside the
# database's folder and its backups (a copied database then yields no codes); the demo keeps
# it beside, in .data/, readable by this user only.
if [ ! -s "$data/totp.key" ]; then
  mkdir -p "$data" && chmod 700 "$data"
  (umask 077; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$data/totp.key")
fi

# The build first (about 85 s the first time; seconds when nothing changed), so that nothing is
# announced before it can answer. It ships with no endpoint (a clinic that forgets one gets the
# email/copy/download fallback); the demo server points the demo pages at this receiver, as a
# clinic's page would.
if [ "$build" = 1 ]; then
  say "Building the widget (trunk build --release --offline)"
  release_build
fi
[ -s dist/index.html ] || fail "no dist/index.html: run without --no-build to build it"

# Waits until `check` succeeds, or says which server never answered (and stops, as the EXIT trap
# then stops the others). A server that exits early (its port taken) is reported at once.
wait_for() {
  local what=$1 pid=$2 check=$3 deadline=$((SECONDS + wait_seconds))
  until eval "$check" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || fail "$what stopped before it answered (is its port already in use? see its message above)"
    [ "$SECONDS" -lt "$deadline" ] || fail "$what did not answer within $wait_seconds s (SERVE_WAIT=… to wait longer)"
    sleep 0.2
  done
}
# Any HTTP answer at all, whatever its status: the server is up.
answers_http() { [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$1")" != 000 ]; }
answers_tcp() { python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 2).close()' "$1"; }

# The staff mailbox of the demo: aiosmtpd prints each email it receives, as staff get it.
python3 -u -m aiosmtpd -n -l "127.0.0.1:$smtp_port" &
pids+=($!)
wait_for "The SMTP server (127.0.0.1:$smtp_port)" $! "answers_tcp $smtp_port"

# The demo page's origin, and any the clinic wants to try its own page from.
origins=(--allow-origin "http://127.0.0.1:$port" --allow-origin "http://localhost:$port")
for origin in ${ALLOW_ORIGIN:-}; do
  origins+=(--allow-origin "$origin")
done
# Receiver logs are structured and never hold answers, names or emails.
"$RECEIVER_BIN" serve --listen "127.0.0.1:$receiver_port" --database "sqlite://$data/receiver.db" \
  "${origins[@]}" \
  --smtp "smtp://127.0.0.1:$smtp_port" --notify staff@example.com \
  --from "Example Skin Clinic receiver <receiver@example.com>" \
  --public-url "http://127.0.0.1:$receiver_port" --totp-key-file "$data/totp.key" --log-format text &
pids+=($!)
wait_for "The receiver (http://127.0.0.1:$receiver_port/)" $! "answers_http http://127.0.0.1:$receiver_port/"

endpoint="http://127.0.0.1:$receiver_port/submissions"
node scripts/demo-server.mjs --port "$port" --endpoint "$endpoint" &
pids+=($!)
wait_for "The demo page (http://127.0.0.1:$port/)" $! "answers_http http://127.0.0.1:$port/"
# The page as a visitor gets it must send to this receiver, not to a default port.
curl -s --max-time 5 "http://127.0.0.1:$port/" | grep -qF "data-endpoint=\"$endpoint\"" ||
  fail "the demo page at http://127.0.0.1:$port/ does not send to $endpoint"

say "Serving the demo clinic page at http://127.0.0.1:$port/ (Ctrl+C to stop)"
printf 'Iframe embed:  http://127.0.0.1:%s/iframe-demo.html\n' "$port"
printf 'Receiver:      http://127.0.0.1:%s/ (submissions to %s; pages allowed from %s)\n' \
  "$receiver_port" "$endpoint" "http://127.0.0.1:$port http://localhost:$port${ALLOW_ORIGIN:+ $ALLOW_ORIGIN}"
if [ -s "$data/demo-admin-password" ]; then
  printf 'Staff inbox:   http://127.0.0.1:%s/inbox  (sign in as %s, password %s)\n' \
    "$receiver_port" "$demo_admin" "$(cat "$data/demo-admin-password")"
fi
printf 'SMTP server:   127.0.0.1:%s (staff notifications are printed here)\n' "$smtp_port"
printf 'Submissions are stored in %s/receiver.db. Read them as staff would:\n' "$data"
printf '  %s export --database sqlite://%s/receiver.db --format text\n' "$RECEIVER_BIN" "$data"
# Until Ctrl+C, or one of the servers stops (then the others are stopped too).
wait -n "${pids[@]}" || true
fail "a server stopped (see its message above); the others are stopped too"
