/* Shared helpers of the mpc/ test suites: fixtures and key material. */
#ifndef MPC_TEST_H
#define MPC_TEST_H

#include <stddef.h>

#include <check.h>
#include <gmp.h>

#include "mpc.h"

/* Reads up to n hex primes from test/vectors/<file> (lines starting with
 * '#' skipped; an optional "name " prefix must equal name when given).
 * Returns how many were read. */
size_t tmpc_load_primes(
    const char *file, const char *name, mpz_t *out, size_t n);

/* Party key material built once per process from the 1536-bit safe-prime
 * fixture (index i uses primes 2i, 2i+1). */
struct tmpc_party {
	struct mpc_paillier_sk *sk;
	const struct mpc_paillier_pk *pk; /* own view (CRT) */
	struct mpc_paillier_pk *pk_peer; /* the same N as a peer sees it */
	struct mpc_rped *rp_own; /* with trapdoor */
	struct mpc_rped *rp_peer; /* as peers see it, precomputed */
};
#define TMPC_PARTIES 3
struct tmpc_party *tmpc_party(size_t i);
struct mpc_ctx *tmpc_ctx(void);

/* Fixed session used by most tests. */
extern const struct mpc_zk_sess tmpc_sess;

#endif
