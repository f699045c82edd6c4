/* The key-server state machine: login-attempt counters with backoff and
 * lockout, record versions and tombstones, key epochs, and client sessions
 * that make every (client_id, seq) execute at most once.
 * Semantics: docs/CONSENSUS.md §6. Pure and deterministic. */
#include <string.h>

#include "cons_int.h"
#include "proto_buf.h"
#include "proto_err.h"

#define SNAP_VERSION     1
#define HARD_LIMIT_MAX   4096
#define MAX_SESSIONS_MAX 1000000

struct user {
	uint8_t id[CONS_ID_BYTES];
	uint32_t count; /* == n_att */
	uint8_t (*att)[CONS_ID_BYTES];
	uint32_t n_att, cap_att;
	int has_ok;
	uint8_t ok_att[CONS_ID_BYTES];
};

struct record {
	uint8_t id[CONS_ID_BYTES];
	uint64_t version;
	int deleted;
	uint8_t hash[CONS_ID_BYTES];
};

struct key {
	uint8_t id[CONS_ID_BYTES];
	uint64_t epoch;
};

struct slot {
	uint64_t seq; /* 0 = empty */
	struct cons_result res;
};

struct session {
	uint8_t id[CONS_ID_BYTES]; /* client_id big-endian, zero padded */
	uint64_t client_id;
	uint64_t max_seq;
	uint64_t last_index;
	struct slot slots[CONS_SESSION_WIN];
};

/* Open-addressing table of pointers to structs whose first member is a
 * 32-byte id. Linear probing, backward-shift deletion. */
struct tab {
	void **v;
	size_t cap, n;
};

struct cons_sm {
	struct cons_sm_params p;
	uint64_t applied;
	struct tab users, records, keys, sessions;
};

/* ------------------------------------------------------------------ */
/* table */

static uint64_t
idhash(const uint8_t *id)
{
	uint64_t h = 0xcbf29ce484222325ull;
	size_t i;

	for (i = 0; i < CONS_ID_BYTES; i++) {
		h ^= id[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

static void **
tab_slot(const struct tab *t, const uint8_t *id)
{
	size_t i;

	if (t->cap == 0)
		return NULL;
	i = (size_t) (idhash(id) & (t->cap - 1));
	for (;;) {
		if (t->v[i] == NULL
		    || memcmp((const uint8_t *) t->v[i], id, CONS_ID_BYTES)
		        == 0)
			return &t->v[i];
		i = (i + 1) & (t->cap - 1);
	}
}

static void *
tab_get(const struct tab *t, const uint8_t *id)
{
	void **s = tab_slot(t, id);

	return s ? *s : NULL;
}

static int
tab_put(struct tab *t, void *item)
{
	void **s;

	if ((t->n + 1) * 2 > t->cap) {
		struct tab nt;
		size_t i;

		nt.cap = t->cap ? t->cap * 2 : 16;
		nt.n = 0;
		nt.v = calloc(nt.cap, sizeof(void *));
		if (nt.v == NULL)
			return CONS_ENOMEM;
		for (i = 0; i < t->cap; i++)
			if (t->v[i] != NULL) {
				*tab_slot(&nt, (const uint8_t *) t->v[i])
				    = t->v[i];
				nt.n++;
			}
		free(t->v);
		*t = nt;
	}
	s = tab_slot(t, (const uint8_t *) item);
	if (*s == NULL)
		t->n++;
	*s = item;
	return 0;
}

static void
tab_del(struct tab *t, const uint8_t *id)
{
	void **s = tab_slot(t, id);
	size_t i, j, k;

	if (s == NULL || *s == NULL)
		return;
	i = (size_t) (s - t->v);
	t->v[i] = NULL;
	t->n--;
	j = i;
	for (;;) {
		j = (j + 1) & (t->cap - 1);
		if (t->v[j] == NULL)
			return;
		k = (size_t) (idhash((const uint8_t *) t->v[j]) & (t->cap - 1));
		/* move j back to i if its home k is not in (i, j] */
		if ((j > i && (k <= i || k > j))
		    || (j < i && (k <= i && k > j))) {
			t->v[i] = t->v[j];
			t->v[j] = NULL;
			i = j;
		}
	}
}

static void
user_free(void *p)
{
	struct user *u = p;

	if (u != NULL)
		free(u->att);
	free(u);
}

static void
tab_clear(struct tab *t, void (*fr)(void *))
{
	size_t i;

	for (i = 0; i < t->cap; i++)
		if (t->v[i] != NULL)
			fr(t->v[i]);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

static int
cmp_id(const void *a, const void *b)
{
	return memcmp(*(const uint8_t *const *) a, *(const uint8_t *const *) b,
	    CONS_ID_BYTES);
}

/* Sorted array of the table's items (caller frees). */
static void **
tab_sorted(const struct tab *t)
{
	void **v = malloc((t->n ? t->n : 1) * sizeof(void *));
	size_t i, k = 0;

	if (v == NULL)
		return NULL;
	for (i = 0; i < t->cap; i++)
		if (t->v[i] != NULL)
			v[k++] = t->v[i];
	qsort(v, k, sizeof(void *), cmp_id);
	return v;
}

/* ------------------------------------------------------------------ */

static int
params_ok(const struct cons_sm_params *p)
{
	return p->hard_limit >= 1 && p->hard_limit <= HARD_LIMIT_MAX
	    && p->soft_limit <= p->hard_limit && p->max_sessions >= 1
	    && p->max_sessions <= MAX_SESSIONS_MAX
	    && p->backoff_base_ms <= p->backoff_max_ms;
}

int
cons_sm_new(struct cons_sm **out, const struct cons_sm_params *p)
{
	struct cons_sm *sm;

	CONS_ARG_CHECK(out != NULL && p != NULL);
	*out = NULL;
	CONS_ARG_CHECK(params_ok(p));
	sm = calloc(1, sizeof(*sm));
	if (sm == NULL)
		return CONS_ENOMEM;
	sm->p = *p;
	*out = sm;
	return 0;
}

void
cons_sm_free(struct cons_sm *sm)
{
	if (sm == NULL)
		return;
	tab_clear(&sm->users, user_free);
	tab_clear(&sm->records, free);
	tab_clear(&sm->keys, free);
	tab_clear(&sm->sessions, free);
	free(sm);
}

uint64_t
cons_sm_applied(const struct cons_sm *sm)
{
	return sm->applied;
}

static void
client_key(uint8_t id[CONS_ID_BYTES], uint64_t client_id)
{
	unsigned i;

	memset(id, 0, CONS_ID_BYTES);
	for (i = 0; i < 8; i++)
		id[i] = (uint8_t) (client_id >> (56 - 8 * i));
}

static uint32_t
backoff_for(const struct cons_sm_params *p, uint32_t count)
{
	uint32_t over, ms;

	if (count <= p->soft_limit)
		return 0;
	over = count - p->soft_limit - 1;
	if (over >= 31
	    || ((uint64_t) p->backoff_base_ms << over) > p->backoff_max_ms)
		return p->backoff_max_ms;
	ms = p->backoff_base_ms << over;
	return ms;
}

static void
counted(const struct cons_sm_params *p, struct cons_result *r, uint32_t c)
{
	r->value = c;
	r->backoff_ms = backoff_for(p, c);
	r->status = r->backoff_ms ? CONS_R_BACKOFF : CONS_R_OK;
}

static int
user_get(struct cons_sm *sm, struct user **out, const uint8_t *id, int create)
{
	struct user *u = tab_get(&sm->users, id);

	*out = u;
	if (u != NULL || !create)
		return 0;
	u = calloc(1, sizeof(*u));
	if (u == NULL)
		return CONS_ENOMEM;
	memcpy(u->id, id, CONS_ID_BYTES);
	if (tab_put(&sm->users, u) != 0) {
		free(u);
		return CONS_ENOMEM;
	}
	*out = u;
	return 0;
}

static int
exec_attempt(
    struct cons_sm *sm, struct cons_result *r, const struct cons_cmd *c)
{
	struct user *u;
	uint32_t i;
	int rc;

	if ((rc = user_get(sm, &u, c->user, 1)) != 0)
		return rc;
	if (u->has_ok && memcmp(u->ok_att, c->id, CONS_ID_BYTES) == 0) {
		r->status = CONS_R_DONE;
		r->value = u->count;
		return 0;
	}
	for (i = 0; i < u->n_att; i++)
		if (memcmp(u->att[i], c->id, CONS_ID_BYTES) == 0) {
			counted(&sm->p, r, i + 1); /* idempotent */
			return 0;
		}
	if (u->count >= sm->p.hard_limit) {
		r->status = CONS_R_LOCKED;
		r->value = u->count;
		return 0;
	}
	if (u->n_att == u->cap_att) {
		uint32_t nc = u->cap_att ? u->cap_att * 2 : 4;
		void *q = realloc(u->att, (size_t) nc * CONS_ID_BYTES);
		if (q == NULL)
			return CONS_ENOMEM;
		u->att = q;
		u->cap_att = nc;
	}
	memcpy(u->att[u->n_att++], c->id, CONS_ID_BYTES);
	u->count = u->n_att;
	counted(&sm->p, r, u->count);
	return 0;
}

static int
exec_cmd(struct cons_sm *sm, struct cons_result *r, const struct cons_cmd *c)
{
	struct user *u;
	struct record *rec;
	struct key *k;
	uint32_t i;
	int rc;

	memset(r, 0, sizeof(*r));
	switch (c->type) {
	case CONS_CMD_ATTEMPT:
		return exec_attempt(sm, r, c);
	case CONS_CMD_LOGIN_OK:
		u = tab_get(&sm->users, c->user);
		r->status = CONS_R_NOTFOUND;
		if (u == NULL)
			return 0;
		for (i = 0; i < u->n_att; i++)
			if (memcmp(u->att[i], c->id, CONS_ID_BYTES) == 0)
				break;
		if (i == u->n_att)
			return 0;
		u->n_att = 0;
		u->count = 0;
		u->has_ok = 1;
		memcpy(u->ok_att, c->id, CONS_ID_BYTES);
		r->status = CONS_R_OK;
		return 0;
	case CONS_CMD_UNLOCK:
		u = tab_get(&sm->users, c->user);
		if (u == NULL) {
			r->status = CONS_R_NOTFOUND;
			return 0;
		}
		u->n_att = 0;
		u->count = 0;
		r->status = CONS_R_OK;
		return 0;
	case CONS_CMD_READ_USER:
		u = tab_get(&sm->users, c->user);
		r->status = u
		    ? (u->count >= sm->p.hard_limit ? CONS_R_LOCKED : CONS_R_OK)
		    : CONS_R_NOTFOUND;
		r->value = u ? u->count : 0;
		return 0;
	case CONS_CMD_SET_RECORD:
	case CONS_CMD_DELETE_RECORD:
		rec = tab_get(&sm->records, c->id);
		if (rec != NULL && rec->deleted) {
			r->status = CONS_R_DELETED;
			r->value = rec->version;
			return 0;
		}
		if (rec != NULL && c->version <= rec->version) {
			r->status = CONS_R_STALE;
			r->value = rec->version;
			memcpy(r->hash, rec->hash, CONS_ID_BYTES);
			return 0;
		}
		if (rec == NULL) {
			rec = calloc(1, sizeof(*rec));
			if (rec == NULL)
				return CONS_ENOMEM;
			memcpy(rec->id, c->id, CONS_ID_BYTES);
			if ((rc = tab_put(&sm->records, rec)) != 0) {
				free(rec);
				return rc;
			}
		}
		rec->version = c->version;
		if (c->type == CONS_CMD_DELETE_RECORD) {
			rec->deleted = 1;
			memset(rec->hash, 0, CONS_ID_BYTES);
		} else {
			memcpy(rec->hash, c->hash, CONS_ID_BYTES);
		}
		r->status = CONS_R_OK;
		r->value = rec->version;
		memcpy(r->hash, rec->hash, CONS_ID_BYTES);
		return 0;
	case CONS_CMD_READ_RECORD:
		rec = tab_get(&sm->records, c->id);
		if (rec == NULL) {
			r->status = CONS_R_NOTFOUND;
			return 0;
		}
		r->status = rec->deleted ? CONS_R_DELETED : CONS_R_OK;
		r->value = rec->version;
		memcpy(r->hash, rec->hash, CONS_ID_BYTES);
		return 0;
	case CONS_CMD_SET_EPOCH:
		k = tab_get(&sm->keys, c->id);
		if (k != NULL && c->version <= k->epoch) {
			r->status = CONS_R_STALE;
			r->value = k->epoch;
			return 0;
		}
		if (k == NULL) {
			k = calloc(1, sizeof(*k));
			if (k == NULL)
				return CONS_ENOMEM;
			memcpy(k->id, c->id, CONS_ID_BYTES);
			if ((rc = tab_put(&sm->keys, k)) != 0) {
				free(k);
				return rc;
			}
		}
		k->epoch = c->version;
		r->status = CONS_R_OK;
		r->value = k->epoch;
		return 0;
	case CONS_CMD_NOP:
		r->status = CONS_R_OK;
		return 0;
	default:
		r->status = CONS_R_BADCMD;
		return 0;
	}
}

/* Finds or creates the client's session, evicting the least recently used
 * one (smallest last_index: unique, so deterministic) when full. */
static int
session_get(struct cons_sm *sm, struct session **out, uint64_t client_id,
    uint64_t index)
{
	uint8_t id[CONS_ID_BYTES];
	struct session *s, *old = NULL;
	size_t i;

	client_key(id, client_id);
	s = tab_get(&sm->sessions, id);
	if (s == NULL) {
		if (sm->sessions.n >= sm->p.max_sessions) {
			for (i = 0; i < sm->sessions.cap; i++) {
				struct session *c = sm->sessions.v[i];
				if (c != NULL
				    && (old == NULL
				        || c->last_index < old->last_index))
					old = c;
			}
			if (old != NULL) {
				tab_del(&sm->sessions, old->id);
				free(old);
			}
		}
		s = calloc(1, sizeof(*s));
		if (s == NULL)
			return CONS_ENOMEM;
		memcpy(s->id, id, CONS_ID_BYTES);
		s->client_id = client_id;
		if (tab_put(&sm->sessions, s) != 0) {
			free(s);
			return CONS_ENOMEM;
		}
	}
	s->last_index = index;
	*out = s;
	return 0;
}

int
cons_sm_apply(struct cons_sm *sm, struct cons_result *res, int *is_cmd,
    const struct cons_entry *e)
{
	struct cons_result r;
	struct cons_cmd c;
	struct session *s;
	struct slot *sl;
	int rc;

	CONS_ARG_CHECK(sm != NULL && e != NULL);
	if (e->index != sm->applied + 1)
		return CONS_EINVAL;
	memset(&r, 0, sizeof(r));
	if (is_cmd != NULL)
		*is_cmd = 0;
	if (e->type != CONS_ENTRY_CMD) {
		sm->applied++;
		if (res != NULL)
			*res = r;
		return 0;
	}
	if (is_cmd != NULL)
		*is_cmd = 1;
	if (cons_cmd_decode(&c, e->data, e->len) != 0) {
		r.status = CONS_R_BADCMD;
		goto done;
	}
	if ((rc = session_get(sm, &s, c.client_id, e->index)) != 0)
		return rc;
	if (s->max_seq >= CONS_SESSION_WIN
	    && c.seq <= s->max_seq - CONS_SESSION_WIN) {
		r.status = CONS_R_OLDSEQ;
		goto done;
	}
	sl = &s->slots[c.seq % CONS_SESSION_WIN];
	if (sl->seq == c.seq) {
		r = sl->res; /* a retry: the cached answer, no re-execution */
		goto done;
	}
	if ((rc = exec_cmd(sm, &r, &c)) != 0)
		return rc;
	sl->seq = c.seq;
	sl->res = r;
	if (c.seq > s->max_seq) {
		uint64_t q;
		s->max_seq = c.seq;
		/* forget slots that fell out of the window */
		for (q = 0; q < CONS_SESSION_WIN; q++)
			if (s->slots[q].seq != 0
			    && s->max_seq >= CONS_SESSION_WIN
			    && s->slots[q].seq <= s->max_seq - CONS_SESSION_WIN)
				memset(&s->slots[q], 0, sizeof(s->slots[q]));
	}
done:
	sm->applied++;
	if (res != NULL)
		*res = r;
	return 0;
}

int
cons_sm_user(const struct cons_sm *sm, uint32_t *count, int *locked,
    const uint8_t user[CONS_ID_BYTES])
{
	const struct user *u = tab_get(&sm->users, user);

	*count = u ? u->count : 0;
	*locked = u ? u->count >= sm->p.hard_limit : 0;
	return u ? 0 : CONS_R_NOTFOUND;
}

int
cons_sm_record(const struct cons_sm *sm, uint64_t *version,
    uint8_t hash[CONS_ID_BYTES], int *deleted, const uint8_t id[CONS_ID_BYTES])
{
	const struct record *rec = tab_get(&sm->records, id);

	*version = rec ? rec->version : 0;
	*deleted = rec ? rec->deleted : 0;
	if (rec != NULL)
		memcpy(hash, rec->hash, CONS_ID_BYTES);
	else
		memset(hash, 0, CONS_ID_BYTES);
	return rec ? 0 : CONS_R_NOTFOUND;
}

/* ------------------------------------------------------------------ */
/* snapshots */

static void
put_result(struct proto_wbuf *w, const struct cons_result *r)
{
	proto_put_u8(w, r->status);
	proto_put_u64(w, r->value);
	proto_put_u32(w, r->backoff_ms);
	proto_put_fixed(w, r->hash, CONS_ID_BYTES);
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *) a, y = *(const uint64_t *) b;

	return x < y ? -1 : x > y;
}

int
cons_sm_snapshot(
    const struct cons_sm *sm, uint8_t *out, size_t cap, size_t *outlen)
{
	struct proto_wbuf w;
	void **v = NULL;
	size_t i, need;
	uint32_t j;
	int rc;

	CONS_ARG_CHECK(sm != NULL && outlen != NULL);
	*outlen = 0;
	/* size first */
	need = 1 + 8 + 4 * 4;
	for (i = 0; i < sm->users.cap; i++) {
		const struct user *u = sm->users.v[i];
		if (u != NULL)
			need += CONS_ID_BYTES + 4 + 1 + CONS_ID_BYTES + 4
			    + (size_t) u->n_att * CONS_ID_BYTES;
	}
	need += sm->records.n * (CONS_ID_BYTES + 8 + 1 + CONS_ID_BYTES);
	need += sm->keys.n * (CONS_ID_BYTES + 8);
	need += sm->sessions.n
	    * (8 + 8 + 8 + 4 + CONS_SESSION_WIN * (8 + CONS_RESULT_MAX_BYTES));
	if (out == NULL) {
		*outlen = need; /* an upper bound */
		return 0;
	}
	proto_wbuf_init(&w, out, cap);
	proto_put_u8(&w, SNAP_VERSION);
	proto_put_u64(&w, sm->applied);

	if ((v = tab_sorted(&sm->users)) == NULL)
		return CONS_ENOMEM;
	proto_put_u32(&w, (uint32_t) sm->users.n);
	for (i = 0; i < sm->users.n; i++) {
		const struct user *u = v[i];
		proto_put_fixed(&w, u->id, CONS_ID_BYTES);
		proto_put_u8(&w, (uint8_t) u->has_ok);
		if (u->has_ok)
			proto_put_fixed(&w, u->ok_att, CONS_ID_BYTES);
		proto_put_u32(&w, u->n_att);
		for (j = 0; j < u->n_att; j++)
			proto_put_fixed(&w, u->att[j], CONS_ID_BYTES);
	}
	free(v);

	if ((v = tab_sorted(&sm->records)) == NULL)
		return CONS_ENOMEM;
	proto_put_u32(&w, (uint32_t) sm->records.n);
	for (i = 0; i < sm->records.n; i++) {
		const struct record *r = v[i];
		proto_put_fixed(&w, r->id, CONS_ID_BYTES);
		proto_put_u64(&w, r->version);
		proto_put_u8(&w, (uint8_t) r->deleted);
		proto_put_fixed(&w, r->hash, CONS_ID_BYTES);
	}
	free(v);

	if ((v = tab_sorted(&sm->keys)) == NULL)
		return CONS_ENOMEM;
	proto_put_u32(&w, (uint32_t) sm->keys.n);
	for (i = 0; i < sm->keys.n; i++) {
		const struct key *k = v[i];
		proto_put_fixed(&w, k->id, CONS_ID_BYTES);
		proto_put_u64(&w, k->epoch);
	}
	free(v);

	/* session ids are big-endian client ids: id order = client order */
	if ((v = tab_sorted(&sm->sessions)) == NULL)
		return CONS_ENOMEM;
	proto_put_u32(&w, (uint32_t) sm->sessions.n);
	for (i = 0; i < sm->sessions.n; i++) {
		const struct session *s = v[i];
		uint64_t seqs[CONS_SESSION_WIN] = { 0 };
		uint32_t ns = 0, q;
		proto_put_u64(&w, s->client_id);
		proto_put_u64(&w, s->max_seq);
		proto_put_u64(&w, s->last_index);
		for (q = 0; q < CONS_SESSION_WIN; q++)
			if (s->slots[q].seq != 0)
				seqs[ns++] = s->slots[q].seq;
		qsort(seqs, ns, sizeof(uint64_t), cmp_u64);
		proto_put_u32(&w, ns);
		for (q = 0; q < ns; q++) {
			const struct slot *sl
			    = &s->slots[seqs[q] % CONS_SESSION_WIN];
			proto_put_u64(&w, sl->seq);
			put_result(&w, &sl->res);
		}
	}
	free(v);
	rc = proto_wbuf_finish(&w, outlen);
	return rc;
}

static int
is_zero(const uint8_t *p)
{
	size_t i;

	for (i = 0; i < CONS_ID_BYTES; i++)
		if (p[i] != 0)
			return 0;
	return 1;
}

static int
get_count(struct proto_rbuf *r, uint32_t *n, size_t min_item)
{
	int rc = proto_get_u32(r, n);

	if (rc != 0)
		return rc;
	/* cheap bound before allocating: each item needs min_item bytes */
	if ((size_t) *n > r->len / min_item)
		return CONS_ESNAPSHOT;
	return 0;
}

static int
restore_into(struct cons_sm *sm, struct proto_rbuf *r)
{
	uint8_t ver, prev[CONS_ID_BYTES];
	uint32_t n, i, j;
	int rc, first;

	if ((rc = proto_get_u8(r, &ver)) != 0
	    || (rc = proto_get_u64(r, &sm->applied)) != 0)
		return rc;
	if (ver != SNAP_VERSION)
		return PROTO_EVERSION;

	if ((rc = get_count(r, &n, CONS_ID_BYTES + 5)) != 0)
		return rc;
	for (i = 0, first = 1; i < n; i++, first = 0) {
		struct user *u = calloc(1, sizeof(*u));
		uint8_t has_ok;
		if (u == NULL)
			return CONS_ENOMEM;
		if ((rc = proto_get_fixed(r, u->id, CONS_ID_BYTES)) != 0
		    || (rc = proto_get_u8(r, &has_ok)) != 0) {
			free(u);
			return rc;
		}
		if (has_ok > 1
		    || (!first && memcmp(prev, u->id, CONS_ID_BYTES) >= 0)) {
			free(u);
			return CONS_ESNAPSHOT;
		}
		memcpy(prev, u->id, CONS_ID_BYTES);
		u->has_ok = has_ok;
		if ((has_ok
		        && (rc = proto_get_fixed(r, u->ok_att, CONS_ID_BYTES))
		            != 0)
		    || (rc = get_count(r, &u->n_att, CONS_ID_BYTES)) != 0) {
			free(u);
			return rc;
		}
		if (u->n_att > sm->p.hard_limit) {
			free(u);
			return CONS_ESNAPSHOT;
		}
		u->count = u->n_att;
		u->cap_att = u->n_att;
		if (u->n_att > 0) {
			u->att = malloc((size_t) u->n_att * CONS_ID_BYTES);
			if (u->att == NULL) {
				free(u);
				return CONS_ENOMEM;
			}
		}
		for (j = 0; j < u->n_att; j++)
			if ((rc = proto_get_fixed(r, u->att[j], CONS_ID_BYTES))
			    != 0) {
				user_free(u);
				return rc;
			}
		if (tab_put(&sm->users, u) != 0) {
			user_free(u);
			return CONS_ENOMEM;
		}
	}

	if ((rc = get_count(r, &n, 2 * CONS_ID_BYTES + 9)) != 0)
		return rc;
	for (i = 0, first = 1; i < n; i++, first = 0) {
		struct record *rec = calloc(1, sizeof(*rec));
		uint8_t del;
		if (rec == NULL)
			return CONS_ENOMEM;
		if ((rc = proto_get_fixed(r, rec->id, CONS_ID_BYTES)) != 0
		    || (rc = proto_get_u64(r, &rec->version)) != 0
		    || (rc = proto_get_u8(r, &del)) != 0
		    || (rc = proto_get_fixed(r, rec->hash, CONS_ID_BYTES))
		        != 0) {
			free(rec);
			return rc;
		}
		if (del > 1 || rec->version == 0 || (del && !is_zero(rec->hash))
		    || (!first && memcmp(prev, rec->id, CONS_ID_BYTES) >= 0)) {
			free(rec);
			return CONS_ESNAPSHOT;
		}
		memcpy(prev, rec->id, CONS_ID_BYTES);
		rec->deleted = del;
		if (tab_put(&sm->records, rec) != 0) {
			free(rec);
			return CONS_ENOMEM;
		}
	}

	if ((rc = get_count(r, &n, CONS_ID_BYTES + 8)) != 0)
		return rc;
	for (i = 0, first = 1; i < n; i++, first = 0) {
		struct key *k = calloc(1, sizeof(*k));
		if (k == NULL)
			return CONS_ENOMEM;
		if ((rc = proto_get_fixed(r, k->id, CONS_ID_BYTES)) != 0
		    || (rc = proto_get_u64(r, &k->epoch)) != 0) {
			free(k);
			return rc;
		}
		if (k->epoch == 0
		    || (!first && memcmp(prev, k->id, CONS_ID_BYTES) >= 0)) {
			free(k);
			return CONS_ESNAPSHOT;
		}
		memcpy(prev, k->id, CONS_ID_BYTES);
		if (tab_put(&sm->keys, k) != 0) {
			free(k);
			return CONS_ENOMEM;
		}
	}

	if ((rc = get_count(r, &n, 28)) != 0)
		return rc;
	if (n > sm->p.max_sessions)
		return CONS_ESNAPSHOT;
	for (i = 0, first = 1; i < n; i++, first = 0) {
		struct session *s = calloc(1, sizeof(*s));
		uint32_t ns;
		uint64_t pseq = 0;
		if (s == NULL)
			return CONS_ENOMEM;
		if ((rc = proto_get_u64(r, &s->client_id)) != 0
		    || (rc = proto_get_u64(r, &s->max_seq)) != 0
		    || (rc = proto_get_u64(r, &s->last_index)) != 0
		    || (rc = proto_get_u32(r, &ns)) != 0) {
			free(s);
			return rc;
		}
		client_key(s->id, s->client_id);
		if (ns > CONS_SESSION_WIN || s->last_index == 0
		    || s->last_index > sm->applied
		    || (!first && memcmp(prev, s->id, CONS_ID_BYTES) >= 0)) {
			free(s);
			return CONS_ESNAPSHOT;
		}
		memcpy(prev, s->id, CONS_ID_BYTES);
		for (j = 0; j < ns; j++) {
			struct slot tmp;
			memset(&tmp, 0, sizeof(tmp));
			if ((rc = proto_get_u64(r, &tmp.seq)) != 0
			    || (rc = proto_get_u8(r, &tmp.res.status)) != 0
			    || (rc = proto_get_u64(r, &tmp.res.value)) != 0
			    || (rc = proto_get_u32(r, &tmp.res.backoff_ms)) != 0
			    || (rc = proto_get_fixed(
			            r, tmp.res.hash, CONS_ID_BYTES))
			        != 0) {
				free(s);
				return rc;
			}
			/* increasing, inside the window, valid status */
			if (tmp.seq <= pseq || tmp.seq > s->max_seq
			    || (s->max_seq >= CONS_SESSION_WIN
			        && tmp.seq <= s->max_seq - CONS_SESSION_WIN)
			    || tmp.res.status > CONS_R_DONE) {
				free(s);
				return CONS_ESNAPSHOT;
			}
			pseq = tmp.seq;
			s->slots[tmp.seq % CONS_SESSION_WIN] = tmp;
		}
		if (tab_put(&sm->sessions, s) != 0) {
			free(s);
			return CONS_ENOMEM;
		}
	}
	return proto_rbuf_done(r);
}

int
cons_sm_restore(struct cons_sm *sm, const uint8_t *buf, size_t len)
{
	struct cons_sm tmp;
	struct proto_rbuf r;
	int rc;

	CONS_ARG_CHECK(sm != NULL && (buf != NULL || len == 0));
	memset(&tmp, 0, sizeof(tmp));
	tmp.p = sm->p;
	proto_rbuf_init(&r, buf, len);
	rc = restore_into(&tmp, &r);
	if (rc != 0) {
		tab_clear(&tmp.users, user_free);
		tab_clear(&tmp.records, free);
		tab_clear(&tmp.keys, free);
		tab_clear(&tmp.sessions, free);
		return rc;
	}
	tab_clear(&sm->users, user_free);
	tab_clear(&sm->records, free);
	tab_clear(&sm->keys, free);
	tab_clear(&sm->sessions, free);
	sm->applied = tmp.applied;
	sm->users = tmp.users;
	sm->records = tmp.records;
	sm->keys = tmp.keys;
	sm->sessions = tmp.sessions;
	return 0;
}
