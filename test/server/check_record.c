/* Storage records: round trip; another key, identity or version fails; a
 * record older or newer than the committed one, or altered in any byte, is
 * refused by the freshness check before decryption. */
#include <string.h>

#include <check.h>

#include "lk_common.h"
#include "record.h"

Suite *record_suite(void);

static uint8_t skey[32], data[300], rec[300 + SRV_RECORD_OVERHEAD], out[300];
static const uint8_t id[] = "secret|user-1|key-9";

START_TEST(roundtrip)
{
	size_t rl, dl;
	uint64_t v;
	uint8_t h[32];

	lk_random(skey, sizeof(skey));
	lk_random(data, sizeof(data));
	ck_assert_int_eq(srv_record_seal(rec, sizeof(rec), &rl, skey, id,
	                     sizeof(id), 7, data, sizeof(data)),
	    0);
	ck_assert_uint_eq(rl, sizeof(data) + SRV_RECORD_OVERHEAD);
	srv_record_hash(h, rec, rl);
	ck_assert_int_eq(srv_record_check(rec, rl, 7, h), 0);
	ck_assert_int_eq(srv_record_open(out, sizeof(out), &dl, &v, skey, id,
	                     sizeof(id), rec, rl),
	    0);
	ck_assert_uint_eq(dl, sizeof(data));
	ck_assert_uint_eq(v, 7);
	ck_assert_mem_eq(out, data, dl);
	/* empty data */
	ck_assert_int_eq(srv_record_seal(rec, sizeof(rec), &rl, skey, id,
	                     sizeof(id), 1, NULL, 0),
	    0);
	ck_assert_int_eq(srv_record_open(out, sizeof(out), &dl, &v, skey, id,
	                     sizeof(id), rec, rl),
	    0);
	ck_assert_uint_eq(dl, 0);
}
END_TEST

START_TEST(binding)
{
	uint8_t other[32];
	size_t rl, dl;
	uint64_t v;

	lk_random(skey, sizeof(skey));
	lk_random(other, sizeof(other));
	ck_assert_int_eq(srv_record_seal(rec, sizeof(rec), &rl, skey, id,
	                     sizeof(id), 3, data, 50),
	    0);
	/* another storage key */
	ck_assert_int_eq(srv_record_open(out, sizeof(out), &dl, &v, other, id,
	                     sizeof(id), rec, rl),
	    LK_EAUTH);
	ck_assert(lk_is_zero(out, 50));
	/* another identity: a record moved under another user or key id */
	ck_assert_int_eq(
	    srv_record_open(out, sizeof(out), &dl, &v, skey,
	        (const uint8_t *) "secret|user-2|key-9", sizeof(id), rec, rl),
	    LK_EAUTH);
	/* the version field rewritten (it is authenticated) */
	rec[11] ^= 1;
	ck_assert_int_eq(srv_record_open(out, sizeof(out), &dl, &v, skey, id,
	                     sizeof(id), rec, rl),
	    LK_EAUTH);
	rec[11] ^= 1;
	/* truncated, and bad magic */
	ck_assert_int_eq(srv_record_open(out, sizeof(out), &dl, &v, skey, id,
	                     sizeof(id), rec, SRV_RECORD_OVERHEAD - 1),
	    SRV_ESTALE);
	rec[0] = 'X';
	ck_assert_int_eq(srv_record_open(out, sizeof(out), &dl, &v, skey, id,
	                     sizeof(id), rec, rl),
	    SRV_ESTALE);
}
END_TEST

START_TEST(freshness)
{
	uint8_t old[100 + SRV_RECORD_OVERHEAD], cur[100 + SRV_RECORD_OVERHEAD],
	    h_cur[32];
	size_t ol, cl, i;

	lk_random(skey, sizeof(skey));
	ck_assert_int_eq(srv_record_seal(old, sizeof(old), &ol, skey, id,
	                     sizeof(id), 4, data, 100),
	    0);
	ck_assert_int_eq(srv_record_seal(cur, sizeof(cur), &cl, skey, id,
	                     sizeof(id), 5, data, 100),
	    0);
	srv_record_hash(h_cur, cur, cl);
	/* a rolled-back database serves the older record: refused */
	ck_assert_int_eq(srv_record_check(old, ol, 5, h_cur), SRV_ESTALE);
	ck_assert_int_eq(srv_record_check(cur, cl, 5, h_cur), 0);
	/* same version, other bytes (a re-seal, or tampering) */
	ck_assert_int_eq(srv_record_seal(old, sizeof(old), &ol, skey, id,
	                     sizeof(id), 5, data, 100),
	    0);
	ck_assert_int_eq(srv_record_check(old, ol, 5, h_cur), SRV_ESTALE);
	for (i = 0; i < cl; i += 13) {
		cur[i] ^= 0x80;
		ck_assert_int_eq(
		    srv_record_check(cur, cl, 5, h_cur), SRV_ESTALE);
		cur[i] ^= 0x80;
	}
	/* a newer record than the committed version is refused too */
	ck_assert_int_eq(srv_record_check(cur, cl, 4, h_cur), SRV_ESTALE);
}
END_TEST

Suite *
record_suite(void)
{
	Suite *s = suite_create("record");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, roundtrip);
	tcase_add_test(tc, binding);
	tcase_add_test(tc, freshness);
	suite_add_tcase(s, tc);
	return s;
}
