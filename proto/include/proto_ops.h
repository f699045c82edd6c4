/* proto/: messages of accounts, login and sessions (block 0x03xx) and of
 * the operations inside a session (block 0x04xx). The flows are in
 * docs/CLUSTER.md; the encoding rules in proto/WIRE.md. Bodies of frames
 * inside a session travel sealed by proto_chan; registration items are
 * sealed to one server with lk_seal. */
#ifndef PROTO_OPS_H
#define PROTO_OPS_H

#include "proto.h"

/* The OPAQUE context string of every login (client and servers). */
#define LK_AKE_CONTEXT "lk-cluster-v1"

enum {
	PROTO_MAX_USER = 64, /* account name, UTF-8 bytes */
	PROTO_MAX_SEALED_UPLOAD = 1024, /* sealed tpake upload, n <= 16 */
	PROTO_MAX_LOGIN_EXT = 576, /* TPAKE_EXT_BYTES(16) */
	PROTO_MAX_OP_DATA = 64 * 1024, /* a secret or blob in one message */
	PROTO_MAX_WRAPPED_KEY = 256, /* a wrapped storage key */
	PROTO_MAX_AUDIT_KEYS = 16, /* key ids in one audit filter */
	PROTO_MAX_AUDIT_EVENTS = 64, /* events in one audit reply */
	PROTO_AUDIT_EVENT_BYTES = 84 /* SRV_AUDIT_EVENT_BYTES */
};

enum proto_ops_type {
	PROTO_T_REG_PREPARE = 0x0301,
	PROTO_T_REG_PREPARED = 0x0302,
	PROTO_T_REG_COMMIT = 0x0303,
	PROTO_T_REG_DONE = 0x0304,
	PROTO_T_REG_ABORT = 0x0305,
	PROTO_T_ACK = 0x0306,
	PROTO_T_LOGIN1 = 0x0310,
	PROTO_T_LOGIN2 = 0x0311,
	PROTO_T_LOGIN3 = 0x0312,
	PROTO_T_LOGIN_DONE = 0x0313,
	/* server <-> server on the pair1 links (the mailbox) */
	PROTO_T_PEER_FETCH = 0x0320,
	PROTO_T_PEER_ITEM = 0x0321,
	PROTO_T_OPS_FIRST = 0x0400,
	PROTO_T_OP_USER_ID = 0x0401, /* op_empty -> op_user_id */
	PROTO_T_OP_USER_ID_RESP = 0x0402,
	PROTO_T_OP_LOGOUT = 0x0403, /* op_empty -> ack */
	PROTO_T_OP_CHECK = 0x0404, /* op_empty -> ack */
	PROTO_T_OP_STORE_KEY = 0x0410, /* op_store -> ack */
	PROTO_T_OP_GET_KEY = 0x0411, /* op_get -> op_data */
	PROTO_T_OP_DATA = 0x0412,
	PROTO_T_OP_DELETE_KEY = 0x0413, /* op_delete -> ack */
	PROTO_T_OP_PUT_SKEY = 0x0420, /* op_put_skey -> ack */
	PROTO_T_OP_GET_SKEY = 0x0421, /* op_empty -> op_data */
	PROTO_T_OP_AUDIT = 0x0430, /* op_audit -> op_audit_resp */
	PROTO_T_OP_AUDIT_RESP = 0x0431,
	PROTO_T_OP_PASSWORD = 0x0440, /* op_password -> ack */
	PROTO_T_OPS_LAST = 0x04ff,
};

/* Phase 1 of registration (and of a password change): one server's
 * tpake upload, sealed to that server (info "lk register v1" || u16 index,
 * ad = user). */
#define PROTO_MSG_reg_prepare(F, M)        \
	F(M, STR, user, 1, PROTO_MAX_USER) \
	F(M, BYTES, item, 1, PROTO_MAX_SEALED_UPLOAD)

#define PROTO_MSG_reg_prepared(F, M)    \
	F(M, FIXED, commit_hash, 64, 0) \
	F(M, FIXED, record_hash, 32, 0)

#define PROTO_MSG_reg_hash(F, M)              \
	F(M, U16, server, 1, PROTO_MAX_NODES) \
	F(M, FIXED, record_hash, 32, 0)

#define PROTO_MSG_reg_item(F, M)              \
	F(M, U16, server, 1, PROTO_MAX_NODES) \
	F(M, BYTES, item, 1, PROTO_MAX_SEALED_UPLOAD)

/* Phase 2, to one prepared server (the coordinator): commit through
 * consensus, with the hashes of the prepared servers and the sealed items
 * of the servers that missed phase 1 (they take them from the mailbox). */
#define PROTO_MSG_reg_commit(F, M)                      \
	F(M, STR, user, 1, PROTO_MAX_USER)              \
	F(M, FIXED, commit_hash, 64, 0)                 \
	F(M, LIST, prepared, reg_hash, PROTO_MAX_NODES) \
	F(M, LIST, missed, reg_item, PROTO_MAX_NODES)

#define PROTO_MSG_reg_done(F, M) F(M, U64, version, 1, UINT64_MAX)

#define PROTO_MSG_reg_abort(F, M) F(M, STR, user, 1, PROTO_MAX_USER)

/* A plain acknowledgement (status 0); errors are ERROR frames. */
#define PROTO_MSG_ack(F, M) F(M, U16, status, 0, 0)

#define PROTO_MSG_login1(F, M)             \
	F(M, STR, user, 1, PROTO_MAX_USER) \
	F(M, FIXED, ke1, 96, 0)

#define PROTO_MSG_login2(F, M)   \
	F(M, FIXED, ke2, 320, 0) \
	F(M, BYTES, ext, 0, PROTO_MAX_LOGIN_EXT)

#define PROTO_MSG_login3(F, M)             \
	F(M, STR, user, 1, PROTO_MAX_USER) \
	F(M, FIXED, attempt_id, 32, 0)     \
	F(M, FIXED, ke3, 64, 0)

/* The first frame of the session's channel, server to client. */
#define PROTO_MSG_login_done(F, M)        \
	F(M, FIXED, user_id, 16, 0)       \
	F(M, U64, version, 1, UINT64_MAX) \
	F(M, U32, idle_ms, 1, UINT32_MAX) \
	F(M, U32, lifetime_ms, 1, UINT32_MAX)

/* The mailbox (docs/CLUSTER.md section 5), server to server on the pair1
 * links: a server that lacks a committed record asks its peers for it.
 * kind 1: an account (id = the account's user id hash, data = l1 user ||
 * the upload sealed to the asking server); kind 2: a key record (id = its
 * record id, data = what the peers store: kind || key id || content). The
 * receiver checks data against the hash committed in consensus. */
#define PROTO_MSG_peer_fetch(F, M) \
	F(M, U8, kind, 1, 2)       \
	F(M, FIXED, id, 32, 0)     \
	F(M, FIXED, hash, 32, 0)

#define PROTO_MSG_peer_item(F, M) \
	F(M, U8, kind, 1, 2)      \
	F(M, FIXED, id, 32, 0)    \
	F(M, FIXED, hash, 32, 0)  \
	F(M, BYTES, data, 1, PROTO_MAX_OP_DATA + 64)

/* ---- operations (block 0x04xx): bodies of sealed channel frames ---- */

/* A request with nothing to say. */
#define PROTO_MSG_op_empty(F, M) F(M, U8, flags, 0, 0)

#define PROTO_MSG_op_user_id(F, M) F(M, FIXED, user_id, 16, 0)

/* Key kinds: 1 a client-encrypted secret (generated or imported by the
 * client), 2 a blob the servers encrypt (size limit in the server's
 * [accounts] blob_max). */
enum proto_key_kind { PROTO_KEY_SECRET = 1, PROTO_KEY_BLOB = 2 };

/* Store a new key under a client-chosen random key id (ids live in the
 * account's namespace, so another account's id is simply unknown). */
#define PROTO_MSG_op_store(F, M)   \
	F(M, U8, kind, 1, 2)       \
	F(M, FIXED, key_id, 32, 0) \
	F(M, BYTES, data, 1, PROTO_MAX_OP_DATA)

/* Retrieve a key; export = 1 only changes the audit label (export). */
#define PROTO_MSG_op_get(F, M)  \
	F(M, U8, kind, 1, 2)    \
	F(M, U8, export_, 0, 1) \
	F(M, FIXED, key_id, 32, 0)

#define PROTO_MSG_op_data(F, M) F(M, BYTES, data, 0, PROTO_MAX_OP_DATA)

#define PROTO_MSG_op_delete(F, M) F(M, FIXED, key_id, 32, 0)

/* The storage key, wrapped by the client under a key derived from its
 * export key; stored once per password: acct_hash names the account
 * content (H("lk acct v1" || commit hash)) it belongs to, zero for the
 * current one (a password change stores the re-wrapped key first). */
#define PROTO_MSG_op_put_skey(F, M)                    \
	F(M, BYTES, wrapped, 1, PROTO_MAX_WRAPPED_KEY) \
	F(M, FIXED, acct_hash, 32, 0)

#define PROTO_MSG_audit_key(F, M) F(M, FIXED, key_id, 32, 0)

/* Lock-Keeper's filters: type 0 all, 1 system (no key), 2 key; key ids
 * (none: any); a time range in server wall-clock ms (0: open); a request
 * id when has_request = 1. */
#define PROTO_MSG_op_audit(F, M)                             \
	F(M, U8, type, 0, 2)                                 \
	F(M, LIST, key_ids, audit_key, PROTO_MAX_AUDIT_KEYS) \
	F(M, U64, after_ms, 0, UINT64_MAX)                   \
	F(M, U64, before_ms, 0, UINT64_MAX)                  \
	F(M, U8, has_request, 0, 1)                          \
	F(M, FIXED, request_id, 16, 0)

/* One event (server/audit.h encoding) and the chain value after it. */
#define PROTO_MSG_audit_rec(F, M)                      \
	F(M, FIXED, event, PROTO_AUDIT_EVENT_BYTES, 0) \
	F(M, FIXED, chain, 32, 0)

/* The newest matching events (at most PROTO_MAX_AUDIT_EVENTS, oldest
 * first), the account's chain head and its length on this server. */
#define PROTO_MSG_op_audit_resp(F, M)    \
	F(M, FIXED, head, 32, 0)         \
	F(M, U64, length, 0, UINT64_MAX) \
	F(M, LIST, events, audit_rec, PROTO_MAX_AUDIT_EVENTS)

/* Password change inside a session: this server's new upload, sealed to
 * it for the account's next version (as registration's items), and the
 * sealed uploads of the servers outside the session (mailbox). */
#define PROTO_MSG_op_password(F, M)                   \
	F(M, BYTES, item, 1, PROTO_MAX_SEALED_UPLOAD) \
	F(M, LIST, missed, reg_item, PROTO_MAX_NODES)

/* The registry of this header (list elements have type 0); operations of
 * block 0x04xx are added here as they are defined. */
#define PROTO_OPS_MESSAGES(X)                   \
	X(reg_prepare, PROTO_T_REG_PREPARE)     \
	X(reg_prepared, PROTO_T_REG_PREPARED)   \
	X(reg_hash, 0)                          \
	X(reg_item, 0)                          \
	X(reg_commit, PROTO_T_REG_COMMIT)       \
	X(reg_done, PROTO_T_REG_DONE)           \
	X(reg_abort, PROTO_T_REG_ABORT)         \
	X(ack, PROTO_T_ACK)                     \
	X(login1, PROTO_T_LOGIN1)               \
	X(login2, PROTO_T_LOGIN2)               \
	X(login3, PROTO_T_LOGIN3)               \
	X(login_done, PROTO_T_LOGIN_DONE)       \
	X(peer_fetch, PROTO_T_PEER_FETCH)       \
	X(peer_item, PROTO_T_PEER_ITEM)         \
	X(op_empty, 0)                          \
	X(op_user_id, PROTO_T_OP_USER_ID_RESP)  \
	X(op_store, PROTO_T_OP_STORE_KEY)       \
	X(op_get, PROTO_T_OP_GET_KEY)           \
	X(op_data, PROTO_T_OP_DATA)             \
	X(op_delete, PROTO_T_OP_DELETE_KEY)     \
	X(op_put_skey, PROTO_T_OP_PUT_SKEY)     \
	X(audit_key, 0)                         \
	X(op_audit, PROTO_T_OP_AUDIT)           \
	X(audit_rec, 0)                         \
	X(op_audit_resp, PROTO_T_OP_AUDIT_RESP) \
	X(op_password, PROTO_T_OP_PASSWORD)

#define PROTO_OPS_DECLARE(name, typ) PROTO_STRUCT(name)
PROTO_OPS_MESSAGES(PROTO_OPS_DECLARE)
#undef PROTO_OPS_DECLARE

#endif
