/* proto/: messages of accounts, login and sessions (block 0x03xx) and of
 * the operations inside a session (block 0x04xx). The flows are in
 * docs/CLUSTER.md; the encoding rules in proto/WIRE.md. Bodies of frames
 * inside a session travel sealed by proto_chan; registration items are
 * sealed to one server with lk_seal. */
#ifndef PROTO_OPS_H
#define PROTO_OPS_H

#include "proto.h"

enum {
	PROTO_MAX_USER = 64, /* account name, UTF-8 bytes */
	PROTO_MAX_SEALED_UPLOAD = 1024, /* sealed tpake upload, n <= 16 */
	PROTO_MAX_LOGIN_EXT = 576, /* TPAKE_EXT_BYTES(16) */
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
	PROTO_T_OPS_FIRST = 0x0400,
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
	F(M, U32, idle_ms, 1, UINT32_MAX) \
	F(M, U32, lifetime_ms, 1, UINT32_MAX)

/* The registry of this header (list elements have type 0); operations of
 * block 0x04xx are added here as they are defined. */
#define PROTO_OPS_MESSAGES(X)                 \
	X(reg_prepare, PROTO_T_REG_PREPARE)   \
	X(reg_prepared, PROTO_T_REG_PREPARED) \
	X(reg_hash, 0)                        \
	X(reg_item, 0)                        \
	X(reg_commit, PROTO_T_REG_COMMIT)     \
	X(reg_done, PROTO_T_REG_DONE)         \
	X(reg_abort, PROTO_T_REG_ABORT)       \
	X(ack, PROTO_T_ACK)                   \
	X(login1, PROTO_T_LOGIN1)             \
	X(login2, PROTO_T_LOGIN2)             \
	X(login3, PROTO_T_LOGIN3)             \
	X(login_done, PROTO_T_LOGIN_DONE)

#define PROTO_OPS_DECLARE(name, typ) PROTO_STRUCT(name)
PROTO_OPS_MESSAGES(PROTO_OPS_DECLARE)
#undef PROTO_OPS_DECLARE

#endif
