/* Pi^sch: Schnorr proof of knowledge of x with X = x*G.
 * e = H(tag, sid, prover, aux, level, X, A) reduced mod q (64-byte wide
 * reduction); z = tau + e*x; the verifier checks z*G == A + e*X. */
#include <string.h>

#include "mpc_int.h"

#define SCH_TAG "LK-MPC-ZK/sch/v1"

static void
sch_challenge(struct mpc_scalar *e, const struct mpc_zk_sess *sess,
    const struct mpc_point *X, const struct mpc_point *A)
{
	struct lk_transcript t;
	uint8_t h[64];

	zk_ts_start(&t, SCH_TAG, sess);
	ts_point(&t, "X", X);
	ts_point(&t, "A", A);
	lk_transcript_challenge(&t, "challenge", h, sizeof(h));
	mpc_scalar_from_wide(e, h);
	lk_transcript_clear(&t);
}

int
mpc_zk_sch_commit(
    struct mpc_ctx *ctx, struct mpc_zk_sch_nonce *nonce, struct mpc_point *A)
{
	ARG_CHECK(ctx != NULL && nonce != NULL && A != NULL);
	mpc_scalar_random_nonzero(&nonce->tau);
	return mpc_point_mul_base(ctx, A, &nonce->tau);
}

int
mpc_zk_sch_prove(struct mpc_ctx *ctx, struct mpc_zk_sch_proof *pf,
    struct mpc_zk_sch_nonce *nonce, const struct mpc_zk_sess *sess,
    const struct mpc_point *X, const struct mpc_scalar *x)
{
	struct mpc_scalar e, ex;
	int rv;

	ARG_CHECK(ctx != NULL && pf != NULL && nonce != NULL && X != NULL
	    && x != NULL && zk_sess_check(sess) == 0);
	if ((rv = mpc_point_mul_base(ctx, &pf->A, &nonce->tau)) != 0)
		goto out;
	sch_challenge(&e, sess, X, &pf->A);
	mpc_scalar_mul(&ex, &e, x);
	mpc_scalar_add(&pf->z, &nonce->tau, &ex);
	MPC_DECLASSIFY(&pf->z, sizeof(pf->z));
out:
	mpc_scalar_clear(&ex);
	mpc_scalar_clear(&nonce->tau); /* single use */
	return rv;
}

int
mpc_zk_sch_prove_fresh(struct mpc_ctx *ctx, struct mpc_zk_sch_proof *pf,
    const struct mpc_zk_sess *sess, const struct mpc_point *X,
    const struct mpc_scalar *x)
{
	struct mpc_zk_sch_nonce n;
	struct mpc_point A;
	int rv;

	ARG_CHECK(ctx != NULL);
	if ((rv = mpc_zk_sch_commit(ctx, &n, &A)) != 0)
		return rv;
	return mpc_zk_sch_prove(ctx, pf, &n, sess, X, x);
}

int
mpc_zk_sch_verify(struct mpc_ctx *ctx, struct mpc_blame *blame,
    const struct mpc_zk_sch_proof *pf, const struct mpc_zk_sess *sess,
    const struct mpc_point *X)
{
	struct mpc_scalar e;
	struct mpc_point l, r;
	int rv;

	ARG_CHECK(
	    ctx != NULL && pf != NULL && X != NULL && zk_sess_check(sess) == 0);
	if (mpc_point_is_identity(&pf->A))
		return zk_fail(
		    blame, sess->prover, MPC_BLAME_ZK_SCH, MPC_CHECK_INPUT);
	sch_challenge(&e, sess, X, &pf->A);
	if ((rv = mpc_point_mul_base(ctx, &l, &pf->z)) != 0
	    || (rv = mpc_point_mul_var(ctx, &r, &e, X)) != 0
	    || (rv = mpc_point_add_var(ctx, &r, &r, &pf->A)) != 0)
		return rv;
	if (!mpc_point_eq_var(&l, &r))
		return zk_fail(
		    blame, sess->prover, MPC_BLAME_ZK_SCH, MPC_CHECK_EQ1);
	return 0;
}

void
mpc_zk_sch_encode(struct proto_wbuf *w, const struct mpc_zk_sch_proof *pf)
{
	uint8_t z[MPC_SCALAR_BYTES];

	zk_put_point(w, &pf->A);
	mpc_scalar_encode(z, &pf->z);
	proto_put_fixed(w, z, sizeof(z));
}

int
mpc_zk_sch_decode(
    struct mpc_ctx *ctx, struct proto_rbuf *r, struct mpc_zk_sch_proof *pf)
{
	struct proto_rbuf save = *r;
	uint8_t z[MPC_SCALAR_BYTES];
	int rv;

	ARG_CHECK(ctx != NULL && r != NULL && pf != NULL);
	memset(pf, 0, sizeof(*pf));
	if ((rv = zk_get_point(ctx, r, &pf->A)) != 0)
		return rv;
	if ((rv = proto_get_fixed(r, z, sizeof(z))) != 0
	    || (rv = mpc_scalar_decode(&pf->z, z)) != 0) {
		*r = save;
		mpc_point_set_identity(&pf->A);
		return rv;
	}
	return 0;
}
