/* Consensus requests on the local admin socket (only there: daemon.c's
 * dispatch refuses them on the aggregator-facing endpoint). They let an
 * operator or a test drive the state machine before the login path
 * exists: ATTEMPT, LOGIN_OK, UNLOCK, READ_USER, READ_RECORD, NOP; read the
 * node's consensus status; and set the test fault hook. */
#include <stdlib.h>
#include <string.h>

#include "srv.h"

struct admin_op {
	struct srv_req rq;
};

static int
frame_reply(struct srv *s, const struct proto_hdr *h,
    const struct proto_schema *sc, const void *msg, nng_msg **reply)
{
	struct proto_hdr rh = *h;

	rh.flags = PROTO_F_RESPONSE;
	rh.sender = s->cfg.id;
	return proto_net_frame(reply, &rh, sc, msg);
}

static void
admin_done(struct srv *s, void *ctx, int err, const struct cons_result *r,
    uint64_t index)
{
	struct admin_op *a = ctx;
	struct proto_msg_cons_admin_resp resp;
	nng_msg *m = NULL;

	if (err != 0) {
		srv_reply(s, &a->rq, NULL, err);
		free(a);
		return;
	}
	memset(&resp, 0, sizeof(resp));
	resp.status = r->status;
	resp.value = r->value;
	resp.backoff_ms = r->backoff_ms;
	memcpy(resp.hash, r->hash, sizeof(resp.hash));
	resp.index = index;
	if (frame_reply(s, &a->rq.h, &proto_schema_cons_admin_resp, &resp, &m)
	    != 0)
		srv_reply(s, &a->rq, NULL, SRV_EINTERNAL);
	else
		srv_reply(s, &a->rq, m, 0);
	free(a);
}

int
srv_handle_cons_admin(struct srv *s, const struct srv_req *rq,
    const uint8_t *body, nng_msg **reply)
{
	struct proto_msg_cons_admin_req req;
	struct cons_cmd cmd;
	struct admin_op *a;
	int rv;

	if ((rv = proto_msg_decode(
	         &proto_schema_cons_admin_req, &req, body, rq->h.len))
	    != 0)
		return rv;
	switch (req.op) {
	case CONS_CMD_ATTEMPT:
	case CONS_CMD_LOGIN_OK:
	case CONS_CMD_UNLOCK:
	case CONS_CMD_READ_USER:
	case CONS_CMD_READ_RECORD:
	case CONS_CMD_NOP:
		break;
	default:
		return CONS_ECMD;
	}
	/* client_id 0: the server's own session; else the client's. */
	if ((req.client_id == 0) != (req.seq == 0))
		return CONS_ECMD;
	memset(&cmd, 0, sizeof(cmd));
	cmd.type = req.op;
	cmd.client_id = req.client_id;
	cmd.seq = req.seq;
	memcpy(cmd.user, req.user, CONS_ID_BYTES);
	memcpy(cmd.id, req.id, CONS_ID_BYTES);
	if ((a = calloc(1, sizeof(*a))) == NULL)
		return SRV_EBUSY;
	a->rq = *rq;
	rv = srv_cons_submit(s, &cmd, req.timeout_ms, admin_done, a);
	if (rv == 0)
		return SRV_DEFERRED;
	free(a);
	if (rv == SRV_EBACKSTOP) {
		/* Refused here, never proposed: LOCKED by the local cap. */
		struct proto_msg_cons_admin_resp resp;
		memset(&resp, 0, sizeof(resp));
		resp.status = CONS_R_LOCKED;
		resp.value = srv_backstop_count(s, cmd.user);
		resp.local = 1;
		return frame_reply(
		    s, &rq->h, &proto_schema_cons_admin_resp, &resp, reply);
	}
	return rv;
}

static int
status_reply(struct srv *s, const struct srv_req *rq, nng_msg **reply)
{
	struct proto_msg_cons_status_resp r;
	struct cons_status st;
	struct srv_cons_stats cs;

	memset(&r, 0, sizeof(r));
	r.id = s->cfg.id;
	r.n = s->cfg.n;
	srv_cons_health(s, &r.role, &r.term, &r.commit, &r.status);
	srv_cons_status(s, &st);
	r.leader = st.leader == CONS_VOTE_NONE ? 0 : (uint16_t) (st.leader + 1);
	r.vote = st.vote == CONS_VOTE_NONE ? 0
	    : st.vote == CONS_VOTE_SPENT   ? 254
	                                   : (uint8_t) (st.vote + 1);
	r.applied = st.applied;
	r.last_index = st.last_index;
	r.last_term = st.last_term;
	r.durable_index = st.durable_index;
	r.floor_index = st.floor_on ? st.floor_index : 0;
	r.floor_term = st.floor_on ? st.floor_term : 0;
	r.recovery_term = st.recovery_term;
	srv_cons_get_stats(s, &cs);
	r.pending = cs.pending;
	r.proposed = cs.proposed;
	r.answered = cs.answered;
	r.unknown = cs.unknown;
	r.refused = cs.refused;
	r.drop_in = s->drop_in;
	r.drop_out = s->drop_out;
	return frame_reply(
	    s, &rq->h, &proto_schema_cons_status_resp, &r, reply);
}

int
srv_handle_cons_status(struct srv *s, const struct srv_req *rq,
    const uint8_t *body, nng_msg **reply)
{
	struct proto_msg_cons_status_req req;
	int rv;

	if ((rv = proto_msg_decode(
	         &proto_schema_cons_status_req, &req, body, rq->h.len))
	    != 0)
		return rv;
	return status_reply(s, rq, reply);
}

int
srv_handle_cons_fault(struct srv *s, const struct srv_req *rq,
    const uint8_t *body, nng_msg **reply)
{
	struct proto_msg_cons_fault_req req;
	uint32_t valid;
	int rv;

	if ((rv = proto_msg_decode(
	         &proto_schema_cons_fault_req, &req, body, rq->h.len))
	    != 0)
		return rv;
	/* Only other servers' bits mean anything. */
	valid = (uint32_t) (((1ull << (s->cfg.n + 1)) - 1) & ~1ull)
	    & ~(1u << s->cfg.id);
	s->drop_in = req.drop_in & valid;
	s->drop_out = req.drop_out & valid;
	LK_WARN("fault hook: dropping traffic from 0x%x and to 0x%x "
	        "(server id bits)",
	    s->drop_in, s->drop_out);
	return status_reply(s, rq, reply);
}
