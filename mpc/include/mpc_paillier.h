/* Paillier encryption and ring-Pedersen parameters on one modulus.
 *
 * Every party owns one Paillier-Blum modulus N = p*q from two safe primes
 * (p = q = 3 mod 4) of MPC_PRIME_BITS bits; the same N carries its
 * ring-Pedersen parameters (s, t) = (t^lambda, r^2). Peers' moduli are
 * accepted with 3071..3072 bits and must then be proven with Pi^mod,
 * Pi^fac and Pi^prm (mpc_zk.h) before use.
 *
 * Objects are heap-allocated, immutable after construction and safe to
 * share between threads for reading (except where noted). A public key
 * taken from a secret key (mpc_paillier_sk_pk) knows its factorization and
 * every operation on it then uses CRT and constant-time exponentiation.
 *
 * Plaintexts are signed integers with |m| < N/2; decryption returns the
 * representative in (-N/2, N/2]. Ciphertexts live in Z*_{N^2}. */
#ifndef MPC_PAILLIER_H
#define MPC_PAILLIER_H

#include <stddef.h>
#include <stdint.h>

#include <gmp.h>

#include "proto_buf.h"

struct mpc_prime_pool;
struct mpc_paillier_pk;
struct mpc_paillier_sk;
struct mpc_rped;

/* Maximum wire sizes (bytes) of the encodings below. */
#define MPC_N_BYTES               (MPC_N_MAX_BITS / 8)
#define MPC_PAILLIER_PK_MAX_BYTES (2 + MPC_N_BYTES)
#define MPC_PAILLIER_SK_MAX_BYTES (2 * (2 + MPC_N_BYTES / 2))
#define MPC_RPED_MAX_BYTES        (3 * (2 + MPC_N_BYTES))

/* ---- keys ---- */

/* mpc_paillier_sk_from_primes builds a secret key from two distinct safe
 * primes p, q = 3 mod 4 of MPC_PRIME_BITS bits whose product has
 * MPC_PAILLIER_BITS bits (both primes are re-checked).
 * Returns: 0, MPC_EPRIME, MPC_EMODULUS or MPC_ENOMEM. */
int mpc_paillier_sk_from_primes(
    struct mpc_paillier_sk **out, mpz_srcptr p, mpz_srcptr q);
/* mpc_paillier_keygen takes two primes from pool (generating what the pool
 * lacks when pool is NULL or empty; seconds to minutes). */
int mpc_paillier_keygen(struct mpc_paillier_sk **out,
    struct mpc_prime_pool *pool, const volatile int *cancel);
void mpc_paillier_sk_free(struct mpc_paillier_sk *sk);
/* mpc_paillier_sk_precompute builds nonce tables (about 7 MB) so that
 * every later nonce (rho, rho^N) of this key, hence every encryption and
 * prover nonce under it, costs four table exponentiations with exponents
 * below p and q (about 3 ms instead of 8 ms): rho mod p = g_p^a for a
 * generator g_p of Z*_p and a uniform a in [0, p-1), so rho is exactly
 * uniform in Z*_N. Call once; not thread-safe; read-only afterwards. */
int mpc_paillier_sk_precompute(struct mpc_paillier_sk *sk);
/* The public half; lives as long as sk. */
const struct mpc_paillier_pk *mpc_paillier_sk_pk(
    const struct mpc_paillier_sk *sk);
struct mpc_paillier_pk *mpc_paillier_sk_pk_mut(struct mpc_paillier_sk *sk);

/* mpc_paillier_pk_new accepts a peer's modulus: odd, 3071..3072 bits, not a
 * perfect square, no prime factor below 2^16, not a probable prime. This is
 * defence in depth: only Pi^mod + Pi^fac make N safe to use.
 * Returns: 0, MPC_EMODULUS or MPC_ENOMEM. */
int mpc_paillier_pk_new(struct mpc_paillier_pk **out, mpz_srcptr n);
void mpc_paillier_pk_free(struct mpc_paillier_pk *pk);
mpz_srcptr mpc_paillier_pk_n(const struct mpc_paillier_pk *pk);
mpz_srcptr mpc_paillier_pk_n2(const struct mpc_paillier_pk *pk);
/* 1 if pk is the public half of a secret key held in this process. */
int mpc_paillier_pk_is_own(const struct mpc_paillier_pk *pk);

/* Precomputed randomness: a source of pairs (rho, rho^N mod N^2) that
 * encryption and the provers draw from instead of exponentiating on the
 * spot (fill it in the background with mpc_paillier_nonce_gen). fn returns
 * 0 on success; any other value makes the library compute the pair itself.
 * Not thread-safe: set it before sharing pk. */
typedef int (*mpc_nonce_fn)(
    void *arg, const struct mpc_paillier_pk *pk, mpz_ptr rho, mpz_ptr rho_n);
void mpc_paillier_pk_set_nonce_source(
    struct mpc_paillier_pk *pk, mpc_nonce_fn fn, void *arg);
/* rho uniform in Z*_N and rho_n = rho^N mod N^2 (CRT for own keys). */
int mpc_paillier_nonce_gen(
    const struct mpc_paillier_pk *pk, mpz_ptr rho, mpz_ptr rho_n);

/* ---- operations ---- */

/* c = (1 + m*N) * rho^N mod N^2 with a fresh rho (returned in rho_out
 * unless NULL). Constant time in m and rho.
 * Returns: 0, MPC_ERANGE (|m| >= N/2) or MPC_ENOMEM. */
int mpc_paillier_encrypt(
    const struct mpc_paillier_pk *pk, mpz_ptr c, mpz_ptr rho_out, mpz_srcptr m);
/* The same with a given rho in Z*_N (MPC_ENOTUNIT otherwise). */
int mpc_paillier_encrypt_with(
    const struct mpc_paillier_pk *pk, mpz_ptr c, mpz_srcptr m, mpz_srcptr rho);
/* m = Dec(c) in (-N/2, N/2]; CRT, constant-time exponentiations.
 * Returns: 0, MPC_ENOTUNIT/MPC_ERANGE (c not in Z*_{N^2}). */
int mpc_paillier_decrypt(
    const struct mpc_paillier_sk *sk, mpz_ptr m, mpz_srcptr c);
/* Also recovers rho with c = Enc(m; rho): lets a party open a ciphertext
 * it received (blame by reveal, docs/MPC.md §5.8). */
int mpc_paillier_decrypt_nonce(
    const struct mpc_paillier_sk *sk, mpz_ptr m, mpz_ptr rho, mpz_srcptr c);
/* r = a (+) b = a*b mod N^2 (public ciphertexts). */
int mpc_paillier_add(
    const struct mpc_paillier_pk *pk, mpz_ptr r, mpz_srcptr a, mpz_srcptr b);
/* r = k (.) c = c^k mod N^2 for a secret signed k with |k| < 2^kbits;
 * constant time in k (for that bound). */
int mpc_paillier_mul(const struct mpc_paillier_pk *pk, mpz_ptr r, mpz_srcptr c,
    mpz_srcptr k, size_t kbits);
/* The same for a public k. */
int mpc_paillier_mul_var(
    const struct mpc_paillier_pk *pk, mpz_ptr r, mpz_srcptr c, mpz_srcptr k);
/* Returns 0 if c is in Z*_{N^2}, else MPC_ERANGE or MPC_ENOTUNIT. */
int mpc_paillier_ct_check(const struct mpc_paillier_pk *pk, mpz_srcptr c);

/* ---- encodings ---- */
void mpc_paillier_pk_encode(
    struct proto_wbuf *w, const struct mpc_paillier_pk *pk);
/* Decodes and validates as mpc_paillier_pk_new. */
int mpc_paillier_pk_decode(struct proto_rbuf *r, struct mpc_paillier_pk **out);
/* Secret key (p, q) for sealed storage: the caller encrypts it. */
void mpc_paillier_sk_encode(
    struct proto_wbuf *w, const struct mpc_paillier_sk *sk);
int mpc_paillier_sk_decode(struct proto_rbuf *r, struct mpc_paillier_sk **out);

/* ---- ring-Pedersen parameters (N, s, t) ---- */

/* mpc_rped_gen makes own parameters on sk's modulus: r <- Z*_N, t = r^2,
 * lambda <- [0, phi(N)), s = t^lambda. The object refers to sk (CRT), which
 * must outlive it. Returns 0 or MPC_ENOMEM. */
int mpc_rped_gen(struct mpc_rped **out, const struct mpc_paillier_sk *sk);
/* Rebuilds own parameters from stored (t, lambda). */
int mpc_rped_restore(struct mpc_rped **out, const struct mpc_paillier_sk *sk,
    mpz_srcptr t, mpz_srcptr lambda);
/* mpc_rped_new accepts a peer's (N, s, t): N as in mpc_paillier_pk_new,
 * s, t in Z*_N, s != t, neither 1 nor N-1. Pi^prm must then be verified.
 * Returns: 0, MPC_EMODULUS, MPC_EPARAMS or MPC_ENOMEM. */
int mpc_rped_new(
    struct mpc_rped **out, mpz_srcptr n, mpz_srcptr s, mpz_srcptr t);
void mpc_rped_free(struct mpc_rped *rp);
/* mpc_rped_precompute builds fixed-base tables so every later commitment
 * costs table multiplications instead of exponentiations: for a peer's
 * parameters tables of s and t mod N (about 8 MB; provers use them), for
 * one's own parameters half-size tables mod p and mod q used with CRT
 * (about 5 MB; verifiers use them). Call once per peer after its Pi^prm
 * verified, and once for one's own parameters. Not thread-safe; the
 * object is read-only afterwards. */
int mpc_rped_precompute(struct mpc_rped *rp);
/* Bytes held by the tables (0 before mpc_rped_precompute). */
size_t mpc_rped_table_bytes(const struct mpc_rped *rp);
mpz_srcptr mpc_rped_n(const struct mpc_rped *rp);
mpz_srcptr mpc_rped_s(const struct mpc_rped *rp);
mpz_srcptr mpc_rped_t(const struct mpc_rped *rp);
/* lambda (own parameters only; MPC_EINVAL otherwise). */
int mpc_rped_lambda(const struct mpc_rped *rp, mpz_ptr lambda);
/* 1 if rp was made by mpc_rped_gen/restore on sk's modulus. */
int mpc_rped_is_own(const struct mpc_rped *rp);
/* out = s^a t^b mod N for secret signed a, b with |a| < 2^abits and
 * |b| < 2^bbits; constant time for those bounds. */
int mpc_rped_commit(const struct mpc_rped *rp, mpz_ptr out, mpz_srcptr a,
    size_t abits, mpz_srcptr b, size_t bbits);
/* The same for public exponents. */
int mpc_rped_commit_var(
    const struct mpc_rped *rp, mpz_ptr out, mpz_srcptr a, mpz_srcptr b);

void mpc_rped_encode(struct proto_wbuf *w, const struct mpc_rped *rp);
/* Own parameters for sealed storage: (t, lambda); the caller encrypts.
 * Decoding rebuilds them on sk (which must outlive the object). */
int mpc_rped_own_encode(struct proto_wbuf *w, const struct mpc_rped *rp);
int mpc_rped_own_decode(struct proto_rbuf *r, const struct mpc_paillier_sk *sk,
    struct mpc_rped **out);
/* Decodes and validates as mpc_rped_new. */
int mpc_rped_decode(struct proto_rbuf *r, struct mpc_rped **out);

#endif
