/* Big-integer layer: sampling ranges, wire form, constant-time limb
 * helpers and the exponentiation engine against plain GMP. */
#include <string.h>

#include <check.h>

#include "../../mpc/src/mpc_int.h"
#include "mpc_test.h"

Suite *bn_suite(void);

START_TEST(sampling_ranges)
{
	mpz_t r, n, m, b, g;
	int i, seen_neg = 0, seen_pos = 0;

	mpz_inits(r, n, m, b, g, NULL);
	mpz_set_ui(n, 1000003);
	mpz_mul_ui(n, n, 999983); /* composite */
	for (i = 0; i < 2000; i++) {
		ck_assert_int_eq(mpc_bn_random_below(r, n), 0);
		ck_assert(mpz_sgn(r) >= 0 && mpz_cmp(r, n) < 0);
		ck_assert_int_eq(mpc_bn_random_unit(r, n), 0);
		mpz_gcd(g, r, n);
		ck_assert(mpz_cmp_ui(g, 1) == 0 && mpz_sgn(r) > 0);
		ck_assert_int_eq(mpc_bn_random_pm(r, 10, NULL), 0);
		ck_assert(mpc_bn_in_pm_var(r, 10, NULL));
		seen_neg |= mpz_sgn(r) < 0;
		seen_pos |= mpz_sgn(r) > 0;
		mpz_set_ui(m, 12345);
		ck_assert_int_eq(mpc_bn_random_pm(r, 20, m), 0);
		ck_assert(mpc_bn_in_pm_var(r, 20, m));
		mpc_bn_random_bits(r, 77);
		ck_assert(mpz_sizeinbase(r, 2) <= 77);
	}
	ck_assert(seen_neg && seen_pos);
	/* the bound is inclusive and exact */
	mpz_set_ui(b, 1024);
	ck_assert(mpc_bn_in_pm_var(b, 10, NULL));
	mpz_neg(b, b);
	ck_assert(mpc_bn_in_pm_var(b, 10, NULL));
	mpz_sub_ui(b, b, 1);
	ck_assert(!mpc_bn_in_pm_var(b, 10, NULL));
	ck_assert(!mpc_bn_is_unit_var(n, n));
	mpz_set_ui(r, 0);
	ck_assert(!mpc_bn_is_unit_var(r, n));
	mpz_set_ui(r, 1000003);
	ck_assert(!mpc_bn_is_unit_var(r, n));
	mpz_clears(r, n, m, b, g, NULL);
}
END_TEST

START_TEST(wire_form)
{
	uint8_t buf[256];
	struct proto_wbuf w;
	struct proto_rbuf r;
	mpz_t a, b;
	size_t len;

	mpz_inits(a, b, NULL);
	proto_wbuf_init(&w, buf, sizeof(buf));
	mpz_set_str(a, "-123456789abcdef0123", 16);
	mpc_bn_put_signed(&w, a);
	mpz_set_ui(a, 0);
	mpc_bn_put_signed(&w, a);
	mpz_set_str(a, "ffff", 16);
	mpc_bn_put(&w, a);
	ck_assert_int_eq(proto_wbuf_finish(&w, &len), 0);
	proto_rbuf_init(&r, buf, len);
	ck_assert_int_eq(mpc_bn_get_signed(&r, b, 100), 0);
	mpz_set_str(a, "-123456789abcdef0123", 16);
	ck_assert(mpz_cmp(a, b) == 0);
	ck_assert_int_eq(mpc_bn_get_signed(&r, b, 100), 0);
	ck_assert(mpz_sgn(b) == 0);
	/* 16 bits allowed but 15 not: cursor unchanged, output zero */
	{
		struct proto_rbuf save = r;
		ck_assert_int_eq(mpc_bn_get(&r, b, 15, 0), MPC_ERANGE);
		ck_assert(mpz_sgn(b) == 0);
		ck_assert(r.p == save.p && r.len == save.len);
	}
	ck_assert_int_eq(mpc_bn_get(&r, b, 16, 0), 0);
	ck_assert_int_eq(mpz_get_ui(b), 0xffff);
	ck_assert_int_eq(proto_rbuf_done(&r), 0);
	/* "-0" and a sign byte of 2 are not canonical */
	{
		const uint8_t negzero[] = { 1, 0, 0 }, two[] = { 2, 0, 1, 5 };
		const uint8_t lead0[] = { 0, 0, 2, 0, 5 };
		proto_rbuf_init(&r, negzero, sizeof(negzero));
		ck_assert_int_eq(mpc_bn_get_signed(&r, b, 64), MPC_EDECODE);
		ck_assert_uint_eq(r.len, sizeof(negzero));
		proto_rbuf_init(&r, two, sizeof(two));
		ck_assert_int_eq(mpc_bn_get_signed(&r, b, 64), MPC_EDECODE);
		proto_rbuf_init(&r, lead0, sizeof(lead0));
		ck_assert_int_eq(mpc_bn_get_signed(&r, b, 64), PROTO_ENONCANON);
	}
	mpz_clears(a, b, NULL);
}
END_TEST

START_TEST(ct_fma_matches_gmp)
{
	mpz_t a, b, c, z, ref;
	int i;

	mpz_inits(a, b, c, z, ref, NULL);
	for (i = 0; i < 3000; i++) {
		size_t ab = (size_t) (i % 700), bb = (size_t) ((i * 7) % 300),
		       cb = (size_t) ((i * 13) % 500);
		mpc_bn_random_bits(a, ab);
		mpc_bn_random_bits(b, bb);
		mpc_bn_random_bits(c, cb);
		if (i & 1)
			mpz_neg(a, a);
		if (i & 2)
			mpz_neg(b, b);
		if (i & 4)
			mpz_neg(c, c);
		mpz_mul(ref, b, c);
		mpz_add(ref, ref, a);
		ck_assert_int_eq(ct_fma(z, a, b, c, 1000, i & 8), 0);
		ck_assert(mpz_cmp(z, ref) == 0);
		if (mpz_sgn(b) >= 0) {
			ck_assert_int_eq(ct_lincomb(z, a, b, c, 1000), 0);
			ck_assert(mpz_cmp(z, ref) == 0);
		}
	}
	/* too large for the declared width */
	mpc_bn_random_bits(a, 2000);
	ck_assert_int_eq(ct_fma(z, a, b, c, 1000, 1), MPC_ERANGE);
	mpz_clears(a, b, c, z, ref, NULL);
}
END_TEST

START_TEST(ct_reduce_exponents)
{
	mpz_t m, a, r, ref;
	int i;

	mpz_inits(m, a, r, ref, NULL);
	for (i = 0; i < 1000; i++) {
		mpc_bn_random_bits(m, (size_t) (64 + i % 1500));
		mpz_setbit(m, (mp_bitcnt_t) (63 + i % 1500));
		mpc_bn_random_bits(a, (size_t) (i * 7 % 4000));
		if (i & 1)
			mpz_neg(a, a);
		ck_assert_int_eq(ct_reduce_exp(r, a, m), 0);
		mpz_mod(ref, a, m);
		if (mpz_sgn(a) < 0 && mpz_sgn(ref) == 0)
			mpz_set(ref, m); /* documented stand-in for 0 */
		ck_assert(mpz_cmp(r, ref) == 0);
	}
	mpz_clears(m, a, r, ref, NULL);
}
END_TEST

START_TEST(ct_mod_and_center)
{
	mpz_t n, h, m, r, ref;
	int i;

	mpz_inits(n, h, m, r, ref, NULL);
	mpc_bn_random_bits(n, 3072);
	mpz_setbit(n, 3071);
	mpz_setbit(n, 0);
	mpz_fdiv_q_2exp(h, n, 1);
	for (i = 0; i < 500; i++) {
		mpc_bn_random_below(m, n);
		if (i & 1)
			mpz_neg(m, m);
		if (i % 5 == 0)
			mpc_bn_random_bits(m, (size_t) i);
		ck_assert_int_eq(ct_mod_signed(r, m, n), 0);
		mpz_mod(ref, m, n);
		ck_assert(mpz_cmp(r, ref) == 0);
		/* center: (-N/2, N/2] */
		ck_assert_int_eq(ct_center(r, ref, n, h), 0);
		if (mpz_cmp(ref, h) > 0)
			mpz_sub(ref, ref, n);
		ck_assert(mpz_cmp(r, ref) == 0);
	}
	mpz_set(m, h);
	ck_assert_int_eq(ct_center(r, m, n, h), 0);
	ck_assert(mpz_cmp(r, h) == 0);
	mpz_add_ui(m, h, 1);
	ck_assert_int_eq(ct_center(r, m, n, h), 0);
	ck_assert(mpz_sgn(r) < 0);
	ck_assert_int_eq(ct_mod_signed(r, n, n), MPC_ERANGE);
	mpz_clears(n, h, m, r, ref, NULL);
}
END_TEST

START_TEST(engine_matches_gmp)
{
	struct mx x;
	mpz_t m, b, bi, e, e2, b2, r, ref, t;
	int i;

	mpz_inits(m, b, bi, e, e2, b2, r, ref, t, NULL);
	mpc_bn_random_bits(m, 1024);
	mpz_setbit(m, 1023);
	mpz_setbit(m, 0);
	ck_assert_int_eq(mx_init(&x, m), 0);
	for (i = 0; i < 100; i++) {
		mpc_bn_random_unit(b, m);
		mpz_invert(bi, b, m);
		mpc_bn_random_bits(e, (size_t) (i * 13));
		mpz_powm(ref, b, e, m);
		ck_assert_int_eq(mx_powm_sec(&x, r, b, e), 0);
		ck_assert(mpz_cmp(r, ref) == 0);
		ck_assert_int_eq(mx_powm_var(&x, r, b, e), 0);
		ck_assert(mpz_cmp(r, ref) == 0);
		ck_assert_int_eq(mx_powm_sec_signed(&x, r, b, bi, e), 0);
		ck_assert(mpz_cmp(r, ref) == 0);
		mpz_neg(t, e);
		mpz_powm(ref, bi, e, m);
		ck_assert_int_eq(mx_powm_sec_signed(&x, r, b, bi, t), 0);
		ck_assert(mpz_cmp(r, ref) == 0);
		ck_assert_int_eq(mx_powm_var(&x, r, b, t), 0);
		ck_assert(mpz_cmp(r, ref) == 0);
		/* simultaneous: b^e * b2^(-e2) */
		mpc_bn_random_unit(b2, m);
		mpc_bn_random_bits(e2, 300);
		mpz_neg(t, e2);
		mpz_powm(ref, b, e, m);
		mpz_powm(r, b2, t, m);
		mpz_mul(ref, ref, r);
		mpz_mod(ref, ref, m);
		ck_assert_int_eq(mx_powm2_var(&x, r, b, e, b2, t), 0);
		ck_assert(mpz_cmp(r, ref) == 0);
		mpz_mul(ref, b, b2);
		mpz_mod(ref, ref, m);
		ck_assert_int_eq(mx_mulmod(&x, r, b, b2), 0);
		ck_assert(mpz_cmp(r, ref) == 0);
	}
	mx_clear(&x);
	mpz_clears(m, b, bi, e, e2, b2, r, ref, t, NULL);
}
END_TEST

/* Both exponentiation engines (OpenSSL, and AVX-512 IFMA where the CPU has
 * it) against mpz_powm: moduli at the IFMA digit boundaries and all-ones
 * moduli (longest carry chains), edge bases and exponents. */
static void
engine_case(const struct mx *x, mpz_srcptr m, mpz_srcptr b, mpz_srcptr e)
{
	mpz_t r, ref, bi, t;

	mpz_inits(r, ref, bi, t, NULL);
	mpz_powm(ref, b, e, m);
	/* secret bases are non-negative (a value >= m is reduced first) */
	mpz_mod(t, b, m);
	ck_assert_int_eq(mx_powm_sec(x, r, mpz_sgn(b) < 0 ? t : b, e), 0);
	ck_assert(mpz_cmp(r, ref) == 0);
	ck_assert_int_eq(mx_powm_var(x, r, b, e), 0);
	ck_assert(mpz_cmp(r, ref) == 0);
	if (mpz_invert(bi, b, m)) {
		mpz_mod(t, b, m);
		ck_assert_int_eq(mx_powm_sec_signed(x, r, t, bi, e), 0);
		ck_assert(mpz_cmp(r, ref) == 0);
		mpz_neg(t, e);
		mpz_powm(ref, b, t, m);
		mpz_mod(bi, b, m);
		ck_assert_int_eq(mx_powm_var(x, r, bi, t), 0);
		ck_assert(mpz_cmp(r, ref) == 0);
		mpz_invert(t, bi, m);
		mpz_neg(bi, e);
		mpz_mod(r, b, m);
		ck_assert_int_eq(mx_powm_sec_signed(x, r, r, t, bi), 0);
		ck_assert(mpz_cmp(r, ref) == 0);
		/* b^e * b^(-e) = 1 through the simultaneous path */
		ck_assert_int_eq(mx_powm2_var(x, r, b, e, b, bi), 0);
		ck_assert(mpz_cmp_ui(r, 1) == 0);
	}
	mpz_clears(r, ref, bi, t, NULL);
}

START_TEST(engines_all_sizes)
{
	static const size_t bits[] = { 64, 521, 1024, 1536, 1558, 2048, 3072,
		3118, 4096, 6144, 6186, 6654, 6655, 7000 };
	struct mx x;
	mpz_t m, b, e;
	size_t i, bl;
	int eng, j, k, was = mpc_accel_active();

	mpz_inits(m, b, e, NULL);
	for (eng = 0; eng < 2; eng++) {
		mpc_accel_set(eng);
		for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
			for (j = 0; j < 2; j++) {
				if (j == 0) { /* all ones */
					mpz_set_ui(m, 1);
					mpz_mul_2exp(m, m, bits[i]);
					mpz_sub_ui(m, m, 1);
				} else {
					mpc_bn_random_bits(m, bits[i]);
					mpz_setbit(m, bits[i] - 1);
					mpz_setbit(m, 0);
				}
				ck_assert_int_eq(mx_init(&x, m), 0);
				/* the engine is used wherever it fits */
				ck_assert_int_eq(x.f != NULL,
				    eng && mpc_accel_active()
				        && bits[i] <= 6654);
				for (k = 0; k < 8; k++) {
					switch (k) {
					case 0:
						mpz_set_ui(b, 0);
						break;
					case 1:
						mpz_set_ui(b, 1);
						break;
					case 2:
						mpz_sub_ui(b, m, 1);
						break;
					case 3: /* not reduced */
						mpz_add_ui(b, m, 5);
						break;
					case 4:
						mpz_set_si(b, -7);
						break;
					default:
						mpc_bn_random_below(b, m);
					}
					bl = (size_t) k * 97 + bits[i] % 61;
					mpc_bn_random_bits(e, bl);
					if (k == 1)
						mpz_set_ui(e, 0);
					if (k == 6) { /* all-ones windows */
						mpz_set_ui(e, 1);
						mpz_mul_2exp(
						    e, e, bits[i] + 64);
						mpz_sub_ui(e, e, 1);
					}
					if (k == 7 && bits[i] <= 3118)
						mpz_set(e, m);
					engine_case(&x, m, b, e);
				}
				mx_clear(&x);
			}
		}
	}
	mpc_accel_set(was);
	mpz_clears(m, b, e, NULL);
}
END_TEST

START_TEST(fixed_base_table)
{
	struct mx x;
	struct fbt t, t2;
	mpz_t m, g, g2, e, e2, r, ref, u;
	size_t bound;
	int i, eng, was = mpc_accel_active();

	mpz_inits(m, g, g2, e, e2, r, ref, u, NULL);
	/* on both engines (the IFMA one where the CPU has it) */
	for (eng = 0; eng < 2; eng++) {
		mpc_accel_set(eng);
		mpc_bn_random_bits(m, 1536);
		mpz_setbit(m, 1535);
		mpz_setbit(m, 0);
		mpc_bn_random_unit(g, m);
		mpc_bn_random_unit(g2, m);
		ck_assert_int_eq(mx_init(&x, m), 0);
		ck_assert_int_eq(fbt_build(&t, &x, g, 700, 4), 0);
		ck_assert_int_eq(fbt_build(&t2, &x, g2, 300, 5), 0);
		ck_assert_int_eq(t.f52 != NULL, eng && mpc_accel_active());
		ck_assert_int_eq(t2.f52 != NULL, eng && mpc_accel_active());
		ck_assert(fbt_bytes(&t) > 0);
		for (i = 0; i < 300; i++) {
			/* every size up to the bound, both signs, the bound */
			mpc_bn_random_bits(e, (size_t) (i * 7 % 701));
			if (i == 1)
				mpz_set_ui(e, 0);
			if (i == 2) {
				mpz_set_ui(e, 1);
				mpz_mul_2exp(e, e, 700);
				mpz_sub_ui(e, e, 1);
			}
			if (i & 1)
				mpz_neg(e, e);
			mpz_powm(ref, g, e, m);
			/* the declared bound: the table's, or just above */
			bound = mpz_sizeinbase(e, 2) + (size_t) (i % 5);
			if (i % 3 == 0 || bound > 700)
				bound = 700;
			ck_assert_int_eq(fbt_pow(&t, r, e, bound), 0);
			ck_assert(mpz_cmp(r, ref) == 0);
			/* two tables: g^e * g2^e2 */
			mpc_bn_random_bits(e2, (size_t) (i % 301));
			if (i % 4 == 0)
				mpz_neg(e2, e2);
			mpz_powm(u, g2, e2, m);
			mpz_mul(ref, ref, u);
			mpz_mod(ref, ref, m);
			ck_assert_int_eq(
			    fbt_pow2(&t, e, bound, &t2, e2, 300, r), 0);
			ck_assert(mpz_cmp(r, ref) == 0);
		}
		mpz_set_ui(e, 1);
		mpz_mul_2exp(e, e, 700);
		ck_assert_int_eq(fbt_pow(&t, r, e, 701), MPC_ERANGE); /* > L */
		ck_assert_int_eq(fbt_pow(&t, r, e, 700), MPC_ERANGE); /* > B */
		mpz_set_ui(e, 1000);
		ck_assert_int_eq(fbt_pow(&t, r, e, 9), MPC_ERANGE);
		ck_assert_int_eq(fbt_pow2(&t, e, 10, &t2, e, 9, r), MPC_ERANGE);
		/* -(2^b - 1) with b a multiple of the window: E = 1 */
		mpz_set_ui(e, 1);
		mpz_mul_2exp(e, e, 300);
		mpz_sub_ui(e, e, 1);
		mpz_neg(e, e);
		mpz_powm(ref, g2, e, m);
		ck_assert_int_eq(fbt_pow(&t2, r, e, 300), 0);
		ck_assert(mpz_cmp(r, ref) == 0);
		/* an unreduced base builds the same table on both engines */
		{
			struct fbt t3;
			mpz_t g3;

			mpz_init(g3);
			mpz_sub(g3, g, m);
			mpz_sub(g3, g3, m);
			ck_assert_int_eq(fbt_build(&t3, &x, g3, 64, 4), 0);
			mpz_set_si(e, -12345);
			mpz_powm(ref, g, e, m);
			ck_assert_int_eq(fbt_pow(&t3, r, e, 64), 0);
			ck_assert(mpz_cmp(r, ref) == 0);
			fbt_clear(&t3);
			mpz_clear(g3);
		}
		/* two tables of different moduli do not multiply */
		{
			struct mx y;
			struct fbt t4;

			mpz_add_ui(u, m, 2);
			ck_assert_int_eq(mx_init(&y, u), 0);
			mpz_set_ui(e, 1); /* a unit mod any modulus */
			ck_assert_int_eq(fbt_build(&t4, &y, e, 64, 4), 0);
			mpz_set_ui(e, 5);
			ck_assert_int_eq(
			    fbt_pow2(&t, e, 10, &t4, e, 10, r), MPC_EINVAL);
			fbt_clear(&t4);
			mx_clear(&y);
		}
		fbt_clear(&t);
		fbt_clear(&t2);
		mx_clear(&x);
	}
	mpc_accel_set(was);
	mpz_clears(m, g, g2, e, e2, r, ref, u, NULL);
}
END_TEST

Suite *
bn_suite(void)
{
	Suite *s = suite_create("bn");
	TCase *tc = tcase_create("bn");

	tcase_add_test(tc, sampling_ranges);
	tcase_add_test(tc, wire_form);
	tcase_add_test(tc, ct_fma_matches_gmp);
	tcase_add_test(tc, ct_mod_and_center);
	tcase_add_test(tc, ct_reduce_exponents);
	tcase_add_test(tc, engine_matches_gmp);
	tcase_add_test(tc, engines_all_sizes);
	tcase_add_test(tc, fixed_base_table);
	suite_add_tcase(s, tc);
	return s;
}
