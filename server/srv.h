/* keyserver: internal declarations. */
#ifndef SRV_H
#define SRV_H

#include <limits.h>
#include <stdint.h>

#include <lmdb.h>

#include "lk_common.h"
#include "proto.h"
#include "proto_net.h"

/* Server error codes (block 500..599; see lk_err.h). */
enum srv_err {
	SRV_ECONFIG = 500, /* bad configuration */
	SRV_ESTORE = 501, /* LMDB failure */
	SRV_EDATADIR = 502, /* data directory belongs to another node */
	SRV_EINTERNAL = 503 /* an invariant failed */
};
const char *srv_strerror(int code);

#define SRV_URL_MAX 256

struct srv_peer_cfg {
	int present;
	char addr[SRV_URL_MAX]; /* the peer's link base URL */
	char cert[PATH_MAX]; /* the peer's pinned certificate */
	char name[64]; /* the name in that certificate */
};

struct srv_config {
	uint16_t id, n, t;
	char data_dir[PATH_MAX];
	enum lk_log_level log_level;
	uint32_t db_map_mb;
	char cert[PATH_MAX], key[PATH_MAX];
	char listen_agg[SRV_URL_MAX];
	char listen_peer[SRV_URL_MAX];
	char listen_admin[SRV_URL_MAX]; /* ipc:// only: local operators */
	char agg_cert[PATH_MAX];
	uint32_t heartbeat_ms;
	struct srv_peer_cfg peers[PROTO_MAX_NODES + 1]; /* by id */
};

/* Loads and validates path into cfg. On failure writes a message naming
 * the offending setting into err and returns SRV_ECONFIG. */
int srv_config_load(
    struct srv_config *cfg, const char *path, char *err, size_t errcap);
/* Validation alone (after command-line overrides). */
int srv_config_check(struct srv_config *cfg, char *err, size_t errcap);

/* ---- LMDB store ---- */
struct srv_store {
	MDB_env *env;
	MDB_dbi meta;
};
struct srv_store_stats {
	uint64_t entries, pages, map_size, last_txn;
};
int srv_store_open(struct srv_store *st, const struct srv_config *cfg,
    char *err, size_t errcap);
int srv_store_stats(struct srv_store *st, struct srv_store_stats *out);
void srv_store_close(struct srv_store *st);

/* ---- the daemon ---- */
/* Event endpoint ids: the aggregator listener, and 100 + peer id. */
enum { SRV_EP_AGG = 0, SRV_EP_ADMIN = 1, SRV_EP_PEER_BASE = 100 };

struct srv_peer {
	struct proto_link *link;
	uint64_t last_heard; /* monotonic ms, 0 = never */
	uint64_t down_since; /* monotonic ms, 0 while the link is up */
	uint64_t last_relisten;
	uint64_t bad_msgs;
};

struct srv {
	struct srv_config cfg;
	struct srv_store store;
	struct proto_evq *q;
	struct proto_srv *agg;
	struct proto_srv *admin; /* NULL unless [listen] admin is set */
	struct srv_peer peers[PROTO_MAX_NODES + 1];
	nng_tls_config *tls_agg;
	nng_tls_config *tls_probe; /* self-probe of the aggregator listener */
	struct proto_probe *probe;
	uint64_t relistens;
	nng_tls_config *tls_peer[PROTO_MAX_NODES + 1];
	uint8_t boot_id[16];
	uint64_t start_ms;
	uint64_t hb_counter;
	uint64_t bad_requests;
};

uint64_t srv_now_ms(void);
int srv_open(struct srv *s, char *err, size_t errcap);
void srv_close(struct srv *s);
/* One turn of the owner loop: waits up to timeout_ms for an event. */
void srv_step(struct srv *s, int timeout_ms);
void srv_tick(struct srv *s);

/* Request handlers: fill a reply for a decoded request frame. */
int srv_handle_health(struct srv *s, const struct proto_hdr *h,
    const uint8_t *body, nng_msg **reply);
int srv_handle_ping(struct srv *s, const struct proto_hdr *h,
    const uint8_t *body, nng_msg **reply);

#endif
