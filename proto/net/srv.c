/* The rep endpoint: nctx contexts each loop recv -> (owner replies) -> send.
 * Callbacks only post events and re-arm. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <nng/nng.h>
#include <nng/protocol/reqrep0/rep.h>
#include <nng/supplemental/util/platform.h>

#include "net_int.h"
#include "proto_err.h"

enum slot_state { SLOT_RECV, SLOT_OWNER, SLOT_SEND };

struct srv_slot {
	struct proto_srv *srv;
	uint32_t idx;
	nng_ctx ctx;
	nng_aio *aio;
	enum slot_state state;
};

struct proto_srv {
	struct proto_evq *q;
	int endpoint;
	nng_socket sock;
	nng_listener lst;
	int nslots;
	struct srv_slot *slots;
	atomic_int closing;
	char *url;
	nng_tls_config *tls;
	size_t max_msg;
	/* Completion counts, for diagnostics and HEALTH. */
	atomic_ullong recv_ok, recv_err, send_ok, send_err, rearm_skipped;
	atomic_int last_recv_err;
	atomic_int relistens;
};

static void
srv_arm_recv(struct srv_slot *s)
{
	s->state = SLOT_RECV;
	nng_ctx_recv(s->ctx, s->aio);
}

static void
srv_cb(void *arg)
{
	struct srv_slot *s = arg;
	struct proto_ev ev;
	int rv = nng_aio_result(s->aio);

	if (s->state == SLOT_SEND) {
		if (rv != 0) {
			nng_msg *m = nng_aio_get_msg(s->aio);
			if (m != NULL)
				nng_msg_free(m);
			atomic_fetch_add(&s->srv->send_err, 1);
		} else
			atomic_fetch_add(&s->srv->send_ok, 1);
		if (!atomic_load(&s->srv->closing))
			srv_arm_recv(s);
		return;
	}
	/* SLOT_RECV */
	if (rv != 0) {
		atomic_fetch_add(&s->srv->recv_err, 1);
		atomic_store(&s->srv->last_recv_err, rv);
		if (rv != NNG_ECLOSED && rv != NNG_ECANCELED
		    && !atomic_load(&s->srv->closing))
			srv_arm_recv(s);
		else
			atomic_fetch_add(&s->srv->rearm_skipped, 1);
		return;
	}
	atomic_fetch_add(&s->srv->recv_ok, 1);
	memset(&ev, 0, sizeof(ev));
	ev.kind = PROTO_EV_REQUEST;
	ev.endpoint = s->srv->endpoint;
	ev.slot = s->idx;
	ev.msg = nng_aio_get_msg(s->aio);
	s->state = SLOT_OWNER;
	proto_evq_push(s->srv->q, &ev);
}

int
proto_srv_open(struct proto_srv **out, struct proto_evq *q, int endpoint,
    const char *url, nng_tls_config *tls, size_t max_msg, int nctx)
{
	struct proto_srv *s;
	int i, rv;

	*out = NULL;
	if (nctx <= 0 || (s = calloc(1, sizeof(*s))) == NULL)
		return PROTO_EINVAL;
	s->q = q;
	s->endpoint = endpoint;
	s->nslots = nctx;
	if ((s->slots = calloc((size_t) nctx, sizeof(*s->slots))) == NULL) {
		free(s);
		return PROTO_ETRANSPORT;
	}
	if ((rv = nng_rep0_open(&s->sock)) != 0)
		goto fail_nosock;
	nng_socket_set_size(s->sock, NNG_OPT_RECVMAXSZ, max_msg);
	s->max_msg = max_msg;
	if ((s->url = strdup(url)) == NULL) {
		rv = NNG_ENOMEM;
		goto fail;
	}
	if ((s->tls = tls) != NULL)
		nng_tls_config_hold(tls);
	for (i = 0; i < nctx; i++) {
		struct srv_slot *sl = &s->slots[i];
		sl->srv = s;
		sl->idx = (uint32_t) i;
		if ((rv = nng_aio_alloc(&sl->aio, srv_cb, sl)) != 0
		    || (rv = nng_ctx_open(&sl->ctx, s->sock)) != 0)
			goto fail;
	}
	if ((rv = net_listen(s->sock, url, tls, max_msg, &s->lst)) != 0)
		goto fail;
	for (i = 0; i < nctx; i++)
		srv_arm_recv(&s->slots[i]);
	*out = s;
	return 0;
fail:
	nng_close(s->sock);
fail_nosock:
	for (i = 0; i < nctx; i++)
		if (s->slots[i].aio != NULL)
			nng_aio_free(s->slots[i].aio);
	if (s->tls != NULL)
		nng_tls_config_free(s->tls);
	free(s->url);
	free(s->slots);
	free(s);
	return proto_net_err(rv);
}

int
proto_srv_reply(struct proto_srv *s, uint32_t slot, nng_msg *msg)
{
	struct srv_slot *sl;

	if (slot >= (uint32_t) s->nslots
	    || s->slots[slot].state != SLOT_OWNER) {
		nng_msg_free(msg);
		return PROTO_EINVAL;
	}
	sl = &s->slots[slot];
	sl->state = SLOT_SEND;
	nng_aio_set_msg(sl->aio, msg);
	nng_ctx_send(sl->ctx, sl->aio);
	return 0;
}

int
proto_srv_close(struct proto_srv *s)
{
	int i;

	if (s == NULL)
		return 0;
	atomic_store(&s->closing, 1);
	for (i = 0; i < s->nslots; i++)
		nng_aio_stop(s->slots[i].aio);
	if (net_close(s->sock, NET_CLOSE_MS) != 0)
		return PROTO_ETIMEOUT; /* abandoned: nng may still use the slots
		                        */
	for (i = 0; i < s->nslots; i++)
		nng_aio_free(s->slots[i].aio);
	if (s->tls != NULL)
		nng_tls_config_free(s->tls);
	free(s->url);
	free(s->slots);
	free(s);
	return 0;
}

/* nng 1.5.2 stops a listener for good when a peer's SP negotiation fails
 * with NNG_ECLOSED (its listener core reads that as "listener closed";
 * fixed upstream later by mapping it to NNG_ECONNSHUT). Replacing the
 * listener is the only remedy available to us; established pipes and the
 * contexts are unaffected. */
int
proto_srv_relisten(struct proto_srv *s)
{
	nng_listener l;
	int rv, tries;

	(void) net_close_obj(
	    NET_LISTENER, (uint32_t) nng_listener_id(s->lst), NET_CLOSE_MS);
	/* The old listener's port is released asynchronously. */
	for (tries = 0; tries < 50; tries++) {
		if ((rv = net_listen(s->sock, s->url, s->tls, s->max_msg, &l))
		    != NNG_EADDRINUSE)
			break;
		nng_msleep(20);
	}
	if (rv != 0)
		return proto_net_err(rv);
	s->lst = l;
	atomic_fetch_add(&s->relistens, 1);
	return 0;
}

void
proto_srv_counts(const struct proto_srv *s, struct proto_srv_counts *out)
{
	struct proto_srv *m = (struct proto_srv *) s;

	out->requests = atomic_load(&m->recv_ok);
	out->replies = atomic_load(&m->send_ok);
	out->errors = atomic_load(&m->recv_err) + atomic_load(&m->send_err);
	out->relistens = (uint64_t) atomic_load(&m->relistens);
}
