/* Pi^mod: N is a Paillier-Blum modulus (CGGMP21 Fig. 16).
 * Public w with Jacobi(w|N) = -1; challenges y_k in Z_N from the
 * transcript; responses x_k (a fourth root of (-1)^a_k w^b_k y_k) and
 * z_k = y_k^(N^-1 mod phi(N)). The verifier also rejects an even or prime
 * N. Soundness error 2^-MPC_M_MOD. */
#include <stdlib.h>
#include <string.h>

#include "mpc_int.h"

#define MOD_TAG "LK-MPC-ZK/mod/v1"

void
mpc_zk_mod_proof_init(struct mpc_zk_mod_proof *pf)
{
	int i;

	mpz_init(pf->w);
	for (i = 0; i < MPC_M_MOD; i++) {
		mpz_init(pf->x[i]);
		mpz_init(pf->z[i]);
		pf->a[i] = pf->b[i] = 0;
	}
}

void
mpc_zk_mod_proof_clear(struct mpc_zk_mod_proof *pf)
{
	int i;

	mpz_clear(pf->w);
	for (i = 0; i < MPC_M_MOD; i++) {
		mpz_clear(pf->x[i]);
		mpz_clear(pf->z[i]);
	}
}

void
zk_mod_challenges(const struct mpc_zk_sess *sess, mpz_srcptr n, mpz_srcptr w,
    mpz_t y[MPC_M_MOD])
{
	struct lk_transcript t, tk;
	size_t bits = mpz_sizeinbase(n, 2), nb = (bits + 7) / 8;
	uint8_t *buf = malloc(nb);
	uint64_t k, j;

	if (buf == NULL)
		abort();
	zk_ts_start(&t, MOD_TAG, sess);
	ts_bn(&t, "N", n);
	ts_bn(&t, "w", w);
	for (k = 0; k < MPC_M_MOD; k++) {
		/* y_k uniform in [0, N) by rejection on a counter */
		for (j = 0;; j++) {
			tk = t;
			lk_transcript_append_u64(&tk, "k", k);
			lk_transcript_append_u64(&tk, "try", j);
			lk_transcript_challenge(&tk, "y", buf, nb);
			if (bits % 8 != 0)
				buf[0] &= (uint8_t) ((1u << (bits % 8)) - 1);
			mpz_import(y[k], nb, 1, 1, 1, 0, buf);
			if (mpz_cmp(y[k], n) < 0)
				break;
		}
	}
	lk_transcript_clear(&t);
	lk_transcript_clear(&tk);
	free(buf);
}

/* Legendre symbol of y mod an own prime p = 3 mod 4, constant time:
 * r = y^((p+1)/4); y is a residue iff r^2 = y. Returns 1 or -1 (0 if
 * p | y). */
static int
legendre_ct(const struct mx *xp, mpz_srcptr y, mpz_srcptr e14, int *out)
{
	mpz_t b, r;
	int rv;

	mpz_inits(b, r, NULL);
	mpz_mod(b, y, xp->m);
	if ((rv = mx_powm_sec(xp, r, b, e14)) == 0) {
		mpz_mul(r, r, r);
		mpz_mod(r, r, xp->m);
		/* the symbol becomes public through (a_k, b_k) */
		*out = mpz_sgn(b) == 0 ? 0 : (mpz_cmp(r, b) == 0 ? 1 : -1);
	}
	mpz_clears(b, r, NULL);
	return rv;
}

int
mpc_zk_mod_prove(struct mpc_ctx *ctx, struct mpc_zk_mod_proof *pf,
    const struct mpc_zk_sess *sess, const struct mpc_paillier_sk *sk)
{
	mpz_t y[MPC_M_MOD], e14p, e14q, e4p, e4q, yy, xp, xq, t;
	int lpw, lqw, lpy, lqy, k, rv = 0, a, b;

	ARG_CHECK(ctx != NULL && pf != NULL && sk != NULL
	    && zk_sess_check(sess) == 0);
	mpz_inits(e14p, e14q, e4p, e4q, yy, xp, xq, t, NULL);
	for (k = 0; k < MPC_M_MOD; k++)
		mpz_init(y[k]);
	/* (p+1)/4 and ((p+1)/4)^2 mod (p-1): square root and fourth root
	 * exponents for Blum primes */
	mpz_add_ui(e14p, sk->p, 1);
	mpz_fdiv_q_2exp(e14p, e14p, 2);
	mpz_mul(e4p, e14p, e14p);
	mpz_mod(e4p, e4p, sk->pm1);
	mpz_add_ui(e14q, sk->q, 1);
	mpz_fdiv_q_2exp(e14q, e14q, 2);
	mpz_mul(e4q, e14q, e14q);
	mpz_mod(e4q, e4q, sk->qm1);
	/* w: a public unit with Jacobi symbol -1 */
	do
		mpc_bn_random_unit(pf->w, sk->pk.n);
	while (mpz_jacobi(pf->w, sk->pk.n) != -1);
	if ((rv = legendre_ct(&sk->xp, pf->w, e14p, &lpw)) != 0
	    || (rv = legendre_ct(&sk->xq, pf->w, e14q, &lqw)) != 0)
		goto out;
	zk_mod_challenges(sess, sk->pk.n, pf->w, y);
	for (k = 0; k < MPC_M_MOD; k++) {
		if ((rv = legendre_ct(&sk->xp, y[k], e14p, &lpy)) != 0
		    || (rv = legendre_ct(&sk->xq, y[k], e14q, &lqy)) != 0)
			goto out;
		if (lpy == 0 || lqy == 0) { /* y shares a factor with N */
			rv = MPC_EPRIME;
			goto out;
		}
		/* choose a, b with (-1)^a w^b y a residue mod p and mod q
		 * (-1 is a non-residue mod Blum primes) */
		b = (lpy * lqy == 1) ? 0 : 1;
		lpy *= b ? lpw : 1;
		a = lpy == 1 ? 0 : 1;
		pf->a[k] = (uint8_t) a;
		pf->b[k] = (uint8_t) b;
		mpz_set(yy, y[k]);
		if (b)
			mpz_mul(yy, yy, pf->w);
		if (a)
			mpz_neg(yy, yy);
		mpz_mod(yy, yy, sk->pk.n);
		/* x = yy^(((p+1)/4)^2) mod p and mod q */
		mpz_mod(t, yy, sk->p);
		if ((rv = mx_powm_sec(&sk->xp, xp, t, e4p)) != 0)
			goto out;
		mpz_mod(t, yy, sk->q);
		if ((rv = mx_powm_sec(&sk->xq, xq, t, e4q)) != 0)
			goto out;
		paillier_crt_n(sk, pf->x[k], xp, xq);
		if ((rv = paillier_powm_n_crt(
		         sk, pf->z[k], y[k], sk->ninv_p, sk->ninv_q))
		    != 0)
			goto out;
	}
out:
	for (k = 0; k < MPC_M_MOD; k++)
		mpz_clear(y[k]);
	mpz_clears(e14p, e14q, e4p, e4q, yy, xp, xq, t, NULL);
	return rv;
}

int
zk_mod_verify_n(struct mpc_ctx *ctx, struct mpc_blame *blame,
    const struct mpc_zk_mod_proof *pf, const struct mpc_zk_sess *sess,
    mpz_srcptr n)
{
	struct mx xn;
	mpz_t y[MPC_M_MOD], l, r;
	int k, rv;
	uint32_t who;

	ARG_CHECK(
	    ctx != NULL && pf != NULL && n != NULL && zk_sess_check(sess) == 0);
	who = sess->prover;
	/* N odd and composite: a prime N has fourth and N-th roots for all */
	if (mpz_cmp_ui(n, 3) < 0 || mpz_even_p(n)
	    || mpz_probab_prime_p(n, 25) != 0)
		return zk_fail(blame, who, MPC_BLAME_ZK_MOD, MPC_CHECK_INPUT);
	if (!zk_unit(pf->w, n) || mpz_jacobi(pf->w, n) != -1)
		return zk_fail(blame, who, MPC_BLAME_ZK_MOD, MPC_CHECK_INPUT);
	for (k = 0; k < MPC_M_MOD; k++)
		if (pf->a[k] > 1 || pf->b[k] > 1 || mpz_sgn(pf->x[k]) < 0
		    || mpz_cmp(pf->x[k], n) >= 0 || !zk_unit(pf->z[k], n))
			return zk_fail(
			    blame, who, MPC_BLAME_ZK_MOD, MPC_CHECK_INPUT);
	if ((rv = mx_init(&xn, n)) != 0)
		return rv;
	mpz_inits(l, r, NULL);
	for (k = 0; k < MPC_M_MOD; k++)
		mpz_init(y[k]);
	zk_mod_challenges(sess, n, pf->w, y);
	for (k = 0; k < MPC_M_MOD; k++) {
		/* z^N == y */
		if ((rv = mx_powm_var(&xn, l, pf->z[k], n)) != 0)
			goto out;
		if (mpz_cmp(l, y[k]) != 0) {
			rv = zk_fail(
			    blame, who, MPC_BLAME_ZK_MOD, MPC_CHECK_EQ1);
			goto out;
		}
		/* x^4 == (-1)^a w^b y */
		mpz_mul(l, pf->x[k], pf->x[k]);
		mpz_mod(l, l, n);
		mpz_mul(l, l, l);
		mpz_mod(l, l, n);
		mpz_set(r, y[k]);
		if (pf->b[k])
			mpz_mul(r, r, pf->w);
		if (pf->a[k])
			mpz_neg(r, r);
		mpz_mod(r, r, n);
		if (mpz_cmp(l, r) != 0) {
			rv = zk_fail(
			    blame, who, MPC_BLAME_ZK_MOD, MPC_CHECK_EQ1 + 1);
			goto out;
		}
	}
	rv = 0;
out:
	for (k = 0; k < MPC_M_MOD; k++)
		mpz_clear(y[k]);
	mpz_clears(l, r, NULL);
	mx_clear(&xn);
	return rv;
}

int
mpc_zk_mod_verify(struct mpc_ctx *ctx, struct mpc_blame *blame,
    const struct mpc_zk_mod_proof *pf, const struct mpc_zk_sess *sess,
    const struct mpc_paillier_pk *pk)
{
	ARG_CHECK(pk != NULL);
	return zk_mod_verify_n(ctx, blame, pf, sess, pk->n);
}

void
mpc_zk_mod_encode(struct proto_wbuf *w, const struct mpc_zk_mod_proof *pf)
{
	int i;

	proto_put_u8(w, ZK_TAG_MOD);
	proto_put_u16(w, MPC_M_MOD);
	mpc_bn_put(w, pf->w);
	for (i = 0; i < MPC_M_MOD; i++) {
		mpc_bn_put(w, pf->x[i]);
		mpc_bn_put(w, pf->z[i]);
		proto_put_u8(w, pf->a[i]);
		proto_put_u8(w, pf->b[i]);
	}
}

int
mpc_zk_mod_decode(struct proto_rbuf *r, struct mpc_zk_mod_proof *pf)
{
	struct proto_rbuf save = *r;
	uint16_t cnt;
	int i, rv;

	ARG_CHECK(r != NULL && pf != NULL);
	if ((rv = zk_get_tag(r, ZK_TAG_MOD)) != 0)
		goto fail;
	if ((rv = proto_get_u16(r, &cnt)) != 0)
		goto fail;
	if (cnt != MPC_M_MOD) {
		rv = MPC_ECOUNT;
		goto fail;
	}
	if ((rv = mpc_bn_get(r, pf->w, MPC_N_MAX_BITS, 0)) != 0)
		goto fail;
	for (i = 0; i < MPC_M_MOD; i++) {
		if ((rv = mpc_bn_get(r, pf->x[i], MPC_N_MAX_BITS, 1)) != 0
		    || (rv = mpc_bn_get(r, pf->z[i], MPC_N_MAX_BITS, 0)) != 0
		    || (rv = proto_get_u8(r, &pf->a[i])) != 0
		    || (rv = proto_get_u8(r, &pf->b[i])) != 0)
			goto fail;
		if (pf->a[i] > 1 || pf->b[i] > 1) {
			rv = MPC_EDECODE;
			goto fail;
		}
	}
	return 0;
fail:
	*r = save;
	mpz_set_ui(pf->w, 0);
	for (i = 0; i < MPC_M_MOD; i++) {
		mpz_set_ui(pf->x[i], 0);
		mpz_set_ui(pf->z[i], 0);
		pf->a[i] = pf->b[i] = 0;
	}
	return rv;
}
