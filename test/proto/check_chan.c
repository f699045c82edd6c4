/* The secure channel: both directions round-trip; replayed, reordered,
 * reflected, cross-session and tampered frames are refused and change
 * nothing. */
#include <string.h>

#include <check.h>

#include "lk_common.h"
#include "proto_chan.h"

Suite *chan_suite(void);

static uint8_t key[64], sid[PROTO_SID_BYTES];

static void
pair(struct proto_chan *cli, struct proto_chan *srv, uint16_t server)
{
	ck_assert_int_eq(
	    proto_chan_init(cli, key, sizeof(key), sid, server, 1), 0);
	ck_assert_int_eq(
	    proto_chan_init(srv, key, sizeof(key), sid, server, 0), 0);
}

static void
setup(void)
{
	lk_random(key, sizeof(key));
	lk_random(sid, sizeof(sid));
}

START_TEST(roundtrip_both_directions)
{
	struct proto_chan cli, srv;
	struct proto_hdr h;
	uint8_t f[256], body[200];
	size_t len, blen;
	int i;

	pair(&cli, &srv, 2);
	for (i = 0; i < 5; i++) {
		ck_assert_int_eq(
		    proto_chan_seal(&cli, f, sizeof(f), &len, 0x0401, 0, 7,
		        (const uint8_t *) "hello", 5),
		    0);
		ck_assert_int_eq(proto_chan_open(&srv, &h, body, sizeof(body),
		                     &blen, f, len),
		    0);
		ck_assert_uint_eq(blen, 5);
		ck_assert_mem_eq(body, "hello", 5);
		ck_assert_uint_eq(h.type, 0x0401);
		ck_assert_uint_eq(h.ssid, 7);
		ck_assert_uint_eq(h.seq, (uint64_t) i + 1);
		ck_assert_uint_eq(h.sender, 0);
		ck_assert_int_eq(
		    proto_chan_seal(&srv, f, sizeof(f), &len, 0x0401,
		        PROTO_F_RESPONSE, 7, (const uint8_t *) "ok", 2),
		    0);
		ck_assert_int_eq(proto_chan_open(&cli, &h, body, sizeof(body),
		                     &blen, f, len),
		    0);
		ck_assert_uint_eq(blen, 2);
		ck_assert_uint_eq(h.sender, 2);
		ck_assert(h.flags & PROTO_F_RESPONSE);
	}
	/* empty bodies are fine */
	ck_assert_int_eq(
	    proto_chan_seal(&cli, f, sizeof(f), &len, 0x0402, 0, 8, NULL, 0),
	    0);
	ck_assert_int_eq(
	    proto_chan_open(&srv, &h, body, sizeof(body), &blen, f, len), 0);
	ck_assert_uint_eq(blen, 0);
}
END_TEST

START_TEST(replay_reorder_refused)
{
	struct proto_chan cli, srv, saved;
	struct proto_hdr h;
	uint8_t f1[128], f2[128], body[64];
	size_t l1, l2, blen;

	pair(&cli, &srv, 1);
	proto_chan_seal(
	    &cli, f1, sizeof(f1), &l1, 0x0401, 0, 1, (const uint8_t *) "a", 1);
	proto_chan_seal(
	    &cli, f2, sizeof(f2), &l2, 0x0401, 0, 1, (const uint8_t *) "b", 1);
	/* reordered: second before first */
	saved = srv;
	ck_assert_int_eq(
	    proto_chan_open(&srv, &h, body, sizeof(body), &blen, f2, l2),
	    PROTO_EREPLAY);
	ck_assert_mem_eq(&saved, &srv, sizeof(srv));
	ck_assert_int_eq(
	    proto_chan_open(&srv, &h, body, sizeof(body), &blen, f1, l1), 0);
	/* replay of the first */
	ck_assert_int_eq(
	    proto_chan_open(&srv, &h, body, sizeof(body), &blen, f1, l1),
	    PROTO_EREPLAY);
	ck_assert_int_eq(
	    proto_chan_open(&srv, &h, body, sizeof(body), &blen, f2, l2), 0);
	ck_assert_int_eq(
	    proto_chan_open(&srv, &h, body, sizeof(body), &blen, f2, l2),
	    PROTO_EREPLAY);
}
END_TEST

START_TEST(cross_session_and_reflection_refused)
{
	struct proto_chan cli, srv, other_srv, cli3, srv3;
	struct proto_hdr h;
	uint8_t f[128], body[64], sid2[PROTO_SID_BYTES];
	size_t len, blen;

	pair(&cli, &srv, 1);
	/* a frame of this session, at a server of another session */
	memcpy(sid2, sid, sizeof(sid2));
	sid2[0] ^= 1;
	ck_assert_int_eq(
	    proto_chan_init(&other_srv, key, sizeof(key), sid2, 1, 0), 0);
	proto_chan_seal(
	    &cli, f, sizeof(f), &len, 0x0401, 0, 1, (const uint8_t *) "x", 1);
	ck_assert_int_eq(
	    proto_chan_open(&other_srv, &h, body, sizeof(body), &blen, f, len),
	    PROTO_ESESSION);
	/* same sid, but the frame's sid field rewritten: the header is
	 * authenticated */
	memcpy(f + 8, sid2, PROTO_SID_BYTES);
	ck_assert_int_eq(
	    proto_chan_open(&other_srv, &h, body, sizeof(body), &blen, f, len),
	    PROTO_EAUTH);
	/* same session key and sid, other server index: other keys */
	pair(&cli3, &srv3, 3);
	{
		struct proto_chan fresh1, unused;
		pair(&fresh1, &unused, 1);
		proto_chan_seal(&fresh1, f, sizeof(f), &len, 0x0401, 0, 1,
		    (const uint8_t *) "y", 1);
	}
	/* (the sender field says 0 for both; only the keys differ) */
	(void) cli3;
	ck_assert_int_eq(
	    proto_chan_open(&srv3, &h, body, sizeof(body), &blen, f, len),
	    PROTO_EAUTH);
	/* reflection: the server's own frame fed back to it */
	{
		struct proto_chan s2 = srv;
		proto_chan_seal(&srv, f, sizeof(f), &len, 0x0401,
		    PROTO_F_RESPONSE, 1, (const uint8_t *) "z", 1);
		ck_assert_int_eq(
		    proto_chan_open(&s2, &h, body, sizeof(body), &blen, f, len),
		    PROTO_ESENDER);
	}
}
END_TEST

START_TEST(tampering_refused)
{
	struct proto_chan cli, srv;
	struct proto_hdr h;
	uint8_t f[128], g[128], body[64];
	size_t len, blen, bit;

	pair(&cli, &srv, 1);
	proto_chan_seal(&cli, f, sizeof(f), &len, 0x0401, 0, 9,
	    (const uint8_t *) "tamper me", 9);
	for (bit = 0; bit < len * 8; bit++) {
		struct proto_chan before = srv;
		memcpy(g, f, len);
		g[bit / 8] ^= (uint8_t) (1u << (bit % 8));
		ck_assert_int_ne(proto_chan_open(&srv, &h, body, sizeof(body),
		                     &blen, g, len),
		    0);
		ck_assert_mem_eq(&before, &srv, sizeof(srv));
	}
	/* an unsealed frame with the same header is refused */
	memcpy(g, f, len);
	g[3] &= (uint8_t) ~PROTO_F_SEALED;
	ck_assert_int_eq(
	    proto_chan_open(&srv, &h, body, sizeof(body), &blen, g, len),
	    PROTO_ESESSION);
	/* truncation */
	ck_assert_int_ne(
	    proto_chan_open(&srv, &h, body, sizeof(body), &blen, f, len - 1),
	    0);
	/* the untouched frame still opens */
	ck_assert_int_eq(
	    proto_chan_open(&srv, &h, body, sizeof(body), &blen, f, len), 0);
	ck_assert_mem_eq(body, "tamper me", 9);
}
END_TEST

START_TEST(bad_arguments)
{
	struct proto_chan c;
	uint8_t f[60];
	size_t len;

	ck_assert_int_eq(proto_chan_init(&c, key, 16, sid, 1, 1), PROTO_EINVAL);
	ck_assert_int_eq(proto_chan_init(&c, key, 64, sid, 0, 1), PROTO_EINVAL);
	ck_assert_int_eq(
	    proto_chan_init(&c, key, 64, sid, 17, 1), PROTO_EINVAL);
	ck_assert_int_eq(proto_chan_init(&c, key, 64, sid, 1, 1), 0);
	ck_assert_int_eq(proto_chan_seal(&c, f, sizeof(f), &len, 1, 0, 1, f, 1),
	    PROTO_ESPACE);
	ck_assert_uint_eq(c.send_seq, 0);
	proto_chan_clear(&c);
	ck_assert(lk_is_zero(&c, sizeof(c)));
}
END_TEST

Suite *
chan_suite(void)
{
	Suite *s = suite_create("chan");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, roundtrip_both_directions);
	tcase_add_test(tc, replay_reorder_refused);
	tcase_add_test(tc, cross_session_and_reflection_refused);
	tcase_add_test(tc, tampering_refused);
	tcase_add_test(tc, bad_arguments);
	suite_add_tcase(s, tc);
	return s;
}
