/* Audit events: canonical encoding, strict decoding, chains that break
 * when any event is changed, dropped or reordered, and Lock-Keeper's
 * filters. */
#include <string.h>

#include <check.h>

#include "audit.h"
#include "lk_common.h"

Suite *audit_suite(void);

static struct srv_audit_event
event(uint64_t seq, uint16_t action, int key)
{
	struct srv_audit_event e;

	memset(&e, 0, sizeof(e));
	e.seq = seq;
	e.time_ms = 1000 * seq;
	memset(e.user_id, 7, 16);
	e.action = action;
	e.outcome = SRV_AUD_SUCCESS;
	e.has_key = (uint8_t) (key != 0);
	if (key)
		memset(e.key_id, key, 32);
	lk_random(e.request_id, 16);
	return e;
}

START_TEST(encode_decode)
{
	struct srv_audit_event e = event(3, SRV_AUD_STORE_SECRET, 9), d;
	uint8_t b[SRV_AUDIT_EVENT_BYTES];

	srv_audit_encode(b, &e);
	ck_assert_int_eq(srv_audit_decode(&d, b), 0);
	ck_assert_mem_eq(&d, &e, sizeof(e));
	b[8 + 8 + 16 + 1] = 99; /* action */
	ck_assert_int_ne(srv_audit_decode(&d, b), 0);
	srv_audit_encode(b, &e);
	b[8 + 8 + 16 + 2] = 0; /* outcome */
	ck_assert_int_ne(srv_audit_decode(&d, b), 0);
	e.has_key = 0; /* key id bytes without has_key */
	srv_audit_encode(b, &e);
	ck_assert_int_ne(srv_audit_decode(&d, b), 0);
}
END_TEST

START_TEST(chain_breaks)
{
	struct srv_audit_event ev[4];
	uint8_t h[5][32], g[32], user[16];
	int i;

	memset(user, 7, 16);
	ev[0] = event(1, SRV_AUD_REGISTER, 0);
	ev[1] = event(2, SRV_AUD_LOGIN, 0);
	ev[2] = event(3, SRV_AUD_STORE_SECRET, 4);
	ev[3] = event(4, SRV_AUD_LOGOUT, 0);
	srv_audit_genesis(h[0], user);
	for (i = 0; i < 4; i++)
		srv_audit_link(h[i + 1], h[i], &ev[i]);
	/* dropping event 2 gives another head */
	srv_audit_link(g, h[1], &ev[2]);
	ck_assert(memcmp(g, h[3], 32) != 0);
	/* changing its outcome too */
	ev[1].outcome = SRV_AUD_FAILED;
	srv_audit_link(g, h[1], &ev[1]);
	ck_assert(memcmp(g, h[2], 32) != 0);
	/* another user's genesis differs */
	user[0] = 8;
	srv_audit_genesis(g, user);
	ck_assert(memcmp(g, h[0], 32) != 0);
}
END_TEST

START_TEST(filters)
{
	struct srv_audit_event sys = event(1, SRV_AUD_LOGIN, 0),
	                       k1 = event(2, SRV_AUD_STORE_SECRET, 1),
	                       k2 = event(3, SRV_AUD_DELETE_KEY, 2);
	struct srv_audit_filter f;

	memset(&f, 0, sizeof(f));
	ck_assert(srv_audit_match(&sys, &f) && srv_audit_match(&k1, &f));
	f.type = SRV_AUDT_SYSTEM;
	ck_assert(srv_audit_match(&sys, &f) && !srv_audit_match(&k1, &f));
	f.type = SRV_AUDT_KEY;
	ck_assert(!srv_audit_match(&sys, &f) && srv_audit_match(&k2, &f));
	f.type = SRV_AUDT_ALL;
	f.nkeys = 1;
	memset(f.key_ids[0], 2, 32);
	ck_assert(!srv_audit_match(&k1, &f) && srv_audit_match(&k2, &f));
	ck_assert(!srv_audit_match(&sys, &f));
	f.nkeys = 0;
	f.after_ms = 1000;
	f.before_ms = 3000;
	ck_assert(!srv_audit_match(&sys, &f)); /* at 1000: not after */
	ck_assert(srv_audit_match(&k1, &f));
	ck_assert(!srv_audit_match(&k2, &f)); /* at 3000: not before */
	memset(&f, 0, sizeof(f));
	f.has_request_id = 1;
	memcpy(f.request_id, k1.request_id, 16);
	ck_assert(srv_audit_match(&k1, &f) && !srv_audit_match(&k2, &f));
}
END_TEST

Suite *
audit_suite(void)
{
	Suite *s = suite_create("audit");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, encode_decode);
	tcase_add_test(tc, chain_breaks);
	tcase_add_test(tc, filters);
	suite_add_tcase(s, tc);
	return s;
}
