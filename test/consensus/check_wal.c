/* The LMDB store's write-ahead log: a crash keeps every synced batch and
 * forgets unsynced ones; a torn or damaged tail loads exactly the synced
 * prefix before the damage (never more, never an error); a record with a
 * valid checksum but a malformed payload is CONS_ECORRUPT; records of an
 * older generation are never replayed; checkpoints keep everything.
 *
 * A crash is simulated by copying data.mdb and the WAL of an open store
 * (what its files hold now is what a power cut after the last fdatasync
 * could leave, at best) and opening the copy. */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "../../consensus/src/cons_int.h"
#include "cons.h"

Suite *wal_suite(void);

#define IMG_WAL 32768 /* WAL bytes kept in an image (the records) */
#define MAP     ((size_t) 1 << 26)

struct image {
	uint8_t *db, *wal;
	size_t db_len, wal_len;
};

static void
path_in(char *out, size_t cap, const char *dir, const char *name)
{
	ck_assert_int_lt(snprintf(out, cap, "%s/%s", dir, name), (int) cap);
}

static uint8_t *
slurp(const char *path, size_t max, size_t *len)
{
	struct stat st;
	uint8_t *b;
	int fd = open(path, O_RDONLY);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	*len = (size_t) st.st_size < max ? (size_t) st.st_size : max;
	b = malloc(*len ? *len : 1);
	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(pread(fd, b, *len, 0), (ssize_t) *len);
	close(fd);
	return b;
}

static void
spill(const char *path, const uint8_t *b, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, b, len), (ssize_t) len);
	close(fd);
}

static void
rm_store(const char *dir)
{
	static const char *const names[]
	    = { "data.mdb", "lock.mdb", "wal", "wal.tmp" };
	char p[256];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		path_in(p, sizeof(p), dir, names[i]);
		unlink(p);
	}
	rmdir(dir);
}

/* The durable files of the store in dir, as a crash would leave them;
 * the WAL's first wal_max bytes (all of it by default). */
static void
take_n(struct image *im, const char *dir, size_t wal_max)
{
	char p[256];

	path_in(p, sizeof(p), dir, "data.mdb");
	im->db = slurp(p, (size_t) 1 << 30, &im->db_len);
	path_in(p, sizeof(p), dir, "wal");
	im->wal = slurp(p, wal_max, &im->wal_len);
}

/* Only the first records: the rest of a short file is zeros to the store
 * (it replaces a file of the wrong size after recovery). */
static void
take(struct image *im, const char *dir)
{
	take_n(im, dir, IMG_WAL);
}

static void
image_free(struct image *im)
{
	free(im->db);
	free(im->wal);
}

/* Opens a fresh copy of im whose WAL is wal[0..wal_len). Returns the
 * open's code; *s is open on 0. dir receives the copy's path. */
static int
open_image(struct cons_store **s, char dir[32], const struct image *im,
    const uint8_t *wal, size_t wal_len)
{
	char p[256];
	int rc;

	strcpy(dir, "/tmp/cons-wal-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	path_in(p, sizeof(p), dir, "data.mdb");
	spill(p, im->db, im->db_len);
	path_in(p, sizeof(p), dir, "wal");
	spill(p, wal, wal_len);
	rc = cons_store_lmdb_open(s, dir, MAP);
	if (rc != 0)
		rm_store(dir);
	return rc;
}

static void
entry(struct cons_entry *e, uint64_t index, uint64_t term, char *buf)
{
	memset(e, 0, sizeof(*e));
	e->index = index;
	e->term = term;
	e->type = CONS_ENTRY_CMD;
	snprintf(buf, 48, "e%llu.%llu", (unsigned long long) index,
	    (unsigned long long) term);
	e->len = (uint32_t) strlen(buf);
	e->data = (const uint8_t *) buf;
}

/* One PERSIST: term, and entry index at that term replacing the tail. */
static void
put(struct cons_store *s, uint64_t index, uint64_t term, int sync)
{
	struct cons_persist p;
	struct cons_entry e;
	char buf[48];

	memset(&p, 0, sizeof(p));
	p.id = index;
	p.has_hard = 1;
	p.term = term;
	p.vote = 0;
	entry(&e, index, term, buf);
	p.n_entries = 1;
	p.entries = &e;
	ck_assert_int_eq(cons_store_write(s, &p), 0);
	if (sync)
		ck_assert_int_eq(cons_store_sync(s), 0);
}

/* Loads s and checks it holds entries 1..n, entry i at term terms[i - 1]
 * (or 1 when terms is NULL). Closes s. */
static void
expect(struct cons_store *s, size_t n, const uint64_t *terms)
{
	struct cons_loaded l;
	char buf[48];
	size_t i;

	ck_assert_int_eq(cons_store_load(s, &l), 0);
	ck_assert_uint_eq(l.boot.n_entries, n);
	for (i = 0; i < n; i++) {
		uint64_t t = terms ? terms[i] : 1;
		struct cons_entry e;
		entry(&e, i + 1, t, buf);
		ck_assert_uint_eq(l.ents[i].term, t);
		ck_assert_uint_eq(l.ents[i].len, e.len);
		ck_assert_mem_eq(l.ents[i].data, buf, e.len);
	}
	cons_loaded_clear(&l);
	cons_store_close(s);
}

static uint32_t
rd32(const uint8_t *b)
{
	return (uint32_t) b[0] << 24 | (uint32_t) b[1] << 16
	    | (uint32_t) b[2] << 8 | b[3];
}

static uint64_t
rd64(const uint8_t *b)
{
	return (uint64_t) rd32(b) << 32 | rd32(b + 4);
}

/* Bytes of record k (header and payload) in an image. */
static size_t
rec_bytes(const struct image *im, size_t k)
{
	return CONS_WAL_HDR + rd32(im->wal + k * CONS_WAL_ALIGN);
}

/* A store in a fresh dir with n synced single-entry batches (records 0..
 * n-1) and one unsynced one. */
static struct cons_store *
build(char dir[32], size_t n)
{
	struct cons_store *s;
	size_t i;

	strcpy(dir, "/tmp/cons-wal-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(cons_store_lmdb_open(&s, dir, MAP), 0);
	for (i = 1; i <= n; i++)
		put(s, i, 1, 1);
	put(s, n + 1, 1, 0);
	return s;
}

static int
aux_v(
    void *ctx, const uint8_t *key, size_t klen, const uint8_t *val, size_t vlen)
{
	char *out = ctx;

	if (klen == 2 && memcmp(key, "ak", 2) == 0 && vlen == 2)
		memcpy(out, val, 2);
	return 0;
}

START_TEST(wal_crash_keeps_synced)
{
	char dir[32], cp[32], v[3] = "";
	struct cons_store *s, *c;
	struct image im;

	s = build(dir, 3);
	ck_assert_int_eq(cons_store_aux_put(s, (const uint8_t *) "ak", 2,
	                     (const uint8_t *) "v1", 2),
	    0);
	ck_assert_int_eq(cons_store_sync(s), 0); /* joins entry 4 */
	put(s, 5, 1, 0); /* unsynced */
	ck_assert_int_eq(cons_store_aux_put(s, (const uint8_t *) "ak", 2,
	                     (const uint8_t *) "v2", 2),
	    0);
	take(&im, dir);
	ck_assert_int_eq(open_image(&c, cp, &im, im.wal, im.wal_len), 0);
	ck_assert_int_eq(cons_store_aux_each(c, aux_v, v), 0);
	ck_assert_str_eq(v, "v1");
	expect(c, 4, NULL);
	rm_store(cp);
	/* a close without sync forgets entry 5 and v2 but keeps the rest,
	 * and a reopen after recovery replays nothing twice */
	cons_store_close(s);
	ck_assert_int_eq(cons_store_lmdb_open(&s, dir, MAP), 0);
	memset(v, 0, sizeof(v));
	ck_assert_int_eq(cons_store_aux_each(s, aux_v, v), 0);
	ck_assert_str_eq(v, "v1");
	expect(s, 4, NULL);
	ck_assert_int_eq(cons_store_lmdb_open(&s, dir, MAP), 0);
	expect(s, 4, NULL);
	image_free(&im);
	rm_store(dir);
}
END_TEST

START_TEST(wal_aux_and_reads_after_sync)
{
	char dir[32], cp[32], v[3] = "";
	struct cons_store *s, *c;
	struct image im;

	s = build(dir, 1);
	ck_assert_int_eq(cons_store_aux_put(s, (const uint8_t *) "ak", 2,
	                     (const uint8_t *) "v1", 2),
	    0);
	ck_assert_int_eq(cons_store_sync(s), 0);
	/* reads see the synced state while the transaction stays open */
	ck_assert_int_eq(cons_store_aux_each(s, aux_v, v), 0);
	ck_assert_str_eq(v, "v1");
	ck_assert_int_eq(cons_store_aux_put(s, (const uint8_t *) "ak", 2,
	                     (const uint8_t *) "v2", 2),
	    0);
	ck_assert_int_eq(cons_store_aux_each(s, aux_v, v), CONS_EINVAL);
	take(&im, dir);
	ck_assert_int_eq(open_image(&c, cp, &im, im.wal, im.wal_len), 0);
	memset(v, 0, sizeof(v));
	ck_assert_int_eq(cons_store_aux_each(c, aux_v, v), 0);
	ck_assert_str_eq(v, "v1");
	expect(c, 2, NULL);
	rm_store(cp);
	ck_assert_int_eq(cons_store_sync(s), 0);
	expect(s, 2, NULL);
	image_free(&im);
	rm_store(dir);
}
END_TEST

/* Entries a WAL cut at t keeps: records wholly before t, in order. */
static size_t
kept(const struct image *im, size_t nrec, size_t t)
{
	size_t k;

	for (k = 0; k < nrec; k++)
		if (k * CONS_WAL_ALIGN + rec_bytes(im, k) > t)
			break;
	return k;
}

START_TEST(wal_torn_tail)
{
	enum { N = 6 };
	char dir[32], cp[32];
	struct cons_store *s, *c;
	struct image im;
	uint8_t *w;
	size_t k, j, t, end;
	unsigned seed = 12345;
	int i;

	s = build(dir, N);
	take(&im, dir);
	cons_store_close(s);
	for (k = 0; k < N; k++)
		ck_assert_uint_le(rec_bytes(&im, k), CONS_WAL_ALIGN);
	/* cut at every byte of the last two records */
	for (k = N - 2; k < N; k++) {
		for (j = 0; j <= rec_bytes(&im, k); j++) {
			t = k * CONS_WAL_ALIGN + j;
			ck_assert_int_eq(open_image(&c, cp, &im, im.wal, t), 0);
			expect(c, kept(&im, N, t), NULL);
			rm_store(cp);
		}
	}
	/* and at random offsets */
	end = N * CONS_WAL_ALIGN;
	for (i = 0; i < 24; i++) {
		t = (size_t) rand_r(&seed) % end;
		ck_assert_int_eq(open_image(&c, cp, &im, im.wal, t), 0);
		expect(c, kept(&im, N, t), NULL);
		rm_store(cp);
	}
	/* a flipped bit anywhere in the last record loses it, like a torn
	 * write; in an earlier one, followed by durable records, it is
	 * damage after the fact, not a tail to cut: corrupt */
	w = malloc(im.wal_len);
	ck_assert_ptr_nonnull(w);
	for (k = 0; k < N; k++) {
		size_t n = rec_bytes(&im, k);
		for (j = 0; j < n; j += (k == N - 1 ? 1 : 7)) {
			memcpy(w, im.wal, im.wal_len);
			w[k * CONS_WAL_ALIGN + j] ^= (uint8_t) (1u << (j % 8));
			if (k < N - 1) {
				ck_assert_int_eq(
				    open_image(&c, cp, &im, w, im.wal_len),
				    CONS_ECORRUPT);
				continue; /* open_image removed it */
			}
			ck_assert_int_eq(
			    open_image(&c, cp, &im, w, im.wal_len), 0);
			expect(c, k, NULL);
			rm_store(cp);
		}
	}
	/* padding after a record is not part of it */
	memcpy(w, im.wal, im.wal_len);
	w[(N - 1) * CONS_WAL_ALIGN + rec_bytes(&im, N - 1)] ^= 0xff;
	w[N * CONS_WAL_ALIGN - 1] ^= 0xff;
	ck_assert_int_eq(open_image(&c, cp, &im, w, im.wal_len), 0);
	expect(c, N, NULL);
	rm_store(cp);
	free(w);
	image_free(&im);
	rm_store(dir);
}
END_TEST

/* Writes a record with payload p[0..plen) at slot k of a copy of im's
 * WAL and opens that image. */
static int
open_crafted(struct cons_store **c, char cp[32], const struct image *im,
    size_t k, uint64_t gen, uint64_t seq, const uint8_t *p, size_t plen)
{
	uint8_t *w = calloc(1, IMG_WAL);
	int rc;

	ck_assert_ptr_nonnull(w);
	memcpy(w, im->wal, im->wal_len < IMG_WAL ? im->wal_len : IMG_WAL);
	memset(w + k * CONS_WAL_ALIGN, 0, CONS_WAL_ALIGN);
	memcpy(w + k * CONS_WAL_ALIGN + CONS_WAL_HDR, p, plen);
	cons_wal_seal(w + k * CONS_WAL_ALIGN, plen, gen, seq);
	rc = open_image(c, cp, im, w, IMG_WAL);
	free(w);
	return rc;
}

START_TEST(wal_valid_checksum_garbage)
{
	enum { N = 3 };
	char dir[32], cp[32];
	struct cons_store *s, *c;
	struct image im;
	uint64_t gen;
	uint8_t p[64];
	struct cons_entry e;
	char buf[48];
	uint8_t rec[13 + 48], key[8] = { 0, 0, 0, 0, 0, 0, 0, N + 1 };
	struct cons_wal_op op = { CONS_WAL_PUT, 1, key, rec, 8, 0 };
	size_t n;

	s = build(dir, N);
	take(&im, dir);
	cons_store_close(s);
	gen = rd64(im.wal + 8);
	/* a well-formed record is replayed: the test writes real records */
	entry(&e, N + 1, 1, buf);
	op.vlen = cons_entry_rec_put(rec, &e);
	n = cons_wal_op_put(p, &op);
	ck_assert_int_eq(open_crafted(&c, cp, &im, N, gen, N, p, n), 0);
	expect(c, N + 1, NULL);
	rm_store(cp);
	/* ... unless it names another sequence number or generation */
	ck_assert_int_eq(open_crafted(&c, cp, &im, N, gen, N + 1, p, n), 0);
	expect(c, N, NULL);
	rm_store(cp);
	ck_assert_int_eq(open_crafted(&c, cp, &im, N, gen - 1, N, p, n), 0);
	expect(c, N, NULL);
	rm_store(cp);
	/* valid checksum, malformed payload: corrupt, not skipped */
	ck_assert_int_eq(open_crafted(&c, cp, &im, N, gen, N, p, 0),
	    CONS_ECORRUPT); /* empty */
	ck_assert_int_eq(open_crafted(&c, cp, &im, N, gen, N, p, n - 1),
	    CONS_ECORRUPT); /* cut value */
	ck_assert_int_eq(open_crafted(&c, cp, &im, N, gen, N, p, 3),
	    CONS_ECORRUPT); /* cut op header */
	p[0] = 9;
	ck_assert_int_eq(open_crafted(&c, cp, &im, N, gen, N, p, n),
	    CONS_ECORRUPT); /* unknown op */
	p[0] = CONS_WAL_PUT;
	p[1] = CONS_WAL_DBS;
	ck_assert_int_eq(open_crafted(&c, cp, &im, N, gen, N, p, n),
	    CONS_ECORRUPT); /* unknown database */
	p[1] = 1;
	p[2] = p[3] = 0;
	ck_assert_int_eq(open_crafted(&c, cp, &im, N, gen, N, p, n),
	    CONS_ECORRUPT); /* empty key */
	/* a good op then trailing garbage: nothing of the record applies */
	n = cons_wal_op_put(p, &op);
	p[n] = 0;
	ck_assert_int_eq(
	    open_crafted(&c, cp, &im, N, gen, N, p, n + 1), CONS_ECORRUPT);
	/* deleting an index the checkpoint lacks */
	key[7] = 99;
	op.type = CONS_WAL_DEL;
	op.val = NULL;
	op.vlen = 0;
	n = cons_wal_op_put(p, &op);
	ck_assert_int_eq(
	    open_crafted(&c, cp, &im, N, gen, N, p, n), CONS_ECORRUPT);
	/* a record of this generation after a missing one: record N was
	 * durable before N + 1 was written, so it was lost afterwards (not a
	 * torn tail): corrupt, whatever N + 1 holds; one of an older
	 * generation there is ignored */
	p[0] = 9;
	{
		uint8_t *w = calloc(1, IMG_WAL);
		ck_assert_ptr_nonnull(w);
		memcpy(w, im.wal, im.wal_len);
		memcpy(w + (N + 1) * CONS_WAL_ALIGN + CONS_WAL_HDR, p, n);
		cons_wal_seal(w + (N + 1) * CONS_WAL_ALIGN, n, gen, N + 1);
		ck_assert_int_eq(
		    open_image(&c, cp, &im, w, IMG_WAL), CONS_ECORRUPT);
		cons_wal_seal(w + (N + 1) * CONS_WAL_ALIGN, n, gen - 1, N + 1);
		ck_assert_int_eq(open_image(&c, cp, &im, w, IMG_WAL), 0);
		expect(c, N, NULL);
		rm_store(cp);
		free(w);
	}
	/* a lost WAL after a checkpoint that names one: corrupt */
	{
		char pth[256];
		path_in(pth, sizeof(pth), dir, "wal");
		ck_assert_int_eq(unlink(pth), 0);
		ck_assert_int_eq(
		    cons_store_lmdb_open(&c, dir, MAP), CONS_ECORRUPT);
	}
	image_free(&im);
	rm_store(dir);
}
END_TEST

/* The records that followed the previous checkpoint carry sequence
 * numbers the new generation will reach again: only the generation tells
 * them apart. */
START_TEST(wal_old_generation_ignored)
{
	char dir[32], cp[32];
	struct cons_store *s, *c;
	struct image im;
	static const uint64_t terms[] = { 1, 2 };
	int round;

	for (round = 0; round < 2; round++) {
		s = build(dir, 4);
		ck_assert_int_eq(cons_store_sync(s), 0); /* entry 5 too */
		if (round == 0) {
			/* checkpoint by snapshot */
			ck_assert_int_eq(cons_store_put_snapshot(
			                     s, 1, 1, (const uint8_t *) "S", 1),
			    0);
		} else {
			/* checkpoint by reopening */
			cons_store_close(s);
			ck_assert_int_eq(cons_store_lmdb_open(&s, dir, MAP), 0);
		}
		/* a new leader replaces 2..5 with 2 at term 2 */
		put(s, 2, 2, 1);
		take(&im, dir);
		ck_assert_int_eq(
		    open_image(&c, cp, &im, im.wal, im.wal_len), 0);
		expect(c, 2, terms);
		rm_store(cp);
		cons_store_close(s);
		ck_assert_int_eq(cons_store_lmdb_open(&s, dir, MAP), 0);
		expect(s, 2, terms);
		image_free(&im);
		rm_store(dir);
	}
}
END_TEST

/* More syncs than the WAL holds records: it checkpoints when full and
 * starts over; everything stays, before and after a crash. */
START_TEST(wal_checkpoint_when_full)
{
	char dir[32], cp[32];
	struct cons_store *s, *c;
	struct image im;
	uint64_t gen0;
	size_t n = 2100, i;

	s = build(dir, 1);
	take(&im, dir);
	gen0 = rd64(im.wal + 8);
	image_free(&im);
	for (i = 2; i <= n; i++)
		put(s, i, 1, 1);
	take_n(&im, dir, (size_t) 1 << 30);
	ck_assert_uint_gt(rd64(im.wal + 8), gen0);
	ck_assert_int_eq(open_image(&c, cp, &im, im.wal, im.wal_len), 0);
	expect(c, n, NULL);
	rm_store(cp);
	image_free(&im);
	cons_store_close(s);
	ck_assert_int_eq(cons_store_lmdb_open(&s, dir, MAP), 0);
	expect(s, n, NULL);
	rm_store(dir);
}
END_TEST

/* A batch larger than the WAL goes straight to a checkpoint. */
START_TEST(wal_batch_larger_than_wal)
{
	char dir[32], cp[32];
	struct cons_store *s, *c;
	struct image im;
	static uint8_t big[CONS_AUX_VAL_MAX];
	uint8_t key[8];
	uint32_t i;
	uint64_t gen0;

	s = build(dir, 1);
	ck_assert_int_eq(cons_store_sync(s), 0);
	take(&im, dir);
	gen0 = rd64(im.wal + 8);
	image_free(&im);
	memset(big, 0xab, sizeof(big));
	for (i = 0; i < 9000; i++) { /* > 8 MiB of values */
		memcpy(key, "bulk", 4);
		key[4] = (uint8_t) (i >> 24);
		key[5] = (uint8_t) (i >> 16);
		key[6] = (uint8_t) (i >> 8);
		key[7] = (uint8_t) i;
		ck_assert_int_eq(
		    cons_store_aux_put(s, key, 8, big, sizeof(big)), 0);
	}
	put(s, 3, 1, 1);
	put(s, 4, 1, 1); /* back to the WAL */
	take(&im, dir);
	ck_assert_uint_eq(rd64(im.wal + 8), gen0 + 1);
	/* entry 3 joined the checkpoint; entry 4 is the first record */
	ck_assert_uint_eq(rd64(im.wal + 16), 0);
	ck_assert_uint_ne(rd64(im.wal + CONS_WAL_ALIGN + 8), gen0 + 1);
	ck_assert_int_eq(open_image(&c, cp, &im, im.wal, im.wal_len), 0);
	expect(c, 4, NULL);
	rm_store(cp);
	image_free(&im);
	cons_store_close(s);
	rm_store(dir);
}
END_TEST

/* The checksum is CRC32C: its standard check value, and the seal fills
 * every header field. */
START_TEST(wal_crc_and_seal)
{
	uint8_t rec[CONS_WAL_HDR + 4] = { 0 };
	size_t n = 0;
	struct cons_wal_op op;

	ck_assert_uint_eq(
	    cons_crc32c(0, (const uint8_t *) "123456789", 9), 0xE3069283u);
	memcpy(rec + CONS_WAL_HDR, "\x02\x01\x00\x00", 4);
	cons_wal_seal(rec, 4, 7, 9);
	ck_assert_uint_eq(rd32(rec), 4);
	ck_assert_uint_eq(rd64(rec + 8), 7);
	ck_assert_uint_eq(rd64(rec + 16), 9);
	ck_assert_uint_eq(rd32(rec + 4),
	    cons_crc32c(cons_crc32c(0, rec, 4), rec + 8, CONS_WAL_HDR - 8 + 4));
	/* a delete with an empty key does not decode */
	ck_assert_int_eq(
	    cons_wal_op_next(&op, rec + CONS_WAL_HDR, 4, &n), CONS_ECORRUPT);
	ck_assert_uint_eq(cons_wal_rec_size(0), CONS_WAL_ALIGN);
	ck_assert_uint_eq(
	    cons_wal_rec_size(CONS_WAL_ALIGN - CONS_WAL_HDR), CONS_WAL_ALIGN);
	ck_assert_uint_eq(cons_wal_rec_size(CONS_WAL_ALIGN - CONS_WAL_HDR + 1),
	    2 * CONS_WAL_ALIGN);
}
END_TEST

Suite *
wal_suite(void)
{
	Suite *s = suite_create("wal");
	TCase *tc = tcase_create("wal");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, wal_crc_and_seal);
	tcase_add_test(tc, wal_crash_keeps_synced);
	tcase_add_test(tc, wal_aux_and_reads_after_sync);
	tcase_add_test(tc, wal_torn_tail);
	tcase_add_test(tc, wal_valid_checksum_garbage);
	tcase_add_test(tc, wal_old_generation_ignored);
	tcase_add_test(tc, wal_checkpoint_when_full);
	tcase_add_test(tc, wal_batch_larger_than_wal);
	suite_add_tcase(s, tc);
	return s;
}
