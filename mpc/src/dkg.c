/* Threshold DKG and proactive refresh (docs/MPC.md §11), after the
 * Lockness/dfns threshold keygen (notes/tecdsa.md §1.3) with Feldman VSS:
 *
 * R1  bc   V_i = H(sid, i, rid_i, S_i, A_i, c_i, u_i)          (commit)
 * R2  bc   echo(R1), rid_i, S_i = (a_ik*G)_k<t, A_i, c_i, u_i    (reveal)
 *     p2p  sigma_ij = f_i(j+1)                                  (share)
 * R3  bc   echo(R2), Schnorr z_i for X_i with A_i, e bound to rid
 * R4  bc   echo(R3)                                             -> output
 *
 * Refresh (epoch e -> e+1) is the same protocol with f_i(0) = 0: S_i0 must
 * be the identity, the chain code share c_i must be zero, and shares and
 * public shares are added to the old ones. X is unchanged; every party
 * proves its new share with the Schnorr proof. */
#include <stdlib.h>
#include <string.h>

#include "proto_int.h"

#define DKG_COMMIT_TAG "LK-MPC-DKG/commit/v1"
#define DKG_KEYID_TAG  "LK-MPC-DKG/key-id/v1"
#define SCH_AUX_LEN    32

struct r1_bc {
	uint8_t V[32];
};
struct r2_bc {
	uint8_t rid[32];
	struct mpc_point S[MPC_MAX_PARTIES];
	struct mpc_point A;
	uint8_t cc[32];
	uint8_t u[32];
};
struct r2_p2p {
	struct mpc_scalar share;
};
struct r3_bc {
	struct mpc_zk_sch_proof pf;
};
struct r4_bc {
	int none;
};

struct dkg_st {
	int refresh;
	const struct mpc_keyshare *old;
	struct mpc_scalar coef[MPC_MAX_PARTIES];
	struct mpc_zk_sch_nonce nonce;
	struct r1_bc r1;
	struct r2_bc r2;
	struct r2_p2p r2p[MPC_MAX_PARTIES];
	struct r3_bc r3;
	struct r4_bc r4;
	uint8_t rid[32], cc[32];
	struct mpc_point Xj[MPC_MAX_PARTIES], Y;
	struct mpc_scalar x;
	struct mpc_keyshare *out;
};

static unsigned
dkg_sections(uint8_t round)
{
	switch (round) {
	case 1:
		return SEC_BC;
	case 2:
		return SEC_BC | SEC_P2P | SEC_ECHO;
	case 3:
	case 4:
		return SEC_BC | SEC_ECHO;
	default:
		return 0;
	}
}

static size_t
part_size(uint8_t round, int part)
{
	if (part == PART_P2P)
		return sizeof(struct r2_p2p);
	switch (round) {
	case 1:
		return sizeof(struct r1_bc);
	case 2:
		return sizeof(struct r2_bc);
	case 3:
		return sizeof(struct r3_bc);
	default:
		return sizeof(struct r4_bc);
	}
}

static int
dkg_parse(struct mpc_ctx *ctx, uint32_t np, uint32_t t, uint8_t round, int part,
    void **out, const uint8_t *p, size_t len)
{
	struct proto_rbuf r;
	void *m;
	uint32_t k;
	int rv = 0;

	*out = NULL;
	if (t < 1 || t > np || (m = calloc(1, part_size(round, part))) == NULL)
		return t < 1 || t > np ? MPC_EDECODE : MPC_ENOMEM;
	proto_rbuf_init(&r, p, len);
	if (part == PART_P2P) {
		struct r2_p2p *x = m;
		rv = r_scalar(&r, &x->share);
	} else if (round == 1) {
		struct r1_bc *x = m;
		rv = r_fixed(&r, x->V, sizeof(x->V));
	} else if (round == 2) {
		struct r2_bc *x = m;
		rv = r_fixed(&r, x->rid, sizeof(x->rid));
		/* S_i0 may be the identity (refresh); the check decides */
		for (k = 0; k < t && rv == 0; k++)
			rv = r_point(ctx, &r, &x->S[k], k == 0);
		if (rv == 0 && (rv = r_point(ctx, &r, &x->A, 0)) == 0
		    && (rv = r_fixed(&r, x->cc, sizeof(x->cc))) == 0)
			rv = r_fixed(&r, x->u, sizeof(x->u));
	} else if (round == 3) {
		struct r3_bc *x = m;
		rv = mpc_zk_sch_decode(ctx, &r, &x->pf);
	}
	if (rv == 0 && proto_rbuf_done(&r) != 0)
		rv = MPC_EDECODE;
	if (rv != 0) {
		lk_free_wipe(m, part_size(round, part));
		return rv;
	}
	*out = m;
	return 0;
}

static int
dkg_encode(uint32_t np, uint32_t t, uint8_t round, int part, const void *m,
    struct proto_wbuf *w, struct sm_trace *tr)
{
	uint32_t k;

	if (part == PART_P2P) {
		const struct r2_p2p *x = m;
		w_scalar(w, tr, &x->share);
	} else if (round == 1) {
		const struct r1_bc *x = m;
		w_fixed(w, tr, x->V, sizeof(x->V));
	} else if (round == 2) {
		const struct r2_bc *x = m;
		w_fixed(w, tr, x->rid, sizeof(x->rid));
		for (k = 0; k < t; k++)
			w_point(w, tr, &x->S[k]);
		w_point(w, tr, &x->A);
		w_fixed(w, tr, x->cc, sizeof(x->cc));
		w_fixed(w, tr, x->u, sizeof(x->u));
	} else if (round == 3) {
		const struct r3_bc *x = m;
		w_sch(w, tr, &x->pf);
	}
	return 0;
}

static void
dkg_part_free(uint8_t round, int part, void *m)
{
	lk_free_wipe(m, part_size(round, part));
}

static const void *
dkg_own(struct mpc_sm *sm, uint8_t round, int part, uint32_t to)
{
	struct dkg_st *st = sm->st;

	if (part == PART_P2P)
		return &st->r2p[to];
	switch (round) {
	case 1:
		return &st->r1;
	case 2:
		return &st->r2;
	case 3:
		return &st->r3;
	default:
		return &st->r4;
	}
}

static void
commit_hash(uint8_t V[32], const struct mpc_sm *sm, uint32_t party,
    const struct r2_bc *x)
{
	struct lk_transcript tr;
	uint8_t d[64], pt[MPC_POINT_BYTES];
	uint32_t k;

	lk_transcript_init(&tr, DKG_COMMIT_TAG);
	lk_transcript_append(&tr, "sid", sm->sid, MPC_SID_BYTES);
	lk_transcript_append_u64(&tr, "party", party);
	lk_transcript_append(&tr, "rid", x->rid, sizeof(x->rid));
	for (k = 0; k < sm->t; k++) {
		mpc_point_encode(pt, &x->S[k]);
		lk_transcript_append(&tr, "S", pt, sizeof(pt));
	}
	mpc_point_encode(pt, &x->A);
	lk_transcript_append(&tr, "A", pt, sizeof(pt));
	lk_transcript_append(&tr, "cc", x->cc, sizeof(x->cc));
	lk_transcript_append(&tr, "u", x->u, sizeof(x->u));
	lk_transcript_digest(&tr, d);
	memcpy(V, d, 32);
	lk_transcript_clear(&tr);
}

static void
sch_sess(struct mpc_zk_sess *s, const struct mpc_sm *sm,
    const struct dkg_st *st, uint32_t prover)
{
	s->sid = sm->sid;
	s->sid_len = MPC_SID_BYTES;
	s->prover = prover;
	s->aux = st->rid;
	s->aux_len = SCH_AUX_LEN;
}

static int
dkg_check(struct mpc_sm *sm, uint8_t round, uint32_t from, uint32_t to,
    const void *bc, const void *p2p, struct mpc_blame *b)
{
	struct dkg_st *st = sm->st;
	uint32_t party = sm->part[from];
	uint8_t V[32];
	struct mpc_point P, Q;
	int rv;

	if (round == 2) {
		const struct r2_bc *x = bc;
		const struct r2_p2p *y = p2p;
		const struct r1_bc *c = sm_bc(sm, 1, from);

		commit_hash(V, sm, party, x);
		if (memcmp(V, c->V, sizeof(V)) != 0)
			return sm_blame(b, party, MPC_BLAME_COMMIT, 0);
		/* DKG: a random constant term; refresh: zero, and no chain
		 * code contribution */
		if (mpc_point_is_identity(&x->S[0]) != st->refresh)
			return sm_blame(b, party, MPC_BLAME_VALUE, 1);
		if (st->refresh && !lk_is_zero(x->cc, sizeof(x->cc)))
			return sm_blame(b, party, MPC_BLAME_VALUE, 2);
		/* sigma_j,to * G == sum_k S_jk * (to + 1)^k */
		if ((rv = mpc_point_mul_base(sm->ctx, &P, &y->share)) != 0
		    || (rv = feldman_eval(
		            sm->ctx, &Q, x->S, sm->t, sm->part[to]))
		        != 0)
			return rv;
		if (!mpc_point_eq_var(&P, &Q))
			return sm_blame(b, party, MPC_BLAME_FELDMAN, 0);
		return 0;
	}
	if (round == 3) {
		const struct r3_bc *x = bc;
		const struct r2_bc *rv2 = sm_bc(sm, 2, from);
		struct mpc_zk_sess s;

		if (!mpc_point_eq_var(&x->pf.A, &rv2->A))
			return sm_blame(b, party, MPC_BLAME_COMMIT, 1);
		sch_sess(&s, sm, st, party);
		rv = mpc_zk_sch_verify(sm->ctx, b, &x->pf, &s, &st->Xj[party]);
		return rv == MPC_EPROOF ? MPC_EABORT : rv;
	}
	return 0;
}

static int
dkg_finish(struct mpc_sm *sm, uint8_t round, uint8_t *next, struct mpc_blame *b)
{
	struct dkg_st *st = sm->st;
	struct mpc_point P;
	uint32_t j, m, k;
	int rv;

	if (round == 1) {
		*next = 2;
		return 0;
	}
	if (round == 2) {
		/* rid, chain code, every public share and the own share */
		memcpy(st->rid, st->r2.rid, 32);
		memcpy(st->cc, st->r2.cc, 32);
		st->x = st->r2p[sm->me].share;
		for (m = 0; m < sm->np; m++) {
			const struct r2_bc *x;
			if (m == sm->me)
				continue;
			x = sm->in[2][m].bc;
			for (k = 0; k < 32; k++) {
				st->rid[k] ^= x->rid[k];
				st->cc[k] ^= x->cc[k];
			}
			mpc_scalar_add(&st->x, &st->x,
			    &((const struct r2_p2p *) sm->in[2][m].p2p)->share);
		}
		for (j = 0; j < sm->n; j++) {
			if (st->refresh)
				st->Xj[j] = st->old->Xj[j];
			else
				mpc_point_set_identity(&st->Xj[j]);
			for (m = 0; m < sm->np; m++) {
				const struct r2_bc *x
				    = m == sm->me ? &st->r2 : sm->in[2][m].bc;
				if ((rv = feldman_eval(
				         sm->ctx, &P, x->S, sm->t, j))
				        != 0
				    || (rv = mpc_point_add_var(sm->ctx,
				            &st->Xj[j], &st->Xj[j], &P))
				        != 0)
					return rv;
			}
		}
		if (st->refresh) {
			struct mpc_scalar sum;
			st->Y = st->old->X;
			sum = st->old->x;
			mpc_scalar_add(&st->x, &st->x, &sum);
			mpc_scalar_clear(&sum);
			memcpy(st->cc, st->old->chaincode, 32);
		} else {
			mpc_point_set_identity(&st->Y);
			for (m = 0; m < sm->np; m++) {
				const struct r2_bc *x
				    = m == sm->me ? &st->r2 : sm->in[2][m].bc;
				if ((rv = mpc_point_add_var(
				         sm->ctx, &st->Y, &st->Y, &x->S[0]))
				    != 0)
					return rv;
			}
			if (mpc_point_is_identity(&st->Y))
				return sm_blame(b, MPC_PARTY_NONE,
				    MPC_BLAME_INCONSISTENT, 1);
		}
		/* the shares must match the public shares (Feldman checked
		 * every summand, so this cannot fail) */
		if ((rv = mpc_point_mul_base(sm->ctx, &P, &st->x)) != 0)
			return rv;
		if (!mpc_point_eq_var(&P, &st->Xj[sm->self]))
			return sm_blame(
			    b, MPC_PARTY_NONE, MPC_BLAME_INCONSISTENT, 2);
		{
			struct mpc_zk_sess s;
			sch_sess(&s, sm, st, sm->self);
			if ((rv = mpc_zk_sch_prove(sm->ctx, &st->r3.pf,
			         &st->nonce, &s, &st->Xj[sm->self], &st->x))
			    != 0)
				return rv;
		}
		*next = 3;
		return 0;
	}
	if (round == 3) {
		*next = 4;
		return 0;
	}
	/* round 4: everyone echoed the same Schnorr proofs: done */
	if ((rv = keyshare_new(&st->out)) != 0)
		return rv;
	st->out->n = sm->n;
	st->out->t = sm->t;
	st->out->index = sm->self;
	st->out->x = st->x;
	st->out->X = st->Y;
	for (j = 0; j < sm->n; j++)
		st->out->Xj[j] = st->Xj[j];
	memcpy(st->out->chaincode, st->cc, 32);
	if (st->refresh) {
		memcpy(st->out->key_id, st->old->key_id, MPC_ID_BYTES);
		st->out->epoch = st->old->epoch + 1;
	} else {
		struct lk_transcript tr;
		uint8_t d[64], pt[MPC_POINT_BYTES];
		lk_transcript_init(&tr, DKG_KEYID_TAG);
		lk_transcript_append(&tr, "sid", sm->sid, MPC_SID_BYTES);
		mpc_point_encode(pt, &st->Y);
		lk_transcript_append(&tr, "X", pt, sizeof(pt));
		lk_transcript_append(&tr, "cc", st->cc, 32);
		lk_transcript_digest(&tr, d);
		memcpy(st->out->key_id, d, MPC_ID_BYTES);
		lk_transcript_clear(&tr);
		st->out->epoch = 0;
	}
	mpc_scalar_clear(&st->x);
	for (k = 0; k < MPC_MAX_PARTIES; k++) {
		mpc_scalar_clear(&st->coef[k]);
		mpc_scalar_clear(&st->r2p[k].share);
	}
	*next = 0;
	return 0;
}

static void
dkg_free(struct mpc_sm *sm)
{
	struct dkg_st *st = sm->st;

	if (st == NULL)
		return;
	mpc_keyshare_free(st->out);
	lk_free_wipe(st, sizeof(*st));
	sm->st = NULL;
}

const struct sm_ops dkg_ops = { MPC_KIND_DKG, 4, dkg_sections, dkg_parse,
	dkg_encode, dkg_part_free, dkg_own, dkg_check, dkg_finish, dkg_free };
const struct sm_ops refresh_ops
    = { MPC_KIND_REFRESH, 4, dkg_sections, dkg_parse, dkg_encode, dkg_part_free,
	      dkg_own, dkg_check, dkg_finish, dkg_free };

/* Round 1: the polynomial, its commitments, the shares, the commitment. */
static int
dkg_setup(struct mpc_sm *sm, struct dkg_st *st)
{
	struct mpc_scalar x, acc, pw;
	uint32_t j, k;
	int rv;

	for (k = 0; k < sm->t; k++) {
		if (k == 0 && st->refresh)
			mpc_scalar_set_u64(&st->coef[0], 0);
		else
			mpc_scalar_random_nonzero(&st->coef[k]);
		if ((rv = mpc_point_mul_base(
		         sm->ctx, &st->r2.S[k], &st->coef[k]))
		    != 0)
			return rv;
	}
	/* f_i(j + 1) for every party j (constant time in the coefficients;
	 * the evaluation points are public) */
	for (j = 0; j < sm->np; j++) {
		mpc_scalar_set_u64(&x, (uint64_t) sm->part[j] + 1);
		mpc_scalar_set_u64(&pw, 1);
		mpc_scalar_set_u64(&acc, 0);
		for (k = 0; k < sm->t; k++) {
			struct mpc_scalar term;
			mpc_scalar_mul(&term, &st->coef[k], &pw);
			mpc_scalar_add(&acc, &acc, &term);
			mpc_scalar_mul(&pw, &pw, &x);
			mpc_scalar_clear(&term);
		}
		st->r2p[j].share = acc;
	}
	mpc_scalar_clear(&acc);
	lk_random(st->r2.rid, sizeof(st->r2.rid));
	lk_random(st->r2.u, sizeof(st->r2.u));
	if (!st->refresh)
		lk_random(st->r2.cc, sizeof(st->r2.cc));
	if ((rv = mpc_zk_sch_commit(sm->ctx, &st->nonce, &st->r2.A)) != 0)
		return rv;
	commit_hash(st->r1.V, sm, sm->self, &st->r2);
	return 0;
}

static int
dkg_create(struct mpc_ctx *ctx, struct mpc_sm **out,
    const struct mpc_cluster *cl, const struct mpc_self *me, uint32_t t,
    const uint8_t *label, size_t label_len, const struct mpc_keyshare *old)
{
	uint32_t parts[MPC_MAX_PARTIES], j;
	uint8_t extra[MPC_ID_BYTES + 8 + MPC_POINT_BYTES];
	size_t extra_len = 0;
	struct dkg_st *st;
	struct mpc_sm *sm;
	int rv;

	ARG_CHECK(out != NULL);
	*out = NULL;
	ARG_CHECK(cl != NULL && cl->n >= 1 && cl->n <= MPC_MAX_PARTIES);
	for (j = 0; j < cl->n; j++)
		parts[j] = j;
	if (old != NULL) {
		/* the session is bound to the key, its epoch and public key */
		ARG_CHECK(old->n == cl->n && old->index == me->index);
		memcpy(extra, old->key_id, MPC_ID_BYTES);
		for (j = 0; j < 8; j++)
			extra[MPC_ID_BYTES + j]
			    = (uint8_t) (old->epoch >> (56 - 8 * j));
		mpc_point_encode(extra + MPC_ID_BYTES + 8, &old->X);
		extra_len = sizeof(extra);
	}
	rv = sm_init(&sm, old != NULL ? &refresh_ops : &dkg_ops, ctx, cl, me, t,
	    parts, cl->n, label, label_len, extra, extra_len);
	if (rv != 0)
		return rv;
	if ((st = calloc(1, sizeof(*st))) == NULL) {
		mpc_sm_free(sm);
		return MPC_ENOMEM;
	}
	sm->st = st;
	st->refresh = old != NULL;
	st->old = old;
	if ((rv = dkg_setup(sm, st)) != 0 || (rv = sm_start(sm)) != 0) {
		mpc_sm_free(sm);
		return rv;
	}
	*out = sm;
	return 0;
}

int
mpc_dkg_new(struct mpc_ctx *ctx, struct mpc_sm **out,
    const struct mpc_cluster *cl, const struct mpc_self *me, uint32_t t,
    const uint8_t *label, size_t label_len)
{
	return dkg_create(ctx, out, cl, me, t, label, label_len, NULL);
}

int
mpc_refresh_new(struct mpc_ctx *ctx, struct mpc_sm **out,
    const struct mpc_cluster *cl, const struct mpc_self *me,
    const struct mpc_keyshare *ks, const uint8_t *label, size_t label_len)
{
	ARG_CHECK(ks != NULL);
	return dkg_create(ctx, out, cl, me, ks->t, label, label_len, ks);
}

int
mpc_sm_take_keyshare(struct mpc_sm *sm, struct mpc_keyshare **out)
{
	ARG_CHECK(sm != NULL && out != NULL);
	*out = NULL;
	if (sm->status != MPC_SM_DONE || sm->taken
	    || (sm->kind != MPC_KIND_DKG && sm->kind != MPC_KIND_REFRESH
	        && sm->kind != MPC_KIND_IMPORT))
		return MPC_ESTATE;
	if (sm->kind == MPC_KIND_IMPORT)
		return import_take(sm, out);
	*out = ((struct dkg_st *) sm->st)->out;
	((struct dkg_st *) sm->st)->out = NULL;
	sm->taken = 1;
	return 0;
}
