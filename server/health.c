/* HEALTH: the node's own view, answered without touching any secret:
 * links, LMDB statistics, and consensus role, term, commit index and the
 * PROTO_HS_* status bits (serving, recovering, catching up, fault hook). */
#include <string.h>

#include "srv.h"

int
srv_handle_health(struct srv *s, const struct srv_req *rq, const uint8_t *body,
    nng_msg **reply)
{
	const struct proto_hdr *h = &rq->h;
	struct proto_msg_health_req req;
	struct proto_msg_health_resp r;
	struct srv_store_stats st;
	struct proto_hdr rh = *h;
	uint64_t now = srv_now_ms();
	int rv, i;

	if ((rv = proto_msg_decode(
	         &proto_schema_health_req, &req, body, h->len))
	    != 0)
		return rv;
	memset(&r, 0, sizeof(r));
	r.id = s->cfg.id;
	r.n = s->cfg.n;
	r.t = s->cfg.t;
	r.uptime_ms = now - s->start_ms;
	memcpy(r.boot_id, s->boot_id, sizeof(r.boot_id));
	for (i = 1; i <= s->cfg.n; i++) {
		struct proto_msg_peer_state *p;
		if (i == s->cfg.id)
			continue;
		p = &r.peers[r.peers_n++];
		p->id = (uint16_t) i;
		p->up = s->peers[i].link != NULL
		    && proto_link_up(s->peers[i].link);
		p->last_heard_ms = s->peers[i].last_heard == 0
		    ? UINT64_MAX
		    : now - s->peers[i].last_heard;
	}
	if (srv_store_stats(&s->store, &st) == 0) {
		r.db_entries = st.entries;
		r.db_pages = st.pages;
		r.db_map_size = st.map_size;
		r.db_last_txn = st.last_txn;
	}
	srv_cons_health(s, &r.role, &r.term, &r.commit, &r.status);
	if (s->stale)
		r.status |= PROTO_HS_STALE;
	rh.flags = PROTO_F_RESPONSE;
	rh.sender = s->cfg.id;
	return proto_net_frame(reply, &rh, &proto_schema_health_resp, &r);
}

int
srv_handle_ping(struct srv *s, const struct srv_req *rq, const uint8_t *body,
    nng_msg **reply)
{
	const struct proto_hdr *h = &rq->h;
	struct proto_msg_ping req;
	struct proto_msg_pong r;
	struct proto_hdr rh = *h;
	int rv;

	if ((rv = proto_msg_decode(&proto_schema_ping, &req, body, h->len))
	    != 0)
		return rv;
	r.nonce = req.nonce;
	rh.flags = PROTO_F_RESPONSE;
	rh.sender = s->cfg.id;
	return proto_net_frame(reply, &rh, &proto_schema_pong, &r);
}
