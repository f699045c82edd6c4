/* Deterministic simulator (see cons_sim.h and docs/CONSENSUS.md §7).
 *
 * Time advances one tick per step. Each step: deliver due messages (they
 * travel encoded, through the real codec), complete due disk syncs, tick
 * every live node, inject faults, drive clients, then check invariants.
 * All randomness comes from one splitmix64 stream seeded by the seed. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../src/cons_int.h"
#include "cons.h"
#include "cons_sim.h"

#define ET         10 /* election ticks */
#define HB         2
#define MAXN       CONS_MAX_NODES
#define N_CLIENTS  4
#define N_CHECKED  6 /* users under the counter checker */
#define N_MIXED    3 /* users that also see LOGIN_OK and UNLOCK */
#define HARD_LIMIT 32
#define SOFT_LIMIT 4
#define OP_TIMEOUT 40
#define OP_RETRIES 6
#define SNAP_EVERY 25
#define MAX_OPS    4096

struct inflight {
	uint64_t at;
	uint8_t from, to;
	size_t len;
	uint8_t *buf;
};

struct dsync {
	uint64_t at;
	uint64_t id;
};

struct snode {
	struct cons_node *core;
	struct cons_store *store;
	struct cons_store *image; /* an old durable image, for rollback */
	struct cons_sm *sm;
	int up;
	uint64_t inc; /* incarnation */
	struct dsync *dq;
	size_t dq_n, dq_cap;
	uint64_t commit_seen;
	uint8_t role_seen;
	uint64_t term_seen;
	int tainted;
	uint64_t taint_commit;
	uint64_t applies;
};

struct op {
	int client;
	uint64_t seq;
	struct cons_cmd cmd;
	int checked; /* user index under the checker, or -1 */
	uint64_t invoke, complete;
	int state; /* 0 pending, 1 ok, 2 info */
	struct cons_result res;
	int node; /* node it was last submitted to (-1: none) */
	uint64_t inc; /* that node's incarnation */
	uint64_t sent_at;
	int tries;
};

struct client {
	uint64_t id;
	uint64_t seq;
	int cur; /* op index or -1 */
};

struct sim {
	struct cons_sim_opts o;
	struct cons_sim_result *res;
	uint64_t rng, now;
	unsigned n;
	struct snode nodes[MAXN];
	struct inflight *net;
	size_t net_n, net_cap;
	int blocked[MAXN][MAXN];
	unsigned drop_pct, dup_pct;
	/* invariants */
	uint8_t *leader_of; /* term -> leader + 1 */
	size_t leader_cap;
	uint8_t *voted[MAXN]; /* term -> candidate + 1 */
	size_t voted_cap[MAXN];
	struct {
		uint64_t term, hash;
	} * committed, *applied;
	size_t committed_n, applied_n, commit_cap, applied_cap;
	struct reg {
		uint64_t term, hash, prev;
	} * *reg;
	size_t *reg_n, reg_cap;
	/* clients */
	struct client clients[N_CLIENTS];
	struct op *ops;
	size_t ops_n;
	uint64_t rec_version[4];
	uint64_t key_epoch[2];
	int calm;
	int failed;
};

static uint64_t
rnd(struct sim *s, uint64_t mod)
{
	return mod ? cons_rng_next(&s->rng) % mod : 0;
}

static void
hash_in(struct sim *s, const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++) {
		s->res->trace_hash ^= b[i];
		s->res->trace_hash *= 0x100000001b3ull;
	}
}

static void
hash_u64(struct sim *s, uint64_t v)
{
	hash_in(s, &v, sizeof(v));
}

static uint64_t
fnv(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

static void violation(struct sim *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void trace(struct sim *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
violation(struct sim *s, const char *fmt, ...)
{
	va_list ap;

	if (s->failed)
		return;
	s->failed = 1;
	s->res->ok = 0;
	va_start(ap, fmt);
	vsnprintf(s->res->why, sizeof(s->res->why), fmt, ap);
	va_end(ap);
}

static void
trace(struct sim *s, const char *fmt, ...)
{
	va_list ap;

	if (!s->o.verbose)
		return;
	fprintf(stderr, "[%6llu] ", (unsigned long long) s->now);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int
grow(void **p, size_t *cap, size_t need, size_t elem)
{
	size_t nc;
	void *q;

	if (need <= *cap)
		return 0;
	nc = *cap ? *cap : 64;
	while (nc < need)
		nc *= 2;
	q = realloc(*p, nc * elem);
	if (q == NULL)
		return CONS_ENOMEM;
	memset((uint8_t *) q + *cap * elem, 0, (nc - *cap) * elem);
	*p = q;
	*cap = nc;
	return 0;
}

/* ------------------------------------------------------------------ */
/* node life cycle */

static const struct cons_sm_params sm_params = {
	SOFT_LIMIT,
	HARD_LIMIT,
	10,
	10000,
	64,
};

static void
node_config(struct sim *s, unsigned i, struct cons_config *c)
{
	memset(c, 0, sizeof(*c));
	c->id = (uint8_t) i;
	c->n = (uint8_t) s->n;
	c->election_ticks = ET;
	c->heartbeat_ticks = HB;
	c->max_batch = 8;
	c->window = 4;
	c->max_uncommitted = 512;
	c->rng_seed = cons_rng_next(&s->rng);
	c->boot_nonce = cons_rng_next(&s->rng);
}

static int
node_start(struct sim *s, unsigned i)
{
	struct snode *nd = &s->nodes[i];
	struct cons_loaded ld;
	struct cons_config c;
	uint64_t applied = 0;
	int rc;

	if ((rc = cons_store_load(nd->store, &ld)) != 0) {
		violation(
		    s, "node %u: store load failed: %s", i, cons_strerror(rc));
		return rc;
	}
	if ((rc = cons_sm_new(&nd->sm, &sm_params)) != 0)
		goto out;
	if (ld.snap_len > 0) {
		if ((rc = cons_sm_restore(nd->sm, ld.snap, ld.snap_len)) != 0) {
			violation(s, "node %u: snapshot restore failed", i);
			goto out;
		}
		if (cons_sm_applied(nd->sm) != ld.snap_index) {
			violation(s, "node %u: snapshot index mismatch", i);
			rc = CONS_ECORRUPT;
			goto out;
		}
		applied = ld.snap_index;
	}
	node_config(s, i, &c);
	if ((rc = cons_node_new(&nd->core, &c, &ld.boot, applied)) != 0) {
		violation(
		    s, "node %u: cons_node_new: %s", i, cons_strerror(rc));
		goto out;
	}
	nd->up = 1;
	nd->inc++;
	nd->commit_seen = applied;
	nd->role_seen = CONS_FOLLOWER;
	nd->term_seen = ld.boot.term;
	nd->dq_n = 0;
	trace(s, "start n%u inc %llu term %llu log %zu applied %llu", i,
	    (unsigned long long) nd->inc, (unsigned long long) ld.boot.term,
	    ld.boot.n_entries, (unsigned long long) applied);
out:
	cons_loaded_clear(&ld);
	return rc;
}

static void
node_crash(struct sim *s, unsigned i, const char *why)
{
	struct snode *nd = &s->nodes[i];

	if (!nd->up)
		return;
	trace(s, "crash n%u (%s)", i, why);
	cons_node_free(nd->core);
	nd->core = NULL;
	cons_sm_free(nd->sm);
	nd->sm = NULL;
	cons_store_mem_crash(nd->store); /* unsynced writes are lost */
	nd->up = 0;
	nd->dq_n = 0;
	s->res->crashes++;
}

/* ------------------------------------------------------------------ */
/* invariant bookkeeping */

static void
note_leader(struct sim *s, unsigned i, uint64_t term)
{
	size_t k;
	uint64_t ci;

	if (grow((void **) &s->leader_of, &s->leader_cap, term + 1, 1) != 0) {
		violation(s, "oom");
		return;
	}
	if (s->leader_of[term] == 0) {
		s->leader_of[term] = (uint8_t) (i + 1);
		s->res->elections++;
	} else if (s->leader_of[term] != i + 1) {
		violation(s,
		    "election safety: term %llu has leaders n%u and "
		    "n%u",
		    (unsigned long long) term, s->leader_of[term] - 1, i);
		return;
	}
	/* leader completeness: every committed entry is in its log */
	for (k = 0; k < s->committed_n; k++) {
		ci = k + 1;
		if (cons_node_term_at(s->nodes[i].core, ci)
		    != s->committed[k].term) {
			violation(s,
			    "leader completeness: n%u leader of term "
			    "%llu lacks committed index %llu",
			    i, (unsigned long long) term,
			    (unsigned long long) ci);
			return;
		}
	}
}

static void
note_vote(struct sim *s, unsigned voter, uint64_t term, unsigned cand)
{
	if (grow((void **) &s->voted[voter], &s->voted_cap[voter], term + 1, 1)
	    != 0) {
		violation(s, "oom");
		return;
	}
	if (s->voted[voter][term] == 0)
		s->voted[voter][term] = (uint8_t) (cand + 1);
	else if (s->voted[voter][term] != cand + 1)
		violation(s,
		    "double vote: n%u voted for n%u and n%u in term "
		    "%llu",
		    voter, s->voted[voter][term] - 1, cand,
		    (unsigned long long) term);
}

static uint64_t
entry_hash(const struct cons_entry *e)
{
	return fnv(e->data, e->len) ^ ((uint64_t) e->type << 56);
}

/* log matching, by induction: an (index, term) pair always carries the
 * same data and follows the same previous term. */
static void
note_entry(
    struct sim *s, unsigned i, const struct cons_entry *e, uint64_t prev_term)
{
	size_t k, n;
	uint64_t h = entry_hash(e);
	struct reg *r;

	if (e->index > s->reg_cap) {
		size_t *nn;
		if (grow((void **) &s->reg, &s->reg_cap, e->index,
		        sizeof(*s->reg))
		    != 0) {
			violation(s, "oom");
			return;
		}
		/* reg_n[k] is read only where reg[k] is set, which also sets
		 * it, so its new tail needs no clearing. */
		nn = realloc(s->reg_n, s->reg_cap * sizeof(size_t));
		if (nn == NULL) {
			violation(s, "oom");
			return;
		}
		s->reg_n = nn;
	}
	r = s->reg[e->index - 1];
	n = r ? s->reg_n[e->index - 1] : 0;
	for (k = 0; k < n; k++) {
		if (r[k].term != e->term)
			continue;
		if (r[k].hash != h || r[k].prev != prev_term)
			violation(s,
			    "log matching: n%u index %llu term %llu "
			    "differs",
			    i, (unsigned long long) e->index,
			    (unsigned long long) e->term);
		return;
	}
	{
		void *nr = realloc(r, (n + 1) * sizeof(*r));
		if (nr == NULL) {
			violation(s, "oom");
			return;
		}
		r = nr;
	}
	r[n].term = e->term;
	r[n].hash = h;
	r[n].prev = prev_term;
	s->reg[e->index - 1] = r;
	s->reg_n[e->index - 1] = n + 1;
}

static void
note_commit(struct sim *s, unsigned i, uint64_t from, uint64_t to)
{
	struct cons_entry e;
	uint64_t x;

	for (x = from + 1; x <= to; x++) {
		if (cons_node_entry(s->nodes[i].core, &e, x) != 0) {
			violation(s, "n%u commits %llu it does not hold", i,
			    (unsigned long long) x);
			return;
		}
		if (x <= s->committed_n) {
			if (s->committed[x - 1].term != e.term
			    || s->committed[x - 1].hash != entry_hash(&e)) {
				violation(s,
				    "committed entry %llu changed "
				    "(n%u)",
				    (unsigned long long) x, i);
				return;
			}
			continue;
		}
		if (x != s->committed_n + 1)
			continue; /* filled in order below */
		if (grow((void **) &s->committed, &s->commit_cap, x,
		        sizeof(*s->committed))
		    != 0) {
			violation(s, "oom");
			return;
		}
		s->committed[x - 1].term = e.term;
		s->committed[x - 1].hash = entry_hash(&e);
		s->committed_n = x;
	}
}

/* ------------------------------------------------------------------ */
/* clients */

static int
op_user(const struct op *o)
{
	return o->checked;
}

static void
client_complete(struct sim *s, struct op *o, const struct cons_result *r)
{
	o->state = 1;
	o->complete = s->now;
	o->res = *r;
	s->clients[o->client].cur = -1;
	if (o->cmd.type == CONS_CMD_ATTEMPT && r->status == CONS_R_LOCKED)
		s->res->ops_locked++;
	else
		s->res->ops_ok++;
	hash_u64(s, o->seq);
	hash_u64(s, r->value);
}

static void
on_apply(struct sim *s, unsigned i, const struct cons_entry *e)
{
	struct snode *nd = &s->nodes[i];
	struct cons_result r;
	struct cons_cmd c;
	struct cons_status st;
	size_t k;
	int is_cmd, rc;

	/* state-machine safety: one value per applied index */
	if (e->index > s->applied_n) {
		if (e->index != s->applied_n + 1) {
			violation(s, "n%u applied %llu out of order", i,
			    (unsigned long long) e->index);
			return;
		}
		if (grow((void **) &s->applied, &s->applied_cap, e->index,
		        sizeof(*s->applied))
		    != 0) {
			violation(s, "oom");
			return;
		}
		s->applied[e->index - 1].term = e->term;
		s->applied[e->index - 1].hash = entry_hash(e);
		s->applied_n = e->index;
	} else if (s->applied[e->index - 1].term != e->term
	    || s->applied[e->index - 1].hash != entry_hash(e)) {
		violation(s,
		    "state-machine safety: n%u applied a different "
		    "entry at %llu",
		    i, (unsigned long long) e->index);
		return;
	}
	/* the commit that allowed this apply happened in the same step */
	cons_node_status(nd->core, &st);
	if (st.commit > nd->commit_seen) {
		note_commit(s, i, nd->commit_seen, st.commit);
		nd->commit_seen = st.commit;
	}
	if (e->index > s->committed_n) {
		violation(s, "n%u applied uncommitted %llu", i,
		    (unsigned long long) e->index);
		return;
	}
	rc = cons_sm_apply(nd->sm, &r, &is_cmd, e);
	if (rc != 0) {
		violation(s, "n%u sm apply: %s", i, cons_strerror(rc));
		return;
	}
	nd->applies++;
	if (!is_cmd || cons_cmd_decode(&c, e->data, e->len) != 0)
		return;
	/* answer the client that submitted it here, in this incarnation */
	for (k = 0; k < N_CLIENTS; k++) {
		struct op *o;
		if (s->clients[k].id != c.client_id || s->clients[k].cur < 0)
			continue;
		o = &s->ops[s->clients[k].cur];
		if (o->seq != c.seq || o->node != (int) i || o->inc != nd->inc)
			continue;
		if (st.recovering)
			violation(
			    s, "n%u answered a client while recovering", i);
		client_complete(s, o, &r);
	}
}

static void new_op(struct sim *s, int ci);
static void sim_do_actions(
    struct sim *s, unsigned i, const struct cons_actions *a);
static void check_node(struct sim *s, unsigned i);

static void
submit(struct sim *s, struct op *o)
{
	uint8_t buf[CONS_CMD_MAX_BYTES];
	const uint8_t *cmds[1];
	size_t len, lens[1];
	struct cons_event ev;
	struct cons_actions acts;
	unsigned tries, i;
	int rc;

	if (cons_cmd_encode(buf, sizeof(buf), &len, &o->cmd) != 0) {
		violation(s, "cmd encode");
		return;
	}
	cmds[0] = buf;
	lens[0] = len;
	memset(&ev, 0, sizeof(ev));
	ev.type = CONS_EV_PROPOSE;
	ev.n_cmds = 1;
	ev.cmds = cmds;
	ev.cmd_lens = lens;
	for (tries = 0; tries < s->n; tries++) {
		i = (unsigned) rnd(s, s->n);
		if (!s->nodes[i].up)
			continue;
		rc = cons_node_step(s->nodes[i].core, &acts, &ev);
		if (rc != 0)
			continue;
		o->node = (int) i;
		o->inc = s->nodes[i].inc;
		o->sent_at = s->now;
		o->tries++;
		/* the actions of this step go through the normal path */
		sim_do_actions(s, i, &acts);
		check_node(s, i);
		return;
	}
}

static void
fill_id(struct sim *s, uint8_t id[CONS_ID_BYTES], uint8_t tag, uint64_t v)
{
	unsigned k;

	memset(id, 0, CONS_ID_BYTES);
	id[0] = tag;
	for (k = 0; k < 8; k++)
		id[1 + k] = (uint8_t) (v >> (56 - 8 * k));
	(void) s;
}

static void
new_op(struct sim *s, int ci)
{
	struct client *c = &s->clients[ci];
	struct op *o;
	uint64_t r;

	if (s->ops_n >= MAX_OPS)
		return;
	o = &s->ops[s->ops_n];
	memset(o, 0, sizeof(*o));
	o->client = ci;
	o->seq = ++c->seq;
	o->checked = -1;
	o->node = -1;
	o->invoke = s->now;
	o->cmd.client_id = c->id;
	o->cmd.seq = o->seq;
	r = rnd(s, 100);
	if (r < 60) {
		int u = (int) rnd(s, N_CHECKED);
		o->cmd.type = CONS_CMD_ATTEMPT;
		o->checked = u;
		fill_id(s, o->cmd.user, 'U', (uint64_t) u);
		fill_id(s, o->cmd.id, 'A', s->ops_n);
	} else if (r < 80) {
		/* mixed users: attempts, logins and unlocks */
		uint64_t u = rnd(s, N_MIXED);
		uint64_t t = rnd(s, 10);
		fill_id(s, o->cmd.user, 'M', u);
		if (t < 6) {
			o->cmd.type = CONS_CMD_ATTEMPT;
			fill_id(s, o->cmd.id, 'A', s->ops_n);
		} else if (t < 9) {
			o->cmd.type = CONS_CMD_LOGIN_OK;
			/* an earlier attempt id, maybe of another user */
			fill_id(s, o->cmd.id, 'A', rnd(s, s->ops_n + 1));
		} else {
			o->cmd.type = CONS_CMD_UNLOCK;
		}
	} else if (r < 95) {
		uint64_t rid = rnd(s, 4), t = rnd(s, 10);
		fill_id(s, o->cmd.id, 'R', rid);
		if (t < 7) {
			o->cmd.type = CONS_CMD_SET_RECORD;
			o->cmd.version = ++s->rec_version[rid];
			fill_id(s, o->cmd.hash, 'H', o->cmd.version);
		} else if (t < 8) {
			o->cmd.type = CONS_CMD_DELETE_RECORD;
			o->cmd.version = ++s->rec_version[rid];
		} else {
			o->cmd.type = CONS_CMD_READ_RECORD;
		}
	} else {
		uint64_t kid = rnd(s, 2);
		o->cmd.type = CONS_CMD_SET_EPOCH;
		fill_id(s, o->cmd.id, 'K', kid);
		o->cmd.version = ++s->key_epoch[kid] - rnd(s, 2);
		if (o->cmd.version == 0)
			o->cmd.version = 1;
	}
	c->cur = (int) s->ops_n;
	s->ops_n++;
}

static void
drive_clients(struct sim *s)
{
	int ci;

	for (ci = 0; ci < N_CLIENTS; ci++) {
		struct client *c = &s->clients[ci];
		struct op *o;
		if (c->cur < 0) {
			if (s->calm == 2 || rnd(s, 4) != 0)
				continue;
			new_op(s, ci);
			if (c->cur < 0)
				continue;
		}
		o = &s->ops[c->cur];
		if (o->node >= 0 && s->now - o->sent_at < OP_TIMEOUT
		    && s->nodes[o->node].up && s->nodes[o->node].inc == o->inc)
			continue; /* still waiting */
		if (o->tries >= OP_RETRIES && s->calm == 0) {
			/* give up: the outcome is unknown */
			o->state = 2;
			o->complete = s->now;
			c->cur = -1;
			s->res->ops_info++;
			continue;
		}
		submit(s, o); /* retry with the same (client, seq) */
	}
}

/* The counter checker of docs/CONSENSUS.md §7 for one user. */
static void
check_counter(struct sim *s, int u, uint64_t final_count, int have_final)
{
	size_t a, b;
	uint64_t n_ok = 0, n_info = 0;

	for (a = 0; a < s->ops_n; a++) {
		const struct op *x = &s->ops[a];
		if (op_user(x) != u)
			continue;
		if (x->state == 1 && x->res.status == CONS_R_LOCKED) {
			if (x->res.value != HARD_LIMIT)
				violation(s, "counter: user %d locked at %llu",
				    u, (unsigned long long) x->res.value);
			continue;
		}
		if (x->state == 1)
			n_ok++;
		else
			n_info++;
		if (x->state != 1)
			continue;
		if (x->res.status != CONS_R_OK
		    && x->res.status != CONS_R_BACKOFF) {
			violation(s, "counter: user %d odd status %u", u,
			    x->res.status);
			return;
		}
		{
			uint64_t inv = 0;
			for (b = 0; b < s->ops_n; b++) {
				const struct op *y = &s->ops[b];
				if (op_user(y) != u)
					continue;
				if (y->invoke <= x->complete)
					inv++;
				if (b == a || y->state != 1
				    || y->res.status == CONS_R_LOCKED)
					continue;
				/* 1. distinct values */
				if (y->res.value == x->res.value)
					violation(s,
					    "counter: user %d value "
					    "%llu twice",
					    u,
					    (unsigned long long) x->res.value);
				/* 2. real-time order */
				if (x->complete < y->invoke
				    && !(x->res.value < y->res.value))
					violation(s,
					    "counter: user %d went "
					    "back %llu -> %llu",
					    u,
					    (unsigned long long) x->res.value,
					    (unsigned long long) y->res.value);
			}
			/* 3. never more than was invoked */
			if (x->res.value > inv)
				violation(s,
				    "counter: user %d value %llu > "
				    "%llu invoked",
				    u, (unsigned long long) x->res.value,
				    (unsigned long long) inv);
		}
	}
	/* 4. the final read lies in [#ok, #ok + #info] */
	if (have_final && (final_count < n_ok || final_count > n_ok + n_info))
		violation(s, "counter: user %d final %llu not in [%llu, %llu]",
		    u, (unsigned long long) final_count,
		    (unsigned long long) n_ok,
		    (unsigned long long) (n_ok + n_info));
}

/* ------------------------------------------------------------------ */
/* actions */

static void
send_msg(struct sim *s, const struct cons_msg *m)
{
	struct inflight *f;
	uint8_t *buf;
	size_t len, copies = 1, c;
	int rc;

	buf = malloc(CONS_MSG_MAX);
	if (buf == NULL) {
		violation(s, "oom");
		return;
	}
	rc = cons_msg_encode(buf, CONS_MSG_MAX, &len, m);
	if (rc != 0) {
		free(buf);
		violation(s, "n%u sent an unencodable message (type %u): %s",
		    m->from, m->type, cons_strerror(rc));
		return;
	}
	if (m->type == CONS_MSG_VOTE_RESP && m->ok)
		note_vote(s, m->from, m->term, m->to);
	s->res->msgs++;
	if (!s->calm) {
		if (s->blocked[m->from][m->to] || rnd(s, 100) < s->drop_pct) {
			free(buf);
			return;
		}
		if (rnd(s, 100) < s->dup_pct)
			copies = 2;
	}
	for (c = 0; c < copies; c++) {
		if (grow((void **) &s->net, &s->net_cap, s->net_n + 1,
		        sizeof(*s->net))
		    != 0) {
			free(buf);
			violation(s, "oom");
			return;
		}
		f = &s->net[s->net_n++];
		f->at = s->now + 1 + (s->calm ? 0 : rnd(s, 3));
		f->from = m->from;
		f->to = m->to;
		f->len = len;
		if (c == 0) {
			f->buf = buf;
		} else {
			f->buf = malloc(len);
			if (f->buf == NULL) {
				s->net_n--;
				return;
			}
			memcpy(f->buf, buf, len);
		}
	}
}

static void
sim_do_actions(struct sim *s, unsigned i, const struct cons_actions *a)
{
	struct snode *nd = &s->nodes[i];
	size_t k, j;
	int rc;

	for (k = 0; k < a->n && nd->up && !s->failed; k++) {
		const struct cons_action *x = &a->v[k];
		switch (x->type) {
		case CONS_ACT_PERSIST:
			for (j = 0; j < x->persist.n_entries; j++) {
				const struct cons_entry *e
				    = &x->persist.entries[j];
				uint64_t pt = j
				    ? x->persist.entries[j - 1].term
				    : cons_node_term_at(nd->core, e->index - 1);
				note_entry(s, i, e, pt);
			}
			hash_u64(s, x->persist.id);
			rc = cons_store_write(nd->store, &x->persist);
			if (rc != 0) {
				node_crash(s, i, "write failed: fail-stop");
				return;
			}
			if (grow((void **) &nd->dq, &nd->dq_cap, nd->dq_n + 1,
			        sizeof(*nd->dq))
			    != 0) {
				violation(s, "oom");
				return;
			}
			nd->dq[nd->dq_n].id = x->persist.id;
			nd->dq[nd->dq_n].at
			    = s->now + (s->calm ? 0 : rnd(s, 3));
			if (nd->dq_n > 0
			    && nd->dq[nd->dq_n].at < nd->dq[nd->dq_n - 1].at)
				nd->dq[nd->dq_n].at = nd->dq[nd->dq_n - 1].at;
			nd->dq_n++;
			break;
		case CONS_ACT_SEND:
			if (x->msg.from != i)
				violation(s, "n%u sent as n%u", i, x->msg.from);
			send_msg(s, &x->msg);
			break;
		case CONS_ACT_APPLY:
			on_apply(s, i, &x->entry);
			break;
		default:
			violation(s, "unknown action %u", x->type);
		}
	}
}

static void
step_node(struct sim *s, unsigned i, const struct cons_event *ev)
{
	struct cons_actions acts;
	int rc;

	if (!s->nodes[i].up || s->failed)
		return;
	rc = cons_node_step(s->nodes[i].core, &acts, ev);
	if (rc != 0 && ev->type != CONS_EV_PROPOSE) {
		violation(s, "n%u step: %s", i, cons_strerror(rc));
		return;
	}
	sim_do_actions(s, i, &acts);
	check_node(s, i);
}

static void
deliver(struct sim *s)
{
	struct cons_entry ents[CONS_MSG_ENTRIES];
	struct cons_event ev;
	struct cons_msg m;
	size_t k, j = 0, due_n = 0;
	struct inflight *due;

	due = malloc((s->net_n ? s->net_n : 1) * sizeof(*due));
	if (due == NULL) {
		violation(s, "oom");
		return;
	}
	for (k = 0; k < s->net_n; k++) {
		if (s->net[k].at <= s->now)
			due[due_n++] = s->net[k];
		else
			s->net[j++] = s->net[k];
	}
	s->net_n = j;
	for (k = 0; k < due_n; k++) {
		struct inflight *f = &due[k];
		if (!s->failed && s->nodes[f->to].up
		    && !(s->blocked[f->from][f->to] && !s->calm)) {
			int rc = cons_msg_decode(
			    &m, ents, CONS_MSG_ENTRIES, s->n, f->buf, f->len);
			if (rc != 0) {
				violation(s,
				    "decode of a sent message (type "
				    "%u, n%u->n%u): %s",
				    f->len > 1 ? f->buf[1] : 0, f->from, f->to,
				    cons_strerror(rc));
			} else {
				hash_u64(s, s->now);
				hash_in(s, f->buf, f->len);
				if (s->o.verbose > 1)
					trace(s,
					    "msg %u n%u->n%u t%llu ok%u "
					    "i%llu lt%llu c%llu ne%zu",
					    m.type, m.from, m.to,
					    (unsigned long long) m.term, m.ok,
					    (unsigned long long) m.index,
					    (unsigned long long) m.log_term,
					    (unsigned long long) m.commit,
					    m.n_entries);
				memset(&ev, 0, sizeof(ev));
				ev.type = CONS_EV_MSG;
				ev.msg = &m;
				step_node(s, f->to, &ev);
			}
		}
		free(f->buf);
	}
	free(due);
}

static void
complete_syncs(struct sim *s, unsigned i)
{
	struct snode *nd = &s->nodes[i];
	struct cons_event ev;
	uint64_t id = 0;
	size_t k = 0;

	while (k < nd->dq_n && nd->dq[k].at <= s->now)
		id = nd->dq[k++].id;
	if (k == 0)
		return;
	memmove(nd->dq, nd->dq + k, (nd->dq_n - k) * sizeof(*nd->dq));
	nd->dq_n -= k;
	if (cons_store_sync(nd->store) != 0) {
		node_crash(s, i, "sync failed: fail-stop");
		return;
	}
	memset(&ev, 0, sizeof(ev));
	ev.type = CONS_EV_PERSISTED;
	ev.persist_id = id;
	step_node(s, i, &ev);
}

static void
maybe_checkpoint(struct sim *s, unsigned i)
{
	struct snode *nd = &s->nodes[i];
	uint8_t *buf;
	size_t cap, len;
	uint64_t idx;

	if (!nd->up || nd->applies < SNAP_EVERY)
		return;
	nd->applies = 0;
	idx = cons_sm_applied(nd->sm);
	if (cons_sm_snapshot(nd->sm, NULL, 0, &cap) != 0)
		return;
	buf = malloc(cap);
	if (buf == NULL)
		return;
	if (cons_sm_snapshot(nd->sm, buf, cap, &len) == 0
	    && cons_store_put_snapshot(
	           nd->store, idx, cons_node_term_at(nd->core, idx), buf, len)
	        != 0)
		node_crash(s, i, "snapshot write failed: fail-stop");
	free(buf);
}

/* ------------------------------------------------------------------ */
/* per-step checks */

static void
check_node(struct sim *s, unsigned i)
{
	struct snode *nd = &s->nodes[i];
	struct cons_status st;

	if (!nd->up || s->failed)
		return;
	cons_node_status(nd->core, &st);
	if (st.commit < nd->commit_seen) {
		violation(s, "n%u commit went back %llu -> %llu", i,
		    (unsigned long long) nd->commit_seen,
		    (unsigned long long) st.commit);
		return;
	}
	if (st.term < nd->term_seen) {
		violation(s, "n%u term went back", i);
		return;
	}
	if (st.commit > nd->commit_seen)
		note_commit(s, i, nd->commit_seen, st.commit);
	nd->commit_seen = st.commit;
	if (st.role == CONS_LEADER
	    && (nd->role_seen != CONS_LEADER || st.term != nd->term_seen))
		note_leader(s, i, st.term);
	if (st.role == CONS_LEADER && st.recovering)
		violation(s, "n%u leads while recovering", i);
	nd->role_seen = st.role;
	nd->term_seen = st.term;
	if (nd->tainted && !st.recovering
	    && st.durable_index >= nd->taint_commit
	    && cons_node_term_at(nd->core, nd->taint_commit)
	        == (nd->taint_commit ? s->committed[nd->taint_commit - 1].term
	                             : 0)) {
		nd->tainted = 0;
		trace(s, "n%u caught up after rollback", i);
	}
}

static void
check_nodes(struct sim *s)
{
	unsigned i;

	for (i = 0; i < s->n && !s->failed; i++)
		check_node(s, i);
}

/* ------------------------------------------------------------------ */
/* faults */

static int
any_tainted(const struct sim *s)
{
	unsigned i;

	for (i = 0; i < s->n; i++)
		if (s->nodes[i].tainted)
			return 1;
	return 0;
}

static void
faults(struct sim *s)
{
	unsigned i, j;

	if (rnd(s, 150) == 0) {
		/* new partition: random sides, sometimes one-way */
		uint32_t side = (uint32_t) rnd(s, 1u << s->n);
		int oneway = rnd(s, 4) == 0;
		memset(s->blocked, 0, sizeof(s->blocked));
		for (i = 0; i < s->n; i++)
			for (j = 0; j < s->n; j++)
				if (((side >> i) & 1) != ((side >> j) & 1)
				    && (!oneway || ((side >> i) & 1)))
					s->blocked[i][j] = 1;
		s->res->partitions++;
		trace(s, "partition %x%s", side, oneway ? " one-way" : "");
	}
	if (rnd(s, 100) == 0) {
		memset(s->blocked, 0, sizeof(s->blocked));
		trace(s, "heal");
	}
	if (rnd(s, 250) == 0) {
		i = (unsigned) rnd(s, s->n);
		node_crash(s, i, "fault");
	}
	if (rnd(s, 1500) == 0) {
		i = (unsigned) rnd(s, s->n);
		if (s->nodes[i].up) {
			cons_store_mem_fail_next(s->nodes[i].store);
			s->res->disk_faults++;
			trace(s, "disk fault armed on n%u", i);
		}
	}
	for (i = 0; i < s->n; i++)
		if (!s->nodes[i].up && rnd(s, 30) == 0 && !s->failed)
			node_start(s, i);
	/* keep an old durable image of a random node */
	if (rnd(s, 60) == 0) {
		i = (unsigned) rnd(s, s->n);
		if (cons_store_mem_copy(s->nodes[i].image, s->nodes[i].store)
		    != 0)
			violation(s, "oom");
	}
	/* rollback: only while no other node is still catching up from
	 * one (a second stale copy would be a second fault) */
	if (s->o.rollback && rnd(s, 500) == 0 && !any_tainted(s)) {
		i = (unsigned) rnd(s, s->n);
		node_crash(s, i, "rollback");
		if (cons_store_mem_copy(s->nodes[i].store, s->nodes[i].image)
		    != 0) {
			violation(s, "oom");
			return;
		}
		s->nodes[i].tainted = 1;
		s->nodes[i].taint_commit = s->committed_n;
		s->res->rollbacks++;
		trace(s, "rollback n%u (cluster commit %llu)", i,
		    (unsigned long long) s->committed_n);
		node_start(s, i);
	}
}

/* ------------------------------------------------------------------ */

static void
sim_step(struct sim *s)
{
	struct cons_event ev;
	unsigned i;

	s->now++;
	deliver(s);
	for (i = 0; i < s->n && !s->failed; i++)
		if (s->nodes[i].up)
			complete_syncs(s, i);
	memset(&ev, 0, sizeof(ev));
	ev.type = CONS_EV_TICK;
	for (i = 0; i < s->n && !s->failed; i++)
		step_node(s, i, &ev);
	if (!s->calm && s->o.faults)
		faults(s);
	/* while healing, a node that fail-stopped on an armed disk fault
	 * comes straight back */
	for (i = 0; i < s->n && s->calm && !s->failed; i++)
		if (!s->nodes[i].up)
			node_start(s, i);
	drive_clients(s);
	for (i = 0; i < s->n && !s->failed; i++)
		maybe_checkpoint(s, i);
	check_nodes(s);
	s->res->steps_run++;
}

static void
sim_free(struct sim *s)
{
	unsigned i;
	size_t k;

	for (i = 0; i < s->n; i++) {
		struct snode *nd = &s->nodes[i];
		cons_node_free(nd->core);
		cons_sm_free(nd->sm);
		cons_store_close(nd->store);
		cons_store_close(nd->image);
		free(nd->dq);
		free(s->voted[i]);
	}
	for (k = 0; k < s->net_n; k++)
		free(s->net[k].buf);
	free(s->net);
	free(s->leader_of);
	free(s->committed);
	free(s->applied);
	for (k = 0; k < s->reg_cap; k++)
		free(s->reg[k]);
	free(s->reg);
	free(s->reg_n);
	free(s->ops);
}

/* Final phase: everything healed; a read of every checked user through
 * the log, then every node must agree. */
static void
final_checks(struct sim *s)
{
	struct cons_status st, lst;
	uint64_t counts[N_CHECKED];
	int have[N_CHECKED];
	unsigned i, leaders = 0, li = 0;
	int u, ci;
	size_t len0 = 0, len;
	uint8_t *snap0 = NULL, *snap;

	memset(have, 0, sizeof(have));
	/* reads: client 0 issues them one after the other */
	for (u = 0; u < N_CHECKED && !s->failed; u++) {
		struct client *c = &s->clients[0];
		struct op *o;
		uint32_t t;
		for (t = 0; c->cur >= 0 && t < s->o.heal_steps; t++)
			sim_step(s);
		if (c->cur >= 0 || s->ops_n >= MAX_OPS)
			break;
		o = &s->ops[s->ops_n];
		memset(o, 0, sizeof(*o));
		o->client = 0;
		o->seq = ++c->seq;
		o->checked = -1;
		o->node = -1;
		o->invoke = s->now;
		o->cmd.client_id = c->id;
		o->cmd.seq = o->seq;
		o->cmd.type = CONS_CMD_READ_USER;
		fill_id(s, o->cmd.user, 'U', (uint64_t) u);
		c->cur = (int) s->ops_n++;
		for (t = 0; c->cur >= 0 && t < s->o.heal_steps; t++)
			sim_step(s);
		if (c->cur < 0 && o->state == 1) {
			counts[u] = o->res.value;
			have[u] = 1;
		}
	}
	/* let every node converge */
	for (i = 0; i < 4 * ET && !s->failed; i++)
		sim_step(s);
	if (s->failed)
		return;
	for (u = 0; u < N_CHECKED; u++) {
		if (!have[u]) {
			violation(s,
			    "liveness: final read of user %d did not "
			    "complete",
			    u);
			return;
		}
		check_counter(s, u, counts[u], 1);
	}
	for (ci = 0; ci < N_CLIENTS; ci++)
		if (s->clients[ci].cur >= 0) {
			violation(s, "liveness: client %d still waiting", ci);
			return;
		}
	for (i = 0; i < s->n; i++) {
		if (!s->nodes[i].up) {
			violation(s, "liveness: n%u down after healing", i);
			return;
		}
		cons_node_status(s->nodes[i].core, &st);
		if (st.role == CONS_LEADER) {
			leaders++;
			li = i;
		}
	}
	if (leaders != 1) {
		violation(s, "liveness: %u leaders after healing", leaders);
		return;
	}
	cons_node_status(s->nodes[li].core, &lst);
	s->res->commit = lst.commit;
	for (i = 0; i < s->n; i++) {
		cons_node_status(s->nodes[i].core, &st);
		if (st.recovering || st.term != lst.term
		    || st.applied != lst.commit || !st.serving) {
			if (s->o.verbose) {
				uint64_t x;
				for (x = st.applied > 3 ? st.applied - 3 : 1;
				     x <= st.last_index + 1; x++)
					trace(s,
					    "n%u idx %llu term %llu / leader "
					    "%llu",
					    i, (unsigned long long) x,
					    (unsigned long long)
					        cons_node_term_at(
					            s->nodes[i].core, x),
					    (unsigned long long)
					        cons_node_term_at(
					            s->nodes[li].core, x));
				trace(s,
				    "n%u commit %llu last %llu durable "
				    "%llu",
				    i, (unsigned long long) st.commit,
				    (unsigned long long) st.last_index,
				    (unsigned long long) st.durable_index);
			}
			violation(s,
			    "liveness: n%u not caught up (term %llu/"
			    "%llu applied %llu/%llu rec %d serving "
			    "%d)",
			    i, (unsigned long long) st.term,
			    (unsigned long long) lst.term,
			    (unsigned long long) st.applied,
			    (unsigned long long) lst.commit, st.recovering,
			    st.serving);
			return;
		}
		if (cons_sm_snapshot(s->nodes[i].sm, NULL, 0, &len) != 0
		    || (snap = malloc(len)) == NULL) {
			violation(s, "oom");
			break;
		}
		if (cons_sm_snapshot(s->nodes[i].sm, snap, len, &len) != 0) {
			free(snap);
			violation(s, "snapshot");
			break;
		}
		if (snap0 == NULL) {
			snap0 = snap;
			len0 = len;
			hash_in(s, snap, len);
			continue;
		}
		if (len != len0 || memcmp(snap, snap0, len) != 0)
			violation(s, "state machines differ: n%u", i);
		free(snap);
	}
	free(snap0);
}

int
cons_sim_run(struct cons_sim_result *res, const struct cons_sim_opts *o)
{
	struct sim *s;
	uint32_t t;
	unsigned i;
	int rc = 0;

	CONS_ARG_CHECK(res != NULL && o != NULL);
	CONS_ARG_CHECK(o->nodes >= 1 && o->nodes <= MAXN);
	memset(res, 0, sizeof(*res));
	res->ok = 1;
	res->trace_hash = 0xcbf29ce484222325ull;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return CONS_ENOMEM;
	s->o = *o;
	if (s->o.heal_steps < 20 * ET)
		s->o.heal_steps = 20 * ET;
	s->res = res;
	s->n = o->nodes;
	s->rng = o->seed * 0x2545f4914f6cdd1dull + 1;
	s->ops = calloc(MAX_OPS, sizeof(*s->ops));
	if (s->ops == NULL) {
		free(s);
		return CONS_ENOMEM;
	}
	if (o->faults) {
		s->drop_pct = (unsigned) rnd(s, 25);
		s->dup_pct = (unsigned) rnd(s, 8);
	}
	for (i = 0; i < N_CLIENTS; i++) {
		s->clients[i].id = 1000 + i;
		s->clients[i].cur = -1;
	}
	for (i = 0; i < s->n; i++) {
		if ((rc = cons_store_mem_new(&s->nodes[i].store)) != 0
		    || (rc = cons_store_mem_new(&s->nodes[i].image)) != 0)
			goto out;
		if (node_start(s, i) != 0)
			goto out;
	}
	for (t = 0; t < o->steps && !s->failed; t++)
		sim_step(s);
	/* heal: calm network, everything restarted, no new faults */
	s->calm = 1;
	memset(s->blocked, 0, sizeof(s->blocked));
	for (i = 0; i < s->n && !s->failed; i++)
		if (!s->nodes[i].up)
			node_start(s, i);
	for (t = 0; t < s->o.heal_steps / 2 && !s->failed; t++)
		sim_step(s);
	s->calm = 2; /* no new client ops */
	if (!s->failed)
		final_checks(s);
	if (s->failed && s->o.verbose)
		for (i = 0; i < s->n; i++) {
			struct cons_status st;
			if (!s->nodes[i].up) {
				trace(s, "n%u down", i);
				continue;
			}
			cons_node_status(s->nodes[i].core, &st);
			trace(s,
			    "n%u role %u term %llu vote %u leader %u rec %d "
			    "serving %d commit %llu applied %llu last "
			    "%llu/%llu durable %llu floor %d %llu/%llu M "
			    "%llu",
			    i, st.role, (unsigned long long) st.term, st.vote,
			    st.leader, st.recovering, st.serving,
			    (unsigned long long) st.commit,
			    (unsigned long long) st.applied,
			    (unsigned long long) st.last_index,
			    (unsigned long long) st.last_term,
			    (unsigned long long) st.durable_index, st.floor_on,
			    (unsigned long long) st.floor_index,
			    (unsigned long long) st.floor_term,
			    (unsigned long long) st.recovery_term);
		}
out:
	sim_free(s);
	free(s);
	return rc;
}
