/* Accounts, login, sessions and operations (docs/CLUSTER.md).
 *
 * Everything runs on the owner thread. A request that needs consensus
 * (ATTEMPT, LOGIN_OK, SET_RECORD, DELETE_RECORD, READ_RECORD) is a job: the
 * handler decodes and checks what it can, submits the command and answers
 * from the callback (SRV_DEFERRED).
 *
 * Storage (this server's LMDB, database "acct"): every record is sealed by
 * record.c under the storage key, with its identity and version bound. The
 * key of a record carries the content hash consensus committed for it, so a
 * read looks up exactly the committed content: a rolled-back file lacks it
 * (or holds an older version) and the read is refused as stale.
 *
 *   'A' uid[32] hash[32]          account: tpake user encoding
 *   'K' rid[32] hash[32]          key: kind u8 || key_id[32] || data
 *   'M' dest u16 uid[32] hash[32] mailbox: l1 user || sealed upload
 *   'E' uid[32] seq u64           audit: event[84] || chain[32]
 *   'H' uid[32]                   audit head: seq u64 || chain[32] */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "lk_enc.h"
#include "lk_seal.h"
#include "proto_chan.h"
#include "proto_ops.h"
#include "record.h"
#include "srv.h"
#include "tpake.h"

#define LOGIN_MAX      256
#define LOGIN_TTL_MS   30000
#define H32            32
#define CMD_TIMEOUT_MS 5000
#define REC_MAX        (PROTO_MAX_OP_DATA + 64 + SRV_RECORD_OVERHEAD)
#define FETCH_MAX      64
#define FETCH_EVERY_MS 1000

struct login_st {
	int used;
	uint64_t created;
	uint8_t attempt[H32];
	uint8_t uid[H32];
	int real; /* an existing account (audit) */
	uint8_t user_id[16];
	struct tpake_server_login st;
};

struct session {
	int used;
	uint8_t sid[PROTO_SID_BYTES];
	uint8_t ulen;
	char user[PROTO_MAX_USER + 1];
	uint8_t uid[H32];
	uint8_t user_id[16];
	struct proto_chan chan;
	uint64_t created, last;
};

struct delayed {
	struct job *j;
	uint64_t due;
};

struct srv_acct {
	struct tpake_server_key ake;
	struct lk_seal_sk seal_sk;
	struct lk_seal_pk seal_pk;
	uint8_t storage[SRV_RECORD_KEYBYTES];
	uint8_t fake_seed[TPAKE_OPRF_SEED_BYTES];
	MDB_dbi db;
	struct login_st logins[LOGIN_MAX];
	struct session *sess;
	size_t nsess;
	struct delayed delay[LOGIN_MAX];
	/* consensus time of the login path (SIGUSR1 statistics) */
	uint64_t attempt_n, attempt_us, loginok_n, loginok_us;
	uint64_t last_poll; /* srv_acct_poll's last pass */
	uint64_t writes; /* record writes in data.mdb ('W') */
	int writes_dirty; /* not yet copied into the consensus store */
	struct {
		uint8_t kind, id[H32], hash[H32];
		uint64_t at;
	} fetch[FETCH_MAX];
	uint8_t decoy[SRV_RECORD_OVERHEAD + TPAKE_USER_MAX_BYTES];
	size_t decoy_len; /* a sealed fake user: see load_user */
	uint8_t rec[REC_MAX], data[REC_MAX];
};

/* A deferred request and what its callback needs. */
struct job {
	struct srv_req rq;
	int kind;
	uint8_t uid[H32], rid[H32], hash[H32];
	uint8_t attempt[H32];
	uint8_t ke1[TPAKE_KE1_BYTES];
	uint8_t key_id[H32];
	uint8_t sid[PROTO_SID_BYTES];
	uint8_t request_id[16];
	uint16_t action;
	uint8_t op_kind, has_key;
	uint64_t version;
	size_t ulen;
	char user[PROTO_MAX_USER + 1];
	uint8_t ke3[TPAKE_KE3_BYTES];
	uint64_t t_us; /* when its command was submitted (statistics) */
};

enum { J_PREPARE, J_COMMIT, J_LOGIN1, J_LOGIN3, J_STORE, J_GET, J_DELETE };

/* ------------------------------------------------------------------ */
/* helpers */

static void
h32(uint8_t out[H32], const char *tag, const void *a, size_t alen,
    const void *b, size_t blen, const void *c, size_t clen)
{
	crypto_hash_sha512_state st;
	uint8_t d[64];

	crypto_hash_sha512_init(&st);
	crypto_hash_sha512_update(&st, (const uint8_t *) tag, strlen(tag) + 1);
	if (alen)
		crypto_hash_sha512_update(&st, a, alen);
	if (blen)
		crypto_hash_sha512_update(&st, b, blen);
	if (clen)
		crypto_hash_sha512_update(&st, c, clen);
	crypto_hash_sha512_final(&st, d);
	memcpy(out, d, H32);
}

static void
user_ids(struct job *j, const struct proto_bytes *user)
{
	j->ulen = user->len;
	memcpy(j->user, user->p, user->len);
	j->user[user->len] = '\0';
	h32(j->uid, "lk user v1", user->p, user->len, NULL, 0, NULL, 0);
	h32(j->rid, "lk acct rid v1", j->uid, H32, NULL, 0, NULL, 0);
}

/* The account's user id: keyed by the cluster's secret seed, so the same
 * on every server, stable across password changes, and not computable
 * from the name by anyone outside the servers. */
static void
user_id_of(const struct srv *s, uint8_t out[16], const uint8_t uid[H32])
{
	uint8_t d[H32];

	h32(d, "lk user id v1", s->acct->fake_seed, TPAKE_OPRF_SEED_BYTES, uid,
	    H32, NULL, 0);
	memcpy(out, d, 16);
}

static void
acct_hash(uint8_t out[H32], const uint8_t chash[TPAKE_COMMIT_HASH_BYTES])
{
	h32(out, "lk acct v1", chash, TPAKE_COMMIT_HASH_BYTES, NULL, 0, NULL,
	    0);
}

static uint64_t
wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t) ts.tv_sec * 1000 + (uint64_t) ts.tv_nsec / 1000000;
}

static int
read_hex_file(const char *path, uint8_t *out, size_t n)
{
	char buf[256];
	FILE *f;
	size_t len;
	int rv;

	if ((f = fopen(path, "r")) == NULL)
		return LK_EIO;
	len = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[len] = '\0';
	while (len > 0
	    && (buf[len - 1] == '\n' || buf[len - 1] == '\r'
	        || buf[len - 1] == ' '))
		buf[--len] = '\0';
	rv = lk_hex_decode_exact(out, n, buf);
	lk_wipe(buf, sizeof(buf));
	return rv == 0 ? 0 : LK_EDECODE;
}

/* ------------------------------------------------------------------ */
/* LMDB */

static int
db_put(
    struct srv *s, const uint8_t *k, size_t klen, const uint8_t *v, size_t vlen)
{
	MDB_txn *txn;
	MDB_val mk = { klen, (void *) k }, mv = { vlen, (void *) v };
	int rv;

	if ((rv = mdb_txn_begin(s->store.env, NULL, 0, &txn)) != 0)
		srv_fatal("LMDB begin: %s", mdb_strerror(rv));
	if ((rv = mdb_put(txn, s->acct->db, &mk, &mv, 0)) != 0) {
		mdb_txn_abort(txn);
		LK_WARN("LMDB put: %s", mdb_strerror(rv));
		return SRV_ESTORE;
	}
	if ((rv = mdb_txn_commit(txn)) != 0)
		srv_fatal("LMDB commit: %s", mdb_strerror(rv));
	return 0;
}

/* Copies the value of k into out (cap). Returns 0, LK_ENOTFOUND or
 * SRV_ESTORE. */
static int
db_get(struct srv *s, const uint8_t *k, size_t klen, uint8_t *out, size_t cap,
    size_t *len)
{
	MDB_txn *txn;
	MDB_val mk = { klen, (void *) k }, mv;
	int rv;

	*len = 0;
	if ((rv = mdb_txn_begin(s->store.env, NULL, MDB_RDONLY, &txn)) != 0)
		return SRV_ESTORE;
	rv = mdb_get(txn, s->acct->db, &mk, &mv);
	if (rv == 0 && mv.mv_size <= cap) {
		memcpy(out, mv.mv_data, mv.mv_size);
		*len = mv.mv_size;
	}
	mdb_txn_abort(txn);
	if (rv == MDB_NOTFOUND)
		return LK_ENOTFOUND;
	return rv == 0 && *len > 0 ? 0 : SRV_ESTORE;
}

/* Deletes every record whose key starts with prefix. */
static void
db_del_prefix(struct srv *s, const uint8_t *prefix, size_t plen)
{
	MDB_txn *txn;
	MDB_cursor *cur;
	MDB_val k = { plen, (void *) prefix }, v;
	int rv;

	if (mdb_txn_begin(s->store.env, NULL, 0, &txn) != 0)
		return;
	if (mdb_cursor_open(txn, s->acct->db, &cur) != 0) {
		mdb_txn_abort(txn);
		return;
	}
	rv = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	while (rv == 0 && k.mv_size >= plen
	    && memcmp(k.mv_data, prefix, plen) == 0) {
		if (v.mv_size > 0)
			sodium_memzero(v.mv_data, 0); /* read-only map */
		mdb_cursor_del(cur, 0);
		rv = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
	}
	mdb_cursor_close(cur);
	if ((rv = mdb_txn_commit(txn)) != 0)
		srv_fatal("LMDB commit: %s", mdb_strerror(rv));
}

/* Seals data as identity at version and stores it under key. */
static int
rec_put(struct srv *s, const uint8_t *key, size_t klen, uint64_t version,
    const uint8_t *data, size_t len)
{
	struct srv_acct *a = s->acct;
	size_t rl;
	int rv;

	MDB_txn *txn;
	MDB_val mk = { klen, (void *) key }, mv, wk = { 1, (void *) "W" }, wv;
	uint8_t w[8];
	int i;

	if ((rv = srv_record_seal(a->rec, sizeof(a->rec), &rl, a->storage, key,
	         klen, version, data, len))
	    != 0)
		return rv;
	/* the record and the write counter in one transaction */
	for (i = 0; i < 8; i++)
		w[i] = (uint8_t) ((a->writes + 1) >> (56 - 8 * i));
	mv.mv_size = rl;
	mv.mv_data = a->rec;
	wv.mv_size = sizeof(w);
	wv.mv_data = w;
	if ((rv = mdb_txn_begin(s->store.env, NULL, 0, &txn)) != 0)
		srv_fatal("LMDB begin: %s", mdb_strerror(rv));
	if ((rv = mdb_put(txn, a->db, &mk, &mv, 0)) != 0
	    || (rv = mdb_put(txn, a->db, &wk, &wv, 0)) != 0) {
		mdb_txn_abort(txn);
		LK_WARN("LMDB put: %s", mdb_strerror(rv));
		return SRV_ESTORE;
	}
	if ((rv = mdb_txn_commit(txn)) != 0)
		srv_fatal("LMDB commit: %s", mdb_strerror(rv));
	a->writes++;
	a->writes_dirty = 1;
	return 0;
}

static void fetch_missing(struct srv *s, const uint8_t *key, size_t klen);

/* Reads the record stored under key ('A' or 'K' || id || hash), which
 * must be at the committed version. Out: a->data (wiped by the caller),
 * *len. Returns 0 or SRV_ESTALE: absent (a write this server missed:
 * asked from the peers' mailbox), or older, tampered or not opening
 * (logged as stale storage; HEALTH's stale bit). */
static int
rec_get(struct srv *s, const uint8_t *key, size_t klen, uint64_t version,
    size_t *len, const char *what)
{
	struct srv_acct *a = s->acct;
	size_t rl;
	uint64_t v = 0;
	int rv;

	rv = db_get(s, key, klen, a->rec, sizeof(a->rec), &rl);
	if (rv == LK_ENOTFOUND) {
		*len = 0;
		LK_INFO("the %s record committed at version %llu is missing "
		        "here: asking the peers' mailbox",
		    what, (unsigned long long) version);
		fetch_missing(s, key, klen);
		return SRV_ESTALE;
	}
	if (rv == 0)
		rv = srv_record_open(a->data, sizeof(a->data), len, &v,
		    a->storage, key, klen, a->rec, rl);
	if (rv == 0 && v != version)
		rv = SRV_ESTALE;
	if (rv != 0) {
		*len = 0;
		LK_ERROR("stale storage: the %s record committed at version "
		         "%llu is older or invalid in this server's LMDB: "
		         "refusing to serve it",
		    what, (unsigned long long) version);
		s->stale = 1;
		fetch_missing(s, key, klen);
		return SRV_ESTALE;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* audit */

static void
audit(struct srv *s, const uint8_t uid[H32], const uint8_t user_id[16],
    uint16_t action, uint8_t outcome, const uint8_t *key_id,
    const uint8_t request_id[16])
{
	uint8_t hk[1 + H32], head[8 + H32], ek[1 + H32 + 8];
	uint8_t val[SRV_AUDIT_EVENT_BYTES + H32], prev[H32];
	struct srv_audit_event e;
	size_t len;
	uint64_t seq = 0;
	int i;

	hk[0] = 'H';
	memcpy(hk + 1, uid, H32);
	if (db_get(s, hk, sizeof(hk), head, sizeof(head), &len) == 0
	    && len == sizeof(head)) {
		for (i = 0; i < 8; i++)
			seq = seq << 8 | head[i];
		memcpy(prev, head + 8, H32);
	} else
		srv_audit_genesis(prev, user_id);
	memset(&e, 0, sizeof(e));
	e.seq = seq + 1;
	e.time_ms = wall_ms();
	memcpy(e.user_id, user_id, 16);
	e.action = action;
	e.outcome = outcome;
	if (key_id != NULL) {
		e.has_key = 1;
		memcpy(e.key_id, key_id, 32);
	}
	if (request_id != NULL)
		memcpy(e.request_id, request_id, 16);
	srv_audit_encode(val, &e);
	srv_audit_link(val + SRV_AUDIT_EVENT_BYTES, prev, &e);
	ek[0] = 'E';
	memcpy(ek + 1, uid, H32);
	for (i = 0; i < 8; i++) {
		ek[1 + H32 + i] = (uint8_t) (e.seq >> (56 - 8 * i));
		head[i] = ek[1 + H32 + i];
	}
	memcpy(head + 8, val + SRV_AUDIT_EVENT_BYTES, H32);
	db_put(s, ek, sizeof(ek), val, sizeof(val));
	db_put(s, hk, sizeof(hk), head, sizeof(head));
}

/* ------------------------------------------------------------------ */
/* replies */

static int
plain_reply(struct srv *s, const struct srv_req *rq,
    const struct proto_schema *sc, const void *msg, nng_msg **out)
{
	struct proto_hdr rh = rq->h;

	rh.flags = PROTO_F_RESPONSE;
	rh.sender = s->cfg.id;
	return proto_net_frame(out, &rh, sc, msg);
}

static void
answer_plain(struct srv *s, const struct srv_req *rq,
    const struct proto_schema *sc, const void *msg, int code)
{
	nng_msg *m = NULL;

	if (code == 0 && plain_reply(s, rq, sc, msg, &m) != 0)
		code = SRV_EINTERNAL;
	srv_reply(s, rq, code == 0 ? m : NULL, code);
}

static struct session *
sess_find(struct srv *s, const uint8_t sid[PROTO_SID_BYTES])
{
	struct srv_acct *a = s->acct;
	size_t i;

	for (i = 0; i < a->nsess; i++)
		if (a->sess[i].used
		    && memcmp(a->sess[i].sid, sid, PROTO_SID_BYTES) == 0)
			return &a->sess[i];
	return NULL;
}

static void
sess_end(struct session *x)
{
	proto_chan_clear(&x->chan);
	lk_wipe(x, sizeof(*x));
}

/* Seals a reply (type, schema message; or an ERROR with code) in the
 * session's channel and sends it. A session that is gone gets a plain
 * ESESSION error. */
static void
answer_sealed(struct srv *s, const struct srv_req *rq,
    const uint8_t sid[PROTO_SID_BYTES], const struct proto_schema *sc,
    const void *msg, int code)
{
	static uint8_t body[PROTO_MAX_OP_DATA + 1024];
	static uint8_t frame[PROTO_MAX_OP_DATA + 1024 + PROTO_HDR_BYTES + 16];
	struct session *x = sess_find(s, sid);
	struct proto_msg_error e;
	struct proto_wbuf w;
	size_t blen, flen;
	uint16_t type;
	nng_msg *m;

	if (x == NULL) {
		srv_reply(s, rq, NULL, SRV_ESESSION);
		return;
	}
	proto_wbuf_init(&w, body, sizeof(body));
	if (code != 0) {
		memset(&e, 0, sizeof(e));
		e.code = (uint16_t) code;
		e.min_version = PROTO_VERSION_MIN;
		e.max_version = PROTO_VERSION_MAX;
		e.detail.p = (const uint8_t *) srv_err_text(code);
		e.detail.len = strlen(srv_err_text(code));
		proto_msg_encode(&w, &proto_schema_error, &e);
		type = PROTO_T_ERROR;
	} else {
		proto_msg_encode(&w, sc, msg);
		type = sc->type;
	}
	if (proto_wbuf_finish(&w, &blen) != 0
	    || proto_chan_seal(&x->chan, frame, sizeof(frame), &flen, type,
	           PROTO_F_RESPONSE, rq->h.ssid, body, blen)
	        != 0
	    || nng_msg_alloc(&m, flen) != 0) {
		lk_wipe(body, sizeof(body));
		srv_reply(s, rq, NULL, SRV_EINTERNAL);
		return;
	}
	memcpy(nng_msg_body(m), frame, flen);
	lk_wipe(body, blen);
	srv_reply(s, rq, m, 0);
}

static struct job *
job_new(const struct srv_req *rq, int kind)
{
	struct job *j = calloc(1, sizeof(*j));

	if (j != NULL) {
		j->rq = *rq;
		j->kind = kind;
	}
	return j;
}

static void
job_free(struct job *j)
{
	lk_wipe(j, sizeof(*j));
	free(j);
}

/* A command that every server holding the same data proposes: one
 * deterministic client session (client_id from its content, seq 1), so the
 * state machine executes it once and gives each the same result. A delete
 * names its request (reqid) instead of a hash: see PROTO_T_OP_DELETE_KEY. */
static void
shared_cmd_req(struct cons_cmd *c, uint8_t type, const uint8_t rid[H32],
    uint64_t version, const uint8_t hash[H32], const uint8_t reqid[16])
{
	uint8_t d[H32], v[8];
	int i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < 8; i++)
		v[i] = (uint8_t) (version >> (56 - 8 * i));
	if (reqid != NULL)
		h32(d, "lk shared delete v1", rid, H32, v, 8, reqid, 16);
	else
		h32(d, "lk shared cmd v1", rid, H32, v, 8, hash,
		    hash ? H32 : 0);
	for (i = 0; i < 8; i++)
		c->client_id = c->client_id << 8 | d[i];
	if (c->client_id == 0)
		c->client_id = 1;
	c->seq = 1;
	c->type = type;
	memcpy(c->id, rid, H32);
	c->version = version;
	if (hash != NULL && type == CONS_CMD_SET_RECORD)
		memcpy(c->hash, hash, H32);
}

static void
shared_cmd(struct cons_cmd *c, uint8_t type, const uint8_t rid[H32],
    uint64_t version, const uint8_t hash[H32])
{
	shared_cmd_req(c, type, rid, version, hash, NULL);
}

/* ------------------------------------------------------------------ */
/* registration */

static void reg_commit_done(struct srv *s, void *ctx, int err,
    const struct cons_result *r, uint64_t index);

int
srv_handle_reg_prepare(struct srv *s, const struct srv_req *rq,
    const uint8_t *body, nng_msg **reply)
{
	struct srv_acct *a = s->acct;
	struct proto_msg_reg_prepare req;
	struct proto_msg_reg_prepared out;
	struct tpake_user u;
	struct job j;
	uint8_t info[16], ad[2 + PROTO_MAX_USER + 8], hash[H32], h2[H32];
	uint8_t pt[PROTO_MAX_SEALED_UPLOAD], key[1 + 2 * H32];
	uint8_t enc[TPAKE_USER_MAX_BYTES];
	size_t ptlen, adlen, elen = sizeof(enc);
	uint64_t ver;
	int del, rv;

	if (a == NULL)
		return SRV_ENOACCT;
	if ((rv = proto_msg_decode(
	         &proto_schema_reg_prepare, &req, body, rq->h.len))
	    != 0)
		return rv;
	memset(&j, 0, sizeof(j));
	user_ids(&j, &req.user);
	if (req.item.len < LK_SEAL_OVERHEAD)
		return SRV_EUPLOAD;
	ptlen = req.item.len - LK_SEAL_OVERHEAD;
	if (ptlen != TPAKE_UPLOAD_BYTES(s->cfg.t))
		return SRV_EUPLOAD;
	memcpy(info, "lk register v1", 14);
	info[14] = (uint8_t) (s->cfg.id >> 8);
	info[15] = (uint8_t) s->cfg.id;
	ad[0] = 0;
	ad[1] = (uint8_t) req.user.len;
	memcpy(ad + 2, req.user.p, req.user.len);
	adlen = 2 + req.user.len;
	memset(ad + adlen, 0, 7);
	ad[adlen + 7] = 1; /* version 1 */
	adlen += 8;
	if (lk_seal_open(pt, &a->seal_sk, &a->seal_pk, info, sizeof(info), ad,
	        adlen, req.item.p, req.item.len)
	    != 0)
		return SRV_EUPLOAD;
	rv = tpake_server_register_accept(&u, NULL, pt, ptlen,
	    (uint8_t) s->cfg.id, (uint8_t) s->cfg.t, (uint8_t) s->cfg.n);
	lk_wipe(pt, sizeof(pt));
	if (rv != 0) {
		tpake_user_clear(&u);
		return SRV_EUPLOAD;
	}
	memset(&out, 0, sizeof(out));
	tpake_commit_hash(out.commit_hash, u.commit, u.t, u.n);
	acct_hash(hash, out.commit_hash);
	/* "register twice": the account exists in the applied state (the
	 * commit is checked again by consensus). */
	if (srv_cons_record(s, j.rid, &ver, h2, &del) == 0) {
		tpake_user_clear(&u);
		return SRV_EEXISTS;
	}
	rv = tpake_user_encode(enc, &elen, &u);
	tpake_user_clear(&u);
	if (rv != 0)
		return SRV_EINTERNAL;
	key[0] = 'A';
	memcpy(key + 1, j.uid, H32);
	memcpy(key + 1 + H32, hash, H32);
	rv = rec_put(s, key, sizeof(key), 1, enc, elen);
	lk_wipe(enc, sizeof(enc));
	if (rv != 0)
		return rv;
	memcpy(out.record_hash, hash, H32);
	return plain_reply(s, rq, &proto_schema_reg_prepared, &out, reply);
}

int
srv_handle_reg_commit(struct srv *s, const struct srv_req *rq,
    const uint8_t *body, nng_msg **reply)
{
	static struct proto_msg_reg_commit req;
	uint8_t key[1 + 2 * H32], mkey[1 + 2 + 2 * H32];
	uint8_t item[1 + PROTO_MAX_USER + PROTO_MAX_SEALED_UPLOAD];
	struct cons_cmd cmd;
	struct job *j;
	size_t len;
	int rv, i;

	(void) reply;
	if (s->acct == NULL)
		return SRV_ENOACCT;
	if ((rv = proto_msg_decode(
	         &proto_schema_reg_commit, &req, body, rq->h.len))
	    != 0)
		return rv;
	if ((j = job_new(rq, J_COMMIT)) == NULL)
		return SRV_EBUSY;
	user_ids(j, &req.user);
	acct_hash(j->hash, req.commit_hash);
	key[0] = 'A';
	memcpy(key + 1, j->uid, H32);
	memcpy(key + 1 + H32, j->hash, H32);
	/* Only a server that prepared this very registration proposes it. */
	if (db_get(
	        s, key, sizeof(key), s->acct->rec, sizeof(s->acct->rec), &len)
	    != 0) {
		job_free(j);
		return SRV_EUPLOAD;
	}
	/* Items for the servers that missed phase 1: kept until they ask. */
	for (i = 0; i < req.missed_n; i++) {
		const struct proto_msg_reg_item *it = &req.missed[i];
		if (it->server == s->cfg.id || it->server > s->cfg.n)
			continue;
		mkey[0] = 'M';
		mkey[1] = (uint8_t) (it->server >> 8);
		mkey[2] = (uint8_t) it->server;
		memcpy(mkey + 3, j->uid, H32);
		memcpy(mkey + 3 + H32, j->hash, H32);
		item[0] = (uint8_t) j->ulen;
		memcpy(item + 1, j->user, j->ulen);
		memcpy(item + 1 + j->ulen, it->item.p, it->item.len);
		db_put(s, mkey, sizeof(mkey), item, 1 + j->ulen + it->item.len);
	}
	shared_cmd(&cmd, CONS_CMD_SET_RECORD, j->rid, 1, j->hash);
	rv = srv_cons_submit(s, &cmd, CMD_TIMEOUT_MS, reg_commit_done, j);
	if (rv != 0) {
		job_free(j);
		return rv;
	}
	return SRV_DEFERRED;
}

static void
reg_commit_done(struct srv *s, void *ctx, int err, const struct cons_result *r,
    uint64_t index)
{
	struct job *j = ctx;
	struct proto_msg_reg_done out;
	uint8_t user_id[16];

	(void) index;
	if (err == 0 && r->status != CONS_R_OK
	    && !(r->status == CONS_R_STALE && r->value == 1
	        && lk_ct_eq(r->hash, j->hash, H32)))
		err = SRV_EEXISTS;
	if (err == 0) {
		user_id_of(s, user_id, j->uid);
		audit(s, j->uid, user_id, SRV_AUD_REGISTER, SRV_AUD_SUCCESS,
		    NULL, NULL);
		LK_INFO("account registered (version 1)");
	}
	out.version = 1;
	answer_plain(s, &j->rq, &proto_schema_reg_done, &out, err);
	job_free(j);
}

/* ------------------------------------------------------------------ */
/* login */

/* The account's user state as committed, or the fake user. Returns 0 with
 * *real set, or SRV_ESTALE (committed but not readable here).
 *
 * Both paths do the same work, so that an unknown user costs what a real
 * one does: the fake user is derived for every name (and dropped for a
 * real account), and an unknown name also looks its record up in LMDB
 * (a miss), opens the decoy record sealed at start and decodes it. */
static int
load_user(struct srv *s, const struct job *j, struct tpake_user *u, int *real,
    uint8_t user_id[16])
{
	struct srv_acct *a = s->acct;
	struct tpake_user fake, decoy;
	uint8_t hash[H32], key[1 + 2 * H32];
	uint64_t ver, dver;
	size_t len;
	int del, rv, frv;

	*real = 0;
	memset(user_id, 0, 16);
	frv = tpake_user_fake(&fake, a->fake_seed,
	    (struct tpake_bytes) { (const uint8_t *) j->user, j->ulen },
	    (uint8_t) s->cfg.id, (uint8_t) s->cfg.t, (uint8_t) s->cfg.n);
	if (srv_cons_record(s, j->rid, &ver, hash, &del) != 0 || del) {
		key[0] = 'A';
		memcpy(key + 1, j->uid, H32);
		memset(key + 1 + H32, 0, H32);
		(void) db_get(
		    s, key, sizeof(key), a->rec, sizeof(a->rec), &len);
		if (srv_record_open(a->data, sizeof(a->data), &len, &dver,
		        a->storage, (const uint8_t *) "decoy", 5, a->decoy,
		        a->decoy_len)
		        == 0
		    && tpake_user_decode(&decoy, a->data, len) == 0)
			tpake_user_clear(&decoy);
		lk_wipe(
		    a->data, sizeof(a->data) < 4096 ? sizeof(a->data) : 4096);
		*u = fake;
		lk_wipe(&fake, sizeof(fake));
		return frv == 0 ? 0 : SRV_EINTERNAL;
	}
	tpake_user_clear(&fake);
	{
		key[0] = 'A';
		memcpy(key + 1, j->uid, H32);
		memcpy(key + 1 + H32, hash, H32);
		if ((rv = rec_get(s, key, sizeof(key), ver, &len, "account"))
		    != 0)
			return rv;
		rv = tpake_user_decode(u, a->data, len);
		lk_wipe(a->data, len);
		if (rv != 0 || u->index != s->cfg.id || u->t != s->cfg.t
		    || u->n != s->cfg.n) {
			tpake_user_clear(u);
			s->stale = 1;
			return SRV_ESTALE;
		}
		*real = 1;
		user_id_of(s, user_id, j->uid);
		return 0;
	}
}

static struct login_st *
login_slot(struct srv *s, const uint8_t attempt[H32], int create)
{
	struct srv_acct *a = s->acct;
	struct login_st *free_slot = NULL, *oldest = NULL;
	int i;

	for (i = 0; i < LOGIN_MAX; i++) {
		struct login_st *l = &a->logins[i];
		if (l->used && memcmp(l->attempt, attempt, H32) == 0)
			return l;
		if (!l->used && free_slot == NULL)
			free_slot = l;
		if (l->used && (oldest == NULL || l->created < oldest->created))
			oldest = l;
	}
	if (!create)
		return NULL;
	if (free_slot == NULL) {
		tpake_server_login_clear(&oldest->st);
		lk_wipe(oldest, sizeof(*oldest));
		free_slot = oldest;
	}
	return free_slot;
}

static void
login1_answer(struct srv *s, struct job *j)
{
	struct proto_msg_login2 out;
	struct tpake_idents ids;
	struct tpake_user u;
	struct login_st *l;
	uint8_t ext[TPAKE_EXT_BYTES(TPAKE_MAX_SERVERS)], user_id[16];
	size_t extlen = sizeof(ext);
	int real, rv;

	if ((rv = load_user(s, j, &u, &real, user_id)) != 0) {
		srv_reply(s, &j->rq, NULL, rv);
		return;
	}
	ids.client_id = (struct tpake_bytes) { NULL, 0 };
	ids.server_id = (struct tpake_bytes) { NULL, 0 };
	ids.context = (struct tpake_bytes) { (const uint8_t *) LK_AKE_CONTEXT,
		strlen(LK_AKE_CONTEXT) };
	l = login_slot(s, j->attempt, 1);
	tpake_server_login_clear(&l->st);
	memset(&out, 0, sizeof(out));
	rv = tpake_server_login_start(&l->st, out.ke2, ext, &extlen,
	    &s->acct->ake, &u,
	    (struct tpake_bytes) { (const uint8_t *) j->user, j->ulen }, j->ke1,
	    &ids, NULL);
	tpake_user_clear(&u);
	if (rv != 0) {
		lk_wipe(l, sizeof(*l));
		/* a malformed KE1: the same for real and unknown users */
		srv_reply(s, &j->rq, NULL, SRV_EAUTH);
		return;
	}
	l->used = 1;
	l->created = srv_now_ms();
	memcpy(l->attempt, j->attempt, H32);
	memcpy(l->uid, j->uid, H32);
	l->real = real;
	memcpy(l->user_id, user_id, 16);
	out.ext.p = ext;
	out.ext.len = extlen;
	answer_plain(s, &j->rq, &proto_schema_login2, &out, 0);
	/* after the answer left: the audit write (an LMDB commit, real
	 * accounts only) must not delay a real account's answer */
	if (real)
		audit(s, j->uid, user_id, SRV_AUD_LOGIN, SRV_AUD_STARTED, NULL,
		    NULL);
}

static void
login1_done(struct srv *s, void *ctx, int err, const struct cons_result *r,
    uint64_t index)
{
	struct job *j = ctx;
	struct srv_acct *a = s->acct;
	int i;

	(void) index;
	if (err == 0) {
		a->attempt_n++;
		a->attempt_us += lk_mono_us() - j->t_us;
	}
	if (err == 0 && r->status == CONS_R_LOCKED)
		err = SRV_ELOCKED;
	else if (err == 0 && r->status == CONS_R_DONE)
		err = SRV_EAUTH;
	else if (err == 0 && r->status != CONS_R_OK
	    && r->status != CONS_R_BACKOFF)
		err = SRV_EINTERNAL;
	if (err != 0) {
		srv_reply(s, &j->rq, NULL, err);
		job_free(j);
		return;
	}
	if (r->status == CONS_R_BACKOFF && r->backoff_ms > 0) {
		for (i = 0; i < LOGIN_MAX; i++)
			if (a->delay[i].j == NULL) {
				a->delay[i].j = j;
				a->delay[i].due = srv_now_ms() + r->backoff_ms;
				return;
			}
		srv_reply(s, &j->rq, NULL, SRV_EBUSY);
		job_free(j);
		return;
	}
	login1_answer(s, j);
	job_free(j);
}

int
srv_handle_login1(struct srv *s, const struct srv_req *rq, const uint8_t *body,
    nng_msg **reply)
{
	struct proto_msg_login1 req;
	struct cons_cmd cmd;
	struct job *j;
	int rv;

	(void) reply;
	if (s->acct == NULL)
		return SRV_ENOACCT;
	if ((rv = proto_msg_decode(&proto_schema_login1, &req, body, rq->h.len))
	    != 0)
		return rv;
	if ((j = job_new(rq, J_LOGIN1)) == NULL)
		return SRV_EBUSY;
	user_ids(j, &req.user);
	memcpy(j->ke1, req.ke1, sizeof(j->ke1));
	tpake_attempt_id(j->attempt,
	    (struct tpake_bytes) { req.user.p, req.user.len }, req.ke1);
	memset(&cmd, 0, sizeof(cmd));
	cmd.type = CONS_CMD_ATTEMPT;
	memcpy(cmd.user, j->uid, H32);
	memcpy(cmd.id, j->attempt, H32);
	j->t_us = lk_mono_us();
	rv = srv_cons_submit(s, &cmd, CMD_TIMEOUT_MS, login1_done, j);
	if (rv == SRV_EBACKSTOP)
		rv = SRV_ELOCKED;
	if (rv != 0) {
		job_free(j);
		return rv;
	}
	return SRV_DEFERRED;
}

static void
login3_done(struct srv *s, void *ctx, int err, const struct cons_result *r,
    uint64_t index)
{
	struct job *j = ctx;
	struct srv_acct *a = s->acct;
	struct proto_msg_login_done out;
	struct session *x = NULL;
	size_t i;

	(void) index;
	if (err == 0) {
		a->loginok_n++;
		a->loginok_us += lk_mono_us() - j->t_us;
	}
	if (err == 0 && r->status != CONS_R_OK)
		err = SRV_EAUTH;
	if (err == 0) {
		/* a free slot, else the oldest session goes */
		for (i = 0; i < a->nsess; i++) {
			if (!a->sess[i].used) {
				x = &a->sess[i];
				break;
			}
			if (x == NULL || a->sess[i].last < x->last)
				x = &a->sess[i];
		}
	}
	if (err == 0 && x == NULL)
		err = SRV_EBUSY;
	if (err == 0) {
		if (x->used)
			sess_end(x);
		x->used = 1;
		memcpy(x->sid, j->sid, PROTO_SID_BYTES);
		memcpy(x->uid, j->uid, H32);
		memcpy(x->user_id, j->key_id, 16);
		x->ulen = (uint8_t) j->ulen;
		memcpy(x->user, j->user, j->ulen + 1);
		x->created = x->last = srv_now_ms();
		/* the session key was kept in j->ke3's place: see login3 */
		if (proto_chan_init(
		        &x->chan, j->ke3, sizeof(j->ke3), j->sid, s->cfg.id, 0)
		    != 0) {
			sess_end(x);
			err = SRV_EINTERNAL;
		}
	}
	if (err != 0) {
		srv_reply(s, &j->rq, NULL, err);
		job_free(j);
		return;
	}
	audit(
	    s, j->uid, x->user_id, SRV_AUD_LOGIN, SRV_AUD_SUCCESS, NULL, NULL);
	memcpy(out.user_id, x->user_id, 16);
	{
		uint8_t h[H32];
		int del;
		if (srv_cons_record(s, j->rid, &out.version, h, &del) != 0)
			out.version = 1;
	}
	out.idle_ms = s->cfg.acct.session_idle_ms;
	out.lifetime_ms = s->cfg.acct.session_lifetime_ms;
	answer_sealed(s, &j->rq, j->sid, &proto_schema_login_done, &out, 0);
	job_free(j);
}

int
srv_handle_login3(struct srv *s, const struct srv_req *rq, const uint8_t *body,
    nng_msg **reply)
{
	struct proto_msg_login3 req;
	struct login_st *l;
	struct cons_cmd cmd;
	struct job *j;
	uint8_t sk[TPAKE_SESSION_KEY_BYTES], d[64];
	int rv;

	(void) reply;
	if (s->acct == NULL)
		return SRV_ENOACCT;
	if ((rv = proto_msg_decode(&proto_schema_login3, &req, body, rq->h.len))
	    != 0)
		return rv;
	if ((j = job_new(rq, J_LOGIN3)) == NULL)
		return SRV_EBUSY;
	user_ids(j, &req.user);
	l = login_slot(s, req.attempt_id, 0);
	if (l == NULL || !lk_ct_eq(l->uid, j->uid, H32)) {
		job_free(j);
		return SRV_EAUTH;
	}
	rv = tpake_server_login_finish(&l->st, sk, req.ke3);
	memcpy(j->key_id, l->user_id, 16);
	lk_wipe(l, sizeof(*l));
	if (rv != 0) {
		lk_wipe(sk, sizeof(sk));
		job_free(j);
		return SRV_EAUTH;
	}
	/* The channel key material (64 bytes) waits in the job. */
	memcpy(j->ke3, sk, sizeof(j->ke3));
	lk_wipe(sk, sizeof(sk));
	crypto_hash_sha512_state hs;
	crypto_hash_sha512_init(&hs);
	crypto_hash_sha512_update(&hs, (const uint8_t *) "lk sid v1", 10);
	crypto_hash_sha512_update(&hs, req.attempt_id, H32);
	crypto_hash_sha512_final(&hs, d);
	memcpy(j->sid, d, PROTO_SID_BYTES);
	/* Every server of this login proposes the same LOGIN_OK: one shared
	 * session, so it executes once and each gets its result. */
	shared_cmd(&cmd, CONS_CMD_LOGIN_OK, req.attempt_id, 0, NULL);
	memcpy(cmd.user, j->uid, H32);
	memcpy(cmd.id, req.attempt_id, H32);
	j->t_us = lk_mono_us();
	rv = srv_cons_submit(s, &cmd, CMD_TIMEOUT_MS, login3_done, j);
	if (rv != 0) {
		job_free(j);
		return rv;
	}
	return SRV_DEFERRED;
}

/* ------------------------------------------------------------------ */
/* operations in a session */

static void
key_rid(uint8_t rid[H32], const uint8_t uid[H32], const uint8_t key_id[H32])
{
	h32(rid, "lk key rid v1", uid, H32, key_id, H32, NULL, 0);
}

/* The storage key belongs to one password: its record id names the
 * account's content hash (for_hash, or the committed one when NULL or
 * zero), so a password change writes the key wrapped under the new export
 * key beforehand, and the change switches both at once. */
static void
skey_rid(struct srv *s, uint8_t rid[H32], const uint8_t uid[H32],
    const uint8_t *for_hash)
{
	uint8_t arid[H32], hash[H32];
	uint64_t ver;
	int del;

	if (for_hash != NULL && !lk_is_zero(for_hash, H32))
		memcpy(hash, for_hash, H32);
	else {
		h32(arid, "lk acct rid v1", uid, H32, NULL, 0, NULL, 0);
		if (srv_cons_record(s, arid, &ver, hash, &del) != 0)
			memset(hash, 0, H32);
	}
	h32(rid, "lk skey rid v1", uid, H32, hash, H32, NULL, 0);
}

static void
op_request_id(uint8_t out[16], const struct proto_hdr *h)
{
	uint8_t d[H32], v[8];
	int i;

	for (i = 0; i < 8; i++)
		v[i] = (uint8_t) (h->ssid >> (56 - 8 * i));
	h32(d, "lk request id v1", h->sid, PROTO_SID_BYTES, v, 8, NULL, 0);
	memcpy(out, d, 16);
}

static void
op_store_done(struct srv *s, void *ctx, int err, const struct cons_result *r,
    uint64_t index)
{
	struct job *j = ctx;
	struct session *x = sess_find(s, j->sid);
	struct proto_msg_ack ack = { 0 };

	(void) index;
	if (err == 0 && r->status != CONS_R_OK
	    && !(r->status == CONS_R_STALE && r->value == j->version
	        && lk_ct_eq(r->hash, j->hash, H32)))
		err = r->status == CONS_R_DELETED && j->kind == J_DELETE
		    ? SRV_ENOKEY
		    : SRV_EEXISTS;
	if (x != NULL)
		audit(s, x->uid, x->user_id, j->action,
		    err ? SRV_AUD_FAILED : SRV_AUD_SUCCESS,
		    j->has_key ? j->key_id : NULL, j->request_id);
	if (err == 0 && j->kind == J_DELETE) {
		uint8_t pfx[1 + H32];
		pfx[0] = 'K';
		memcpy(pfx + 1, j->rid, H32);
		db_del_prefix(s, pfx, sizeof(pfx));
	}
	answer_sealed(s, &j->rq, j->sid, &proto_schema_ack, &ack, err);
	job_free(j);
}

static void
op_get_done(struct srv *s, void *ctx, int err, const struct cons_result *r,
    uint64_t index)
{
	struct job *j = ctx;
	struct srv_acct *a = s->acct;
	struct session *x = sess_find(s, j->sid);
	struct proto_msg_op_data out;
	uint8_t key[1 + 2 * H32];
	size_t len = 0;

	(void) index;
	memset(&out, 0, sizeof(out));
	if (err == 0 && r->status == CONS_R_DELETED) {
		/* a delete this server missed: drop its copy */
		key[0] = 'K';
		memcpy(key + 1, j->rid, H32);
		db_del_prefix(s, key, 1 + H32);
	}
	if (err == 0 && r->status != CONS_R_OK)
		err = SRV_ENOKEY;
	if (err == 0) {
		key[0] = 'K';
		memcpy(key + 1, j->rid, H32);
		memcpy(key + 1 + H32, r->hash, H32);
		err = rec_get(s, key, sizeof(key), r->value, &len, "key");
	}
	if (err == 0 && j->has_key) {
		/* kind || key_id || data: the kind must match */
		if (len < 1 + H32 || a->data[0] != j->op_kind
		    || !lk_ct_eq(a->data + 1, j->key_id, H32))
			err = SRV_ENOKEY;
		else {
			out.data.p = a->data + 1 + H32;
			out.data.len = len - 1 - H32;
		}
	} else if (err == 0) {
		out.data.p = a->data;
		out.data.len = len;
	}
	if (x != NULL)
		audit(s, x->uid, x->user_id, j->action,
		    err ? SRV_AUD_FAILED : SRV_AUD_SUCCESS,
		    j->has_key ? j->key_id : NULL, j->request_id);
	answer_sealed(s, &j->rq, j->sid, &proto_schema_op_data, &out, err);
	lk_wipe(a->data, len);
	job_free(j);
}

static int
op_audit(struct srv *s, struct session *x, const struct proto_msg_op_audit *q,
    struct proto_msg_op_audit_resp *out)
{
	struct srv_audit_filter f;
	struct srv_audit_event e;
	MDB_txn *txn;
	MDB_cursor *cur;
	uint8_t pfx[1 + H32], hk[1 + H32], head[8 + H32];
	MDB_val k, v;
	size_t len;
	int rv, i;

	memset(&f, 0, sizeof(f));
	f.type = (enum srv_audit_type) q->type;
	f.nkeys = q->key_ids_n;
	for (i = 0; i < q->key_ids_n; i++)
		memcpy(f.key_ids[i], q->key_ids[i].key_id, 32);
	f.after_ms = q->after_ms;
	f.before_ms = q->before_ms;
	f.has_request_id = q->has_request;
	memcpy(f.request_id, q->request_id, 16);
	memset(out, 0, sizeof(*out));
	hk[0] = 'H';
	memcpy(hk + 1, x->uid, H32);
	if (db_get(s, hk, sizeof(hk), head, sizeof(head), &len) == 0
	    && len == sizeof(head)) {
		for (i = 0; i < 8; i++)
			out->length = out->length << 8 | head[i];
		memcpy(out->head, head + 8, H32);
	}
	pfx[0] = 'E';
	memcpy(pfx + 1, x->uid, H32);
	if (mdb_txn_begin(s->store.env, NULL, MDB_RDONLY, &txn) != 0)
		return SRV_ESTORE;
	if (mdb_cursor_open(txn, s->acct->db, &cur) != 0) {
		mdb_txn_abort(txn);
		return SRV_ESTORE;
	}
	k.mv_size = sizeof(pfx);
	k.mv_data = pfx;
	rv = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	while (rv == 0 && k.mv_size == sizeof(pfx) + 8
	    && memcmp(k.mv_data, pfx, sizeof(pfx)) == 0) {
		if (v.mv_size == SRV_AUDIT_EVENT_BYTES + H32
		    && srv_audit_decode(&e, v.mv_data) == 0
		    && srv_audit_match(&e, &f)) {
			if (out->events_n == PROTO_MAX_AUDIT_EVENTS) {
				memmove(&out->events[0], &out->events[1],
				    sizeof(out->events[0])
				        * (PROTO_MAX_AUDIT_EVENTS - 1));
				out->events_n--;
			}
			memcpy(out->events[out->events_n].event, v.mv_data,
			    SRV_AUDIT_EVENT_BYTES);
			memcpy(out->events[out->events_n].chain,
			    (const uint8_t *) v.mv_data + SRV_AUDIT_EVENT_BYTES,
			    H32);
			out->events_n++;
		}
		rv = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
	}
	mdb_cursor_close(cur);
	mdb_txn_abort(txn);
	return 0;
}

/* Opens this server's upload sealed by the client for user at version. */
static int
open_upload(struct srv *s, uint8_t *pt, size_t *ptlen, const char *user,
    size_t ulen, uint64_t version, const uint8_t *item, size_t itemlen)
{
	struct srv_acct *a = s->acct;
	uint8_t info[16], ad[2 + PROTO_MAX_USER + 8];
	size_t adlen;
	int i;

	if (itemlen < LK_SEAL_OVERHEAD
	    || itemlen - LK_SEAL_OVERHEAD != TPAKE_UPLOAD_BYTES(s->cfg.t))
		return SRV_EUPLOAD;
	*ptlen = itemlen - LK_SEAL_OVERHEAD;
	memcpy(info, "lk register v1", 14);
	info[14] = (uint8_t) (s->cfg.id >> 8);
	info[15] = (uint8_t) s->cfg.id;
	ad[0] = 0;
	ad[1] = (uint8_t) ulen;
	memcpy(ad + 2, user, ulen);
	adlen = 2 + ulen;
	for (i = 0; i < 8; i++)
		ad[adlen + i] = (uint8_t) (version >> (56 - 8 * i));
	adlen += 8;
	return lk_seal_open(pt, &a->seal_sk, &a->seal_pk, info, sizeof(info),
	           ad, adlen, item, itemlen)
	        == 0
	    ? 0
	    : SRV_EUPLOAD;
}

/* Password change (registration's pattern at version + 1): the new
 * upload, sealed to this server and bound to the next version, replaces
 * the current share and record (tpake_server_password_change refuses a
 * repeat of the current one); the new record is stored under its hash and
 * committed by the shared SET_RECORD in *cmd; the uploads of the servers
 * outside the session wait in this server's mailbox. */
static int
password_change(struct srv *s, struct session *x,
    const struct proto_msg_op_password *q, struct job *j, struct cons_cmd *cmd)
{
	struct srv_acct *a = s->acct;
	struct tpake_user old, nu;
	uint8_t key[1 + 2 * H32], mkey[3 + 2 * H32], hash[H32];
	uint8_t chash[TPAKE_COMMIT_HASH_BYTES], pt[PROTO_MAX_SEALED_UPLOAD];
	uint8_t enc[TPAKE_USER_MAX_BYTES];
	uint8_t item[1 + PROTO_MAX_USER + PROTO_MAX_SEALED_UPLOAD];
	size_t len, ptlen, elen = sizeof(enc);
	uint64_t ver;
	int del, rv, i;

	h32(j->rid, "lk acct rid v1", x->uid, H32, NULL, 0, NULL, 0);
	if (srv_cons_record(s, j->rid, &ver, hash, &del) != 0 || del)
		return SRV_ESESSION;
	key[0] = 'A';
	memcpy(key + 1, x->uid, H32);
	memcpy(key + 1 + H32, hash, H32);
	if ((rv = rec_get(s, key, sizeof(key), ver, &len, "account")) != 0)
		return rv;
	rv = tpake_user_decode(&old, a->data, len);
	lk_wipe(a->data, len);
	if (rv != 0)
		return SRV_ESTALE;
	rv = open_upload(
	    s, pt, &ptlen, x->user, x->ulen, ver + 1, q->item.p, q->item.len);
	if (rv == 0
	    && tpake_server_password_change(&nu, chash, &old, pt, ptlen) != 0)
		rv = SRV_EUPLOAD;
	lk_wipe(pt, sizeof(pt));
	tpake_user_clear(&old);
	if (rv == 0 && tpake_user_encode(enc, &elen, &nu) != 0)
		rv = SRV_EINTERNAL;
	tpake_user_clear(&nu);
	if (rv != 0)
		return rv;
	acct_hash(j->hash, chash);
	j->version = ver + 1;
	memcpy(key + 1 + H32, j->hash, H32);
	rv = rec_put(s, key, sizeof(key), ver + 1, enc, elen);
	lk_wipe(enc, sizeof(enc));
	if (rv != 0)
		return rv;
	for (i = 0; i < q->missed_n; i++) {
		const struct proto_msg_reg_item *it = &q->missed[i];
		if (it->server == s->cfg.id || it->server > s->cfg.n)
			continue;
		mkey[0] = 'M';
		mkey[1] = (uint8_t) (it->server >> 8);
		mkey[2] = (uint8_t) it->server;
		memcpy(mkey + 3, x->uid, H32);
		memcpy(mkey + 3 + H32, j->hash, H32);
		item[0] = x->ulen;
		memcpy(item + 1, x->user, x->ulen);
		memcpy(item + 1 + x->ulen, it->item.p, it->item.len);
		db_put(s, mkey, sizeof(mkey), item, 1 + x->ulen + it->item.len);
	}
	shared_cmd(cmd, CONS_CMD_SET_RECORD, j->rid, ver + 1, j->hash);
	return 0;
}

static int
session_live(struct srv *s, struct session *x, uint64_t now)
{
	return now - x->last < s->cfg.acct.session_idle_ms
	    && now - x->created < s->cfg.acct.session_lifetime_ms;
}

int
srv_handle_sealed(struct srv *s, const struct srv_req *rq, const uint8_t *frame,
    size_t flen, nng_msg **reply)
{
	static uint8_t body[PROTO_MAX_OP_DATA + 1024];
	static union {
		struct proto_msg_op_empty e;
		struct proto_msg_op_store st;
		struct proto_msg_op_get g;
		struct proto_msg_op_delete d;
		struct proto_msg_op_put_skey pk;
		struct proto_msg_op_audit au;
		struct proto_msg_op_password pw;
	} q;
	static struct proto_msg_op_audit_resp ar;
	struct srv_acct *a = s->acct;
	struct session *x;
	struct proto_hdr h;
	struct proto_msg_ack ack = { 0 };
	struct proto_msg_op_user_id uidr;
	struct cons_cmd cmd;
	struct job *j;
	uint8_t reqid[16], key[1 + 2 * H32], kd[1 + H32 + PROTO_MAX_OP_DATA];
	uint64_t now = srv_now_ms(), ver;
	size_t blen;
	int rv, del;

	(void) reply;
	if (a == NULL)
		return SRV_ENOACCT;
	if ((x = sess_find(s, rq->h.sid)) == NULL)
		return SRV_ESESSION;
	if (!session_live(s, x, now)) {
		audit(s, x->uid, x->user_id, SRV_AUD_LOGOUT, SRV_AUD_SUCCESS,
		    NULL, NULL);
		sess_end(x);
		return SRV_ESESSION;
	}
	if ((rv = proto_chan_open(
	         &x->chan, &h, body, sizeof(body), &blen, frame, flen))
	    != 0) {
		LK_DEBUG("session frame refused: %s", proto_strerror(rv));
		return rv; /* replayed, reordered, forged or moved: plain */
	}
	x->last = now;
	op_request_id(reqid, &h);
	switch (h.type) {
	case PROTO_T_OP_USER_ID:
	case PROTO_T_OP_LOGOUT:
	case PROTO_T_OP_CHECK:
	case PROTO_T_OP_GET_SKEY:
		rv = proto_msg_decode(&proto_schema_op_empty, &q.e, body, blen);
		break;
	case PROTO_T_OP_STORE_KEY:
		rv = proto_msg_decode(
		    &proto_schema_op_store, &q.st, body, blen);
		break;
	case PROTO_T_OP_GET_KEY:
		rv = proto_msg_decode(&proto_schema_op_get, &q.g, body, blen);
		break;
	case PROTO_T_OP_DELETE_KEY:
		rv = proto_msg_decode(
		    &proto_schema_op_delete, &q.d, body, blen);
		break;
	case PROTO_T_OP_PUT_SKEY:
		rv = proto_msg_decode(
		    &proto_schema_op_put_skey, &q.pk, body, blen);
		break;
	case PROTO_T_OP_AUDIT:
		rv = proto_msg_decode(
		    &proto_schema_op_audit, &q.au, body, blen);
		break;
	case PROTO_T_OP_PASSWORD:
		rv = proto_msg_decode(
		    &proto_schema_op_password, &q.pw, body, blen);
		break;
	default:
		rv = PROTO_ETYPE;
	}
	if (rv != 0) {
		lk_wipe(body, blen);
		answer_sealed(s, rq, x->sid, NULL, NULL, rv);
		return SRV_DEFERRED;
	}
	switch (h.type) {
	case PROTO_T_OP_USER_ID:
		audit(s, x->uid, x->user_id, SRV_AUD_GET_USER_ID,
		    SRV_AUD_SUCCESS, NULL, reqid);
		memcpy(uidr.user_id, x->user_id, 16);
		answer_sealed(
		    s, rq, x->sid, &proto_schema_op_user_id, &uidr, 0);
		return SRV_DEFERRED;
	case PROTO_T_OP_CHECK:
		audit(s, x->uid, x->user_id, SRV_AUD_CHECK_SESSION,
		    SRV_AUD_SUCCESS, NULL, reqid);
		answer_sealed(s, rq, x->sid, &proto_schema_ack, &ack, 0);
		return SRV_DEFERRED;
	case PROTO_T_OP_LOGOUT:
		audit(s, x->uid, x->user_id, SRV_AUD_LOGOUT, SRV_AUD_SUCCESS,
		    NULL, reqid);
		answer_sealed(s, rq, x->sid, &proto_schema_ack, &ack, 0);
		sess_end(x);
		return SRV_DEFERRED;
	case PROTO_T_OP_AUDIT:
		rv = op_audit(s, x, &q.au, &ar);
		audit(s, x->uid, x->user_id, SRV_AUD_RETRIEVE_AUDIT,
		    rv ? SRV_AUD_FAILED : SRV_AUD_SUCCESS, NULL, reqid);
		answer_sealed(
		    s, rq, x->sid, &proto_schema_op_audit_resp, &ar, rv);
		return SRV_DEFERRED;
	default:
		break;
	}
	if ((j = job_new(rq, 0)) == NULL) {
		lk_wipe(body, blen);
		answer_sealed(s, rq, x->sid, NULL, NULL, SRV_EBUSY);
		return SRV_DEFERRED;
	}
	memcpy(j->sid, x->sid, PROTO_SID_BYTES);
	memcpy(j->uid, x->uid, H32);
	memcpy(j->request_id, reqid, 16);
	rv = 0;
	switch (h.type) {
	case PROTO_T_OP_STORE_KEY:
	case PROTO_T_OP_PUT_SKEY:
		j->kind = J_STORE;
		if (h.type == PROTO_T_OP_STORE_KEY) {
			const struct proto_msg_op_store *st = &q.st;
			j->has_key = 1;
			j->op_kind = st->kind;
			memcpy(j->key_id, st->key_id, H32);
			j->action = st->kind == PROTO_KEY_SECRET
			    ? SRV_AUD_STORE_SECRET
			    : SRV_AUD_STORE_BLOB;
			if (st->kind == PROTO_KEY_BLOB
			    && st->data.len > s->cfg.acct.blob_max) {
				rv = SRV_ETOOBIG;
				break;
			}
			key_rid(j->rid, x->uid, st->key_id);
			kd[0] = st->kind;
			memcpy(kd + 1, st->key_id, H32);
			memcpy(kd + 1 + H32, st->data.p, st->data.len);
			blen = 1 + H32 + st->data.len;
		} else {
			j->action = SRV_AUD_CREATE_STORAGE_KEY;
			skey_rid(s, j->rid, x->uid, q.pk.acct_hash);
			memcpy(kd, q.pk.wrapped.p, q.pk.wrapped.len);
			blen = q.pk.wrapped.len;
		}
		h32(j->hash, "lk content v1", j->rid, H32, kd, blen, NULL, 0);
		j->version = 1;
		if (srv_cons_record(s, j->rid, &ver, key + 1, &del) == 0) {
			rv = SRV_EEXISTS;
			break;
		}
		key[0] = 'K';
		memcpy(key + 1, j->rid, H32);
		memcpy(key + 1 + H32, j->hash, H32);
		rv = rec_put(s, key, sizeof(key), 1, kd, blen);
		lk_wipe(kd, blen);
		if (rv == 0) {
			shared_cmd(
			    &cmd, CONS_CMD_SET_RECORD, j->rid, 1, j->hash);
			rv = srv_cons_submit(
			    s, &cmd, CMD_TIMEOUT_MS, op_store_done, j);
		}
		break;
	case PROTO_T_OP_GET_KEY:
	case PROTO_T_OP_GET_SKEY:
		j->kind = J_GET;
		if (h.type == PROTO_T_OP_GET_KEY) {
			j->has_key = 1;
			j->op_kind = q.g.kind;
			memcpy(j->key_id, q.g.key_id, H32);
			key_rid(j->rid, x->uid, q.g.key_id);
			j->action = q.g.kind == PROTO_KEY_BLOB
			    ? SRV_AUD_RETRIEVE_BLOB
			    : q.g.export_ ? SRV_AUD_EXPORT_SECRET
			                  : SRV_AUD_RETRIEVE_SECRET;
		} else {
			skey_rid(s, j->rid, x->uid, NULL);
			j->action = SRV_AUD_RETRIEVE_STORAGE_KEY;
		}
		memset(&cmd, 0, sizeof(cmd));
		cmd.type = CONS_CMD_READ_RECORD;
		memcpy(cmd.id, j->rid, H32);
		rv = srv_cons_submit(s, &cmd, CMD_TIMEOUT_MS, op_get_done, j);
		break;
	case PROTO_T_OP_PASSWORD:
		j->kind = J_STORE;
		j->action = SRV_AUD_PASSWORD_CHANGE;
		rv = password_change(s, x, &q.pw, j, &cmd);
		if (rv == 0)
			rv = srv_cons_submit(
			    s, &cmd, CMD_TIMEOUT_MS, op_store_done, j);
		break;
	case PROTO_T_OP_DELETE_KEY:
		j->kind = J_DELETE;
		j->has_key = 1;
		j->action = SRV_AUD_DELETE_KEY;
		memcpy(j->key_id, q.d.key_id, H32);
		key_rid(j->rid, x->uid, q.d.key_id);
		if (srv_cons_record(s, j->rid, &ver, key + 1, &del) != 0) {
			rv = SRV_ENOKEY;
			break;
		}
		/* A server slower than the others can find the key already
		 * deleted by this very request (they committed it first; seen
		 * in accounts.sh on a loaded machine): it proposes the same
		 * command (the tombstone's version, the same request id),
		 * which the state machine answers from the first execution.
		 * A key deleted by an earlier request gets CONS_R_DELETED. */
		j->version = del ? ver : ver + 1;
		memset(j->hash, 0, H32);
		shared_cmd_req(&cmd, CONS_CMD_DELETE_RECORD, j->rid, j->version,
		    NULL, reqid);
		rv = srv_cons_submit(s, &cmd, CMD_TIMEOUT_MS, op_store_done, j);
		break;
	default:
		rv = PROTO_ETYPE;
	}
	lk_wipe(body, sizeof(body));
	if (rv != 0) {
		audit(s, x->uid, x->user_id, j->action ? j->action : 0,
		    SRV_AUD_FAILED, j->has_key ? j->key_id : NULL, reqid);
		answer_sealed(s, rq, x->sid, NULL, NULL, rv);
		job_free(j);
	}
	return SRV_DEFERRED;
}

/* ------------------------------------------------------------------ */
/* the mailbox: records a server missed, from its peers */

static void
peer_send(
    struct srv *s, int peer, const struct proto_schema *sc, const void *msg)
{
	struct proto_hdr h;
	nng_msg *m;

	if (peer < 1 || peer > s->cfg.n || peer == s->cfg.id
	    || s->peers[peer].link == NULL
	    || !proto_link_up(s->peers[peer].link)
	    || srv_fault_drop_out(s, peer))
		return;
	memset(&h, 0, sizeof(h));
	h.sender = s->cfg.id;
	if (proto_net_frame(&m, &h, sc, msg) == 0
	    && proto_link_send(s->peers[peer].link, m) != 0)
		nng_msg_free(m);
}

/* Asks every peer for the record under key ('A' uid hash / 'K' rid hash),
 * at most once a second per record. */
static void
fetch_missing(struct srv *s, const uint8_t *key, size_t klen)
{
	struct srv_acct *a = s->acct;
	struct proto_msg_peer_fetch f;
	uint64_t now = srv_now_ms();
	size_t i, pick = 0;
	int p;

	if (klen != 1 + 2 * H32 || (key[0] != 'A' && key[0] != 'K'))
		return;
	f.kind = key[0] == 'A' ? 1 : 2;
	memcpy(f.id, key + 1, H32);
	memcpy(f.hash, key + 1 + H32, H32);
	for (i = 0; i < FETCH_MAX; i++) {
		if (a->fetch[i].kind == f.kind
		    && memcmp(a->fetch[i].id, f.id, H32) == 0
		    && memcmp(a->fetch[i].hash, f.hash, H32) == 0) {
			if (now - a->fetch[i].at < FETCH_EVERY_MS)
				return;
			pick = i;
			break;
		}
		if (a->fetch[i].at < a->fetch[pick].at)
			pick = i;
	}
	a->fetch[pick].kind = f.kind;
	memcpy(a->fetch[pick].id, f.id, H32);
	memcpy(a->fetch[pick].hash, f.hash, H32);
	a->fetch[pick].at = now;
	for (p = 1; p <= s->cfg.n; p++)
		peer_send(s, p, &proto_schema_peer_fetch, &f);
}

/* A peer asks for what it missed. */
static void
on_fetch(struct srv *s, int peer, const struct proto_msg_peer_fetch *f)
{
	static struct proto_msg_peer_item it;
	struct srv_acct *a = s->acct;
	uint8_t key[3 + 2 * H32], rid[H32], hash[H32];
	uint64_t ver;
	size_t len;
	int del;

	memset(&it, 0, sizeof(it));
	it.kind = f->kind;
	memcpy(it.id, f->id, H32);
	memcpy(it.hash, f->hash, H32);
	if (f->kind == 1) {
		/* the sealed upload kept for that server (only it can open) */
		key[0] = 'M';
		key[1] = (uint8_t) (peer >> 8);
		key[2] = (uint8_t) peer;
		memcpy(key + 3, f->id, H32);
		memcpy(key + 3 + H32, f->hash, H32);
		if (db_get(s, key, sizeof(key), a->rec, sizeof(a->rec), &len)
		    != 0)
			return;
		it.data.p = a->rec;
		it.data.len = len;
		peer_send(s, peer, &proto_schema_peer_item, &it);
		return;
	}
	/* a key record as committed: content every server stores alike */
	memcpy(rid, f->id, H32);
	if (srv_cons_record(s, rid, &ver, hash, &del) != 0 || del
	    || !lk_ct_eq(hash, f->hash, H32))
		return;
	key[0] = 'K';
	memcpy(key + 1, rid, H32);
	memcpy(key + 1 + H32, hash, H32);
	if (db_get(s, key, 1 + 2 * H32, a->rec, sizeof(a->rec), &len) != 0
	    || srv_record_open(a->data, sizeof(a->data), &len, &ver, a->storage,
	           key, 1 + 2 * H32, a->rec, len)
	        != 0)
		return;
	it.data.p = a->data;
	it.data.len = len;
	peer_send(s, peer, &proto_schema_peer_item, &it);
	lk_wipe(a->data, len);
}

/* A peer's answer: checked against consensus, then stored. */
static void
on_item(struct srv *s, int peer, const struct proto_msg_peer_item *it)
{
	struct tpake_user u;
	uint8_t key[1 + 2 * H32], hash[H32], chash[TPAKE_COMMIT_HASH_BYTES];
	uint8_t uid[H32], rid[H32];
	uint8_t pt[PROTO_MAX_SEALED_UPLOAD], enc[TPAKE_USER_MAX_BYTES];
	size_t ulen, ptlen, elen = sizeof(enc);
	uint64_t ver;
	int del, rv;

	if (it->kind == 2) {
		if (srv_cons_record(s, it->id, &ver, hash, &del) != 0 || del
		    || !lk_ct_eq(hash, it->hash, H32))
			return;
		h32(hash, "lk content v1", it->id, H32, it->data.p,
		    it->data.len, NULL, 0);
		if (!lk_ct_eq(hash, it->hash, H32)) {
			LK_WARN(
			    "mailbox: server %d sent a key record that does "
			    "not match the committed hash",
			    peer);
			return;
		}
		key[0] = 'K';
		memcpy(key + 1, it->id, H32);
		memcpy(key + 1 + H32, hash, H32);
		if (rec_put(s, key, sizeof(key), ver, it->data.p, it->data.len)
		    == 0)
			LK_INFO("mailbox: took a key record it missed (version "
			        "%llu) from server %d",
			    (unsigned long long) ver, peer);
		return;
	}
	/* an account: l1 user || the upload sealed to this server */
	ulen = it->data.p[0];
	if (ulen < 1 || ulen > PROTO_MAX_USER || it->data.len < 1 + ulen)
		return;
	h32(uid, "lk user v1", it->data.p + 1, ulen, NULL, 0, NULL, 0);
	h32(rid, "lk acct rid v1", uid, H32, NULL, 0, NULL, 0);
	if (!lk_ct_eq(uid, it->id, H32)
	    || srv_cons_record(s, rid, &ver, hash, &del) != 0 || del
	    || !lk_ct_eq(hash, it->hash, H32))
		return;
	/* sealed for the committed version (1, or a password change's) */
	if (open_upload(s, pt, &ptlen, (const char *) it->data.p + 1, ulen, ver,
	        it->data.p + 1 + ulen, it->data.len - 1 - ulen)
	    != 0)
		return;
	rv = tpake_server_register_accept(&u, NULL, pt, ptlen,
	    (uint8_t) s->cfg.id, (uint8_t) s->cfg.t, (uint8_t) s->cfg.n);
	lk_wipe(pt, sizeof(pt));
	if (rv == 0) {
		tpake_commit_hash(chash, u.commit, u.t, u.n);
		acct_hash(hash, chash);
		if (!lk_ct_eq(hash, it->hash, H32))
			rv = SRV_EUPLOAD;
	}
	if (rv == 0)
		rv = tpake_user_encode(enc, &elen, &u);
	tpake_user_clear(&u);
	if (rv != 0) {
		LK_WARN("mailbox: the account item from server %d does not "
		        "verify",
		    peer);
		return;
	}
	key[0] = 'A';
	memcpy(key + 1, uid, H32);
	memcpy(key + 1 + H32, hash, H32);
	if (rec_put(s, key, sizeof(key), ver, enc, elen) == 0)
		LK_INFO("mailbox: took the account record it missed from "
		        "server %d",
		    peer);
	lk_wipe(enc, sizeof(enc));
}

void
srv_acct_on_peer(
    struct srv *s, int peer, const struct proto_hdr *h, const uint8_t *body)
{
	static struct proto_msg_peer_item it;
	struct proto_msg_peer_fetch f;

	if (s->acct == NULL)
		return;
	if (h->type == PROTO_T_PEER_FETCH
	    && proto_msg_decode(&proto_schema_peer_fetch, &f, body, h->len)
	        == 0)
		on_fetch(s, peer, &f);
	else if (h->type == PROTO_T_PEER_ITEM
	    && proto_msg_decode(&proto_schema_peer_item, &it, body, h->len)
	        == 0)
		on_item(s, peer, &it);
}

int
srv_acct_write_aux(struct srv *s)
{
	struct srv_acct *a = s->acct;
	uint8_t v[8];
	int i, rv;

	if (a == NULL || !a->writes_dirty || s->cons == NULL)
		return 0;
	for (i = 0; i < 8; i++)
		v[i] = (uint8_t) (a->writes >> (56 - 8 * i));
	if ((rv = srv_cons_aux_put(
	         s, (const uint8_t *) "acct_writes", 11, v, sizeof(v)))
	    != 0)
		srv_fatal("record-write counter: %s", srv_err_text(rv));
	a->writes_dirty = 0;
	return 1;
}

void
srv_acct_check_rollback(struct srv *s)
{
	struct srv_acct *a = s->acct;
	uint8_t v[8];
	uint64_t made = 0;
	size_t len;
	int i;

	if (a == NULL
	    || srv_cons_aux_get(
	           s, (const uint8_t *) "acct_writes", 11, v, sizeof(v), &len)
	        != 0
	    || len != 8)
		return;
	for (i = 0; i < 8; i++)
		made = made << 8 | v[i];
	if (made > a->writes) {
		LK_ERROR("stale storage: this server's LMDB holds %llu record "
		         "writes but it made %llu: data.mdb was rolled back or "
		         "replaced by an older copy; records it lacks or holds "
		         "at older versions are refused and taken again from "
		         "the peers",
		    (unsigned long long) a->writes, (unsigned long long) made);
		s->stale = 1;
		/* count on from what this server made */
		a->writes = made;
		a->writes_dirty = 1;
	}
}

/* ------------------------------------------------------------------ */
/* setup and timers */

void
srv_acct_dump_stats(struct srv *s)
{
	struct srv_acct *a = s->acct;

	if (a == NULL)
		return;
	LK_INFO("accounts: ATTEMPT commits %llu, mean %.3f ms; LOGIN_OK "
	        "commits %llu, mean %.3f ms",
	    (unsigned long long) a->attempt_n,
	    a->attempt_n ? (double) a->attempt_us / 1000.0 / a->attempt_n : 0.0,
	    (unsigned long long) a->loginok_n,
	    a->loginok_n ? (double) a->loginok_us / 1000.0 / a->loginok_n
	                 : 0.0);
}

void
srv_acct_poll(struct srv *s, uint64_t now)
{
	struct srv_acct *a = s->acct;
	size_t i;

	if (a == NULL)
		return;
	/* at most every 20 ms: the loop turns once per batch of events */
	if (now - a->last_poll < 20)
		return;
	a->last_poll = now;
	for (i = 0; i < LOGIN_MAX; i++) {
		if (a->delay[i].j != NULL && now >= a->delay[i].due) {
			struct job *j = a->delay[i].j;
			a->delay[i].j = NULL;
			login1_answer(s, j);
			job_free(j);
		}
		if (a->logins[i].used
		    && now - a->logins[i].created > LOGIN_TTL_MS) {
			tpake_server_login_clear(&a->logins[i].st);
			lk_wipe(&a->logins[i], sizeof(a->logins[i]));
		}
	}
	for (i = 0; i < a->nsess; i++)
		if (a->sess[i].used && !session_live(s, &a->sess[i], now))
			sess_end(&a->sess[i]);
}

static int
db_get_raw(MDB_env *env, MDB_dbi db, uint8_t *out, size_t cap, size_t *len)
{
	MDB_txn *txn;
	MDB_val k = { 1, (void *) "W" }, v;
	int rv;

	*len = 0;
	if (mdb_txn_begin(env, NULL, MDB_RDONLY, &txn) != 0)
		return SRV_ESTORE;
	rv = mdb_get(txn, db, &k, &v);
	if (rv == 0 && v.mv_size <= cap) {
		memcpy(out, v.mv_data, v.mv_size);
		*len = v.mv_size;
	}
	mdb_txn_abort(txn);
	return rv == 0 ? 0 : LK_ENOTFOUND;
}

int
srv_acct_open(struct srv *s, char *err, size_t errcap)
{
	const struct srv_acct_cfg *c = &s->cfg.acct;
	struct srv_acct *a;
	MDB_txn *txn;
	int rv;

	if (c->ake_key[0] == '\0' && c->seal_key[0] == '\0'
	    && c->storage_key[0] == '\0' && c->fake_seed[0] == '\0') {
		LK_WARN("[keys] not configured: accounts are disabled");
		return 0;
	}
	if ((a = sodium_malloc(sizeof(*a))) == NULL)
		return LK_ENOMEM;
	memset(a, 0, sizeof(*a));
	if (read_hex_file(c->ake_key, a->ake.sk.b, 32) != 0) {
		snprintf(err, errcap,
		    "[keys] ake: cannot read 32 hex bytes "
		    "from %s",
		    c->ake_key);
		goto fail;
	}
	if (read_hex_file(c->seal_key, a->seal_sk.b, 32) != 0
	    || lk_seal_pk_from_sk(&a->seal_pk, &a->seal_sk) != 0) {
		snprintf(err, errcap, "[keys] seal: cannot read a key from %s",
		    c->seal_key);
		goto fail;
	}
	if (read_hex_file(c->storage_key, a->storage, 32) != 0) {
		snprintf(err, errcap,
		    "[keys] storage: cannot read 32 hex "
		    "bytes from %s",
		    c->storage_key);
		goto fail;
	}
	if (read_hex_file(c->fake_seed, a->fake_seed, 64) != 0) {
		snprintf(err, errcap,
		    "[keys] fake_seed: cannot read 64 hex "
		    "bytes from %s",
		    c->fake_seed);
		goto fail;
	}
	/* pk = sk * G: tpake_server_key_generate derives from a seed, so
	 * compute it with libsodium directly. */
	if (crypto_scalarmult_ristretto255_base(a->ake.pk.b, a->ake.sk.b) != 0
	    || tpake_server_key_check(&a->ake) != 0) {
		snprintf(err, errcap, "[keys] ake: %s is not a valid key",
		    c->ake_key);
		goto fail;
	}
	a->nsess = c->max_sessions;
	if ((a->sess = calloc(a->nsess, sizeof(*a->sess))) == NULL)
		goto fail;
	if ((rv = mdb_txn_begin(s->store.env, NULL, 0, &txn)) != 0
	    || (rv = mdb_dbi_open(txn, "acct", MDB_CREATE, &a->db)) != 0
	    || (rv = mdb_txn_commit(txn)) != 0) {
		snprintf(err, errcap, "LMDB acct: %s", mdb_strerror(rv));
		goto fail;
	}
	{
		uint8_t w[8];
		size_t wl;
		int i;
		if (db_get_raw(s->store.env, a->db, w, sizeof(w), &wl) == 0
		    && wl == 8)
			for (i = 0; i < 8; i++)
				a->writes = a->writes << 8 | w[i];
	}
	{
		/* the decoy: a fake user sealed like an account record */
		struct tpake_user fu;
		uint8_t enc[TPAKE_USER_MAX_BYTES];
		size_t elen = sizeof(enc);
		if (tpake_user_fake(&fu, a->fake_seed,
		        (struct tpake_bytes) { (const uint8_t *) "decoy", 5 },
		        (uint8_t) s->cfg.id, (uint8_t) s->cfg.t,
		        (uint8_t) s->cfg.n)
		        != 0
		    || tpake_user_encode(enc, &elen, &fu) != 0
		    || srv_record_seal(a->decoy, sizeof(a->decoy),
		           &a->decoy_len, a->storage, (const uint8_t *) "decoy",
		           5, 1, enc, elen)
		        != 0) {
			tpake_user_clear(&fu);
			snprintf(err, errcap, "accounts: decoy record");
			goto fail;
		}
		tpake_user_clear(&fu);
		lk_wipe(enc, sizeof(enc));
	}
	s->acct = a;
	return 0;
fail:
	free(a->sess);
	sodium_free(a);
	return SRV_ECONFIG;
}

void
srv_acct_close(struct srv *s)
{
	struct srv_acct *a = s->acct;
	size_t i;

	if (a == NULL)
		return;
	for (i = 0; i < LOGIN_MAX; i++)
		if (a->delay[i].j != NULL)
			job_free(a->delay[i].j);
	for (i = 0; i < a->nsess; i++)
		sess_end(&a->sess[i]);
	free(a->sess);
	sodium_free(a); /* wipes */
	s->acct = NULL;
}

/* keyserver --keygen DIR: the server's AKE, seal and storage keys. */
static int
write_key(const char *dir, const char *name, const uint8_t *k, size_t n)
{
	char path[PATH_MAX], hex[2 * 64 + 2];
	int fd;
	ssize_t w;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600)) < 0) {
		fprintf(stderr, "keyserver: %s: %s\n", path, strerror(errno));
		return 1;
	}
	lk_hex_encode(hex, sizeof(hex), k, n);
	hex[2 * n] = '\n';
	w = write(fd, hex, 2 * n + 1);
	lk_wipe(hex, sizeof(hex));
	close(fd);
	return w == (ssize_t) (2 * n + 1) ? 0 : 1;
}

int srv_keygen(const char *dir);
int
srv_keygen(const char *dir)
{
	struct tpake_server_key ake;
	struct lk_seal_sk ssk;
	struct lk_seal_pk spk;
	uint8_t storage[32];
	char hex[65];
	int rv;

	if (tpake_server_key_generate(&ake, NULL) != 0)
		return 1;
	lk_seal_keygen(&spk, &ssk);
	lk_random(storage, sizeof(storage));
	rv = write_key(dir, "ake.key", ake.sk.b, 32)
	    || write_key(dir, "seal.key", ssk.b, 32)
	    || write_key(dir, "storage.key", storage, 32);
	if (rv == 0) {
		lk_hex_encode(hex, sizeof(hex), ake.pk.b, 32);
		printf("ake_pk = %s\n", hex);
		lk_hex_encode(hex, sizeof(hex), spk.b, 32);
		printf("seal_pk = %s\n", hex);
	}
	lk_wipe(&ake, sizeof(ake));
	lk_wipe(&ssk, sizeof(ssk));
	lk_wipe(storage, sizeof(storage));
	return rv;
}
