/* Modular exponentiation engine on OpenSSL's Montgomery arithmetic.
 *
 * GMP holds the values; OpenSSL does the exponentiations, because its
 * BN_mod_exp_mont_consttime is 1.25-1.8x faster than mpz_powm_sec here and
 * its BN_MONT_CTX can be cached per modulus (notes/baselines.md §3). Secret
 * exponents always go through BN_mod_exp_mont_consttime; public ones through
 * BN_mod_exp_mont / BN_mod_exp2_mont (simultaneous exponentiation).
 *
 * Fixed-base tables (struct fbt) store g^(d * 2^(w*i)) in Montgomery form;
 * an exponentiation is one constant-time table scan (mpn_sec_tabselect) and
 * one Montgomery multiplication per w-bit digit, no squarings. */
#include <stdlib.h>
#include <string.h>

#include "mpc_int.h"

int
mx_init(struct mx *x, mpz_srcptr m)
{
	BN_CTX *c = NULL;
	int rv = MPC_ENOMEM;

	memset(x, 0, sizeof(*x));
	mpz_init_set(x->m, m);
	if (mpz_cmp_ui(m, 1) <= 0 || mpz_even_p(m))
		return MPC_EINVAL;
	x->nbits = mpz_sizeinbase(m, 2);
	x->nbytes = (x->nbits + 7) / 8;
	x->nwords = (x->nbits + 63) / 64;
	if ((x->bm = BN_new()) == NULL || bn_set_mpz(x->bm, m) != 0
	    || (x->mont = BN_MONT_CTX_new()) == NULL
	    || (c = BN_CTX_new()) == NULL)
		goto out;
	if (!BN_MONT_CTX_set(x->mont, x->bm, c)) {
		rv = MPC_ECRYPTO;
		goto out;
	}
	/* without IFMA (or a modulus too large for it) x->f stays NULL and
	 * OpenSSL does the exponentiations */
	(void) m52_new(&x->f, m);
	rv = 0;
out:
	BN_CTX_free(c);
	return rv;
}

void
mx_clear(struct mx *x)
{
	if (x->m->_mp_d != NULL)
		mpz_clear(x->m);
	BN_free(x->bm);
	BN_MONT_CTX_free(x->mont);
	m52_free(x->f);
	memset(x, 0, sizeof(*x));
}

/* b mod m for the IFMA engine, which wants [0, m); like OpenSSL's
 * consttime code, the reduction is skipped (not hidden) for such b. */
static int
m52_base(const struct mx *x, mpz_ptr t, mpz_srcptr b)
{
	if (mpz_sgn(b) >= 0 && mpz_cmp(b, x->m) < 0)
		return 0;
	mpz_mod(t, b, x->m);
	return 1;
}

/* Secret BIGNUM from an mpz magnitude. */
static BIGNUM *
bn_secret(mpz_srcptr z)
{
	BIGNUM *b = BN_secure_new();

	if (b == NULL)
		return NULL;
	BN_set_flags(b, BN_FLG_CONSTTIME);
	if (bn_set_mpz(b, z) != 0) {
		BN_clear_free(b);
		return NULL;
	}
	return b;
}

int
mx_powm_sec(const struct mx *x, mpz_ptr r, mpz_srcptr b, mpz_srcptr e)
{
	BIGNUM *bb = NULL, *be = NULL, *br = NULL;
	BN_CTX *c = NULL;
	int rv = MPC_ENOMEM;

	ARG_CHECK(mpz_sgn(e) >= 0);
	if (x->f != NULL) {
		mpz_t t;

		mpz_init(t);
		rv = m52_powm(x->f, r, m52_base(x, t, b) ? t : b, NULL, e);
		mpz_clear(t);
		return rv;
	}
	if ((c = BN_CTX_secure_new()) == NULL || (bb = bn_secret(b)) == NULL
	    || (be = bn_secret(e)) == NULL || (br = BN_secure_new()) == NULL)
		goto out;
	if (!BN_mod_exp_mont_consttime(br, bb, be, x->bm, c, x->mont)) {
		rv = MPC_ECRYPTO;
		goto out;
	}
	rv = mpz_set_bn(r, br);
out:
	BN_clear_free(bb);
	BN_clear_free(be);
	BN_clear_free(br);
	BN_CTX_free(c);
	return rv;
}

int
mx_powm_sec_signed(
    const struct mx *x, mpz_ptr r, mpz_srcptr b, mpz_srcptr binv, mpz_srcptr e)
{
	BIGNUM *bb = NULL, *be = NULL, *br = NULL;
	BN_CTX *c = NULL;
	uint8_t *b0 = NULL, *b1 = NULL, mask;
	size_t i, nb = x->nbytes;
	mpz_t mag;
	int rv = MPC_ENOMEM;
	unsigned int neg = (unsigned int) e->_mp_size >> (sizeof(int) * 8 - 1);

	if (x->f != NULL) {
		mpz_t t, ti;

		mpz_inits(t, ti, NULL);
		rv = m52_powm(x->f, r, m52_base(x, t, b) ? t : b,
		    m52_base(x, ti, binv) ? ti : binv, e);
		mpz_clears(t, ti, NULL);
		return rv;
	}
	mpz_init(mag);
	mpz_abs(mag, e);
	b0 = malloc(nb);
	b1 = malloc(nb);
	if (b0 == NULL || b1 == NULL || (c = BN_CTX_secure_new()) == NULL
	    || (bb = BN_secure_new()) == NULL || (be = bn_secret(mag)) == NULL
	    || (br = BN_secure_new()) == NULL)
		goto out;
	rv = MPC_ERANGE;
	if (bn_to_fixed(b0, nb, b) != 0 || bn_to_fixed(b1, nb, binv) != 0)
		goto out;
	/* select b or b^-1 (both public) by the secret sign, masked */
	mask = (uint8_t) (0 - neg);
	for (i = 0; i < nb; i++)
		b0[i] = (uint8_t) ((b0[i] & ~mask) | (b1[i] & mask));
	rv = MPC_ENOMEM;
	if (BN_bin2bn(b0, (int) nb, bb) == NULL)
		goto out;
	if (!BN_mod_exp_mont_consttime(br, bb, be, x->bm, c, x->mont)) {
		rv = MPC_ECRYPTO;
		goto out;
	}
	rv = mpz_set_bn(r, br);
out:
	mpz_clear(mag);
	if (b0 != NULL)
		lk_free_wipe(b0, nb);
	if (b1 != NULL)
		lk_free_wipe(b1, nb);
	BN_clear_free(bb);
	BN_clear_free(be);
	BN_clear_free(br);
	BN_CTX_free(c);
	return rv;
}

/* The base of b^e with a public e: b mod m, or b^-1 for e < 0. */
static int
pub_base_mpz(const struct mx *x, mpz_ptr t, mpz_srcptr b, mpz_srcptr e)
{
	if (mpz_sgn(e) < 0)
		return mpz_invert(t, b, x->m) ? 0 : MPC_ENOTUNIT;
	mpz_mod(t, b, x->m);
	return 0;
}

/* The same as BIGNUMs, with |e|. */
static int
pub_base(
    const struct mx *x, BIGNUM *out, BIGNUM *eo, mpz_srcptr b, mpz_srcptr e)
{
	mpz_t t;
	int rv;

	mpz_init(t);
	if ((rv = pub_base_mpz(x, t, b, e)) == 0
	    && (rv = bn_set_mpz(out, t)) == 0) {
		mpz_abs(t, e);
		rv = bn_set_mpz(eo, t);
	}
	mpz_clear(t);
	return rv;
}

int
mx_powm_var(const struct mx *x, mpz_ptr r, mpz_srcptr b, mpz_srcptr e)
{
	BIGNUM *bb, *be, *br;
	BN_CTX *c;
	int rv = MPC_ENOMEM;

	if (x->f != NULL) {
		mpz_t t, ea;

		mpz_inits(t, ea, NULL);
		mpz_abs(ea, e);
		if ((rv = pub_base_mpz(x, t, b, e)) == 0)
			rv = m52_powm(x->f, r, t, NULL, ea);
		mpz_clears(t, ea, NULL);
		return rv;
	}
	bb = BN_new();
	be = BN_new();
	br = BN_new();
	c = BN_CTX_new();

	if (bb == NULL || be == NULL || br == NULL || c == NULL)
		goto out;
	if ((rv = pub_base(x, bb, be, b, e)) != 0)
		goto out;
	rv = BN_mod_exp_mont(br, bb, be, x->bm, c, x->mont) ? mpz_set_bn(r, br)
	                                                    : MPC_ECRYPTO;
out:
	BN_free(bb);
	BN_free(be);
	BN_free(br);
	BN_CTX_free(c);
	return rv;
}

int
mx_powm2_var(const struct mx *x, mpz_ptr r, mpz_srcptr a, mpz_srcptr e1,
    mpz_srcptr b, mpz_srcptr e2)
{
	BIGNUM *ba, *b1, *bb, *b2, *br;
	BN_CTX *c;
	int rv = MPC_ENOMEM;

	if (x->f != NULL) {
		mpz_t ta, tb, ea, eb;

		mpz_inits(ta, tb, ea, eb, NULL);
		mpz_abs(ea, e1);
		mpz_abs(eb, e2);
		if ((rv = pub_base_mpz(x, ta, a, e1)) == 0
		    && (rv = pub_base_mpz(x, tb, b, e2)) == 0)
			rv = m52_powm2_var(x->f, r, ta, ea, tb, eb);
		mpz_clears(ta, tb, ea, eb, NULL);
		return rv;
	}
	ba = BN_new();
	b1 = BN_new();
	bb = BN_new();
	b2 = BN_new();
	br = BN_new();
	c = BN_CTX_new();

	if (ba == NULL || b1 == NULL || bb == NULL || b2 == NULL || br == NULL
	    || c == NULL)
		goto out;
	if ((rv = pub_base(x, ba, b1, a, e1)) != 0
	    || (rv = pub_base(x, bb, b2, b, e2)) != 0)
		goto out;
	rv = BN_mod_exp2_mont(br, ba, b1, bb, b2, x->bm, c, x->mont)
	    ? mpz_set_bn(r, br)
	    : MPC_ECRYPTO;
out:
	BN_free(ba);
	BN_free(b1);
	BN_free(bb);
	BN_free(b2);
	BN_free(br);
	BN_CTX_free(c);
	return rv;
}

int
mx_mulmod(const struct mx *x, mpz_ptr r, mpz_srcptr a, mpz_srcptr b)
{
	BIGNUM *ba = NULL, *bb = NULL, *br = NULL;
	BN_CTX *c = NULL;
	int rv = MPC_ENOMEM;

	if ((c = BN_CTX_secure_new()) == NULL || (ba = bn_secret(a)) == NULL
	    || (bb = bn_secret(b)) == NULL || (br = BN_secure_new()) == NULL)
		goto out;
	/* to_montgomery(a) = a*R; mont_mul(a*R, b) = a*b */
	if (!BN_to_montgomery(ba, ba, x->mont, c)
	    || !BN_mod_mul_montgomery(br, ba, bb, x->mont, c)) {
		rv = MPC_ECRYPTO;
		goto out;
	}
	rv = mpz_set_bn(r, br);
out:
	BN_clear_free(ba);
	BN_clear_free(bb);
	BN_clear_free(br);
	BN_CTX_free(c);
	return rv;
}

/* ---- fixed-base tables ---- */

/* Limbs <-> the little-endian bytes BN_lebin2bn wants. On little-endian
 * 64-bit hosts the limb array already is that byte string. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ \
    && GMP_NUMB_BITS == 64 && GMP_NAIL_BITS == 0
#define LIMBS_ARE_LE 1
#else
#define LIMBS_ARE_LE 0
#endif

#if !LIMBS_ARE_LE
static void
limbs_to_le(uint8_t *out, const mp_limb_t *l, size_t nw)
{
	size_t i;
	int k;

	for (i = 0; i < nw; i++)
		for (k = 0; k < 8; k++)
			out[8 * i + (size_t) k] = (uint8_t) (l[i] >> (8 * k));
}

#endif

static void
le_to_limbs(mp_limb_t *l, const uint8_t *in, size_t nw)
{
	size_t i;
	int k;

	for (i = 0; i < nw; i++) {
		mp_limb_t v = 0;
		for (k = 7; k >= 0; k--)
			v = (v << 8) | in[8 * i + (size_t) k];
		l[i] = v;
	}
}

static int
bn_from_limbs(BIGNUM *b, const mp_limb_t *l, size_t nw, uint8_t *buf)
{
#if LIMBS_ARE_LE
	(void) buf;
	return BN_lebin2bn((const unsigned char *) l, (int) (nw * 8), b) != NULL
	    ? 0
	    : MPC_ENOMEM;
#else
	limbs_to_le(buf, l, nw);
	return BN_lebin2bn(buf, (int) (nw * 8), b) != NULL ? 0 : MPC_ENOMEM;
#endif
}

static int
limbs_from_bn(mp_limb_t *l, const BIGNUM *b, size_t nw, uint8_t *buf)
{
	if (BN_bn2lebinpad(b, buf, (int) (nw * 8)) < 0)
		return MPC_ECRYPTO;
	le_to_limbs(l, buf, nw);
	return 0;
}

int
fbt_build(struct fbt *t, const struct mx *x, mpz_srcptr g, size_t L, unsigned w)
{
	size_t ents = (size_t) 1 << w, i, d, nb;
	BN_CTX *c = NULL;
	BIGNUM *row = NULL, *acc = NULL, *one = NULL, *inv = NULL;
	uint8_t *buf = NULL;
	mpz_t ginv, gm;
	int rv = MPC_ENOMEM;

	memset(t, 0, sizeof(*t));
	mpz_inits(ginv, gm, NULL);
	t->x = x;
	t->w = w;
	t->L = L;
	/* offsets go up to 2^(w*ceil(L/w)), whose bit sits in one more row */
	t->rows = (L + w - 1) / w + 1;
	t->nw = x->nwords;
	nb = t->nw * 8;
	mpz_mod(gm, g, x->m); /* both engines want g in [0, m) */
	if (!mpz_invert(ginv, gm, x->m)) {
		rv = MPC_ENOTUNIT;
		goto out;
	}
	if (x->f != NULL) {
		rv = m52_fbt_new(&t->f52, x->f, gm, ginv, t->rows, w);
		goto out;
	}
	t->tab = limbs_alloc(t->rows * ents * t->nw);
	t->rowinv = limbs_alloc(t->rows * t->nw);
	buf = malloc(nb);
	if (t->tab == NULL || t->rowinv == NULL || buf == NULL
	    || (c = BN_CTX_new()) == NULL || (row = BN_new()) == NULL
	    || (acc = BN_new()) == NULL || (one = BN_new()) == NULL
	    || (inv = BN_new()) == NULL)
		goto out;
	rv = MPC_ECRYPTO;
	if (bn_set_mpz(row, gm) != 0 || !BN_to_montgomery(row, row, x->mont, c)
	    || bn_set_mpz(inv, ginv) != 0
	    || !BN_to_montgomery(inv, inv, x->mont, c) || !BN_one(one)
	    || !BN_to_montgomery(one, one, x->mont, c))
		goto out;
	for (i = 0; i < t->rows; i++) {
		mp_limb_t *base = t->tab + i * ents * t->nw;

		/* entry d of row i: (g^(2^(w*i)))^d; rowinv: its inverse
		 * for d = 1 */
		if (!BN_copy(acc, one))
			goto out;
		for (d = 0; d < ents; d++) {
			if (d > 0
			    && !BN_mod_mul_montgomery(
			        acc, acc, row, x->mont, c))
				goto out;
			if (limbs_from_bn(base + d * t->nw, acc, t->nw, buf)
			    != 0)
				goto out;
		}
		if (limbs_from_bn(t->rowinv + i * t->nw, inv, t->nw, buf) != 0)
			goto out;
		for (d = 0; d < w; d++)
			if (!BN_mod_mul_montgomery(row, row, row, x->mont, c)
			    || !BN_mod_mul_montgomery(
			        inv, inv, inv, x->mont, c))
				goto out;
	}
	rv = 0;
out:
	if (rv != 0)
		fbt_clear(t);
	mpz_clears(ginv, gm, NULL);
	if (buf != NULL)
		lk_free_wipe(buf, nb);
	BN_clear_free(row);
	BN_clear_free(acc);
	BN_clear_free(one);
	BN_clear_free(inv);
	BN_CTX_free(c);
	return rv;
}

void
fbt_clear(struct fbt *t)
{
	/* a table mod a secret prime p (own-key nonces, own ring-Pedersen
	 * halves) reveals p through any entry: wipe */
	if (t->tab != NULL)
		limbs_free(t->tab, t->rows * ((size_t) 1 << t->w) * t->nw);
	if (t->rowinv != NULL)
		limbs_free(t->rowinv, t->rows * t->nw);
	m52_fbt_free(t->f52);
	memset(t, 0, sizeof(*t));
}

size_t
fbt_bytes(const struct fbt *t)
{
	if (t->f52 != NULL)
		return m52_fbt_bytes(t->f52);
	return (t->tab == NULL ? 0 : t->rows * (((size_t) 1 << t->w) + 1))
	    * t->nw * sizeof(mp_limb_t);
}

/* The w-bit digits of E = e + 2^obit, obit = w*top >= ebits, top =
 * ceil(ebits/w): E is in [0, 2^(obit+1)) for |e| < 2^ebits, so the rows
 * visited (0..top) depend on the public bound only. *dig has top + 1
 * entries; free it with digits_free. */
static int
fbt_digits(const struct fbt *t, mpz_srcptr e, size_t ebits, uint64_t **dig,
    size_t *topp)
{
	size_t n, i, top, obit;
	mp_limb_t *E, *off;

	*dig = NULL;
	if (ebits == 0)
		ebits = 1;
	if (ebits > t->L || (mpz_sgn(e) != 0 && mpz_sizeinbase(e, 2) > ebits))
		return MPC_ERANGE;
	top = (ebits + t->w - 1) / t->w;
	obit = top * t->w;
	n = obit / GMP_NUMB_BITS + 2;
	E = limbs_alloc(n);
	off = limbs_alloc(n);
	*dig = calloc(top + 1, sizeof(**dig));
	if (E == NULL || off == NULL || *dig == NULL) {
		limbs_free(E, n);
		limbs_free(off, n);
		free(*dig);
		*dig = NULL;
		return MPC_ENOMEM;
	}
	ct_twos(E, n, e);
	off[obit / GMP_NUMB_BITS] = (mp_limb_t) 1 << (obit % GMP_NUMB_BITS);
	mpn_add_n(E, E, off, (mp_size_t) n);
	for (i = 0; i <= top; i++) {
		size_t bit = i * t->w, li = bit / GMP_NUMB_BITS,
		       sh = bit % GMP_NUMB_BITS;
		mp_limb_t d = E[li] >> sh;

		if (sh + t->w > GMP_NUMB_BITS && li + 1 < n)
			d |= E[li + 1] << (GMP_NUMB_BITS - sh);
		(*dig)[i] = d & (((mp_limb_t) 1 << t->w) - 1);
	}
	*topp = top;
	limbs_free(E, n);
	limbs_free(off, n);
	return 0;
}

static void
digits_free(uint64_t *dig, size_t top)
{
	if (dig != NULL)
		lk_free_wipe(dig, (top + 1) * sizeof(*dig));
}

/* r (OpenSSL Montgomery form) = g^e from the limb tables. */
static int
fbt_pow_bn(
    const struct fbt *t, BIGNUM *r, const uint64_t *dig, size_t top, BN_CTX *c)
{
	size_t ents = (size_t) 1 << t->w, nb = t->nw * 8, i;
	mp_limb_t *sel = limbs_alloc(t->nw);
	uint8_t *buf = malloc(nb);
	BIGNUM *s = BN_secure_new();
	int rv = MPC_ENOMEM;

	if (sel == NULL || buf == NULL || s == NULL)
		goto out;
	rv = MPC_ECRYPTO;
	for (i = 0; i <= top; i++) {
		mpn_sec_tabselect(sel, t->tab + i * ents * t->nw,
		    (mp_size_t) t->nw, (mp_size_t) ents, (mp_size_t) dig[i]);
		if (bn_from_limbs(i == 0 ? r : s, sel, t->nw, buf) != 0)
			goto out;
		if (i > 0 && !BN_mod_mul_montgomery(r, r, s, t->x->mont, c))
			goto out;
	}
	/* times g^(-2^obit) */
	if (bn_from_limbs(s, t->rowinv + top * t->nw, t->nw, buf) != 0
	    || !BN_mod_mul_montgomery(r, r, s, t->x->mont, c))
		goto out;
	rv = 0;
out:
	limbs_free(sel, t->nw);
	if (buf != NULL)
		lk_free_wipe(buf, nb);
	BN_clear_free(s);
	return rv;
}

int
fbt_pow2(const struct fbt *ta, mpz_srcptr a, size_t abits, const struct fbt *tb,
    mpz_srcptr b, size_t bbits, mpz_ptr r)
{
	const struct fbt *ts[2] = { ta, tb };
	mpz_srcptr es[2] = { a, b };
	size_t bits[2] = { abits, bbits }, tops[2] = { 0, 0 };
	uint64_t *digs[2] = { NULL, NULL };
	BN_CTX *c = NULL;
	BIGNUM *acc = NULL, *t = NULL;
	int rv = 0, k, cnt = tb != NULL ? 2 : 1;

	ARG_CHECK(tb == NULL || tb->x == ta->x);
	for (k = 0; k < cnt && rv == 0; k++)
		rv = fbt_digits(ts[k], es[k], bits[k], &digs[k], &tops[k]);
	if (rv != 0)
		goto out;
	if (ta->f52 != NULL) {
		const struct m52_fbt *fs[2]
		    = { ta->f52, tb != NULL ? tb->f52 : NULL };
		const uint64_t *ds[2] = { digs[0], digs[1] };

		rv = m52_fbt_pow(fs, ds, tops, (size_t) cnt, r);
		goto out;
	}
	rv = MPC_ENOMEM;
	if ((c = BN_CTX_secure_new()) == NULL || (acc = BN_secure_new()) == NULL
	    || (t = BN_secure_new()) == NULL)
		goto out;
	for (k = 0; k < cnt; k++) {
		if ((rv = fbt_pow_bn(
		         ts[k], k == 0 ? acc : t, digs[k], tops[k], c))
		    != 0)
			goto out;
		if (k > 0
		    && !BN_mod_mul_montgomery(acc, acc, t, ta->x->mont, c)) {
			rv = MPC_ECRYPTO;
			goto out;
		}
	}
	rv = BN_from_montgomery(acc, acc, ta->x->mont, c) ? mpz_set_bn(r, acc)
	                                                  : MPC_ECRYPTO;
out:
	for (k = 0; k < 2; k++)
		digits_free(digs[k], tops[k]);
	BN_clear_free(acc);
	BN_clear_free(t);
	BN_CTX_free(c);
	return rv;
}

int
fbt_pow(const struct fbt *t, mpz_ptr r, mpz_srcptr e, size_t ebits)
{
	return fbt_pow2(t, e, ebits, NULL, NULL, 0, r);
}
