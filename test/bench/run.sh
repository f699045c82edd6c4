#!/bin/sh
# Runs every benchmark: the C programs in BENCH_BINS, then the scripts in
# BENCH_SCRIPTS (which may start peers such as etcd or @serenity-kit/opaque
# themselves). Each prints its own figures and peer ratios; a copy of all
# output goes to $BUILD/bench.log.
set -u
BUILD=${BUILD:-build}
log=$BUILD/bench.log
: >"$log"
rc=0
for b in ${BENCH_BINS:-}; do
	echo "== $b" | tee -a "$log"
	"$b" 2>&1 | tee -a "$log" || rc=1
done
for s in ${BENCH_SCRIPTS:-}; do
	echo "== $s" | tee -a "$log"
	BUILD="$BUILD" sh "$s" 2>&1 | tee -a "$log" || rc=1
done
echo "bench: output saved in $log"
exit $rc
