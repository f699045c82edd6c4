/* Safe-prime generation (tiny sizes only: tests never wait for real prime
 * generation), fixture integrity and the prime pool. */
#include <check.h>

#include "mpc_test.h"

Suite *prime_suite(void);

START_TEST(generate_small_safe_primes)
{
	mpz_t p, h;
	unsigned bits;

	mpz_inits(p, h, NULL);
	for (bits = 24; bits <= 160; bits += 8) {
		ck_assert_int_eq(mpc_safe_prime_gen(p, bits, NULL), 0);
		ck_assert_uint_eq(mpz_sizeinbase(p, 2), bits);
		ck_assert(mpz_tstbit(p, bits - 2)); /* top two bits set */
		ck_assert_uint_eq(mpz_fdiv_ui(p, 4), 3);
		ck_assert(mpz_probab_prime_p(p, 30));
		mpz_sub_ui(h, p, 1);
		mpz_fdiv_q_2exp(h, h, 1);
		ck_assert(mpz_probab_prime_p(h, 30));
		ck_assert(mpc_is_safe_prime_var(p));
	}
	ck_assert_int_eq(mpc_safe_prime_gen(p, 8, NULL), MPC_EINVAL);
	mpz_clears(p, h, NULL);
}
END_TEST

START_TEST(generation_cancels)
{
	volatile int cancel = 1;
	mpz_t p;

	mpz_init(p);
	ck_assert_int_eq(mpc_safe_prime_gen(p, 1536, &cancel), MPC_EPRIME);
	ck_assert(mpz_sgn(p) == 0);
	mpz_clear(p);
}
END_TEST

START_TEST(fixtures_are_safe_primes)
{
	mpz_t pr[24];
	size_t i, n;

	for (i = 0; i < 24; i++)
		mpz_init(pr[i]);
	n = tmpc_load_primes("mpc_safe_primes_1536.txt", NULL, pr, 24);
	ck_assert_uint_ge(n, 2 * TMPC_PARTIES);
	for (i = 0; i < n; i++) {
		ck_assert_uint_eq(mpz_sizeinbase(pr[i], 2), 1536);
		ck_assert_uint_eq(mpz_fdiv_ui(pr[i], 4), 3);
		ck_assert(mpc_is_safe_prime_var(pr[i]));
	}
	/* a prime that is not safe is refused */
	ck_assert_uint_eq(
	    tmpc_load_primes("mpc_primes_misc.txt", "prime1536_1mod4", pr, 1),
	    1);
	ck_assert(!mpc_is_safe_prime_var(pr[0]));
	for (i = 0; i < 24; i++)
		mpz_clear(pr[i]);
}
END_TEST

static int locks, unlocks;

static void
count_lock(void *arg)
{
	(void) arg;
	locks++;
}

static void
count_unlock(void *arg)
{
	(void) arg;
	unlocks++;
}

START_TEST(pool_put_take_fill)
{
	struct mpc_prime_pool *pl;
	mpz_t pr[4], p;
	size_t i;

	mpz_init(p);
	for (i = 0; i < 4; i++)
		mpz_init(pr[i]);
	ck_assert_uint_eq(
	    tmpc_load_primes("mpc_safe_primes_256.txt", NULL, pr, 4), 4);
	ck_assert_int_eq(
	    mpc_prime_pool_new(&pl, 3, 256, count_lock, count_unlock, NULL), 0);
	ck_assert_int_eq(mpc_prime_pool_take(pl, p), MPC_EEMPTY);
	ck_assert_int_eq(mpc_prime_pool_put(pl, pr[0]), 0);
	ck_assert_int_eq(mpc_prime_pool_put(pl, pr[1]), 0);
	/* a non-safe or wrong-size prime is refused */
	mpz_add_ui(p, pr[2], 2);
	ck_assert_int_eq(mpc_prime_pool_put(pl, p), MPC_EPRIME);
	ck_assert_int_eq(mpc_prime_pool_put(pl, pr[2]), 0);
	ck_assert_int_eq(mpc_prime_pool_put(pl, pr[3]), MPC_EFULL);
	ck_assert_int_eq(mpc_prime_pool_fill_one(pl, NULL), MPC_EFULL);
	ck_assert_uint_eq(mpc_prime_pool_count(pl), 3);
	ck_assert_int_eq(mpc_prime_pool_take(pl, p), 0);
	ck_assert(mpz_cmp(p, pr[2]) == 0);
	ck_assert_int_eq(mpc_prime_pool_take(pl, p), 0);
	ck_assert_int_eq(mpc_prime_pool_take(pl, p), 0);
	ck_assert(mpz_cmp(p, pr[0]) == 0);
	ck_assert_int_eq(mpc_prime_pool_take(pl, p), MPC_EEMPTY);
	ck_assert_int_eq(locks, unlocks);
	ck_assert_int_gt(locks, 0);
	mpc_prime_pool_free(pl);
	/* fill_one at a tiny size */
	ck_assert_int_eq(mpc_prime_pool_new(&pl, 2, 64, NULL, NULL, NULL), 0);
	ck_assert_int_eq(mpc_prime_pool_fill_one(pl, NULL), 0);
	ck_assert_int_eq(mpc_prime_pool_take(pl, p), 0);
	ck_assert(mpc_is_safe_prime_var(p));
	ck_assert_uint_eq(mpz_sizeinbase(p, 2), 64);
	mpc_prime_pool_free(pl);
	for (i = 0; i < 4; i++)
		mpz_clear(pr[i]);
	mpz_clear(p);
}
END_TEST

Suite *
prime_suite(void)
{
	Suite *s = suite_create("prime");
	TCase *tc = tcase_create("prime");

	tcase_add_test(tc, generate_small_safe_primes);
	tcase_add_test(tc, generation_cancels);
	tcase_add_test(tc, fixtures_are_safe_primes);
	tcase_add_test(tc, pool_put_take_fill);
	suite_add_tcase(s, tc);
	return s;
}
