/* proto/: the project's wire format. Byte-level specification: proto/WIRE.md.
 *
 * Every message travels in a frame:
 *
 *   magic u16 = 0x4c4b ("LK") | version u8 | flags u8 | type u16 |
 *   sender u16 | session id [16] | subsession id u64 | sequence u64 |
 *   body length u32 | body
 *
 * and each body is described once by an X-macro field list (proto_schema.h).
 * Decoding is strict: the frame must be exactly header + length bytes, the
 * body must match its type's schema with no trailing bytes. */
#ifndef PROTO_H
#define PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "proto_buf.h"
#include "proto_err.h"
#include "proto_schema.h"

#define PROTO_MAGIC       0x4c4b
#define PROTO_VERSION_MIN 1
#define PROTO_VERSION_MAX 1
#define PROTO_HDR_BYTES   44
#define PROTO_SID_BYTES   16

enum {
	PROTO_MAX_NODES = 16, /* servers in a cluster */
	PROTO_MAX_DETAIL = 256, /* error detail text */
	PROTO_MAX_INNER = 128 * 1024, /* one routed request or reply */
	PROTO_MAX_BODY = 4 * 1024 * 1024 /* any frame body */
};

/* Sender indexes: 0 is a client or the aggregator, 1..n are servers. */
#define PROTO_SENDER_CLIENT 0

enum proto_flags {
	PROTO_F_RESPONSE = 0x01, /* a reply to a request of the same sid/ssid */
	PROTO_F_SEALED = 0x02, /* body is an AEAD record of a channel */
	PROTO_F_KNOWN = 0x03
};

/* Message types. Blocks: 0x00xx this header's own messages, 0x01xx
 * consensus, 0x02xx MPC, 0x03xx login and sessions, 0x04xx operations. */
enum proto_type {
	PROTO_T_INVALID = 0x0000,
	PROTO_T_ERROR = 0x0001,
	PROTO_T_HEALTH_REQ = 0x0002,
	PROTO_T_HEALTH_RESP = 0x0003,
	PROTO_T_CLUSTER_HEALTH_REQ = 0x0004,
	PROTO_T_CLUSTER_HEALTH_RESP = 0x0005,
	PROTO_T_FANOUT_REQ = 0x0006,
	PROTO_T_FANOUT_RESP = 0x0007,
	PROTO_T_PEER_HEARTBEAT = 0x0008,
	PROTO_T_PING = 0x0009,
	PROTO_T_PONG = 0x000a,
	PROTO_T_CONS_FIRST = 0x0100,
	/* server <-> server on the pair1 links: the body is one consensus
	 * message as encoded by consensus/ (cons_msg_encode), no schema */
	PROTO_T_CONS_RAFT = 0x0100,
	/* local admin socket only (never the aggregator-facing endpoint) */
	PROTO_T_CONS_ADMIN_REQ = 0x0110,
	PROTO_T_CONS_ADMIN_RESP = 0x0111,
	PROTO_T_CONS_STATUS_REQ = 0x0112,
	PROTO_T_CONS_STATUS_RESP = 0x0113,
	PROTO_T_CONS_FAULT_REQ = 0x0114,
	PROTO_T_CONS_LAST = 0x01ff,
	PROTO_T_MPC_FIRST = 0x0200,
	PROTO_T_MPC_LAST = 0x02ff,
};

struct proto_hdr {
	uint8_t version;
	uint8_t flags;
	uint16_t type;
	uint16_t sender;
	uint8_t sid[PROTO_SID_BYTES];
	uint64_t ssid;
	uint64_t seq;
	uint32_t len; /* body length; filled in by proto_frame_* */
};

/* ---- message descriptions ---- */

/* A reply that carries a stable error code (any library's block) and the
 * versions this peer speaks, so a client can renegotiate. */
#define PROTO_MSG_error(F, M)         \
	F(M, U16, code, 1, 999)       \
	F(M, U8, min_version, 1, 255) \
	F(M, U8, max_version, 1, 255) \
	F(M, STR, detail, 0, PROTO_MAX_DETAIL)

#define PROTO_MSG_health_req(F, M) F(M, U8, detail, 0, 1)

/* HEALTH role: what the server is in consensus. */
enum proto_role {
	PROTO_ROLE_NONE = 0, /* not running consensus */
	PROTO_ROLE_FOLLOWER = 1,
	PROTO_ROLE_CANDIDATE = 2, /* also a pre-candidate */
	PROTO_ROLE_LEADER = 3
};

/* HEALTH status bits (and CONS_STATUS_RESP status). */
enum proto_health_status {
	PROTO_HS_SERVING = 0x01, /* answers consensus commands */
	PROTO_HS_RECOVERING = 0x02, /* restarted: waits for every peer */
	PROTO_HS_CATCHING_UP = 0x04, /* log behind the recovery floor */
	PROTO_HS_FAULT = 0x08, /* a test fault hook drops peer traffic */
	PROTO_HS_STALE = 0x10 /* a stored record is older than committed
	                         (rolled-back or damaged LMDB): refused */
};

#define PROTO_MSG_peer_state(F, M)        \
	F(M, U16, id, 1, PROTO_MAX_NODES) \
	F(M, U8, up, 0, 1)                \
	F(M, U64, last_heard_ms, 0, UINT64_MAX)

/* A server's own health. last_heard_ms is the age of the newest message on
 * the link, UINT64_MAX if none yet. */
#define PROTO_MSG_health_resp(F, M)                    \
	F(M, U16, id, 1, PROTO_MAX_NODES)              \
	F(M, U16, n, 1, PROTO_MAX_NODES)               \
	F(M, U16, t, 1, PROTO_MAX_NODES)               \
	F(M, U64, uptime_ms, 0, UINT64_MAX)            \
	F(M, FIXED, boot_id, 16, 0)                    \
	F(M, LIST, peers, peer_state, PROTO_MAX_NODES) \
	F(M, U64, db_entries, 0, UINT64_MAX)           \
	F(M, U64, db_pages, 0, UINT64_MAX)             \
	F(M, U64, db_map_size, 0, UINT64_MAX)          \
	F(M, U64, db_last_txn, 0, UINT64_MAX)          \
	F(M, U8, role, 0, 3)                           \
	F(M, U64, term, 0, UINT64_MAX)                 \
	F(M, U64, commit, 0, UINT64_MAX)               \
	F(M, U32, status, 0, UINT32_MAX)

#define PROTO_MSG_cluster_health_req(F, M) F(M, U32, deadline_ms, 1, 60000)

/* One row per configured server: status 0 with one info entry when it
 * answered, else the error code (PROTO_ETIMEOUT, PROTO_EUNAVAIL, ...). */
#define PROTO_MSG_server_health(F, M)     \
	F(M, U16, id, 1, PROTO_MAX_NODES) \
	F(M, U16, status, 0, 999)         \
	F(M, U32, rtt_us, 0, UINT32_MAX)  \
	F(M, LIST, info, health_resp, 1)

#define PROTO_MSG_cluster_health_resp(F, M) \
	F(M, U16, n, 1, PROTO_MAX_NODES)    \
	F(M, U16, t, 1, PROTO_MAX_NODES)    \
	F(M, LIST, servers, server_health, PROTO_MAX_NODES)

/* The aggregator's routing envelope: each item is a complete frame for one
 * server, forwarded without being read; the results come back the same
 * way, one per item, with status 0 or the transport error. */
#define PROTO_MSG_fanout_item(F, M)           \
	F(M, U16, server, 1, PROTO_MAX_NODES) \
	F(M, BYTES, frame, PROTO_HDR_BYTES, PROTO_MAX_INNER)

#define PROTO_MSG_fanout_req(F, M)       \
	F(M, U32, deadline_ms, 1, 60000) \
	F(M, LIST, items, fanout_item, PROTO_MAX_NODES)

#define PROTO_MSG_fanout_result(F, M)         \
	F(M, U16, server, 1, PROTO_MAX_NODES) \
	F(M, U16, status, 0, 999)             \
	F(M, U32, rtt_us, 0, UINT32_MAX)      \
	F(M, BYTES, frame, 0, PROTO_MAX_INNER)

#define PROTO_MSG_fanout_resp(F, M) \
	F(M, LIST, items, fanout_result, PROTO_MAX_NODES)

/* Liveness on server-to-server links. */
#define PROTO_MSG_peer_heartbeat(F, M)    \
	F(M, U16, id, 1, PROTO_MAX_NODES) \
	F(M, FIXED, boot_id, 16, 0)       \
	F(M, U64, counter, 0, UINT64_MAX)

/* Liveness of a listener: every request endpoint answers PING with PONG
 * carrying the same nonce (used by the listener watchdog). */
#define PROTO_MSG_ping(F, M) F(M, U64, nonce, 0, UINT64_MAX)
#define PROTO_MSG_pong(F, M) F(M, U64, nonce, 0, UINT64_MAX)

/* Consensus commands from the local admin socket (operators, tests). op is
 * a command type of consensus/ (cons.h enum cons_cmd_type): ATTEMPT 1,
 * LOGIN_OK 2, UNLOCK 3, READ_USER 7, READ_RECORD 8, NOP 9; others are
 * refused. client_id 0 lets the server pick the session (then seq must be
 * 0); otherwise (client_id, seq >= 1) is the client's session, so a retry
 * with the same pair is executed once. timeout_ms bounds the wait for the
 * commit; past it the answer is an ERROR with SRV_EUNKNOWN (the command
 * may still commit: an ATTEMPT counts as counted). */
#define PROTO_MSG_cons_admin_req(F, M)      \
	F(M, U8, op, 1, 9)                  \
	F(M, FIXED, user, 32, 0)            \
	F(M, FIXED, id, 32, 0)              \
	F(M, U64, client_id, 0, UINT64_MAX) \
	F(M, U64, seq, 0, UINT64_MAX)       \
	F(M, U32, timeout_ms, 1, 60000)

/* The state machine's result once the command is applied (status: cons.h
 * enum cons_status_code), the log index it was applied at, and local = 1
 * when this server's own attempt backstop refused it (status LOCKED, not
 * proposed). */
#define PROTO_MSG_cons_admin_resp(F, M)      \
	F(M, U8, status, 0, 8)               \
	F(M, U64, value, 0, UINT64_MAX)      \
	F(M, U32, backoff_ms, 0, UINT32_MAX) \
	F(M, FIXED, hash, 32, 0)             \
	F(M, U64, index, 0, UINT64_MAX)      \
	F(M, U8, local, 0, 1)

#define PROTO_MSG_cons_status_req(F, M) F(M, U8, detail, 0, 1)

/* The consensus view of one server. role as HEALTH; leader and vote are
 * server ids (0 = none, vote 254 = spent by a recovery); status has the
 * HEALTH bits; drop_in/drop_out are the fault hook's masks (bit i = server
 * i). */
#define PROTO_MSG_cons_status_resp(F, M)        \
	F(M, U16, id, 1, PROTO_MAX_NODES)       \
	F(M, U16, n, 1, PROTO_MAX_NODES)        \
	F(M, U8, role, 0, 3)                    \
	F(M, U16, leader, 0, PROTO_MAX_NODES)   \
	F(M, U8, vote, 0, 254)                  \
	F(M, U32, status, 0, UINT32_MAX)        \
	F(M, U64, term, 0, UINT64_MAX)          \
	F(M, U64, commit, 0, UINT64_MAX)        \
	F(M, U64, applied, 0, UINT64_MAX)       \
	F(M, U64, last_index, 0, UINT64_MAX)    \
	F(M, U64, last_term, 0, UINT64_MAX)     \
	F(M, U64, durable_index, 0, UINT64_MAX) \
	F(M, U64, floor_index, 0, UINT64_MAX)   \
	F(M, U64, floor_term, 0, UINT64_MAX)    \
	F(M, U64, recovery_term, 0, UINT64_MAX) \
	F(M, U32, pending, 0, UINT32_MAX)       \
	F(M, U64, proposed, 0, UINT64_MAX)      \
	F(M, U64, answered, 0, UINT64_MAX)      \
	F(M, U64, unknown, 0, UINT64_MAX)       \
	F(M, U64, refused, 0, UINT64_MAX)       \
	F(M, U32, drop_in, 0, UINT32_MAX)       \
	F(M, U32, drop_out, 0, UINT32_MAX)

/* Test fault hook (admin socket only): drop every message from (drop_in)
 * and to (drop_out) the servers whose bits are set, heartbeats included;
 * 0, 0 heals. Answered with CONS_STATUS_RESP. */
#define PROTO_MSG_cons_fault_req(F, M)    \
	F(M, U32, drop_in, 0, UINT32_MAX) \
	F(M, U32, drop_out, 0, UINT32_MAX)

/* The registry: every message with its frame type (0 = list element). */
#define PROTO_MESSAGES(X)                                   \
	X(error, PROTO_T_ERROR)                             \
	X(health_req, PROTO_T_HEALTH_REQ)                   \
	X(peer_state, 0)                                    \
	X(health_resp, PROTO_T_HEALTH_RESP)                 \
	X(cluster_health_req, PROTO_T_CLUSTER_HEALTH_REQ)   \
	X(server_health, 0)                                 \
	X(cluster_health_resp, PROTO_T_CLUSTER_HEALTH_RESP) \
	X(fanout_item, 0)                                   \
	X(fanout_req, PROTO_T_FANOUT_REQ)                   \
	X(fanout_result, 0)                                 \
	X(fanout_resp, PROTO_T_FANOUT_RESP)                 \
	X(peer_heartbeat, PROTO_T_PEER_HEARTBEAT)           \
	X(ping, PROTO_T_PING)                               \
	X(pong, PROTO_T_PONG)                               \
	X(cons_admin_req, PROTO_T_CONS_ADMIN_REQ)           \
	X(cons_admin_resp, PROTO_T_CONS_ADMIN_RESP)         \
	X(cons_status_req, PROTO_T_CONS_STATUS_REQ)         \
	X(cons_status_resp, PROTO_T_CONS_STATUS_RESP)       \
	X(cons_fault_req, PROTO_T_CONS_FAULT_REQ)

#define PROTO_DECLARE(name, typ) PROTO_STRUCT(name)
PROTO_MESSAGES(PROTO_DECLARE)
#undef PROTO_DECLARE

/* The schema of a frame type defined here, or NULL. */
const struct proto_schema *proto_schema_for_type(uint16_t type);
/* Every schema of the registry (list elements have type 0), for generic
 * tests and tools; NULL-terminated. */
extern const struct proto_schema *const proto_all_schemas[];

/* ---- frames ---- */

/* proto_frame_parse checks magic, version range, known flags, a non-zero
 * type and that len == PROTO_HDR_BYTES + body length <= max_body. On
 * success *body points into buf. On PROTO_EVERSION, h->version holds the
 * peer's version so the caller can answer with an error frame. */
int proto_frame_parse(struct proto_hdr *h, const uint8_t **body,
    const uint8_t *buf, size_t len, size_t max_body);

/* proto_frame_begin writes the header (length 0) and returns the offset to
 * patch; proto_frame_end fills in the body length. Together they let any
 * encoder (schema or hand-written) produce a framed body in place. */
size_t proto_frame_begin(struct proto_wbuf *w, const struct proto_hdr *h);
int proto_frame_end(struct proto_wbuf *w, size_t begin);

/* Encodes header + schema body. msg must match s; h->type is taken from
 * s->type. Returns 0 or a PROTO_E* code; *len receives the frame length. */
int proto_frame_encode(uint8_t *buf, size_t cap, size_t *len,
    const struct proto_hdr *h, const struct proto_schema *s, const void *msg);

/* Decodes a whole frame whose type must equal s->type. */
int proto_frame_decode(struct proto_hdr *h, const struct proto_schema *s,
    void *msg, const uint8_t *buf, size_t len, size_t max_body);

/* Type-checked forms: the compiler rejects a struct of the wrong message. */
#define PROTO_TYPED(name, msg) \
	((void) sizeof((msg) == (struct proto_msg_##name *) 0), (msg))
#define PROTO_ENCODE(name, buf, cap, len, h, msg) \
	proto_frame_encode(                       \
	    buf, cap, len, h, &proto_schema_##name, PROTO_TYPED(name, msg))
#define PROTO_DECODE(name, h, msg, buf, len, max) \
	proto_frame_decode(                       \
	    h, &proto_schema_##name, PROTO_TYPED(name, msg), buf, len, max)

/* Builds an error reply to request header req (same sid, ssid, seq,
 * RESPONSE flag), carrying code and detail. */
int proto_error_encode(uint8_t *buf, size_t cap, size_t *len,
    const struct proto_hdr *req, uint16_t sender, int code, const char *detail);

#endif
