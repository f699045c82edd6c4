/* Key import (docs/MPC.md §14): a client deals Shamir shares of its key
 * with Feldman commitments, signing the commitments and every share with
 * a one-time Ed25519 key whose public half is an input of every party's
 * session. The servers then run two rounds:
 *
 * R1  bc  C (t points), chain code, the dealer's signature on them, and
 *         the party's verdict on its share (with the share and the
 *         dealer's signature on it when the share is bad)
 * R2  bc  echo(R1)                                            -> output
 *
 * A party that forwards values the dealer did not sign is blamed; two
 * dealer-signed commitment sets, or a dealer-signed bad share, blame the
 * dealer (MPC_PARTY_DEALER). */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "proto_int.h"

#define IMP_VERSION    1
#define IMP_COMMIT_TAG "LK-MPC-IMPORT/commit/v1"
#define IMP_SHARE_TAG  "LK-MPC-IMPORT/share/v1"
#define IMP_KEYID_TAG  "LK-MPC-IMPORT/key-id/v1"

struct imp_r1 {
	struct mpc_point C[MPC_MAX_PARTIES];
	uint8_t cc[32];
	uint8_t csig[64];
	uint8_t bad;
	struct mpc_scalar share; /* only when bad */
	uint8_t ssig[64];
};
struct imp_r2 {
	int none;
};

struct imp_st {
	uint8_t dealer_pk[MPC_SIGN_PK_BYTES];
	struct imp_r1 r1; /* own verdict, commitments */
	struct mpc_scalar share;
	struct imp_r2 r2;
	struct mpc_keyshare *out;
};

/* The statements the dealer signs. */
static void
commit_digest(
    uint8_t d[32], const struct mpc_point *C, uint32_t t, const uint8_t cc[32])
{
	struct lk_transcript tr;
	uint8_t h[64], pt[MPC_POINT_BYTES];
	uint32_t k;

	lk_transcript_init(&tr, IMP_COMMIT_TAG);
	for (k = 0; k < t; k++) {
		mpc_point_encode(pt, &C[k]);
		lk_transcript_append(&tr, "C", pt, sizeof(pt));
	}
	lk_transcript_append(&tr, "cc", cc, 32);
	lk_transcript_digest(&tr, h);
	memcpy(d, h, 32);
	lk_transcript_clear(&tr);
}

static size_t
statement(uint8_t *st, const char *tag, const uint8_t *dpk, uint32_t n,
    uint32_t t, const uint8_t cd[32], int with_share, uint32_t index,
    const struct mpc_scalar *share)
{
	size_t l = strlen(tag);

	memcpy(st, tag, l);
	memcpy(st + l, dpk, MPC_SIGN_PK_BYTES);
	l += MPC_SIGN_PK_BYTES;
	st[l++] = (uint8_t) n;
	st[l++] = (uint8_t) t;
	memcpy(st + l, cd, 32);
	l += 32;
	if (with_share) {
		st[l++] = (uint8_t) (index >> 8);
		st[l++] = (uint8_t) index;
		mpc_scalar_encode(st + l, share);
		l += MPC_SCALAR_BYTES;
	}
	return l;
}

#define ST_MAX (32 + MPC_SIGN_PK_BYTES + 2 + 32 + 2 + MPC_SCALAR_BYTES)

static int
sig_ok(const uint8_t sig[64], const uint8_t *dpk, const char *tag, uint32_t n,
    uint32_t t, const uint8_t cd[32], int with_share, uint32_t index,
    const struct mpc_scalar *share)
{
	uint8_t st[ST_MAX];
	size_t l = statement(st, tag, dpk, n, t, cd, with_share, index, share);
	int ok = crypto_sign_verify_detached(sig, st, l, dpk) == 0;

	lk_wipe(st, sizeof(st));
	return ok;
}

/* ---- dealer ---- */

struct blob {
	uint32_t n, t, index;
	struct mpc_point C[MPC_MAX_PARTIES];
	uint8_t cc[32], csig[64], ssig[64];
	struct mpc_scalar share;
};

static void
blob_encode(struct proto_wbuf *w, const struct blob *b)
{
	uint32_t k;

	proto_put_u8(w, IMP_VERSION);
	proto_put_u16(w, (uint16_t) b->n);
	proto_put_u16(w, (uint16_t) b->t);
	proto_put_u16(w, (uint16_t) b->index);
	for (k = 0; k < b->t; k++)
		w_point(w, NULL, &b->C[k]);
	proto_put_fixed(w, b->cc, 32);
	proto_put_fixed(w, b->csig, 64);
	w_scalar(w, NULL, &b->share);
	proto_put_fixed(w, b->ssig, 64);
}

static int
blob_decode(struct mpc_ctx *ctx, struct blob *b, const uint8_t *p, size_t len)
{
	struct proto_rbuf r;
	uint16_t n, t, idx;
	uint8_t v;
	uint32_t k;

	memset(b, 0, sizeof(*b));
	proto_rbuf_init(&r, p, len);
	if (proto_get_u8(&r, &v) != 0 || proto_get_u16(&r, &n) != 0
	    || proto_get_u16(&r, &t) != 0 || proto_get_u16(&r, &idx) != 0
	    || v != IMP_VERSION || n < 1 || n > MPC_MAX_PARTIES || t < 1
	    || t > n || idx >= n)
		return MPC_EDECODE;
	b->n = n;
	b->t = t;
	b->index = idx;
	for (k = 0; k < t; k++)
		if (r_point(ctx, &r, &b->C[k], 1) != 0)
			return MPC_EDECODE;
	if (r_fixed(&r, b->cc, 32) != 0 || r_fixed(&r, b->csig, 64) != 0
	    || r_scalar(&r, &b->share) != 0 || r_fixed(&r, b->ssig, 64) != 0
	    || proto_rbuf_done(&r) != 0)
		return MPC_EDECODE;
	return 0;
}

static int
blob_fn(void *arg, struct proto_wbuf *w)
{
	blob_encode(w, arg);
	return 0;
}

int
mpc_import_deal(struct mpc_ctx *ctx, struct mpc_msg *out, uint32_t n,
    uint32_t t, const uint8_t secret[static MPC_SCALAR_BYTES],
    const uint8_t chaincode[static MPC_CHAINCODE_BYTES],
    const uint8_t dealer_sk[static MPC_SIGN_SK_BYTES])
{
	struct mpc_scalar coef[MPC_MAX_PARTIES], x, pw, term;
	uint8_t cd[32], st[ST_MAX];
	const uint8_t *dpk = dealer_sk + 32; /* libsodium sk = seed || pk */
	struct blob b;
	uint32_t i, k;
	size_t l;
	int rv = 0;

	ARG_CHECK(ctx != NULL && out != NULL && secret != NULL
	    && chaincode != NULL && dealer_sk != NULL);
	ARG_CHECK(n >= 1 && n <= MPC_MAX_PARTIES && t >= 1 && t <= n);
	memset(out, 0, n * sizeof(*out));
	memset(&b, 0, sizeof(b));
	if (mpc_scalar_decode(&coef[0], secret) != 0
	    || mpc_scalar_is_zero(&coef[0]))
		return MPC_ESCALAR;
	for (k = 1; k < t; k++)
		mpc_scalar_random_nonzero(&coef[k]);
	b.n = n;
	b.t = t;
	for (k = 0; k < t; k++)
		if ((rv = mpc_point_mul_base(ctx, &b.C[k], &coef[k])) != 0)
			goto out;
	memcpy(b.cc, chaincode, 32);
	commit_digest(cd, b.C, t, b.cc);
	l = statement(st, IMP_COMMIT_TAG, dpk, n, t, cd, 0, 0, NULL);
	crypto_sign_detached(b.csig, NULL, st, l, dealer_sk);
	for (i = 0; i < n; i++) {
		b.index = i;
		mpc_scalar_set_u64(&x, (uint64_t) i + 1);
		mpc_scalar_set_u64(&pw, 1);
		mpc_scalar_set_u64(&b.share, 0);
		for (k = 0; k < t; k++) {
			mpc_scalar_mul(&term, &coef[k], &pw);
			mpc_scalar_add(&b.share, &b.share, &term);
			mpc_scalar_mul(&pw, &pw, &x);
		}
		l = statement(st, IMP_SHARE_TAG, dpk, n, t, cd, 1, i, &b.share);
		crypto_sign_detached(b.ssig, NULL, st, l, dealer_sk);
		out[i].to = i;
		if ((rv = w_grow(&out[i].data, &out[i].len, blob_fn, &b)) != 0)
			goto out;
	}
out:
	if (rv != 0)
		for (i = 0; i < n; i++)
			mpc_msg_clear(&out[i]);
	lk_wipe(coef, sizeof(coef));
	lk_wipe(&term, sizeof(term));
	lk_wipe(&b, sizeof(b));
	lk_wipe(st, sizeof(st));
	return rv;
}

/* ---- the import session ---- */

static unsigned
imp_sections(uint8_t round)
{
	return round == 1 ? SEC_BC : round == 2 ? (SEC_BC | SEC_ECHO) : 0;
}

static size_t
imp_size(uint8_t round)
{
	return round == 1 ? sizeof(struct imp_r1) : sizeof(struct imp_r2);
}

static int
imp_parse(struct mpc_ctx *ctx, uint32_t np, uint32_t t, uint8_t round, int part,
    void **out, const uint8_t *p, size_t len)
{
	struct proto_rbuf r;
	void *m;
	uint32_t k;
	int rv = 0;

	*out = NULL;
	if (part != PART_BC || t < 1 || t > np)
		return MPC_EDECODE;
	if ((m = calloc(1, imp_size(round))) == NULL)
		return MPC_ENOMEM;
	proto_rbuf_init(&r, p, len);
	if (round == 1) {
		struct imp_r1 *x = m;
		for (k = 0; k < t && rv == 0; k++)
			rv = r_point(ctx, &r, &x->C[k], 1);
		if (rv == 0 && (rv = r_fixed(&r, x->cc, 32)) == 0
		    && (rv = r_fixed(&r, x->csig, 64)) == 0
		    && (rv = proto_get_u8(&r, &x->bad)) == 0) {
			if (x->bad > 1)
				rv = MPC_EDECODE;
			else if (x->bad && (rv = r_scalar(&r, &x->share)) == 0)
				rv = r_fixed(&r, x->ssig, 64);
		}
	}
	if (rv == 0 && proto_rbuf_done(&r) != 0)
		rv = MPC_EDECODE;
	if (rv != 0) {
		lk_free_wipe(m, imp_size(round));
		return rv;
	}
	*out = m;
	return 0;
}

static int
imp_encode(uint32_t np, uint32_t t, uint8_t round, int part, const void *m,
    struct proto_wbuf *w, struct sm_trace *tr)
{
	uint32_t k;

	if (round == 1) {
		const struct imp_r1 *x = m;
		for (k = 0; k < t; k++)
			w_point(w, tr, &x->C[k]);
		w_fixed(w, tr, x->cc, 32);
		w_fixed(w, tr, x->csig, 64);
		w_u8(w, tr, x->bad);
		if (x->bad) {
			w_scalar(w, tr, &x->share);
			w_fixed(w, tr, x->ssig, 64);
		}
	}
	return 0;
}

static void
imp_part_free(uint8_t round, int part, void *m)
{
	lk_free_wipe(m, imp_size(round));
}

static const void *
imp_own(struct mpc_sm *sm, uint8_t round, int part, uint32_t to)
{
	struct imp_st *st = sm->st;

	return round == 1 ? (const void *) &st->r1 : (const void *) &st->r2;
}

static int
same_commitments(const struct imp_r1 *a, const struct imp_r1 *b, uint32_t t)
{
	uint32_t k;

	for (k = 0; k < t; k++)
		if (!mpc_point_eq_var(&a->C[k], &b->C[k]))
			return 0;
	return memcmp(a->cc, b->cc, 32) == 0;
}

static int
imp_check(struct mpc_sm *sm, uint8_t round, uint32_t from, uint32_t to,
    const void *bc, const void *p2p, struct mpc_blame *b)
{
	struct imp_st *st = sm->st;
	const struct imp_r1 *x = bc;
	uint32_t party = sm->part[from], k;
	struct mpc_point P, Q;
	uint8_t cd[32];
	int rv;

	if (round != 1)
		return 0;
	commit_digest(cd, x->C, sm->t, x->cc);
	if (!sig_ok(x->csig, st->dealer_pk, IMP_COMMIT_TAG, sm->n, sm->t, cd, 0,
	        0, NULL))
		return sm_blame(b, party, MPC_BLAME_COMMIT, 0);
	/* two dealer-signed commitment sets: the dealer equivocated */
	if (!same_commitments(x, &st->r1, sm->t))
		return sm_blame(b, MPC_PARTY_DEALER, MPC_BLAME_DEALER, 1);
	for (k = 0; k < sm->t; k++)
		if (mpc_point_is_identity(&x->C[k]))
			return sm_blame(
			    b, MPC_PARTY_DEALER, MPC_BLAME_DEALER, 2);
	if (!x->bad)
		return 0;
	if (!sig_ok(x->ssig, st->dealer_pk, IMP_SHARE_TAG, sm->n, sm->t, cd, 1,
	        party, &x->share))
		return sm_blame(b, party, MPC_BLAME_COMMIT, 1);
	if ((rv = mpc_point_mul_base(sm->ctx, &P, &x->share)) != 0
	    || (rv = feldman_eval(sm->ctx, &Q, x->C, sm->t, party)) != 0)
		return rv;
	if (!mpc_point_eq_var(&P, &Q))
		return sm_blame(b, MPC_PARTY_DEALER, MPC_BLAME_DEALER, 3);
	return sm_blame(b, party, MPC_BLAME_VALUE, 0); /* a false verdict */
}

static int
imp_finish(struct mpc_sm *sm, uint8_t round, uint8_t *next, struct mpc_blame *b)
{
	struct imp_st *st = sm->st;
	struct lk_transcript tr;
	uint8_t d[64], pt[MPC_POINT_BYTES];
	uint32_t j, k;
	int rv;

	if (round == 1) {
		for (k = 0; k < sm->t; k++)
			if (mpc_point_is_identity(&st->r1.C[k]))
				return sm_blame(
				    b, MPC_PARTY_DEALER, MPC_BLAME_DEALER, 2);
		if (st->r1.bad)
			return sm_blame(
			    b, MPC_PARTY_DEALER, MPC_BLAME_DEALER, 3);
		*next = 2;
		return 0;
	}
	if ((rv = keyshare_new(&st->out)) != 0)
		return rv;
	st->out->n = sm->n;
	st->out->t = sm->t;
	st->out->index = sm->self;
	st->out->x = st->share;
	st->out->X = st->r1.C[0];
	for (j = 0; j < sm->n; j++)
		if ((rv = feldman_eval(
		         sm->ctx, &st->out->Xj[j], st->r1.C, sm->t, j))
		    != 0)
			return rv;
	memcpy(st->out->chaincode, st->r1.cc, 32);
	lk_transcript_init(&tr, IMP_KEYID_TAG);
	lk_transcript_append(&tr, "sid", sm->sid, MPC_SID_BYTES);
	mpc_point_encode(pt, &st->out->X);
	lk_transcript_append(&tr, "X", pt, sizeof(pt));
	lk_transcript_append(&tr, "cc", st->r1.cc, 32);
	lk_transcript_digest(&tr, d);
	memcpy(st->out->key_id, d, MPC_ID_BYTES);
	lk_transcript_clear(&tr);
	st->out->epoch = 0;
	if ((rv = keyshare_validate(sm->ctx, st->out)) != 0)
		return sm_blame(b, MPC_PARTY_DEALER, MPC_BLAME_DEALER, 4);
	mpc_scalar_clear(&st->share);
	*next = 0;
	return 0;
}

static void
imp_free(struct mpc_sm *sm)
{
	struct imp_st *st = sm->st;

	if (st == NULL)
		return;
	mpc_keyshare_free(st->out);
	lk_free_wipe(st, sizeof(*st));
	sm->st = NULL;
}

const struct sm_ops import_ops = { MPC_KIND_IMPORT, 2, imp_sections, imp_parse,
	imp_encode, imp_part_free, imp_own, imp_check, imp_finish, imp_free };

int
mpc_import_new(struct mpc_ctx *ctx, struct mpc_sm **out,
    const struct mpc_cluster *cl, const struct mpc_self *me,
    const uint8_t dealer_pk[static MPC_SIGN_PK_BYTES], const uint8_t *blob,
    size_t blob_len, const uint8_t *label, size_t label_len)
{
	uint32_t parts[MPC_MAX_PARTIES], j, k;
	struct mpc_point P, Q;
	struct imp_st *st;
	struct mpc_sm *sm;
	struct blob b;
	uint8_t cd[32];
	int rv;

	ARG_CHECK(out != NULL);
	*out = NULL;
	ARG_CHECK(ctx != NULL && cl != NULL && me != NULL && dealer_pk != NULL
	    && blob != NULL && cl->n >= 1 && cl->n <= MPC_MAX_PARTIES);
	/* a blob that does not decode or carry the dealer's signatures is
	 * nobody's provable fault: refuse it locally */
	if ((rv = blob_decode(ctx, &b, blob, blob_len)) != 0)
		goto out;
	rv = MPC_EDECODE;
	if (b.n != cl->n || b.index != me->index)
		goto out;
	commit_digest(cd, b.C, b.t, b.cc);
	rv = MPC_EAUTH;
	if (!sig_ok(b.csig, dealer_pk, IMP_COMMIT_TAG, b.n, b.t, cd, 0, 0, NULL)
	    || !sig_ok(b.ssig, dealer_pk, IMP_SHARE_TAG, b.n, b.t, cd, 1,
	        b.index, &b.share))
		goto out;
	for (j = 0; j < cl->n; j++)
		parts[j] = j;
	if ((rv = sm_init(&sm, &import_ops, ctx, cl, me, b.t, parts, cl->n,
	         label, label_len, dealer_pk, MPC_SIGN_PK_BYTES))
	    != 0)
		goto out;
	if ((st = calloc(1, sizeof(*st))) == NULL) {
		mpc_sm_free(sm);
		rv = MPC_ENOMEM;
		goto out;
	}
	sm->st = st;
	memcpy(st->dealer_pk, dealer_pk, MPC_SIGN_PK_BYTES);
	for (k = 0; k < b.t; k++)
		st->r1.C[k] = b.C[k];
	memcpy(st->r1.cc, b.cc, 32);
	memcpy(st->r1.csig, b.csig, 64);
	st->share = b.share;
	/* the verdict on the own share; a bad one is shown with the dealer's
	 * signature so that everyone can check it */
	if ((rv = mpc_point_mul_base(ctx, &P, &b.share)) != 0
	    || (rv = feldman_eval(ctx, &Q, b.C, b.t, me->index)) != 0) {
		mpc_sm_free(sm);
		goto out;
	}
	if (!mpc_point_eq_var(&P, &Q)) {
		st->r1.bad = 1;
		st->r1.share = b.share;
		memcpy(st->r1.ssig, b.ssig, 64);
	}
	if ((rv = sm_start(sm)) != 0) {
		mpc_sm_free(sm);
		goto out;
	}
	*out = sm;
out:
	lk_wipe(&b, sizeof(b));
	return rv;
}

int
import_take(struct mpc_sm *sm, struct mpc_keyshare **out)
{
	struct imp_st *st = sm->st;

	*out = st->out;
	st->out = NULL;
	sm->taken = 1;
	return 0;
}
