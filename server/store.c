/* The keyserver's LMDB environment. The "meta" database binds the data
 * directory to one node of one cluster, so a directory mounted on the wrong
 * node is refused instead of being served. */
#include <stdio.h>
#include <string.h>

#include "srv.h"

static int
meta_bind(struct srv_store *st, const struct srv_config *cfg, char *err,
    size_t errcap)
{
	MDB_txn *txn;
	MDB_val k = { 7, (void *) "node_id" }, v;
	uint8_t want[4] = { (uint8_t) (cfg->id >> 8), (uint8_t) cfg->id,
		(uint8_t) (cfg->n >> 8), (uint8_t) cfg->n };
	int rv;

	if ((rv = mdb_txn_begin(st->env, NULL, 0, &txn)) != 0
	    || (rv = mdb_dbi_open(txn, "meta", MDB_CREATE, &st->meta)) != 0)
		goto fail;
	rv = mdb_get(txn, st->meta, &k, &v);
	if (rv == MDB_NOTFOUND) {
		v.mv_size = sizeof(want);
		v.mv_data = want;
		if ((rv = mdb_put(txn, st->meta, &k, &v, 0)) != 0)
			goto fail;
	} else if (rv != 0)
		goto fail;
	else if (v.mv_size != sizeof(want) || memcmp(v.mv_data, want, 4) != 0) {
		const uint8_t *p = v.mv_data;
		snprintf(err, errcap,
		    "[node] data_dir: %s belongs to node %u of a %u-node "
		    "cluster, not node %u of %u",
		    cfg->data_dir,
		    v.mv_size == 4 ? (unsigned) (p[0] << 8 | p[1]) : 0u,
		    v.mv_size == 4 ? (unsigned) (p[2] << 8 | p[3]) : 0u,
		    cfg->id, cfg->n);
		mdb_txn_abort(txn);
		return SRV_EDATADIR;
	}
	if ((rv = mdb_txn_commit(txn)) != 0)
		goto fail_nt;
	return 0;
fail:
	mdb_txn_abort(txn);
fail_nt:
	snprintf(err, errcap, "LMDB %s: %s", cfg->data_dir, mdb_strerror(rv));
	return SRV_ESTORE;
}

int
srv_store_open(struct srv_store *st, const struct srv_config *cfg, char *err,
    size_t errcap)
{
	int rv;

	memset(st, 0, sizeof(*st));
	if ((rv = mdb_env_create(&st->env)) != 0
	    || (rv = mdb_env_set_maxdbs(st->env, 32)) != 0
	    || (rv = mdb_env_set_mapsize(
	            st->env, (size_t) cfg->db_map_mb * 1024 * 1024))
	        != 0
	    || (rv = mdb_env_open(st->env, cfg->data_dir, MDB_NOTLS, 0600))
	        != 0) {
		snprintf(err, errcap, "[node] data_dir: LMDB open %s: %s",
		    cfg->data_dir, mdb_strerror(rv));
		if (st->env != NULL)
			mdb_env_close(st->env);
		st->env = NULL;
		return SRV_ESTORE;
	}
	if ((rv = meta_bind(st, cfg, err, errcap)) != 0) {
		mdb_env_close(st->env);
		st->env = NULL;
	}
	return rv;
}

int
srv_store_stats(struct srv_store *st, struct srv_store_stats *out)
{
	MDB_stat ms;
	MDB_envinfo ei;
	MDB_txn *txn;
	MDB_cursor *cur;
	MDB_val k, v;
	MDB_dbi main_dbi;
	int rv;

	memset(out, 0, sizeof(*out));
	if (mdb_env_info(st->env, &ei) != 0 || mdb_env_stat(st->env, &ms) != 0)
		return SRV_ESTORE;
	out->map_size = ei.me_mapsize;
	out->last_txn = ei.me_last_txnid;
	out->pages
	    = ms.ms_branch_pages + ms.ms_leaf_pages + ms.ms_overflow_pages;
	/* The main database lists the named ones: sum their entries. */
	if ((rv = mdb_txn_begin(st->env, NULL, MDB_RDONLY, &txn)) != 0)
		return SRV_ESTORE;
	if (mdb_dbi_open(txn, NULL, 0, &main_dbi) == 0
	    && mdb_cursor_open(txn, main_dbi, &cur) == 0) {
		while (mdb_cursor_get(cur, &k, &v, MDB_NEXT) == 0) {
			char name[64];
			MDB_dbi dbi;
			if (k.mv_size >= sizeof(name))
				continue;
			memcpy(name, k.mv_data, k.mv_size);
			name[k.mv_size] = '\0';
			if (mdb_dbi_open(txn, name, 0, &dbi) == 0
			    && mdb_stat(txn, dbi, &ms) == 0) {
				out->entries += ms.ms_entries;
				out->pages += ms.ms_branch_pages
				    + ms.ms_leaf_pages + ms.ms_overflow_pages;
			}
		}
		mdb_cursor_close(cur);
	}
	mdb_txn_abort(txn);
	return 0;
}

void
srv_store_close(struct srv_store *st)
{
	if (st->env != NULL)
		mdb_env_close(st->env);
	st->env = NULL;
}
