/* Threshold mode: every t-subset of every n <= 5 reproduces the single-key
 * OPRF and logs in; misbehaving servers are named and the login fails
 * closed; flipped bits anywhere are rejected; password change; fake users;
 * strict registration and storage codecs. */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "../../tpake/src/tpake_int.h"
#include "tpake_test.h"

Suite *threshold_suite(void);

static const struct tpake_bytes uid
    = { (const uint8_t *) TT_USER, sizeof(TT_USER) - 1 };

static int
popcount(unsigned v)
{
	int c = 0;

	for (; v; v &= v - 1)
		c++;
	return c;
}

static size_t
mask_to_set(uint8_t *set, unsigned mask)
{
	size_t m = 0;
	uint8_t i;

	for (i = 1; i <= 8; i++)
		if (mask & (1u << (i - 1)))
			set[m++] = i;
	return m;
}

START_TEST(oprf_every_subset_equals_single_key)
{
	struct tpake_scalar a[TPAKE_MAX_SERVERS], share, lambda, blind;
	struct tpake_element blinded, part, direct;
	uint8_t z[32], term[32], y1[64], y2[64], set[8];
	const uint8_t pw[] = "correct horse";
	unsigned t, n, mask, subsets = 0;
	size_t m, k;

	for (n = 1; n <= 5; n++) {
		for (t = 1; t <= n; t++) {
			for (k = 0; k < t; k++)
				tpake_scalar_random(&a[k]);
			ck_assert_int_eq(
			    tpake_oprf_blind(&blind, &blinded, TPAKE_MODE_OPRF,
			        pw, sizeof(pw) - 1, NULL),
			    0);
			ck_assert_int_eq(
			    tpake_oprf_evaluate(&direct, &a[0], &blinded), 0);
			ck_assert_int_eq(tpake_oprf_finalize(y1, pw,
			                     sizeof(pw) - 1, &blind, &direct),
			    0);
			for (mask = 1; mask < (1u << n); mask++) {
				if (popcount(mask) != (int) t)
					continue;
				m = mask_to_set(set, mask);
				for (k = 0; k < m; k++) {
					tpake_poly_eval(
					    &share, a, (uint8_t) t, set[k]);
					ck_assert_int_eq(
					    tpake_oprf_evaluate(
					        &part, &share, &blinded),
					    0);
					tpake_lagrange(&lambda, set[k], set, m);
					ck_assert_int_eq(
					    tpake_mul(term, &lambda, part.b),
					    0);
					if (k == 0)
						memcpy(z, term, 32);
					else
						ck_assert_int_eq(
						    tpake_add(z, z, term), 0);
				}
				ck_assert_mem_eq(z, direct.b, 32);
				memcpy(part.b, z, 32);
				ck_assert_int_eq(
				    tpake_oprf_finalize(
				        y2, pw, sizeof(pw) - 1, &blind, &part),
				    0);
				ck_assert_mem_eq(y1, y2, 64);
				subsets++;
			}
			/* t-1 shares interpolate to something else. */
			if (t > 1) {
				struct tpake_scalar acc, tmp;

				m = mask_to_set(set, (1u << (t - 1)) - 1);
				memset(&acc, 0, sizeof(acc));
				for (k = 0; k < m; k++) {
					tpake_poly_eval(
					    &share, a, (uint8_t) t, set[k]);
					tpake_lagrange(&lambda, set[k], set, m);
					crypto_core_ristretto255_scalar_mul(
					    tmp.b, lambda.b, share.b);
					crypto_core_ristretto255_scalar_add(
					    acc.b, acc.b, tmp.b);
				}
				ck_assert(memcmp(acc.b, a[0].b, 32) != 0);
			}
		}
	}
	ck_assert_uint_eq(subsets, 57);
}
END_TEST

START_TEST(login_every_subset)
{
	struct tt_cluster *c = malloc(sizeof(*c));
	struct tpake_client_result res;
	uint8_t set[8];
	unsigned t, n, mask, logins = 0;
	size_t m;

	ck_assert_ptr_nonnull(c);
	for (n = 1; n <= 5; n++) {
		for (t = 1; t <= n; t++) {
			tt_cluster_keys(c, (uint8_t) t, (uint8_t) n);
			tt_cluster_register(c, "pw-123");
			for (mask = 1; mask < (1u << n); mask++) {
				if (popcount(mask) != (int) t)
					continue;
				m = mask_to_set(set, mask);
				ck_assert_int_eq(
				    tt_login_full(c, "pw-123", set, m, &res),
				    0);
				ck_assert_uint_eq(res.count, t);
				ck_assert_mem_eq(
				    res.export_key, c->export_key, 64);
				logins++;
			}
		}
	}
	ck_assert_uint_eq(logins, 57);
	free(c);
}
END_TEST

START_TEST(login_more_than_t_any_order)
{
	struct tt_cluster *c = malloc(sizeof(*c));
	struct tpake_client_result res;
	const uint8_t set[5] = { 4, 2, 5, 1, 3 };
	const uint8_t set2[4] = { 5, 3, 4, 1 };
	size_t k;

	tt_cluster_keys(c, 3, 5);
	c->ksf = tt_ksf_cheap;
	tt_cluster_register(c, "pw");
	ck_assert_int_eq(tt_login_full(c, "pw", set, 5, &res), 0);
	ck_assert_uint_eq(res.count, 5);
	for (k = 0; k < 5; k++) {
		ck_assert_uint_eq(res.index[k], set[k]);
		ck_assert_mem_eq(
		    res.server_pk[k].b, c->key[set[k] - 1].pk.b, 32);
	}
	ck_assert_mem_eq(res.export_key, c->export_key, 64);
	ck_assert_int_eq(tt_login_full(c, "pw", set2, 4, &res), 0);
	ck_assert_mem_eq(res.export_key, c->export_key, 64);
	/* Fewer than t answers cannot finish. */
	ck_assert_int_eq(tt_login_full(c, "pw", set, 2, &res), TPAKE_EQUORUM);
	ck_assert_int_eq(tt_login_full(c, "wrong", set, 3, &res), TPAKE_EAUTH);
	/* Threshold proofs bind the user id: it cannot be left out. */
	{
		struct tt_login *l = malloc(sizeof(*l));
		struct tpake_idents ids;
		struct tpake_login_params lp;
		struct tpake_blame bl;
		size_t len = sizeof(l->ext[0]);

		memset(&ids, 0, sizeof(ids));
		ck_assert_int_eq(tt_login_start(l, c, "pw", set, 3), 0);
		ck_assert_int_eq(
		    tpake_server_login_start(&l->sst[0], l->ke2[0], l->ext[0],
		        &len, &c->key[3], &c->user[3],
		        (struct tpake_bytes) { NULL, 0 }, l->ke1, &ids, NULL),
		    TPAKE_EINVAL);
		memset(&lp, 0, sizeof(lp));
		lp.t = 3;
		lp.n = 5;
		lp.ksf = c->ksf;
		ck_assert_int_eq(tpake_client_login_finish(
		                     &l->cst, &res, &bl, &lp, l->rep, 3),
		    TPAKE_EINVAL);
		ck_assert_int_eq(l->cst.phase, 1);
		free(l);
	}
	free(c);
}
END_TEST

/* A 2-of-3 cluster with a login in which every server answered. */
struct fixture {
	struct tt_cluster c;
	struct tt_login l;
	struct tpake_client_result res;
	struct tpake_blame bl;
};

static struct fixture *
fixture_new(const uint8_t *set, size_t m)
{
	struct fixture *f = calloc(1, sizeof(*f));

	ck_assert_ptr_nonnull(f);
	tt_cluster_keys(&f->c, 2, 3);
	tt_cluster_register(&f->c, "pw");
	ck_assert_int_eq(tt_login_start(&f->l, &f->c, "pw", set, m), 0);
	return f;
}

static const uint8_t all3[3] = { 1, 2, 3 };

START_TEST(blame_wrong_partial)
{
	struct fixture *f = fixture_new(all3, 3);
	struct tpake_scalar two;

	/* Server 2 returns 2 * Z_2 (a valid element, the wrong partial). */
	tpake_scalar_from_u8(&two, 2);
	ck_assert_int_eq(tpake_mul(f->l.ke2[1], &two, f->l.ke2[1]), 0);
	ck_assert_int_eq(
	    tt_login_finish(&f->l, &f->c, &f->res, &f->bl), TPAKE_EPEER);
	ck_assert_uint_eq(f->bl.count, 1);
	ck_assert_uint_eq(f->bl.index[0], 2);
	ck_assert_int_eq(f->bl.reason[0], TPAKE_EPROOF);
	ck_assert_uint_eq(f->res.count, 0);
	ck_assert(lk_is_zero(f->res.export_key, 64));
	/* Retrying without the named server succeeds with the same state. */
	f->l.rep[1] = f->l.rep[2];
	f->l.m = 2;
	ck_assert_int_eq(tt_login_finish(&f->l, &f->c, &f->res, &f->bl), 0);
	ck_assert_mem_eq(f->res.export_key, f->c.export_key, 64);
	free(f);
}
END_TEST

START_TEST(blame_bad_proof)
{
	struct fixture *f = fixture_new(all3, 3);

	f->l.ext[2][40] ^= 0x10; /* server 3's s */
	ck_assert_int_eq(
	    tt_login_finish(&f->l, &f->c, &f->res, &f->bl), TPAKE_EPEER);
	ck_assert_uint_eq(f->bl.count, 1);
	ck_assert_uint_eq(f->bl.index[0], 3);
	ck_assert_int_eq(f->bl.reason[0], TPAKE_EPROOF);
	f->l.ext[2][40] ^= 0x10;
	f->l.ext[0][3] ^= 0x01; /* server 1's c */
	ck_assert_int_eq(
	    tt_login_finish(&f->l, &f->c, &f->res, &f->bl), TPAKE_EPEER);
	ck_assert(tt_blamed(&f->bl, 1) && f->bl.count == 1);
	f->l.ext[0][3] ^= 0x01;
	ck_assert_int_eq(tt_login_finish(&f->l, &f->c, &f->res, &f->bl), 0);
	free(f);
}
END_TEST

START_TEST(blame_replayed_ke2)
{
	struct fixture *f = fixture_new(all3, 3);
	struct tt_login *old = malloc(sizeof(*old));

	/* A KE2 (with its proof) from an earlier login of the same user. */
	ck_assert_int_eq(tt_login_start(old, &f->c, "pw", all3, 3), 0);
	memcpy(f->l.ke2[1], old->ke2[1], TPAKE_KE2_BYTES);
	memcpy(f->l.ext[1], old->ext[1], old->ext_len[1]);
	ck_assert_int_eq(
	    tt_login_finish(&f->l, &f->c, &f->res, &f->bl), TPAKE_EPEER);
	ck_assert_uint_eq(f->bl.count, 1);
	ck_assert_uint_eq(f->bl.index[0], 2);
	ck_assert_int_eq(f->bl.reason[0], TPAKE_EPROOF);
	free(old);
	free(f);
}
END_TEST

START_TEST(blame_replayed_auth_response)
{
	struct fixture *f = fixture_new(all3, 3);
	struct tt_login *old = malloc(sizeof(*old));

	ck_assert_int_eq(tt_login_start(old, &f->c, "pw", all3, 3), 0);
	/* The partial and proof are fresh; the masked response and the
	 * AuthResponse come from another login. */
	memcpy(f->l.ke2[2] + 32, old->ke2[2] + 32, TPAKE_KE2_BYTES - 32);
	ck_assert_int_eq(
	    tt_login_finish(&f->l, &f->c, &f->res, &f->bl), TPAKE_EPEER);
	ck_assert_uint_eq(f->bl.count, 1);
	ck_assert_uint_eq(f->bl.index[0], 3);
	ck_assert_int_eq(f->bl.reason[0], TPAKE_EMAC);
	free(old);
	free(f);
}
END_TEST

START_TEST(blame_commitments_and_quorum)
{
	struct fixture *f = fixture_new(all3, 3);
	uint8_t saved[TPAKE_EXT_BYTES(2)];

	/* Server 1 sends different commitments: the other two agree. */
	memcpy(saved, f->l.ext[0], sizeof(saved));
	memcpy(f->l.ext[0] + 64, f->l.ext[0] + 96, 32);
	ck_assert_int_eq(
	    tt_login_finish(&f->l, &f->c, &f->res, &f->bl), TPAKE_EPEER);
	ck_assert_uint_eq(f->bl.count, 1);
	ck_assert_uint_eq(f->bl.index[0], 1);
	ck_assert_int_eq(f->bl.reason[0], TPAKE_ECOMMIT);
	/* With only two answers, no t of them agree: no one can be named. */
	f->l.m = 2;
	ck_assert_int_eq(
	    tt_login_finish(&f->l, &f->c, &f->res, &f->bl), TPAKE_EQUORUM);
	ck_assert_uint_eq(f->bl.count, 0);
	memcpy(f->l.ext[0], saved, sizeof(saved));
	ck_assert_int_eq(tt_login_finish(&f->l, &f->c, &f->res, &f->bl), 0);
	free(f);
}
END_TEST

START_TEST(blame_envelope_and_mac)
{
	struct fixture *f = calloc(1, sizeof(*f));

	tt_cluster_keys(&f->c, 2, 3);
	tt_cluster_register(&f->c, "pw");
	/* Server 2's stored masking key is corrupted: its envelope does not
	 * open while the others do. */
	f->c.user[1].record[40] ^= 1;
	ck_assert_int_eq(tt_login_start(&f->l, &f->c, "pw", all3, 3), 0);
	ck_assert_int_eq(
	    tt_login_finish(&f->l, &f->c, &f->res, &f->bl), TPAKE_EPEER);
	ck_assert_uint_eq(f->bl.count, 1);
	ck_assert_uint_eq(f->bl.index[0], 2);
	ck_assert_int_eq(f->bl.reason[0], TPAKE_EENVELOPE);
	/* Without pinned keys it is indistinguishable from a wrong password
	 * under a network attacker's sharing: no one is named. */
	f->c.pin = 0;
	ck_assert_int_eq(
	    tt_login_finish(&f->l, &f->c, &f->res, &f->bl), TPAKE_EAUTH);
	ck_assert_uint_eq(f->bl.count, 0);
	f->c.pin = 1;
	f->c.user[1].record[40] ^= 1;
	/* Server 3's MAC is wrong. */
	ck_assert_int_eq(tt_login_start(&f->l, &f->c, "pw", all3, 3), 0);
	f->l.ke2[2][300] ^= 4;
	ck_assert_int_eq(
	    tt_login_finish(&f->l, &f->c, &f->res, &f->bl), TPAKE_EPEER);
	ck_assert_uint_eq(f->bl.count, 1);
	ck_assert_uint_eq(f->bl.index[0], 3);
	ck_assert_int_eq(f->bl.reason[0], TPAKE_EMAC);
	f->c.pin = 0;
	ck_assert_int_eq(
	    tt_login_finish(&f->l, &f->c, &f->res, &f->bl), TPAKE_EAUTH);
	ck_assert_uint_eq(f->bl.count, 0);
	f->c.pin = 1;
	/* A wrong password names no one. */
	ck_assert_int_eq(tt_login_start(&f->l, &f->c, "pW", all3, 3), 0);
	ck_assert_int_eq(
	    tt_login_finish(&f->l, &f->c, &f->res, &f->bl), TPAKE_EAUTH);
	ck_assert_uint_eq(f->bl.count, 0);
	free(f);
}
END_TEST

/* A network attacker's answer in slot k of a login, claiming to be server
 * `index`: a polynomial of its own (rnd, the same for every forged answer,
 * so that forged answers agree with each other) with a valid proof, and an
 * envelope built for the password `guess` to the static key key->pk, which
 * the attacker may not hold (key->sk is then unrelated). */
static void
forge_answer(struct tt_login *l, size_t k, uint8_t index,
    const struct tt_cluster *c, const struct tpake_deal_rand *rnd,
    const char *guess, const struct tpake_server_key *key)
{
	struct tpake_deal_params p;
	struct tpake_element pks[TPAKE_MAX_SERVERS];
	struct tpake_user u;
	struct tpake_idents ids;
	size_t per = TPAKE_UPLOAD_BYTES(c->t);
	uint8_t *up = malloc(per * c->n), ek[64];
	uint8_t i;

	ck_assert_ptr_nonnull(up);
	memset(&p, 0, sizeof(p));
	memset(&ids, 0, sizeof(ids));
	p.t = c->t;
	p.n = c->n;
	for (i = 0; i < c->n; i++)
		pks[i] = key->pk;
	p.server_pk = pks;
	p.ksf = c->ksf;
	ck_assert_int_eq(tpake_client_register_deal(up, per * c->n, ek, NULL,
	                     &p, (const uint8_t *) guess, strlen(guess), rnd),
	    0);
	ck_assert_int_eq(tpake_server_register_accept(&u, NULL,
	                     up + per * (index - 1), per, index, c->t, c->n),
	    0);
	l->ext_len[k] = sizeof(l->ext[k]);
	ck_assert_int_eq(
	    tpake_server_login_start(&l->sst[k], l->ke2[k], l->ext[k],
	        &l->ext_len[k], key, &u, uid, l->ke1, &ids, NULL),
	    0);
	l->rep[k] = (struct tpake_reply) { index, l->ke2[k], l->ext[k],
		l->ext_len[k], { NULL, 0 } };
	free(up);
}

static void
forge_rand(struct tpake_deal_rand *rnd)
{
	size_t j;

	memset(rnd, 0, sizeof(*rnd));
	for (j = 0; j < TPAKE_MAX_SERVERS; j++)
		tpake_scalar_random(&rnd->coeff[j]);
	lk_random(rnd->envelope_nonce, sizeof(rnd->envelope_nonce));
}

START_TEST(blame_tie_names_no_one)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const uint8_t all4[4] = { 1, 2, 3, 4 };
	struct tpake_deal_rand rnd;

	/* Answers 1 and 2 agree on one sharing, 3 and 4 on another: two
	 * groups of t cannot both hold an honest server, so this is t or
	 * more liars or a tampering network, and the order of the answers
	 * must not decide who is blamed. */
	ck_assert_ptr_nonnull(f);
	tt_cluster_keys(&f->c, 2, 4);
	tt_cluster_register(&f->c, "pw");
	ck_assert_int_eq(tt_login_start(&f->l, &f->c, "pw", all4, 4), 0);
	forge_rand(&rnd);
	forge_answer(&f->l, 0, 1, &f->c, &rnd, "pw", &f->c.key[0]);
	forge_answer(&f->l, 1, 2, &f->c, &rnd, "pw", &f->c.key[1]);
	ck_assert_int_eq(
	    tt_login_finish(&f->l, &f->c, &f->res, &f->bl), TPAKE_EQUORUM);
	ck_assert_uint_eq(f->bl.count, 0);
	ck_assert_int_eq(f->l.cst.phase, 1);
	/* Without the forged pair the honest answers log in. */
	f->l.rep[0] = f->l.rep[2];
	f->l.rep[1] = f->l.rep[3];
	f->l.m = 2;
	ck_assert_int_eq(tt_login_finish(&f->l, &f->c, &f->res, &f->bl), 0);
	free(f);
}
END_TEST

START_TEST(network_attacker_one_guess)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct tpake_server_key own[3];
	struct tpake_deal_rand rnd;
	const char *guess[3] = { "alpha", "pw", "gamma" };
	uint8_t i;

	/* A network attacker (the aggregator: login answers are not
	 * authenticated before the AKE) answers for every server with a
	 * sharing of its own, valid proofs and commitments that agree, and
	 * puts a different password guess in each envelope. Only the reply
	 * with the right guess opens. The outcome must not say which one:
	 * blaming the others would test n passwords per login against the
	 * client, with no server counting them. */
	ck_assert_ptr_nonnull(f);
	tt_cluster_keys(&f->c, 2, 3);
	tt_cluster_register(&f->c, "pw");
	ck_assert_int_eq(tt_login_start(&f->l, &f->c, "pw", all3, 3), 0);
	forge_rand(&rnd);
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(tpake_server_key_generate(&own[i], NULL), 0);
		forge_answer(&f->l, i, i + 1, &f->c, &rnd, guess[i], &own[i]);
	}
	f->c.pin = 0;
	ck_assert_int_eq(
	    tt_login_finish(&f->l, &f->c, &f->res, &f->bl), TPAKE_EAUTH);
	ck_assert_uint_eq(f->bl.count, 0);
	/* With pinned keys the attacker must name the real keys in its
	 * envelopes (it does not hold their private keys): still nothing. */
	f->c.pin = 1;
	for (i = 0; i < 3; i++) {
		own[i].pk = f->c.key[i].pk;
		forge_answer(&f->l, i, i + 1, &f->c, &rnd, guess[i], &own[i]);
	}
	ck_assert_int_eq(
	    tt_login_finish(&f->l, &f->c, &f->res, &f->bl), TPAKE_EAUTH);
	ck_assert_uint_eq(f->bl.count, 0);
	/* The one guess per login that remains: an unpinned client accepts
	 * an impersonation whose every envelope holds the right password
	 * (as in RFC 9807); a pinned one does not. */
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(tpake_server_key_generate(&own[i], NULL), 0);
		forge_answer(&f->l, i, i + 1, &f->c, &rnd, "pw", &own[i]);
	}
	ck_assert_int_eq(
	    tt_login_finish(&f->l, &f->c, &f->res, &f->bl), TPAKE_EAUTH);
	f->c.pin = 0;
	ck_assert_int_eq(tt_login_finish(&f->l, &f->c, &f->res, &f->bl), 0);
	ck_assert(memcmp(f->res.export_key, f->c.export_key, 64) != 0);
	free(f);
}
END_TEST

START_TEST(coalition_one_guess)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct tpake_server_key fake2;
	struct tpake_deal_rand rnd;
	const char *guess[2] = { "wrong", "pw" };
	int rv[2];
	size_t g;

	/* Server 1 is malicious (it holds its real, pinned key) and works
	 * with the aggregator, which drops the honest answers and forges
	 * server 2's. Both use a sharing of their own; server 1 puts a
	 * password guess in its envelope and can pass its MAC when the guess
	 * is right. A MAC that passes under a pinned key therefore proves
	 * nothing until t answers did (one of them is then honest): before
	 * that, a right guess and a wrong one must look the same. */
	ck_assert_ptr_nonnull(f);
	tt_cluster_keys(&f->c, 2, 3);
	tt_cluster_register(&f->c, "pw");
	ck_assert_int_eq(tpake_server_key_generate(&fake2, NULL), 0);
	fake2.pk = f->c.key[1].pk;
	for (g = 0; g < 2; g++) {
		ck_assert_int_eq(
		    tt_login_start(&f->l, &f->c, "pw", all3, 2), 0);
		forge_rand(&rnd);
		forge_answer(&f->l, 0, 1, &f->c, &rnd, guess[g], &f->c.key[0]);
		forge_answer(&f->l, 1, 2, &f->c, &rnd, "x", &fake2);
		rv[g] = tt_login_finish(&f->l, &f->c, &f->res, &f->bl);
		ck_assert_uint_eq(f->bl.count, 0);
	}
	ck_assert_int_eq(rv[0], TPAKE_EAUTH);
	ck_assert_int_eq(rv[1], TPAKE_EAUTH);
	free(f);
}
END_TEST

START_TEST(pinned_keys)
{
	struct fixture *f = fixture_new(all3, 3);
	struct tpake_login_params lp;
	struct tpake_element pks[3];
	uint8_t i;

	/* An invalid pin is refused before anything else. */
	memset(&lp, 0, sizeof(lp));
	lp.t = 2;
	lp.n = 3;
	lp.user_id = uid;
	lp.ksf = f->c.ksf;
	for (i = 0; i < 3; i++)
		pks[i] = f->c.key[i].pk;
	memset(pks[2].b, 0, 32);
	lp.server_pk = pks;
	ck_assert_int_eq(tpake_client_login_finish(
	                     &f->l.cst, &f->res, &f->bl, &lp, f->l.rep, 3),
	    TPAKE_EPOINT);
	/* Server 3 pinned to another key: its envelope names the real one,
	 * so it does not open while the others authenticate. */
	ck_assert_int_eq(tpake_server_key_generate(&f->c.key[2], NULL), 0);
	ck_assert_int_eq(
	    tt_login_finish(&f->l, &f->c, &f->res, &f->bl), TPAKE_EPEER);
	ck_assert_uint_eq(f->bl.count, 1);
	ck_assert_uint_eq(f->bl.index[0], 3);
	ck_assert_int_eq(f->bl.reason[0], TPAKE_EENVELOPE);
	f->l.m = 2;
	ck_assert_int_eq(tt_login_finish(&f->l, &f->c, &f->res, &f->bl), 0);
	free(f);
}
END_TEST

/* out = a + L (little-endian): the same scalar, non-canonical. */
static void
add_order(uint8_t out[32], const uint8_t a[32])
{
	static const uint8_t order[32] = { 0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63,
		0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10 };
	unsigned c = 0;
	int i;

	for (i = 0; i < 32; i++) {
		c += (unsigned) a[i] + order[i];
		out[i] = (uint8_t) c;
		c >>= 8;
	}
}

START_TEST(proof_context_binding)
{
	struct tpake_scalar k, r;
	struct tpake_element pk, b;
	uint8_t z[32], aid[32], h[64], hedge[32], proof[64], x[64];
	struct tpake_dleq_ctx ctx, bad;

	/* The challenge binds every field of the context on its own: a proof
	 * does not verify for another attempt, t, n, index or sharing, even
	 * against the same public share. */
	tpake_scalar_random(&k);
	tpake_scalar_random(&r);
	ck_assert_int_eq(tpake_base_mul(&pk, &k), 0);
	ck_assert_int_eq(tpake_base_mul(&b, &r), 0);
	ck_assert_int_eq(tpake_mul(z, &k, b.b), 0);
	lk_random(aid, 32);
	lk_random(h, 64);
	lk_random(hedge, 32);
	ctx = (struct tpake_dleq_ctx) { aid, h, 2, 3, 2 };
	ck_assert_int_eq(tpake_dleq_prove(proof, &ctx, &k, b.b, z, hedge), 0);
	ck_assert_int_eq(tpake_dleq_verify(&ctx, &pk, b.b, z, proof), 0);
	bad = ctx;
	bad.t = 3;
	ck_assert_int_eq(
	    tpake_dleq_verify(&bad, &pk, b.b, z, proof), TPAKE_EPROOF);
	bad = ctx;
	bad.n = 4;
	ck_assert_int_eq(
	    tpake_dleq_verify(&bad, &pk, b.b, z, proof), TPAKE_EPROOF);
	bad = ctx;
	bad.index = 3;
	ck_assert_int_eq(
	    tpake_dleq_verify(&bad, &pk, b.b, z, proof), TPAKE_EPROOF);
	aid[0] ^= 1;
	ck_assert_int_eq(
	    tpake_dleq_verify(&ctx, &pk, b.b, z, proof), TPAKE_EPROOF);
	aid[0] ^= 1;
	h[63] ^= 1;
	ck_assert_int_eq(
	    tpake_dleq_verify(&ctx, &pk, b.b, z, proof), TPAKE_EPROOF);
	h[63] ^= 1;
	/* c + L and s + L are the same scalars, not canonical: refused. */
	memcpy(x, proof, 64);
	add_order(x, proof);
	ck_assert_int_eq(tpake_dleq_verify(&ctx, &pk, b.b, z, x), TPAKE_EPROOF);
	memcpy(x, proof, 64);
	add_order(x + 32, proof + 32);
	ck_assert_int_eq(tpake_dleq_verify(&ctx, &pk, b.b, z, x), TPAKE_EPROOF);
	ck_assert_int_eq(tpake_dleq_verify(&ctx, &pk, b.b, z, proof), 0);
}
END_TEST

START_TEST(blame_relabelled_answer)
{
	struct fixture *f = fixture_new(all3, 3);

	/* Server 2's honest answer presented as server 3's. */
	f->l.rep[1].index = 3;
	f->l.m = 2;
	ck_assert_int_eq(
	    tt_login_finish(&f->l, &f->c, &f->res, &f->bl), TPAKE_EPEER);
	ck_assert_uint_eq(f->bl.count, 1);
	ck_assert_uint_eq(f->bl.index[0], 3);
	ck_assert_int_eq(f->bl.reason[0], TPAKE_EPROOF);
	free(f);
}
END_TEST

START_TEST(reply_indices_checked)
{
	struct fixture *f = fixture_new(all3, 3);

	/* Duplicate, zero and out-of-range indices are refused before
	 * anything is computed, and the client state survives. */
	f->l.rep[2].index = 1;
	ck_assert_int_eq(
	    tt_login_finish(&f->l, &f->c, &f->res, &f->bl), TPAKE_EINVAL);
	f->l.rep[2].index = 0;
	ck_assert_int_eq(
	    tt_login_finish(&f->l, &f->c, &f->res, &f->bl), TPAKE_EINVAL);
	f->l.rep[2].index = 4;
	ck_assert_int_eq(
	    tt_login_finish(&f->l, &f->c, &f->res, &f->bl), TPAKE_EINVAL);
	ck_assert_int_eq(f->l.cst.phase, 1);
	ck_assert_uint_eq(f->res.count, 0);
	f->l.rep[2].index = 3;
	ck_assert_int_eq(tt_login_finish(&f->l, &f->c, &f->res, &f->bl), 0);
	/* The state was consumed: a second finish is out of order. */
	ck_assert_int_eq(
	    tt_login_finish(&f->l, &f->c, &f->res, &f->bl), TPAKE_ESTATE);
	free(f);
}
END_TEST

static const uint8_t two[2] = { 1, 3 };

START_TEST(flip_ke1)
{
	struct fixture *f = fixture_new(two, 2);
	struct tt_login *x = malloc(sizeof(*x));
	struct tpake_idents ids;
	size_t bit, k;
	int rejected, rv;

	memset(&ids, 0, sizeof(ids));
	for (bit = 0; bit < TPAKE_KE1_BYTES * 8; bit++) {
		*x = f->l;
		x->ke1[bit / 8] ^= (uint8_t) (1u << (bit % 8));
		rejected = 0;
		for (k = 0; k < 2 && !rejected; k++) {
			x->ext_len[k] = sizeof(x->ext[k]);
			rv = tpake_server_login_start(&x->sst[k], x->ke2[k],
			    x->ext[k], &x->ext_len[k], &f->c.key[two[k] - 1],
			    &f->c.user[two[k] - 1], uid, x->ke1, &ids, NULL);
			rejected = rv != 0;
			x->rep[k].ke2 = x->ke2[k];
			x->rep[k].ext = x->ext[k];
		}
		/* The client finishes with its own (unflipped) KE1. */
		if (!rejected)
			rejected
			    = tt_login_finish(x, &f->c, &f->res, &f->bl) != 0;
		ck_assert_msg(rejected, "KE1 bit %zu accepted", bit);
	}
	free(x);
	free(f);
}
END_TEST

START_TEST(flip_ke2_and_ext)
{
	struct fixture *f = fixture_new(two, 2);
	size_t bit, k, nbits;

	for (k = 0; k < 2; k++) {
		nbits = (TPAKE_KE2_BYTES + f->l.ext_len[k]) * 8;
		for (bit = 0; bit < nbits; bit++) {
			size_t byte = bit / 8;
			uint8_t *p = byte < TPAKE_KE2_BYTES
			    ? &f->l.ke2[k][byte]
			    : &f->l.ext[k][byte - TPAKE_KE2_BYTES];

			*p ^= (uint8_t) (1u << (bit % 8));
			ck_assert_msg(
			    tt_login_finish(&f->l, &f->c, &f->res, &f->bl) != 0,
			    "server %zu bit %zu accepted", k, bit);
			*p ^= (uint8_t) (1u << (bit % 8));
		}
	}
	ck_assert_int_eq(tt_login_finish(&f->l, &f->c, &f->res, &f->bl), 0);
	free(f);
}
END_TEST

START_TEST(flip_ke3)
{
	struct fixture *f = fixture_new(all3, 3);
	struct tpake_server_login s;
	uint8_t ke3[64], sk[64];
	size_t bit, k;

	ck_assert_int_eq(tt_login_finish(&f->l, &f->c, &f->res, &f->bl), 0);
	for (k = 0; k < 3; k++) {
		for (bit = 0; bit < 512; bit++) {
			s = f->l.sst[k];
			memcpy(ke3, f->res.ke3[k], 64);
			ke3[bit / 8] ^= (uint8_t) (1u << (bit % 8));
			ck_assert_int_eq(tpake_server_login_finish(&s, sk, ke3),
			    TPAKE_EAUTH);
		}
		/* A KE3 meant for another server is rejected too. */
		s = f->l.sst[k];
		ck_assert_int_eq(
		    tpake_server_login_finish(&s, sk, f->res.ke3[(k + 1) % 3]),
		    TPAKE_EAUTH);
		ck_assert_int_eq(
		    tpake_server_login_finish(&f->l.sst[k], sk, f->res.ke3[k]),
		    0);
		ck_assert_mem_eq(sk, f->res.session_key[k], 64);
	}
	free(f);
}
END_TEST

START_TEST(flip_stored_user)
{
	struct fixture *f = fixture_new(two, 2);
	struct tpake_user saved = f->c.user[0];
	uint8_t enc[TPAKE_USER_MAX_BYTES], x[TPAKE_USER_MAX_BYTES];
	size_t len = sizeof(enc), bit;
	int rejected;

	ck_assert_int_eq(tpake_user_encode(enc, &len, &saved), 0);
	ck_assert_uint_eq(len, TPAKE_USER_BYTES(2));
	for (bit = 0; bit < len * 8; bit++) {
		memcpy(x, enc, len);
		x[bit / 8] ^= (uint8_t) (1u << (bit % 8));
		rejected = tpake_user_decode(&f->c.user[0], x, len) != 0;
		if (!rejected) {
			struct tt_login *l = &f->l;

			rejected = tt_login_start(l, &f->c, "pw", two, 2) != 0
			    || tt_login_finish(l, &f->c, &f->res, &f->bl) != 0;
		}
		ck_assert_msg(rejected, "stored-user bit %zu accepted", bit);
	}
	f->c.user[0] = saved;
	ck_assert_int_eq(tt_login_start(&f->l, &f->c, "pw", two, 2), 0);
	ck_assert_int_eq(tt_login_finish(&f->l, &f->c, &f->res, &f->bl), 0);
	free(f);
}
END_TEST

START_TEST(password_change)
{
	struct tt_cluster *c = malloc(sizeof(*c));
	struct tpake_deal_params p;
	struct tpake_element pks[3];
	struct tpake_user old[3], nu;
	struct tpake_client_result res;
	uint8_t up[3 * TPAKE_UPLOAD_BYTES(2)], ek[64], h[64], h2[64];
	const uint8_t set13[2] = { 1, 3 };
	size_t per = TPAKE_UPLOAD_BYTES(2);
	uint8_t i;

	tt_cluster_keys(c, 2, 3);
	tt_cluster_register(c, "old-pw");
	memcpy(old, c->user, sizeof(old));
	memset(&p, 0, sizeof(p));
	p.t = 2;
	p.n = 3;
	for (i = 0; i < 3; i++)
		pks[i] = c->key[i].pk;
	p.server_pk = pks;
	p.ksf = c->ksf;
	ck_assert_int_eq(tpake_client_register_deal(up, sizeof(up), ek, h, &p,
	                     (const uint8_t *) "new-pw", 6, NULL),
	    0);
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(tpake_server_password_change(
		                     &nu, h2, &old[i], up + per * i, per),
		    0);
		ck_assert_mem_eq(h, h2, 64);
		/* The same upload again is not a change. */
		ck_assert_int_eq(tpake_server_password_change(
		                     &nu, h2, &nu, up + per * i, per),
		    TPAKE_EREPLAY);
		/* Server 1's upload does not fit server 2. */
		if (i > 0)
			ck_assert_int_eq(tpake_server_password_change(
			                     &nu, NULL, &old[i], up, per),
			    TPAKE_EDECODE);
		ck_assert_int_eq(tpake_server_password_change(&c->user[i], NULL,
		                     &old[i], up + per * i, per),
		    0);
	}
	memcpy(c->export_key, ek, 64);
	ck_assert_int_eq(tt_login_full(c, "new-pw", all3, 3, &res), 0);
	ck_assert_mem_eq(res.export_key, ek, 64);
	ck_assert_int_eq(
	    tt_login_full(c, "old-pw", all3, 3, &res), TPAKE_EAUTH);
	/* A server left on the old share and record is named... */
	c->user[2] = old[2];
	ck_assert_int_eq(
	    tt_login_full(c, "new-pw", all3, 3, &res), TPAKE_EPEER);
	/* ...and cannot help the old password either. */
	ck_assert_int_eq(
	    tt_login_full(c, "old-pw", set13, 2, &res), TPAKE_EQUORUM);
	free(c);
}
END_TEST

START_TEST(fake_users)
{
	struct tt_cluster *c = malloc(sizeof(*c)),
	                  *real = malloc(sizeof(*real));
	struct tt_login *l = malloc(sizeof(*l)), *rl = malloc(sizeof(*rl));
	struct tpake_client_result res;
	struct tpake_blame bl;
	struct tpake_user again;
	uint8_t seed[64], other[64];
	uint8_t i;

	/* The cluster shares one fake seed: unknown users get answers of the
	 * same size as real ones, with proofs that verify, and fail only at
	 * the envelope, exactly like a wrong password. */
	lk_random(seed, 64);
	tt_cluster_keys(c, 2, 3);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(
		    tpake_user_fake(&c->user[i], seed, uid, i + 1, 2, 3), 0);
	ck_assert_int_eq(tpake_user_fake(&again, seed, uid, 2, 2, 3), 0);
	ck_assert_mem_eq(&again, &c->user[1], sizeof(again));
	ck_assert(lk_is_zero(c->user[0].record + 96, 96));
	ck_assert_int_eq(tt_login_start(l, c, "pw", all3, 3), 0);
	ck_assert_int_eq(tt_login_finish(l, c, &res, &bl), TPAKE_EAUTH);
	ck_assert_uint_eq(bl.count, 0);

	tt_cluster_keys(real, 2, 3);
	tt_cluster_register(real, "pw");
	ck_assert_int_eq(tt_login_start(rl, real, "pw", all3, 3), 0);
	for (i = 0; i < 3; i++)
		ck_assert_uint_eq(l->ext_len[i], rl->ext_len[i]);
	ck_assert_uint_eq(l->ext_len[0], TPAKE_EXT_BYTES(2));

	/* Different seeds per server give commitments that disagree, which
	 * would reveal the user is unknown (docs/TPAKE.md). */
	lk_random(other, 64);
	ck_assert_int_eq(tpake_user_fake(&c->user[1], other, uid, 2, 2, 3), 0);
	ck_assert_int_eq(tt_login_start(l, c, "pw", all3, 3), 0);
	ck_assert_int_ne(tt_login_finish(l, c, &res, &bl), TPAKE_EAUTH);
	free(c);
	free(real);
	free(l);
	free(rl);
}
END_TEST

/* What a holder of the fake seed can do with an unknown user's fake record:
 * derive the client key pair the way a record's randomness is derived from
 * the seed, and try to answer the server's KE2 with a KE3. */
static int
forge_fake_ke3(const uint8_t seed[64], uint8_t t, uint8_t n)
{
	struct tpake_server_key key;
	struct tpake_user u;
	struct tpake_client_login cl;
	struct tpake_server_login sl;
	struct tpake_idents ids;
	struct tpake_scalar csk;
	struct tpake_element cpk;
	struct tpake_ake_keys ak;
	struct tpake_iov in[3];
	uint8_t prk[64], l2[2] = { 0, sizeof(TT_USER) - 1 }, skseed[32];
	uint8_t ke1[96], ke2[320], ext[TPAKE_EXT_BYTES(TPAKE_MAX_SERVERS)];
	uint8_t ikm[96], sk[64];
	size_t extlen = sizeof(ext);

	memset(&ids, 0, sizeof(ids));
	ck_assert_int_eq(tpake_server_key_generate(&key, NULL), 0);
	ck_assert_int_eq(tpake_user_fake(&u, seed, uid, 1, t, n), 0);
	in[0] = (struct tpake_iov) { "TPAKE-v1 fake", 13 };
	in[1] = (struct tpake_iov) { l2, 2 };
	in[2] = (struct tpake_iov) { uid.p, uid.len };
	tpake_expand_iov(prk, 64, seed, 64, in, 3);
	in[0] = (struct tpake_iov) { "PrivateKey", 10 };
	tpake_expand_iov(skseed, 32, prk, 64, in, 1);
	ck_assert_int_eq(tpake_dh_keypair(&csk, &cpk, skseed), 0);

	ck_assert_int_eq(tpake_client_login_start(
	                     &cl, ke1, (const uint8_t *) "any", 3, NULL),
	    0);
	ck_assert_int_eq(tpake_server_login_start(&sl, ke2, ext, &extlen, &key,
	                     &u, uid, ke1, &ids, NULL),
	    0);
	ck_assert_int_eq(tpake_mul(ikm, &cl.esk, ke2 + 224), 0);
	ck_assert_int_eq(tpake_mul(ikm + 32, &cl.esk, key.pk.b), 0);
	ck_assert_int_eq(tpake_mul(ikm + 64, &csk, ke2 + 224), 0);
	ck_assert_int_eq(tpake_ake_keys(&ak, ikm, ids.context, ids.client_id,
	                     &cpk, ke1, ids.server_id, &key.pk, ke2),
	    0);
	return tpake_server_login_finish(&sl, sk, ak.client_mac);
}

START_TEST(fake_user_ke3_unforgeable)
{
	uint8_t seed[64];

	/* Every server of a cluster holds the fake seed (threshold mode), so
	 * one malicious server must not be able to log in as an unknown user
	 * at the honest ones: the fake pkC must have no known private key
	 * (RFC 9807 draws it at random and forgets the key). Same in RFC
	 * mode, where the seed is the server's oprf_seed. */
	lk_random(seed, 64);
	ck_assert_int_eq(forge_fake_ke3(seed, 2, 3), TPAKE_EAUTH);
	ck_assert_int_eq(forge_fake_ke3(seed, 1, 1), TPAKE_EAUTH);
}
END_TEST

START_TEST(register_accept_strict)
{
	struct tt_cluster *c = malloc(sizeof(*c));
	struct tpake_deal_params p;
	struct tpake_element pks[3];
	struct tpake_user u;
	uint8_t up[3 * TPAKE_UPLOAD_BYTES(2)], ek[64],
	    x[TPAKE_UPLOAD_BYTES(2) + 1];
	size_t per = TPAKE_UPLOAD_BYTES(2);
	uint8_t i;

	tt_cluster_keys(c, 2, 3);
	memset(&p, 0, sizeof(p));
	p.t = 2;
	p.n = 3;
	for (i = 0; i < 3; i++)
		pks[i] = c->key[i].pk;
	p.server_pk = pks;
	p.ksf = tt_ksf_identity;
	ck_assert_int_eq(tpake_client_register_deal(up, sizeof(up), ek, NULL,
	                     &p, (const uint8_t *) "pw", 2, NULL),
	    0);
	ck_assert_int_eq(
	    tpake_server_register_accept(&u, NULL, up + per, per, 2, 2, 3), 0);
	/* Wrong index, t or n for this upload. */
	ck_assert_int_eq(
	    tpake_server_register_accept(&u, NULL, up, per, 2, 2, 3),
	    TPAKE_EDECODE);
	ck_assert_int_eq(
	    tpake_server_register_accept(&u, NULL, up, per, 1, 2, 4),
	    TPAKE_EDECODE);
	/* Truncated or with a trailing byte. */
	ck_assert_int_eq(
	    tpake_server_register_accept(&u, NULL, up, per - 1, 1, 2, 3),
	    TPAKE_EDECODE);
	memcpy(x, up, per);
	x[per] = 0;
	ck_assert_int_eq(
	    tpake_server_register_accept(&u, NULL, x, per + 1, 1, 2, 3),
	    TPAKE_EDECODE);
	/* A share that does not match the commitments. */
	memcpy(x, up, per);
	memcpy(x + 7, up + per + 7, 32); /* server 2's share */
	ck_assert_int_eq(
	    tpake_server_register_accept(&u, NULL, x, per, 1, 2, 3),
	    TPAKE_ESHARE);
	/* The identity as a commitment. */
	memcpy(x, up, per);
	memset(x + 7 + 32, 0, 32);
	ck_assert_int_eq(
	    tpake_server_register_accept(&u, NULL, x, per, 1, 2, 3),
	    TPAKE_EPOINT);
	/* A zero share. */
	memcpy(x, up, per);
	memset(x + 7, 0, 32);
	ck_assert_int_eq(
	    tpake_server_register_accept(&u, NULL, x, per, 1, 2, 3),
	    TPAKE_ESCALAR);
	/* A stored user is not an upload (different tag). */
	u.index = 1;
	ck_assert_int_eq(
	    tpake_server_register_accept(&u, NULL, up, per, 1, 2, 3), 0);
	{
		uint8_t enc[TPAKE_USER_MAX_BYTES];
		size_t len = sizeof(enc);

		ck_assert_int_eq(tpake_user_encode(enc, &len, &u), 0);
		ck_assert_int_eq(
		    tpake_server_register_accept(&u, NULL, enc, len, 1, 2, 3),
		    TPAKE_EDECODE);
		len = 10;
		ck_assert_int_eq(
		    tpake_user_encode(enc, &len, &u), TPAKE_ETOOBIG);
	}
	free(c);
}
END_TEST

START_TEST(attempt_id_binds_user_and_ke1)
{
	uint8_t ke1[96], a[32], b[32];
	struct tpake_bytes other = { (const uint8_t *) "bob", 3 };

	lk_random(ke1, 96);
	tpake_attempt_id(a, uid, ke1);
	tpake_attempt_id(b, uid, ke1);
	ck_assert_mem_eq(a, b, 32);
	tpake_attempt_id(b, other, ke1);
	ck_assert(memcmp(a, b, 32) != 0);
	ke1[95] ^= 1;
	tpake_attempt_id(b, uid, ke1);
	ck_assert(memcmp(a, b, 32) != 0);
}
END_TEST

START_TEST(deal_params_checked)
{
	struct tpake_deal_params p;
	struct tpake_deal_rand rnd;
	struct tpake_element pks[2];
	struct tpake_server_key k;
	uint8_t up[2 * TPAKE_UPLOAD_BYTES(2)], ek[64];

	memset(&p, 0, sizeof(p));
	ck_assert_int_eq(tpake_server_key_generate(&k, NULL), 0);
	pks[0] = pks[1] = k.pk;
	p.server_pk = pks;
	p.ksf = tt_ksf_identity;
	p.t = 3;
	p.n = 2;
	ck_assert_int_eq(tpake_client_register_deal(up, sizeof(up), ek, NULL,
	                     &p, (const uint8_t *) "pw", 2, NULL),
	    TPAKE_EINVAL);
	p.t = 2;
	memset(pks[1].b, 0, 32);
	ck_assert_int_eq(tpake_client_register_deal(up, sizeof(up), ek, NULL,
	                     &p, (const uint8_t *) "pw", 2, NULL),
	    TPAKE_EPOINT);
	pks[1] = k.pk;
	memset(&rnd, 0, sizeof(rnd));
	tpake_scalar_random(&rnd.coeff[0]);
	ck_assert_int_eq(tpake_client_register_deal(up, sizeof(up), ek, NULL,
	                     &p, (const uint8_t *) "pw", 2, &rnd),
	    TPAKE_ESCALAR);
	ck_assert(lk_is_zero(ek, 64));
	tpake_scalar_random(&rnd.coeff[1]);
	ck_assert_int_eq(tpake_client_register_deal(up, sizeof(up), ek, NULL,
	                     &p, (const uint8_t *) "pw", 2, &rnd),
	    0);
	ck_assert(!lk_is_zero(ek, 64));
}
END_TEST

Suite *
threshold_suite(void)
{
	Suite *s = suite_create("threshold");
	TCase *tc = tcase_create("combine");
	TCase *tb = tcase_create("blame");
	TCase *tf = tcase_create("flips");
	TCase *tr = tcase_create("registration");

	tcase_add_test(tc, oprf_every_subset_equals_single_key);
	tcase_add_test(tc, login_every_subset);
	tcase_add_test(tc, login_more_than_t_any_order);
	tcase_add_test(tc, attempt_id_binds_user_and_ke1);
	suite_add_tcase(s, tc);
	tcase_add_test(tb, blame_wrong_partial);
	tcase_add_test(tb, blame_bad_proof);
	tcase_add_test(tb, blame_replayed_ke2);
	tcase_add_test(tb, blame_replayed_auth_response);
	tcase_add_test(tb, blame_commitments_and_quorum);
	tcase_add_test(tb, blame_envelope_and_mac);
	tcase_add_test(tb, blame_tie_names_no_one);
	tcase_add_test(tb, network_attacker_one_guess);
	tcase_add_test(tb, pinned_keys);
	tcase_add_test(tb, coalition_one_guess);
	tcase_add_test(tb, proof_context_binding);
	tcase_add_test(tb, blame_relabelled_answer);
	tcase_add_test(tb, reply_indices_checked);
	suite_add_tcase(s, tb);
	/* Thousands of logins each: far over Check's 4 s default on a loaded
	 * machine, which failed the suite spuriously. */
	tcase_set_timeout(tf, 120);
	tcase_add_test(tf, flip_ke1);
	tcase_add_test(tf, flip_ke2_and_ext);
	tcase_add_test(tf, flip_ke3);
	tcase_add_test(tf, flip_stored_user);
	suite_add_tcase(s, tf);
	tcase_add_test(tr, password_change);
	tcase_add_test(tr, fake_users);
	tcase_add_test(tr, fake_user_ke3_unforgeable);
	tcase_add_test(tr, register_accept_strict);
	tcase_add_test(tr, deal_params_checked);
	suite_add_tcase(s, tr);
	return s;
}
