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
#define TMPC_PARTIES 5
struct tmpc_party *tmpc_party(size_t i);
struct mpc_ctx *tmpc_ctx(void);

/* Fixed session used by most tests. */
extern const struct mpc_zk_sess tmpc_sess;

/* ---- protocol tests (proto_util.c) ---- */
struct mpc_signature;

/* Builds the keys of every fixture party (an unchecked fixture: once per
 * test case, in the parent, so forked tests share it). */
void tmpc_parties_setup(void);
/* Aux info of party i in a cluster of n <= TMPC_PARTIES, assembled from the
 * fixture keys WITHOUT the aux-info proofs (the objects are shared and
 * borrowed; free with mpc_aux_free). The aux-info protocol itself is
 * tested in check_aux.c. */
struct mpc_aux *tmpc_aux(uint32_t n, uint32_t i);
/* OpenSSL's ECDSA verifier (EVP, secp256k1) on (r, s): 1 valid, 0 not. */
int tmpc_openssl_verify(const uint8_t pub[33], const uint8_t hash[32],
    const uint8_t r[32], const uint8_t s[32]);
/* Asserts that sig verifies under pub with libsecp256k1 and OpenSSL, has
 * s <= q/2, and that its recovery id recovers pub. */
void tmpc_check_signature(const uint8_t pub[33], const uint8_t hash[32],
    const struct mpc_signature *sig);
/* Every t-subset of 0..n-1 in lexicographic order: fills set[0..t) with
 * subset number k; returns 0 when k is past the last one. */
int tmpc_subset(uint32_t *set, uint32_t n, uint32_t t, uint32_t k);

#endif
