/* LMDB store. One environment per node with two databases: "meta" (term,
 * vote, state-machine checkpoint) and "log" (key: big-endian u64 index,
 * value: entry record).
 *
 * Group commit: cons_store_write applies a PERSIST inside one open write
 * transaction (begun by the first write after a sync), and cons_store_sync
 * commits that transaction with LMDB's default full sync (data pages, then
 * the meta page, each flushed). So every write between two syncs becomes
 * durable together, atomically, at the cost of one commit: a daemon that
 * writes all the PERSISTs of a burst of events and then syncs once pays two
 * flushes for the burst. Until the sync nothing of the batch is durable
 * (a crash or a close without sync forgets all of it, like the memory
 * store's unsynced writes). The transaction belongs to the calling thread:
 * one thread must do all the writes and syncs. A snapshot joins the open
 * batch and commits it, and so do the embedder's auxiliary records
 * (database "aux"). Any LMDB error is final (fail-stop, see store.c). */
#include <sys/stat.h>

#include <errno.h>
#include <string.h>

#include <lmdb.h>

#include "cons_int.h"

struct lmdb_store {
	struct cons_store base;
	MDB_env *env;
	MDB_dbi meta, log, aux;
	MDB_txn *txn; /* the open batch (writes since the last sync) */
};

static const char K_TERM[] = "term";
static const char K_VOTE[] = "vote";
static const char K_SNAPI[] = "snap_index";
static const char K_SNAP[] = "snap";

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

/* Drops the open batch (nothing of it becomes durable). */
static void
batch_abort(struct lmdb_store *l)
{
	if (l->txn != NULL)
		mdb_txn_abort(l->txn);
	l->txn = NULL;
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
	MDB_txn *t;
	MDB_cursor *c = NULL;
	MDB_val key, val;
	size_t k;
	int rc;

	if ((rc = batch_begin(l)) != 0)
		return rc;
	t = l->txn;
	if (p->has_hard) {
		be64(tb, p->term);
		if ((rc = put_kv(t, l->meta, K_TERM, tb, 8)) != 0
		    || (rc = put_kv(t, l->meta, K_VOTE, &p->vote, 1)) != 0)
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
			if ((rc = mdb_cursor_open(t, l->log, &c)) != 0)
				goto fail;
			be64(kb, from);
			key.mv_size = 8;
			key.mv_data = kb;
			rc = mdb_cursor_get(c, &key, &val, MDB_SET_RANGE);
			while (rc == 0) {
				if ((rc = mdb_cursor_del(c, 0)) != 0)
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
		key.mv_size = 8;
		key.mv_data = kb;
		val.mv_size = cons_entry_rec_put(rec, e);
		val.mv_data = rec;
		if ((rc = mdb_put(t, l->log, &key, &val, MDB_APPEND)) != 0)
			goto fail;
	}
	return 0;
fail:
	if (c != NULL)
		mdb_cursor_close(c);
	batch_abort(l);
	return map_err(rc);
}

/* Commits the batch: durable (full sync) when it returns 0. */
static int
lm_sync(struct cons_store *s)
{
	struct lmdb_store *l = (struct lmdb_store *) s;
	int rc;

	if (l->txn == NULL)
		return 0;
	rc = mdb_txn_commit(l->txn);
	l->txn = NULL;
	return rc != 0 ? map_err(rc) : 0;
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
	be64(ib, index);
	if ((rc = put_kv(l->txn, l->meta, K_SNAPI, ib, 8)) != 0
	    || (rc = put_kv(l->txn, l->meta, K_SNAP, snap, len)) != 0) {
		batch_abort(l);
		return map_err(rc);
	}
	return lm_sync(s);
}

static int
lm_aux_put(struct cons_store *s, const uint8_t *key, size_t klen,
    const uint8_t *val, size_t vlen)
{
	struct lmdb_store *l = (struct lmdb_store *) s;
	MDB_val k = { klen, (void *) key }, v = { vlen, (void *) val };
	int rc;

	if ((rc = batch_begin(l)) != 0)
		return rc;
	if ((rc = mdb_put(l->txn, l->aux, &k, &v, 0)) != 0) {
		batch_abort(l);
		return map_err(rc);
	}
	return 0;
}

static int
lm_aux_each(struct cons_store *s, cons_aux_fn fn, void *ctx)
{
	struct lmdb_store *l = (struct lmdb_store *) s;
	MDB_txn *t;
	MDB_cursor *c;
	MDB_val k, v;
	int rc, ret = 0;

	if (l->txn != NULL)
		return CONS_EINVAL;
	if ((rc = mdb_txn_begin(l->env, NULL, MDB_RDONLY, &t)) != 0)
		return map_err(rc);
	if ((rc = mdb_cursor_open(t, l->aux, &c)) != 0) {
		mdb_txn_abort(t);
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
	mdb_txn_abort(t);
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
	if (l->txn != NULL)
		return CONS_EINVAL; /* load reads durable state: sync first */
	if ((rc = mdb_txn_begin(l->env, NULL, MDB_RDONLY, &t)) != 0)
		return map_err(rc);
	rc = get_kv(t, l->meta, K_TERM, &val);
	if (rc == 0) {
		if (val.mv_size != 8)
			goto out;
		out->boot.term = rd64(val.mv_data);
		if (get_kv(t, l->meta, K_VOTE, &val) != 0 || val.mv_size != 1)
			goto out;
		out->boot.vote = *(const uint8_t *) val.mv_data;
	} else if (rc != MDB_NOTFOUND) {
		ret = map_err(rc);
		goto out;
	}
	rc = get_kv(t, l->meta, K_SNAPI, &val);
	if (rc == 0) {
		if (val.mv_size != 8)
			goto out;
		out->snap_index = rd64(val.mv_data);
		if (get_kv(t, l->meta, K_SNAP, &val) != 0)
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
	if ((rc = mdb_stat(t, l->log, &st)) != 0) {
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
	if ((rc = mdb_cursor_open(t, l->log, &c)) != 0) {
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
	mdb_txn_abort(t);
	if (ret != 0)
		cons_loaded_clear(out);
	return ret;
}

static void
lm_close(struct cons_store *s)
{
	struct lmdb_store *l = (struct lmdb_store *) s;

	batch_abort(l); /* unsynced writes are lost, as in a crash */
	if (l->env != NULL)
		mdb_env_close(l->env);
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

int
cons_store_lmdb_open(
    struct cons_store **out, const char *path, size_t map_bytes)
{
	struct lmdb_store *l;
	MDB_txn *t;
	int rc;

	CONS_ARG_CHECK(out != NULL && path != NULL && map_bytes > 0);
	*out = NULL;
	if (mkdir(path, 0700) != 0 && errno != EEXIST)
		return CONS_EIO;
	l = calloc(1, sizeof(*l));
	if (l == NULL)
		return CONS_ENOMEM;
	l->base.vt = &lmdb_vt;
	if ((rc = mdb_env_create(&l->env)) != 0
	    || (rc = mdb_env_set_maxdbs(l->env, 3)) != 0
	    || (rc = mdb_env_set_mapsize(l->env, map_bytes)) != 0
	    || (rc = mdb_env_open(l->env, path, 0, 0600)) != 0)
		goto fail;
	if ((rc = mdb_txn_begin(l->env, NULL, 0, &t)) != 0)
		goto fail;
	if ((rc = mdb_dbi_open(t, "meta", MDB_CREATE, &l->meta)) != 0
	    || (rc = mdb_dbi_open(t, "log", MDB_CREATE, &l->log)) != 0
	    || (rc = mdb_dbi_open(t, "aux", MDB_CREATE, &l->aux)) != 0) {
		mdb_txn_abort(t);
		goto fail;
	}
	if ((rc = mdb_txn_commit(t)) != 0)
		goto fail;
	*out = &l->base;
	return 0;
fail:
	lm_close(&l->base);
	return map_err(rc);
}
