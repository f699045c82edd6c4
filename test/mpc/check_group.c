/* secp256k1 group layer: scalar arithmetic against GMP, point operations,
 * the explicit identity and strict encodings. */
#include <string.h>

#include <check.h>

#include "lk_common.h"
#include "mpc_test.h"

Suite *group_suite(void);

static mpz_t Q;

static void
setup_q(void)
{
	mpz_init_set_str(Q,
	    "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141",
	    16);
}

static void
teardown_q(void)
{
	mpz_clear(Q);
}

static void
sc_to_z(mpz_t z, const struct mpc_scalar *a)
{
	mpc_scalar_to_mpz(z, a);
}

static void
z_to_sc(struct mpc_scalar *a, const mpz_t z)
{
	uint8_t b[32], t[32] = { 0 };
	size_t cnt = 0;

	memset(b, 0, 32);
	if (mpz_sgn(z) != 0)
		mpz_export(t, &cnt, 1, 1, 1, 0, z);
	memcpy(b + 32 - cnt, t, cnt);
	ck_assert_int_eq(mpc_scalar_decode(a, b), 0);
}

START_TEST(scalar_arith_random)
{
	struct mpc_scalar a, b, r;
	mpz_t za, zb, zr, zx;
	int i;

	mpz_inits(za, zb, zr, zx, NULL);
	for (i = 0; i < 2000; i++) {
		mpc_scalar_random(&a);
		mpc_scalar_random(&b);
		if (i % 7 == 0) /* edge values: 0, 1, q-1 */
			mpc_scalar_set_u64(&a, (uint64_t) (i % 3 == 0));
		if (i % 11 == 0) {
			mpz_sub_ui(zx, Q, 1);
			z_to_sc(&b, zx);
		}
		sc_to_z(za, &a);
		sc_to_z(zb, &b);
		ck_assert(mpz_cmp(za, Q) < 0 && mpz_cmp(zb, Q) < 0);

		mpc_scalar_add(&r, &a, &b);
		sc_to_z(zr, &r);
		mpz_add(zx, za, zb);
		mpz_mod(zx, zx, Q);
		ck_assert(mpz_cmp(zr, zx) == 0);

		mpc_scalar_sub(&r, &a, &b);
		sc_to_z(zr, &r);
		mpz_sub(zx, za, zb);
		mpz_mod(zx, zx, Q);
		ck_assert(mpz_cmp(zr, zx) == 0);

		mpc_scalar_mul(&r, &a, &b);
		sc_to_z(zr, &r);
		mpz_mul(zx, za, zb);
		mpz_mod(zx, zx, Q);
		ck_assert(mpz_cmp(zr, zx) == 0);

		mpc_scalar_neg(&r, &a);
		sc_to_z(zr, &r);
		mpz_neg(zx, za);
		mpz_mod(zx, zx, Q);
		ck_assert(mpz_cmp(zr, zx) == 0);
	}
	mpz_clears(za, zb, zr, zx, NULL);
}
END_TEST

START_TEST(scalar_inverse)
{
	struct mpc_scalar a, b, r, one;
	int i;

	mpc_scalar_set_u64(&one, 1);
	for (i = 0; i < 300; i++) {
		mpc_scalar_random_nonzero(&a);
		mpc_scalar_inv(&b, &a);
		mpc_scalar_mul(&r, &a, &b);
		ck_assert(mpc_scalar_eq(&r, &one));
	}
	mpc_scalar_set_u64(&a, 0);
	mpc_scalar_inv(&b, &a);
	ck_assert(mpc_scalar_is_zero(&b));
}
END_TEST

START_TEST(scalar_decode_bounds)
{
	uint8_t b[32], e[32];
	struct mpc_scalar a;
	mpz_t z;
	size_t cnt;

	mpz_init(z);
	/* q - 1 accepted, q and 2^256 - 1 rejected with a zeroed output */
	mpz_sub_ui(z, Q, 1);
	mpz_export(b, &cnt, 1, 1, 1, 0, z);
	ck_assert_int_eq(mpc_scalar_decode(&a, b), 0);
	mpc_scalar_encode(e, &a);
	ck_assert_mem_eq(b, e, 32);
	mpz_export(b, &cnt, 1, 1, 1, 0, Q);
	ck_assert_int_eq(mpc_scalar_decode(&a, b), MPC_ESCALAR);
	ck_assert(mpc_scalar_is_zero(&a));
	memset(b, 0xff, 32);
	ck_assert_int_eq(mpc_scalar_decode(&a, b), MPC_ESCALAR);
	ck_assert(mpc_scalar_is_zero(&a));
	memset(b, 0, 32);
	ck_assert_int_eq(mpc_scalar_decode(&a, b), 0);
	ck_assert(mpc_scalar_is_zero(&a));
	mpz_clear(z);
}
END_TEST

START_TEST(scalar_wide_and_mpz)
{
	uint8_t w[64];
	struct mpc_scalar a;
	mpz_t z, r, x;
	int i;

	mpz_inits(z, r, x, NULL);
	for (i = 0; i < 500; i++) {
		lk_random(w, sizeof(w));
		if (i == 0)
			memset(w, 0xff, 64);
		mpc_scalar_from_wide(&a, w);
		mpz_import(z, 64, 1, 1, 1, 0, w);
		mpz_mod(z, z, Q);
		sc_to_z(r, &a);
		ck_assert(mpz_cmp(r, z) == 0);
	}
	/* signed integers of every size from 0 to 6000 bits */
	for (i = 0; i < 400; i++) {
		mpc_bn_random_bits(x, (size_t) (i * 15));
		if (i % 2)
			mpz_neg(x, x);
		mpc_scalar_from_mpz(&a, x);
		mpz_mod(z, x, Q);
		sc_to_z(r, &a);
		ck_assert(mpz_cmp(r, z) == 0);
	}
	mpz_clears(z, r, x, NULL);
}
END_TEST

START_TEST(scalar_hash)
{
	struct mpc_scalar a, b;
	const uint8_t m1[] = "ab", m2[] = "abc";

	mpc_scalar_hash(&a, "tag-1", m1, 2);
	mpc_scalar_hash(&b, "tag-1", m1, 2);
	ck_assert(mpc_scalar_eq(&a, &b)); /* deterministic */
	mpc_scalar_hash(&b, "tag-2", m1, 2);
	ck_assert(!mpc_scalar_eq(&a, &b)); /* domain separated */
	mpc_scalar_hash(&b, "tag-1", m2, 3);
	ck_assert(!mpc_scalar_eq(&a, &b));
	/* tag/message boundary: ("tag-1a", "b") != ("tag-1", "ab") */
	mpc_scalar_hash(&b, "tag-1a", m1 + 1, 1);
	ck_assert(!mpc_scalar_eq(&a, &b));
}
END_TEST

START_TEST(scalar_ct_helpers)
{
	struct mpc_scalar a, b, c;

	mpc_scalar_random_nonzero(&a);
	mpc_scalar_random_nonzero(&b);
	c = a;
	mpc_scalar_cmov(&c, &b, 0);
	ck_assert(mpc_scalar_eq(&c, &a));
	mpc_scalar_cmov(&c, &b, 1);
	ck_assert(mpc_scalar_eq(&c, &b));
	ck_assert(!mpc_scalar_eq(&a, &b));
	ck_assert(!mpc_scalar_is_zero(&a));
	mpc_scalar_clear(&a);
	ck_assert(mpc_scalar_is_zero(&a));
}
END_TEST

START_TEST(point_mul_consistency)
{
	struct mpc_ctx *ctx = tmpc_ctx();
	struct mpc_scalar a, b, s, one;
	struct mpc_point G, A, B, S, T, U;
	int i;

	mpc_scalar_set_u64(&one, 1);
	ck_assert_int_eq(mpc_point_mul_base(ctx, &G, &one), 0);
	ck_assert(!mpc_point_is_identity(&G));
	for (i = 0; i < 100; i++) {
		mpc_scalar_random(&a);
		mpc_scalar_random(&b);
		ck_assert_int_eq(mpc_point_mul_base(ctx, &A, &a), 0);
		ck_assert_int_eq(mpc_point_mul(ctx, &T, &a, &G), 0);
		ck_assert(mpc_point_eq_var(&A, &T));
		ck_assert_int_eq(mpc_point_mul_var(ctx, &T, &a, &G), 0);
		ck_assert(mpc_point_eq_var(&A, &T));
		/* (a + b)G == aG + bG and b(aG) == (ab)G */
		ck_assert_int_eq(mpc_point_mul_base(ctx, &B, &b), 0);
		mpc_scalar_add(&s, &a, &b);
		ck_assert_int_eq(mpc_point_mul_base(ctx, &S, &s), 0);
		ck_assert_int_eq(mpc_point_add_var(ctx, &T, &A, &B), 0);
		ck_assert(mpc_point_eq_var(&S, &T));
		mpc_scalar_mul(&s, &a, &b);
		ck_assert_int_eq(mpc_point_mul_base(ctx, &S, &s), 0);
		ck_assert_int_eq(mpc_point_mul(ctx, &U, &b, &A), 0);
		ck_assert(mpc_point_eq_var(&S, &U));
	}
}
END_TEST

START_TEST(point_identity)
{
	struct mpc_ctx *ctx = tmpc_ctx();
	struct mpc_scalar z, k, one;
	struct mpc_point G, I, P, N, T;
	uint8_t enc[33], zero[33];

	mpc_scalar_set_u64(&z, 0);
	mpc_scalar_set_u64(&one, 1);
	mpc_scalar_random_nonzero(&k);
	ck_assert_int_eq(mpc_point_mul_base(ctx, &G, &one), 0);
	ck_assert_int_eq(mpc_point_mul_base(ctx, &I, &z), 0);
	ck_assert(mpc_point_is_identity(&I));
	ck_assert_int_eq(mpc_point_mul(ctx, &T, &z, &G), 0);
	ck_assert(mpc_point_is_identity(&T));
	ck_assert_int_eq(mpc_point_mul_var(ctx, &T, &z, &G), 0);
	ck_assert(mpc_point_is_identity(&T));
	ck_assert_int_eq(mpc_point_mul(ctx, &T, &k, &I), 0);
	ck_assert(mpc_point_is_identity(&T));
	ck_assert_int_eq(mpc_point_mul_base(ctx, &P, &k), 0);
	mpc_point_neg_var(ctx, &N, &P);
	ck_assert_int_eq(mpc_point_add_var(ctx, &T, &P, &N), 0);
	ck_assert(mpc_point_is_identity(&T));
	ck_assert_int_eq(mpc_point_add_var(ctx, &T, &I, &P), 0);
	ck_assert(mpc_point_eq_var(&T, &P));
	ck_assert_int_eq(mpc_point_add_var(ctx, &T, &P, &I), 0);
	ck_assert(mpc_point_eq_var(&T, &P));
	ck_assert(!mpc_point_eq_var(&I, &P));
	ck_assert(mpc_point_eq_var(&I, &I));
	ck_assert_int_eq(mpc_point_sum_var(ctx, &T, NULL, 0), 0);
	ck_assert(mpc_point_is_identity(&T));
	/* identity encodes as 33 zero bytes, accepted only on request */
	memset(zero, 0, 33);
	mpc_point_encode(enc, &I);
	ck_assert_mem_eq(enc, zero, 33);
	ck_assert_int_eq(mpc_point_decode(ctx, &T, enc, 0), MPC_EPOINT);
	ck_assert_int_eq(mpc_point_decode(ctx, &T, enc, 1), 0);
	ck_assert(mpc_point_is_identity(&T));
	ck_assert_int_eq(mpc_point_x_scalar_var(&k, &I), MPC_EPOINT);
}
END_TEST

START_TEST(point_sums_and_encoding)
{
	struct mpc_ctx *ctx = tmpc_ctx();
	struct mpc_scalar k[5], acc, t, x;
	struct mpc_point P[5], L, R, D;
	uint8_t enc[33];
	mpz_t zx;
	int i, j;

	mpz_init(zx);
	for (j = 0; j < 20; j++) {
		mpc_scalar_set_u64(&acc, 0);
		for (i = 0; i < 5; i++) {
			struct mpc_scalar pi;
			mpc_scalar_random(&k[i]);
			mpc_scalar_random_nonzero(&pi);
			ck_assert_int_eq(
			    mpc_point_mul_base(ctx, &P[i], &pi), 0);
			mpc_scalar_mul(&t, &k[i], &pi);
			mpc_scalar_add(&acc, &acc, &t);
		}
		ck_assert_int_eq(mpc_point_lincomb_var(ctx, &L, k, P, 5), 0);
		ck_assert_int_eq(mpc_point_mul_base(ctx, &R, &acc), 0);
		ck_assert(mpc_point_eq_var(&L, &R));
		/* encode/decode round trip; x-coordinate mod q */
		mpc_point_encode(enc, &L);
		ck_assert(enc[0] == 2 || enc[0] == 3);
		ck_assert_int_eq(mpc_point_decode(ctx, &D, enc, 0), 0);
		ck_assert(mpc_point_eq_var(&D, &L));
		ck_assert_int_eq(mpc_point_x_scalar_var(&x, &L), 0);
		mpz_import(zx, 32, 1, 1, 1, 0, enc + 1);
		mpz_mod(zx, zx, Q);
		{
			mpz_t zz;
			mpz_init(zz);
			sc_to_z(zz, &x);
			ck_assert(mpz_cmp(zz, zx) == 0);
			mpz_clear(zz);
		}
		/* a bad prefix and an x off the curve are rejected */
		enc[0] = 4;
		ck_assert_int_eq(mpc_point_decode(ctx, &D, enc, 0), MPC_EPOINT);
		enc[0] = 2;
	}
	/* x = 5 has no point on secp256k1 (125 + 7 = 132 is a non-residue) */
	memset(enc, 0, 33);
	enc[0] = 2;
	enc[32] = 5;
	ck_assert_int_eq(mpc_point_decode(ctx, &D, enc, 1), MPC_EPOINT);
	ck_assert(mpc_point_is_identity(&D));
	mpz_clear(zx);
}
END_TEST

START_TEST(errors_and_misuse)
{
	static const int codes[] = { MPC_EINVAL, MPC_ENOMEM, MPC_EDECODE,
		MPC_ERANGE, MPC_EPOINT, MPC_ESCALAR, MPC_ENOTUNIT, MPC_EMODULUS,
		MPC_EPROOF, MPC_ECOUNT, MPC_EPRIME, MPC_EEMPTY, MPC_ECRYPTO,
		MPC_EPARAMS, MPC_ESPACE, MPC_EMISMATCH, MPC_EFULL };
	const char *unknown = mpc_strerror(299);
	struct mpc_point P;
	struct mpc_scalar k;
	struct mpc_zk_sch_proof pf;
	struct mpc_zk_sess bad = tmpc_sess;
	size_t i, j;

	/* every code in the 200 block, each with its own message */
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		ck_assert_int_ge(codes[i], 200);
		ck_assert_int_le(codes[i], 299);
		ck_assert_str_ne(mpc_strerror(codes[i]), unknown);
		for (j = 0; j < i; j++)
			ck_assert_str_ne(
			    mpc_strerror(codes[i]), mpc_strerror(codes[j]));
	}
	ck_assert_str_eq(mpc_strerror(199), unknown);
	/* programmer errors return MPC_EINVAL */
	mpc_scalar_set_u64(&k, 3);
	ck_assert_int_eq(mpc_point_mul_base(NULL, &P, &k), MPC_EINVAL);
	ck_assert_int_eq(mpc_point_mul_base(tmpc_ctx(), &P, NULL), MPC_EINVAL);
	ck_assert_int_eq(mpc_ctx_new(NULL), MPC_EINVAL);
	ck_assert_int_eq(mpc_point_mul_base(tmpc_ctx(), &P, &k), 0);
	bad.sid_len = 0; /* session ids are 1..256 bytes */
	ck_assert_int_eq(
	    mpc_zk_sch_prove_fresh(tmpc_ctx(), &pf, &bad, &P, &k), MPC_EINVAL);
	bad.sid_len = MPC_SID_MAX + 1;
	ck_assert_int_eq(
	    mpc_zk_sch_verify(tmpc_ctx(), NULL, &pf, &bad, &P), MPC_EINVAL);
	bad = tmpc_sess;
	bad.aux_len = 3; /* aux NULL with a length */
	ck_assert_int_eq(
	    mpc_zk_sch_prove_fresh(tmpc_ctx(), &pf, &bad, &P, &k), MPC_EINVAL);
}
END_TEST

Suite *
group_suite(void)
{
	Suite *s = suite_create("group");
	TCase *tc = tcase_create("scalar");

	tcase_add_unchecked_fixture(tc, setup_q, teardown_q);
	tcase_add_test(tc, scalar_arith_random);
	tcase_add_test(tc, scalar_inverse);
	tcase_add_test(tc, scalar_decode_bounds);
	tcase_add_test(tc, scalar_wide_and_mpz);
	tcase_add_test(tc, scalar_ct_helpers);
	tcase_add_test(tc, scalar_hash);
	tcase_add_test(tc, errors_and_misuse);
	suite_add_tcase(s, tc);
	tc = tcase_create("point");
	tcase_add_unchecked_fixture(tc, setup_q, teardown_q);
	tcase_add_test(tc, point_mul_consistency);
	tcase_add_test(tc, point_identity);
	tcase_add_test(tc, point_sums_and_encoding);
	suite_add_tcase(s, tc);
	return s;
}
