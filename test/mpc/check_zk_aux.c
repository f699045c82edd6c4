/* Aux-info proofs at 3072 bits: Pi^prm, Pi^mod, Pi^fac (run a handful of
 * times: 128 repetitions each), and the soundness regressions of
 * notes/tecdsa.md §2: the BitForge modulus (16 small primes times a large
 * one), a prime N, a non-Blum N, s outside <t>, and transcript splittings
 * (TSSHOCK) that must never collide. */
#include <string.h>

#include <check.h>

#include "../../mpc/src/mpc_int.h"
#include "mpc_test.h"

Suite *zk_aux_suite(void);

static void
setup_keys(void)
{
	(void) tmpc_party(0);
	(void) tmpc_party(1);
	(void) tmpc_ctx();
}

static void
sess_variant(struct mpc_zk_sess *s, uint8_t *sidbuf, uint8_t *auxbuf, int k)
{
	*s = tmpc_sess;
	memcpy(sidbuf, tmpc_sess.sid, tmpc_sess.sid_len);
	s->sid = sidbuf;
	if (k == 0)
		sidbuf[0] ^= 0x80;
	else if (k == 1)
		s->prover = 0;
	else {
		auxbuf[0] = 1;
		s->aux = auxbuf;
		s->aux_len = 1;
	}
}

/* ---------------- Pi^prm ---------------- */

START_TEST(prm_complete_and_sound)
{
	struct tmpc_party *p = tmpc_party(0);
	struct mpc_zk_prm_proof pf;
	struct mpc_blame bl;
	struct mpc_zk_sess s;
	uint8_t sid[64], aux[4];
	const int idx[3] = { 0, 63, MPC_M_PRM - 1 };
	mpz_t x;
	int i, r;

	mpz_init(x);
	mpc_zk_prm_proof_init(&pf);
	for (r = 0; r < 2; r++) {
		ck_assert_int_eq(
		    mpc_zk_prm_prove(tmpc_ctx(), &pf, &tmpc_sess, p->rp_own),
		    0);
		ck_assert_int_eq(mpc_zk_prm_verify(tmpc_ctx(), &bl, &pf,
		                     &tmpc_sess, p->rp_peer),
		    0);
	}
	/* single items of the proof */
	for (i = 0; i < 3; i++) {
		mpz_add_ui(pf.a[idx[i]], pf.a[idx[i]], 1);
		ck_assert_int_eq(mpc_zk_prm_verify(tmpc_ctx(), &bl, &pf,
		                     &tmpc_sess, p->rp_peer),
		    MPC_EPROOF);
		ck_assert_uint_eq(bl.reason, MPC_BLAME_ZK_PRM);
		mpz_sub_ui(pf.a[idx[i]], pf.a[idx[i]], 1);
		mpz_add_ui(pf.z[idx[i]], pf.z[idx[i]], 1);
		ck_assert_int_eq(mpc_zk_prm_verify(tmpc_ctx(), &bl, &pf,
		                     &tmpc_sess, p->rp_peer),
		    MPC_EPROOF);
		mpz_sub_ui(pf.z[idx[i]], pf.z[idx[i]], 1);
	}
	/* the statement (N, s, t) and the session */
	mpz_add_ui(x, mpc_rped_s(p->rp_own), 1);
	ck_assert_int_eq(zk_prm_verify_nst(tmpc_ctx(), &bl, &pf, &tmpc_sess,
	                     mpc_rped_n(p->rp_own), x, mpc_rped_t(p->rp_own)),
	    MPC_EPROOF);
	mpz_add_ui(x, mpc_rped_t(p->rp_own), 1);
	ck_assert_int_eq(zk_prm_verify_nst(tmpc_ctx(), &bl, &pf, &tmpc_sess,
	                     mpc_rped_n(p->rp_own), mpc_rped_s(p->rp_own), x),
	    MPC_EPROOF);
	mpz_add_ui(x, mpc_rped_n(p->rp_own), 2);
	ck_assert_int_eq(zk_prm_verify_nst(tmpc_ctx(), &bl, &pf, &tmpc_sess, x,
	                     mpc_rped_s(p->rp_own), mpc_rped_t(p->rp_own)),
	    MPC_EPROOF);
	for (i = 0; i < 3; i++) {
		sess_variant(&s, sid, aux, i);
		ck_assert_int_eq(
		    mpc_zk_prm_verify(tmpc_ctx(), &bl, &pf, &s, p->rp_peer),
		    MPC_EPROOF);
	}
	ck_assert_int_eq(
	    mpc_zk_prm_verify(tmpc_ctx(), &bl, &pf, &tmpc_sess, p->rp_peer), 0);
	mpc_zk_prm_proof_clear(&pf);
	mpz_clear(x);
}
END_TEST

/* s outside <t>: a prover without lambda can only guess each challenge
 * bit, answering A_k = t^z_k s^-g_k; 128 independent guesses fail. */
START_TEST(prm_rejects_s_outside_t)
{
	struct tmpc_party *p = tmpc_party(0);
	mpz_srcptr n = mpc_rped_n(p->rp_own), t = mpc_rped_t(p->rp_own);
	struct mpc_zk_prm_proof pf;
	struct mpc_blame bl;
	uint8_t e[MPC_M_PRM], g[MPC_M_PRM];
	mpz_t s, si, lambda;
	int i, matches = 0, att;

	mpz_inits(s, si, lambda, NULL);
	mpc_zk_prm_proof_init(&pf);
	/* a random unit: outside <t> (squares of order p'q') w.h.p.; -1 is
	 * certainly outside (t is a square and -1 is not mod Blum primes) */
	mpz_sub_ui(s, n, 1);
	mpz_mul(s, s, mpc_rped_s(p->rp_own));
	mpz_mod(s, s, n);
	ck_assert_int_eq(mpz_jacobi(s, n), 1);
	mpz_invert(si, s, n);
	for (att = 0; att < 2; att++) {
		for (i = 0; i < MPC_M_PRM; i++) {
			g[i] = (uint8_t) (i & 1) ^ (uint8_t) att;
			mpc_bn_random_below(pf.z[i], n);
			mpz_powm(pf.a[i], t, pf.z[i], n);
			if (g[i]) {
				mpz_mul(pf.a[i], pf.a[i], si);
				mpz_mod(pf.a[i], pf.a[i], n);
			}
		}
		zk_prm_challenges(&tmpc_sess, n, s, t, &pf, e);
		for (i = 0; i < MPC_M_PRM; i++)
			matches += e[i] == g[i];
		ck_assert_int_eq(zk_prm_verify_nst(
		                     tmpc_ctx(), &bl, &pf, &tmpc_sess, n, s, t),
		    MPC_EPROOF);
		ck_assert_uint_eq(bl.check, MPC_CHECK_EQ1);
	}
	ck_assert_int_lt(matches, 2 * MPC_M_PRM);
	/* the honest prover's lambda does not prove the wrong s either */
	ck_assert_int_eq(
	    mpc_zk_prm_prove(tmpc_ctx(), &pf, &tmpc_sess, p->rp_own), 0);
	ck_assert_int_eq(
	    zk_prm_verify_nst(tmpc_ctx(), &bl, &pf, &tmpc_sess, n, s, t),
	    MPC_EPROOF);
	mpc_zk_prm_proof_clear(&pf);
	mpz_clears(s, si, lambda, NULL);
}
END_TEST

/* ---------------- Pi^mod ---------------- */

START_TEST(mod_complete_and_sound)
{
	struct tmpc_party *p = tmpc_party(1);
	struct mpc_zk_mod_proof pf;
	struct mpc_blame bl;
	struct mpc_zk_sess s;
	uint8_t sid[64], aux[4];
	const int idx[2] = { 0, MPC_M_MOD - 1 };
	mpz_t n2;
	int i, r;

	mpz_init(n2);
	mpc_zk_mod_proof_init(&pf);
	for (r = 0; r < 2; r++) {
		ck_assert_int_eq(
		    mpc_zk_mod_prove(tmpc_ctx(), &pf, &tmpc_sess, p->sk), 0);
		ck_assert_int_eq(mpc_zk_mod_verify(tmpc_ctx(), &bl, &pf,
		                     &tmpc_sess, p->pk_peer),
		    0);
	}
	mpz_add_ui(pf.w, pf.w, 1);
	ck_assert_int_eq(
	    mpc_zk_mod_verify(tmpc_ctx(), &bl, &pf, &tmpc_sess, p->pk_peer),
	    MPC_EPROOF);
	ck_assert_uint_eq(bl.reason, MPC_BLAME_ZK_MOD);
	mpz_sub_ui(pf.w, pf.w, 1);
	for (i = 0; i < 2; i++) {
		int k = idx[i];
		mpz_add_ui(pf.x[k], pf.x[k], 1);
		ck_assert_int_eq(mpc_zk_mod_verify(tmpc_ctx(), &bl, &pf,
		                     &tmpc_sess, p->pk_peer),
		    MPC_EPROOF);
		mpz_sub_ui(pf.x[k], pf.x[k], 1);
		mpz_add_ui(pf.z[k], pf.z[k], 1);
		ck_assert_int_eq(mpc_zk_mod_verify(tmpc_ctx(), &bl, &pf,
		                     &tmpc_sess, p->pk_peer),
		    MPC_EPROOF);
		mpz_sub_ui(pf.z[k], pf.z[k], 1);
		pf.a[k] ^= 1;
		ck_assert_int_eq(mpc_zk_mod_verify(tmpc_ctx(), &bl, &pf,
		                     &tmpc_sess, p->pk_peer),
		    MPC_EPROOF);
		pf.a[k] ^= 1;
		pf.b[k] ^= 1;
		ck_assert_int_eq(mpc_zk_mod_verify(tmpc_ctx(), &bl, &pf,
		                     &tmpc_sess, p->pk_peer),
		    MPC_EPROOF);
		pf.b[k] ^= 1;
	}
	/* another modulus, other sessions */
	ck_assert_int_eq(mpc_zk_mod_verify(tmpc_ctx(), &bl, &pf, &tmpc_sess,
	                     tmpc_party(0)->pk_peer),
	    MPC_EPROOF);
	for (i = 0; i < 3; i++) {
		sess_variant(&s, sid, aux, i);
		ck_assert_int_eq(
		    mpc_zk_mod_verify(tmpc_ctx(), &bl, &pf, &s, p->pk_peer),
		    MPC_EPROOF);
	}
	ck_assert_int_eq(
	    mpc_zk_mod_verify(tmpc_ctx(), &bl, &pf, &tmpc_sess, p->pk_peer), 0);
	mpc_zk_mod_proof_clear(&pf);
	mpz_clear(n2);
}
END_TEST

/* Number of the 128 challenges y_k for which no (a, b) makes
 * (-1)^a w^b y_k a residue of the required kind modulo every prime:
 * for those no x_k exists, so no Pi^mod proof can pass with this w. */
static int
unanswerable(const mpz_t *pr, int np, mpz_srcptr n, mpz_srcptr w, int quartic)
{
	mpz_t y[MPC_M_MOD], v, e;
	int k, a, b, i, bad = 0;

	mpz_inits(v, e, NULL);
	for (k = 0; k < MPC_M_MOD; k++)
		mpz_init(y[k]);
	zk_mod_challenges(&tmpc_sess, n, w, y);
	for (k = 0; k < MPC_M_MOD; k++) {
		int any = 0;
		for (a = 0; a < 2 && !any; a++)
			for (b = 0; b < 2 && !any; b++) {
				int ok = 1;
				mpz_set(v, y[k]);
				if (b)
					mpz_mul(v, v, w);
				if (a)
					mpz_neg(v, v);
				for (i = 0; i < np && ok; i++) {
					mpz_t r;
					mpz_init(r);
					mpz_mod(r, v, pr[i]);
					if (quartic) {
						/* r^((p-1)/4) == 1 */
						mpz_sub_ui(e, pr[i], 1);
						mpz_fdiv_q_2exp(e, e, 2);
						mpz_powm(r, r, e, pr[i]);
						ok = mpz_cmp_ui(r, 1) == 0;
					} else {
						ok = mpz_legendre(r, pr[i])
						    == 1;
					}
					mpz_clear(r);
				}
				any = ok;
			}
		bad += !any;
	}
	for (k = 0; k < MPC_M_MOD; k++)
		mpz_clear(y[k]);
	mpz_clears(v, e, NULL);
	return bad;
}

/* A syntactically valid proof for any odd N (random x_k, z_k). */
static void
junk_mod_proof(struct mpc_zk_mod_proof *pf, mpz_srcptr n)
{
	int k;

	do
		mpc_bn_random_unit(pf->w, n);
	while (mpz_jacobi(pf->w, n) != -1);
	for (k = 0; k < MPC_M_MOD; k++) {
		mpc_bn_random_unit(pf->x[k], n);
		mpc_bn_random_unit(pf->z[k], n);
		pf->a[k] = pf->b[k] = 0;
	}
}

START_TEST(mod_rejects_prime_n)
{
	struct mpc_paillier_pk *pk;
	struct mpc_zk_mod_proof pf;
	struct mpc_blame bl;
	mpz_t P, y[MPC_M_MOD], e4, ninv, t, v;
	int k;

	mpz_inits(P, e4, ninv, t, v, NULL);
	for (k = 0; k < MPC_M_MOD; k++)
		mpz_init(y[k]);
	mpc_zk_mod_proof_init(&pf);
	ck_assert_uint_eq(
	    tmpc_load_primes("mpc_primes_misc.txt", "prime3072", &P, 1), 1);
	ck_assert_uint_eq(mpz_fdiv_ui(P, 4), 3);
	ck_assert_int_eq(mpc_paillier_pk_new(&pk, P), MPC_EMODULUS);
	/* For a prime, everyone knows phi = P - 1, so a cheater answers every
	 * challenge: the equations all hold and only the primality check
	 * stands in the way. */
	mpz_add_ui(e4, P, 1);
	mpz_fdiv_q_2exp(e4, e4, 2);
	mpz_mul(e4, e4, e4);
	mpz_sub_ui(t, P, 1);
	mpz_mod(e4, e4, t);
	ck_assert(mpz_invert(ninv, P, t));
	do
		mpc_bn_random_unit(pf.w, P);
	while (mpz_jacobi(pf.w, P) != -1);
	zk_mod_challenges(&tmpc_sess, P, pf.w, y);
	for (k = 0; k < MPC_M_MOD; k++) {
		pf.a[k] = 0;
		pf.b[k] = mpz_legendre(y[k], P) == 1 ? 0 : 1;
		mpz_set(v, y[k]);
		if (pf.b[k])
			mpz_mul(v, v, pf.w);
		mpz_mod(v, v, P);
		mpz_powm(pf.x[k], v, e4, P);
		mpz_powm(pf.z[k], y[k], ninv, P);
		/* both equations hold */
		mpz_powm_ui(t, pf.x[k], 4, P);
		ck_assert(mpz_cmp(t, v) == 0);
		mpz_powm(t, pf.z[k], P, P);
		ck_assert(mpz_cmp(t, y[k]) == 0);
	}
	ck_assert_int_eq(
	    zk_mod_verify_n(tmpc_ctx(), &bl, &pf, &tmpc_sess, P), MPC_EPROOF);
	ck_assert_uint_eq(bl.check, MPC_CHECK_INPUT);
	mpc_zk_mod_proof_clear(&pf);
	for (k = 0; k < MPC_M_MOD; k++)
		mpz_clear(y[k]);
	mpz_clears(P, e4, ninv, t, v, NULL);
}
END_TEST

START_TEST(mod_rejects_non_blum_n)
{
	struct mpc_paillier_pk *pk;
	struct mpc_zk_mod_proof pf;
	struct mpc_blame bl;
	mpz_t pr[2], n;
	int bad;

	mpz_inits(pr[0], pr[1], n, NULL);
	mpc_zk_mod_proof_init(&pf);
	ck_assert_uint_eq(
	    tmpc_load_primes("mpc_primes_misc.txt", "prime1536_1mod4", pr, 2),
	    2);
	mpz_mul(n, pr[0], pr[1]);
	/* a perfectly good RSA modulus to the cheap checks */
	ck_assert_int_eq(mpc_paillier_pk_new(&pk, n), 0);
	junk_mod_proof(&pf, n);
	bad = unanswerable(pr, 2, n, pf.w, 1);
	ck_assert_int_ge(bad, 64); /* expected ~96 of 128 */
	ck_assert_int_eq(
	    mpc_zk_mod_verify(tmpc_ctx(), &bl, &pf, &tmpc_sess, pk),
	    MPC_EPROOF);
	mpc_paillier_pk_free(pk);
	mpc_zk_mod_proof_clear(&pf);
	mpz_clears(pr[0], pr[1], n, NULL);
}
END_TEST

/* ---------------- BitForge ---------------- */

/* N = p_1 ... p_16 * q with p_i the 16 primes above 2^16 and q prime:
 * the CVE-2023-33241 shape, sized to 3071 bits. */
static void
bitforge(mpz_t n, mpz_t small, mpz_t q, mpz_t *pr)
{
	mpz_t p;
	int i = 0;

	mpz_init_set_ui(p, 65536);
	mpz_set_ui(small, 1);
	while (i < 16) {
		mpz_nextprime(p, p);
		mpz_set(pr[i++], p);
		mpz_mul(small, small, p);
	}
	ck_assert_uint_eq(tmpc_load_primes("mpc_primes_misc.txt", "prime2815",
	                      (mpz_t *) q, 1),
	    1);
	mpz_set(pr[16], q);
	mpz_mul(n, small, q);
	ck_assert_uint_eq(mpz_sizeinbase(n, 2), 3071);
	mpz_clear(p);
}

START_TEST(bitforge_modulus_rejected)
{
	struct tmpc_party *pj = tmpc_party(1);
	struct mpc_paillier_pk *pk;
	struct mpc_zk_fac_proof pf;
	struct mpc_zk_mod_proof mp;
	struct mpc_blame bl;
	mpz_t n, small, q, pr[17], a, b;
	int i, bad;

	mpz_inits(n, small, q, a, b, NULL);
	for (i = 0; i < 17; i++)
		mpz_init(pr[i]);
	bitforge(n, small, q, pr);
	/* cheap validation alone lets it through (no factor below 2^16) */
	ck_assert_int_eq(mpc_paillier_pk_new(&pk, n), 0);
	mpc_zk_fac_proof_init(&pf);
	/* Pi^fac with the natural split: q is far above 2^(ell+eps)
	 * sqrt(N) */
	ck_assert_int_eq(zk_fac_prove_pq(tmpc_ctx(), &pf, &tmpc_sess,
	                     pj->rp_peer, n, small, q),
	    0);
	ck_assert_int_eq(
	    mpc_zk_fac_verify(tmpc_ctx(), &bl, &pf, &tmpc_sess, pj->rp_own, pk),
	    MPC_EPROOF);
	ck_assert_uint_eq(bl.reason, MPC_BLAME_ZK_FAC);
	ck_assert_uint_eq(bl.check, MPC_CHECK_RANGE1 + 1);
	/* the most balanced split there is, q * (8 small) vs 8 small */
	mpz_set(a, q);
	mpz_set_ui(b, 1);
	for (i = 0; i < 16; i++)
		mpz_mul(i < 8 ? a : b, i < 8 ? a : b, pr[i]);
	ck_assert_int_eq(
	    zk_fac_prove_pq(tmpc_ctx(), &pf, &tmpc_sess, pj->rp_peer, n, b, a),
	    0);
	ck_assert_int_eq(
	    mpc_zk_fac_verify(tmpc_ctx(), &bl, &pf, &tmpc_sess, pj->rp_own, pk),
	    MPC_EPROOF);
	ck_assert_uint_eq(bl.check, MPC_CHECK_RANGE1 + 1);
	/* Pi^mod: (-1)^a w^b y_k must be a residue modulo 17 primes, which
	 * no choice of (a, b) achieves for almost every challenge */
	mpc_zk_mod_proof_init(&mp);
	junk_mod_proof(&mp, n);
	bad = unanswerable(pr, 17, n, mp.w, 0);
	ck_assert_int_ge(bad, 120);
	ck_assert_int_eq(
	    mpc_zk_mod_verify(tmpc_ctx(), &bl, &mp, &tmpc_sess, pk),
	    MPC_EPROOF);
	mpc_zk_mod_proof_clear(&mp);
	mpc_zk_fac_proof_clear(&pf);
	mpc_paillier_pk_free(pk);
	for (i = 0; i < 17; i++)
		mpz_clear(pr[i]);
	mpz_clears(n, small, q, a, b, NULL);
}
END_TEST

/* ---------------- Pi^fac ---------------- */

static int
fac_verify(const struct mpc_zk_fac_proof *pf, const struct mpc_zk_sess *s,
    struct mpc_blame *bl)
{
	return mpc_zk_fac_verify(tmpc_ctx(), bl, pf, s, tmpc_party(1)->rp_own,
	    tmpc_party(0)->pk_peer);
}

START_TEST(fac_complete_and_sound)
{
	struct tmpc_party *pi = tmpc_party(0), *pj = tmpc_party(1);
	struct mpc_zk_fac_proof pf;
	struct mpc_blame bl;
	struct mpc_zk_sess s;
	uint8_t sid[64], aux[4];
	mpz_ptr f[11];
	int i;

	mpc_zk_fac_proof_init(&pf);
	for (i = 0; i < 4; i++) {
		ck_assert_int_eq(mpc_zk_fac_prove(tmpc_ctx(), &pf, &tmpc_sess,
		                     pj->rp_peer, pi->sk),
		    0);
		ck_assert_int_eq(fac_verify(&pf, &tmpc_sess, &bl), 0);
	}
	f[0] = pf.P;
	f[1] = pf.Q;
	f[2] = pf.A;
	f[3] = pf.B;
	f[4] = pf.T;
	f[5] = pf.sigma;
	f[6] = pf.z1;
	f[7] = pf.z2;
	f[8] = pf.w1;
	f[9] = pf.w2;
	f[10] = pf.v;
	for (i = 0; i < 11; i++) {
		mpz_add_ui(f[i], f[i], 1);
		ck_assert_int_eq(fac_verify(&pf, &tmpc_sess, &bl), MPC_EPROOF);
		ck_assert_uint_eq(bl.reason, MPC_BLAME_ZK_FAC);
		mpz_sub_ui(f[i], f[i], 1);
	}
	/* the statement: another N0, another verifier's parameters */
	ck_assert_int_eq(mpc_zk_fac_verify(tmpc_ctx(), &bl, &pf, &tmpc_sess,
	                     pj->rp_own, pj->pk_peer),
	    MPC_EPROOF);
	ck_assert_int_eq(mpc_zk_fac_verify(tmpc_ctx(), &bl, &pf, &tmpc_sess,
	                     pi->rp_own, pi->pk_peer),
	    MPC_EPROOF);
	for (i = 0; i < 3; i++) {
		sess_variant(&s, sid, aux, i);
		ck_assert_int_eq(fac_verify(&pf, &s, &bl), MPC_EPROOF);
	}
	ck_assert_int_eq(fac_verify(&pf, &tmpc_sess, &bl), 0);
	mpc_zk_fac_proof_clear(&pf);
}
END_TEST

/* Range bounds of z1 and z2 (2^(ell+eps) sqrt(N0)): on the bound the
 * range check passes (an equation fails instead), one past it the range
 * check itself fires. */
START_TEST(fac_range_bounds)
{
	struct tmpc_party *pi = tmpc_party(0), *pj = tmpc_party(1);
	struct mpc_zk_fac_proof pf;
	struct mpc_blame bl;
	mpz_t bound, keep;
	int which, sgn;

	mpz_inits(bound, keep, NULL);
	mpc_zk_fac_proof_init(&pf);
	ck_assert_int_eq(
	    mpc_zk_fac_prove(tmpc_ctx(), &pf, &tmpc_sess, pj->rp_peer, pi->sk),
	    0);
	mpz_sqrt(bound, mpc_paillier_pk_n(pi->pk));
	mpz_mul_2exp(bound, bound, MPC_ELL + MPC_EPS);
	for (which = 0; which < 2; which++) {
		mpz_ptr z = which ? pf.z2 : pf.z1;
		mpz_set(keep, z);
		for (sgn = 0; sgn < 2; sgn++) {
			mpz_set(z, bound);
			if (sgn)
				mpz_neg(z, z);
			ck_assert_int_eq(
			    fac_verify(&pf, &tmpc_sess, &bl), MPC_EPROOF);
			ck_assert_uint_ge(bl.check, MPC_CHECK_EQ1);
			ck_assert_uint_lt(bl.check, MPC_CHECK_RANGE1);
			if (sgn)
				mpz_sub_ui(z, z, 1);
			else
				mpz_add_ui(z, z, 1);
			ck_assert_int_eq(
			    fac_verify(&pf, &tmpc_sess, &bl), MPC_EPROOF);
			ck_assert_uint_eq(
			    bl.check, (uint16_t) (MPC_CHECK_RANGE1 + which));
		}
		mpz_set(z, keep);
	}
	ck_assert_int_eq(fac_verify(&pf, &tmpc_sess, &bl), 0);
	mpc_zk_fac_proof_clear(&pf);
	mpz_clears(bound, keep, NULL);
}
END_TEST

/* ---------------- transcripts (TSSHOCK) ---------------- */

static void
chal_of(mpz_t e, const struct mpc_zk_sess *s, const mpz_t *v, int nv)
{
	struct lk_transcript t;
	int i;

	zk_ts_start(&t, "LK-MPC-ZK/test/v1", s);
	for (i = 0; i < nv; i++)
		ts_bn(&t, "v", v[i]);
	ts_challenge(&t, e);
}

START_TEST(transcript_splits_never_collide)
{
	const uint8_t abcd[] = "abcd";
	struct mpc_zk_sess s1 = { abcd, 3, 1, abcd + 3, 1 };
	struct mpc_zk_sess s2 = { abcd, 2, 1, abcd + 2, 2 };
	mpz_t v[2], w[2], e[200], x;
	uint8_t buf[64];
	int i, j;

	mpz_inits(v[0], v[1], w[0], w[1], x, NULL);
	for (i = 0; i < 200; i++)
		mpz_init(e[i]);
	/* the same bytes split differently between two integers: the
	 * alpha-shuffle of TSSHOCK needs exactly this to collide */
	lk_random(buf, sizeof(buf));
	buf[0] |= 1;
	for (i = 0; i < 64; i++) {
		mpz_import(v[0], (size_t) i + 1, 1, 1, 1, 0, buf);
		mpz_import(v[1], 63 - (size_t) i, 1, 1, 1, 0, buf + i + 1);
		chal_of(e[i], &tmpc_sess, (const mpz_t *) v, 2);
	}
	/* fewer items carrying the same bytes; sign flips; zero */
	mpz_import(x, 64, 1, 1, 1, 0, buf);
	chal_of(e[64], &tmpc_sess, (const mpz_t *) &x, 1);
	mpz_neg(x, x);
	chal_of(e[65], &tmpc_sess, (const mpz_t *) &x, 1);
	mpz_set_ui(w[0], 0);
	mpz_set_ui(w[1], 0);
	chal_of(e[66], &tmpc_sess, (const mpz_t *) w, 1);
	chal_of(e[67], &tmpc_sess, (const mpz_t *) w, 2);
	/* session id and extra state split differently */
	chal_of(e[68], &s1, (const mpz_t *) w, 1);
	chal_of(e[69], &s2, (const mpz_t *) w, 1);
	s2.prover = 2;
	chal_of(e[70], &s2, (const mpz_t *) w, 1);
	for (i = 0; i < 71; i++)
		for (j = i + 1; j < 71; j++)
			ck_assert_msg(
			    mpz_cmp(e[i], e[j]) != 0, "%d == %d", i, j);
	for (i = 0; i < 200; i++)
		mpz_clear(e[i]);
	mpz_clears(v[0], v[1], w[0], w[1], x, NULL);
}
END_TEST

Suite *
zk_aux_suite(void)
{
	Suite *s = suite_create("zk_aux");
	TCase *tc = tcase_create("zk_aux");

	tcase_add_unchecked_fixture(tc, setup_keys, NULL);
	tcase_set_timeout(tc, 900);
	tcase_add_test(tc, prm_complete_and_sound);
	tcase_add_test(tc, prm_rejects_s_outside_t);
	tcase_add_test(tc, mod_complete_and_sound);
	tcase_add_test(tc, mod_rejects_prime_n);
	tcase_add_test(tc, mod_rejects_non_blum_n);
	tcase_add_test(tc, bitforge_modulus_rejected);
	tcase_add_test(tc, fac_complete_and_sound);
	tcase_add_test(tc, fac_range_bounds);
	tcase_add_test(tc, transcript_splits_never_collide);
	suite_add_tcase(s, tc);
	return s;
}
