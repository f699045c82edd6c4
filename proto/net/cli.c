/* The req endpoint to one destination: a pool of contexts, each carrying one
 * request: send -> recv -> post the reply (or the error) as an event. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <nng/nng.h>
#include <nng/protocol/reqrep0/req.h>
#include <nng/supplemental/util/platform.h>

#include "lk_common.h"
#include "net_int.h"
#include "proto_err.h"

enum cslot_state { CS_FREE, CS_SEND, CS_RECV };

struct cli_slot {
	struct proto_cli *cli;
	nng_ctx ctx;
	nng_aio *aio;
	_Atomic int state;
	uint64_t tag;
	nng_time deadline;
	uint64_t start_us;
};

struct proto_cli {
	struct proto_evq *q;
	int endpoint;
	nng_socket sock;
	nng_dialer dialer;
	int nslots;
	struct cli_slot *slots;
	struct pipeset pipes;
	atomic_int closing;
};

static void
cli_done(struct cli_slot *s, int err, nng_msg *msg)
{
	struct proto_ev ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = PROTO_EV_REPLY;
	ev.endpoint = s->cli->endpoint;
	ev.tag = s->tag;
	ev.err = err;
	ev.msg = msg;
	ev.rtt_us = (uint32_t) (lk_mono_us() - s->start_us);
	atomic_store(&s->state, CS_FREE);
	if (!atomic_load(&s->cli->closing))
		proto_evq_push(s->cli->q, &ev);
	else if (msg != NULL)
		nng_msg_free(msg);
}

static void
cli_cb(void *arg)
{
	struct cli_slot *s = arg;
	int rv = nng_aio_result(s->aio);
	nng_time now;

	if (atomic_load(&s->state) == CS_SEND) {
		if (rv != 0) {
			nng_msg *m = nng_aio_get_msg(s->aio);
			if (m != NULL)
				nng_msg_free(m);
			cli_done(s, proto_net_err(rv), NULL);
			return;
		}
		now = nng_clock();
		if (now >= s->deadline) {
			cli_done(s, PROTO_ETIMEOUT, NULL);
			return;
		}
		atomic_store(&s->state, CS_RECV);
		nng_aio_set_timeout(s->aio, (nng_duration) (s->deadline - now));
		nng_ctx_recv(s->ctx, s->aio);
		return;
	}
	cli_done(s, rv != 0 ? proto_net_err(rv) : 0,
	    rv != 0 ? NULL : nng_aio_get_msg(s->aio));
}

static void
cli_pipe_cb(nng_pipe p, nng_pipe_ev ev, void *arg)
{
	struct proto_cli *c = arg;
	struct proto_ev e;

	memset(&e, 0, sizeof(e));
	e.endpoint = c->endpoint;
	if (ev == NNG_PIPE_EV_ADD_POST) {
		if (!pipeset_add(&c->pipes, nng_pipe_id(p)))
			return;
		e.kind = PROTO_EV_PEER_UP;
	} else if (ev == NNG_PIPE_EV_REM_POST) {
		if (!pipeset_del(&c->pipes, nng_pipe_id(p)))
			return;
		e.kind = PROTO_EV_PEER_DOWN;
	} else
		return;
	if (!atomic_load(&c->closing))
		proto_evq_push(c->q, &e);
}

int
proto_cli_open(struct proto_cli **out, struct proto_evq *q, int endpoint,
    const char *url, nng_tls_config *tls, size_t max_msg, int nctx)
{
	struct proto_cli *c;
	int i, rv;

	*out = NULL;
	if (nctx <= 0 || (c = calloc(1, sizeof(*c))) == NULL)
		return PROTO_EINVAL;
	c->q = q;
	c->endpoint = endpoint;
	pipeset_init(&c->pipes);
	c->nslots = nctx;
	if ((c->slots = calloc((size_t) nctx, sizeof(*c->slots))) == NULL) {
		free(c);
		return PROTO_ETRANSPORT;
	}
	if ((rv = nng_req0_open(&c->sock)) != 0)
		goto fail_nosock;
	nng_socket_set_size(c->sock, NNG_OPT_RECVMAXSZ, max_msg);
	/* Never resend on our behalf: a retried request must be a decision
	 * of the caller, whose handlers deduplicate. */
	nng_socket_set_ms(
	    c->sock, NNG_OPT_REQ_RESENDTIME, NNG_DURATION_INFINITE);
	nng_socket_set_ms(c->sock, NNG_OPT_RECONNMINT, 100);
	nng_socket_set_ms(c->sock, NNG_OPT_RECONNMAXT, 2000);
	nng_pipe_notify(c->sock, NNG_PIPE_EV_ADD_POST, cli_pipe_cb, c);
	nng_pipe_notify(c->sock, NNG_PIPE_EV_REM_POST, cli_pipe_cb, c);
	for (i = 0; i < nctx; i++) {
		struct cli_slot *sl = &c->slots[i];
		sl->cli = c;
		if ((rv = nng_aio_alloc(&sl->aio, cli_cb, sl)) != 0
		    || (rv = nng_ctx_open(&sl->ctx, c->sock)) != 0)
			goto fail;
	}
	if ((rv = nng_dialer_create(&c->dialer, c->sock, url)) != 0)
		goto fail;
	if (tls != NULL
	    && (rv = nng_dialer_set_ptr(c->dialer, NNG_OPT_TLS_CONFIG, tls))
	        != 0)
		goto fail;
	nng_dialer_set_size(c->dialer, NNG_OPT_RECVMAXSZ, max_msg);
	if ((rv = nng_dialer_start(c->dialer, NNG_FLAG_NONBLOCK)) != 0)
		goto fail;
	*out = c;
	return 0;
fail:
	atomic_store(&c->closing, 1);
	nng_close(c->sock);
fail_nosock:
	for (i = 0; i < nctx; i++)
		if (c->slots[i].aio != NULL)
			nng_aio_free(c->slots[i].aio);
	free(c->slots);
	pipeset_fini(&c->pipes);
	free(c);
	return proto_net_err(rv);
}

int
proto_cli_send(struct proto_cli *c, nng_msg *msg, int timeout_ms, uint64_t tag)
{
	int i, expect;

	for (i = 0; i < c->nslots; i++) {
		struct cli_slot *s = &c->slots[i];
		expect = CS_FREE;
		if (!atomic_compare_exchange_strong(
		        &s->state, &expect, CS_SEND))
			continue;
		s->tag = tag;
		s->start_us = lk_mono_us();
		s->deadline = nng_clock() + (nng_time) timeout_ms;
		nng_aio_set_msg(s->aio, msg);
		nng_aio_set_timeout(s->aio, timeout_ms);
		nng_ctx_send(s->ctx, s->aio);
		return 0;
	}
	nng_msg_free(msg);
	return PROTO_EBUSY;
}

int
proto_cli_pipes(const struct proto_cli *c)
{
	return pipeset_count(&((struct proto_cli *) c)->pipes);
}

int
proto_cli_close(struct proto_cli *c)
{
	int i;

	if (c == NULL)
		return 0;
	atomic_store(&c->closing, 1);
	for (i = 0; i < c->nslots; i++)
		nng_aio_stop(c->slots[i].aio);
	if (net_close(c->sock, NET_CLOSE_MS) != 0)
		return PROTO_ETIMEOUT; /* abandoned: nng may still use the slots
		                        */
	for (i = 0; i < c->nslots; i++)
		nng_aio_free(c->slots[i].aio);
	free(c->slots);
	pipeset_fini(&c->pipes);
	free(c);
	return 0;
}
