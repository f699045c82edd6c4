/* The IFMA engine's algorithm (mpc/src/m52.c) built on its portable lane
 * model and checked against GMP, so it is tested on machines without
 * AVX-512 IFMA too (where libmpc itself uses OpenSSL). */
#define M52_EMULATE 1
#include <stdio.h>

#include <check.h>

#include "../../mpc/src/m52.c"
#include "mpc_test.h"

Suite *m52emu_suite(void);

static void
emu_case(const struct m52 *f, mpz_srcptr m, mpz_srcptr b, mpz_srcptr e)
{
	mpz_t r, ref, bi, t;

	mpz_inits(r, ref, bi, t, NULL);
	mpz_powm(ref, b, e, m);
	ck_assert_int_eq(m52_powm(f, r, b, NULL, e), 0);
	ck_assert(mpz_cmp(r, ref) == 0);
	if (mpz_invert(bi, b, m)) {
		/* the sign of e picks binv */
		mpz_neg(t, e);
		mpz_powm(ref, b, t, m);
		ck_assert_int_eq(m52_powm(f, r, b, bi, t), 0);
		ck_assert(mpz_cmp(r, ref) == 0);
		/* b^e * binv^e = 1 */
		ck_assert_int_eq(m52_powm2_var(f, r, b, e, bi, e), 0);
		ck_assert(mpz_cmp_ui(r, 1) == 0);
	}
	mpz_clears(r, ref, bi, t, NULL);
}

START_TEST(emulated_engine_matches_gmp)
{
	static const size_t bits[] = { 64, 250, 521, 1024, 1536, 3072, 6144 };
	struct m52 *f;
	mpz_t m, b, e;
	size_t i;
	int j, k;

	mpz_inits(m, b, e, NULL);
	for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		for (j = 0; j < 2; j++) {
			if (j == 0) { /* all ones: longest carries */
				mpz_set_ui(m, 1);
				mpz_mul_2exp(m, m, bits[i]);
				mpz_sub_ui(m, m, 1);
			} else {
				mpc_bn_random_bits(m, bits[i]);
				mpz_setbit(m, bits[i] - 1);
				mpz_setbit(m, 0);
			}
			ck_assert_int_eq(m52_new(&f, m), 0);
			for (k = 0; k < 5; k++) {
				if (k == 0)
					mpz_set_ui(b, 0);
				else if (k == 1)
					mpz_sub_ui(b, m, 1);
				else
					mpc_bn_random_below(b, m);
				mpc_bn_random_bits(e, (size_t) k * 71 + 1);
				if (k == 2)
					mpz_set_ui(e, 0);
				if (k == 4 && bits[i] <= 1536)
					mpz_set(e, m);
				emu_case(f, m, b, e);
			}
			/* a base outside [0, m) is refused, not truncated */
			mpz_add_ui(b, m, 3);
			ck_assert_int_eq(
			    m52_powm(f, b, b, NULL, e), MPC_EINVAL);
			mpz_set_si(b, -7);
			ck_assert_int_eq(
			    m52_powm(f, b, b, NULL, e), MPC_EINVAL);
			m52_free(f);
		}
	}
	mpz_set_ui(m, 1);
	mpz_mul_2exp(m, m, 6655);
	mpz_add_ui(m, m, 1);
	ck_assert_int_eq(m52_new(&f, m), MPC_EINVAL); /* > 6654 bits */
	mpz_set_ui(m, 1000);
	ck_assert_int_eq(m52_new(&f, m), MPC_EINVAL); /* even */
	mpz_clears(m, b, e, NULL);
}
END_TEST

START_TEST(emulated_tables_match_gmp)
{
	struct m52 *f;
	struct m52_fbt *t[2];
	const struct m52_fbt *tc[2];
	uint64_t d0[40], d1[40];
	const uint64_t *ds[2] = { d0, d1 };
	size_t tops[2], i;
	mpz_t m, g[2], gi, e, r, ref, u;
	int k, it;
	unsigned w[2] = { 4, 5 };

	mpz_inits(m, g[0], g[1], gi, e, r, ref, u, NULL);
	mpc_bn_random_bits(m, 1536);
	mpz_setbit(m, 1535);
	mpz_setbit(m, 0);
	ck_assert_int_eq(m52_new(&f, m), 0);
	for (k = 0; k < 2; k++) {
		mpc_bn_random_unit(g[k], m);
		mpz_invert(gi, g[k], m);
		ck_assert_int_eq(m52_fbt_new(&t[k], f, g[k], gi, 40, w[k]), 0);
		tc[k] = t[k];
	}
	ck_assert(m52_fbt_bytes(t[0]) > 0);
	for (it = 0; it < 20; it++) {
		/* digits d over rows 0..top: g^(sum d_i 2^(wi) - 2^(w top)) */
		mpz_set_ui(ref, 1);
		for (k = 0; k < 2; k++) {
			tops[k] = (size_t) (it * 7 + k * 3) % 39;
			mpz_set_ui(e, 0);
			for (i = 0; i <= tops[k]; i++) {
				uint64_t d;
				mpc_bn_random_bits(u, w[k]);
				d = mpz_get_ui(u);
				if (it == 0)
					d = ((uint64_t) 1 << w[k]) - 1;
				(k ? d1 : d0)[i] = d;
				mpz_set_ui(u, d);
				mpz_mul_2exp(u, u, w[k] * i);
				mpz_add(e, e, u);
			}
			mpz_set_ui(u, 1);
			mpz_mul_2exp(u, u, w[k] * tops[k]);
			mpz_sub(e, e, u);
			mpz_powm(u, g[k], e, m);
			mpz_mul(ref, ref, u);
			mpz_mod(ref, ref, m);
		}
		ck_assert_int_eq(m52_fbt_pow(tc, ds, tops, 2, r), 0);
		ck_assert(mpz_cmp(r, ref) == 0);
	}
	m52_fbt_free(t[0]);
	m52_fbt_free(t[1]);
	m52_free(f);
	mpz_clears(m, g[0], g[1], gi, e, r, ref, u, NULL);
}
END_TEST

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

/* The eight instructions the kernel uses, on the CPU, for lane arrays. */
__attribute__((target("avx512f,avx512ifma"))) static void
real_ops(
    uint64_t out[8][8], const uint64_t *a, const uint64_t *b, const uint64_t *c)
{
	__m512i va = _mm512_loadu_si512(a), vb = _mm512_loadu_si512(b),
	        vc = _mm512_loadu_si512(c);

	_mm512_storeu_si512(out[0], _mm512_madd52lo_epu64(va, vb, vc));
	_mm512_storeu_si512(out[1], _mm512_madd52hi_epu64(va, vb, vc));
	_mm512_storeu_si512(
	    out[2], _mm512_permutexvar_epi64(_mm512_setzero_si512(), va));
	_mm512_storeu_si512(out[3], _mm512_maskz_srli_epi64(1, va, 52));
	_mm512_storeu_si512(out[4], _mm512_alignr_epi64(vb, va, 1));
	_mm512_storeu_si512(out[5], _mm512_add_epi64(va, vb));
	_mm512_storeu_si512(
	    out[6], _mm512_or_si512(va, _mm512_and_si512(vb, vc)));
	_mm512_storeu_si512(out[7], _mm512_set1_epi64((long long) a[3]));
}
#endif

/* The portable model against the real instructions, where the CPU has
 * them (elsewhere the model is what the other tests check). */
START_TEST(model_matches_ifma)
{
#if defined(__x86_64__) && defined(__GNUC__)
	uint64_t a[8], b[8], c[8], want[8][8];
	vec r[8];
	mpz_t u;
	int it, i, k;

	__builtin_cpu_init();
	if (!__builtin_cpu_supports("avx512f")
	    || !__builtin_cpu_supports("avx512ifma")) {
		printf("m52emu: no AVX-512 IFMA here; model not compared\n");
		return;
	}
	mpz_init(u);
	for (it = 0; it < 2000; it++) {
		for (i = 0; i < 8; i++) {
			mpc_bn_random_bits(u, 64);
			a[i] = mpz_get_ui(u);
			mpc_bn_random_bits(u, 64);
			b[i] = mpz_get_ui(u);
			mpc_bn_random_bits(u, 64);
			c[i] = mpz_get_ui(u);
			if (it % 4 == 1) { /* the extremes of 52-bit inputs */
				b[i] = M52_MASK;
				c[i] = i & 1 ? M52_MASK : 0;
			}
		}
		real_ops(want, a, b, c);
		r[0] = v_madd52lo(v_load(a), v_load(b), v_load(c));
		r[1] = v_madd52hi(v_load(a), v_load(b), v_load(c));
		r[2] = v_bcast0(v_load(a));
		r[3] = v_carry0(v_load(a));
		r[4] = v_alignr1(v_load(b), v_load(a));
		r[5] = v_add(v_load(a), v_load(b));
		r[6] = v_andor(v_load(a), v_load(b), v_load(c));
		r[7] = v_set1(a[3]);
		for (k = 0; k < 8; k++)
			for (i = 0; i < 8; i++)
				ck_assert_uint_eq(r[k].l[i], want[k][i]);
	}
	mpz_clear(u);
#endif
}
END_TEST

Suite *
m52emu_suite(void)
{
	Suite *s = suite_create("m52emu");
	TCase *tc = tcase_create("m52emu");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, model_matches_ifma);
	tcase_add_test(tc, emulated_engine_matches_gmp);
	tcase_add_test(tc, emulated_tables_match_gmp);
	suite_add_tcase(s, tc);
	return s;
}
