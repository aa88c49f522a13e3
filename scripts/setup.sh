#!/usr/bin/env bash
# Installs every piece the worker needs to build and run, skipping what is
# already there. Safe to run any number of times; `npm start` and `npm test`
# both begin with it. Only the package registries are reachable (TOOLCHAIN.md).
set -euo pipefail
cd "$(dirname "$0")/.."

# The tools must match the crates the worker is built with, so their
# versions come from Cargo.lock: worker-build is released together with the
# `worker` crate, and wasm-bindgen-cli must equal `wasm-bindgen` exactly.
locked_version() {
  awk -v crate="$1" '$0 == "name = \"" crate "\"" { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock
}
WORKER_BUILD_VERSION=$(locked_version worker)
WASM_BINDGEN_VERSION=$(locked_version wasm-bindgen)
if [ -z "$WORKER_BUILD_VERSION" ] || [ -z "$WASM_BINDGEN_VERSION" ]; then
  echo "Cargo.lock names no worker or wasm-bindgen crate" >&2
  exit 1
fi

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }
export PATH="$HOME/.cargo/bin:$PATH"

if ! command -v cargo >/dev/null; then
  echo "cargo is missing: install Rust with rustup first" >&2
  exit 1
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

for component in clippy rustfmt; do
  if ! rustup component list --installed | grep -q "^$component"; then
    say "adding the $component component"
    rustup component add "$component"
  fi
done

if [ "$(worker-build --version 2>/dev/null | awk '{print $NF}')" != "$WORKER_BUILD_VERSION" ]; then
  say "installing worker-build $WORKER_BUILD_VERSION (a few minutes, once)"
  # --locked: build it with the dependency versions its release was tested with.
  cargo install worker-build --version "$WORKER_BUILD_VERSION" --locked --force
fi

if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $NF}')" != "$WASM_BINDGEN_VERSION" ]; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes, once)"
  # No --locked: its lockfile names a crate version the registry lacks.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

# npm packages (Node 22, wrangler, miniflare, ...) exactly as package-lock.json
# names them (`npm ci`: the lockfile is complete for every platform, see
# scripts/lock.sh); skipped while the lockfile is unchanged since the last install.
stamp=node_modules/.smartlinks-lock.sha256
if [ "$(cat "$stamp" 2>/dev/null)" != "$(sha256sum package-lock.json | cut -d' ' -f1)" ]; then
  say "installing npm packages"
  npm ci --no-audit --no-fund
  sha256sum package-lock.json | cut -d' ' -f1 > "$stamp"
fi

# Headless Chromium for the dashboard's browser tests (tests/browser), from
# Debian; the package index is refreshed only when it does not know chromium.
if ! command -v chromium >/dev/null; then
  say "installing Debian's chromium (browser tests)"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-cache show chromium >/dev/null 2>&1; then
    $sudo_cmd apt-get update
  fi
  $sudo_cmd apt-get install -y chromium
fi
