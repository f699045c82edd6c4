/* Scalars mod q (the secp256k1 group order), constant time.
 *
 * Four 64-bit limbs, always canonical. Multiplication is Montgomery (CIOS)
 * followed by a conversion multiply; every conditional step is a mask. */
#include <string.h>

#include "mpc_int.h"

typedef unsigned __int128 u128;

static const uint64_t Q[4] = { 0xbfd25e8cd0364141ULL, 0xbaaedce6af48a03bULL,
	0xfffffffffffffffeULL, 0xffffffffffffffffULL };
static const uint64_t QINV = 0x4b0dff665588b13fULL; /* -q^-1 mod 2^64 */
static const uint64_t R2[4] = { 0x896cf21467d7d140ULL, 0x741496c20e7cf878ULL,
	0xe697f5e45bcd07c6ULL, 0x9d671cd581c69bc5ULL }; /* 2^512 mod q */
static const uint64_t K320[4]
    = { 0, 0x402da1732fc9bebfULL, 0x4551231950b75fc4ULL, 1 }; /* 2^320 mod q */
static const uint64_t ONE_M[4]
    = { 0x402da1732fc9bebfULL, 0x4551231950b75fc4ULL, 1, 0 }; /* 2^256 mod q */
static const uint64_t QM2[4] = { 0xbfd25e8cd036413fULL, 0xbaaedce6af48a03bULL,
	0xfffffffffffffffeULL, 0xffffffffffffffffULL };

/* r = t - q if (hi | t >= q), else t; t has 4 limbs plus hi in {0,1}. */
static void
reduce_once(uint64_t r[4], const uint64_t t[4], uint64_t hi)
{
	uint64_t s[4], borrow = 0, mask;
	int i;

	for (i = 0; i < 4; i++) {
		u128 d = (u128) t[i] - Q[i] - borrow;
		s[i] = (uint64_t) d;
		borrow = (uint64_t) (d >> 64) & 1;
	}
	/* use s when there was a carry out or no borrow */
	mask = 0 - ((hi | (borrow ^ 1)) & 1);
	for (i = 0; i < 4; i++)
		r[i] = (s[i] & mask) | (t[i] & ~mask);
}

static void
montmul(uint64_t r[4], const uint64_t a[4], const uint64_t b[4])
{
	uint64_t t[6] = { 0, 0, 0, 0, 0, 0 }, m;
	u128 c;
	int i, j;

	for (i = 0; i < 4; i++) {
		c = 0;
		for (j = 0; j < 4; j++) {
			c += (u128) a[j] * b[i] + t[j];
			t[j] = (uint64_t) c;
			c >>= 64;
		}
		c += t[4];
		t[4] = (uint64_t) c;
		t[5] = (uint64_t) (c >> 64);
		m = t[0] * QINV;
		c = ((u128) m * Q[0] + t[0]) >> 64;
		for (j = 1; j < 4; j++) {
			c += (u128) m * Q[j] + t[j];
			t[j - 1] = (uint64_t) c;
			c >>= 64;
		}
		c += t[4];
		t[3] = (uint64_t) c;
		t[4] = t[5] + (uint64_t) (c >> 64);
	}
	reduce_once(r, t, t[4]);
	lk_wipe(t, sizeof(t));
}

void
mpc_scalar_set_u64(struct mpc_scalar *r, uint64_t v)
{
	r->d[0] = v; /* < q always */
	r->d[1] = r->d[2] = r->d[3] = 0;
}

static void
load_be(uint64_t d[4], const uint8_t in[32])
{
	int i, k;

	for (i = 0; i < 4; i++) {
		uint64_t v = 0;
		for (k = 0; k < 8; k++)
			v = (v << 8) | in[(3 - i) * 8 + k];
		d[i] = v;
	}
}

static void
addmod(uint64_t r[4], const uint64_t a[4], const uint64_t b[4])
{
	uint64_t t[4], carry = 0;
	int i;

	for (i = 0; i < 4; i++) {
		u128 s = (u128) a[i] + b[i] + carry;
		t[i] = (uint64_t) s;
		carry = (uint64_t) (s >> 64);
	}
	reduce_once(r, t, carry);
	lk_wipe(t, sizeof(t));
}

int
mpc_scalar_decode(struct mpc_scalar *r, const uint8_t in[static 32])
{
	uint64_t d[4], borrow = 0, mask;
	int i;

	load_be(d, in);
	for (i = 0; i < 4; i++) {
		u128 x = (u128) d[i] - Q[i] - borrow;
		borrow = (uint64_t) (x >> 64) & 1;
	}
	/* valid iff d < q, i.e. d - q borrows */
	mask = 0 - borrow;
	for (i = 0; i < 4; i++)
		r->d[i] = d[i] & mask;
	lk_wipe(d, sizeof(d));
	return (int) ((borrow ^ 1) * MPC_ESCALAR);
}

void
mpc_scalar_encode(uint8_t out[static 32], const struct mpc_scalar *a)
{
	int i, k;

	for (i = 0; i < 4; i++)
		for (k = 0; k < 8; k++)
			out[(3 - i) * 8 + k]
			    = (uint8_t) (a->d[i] >> (56 - 8 * k));
}

void
mpc_scalar_from_wide(struct mpc_scalar *r, const uint8_t in[static 64])
{
	uint64_t hi[4], lo[4], t[4];

	load_be(hi, in);
	load_be(lo, in + 32);
	reduce_once(hi, hi, 0);
	reduce_once(lo, lo, 0);
	montmul(t, hi, R2); /* hi * 2^256 mod q */
	addmod(r->d, lo, t);
	lk_wipe(hi, sizeof(hi));
	lk_wipe(lo, sizeof(lo));
	lk_wipe(t, sizeof(t));
}

void
mpc_scalar_hash(
    struct mpc_scalar *r, const char *tag, const uint8_t *msg, size_t len)
{
	struct lk_transcript t;
	uint8_t h[64];

	lk_transcript_init(&t, tag);
	lk_transcript_append(&t, "msg", msg, len);
	lk_transcript_challenge(&t, "scalar", h, sizeof(h));
	mpc_scalar_from_wide(r, h);
	lk_transcript_clear(&t);
	lk_wipe(h, sizeof(h));
}

void
mpc_scalar_random(struct mpc_scalar *r)
{
	uint8_t buf[64];

	lk_random(buf, sizeof(buf));
	mpc_scalar_from_wide(r, buf);
	lk_wipe(buf, sizeof(buf));
}

void
mpc_scalar_random_nonzero(struct mpc_scalar *r)
{
	/* Zero has probability 2^-256; the loop condition is public in any
	 * real execution, so declassify it for the constant-time checker. */
	for (;;) {
		int z;

		mpc_scalar_random(r);
		z = mpc_scalar_is_zero(r);
		MPC_DECLASSIFY(&z, sizeof(z));
		if (!z)
			return;
	}
}

void
mpc_scalar_add(struct mpc_scalar *r, const struct mpc_scalar *a,
    const struct mpc_scalar *b)
{
	addmod(r->d, a->d, b->d);
}

void
mpc_scalar_sub(struct mpc_scalar *r, const struct mpc_scalar *a,
    const struct mpc_scalar *b)
{
	uint64_t t[4], borrow = 0, mask, carry = 0;
	int i;

	for (i = 0; i < 4; i++) {
		u128 d = (u128) a->d[i] - b->d[i] - borrow;
		t[i] = (uint64_t) d;
		borrow = (uint64_t) (d >> 64) & 1;
	}
	mask = 0 - borrow; /* add q back on underflow */
	for (i = 0; i < 4; i++) {
		u128 s = (u128) t[i] + (Q[i] & mask) + carry;
		r->d[i] = (uint64_t) s;
		carry = (uint64_t) (s >> 64);
	}
	lk_wipe(t, sizeof(t));
}

void
mpc_scalar_neg(struct mpc_scalar *r, const struct mpc_scalar *a)
{
	struct mpc_scalar z = { { 0, 0, 0, 0 } };

	mpc_scalar_sub(r, &z, a);
}

void
mpc_scalar_mul(struct mpc_scalar *r, const struct mpc_scalar *a,
    const struct mpc_scalar *b)
{
	uint64_t t[4];

	montmul(t, a->d, b->d); /* a*b/R */
	montmul(r->d, t, R2); /* a*b */
	lk_wipe(t, sizeof(t));
}

void
mpc_scalar_inv(struct mpc_scalar *r, const struct mpc_scalar *a)
{
	uint64_t am[4], acc[4];
	int i, bit;

	montmul(am, a->d, R2); /* a*R */
	memcpy(acc, ONE_M, sizeof(acc));
	/* a^(q-2): the exponent is a public constant */
	for (i = 255; i >= 0; i--) {
		montmul(acc, acc, acc);
		bit = (int) ((QM2[i / 64] >> (i % 64)) & 1);
		if (bit)
			montmul(acc, acc, am);
	}
	{
		const uint64_t one[4] = { 1, 0, 0, 0 };
		montmul(r->d, acc, one);
	}
	lk_wipe(am, sizeof(am));
	lk_wipe(acc, sizeof(acc));
}

int
mpc_scalar_is_zero(const struct mpc_scalar *a)
{
	uint64_t x = a->d[0] | a->d[1] | a->d[2] | a->d[3];

	return (int) (((x | (0 - x)) >> 63) ^ 1);
}

int
mpc_scalar_eq(const struct mpc_scalar *a, const struct mpc_scalar *b)
{
	uint64_t x = (a->d[0] ^ b->d[0]) | (a->d[1] ^ b->d[1])
	    | (a->d[2] ^ b->d[2]) | (a->d[3] ^ b->d[3]);

	return (int) (((x | (0 - x)) >> 63) ^ 1);
}

void
mpc_scalar_cmov(struct mpc_scalar *r, const struct mpc_scalar *a, int flag)
{
	uint64_t mask = 0 - (uint64_t) (flag & 1);
	int i;

	for (i = 0; i < 4; i++)
		r->d[i] = (r->d[i] & ~mask) | (a->d[i] & mask);
}

void
mpc_scalar_clear(struct mpc_scalar *a)
{
	lk_wipe(a, sizeof(*a));
}

void
mpc_scalar_from_mpz(struct mpc_scalar *r, mpz_srcptr z)
{
	size_t n = mpz_size(z), i;
	const mp_limb_t *l = mpz_limbs_read(z);
	uint64_t acc[4] = { 0, 0, 0, 0 }, t[4], limb[4] = { 0, 0, 0, 0 };
	struct mpc_scalar neg;
	/* sign bit of _mp_size without a branch */
	int sign = (int) ((unsigned int) z->_mp_size >> (sizeof(int) * 8 - 1));

	/* Horner from the top limb: acc = acc*2^64 + limb (mod q). */
	for (i = n; i-- > 0;) {
		montmul(t, acc, K320);
		limb[0] = (uint64_t) l[i];
		addmod(acc, t, limb);
	}
	memcpy(r->d, acc, sizeof(acc));
	mpc_scalar_neg(&neg, r);
	mpc_scalar_cmov(r, &neg, sign);
	lk_wipe(acc, sizeof(acc));
	lk_wipe(t, sizeof(t));
	lk_wipe(limb, sizeof(limb));
	mpc_scalar_clear(&neg);
}

void
mpc_scalar_to_mpz(mpz_ptr z, const struct mpc_scalar *a)
{
	uint8_t b[32];

	mpc_scalar_encode(b, a);
	mpz_import(z, 32, 1, 1, 1, 0, b);
	lk_wipe(b, sizeof(b));
}
