/* The protocol engine (docs/MPC.md §10): envelopes, replays, duplicates,
 * delivery order, complaints, the codecs of every message (round trip and
 * field trace), argument checks. DKG is the vehicle where a protocol is
 * needed (it is cheap); the codecs are exercised for every protocol. */
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <sodium.h>

#include "harness.h"
#include "mpc_test.h"

Suite *sm_suite(void);

/* ---- a recorder of every message of a run ---- */
struct rec {
	struct sim_item m[512];
	size_t n;
};

static int
rec_hook(void *arg, struct sim *s, uint32_t from, uint32_t to, uint8_t **data,
    size_t *len)
{
	struct rec *r = arg;
	uint8_t *d;

	(void) s;
	if (r->n < LK_ARRAY_LEN(r->m)) {
		d = malloc(*len);
		ck_assert_ptr_nonnull(d);
		memcpy(d, *data, *len);
		r->m[r->n].from = from;
		r->m[r->n].to = to;
		r->m[r->n].data = d;
		r->m[r->n].len = *len;
		r->n++;
	}
	return 0;
}

static void
rec_free(struct rec *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->m[i].data);
	r->n = 0;
}

static void
start_dkg(struct sim *s, uint32_t t, const char *label)
{
	uint32_t i;

	sim_reset(s);
	for (i = 0; i < s->n; i++)
		ck_assert_int_eq(
		    mpc_dkg_new(s->ctx, &s->sm[i], &s->cl, &s->self[i], t,
		        (const uint8_t *) label, strlen(label)),
		    0);
}

/* Every message re-encodes to the same bytes and its field trace tiles it
 * exactly. */
static void
check_codec(uint8_t kind, uint32_t np, uint32_t t, const struct rec *r)
{
	struct sm_trace *tr = calloc(1, sizeof(*tr));
	struct mpc_msg_info info;
	size_t i, f, at;

	ck_assert_ptr_nonnull(tr);
	ck_assert_uint_gt(r->n, 0);
	for (i = 0; i < r->n; i++) {
		uint8_t *re;
		size_t relen;
		ck_assert_int_eq(
		    sm_msg_roundtrip(tmpc_ctx(), kind, np, t, r->m[i].data,
		        r->m[i].len, &re, &relen, tr),
		    0);
		ck_assert_uint_eq(relen, r->m[i].len);
		ck_assert_mem_eq(re, r->m[i].data, relen);
		free(re);
		for (f = 0, at = 0; f < tr->n; f++) {
			ck_assert_uint_eq(tr->off[f], at);
			at += tr->len[f];
		}
		ck_assert_uint_eq(at, r->m[i].len);
		ck_assert_int_eq(
		    mpc_msg_peek(&info, r->m[i].data, r->m[i].len), 0);
		ck_assert_uint_eq(info.kind, kind);
		ck_assert_uint_eq(info.from, r->m[i].from);
		ck_assert_uint_eq(info.to, r->m[i].to);
		/* every strict prefix fails to decode */
		for (f = 0; f < r->m[i].len; f += 1 + r->m[i].len / 97) {
			ck_assert_int_ne(
			    sm_msg_roundtrip(tmpc_ctx(), kind, np, t,
			        r->m[i].data, f, &re, &relen, NULL),
			    0);
		}
	}
	free(tr);
}

START_TEST(codecs_of_every_protocol)
{
	struct mpc_keyshare *ks[3] = { 0 }, *nk[3] = { 0 };
	struct mpc_presig *ps[2] = { 0 };
	struct mpc_aux *aux[3];
	struct mpc_msg blobs[3];
	uint32_t set[2] = { 0, 1 };
	uint8_t dpk[32], dsk[64], secret[32] = { 3 }, cc[32] = { 0 };
	struct rec *r = calloc(1, sizeof(*r));
	struct sim s;
	size_t i;

	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(sim_init(&s, tmpc_ctx(), 3, 40, 0), 0);
	s.tamper = rec_hook;
	s.tamper_arg = r;
	ck_assert_int_eq(sim_dkg(&s, 2, "dkg", ks), 0);
	check_codec(MPC_KIND_DKG, 3, 2, r);
	rec_free(r);
	ck_assert_int_eq(sim_refresh(&s, ks, "refresh", nk), 0);
	check_codec(MPC_KIND_REFRESH, 3, 2, r);
	rec_free(r);
	for (i = 0; i < 3; i++)
		aux[i] = tmpc_aux(3, (uint32_t) i);
	ck_assert_int_eq(sim_presign(&s, nk, aux, set, 2, "ps", ps), 0);
	check_codec(MPC_KIND_PRESIGN, 2, 2, r);
	rec_free(r);
	crypto_sign_keypair(dpk, dsk);
	ck_assert_int_eq(
	    mpc_import_deal(tmpc_ctx(), blobs, 3, 2, secret, cc, dsk), 0);
	sim_reset(&s);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(mpc_import_new(tmpc_ctx(), &s.sm[i], &s.cl,
		                     &s.self[i], dpk, blobs[i].data,
		                     blobs[i].len, (const uint8_t *) "imp", 3),
		    0);
	ck_assert_int_eq(sim_run(&s), 0);
	ck_assert(sim_all_done(&s));
	check_codec(MPC_KIND_IMPORT, 3, 2, r);
	rec_free(r);
	for (i = 0; i < 3; i++) {
		mpc_keyshare_free(ks[i]);
		mpc_keyshare_free(nk[i]);
		mpc_aux_free(aux[i]);
		mpc_msg_clear(&blobs[i]);
	}
	for (i = 0; i < 2; i++)
		mpc_presig_free(ps[i]);
	sim_clear(&s);
	free(r);
}
END_TEST

START_TEST(replays_are_refused)
{
	struct rec *ra = calloc(1, sizeof(*ra));
	struct sim a, b;
	size_t i;

	ck_assert_ptr_nonnull(ra);
	/* session A runs to the end while its messages are recorded */
	ck_assert_int_eq(sim_init(&a, tmpc_ctx(), 3, 41, 0), 0);
	a.tamper = rec_hook;
	a.tamper_arg = ra;
	start_dkg(&a, 2, "session-a");
	ck_assert_int_eq(sim_run(&a), 0);
	ck_assert(sim_all_done(&a));
	/* same parties and keys, another session */
	ck_assert_int_eq(sim_init(&b, tmpc_ctx(), 3, 41, 0), 0);
	start_dkg(&b, 2, "session-b");
	for (i = 0; i < ra->n; i++) {
		const struct sim_item *m = &ra->m[i];
		unsigned round = mpc_sm_round(b.sm[m->to]);
		/* another session */
		ck_assert_int_eq(
		    mpc_sm_feed(b.sm[m->to], m->from, m->data, m->len),
		    MPC_ESESSION);
		/* another sender */
		ck_assert_int_eq(mpc_sm_feed(b.sm[m->to], (m->from + 1) % 3,
		                     m->data, m->len),
		    (m->from + 1) % 3 == m->to ? MPC_ESESSION : MPC_EAUTH);
		/* to a party it was not sent to (in its own session) */
		{
			uint32_t other = 3 - m->from - m->to;
			ck_assert_int_eq(
			    mpc_sm_feed(a.sm[other], m->from, m->data, m->len),
			    MPC_ESESSION);
		}
		ck_assert_uint_eq(mpc_sm_round(b.sm[m->to]), round);
		ck_assert_int_eq(mpc_sm_status(b.sm[m->to]), MPC_SM_RUNNING);
	}
	/* in its own session: an exact copy is a duplicate */
	for (i = 0; i < ra->n; i++)
		ck_assert_int_eq(mpc_sm_feed(a.sm[ra->m[i].to], ra->m[i].from,
		                     ra->m[i].data, ra->m[i].len),
		    MPC_EDUP);
	ck_assert_int_eq(sim_run(&b), 0);
	ck_assert(sim_all_done(&b));
	rec_free(ra);
	free(ra);
	sim_clear(&a);
	sim_clear(&b);
}
END_TEST

START_TEST(duplicates_and_garbage)
{
	struct rec *r = calloc(1, sizeof(*r));
	struct sim s;
	uint8_t junk[200];
	size_t i;

	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(sim_init(&s, tmpc_ctx(), 3, 42, 0), 0);
	s.tamper = rec_hook;
	s.tamper_arg = r;
	start_dkg(&s, 2, "dup");
	/* deliver each round-1 message twice */
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(sim_collect(&s, (uint32_t) i), 0);
	for (i = 0; i < r->n; i++) {
		const struct sim_item *m = &r->m[i];
		ck_assert_int_eq(
		    mpc_sm_feed(s.sm[m->to], m->from, m->data, m->len), 0);
		ck_assert_int_eq(
		    mpc_sm_feed(s.sm[m->to], m->from, m->data, m->len),
		    MPC_EDUP);
	}
	/* garbage, truncations and unknown senders change nothing */
	lk_random(junk, sizeof(junk));
	ck_assert_int_eq(
	    mpc_sm_feed(s.sm[0], 1, junk, sizeof(junk)), MPC_EAUTH);
	ck_assert_int_eq(mpc_sm_feed(s.sm[0], 1, junk, 3), MPC_EAUTH);
	ck_assert_int_eq(
	    mpc_sm_feed(s.sm[0], 1, r->m[0].data, r->m[0].len - 1), MPC_EAUTH);
	ck_assert_int_eq(
	    mpc_sm_feed(s.sm[0], 7, junk, sizeof(junk)), MPC_ESESSION);
	ck_assert_int_eq(
	    mpc_sm_feed(s.sm[0], 0, junk, sizeof(junk)), MPC_ESESSION);
	ck_assert_int_eq(mpc_sm_status(s.sm[0]), MPC_SM_RUNNING);
	/* the queue still holds round 2 onward: the run ends well */
	s.tamper = NULL;
	ck_assert_int_eq(sim_run(&s), 0);
	ck_assert(sim_all_done(&s));
	rec_free(r);
	free(r);
	sim_clear(&s);
}
END_TEST

static int
drop_one(void *arg, struct sim *s, uint32_t from, uint32_t to, uint8_t **data,
    size_t *len)
{
	(void) arg;
	(void) s;
	(void) data;
	(void) len;
	return from == 1 && to == 0 && (*data)[2] == 2;
}

START_TEST(waiting_names_the_silent_party)
{
	struct sim s;

	ck_assert_int_eq(sim_init(&s, tmpc_ctx(), 3, 43, 0), 0);
	s.tamper = drop_one;
	start_dkg(&s, 2, "silent");
	ck_assert_int_eq(sim_run(&s), 0);
	ck_assert_int_eq(mpc_sm_status(s.sm[0]), MPC_SM_RUNNING);
	ck_assert_uint_eq(mpc_sm_round(s.sm[0]), 2);
	ck_assert_uint_eq(mpc_sm_waiting(s.sm[0]), 1u << 1);
	/* the others got round 2 from everyone and wait for party 0 */
	ck_assert_uint_eq(mpc_sm_waiting(s.sm[1]), 1u << 0);
	sim_clear(&s);
}
END_TEST

START_TEST(any_delivery_order_and_early_messages)
{
	struct mpc_keyshare *ks[5] = { 0 };
	struct sim s;
	uint64_t seed;
	size_t i;

	/* random order makes later rounds arrive before earlier ones */
	for (seed = 100; seed < 130; seed++) {
		ck_assert_int_eq(sim_init(&s, tmpc_ctx(), 5, seed, seed), 0);
		ck_assert_int_eq(sim_dkg(&s, 3, "order", ks), 0);
		for (i = 0; i < 5; i++)
			mpc_keyshare_free(ks[i]);
		sim_clear(&s);
	}
}
END_TEST

/* Party 2 accuses party 0 without cause. */
static void
false_complaint(int ckind)
{
	struct rec *r = calloc(1, sizeof(*r));
	struct mpc_blame b;
	const struct sim_item *ev = NULL, *ev2 = NULL;
	uint8_t e1[SM_ECHO_ENTRY], e2[SM_ECHO_ENTRY];
	struct sim s;
	size_t i;

	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(sim_init(&s, tmpc_ctx(), 3, 44, 0), 0);
	s.tamper = rec_hook;
	s.tamper_arg = r;
	start_dkg(&s, 2, "false");
	/* let round 1 and 2 pass everywhere */
	ck_assert_int_eq(sim_run(&s), 0);
	for (i = 0; i < r->n; i++) {
		if (r->m[i].from == 0 && r->m[i].to == 2
		    && r->m[i].data[2] == 2)
			ev = &r->m[i];
		if (r->m[i].from == 0 && r->m[i].to == 1
		    && r->m[i].data[2] == 2)
			ev2 = &r->m[i];
	}
	ck_assert_ptr_nonnull(ev);
	ck_assert_ptr_nonnull(ev2);
	/* every machine is done; the false complaint must still be judged */
	s.tamper = NULL;
	switch (ckind) {
	case 1: /* a valid message as "evidence" */
		sm_test_complain(
		    s.sm[2], CPL_BAD_MSG, 0, 2, ev->data, ev->len, NULL, 0);
		break;
	case 2: /* a message addressed to someone else */
		sm_test_complain(
		    s.sm[2], CPL_BAD_MSG, 0, 2, ev2->data, ev2->len, NULL, 0);
		break;
	case 3: /* the same broadcast twice */
		memset(e1, 0, sizeof(e1));
		memcpy(e2, e1, sizeof(e1));
		sm_test_complain(s.sm[2], CPL_EQUIV_BC, 0, 2, e1, sizeof(e1),
		    e2, sizeof(e2));
		break;
	default: /* one message twice */
		sm_test_complain(s.sm[2], CPL_EQUIV_MSG, 0, 2, ev->data,
		    ev->len, ev->data, ev->len);
		break;
	}
	ck_assert_int_eq(sim_run(&s), 0);
	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(mpc_sm_status(s.sm[i]), MPC_SM_FAILED);
		ck_assert_int_eq(mpc_sm_blame(s.sm[i], &b), 0);
		ck_assert_uint_eq(b.party, 2);
		ck_assert_uint_eq(b.reason, MPC_BLAME_COMPLAINT);
	}
	rec_free(r);
	free(r);
	sim_clear(&s);
}

START_TEST(false_complaints_blame_the_accuser)
{
	false_complaint(_i + 1);
}
END_TEST

/* Party 0 sends a complaint whose body does not decode, to party 2 only
 * (all machines done). Party 2 rightly blames party 0 and shows that
 * complaint, a round-0xff message, as its evidence. Party 1 must blame
 * party 0 for it, not party 2, and must not index its round tables with
 * 0xff. */
static int
drop_cpl_to_1(void *arg, struct sim *s, uint32_t from, uint32_t to,
    uint8_t **data, size_t *len)
{
	(void) arg;
	(void) s;
	return from == 0 && to == 1 && *len > 2
	    && (*data)[2] == SM_ROUND_COMPLAINT;
}

START_TEST(malformed_complaint_as_evidence)
{
	uint8_t e[8] = { 0 };
	struct mpc_blame b;
	struct sim s;
	uint32_t i;

	ck_assert_int_eq(sim_init(&s, tmpc_ctx(), 3, 47, 0), 0);
	start_dkg(&s, 2, "cpl");
	ck_assert_int_eq(sim_run(&s), 0);
	ck_assert(sim_all_done(&s));
	s.tamper = drop_cpl_to_1;
	/* complaint kind 9 does not exist */
	sm_test_complain(s.sm[0], 9, 1, 2, e, sizeof(e), NULL, 0);
	ck_assert_int_eq(sim_run(&s), 0);
	for (i = 1; i < 3; i++) {
		ck_assert_int_eq(mpc_sm_status(s.sm[i]), MPC_SM_FAILED);
		ck_assert_int_eq(mpc_sm_blame(s.sm[i], &b), 0);
		ck_assert_msg(b.party == 0 && b.reason == MPC_BLAME_DECODE,
		    "party %u blames %u reason %u check %u", i, b.party,
		    b.reason, b.check);
	}
	sim_clear(&s);
}
END_TEST

START_TEST(arguments_and_states)
{
	struct mpc_keyshare *ks = NULL;
	struct mpc_blame b;
	struct mpc_msg m;
	struct mpc_sm *sm = NULL;
	struct sim s;
	uint8_t sid[32];

	ck_assert_int_eq(sim_init(&s, tmpc_ctx(), 3, 45, 0), 0);
	/* t out of range, empty or long label, bad index */
	ck_assert_int_eq(mpc_dkg_new(tmpc_ctx(), &sm, &s.cl, &s.self[0], 0,
	                     (const uint8_t *) "x", 1),
	    MPC_EINVAL);
	ck_assert_int_eq(mpc_dkg_new(tmpc_ctx(), &sm, &s.cl, &s.self[0], 4,
	                     (const uint8_t *) "x", 1),
	    MPC_EINVAL);
	ck_assert_int_eq(mpc_dkg_new(tmpc_ctx(), &sm, &s.cl, &s.self[0], 2,
	                     (const uint8_t *) "x", 0),
	    MPC_EINVAL);
	{
		uint8_t longl[MPC_LABEL_MAX + 1] = { 0 };
		ck_assert_int_eq(mpc_dkg_new(tmpc_ctx(), &sm, &s.cl, &s.self[0],
		                     2, longl, sizeof(longl)),
		    MPC_EINVAL);
	}
	{
		struct mpc_self me = s.self[0];
		me.index = 3;
		ck_assert_int_eq(mpc_dkg_new(tmpc_ctx(), &sm, &s.cl, &me, 2,
		                     (const uint8_t *) "x", 1),
		    MPC_EINVAL);
	}
	ck_assert_ptr_null(sm);
	/* outputs only when done, once */
	start_dkg(&s, 2, "states");
	ck_assert_int_eq(mpc_sm_take_keyshare(s.sm[0], &ks), MPC_ESTATE);
	ck_assert_int_eq(mpc_sm_blame(s.sm[0], &b), MPC_ESTATE);
	{
		struct mpc_aux *a;
		struct mpc_presig *p;
		ck_assert_int_eq(mpc_sm_take_aux(s.sm[0], &a), MPC_ESTATE);
		ck_assert_int_eq(mpc_sm_take_presig(s.sm[0], &p), MPC_ESTATE);
	}
	mpc_sm_sid(s.sm[0], sid);
	ck_assert_int_eq(sim_run(&s), 0);
	ck_assert_int_eq(mpc_sm_take_keyshare(s.sm[0], &ks), 0);
	ck_assert_ptr_nonnull(ks);
	mpc_keyshare_free(ks);
	ck_assert_int_eq(mpc_sm_take_keyshare(s.sm[0], &ks), MPC_ESTATE);
	ck_assert_ptr_null(ks);
	ck_assert_int_eq(mpc_sm_next(s.sm[0], &m), MPC_EEMPTY);
	ck_assert_uint_gt(mpc_sm_bytes_sent(s.sm[0]), 0);
	{
		uint8_t sid2[32];
		mpc_sm_sid(s.sm[1], sid2);
		ck_assert_mem_eq(sid, sid2, 32);
	}
	/* a different t is a different session */
	sim_reset(&s);
	ck_assert_int_eq(mpc_dkg_new(tmpc_ctx(), &s.sm[0], &s.cl, &s.self[0], 2,
	                     (const uint8_t *) "t", 1),
	    0);
	ck_assert_int_eq(mpc_dkg_new(tmpc_ctx(), &s.sm[1], &s.cl, &s.self[1], 3,
	                     (const uint8_t *) "t", 1),
	    0);
	ck_assert_int_eq(sim_run(&s), 0);
	ck_assert_int_eq(s.last_rv[0], MPC_ESESSION);
	ck_assert_int_eq(s.last_rv[1], MPC_ESESSION);
	ck_assert_int_eq(mpc_sm_status(s.sm[0]), MPC_SM_RUNNING);
	sim_clear(&s);
	mpc_sm_free(NULL);
	mpc_msg_clear(NULL);
}
END_TEST

Suite *
sm_suite(void)
{
	Suite *s = suite_create("engine");
	TCase *tc = tcase_create("engine");

	tcase_add_unchecked_fixture(tc, tmpc_parties_setup, NULL);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, codecs_of_every_protocol);
	tcase_add_test(tc, replays_are_refused);
	tcase_add_test(tc, duplicates_and_garbage);
	tcase_add_test(tc, waiting_names_the_silent_party);
	tcase_add_test(tc, any_delivery_order_and_early_messages);
	tcase_add_loop_test(tc, false_complaints_blame_the_accuser, 0, 4);
	tcase_add_test(tc, malformed_complaint_as_evidence);
	tcase_add_test(tc, arguments_and_states);
	suite_add_tcase(s, tc);
	return s;
}
