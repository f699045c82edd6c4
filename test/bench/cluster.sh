#!/bin/sh
# End-to-end logins through the aggregator for (n, t) = (3, 2) and (5, 3)
# with real processes on loopback (docs/BENCHMARKS-cluster.md):
#   - latency of one login (then logout), KSF excluded (Argon2id 1 pass,
#     8 KiB: negligible) and included (the account default: 3 passes,
#     64 MiB), with its phases as the client sees them;
#   - logins per second with 8 client processes, one account each (KSF
#     excluded);
#   - the consensus share: each server's mean time from submitting ATTEMPT
#     / LOGIN_OK to its commit (SIGUSR1 statistics).
# COUNT= and PROCS= override the sizes.
set -eu
. "$(dirname "$0")/../integration/lib.sh"
COUNT=${COUNT:-200}
PROCS=${PROCS:-8}

bench_one() { # N T
	LK_N=$1
	LK_T=$2
	LK_BASE=$(lk_pick_base)
	rm -rf "$LK_DIR"/*
	LK_KSF=1,8 sh "$ROOT/deploy/mkcluster.sh" "$LK_DIR" "$LK_N" "$LK_T" --base "$LK_BASE" >/dev/null
	for i in $(seq 1 "$LK_N"); do
		printf '\n[consensus]\nsoft_limit = 4096\nhard_limit = 4096\n' >>"$LK_DIR/ks$i.conf"
		lk_start_server "$i"
	done
	lk_start_agg
	lk_wait_health "$LK_N" 30
	lk_wait_serving 30
	sed 's/^ksf_ops = .*/ksf_ops = 3/; s/^ksf_mem_kib = .*/ksf_mem_kib = 65536/' \
		"$LK_DIR/cluster.conf" >"$LK_DIR/strong.conf"
	export LK_PASSWORD=bench-password
	"$BIN/lkctl" -c "$LK_DIR/cluster.conf" register fast >/dev/null
	for i in $(seq 1 "$PROCS"); do
		"$BIN/lkctl" -c "$LK_DIR/cluster.conf" register "fast-$i" >/dev/null
	done
	"$BIN/lkctl" -c "$LK_DIR/strong.conf" register strong >/dev/null
	"$BIN/lk-loginbench" "$LK_DIR/cluster.conf" fast 20 1 >/dev/null
	echo "n=$LK_N t=$LK_T KSF excluded: $("$BIN/lk-loginbench" "$LK_DIR/cluster.conf" fast "$COUNT" 1)"
	echo "n=$LK_N t=$LK_T KSF included: $("$BIN/lk-loginbench" "$LK_DIR/strong.conf" strong $((COUNT / 10)) 1)"
	echo "n=$LK_N t=$LK_T throughput:   $("$BIN/lk-loginbench" "$LK_DIR/cluster.conf" fast $((COUNT / 4)) "$PROCS")"
	for i in $(seq 1 "$LK_N"); do kill -USR1 "$(lk_pid "ks$i")"; done
	sleep 0.5
	for i in $(seq 1 "$LK_N"); do
		echo "n=$LK_N t=$LK_T ks$i: $(grep -o 'accounts: ATTEMPT.*' "$LK_DIR/ks$i.log" | tail -n 1)"
	done
	for i in $(seq 1 "$LK_N"); do lk_kill_server "$i" TERM; done
	kill "$(lk_pid agg)" 2>/dev/null || true
	wait "$(lk_pid agg)" 2>/dev/null || true
}

echo "host: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
bench_one 3 2
bench_one 5 3
