/* Pi^mul*: multiplication, Paillier vs group (CGGMP21 Fig. 31).
 * Statement: D = C^x rho^N0 mod N0^2 (D encrypts x * Dec(C)), X = x*G,
 * x in +-2^ell; C, D under the prover's own key N0. Used by the blame
 * phase to prove H^_i = Enc(x_i k_i) from K_i and X_i (docs/MPC.md §5.8).
 * A = C^alpha r^N0, Bx = alpha*G, E = s^alpha t^gamma, S = s^x t^m;
 * z1 = alpha + e x, z2 = gamma + e m, w = r rho^e mod N0.
 * Verifier: C^z1 w^N0 == A D^e; z1*G == Bx + e*X; s^z1 t^z2 == E S^e;
 * |z1| <= 2^(ell+eps). */
#include "mpc_int.h"

#define MULSTAR_TAG     "LK-MPC-ZK/mulstar/v1"
#define MULSTAR_Z1_BITS (MPC_ELL + MPC_EPS + 64)
#define MULSTAR_Z2_BITS (MPC_ELL + MPC_EPS + MPC_N_MAX_BITS + 64)

void
mpc_zk_mulstar_proof_init(struct mpc_zk_mulstar_proof *pf)
{
	mpz_inits(pf->A, pf->E, pf->S, pf->z1, pf->z2, pf->w, NULL);
	mpc_point_set_identity(&pf->Bx);
}

void
mpc_zk_mulstar_proof_clear(struct mpc_zk_mulstar_proof *pf)
{
	mpz_clears(pf->A, pf->E, pf->S, pf->z1, pf->z2, pf->w, NULL);
}

static void
mulstar_challenge(mpz_ptr e, const struct mpc_zk_sess *sess,
    const struct mpc_rped *R, const struct mpc_paillier_pk *pk, mpz_srcptr C,
    mpz_srcptr D, const struct mpc_point *X,
    const struct mpc_zk_mulstar_proof *pf)
{
	struct lk_transcript t;

	zk_ts_start(&t, MULSTAR_TAG, sess);
	ts_rped(&t, R);
	ts_pk(&t, "N0", pk);
	ts_bn(&t, "C", C);
	ts_bn(&t, "D", D);
	ts_point(&t, "X", X);
	ts_bn(&t, "A", pf->A);
	ts_point(&t, "Bx", &pf->Bx);
	ts_bn(&t, "E", pf->E);
	ts_bn(&t, "S", pf->S);
	ts_challenge(&t, e);
	lk_transcript_clear(&t);
}

int
zk_mulstar_prove_core(struct mpc_ctx *ctx, struct mpc_zk_mulstar_proof *pf,
    const struct mpc_zk_sess *sess, const struct mpc_rped *R,
    const struct mpc_paillier_pk *pk, mpz_srcptr C, mpz_srcptr D,
    const struct mpc_point *X, mpz_srcptr x, mpz_srcptr rho,
    const struct zk_force *force)
{
	mpz_t alpha, r, rn, gamma, m, ci, t1, e;
	size_t nb, big;
	int rv;

	ARG_CHECK(ctx != NULL && pf != NULL && R != NULL && pk != NULL
	    && C != NULL && D != NULL && X != NULL && x != NULL && rho != NULL
	    && zk_sess_check(sess) == 0);
	if (!mpc_bn_in_pm_var(x, MPC_ELL, NULL))
		return MPC_ERANGE;
	if (mpc_paillier_ct_check(pk, C) != 0)
		return MPC_ENOTUNIT;
	nb = mpz_sizeinbase(R->n, 2);
	big = MPC_ELL + MPC_EPS + nb + MPC_CHAL_BITS + 8;
	mpz_inits(alpha, r, rn, gamma, m, ci, t1, e, NULL);
	if (force != NULL && force->alpha != NULL)
		mpz_set(alpha, force->alpha);
	else
		mpc_bn_random_pm(alpha, MPC_ELL + MPC_EPS, NULL);
	mpc_bn_random_pm(gamma, MPC_ELL + MPC_EPS, R->n);
	mpc_bn_random_pm(m, MPC_ELL, R->n);
	mpz_invert(ci, C, pk->n2);
	if ((rv = mx_powm_sec_signed(&pk->xn2, t1, C, ci, alpha)) != 0
	    || (rv = paillier_nonce(pk, r, rn)) != 0
	    || (rv = mx_mulmod(&pk->xn2, pf->A, t1, rn)) != 0
	    || (rv = zk_secret_point(ctx, &pf->Bx, alpha, NULL)) != 0
	    || (rv = mpc_rped_commit(R, pf->E, alpha, MPC_ELL + MPC_EPS + 1,
	            gamma, MPC_ELL + MPC_EPS + nb + 1))
	        != 0
	    || (rv = mpc_rped_commit(
	            R, pf->S, x, MPC_ELL + 1, m, MPC_ELL + nb + 1))
	        != 0)
		goto out;
	mulstar_challenge(e, sess, R, pk, C, D, X, pf);
	if ((rv = ct_lincomb(pf->z1, alpha, e, x, big)) != 0
	    || (rv = ct_lincomb(pf->z2, gamma, e, m, big)) != 0
	    || (rv = zk_resp_nonce(pk, pf->w, r, rho, e)) != 0)
		goto out;
out:
	mpz_clears(alpha, r, rn, gamma, m, ci, t1, e, NULL);
	return rv;
}

int
mpc_zk_mulstar_prove(struct mpc_ctx *ctx, struct mpc_zk_mulstar_proof *pf,
    const struct mpc_zk_sess *sess, const struct mpc_rped *R,
    const struct mpc_paillier_pk *pk, mpz_srcptr C, mpz_srcptr D,
    const struct mpc_point *X, mpz_srcptr x, mpz_srcptr rho)
{
	return zk_mulstar_prove_core(
	    ctx, pf, sess, R, pk, C, D, X, x, rho, NULL);
}

int
mpc_zk_mulstar_verify(struct mpc_ctx *ctx, struct mpc_blame *blame,
    const struct mpc_zk_mulstar_proof *pf, const struct mpc_zk_sess *sess,
    const struct mpc_rped *R, const struct mpc_paillier_pk *pk, mpz_srcptr C,
    mpz_srcptr D, const struct mpc_point *X)
{
	mpz_t e, l, r;
	uint32_t who;
	int rv, ok;

	ARG_CHECK(ctx != NULL && pf != NULL && R != NULL && pk != NULL
	    && C != NULL && D != NULL && X != NULL && zk_sess_check(sess) == 0);
	who = sess->prover;
	if (!zk_unit(C, pk->n2) || !zk_unit(D, pk->n2)
	    || !zk_unit(pf->A, pk->n2) || !zk_unit(pf->E, R->n)
	    || !zk_unit(pf->S, R->n) || !zk_unit(pf->w, pk->n)
	    || mpc_point_is_identity(&pf->Bx))
		return zk_fail(
		    blame, who, MPC_BLAME_ZK_MULSTAR, MPC_CHECK_INPUT);
	if (!mpc_bn_in_pm_var(pf->z1, MPC_ELL + MPC_EPS, NULL))
		return zk_fail(
		    blame, who, MPC_BLAME_ZK_MULSTAR, MPC_CHECK_RANGE1);
	mpz_inits(e, l, r, NULL);
	mulstar_challenge(e, sess, R, pk, C, D, X, pf);
	/* C^z1 w^N0 == A D^e mod N0^2 */
	if ((rv = mx_powm2_var(&pk->xn2, l, C, pf->z1, pf->w, pk->n)) != 0
	    || (rv = mx_powm_var(&pk->xn2, r, D, e)) != 0)
		goto out;
	mpz_mul(r, r, pf->A);
	mpz_mod(r, r, pk->n2);
	if (mpz_cmp(l, r) != 0) {
		rv = zk_fail(blame, who, MPC_BLAME_ZK_MULSTAR, MPC_CHECK_EQ1);
		goto out;
	}
	if ((rv = zk_point_eq(ctx, pf->z1, NULL, &pf->Bx, e, X, &ok)) != 0)
		goto out;
	if (!ok) {
		rv = zk_fail(
		    blame, who, MPC_BLAME_ZK_MULSTAR, MPC_CHECK_EQ1 + 1);
		goto out;
	}
	if ((rv = zk_rped_eq(R, pf->z1, pf->z2, pf->E, pf->S, e, &ok)) != 0)
		goto out;
	if (!ok)
		rv = zk_fail(
		    blame, who, MPC_BLAME_ZK_MULSTAR, MPC_CHECK_EQ1 + 2);
out:
	mpz_clears(e, l, r, NULL);
	return rv;
}

void
mpc_zk_mulstar_encode(
    struct proto_wbuf *w, const struct mpc_zk_mulstar_proof *pf)
{
	proto_put_u8(w, ZK_TAG_MULSTAR);
	mpc_bn_put(w, pf->A);
	zk_put_point(w, &pf->Bx);
	mpc_bn_put(w, pf->E);
	mpc_bn_put(w, pf->S);
	mpc_bn_put_signed(w, pf->z1);
	mpc_bn_put_signed(w, pf->z2);
	mpc_bn_put(w, pf->w);
}

int
mpc_zk_mulstar_decode(
    struct mpc_ctx *ctx, struct proto_rbuf *r, struct mpc_zk_mulstar_proof *pf)
{
	struct proto_rbuf save = *r;
	int rv;

	ARG_CHECK(ctx != NULL && r != NULL && pf != NULL);
	if ((rv = zk_get_tag(r, ZK_TAG_MULSTAR)) != 0
	    || (rv = mpc_bn_get(r, pf->A, 2 * MPC_N_MAX_BITS, 0)) != 0
	    || (rv = zk_get_point(ctx, r, &pf->Bx)) != 0
	    || (rv = mpc_bn_get(r, pf->E, MPC_N_MAX_BITS, 0)) != 0
	    || (rv = mpc_bn_get(r, pf->S, MPC_N_MAX_BITS, 0)) != 0
	    || (rv = mpc_bn_get_signed(r, pf->z1, MULSTAR_Z1_BITS)) != 0
	    || (rv = mpc_bn_get_signed(r, pf->z2, MULSTAR_Z2_BITS)) != 0
	    || (rv = mpc_bn_get(r, pf->w, MPC_N_MAX_BITS, 0)) != 0) {
		*r = save;
		mpz_set_ui(pf->A, 0);
		mpc_point_set_identity(&pf->Bx);
		mpz_set_ui(pf->E, 0);
		mpz_set_ui(pf->S, 0);
		mpz_set_ui(pf->z1, 0);
		mpz_set_ui(pf->z2, 0);
		mpz_set_ui(pf->w, 0);
		return rv;
	}
	return 0;
}
