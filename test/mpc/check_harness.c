/* The malicious-party matrix (harness.h): one party changes one field of
 * one of its messages, in every round, and the honest parties must name
 * exactly that party (or drop the message without naming anyone, for the
 * signature, session id and receiver fields).
 *
 * Full matrix (every field of every round): DKG, refresh and import at
 * (2,3), presign at (2,3). Sample at (3,5): presign with every envelope and
 * echo field and every 4th protocol field. The blame rounds: the R5 and R6
 * messages of a party that also deviated in round 3. The aux-info sample
 * is in check_aux.c (its proofs are the expensive ones). */
#include <stdio.h>
#include <string.h>

#include <check.h>
#include <sodium.h>

#include "harness.h"
#include "mpc_test.h"

Suite *harness_suite(void);

struct ctx {
	uint32_t t;
	const char *label;
	struct mpc_keyshare **ks;
	struct mpc_aux **aux;
	const uint32_t *signers;
	uint32_t nsigners;
	struct mpc_msg *blobs;
	uint8_t dealer_pk[32];
	uint32_t faulty, fault;
};

static int
dkg_create(void *arg, struct sim *s, uint32_t i, struct mpc_sm **out)
{
	struct ctx *c = arg;

	return mpc_dkg_new(s->ctx, out, &s->cl, &s->self[i], c->t,
	    (const uint8_t *) c->label, strlen(c->label));
}

static int
refresh_create(void *arg, struct sim *s, uint32_t i, struct mpc_sm **out)
{
	struct ctx *c = arg;

	return mpc_refresh_new(s->ctx, out, &s->cl, &s->self[i], c->ks[i],
	    (const uint8_t *) c->label, strlen(c->label));
}

static int
import_create(void *arg, struct sim *s, uint32_t i, struct mpc_sm **out)
{
	struct ctx *c = arg;

	return mpc_import_new(s->ctx, out, &s->cl, &s->self[i], c->dealer_pk,
	    c->blobs[i].data, c->blobs[i].len, (const uint8_t *) c->label,
	    strlen(c->label));
}

static int
presign_create(void *arg, struct sim *s, uint32_t i, struct mpc_sm **out)
{
	struct ctx *c = arg;
	int rv;

	rv = mpc_presign_new(s->ctx, out, &s->cl, &s->self[i], c->ks[i],
	    c->aux[i], c->signers, c->nsigners, (const uint8_t *) c->label,
	    strlen(c->label));
	if (rv == 0 && i == c->faulty)
		(*out)->fault = c->fault;
	return rv;
}

static const uint32_t all5[5] = { 0, 1, 2, 3, 4 };

static void
report(const char *what, const struct hx_stats *st)
{
	fprintf(stderr,
	    "harness %s: %zu cases (%zu blamed, %zu dropped); per round", what,
	    st->cases, st->blamed, st->dropped);
	for (size_t r = 1; r <= SM_MAXR; r++)
		if (st->per_round[r])
			fprintf(stderr, " R%zu:%zu", r, st->per_round[r]);
	fprintf(stderr, "\n");
}

START_TEST(dkg_matrix)
{
	struct ctx c = { .t = 2, .label = "hx-dkg" };
	struct hx_proto p
	    = { MPC_KIND_DKG, 3, all5, 2, dkg_create, &c, 0, 0, 0 };
	struct hx_stats st;
	struct sim s;
	uint32_t j;

	ck_assert_int_eq(sim_init(&s, tmpc_ctx(), 3, 11, 0), 0);
	for (j = 0; j < 3; j++) {
		hx_run(&s, &p, j, 1, &st);
		ck_assert_uint_gt(st.blamed, 40);
		ck_assert_uint_eq(st.per_round[1] > 0 && st.per_round[2] > 0
		        && st.per_round[3] > 0 && st.per_round[4] > 0,
		    1);
		if (j == 0)
			report("dkg (2,3)", &st);
	}
	sim_clear(&s);
}
END_TEST

START_TEST(refresh_matrix)
{
	struct mpc_keyshare *ks[3] = { 0 };
	struct ctx c = { .t = 2, .label = "hx-refresh", .ks = ks };
	struct hx_proto p
	    = { MPC_KIND_REFRESH, 3, all5, 2, refresh_create, &c, 0, 0, 0 };
	struct hx_stats st;
	struct sim s;
	size_t i;

	ck_assert_int_eq(sim_init(&s, tmpc_ctx(), 3, 12, 0), 0);
	ck_assert_int_eq(sim_dkg(&s, 2, "dkg", ks), 0);
	hx_run(&s, &p, 2, 1, &st);
	report("refresh (2,3)", &st);
	ck_assert_uint_gt(st.blamed, 40);
	for (i = 0; i < 3; i++)
		mpc_keyshare_free(ks[i]);
	sim_clear(&s);
}
END_TEST

START_TEST(import_matrix)
{
	struct mpc_msg blobs[3];
	struct ctx c = { .t = 2, .label = "hx-import", .blobs = blobs };
	struct hx_proto p
	    = { MPC_KIND_IMPORT, 3, all5, 2, import_create, &c, 0, 0, 0 };
	uint8_t dsk[64], secret[32] = { 0 }, cc[32] = { 5 };
	struct hx_stats st;
	struct sim s;
	size_t i;

	secret[31] = 42;
	crypto_sign_keypair(c.dealer_pk, dsk);
	ck_assert_int_eq(sim_init(&s, tmpc_ctx(), 3, 13, 0), 0);
	ck_assert_int_eq(
	    mpc_import_deal(tmpc_ctx(), blobs, 3, 2, secret, cc, dsk), 0);
	hx_run(&s, &p, 1, 1, &st);
	report("import (2,3)", &st);
	ck_assert_uint_gt(st.blamed, 20);
	for (i = 0; i < 3; i++)
		mpc_msg_clear(&blobs[i]);
	sim_clear(&s);
}
END_TEST

/* Presign among signers of a fresh key with fixture aux info. */
static void
presign_matrix(uint32_t n, uint32_t t, const uint32_t *signers, uint32_t j,
    size_t stride, uint32_t fault, uint8_t min_round, const char *what)
{
	struct mpc_keyshare *ks[5] = { 0 };
	struct mpc_aux *aux[5] = { 0 };
	struct ctx c = { .t = t,
		.label = "hx-presign",
		.ks = ks,
		.aux = aux,
		.signers = signers,
		.nsigners = t,
		.faulty = fault ? j : MPC_PARTY_NONE,
		.fault = fault };
	struct hx_proto p = { MPC_KIND_PRESIGN, t, signers, t, presign_create,
		&c, min_round, fault != 0, 0 };
	struct hx_stats st;
	struct sim s;
	size_t i;

	ck_assert_int_eq(sim_init(&s, tmpc_ctx(), n, 14, 0), 0);
	ck_assert_int_eq(sim_dkg(&s, t, "dkg", ks), 0);
	for (i = 0; i < n; i++)
		aux[i] = tmpc_aux(n, (uint32_t) i);
	hx_run(&s, &p, j, stride, &st);
	report(what, &st);
	ck_assert_uint_gt(st.blamed, 0);
	for (i = 0; i < n; i++) {
		mpc_keyshare_free(ks[i]);
		mpc_aux_free(aux[i]);
	}
	sim_clear(&s);
}

START_TEST(presign_matrix_2_3)
{
	static const uint32_t set[2] = { 0, 2 };

	presign_matrix(3, 2, set, 2, 1, 0, 0, "presign (2,3)");
}
END_TEST

START_TEST(presign_sample_3_5)
{
	static const uint32_t set[3] = { 1, 2, 4 };

	presign_matrix(5, 3, set, 2, 4, 0, 0, "presign (3,5) sample");
}
END_TEST

START_TEST(presign_blame_round_messages)
{
	static const uint32_t set[3] = { 0, 2, 4 };

	/* j also deviates in round 3, so R5 (resp. R6) happens; every change
	 * of its R5/R6 message must still name j */
	presign_matrix(5, 3, set, 2, 6, FAULT_DELTA, 5, "presign R5 sample");
	presign_matrix(5, 3, set, 2, 6, FAULT_SHAT, 6, "presign R6 sample");
}
END_TEST

Suite *
harness_suite(void)
{
	Suite *s = suite_create("harness");
	TCase *tc = tcase_create("matrix");

	tcase_add_unchecked_fixture(tc, tmpc_parties_setup, NULL);
	tcase_set_timeout(tc, 900);
	tcase_add_test(tc, dkg_matrix);
	tcase_add_test(tc, refresh_matrix);
	tcase_add_test(tc, import_matrix);
	tcase_add_test(tc, presign_matrix_2_3);
	tcase_add_test(tc, presign_sample_3_5);
	tcase_add_test(tc, presign_blame_round_messages);
	suite_add_tcase(s, tc);
	return s;
}
