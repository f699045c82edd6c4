/* Pi^fac: no small factor (CGGMP21 Fig. 28, dfns no_small_factor).
 * Proves N0 = p*q with |p|, |q| <= 2^(ell+eps) * sqrt(N0) against the
 * verifier's ring-Pedersen (N^, s, t); hence neither factor is below
 * sqrt(N0) / 2^(ell+eps) (2^1050 at 3072 bits). The BitForge modulus
 * (16 small primes times a large one) cannot pass. */
#include <string.h>

#include "mpc_int.h"

#define FAC_TAG "LK-MPC-ZK/fac/v1"

void
mpc_zk_fac_proof_init(struct mpc_zk_fac_proof *pf)
{
	mpz_inits(pf->P, pf->Q, pf->A, pf->B, pf->T, pf->sigma, pf->z1, pf->z2,
	    pf->w1, pf->w2, pf->v, NULL);
}

void
mpc_zk_fac_proof_clear(struct mpc_zk_fac_proof *pf)
{
	mpz_clears(pf->P, pf->Q, pf->A, pf->B, pf->T, pf->sigma, pf->z1, pf->z2,
	    pf->w1, pf->w2, pf->v, NULL);
}

static void
fac_challenge(mpz_ptr e, const struct mpc_zk_sess *sess,
    const struct mpc_rped *R, mpz_srcptr n0, const struct mpc_zk_fac_proof *pf)
{
	struct lk_transcript t;

	zk_ts_start(&t, FAC_TAG, sess);
	ts_rped(&t, R);
	ts_bn(&t, "N0", n0);
	ts_bn(&t, "P", pf->P);
	ts_bn(&t, "Q", pf->Q);
	ts_bn(&t, "A", pf->A);
	ts_bn(&t, "B", pf->B);
	ts_bn(&t, "T", pf->T);
	ts_bn(&t, "sigma", pf->sigma);
	ts_challenge(&t, e);
	lk_transcript_clear(&t);
}

int
zk_fac_prove_pq(struct mpc_ctx *ctx, struct mpc_zk_fac_proof *pf,
    const struct mpc_zk_sess *sess, const struct mpc_rped *R, mpz_srcptr n0,
    mpz_srcptr p, mpz_srcptr q)
{
	mpz_t root, nn, n0nn, alpha, beta, mu, nu, r, x, y, sh, e, qi, t1, t2;
	size_t nb = mpz_sizeinbase(R->n, 2), n0b = mpz_sizeinbase(n0, 2);
	size_t rb, pb, big;
	int rv;

	ARG_CHECK(ctx != NULL && pf != NULL && R != NULL && n0 != NULL
	    && p != NULL && q != NULL && zk_sess_check(sess) == 0);
	mpz_inits(root, nn, n0nn, alpha, beta, mu, nu, r, x, y, sh, e, qi, t1,
	    t2, NULL);
	mpz_sqrt(root, n0);
	mpz_set(nn, R->n);
	mpz_mul(n0nn, n0, nn);
	rb = mpz_sizeinbase(root, 2);
	pb = mpz_sizeinbase(p, 2) > mpz_sizeinbase(q, 2) ? mpz_sizeinbase(p, 2)
	                                                 : mpz_sizeinbase(q, 2);
	big = MPC_ELL + MPC_EPS + n0b + nb + MPC_CHAL_BITS + pb + 8;
	/* alpha, beta <- +-2^(ell+eps) sqrt(N0); mu, nu <- +-2^ell N^;
	 * sigma <- +-2^ell N0 N^; r <- +-2^(ell+eps) N0 N^;
	 * x, y <- +-2^(ell+eps) N^ */
	mpc_bn_random_pm(alpha, MPC_ELL + MPC_EPS, root);
	mpc_bn_random_pm(beta, MPC_ELL + MPC_EPS, root);
	mpc_bn_random_pm(mu, MPC_ELL, nn);
	mpc_bn_random_pm(nu, MPC_ELL, nn);
	mpc_bn_random_pm(pf->sigma, MPC_ELL, n0nn);
	mpc_bn_random_pm(r, MPC_ELL + MPC_EPS, n0nn);
	mpc_bn_random_pm(x, MPC_ELL + MPC_EPS, nn);
	mpc_bn_random_pm(y, MPC_ELL + MPC_EPS, nn);
	if ((rv = mpc_rped_commit(R, pf->P, p, pb, mu, MPC_ELL + nb + 1)) != 0
	    || (rv = mpc_rped_commit(R, pf->Q, q, pb, nu, MPC_ELL + nb + 1))
	        != 0
	    || (rv = mpc_rped_commit(R, pf->A, alpha,
	            MPC_ELL + MPC_EPS + rb + 1, x, MPC_ELL + MPC_EPS + nb + 1))
	        != 0
	    || (rv = mpc_rped_commit(R, pf->B, beta, MPC_ELL + MPC_EPS + rb + 1,
	            y, MPC_ELL + MPC_EPS + nb + 1))
	        != 0)
		goto out;
	/* T = Q^alpha t^r */
	if (!mpz_invert(qi, pf->Q, R->n)) {
		rv = MPC_ENOTUNIT;
		goto out;
	}
	if ((rv = mx_powm_sec_signed(&R->xn, t1, pf->Q, qi, alpha)) != 0
	    || (rv = mx_powm_sec_signed(&R->xn, t2, R->t, R->tinv, r)) != 0
	    || (rv = mx_mulmod(&R->xn, pf->T, t1, t2)) != 0)
		goto out;
	MPC_DECLASSIFY(
	    pf->sigma->_mp_d, mpz_size(pf->sigma) * sizeof(mp_limb_t));
	fac_challenge(e, sess, R, n0, pf);
	/* sigma^ = sigma - nu*p (secret) */
	mpz_neg(t1, nu);
	if ((rv = ct_fma(sh, pf->sigma, t1, p, big, 0)) != 0
	    || (rv = ct_lincomb(pf->z1, alpha, e, p, big)) != 0
	    || (rv = ct_lincomb(pf->z2, beta, e, q, big)) != 0
	    || (rv = ct_lincomb(pf->w1, x, e, mu, big)) != 0
	    || (rv = ct_lincomb(pf->w2, y, e, nu, big)) != 0
	    || (rv = ct_lincomb(pf->v, r, e, sh, big)) != 0)
		goto out;
out:
	mpz_clears(root, nn, n0nn, alpha, beta, mu, nu, r, x, y, sh, e, qi, t1,
	    t2, NULL);
	return rv;
}

int
mpc_zk_fac_prove(struct mpc_ctx *ctx, struct mpc_zk_fac_proof *pf,
    const struct mpc_zk_sess *sess, const struct mpc_rped *R,
    const struct mpc_paillier_sk *sk)
{
	ARG_CHECK(sk != NULL);
	return zk_fac_prove_pq(ctx, pf, sess, R, sk->pk.n, sk->p, sk->q);
}

int
mpc_zk_fac_verify(struct mpc_ctx *ctx, struct mpc_blame *blame,
    const struct mpc_zk_fac_proof *pf, const struct mpc_zk_sess *sess,
    const struct mpc_rped *R, const struct mpc_paillier_pk *pk)
{
	mpz_t root, e, l, rr, Rv;
	uint32_t who;
	int rv, ok;

	ARG_CHECK(ctx != NULL && pf != NULL && R != NULL && pk != NULL
	    && zk_sess_check(sess) == 0);
	who = sess->prover;
	if (!zk_unit(pf->P, R->n) || !zk_unit(pf->Q, R->n)
	    || !zk_unit(pf->A, R->n) || !zk_unit(pf->B, R->n)
	    || !zk_unit(pf->T, R->n))
		return zk_fail(blame, who, MPC_BLAME_ZK_FAC, MPC_CHECK_INPUT);
	mpz_inits(root, e, l, rr, Rv, NULL);
	mpz_sqrt(root, pk->n);
	/* range checks first: z1, z2 in +-2^(ell+eps) sqrt(N0) */
	if (!mpc_bn_in_pm_var(pf->z1, MPC_ELL + MPC_EPS, root)) {
		rv = zk_fail(blame, who, MPC_BLAME_ZK_FAC, MPC_CHECK_RANGE1);
		goto out;
	}
	if (!mpc_bn_in_pm_var(pf->z2, MPC_ELL + MPC_EPS, root)) {
		rv = zk_fail(
		    blame, who, MPC_BLAME_ZK_FAC, MPC_CHECK_RANGE1 + 1);
		goto out;
	}
	fac_challenge(e, sess, R, pk->n, pf);
	/* s^z1 t^w1 == A P^e */
	if ((rv = zk_rped_eq(R, pf->z1, pf->w1, pf->A, pf->P, e, &ok)) != 0)
		goto out;
	if (!ok) {
		rv = zk_fail(blame, who, MPC_BLAME_ZK_FAC, MPC_CHECK_EQ1);
		goto out;
	}
	/* s^z2 t^w2 == B Q^e */
	if ((rv = zk_rped_eq(R, pf->z2, pf->w2, pf->B, pf->Q, e, &ok)) != 0)
		goto out;
	if (!ok) {
		rv = zk_fail(blame, who, MPC_BLAME_ZK_FAC, MPC_CHECK_EQ1 + 1);
		goto out;
	}
	/* Q^z1 t^v == T R^e with R = s^N0 t^sigma */
	if ((rv = mx_powm2_var(&R->xn, l, pf->Q, pf->z1, R->t, pf->v)) != 0
	    || (rv = mx_powm2_var(&R->xn, Rv, R->s, pk->n, R->t, pf->sigma))
	        != 0
	    || (rv = mx_powm_var(&R->xn, rr, Rv, e)) != 0)
		goto out;
	mpz_mul(rr, rr, pf->T);
	mpz_mod(rr, rr, R->n);
	if (mpz_cmp(l, rr) != 0) {
		rv = zk_fail(blame, who, MPC_BLAME_ZK_FAC, MPC_CHECK_EQ1 + 2);
		goto out;
	}
	rv = 0;
out:
	mpz_clears(root, e, l, rr, Rv, NULL);
	return rv;
}

/* Field bounds of the encoding (bits of magnitudes). */
#define FAC_SIGMA_BITS (MPC_ELL + 2 * MPC_N_MAX_BITS + 64)
#define FAC_Z_BITS     (MPC_ELL + MPC_EPS + MPC_N_MAX_BITS / 2 + 64)
#define FAC_W_BITS     (MPC_ELL + MPC_EPS + MPC_N_MAX_BITS + 64)
#define FAC_V_BITS     (MPC_ELL + MPC_EPS + 2 * MPC_N_MAX_BITS + 64)

void
mpc_zk_fac_encode(struct proto_wbuf *w, const struct mpc_zk_fac_proof *pf)
{
	proto_put_u8(w, ZK_TAG_FAC);
	mpc_bn_put(w, pf->P);
	mpc_bn_put(w, pf->Q);
	mpc_bn_put(w, pf->A);
	mpc_bn_put(w, pf->B);
	mpc_bn_put(w, pf->T);
	mpc_bn_put_signed(w, pf->sigma);
	mpc_bn_put_signed(w, pf->z1);
	mpc_bn_put_signed(w, pf->z2);
	mpc_bn_put_signed(w, pf->w1);
	mpc_bn_put_signed(w, pf->w2);
	mpc_bn_put_signed(w, pf->v);
}

int
mpc_zk_fac_decode(struct proto_rbuf *r, struct mpc_zk_fac_proof *pf)
{
	struct proto_rbuf save = *r;
	int rv;

	ARG_CHECK(r != NULL && pf != NULL);
	if ((rv = zk_get_tag(r, ZK_TAG_FAC)) != 0
	    || (rv = mpc_bn_get(r, pf->P, MPC_N_MAX_BITS, 0)) != 0
	    || (rv = mpc_bn_get(r, pf->Q, MPC_N_MAX_BITS, 0)) != 0
	    || (rv = mpc_bn_get(r, pf->A, MPC_N_MAX_BITS, 0)) != 0
	    || (rv = mpc_bn_get(r, pf->B, MPC_N_MAX_BITS, 0)) != 0
	    || (rv = mpc_bn_get(r, pf->T, MPC_N_MAX_BITS, 0)) != 0
	    || (rv = mpc_bn_get_signed(r, pf->sigma, FAC_SIGMA_BITS)) != 0
	    || (rv = mpc_bn_get_signed(r, pf->z1, FAC_Z_BITS)) != 0
	    || (rv = mpc_bn_get_signed(r, pf->z2, FAC_Z_BITS)) != 0
	    || (rv = mpc_bn_get_signed(r, pf->w1, FAC_W_BITS)) != 0
	    || (rv = mpc_bn_get_signed(r, pf->w2, FAC_W_BITS)) != 0
	    || (rv = mpc_bn_get_signed(r, pf->v, FAC_V_BITS)) != 0) {
		*r = save;
		mpz_set_ui(pf->P, 0);
		mpz_set_ui(pf->Q, 0);
		mpz_set_ui(pf->A, 0);
		mpz_set_ui(pf->B, 0);
		mpz_set_ui(pf->T, 0);
		mpz_set_ui(pf->sigma, 0);
		mpz_set_ui(pf->z1, 0);
		mpz_set_ui(pf->z2, 0);
		mpz_set_ui(pf->w1, 0);
		mpz_set_ui(pf->w2, 0);
		mpz_set_ui(pf->v, 0);
		return rv;
	}
	return 0;
}
