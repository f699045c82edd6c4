#!/bin/sh
# Installs the Debian packages the build and the tests need, only when some
# are missing (`apt-get update` runs only then), plus the pinned npm packages
# of the interop tests. Idempotent; safe to run on every `make test`.
set -eu

PKGS="gcc make pkg-config clang libclang-rt-14-dev clang-format cppcheck valgrind
libsodium-dev libsecp256k1-dev libgmp-dev libssl-dev openssl libnng-dev
liblmdb-dev lmdb-utils check libsubunit-dev libinih-dev libjson-c-dev
iproute2 nftables procps psmisc git ca-certificates gdb"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	missing="$missing nodejs npm"
fi

if [ -n "$missing" ]; then
	echo "deps: installing:$missing"
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO="sudo"
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -qq
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -qq --no-install-recommends $missing
else
	echo "deps: all Debian packages present"
fi

# npm packages pinned in package.json/package-lock.json (no download
# addresses are recorded in the lockfile).
for dir in test/interop; do
	if [ -f "$dir/package.json" ] && [ ! -d "$dir/node_modules" ]; then
		echo "deps: npm ci in $dir"
		(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
	fi
done
