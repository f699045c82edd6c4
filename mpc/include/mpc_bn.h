/* Big integers on GMP: sampling, range and unit checks, the wire form of
 * integers, safe-prime generation and a prime pool.
 *
 * Secrets held in mpz_t are wiped when GMP frees or moves them, once
 * mpc_init has installed the wiping allocator; callers still mpz_clear
 * every secret on every exit path. Wire form (proto/ rules): an unsigned
 * integer is proto_put_bigint (u16 length, big-endian magnitude, no leading
 * zero byte); a signed one is a sign byte (0 or 1, never 1 for zero)
 * followed by its magnitude. Decoders enforce a hard maximum bit size. */
#ifndef MPC_BN_H
#define MPC_BN_H

#include <stddef.h>
#include <stdint.h>

#include <gmp.h>

#include "proto_buf.h"

/* ---- sampling (lk_random) ---- */

/* r uniform in [0, 2^bits). */
void mpc_bn_random_bits(mpz_ptr r, size_t bits);
/* r uniform in [0, n), n > 0. Returns 0 or MPC_EINVAL. */
int mpc_bn_random_below(mpz_ptr r, mpz_srcptr n);
/* r uniform in Z*_n (n > 1). Returns 0 or MPC_EINVAL. */
int mpc_bn_random_unit(mpz_ptr r, mpz_srcptr n);
/* r uniform in the signed range [-(2^bits * m), 2^bits * m]; m NULL means
 * m = 1 (the range +-2^bits). Returns 0 or MPC_EINVAL. */
int mpc_bn_random_pm(mpz_ptr r, size_t bits, mpz_srcptr m);

/* ---- checks (variable time: for public values) ---- */

/* 1 if 0 < x < n and gcd(x, n) = 1. */
int mpc_bn_is_unit_var(mpz_srcptr x, mpz_srcptr n);
/* 1 if |x| <= 2^bits * m (m NULL means 1). */
int mpc_bn_in_pm_var(mpz_srcptr x, size_t bits, mpz_srcptr m);

/* ---- wire form ---- */

/* Unsigned: x must be >= 0. */
void mpc_bn_put(struct proto_wbuf *w, mpz_srcptr x);
/* Reads an unsigned integer of at most maxbits bits; zero only when
 * allow_zero. Returns 0, a PROTO_E* code, or MPC_ERANGE (too many bits).
 * On failure x is 0 and the cursor is unchanged. */
int mpc_bn_get(struct proto_rbuf *r, mpz_ptr x, size_t maxbits, int allow_zero);
void mpc_bn_put_signed(struct proto_wbuf *w, mpz_srcptr x);
int mpc_bn_get_signed(struct proto_rbuf *r, mpz_ptr x, size_t maxbits);

/* ---- safe primes ---- */

/* mpc_safe_prime_gen draws a random safe prime p = 2p' + 1 of exactly
 * `bits` bits with its two top bits set (so a product of two has 2*bits
 * bits) and p = 3 mod 4. Candidates are sieved by ~2000 small primes
 * (p' mod r not in {0, (r-1)/2}) before Miller-Rabin/BPSW on p' and p.
 * Runs for seconds at 1536 bits: call it from a background thread.
 * Args:    cancel: polled between candidates; generation stops with
 *                  MPC_EPRIME when *cancel != 0 (NULL: never).
 * Returns: 0, MPC_EINVAL (bits < 16) or MPC_EPRIME. */
int mpc_safe_prime_gen(mpz_ptr p, unsigned bits, const volatile int *cancel);
/* 1 if p and (p-1)/2 are (probable) primes; variable time. */
int mpc_is_safe_prime_var(mpz_srcptr p);

/* ---- prime pool ----
 * A bounded store of safe primes that a daemon fills from its own thread
 * (the library starts none). Locking is the caller's: lock/unlock are
 * called around every access to the pool's slots and may be NULL for
 * single-threaded use. Generation itself runs outside the lock. */
struct mpc_prime_pool;
typedef void (*mpc_lock_fn)(void *arg);

/* Returns 0, MPC_EINVAL or MPC_ENOMEM. Free with mpc_prime_pool_free. */
int mpc_prime_pool_new(struct mpc_prime_pool **out, size_t capacity,
    unsigned bits, mpc_lock_fn lock, mpc_lock_fn unlock, void *lock_arg);
/* Wipes and frees (NULL is a no-op). */
void mpc_prime_pool_free(struct mpc_prime_pool *pool);
/* Generates one safe prime and stores it. Returns 0, MPC_EFULL (checked
 * before generating), MPC_EPRIME (cancelled). */
int mpc_prime_pool_fill_one(
    struct mpc_prime_pool *pool, const volatile int *cancel);
/* Stores a prime produced elsewhere after checking it is a safe prime of
 * the pool's size. Returns 0, MPC_EFULL or MPC_EPRIME. */
int mpc_prime_pool_put(struct mpc_prime_pool *pool, mpz_srcptr p);
/* Takes one prime out (the slot is wiped). Returns 0 or MPC_EEMPTY. */
int mpc_prime_pool_take(struct mpc_prime_pool *pool, mpz_ptr p);
size_t mpc_prime_pool_count(struct mpc_prime_pool *pool);

#endif
