/* LMDB store with a write-ahead log. One environment per node with three
 * databases: "meta" (term, vote, state-machine checkpoint, WAL
 * generation), "log" (key: big-endian u64 index, value: entry record) and
 * "aux" (the embedder's records).
 *
 * Group commit: cons_store_write and cons_store_aux_put apply their
 * changes inside one open LMDB write transaction and also record every
 * put and delete they make. cons_store_sync appends those operations to
 * the WAL file ("wal" beside data.mdb) as one checksummed record and
 * flushes it once (fdatasync of a preallocated file written in place, so
 * no metadata changes). The transaction stays open across syncs; it is
 * committed with LMDB's full sync (a checkpoint) only when the WAL is
 * full, for a snapshot, and at open. The checkpoint also stores the next
 * WAL generation, which every later record carries: records of an older
 * generation are dead without touching the file.
 *
 * Open replays the valid records of the checkpoint's generation into the
 * transaction, stops at the first invalid one (the torn tail, only
 * possible past the last fdatasync) and checkpoints. Until a sync none of
 * the batch is durable (a crash or a close without sync forgets it, like
 * the memory store's unsynced writes). The transaction belongs to the
 * calling thread: one thread does all writes, syncs and the close. Any
 * error is final (fail-stop, see store.c). */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <lmdb.h>

#include "cons_int.h"

/* WAL file size, fixed: preallocated with zeros so that a sync only
 * overwrites data blocks (fdatasync then flushes no metadata). A record
 * takes at least CONS_WAL_ALIGN bytes, so a checkpoint comes at least
 * every WAL_BYTES / CONS_WAL_ALIGN syncs. */
#define WAL_BYTES ((size_t) 8 << 20)
/* A WAL file larger than this is not ours (not even an older size). */
#define WAL_READ_MAX ((size_t) 1 << 30)

enum { DB_META, DB_LOG, DB_AUX };

struct lmdb_store {
	struct cons_store base;
	MDB_env *env;
	MDB_dbi dbi[CONS_WAL_DBS];
	MDB_txn *txn; /* open since the last checkpoint */
	int dirty; /* writes since the last sync */
	int wal_fd;
	char *wal_path;
	uint64_t gen, seq; /* generation and next record's sequence number */
	size_t wal_off; /* where the next record goes */
	uint8_t *rec; /* next record: header room, then the batch's ops */
	size_t rec_len, rec_cap;
};

static const char K_TERM[] = "term";
static const char K_VOTE[] = "vote";
static const char K_SNAPI[] = "snap_index";
static const char K_SNAP[] = "snap";
static const char K_WALGEN[] = "wal_gen";

static void
be64(uint8_t b[8], uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		b[i] = (uint8_t) (v >> (56 - 8 * i));
}

static uint64_t
rd64(const uint8_t *b)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = (v << 8) | b[i];
	return v;
}

static int
put_kv(MDB_txn *t, MDB_dbi d, const char *k, const void *v, size_t n)
{
	MDB_val key = { strlen(k), (void *) k }, val = { n, (void *) v };

	return mdb_put(t, d, &key, &val, 0);
}

static int
map_err(int rc)
{
	return rc == ENOMEM ? CONS_ENOMEM : CONS_EIO;
}

/* Appends op to the next WAL record. Returns 0 or ENOMEM (an LMDB-style
 * code, mapped by the caller like LMDB's own). */
static int
rec_add(struct lmdb_store *l, const struct cons_wal_op *op)
{
	size_t need = cons_wal_op_size(op);

	if (l->rec_len == 0)
		l->rec_len = CONS_WAL_HDR;
	if (l->rec_cap < l->rec_len + need) {
		size_t cap = l->rec_cap ? l->rec_cap : CONS_WAL_ALIGN;
		uint8_t *r;
		while (cap - l->rec_len < need)
			cap *= 2;
		if ((r = realloc(l->rec, cap)) == NULL)
			return ENOMEM;
		l->rec = r;
		l->rec_cap = cap;
	}
	l->rec_len += cons_wal_op_put(l->rec + l->rec_len, op);
	return 0;
}

/* mdb_put into the batch, recorded for the WAL. */
static int
db_put(struct lmdb_store *l, int db, const void *k, size_t klen, const void *v,
    size_t vlen, unsigned flags)
{
	MDB_val key = { klen, (void *) k }, val = { vlen, (void *) v };
	struct cons_wal_op op
	    = { CONS_WAL_PUT, (uint8_t) db, k, v, klen, vlen };
	int rc;

	if ((rc = mdb_put(l->txn, l->dbi[db], &key, &val, flags)) != 0)
		return rc;
	return rec_add(l, &op);
}

static int
db_put_str(struct lmdb_store *l, int db, const char *k, const void *v, size_t n)
{
	return db_put(l, db, k, strlen(k), v, n, 0);
}

/* Drops the open transaction (after an error: the store has failed). */
static void
batch_abort(struct lmdb_store *l)
{
	if (l->txn != NULL)
		mdb_txn_abort(l->txn);
	l->txn = NULL;
	l->rec_len = 0;
}

static int
batch_begin(struct lmdb_store *l)
{
	int rc;

	if (l->txn != NULL)
		return 0;
	if ((rc = mdb_txn_begin(l->env, NULL, 0, &l->txn)) != 0) {
		l->txn = NULL;
		return map_err(rc);
	}
	return 0;
}

static int
lm_write(struct cons_store *s, const struct cons_persist *p)
{
	struct lmdb_store *l = (struct lmdb_store *) s;
	uint8_t kb[8], tb[8], rec[13 + CONS_ENTRY_MAX];
	MDB_cursor *c = NULL;
	MDB_val key, val;
	size_t k;
	int rc;

	if ((rc = batch_begin(l)) != 0)
		return rc;
	l->dirty = 1;
	if (p->has_hard) {
		be64(tb, p->term);
		if ((rc = db_put_str(l, DB_META, K_TERM, tb, 8)) != 0
		    || (rc = db_put_str(l, DB_META, K_VOTE, &p->vote, 1)) != 0)
			goto fail;
	}
	/* delete >= truncate_from, and anything at or past the first entry
	 * written (entries replace the tail) */
	{
		uint64_t from = p->truncate_from;
		if (p->n_entries > 0
		    && (from == 0 || p->entries[0].index < from))
			from = p->entries[0].index;
		if (from) {
			struct cons_wal_op op
			    = { CONS_WAL_DEL, DB_LOG, kb, NULL, 8, 0 };
			if ((rc = mdb_cursor_open(l->txn, l->dbi[DB_LOG], &c))
			    != 0)
				goto fail;
			be64(kb, from);
			key.mv_size = 8;
			key.mv_data = kb;
			rc = mdb_cursor_get(c, &key, &val, MDB_SET_RANGE);
			while (rc == 0) {
				if (key.mv_size != 8) {
					rc = MDB_CORRUPTED;
					goto fail;
				}
				memcpy(kb, key.mv_data, 8);
				if ((rc = mdb_cursor_del(c, 0)) != 0
				    || (rc = rec_add(l, &op)) != 0)
					goto fail;
				/* after a delete, NEXT yields the record that
				 * followed the deleted one */
				rc = mdb_cursor_get(c, &key, &val, MDB_NEXT);
			}
			if (rc != 0 && rc != MDB_NOTFOUND)
				goto fail;
			mdb_cursor_close(c);
			c = NULL;
		}
	}
	for (k = 0; k < p->n_entries; k++) {
		const struct cons_entry *e = &p->entries[k];
		be64(kb, e->index);
		if ((rc = db_put(l, DB_LOG, kb, 8, rec,
		         cons_entry_rec_put(rec, e), MDB_APPEND))
		    != 0)
			goto fail;
	}
	return 0;
fail:
	if (c != NULL)
		mdb_cursor_close(c);
	batch_abort(l);
	return map_err(rc);
}

/* Commits the transaction with LMDB's full sync and starts the next WAL
 * generation: every record written so far is then dead. */
static int
checkpoint(struct lmdb_store *l)
{
	uint8_t gb[8];
	int rc;

	if ((rc = batch_begin(l)) != 0)
		return rc;
	be64(gb, l->gen + 1);
	if ((rc = put_kv(l->txn, l->dbi[DB_META], K_WALGEN, gb, 8)) != 0) {
		batch_abort(l);
		return map_err(rc);
	}
	rc = mdb_txn_commit(l->txn);
	l->txn = NULL;
	l->rec_len = 0;
	if (rc != 0)
		return map_err(rc);
	l->gen++;
	l->seq = 0;
	l->wal_off = 0;
	l->dirty = 0;
	return 0;
}

static int
pwrite_all(int fd, const uint8_t *b, size_t n, size_t off)
{
	ssize_t w;

	while (n > 0) {
		w = pwrite(fd, b, n, (off_t) off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return CONS_EIO;
		b += w;
		n -= (size_t) w;
		off += (size_t) w;
	}
	return 0;
}

/* Makes the batch durable: one WAL record and one fdatasync, or a
 * checkpoint when the record does not fit in the rest of the file. */
static int
lm_sync(struct cons_store *s)
{
	struct lmdb_store *l = (struct lmdb_store *) s;
	size_t plen, n;
	int rc;

	if (!l->dirty)
		return 0;
	if (l->rec_len == 0) { /* writes that changed nothing */
		l->dirty = 0;
		return 0;
	}
	plen = l->rec_len - CONS_WAL_HDR;
	n = cons_wal_rec_size(plen);
	if (n > WAL_BYTES - l->wal_off)
		return checkpoint(l);
	if (n > l->rec_cap) {
		uint8_t *r = realloc(l->rec, n);
		if (r == NULL)
			return CONS_ENOMEM;
		l->rec = r;
		l->rec_cap = n;
	}
	/* whole pages: the kernel need not read the old page first */
	memset(l->rec + l->rec_len, 0, n - l->rec_len);
	cons_wal_seal(l->rec, plen, l->gen, l->seq);
	if ((rc = pwrite_all(l->wal_fd, l->rec, n, l->wal_off)) != 0)
		return rc;
	if (fdatasync(l->wal_fd) != 0)
		return CONS_EIO;
	l->wal_off += n;
	l->seq++;
	l->rec_len = 0;
	l->dirty = 0;
	return 0;
}

static int
lm_put_snapshot(struct cons_store *s, uint64_t index, uint64_t term,
    const uint8_t *snap, size_t len)
{
	struct lmdb_store *l = (struct lmdb_store *) s;
	uint8_t ib[8];
	int rc;

	(void) term;
	if ((rc = batch_begin(l)) != 0)
		return rc;
	/* not recorded: the checkpoint below makes it durable */
	be64(ib, index);
	if ((rc = put_kv(l->txn, l->dbi[DB_META], K_SNAPI, ib, 8)) != 0
	    || (rc = put_kv(l->txn, l->dbi[DB_META], K_SNAP, snap, len)) != 0) {
		batch_abort(l);
		return map_err(rc);
	}
	return checkpoint(l);
}

static int
lm_aux_put(struct cons_store *s, const uint8_t *key, size_t klen,
    const uint8_t *val, size_t vlen)
{
	struct lmdb_store *l = (struct lmdb_store *) s;
	int rc;

	if ((rc = batch_begin(l)) != 0)
		return rc;
	l->dirty = 1;
	if ((rc = db_put(l, DB_AUX, key, klen, val, vlen, 0)) != 0) {
		batch_abort(l);
		return map_err(rc);
	}
	return 0;
}

/* A transaction that sees the durable state: the open one when it holds
 * nothing unsynced (it is then exactly what a restart would load). */
static int
read_begin(struct lmdb_store *l, MDB_txn **t)
{
	int rc;

	if (l->dirty)
		return CONS_EINVAL; /* reads durable state: sync first */
	if (l->txn != NULL) {
		*t = l->txn;
		return 0;
	}
	if ((rc = mdb_txn_begin(l->env, NULL, MDB_RDONLY, t)) != 0)
		return map_err(rc);
	return 0;
}

static void
read_end(struct lmdb_store *l, MDB_txn *t)
{
	if (t != l->txn)
		mdb_txn_abort(t);
}

static int
lm_aux_each(struct cons_store *s, cons_aux_fn fn, void *ctx)
{
	struct lmdb_store *l = (struct lmdb_store *) s;
	MDB_txn *t;
	MDB_cursor *c;
	MDB_val k, v;
	int rc, ret = 0;

	if ((rc = read_begin(l, &t)) != 0)
		return rc;
	if ((rc = mdb_cursor_open(t, l->dbi[DB_AUX], &c)) != 0) {
		read_end(l, t);
		return map_err(rc);
	}
	while ((rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) == 0) {
		if (k.mv_size < 1 || k.mv_size > CONS_AUX_KEY_MAX
		    || v.mv_size > CONS_AUX_VAL_MAX) {
			ret = CONS_ECORRUPT;
			break;
		}
		if ((ret = fn(ctx, k.mv_data, k.mv_size, v.mv_data, v.mv_size))
		    != 0)
			break;
	}
	if (ret == 0 && rc != MDB_NOTFOUND)
		ret = map_err(rc);
	mdb_cursor_close(c);
	read_end(l, t);
	return ret;
}

static int
get_kv(MDB_txn *t, MDB_dbi d, const char *k, MDB_val *v)
{
	MDB_val key = { strlen(k), (void *) k };

	return mdb_get(t, d, &key, v);
}

static int
lm_load(struct cons_store *s, struct cons_loaded *out)
{
	struct lmdb_store *l = (struct lmdb_store *) s;
	MDB_txn *t = NULL;
	MDB_cursor *c = NULL;
	MDB_val key, val;
	MDB_stat st;
	size_t n = 0;
	int rc, ret = CONS_ECORRUPT;

	out->boot.vote = CONS_VOTE_NONE;
	if ((rc = read_begin(l, &t)) != 0)
		return rc;
	rc = get_kv(t, l->dbi[DB_META], K_TERM, &val);
	if (rc == 0) {
		if (val.mv_size != 8)
			goto out;
		out->boot.term = rd64(val.mv_data);
		if (get_kv(t, l->dbi[DB_META], K_VOTE, &val) != 0
		    || val.mv_size != 1)
			goto out;
		out->boot.vote = *(const uint8_t *) val.mv_data;
	} else if (rc != MDB_NOTFOUND) {
		ret = map_err(rc);
		goto out;
	}
	rc = get_kv(t, l->dbi[DB_META], K_SNAPI, &val);
	if (rc == 0) {
		if (val.mv_size != 8)
			goto out;
		out->snap_index = rd64(val.mv_data);
		if (get_kv(t, l->dbi[DB_META], K_SNAP, &val) != 0)
			goto out;
		if (val.mv_size > 0) {
			out->snap = malloc(val.mv_size);
			if (out->snap == NULL) {
				ret = CONS_ENOMEM;
				goto out;
			}
			memcpy(out->snap, val.mv_data, val.mv_size);
			out->snap_len = val.mv_size;
		}
	} else if (rc != MDB_NOTFOUND) {
		ret = map_err(rc);
		goto out;
	}
	if ((rc = mdb_stat(t, l->dbi[DB_LOG], &st)) != 0) {
		ret = map_err(rc);
		goto out;
	}
	if (st.ms_entries > 0) {
		out->ents = calloc(st.ms_entries, sizeof(*out->ents));
		if (out->ents == NULL) {
			ret = CONS_ENOMEM;
			goto out;
		}
	}
	if ((rc = mdb_cursor_open(t, l->dbi[DB_LOG], &c)) != 0) {
		ret = map_err(rc);
		goto out;
	}
	rc = mdb_cursor_get(c, &key, &val, MDB_FIRST);
	while (rc == 0) {
		struct cons_entry e;
		uint8_t *copy = NULL;
		/* contiguous from 1, terms non-decreasing, <= stored term */
		if (n >= st.ms_entries || key.mv_size != 8
		    || rd64(key.mv_data) != n + 1
		    || cons_entry_rec_get(&e, n + 1, val.mv_data, val.mv_size)
		    || e.term > out->boot.term
		    || (n > 0 && e.term < out->ents[n - 1].term))
			goto out;
		if (e.len > 0) {
			copy = malloc(e.len);
			if (copy == NULL) {
				ret = CONS_ENOMEM;
				goto out;
			}
			memcpy(copy, e.data, e.len);
		}
		e.data = copy;
		out->ents[n++] = e;
		out->boot.n_entries = n;
		rc = mdb_cursor_get(c, &key, &val, MDB_NEXT);
	}
	if (rc != MDB_NOTFOUND) {
		ret = map_err(rc);
		goto out;
	}
	if (out->snap_index > n)
		goto out;
	out->boot.entries = out->ents;
	ret = 0;
out:
	if (c != NULL)
		mdb_cursor_close(c);
	read_end(l, t);
	if (ret != 0)
		cons_loaded_clear(out);
	return ret;
}

static void
lm_close(struct cons_store *s)
{
	struct lmdb_store *l = (struct lmdb_store *) s;

	/* unsynced writes are lost, as in a crash; synced ones since the
	 * last checkpoint are in the WAL and replayed at the next open */
	batch_abort(l);
	if (l->wal_fd >= 0)
		close(l->wal_fd);
	if (l->env != NULL)
		mdb_env_close(l->env);
	free(l->rec);
	free(l->wal_path);
	free(l);
}

static const struct cons_store_vt lmdb_vt = {
	lm_write,
	lm_sync,
	lm_put_snapshot,
	lm_load,
	lm_close,
	lm_aux_put,
	lm_aux_each,
};

/* Redoes one logged operation in the open transaction. */
static int
replay_op(void *ctx, const struct cons_wal_op *op)
{
	struct lmdb_store *l = ctx;
	MDB_val k = { op->klen, (void *) op->key };
	MDB_val v = { op->vlen, (void *) op->val };
	int rc;

	if (op->type == CONS_WAL_PUT)
		rc = mdb_put(l->txn, l->dbi[op->dbi], &k, &v, 0);
	else
		rc = mdb_del(l->txn, l->dbi[op->dbi], &k, NULL);
	/* a delete of a key the checkpoint lacks: not this store's log */
	if (rc == MDB_NOTFOUND || rc == MDB_BAD_VALSIZE)
		return CONS_ECORRUPT;
	return rc != 0 ? map_err(rc) : 0;
}

static int
fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc;

	if (fd < 0)
		return CONS_EIO;
	rc = fsync(fd);
	close(fd);
	return rc != 0 ? CONS_EIO : 0;
}

/* Replaces the WAL with WAL_BYTES of zeros (written, not just allocated:
 * the first write into an unwritten extent would cost a journal commit
 * on the hot path) and opens it. */
static int
wal_create(struct lmdb_store *l, const char *dir)
{
	static const uint8_t zero[64 * 1024];
	char tmp[PATH_MAX];
	size_t off;
	int fd, rc = 0;

	if (l->wal_fd >= 0)
		close(l->wal_fd);
	l->wal_fd = -1;
	if ((size_t) snprintf(tmp, sizeof(tmp), "%s.tmp", l->wal_path)
	    >= sizeof(tmp))
		return CONS_EIO;
	fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return CONS_EIO;
	for (off = 0; off < WAL_BYTES && rc == 0; off += sizeof(zero))
		rc = pwrite_all(fd, zero, sizeof(zero), off);
	if (rc == 0 && fsync(fd) != 0)
		rc = CONS_EIO;
	if (close(fd) != 0)
		rc = CONS_EIO;
	if (rc != 0) {
		unlink(tmp);
		return rc;
	}
	if (rename(tmp, l->wal_path) != 0 || fsync_dir(dir) != 0)
		return CONS_EIO;
	if ((l->wal_fd = open(l->wal_path, O_RDWR | O_CLOEXEC)) < 0)
		return CONS_EIO;
	return 0;
}

/* Reads the whole WAL (at most WAL_READ_MAX bytes). */
static int
wal_read(int fd, uint8_t **buf, size_t *len)
{
	struct stat st;
	size_t off = 0;
	ssize_t r;

	*buf = NULL;
	*len = 0;
	if (fstat(fd, &st) != 0)
		return CONS_EIO;
	if (st.st_size < 0 || (uint64_t) st.st_size > WAL_READ_MAX)
		return CONS_ECORRUPT;
	if (st.st_size == 0)
		return 0;
	if ((*buf = malloc((size_t) st.st_size)) == NULL)
		return CONS_ENOMEM;
	while (off < (size_t) st.st_size) {
		r = pread(
		    fd, *buf + off, (size_t) st.st_size - off, (off_t) off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			free(*buf);
			*buf = NULL;
			return CONS_EIO;
		}
		off += (size_t) r;
	}
	*len = off;
	return 0;
}

/* Recovery at open: replays the WAL records of the checkpoint's
 * generation, then checkpoints (so the next records start a generation
 * that no record in the file has). */
static int
wal_recover(struct lmdb_store *l, const char *dir)
{
	MDB_val v;
	uint8_t *buf = NULL;
	size_t len = 0, end;
	uint64_t nrec;
	int rc, have_gen = 0;

	if ((rc = batch_begin(l)) != 0)
		return rc;
	rc = get_kv(l->txn, l->dbi[DB_META], K_WALGEN, &v);
	if (rc == 0) {
		if (v.mv_size != 8)
			return CONS_ECORRUPT;
		l->gen = rd64(v.mv_data);
		have_gen = 1;
	} else if (rc != MDB_NOTFOUND) {
		return map_err(rc);
	}
	l->wal_fd = open(l->wal_path, O_RDWR | O_CLOEXEC);
	if (l->wal_fd < 0 && errno != ENOENT)
		return CONS_EIO;
	if (!have_gen) {
		/* a new store, or one from before the WAL: whatever a file
		 * left here holds belongs to no checkpoint of this store */
		if ((rc = wal_create(l, dir)) != 0)
			return rc;
		len = WAL_BYTES;
	} else if (l->wal_fd < 0) {
		return CONS_ECORRUPT; /* synced batches may be lost */
	} else {
		if ((rc = wal_read(l->wal_fd, &buf, &len)) != 0)
			return rc;
		rc = cons_wal_scan(buf, len, l->gen, replay_op, l, &end, &nrec);
		free(buf);
		if (rc != 0)
			return rc;
	}
	if ((rc = checkpoint(l)) != 0)
		return rc;
	/* a file of another size (cut, or an older build's) is replaced;
	 * its records are dead after the checkpoint */
	if (len != WAL_BYTES && (rc = wal_create(l, dir)) != 0)
		return rc;
	return 0;
}

int
cons_store_lmdb_open(
    struct cons_store **out, const char *path, size_t map_bytes)
{
	static const char *const names[CONS_WAL_DBS] = { "meta", "log", "aux" };
	struct lmdb_store *l;
	MDB_txn *t;
	size_t plen;
	int rc, i;

	CONS_ARG_CHECK(out != NULL && path != NULL && map_bytes > 0);
	*out = NULL;
	if (mkdir(path, 0700) != 0 && errno != EEXIST)
		return CONS_EIO;
	l = calloc(1, sizeof(*l));
	if (l == NULL)
		return CONS_ENOMEM;
	l->base.vt = &lmdb_vt;
	l->wal_fd = -1;
	plen = strlen(path) + sizeof("/wal");
	if ((l->wal_path = malloc(plen)) == NULL) {
		lm_close(&l->base);
		return CONS_ENOMEM;
	}
	snprintf(l->wal_path, plen, "%s/wal", path);
	if ((rc = mdb_env_create(&l->env)) != 0
	    || (rc = mdb_env_set_maxdbs(l->env, 3)) != 0
	    || (rc = mdb_env_set_mapsize(l->env, map_bytes)) != 0
	    || (rc = mdb_env_open(l->env, path, 0, 0600)) != 0)
		goto fail;
	if ((rc = mdb_txn_begin(l->env, NULL, 0, &t)) != 0)
		goto fail;
	for (i = 0; i < CONS_WAL_DBS; i++) {
		if ((rc = mdb_dbi_open(t, names[i], MDB_CREATE, &l->dbi[i]))
		    != 0) {
			mdb_txn_abort(t);
			goto fail;
		}
	}
	if ((rc = mdb_txn_commit(t)) != 0)
		goto fail;
	if ((rc = wal_recover(l, path)) != 0) {
		lm_close(&l->base);
		return rc;
	}
	*out = &l->base;
	return 0;
fail:
	lm_close(&l->base);
	return map_err(rc);
}
