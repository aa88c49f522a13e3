#!/usr/bin/env bash
# Installs every piece the worker needs to build and run, skipping what is
# already there. Safe to run any number of times; `npm start` and `npm test`
# both begin with it. Only the package registries are reachable (TOOLCHAIN.md).
set -euo pipefail
cd "$(dirname "$0")/.."

WORKER_BUILD_VERSION=0.8.7
# wasm-bindgen-cli must equal the wasm-bindgen version in Cargo.lock exactly.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)

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
  cargo install worker-build --version "$WORKER_BUILD_VERSION" --force
fi

if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $NF}')" != "$WASM_BINDGEN_VERSION" ]; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes, once)"
  # No --locked: its lockfile names a crate version the registry lacks.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

# npm packages (Node 22, wrangler, miniflare, ...), at the lockfile's exact
# versions; skipped while the lockfile is unchanged since the last install.
# (`npm install`, not `npm ci`: npm ci rejects this lockfile for lacking
# workerd's optional packages for other platforms.)
stamp=node_modules/.smartlinks-lock.sha256
if [ "$(cat "$stamp" 2>/dev/null)" != "$(sha256sum package-lock.json | cut -d' ' -f1)" ]; then
  say "installing npm packages"
  npm install --no-audit --no-fund
  sha256sum package-lock.json | cut -d' ' -f1 > "$stamp"
fi
