/* The Raft core driven by hand: single-node commit, the persist-before-
 * send discipline, and the rollback-aware recovery rules of
 * docs/CONSENSUS.md §3 (no vote or proposal while recovering, the vote of
 * the recovered term is spent, the floor). */
#include <string.h>

#include <check.h>

#include "cons.h"

Suite *core_suite(void);

static struct cons_actions acts;

static void
cfg_init(struct cons_config *c, uint8_t id, uint8_t n)
{
	memset(c, 0, sizeof(*c));
	c->id = id;
	c->n = n;
	c->election_ticks = 10;
	c->heartbeat_ticks = 2;
	c->max_batch = 8;
	c->window = 4;
	c->max_uncommitted = 64;
	c->rng_seed = 7;
	c->boot_nonce = 1000 + id;
}

static int
step(struct cons_node *n, const struct cons_event *ev)
{
	return cons_node_step(n, &acts, ev);
}

static void
tick(struct cons_node *n)
{
	struct cons_event ev = { .type = CONS_EV_TICK };
	ck_assert_int_eq(step(n, &ev), 0);
}

static void
msg(struct cons_node *n, const struct cons_msg *m)
{
	struct cons_event ev = { .type = CONS_EV_MSG, .msg = m };
	ck_assert_int_eq(step(n, &ev), 0);
}

static const struct cons_action *
find(uint8_t type, uint8_t msg_type)
{
	size_t k;

	for (k = 0; k < acts.n; k++)
		if (acts.v[k].type == type
		    && (type != CONS_ACT_SEND
		        || acts.v[k].msg.type == msg_type))
			return &acts.v[k];
	return NULL;
}

static void
persisted(struct cons_node *n, uint64_t id)
{
	struct cons_event ev = { .type = CONS_EV_PERSISTED, .persist_id = id };
	ck_assert_int_eq(step(n, &ev), 0);
}

START_TEST(single_node_commits)
{
	struct cons_config c;
	struct cons_boot b;
	struct cons_node *n;
	struct cons_status st;
	const struct cons_action *a;
	static const uint8_t cmd[] = { 42 };
	const uint8_t *cmds[1] = { cmd };
	size_t lens[1] = { 1 };
	struct cons_event ev;
	int i;
	uint64_t pid = 0;

	cfg_init(&c, 0, 1);
	memset(&b, 0, sizeof(b));
	b.vote = CONS_VOTE_NONE;
	ck_assert_int_eq(cons_node_new(&n, &c, &b, 0), 0);
	for (i = 0; i < 40; i++) {
		tick(n);
		if ((a = find(CONS_ACT_PERSIST, 0)) != NULL)
			pid = a->persist.id;
	}
	cons_node_status(n, &st);
	ck_assert_uint_eq(st.role, CONS_LEADER);
	ck_assert_uint_eq(st.commit, 0); /* the noop is not durable yet */
	persisted(n, pid);
	cons_node_status(n, &st);
	ck_assert_uint_eq(st.commit, 1);
	ck_assert_int_eq(st.serving, 1);
	memset(&ev, 0, sizeof(ev));
	ev.type = CONS_EV_PROPOSE;
	ev.n_cmds = 1;
	ev.cmds = cmds;
	ev.cmd_lens = lens;
	ck_assert_int_eq(step(n, &ev), 0);
	a = find(CONS_ACT_PERSIST, 0);
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(a->persist.n_entries, 1);
	ck_assert_uint_eq(a->persist.entries[0].index, 2);
	ck_assert_ptr_null(find(CONS_ACT_APPLY, 0));
	persisted(n, a->persist.id);
	a = find(CONS_ACT_APPLY, 0);
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(a->entry.index, 2);
	ck_assert_uint_eq(a->entry.data[0], 42);
	/* bad proposals change nothing */
	lens[0] = CONS_ENTRY_MAX + 1;
	ck_assert_int_eq(step(n, &ev), CONS_ETOOBIG);
	ck_assert_uint_eq(acts.n, 0);
	cons_node_free(n);
}
END_TEST

/* a 3-node member that restarts and answers RECOVERs of both peers */
static struct cons_node *
recovered_node(uint64_t peer_term, uint64_t peer_lterm, uint64_t peer_last)
{
	struct cons_config c;
	struct cons_boot b;
	struct cons_node *n;
	struct cons_msg m;
	struct cons_status st;
	const struct cons_action *a;
	uint8_t p;

	cfg_init(&c, 0, 3);
	memset(&b, 0, sizeof(b));
	b.term = 2;
	b.vote = CONS_VOTE_NONE;
	ck_assert_int_eq(cons_node_new(&n, &c, &b, 0), 0);
	for (p = 1; p <= 2; p++) {
		memset(&m, 0, sizeof(m));
		m.type = CONS_MSG_RECOVER_RESP;
		m.from = p;
		m.to = 0;
		m.term = peer_term;
		m.nonce = c.boot_nonce;
		m.inc = 50 + p;
		m.index = peer_last;
		m.log_term = peer_lterm;
		msg(n, &m);
	}
	cons_node_status(n, &st);
	ck_assert_int_eq(st.recovering, 0);
	a = find(CONS_ACT_PERSIST, 0);
	if (a != NULL)
		persisted(n, a->persist.id);
	return n;
}

START_TEST(recovery_gate)
{
	struct cons_config c;
	struct cons_boot b;
	struct cons_node *n;
	struct cons_msg m;
	struct cons_status st;
	const struct cons_action *a;
	static const uint8_t cmd[] = { 1 };
	const uint8_t *cmds[1] = { cmd };
	size_t lens[1] = { 1 };
	struct cons_event ev;
	int i;

	cfg_init(&c, 0, 3);
	memset(&b, 0, sizeof(b));
	b.term = 2;
	b.vote = CONS_VOTE_NONE;
	ck_assert_int_eq(cons_node_new(&n, &c, &b, 0), 0);
	cons_node_status(n, &st);
	ck_assert_int_eq(st.recovering, 1);
	ck_assert_int_eq(st.serving, 0);
	/* asks every peer; never campaigns while recovering */
	for (i = 0; i < 100; i++) {
		tick(n);
		ck_assert_ptr_null(find(CONS_ACT_SEND, CONS_MSG_PREVOTE));
		ck_assert_ptr_null(find(CONS_ACT_SEND, CONS_MSG_VOTE));
	}
	/* refuses a vote in a fresh term, and spends it */
	memset(&m, 0, sizeof(m));
	m.type = CONS_MSG_VOTE;
	m.from = 1;
	m.to = 0;
	m.term = 3;
	msg(n, &m);
	a = find(CONS_ACT_PERSIST, 0);
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(a->persist.term, 3);
	ck_assert_uint_eq(a->persist.vote, CONS_VOTE_SPENT);
	persisted(n, a->persist.id);
	a = find(CONS_ACT_SEND, CONS_MSG_VOTE_RESP);
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(a->msg.ok, 0);
	/* no proposals */
	memset(&ev, 0, sizeof(ev));
	ev.type = CONS_EV_PROPOSE;
	ev.n_cmds = 1;
	ev.cmds = cmds;
	ev.cmd_lens = lens;
	ck_assert_int_eq(step(n, &ev), CONS_ENOTREADY);
	cons_node_free(n);
}
END_TEST

START_TEST(recovered_vote_spent)
{
	struct cons_node *n = recovered_node(5, 0, 0);
	struct cons_status st;
	struct cons_msg m;
	const struct cons_action *a;

	cons_node_status(n, &st);
	ck_assert_uint_eq(st.term, 5);
	ck_assert_uint_eq(st.vote, CONS_VOTE_SPENT);
	ck_assert_uint_eq(st.recovery_term, 5);
	/* term 5: it may have voted before losing its state */
	memset(&m, 0, sizeof(m));
	m.type = CONS_MSG_VOTE;
	m.from = 1;
	m.to = 0;
	m.term = 5;
	msg(n, &m);
	a = find(CONS_ACT_SEND, CONS_MSG_VOTE_RESP);
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(a->msg.ok, 0);
	/* term 6: granted, but only once the vote is durable */
	m.term = 6;
	msg(n, &m);
	ck_assert_ptr_null(find(CONS_ACT_SEND, CONS_MSG_VOTE_RESP));
	a = find(CONS_ACT_PERSIST, 0);
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(a->persist.vote, 1);
	persisted(n, a->persist.id);
	a = find(CONS_ACT_SEND, CONS_MSG_VOTE_RESP);
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(a->msg.ok, 1);
	/* and never for a second candidate in term 6 */
	m.from = 2;
	msg(n, &m);
	a = find(CONS_ACT_SEND, CONS_MSG_VOTE_RESP);
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(a->msg.ok, 0);
	cons_node_free(n);
}
END_TEST

START_TEST(floor_blocks_stale_candidates)
{
	/* a peer reported a log ending at (3, 10): we may have acknowledged
	 * entries up to there and lost them, so a candidate with a shorter
	 * log does not get our vote, and we do not campaign */
	struct cons_node *n = recovered_node(4, 3, 10);
	struct cons_status st;
	struct cons_msg m;
	const struct cons_action *a;
	int i;

	cons_node_status(n, &st);
	ck_assert_int_eq(st.floor_on, 1);
	ck_assert_int_eq(st.serving, 0);
	memset(&m, 0, sizeof(m));
	m.type = CONS_MSG_VOTE;
	m.from = 1;
	m.to = 0;
	m.term = 6;
	m.index = 9;
	m.log_term = 3;
	msg(n, &m);
	a = find(CONS_ACT_PERSIST, 0);
	if (a != NULL)
		persisted(n, a->persist.id);
	a = find(CONS_ACT_SEND, CONS_MSG_VOTE_RESP);
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(a->msg.ok, 0);
	for (i = 0; i < 100; i++) {
		tick(n);
		ck_assert_ptr_null(find(CONS_ACT_SEND, CONS_MSG_PREVOTE));
	}
	/* a candidate at the floor gets it */
	m.term = 7;
	m.index = 10;
	msg(n, &m);
	a = find(CONS_ACT_PERSIST, 0);
	ck_assert_ptr_nonnull(a);
	persisted(n, a->persist.id);
	a = find(CONS_ACT_SEND, CONS_MSG_VOTE_RESP);
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(a->msg.ok, 1);
	cons_node_free(n);
}
END_TEST

START_TEST(ack_after_durable)
{
	struct cons_node *n = recovered_node(1, 0, 0);
	struct cons_entry e;
	struct cons_msg m;
	const struct cons_action *a;
	static const uint8_t cmd[] = { 7 };

	memset(&e, 0, sizeof(e));
	e.term = 6;
	e.index = 1;
	e.type = CONS_ENTRY_CMD;
	e.len = 1;
	e.data = cmd;
	memset(&m, 0, sizeof(m));
	m.type = CONS_MSG_APPEND;
	m.from = 2;
	m.to = 0;
	m.term = 6;
	m.commit = 1;
	m.n_entries = 1;
	m.entries = &e;
	msg(n, &m);
	ck_assert_ptr_null(find(CONS_ACT_SEND, CONS_MSG_APPEND_RESP));
	ck_assert_ptr_null(find(CONS_ACT_APPLY, 0));
	a = find(CONS_ACT_PERSIST, 0);
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(a->persist.n_entries, 1);
	persisted(n, a->persist.id);
	a = find(CONS_ACT_SEND, CONS_MSG_APPEND_RESP);
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(a->msg.ok, 1);
	ck_assert_uint_eq(a->msg.index, 1);
	ck_assert_ptr_nonnull(find(CONS_ACT_APPLY, 0));
	cons_node_free(n);
}
END_TEST

START_TEST(bad_config)
{
	struct cons_config c;
	struct cons_boot b;
	struct cons_node *n;

	memset(&b, 0, sizeof(b));
	b.vote = CONS_VOTE_NONE;
	cfg_init(&c, 3, 3);
	ck_assert_int_eq(cons_node_new(&n, &c, &b, 0), CONS_EINVAL);
	cfg_init(&c, 0, 3);
	c.election_ticks = c.heartbeat_ticks;
	ck_assert_int_eq(cons_node_new(&n, &c, &b, 0), CONS_EINVAL);
	cfg_init(&c, 0, 3);
	b.vote = 7;
	ck_assert_int_eq(cons_node_new(&n, &c, &b, 0), CONS_EINVAL);
	b.vote = CONS_VOTE_NONE;
	ck_assert_int_eq(cons_node_new(&n, &c, &b, 1), CONS_EINVAL);
}
END_TEST

Suite *
core_suite(void)
{
	Suite *s = suite_create("core");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, single_node_commits);
	tcase_add_test(tc, recovery_gate);
	tcase_add_test(tc, recovered_vote_spent);
	tcase_add_test(tc, floor_blocks_stale_candidates);
	tcase_add_test(tc, ack_after_durable);
	tcase_add_test(tc, bad_config);
	suite_add_tcase(s, tc);
	return s;
}
