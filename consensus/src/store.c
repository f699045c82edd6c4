/* Store front end: dispatch to the LMDB or in-memory store and enforce the
 * fail-stop latch (docs/CONSENSUS.md §4): after the first error every call
 * fails, so a daemon can never "retry an fsync and continue". */
#include <string.h>

#include "cons_int.h"

static int
latch(struct cons_store *s, int rc)
{
	if (rc != 0)
		s->failed = 1;
	return rc;
}

int
cons_store_write(struct cons_store *s, const struct cons_persist *p)
{
	CONS_ARG_CHECK(s != NULL && p != NULL);
	CONS_ARG_CHECK(p->n_entries == 0 || p->entries != NULL);
	if (s->failed)
		return CONS_EFAILED;
	return latch(s, s->vt->write(s, p));
}

int
cons_store_sync(struct cons_store *s)
{
	CONS_ARG_CHECK(s != NULL);
	if (s->failed)
		return CONS_EFAILED;
	return latch(s, s->vt->sync(s));
}

int
cons_store_put_snapshot(struct cons_store *s, uint64_t index, uint64_t term,
    const uint8_t *snap, size_t len)
{
	CONS_ARG_CHECK(s != NULL && (snap != NULL || len == 0));
	if (s->failed)
		return CONS_EFAILED;
	return latch(s, s->vt->put_snapshot(s, index, term, snap, len));
}

int
cons_store_load(struct cons_store *s, struct cons_loaded *out)
{
	CONS_ARG_CHECK(s != NULL && out != NULL);
	memset(out, 0, sizeof(*out));
	if (s->failed)
		return CONS_EFAILED;
	return latch(s, s->vt->load(s, out));
}

int
cons_store_aux_put(struct cons_store *s, const uint8_t *key, size_t klen,
    const uint8_t *val, size_t vlen)
{
	CONS_ARG_CHECK(s != NULL && key != NULL && klen >= 1
	    && klen <= CONS_AUX_KEY_MAX && vlen <= CONS_AUX_VAL_MAX
	    && (val != NULL || vlen == 0));
	if (s->failed)
		return CONS_EFAILED;
	return latch(s, s->vt->aux_put(s, key, klen, val, vlen));
}

int
cons_store_aux_each(struct cons_store *s, cons_aux_fn fn, void *ctx)
{
	int rc;

	CONS_ARG_CHECK(s != NULL && fn != NULL);
	if (s->failed)
		return CONS_EFAILED;
	rc = s->vt->aux_each(s, fn, ctx);
	/* fn's own codes pass through; only the store's errors latch */
	if (rc == CONS_EIO || rc == CONS_ENOMEM)
		s->failed = 1;
	return rc;
}

void
cons_store_close(struct cons_store *s)
{
	if (s != NULL)
		s->vt->close(s);
}

void
cons_loaded_clear(struct cons_loaded *l)
{
	size_t k;

	if (l == NULL)
		return;
	for (k = 0; k < l->boot.n_entries; k++)
		free((void *) l->ents[k].data);
	free(l->ents);
	free(l->snap);
	memset(l, 0, sizeof(*l));
}
