/* Big-integer helpers: sampling, checks, wire form, constant-time limb
 * arithmetic for secret responses, and mpz <-> BIGNUM conversion. */
#include <stdlib.h>
#include <string.h>

#include "mpc_int.h"

void
mpc_bn_random_bits(mpz_ptr r, size_t bits)
{
	size_t nbytes = (bits + 7) / 8;
	uint8_t *buf;

	if (bits == 0) {
		mpz_set_ui(r, 0);
		return;
	}
	buf = malloc(nbytes);
	if (buf == NULL)
		abort();
	lk_random(buf, nbytes);
	if (bits % 8 != 0)
		buf[0] &= (uint8_t) ((1u << (bits % 8)) - 1);
	mpz_import(r, nbytes, 1, 1, 1, 0, buf);
	lk_free_wipe(buf, nbytes);
}

int
mpc_bn_random_below(mpz_ptr r, mpz_srcptr n)
{
	size_t bits;

	ARG_CHECK(mpz_sgn(n) > 0);
	bits = mpz_sizeinbase(n, 2);
	/* Rejection sampling: rejected draws are discarded, so the loop
	 * count reveals nothing about the accepted value. */
	do
		mpc_bn_random_bits(r, bits);
	while (mpz_cmp(r, n) >= 0);
	return 0;
}

int
mpc_bn_random_unit(mpz_ptr r, mpz_srcptr n)
{
	mpz_t g;

	ARG_CHECK(mpz_cmp_ui(n, 1) > 0);
	mpz_init(g);
	do {
		mpc_bn_random_below(r, n);
		mpz_gcd(g, r, n);
	} while (mpz_sgn(r) == 0 || mpz_cmp_ui(g, 1) != 0);
	mpz_clear(g);
	return 0;
}

int
mpc_bn_random_pm(mpz_ptr r, size_t bits, mpz_srcptr m)
{
	mpz_t b, w;

	ARG_CHECK(m == NULL || mpz_sgn(m) > 0);
	mpz_inits(b, w, NULL);
	mpz_setbit(b, bits); /* B = 2^bits * m */
	if (m != NULL)
		mpz_mul(b, b, m);
	mpz_mul_2exp(w, b, 1); /* u uniform in [0, 2B], r = u - B */
	mpz_add_ui(w, w, 1);
	mpc_bn_random_below(r, w);
	mpz_sub(r, r, b);
	mpz_clears(b, w, NULL);
	return 0;
}

int
mpc_bn_is_unit_var(mpz_srcptr x, mpz_srcptr n)
{
	mpz_t g;
	int ok;

	if (mpz_sgn(x) <= 0 || mpz_cmp(x, n) >= 0)
		return 0;
	mpz_init(g);
	mpz_gcd(g, x, n);
	ok = mpz_cmp_ui(g, 1) == 0;
	mpz_clear(g);
	return ok;
}

int
mpc_bn_in_pm_var(mpz_srcptr x, size_t bits, mpz_srcptr m)
{
	mpz_t b;
	int ok;

	mpz_init(b);
	mpz_setbit(b, bits);
	if (m != NULL)
		mpz_mul(b, b, m);
	ok = mpz_cmpabs(x, b) <= 0;
	mpz_clear(b);
	return ok;
}

/* ---- wire form ---- */

void
mpc_bn_put(struct proto_wbuf *w, mpz_srcptr x)
{
	size_t n = (mpz_sizeinbase(x, 2) + 7) / 8, cnt = 0;
	uint8_t *buf;

	if (mpz_sgn(x) == 0) {
		proto_put_bigint(w, NULL, 0);
		return;
	}
	buf = malloc(n);
	if (buf == NULL)
		abort(); /* as GMP itself does */
	mpz_export(buf, &cnt, 1, 1, 1, 0, x);
	proto_put_bigint(w, buf, cnt);
	lk_free_wipe(buf, n);
}

int
mpc_bn_get(struct proto_rbuf *r, mpz_ptr x, size_t maxbits, int allow_zero)
{
	struct proto_rbuf save = *r;
	const uint8_t *p;
	size_t len;
	int rv;

	mpz_set_ui(x, 0);
	rv = proto_get_bigint_direct(
	    r, &p, &len, (maxbits + 7) / 8, allow_zero);
	if (rv != 0)
		return rv;
	if (len > 0)
		mpz_import(x, len, 1, 1, 1, 0, p);
	if (mpz_sgn(x) != 0 && mpz_sizeinbase(x, 2) > maxbits) {
		mpz_set_ui(x, 0);
		*r = save;
		return MPC_ERANGE;
	}
	return 0;
}

void
mpc_bn_put_signed(struct proto_wbuf *w, mpz_srcptr x)
{
	mpz_t a;

	proto_put_u8(w, mpz_sgn(x) < 0 ? 1 : 0);
	mpz_init(a);
	mpz_abs(a, x);
	mpc_bn_put(w, a);
	mpz_clear(a);
}

int
mpc_bn_get_signed(struct proto_rbuf *r, mpz_ptr x, size_t maxbits)
{
	struct proto_rbuf save = *r;
	uint8_t sign;
	int rv;

	mpz_set_ui(x, 0);
	if ((rv = proto_get_u8(r, &sign)) != 0)
		return rv;
	if (sign > 1) {
		*r = save;
		return MPC_EDECODE;
	}
	if ((rv = mpc_bn_get(r, x, maxbits, 1)) != 0) {
		*r = save;
		return rv;
	}
	if (sign == 1 && mpz_sgn(x) == 0) { /* "-0" is not canonical */
		*r = save;
		return MPC_EDECODE;
	}
	if (sign)
		mpz_neg(x, x);
	return 0;
}

/* ---- constant-time limb helpers ---- */

size_t
ct_limbs_for(size_t bits)
{
	return bits / GMP_NUMB_BITS + 2;
}

mp_limb_t
ct_load(mp_limb_t *out, size_t n, mpz_srcptr z)
{
	size_t sz = mpz_size(z), i;
	const mp_limb_t *l = mpz_limbs_read(z);

	for (i = 0; i < n; i++)
		out[i] = i < sz ? l[i] : 0;
	return (
	    mp_limb_t) ((unsigned int) z->_mp_size >> (sizeof(int) * 8 - 1));
}

void
ct_twos(mp_limb_t *out, size_t n, mpz_srcptr z)
{
	mp_limb_t s = ct_load(out, n, z), mask = 0 - s, carry = s;
	size_t i;

	/* two's complement negate under a mask: (x ^ mask) + s */
	for (i = 0; i < n; i++) {
		mp_limb_t v = out[i] ^ mask;
		mp_limb_t t = v + carry;
		carry = (mp_limb_t) (t < v);
		out[i] = t;
	}
}

/* z from n-limb two's complement limbs. pub: the value is public (branch
 * allowed); otherwise the sign is applied with masks. */
static void
ct_store(mpz_ptr z, mp_limb_t *A, size_t n, int pub)
{
	mp_limb_t neg, mask, carry, *zl;
	size_t i, sz;

	/* declassify before anything is derived from the value */
	if (pub)
		MPC_DECLASSIFY(A, n * sizeof(mp_limb_t));
	neg = A[n - 1] >> (GMP_NUMB_BITS - 1);
	mask = 0 - neg;
	carry = neg;
	for (i = 0; i < n; i++) { /* |A| = (A ^ mask) + neg */
		mp_limb_t v = A[i] ^ mask, t = v + carry;
		carry = (mp_limb_t) (t < v);
		A[i] = t;
	}
	zl = mpz_limbs_write(z, (mp_size_t) n);
	memcpy(zl, A, n * sizeof(mp_limb_t));
	sz = n;
	while (sz > 0 && zl[sz - 1] == 0)
		sz--;
	/* the sign of the size argument is the sign of z */
	mpz_limbs_finish(z, (mp_size_t) sz * (1 - 2 * (mp_size_t) neg));
}

int
ct_fma(
    mpz_ptr z, mpz_srcptr a, mpz_srcptr b, mpz_srcptr c, size_t bits, int pub)
{
	size_t n = ct_limbs_for(bits), tpn;
	mp_limb_t *A = NULL, *B = NULL, *C = NULL, *P = NULL, *tp = NULL;
	int rv = MPC_ENOMEM;

	if (mpz_size(a) >= n || mpz_size(b) >= n || mpz_size(c) >= n)
		return MPC_ERANGE;
	tpn = (size_t) mpn_sec_mul_itch((mp_size_t) n, (mp_size_t) n);
	A = limbs_alloc(n);
	B = limbs_alloc(n);
	C = limbs_alloc(n);
	P = limbs_alloc(2 * n);
	tp = limbs_alloc(tpn);
	if (A == NULL || B == NULL || C == NULL || P == NULL || tp == NULL)
		goto out;
	ct_twos(A, n, a);
	ct_twos(B, n, b);
	ct_twos(C, n, c);
	/* the low n limbs of the product of two's complement vectors are
	 * b*c mod 2^(64n) */
	mpn_sec_mul(P, B, (mp_size_t) n, C, (mp_size_t) n, tp);
	mpn_add_n(A, A, P, (mp_size_t) n);
	ct_store(z, A, n, pub);
	rv = 0;
out:
	limbs_free(A, n);
	limbs_free(B, n);
	limbs_free(C, n);
	limbs_free(P, 2 * n);
	limbs_free(tp, tpn);
	return rv;
}

int
ct_lincomb(mpz_ptr z, mpz_srcptr a, mpz_srcptr e, mpz_srcptr b, size_t bits)
{
	return ct_fma(z, a, e, b, bits, 1);
}

int
ct_mod_signed(mpz_ptr r, mpz_srcptr m, mpz_srcptr n)
{
	size_t nl = mpz_size(n) + 1;
	mp_limb_t *T, *N, s;
	int rv = 0;

	if (mpz_cmpabs(m, n) >= 0)
		return MPC_ERANGE;
	T = limbs_alloc(nl);
	N = limbs_alloc(nl);
	if (T == NULL || N == NULL) {
		rv = MPC_ENOMEM;
		goto out;
	}
	ct_twos(T, nl, m);
	s = T[nl - 1] >> (GMP_NUMB_BITS - 1);
	(void) ct_load(N, nl, n);
	mpn_cnd_add_n(s, T, T, N, (mp_size_t) nl); /* m < 0: m + N */
	ct_store(r, T, nl, 0);
out:
	limbs_free(T, nl);
	limbs_free(N, nl);
	return rv;
}

int
ct_center(mpz_ptr r, mpz_srcptr m, mpz_srcptr n, mpz_srcptr nhalf)
{
	size_t nl = mpz_size(n) + 1;
	mp_limb_t *T, *N, *H, *D, gt;
	int rv = 0;

	T = limbs_alloc(nl);
	N = limbs_alloc(nl);
	H = limbs_alloc(nl);
	D = limbs_alloc(nl);
	if (T == NULL || N == NULL || H == NULL || D == NULL) {
		rv = MPC_ENOMEM;
		goto out;
	}
	(void) ct_load(T, nl, m);
	(void) ct_load(N, nl, n);
	(void) ct_load(H, nl, nhalf);
	gt = mpn_sub_n(D, H, T, (mp_size_t) nl); /* borrow: m > N/2 */
	mpn_cnd_sub_n(gt, T, T, N, (mp_size_t) nl);
	ct_store(r, T, nl, 0);
out:
	limbs_free(T, nl);
	limbs_free(N, nl);
	limbs_free(H, nl);
	limbs_free(D, nl);
	return rv;
}

int
ct_reduce_exp(mpz_ptr r, mpz_srcptr a, mpz_srcptr m)
{
	size_t dn = mpz_size(m), na = mpz_size(a) > dn ? mpz_size(a) : dn;
	size_t tpn
	    = (size_t) mpn_sec_div_r_itch((mp_size_t) na, (mp_size_t) dn);
	mp_limb_t *A = limbs_alloc(na), *D = limbs_alloc(dn),
	          *M = limbs_alloc(dn), *tp = limbs_alloc(tpn), neg;
	int rv = MPC_ENOMEM;

	if (A == NULL || D == NULL || M == NULL || tp == NULL)
		goto out;
	neg = ct_load(A, na, a); /* |a| */
	(void) ct_load(M, dn, m);
	mpn_sec_div_r(A, (mp_size_t) na, M, (mp_size_t) dn, tp);
	/* a < 0: m - (|a| mod m), in (0, m]; g^m = 1 for the exponents this
	 * serves (m = p - 1), so m stands in for 0 */
	mpn_sub_n(D, M, A, (mp_size_t) dn);
	mpn_cnd_swap(neg, A, D, (mp_size_t) dn);
	{
		mp_limb_t *zl = mpz_limbs_write(r, (mp_size_t) dn);
		size_t sz = dn;
		memcpy(zl, A, dn * sizeof(mp_limb_t));
		while (sz > 0 && zl[sz - 1] == 0)
			sz--;
		mpz_limbs_finish(r, (mp_size_t) sz);
	}
	rv = 0;
out:
	limbs_free(A, na);
	limbs_free(D, dn);
	limbs_free(M, dn);
	limbs_free(tp, tpn);
	return rv;
}

/* ---- conversions ---- */

int
bn_to_fixed(uint8_t *out, size_t len, mpz_srcptr z)
{
	size_t need = (mpz_sizeinbase(z, 2) + 7) / 8, cnt = 0;

	memset(out, 0, len);
	if (mpz_sgn(z) == 0)
		return 0;
	if (need > len)
		return MPC_ERANGE;
	mpz_export(out + (len - need), &cnt, 1, 1, 1, 0, z);
	return 0;
}

int
bn_set_mpz(BIGNUM *b, mpz_srcptr z)
{
	size_t n = (mpz_sizeinbase(z, 2) + 7) / 8, cnt = 0;
	uint8_t *buf;
	int ok;

	if (mpz_sgn(z) == 0) {
		BN_zero(b);
		return 0;
	}
	buf = malloc(n);
	if (buf == NULL)
		return MPC_ENOMEM;
	mpz_export(buf, &cnt, 1, 1, 1, 0, z);
	ok = BN_bin2bn(buf, (int) cnt, b) != NULL;
	lk_free_wipe(buf, n);
	return ok ? 0 : MPC_ENOMEM;
}

int
mpz_set_bn(mpz_ptr z, const BIGNUM *b)
{
	int n = BN_num_bytes(b);
	uint8_t *buf;

	if (n == 0) {
		mpz_set_ui(z, 0);
		return 0;
	}
	buf = malloc((size_t) n);
	if (buf == NULL)
		return MPC_ENOMEM;
	BN_bn2bin(b, buf);
	mpz_import(z, (size_t) n, 1, 1, 1, 0, buf);
	if (BN_is_negative(b))
		mpz_neg(z, z);
	lk_free_wipe(buf, (size_t) n);
	return 0;
}
