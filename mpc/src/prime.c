/* Safe-prime generation with a sieve, and the prime pool.
 *
 * A safe prime p = 2p' + 1 needs both p' and p prime. Sieving by a small
 * prime r removes p' = 0 (mod r) and p' = (r-1)/2 (mod r), the latter being
 * exactly 2p' + 1 = 0 (mod r) (dfns spec, "Safe-Prime Generation"). Each
 * surviving candidate gets a base-2 Fermat test on p' and on p, and the
 * last survivor BPSW plus Miller-Rabin on p'; p is then prime by
 * Pocklington (p - 1 = 2p' with p' prime > sqrt(p), 2^(p-1) = 1 mod p and
 * 2^2 != 1 mod p). */
#include <stdlib.h>
#include <string.h>

#include "mpc_int.h"

#define SIEVE_LIMIT  17400 /* ~2000 odd primes */
#define SIEVE_WINDOW 4096 /* candidates p'_0 + 2k, k < WINDOW */

static size_t
small_primes(unsigned *out, size_t cap)
{
	static const size_t lim = SIEVE_LIMIT;
	uint8_t *comp = calloc(lim, 1);
	size_t i, j, n = 0;

	if (comp == NULL)
		return 0;
	for (i = 3; i < lim && n < cap; i += 2) {
		if (comp[i])
			continue;
		out[n++] = (unsigned) i;
		for (j = i * i; j < lim; j += 2 * i)
			comp[j] = 1;
	}
	free(comp);
	return n;
}

static int
fermat2(mpz_srcptr n, mpz_ptr t1, mpz_ptr t2)
{
	mpz_sub_ui(t1, n, 1);
	mpz_set_ui(t2, 2);
	mpz_powm(t2, t2, t1, n);
	return mpz_cmp_ui(t2, 1) == 0;
}

int
mpc_safe_prime_gen(mpz_ptr p, unsigned bits, const volatile int *cancel)
{
	unsigned *sp = NULL;
	uint8_t *bad = NULL;
	size_t nsp, i, k;
	mpz_t p0, pp, t1, t2;
	int rv = MPC_EPRIME;

	ARG_CHECK(p != NULL && bits >= 16);
	sp = malloc(2100 * sizeof(*sp));
	bad = malloc(SIEVE_WINDOW);
	mpz_inits(p0, pp, t1, t2, NULL);
	if (sp == NULL || bad == NULL) {
		rv = MPC_ENOMEM;
		goto out;
	}
	nsp = small_primes(sp, 2100);
	for (;;) {
		if (cancel != NULL && *cancel)
			goto out;
		/* p'_0: bits-1 bits, top two set, odd */
		mpc_bn_random_bits(p0, bits - 1);
		mpz_setbit(p0, bits - 2);
		mpz_setbit(p0, bits - 3);
		mpz_setbit(p0, 0);
		memset(bad, 0, SIEVE_WINDOW);
		for (i = 0; i < nsp; i++) {
			unsigned r = sp[i];
			unsigned long res = mpz_fdiv_ui(p0, r);
			unsigned long inv2 = (r + 1) / 2; /* 2^-1 mod r */
			unsigned long k0, k1;

			/* p'_0 + 2k = 0 and = (r-1)/2 (mod r) */
			k0 = ((r - res) % r) * inv2 % r;
			k1 = ((((r - 1) / 2) + r - res) % r) * inv2 % r;
			for (k = k0; k < SIEVE_WINDOW; k += r)
				bad[k] = 1;
			for (k = k1; k < SIEVE_WINDOW; k += r)
				bad[k] = 1;
		}
		for (k = 0; k < SIEVE_WINDOW; k++) {
			if (bad[k])
				continue;
			if (cancel != NULL && *cancel)
				goto out;
			mpz_add_ui(pp, p0, 2 * k);
			if (mpz_sizeinbase(pp, 2) != bits - 1)
				break;
			if (!fermat2(pp, t1, t2))
				continue;
			mpz_mul_2exp(p, pp, 1);
			mpz_add_ui(p, p, 1);
			if (!fermat2(p, t1, t2))
				continue;
			if (mpz_probab_prime_p(pp, 32) == 0)
				continue;
			rv = 0;
			goto out;
		}
	}
out:
	if (rv != 0)
		mpz_set_ui(p, 0);
	mpz_clears(p0, pp, t1, t2, NULL);
	free(sp);
	free(bad);
	return rv;
}

int
mpc_is_safe_prime_var(mpz_srcptr p)
{
	mpz_t h;
	int ok;

	if (mpz_cmp_ui(p, 5) < 0 || mpz_even_p(p))
		return 0;
	mpz_init(h);
	mpz_sub_ui(h, p, 1);
	mpz_fdiv_q_2exp(h, h, 1);
	ok = mpz_probab_prime_p(h, 32) != 0 && mpz_probab_prime_p(p, 32) != 0;
	mpz_clear(h);
	return ok;
}

/* ---- pool ---- */

struct mpc_prime_pool {
	size_t cap, count;
	unsigned bits;
	mpz_t *slot;
	mpc_lock_fn lock, unlock;
	void *arg;
};

static void
pool_lock(struct mpc_prime_pool *pl)
{
	if (pl->lock != NULL)
		pl->lock(pl->arg);
}

static void
pool_unlock(struct mpc_prime_pool *pl)
{
	if (pl->unlock != NULL)
		pl->unlock(pl->arg);
}

int
mpc_prime_pool_new(struct mpc_prime_pool **out, size_t capacity, unsigned bits,
    mpc_lock_fn lock, mpc_lock_fn unlock, void *lock_arg)
{
	struct mpc_prime_pool *pl;
	size_t i;

	ARG_CHECK(
	    out != NULL && capacity > 0 && capacity < 1u << 20 && bits >= 16);
	*out = NULL;
	mpc_init();
	pl = calloc(1, sizeof(*pl));
	if (pl == NULL)
		return MPC_ENOMEM;
	pl->slot = calloc(capacity, sizeof(mpz_t));
	if (pl->slot == NULL) {
		free(pl);
		return MPC_ENOMEM;
	}
	for (i = 0; i < capacity; i++)
		mpz_init(pl->slot[i]);
	pl->cap = capacity;
	pl->bits = bits;
	pl->lock = lock;
	pl->unlock = unlock;
	pl->arg = lock_arg;
	*out = pl;
	return 0;
}

void
mpc_prime_pool_free(struct mpc_prime_pool *pl)
{
	size_t i;

	if (pl == NULL)
		return;
	for (i = 0; i < pl->cap; i++)
		mpz_clear(pl->slot[i]); /* the wiping allocator zeroes */
	free(pl->slot);
	free(pl);
}

static int
pool_insert(struct mpc_prime_pool *pl, mpz_srcptr p)
{
	int rv = MPC_EFULL;

	pool_lock(pl);
	if (pl->count < pl->cap) {
		mpz_set(pl->slot[pl->count++], p);
		rv = 0;
	}
	pool_unlock(pl);
	return rv;
}

int
mpc_prime_pool_fill_one(struct mpc_prime_pool *pl, const volatile int *cancel)
{
	mpz_t p;
	size_t n;
	int rv;

	ARG_CHECK(pl != NULL);
	pool_lock(pl);
	n = pl->count;
	pool_unlock(pl);
	if (n >= pl->cap)
		return MPC_EFULL;
	mpz_init(p);
	rv = mpc_safe_prime_gen(p, pl->bits, cancel);
	if (rv == 0)
		rv = pool_insert(pl, p);
	mpz_clear(p);
	return rv;
}

int
mpc_prime_pool_put(struct mpc_prime_pool *pl, mpz_srcptr p)
{
	ARG_CHECK(pl != NULL && p != NULL);
	if (mpz_sizeinbase(p, 2) != pl->bits || !mpc_is_safe_prime_var(p))
		return MPC_EPRIME;
	return pool_insert(pl, p);
}

int
mpc_prime_pool_take(struct mpc_prime_pool *pl, mpz_ptr p)
{
	int rv = MPC_EEMPTY;

	ARG_CHECK(pl != NULL && p != NULL);
	pool_lock(pl);
	if (pl->count > 0) {
		pl->count--;
		mpz_swap(p, pl->slot[pl->count]);
		/* re-create the slot so the wiping allocator zeroes the
		 * limbs it held (the caller's previous value) */
		mpz_clear(pl->slot[pl->count]);
		mpz_init(pl->slot[pl->count]);
		rv = 0;
	}
	pool_unlock(pl);
	return rv;
}

size_t
mpc_prime_pool_count(struct mpc_prime_pool *pl)
{
	size_t n;

	pool_lock(pl);
	n = pl->count;
	pool_unlock(pl);
	return n;
}
