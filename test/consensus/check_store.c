/* Stores: the LMDB and in-memory stores apply PERSISTs (hard state,
 * truncation, appends) identically, survive reopen, keep the checkpoint,
 * and latch the first error (fail-stop). The memory store loses unsynced
 * writes on a crash. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "cons.h"

Suite *store_suite(void);

static void
entry(struct cons_entry *e, uint64_t index, uint64_t term, const char *s)
{
	memset(e, 0, sizeof(*e));
	e->index = index;
	e->term = term;
	e->type = s ? CONS_ENTRY_CMD : CONS_ENTRY_NOOP;
	e->len = s ? (uint32_t) strlen(s) : 0;
	e->data = (const uint8_t *) s;
}

struct aux_seen {
	int n;
	char vals[4][16];
};

static int
aux_collect(
    void *ctx, const uint8_t *key, size_t klen, const uint8_t *val, size_t vlen)
{
	struct aux_seen *a = ctx;

	ck_assert_uint_eq(klen, 2);
	ck_assert_uint_lt(vlen, 16);
	ck_assert_int_lt(a->n, 4);
	memcpy(a->vals[a->n], key, 2);
	memcpy(a->vals[a->n] + 2, val, vlen);
	a->vals[a->n][2 + vlen] = '\0';
	a->n++;
	return 0;
}

static int
aux_stop(
    void *ctx, const uint8_t *key, size_t klen, const uint8_t *val, size_t vlen)
{
	(void) ctx;
	(void) key;
	(void) klen;
	(void) val;
	(void) vlen;
	return 77;
}

/* Auxiliary records join the batch, are durable at the sync, and a put
 * replaces the record of the same key. */
static void
exercise_aux(struct cons_store *s)
{
	struct aux_seen a;
	uint8_t big[CONS_AUX_VAL_MAX + 1];

	memset(big, 0, sizeof(big));
	ck_assert_int_eq(cons_store_aux_put(s, (const uint8_t *) "k", 0,
	                     (const uint8_t *) "v", 1),
	    CONS_EINVAL);
	ck_assert_int_eq(
	    cons_store_aux_put(s, (const uint8_t *) "k", 1, big, sizeof(big)),
	    CONS_EINVAL);
	ck_assert_int_eq(cons_store_aux_put(s, (const uint8_t *) "k1", 2,
	                     (const uint8_t *) "one", 3),
	    0);
	ck_assert_int_eq(cons_store_aux_put(s, (const uint8_t *) "k2", 2,
	                     (const uint8_t *) "two", 3),
	    0);
	ck_assert_int_eq(cons_store_aux_put(s, (const uint8_t *) "k1", 2,
	                     (const uint8_t *) "uno", 3),
	    0);
	ck_assert_int_eq(cons_store_sync(s), 0);
	memset(&a, 0, sizeof(a));
	ck_assert_int_eq(cons_store_aux_each(s, aux_collect, &a), 0);
	ck_assert_int_eq(a.n, 2);
	ck_assert(
	    strcmp(a.vals[0], "k1uno") == 0 || strcmp(a.vals[1], "k1uno") == 0);
	ck_assert(
	    strcmp(a.vals[0], "k2two") == 0 || strcmp(a.vals[1], "k2two") == 0);
	ck_assert_int_eq(cons_store_aux_each(s, aux_stop, NULL), 77);
}

static void
exercise(struct cons_store *s)
{
	struct cons_entry e[3];
	struct cons_persist p;
	struct cons_loaded l;

	memset(&p, 0, sizeof(p));
	p.id = 1;
	p.has_hard = 1;
	p.term = 2;
	p.vote = 1;
	entry(&e[0], 1, 1, NULL);
	entry(&e[1], 2, 2, "ab");
	entry(&e[2], 3, 2, "cd");
	p.n_entries = 3;
	p.entries = e;
	ck_assert_int_eq(cons_store_write(s, &p), 0);
	ck_assert_int_eq(cons_store_sync(s), 0);
	/* a new leader replaces index 3 */
	memset(&p, 0, sizeof(p));
	p.id = 2;
	p.has_hard = 1;
	p.term = 3;
	p.vote = CONS_VOTE_NONE;
	p.truncate_from = 3;
	entry(&e[0], 3, 3, "xyz");
	p.n_entries = 1;
	p.entries = e;
	ck_assert_int_eq(cons_store_write(s, &p), 0);
	ck_assert_int_eq(cons_store_sync(s), 0);
	ck_assert_int_eq(
	    cons_store_put_snapshot(s, 2, 2, (const uint8_t *) "SNAP", 4), 0);
	ck_assert_int_eq(cons_store_load(s, &l), 0);
	ck_assert_uint_eq(l.boot.term, 3);
	ck_assert_uint_eq(l.boot.vote, CONS_VOTE_NONE);
	ck_assert_uint_eq(l.boot.n_entries, 3);
	ck_assert_uint_eq(l.ents[2].term, 3);
	ck_assert_uint_eq(l.ents[2].len, 3);
	ck_assert_mem_eq(l.ents[2].data, "xyz", 3);
	ck_assert_uint_eq(l.ents[0].type, CONS_ENTRY_NOOP);
	ck_assert_uint_eq(l.snap_index, 2);
	ck_assert_uint_eq(l.snap_len, 4);
	ck_assert_mem_eq(l.snap, "SNAP", 4);
	cons_loaded_clear(&l);
	exercise_aux(s);
}

START_TEST(mem_store)
{
	struct cons_store *s, *img;
	struct cons_entry e;
	struct cons_persist p;
	struct cons_loaded l;

	ck_assert_int_eq(cons_store_mem_new(&s), 0);
	ck_assert_int_eq(cons_store_mem_new(&img), 0);
	exercise(s);
	ck_assert_int_eq(cons_store_mem_copy(img, s), 0);
	/* an unsynced write is lost on a crash */
	memset(&p, 0, sizeof(p));
	p.id = 3;
	entry(&e, 4, 3, "q");
	p.n_entries = 1;
	p.entries = &e;
	ck_assert_int_eq(cons_store_write(s, &p), 0);
	cons_store_mem_crash(s);
	ck_assert_int_eq(cons_store_load(s, &l), 0);
	ck_assert_uint_eq(l.boot.n_entries, 3);
	cons_loaded_clear(&l);
	/* a gap is refused, and the store then stays failed */
	entry(&e, 9, 3, "q");
	ck_assert_int_eq(cons_store_write(s, &p), CONS_ECORRUPT);
	ck_assert_int_eq(cons_store_sync(s), CONS_EFAILED);
	cons_store_mem_crash(s); /* a restart clears the latch */
	cons_store_mem_fail_next(s);
	ck_assert_int_eq(cons_store_sync(s), CONS_EIO);
	ck_assert_int_eq(cons_store_load(s, &l), CONS_EFAILED);
	/* rollback: restoring an old image */
	ck_assert_int_eq(cons_store_mem_copy(s, img), 0);
	cons_store_mem_crash(s);
	ck_assert_int_eq(cons_store_load(s, &l), 0);
	ck_assert_uint_eq(l.boot.term, 3);
	cons_loaded_clear(&l);
	cons_store_close(s);
	cons_store_close(img);
}
END_TEST

START_TEST(lmdb_store)
{
	char dir[] = "/tmp/cons-lmdb-XXXXXX", path[64];
	struct cons_store *s;
	struct cons_loaded l;
	struct cons_entry e[2];
	struct cons_persist p;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(cons_store_lmdb_open(&s, dir, 1 << 20), 0);
	exercise(s);
	cons_store_close(s);
	/* reopen: durable */
	ck_assert_int_eq(cons_store_lmdb_open(&s, dir, 1 << 20), 0);
	ck_assert_int_eq(cons_store_load(s, &l), 0);
	ck_assert_uint_eq(l.boot.term, 3);
	ck_assert_uint_eq(l.boot.n_entries, 3);
	ck_assert_mem_eq(l.ents[1].data, "ab", 2);
	cons_loaded_clear(&l);
	/* group commit: writes join one batch that only a sync makes
	 * durable; a close without sync forgets the whole batch */
	memset(&p, 0, sizeof(p));
	p.id = 3;
	entry(&e[0], 4, 3, "q1");
	entry(&e[1], 5, 3, "q2");
	p.n_entries = 1;
	p.entries = &e[0];
	ck_assert_int_eq(cons_store_write(s, &p), 0);
	p.id = 4;
	p.entries = &e[1];
	ck_assert_int_eq(cons_store_write(s, &p), 0);
	cons_store_close(s);
	ck_assert_int_eq(cons_store_lmdb_open(&s, dir, 1 << 20), 0);
	ck_assert_int_eq(cons_store_load(s, &l), 0);
	ck_assert_uint_eq(l.boot.n_entries, 3);
	cons_loaded_clear(&l);
	p.id = 3;
	p.entries = &e[0];
	ck_assert_int_eq(cons_store_write(s, &p), 0);
	p.id = 4;
	p.entries = &e[1];
	ck_assert_int_eq(cons_store_write(s, &p), 0);
	ck_assert_int_eq(cons_store_sync(s), 0);
	cons_store_close(s);
	ck_assert_int_eq(cons_store_lmdb_open(&s, dir, 1 << 20), 0);
	ck_assert_int_eq(cons_store_load(s, &l), 0);
	ck_assert_uint_eq(l.boot.n_entries, 5);
	ck_assert_mem_eq(l.ents[4].data, "q2", 2);
	cons_loaded_clear(&l);
	/* the auxiliary records survived the reopens; unsynced ones do not */
	{
		struct aux_seen a;
		memset(&a, 0, sizeof(a));
		ck_assert_int_eq(cons_store_aux_each(s, aux_collect, &a), 0);
		ck_assert_int_eq(a.n, 2);
		ck_assert_int_eq(cons_store_aux_put(s, (const uint8_t *) "k3",
		                     2, (const uint8_t *) "x", 1),
		    0);
		cons_store_close(s);
		ck_assert_int_eq(cons_store_lmdb_open(&s, dir, 1 << 20), 0);
		memset(&a, 0, sizeof(a));
		ck_assert_int_eq(cons_store_aux_each(s, aux_collect, &a), 0);
		ck_assert_int_eq(a.n, 2);
	}
	/* loading while a batch is open is a programmer error */
	p.id = 5;
	entry(&e[0], 6, 3, "q3");
	p.entries = &e[0];
	ck_assert_int_eq(cons_store_write(s, &p), 0);
	ck_assert_int_eq(
	    cons_store_aux_each(s, aux_collect, NULL), CONS_EINVAL);
	ck_assert_int_eq(cons_store_load(s, &l), CONS_EINVAL);
	cons_store_close(s);
	snprintf(path, sizeof(path), "%s/data.mdb", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/lock.mdb", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/wal", dir);
	unlink(path);
	rmdir(dir);
}
END_TEST

START_TEST(lmdb_full_is_fatal)
{
	char dir[] = "/tmp/cons-lmdb-XXXXXX", path[64];
	static uint8_t big[CONS_ENTRY_MAX];
	struct cons_entry e[CONS_MSG_ENTRIES];
	struct cons_persist p;
	struct cons_store *s;
	uint64_t idx = 1;
	int rc = 0, k, round;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	/* a tiny map fills up: the error is final (fail-stop) */
	ck_assert_int_eq(cons_store_lmdb_open(&s, dir, 64 * 1024), 0);
	memset(big, 7, sizeof(big));
	for (round = 0; round < 100 && rc == 0; round++) {
		memset(&p, 0, sizeof(p));
		p.id = (uint64_t) round + 1;
		for (k = 0; k < 16; k++) {
			memset(&e[k], 0, sizeof(e[k]));
			e[k].index = idx++;
			e[k].term = 1;
			e[k].type = CONS_ENTRY_CMD;
			e[k].len = sizeof(big);
			e[k].data = big;
		}
		p.n_entries = 16;
		p.entries = e;
		if (round == 0) {
			p.has_hard = 1;
			p.term = 1;
			p.vote = CONS_VOTE_NONE;
		}
		rc = cons_store_write(s, &p);
	}
	ck_assert_int_eq(rc, CONS_EIO);
	ck_assert_int_eq(cons_store_sync(s), CONS_EFAILED);
	cons_store_close(s);
	snprintf(path, sizeof(path), "%s/data.mdb", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/lock.mdb", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/wal", dir);
	unlink(path);
	rmdir(dir);
}
END_TEST

Suite *
store_suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("store");

	tcase_add_test(tc, mem_store);
	tcase_add_test(tc, lmdb_store);
	tcase_add_test(tc, lmdb_full_is_fatal);
	suite_add_tcase(s, tc);
	return s;
}
