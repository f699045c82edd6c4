#!/bin/sh
# Interop suite: tpake (through build/bin/tpake-driver) against the pinned
# @serenity-kit/opaque 1.1.0, both directions. Run by `make test` through
# TEST_SCRIPTS; deploy/deps.sh installs node and runs `npm ci` here.
set -eu
BUILD=${BUILD:-build}
root=$(cd "$(dirname "$0")/../.." && pwd)
driver="$root/$BUILD/bin/tpake-driver"
if [ ! -x "$driver" ]; then
	echo "interop: $driver is not built" >&2
	exit 1
fi
if ! command -v node >/dev/null 2>&1; then
	echo "interop: node is missing (run deploy/deps.sh)" >&2
	exit 1
fi
if [ ! -d "$root/test/interop/node_modules/@serenity-kit/opaque" ]; then
	echo "interop: @serenity-kit/opaque is not installed (run deploy/deps.sh)" >&2
	exit 1
fi
exec node "$root/test/interop/interop.mjs" "$driver"
