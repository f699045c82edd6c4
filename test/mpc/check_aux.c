/* The aux-info protocol (docs/MPC.md §12) at 3072 bits, with the real
 * proofs. One 3-party run drives everything (Pi^prm and Pi^mod are the
 * slowest proofs of the library, so they run a handful of times): the
 * malicious-party harness holds party 0's messages round by round and
 * forks a sample of field changes (every envelope and echo field, every
 * 128th protocol field; broadcast fields changed in every copy); the
 * honest end of the same run gives the aux info
 * that is then encoded, decoded and used to presign and sign. */
#include <stdio.h>
#include <string.h>

#include <check.h>

#include "harness.h"
#include "mpc_test.h"

Suite *aux_suite(void);

static mpz_t primes[6];

static void
load(void)
{
	size_t i;

	tmpc_parties_setup();
	for (i = 0; i < 6; i++)
		mpz_init(primes[i]);
	ck_assert_uint_eq(
	    tmpc_load_primes("mpc_safe_primes_1536.txt", NULL, primes, 6), 6);
}

static int
aux_create(void *arg, struct sim *s, uint32_t i, struct mpc_sm **out)
{
	struct mpc_paillier_sk *sk;
	int rv;

	(void) arg;
	if ((rv = mpc_paillier_sk_from_primes(
	         &sk, primes[2 * i], primes[2 * i + 1]))
	    != 0)
		return rv;
	return mpc_aux_new(
	    s->ctx, out, &s->cl, &s->self[i], sk, (const uint8_t *) "aux", 3);
}

static const uint32_t parts3[3] = { 0, 1, 2 };

START_TEST(aux_info_protocol)
{
	struct hx_proto p
	    = { MPC_KIND_AUX, 3, parts3, 3, aux_create, NULL, 0, 0, 1 };
	struct mpc_aux *aux[3] = { 0 }, *dec[3] = { 0 };
	struct mpc_keyshare *ks[3] = { 0 };
	struct mpc_presig *ps[2] = { 0 };
	uint8_t id0[32], id[32], hash[32] = { 0x5a }, pub[33];
	uint32_t set[2] = { 0, 2 };
	struct mpc_signature sig;
	struct mpc_blame b;
	struct hx_stats st;
	struct sim s;
	size_t i, r;

	ck_assert_int_eq(sim_init(&s, tmpc_ctx(), 3, 50, 0), 0);
	hx_run(&s, &p, 0, 128, &st);
	fprintf(stderr,
	    "harness aux (3 parties) sample: %zu cases (%zu blamed, %zu "
	    "dropped); per round",
	    st.cases, st.blamed, st.dropped);
	for (r = 1; r <= 4; r++)
		fprintf(stderr, " R%zu:%zu", r, st.per_round[r]);
	fprintf(stderr, "\n");
	for (r = 1; r <= 4; r++)
		ck_assert_uint_gt(st.per_round[r], 5);

	/* the honest end: everyone holds the same verified parameters */
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(mpc_sm_take_aux(s.sm[i], &aux[i]), 0);
		ck_assert_uint_eq(mpc_aux_index(aux[i]), i);
		ck_assert_uint_eq(mpc_aux_n(aux[i]), 3);
		mpc_aux_id(aux[i], id);
		if (i == 0)
			memcpy(id0, id, 32);
		ck_assert_mem_eq(id, id0, 32);
		ck_assert_ptr_nonnull(mpc_aux_paillier_pk(aux[i], 0));
		ck_assert_ptr_null(mpc_aux_paillier_pk(aux[i], 3));
	}
	ck_assert_int_eq(mpc_sm_take_aux(s.sm[0], &dec[0]), MPC_ESTATE);

	/* every machine is done and its output taken; a false complaint
	 * about round 3 (party 0's valid Pi^mod and Pi^fac to party 1) must
	 * still be judged: by party 0, the accused, and by party 2 */
	{
		const uint8_t *ev;
		size_t evlen;
		ev = sm_received(s.sm[1], 3, 0, &evlen);
		ck_assert_ptr_nonnull(ev);
		sm_test_complain(
		    s.sm[1], CPL_BAD_MSG, 0, 3, ev, evlen, NULL, 0);
		ck_assert_int_eq(sim_run(&s), 0);
		for (i = 0; i < 3; i += 2) {
			ck_assert_int_eq(mpc_sm_status(s.sm[i]), MPC_SM_FAILED);
			ck_assert_int_eq(mpc_sm_blame(s.sm[i], &b), 0);
			ck_assert_uint_eq(b.party, 1);
			ck_assert_uint_eq(b.reason, MPC_BLAME_COMPLAINT);
		}
	}
	sim_reset(&s);

	/* sealed-storage encoding */
	for (i = 0; i < 3; i++) {
		static uint8_t buf[64 * 1024];
		struct proto_wbuf w;
		struct proto_rbuf rb;
		size_t len;
		proto_wbuf_init(&w, buf, sizeof(buf));
		mpc_aux_encode(&w, aux[i]);
		ck_assert_int_eq(proto_wbuf_finish(&w, &len), 0);
		proto_rbuf_init(&rb, buf, len - 1);
		ck_assert_int_ne(mpc_aux_decode(&rb, &dec[i]), 0);
		ck_assert_uint_eq(rb.len, len - 1);
		/* a changed peer modulus no longer matches the id */
		buf[len - 10] ^= 1;
		proto_rbuf_init(&rb, buf, len);
		ck_assert_int_ne(mpc_aux_decode(&rb, &dec[i]), 0);
		buf[len - 10] ^= 1;
		proto_rbuf_init(&rb, buf, len);
		ck_assert_int_eq(mpc_aux_decode(&rb, &dec[i]), 0);
		ck_assert_uint_eq(rb.len, 0);
		mpc_aux_id(dec[i], id);
		ck_assert_mem_eq(id, id0, 32);
	}

	/* the decoded aux info presigns and signs */
	ck_assert_int_eq(sim_dkg(&s, 2, "dkg", ks), 0);
	ck_assert_int_eq(sim_presign(&s, ks, dec, set, 2, "ps", ps), 0);
	ck_assert_int_eq(sim_sign(&s, ps, ks, set, 2, hash, NULL, &sig, &b), 0);
	mpc_keyshare_pubkey(ks[0], pub);
	tmpc_check_signature(pub, hash, &sig);
	for (i = 0; i < 3; i++) {
		mpc_aux_free(aux[i]);
		mpc_aux_free(dec[i]);
		mpc_keyshare_free(ks[i]);
	}
	for (i = 0; i < 2; i++)
		mpc_presig_free(ps[i]);
	sim_clear(&s);
}
END_TEST

/* A party that claims another party's modulus, with ring-Pedersen
 * parameters of its own on it (their Pi^prm needs no factorization), can
 * give neither Pi^mod nor Pi^fac for it: both honest parties must name it.
 * Refusing the copy before those proofs would name nobody. */
START_TEST(aux_copied_modulus_is_named)
{
	struct mpc_blame b;
	struct sim s;
	mpz_t n0;
	uint32_t i;

	ck_assert_int_eq(sim_init(&s, tmpc_ctx(), 3, 52, 0), 0);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(aux_create(NULL, &s, i, &s.sm[i]), 0);
	mpz_init(n0);
	mpz_mul(n0, primes[0], primes[1]);
	ck_assert_int_eq(aux_test_claim_modulus(s.sm[1], n0), 0);
	mpz_clear(n0);
	ck_assert_int_eq(sim_run(&s), 0);
	for (i = 0; i < 3; i += 2) {
		ck_assert_int_eq(mpc_sm_status(s.sm[i]), MPC_SM_FAILED);
		ck_assert_int_eq(mpc_sm_blame(s.sm[i], &b), 0);
		ck_assert_uint_eq(b.party, 1);
		ck_assert_uint_eq(b.reason, MPC_BLAME_ZK_MOD);
	}
	sim_clear(&s);
}
END_TEST

START_TEST(aux_refuses_bad_input)
{
	struct mpc_sm *sm = (struct mpc_sm *) 1;
	struct sim s;

	ck_assert_int_eq(sim_init(&s, tmpc_ctx(), 3, 51, 0), 0);
	/* no key: refused, nothing leaks */
	ck_assert_int_eq(mpc_aux_new(tmpc_ctx(), &sm, &s.cl, &s.self[0], NULL,
	                     (const uint8_t *) "a", 1),
	    MPC_EINVAL);
	ck_assert_ptr_null(sm);
	sim_clear(&s);
}
END_TEST

Suite *
aux_suite(void)
{
	Suite *s = suite_create("aux");
	TCase *tc = tcase_create("aux");

	tcase_add_unchecked_fixture(tc, load, NULL);
	tcase_set_timeout(tc, 900);
	tcase_add_test(tc, aux_info_protocol);
	tcase_add_test(tc, aux_copied_modulus_is_named);
	tcase_add_test(tc, aux_refuses_bad_input);
	suite_add_tcase(s, tc);
	return s;
}
