#!/bin/sh
# make demo: a local loopback cluster, start to finish.
#   1. certificates and configuration in a temporary folder
#   2. N key servers (default 3) and the aggregator on free loopback ports
#   3. lkctl health through the aggregator
#   4. SIGKILL one server: the cluster is still at or above t
#   5. stop everything; no process or file is left behind
# N= and T= override the cluster size and threshold.
set -eu
N=${N:-3}
T=${T:-2}
BUILD=${BUILD:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN="$ROOT/$BUILD/bin"
DIR=$(mktemp -d /tmp/lk-demo.XXXXXX)
PIDS=""

cleanup() {
	for p in $PIDS; do kill -TERM "$p" 2>/dev/null || true; done
	for p in $PIDS; do wait "$p" 2>/dev/null || true; done
	rm -rf "$DIR"
}
trap cleanup EXIT INT TERM

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

case "$N$T" in *[!0-9]*) echo "demo: N and T must be numbers" >&2; exit 2 ;; esac
if [ "$T" -lt 1 ] || [ "$T" -gt "$N" ] || [ "$N" -gt 16 ]; then
	echo "demo: need 1 <= T <= N <= 16 (got N=$N T=$T)" >&2
	exit 2
fi

# free ports below the ephemeral range
lo=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range)
while :; do
	base=$((10000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % (lo - 10600)))
	[ -z "$(ss -Htan "sport >= :$base and sport <= :$((base + 500))" 2>/dev/null)" ] && break
done

say "1. certificates and configuration for n=$N t=$T in $DIR"
sh "$ROOT/deploy/mkcluster.sh" "$DIR" "$N" "$T" --base "$base"

say "2. starting $N key servers and the aggregator (aggregator on 127.0.0.1:$base)"
i=1
while [ "$i" -le "$N" ]; do
	"$BIN/keyserver" -c "$DIR/ks$i.conf" 2>"$DIR/ks$i.log" &
	echo $! >"$DIR/ks$i.pid"
	PIDS="$PIDS $!"
	i=$((i + 1))
done
"$BIN/aggregator" -c "$DIR/aggregator.conf" 2>"$DIR/agg.log" &
PIDS="$PIDS $!"

say "3. lkctl health"
k=0
until "$BIN/lkctl" -c "$DIR/cluster.conf" health >"$DIR/health.out" 2>&1 &&
	[ "$(sed -n 's/.*answering=\([0-9]*\).*/\1/p' "$DIR/health.out")" = "$N" ] &&
	[ "$(grep -c " $((N - 1))/$((N - 1)) " "$DIR/health.out")" = "$N" ]; do
	k=$((k + 1))
	if [ $k -gt 100 ]; then
		cat "$DIR/health.out"
		echo "demo: cluster did not come up" >&2
		exit 1
	fi
	sleep 0.1
done
cat "$DIR/health.out"

# consensus needs a leader before the first account
k=0
until [ "$("$BIN/lkctl" -c "$DIR/cluster.conf" health 2>/dev/null | grep -c ' serving ')" = "$N" ]; do
	k=$((k + 1))
	[ $k -le 150 ] || { echo "demo: no consensus leader" >&2; exit 1; }
	sleep 0.1
done

say "4. a user: register, login, a secret, the audit trail, logout"
export LK_PASSWORD='correct horse battery staple'
echo "\$ lkctl register alice"
"$BIN/lkctl" -c "$DIR/cluster.conf" register alice
echo "\$ LK_PASSWORD=wrong lkctl login alice"
LK_PASSWORD=wrong "$BIN/lkctl" -c "$DIR/cluster.conf" login alice 2>/dev/null || true
echo "\$ lkctl session alice   (commands on standard input)"
printf '%s\n' user-id storage-key 'store-secret the-launch-codes' \
	'retrieve-secret LAST' 'audit' logout check |
	tee "$DIR/session.in" | sed 's/^/  > /'
"$BIN/lkctl" -c "$DIR/cluster.conf" session alice <"$DIR/session.in" 2>/dev/null |
	tee "$DIR/session.out"
grep -q '^ok text=the-launch-codes' "$DIR/session.out" || { echo "demo: the secret did not come back" >&2; exit 1; }
grep -q '^error 524 ' "$DIR/session.out" || { echo "demo: an operation after logout was not refused" >&2; exit 1; }
key=$(sed -n 's/^ok key_id=//p' "$DIR/session.out")

victim=$N
say "5. SIGKILL server $victim"
kill -KILL "$(cat "$DIR/ks$victim.pid")"
sleep 0.5
if "$BIN/lkctl" -c "$DIR/cluster.conf" health; then
	echo "-> still at or above t=$T with one server down"
else
	echo "-> below t=$T (expected only when t = n)"
	[ "$T" -eq "$N" ] || exit 1
fi
if [ "$T" -lt "$N" ]; then
	# the others elect a leader again if the victim led
	k=0
	until [ "$("$BIN/lkctl" -c "$DIR/cluster.conf" health 2>/dev/null | grep -c ' serving ')" -ge "$T" ]; do
		k=$((k + 1))
		[ $k -le 150 ] || { echo "demo: no consensus leader after the kill" >&2; exit 1; }
		sleep 0.1
	done
	echo "\$ lkctl session alice   (retrieve-secret with server $victim down)"
	printf 'retrieve-secret %s\nlogout\n' "$key" |
		"$BIN/lkctl" -c "$DIR/cluster.conf" session alice 2>/dev/null | tee "$DIR/session2.out"
	grep -q '^ok text=the-launch-codes' "$DIR/session2.out" || { echo "demo: secret lost with one server down" >&2; exit 1; }
fi

say "6. stopping everything"
cleanup
trap - EXIT INT TERM
left=$(pgrep -f "$DIR" || true)
[ -z "$left" ] || { echo "demo: processes left: $left" >&2; exit 1; }
[ ! -e "$DIR" ] || { echo "demo: $DIR left behind" >&2; exit 1; }
echo "all processes stopped, $DIR removed"
