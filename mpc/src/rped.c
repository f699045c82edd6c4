/* Ring-Pedersen parameters (N, s, t): t = r^2, s = t^lambda mod N. */
#include <stdlib.h>
#include <string.h>

#include "mpc_int.h"

static struct mpc_rped *
rped_alloc(void)
{
	struct mpc_rped *rp = calloc(1, sizeof(*rp));

	if (rp == NULL)
		return NULL;
	mpz_inits(rp->n, rp->s, rp->t, rp->sinv, rp->tinv, rp->lambda, NULL);
	return rp;
}

void
mpc_rped_free(struct mpc_rped *rp)
{
	if (rp == NULL)
		return;
	fbt_clear(&rp->fs);
	fbt_clear(&rp->ft);
	fbt_clear(&rp->fsp);
	fbt_clear(&rp->ftp);
	fbt_clear(&rp->fsq);
	fbt_clear(&rp->ftq);
	if (rp->xn.bm != NULL)
		mx_clear(&rp->xn);
	mpz_clears(rp->n, rp->s, rp->t, rp->sinv, rp->tinv, rp->lambda, NULL);
	free(rp);
}

static int
rped_finish(struct mpc_rped *rp)
{
	int rv;

	if ((rv = mx_init(&rp->xn, rp->n)) != 0)
		return rv;
	if (!mpz_invert(rp->sinv, rp->s, rp->n)
	    || !mpz_invert(rp->tinv, rp->t, rp->n))
		return MPC_EPARAMS;
	return 0;
}

static int
own_from_t_lambda(struct mpc_rped **out, const struct mpc_paillier_sk *sk,
    mpz_srcptr t, mpz_srcptr lambda)
{
	struct mpc_rped *rp;
	mpz_t ep, eq;
	int rv;

	if ((rp = rped_alloc()) == NULL)
		return MPC_ENOMEM;
	mpz_inits(ep, eq, NULL);
	mpz_set(rp->n, sk->pk.n);
	mpz_set(rp->t, t);
	mpz_set(rp->lambda, lambda);
	rp->sk = sk;
	/* s = t^lambda, CRT with constant-time halves */
	mpz_mod(ep, lambda, sk->pm1);
	mpz_mod(eq, lambda, sk->qm1);
	if ((rv = paillier_powm_n_crt(sk, rp->s, t, ep, eq)) == 0)
		rv = rped_finish(rp);
	mpz_clears(ep, eq, NULL);
	if (rv != 0) {
		mpc_rped_free(rp);
		return rv;
	}
	*out = rp;
	return 0;
}

int
mpc_rped_gen(struct mpc_rped **out, const struct mpc_paillier_sk *sk)
{
	mpz_t r, t, lambda;
	int rv;

	ARG_CHECK(out != NULL && sk != NULL);
	*out = NULL;
	mpz_inits(r, t, lambda, NULL);
	for (;;) {
		mpc_bn_random_unit(r, sk->pk.n);
		mpz_mul(t, r, r);
		mpz_mod(t, t, sk->pk.n);
		mpc_bn_random_below(lambda, sk->phi);
		rv = own_from_t_lambda(out, sk, t, lambda);
		if (rv != MPC_EPARAMS)
			break;
	}
	/* s = t or s = 1 (lambda = 1 or 0) has probability ~2^-3000 and is
	 * refused by peers; check anyway. */
	if (rv == 0
	    && (mpz_cmp((*out)->s, (*out)->t) == 0
	        || mpz_cmp_ui((*out)->s, 1) == 0)) {
		mpc_rped_free(*out);
		*out = NULL;
		rv = MPC_EPARAMS;
	}
	mpz_clears(r, t, lambda, NULL);
	return rv;
}

int
mpc_rped_restore(struct mpc_rped **out, const struct mpc_paillier_sk *sk,
    mpz_srcptr t, mpz_srcptr lambda)
{
	ARG_CHECK(out != NULL && sk != NULL && t != NULL && lambda != NULL);
	*out = NULL;
	if (!mpc_bn_is_unit_var(t, sk->pk.n) || mpz_sgn(lambda) < 0
	    || mpz_cmp(lambda, sk->phi) >= 0)
		return MPC_EPARAMS;
	return own_from_t_lambda(out, sk, t, lambda);
}

int
mpc_rped_new(struct mpc_rped **out, mpz_srcptr n, mpz_srcptr s, mpz_srcptr t)
{
	struct mpc_rped *rp;
	mpz_t nm1;
	int rv;

	ARG_CHECK(out != NULL && n != NULL && s != NULL && t != NULL);
	*out = NULL;
	mpc_init();
	if ((rv = modulus_check_var(n)) != 0)
		return rv;
	mpz_init(nm1);
	mpz_sub_ui(nm1, n, 1);
	rv = 0;
	if (!mpc_bn_is_unit_var(s, n) || !mpc_bn_is_unit_var(t, n)
	    || mpz_cmp(s, t) == 0 || mpz_cmp_ui(s, 1) == 0
	    || mpz_cmp_ui(t, 1) == 0 || mpz_cmp(s, nm1) == 0
	    || mpz_cmp(t, nm1) == 0)
		rv = MPC_EPARAMS;
	mpz_clear(nm1);
	if (rv != 0)
		return rv;
	if ((rp = rped_alloc()) == NULL)
		return MPC_ENOMEM;
	mpz_set(rp->n, n);
	mpz_set(rp->s, s);
	mpz_set(rp->t, t);
	if ((rv = rped_finish(rp)) != 0) {
		mpc_rped_free(rp);
		return rv;
	}
	*out = rp;
	return 0;
}

static int
half_table(struct fbt *t, const struct mx *x, mpz_srcptr g)
{
	mpz_t gm;
	int rv;

	mpz_init(gm);
	mpz_mod(gm, g, x->m);
	rv = fbt_build(t, x, gm, x->nbits, FBT_WINDOW);
	mpz_clear(gm);
	return rv;
}

int
mpc_rped_precompute(struct mpc_rped *rp)
{
	int rv;

	ARG_CHECK(rp != NULL);
	if (rp->tables)
		return 0;
	if (rp->sk != NULL) {
		const struct mpc_paillier_sk *sk = rp->sk;
		if ((rv = half_table(&rp->fsp, &sk->xp, rp->s)) != 0
		    || (rv = half_table(&rp->ftp, &sk->xp, rp->t)) != 0
		    || (rv = half_table(&rp->fsq, &sk->xq, rp->s)) != 0
		    || (rv = half_table(&rp->ftq, &sk->xq, rp->t)) != 0)
			goto fail;
	} else {
		if ((rv = fbt_build(
		         &rp->fs, &rp->xn, rp->s, RPED_S_BITS, FBT_WINDOW))
		        != 0
		    || (rv = fbt_build(&rp->ft, &rp->xn, rp->t, RPED_T_BITS,
		            RPED_T_WINDOW))
		        != 0)
			goto fail;
	}
	rp->tables = 1;
	return 0;
fail:
	fbt_clear(&rp->fs);
	fbt_clear(&rp->ft);
	fbt_clear(&rp->fsp);
	fbt_clear(&rp->ftp);
	fbt_clear(&rp->fsq);
	fbt_clear(&rp->ftq);
	return rv;
}

size_t
mpc_rped_table_bytes(const struct mpc_rped *rp)
{
	return fbt_bytes(&rp->fs) + fbt_bytes(&rp->ft) + fbt_bytes(&rp->fsp)
	    + fbt_bytes(&rp->ftp) + fbt_bytes(&rp->fsq) + fbt_bytes(&rp->ftq);
}

mpz_srcptr
mpc_rped_n(const struct mpc_rped *rp)
{
	return rp->n;
}

mpz_srcptr
mpc_rped_s(const struct mpc_rped *rp)
{
	return rp->s;
}

mpz_srcptr
mpc_rped_t(const struct mpc_rped *rp)
{
	return rp->t;
}

int
mpc_rped_lambda(const struct mpc_rped *rp, mpz_ptr lambda)
{
	ARG_CHECK(rp != NULL && lambda != NULL && rp->sk != NULL);
	mpz_set(lambda, rp->lambda);
	return 0;
}

int
mpc_rped_is_own(const struct mpc_rped *rp)
{
	return rp->sk != NULL;
}

/* Own parameters: exponents reduced mod p-1 and q-1 (constant time), one
 * half-size table pair per prime, CRT. */
static int
commit_crt(const struct mpc_rped *rp, mpz_ptr out, mpz_srcptr a, mpz_srcptr b)
{
	const struct mpc_paillier_sk *sk = rp->sk;
	mpz_t ea, eb, hp, hq;
	int rv = 0, k;

	mpz_inits(ea, eb, hp, hq, NULL);
	for (k = 0; k < 2 && rv == 0; k++) {
		mpz_srcptr m1 = k ? sk->qm1 : sk->pm1;
		size_t eb_bits = mpz_sizeinbase(m1, 2);

		if ((rv = ct_reduce_exp(ea, a, m1)) == 0
		    && (rv = ct_reduce_exp(eb, b, m1)) == 0)
			rv = fbt_pow2(k ? &rp->fsq : &rp->fsp, ea, eb_bits,
			    k ? &rp->ftq : &rp->ftp, eb, eb_bits, k ? hq : hp);
	}
	if (rv == 0)
		paillier_crt_n(sk, out, hp, hq);
	mpz_clears(ea, eb, hp, hq, NULL);
	return rv;
}

int
mpc_rped_commit(const struct mpc_rped *rp, mpz_ptr out, mpz_srcptr a,
    size_t abits, mpz_srcptr b, size_t bbits)
{
	mpz_t x, y;
	int rv;

	ARG_CHECK(rp != NULL && out != NULL && a != NULL && b != NULL);
	if ((mpz_sgn(a) != 0 && mpz_sizeinbase(a, 2) > abits)
	    || (mpz_sgn(b) != 0 && mpz_sizeinbase(b, 2) > bbits))
		return MPC_ERANGE;
	if (rp->tables && rp->sk != NULL)
		return commit_crt(rp, out, a, b);
	if (rp->tables && abits <= RPED_S_BITS && bbits <= RPED_T_BITS)
		return fbt_pow2(&rp->fs, a, abits, &rp->ft, b, bbits, out);
	mpz_inits(x, y, NULL);
	if ((rv = mx_powm_sec_signed(&rp->xn, x, rp->s, rp->sinv, a)) == 0
	    && (rv = mx_powm_sec_signed(&rp->xn, y, rp->t, rp->tinv, b)) == 0)
		rv = mx_mulmod(&rp->xn, out, x, y);
	mpz_clears(x, y, NULL);
	return rv;
}

int
mpc_rped_commit_var(
    const struct mpc_rped *rp, mpz_ptr out, mpz_srcptr a, mpz_srcptr b)
{
	size_t ab, bb;

	ARG_CHECK(rp != NULL && out != NULL && a != NULL && b != NULL);
	if (rp->tables && rp->sk != NULL)
		return commit_crt(rp, out, a, b);
	ab = mpz_sizeinbase(a, 2);
	bb = mpz_sizeinbase(b, 2);
	if (rp->tables && ab <= RPED_S_BITS && bb <= RPED_T_BITS)
		return fbt_pow2(&rp->fs, a, ab, &rp->ft, b, bb, out);
	return mx_powm2_var(&rp->xn, out, rp->s, a, rp->t, b);
}

void
mpc_rped_encode(struct proto_wbuf *w, const struct mpc_rped *rp)
{
	mpc_bn_put(w, rp->n);
	mpc_bn_put(w, rp->s);
	mpc_bn_put(w, rp->t);
}

int
mpc_rped_decode(struct proto_rbuf *r, struct mpc_rped **out)
{
	struct proto_rbuf save = *r;
	mpz_t n, s, t;
	int rv;

	ARG_CHECK(r != NULL && out != NULL);
	*out = NULL;
	mpz_inits(n, s, t, NULL);
	if ((rv = mpc_bn_get(r, n, MPC_N_MAX_BITS, 0)) != 0
	    || (rv = mpc_bn_get(r, s, MPC_N_MAX_BITS, 0)) != 0
	    || (rv = mpc_bn_get(r, t, MPC_N_MAX_BITS, 0)) != 0
	    || (rv = mpc_rped_new(out, n, s, t)) != 0)
		*r = save;
	mpz_clears(n, s, t, NULL);
	return rv;
}

int
mpc_rped_own_encode(struct proto_wbuf *w, const struct mpc_rped *rp)
{
	ARG_CHECK(w != NULL && rp != NULL && rp->sk != NULL);
	mpc_bn_put(w, rp->t);
	mpc_bn_put(w, rp->lambda);
	return 0;
}

int
mpc_rped_own_decode(struct proto_rbuf *r, const struct mpc_paillier_sk *sk,
    struct mpc_rped **out)
{
	struct proto_rbuf save = *r;
	mpz_t t, lambda;
	int rv;

	ARG_CHECK(r != NULL && sk != NULL && out != NULL);
	*out = NULL;
	mpz_inits(t, lambda, NULL);
	if ((rv = mpc_bn_get(r, t, MPC_N_MAX_BITS, 0)) != 0
	    || (rv = mpc_bn_get(r, lambda, MPC_N_MAX_BITS, 1)) != 0
	    || (rv = mpc_rped_restore(out, sk, t, lambda)) != 0)
		*r = save;
	mpz_clears(t, lambda, NULL);
	return rv;
}
