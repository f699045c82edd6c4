/* Error mapping, URL helpers, bounded socket close and the blocking
 * one-shot request. */
/* pthread_timedjoin_np */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nng/nng.h>
#include <nng/protocol/reqrep0/req.h>

#include "net_int.h"
#include "proto_err.h"

int
proto_net_err(int rv)
{
	switch (rv) {
	case 0:
		return 0;
	case NNG_ETIMEDOUT:
		return PROTO_ETIMEOUT;
	case NNG_ECONNREFUSED:
	case NNG_ECONNRESET:
	case NNG_ECONNSHUT:
	case NNG_EUNREACHABLE:
	case NNG_ECLOSED:
	case NNG_EADDRINVAL:
		return PROTO_EUNAVAIL;
	case NNG_ECRYPTO:
	case NNG_EPEERAUTH:
		return PROTO_EAUTH;
	case NNG_EMSGSIZE:
		return PROTO_ETOOBIG;
	case NNG_EAGAIN:
		return PROTO_EBUSY;
	case NNG_EADDRINUSE:
		return PROTO_EADDRINUSE;
	case NNG_EINVAL:
		return PROTO_EINVAL;
	default:
		return PROTO_ETRANSPORT;
	}
}

int
net_listen(nng_socket sock, const char *url, nng_tls_config *tls,
    size_t max_msg, nng_listener *out)
{
	nng_listener l;
	int rv;

	if ((rv = nng_listener_create(&l, sock, url)) != 0)
		return rv;
	if ((tls != NULL
	        && (rv = nng_listener_set_ptr(l, NNG_OPT_TLS_CONFIG, tls)) != 0)
	    || (rv = nng_listener_set_size(l, NNG_OPT_RECVMAXSZ, max_msg)) != 0
	    || (rv = nng_listener_start(l, 0)) != 0) {
		nng_listener_close(l);
		return rv;
	}
	*out = l;
	return 0;
}

int
proto_url_port_add(char *out, size_t cap, const char *url, int delta)
{
	const char *colon = strrchr(url, ':'), *scheme = strstr(url, "://");
	char *end;
	long port;
	int n;

	if (scheme == NULL || colon == NULL || colon < scheme + 3)
		return PROTO_EINVAL;
	port = strtol(colon + 1, &end, 10);
	if (*end != '\0' || end == colon + 1 || port <= 0 || port > 65535
	    || port + delta <= 0 || port + delta > 65535)
		return PROTO_EINVAL;
	n = snprintf(
	    out, cap, "%.*s:%ld", (int) (colon - url), url, port + delta);
	return n < 0 || (size_t) n >= cap ? PROTO_EINVAL : 0;
}

/* While an nng close is stuck, nng's reaper is stuck for the process and
 * every later close would stick as well: they are skipped at once. A stuck
 * close that finishes after all (a slow one on a loaded machine) lets the
 * next closes run again. */
static atomic_int closes_stuck;

struct close_arg {
	int kind; /* enum net_obj */
	uint32_t id;
	atomic_int abandoned;
};

static void *
close_main(void *arg)
{
	struct close_arg *c = arg;

	switch (c->kind) {
	case NET_SOCKET: {
		nng_socket x = NNG_SOCKET_INITIALIZER;
		x.id = c->id;
		nng_close(x);
		break;
	}
	case NET_DIALER: {
		nng_dialer x = NNG_DIALER_INITIALIZER;
		x.id = c->id;
		nng_dialer_close(x);
		break;
	}
	case NET_LISTENER: {
		nng_listener x = NNG_LISTENER_INITIALIZER;
		x.id = c->id;
		nng_listener_close(x);
		break;
	}
	default: {
		nng_pipe x = NNG_PIPE_INITIALIZER;
		x.id = c->id;
		nng_pipe_close(x);
		break;
	}
	}
	/* whoever comes second frees: the waiter, or this thread once the
	 * waiter gave up */
	if (atomic_exchange(&c->abandoned, 1)) {
		atomic_fetch_sub(&closes_stuck, 1);
		free(c);
	}
	return NULL;
}

int
proto_net_wedged(void)
{
	return atomic_load(&closes_stuck) > 0;
}

int
net_close_obj(int kind, uint32_t id, int timeout_ms)
{
	struct timespec until;
	struct close_arg *c;
	pthread_t thr;

	if (atomic_load(&closes_stuck) > 0)
		return PROTO_ETIMEOUT;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return PROTO_ETRANSPORT;
	c->kind = kind;
	c->id = id;
	if (pthread_create(&thr, NULL, close_main, c) != 0) {
		/* no thread: close here, unbounded (close_main frees c and
		 * takes the count back) */
		atomic_store(&c->abandoned, 1);
		atomic_fetch_add(&closes_stuck, 1);
		close_main(c);
		return 0;
	}
	net_deadline(&until, CLOCK_REALTIME, timeout_ms);
	if (pthread_timedjoin_np(thr, NULL, &until) == 0) {
		free(c);
		return 0;
	}
	pthread_detach(thr);
	atomic_fetch_add(&closes_stuck, 1);
	if (atomic_exchange(&c->abandoned, 1)) {
		/* it finished between the timeout and here */
		atomic_fetch_sub(&closes_stuck, 1);
		free(c);
		return 0;
	}
	return PROTO_ETIMEOUT;
}

int
net_close(nng_socket sock, int timeout_ms)
{
	return net_close_obj(
	    NET_SOCKET, (uint32_t) nng_socket_id(sock), timeout_ms);
}

int
proto_call(const char *url, nng_tls_config *tls, const uint8_t *req,
    size_t reqlen, int timeout_ms, size_t max_msg, nng_msg **reply, char *err,
    size_t errcap)
{
	nng_socket s;
	nng_dialer d;
	nng_msg *m = NULL;
	int rv;

	*reply = NULL;
	if ((rv = nng_req0_open(&s)) != 0) {
		snprintf(err, errcap, "socket: %s", nng_strerror(rv));
		return proto_net_err(rv);
	}
	nng_socket_set_size(s, NNG_OPT_RECVMAXSZ, max_msg);
	nng_socket_set_ms(s, NNG_OPT_SENDTIMEO, timeout_ms);
	nng_socket_set_ms(s, NNG_OPT_RECVTIMEO, timeout_ms);
	nng_socket_set_ms(s, NNG_OPT_REQ_RESENDTIME, NNG_DURATION_INFINITE);
	if ((rv = nng_dialer_create(&d, s, url)) != 0
	    || (tls != NULL
	        && (rv = nng_dialer_set_ptr(d, NNG_OPT_TLS_CONFIG, tls))
	            != 0)) {
		snprintf(err, errcap, "%s: %s", url, nng_strerror(rv));
		goto out;
	}
	nng_dialer_set_size(d, NNG_OPT_RECVMAXSZ, max_msg);
	/* A synchronous TLS dial in nng 1.5.2 can stall forever; dial in
	 * the background and let the send's timeout bound the wait. */
	nng_socket_set_ms(s, NNG_OPT_RECONNMINT, 50);
	nng_socket_set_ms(s, NNG_OPT_RECONNMAXT, 250);
	if ((rv = nng_dialer_start(d, NNG_FLAG_NONBLOCK)) != 0) {
		snprintf(err, errcap, "connect %s: %s", url, nng_strerror(rv));
		goto out;
	}
	if ((rv = nng_msg_alloc(&m, 0)) != 0
	    || (rv = nng_msg_append(m, req, reqlen)) != 0
	    || (rv = nng_sendmsg(s, m, 0)) != 0) {
		if (m != NULL)
			nng_msg_free(m);
		if (rv == NNG_ETIMEDOUT) {
			snprintf(err, errcap,
			    "no connection to %s within %d ms (down, or TLS "
			    "refused)",
			    url, timeout_ms);
			rv = NNG_ECONNREFUSED;
		} else
			snprintf(err, errcap, "send to %s: %s", url,
			    nng_strerror(rv));
		goto out;
	}
	if ((rv = nng_recvmsg(s, reply, 0)) != 0)
		snprintf(
		    err, errcap, "reply from %s: %s", url, nng_strerror(rv));
out:
	net_close(s, NET_CLOSE_MS);
	return proto_net_err(rv);
}

int
proto_net_frame(nng_msg **out, const struct proto_hdr *h,
    const struct proto_schema *s, const void *msg)
{
	size_t cap = PROTO_HDR_BYTES + proto_msg_size(s, msg), len;
	nng_msg *m;
	int rv;

	*out = NULL;
	if (cap > PROTO_HDR_BYTES + PROTO_MAX_BODY)
		cap = PROTO_HDR_BYTES + PROTO_MAX_BODY;
	if (nng_msg_alloc(&m, cap) != 0)
		return PROTO_ETRANSPORT;
	rv = proto_frame_encode(nng_msg_body(m), cap, &len, h, s, msg);
	if (rv != 0) {
		nng_msg_free(m);
		return rv;
	}
	nng_msg_chop(m, cap - len);
	*out = m;
	return 0;
}

int
proto_net_error(nng_msg **out, const struct proto_hdr *req, uint16_t sender,
    int code, const char *detail)
{
	uint8_t buf[PROTO_HDR_BYTES + 8 + PROTO_MAX_DETAIL];
	size_t len;
	nng_msg *m;
	int rv;

	*out = NULL;
	if ((rv = proto_error_encode(
	         buf, sizeof(buf), &len, req, sender, code, detail))
	    != 0)
		return rv;
	if (nng_msg_alloc(&m, 0) != 0)
		return PROTO_ETRANSPORT;
	if (nng_msg_append(m, buf, len) != 0) {
		nng_msg_free(m);
		return PROTO_ETRANSPORT;
	}
	*out = m;
	return 0;
}

static void
stats_walk(nng_stat *st, int depth, char *path, size_t cap, size_t used)
{
	for (; st != NULL; st = nng_stat_next(st)) {
		const char *name = nng_stat_name(st);
		int n = snprintf(
		    path + used, cap - used, "%s%s", used > 0 ? "." : "", name);
		size_t u = used + (n > 0 ? (size_t) n : 0);

		if (u >= cap)
			u = cap - 1;
		if (nng_stat_type(st) == NNG_STAT_SCOPE)
			stats_walk(nng_stat_child(st), depth + 1, path, cap, u);
		else if ((nng_stat_type(st) == NNG_STAT_COUNTER
		             || nng_stat_type(st) == NNG_STAT_LEVEL)
		    && nng_stat_value(st) != 0)
			fprintf(stderr, "  nng %s = %llu\n", path,
			    (unsigned long long) nng_stat_value(st));
		path[used] = '\0';
	}
}

void
proto_net_dump_stats(void)
{
	nng_stat *st;
	char path[512] = "";

	if (nng_stats_get(&st) != 0)
		return;
	stats_walk(st, 0, path, sizeof(path), 0);
	nng_stats_free(st);
}
