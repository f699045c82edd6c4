#!/bin/sh
# Runs the mpc/ constant-time test under valgrind: any branch or memory
# index on data marked secret makes valgrind exit with 42.
set -u
BUILD=${BUILD:-build}
bin=$BUILD/test/ctime_mpc
if ! command -v valgrind >/dev/null 2>&1; then
	echo "ctime_mpc: valgrind not installed (make deps)" >&2
	exit 1
fi
# valgrind cannot run sanitizer builds (make asan); the plain build runs
# this test in make test.
if nm "$bin" 2>/dev/null | grep -q "__asan_init"; then
	echo "ctime_mpc: skipped under AddressSanitizer (runs in make test)"
	exit 0
fi
# ctime_m52: the IFMA engine's algorithm on its portable lane model
for b in "$bin" "$BUILD/test/ctime_m52"; do
	valgrind --error-exitcode=42 --exit-on-first-error=no \
	    --track-origins=yes --leak-check=no --quiet "$b" || exit 1
done
