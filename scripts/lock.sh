#!/usr/bin/env bash
# package-lock.json must be complete: `npm ci` installs from it on any
# platform, and `npm install` finds nothing to add (reproducible installs).
#
#   bash scripts/lock.sh           bring it in line with package.json (after a
#                                  version change; after a merge conflict in it,
#                                  first check out either side's lockfile)
#   bash scripts/lock.sh --check   fail if resolving for this or another
#                                  platform would change it (npm test runs this)
set -euo pipefail
cd "$(dirname "$0")/.."

# workerd, esbuild and sharp ship one optional package per platform; npm
# records them all, but only if it resolves them, so resolve for each.
platforms=("" "--os=linux --cpu=arm64" "--os=darwin --cpu=arm64" "--os=darwin --cpu=x64" "--os=win32 --cpu=x64")

# Resolves in a scratch directory: next to an installed node_modules, npm
# copies entries from the installed tree, which lack their integrity hashes.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cp package.json "$scratch/"
# The workspaces' package.json files too (their dependencies are in the lockfile).
for workspace in $(node -p '(require("./package.json").workspaces ?? []).join("\n")'); do
  mkdir -p "$scratch/$workspace"
  cp "$workspace/package.json" "$scratch/$workspace/"
done
# Start from the current lockfile when it parses (not mid-merge-conflict), so
# what is already locked stays at its version.
if node -e 'JSON.parse(require("fs").readFileSync("package-lock.json", "utf8"))' 2>/dev/null; then
  cp package-lock.json "$scratch/"
elif [ "${1:-}" = "--check" ]; then
  echo "package-lock.json is missing or not JSON: run 'bash scripts/lock.sh'" >&2
  exit 1
fi
for platform in "${platforms[@]}"; do
  # shellcheck disable=SC2086 # $platform is two flags or none
  if ! (cd "$scratch" && npm install --package-lock-only --ignore-scripts --no-audit --no-fund $platform >npm.log 2>&1); then
    cat "$scratch/npm.log" >&2
    exit 1
  fi
done

# Every package must carry its hash, or `npm ci` installs it unverified and
# a later `npm install` rewrites the entry. (No registry URLs: .npmrc.)
node -e '
  const lock = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const bare = Object.entries(lock.packages)
    .filter(([path, p]) => path.includes("node_modules/") && !p.link && !p.integrity)
    .map(([path]) => path);
  if (bare.length) {
    console.error("lockfile entries without an integrity hash:\n  " + bare.join("\n  "));
    process.exit(1);
  }
' "$scratch/package-lock.json"

if [ "${1:-}" = "--check" ]; then
  if ! cmp -s package-lock.json "$scratch/package-lock.json"; then
    echo "package-lock.json is incomplete or out of date: run 'bash scripts/lock.sh' and commit it" >&2
    diff package-lock.json "$scratch/package-lock.json" >&2 || true
    exit 1
  fi
  echo "package-lock.json is complete"
else
  cp "$scratch/package-lock.json" package-lock.json
  echo "package-lock.json regenerated; install from it with 'npm ci'"
fi
