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
