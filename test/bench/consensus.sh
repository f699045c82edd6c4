#!/bin/sh
# make bench: consensus commit latency and throughput of the keyservers
# (3 and 5 real processes on loopback, LMDB with a write-ahead log, mutual
# TLS between servers)
# and of a 3-member etcd cluster (Debian's etcd-server, installed if
# missing, started and stopped here), with the same workload and the same
# load generator (lk-consload), printed side by side.
#
# Workload: each operation is one small command committed through the log
# and answered after it is applied: ATTEMPT(user, fresh attempt id) through
# a keyserver's admin socket; PUT(key, value) through etcd's v3 JSON
# gateway (HTTP/1.1 keep-alive, the recipe of notes/consensus.md §4).
#   seq: 1 proposer, every operation to the leader, one after the other;
#   32p: 32 proposers, operation i of proposer t to member (t+i) mod n,
#        one key (user) per proposer.
# Each figure is the median of LK_BENCH_REPS runs (default 3).
# Knobs: LK_BENCH_REPS, LK_BENCH_SEQ_OPS (2000), LK_BENCH_SECS (5).
set -u
BUILD=${BUILD:-build}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN="$ROOT/$BUILD/bin"
REPS=${LK_BENCH_REPS:-3}
SEQ_OPS=${LK_BENCH_SEQ_OPS:-2000}
SECS=${LK_BENCH_SECS:-5}
W=$(mktemp -d /tmp/lk-bench-cons.XXXXXX)
PIDS=""
OUT="$ROOT/$BUILD/bench-consensus.md"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
cleanup() {
	for p in $PIDS; do kill -9 "$p" 2>/dev/null || true; done
	for p in $PIDS; do wait "$p" 2>/dev/null || true; done
	rm -rf "$W"
}
trap cleanup EXIT INT TERM

pick_base() {
	lo=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range)
	while :; do
		b=$((10000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % (lo - 10600)))
		if [ -z "$(ss -Htan "sport >= :$b and sport <= :$((b + 500))" 2>/dev/null)" ]; then
			echo "$b"
			return
		fi
	done
}

field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p"; }
median() { sort -n | awk '{v[NR] = $1} END {if (NR) print v[int((NR + 1) / 2)]; else print "-"}'; }

# runs the two workloads REPS times against TARGETS; appends
# "seq_p50 seq_p99 seq_ops p32_ops p32_p50 p32_p99" lines to $W/$1.res
measure() { # NAME MODE(run|etcd) TARGETS...
	name=$1
	mode=$2
	shift 2
	: >"$W/$name.res"
	r=1
	while [ "$r" -le "$REPS" ]; do
		s=$("$BIN/lk-consload" "$mode" --threads 1 --ops "$SEQ_OPS" --warmup 100 \
			--pick leader --prefix "s$r" --label "$name-seq" "$@")
		echo "$s" >&2
		p=$("$BIN/lk-consload" "$mode" --threads 32 --duration "$SECS" --warmup 20 \
			--prefix "p$r" --label "$name-32p" "$@")
		echo "$p" >&2
		printf '%s %s %s %s %s %s %s %s\n' \
			"$(echo "$s" | field p50_ms)" "$(echo "$s" | field p99_ms)" \
			"$(echo "$s" | field ops_per_s)" "$(echo "$p" | field ops_per_s)" \
			"$(echo "$p" | field p50_ms)" "$(echo "$p" | field p99_ms)" \
			"$(echo "$s" | field fail)$(echo "$s" | field info)" \
			"$(echo "$p" | field fail)$(echo "$p" | field info)" >>"$W/$name.res"
		r=$((r + 1))
	done
}

# keyservers -----------------------------------------------------------
ks_bench() { # N
	n=$1
	d="$W/ks$n"
	base=$(pick_base)
	sh "$ROOT/deploy/mkcluster.sh" "$d" "$n" $((n / 2 + 1)) --base "$base" >/dev/null || exit 1
	i=1
	while [ "$i" -le "$n" ]; do
		printf '\n[node]\nlog_level = warn\n' >/dev/null
		printf '\n[consensus]\nsoft_limit = 4096\nhard_limit = 4096\n' >>"$d/ks$i.conf"
		"$BIN/keyserver" -c "$d/ks$i.conf" -l warn >"$d/ks$i.log" 2>&1 &
		PIDS="$PIDS $!"
		i=$((i + 1))
	done
	socks=""
	i=1
	while [ "$i" -le "$n" ]; do
		socks="$socks ipc://$d/data/ks$i/admin.sock"
		i=$((i + 1))
	done
	k=0
	while [ $k -lt 200 ]; do
		ok=0
		for s in $socks; do
			"$BIN/lkctl" admin -s "$s" status 2>/dev/null | grep -q 'serving=1' && ok=$((ok + 1))
		done
		[ "$ok" = "$n" ] && break
		sleep 0.1
		k=$((k + 1))
	done
	[ "$ok" = "$n" ] || {
		log "keyservers (n=$n) did not start"
		exit 1
	}
	log "keyservers n=$n up"
	# shellcheck disable=SC2086
	measure "ks$n" run $socks
	for p in $PIDS; do kill -TERM "$p" 2>/dev/null || true; done
	for p in $PIDS; do wait "$p" 2>/dev/null || true; done
	PIDS=""
}

# etcd -----------------------------------------------------------------
etcd_bench() {
	if ! command -v etcd >/dev/null 2>&1; then
		log "installing etcd-server (Debian)"
		SUDO=""
		[ "$(id -u)" -eq 0 ] || SUDO=sudo
		DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
			--no-install-recommends etcd-server >/dev/null 2>&1 ||
			{
				DEBIAN_FRONTEND=noninteractive $SUDO apt-get update -qq &&
					DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
						--no-install-recommends etcd-server >/dev/null
			} || {
			log "etcd-server is not installable here"
			return 1
		}
	fi
	ETCD_VERSION=$(etcd --version 2>/dev/null | sed -n 's/^etcd Version: //p')
	base=$(pick_base)
	cl=""
	for i in 1 2 3; do cl="$cl${cl:+,}n$i=http://127.0.0.1:$((base + 10 + i))"; done
	eps=""
	for i in 1 2 3; do
		etcd --name "n$i" --data-dir "$W/etcd$i" \
			--listen-client-urls "http://127.0.0.1:$((base + i))" \
			--advertise-client-urls "http://127.0.0.1:$((base + i))" \
			--listen-peer-urls "http://127.0.0.1:$((base + 10 + i))" \
			--initial-advertise-peer-urls "http://127.0.0.1:$((base + 10 + i))" \
			--initial-cluster "$cl" --initial-cluster-token bench \
			--initial-cluster-state new --logger zap \
			--log-outputs "$W/etcd$i.log" >/dev/null 2>&1 &
		PIDS="$PIDS $!"
		eps="$eps 127.0.0.1:$((base + i))"
	done
	k=0
	while [ $k -lt 300 ]; do
		ok=0
		for e in $eps; do
			curl -s -m 1 -X POST -d '{}' "http://$e/v3/maintenance/status" 2>/dev/null |
				grep -q '"leader"' && ok=$((ok + 1))
		done
		[ "$ok" = 3 ] && break
		sleep 0.1
		k=$((k + 1))
	done
	[ "$ok" = 3 ] || {
		log "etcd did not start"
		return 1
	}
	log "etcd $ETCD_VERSION (3 members) up"
	# shellcheck disable=SC2086
	measure etcd3 etcd $eps
	for p in $PIDS; do kill -TERM "$p" 2>/dev/null || true; done
	k=0
	for p in $PIDS; do
		while kill -0 "$p" 2>/dev/null && [ $k -lt 150 ]; do
			sleep 0.1
			k=$((k + 1))
		done
		kill -9 "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	PIDS=""
}

[ -x "$BIN/lk-consload" ] && [ -x "$BIN/keyserver" ] || {
	echo "consensus bench: build first (make)" >&2
	exit 1
}
command -v curl >/dev/null 2>&1 || {
	echo "consensus bench: curl is needed to watch etcd start" >&2
	exit 1
}
ETCD_VERSION="?"
ks_bench 3
ks_bench 5
etcd_ok=1
etcd_bench || etcd_ok=0

row() { # NAME LABEL NODES
	f="$W/$1.res"
	[ -s "$f" ] || return 0
	printf '| %-34s | %5s | %10s | %10s | %9s | %9s | %10s | %10s |\n' "$2" "$3" \
		"$(cut -d' ' -f1 "$f" | median)" "$(cut -d' ' -f2 "$f" | median)" \
		"$(cut -d' ' -f3 "$f" | median)" "$(cut -d' ' -f4 "$f" | median)" \
		"$(cut -d' ' -f5 "$f" | median)" "$(cut -d' ' -f6 "$f" | median)"
}
{
	echo "Consensus commit on loopback, $(nproc) CPUs, $(date -u +%Y-%m-%d), median of $REPS runs"
	echo "(seq: 1 proposer to the leader, $SEQ_OPS ops; 32p: 32 proposers round-robin over the members, ${SECS} s)"
	echo
	echo "| system                             | nodes | seq p50 ms | seq p99 ms | seq ops/s | 32p ops/s | 32p p50 ms | 32p p99 ms |"
	echo "|------------------------------------|------:|-----------:|-----------:|----------:|----------:|-----------:|-----------:|"
	row ks3 "keyservers (LMDB+WAL, mutual TLS)" 3
	row ks5 "keyservers (LMDB+WAL, mutual TLS)" 5
	row etcd3 "etcd $ETCD_VERSION (v3 JSON gateway)" 3
	echo
	if [ "$etcd_ok" = 1 ]; then
		a=$(cut -d' ' -f1 "$W/ks3.res" | median)
		b=$(cut -d' ' -f1 "$W/etcd3.res" | median)
		c=$(cut -d' ' -f4 "$W/ks3.res" | median)
		e=$(cut -d' ' -f4 "$W/etcd3.res" | median)
		awk -v a="$a" -v b="$b" -v c="$c" -v e="$e" 'BEGIN {
			printf "target 1, sequential p50 (3 nodes) <= etcd: %s ms vs %s ms: %s\n", a, b, (a + 0 <= b + 0) ? "MET" : "NOT MET";
			printf "target 2, 32-proposer throughput (3 nodes) >= etcd: %s vs %s ops/s: %s\n", c, e, (c + 0 >= e + 0) ? "MET" : "NOT MET" }'
	else
		echo "etcd could not be run here: no comparison"
	fi
} | tee "$OUT"
echo "(table saved in $OUT)"
