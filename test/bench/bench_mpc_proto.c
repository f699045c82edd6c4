/* Protocol benchmarks of mpc/ (docs/BENCHMARKS-mpc.md §7): DKG, aux-info,
 * presign, sign and combine for (2,3) and (3,5) at the default level
 * (3072-bit N), run on the in-process network of mpc-demo. Every party's
 * work is measured separately (thread CPU time around its calls) with the
 * bytes it sends. Presign is measured twice: computing every Paillier
 * nonce on the spot, and with nonces drawn from a pool filled beforehand
 * (the offline cost of filling it is reported apart). Figures are printed
 * beside Fireblocks mpc-lib's (notes/tecdsa.md §3.1, measured on this kind
 * of VM: 2048-bit N, n-of-n, all parties in one thread).
 *
 * Keys come from the safe-prime fixtures (no prime generation).
 * MPC_BENCH_QUICK=1 shortens the run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../mpc/demo/sim.h"
#include "lk_common.h"
#include "mpc.h"

static int quick;

static int
cmpd(const void *a, const void *b)
{
	double x = *(const double *) a, y = *(const double *) b;

	return x < y ? -1 : x > y;
}

static double
median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmpd);
	return n == 0 ? 0 : v[n / 2];
}

static void
die(const char *what, int rv)
{
	fprintf(stderr, "bench_mpc_proto: %s: %s (%d)\n", what,
	    mpc_strerror(rv), rv);
	exit(1);
}

static size_t
load_primes(mpz_t *out, size_t n)
{
	const char *dir = getenv("MPC_VECTORS");
	char path[512], line[4096];
	size_t got = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/mpc_safe_primes_1536.txt",
	    dir ? dir : "test/vectors");
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	while (got < n && fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\r\n")] = 0;
		if (line[0] == '#' || line[0] == 0)
			continue;
		if (mpz_set_str(out[got], line, 16) == 0)
			got++;
	}
	fclose(f);
	return got;
}

/* ---- a nonce pool: pairs (rho, rho^N) computed ahead of time ---- */
struct pool {
	mpz_t *rho, *rn;
	size_t cap, n, next, misses;
};

static int
pool_src(void *arg, const struct mpc_paillier_pk *pk, mpz_ptr rho, mpz_ptr rn)
{
	struct pool *p = arg;

	(void) pk;
	if (p->next >= p->n) {
		p->misses++;
		return 1;
	}
	mpz_set(rho, p->rho[p->next]);
	mpz_set(rn, p->rn[p->next]);
	p->next++;
	return 0;
}

static void
pool_init(struct pool *p, size_t cap)
{
	size_t i;

	memset(p, 0, sizeof(*p));
	p->cap = cap;
	p->rho = calloc(cap, sizeof(mpz_t));
	p->rn = calloc(cap, sizeof(mpz_t));
	if (p->rho == NULL || p->rn == NULL)
		die("pool", MPC_ENOMEM);
	for (i = 0; i < cap; i++)
		mpz_inits(p->rho[i], p->rn[i], NULL);
}

static void
pool_fill(struct pool *p, const struct mpc_paillier_pk *pk, size_t k)
{
	int rv;

	p->n = p->next = 0;
	for (; p->n < k && p->n < p->cap; p->n++)
		if ((rv = mpc_paillier_nonce_gen(pk, p->rho[p->n], p->rn[p->n]))
		    != 0)
			die("nonce", rv);
}

static void
pool_free(struct pool *p)
{
	size_t i;

	for (i = 0; i < p->cap; i++)
		mpz_clears(p->rho[i], p->rn[i], NULL);
	free(p->rho);
	free(p->rn);
}

struct fig {
	double cpu; /* seconds per party (mean over parties) */
	double worst; /* slowest party */
	double bytes; /* bytes sent per party (mean) */
};

static void
collect(const struct sim *s, const uint32_t *who, size_t k, struct fig *f)
{
	size_t i;

	f->cpu = f->worst = f->bytes = 0;
	for (i = 0; i < k; i++) {
		f->cpu += s->cpu[who[i]];
		f->bytes += (double) s->bytes[who[i]];
		if (s->cpu[who[i]] > f->worst)
			f->worst = s->cpu[who[i]];
	}
	f->cpu /= (double) k;
	f->bytes /= (double) k;
}

static void
zero(struct sim *s)
{
	memset(s->cpu, 0, sizeof(s->cpu));
	memset(s->bytes, 0, sizeof(s->bytes));
	memset(s->msgs, 0, sizeof(s->msgs));
}

static void
row(const char *what, const struct fig *f, const char *peer)
{
	printf("| %-34s | %9.3f | %9.3f | %8.2f | %s |\n", what, f->cpu * 1e3,
	    f->worst * 1e3, f->bytes / 1024.0, peer);
}

static void
config(struct mpc_ctx *ctx, uint32_t t, uint32_t n, mpz_t *primes,
    const char *mpclib_presign, const char *mpclib_keygen,
    const char *mpclib_sign, double mpclib_presign_s)
{
	struct mpc_keyshare *ks[MPC_MAX_PARTIES] = { 0 };
	struct mpc_aux *aux[MPC_MAX_PARTIES] = { 0 };
	struct mpc_paillier_sk *sks[MPC_MAX_PARTIES];
	struct mpc_presig *ps[MPC_MAX_PARTIES] = { 0 };
	struct pool pools[MPC_MAX_PARTIES][MPC_MAX_PARTIES];
	uint32_t set[MPC_MAX_PARTIES], all[MPC_MAX_PARTIES], i, j;
	int runs = quick ? 2 : (n <= 3 ? 7 : 5), r;
	double vcpu[16], vworst[16], vbytes[16], voff[16], vsign[16], vcomb[16];
	struct fig dkg, auxf, pre, pre_pool, f;
	uint8_t hash[32], key_id[32];
	struct mpc_signature sig;
	struct mpc_blame b;
	struct sim s;
	int rv;

	printf("\n## (%u,%u): %u signers\n\n", t, n, t);
	printf("| operation (per party) | CPU ms, mean | CPU ms, slowest | KiB "
	       "sent | mpc-lib (2048-bit N, notes §3.1) |\n");
	printf("|---|---|---|---|---|\n");
	for (i = 0; i < n; i++)
		all[i] = i;
	for (i = 0; i < t; i++)
		set[i] = i;
	if ((rv = sim_init(&s, ctx, n, 1000 + n, 0)) != 0)
		die("sim", rv);

	/* DKG */
	for (r = 0; r < runs; r++) {
		struct mpc_keyshare *tmp[MPC_MAX_PARTIES];
		zero(&s);
		if ((rv = sim_dkg(&s, t, "bench-dkg", tmp)) != 0)
			die("dkg", rv);
		collect(&s, all, n, &f);
		vcpu[r] = f.cpu;
		vworst[r] = f.worst;
		vbytes[r] = f.bytes;
		for (i = 0; i < n; i++) {
			if (r == 0)
				ks[i] = tmp[i];
			else
				mpc_keyshare_free(tmp[i]);
		}
	}
	dkg.cpu = median(vcpu, (size_t) runs);
	dkg.worst = median(vworst, (size_t) runs);
	dkg.bytes = median(vbytes, (size_t) runs);
	row("DKG (4 rounds)", &dkg, mpclib_keygen);

	/* aux-info, once (Pi^prm and Pi^mod dominate; primes excluded) */
	zero(&s);
	for (i = 0; i < n; i++)
		if ((rv = mpc_paillier_sk_from_primes(
		         &sks[i], primes[2 * i], primes[2 * i + 1]))
		    != 0)
			die("paillier", rv);
	if ((rv = sim_aux(&s, sks, "bench-aux", aux)) != 0)
		die("aux", rv);
	collect(&s, all, n, &auxf);
	row("aux-info (primes excluded)", &auxf, mpclib_keygen);

	/* presign, nonces computed on the spot */
	lk_random(hash, sizeof(hash));
	mpc_keyshare_key_id(ks[0], key_id);
	for (r = 0; r < runs; r++) {
		zero(&s);
		if ((rv = sim_presign(&s, ks, aux, set, t, "bench-ps", ps))
		    != 0)
			die("presign", rv);
		collect(&s, set, t, &f);
		vcpu[r] = f.cpu;
		vworst[r] = f.worst;
		vbytes[r] = f.bytes;
		/* sign: consume + partial per signer; combine */
		zero(&s);
		{
			struct mpc_partial parts[MPC_MAX_PARTIES];
			struct mpc_presig_token tok;
			double t0;
			for (i = 0; i < t; i++) {
				t0 = sim_cpu_now();
				if ((rv = mpc_presig_consume(
				         ps[i], ks[i], &tok))
				        != 0
				    || (rv = mpc_sign_partial(
				            &parts[i], &tok, hash, NULL))
				        != 0)
					die("sign", rv);
				sim_charge(&s, i, t0);
			}
			collect(&s, set, t, &f);
			vsign[r] = f.cpu;
			t0 = sim_cpu_now();
			if ((rv = mpc_combine(ctx, &sig, &b,
			         mpc_presig_public(ps[0]), key_id, 0, hash,
			         NULL, parts, t))
			    != 0)
				die("combine", rv);
			vcomb[r] = sim_cpu_now() - t0;
		}
		for (i = 0; i < t; i++) {
			mpc_presig_free(ps[i]);
			ps[i] = NULL;
		}
	}
	pre.cpu = median(vcpu, (size_t) runs);
	pre.worst = median(vworst, (size_t) runs);
	pre.bytes = median(vbytes, (size_t) runs);
	row("presign, nonces on the spot", &pre, mpclib_presign);

	/* presign with a nonce pool per key, filled beforehand */
	for (i = 0; i < t; i++)
		for (j = 0; j < n; j++) {
			pool_init(&pools[i][j], 8 + 8 * t);
			mpc_paillier_pk_set_nonce_source(
			    mpc_aux_paillier_pk(aux[i], j), pool_src,
			    &pools[i][j]);
		}
	for (r = 0; r < runs; r++) {
		double off = 0;
		for (i = 0; i < t; i++) {
			double t0 = sim_cpu_now();
			for (j = 0; j < t; j++) {
				/* own key: K, G, and 7 per peer; a peer's: 4 */
				size_t k = j == i ? 2 + 7 * (t - 1) : 4;
				pool_fill(&pools[i][set[j]],
				    mpc_aux_paillier_pk(aux[i], set[j]), k);
			}
			off += sim_cpu_now() - t0;
		}
		voff[r] = off / t;
		zero(&s);
		if ((rv = sim_presign(&s, ks, aux, set, t, "bench-ps2", ps))
		    != 0)
			die("presign (pool)", rv);
		collect(&s, set, t, &f);
		vcpu[r] = f.cpu;
		vworst[r] = f.worst;
		vbytes[r] = f.bytes;
		for (i = 0; i < t; i++) {
			mpc_presig_free(ps[i]);
			ps[i] = NULL;
		}
	}
	for (i = 0; i < t; i++)
		for (j = 0; j < n; j++)
			if (pools[i][j].misses != 0)
				die("nonce pool too small", MPC_EEMPTY);
	pre_pool.cpu = median(vcpu, (size_t) runs);
	pre_pool.worst = median(vworst, (size_t) runs);
	pre_pool.bytes = median(vbytes, (size_t) runs);
	row("presign online (nonce pool)", &pre_pool, mpclib_presign);
	f.cpu = f.worst = median(voff, (size_t) runs);
	f.bytes = 0;
	row("presign offline: filling the pool", &f, "(none: online)");
	f.cpu = pre_pool.cpu + median(voff, (size_t) runs);
	f.worst = pre_pool.worst + median(voff, (size_t) runs);
	f.bytes = pre_pool.bytes;
	row("presign total with pool", &f, mpclib_presign);
	f.cpu = f.worst = median(vsign, (size_t) runs);
	f.bytes = sizeof(struct mpc_partial);
	row("sign (consume + partial)", &f, mpclib_sign);
	f.cpu = f.worst = median(vcomb, (size_t) runs);
	f.bytes = 0;
	row("combine (aggregator, verifies)", &f, mpclib_sign);
	printf("\nRatio to mpc-lib per-party presign (%.2f s): on the spot "
	       "%.2f, online with pool %.2f, total with pool %.2f.\n",
	    mpclib_presign_s, pre.cpu / mpclib_presign_s,
	    pre_pool.cpu / mpclib_presign_s,
	    (pre_pool.cpu + median(voff, (size_t) runs)) / mpclib_presign_s);

	for (i = 0; i < t; i++)
		for (j = 0; j < n; j++) {
			mpc_paillier_pk_set_nonce_source(
			    mpc_aux_paillier_pk(aux[i], j), NULL, NULL);
			pool_free(&pools[i][j]);
		}
	for (i = 0; i < n; i++) {
		mpc_keyshare_free(ks[i]);
		mpc_aux_free(aux[i]);
	}
	sim_clear(&s);
}

int
main(void)
{
	struct mpc_ctx *ctx;
	mpz_t primes[10];
	size_t i;
	int rv;

	quick = getenv("MPC_BENCH_QUICK") != NULL;
	if (lk_init() != 0)
		return 1;
	mpc_init();
	if (getenv("MPC_ACCEL") != NULL
	    && strcmp(getenv("MPC_ACCEL"), "0") == 0)
		mpc_accel_set(0);
	if ((rv = mpc_ctx_new(&ctx)) != 0)
		die("ctx", rv);
	for (i = 0; i < 10; i++)
		mpz_init(primes[i]);
	if (load_primes(primes, 10) != 10) {
		fprintf(stderr, "bench_mpc_proto: test/vectors missing\n");
		return 1;
	}
	printf("# mpc/ protocols: per-party CPU (thread time) and bytes sent; "
	       "N = 3072 bits%s\n",
	    quick ? " (quick run)" : "");
	printf("# exponentiation engine: %s\n",
	    mpc_accel_active()
	        ? "AVX-512 IFMA (m52.c)"
	        : "OpenSSL (no IFMA on this CPU, or MPC_ACCEL=0)");
	config(ctx, 2, 3, primes, "0.25 s/presig/party (2-of-2, batch of 10)",
	    "keygen 2-of-2: 1.4-1.95 s, primes incl.",
	    "16-24 ms per signature (2 parties, incl. combine)", 0.25);
	config(ctx, 3, 5, primes, "0.5 s/presig/party (3-of-3, batch of 10)",
	    "keygen 3-of-3: 1.7-1.97 s, primes incl.",
	    "34 ms per signature (3 parties, incl. combine)", 0.5);
	for (i = 0; i < 10; i++)
		mpz_clear(primes[i]);
	mpc_ctx_free(ctx);
	return 0;
}
