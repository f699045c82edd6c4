/* The local attempt backstop (DESIGN.md §4.2): per user, the number of
 * attempts this server let through to consensus since its own last reset,
 * kept in this server's own LMDB (the auxiliary records of its consensus
 * store in <data_dir>/cons, never replicated to anyone).
 *
 * Consensus decides the global count, but a lying peer could commit forged
 * resets (or a forged low count). This server therefore also refuses an
 * ATTEMPT once its local count reaches its cap, and the local count only
 * goes down by a reset this server performed itself: a LOGIN_OK or UNLOCK
 * that it proposed (after verifying the login, or from its local admin
 * socket) and that committed. A reset committed by any other server does
 * not lower it, and a committed count above the local one raises it.
 *
 * Reservations are made before the ATTEMPT is proposed and written into
 * the consensus store's open batch (cons_store_aux_put) in the same turn,
 * so they become durable in the same commit as that turn's log writes, at
 * no extra cost. An answer needs the command applied, which needs its log
 * entry durable here, which needs a later (or the same) commit of the
 * batch: so a crash cannot forget an attempt that was answered. Record:
 * key "bs" | user[32], value count u32 (big-endian) | the last attempt id
 * counted [32] (a retry of that attempt is not counted again). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "srv.h"

struct bs_ent {
	uint8_t user[CONS_ID_BYTES];
	uint8_t last[CONS_ID_BYTES];
	uint32_t count;
	uint8_t used, dirty;
};

struct srv_backstop {
	struct cons_store *store;
	struct bs_ent *tab;
	size_t cap, n; /* cap: power of two */
	size_t *dirty; /* indexes of dirty entries */
	size_t dirty_n, dirty_cap;
	uint32_t limit;
};

static size_t
slot_of(const struct srv_backstop *b, const uint8_t user[CONS_ID_BYTES])
{
	uint64_t h = 1469598103934665603ull;
	size_t i;

	for (i = 0; i < CONS_ID_BYTES; i++)
		h = (h ^ user[i]) * 1099511628211ull;
	return (size_t) h & (b->cap - 1);
}

static struct bs_ent *
find(const struct srv_backstop *b, const uint8_t user[CONS_ID_BYTES])
{
	size_t i = slot_of(b, user);

	while (b->tab[i].used) {
		if (memcmp(b->tab[i].user, user, CONS_ID_BYTES) == 0)
			return &b->tab[i];
		i = (i + 1) & (b->cap - 1);
	}
	return NULL;
}

/* Doubles the table. Only with nothing dirty (indexes move). */
static int
grow(struct srv_backstop *b)
{
	struct bs_ent *old = b->tab, *tab;
	size_t oldcap = b->cap, cap = oldcap ? oldcap * 2 : 256, i, j;

	if (b->dirty_n != 0)
		return SRV_EINTERNAL;
	if ((tab = calloc(cap, sizeof(*tab))) == NULL)
		return LK_ENOMEM;
	b->tab = tab;
	b->cap = cap;
	for (i = 0; i < oldcap; i++) {
		if (!old[i].used)
			continue;
		j = slot_of(b, old[i].user);
		while (tab[j].used)
			j = (j + 1) & (cap - 1);
		tab[j] = old[i];
	}
	free(old);
	return 0;
}

static struct bs_ent *
get_or_add(struct srv_backstop *b, const uint8_t user[CONS_ID_BYTES])
{
	struct bs_ent *e = b->cap ? find(b, user) : NULL;
	size_t i;

	if (e != NULL)
		return e;
	/* Growing moves entries: the caller commits first (dirty_n 0). */
	if ((b->n + 1) * 2 > b->cap && grow(b) != 0)
		return NULL;
	i = slot_of(b, user);
	while (b->tab[i].used)
		i = (i + 1) & (b->cap - 1);
	e = &b->tab[i];
	memset(e, 0, sizeof(*e));
	memcpy(e->user, user, CONS_ID_BYTES);
	e->used = 1;
	b->n++;
	return e;
}

static void
mark(struct srv_backstop *b, struct bs_ent *e)
{
	size_t *nd;

	if (e->dirty)
		return;
	if (b->dirty_n == b->dirty_cap) {
		size_t nc = b->dirty_cap ? b->dirty_cap * 2 : 64;
		nd = realloc(b->dirty, nc * sizeof(*nd));
		if (nd == NULL)
			srv_fatal("backstop: out of memory");
		b->dirty = nd;
		b->dirty_cap = nc;
	}
	b->dirty[b->dirty_n++] = (size_t) (e - b->tab);
	e->dirty = 1;
}

static int
load_one(
    void *ctx, const uint8_t *key, size_t klen, const uint8_t *val, size_t vlen)
{
	struct srv_backstop *b = ctx;
	struct bs_ent *e;

	if (klen != 2 + CONS_ID_BYTES || memcmp(key, "bs", 2) != 0)
		return 0; /* not ours */
	if (vlen != 4 + CONS_ID_BYTES)
		return SRV_ESTORE;
	if ((e = get_or_add(b, key + 2)) == NULL)
		return LK_ENOMEM;
	e->count = (uint32_t) val[0] << 24 | (uint32_t) val[1] << 16
	    | (uint32_t) val[2] << 8 | val[3];
	memcpy(e->last, val + 4, CONS_ID_BYTES);
	return 0;
}

int
srv_backstop_open(
    struct srv *s, struct cons_store *store, char *err, size_t errcap)
{
	struct srv_backstop *b;
	int rv;

	if ((b = calloc(1, sizeof(*b))) == NULL) {
		snprintf(err, errcap, "backstop: out of memory");
		return LK_ENOMEM;
	}
	b->limit = s->cfg.cons.local_cap ? s->cfg.cons.local_cap
	                                 : s->cfg.cons.hard_limit;
	b->store = store;
	s->backstop = b;
	if (grow(b) != 0) {
		snprintf(err, errcap, "backstop: out of memory");
		return LK_ENOMEM;
	}
	if ((rv = cons_store_aux_each(store, load_one, b)) != 0) {
		snprintf(err, errcap, "[node] data_dir: backstop records: %s",
		    srv_err_text(rv));
		return SRV_ESTORE;
	}
	LK_INFO("backstop: %zu users, local cap %u", b->n, b->limit);
	return 0;
}

void
srv_backstop_close(struct srv *s)
{
	struct srv_backstop *b = s->backstop;

	if (b == NULL)
		return;
	free(b->tab);
	free(b->dirty);
	free(b);
	s->backstop = NULL;
}

int
srv_backstop_reserve(struct srv *s, const uint8_t user[CONS_ID_BYTES],
    const uint8_t attempt[CONS_ID_BYTES])
{
	struct srv_backstop *b = s->backstop;
	struct bs_ent *e;

	if ((e = get_or_add(b, user)) == NULL) {
		srv_backstop_write(s); /* into the batch: nothing dirty */
		if ((e = get_or_add(b, user)) == NULL)
			srv_fatal("backstop: out of memory");
	}
	if (e->count > 0 && memcmp(e->last, attempt, CONS_ID_BYTES) == 0)
		return e->count <= b->limit ? 0 : SRV_EBACKSTOP;
	if (e->count >= b->limit)
		return SRV_EBACKSTOP;
	e->count++;
	memcpy(e->last, attempt, CONS_ID_BYTES);
	mark(b, e);
	return 0;
}

void
srv_backstop_observe(
    struct srv *s, const uint8_t user[CONS_ID_BYTES], uint64_t count)
{
	struct srv_backstop *b = s->backstop;
	struct bs_ent *e = find(b, user);

	if (e == NULL || count <= e->count)
		return; /* only users this server counted are tracked */
	e->count = count > UINT32_MAX ? UINT32_MAX : (uint32_t) count;
	mark(b, e);
}

void
srv_backstop_reset(struct srv *s, const uint8_t user[CONS_ID_BYTES])
{
	struct srv_backstop *b = s->backstop;
	struct bs_ent *e = find(b, user);

	if (e == NULL || e->count == 0)
		return;
	e->count = 0;
	mark(b, e);
}

uint32_t
srv_backstop_count(const struct srv *s, const uint8_t user[CONS_ID_BYTES])
{
	const struct bs_ent *e = find(s->backstop, user);

	return e != NULL ? e->count : 0;
}

int
srv_backstop_write(struct srv *s)
{
	struct srv_backstop *b = s->backstop;
	uint8_t key[2 + CONS_ID_BYTES], val[4 + CONS_ID_BYTES];
	size_t i;
	int rv;

	if (b == NULL || b->dirty_n == 0)
		return 0;
	key[0] = 'b';
	key[1] = 's';
	for (i = 0; i < b->dirty_n; i++) {
		struct bs_ent *e = &b->tab[b->dirty[i]];
		val[0] = (uint8_t) (e->count >> 24);
		val[1] = (uint8_t) (e->count >> 16);
		val[2] = (uint8_t) (e->count >> 8);
		val[3] = (uint8_t) e->count;
		memcpy(val + 4, e->last, CONS_ID_BYTES);
		memcpy(key + 2, e->user, CONS_ID_BYTES);
		if ((rv = cons_store_aux_put(
		         b->store, key, sizeof(key), val, sizeof(val)))
		    != 0)
			srv_fatal("backstop: store: %s", cons_strerror(rv));
		e->dirty = 0;
	}
	b->dirty_n = 0;
	return 1;
}
