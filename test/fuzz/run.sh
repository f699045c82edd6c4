#!/bin/sh
# Runs every libFuzzer target for FUZZ_SECONDS each.
# Usage: run.sh BUILD_DIR SECONDS TARGET...
# Seeds come from test/fuzz/corpus/<target>/ when present; the working
# corpus grows in $BUILD/fuzz/corpus-<target>/. A crash leaves its input
# in $BUILD/fuzz/ and makes the script fail.
set -u
build=$1
secs=$2
shift 2
rc=0
for t in "$@"; do
	corpus="$build/fuzz/corpus-$t"
	mkdir -p "$corpus"
	seeds=""
	[ -d "test/fuzz/corpus/$t" ] && seeds="test/fuzz/corpus/$t"
	echo "== $t for ${secs}s"
	if ! "$build/fuzz/$t" -max_total_time="$secs" -print_final_stats=1 \
		-artifact_prefix="$build/fuzz/$t-" -rss_limit_mb=4096 \
		"$corpus" $seeds 2>"$build/fuzz/$t.log"; then
		echo "FAIL: $t (see $build/fuzz/$t.log)"
		tail -n 30 "$build/fuzz/$t.log"
		rc=1
	else
		grep -E "stat::number_of_executed_units|stat::peak_rss_mb" \
			"$build/fuzz/$t.log" | tr '\n' ' '
		echo
	fi
done
exit $rc
