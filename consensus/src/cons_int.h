/* Internal declarations shared by the consensus/src files. */
#ifndef CONS_INT_H
#define CONS_INT_H

#include <stdint.h>
#include <stdlib.h>

#include "cons.h"

/* Programmer errors: report and return CONS_EINVAL. */
#define CONS_ARG_CHECK(cond)                \
	do {                                \
		if (!(cond))                \
			return CONS_EINVAL; \
	} while (0)

/* Store vtable: the LMDB and in-memory stores share the cons_store_*
 * entry points. */
struct cons_store_vt {
	int (*write)(struct cons_store *s, const struct cons_persist *p);
	int (*sync)(struct cons_store *s);
	int (*put_snapshot)(struct cons_store *s, uint64_t index, uint64_t term,
	    const uint8_t *snap, size_t len);
	int (*load)(struct cons_store *s, struct cons_loaded *out);
	void (*close)(struct cons_store *s);
	int (*aux_put)(struct cons_store *s, const uint8_t *key, size_t klen,
	    const uint8_t *val, size_t vlen);
	int (*aux_each)(struct cons_store *s, cons_aux_fn fn, void *ctx);
};

struct cons_store {
	const struct cons_store_vt *vt;
	int failed; /* fail-stop latch */
};

/* Entry record encoding used by both stores: type u8 | term u64 | len u32
 * | data. Returns bytes written (buffer must hold 13 + len). */
size_t cons_entry_rec_put(uint8_t *out, const struct cons_entry *e);
/* Strict parse of a stored entry record into e (data borrowed from buf).
 * Returns 0 or CONS_ECORRUPT. */
int cons_entry_rec_get(
    struct cons_entry *e, uint64_t index, const uint8_t *buf, size_t len);

/* Write-ahead log of the LMDB store (wal.c; docs/CONSENSUS.md §4). A
 * record (one synced batch) starts at a CONS_WAL_ALIGN boundary with a
 * CONS_WAL_HDR-byte header (len u32, crc32c u32, gen u64, seq u64), then
 * its payload of operations on the store's databases. */
#define CONS_WAL_HDR     24
#define CONS_WAL_ALIGN   4096
#define CONS_WAL_DBS     3 /* meta, log, aux */
#define CONS_WAL_KEY_MAX 511 /* LMDB's default key limit */
enum { CONS_WAL_PUT = 1, CONS_WAL_DEL = 2 };

struct cons_wal_op {
	uint8_t type; /* CONS_WAL_PUT or CONS_WAL_DEL */
	uint8_t dbi; /* 0 .. CONS_WAL_DBS - 1 */
	const uint8_t *key, *val; /* borrowed; val NULL when vlen is 0 */
	size_t klen, vlen; /* vlen 0 for a delete */
};

typedef int (*cons_wal_op_fn)(void *ctx, const struct cons_wal_op *op);

uint32_t cons_crc32c(uint32_t crc, const uint8_t *p, size_t n);
/* Encoded size of op, and its encoding (out holds cons_wal_op_size). */
size_t cons_wal_op_size(const struct cons_wal_op *op);
size_t cons_wal_op_put(uint8_t *out, const struct cons_wal_op *op);
/* Strict decode of the op at p[*off..len), advancing *off. Returns 0, 1
 * at the end of the payload, or CONS_ECORRUPT. */
int cons_wal_op_next(
    struct cons_wal_op *op, const uint8_t *p, size_t len, size_t *off);
/* Bytes a record with a plen-byte payload takes in the file (aligned). */
size_t cons_wal_rec_size(size_t plen);
/* Fills the header of rec, whose payload (plen bytes) is already at
 * rec + CONS_WAL_HDR. */
void cons_wal_seal(uint8_t *rec, size_t plen, uint64_t gen, uint64_t seq);
/* Walks the records of generation gen in buf[0..len) (seq 0, 1, ... at
 * aligned offsets) and calls fn for each op, one whole record at a time;
 * stops at the first offset that holds no valid record of (gen, seq):
 * the torn or never-written tail. Out: *end (offset after the last valid
 * record, at most len) and *nrec. Returns 0, CONS_ECORRUPT (a record with
 * a valid checksum whose payload is empty or does not decode, none of
 * that record passed to fn; or a valid record of gen with a later seq
 * after the end: damage, not a torn tail) or fn's nonzero code. */
int cons_wal_scan(const uint8_t *buf, size_t len, uint64_t gen,
    cons_wal_op_fn fn, void *ctx, size_t *end, uint64_t *nrec);

/* Deterministic 64-bit PRNG (splitmix64), for jitter and the simulator. */
static inline uint64_t
cons_rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

#endif
