#!/bin/sh
# Consensus with real keyserver processes on loopback (real LMDB files,
# real SIGKILL, mutual TLS between the servers). Faults come from the
# transport fault hook (`lkctl admin fault`: a server drops every message
# from and to the given peers, heartbeats included), which needs no root
# and leaves nothing behind. Every ATTEMPT history goes through the
# counter-history checker (lk-consload check, notes/consensus.md §3): no
# acknowledged attempt lost, none counted twice, no counter ever decreasing.
#
#   basics      HEALTH shows role/term/commit/serving; ATTEMPT, idempotent
#               retry, LOGIN_OK, UNLOCK, READ through the admin socket; the
#               aggregator-facing endpoint refuses every consensus request
#   backstop    a server's local attempt cap holds against resets committed
#               by other servers, survives SIGKILL, yields to its own reset
#   kill        SIGKILL the leader under load (8 proposers): no acknowledged
#               attempt lost; the failover gap is reported
#   hup         SIGHUP a follower under load: it restarts in place (the same
#               pid, the restart a stuck nng reaper triggers), recovers and
#               serves again; no acknowledged attempt lost
#   minority    an isolated leader (n=3), and an isolated pair including the
#               leader (n=5), answer no ATTEMPT; the majority goes on; after
#               healing they follow and converge
#   rejoin      a follower isolated for 3 s rejoins without unseating the
#               leader or changing the term (pre-vote)
#   rollback    a server restarted from an old copy of its data directory
#               neither votes nor serves until caught up: with the only
#               up-to-date server down it stays recovering and the cluster
#               answers nothing (instead of electing a leader that lost
#               acknowledged attempts); then it catches up and no counter
#               ever decreased
set -eu
. "$(dirname "$0")/lib.sh"

T0=$(date +%s)
sock() { echo "ipc://$LK_DIR/data/ks$1/admin.sock"; }
adm() {
	i=$1
	shift
	"$BIN/lkctl" admin -s "$(sock "$i")" "$@"
}
# field of `lkctl admin status` (key=value), or "down"
st() { adm "$1" status 2>/dev/null | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n 1 | grep . || echo down; }
socks() { for i in "$@"; do sock "$i"; done; }
all_ids() { seq 1 "$LK_N"; }

# Adds the test's [consensus] settings to every server's file (and any
# extra line given for one server: consensus_conf I 'local_cap = 3').
consensus_conf() {
	for i in $(all_ids); do
		printf '\n[consensus]\nsoft_limit = 4096\nhard_limit = 4096\n' >>"$LK_DIR/ks$i.conf"
	done
}

up() { # N T
	LK_N=$1
	LK_T=$2
	LK_BASE=$(lk_pick_base)
	sh "$ROOT/deploy/mkcluster.sh" "$LK_DIR" "$LK_N" "$LK_T" --base "$LK_BASE" >/dev/null ||
		lk_fail "mkcluster failed"
	consensus_conf
}

start_all() {
	for i in $(all_ids); do lk_start_server "$i"; done
}

down_all() {
	for p in $LK_PIDS; do kill -9 "$p" 2>/dev/null || true; done
	for p in $LK_PIDS; do wait "$p" 2>/dev/null || true; done
	LK_PIDS=""
	rm -rf "${LK_DIR:?}"/*
}

# Prints the id of the one serving leader that every other listed server
# (default: all) follows, waiting up to SECS; fails otherwise.
wait_leader() { # SECS [IDS...]
	secs=$1
	shift
	ids=${*:-$(all_ids)}
	end=$(($(date +%s) + secs))
	while [ "$(date +%s)" -le "$end" ]; do
		l=""
		ok=1
		for i in $ids; do
			if [ "$(st "$i" role)" = leader ] && [ "$(st "$i" serving)" = 1 ]; then
				[ -z "$l" ] || ok=0
				l=$i
			fi
		done
		if [ -n "$l" ] && [ $ok = 1 ]; then
			for i in $ids; do
				[ "$(st "$i" leader)" = "$l" ] && [ "$(st "$i" serving)" = 1 ] || ok=0
			done
			if [ $ok = 1 ]; then
				echo "$l"
				return 0
			fi
		fi
		sleep 0.1
	done
	for i in $ids; do adm "$i" status >&2 || true; done
	lk_fail "no stable serving leader among [$ids] within ${secs}s"
}

show() { for i in "$@"; do adm "$i" status | cut -d' ' -f1-12; done; }

val() { sed -n 's/.*value=\([0-9]*\).*/\1/p'; }
expect() { # WHAT EXPECTED-PATTERN COMMAND...
	what=$1
	pat=$2
	shift 2
	out=$("$@" 2>&1 || true)
	echo "$out" | grep -q -- "$pat" || lk_fail "$what: got '$out', want /$pat/"
}

# ---------------------------------------------------------------------
basics() {
	lk_log "basics: HEALTH, admin commands, network endpoint refuses them"
	L=$(wait_leader 20)
	lk_start_agg
	lk_wait_health "$LK_N" 20
	h=$(lk_health)
	echo "$h"
	[ "$(echo "$h" | grep -c ' leader ')" = 1 ] || lk_fail "HEALTH: not exactly one leader"
	[ "$(echo "$h" | grep -c ' serving ')" = "$LK_N" ] || lk_fail "HEALTH: not all serving"
	[ "$(echo "$h" | awk '/ up /{print $5}' | sort -u | wc -l)" = 1 ] || lk_fail "HEALTH: terms differ"
	expect "first attempt" "status=OK value=1" adm 1 attempt alice k1
	expect "same attempt again" "status=OK value=1" adm 2 attempt alice k1
	expect "second attempt" "status=OK value=2" adm 3 attempt alice k2
	expect "read" "status=OK value=2" adm "$L" read alice
	expect "login of a wrong attempt" "status=NOTFOUND" adm 1 login-ok alice nope
	expect "login" "status=OK value=0" adm 2 login-ok alice k2
	expect "replayed attempt of a login" "status=DONE" adm 1 attempt alice k2
	expect "read after login" "value=0" adm 3 read alice
	expect "attempt after login" "value=1" adm 1 attempt alice k3
	expect "unlock" "status=OK" adm 1 unlock alice
	# the client session: the same (client, seq) executes once
	expect "session" "value=1" adm 2 --client 77 --seq 1 attempt sess s1
	expect "session retry" "value=1" adm 3 --client 77 --seq 1 attempt sess s2
	expect "session read" "value=1" adm 1 read sess
	# a network client cannot reach any consensus request
	tls="$LK_DIR/tls"
	for i in $(all_ids); do
		"$BIN/lk-consload" agg-probe "tls+tcp://127.0.0.1:$(lk_server_port "$i")" \
			"$tls/ks$i.crt" "ks$i" "$tls/agg-client.crt" "$tls/agg-client.key" ||
			lk_fail "server $i accepted a consensus request on its network endpoint"
	done
	kill -9 "$(lk_pid agg)"
}

backstop() {
	lk_log "backstop: server 1's local cap (3) against resets from elsewhere"
	expect "1st" "value=1" adm 1 attempt bob b1
	expect "2nd" "value=2" adm 1 attempt bob b2
	expect "3rd" "value=3" adm 1 attempt bob b3
	expect "4th refused locally" "status=LOCKED.*local_cap=1" adm 1 attempt bob b4
	expect "4th through server 2" "status=OK value=4" adm 2 attempt bob b4
	expect "unlock through server 2" "status=OK" adm 2 unlock bob
	expect "global count reset" "value=0" adm 1 read bob
	expect "server 1 still refuses" "local_cap=1" adm 1 attempt bob b5
	lk_kill_server 1 KILL
	lk_start_server 1
	wait_leader 20 >/dev/null
	expect "still refused after SIGKILL" "local_cap=1" adm 1 attempt bob b6
	expect "own unlock" "status=OK" adm 1 unlock bob
	expect "counted again" "status=OK value=1" adm 1 attempt bob b7
	# back to the default cap (the hard limit) for the other scenarios
	lk_kill_server 1 TERM
	sed -i '/^local_cap = 3$/d' "$LK_DIR/ks1.conf"
	lk_start_server 1
	wait_leader 20 >/dev/null
}

kill_leader() {
	lk_log "kill: SIGKILL the leader under load"
	h="$LK_DIR/kill.hist"
	L=$(wait_leader 20)
	"$BIN/lk-consload" run --threads 8 --duration 9 --users 4 --prefix kill \
		--timeout 2000 --history "$h" --label load $(socks $(all_ids)) >"$LK_DIR/kill.out" 2>&1 &
	lp=$!
	sleep 3
	t=$("$BIN/lk-consload" now)
	lk_kill_server "$L" KILL
	lk_log "killed leader $L"
	N=$(wait_leader 20 $(all_ids | grep -vx "$L"))
	lk_log "new leader $N after $((($("$BIN/lk-consload" now) - t) / 1000000)) ms (polled)"
	sleep 1
	lk_start_server "$L"
	wait "$lp" || lk_fail "load generator failed: $(cat "$LK_DIR/kill.out")"
	cat "$LK_DIR/kill.out"
	wait_leader 20 >/dev/null
	"$BIN/lk-consload" check "$h" --final $(socks $(all_ids)) || lk_fail "kill: history check"
	# liveness: acknowledged attempts after the kill
	after=$(awk -v t="$t" '$1 == "A" && $5 == "ok" && $3 > t' "$h" | wc -l)
	[ "$after" -gt 100 ] || lk_fail "kill: only $after attempts acknowledged after the kill"
	gap=$(sed -n 's/.*max_gap_ms=\([0-9.]*\).*/\1/p' "$LK_DIR/kill.out")
	lk_log "kill: $after acknowledged after the kill; longest gap without a commit ${gap} ms"
}

# isolate the servers in $1 (comma list) from all the others
isolate() {
	for i in $(echo "$1" | tr , ' '); do
		others=""
		for j in $(all_ids); do
			case ",$1," in *",$j,"*) ;; *) others="$others${others:+,}$j" ;; esac
		done
		adm "$i" fault drop "$others" >/dev/null
	done
}
heal() { for i in $(all_ids); do adm "$i" fault heal >/dev/null; done; }

minority() { # n=3: the leader alone; n=5: the leader and one follower
	h="$LK_DIR/minority$LK_N.hist"
	L=$(wait_leader 20)
	T=$(st "$L" term)
	if [ "$LK_N" -ge 5 ]; then
		F=$(all_ids | grep -vx "$L" | head -n 1)
		M="$L,$F"
	else
		M="$L"
	fi
	maj=$(for j in $(all_ids); do case ",$M," in *",$j,"*) ;; *) echo "$j" ;; esac; done)
	lk_log "minority (n=$LK_N): isolate {$M}, leader $L, term $T"
	isolate "$M"
	# the minority answers nothing, whatever its own view
	"$BIN/lk-consload" run --threads 4 --duration 3 --users 2 --prefix min \
		--timeout 1000 --history "$h" --label minority $(socks $(echo "$M" | tr , ' ')) \
		>"$LK_DIR/min.out" 2>&1 || { cat "$LK_DIR/min.out"; lk_fail "load (minority) failed"; }
	cat "$LK_DIR/min.out"
	grep -q " ok=0 " "$LK_DIR/min.out" || lk_fail "the isolated minority acknowledged an attempt"
	# the old leader stepped down (check-quorum) without raising its term
	[ "$(st "$L" role)" != leader ] || lk_fail "isolated leader $L still leads"
	[ "$(st "$L" term)" = "$T" ] || lk_fail "isolated leader's term moved ($T -> $(st "$L" term))"
	# the majority elects and commits
	N=$(wait_leader 20 $maj)
	"$BIN/lk-consload" run --threads 4 --duration 2 --users 2 --prefix min \
		--timeout 1000 --history "$h" --label majority $(socks $maj) \
		>"$LK_DIR/maj.out" 2>&1 || { cat "$LK_DIR/maj.out"; lk_fail "load (majority) failed"; }
	cat "$LK_DIR/maj.out"
	grep -q " ok=0 " "$LK_DIR/maj.out" && lk_fail "the majority acknowledged nothing"
	heal
	N=$(wait_leader 20)
	lk_log "healed: leader $N, term $(st "$N" term)"
	# logs converge: every server applies the leader's commit
	c=$(st "$N" commit)
	end=$(($(date +%s) + 10))
	for i in $(all_ids); do
		while [ "$(st "$i" applied)" -lt "$c" ]; do
			[ "$(date +%s)" -le "$end" ] || lk_fail "server $i did not catch up to $c"
			sleep 0.1
		done
	done
	"$BIN/lk-consload" check "$h" --final $(socks $(all_ids)) || lk_fail "minority: history check"
}

hup() {
	h="$LK_DIR/hup.hist"
	L=$(wait_leader 20)
	F=$(all_ids | grep -vx "$L" | head -n 1)
	p=$(lk_pid "ks$F")
	lk_log "hup: SIGHUP follower $F (pid $p) under load"
	"$BIN/lk-consload" run --threads 4 --duration 5 --users 4 --prefix hup \
		--timeout 2000 --history "$h" --label load $(socks $(all_ids)) >"$LK_DIR/hup.out" 2>&1 &
	lp=$!
	sleep 1.5
	kill -HUP "$p"
	wait "$lp" || lk_fail "load generator failed: $(cat "$LK_DIR/hup.out")"
	cat "$LK_DIR/hup.out"
	kill -0 "$p" 2>/dev/null && [ "$(lk_pid "ks$F")" = "$p" ] || lk_fail "hup: ks$F (pid $p) is gone"
	grep -q 'SIGHUP: restarting this process in place' "$LK_DIR/ks$F.log" || lk_fail "hup: ks$F did not log its restart"
	[ "$(grep -c "node $F of $LK_N .* serving on" "$LK_DIR/ks$F.log")" -ge 2 ] || lk_fail "hup: ks$F did not start again"
	lk_wait_serving 20
	"$BIN/lk-consload" check "$h" --final $(socks $(all_ids)) || lk_fail "hup: history check"
	lk_log "hup: follower $F restarted in place (pid $p), serving again; history consistent"
}

rejoin() {
	L=$(wait_leader 20)
	T=$(st "$L" term)
	F=$(all_ids | grep -vx "$L" | tail -n 1)
	lk_log "rejoin: isolate follower $F for 3 s (leader $L, term $T)"
	adm "$F" fault isolate >/dev/null
	sleep 3
	v=$(st "$F" serving)
	[ "$v" = 0 ] || lk_fail "isolated follower $F still serving (serving=$v; 'down': no status answer)"
	adm "$F" fault heal >/dev/null
	sleep 2
	N=$(wait_leader 10)
	[ "$N" = "$L" ] || lk_fail "the rejoining follower unseated leader $L (now $N)"
	for i in $(all_ids); do
		[ "$(st "$i" term)" = "$T" ] || lk_fail "server $i: term moved from $T to $(st "$i" term)"
	done
	lk_log "rejoin: leader $L and term $T unchanged"
}

rollback() {
	h="$LK_DIR/rollback.hist"
	load() { # LABEL SECS IDS...
		lbl=$1
		d=$2
		shift 2
		"$BIN/lk-consload" run --threads 4 --duration "$d" --users 3 --prefix rb \
			--timeout 1000 --history "$h" --label "$lbl" $(socks "$@") >"$LK_DIR/rb.out" 2>&1 ||
			lk_fail "load ($lbl) failed"
		cat "$LK_DIR/rb.out"
	}
	A=$(wait_leader 20)
	C=$(all_ids | grep -vx "$A" | head -n 1)
	B=$(all_ids | grep -vx -e "$A" -e "$C")
	lk_log "rollback: leader $A, server $C to be rolled back, $B to be cut off"
	load before 1 $(all_ids)
	# an old copy of C's data directory (taken while C is stopped)
	lk_kill_server "$C" TERM
	cp -a "$LK_DIR/data/ks$C" "$LK_DIR/old-ks$C"
	lk_start_server "$C"
	wait_leader 20 >/dev/null
	# B misses what A and C now commit
	adm "$B" fault isolate >/dev/null
	load "A+C" 2 "$A"
	# C loses it (old copy), A goes down: only B (behind) and C remain
	lk_kill_server "$C" KILL
	lk_kill_server "$A" KILL
	rm -rf "$LK_DIR/data/ks$C"
	cp -a "$LK_DIR/old-ks$C" "$LK_DIR/data/ks$C"
	adm "$B" fault heal >/dev/null
	lk_start_server "$C"
	sleep 1
	lk_log "rollback: $B (behind) and $C (old copy) alone"
	load "B+C" 3 "$B" "$C"
	grep -q " ok=0 " "$LK_DIR/rb.out" || lk_fail "B and C acknowledged attempts without the up-to-date server"
	for k in 1 2 3; do
		[ "$(st "$C" recovering)" = 1 ] || lk_fail "server $C (old copy) stopped recovering without every peer"
		for i in "$B" "$C"; do
			[ "$(st "$i" role)" != leader ] || lk_fail "server $i became leader without the up-to-date server"
			[ "$(st "$i" serving)" = 0 ] || lk_fail "server $i serves"
		done
		sleep 0.3
	done
	show "$B" "$C"
	lk_start_server "$A"
	N=$(wait_leader 30)
	lk_log "rollback: $A back; leader $N; $C recovered and caught up"
	show $(all_ids)
	[ "$(st "$C" recovering)" = 0 ] || lk_fail "server $C still recovering"
	load after 1 $(all_ids)
	"$BIN/lk-consload" check "$h" --final $(socks $(all_ids)) || lk_fail "rollback: history check"
}

up 3 2
# server 1 gets a local attempt cap of 3 (the others: the hard limit)
printf 'local_cap = 3\n' >>"$LK_DIR/ks1.conf"
start_all
basics
backstop
kill_leader
hup
rejoin
minority
rollback
down_all

up 5 3
start_all
minority
down_all
lk_log "consensus: all passed in $(($(date +%s) - T0)) s"
