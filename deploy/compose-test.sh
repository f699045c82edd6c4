#!/bin/sh
# `make compose-test`: runs the skeleton cluster of deploy/docker-compose.yml
# for real and checks it from the host, then removes every trace of it.
#
#  1. installs docker.io, docker-compose and debootstrap if missing
#  2. starts dockerd by hand if no daemon answers (no systemd here)
#  3. builds the base image without a registry: debootstrap --variant=minbase
#     with the programs' runtime libraries (found with ldd), `docker import`
#  4. writes the cluster material (mkcluster.sh DIR 3 2 --compose) and a
#     build context with the host-built programs
#  5. docker-compose build + up -d, waits until every container is healthy
#  6. `lkctl health` from the host through the published port: exit 0 and
#     all three servers up
#  7. a user from the host: register, a login session that stores a secret,
#     reads it back and logs out; a wrong password is refused
#  8. always (trap): down -v --rmi all; if it started dockerd itself, also
#     prune, stop dockerd, remove its state, docker0, its iptables rules and
#     sysctl changes. A final check fails the run if anything is left.
# Packages stay installed. Must run as root. See deploy/COMPOSE.md.
#
# Environment: BUILD (build), LK_COMPOSE_PORT (7000, another free port if
# 7000 is taken), LK_COMPOSE_TIMEOUT (seconds to become healthy, 90).
set -eu

cd "$(dirname "$0")/.."
repo=$(pwd)
BUILD=${BUILD:-build}
bin=$repo/$BUILD/bin
N=3
T=2
project=lkcompose
compose_file=$repo/deploy/docker-compose.yml
base_image=lk/runtime-base:bookworm
timeout=${LK_COMPOSE_TIMEOUT:-90}
# State kept while this script owns a dockerd it started; lets a later run
# clean up after a run that was killed.
statefile=/var/tmp/lk-compose-test.state
dockerd_paths="/var/lib/docker /var/lib/containerd /var/run/docker
/var/run/docker.sock /var/run/docker.pid /run/containerd /opt/containerd
/etc/docker"

# Docker-py's classic builder: the static docker CLI on PATH would want
# buildx for BuildKit, which is not installed.
export COMPOSE_DOCKER_CLI_BUILD=0 DOCKER_BUILDKIT=0
export DEBIAN_FRONTEND=noninteractive
umask 022

say() { echo "compose-test: $*"; }
die() {
	echo "compose-test: FAIL: $*" >&2
	exit 1
}

# ---- phase timing ----------------------------------------------------------
now() { date +%s.%N; }
t_start=$(now)
t_phase=$t_start
phase_name=""
timings=""
phase() { # phase NAME: ends the running phase, starts NAME
	t=$(now)
	if [ -n "$phase_name" ]; then
		d=$(awk -v a="$t_phase" -v b="$t" 'BEGIN { printf "%.1f", b - a }')
		timings="$timings$(printf '  %-26s %6ss' "$phase_name" "$d")
"
	fi
	t_phase=$t
	phase_name=$1
	[ -z "$1" ] || say "== $1"
}

# ---- state of the run, read by cleanup ---------------------------------------
work=""
started_dockerd=0
dockerd_pid=""
compose_up=0
failed_step=""
pre_existing=""

dc() { docker-compose -p "$project" -f "$compose_file" --ansi never "$@"; }
docker_ok() { docker info >/dev/null 2>&1; }

alive() { # alive PID: running and not a zombie
	[ -r "/proc/$1/stat" ] || return 1
	pstate=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
	[ -n "$pstate" ] && [ "$pstate" != Z ] && [ "$pstate" != X ]
}

# running PGREP-ARGS: a matching process that is not a zombie (the exit of
# an orphan can take a moment to be reaped by PID 1).
running() {
	for pid in $(pgrep "$@"); do
		if alive "$pid"; then return 0; fi
	done
	return 1
}
dockerd_running() { running -x dockerd; }

wait_gone() { # wait_gone PID SECONDS
	i=0
	while alive "$1"; do
		i=$((i + 1))
		[ "$i" -le $(($2 * 10)) ] || return 1
		sleep 0.1
	done
	wait "$1" 2>/dev/null || true # reaps it when it is our child
	return 0
}

show_logs() {
	[ -n "$work" ] || return 0
	for f in "$work"/*.log; do
		[ -s "$f" ] || continue
		echo "---- last lines of $(basename "$f")"
		case $f in
		*/dockerd.log) grep -E 'level=(warning|error|fatal)' "$f" | tail -n 15 ;;
		*) tail -n 25 "$f" ;;
		esac
	done
}

# Undoes what a dockerd started by this script changed on the host. Reads
# the host state saved before that dockerd started. Only runs once no
# dockerd is left.
restore_host() {
	ipf=0
	nft_before=""
	pre_existing=""
	old_work=""
	# shellcheck disable=SC1090
	[ ! -r "$statefile" ] || . "$statefile"
	# The temporary directory of a killed run.
	[ -z "$old_work" ] || [ "$old_work" = "$work" ] || rm -rf "$old_work"
	# Mounts left by a killed daemon, deepest first.
	awk '$2 ~ "^(/var/lib/docker|/var/run/docker|/run/docker|/run/containerd|/var/lib/containerd)(/|$)" { print $2 }' \
		/proc/mounts | sort -r | while read -r m; do
		umount -l "$m" 2>/dev/null || true
	done
	for p in $dockerd_paths; do
		case " $pre_existing " in
		*" $p "*) ;; # e.g. /etc/docker of the package: only dockerd's key
		*) rm -rf "$p" ;;
		esac
	done
	case " $pre_existing " in *" /etc/docker/key.json "*) ;; *)
		rm -f /etc/docker/key.json ;;
	esac
	for l in $(ip -o link show type bridge 2>/dev/null |
		awk -F': ' '{ sub(/@.*/, "", $2); print $2 }'); do
		case $l in docker0 | br-[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f])
			ip link del "$l" 2>/dev/null || true ;;
		esac
	done
	if command -v iptables >/dev/null 2>&1; then
		iptables -F
		iptables -X
		iptables -t nat -F
		iptables -t nat -X
		iptables -P FORWARD ACCEPT
	fi
	# iptables-nft leaves empty "ip filter" / "ip nat" tables: drop the ones
	# that did not exist before.
	if command -v nft >/dev/null 2>&1; then
		for tb in "ip filter" "ip nat"; do
			case " $nft_before " in *" ${tb#ip }:ip "*) continue ;; esac
			# shellcheck disable=SC2086
			if nft list table $tb >/dev/null 2>&1; then
				nft delete table $tb 2>/dev/null || true
			fi
		done
	fi
	echo "$ipf" >/proc/sys/net/ipv4/ip_forward
	rm -f "$statefile"
}

stop_dockerd() {
	[ -n "$dockerd_pid" ] || return 0
	ctd=""
	[ ! -r /var/run/docker/containerd/containerd.pid ] ||
		ctd=$(cat /var/run/docker/containerd/containerd.pid)
	kill -TERM "$dockerd_pid" 2>/dev/null || true
	if ! wait_gone "$dockerd_pid" 30; then
		say "dockerd ($dockerd_pid) still running after 30 s: SIGKILL"
		kill -KILL "$dockerd_pid" 2>/dev/null || true
		wait_gone "$dockerd_pid" 10 || true
	fi
	# dockerd stops the containerd it started; make sure.
	if [ -n "$ctd" ] && alive "$ctd"; then
		wait_gone "$ctd" 10 || { kill -KILL "$ctd" 2>/dev/null || true; }
	fi
}

final_check() {
	left=""
	if [ "$started_dockerd" = 1 ]; then
		if dockerd_running; then left="$left dockerd-process"; fi
		if running -f /var/run/docker/containerd; then left="$left containerd-process"; fi
		if ip link show docker0 >/dev/null 2>&1; then left="$left docker0-link"; fi
		for p in $dockerd_paths /etc/docker/key.json; do
			case " $pre_existing " in *" $p "*) continue ;; esac
			if [ -e "$p" ]; then left="$left $p"; fi
		done
		if command -v iptables >/dev/null 2>&1 &&
			iptables -S | grep -qv '^-P [A-Z]* ACCEPT$'; then
			left="$left iptables-rules"
		fi
		if [ -e "$statefile" ]; then left="$left $statefile"; fi
		say "after cleanup: iptables -S: $(iptables -S 2>/dev/null | tr '\n' ' ')"
		say "after cleanup: ip_forward=$(cat /proc/sys/net/ipv4/ip_forward)," \
			"docker0: $(ip link show docker0 >/dev/null 2>&1 && echo present || echo absent)," \
			"dockerd: $(dockerd_running && echo running || echo none)"
	elif docker_ok; then
		# A daemon that was already running: only this project's objects.
		c=$(docker ps -aq --filter "label=com.docker.compose.project=$project")
		v=$(docker volume ls -q --filter "label=com.docker.compose.project=$project")
		n=$(docker network ls -q --filter "label=com.docker.compose.project=$project")
		[ -z "$c" ] || left="$left containers"
		[ -z "$v" ] || left="$left volumes"
		[ -z "$n" ] || left="$left networks"
		for im in lk/cluster:compose "$base_image"; do
			if docker image inspect "$im" >/dev/null 2>&1; then left="$left image:$im"; fi
		done
	fi
	if [ -n "$work" ] && [ -e "$work" ]; then left="$left $work"; fi
	if [ -n "$left" ]; then
		echo "compose-test: FAIL: left behind:$left" >&2
		return 1
	fi
	say "cleanup verified: nothing left behind"
}

cleanup() {
	rc=$?
	set +e
	trap - EXIT INT TERM HUP
	phase teardown
	if [ "$rc" -ne 0 ]; then
		say "failed${failed_step:+ during: $failed_step} (exit $rc)"
		if [ "$compose_up" = 1 ] && docker_ok; then
			dc ps
			dc logs --no-color --tail=30
		fi
		show_logs
	fi
	if [ -n "$work" ] && docker_ok; then
		dc down -v --rmi all --remove-orphans -t 10 >"$work/down.log" 2>&1 ||
			{ say "docker-compose down failed:"; cat "$work/down.log"; }
		if [ "$started_dockerd" = 1 ]; then
			# Everything in this daemon is ours.
			docker ps -aq | xargs -r docker rm -f >/dev/null
			docker system prune -af --volumes >/dev/null
		else
			docker rmi "$base_image" >/dev/null 2>&1
		fi
	fi
	if [ "$started_dockerd" = 1 ]; then
		stop_dockerd
		restore_host
	fi
	[ -z "$work" ] || rm -rf "$work"
	phase ""
	say "timings:"
	printf '%s' "$timings"
	say "total $(awk -v a="$t_start" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')s"
	final_check || rc=1
	if [ "$rc" -eq 0 ]; then say "PASS"; else say "FAIL"; fi
	exit "$rc"
}

# ---- 0. preconditions ----------------------------------------------------------
[ "$(uname -s)" = Linux ] || die "needs Linux (docker runs here as root)"
[ "$(id -u)" -eq 0 ] ||
	die "must run as root: it installs packages and starts dockerd"
for p in keyserver aggregator lkctl; do
	[ -x "$bin/$p" ] || die "$bin/$p missing: run make first"
done
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# ---- 1. packages ---------------------------------------------------------------
phase packages
failed_step="installing packages"
missing=""
for p in docker.io docker-compose debootstrap iptables; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
if [ -n "$missing" ]; then
	say "installing:$missing"
	apt-get update -qq || die "apt-get update failed"
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
		die "cannot install$missing"
else
	say "docker.io, docker-compose, debootstrap present"
fi
for c in dockerd docker docker-compose debootstrap iptables; do
	command -v "$c" >/dev/null 2>&1 || die "$c not found after installing"
done

# ---- 2. daemon -------------------------------------------------------------------
phase dockerd
failed_step="starting dockerd"
work=$(mktemp -d /var/tmp/lk-compose.XXXXXX)
export LK_COMPOSE_DIR="$work/cluster"
export LK_BASE_IMAGE="$base_image"
# docker-compose checks the build context even for `down`.
mkdir -p "$LK_COMPOSE_DIR/context"
if [ -e "$statefile" ]; then
	# A previous run was killed while it owned a dockerd: take it over so
	# that this run's cleanup removes it.
	say "found $statefile: cleaning up after a killed run"
	started_dockerd=1
	if [ -r /var/run/docker.pid ] && alive "$(cat /var/run/docker.pid)"; then
		dockerd_pid=$(cat /var/run/docker.pid)
		if docker_ok; then
			docker ps -aq | xargs -r docker rm -f >/dev/null 2>&1 || true
			docker system prune -af --volumes >/dev/null 2>&1 || true
		fi
		stop_dockerd
	fi
	if dockerd_running; then die "a dockerd still runs; stop it by hand"; fi
	restore_host
	dockerd_pid=""
	started_dockerd=0
fi
if docker_ok; then
	say "using the running docker daemon (left running afterwards)"
elif dockerd_running; then
	die "a dockerd process runs but does not answer 'docker info'"
else
	for p in /var/lib/docker /var/lib/containerd; do
		[ ! -e "$p" ] || die "$p exists but no dockerd runs: it is not ours and \
this test removes docker's state at the end; remove or move it first"
	done
	# Host state that dockerd changes, for restore_host.
	{
		echo "ipf=$(cat /proc/sys/net/ipv4/ip_forward)"
		echo "old_work='$work'"
		echo "nft_before='$(nft list tables 2>/dev/null | awk '{ printf "%s:%s ", $3, $2 }')'"
		printf "pre_existing='"
		for p in $dockerd_paths /etc/docker/key.json; do
			[ ! -e "$p" ] || printf '%s ' "$p"
		done
		echo "'"
	} >"$statefile"
	started_dockerd=1
	# Own session: a ^C at the terminal reaches this script only, whose
	# cleanup still needs the daemon.
	setsid dockerd --pidfile /var/run/docker.pid >"$work/dockerd.log" 2>&1 &
	dockerd_pid=$!
	i=0
	until docker_ok; do
		i=$((i + 1))
		alive "$dockerd_pid" || die "dockerd exited at start (see dockerd.log below)"
		[ "$i" -le 150 ] || die "dockerd did not answer within 30 s"
		sleep 0.2
	done
	dockerd_pid=$(cat /var/run/docker.pid)
	say "started dockerd (pid $dockerd_pid), $(docker version -f 'server {{.Server.Version}}, API {{.Server.APIVersion}}' 2>/dev/null)"
fi

# ---- 3. base image -----------------------------------------------------------------
phase "base image (debootstrap)"
failed_step="building the base image"
# The programs' runtime libraries -> their Debian packages.
pkgs=""
for f in $(ldd "$bin/keyserver" "$bin/aggregator" "$bin/lkctl" |
	awk '/not found/ { print "NOTFOUND:" $1 } / => \// { print $3 }' | sort -u); do
	case $f in NOTFOUND:*) die "host library ${f#NOTFOUND:} not found by ldd" ;; esac
	p=""
	for g in "$f" "$(readlink -f "$f")"; do
		[ -n "$p" ] ||
			p=$(dpkg -S "$g" 2>/dev/null | head -n1 | cut -d: -f1) || true
	done
	[ -n "$p" ] || die "no Debian package owns $f"
	case ",$pkgs," in *",$p,"*) ;; *) pkgs="${pkgs:+$pkgs,}$p" ;; esac
done
suite=$(sed -n 's/^VERSION_CODENAME=//p' /etc/os-release | tr -d '"')
[ -n "$suite" ] || die "no VERSION_CODENAME in /etc/os-release"
mirror=""
[ ! -r /etc/apt/sources.list.d/debian.sources ] ||
	mirror=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources)
[ -n "$mirror" ] || [ ! -r /etc/apt/sources.list ] ||
	mirror=$(awk '$1 == "deb" { print $2; exit }' /etc/apt/sources.list)
mirror=${mirror:-http://deb.debian.org/debian}
say "debootstrap $suite minbase from $mirror, with $pkgs"
debootstrap --variant=minbase --include="$pkgs" "$suite" "$work/rootfs" \
	"$mirror" >"$work/debootstrap.log" 2>&1 || die "debootstrap failed"
rm -rf "$work/rootfs/var/lib/apt/lists/"* "$work/rootfs/var/cache/apt/"*.bin \
	"$work/rootfs/usr/share/doc" "$work/rootfs/usr/share/man" \
	"$work/rootfs/usr/share/locale"
phase "base image (import)"
tar -C "$work/rootfs" -c . | docker import - "$base_image" >/dev/null ||
	die "docker import failed"
rm -rf "$work/rootfs"

# ---- 4. cluster material and build context -------------------------------------------
phase "cluster material"
failed_step="writing the cluster material"
sh deploy/mkcluster.sh "$LK_COMPOSE_DIR" "$N" "$T" --compose
port=${LK_COMPOSE_PORT:-7000}
if ss -Hltn "sport = :$port" | grep -q .; then
	[ -z "${LK_COMPOSE_PORT:-}" ] || die "port 127.0.0.1:$port is in use"
	port=17000
	while ss -Hltn "sport = :$port" | grep -q .; do
		port=$((port + 1))
		[ "$port" -lt 17100 ] || die "no free port for the aggregator"
	done
	say "port 7000 is in use on the host: publishing the aggregator on $port"
fi
export LK_COMPOSE_PORT="$port"
# The host's view of the cluster goes through the published port.
sed -i "s|^aggregator = .*|aggregator = tls+tcp://127.0.0.1:$port|" \
	"$LK_COMPOSE_DIR/cluster.conf"
cp deploy/Dockerfile "$bin/keyserver" "$bin/aggregator" "$bin/lkctl" \
	"$LK_COMPOSE_DIR/context/"

# ---- 5. build and start ----------------------------------------------------------------
phase "docker-compose build"
failed_step="docker-compose build"
dc build >"$work/build.log" 2>&1 || die "docker-compose build failed"
phase "up until healthy"
failed_step="docker-compose up"
compose_up=1
dc up -d >"$work/up.log" 2>&1 || die "docker-compose up failed"
failed_step="waiting for healthy containers"
i=0
last=""
while :; do
	ids=$(dc ps -q)
	# shellcheck disable=SC2086
	st=$(docker inspect -f '{{.Name}}={{.State.Status}}/{{if .State.Health}}{{.State.Health.Status}}{{else}}-{{end}}' $ids |
		sed 's|^/||' | sort | tr '\n' ' ')
	[ "$st" = "$last" ] || say "t=${i}s $st"
	last=$st
	count=$(echo "$st" | tr ' ' '\n' | grep -c '/healthy$' || true)
	[ "$count" -lt 4 ] || break
	case $st in *=exited/* | *=dead/* | *=restarting/*)
		die "a container stopped: $st" ;;
	esac
	i=$((i + 1))
	[ "$i" -le "$timeout" ] || die "not all healthy within ${timeout}s: $st"
	sleep 1
done
say "all 4 containers healthy after ~${i}s"

# ---- 6. the check from the host ------------------------------------------------------------
phase "lkctl health (host)"
failed_step="lkctl health from the host"
rc=0
out=$("$bin/lkctl" -c "$LK_COMPOSE_DIR/cluster.conf" health 2>&1) || rc=$?
echo "$out" | sed 's/^/  | /'
[ "$rc" -eq 0 ] || die "lkctl health exited $rc"
up=$(echo "$out" | awk '$1 ~ /^[0-9]+$/ && $2 == "up"' | wc -l)
[ "$up" -eq "$N" ] || die "$up of $N servers up through the aggregator"
say "all $N servers up through the aggregator on 127.0.0.1:$port"

# ---- 7. a user through the cluster: register, log in, a secret back ---------------------
phase "user session (host)"
failed_step="a user through the compose cluster"
lk() { "$bin/lkctl" -c "$LK_COMPOSE_DIR/cluster.conf" "$@"; }
i=0
until [ "$(lk health 2>/dev/null | grep -c ' serving ')" = "$N" ]; do
	i=$((i + 1))
	[ "$i" -le 300 ] || die "consensus not serving on all $N servers within 30 s"
	sleep 0.1
done
export LK_PASSWORD='compose test password'
lk register alice >"$work/register.out" 2>&1 || {
	cat "$work/register.out"
	die "lkctl register exited non-zero"
}
printf '%s\n' 'store-secret compose-secret' 'retrieve-secret LAST' logout check |
	lk session alice >"$work/session.out" 2>&1 || true
sed 's/^/  | /' "$work/session.out"
grep -q '^ok text=compose-secret' "$work/session.out" ||
	die "the stored secret did not come back through the cluster"
grep -q '^error 524 ' "$work/session.out" ||
	die "an operation after logout was not refused"
LK_PASSWORD=wrong lk login alice >/dev/null 2>&1 &&
	die "a wrong password logged in"
say "registered, logged in, stored and read back a secret, logged out"
failed_step=""
# cleanup (trap) tears everything down and verifies it.
