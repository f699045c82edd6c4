/* Wire encodings of every proof (proto/ rules): round trip then verify,
 * documented maximum sizes, truncation at sampled or all prefix lengths,
 * trailing bytes, wrong tags, wrong repetition counts, identity points and
 * non-canonical fields; a failed decode leaves the cursor where it was. */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "../../mpc/src/mpc_int.h"
#include "mpc_test.h"

Suite *codec_suite(void);

enum { P_SCH, P_PRM, P_MOD, P_FAC, P_ENC, P_AFFG, P_LOG, P_MUL, P_COUNT };

static struct {
	struct mpc_zk_sch_proof sch;
	struct mpc_zk_prm_proof prm;
	struct mpc_zk_mod_proof mod;
	struct mpc_zk_fac_proof fac;
	struct mpc_zk_enc_proof enc;
	struct mpc_zk_affg_proof affg;
	struct mpc_zk_logstar_proof log;
	struct mpc_zk_mulstar_proof mul;
	struct mpc_point X, Xa, Xm;
	mpz_t K, C, D, Y, Cl, Cm, Dm;
	uint8_t *enc_bytes[P_COUNT];
	size_t enc_len[P_COUNT];
} F;

static const size_t max_bytes[P_COUNT] = { MPC_ZK_SCH_BYTES, MPC_ZK_PRM_BYTES,
	MPC_ZK_MOD_BYTES, MPC_ZK_FAC_BYTES, MPC_ZK_ENC_BYTES, MPC_ZK_AFFG_BYTES,
	MPC_ZK_LOGSTAR_BYTES, MPC_ZK_MULSTAR_BYTES };

static void
encode_one(int which, struct proto_wbuf *w)
{
	switch (which) {
	case P_SCH:
		mpc_zk_sch_encode(w, &F.sch);
		break;
	case P_PRM:
		mpc_zk_prm_encode(w, &F.prm);
		break;
	case P_MOD:
		mpc_zk_mod_encode(w, &F.mod);
		break;
	case P_FAC:
		mpc_zk_fac_encode(w, &F.fac);
		break;
	case P_ENC:
		mpc_zk_enc_encode(w, &F.enc);
		break;
	case P_AFFG:
		mpc_zk_affg_encode(w, &F.affg);
		break;
	case P_LOG:
		mpc_zk_logstar_encode(w, &F.log);
		break;
	default:
		mpc_zk_mulstar_encode(w, &F.mul);
		break;
	}
}

static void
setup(void)
{
	struct mpc_ctx *ctx = tmpc_ctx();
	struct tmpc_party *pi = tmpc_party(0), *pj = tmpc_party(1);
	struct mpc_scalar x;
	mpz_t k, rho, xz, y, r2, t;
	int i;

	mpz_inits(
	    k, rho, xz, y, r2, t, F.K, F.C, F.D, F.Y, F.Cl, F.Cm, F.Dm, NULL);
	mpc_zk_prm_proof_init(&F.prm);
	mpc_zk_mod_proof_init(&F.mod);
	mpc_zk_fac_proof_init(&F.fac);
	mpc_zk_enc_proof_init(&F.enc);
	mpc_zk_affg_proof_init(&F.affg);
	mpc_zk_logstar_proof_init(&F.log);
	mpc_zk_mulstar_proof_init(&F.mul);
	mpc_scalar_random(&x);
	mpc_scalar_to_mpz(xz, &x);
	ck_assert_int_eq(mpc_point_mul_base(ctx, &F.X, &x), 0);
	ck_assert_int_eq(
	    mpc_zk_sch_prove_fresh(ctx, &F.sch, &tmpc_sess, &F.X, &x), 0);
	ck_assert_int_eq(
	    mpc_zk_prm_prove(ctx, &F.prm, &tmpc_sess, pi->rp_own), 0);
	ck_assert_int_eq(mpc_zk_mod_prove(ctx, &F.mod, &tmpc_sess, pi->sk), 0);
	ck_assert_int_eq(
	    mpc_zk_fac_prove(ctx, &F.fac, &tmpc_sess, pj->rp_peer, pi->sk), 0);
	/* enc */
	mpc_bn_random_pm(k, MPC_ELL, NULL);
	ck_assert_int_eq(mpc_paillier_encrypt(pi->pk, F.K, rho, k), 0);
	ck_assert_int_eq(mpc_zk_enc_prove(ctx, &F.enc, &tmpc_sess, pj->rp_peer,
	                     pi->pk, F.K, k, rho),
	    0);
	/* aff-g: C under N_j, D = x (.) C (+) Enc_j(y), Y = Enc_i(y) */
	ck_assert_int_eq(mpc_paillier_encrypt(pj->pk, F.C, NULL, k), 0);
	mpc_bn_random_pm(y, MPC_ELL_PRIME, NULL);
	ck_assert_int_eq(mpc_paillier_mul(pj->pk_peer, F.D, F.C, xz, 256), 0);
	ck_assert_int_eq(mpc_paillier_encrypt(pj->pk_peer, t, rho, y), 0);
	ck_assert_int_eq(mpc_paillier_add(pj->pk_peer, F.D, F.D, t), 0);
	ck_assert_int_eq(mpc_paillier_encrypt(pi->pk, F.Y, r2, y), 0);
	ck_assert_int_eq(
	    mpc_zk_affg_prove(ctx, &F.affg, &tmpc_sess, pj->rp_peer,
	        pj->pk_peer, pi->pk, F.C, F.D, F.Y, &F.X, xz, y, rho, r2),
	    0);
	/* log*: C = Enc_i(x), X = x*G */
	ck_assert_int_eq(mpc_paillier_encrypt(pi->pk, F.Cl, rho, xz), 0);
	ck_assert_int_eq(
	    mpc_zk_logstar_prove(ctx, &F.log, &tmpc_sess, MPC_ZK_RANGE_ELL,
	        pj->rp_peer, pi->pk, F.Cl, &F.X, NULL, xz, rho),
	    0);
	/* mul*: D = C^x rho^N */
	ck_assert_int_eq(mpc_paillier_encrypt(pi->pk, F.Cm, NULL, k), 0);
	ck_assert_int_eq(mpc_paillier_mul(pi->pk, F.Dm, F.Cm, xz, 256), 0);
	mpz_set_ui(t, 0);
	ck_assert_int_eq(mpc_paillier_encrypt(pi->pk, t, rho, t), 0);
	ck_assert_int_eq(mpc_paillier_add(pi->pk, F.Dm, F.Dm, t), 0);
	ck_assert_int_eq(mpc_zk_mulstar_prove(ctx, &F.mul, &tmpc_sess,
	                     pj->rp_peer, pi->pk, F.Cm, F.Dm, &F.X, xz, rho),
	    0);
	for (i = 0; i < P_COUNT; i++) {
		struct proto_wbuf w;
		F.enc_bytes[i] = malloc(max_bytes[i] + 16);
		proto_wbuf_init(&w, F.enc_bytes[i], max_bytes[i] + 16);
		encode_one(i, &w);
		ck_assert_int_eq(proto_wbuf_finish(&w, &F.enc_len[i]), 0);
	}
	mpz_clears(k, rho, xz, y, r2, t, NULL);
}

/* Decodes into fresh structs and verifies; returns the decode code. */
static int
decode_verify(
    int which, const uint8_t *buf, size_t len, int verify, size_t *consumed)
{
	struct mpc_ctx *ctx = tmpc_ctx();
	struct tmpc_party *pi = tmpc_party(0), *pj = tmpc_party(1);
	struct proto_rbuf r;
	struct mpc_blame bl;
	int rv;

	proto_rbuf_init(&r, buf, len);
	switch (which) {
	case P_SCH: {
		struct mpc_zk_sch_proof p;
		rv = mpc_zk_sch_decode(ctx, &r, &p);
		if (rv == 0 && verify)
			ck_assert_int_eq(
			    mpc_zk_sch_verify(ctx, &bl, &p, &tmpc_sess, &F.X),
			    0);
		break;
	}
	case P_PRM: {
		struct mpc_zk_prm_proof p;
		mpc_zk_prm_proof_init(&p);
		rv = mpc_zk_prm_decode(&r, &p);
		if (rv == 0 && verify)
			ck_assert_int_eq(mpc_zk_prm_verify(ctx, &bl, &p,
			                     &tmpc_sess, pi->rp_peer),
			    0);
		mpc_zk_prm_proof_clear(&p);
		break;
	}
	case P_MOD: {
		struct mpc_zk_mod_proof p;
		mpc_zk_mod_proof_init(&p);
		rv = mpc_zk_mod_decode(&r, &p);
		if (rv == 0 && verify)
			ck_assert_int_eq(mpc_zk_mod_verify(ctx, &bl, &p,
			                     &tmpc_sess, pi->pk_peer),
			    0);
		mpc_zk_mod_proof_clear(&p);
		break;
	}
	case P_FAC: {
		struct mpc_zk_fac_proof p;
		mpc_zk_fac_proof_init(&p);
		rv = mpc_zk_fac_decode(&r, &p);
		if (rv == 0 && verify)
			ck_assert_int_eq(
			    mpc_zk_fac_verify(ctx, &bl, &p, &tmpc_sess,
			        pj->rp_own, pi->pk_peer),
			    0);
		mpc_zk_fac_proof_clear(&p);
		break;
	}
	case P_ENC: {
		struct mpc_zk_enc_proof p;
		mpc_zk_enc_proof_init(&p);
		rv = mpc_zk_enc_decode(&r, &p);
		if (rv == 0 && verify)
			ck_assert_int_eq(
			    mpc_zk_enc_verify(ctx, &bl, &p, &tmpc_sess,
			        pj->rp_own, pi->pk_peer, F.K),
			    0);
		mpc_zk_enc_proof_clear(&p);
		break;
	}
	case P_AFFG: {
		struct mpc_zk_affg_proof p;
		mpc_zk_affg_proof_init(&p);
		rv = mpc_zk_affg_decode(ctx, &r, &p);
		if (rv == 0 && verify)
			ck_assert_int_eq(mpc_zk_affg_verify(ctx, &bl, &p,
			                     &tmpc_sess, pj->rp_own, pj->pk,
			                     pi->pk_peer, F.C, F.D, F.Y, &F.X),
			    0);
		mpc_zk_affg_proof_clear(&p);
		break;
	}
	case P_LOG: {
		struct mpc_zk_logstar_proof p;
		mpc_zk_logstar_proof_init(&p);
		rv = mpc_zk_logstar_decode(ctx, &r, &p);
		if (rv == 0 && verify)
			ck_assert_int_eq(
			    mpc_zk_logstar_verify(ctx, &bl, &p, &tmpc_sess,
			        MPC_ZK_RANGE_ELL, pj->rp_own, pi->pk_peer, F.Cl,
			        &F.X, NULL),
			    0);
		mpc_zk_logstar_proof_clear(&p);
		break;
	}
	default: {
		struct mpc_zk_mulstar_proof p;
		mpc_zk_mulstar_proof_init(&p);
		rv = mpc_zk_mulstar_decode(ctx, &r, &p);
		if (rv == 0 && verify)
			ck_assert_int_eq(
			    mpc_zk_mulstar_verify(ctx, &bl, &p, &tmpc_sess,
			        pj->rp_own, pi->pk_peer, F.Cm, F.Dm, &F.X),
			    0);
		mpc_zk_mulstar_proof_clear(&p);
		break;
	}
	}
	*consumed = len - r.len;
	return rv;
}

START_TEST(roundtrip_verify_and_size)
{
	int i = _i;
	size_t used;

	ck_assert_uint_le(F.enc_len[i], max_bytes[i]);
	ck_assert_int_eq(
	    decode_verify(i, F.enc_bytes[i], F.enc_len[i], 1, &used), 0);
	ck_assert_uint_eq(used, F.enc_len[i]);
}
END_TEST

START_TEST(truncated_and_trailing)
{
	int i = _i;
	size_t len = F.enc_len[i], cut, used, step;
	uint8_t *b = malloc(len + 1);

	memcpy(b, F.enc_bytes[i], len);
	/* every prefix of the small proofs, a sample of the big ones */
	step = len > 20000 ? 211 : 1;
	for (cut = 0; cut < len; cut += step) {
		ck_assert_int_ne(decode_verify(i, b, cut, 0, &used), 0);
		ck_assert_uint_eq(used, 0);
	}
	ck_assert_int_ne(decode_verify(i, b, len - 1, 0, &used), 0);
	/* one trailing byte: the proof decodes, the byte stays unread */
	b[len] = 0;
	ck_assert_int_eq(decode_verify(i, b, len + 1, 0, &used), 0);
	ck_assert_uint_eq(used, len);
	free(b);
}
END_TEST

START_TEST(wrong_tag_and_count)
{
	size_t used, i;
	uint8_t *b;

	for (i = P_PRM; i < P_COUNT; i++) {
		b = malloc(F.enc_len[i]);
		memcpy(b, F.enc_bytes[i], F.enc_len[i]);
		b[0] ^= 0x40;
		ck_assert_int_eq(
		    decode_verify((int) i, b, F.enc_len[i], 0, &used),
		    MPC_EDECODE);
		ck_assert_uint_eq(used, 0);
		free(b);
	}
	/* a proof of one kind is not another */
	ck_assert_int_eq(decode_verify(P_ENC, F.enc_bytes[P_LOG],
	                     F.enc_len[P_LOG], 0, &used),
	    MPC_EDECODE);
	/* repetition counts are fixed: 127 and 129 are refused */
	for (i = P_PRM; i <= P_MOD; i++) {
		int d;
		for (d = -1; d <= 1; d += 2) {
			b = malloc(F.enc_len[i]);
			memcpy(b, F.enc_bytes[i], F.enc_len[i]);
			b[2] = (uint8_t) (b[2] + d);
			ck_assert_int_eq(
			    decode_verify((int) i, b, F.enc_len[i], 0, &used),
			    MPC_ECOUNT);
			ck_assert_uint_eq(used, 0);
			free(b);
		}
	}
}
END_TEST

START_TEST(noncanonical_fields)
{
	size_t used;
	uint8_t *b;
	size_t len;

	/* Pi^mod: a bit that is neither 0 nor 1 (the last byte is b_127) */
	len = F.enc_len[P_MOD];
	b = malloc(len);
	memcpy(b, F.enc_bytes[P_MOD], len);
	b[len - 1] = 2;
	ck_assert_int_eq(decode_verify(P_MOD, b, len, 0, &used), MPC_EDECODE);
	free(b);
	/* Pi^sch: identity commitment, scalar >= q */
	len = F.enc_len[P_SCH];
	b = malloc(len);
	memcpy(b, F.enc_bytes[P_SCH], len);
	memset(b, 0, 33);
	ck_assert_int_eq(decode_verify(P_SCH, b, len, 0, &used), MPC_EPOINT);
	memcpy(b, F.enc_bytes[P_SCH], len);
	memset(b + 33, 0xff, 32);
	ck_assert_int_eq(decode_verify(P_SCH, b, len, 0, &used), MPC_ESCALAR);
	ck_assert_uint_eq(used, 0);
	free(b);
	/* Pi^log*: identity Y (after tag, S, A) */
	{
		struct proto_rbuf r;
		const uint8_t *p;
		size_t n, off;
		len = F.enc_len[P_LOG];
		b = malloc(len);
		memcpy(b, F.enc_bytes[P_LOG], len);
		proto_rbuf_init(&r, b + 1, len - 1);
		ck_assert_int_eq(
		    proto_get_bigint_direct(&r, &p, &n, 100000, 0), 0);
		ck_assert_int_eq(
		    proto_get_bigint_direct(&r, &p, &n, 100000, 0), 0);
		off = len - r.len;
		memset(b + off, 0, 33);
		ck_assert_int_eq(
		    decode_verify(P_LOG, b, len, 0, &used), MPC_EPOINT);
		ck_assert_uint_eq(used, 0);
		/* a leading zero byte inside S is not canonical */
		memcpy(b, F.enc_bytes[P_LOG], len);
		b[3] = 0;
		ck_assert_int_eq(
		    decode_verify(P_LOG, b, len, 0, &used), PROTO_ENONCANON);
		free(b);
	}
}
END_TEST

/* The "zero proof" class (BitGo, notes/tecdsa.md §2 #3): proofs whose
 * values are all 0 or all 1 must be refused, whatever the statement. */
START_TEST(trivial_proofs_refused)
{
	struct mpc_ctx *ctx = tmpc_ctx();
	struct tmpc_party *pi = tmpc_party(0), *pj = tmpc_party(1);
	struct mpc_blame bl;
	int fill;

	for (fill = 0; fill < 2; fill++) {
		struct mpc_zk_prm_proof prm;
		struct mpc_zk_mod_proof mod;
		struct mpc_zk_fac_proof fac;
		struct mpc_zk_enc_proof enc;
		struct mpc_zk_affg_proof affg;
		struct mpc_zk_logstar_proof lg;
		struct mpc_zk_mulstar_proof mul;
		struct mpc_zk_sch_proof sch;
		int i;

		mpc_zk_prm_proof_init(&prm);
		mpc_zk_mod_proof_init(&mod);
		mpc_zk_fac_proof_init(&fac);
		mpc_zk_enc_proof_init(&enc);
		mpc_zk_affg_proof_init(&affg);
		mpc_zk_logstar_proof_init(&lg);
		mpc_zk_mulstar_proof_init(&mul);
		if (fill) {
			mpz_ptr all[] = { mod.w, fac.P, fac.Q, fac.A, fac.B,
				fac.T, fac.sigma, fac.z1, fac.z2, fac.w1,
				fac.w2, fac.v, enc.S, enc.A, enc.C, enc.z1,
				enc.z2, enc.z3, affg.A, affg.By, affg.E, affg.S,
				affg.F, affg.T, affg.z1, affg.z2, affg.z3,
				affg.z4, affg.w, affg.wy, lg.S, lg.A, lg.D,
				lg.z1, lg.z2, lg.z3, mul.A, mul.E, mul.S,
				mul.z1, mul.z2, mul.w };
			for (i = 0; i < (int) (sizeof(all) / sizeof(all[0]));
			     i++)
				mpz_set_ui(all[i], 1);
			for (i = 0; i < MPC_M_PRM; i++) {
				mpz_set_ui(prm.a[i], 1);
				mpz_set_ui(prm.z[i], 1);
				mpz_set_ui(mod.x[i], 1);
				mpz_set_ui(mod.z[i], 1);
			}
			affg.Bx = F.X;
			lg.Y = F.X;
			mul.Bx = F.X;
		}
		sch.A = F.X;
		mpc_scalar_set_u64(&sch.z, (uint64_t) fill);
		ck_assert_int_eq(
		    mpc_zk_sch_verify(ctx, &bl, &sch, &tmpc_sess, &F.X),
		    MPC_EPROOF);
		ck_assert_int_eq(
		    mpc_zk_prm_verify(ctx, &bl, &prm, &tmpc_sess, pi->rp_peer),
		    MPC_EPROOF);
		ck_assert_int_eq(
		    mpc_zk_mod_verify(ctx, &bl, &mod, &tmpc_sess, pi->pk_peer),
		    MPC_EPROOF);
		ck_assert_int_eq(mpc_zk_fac_verify(ctx, &bl, &fac, &tmpc_sess,
		                     pj->rp_own, pi->pk_peer),
		    MPC_EPROOF);
		ck_assert_int_eq(mpc_zk_enc_verify(ctx, &bl, &enc, &tmpc_sess,
		                     pj->rp_own, pi->pk_peer, F.K),
		    MPC_EPROOF);
		ck_assert_int_eq(
		    mpc_zk_affg_verify(ctx, &bl, &affg, &tmpc_sess, pj->rp_own,
		        pj->pk, pi->pk_peer, F.C, F.D, F.Y, &F.X),
		    MPC_EPROOF);
		ck_assert_int_eq(mpc_zk_logstar_verify(ctx, &bl, &lg,
		                     &tmpc_sess, MPC_ZK_RANGE_ELL, pj->rp_own,
		                     pi->pk_peer, F.Cl, &F.X, NULL),
		    MPC_EPROOF);
		ck_assert_int_eq(
		    mpc_zk_mulstar_verify(ctx, &bl, &mul, &tmpc_sess,
		        pj->rp_own, pi->pk_peer, F.Cm, F.Dm, &F.X),
		    MPC_EPROOF);
		mpc_zk_prm_proof_clear(&prm);
		mpc_zk_mod_proof_clear(&mod);
		mpc_zk_fac_proof_clear(&fac);
		mpc_zk_enc_proof_clear(&enc);
		mpc_zk_affg_proof_clear(&affg);
		mpc_zk_logstar_proof_clear(&lg);
		mpc_zk_mulstar_proof_clear(&mul);
	}
}
END_TEST

Suite *
codec_suite(void)
{
	Suite *s = suite_create("codec");
	TCase *tc = tcase_create("codec");

	tcase_add_unchecked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 600);
	tcase_add_loop_test(tc, roundtrip_verify_and_size, 0, P_COUNT);
	tcase_add_loop_test(tc, truncated_and_trailing, 0, P_COUNT);
	tcase_add_test(tc, wrong_tag_and_count);
	tcase_add_test(tc, noncanonical_fields);
	tcase_add_test(tc, trivial_proofs_refused);
	suite_add_tcase(s, tc);
	return s;
}
