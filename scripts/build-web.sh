#!/usr/bin/env bash
# Builds the dashboard (web/) into web/dist with Vite; the worker serves it as
# Workers Static Assets ([assets] in wrangler.toml). Skipped when neither
# web/ nor the lockfile changed since the last build.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"

stamp=web/dist/.build-stamp
sources=$( (find web -path web/dist -prune -o -type f -print | LC_ALL=C sort | xargs sha256sum; sha256sum package-lock.json) | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sources" ]; then
  exit 0
fi
vite build --config web/vite.config.mjs --logLevel warn
echo "$sources" > "$stamp"
