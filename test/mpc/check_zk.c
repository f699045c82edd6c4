/* Zero-knowledge proofs of the presign/sign phases at the default level
 * (3072-bit N): Pi^sch, Pi^enc, Pi^aff-g, Pi^log*, Pi^mul*.
 *
 * Completeness on many random honest instances; soundness regressions:
 * every single field of each proof and of its statement, the session id,
 * the prover index and the extra shared state are changed in turn and the
 * verifier must refuse; responses exactly on each range bound pass the
 * range check and one past it fail it (and, with forced masks on a zero
 * witness, the bound itself verifies completely). */
#include <string.h>

#include <check.h>

#include "../../mpc/src/mpc_int.h"
#include "mpc_test.h"

Suite *zk_suite(void);

static void
setup_keys(void)
{
	(void) tmpc_party(0);
	(void) tmpc_party(1);
	(void) tmpc_ctx();
}

/* A session differing in one thing. */
enum sess_change { SC_SID, SC_PROVER, SC_AUX, SC_COUNT };

static void
sess_variant(struct mpc_zk_sess *s, uint8_t *sidbuf, uint8_t *auxbuf, int k)
{
	*s = tmpc_sess;
	memcpy(sidbuf, tmpc_sess.sid, tmpc_sess.sid_len);
	s->sid = sidbuf;
	switch (k) {
	case SC_SID:
		sidbuf[3] ^= 1;
		break;
	case SC_PROVER:
		s->prover++;
		break;
	case SC_AUX:
		auxbuf[0] = 7;
		s->aux = auxbuf;
		s->aux_len = 1;
		break;
	}
}

static void
bump(mpz_ptr x)
{
	mpz_add_ui(x, x, 1);
}

static void
other_point(struct mpc_point *p)
{
	struct mpc_scalar k;

	mpc_scalar_random_nonzero(&k);
	ck_assert_int_eq(mpc_point_mul_base(tmpc_ctx(), p, &k), 0);
}

static void
pow2(mpz_ptr r, unsigned bits)
{
	mpz_set_ui(r, 0);
	mpz_setbit(r, bits);
}

/* ---------------- Pi^sch ---------------- */

START_TEST(sch_complete_and_sound)
{
	struct mpc_ctx *ctx = tmpc_ctx();
	struct mpc_zk_sch_proof pf, bad;
	struct mpc_zk_sch_nonce n;
	struct mpc_scalar x, one;
	struct mpc_point X, A, Y;
	struct mpc_blame bl;
	struct mpc_zk_sess s;
	uint8_t sid[64], aux[4];
	int i, k;

	mpc_scalar_set_u64(&one, 1);
	for (i = 0; i < 300; i++) {
		mpc_scalar_random(&x);
		ck_assert_int_eq(mpc_point_mul_base(ctx, &X, &x), 0);
		ck_assert_int_eq(
		    mpc_zk_sch_prove_fresh(ctx, &pf, &tmpc_sess, &X, &x), 0);
		ck_assert_int_eq(
		    mpc_zk_sch_verify(ctx, &bl, &pf, &tmpc_sess, &X), 0);
	}
	/* the split API: commit first, prove later; the nonce is wiped */
	ck_assert_int_eq(mpc_zk_sch_commit(ctx, &n, &A), 0);
	ck_assert_int_eq(mpc_zk_sch_prove(ctx, &pf, &n, &tmpc_sess, &X, &x), 0);
	ck_assert(mpc_point_eq_var(&pf.A, &A));
	ck_assert(mpc_scalar_is_zero(&n.tau));
	ck_assert_int_eq(mpc_zk_sch_verify(ctx, &bl, &pf, &tmpc_sess, &X), 0);
	/* every field, the statement and the session */
	bad = pf;
	mpc_scalar_add(&bad.z, &bad.z, &one);
	ck_assert_int_eq(
	    mpc_zk_sch_verify(ctx, &bl, &bad, &tmpc_sess, &X), MPC_EPROOF);
	ck_assert_uint_eq(bl.party, tmpc_sess.prover);
	ck_assert_uint_eq(bl.reason, MPC_BLAME_ZK_SCH);
	bad = pf;
	other_point(&bad.A);
	ck_assert_int_eq(
	    mpc_zk_sch_verify(ctx, &bl, &bad, &tmpc_sess, &X), MPC_EPROOF);
	bad = pf;
	mpc_point_set_identity(&bad.A);
	ck_assert_int_eq(
	    mpc_zk_sch_verify(ctx, &bl, &bad, &tmpc_sess, &X), MPC_EPROOF);
	ck_assert_uint_eq(bl.check, MPC_CHECK_INPUT);
	other_point(&Y);
	ck_assert_int_eq(
	    mpc_zk_sch_verify(ctx, &bl, &pf, &tmpc_sess, &Y), MPC_EPROOF);
	for (k = 0; k < SC_COUNT; k++) {
		sess_variant(&s, sid, aux, k);
		ck_assert_int_eq(
		    mpc_zk_sch_verify(ctx, &bl, &pf, &s, &X), MPC_EPROOF);
	}
}
END_TEST

/* ---------------- Pi^enc ---------------- */

struct enc_inst {
	mpz_t K, k, rho;
};

static void
enc_inst_new(struct enc_inst *in, const struct tmpc_party *pr, int zero)
{
	mpz_inits(in->K, in->k, in->rho, NULL);
	if (!zero)
		mpc_bn_random_pm(in->k, MPC_ELL, NULL);
	ck_assert_int_eq(
	    mpc_paillier_encrypt(pr->pk, in->K, in->rho, in->k), 0);
}

static void
enc_inst_clear(struct enc_inst *in)
{
	mpz_clears(in->K, in->k, in->rho, NULL);
}

static int
enc_verify(const struct mpc_zk_enc_proof *pf, const struct mpc_zk_sess *s,
    mpz_srcptr K, struct mpc_blame *bl)
{
	return mpc_zk_enc_verify(tmpc_ctx(), bl, pf, s, tmpc_party(1)->rp_own,
	    tmpc_party(0)->pk_peer, K);
}

START_TEST(enc_complete)
{
	struct tmpc_party *pi = tmpc_party(0), *pj = tmpc_party(1);
	struct mpc_zk_enc_proof pf;
	struct enc_inst in;
	struct mpc_blame bl;
	int i;

	mpc_zk_enc_proof_init(&pf);
	for (i = 0; i < 20; i++) {
		enc_inst_new(&in, pi, 0);
		if (i == 0) /* the largest allowed plaintext */
			pow2(in.k, MPC_ELL);
		if (i == 0)
			ck_assert_int_eq(
			    mpc_paillier_encrypt(pi->pk, in.K, in.rho, in.k),
			    0);
		ck_assert_int_eq(mpc_zk_enc_prove(tmpc_ctx(), &pf, &tmpc_sess,
		                     pj->rp_peer, pi->pk, in.K, in.k, in.rho),
		    0);
		ck_assert_int_eq(enc_verify(&pf, &tmpc_sess, in.K, &bl), 0);
		enc_inst_clear(&in);
	}
	mpc_zk_enc_proof_clear(&pf);
}
END_TEST

START_TEST(enc_every_field)
{
	struct tmpc_party *pi = tmpc_party(0), *pj = tmpc_party(1);
	struct mpc_zk_enc_proof pf;
	struct enc_inst in;
	struct mpc_blame bl;
	struct mpc_zk_sess s;
	uint8_t sid[64], aux[4];
	mpz_ptr f[6];
	int i;

	mpc_zk_enc_proof_init(&pf);
	enc_inst_new(&in, pi, 0);
	ck_assert_int_eq(mpc_zk_enc_prove(tmpc_ctx(), &pf, &tmpc_sess,
	                     pj->rp_peer, pi->pk, in.K, in.k, in.rho),
	    0);
	ck_assert_int_eq(enc_verify(&pf, &tmpc_sess, in.K, &bl), 0);
	f[0] = pf.S;
	f[1] = pf.A;
	f[2] = pf.C;
	f[3] = pf.z1;
	f[4] = pf.z2;
	f[5] = pf.z3;
	for (i = 0; i < 6; i++) {
		bump(f[i]);
		ck_assert_int_eq(
		    enc_verify(&pf, &tmpc_sess, in.K, &bl), MPC_EPROOF);
		ck_assert_uint_eq(bl.party, tmpc_sess.prover);
		ck_assert_uint_eq(bl.reason, MPC_BLAME_ZK_ENC);
		mpz_sub_ui(f[i], f[i], 1);
	}
	bump(in.K); /* statement */
	ck_assert_int_eq(enc_verify(&pf, &tmpc_sess, in.K, &bl), MPC_EPROOF);
	mpz_sub_ui(in.K, in.K, 1);
	for (i = 0; i < SC_COUNT; i++) {
		sess_variant(&s, sid, aux, i);
		ck_assert_int_eq(enc_verify(&pf, &s, in.K, &bl), MPC_EPROOF);
	}
	/* the verifier's parameters and the prover's key are bound: use
	 * another party's for either */
	ck_assert_int_eq(mpc_zk_enc_verify(tmpc_ctx(), &bl, &pf, &tmpc_sess,
	                     pi->rp_own, pi->pk_peer, in.K),
	    MPC_EPROOF);
	ck_assert_int_eq(mpc_zk_enc_verify(tmpc_ctx(), &bl, &pf, &tmpc_sess,
	                     pj->rp_own, pj->pk_peer, in.K),
	    MPC_EPROOF);
	ck_assert_int_eq(enc_verify(&pf, &tmpc_sess, in.K, &bl), 0);
	enc_inst_clear(&in);
	mpc_zk_enc_proof_clear(&pf);
}
END_TEST

START_TEST(enc_range_bounds)
{
	struct tmpc_party *pi = tmpc_party(0), *pj = tmpc_party(1);
	struct mpc_zk_enc_proof pf;
	struct enc_inst in;
	struct mpc_blame bl;
	struct zk_force fo = { NULL, NULL };
	mpz_t a;
	int sgn;

	mpz_init(a);
	mpc_zk_enc_proof_init(&pf);
	enc_inst_new(&in, pi, 1); /* k = 0, so z1 = alpha exactly */
	fo.alpha = a;
	for (sgn = 0; sgn < 2; sgn++) {
		pow2(a, MPC_ELL + MPC_EPS);
		if (sgn)
			mpz_neg(a, a);
		ck_assert_int_eq(
		    zk_enc_prove_core(tmpc_ctx(), &pf, &tmpc_sess, pj->rp_peer,
		        pi->pk, in.K, in.k, in.rho, &fo),
		    0);
		ck_assert(mpz_cmp(pf.z1, a) == 0);
		ck_assert_int_eq(enc_verify(&pf, &tmpc_sess, in.K, &bl), 0);
		/* one past the bound: an otherwise valid proof */
		if (sgn)
			mpz_sub_ui(a, a, 1);
		else
			mpz_add_ui(a, a, 1);
		ck_assert_int_eq(
		    zk_enc_prove_core(tmpc_ctx(), &pf, &tmpc_sess, pj->rp_peer,
		        pi->pk, in.K, in.k, in.rho, &fo),
		    0);
		ck_assert_int_eq(
		    enc_verify(&pf, &tmpc_sess, in.K, &bl), MPC_EPROOF);
		ck_assert_uint_eq(bl.check, MPC_CHECK_RANGE1);
	}
	/* a witness out of range cannot be proven honestly */
	pow2(in.k, MPC_ELL);
	mpz_add_ui(in.k, in.k, 1);
	ck_assert_int_eq(mpc_zk_enc_prove(tmpc_ctx(), &pf, &tmpc_sess,
	                     pj->rp_peer, pi->pk, in.K, in.k, in.rho),
	    MPC_ERANGE);
	enc_inst_clear(&in);
	mpc_zk_enc_proof_clear(&pf);
	mpz_clear(a);
}
END_TEST

/* ---------------- Pi^aff-g ---------------- */

struct affg_inst {
	mpz_t C, D, Y, x, y, rho, rho_y, k, t;
	struct mpc_point X;
};

/* Prover i = party 0, verifier j = party 1: C = K_j under N_j,
 * D = x (.) C (+) Enc_j(y; rho), Y = Enc_i(y; rho_y), X = x*G. */
static void
affg_inst_new(struct affg_inst *in, int zero)
{
	struct tmpc_party *pi = tmpc_party(0), *pj = tmpc_party(1);

	mpz_inits(in->C, in->D, in->Y, in->x, in->y, in->rho, in->rho_y, in->k,
	    in->t, NULL);
	mpc_bn_random_bits(in->k, 256);
	ck_assert_int_eq(mpc_paillier_encrypt(pj->pk, in->C, NULL, in->k), 0);
	if (!zero) {
		struct mpc_scalar s;
		mpc_scalar_random(&s);
		mpc_scalar_to_mpz(in->x, &s);
		mpc_bn_random_pm(in->y, MPC_ELL_PRIME, NULL);
	}
	ck_assert_int_eq(
	    mpc_paillier_mul(pj->pk_peer, in->D, in->C, in->x, 256), 0);
	ck_assert_int_eq(
	    mpc_paillier_encrypt(pj->pk_peer, in->t, in->rho, in->y), 0);
	ck_assert_int_eq(mpc_paillier_add(pj->pk_peer, in->D, in->D, in->t), 0);
	ck_assert_int_eq(
	    mpc_paillier_encrypt(pi->pk, in->Y, in->rho_y, in->y), 0);
	ck_assert_int_eq(zk_secret_point(tmpc_ctx(), &in->X, in->x, NULL), 0);
}

static void
affg_inst_clear(struct affg_inst *in)
{
	mpz_clears(in->C, in->D, in->Y, in->x, in->y, in->rho, in->rho_y, in->k,
	    in->t, NULL);
}

static int
affg_prove(struct mpc_zk_affg_proof *pf, const struct affg_inst *in,
    const struct zk_force *fo)
{
	struct tmpc_party *pi = tmpc_party(0), *pj = tmpc_party(1);

	return zk_affg_prove_core(tmpc_ctx(), pf, &tmpc_sess, pj->rp_peer,
	    pj->pk_peer, pi->pk, in->C, in->D, in->Y, &in->X, in->x, in->y,
	    in->rho, in->rho_y, fo);
}

static int
affg_verify(const struct mpc_zk_affg_proof *pf, const struct mpc_zk_sess *s,
    const struct affg_inst *in, struct mpc_blame *bl)
{
	struct tmpc_party *pi = tmpc_party(0), *pj = tmpc_party(1);

	return mpc_zk_affg_verify(tmpc_ctx(), bl, pf, s, pj->rp_own, pj->pk,
	    pi->pk_peer, in->C, in->D, in->Y, &in->X);
}

START_TEST(affg_complete)
{
	struct tmpc_party *pj = tmpc_party(1);
	struct mpc_zk_affg_proof pf;
	struct affg_inst in;
	struct mpc_blame bl;
	mpz_t d, ref;
	int i;

	mpz_inits(d, ref, NULL);
	mpc_zk_affg_proof_init(&pf);
	for (i = 0; i < 10; i++) {
		affg_inst_new(&in, 0);
		/* the statement is what the MtA means: Dec_j(D) = x k + y */
		ck_assert_int_eq(mpc_paillier_decrypt(pj->sk, d, in.D), 0);
		mpz_mul(ref, in.x, in.k);
		mpz_add(ref, ref, in.y);
		ck_assert(mpz_cmp(d, ref) == 0);
		ck_assert_int_eq(affg_prove(&pf, &in, NULL), 0);
		ck_assert_int_eq(affg_verify(&pf, &tmpc_sess, &in, &bl), 0);
		affg_inst_clear(&in);
	}
	mpc_zk_affg_proof_clear(&pf);
	mpz_clears(d, ref, NULL);
}
END_TEST

START_TEST(affg_every_field)
{
	struct mpc_zk_affg_proof pf;
	struct affg_inst in;
	struct mpc_blame bl;
	struct mpc_zk_sess s;
	struct mpc_point keep;
	uint8_t sid[64], aux[4];
	mpz_ptr f[12], st[3];
	int i;

	mpc_zk_affg_proof_init(&pf);
	affg_inst_new(&in, 0);
	ck_assert_int_eq(affg_prove(&pf, &in, NULL), 0);
	ck_assert_int_eq(affg_verify(&pf, &tmpc_sess, &in, &bl), 0);
	f[0] = pf.A;
	f[1] = pf.By;
	f[2] = pf.E;
	f[3] = pf.S;
	f[4] = pf.F;
	f[5] = pf.T;
	f[6] = pf.z1;
	f[7] = pf.z2;
	f[8] = pf.z3;
	f[9] = pf.z4;
	f[10] = pf.w;
	f[11] = pf.wy;
	for (i = 0; i < 12; i++) {
		bump(f[i]);
		ck_assert_int_eq(
		    affg_verify(&pf, &tmpc_sess, &in, &bl), MPC_EPROOF);
		ck_assert_uint_eq(bl.reason, MPC_BLAME_ZK_AFFG);
		mpz_sub_ui(f[i], f[i], 1);
	}
	keep = pf.Bx;
	other_point(&pf.Bx);
	ck_assert_int_eq(affg_verify(&pf, &tmpc_sess, &in, &bl), MPC_EPROOF);
	pf.Bx = keep;
	st[0] = in.C;
	st[1] = in.D;
	st[2] = in.Y;
	for (i = 0; i < 3; i++) {
		bump(st[i]);
		ck_assert_int_eq(
		    affg_verify(&pf, &tmpc_sess, &in, &bl), MPC_EPROOF);
		mpz_sub_ui(st[i], st[i], 1);
	}
	keep = in.X;
	other_point(&in.X);
	ck_assert_int_eq(affg_verify(&pf, &tmpc_sess, &in, &bl), MPC_EPROOF);
	in.X = keep;
	for (i = 0; i < SC_COUNT; i++) {
		sess_variant(&s, sid, aux, i);
		ck_assert_int_eq(affg_verify(&pf, &s, &in, &bl), MPC_EPROOF);
	}
	ck_assert_int_eq(affg_verify(&pf, &tmpc_sess, &in, &bl), 0);
	affg_inst_clear(&in);
	mpc_zk_affg_proof_clear(&pf);
}
END_TEST

START_TEST(affg_range_bounds)
{
	struct mpc_zk_affg_proof pf;
	struct affg_inst in;
	struct mpc_blame bl;
	struct zk_force fo = { NULL, NULL };
	mpz_t a, b;
	int which;

	mpz_inits(a, b, NULL);
	mpc_zk_affg_proof_init(&pf);
	affg_inst_new(&in, 1); /* x = y = 0: z1 = alpha, z2 = beta */
	fo.alpha = a;
	fo.beta = b;
	for (which = 0; which < 4; which++) {
		/* alpha at +-2^(ell+eps), beta at +-2^(ell'+eps) */
		pow2(a, MPC_ELL + MPC_EPS);
		pow2(b, MPC_ELL_PRIME + MPC_EPS);
		if (which & 1) {
			mpz_neg(a, a);
			mpz_neg(b, b);
		}
		ck_assert_int_eq(affg_prove(&pf, &in, &fo), 0);
		ck_assert_int_eq(affg_verify(&pf, &tmpc_sess, &in, &bl), 0);
		/* then one past, for alpha (which < 2) or beta */
		if (which < 2)
			mpz_add_ui(a, a, 1);
		else
			mpz_add_ui(b, b, 1);
		if (which & 1) {
			mpz_sub_ui(which < 2 ? a : b, which < 2 ? a : b, 2);
		}
		ck_assert_int_eq(affg_prove(&pf, &in, &fo), 0);
		ck_assert_int_eq(
		    affg_verify(&pf, &tmpc_sess, &in, &bl), MPC_EPROOF);
		ck_assert_uint_eq(bl.check,
		    which < 2 ? MPC_CHECK_RANGE1 : MPC_CHECK_RANGE1 + 1);
	}
	affg_inst_clear(&in);
	mpc_zk_affg_proof_clear(&pf);
	mpz_clears(a, b, NULL);
}
END_TEST

/* ---------------- Pi^log* ---------------- */

struct log_inst {
	mpz_t C, x, rho;
	struct mpc_point X, B;
};

static void
log_inst_new(struct log_inst *in, enum mpc_zk_range range, int zero)
{
	struct mpc_scalar xs;

	mpz_inits(in->C, in->x, in->rho, NULL);
	if (!zero)
		mpc_bn_random_pm(in->x,
		    range == MPC_ZK_RANGE_WIDE ? MPC_ELL_WIDE : MPC_ELL, NULL);
	ck_assert_int_eq(
	    mpc_paillier_encrypt(tmpc_party(0)->pk, in->C, in->rho, in->x), 0);
	other_point(&in->B);
	mpc_scalar_from_mpz(&xs, in->x);
	ck_assert_int_eq(mpc_point_mul(tmpc_ctx(), &in->X, &xs, &in->B), 0);
}

static void
log_inst_clear(struct log_inst *in)
{
	mpz_clears(in->C, in->x, in->rho, NULL);
}

static int
log_prove(struct mpc_zk_logstar_proof *pf, enum mpc_zk_range range,
    const struct log_inst *in, const struct zk_force *fo)
{
	return zk_logstar_prove_core(tmpc_ctx(), pf, &tmpc_sess, range,
	    tmpc_party(1)->rp_peer, tmpc_party(0)->pk, in->C, &in->X, &in->B,
	    in->x, in->rho, fo);
}

static int
log_verify(const struct mpc_zk_logstar_proof *pf, const struct mpc_zk_sess *s,
    enum mpc_zk_range range, const struct log_inst *in, struct mpc_blame *bl)
{
	return mpc_zk_logstar_verify(tmpc_ctx(), bl, pf, s, range,
	    tmpc_party(1)->rp_own, tmpc_party(0)->pk_peer, in->C, &in->X,
	    &in->B);
}

START_TEST(logstar_complete)
{
	struct mpc_zk_logstar_proof pf;
	struct log_inst in;
	struct mpc_blame bl;
	int i;

	mpc_zk_logstar_proof_init(&pf);
	for (i = 0; i < 24; i++) {
		enum mpc_zk_range rg
		    = (i & 1) ? MPC_ZK_RANGE_WIDE : MPC_ZK_RANGE_ELL;
		log_inst_new(&in, rg, 0);
		ck_assert_int_eq(log_prove(&pf, rg, &in, NULL), 0);
		ck_assert_int_eq(log_verify(&pf, &tmpc_sess, rg, &in, &bl), 0);
		/* the range class is bound: a wide proof is not an ell one */
		ck_assert_int_eq(
		    log_verify(&pf, &tmpc_sess,
		        rg == MPC_ZK_RANGE_WIDE ? MPC_ZK_RANGE_ELL
		                                : MPC_ZK_RANGE_WIDE,
		        &in, &bl),
		    MPC_EPROOF);
		log_inst_clear(&in);
	}
	/* base G (B = NULL) */
	log_inst_new(&in, MPC_ZK_RANGE_ELL, 0);
	{
		struct mpc_scalar xs;
		mpc_scalar_from_mpz(&xs, in.x);
		ck_assert_int_eq(mpc_point_mul_base(tmpc_ctx(), &in.X, &xs), 0);
	}
	ck_assert_int_eq(
	    mpc_zk_logstar_prove(tmpc_ctx(), &pf, &tmpc_sess, MPC_ZK_RANGE_ELL,
	        tmpc_party(1)->rp_peer, tmpc_party(0)->pk, in.C, &in.X, NULL,
	        in.x, in.rho),
	    0);
	ck_assert_int_eq(mpc_zk_logstar_verify(tmpc_ctx(), &bl, &pf, &tmpc_sess,
	                     MPC_ZK_RANGE_ELL, tmpc_party(1)->rp_own,
	                     tmpc_party(0)->pk_peer, in.C, &in.X, NULL),
	    0);
	ck_assert_int_eq(mpc_zk_logstar_verify(tmpc_ctx(), &bl, &pf, &tmpc_sess,
	                     MPC_ZK_RANGE_ELL, tmpc_party(1)->rp_own,
	                     tmpc_party(0)->pk_peer, in.C, &in.X, &in.B),
	    MPC_EPROOF);
	log_inst_clear(&in);
	mpc_zk_logstar_proof_clear(&pf);
}
END_TEST

START_TEST(logstar_every_field)
{
	struct mpc_zk_logstar_proof pf;
	struct log_inst in;
	struct mpc_blame bl;
	struct mpc_zk_sess s;
	struct mpc_point keep;
	uint8_t sid[64], aux[4];
	mpz_ptr f[6];
	int i;

	mpc_zk_logstar_proof_init(&pf);
	log_inst_new(&in, MPC_ZK_RANGE_ELL, 0);
	ck_assert_int_eq(log_prove(&pf, MPC_ZK_RANGE_ELL, &in, NULL), 0);
	f[0] = pf.S;
	f[1] = pf.A;
	f[2] = pf.D;
	f[3] = pf.z1;
	f[4] = pf.z2;
	f[5] = pf.z3;
	for (i = 0; i < 6; i++) {
		bump(f[i]);
		ck_assert_int_eq(
		    log_verify(&pf, &tmpc_sess, MPC_ZK_RANGE_ELL, &in, &bl),
		    MPC_EPROOF);
		ck_assert_uint_eq(bl.reason, MPC_BLAME_ZK_LOGSTAR);
		mpz_sub_ui(f[i], f[i], 1);
	}
	keep = pf.Y;
	other_point(&pf.Y);
	ck_assert_int_eq(
	    log_verify(&pf, &tmpc_sess, MPC_ZK_RANGE_ELL, &in, &bl),
	    MPC_EPROOF);
	pf.Y = keep;
	bump(in.C);
	ck_assert_int_eq(
	    log_verify(&pf, &tmpc_sess, MPC_ZK_RANGE_ELL, &in, &bl),
	    MPC_EPROOF);
	mpz_sub_ui(in.C, in.C, 1);
	keep = in.X;
	other_point(&in.X);
	ck_assert_int_eq(
	    log_verify(&pf, &tmpc_sess, MPC_ZK_RANGE_ELL, &in, &bl),
	    MPC_EPROOF);
	in.X = keep;
	keep = in.B;
	other_point(&in.B);
	ck_assert_int_eq(
	    log_verify(&pf, &tmpc_sess, MPC_ZK_RANGE_ELL, &in, &bl),
	    MPC_EPROOF);
	in.B = keep;
	for (i = 0; i < SC_COUNT; i++) {
		sess_variant(&s, sid, aux, i);
		ck_assert_int_eq(
		    log_verify(&pf, &s, MPC_ZK_RANGE_ELL, &in, &bl),
		    MPC_EPROOF);
	}
	ck_assert_int_eq(
	    log_verify(&pf, &tmpc_sess, MPC_ZK_RANGE_ELL, &in, &bl), 0);
	log_inst_clear(&in);
	mpc_zk_logstar_proof_clear(&pf);
}
END_TEST

START_TEST(logstar_range_bounds)
{
	struct mpc_zk_logstar_proof pf;
	struct log_inst in;
	struct mpc_blame bl;
	struct zk_force fo = { NULL, NULL };
	mpz_t a;
	int rg, sgn;

	mpz_init(a);
	mpc_zk_logstar_proof_init(&pf);
	fo.alpha = a;
	for (rg = 0; rg < 2; rg++) {
		unsigned L = rg ? MPC_ELL_WIDE : MPC_ELL;
		log_inst_new(&in, (enum mpc_zk_range) rg, 1);
		for (sgn = 0; sgn < 2; sgn++) {
			pow2(a, L + MPC_EPS);
			if (sgn)
				mpz_neg(a, a);
			ck_assert_int_eq(
			    log_prove(&pf, (enum mpc_zk_range) rg, &in, &fo),
			    0);
			ck_assert_int_eq(log_verify(&pf, &tmpc_sess,
			                     (enum mpc_zk_range) rg, &in, &bl),
			    0);
			if (sgn)
				mpz_sub_ui(a, a, 1);
			else
				mpz_add_ui(a, a, 1);
			ck_assert_int_eq(
			    log_prove(&pf, (enum mpc_zk_range) rg, &in, &fo),
			    0);
			ck_assert_int_eq(log_verify(&pf, &tmpc_sess,
			                     (enum mpc_zk_range) rg, &in, &bl),
			    MPC_EPROOF);
			ck_assert_uint_eq(bl.check, MPC_CHECK_RANGE1);
		}
		log_inst_clear(&in);
	}
	mpc_zk_logstar_proof_clear(&pf);
	mpz_clear(a);
}
END_TEST

/* ---------------- Pi^mul* ---------------- */

struct mul_inst {
	mpz_t C, D, x, rho, t;
	struct mpc_point X;
};

/* D = C^x rho^N under the prover's own key; X = x*G. */
static void
mul_inst_new(struct mul_inst *in, int zero)
{
	struct tmpc_party *pi = tmpc_party(0);
	struct mpc_scalar xs;

	mpz_inits(in->C, in->D, in->x, in->rho, in->t, NULL);
	mpc_bn_random_bits(in->t, 256);
	ck_assert_int_eq(mpc_paillier_encrypt(pi->pk, in->C, NULL, in->t), 0);
	if (!zero) {
		mpc_scalar_random(&xs);
		mpc_scalar_to_mpz(in->x, &xs);
	}
	ck_assert_int_eq(mpc_paillier_mul(pi->pk, in->D, in->C, in->x, 256), 0);
	mpz_set_ui(in->t, 0);
	ck_assert_int_eq(
	    mpc_paillier_encrypt(pi->pk, in->t, in->rho, in->t), 0);
	ck_assert_int_eq(mpc_paillier_add(pi->pk, in->D, in->D, in->t), 0);
	ck_assert_int_eq(zk_secret_point(tmpc_ctx(), &in->X, in->x, NULL), 0);
}

static void
mul_inst_clear(struct mul_inst *in)
{
	mpz_clears(in->C, in->D, in->x, in->rho, in->t, NULL);
}

static int
mul_prove(struct mpc_zk_mulstar_proof *pf, const struct mul_inst *in,
    const struct zk_force *fo)
{
	return zk_mulstar_prove_core(tmpc_ctx(), pf, &tmpc_sess,
	    tmpc_party(1)->rp_peer, tmpc_party(0)->pk, in->C, in->D, &in->X,
	    in->x, in->rho, fo);
}

static int
mul_verify(const struct mpc_zk_mulstar_proof *pf, const struct mpc_zk_sess *s,
    const struct mul_inst *in, struct mpc_blame *bl)
{
	return mpc_zk_mulstar_verify(tmpc_ctx(), bl, pf, s,
	    tmpc_party(1)->rp_own, tmpc_party(0)->pk_peer, in->C, in->D,
	    &in->X);
}

START_TEST(mulstar_complete_and_sound)
{
	struct mpc_zk_mulstar_proof pf;
	struct mul_inst in;
	struct mpc_blame bl;
	struct mpc_zk_sess s;
	struct mpc_point keep;
	uint8_t sid[64], aux[4];
	mpz_ptr f[6], st[2];
	int i;

	mpc_zk_mulstar_proof_init(&pf);
	for (i = 0; i < 16; i++) {
		mul_inst_new(&in, 0);
		ck_assert_int_eq(mul_prove(&pf, &in, NULL), 0);
		ck_assert_int_eq(mul_verify(&pf, &tmpc_sess, &in, &bl), 0);
		mul_inst_clear(&in);
	}
	mul_inst_new(&in, 0);
	ck_assert_int_eq(mul_prove(&pf, &in, NULL), 0);
	f[0] = pf.A;
	f[1] = pf.E;
	f[2] = pf.S;
	f[3] = pf.z1;
	f[4] = pf.z2;
	f[5] = pf.w;
	for (i = 0; i < 6; i++) {
		bump(f[i]);
		ck_assert_int_eq(
		    mul_verify(&pf, &tmpc_sess, &in, &bl), MPC_EPROOF);
		ck_assert_uint_eq(bl.reason, MPC_BLAME_ZK_MULSTAR);
		mpz_sub_ui(f[i], f[i], 1);
	}
	keep = pf.Bx;
	other_point(&pf.Bx);
	ck_assert_int_eq(mul_verify(&pf, &tmpc_sess, &in, &bl), MPC_EPROOF);
	pf.Bx = keep;
	st[0] = in.C;
	st[1] = in.D;
	for (i = 0; i < 2; i++) {
		bump(st[i]);
		ck_assert_int_eq(
		    mul_verify(&pf, &tmpc_sess, &in, &bl), MPC_EPROOF);
		mpz_sub_ui(st[i], st[i], 1);
	}
	keep = in.X;
	other_point(&in.X);
	ck_assert_int_eq(mul_verify(&pf, &tmpc_sess, &in, &bl), MPC_EPROOF);
	in.X = keep;
	for (i = 0; i < SC_COUNT; i++) {
		sess_variant(&s, sid, aux, i);
		ck_assert_int_eq(mul_verify(&pf, &s, &in, &bl), MPC_EPROOF);
	}
	ck_assert_int_eq(mul_verify(&pf, &tmpc_sess, &in, &bl), 0);
	mul_inst_clear(&in);
	mpc_zk_mulstar_proof_clear(&pf);
}
END_TEST

START_TEST(mulstar_range_bounds)
{
	struct mpc_zk_mulstar_proof pf;
	struct mul_inst in;
	struct mpc_blame bl;
	struct zk_force fo = { NULL, NULL };
	mpz_t a;
	int sgn;

	mpz_init(a);
	mpc_zk_mulstar_proof_init(&pf);
	mul_inst_new(&in, 1);
	fo.alpha = a;
	for (sgn = 0; sgn < 2; sgn++) {
		pow2(a, MPC_ELL + MPC_EPS);
		if (sgn)
			mpz_neg(a, a);
		ck_assert_int_eq(mul_prove(&pf, &in, &fo), 0);
		ck_assert_int_eq(mul_verify(&pf, &tmpc_sess, &in, &bl), 0);
		if (sgn)
			mpz_sub_ui(a, a, 1);
		else
			mpz_add_ui(a, a, 1);
		ck_assert_int_eq(mul_prove(&pf, &in, &fo), 0);
		ck_assert_int_eq(
		    mul_verify(&pf, &tmpc_sess, &in, &bl), MPC_EPROOF);
		ck_assert_uint_eq(bl.check, MPC_CHECK_RANGE1);
	}
	mul_inst_clear(&in);
	mpc_zk_mulstar_proof_clear(&pf);
	mpz_clear(a);
}
END_TEST

Suite *
zk_suite(void)
{
	Suite *s = suite_create("zk");
	TCase *tc = tcase_create("zk");

	tcase_add_unchecked_fixture(tc, setup_keys, NULL);
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, sch_complete_and_sound);
	tcase_add_test(tc, enc_complete);
	tcase_add_test(tc, enc_every_field);
	tcase_add_test(tc, enc_range_bounds);
	tcase_add_test(tc, affg_complete);
	tcase_add_test(tc, affg_every_field);
	tcase_add_test(tc, affg_range_bounds);
	tcase_add_test(tc, logstar_complete);
	tcase_add_test(tc, logstar_every_field);
	tcase_add_test(tc, logstar_range_bounds);
	tcase_add_test(tc, mulstar_complete_and_sound);
	tcase_add_test(tc, mulstar_range_bounds);
	suite_add_tcase(s, tc);
	return s;
}
