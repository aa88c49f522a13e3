#!/usr/bin/env bash
# Installs what `npm test` needs for the SDKs and the spec checks, beyond
# scripts/setup.sh: Ruby (Debian's package) and the Python tools of
# tests/python-requirements.txt in .venv. Skips whatever is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo

if ! command -v ruby >/dev/null || ! command -v gem >/dev/null; then
  say "installing Ruby (Debian's ruby package)"
  # Refresh the package lists only when they do not know the package yet.
  if ! apt-cache show ruby >/dev/null 2>&1; then $SUDO apt-get update -qq; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq ruby >/dev/null
fi

requirements=tests/python-requirements.txt
stamp=.venv/.smartlinks-tools.sha256
[ -x .venv/bin/python ] || python3 -m venv .venv
if [ "$(cat "$stamp" 2>/dev/null)" != "$(sha256sum "$requirements" | cut -d' ' -f1)" ]; then
  say "installing the Python tools of $requirements into .venv"
  .venv/bin/pip install --quiet --disable-pip-version-check -r "$requirements"
  sha256sum "$requirements" | cut -d' ' -f1 > "$stamp"
fi
