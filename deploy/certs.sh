#!/bin/sh
# Makes the TLS material of a development cluster with openssl:
#   ca.crt/ca.key          a dev CA; it signs the aggregator's client-facing
#                          certificate, which clients check by name
#   agg.crt/agg.key        the aggregator's client-facing server certificate
#                          (names: aggregator, localhost, 127.0.0.1)
#   agg-client.crt/.key    the aggregator's own certificate towards the key
#                          servers (self-signed; each server pins it)
#   ks<i>.crt/ks<i>.key    key server i (self-signed; peers and the
#                          aggregator pin it: nng 1.5.2 cannot report a
#                          peer's name, so the certificate is the identity)
# Usage: certs.sh OUTDIR N [extra DNS name ...]
# Keys are P-256. Private keys are mode 600 unless LK_CERTS_MODE says
# otherwise (compose secrets are bind mounts; see notes/compose.md).
set -eu
out=${1:?usage: certs.sh OUTDIR N [dns...]}
n=${2:?usage: certs.sh OUTDIR N [dns...]}
shift 2
extra=""
for d in "$@"; do extra="$extra,DNS:$d"; done
days=825
mode=${LK_CERTS_MODE:-600}

case $n in '' | *[!0-9]*) echo "certs.sh: N must be a number" >&2; exit 2 ;; esac
if [ "$n" -lt 1 ] || [ "$n" -gt 16 ]; then
	echo "certs.sh: N must be in 1..16" >&2
	exit 2
fi
mkdir -p "$out"
umask 077

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

selfsigned() { # name file-prefix san
	key "$out/$2.key"
	openssl req -x509 -new -key "$out/$2.key" -days $days -subj "/CN=$1" \
		-addext "subjectAltName=$3" -addext "basicConstraints=critical,CA:FALSE" \
		-addext "keyUsage=critical,digitalSignature" \
		-addext "extendedKeyUsage=serverAuth,clientAuth" \
		-out "$out/$2.crt" 2>/dev/null
}

# dev CA
key "$out/ca.key"
openssl req -x509 -new -key "$out/ca.key" -days $days -subj "/CN=lk dev CA" \
	-addext "basicConstraints=critical,CA:TRUE" \
	-addext "keyUsage=critical,keyCertSign,cRLSign" \
	-out "$out/ca.crt" 2>/dev/null

# aggregator, client-facing: signed by the CA
key "$out/agg.key"
openssl req -new -key "$out/agg.key" -subj "/CN=aggregator" -out "$out/agg.csr" 2>/dev/null
printf 'subjectAltName=DNS:aggregator,DNS:localhost,IP:127.0.0.1%s\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n' "$extra" >"$out/agg.ext"
openssl x509 -req -in "$out/agg.csr" -CA "$out/ca.crt" -CAkey "$out/ca.key" \
	-CAcreateserial -days $days -extfile "$out/agg.ext" -out "$out/agg.crt" 2>/dev/null
rm -f "$out/agg.csr" "$out/agg.ext" "$out/ca.srl"

# aggregator towards the servers, and the servers: self-signed, pinned
selfsigned aggregator-client agg-client "DNS:aggregator-client"
i=1
while [ "$i" -le "$n" ]; do
	selfsigned "ks$i" "ks$i" "DNS:ks$i,DNS:localhost,IP:127.0.0.1$extra"
	i=$((i + 1))
done
chmod 644 "$out"/*.crt
chmod "$mode" "$out"/*.key
echo "certs.sh: wrote CA, aggregator and $n server certificates to $out"
