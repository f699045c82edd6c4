/* Ring-Pedersen parameters: generation, peer validation, commitments with
 * and without fixed-base tables against plain GMP, encodings. */
#include <check.h>

#include "../../mpc/src/mpc_int.h"
#include "mpc_test.h"

Suite *rped_suite(void);

static void
setup_keys(void)
{
	(void) tmpc_party(0);
}

static void
ref_commit(mpz_t out, const struct mpc_rped *rp, mpz_srcptr a, mpz_srcptr b)
{
	mpz_t x, y;

	mpz_inits(x, y, NULL);
	mpz_powm(x, mpc_rped_s(rp), a, mpc_rped_n(rp)); /* GMP inverts */
	mpz_powm(y, mpc_rped_t(rp), b, mpc_rped_n(rp));
	mpz_mul(out, x, y);
	mpz_mod(out, out, mpc_rped_n(rp));
	mpz_clears(x, y, NULL);
}

START_TEST(generation_and_restore)
{
	struct tmpc_party *p = tmpc_party(0);
	struct mpc_rped *rp;
	mpz_t lambda, s;

	mpz_inits(lambda, s, NULL);
	ck_assert(mpc_rped_is_own(p->rp_own));
	ck_assert(!mpc_rped_is_own(p->rp_peer));
	ck_assert_int_eq(mpc_rped_lambda(p->rp_own, lambda), 0);
	ck_assert_int_eq(mpc_rped_lambda(p->rp_peer, lambda), MPC_EINVAL);
	ck_assert_int_eq(mpc_rped_lambda(p->rp_own, lambda), 0);
	mpz_powm(s, mpc_rped_t(p->rp_own), lambda, mpc_rped_n(p->rp_own));
	ck_assert(mpz_cmp(s, mpc_rped_s(p->rp_own)) == 0);
	ck_assert(
	    mpz_jacobi(mpc_rped_t(p->rp_own), mpc_rped_n(p->rp_own)) == 1);
	ck_assert_int_eq(
	    mpc_rped_restore(&rp, p->sk, mpc_rped_t(p->rp_own), lambda), 0);
	ck_assert(mpz_cmp(mpc_rped_s(rp), mpc_rped_s(p->rp_own)) == 0);
	mpc_rped_free(rp);
	mpz_set(lambda, p->sk->phi);
	ck_assert_int_eq(
	    mpc_rped_restore(&rp, p->sk, mpc_rped_t(p->rp_own), lambda),
	    MPC_EPARAMS);
	mpz_clears(lambda, s, NULL);
}
END_TEST

START_TEST(peer_validation)
{
	struct tmpc_party *p = tmpc_party(0);
	mpz_srcptr n = mpc_rped_n(p->rp_own), s = mpc_rped_s(p->rp_own),
	           t = mpc_rped_t(p->rp_own);
	struct mpc_rped *rp = NULL;
	mpz_t x, one, nm1, ev;

	mpz_inits(x, one, nm1, ev, NULL);
	mpz_set_ui(one, 1);
	mpz_sub_ui(nm1, n, 1);
	mpz_add_ui(ev, n, 1);
	ck_assert_int_eq(mpc_rped_new(&rp, n, s, s), MPC_EPARAMS);
	ck_assert_int_eq(mpc_rped_new(&rp, n, one, t), MPC_EPARAMS);
	ck_assert_int_eq(mpc_rped_new(&rp, n, s, one), MPC_EPARAMS);
	ck_assert_int_eq(mpc_rped_new(&rp, n, nm1, t), MPC_EPARAMS);
	ck_assert_int_eq(mpc_rped_new(&rp, n, s, nm1), MPC_EPARAMS);
	ck_assert_int_eq(mpc_rped_new(&rp, n, p->sk->p, t), MPC_EPARAMS);
	mpz_add(x, s, n);
	ck_assert_int_eq(mpc_rped_new(&rp, n, x, t), MPC_EPARAMS);
	ck_assert_int_eq(mpc_rped_new(&rp, ev, s, t), MPC_EMODULUS);
	ck_assert(rp == NULL);
	mpz_clears(x, one, nm1, ev, NULL);
}
END_TEST

START_TEST(commitments_match_gmp)
{
	struct tmpc_party *p = tmpc_party(0);
	struct mpc_rped *plain_own, *plain_peer;
	const struct mpc_rped *rps[4];
	mpz_t a, b, c, ref, lambda;
	int i, k;

	mpz_inits(a, b, c, ref, lambda, NULL);
	/* the same parameters without tables (generic constant-time path) */
	ck_assert_int_eq(mpc_rped_lambda(p->rp_own, lambda), 0);
	ck_assert_int_eq(
	    mpc_rped_restore(&plain_own, p->sk, mpc_rped_t(p->rp_own), lambda),
	    0);
	ck_assert_int_eq(mpc_rped_new(&plain_peer, mpc_rped_n(p->rp_own),
	                     mpc_rped_s(p->rp_own), mpc_rped_t(p->rp_own)),
	    0);
	ck_assert_uint_eq(mpc_rped_table_bytes(plain_peer), 0);
	ck_assert_uint_gt(mpc_rped_table_bytes(p->rp_peer), 0);
	ck_assert_uint_gt(mpc_rped_table_bytes(p->rp_own), 0);
	rps[0] = p->rp_own;
	rps[1] = p->rp_peer;
	rps[2] = plain_own;
	rps[3] = plain_peer;
	for (i = 0; i < 24; i++) {
		size_t ab = (size_t) (1 + i * 55 % 1300),
		       bb = (size_t) (1 + i * 149 % 3580);
		if (i == 0) { /* the table bounds exactly */
			ab = RPED_S_BITS;
			bb = RPED_T_BITS;
		}
		if (i == 1) { /* beyond the tables: generic path */
			ab = 2000;
			bb = 6600;
		}
		mpc_bn_random_bits(a, ab);
		mpc_bn_random_bits(b, bb);
		if (i & 1)
			mpz_neg(a, a);
		if (i & 2)
			mpz_neg(b, b);
		for (k = 0; k < 4; k++) {
			ref_commit(ref, rps[k], a, b);
			ck_assert_int_eq(
			    mpc_rped_commit(rps[k], c, a, ab, b, bb), 0);
			ck_assert(mpz_cmp(c, ref) == 0);
			ck_assert_int_eq(
			    mpc_rped_commit_var(rps[k], c, a, b), 0);
			ck_assert(mpz_cmp(c, ref) == 0);
		}
	}
	/* a value above its declared bound is refused */
	mpc_bn_random_bits(a, 100);
	mpz_setbit(a, 99);
	ck_assert_int_eq(
	    mpc_rped_commit(p->rp_peer, c, a, 99, b, 4000), MPC_ERANGE);
	mpc_rped_free(plain_own);
	mpc_rped_free(plain_peer);
	mpz_clears(a, b, c, ref, lambda, NULL);
}
END_TEST

START_TEST(rped_encoding)
{
	struct tmpc_party *p = tmpc_party(0);
	static uint8_t buf[2048];
	struct proto_wbuf w;
	struct proto_rbuf r;
	struct mpc_rped *rp;
	size_t len;

	proto_wbuf_init(&w, buf, sizeof(buf));
	mpc_rped_encode(&w, p->rp_own);
	ck_assert_int_eq(proto_wbuf_finish(&w, &len), 0);
	ck_assert_uint_le(len, MPC_RPED_MAX_BYTES);
	proto_rbuf_init(&r, buf, len);
	ck_assert_int_eq(mpc_rped_decode(&r, &rp), 0);
	ck_assert_int_eq(proto_rbuf_done(&r), 0);
	ck_assert(mpz_cmp(mpc_rped_s(rp), mpc_rped_s(p->rp_own)) == 0);
	ck_assert(mpz_cmp(mpc_rped_t(rp), mpc_rped_t(p->rp_own)) == 0);
	mpc_rped_free(rp);
	proto_rbuf_init(&r, buf, len - 1);
	ck_assert_int_ne(mpc_rped_decode(&r, &rp), 0);
	ck_assert_uint_eq(r.len, len - 1);
	/* own (t, lambda) round trip; a peer's parameters have no secret */
	proto_wbuf_init(&w, buf, sizeof(buf));
	ck_assert_int_eq(mpc_rped_own_encode(&w, p->rp_own), 0);
	ck_assert_int_eq(mpc_rped_own_encode(&w, p->rp_peer), MPC_EINVAL);
	ck_assert_int_eq(proto_wbuf_finish(&w, &len), 0);
	proto_rbuf_init(&r, buf, len);
	ck_assert_int_eq(mpc_rped_own_decode(&r, p->sk, &rp), 0);
	ck_assert_int_eq(proto_rbuf_done(&r), 0);
	ck_assert(mpz_cmp(mpc_rped_s(rp), mpc_rped_s(p->rp_own)) == 0);
	ck_assert(mpc_rped_is_own(rp));
	mpc_rped_free(rp);
}
END_TEST

Suite *
rped_suite(void)
{
	Suite *s = suite_create("rped");
	TCase *tc = tcase_create("rped");

	tcase_add_unchecked_fixture(tc, setup_keys, NULL);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, generation_and_restore);
	tcase_add_test(tc, peer_validation);
	tcase_add_test(tc, commitments_match_gmp);
	tcase_add_test(tc, rped_encoding);
	suite_add_tcase(s, tc);
	return s;
}
