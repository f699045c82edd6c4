/* Zero-knowledge proofs of CGGMP21 (docs/MPC.md §4-5), non-interactive by
 * Fiat-Shamir over the tagged, length-prefixed lk_transcript.
 *
 * Every challenge binds: the proof's tag and version, the session id, the
 * prover's index, the optional extra shared state (rho, rid, round label),
 * the security level, the verifier's ring-Pedersen parameters where the
 * proof uses them, every statement value and the prover's first message.
 *
 * Conventions:
 * - R is always the VERIFIER's ring-Pedersen parameters. A prover passes
 *   the peer's (precomputed) R; a verifier passes its own (built with
 *   mpc_rped_gen, so it can use CRT).
 * - A verifier validates every value (ranges, units, points) before use
 *   and returns MPC_EPROOF with *blame = {prover, proof, failed check}.
 * - Challenges e are integers in [0, 2^MPC_CHAL_BITS) (Q = 2^128); the
 *   EC relations use e mod q. Pi^prm uses binary challenges.
 * - Repetition counts are compile-time constants; decoders reject any other
 *   count with MPC_ECOUNT.
 * - Proof structs are plain values holding mpz_t: _init before use, _clear
 *   after (clear wipes). */
#ifndef MPC_ZK_H
#define MPC_ZK_H

#include <stddef.h>
#include <stdint.h>

#include <gmp.h>

#include "mpc_group.h"
#include "proto_buf.h"

struct mpc_ctx;
struct mpc_blame;
struct mpc_paillier_pk;
struct mpc_paillier_sk;
struct mpc_rped;

#define MPC_SID_MIN    1
#define MPC_SID_MAX    256
#define MPC_ZK_AUX_MAX 256

/* Shared state of one proof. sid and aux are borrowed for the call. */
struct mpc_zk_sess {
	const uint8_t *sid; /* session id, MPC_SID_MIN..MPC_SID_MAX bytes */
	size_t sid_len;
	uint32_t prover; /* the prover's party index */
	const uint8_t *aux; /* extra shared state, 0..MPC_ZK_AUX_MAX bytes */
	size_t aux_len;
};

/* ---- Pi^sch: knowledge of x with X = x*G ---- */
struct mpc_zk_sch_proof {
	struct mpc_point A;
	struct mpc_scalar z;
};
/* The prover's secret nonce tau (A = tau*G), kept between commit and prove
 * when A must be committed to before the challenge is known (DKG). */
struct mpc_zk_sch_nonce {
	struct mpc_scalar tau;
};
#define MPC_ZK_SCH_BYTES (MPC_POINT_BYTES + MPC_SCALAR_BYTES)

int mpc_zk_sch_commit(
    struct mpc_ctx *ctx, struct mpc_zk_sch_nonce *nonce, struct mpc_point *A);
/* Completes the proof for A = nonce->tau*G and wipes *nonce (single use). */
int mpc_zk_sch_prove(struct mpc_ctx *ctx, struct mpc_zk_sch_proof *pf,
    struct mpc_zk_sch_nonce *nonce, const struct mpc_zk_sess *sess,
    const struct mpc_point *X, const struct mpc_scalar *x);
/* commit + prove in one call. */
int mpc_zk_sch_prove_fresh(struct mpc_ctx *ctx, struct mpc_zk_sch_proof *pf,
    const struct mpc_zk_sess *sess, const struct mpc_point *X,
    const struct mpc_scalar *x);
int mpc_zk_sch_verify(struct mpc_ctx *ctx, struct mpc_blame *blame,
    const struct mpc_zk_sch_proof *pf, const struct mpc_zk_sess *sess,
    const struct mpc_point *X);
void mpc_zk_sch_encode(struct proto_wbuf *w, const struct mpc_zk_sch_proof *pf);
int mpc_zk_sch_decode(
    struct mpc_ctx *ctx, struct proto_rbuf *r, struct mpc_zk_sch_proof *pf);

/* ---- Pi^prm: s is in <t> mod N (ring-Pedersen parameters) ---- */
struct mpc_zk_prm_proof {
	mpz_t a[MPC_M_PRM]; /* A_k = t^{a_k} */
	mpz_t z[MPC_M_PRM]; /* z_k = a_k + e_k*lambda mod phi(N) */
};
void mpc_zk_prm_proof_init(struct mpc_zk_prm_proof *pf);
void mpc_zk_prm_proof_clear(struct mpc_zk_prm_proof *pf);
/* Proves the prover's own parameters (rp from mpc_rped_gen/restore). */
int mpc_zk_prm_prove(struct mpc_ctx *ctx, struct mpc_zk_prm_proof *pf,
    const struct mpc_zk_sess *sess, const struct mpc_rped *rp);
/* Verifies a peer's parameters rp (mpc_rped_new). */
int mpc_zk_prm_verify(struct mpc_ctx *ctx, struct mpc_blame *blame,
    const struct mpc_zk_prm_proof *pf, const struct mpc_zk_sess *sess,
    const struct mpc_rped *rp);
#define MPC_ZK_PRM_BYTES (3 + 2 * MPC_M_PRM * (2 + MPC_N_MAX_BITS / 8))
void mpc_zk_prm_encode(struct proto_wbuf *w, const struct mpc_zk_prm_proof *pf);
int mpc_zk_prm_decode(struct proto_rbuf *r, struct mpc_zk_prm_proof *pf);

/* ---- Pi^mod: N is a Paillier-Blum modulus ---- */
struct mpc_zk_mod_proof {
	mpz_t w; /* Jacobi(w | N) = -1 */
	mpz_t x[MPC_M_MOD];
	mpz_t z[MPC_M_MOD];
	uint8_t a[MPC_M_MOD], b[MPC_M_MOD]; /* bits */
};
void mpc_zk_mod_proof_init(struct mpc_zk_mod_proof *pf);
void mpc_zk_mod_proof_clear(struct mpc_zk_mod_proof *pf);
int mpc_zk_mod_prove(struct mpc_ctx *ctx, struct mpc_zk_mod_proof *pf,
    const struct mpc_zk_sess *sess, const struct mpc_paillier_sk *sk);
int mpc_zk_mod_verify(struct mpc_ctx *ctx, struct mpc_blame *blame,
    const struct mpc_zk_mod_proof *pf, const struct mpc_zk_sess *sess,
    const struct mpc_paillier_pk *pk);
#define MPC_ZK_MOD_BYTES \
	(5 + MPC_N_MAX_BITS / 8 + MPC_M_MOD * (6 + MPC_N_MAX_BITS / 4))
void mpc_zk_mod_encode(struct proto_wbuf *w, const struct mpc_zk_mod_proof *pf);
int mpc_zk_mod_decode(struct proto_rbuf *r, struct mpc_zk_mod_proof *pf);

/* ---- Pi^fac: N0 = p*q with both factors above sqrt(N0)/2^(ell+eps) ----
 * Uses the verifier's R. */
struct mpc_zk_fac_proof {
	mpz_t P, Q, A, B, T, sigma; /* first message (sigma signed) */
	mpz_t z1, z2, w1, w2, v; /* responses (signed) */
};
void mpc_zk_fac_proof_init(struct mpc_zk_fac_proof *pf);
void mpc_zk_fac_proof_clear(struct mpc_zk_fac_proof *pf);
int mpc_zk_fac_prove(struct mpc_ctx *ctx, struct mpc_zk_fac_proof *pf,
    const struct mpc_zk_sess *sess, const struct mpc_rped *R,
    const struct mpc_paillier_sk *sk);
int mpc_zk_fac_verify(struct mpc_ctx *ctx, struct mpc_blame *blame,
    const struct mpc_zk_fac_proof *pf, const struct mpc_zk_sess *sess,
    const struct mpc_rped *R, const struct mpc_paillier_pk *pk);
#define MPC_ZK_FAC_BYTES (1 + 16 * (3 + MPC_N_MAX_BITS / 8))
void mpc_zk_fac_encode(struct proto_wbuf *w, const struct mpc_zk_fac_proof *pf);
int mpc_zk_fac_decode(struct proto_rbuf *r, struct mpc_zk_fac_proof *pf);

/* ---- Pi^enc: K = Enc_N0(k; rho) with k in +-2^ell ---- */
struct mpc_zk_enc_proof {
	mpz_t S, A, C; /* first message */
	mpz_t z1, z2, z3; /* z1, z3 signed; z2 in Z*_N0 */
};
void mpc_zk_enc_proof_init(struct mpc_zk_enc_proof *pf);
void mpc_zk_enc_proof_clear(struct mpc_zk_enc_proof *pf);
/* pk: the prover's Paillier key (its own: CRT); R: the verifier's. */
int mpc_zk_enc_prove(struct mpc_ctx *ctx, struct mpc_zk_enc_proof *pf,
    const struct mpc_zk_sess *sess, const struct mpc_rped *R,
    const struct mpc_paillier_pk *pk, mpz_srcptr K, mpz_srcptr k,
    mpz_srcptr rho);
int mpc_zk_enc_verify(struct mpc_ctx *ctx, struct mpc_blame *blame,
    const struct mpc_zk_enc_proof *pf, const struct mpc_zk_sess *sess,
    const struct mpc_rped *R, const struct mpc_paillier_pk *pk, mpz_srcptr K);
#define MPC_ZK_ENC_BYTES (1 + 6 * (3 + MPC_N_MAX_BITS / 4))
void mpc_zk_enc_encode(struct proto_wbuf *w, const struct mpc_zk_enc_proof *pf);
int mpc_zk_enc_decode(struct proto_rbuf *r, struct mpc_zk_enc_proof *pf);

/* ---- Pi^aff-g: D = (x (.) C) (+) Enc_N0(y; rho), Y = Enc_N1(y; rho_y),
 * X = x*G, x in +-2^ell, y in +-2^ell' ----
 * pk0: the verifier's Paillier key (C, D under N0); pk1: the prover's own
 * key (Y under N1). */
struct mpc_zk_affg_proof {
	mpz_t A;
	struct mpc_point Bx;
	mpz_t By, E, S, F, T;
	mpz_t z1, z2, z3, z4, w, wy;
};
void mpc_zk_affg_proof_init(struct mpc_zk_affg_proof *pf);
void mpc_zk_affg_proof_clear(struct mpc_zk_affg_proof *pf);
int mpc_zk_affg_prove(struct mpc_ctx *ctx, struct mpc_zk_affg_proof *pf,
    const struct mpc_zk_sess *sess, const struct mpc_rped *R,
    const struct mpc_paillier_pk *pk0, const struct mpc_paillier_pk *pk1,
    mpz_srcptr C, mpz_srcptr D, mpz_srcptr Y, const struct mpc_point *X,
    mpz_srcptr x, mpz_srcptr y, mpz_srcptr rho, mpz_srcptr rho_y);
int mpc_zk_affg_verify(struct mpc_ctx *ctx, struct mpc_blame *blame,
    const struct mpc_zk_affg_proof *pf, const struct mpc_zk_sess *sess,
    const struct mpc_rped *R, const struct mpc_paillier_pk *pk0,
    const struct mpc_paillier_pk *pk1, mpz_srcptr C, mpz_srcptr D, mpz_srcptr Y,
    const struct mpc_point *X);
#define MPC_ZK_AFFG_BYTES (1 + MPC_POINT_BYTES + 12 * (3 + MPC_N_MAX_BITS / 4))
void mpc_zk_affg_encode(
    struct proto_wbuf *w, const struct mpc_zk_affg_proof *pf);
int mpc_zk_affg_decode(
    struct mpc_ctx *ctx, struct proto_rbuf *r, struct mpc_zk_affg_proof *pf);

/* ---- Pi^log*: C = Enc_N0(x; rho), X = x*B, x in the range class ----
 * MPC_ZK_RANGE_ELL: x in +-2^ell (presign); MPC_ZK_RANGE_WIDE: x in
 * +-2^MPC_ELL_WIDE (chi_i in the sign-phase blame). B NULL means G. */
enum mpc_zk_range { MPC_ZK_RANGE_ELL = 0, MPC_ZK_RANGE_WIDE = 1 };
struct mpc_zk_logstar_proof {
	mpz_t S, A;
	struct mpc_point Y;
	mpz_t D, z1, z2, z3;
};
void mpc_zk_logstar_proof_init(struct mpc_zk_logstar_proof *pf);
void mpc_zk_logstar_proof_clear(struct mpc_zk_logstar_proof *pf);
int mpc_zk_logstar_prove(struct mpc_ctx *ctx, struct mpc_zk_logstar_proof *pf,
    const struct mpc_zk_sess *sess, enum mpc_zk_range range,
    const struct mpc_rped *R, const struct mpc_paillier_pk *pk, mpz_srcptr C,
    const struct mpc_point *X, const struct mpc_point *B, mpz_srcptr x,
    mpz_srcptr rho);
int mpc_zk_logstar_verify(struct mpc_ctx *ctx, struct mpc_blame *blame,
    const struct mpc_zk_logstar_proof *pf, const struct mpc_zk_sess *sess,
    enum mpc_zk_range range, const struct mpc_rped *R,
    const struct mpc_paillier_pk *pk, mpz_srcptr C, const struct mpc_point *X,
    const struct mpc_point *B);
#define MPC_ZK_LOGSTAR_BYTES \
	(1 + MPC_POINT_BYTES + 6 * (3 + MPC_N_MAX_BITS / 4))
void mpc_zk_logstar_encode(
    struct proto_wbuf *w, const struct mpc_zk_logstar_proof *pf);
int mpc_zk_logstar_decode(
    struct mpc_ctx *ctx, struct proto_rbuf *r, struct mpc_zk_logstar_proof *pf);

/* ---- Pi^mul*: D = (x (.) C) * rho^N0 mod N0^2, X = x*G, x in +-2^ell ----
 * (the Paillier-vs-group multiplication proof used by the blame phase). */
struct mpc_zk_mulstar_proof {
	mpz_t A;
	struct mpc_point Bx;
	mpz_t E, S, z1, z2, w;
};
void mpc_zk_mulstar_proof_init(struct mpc_zk_mulstar_proof *pf);
void mpc_zk_mulstar_proof_clear(struct mpc_zk_mulstar_proof *pf);
int mpc_zk_mulstar_prove(struct mpc_ctx *ctx, struct mpc_zk_mulstar_proof *pf,
    const struct mpc_zk_sess *sess, const struct mpc_rped *R,
    const struct mpc_paillier_pk *pk, mpz_srcptr C, mpz_srcptr D,
    const struct mpc_point *X, mpz_srcptr x, mpz_srcptr rho);
int mpc_zk_mulstar_verify(struct mpc_ctx *ctx, struct mpc_blame *blame,
    const struct mpc_zk_mulstar_proof *pf, const struct mpc_zk_sess *sess,
    const struct mpc_rped *R, const struct mpc_paillier_pk *pk, mpz_srcptr C,
    mpz_srcptr D, const struct mpc_point *X);
#define MPC_ZK_MULSTAR_BYTES \
	(1 + MPC_POINT_BYTES + 6 * (3 + MPC_N_MAX_BITS / 4))
void mpc_zk_mulstar_encode(
    struct proto_wbuf *w, const struct mpc_zk_mulstar_proof *pf);
int mpc_zk_mulstar_decode(
    struct mpc_ctx *ctx, struct proto_rbuf *r, struct mpc_zk_mulstar_proof *pf);

#endif
