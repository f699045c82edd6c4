/* consensus/: a compact Raft core, its wire encoding, the key-server state
 * machine and the log stores (LMDB and in-memory).
 *
 * The core (cons_node_*) and the state machine (cons_sm_*) are pure: no I/O,
 * no threads, no clock, no global state. Time arrives as ticks, randomness
 * as seeds, messages as decoded structs. A daemon drives a node from one
 * owner thread:
 *
 *   for (;;) {
 *       ev = next event (tick timer, peer message, persist done, proposal);
 *       cons_node_step(node, &acts, &ev);
 *       for each action in order:
 *           PERSIST -> write it to the store (in order), make it durable,
 *                      later feed CONS_EV_PERSISTED with its id;
 *           SEND    -> encode with cons_msg_encode and send to act.to;
 *           APPLY   -> apply to the state machine, answer waiting clients.
 *   }
 *
 * The full design (message semantics, fsync discipline, rollback-aware
 * voting, state machine semantics, simulator) is in docs/CONSENSUS.md. */
#ifndef CONS_H
#define CONS_H

#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------------ */
/* Errors (block 400..499, see lk_err.h). Numbers never change. Decoders
 * also pass up PROTO_E* codes from the byte cursors unchanged. */
enum cons_err {
	CONS_EINVAL = 400, /* invalid argument (programmer error) */
	CONS_ENOMEM = 401, /* allocation failed */
	CONS_ENOTLEADER = 402, /* no known leader to take a proposal */
	CONS_ENOTREADY = 403, /* recovering after a restart: not serving */
	CONS_EBUSY = 404, /* too many uncommitted entries */
	CONS_EMSG = 405, /* message semantically invalid */
	CONS_ECMD = 406, /* command semantically invalid */
	CONS_EIO = 407, /* store I/O failed: the caller must stop */
	CONS_ECORRUPT = 408, /* store content is invalid */
	CONS_EFAILED = 409, /* store already failed (fail-stop latch) */
	CONS_ESNAPSHOT = 410, /* state-machine snapshot is invalid */
	CONS_ETOOBIG = 411, /* a size limit was exceeded */
};

/* Returns a static string for a CONS_E* code (or "unknown error"). */
const char *cons_strerror(int code);

/* ------------------------------------------------------------------ */
/* Limits. */
#define CONS_MAX_NODES   9 /* static membership, 1..9 nodes */
#define CONS_ENTRY_MAX   512 /* bytes of one log entry's data */
#define CONS_MSG_ENTRIES 256 /* entries in one message */
#define CONS_MSG_MAX     (40 + CONS_MSG_ENTRIES * (13 + CONS_ENTRY_MAX))
#define CONS_VOTE_NONE   0xffu /* not voted in the current term */
#define CONS_VOTE_SPENT  0xfeu /* vote unknown after a recovery: spent */

/* ------------------------------------------------------------------ */
/* Log entries. */
enum cons_entry_type {
	CONS_ENTRY_NOOP = 1, /* a new leader's first entry; no data */
	CONS_ENTRY_CMD = 2, /* an encoded state-machine command */
};

/* One entry. data is borrowed: entries in actions point into the node and
 * live until the next cons_node_step; decoded entries point into the
 * decoder's input. */
struct cons_entry {
	uint64_t term;
	uint64_t index;
	uint8_t type;
	uint32_t len;
	const uint8_t *data;
};

/* ------------------------------------------------------------------ */
/* Messages between nodes. One flat struct; which fields are used depends
 * on the type (see docs/CONSENSUS.md §2 and cons_msg_encode). */
enum cons_msg_type {
	CONS_MSG_PREVOTE = 1, /* term=prospective, index/log_term=last */
	CONS_MSG_PREVOTE_RESP = 2, /* term=asked or own if higher, ok */
	CONS_MSG_VOTE = 3, /* term, index/log_term=candidate's last */
	CONS_MSG_VOTE_RESP = 4, /* term, ok */
	CONS_MSG_APPEND = 5, /* term, index/log_term=prev, commit, ents */
	CONS_MSG_APPEND_RESP = 6, /* term, ok, index=match or hint */
	CONS_MSG_RECOVER = 7, /* term, nonce, boot_term, boot last */
	CONS_MSG_RECOVER_RESP
	= 8, /* term, nonce, index/log_term=last, commit */
	CONS_MSG_PROPOSE = 9, /* follower->leader forward: ents (CMD) */
};

struct cons_msg {
	uint8_t type;
	uint8_t from;
	uint8_t to;
	uint8_t ok; /* RESP types: granted / success */
	uint64_t term;
	uint64_t index; /* last or prev index, match or hint */
	uint64_t log_term; /* last or prev term */
	uint64_t commit; /* APPEND, RECOVER_RESP */
	uint64_t nonce; /* RECOVER, RECOVER_RESP */
	uint64_t inc; /* RECOVER_RESP: the responder's boot nonce */
	uint64_t boot_term; /* RECOVER: the term storage held at start */
	size_t n_entries; /* APPEND, PROPOSE */
	const struct cons_entry *entries;
};

/* Encodes m. Returns 0, CONS_EMSG when m breaks a rule the decoder checks,
 * or PROTO_ESPACE when cap is too small (CONS_MSG_MAX always suffices).
 * Out: out (cap bytes), *outlen. */
int cons_msg_encode(
    uint8_t *out, size_t cap, size_t *outlen, const struct cons_msg *m);

/* Strictly decodes a message: known type, node ids < n, from != to, field
 * ranges, entry count <= CONS_MSG_ENTRIES and <= ents_cap, entry indices
 * consecutive after m->index, entry sizes, no trailing bytes. On failure
 * *m is zeroed. Entry data points into buf.
 * Returns 0, CONS_EMSG or a PROTO_E* code.
 * Out: m, ents (ents_cap slots). In: n (cluster size), buf. */
int cons_msg_decode(struct cons_msg *m, struct cons_entry *ents,
    size_t ents_cap, unsigned n, const uint8_t *buf, size_t len);

/* ------------------------------------------------------------------ */
/* The Raft core. */

struct cons_config {
	uint8_t id; /* this node, 0..n-1 */
	uint8_t n; /* cluster size, 1..CONS_MAX_NODES */
	uint32_t election_ticks; /* base election timeout (randomised to
	                            [e, 2e)); > heartbeat_ticks */
	uint32_t heartbeat_ticks;
	uint32_t max_batch; /* entries per APPEND (<= CONS_MSG_ENTRIES) */
	uint32_t window; /* APPENDs in flight per peer (pipeline) */
	uint32_t max_uncommitted; /* leader refuses proposals past this */
	uint64_t rng_seed; /* election jitter (injected randomness) */
	uint64_t boot_nonce; /* fresh random per process start: makes
	                        recovery replies unforgeable by replay */
};

/* What the store held at start. entries are consecutive from
 * snap_index + 1; the node copies them. applied: the state machine's
 * applied index as restored by the embedder (>= snap_index). */
struct cons_boot {
	uint64_t term;
	uint8_t vote;
	uint64_t snap_index; /* last index covered by the SM snapshot */
	uint64_t snap_term;
	const struct cons_entry *entries;
	size_t n_entries;
};

enum cons_event_type {
	CONS_EV_TICK = 1,
	CONS_EV_MSG = 2, /* msg: decoded message addressed to us */
	CONS_EV_PERSISTED = 3, /* persist_id: every PERSIST <= id durable */
	CONS_EV_PROPOSE = 4, /* cmds: encoded commands to replicate */
};

struct cons_event {
	uint8_t type;
	const struct cons_msg *msg;
	uint64_t persist_id;
	size_t n_cmds;
	const uint8_t *const *cmds; /* n_cmds commands ... */
	const size_t *cmd_lens; /* ... and their lengths */
};

enum cons_action_type {
	CONS_ACT_PERSIST = 1, /* make durable, then CONS_EV_PERSISTED */
	CONS_ACT_SEND = 2, /* send msg to msg.to */
	CONS_ACT_APPLY = 3, /* apply entry to the state machine */
};

/* PERSIST: one atomic write, in order: if has_hard, set term and vote;
 * if truncate_from, delete log entries with index >= truncate_from; then
 * append entries. Durability is reported back by id (ids increase by 1). */
struct cons_persist {
	uint64_t id;
	int has_hard;
	uint64_t term;
	uint8_t vote;
	uint64_t truncate_from;
	size_t n_entries;
	const struct cons_entry *entries;
};

struct cons_action {
	uint8_t type;
	struct cons_persist persist; /* PERSIST */
	struct cons_msg msg; /* SEND */
	struct cons_entry entry; /* APPLY */
};

/* Actions of one step, owned by the node, valid until its next step. */
struct cons_actions {
	size_t n;
	const struct cons_action *v;
};

enum cons_role {
	CONS_FOLLOWER = 0,
	CONS_PRECANDIDATE = 1,
	CONS_CANDIDATE = 2,
	CONS_LEADER = 3,
};

struct cons_status {
	uint8_t role;
	uint8_t leader; /* CONS_VOTE_NONE when unknown */
	uint8_t vote;
	int recovering; /* waiting for every peer's term after a start */
	int serving; /* accepts proposals (see docs §3) */
	uint64_t term;
	uint64_t commit;
	uint64_t applied;
	uint64_t last_index;
	uint64_t last_term;
	uint64_t durable_index; /* durable log prefix equal to memory */
	uint64_t first_index; /* first index held in memory */
	int floor_on; /* log behind the recovery floor (docs §3) */
	uint64_t floor_term, floor_index;
	uint64_t recovery_term; /* M: term whose vote recovery spent */
};

struct cons_node;

/* Creates a node from its configuration and persisted state. Every start
 * (also a clean restart) begins in recovery: see docs/CONSENSUS.md §3.
 * Returns 0, CONS_EINVAL, CONS_ENOMEM. Out: *out (free with
 * cons_node_free). In: cfg, boot (the node copies what it needs), applied
 * (index the embedder's restored state machine has applied). */
int cons_node_new(struct cons_node **out, const struct cons_config *cfg,
    const struct cons_boot *boot, uint64_t applied);

/* Frees a node (NULL is a no-op). */
void cons_node_free(struct cons_node *node);

/* Feeds one event and returns the resulting actions, which must be carried
 * out in order (PERSISTs in id order). A message for another node, from an
 * unknown node or from ourselves is ignored.
 * Returns 0; for CONS_EV_PROPOSE also CONS_ENOTLEADER (no leader known),
 * CONS_ENOTREADY (recovering), CONS_EBUSY, CONS_ETOOBIG or CONS_ECMD; the
 * proposal then changed nothing. CONS_EINVAL for a bad event.
 * Out: acts. In: ev. */
int cons_node_step(struct cons_node *node, struct cons_actions *acts,
    const struct cons_event *ev);

/* Out: st, the node's current role, term, indices and flags. */
void cons_node_status(const struct cons_node *node, struct cons_status *st);

/* Returns the term of the entry at index (snap_term at the snapshot
 * index), or 0 when the node does not hold it. */
uint64_t cons_node_term_at(const struct cons_node *node, uint64_t index);

/* Out: *e, a view of the entry at index (valid until the next step).
 * Returns 0 or CONS_EINVAL when not held. */
int cons_node_entry(
    const struct cons_node *node, struct cons_entry *e, uint64_t index);

/* ------------------------------------------------------------------ */
/* The key-server state machine. Deterministic: the same commands in the
 * same order give the same results and the same snapshot bytes. */

#define CONS_ID_BYTES    32 /* user, attempt, record and key ids, hashes */
#define CONS_SESSION_WIN 64 /* results kept per client session */

enum cons_cmd_type {
	CONS_CMD_ATTEMPT = 1, /* user, attempt_id */
	CONS_CMD_LOGIN_OK = 2, /* user, attempt_id */
	CONS_CMD_UNLOCK = 3, /* user */
	CONS_CMD_SET_RECORD = 4, /* id, version, hash */
	CONS_CMD_DELETE_RECORD = 5, /* id, version */
	CONS_CMD_SET_EPOCH = 6, /* id (key), version (epoch) */
	CONS_CMD_READ_USER = 7, /* user: count through the log */
	CONS_CMD_READ_RECORD = 8, /* id: version/hash through the log */
	CONS_CMD_NOP = 9, /* barrier: commits nothing */
};

struct cons_cmd {
	uint64_t client_id; /* session: (client_id, seq) is executed once */
	uint64_t seq; /* >= 1 */
	uint8_t type;
	uint8_t user[CONS_ID_BYTES];
	uint8_t id[CONS_ID_BYTES]; /* attempt, record or key id */
	uint64_t version; /* record version or key epoch */
	uint8_t hash[CONS_ID_BYTES]; /* SET_RECORD */
};

enum cons_status_code {
	CONS_R_OK = 0,
	CONS_R_BACKOFF = 1, /* counted; wait backoff_ms before answering */
	CONS_R_LOCKED = 2, /* at the hard limit: not counted, refuse */
	CONS_R_NOTFOUND = 3, /* LOGIN_OK for an attempt never counted, or an
	                        unknown record/key */
	CONS_R_STALE = 4, /* version/epoch not greater than the current */
	CONS_R_DELETED = 5, /* record is tombstoned */
	CONS_R_OLDSEQ = 6, /* seq fell out of the session window: its
	                      result is gone (it did execute once) */
	CONS_R_BADCMD = 7, /* undecodable command in the log */
	CONS_R_DONE = 8, /* ATTEMPT of an attempt that already logged in */
};

struct cons_result {
	uint8_t status;
	uint64_t value; /* count, version or epoch */
	uint32_t backoff_ms;
	uint8_t hash[CONS_ID_BYTES]; /* READ_RECORD */
};

struct cons_sm_params {
	uint32_t soft_limit; /* attempts beyond this get backoff */
	uint32_t hard_limit; /* >= 1: the attempt that reaches it is the
	                        last one answered; later ones are LOCKED */
	uint32_t backoff_base_ms;
	uint32_t backoff_max_ms;
	uint32_t max_sessions; /* client sessions kept (oldest evicted) */
};

#define CONS_CMD_MAX_BYTES    (1 + 8 + 8 + 3 * CONS_ID_BYTES + 8)
#define CONS_RESULT_MAX_BYTES (1 + 8 + 4 + CONS_ID_BYTES)

/* Encodes a command (type-dependent fields only).
 * Returns 0, CONS_ECMD (unknown type, seq 0) or PROTO_ESPACE. */
int cons_cmd_encode(
    uint8_t *out, size_t cap, size_t *outlen, const struct cons_cmd *c);
/* Strict decode; *c zeroed on failure. Returns 0, CONS_ECMD or PROTO_E*. */
int cons_cmd_decode(struct cons_cmd *c, const uint8_t *buf, size_t len);
int cons_result_encode(
    uint8_t *out, size_t cap, size_t *outlen, const struct cons_result *r);
int cons_result_decode(struct cons_result *r, const uint8_t *buf, size_t len);

struct cons_sm;

/* Returns 0, CONS_EINVAL or CONS_ENOMEM. Out: *out. */
int cons_sm_new(struct cons_sm **out, const struct cons_sm_params *p);
void cons_sm_free(struct cons_sm *sm);

/* Applies one committed log entry (index must be applied + 1; NOOP entries
 * only advance the index). Undecodable commands give CONS_R_BADCMD and
 * change nothing but the index. Returns 0, CONS_EINVAL (index out of
 * order) or CONS_ENOMEM (the caller must stop: state is then undefined).
 * Out: res (may be NULL), *is_cmd (1 when res holds a command result; may
 * be NULL). In: e. */
int cons_sm_apply(struct cons_sm *sm, struct cons_result *res, int *is_cmd,
    const struct cons_entry *e);

uint64_t cons_sm_applied(const struct cons_sm *sm);

/* Read-only view of one user, for tests and HEALTH (not for decisions:
 * those go through the log). Returns 0 or CONS_R_NOTFOUND. */
int cons_sm_user(const struct cons_sm *sm, uint32_t *count, int *locked,
    const uint8_t user[CONS_ID_BYTES]);

/* Read-only view of one record as applied so far: version, hash and
 * whether it is tombstoned. A server reads it right after one of its own
 * commands applied (so it reflects every command committed before that
 * one). Returns 0 or CONS_R_NOTFOUND (outputs zeroed). */
int cons_sm_record(const struct cons_sm *sm, uint64_t *version,
    uint8_t hash[CONS_ID_BYTES], int *deleted, const uint8_t id[CONS_ID_BYTES]);

/* Canonical snapshot (sorted, so equal states give equal bytes). With
 * out == NULL only *outlen is set. Returns 0, PROTO_ESPACE, CONS_ENOMEM. */
int cons_sm_snapshot(
    const struct cons_sm *sm, uint8_t *out, size_t cap, size_t *outlen);
/* Replaces the state with a decoded snapshot (strict; the state is
 * unchanged on failure). Returns 0, CONS_ESNAPSHOT, CONS_ENOMEM or
 * PROTO_E*. */
int cons_sm_restore(struct cons_sm *sm, const uint8_t *buf, size_t len);

/* ------------------------------------------------------------------ */
/* Stores: where a node's term, vote, log and state-machine snapshot live.
 * Discipline (docs §4): cons_store_write applies one PERSIST atomically;
 * it is durable only after cons_store_sync returns 0; only then may the
 * embedder feed CONS_EV_PERSISTED. Any error is final: the store latches
 * it, every later call returns CONS_EFAILED, and the process must stop
 * (fail-stop; an fsync is never retried). */

struct cons_store;

/* What cons_store_load returns: boot state plus an owned copy of the log
 * and the snapshot. Release with cons_loaded_clear. */
struct cons_loaded {
	struct cons_boot boot;
	struct cons_entry *ents;
	uint64_t snap_index; /* state-machine checkpoint index (0: none) */
	uint8_t *snap;
	size_t snap_len;
};
void cons_loaded_clear(struct cons_loaded *l);

int cons_store_write(struct cons_store *s, const struct cons_persist *p);
int cons_store_sync(struct cons_store *s);
/* Stores the state-machine snapshot (checkpoint) covering index. The log
 * is kept whole (phase 1 has no log compaction, docs §8). Durable on
 * return. */
int cons_store_put_snapshot(struct cons_store *s, uint64_t index, uint64_t term,
    const uint8_t *snap, size_t len);
int cons_store_load(struct cons_store *s, struct cons_loaded *out);
void cons_store_close(struct cons_store *s);

/* Auxiliary records: the embedder's own small key/value records, written
 * in the same atomic batch as the PERSISTs and durable with the next
 * cons_store_sync (so they cost no commit of their own). The core never
 * reads them; the keyserver keeps its local attempt backstop here. A put
 * replaces the record with the same key. */
#define CONS_AUX_KEY_MAX 64
#define CONS_AUX_VAL_MAX 1024
/* Returns 0, CONS_EINVAL (sizes: key 1..CONS_AUX_KEY_MAX, value
 * 0..CONS_AUX_VAL_MAX) or an I/O error (fail-stop, as any store error). */
int cons_store_aux_put(struct cons_store *s, const uint8_t *key, size_t klen,
    const uint8_t *val, size_t vlen);
/* Calls fn for every durable record (LMDB: in key order); stops at and
 * returns fn's first non-zero value. Not while a batch is open
 * (CONS_EINVAL): it reads durable state. */
typedef int (*cons_aux_fn)(void *ctx, const uint8_t *key, size_t klen,
    const uint8_t *val, size_t vlen);
int cons_store_aux_each(struct cons_store *s, cons_aux_fn fn, void *ctx);

/* LMDB store in directory path (created if missing). map_bytes: LMDB map
 * size. Returns 0, CONS_EIO or CONS_ENOMEM. */
int cons_store_lmdb_open(
    struct cons_store **out, const char *path, size_t map_bytes);

/* In-memory store: writes stay "unsynced" until cons_store_sync. */
int cons_store_mem_new(struct cons_store **out);
/* Models a crash: forgets every unsynced write. */
void cons_store_mem_crash(struct cons_store *s);
/* Makes every later call fail with CONS_EIO once (fault injection). */
void cons_store_mem_fail_next(struct cons_store *s);
/* Copies the durable image of src into dst (rollback tests: keep an old
 * image, later restore it over the live store). */
int cons_store_mem_copy(struct cons_store *dst, const struct cons_store *src);

#endif
