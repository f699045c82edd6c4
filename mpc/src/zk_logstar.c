/* Pi^log*: knowledge of exponent vs Paillier encryption (CGGMP21 Fig. 25).
 * Statement: C = Enc_N0(x; rho), X = x*B, x in +-2^L where L = ell
 * (MPC_ZK_RANGE_ELL) or MPC_ELL_WIDE (MPC_ZK_RANGE_WIDE, chi_i in the
 * sign-phase blame). S = s^x t^mu, A = Enc_N0(alpha; r), Y = alpha*B,
 * D = s^alpha t^gamma; z1 = alpha + e x, z2 = r rho^e, z3 = gamma + e mu.
 * Verifier: Enc(z1; z2) == A C^e; z1*B == Y + e*X; s^z1 t^z3 == D S^e;
 * |z1| <= 2^(L+eps). The range class is bound into the transcript. */
#include "mpc_int.h"

#define LOGSTAR_TAG     "LK-MPC-ZK/logstar/v1"
#define LOGSTAR_Z1_BITS (MPC_ELL_WIDE + MPC_EPS + 64)
#define LOGSTAR_Z3_BITS (MPC_ELL + MPC_EPS + MPC_N_MAX_BITS + 64)

void
mpc_zk_logstar_proof_init(struct mpc_zk_logstar_proof *pf)
{
	mpz_inits(pf->S, pf->A, pf->D, pf->z1, pf->z2, pf->z3, NULL);
	mpc_point_set_identity(&pf->Y);
}

void
mpc_zk_logstar_proof_clear(struct mpc_zk_logstar_proof *pf)
{
	mpz_clears(pf->S, pf->A, pf->D, pf->z1, pf->z2, pf->z3, NULL);
}

static size_t
range_bits(enum mpc_zk_range range)
{
	return range == MPC_ZK_RANGE_WIDE ? MPC_ELL_WIDE : MPC_ELL;
}

static int
logstar_challenge(struct mpc_ctx *ctx, mpz_ptr e,
    const struct mpc_zk_sess *sess, enum mpc_zk_range range,
    const struct mpc_rped *R, const struct mpc_paillier_pk *pk, mpz_srcptr C,
    const struct mpc_point *X, const struct mpc_point *B,
    const struct mpc_zk_logstar_proof *pf)
{
	struct lk_transcript t;
	struct mpc_point g;
	struct mpc_scalar one;
	int rv;

	if (B == NULL) { /* bind the base explicitly, G included */
		mpc_scalar_set_u64(&one, 1);
		if ((rv = mpc_point_mul_base(ctx, &g, &one)) != 0)
			return rv;
		B = &g;
	}
	zk_ts_start(&t, LOGSTAR_TAG, sess);
	lk_transcript_append_u64(&t, "range", (uint64_t) range_bits(range));
	ts_rped(&t, R);
	ts_pk(&t, "N0", pk);
	ts_bn(&t, "C", C);
	ts_point(&t, "X", X);
	ts_point(&t, "B", B);
	ts_bn(&t, "S", pf->S);
	ts_bn(&t, "A", pf->A);
	ts_point(&t, "Y", &pf->Y);
	ts_bn(&t, "D", pf->D);
	ts_challenge(&t, e);
	lk_transcript_clear(&t);
	return 0;
}

int
zk_logstar_prove_core(struct mpc_ctx *ctx, struct mpc_zk_logstar_proof *pf,
    const struct mpc_zk_sess *sess, enum mpc_zk_range range,
    const struct mpc_rped *R, const struct mpc_paillier_pk *pk, mpz_srcptr C,
    const struct mpc_point *X, const struct mpc_point *B, mpz_srcptr x,
    mpz_srcptr rho, const struct zk_force *force)
{
	mpz_t alpha, mu, r, rn, gamma, e;
	size_t L, nb, big;
	int rv;

	ARG_CHECK(ctx != NULL && pf != NULL && R != NULL && pk != NULL
	    && C != NULL && X != NULL && x != NULL && rho != NULL
	    && zk_sess_check(sess) == 0);
	ARG_CHECK(range == MPC_ZK_RANGE_ELL || range == MPC_ZK_RANGE_WIDE);
	L = range_bits(range);
	if (!mpc_bn_in_pm_var(x, L, NULL))
		return MPC_ERANGE;
	nb = mpz_sizeinbase(R->n, 2);
	big = MPC_ELL_WIDE + MPC_EPS + nb + MPC_CHAL_BITS + 8;
	mpz_inits(alpha, mu, r, rn, gamma, e, NULL);
	if (force != NULL && force->alpha != NULL)
		mpz_set(alpha, force->alpha);
	else
		mpc_bn_random_pm(alpha, L + MPC_EPS, NULL);
	mpc_bn_random_pm(mu, MPC_ELL, R->n);
	mpc_bn_random_pm(gamma, MPC_ELL + MPC_EPS, R->n);
	if ((rv = mpc_rped_commit(R, pf->S, x, L + 1, mu, MPC_ELL + nb + 1))
	        != 0
	    || (rv = paillier_nonce(pk, r, rn)) != 0
	    || (rv = paillier_enc_rn(pk, pf->A, alpha, rn)) != 0
	    || (rv = zk_secret_point(ctx, &pf->Y, alpha, B)) != 0
	    || (rv = mpc_rped_commit(R, pf->D, alpha, L + MPC_EPS + 1, gamma,
	            MPC_ELL + MPC_EPS + nb + 1))
	        != 0)
		goto out;
	if ((rv = logstar_challenge(ctx, e, sess, range, R, pk, C, X, B, pf))
	    != 0)
		goto out;
	if ((rv = ct_lincomb(pf->z1, alpha, e, x, big)) != 0
	    || (rv = zk_resp_nonce(pk, pf->z2, r, rho, e)) != 0
	    || (rv = ct_lincomb(pf->z3, gamma, e, mu, big)) != 0)
		goto out;
out:
	mpz_clears(alpha, mu, r, rn, gamma, e, NULL);
	return rv;
}

int
mpc_zk_logstar_prove(struct mpc_ctx *ctx, struct mpc_zk_logstar_proof *pf,
    const struct mpc_zk_sess *sess, enum mpc_zk_range range,
    const struct mpc_rped *R, const struct mpc_paillier_pk *pk, mpz_srcptr C,
    const struct mpc_point *X, const struct mpc_point *B, mpz_srcptr x,
    mpz_srcptr rho)
{
	return zk_logstar_prove_core(
	    ctx, pf, sess, range, R, pk, C, X, B, x, rho, NULL);
}

int
mpc_zk_logstar_verify(struct mpc_ctx *ctx, struct mpc_blame *blame,
    const struct mpc_zk_logstar_proof *pf, const struct mpc_zk_sess *sess,
    enum mpc_zk_range range, const struct mpc_rped *R,
    const struct mpc_paillier_pk *pk, mpz_srcptr C, const struct mpc_point *X,
    const struct mpc_point *B)
{
	uint32_t who;
	mpz_t e;
	int rv, ok;

	ARG_CHECK(ctx != NULL && pf != NULL && R != NULL && pk != NULL
	    && C != NULL && X != NULL && zk_sess_check(sess) == 0);
	ARG_CHECK(range == MPC_ZK_RANGE_ELL || range == MPC_ZK_RANGE_WIDE);
	who = sess->prover;
	if (!zk_unit(C, pk->n2) || !zk_unit(pf->A, pk->n2)
	    || !zk_unit(pf->S, R->n) || !zk_unit(pf->D, R->n)
	    || !zk_unit(pf->z2, pk->n) || mpc_point_is_identity(&pf->Y)
	    || (B != NULL && mpc_point_is_identity(B)))
		return zk_fail(
		    blame, who, MPC_BLAME_ZK_LOGSTAR, MPC_CHECK_INPUT);
	if (!mpc_bn_in_pm_var(pf->z1, range_bits(range) + MPC_EPS, NULL))
		return zk_fail(
		    blame, who, MPC_BLAME_ZK_LOGSTAR, MPC_CHECK_RANGE1);
	mpz_init(e);
	if ((rv = logstar_challenge(ctx, e, sess, range, R, pk, C, X, B, pf))
	    != 0)
		goto out;
	if ((rv = zk_paillier_eq(pk, pf->z1, pf->z2, pf->A, C, e, &ok)) != 0)
		goto out;
	if (!ok) {
		rv = zk_fail(blame, who, MPC_BLAME_ZK_LOGSTAR, MPC_CHECK_EQ1);
		goto out;
	}
	if ((rv = zk_point_eq(ctx, pf->z1, B, &pf->Y, e, X, &ok)) != 0)
		goto out;
	if (!ok) {
		rv = zk_fail(
		    blame, who, MPC_BLAME_ZK_LOGSTAR, MPC_CHECK_EQ1 + 1);
		goto out;
	}
	if ((rv = zk_rped_eq(R, pf->z1, pf->z3, pf->D, pf->S, e, &ok)) != 0)
		goto out;
	if (!ok)
		rv = zk_fail(
		    blame, who, MPC_BLAME_ZK_LOGSTAR, MPC_CHECK_EQ1 + 2);
out:
	mpz_clear(e);
	return rv;
}

void
mpc_zk_logstar_encode(
    struct proto_wbuf *w, const struct mpc_zk_logstar_proof *pf)
{
	proto_put_u8(w, ZK_TAG_LOGSTAR);
	mpc_bn_put(w, pf->S);
	mpc_bn_put(w, pf->A);
	zk_put_point(w, &pf->Y);
	mpc_bn_put(w, pf->D);
	mpc_bn_put_signed(w, pf->z1);
	mpc_bn_put(w, pf->z2);
	mpc_bn_put_signed(w, pf->z3);
}

int
mpc_zk_logstar_decode(
    struct mpc_ctx *ctx, struct proto_rbuf *r, struct mpc_zk_logstar_proof *pf)
{
	struct proto_rbuf save = *r;
	int rv;

	ARG_CHECK(ctx != NULL && r != NULL && pf != NULL);
	if ((rv = zk_get_tag(r, ZK_TAG_LOGSTAR)) != 0
	    || (rv = mpc_bn_get(r, pf->S, MPC_N_MAX_BITS, 0)) != 0
	    || (rv = mpc_bn_get(r, pf->A, 2 * MPC_N_MAX_BITS, 0)) != 0
	    || (rv = zk_get_point(ctx, r, &pf->Y)) != 0
	    || (rv = mpc_bn_get(r, pf->D, MPC_N_MAX_BITS, 0)) != 0
	    || (rv = mpc_bn_get_signed(r, pf->z1, LOGSTAR_Z1_BITS)) != 0
	    || (rv = mpc_bn_get(r, pf->z2, MPC_N_MAX_BITS, 0)) != 0
	    || (rv = mpc_bn_get_signed(r, pf->z3, LOGSTAR_Z3_BITS)) != 0) {
		*r = save;
		mpz_set_ui(pf->S, 0);
		mpz_set_ui(pf->A, 0);
		mpc_point_set_identity(&pf->Y);
		mpz_set_ui(pf->D, 0);
		mpz_set_ui(pf->z1, 0);
		mpz_set_ui(pf->z2, 0);
		mpz_set_ui(pf->z3, 0);
		return rv;
	}
	return 0;
}
