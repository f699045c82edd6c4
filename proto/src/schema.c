/* The schema interpreter behind every proto message (see proto_schema.h). */
#include <string.h>

#include "proto_err.h"
#include "proto_schema.h"

/* Strict UTF-8: shortest forms only, no surrogates, nothing above U+10FFFF,
 * and no C0 control characters or DEL. */
static int
utf8_ok(const uint8_t *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		uint8_t c = p[i];
		uint32_t cp;
		size_t k, need;

		if (c < 0x80) {
			if (c < 0x20 || c == 0x7f)
				return 0;
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			need = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3;
			cp = c & 0x07;
		} else
			return 0;
		if (n - i - 1 < need)
			return 0;
		for (k = 1; k <= need; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (p[i + k] & 0x3f);
		}
		if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000)
		    || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += need + 1;
	}
	return 1;
}

static int
check_int(const struct proto_field *f, uint64_t v)
{
	return v < f->min || v > f->max ? PROTO_ERANGE : 0;
}

static int decode_fields(
    const struct proto_schema *s, uint8_t *base, struct proto_rbuf *r);

static int
decode_field(const struct proto_field *f, uint8_t *base, struct proto_rbuf *r)
{
	uint8_t *at = base + f->offset;
	int rv;

	switch (f->type) {
	case PROTO_FT_U8: {
		uint8_t v;
		if ((rv = proto_get_u8(r, &v)) != 0 || (rv = check_int(f, v)))
			return rv;
		memcpy(at, &v, sizeof(v));
		return 0;
	}
	case PROTO_FT_U16: {
		uint16_t v;
		if ((rv = proto_get_u16(r, &v)) != 0 || (rv = check_int(f, v)))
			return rv;
		memcpy(at, &v, sizeof(v));
		return 0;
	}
	case PROTO_FT_U32: {
		uint32_t v;
		if ((rv = proto_get_u32(r, &v)) != 0 || (rv = check_int(f, v)))
			return rv;
		memcpy(at, &v, sizeof(v));
		return 0;
	}
	case PROTO_FT_U64: {
		uint64_t v;
		if ((rv = proto_get_u64(r, &v)) != 0 || (rv = check_int(f, v)))
			return rv;
		memcpy(at, &v, sizeof(v));
		return 0;
	}
	case PROTO_FT_FIXED:
		return proto_get_fixed(r, at, f->size);
	case PROTO_FT_BYTES:
	case PROTO_FT_STR: {
		struct proto_bytes b;
		if ((rv = proto_get_bytes_direct(
		         r, &b.p, &b.len, f->min, f->max))
		    != 0)
			return rv;
		if (f->type == PROTO_FT_STR && !utf8_ok(b.p, b.len))
			return PROTO_ENONCANON;
		memcpy(at, &b, sizeof(b));
		return 0;
	}
	case PROTO_FT_LIST: {
		uint16_t n, i;
		if ((rv = proto_get_u16(r, &n)) != 0)
			return rv;
		if (n > f->max)
			return PROTO_ETOOBIG;
		for (i = 0; i < n; i++)
			if ((rv = decode_fields(f->elem, at + i * f->size, r))
			    != 0)
				return rv;
		memcpy(base + f->count_offset, &n, sizeof(n));
		return 0;
	}
	}
	return PROTO_EINVAL;
}

static int
decode_fields(const struct proto_schema *s, uint8_t *base, struct proto_rbuf *r)
{
	size_t i;
	int rv;

	for (i = 0; i < s->nfields; i++)
		if ((rv = decode_field(&s->fields[i], base, r)) != 0)
			return rv;
	return 0;
}

int
proto_msg_decode(
    const struct proto_schema *s, void *msg, const uint8_t *buf, size_t len)
{
	struct proto_rbuf r;
	int rv;

	memset(msg, 0, s->struct_size);
	proto_rbuf_init(&r, buf, len);
	if ((rv = decode_fields(s, msg, &r)) == 0)
		rv = proto_rbuf_done(&r);
	if (rv != 0)
		memset(msg, 0, s->struct_size);
	return rv;
}

static int
validate_fields(const struct proto_schema *s, const uint8_t *base)
{
	size_t i;
	int rv;

	for (i = 0; i < s->nfields; i++) {
		const struct proto_field *f = &s->fields[i];
		const uint8_t *at = base + f->offset;

		switch (f->type) {
		case PROTO_FT_U8: {
			uint8_t v;
			memcpy(&v, at, sizeof(v));
			rv = check_int(f, v);
			break;
		}
		case PROTO_FT_U16: {
			uint16_t v;
			memcpy(&v, at, sizeof(v));
			rv = check_int(f, v);
			break;
		}
		case PROTO_FT_U32: {
			uint32_t v;
			memcpy(&v, at, sizeof(v));
			rv = check_int(f, v);
			break;
		}
		case PROTO_FT_U64: {
			uint64_t v;
			memcpy(&v, at, sizeof(v));
			rv = check_int(f, v);
			break;
		}
		case PROTO_FT_FIXED:
			rv = 0;
			break;
		case PROTO_FT_BYTES:
		case PROTO_FT_STR: {
			struct proto_bytes b;
			memcpy(&b, at, sizeof(b));
			if (b.len > f->max)
				rv = PROTO_ETOOBIG;
			else if (b.len < f->min || (b.len > 0 && b.p == NULL))
				rv = PROTO_ERANGE;
			else if (f->type == PROTO_FT_STR
			    && !utf8_ok(b.p, b.len))
				rv = PROTO_ENONCANON;
			else
				rv = 0;
			break;
		}
		case PROTO_FT_LIST: {
			uint16_t n, k;
			memcpy(&n, base + f->count_offset, sizeof(n));
			rv = n > f->max ? PROTO_ETOOBIG : 0;
			for (k = 0; rv == 0 && k < n; k++)
				rv = validate_fields(f->elem, at + k * f->size);
			break;
		}
		default:
			rv = PROTO_EINVAL;
		}
		if (rv != 0)
			return rv;
	}
	return 0;
}

int
proto_msg_validate(const struct proto_schema *s, const void *msg)
{
	return validate_fields(s, msg);
}

static void
encode_fields(
    struct proto_wbuf *w, const struct proto_schema *s, const uint8_t *base)
{
	size_t i;

	for (i = 0; i < s->nfields; i++) {
		const struct proto_field *f = &s->fields[i];
		const uint8_t *at = base + f->offset;

		switch (f->type) {
		case PROTO_FT_U8:
			proto_put_u8(w, *at);
			break;
		case PROTO_FT_U16: {
			uint16_t v;
			memcpy(&v, at, sizeof(v));
			proto_put_u16(w, v);
			break;
		}
		case PROTO_FT_U32: {
			uint32_t v;
			memcpy(&v, at, sizeof(v));
			proto_put_u32(w, v);
			break;
		}
		case PROTO_FT_U64: {
			uint64_t v;
			memcpy(&v, at, sizeof(v));
			proto_put_u64(w, v);
			break;
		}
		case PROTO_FT_FIXED:
			proto_put_fixed(w, at, f->size);
			break;
		case PROTO_FT_BYTES:
		case PROTO_FT_STR: {
			struct proto_bytes b;
			memcpy(&b, at, sizeof(b));
			proto_put_bytes(w, b.p, b.len);
			break;
		}
		case PROTO_FT_LIST: {
			uint16_t n, k;
			memcpy(&n, base + f->count_offset, sizeof(n));
			proto_put_u16(w, n);
			for (k = 0; k < n; k++)
				encode_fields(w, f->elem, at + k * f->size);
			break;
		}
		}
	}
}

int
proto_msg_encode(
    struct proto_wbuf *w, const struct proto_schema *s, const void *msg)
{
	int rv;

	if ((rv = proto_msg_validate(s, msg)) != 0)
		return rv;
	encode_fields(w, s, msg);
	return w->err;
}

size_t
proto_msg_max_size(const struct proto_schema *s)
{
	size_t i, total = 0;

	for (i = 0; i < s->nfields; i++) {
		const struct proto_field *f = &s->fields[i];

		switch (f->type) {
		case PROTO_FT_U8:
			total += 1;
			break;
		case PROTO_FT_U16:
			total += 2;
			break;
		case PROTO_FT_U32:
			total += 4;
			break;
		case PROTO_FT_U64:
			total += 8;
			break;
		case PROTO_FT_FIXED:
			total += f->size;
			break;
		case PROTO_FT_BYTES:
		case PROTO_FT_STR:
			total += 4 + (size_t) f->max;
			break;
		case PROTO_FT_LIST:
			total += 2
			    + (size_t) f->max * proto_msg_max_size(f->elem);
			break;
		}
	}
	return total;
}

size_t
proto_msg_size(const struct proto_schema *s, const void *msg)
{
	const uint8_t *base = msg;
	size_t i, total = 0;

	for (i = 0; i < s->nfields; i++) {
		const struct proto_field *f = &s->fields[i];
		const uint8_t *at = base + f->offset;

		switch (f->type) {
		case PROTO_FT_U8:
			total += 1;
			break;
		case PROTO_FT_U16:
			total += 2;
			break;
		case PROTO_FT_U32:
			total += 4;
			break;
		case PROTO_FT_U64:
			total += 8;
			break;
		case PROTO_FT_FIXED:
			total += f->size;
			break;
		case PROTO_FT_BYTES:
		case PROTO_FT_STR: {
			struct proto_bytes b;
			memcpy(&b, at, sizeof(b));
			total += 4 + b.len;
			break;
		}
		case PROTO_FT_LIST: {
			uint16_t n, k;
			memcpy(&n, base + f->count_offset, sizeof(n));
			total += 2;
			for (k = 0; k < n && k < f->max; k++)
				total += proto_msg_size(
				    f->elem, at + k * f->size);
			break;
		}
		}
	}
	return total;
}
