/* aggregator: internal declarations. The aggregator holds no secret: it
 * routes frames between clients and servers, fans requests out with a
 * deadline, and tracks which servers are up. */
#ifndef AGG_H
#define AGG_H

#include <limits.h>
#include <stdint.h>

#include "lk_common.h"
#include "proto.h"
#include "proto_net.h"

/* Aggregator error codes (block 600..699). */
enum agg_err {
	AGG_ECONFIG = 600, /* bad configuration */
	AGG_EBUSY = 601, /* too many requests in flight */
	AGG_ETARGET = 602 /* a request names a server that does not exist */
};
const char *agg_strerror(int code);

#define AGG_URL_MAX 256
#define AGG_MAX_OPS 256

struct agg_server_cfg {
	int present;
	char addr[AGG_URL_MAX]; /* the server's aggregator-facing URL */
	char cert[PATH_MAX]; /* its pinned certificate */
	char name[64]; /* the name in that certificate */
};

struct agg_config {
	uint16_t n, t;
	enum lk_log_level log_level;
	char listen[AGG_URL_MAX];
	char cert[PATH_MAX], key[PATH_MAX]; /* client-facing */
	char client_cert[PATH_MAX], client_key[PATH_MAX]; /* to servers */
	uint32_t max_deadline_ms;
	struct agg_server_cfg servers[PROTO_MAX_NODES + 1];
};

int agg_config_load(
    struct agg_config *c, const char *path, char *err, size_t errcap);
int agg_config_check(struct agg_config *c, char *err, size_t errcap);

/* One routed request in flight: a client request waiting for up to n
 * server replies. */
struct agg_item {
	uint16_t server;
	int done;
	uint16_t status;
	uint32_t rtt_us;
	nng_msg *reply;
};

struct agg_op {
	int used;
	uint32_t gen;
	uint16_t kind; /* request type */
	uint32_t slot; /* client context to answer on */
	struct proto_hdr hdr;
	int nitems, ndone;
	struct agg_item items[PROTO_MAX_NODES];
};

struct agg_server {
	struct proto_cli *cli;
	nng_tls_config *tls;
	uint64_t ok, failed;
	uint32_t last_rtt_us;
};

struct agg {
	struct agg_config cfg;
	struct proto_evq *q;
	struct proto_srv *front;
	nng_tls_config *tls_front;
	nng_tls_config *tls_probe;
	struct proto_probe *probe;
	uint64_t relistens;
	struct agg_server servers[PROTO_MAX_NODES + 1];
	struct agg_op ops[AGG_MAX_OPS];
	uint32_t gen;
	uint64_t bad_requests;
};

int agg_open(struct agg *a, char *err, size_t errcap);
void agg_close(struct agg *a);
void agg_step(struct agg *a, int timeout_ms);

#endif
