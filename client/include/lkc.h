/* libclient: the client side of the cluster (C API used by lkctl and by
 * applications). It talks only to the aggregator, over TLS that checks the
 * aggregator's certificate against the cluster's CA and name. */
#ifndef LKC_H
#define LKC_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "proto.h"
#include "proto_ops.h"

/* Client error codes (block 700..799). */
enum lkc_err {
	LKC_ECONFIG = 700, /* bad cluster file */
	LKC_EREPLY = 701, /* the aggregator's reply was malformed */
	LKC_EQUORUM = 702, /* fewer than t servers usable */
	LKC_EAUTH = 703, /* wrong password or unknown user (the client alone
	                    learns this; servers cannot tell) */
	LKC_EPIN = 704, /* the cluster file pins no keys for a server */
	LKC_ECORRUPT = 705 /* data from the servers did not decrypt or verify */
};
const char *lkc_strerror(int code);

struct lkc_cluster {
	uint16_t n, t;
	char aggregator[256];
	char ca[PATH_MAX];
	char server_name[64];
	uint32_t timeout_ms;
	uint32_t ksf_ops, ksf_mem_kib; /* Argon2id of the password */
	/* tests (an attacker's choice): send LOGIN1 only to the servers whose
	 * bit is set (bit i = server i); 0 = all */
	uint32_t login_only;
	/* [server.<i>]: pinned keys (docs/CLUSTER.md §1) */
	uint8_t have_pk[PROTO_MAX_NODES + 1];
	uint8_t ake_pk[PROTO_MAX_NODES + 1][32];
	uint8_t seal_pk[PROTO_MAX_NODES + 1][32];
};

/* Loads a cluster file ([cluster] n, t, aggregator, ca, server_name,
 * timeout_ms). Errors name the setting. Returns 0 or LKC_ECONFIG. */
int lkc_cluster_load(
    struct lkc_cluster *c, const char *path, char *err, size_t errcap);

struct lkc;

/* Args: c: the cluster (copied). Out: *out, free with lkc_close.
 * Returns 0 or an error (the CA file is read here). */
int lkc_open(
    struct lkc **out, const struct lkc_cluster *c, char *err, size_t errcap);
void lkc_close(struct lkc *k);

/* Asks the aggregator for every server's health.
 * Out: *out is filled; it borrows nothing.
 * Returns 0, a transport error (PROTO_E*), an error code the aggregator
 * returned, or LKC_EREPLY. err describes the failure. */
int lkc_health(struct lkc *k, struct proto_msg_cluster_health_resp *out,
    char *err, size_t errcap);

/* Counts rows of a health reply that answered. */
int lkc_health_count_ok(const struct proto_msg_cluster_health_resp *r);

/* ---- accounts and sessions (docs/CLUSTER.md) ----
 * Every call returns 0 or an error code: a server's (SRV_E*: e.g.
 * 521 exists, 522 locked, 524 session, 525 no such key, 526 too big), a
 * client one (LKC_E*), or a transport one; err describes it. Secrets
 * (password, export key, session keys, storage key) are wiped on every
 * path. */

/* Registers user (1..64 bytes) with password: client-dealt shares sealed
 * to each server's pinned key, prepared by every reachable server and
 * committed through consensus (at least t must prepare). */
int lkc_register(struct lkc *k, const char *user, const uint8_t *pw,
    size_t pwlen, char *err, size_t errcap);

struct lkc_session;

/* Phases of the last lkc_login (benchmarks), milliseconds: LOGIN1 round
 * trip (the servers commit ATTEMPT before answering), the client's
 * combination (KSF included), the LOGIN3 round trip (LOGIN_OK commit). */
struct lkc_login_times {
	double login1_ms, finish_ms, login3_ms;
};
void lkc_last_login_times(const struct lkc *k, struct lkc_login_times *out);

/* Logs in: a session with every server that answered (at least t). */
int lkc_login(struct lkc *k, const char *user, const uint8_t *pw, size_t pwlen,
    struct lkc_session **out, char *err, size_t errcap);
/* Servers in the session (live channels). */
int lkc_session_servers(const struct lkc_session *s);
/* Servers that answered the last operation successfully. */
int lkc_session_answered(const struct lkc_session *s);
/* Ends the session on every server (the object stays: free it). */
int lkc_logout(struct lkc_session *s, char *err, size_t errcap);
void lkc_session_free(struct lkc_session *s);

int lkc_check_session(struct lkc_session *s, char *err, size_t errcap);
int lkc_user_id(
    struct lkc_session *s, uint8_t out[16], char *err, size_t errcap);
/* The account's storage key: retrieved and unwrapped, or created (once
 * per account) when there is none. */
int lkc_storage_key(
    struct lkc_session *s, uint8_t key[32], char *err, size_t errcap);

/* Secrets: encrypted by the client under the storage key, stored on every
 * server of the session under a random key id. */
int lkc_secret_store(struct lkc_session *s, const uint8_t *secret, size_t len,
    uint8_t key_id[32], char *err, size_t errcap);
int lkc_secret_generate(struct lkc_session *s, size_t len, uint8_t *secret,
    uint8_t key_id[32], char *err, size_t errcap);
/* export = 1: the same, audited as an export. */
int lkc_secret_retrieve(struct lkc_session *s, const uint8_t key_id[32],
    int export_, uint8_t *out, size_t cap, size_t *len, char *err,
    size_t errcap);
/* Blobs: sent inside the channel, encrypted by the servers. */
int lkc_blob_store(struct lkc_session *s, const uint8_t *data, size_t len,
    uint8_t key_id[32], char *err, size_t errcap);
int lkc_blob_retrieve(struct lkc_session *s, const uint8_t key_id[32],
    uint8_t *out, size_t cap, size_t *len, char *err, size_t errcap);
int lkc_delete(
    struct lkc_session *s, const uint8_t key_id[32], char *err, size_t errcap);

/* Password change: registration's two halves at the account's next
 * version, inside the session (at least t servers must take it). The old
 * password stops working; this session stays open. */
int lkc_password_change(struct lkc_session *s, const uint8_t *pw, size_t pwlen,
    char *err, size_t errcap);

/* Audit: the filter as proto_ops.h's op_audit; out per server. */
struct lkc_audit {
	int nservers;
	struct {
		uint16_t server;
		int code; /* 0: answered */
		struct proto_msg_op_audit_resp r;
	} s[PROTO_MAX_NODES];
	/* first: the first answering row. chains_ok: in every answer,
	 * consecutive events link (h_k = H(h_{k-1} || event_k), audit.h) and
	 * the newest one ends at the head. events_agree: every answering
	 * server returned the same events (each server stamps its own time,
	 * so times and heads differ between servers). */
	int first, chains_ok, events_agree;
};
struct proto_msg_op_audit;
int lkc_audit(struct lkc_session *s, const struct proto_msg_op_audit *f,
    struct lkc_audit *out, char *err, size_t errcap);

/* Test hooks for the channel: mode 1 replays the last request as sent, 2
 * sends two requests in reverse order, 3 moves a frame of session a into
 * session b. *rejected counts the servers that refused the bad frame
 * (PROTO_EREPLAY; a moved frame PROTO_EREPLAY or PROTO_EAUTH); both sessions
 * stay usable. */
int lkc_test_channel(struct lkc_session *a, struct lkc_session *b, int mode,
    int *rejected, int *codes, char *err, size_t errcap);

/* ---- a server's local admin socket (ipc://, no TLS) ----
 * Operators and tests reach one key server directly through the socket in
 * its [listen] admin setting; file permissions protect it, and the server
 * accepts consensus commands (and counter resets) only there.
 * Each call returns 0, a transport error (PROTO_E*), the error code the
 * server answered with (e.g. CONS_ENOTLEADER, SRV_EUNKNOWN), or
 * LKC_EREPLY; err describes it. */

/* Maps a user or id argument to its 32 bytes: "hex:" and 64 hex digits,
 * "user:NAME" (an account's id in consensus), or a text of 1..32 bytes
 * zero-padded. Returns 0 or LKC_ECONFIG. */
int lkc_id_parse(uint8_t out[32], const char *text);

/* A consensus command (ATTEMPT, LOGIN_OK, UNLOCK, READ_USER, ...): the
 * reply comes once it committed (or the request's timeout_ms passed). */
int lkc_admin_cons(const char *url, const struct proto_msg_cons_admin_req *req,
    struct proto_msg_cons_admin_resp *out, int timeout_ms, char *err,
    size_t errcap);
int lkc_admin_status(const char *url, struct proto_msg_cons_status_resp *out,
    int timeout_ms, char *err, size_t errcap);
/* Test fault hook: drop traffic from/to the servers in the masks (bit i =
 * server i); 0, 0 heals. out: the status after the change. */
int lkc_admin_fault(const char *url, uint32_t drop_in, uint32_t drop_out,
    struct proto_msg_cons_status_resp *out, int timeout_ms, char *err,
    size_t errcap);

#endif
