/* Paillier encryption on Paillier-Blum moduli (docs/MPC.md §3).
 *
 * Own keys use CRT everywhere: rho^N mod p^2 is computed as
 * ((rho mod p)^(q mod p-1) mod p)^p mod p^2, because x^p mod p^2 depends
 * only on x mod p (so rho^(pq) = (rho^q)^p needs rho^q only mod p). All
 * exponentiations whose exponent or base is secret are constant time. */
#include <stdlib.h>
#include <string.h>

#include "mpc_int.h"

static int
pk_init(struct mpc_paillier_pk *pk, mpz_srcptr n)
{
	int rv;

	memset(pk, 0, sizeof(*pk));
	mpz_init_set(pk->n, n);
	mpz_init(pk->n2);
	mpz_init(pk->nhalf);
	mpz_mul(pk->n2, n, n);
	mpz_fdiv_q_2exp(pk->nhalf, n, 1);
	if ((rv = mx_init(&pk->xn, n)) != 0)
		return rv;
	return mx_init(&pk->xn2, pk->n2);
}

static void
pk_clear(struct mpc_paillier_pk *pk)
{
	if (pk->n->_mp_d == NULL)
		return;
	mpz_clear(pk->n);
	mpz_clear(pk->n2);
	mpz_clear(pk->nhalf);
	mx_clear(&pk->xn);
	mx_clear(&pk->xn2);
	memset(pk, 0, sizeof(*pk));
}

/* Trial division by every prime below 2^16. */
static int
has_small_factor(mpz_srcptr n)
{
	static const unsigned lim = 1u << 16;
	uint8_t *comp = calloc(lim, 1);
	unsigned i, j;
	int found = 0;

	if (comp == NULL)
		return 1;
	if (mpz_even_p(n))
		found = 1;
	for (i = 3; i < lim && !found; i += 2) {
		if (comp[i])
			continue;
		for (j = i * i; j < lim && i < 256; j += 2 * i)
			comp[j] = 1;
		if (mpz_divisible_ui_p(n, i))
			found = 1;
	}
	free(comp);
	return found;
}

int
modulus_check_var(mpz_srcptr n)
{
	size_t bits = mpz_sizeinbase(n, 2);

	if (mpz_sgn(n) <= 0 || bits < MPC_N_MIN_BITS || bits > MPC_N_MAX_BITS)
		return MPC_EMODULUS;
	if (mpz_even_p(n) || mpz_perfect_power_p(n) || has_small_factor(n))
		return MPC_EMODULUS;
	if (mpz_probab_prime_p(n, 2) != 0)
		return MPC_EMODULUS;
	return 0;
}

int
mpc_paillier_pk_new(struct mpc_paillier_pk **out, mpz_srcptr n)
{
	struct mpc_paillier_pk *pk;
	int rv;

	ARG_CHECK(out != NULL && n != NULL);
	*out = NULL;
	mpc_init();
	if ((rv = modulus_check_var(n)) != 0)
		return rv;
	pk = calloc(1, sizeof(*pk));
	if (pk == NULL)
		return MPC_ENOMEM;
	if ((rv = pk_init(pk, n)) != 0) {
		pk_clear(pk);
		free(pk);
		return rv;
	}
	*out = pk;
	return 0;
}

void
mpc_paillier_pk_free(struct mpc_paillier_pk *pk)
{
	if (pk == NULL)
		return;
	pk_clear(pk);
	free(pk);
}

mpz_srcptr
mpc_paillier_pk_n(const struct mpc_paillier_pk *pk)
{
	return pk->n;
}

mpz_srcptr
mpc_paillier_pk_n2(const struct mpc_paillier_pk *pk)
{
	return pk->n2;
}

int
mpc_paillier_pk_is_own(const struct mpc_paillier_pk *pk)
{
	return pk->sk != NULL;
}

void
mpc_paillier_pk_set_nonce_source(
    struct mpc_paillier_pk *pk, mpc_nonce_fn fn, void *arg)
{
	pk->nonce_fn = fn;
	pk->nonce_arg = arg;
}

/* ---- secret keys ---- */

static void
sk_clear(struct mpc_paillier_sk *sk)
{
	mpz_clears(sk->p, sk->q, sk->p2, sk->q2, sk->phi, sk->pm1, sk->qm1,
	    sk->q_mod_pm1, sk->p_mod_qm1, sk->p2inv_q2, sk->pinv_q, sk->hp,
	    sk->hq, sk->ninv_p, sk->ninv_q, NULL);
	mx_clear(&sk->xp);
	mx_clear(&sk->xq);
	mx_clear(&sk->xp2);
	mx_clear(&sk->xq2);
	fbt_clear(&sk->ntp);
	fbt_clear(&sk->ntP);
	fbt_clear(&sk->ntq);
	fbt_clear(&sk->ntQ);
	pk_clear(&sk->pk);
}

/* The smallest generator of Z*_p for a safe prime p = 2p' + 1: g with
 * g^2 != 1 and g^p' != 1 (public). */
static void
safe_prime_generator(mpz_ptr g, mpz_srcptr p)
{
	mpz_t pp, t;

	mpz_inits(pp, t, NULL);
	mpz_sub_ui(pp, p, 1);
	mpz_tdiv_q_2exp(pp, pp, 1);
	for (mpz_set_ui(g, 2);; mpz_add_ui(g, g, 1)) {
		mpz_powm(t, g, pp, p);
		if (mpz_cmp_ui(t, 1) != 0 && mpz_cmp_ui(g, 1) != 0) {
			mpz_mul(t, g, g);
			mpz_mod(t, t, p);
			if (mpz_cmp_ui(t, 1) != 0)
				break;
		}
	}
	mpz_clears(pp, t, NULL);
}

static int
nonce_tables(const struct mx *x1, const struct mx *x2, struct fbt *t1,
    struct fbt *t2, mpz_srcptr prime, mpz_srcptr n)
{
	mpz_t g, G;
	int rv;

	mpz_inits(g, G, NULL);
	safe_prime_generator(g, prime);
	/* G = g^N mod prime^2 (public) */
	mpz_powm(G, g, n, x2->m);
	if ((rv = fbt_build(t1, x1, g, MPC_PRIME_BITS, FBT_WINDOW)) == 0)
		rv = fbt_build(t2, x2, G, MPC_PRIME_BITS, FBT_WINDOW);
	mpz_clears(g, G, NULL);
	return rv;
}

int
mpc_paillier_sk_precompute(struct mpc_paillier_sk *sk)
{
	int rv;

	ARG_CHECK(sk != NULL);
	if (sk->ntables)
		return 0;
	if ((rv = nonce_tables(
	         &sk->xp, &sk->xp2, &sk->ntp, &sk->ntP, sk->p, sk->pk.n))
	        != 0
	    || (rv = nonce_tables(
	            &sk->xq, &sk->xq2, &sk->ntq, &sk->ntQ, sk->q, sk->pk.n))
	        != 0) {
		fbt_clear(&sk->ntp);
		fbt_clear(&sk->ntP);
		fbt_clear(&sk->ntq);
		fbt_clear(&sk->ntQ);
		return rv;
	}
	sk->ntables = 1;
	return 0;
}

/* g^a mod m from a table, as an mpz (constant time in a for |a| < 2^bits). */
static int
table_pow(const struct fbt *t, mpz_ptr r, mpz_srcptr a, size_t bits)
{
	return fbt_pow(t, r, a, bits);
}

static int crt2(mpz_ptr r, mpz_srcptr rp, mpz_srcptr rq, mpz_srcptr m1,
    const struct mx *x2, mpz_srcptr inv);

/* A fresh (rho, rho^N mod N^2) for one's own key from the tables. */
static int
own_nonce(const struct mpc_paillier_sk *sk, mpz_ptr rho, mpz_ptr rho_n)
{
	mpz_t ap, aq, rp, rq, yp, yq;
	int rv;

	mpz_inits(ap, aq, rp, rq, yp, yq, NULL);
	if ((rv = mpc_bn_random_below(ap, sk->pm1)) != 0
	    || (rv = mpc_bn_random_below(aq, sk->qm1)) != 0
	    || (rv = table_pow(&sk->ntp, rp, ap, MPC_PRIME_BITS)) != 0
	    || (rv = table_pow(&sk->ntq, rq, aq, MPC_PRIME_BITS)) != 0
	    || (rv = table_pow(&sk->ntP, yp, ap, MPC_PRIME_BITS)) != 0
	    || (rv = table_pow(&sk->ntQ, yq, aq, MPC_PRIME_BITS)) != 0)
		goto out;
	paillier_crt_n(sk, rho, rp, rq);
	rv = crt2(rho_n, yp, yq, sk->p2, &sk->xq2, sk->p2inv_q2);
out:
	mpz_clears(ap, aq, rp, rq, yp, yq, NULL);
	return rv;
}

int
mpc_paillier_sk_from_primes(
    struct mpc_paillier_sk **out, mpz_srcptr p, mpz_srcptr q)
{
	struct mpc_paillier_sk *sk;
	mpz_t n, d;
	int rv = MPC_EMODULUS;

	ARG_CHECK(out != NULL && p != NULL && q != NULL);
	*out = NULL;
	mpc_init();
	if (mpz_sizeinbase(p, 2) != MPC_PRIME_BITS
	    || mpz_sizeinbase(q, 2) != MPC_PRIME_BITS || mpz_cmp(p, q) == 0
	    || mpz_fdiv_ui(p, 4) != 3 || mpz_fdiv_ui(q, 4) != 3)
		return MPC_EMODULUS;
	if (!mpc_is_safe_prime_var(p) || !mpc_is_safe_prime_var(q))
		return MPC_EPRIME;
	mpz_inits(n, d, NULL);
	mpz_mul(n, p, q);
	mpz_sub(d, p, q);
	/* |p - q| must not be small (Fermat factoring) */
	if (mpz_sizeinbase(n, 2) != MPC_PAILLIER_BITS
	    || mpz_sizeinbase(d, 2) < MPC_PRIME_BITS - 100) {
		mpz_clears(n, d, NULL);
		return MPC_EMODULUS;
	}
	sk = calloc(1, sizeof(*sk));
	if (sk == NULL) {
		mpz_clears(n, d, NULL);
		return MPC_ENOMEM;
	}
	mpz_inits(sk->p, sk->q, sk->p2, sk->q2, sk->phi, sk->pm1, sk->qm1,
	    sk->q_mod_pm1, sk->p_mod_qm1, sk->p2inv_q2, sk->pinv_q, sk->hp,
	    sk->hq, sk->ninv_p, sk->ninv_q, NULL);
	mpz_set(sk->p, p);
	mpz_set(sk->q, q);
	mpz_mul(sk->p2, p, p);
	mpz_mul(sk->q2, q, q);
	mpz_sub_ui(sk->pm1, p, 1);
	mpz_sub_ui(sk->qm1, q, 1);
	mpz_mul(sk->phi, sk->pm1, sk->qm1);
	mpz_mod(sk->q_mod_pm1, q, sk->pm1);
	mpz_mod(sk->p_mod_qm1, p, sk->qm1);
	rv = MPC_EMODULUS;
	if (!mpz_invert(sk->p2inv_q2, sk->p2, sk->q2)
	    || !mpz_invert(sk->pinv_q, p, q))
		goto fail;
	mpz_neg(d, q);
	if (!mpz_invert(sk->hp, d, p))
		goto fail;
	mpz_neg(d, p);
	if (!mpz_invert(sk->hq, d, q))
		goto fail;
	if (!mpz_invert(sk->ninv_p, n, sk->pm1)
	    || !mpz_invert(sk->ninv_q, n, sk->qm1))
		goto fail;
	if ((rv = pk_init(&sk->pk, n)) != 0 || (rv = mx_init(&sk->xp, p)) != 0
	    || (rv = mx_init(&sk->xq, q)) != 0
	    || (rv = mx_init(&sk->xp2, sk->p2)) != 0
	    || (rv = mx_init(&sk->xq2, sk->q2)) != 0)
		goto fail;
	sk->pk.sk = sk;
	mpz_clears(n, d, NULL);
	*out = sk;
	return 0;
fail:
	mpz_clears(n, d, NULL);
	sk_clear(sk);
	free(sk);
	return rv;
}

int
mpc_paillier_keygen(struct mpc_paillier_sk **out, struct mpc_prime_pool *pool,
    const volatile int *cancel)
{
	mpz_t p, q;
	int rv = MPC_EPRIME, tries;

	ARG_CHECK(out != NULL);
	*out = NULL;
	mpz_inits(p, q, NULL);
	for (tries = 0; tries < 8; tries++) {
		if ((pool == NULL || mpc_prime_pool_take(pool, p) != 0)
		    && (rv = mpc_safe_prime_gen(p, MPC_PRIME_BITS, cancel))
		        != 0)
			break;
		if ((pool == NULL || mpc_prime_pool_take(pool, q) != 0)
		    && (rv = mpc_safe_prime_gen(q, MPC_PRIME_BITS, cancel))
		        != 0)
			break;
		rv = mpc_paillier_sk_from_primes(out, p, q);
		if (rv != MPC_EMODULUS) /* equal or too-close primes: retry */
			break;
	}
	mpz_clears(p, q, NULL);
	return rv;
}

void
mpc_paillier_sk_free(struct mpc_paillier_sk *sk)
{
	if (sk == NULL)
		return;
	sk_clear(sk);
	free(sk);
}

const struct mpc_paillier_pk *
mpc_paillier_sk_pk(const struct mpc_paillier_sk *sk)
{
	return &sk->pk;
}

struct mpc_paillier_pk *
mpc_paillier_sk_pk_mut(struct mpc_paillier_sk *sk)
{
	return &sk->pk;
}

/* ---- CRT ---- */

static int
crt2(mpz_ptr r, mpz_srcptr rp, mpz_srcptr rq, mpz_srcptr m1,
    const struct mx *x2, mpz_srcptr inv)
{
	mpz_t t;
	int rv;

	/* r = rp + m1 * ((rq - rp) * m1^-1 mod m2) */
	mpz_init(t);
	mpz_sub(t, rq, rp);
	mpz_mod(t, t, x2->m);
	rv = mx_mulmod(x2, t, t, inv);
	mpz_mul(t, t, m1);
	mpz_add(r, t, rp);
	mpz_clear(t);
	return rv;
}

void
paillier_crt_n(
    const struct mpc_paillier_sk *sk, mpz_ptr r, mpz_srcptr rp, mpz_srcptr rq)
{
	(void) crt2(r, rp, rq, sk->p, &sk->xq, sk->pinv_q);
}

int
paillier_powm_n_crt(const struct mpc_paillier_sk *sk, mpz_ptr r, mpz_srcptr x,
    mpz_srcptr ep, mpz_srcptr eq)
{
	mpz_t bp, bq, rp, rq;
	int rv;

	mpz_inits(bp, bq, rp, rq, NULL);
	mpz_mod(bp, x, sk->p);
	mpz_mod(bq, x, sk->q);
	if ((rv = mx_powm_sec(&sk->xp, rp, bp, ep)) == 0
	    && (rv = mx_powm_sec(&sk->xq, rq, bq, eq)) == 0)
		rv = crt2(r, rp, rq, sk->p, &sk->xq, sk->pinv_q);
	mpz_clears(bp, bq, rp, rq, NULL);
	return rv;
}

int
paillier_nth_power(const struct mpc_paillier_pk *pk, mpz_ptr r, mpz_srcptr rho)
{
	const struct mpc_paillier_sk *sk = pk->sk;
	mpz_t b, yp, yq;
	int rv;

	if (sk == NULL)
		return mx_powm_sec(&pk->xn2, r, rho, pk->n);
	mpz_inits(b, yp, yq, NULL);
	mpz_mod(b, rho, sk->p);
	if ((rv = mx_powm_sec(&sk->xp, yp, b, sk->q_mod_pm1)) != 0)
		goto out;
	mpz_mod(b, rho, sk->q);
	if ((rv = mx_powm_sec(&sk->xq, yq, b, sk->p_mod_qm1)) != 0)
		goto out;
	/* (rho^q mod p)^p mod p^2 = rho^N mod p^2 */
	if ((rv = mx_powm_sec(&sk->xp2, yp, yp, sk->p)) != 0
	    || (rv = mx_powm_sec(&sk->xq2, yq, yq, sk->q)) != 0)
		goto out;
	rv = crt2(r, yp, yq, sk->p2, &sk->xq2, sk->p2inv_q2);
out:
	mpz_clears(b, yp, yq, NULL);
	return rv;
}

/* ---- nonces ---- */

int
mpc_paillier_nonce_gen(
    const struct mpc_paillier_pk *pk, mpz_ptr rho, mpz_ptr rho_n)
{
	int rv;

	ARG_CHECK(pk != NULL && rho != NULL && rho_n != NULL);
	if (pk->sk != NULL && pk->sk->ntables)
		return own_nonce(pk->sk, rho, rho_n);
	if ((rv = mpc_bn_random_unit(rho, pk->n)) != 0)
		return rv;
	return paillier_nth_power(pk, rho_n, rho);
}

int
paillier_nonce(const struct mpc_paillier_pk *pk, mpz_ptr rho, mpz_ptr rho_n)
{
	if (pk->nonce_fn != NULL
	    && pk->nonce_fn(pk->nonce_arg, pk, rho, rho_n) == 0)
		return 0;
	return mpc_paillier_nonce_gen(pk, rho, rho_n);
}

/* ---- encryption ---- */

int
paillier_enc_rn(
    const struct mpc_paillier_pk *pk, mpz_ptr c, mpz_srcptr m, mpz_srcptr rho_n)
{
	mpz_t g;
	int rv;

	mpz_init(g);
	/* g = 1 + (m mod N) * N < N^2 */
	if ((rv = ct_mod_signed(g, m, pk->n)) == 0) {
		mpz_mul(g, g, pk->n);
		mpz_add_ui(g, g, 1);
		rv = mx_mulmod(&pk->xn2, c, g, rho_n);
	}
	mpz_clear(g);
	return rv;
}

int
paillier_enc_var(
    const struct mpc_paillier_pk *pk, mpz_ptr c, mpz_srcptr m, mpz_srcptr rho)
{
	mpz_t g, rn;
	int rv;

	mpz_inits(g, rn, NULL);
	mpz_mod(g, m, pk->n);
	mpz_mul(g, g, pk->n);
	mpz_add_ui(g, g, 1);
	if (pk->sk != NULL)
		rv = paillier_nth_power(pk, rn, rho);
	else
		rv = mx_powm_var(&pk->xn2, rn, rho, pk->n);
	if (rv == 0) {
		mpz_mul(c, g, rn);
		mpz_mod(c, c, pk->n2);
	}
	mpz_clears(g, rn, NULL);
	return rv;
}

int
mpc_paillier_encrypt_with(
    const struct mpc_paillier_pk *pk, mpz_ptr c, mpz_srcptr m, mpz_srcptr rho)
{
	mpz_t rn;
	int rv;

	ARG_CHECK(pk != NULL && c != NULL && m != NULL && rho != NULL);
	if (mpz_cmpabs(m, pk->nhalf) > 0)
		return MPC_ERANGE;
	if (!mpc_bn_is_unit_var(rho, pk->n))
		return MPC_ENOTUNIT;
	mpz_init(rn);
	if ((rv = paillier_nth_power(pk, rn, rho)) == 0)
		rv = paillier_enc_rn(pk, c, m, rn);
	mpz_clear(rn);
	return rv;
}

int
mpc_paillier_encrypt(
    const struct mpc_paillier_pk *pk, mpz_ptr c, mpz_ptr rho_out, mpz_srcptr m)
{
	mpz_t rho, rn;
	int rv;

	ARG_CHECK(pk != NULL && c != NULL && m != NULL);
	if (mpz_cmpabs(m, pk->nhalf) > 0)
		return MPC_ERANGE;
	mpz_inits(rho, rn, NULL);
	if ((rv = paillier_nonce(pk, rho, rn)) == 0)
		rv = paillier_enc_rn(pk, c, m, rn);
	if (rv == 0 && rho_out != NULL)
		mpz_set(rho_out, rho);
	mpz_clears(rho, rn, NULL);
	return rv;
}

int
mpc_paillier_ct_check(const struct mpc_paillier_pk *pk, mpz_srcptr c)
{
	mpz_t g;
	int ok;

	ARG_CHECK(pk != NULL && c != NULL);
	if (mpz_sgn(c) <= 0 || mpz_cmp(c, pk->n2) >= 0)
		return MPC_ERANGE;
	mpz_init(g);
	mpz_gcd(g, c, pk->n);
	ok = mpz_cmp_ui(g, 1) == 0;
	mpz_clear(g);
	return ok ? 0 : MPC_ENOTUNIT;
}

/* L_p(c^(p-1) mod p^2) * hp mod p */
static int
dec_half(const struct mx *x2, const struct mx *x1, mpz_ptr out, mpz_srcptr c,
    mpz_srcptr pm1, mpz_srcptr h)
{
	mpz_t u;
	int rv;

	mpz_init(u);
	mpz_mod(u, c, x2->m);
	if ((rv = mx_powm_sec(x2, u, u, pm1)) == 0) {
		mpz_sub_ui(u, u, 1);
		mpz_divexact(u, u, x1->m);
		rv = mx_mulmod(x1, out, u, h);
	}
	mpz_clear(u);
	return rv;
}

int
mpc_paillier_decrypt(const struct mpc_paillier_sk *sk, mpz_ptr m, mpz_srcptr c)
{
	mpz_t mp, mq;
	int rv;

	ARG_CHECK(sk != NULL && m != NULL && c != NULL);
	if ((rv = mpc_paillier_ct_check(&sk->pk, c)) != 0)
		return rv;
	mpz_inits(mp, mq, NULL);
	if ((rv = dec_half(&sk->xp2, &sk->xp, mp, c, sk->pm1, sk->hp)) == 0
	    && (rv = dec_half(&sk->xq2, &sk->xq, mq, c, sk->qm1, sk->hq)) == 0
	    && (rv = crt2(mp, mp, mq, sk->p, &sk->xq, sk->pinv_q)) == 0)
		rv = ct_center(m, mp, sk->pk.n, sk->pk.nhalf);
	mpz_clears(mp, mq, NULL);
	return rv;
}

int
mpc_paillier_decrypt_nonce(
    const struct mpc_paillier_sk *sk, mpz_ptr m, mpz_ptr rho, mpz_srcptr c)
{
	mpz_t g, cr;
	int rv;

	ARG_CHECK(sk != NULL && m != NULL && rho != NULL && c != NULL);
	if ((rv = mpc_paillier_decrypt(sk, m, c)) != 0)
		return rv;
	mpz_inits(g, cr, NULL);
	/* c * (1 - mN) = rho^N mod N^2; rho = (that mod N)^(N^-1 mod phi) */
	mpz_mul(g, m, sk->pk.n);
	mpz_ui_sub(g, 1, g);
	mpz_mod(g, g, sk->pk.n2);
	if ((rv = mx_mulmod(&sk->pk.xn2, cr, c, g)) == 0) {
		mpz_mod(cr, cr, sk->pk.n);
		rv = paillier_powm_n_crt(sk, rho, cr, sk->ninv_p, sk->ninv_q);
	}
	mpz_clears(g, cr, NULL);
	return rv;
}

int
mpc_paillier_add(
    const struct mpc_paillier_pk *pk, mpz_ptr r, mpz_srcptr a, mpz_srcptr b)
{
	ARG_CHECK(pk != NULL && r != NULL && a != NULL && b != NULL);
	mpz_mul(r, a, b);
	mpz_mod(r, r, pk->n2);
	return 0;
}

int
mpc_paillier_mul(const struct mpc_paillier_pk *pk, mpz_ptr r, mpz_srcptr c,
    mpz_srcptr k, size_t kbits)
{
	mpz_t ci;
	int rv;

	ARG_CHECK(pk != NULL && r != NULL && c != NULL && k != NULL);
	if (mpz_sizeinbase(k, 2) > kbits && mpz_sgn(k) != 0)
		return MPC_ERANGE;
	if ((rv = mpc_paillier_ct_check(pk, c)) != 0)
		return rv;
	mpz_init(ci);
	mpz_invert(ci, c, pk->n2);
	rv = mx_powm_sec_signed(&pk->xn2, r, c, ci, k);
	mpz_clear(ci);
	return rv;
}

int
mpc_paillier_mul_var(
    const struct mpc_paillier_pk *pk, mpz_ptr r, mpz_srcptr c, mpz_srcptr k)
{
	ARG_CHECK(pk != NULL && r != NULL && c != NULL && k != NULL);
	return mx_powm_var(&pk->xn2, r, c, k);
}

/* ---- encodings ---- */

void
mpc_paillier_pk_encode(struct proto_wbuf *w, const struct mpc_paillier_pk *pk)
{
	mpc_bn_put(w, pk->n);
}

int
mpc_paillier_pk_decode(struct proto_rbuf *r, struct mpc_paillier_pk **out)
{
	struct proto_rbuf save = *r;
	mpz_t n;
	int rv;

	ARG_CHECK(r != NULL && out != NULL);
	*out = NULL;
	mpz_init(n);
	if ((rv = mpc_bn_get(r, n, MPC_N_MAX_BITS, 0)) == 0
	    && (rv = mpc_paillier_pk_new(out, n)) != 0)
		*r = save;
	mpz_clear(n);
	return rv;
}

void
mpc_paillier_sk_encode(struct proto_wbuf *w, const struct mpc_paillier_sk *sk)
{
	mpc_bn_put(w, sk->p);
	mpc_bn_put(w, sk->q);
}

int
mpc_paillier_sk_decode(struct proto_rbuf *r, struct mpc_paillier_sk **out)
{
	struct proto_rbuf save = *r;
	mpz_t p, q;
	int rv;

	ARG_CHECK(r != NULL && out != NULL);
	*out = NULL;
	mpz_inits(p, q, NULL);
	if ((rv = mpc_bn_get(r, p, MPC_PRIME_BITS, 0)) != 0
	    || (rv = mpc_bn_get(r, q, MPC_PRIME_BITS, 0)) != 0
	    || (rv = mpc_paillier_sk_from_primes(out, p, q)) != 0)
		*r = save;
	mpz_clears(p, q, NULL);
	return rv;
}
