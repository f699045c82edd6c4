#!/bin/sh
# Skeleton cluster with real processes, for n=3 t=2 and n=5 t=3:
#   health through the aggregator; SIGKILL a server -> reported down;
#   restart -> back; more than n-t down -> lkctl fails; 10,000 random,
#   truncated and oversized frames per port (raw bytes under TLS, and
#   malformed frames inside authenticated TLS sessions on the aggregator,
#   server and peer ports) leave every daemon alive and answering; bad
#   configurations are refused with a message naming the setting; SIGTERM
#   stops every daemon cleanly.
set -eu
. "$(dirname "$0")/lib.sh"

config_errors() {
	lk_log "bad configurations"
	good="$LK_DIR/ks1.conf"
	check() { # name sed-expression expected-message
		sed "$2" "$good" >"$LK_DIR/bad.conf"
		if out=$("$BIN/keyserver" -c "$LK_DIR/bad.conf" --check-config 2>&1); then
			lk_fail "config '$1' accepted"
		fi
		echo "$out" | grep -qF -- "$3" || lk_fail "config '$1': got '$out', want '$3'"
	}
	check "missing certificate" 's|^cert = .*ks1.crt|cert = /nonexistent/ks1.crt|' "[tls] cert: /nonexistent/ks1.crt: No such file"
	check "bad address" 's|^agg = .*|agg = tcp://127.0.0.1|' "[listen] agg: 'tcp://127.0.0.1' is not an address"
	check "t > n" 's|^t = .*|t = 9|' "[cluster] t: threshold 9 is larger than n"
	check "duplicate ids" '$a [peer.2]\naddr = tls+tcp://127.0.0.1:1\ncert = /dev/null' "duplicate peer id 2"
	check "own id as peer" '$a [peer.1]\naddr = tls+tcp://127.0.0.1:1' "[peer.1]: this is the node's own id"
	check "unreadable data dir" 's|^data_dir = .*|data_dir = /nonexistent/dir|' "[node] data_dir: /nonexistent/dir: No such file"
	check "unknown setting" 's|^\[node\]|[node]\ncolour = blue|' "[node] colour: unknown setting"
	check "id out of range" 's|^id = .*|id = 7|' "[node] id: 7 is not in 1..n"
	check "missing peer" '/^\[peer.2\]/,/^name/d' "[peer.2]: missing"
	# a data directory initialised by another node is refused at start
	"$BIN/keyserver" -c "$LK_DIR/ks2.conf" --data-dir "$LK_DIR/data/ks1" >"$LK_DIR/wrong.out" 2>&1 &&
		lk_fail "server 2 started on server 1's data directory"
	grep -q "belongs to node 1" "$LK_DIR/wrong.out" || lk_fail "no data-dir ownership message: $(cat "$LK_DIR/wrong.out")"
	# the aggregator too
	sed 's|^t = .*|t = 9|' "$LK_DIR/aggregator.conf" >"$LK_DIR/badagg.conf"
	if out=$("$BIN/aggregator" -c "$LK_DIR/badagg.conf" --check-config 2>&1); then lk_fail "aggregator t>n accepted"; fi
	echo "$out" | grep -qF "[cluster] t: threshold 9 is larger than n" || lk_fail "aggregator: $out"
	sed '$a [server.1]\naddr = tls+tcp://127.0.0.1:1' "$LK_DIR/aggregator.conf" >"$LK_DIR/badagg.conf"
	if out=$("$BIN/aggregator" -c "$LK_DIR/badagg.conf" --check-config 2>&1); then lk_fail "aggregator duplicate accepted"; fi
	echo "$out" | grep -qF "duplicate server id 1" || lk_fail "aggregator: $out"
}

kill_and_restart() {
	lk_log "SIGKILL server 2, expect it down"
	lk_kill_server 2 KILL
	lk_wait_health $((LK_N - 1)) 10
	lk_health >"$LK_DIR/h.out" 2>&1 || true
	grep -q "^2 .*DOWN" "$LK_DIR/h.out" || lk_fail "server 2 not reported DOWN: $(cat "$LK_DIR/h.out")"
	lk_log "restart server 2, expect it back"
	lk_start_server 2
	lk_wait_health "$LK_N" 15

	down=$((LK_N - LK_T + 1))
	lk_log "SIGKILL $down servers (more than n-t), expect lkctl to fail"
	i=1
	while [ "$i" -le "$down" ]; do lk_kill_server "$i" KILL; i=$((i + 1)); done
	lk_wait_health $((LK_T - 1)) 10
	if lk_health >/dev/null 2>&1; then lk_fail "lkctl health succeeded with fewer than t servers"; fi
	i=1
	while [ "$i" -le "$down" ]; do lk_start_server "$i"; i=$((i + 1)); done
	lk_wait_health "$LK_N" 15
}

fuzz_ports() {
	frames=$1
	raw=$2
	tls="$LK_DIR/tls"
	lk_log "fuzz: $frames frames per port in TLS sessions, $raw raw connections per port"
	"$BIN/lk-fuzzsend" raw 127.0.0.1 "$LK_BASE" "$raw" >/dev/null || lk_fail "raw fuzz of aggregator"
	"$BIN/lk-fuzzsend" req "tls+tcp://127.0.0.1:$LK_BASE" "$frames" \
		--trust "$tls/ca.crt" --name aggregator || lk_fail "frame fuzz of aggregator"
	i=1
	while [ "$i" -le "$LK_N" ]; do
		p=$(lk_server_port "$i")
		"$BIN/lk-fuzzsend" raw 127.0.0.1 "$p" "$raw" >/dev/null || lk_fail "raw fuzz of server $i"
		"$BIN/lk-fuzzsend" req "tls+tcp://127.0.0.1:$p" "$frames" --trust "$tls/ks$i.crt" \
			--name "ks$i" --cert "$tls/agg-client.crt" --key "$tls/agg-client.key" ||
			lk_fail "frame fuzz of server $i"
		lk_alive "ks$i" || lk_fail "server $i died under fuzzing"
		i=$((i + 1))
	done
	# Peer links: server J listens for each lower peer I on its own port.
	# Stop I, then speak as I (its key) to J's listener for I.
	i=1
	while [ "$i" -lt "$LK_N" ]; do
		lk_kill_server "$i" KILL
		j=$((i + 1))
		while [ "$j" -le "$LK_N" ]; do
			p=$(lk_peer_port "$j" "$i")
			"$BIN/lk-fuzzsend" raw 127.0.0.1 "$p" "$raw" >/dev/null || lk_fail "raw fuzz of link $i-$j"
			"$BIN/lk-fuzzsend" pair "tls+tcp://127.0.0.1:$p" "$frames" --trust "$tls/ks$j.crt" \
				--name "ks$j" --cert "$tls/ks$i.crt" --key "$tls/ks$i.key" ||
				lk_fail "frame fuzz of link $i-$j"
			lk_alive "ks$j" || lk_fail "server $j died under link fuzzing"
			j=$((j + 1))
		done
		lk_start_server "$i"
		i=$((i + 1))
	done
	lk_alive agg || lk_fail "aggregator died under fuzzing"
	lk_wait_health "$LK_N" 20
}

clean_stop() {
	lk_log "SIGTERM every daemon, expect clean exits"
	for name in agg $(i=1; while [ "$i" -le "$LK_N" ]; do echo "ks$i"; i=$((i + 1)); done); do
		p=$(lk_pid "$name")
		kill -TERM "$p"
		k=0
		while kill -0 "$p" 2>/dev/null && [ $k -lt 50 ]; do sleep 0.1; k=$((k + 1)); done
		kill -0 "$p" 2>/dev/null && lk_fail "$name did not stop within 5 s of SIGTERM"
		wait "$p" || lk_fail "$name exited non-zero after SIGTERM"
	done
	grep -q "stopped" "$LK_DIR/agg.log" || lk_fail "aggregator did not log its stop"
}

run() { # N T frames raw
	lk_log "=== n=$1 t=$2"
	lk_cluster_up "$1" "$2"
	lk_wait_health "$1" 20
	lk_health
	[ "$1" -eq 3 ] && config_errors
	kill_and_restart
	fuzz_ports "$3" "$4"
	lk_health
	clean_stop
	rm -rf "${LK_DIR:?}"/*
	LK_PIDS=""
}

run 3 2 10000 1000
run 5 3 2000 200
lk_log "skeleton: all passed"
