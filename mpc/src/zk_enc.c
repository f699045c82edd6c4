/* Pi^enc: K = Enc_N0(k; rho) with k in +-2^ell (CGGMP21 Fig. 14).
 * S = s^k t^mu, A = Enc_N0(alpha; r), C = s^alpha t^gamma;
 * z1 = alpha + e k, z2 = r rho^e mod N0, z3 = gamma + e mu.
 * Verifier: K, A in Z*_N0^2; S, C in Z*_N^; z2 in Z*_N0;
 * |z1| <= 2^(ell+eps); Enc(z1; z2) == A K^e; s^z1 t^z3 == C S^e. */
#include "mpc_int.h"

#define ENC_TAG     "LK-MPC-ZK/enc/v1"
#define ENC_Z1_BITS (MPC_ELL + MPC_EPS + 64)
#define ENC_Z3_BITS (MPC_ELL + MPC_EPS + MPC_N_MAX_BITS + 64)

void
mpc_zk_enc_proof_init(struct mpc_zk_enc_proof *pf)
{
	mpz_inits(pf->S, pf->A, pf->C, pf->z1, pf->z2, pf->z3, NULL);
}

void
mpc_zk_enc_proof_clear(struct mpc_zk_enc_proof *pf)
{
	mpz_clears(pf->S, pf->A, pf->C, pf->z1, pf->z2, pf->z3, NULL);
}

static void
enc_challenge(mpz_ptr e, const struct mpc_zk_sess *sess,
    const struct mpc_rped *R, const struct mpc_paillier_pk *pk, mpz_srcptr K,
    const struct mpc_zk_enc_proof *pf)
{
	struct lk_transcript t;

	zk_ts_start(&t, ENC_TAG, sess);
	ts_rped(&t, R);
	ts_pk(&t, "N0", pk);
	ts_bn(&t, "K", K);
	ts_bn(&t, "S", pf->S);
	ts_bn(&t, "A", pf->A);
	ts_bn(&t, "C", pf->C);
	ts_challenge(&t, e);
	lk_transcript_clear(&t);
}

int
zk_enc_prove_core(struct mpc_ctx *ctx, struct mpc_zk_enc_proof *pf,
    const struct mpc_zk_sess *sess, const struct mpc_rped *R,
    const struct mpc_paillier_pk *pk, mpz_srcptr K, mpz_srcptr k,
    mpz_srcptr rho, const struct zk_force *force)
{
	size_t nb, big;
	mpz_t alpha, mu, r, rn, gamma, e;
	int rv;

	ARG_CHECK(ctx != NULL && pf != NULL && R != NULL && pk != NULL
	    && K != NULL && k != NULL && rho != NULL
	    && zk_sess_check(sess) == 0);
	if (!mpc_bn_in_pm_var(k, MPC_ELL, NULL))
		return MPC_ERANGE;
	nb = mpz_sizeinbase(R->n, 2);
	big = MPC_ELL + MPC_EPS + nb + MPC_CHAL_BITS + 8;
	mpz_inits(alpha, mu, r, rn, gamma, e, NULL);
	if (force != NULL && force->alpha != NULL)
		mpz_set(alpha, force->alpha);
	else
		mpc_bn_random_pm(alpha, MPC_ELL + MPC_EPS, NULL);
	mpc_bn_random_pm(mu, MPC_ELL, R->n);
	mpc_bn_random_pm(gamma, MPC_ELL + MPC_EPS, R->n);
	if ((rv = mpc_rped_commit(
	         R, pf->S, k, MPC_ELL + 1, mu, MPC_ELL + nb + 1))
	        != 0
	    || (rv = paillier_nonce(pk, r, rn)) != 0
	    || (rv = paillier_enc_rn(pk, pf->A, alpha, rn)) != 0
	    || (rv = mpc_rped_commit(R, pf->C, alpha, MPC_ELL + MPC_EPS + 1,
	            gamma, MPC_ELL + MPC_EPS + nb + 1))
	        != 0)
		goto out;
	enc_challenge(e, sess, R, pk, K, pf);
	if ((rv = ct_lincomb(pf->z1, alpha, e, k, big)) != 0
	    || (rv = zk_resp_nonce(pk, pf->z2, r, rho, e)) != 0
	    || (rv = ct_lincomb(pf->z3, gamma, e, mu, big)) != 0)
		goto out;
out:
	mpz_clears(alpha, mu, r, rn, gamma, e, NULL);
	return rv;
}

int
mpc_zk_enc_prove(struct mpc_ctx *ctx, struct mpc_zk_enc_proof *pf,
    const struct mpc_zk_sess *sess, const struct mpc_rped *R,
    const struct mpc_paillier_pk *pk, mpz_srcptr K, mpz_srcptr k,
    mpz_srcptr rho)
{
	return zk_enc_prove_core(ctx, pf, sess, R, pk, K, k, rho, NULL);
}

int
mpc_zk_enc_verify(struct mpc_ctx *ctx, struct mpc_blame *blame,
    const struct mpc_zk_enc_proof *pf, const struct mpc_zk_sess *sess,
    const struct mpc_rped *R, const struct mpc_paillier_pk *pk, mpz_srcptr K)
{
	uint32_t who;
	mpz_t e;
	int rv, ok;

	ARG_CHECK(ctx != NULL && pf != NULL && R != NULL && pk != NULL
	    && K != NULL && zk_sess_check(sess) == 0);
	who = sess->prover;
	if (!zk_unit(K, pk->n2) || !zk_unit(pf->A, pk->n2)
	    || !zk_unit(pf->S, R->n) || !zk_unit(pf->C, R->n)
	    || !zk_unit(pf->z2, pk->n))
		return zk_fail(blame, who, MPC_BLAME_ZK_ENC, MPC_CHECK_INPUT);
	if (!mpc_bn_in_pm_var(pf->z1, MPC_ELL + MPC_EPS, NULL))
		return zk_fail(blame, who, MPC_BLAME_ZK_ENC, MPC_CHECK_RANGE1);
	mpz_init(e);
	enc_challenge(e, sess, R, pk, K, pf);
	if ((rv = zk_paillier_eq(pk, pf->z1, pf->z2, pf->A, K, e, &ok)) != 0)
		goto out;
	if (!ok) {
		rv = zk_fail(blame, who, MPC_BLAME_ZK_ENC, MPC_CHECK_EQ1);
		goto out;
	}
	if ((rv = zk_rped_eq(R, pf->z1, pf->z3, pf->C, pf->S, e, &ok)) != 0)
		goto out;
	if (!ok)
		rv = zk_fail(blame, who, MPC_BLAME_ZK_ENC, MPC_CHECK_EQ1 + 1);
out:
	mpz_clear(e);
	return rv;
}

void
mpc_zk_enc_encode(struct proto_wbuf *w, const struct mpc_zk_enc_proof *pf)
{
	proto_put_u8(w, ZK_TAG_ENC);
	mpc_bn_put(w, pf->S);
	mpc_bn_put(w, pf->A);
	mpc_bn_put(w, pf->C);
	mpc_bn_put_signed(w, pf->z1);
	mpc_bn_put(w, pf->z2);
	mpc_bn_put_signed(w, pf->z3);
}

int
mpc_zk_enc_decode(struct proto_rbuf *r, struct mpc_zk_enc_proof *pf)
{
	struct proto_rbuf save = *r;
	int rv;

	ARG_CHECK(r != NULL && pf != NULL);
	if ((rv = zk_get_tag(r, ZK_TAG_ENC)) != 0
	    || (rv = mpc_bn_get(r, pf->S, MPC_N_MAX_BITS, 0)) != 0
	    || (rv = mpc_bn_get(r, pf->A, 2 * MPC_N_MAX_BITS, 0)) != 0
	    || (rv = mpc_bn_get(r, pf->C, MPC_N_MAX_BITS, 0)) != 0
	    || (rv = mpc_bn_get_signed(r, pf->z1, ENC_Z1_BITS)) != 0
	    || (rv = mpc_bn_get(r, pf->z2, MPC_N_MAX_BITS, 0)) != 0
	    || (rv = mpc_bn_get_signed(r, pf->z3, ENC_Z3_BITS)) != 0) {
		*r = save;
		mpz_set_ui(pf->S, 0);
		mpz_set_ui(pf->A, 0);
		mpz_set_ui(pf->C, 0);
		mpz_set_ui(pf->z1, 0);
		mpz_set_ui(pf->z2, 0);
		mpz_set_ui(pf->z3, 0);
		return rv;
	}
	return 0;
}
