# Sourced by scripts/test.sh and scripts/serve.sh: installs whatever the project needs and is
# missing, and puts it on PATH. Every step checks first, so a second run takes seconds.
# Versions: trunk 0.21.14 (0.22 needs a newer rustc than these machines have), the wasm-bindgen
# CLI exactly equal to the crate in Cargo.lock, wasm-opt from the npm package binaryen
# (package-lock.json), Chromium and ChromeDriver from Debian.

TRUNK_VERSION=0.21.14

say() { printf '\n==> %s\n' "$*"; }
fail() { printf 'error: %s\n' "$*" >&2; exit 1; }

# The wasm-bindgen version the build links against, read from Cargo.lock.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo "$@"
  else return 1
  fi
}

apt_install() {
  local missing=("$@")
  say "Installing Debian packages: ${missing[*]}"
  local try
  for try in $(seq 120); do
    if as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
       as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; then
      return 0
    fi
    # Another apt or dpkg (unattended upgrades, a second checkout's script) holds apt's lock:
    # wait for it to finish, up to ten minutes, rather than fail on it.
    { command -v pgrep && pgrep -x 'apt-get|apt|dpkg|unattended-upgr'; } >/dev/null || break
    [ "$try" = 1 ] && printf 'waiting for another apt to finish…\n'
    sleep 5
  done
  fail "could not install ${missing[*]}. Install them as root: apt-get install -y ${missing[*]}"
}

ensure_build_tools() {
  command -v cargo >/dev/null && command -v rustup >/dev/null ||
    fail "Rust is not installed: install rustup (https://rustup.rs) and run this again"
  export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "Adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  # The release wasm rebuilds std (release_build, below), from the toolchain's own sources.
  if ! rustup component list --installed | grep -qx rust-src; then
    say "Adding the rust-src component (std's sources, for the release wasm)"
    rustup component add rust-src
  fi
  # std's own dependencies, which the offline builds below cannot fetch (once; a no-op after).
  RUSTC_BOOTSTRAP=1 cargo fetch --quiet -Zbuild-std=std,panic_abort --target wasm32-unknown-unknown

  if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
    say "Installing trunk $TRUNK_VERSION (about 8 minutes on 2 cores, once)"
    cargo install trunk --version "$TRUNK_VERSION" --locked
  fi

  local wbg
  wbg=$(wasm_bindgen_version)
  [ -n "$wbg" ] || fail "no wasm-bindgen in Cargo.lock"
  grep -q "^wasm_bindgen = \"$wbg\"" Trunk.toml ||
    fail "Trunk.toml's wasm_bindgen must equal the wasm-bindgen crate in Cargo.lock ($wbg)"
  if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $wbg" ]; then
    say "Installing wasm-bindgen-cli $wbg (about 6 minutes on 2 cores, once)"
    # Not --locked: one of its locked dependencies is not in the registry these machines reach.
    cargo install wasm-bindgen-cli --version "$wbg" --force
  fi

  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    apt_install nodejs npm
  fi
  # npm ci only when the lockfile changed since the last install. Not in a git worktree whose
  # node_modules is a link to another checkout's: a checkout makes package-lock.json look new,
  # and npm ci would empty the other checkout's install under it (it did, once).
  if [ -L node_modules ]; then
    [ -d node_modules/.bin ] || fail "node_modules links to $(readlink node_modules), which has no packages: run npm ci there"
  elif [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "Installing node packages (package-lock.json)"
    npm ci --no-audit --no-fund --loglevel=error
  fi
  command -v wasm-opt >/dev/null || fail "wasm-opt missing from node_modules/.bin"
}

# trunk's release build (arguments added to it), which fails on a minify warning: trunk ships a
# file it could not minify as it was, which only the size guard would notice, and late. One is
# expected and stays, as trunk 0.21.14 cannot be told to skip its JS minifier alone: the
# wasm-bindgen glue's `export { … as default }`, which trunk's minify-js cannot parse and
# terser then minifies. scripts/build-embed.mjs confirms that one in the same output, naming
# the file; without that line it fails too.
#
# The wasm is built with std rebuilt under the immediate-abort panic strategy: 11.5 KB less
# gzip for every visitor (docs/size-notes.md, issue 22). A panic then traps at once and runs no
# panic hook; the embed script shows the crash notice instead (embed/consultation-form.js,
# `crash`). Both are unstable flags of the pinned stable compiler, hence RUSTC_BOOTSTRAP=1 (as
# the fuzz run): re-check them with each compiler update. The flags reach the wasm target only
# (the host's prerender build strips them: scripts/build-embed.mjs). A plain `trunk build`
# still works, with the panic hook instead.
#
# std is rebuilt with its `optimize_for_size` feature too: the smaller of its code where it
# has two (sorting, number formatting and parsing, escaping), with the same results: 0.7 KB
# less gzip (issue 24, docs/size-notes.md). Naming features replaces std's default one,
# `panic-unwind`, which this wasm never uses (it aborts at once).
WASM_STD_ENV=(
  RUSTC_BOOTSTRAP=1
  CARGO_UNSTABLE_BUILD_STD=std,panic_abort
  CARGO_UNSTABLE_BUILD_STD_FEATURES=optimize_for_size
)
WASM_RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort"
release_build() {
  local log status=0 unexplained
  # trunk's own status through the pipe into tee, when sourced by a shell without pipefail too
  # (`local -`: the option is this function's alone).
  local -
  set -o pipefail
  local known='Failed to minify JS: RequiredTokenNotFound(Identifier) [token=Some(KeywordDefault)]'
  # First the built-in-only wasm, which this build's hook puts beside the full one (not with
  # CW_FULL_ONLY set: the loader then fetches the full one for every page).
  if [ -z "${CW_BUILTIN_PART:-}" ] && [ -z "${CW_FULL_ONLY:-}" ]; then
    local -x CW_BUILTIN_DIST
    builtin_wasm_build "$@"
  fi
  log=$(mktemp)
  # (CW_WASM_RUSTFLAGS: more of them, for the built-in-only wasm below.)
  env "${WASM_STD_ENV[@]}" \
    "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS=$WASM_RUSTFLAGS${CW_WASM_RUSTFLAGS:+ $CW_WASM_RUSTFLAGS}" \
    trunk build --release --offline "$@" 2>&1 | tee "$log" || status=$?
  if [ "$status" -ne 0 ]; then
    rm -f "$log"
    fail "trunk build --release --offline${*:+ $*} failed"
  fi
  unexplained=$(grep -E 'Failed to minify|CSS (parsing|minification|generation) failed' "$log" |
    grep -v '^build-embed: ' | grep -vF "$known" || true)
  if grep -qF "$known" "$log" && ! grep -qF "build-embed: trunk's \"$known\" above is about" "$log"; then
    unexplained+="${unexplained:+$'\n'}$known (and build-embed.mjs did not find the glue it explains)"
  fi
  rm -f "$log"
  [ -z "$unexplained" ] || fail "trunk could not minify part of the release build: $unexplained"
}

# The wasm without the questionnaire reader (Cargo.toml's `questionnaire-files` off), which the
# loader fetches when its script lists no questionnaire files: release_build's own arguments,
# the same features but that one, into target/builtin-wasm/<its dist>, named in
# CW_BUILTIN_DIST for the full build's hook (scripts/build-embed.mjs), which takes its wasm in.
# One more link with LTO and wasm-opt: about 40 s on 2 cores (the dependencies are shared).
builtin_wasm_build() {
  local features=view dist=dist args=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --features) features+=",$2"; shift 2 ;;
      --features=*) features+=",${1#*=}"; shift ;;
      --dist) dist=$2; shift 2 ;;
      --dist=*) dist=${1#*=}; shift ;;
      *) args+=("$1"); shift ;;
    esac
  done
  CW_BUILTIN_DIST="$PWD/target/builtin-wasm/$(basename "$dist")"
  # Debug formatting compiled out (`{:?}` writes nothing): 3.0 KB less gzip on every English
  # page (docs/size-notes.md, "Issue 25, fourth slice"). Safe here only: nothing this wasm
  # shows or sends is written with Debug (serde's errors, which quote a value with it, are read
  # only from drafts and the receiver's refusals, and dropped). The full wasm keeps it, as a
  # questionnaire file's errors quote the clinic's values. Other flags, so a target folder of
  # its own: sharing one, each build would rebuild the other's std and crates.
  CW_BUILTIN_PART=1 CW_WASM_RUSTFLAGS=-Zfmt-debug=none \
    CARGO_TARGET_DIR="$PWD/target/builtin-wasm/target" \
    release_build ${args[@]+"${args[@]}"} --no-default-features \
    --features "$features" --dist "$CW_BUILTIN_DIST"
}

# cargo fuzz, for the fuzz smoke run of the test command (fuzz/, README "Fuzzing").
CARGO_FUZZ_VERSION=0.13.2
ensure_fuzzer() {
  if [ "$(cargo fuzz --version 2>/dev/null)" != "cargo-fuzz $CARGO_FUZZ_VERSION" ]; then
    say "Installing cargo-fuzz $CARGO_FUZZ_VERSION (about 2 minutes on 2 cores, once)"
    cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked
  fi
}

ensure_browser() {
  local missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  [ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
  [ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
  export CHROMEDRIVER=/usr/bin/chromedriver
}

# A real SMTP server for the receiver's notification tests and the serve command's demo:
# aiosmtpd from PyPI (Debian's CPython 3.11 is on these machines; pip is its ordinary client).
ensure_smtp_server() {
  if ! command -v python3 >/dev/null; then
    apt_install python3 python3-pip
  fi
  if ! python3 -c 'import aiosmtpd' 2>/dev/null; then
    say "Installing aiosmtpd (PyPI), the SMTP server the receiver's tests send to"
    if python3 -m pip --version >/dev/null 2>&1; then
      # Debian's own python3 refuses plain pip installs (PEP 668) without the second flag.
      python3 -m pip install --quiet aiosmtpd 2>/dev/null ||
        python3 -m pip install --quiet --break-system-packages aiosmtpd ||
        fail "could not install aiosmtpd: python3 -m pip install aiosmtpd"
    else
      # No pip: Debian packages the same project.
      apt_install python3-aiosmtpd
    fi
  fi
}

# poppler-utils (pdftotext, pdfinfo): the receiver's tests read the signed consent's PDF back
# with a real PDF tool, as a clinic's reader would (receiver/tests/api/consent.rs).
ensure_pdf_tools() {
  if ! command -v pdftotext >/dev/null || ! command -v pdfinfo >/dev/null; then
    apt_install poppler-utils
  fi
}

# The clinic's receiver (receiver/, a workspace member): the debug build, which the test
# command's cargo test builds anyway and the end-to-end tests and the serve command run.
RECEIVER_BIN=target/debug/consultation-receiver
ensure_receiver() {
  say "Building the receiver (cargo build -p consultation-receiver)"
  cargo build --quiet -p consultation-receiver
}

# PostgreSQL for the receiver's tests and benchmark (issue 13): Debian's postgresql package.
# start_test_postgres makes a throwaway cluster: initdb in a temporary folder owned by the
# postgres user (the server refuses to run as root), trust authentication, listening on a
# free port on 127.0.0.1 only, and exports CONSULTATION_TEST_POSTGRES (each test makes its own
# database there). stop_test_postgres stops it and removes the folder; callers trap it.
ensure_postgres() {
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ]; then
    apt_install postgresql
    PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  fi
  [ -x "$PG_BIN/pg_ctl" ] || fail "no PostgreSQL server found: apt-get install -y postgresql"
}

TEST_PG_DIR=""
start_test_postgres() {
  ensure_postgres
  TEST_PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/receiver-pg.XXXXXX")
  local port run=()
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$TEST_PG_DIR"
    run=(runuser -u postgres --)
  fi
  if ! "${run[@]}" "$PG_BIN/initdb" -D "$TEST_PG_DIR/data" --auth=trust -U postgres -E UTF8 \
    >"$TEST_PG_DIR/initdb.log" 2>&1; then
    cat "$TEST_PG_DIR/initdb.log" >&2
    fail "initdb failed (PostgreSQL for the receiver's tests)"
  fi
  if ! "${run[@]}" "$PG_BIN/pg_ctl" -D "$TEST_PG_DIR/data" -l "$TEST_PG_DIR/server.log" -w \
    -o "-p $port -k $TEST_PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=300" \
    start >/dev/null; then
    cat "$TEST_PG_DIR/server.log" >&2
    fail "PostgreSQL did not start (port $port)"
  fi
  export CONSULTATION_TEST_POSTGRES="postgres://postgres@127.0.0.1:$port/"
  say "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') for the tests at $CONSULTATION_TEST_POSTGRES"
}

stop_test_postgres() {
  [ -n "$TEST_PG_DIR" ] && [ -d "$TEST_PG_DIR" ] || return 0
  local run=()
  [ "$(id -u)" -eq 0 ] && run=(runuser -u postgres --)
  "${run[@]}" "$PG_BIN/pg_ctl" -D "$TEST_PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$TEST_PG_DIR"
  TEST_PG_DIR=""
}
