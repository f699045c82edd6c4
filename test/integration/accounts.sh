#!/bin/sh
# Accounts, login, sessions and every operation end to end (docs/CLUSTER.md)
# with real processes on loopback: keyservers with real LMDB files, the
# aggregator, lkctl. Runs at (n, t) = (3, 2) and (5, 3), with a cheap
# Argon2id (1 pass, 8 MiB) and small limits:
#   basics    register, register twice (521), login, wrong password and
#             unknown user (the same 703 to the client), user id, storage
#             key (same on every login), secrets store/generate/retrieve/
#             export, blobs and the size limit (526), delete, another
#             user's key id and a fake key id (the same 525), audit events
#             with their outcomes, hash chains checked and compared;
#             password change (old password refused, keys kept)
#   logout    every operation after logout is refused by the servers (524)
#   expiry    every operation after the idle timeout is refused (524)
#   channel   a replayed, a reordered and a moved frame are refused
#   guesses   wrong passwords spread over different server subsets lock
#             the account after hard_limit attempts in total (522), for the
#             right password too; lkctl admin unlock restores it; the
#             attempts past soft_limit wait for the backoff (1 s, then 2 s:
#             checked as lower bounds), for an unknown name alike
#   failures  SIGKILL n-t servers: register, login, every operation and a
#             password change work; one more: login and register fail
#             closed with a clear error; restart: back without operator
#             action, and the returning servers take the account, its new
#             password and the secrets they missed from the mailbox
#   stale     a server whose LMDB file is replaced by an older copy refuses
#             the stale record (log + HEALTH "STALE"), the cluster serves
set -eu
. "$(dirname "$0")/lib.sh"

export LK_KSF=1,8192
HARD=4
SOFT=2 # attempts 3 and 4 wait backoff_base_ms (1000), then twice that
IDLE=2500
T0=$(date +%s)

acct_up() { # N T
	LK_N=$1
	LK_T=$2
	LK_BASE=$(lk_pick_base)
	sh "$ROOT/deploy/mkcluster.sh" "$LK_DIR" "$LK_N" "$LK_T" --base "$LK_BASE" >/dev/null ||
		lk_fail "mkcluster failed"
	for i in $(seq 1 "$LK_N"); do
		printf '\n[consensus]\nsoft_limit = %s\nhard_limit = %s\n[accounts]\nsession_idle_ms = %s\nblob_max = 1000\n' \
			"$SOFT" "$HARD" "$IDLE" >>"$LK_DIR/ks$i.conf"
		lk_start_server "$i"
	done
	lk_start_agg
	lk_wait_health "$LK_N" 30
	lk_wait_serving 30
}

acct_down() {
	for i in $(seq 1 "$LK_N"); do lk_kill_server "$i" KILL; done
	kill -9 "$(lk_pid agg)" 2>/dev/null || true
	wait "$(lk_pid agg)" 2>/dev/null || true
	rm -rf "$LK_DIR"/data "$LK_DIR"/tls "$LK_DIR"/*.conf "$LK_DIR"/*.log
}

C() { "$BIN/lkctl" -c "$LK_DIR/cluster.conf" -t 8000 "$@"; }
# session USER PASSWORD: runs the commands on stdin; output in $LK_DIR/out
session() {
	LK_PASSWORD=$2 C session "$1" >"$LK_DIR/out" 2>"$LK_DIR/err" || true
}
# expect PATTERN: the output of the last command has a line matching it
expect() {
	grep -Eq -- "$1" "$LK_DIR/out" || {
		cat "$LK_DIR/out" >&2
		lk_fail "expected a line matching '$1'"
	}
}
# nth_line N: line N of the last output
nth() { sed -n "$1p" "$LK_DIR/out"; }
run() { # expect-pattern, then the command: checks its one output line
	pat=$1
	shift
	"$@" >"$LK_DIR/out" 2>"$LK_DIR/err" || true
	expect "$pat"
}
keyid() { sed -n "$1p" "$LK_DIR/out" | sed -n 's/.*key_id=\([0-9a-f]*\).*/\1/p'; }

basics() {
	run '^ok registered alice' env LK_PASSWORD=pw-alice "$BIN/lkctl" -c "$LK_DIR/cluster.conf" register alice
	run '^error 521 ' env LK_PASSWORD=other "$BIN/lkctl" -c "$LK_DIR/cluster.conf" register alice
	run '^ok registered bob' env LK_PASSWORD=pw-bob "$BIN/lkctl" -c "$LK_DIR/cluster.conf" register bob
	run "^ok login servers=$LK_N user_id=" env LK_PASSWORD=pw-alice "$BIN/lkctl" -c "$LK_DIR/cluster.conf" login alice
	run '^error 703 ' env LK_PASSWORD=wrong "$BIN/lkctl" -c "$LK_DIR/cluster.conf" login alice
	run '^error 703 ' env LK_PASSWORD=wrong "$BIN/lkctl" -c "$LK_DIR/cluster.conf" login nobody
	# bob's key, to be asked for by alice
	printf 'store-secret bobs-secret\n' | session bob pw-bob
	bobkey=$(keyid 2)
	[ -n "$bobkey" ] || lk_fail "bob: no key id"
	fake=$(od -An -vtx1 -N32 /dev/urandom | tr -d ' \n')
	session alice pw-alice <<EOF
user-id
check
storage-key
store-secret my-first-secret
retrieve-secret LAST
generate-secret 32
export-secret LAST
store-blob hello-blob
retrieve-blob LAST
delete LAST
retrieve-blob LAST
delete LAST
store-blob-size 1001
retrieve-secret $bobkey
retrieve-secret $fake
delete $fake
audit
audit key
audit system
audit key=$fake
EOF
	expect "^ok login servers=$LK_N"
	expect '^ok user_id='
	expect '^ok session'
	fp1=$(sed -n 's/^ok fingerprint=//p' "$LK_DIR/out")
	[ -n "$fp1" ] || lk_fail "no storage key"
	[ "$(nth 6)" = "ok text=my-first-secret" ] || lk_fail "secret: $(nth 6)"
	nth 7 | grep -q '^ok key_id=.* secret=' || lk_fail "generate: $(nth 7)"
	gen=$(nth 7 | sed -n 's/.* secret=//p')
	exp=$(nth 8 | sed -n 's/^ok hex=//p')
	[ -n "$exp" ] || exp=$(printf '%s' "$(nth 8 | sed -n 's/^ok text=//p')" | od -An -vtx1 | tr -d ' \n')
	[ "$gen" = "$exp" ] || lk_fail "export: $(nth 8) is not $gen"
	[ "$(nth 10)" = "ok len=10 text=hello-blob" ] || lk_fail "blob: $(nth 10)"
	[ "$(nth 11)" = "ok deleted" ] || lk_fail "delete: $(nth 11)"
	nth 12 | grep -q '^error 525 ' || lk_fail "deleted blob: $(nth 12)"
	nth 13 | grep -q '^error 525 ' || lk_fail "second delete: $(nth 13)"
	nth 14 | grep -q '^error 526 ' || lk_fail "oversized blob: $(nth 14)"
	nth 15 | grep -q '^error 525 ' || lk_fail "another user's key: $(nth 15)"
	nth 16 | grep -q '^error 525 ' || lk_fail "fake key: $(nth 16)"
	nth 17 | grep -q '^error 525 ' || lk_fail "delete fake key: $(nth 17)"
	# the audit trail: server-chosen labels, chains link, servers agree
	expect "^ok events=[0-9]+ length=[0-9]+ chains_ok=1 events_agree=1 servers=$LK_N"
	for ev in 'register outcome=success' 'login outcome=started' \
		'login outcome=success' 'get-user-id outcome=success' \
		'check-session outcome=success' 'create-storage-key outcome=success' \
		'store-secret outcome=success' 'retrieve-secret outcome=success' \
		'export-secret outcome=success' 'store-blob outcome=success' \
		'retrieve-blob outcome=success' 'delete-key outcome=success' \
		'retrieve-blob outcome=failed' 'store-blob outcome=failed' \
		"retrieve-secret outcome=failed key=$bobkey" \
		"retrieve-secret outcome=failed key=$fake" \
		"delete-key outcome=failed key=$fake"; do
		expect "^event action=$ev"
	done
	# the wrong password left a started login without success: count
	started=$(grep -c '^event action=login outcome=started' "$LK_DIR/out")
	success=$(grep -c '^event action=login outcome=success' "$LK_DIR/out")
	[ "$started" -gt "$success" ] || lk_fail "wrong password left no trace"
	# type filters: "key" only events with a key, "system" none
	awk '/^ok events/{n++} n==2 && /^event/ && !/ key=/{bad=1} n==3 && /^event/ && / key=/{bad=1} END{exit bad}' "$LK_DIR/out" ||
		lk_fail "audit type filter"
	# key filter: the fake key id's two failed requests, nothing else
	awk '/^ok events/{n++} n==4 && /^event/{c++; if ($0 !~ /outcome=failed key='"$fake"'/) bad=1} END{exit bad || c != 2}' "$LK_DIR/out" ||
		lk_fail "audit key filter"
	# a new login finds the same storage key; bob's audit has none of
	# alice's events
	printf 'storage-key\n' | session alice pw-alice
	[ "$(sed -n 's/^ok fingerprint=//p' "$LK_DIR/out")" = "$fp1" ] || lk_fail "storage key changed"
	printf 'audit key\n' | session bob pw-bob
	expect '^ok events=1 '
	# password change: the old password stops working, the new one works,
	# the keys stay
	printf 'password-change pw-bob-2\naudit system\n' | session bob pw-bob
	expect '^ok password changed'
	expect '^event action=password-change outcome=success'
	run '^error 703 ' env LK_PASSWORD=pw-bob "$BIN/lkctl" -c "$LK_DIR/cluster.conf" login bob
	printf 'retrieve-secret %s\n' "$bobkey" | session bob pw-bob-2
	expect '^ok text=bobs-secret'
	lk_log "basics ok"
}

after_logout() {
	session alice pw-alice <<EOF
store-secret kept
logout
check
user-id
storage-key
retrieve-secret LAST
store-secret more
store-blob blob
retrieve-blob LAST
delete LAST
audit
EOF
	[ "$(nth 3)" = "ok logout" ] || lk_fail "logout: $(nth 3)"
	n=$(grep -c '^error 524 ' "$LK_DIR/out")
	[ "$n" = 9 ] || { cat "$LK_DIR/out" >&2; lk_fail "after logout: $n of 9 refused"; }
	lk_log "every operation after logout refused (524)"
}

after_expiry() {
	session alice pw-alice <<EOF
store-secret kept
sleep $((IDLE + 700))
check
user-id
storage-key
retrieve-secret LAST
store-blob blob
delete LAST
audit
EOF
	n=$(grep -c '^error 524 ' "$LK_DIR/out")
	[ "$n" = 7 ] || { cat "$LK_DIR/out" >&2; lk_fail "after expiry: $n of 7 refused"; }
	lk_log "every operation after the idle timeout refused (524)"
}

channel() {
	session alice pw-alice <<EOF
test-replay
test-reorder
test-cross
check
EOF
	expect "^ok rejected=$LK_N servers=$LK_N codes="
	[ "$(grep -c "^ok rejected=$LK_N " "$LK_DIR/out")" = 3 ] || { cat "$LK_DIR/out" >&2; lk_fail "channel"; }
	expect 'other_session=ok'
	expect '^ok session'
	lk_log "replayed, reordered and moved frames refused; sessions go on"
}

# Wrong passwords over different subsets of t servers: HARD attempts in
# total lock the account everywhere.
ms() { echo $(($(date +%s%N) / 1000000)); }
# backoff_at_least K ELAPSED_MS NAME: attempt K past SOFT waited at least
# backoff_base_ms * 2^(K - SOFT - 1). A lower bound only: a loaded machine
# can make any attempt slower, never the server's wait shorter.
backoff_at_least() {
	[ "$1" -gt "$SOFT" ] || return 0
	want=$((1000 << ($1 - SOFT - 1)))
	[ "$2" -ge "$want" ] || lk_fail "attempt $1 on $3 took $2 ms: the backoff is $want ms"
}

guesses() {
	run '^ok registered carol' env LK_PASSWORD=pw-carol "$BIN/lkctl" -c "$LK_DIR/cluster.conf" register carol
	if [ "$LK_N" = 3 ]; then subsets="1,2 2,3 1,3 1,2"; else subsets="1,2,3 3,4,5 1,4,5 2,3,5"; fi
	k=0
	for sub in $subsets; do
		k=$((k + 1))
		t=$(ms)
		run '^error 703 ' env LK_PASSWORD=guess$k LK_LOGIN_ONLY=$sub "$BIN/lkctl" -c "$LK_DIR/cluster.conf" login carol
		backoff_at_least "$k" $(($(ms) - t)) carol
	done
	[ "$k" = "$HARD" ] || lk_fail "test needs $HARD subsets"
	# each server saw fewer than HARD attempts, yet the account is locked
	run '^error 522 ' env LK_PASSWORD=guess-x "$BIN/lkctl" -c "$LK_DIR/cluster.conf" login carol
	run '^error 522 ' env LK_PASSWORD=pw-carol "$BIN/lkctl" -c "$LK_DIR/cluster.conf" login carol
	# an unknown user is delayed and locked alike (the same code)
	for k in $(seq 1 "$HARD"); do
		t=$(ms)
		run '^error 703 ' env LK_PASSWORD=g$k "$BIN/lkctl" -c "$LK_DIR/cluster.conf" login nobody2
		backoff_at_least "$k" $(($(ms) - t)) nobody2
	done
	run '^error 522 ' env LK_PASSWORD=g "$BIN/lkctl" -c "$LK_DIR/cluster.conf" login nobody2
	# the operator unlocks on every server (each keeps its own local
	# backstop, which only its own reset lowers: docs/CONSENSUS.md)
	for i in $(seq 1 "$LK_N"); do
		lk_adm "$i" unlock user:carol >/dev/null || lk_fail "unlock on $i"
	done
	run '^ok login ' env LK_PASSWORD=pw-carol "$BIN/lkctl" -c "$LK_DIR/cluster.conf" login carol
	lk_log "guess limit: $HARD wrong passwords over subsets $subsets lock the account; attempts past $SOFT waited the backoff"
}

failures() {
	f=$((LK_N - LK_T))
	down=""
	for i in $(seq 1 "$f"); do
		lk_kill_server "$i" KILL
		down="$down $i"
	done
	lk_wait_serving 30 $(seq $((f + 1)) "$LK_N")
	run '^ok registered dave' env LK_PASSWORD=pw-dave "$BIN/lkctl" -c "$LK_DIR/cluster.conf" register dave
	session alice pw-alice <<EOF
user-id
storage-key
store-secret while-down
retrieve-secret LAST
store-blob blob-down
retrieve-blob LAST
delete LAST
audit
logout
EOF
	expect "^ok login servers=$LK_T"
	[ "$(grep -c '^ok' "$LK_DIR/out")" = 10 ] || { cat "$LK_DIR/out" >&2; lk_fail "with$down down"; }
	downkey=$(keyid 4)
	printf 'user-id\npassword-change pw-dave-2\n' | session dave pw-dave
	expect '^ok user_id='
	expect '^ok password changed'
	lk_log "servers$down SIGKILLed: register, login and every operation work"
	# one more: fail closed
	lk_kill_server $((f + 1)) KILL
	t1=$(date +%s)
	run '^error 70[23] ' env LK_PASSWORD=pw-alice "$BIN/lkctl" -c "$LK_DIR/cluster.conf" -t 6000 login alice
	lk_log "one more down: login fails closed in $(($(date +%s) - t1)) s: $(cat "$LK_DIR/out")"
	run '^error ' env LK_PASSWORD=pw-erin "$BIN/lkctl" -c "$LK_DIR/cluster.conf" -t 6000 register erin
	# back: no operator action
	for i in $(seq 1 $((f + 1))); do lk_start_server "$i"; done
	lk_wait_serving 60
	lk_wait_health "$LK_N" 60
	printf 'store-secret after\nretrieve-secret LAST\n' | session alice pw-alice
	expect "^ok login servers=$LK_N"
	expect '^ok text=after'
	# what the returning servers missed comes from the mailbox: the first
	# access finds it missing (they answer stale, the others serve) and
	# asks the peers; then every server serves it
	printf 'retrieve-secret %s\nsleep 1500\nretrieve-secret %s\nanswered\n' "$downkey" "$downkey" | session alice pw-alice
	expect '^ok text=while-down'
	expect "^ok answered=$LK_N"
	run '^ok login ' env LK_PASSWORD=pw-dave-2 "$BIN/lkctl" -c "$LK_DIR/cluster.conf" login dave
	sleep 1.5
	run "^ok login servers=$LK_N " env LK_PASSWORD=pw-dave-2 "$BIN/lkctl" -c "$LK_DIR/cluster.conf" login dave
	for i in $(seq 1 "$f"); do
		grep -q 'mailbox: took the account record' "$LK_DIR/ks$i.log" || lk_fail "ks$i: no account from the mailbox"
		grep -q 'mailbox: took a key record' "$LK_DIR/ks$i.log" || lk_fail "ks$i: no key record from the mailbox"
	done
	lk_log "servers restarted: service restored; the mailbox delivered what they missed"
}

stale() {
	# ks1's LMDB file as it is now
	lk_kill_server 1 KILL
	cp "$LK_DIR/data/ks1/data.mdb" "$LK_DIR/old.mdb"
	lk_start_server 1
	lk_wait_serving 60
	lk_wait_health "$LK_N" 60
	printf 'store-secret newer\n' | session alice pw-alice
	key=$(keyid 2)
	[ -n "$key" ] || lk_fail "stale: store"
	# every server holds it before the rollback (a server the store
	# missed on a loaded machine takes it from the mailbox here), so that
	# below only ks1 can refuse it
	printf 'retrieve-secret %s\nsleep 1500\nretrieve-secret %s\nanswered\n' "$key" "$key" | session alice pw-alice
	expect "^ok answered=$LK_N"
	lk_kill_server 1 KILL
	cp "$LK_DIR/old.mdb" "$LK_DIR/data/ks1/data.mdb"
	lk_start_server 1
	lk_wait_serving 60
	lk_wait_health "$LK_N" 60
	printf 'retrieve-secret %s\nanswered\n' "$key" | session alice pw-alice
	expect '^ok text=newer'
	expect "^ok answered=$((LK_N - 1))"
	grep -q 'stale storage: this server.s LMDB holds' "$LK_DIR/ks1.log" || lk_fail "ks1 did not log the stale record"
	lk_health | grep -q '^1 .*STALE' || { lk_health >&2; lk_fail "HEALTH does not show ks1 stale"; }
	lk_log "rolled-back LMDB on ks1: refused and reported (log, HEALTH), served by the others"
}

for cfg in "3 2" "5 3"; do
	set -- $cfg
	lk_log "cluster n=$1 t=$2"
	acct_up "$1" "$2"
	basics
	after_logout
	after_expiry
	channel
	guesses
	failures
	stale
	acct_down
done
lk_log "accounts: all passed in $(($(date +%s) - T0)) s"
