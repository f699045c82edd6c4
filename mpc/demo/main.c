/* mpc-demo: runs DKG -> aux-info -> presign -> sign for t-of-n parties on
 * an in-process simulated network and prints one JSON object:
 *
 *   {"t":..,"n":..,"signers":[..],"pubkey":"<33-byte hex>","hash":"<hex>",
 *    "r":"<hex>","s":"<hex>","recid":0..3}
 *
 * so that any outside tool can verify the signature. With --path the key is
 * the BIP32 non-hardened child (also printed: "path", "master_pubkey").
 *
 * Paillier keys: by default from the safe primes of
 * test/vectors/mpc_safe_primes_1536.txt (public fixtures: a demo only, not
 * secure); --gen-primes generates fresh ones (minutes for n = 5). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "lk_common.h"
#include "mpc.h"
#include "sim.h"

static void
usage(void)
{
	fprintf(stderr,
	    "usage: mpc-demo -t T -n N -m HASH_HEX [--path m/0/1] "
	    "[--signers i,j,..] [--primes FILE | --gen-primes] [--seed S]\n");
	exit(2);
}

static int
load_primes(const char *file, mpz_t *out, size_t n)
{
	char line[4096];
	size_t got = 0;
	FILE *f = fopen(file, "r");

	if (f == NULL)
		return -1;
	while (got < n && fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\r\n")] = 0;
		if (line[0] == '#' || line[0] == 0)
			continue;
		if (mpz_set_str(out[got], line, 16) != 0)
			break;
		got++;
	}
	fclose(f);
	return got == n ? 0 : -1;
}

static void
hex(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		printf("%02x", p[i]);
}

static int
fail(const char *what, int rv)
{
	fprintf(stderr, "mpc-demo: %s: %s (%d)\n", what, mpc_strerror(rv), rv);
	return 1;
}

int
main(int argc, char **argv)
{
	const char *primes = "test/vectors/mpc_safe_primes_1536.txt";
	const char *hashhex = NULL, *pathstr = NULL, *signstr = NULL;
	uint32_t t = 0, n = 0, signers[MPC_MAX_PARTIES],
	         path[MPC_BIP32_MAX_DEPTH];
	struct mpc_keyshare *ks[MPC_MAX_PARTIES] = { 0 };
	struct mpc_aux *aux[MPC_MAX_PARTIES] = { 0 };
	struct mpc_presig *ps[MPC_MAX_PARTIES] = { 0 };
	struct mpc_paillier_sk *sks[MPC_MAX_PARTIES] = { 0 };
	mpz_t pr[2 * MPC_MAX_PARTIES];
	uint8_t hash[32], pub[33], cc[32];
	struct mpc_derivation der, *d = NULL;
	struct mpc_signature sig;
	struct mpc_blame b;
	struct mpc_ctx *ctx;
	struct sim s;
	size_t depth = 0, i, ns = 0;
	uint64_t seed = 0;
	int gen = 0, rv;

	for (i = 1; i < (size_t) argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < (size_t) argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--gen-primes") == 0) {
			gen = 1;
			continue;
		}
		if (v == NULL)
			usage();
		if (strcmp(a, "-t") == 0)
			t = (uint32_t) strtoul(v, NULL, 10);
		else if (strcmp(a, "-n") == 0)
			n = (uint32_t) strtoul(v, NULL, 10);
		else if (strcmp(a, "-m") == 0)
			hashhex = v;
		else if (strcmp(a, "--path") == 0)
			pathstr = v;
		else if (strcmp(a, "--signers") == 0)
			signstr = v;
		else if (strcmp(a, "--primes") == 0)
			primes = v;
		else if (strcmp(a, "--seed") == 0)
			seed = strtoull(v, NULL, 10);
		else
			usage();
		i++;
	}
	if (n < 1 || n > MPC_MAX_PARTIES || t < 1 || t > n || hashhex == NULL)
		usage();
	if (lk_init() != 0)
		return 1;
	mpc_init();
	if (lk_hex_decode_exact(hash, sizeof(hash), hashhex) != 0) {
		fprintf(stderr, "mpc-demo: -m needs 64 hex digits\n");
		return 2;
	}
	if (pathstr != NULL
	    && (rv = mpc_bip32_parse_path(path, &depth, pathstr)) != 0)
		return fail("--path", rv);
	if (signstr != NULL) {
		const char *p = signstr;
		while (*p != 0 && ns < MPC_MAX_PARTIES) {
			char *e;
			unsigned long v = strtoul(p, &e, 10);
			if (e == p || v >= n
			    || (ns > 0 && v <= signers[ns - 1]))
				usage();
			signers[ns++] = (uint32_t) v;
			p = *e == ',' ? e + 1 : e;
			if (*e != ',' && *e != 0)
				usage();
		}
		if (ns != t) {
			fprintf(stderr,
			    "mpc-demo: need exactly t ascending signers\n");
			return 2;
		}
	} else {
		for (ns = 0; ns < t; ns++)
			signers[ns] = (uint32_t) ns;
	}
	if ((rv = mpc_ctx_new(&ctx)) != 0)
		return fail("context", rv);
	if (seed == 0)
		randombytes_buf(&seed, sizeof(seed));
	if ((rv = sim_init(&s, ctx, n, seed | 1, 0)) != 0)
		return fail("network", rv);

	for (i = 0; i < 2 * n; i++)
		mpz_init(pr[i]);
	if (!gen && load_primes(primes, pr, 2 * n) != 0) {
		fprintf(stderr, "mpc-demo: %s has no %u primes; generating\n",
		    primes, 2 * n);
		gen = 1;
	}
	if (gen) {
		fprintf(
		    stderr, "mpc-demo: generating %u safe primes...\n", 2 * n);
		for (i = 0; i < 2 * n; i++)
			if ((rv = mpc_safe_prime_gen(
			         pr[i], MPC_PRIME_BITS, NULL))
			    != 0)
				return fail("prime generation", rv);
	} else {
		fprintf(stderr,
		    "mpc-demo: Paillier keys from the public test fixtures "
		    "(%s): a demo, NOT secure\n",
		    primes);
	}
	for (i = 0; i < n; i++)
		if ((rv = mpc_paillier_sk_from_primes(
		         &sks[i], pr[2 * i], pr[2 * i + 1]))
		    != 0)
			return fail("Paillier key", rv);

	fprintf(stderr, "mpc-demo: DKG (%u-of-%u)\n", t, n);
	if ((rv = sim_dkg(&s, t, "mpc-demo/dkg", ks)) != 0)
		return fail("DKG", rv);
	fprintf(stderr, "mpc-demo: aux-info\n");
	if ((rv = sim_aux(&s, sks, "mpc-demo/aux", aux)) != 0)
		return fail("aux-info", rv);
	fprintf(stderr, "mpc-demo: presign\n");
	if ((rv = sim_presign(&s, ks, aux, signers, t, "mpc-demo/presign", ps))
	    != 0)
		return fail("presign", rv);
	mpc_keyshare_pubkey(ks[0], pub);
	mpc_keyshare_chaincode(ks[0], cc);
	if (pathstr != NULL) {
		if ((rv = mpc_bip32_derive(ctx, &der, pub, cc, path, depth))
		    != 0)
			return fail("derivation", rv);
		d = &der;
	}
	fprintf(stderr, "mpc-demo: sign\n");
	if ((rv = sim_sign(&s, ps, ks, signers, t, hash, d, &sig, &b)) != 0) {
		if (rv == MPC_EABORT)
			fprintf(stderr, "mpc-demo: blame party %u reason %u\n",
			    b.party, b.reason);
		return fail("sign", rv);
	}

	printf("{\"t\":%u,\"n\":%u,\"signers\":[", t, n);
	for (i = 0; i < t; i++)
		printf("%s%u", i ? "," : "", signers[i]);
	printf("],\"pubkey\":\"");
	hex(d != NULL ? der.pubkey : pub, 33);
	printf("\",\"hash\":\"");
	hex(hash, 32);
	printf("\",\"r\":\"");
	hex(sig.r, 32);
	printf("\",\"s\":\"");
	hex(sig.s, 32);
	printf("\",\"recid\":%d", sig.recid);
	if (d != NULL) {
		printf(",\"path\":\"%s\",\"master_pubkey\":\"", pathstr);
		hex(pub, 33);
		printf("\"");
	}
	printf("}\n");

	for (i = 0; i < n; i++) {
		mpc_keyshare_free(ks[i]);
		mpc_aux_free(aux[i]);
		mpz_clear(pr[2 * i]);
		mpz_clear(pr[2 * i + 1]);
	}
	for (i = 0; i < t; i++)
		mpc_presig_free(ps[i]);
	sim_clear(&s);
	mpc_ctx_free(ctx);
	return 0;
}
