/* lk-consload: load generator, history recorder and counter-history checker
 * for the consensus tests and benchmarks (no Python anywhere).
 *
 *   lk-consload run [opts] SOCKET...    ATTEMPTs through keyservers' admin
 *                                       sockets (ipc://...)
 *   lk-consload etcd [opts] HOST:PORT... the same workload against etcd's v3
 *                                       JSON gateway (one PUT per operation)
 *   lk-consload check HISTORY [--final SOCKET...]
 *                                       reads every user of the history
 *                                       through the log, then checks it
 *   lk-consload now                     CLOCK_MONOTONIC in ns (the
 *                                       histories' clock)
 *   lk-consload agg-probe URL TRUST NAME CERT KEY
 *                                       consensus admin requests sent to
 *                                       a server's network endpoint must
 *                                       be refused (SRV_EADMIN)
 *
 * run/etcd options: --threads N (8), --duration SEC | --ops N (per
 * thread), --warmup N (ops per thread, not measured), --users U (users
 * shared by the threads; default one per thread), --prefix P (user names
 * P<k>), --pick rr|leader (rr: thread t sends its i-th op to target
 * (t+i) mod n; leader: to the current leader, re-found after a failure),
 * --timeout MS (commit timeout per op, 3000), --history FILE (append one
 * line per op), --label TEXT (printed with the summary).
 *
 * History lines: KIND USER INVOKE_NS COMPLETE_NS OUTCOME VALUE TARGET, KIND
 * A (attempt) or R (read), OUTCOME ok | fail (certainly not executed) |
 * info (unknown: may have executed). Times are CLOCK_MONOTONIC, shared by
 * every process on the machine, so histories of several runs concatenate.
 *
 * The checker (notes/consensus.md §3), per user, over ATTEMPTs that return
 * the post-increment count and reads through the log:
 *   1. ok attempt values are distinct;
 *   2. A completed before B was invoked => val(A) < val(B) (attempts), and
 *      for reads r(A) <= r(B), val(A) <= r(B), r(A) < val(B);
 *   3. an ok value v <= the number of ok+info attempts invoked before the
 *      op completed;
 *   4. the final read lies in [#ok, #ok + #info].
 * Together: no acknowledged attempt is lost, none counts twice, and no
 * counter ever decreases. */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <nng/nng.h>
#include <nng/protocol/reqrep0/req.h>

#include "cons.h"
#include "lk_common.h"
#include "proto.h"
#include "proto_net.h"

#define MAX_TARGETS 16
#define MAX_THREADS 256

enum outcome { O_OK = 0, O_FAIL = 1, O_INFO = 2 };

struct op {
	char kind; /* 'A' or 'R' */
	uint32_t user;
	uint64_t invoke, complete;
	uint8_t outcome;
	uint64_t value;
	int target;
};

struct opts {
	int etcd;
	int threads;
	double duration;
	long ops, warmup;
	int users;
	const char *prefix;
	int pick_leader;
	uint32_t timeout_ms;
	const char *history;
	const char *label;
	int ntargets;
	char *targets[MAX_TARGETS];
};

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t) ts.tv_sec * 1000000000ull + (uint64_t) ts.tv_nsec;
}

/* ------------------------------------------------------------------ */
/* keyserver admin client (one req socket per target) */

struct ks_conn {
	nng_socket sock;
	int open;
};

static int
ks_open(struct ks_conn *c, const char *url, uint32_t timeout_ms)
{
	nng_dialer d;
	int rv;

	memset(c, 0, sizeof(*c));
	if ((rv = nng_req0_open(&c->sock)) != 0)
		return rv;
	nng_socket_set_size(c->sock, NNG_OPT_RECVMAXSZ, 1 << 20);
	/* A target that is down fails the send quickly: certainly not
	 * executed. A reply that does not come is an unknown outcome. */
	nng_socket_set_ms(c->sock, NNG_OPT_SENDTIMEO, 300);
	nng_socket_set_ms(c->sock, NNG_OPT_RECVTIMEO, (int) timeout_ms + 2000);
	nng_socket_set_ms(
	    c->sock, NNG_OPT_REQ_RESENDTIME, NNG_DURATION_INFINITE);
	nng_socket_set_ms(c->sock, NNG_OPT_RECONNMINT, 20);
	nng_socket_set_ms(c->sock, NNG_OPT_RECONNMAXT, 200);
	if ((rv = nng_dialer_create(&d, c->sock, url)) != 0
	    || (rv = nng_dialer_start(d, NNG_FLAG_NONBLOCK)) != 0) {
		nng_close(c->sock);
		return rv;
	}
	c->open = 1;
	return 0;
}

static void
ks_close(struct ks_conn *c)
{
	if (c->open)
		nng_close(c->sock);
	c->open = 0;
}

/* Sends one frame and returns the reply's type, body (copied into out)
 * or an outcome on failure. Returns 0 with *rtype set, or O_FAIL/O_INFO. */
static int
ks_call(struct ks_conn *c, const struct proto_schema *s, const void *msg,
    const struct proto_schema *want, void *out, int *err_code)
{
	uint8_t buf[PROTO_HDR_BYTES + 256];
	struct proto_hdr h, rh;
	struct proto_msg_error e;
	const uint8_t *body;
	nng_msg *m;
	size_t len;
	int rv;

	*err_code = 0;
	memset(&h, 0, sizeof(h));
	lk_random(h.sid, sizeof(h.sid));
	h.seq = 1;
	if (proto_frame_encode(buf, sizeof(buf), &len, &h, s, msg) != 0)
		return O_FAIL;
	if (nng_msg_alloc(&m, 0) != 0 || nng_msg_append(m, buf, len) != 0)
		return O_FAIL;
	if ((rv = nng_sendmsg(c->sock, m, 0)) != 0) {
		nng_msg_free(m);
		*err_code = PROTO_EUNAVAIL;
		return O_FAIL; /* never sent */
	}
	if ((rv = nng_recvmsg(c->sock, &m, 0)) != 0) {
		*err_code = PROTO_ETIMEOUT;
		return O_INFO;
	}
	rv = proto_frame_parse(
	    &rh, &body, nng_msg_body(m), nng_msg_len(m), PROTO_MAX_INNER);
	if (rv == 0 && rh.type == PROTO_T_ERROR
	    && proto_msg_decode(&proto_schema_error, &e, body, rh.len) == 0) {
		*err_code = e.code;
		nng_msg_free(m);
		/* Refused before entering any log: certainly not executed. */
		switch (e.code) {
		case CONS_ENOTLEADER:
		case CONS_ENOTREADY:
		case CONS_EBUSY:
		case 505: /* SRV_EBACKSTOP */
		case 507: /* SRV_EBUSY */
		case CONS_ECMD:
			return O_FAIL;
		default:
			return O_INFO; /* SRV_EUNKNOWN and anything else */
		}
	}
	if (rv == 0 && rh.type == want->type)
		rv = proto_msg_decode(want, out, body, rh.len);
	else if (rv == 0)
		rv = PROTO_ETYPE;
	nng_msg_free(m);
	if (rv != 0) {
		*err_code = rv;
		return O_INFO;
	}
	return 0;
}

static void
fill_name(uint8_t out[CONS_ID_BYTES], const char *prefix, uint32_t k)
{
	char tmp[64];
	int n = snprintf(tmp, sizeof(tmp), "%s%u", prefix, k);

	memset(out, 0, CONS_ID_BYTES);
	memcpy(out, tmp, (size_t) n < CONS_ID_BYTES ? (size_t) n : 32);
}

/* Returns the target index of the serving leader, or -1. */
static int
ks_find_leader(struct ks_conn *conns, int n)
{
	struct proto_msg_cons_status_req req = { 0 };
	struct proto_msg_cons_status_resp st;
	int i, ec;

	for (i = 0; i < n; i++)
		if (ks_call(&conns[i], &proto_schema_cons_status_req, &req,
		        &proto_schema_cons_status_resp, &st, &ec)
		        == 0
		    && st.role == PROTO_ROLE_LEADER
		    && (st.status & PROTO_HS_SERVING))
			return i;
	return -1;
}

/* ------------------------------------------------------------------ */
/* etcd v3 JSON gateway client (HTTP/1.1 keep-alive) */

struct http_conn {
	int fd;
	char host[64];
	int port;
	char buf[16384];
};

static int
http_connect(struct http_conn *h)
{
	struct sockaddr_in sa;
	int one = 1;

	if (h->fd >= 0)
		return 0;
	h->fd = socket(AF_INET, SOCK_STREAM, 0);
	if (h->fd < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t) h->port);
	if (inet_pton(AF_INET, h->host, &sa.sin_addr) != 1
	    || connect(h->fd, (struct sockaddr *) &sa, sizeof(sa)) != 0) {
		close(h->fd);
		h->fd = -1;
		return -1;
	}
	setsockopt(h->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return 0;
}

static void
http_close(struct http_conn *h)
{
	if (h->fd >= 0)
		close(h->fd);
	h->fd = -1;
}

static int
http_init(struct http_conn *h, const char *hostport)
{
	const char *colon = strrchr(hostport, ':');

	memset(h, 0, sizeof(*h));
	h->fd = -1;
	if (colon == NULL || (size_t) (colon - hostport) >= sizeof(h->host))
		return -1;
	memcpy(h->host, hostport, (size_t) (colon - hostport));
	h->port = atoi(colon + 1);
	return h->port > 0 ? 0 : -1;
}

/* POST path with a JSON body; returns the HTTP status (body in h->buf) or
 * -1 on a transport failure (unknown outcome). */
static int
http_post(struct http_conn *h, const char *path, const char *json)
{
	char req[1024];
	size_t got = 0, hdr_end = 0, clen = 0;
	int n, status = -1;

	if (http_connect(h) != 0)
		return -2; /* not connected: not sent */
	n = snprintf(req, sizeof(req),
	    "POST %s HTTP/1.1\r\nHost: %s:%d\r\nContent-Type: "
	    "application/json\r\nContent-Length: %zu\r\n\r\n%s",
	    path, h->host, h->port, strlen(json), json);
	if (n <= 0 || (size_t) n >= sizeof(req)
	    || write(h->fd, req, (size_t) n) != n) {
		http_close(h);
		return -1;
	}
	for (;;) {
		ssize_t k = read(h->fd, h->buf + got, sizeof(h->buf) - 1 - got);
		char *p;
		if (k <= 0) {
			http_close(h);
			return -1;
		}
		got += (size_t) k;
		h->buf[got] = '\0';
		if (hdr_end == 0 && (p = strstr(h->buf, "\r\n\r\n")) != NULL) {
			char *cl;
			hdr_end = (size_t) (p - h->buf) + 4;
			if (sscanf(h->buf, "HTTP/1.%*d %d", &status) != 1) {
				http_close(h);
				return -1;
			}
			for (cl = h->buf; cl < p; cl++)
				if (strncasecmp(cl, "\r\ncontent-length:", 17)
				    == 0)
					break;
			if (cl >= p) {
				http_close(h);
				return -1; /* we only speak Content-Length */
			}
			clen = (size_t) strtoul(cl + 17, NULL, 10);
		}
		if (hdr_end != 0 && got >= hdr_end + clen)
			break;
		if (got >= sizeof(h->buf) - 1) {
			http_close(h);
			return -1;
		}
	}
	memmove(h->buf, h->buf + hdr_end, clen);
	h->buf[clen] = '\0';
	return status;
}

static int
etcd_find_leader(struct http_conn *c, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		char *mid, *lead;
		char a[32] = "", b[32] = "";
		if (http_post(&c[i], "/v3/maintenance/status", "{}") != 200)
			continue;
		mid = strstr(c[i].buf, "\"member_id\":\"");
		lead = strstr(c[i].buf, "\"leader\":\"");
		if (mid == NULL || lead == NULL)
			continue;
		sscanf(mid + 13, "%31[0-9]", a);
		sscanf(lead + 10, "%31[0-9]", b);
		if (a[0] != '\0' && strcmp(a, b) == 0)
			return i;
	}
	return -1;
}

static void
b64(char *out, const char *in)
{
	static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrst"
	                        "uvwxyz0123456789+/";
	size_t n = strlen(in), i, o = 0;

	for (i = 0; i + 2 < n; i += 3) {
		uint32_t v = (uint32_t) (uint8_t) in[i] << 16
		    | (uint32_t) (uint8_t) in[i + 1] << 8 | (uint8_t) in[i + 2];
		out[o++] = t[v >> 18];
		out[o++] = t[(v >> 12) & 63];
		out[o++] = t[(v >> 6) & 63];
		out[o++] = t[v & 63];
	}
	if (i < n) {
		uint32_t v = (uint32_t) (uint8_t) in[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t) (uint8_t) in[i + 1] << 8;
		out[o++] = t[v >> 18];
		out[o++] = t[(v >> 12) & 63];
		out[o++] = i + 1 < n ? t[(v >> 6) & 63] : '=';
		out[o++] = '=';
	}
	out[o] = '\0';
}

/* ------------------------------------------------------------------ */
/* the load */

struct worker {
	const struct opts *o;
	int idx;
	pthread_t th;
	struct op *ops;
	size_t n, cap;
	uint64_t *lat; /* ns of measured ok ops */
	size_t lat_n, lat_cap;
	uint64_t end_ns;
	uint64_t client_id, seq;
	uint64_t n_ok, n_fail, n_info;
};

static void
record(struct worker *w, const struct op *op, int measured)
{
	if (w->n == w->cap) {
		size_t nc = w->cap ? w->cap * 2 : 1024;
		struct op *p = realloc(w->ops, nc * sizeof(*p));
		if (p == NULL)
			abort();
		w->ops = p;
		w->cap = nc;
	}
	w->ops[w->n++] = *op;
	if (!measured)
		return;
	if (op->outcome == O_OK) {
		w->n_ok++;
		if (w->lat_n == w->lat_cap) {
			size_t nc = w->lat_cap ? w->lat_cap * 2 : 1024;
			uint64_t *p = realloc(w->lat, nc * sizeof(*p));
			if (p == NULL)
				abort();
			w->lat = p;
			w->lat_cap = nc;
		}
		w->lat[w->lat_n++] = op->complete - op->invoke;
	} else if (op->outcome == O_FAIL)
		w->n_fail++;
	else
		w->n_info++;
}

static uint32_t
user_of(const struct worker *w, long i)
{
	const struct opts *o = w->o;

	if (o->users > 0)
		return (uint32_t) ((w->idx + i) % o->users);
	/* one user per thread; a fresh one every 2048 ops keeps the count
	 * below the hard limit in long benchmark runs */
	return (uint32_t) (w->idx + o->threads * (i / 2048));
}

static void *
ks_worker(void *arg)
{
	struct worker *w = arg;
	const struct opts *o = w->o;
	struct ks_conn conns[MAX_TARGETS];
	struct proto_msg_cons_admin_req req;
	struct proto_msg_cons_admin_resp resp;
	int i, leader = -1, ec;
	long k, total = o->warmup + o->ops;

	for (i = 0; i < o->ntargets; i++)
		if (ks_open(&conns[i], o->targets[i], o->timeout_ms) != 0) {
			fprintf(stderr, "lk-consload: cannot open %s\n",
			    o->targets[i]);
			exit(2);
		}
	for (k = 0; o->ops > 0 ? k < total : 1; k++) {
		struct op op;
		int t, r;
		if (o->ops == 0 && k >= o->warmup && now_ns() >= w->end_ns)
			break;
		if (o->pick_leader) {
			if (leader < 0)
				leader = ks_find_leader(conns, o->ntargets);
			t = leader >= 0 ? leader : (int) (k % o->ntargets);
		} else
			t = (int) ((w->idx + k) % o->ntargets);
		memset(&req, 0, sizeof(req));
		req.op = CONS_CMD_ATTEMPT;
		fill_name(req.user, o->prefix, user_of(w, k));
		lk_random(req.id, sizeof(req.id));
		req.client_id = w->client_id;
		req.seq = ++w->seq;
		req.timeout_ms = o->timeout_ms;
		memset(&op, 0, sizeof(op));
		op.kind = 'A';
		op.user = user_of(w, k);
		op.target = t;
		op.invoke = now_ns();
		r = ks_call(&conns[t], &proto_schema_cons_admin_req, &req,
		    &proto_schema_cons_admin_resp, &resp, &ec);
		op.complete = now_ns();
		if (r == 0
		    && (resp.status == CONS_R_OK
		        || resp.status == CONS_R_BACKOFF)) {
			op.outcome = O_OK;
			op.value = resp.value;
		} else if (r == 0)
			op.outcome = O_FAIL; /* LOCKED: not counted */
		else {
			op.outcome = (uint8_t) r;
			leader = -1;
			/* a target that refused: give it a moment */
			if (r == O_FAIL && ec != PROTO_EUNAVAIL)
				usleep(20000);
		}
		record(w, &op, k >= o->warmup);
	}
	for (i = 0; i < o->ntargets; i++)
		ks_close(&conns[i]);
	return NULL;
}

static void *
etcd_worker(void *arg)
{
	struct worker *w = arg;
	const struct opts *o = w->o;
	struct http_conn *conns = calloc(MAX_TARGETS, sizeof(*conns));
	char key[64], val[64], kb[128], vb[128], json[512];
	int i, leader = -1;
	long k, total = o->warmup + o->ops;

	if (conns == NULL)
		abort();
	for (i = 0; i < o->ntargets; i++)
		if (http_init(&conns[i], o->targets[i]) != 0) {
			fprintf(stderr, "lk-consload: bad endpoint %s\n",
			    o->targets[i]);
			exit(2);
		}
	for (k = 0; o->ops > 0 ? k < total : 1; k++) {
		struct op op;
		int t, st;
		if (o->ops == 0 && k >= o->warmup && now_ns() >= w->end_ns)
			break;
		if (o->pick_leader) {
			if (leader < 0)
				leader = etcd_find_leader(conns, o->ntargets);
			t = leader >= 0 ? leader : (int) (k % o->ntargets);
		} else
			t = (int) ((w->idx + k) % o->ntargets);
		snprintf(key, sizeof(key), "%s%u", o->prefix, user_of(w, k));
		snprintf(val, sizeof(val), "%ld", k);
		b64(kb, key);
		b64(vb, val);
		snprintf(json, sizeof(json),
		    "{\"key\":\"%s\",\"value\":\"%s\"}", kb, vb);
		memset(&op, 0, sizeof(op));
		op.kind = 'A';
		op.user = user_of(w, k);
		op.target = t;
		op.invoke = now_ns();
		st = http_post(&conns[t], "/v3/kv/put", json);
		op.complete = now_ns();
		op.outcome = st == 200 ? O_OK : st == -2 ? O_FAIL : O_INFO;
		if (st != 200)
			leader = -1;
		record(w, &op, k >= o->warmup);
	}
	for (i = 0; i < o->ntargets; i++)
		http_close(&conns[i]);
	free(conns);
	return NULL;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *) a, y = *(const uint64_t *) b;

	return x < y ? -1 : x > y;
}

static void
write_history(FILE *f, const struct op *ops, size_t n, const char *prefix)
{
	size_t i;

	for (i = 0; i < n; i++)
		fprintf(f, "%c %s%u %llu %llu %s %llu %d\n", ops[i].kind,
		    prefix, ops[i].user, (unsigned long long) ops[i].invoke,
		    (unsigned long long) ops[i].complete,
		    ops[i].outcome == O_OK         ? "ok"
		        : ops[i].outcome == O_FAIL ? "fail"
		                                   : "info",
		    (unsigned long long) ops[i].value, ops[i].target);
}

static int
run_load(struct opts *o)
{
	struct worker *ws = calloc((size_t) o->threads, sizeof(*ws));
	uint64_t t0, t1, *lat, ok = 0, fail = 0, info = 0, gap = 0;
	size_t nlat = 0, i, j, all = 0;
	uint64_t *done;
	size_t ndone = 0;
	double secs;
	int rc = 0;

	if (ws == NULL)
		return 2;
	t0 = now_ns();
	for (i = 0; i < (size_t) o->threads; i++) {
		ws[i].o = o;
		ws[i].idx = (int) i;
		ws[i].end_ns = t0 + (uint64_t) (o->duration * 1e9);
		do
			lk_random(&ws[i].client_id, sizeof(ws[i].client_id));
		while (ws[i].client_id == 0);
		if (pthread_create(&ws[i].th, NULL,
		        o->etcd ? etcd_worker : ks_worker, &ws[i])
		    != 0)
			return 2;
	}
	for (i = 0; i < (size_t) o->threads; i++)
		pthread_join(ws[i].th, NULL);
	t1 = now_ns();
	/* measured window: from the first measured invoke to the last
	 * completion */
	t0 = UINT64_MAX;
	for (i = 0; i < (size_t) o->threads; i++) {
		for (j = (size_t) (o->warmup < (long) ws[i].n ? o->warmup : 0);
		     j < ws[i].n; j++)
			if (ws[i].ops[j].invoke < t0)
				t0 = ws[i].ops[j].invoke;
		ok += ws[i].n_ok;
		fail += ws[i].n_fail;
		info += ws[i].n_info;
		nlat += ws[i].lat_n;
		all += ws[i].n;
	}
	if (t0 == UINT64_MAX)
		t0 = t1;
	lat = calloc(nlat + 1, sizeof(*lat));
	done = calloc(all + 1, sizeof(*done));
	if (lat == NULL || done == NULL)
		return 2;
	nlat = 0;
	for (i = 0; i < (size_t) o->threads; i++) {
		if (ws[i].lat_n > 0) /* lat is NULL when nothing completed */
			memcpy(
			    lat + nlat, ws[i].lat, ws[i].lat_n * sizeof(*lat));
		nlat += ws[i].lat_n;
		for (j = 0; j < ws[i].n; j++)
			if (ws[i].ops[j].outcome == O_OK)
				done[ndone++] = ws[i].ops[j].complete;
	}
	qsort(lat, nlat, sizeof(*lat), cmp_u64);
	qsort(done, ndone, sizeof(*done), cmp_u64);
	for (i = 1; i < ndone; i++)
		if (done[i] - done[i - 1] > gap)
			gap = done[i] - done[i - 1];
	secs = (double) (t1 - t0) / 1e9;
#define PCT(p) (nlat ? (double) lat[(size_t) ((nlat - 1) * (p))] / 1e6 : 0.0)
	printf("%s threads=%d ok=%llu fail=%llu info=%llu secs=%.2f "
	       "ops_per_s=%.0f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f "
	       "max_ms=%.3f max_gap_ms=%.1f\n",
	    o->label, o->threads, (unsigned long long) ok,
	    (unsigned long long) fail, (unsigned long long) info, secs,
	    secs > 0 ? (double) ok / secs : 0.0, PCT(0.50), PCT(0.90),
	    PCT(0.99), nlat ? (double) lat[nlat - 1] / 1e6 : 0.0,
	    (double) gap / 1e6);
#undef PCT
	if (o->history != NULL) {
		FILE *f = fopen(o->history, "a");
		if (f == NULL) {
			perror(o->history);
			rc = 2;
		} else {
			for (i = 0; i < (size_t) o->threads; i++)
				write_history(f, ws[i].ops, ws[i].n, o->prefix);
			if (fclose(f) != 0)
				rc = 2;
		}
	}
	for (i = 0; i < (size_t) o->threads; i++) {
		free(ws[i].ops);
		free(ws[i].lat);
	}
	free(ws);
	free(lat);
	free(done);
	return rc;
}

/* ------------------------------------------------------------------ */
/* the checker */

struct hop {
	char kind;
	char user[40];
	uint64_t invoke, complete, value;
	uint8_t outcome;
};

struct hist {
	struct hop *v;
	size_t n, cap;
};

static int
hist_load(struct hist *h, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[256], out[8];
	struct hop x;
	int tgt;

	if (f == NULL) {
		perror(path);
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		unsigned long long a, b, v;
		memset(&x, 0, sizeof(x));
		if (sscanf(line, "%c %39s %llu %llu %7s %llu %d", &x.kind,
		        x.user, &a, &b, out, &v, &tgt)
		        != 7
		    || (x.kind != 'A' && x.kind != 'R')) {
			fprintf(stderr, "check: bad history line: %s", line);
			fclose(f);
			return -1;
		}
		x.invoke = a;
		x.complete = b;
		x.value = v;
		x.outcome = strcmp(out, "ok") == 0 ? O_OK
		    : strcmp(out, "fail") == 0     ? O_FAIL
		                                   : O_INFO;
		if (h->n == h->cap) {
			size_t nc = h->cap ? h->cap * 2 : 4096;
			struct hop *p = realloc(h->v, nc * sizeof(*p));
			if (p == NULL)
				abort();
			h->v = p;
			h->cap = nc;
		}
		h->v[h->n++] = x;
	}
	fclose(f);
	return 0;
}

static int
by_user(const void *a, const void *b)
{
	return strcmp(
	    ((const struct hop *) a)->user, ((const struct hop *) b)->user);
}

static int
by_complete(const void *a, const void *b)
{
	uint64_t x = (*(const struct hop *const *) a)->complete;
	uint64_t y = (*(const struct hop *const *) b)->complete;

	return x < y ? -1 : x > y;
}

static size_t
count_before(const uint64_t *sorted, size_t n, uint64_t t)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (sorted[mid] < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Checks one user's ops [v, v+n). Returns the number of violations. */
static int
check_user(struct hop *v, size_t n, int verbose)
{
	struct hop **done = calloc(n + 1, sizeof(*done));
	uint64_t *inv = calloc(n + 1, sizeof(*inv)), *vals;
	uint64_t *pre_max_a, *pre_max_r;
	size_t i, nd = 0, ninv = 0, nok = 0, ninfo = 0;
	int bad = 0;
	struct hop *final = NULL;

	vals = calloc(n + 1, sizeof(*vals));
	pre_max_a = calloc(n + 1, sizeof(*pre_max_a));
	pre_max_r = calloc(n + 1, sizeof(*pre_max_r));
	if (done == NULL || inv == NULL || vals == NULL || pre_max_a == NULL
	    || pre_max_r == NULL)
		abort();
#define BAD(...)                                                  \
	do {                                                      \
		if (bad++ < 5) {                                  \
			printf("VIOLATION user %s: ", v[0].user); \
			printf(__VA_ARGS__);                      \
			printf("\n");                             \
		}                                                 \
	} while (0)
	for (i = 0; i < n; i++) {
		if (v[i].kind == 'A' && v[i].outcome != O_FAIL)
			inv[ninv++] = v[i].invoke;
		if (v[i].kind == 'A' && v[i].outcome == O_OK)
			vals[nok++] = v[i].value;
		if (v[i].kind == 'A' && v[i].outcome == O_INFO)
			ninfo++;
		if (v[i].outcome == O_OK)
			done[nd++] = &v[i];
		if (v[i].kind == 'R' && v[i].outcome == O_OK
		    && (final == NULL || v[i].invoke > final->invoke))
			final = &v[i];
	}
	qsort(inv, ninv, sizeof(*inv), cmp_u64);
	/* 1: distinct values */
	qsort(vals, nok, sizeof(*vals), cmp_u64);
	for (i = 1; i < nok; i++)
		if (vals[i] == vals[i - 1])
			BAD("attempt value %llu answered twice",
			    (unsigned long long) vals[i]);
	/* 2: real-time order, via prefix maxima over ops sorted by
	 * completion */
	qsort(done, nd, sizeof(*done), by_complete);
	for (i = 0; i < nd; i++) {
		uint64_t a = i ? pre_max_a[i - 1] : 0;
		uint64_t r = i ? pre_max_r[i - 1] : 0;
		if (done[i]->kind == 'A' && done[i]->value > a)
			a = done[i]->value;
		if (done[i]->kind == 'R' && done[i]->value + 1 > r)
			r = done[i]->value + 1; /* +1: 0 means none */
		pre_max_a[i] = a;
		pre_max_r[i] = r;
	}
	for (i = 0; i < n; i++) {
		struct hop *b = &v[i];
		size_t lo = 0, hi = nd, k;
		uint64_t ma, mr;
		if (b->outcome != O_OK)
			continue;
		/* ops completed strictly before b was invoked: done[0..k) */
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (done[mid]->complete < b->invoke)
				lo = mid + 1;
			else
				hi = mid;
		}
		k = lo;
		ma = k ? pre_max_a[k - 1] : 0;
		mr = k ? pre_max_r[k - 1] : 0; /* read value + 1 */
		if (b->kind == 'A') {
			if (b->value <= ma)
				BAD("attempt got %llu after an attempt had "
				    "already got %llu",
				    (unsigned long long) b->value,
				    (unsigned long long) ma);
			if (mr > 0 && b->value < mr) /* value <= read */
				BAD("attempt got %llu after a read had seen "
				    "%llu",
				    (unsigned long long) b->value,
				    (unsigned long long) (mr - 1));
		} else {
			if (b->value < ma)
				BAD("read saw %llu after an attempt had got "
				    "%llu (lost attempt)",
				    (unsigned long long) b->value,
				    (unsigned long long) ma);
			if (mr > 0 && b->value + 1 < mr)
				BAD("read saw %llu after a read had seen %llu "
				    "(counter decreased)",
				    (unsigned long long) b->value,
				    (unsigned long long) (mr - 1));
		}
		/* 3: no more than the attempts invoked before completion */
		if (b->value > count_before(inv, ninv, b->complete))
			BAD("%s %llu exceeds the %zu attempts invoked before "
			    "it completed",
			    b->kind == 'A' ? "attempt" : "read",
			    (unsigned long long) b->value,
			    count_before(inv, ninv, b->complete));
	}
	/* 4: the final read */
	if (final != NULL && (final->value < nok || final->value > nok + ninfo))
		BAD("final read %llu not in [ok %zu, ok+unknown %zu]",
		    (unsigned long long) final->value, nok, nok + ninfo);
	if (verbose)
		printf("user %s: %zu ok, %zu unknown, final read %s%llu%s\n",
		    v[0].user, nok, ninfo, final ? "" : "(none",
		    final ? (unsigned long long) final->value : 0ull,
		    final ? "" : ")");
#undef BAD
	free(done);
	free(inv);
	free(vals);
	free(pre_max_a);
	free(pre_max_r);
	return bad;
}

/* Reads every user through the log (any target that answers), appending
 * the reads to the history file. */
static int
final_reads(const char *path, struct hist *h, char **targets, int nt,
    uint32_t timeout_ms)
{
	struct ks_conn conns[MAX_TARGETS];
	FILE *f;
	size_t i;
	int t, ec, rc = 0;

	for (t = 0; t < nt; t++)
		if (ks_open(&conns[t], targets[t], timeout_ms) != 0)
			return -1;
	if ((f = fopen(path, "a")) == NULL)
		return -1;
	for (i = 0; i < h->n; i++) {
		struct proto_msg_cons_admin_req req;
		struct proto_msg_cons_admin_resp resp;
		uint64_t give_up = now_ns() + 30000000000ull;
		int got = 0;
		if (i > 0 && strcmp(h->v[i].user, h->v[i - 1].user) == 0)
			continue; /* sorted by user: one read each */
		memset(&req, 0, sizeof(req));
		req.op = CONS_CMD_READ_USER;
		memcpy(req.user, h->v[i].user,
		    strlen(h->v[i].user) < 32 ? strlen(h->v[i].user) : 32);
		req.timeout_ms = timeout_ms;
		for (t = 0; !got && now_ns() < give_up; t = (t + 1) % nt) {
			uint64_t a = now_ns(), b;
			int r = ks_call(&conns[t], &proto_schema_cons_admin_req,
			    &req, &proto_schema_cons_admin_resp, &resp, &ec);
			b = now_ns();
			/* READ_USER: OK or LOCKED with the count, NOTFOUND
			 * (count 0) for a user never counted */
			if (r == 0
			    && (resp.status == CONS_R_OK
			        || resp.status == CONS_R_LOCKED
			        || resp.status == CONS_R_NOTFOUND)) {
				fprintf(f, "R %s %llu %llu ok %llu %d\n",
				    h->v[i].user, (unsigned long long) a,
				    (unsigned long long) b,
				    (unsigned long long) resp.value, t);
				got = 1;
			} else
				usleep(100000);
		}
		if (!got) {
			printf("final read of %s: no server answered\n",
			    h->v[i].user);
			rc = -1;
		}
	}
	if (fclose(f) != 0)
		rc = -1;
	for (t = 0; t < nt; t++)
		ks_close(&conns[t]);
	return rc;
}

static int
run_check(int argc, char **argv)
{
	struct hist h = { 0 };
	const char *path;
	char *targets[MAX_TARGETS];
	int nt = 0, i, verbose = 0, bad = 0;
	size_t a, b, nok = 0, ninfo = 0, nfail = 0, users = 0;

	if (argc < 2)
		return 2;
	path = argv[1];
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--verbose") == 0)
			verbose = 1;
		else if (strcmp(argv[i], "--final") == 0)
			continue;
		else if (nt < MAX_TARGETS)
			targets[nt++] = argv[i];
	}
	if (hist_load(&h, path) != 0)
		return 2;
	qsort(h.v, h.n, sizeof(*h.v), by_user);
	if (nt > 0) {
		if (final_reads(path, &h, targets, nt, 5000) != 0) {
			free(h.v);
			return 1;
		}
		h.n = 0;
		if (hist_load(&h, path) != 0)
			return 2;
		qsort(h.v, h.n, sizeof(*h.v), by_user);
	}
	for (a = 0; a < h.n; a = b) {
		for (b = a; b < h.n && strcmp(h.v[a].user, h.v[b].user) == 0;
		     b++) {
			if (h.v[b].kind != 'A')
				continue;
			nok += h.v[b].outcome == O_OK;
			ninfo += h.v[b].outcome == O_INFO;
			nfail += h.v[b].outcome == O_FAIL;
		}
		users++;
		bad += check_user(&h.v[a], b - a, verbose);
	}
	printf("check: %zu users, %zu attempts acknowledged, %zu unknown, "
	       "%zu refused: %s\n",
	    users, nok, ninfo, nfail,
	    bad ? "VIOLATIONS" : "history is consistent");
	free(h.v);
	return bad ? 1 : 0;
}

/* ------------------------------------------------------------------ */
/* agg-probe: the consensus admin requests must be refused on a server's
 * aggregator-facing (network) endpoint. */

static int
agg_probe(int argc, char **argv)
{
	struct proto_msg_cons_admin_req a;
	struct proto_msg_cons_fault_req f;
	struct proto_msg_cons_status_req st;
	const struct proto_schema *sc[3] = { &proto_schema_cons_admin_req,
		&proto_schema_cons_fault_req, &proto_schema_cons_status_req };
	const void *msgs[3] = { &a, &f, &st };
	nng_tls_config *tls;
	char err[512];
	int i, bad = 0;

	if (argc != 6)
		return 2;
	if (proto_tls_client(
	        &tls, argv[2], argv[3], argv[4], argv[5], err, sizeof(err))
	    != 0) {
		fprintf(stderr, "agg-probe: %s\n", err);
		return 2;
	}
	memset(&a, 0, sizeof(a));
	a.op = CONS_CMD_UNLOCK;
	memcpy(a.user, "probe", 5);
	a.timeout_ms = 1000;
	memset(&f, 0, sizeof(f));
	f.drop_in = f.drop_out = UINT32_MAX;
	memset(&st, 0, sizeof(st));
	for (i = 0; i < 3; i++) {
		uint8_t buf[512];
		struct proto_hdr h, rh;
		struct proto_msg_error e;
		const uint8_t *body;
		nng_msg *reply;
		size_t len;
		memset(&h, 0, sizeof(h));
		h.seq = 1;
		if (proto_frame_encode(
		        buf, sizeof(buf), &len, &h, sc[i], msgs[i])
		        != 0
		    || proto_call(argv[1], tls, buf, len, 3000,
		           PROTO_HDR_BYTES + PROTO_MAX_BODY, &reply, err,
		           sizeof(err))
		        != 0) {
			printf(
			    "agg-probe: %s: no answer: %s\n", sc[i]->name, err);
			bad++;
			continue;
		}
		if (proto_frame_parse(&rh, &body, nng_msg_body(reply),
		        nng_msg_len(reply), PROTO_MAX_BODY)
		        == 0
		    && rh.type == PROTO_T_ERROR
		    && proto_msg_decode(&proto_schema_error, &e, body, rh.len)
		        == 0
		    && e.code == 506 /* SRV_EADMIN */)
			printf("agg-probe: %s refused: %.*s\n", sc[i]->name,
			    (int) e.detail.len, (const char *) e.detail.p);
		else {
			printf("agg-probe: %s was NOT refused\n", sc[i]->name);
			bad++;
		}
		nng_msg_free(reply);
	}
	nng_tls_config_free(tls);
	return bad ? 1 : 0;
}

/* ------------------------------------------------------------------ */

static void
usage(void)
{
	fprintf(stderr,
	    "usage: lk-consload run|etcd [--threads N] [--duration S | "
	    "--ops N] [--warmup N]\n"
	    "         [--users U] [--prefix P] [--pick rr|leader] "
	    "[--timeout MS]\n"
	    "         [--history FILE] [--label TEXT] TARGET...\n"
	    "       lk-consload check HISTORY [--verbose] [--final "
	    "SOCKET...]\n"
	    "       lk-consload agg-probe URL TRUST NAME CERT KEY\n");
}

int
main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "threads", required_argument, NULL, 'T' },
		{ "duration", required_argument, NULL, 'd' },
		{ "ops", required_argument, NULL, 'n' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "users", required_argument, NULL, 'u' },
		{ "prefix", required_argument, NULL, 'p' },
		{ "pick", required_argument, NULL, 'k' },
		{ "timeout", required_argument, NULL, 't' },
		{ "history", required_argument, NULL, 'H' },
		{ "label", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o;
	int c;

	if (lk_init() != 0)
		return 2;
	if (argc < 2) {
		usage();
		return 2;
	}
	if (strcmp(argv[1], "check") == 0)
		return run_check(argc - 1, argv + 1);
	if (strcmp(argv[1], "agg-probe") == 0)
		return agg_probe(argc - 1, argv + 1);
	if (strcmp(argv[1], "now") == 0) {
		/* the history's clock, for scripts */
		printf("%llu\n", (unsigned long long) now_ns());
		return 0;
	}
	memset(&o, 0, sizeof(o));
	if (strcmp(argv[1], "etcd") == 0)
		o.etcd = 1;
	else if (strcmp(argv[1], "run") != 0) {
		usage();
		return 2;
	}
	o.threads = 8;
	o.duration = 5;
	o.prefix = "u";
	o.timeout_ms = 3000;
	o.label = o.etcd ? "etcd" : "keyservers";
	optind = 2;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'T':
			o.threads = atoi(optarg);
			break;
		case 'd':
			o.duration = atof(optarg);
			break;
		case 'n':
			o.ops = atol(optarg);
			break;
		case 'w':
			o.warmup = atol(optarg);
			break;
		case 'u':
			o.users = atoi(optarg);
			break;
		case 'p':
			o.prefix = optarg;
			break;
		case 'k':
			o.pick_leader = strcmp(optarg, "leader") == 0;
			break;
		case 't':
			o.timeout_ms = (uint32_t) atoi(optarg);
			break;
		case 'H':
			o.history = optarg;
			break;
		case 'l':
			o.label = optarg;
			break;
		default:
			usage();
			return 2;
		}
	}
	for (; optind < argc && o.ntargets < MAX_TARGETS; optind++)
		o.targets[o.ntargets++] = argv[optind];
	if (o.ntargets == 0 || o.threads < 1 || o.threads > MAX_THREADS
	    || o.timeout_ms < 1 || o.timeout_ms > 60000
	    || strlen(o.prefix) > 20) {
		usage();
		return 2;
	}
	return run_load(&o);
}
