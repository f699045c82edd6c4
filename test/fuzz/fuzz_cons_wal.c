/* libFuzzer target for the consensus store's write-ahead log decoder
 * (consensus/src/wal.c). Byte 0 picks the input's meaning:
 *   even: a WAL image (generation 1), scanned as at open;
 *   odd:  one record's payload, sealed with a valid checksum first, so
 *         that the operation decoder sees every payload the fuzzer makes.
 * Whatever a scan accepts must re-encode to the same bytes. */
#include <stdlib.h>
#include <string.h>

#include "../../consensus/src/cons_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct redo {
	uint8_t *buf;
	size_t len, cap;
};

static int
collect(void *ctx, const struct cons_wal_op *op)
{
	struct redo *r = ctx;
	size_t n = cons_wal_op_size(op);

	if (op->klen < 1 || op->klen > CONS_WAL_KEY_MAX
	    || op->dbi >= CONS_WAL_DBS
	    || (op->type == CONS_WAL_DEL && op->vlen != 0)
	    || n > r->cap - r->len)
		abort();
	r->len += cons_wal_op_put(r->buf + r->len, op);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct redo r;
	uint8_t *img;
	size_t len, end, off, plen;
	uint64_t nrec, k;
	int rc;

	if (size < 1)
		return 0;
	if (data[0] & 1) {
		len = CONS_WAL_HDR + size - 1;
		if ((img = malloc(len)) == NULL)
			return 0;
		memcpy(img + CONS_WAL_HDR, data + 1, size - 1);
		cons_wal_seal(img, size - 1, 1, 0);
	} else {
		len = size - 1;
		if ((img = malloc(len ? len : 1)) == NULL)
			return 0;
		memcpy(img, data + 1, len);
	}
	r.cap = len;
	r.len = 0;
	if ((r.buf = malloc(r.cap ? r.cap : 1)) == NULL) {
		free(img);
		return 0;
	}
	rc = cons_wal_scan(img, len, 1, collect, &r, &end, &nrec);
	if (rc != 0 && rc != CONS_ECORRUPT)
		abort();
	if (end > len)
		abort();
	if (rc == 0) {
		/* the accepted records' payloads, in order, are exactly the
		 * operations passed on */
		for (off = 0, k = 0, plen = 0; k < nrec; k++) {
			size_t p = (size_t) img[off] << 24
			    | (size_t) img[off + 1] << 16
			    | (size_t) img[off + 2] << 8 | img[off + 3];
			if (memcmp(r.buf + plen, img + off + CONS_WAL_HDR, p)
			    != 0)
				abort();
			plen += p;
			off += cons_wal_rec_size(p);
		}
		if (plen != r.len)
			abort();
		if ((data[0] & 1) && size > 1 && nrec != 1)
			abort();
	}
	free(r.buf);
	free(img);
	return 0;
}
