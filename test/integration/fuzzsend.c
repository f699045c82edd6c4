/* lk-fuzzsend: throws malformed input at a daemon port, for the robustness
 * tests (test/integration/skeleton.sh).
 *
 *   lk-fuzzsend raw  HOST PORT COUNT
 *       COUNT plain TCP connections to a TLS port, each writing random
 *       bytes (sometimes shaped like a TLS record, sometimes large).
 *   lk-fuzzsend req  URL COUNT --trust F [--name N] [--cert C --key K]
 *       one authenticated TLS req/rep session sending COUNT bad frames:
 *       random bytes, truncations and bit flips of valid frames, bad
 *       magic/version/flags/type/length, valid headers with junk bodies,
 *       fan-out envelopes with junk inside, and a few oversized frames.
 *       Every frame the peer accepts must get a reply (an error frame);
 *       the tool fails if a reply is a success for a junk frame.
 *   lk-fuzzsend pair URL COUNT --trust F --name N --cert C --key K
 *       the same frames on a pair1 link (no replies expected).
 * Exit status 0 when every frame was sent (the daemon's survival is
 * checked by the calling script). */
#include <sys/socket.h>
#include <sys/time.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <nng/nng.h>
#include <nng/protocol/pair1/pair.h>
#include <nng/protocol/reqrep0/req.h>
#include <nng/supplemental/util/platform.h>

#include "lk_common.h"
#include "proto.h"
#include "proto_net.h"

static uint8_t frame[6 * 1024 * 1024];

static uint32_t
rnd(uint32_t n)
{
	return randombytes_uniform(n);
}

/* A valid frame of a random registered type, with random body. */
static size_t
valid_frame(uint8_t *out, size_t cap)
{
	struct proto_hdr h;
	struct proto_msg_health_req hr = { 1 };
	struct proto_msg_cluster_health_req ch = { 100 };
	size_t len = 0;

	memset(&h, 0, sizeof(h));
	lk_random(h.sid, sizeof(h.sid));
	h.seq = rnd(1000);
	if (rnd(2) == 0)
		proto_frame_encode(
		    out, cap, &len, &h, &proto_schema_health_req, &hr);
	else
		proto_frame_encode(
		    out, cap, &len, &h, &proto_schema_cluster_health_req, &ch);
	return len;
}

/* A fan-out envelope whose inner frame is junk or a valid frame. */
static size_t
fanout_frame(uint8_t *out, size_t cap)
{
	static uint8_t inner[4096];
	struct proto_msg_fanout_req f;
	struct proto_hdr h;
	size_t ilen, len = 0;

	if (rnd(2) == 0) {
		ilen = valid_frame(inner, sizeof(inner));
		if (ilen > PROTO_HDR_BYTES)
			inner[PROTO_HDR_BYTES
			    + rnd((uint32_t) (ilen - PROTO_HDR_BYTES))]
			    ^= 0xff;
	} else {
		ilen = valid_frame(inner, sizeof(inner));
		lk_random(inner + 4, 2); /* random type */
	}
	memset(&h, 0, sizeof(h));
	memset(&f, 0, sizeof(f));
	f.deadline_ms = 50 + rnd(200);
	f.items_n = 1 + (uint16_t) rnd(3);
	for (uint16_t i = 0; i < f.items_n; i++) {
		f.items[i].server = (uint16_t) (1 + rnd(PROTO_MAX_NODES));
		f.items[i].frame.p = inner;
		f.items[i].frame.len = ilen;
	}
	proto_frame_encode(out, cap, &len, &h, &proto_schema_fanout_req, &f);
	return len;
}

/* Returns the length of one malformed (or hostile) frame in frame[]. */
static size_t
bad_frame(int i, int allow_oversize, int *oversized)
{
	size_t len;

	*oversized = 0;
	switch (i % 10) {
	case 0: /* random bytes */
		len = rnd(2000);
		lk_random(frame, len);
		return len;
	case 1: /* truncated valid frame */
		len = valid_frame(frame, sizeof(frame));
		return rnd((uint32_t) len);
	case 2: /* bit flip anywhere */
		len = valid_frame(frame, sizeof(frame));
		frame[rnd((uint32_t) len)] ^= (uint8_t) (1u << rnd(8));
		return len;
	case 3: /* bad magic / version / flags */
		len = valid_frame(frame, sizeof(frame));
		frame[rnd(4)] ^= (uint8_t) (1 + rnd(255));
		return len;
	case 4: /* random type with a random body */
		len = PROTO_HDR_BYTES + rnd(300);
		valid_frame(frame, sizeof(frame));
		lk_random(frame + 4, 2);
		lk_random(frame + PROTO_HDR_BYTES, len - PROTO_HDR_BYTES);
		frame[40] = (uint8_t) ((len - PROTO_HDR_BYTES) >> 24);
		frame[41] = (uint8_t) ((len - PROTO_HDR_BYTES) >> 16);
		frame[42] = (uint8_t) ((len - PROTO_HDR_BYTES) >> 8);
		frame[43] = (uint8_t) (len - PROTO_HDR_BYTES);
		return len;
	case 5: /* length field lies */
		len = valid_frame(frame, sizeof(frame));
		lk_random(frame + 40, 4);
		return len;
	case 6: /* trailing bytes */
		len = valid_frame(frame, sizeof(frame));
		lk_random(frame + len, 8);
		return len + 1 + rnd(8);
	case 7: /* fan-out envelope carrying junk */
		return fanout_frame(frame, sizeof(frame));
	case 8: /* response flag on a request */
		len = valid_frame(frame, sizeof(frame));
		frame[3] = PROTO_F_RESPONSE;
		return len;
	default: /* oversized, now and then */
		if (allow_oversize && rnd(50) == 0) {
			*oversized = 1;
			len = 5 * 1024 * 1024 + rnd(1000);
			memset(frame, 0x41, len);
			return len;
		}
		len = valid_frame(frame, sizeof(frame));
		lk_random(frame + 16, 8); /* random ssid */
		return len;
	}
}

/* Connects within RAW_WAIT_S and bounds every send to it: a daemon whose
 * listener stopped accepting must fail the test, not hang it (a blocking
 * connect to a full backlog, or a 256 KiB send nobody reads, waits
 * forever). It is long enough for a daemon to replace a listener nng 1.5.2
 * stopped (a peer listener is replaced every 3 s while its link is down).
 * Returns the socket, -1 on a timeout or refusal. */
#define RAW_WAIT_S 15
/* One connection attempt: the socket, -1 on failure, with *retry set when
 * the port refused (a listener being replaced refuses for a moment). */
static int
raw_connect_once(const struct sockaddr_in *a, int wait_ms, int *retry)
{
	struct timeval tv = { RAW_WAIT_S, 0 };
	struct pollfd pfd;
	int fd, err = 0, fl;
	socklen_t el = sizeof(err);

	*retry = 0;
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return -1;
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0)
		goto fail;
	if (connect(fd, (const struct sockaddr *) a, sizeof(*a)) != 0) {
		if (errno == ECONNREFUSED)
			*retry = 1;
		if (errno != EINPROGRESS)
			goto fail;
		pfd.fd = fd;
		pfd.events = POLLOUT;
		if (poll(&pfd, 1, wait_ms) != 1
		    || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) != 0)
			goto fail;
		if (err != 0) {
			*retry = err == ECONNREFUSED || err == ECONNRESET;
			goto fail;
		}
	}
	if (fcntl(fd, F_SETFL, fl) != 0
	    || setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) != 0)
		goto fail;
	return fd;
fail:
	close(fd);
	return -1;
}

/* A daemon renews the listener of a peer link that is down every 3 s (see
 * proto_link_renew), and the port refuses while it does: refusals are
 * retried until RAW_WAIT_S is over. */
static int
raw_connect(const struct sockaddr_in *a)
{
	struct timespec t0, t;
	int fd, retry, left;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		left = RAW_WAIT_S * 1000
		    - (int) ((t.tv_sec - t0.tv_sec) * 1000
		        + (t.tv_nsec - t0.tv_nsec) / 1000000);
		if (left <= 0)
			return -1;
		if ((fd = raw_connect_once(a, left, &retry)) >= 0 || !retry)
			return fd;
		nng_msleep(20);
	}
}

static int
do_raw(const char *host, int port, int count)
{
	struct sockaddr_in a;
	static uint8_t junk[256 * 1024];
	int i, fd, sent = 0;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t) port);
	if (inet_pton(AF_INET, host, &a.sin_addr) != 1) {
		fprintf(stderr, "raw: bad host %s\n", host);
		return 2;
	}
	for (i = 0; i < count; i++) {
		size_t len = (i % 100 == 99) ? sizeof(junk) : rnd(3000);
		if ((fd = raw_connect(&a)) < 0) {
			fprintf(stderr,
			    "raw: %s:%d did not accept connection %d within %d "
			    "s\n",
			    host, port, i, RAW_WAIT_S);
			return 1;
		}
		lk_random(junk, len);
		if (i % 3 == 0 && len >= 5) {
			/* a TLS handshake record header with junk inside */
			junk[0] = 0x16;
			junk[1] = 3;
			junk[2] = (uint8_t) rnd(4);
		}
		if (send(fd, junk, len, MSG_NOSIGNAL) >= 0)
			sent++;
		close(fd);
	}
	printf(
	    "raw %s:%d: %d connections, %d sends\n", host, port, count, sent);
	return 0;
}

/* A pair1 peer reads what the daemon sends (heartbeats, consensus
 * messages), as a real peer does. One that never reads lets the daemon's
 * side of the connection fill up (a leader probes a silent peer with log
 * entries every heartbeat), after which the daemon stopped taking our
 * frames too (seen with nng 1.5.2 over TLS), and the sends below stalled. */
static nng_socket abandoned[256];
static int n_abandoned;

static void
drain(nng_socket s)
{
	nng_msg *m;
	int i, k;

	/* Bounded: a daemon that keeps sending must not keep us here. */
	for (k = 0; k < 64 && nng_recvmsg(s, &m, NNG_FLAG_NONBLOCK) == 0; k++)
		nng_msg_free(m);
	/* Sockets given up on (see do_nng) are drained as well, so that
	 * their connections can finish and be closed by the daemon. */
	for (i = 0; i < n_abandoned; i++)
		for (k = 0; k < 64
		     && nng_recvmsg(abandoned[i], &m, NNG_FLAG_NONBLOCK) == 0;
		     k++)
			nng_msg_free(m);
}

/* The live pipe of each pair socket (by socket id), so that a socket
 * given up on has its connection closed: one left open keeps the daemon's
 * pair1 slot for that peer taken, our next connection is refused, and the
 * daemon sees a silent link. */
static _Atomic uint32_t live_pipe[1024];

static void
pipe_cb(nng_pipe p, nng_pipe_ev ev, void *arg)
{
	uint32_t k = (uint32_t) nng_socket_id(nng_pipe_socket(p)) % 1024;
	uint32_t id = (uint32_t) nng_pipe_id(p);

	(void) arg;
	if (ev == NNG_PIPE_EV_ADD_POST)
		atomic_store(&live_pipe[k], id);
	else
		atomic_compare_exchange_strong(&live_pipe[k], &id, 0);
}

static void
abandon(nng_socket s)
{
	uint32_t k = (uint32_t) nng_socket_id(s) % 1024;
	uint32_t id = atomic_exchange(&live_pipe[k], 0);

	if (id != 0) {
		nng_pipe p = NNG_PIPE_INITIALIZER;
		p.id = id;
		nng_pipe_close(p);
	}
	if (n_abandoned < (int) (sizeof(abandoned) / sizeof(abandoned[0])))
		abandoned[n_abandoned++] = s;
}

/* Sends m within timeout_ms. pair1 sends in nng 1.5.2 can ignore the
 * socket's send timeout, so they go non-blocking with our own deadline. */
static int
send_within(int pair, nng_socket s, nng_msg *m, int timeout_ms)
{
	nng_time end = nng_clock() + (nng_time) timeout_ms;
	int rv;

	if (!pair) {
		nng_socket_set_ms(s, NNG_OPT_SENDTIMEO, timeout_ms);
		return nng_sendmsg(s, m, 0);
	}
	drain(s);
	while ((rv = nng_sendmsg(s, m, NNG_FLAG_NONBLOCK)) == NNG_EAGAIN
	    && nng_clock() < end) {
		struct timespec ts = { 0, 100000 }; /* 100 us */
		drain(s);
		nanosleep(&ts, NULL);
	}
	return rv == NNG_EAGAIN ? NNG_ETIMEDOUT : rv;
}

static int
open_sock(int pair, const char *url, nng_tls_config *tls, nng_socket *s,
    nng_dialer *dp)
{
	nng_dialer d;
	int rv;

	rv = pair ? nng_pair1_open(s) : nng_req0_open(s);
	if (rv != 0)
		return rv;
	if (pair) {
		nng_pipe_notify(*s, NNG_PIPE_EV_ADD_POST, pipe_cb, NULL);
		nng_pipe_notify(*s, NNG_PIPE_EV_REM_POST, pipe_cb, NULL);
	}
	nng_socket_set_ms(*s, NNG_OPT_SENDTIMEO, 5000);
	if (!pair)
		nng_socket_set_ms(
		    *s, NNG_OPT_REQ_RESENDTIME, NNG_DURATION_INFINITE);
	nng_socket_set_ms(*s, NNG_OPT_RECONNMINT, 20);
	nng_socket_set_ms(*s, NNG_OPT_RECONNMAXT, 200);
	/* Non-blocking dial: the first send waits (SENDTIMEO) for the pipe,
	 * so a connection that never completes cannot hang the tool. */
	if ((rv = nng_dialer_create(&d, *s, url)) != 0
	    || (rv = nng_dialer_set_ptr(d, NNG_OPT_TLS_CONFIG, tls)) != 0
	    || (rv = nng_dialer_start(d, NNG_FLAG_NONBLOCK)) != 0)
		nng_close(*s);
	*dp = d;
	return rv;
}

/* Abandons *s and pings the daemon on fresh connections until it answers
 * (0) or 15 s pass (1). */
static int
wait_alive(int pair, const char *url, nng_tls_config *tls, nng_socket *s,
    nng_dialer *d)
{
	nng_time end = nng_clock() + 15000;

	while (nng_clock() < end) {
		struct proto_msg_ping ping = { 42 };
		struct proto_hdr h;
		size_t len;
		nng_msg *m;

		nng_dialer_close(*d);
		if (pair)
			abandon(*s);
		if (open_sock(pair, url, tls, s, d) != 0)
			continue;
		nng_socket_set_ms(*s, NNG_OPT_RECVTIMEO, 1000);
		memset(&h, 0, sizeof(h));
		if (PROTO_ENCODE(ping, frame, sizeof(frame), &len, &h, &ping)
		        != 0
		    || nng_msg_alloc(&m, 0) != 0
		    || nng_msg_append(m, frame, len) != 0)
			return 1;
		if (send_within(pair, *s, m, 1000) != 0) {
			nng_msg_free(m);
			continue;
		}
		/* A pair1 link answers nothing: a delivered send is alive. */
		if (pair)
			return 0;
		if (nng_recvmsg(*s, &m, 0) == 0) {
			nng_msg_free(m);
			return 0;
		}
	}
	return 1;
}

static int
do_nng(int pair, const char *url, int count, const char *trust,
    const char *name, const char *cert, const char *key)
{
	nng_tls_config *tls;
	nng_socket s;
	nng_dialer d;
	char err[512];
	int i, rv, replies = 0, dropped = 0, oversized = 0, ov, outages = 0,
	           bad_success = 0;

	if (proto_tls_client(&tls, trust, name, cert, key, err, sizeof(err))
	    != 0) {
		fprintf(stderr, "tls: %s\n", err);
		return 2;
	}
	if ((rv = open_sock(pair, url, tls, &s, &d)) != 0) {
		fprintf(stderr, "dial %s: %s\n", url, nng_strerror(rv));
		return 1;
	}
	for (i = 0; i < count; i++) {
		size_t len = bad_frame(i, 1, &ov);
		nng_msg *m;
		nng_time t0 = nng_clock();

		if (nng_msg_alloc(&m, 0) != 0 || nng_msg_append(m, frame, len))
			return 2;
		nng_socket_set_ms(s, NNG_OPT_RECVTIMEO, ov ? 300 : 2000);
		if ((rv = send_within(pair, s, m, 5000)) != 0) {
			nng_msg_free(m);
			/* No pipe within the send timeout: the daemon may be
			 * replacing a listener (see wait_alive). */
			if (wait_alive(pair, url, tls, &s, &d) != 0) {
				fprintf(stderr,
				    "send %d: %s, and no recovery within 15 "
				    "s\n",
				    i, nng_strerror(rv));
				return 1;
			}
			outages++;
			continue;
		}
		oversized += ov;
		if (!pair) {
			rv = nng_recvmsg(s, &m, 0);
			if (rv == 0) {
				struct proto_hdr h;
				const uint8_t *b;
				replies++;
				/* Every reply to junk must be a well-formed
				 * response frame (in practice an ERROR). */
				if (proto_frame_parse(&h, &b, nng_msg_body(m),
				        nng_msg_len(m), PROTO_MAX_BODY)
				        != 0
				    || !(h.flags & PROTO_F_RESPONSE))
					bad_success++;
				nng_msg_free(m);
			} else if (!ov) {
				/* The daemon may be replacing a listener that
				 * nng 1.5.2 stopped (its watchdog needs up to
				 * ~6 s): it must answer a PING on a fresh
				 * connection within 15 s. */
				if (wait_alive(pair, url, tls, &s, &d) != 0) {
					fprintf(stderr,
					    "no reply to frame %d (%s), and no "
					    "recovery within 15 s\n",
					    i, nng_strerror(rv));
					return 1;
				}
				outages++;
			} else
				dropped++;
		}
		if (getenv("LK_FUZZ_TRACE") && i % 1000 == 0)
			fprintf(stderr, "at %d\n", i);
		if (getenv("LK_FUZZ_TRACE") && nng_clock() - t0 > 500)
			fprintf(stderr,
			    "frame %d (kind %d, %zu bytes, ov %d): "
			    "%llu ms\n",
			    i, i % 10, len, ov,
			    (unsigned long long) (nng_clock() - t0));
		if (ov) {
			/* The daemon drops a connection that sends an
			 * oversized frame; start a fresh socket. The old one
			 * is abandoned, not closed: nng 1.5.2's nng_close can
			 * deadlock on a socket whose pipe was just reset
			 * (nng issue 1543), and this tool exits soon. Its
			 * dialer is closed so that it stops redialling (a
			 * pair1 listener takes one peer at a time). */
			nng_dialer_close(d);
			if (pair)
				abandon(s);
			if (getenv("LK_FUZZ_TRACE"))
				fprintf(stderr, "redial after %d\n", i);
			if ((rv = open_sock(pair, url, tls, &s, &d)) != 0) {
				fprintf(stderr,
				    "redial %s after frame %d: %s\n", url, i,
				    nng_strerror(rv));
				return 1;
			}
		}
	}
	printf("%s %s: %d frames (%d oversized), %d replies, %d connections "
	       "dropped, %d outages recovered, %d malformed replies\n",
	    pair ? "pair" : "req", url, count, oversized, replies, dropped,
	    outages, bad_success);
	return bad_success == 0 ? 0 : 1;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "trust", required_argument, NULL, 't' },
		{ "name", required_argument, NULL, 'n' },
		{ "cert", required_argument, NULL, 'c' },
		{ "key", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	const char *trust = NULL, *name = NULL, *cert = NULL, *key = NULL;
	int o;

	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 't':
			trust = optarg;
			break;
		case 'n':
			name = optarg;
			break;
		case 'c':
			cert = optarg;
			break;
		case 'k':
			key = optarg;
			break;
		default:
			return 2;
		}
	}
	if (lk_init() != 0 || argc - optind < 3)
		goto usage;
	if (strcmp(argv[optind], "raw") == 0 && argc - optind == 4)
		return do_raw(argv[optind + 1], atoi(argv[optind + 2]),
		    atoi(argv[optind + 3]));
	if ((strcmp(argv[optind], "req") == 0
	        || strcmp(argv[optind], "pair") == 0)
	    && argc - optind == 3 && trust != NULL)
		return do_nng(argv[optind][0] == 'p', argv[optind + 1],
		    atoi(argv[optind + 2]), trust, name, cert, key);
usage:
	fprintf(stderr,
	    "usage: lk-fuzzsend raw HOST PORT COUNT\n"
	    "       lk-fuzzsend req|pair URL COUNT --trust F [--name N] "
	    "[--cert C --key K]\n");
	return 2;
}
