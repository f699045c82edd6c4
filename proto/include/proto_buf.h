/* Strict, bounded byte cursors: the encoding rules every wire format in the
 * project is built from (proto messages, MPC proofs, consensus entries).
 *
 * Rules: big-endian integers; variable-length fields carry their length and
 * a hard maximum checked before anything is read; big integers are unsigned
 * magnitudes with no leading zero byte; readers never run past the end and a
 * failed get leaves the cursor where it was and zeroes its outputs. */
#ifndef PROTO_BUF_H
#define PROTO_BUF_H

#include <stddef.h>
#include <stdint.h>

/* Reader over borrowed bytes. Views returned by _direct getters point into
 * the reader's buffer and live as long as it does. */
struct proto_rbuf {
	const uint8_t *p;
	size_t len;
};

/* Writer into a caller buffer. On overflow the writer latches an error:
 * every later put is a no-op and proto_wbuf_finish reports PROTO_ESPACE, so
 * encoders can chain puts and check once. */
struct proto_wbuf {
	uint8_t *p;
	size_t cap;
	size_t len;
	int err;
};

void proto_rbuf_init(struct proto_rbuf *r, const uint8_t *p, size_t len);
/* Returns 0 when every byte was consumed, PROTO_ETRAILING otherwise. */
int proto_rbuf_done(const struct proto_rbuf *r);

int proto_get_u8(struct proto_rbuf *r, uint8_t *v);
int proto_get_u16(struct proto_rbuf *r, uint16_t *v);
int proto_get_u32(struct proto_rbuf *r, uint32_t *v);
int proto_get_u64(struct proto_rbuf *r, uint64_t *v);
/* Copies exactly n bytes. */
int proto_get_fixed(struct proto_rbuf *r, uint8_t *out, size_t n);
/* Borrows exactly n bytes. */
int proto_get_fixed_direct(struct proto_rbuf *r, const uint8_t **out, size_t n);
/* u32 length (min <= len <= max) then the bytes, borrowed. */
int proto_get_bytes_direct(struct proto_rbuf *r, const uint8_t **out,
    size_t *outlen, size_t min, size_t max);
/* u16 length (1 <= len <= maxbytes) then a big-endian magnitude whose first
 * byte is non-zero (zero itself is encoded as length 0 when allow_zero). */
int proto_get_bigint_direct(struct proto_rbuf *r, const uint8_t **out,
    size_t *outlen, size_t maxbytes, int allow_zero);

void proto_wbuf_init(struct proto_wbuf *w, uint8_t *p, size_t cap);
/* Returns 0 and the length written, or PROTO_ESPACE. */
int proto_wbuf_finish(const struct proto_wbuf *w, size_t *len);
void proto_put_u8(struct proto_wbuf *w, uint8_t v);
void proto_put_u16(struct proto_wbuf *w, uint16_t v);
void proto_put_u32(struct proto_wbuf *w, uint32_t v);
void proto_put_u64(struct proto_wbuf *w, uint64_t v);
void proto_put_fixed(struct proto_wbuf *w, const uint8_t *p, size_t n);
/* u32 length then bytes. */
void proto_put_bytes(struct proto_wbuf *w, const uint8_t *p, size_t n);
/* Strips leading zero bytes of a big-endian magnitude, then u16 length and
 * bytes (the canonical form proto_get_bigint_direct accepts). */
void proto_put_bigint(struct proto_wbuf *w, const uint8_t *p, size_t n);
/* Reserves n bytes and returns a pointer to them (NULL on overflow), for
 * fields produced in place. */
uint8_t *proto_put_reserve(struct proto_wbuf *w, size_t n);

#endif
