/* The keyserver's owner thread: every request, peer message and timer is
 * handled here, one at a time. nng threads only queue events (proto_net). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "proto_ops.h"
#include "srv.h"

uint64_t
srv_now_ms(void)
{
	return lk_mono_us() / 1000;
}

/* Request types and their handlers. Consensus commands, status and the
 * fault hook are served on the local admin socket only: a network client
 * (anything reaching the aggregator-facing endpoint) can never count,
 * reset or unlock an attempt counter by itself. */
static const struct {
	uint16_t type;
	int admin_only;
	int (*fn)(
	    struct srv *, const struct srv_req *, const uint8_t *, nng_msg **);
} dispatch[] = {
	{ PROTO_T_HEALTH_REQ, 0, srv_handle_health },
	{ PROTO_T_PING, 0, srv_handle_ping },
	{ PROTO_T_CONS_ADMIN_REQ, 1, srv_handle_cons_admin },
	{ PROTO_T_CONS_STATUS_REQ, 1, srv_handle_cons_status },
	{ PROTO_T_CONS_FAULT_REQ, 1, srv_handle_cons_fault },
	{ PROTO_T_REG_PREPARE, 0, srv_handle_reg_prepare },
	{ PROTO_T_REG_COMMIT, 0, srv_handle_reg_commit },
	{ PROTO_T_LOGIN1, 0, srv_handle_login1 },
	{ PROTO_T_LOGIN3, 0, srv_handle_login3 },
};

static struct proto_srv *
endpoint_srv(struct srv *s, int endpoint)
{
	return endpoint == SRV_EP_ADMIN ? s->admin : s->agg;
}

void
srv_reply(struct srv *s, const struct srv_req *rq, nng_msg *msg, int code)
{
	struct proto_srv *ep = endpoint_srv(s, rq->endpoint);

	if (msg == NULL
	    && proto_net_error(
	           &msg, &rq->h, s->cfg.id, code, srv_err_text(code))
	        != 0)
		return;
	if (ep != NULL)
		proto_srv_reply(ep, rq->slot, msg);
	else
		nng_msg_free(msg);
}

static void
on_request(struct srv *s, const struct proto_ev *ev)
{
	struct srv_req rq;
	const uint8_t *body;
	nng_msg *reply = NULL;
	size_t i;
	int rv;

	memset(&rq, 0, sizeof(rq));
	rq.endpoint = ev->endpoint;
	rq.slot = ev->slot;
	rv = proto_frame_parse(&rq.h, &body, nng_msg_body(ev->msg),
	    nng_msg_len(ev->msg), PROTO_MAX_BODY);
	if (rv != 0) {
		s->bad_requests++;
		LK_DEBUG("bad request frame: %s", proto_strerror(rv));
		srv_reply(s, &rq, NULL, rv);
		return;
	}
	if (rq.h.flags & PROTO_F_RESPONSE) {
		srv_reply(s, &rq, NULL, PROTO_EFLAGS);
		return;
	}
	if ((rq.h.flags & PROTO_F_SEALED) && ev->endpoint == SRV_EP_AGG) {
		/* a session operation: the channel opens the whole frame */
		rv = srv_handle_sealed(s, &rq, nng_msg_body(ev->msg),
		    nng_msg_len(ev->msg), &reply);
		if (rv == SRV_DEFERRED)
			return;
		srv_reply(s, &rq, rv == 0 ? reply : NULL, rv);
		return;
	}
	for (i = 0; i < LK_ARRAY_LEN(dispatch); i++)
		if (dispatch[i].type == rq.h.type)
			break;
	if (i == LK_ARRAY_LEN(dispatch)) {
		s->bad_requests++;
		srv_reply(s, &rq, NULL, PROTO_ETYPE);
		return;
	}
	if (dispatch[i].admin_only && ev->endpoint != SRV_EP_ADMIN) {
		s->bad_requests++;
		srv_reply(s, &rq, NULL, SRV_EADMIN);
		return;
	}
	rv = dispatch[i].fn(s, &rq, body, &reply);
	if (rv == SRV_DEFERRED)
		return; /* the handler answers later (srv_reply) */
	if (rv != 0) {
		s->bad_requests++;
		srv_reply(s, &rq, NULL, rv);
		return;
	}
	srv_reply(s, &rq, reply, 0);
}

static void
on_peer_msg(struct srv *s, int peer, nng_msg *msg)
{
	struct proto_hdr h;
	struct proto_msg_peer_heartbeat hb;
	struct srv_peer *p = &s->peers[peer];
	const uint8_t *body;
	int rv;

	/* The fault hook: as if the message never arrived. */
	if (srv_fault_drop_in(s, peer))
		return;
	p->last_rx = srv_now_ms();
	rv = proto_frame_parse(
	    &h, &body, nng_msg_body(msg), nng_msg_len(msg), PROTO_MAX_BODY);
	/* The link is pinned to the peer's certificate, so the sender field
	 * must name that peer. */
	if (rv == 0 && (h.sender != peer || (h.flags & PROTO_F_RESPONSE)))
		rv = PROTO_ESENDER;
	if (rv == 0 && h.type == PROTO_T_CONS_RAFT) {
		p->last_heard = srv_now_ms();
		srv_cons_on_peer(s, peer, body, h.len);
		return;
	}
	if (rv == 0
	    && (h.type == PROTO_T_PEER_FETCH || h.type == PROTO_T_PEER_ITEM)) {
		p->last_heard = srv_now_ms();
		srv_acct_on_peer(s, peer, &h, body);
		return;
	}
	if (rv == 0)
		rv = PROTO_DECODE(peer_heartbeat, &h, &hb, nng_msg_body(msg),
		    nng_msg_len(msg), PROTO_MAX_BODY);
	if (rv == 0 && hb.id != peer)
		rv = PROTO_ESENDER;
	if (rv != 0) {
		if (p->bad_msgs++ % 1000 == 0)
			LK_WARN("peer %d: dropped bad message: %s", peer,
			    proto_strerror(rv));
		return;
	}
	p->last_heard = srv_now_ms();
}

static void handle_event(struct srv *s, struct proto_ev *ev);
static void link_watchdog(struct srv *s, uint64_t now);

/* One turn: the first event (waiting up to timeout_ms), then whatever else
 * is queued (bounded), then timers, then one durable commit for all of it
 * (srv_cons_flush). Batching the turn is what makes one LMDB commit cover
 * many messages and proposals. */
void
srv_step(struct srv *s, int timeout_ms)
{
	struct proto_ev ev;
	int n = 0;

	if (proto_evq_wait(s->q, timeout_ms, &ev)) {
		do
			handle_event(s, &ev);
		while (++n < 1024 && proto_evq_wait(s->q, 0, &ev));
	}
	srv_cons_poll(s, srv_now_ms());
	srv_acct_poll(s, srv_now_ms());
	srv_cons_flush(s);
}

static void
handle_event(struct srv *s, struct proto_ev *ev_in)
{
	struct proto_ev ev = *ev_in;
	int peer;

	switch (ev.kind) {
	case PROTO_EV_REQUEST:
		if (ev.msg != NULL)
			on_request(s, &ev);
		break;
	case PROTO_EV_PEER_MSG:
		peer = ev.endpoint - SRV_EP_PEER_BASE;
		if (peer >= 1 && peer <= s->cfg.n && peer != s->cfg.id)
			on_peer_msg(s, peer, ev.msg);
		break;
	case PROTO_EV_PEER_UP:
	case PROTO_EV_PEER_DOWN:
		peer = ev.endpoint - SRV_EP_PEER_BASE;
		if (peer >= 1 && peer <= s->cfg.n) {
			s->peers[peer].down_since
			    = ev.kind == PROTO_EV_PEER_UP ? 0 : srv_now_ms();
			s->peers[peer].up_since
			    = ev.kind == PROTO_EV_PEER_UP ? srv_now_ms() : 0;
		}
		LK_INFO("peer %d link %s", peer,
		    ev.kind == PROTO_EV_PEER_UP ? "up" : "down");
		break;
	case PROTO_EV_PEER_REDIAL:
		peer = ev.endpoint - SRV_EP_PEER_BASE;
		if (peer >= 1 && peer <= s->cfg.n)
			s->peers[peer].redial_at = srv_now_ms();
		break;
	case PROTO_EV_LISTENER_DEAD:
		if (ev.endpoint == SRV_EP_AGG) {
			int rv = proto_srv_relisten(s->agg);
			s->relistens++;
			LK_WARN("aggregator listener stopped accepting "
			        "(nng 1.5.2 defect); replaced: %s",
			    rv == 0 ? "ok" : proto_strerror(rv));
		}
		break;
	default:
		break;
	}
	if (ev.msg != NULL)
		nng_msg_free(ev.msg);
}

void
srv_tick(struct srv *s)
{
	struct proto_msg_peer_heartbeat hb;
	struct proto_hdr h;
	uint64_t now;
	int i;

	memset(&h, 0, sizeof(h));
	h.sender = s->cfg.id;
	h.seq = ++s->hb_counter;
	hb.id = s->cfg.id;
	memcpy(hb.boot_id, s->boot_id, sizeof(hb.boot_id));
	hb.counter = s->hb_counter;
	now = srv_now_ms();
	link_watchdog(s, now);
	/* A close nng has not finished 10 s after it was given up on: the
	 * reaper is stuck for good (nng#1543), sockets can no longer be
	 * replaced, and links die one by one. Every start is a recovery
	 * (docs/CONSENSUS.md §3), so main restarts the process in place. */
	if (!proto_net_wedged())
		s->wedged_since = 0;
	else if (s->wedged_since == 0)
		s->wedged_since = now;
	else if (now - s->wedged_since >= 10000)
		s->restart = 1;
	for (i = 1; i <= s->cfg.n; i++) {
		struct srv_peer *p = &s->peers[i];
		int rv;
		/* A link that stays down may have a dead listener or a
		 * dialer that stopped (proto_link_renew): renew it every few
		 * seconds. Said once per outage: a dead peer is no news. */
		if (p->link != NULL && p->down_since != 0
		    && now - p->down_since > 3000
		    && now - p->last_relisten > 3000) {
			if (p->last_relisten < p->down_since)
				LK_INFO("peer %d: link down for %llu ms: "
				        "renewing its %s every 3 s until it is "
				        "back",
				    i,
				    (unsigned long long) (now - p->down_since),
				    i < s->cfg.id ? "listener" : "dialer");
			p->last_relisten = now;
			if ((rv = proto_link_renew(p->link)) == 0)
				s->relistens++;
			else
				LK_WARN("peer %d: renewing the link: %s", i,
				    proto_strerror(rv));
		}
	}
	for (i = 1; i <= s->cfg.n; i++) {
		nng_msg *m;
		if (s->peers[i].link == NULL || !proto_link_up(s->peers[i].link)
		    || srv_fault_drop_out(s, i))
			continue;
		if (proto_net_frame(&m, &h, &proto_schema_peer_heartbeat, &hb)
		    == 0)
			proto_link_send(s->peers[i].link, m);
	}
}

static void
link_url(const struct srv *s, int i, char *url, size_t cap)
{
	if (i < s->cfg.id)
		proto_url_port_add(url, cap, s->cfg.listen_peer, i);
	else
		proto_url_port_add(url, cap, s->cfg.peers[i].addr, s->cfg.id);
}

/* A new link is down until its first PEER_UP: counting it as down from now
 * lets srv_tick renew an endpoint that never connects. */
static int
open_link(struct srv *s, int i)
{
	char url[SRV_URL_MAX + 8];

	link_url(s, i, url, sizeof(url));
	s->peers[i].down_since = srv_now_ms();
	s->peers[i].up_since = 0;
	return proto_link_open(&s->peers[i].link, s->q, SRV_EP_PEER_BASE + i,
	    url, i < s->cfg.id, s->tls_peer[i],
	    PROTO_HDR_BYTES + PROTO_MAX_BODY);
}

static int
open_links(struct srv *s, char *err, size_t errcap)
{
	char url[SRV_URL_MAX + 8], why[PATH_MAX + 128];
	int i, rv;

	for (i = 1; i <= s->cfg.n; i++) {
		struct srv_peer_cfg *pc = &s->cfg.peers[i];
		int listen = i < s->cfg.id;

		if (i == s->cfg.id)
			continue;
		/* The lower id dials, the higher listens on base + lower id:
		 * one pair1 socket and one port per link. */
		if (listen)
			rv = proto_tls_server(&s->tls_peer[i], s->cfg.cert,
			    s->cfg.key, pc->cert, 0, why, sizeof(why));
		else
			rv = proto_tls_client(&s->tls_peer[i], pc->cert,
			    pc->name, s->cfg.cert, s->cfg.key, why,
			    sizeof(why));
		if (rv != 0) {
			snprintf(err, errcap, "[peer.%d] TLS: %s", i, why);
			return rv;
		}
		link_url(s, i, url, sizeof(url));
		if ((rv = open_link(s, i)) != 0) {
			snprintf(err, errcap, "%s %s for peer %d: %s",
			    listen ? "[listen] peer: listen on" : "dial", url,
			    i, proto_strerror(rv));
			return rv;
		}
		LK_INFO("peer %d: %s %s", i,
		    listen ? "listening on" : "dialing", url);
	}
	return 0;
}

/* nng 1.5.2 can leave a pipe registered after its connection is gone
 * (seen under load when a peer's connection is reset during its
 * negotiation or a transfer): pair1 then refuses every new connection of
 * that peer ("already paired") and the link stays dead. The evidence is a
 * link that claims to be up, received nothing (not even a malformed frame)
 * for 10 heartbeats (2 s at least), and saw its peer connect again in that
 * time (PROTO_EV_PEER_REDIAL): its connections are closed by pipe id and
 * the dialing side redials (within ~100 ms). Without that evidence only a
 * long silence (75 heartbeats, 15 s at least) does the same: every close
 * is a chance for nng 1.5.2's reaper to wedge (nng#1543), so a peer that
 * merely went quiet for a few seconds (a partition, a paused process) is
 * left alone. A pipe nng no longer reports can still hold pair1's slot, so
 * a link not back 2 s after the drop gets a new socket (net_close bounds
 * the wait to 2 s). Peers whose traffic the fault hook drops either way
 * are left alone. */
static void
link_watchdog(struct srv *s, uint64_t now)
{
	uint64_t quiet_redial = 10ull * s->cfg.heartbeat_ms;
	uint64_t quiet = 75ull * s->cfg.heartbeat_ms;
	int i, rv;

	if (quiet_redial < 2000)
		quiet_redial = 2000;
	if (quiet < 15000)
		quiet = 15000;
	for (i = 1; i <= s->cfg.n; i++) {
		struct srv_peer *p = &s->peers[i];
		uint64_t last;
		int redialing;

		if (i == s->cfg.id)
			continue;
		/* Silence the fault hook makes is not the transport's: count
		 * it from when the fault is lifted (consensus.sh once had
		 * both links of a just-unisolated node dropped at once). */
		if (srv_fault_drop_in(s, i) || srv_fault_drop_out(s, i)) {
			p->last_rx = now;
			continue;
		}
		if (p->link == NULL) {
			/* a replacement that could not listen yet */
			if (now - p->last_relisten >= 1000) {
				p->last_relisten = now;
				if (open_link(s, i) == 0)
					LK_INFO("peer %d: link reopened", i);
			}
			continue;
		}
		if (p->dropped_at != 0 && p->up_since > p->dropped_at)
			p->dropped_at = 0; /* back after the drop */
		if (p->dropped_at != 0 && now - p->dropped_at > 2000) {
			LK_WARN("peer %d: link not back 2 s after its "
			        "connection was dropped: replacing its socket",
			    i);
			if (proto_link_close(p->link) != 0)
				LK_WARN("peer %d: closing the old socket: "
				        "abandoned after 2 s (nng 1.5.2, "
				        "nng#1543)",
				    i);
			p->link = NULL;
			p->dropped_at = 0;
			p->up_since = 0;
			p->last_relisten = now;
			s->link_resets++;
			if ((rv = open_link(s, i)) != 0)
				LK_WARN("peer %d: reopen: %s (retrying)", i,
				    proto_strerror(rv));
			continue;
		}
		if (!proto_link_up(p->link) || p->up_since == 0)
			continue;
		last = p->last_rx > p->up_since ? p->last_rx : p->up_since;
		redialing = p->redial_at > last;
		if (now - last < (redialing ? quiet_redial : quiet))
			continue;
		LK_WARN("peer %d: link up but silent for %llu ms%s: dropping "
		        "its connection",
		    i, (unsigned long long) (now - last),
		    redialing ? " while the peer connects again" : "");
		proto_link_drop_pipes(p->link);
		p->up_since = 0;
		p->down_since = now;
		p->dropped_at = now;
		p->last_relisten = now;
		s->link_resets++;
	}
}

int
srv_open(struct srv *s, char *err, size_t errcap)
{
	char why[PATH_MAX + 128] = "";
	int rv;

	lk_random(s->boot_id, sizeof(s->boot_id));
	s->start_ms = srv_now_ms();
	if ((rv = srv_store_open(&s->store, &s->cfg, err, errcap)) != 0
	    || (rv = srv_acct_open(s, err, errcap)) != 0
	    || (rv = srv_cons_open(s, err, errcap)) != 0)
		return rv;
	srv_acct_check_rollback(s);
	if ((rv = proto_evq_new(&s->q)) != 0) {
		snprintf(err, errcap, "event queue: %s", proto_strerror(rv));
		return rv;
	}
	if ((rv = proto_tls_server(&s->tls_agg, s->cfg.cert, s->cfg.key,
	         s->cfg.agg_cert, 1, why, sizeof(why)))
	    != 0) {
		snprintf(err, errcap, "[tls]/[aggregator] cert: %s", why);
		return rv;
	}
	if ((rv = proto_srv_open(&s->agg, s->q, SRV_EP_AGG, s->cfg.listen_agg,
	         s->tls_agg, PROTO_HDR_BYTES + PROTO_MAX_BODY, 32))
	    != 0) {
		snprintf(err, errcap, "[listen] agg: cannot listen on %s: %s",
		    s->cfg.listen_agg, proto_strerror(rv));
		return rv;
	}
	if (s->cfg.listen_admin[0] != '\0'
	    && (rv = proto_srv_open(&s->admin, s->q, SRV_EP_ADMIN,
	            s->cfg.listen_admin, NULL,
	            PROTO_HDR_BYTES + PROTO_MAX_INNER, 256))
	        != 0) {
		snprintf(err, errcap, "[listen] admin: cannot listen on %s: %s",
		    s->cfg.listen_admin, proto_strerror(rv));
		return rv;
	}
	if ((rv = open_links(s, err, errcap)) != 0)
		return rv;
	why[0] = '\0';
	/* The watchdog connects as this node itself (pinned above) to the
	 * aggregator-facing listener. */
	if ((rv = proto_tls_client(&s->tls_probe, s->cfg.cert, "localhost",
	         s->cfg.cert, s->cfg.key, why, sizeof(why)))
	        != 0
	    || (rv = proto_probe_new(&s->probe, s->q, 2000)) != 0
	    || (rv = proto_probe_add(
	            s->probe, SRV_EP_AGG, s->cfg.listen_agg, s->tls_probe))
	        != 0
	    || (rv = proto_probe_start(s->probe)) != 0) {
		snprintf(err, errcap, "listener watchdog: %s",
		    why[0] ? why : proto_strerror(rv));
		return rv;
	}
	return 0;
}

void
srv_close(struct srv *s)
{
	struct proto_ev ev;
	int i;

	/* Commands still waiting are answered "unknown" while the admin
	 * endpoint is open; then stop the producers, then drain. */
	srv_cons_close(s);
	proto_probe_free(s->probe);
	s->probe = NULL;
	if (s->tls_probe != NULL)
		nng_tls_config_free(s->tls_probe);
	s->tls_probe = NULL;
	if (proto_srv_close(s->agg) != 0)
		LK_WARN("closing the aggregator endpoint: abandoned after 2 s "
		        "(nng 1.5.2, nng#1543)");
	s->agg = NULL;
	if (proto_srv_close(s->admin) != 0)
		LK_WARN("closing the admin endpoint: abandoned after 2 s (nng "
		        "1.5.2, nng#1543)");
	s->admin = NULL;
	for (i = 1; i <= PROTO_MAX_NODES; i++) {
		if (proto_link_close(s->peers[i].link) != 0)
			LK_WARN("closing the link to peer %d: abandoned after "
			        "2 s (nng 1.5.2, nng#1543)",
			    i);
		s->peers[i].link = NULL;
		if (s->tls_peer[i] != NULL)
			nng_tls_config_free(s->tls_peer[i]);
		s->tls_peer[i] = NULL;
	}
	if (s->tls_agg != NULL)
		nng_tls_config_free(s->tls_agg);
	s->tls_agg = NULL;
	if (s->q != NULL) {
		while (proto_evq_wait(s->q, 0, &ev))
			if (ev.msg != NULL)
				nng_msg_free(ev.msg);
		proto_evq_free(s->q);
		s->q = NULL;
	}
	srv_acct_close(s);
	srv_store_close(&s->store);
}
