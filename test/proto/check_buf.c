/* Byte cursors: round trips, bounds, canonical big integers, and the
 * "a failed get leaves the cursor untouched" rule. */
#include <string.h>

#include <check.h>

#include "proto_buf.h"
#include "proto_err.h"

Suite *buf_suite(void);

START_TEST(roundtrip)
{
	uint8_t buf[128], fx[3] = { 1, 2, 3 }, big[4] = { 0, 0, 7, 9 };
	struct proto_wbuf w;
	struct proto_rbuf r;
	const uint8_t *p;
	size_t len, n;
	uint8_t a;
	uint16_t b;
	uint32_t c;
	uint64_t d;
	uint8_t f[3];

	proto_wbuf_init(&w, buf, sizeof(buf));
	proto_put_u8(&w, 0xab);
	proto_put_u16(&w, 0xbeef);
	proto_put_u32(&w, 0xdeadbeef);
	proto_put_u64(&w, 0x0102030405060708ull);
	proto_put_fixed(&w, fx, 3);
	proto_put_bytes(&w, (const uint8_t *) "hello", 5);
	proto_put_bigint(&w, big, 4);
	proto_put_bigint(&w, big, 2); /* zero */
	ck_assert_int_eq(proto_wbuf_finish(&w, &len), 0);
	ck_assert_uint_eq(len, 1 + 2 + 4 + 8 + 3 + 4 + 5 + 2 + 2 + 2);

	proto_rbuf_init(&r, buf, len);
	ck_assert_int_eq(proto_get_u8(&r, &a), 0);
	ck_assert_int_eq(proto_get_u16(&r, &b), 0);
	ck_assert_int_eq(proto_get_u32(&r, &c), 0);
	ck_assert_int_eq(proto_get_u64(&r, &d), 0);
	ck_assert_int_eq(proto_get_fixed(&r, f, 3), 0);
	ck_assert_uint_eq(a, 0xab);
	ck_assert_uint_eq(b, 0xbeef);
	ck_assert_uint_eq(c, 0xdeadbeef);
	ck_assert_uint_eq(d, 0x0102030405060708ull);
	ck_assert_mem_eq(f, fx, 3);
	ck_assert_int_eq(proto_get_bytes_direct(&r, &p, &n, 0, 5), 0);
	ck_assert_uint_eq(n, 5);
	ck_assert_mem_eq(p, "hello", 5);
	ck_assert_int_eq(proto_get_bigint_direct(&r, &p, &n, 8, 0), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(p[0], 7);
	ck_assert_int_eq(
	    proto_get_bigint_direct(&r, &p, &n, 8, 0), PROTO_ERANGE);
	ck_assert_int_eq(proto_get_bigint_direct(&r, &p, &n, 8, 1), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(proto_rbuf_done(&r), 0);
}
END_TEST

START_TEST(failed_get_leaves_cursor)
{
	/* length 6 > max 5 */
	static const uint8_t in[]
	    = { 0, 0, 0, 6, 'a', 'b', 'c', 'd', 'e', 'f' };
	static const uint8_t lz[] = { 0, 2, 0, 1 };
	static const uint8_t sh[] = { 0, 0, 0, 9, 'a' };
	struct proto_rbuf r;
	const uint8_t *p;
	size_t n;
	uint64_t d;

	proto_rbuf_init(&r, in, sizeof(in));
	ck_assert_int_eq(
	    proto_get_bytes_direct(&r, &p, &n, 0, 5), PROTO_ETOOBIG);
	ck_assert_ptr_eq(r.p, in);
	ck_assert_uint_eq(r.len, sizeof(in));
	ck_assert_ptr_null(p);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(
	    proto_get_bytes_direct(&r, &p, &n, 7, 9), PROTO_ERANGE);
	ck_assert_ptr_eq(r.p, in);

	proto_rbuf_init(&r, sh, sizeof(sh));
	ck_assert_int_eq(
	    proto_get_bytes_direct(&r, &p, &n, 0, 100), PROTO_ESHORT);
	ck_assert_ptr_eq(r.p, sh);

	proto_rbuf_init(&r, lz, sizeof(lz));
	ck_assert_int_eq(
	    proto_get_bigint_direct(&r, &p, &n, 8, 1), PROTO_ENONCANON);
	ck_assert_ptr_eq(r.p, lz);
	ck_assert_int_eq(
	    proto_get_bigint_direct(&r, &p, &n, 1, 1), PROTO_ETOOBIG);

	proto_rbuf_init(&r, lz, 3);
	ck_assert_int_eq(proto_get_u64(&r, &d), PROTO_ESHORT);
	ck_assert_uint_eq(d, 0);
	ck_assert_uint_eq(r.len, 3);
	ck_assert_int_eq(proto_rbuf_done(&r), PROTO_ETRAILING);
}
END_TEST

START_TEST(writer_overflow_latches)
{
	uint8_t buf[5];
	struct proto_wbuf w;
	size_t len = 99;

	proto_wbuf_init(&w, buf, sizeof(buf));
	proto_put_u32(&w, 1);
	proto_put_u16(&w, 2); /* does not fit */
	proto_put_u8(&w, 3); /* would fit, but the error is latched */
	ck_assert_int_eq(proto_wbuf_finish(&w, &len), PROTO_ESPACE);
	ck_assert_uint_eq(len, 0);
}
END_TEST

Suite *
buf_suite(void)
{
	Suite *s = suite_create("buf");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, roundtrip);
	tcase_add_test(tc, failed_get_leaves_cursor);
	tcase_add_test(tc, writer_overflow_latches);
	suite_add_tcase(s, tc);
	return s;
}
