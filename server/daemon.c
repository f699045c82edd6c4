/* The keyserver's owner thread: every request, peer message and timer is
 * handled here, one at a time. nng threads only queue events (proto_net). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "srv.h"

uint64_t
srv_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t) ts.tv_sec * 1000 + (uint64_t) ts.tv_nsec / 1000000;
}

/* Request types the aggregator may send, and their handlers. */
static const struct {
	uint16_t type;
	int (*fn)(struct srv *, const struct proto_hdr *, const uint8_t *,
	    nng_msg **);
} dispatch[] = {
	{ PROTO_T_HEALTH_REQ, srv_handle_health },
	{ PROTO_T_PING, srv_handle_ping },
};

static struct proto_srv *
endpoint_srv(struct srv *s, int endpoint)
{
	return endpoint == SRV_EP_ADMIN ? s->admin : s->agg;
}

static void
reply_error(struct srv *s, const struct proto_ev *ev, const struct proto_hdr *h,
    int code, const char *detail)
{
	nng_msg *m;

	if (proto_net_error(&m, h, s->cfg.id, code, detail) == 0)
		proto_srv_reply(endpoint_srv(s, ev->endpoint), ev->slot, m);
}

static void
on_request(struct srv *s, const struct proto_ev *ev)
{
	struct proto_hdr h;
	const uint8_t *body;
	nng_msg *reply = NULL;
	size_t i;
	int rv;

	rv = proto_frame_parse(&h, &body, nng_msg_body(ev->msg),
	    nng_msg_len(ev->msg), PROTO_MAX_BODY);
	if (rv != 0) {
		s->bad_requests++;
		LK_DEBUG("bad request frame: %s", proto_strerror(rv));
		reply_error(s, ev, &h, rv, proto_strerror(rv));
		return;
	}
	if (h.flags & PROTO_F_RESPONSE) {
		reply_error(s, ev, &h, PROTO_EFLAGS,
		    "a request must not carry the response flag");
		return;
	}
	for (i = 0; i < LK_ARRAY_LEN(dispatch); i++)
		if (dispatch[i].type == h.type)
			break;
	if (i == LK_ARRAY_LEN(dispatch)) {
		s->bad_requests++;
		reply_error(s, ev, &h, PROTO_ETYPE, "unknown request type");
		return;
	}
	rv = dispatch[i].fn(s, &h, body, &reply);
	if (rv != 0) {
		s->bad_requests++;
		reply_error(s, ev, &h, rv,
		    rv >= 500 ? srv_strerror(rv) : proto_strerror(rv));
		return;
	}
	proto_srv_reply(endpoint_srv(s, ev->endpoint), ev->slot, reply);
}

static void
on_peer_msg(struct srv *s, int peer, nng_msg *msg)
{
	struct proto_hdr h;
	struct proto_msg_peer_heartbeat hb;
	struct srv_peer *p = &s->peers[peer];
	int rv;

	rv = proto_frame_decode(&h, &proto_schema_peer_heartbeat, &hb,
	    nng_msg_body(msg), nng_msg_len(msg), PROTO_MAX_BODY);
	/* The link is pinned to the peer's certificate, so the sender field
	 * must name that peer. */
	if (rv == 0 && (h.sender != peer || hb.id != peer))
		rv = PROTO_ESENDER;
	if (rv != 0) {
		if (p->bad_msgs++ % 1000 == 0)
			LK_WARN("peer %d: dropped bad message: %s", peer,
			    proto_strerror(rv));
		return;
	}
	p->last_heard = srv_now_ms();
}

void
srv_step(struct srv *s, int timeout_ms)
{
	struct proto_ev ev;
	int peer;

	if (!proto_evq_wait(s->q, timeout_ms, &ev))
		return;
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
		if (peer >= 1 && peer <= s->cfg.n)
			s->peers[peer].down_since
			    = ev.kind == PROTO_EV_PEER_UP ? 0 : srv_now_ms();
		LK_INFO("peer %d link %s", peer,
		    ev.kind == PROTO_EV_PEER_UP ? "up" : "down");
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
	for (i = 1; i <= s->cfg.n; i++) {
		struct srv_peer *p = &s->peers[i];
		/* A listening link that stays down may have a dead listener
		 * (see proto_link_relisten): replace it every few seconds. */
		if (p->link != NULL && i < s->cfg.id && p->down_since != 0
		    && now - p->down_since > 3000
		    && now - p->last_relisten > 3000) {
			p->last_relisten = now;
			if (proto_link_relisten(p->link) == 0)
				s->relistens++;
		}
	}
	for (i = 1; i <= s->cfg.n; i++) {
		nng_msg *m;
		if (s->peers[i].link == NULL
		    || !proto_link_up(s->peers[i].link))
			continue;
		if (proto_net_frame(&m, &h, &proto_schema_peer_heartbeat, &hb)
		    == 0)
			proto_link_send(s->peers[i].link, m);
	}
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
		if (listen) {
			proto_url_port_add(
			    url, sizeof(url), s->cfg.listen_peer, i);
			rv = proto_tls_server(&s->tls_peer[i], s->cfg.cert,
			    s->cfg.key, pc->cert, 0, why, sizeof(why));
		} else {
			proto_url_port_add(
			    url, sizeof(url), pc->addr, s->cfg.id);
			rv = proto_tls_client(&s->tls_peer[i], pc->cert,
			    pc->name, s->cfg.cert, s->cfg.key, why,
			    sizeof(why));
		}
		if (rv != 0) {
			snprintf(err, errcap, "[peer.%d] TLS: %s", i, why);
			return rv;
		}
		rv = proto_link_open(&s->peers[i].link, s->q,
		    SRV_EP_PEER_BASE + i, url, listen, s->tls_peer[i],
		    PROTO_HDR_BYTES + PROTO_MAX_BODY);
		if (rv != 0) {
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

int
srv_open(struct srv *s, char *err, size_t errcap)
{
	char why[PATH_MAX + 128] = "";
	int rv;

	lk_random(s->boot_id, sizeof(s->boot_id));
	s->start_ms = srv_now_ms();
	if ((rv = srv_store_open(&s->store, &s->cfg, err, errcap)) != 0)
		return rv;
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
	            PROTO_HDR_BYTES + PROTO_MAX_INNER, 4))
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

	/* Stop the producers first, then drain what they queued. */
	proto_probe_free(s->probe);
	s->probe = NULL;
	if (s->tls_probe != NULL)
		nng_tls_config_free(s->tls_probe);
	s->tls_probe = NULL;
	proto_srv_close(s->agg);
	s->agg = NULL;
	proto_srv_close(s->admin);
	s->admin = NULL;
	for (i = 1; i <= PROTO_MAX_NODES; i++) {
		proto_link_close(s->peers[i].link);
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
	srv_store_close(&s->store);
}
