/* The client-server secure channel (see proto_chan.h). */
#include <string.h>

#include "lk_common.h"
#include "proto_chan.h"

static void
dir_key(uint8_t out[32], const uint8_t prk[64], const char *dir,
    const uint8_t sid[PROTO_SID_BYTES], uint16_t server)
{
	uint8_t info[3 + PROTO_SID_BYTES + 2];

	memcpy(info, dir, 3);
	memcpy(info + 3, sid, PROTO_SID_BYTES);
	info[3 + PROTO_SID_BYTES] = (uint8_t) (server >> 8);
	info[3 + PROTO_SID_BYTES + 1] = (uint8_t) server;
	lk_hkdf512_expand(out, 32, prk, 64, info, sizeof(info));
}

int
proto_chan_init(struct proto_chan *c, const uint8_t *session_key, size_t keylen,
    const uint8_t sid[PROTO_SID_BYTES], uint16_t server, int is_client)
{
	static const uint8_t salt[] = "lk-chan-v1";
	uint8_t prk[64], c2s[32], s2c[32];

	memset(c, 0, sizeof(*c));
	if (keylen < 32 || server == 0 || server > PROTO_MAX_NODES)
		return PROTO_EINVAL;
	lk_hkdf512_extract(prk, salt, sizeof(salt) - 1, session_key, keylen);
	dir_key(c2s, prk, "c2s", sid, server);
	dir_key(s2c, prk, "s2c", sid, server);
	memcpy(c->sid, sid, PROTO_SID_BYTES);
	c->self = is_client ? PROTO_SENDER_CLIENT : server;
	c->peer = is_client ? server : PROTO_SENDER_CLIENT;
	memcpy(c->k_send, is_client ? c2s : s2c, 32);
	memcpy(c->k_recv, is_client ? s2c : c2s, 32);
	lk_wipe(prk, sizeof(prk));
	lk_wipe(c2s, sizeof(c2s));
	lk_wipe(s2c, sizeof(s2c));
	return 0;
}

static void
seq_nonce(uint8_t nonce[LK_AEAD_NONCEBYTES], uint64_t seq)
{
	int i;

	memset(nonce, 0, 4);
	for (i = 0; i < 8; i++)
		nonce[4 + i] = (uint8_t) (seq >> (56 - 8 * i));
}

int
proto_chan_seal(struct proto_chan *c, uint8_t *frame, size_t cap, size_t *len,
    uint16_t type, uint8_t flags, uint64_t ssid, const uint8_t *body,
    size_t bodylen)
{
	struct proto_hdr h;
	struct proto_wbuf w;
	uint8_t nonce[LK_AEAD_NONCEBYTES];
	size_t at;
	int rv;

	*len = 0;
	if (bodylen > PROTO_MAX_BODY - PROTO_CHAN_TAGBYTES)
		return PROTO_ETOOBIG;
	if (cap < PROTO_HDR_BYTES || cap - PROTO_HDR_BYTES < bodylen + 16)
		return PROTO_ESPACE;
	memset(&h, 0, sizeof(h));
	h.flags = (uint8_t) (PROTO_F_SEALED | (flags & PROTO_F_RESPONSE));
	h.type = type;
	h.sender = c->self;
	memcpy(h.sid, c->sid, PROTO_SID_BYTES);
	h.ssid = ssid;
	h.seq = c->send_seq + 1;
	proto_wbuf_init(&w, frame, cap);
	at = proto_frame_begin(&w, &h);
	proto_put_reserve(&w, bodylen + PROTO_CHAN_TAGBYTES);
	if ((rv = proto_frame_end(&w, at)) != 0)
		return rv;
	/* The header (with its final length) is the associated data. */
	seq_nonce(nonce, h.seq);
	if (lk_aead_seal(frame + PROTO_HDR_BYTES, body, bodylen, frame,
	        PROTO_HDR_BYTES, nonce, c->k_send)
	    != 0)
		return PROTO_EAUTH;
	c->send_seq = h.seq;
	*len = PROTO_HDR_BYTES + bodylen + PROTO_CHAN_TAGBYTES;
	return 0;
}

int
proto_chan_open(struct proto_chan *c, struct proto_hdr *h, uint8_t *body,
    size_t cap, size_t *bodylen, const uint8_t *frame, size_t framelen)
{
	uint8_t nonce[LK_AEAD_NONCEBYTES];
	const uint8_t *ct;
	int rv;

	*bodylen = 0;
	if ((rv = proto_frame_parse(h, &ct, frame, framelen, PROTO_MAX_BODY))
	    != 0)
		return rv;
	if (!(h->flags & PROTO_F_SEALED)
	    || memcmp(h->sid, c->sid, PROTO_SID_BYTES) != 0)
		return PROTO_ESESSION;
	if (h->sender != c->peer)
		return PROTO_ESENDER;
	if (h->len < PROTO_CHAN_TAGBYTES)
		return PROTO_EAUTH;
	if (h->len - PROTO_CHAN_TAGBYTES > cap)
		return PROTO_ESPACE;
	/* Only the next frame: no replays, no reordering, no gaps. */
	if (h->seq != c->recv_seq + 1)
		return PROTO_EREPLAY;
	seq_nonce(nonce, h->seq);
	if (lk_aead_open(
	        body, ct, h->len, frame, PROTO_HDR_BYTES, nonce, c->k_recv)
	    != 0)
		return PROTO_EAUTH;
	c->recv_seq = h->seq;
	*bodylen = h->len - PROTO_CHAN_TAGBYTES;
	return 0;
}

void
proto_chan_clear(struct proto_chan *c)
{
	lk_wipe(c, sizeof(*c));
}
