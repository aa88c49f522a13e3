#!/usr/bin/env bash
# The SDKs' own checks, run by `npm test` before the end-to-end suite (which
# holds their integration tests against the worker: tests/sdks.test.mjs):
# each SDK's unit tests against a local fake server, then its package built
# as it would be published, into build/sdks/.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
out="$PWD/build/sdks"
rm -rf "$out" && mkdir -p "$out"

echo "-- TypeScript (@smartlinks/sdk): build, type tests, unit tests, npm pack"
(cd sdks/typescript && tsc -p tsconfig.json && tsc -p tsconfig.test.json && node --test test/*.test.mjs)
# --ignore-scripts: prepack would run the tsc build just done above again.
npm pack -w @smartlinks/sdk --pack-destination "$out" --ignore-scripts --silent >/dev/null
tar -tzf "$out/smartlinks-sdk-0.1.0.tgz" | sort > "$out/typescript-files.txt"
for f in package/package.json package/README.md package/dist/index.js package/dist/index.d.ts; do
  grep -qx "$f" "$out/typescript-files.txt" || { echo "npm pack: $f missing" >&2; exit 1; }
done

echo "-- Python (smartlinks-sdk): unit tests, python -m build"
(cd sdks/python && ../../.venv/bin/python -m pytest -q tests/unit)
log=$(.venv/bin/python -m build --no-isolation --outdir "$out" sdks/python 2>&1) || { echo "$log" >&2; exit 1; }
ls "$out"/smartlinks_sdk-0.1.0-py3-none-any.whl "$out"/smartlinks_sdk-0.1.0.tar.gz >/dev/null

echo "-- Ruby (smartlinks): unit tests, gem build"
(cd sdks/ruby && ruby -Ilib -Itest test/unit/client_test.rb)
(cd sdks/ruby && gem build smartlinks.gemspec --output "$out/smartlinks-0.1.0.gem" --quiet)
ls -l "$out" | awk 'NR > 1 && !/files.txt/ { print "built", $NF, $5, "bytes" }'
