#!/usr/bin/env bash
# A Python that Linux perf can profile (3.12+ with frame pointers), for the tests
# and the eval of the Python perf path: Debian 12 ships only 3.11. CPython 3.14
# from python-build-standalone (built with -fno-omit-frame-pointer), as the Go
# module github.com/kluctl/go-embed-python packs it (the Go proxy is a registry
# this project may use), unpacked into a cache outside the repository, with
# memray and gunicorn beside it at the versions requirements-python.txt pins.
# Prints the interpreter's path. Idempotent.
set -euo pipefail

VERSION="v0.0.0-3.14.6-20260610-1"
DEST="${XDG_CACHE_HOME:-$HOME/.cache}/flamegate/python3.14"
PACKAGES="$(grep -E '^(memray|gunicorn)==' "$(dirname "$0")/requirements-python.txt")"
if [ -x "$DEST/bin/python3" ] && "$DEST/bin/python3" -c "import memray, gunicorn" 2>/dev/null; then
  echo "$DEST/bin/python3"
  exit 0
fi
[ "$(uname -sm)" = "Linux x86_64" ] || { echo "install-python-perf: Linux x86_64 only" >&2; exit 1; }

work="$(mktemp -d)"
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
GOMODCACHE="$work/mod" GOFLAGS=-modcacherw go mod download -json \
  "github.com/kluctl/go-embed-python@$VERSION" >"$work/download.json"
src="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["Dir"])' "$work/download.json")"

rm -rf "$DEST"
mkdir -p "$(dirname "$DEST")"
cp -r "$src/python/internal/data/linux-amd64" "$DEST"
chmod -R u+w "$DEST"
# The module stores binaries gzipped and lists symlinks and modes in files.json.
find "$DEST" -name '*.gz' -exec gunzip {} +
python3 - "$DEST" <<'EOF'
import json, os, sys
root = sys.argv[1]
for f in json.load(open(os.path.join(root, "files.json")))["files"]:
    path = os.path.join(root, f["name"])
    if "symlink" in f:
        if not os.path.lexists(path):
            os.symlink(f["symlink"], path)
    elif os.path.isfile(path):
        os.chmod(path, f["perm"] & 0o777)
EOF
# It carries no pip: the wheels for 3.14 go in with this machine's pip.
# shellcheck disable=SC2086 # one package per word
python3 -m pip install --quiet --disable-pip-version-check --only-binary=:all: \
  --python-version 3.14 --platform manylinux_2_17_x86_64 --platform manylinux_2_28_x86_64 \
  --target "$DEST/lib/python3.14/site-packages" $PACKAGES
"$DEST/bin/python3" -c "import memray, gunicorn, sys; assert sys.version_info >= (3, 14)"
echo "$DEST/bin/python3"
