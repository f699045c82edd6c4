#!/bin/sh
# Runs every suite of a built tree: the Check unit binaries listed in
# TEST_BINS, then the scripts in TEST_SCRIPTS (integration, interop,
# simulation). Prints one line per suite and a summary; exits 1 on any
# failure, showing the failing suite's output. Every suite runs under
# timeout(1) (LK_SUITE_TIMEOUT seconds, default 1200): a hung suite is
# killed with every process it started (timeout signals its whole process
# group) and reported, instead of stalling the run.
set -u
BUILD=${BUILD:-build}
LOGDIR=$BUILD/test-logs
mkdir -p "$LOGDIR"
pass=0
fail=0
failed=""
retried=""
start_all=$(date +%s)

run_one() {
	name=$1
	shift
	log="$LOGDIR/$(echo "$name" | tr '/' '_').log"
	t0=$(date +%s)
	timeout -k 15 "${LK_SUITE_TIMEOUT:-1200}" "$@" >"$log" 2>&1
	rc=$?
	if [ "$rc" -eq 0 ]; then
		status=PASS
		pass=$((pass + 1))
	else
		status=FAIL
		if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
			echo "timed out after ${LK_SUITE_TIMEOUT:-1200}s" >>"$log"
		fi
		fail=$((fail + 1))
		failed="$failed $name"
	fi
	t1=$(date +%s)
	summary=$(grep -E '^[0-9]+%: Checks' "$log" | tail -n 1)
	printf '%-4s %-44s %4ss  %s\n' "$status" "$name" $((t1 - t0)) "$summary"
	if [ "$status" = FAIL ]; then
		echo "---- last 60 lines of $log ----"
		tail -n 60 "$log"
		echo "----"
	fi
}

for t in ${TEST_BINS:-}; do
	run_one "$t" env CK_DEFAULT_TIMEOUT=${CK_DEFAULT_TIMEOUT:-120} "$t"
done
# The real-process integration scripts get one more attempt after a
# failure (LK_INTEGRATION_RETRIES, default 1): Debian 12's nng 1.5.2 can
# wedge a daemon's transport under load (docs/ARCHITECTURE.md, nng#1543).
# The failed attempt is printed in full above the retry and counted in the
# summary line, so a flaky suite is visible, never hidden.
for s in ${TEST_SCRIPTS:-}; do
	tries=0
	while :; do
		f0=$fail
		run_one "$s" env BUILD="$BUILD" sh "$s"
		case "$s" in test/integration/*) ;; *) break ;; esac
		[ "$fail" -gt "$f0" ] && [ "$tries" -lt "${LK_INTEGRATION_RETRIES:-1}" ] || break
		tries=$((tries + 1))
		retried="$retried $s"
		fail=$f0
		failed=${failed% $s}
		cp "$LOGDIR/$(echo "$s" | tr '/' '_').log" \
		    "$LOGDIR/$(echo "$s" | tr '/' '_').failed-$tries.log"
		echo "RETRY $s (attempt $((tries + 1)); the failed attempt is above)"
	done
done

end_all=$(date +%s)
echo "suites: $pass passed, $fail failed, $((end_all - start_all))s"
[ -z "${retried:-}" ] || echo "passed or failed only after a retry:$retried"
if [ "$fail" -ne 0 ]; then
	echo "failed:$failed"
	exit 1
fi
