/* The listener watchdog: a thread that, every interval, opens a fresh TLS
 * connection to each registered listener and sends a PING. Two failures in
 * a row post PROTO_EV_LISTENER_DEAD for that endpoint; the owner thread then
 * replaces the listener (proto_srv_relisten). It runs on its own thread so
 * that a stalled nng call can never freeze a daemon's owner loop.
 *
 * Each target keeps one req socket for the probe's whole life and makes a
 * new dialer (so a new connection) per probe, closing only the dialer:
 * nng_close in nng 1.5.2 can block forever once its reaper thread sticks
 * (upstream nng#1543), and closing a socket every 2 s was the likeliest way
 * to get there. The sockets are not closed at all (see proto_probe_free). */
/* pthread_timedjoin_np */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <nng/nng.h>
#include <nng/protocol/reqrep0/req.h>

#include "lk_common.h"
#include "net_int.h"
#include "proto_err.h"

#define PROBE_MAX 4

struct probe_target {
	int endpoint;
	char url[256];
	nng_tls_config *tls;
	nng_socket sock;
	int open;
	int failures;
};

struct proto_probe {
	struct proto_evq *q;
	int interval_ms;
	int n;
	struct probe_target t[PROBE_MAX];
	pthread_t thr;
	int running;
	atomic_int stop;
	atomic_ullong probes, failures;
};

/* A listen URL on a wildcard address is probed on loopback. */
static void
probe_url(char *out, size_t cap, const char *url)
{
	const char *host = strstr(url, "://");
	const char *colon = strrchr(url, ':');

	if (host != NULL && colon != NULL
	    && (strncmp(host + 3, "0.0.0.0:", 8) == 0
	        || strncmp(host + 3, "*:", 2) == 0 || host + 3 == colon))
		snprintf(out, cap, "%.*s127.0.0.1%s", (int) (host + 3 - url),
		    url, colon);
	else
		snprintf(out, cap, "%s", url);
}

static int
probe_open(struct probe_target *t)
{
	int rv;

	if ((rv = nng_req0_open(&t->sock)) != 0)
		return proto_net_err(rv);
	nng_socket_set_size(t->sock, NNG_OPT_RECVMAXSZ, 4096);
	nng_socket_set_ms(t->sock, NNG_OPT_SENDTIMEO, 2000);
	nng_socket_set_ms(t->sock, NNG_OPT_RECVTIMEO, 2000);
	nng_socket_set_ms(
	    t->sock, NNG_OPT_REQ_RESENDTIME, NNG_DURATION_INFINITE);
	nng_socket_set_ms(t->sock, NNG_OPT_RECONNMINT, 50);
	nng_socket_set_ms(t->sock, NNG_OPT_RECONNMAXT, 250);
	t->open = 1;
	return 0;
}

static int
probe_one(struct probe_target *t)
{
	struct proto_msg_ping ping;
	struct proto_msg_pong pong;
	struct proto_hdr h, rh;
	uint8_t buf[PROTO_HDR_BYTES + 8];
	nng_dialer d;
	nng_msg *m = NULL, *reply = NULL;
	size_t len;
	int rv;

	if (!t->open && (rv = probe_open(t)) != 0)
		return rv;
	memset(&h, 0, sizeof(h));
	lk_random(&ping.nonce, sizeof(ping.nonce));
	h.seq = 1;
	if (PROTO_ENCODE(ping, buf, sizeof(buf), &len, &h, &ping) != 0)
		return PROTO_EINVAL;
	if ((rv = nng_dialer_create(&d, t->sock, t->url)) != 0)
		return proto_net_err(rv);
	/* Non-blocking: a synchronous TLS dial can stall in nng 1.5.2; the
	 * send's timeout bounds the wait for the connection. */
	if ((t->tls == NULL
	        || (rv = nng_dialer_set_ptr(d, NNG_OPT_TLS_CONFIG, t->tls))
	            == 0)
	    && (rv = nng_dialer_start(d, NNG_FLAG_NONBLOCK)) == 0
	    && (rv = nng_msg_alloc(&m, 0)) == 0
	    && (rv = nng_msg_append(m, buf, len)) == 0
	    && (rv = nng_sendmsg(t->sock, m, 0)) == 0) {
		m = NULL;
		rv = nng_recvmsg(t->sock, &reply, 0);
	}
	if (m != NULL)
		nng_msg_free(m);
	nng_dialer_close(d);
	if (rv != 0)
		return proto_net_err(rv);
	rv = PROTO_DECODE(
	    pong, &rh, &pong, nng_msg_body(reply), nng_msg_len(reply), 4096);
	if (rv == 0 && pong.nonce != ping.nonce)
		rv = PROTO_EREPLY;
	nng_msg_free(reply);
	return rv;
}

static void *
probe_main(void *arg)
{
	struct proto_probe *p = arg;
	int i, waited;

	while (!atomic_load(&p->stop)) {
		for (waited = 0;
		     waited < p->interval_ms && !atomic_load(&p->stop);
		     waited += 50) {
			struct timespec ts = { 0, 50 * 1000000L };
			nanosleep(&ts, NULL);
		}
		for (i = 0; i < p->n && !atomic_load(&p->stop); i++) {
			struct probe_target *t = &p->t[i];
			atomic_fetch_add(&p->probes, 1);
			if (probe_one(t) == 0) {
				t->failures = 0;
				continue;
			}
			atomic_fetch_add(&p->failures, 1);
			if (++t->failures >= 2) {
				struct proto_ev ev;
				memset(&ev, 0, sizeof(ev));
				ev.kind = PROTO_EV_LISTENER_DEAD;
				ev.endpoint = t->endpoint;
				proto_evq_push(p->q, &ev);
				t->failures = 0;
			}
		}
	}
	return NULL;
}

int
proto_probe_new(struct proto_probe **out, struct proto_evq *q, int interval_ms)
{
	struct proto_probe *p = calloc(1, sizeof(*p));

	*out = NULL;
	if (p == NULL)
		return PROTO_ETRANSPORT;
	p->q = q;
	p->interval_ms = interval_ms;
	*out = p;
	return 0;
}

int
proto_probe_add(
    struct proto_probe *p, int endpoint, const char *url, nng_tls_config *tls)
{
	struct probe_target *t;

	if (p->running || p->n == PROBE_MAX)
		return PROTO_EINVAL;
	t = &p->t[p->n++];
	t->endpoint = endpoint;
	probe_url(t->url, sizeof(t->url), url);
	if ((t->tls = tls) != NULL)
		nng_tls_config_hold(tls);
	return 0;
}

int
proto_probe_start(struct proto_probe *p)
{
	if (p->running || p->n == 0)
		return p->n == 0 ? 0 : PROTO_EINVAL;
	if (pthread_create(&p->thr, NULL, probe_main, p) != 0)
		return PROTO_ETRANSPORT;
	p->running = 1;
	return 0;
}

void
proto_probe_free(struct proto_probe *p)
{
	int i;

	if (p == NULL)
		return;
	atomic_store(&p->stop, 1);
	if (p->running) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 5;
		/* A probe stuck inside nng must not hold up shutdown. */
		if (pthread_timedjoin_np(p->thr, NULL, &until) != 0) {
			pthread_detach(p->thr);
			return; /* leaked on purpose: the thread may still run
			         */
		}
	}
	/* The targets' sockets stay open until the process exits: this
	 * runs at shutdown, where a stuck nng_close must not hang the
	 * daemon (nng keeps them reachable; nothing secret is in them). Our
	 * holds on the TLS configurations go; a dialer still using one
	 * holds its own. */
	for (i = 0; i < p->n; i++)
		if (p->t[i].tls != NULL)
			nng_tls_config_free(p->t[i].tls);
	free(p);
}
