/* keyserver: internal declarations. */
#ifndef SRV_H
#define SRV_H

#include <limits.h>
#include <stdint.h>

#include <lmdb.h>

#include "cons.h"
#include "lk_common.h"
#include "proto.h"
#include "proto_net.h"

/* Server error codes (block 500..599; see lk_err.h). */
enum srv_err {
	SRV_ECONFIG = 500, /* bad configuration */
	SRV_ESTORE = 501, /* LMDB failure */
	SRV_EDATADIR = 502, /* data directory belongs to another node */
	SRV_EINTERNAL = 503, /* an invariant failed */
	SRV_EUNKNOWN = 504, /* outcome unknown: the command may still commit
	                       (an ATTEMPT must be treated as counted) */
	SRV_EBACKSTOP = 505, /* this server's local attempt cap is reached */
	SRV_EADMIN = 506, /* allowed only on the local admin socket */
	SRV_EBUSY = 507, /* too many commands waiting */
	/* accounts, sessions and operations (docs/CLUSTER.md); 520 is
	 * SRV_ESTALE (record.h) */
	SRV_EEXISTS = 521, /* the account or key already exists */
	SRV_ELOCKED = 522, /* too many attempts: locked (also for unknown
	                      users) */
	SRV_EAUTH = 523, /* login failed (bad KE3, or no such attempt) */
	SRV_ESESSION = 524, /* no such session, logged out or expired */
	SRV_ENOKEY = 525, /* no such key in this account (another user's
	                     key id and a fake key id alike) */
	SRV_ETOOBIG = 526, /* a blob over the size limit */
	SRV_ENOACCT = 527, /* accounts are not configured ([keys]) */
	SRV_EUPLOAD = 528 /* a registration upload that does not open or
	                     verify */
};
const char *srv_strerror(int code);

#define SRV_URL_MAX 256

struct srv_peer_cfg {
	int present;
	char addr[SRV_URL_MAX]; /* the peer's link base URL */
	char cert[PATH_MAX]; /* the peer's pinned certificate */
	char name[64]; /* the name in that certificate */
};

/* [consensus]: the Raft timing and the state machine's parameters (the
 * parameters must be identical on every server; the local cap is not). */
struct srv_cons_cfg {
	uint32_t tick_ms, election_ticks, heartbeat_ticks;
	uint32_t max_batch, window, max_uncommitted;
	uint32_t soft_limit, hard_limit, backoff_base_ms, backoff_max_ms;
	uint32_t max_sessions;
	uint32_t local_cap; /* local attempt backstop; 0 = hard_limit */
	uint32_t checkpoint_every; /* applies between state-machine snapshots */
	uint32_t max_pending; /* commands waiting for their commit */
};

/* [keys] and [accounts]: the account service (docs/CLUSTER.md). */
struct srv_acct_cfg {
	char ake_key[PATH_MAX]; /* hex sk (32 bytes) of the AKE key */
	char seal_key[PATH_MAX]; /* hex X25519 sk */
	char storage_key[PATH_MAX]; /* hex 32 bytes */
	char fake_seed[PATH_MAX]; /* hex 64 bytes, the same on every server */
	uint32_t session_idle_ms, session_lifetime_ms;
	uint32_t blob_max; /* bytes */
	uint32_t max_sessions;
};

struct srv_config {
	uint16_t id, n, t;
	struct srv_acct_cfg acct;
	char data_dir[PATH_MAX];
	enum lk_log_level log_level;
	uint32_t db_map_mb;
	char cert[PATH_MAX], key[PATH_MAX];
	char listen_agg[SRV_URL_MAX];
	char listen_peer[SRV_URL_MAX];
	char listen_admin[SRV_URL_MAX]; /* ipc:// only: local operators */
	char agg_cert[PATH_MAX];
	uint32_t heartbeat_ms;
	struct srv_cons_cfg cons;
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

/* ---- consensus in the daemon (cons.c) ----
 *
 * The owner thread drives one consensus node: peer messages, ticks and
 * proposals are steps; PERSIST actions go into one LMDB batch that
 * srv_cons_flush commits (one durable commit per turn of the owner loop,
 * however many events the turn handled) before feeding PERSISTED back.
 * Commands are answered from the state machine when applied. See
 * docs/CONSENSUS.md §10. */
struct srv;

/* Called once per accepted command, from the owner thread (never from
 * inside srv_cons_submit). err = 0: the command committed and was applied
 * at log index `index`; *res is the state machine's result. err != 0: res
 * is NULL and
 *   CONS_ENOTLEADER / CONS_ENOTREADY / CONS_EBUSY: refused by consensus
 *     before entering any log: it did not and will not execute;
 *   SRV_EUNKNOWN: no commit seen before the deadline (or the server is
 *     stopping): it may still commit. Fail closed: an ATTEMPT counts. */
typedef void (*srv_cons_cb)(struct srv *s, void *ctx, int err,
    const struct cons_result *res, uint64_t index);

/* Proposes cmd and calls cb(ctx) once with its fate. cmd->client_id 0
 * gives it this server's own session (the next seq). A retry of the same
 * (client_id, seq) is executed once (the state machine's session table).
 * The server re-proposes while waiting when the leader changes or a
 * proposal seems lost. ATTEMPT also goes through the local backstop.
 * Returns 0 (cb will be called), or, without calling cb:
 *   CONS_ENOTREADY (recovering or catching up) / CONS_ENOTLEADER (no
 *   leader, or not yet caught up with it): not serving, retry elsewhere;
 *   SRV_EBACKSTOP: the local attempt cap is reached (ATTEMPT only);
 *   SRV_EBUSY, CONS_ECMD (invalid command). */
int srv_cons_submit(struct srv *s, const struct cons_cmd *cmd,
    uint32_t timeout_ms, srv_cons_cb cb, void *ctx);

/* Auxiliary records of the consensus store (durable with its next
 * sync): put, and get by key (0, LK_ENOTFOUND). */
int srv_cons_aux_put(struct srv *s, const uint8_t *key, size_t klen,
    const uint8_t *val, size_t vlen);
int srv_cons_aux_get(struct srv *s, const uint8_t *key, size_t klen,
    uint8_t *val, size_t cap, size_t *vlen);

/* The applied state of record id (cons_sm_record). */
int srv_cons_record(const struct srv *s, const uint8_t id[CONS_ID_BYTES],
    uint64_t *version, uint8_t hash[CONS_ID_BYTES], int *deleted);

/* Read through the log: READ_USER(user) committed after every earlier
 * command, so the count reflects all of them. Same contract as submit. */
int srv_cons_read_user(struct srv *s, const uint8_t user[CONS_ID_BYTES],
    uint32_t timeout_ms, srv_cons_cb cb, void *ctx);

struct srv_cons_stats {
	uint64_t proposed, answered, unknown, refused, retries;
	uint32_t pending;
};

/* Opens the store in <data_dir>/cons, restores the state machine and
 * starts the node (in recovery, as every start). */
int srv_cons_open(struct srv *s, char *err, size_t errcap);
void srv_cons_close(struct srv *s);
/* A decoded CONS_RAFT frame body from peer (server id), on its link. */
void srv_cons_on_peer(struct srv *s, int peer, const uint8_t *body, size_t len);
/* Timers: ticks due by now, command deadlines and retries. */
void srv_cons_poll(struct srv *s, uint64_t now);
/* Milliseconds until the next tick is due (for the loop's wait). */
int srv_cons_wait_ms(const struct srv *s, uint64_t now);
/* End of a turn: propose what was submitted, commit the batch, feed
 * PERSISTED back until nothing is left unsynced, checkpoint. */
void srv_cons_flush(struct srv *s);
void srv_cons_status(const struct srv *s, struct cons_status *st);
void srv_cons_get_stats(const struct srv *s, struct srv_cons_stats *out);
/* HEALTH's role (PROTO_ROLE_*) and status bits (PROTO_HS_*). */
void srv_cons_health(const struct srv *s, uint8_t *role, uint64_t *term,
    uint64_t *commit, uint32_t *status);
/* Whether the fault hook drops traffic from / to server peer. */
int srv_fault_drop_in(const struct srv *s, int peer);
int srv_fault_drop_out(const struct srv *s, int peer);

/* ---- local attempt backstop (backstop.c) ----
 * Per user, the number of attempts this server let through since its last
 * local reset. Persisted in the server's own LMDB (auxiliary records of its
 * consensus store, written in the same durable commit as the log); it only
 * goes down by a reset this server performed itself. */
struct srv_backstop;
int srv_backstop_open(
    struct srv *s, struct cons_store *store, char *err, size_t errcap);
void srv_backstop_close(struct srv *s);
/* Before proposing ATTEMPT(user, attempt): 0 = reserved (or the same
 * attempt as the last one counted), SRV_EBACKSTOP = cap reached. */
int srv_backstop_reserve(struct srv *s, const uint8_t user[CONS_ID_BYTES],
    const uint8_t attempt[CONS_ID_BYTES]);
/* The committed count for user is `count`: raise the local one to it. */
void srv_backstop_observe(
    struct srv *s, const uint8_t user[CONS_ID_BYTES], uint64_t count);
/* A LOGIN_OK or UNLOCK this server proposed itself committed. */
void srv_backstop_reset(struct srv *s, const uint8_t user[CONS_ID_BYTES]);
/* Writes every change into the consensus store's open batch (durable with
 * its next sync). Returns 1 when something was written. */
int srv_backstop_write(struct srv *s);
/* The local count of user (0 when never seen). */
uint32_t srv_backstop_count(
    const struct srv *s, const uint8_t user[CONS_ID_BYTES]);

/* ---- the daemon ---- */
/* Event endpoint ids: the aggregator listener, and 100 + peer id. */
enum { SRV_EP_AGG = 0, SRV_EP_ADMIN = 1, SRV_EP_PEER_BASE = 100 };

struct srv_peer {
	struct proto_link *link;
	uint64_t last_heard; /* monotonic ms of the last valid message */
	uint64_t last_rx; /* monotonic ms of any message, even malformed */
	uint64_t dropped_at; /* when link_watchdog dropped its connection */
	uint64_t redial_at; /* the peer last connected while the link was up */
	uint64_t down_since; /* monotonic ms, 0 while the link is up */
	uint64_t up_since; /* monotonic ms of the last link-up, 0 if down */
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
	uint64_t link_resets; /* links replaced by the watchdog */
	nng_tls_config *tls_peer[PROTO_MAX_NODES + 1];
	uint8_t boot_id[16];
	uint64_t start_ms;
	uint64_t hb_counter;
	uint64_t bad_requests;
	struct srv_cons *cons;
	struct srv_backstop *backstop;
	uint32_t drop_in, drop_out; /* fault hook masks, bit i = server i */
	struct srv_acct *acct; /* NULL when [keys] is not configured */
	int stale; /* a stored record disagreed with consensus (HEALTH) */
	uint64_t wedged_since; /* proto_net_wedged() seen since (0: never) */
	int restart; /* main: re-execute this process (srv_tick sets it) */
};

/* Logs and exits at once: storage failures are fail-stop. */
void srv_fatal(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

uint64_t srv_now_ms(void);
int srv_open(struct srv *s, char *err, size_t errcap);
void srv_close(struct srv *s);
/* One turn of the owner loop: waits up to timeout_ms for an event. */
void srv_step(struct srv *s, int timeout_ms);
void srv_tick(struct srv *s);

/* Where a request came from, so that a handler can answer later. */
struct srv_req {
	int endpoint; /* SRV_EP_AGG or SRV_EP_ADMIN */
	uint32_t slot;
	struct proto_hdr h;
};

/* Request handlers: fill a reply for a decoded request frame, or return
 * SRV_DEFERRED after arranging to answer later with srv_reply. */
#define SRV_DEFERRED (-1)
int srv_handle_health(struct srv *s, const struct srv_req *rq,
    const uint8_t *body, nng_msg **reply);
int srv_handle_ping(struct srv *s, const struct srv_req *rq,
    const uint8_t *body, nng_msg **reply);
int srv_handle_cons_admin(struct srv *s, const struct srv_req *rq,
    const uint8_t *body, nng_msg **reply);
int srv_handle_cons_status(struct srv *s, const struct srv_req *rq,
    const uint8_t *body, nng_msg **reply);
int srv_handle_cons_fault(struct srv *s, const struct srv_req *rq,
    const uint8_t *body, nng_msg **reply);
/* ---- accounts, login, sessions, operations (acct.c) ---- */
int srv_acct_open(struct srv *s, char *err, size_t errcap);
void srv_acct_close(struct srv *s);
/* Timers: expired sessions and login states. */
void srv_acct_poll(struct srv *s, uint64_t now);
/* Logs the login path's consensus time (SIGUSR1). */
void srv_acct_dump_stats(struct srv *s);
/* After consensus opened: a data.mdb with fewer record writes than this
 * server made (counted in the consensus store) was rolled back. */
void srv_acct_check_rollback(struct srv *s);
/* Writes the record-write counter into the consensus store's batch.
 * Returns 1 when something was written. */
int srv_acct_write_aux(struct srv *s);
/* A mailbox message from peer (PEER_FETCH / PEER_ITEM). */
void srv_acct_on_peer(
    struct srv *s, int peer, const struct proto_hdr *h, const uint8_t *body);
int srv_handle_reg_prepare(struct srv *s, const struct srv_req *rq,
    const uint8_t *body, nng_msg **reply);
int srv_handle_reg_commit(struct srv *s, const struct srv_req *rq,
    const uint8_t *body, nng_msg **reply);
int srv_handle_login1(struct srv *s, const struct srv_req *rq,
    const uint8_t *body, nng_msg **reply);
int srv_handle_login3(struct srv *s, const struct srv_req *rq,
    const uint8_t *body, nng_msg **reply);
/* A sealed frame (a session operation): the whole frame. */
int srv_handle_sealed(struct srv *s, const struct srv_req *rq,
    const uint8_t *frame, size_t len, nng_msg **reply);

/* Answers a deferred request: msg (ownership passes) or, when msg is NULL,
 * an ERROR with code. */
void srv_reply(struct srv *s, const struct srv_req *rq, nng_msg *msg, int code);
/* Text for any code a server sends (its own, consensus, proto, common). */
const char *srv_err_text(int code);

#endif
