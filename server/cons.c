/* Consensus in the keyserver: one cons_node driven by the owner thread.
 *
 * Events: CONS_RAFT frames from the pair1 peer links (srv_cons_on_peer),
 * ticks (srv_cons_poll), commands (srv_cons_submit) and persist
 * completions (srv_cons_flush). Each is one cons_node_step whose actions
 * are carried out at once, in order:
 *   PERSIST -> cons_store_write into the store's open batch;
 *   SEND    -> cons_msg_encode into a CONS_RAFT frame on the peer's link
 *              (these never depend on unsynced state: the core holds back
 *              every message that does until PERSISTED);
 *   APPLY   -> cons_sm_apply, then answer the commands waiting for that
 *              (client_id, seq).
 * At the end of a turn of the owner loop srv_cons_flush proposes every
 * command submitted during the turn in one PROPOSE step, makes the local
 * backstop's reservations durable, syncs the batch (one write-ahead-log
 * record and fdatasync for everything the turn wrote) and only then feeds
 * PERSISTED with the last id written, repeating until nothing is unsynced. Any
 * storage error is fail-stop (srv_fatal). Design: docs/CONSENSUS.md §10. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "srv.h"

struct wait {
	uint64_t client_id, seq;
	uint8_t cmd[CONS_CMD_MAX_BYTES];
	size_t len;
	uint8_t type;
	uint8_t user[CONS_ID_BYTES];
	uint64_t deadline;
	uint64_t proposed_at; /* 0: not proposed yet */
	uint64_t proposed_term;
	uint8_t proposed_leader;
	int queued; /* in this turn's proposal batch */
	srv_cons_cb cb;
	void *ctx;
};

struct srv_cons {
	struct cons_store *store;
	struct cons_node *node;
	struct cons_sm *sm;
	uint64_t next_tick; /* monotonic ms */
	uint64_t written_id; /* last PERSIST id written to the batch */
	int unsynced; /* PERSISTs written, PERSISTED not fed yet */
	int batch_open; /* the store's batch holds uncommitted writes */
	uint64_t applies; /* since the last checkpoint */
	uint64_t own_client, own_seq; /* this server's own session */
	uint64_t raft_seq;
	uint32_t retry_ms;
	/* waiting commands */
	struct wait **w;
	size_t w_n, w_cap;
	/* proposals of this turn */
	size_t q_n;
	struct srv_cons_stats st;
	uint8_t buf[CONS_MSG_MAX];
	struct cons_entry ents[CONS_MSG_ENTRIES];
	/* messages of this turn per peer, sent together (out_flush) */
	struct outbuf {
		uint8_t *b;
		size_t len, n;
	} out[PROTO_MAX_NODES + 1];
};

/* A CONS_RAFT body is one encoded message (its first byte is the codec
 * version, 1), or a batch: OUT_BATCH, then (len u32 | message) for each,
 * in order. A peer's messages of one turn of the owner loop go in one
 * frame: one nng message and one TLS record instead of one per message
 * (docs/CONSENSUS.md §9). */
#define OUT_BATCH 0xB1u
#define OUT_CAP   (1 + 2 * (4 + CONS_MSG_MAX))

static void do_actions(struct srv *s, const struct cons_actions *a);

static uint8_t
node_id(const struct srv *s)
{
	return (uint8_t) (s->cfg.id - 1);
}

int
srv_fault_drop_in(const struct srv *s, int peer)
{
	return (s->drop_in >> peer) & 1u;
}

int
srv_fault_drop_out(const struct srv *s, int peer)
{
	return (s->drop_out >> peer) & 1u;
}

static void
step(struct srv *s, const struct cons_event *ev, int *rc_out)
{
	struct cons_actions acts;
	int rc = cons_node_step(s->cons->node, &acts, ev);

	if (rc == CONS_ENOMEM || rc == CONS_EINVAL)
		srv_fatal("consensus step: %s", cons_strerror(rc));
	if (rc_out != NULL)
		*rc_out = rc;
	do_actions(s, &acts);
}

/* ------------------------------------------------------------------ */
/* waiting commands */

static void
wait_remove(struct srv_cons *c, size_t i)
{
	free(c->w[i]);
	c->w[i] = c->w[--c->w_n];
}

/* Calls the waiter's callback and forgets it. */
static void
finish(struct srv *s, size_t i, int err, const struct cons_result *r,
    uint64_t index)
{
	struct srv_cons *c = s->cons;
	struct wait *w = c->w[i];
	srv_cons_cb cb = w->cb;
	void *ctx = w->ctx;

	if (err == 0) {
		c->st.answered++;
		/* The backstop follows what this server's own commands
		 * committed (see backstop.c). */
		if (w->type == CONS_CMD_ATTEMPT
		    && (r->status == CONS_R_OK || r->status == CONS_R_BACKOFF
		        || r->status == CONS_R_LOCKED))
			srv_backstop_observe(s, w->user, r->value);
		else if ((w->type == CONS_CMD_LOGIN_OK
		             || w->type == CONS_CMD_UNLOCK)
		    && r->status == CONS_R_OK)
			srv_backstop_reset(s, w->user);
	} else if (err == SRV_EUNKNOWN)
		c->st.unknown++;
	else
		c->st.refused++;
	wait_remove(c, i);
	cb(s, ctx, err, r, index);
}

static void
on_apply(struct srv *s, const struct cons_entry *e)
{
	struct srv_cons *c = s->cons;
	struct cons_result r;
	struct cons_cmd cmd;
	size_t i;
	int is_cmd = 0, rc;

	rc = cons_sm_apply(c->sm, &r, &is_cmd, e);
	if (rc != 0)
		srv_fatal("state machine apply %llu: %s",
		    (unsigned long long) e->index, cons_strerror(rc));
	c->applies++;
	if (!is_cmd || cons_cmd_decode(&cmd, e->data, e->len) != 0)
		return;
	/* Answer every local waiter of this (client_id, seq). */
	for (i = 0; i < c->w_n;) {
		struct wait *w = c->w[i];
		if (w->client_id == cmd.client_id && w->seq == cmd.seq
		    && w->proposed_at != 0)
			finish(s, i, 0, &r, e->index);
		else
			i++;
	}
}

/* ------------------------------------------------------------------ */
/* actions */

/* A link that is down would queue messages and flush a burst of stale
 * ones on reconnect: drop them now, as a partition would. */
static int
link_usable(struct srv *s, int peer)
{
	struct srv_peer *p = &s->peers[peer];

	return p->link != NULL && proto_link_up(p->link)
	    && !srv_fault_drop_out(s, peer);
}

/* Sends what this turn queued for each peer: one frame per peer. */
static void
out_flush(struct srv *s)
{
	struct srv_cons *c = s->cons;
	struct proto_hdr h;
	struct proto_wbuf wb;
	size_t len, at, flen;
	const uint8_t *body;
	nng_msg *msg;
	int peer;

	for (peer = 1; peer <= s->cfg.n; peer++) {
		struct outbuf *o = &c->out[peer];
		if (o->n == 0)
			continue;
		/* one message: the plain format, without the batch tag */
		body = o->n == 1 ? o->b + 5 : o->b;
		len = o->n == 1 ? o->len - 5 : o->len;
		o->n = 0;
		o->len = 0;
		if (!link_usable(s, peer)
		    || nng_msg_alloc(&msg, PROTO_HDR_BYTES + len) != 0)
			continue; /* lost, like on the network */
		memset(&h, 0, sizeof(h));
		h.type = PROTO_T_CONS_RAFT;
		h.sender = s->cfg.id;
		h.seq = ++c->raft_seq;
		proto_wbuf_init(&wb, nng_msg_body(msg), PROTO_HDR_BYTES + len);
		at = proto_frame_begin(&wb, &h);
		proto_put_fixed(&wb, body, len);
		if (proto_frame_end(&wb, at) != 0
		    || proto_wbuf_finish(&wb, &flen) != 0
		    || flen != PROTO_HDR_BYTES + len) {
			nng_msg_free(msg);
			continue;
		}
		/* Non-blocking: a full send buffer drops it (Raft
		 * re-sends). */
		proto_link_send(s->peers[peer].link, msg);
	}
}

/* Queues the message for its peer's frame of this turn. */
static void
send_msg(struct srv *s, const struct cons_msg *m)
{
	struct srv_cons *c = s->cons;
	struct outbuf *o;
	size_t len;
	int peer = m->to + 1, rv;

	if (peer < 1 || peer > s->cfg.n || peer == s->cfg.id
	    || !link_usable(s, peer))
		return;
	if ((rv = cons_msg_encode(c->buf, sizeof(c->buf), &len, m)) != 0) {
		LK_WARN("consensus: cannot encode a message to %d: %s", peer,
		    cons_strerror(rv));
		return;
	}
	o = &c->out[peer];
	if (o->b == NULL && (o->b = malloc(OUT_CAP)) == NULL)
		return; /* lost, like on the network */
	if (o->len + 4 + len > OUT_CAP)
		out_flush(s);
	if (o->len == 0)
		o->b[o->len++] = OUT_BATCH;
	o->b[o->len++] = (uint8_t) (len >> 24);
	o->b[o->len++] = (uint8_t) (len >> 16);
	o->b[o->len++] = (uint8_t) (len >> 8);
	o->b[o->len++] = (uint8_t) len;
	memcpy(o->b + o->len, c->buf, len);
	o->len += len;
	o->n++;
}

static void
do_actions(struct srv *s, const struct cons_actions *a)
{
	struct srv_cons *c = s->cons;
	size_t k;
	int rc;

	for (k = 0; k < a->n; k++) {
		const struct cons_action *x = &a->v[k];
		switch (x->type) {
		case CONS_ACT_PERSIST:
			if ((rc = cons_store_write(c->store, &x->persist)) != 0)
				srv_fatal("consensus store write: %s",
				    cons_strerror(rc));
			c->written_id = x->persist.id;
			c->unsynced = 1;
			break;
		case CONS_ACT_SEND:
			send_msg(s, &x->msg);
			break;
		case CONS_ACT_APPLY:
			on_apply(s, &x->entry);
			break;
		default:
			break;
		}
	}
}

/* ------------------------------------------------------------------ */
/* events */

static void on_peer_one(
    struct srv *s, int peer, const uint8_t *body, size_t len);

void
srv_cons_on_peer(struct srv *s, int peer, const uint8_t *body, size_t len)
{
	size_t at = 1, n;

	if (s->cons == NULL)
		return;
	if (len == 0 || body[0] != OUT_BATCH) {
		on_peer_one(s, peer, body, len);
		return;
	}
	/* A batch: each message in order; a bad length ends it (counted as
	 * one bad message). */
	while (at < len) {
		if (len - at < 4) {
			on_peer_one(s, peer, body + at, 0);
			return;
		}
		n = (size_t) body[at] << 24 | (size_t) body[at + 1] << 16
		    | (size_t) body[at + 2] << 8 | body[at + 3];
		at += 4;
		if (n == 0 || n > len - at) {
			on_peer_one(s, peer, body + at, 0);
			return;
		}
		on_peer_one(s, peer, body + at, n);
		at += n;
	}
}

static void
on_peer_one(struct srv *s, int peer, const uint8_t *body, size_t len)
{
	struct srv_cons *c = s->cons;
	struct cons_msg m;
	struct cons_event ev;
	int rv;

	rv = cons_msg_decode(
	    &m, c->ents, CONS_MSG_ENTRIES, s->cfg.n, body, len);
	/* The link is pinned to the peer's certificate: the message must
	 * come from that peer and be addressed to us. */
	if (rv == 0 && (m.from != peer - 1 || m.to != node_id(s)))
		rv = PROTO_ESENDER;
	if (rv != 0) {
		struct srv_peer *p = &s->peers[peer];
		if (p->bad_msgs++ % 1000 == 0)
			LK_WARN("peer %d: dropped bad consensus message: %s",
			    peer, srv_err_text(rv));
		return;
	}
	memset(&ev, 0, sizeof(ev));
	ev.type = CONS_EV_MSG;
	ev.msg = &m;
	step(s, &ev, NULL);
}

static void
queue_proposal(struct srv_cons *c, struct wait *w)
{
	if (!w->queued) {
		w->queued = 1;
		c->q_n++;
	}
}

static int
serving(const struct srv *s, struct cons_status *st)
{
	cons_node_status(s->cons->node, st);
	if (st->serving)
		return 0;
	return st->recovering || st->floor_on ? CONS_ENOTREADY
	                                      : CONS_ENOTLEADER;
}

int
srv_cons_submit(struct srv *s, const struct cons_cmd *cmd, uint32_t timeout_ms,
    srv_cons_cb cb, void *ctx)
{
	struct srv_cons *c = s->cons;
	struct cons_status st;
	struct cons_cmd x = *cmd;
	struct wait *w;
	int rv;

	if (c == NULL || cb == NULL || timeout_ms == 0)
		return CONS_EINVAL;
	if ((rv = serving(s, &st)) != 0) {
		c->st.refused++;
		return rv;
	}
	if (c->w_n >= s->cfg.cons.max_pending) {
		c->st.refused++;
		return SRV_EBUSY;
	}
	if (x.client_id == 0) {
		x.client_id = c->own_client;
		x.seq = ++c->own_seq;
	}
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return SRV_EBUSY;
	if ((rv = cons_cmd_encode(w->cmd, sizeof(w->cmd), &w->len, &x)) != 0) {
		free(w);
		return CONS_ECMD;
	}
	if (x.type == CONS_CMD_ATTEMPT
	    && (rv = srv_backstop_reserve(s, x.user, x.id)) != 0) {
		free(w);
		c->st.refused++;
		return rv;
	}
	if (c->w_n == c->w_cap) {
		size_t nc = c->w_cap ? c->w_cap * 2 : 64;
		struct wait **nw = realloc(c->w, nc * sizeof(*nw));
		if (nw == NULL) {
			free(w);
			return SRV_EBUSY;
		}
		c->w = nw;
		c->w_cap = nc;
	}
	w->client_id = x.client_id;
	w->seq = x.seq;
	w->type = x.type;
	memcpy(w->user, x.user, CONS_ID_BYTES);
	w->deadline = srv_now_ms() + timeout_ms;
	w->cb = cb;
	w->ctx = ctx;
	c->w[c->w_n++] = w;
	queue_proposal(c, w);
	return 0;
}

int
srv_cons_read_user(struct srv *s, const uint8_t user[CONS_ID_BYTES],
    uint32_t timeout_ms, srv_cons_cb cb, void *ctx)
{
	struct cons_cmd cmd;

	memset(&cmd, 0, sizeof(cmd));
	cmd.type = CONS_CMD_READ_USER;
	memcpy(cmd.user, user, CONS_ID_BYTES);
	return srv_cons_submit(s, &cmd, timeout_ms, cb, ctx);
}

/* Proposes every queued command, CONS_MSG_ENTRIES per step. A first
 * proposal the core refuses never entered a log: its caller learns that
 * at once. A refused re-proposal keeps waiting (the first may commit). */
static void
propose_queued(struct srv *s)
{
	struct srv_cons *c = s->cons;
	const uint8_t *cmds[CONS_MSG_ENTRIES];
	size_t lens[CONS_MSG_ENTRIES], idx[CONS_MSG_ENTRIES];
	struct cons_event ev;
	struct cons_status st;
	uint64_t now = srv_now_ms();
	size_t i, k, n;
	int rc;

	while (c->q_n > 0) {
		n = 0;
		for (i = 0; i < c->w_n && n < CONS_MSG_ENTRIES; i++) {
			if (!c->w[i]->queued)
				continue;
			c->w[i]->queued = 0;
			c->q_n--;
			cmds[n] = c->w[i]->cmd;
			lens[n] = c->w[i]->len;
			idx[n++] = i;
		}
		if (n == 0) {
			c->q_n = 0;
			break;
		}
		memset(&ev, 0, sizeof(ev));
		ev.type = CONS_EV_PROPOSE;
		ev.n_cmds = n;
		ev.cmds = cmds;
		ev.cmd_lens = lens;
		/* The callbacks below may reorder c->w: remember the waiters
		 * by pointer first. */
		{
			struct wait *ws[CONS_MSG_ENTRIES];
			for (k = 0; k < n; k++)
				ws[k] = c->w[idx[k]];
			step(s, &ev, &rc);
			cons_node_status(c->node, &st);
			for (k = 0; k < n; k++) {
				struct wait *w = ws[k];
				size_t j;
				if (rc == 0) {
					if (w->proposed_at != 0)
						c->st.retries++;
					else
						c->st.proposed++;
					w->proposed_at = now;
					w->proposed_term = st.term;
					w->proposed_leader = st.leader;
					continue;
				}
				if (w->proposed_at != 0)
					continue;
				for (j = 0; j < c->w_n && c->w[j] != w; j++)
					;
				if (j < c->w_n)
					finish(s, j, rc, NULL, 0);
			}
		}
	}
}

void
srv_cons_flush(struct srv *s)
{
	struct srv_cons *c = s->cons;
	struct cons_event ev;
	int rc, acct_aux = 0;

	if (c == NULL)
		return;
	if (c->q_n > 0)
		propose_queued(s);
	/* The backstop's reservations join this batch: an answer needs the
	 * command applied, hence its entry durable here, hence this batch
	 * (or a later one) committed. */
	if (srv_backstop_write(s))
		c->batch_open = 1;
	if (srv_acct_write_aux(s)) {
		c->batch_open = 1;
		acct_aux = 1;
	}
	while (c->unsynced) {
		c->unsynced = 0;
		c->batch_open = 0;
		/* The leader's APPENDs leave before its own commit. */
		out_flush(s);
		if ((rc = cons_store_sync(c->store)) != 0)
			srv_fatal(
			    "consensus store sync: %s", cons_strerror(rc));
		memset(&ev, 0, sizeof(ev));
		ev.type = CONS_EV_PERSISTED;
		ev.persist_id = c->written_id;
		step(s, &ev, NULL);
		/* A step may queue proposals (none today) or write again. */
		if (c->q_n > 0)
			propose_queued(s);
	}
	/* The record-write counter must be durable before a client learns
	 * of the write (rollback detection counts on it): commit a batch
	 * that holds only auxiliary records now. */
	if (acct_aux && c->batch_open && !c->unsynced) {
		if ((rc = cons_store_sync(c->store)) != 0)
			srv_fatal(
			    "consensus store sync: %s", cons_strerror(rc));
		c->batch_open = 0;
	}
	/* What the last steps released (acknowledgements, answers to
	 * votes) and everything else of the turn. */
	out_flush(s);
	if (c->applies >= s->cfg.cons.checkpoint_every) {
		uint64_t idx = cons_sm_applied(c->sm);
		size_t cap = 0, len = 0;
		uint8_t *snap;

		c->applies = 0;
		if (cons_sm_snapshot(c->sm, NULL, 0, &cap) != 0)
			srv_fatal("state machine snapshot size");
		if ((snap = malloc(cap ? cap : 1)) == NULL)
			srv_fatal("state machine snapshot: out of memory");
		if (cons_sm_snapshot(c->sm, snap, cap, &len) != 0)
			srv_fatal("state machine snapshot");
		rc = cons_store_put_snapshot(
		    c->store, idx, cons_node_term_at(c->node, idx), snap, len);
		c->batch_open = 0; /* the snapshot committed the batch */
		free(snap);
		if (rc != 0)
			srv_fatal(
			    "consensus checkpoint: %s", cons_strerror(rc));
		LK_DEBUG("consensus: checkpoint at %llu (%zu bytes)",
		    (unsigned long long) idx, len);
	}
}

void
srv_cons_poll(struct srv *s, uint64_t now)
{
	struct srv_cons *c = s->cons;
	struct cons_event ev;
	struct cons_status st;
	unsigned ticks = 0;
	size_t i;

	if (c == NULL)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.type = CONS_EV_TICK;
	while (now >= c->next_tick) {
		/* After a long stall, catch up a few ticks, not all. */
		if (++ticks <= 5)
			step(s, &ev, NULL);
		c->next_tick += s->cfg.cons.tick_ms;
	}
	cons_node_status(c->node, &st);
	for (i = 0; i < c->w_n;) {
		struct wait *w = c->w[i];
		if (now >= w->deadline) {
			finish(s, i, SRV_EUNKNOWN, NULL, 0);
			continue;
		}
		/* Re-propose (same client_id, seq: executed at most once)
		 * when the leader we gave it to is gone, or it seems lost. */
		if (w->proposed_at != 0 && !w->queued && st.serving
		    && (st.term != w->proposed_term
		        || st.leader != w->proposed_leader
		        || now - w->proposed_at >= c->retry_ms))
			queue_proposal(c, w);
		i++;
	}
}

int
srv_cons_wait_ms(const struct srv *s, uint64_t now)
{
	const struct srv_cons *c = s->cons;

	if (c == NULL)
		return 100;
	return c->next_tick > now ? (int) (c->next_tick - now) : 0;
}

/* ------------------------------------------------------------------ */
/* status */

void
srv_cons_status(const struct srv *s, struct cons_status *st)
{
	if (s->cons == NULL) {
		memset(st, 0, sizeof(*st));
		return;
	}
	cons_node_status(s->cons->node, st);
}

void
srv_cons_get_stats(const struct srv *s, struct srv_cons_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (s->cons == NULL)
		return;
	*out = s->cons->st;
	out->pending = (uint32_t) s->cons->w_n;
}

void
srv_cons_health(const struct srv *s, uint8_t *role, uint64_t *term,
    uint64_t *commit, uint32_t *status)
{
	struct cons_status st;

	*role = PROTO_ROLE_NONE;
	*term = *commit = 0;
	*status = 0;
	if (s->cons == NULL)
		return;
	cons_node_status(s->cons->node, &st);
	*role = st.role == CONS_LEADER ? PROTO_ROLE_LEADER
	    : st.role == CONS_FOLLOWER ? PROTO_ROLE_FOLLOWER
	                               : PROTO_ROLE_CANDIDATE;
	*term = st.term;
	*commit = st.commit;
	*status = (st.serving ? PROTO_HS_SERVING : 0)
	    | (st.recovering ? PROTO_HS_RECOVERING : 0)
	    | (st.floor_on ? PROTO_HS_CATCHING_UP : 0)
	    | (s->drop_in || s->drop_out ? PROTO_HS_FAULT : 0);
}

/* ------------------------------------------------------------------ */
/* life cycle */

int
srv_cons_open(struct srv *s, char *err, size_t errcap)
{
	struct srv_cons *c;
	struct cons_loaded ld;
	struct cons_config cc;
	struct cons_sm_params sp;
	const struct srv_cons_cfg *k = &s->cfg.cons;
	char path[PATH_MAX];
	uint64_t applied = 0;
	int rc;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		snprintf(err, errcap, "consensus: out of memory");
		return LK_ENOMEM;
	}
	s->cons = c;
	if ((size_t) snprintf(path, sizeof(path), "%s/cons", s->cfg.data_dir)
	    >= sizeof(path)) {
		snprintf(err, errcap, "[node] data_dir: path too long");
		return SRV_ECONFIG;
	}
	if ((rc = cons_store_lmdb_open(
	         &c->store, path, (size_t) s->cfg.db_map_mb * 1024 * 1024))
	    != 0) {
		snprintf(err, errcap, "[node] data_dir: consensus store %s: %s",
		    path, cons_strerror(rc));
		return SRV_ESTORE;
	}
	memset(&sp, 0, sizeof(sp));
	sp.soft_limit = k->soft_limit;
	sp.hard_limit = k->hard_limit;
	sp.backoff_base_ms = k->backoff_base_ms;
	sp.backoff_max_ms = k->backoff_max_ms;
	sp.max_sessions = k->max_sessions;
	if ((rc = cons_sm_new(&c->sm, &sp)) != 0) {
		snprintf(err, errcap, "[consensus]: state machine: %s",
		    cons_strerror(rc));
		return SRV_ECONFIG;
	}
	if ((rc = cons_store_load(c->store, &ld)) != 0) {
		snprintf(err, errcap, "[node] data_dir: consensus store %s: %s",
		    path, cons_strerror(rc));
		return SRV_ESTORE;
	}
	if (ld.snap_len > 0) {
		if ((rc = cons_sm_restore(c->sm, ld.snap, ld.snap_len)) != 0
		    || cons_sm_applied(c->sm) != ld.snap_index) {
			snprintf(err, errcap,
			    "[node] data_dir: consensus checkpoint invalid: %s",
			    rc ? cons_strerror(rc) : "index mismatch");
			cons_loaded_clear(&ld);
			return SRV_ESTORE;
		}
		applied = ld.snap_index;
	}
	memset(&cc, 0, sizeof(cc));
	cc.id = node_id(s);
	cc.n = (uint8_t) s->cfg.n;
	cc.election_ticks = k->election_ticks;
	cc.heartbeat_ticks = k->heartbeat_ticks;
	cc.max_batch = k->max_batch;
	cc.window = k->window;
	cc.max_uncommitted = k->max_uncommitted;
	lk_random(&cc.rng_seed, sizeof(cc.rng_seed));
	lk_random(&cc.boot_nonce, sizeof(cc.boot_nonce));
	rc = cons_node_new(&c->node, &cc, &ld.boot, applied);
	if ((rc = srv_backstop_open(s, c->store, err, errcap)) != 0) {
		cons_loaded_clear(&ld);
		return rc;
	}
	LK_INFO("consensus: store %s: term %llu, vote %u, %zu log entries, "
	        "checkpoint at %llu",
	    path, (unsigned long long) ld.boot.term, ld.boot.vote,
	    ld.boot.n_entries, (unsigned long long) ld.snap_index);
	cons_loaded_clear(&ld);
	if (rc != 0) {
		snprintf(
		    err, errcap, "consensus: start: %s", cons_strerror(rc));
		return SRV_ESTORE;
	}
	do {
		lk_random(&c->own_client, sizeof(c->own_client));
	} while (c->own_client == 0);
	c->retry_ms = k->election_ticks * k->tick_ms * 2;
	if (c->retry_ms < 500)
		c->retry_ms = 500;
	c->next_tick = srv_now_ms() + k->tick_ms;
	return 0;
}

void
srv_cons_close(struct srv *s)
{
	struct srv_cons *c = s->cons;
	size_t k;

	if (c == NULL)
		return;
	/* Whoever still waits learns that the outcome is unknown. */
	while (c->w_n > 0)
		finish(s, c->w_n - 1, SRV_EUNKNOWN, NULL, 0);
	/* Nothing unsynced is reported; committing the batch is harmless
	 * (the core never counted on it) and keeps the backstop's last
	 * reservations across a clean stop. */
	if (srv_backstop_write(s))
		c->batch_open = 1;
	if (srv_acct_write_aux(s))
		c->batch_open = 1;
	if (c->store != NULL && (c->unsynced || c->batch_open))
		cons_store_sync(c->store);
	srv_backstop_close(s);
	cons_node_free(c->node);
	cons_sm_free(c->sm);
	cons_store_close(c->store);
	free(c->w);
	for (k = 0; k <= PROTO_MAX_NODES; k++)
		free(c->out[k].b);
	free(c);
	s->cons = NULL;
}

int
srv_cons_record(const struct srv *s, const uint8_t id[CONS_ID_BYTES],
    uint64_t *version, uint8_t hash[CONS_ID_BYTES], int *deleted)
{
	return cons_sm_record(s->cons->sm, version, hash, deleted, id);
}

int
srv_cons_aux_put(struct srv *s, const uint8_t *key, size_t klen,
    const uint8_t *val, size_t vlen)
{
	return cons_store_aux_put(s->cons->store, key, klen, val, vlen);
}

struct aux_get {
	const uint8_t *key;
	size_t klen, cap, vlen;
	uint8_t *val;
	int found;
};

static int
aux_get_one(
    void *ctx, const uint8_t *key, size_t klen, const uint8_t *val, size_t vlen)
{
	struct aux_get *g = ctx;

	if (klen != g->klen || memcmp(key, g->key, klen) != 0 || vlen > g->cap)
		return 0;
	memcpy(g->val, val, vlen);
	g->vlen = vlen;
	g->found = 1;
	return 0;
}

int
srv_cons_aux_get(struct srv *s, const uint8_t *key, size_t klen, uint8_t *val,
    size_t cap, size_t *vlen)
{
	struct aux_get g = { key, klen, cap, 0, val, 0 };
	int rv = cons_store_aux_each(s->cons->store, aux_get_one, &g);

	*vlen = g.vlen;
	if (rv != 0)
		return rv;
	return g.found ? 0 : LK_ENOTFOUND;
}
