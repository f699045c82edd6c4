/* Montgomery exponentiation on AVX-512 IFMA (52-bit digits).
 *
 * The peer-key N-th powers of presign (6144-bit modulus, 3072-bit exponent)
 * dominate its CPU, and OpenSSL 3.0's scalar mulx code is at its floor
 * there (docs/BENCHMARKS-mpc.md §7). vpmadd52{lo,hu}q does eight 52x52-bit
 * products per instruction, so a Montgomery multiplication on 52-bit digits
 * runs about twice as fast on CPUs that have it.
 *
 * Numbers are k digits of 52 bits, each in a uint64_t, in nv = ceil(k/8)
 * zmm vectors. R = 2^(52k) >= 4m, so "almost Montgomery" multiplication
 * keeps every value below 2m without a final subtraction (Gueron-Krasnov);
 * one constant-time subtraction happens on the way out. The accumulator
 * keeps lane values unnormalised (each lane gains < 4*2^52 per digit, so
 * < 2^61 after k <= 128 digits) and only digit 0's carry moves each step.
 *
 * Exponentiation is a fixed 5-bit window over the exponent's limbs with a
 * masked scan of the whole table: the instruction and memory trace depends
 * on the limb count of the exponent and the modulus size only. */
#include <stdlib.h>
#include <string.h>

#if defined(M52_EMULATE)
/* included by tests as a portable model: its own external names */
#define mpc_accel_set    m52emu_accel_set
#define mpc_accel_active m52emu_accel_active
#define m52_new          m52emu_new
#define m52_free         m52emu_free
#define m52_powm         m52emu_powm
#define m52_powm2_var    m52emu_powm2_var
#define m52_fbt_new      m52emu_fbt_new
#define m52_fbt_free     m52emu_fbt_free
#define m52_fbt_bytes    m52emu_fbt_bytes
#define m52_fbt_pow      m52emu_fbt_pow
#endif

#include "mpc_int.h"

/* Keeps the compiler from turning a mask computed from secret data back
 * into a branch. */
#if defined(__GNUC__)
#define VALUE_BARRIER(x) __asm__("" : "+r"(x))
#else
#define VALUE_BARRIER(x) ((void) 0)
#endif

#define M52_BITS 52
#define M52_MASK ((UINT64_C(1) << M52_BITS) - 1)
#define M52_MAXV 16 /* vectors: moduli up to 52*128 - 2 = 6654 bits */
#define M52_WIN  5

struct m52 {
	size_t k, nv, nl; /* digits, zmm vectors, limbs of m */
	uint64_t m0inv; /* -m^-1 mod 2^52 */
	uint64_t *mod, *r2, *one, *unit; /* nv*8 digits each */
	mp_limb_t *ml; /* m as nl limbs */
	void (*amm)(
	    uint64_t *, const uint64_t *, const uint64_t *, const struct m52 *);
};

static int m52_disabled;

void
mpc_accel_set(int on)
{
	m52_disabled = !on;
}

/* The eight-lane operations the engine is written in. M52_EMULATE builds
 * them in portable C (test/mpc/check_m52emu.c and test/ctime include this
 * file that way), so the algorithm is tested on every machine and its
 * secret handling under valgrind, which has no AVX-512. */
#if defined(M52_EMULATE)

#define M52_ENGINE 1
#define M52_TARGET
#define M52_UNROLL

typedef struct {
	uint64_t l[8];
} vec;

static vec
v_zero(void)
{
	vec r;

	memset(&r, 0, sizeof(r));
	return r;
}

static vec
v_set1(uint64_t x)
{
	vec r;
	int i;

	for (i = 0; i < 8; i++)
		r.l[i] = x;
	return r;
}

static vec
v_load(const uint64_t *p)
{
	vec r;

	memcpy(r.l, p, sizeof(r.l));
	return r;
}

static void
v_store(uint64_t *p, vec a)
{
	memcpy(p, a.l, sizeof(a.l));
}

/* acc + the low (hi = 0) or high 52 bits of a*b on 52-bit inputs (the
 * model needs unsigned __int128: 64-bit GCC or Clang) */
static vec
v_madd52(vec acc, vec a, vec b, int hi)
{
	int i;

	for (i = 0; i < 8; i++) {
		unsigned __int128 p = (unsigned __int128) (a.l[i] & M52_MASK)
		    * (b.l[i] & M52_MASK);
		acc.l[i] += (uint64_t) (hi ? p >> M52_BITS : p) & M52_MASK;
	}
	return acc;
}
#define v_madd52lo(acc, a, b) v_madd52(acc, a, b, 0)
#define v_madd52hi(acc, a, b) v_madd52(acc, a, b, 1)

static vec
v_bcast0(vec a)
{
	return v_set1(a.l[0]);
}

static vec
v_carry0(vec a)
{
	vec r = v_zero();

	r.l[0] = a.l[0] >> M52_BITS;
	return r;
}

/* (hi:lo) shifted down one lane */
static vec
v_alignr1(vec hi, vec lo)
{
	vec r;
	int i;

	for (i = 0; i < 7; i++)
		r.l[i] = lo.l[i + 1];
	r.l[7] = hi.l[0];
	return r;
}

static vec
v_add(vec a, vec b)
{
	int i;

	for (i = 0; i < 8; i++)
		a.l[i] += b.l[i];
	return a;
}

static vec
v_andor(vec acc, vec mask, vec x) /* acc | (mask & x) */
{
	int i;

	for (i = 0; i < 8; i++)
		acc.l[i] |= mask.l[i] & x.l[i];
	return acc;
}

static int
cpu_ok(void)
{
	return 1;
}

#elif defined(__x86_64__) && defined(__GNUC__) && !defined(MPC_NO_IFMA)
#include <immintrin.h>

#define M52_ENGINE            1
#define M52_TARGET            __attribute__((target("avx512f,avx512ifma")))
/* the accumulator must live in registers: unroll every lane loop */
#define M52_UNROLL            _Pragma("GCC unroll 16")

typedef __m512i vec;
#define v_zero()              _mm512_setzero_si512()
#define v_set1(x)             _mm512_set1_epi64((long long) (x))
#define v_load(p)             _mm512_load_si512(p)
#define v_store(p, a)         _mm512_store_si512((p), (a))
#define v_madd52lo(acc, a, b) _mm512_madd52lo_epu64((acc), (a), (b))
#define v_madd52hi(acc, a, b) _mm512_madd52hi_epu64((acc), (a), (b))
#define v_bcast0(a)           _mm512_permutexvar_epi64(_mm512_setzero_si512(), (a))
#define v_carry0(a)           _mm512_maskz_srli_epi64(1, (a), M52_BITS)
#define v_alignr1(hi, lo)     _mm512_alignr_epi64((hi), (lo), 1)
#define v_add(a, b)           _mm512_add_epi64((a), (b))
#define v_andor(acc, mask, x) \
	_mm512_or_si512((acc), _mm512_and_si512((mask), (x)))

static int
cpu_ok(void)
{
	__builtin_cpu_init();
	return __builtin_cpu_supports("avx512f")
	    && __builtin_cpu_supports("avx512ifma");
}

#endif

#if defined(M52_ENGINE)

/* Carries digit by digit so every digit is < 2^52 again. */
static void
norm(uint64_t *r, size_t k)
{
	uint64_t c = 0, v;
	size_t i;

	for (i = 0; i < k; i++) {
		v = r[i] + c;
		r[i] = v & M52_MASK;
		c = v >> M52_BITS;
	}
}

/* r = a*b/R mod m, with a, b < 2m in, r < 2m out (all normalised). r may
 * alias a or b. Per digit b[i]: the low halves of a*b[i] go in; q makes
 * digit 0 divisible by 2^52 (IFMA reads only the low 52 bits of acc[0],
 * which is what q needs); the lanes shift down one digit, carrying digit
 * 0's excess; then the high halves, which belong one digit up, go in at
 * the shifted positions. */
#define M52_AMM(NV)                                                      \
	static M52_TARGET void amm_##NV(uint64_t *r, const uint64_t *a,  \
	    const uint64_t *b, const struct m52 *f)                      \
	{                                                                \
		const vec z = v_zero(), mi = v_set1(f->m0inv);           \
		const uint64_t *m = f->mod;                              \
		vec acc[NV], bi, q, c;                                   \
		size_t i;                                                \
		int j;                                                   \
                                                                         \
		M52_UNROLL for (j = 0; j < NV; j++) acc[j] = z;          \
		for (i = 0; i < f->k; i++) {                             \
			bi = v_set1(b[i]);                               \
			M52_UNROLL for (j = 0; j < NV; j++) acc[j]       \
			    = v_madd52lo(acc[j], v_load(a + 8 * j), bi); \
			q = v_bcast0(v_madd52lo(z, acc[0], mi));         \
			M52_UNROLL for (j = 0; j < NV; j++) acc[j]       \
			    = v_madd52lo(acc[j], v_load(m + 8 * j), q);  \
			c = v_carry0(acc[0]);                            \
			M52_UNROLL for (j = 0; j < NV - 1; j++) acc[j]   \
			    = v_alignr1(acc[j + 1], acc[j]);             \
			acc[NV - 1] = v_alignr1(z, acc[NV - 1]);         \
			acc[0] = v_add(acc[0], c);                       \
			M52_UNROLL for (j = 0; j < NV; j++) acc[j]       \
			    = v_madd52hi(acc[j], v_load(a + 8 * j), bi); \
			M52_UNROLL for (j = 0; j < NV; j++) acc[j]       \
			    = v_madd52hi(acc[j], v_load(m + 8 * j), q);  \
		}                                                        \
		M52_UNROLL for (j = 0; j < NV; j++)                      \
		    v_store(r + 8 * j, acc[j]);                          \
		norm(r, f->k);                                           \
	}

M52_AMM(1)
M52_AMM(2)
M52_AMM(3)
M52_AMM(4)
M52_AMM(5)
M52_AMM(6)
M52_AMM(7)
M52_AMM(8)
M52_AMM(9)
M52_AMM(10)
M52_AMM(11)
M52_AMM(12)
M52_AMM(13)
M52_AMM(14)
M52_AMM(15)
M52_AMM(16)

/* out = entry d of an ents-entry table of nv-vector entries, reading every
 * entry and keeping it under a mask: the memory trace is independent of d. */
static M52_TARGET void
sel(uint64_t *out, const uint64_t *tab, size_t ents, size_t nv, uint64_t d)
{
	vec acc[M52_MAXV], mk;
	size_t i, v;
	uint64_t x;

	for (v = 0; v < nv; v++)
		acc[v] = v_zero();
	for (i = 0; i < ents; i++) {
		x = (uint64_t) i ^ d;
		x = ((x | (0 - x)) >> 63) - 1; /* all ones iff i == d */
		VALUE_BARRIER(x);
		mk = v_set1(x);
		for (v = 0; v < nv; v++)
			acc[v] = v_andor(
			    acc[v], mk, v_load(tab + (i * nv + v) * 8));
	}
	for (v = 0; v < nv; v++)
		v_store(out + v * 8, acc[v]);
}

static void (*const amm_tab[M52_MAXV + 1])(
    uint64_t *, const uint64_t *, const uint64_t *, const struct m52 *)
    = { NULL, amm_1, amm_2, amm_3, amm_4, amm_5, amm_6, amm_7, amm_8, amm_9,
	      amm_10, amm_11, amm_12, amm_13, amm_14, amm_15, amm_16 };

#else /* no engine on this platform: m52_new always fails */

static int
cpu_ok(void)
{
	return 0;
}

static void
sel(uint64_t *out, const uint64_t *tab, size_t ents, size_t nv, uint64_t d)
{
	(void) out, (void) tab, (void) ents, (void) nv, (void) d;
	abort(); /* unreachable */
}

static void (*const amm_tab[M52_MAXV + 1])(
    uint64_t *, const uint64_t *, const uint64_t *, const struct m52 *)
    = { NULL };

#endif

int
mpc_accel_active(void)
{
	return !m52_disabled && cpu_ok();
}

static uint64_t *
dig_alloc(size_t nv)
{
	uint64_t *p = aligned_alloc(64, nv * 64);

	if (p != NULL)
		memset(p, 0, nv * 64);
	return p;
}

static void
dig_free(uint64_t *p, size_t nv)
{
	if (p != NULL) {
		lk_wipe(p, nv * 64);
		free(p);
	}
}

/* d[0..8nv) = the nl limbs l (value < 2^(52k)), zero-padded. Branches on
 * positions only. */
static void
to_dig(uint64_t *d, const struct m52 *f, const mp_limb_t *l, size_t nl)
{
	size_t i, bit, li, sh;
	uint64_t v;

	memset(d, 0, f->nv * 64);
	for (i = 0; i < f->k; i++) {
		bit = i * M52_BITS;
		li = bit / 64;
		sh = bit % 64;
		v = li < nl ? l[li] >> sh : 0;
		if (sh > 64 - M52_BITS && li + 1 < nl)
			v |= l[li + 1] << (64 - sh);
		d[i] = v & M52_MASK;
	}
}

/* l[0..nl) = the k normalised digits d (value < 2^(64 nl)). */
static void
from_dig(mp_limb_t *l, size_t nl, const struct m52 *f, const uint64_t *d)
{
	size_t i, bit, li, sh;

	memset(l, 0, nl * sizeof(*l));
	for (i = 0; i < f->k; i++) {
		bit = i * M52_BITS;
		li = bit / 64;
		sh = bit % 64;
		if (li < nl)
			l[li] |= (mp_limb_t) (d[i] << sh);
		if (sh > 64 - M52_BITS && li + 1 < nl)
			l[li + 1] |= (mp_limb_t) (d[i] >> (64 - sh));
	}
}

/* 1 if 0 <= z < m (the limb count of z shows, as everywhere in GMP). */
static int
below_m(const struct m52 *f, mpz_srcptr z)
{
	size_t n = mpz_size(z);

	return mpz_sgn(z) >= 0
	    && (n < f->nl
	        || (n == f->nl
	            && mpn_cmp(mpz_limbs_read(z), f->ml, f->nl) < 0));
}

/* Digits of z in [0, m) (MPC_EINVAL otherwise: callers reduce first). */
static int
mpz_to_dig(uint64_t *d, const struct m52 *f, mpz_srcptr z)
{
	if (!below_m(f, z))
		return MPC_EINVAL;
	to_dig(d, f, mpz_limbs_read(z), mpz_size(z));
	return 0;
}

void
m52_free(struct m52 *f)
{
	if (f == NULL)
		return;
	dig_free(f->mod, f->nv);
	dig_free(f->r2, f->nv);
	dig_free(f->one, f->nv);
	dig_free(f->unit, f->nv);
	if (f->ml != NULL)
		limbs_free(f->ml, f->nl);
	lk_wipe(f, sizeof(*f)); /* m0inv is m mod 2^52: p for a secret prime */
	free(f);
}

int
m52_new(struct m52 **out, mpz_srcptr m)
{
	struct m52 *f;
	size_t bits = mpz_sizeinbase(m, 2);
	uint64_t inv, m0;
	mpz_t t;
	int i, rv = MPC_ENOMEM;

	*out = NULL;
	if (!mpc_accel_active() || mpz_even_p(m) || mpz_cmp_ui(m, 1) <= 0
	    || bits + 2 > M52_BITS * 8 * M52_MAXV)
		return MPC_EINVAL;
	if ((f = calloc(1, sizeof(*f))) == NULL)
		return MPC_ENOMEM;
	f->k = (bits + 2 + M52_BITS - 1) / M52_BITS;
	f->nv = (f->k + 7) / 8;
	f->nl = mpz_size(m);
	f->amm = amm_tab[f->nv];
	mpz_init(t);
	if ((f->mod = dig_alloc(f->nv)) == NULL
	    || (f->r2 = dig_alloc(f->nv)) == NULL
	    || (f->one = dig_alloc(f->nv)) == NULL
	    || (f->unit = dig_alloc(f->nv)) == NULL
	    || (f->ml = limbs_alloc(f->nl)) == NULL)
		goto out;
	memcpy(f->ml, mpz_limbs_read(m), f->nl * sizeof(*f->ml));
	to_dig(f->mod, f, f->ml, f->nl);
	/* m^-1 mod 2^64 by Newton's iteration (5 steps double 3 good bits
	 * past 64), then negated mod 2^52 */
	m0 = f->ml[0];
	inv = m0;
	for (i = 0; i < 5; i++)
		inv *= 2 - m0 * inv;
	f->m0inv = (0 - inv) & M52_MASK;
	f->unit[0] = 1;
	mpz_set_ui(t, 1);
	mpz_mul_2exp(t, t, M52_BITS * f->k);
	mpz_mod(t, t, m);
	if ((rv = mpz_to_dig(f->one, f, t)) != 0)
		goto out;
	mpz_set_ui(t, 1);
	mpz_mul_2exp(t, t, 2 * M52_BITS * f->k);
	mpz_mod(t, t, m);
	rv = mpz_to_dig(f->r2, f, t);
out:
	mpz_clear(t);
	if (rv != 0)
		m52_free(f);
	else
		*out = f;
	return rv;
}

/* The kernels for 9-16 vectors spill secret partial products to their
 * stack frames (at most about 1.2 KB, plus sel's 1 KB accumulator). Called
 * from the same depth as they were, this overwrites that region. */
static __attribute__((noinline)) void
burn_stack(void)
{
	uint8_t buf[4096];

	lk_wipe(buf, sizeof(buf));
	__asm__ volatile("" : : "r"(buf) : "memory");
}

static uint64_t
win(const mp_limb_t *e, size_t ne, size_t pos)
{
	size_t li = pos / 64, sh = pos % 64;
	uint64_t v = li < ne ? e[li] >> sh : 0;

	if (sh > 64 - M52_WIN && li + 1 < ne)
		v |= e[li + 1] << (64 - sh);
	return v & (((uint64_t) 1 << M52_WIN) - 1);
}

/* acc (Montgomery form) = bm^e for e's ne limbs, all 64*ne bits used. */
static int
exp_mont(const struct m52 *f, uint64_t *acc, const uint64_t *bm,
    const mp_limb_t *e, size_t ne)
{
	size_t stride = f->nv * 8, ents = (size_t) 1 << M52_WIN, nw, w, i;
	uint64_t *tab, *t;

	if ((tab = aligned_alloc(64, ents * stride * 8)) == NULL)
		return MPC_ENOMEM;
	if ((t = dig_alloc(f->nv)) == NULL) {
		free(tab);
		return MPC_ENOMEM;
	}
	memcpy(tab, f->one, stride * 8);
	memcpy(tab + stride, bm, stride * 8);
	for (i = 2; i < ents; i++)
		f->amm(tab + i * stride, tab + (i - 1) * stride, bm, f);
	nw = (64 * ne + M52_WIN - 1) / M52_WIN;
	memcpy(acc, f->one, stride * 8);
	for (w = nw; w-- > 0;) {
		if (w + 1 < nw)
			for (i = 0; i < M52_WIN; i++)
				f->amm(acc, acc, acc, f);
		sel(t, tab, ents, f->nv, win(e, ne, w * M52_WIN));
		f->amm(acc, acc, t, f);
	}
	burn_stack();
	lk_wipe(tab, ents * stride * 8);
	free(tab);
	dig_free(t, f->nv);
	return 0;
}

/* l[0..nl] = the Montgomery-form acc converted out and fully reduced; d
 * is nl + 1 limbs of scratch. No branch on the value. */
static void
out_limbs(const struct m52 *f, mp_limb_t *l, mp_limb_t *d, uint64_t *acc)
{
	size_t nl = f->nl;
	mp_limb_t bw;

	f->amm(acc, acc, f->unit, f); /* < 2m, and the value fits nl+1 limbs */
	from_dig(l, nl + 1, f, acc);
	memcpy(d, f->ml, nl * sizeof(*d));
	d[nl] = 0;
	bw = mpn_sub_n(d, l, d, (mp_size_t) (nl + 1)); /* l - m */
	mpn_cnd_swap(1 - bw, l, d, (mp_size_t) (nl + 1));
}

/* r = the Montgomery-form acc converted out and fully reduced. */
static int
out_mont(const struct m52 *f, mpz_ptr r, uint64_t *acc)
{
	size_t nl = f->nl;
	mp_limb_t *l = limbs_alloc(nl + 1), *d = limbs_alloc(nl + 1);

	if (l == NULL || d == NULL) {
		limbs_free(l, nl + 1);
		limbs_free(d, nl + 1);
		return MPC_ENOMEM;
	}
	out_limbs(f, l, d, acc);
	memcpy(mpz_limbs_write(r, (mp_size_t) nl), l, nl * sizeof(*l));
	mpz_limbs_finish(r, (mp_size_t) nl);
	limbs_free(l, nl + 1);
	limbs_free(d, nl + 1);
	return 0;
}

/* x = y where neg is 1, else unchanged (n digits), without a branch. */
static void
sel_sign(uint64_t *x, const uint64_t *y, size_t n, uint64_t neg)
{
	uint64_t mask = 0 - neg;
	size_t j;

	VALUE_BARRIER(mask);
	for (j = 0; j < n; j++)
		x[j] = (x[j] & ~mask) | (y[j] & mask);
}

int
m52_powm(
    const struct m52 *f, mpz_ptr r, mpz_srcptr b, mpz_srcptr binv, mpz_srcptr e)
{
	uint64_t *x = dig_alloc(f->nv), *y = dig_alloc(f->nv);
	size_t ne = mpz_size(e), n = f->nv * 8;
	mp_limb_t *el = NULL;
	int rv = MPC_ENOMEM;

	if (x == NULL || y == NULL || (el = limbs_alloc(ne + 1)) == NULL)
		goto out;
	if (ne > 0)
		memcpy(el, mpz_limbs_read(e), ne * sizeof(*el));
	if ((rv = mpz_to_dig(x, f, b)) != 0)
		goto out;
	if (binv != NULL) {
		/* b or binv (both public) by the secret sign of e */
		if ((rv = mpz_to_dig(y, f, binv)) != 0)
			goto out;
		sel_sign(x, y, n,
		    (uint64_t) ((unsigned int) e->_mp_size
		        >> (sizeof(int) * 8 - 1)));
	}
	f->amm(x, x, f->r2, f);
	if ((rv = exp_mont(f, y, x, el, ne)) == 0)
		rv = out_mont(f, r, y);
out:
	dig_free(x, f->nv);
	dig_free(y, f->nv);
	limbs_free(el, ne + 1);
	return rv;
}

int
m52_powm2_var(const struct m52 *f, mpz_ptr r, mpz_srcptr a, mpz_srcptr e1,
    mpz_srcptr b, mpz_srcptr e2)
{
	uint64_t *x = dig_alloc(f->nv), *y = dig_alloc(f->nv),
	         *u = dig_alloc(f->nv);
	size_t n1 = mpz_size(e1), n2 = mpz_size(e2);
	int rv = MPC_ENOMEM;

	if (x == NULL || y == NULL || u == NULL)
		goto out;
	if ((rv = mpz_to_dig(x, f, a)) != 0 || (rv = mpz_to_dig(y, f, b)) != 0)
		goto out;
	f->amm(x, x, f->r2, f);
	f->amm(y, y, f->r2, f);
	if ((rv = exp_mont(f, u, x, mpz_limbs_read(e1), n1)) != 0
	    || (rv = exp_mont(f, x, y, mpz_limbs_read(e2), n2)) != 0)
		goto out;
	f->amm(u, u, x, f);
	rv = out_mont(f, r, u);
out:
	dig_free(x, f->nv);
	dig_free(y, f->nv);
	dig_free(u, f->nv);
	return rv;
}

/* ---- fixed-base tables (mx.c's struct fbt on this engine) ---- */

struct m52_fbt {
	const struct m52 *f;
	size_t rows, ents, ebytes; /* ebytes: one entry; f may be freed first */
	uint64_t *tab; /* rows * ents entries: g^(d * 2^(w*i)), Montgomery */
	uint64_t *rowinv; /* rows entries: g^(-2^(w*i)) */
};

void
m52_fbt_free(struct m52_fbt *t)
{
	if (t == NULL)
		return;
	/* a table mod a secret prime p (own-key nonces, own ring-Pedersen
	 * halves) reveals p through any entry: wipe */
	if (t->tab != NULL)
		lk_wipe(t->tab, t->rows * t->ents * t->ebytes);
	if (t->rowinv != NULL)
		lk_wipe(t->rowinv, t->rows * t->ebytes);
	free(t->tab);
	free(t->rowinv);
	free(t);
}

size_t
m52_fbt_bytes(const struct m52_fbt *t)
{
	return t == NULL ? 0 : t->rows * (t->ents + 1) * t->ebytes;
}

int
m52_fbt_new(struct m52_fbt **out, const struct m52 *f, mpz_srcptr g,
    mpz_srcptr ginv, size_t rows, unsigned w)
{
	struct m52_fbt *t = NULL;
	size_t stride = f->nv * 8, i, d;
	uint64_t *row = dig_alloc(f->nv), *inv = dig_alloc(f->nv), *ent;
	int rv = MPC_ENOMEM;

	*out = NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL || row == NULL || inv == NULL)
		goto out;
	t->f = f;
	t->rows = rows;
	t->ents = (size_t) 1 << w;
	t->ebytes = stride * 8;
	t->tab = aligned_alloc(64, rows * t->ents * stride * 8);
	t->rowinv = aligned_alloc(64, rows * stride * 8);
	if (t->tab == NULL || t->rowinv == NULL)
		goto out;
	if ((rv = mpz_to_dig(row, f, g)) != 0
	    || (rv = mpz_to_dig(inv, f, ginv)) != 0)
		goto out;
	f->amm(row, row, f->r2, f);
	f->amm(inv, inv, f->r2, f);
	for (i = 0; i < rows; i++) {
		ent = t->tab + i * t->ents * stride;
		memcpy(ent, f->one, stride * 8);
		for (d = 1; d < t->ents; d++)
			f->amm(
			    ent + d * stride, ent + (d - 1) * stride, row, f);
		memcpy(t->rowinv + i * stride, inv, stride * 8);
		for (d = 0; d < w; d++) {
			f->amm(row, row, row, f);
			f->amm(inv, inv, inv, f);
		}
	}
	rv = 0;
out:
	dig_free(row, f->nv);
	dig_free(inv, f->nv);
	if (rv != 0)
		m52_fbt_free(t);
	else
		*out = t;
	return rv;
}

/* acc (Montgomery form) = the product m52_fbt_pow describes; t: scratch. */
static void
fbt_acc(const struct m52_fbt *const *ts, const uint64_t *const *digs,
    const size_t *tops, size_t cnt, uint64_t *acc, uint64_t *t)
{
	const struct m52 *f = ts[0]->f;
	size_t stride = f->nv * 8, c, i;

	memcpy(acc, f->one, stride * 8);
	for (c = 0; c < cnt; c++) {
		const struct m52_fbt *tb = ts[c];

		for (i = 0; i <= tops[c]; i++) {
			sel(t, tb->tab + i * tb->ents * stride, tb->ents, f->nv,
			    digs[c][i]);
			f->amm(acc, acc, t, f);
		}
		f->amm(acc, acc, tb->rowinv + tops[c] * stride, f);
	}
	burn_stack();
}

int
m52_fbt_pow(const struct m52_fbt *const *ts, const uint64_t *const *digs,
    const size_t *tops, size_t cnt, mpz_ptr r)
{
	const struct m52 *f = ts[0]->f;
	uint64_t *acc = dig_alloc(f->nv), *t = dig_alloc(f->nv);
	int rv = MPC_ENOMEM;

	if (acc == NULL || t == NULL)
		goto out;
	fbt_acc(ts, digs, tops, cnt, acc, t);
	rv = out_mont(f, r, acc);
out:
	dig_free(acc, f->nv);
	dig_free(t, f->nv);
	return rv;
}
