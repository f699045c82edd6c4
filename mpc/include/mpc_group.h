/* secp256k1 group layer over libsecp256k1's public API.
 *
 * Scalars are integers mod q held in canonical form; their arithmetic is
 * implemented here in constant time (no branches or table lookups on
 * values). Points wrap secp256k1_pubkey plus an explicit identity flag,
 * because libsecp256k1 cannot represent the point at infinity.
 *
 * Encodings: a scalar is 32 bytes big-endian, < q. A point is 33 bytes
 * SEC1 compressed; the identity is encoded as 33 zero bytes and is only
 * accepted where a caller asks for it. */
#ifndef MPC_GROUP_H
#define MPC_GROUP_H

#include <stddef.h>
#include <stdint.h>

#include <gmp.h>
#include <secp256k1.h>

struct mpc_ctx;

#define MPC_SCALAR_BYTES 32
#define MPC_POINT_BYTES  33

/* An integer mod q, four little-endian 64-bit limbs, always < q. */
struct mpc_scalar {
	uint64_t d[4];
};

/* A curve point; infinity != 0 means the identity (pk is then unused). */
struct mpc_point {
	secp256k1_pubkey pk;
	uint32_t infinity;
};

/* ---- scalars (constant time unless marked _var) ---- */

void mpc_scalar_set_u64(struct mpc_scalar *r, uint64_t v);
/* mpc_scalar_decode parses 32 big-endian bytes.
 * Returns: 0, or MPC_ESCALAR if the value is >= q (r is then zero).
 * The comparison is constant time, so secrets may be decoded. */
int mpc_scalar_decode(
    struct mpc_scalar *r, const uint8_t in[static MPC_SCALAR_BYTES]);
void mpc_scalar_encode(
    uint8_t out[static MPC_SCALAR_BYTES], const struct mpc_scalar *a);
/* Reduces 64 big-endian bytes mod q (bias 2^-256): hash-to-scalar. */
void mpc_scalar_from_wide(struct mpc_scalar *r, const uint8_t in[static 64]);
/* Hash to scalar: a tagged, length-prefixed transcript (lk_transcript) of
 * the tag and msg, expanded to 64 bytes and reduced mod q. */
void mpc_scalar_hash(
    struct mpc_scalar *r, const char *tag, const uint8_t *msg, size_t len);
/* Uniform scalar in [0, q) from lk_random (512-bit reduction). */
void mpc_scalar_random(struct mpc_scalar *r);
/* Uniform non-zero scalar. */
void mpc_scalar_random_nonzero(struct mpc_scalar *r);

void mpc_scalar_add(struct mpc_scalar *r, const struct mpc_scalar *a,
    const struct mpc_scalar *b);
void mpc_scalar_sub(struct mpc_scalar *r, const struct mpc_scalar *a,
    const struct mpc_scalar *b);
void mpc_scalar_neg(struct mpc_scalar *r, const struct mpc_scalar *a);
void mpc_scalar_mul(struct mpc_scalar *r, const struct mpc_scalar *a,
    const struct mpc_scalar *b);
/* r = a^-1 mod q (Fermat, constant time); the inverse of 0 is 0. */
void mpc_scalar_inv(struct mpc_scalar *r, const struct mpc_scalar *a);
/* Returns 1 if a == 0 (constant time). */
int mpc_scalar_is_zero(const struct mpc_scalar *a);
/* Returns 1 if a == b (constant time). */
int mpc_scalar_eq(const struct mpc_scalar *a, const struct mpc_scalar *b);
/* r = flag ? a : r, flag in {0,1}, constant time. */
void mpc_scalar_cmov(
    struct mpc_scalar *r, const struct mpc_scalar *a, int flag);
/* Wipes a scalar. */
void mpc_scalar_clear(struct mpc_scalar *a);

/* r = z mod q for a signed big integer z (a Paillier plaintext, a share).
 * Constant time in the value of z for a given limb count of |z|. */
void mpc_scalar_from_mpz(struct mpc_scalar *r, mpz_srcptr z);
/* z = a as a non-negative integer in [0, q). */
void mpc_scalar_to_mpz(mpz_ptr z, const struct mpc_scalar *a);

/* ---- points ---- */

void mpc_point_set_identity(struct mpc_point *r);
int mpc_point_is_identity(const struct mpc_point *p);
/* r = k*G, constant time in k; k = 0 gives the identity. The result is
 * treated as public (every protocol publishes it). Returns 0 or
 * MPC_ECRYPTO. */
int mpc_point_mul_base(
    struct mpc_ctx *ctx, struct mpc_point *r, const struct mpc_scalar *k);
/* r = k*P, constant time in k (libsecp256k1's constant-time ladder). The
 * result is treated as public. Returns 0 or MPC_ECRYPTO. */
int mpc_point_mul(struct mpc_ctx *ctx, struct mpc_point *r,
    const struct mpc_scalar *k, const struct mpc_point *p);
/* Variable time in k: for public scalars (challenges, Lagrange terms). */
int mpc_point_mul_var(struct mpc_ctx *ctx, struct mpc_point *r,
    const struct mpc_scalar *k, const struct mpc_point *p);
/* r = a + b (public points). */
int mpc_point_add_var(struct mpc_ctx *ctx, struct mpc_point *r,
    const struct mpc_point *a, const struct mpc_point *b);
void mpc_point_neg_var(
    struct mpc_ctx *ctx, struct mpc_point *r, const struct mpc_point *a);
/* r = sum of n points (n may be 0: the identity). */
int mpc_point_sum_var(struct mpc_ctx *ctx, struct mpc_point *r,
    const struct mpc_point *p, size_t n);
/* r = sum k[i]*p[i] for public scalars (Feldman checks, Lagrange sums). */
int mpc_point_lincomb_var(struct mpc_ctx *ctx, struct mpc_point *r,
    const struct mpc_scalar *k, const struct mpc_point *p, size_t n);
/* Returns 1 if a == b. */
int mpc_point_eq_var(const struct mpc_point *a, const struct mpc_point *b);
/* x-coordinate of a non-identity point reduced mod q (ECDSA r).
 * Returns 0 or MPC_EPOINT for the identity. */
int mpc_point_x_scalar_var(struct mpc_scalar *r, const struct mpc_point *p);

void mpc_point_encode(
    uint8_t out[static MPC_POINT_BYTES], const struct mpc_point *p);
/* mpc_point_decode parses a compressed point (checked on the curve).
 * Returns: 0; MPC_EPOINT for a bad encoding or for the identity unless
 * allow_identity. */
int mpc_point_decode(struct mpc_ctx *ctx, struct mpc_point *r,
    const uint8_t in[static MPC_POINT_BYTES], int allow_identity);

#endif
