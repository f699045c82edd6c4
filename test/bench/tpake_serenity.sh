#!/bin/sh
# Peer benchmark for tpake: measures @serenity-kit/opaque's server-side
# logins/s (node, single thread), then runs bench_tpake with that figure so
# it prints our ratio to it for (t,n) = (1,1), (2,3), (3,5). Results are
# written up in docs/BENCHMARKS-tpake.md.
set -eu
BUILD=${BUILD:-build}
root=$(cd "$(dirname "$0")/../.." && pwd)
bench="$root/$BUILD/bench/bench_tpake"
if [ ! -x "$bench" ]; then
	echo "tpake_serenity: $bench is not built" >&2
	exit 1
fi
if [ ! -d "$root/test/interop/node_modules/@serenity-kit/opaque" ]; then
	echo "tpake_serenity: @serenity-kit/opaque is not installed (run deploy/deps.sh)" >&2
	exit 1
fi
out=$(node "$root/test/interop/bench_serenity.mjs")
echo "$out"
ops=$(echo "$out" | sed -n 's/^SERENITY_LOGIN_OPS=//p')
if [ -z "$ops" ]; then
	echo "tpake_serenity: no peer figure" >&2
	exit 1
fi
echo
TPAKE_PEER_LOGIN_OPS=$ops "$bench"
