/* The aggregator's owner thread: client requests come in on the front
 * listener, become ops that fan out to the servers, and are answered when
 * every server has replied or failed (each send carries the deadline). */
#include <stdio.h>
#include <string.h>

#include "agg.h"

/* tag = op index (16 bits) | generation (32 bits) | item (8 bits) */
static uint64_t
make_tag(int op, uint32_t gen, int item)
{
	return (uint64_t) op << 40 | (uint64_t) gen << 8 | (uint64_t) item;
}

static void
front_error(struct agg *a, uint32_t slot, const struct proto_hdr *h, int code,
    const char *detail)
{
	nng_msg *m;

	if (proto_net_error(&m, h, PROTO_SENDER_CLIENT, code, detail) == 0)
		proto_srv_reply(a->front, slot, m);
}

static struct agg_op *
op_new(struct agg *a, int *idx)
{
	int i;

	for (i = 0; i < AGG_MAX_OPS; i++)
		if (!a->ops[i].used) {
			memset(&a->ops[i], 0, sizeof(a->ops[i]));
			a->ops[i].used = 1;
			a->ops[i].gen = ++a->gen;
			*idx = i;
			return &a->ops[i];
		}
	return NULL;
}

static void op_finish(struct agg *a, struct agg_op *op);

static void
item_done(struct agg *a, struct agg_op *op, int k, int status, uint32_t rtt,
    nng_msg *reply)
{
	struct agg_item *it = &op->items[k];

	if (it->done) {
		if (reply != NULL)
			nng_msg_free(reply);
		return;
	}
	it->done = 1;
	it->status = (uint16_t) status;
	it->rtt_us = rtt;
	it->reply = reply;
	if (status == 0)
		a->servers[it->server].ok++;
	else
		a->servers[it->server].failed++;
	a->servers[it->server].last_rtt_us = rtt;
	if (++op->ndone == op->nitems)
		op_finish(a, op);
}

/* Sends one framed request to one server as item k of op idx. */
static void
item_send(struct agg *a, int idx, int k, const uint8_t *frame, size_t len,
    uint32_t deadline_ms)
{
	struct agg_op *op = &a->ops[idx];
	struct agg_server *s = &a->servers[op->items[k].server];
	nng_msg *m;
	int rv;

	if (proto_cli_pipes(s->cli) == 0) {
		/* Known down: answer now instead of waiting out the deadline.
		 */
		item_done(a, op, k, PROTO_EUNAVAIL, 0, NULL);
		return;
	}
	if (nng_msg_alloc(&m, 0) != 0 || nng_msg_append(m, frame, len) != 0) {
		item_done(a, op, k, PROTO_ETRANSPORT, 0, NULL);
		return;
	}
	rv = proto_cli_send(
	    s->cli, m, (int) deadline_ms, make_tag(idx, op->gen, k));
	if (rv != 0)
		item_done(a, op, k, rv, 0, NULL);
}

static void
start_cluster_health(struct agg *a, uint32_t slot, const struct proto_hdr *h,
    const uint8_t *body)
{
	struct proto_msg_cluster_health_req req;
	struct proto_msg_health_req hr = { 1 };
	struct proto_hdr ih;
	struct agg_op *op;
	uint8_t frame[PROTO_HDR_BYTES + 8];
	size_t len;
	int idx, i, rv;

	if ((rv = proto_msg_decode(
	         &proto_schema_cluster_health_req, &req, body, h->len))
	    != 0) {
		front_error(a, slot, h, rv, proto_strerror(rv));
		return;
	}
	if ((op = op_new(a, &idx)) == NULL) {
		front_error(a, slot, h, AGG_EBUSY, agg_strerror(AGG_EBUSY));
		return;
	}
	op->kind = h->type;
	op->slot = slot;
	op->hdr = *h;
	op->nitems = a->cfg.n;
	memset(&ih, 0, sizeof(ih));
	memcpy(ih.sid, h->sid, sizeof(ih.sid));
	ih.seq = h->seq;
	ih.sender = PROTO_SENDER_CLIENT;
	if (proto_frame_encode(
	        frame, sizeof(frame), &len, &ih, &proto_schema_health_req, &hr)
	    != 0)
		len = 0;
	for (i = 0; i < a->cfg.n; i++)
		op->items[i].server = (uint16_t) (i + 1);
	if (req.deadline_ms > a->cfg.max_deadline_ms)
		req.deadline_ms = a->cfg.max_deadline_ms;
	/* op_finish may run inside the loop once the last item is done (all
	 * servers known down): the op must be complete before that. */
	for (i = 0;
	     i < a->cfg.n && a->ops[idx].used && a->ops[idx].gen == op->gen;
	     i++)
		item_send(a, idx, i, frame, len, req.deadline_ms);
}

static void
start_fanout(struct agg *a, uint32_t slot, const struct proto_hdr *h,
    const uint8_t *body)
{
	static struct proto_msg_fanout_req req;
	struct agg_op *op;
	uint32_t gen;
	int idx, i, j, rv;

	if ((rv = proto_msg_decode(
	         &proto_schema_fanout_req, &req, body, h->len))
	    != 0) {
		front_error(a, slot, h, rv, proto_strerror(rv));
		return;
	}
	for (i = 0; i < req.items_n; i++) {
		struct proto_hdr ih;
		const uint8_t *ib;
		if (req.items[i].server > a->cfg.n) {
			front_error(a, slot, h, AGG_ETARGET,
			    "fan-out names a server outside 1..n");
			return;
		}
		for (j = 0; j < i; j++)
			if (req.items[j].server == req.items[i].server) {
				front_error(a, slot, h, AGG_ETARGET,
				    "fan-out names a server twice");
				return;
			}
		/* Forward only well-formed frames; the content stays opaque
		 * (usually sealed for the server). */
		if ((rv = proto_frame_parse(&ih, &ib, req.items[i].frame.p,
		         req.items[i].frame.len, PROTO_MAX_INNER))
		    != 0) {
			front_error(a, slot, h, rv, "malformed inner frame");
			return;
		}
	}
	if (req.items_n == 0) {
		front_error(a, slot, h, PROTO_ERANGE, "empty fan-out");
		return;
	}
	if ((op = op_new(a, &idx)) == NULL) {
		front_error(a, slot, h, AGG_EBUSY, agg_strerror(AGG_EBUSY));
		return;
	}
	op->kind = h->type;
	op->slot = slot;
	op->hdr = *h;
	op->nitems = req.items_n;
	gen = op->gen;
	if (req.deadline_ms > a->cfg.max_deadline_ms)
		req.deadline_ms = a->cfg.max_deadline_ms;
	for (i = 0; i < req.items_n; i++)
		op->items[i].server = req.items[i].server;
	for (i = 0;
	     i < req.items_n && a->ops[idx].used && a->ops[idx].gen == gen; i++)
		item_send(a, idx, i, req.items[i].frame.p,
		    req.items[i].frame.len, req.deadline_ms);
}

/* Classifies a server's reply: 0 if it is a frame of the wanted type, else
 * the error code it carries or the decoding failure. */
static int
reply_status(
    nng_msg *m, uint16_t want, struct proto_hdr *h, const uint8_t **body)
{
	struct proto_msg_error e;
	int rv;

	rv = proto_frame_parse(
	    h, body, nng_msg_body(m), nng_msg_len(m), PROTO_MAX_BODY);
	if (rv != 0)
		return rv;
	if (h->type == PROTO_T_ERROR) {
		if (proto_msg_decode(&proto_schema_error, &e, *body, h->len)
		    != 0)
			return PROTO_ETYPE;
		return e.code;
	}
	return h->type == want ? 0 : PROTO_ETYPE;
}

static void
finish_cluster_health(struct agg *a, struct agg_op *op)
{
	static struct proto_msg_cluster_health_resp r;
	struct proto_hdr rh = op->hdr, h;
	const uint8_t *body;
	nng_msg *m;
	int k, rv;

	memset(&r, 0, sizeof(r));
	r.n = a->cfg.n;
	r.t = a->cfg.t;
	for (k = 0; k < op->nitems; k++) {
		struct agg_item *it = &op->items[k];
		struct proto_msg_server_health *row = &r.servers[r.servers_n++];
		row->id = it->server;
		row->rtt_us = it->rtt_us;
		row->status = it->status;
		if (it->status != 0 || it->reply == NULL)
			continue;
		rv = reply_status(it->reply, PROTO_T_HEALTH_RESP, &h, &body);
		if (rv == 0 && h.sender != it->server)
			rv = PROTO_ESENDER;
		if (rv == 0)
			rv = proto_msg_decode(&proto_schema_health_resp,
			    &row->info[0], body, h.len);
		if (rv == 0 && row->info[0].id != it->server)
			rv = PROTO_ESENDER;
		if (rv != 0) {
			row->status = (uint16_t) rv;
			memset(&row->info[0], 0, sizeof(row->info[0]));
		} else
			row->info_n = 1;
	}
	rh.flags = PROTO_F_RESPONSE;
	rh.sender = PROTO_SENDER_CLIENT;
	if ((rv = proto_net_frame(
	         &m, &rh, &proto_schema_cluster_health_resp, &r))
	    != 0) {
		front_error(a, op->slot, &op->hdr, rv, proto_strerror(rv));
		return;
	}
	proto_srv_reply(a->front, op->slot, m);
}

static void
finish_fanout(struct agg *a, struct agg_op *op)
{
	static struct proto_msg_fanout_resp r;
	struct proto_hdr rh = op->hdr;
	nng_msg *m;
	int k, rv;

	memset(&r, 0, sizeof(r));
	for (k = 0; k < op->nitems; k++) {
		struct agg_item *it = &op->items[k];
		struct proto_msg_fanout_result *res = &r.items[r.items_n++];
		res->server = it->server;
		res->status = it->status;
		res->rtt_us = it->rtt_us;
		if (it->reply != NULL) {
			res->frame.p = nng_msg_body(it->reply);
			res->frame.len = nng_msg_len(it->reply);
			if (res->frame.len > PROTO_MAX_INNER) {
				res->status = PROTO_ETOOBIG;
				res->frame.len = 0;
			}
		}
	}
	rh.flags = PROTO_F_RESPONSE;
	rh.sender = PROTO_SENDER_CLIENT;
	if ((rv = proto_net_frame(&m, &rh, &proto_schema_fanout_resp, &r))
	    != 0) {
		front_error(a, op->slot, &op->hdr, rv, proto_strerror(rv));
		return;
	}
	proto_srv_reply(a->front, op->slot, m);
}

static void
op_finish(struct agg *a, struct agg_op *op)
{
	int k;

	if (op->kind == PROTO_T_CLUSTER_HEALTH_REQ)
		finish_cluster_health(a, op);
	else
		finish_fanout(a, op);
	for (k = 0; k < op->nitems; k++)
		if (op->items[k].reply != NULL)
			nng_msg_free(op->items[k].reply);
	op->used = 0;
}

static void
answer_ping(struct agg *a, uint32_t slot, const struct proto_hdr *h,
    const uint8_t *body)
{
	struct proto_msg_ping req;
	struct proto_msg_pong r;
	struct proto_hdr rh = *h;
	nng_msg *m;
	int rv;

	if ((rv = proto_msg_decode(&proto_schema_ping, &req, body, h->len))
	    != 0) {
		front_error(a, slot, h, rv, proto_strerror(rv));
		return;
	}
	r.nonce = req.nonce;
	rh.flags = PROTO_F_RESPONSE;
	rh.sender = PROTO_SENDER_CLIENT;
	if (proto_net_frame(&m, &rh, &proto_schema_pong, &r) == 0)
		proto_srv_reply(a->front, slot, m);
}

static void
on_front(struct agg *a, const struct proto_ev *ev)
{
	struct proto_hdr h;
	const uint8_t *body;
	int rv;

	rv = proto_frame_parse(&h, &body, nng_msg_body(ev->msg),
	    nng_msg_len(ev->msg), PROTO_MAX_BODY);
	if (rv == 0 && (h.flags & PROTO_F_RESPONSE))
		rv = PROTO_EFLAGS;
	if (rv != 0) {
		a->bad_requests++;
		front_error(a, ev->slot, &h, rv, proto_strerror(rv));
		return;
	}
	switch (h.type) {
	case PROTO_T_PING:
		answer_ping(a, ev->slot, &h, body);
		break;
	case PROTO_T_CLUSTER_HEALTH_REQ:
		start_cluster_health(a, ev->slot, &h, body);
		break;
	case PROTO_T_FANOUT_REQ:
		start_fanout(a, ev->slot, &h, body);
		break;
	default:
		a->bad_requests++;
		front_error(
		    a, ev->slot, &h, PROTO_ETYPE, "unknown request type");
	}
}

static void
on_reply(struct agg *a, struct proto_ev *ev)
{
	int idx = (int) (ev->tag >> 40), k = (int) (ev->tag & 0xff);
	uint32_t gen = (uint32_t) (ev->tag >> 8);
	struct agg_op *op;

	if (idx >= AGG_MAX_OPS)
		return;
	op = &a->ops[idx];
	if (!op->used || op->gen != gen || k >= op->nitems)
		return;
	item_done(a, op, k, ev->err, ev->rtt_us, ev->msg);
	ev->msg = NULL;
}

void
agg_step(struct agg *a, int timeout_ms)
{
	struct proto_ev ev;

	if (!proto_evq_wait(a->q, timeout_ms, &ev))
		return;
	switch (ev.kind) {
	case PROTO_EV_REQUEST:
		if (ev.msg != NULL)
			on_front(a, &ev);
		break;
	case PROTO_EV_REPLY:
		on_reply(a, &ev);
		break;
	case PROTO_EV_LISTENER_DEAD: {
		int rv = proto_srv_relisten(a->front);
		a->relistens++;
		LK_WARN("client listener stopped accepting (nng 1.5.2 defect); "
		        "replaced: %s",
		    rv == 0 ? "ok" : proto_strerror(rv));
		break;
	}
	case PROTO_EV_PEER_UP:
	case PROTO_EV_PEER_DOWN:
		LK_INFO("server %d %s", ev.endpoint,
		    ev.kind == PROTO_EV_PEER_UP ? "connected" : "disconnected");
		break;
	default:
		break;
	}
	if (ev.msg != NULL)
		nng_msg_free(ev.msg);
}

int
agg_open(struct agg *a, char *err, size_t errcap)
{
	char why[PATH_MAX + 128];
	int i, rv;

	if ((rv = proto_evq_new(&a->q)) != 0) {
		snprintf(err, errcap, "event queue: %s", proto_strerror(rv));
		return rv;
	}
	if ((rv = proto_tls_server(&a->tls_front, a->cfg.cert, a->cfg.key, NULL,
	         0, why, sizeof(why)))
	    != 0) {
		snprintf(err, errcap, "[tls] cert/key: %s", why);
		return rv;
	}
	for (i = 1; i <= a->cfg.n; i++) {
		struct agg_server_cfg *sc = &a->cfg.servers[i];
		if ((rv = proto_tls_client(&a->servers[i].tls, sc->cert,
		         sc->name, a->cfg.client_cert, a->cfg.client_key, why,
		         sizeof(why)))
		    != 0) {
			snprintf(err, errcap, "[server.%d] TLS: %s", i, why);
			return rv;
		}
		if ((rv = proto_cli_open(&a->servers[i].cli, a->q, i, sc->addr,
		         a->servers[i].tls, PROTO_HDR_BYTES + PROTO_MAX_BODY,
		         64))
		    != 0) {
			snprintf(err, errcap, "[server.%d] addr: %s: %s", i,
			    sc->addr, proto_strerror(rv));
			return rv;
		}
	}
	if ((rv = proto_srv_open(&a->front, a->q, 0, a->cfg.listen,
	         a->tls_front,
	         PROTO_HDR_BYTES + proto_msg_max_size(&proto_schema_fanout_req),
	         64))
	    != 0) {
		snprintf(err, errcap,
		    "[aggregator] listen: cannot listen on %s: %s",
		    a->cfg.listen, proto_strerror(rv));
		return rv;
	}
	/* The watchdog checks the client listener; it needs no credentials
	 * (the listener asks for none) and only tests liveness. */
	if ((rv = proto_tls_client(
	         &a->tls_probe, NULL, NULL, NULL, NULL, why, sizeof(why)))
	        != 0
	    || (rv = proto_probe_new(&a->probe, a->q, 2000)) != 0
	    || (rv = proto_probe_add(a->probe, 0, a->cfg.listen, a->tls_probe))
	        != 0
	    || (rv = proto_probe_start(a->probe)) != 0) {
		snprintf(
		    err, errcap, "listener watchdog: %s", proto_strerror(rv));
		return rv;
	}
	return 0;
}

void
agg_close(struct agg *a)
{
	struct proto_ev ev;
	int i;

	proto_probe_free(a->probe);
	a->probe = NULL;
	if (a->tls_probe != NULL)
		nng_tls_config_free(a->tls_probe);
	a->tls_probe = NULL;
	if (proto_srv_close(a->front) != 0)
		LK_WARN("closing the client endpoint: abandoned after 2 s (nng "
		        "1.5.2, nng#1543)");
	a->front = NULL;
	for (i = 1; i <= PROTO_MAX_NODES; i++) {
		if (proto_cli_close(a->servers[i].cli) != 0)
			LK_WARN(
			    "closing the connection to server %d: abandoned "
			    "after 2 s (nng 1.5.2, nng#1543)",
			    i);
		a->servers[i].cli = NULL;
		if (a->servers[i].tls != NULL)
			nng_tls_config_free(a->servers[i].tls);
		a->servers[i].tls = NULL;
	}
	if (a->tls_front != NULL)
		nng_tls_config_free(a->tls_front);
	a->tls_front = NULL;
	for (i = 0; i < AGG_MAX_OPS; i++) {
		int k;
		for (k = 0; a->ops[i].used && k < a->ops[i].nitems; k++)
			if (a->ops[i].items[k].reply != NULL)
				nng_msg_free(a->ops[i].items[k].reply);
		a->ops[i].used = 0;
	}
	if (a->q != NULL) {
		while (proto_evq_wait(a->q, 0, &ev))
			if (ev.msg != NULL)
				nng_msg_free(ev.msg);
		proto_evq_free(a->q);
		a->q = NULL;
	}
}
