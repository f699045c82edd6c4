/* pair1 links between servers: one socket per peer, one recv aio posting
 * every message; sends are non-blocking and drop when the buffer is full. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <nng/nng.h>
#include <nng/protocol/pair1/pair.h>
#include <nng/supplemental/util/platform.h>

#include "net_int.h"
#include "proto_err.h"

struct proto_link {
	struct proto_evq *q;
	int endpoint;
	nng_socket sock;
	nng_aio *aio;
	struct pipeset pipes;
	atomic_int closing;
	int listen;
	char *url;
	nng_tls_config *tls;
	size_t max_msg;
	nng_listener lst;
	nng_dialer dlr;
};

static void
link_recv_cb(void *arg)
{
	struct proto_link *l = arg;
	struct proto_ev ev;
	int rv = nng_aio_result(l->aio);

	if (rv == 0) {
		memset(&ev, 0, sizeof(ev));
		ev.kind = PROTO_EV_PEER_MSG;
		ev.endpoint = l->endpoint;
		ev.msg = nng_aio_get_msg(l->aio);
		proto_evq_push(l->q, &ev);
	}
	if (rv != NNG_ECLOSED && rv != NNG_ECANCELED
	    && !atomic_load(&l->closing))
		nng_recv_aio(l->sock, l->aio);
}

static void
link_pipe_cb(nng_pipe p, nng_pipe_ev ev, void *arg)
{
	struct proto_link *l = arg;
	struct proto_ev e;

	memset(&e, 0, sizeof(e));
	e.endpoint = l->endpoint;
	if (ev == NNG_PIPE_EV_ADD_PRE) {
		/* Before pair1 refuses a second connection ("already
		 * paired"): the peer's new connection says the one we hold
		 * is dead to it. */
		if (pipeset_count(&l->pipes) == 0)
			return;
		e.kind = PROTO_EV_PEER_REDIAL;
	} else if (ev == NNG_PIPE_EV_ADD_POST) {
		if (!pipeset_add(&l->pipes, nng_pipe_id(p)))
			return;
		e.kind = PROTO_EV_PEER_UP;
	} else if (ev == NNG_PIPE_EV_REM_POST) {
		if (!pipeset_del(&l->pipes, nng_pipe_id(p)))
			return;
		e.kind = PROTO_EV_PEER_DOWN;
	} else
		return;
	if (!atomic_load(&l->closing))
		proto_evq_push(l->q, &e);
}

/* Non-blocking: a peer that is down now is redialled until it comes up,
 * instead of being given up on. */
static int
link_dial(struct proto_link *l)
{
	nng_dialer d;
	int rv;

	if ((rv = nng_dialer_create(&d, l->sock, l->url)) != 0)
		return rv;
	if ((l->tls == NULL
	        || (rv = nng_dialer_set_ptr(d, NNG_OPT_TLS_CONFIG, l->tls))
	            == 0)
	    && (rv = nng_dialer_set_size(d, NNG_OPT_RECVMAXSZ, l->max_msg)) == 0
	    && (rv = nng_dialer_start(d, NNG_FLAG_NONBLOCK)) == 0) {
		l->dlr = d;
		return 0;
	}
	nng_dialer_close(d);
	return rv;
}

int
proto_link_open(struct proto_link **out, struct proto_evq *q, int endpoint,
    const char *url, int listen, nng_tls_config *tls, size_t max_msg)
{
	struct proto_link *l;
	int rv;

	*out = NULL;
	if ((l = calloc(1, sizeof(*l))) == NULL)
		return PROTO_ETRANSPORT;
	l->q = q;
	l->endpoint = endpoint;
	l->listen = listen;
	l->max_msg = max_msg;
	pipeset_init(&l->pipes);
	if ((l->url = strdup(url)) == NULL) {
		pipeset_fini(&l->pipes);
		free(l);
		return PROTO_ETRANSPORT;
	}
	if ((l->tls = tls) != NULL)
		nng_tls_config_hold(tls);
	if ((rv = nng_pair1_open(&l->sock)) != 0)
		goto fail_nosock;
	nng_socket_set_size(l->sock, NNG_OPT_RECVMAXSZ, max_msg);
	nng_socket_set_int(l->sock, NNG_OPT_SENDBUF, 256);
	nng_socket_set_int(l->sock, NNG_OPT_RECVBUF, 256);
	nng_socket_set_ms(l->sock, NNG_OPT_RECONNMINT, 100);
	nng_socket_set_ms(l->sock, NNG_OPT_RECONNMAXT, 1000);
	nng_pipe_notify(l->sock, NNG_PIPE_EV_ADD_PRE, link_pipe_cb, l);
	nng_pipe_notify(l->sock, NNG_PIPE_EV_ADD_POST, link_pipe_cb, l);
	nng_pipe_notify(l->sock, NNG_PIPE_EV_REM_POST, link_pipe_cb, l);
	if ((rv = nng_aio_alloc(&l->aio, link_recv_cb, l)) != 0)
		goto fail;
	if (listen)
		rv = net_listen(l->sock, url, tls, max_msg, &l->lst);
	else
		rv = link_dial(l);
	if (rv != 0)
		goto fail;
	nng_recv_aio(l->sock, l->aio);
	*out = l;
	return 0;
fail:
	/* A link is reopened while the daemon runs: bounded like any close,
	 * and left allocated if abandoned (nng may still call its
	 * callbacks). */
	atomic_store(&l->closing, 1);
	if (net_close(l->sock, NET_CLOSE_MS) != 0)
		return proto_net_err(rv);
fail_nosock:
	if (l->aio != NULL)
		nng_aio_free(l->aio);
	if (l->tls != NULL)
		nng_tls_config_free(l->tls);
	free(l->url);
	pipeset_fini(&l->pipes);
	free(l);
	return proto_net_err(rv);
}

int
proto_link_send(struct proto_link *l, nng_msg *msg)
{
	int rv = nng_sendmsg(l->sock, msg, NNG_FLAG_NONBLOCK);

	if (rv != 0) {
		nng_msg_free(msg);
		return rv == NNG_EAGAIN ? PROTO_EBUSY : proto_net_err(rv);
	}
	return 0;
}

int
proto_link_up(const struct proto_link *l)
{
	return pipeset_count(&((struct proto_link *) l)->pipes) > 0;
}

int
proto_link_drop_pipes(struct proto_link *l)
{
	uint32_t ids[PIPESET_MAX];
	int i, n;

	pthread_mutex_lock(&l->pipes.mu);
	n = l->pipes.n;
	memcpy(ids, l->pipes.ids, (size_t) n * sizeof(ids[0]));
	pthread_mutex_unlock(&l->pipes.mu);
	for (i = 0; i < n; i++)
		(void) net_close_obj(NET_PIPE, ids[i], NET_CLOSE_MS);
	return n;
}

int
proto_link_close(struct proto_link *l)
{
	if (l == NULL)
		return 0;
	atomic_store(&l->closing, 1);
	nng_aio_stop(l->aio);
	if (net_close(l->sock, NET_CLOSE_MS) != 0)
		return PROTO_ETIMEOUT; /* abandoned: nng may still call
		                          link_pipe_cb */
	nng_aio_free(l->aio);
	if (l->tls != NULL)
		nng_tls_config_free(l->tls);
	free(l->url);
	pipeset_fini(&l->pipes);
	free(l);
	return 0;
}

/* A link that stays down cannot tell a dead peer from a dead endpoint of
 * its own, so the owner renews the endpoint while the link is down:
 * - listening: the nng 1.5.2 defect of proto_srv_relisten can stop a pair1
 *   listener for good;
 * - dialing: nng 1.5.2 can stop redialling when a connection fails during
 *   its negotiation (nng#970 has the pattern; seen in consensus.sh: a
 *   restarted peer's listener was never dialled again). */
int
proto_link_renew(struct proto_link *l)
{
	nng_listener nl;
	int rv, tries;

	/* bounded: these closes take the locks a stuck reaper holds */
	if (!l->listen) {
		(void) net_close_obj(
		    NET_DIALER, (uint32_t) nng_dialer_id(l->dlr), NET_CLOSE_MS);
		return proto_net_err(link_dial(l));
	}
	(void) net_close_obj(
	    NET_LISTENER, (uint32_t) nng_listener_id(l->lst), NET_CLOSE_MS);
	for (tries = 0; tries < 50; tries++) {
		if ((rv = net_listen(l->sock, l->url, l->tls, l->max_msg, &nl))
		    != NNG_EADDRINUSE)
			break;
		nng_msleep(20);
	}
	if (rv != 0)
		return proto_net_err(rv);
	l->lst = nl;
	return 0;
}
