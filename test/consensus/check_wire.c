/* Wire codec: round trips of every message type and command, and the
 * strictness rules (bad type, ids, terms, entries, trailing bytes). */
#include <string.h>

#include <check.h>

#include "cons.h"
#include "proto_err.h"

Suite *wire_suite(void);

static uint8_t buf[CONS_MSG_MAX];

static void
roundtrip(const struct cons_msg *m)
{
	struct cons_entry ents[CONS_MSG_ENTRIES];
	struct cons_msg d;
	size_t len, k;
	uint8_t again[CONS_MSG_MAX];
	size_t len2;

	ck_assert_int_eq(cons_msg_encode(buf, sizeof(buf), &len, m), 0);
	ck_assert_int_eq(
	    cons_msg_decode(&d, ents, CONS_MSG_ENTRIES, 5, buf, len), 0);
	ck_assert_uint_eq(d.type, m->type);
	ck_assert_uint_eq(d.from, m->from);
	ck_assert_uint_eq(d.to, m->to);
	ck_assert_uint_eq(d.term, m->term);
	ck_assert_uint_eq(d.n_entries, m->n_entries);
	for (k = 0; k < d.n_entries; k++) {
		ck_assert_uint_eq(d.entries[k].len, m->entries[k].len);
		ck_assert_uint_eq(d.entries[k].type, m->entries[k].type);
	}
	/* canonical: re-encoding gives the same bytes */
	ck_assert_int_eq(cons_msg_encode(again, sizeof(again), &len2, &d), 0);
	ck_assert_uint_eq(len2, len);
	ck_assert_mem_eq(again, buf, len);
	/* every strict prefix fails and leaves *d zeroed */
	for (k = 0; k < len; k++) {
		ck_assert_int_ne(
		    cons_msg_decode(&d, ents, CONS_MSG_ENTRIES, 5, buf, k), 0);
		ck_assert_uint_eq(d.type, 0);
	}
	/* trailing byte */
	buf[len] = 0;
	ck_assert_int_eq(
	    cons_msg_decode(&d, ents, CONS_MSG_ENTRIES, 5, buf, len + 1),
	    PROTO_ETRAILING);
}

START_TEST(all_types)
{
	static const uint8_t cmd[] = { 1, 2, 3 };
	struct cons_entry e[3];
	struct cons_msg m;
	uint8_t t;

	memset(e, 0, sizeof(e));
	e[0].term = 2;
	e[0].index = 8;
	e[0].type = CONS_ENTRY_NOOP;
	e[1].term = 3;
	e[1].index = 9;
	e[1].type = CONS_ENTRY_CMD;
	e[1].len = 3;
	e[1].data = cmd;
	for (t = CONS_MSG_PREVOTE; t <= CONS_MSG_PROPOSE; t++) {
		memset(&m, 0, sizeof(m));
		m.type = t;
		m.from = 1;
		m.to = 4;
		m.term = 3;
		switch (t) {
		case CONS_MSG_PREVOTE:
		case CONS_MSG_VOTE:
			m.index = 7;
			m.log_term = 2;
			break;
		case CONS_MSG_PREVOTE_RESP:
		case CONS_MSG_VOTE_RESP:
			m.ok = 1;
			break;
		case CONS_MSG_APPEND_RESP:
			m.ok = 1;
			m.index = 9;
			break;
		case CONS_MSG_RECOVER:
			m.nonce = 0x1122334455667788ull;
			m.boot_term = 2;
			m.index = 7;
			m.log_term = 2;
			break;
		case CONS_MSG_RECOVER_RESP:
			m.nonce = 5;
			m.inc = 6;
			m.index = 7;
			m.log_term = 2;
			m.commit = 6;
			break;
		case CONS_MSG_APPEND:
			m.index = 7;
			m.log_term = 2;
			m.commit = 7;
			m.n_entries = 2;
			m.entries = e;
			break;
		case CONS_MSG_PROPOSE:
			m.n_entries = 1;
			m.entries = &e[1];
			break;
		}
		roundtrip(&m);
	}
}
END_TEST

START_TEST(strict)
{
	struct cons_entry ents[4], e[2];
	struct cons_msg m, d;
	static const uint8_t cmd[] = { 9 };
	size_t len;

	memset(&m, 0, sizeof(m));
	m.type = CONS_MSG_VOTE;
	m.from = 0;
	m.to = 2;
	m.term = 5;
	m.index = 3;
	m.log_term = 4;
	ck_assert_int_eq(cons_msg_encode(buf, sizeof(buf), &len, &m), 0);
	/* node ids outside the cluster */
	ck_assert_int_eq(cons_msg_decode(&d, ents, 4, 2, buf, len), CONS_EMSG);
	ck_assert_int_eq(cons_msg_decode(&d, ents, 4, 3, buf, len), 0);
	/* version, type */
	buf[0] = 2;
	ck_assert_int_eq(
	    cons_msg_decode(&d, ents, 4, 3, buf, len), PROTO_EVERSION);
	buf[0] = 1;
	buf[1] = 99;
	ck_assert_int_eq(
	    cons_msg_decode(&d, ents, 4, 3, buf, len), PROTO_ETYPE);
	/* encoder refuses what the decoder would refuse */
	m.from = m.to;
	ck_assert_int_eq(
	    cons_msg_encode(buf, sizeof(buf), &len, &m), CONS_EMSG);
	m.from = 0;
	m.log_term = 6; /* log newer than the term */
	ck_assert_int_eq(
	    cons_msg_encode(buf, sizeof(buf), &len, &m), CONS_EMSG);
	m.log_term = 0; /* index 3 with term 0 */
	ck_assert_int_eq(
	    cons_msg_encode(buf, sizeof(buf), &len, &m), CONS_EMSG);
	m.term = 0;
	m.index = 0;
	ck_assert_int_eq(
	    cons_msg_encode(buf, sizeof(buf), &len, &m), CONS_EMSG);

	/* entries: terms must not go back, must not pass the term, NOOP has
	 * no data, more entries than the caller's array */
	memset(e, 0, sizeof(e));
	memset(&m, 0, sizeof(m));
	m.type = CONS_MSG_APPEND;
	m.from = 0;
	m.to = 1;
	m.term = 4;
	m.index = 1;
	m.log_term = 1;
	m.n_entries = 2;
	m.entries = e;
	e[0].term = 3;
	e[0].index = 2;
	e[0].type = CONS_ENTRY_CMD;
	e[0].len = 1;
	e[0].data = cmd;
	e[1] = e[0];
	e[1].index = 3;
	e[1].term = 2;
	ck_assert_int_eq(
	    cons_msg_encode(buf, sizeof(buf), &len, &m), CONS_EMSG);
	e[1].term = 5;
	ck_assert_int_eq(
	    cons_msg_encode(buf, sizeof(buf), &len, &m), CONS_EMSG);
	e[1].term = 4;
	e[1].type = CONS_ENTRY_NOOP;
	ck_assert_int_eq(
	    cons_msg_encode(buf, sizeof(buf), &len, &m), CONS_EMSG);
	e[1].len = 0;
	e[1].data = NULL;
	ck_assert_int_eq(cons_msg_encode(buf, sizeof(buf), &len, &m), 0);
	ck_assert_int_eq(cons_msg_decode(&d, ents, 1, 3, buf, len), CONS_EMSG);
	ck_assert_int_eq(cons_msg_decode(&d, ents, 2, 3, buf, len), 0);
	ck_assert_uint_eq(d.entries[1].index, 3);
}
END_TEST

START_TEST(commands)
{
	uint8_t b[CONS_CMD_MAX_BYTES + 1], b2[CONS_CMD_MAX_BYTES];
	struct cons_cmd c, d;
	struct cons_result r, q;
	size_t len, len2, k;
	uint8_t t;

	for (t = CONS_CMD_ATTEMPT; t <= CONS_CMD_NOP; t++) {
		memset(&c, 0, sizeof(c));
		c.type = t;
		c.client_id = 77;
		c.seq = 5;
		c.version = 3;
		memset(c.user, 0xaa, sizeof(c.user));
		memset(c.id, 0xbb, sizeof(c.id));
		memset(c.hash, 0xcc, sizeof(c.hash));
		ck_assert_int_eq(cons_cmd_encode(b, sizeof(b), &len, &c), 0);
		ck_assert_uint_le(len, CONS_CMD_MAX_BYTES);
		ck_assert_int_eq(cons_cmd_decode(&d, b, len), 0);
		ck_assert_uint_eq(d.type, t);
		ck_assert_uint_eq(d.seq, 5);
		ck_assert_int_eq(cons_cmd_encode(b2, sizeof(b2), &len2, &d), 0);
		ck_assert_uint_eq(len, len2);
		ck_assert_mem_eq(b, b2, len);
		for (k = 0; k < len; k++)
			ck_assert_int_ne(cons_cmd_decode(&d, b, k), 0);
		b[len] = 0;
		ck_assert_int_eq(
		    cons_cmd_decode(&d, b, len + 1), PROTO_ETRAILING);
	}
	c.seq = 0;
	ck_assert_int_eq(cons_cmd_encode(b, sizeof(b), &len, &c), CONS_ECMD);
	c.seq = 1;
	c.type = CONS_CMD_SET_RECORD;
	c.version = 0;
	ck_assert_int_eq(cons_cmd_encode(b, sizeof(b), &len, &c), CONS_ECMD);

	memset(&r, 0, sizeof(r));
	r.status = CONS_R_BACKOFF;
	r.value = 9;
	r.backoff_ms = 40;
	ck_assert_int_eq(cons_result_encode(b, sizeof(b), &len, &r), 0);
	ck_assert_int_eq(cons_result_decode(&q, b, len), 0);
	ck_assert_uint_eq(q.value, 9);
	ck_assert_uint_eq(q.backoff_ms, 40);
	b[0] = CONS_R_DONE + 1;
	ck_assert_int_eq(cons_result_decode(&q, b, len), CONS_ECMD);
	ck_assert_uint_eq(q.value, 0);
}
END_TEST

Suite *
wire_suite(void)
{
	Suite *s = suite_create("wire");
	TCase *tc = tcase_create("codec");

	tcase_add_test(tc, all_types);
	tcase_add_test(tc, strict);
	tcase_add_test(tc, commands);
	suite_add_tcase(s, tc);
	return s;
}
