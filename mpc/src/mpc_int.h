/* Internal declarations shared by the mpc/src files and white-box tests. */
#ifndef MPC_INT_H
#define MPC_INT_H

#include <stddef.h>
#include <stdint.h>

#include <gmp.h>
#include <openssl/bn.h>
#include <secp256k1.h>

#include "lk_common.h"
#include "mpc.h"
#include "proto_err.h"

/* Programmer errors return MPC_EINVAL (docs/CONVENTIONS.md, ARG_CHECK). */
#define ARG_CHECK(c)                       \
	do {                               \
		if (!(c))                  \
			return MPC_EINVAL; \
	} while (0)

/* Marks secret-derived bytes public once a protocol publishes them, so the
 * valgrind constant-time test (test/ctime) only flags real leaks. A no-op
 * outside valgrind. */
#if defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#define MPC_DECLASSIFY(p, n) ((void) VALGRIND_MAKE_MEM_DEFINED((p), (n)))
#endif
#endif
#ifndef MPC_DECLASSIFY
#define MPC_DECLASSIFY(p, n) ((void) (p), (void) (n))
#endif

struct mpc_ctx {
	secp256k1_context *secp;
};

/* ---- limb buffers (wiped on free) ---- */
mp_limb_t *limbs_alloc(size_t n);
void limbs_free(mp_limb_t *p, size_t n);

/* ---- constant-time helpers on fixed-width limb vectors (bn.c) ---- */
/* out[0..n) = |z| zero-padded (needs mpz_size(z) <= n); returns the sign
 * bit (1 for negative). Time depends only on n and mpz_size(z). */
mp_limb_t ct_load(mp_limb_t *out, size_t n, mpz_srcptr z);
/* out = z as n-limb two's complement (|z| < 2^(64n-1)). */
void ct_twos(mp_limb_t *out, size_t n, mpz_srcptr z);
/* z = a + e*b for secret signed a, b and a public e >= 0, where every
 * intermediate fits in +-2^bits. The result is public (declassified). */
int ct_lincomb(
    mpz_ptr z, mpz_srcptr a, mpz_srcptr e, mpz_srcptr b, size_t bits);
/* z = a + b*c for secret signed a, b, c where every value fits in
 * +-2^bits; pub = 1 declassifies the result (a response about to be
 * published). */
int ct_fma(
    mpz_ptr z, mpz_srcptr a, mpz_srcptr b, mpz_srcptr c, size_t bits, int pub);
/* r = m mod n in [0, n) for a secret |m| < n. */
int ct_mod_signed(mpz_ptr r, mpz_srcptr m, mpz_srcptr n);
/* r = m - n if m > nhalf else m, for a secret m in [0, n). */
int ct_center(mpz_ptr r, mpz_srcptr m, mpz_srcptr n, mpz_srcptr nhalf);
/* r = a mod m (a signed, m > 0 odd or even) with mpn_sec_div_r: constant
 * time for the limb sizes; a negative a gives m - (|a| mod m), in (0, m],
 * which is equivalent as an exponent of order dividing m. */
int ct_reduce_exp(mpz_ptr r, mpz_srcptr a, mpz_srcptr m);
/* Number of limbs holding `bits` bits plus a sign bit. */
size_t ct_limbs_for(size_t bits);

/* ---- mpz <-> bytes/BIGNUM (bn.c) ---- */
/* Writes |z| big-endian into exactly len bytes (MPC_ERANGE if too big). */
int bn_to_fixed(uint8_t *out, size_t len, mpz_srcptr z);
/* BIGNUM from |z| (sign dropped); secret-safe buffer handling. fixlen > 0
 * pads the intermediate buffer. Returns 0 or MPC_ENOMEM. */
int bn_set_mpz(BIGNUM *b, mpz_srcptr z);
int mpz_set_bn(mpz_ptr z, const BIGNUM *b);

/* ---- AVX-512 IFMA Montgomery engine (m52.c) ---- */
struct m52;
/* Context for an odd modulus m > 1 of at most 6654 bits; MPC_EINVAL when
 * the engine is unavailable or m does not fit. */
int m52_new(struct m52 **out, mpz_srcptr m);
void m52_free(struct m52 *f);
/* r = b^|e| mod m, b in [0, m); with binv != NULL (b^-1, public), b or
 * binv is selected by the sign of e without a branch. Constant time in
 * the values of b and e for given limb counts of b, e and the result (GMP
 * normalises sizes: docs/MPC.md §8), except for the range check: b, binv
 * outside [0, m) give MPC_EINVAL, and b is compared with m to know. */
int m52_powm(const struct m52 *f, mpz_ptr r, mpz_srcptr b, mpz_srcptr binv,
    mpz_srcptr e);
/* r = a^e1 * b^e2 mod m, a, b in [0, m), e1, e2 >= 0 (public). */
int m52_powm2_var(const struct m52 *f, mpz_ptr r, mpz_srcptr a, mpz_srcptr e1,
    mpz_srcptr b, mpz_srcptr e2);
/* Fixed-base table of g (g^-1 = ginv, both in [0, m)): rows rows of 2^w
 * entries, as struct fbt describes. */
struct m52_fbt;
int m52_fbt_new(struct m52_fbt **out, const struct m52 *f, mpz_srcptr g,
    mpz_srcptr ginv, size_t rows, unsigned w);
void m52_fbt_free(struct m52_fbt *t);
size_t m52_fbt_bytes(const struct m52_fbt *t);
/* r = prod over c < cnt of g_c^(sum_i digs[c][i] 2^(w i)) * g_c^(-2^(w
 * tops[c])): rows 0..tops[c] of table c, one masked scan per row. */
int m52_fbt_pow(const struct m52_fbt *const *ts, const uint64_t *const *digs,
    const size_t *tops, size_t cnt, mpz_ptr r);

/* ---- modular engine on OpenSSL Montgomery arithmetic (mx.c) ---- */
struct mx {
	mpz_t m;
	BIGNUM *bm;
	BN_MONT_CTX *mont;
	struct m52 *f; /* the IFMA engine for exponentiations, if available */
	size_t nbits, nbytes, nwords;
};
int mx_init(struct mx *x, mpz_srcptr m); /* m odd, > 1 */
void mx_clear(struct mx *x);
/* r = b^e mod m for a secret e >= 0 with e < 2^ebits; constant time in e
 * (BN_mod_exp_mont_consttime). b in [0, m). */
int mx_powm_sec(const struct mx *x, mpz_ptr r, mpz_srcptr b, mpz_srcptr e);
/* r = b^e for a secret signed e: selects b or binv (= b^-1, public) in
 * constant time and raises it to |e|. */
int mx_powm_sec_signed(
    const struct mx *x, mpz_ptr r, mpz_srcptr b, mpz_srcptr binv, mpz_srcptr e);
/* Public exponents (negative: base inverted; MPC_ENOTUNIT if impossible). */
int mx_powm_var(const struct mx *x, mpz_ptr r, mpz_srcptr b, mpz_srcptr e);
int mx_powm2_var(const struct mx *x, mpz_ptr r, mpz_srcptr a, mpz_srcptr e1,
    mpz_srcptr b, mpz_srcptr e2);
/* r = a*b mod m through Montgomery multiplication (secret operands). */
int mx_mulmod(const struct mx *x, mpz_ptr r, mpz_srcptr a, mpz_srcptr b);

/* Fixed-base table: g^(d*2^(w*i)) for every row i and digit d, and
 * g^(-2^(w*i)), in Montgomery form. An exponent with |e| < 2^B (B <= L, a
 * public bound) is raised as g^(e + 2^(wk)) * g^(-2^(wk)), wk >= B, with
 * one constant-time table scan and one multiplication per row up to k:
 * no squarings, and short exponents touch few rows. */
struct fbt {
	const struct mx *x;
	unsigned w;
	size_t L, rows, nw;
	mp_limb_t *tab; /* rows * 2^w entries of nw limbs */
	mp_limb_t *rowinv; /* rows entries: g^(-2^(w*i)) */
	struct m52_fbt *f52; /* instead of tab/rowinv on the IFMA engine */
};
#define FBT_WINDOW 4
int fbt_build(
    struct fbt *t, const struct mx *x, mpz_srcptr g, size_t L, unsigned w);
void fbt_clear(struct fbt *t);
size_t fbt_bytes(const struct fbt *t);
/* r = g^e mod m, constant time in e for |e| < 2^ebits (ebits <= L;
 * MPC_ERANGE otherwise). */
int fbt_pow(const struct fbt *t, mpz_ptr r, mpz_srcptr e, size_t ebits);
/* r = ga^a * gb^b mod m from two tables of the same modulus (tb may be
 * NULL: then r = ga^a), constant time in a and b for the given bounds. */
int fbt_pow2(const struct fbt *ta, mpz_srcptr a, size_t abits,
    const struct fbt *tb, mpz_srcptr b, size_t bbits, mpz_ptr r);

/* ---- Paillier internals (paillier.c) ---- */
struct mpc_paillier_pk {
	mpz_t n, n2, nhalf;
	struct mx xn, xn2;
	const struct mpc_paillier_sk *sk; /* set for one's own key */
	mpc_nonce_fn nonce_fn;
	void *nonce_arg;
};
struct mpc_paillier_sk {
	struct mpc_paillier_pk pk;
	mpz_t p, q, p2, q2, phi;
	mpz_t pm1, qm1; /* p-1, q-1 */
	mpz_t q_mod_pm1, p_mod_qm1; /* exponents for the CRT N-th power */
	mpz_t p2inv_q2; /* (p^2)^-1 mod q^2 */
	mpz_t pinv_q; /* p^-1 mod q */
	mpz_t hp, hq; /* (-q)^-1 mod p, (-p)^-1 mod q */
	mpz_t ninv_p, ninv_q; /* N^-1 mod (p-1), N^-1 mod (q-1) */
	struct mx xp, xq, xp2, xq2;
	/* Nonce tables (mpc_paillier_sk_precompute): generators g_p, g_q of
	 * Z*_p, Z*_q; tables of g_p mod p and g_p^N mod p^2 (and for q), so a
	 * fresh (rho, rho^N) is rho_p = g_p^a mod p, rho^N mod p^2 = (g_p^N)^a
	 * mod p^2 with a uniform in [0, p-1): exactly uniform rho. */
	struct fbt ntp, ntP, ntq, ntQ;
	int ntables;
};
/* rho^N mod N^2 (CRT when pk is own). */
int paillier_nth_power(
    const struct mpc_paillier_pk *pk, mpz_ptr r, mpz_srcptr rho);
/* A fresh nonce pair from the source or computed. */
int paillier_nonce(
    const struct mpc_paillier_pk *pk, mpz_ptr rho, mpz_ptr rho_n);
/* c = (1 + m N) * rho_n mod N^2 for a secret m, |m| < N/2. */
int paillier_enc_rn(const struct mpc_paillier_pk *pk, mpz_ptr c, mpz_srcptr m,
    mpz_srcptr rho_n);
/* Public-value encryption (verifiers): m any integer, rho a unit. */
int paillier_enc_var(
    const struct mpc_paillier_pk *pk, mpz_ptr c, mpz_srcptr m, mpz_srcptr rho);
/* x^e mod N for own key: CRT with constant-time halves; e secret >= 0 is
 * first reduced mod (p-1), (q-1). */
int paillier_powm_n_crt(const struct mpc_paillier_sk *sk, mpz_ptr r,
    mpz_srcptr x, mpz_srcptr ep, mpz_srcptr eq);
/* Combines residues mod p and q into one mod N. */
void paillier_crt_n(
    const struct mpc_paillier_sk *sk, mpz_ptr r, mpz_srcptr rp, mpz_srcptr rq);
int modulus_check_var(mpz_srcptr n);

/* ---- ring-Pedersen internals (rped.c) ---- */
struct mpc_rped {
	mpz_t n, s, t, sinv, tinv;
	struct mx xn;
	/* peers: full-size tables of s and t mod N^ */
	struct fbt fs, ft;
	/* own parameters: half-size tables mod p and mod q, exponents
	 * reduced mod p-1 and q-1 in constant time (CRT) */
	struct fbt fsp, ftp, fsq, ftq;
	int tables;
	const struct mpc_paillier_sk *sk; /* own parameters */
	mpz_t lambda;
};
/* Table bounds: exponent bit sizes served by the peers' tables. */
#define RPED_S_BITS   1344 /* >= ELL_WIDE + EPS + 2 */
#define RPED_T_BITS   3584 /* >= N + ELL + EPS + 2 */
#define RPED_T_WINDOW 4 /* 5: 20% fewer rows, 2x longer scans: no gain */

/* ---- transcripts (zk_common.c) ---- */
int zk_sess_check(const struct mpc_zk_sess *s);
void zk_ts_start(
    struct lk_transcript *t, const char *tag, const struct mpc_zk_sess *s);
void ts_bn(struct lk_transcript *t, const char *label, mpz_srcptr x);
void ts_point(
    struct lk_transcript *t, const char *label, const struct mpc_point *p);
void ts_rped(struct lk_transcript *t, const struct mpc_rped *R);
void ts_pk(struct lk_transcript *t, const char *label,
    const struct mpc_paillier_pk *pk);
/* e uniform in [0, 2^MPC_CHAL_BITS) from the transcript. */
void ts_challenge(const struct lk_transcript *t, mpz_ptr e);
/* Fills a blame report and returns MPC_EPROOF. */
int zk_fail(struct mpc_blame *b, uint32_t party, int reason, int check);
/* e mod q as a scalar (public). */
void zk_e_scalar(struct mpc_scalar *r, mpz_srcptr e);
/* Verifier helper: 1 if x is in Z*_m for m = N or N^2. */
int zk_unit(mpz_srcptr x, mpz_srcptr m);
/* Checks a ring-Pedersen equation s^a t^b == c * d^e mod N-hat. */
int zk_rped_eq(const struct mpc_rped *R, mpz_srcptr a, mpz_srcptr b,
    mpz_srcptr c, mpz_srcptr d, mpz_srcptr e, int *ok);
/* w = r * rho^e mod N (rho secret), declassified. */
int zk_resp_nonce(const struct mpc_paillier_pk *pk, mpz_ptr w, mpz_srcptr r,
    mpz_srcptr rho, mpz_srcptr e);
/* r = (a mod q) * B (B NULL: G), constant time in a. */
int zk_secret_point(struct mpc_ctx *ctx, struct mpc_point *r, mpz_srcptr a,
    const struct mpc_point *B);
/* ok = (z*B == Y + e*X) for public z, e (B NULL: G). */
int zk_point_eq(struct mpc_ctx *ctx, mpz_srcptr z, const struct mpc_point *B,
    const struct mpc_point *Y, mpz_srcptr e, const struct mpc_point *X,
    int *ok);
/* ok = (Enc(m; rho) == A * C^e mod N^2) for public values. */
int zk_paillier_eq(const struct mpc_paillier_pk *pk, mpz_srcptr m,
    mpz_srcptr rho, mpz_srcptr A, mpz_srcptr C, mpz_srcptr e, int *ok);
void zk_put_point(struct proto_wbuf *w, const struct mpc_point *p);
int zk_get_point(
    struct mpc_ctx *ctx, struct proto_rbuf *r, struct mpc_point *p);
int zk_get_tag(struct proto_rbuf *r, uint8_t tag);

/* Wire tags of the proof encodings (first byte). */
enum zk_tag {
	ZK_TAG_SCH = 1,
	ZK_TAG_PRM = 2,
	ZK_TAG_MOD = 3,
	ZK_TAG_FAC = 4,
	ZK_TAG_ENC = 5,
	ZK_TAG_AFFG = 6,
	ZK_TAG_LOGSTAR = 7,
	ZK_TAG_MULSTAR = 8
};

/* ---- test hooks: forced masks (NULL in production paths) ---- */
struct zk_force {
	mpz_srcptr alpha; /* Pi^enc, Pi^log*, Pi^mul*, Pi^aff-g */
	mpz_srcptr beta; /* Pi^aff-g */
};
int zk_enc_prove_core(struct mpc_ctx *ctx, struct mpc_zk_enc_proof *pf,
    const struct mpc_zk_sess *sess, const struct mpc_rped *R,
    const struct mpc_paillier_pk *pk, mpz_srcptr K, mpz_srcptr k,
    mpz_srcptr rho, const struct zk_force *force);
int zk_affg_prove_core(struct mpc_ctx *ctx, struct mpc_zk_affg_proof *pf,
    const struct mpc_zk_sess *sess, const struct mpc_rped *R,
    const struct mpc_paillier_pk *pk0, const struct mpc_paillier_pk *pk1,
    mpz_srcptr C, mpz_srcptr D, mpz_srcptr Y, const struct mpc_point *X,
    mpz_srcptr x, mpz_srcptr y, mpz_srcptr rho, mpz_srcptr rho_y,
    const struct zk_force *force);
int zk_logstar_prove_core(struct mpc_ctx *ctx, struct mpc_zk_logstar_proof *pf,
    const struct mpc_zk_sess *sess, enum mpc_zk_range range,
    const struct mpc_rped *R, const struct mpc_paillier_pk *pk, mpz_srcptr C,
    const struct mpc_point *X, const struct mpc_point *B, mpz_srcptr x,
    mpz_srcptr rho, const struct zk_force *force);
int zk_mulstar_prove_core(struct mpc_ctx *ctx, struct mpc_zk_mulstar_proof *pf,
    const struct mpc_zk_sess *sess, const struct mpc_rped *R,
    const struct mpc_paillier_pk *pk, mpz_srcptr C, mpz_srcptr D,
    const struct mpc_point *X, mpz_srcptr x, mpz_srcptr rho,
    const struct zk_force *force);
/* Pi^fac with arbitrary claimed factors (soundness tests: BitForge). */
int zk_fac_prove_pq(struct mpc_ctx *ctx, struct mpc_zk_fac_proof *pf,
    const struct mpc_zk_sess *sess, const struct mpc_rped *R, mpz_srcptr n,
    mpz_srcptr p, mpz_srcptr q);
/* Pi^mod on a raw modulus (skips mpc_paillier_pk_new's checks, so tests
 * can show the proof itself rejects prime or non-Blum moduli). */
int zk_mod_verify_n(struct mpc_ctx *ctx, struct mpc_blame *blame,
    const struct mpc_zk_mod_proof *pf, const struct mpc_zk_sess *sess,
    mpz_srcptr n);
/* The y_k challenges of Pi^mod for (N, w). */
void zk_mod_challenges(const struct mpc_zk_sess *sess, mpz_srcptr n,
    mpz_srcptr w, mpz_t y[MPC_M_MOD]);
/* Pi^prm on raw (N, s, t) and its challenge bits. */
int zk_prm_verify_nst(struct mpc_ctx *ctx, struct mpc_blame *blame,
    const struct mpc_zk_prm_proof *pf, const struct mpc_zk_sess *sess,
    mpz_srcptr n, mpz_srcptr s, mpz_srcptr t);
void zk_prm_challenges(const struct mpc_zk_sess *sess, mpz_srcptr n,
    mpz_srcptr s, mpz_srcptr t, const struct mpc_zk_prm_proof *pf,
    uint8_t e[MPC_M_PRM]);

#endif
