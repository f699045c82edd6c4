/* In-memory store with modelled fsync: writes go to a live image and
 * become durable only on sync; a crash drops everything unsynced. Used by
 * the simulator and tests; same semantics as the LMDB store. */
#include <string.h>

#include "cons_int.h"

struct ment {
	uint64_t term;
	uint8_t type;
	uint32_t len;
	uint8_t *data;
};

struct maux {
	uint8_t key[CONS_AUX_KEY_MAX];
	size_t klen;
	uint8_t *val;
	size_t vlen;
};

struct img {
	struct maux *aux;
	size_t aux_n, aux_cap;
	uint64_t term;
	uint8_t vote;
	struct ment *log; /* index k + 1 */
	size_t n, cap;
	uint64_t snap_index;
	uint8_t *snap;
	size_t snap_len;
};

struct mem_store {
	struct cons_store base;
	struct img durable, live;
	int fail_next;
};

static void
img_clear(struct img *m)
{
	size_t k;

	for (k = 0; k < m->n; k++)
		free(m->log[k].data);
	for (k = 0; k < m->aux_n; k++)
		free(m->aux[k].val);
	free(m->aux);
	free(m->log);
	free(m->snap);
	memset(m, 0, sizeof(*m));
	m->vote = CONS_VOTE_NONE;
}

static int
img_copy(struct img *dst, const struct img *src)
{
	struct img t;
	size_t k;

	memset(&t, 0, sizeof(t));
	t.term = src->term;
	t.vote = src->vote;
	t.snap_index = src->snap_index;
	if (src->n > 0) {
		t.log = calloc(src->n, sizeof(*t.log));
		if (t.log == NULL)
			return CONS_ENOMEM;
		t.cap = src->n;
	}
	for (k = 0; k < src->n; k++) {
		t.log[k] = src->log[k];
		t.log[k].data = NULL;
		if (src->log[k].len > 0) {
			t.log[k].data = malloc(src->log[k].len);
			if (t.log[k].data == NULL) {
				t.n = k;
				img_clear(&t);
				return CONS_ENOMEM;
			}
			memcpy(
			    t.log[k].data, src->log[k].data, src->log[k].len);
		}
		t.n = k + 1;
	}
	if (src->aux_n > 0) {
		t.aux = calloc(src->aux_n, sizeof(*t.aux));
		if (t.aux == NULL) {
			img_clear(&t);
			return CONS_ENOMEM;
		}
		t.aux_cap = src->aux_n;
		for (k = 0; k < src->aux_n; k++) {
			t.aux[k] = src->aux[k];
			t.aux[k].val = malloc(src->aux[k].vlen + 1);
			if (t.aux[k].val == NULL) {
				img_clear(&t);
				return CONS_ENOMEM;
			}
			memcpy(t.aux[k].val, src->aux[k].val, src->aux[k].vlen);
			t.aux_n = k + 1;
		}
	}
	if (src->snap_len > 0) {
		t.snap = malloc(src->snap_len);
		if (t.snap == NULL) {
			img_clear(&t);
			return CONS_ENOMEM;
		}
		memcpy(t.snap, src->snap, src->snap_len);
		t.snap_len = src->snap_len;
	}
	img_clear(dst);
	*dst = t;
	return 0;
}

static int
check_fail(struct mem_store *m)
{
	if (m->fail_next) {
		m->fail_next = 0;
		return CONS_EIO;
	}
	return 0;
}

static int
mem_write(struct cons_store *s, const struct cons_persist *p)
{
	struct mem_store *m = (struct mem_store *) s;
	struct img *l = &m->live;
	size_t k;
	int rc;

	if ((rc = check_fail(m)) != 0)
		return rc;
	if (p->has_hard) {
		l->term = p->term;
		l->vote = p->vote;
	}
	if (p->truncate_from) {
		while (l->n >= p->truncate_from) {
			l->n--;
			free(l->log[l->n].data);
		}
	}
	for (k = 0; k < p->n_entries; k++) {
		const struct cons_entry *e = &p->entries[k];
		struct ment *x;
		if (e->index == 0 || e->index > l->n + 1)
			return CONS_ECORRUPT; /* a gap: caller bug */
		while (l->n >= e->index) {
			l->n--;
			free(l->log[l->n].data);
		}
		if (l->n == l->cap) {
			size_t nc = l->cap ? l->cap * 2 : 64;
			void *q = realloc(l->log, nc * sizeof(*l->log));
			if (q == NULL)
				return CONS_ENOMEM;
			l->log = q;
			l->cap = nc;
		}
		x = &l->log[l->n];
		x->term = e->term;
		x->type = e->type;
		x->len = e->len;
		x->data = NULL;
		if (e->len > 0) {
			x->data = malloc(e->len);
			if (x->data == NULL)
				return CONS_ENOMEM;
			memcpy(x->data, e->data, e->len);
		}
		l->n++;
	}
	return 0;
}

static int
mem_sync(struct cons_store *s)
{
	struct mem_store *m = (struct mem_store *) s;
	int rc;

	if ((rc = check_fail(m)) != 0)
		return rc;
	return img_copy(&m->durable, &m->live);
}

static int
mem_put_snapshot(struct cons_store *s, uint64_t index, uint64_t term,
    const uint8_t *snap, size_t len)
{
	struct mem_store *m = (struct mem_store *) s;
	uint8_t *c = NULL;
	int rc;

	(void) term;
	if ((rc = check_fail(m)) != 0)
		return rc;
	if (index > m->durable.n)
		return CONS_EINVAL; /* must cover durable entries only */
	if (len > 0) {
		c = malloc(len);
		if (c == NULL)
			return CONS_ENOMEM;
		memcpy(c, snap, len);
	}
	/* durable on return: update both images */
	free(m->durable.snap);
	m->durable.snap = c;
	m->durable.snap_len = len;
	m->durable.snap_index = index;
	if (len > 0) {
		c = malloc(len);
		if (c == NULL)
			return CONS_ENOMEM;
		memcpy(c, snap, len);
	}
	free(m->live.snap);
	m->live.snap = c;
	m->live.snap_len = len;
	m->live.snap_index = index;
	return 0;
}

static int
mem_load(struct cons_store *s, struct cons_loaded *out)
{
	struct mem_store *m = (struct mem_store *) s;
	const struct img *d = &m->live;
	size_t k;

	out->boot.term = d->term;
	out->boot.vote = d->vote;
	if (d->n > 0) {
		out->ents = calloc(d->n, sizeof(*out->ents));
		if (out->ents == NULL)
			return CONS_ENOMEM;
	}
	for (k = 0; k < d->n; k++) {
		struct cons_entry *e = &out->ents[k];
		e->term = d->log[k].term;
		e->index = k + 1;
		e->type = d->log[k].type;
		e->len = d->log[k].len;
		if (e->len > 0) {
			uint8_t *c = malloc(e->len);
			if (c == NULL) {
				out->boot.n_entries = k;
				cons_loaded_clear(out);
				return CONS_ENOMEM;
			}
			memcpy(c, d->log[k].data, e->len);
			e->data = c;
		}
		out->boot.n_entries = k + 1;
	}
	out->boot.entries = out->ents;
	out->snap_index = d->snap_index;
	if (d->snap_len > 0) {
		out->snap = malloc(d->snap_len);
		if (out->snap == NULL) {
			cons_loaded_clear(out);
			return CONS_ENOMEM;
		}
		memcpy(out->snap, d->snap, d->snap_len);
		out->snap_len = d->snap_len;
	}
	return 0;
}

static int
mem_aux_put(struct cons_store *s, const uint8_t *key, size_t klen,
    const uint8_t *val, size_t vlen)
{
	struct mem_store *m = (struct mem_store *) s;
	struct img *l = &m->live;
	uint8_t *c;
	size_t k;
	int rc;

	if ((rc = check_fail(m)) != 0)
		return rc;
	if ((c = malloc(vlen + 1)) == NULL)
		return CONS_ENOMEM;
	if (vlen > 0)
		memcpy(c, val, vlen);
	for (k = 0; k < l->aux_n; k++)
		if (l->aux[k].klen == klen
		    && memcmp(l->aux[k].key, key, klen) == 0)
			break;
	if (k == l->aux_n) {
		if (l->aux_n == l->aux_cap) {
			size_t nc = l->aux_cap ? l->aux_cap * 2 : 16;
			void *q = realloc(l->aux, nc * sizeof(*l->aux));
			if (q == NULL) {
				free(c);
				return CONS_ENOMEM;
			}
			l->aux = q;
			l->aux_cap = nc;
		}
		memcpy(l->aux[k].key, key, klen);
		l->aux[k].klen = klen;
		l->aux[k].val = NULL;
		l->aux_n++;
	}
	free(l->aux[k].val);
	l->aux[k].val = c;
	l->aux[k].vlen = vlen;
	return 0;
}

static int
mem_aux_each(struct cons_store *s, cons_aux_fn fn, void *ctx)
{
	struct mem_store *m = (struct mem_store *) s;
	size_t k;
	int rc;

	for (k = 0; k < m->durable.aux_n; k++)
		if ((rc = fn(ctx, m->durable.aux[k].key, m->durable.aux[k].klen,
		         m->durable.aux[k].val, m->durable.aux[k].vlen))
		    != 0)
			return rc;
	return 0;
}

static void
mem_close(struct cons_store *s)
{
	struct mem_store *m = (struct mem_store *) s;

	img_clear(&m->durable);
	img_clear(&m->live);
	free(m);
}

static const struct cons_store_vt mem_vt = {
	mem_write,
	mem_sync,
	mem_put_snapshot,
	mem_load,
	mem_close,
	mem_aux_put,
	mem_aux_each,
};

int
cons_store_mem_new(struct cons_store **out)
{
	struct mem_store *m;

	CONS_ARG_CHECK(out != NULL);
	m = calloc(1, sizeof(*m));
	if (m == NULL)
		return CONS_ENOMEM;
	m->base.vt = &mem_vt;
	m->durable.vote = CONS_VOTE_NONE;
	m->live.vote = CONS_VOTE_NONE;
	*out = &m->base;
	return 0;
}

void
cons_store_mem_crash(struct cons_store *s)
{
	struct mem_store *m = (struct mem_store *) s;

	if (s == NULL || s->vt != &mem_vt)
		return;
	/* a crash is also a process restart: the fail-stop latch resets */
	s->failed = 0;
	m->fail_next = 0;
	if (img_copy(&m->live, &m->durable) != 0)
		s->failed = 1;
}

void
cons_store_mem_fail_next(struct cons_store *s)
{
	if (s != NULL && s->vt == &mem_vt)
		((struct mem_store *) s)->fail_next = 1;
}

int
cons_store_mem_copy(struct cons_store *dst, const struct cons_store *src)
{
	struct mem_store *d = (struct mem_store *) dst;
	const struct mem_store *sr = (const struct mem_store *) src;
	int rc;

	CONS_ARG_CHECK(dst != NULL && src != NULL && dst->vt == &mem_vt
	    && src->vt == &mem_vt);
	if ((rc = img_copy(&d->durable, &sr->durable)) != 0)
		return rc;
	return img_copy(&d->live, &sr->durable);
}
