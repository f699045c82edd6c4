# Shared helpers for the real-process integration tests. Source it; it
# defines functions and variables, and an EXIT trap that stops every
# process the test started and removes its temporary folder.
#   lk_cluster_up N T       make and start a loopback cluster in $LK_DIR
#   lk_start_server I / lk_kill_server I [SIG] / lk_start_agg / ...
#   lk_wait_health K SECS   until exactly K servers answer (lkctl health)
#   lk_fail MSG             print and exit 1
set -u
BUILD=${BUILD:-build}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN="$ROOT/$BUILD/bin"
LK_DIR=$(mktemp -d /tmp/lk-it.XXXXXX)
LK_PIDS=""
LK_N=0
LK_T=0

lk_log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*"; }
lk_fail() {
	lk_backtraces >&2
	printf 'FAIL: %s\n' "$*" >&2
	for f in "$LK_DIR"/*.log; do
		[ -f "$f" ] || continue
		echo "---- tail $f" >&2
		tail -n 15 "$f" >&2
	done
	exit 1
}

# Where every live daemon's threads are: a stuck daemon names the call it
# is stuck in (gdb is on the CI machines; skipped when missing).
lk_backtraces() {
	command -v gdb >/dev/null 2>&1 || return 0
	for p in $LK_PIDS; do
		kill -0 "$p" 2>/dev/null || continue
		echo "---- threads of pid $p ($(tr '\0' ' ' </proc/"$p"/cmdline 2>/dev/null))"
		timeout 20 gdb -p "$p" -batch -ex 'thread apply all bt 8' 2>/dev/null |
			grep -E '^(Thread|#)' |
			grep -vE 'futex|pthread_cond|clock_nanosleep|epoll_wait|start_thread|clone3| in \?\? \(\)' |
			cut -c1-150 | head -n 150
	done
}

lk_cleanup() {
	for p in $LK_PIDS; do kill -9 "$p" 2>/dev/null || true; done
	for p in $LK_PIDS; do wait "$p" 2>/dev/null || true; done
	# LK_KEEP=1 keeps the logs and data of a run for a post-mortem
	if [ "${LK_KEEP:-0}" = 1 ]; then
		echo "kept: $LK_DIR" >&2
	else
		rm -rf "$LK_DIR"
	fi
}
trap lk_cleanup EXIT INT TERM

# A base port with 500 unused ports above it, below the kernel's ephemeral
# range (outgoing connections take ports from there and block listeners).
lk_pick_base() {
	lo=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range)
	while :; do
		b=$((10000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % (lo - 10600)))
		if [ -z "$(ss -Htan "sport >= :$b and sport <= :$((b + 500))" 2>/dev/null)" ]; then
			echo "$b"
			return
		fi
	done
}

lk_cluster_up() {
	LK_N=$1
	LK_T=$2
	LK_BASE=$(lk_pick_base)
	sh "$ROOT/deploy/mkcluster.sh" "$LK_DIR" "$LK_N" "$LK_T" --base "$LK_BASE" >/dev/null ||
		lk_fail "mkcluster failed"
	i=1
	while [ "$i" -le "$LK_N" ]; do
		lk_start_server "$i"
		i=$((i + 1))
	done
	lk_start_agg
}

# pid of server I is in $LK_DIR/ks<I>.pid
lk_start_server() {
	"$BIN/keyserver" -c "$LK_DIR/ks$1.conf" >>"$LK_DIR/ks$1.log" 2>&1 &
	echo $! >"$LK_DIR/ks$1.pid"
	LK_PIDS="$LK_PIDS $!"
}
lk_start_agg() {
	"$BIN/aggregator" -c "$LK_DIR/aggregator.conf" >>"$LK_DIR/agg.log" 2>&1 &
	echo $! >"$LK_DIR/agg.pid"
	LK_PIDS="$LK_PIDS $!"
}
lk_pid() { cat "$LK_DIR/$1.pid"; }
lk_kill_server() {
	p=$(lk_pid "ks$1")
	kill "-${2:-KILL}" "$p" 2>/dev/null || true
	wait "$p" 2>/dev/null || true
}
lk_alive() { kill -0 "$(lk_pid "$1")" 2>/dev/null; }

lk_health() { "$BIN/lkctl" -c "$LK_DIR/cluster.conf" -t 3000 health; }
lk_health_count() {
	lk_health 2>/dev/null | sed -n 's/.*answering=\([0-9]*\).*/\1/p'
}
# Waits until exactly K servers answer (and, when K = N, every peer link
# of every server is up).
lk_wait_health() {
	want=$1
	secs=$2
	end=$(($(date +%s) + secs))
	while [ "$(date +%s)" -le "$end" ]; do
		out=$(lk_health 2>&1 || true)
		got=$(echo "$out" | sed -n 's/.*answering=\([0-9]*\).*/\1/p')
		if [ "${got:-x}" = "$want" ]; then
			if [ "$want" -lt "$LK_N" ] ||
				[ "$(echo "$out" | grep -c " up .* $((LK_N - 1))/$((LK_N - 1)) ")" = "$LK_N" ]; then
				return 0
			fi
		fi
		sleep 0.2
	done
	echo "$out" >&2
	lk_fail "expected $want of $LK_N servers healthy within ${secs}s"
}

lk_server_port() { echo $((LK_BASE + $1)); }
lk_peer_port() { echo $((LK_BASE + 100 + 20 * $1 + $2)); } # listener of J for I<J

# lk_wait_serving SECS [IDS...]: until every listed server (default all)
# serves consensus commands (a leader is elected and they follow it).
lk_adm() {
	i=$1
	shift
	"$BIN/lkctl" admin -s "ipc://$LK_DIR/data/ks$i/admin.sock" "$@"
}
lk_wait_serving() {
	secs=$1
	shift
	ids=${*:-$(seq 1 "$LK_N")}
	end=$(($(date +%s) + secs))
	while [ "$(date +%s)" -le "$end" ]; do
		ok=1
		for i in $ids; do
			lk_adm "$i" status 2>/dev/null | grep -q "serving=1 " || ok=0
		done
		[ "$ok" = 1 ] && return 0
		sleep 0.2
	done
	lk_fail "servers [$ids] not serving within ${secs}s"
}
