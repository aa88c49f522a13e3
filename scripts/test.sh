#!/usr/bin/env bash
# `npm test`: set up, check the lockfile, lint (fmt, clippy), unit-test the core natively,
# build the worker and the dashboard and check they deploy (dry run), lint
# openapi.json and generate clients from it, fuzz the API against it, test
# and package the SDKs, then run the end-to-end suite (the SDKs' integration
# tests and the README's examples included) against the built worker in
# workerd, and the dashboard in headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

bash scripts/setup.sh
bash scripts/setup-sdks.sh

echo "== package-lock.json complete for every platform"
bash scripts/lock.sh --check

echo "== cargo fmt + clippy (native and wasm32)"
cargo fmt --check
cargo clippy --all-targets --quiet -- -D warnings
cargo clippy --lib --target wasm32-unknown-unknown --quiet -- -D warnings

echo "== cargo test (core, native)"
cargo test --lib --quiet

# The dry run builds the worker through wrangler.toml's [build] command
# (scripts/build.sh) and checks the config deploys; the tests use that build.
echo "== build + wrangler deploy --dry-run"
out=$(wrangler deploy --dry-run --outdir build/dry-run 2>&1) || { echo "$out" >&2; exit 1; }
echo "$out" | grep "Total Upload"

echo "== openapi.json: lint, client generation"
bash tests/spec/check.sh

echo "== schema fuzzing (schemathesis against openapi.json)"
bash tests/fuzz/schemathesis.sh

echo "== SDKs: unit tests, packages"
bash scripts/test-sdks.sh

echo "== end-to-end (workerd)"
node --test "tests/*.test.mjs"

# The dashboard in headless Chromium against the same build; screenshots of
# every page land in tests/browser/screenshots/ (git-ignored).
echo "== browser (dashboard in headless Chromium)"
node --test --test-concurrency=1 "tests/browser/*.test.mjs"
