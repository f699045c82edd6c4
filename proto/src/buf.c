/* Strict byte cursors (see proto_buf.h). Length checks compare against what
 * is left, never compute p + n, so they cannot overflow. */
#include <string.h>

#include "proto_buf.h"
#include "proto_err.h"

void
proto_rbuf_init(struct proto_rbuf *r, const uint8_t *p, size_t len)
{
	r->p = p;
	r->len = len;
}

int
proto_rbuf_done(const struct proto_rbuf *r)
{
	return r->len == 0 ? 0 : PROTO_ETRAILING;
}

static int
take(struct proto_rbuf *r, size_t n, const uint8_t **out)
{
	if (r->len < n)
		return PROTO_ESHORT;
	*out = r->p;
	r->p += n;
	r->len -= n;
	return 0;
}

int
proto_get_u8(struct proto_rbuf *r, uint8_t *v)
{
	const uint8_t *b;

	*v = 0;
	if (take(r, 1, &b) != 0)
		return PROTO_ESHORT;
	*v = b[0];
	return 0;
}

int
proto_get_u16(struct proto_rbuf *r, uint16_t *v)
{
	const uint8_t *b;

	*v = 0;
	if (take(r, 2, &b) != 0)
		return PROTO_ESHORT;
	*v = (uint16_t) ((unsigned) b[0] << 8 | b[1]);
	return 0;
}

int
proto_get_u32(struct proto_rbuf *r, uint32_t *v)
{
	const uint8_t *b;

	*v = 0;
	if (take(r, 4, &b) != 0)
		return PROTO_ESHORT;
	*v = (uint32_t) b[0] << 24 | (uint32_t) b[1] << 16
	    | (uint32_t) b[2] << 8 | b[3];
	return 0;
}

int
proto_get_u64(struct proto_rbuf *r, uint64_t *v)
{
	const uint8_t *b;
	int i;

	*v = 0;
	if (take(r, 8, &b) != 0)
		return PROTO_ESHORT;
	for (i = 0; i < 8; i++)
		*v = *v << 8 | b[i];
	return 0;
}

int
proto_get_fixed(struct proto_rbuf *r, uint8_t *out, size_t n)
{
	const uint8_t *b;

	if (take(r, n, &b) != 0) {
		memset(out, 0, n);
		return PROTO_ESHORT;
	}
	memcpy(out, b, n);
	return 0;
}

int
proto_get_fixed_direct(struct proto_rbuf *r, const uint8_t **out, size_t n)
{
	*out = NULL;
	return take(r, n, out) != 0 ? PROTO_ESHORT : 0;
}

int
proto_get_bytes_direct(struct proto_rbuf *r, const uint8_t **out,
    size_t *outlen, size_t min, size_t max)
{
	struct proto_rbuf save = *r;
	uint32_t n;

	*out = NULL;
	*outlen = 0;
	if (proto_get_u32(r, &n) != 0)
		return PROTO_ESHORT;
	if (n > max || n < min) {
		*r = save;
		return n > max ? PROTO_ETOOBIG : PROTO_ERANGE;
	}
	if (take(r, n, out) != 0) {
		*r = save;
		*out = NULL;
		return PROTO_ESHORT;
	}
	*outlen = n;
	return 0;
}

int
proto_get_bigint_direct(struct proto_rbuf *r, const uint8_t **out,
    size_t *outlen, size_t maxbytes, int allow_zero)
{
	struct proto_rbuf save = *r;
	const uint8_t *b;
	uint16_t n;
	int rv = 0;

	*out = NULL;
	*outlen = 0;
	if (proto_get_u16(r, &n) != 0)
		return PROTO_ESHORT;
	if (n > maxbytes)
		rv = PROTO_ETOOBIG;
	else if (n == 0 && !allow_zero)
		rv = PROTO_ERANGE;
	else if (take(r, n, &b) != 0)
		rv = PROTO_ESHORT;
	else if (n > 0 && b[0] == 0)
		rv = PROTO_ENONCANON;
	if (rv != 0) {
		*r = save;
		return rv;
	}
	*out = n > 0 ? b : r->p;
	*outlen = n;
	return 0;
}

void
proto_wbuf_init(struct proto_wbuf *w, uint8_t *p, size_t cap)
{
	w->p = p;
	w->cap = cap;
	w->len = 0;
	w->err = 0;
}

int
proto_wbuf_finish(const struct proto_wbuf *w, size_t *len)
{
	*len = w->err != 0 ? 0 : w->len;
	return w->err;
}

uint8_t *
proto_put_reserve(struct proto_wbuf *w, size_t n)
{
	uint8_t *at;

	if (w->err != 0 || w->cap - w->len < n) {
		w->err = PROTO_ESPACE;
		return NULL;
	}
	at = w->p + w->len;
	w->len += n;
	return at;
}

void
proto_put_u8(struct proto_wbuf *w, uint8_t v)
{
	uint8_t *b = proto_put_reserve(w, 1);

	if (b != NULL)
		b[0] = v;
}

void
proto_put_u16(struct proto_wbuf *w, uint16_t v)
{
	uint8_t *b = proto_put_reserve(w, 2);

	if (b != NULL) {
		b[0] = (uint8_t) (v >> 8);
		b[1] = (uint8_t) v;
	}
}

void
proto_put_u32(struct proto_wbuf *w, uint32_t v)
{
	uint8_t *b = proto_put_reserve(w, 4);

	if (b != NULL) {
		b[0] = (uint8_t) (v >> 24);
		b[1] = (uint8_t) (v >> 16);
		b[2] = (uint8_t) (v >> 8);
		b[3] = (uint8_t) v;
	}
}

void
proto_put_u64(struct proto_wbuf *w, uint64_t v)
{
	uint8_t *b = proto_put_reserve(w, 8);
	int i;

	if (b != NULL)
		for (i = 0; i < 8; i++)
			b[i] = (uint8_t) (v >> (56 - 8 * i));
}

void
proto_put_fixed(struct proto_wbuf *w, const uint8_t *p, size_t n)
{
	uint8_t *b = proto_put_reserve(w, n);

	if (b != NULL && n > 0)
		memcpy(b, p, n);
}

void
proto_put_bytes(struct proto_wbuf *w, const uint8_t *p, size_t n)
{
	if (n > UINT32_MAX) {
		w->err = PROTO_ETOOBIG;
		return;
	}
	proto_put_u32(w, (uint32_t) n);
	proto_put_fixed(w, p, n);
}

void
proto_put_bigint(struct proto_wbuf *w, const uint8_t *p, size_t n)
{
	while (n > 0 && p[0] == 0) {
		p++;
		n--;
	}
	if (n > UINT16_MAX) {
		w->err = PROTO_ETOOBIG;
		return;
	}
	proto_put_u16(w, (uint16_t) n);
	proto_put_fixed(w, p, n);
}
