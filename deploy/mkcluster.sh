#!/bin/sh
# Writes everything a cluster needs into OUTDIR: TLS material (certs.sh),
# ks<i>.conf for every key server, aggregator.conf and the client's
# cluster.conf.
#
# Account keys (docs/CLUSTER.md §1): every server gets its AKE, seal and
# storage keys (keyserver --keygen, mode 600) and the cluster-wide fake
# seed; cluster.conf pins each server's AKE and seal public keys (in
# --compose mode the compose file mounts them as secrets). The
# client's key stretching comes from LK_KSF="OPS,MEM_KIB" (default 3,65536,
# Argon2id 3 passes, 64 MiB; tests use 1,8192).
#
# Usage: mkcluster.sh OUTDIR N T [--base PORT] [--compose] [--data DIR]
#   loopback (default): every daemon on 127.0.0.1; ports from --base
#     aggregator  BASE          server i, aggregator-facing  BASE+i
#     server i peer links       BASE+100+20*i (+ the lower peer's id)
#   --compose: hosts ks<i> and aggregator on a docker network, fixed ports
#     (7000 aggregator, 7100 servers, 7200 peer base), data in /data and
#     TLS material in /run/secrets.
set -eu
out=${1:?usage: mkcluster.sh OUTDIR N T [--base PORT] [--compose] [--data DIR]}
n=${2:?N missing}
t=${3:?T missing}
shift 3
base=7000
mode=loopback
data=""
while [ $# -gt 0 ]; do
	case $1 in
	--base) base=$2; shift 2 ;;
	--compose) mode=compose; shift ;;
	--data) data=$2; shift 2 ;;
	*) echo "mkcluster.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)
[ -n "$data" ] || data="$out/data"

if [ "$mode" = compose ]; then
	LK_CERTS_MODE=644 sh "$here/certs.sh" "$out/tls" "$n" >/dev/null
	tls=/run/secrets
else
	sh "$here/certs.sh" "$out/tls" "$n" >/dev/null
	tls="$out/tls"
fi

ks_bin=${LK_KEYSERVER:-$here/../${BUILD:-build}/bin/keyserver}
[ -x "$ks_bin" ] || { echo "mkcluster.sh: $ks_bin missing (build first)" >&2; exit 1; }
ksf=${LK_KSF:-3,65536}
keys="$out/tls/keys"
mkdir -p "$keys"
if [ ! -f "$keys/fake_seed" ]; then
	(umask 077 && od -An -vtx1 -N64 /dev/urandom | tr -d ' \n' >"$keys/fake_seed" && echo >>"$keys/fake_seed")
fi
i=1
while [ "$i" -le "$n" ]; do
	mkdir -p "$keys/ks$i"
	[ -f "$keys/ks$i/ake.key" ] || "$ks_bin" --keygen "$keys/ks$i" >"$keys/ks$i/public" ||
		{ echo "mkcluster.sh: keygen for ks$i failed" >&2; exit 1; }
	[ "$mode" = compose ] && chmod 644 "$keys/ks$i"/*.key "$keys/fake_seed"
	i=$((i + 1))
done

host() { if [ "$mode" = compose ]; then echo "ks$1"; else echo 127.0.0.1; fi; }
aggport() { if [ "$mode" = compose ]; then echo 7100; else echo $((base + $1)); fi; }
peerbase() { if [ "$mode" = compose ]; then echo 7200; else echo $((base + 100 + 20 * $1)); fi; }

i=1
while [ "$i" -le "$n" ]; do
	if [ "$mode" = compose ]; then
		dd=/data
		listen_host=0.0.0.0
	else
		dd="$data/ks$i"
		mkdir -p "$dd"
		listen_host=127.0.0.1
	fi
	{
		echo "[node]"
		echo "id = $i"
		echo "data_dir = $dd"
		echo "log_level = info"
		echo
		echo "[cluster]"
		echo "n = $n"
		echo "t = $t"
		echo
		echo "[tls]"
		echo "cert = $tls/ks$i.crt"
		echo "key = $tls/ks$i.key"
		echo
		echo "[listen]"
		echo "agg = tls+tcp://$listen_host:$(aggport "$i")"
		echo "peer = tls+tcp://$listen_host:$(peerbase "$i")"
		if [ "$mode" = compose ]; then
			echo "admin = ipc:///run/lk/admin.sock"
		else
			echo "admin = ipc://$dd/admin.sock"
		fi
		echo
		echo "[aggregator]"
		echo "cert = $tls/agg-client.crt"
		echo
		echo "[keys]"
		if [ "$mode" = compose ]; then
			# the compose file mounts each key as a secret by name
			echo "ake = $tls/ks$i-ake.key"
			echo "seal = $tls/ks$i-seal.key"
			echo "storage = $tls/ks$i-storage.key"
			echo "fake_seed = $tls/fake_seed"
		else
			echo "ake = $tls/keys/ks$i/ake.key"
			echo "seal = $tls/keys/ks$i/seal.key"
			echo "storage = $tls/keys/ks$i/storage.key"
			echo "fake_seed = $tls/keys/fake_seed"
		fi
		j=1
		while [ "$j" -le "$n" ]; do
			if [ "$j" -ne "$i" ]; then
				echo
				echo "[peer.$j]"
				echo "addr = tls+tcp://$(host "$j"):$(peerbase "$j")"
				echo "cert = $tls/ks$j.crt"
				echo "name = ks$j"
			fi
			j=$((j + 1))
		done
	} >"$out/ks$i.conf"
	i=$((i + 1))
done

if [ "$mode" = compose ]; then agg_listen="tls+tcp://0.0.0.0:7000"; else agg_listen="tls+tcp://127.0.0.1:$base"; fi
{
	echo "[aggregator]"
	echo "listen = $agg_listen"
	echo "log_level = info"
	echo
	echo "[cluster]"
	echo "n = $n"
	echo "t = $t"
	echo
	echo "[tls]"
	echo "cert = $tls/agg.crt"
	echo "key = $tls/agg.key"
	echo "client_cert = $tls/agg-client.crt"
	echo "client_key = $tls/agg-client.key"
	i=1
	while [ "$i" -le "$n" ]; do
		echo
		echo "[server.$i]"
		echo "addr = tls+tcp://$(host "$i"):$(aggport "$i")"
		echo "cert = $tls/ks$i.crt"
		echo "name = ks$i"
		i=$((i + 1))
	done
} >"$out/aggregator.conf"

# The client's view. In compose mode the host reaches the aggregator on the
# published port 127.0.0.1:7000 and checks its name against the dev CA.
{
	echo "[cluster]"
	echo "n = $n"
	echo "t = $t"
	if [ "$mode" = compose ]; then
		echo "aggregator = tls+tcp://127.0.0.1:7000"
	else
		echo "aggregator = tls+tcp://127.0.0.1:$base"
	fi
	echo "ca = $out/tls/ca.crt"
	echo "server_name = aggregator"
	echo "timeout_ms = 5000"
	echo "ksf_ops = ${ksf%,*}"
	echo "ksf_mem_kib = ${ksf#*,}"
	i=1
	while [ "$i" -le "$n" ]; do
		echo
		echo "[server.$i]"
		sed -n 's/^\(ake_pk\|seal_pk\) = /\1 = /p' "$keys/ks$i/public"
		i=$((i + 1))
	done
} >"$out/cluster.conf"
echo "mkcluster.sh: n=$n t=$t ($mode) in $out"
