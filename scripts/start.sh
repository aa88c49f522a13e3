#!/usr/bin/env bash
# `npm start`: set up, build, migrate the local D1, and serve the worker with
# `wrangler dev` on 127.0.0.1:${PORT:-8787}, state persisted under .wrangler/.
# On first start it creates a development account and prints its API key.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

bash scripts/setup.sh

PORT=${PORT:-8787}
ORIGIN="http://127.0.0.1:$PORT"

# The operator token: $ADMIN_TOKEN when given, else the one generated on the
# first start and kept in .dev.vars (git-ignored), which wrangler dev reads.
if [ -n "${ADMIN_TOKEN:-}" ]; then
  token=$ADMIN_TOKEN
elif [ -f .dev.vars ] && grep -q '^ADMIN_TOKEN=' .dev.vars; then
  token=$(sed -n 's/^ADMIN_TOKEN=//p' .dev.vars | tr -d '"')
else
  token="adm_$(node -e 'process.stdout.write(require("crypto").randomBytes(24).toString("base64url"))')"
fi
# The key of unique-visitor fingerprints, likewise kept: a new key counts
# every visitor as new once.
if [ -n "${CLICK_SECRET:-}" ]; then
  click_secret=$CLICK_SECRET
elif [ -f .dev.vars ] && grep -q '^CLICK_SECRET=' .dev.vars; then
  click_secret=$(sed -n 's/^CLICK_SECRET=//p' .dev.vars | tr -d '"')
else
  click_secret=$(node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("base64url"))')
fi
printf 'ADMIN_TOKEN="%s"\n' "$token" > .dev.vars
printf 'CLICK_SECRET="%s"\n' "$click_secret" >> .dev.vars
# Local only: short URLs use the request's origin (a deploy sets SHORT_BASE_URL).
printf 'SHORT_BASE_FROM_REQUEST="true"\n' >> .dev.vars

wrangler d1 migrations apply DB --local >/dev/null

# wrangler dev builds through wrangler.toml's [build] command, and rebuilds
# when src/ changes.
wrangler dev --ip 127.0.0.1 --port "$PORT" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT INT TERM

for _ in $(seq 1 600); do
  curl -fsS "$ORIGIN/health" >/dev/null 2>&1 && break
  kill -0 $server 2>/dev/null || { echo "wrangler dev exited" >&2; exit 1; }
  sleep 0.5
done

# The development key is shown once by the API, so it is kept locally
# (git-ignored) and re-printed on every start.
key_works() {
  [ -s .wrangler/dev-api-key ] && curl -fsS -o /dev/null "$ORIGIN/v1/links?limit=1" \
    -H "Authorization: Bearer $(cat .wrangler/dev-api-key)"
}
if ! key_works; then
  ADMIN_TOKEN=$token node scripts/admin.mjs create-account --url "$ORIGIN" \
    --name "Development" --plan pro --key-only > .wrangler/dev-api-key
fi

cat <<INFO

  SmartLinks is running at $ORIGIN
  Dashboard:    $ORIGIN/  (sign up there; API reference at $ORIGIN/docs)
  Admin token:  $token
  Dev API key:  $(cat .wrangler/dev-api-key)

  Try:
    curl -s -X POST $ORIGIN/v1/links \\
      -H "Authorization: Bearer $(cat .wrangler/dev-api-key)" \\
      -H "Content-Type: application/json" \\
      -d '{"url":"https://example.com/product/123","shortCode":"hello"}'
    curl -i $ORIGIN/hello

INFO
wait $server
