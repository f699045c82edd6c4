/* The Raft core: a pure state machine from events to actions.
 *
 * Election with pre-vote and check-quorum, replication with batching and a
 * per-peer pipeline window, static membership, and rollback-aware restart
 * (docs/CONSENSUS.md §3): every start is treated as possibly amnesiac, so a
 * node neither votes, campaigns nor serves until it has heard the current
 * term and log position of every other node, and then treats its vote in
 * that term as spent.
 *
 * Persistence discipline (§4): state changes of one step are gathered into
 * one PERSIST action; every message whose meaning depends on them (votes,
 * acknowledgements, recovery answers, vote requests) waits in the outbox
 * until the embedder reports that persist durable. Only the leader's
 * AppendEntries leave early: the leader counts its own log toward commit
 * only up to its durable prefix. */
#include <string.h>

#include "cons_int.h"

struct lent {
	uint64_t term;
	uint8_t type;
	uint32_t len;
	uint8_t *data;
};

struct peer {
	uint64_t next;
	uint64_t match;
	int probe; /* one APPEND at a time until the match is known */
	uint32_t inflight; /* APPENDs sent and not yet acknowledged */
	uint64_t infl[64]; /* last index of each, oldest first */
	int active; /* heard from within this check-quorum period */
	int acked; /* acknowledged since the last heartbeat */
	uint64_t sent_commit; /* commit index carried by our last APPEND */
	uint64_t fwd_index; /* last index of entries this peer forwarded */
	uint32_t silent; /* heartbeat periods without any APPEND_RESP */
	int heard; /* an APPEND_RESP since the last heartbeat */
	int recovered; /* answered our RECOVER */
	/* the peer's last reported durable position (RECOVER/RESP) */
	int rep_have;
	uint64_t rep_term, rep_lterm, rep_index;
	/* the peer's incarnations (boot nonces): current and seen */
	uint64_t inc;
	uint64_t inc_seen[8];
	unsigned inc_n;
};

struct outq {
	struct cons_msg m;
	uint64_t need; /* persist id that must be durable first */
	int set;
};

struct pend {
	uint64_t id;
	uint64_t last;
	uint64_t trunc;
};

struct cons_node {
	struct cons_config cfg;
	uint64_t rng;

	/* hard state */
	uint64_t term;
	uint8_t vote;

	/* log: index snap_index + 1 + k is log[k] */
	uint64_t snap_index, snap_term;
	struct lent *log;
	size_t log_n, log_cap;

	/* volatile */
	uint8_t role, leader;
	uint64_t commit, applied;
	uint32_t elapsed, timeout, hb_elapsed, cq_elapsed;
	uint32_t granted;
	struct peer peers[CONS_MAX_NODES];

	/* recovery (§3) */
	int recovering;
	uint32_t rec_elapsed;
	uint64_t rec_max_term;
	int floor_on;
	uint64_t floor_term, floor_index;
	uint64_t rec_term; /* M: the term whose vote recovery spent */
	uint64_t boot_term, boot_index, boot_lterm; /* storage at start */

	/* serving */
	int catchup_set;
	uint64_t catchup_target;
	uint64_t noop_index;

	/* persistence */
	uint64_t pid_issued, pid_durable, durable_match;
	struct pend *pend;
	size_t pend_n, pend_cap;
	int dirty_hard;
	uint64_t dirty_trunc, dirty_from;

	/* outputs of the current step */
	struct cons_action *acts;
	size_t *act_off;
	size_t act_off_cap;
	size_t acts_n, acts_cap;
	struct cons_entry *ev;
	size_t ev_n, ev_cap;
	struct outq *outq;
	size_t outq_n, outq_cap;
	uint8_t **grave;
	size_t grave_n, grave_cap;
	int oom;
};

/* ------------------------------------------------------------------ */
/* small helpers */

static int
grow(void **p, size_t *cap, size_t need, size_t elem)
{
	size_t nc;
	void *q;

	if (need <= *cap)
		return 0;
	nc = *cap ? *cap * 2 : 16;
	while (nc < need)
		nc *= 2;
	q = realloc(*p, nc * elem);
	if (q == NULL)
		return CONS_ENOMEM;
	*p = q;
	*cap = nc;
	return 0;
}

static uint64_t
last_index(const struct cons_node *n)
{
	return n->snap_index + n->log_n;
}

static uint64_t
term_at(const struct cons_node *n, uint64_t i)
{
	if (i == n->snap_index)
		return n->snap_term;
	if (i < n->snap_index || i > last_index(n))
		return 0;
	return n->log[i - n->snap_index - 1].term;
}

static uint64_t
last_term(const struct cons_node *n)
{
	return term_at(n, last_index(n));
}

static unsigned
majority(const struct cons_node *n)
{
	return n->cfg.n / 2u + 1u;
}

static unsigned
popcount(uint32_t v)
{
	unsigned c = 0;

	for (; v; v &= v - 1)
		c++;
	return c;
}

/* (t1, i1) at least as up to date as (t2, i2) */
static int
log_ge(uint64_t t1, uint64_t i1, uint64_t t2, uint64_t i2)
{
	return t1 > t2 || (t1 == t2 && i1 >= i2);
}

static void
reset_timeout(struct cons_node *n)
{
	n->elapsed = 0;
	n->timeout = n->cfg.election_ticks
	    + (uint32_t) (cons_rng_next(&n->rng) % n->cfg.election_ticks);
}

static struct cons_action *
push_act(struct cons_node *n, uint8_t type)
{
	struct cons_action *a;

	if (n->oom
	    || grow((void **) &n->acts, &n->acts_cap, n->acts_n + 1,
	           sizeof(*n->acts))
	        != 0
	    || grow((void **) &n->act_off, &n->act_off_cap, n->acts_n + 1,
	           sizeof(*n->act_off))
	        != 0) {
		n->oom = 1;
		return NULL;
	}
	a = &n->acts[n->acts_n];
	memset(a, 0, sizeof(*a));
	a->type = type;
	n->act_off[n->acts_n] = SIZE_MAX;
	n->acts_n++;
	return a;
}

/* Appends views of log entries [from, to] to the step's view array and
 * records the offset for the last action. */
static int
views(struct cons_node *n, uint64_t from, uint64_t to, size_t *count)
{
	size_t k = 0;
	uint64_t i;

	*count = 0;
	if (from > to)
		return 0;
	if (grow((void **) &n->ev, &n->ev_cap, n->ev_n + (to - from + 1),
	        sizeof(*n->ev))
	    != 0) {
		n->oom = 1;
		return CONS_ENOMEM;
	}
	n->act_off[n->acts_n - 1] = n->ev_n;
	for (i = from; i <= to; i++, k++) {
		const struct lent *l = &n->log[i - n->snap_index - 1];
		struct cons_entry *e = &n->ev[n->ev_n + k];
		e->term = l->term;
		e->index = i;
		e->type = l->type;
		e->len = l->len;
		e->data = l->data;
	}
	n->ev_n += k;
	*count = k;
	return 0;
}

static void
bury(struct cons_node *n, uint8_t *p)
{
	if (p == NULL)
		return;
	if (grow((void **) &n->grave, &n->grave_cap, n->grave_n + 1,
	        sizeof(*n->grave))
	    != 0) {
		/* Freeing now is safe only if no view of it exists yet; a
		 * failed bury means we are out of memory anyway. */
		n->oom = 1;
		free(p);
		return;
	}
	n->grave[n->grave_n++] = p;
}

/* ------------------------------------------------------------------ */
/* log mutation */

static int
log_append(struct cons_node *n, uint64_t term, uint8_t type,
    const uint8_t *data, uint32_t len)
{
	struct lent *l;
	uint8_t *copy = NULL;

	if (grow((void **) &n->log, &n->log_cap, n->log_n + 1, sizeof(*n->log))
	    != 0) {
		n->oom = 1;
		return CONS_ENOMEM;
	}
	if (len > 0) {
		copy = malloc(len);
		if (copy == NULL) {
			n->oom = 1;
			return CONS_ENOMEM;
		}
		memcpy(copy, data, len);
	}
	l = &n->log[n->log_n++];
	l->term = term;
	l->type = type;
	l->len = len;
	l->data = copy;
	if (n->dirty_from == 0)
		n->dirty_from = last_index(n);
	return 0;
}

/* Deletes entries with index >= from. */
static void
log_truncate(struct cons_node *n, uint64_t from)
{
	uint64_t i;

	for (i = from; i <= last_index(n); i++)
		bury(n, n->log[i - n->snap_index - 1].data);
	n->log_n = (size_t) (from - n->snap_index - 1);
	if (n->dirty_from >= from)
		n->dirty_from = 0;
	if (n->dirty_trunc == 0 || from < n->dirty_trunc)
		n->dirty_trunc = from;
	if (n->durable_match >= from)
		n->durable_match = from - 1;
}

/* ------------------------------------------------------------------ */
/* sending */

static void
msg_init(
    const struct cons_node *n, struct cons_msg *m, uint8_t type, uint8_t to)
{
	memset(m, 0, sizeof(*m));
	m->type = type;
	m->from = n->cfg.id;
	m->to = to;
	m->term = n->term;
}

static void
send_now(struct cons_node *n, const struct cons_msg *m)
{
	struct cons_action *a = push_act(n, CONS_ACT_SEND);

	if (a != NULL)
		a->msg = *m;
}

/* Queues a message that may leave only once the current step's state is
 * durable. */
static void
send_durable(struct cons_node *n, const struct cons_msg *m)
{
	struct outq *q;

	if (grow((void **) &n->outq, &n->outq_cap, n->outq_n + 1,
	        sizeof(*n->outq))
	    != 0) {
		n->oom = 1;
		return;
	}
	q = &n->outq[n->outq_n++];
	q->m = *m;
	q->need = 0;
	q->set = 0;
}

static void
send_append(struct cons_node *n, uint8_t to, int allow_empty)
{
	struct peer *p = &n->peers[to];
	struct cons_action *a;
	uint64_t prev, last, hi;
	size_t cnt;
	int can_send;

	last = last_index(n);
	if (p->next <= n->snap_index)
		p->next = n->snap_index + 1; /* no snapshot transfer: §8 */
	/* A peer that answered nothing for two heartbeats (down, cut off, or
	 * not reading) is probed with empty APPENDs only: entries go out again
	 * with its first answer, and a dead link is not filled with copies
	 * of the log tail every heartbeat. */
	can_send = p->next <= last && p->inflight < n->cfg.window
	    && !(p->probe && p->inflight > 0) && !(p->probe && p->silent >= 2);
	if (!can_send && !allow_empty)
		return;
	if (can_send) {
		prev = p->next - 1;
		hi = p->next + n->cfg.max_batch - 1;
		if (hi > last)
			hi = last;
	} else {
		/* Heartbeat. In probe state it re-asks at the probe point;
		 * while replicating it names the acknowledged match, which
		 * the follower is known to hold, so in-flight batches do
		 * not cause spurious rejections. */
		prev = p->probe ? p->next - 1 : p->match;
		hi = prev;
	}
	a = push_act(n, CONS_ACT_SEND);
	if (a == NULL)
		return;
	msg_init(n, &a->msg, CONS_MSG_APPEND, to);
	a->msg.index = prev;
	a->msg.log_term = term_at(n, prev);
	a->msg.commit = n->commit;
	p->sent_commit = n->commit;
	if (views(n, prev + 1, hi, &cnt) != 0)
		return;
	a->msg.n_entries = cnt;
	if (hi > prev) {
		if (p->inflight < 64)
			p->infl[p->inflight++] = hi;
		if (!p->probe)
			p->next = hi + 1;
	}
}

/* ------------------------------------------------------------------ */
/* roles */

static void
set_hard(struct cons_node *n, uint64_t term, uint8_t vote)
{
	if (n->term != term || n->vote != vote) {
		n->term = term;
		n->vote = vote;
		n->dirty_hard = 1;
	}
}

static void
become_follower(struct cons_node *n, uint64_t term, uint8_t leader)
{
	if (term > n->term) {
		/* A node that has not finished recovery may have voted in
		 * this term before it lost its state: its vote is spent. */
		set_hard(
		    n, term, n->recovering ? CONS_VOTE_SPENT : CONS_VOTE_NONE);
	}
	if (n->role != CONS_FOLLOWER || n->leader != leader) {
		n->catchup_set = 0;
	}
	n->role = CONS_FOLLOWER;
	n->leader = leader;
	n->granted = 0;
	reset_timeout(n);
}

static void apply_ready(struct cons_node *n);
static void update_floor(struct cons_node *n);

static void
maybe_commit(struct cons_node *n)
{
	uint64_t m[CONS_MAX_NODES], t;
	unsigned i, j, k = 0;

	if (n->role != CONS_LEADER)
		return;
	for (i = 0; i < n->cfg.n; i++)
		m[k++] = i == n->cfg.id ? n->durable_match : n->peers[i].match;
	/* sort descending (n <= 9) */
	for (i = 1; i < k; i++)
		for (j = i; j > 0 && m[j] > m[j - 1]; j--) {
			t = m[j];
			m[j] = m[j - 1];
			m[j - 1] = t;
		}
	t = m[majority(n) - 1];
	if (t > n->commit && term_at(n, t) == n->term)
		n->commit = t;
	apply_ready(n);
}

static void
become_leader(struct cons_node *n)
{
	unsigned i;

	n->role = CONS_LEADER;
	n->leader = n->cfg.id;
	n->hb_elapsed = 0;
	n->cq_elapsed = 0;
	for (i = 0; i < n->cfg.n; i++) {
		struct peer *p = &n->peers[i];
		p->next = last_index(n) + 1;
		p->match = 0;
		p->probe = 1;
		p->inflight = 0;
		p->active = 0;
		p->acked = 0;
		p->silent = 0;
		p->heard = 0;
		p->sent_commit = 0;
		p->fwd_index = 0;
	}
	if (log_append(n, n->term, CONS_ENTRY_NOOP, NULL, 0) != 0)
		return;
	n->noop_index = last_index(n);
	maybe_commit(n); /* single node */
}

static void
campaign(struct cons_node *n)
{
	struct cons_msg m;
	unsigned i;

	n->role = CONS_CANDIDATE;
	n->leader = CONS_VOTE_NONE;
	set_hard(n, n->term + 1, n->cfg.id);
	n->granted = 1u << n->cfg.id;
	reset_timeout(n);
	if (popcount(n->granted) >= majority(n)) {
		become_leader(n);
		return;
	}
	for (i = 0; i < n->cfg.n; i++) {
		if (i == n->cfg.id)
			continue;
		msg_init(n, &m, CONS_MSG_VOTE, (uint8_t) i);
		m.index = last_index(n);
		m.log_term = last_term(n);
		send_durable(n, &m);
	}
}

/* May this node stand for election? Not while recovering, and not with a
 * log behind the floor learned in recovery (it may lack committed entries
 * it once acknowledged). */
static int
may_campaign(const struct cons_node *n)
{
	if (n->recovering)
		return 0;
	if (n->floor_on
	    && !log_ge(
	        last_term(n), last_index(n), n->floor_term, n->floor_index))
		return 0;
	return 1;
}

static void
pre_campaign(struct cons_node *n)
{
	struct cons_msg m;
	unsigned i;

	n->role = CONS_PRECANDIDATE;
	n->leader = CONS_VOTE_NONE;
	n->granted = 1u << n->cfg.id;
	reset_timeout(n);
	if (popcount(n->granted) >= majority(n)) {
		campaign(n);
		return;
	}
	for (i = 0; i < n->cfg.n; i++) {
		if (i == n->cfg.id)
			continue;
		msg_init(n, &m, CONS_MSG_PREVOTE, (uint8_t) i);
		m.term = n->term + 1;
		m.index = last_index(n);
		m.log_term = last_term(n);
		send_now(n, &m);
	}
}

/* Would we vote for a candidate with this last log position? */
static int
vote_log_ok(const struct cons_node *n, uint64_t lt, uint64_t li)
{
	if (!log_ge(lt, li, last_term(n), last_index(n)))
		return 0;
	if (n->floor_on && !log_ge(lt, li, n->floor_term, n->floor_index))
		return 0;
	return 1;
}

/* Leader stickiness (thesis §4.2.3): a follower that heard from a leader
 * within the minimum election timeout ignores vote requests. */
static int
leader_fresh(const struct cons_node *n)
{
	if (n->role == CONS_LEADER)
		return 1;
	return n->leader != CONS_VOTE_NONE
	    && n->elapsed < n->cfg.election_ticks;
}

static void
apply_ready(struct cons_node *n)
{
	uint64_t lim
	    = n->commit < n->durable_match ? n->commit : n->durable_match;
	struct cons_action *a;
	const struct lent *l;

	while (n->applied < lim && !n->oom) {
		if (n->applied + 1 <= n->snap_index) {
			n->applied = n->snap_index;
			continue;
		}
		a = push_act(n, CONS_ACT_APPLY);
		if (a == NULL)
			return;
		n->applied++;
		l = &n->log[n->applied - n->snap_index - 1];
		a->entry.term = l->term;
		a->entry.index = n->applied;
		a->entry.type = l->type;
		a->entry.len = l->len;
		a->entry.data = l->data;
	}
}

static void
update_floor(struct cons_node *n)
{
	if (n->floor_on
	    && log_ge(
	        last_term(n), last_index(n), n->floor_term, n->floor_index))
		n->floor_on = 0;
}

/* ------------------------------------------------------------------ */
/* recovery (§3) */

/* Tracks a peer's incarnation. Returns 1 when inc is the peer's current
 * one (adopting it if never seen), 0 for an incarnation the peer already
 * left behind: its messages are stale and must not move our floor. */
static int
peer_inc(struct peer *p, uint64_t inc)
{
	unsigned k;

	if (p->inc_n > 0 && p->inc == inc)
		return 1;
	for (k = 0; k < p->inc_n && k < 8; k++)
		if (p->inc_seen[k] == inc)
			return 0;
	p->inc_seen[p->inc_n % 8] = inc;
	p->inc_n++;
	p->inc = inc;
	return 1;
}

/* The floor is the most up-to-date log any peer reported in our
 * recovery: a log we might have acknowledged entries into before losing
 * them (§3). */
static void
recompute_floor(struct cons_node *n)
{
	unsigned i;

	n->floor_on = 0;
	n->floor_term = n->floor_index = 0;
	for (i = 0; i < n->cfg.n; i++) {
		const struct peer *p = &n->peers[i];
		if (i == n->cfg.id || !p->rep_have || p->rep_index == 0)
			continue;
		if (!n->floor_on
		    || log_ge(p->rep_lterm, p->rep_index, n->floor_term,
		        n->floor_index)) {
			n->floor_on = 1;
			n->floor_term = p->rep_lterm;
			n->floor_index = p->rep_index;
		}
	}
	update_floor(n);
}

/* A RECOVER from a peer shows its durable state after its restart. If it
 * is older than what it reported to us before (a lower term, a shorter log
 * ending in the same term, or, at the same term, a less up-to-date log:
 * after a rollback of its storage), its old report must not hold our floor
 * hostage (it may name entries nobody has any more, and then no node could
 * ever campaign). The last case also covers a peer that legitimately
 * truncated an uncommitted tail under a leader of its current term and then
 * restarted: its report is replaced by what it holds now, which is what a
 * floor must not exceed for an election to remain possible. */
static void
note_peer_restart(struct cons_node *n, const struct cons_msg *m)
{
	struct peer *p = &n->peers[m->from];

	if (!p->rep_have)
		return;
	if (m->boot_term < p->rep_term
	    || (m->log_term == p->rep_lterm && m->index < p->rep_index)
	    || (m->boot_term == p->rep_term
	        && !log_ge(
	            m->log_term, m->index, p->rep_lterm, p->rep_index))) {
		p->rep_term = m->boot_term;
		p->rep_lterm = m->log_term;
		p->rep_index = m->index;
		if (n->floor_on)
			recompute_floor(n);
	}
}

static void
send_recover(struct cons_node *n)
{
	struct cons_msg m;
	unsigned i;

	for (i = 0; i < n->cfg.n; i++) {
		if (i == n->cfg.id || n->peers[i].recovered)
			continue;
		msg_init(n, &m, CONS_MSG_RECOVER, (uint8_t) i);
		m.nonce = n->cfg.boot_nonce;
		m.boot_term = n->boot_term;
		m.index = n->boot_index;
		m.log_term = n->boot_lterm;
		send_durable(n, &m);
	}
}

static void
finish_recovery(struct cons_node *n)
{
	uint64_t M = n->rec_max_term > n->term ? n->rec_max_term : n->term;

	n->recovering = 0;
	/* Our vote in any term up to M may have been cast and forgotten. */
	if (n->term < M || n->vote == CONS_VOTE_NONE)
		set_hard(n, M,
		    n->vote == CONS_VOTE_NONE || n->term < M ? CONS_VOTE_SPENT
		                                             : n->vote);
	n->rec_term = M;
	update_floor(n);
	reset_timeout(n);
}

static void
on_recover_resp(struct cons_node *n, const struct cons_msg *m)
{
	struct peer *p = &n->peers[m->from];

	if (!n->recovering || m->nonce != n->cfg.boot_nonce || p->recovered)
		return;
	if (!peer_inc(p, m->inc))
		return; /* answered by a past incarnation: ask again */
	p->recovered = 1;
	if (m->term > n->rec_max_term)
		n->rec_max_term = m->term;
	p->rep_have = 1;
	p->rep_term = m->term;
	p->rep_lterm = m->log_term;
	p->rep_index = m->index;
	recompute_floor(n);
	{
		unsigned i, all = 1;
		for (i = 0; i < n->cfg.n; i++)
			if (i != n->cfg.id && !n->peers[i].recovered)
				all = 0;
		if (all)
			finish_recovery(n);
	}
}

/* ------------------------------------------------------------------ */
/* message handlers */

static void
on_append(struct cons_node *n, const struct cons_msg *m)
{
	struct cons_msg r;
	uint64_t prev = m->index, idx, match, nc;
	size_t k;

	if (n->role != CONS_FOLLOWER || n->leader != m->from)
		become_follower(n, m->term, m->from);
	else
		n->elapsed = 0;
	msg_init(n, &r, CONS_MSG_APPEND_RESP, m->from);
	if (prev > last_index(n)) {
		r.ok = 0;
		r.index = last_index(n);
		send_durable(n, &r);
		return;
	}
	if (prev >= n->snap_index && term_at(n, prev) != m->log_term) {
		r.ok = 0;
		r.index = prev - 1 < n->commit ? n->commit : prev - 1;
		send_durable(n, &r);
		return;
	}
	for (k = 0; k < m->n_entries; k++) {
		const struct cons_entry *e = &m->entries[k];
		idx = prev + 1 + k;
		if (idx <= n->snap_index)
			continue;
		if (idx <= last_index(n)) {
			if (term_at(n, idx) == e->term)
				continue;
			if (idx <= n->commit)
				return; /* cannot happen in Raft; refuse */
			log_truncate(n, idx);
		}
		if (log_append(n, e->term, e->type, e->data, e->len) != 0)
			return;
	}
	match = prev + m->n_entries;
	nc = m->commit < match ? m->commit : match;
	if (nc > n->commit)
		n->commit = nc;
	if (!n->catchup_set && !n->recovering) {
		n->catchup_set = 1;
		n->catchup_target = m->commit;
	}
	update_floor(n);
	r.ok = 1;
	r.index = match;
	send_durable(n, &r);
	apply_ready(n);
}

static void
on_append_resp(struct cons_node *n, const struct cons_msg *m)
{
	struct peer *p = &n->peers[m->from];
	uint32_t i, j;

	if (n->role != CONS_LEADER)
		return;
	p->active = 1;
	p->heard = 1;
	p->silent = 0;
	if (m->ok) {
		if (m->index > last_index(n))
			return; /* acknowledges entries we never sent */
		if (m->index > p->match) {
			p->match = m->index;
			p->acked = 1;
		}
		if (p->next < p->match + 1)
			p->next = p->match + 1;
		if (p->probe) {
			p->probe = 0;
			p->inflight = 0;
		}
		for (i = 0, j = 0; i < p->inflight; i++)
			if (p->infl[i] > p->match)
				p->infl[j++] = p->infl[i];
		p->inflight = j;
		maybe_commit(n);
	} else {
		/* A rejection below the match means the follower lost
		 * entries it acknowledged (its storage was rolled back; docs
		 * §3) or is a stale reply: either way probe from its hint.
		 * Lowering match is safe, commit never moves back. */
		uint64_t nx = m->index + 1;
		if (nx > last_index(n) + 1)
			nx = last_index(n) + 1;
		if (m->index < p->match)
			p->match = m->index;
		p->next = nx;
		p->probe = 1;
		p->inflight = 0;
	}
	send_append(n, m->from, 0);
}

static void
on_vote(struct cons_node *n, const struct cons_msg *m)
{
	struct cons_msg r;

	msg_init(n, &r, CONS_MSG_VOTE_RESP, m->from);
	if (m->term == n->term && !n->recovering
	    && (n->vote == CONS_VOTE_NONE || n->vote == m->from)
	    && vote_log_ok(n, m->log_term, m->index)) {
		set_hard(n, n->term, m->from);
		reset_timeout(n);
		r.ok = 1;
	}
	send_durable(n, &r);
}

static void
on_prevote(struct cons_node *n, const struct cons_msg *m)
{
	struct cons_msg r;

	msg_init(n, &r, CONS_MSG_PREVOTE_RESP, m->from);
	if (m->term > n->term && !n->recovering && !leader_fresh(n)
	    && vote_log_ok(n, m->log_term, m->index)) {
		r.term = m->term;
		r.ok = 1;
	}
	send_now(n, &r);
}

static void
on_propose_fwd(struct cons_node *n, const struct cons_msg *m)
{
	size_t k;

	if (n->role != CONS_LEADER || m->term != n->term)
		return;
	if (last_index(n) - n->commit + m->n_entries > n->cfg.max_uncommitted)
		return;
	for (k = 0; k < m->n_entries; k++) {
		const struct cons_entry *e = &m->entries[k];
		if (e->type != CONS_ENTRY_CMD || e->len == 0
		    || e->len > CONS_ENTRY_MAX)
			continue;
		if (log_append(n, n->term, CONS_ENTRY_CMD, e->data, e->len))
			return;
		n->peers[m->from].fwd_index = last_index(n);
	}
}

static void
on_msg(struct cons_node *n, const struct cons_msg *m)
{
	if (m->from >= n->cfg.n || m->from == n->cfg.id || m->to != n->cfg.id)
		return;

	switch (m->type) {
	case CONS_MSG_RECOVER: {
		/* Answer with our durable term and log position. */
		struct cons_msg r;
		/* A RECOVER of an incarnation we saw before but not as the
		 * latest is a delayed duplicate of a past incarnation, or the
		 * peer's messages from across its restart arrived out of
		 * order (then it is its live incarnation). Either way it does
		 * not move our floor, but we answer it: a past incarnation
		 * cannot use the answer (its nonce is gone with it), and a
		 * live one would otherwise wait for us forever. */
		if (peer_inc(&n->peers[m->from], m->nonce))
			note_peer_restart(n, m);
		msg_init(n, &r, CONS_MSG_RECOVER_RESP, m->from);
		r.nonce = m->nonce;
		r.inc = n->cfg.boot_nonce;
		r.index = last_index(n);
		r.log_term = last_term(n);
		r.commit = n->commit;
		send_durable(n, &r);
		return;
	}
	case CONS_MSG_RECOVER_RESP:
		on_recover_resp(n, m);
		return;
	case CONS_MSG_PREVOTE:
		on_prevote(n, m);
		return;
	case CONS_MSG_PREVOTE_RESP:
		if (m->ok) {
			if (n->role == CONS_PRECANDIDATE
			    && m->term == n->term + 1) {
				n->granted |= 1u << m->from;
				if (popcount(n->granted) >= majority(n))
					campaign(n);
			}
		} else if (m->term > n->term) {
			become_follower(n, m->term, CONS_VOTE_NONE);
		}
		return;
	default:
		break;
	}

	/* Terms: VOTE, VOTE_RESP, APPEND, APPEND_RESP, PROPOSE. */
	if (m->term > n->term) {
		if (m->type == CONS_MSG_VOTE && leader_fresh(n))
			return; /* ignore disruptive candidates */
		become_follower(n, m->term,
		    m->type == CONS_MSG_APPEND ? m->from : CONS_VOTE_NONE);
	} else if (m->term < n->term) {
		struct cons_msg r;
		if (m->type == CONS_MSG_APPEND) {
			msg_init(n, &r, CONS_MSG_APPEND_RESP, m->from);
			send_durable(n, &r);
		} else if (m->type == CONS_MSG_VOTE) {
			msg_init(n, &r, CONS_MSG_VOTE_RESP, m->from);
			send_durable(n, &r);
		}
		return;
	}

	switch (m->type) {
	case CONS_MSG_VOTE:
		on_vote(n, m);
		break;
	case CONS_MSG_VOTE_RESP:
		if (n->role == CONS_CANDIDATE && m->ok) {
			n->granted |= 1u << m->from;
			if (popcount(n->granted) >= majority(n))
				become_leader(n);
		}
		break;
	case CONS_MSG_APPEND:
		on_append(n, m);
		break;
	case CONS_MSG_APPEND_RESP:
		on_append_resp(n, m);
		break;
	case CONS_MSG_PROPOSE:
		on_propose_fwd(n, m);
		break;
	default:
		break;
	}
}

static void
on_tick(struct cons_node *n)
{
	unsigned i;

	if (n->recovering) {
		if (++n->rec_elapsed >= n->cfg.heartbeat_ticks) {
			n->rec_elapsed = 0;
			send_recover(n);
		}
		return;
	}
	if (n->role == CONS_LEADER) {
		if (++n->cq_elapsed >= n->cfg.election_ticks) {
			/* check-quorum: step down without a live majority */
			unsigned act = 1;
			n->cq_elapsed = 0;
			for (i = 0; i < n->cfg.n; i++) {
				if (i == n->cfg.id)
					continue;
				act += n->peers[i].active ? 1u : 0u;
				n->peers[i].active = 0;
			}
			if (act < majority(n)) {
				become_follower(n, n->term, CONS_VOTE_NONE);
				return;
			}
		}
		if (++n->hb_elapsed >= n->cfg.heartbeat_ticks) {
			n->hb_elapsed = 0;
			for (i = 0; i < n->cfg.n; i++) {
				struct peer *p = &n->peers[i];
				if (i == n->cfg.id)
					continue;
				if ((p->inflight > 0
				        || p->match < last_index(n))
				    && !p->acked) {
					/* no progress for a heartbeat period:
					 * assume loss, probe from the match */
					p->probe = 1;
					p->inflight = 0;
					p->next = p->match + 1;
				}
				p->acked = 0;
				p->silent = p->heard ? 0 : p->silent + 1;
				p->heard = 0;
				send_append(n, (uint8_t) i, 1);
			}
		}
		return;
	}
	if (++n->elapsed >= n->timeout) {
		if (may_campaign(n))
			pre_campaign(n);
		else
			reset_timeout(n);
	}
}

static int
on_propose(struct cons_node *n, const struct cons_event *ev)
{
	struct cons_msg m;
	struct cons_entry *tmp;
	size_t k;

	if (ev->n_cmds == 0 || ev->cmds == NULL || ev->cmd_lens == NULL)
		return CONS_EINVAL;
	for (k = 0; k < ev->n_cmds; k++)
		if (ev->cmd_lens[k] == 0 || ev->cmd_lens[k] > CONS_ENTRY_MAX)
			return CONS_ETOOBIG;
	if (n->recovering || n->floor_on)
		return CONS_ENOTREADY;
	if (n->role == CONS_LEADER) {
		if (last_index(n) - n->commit + ev->n_cmds
		    > n->cfg.max_uncommitted)
			return CONS_EBUSY;
		for (k = 0; k < ev->n_cmds; k++)
			if (log_append(n, n->term, CONS_ENTRY_CMD, ev->cmds[k],
			        (uint32_t) ev->cmd_lens[k])
			    != 0)
				return CONS_ENOMEM;
		return 0;
	}
	if (n->leader == CONS_VOTE_NONE)
		return CONS_ENOTLEADER;
	/* Forward to the leader; copies live until the next step. */
	if (ev->n_cmds > CONS_MSG_ENTRIES)
		return CONS_ETOOBIG;
	if (grow((void **) &n->ev, &n->ev_cap, n->ev_n + ev->n_cmds,
	        sizeof(*n->ev))
	    != 0)
		return CONS_ENOMEM;
	tmp = &n->ev[n->ev_n];
	for (k = 0; k < ev->n_cmds; k++) {
		uint8_t *c = malloc(ev->cmd_lens[k]);
		if (c == NULL)
			return CONS_ENOMEM;
		memcpy(c, ev->cmds[k], ev->cmd_lens[k]);
		bury(n, c);
		tmp[k].term = n->term;
		tmp[k].index = k + 1;
		tmp[k].type = CONS_ENTRY_CMD;
		tmp[k].len = (uint32_t) ev->cmd_lens[k];
		tmp[k].data = c;
	}
	msg_init(n, &m, CONS_MSG_PROPOSE, n->leader);
	m.n_entries = ev->n_cmds;
	{
		struct cons_action *a = push_act(n, CONS_ACT_SEND);
		if (a == NULL)
			return CONS_ENOMEM;
		a->msg = m;
		n->act_off[n->acts_n - 1] = n->ev_n;
	}
	n->ev_n += ev->n_cmds;
	return 0;
}

static void
on_persisted(struct cons_node *n, uint64_t id)
{
	size_t k = 0, j;
	uint64_t dm = n->durable_match;
	int popped = 0;

	if (id <= n->pid_durable || id > n->pid_issued)
		return;
	n->pid_durable = id;
	while (k < n->pend_n && n->pend[k].id <= id) {
		dm = n->pend[k].last;
		popped = 1;
		k++;
	}
	for (j = k; j < n->pend_n; j++)
		if (n->pend[j].trunc && n->pend[j].trunc - 1 < dm)
			dm = n->pend[j].trunc - 1;
	memmove(n->pend, n->pend + k, (n->pend_n - k) * sizeof(*n->pend));
	n->pend_n -= k;
	if (popped)
		n->durable_match = dm;
	if (n->role == CONS_LEADER)
		maybe_commit(n);
	apply_ready(n);
}

/* ------------------------------------------------------------------ */
/* end of step: persist, outbox, leader flush, pointer fix-up */

/* An acknowledgement released together with a later one that says at
 * least as much is not sent: a follower that received several APPENDs
 * while its write was in flight answers them all at once, and an ok
 * APPEND_RESP names its whole durable match, so the last one covers the
 * earlier ones (the leader only raises match and prunes its in-flight
 * batches up to it). Only when the next released message to the same node
 * is such an ack (same term, index not lower): nothing else is reordered
 * or dropped. Dropping a message is always safe (the network may); this
 * saves messages under load. Released messages form a prefix of outq
 * (their persist ids never decrease). */
static int
ack_covered(const struct cons_node *n, size_t k)
{
	const struct cons_msg *m = &n->outq[k].m;
	size_t i;

	if (m->type != CONS_MSG_APPEND_RESP || !m->ok)
		return 0;
	for (i = k + 1; i < n->outq_n; i++) {
		const struct outq *q = &n->outq[i];
		if (!q->set || q->need > n->pid_durable)
			return 0;
		if (q->m.to != m->to || q->m.term != n->term)
			continue;
		return q->m.type == CONS_MSG_APPEND_RESP && q->m.ok
		    && q->m.term == m->term && q->m.index >= m->index;
	}
	return 0;
}

static void
finish_step(struct cons_node *n)
{
	size_t k, j;

	if (n->role == CONS_LEADER) {
		unsigned i;
		for (i = 0; i < n->cfg.n; i++) {
			if (i == n->cfg.id)
				continue;
			/* fill the window: batching + pipelining */
			while (!n->oom) {
				size_t before = n->acts_n;
				send_append(n, (uint8_t) i, 0);
				if (n->acts_n == before)
					break;
			}
			/* A follower answers the commands it forwarded only
			 * once it applies them: when the commit covering them
			 * advanced in this step, it learns so now (an empty
			 * APPEND if nothing else went out), not at the next
			 * heartbeat. */
			if (!n->oom && n->peers[i].sent_commit < n->commit
			    && n->peers[i].fwd_index > n->peers[i].sent_commit)
				send_append(n, (uint8_t) i, 1);
		}
	}
	if (n->dirty_hard || n->dirty_trunc || n->dirty_from) {
		struct cons_action *a = push_act(n, CONS_ACT_PERSIST);
		struct pend *pd;
		size_t cnt = 0;

		if (a == NULL)
			return;
		a->persist.id = ++n->pid_issued;
		a->persist.has_hard = n->dirty_hard;
		a->persist.term = n->term;
		a->persist.vote = n->vote;
		a->persist.truncate_from = n->dirty_trunc;
		if (n->dirty_from)
			views(n, n->dirty_from, last_index(n), &cnt);
		a->persist.n_entries = cnt;
		if (grow((void **) &n->pend, &n->pend_cap, n->pend_n + 1,
		        sizeof(*n->pend))
		    != 0) {
			n->oom = 1;
			return;
		}
		pd = &n->pend[n->pend_n++];
		pd->id = n->pid_issued;
		pd->last = last_index(n);
		pd->trunc = n->dirty_trunc;
		n->dirty_hard = 0;
		n->dirty_trunc = 0;
		n->dirty_from = 0;
	}
	for (k = 0, j = 0; k < n->outq_n; k++) {
		struct outq *q = &n->outq[k];
		if (!q->set) {
			q->need = n->pid_issued;
			q->set = 1;
		}
		if (q->need <= n->pid_durable) {
			if (q->m.term == n->term && !ack_covered(n, k))
				send_now(n, &q->m);
		} else {
			n->outq[j++] = *q;
		}
	}
	n->outq_n = j;
	/* resolve entry views now that the view array is final */
	for (k = 0; k < n->acts_n; k++) {
		struct cons_action *a = &n->acts[k];
		if (n->act_off[k] == SIZE_MAX)
			continue;
		if (a->type == CONS_ACT_PERSIST)
			a->persist.entries = &n->ev[n->act_off[k]];
		else if (a->type == CONS_ACT_SEND)
			a->msg.entries = &n->ev[n->act_off[k]];
	}
}

/* ------------------------------------------------------------------ */
/* public API */

int
cons_node_new(struct cons_node **out, const struct cons_config *cfg,
    const struct cons_boot *boot, uint64_t applied)
{
	struct cons_node *n;
	size_t k;

	CONS_ARG_CHECK(out != NULL && cfg != NULL && boot != NULL);
	*out = NULL;
	CONS_ARG_CHECK(cfg->n >= 1 && cfg->n <= CONS_MAX_NODES);
	CONS_ARG_CHECK(cfg->id < cfg->n);
	CONS_ARG_CHECK(cfg->heartbeat_ticks >= 1);
	CONS_ARG_CHECK(cfg->election_ticks > cfg->heartbeat_ticks);
	CONS_ARG_CHECK(
	    cfg->max_batch >= 1 && cfg->max_batch <= CONS_MSG_ENTRIES);
	CONS_ARG_CHECK(cfg->window >= 1 && cfg->window <= 64);
	CONS_ARG_CHECK(cfg->max_uncommitted >= 1);
	CONS_ARG_CHECK(boot->n_entries == 0 || boot->entries != NULL);
	CONS_ARG_CHECK(boot->vote < cfg->n || boot->vote == CONS_VOTE_NONE
	    || boot->vote == CONS_VOTE_SPENT);
	CONS_ARG_CHECK(applied >= boot->snap_index
	    && applied <= boot->snap_index + boot->n_entries);
	for (k = 0; k < boot->n_entries; k++) {
		const struct cons_entry *e = &boot->entries[k];
		CONS_ARG_CHECK(e->index == boot->snap_index + 1 + k);
		CONS_ARG_CHECK(e->term <= boot->term);
		CONS_ARG_CHECK(k == 0 ? e->term >= boot->snap_term
		                      : e->term >= boot->entries[k - 1].term);
		CONS_ARG_CHECK(e->len <= CONS_ENTRY_MAX);
	}

	n = calloc(1, sizeof(*n));
	if (n == NULL)
		return CONS_ENOMEM;
	n->cfg = *cfg;
	n->rng = cfg->rng_seed ^ 0x636f6e73ull;
	n->term = boot->term;
	n->vote = boot->vote;
	n->snap_index = boot->snap_index;
	n->snap_term = boot->snap_term;
	for (k = 0; k < boot->n_entries; k++) {
		const struct cons_entry *e = &boot->entries[k];
		if (log_append(n, e->term, e->type, e->data, e->len) != 0) {
			cons_node_free(n);
			return CONS_ENOMEM;
		}
	}
	n->dirty_from = 0; /* the boot log is already durable */
	n->boot_term = boot->term;
	n->boot_index = last_index(n);
	n->boot_lterm = last_term(n);
	n->durable_match = last_index(n);
	n->commit = applied;
	n->applied = applied;
	n->role = CONS_FOLLOWER;
	n->leader = CONS_VOTE_NONE;
	n->recovering = 1;
	reset_timeout(n);
	if (cfg->n == 1)
		finish_recovery(n);
	*out = n;
	return 0;
}

void
cons_node_free(struct cons_node *n)
{
	size_t k;

	if (n == NULL)
		return;
	for (k = 0; k < n->log_n; k++)
		free(n->log[k].data);
	for (k = 0; k < n->grave_n; k++)
		free(n->grave[k]);
	free(n->log);
	free(n->grave);
	free(n->acts);
	free(n->act_off);
	free(n->ev);
	free(n->outq);
	free(n->pend);
	free(n);
}

int
cons_node_step(
    struct cons_node *n, struct cons_actions *acts, const struct cons_event *ev)
{
	size_t k;
	int rc = 0;

	CONS_ARG_CHECK(n != NULL && acts != NULL && ev != NULL);
	acts->n = 0;
	acts->v = NULL;
	if (n->oom)
		return CONS_ENOMEM;
	for (k = 0; k < n->grave_n; k++)
		free(n->grave[k]);
	n->grave_n = 0;
	n->acts_n = 0;
	n->ev_n = 0;

	switch (ev->type) {
	case CONS_EV_TICK:
		on_tick(n);
		break;
	case CONS_EV_MSG:
		CONS_ARG_CHECK(ev->msg != NULL);
		on_msg(n, ev->msg);
		break;
	case CONS_EV_PERSISTED:
		on_persisted(n, ev->persist_id);
		break;
	case CONS_EV_PROPOSE:
		rc = on_propose(n, ev);
		break;
	default:
		return CONS_EINVAL;
	}
	if (n->role == CONS_LEADER && n->cfg.n == 1)
		maybe_commit(n);
	finish_step(n);
	if (n->oom)
		return CONS_ENOMEM;
	acts->n = n->acts_n;
	acts->v = n->acts;
	return rc;
}

void
cons_node_status(const struct cons_node *n, struct cons_status *st)
{
	memset(st, 0, sizeof(*st));
	st->role = n->role;
	st->leader = n->leader;
	st->vote = n->vote;
	st->recovering = n->recovering;
	st->term = n->term;
	st->commit = n->commit;
	st->applied = n->applied;
	st->last_index = last_index(n);
	st->last_term = last_term(n);
	st->durable_index = n->durable_match;
	st->first_index = n->snap_index + 1;
	st->floor_on = n->floor_on;
	st->floor_term = n->floor_term;
	st->floor_index = n->floor_index;
	st->recovery_term = n->rec_term;
	if (n->recovering || n->floor_on)
		st->serving = 0;
	else if (n->role == CONS_LEADER)
		st->serving = n->commit >= n->noop_index;
	else
		st->serving = n->leader != CONS_VOTE_NONE && n->catchup_set
		    && n->applied >= n->catchup_target;
}

uint64_t
cons_node_term_at(const struct cons_node *n, uint64_t index)
{
	return term_at(n, index);
}

int
cons_node_entry(const struct cons_node *n, struct cons_entry *e, uint64_t index)
{
	const struct lent *l;

	memset(e, 0, sizeof(*e));
	if (index <= n->snap_index || index > last_index(n))
		return CONS_EINVAL;
	l = &n->log[index - n->snap_index - 1];
	e->term = l->term;
	e->index = index;
	e->type = l->type;
	e->len = l->len;
	e->data = l->data;
	return 0;
}
