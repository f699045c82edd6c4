/* Frames and the message registry. */
#include <string.h>

#include "proto.h"
#include "proto_ops.h"

#define PROTO_DEFINE(name, typ) PROTO_SCHEMA(name, typ)
PROTO_MESSAGES(PROTO_DEFINE)
#undef PROTO_DEFINE

#define PROTO_LIST_ALL(name, typ) &proto_schema_##name,
const struct proto_schema *const proto_all_schemas[] = { PROTO_MESSAGES(
    PROTO_LIST_ALL) PROTO_OPS_MESSAGES(PROTO_LIST_ALL) NULL };
#undef PROTO_LIST_ALL

const struct proto_schema *
proto_schema_for_type(uint16_t type)
{
	size_t i;

	if (type == PROTO_T_INVALID)
		return NULL;
	for (i = 0; proto_all_schemas[i] != NULL; i++)
		if (proto_all_schemas[i]->type == type)
			return proto_all_schemas[i];
	return NULL;
}

int
proto_frame_parse(struct proto_hdr *h, const uint8_t **body, const uint8_t *buf,
    size_t len, size_t max_body)
{
	struct proto_rbuf r;
	uint16_t magic;

	memset(h, 0, sizeof(*h));
	*body = NULL;
	if (len < PROTO_HDR_BYTES)
		return PROTO_ESHORT;
	proto_rbuf_init(&r, buf, len);
	proto_get_u16(&r, &magic);
	proto_get_u8(&r, &h->version);
	proto_get_u8(&r, &h->flags);
	proto_get_u16(&r, &h->type);
	proto_get_u16(&r, &h->sender);
	proto_get_fixed(&r, h->sid, sizeof(h->sid));
	proto_get_u64(&r, &h->ssid);
	proto_get_u64(&r, &h->seq);
	proto_get_u32(&r, &h->len);
	if (magic != PROTO_MAGIC)
		return PROTO_EMAGIC;
	if (h->version < PROTO_VERSION_MIN || h->version > PROTO_VERSION_MAX)
		return PROTO_EVERSION;
	if ((h->flags & ~PROTO_F_KNOWN) != 0)
		return PROTO_EFLAGS;
	if (h->type == PROTO_T_INVALID)
		return PROTO_ETYPE;
	if (h->len > max_body || h->len > PROTO_MAX_BODY)
		return PROTO_ETOOBIG;
	if (r.len != h->len)
		return r.len < h->len ? PROTO_ESHORT : PROTO_ELENGTH;
	*body = r.p;
	return 0;
}

size_t
proto_frame_begin(struct proto_wbuf *w, const struct proto_hdr *h)
{
	size_t at = w->len;

	proto_put_u16(w, PROTO_MAGIC);
	proto_put_u8(w, h->version != 0 ? h->version : PROTO_VERSION_MAX);
	proto_put_u8(w, h->flags);
	proto_put_u16(w, h->type);
	proto_put_u16(w, h->sender);
	proto_put_fixed(w, h->sid, sizeof(h->sid));
	proto_put_u64(w, h->ssid);
	proto_put_u64(w, h->seq);
	proto_put_u32(w, 0);
	return at;
}

int
proto_frame_end(struct proto_wbuf *w, size_t begin)
{
	size_t body;
	uint8_t *l;

	if (w->err != 0)
		return w->err;
	body = w->len - begin - PROTO_HDR_BYTES;
	if (body > PROTO_MAX_BODY)
		return w->err = PROTO_ETOOBIG;
	l = w->p + begin + PROTO_HDR_BYTES - 4;
	l[0] = (uint8_t) (body >> 24);
	l[1] = (uint8_t) (body >> 16);
	l[2] = (uint8_t) (body >> 8);
	l[3] = (uint8_t) body;
	return 0;
}

int
proto_frame_encode(uint8_t *buf, size_t cap, size_t *len,
    const struct proto_hdr *h, const struct proto_schema *s, const void *msg)
{
	struct proto_wbuf w;
	struct proto_hdr hh = *h;
	size_t at;
	int rv;

	*len = 0;
	if (s->type == PROTO_T_INVALID)
		return PROTO_EINVAL;
	hh.type = s->type;
	proto_wbuf_init(&w, buf, cap);
	at = proto_frame_begin(&w, &hh);
	if ((rv = proto_msg_encode(&w, s, msg)) != 0
	    || (rv = proto_frame_end(&w, at)) != 0)
		return rv;
	return proto_wbuf_finish(&w, len);
}

int
proto_frame_decode(struct proto_hdr *h, const struct proto_schema *s, void *msg,
    const uint8_t *buf, size_t len, size_t max_body)
{
	const uint8_t *body;
	int rv;

	memset(msg, 0, s->struct_size);
	if ((rv = proto_frame_parse(h, &body, buf, len, max_body)) != 0)
		return rv;
	if (h->type != s->type)
		return PROTO_ETYPE;
	return proto_msg_decode(s, msg, body, h->len);
}

int
proto_error_encode(uint8_t *buf, size_t cap, size_t *len,
    const struct proto_hdr *req, uint16_t sender, int code, const char *detail)
{
	struct proto_hdr h = *req;
	struct proto_msg_error e;

	h.version = PROTO_VERSION_MAX;
	h.flags = PROTO_F_RESPONSE;
	h.sender = sender;
	memset(&e, 0, sizeof(e));
	e.code = (uint16_t) (code > 0 && code <= 999 ? code : PROTO_EINVAL);
	e.min_version = PROTO_VERSION_MIN;
	e.max_version = PROTO_VERSION_MAX;
	e.detail.p = (const uint8_t *) (detail != NULL ? detail : "");
	e.detail.len = strlen((const char *) e.detail.p);
	if (e.detail.len > PROTO_MAX_DETAIL) {
		/* cut at a UTF-8 character boundary */
		e.detail.len = PROTO_MAX_DETAIL;
		while (e.detail.len > 0
		    && (e.detail.p[e.detail.len] & 0xc0) == 0x80)
			e.detail.len--;
	}
	return proto_frame_encode(buf, cap, len, &h, &proto_schema_error, &e);
}
