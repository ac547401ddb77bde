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
  if ! { as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
         as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; }; then
    fail "could not install ${missing[*]}. Install them as root: apt-get install -y ${missing[*]}"
  fi
}

ensure_build_tools() {
  command -v cargo >/dev/null && command -v rustup >/dev/null ||
    fail "Rust is not installed: install rustup (https://rustup.rs) and run this again"
  export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "Adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi

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
  # npm ci only when the lockfile changed since the last install.
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "Installing node packages (package-lock.json)"
    npm ci --no-audit --no-fund --loglevel=error
  fi
  command -v wasm-opt >/dev/null || fail "wasm-opt missing from node_modules/.bin"
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

# The clinic's receiver (receiver/, a workspace member): the debug build, which the test
# command's cargo test builds anyway and the end-to-end tests and the serve command run.
RECEIVER_BIN=target/debug/consultation-receiver
ensure_receiver() {
  say "Building the receiver (cargo build -p consultation-receiver)"
  cargo build --quiet -p consultation-receiver
}
