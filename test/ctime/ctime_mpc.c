/* Constant-time test of mpc/ scalar and share handling (the idea of
 * libsecp256k1's ctime_tests): secrets are marked undefined for valgrind's
 * memcheck, so any branch or memory index that depends on them is
 * reported as a use of uninitialised data. Run by test/ctime/ctime_mpc.sh
 * under valgrind --error-exitcode; outside valgrind it only checks that
 * the computations are right. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <valgrind/memcheck.h>

#include "../../mpc/src/mpc_int.h"
#include "lk_common.h"

#define SECRET(p, n) VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#define PUBLIC(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))

static int failures;

static void
expect(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "ctime_mpc: %s failed\n", what);
		failures++;
	}
}

int
main(void)
{
	struct mpc_ctx *ctx;
	struct mpc_scalar x, y, z, inv, lam, coef[3], share, tmp, one, e;
	struct mpc_point P, Q, G;
	struct mpc_zk_sch_proof pf;
	struct mpc_zk_sch_nonce nonce;
	struct mpc_blame bl;
	uint8_t b32[32], b64[64];
	mpz_t big, a, c, r;
	int i, k, eq, zero;

	if (lk_init() != 0 || mpc_ctx_new(&ctx) != 0)
		return 2;
	mpz_inits(big, a, c, r, NULL);
	mpc_scalar_set_u64(&one, 1);
	mpc_point_mul_base(ctx, &G, &one);

	/* scalar arithmetic on secrets */
	mpc_scalar_random_nonzero(&x);
	mpc_scalar_random(&y);
	SECRET(&x, sizeof(x));
	SECRET(&y, sizeof(y));
	mpc_scalar_add(&z, &x, &y);
	mpc_scalar_sub(&z, &z, &y);
	mpc_scalar_mul(&tmp, &x, &y);
	mpc_scalar_neg(&tmp, &tmp);
	mpc_scalar_inv(&inv, &x);
	mpc_scalar_mul(&tmp, &inv, &x);
	eq = mpc_scalar_eq(&tmp, &one);
	zero = mpc_scalar_is_zero(&x);
	mpc_scalar_cmov(&tmp, &y, zero);
	PUBLIC(&eq, sizeof(eq));
	expect(eq, "x * x^-1 == 1");
	eq = mpc_scalar_eq(&z, &x);
	PUBLIC(&eq, sizeof(eq));
	expect(eq, "x + y - y == x");

	/* encodings of secrets */
	mpc_scalar_encode(b32, &x);
	SECRET(b32, sizeof(b32));
	expect(mpc_scalar_decode(&z, b32) == 0 || 1, "decode");
	lk_random(b64, sizeof(b64));
	SECRET(b64, sizeof(b64));
	mpc_scalar_from_wide(&z, b64);

	/* a secret big integer (a Paillier plaintext) reduced mod q */
	mpc_bn_random_bits(big, 1100);
	mpz_neg(big, big);
	SECRET(big->_mp_d, mpz_size(big) * sizeof(mp_limb_t));
	mpc_scalar_from_mpz(&z, big);

	/* share handling: Feldman evaluation f(j) = sum a_k j^k with secret
	 * coefficients, Lagrange conversion lambda_i * x_i */
	for (k = 0; k < 3; k++) {
		mpc_scalar_random(&coef[k]);
		SECRET(&coef[k], sizeof(coef[k]));
	}
	for (i = 1; i <= 5; i++) {
		struct mpc_scalar jj, pw;
		mpc_scalar_set_u64(&jj, (uint64_t) i);
		mpc_scalar_set_u64(&pw, 1);
		mpc_scalar_set_u64(&share, 0);
		for (k = 0; k < 3; k++) {
			mpc_scalar_mul(&tmp, &coef[k], &pw);
			mpc_scalar_add(&share, &share, &tmp);
			mpc_scalar_mul(&pw, &pw, &jj);
		}
		/* public Lagrange coefficient for the set {1, 2}: i=1 -> 2 */
		mpc_scalar_set_u64(&lam, 2);
		mpc_scalar_mul(&tmp, &lam, &share);
		/* the public share X_i = share * G */
		mpc_point_mul_base(ctx, &P, &share);
	}

	/* points: secret scalar times a public point */
	mpc_point_mul(ctx, &Q, &x, &G);
	mpc_point_mul_base(ctx, &P, &x);
	expect(mpc_point_eq_var(&P, &Q), "x*G two ways");
	mpc_scalar_set_u64(&z, 0);
	SECRET(&z, sizeof(z));
	mpc_point_mul(ctx, &Q, &z, &G);
	mpc_point_mul_base(ctx, &P, &z);
	expect(mpc_point_is_identity(&P) && mpc_point_is_identity(&Q),
	    "0*G is the identity");

	/* Schnorr proof with a secret witness and nonce */
	mpc_point_mul_base(ctx, &P, &x);
	PUBLIC(&P, sizeof(P));
	mpc_zk_sch_commit(ctx, &nonce, &Q);
	SECRET(&nonce, sizeof(nonce));
	{
		static const uint8_t sid[] = "ctime";
		struct mpc_zk_sess s = { sid, 5, 3, NULL, 0 };
		expect(mpc_zk_sch_prove(ctx, &pf, &nonce, &s, &P, &x) == 0,
		    "sch prove");
		expect(mpc_zk_sch_verify(ctx, &bl, &pf, &s, &P) == 0,
		    "sch verify");
	}

	/* a response z = a + e*b with secret a, b (the big-integer proofs) */
	mpc_bn_random_pm(a, 486, NULL);
	mpc_bn_random_pm(c, 256, NULL);
	mpz_set_ui(r, 0);
	mpz_setbit(r, 127);
	mpz_set(big, a);
	mpz_addmul(big, r, c);
	SECRET(a->_mp_d, mpz_size(a) * sizeof(mp_limb_t));
	SECRET(c->_mp_d, mpz_size(c) * sizeof(mp_limb_t));
	{
		mpz_t zz;
		mpz_init(zz);
		expect(ct_lincomb(zz, a, r, c, 700) == 0, "ct_lincomb");
		expect(mpz_cmp(zz, big) == 0, "ct_lincomb value");
		mpz_clear(zz);
	}
	PUBLIC(a->_mp_d, mpz_size(a) * sizeof(mp_limb_t));
	PUBLIC(c->_mp_d, mpz_size(c) * sizeof(mp_limb_t));

	/* the one-round sign: sigma = k*(m + r*shift) + r*chi with secret
	 * k and chi (the presignature's shares); sigma is public */
	{
		struct mpc_presig_token tok;
		struct mpc_derivation d;
		struct mpc_partial part;
		struct mpc_scalar m, want;
		uint8_t hash[32];

		memset(&tok, 0, sizeof(tok));
		memset(&d, 0, sizeof(d));
		mpc_scalar_random(&tok.k);
		mpc_scalar_random(&tok.chi);
		mpc_scalar_random(&tok.r);
		mpc_scalar_random(&d.shift);
		tok.live = 1;
		lk_random(hash, sizeof(hash));
		memset(b64, 0, 32);
		memcpy(b64 + 32, hash, 32);
		mpc_scalar_from_wide(&m, b64);
		mpc_scalar_mul(&tmp, &tok.r, &d.shift);
		mpc_scalar_add(&m, &m, &tmp);
		mpc_scalar_mul(&want, &tok.k, &m);
		mpc_scalar_mul(&tmp, &tok.r, &tok.chi);
		mpc_scalar_add(&want, &want, &tmp);
		SECRET(&tok.k, sizeof(tok.k));
		SECRET(&tok.chi, sizeof(tok.chi));
		expect(mpc_sign_partial(&part, &tok, hash, &d) == 0,
		    "sign partial");
		PUBLIC(&part.sigma, sizeof(part.sigma));
		eq = mpc_scalar_eq(&part.sigma, &want);
		PUBLIC(&eq, sizeof(eq));
		expect(eq, "sign partial value");
		expect(tok.live == 0, "sign partial spends the token");
	}

	mpc_scalar_clear(&x);
	(void) e;
	mpz_clears(big, a, c, r, NULL);
	mpc_ctx_free(ctx);
	if (failures == 0)
		printf("ctime_mpc: ok\n");
	return failures == 0 ? 0 : 1;
}
