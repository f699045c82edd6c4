/* Wire helpers of the protocol messages: encoders that also record field
 * boundaries (struct sm_trace, used by the malicious-party harness and the
 * fuzz round trip), strict readers for scalars and points, and a growing
 * encoder. Proofs keep their own codecs (mpc_zk_*_encode); their fields
 * are traced by walking the bytes just written with the proof's layout. */
#include <stdlib.h>
#include <string.h>

#include "proto_int.h"

void
tr_add(struct sm_trace *tr, size_t off, size_t len, int kind)
{
	if (tr == NULL || tr->n >= SM_TRACE_MAX || len == 0)
		return;
	tr->off[tr->n] = (uint32_t) off;
	tr->len[tr->n] = (uint32_t) len;
	tr->kind[tr->n] = (uint8_t) kind;
	tr->n++;
}

static void
mark(struct sm_trace *tr, const struct proto_wbuf *w, size_t start)
{
	if (w->err == 0)
		tr_add(tr, start, w->len - start, TR_FIELD);
}

void
w_u8(struct proto_wbuf *w, struct sm_trace *tr, uint8_t v)
{
	size_t s = w->len;

	proto_put_u8(w, v);
	mark(tr, w, s);
}

void
w_u16(struct proto_wbuf *w, struct sm_trace *tr, uint16_t v)
{
	size_t s = w->len;

	proto_put_u16(w, v);
	mark(tr, w, s);
}

void
w_fixed(struct proto_wbuf *w, struct sm_trace *tr, const uint8_t *p, size_t n)
{
	size_t s = w->len;

	proto_put_fixed(w, p, n);
	mark(tr, w, s);
}

void
w_bytes(struct proto_wbuf *w, struct sm_trace *tr, const uint8_t *p, size_t n)
{
	size_t s = w->len;

	proto_put_bytes(w, p, n);
	mark(tr, w, s);
}

void
w_scalar(struct proto_wbuf *w, struct sm_trace *tr, const struct mpc_scalar *x)
{
	uint8_t b[MPC_SCALAR_BYTES];

	mpc_scalar_encode(b, x);
	w_fixed(w, tr, b, sizeof(b));
	lk_wipe(b, sizeof(b));
}

void
w_point(struct proto_wbuf *w, struct sm_trace *tr, const struct mpc_point *p)
{
	uint8_t b[MPC_POINT_BYTES];

	mpc_point_encode(b, p);
	w_fixed(w, tr, b, sizeof(b));
}

void
w_bn(struct proto_wbuf *w, struct sm_trace *tr, mpz_srcptr x)
{
	size_t s = w->len;

	mpc_bn_put(w, x);
	mark(tr, w, s);
}

void
w_sbn(struct proto_wbuf *w, struct sm_trace *tr, mpz_srcptr x)
{
	size_t s = w->len;

	mpc_bn_put_signed(w, x);
	mark(tr, w, s);
}

/* Walks an encoded proof: T tag byte, U u16 count, 8 u8, B unsigned
 * integer (u16 length + bytes), S signed integer (sign byte + B), P point
 * (33 bytes), C scalar (32 bytes); `rep` is repeated nrep times between
 * head and tail. */
static size_t
walk1(struct sm_trace *tr, const uint8_t *base, size_t off, size_t end, char c)
{
	size_t l = 0;

	switch (c) {
	case 'T':
	case '8':
		l = 1;
		break;
	case 'U':
		l = 2;
		break;
	case 'P':
		l = MPC_POINT_BYTES;
		break;
	case 'C':
		l = MPC_SCALAR_BYTES;
		break;
	case 'B':
		if (end - off >= 2)
			l = 2 + ((size_t) base[off] << 8 | base[off + 1]);
		break;
	case 'S':
		if (end - off >= 3)
			l = 3 + ((size_t) base[off + 1] << 8 | base[off + 2]);
		break;
	default:
		break;
	}
	if (l == 0 || end - off < l)
		return end; /* malformed: stop (cannot happen for our output) */
	tr_add(tr, off, l, TR_FIELD);
	return off + l;
}

static void
walk(struct sm_trace *tr, const struct proto_wbuf *w, size_t start,
    const char *head, const char *rep, size_t nrep, const char *tail)
{
	size_t off = start, i;
	const char *c;

	if (tr == NULL || w->err != 0)
		return;
	for (c = head; *c != 0; c++)
		off = walk1(tr, w->p, off, w->len, *c);
	for (i = 0; i < nrep; i++)
		for (c = rep; *c != 0; c++)
			off = walk1(tr, w->p, off, w->len, *c);
	for (c = tail; *c != 0; c++)
		off = walk1(tr, w->p, off, w->len, *c);
}

#define W_PROOF(name, type, head, rep, nrep, tail)                            \
	void w_##name(                                                        \
	    struct proto_wbuf *w, struct sm_trace *tr, const struct type *pf) \
	{                                                                     \
		size_t s = w->len;                                            \
                                                                              \
		mpc_zk_##name##_encode(w, pf);                                \
		walk(tr, w, s, head, rep, nrep, tail);                        \
	}

W_PROOF(sch, mpc_zk_sch_proof, "PC", "", 0, "")
W_PROOF(prm, mpc_zk_prm_proof, "TU", "BB", MPC_M_PRM, "")
W_PROOF(mod, mpc_zk_mod_proof, "TUB", "BB88", MPC_M_MOD, "")
W_PROOF(fac, mpc_zk_fac_proof, "TBBBBBSSSSSS", "", 0, "")
W_PROOF(enc, mpc_zk_enc_proof, "TBBBSBS", "", 0, "")
W_PROOF(affg, mpc_zk_affg_proof, "TBPBBBBBSSSSBB", "", 0, "")
W_PROOF(logstar, mpc_zk_logstar_proof, "TBBPBSBS", "", 0, "")
W_PROOF(mulstar, mpc_zk_mulstar_proof, "TBPBBSSB", "", 0, "")

int
r_fixed(struct proto_rbuf *r, uint8_t *out, size_t n)
{
	return proto_get_fixed(r, out, n);
}

int
r_scalar(struct proto_rbuf *r, struct mpc_scalar *s)
{
	struct proto_rbuf save = *r;
	uint8_t b[MPC_SCALAR_BYTES];
	int rv;

	memset(s, 0, sizeof(*s));
	if ((rv = proto_get_fixed(r, b, sizeof(b))) != 0)
		return rv;
	if ((rv = mpc_scalar_decode(s, b)) != 0)
		*r = save;
	lk_wipe(b, sizeof(b));
	return rv;
}

int
r_point(struct mpc_ctx *ctx, struct proto_rbuf *r, struct mpc_point *p,
    int allow_identity)
{
	struct proto_rbuf save = *r;
	uint8_t b[MPC_POINT_BYTES];
	int rv;

	mpc_point_set_identity(p);
	if ((rv = proto_get_fixed(r, b, sizeof(b))) != 0)
		return rv;
	if ((rv = mpc_point_decode(ctx, p, b, allow_identity)) != 0)
		*r = save;
	return rv;
}

int
w_grow(uint8_t **out, size_t *outlen,
    int (*fn)(void *arg, struct proto_wbuf *w), void *arg)
{
	size_t cap = 4096, len;
	struct proto_wbuf w;
	uint8_t *buf;
	int rv;

	*out = NULL;
	*outlen = 0;
	for (;;) {
		if ((buf = malloc(cap)) == NULL)
			return MPC_ENOMEM;
		proto_wbuf_init(&w, buf, cap);
		if ((rv = fn(arg, &w)) != 0) {
			lk_free_wipe(buf, cap);
			return rv;
		}
		if (proto_wbuf_finish(&w, &len) == 0)
			break;
		lk_free_wipe(buf, cap);
		if (cap >= 2 * (size_t) MPC_MSG_MAX_BYTES)
			return MPC_ESPACE;
		cap *= 4;
	}
	*out = buf;
	*outlen = len;
	return 0;
}

void
h32(uint8_t out[32], const char *tag, const uint8_t *p, size_t n)
{
	struct lk_transcript t;
	uint8_t d[64];

	lk_transcript_init(&t, tag);
	lk_transcript_append(&t, "data", p, n);
	lk_transcript_digest(&t, d);
	memcpy(out, d, 32);
	lk_transcript_clear(&t);
}
