/* Pi^aff-g: Paillier affine operation with group commitment in range
 * (CGGMP21 Fig. 15; dfns paillier_affine_operation_in_range).
 * Statement: D = (x (.) C) (+) Enc_N0(y; rho), Y = Enc_N1(y; rho_y),
 * X = x*G, with x in +-2^ell, y in +-2^ell'. N0 is the verifier's Paillier
 * key (MtA: C = K_j), N1 the prover's.
 * First message: A = C^alpha Enc_N0(beta; r), Bx = alpha*G,
 *   By = Enc_N1(beta; r_y), E = s^alpha t^gamma, S = s^x t^m,
 *   F = s^beta t^delta, T = s^y t^mu.
 * Responses: z1 = alpha + e x, z2 = beta + e y, z3 = gamma + e m,
 *   z4 = delta + e mu, w = r rho^e mod N0, w_y = r_y rho_y^e mod N1.
 * Verifier: C^z1 Enc_N0(z2; w) == A D^e; z1*G == Bx + e*X;
 *   Enc_N1(z2; w_y) == By Y^e; s^z1 t^z3 == E S^e; s^z2 t^z4 == F T^e;
 *   |z1| <= 2^(ell+eps), |z2| <= 2^(ell'+eps). */
#include "mpc_int.h"

#define AFFG_TAG     "LK-MPC-ZK/affg/v1"
#define AFFG_Z1_BITS (MPC_ELL + MPC_EPS + 64)
#define AFFG_Z2_BITS (MPC_ELL_PRIME + MPC_EPS + 64)
#define AFFG_Z3_BITS (MPC_ELL + MPC_EPS + MPC_N_MAX_BITS + 64)

void
mpc_zk_affg_proof_init(struct mpc_zk_affg_proof *pf)
{
	mpz_inits(pf->A, pf->By, pf->E, pf->S, pf->F, pf->T, pf->z1, pf->z2,
	    pf->z3, pf->z4, pf->w, pf->wy, NULL);
	mpc_point_set_identity(&pf->Bx);
}

void
mpc_zk_affg_proof_clear(struct mpc_zk_affg_proof *pf)
{
	mpz_clears(pf->A, pf->By, pf->E, pf->S, pf->F, pf->T, pf->z1, pf->z2,
	    pf->z3, pf->z4, pf->w, pf->wy, NULL);
}

static void
affg_challenge(mpz_ptr e, const struct mpc_zk_sess *sess,
    const struct mpc_rped *R, const struct mpc_paillier_pk *pk0,
    const struct mpc_paillier_pk *pk1, mpz_srcptr C, mpz_srcptr D, mpz_srcptr Y,
    const struct mpc_point *X, const struct mpc_zk_affg_proof *pf)
{
	struct lk_transcript t;

	zk_ts_start(&t, AFFG_TAG, sess);
	ts_rped(&t, R);
	ts_pk(&t, "N0", pk0);
	ts_pk(&t, "N1", pk1);
	ts_bn(&t, "C", C);
	ts_bn(&t, "D", D);
	ts_bn(&t, "Y", Y);
	ts_point(&t, "X", X);
	ts_bn(&t, "A", pf->A);
	ts_point(&t, "Bx", &pf->Bx);
	ts_bn(&t, "By", pf->By);
	ts_bn(&t, "E", pf->E);
	ts_bn(&t, "S", pf->S);
	ts_bn(&t, "F", pf->F);
	ts_bn(&t, "T", pf->T);
	ts_challenge(&t, e);
	lk_transcript_clear(&t);
}

int
zk_affg_prove_core(struct mpc_ctx *ctx, struct mpc_zk_affg_proof *pf,
    const struct mpc_zk_sess *sess, const struct mpc_rped *R,
    const struct mpc_paillier_pk *pk0, const struct mpc_paillier_pk *pk1,
    mpz_srcptr C, mpz_srcptr D, mpz_srcptr Y, const struct mpc_point *X,
    mpz_srcptr x, mpz_srcptr y, mpz_srcptr rho, mpz_srcptr rho_y,
    const struct zk_force *force)
{
	mpz_t alpha, beta, r, rn, ry, ryn, gamma, delta, m, mu, ci, t1, t2, e;
	size_t nb, big;
	int rv;

	ARG_CHECK(ctx != NULL && pf != NULL && R != NULL && pk0 != NULL
	    && pk1 != NULL && C != NULL && D != NULL && Y != NULL && X != NULL
	    && x != NULL && y != NULL && rho != NULL && rho_y != NULL
	    && zk_sess_check(sess) == 0);
	if (!mpc_bn_in_pm_var(x, MPC_ELL, NULL)
	    || !mpc_bn_in_pm_var(y, MPC_ELL_PRIME, NULL))
		return MPC_ERANGE;
	if (mpc_paillier_ct_check(pk0, C) != 0)
		return MPC_ENOTUNIT;
	nb = mpz_sizeinbase(R->n, 2);
	big = MPC_ELL_PRIME + MPC_EPS + nb + MPC_CHAL_BITS + 8;
	mpz_inits(alpha, beta, r, rn, ry, ryn, gamma, delta, m, mu, ci, t1, t2,
	    e, NULL);
	if (force != NULL && force->alpha != NULL)
		mpz_set(alpha, force->alpha);
	else
		mpc_bn_random_pm(alpha, MPC_ELL + MPC_EPS, NULL);
	if (force != NULL && force->beta != NULL)
		mpz_set(beta, force->beta);
	else
		mpc_bn_random_pm(beta, MPC_ELL_PRIME + MPC_EPS, NULL);
	mpc_bn_random_pm(gamma, MPC_ELL + MPC_EPS, R->n);
	mpc_bn_random_pm(delta, MPC_ELL + MPC_EPS, R->n);
	mpc_bn_random_pm(m, MPC_ELL, R->n);
	mpc_bn_random_pm(mu, MPC_ELL, R->n);
	/* A = C^alpha * Enc_N0(beta; r) mod N0^2 */
	mpz_invert(ci, C, pk0->n2);
	if ((rv = mx_powm_sec_signed(&pk0->xn2, t1, C, ci, alpha)) != 0
	    || (rv = paillier_nonce(pk0, r, rn)) != 0
	    || (rv = paillier_enc_rn(pk0, t2, beta, rn)) != 0
	    || (rv = mx_mulmod(&pk0->xn2, pf->A, t1, t2)) != 0)
		goto out;
	if ((rv = zk_secret_point(ctx, &pf->Bx, alpha, NULL)) != 0
	    || (rv = paillier_nonce(pk1, ry, ryn)) != 0
	    || (rv = paillier_enc_rn(pk1, pf->By, beta, ryn)) != 0)
		goto out;
	if ((rv = mpc_rped_commit(R, pf->E, alpha, MPC_ELL + MPC_EPS + 1, gamma,
	         MPC_ELL + MPC_EPS + nb + 1))
	        != 0
	    || (rv = mpc_rped_commit(
	            R, pf->S, x, MPC_ELL + 1, m, MPC_ELL + nb + 1))
	        != 0
	    || (rv = mpc_rped_commit(R, pf->F, beta,
	            MPC_ELL_PRIME + MPC_EPS + 1, delta,
	            MPC_ELL + MPC_EPS + nb + 1))
	        != 0
	    || (rv = mpc_rped_commit(
	            R, pf->T, y, MPC_ELL_PRIME + 1, mu, MPC_ELL + nb + 1))
	        != 0)
		goto out;
	affg_challenge(e, sess, R, pk0, pk1, C, D, Y, X, pf);
	if ((rv = ct_lincomb(pf->z1, alpha, e, x, big)) != 0
	    || (rv = ct_lincomb(pf->z2, beta, e, y, big)) != 0
	    || (rv = ct_lincomb(pf->z3, gamma, e, m, big)) != 0
	    || (rv = ct_lincomb(pf->z4, delta, e, mu, big)) != 0
	    || (rv = zk_resp_nonce(pk0, pf->w, r, rho, e)) != 0
	    || (rv = zk_resp_nonce(pk1, pf->wy, ry, rho_y, e)) != 0)
		goto out;
out:
	mpz_clears(alpha, beta, r, rn, ry, ryn, gamma, delta, m, mu, ci, t1, t2,
	    e, NULL);
	return rv;
}

int
mpc_zk_affg_prove(struct mpc_ctx *ctx, struct mpc_zk_affg_proof *pf,
    const struct mpc_zk_sess *sess, const struct mpc_rped *R,
    const struct mpc_paillier_pk *pk0, const struct mpc_paillier_pk *pk1,
    mpz_srcptr C, mpz_srcptr D, mpz_srcptr Y, const struct mpc_point *X,
    mpz_srcptr x, mpz_srcptr y, mpz_srcptr rho, mpz_srcptr rho_y)
{
	return zk_affg_prove_core(
	    ctx, pf, sess, R, pk0, pk1, C, D, Y, X, x, y, rho, rho_y, NULL);
}

int
mpc_zk_affg_verify(struct mpc_ctx *ctx, struct mpc_blame *blame,
    const struct mpc_zk_affg_proof *pf, const struct mpc_zk_sess *sess,
    const struct mpc_rped *R, const struct mpc_paillier_pk *pk0,
    const struct mpc_paillier_pk *pk1, mpz_srcptr C, mpz_srcptr D, mpz_srcptr Y,
    const struct mpc_point *X)
{
	mpz_t e, l, r;
	uint32_t who;
	int rv, ok;

	ARG_CHECK(ctx != NULL && pf != NULL && R != NULL && pk0 != NULL
	    && pk1 != NULL && C != NULL && D != NULL && Y != NULL && X != NULL
	    && zk_sess_check(sess) == 0);
	who = sess->prover;
	if (!zk_unit(C, pk0->n2) || !zk_unit(D, pk0->n2)
	    || !zk_unit(pf->A, pk0->n2) || !zk_unit(Y, pk1->n2)
	    || !zk_unit(pf->By, pk1->n2) || !zk_unit(pf->E, R->n)
	    || !zk_unit(pf->S, R->n) || !zk_unit(pf->F, R->n)
	    || !zk_unit(pf->T, R->n) || !zk_unit(pf->w, pk0->n)
	    || !zk_unit(pf->wy, pk1->n) || mpc_point_is_identity(&pf->Bx))
		return zk_fail(blame, who, MPC_BLAME_ZK_AFFG, MPC_CHECK_INPUT);
	if (!mpc_bn_in_pm_var(pf->z1, MPC_ELL + MPC_EPS, NULL))
		return zk_fail(blame, who, MPC_BLAME_ZK_AFFG, MPC_CHECK_RANGE1);
	if (!mpc_bn_in_pm_var(pf->z2, MPC_ELL_PRIME + MPC_EPS, NULL))
		return zk_fail(
		    blame, who, MPC_BLAME_ZK_AFFG, MPC_CHECK_RANGE1 + 1);
	mpz_inits(e, l, r, NULL);
	affg_challenge(e, sess, R, pk0, pk1, C, D, Y, X, pf);
	/* 1: C^z1 Enc_N0(z2; w) == A D^e mod N0^2 */
	if ((rv = mx_powm_var(&pk0->xn2, l, C, pf->z1)) != 0
	    || (rv = paillier_enc_var(pk0, r, pf->z2, pf->w)) != 0)
		goto out;
	mpz_mul(l, l, r);
	mpz_mod(l, l, pk0->n2);
	if ((rv = mx_powm_var(&pk0->xn2, r, D, e)) != 0)
		goto out;
	mpz_mul(r, r, pf->A);
	mpz_mod(r, r, pk0->n2);
	if (mpz_cmp(l, r) != 0) {
		rv = zk_fail(blame, who, MPC_BLAME_ZK_AFFG, MPC_CHECK_EQ1);
		goto out;
	}
	/* 2: z1*G == Bx + e*X */
	if ((rv = zk_point_eq(ctx, pf->z1, NULL, &pf->Bx, e, X, &ok)) != 0)
		goto out;
	if (!ok) {
		rv = zk_fail(blame, who, MPC_BLAME_ZK_AFFG, MPC_CHECK_EQ1 + 1);
		goto out;
	}
	/* 3: Enc_N1(z2; w_y) == By Y^e mod N1^2 */
	if ((rv = zk_paillier_eq(pk1, pf->z2, pf->wy, pf->By, Y, e, &ok)) != 0)
		goto out;
	if (!ok) {
		rv = zk_fail(blame, who, MPC_BLAME_ZK_AFFG, MPC_CHECK_EQ1 + 2);
		goto out;
	}
	/* 4, 5: ring-Pedersen */
	if ((rv = zk_rped_eq(R, pf->z1, pf->z3, pf->E, pf->S, e, &ok)) != 0)
		goto out;
	if (!ok) {
		rv = zk_fail(blame, who, MPC_BLAME_ZK_AFFG, MPC_CHECK_EQ1 + 3);
		goto out;
	}
	if ((rv = zk_rped_eq(R, pf->z2, pf->z4, pf->F, pf->T, e, &ok)) != 0)
		goto out;
	if (!ok)
		rv = zk_fail(blame, who, MPC_BLAME_ZK_AFFG, MPC_CHECK_EQ1 + 4);
out:
	mpz_clears(e, l, r, NULL);
	return rv;
}

void
mpc_zk_affg_encode(struct proto_wbuf *w, const struct mpc_zk_affg_proof *pf)
{
	proto_put_u8(w, ZK_TAG_AFFG);
	mpc_bn_put(w, pf->A);
	zk_put_point(w, &pf->Bx);
	mpc_bn_put(w, pf->By);
	mpc_bn_put(w, pf->E);
	mpc_bn_put(w, pf->S);
	mpc_bn_put(w, pf->F);
	mpc_bn_put(w, pf->T);
	mpc_bn_put_signed(w, pf->z1);
	mpc_bn_put_signed(w, pf->z2);
	mpc_bn_put_signed(w, pf->z3);
	mpc_bn_put_signed(w, pf->z4);
	mpc_bn_put(w, pf->w);
	mpc_bn_put(w, pf->wy);
}

int
mpc_zk_affg_decode(
    struct mpc_ctx *ctx, struct proto_rbuf *r, struct mpc_zk_affg_proof *pf)
{
	struct proto_rbuf save = *r;
	int rv;

	ARG_CHECK(ctx != NULL && r != NULL && pf != NULL);
	if ((rv = zk_get_tag(r, ZK_TAG_AFFG)) != 0
	    || (rv = mpc_bn_get(r, pf->A, 2 * MPC_N_MAX_BITS, 0)) != 0
	    || (rv = zk_get_point(ctx, r, &pf->Bx)) != 0
	    || (rv = mpc_bn_get(r, pf->By, 2 * MPC_N_MAX_BITS, 0)) != 0
	    || (rv = mpc_bn_get(r, pf->E, MPC_N_MAX_BITS, 0)) != 0
	    || (rv = mpc_bn_get(r, pf->S, MPC_N_MAX_BITS, 0)) != 0
	    || (rv = mpc_bn_get(r, pf->F, MPC_N_MAX_BITS, 0)) != 0
	    || (rv = mpc_bn_get(r, pf->T, MPC_N_MAX_BITS, 0)) != 0
	    || (rv = mpc_bn_get_signed(r, pf->z1, AFFG_Z1_BITS)) != 0
	    || (rv = mpc_bn_get_signed(r, pf->z2, AFFG_Z2_BITS)) != 0
	    || (rv = mpc_bn_get_signed(r, pf->z3, AFFG_Z3_BITS)) != 0
	    || (rv = mpc_bn_get_signed(r, pf->z4, AFFG_Z3_BITS)) != 0
	    || (rv = mpc_bn_get(r, pf->w, MPC_N_MAX_BITS, 0)) != 0
	    || (rv = mpc_bn_get(r, pf->wy, MPC_N_MAX_BITS, 0)) != 0) {
		*r = save;
		mpz_set_ui(pf->A, 0);
		mpc_point_set_identity(&pf->Bx);
		mpz_set_ui(pf->By, 0);
		mpz_set_ui(pf->E, 0);
		mpz_set_ui(pf->S, 0);
		mpz_set_ui(pf->F, 0);
		mpz_set_ui(pf->T, 0);
		mpz_set_ui(pf->z1, 0);
		mpz_set_ui(pf->z2, 0);
		mpz_set_ui(pf->z3, 0);
		mpz_set_ui(pf->z4, 0);
		mpz_set_ui(pf->w, 0);
		mpz_set_ui(pf->wy, 0);
		return rv;
	}
	return 0;
}
