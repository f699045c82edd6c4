/* tpake benchmarks (single thread): server partial evaluation with its DLEQ
 * proof, server KE2 and KE3 handling, client combine + finalize with and
 * without the KSF, for (t, n) = (1,1), (2,3), (3,5); and the compute floor
 * from libsodium primitives measured in the same process.
 *
 * Every operation of a configuration and the primitives of the floor run
 * interleaved (ROUNDS slices of about SLICE_MS each), and each figure is
 * its median slice, so the floor ratio comes from the same time window.
 * TPAKE_PEER_LOGIN_OPS (serenity's server-side logins/s, measured by
 * test/bench/tpake_serenity.sh just before) adds the peer ratio. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "../../tpake/src/tpake_int.h"
#include "lk_common.h"
#include "tpake.h"

#define ROUNDS   15
#define SLICE_MS 25.0

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *) a, y = *(const double *) b;

	return x < y ? -1 : x > y;
}

typedef void (*op_fn)(void *ctx);

struct op {
	op_fn fn;
	void *ctx;
	unsigned long iters;
	double rate[ROUNDS];
	double ops; /* median ops/s */
};

/* Runs every op in slices of ~SLICE_MS, round-robin for ROUNDS rounds, and
 * keeps each op's median: load from other tenants then hits all ops of a
 * round alike, so ratios between them stay meaningful. */
static void
run_interleaved(struct op *ops, size_t nops)
{
	double t0, t;
	unsigned long n;
	size_t i;
	int r;

	for (i = 0; i < nops; i++) {
		ops[i].iters = 1;
		for (;;) {
			t0 = now();
			for (n = 0; n < ops[i].iters; n++)
				ops[i].fn(ops[i].ctx);
			t = now() - t0;
			if (t * 1000.0 >= SLICE_MS / 4
			    || ops[i].iters > (1ul << 24))
				break;
			ops[i].iters *= 2;
		}
		ops[i].iters = (unsigned long) ((double) ops[i].iters
		                   * (SLICE_MS / 1000.0) / t)
		    + 1;
	}
	for (r = 0; r < ROUNDS; r++) {
		for (i = 0; i < nops; i++) {
			t0 = now();
			for (n = 0; n < ops[i].iters; n++)
				ops[i].fn(ops[i].ctx);
			ops[i].rate[r] = (double) ops[i].iters / (now() - t0);
		}
	}
	for (i = 0; i < nops; i++) {
		qsort(ops[i].rate, ROUNDS, sizeof(double), cmp_double);
		ops[i].ops = ops[i].rate[ROUNDS / 2];
	}
}

static void
die(const char *what, int rv)
{
	fprintf(stderr, "bench_tpake: %s: %s\n", what, tpake_strerror(rv));
	exit(1);
}

/* ------------------------------------------------------------------ */
/* Primitive floor                                                    */
/* ------------------------------------------------------------------ */

struct prim {
	uint8_t s[32], p[32], out[64], key[64];
};

static void
op_var(void *c)
{
	struct prim *x = c;

	if (crypto_scalarmult_ristretto255(x->out, x->s, x->p) != 0)
		abort();
}

static void
op_fixed(void *c)
{
	struct prim *x = c;

	if (crypto_scalarmult_ristretto255_base(x->out, x->s) != 0)
		abort();
}

static void
op_hmac(void *c)
{
	struct prim *x = c;

	lk_hmac512(x->out, x->key, 64, x->out, 64);
}

/* ------------------------------------------------------------------ */
/* One configuration                                                  */
/* ------------------------------------------------------------------ */

struct cfg {
	uint8_t t, n;
	struct tpake_server_key key[TPAKE_MAX_SERVERS];
	struct tpake_user user[TPAKE_MAX_SERVERS];
	struct tpake_idents ids;
	struct tpake_bytes uid;
	struct tpake_login_params lp;
	/* A prepared login: client state, KE1, the first t replies. */
	struct tpake_client_login cst, cst_copy;
	uint8_t ke1[TPAKE_KE1_BYTES];
	uint8_t ke2[TPAKE_MAX_SERVERS][TPAKE_KE2_BYTES];
	uint8_t ext[TPAKE_MAX_SERVERS][TPAKE_EXT_BYTES(TPAKE_MAX_SERVERS)];
	size_t ext_len[TPAKE_MAX_SERVERS];
	struct tpake_reply rep[TPAKE_MAX_SERVERS];
	struct tpake_server_login sst[TPAKE_MAX_SERVERS], sst_copy;
	struct tpake_client_result res;
	/* Scratch for the ops. */
	uint8_t z[32], proof[64], aid[32], h[64], hedge[32];
};

static void
cfg_setup(struct cfg *c, uint8_t t, uint8_t n)
{
	struct tpake_deal_params p;
	struct tpake_element pks[TPAKE_MAX_SERVERS];
	struct tpake_blame bl;
	uint8_t *up, ek[64];
	size_t per = TPAKE_UPLOAD_BYTES(t), k;
	int rv;
	uint8_t i;

	memset(c, 0, sizeof(*c));
	c->t = t;
	c->n = n;
	c->uid = (struct tpake_bytes) { (const uint8_t *) "bench-user", 10 };
	memset(&p, 0, sizeof(p));
	p.t = t;
	p.n = n;
	p.ksf = (struct tpake_ksf) { TPAKE_KSF_IDENTITY, 0, 0 };
	for (i = 0; i < n; i++) {
		if ((rv = tpake_server_key_generate(&c->key[i], NULL)) != 0)
			die("keygen", rv);
		pks[i] = c->key[i].pk;
	}
	p.server_pk = pks;
	if ((up = malloc(per * n)) == NULL)
		exit(1);
	rv = tpake_client_register_deal(up, per * n, ek, NULL, &p,
	    (const uint8_t *) "bench password", 14, NULL);
	if (rv != 0)
		die("deal", rv);
	for (i = 0; i < n; i++) {
		rv = tpake_server_register_accept(
		    &c->user[i], NULL, up + per * i, per, i + 1, t, n);
		if (rv != 0)
			die("accept", rv);
	}
	free(up);
	c->lp.t = t;
	c->lp.n = n;
	c->lp.user_id = c->uid;
	c->lp.ksf = p.ksf;
	rv = tpake_client_login_start(
	    &c->cst, c->ke1, (const uint8_t *) "bench password", 14, NULL);
	if (rv != 0)
		die("login start", rv);
	for (k = 0; k < t; k++) {
		c->ext_len[k] = sizeof(c->ext[k]);
		rv = tpake_server_login_start(&c->sst[k], c->ke2[k], c->ext[k],
		    &c->ext_len[k], &c->key[k], &c->user[k], c->uid, c->ke1,
		    &c->ids, NULL);
		if (rv != 0)
			die("server start", rv);
		c->rep[k] = (struct tpake_reply) { (uint8_t) (k + 1), c->ke2[k],
			c->ext[k], c->ext_len[k], { NULL, 0 } };
	}
	c->cst_copy = c->cst;
	if ((rv = tpake_client_login_finish(
	         &c->cst_copy, &c->res, &bl, &c->lp, c->rep, t))
	    != 0)
		die("client finish", rv);
	tpake_attempt_id(c->aid, c->uid, c->ke1);
	tpake_commit_hash(c->h, c->user[0].commit, t, n);
	lk_random(c->hedge, 32);
}

/* Server: Z_i = k_i * B and (n > 1) its DLEQ proof. */
static void
op_partial(void *ctx)
{
	struct cfg *c = ctx;
	struct tpake_dleq_ctx d = { c->aid, c->h, c->t, c->n, 1 };

	if (tpake_mul(c->z, &c->user[0].share, c->ke1) != 0)
		abort();
	if (c->n > 1
	    && tpake_dleq_prove(
	           c->proof, &d, &c->user[0].share, c->ke1, c->z, c->hedge)
	        != 0)
		abort();
}

/* Server: KE1 -> KE2 (+ extension). */
static void
op_server_ke2(void *ctx)
{
	struct cfg *c = ctx;
	struct tpake_server_login st;
	uint8_t ke2[TPAKE_KE2_BYTES], ext[TPAKE_EXT_BYTES(TPAKE_MAX_SERVERS)];
	size_t extlen = sizeof(ext);

	if (tpake_server_login_start(&st, ke2, ext, &extlen, &c->key[0],
	        &c->user[0], c->uid, c->ke1, &c->ids, NULL)
	    != 0)
		abort();
	tpake_server_login_clear(&st);
}

/* Server: KE3 check. */
static void
op_server_ke3(void *ctx)
{
	struct cfg *c = ctx;
	uint8_t sk[64];

	c->sst_copy = c->sst[0];
	if (tpake_server_login_finish(&c->sst_copy, sk, c->res.ke3[0]) != 0)
		abort();
}

/* Client: verify t proofs, combine, finalize, open t envelopes, t 3DH. */
static void
op_client_finish(void *ctx)
{
	struct cfg *c = ctx;
	struct tpake_blame bl;

	c->cst_copy = c->cst;
	if (tpake_client_login_finish(
	        &c->cst_copy, &c->res, &bl, &c->lp, c->rep, c->t)
	    != 0)
		abort();
}

static void
op_client_start(void *ctx)
{
	struct tpake_client_login st;
	uint8_t ke1[96];

	if (tpake_client_login_start(
	        &st, ke1, (const uint8_t *) "bench password", 14, NULL)
	    != 0)
		abort();
	tpake_client_login_clear(&st);
}

int
main(void)
{
	static const uint8_t configs[3][2] = { { 1, 1 }, { 2, 3 }, { 3, 5 } };
	enum { VAR, FIXED, HMAC, PART, KE2, KE3, START, FIN, NOPS };
	struct cfg *c = malloc(sizeof(*c));
	struct prim pr;
	struct op ops[NOPS];
	const char *peer_env = getenv("TPAKE_PEER_LOGIN_OPS");
	double peer = peer_env != NULL ? atof(peer_env) : 0;
	double floor_us, floor_ops, ksf_ops, login, fin;
	struct tpake_ksf def = TPAKE_KSF_DEFAULT;
	uint8_t y[64], rwd[64];
	size_t i;
	int k;

	if (c == NULL || lk_init() != 0)
		return 1;
	crypto_core_ristretto255_scalar_random(pr.s);
	crypto_scalarmult_ristretto255_base(pr.p, pr.s);
	lk_random(pr.key, 64);
	memset(pr.out, 0, sizeof(pr.out));
	printf("tpake bench: single thread; each figure is the median of %d "
	       "interleaved slices of ~%.0f ms\n",
	    ROUNDS, SLICE_MS);
	if (peer > 0)
		printf("peer: @serenity-kit/opaque server login (startLogin + "
		       "finishLogin) %.0f ops/s, measured in this run\n",
		    peer);
	else
		printf("peer: not given here (test/bench/tpake_serenity.sh "
		       "measures it and sets TPAKE_PEER_LOGIN_OPS)\n");

	/* Warm-up: clocks and caches settle before the first figure. */
	ops[0] = (struct op) { op_var, &pr, 0, { 0 }, 0 };
	run_interleaved(ops, 1);
	for (i = 0; i < 3; i++) {
		cfg_setup(c, configs[i][0], configs[i][1]);
		ops[VAR] = (struct op) { op_var, &pr, 0, { 0 }, 0 };
		ops[FIXED] = (struct op) { op_fixed, &pr, 0, { 0 }, 0 };
		ops[HMAC] = (struct op) { op_hmac, &pr, 0, { 0 }, 0 };
		ops[PART] = (struct op) { op_partial, c, 0, { 0 }, 0 };
		ops[KE2] = (struct op) { op_server_ke2, c, 0, { 0 }, 0 };
		ops[KE3] = (struct op) { op_server_ke3, c, 0, { 0 }, 0 };
		ops[START] = (struct op) { op_client_start, c, 0, { 0 }, 0 };
		ops[FIN] = (struct op) { op_client_finish, c, 0, { 0 }, 0 };
		run_interleaved(ops, NOPS);
		/* Floor of one threshold login per server (baselines 4.1):
		 * partial (1 var) + Chaum-Pedersen proof (1 fixed + 1 var) +
		 * 3DH (1 fixed keygen + 3 var) + about 12 HMAC-SHA512. */
		floor_us = 1e6
		    * (5 / ops[VAR].ops + 2 / ops[FIXED].ops
		        + 12 / ops[HMAC].ops);
		floor_ops = 1e6 / floor_us;
		login = 1.0 / (1.0 / ops[KE2].ops + 1.0 / ops[KE3].ops);
		printf("\n(t,n) = (%u,%u)\n", c->t, c->n);
		printf("  primitives: var-base mult %.1f us, fixed-base %.1f "
		       "us, HMAC-SHA512 %.2f us; floor %.0f us = %.0f "
		       "logins/s\n",
		    1e6 / ops[VAR].ops, 1e6 / ops[FIXED].ops,
		    1e6 / ops[HMAC].ops, floor_us, floor_ops);
#define ROW(name, x) \
	printf("  %-36s %12.0f ops/s %10.1f us\n", name, x, 1e6 / (x))
		ROW(c->n > 1 ? "server partial eval + DLEQ proof"
		             : "server OPRF evaluation (no proof)",
		    ops[PART].ops);
		ROW("server KE1 -> KE2", ops[KE2].ops);
		ROW("server KE3 check", ops[KE3].ops);
		ROW("server login (KE2 + KE3)", login);
		ROW("client start (KE1)", ops[START].ops);
		ROW("client combine+finalize, no KSF", ops[FIN].ops);
#undef ROW
		printf("  => server logins/s per core: %.0f (%.2fx the floor's "
		       "rate",
		    login, login / floor_ops);
		if (peer > 0)
			printf("; %.2fx serenity's %.0f/s", login / peer, peer);
		printf(")\n");
	}
	/* The KSF dominates the client: one Argon2id (3 passes, 64 MiB) per
	 * login whatever t is. */
	lk_random(y, 64);
	{
		double t0 = now();

		for (k = 0; k < 3; k++)
			if (tpake_ksf_rwd(rwd, y, &def) != 0)
				die("ksf", TPAKE_EKSF);
		ksf_ops = 3 / (now() - t0);
	}
	printf("\nclient finish with Argon2id (3 passes, 64 MiB, p=1; %.1f "
	       "ms each):\n",
	    1e3 / ksf_ops);
	for (i = 0; i < 3; i++) {
		cfg_setup(c, configs[i][0], configs[i][1]);
		ops[0] = (struct op) { op_client_finish, c, 0, { 0 }, 0 };
		run_interleaved(ops, 1);
		fin = 1.0 / (1.0 / ops[0].ops + 1.0 / ksf_ops);
		printf("  (%u,%u) client combine+finalize with KSF %8.1f "
		       "ops/s %10.1f ms\n",
		    c->t, c->n, fin, 1e3 / fin);
	}
	lk_wipe(c, sizeof(*c));
	free(c);
	return 0;
}
