/* The party engine shared by every protocol (docs/MPC.md §10).
 *
 * It owns what all protocols have in common: the session id, the signed
 * envelope, buffering of early messages, duplicate and equivocation
 * detection, the echo of every broadcast section in the next round, the
 * order of checks at the end of a round (echo first, then each sender's
 * message in party order, then the protocol's private step), complaints
 * with evidence, and the outbox. A protocol (struct sm_ops) only parses,
 * encodes, checks and computes.
 *
 * Blame rule: a message whose signature verifies under the key of the
 * party that the link names is that party's own statement, so anything
 * wrong inside it blames that party. A message that does not verify, or
 * that names another session or receiver, could have been forwarded by
 * anyone: it is dropped without blame. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "proto_int.h"

#define MSG_TAG "LK-MPC-MSG/v1"
#define BC_TAG  "LK-MPC-BC/v1"
#define BCD_TAG "LK-MPC-BCDIGEST/v1"
#define SID_TAG "LK-MPC-SID/v1"

extern const struct sm_ops dkg_ops, refresh_ops, aux_ops, presign_ops,
    import_ops;

const struct sm_ops *
sm_ops_for(uint8_t kind)
{
	switch (kind) {
	case MPC_KIND_DKG:
		return &dkg_ops;
	case MPC_KIND_AUX:
		return &aux_ops;
	case MPC_KIND_PRESIGN:
		return &presign_ops;
	case MPC_KIND_REFRESH:
		return &refresh_ops;
	case MPC_KIND_IMPORT:
		return &import_ops;
	default:
		return NULL;
	}
}

int
sm_blame(struct mpc_blame *b, uint32_t party, int reason, int check)
{
	if (b != NULL) {
		b->party = party;
		b->reason = (uint16_t) reason;
		b->check = (uint16_t) check;
	}
	return MPC_EABORT;
}

/* ---- signatures ---- */

static void
bc_statement(uint8_t st[12 + MPC_SID_BYTES + 4 + SM_DIGEST_BYTES],
    const uint8_t *sid, uint8_t kind, uint8_t round, uint32_t from,
    const uint8_t digest[SM_DIGEST_BYTES])
{
	memcpy(st, BC_TAG, 12);
	memcpy(st + 12, sid, MPC_SID_BYTES);
	st[12 + MPC_SID_BYTES] = kind;
	st[13 + MPC_SID_BYTES] = round;
	st[14 + MPC_SID_BYTES] = (uint8_t) (from >> 8);
	st[15 + MPC_SID_BYTES] = (uint8_t) from;
	memcpy(st + 16 + MPC_SID_BYTES, digest, SM_DIGEST_BYTES);
}

static void
bc_sign(uint8_t sig[SM_SIG_BYTES], const uint8_t *sk, const uint8_t *sid,
    uint8_t kind, uint8_t round, uint32_t from, const uint8_t *digest)
{
	uint8_t st[12 + MPC_SID_BYTES + 4 + SM_DIGEST_BYTES];

	bc_statement(st, sid, kind, round, from, digest);
	crypto_sign_detached(sig, NULL, st, sizeof(st), sk);
}

static int
bc_verify(const uint8_t sig[SM_SIG_BYTES], const uint8_t *pk,
    const uint8_t *sid, uint8_t kind, uint8_t round, uint32_t from,
    const uint8_t *digest)
{
	uint8_t st[12 + MPC_SID_BYTES + 4 + SM_DIGEST_BYTES];

	bc_statement(st, sid, kind, round, from, digest);
	return crypto_sign_verify_detached(sig, st, sizeof(st), pk) == 0;
}

static void
msg_sign(uint8_t *raw, size_t len, const uint8_t *sk)
{
	crypto_sign_state s;

	crypto_sign_init(&s);
	crypto_sign_update(&s, (const uint8_t *) MSG_TAG, sizeof(MSG_TAG) - 1);
	crypto_sign_update(&s, raw, len - SM_SIG_BYTES);
	crypto_sign_final_create(&s, raw + len - SM_SIG_BYTES, NULL, sk);
}

static int
msg_verify(const uint8_t *raw, size_t len, const uint8_t *pk)
{
	crypto_sign_state s;
	uint8_t sig[SM_SIG_BYTES];

	if (len < SM_SIG_BYTES)
		return 0;
	memcpy(sig, raw + len - SM_SIG_BYTES, SM_SIG_BYTES);
	crypto_sign_init(&s);
	crypto_sign_update(&s, (const uint8_t *) MSG_TAG, sizeof(MSG_TAG) - 1);
	crypto_sign_update(&s, raw, len - SM_SIG_BYTES);
	return crypto_sign_final_verify(&s, sig, pk) == 0;
}

static void
bc_digest(uint8_t d[SM_DIGEST_BYTES], const uint8_t *bc, size_t len)
{
	h32(d, BCD_TAG, bc, len);
}

/* ---- envelope ---- */

struct env {
	uint8_t version, kind, round, reserved;
	uint32_t from, to;
	const uint8_t *sid;
	size_t bcoff, bclen; /* bc section in raw */
	const uint8_t *bsig;
	size_t poff, plen;
};

static unsigned
sections_of(const struct sm_ops *ops, uint8_t round)
{
	if (round == SM_ROUND_COMPLAINT)
		return SEC_BC;
	if (round == 0 || round > ops->last_round)
		return 0;
	return ops->sections(round);
}

static void
env_header(struct env *e, const uint8_t *raw)
{
	e->version = raw[0];
	e->kind = raw[1];
	e->round = raw[2];
	e->reserved = raw[3];
	e->from = (uint32_t) raw[4] << 8 | raw[5];
	e->to = (uint32_t) raw[6] << 8 | raw[7];
	e->sid = raw + 8;
}

/* The section layout (after the header), for a round with sections sec.
 * Returns 0 or MPC_EDECODE. */
static int
env_layout(struct env *e, const uint8_t *raw, size_t len, unsigned sec)
{
	struct proto_rbuf r;
	const uint8_t *p;
	size_t l;

	if (len < SM_HDR_BYTES + SM_SIG_BYTES)
		return MPC_EDECODE;
	proto_rbuf_init(
	    &r, raw + SM_HDR_BYTES, len - SM_HDR_BYTES - SM_SIG_BYTES);
	if (proto_get_bytes_direct(&r, &p, &l, 0, MPC_MSG_MAX_BYTES) != 0)
		return MPC_EDECODE;
	e->bcoff = (size_t) (p - raw);
	e->bclen = l;
	if ((sec & SEC_BC) == 0 && l != 0)
		return MPC_EDECODE;
	e->bsig = NULL;
	if (sec & SEC_BC) {
		if (proto_get_fixed_direct(&r, &e->bsig, SM_SIG_BYTES) != 0)
			return MPC_EDECODE;
	}
	if (proto_get_bytes_direct(&r, &p, &l, 0, MPC_MSG_MAX_BYTES) != 0)
		return MPC_EDECODE;
	e->poff = (size_t) (p - raw);
	e->plen = l;
	if ((sec & SEC_P2P) == 0 && l != 0)
		return MPC_EDECODE;
	if (proto_rbuf_done(&r) != 0)
		return MPC_EDECODE;
	return 0;
}

/* ---- engine setup ---- */

int
sm_init(struct mpc_sm **out, const struct sm_ops *ops, struct mpc_ctx *ctx,
    const struct mpc_cluster *cl, const struct mpc_self *me, uint32_t t,
    const uint32_t *parts, size_t np, const uint8_t *label, size_t label_len,
    const uint8_t *extra, size_t extra_len)
{
	struct lk_transcript tr;
	struct mpc_sm *sm;
	uint8_t d[64];
	size_t i;
	int self_in = 0;

	ARG_CHECK(out != NULL);
	*out = NULL;
	ARG_CHECK(ops != NULL && ctx != NULL && cl != NULL && me != NULL
	    && parts != NULL && label != NULL);
	ARG_CHECK(cl->n >= 1 && cl->n <= MPC_MAX_PARTIES && me->index < cl->n);
	ARG_CHECK(np >= 1 && np <= cl->n && t >= 1 && t <= cl->n);
	ARG_CHECK(label_len >= 1 && label_len <= MPC_LABEL_MAX);
	for (i = 0; i < np; i++) {
		ARG_CHECK(
		    parts[i] < cl->n && (i == 0 || parts[i] > parts[i - 1]));
		if (parts[i] == me->index)
			self_in = 1;
	}
	ARG_CHECK(self_in);
	if ((sm = calloc(1, sizeof(*sm))) == NULL)
		return MPC_ENOMEM;
	sm->ops = ops;
	sm->ctx = ctx;
	sm->kind = ops->kind;
	sm->n = cl->n;
	sm->np = (uint32_t) np;
	sm->t = t;
	sm->self = me->index;
	for (i = 0; i < MPC_MAX_PARTIES; i++)
		sm->pos_of[i] = -1;
	for (i = 0; i < np; i++) {
		sm->part[i] = parts[i];
		sm->pos_of[parts[i]] = (int) i;
		if (parts[i] == me->index)
			sm->me = (uint32_t) i;
	}
	memcpy(sm->sign_pk, cl->sign_pk, sizeof(sm->sign_pk));
	memcpy(sm->sign_sk, me->sign_sk, sizeof(sm->sign_sk));
	sm->round = 1;

	/* sid = H(kind, n, t, participants, every signing key, label, extra):
	 * parties that disagree on any input run different sessions. */
	lk_transcript_init(&tr, SID_TAG);
	lk_transcript_append_u64(&tr, "kind", ops->kind);
	lk_transcript_append_u64(&tr, "n", cl->n);
	lk_transcript_append_u64(&tr, "t", t);
	for (i = 0; i < np; i++)
		lk_transcript_append_u64(&tr, "party", parts[i]);
	for (i = 0; i < cl->n; i++)
		lk_transcript_append(
		    &tr, "sign_pk", cl->sign_pk[i], MPC_SIGN_PK_BYTES);
	lk_transcript_append(&tr, "label", label, label_len);
	lk_transcript_append(&tr, "extra", extra, extra_len);
	lk_transcript_digest(&tr, d);
	memcpy(sm->sid, d, MPC_SID_BYTES);
	lk_transcript_clear(&tr);
	*out = sm;
	return 0;
}

static void
slot_clear(struct mpc_sm *sm, uint8_t r, struct sm_slot *s)
{
	if (s->bc != NULL || s->p2p != NULL)
		sm_parts_free(sm, r, s->bc, s->p2p);
	if (s->raw != NULL)
		lk_free_wipe(s->raw, s->rawlen);
	memset(s, 0, sizeof(*s));
}

void
sm_parts_free(struct mpc_sm *sm, uint8_t r, void *bc, void *p2p)
{
	if (r == SM_ROUND_COMPLAINT)
		return;
	if (bc != NULL)
		sm->ops->part_free(r, PART_BC, bc);
	if (p2p != NULL)
		sm->ops->part_free(r, PART_P2P, p2p);
}

void
mpc_sm_free(struct mpc_sm *sm)
{
	size_t r, j;

	if (sm == NULL)
		return;
	if (sm->ops->free != NULL)
		sm->ops->free(sm);
	for (r = 0; r <= SM_MAXR; r++)
		for (j = 0; j < MPC_MAX_PARTIES; j++) {
			slot_clear(sm, (uint8_t) r, &sm->in[r][j]);
			if (sm->sent[r][j] != NULL)
				lk_free_wipe(sm->sent[r][j], sm->sentlen[r][j]);
		}
	for (j = 0; j < MPC_MAX_PARTIES; j++)
		slot_clear(sm, SM_ROUND_COMPLAINT, &sm->cpl[j]);
	for (j = sm->outhead; j < sm->outn; j++)
		mpc_msg_clear(&sm->outq[j]);
	free(sm->outq);
	lk_free_wipe(sm, sizeof(*sm));
}

void
mpc_msg_clear(struct mpc_msg *m)
{
	if (m == NULL)
		return;
	if (m->data != NULL)
		lk_free_wipe(m->data, m->len);
	m->data = NULL;
	m->len = 0;
}

/* ---- outbox ---- */

static int
out_push(struct mpc_sm *sm, uint32_t to, const uint8_t *raw, size_t len)
{
	struct mpc_msg *m;

	if (sm->outhead > 0 && sm->outhead == sm->outn)
		sm->outhead = sm->outn = 0;
	if (sm->outn == sm->outcap) {
		size_t cap = sm->outcap ? 2 * sm->outcap : 16;
		struct mpc_msg *q = realloc(sm->outq, cap * sizeof(*q));
		if (q == NULL)
			return MPC_ENOMEM;
		sm->outq = q;
		sm->outcap = cap;
	}
	m = &sm->outq[sm->outn];
	if ((m->data = malloc(len)) == NULL)
		return MPC_ENOMEM;
	memcpy(m->data, raw, len);
	m->len = len;
	m->to = to;
	sm->outn++;
	sm->bytes_sent += len;
	return 0;
}

int
mpc_sm_next(struct mpc_sm *sm, struct mpc_msg *out)
{
	ARG_CHECK(sm != NULL && out != NULL);
	memset(out, 0, sizeof(*out));
	if (sm->outhead == sm->outn)
		return MPC_EEMPTY;
	*out = sm->outq[sm->outhead];
	memset(&sm->outq[sm->outhead], 0, sizeof(sm->outq[0]));
	sm->outhead++;
	return 0;
}

/* ---- building own messages ---- */

struct bc_arg {
	struct mpc_sm *sm;
	uint8_t round;
};

static int
bc_fn(void *arg, struct proto_wbuf *w)
{
	struct bc_arg *a = arg;
	struct mpc_sm *sm = a->sm;
	unsigned sec = sections_of(sm->ops, a->round);
	uint32_t m;

	if ((sec & SEC_ECHO) && a->round > 1) {
		uint8_t pr = (uint8_t) (a->round - 1);
		for (m = 0; m < sm->np; m++) {
			if (m == sm->me) {
				proto_put_fixed(
				    w, sm->own_bcd[pr], SM_DIGEST_BYTES);
				proto_put_fixed(
				    w, sm->own_bsig[pr], SM_SIG_BYTES);
			} else {
				proto_put_fixed(
				    w, sm->in[pr][m].bcd, SM_DIGEST_BYTES);
				proto_put_fixed(
				    w, sm->in[pr][m].bsig, SM_SIG_BYTES);
			}
		}
	}
	if (a->round == SM_ROUND_COMPLAINT)
		return 0;
	return sm->ops->encode(sm->np, sm->t, a->round, PART_BC,
	    sm->ops->own(sm, a->round, PART_BC, 0), w, NULL);
}

struct msg_arg {
	struct mpc_sm *sm;
	uint8_t round;
	uint32_t to; /* position */
	const uint8_t *bc;
	size_t bclen;
	const uint8_t *bsig;
};

static int
msg_fn(void *arg, struct proto_wbuf *w)
{
	struct msg_arg *a = arg;
	struct mpc_sm *sm = a->sm;
	unsigned sec = sections_of(sm->ops, a->round);
	uint8_t *lenp;
	size_t s;
	int rv;

	proto_put_u8(w, SM_VERSION);
	proto_put_u8(w, sm->kind);
	proto_put_u8(w, a->round);
	proto_put_u8(w, 0);
	proto_put_u16(w, (uint16_t) sm->self);
	proto_put_u16(w, (uint16_t) sm->part[a->to]);
	proto_put_fixed(w, sm->sid, MPC_SID_BYTES);
	proto_put_bytes(w, a->bc, a->bclen);
	if (sec & SEC_BC)
		proto_put_fixed(w, a->bsig, SM_SIG_BYTES);
	lenp = proto_put_reserve(w, 4);
	s = w->len;
	if ((sec & SEC_P2P) && a->round != SM_ROUND_COMPLAINT) {
		rv = sm->ops->encode(sm->np, sm->t, a->round, PART_P2P,
		    sm->ops->own(sm, a->round, PART_P2P, a->to), w, NULL);
		if (rv != 0)
			return rv;
	}
	if (lenp != NULL && w->err == 0) {
		size_t l = w->len - s;
		lenp[0] = (uint8_t) (l >> 24);
		lenp[1] = (uint8_t) (l >> 16);
		lenp[2] = (uint8_t) (l >> 8);
		lenp[3] = (uint8_t) l;
	}
	proto_put_reserve(w, SM_SIG_BYTES);
	return 0;
}

/* Builds, signs, records and queues this party's messages of round r. A
 * complaint passes its body as bc. */
static int
emit(struct mpc_sm *sm, uint8_t r, const uint8_t *cbody, size_t cbodylen)
{
	unsigned sec = sections_of(sm->ops, r);
	struct msg_arg ma;
	uint8_t *bc = NULL, *raw;
	size_t bclen = 0, rawlen;
	uint8_t bcd[SM_DIGEST_BYTES], bsig[SM_SIG_BYTES];
	uint32_t j;
	int rv = 0;

	if (sec & SEC_BC) {
		if (r == SM_ROUND_COMPLAINT) {
			bc = (uint8_t *) cbody;
			bclen = cbodylen;
		} else {
			struct bc_arg ba = { sm, r };
			if ((rv = w_grow(&bc, &bclen, bc_fn, &ba)) != 0)
				return rv;
		}
		bc_digest(bcd, bc, bclen);
		bc_sign(bsig, sm->sign_sk, sm->sid, sm->kind, r, sm->self, bcd);
		if (r != SM_ROUND_COMPLAINT) {
			memcpy(sm->own_bcd[r], bcd, sizeof(bcd));
			memcpy(sm->own_bsig[r], bsig, sizeof(bsig));
		}
	}
	ma.sm = sm;
	ma.round = r;
	ma.bc = bc;
	ma.bclen = bclen;
	ma.bsig = bsig;
	for (j = 0; j < sm->np && rv == 0; j++) {
		if (j == sm->me)
			continue;
		ma.to = j;
		if ((rv = w_grow(&raw, &rawlen, msg_fn, &ma)) != 0)
			break;
		msg_sign(raw, rawlen, sm->sign_sk);
		rv = out_push(sm, sm->part[j], raw, rawlen);
		if (rv == 0 && r != SM_ROUND_COMPLAINT) {
			sm->sent[r][j] = raw;
			sm->sentlen[r][j] = rawlen;
		} else {
			lk_free_wipe(raw, rawlen);
		}
	}
	if (bc != NULL && r != SM_ROUND_COMPLAINT)
		lk_free_wipe(bc, bclen);
	return rv;
}

/* ---- failure and complaints ---- */

static void
complain(struct mpc_sm *sm, int ckind, uint32_t accused, uint8_t round,
    const uint8_t *e1, size_t l1, const uint8_t *e2, size_t l2)
{
	size_t cap = 8 + l1 + l2 + 16, len;
	struct proto_wbuf w;
	uint8_t *buf;

	if (sm->np <= 1 || (buf = malloc(cap)) == NULL)
		return;
	proto_wbuf_init(&w, buf, cap);
	proto_put_u8(&w, (uint8_t) ckind);
	proto_put_u16(&w, (uint16_t) accused);
	proto_put_u8(&w, round);
	if (ckind == CPL_EQUIV_BC) {
		proto_put_fixed(&w, e1, l1);
		proto_put_fixed(&w, e2, l2);
	} else {
		proto_put_bytes(&w, e1, l1);
		if (ckind == CPL_EQUIV_MSG)
			proto_put_bytes(&w, e2, l2);
	}
	if (proto_wbuf_finish(&w, &len) == 0)
		(void) emit(sm, SM_ROUND_COMPLAINT, buf, len);
	lk_free_wipe(buf, cap);
}

int
sm_test_complain(struct mpc_sm *sm, int ckind, uint32_t accused, uint8_t round,
    const uint8_t *e1, size_t l1, const uint8_t *e2, size_t l2)
{
	complain(sm, ckind, accused, round, e1, l1, e2, l2);
	return 0;
}

int
sm_test_reemit_r1(struct mpc_sm *sm)
{
	uint32_t j;

	if (sm->round != 1)
		return MPC_ESTATE;
	for (j = (uint32_t) sm->outhead; j < sm->outn; j++)
		mpc_msg_clear(&sm->outq[j]);
	sm->outhead = sm->outn = 0;
	for (j = 0; j < MPC_MAX_PARTIES; j++) {
		if (sm->sent[1][j] != NULL)
			lk_free_wipe(sm->sent[1][j], sm->sentlen[1][j]);
		sm->sent[1][j] = NULL;
		sm->sentlen[1][j] = 0;
	}
	return emit(sm, 1, NULL, 0);
}

static int
fail(struct mpc_sm *sm, const struct mpc_blame *b)
{
	if (sm->status != MPC_SM_FAILED) {
		sm->status = MPC_SM_FAILED;
		sm->blame = *b;
	}
	return MPC_EABORT;
}

/* A failure caused by the message in slot s, signed by `author`: blame,
 * then show the message to everyone (or the pair of messages a check
 * named as evidence). */
static int
fail_msg(struct mpc_sm *sm, const struct mpc_blame *b, uint8_t r,
    const struct sm_slot *s, uint32_t author)
{
	fail(sm, b);
	if (sm->ev_kind == CPL_EQUIV_MSG)
		complain(sm, CPL_EQUIV_MSG, sm->ev_author, sm->ev_round,
		    sm->ev1, sm->ev1len, sm->ev2, sm->ev2len);
	else
		complain(
		    sm, CPL_BAD_MSG, author, r, s->raw, s->rawlen, NULL, 0);
	sm->ev_kind = 0;
	return MPC_EABORT;
}

static int
fail_internal(struct mpc_sm *sm, int rv)
{
	struct mpc_blame b;

	sm_blame(&b, MPC_PARTY_NONE, MPC_BLAME_INCONSISTENT, 0);
	fail(sm, &b);
	return rv;
}

/* ---- parsing a signed message ---- */

/* Everything feed checks about a message signed by position `from`,
 * except the session state. to: the expected receiver position. On
 * MPC_EABORT, *b blames part[from]. *env receives the envelope. */
static int
parse_msg(struct mpc_sm *sm, struct mpc_blame *b, struct env *e, uint32_t from,
    uint32_t to, const uint8_t *raw, size_t len, void **bc, void **p2p,
    uint8_t bcd[SM_DIGEST_BYTES])
{
	uint32_t party = sm->part[from], m;
	unsigned sec;
	size_t eclen = 0;
	int rv;

	*bc = *p2p = NULL;
	if (len < SM_HDR_BYTES + SM_SIG_BYTES
	    || !msg_verify(raw, len, sm->sign_pk[party]))
		return MPC_EAUTH;
	env_header(e, raw);
	if (memcmp(e->sid, sm->sid, MPC_SID_BYTES) != 0
	    || e->to != sm->part[to])
		return MPC_ESESSION;
	if (e->version != SM_VERSION)
		return sm_blame(b, party, MPC_BLAME_ENVELOPE, 1);
	if (e->kind != sm->kind)
		return sm_blame(b, party, MPC_BLAME_ENVELOPE, 2);
	if (e->reserved != 0)
		return sm_blame(b, party, MPC_BLAME_ENVELOPE, 4);
	if (e->from != party)
		return sm_blame(b, party, MPC_BLAME_ENVELOPE, 5);
	if ((sec = sections_of(sm->ops, e->round)) == 0)
		return sm_blame(b, party, MPC_BLAME_ENVELOPE, 3);
	if (env_layout(e, raw, len, sec) != 0)
		return sm_blame(b, party, MPC_BLAME_DECODE, 0);
	if (sec & SEC_BC) {
		bc_digest(bcd, raw + e->bcoff, e->bclen);
		if (!bc_verify(e->bsig, sm->sign_pk[party], sm->sid, sm->kind,
		        e->round, party, bcd))
			return sm_blame(b, party, MPC_BLAME_ENVELOPE, 6);
	}
	if ((sec & SEC_ECHO) && e->round != SM_ROUND_COMPLAINT) {
		const uint8_t *ec = raw + e->bcoff;
		eclen = (size_t) sm->np * SM_ECHO_ENTRY;
		if (e->bclen < eclen)
			return sm_blame(b, party, MPC_BLAME_DECODE, 0);
		for (m = 0; m < sm->np; m++) {
			const uint8_t *ent = ec + (size_t) m * SM_ECHO_ENTRY;
			if (!bc_verify(ent + SM_DIGEST_BYTES,
			        sm->sign_pk[sm->part[m]], sm->sid, sm->kind,
			        (uint8_t) (e->round - 1), sm->part[m], ent))
				return sm_blame(b, party, MPC_BLAME_ECHO, m);
		}
	}
	if (e->round == SM_ROUND_COMPLAINT)
		return 0;
	if (sec & SEC_BC) {
		rv = sm->ops->parse(sm->ctx, sm->np, sm->t, e->round, PART_BC,
		    bc, raw + e->bcoff + eclen, e->bclen - eclen);
		if (rv == MPC_ENOMEM)
			return rv;
		if (rv != 0)
			return sm_blame(b, party, MPC_BLAME_DECODE, 1);
	}
	if (sec & SEC_P2P) {
		rv = sm->ops->parse(sm->ctx, sm->np, sm->t, e->round, PART_P2P,
		    p2p, raw + e->poff, e->plen);
		if (rv != 0) {
			sm_parts_free(sm, e->round, *bc, NULL);
			*bc = NULL;
			return rv == MPC_ENOMEM
			    ? rv
			    : sm_blame(b, party, MPC_BLAME_DECODE, 2);
		}
	}
	return 0;
}

int
sm_parse_signed(struct mpc_sm *sm, struct mpc_blame *b, uint8_t r,
    uint32_t from, uint32_t to, const uint8_t *raw, size_t len, void **bc,
    void **p2p, uint8_t bcd[SM_DIGEST_BYTES])
{
	struct env e;
	int rv;

	rv = parse_msg(sm, b, &e, from, to, raw, len, bc, p2p, bcd);
	if (rv == 0 && e.round != r) {
		sm_parts_free(sm, e.round, *bc, *p2p);
		*bc = *p2p = NULL;
		return MPC_ESESSION;
	}
	return rv;
}

const void *
sm_bc(struct mpc_sm *sm, uint8_t r, uint32_t pos)
{
	if (pos == sm->me)
		return sm->ops->own(sm, r, PART_BC, 0);
	return sm->in[r][pos].bc;
}

/* The p2p part `from` sent to `to`, when this party is one of them. */
const void *
sm_p2p(struct mpc_sm *sm, uint8_t r, uint32_t from, uint32_t to)
{
	if (from == sm->me)
		return sm->ops->own(sm, r, PART_P2P, to);
	if (to == sm->me)
		return sm->in[r][from].p2p;
	return NULL;
}

const uint8_t *
sm_received(const struct mpc_sm *sm, uint8_t r, uint32_t from, size_t *len)
{
	const struct sm_slot *s = &sm->in[r][from];

	*len = s->have ? s->rawlen : 0;
	return s->have ? s->raw : NULL;
}

const uint8_t *
sm_sent(const struct mpc_sm *sm, uint8_t r, uint32_t to, size_t *len)
{
	*len = sm->sentlen[r][to];
	return sm->sent[r][to];
}

/* ---- complaints ---- */

struct cpl {
	uint8_t ckind, round;
	uint32_t accused;
	const uint8_t *e1, *e2;
	size_t l1, l2;
};

static int
cpl_parse(struct cpl *c, const uint8_t *body, size_t len)
{
	struct proto_rbuf r;
	uint16_t acc;

	memset(c, 0, sizeof(*c));
	proto_rbuf_init(&r, body, len);
	if (proto_get_u8(&r, &c->ckind) != 0 || proto_get_u16(&r, &acc) != 0
	    || proto_get_u8(&r, &c->round) != 0)
		return MPC_EDECODE;
	c->accused = acc;
	switch (c->ckind) {
	case CPL_BAD_MSG:
		if (proto_get_bytes_direct(
		        &r, &c->e1, &c->l1, 1, MPC_MSG_MAX_BYTES)
		    != 0)
			return MPC_EDECODE;
		break;
	case CPL_EQUIV_BC:
		c->l1 = c->l2 = SM_ECHO_ENTRY;
		if (proto_get_fixed_direct(&r, &c->e1, c->l1) != 0
		    || proto_get_fixed_direct(&r, &c->e2, c->l2) != 0)
			return MPC_EDECODE;
		break;
	case CPL_EQUIV_MSG:
		if (proto_get_bytes_direct(
		        &r, &c->e1, &c->l1, 1, MPC_MSG_MAX_BYTES)
		        != 0
		    || proto_get_bytes_direct(
		           &r, &c->e2, &c->l2, 1, MPC_MSG_MAX_BYTES)
		        != 0)
			return MPC_EDECODE;
		break;
	default:
		return MPC_EDECODE;
	}
	return proto_rbuf_done(&r) == 0 ? 0 : MPC_EDECODE;
}

/* Compares an echo block (of a message of round r) with this party's view
 * of round r-1. Returns the first mismatching position or np. */
static uint32_t
echo_mismatch(const struct mpc_sm *sm, uint8_t r, const uint8_t *ec)
{
	uint8_t pr = (uint8_t) (r - 1);
	uint32_t m;

	for (m = 0; m < sm->np; m++) {
		const uint8_t *mine
		    = m == sm->me ? sm->own_bcd[pr] : sm->in[pr][m].bcd;
		if (memcmp(
		        ec + (size_t) m * SM_ECHO_ENTRY, mine, SM_DIGEST_BYTES)
		    != 0)
			return m;
	}
	return sm->np;
}

static const uint8_t *
mine_entry(const struct mpc_sm *sm, uint8_t pr, uint32_t m, uint8_t *buf)
{
	if (m == sm->me) {
		memcpy(buf, sm->own_bcd[pr], SM_DIGEST_BYTES);
		memcpy(buf + SM_DIGEST_BYTES, sm->own_bsig[pr], SM_SIG_BYTES);
	} else {
		memcpy(buf, sm->in[pr][m].bcd, SM_DIGEST_BYTES);
		memcpy(buf + SM_DIGEST_BYTES, sm->in[pr][m].bsig, SM_SIG_BYTES);
	}
	return buf;
}

/* Evaluates a complaint of position k. Returns 1 with *b when a verdict
 * was reached, 0 when it must wait for this party to finish its round. */
static int
cpl_eval(
    struct mpc_sm *sm, uint32_t k, const struct cpl *c, struct mpc_blame *b)
{
	uint32_t kp = sm->part[k];
	int a = c->accused < MPC_MAX_PARTIES ? sm->pos_of[c->accused] : -1;
	void *bc = NULL, *p2p = NULL;
	uint8_t bcd[SM_DIGEST_BYTES];
	struct env e, e2;
	int rv;

	if (a < 0 || (uint32_t) a == k)
		return sm_blame(b, kp, MPC_BLAME_COMPLAINT, 1), 1;
	/* an equivocation names a slot: it must exist */
	if (c->ckind != CPL_BAD_MSG
	    && (c->round == 0 || c->round > sm->ops->last_round
	        || sm->skipped[c->round]))
		return sm_blame(b, kp, MPC_BLAME_COMPLAINT, 1), 1;
	if (c->ckind == CPL_EQUIV_BC) {
		const uint8_t *pk = sm->sign_pk[c->accused];
		if ((sections_of(sm->ops, c->round) & SEC_BC) != 0
		    && memcmp(c->e1, c->e2, SM_DIGEST_BYTES) != 0
		    && bc_verify(c->e1 + SM_DIGEST_BYTES, pk, sm->sid, sm->kind,
		        c->round, c->accused, c->e1)
		    && bc_verify(c->e2 + SM_DIGEST_BYTES, pk, sm->sid, sm->kind,
		        c->round, c->accused, c->e2))
			sm_blame(
			    b, c->accused, MPC_BLAME_EQUIVOCATION, c->round);
		else
			sm_blame(b, kp, MPC_BLAME_COMPLAINT, 2);
		return 1;
	}
	if (c->ckind == CPL_EQUIV_MSG) {
		const uint8_t *pk = sm->sign_pk[c->accused];
		int ok = c->l1 != c->l2 || memcmp(c->e1, c->e2, c->l1) != 0;
		ok = ok && msg_verify(c->e1, c->l1, pk)
		    && msg_verify(c->e2, c->l2, pk);
		if (ok) {
			env_header(&e, c->e1);
			env_header(&e2, c->e2);
			ok = memcmp(e.sid, sm->sid, MPC_SID_BYTES) == 0
			    && memcmp(e2.sid, sm->sid, MPC_SID_BYTES) == 0
			    && e.to == kp && e2.to == kp && e.round == c->round
			    && e2.round == c->round;
		}
		if (ok)
			sm_blame(
			    b, c->accused, MPC_BLAME_EQUIVOCATION, c->round);
		else
			sm_blame(b, kp, MPC_BLAME_COMPLAINT, 3);
		return 1;
	}
	/* CPL_BAD_MSG. A malformed message needs no context: judge it at
	 * once. Otherwise the check needs the agreed context of the earlier
	 * rounds, so it waits until this party has finished the round. */
	rv = parse_msg(
	    sm, b, &e, (uint32_t) a, k, c->e1, c->l1, &bc, &p2p, bcd);
	if (rv == MPC_EABORT)
		return 1; /* the accused signed a malformed message */
	if (rv != 0 || e.round != c->round) {
		sm_parts_free(sm, e.round, bc, p2p);
		if (rv == MPC_ENOMEM)
			return fail_internal(sm, rv), 0;
		return sm_blame(b, kp, MPC_BLAME_COMPLAINT, 4), 1;
	}
	/* The evidence is the accused's own complaint (round 0xff indexes no
	 * round table): its fault can only be a body that does not decode,
	 * which a receiver blames at once (feed), so judge that here. */
	if (c->round == SM_ROUND_COMPLAINT) {
		struct cpl inner;
		if (cpl_parse(&inner, c->e1 + e.bcoff, e.bclen) != 0)
			return sm_blame(b, c->accused, MPC_BLAME_DECODE, 3), 1;
		return sm_blame(b, kp, MPC_BLAME_COMPLAINT, 4), 1;
	}
	if (sm->skipped[c->round]) { /* a round that did not happen */
		sm_parts_free(sm, c->round, bc, p2p);
		return sm_blame(b, c->accused, MPC_BLAME_ENVELOPE, 3), 1;
	}
	if (sm->status != MPC_SM_DONE && c->round >= sm->round) {
		sm_parts_free(sm, c->round, bc, p2p);
		return 0;
	}
	rv = 0;
	if ((sections_of(sm->ops, c->round) & SEC_BC)
	    && sm->in[c->round][a].have
	    && memcmp(sm->in[c->round][a].bcd, bcd, SM_DIGEST_BYTES) != 0) {
		rv = sm_blame(b, c->accused, MPC_BLAME_EQUIVOCATION, c->round);
	} else if (sections_of(sm->ops, c->round) & SEC_ECHO) {
		uint32_t m = echo_mismatch(sm, c->round, c->e1 + e.bcoff);
		if (m < sm->np)
			rv = sm_blame(b, sm->part[m], MPC_BLAME_EQUIVOCATION,
			    c->round - 1);
	}
	if (rv == 0)
		rv = sm->ops->check(sm, c->round, (uint32_t) a, k, bc, p2p, b);
	sm->ev_kind = 0;
	sm_parts_free(sm, c->round, bc, p2p);
	if (rv == MPC_EABORT)
		return 1;
	if (rv != 0)
		return fail_internal(sm, rv), 0;
	return sm_blame(b, kp, MPC_BLAME_COMPLAINT, 5), 1;
}

static void
try_complaints(struct mpc_sm *sm)
{
	struct mpc_blame b;
	struct env e;
	struct cpl c;
	uint32_t k;

	for (k = 0; k < sm->np && sm->status != MPC_SM_FAILED; k++) {
		struct sm_slot *s = &sm->cpl[k];
		if (!s->have || s->evaluated)
			continue;
		env_header(&e, s->raw);
		if (env_layout(&e, s->raw, s->rawlen, SEC_BC) != 0
		    || cpl_parse(&c, s->raw + e.bcoff, e.bclen) != 0)
			continue; /* checked at feed */
		if (cpl_eval(sm, k, &c, &b)) {
			s->evaluated = 1;
			fail(sm, &b);
		}
	}
}

/* ---- rounds ---- */

static int
round_complete(const struct mpc_sm *sm, uint8_t r)
{
	uint32_t j;

	for (j = 0; j < sm->np; j++)
		if (j != sm->me && !sm->in[r][j].have)
			return 0;
	return 1;
}

static int
advance(struct mpc_sm *sm)
{
	struct mpc_blame b;
	uint8_t r, next, x;
	uint32_t j, m;
	int rv;

	while (sm->status == MPC_SM_RUNNING) {
		r = sm->round;
		if (!round_complete(sm, r))
			break;
		/* 1. the echo: every sender saw the same broadcasts */
		if (sections_of(sm->ops, r) & SEC_ECHO) {
			for (j = 0; j < sm->np; j++) {
				struct sm_slot *s = &sm->in[r][j];
				uint8_t mine[SM_ECHO_ENTRY];
				if (j == sm->me)
					continue;
				m = echo_mismatch(sm, r, s->raw + s->echo_off);
				if (m == sm->np)
					continue;
				sm_blame(&b, sm->part[m],
				    MPC_BLAME_EQUIVOCATION, r - 1);
				fail(sm, &b);
				complain(sm, CPL_EQUIV_BC, sm->part[m],
				    (uint8_t) (r - 1),
				    mine_entry(sm, (uint8_t) (r - 1), m, mine),
				    SM_ECHO_ENTRY,
				    s->raw + s->echo_off
				        + (size_t) m * SM_ECHO_ENTRY,
				    SM_ECHO_ENTRY);
				return MPC_EABORT;
			}
		}
		/* 2. each sender's message, in party order */
		for (j = 0; j < sm->np; j++) {
			struct sm_slot *s = &sm->in[r][j];
			if (j == sm->me)
				continue;
			sm->ev_kind = 0;
			rv = sm->ops->check(
			    sm, r, j, sm->me, s->bc, s->p2p, &b);
			if (rv == MPC_EABORT)
				return fail_msg(sm, &b, r, s, sm->part[j]);
			if (rv != 0)
				return fail_internal(sm, rv);
		}
		/* 3. the private step */
		next = 0;
		rv = sm->ops->finish(sm, r, &next, &b);
		if (rv == MPC_EABORT)
			return fail(sm, &b);
		if (rv != 0)
			return fail_internal(sm, rv);
		if (next == 0) {
			sm->status = MPC_SM_DONE;
			break;
		}
		/* rounds jumped over never happen: their messages are bogus */
		for (x = (uint8_t) (r + 1); x < next; x++) {
			sm->skipped[x] = 1;
			for (j = 0; j < sm->np; j++)
				if (sm->in[x][j].have) {
					sm_blame(&b, sm->part[j],
					    MPC_BLAME_ENVELOPE, 3);
					return fail_msg(sm, &b, x,
					    &sm->in[x][j], sm->part[j]);
				}
		}
		sm->round = next;
		if ((rv = emit(sm, next, NULL, 0)) != 0)
			return fail_internal(sm, rv);
		try_complaints(sm);
	}
	try_complaints(sm);
	return sm->status == MPC_SM_FAILED ? MPC_EABORT : 0;
}

int
sm_start(struct mpc_sm *sm)
{
	int rv;

	if ((rv = emit(sm, 1, NULL, 0)) != 0)
		return rv;
	rv = advance(sm);
	return rv == MPC_EABORT ? 0 : rv;
}

/* ---- feed ---- */

int
mpc_sm_feed(struct mpc_sm *sm, uint32_t sender, const uint8_t *raw, size_t len)
{
	struct mpc_blame b;
	struct sm_slot *s, tmp;
	struct env e;
	void *bc = NULL, *p2p = NULL;
	int pos, rv;

	ARG_CHECK(sm != NULL && raw != NULL);
	if (sm->status == MPC_SM_FAILED)
		return MPC_ESTATE;
	if (sender >= MPC_MAX_PARTIES || sender >= sm->n
	    || (pos = sm->pos_of[sender]) < 0 || (uint32_t) pos == sm->me)
		return MPC_ESESSION;
	if (len > MPC_MSG_MAX_BYTES || len < SM_HDR_BYTES + SM_SIG_BYTES
	    || !msg_verify(raw, len, sm->sign_pk[sender]))
		return MPC_EAUTH;
	env_header(&e, raw);
	if (memcmp(e.sid, sm->sid, MPC_SID_BYTES) != 0 || e.to != sm->self)
		return MPC_ESESSION;
	/* a second signed message for one slot is equivocation */
	if (e.round == SM_ROUND_COMPLAINT)
		s = &sm->cpl[pos];
	else if (e.round >= 1 && e.round <= sm->ops->last_round)
		s = &sm->in[e.round][pos];
	else
		s = NULL;
	if (s != NULL && s->have) {
		if (s->rawlen == len && memcmp(s->raw, raw, len) == 0)
			return MPC_EDUP;
		sm_blame(&b, sender, MPC_BLAME_EQUIVOCATION, e.round);
		fail(sm, &b);
		complain(sm, CPL_EQUIV_MSG, sender, e.round, s->raw, s->rawlen,
		    raw, len);
		return MPC_EABORT;
	}
	if (sm->status == MPC_SM_DONE && e.round != SM_ROUND_COMPLAINT)
		return MPC_ESTATE;
	/* parse the stored copy: parsed parts may borrow its bytes */
	memset(&tmp, 0, sizeof(tmp));
	if ((tmp.raw = malloc(len)) == NULL)
		return MPC_ENOMEM;
	memcpy(tmp.raw, raw, len);
	tmp.rawlen = len;
	tmp.have = 1;
	rv = parse_msg(sm, &b, &e, (uint32_t) pos, sm->me, tmp.raw, len, &bc,
	    &p2p, tmp.bcd);
	if (rv == MPC_EAUTH || rv == MPC_ESESSION || rv == MPC_ENOMEM) {
		lk_free_wipe(tmp.raw, len);
		return rv;
	}
	if (rv == MPC_EABORT) {
		rv = fail_msg(sm, &b, e.round, &tmp, sender);
		slot_clear(sm, e.round, &tmp);
		return rv;
	}
	tmp.bc = bc;
	tmp.p2p = p2p;
	if (e.bsig != NULL)
		memcpy(tmp.bsig, e.bsig, SM_SIG_BYTES);
	if (e.round == SM_ROUND_COMPLAINT) {
		struct cpl c;
		tmp.echo_off = 0;
		if (cpl_parse(&c, raw + e.bcoff, e.bclen) != 0) {
			sm_blame(&b, sender, MPC_BLAME_DECODE, 3);
			rv = fail_msg(sm, &b, e.round, &tmp, sender);
			slot_clear(sm, e.round, &tmp);
			return rv;
		}
		*s = tmp;
		try_complaints(sm);
		return sm->status == MPC_SM_FAILED ? MPC_EABORT : 0;
	}
	tmp.echo_off = (sections_of(sm->ops, e.round) & SEC_ECHO) ? e.bcoff : 0;
	if (sm->skipped[e.round]) {
		sm_blame(&b, sender, MPC_BLAME_ENVELOPE, 3);
		rv = fail_msg(sm, &b, e.round, &tmp, sender);
		slot_clear(sm, e.round, &tmp);
		return rv;
	}
	*s = tmp;
	if (e.round == sm->round)
		return advance(sm);
	return 0;
}

/* ---- queries ---- */

int
mpc_sm_status(const struct mpc_sm *sm)
{
	return sm == NULL ? MPC_SM_FAILED : sm->status;
}

int
mpc_sm_blame(const struct mpc_sm *sm, struct mpc_blame *b)
{
	ARG_CHECK(sm != NULL && b != NULL);
	if (sm->status != MPC_SM_FAILED)
		return MPC_ESTATE;
	*b = sm->blame;
	return 0;
}

uint32_t
mpc_sm_waiting(const struct mpc_sm *sm)
{
	uint32_t j, mask = 0;

	if (sm == NULL || sm->status != MPC_SM_RUNNING)
		return 0;
	for (j = 0; j < sm->np; j++)
		if (j != sm->me && !sm->in[sm->round][j].have)
			mask |= 1u << sm->part[j];
	return mask;
}

unsigned
mpc_sm_round(const struct mpc_sm *sm)
{
	return sm == NULL ? 0 : sm->round;
}

void
mpc_sm_sid(const struct mpc_sm *sm, uint8_t sid[static MPC_SID_BYTES])
{
	memcpy(sid, sm->sid, MPC_SID_BYTES);
}

uint64_t
mpc_sm_bytes_sent(const struct mpc_sm *sm)
{
	return sm == NULL ? 0 : sm->bytes_sent;
}

int
mpc_msg_peek(struct mpc_msg_info *info, const uint8_t *raw, size_t len)
{
	struct env e;

	ARG_CHECK(info != NULL && raw != NULL);
	memset(info, 0, sizeof(*info));
	if (len < SM_HDR_BYTES + SM_SIG_BYTES)
		return MPC_EDECODE;
	env_header(&e, raw);
	info->kind = e.kind;
	info->round = e.round;
	info->from = e.from;
	info->to = e.to;
	memcpy(info->sid, e.sid, MPC_SID_BYTES);
	return 0;
}

/* ---- fuzzing and the malicious-party harness ---- */

struct rt_arg {
	const struct sm_ops *ops;
	uint32_t np, t;
	const uint8_t *raw;
	const struct env *e;
	const uint8_t *echo;
	size_t eclen;
	void *bc, *p2p;
	struct sm_trace *tr;
};

static int
rt_fn(void *arg, struct proto_wbuf *w)
{
	struct rt_arg *a = arg;
	const struct env *e = a->e;
	unsigned sec = sections_of(a->ops, e->round);
	struct sm_trace *tr = a->tr;
	uint8_t *lenp;
	size_t s, m;
	int rv;

	if (tr != NULL)
		tr->n = 0;
	s = w->len;
	proto_put_u8(w, e->version);
	tr_add(tr, s, 1, TR_HDR);
	proto_put_u8(w, e->kind);
	tr_add(tr, s + 1, 1, TR_HDR);
	proto_put_u8(w, e->round);
	tr_add(tr, s + 2, 1, TR_HDR);
	proto_put_u8(w, e->reserved);
	tr_add(tr, s + 3, 1, TR_HDR);
	proto_put_u16(w, (uint16_t) e->from);
	tr_add(tr, s + 4, 2, TR_HDR);
	proto_put_u16(w, (uint16_t) e->to);
	tr_add(tr, s + 6, 2, TR_ROUTE);
	proto_put_fixed(w, e->sid, MPC_SID_BYTES);
	tr_add(tr, s + 8, MPC_SID_BYTES, TR_ROUTE);
	lenp = proto_put_reserve(w, 4);
	tr_add(tr, w->len - 4, 4, TR_HDR);
	s = w->len;
	for (m = 0; m < a->eclen / SM_ECHO_ENTRY; m++) {
		proto_put_fixed(
		    w, a->echo + m * SM_ECHO_ENTRY, SM_DIGEST_BYTES);
		tr_add(tr, w->len - SM_DIGEST_BYTES, SM_DIGEST_BYTES, TR_ECHO);
		proto_put_fixed(w,
		    a->echo + m * SM_ECHO_ENTRY + SM_DIGEST_BYTES,
		    SM_SIG_BYTES);
		tr_add(tr, w->len - SM_SIG_BYTES, SM_SIG_BYTES, TR_ECHO);
	}
	if (e->round == SM_ROUND_COMPLAINT) {
		proto_put_fixed(w, a->raw + e->bcoff, e->bclen);
		tr_add(tr, w->len - e->bclen, e->bclen, TR_FIELD);
	} else if (sec & SEC_BC) {
		if ((rv = a->ops->encode(
		         a->np, a->t, e->round, PART_BC, a->bc, w, tr))
		    != 0)
			return rv;
	}
	if (lenp != NULL && w->err == 0) {
		size_t l = w->len - s;
		lenp[0] = (uint8_t) (l >> 24);
		lenp[1] = (uint8_t) (l >> 16);
		lenp[2] = (uint8_t) (l >> 8);
		lenp[3] = (uint8_t) l;
	}
	if (sec & SEC_BC) {
		proto_put_fixed(w, e->bsig, SM_SIG_BYTES);
		tr_add(tr, w->len - SM_SIG_BYTES, SM_SIG_BYTES, TR_HDR);
	}
	lenp = proto_put_reserve(w, 4);
	tr_add(tr, w->len - 4, 4, TR_HDR);
	s = w->len;
	if ((sec & SEC_P2P) && e->round != SM_ROUND_COMPLAINT) {
		if ((rv = a->ops->encode(
		         a->np, a->t, e->round, PART_P2P, a->p2p, w, tr))
		    != 0)
			return rv;
	}
	if (lenp != NULL && w->err == 0) {
		size_t l = w->len - s;
		lenp[0] = (uint8_t) (l >> 24);
		lenp[1] = (uint8_t) (l >> 16);
		lenp[2] = (uint8_t) (l >> 8);
		lenp[3] = (uint8_t) l;
	}
	proto_put_fixed(w, a->raw + e->poff + e->plen, SM_SIG_BYTES);
	tr_add(tr, w->len - SM_SIG_BYTES, SM_SIG_BYTES, TR_SIG);
	return 0;
}

int
sm_msg_roundtrip(struct mpc_ctx *ctx, uint8_t kind, uint32_t np, uint32_t t,
    const uint8_t *raw, size_t len, uint8_t **out, size_t *outlen,
    struct sm_trace *tr)
{
	const struct sm_ops *ops = sm_ops_for(kind);
	struct rt_arg a;
	struct env e;
	unsigned sec;
	struct cpl c;
	int rv;

	ARG_CHECK(ops != NULL && raw != NULL && out != NULL && outlen != NULL);
	*out = NULL;
	*outlen = 0;
	ARG_CHECK(np >= 1 && np <= MPC_MAX_PARTIES && t >= 1 && t <= np * 16);
	if (len < SM_HDR_BYTES + SM_SIG_BYTES)
		return MPC_EDECODE;
	env_header(&e, raw);
	if (e.kind != kind || (sec = sections_of(ops, e.round)) == 0
	    || env_layout(&e, raw, len, sec) != 0)
		return MPC_EDECODE;
	memset(&a, 0, sizeof(a));
	a.ops = ops;
	a.np = np;
	a.t = t;
	a.raw = raw;
	a.e = &e;
	a.tr = tr;
	if ((sec & SEC_ECHO) && e.round != SM_ROUND_COMPLAINT) {
		a.eclen = (size_t) np * SM_ECHO_ENTRY;
		if (e.bclen < a.eclen)
			return MPC_EDECODE;
		a.echo = raw + e.bcoff;
	}
	if (e.round == SM_ROUND_COMPLAINT) {
		if (cpl_parse(&c, raw + e.bcoff, e.bclen) != 0)
			return MPC_EDECODE;
	} else {
		if ((sec & SEC_BC)
		    && (rv = ops->parse(ctx, np, t, e.round, PART_BC, &a.bc,
		            raw + e.bcoff + a.eclen, e.bclen - a.eclen))
		        != 0)
			return rv;
		if ((sec & SEC_P2P)
		    && (rv = ops->parse(ctx, np, t, e.round, PART_P2P, &a.p2p,
		            raw + e.poff, e.plen))
		        != 0) {
			if (a.bc != NULL)
				ops->part_free(e.round, PART_BC, a.bc);
			return rv;
		}
	}
	rv = w_grow(out, outlen, rt_fn, &a);
	if (a.bc != NULL)
		ops->part_free(e.round, PART_BC, a.bc);
	if (a.p2p != NULL)
		ops->part_free(e.round, PART_P2P, a.p2p);
	if (tr != NULL) {
		tr->bc_off = e.bcoff;
		tr->bc_len = e.bclen;
		tr->bsig_off = (sec & SEC_BC) ? e.bcoff + e.bclen : 0;
	}
	return rv;
}

int
sm_msg_resign(uint8_t *raw, size_t len, const uint8_t sk[MPC_SIGN_SK_BYTES],
    const struct sm_trace *layout, int redo_bsig)
{
	uint8_t d[SM_DIGEST_BYTES];
	struct env e;

	if (len < SM_HDR_BYTES + SM_SIG_BYTES)
		return MPC_EDECODE;
	env_header(&e, raw);
	if (redo_bsig && layout->bsig_off != 0
	    && layout->bsig_off + SM_SIG_BYTES <= len - SM_SIG_BYTES) {
		bc_digest(d, raw + layout->bc_off, layout->bc_len);
		bc_sign(raw + layout->bsig_off, sk, e.sid, e.kind, e.round,
		    e.from, d);
	}
	msg_sign(raw, len, sk);
	return 0;
}
