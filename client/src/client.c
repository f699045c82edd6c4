/* libclient core: cluster file, connection, health. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lk_common.h"
#include "lk_enc.h"
#include "lkc.h"
#include "lkc_int.h"
#include "proto_net.h"

const char *
lkc_strerror(int code)
{
	switch (code) {
	case LKC_ECONFIG:
		return "bad cluster file";
	case LKC_EREPLY:
		return "malformed reply";
	case LKC_EQUORUM:
		return "fewer than t servers available";
	case LKC_EAUTH:
		return "wrong password or unknown user";
	case LKC_EPIN:
		return "the cluster file pins no keys for a server";
	case LKC_ECORRUPT:
		return "data from the servers did not verify";
	case 402:
		return "no consensus leader";
	case 403:
		return "recovering (not serving yet)";
	case 504:
		return "outcome unknown (no commit in time)";
	case 505:
		return "the server's local attempt cap is reached";
	case 520:
		return "stale storage on the server";
	case 521:
		return "already exists";
	case 522:
		return "locked: too many attempts";
	case 523:
		return "login failed";
	case 524:
		return "no session (logged out or expired)";
	case 525:
		return "no such key";
	case 526:
		return "too big";
	}
	if (code >= 100 && code < 200)
		return proto_strerror(code);
	return lk_strerror(code);
}

static int
on_kv(void *user, const char *sec, const char *key, const char *v, char *err,
    size_t errcap)
{
	struct lkc_cluster *c = user;
	uint32_t x;

	if (strncmp(sec, "server.", 7) == 0) {
		if (lk_parse_u32(sec + 7, 1, PROTO_MAX_NODES, &x) != 0) {
			snprintf(err, errcap, "[%s]: id not in 1..%d", sec,
			    PROTO_MAX_NODES);
			return LK_ECONFIG;
		}
		if (strcmp(key, "ake_pk") == 0
		    && lk_hex_decode_exact(c->ake_pk[x], 32, v) == 0) {
			c->have_pk[x] |= 1;
			return 0;
		}
		if (strcmp(key, "seal_pk") == 0
		    && lk_hex_decode_exact(c->seal_pk[x], 32, v) == 0) {
			c->have_pk[x] |= 2;
			return 0;
		}
		snprintf(err, errcap,
		    "[%s] %s: unknown setting or not 64 hex "
		    "digits",
		    sec, key);
		return LK_ECONFIG;
	}
	if (strcmp(sec, "cluster") != 0) {
		snprintf(err, errcap, "[%s]: unknown section", sec);
		return LK_ECONFIG;
	}
	if (strcmp(key, "n") == 0 || strcmp(key, "t") == 0) {
		if (lk_parse_u32(v, 1, PROTO_MAX_NODES, &x) != 0) {
			snprintf(err, errcap, "[cluster] %s: '%s' not in 1..%d",
			    key, v, PROTO_MAX_NODES);
			return LK_ECONFIG;
		}
		*(key[0] == 'n' ? &c->n : &c->t) = (uint16_t) x;
		return 0;
	}
	if (strcmp(key, "ksf_ops") == 0 || strcmp(key, "ksf_mem_kib") == 0) {
		int ops = key[4] == 'o';
		if (lk_parse_u32(v, ops ? 1 : 8, ops ? 100 : 4u << 20, &x)
		    == 0) {
			*(ops ? &c->ksf_ops : &c->ksf_mem_kib) = x;
			return 0;
		}
		snprintf(err, errcap, "[cluster] %s: '%s' invalid", key, v);
		return LK_ECONFIG;
	}
	if (strcmp(key, "timeout_ms") == 0) {
		if (lk_parse_u32(v, 10, 600000, &c->timeout_ms) == 0)
			return 0;
		snprintf(err, errcap, "[cluster] timeout_ms: '%s' invalid", v);
		return LK_ECONFIG;
	}
	if ((strcmp(key, "aggregator") == 0
	        && lk_strlcpy(c->aggregator, sizeof(c->aggregator), v) == 0)
	    || (strcmp(key, "ca") == 0
	        && lk_strlcpy(c->ca, sizeof(c->ca), v) == 0)
	    || (strcmp(key, "server_name") == 0
	        && lk_strlcpy(c->server_name, sizeof(c->server_name), v) == 0))
		return 0;
	snprintf(err, errcap, "[cluster] %s: unknown setting or value too long",
	    key);
	return LK_ECONFIG;
}

int
lkc_cluster_load(
    struct lkc_cluster *c, const char *path, char *err, size_t errcap)
{
	char why[PATH_MAX + 64];

	memset(c, 0, sizeof(*c));
	c->timeout_ms = 5000;
	c->ksf_ops = 3;
	c->ksf_mem_kib = 64 * 1024;
	lk_strlcpy(c->server_name, sizeof(c->server_name), "aggregator");
	if (lk_config_load(path, on_kv, c, err, errcap) != 0)
		return LKC_ECONFIG;
	if (c->n == 0 || c->t == 0 || c->t > c->n) {
		snprintf(err, errcap, "%s: [cluster] %s", path,
		    c->n == 0       ? "n: missing"
		        : c->t == 0 ? "t: missing"
		                    : "t: larger than n");
		return LKC_ECONFIG;
	}
	if (strncmp(c->aggregator, "tls+tcp://", 10) != 0) {
		snprintf(err, errcap,
		    "%s: [cluster] aggregator: missing or not "
		    "tls+tcp://host:port",
		    path);
		return LKC_ECONFIG;
	}
	if (lk_check_readable_file(c->ca, why, sizeof(why)) != 0) {
		snprintf(err, errcap, "%s: [cluster] ca: %s", path,
		    c->ca[0] ? why : "missing");
		return LKC_ECONFIG;
	}
	return 0;
}

int
lkc_open(
    struct lkc **out, const struct lkc_cluster *c, char *err, size_t errcap)
{
	struct lkc *k = calloc(1, sizeof(*k));
	int rv;

	*out = NULL;
	if (k == NULL)
		return LK_ENOMEM;
	k->c = *c;
	lk_random(k->sid, sizeof(k->sid));
	if ((rv = proto_tls_client(
	         &k->tls, c->ca, c->server_name, NULL, NULL, err, errcap))
	    != 0) {
		free(k);
		return rv;
	}
	*out = k;
	return 0;
}

void
lkc_close(struct lkc *k)
{
	if (k == NULL)
		return;
	if (k->tls != NULL)
		nng_tls_config_free(k->tls);
	lk_wipe(k, sizeof(*k));
	free(k);
}

/* One request/reply with the aggregator. On success *reply holds the
 * reply frame, already checked to be a response of the wanted type (an
 * ERROR reply is turned into its code). */
int
lkc_call(struct lkc *k, const struct proto_schema *s, const void *msg,
    uint16_t want, nng_msg **reply, struct proto_hdr *rh, const uint8_t **body,
    char *err, size_t errcap)
{
	static uint8_t buf[PROTO_HDR_BYTES + PROTO_MAX_BODY];
	struct proto_hdr h;
	struct proto_msg_error e;
	size_t len;
	int rv;

	memset(&h, 0, sizeof(h));
	memcpy(h.sid, k->sid, sizeof(h.sid));
	h.seq = ++k->seq;
	h.sender = PROTO_SENDER_CLIENT;
	if ((rv = proto_frame_encode(buf, sizeof(buf), &len, &h, s, msg))
	    != 0) {
		snprintf(err, errcap, "encode: %s", proto_strerror(rv));
		return rv;
	}
	if ((rv = proto_call(k->c.aggregator, k->tls, buf, len,
	         (int) k->c.timeout_ms, PROTO_HDR_BYTES + PROTO_MAX_BODY, reply,
	         err, errcap))
	    != 0)
		return rv;
	rv = proto_frame_parse(rh, body, nng_msg_body(*reply),
	    nng_msg_len(*reply), PROTO_MAX_BODY);
	if (rv == 0
	    && (!(rh->flags & PROTO_F_RESPONSE) || rh->seq != h.seq
	        || memcmp(rh->sid, h.sid, sizeof(h.sid)) != 0))
		rv = LKC_EREPLY;
	if (rv == 0 && rh->type == PROTO_T_ERROR) {
		rv = proto_msg_decode(&proto_schema_error, &e, *body, rh->len);
		if (rv == 0) {
			snprintf(err, errcap, "aggregator: %.*s (code %u)",
			    (int) e.detail.len, (const char *) e.detail.p,
			    e.code);
			rv = e.code;
		}
	} else if (rv == 0 && rh->type != want)
		rv = LKC_EREPLY;
	if (rv != 0) {
		if (rv == LKC_EREPLY || (rv >= 100 && rv < 200 && err[0] == 0))
			snprintf(
			    err, errcap, "bad reply: %s", lkc_strerror(rv));
		nng_msg_free(*reply);
		*reply = NULL;
	}
	return rv;
}

int
lkc_health(struct lkc *k, struct proto_msg_cluster_health_resp *out, char *err,
    size_t errcap)
{
	struct proto_msg_cluster_health_req req;
	struct proto_hdr rh;
	const uint8_t *body;
	nng_msg *reply;
	int rv;

	err[0] = '\0';
	memset(out, 0, sizeof(*out));
	req.deadline_ms = k->c.timeout_ms > 2000 ? k->c.timeout_ms - 1000
	                                         : k->c.timeout_ms / 2;
	if ((rv = lkc_call(k, &proto_schema_cluster_health_req, &req,
	         PROTO_T_CLUSTER_HEALTH_RESP, &reply, &rh, &body, err, errcap))
	    != 0)
		return rv;
	rv = proto_msg_decode(
	    &proto_schema_cluster_health_resp, out, body, rh.len);
	nng_msg_free(reply); /* the reply type holds no borrowed bytes */
	if (rv != 0) {
		snprintf(
		    err, errcap, "bad health reply: %s", proto_strerror(rv));
		return LKC_EREPLY;
	}
	return 0;
}

int
lkc_health_count_ok(const struct proto_msg_cluster_health_resp *r)
{
	int i, ok = 0;

	for (i = 0; i < r->servers_n; i++)
		if (r->servers[i].status == 0 && r->servers[i].info_n == 1)
			ok++;
	return ok;
}
