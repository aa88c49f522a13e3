#!/usr/bin/env bash
# Builds the worker bundle into build/ (build/index.js + the wasm module) and
# the dashboard into web/dist (scripts/build-web.sh).
# worker-build would download wasm-bindgen and esbuild from GitHub; point it
# at the copies setup.sh installed instead.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build-web.sh
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
export WASM_BINDGEN_BIN="$HOME/.cargo/bin/wasm-bindgen"
export ESBUILD_BIN="$PWD/node_modules/.bin/esbuild"
worker-build --release --no-opt

# worker-build's own wasm-opt pass keeps the names section (~90 KiB gzip),
# which only makes panic traces readable. We never panic on purpose, so we
# drop the names. -Os, like Cargo.toml's opt-level "s": measured against
# -Oz on the spread redirect load, about a tenth more throughput for 33 KiB
# more gzip and no slower instantiation (the ADR on clicks through a queue,
# docs/adr/2026-11-27-clicks-through-a-queue-into-sharded-counters.md,
# "Second pass"). Features:
# what rustc's wasm32 target and wasm-bindgen emit, and no newer encodings
# than workerd reads.
wasm-opt build/index_bg.wasm -o build/index_bg.wasm -Os --strip-debug --strip-producers \
  --enable-mutable-globals --enable-sign-ext --enable-nontrapping-float-to-int \
  --enable-bulk-memory --enable-multivalue --enable-reference-types --enable-exception-handling
