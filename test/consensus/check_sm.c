/* State machine semantics: attempts count once per attempt id, backoff
 * past the soft limit, lockout at the hard limit, LOGIN_OK and UNLOCK
 * reset, records and epochs only grow, tombstones stay, session dedup,
 * and canonical, strict snapshots. */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "cons.h"

Suite *sm_suite(void);

static const struct cons_sm_params P = { 2, 4, 100, 1000, 3 };

static struct cons_sm *sm;
static uint64_t idx;

static void
setup(void)
{
	ck_assert_int_eq(cons_sm_new(&sm, &P), 0);
	idx = 0;
}

static void
teardown(void)
{
	cons_sm_free(sm);
}

static struct cons_result
run(uint64_t client, uint64_t seq, uint8_t type, uint8_t user, uint8_t id,
    uint64_t version)
{
	uint8_t b[CONS_CMD_MAX_BYTES];
	struct cons_entry e;
	struct cons_result r;
	struct cons_cmd c;
	size_t len;
	int is_cmd;

	memset(&c, 0, sizeof(c));
	c.client_id = client;
	c.seq = seq;
	c.type = type;
	c.user[0] = user;
	c.id[0] = id;
	c.version = version;
	c.hash[0] = (uint8_t) version;
	ck_assert_int_eq(cons_cmd_encode(b, sizeof(b), &len, &c), 0);
	memset(&e, 0, sizeof(e));
	e.index = ++idx;
	e.term = 1;
	e.type = CONS_ENTRY_CMD;
	e.len = (uint32_t) len;
	e.data = b;
	ck_assert_int_eq(cons_sm_apply(sm, &r, &is_cmd, &e), 0);
	ck_assert_int_eq(is_cmd, 1);
	return r;
}

static uint64_t seq = 0;
#define ATT(u, a) run(1, ++seq, CONS_CMD_ATTEMPT, u, a, 0)

START_TEST(attempts)
{
	struct cons_result r;
	uint32_t count;
	int locked;

	r = ATT(1, 10);
	ck_assert_uint_eq(r.status, CONS_R_OK);
	ck_assert_uint_eq(r.value, 1);
	r = ATT(1, 10); /* same attempt: counted once */
	ck_assert_uint_eq(r.value, 1);
	r = ATT(1, 11);
	ck_assert_uint_eq(r.status, CONS_R_OK);
	ck_assert_uint_eq(r.value, 2);
	r = ATT(1, 12); /* past the soft limit: backoff */
	ck_assert_uint_eq(r.status, CONS_R_BACKOFF);
	ck_assert_uint_eq(r.value, 3);
	ck_assert_uint_eq(r.backoff_ms, 100);
	r = ATT(1, 13);
	ck_assert_uint_eq(r.value, 4);
	ck_assert_uint_eq(r.backoff_ms, 200);
	r = ATT(1, 14); /* at the hard limit: locked, not counted */
	ck_assert_uint_eq(r.status, CONS_R_LOCKED);
	ck_assert_uint_eq(r.value, 4);
	ck_assert_int_eq(
	    cons_sm_user(sm, &count, &locked, (uint8_t[32]) { 1 }), 0);
	ck_assert_uint_eq(count, 4);
	ck_assert_int_eq(locked, 1);
	/* LOGIN_OK of an attempt that was never counted changes nothing */
	r = run(1, ++seq, CONS_CMD_LOGIN_OK, 1, 14, 0);
	ck_assert_uint_eq(r.status, CONS_R_NOTFOUND);
	/* the last answered attempt logs in: reset */
	r = run(1, ++seq, CONS_CMD_LOGIN_OK, 1, 13, 0);
	ck_assert_uint_eq(r.status, CONS_R_OK);
	r = ATT(1, 13); /* a replay of the successful attempt */
	ck_assert_uint_eq(r.status, CONS_R_DONE);
	r = ATT(1, 15);
	ck_assert_uint_eq(r.value, 1);
	/* UNLOCK */
	r = run(1, ++seq, CONS_CMD_UNLOCK, 1, 0, 0);
	ck_assert_uint_eq(r.status, CONS_R_OK);
	r = run(1, ++seq, CONS_CMD_READ_USER, 1, 0, 0);
	ck_assert_uint_eq(r.value, 0);
	r = run(1, ++seq, CONS_CMD_UNLOCK, 9, 0, 0);
	ck_assert_uint_eq(r.status, CONS_R_NOTFOUND);
}
END_TEST

START_TEST(records_epochs)
{
	struct cons_result r;

	r = run(2, 1, CONS_CMD_SET_RECORD, 0, 5, 3);
	ck_assert_uint_eq(r.status, CONS_R_OK);
	r = run(2, 2, CONS_CMD_SET_RECORD, 0, 5, 3); /* not greater */
	ck_assert_uint_eq(r.status, CONS_R_STALE);
	ck_assert_uint_eq(r.value, 3);
	r = run(2, 3, CONS_CMD_SET_RECORD, 0, 5, 2);
	ck_assert_uint_eq(r.status, CONS_R_STALE);
	r = run(2, 4, CONS_CMD_SET_RECORD, 0, 5, 7);
	ck_assert_uint_eq(r.status, CONS_R_OK);
	r = run(2, 5, CONS_CMD_READ_RECORD, 0, 5, 0);
	ck_assert_uint_eq(r.value, 7);
	ck_assert_uint_eq(r.hash[0], 7);
	{
		/* the read-only view agrees with the log */
		uint8_t id[CONS_ID_BYTES] = { 5 }, h[CONS_ID_BYTES];
		uint64_t v;
		int del;
		ck_assert_int_eq(cons_sm_record(sm, &v, h, &del, id), 0);
		ck_assert_uint_eq(v, 7);
		ck_assert_uint_eq(h[0], 7);
		ck_assert_int_eq(del, 0);
		id[0] = 6;
		ck_assert_int_eq(
		    cons_sm_record(sm, &v, h, &del, id), CONS_R_NOTFOUND);
		ck_assert_uint_eq(v, 0);
	}
	r = run(2, 6, CONS_CMD_DELETE_RECORD, 0, 5, 8);
	ck_assert_uint_eq(r.status, CONS_R_OK);
	r = run(2, 7, CONS_CMD_SET_RECORD, 0, 5, 9); /* tombstone stays */
	ck_assert_uint_eq(r.status, CONS_R_DELETED);
	r = run(2, 8, CONS_CMD_READ_RECORD, 0, 5, 0);
	ck_assert_uint_eq(r.status, CONS_R_DELETED);
	{
		uint8_t id[CONS_ID_BYTES] = { 5 }, h[CONS_ID_BYTES];
		uint64_t v;
		int del;
		ck_assert_int_eq(cons_sm_record(sm, &v, h, &del, id), 0);
		ck_assert_int_eq(del, 1);
		ck_assert_uint_eq(v, 8);
	}
	r = run(2, 9, CONS_CMD_READ_RECORD, 0, 6, 0);
	ck_assert_uint_eq(r.status, CONS_R_NOTFOUND);
	r = run(2, 10, CONS_CMD_SET_EPOCH, 0, 1, 2);
	ck_assert_uint_eq(r.status, CONS_R_OK);
	r = run(2, 11, CONS_CMD_SET_EPOCH, 0, 1, 2);
	ck_assert_uint_eq(r.status, CONS_R_STALE);
	r = run(2, 12, CONS_CMD_SET_EPOCH, 0, 1, 5);
	ck_assert_uint_eq(r.value, 5);
}
END_TEST

START_TEST(sessions)
{
	struct cons_result r, again;
	uint64_t s;

	/* a retried (client, seq) returns the cached answer and does not
	 * count again, even with a different attempt id */
	r = run(3, 1, CONS_CMD_ATTEMPT, 4, 1, 0);
	ck_assert_uint_eq(r.value, 1);
	again = run(3, 1, CONS_CMD_ATTEMPT, 4, 2, 0);
	ck_assert_uint_eq(again.value, 1);
	r = run(3, 2, CONS_CMD_ATTEMPT, 4, 3, 0);
	ck_assert_uint_eq(r.value, 2);
	/* out-of-order seq inside the window executes once */
	for (s = 3; s < 3 + CONS_SESSION_WIN + 5; s++)
		run(3, s + 10, CONS_CMD_NOP, 0, 0, 0);
	r = run(3, 1, CONS_CMD_ATTEMPT, 4, 1, 0); /* fell out of window */
	ck_assert_uint_eq(r.status, CONS_R_OLDSEQ);
	/* session table is bounded (3): the oldest client is evicted */
	run(4, 1, CONS_CMD_NOP, 0, 0, 0);
	run(5, 1, CONS_CMD_NOP, 0, 0, 0);
	run(6, 1, CONS_CMD_NOP, 0, 0, 0); /* evicts client 3 */
	r = run(3, 2, CONS_CMD_ATTEMPT, 4, 3, 0);
	/* evicted: re-executed, but the attempt id still counts once */
	ck_assert_uint_eq(r.value, 2);
}
END_TEST

START_TEST(noop_and_bad)
{
	struct cons_entry e;
	struct cons_result r;
	static const uint8_t junk[] = { 1, 2, 3 };
	int is_cmd;

	memset(&e, 0, sizeof(e));
	e.index = 2;
	e.type = CONS_ENTRY_NOOP;
	ck_assert_int_eq(cons_sm_apply(sm, &r, &is_cmd, &e), CONS_EINVAL);
	e.index = 1;
	ck_assert_int_eq(cons_sm_apply(sm, &r, &is_cmd, &e), 0);
	ck_assert_int_eq(is_cmd, 0);
	e.index = 2;
	e.type = CONS_ENTRY_CMD;
	e.data = junk;
	e.len = 3;
	ck_assert_int_eq(cons_sm_apply(sm, &r, &is_cmd, &e), 0);
	ck_assert_uint_eq(r.status, CONS_R_BADCMD);
	ck_assert_uint_eq(cons_sm_applied(sm), 2);
}
END_TEST

START_TEST(snapshots)
{
	struct cons_sm *b;
	uint8_t *s1, *s2;
	size_t cap, l1, l2, k;

	ATT(1, 1);
	ATT(1, 2);
	ATT(2, 3);
	run(7, 1, CONS_CMD_SET_RECORD, 0, 9, 4);
	run(7, 2, CONS_CMD_DELETE_RECORD, 0, 8, 1);
	run(7, 3, CONS_CMD_SET_EPOCH, 0, 3, 2);
	run(1, ++seq, CONS_CMD_LOGIN_OK, 2, 3, 0);
	ck_assert_int_eq(cons_sm_snapshot(sm, NULL, 0, &cap), 0);
	s1 = malloc(cap);
	s2 = malloc(cap);
	ck_assert_int_eq(cons_sm_snapshot(sm, s1, cap, &l1), 0);
	ck_assert_int_eq(cons_sm_new(&b, &P), 0);
	ck_assert_int_eq(cons_sm_restore(b, s1, l1), 0);
	ck_assert_uint_eq(cons_sm_applied(b), cons_sm_applied(sm));
	ck_assert_int_eq(cons_sm_snapshot(b, s2, cap, &l2), 0);
	ck_assert_uint_eq(l1, l2);
	ck_assert_mem_eq(s1, s2, l1);
	/* strict: every prefix and a trailing byte fail, state unchanged */
	for (k = 0; k < l1; k++)
		ck_assert_int_ne(cons_sm_restore(b, s1, k), 0);
	ck_assert_int_eq(cons_sm_snapshot(b, s2, cap, &l2), 0);
	ck_assert_mem_eq(s1, s2, l1);
	cons_sm_free(b);
	free(s1);
	free(s2);
}
END_TEST

Suite *
sm_suite(void)
{
	Suite *s = suite_create("sm");
	TCase *tc = tcase_create("semantics");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, attempts);
	tcase_add_test(tc, records_epochs);
	tcase_add_test(tc, sessions);
	tcase_add_test(tc, noop_and_bad);
	tcase_add_test(tc, snapshots);
	suite_add_tcase(s, tc);
	return s;
}
