/* Constant-time test of the IFMA engine's algorithm (mpc/src/m52.c), built
 * on its portable lane model because valgrind has no AVX-512: the base,
 * the exponent, its sign and the table digits are marked undefined, so a
 * branch or memory index that depends on them is reported. The operations
 * covered are the ones between loading the secrets and the final limbs:
 * digit conversion, the Montgomery multiplications, windowing, the masked
 * table scans, the sign selection and the final reduction. Storing the
 * result in an mpz (GMP normalises its size) is outside, as in
 * docs/MPC.md §8. Run by test/ctime/ctime_mpc.sh. */
#define M52_EMULATE 1
#include <stdio.h>
#include <valgrind/memcheck.h>

#include "../../mpc/src/m52.c"

#define SECRET(p, n) VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#define PUBLIC(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))

int
main(void)
{
	struct m52 *f;
	struct m52_fbt *tb;
	const struct m52_fbt *tbs[1];
	uint64_t *x, *y, *acc, *t, dig[12];
	const uint64_t *digs[1] = { dig };
	mp_limb_t bl[9], binvl[9], el[4], l[10], d[10];
	size_t tops[1] = { 11 }, i;
	uint64_t neg = 1;
	mpz_t m, b, bi, e, ref, got, g, gi;
	int fails = 0;

	if (lk_init() != 0)
		return 2;
	mpc_init();
	mpz_inits(m, b, bi, e, ref, got, g, gi, NULL);
	mpc_bn_random_bits(m, 512);
	mpz_setbit(m, 511);
	mpz_setbit(m, 0);
	if (m52_new(&f, m) != 0)
		return 2;
	x = dig_alloc(f->nv);
	y = dig_alloc(f->nv);
	acc = dig_alloc(f->nv);
	t = dig_alloc(f->nv);
	do
		mpc_bn_random_unit(b, m);
	while (!mpz_invert(bi, b, m));
	mpc_bn_random_bits(e, 256);
	memset(bl, 0, sizeof(bl));
	memset(binvl, 0, sizeof(binvl));
	memset(el, 0, sizeof(el));
	mpz_export(bl, NULL, -1, sizeof(mp_limb_t), 0, 0, b);
	mpz_export(binvl, NULL, -1, sizeof(mp_limb_t), 0, 0, bi);
	mpz_export(el, NULL, -1, sizeof(mp_limb_t), 0, 0, e);

	/* b^-e with secret b, b^-1, e and sign */
	SECRET(bl, sizeof(bl));
	SECRET(binvl, sizeof(binvl));
	SECRET(el, sizeof(el));
	SECRET(&neg, sizeof(neg));
	to_dig(x, f, bl, 9);
	to_dig(y, f, binvl, 9);
	sel_sign(x, y, f->nv * 8, neg);
	f->amm(x, x, f->r2, f);
	if (exp_mont(f, acc, x, el, 4) != 0)
		return 2;
	out_limbs(f, l, d, acc);
	PUBLIC(l, sizeof(l));
	mpz_import(got, f->nl, -1, sizeof(mp_limb_t), 0, 0, l);
	mpz_powm(ref, bi, e, m);
	if (mpz_cmp(got, ref) != 0) {
		fprintf(stderr, "ctime_m52: exponentiation wrong\n");
		fails++;
	}

	/* a fixed-base table with secret digits */
	mpc_bn_random_unit(g, m);
	mpz_invert(gi, g, m);
	if (m52_fbt_new(&tb, f, g, gi, 12, 4) != 0)
		return 2;
	tbs[0] = tb;
	for (i = 0; i < 12; i++)
		dig[i] = (i * 7 + 3) & 15;
	mpz_set_ui(e, 0);
	for (i = 12; i-- > 0;) {
		mpz_mul_2exp(e, e, 4);
		mpz_add_ui(e, e, dig[i]);
	}
	SECRET(dig, sizeof(dig));
	fbt_acc(tbs, digs, tops, 1, acc, t);
	out_limbs(f, l, d, acc);
	PUBLIC(l, sizeof(l));
	mpz_import(got, f->nl, -1, sizeof(mp_limb_t), 0, 0, l);
	mpz_set_ui(ref, 1);
	mpz_mul_2exp(ref, ref, 4 * 11);
	mpz_sub(e, e, ref);
	mpz_powm(ref, g, e, m);
	if (mpz_cmp(got, ref) != 0) {
		fprintf(stderr, "ctime_m52: table product wrong\n");
		fails++;
	}
	m52_fbt_free(tb);
	dig_free(x, f->nv);
	dig_free(y, f->nv);
	dig_free(acc, f->nv);
	dig_free(t, f->nv);
	m52_free(f);
	mpz_clears(m, b, bi, e, ref, got, g, gi, NULL);
	if (fails == 0)
		printf("ctime_m52: ok\n");
	return fails == 0 ? 0 : 1;
}
