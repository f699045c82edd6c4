/* Presign, sign and combine (docs/MPC.md §13).
 *
 * - Every t-subset of n <= 5 parties (t = 1..n) signs after a DKG; each
 *   signature verifies with libsecp256k1 and OpenSSL, is low-s and its
 *   recovery id recovers the key; one subset per (t, n) also signs under a
 *   BIP32 child key, which must verify under the child public key.
 * - Presignature lifecycle: unique ids, single use through the API, binding
 *   to key, epoch and party; old presignatures after a refresh.
 * - combine names a bad signer and refuses partials of other
 *   presignatures, missing and duplicate signers.
 * - The blame rounds: a wrong delta_j opens the burned presignature (R5), a
 *   wrong S^_j makes every signer prove S^_i (R6); both name j.
 * Aux info comes from the fixture keys (tmpc_aux); the aux-info protocol
 * itself is tested in check_aux.c. */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "harness.h"
#include "mpc_test.h"

Suite *presign_suite(void);

static struct mpc_aux *auxs[TMPC_PARTIES + 1][TMPC_PARTIES];

static struct mpc_aux **
aux_of(uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (auxs[n][i] == NULL)
			auxs[n][i] = tmpc_aux(n, i);
	return auxs[n];
}

static void
setup(void)
{
	uint32_t n;

	tmpc_parties_setup();
	for (n = 1; n <= TMPC_PARTIES; n++)
		(void) aux_of(n);
}

static void
free_all(struct mpc_keyshare **ks, size_t n, struct mpc_presig **ps, size_t t)
{
	size_t i;

	for (i = 0; i < n; i++)
		mpc_keyshare_free(ks[i]);
	for (i = 0; i < t; i++)
		mpc_presig_free(ps[i]);
}

/* (n, t) pairs with 1 <= t <= n <= 5 */
static void
pair_of(int k, uint32_t *n, uint32_t *t)
{
	int c = 0;

	for (*n = 1; *n <= TMPC_PARTIES; (*n)++)
		for (*t = 1; *t <= *n; (*t)++)
			if (c++ == k)
				return;
	ck_abort_msg("no pair %d", k);
}
#define NPAIRS 15

START_TEST(every_t_subset_signs)
{
	struct mpc_keyshare *ks[MPC_MAX_PARTIES] = { 0 };
	struct mpc_presig *ps[MPC_MAX_PARTIES] = { 0 };
	uint32_t n, t, set[MPC_MAX_PARTIES], k, path[2] = { 0, 1 };
	uint8_t hash[32], pub[33], cc[32];
	struct mpc_derivation der;
	struct mpc_signature sig;
	struct mpc_blame b;
	struct sim s;
	char label[32];

	pair_of(_i, &n, &t);
	ck_assert_int_eq(sim_init(&s, tmpc_ctx(), n, 7 + (uint64_t) _i, 0), 0);
	ck_assert_int_eq(sim_dkg(&s, t, "dkg", ks), 0);
	mpc_keyshare_pubkey(ks[0], pub);
	mpc_keyshare_chaincode(ks[0], cc);
	ck_assert_int_eq(
	    mpc_bip32_derive(tmpc_ctx(), &der, pub, cc, path, 2), 0);
	for (k = 0; tmpc_subset(set, n, t, k); k++) {
		snprintf(label, sizeof(label), "presign-%u", k);
		ck_assert_int_eq(
		    sim_presign(&s, ks, aux_of(n), set, t, label, ps), 0);
		lk_random(hash, sizeof(hash));
		/* the first subset signs under the child key m/0/1 */
		ck_assert_int_eq(sim_sign(&s, ps, ks, set, t, hash,
		                     k == 0 ? &der : NULL, &sig, &b),
		    0);
		tmpc_check_signature(k == 0 ? der.pubkey : pub, hash, &sig);
		if (k == 0) /* and not under the parent */
			ck_assert_int_eq(
			    tmpc_openssl_verify(pub, hash, sig.r, sig.s), 0);
		free_all(NULL, 0, ps, t);
		memset(ps, 0, sizeof(ps));
	}
	ck_assert_uint_gt(k, 0);
	free_all(ks, n, NULL, 0);
	sim_clear(&s);
}
END_TEST

/* A (2,3) key with one presignature for the lifecycle tests. */
struct fix {
	struct sim s;
	struct mpc_keyshare *ks[3];
	struct mpc_presig *ps[2];
	uint32_t set[2];
};

static void
fix_make(struct fix *f, const char *label)
{
	memset(f, 0, sizeof(*f));
	f->set[0] = 0;
	f->set[1] = 2;
	ck_assert_int_eq(sim_init(&f->s, tmpc_ctx(), 3, 99, 0), 0);
	ck_assert_int_eq(sim_dkg(&f->s, 2, "dkg", f->ks), 0);
	ck_assert_int_eq(
	    sim_presign(&f->s, f->ks, aux_of(3), f->set, 2, label, f->ps), 0);
}

static void
fix_free(struct fix *f)
{
	free_all(f->ks, 3, f->ps, 2);
	sim_clear(&f->s);
}

START_TEST(presig_single_use)
{
	struct mpc_presig_token tok;
	struct mpc_partial part;
	uint8_t id0[32], id1[32], hash[32] = { 1 };
	struct fix f;

	fix_make(&f, "ps");
	/* both signers hold the same presignature id */
	mpc_presig_id(f.ps[0], id0);
	mpc_presig_id(f.ps[1], id1);
	ck_assert_mem_eq(id0, id1, 32);
	ck_assert_int_eq(mpc_presig_is_used(f.ps[0]), 0);
	/* another party's share cannot consume it */
	ck_assert_int_eq(
	    mpc_presig_consume(f.ps[0], f.ks[1], &tok), MPC_EMISMATCH);
	ck_assert_int_eq(mpc_presig_is_used(f.ps[0]), 0);
	ck_assert_int_eq(mpc_presig_consume(f.ps[0], f.ks[0], &tok), 0);
	ck_assert_int_eq(mpc_presig_is_used(f.ps[0]), 1);
	/* a second consume fails and gives no secret */
	{
		struct mpc_presig_token t2;
		memset(&t2, 0xaa, sizeof(t2));
		ck_assert_int_eq(
		    mpc_presig_consume(f.ps[0], f.ks[0], &t2), MPC_EUSED);
		ck_assert_int_eq(t2.live, 0);
		ck_assert_int_eq(mpc_scalar_is_zero(&t2.k), 1);
	}
	/* the token signs once */
	ck_assert_int_eq(mpc_sign_partial(&part, &tok, hash, NULL), 0);
	ck_assert_int_eq(mpc_sign_partial(&part, &tok, hash, NULL), MPC_ESTATE);
	fix_free(&f);
}
END_TEST

static void
roundtrip_presig(struct mpc_presig **p)
{
	uint8_t buf[4096];
	struct proto_wbuf w;
	struct proto_rbuf r;
	struct mpc_presig *q;
	size_t len, cut;

	proto_wbuf_init(&w, buf, sizeof(buf));
	mpc_presig_encode(&w, *p);
	ck_assert_int_eq(proto_wbuf_finish(&w, &len), 0);
	for (cut = 0; cut < len; cut += 7) {
		proto_rbuf_init(&r, buf, cut);
		ck_assert_int_ne(mpc_presig_decode(tmpc_ctx(), &r, &q), 0);
		ck_assert_uint_eq(r.len, cut); /* cursor untouched */
	}
	proto_rbuf_init(&r, buf, len);
	ck_assert_int_eq(mpc_presig_decode(tmpc_ctx(), &r, &q), 0);
	ck_assert_uint_eq(r.len, 0);
	ck_assert_int_eq(mpc_presig_is_used(q), mpc_presig_is_used(*p));
	/* a changed public value no longer matches the id */
	buf[2 + 1 + 32 + 32 + 32 + 8 + 2 + 4 + 10] ^= 1;
	proto_rbuf_init(&r, buf, len);
	{
		struct mpc_presig *z;
		ck_assert_int_ne(mpc_presig_decode(tmpc_ctx(), &r, &z), 0);
	}
	mpc_presig_free(*p);
	*p = q;
}

START_TEST(presig_codec_and_reuse_after_restore)
{
	struct mpc_presig_token tok;
	struct mpc_partial parts[2];
	struct mpc_signature sig;
	struct mpc_blame b;
	uint8_t hash[32] = { 7 }, key_id[32], pub[33];
	struct fix f;

	fix_make(&f, "ps-codec");
	roundtrip_presig(&f.ps[0]);
	roundtrip_presig(&f.ps[1]);
	ck_assert_int_eq(mpc_presig_consume(f.ps[0], f.ks[0], &tok), 0);
	ck_assert_int_eq(mpc_sign_partial(&parts[0], &tok, hash, NULL), 0);
	/* a used presignature encodes without secrets and stays used */
	roundtrip_presig(&f.ps[0]);
	ck_assert_int_eq(mpc_presig_is_used(f.ps[0]), 1);
	ck_assert_int_eq(mpc_presig_consume(f.ps[0], f.ks[0], &tok), MPC_EUSED);
	ck_assert_int_eq(mpc_presig_consume(f.ps[1], f.ks[2], &tok), 0);
	ck_assert_int_eq(mpc_sign_partial(&parts[1], &tok, hash, NULL), 0);
	mpc_keyshare_key_id(f.ks[0], key_id);
	mpc_keyshare_pubkey(f.ks[0], pub);
	ck_assert_int_eq(
	    mpc_combine(tmpc_ctx(), &sig, &b, mpc_presig_public(f.ps[0]),
	        key_id, 0, hash, NULL, parts, 2),
	    0);
	tmpc_check_signature(pub, hash, &sig);
	fix_free(&f);
}
END_TEST

START_TEST(combine_names_bad_signer)
{
	struct mpc_presig_token tok;
	struct mpc_partial parts[2], bad[3];
	struct mpc_signature sig;
	struct mpc_blame b;
	uint8_t hash[32] = { 3 }, key_id[32];
	const struct mpc_presig_pub *pub;
	struct mpc_scalar one;
	struct fix f;
	int i;

	fix_make(&f, "ps-combine");
	pub = mpc_presig_public(f.ps[0]);
	mpc_keyshare_key_id(f.ks[0], key_id);
	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(
		    mpc_presig_consume(f.ps[i], f.ks[f.set[i]], &tok), 0);
		ck_assert_int_eq(
		    mpc_sign_partial(&parts[i], &tok, hash, NULL), 0);
	}
	/* a wrong sigma of either signer is named */
	mpc_scalar_set_u64(&one, 1);
	for (i = 0; i < 2; i++) {
		memcpy(bad, parts, sizeof(parts));
		mpc_scalar_add(&bad[i].sigma, &bad[i].sigma, &one);
		ck_assert_int_eq(mpc_combine(tmpc_ctx(), &sig, &b, pub, key_id,
		                     0, hash, NULL, bad, 2),
		    MPC_EABORT);
		ck_assert_uint_eq(b.party, f.set[i]);
		ck_assert_uint_eq(b.reason, MPC_BLAME_PARTIAL);
		ck_assert(lk_is_zero(&sig, sizeof(sig)));
	}
	/* a partial on another message fails the same way */
	{
		uint8_t other[32] = { 4 };
		struct mpc_presig_token t2 = { 0 };
		(void) t2;
		ck_assert_int_eq(mpc_combine(tmpc_ctx(), &sig, &b, pub, key_id,
		                     0, other, NULL, parts, 2),
		    MPC_EABORT);
		ck_assert_uint_eq(b.reason, MPC_BLAME_PARTIAL);
	}
	/* another presignature's partial */
	memcpy(bad, parts, sizeof(parts));
	bad[1].presig_id[0] ^= 1;
	ck_assert_int_eq(mpc_combine(tmpc_ctx(), &sig, &b, pub, key_id, 0, hash,
	                     NULL, bad, 2),
	    MPC_EABORT);
	ck_assert_uint_eq(b.party, f.set[1]);
	ck_assert_uint_eq(b.reason, MPC_BLAME_PRESIG_ID);
	/* a missing signer, a duplicate, an outsider */
	ck_assert_int_eq(mpc_combine(tmpc_ctx(), &sig, &b, pub, key_id, 0, hash,
	                     NULL, parts, 1),
	    MPC_EABORT);
	ck_assert_uint_eq(b.party, f.set[1]);
	memcpy(bad, parts, sizeof(parts));
	bad[2] = parts[0];
	ck_assert_int_eq(mpc_combine(tmpc_ctx(), &sig, &b, pub, key_id, 0, hash,
	                     NULL, bad, 3),
	    MPC_EABORT);
	ck_assert_uint_eq(b.party, f.set[0]);
	memcpy(bad, parts, sizeof(parts));
	bad[0].signer = 1;
	ck_assert_int_eq(mpc_combine(tmpc_ctx(), &sig, &b, pub, key_id, 0, hash,
	                     NULL, bad, 2),
	    MPC_EABORT);
	ck_assert_uint_eq(b.party, 1);
	/* another key id or epoch */
	ck_assert_int_eq(mpc_combine(tmpc_ctx(), &sig, &b, pub, key_id, 1, hash,
	                     NULL, parts, 2),
	    MPC_EEPOCH);
	key_id[0] ^= 1;
	ck_assert_int_eq(mpc_combine(tmpc_ctx(), &sig, &b, pub, key_id, 0, hash,
	                     NULL, parts, 2),
	    MPC_EEPOCH);
	key_id[0] ^= 1;
	/* and the good set verifies */
	ck_assert_int_eq(mpc_combine(tmpc_ctx(), &sig, &b, pub, key_id, 0, hash,
	                     NULL, parts, 2),
	    0);
	fix_free(&f);
}
END_TEST

START_TEST(presig_pub_codec)
{
	const struct mpc_presig_pub *pub;
	struct mpc_presig_pub *q;
	uint8_t buf[2048], id[32], id2[32];
	struct proto_wbuf w;
	struct proto_rbuf r;
	size_t len, i;
	struct fix f;

	fix_make(&f, "ps-pub");
	pub = mpc_presig_public(f.ps[0]);
	proto_wbuf_init(&w, buf, sizeof(buf));
	mpc_presig_pub_encode(&w, pub);
	ck_assert_int_eq(proto_wbuf_finish(&w, &len), 0);
	proto_rbuf_init(&r, buf, len);
	ck_assert_int_eq(mpc_presig_pub_decode(tmpc_ctx(), &r, &q), 0);
	mpc_presig_pub_id(pub, id);
	mpc_presig_pub_id(q, id2);
	ck_assert_mem_eq(id, id2, 32);
	mpc_presig_pub_free(q);
	/* any changed byte is refused (id, points, sums, encoding) */
	for (i = 0; i < len; i++) {
		buf[i] ^= 0x40;
		proto_rbuf_init(&r, buf, len);
		ck_assert_msg(mpc_presig_pub_decode(tmpc_ctx(), &r, &q) != 0,
		    "byte %zu", i);
		ck_assert_uint_eq(r.len, len);
		buf[i] ^= 0x40;
	}
	fix_free(&f);
}
END_TEST

START_TEST(partial_codec)
{
	struct mpc_partial p, q;
	uint8_t buf[MPC_PARTIAL_BYTES];
	struct proto_wbuf w;
	struct proto_rbuf r;
	size_t len;

	memset(&p, 0, sizeof(p));
	lk_random(p.presig_id, 32);
	p.signer = 3;
	mpc_scalar_random(&p.sigma);
	proto_wbuf_init(&w, buf, sizeof(buf));
	mpc_partial_encode(&w, &p);
	ck_assert_int_eq(proto_wbuf_finish(&w, &len), 0);
	ck_assert_uint_eq(len, MPC_PARTIAL_BYTES);
	proto_rbuf_init(&r, buf, len);
	ck_assert_int_eq(mpc_partial_decode(&r, &q), 0);
	ck_assert_mem_eq(&p, &q, sizeof(p));
	memset(buf + len - 32, 0xff, 32); /* sigma >= q */
	proto_rbuf_init(&r, buf, len);
	ck_assert_int_ne(mpc_partial_decode(&r, &q), 0);
	ck_assert_uint_eq(r.len, len);
}
END_TEST

START_TEST(refresh_retires_old_presigs)
{
	struct mpc_keyshare *nk[3] = { 0 };
	struct mpc_presig *ps2[2] = { 0 };
	struct mpc_presig_token tok;
	struct mpc_partial parts[2];
	struct mpc_signature sig;
	struct mpc_blame b;
	uint8_t hash[32] = { 9 }, key_id[32], pub[33], pub2[33];
	struct fix f;
	int i;

	fix_make(&f, "ps-old");
	ck_assert_int_eq(sim_refresh(&f.s, f.ks, "refresh", nk), 0);
	mpc_keyshare_pubkey(f.ks[0], pub);
	mpc_keyshare_pubkey(nk[0], pub2);
	ck_assert_mem_eq(pub, pub2, 33);
	ck_assert_uint_eq(mpc_keyshare_epoch(nk[0]), 1);
	/* the old presignature refuses the new share ... */
	ck_assert_int_eq(mpc_presig_consume(f.ps[0], nk[0], &tok), MPC_EEPOCH);
	ck_assert_int_eq(mpc_presig_is_used(f.ps[0]), 0);
	/* ... and combine refuses old-epoch records for the new epoch */
	mpc_keyshare_key_id(nk[0], key_id);
	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(
		    mpc_presig_consume(f.ps[i], f.ks[f.set[i]], &tok), 0);
		ck_assert_int_eq(
		    mpc_sign_partial(&parts[i], &tok, hash, NULL), 0);
	}
	ck_assert_int_eq(
	    mpc_combine(tmpc_ctx(), &sig, &b, mpc_presig_public(f.ps[0]),
	        key_id, 1, hash, NULL, parts, 2),
	    MPC_EEPOCH);
	/* presign with shares of two epochs: different sessions, no output */
	{
		struct mpc_keyshare *mixed[3] = { f.ks[0], nk[1], nk[2] };
		ck_assert_int_ne(
		    sim_presign(&f.s, mixed, aux_of(3), f.set, 2, "mixed", ps2),
		    0);
	}
	/* the new shares sign */
	ck_assert_int_eq(
	    sim_presign(&f.s, nk, aux_of(3), f.set, 2, "ps-new", ps2), 0);
	ck_assert_int_eq(
	    sim_sign(&f.s, ps2, nk, f.set, 2, hash, NULL, &sig, &b), 0);
	tmpc_check_signature(pub, hash, &sig);
	free_all(nk, 3, ps2, 2);
	fix_free(&f);
}
END_TEST

/* Party 2 of the signer set {0, 2, 4} deviates consistently in round 3
 * (white-box fault: a wrong delta_2 or S^_2 that it also echoes), so the
 * checks after the echo fail and the blame round must name it. */
static void
blame_round(uint32_t fault, uint16_t reason, uint8_t want_round)
{
	struct mpc_keyshare *ks[5] = { 0 };
	uint32_t set[3] = { 0, 2, 4 }, i;
	struct mpc_blame b;
	struct sim s;

	ck_assert_int_eq(sim_init(&s, tmpc_ctx(), 5, 5, 0), 0);
	ck_assert_int_eq(sim_dkg(&s, 3, "dkg", ks), 0);
	sim_reset(&s);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(
		    mpc_presign_new(tmpc_ctx(), &s.sm[set[i]], &s.cl,
		        &s.self[set[i]], ks[set[i]], aux_of(5)[set[i]], set, 3,
		        (const uint8_t *) "blame", 5),
		    0);
	s.sm[2]->fault = fault;
	ck_assert_int_eq(sim_run(&s), 0);
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(mpc_sm_status(s.sm[set[i]]), MPC_SM_FAILED);
		ck_assert_int_eq(mpc_sm_blame(s.sm[set[i]], &b), 0);
		ck_assert_uint_eq(mpc_sm_round(s.sm[set[i]]), want_round);
		if (set[i] == 2)
			continue;
		ck_assert_msg(b.party == 2 && b.reason == reason,
		    "party %u blames %u reason %u check %u", set[i], b.party,
		    b.reason, b.check);
	}
	for (i = 0; i < 5; i++)
		mpc_keyshare_free(ks[i]);
	sim_clear(&s);
}

START_TEST(wrong_delta_opens_presig)
{
	/* round-3 bc body: delta, Delta, S^ */
	blame_round(FAULT_DELTA, MPC_BLAME_DELTA, 5);
}
END_TEST

START_TEST(wrong_shat_is_proven)
{
	blame_round(FAULT_SHAT, MPC_BLAME_ZK_LOGSTAR, 6);
}
END_TEST

/* Party 2 of {0, 2, 4} signs a second valid round-2 message to party 0
 * (fresh MtA masks) and sends that one, but keeps and republishes the
 * first: delta does not add up, and in R5 every opening holds on its own
 * (party 0 opens what it received, party 2 what it sent). Party 0 sees
 * its copy differ; party 4 must also name party 2 from the two signed
 * copies that the two republications show, not give up with no one. */
static int
twin_hook(void *arg, struct sim *s, uint32_t from, uint32_t to, uint8_t **data,
    size_t *len)
{
	uint8_t *tw;
	size_t twlen;

	(void) arg;
	if (from != 2 || to != 0 || *len < SM_HDR_BYTES || (*data)[2] != 2)
		return 0;
	ck_assert_int_eq(ps_test_twin_r2(s->sm[2], 0, &tw, &twlen), 0);
	free(*data);
	*data = tw;
	*len = twlen;
	return 0;
}

START_TEST(twin_round2_message_is_named)
{
	struct mpc_keyshare *ks[5] = { 0 };
	uint32_t set[3] = { 0, 2, 4 }, i;
	struct mpc_blame b;
	struct sim s;

	ck_assert_int_eq(sim_init(&s, tmpc_ctx(), 5, 6, 0), 0);
	ck_assert_int_eq(sim_dkg(&s, 3, "dkg", ks), 0);
	sim_reset(&s);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(
		    mpc_presign_new(tmpc_ctx(), &s.sm[set[i]], &s.cl,
		        &s.self[set[i]], ks[set[i]], aux_of(5)[set[i]], set, 3,
		        (const uint8_t *) "twin", 4),
		    0);
	s.tamper = twin_hook;
	ck_assert_int_eq(sim_run(&s), 0);
	for (i = 0; i < 3; i += 2) {
		ck_assert_int_eq(mpc_sm_status(s.sm[set[i]]), MPC_SM_FAILED);
		ck_assert_int_eq(mpc_sm_blame(s.sm[set[i]], &b), 0);
		ck_assert_uint_eq(mpc_sm_round(s.sm[set[i]]), 5);
		ck_assert_msg(
		    b.party == 2 && b.reason == MPC_BLAME_EQUIVOCATION,
		    "party %u blames %u reason %u check %u", set[i], b.party,
		    b.reason, b.check);
	}
	for (i = 0; i < 5; i++)
		mpc_keyshare_free(ks[i]);
	sim_clear(&s);
}
END_TEST

Suite *
presign_suite(void)
{
	Suite *s = suite_create("presign");
	TCase *tc = tcase_create("subsets");

	tcase_add_unchecked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 600);
	tcase_add_loop_test(tc, every_t_subset_signs, 0, NPAIRS);
	suite_add_tcase(s, tc);
	tc = tcase_create("lifecycle");
	tcase_add_unchecked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, presig_single_use);
	tcase_add_test(tc, presig_codec_and_reuse_after_restore);
	tcase_add_test(tc, combine_names_bad_signer);
	tcase_add_test(tc, presig_pub_codec);
	tcase_add_test(tc, partial_codec);
	tcase_add_test(tc, refresh_retires_old_presigs);
	tcase_add_test(tc, wrong_delta_opens_presig);
	tcase_add_test(tc, wrong_shat_is_proven);
	tcase_add_test(tc, twin_round2_message_is_named);
	suite_add_tcase(s, tc);
	return s;
}
