# Sourced before the README's shell examples (tests/readme.test.mjs): they
# run unchanged, except that every curl's HTTP status is checked. A curl the
# test marked with README_EXPECT=NNN (from a `# NNN` comment in the README)
# must answer NNN; any other must answer below 400.
set -euo pipefail

curl() {
  local err status
  err=$(mktemp)
  if ! command curl --no-progress-meter "$@" -w '%{stderr}\nREADME_STATUS %{http_code}\n' 2>"$err"; then
    cat "$err" >&2
    rm -f "$err"
    return 1
  fi
  status=$(sed -n 's/^README_STATUS //p' "$err")
  grep -v -e '^README_STATUS ' -e '^$' "$err" >&2 || true
  rm -f "$err"
  if [ -n "${README_EXPECT:-}" ]; then
    if [ "$status" != "$README_EXPECT" ]; then
      echo "curl $*: answered $status, the README says $README_EXPECT" >&2
      return 1
    fi
  elif [ "$status" -ge 400 ]; then
    echo "curl $*: answered $status, and the README does not say to expect it" >&2
    return 1
  fi
}

trap 'echo "README.md: the block at line ${readme_block:-?} failed" >&2' ERR
