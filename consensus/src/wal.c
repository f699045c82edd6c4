/* Write-ahead log records of the LMDB store (docs/CONSENSUS.md §4): pure
 * encoding and strict decoding, no I/O (store_lmdb.c owns the file).
 *
 * A record is one synced batch, at a CONS_WAL_ALIGN boundary:
 *   len u32 | crc u32 | gen u64 | seq u64 | payload (len bytes)
 * crc is CRC32C over every other byte of the record (len, gen, seq,
 * payload), so a torn or stale record fails it or names another
 * generation or sequence number. The payload is one or more operations:
 *   op u8 (1 put, 2 del) | dbi u8 | klen u16 | [vlen u32] | key | [value]
 * All integers are big-endian. */
#include <pthread.h>
#include <string.h>

#include "cons_int.h"

/* CRC32C (Castagnoli, reflected polynomial 0x82F63B78), table built once
 * on first use (pthread_once: stores may live on different threads). */
static uint32_t crc_tab[256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void
crc_init(void)
{
	uint32_t i, c;
	int k;

	for (i = 0; i < 256; i++) {
		c = i;
		for (k = 0; k < 8; k++)
			c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
		crc_tab[i] = c;
	}
}

uint32_t
cons_crc32c(uint32_t crc, const uint8_t *p, size_t n)
{
	size_t i;

	(void) pthread_once(&crc_once, crc_init);
	crc = ~crc;
	for (i = 0; i < n; i++)
		crc = crc_tab[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static void
put32(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t) (v >> 24);
	b[1] = (uint8_t) (v >> 16);
	b[2] = (uint8_t) (v >> 8);
	b[3] = (uint8_t) v;
}

static void
put64(uint8_t *b, uint64_t v)
{
	put32(b, (uint32_t) (v >> 32));
	put32(b + 4, (uint32_t) v);
}

static uint32_t
get32(const uint8_t *b)
{
	return (uint32_t) b[0] << 24 | (uint32_t) b[1] << 16
	    | (uint32_t) b[2] << 8 | b[3];
}

static uint64_t
get64(const uint8_t *b)
{
	return (uint64_t) get32(b) << 32 | get32(b + 4);
}

static uint32_t
rec_crc(const uint8_t *rec, size_t plen)
{
	uint32_t c = cons_crc32c(0, rec, 4);

	return cons_crc32c(c, rec + 8, CONS_WAL_HDR - 8 + plen);
}

size_t
cons_wal_op_size(const struct cons_wal_op *op)
{
	return op->type == CONS_WAL_PUT ? 8 + op->klen + op->vlen
	                                : 4 + op->klen;
}

size_t
cons_wal_op_put(uint8_t *out, const struct cons_wal_op *op)
{
	size_t n = 4;

	out[0] = op->type;
	out[1] = op->dbi;
	out[2] = (uint8_t) (op->klen >> 8);
	out[3] = (uint8_t) op->klen;
	if (op->type == CONS_WAL_PUT) {
		put32(out + 4, (uint32_t) op->vlen);
		n = 8;
	}
	memcpy(out + n, op->key, op->klen);
	n += op->klen;
	if (op->type == CONS_WAL_PUT && op->vlen > 0) {
		memcpy(out + n, op->val, op->vlen);
		n += op->vlen;
	}
	return n;
}

int
cons_wal_op_next(
    struct cons_wal_op *op, const uint8_t *p, size_t len, size_t *off)
{
	size_t o = *off, need;

	memset(op, 0, sizeof(*op));
	if (o == len)
		return 1;
	if (len - o < 4)
		return CONS_ECORRUPT;
	op->type = p[o];
	op->dbi = p[o + 1];
	op->klen = (size_t) p[o + 2] << 8 | p[o + 3];
	if ((op->type != CONS_WAL_PUT && op->type != CONS_WAL_DEL)
	    || op->dbi >= CONS_WAL_DBS || op->klen < 1
	    || op->klen > CONS_WAL_KEY_MAX)
		return CONS_ECORRUPT;
	o += 4;
	if (op->type == CONS_WAL_PUT) {
		if (len - o < 4)
			return CONS_ECORRUPT;
		op->vlen = get32(p + o);
		o += 4;
	}
	need = op->klen + op->vlen;
	if (op->vlen > len - o || need > len - o)
		return CONS_ECORRUPT;
	op->key = p + o;
	op->val = op->vlen > 0 ? p + o + op->klen : NULL;
	*off = o + need;
	return 0;
}

void
cons_wal_seal(uint8_t *rec, size_t plen, uint64_t gen, uint64_t seq)
{
	put32(rec, (uint32_t) plen);
	put64(rec + 8, gen);
	put64(rec + 16, seq);
	put32(rec + 4, rec_crc(rec, plen));
}

size_t
cons_wal_rec_size(size_t plen)
{
	size_t n = CONS_WAL_HDR + plen;

	return (n + CONS_WAL_ALIGN - 1) / CONS_WAL_ALIGN * CONS_WAL_ALIGN;
}

/* 0 and *plen when buf starts with a valid record of (gen, seq); 1 when
 * it does not (end of the log). */
static int
rec_check(
    const uint8_t *buf, size_t avail, uint64_t gen, uint64_t seq, size_t *plen)
{
	size_t n;

	if (avail < CONS_WAL_HDR)
		return 1;
	n = get32(buf);
	if (n > avail - CONS_WAL_HDR || get64(buf + 8) != gen
	    || get64(buf + 16) != seq || get32(buf + 4) != rec_crc(buf, n))
		return 1;
	*plen = n;
	return 0;
}

/* Is there a valid record of gen with a sequence number above seq at or
 * after off + CONS_WAL_ALIGN? Records are written one after the other,
 * each flushed before the next, so a torn write is never followed by a
 * later record of its generation: one that is means the record at off was
 * damaged after it was made durable (bit rot, a bad copy), and dropping
 * what follows would silently lose acknowledged batches. */
static int
later_record(
    const uint8_t *buf, size_t len, size_t off, uint64_t gen, uint64_t seq)
{
	size_t q, n;

	for (q = off + CONS_WAL_ALIGN; q < len && len - q >= CONS_WAL_HDR;
	     q += CONS_WAL_ALIGN) {
		n = get32(buf + q);
		if (get64(buf + q + 8) == gen && get64(buf + q + 16) > seq
		    && n <= len - q - CONS_WAL_HDR
		    && get32(buf + q + 4) == rec_crc(buf + q, n))
			return 1;
	}
	return 0;
}

int
cons_wal_scan(const uint8_t *buf, size_t len, uint64_t gen, cons_wal_op_fn fn,
    void *ctx, size_t *end, uint64_t *nrec)
{
	size_t off = 0, plen, o;
	uint64_t seq = 0;
	struct cons_wal_op op;
	int rc;

	*end = 0;
	*nrec = 0;
	while (off < len
	    && rec_check(buf + off, len - off, gen, seq, &plen) == 0) {
		const uint8_t *p = buf + off + CONS_WAL_HDR;
		/* the whole payload decodes before any of it is applied: a
		 * record is one batch, applied entirely or not at all */
		o = 0;
		if (plen == 0)
			return CONS_ECORRUPT;
		while ((rc = cons_wal_op_next(&op, p, plen, &o)) == 0)
			;
		if (rc != 1)
			return CONS_ECORRUPT;
		o = 0;
		while (cons_wal_op_next(&op, p, plen, &o) == 0)
			if ((rc = fn(ctx, &op)) != 0)
				return rc;
		seq++;
		off += cons_wal_rec_size(plen);
		*end = off < len ? off : len;
		*nrec = seq;
	}
	return later_record(buf, len, off, gen, seq) ? CONS_ECORRUPT : 0;
}
