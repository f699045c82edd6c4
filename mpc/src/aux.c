/* Aux-info (docs/MPC.md §12; notes/tecdsa.md §1.2, dfns "provisioning"):
 *
 * R1  bc   V_i = H(sid, i, N_i, s_i, t_i, psi^_i, rho_i, u_i)     (commit)
 * R2  bc   echo(R1), N_i, s_i, t_i, psi^_i = Pi^prm, rho_i, u_i  (reveal)
 * R3  bc   echo(R2), psi_i = Pi^mod(N_i) bound to rho = xor rho_j
 *     p2p  phi_ij = Pi^fac(N_i) against the receiver's (N_j, s_j, t_j)
 * R4  bc   echo(R3)                                              -> output
 *
 * Every peer's modulus and parameters are checked (size, no small factor,
 * not prime, units, s != t) and proven (Pi^prm, Pi^mod, Pi^fac) before
 * the output exists; no code path skips a proof. */
#include <stdlib.h>
#include <string.h>

#include "proto_int.h"

#define AUX_VERSION    1
#define AUX_COMMIT_TAG "LK-MPC-AUX/commit/v1"
#define AUX_ID_TAG     "LK-MPC-AUX/id/v1"

struct r1_bc {
	uint8_t V[32];
};
struct r2_bc {
	mpz_t N, s, t;
	struct mpc_zk_prm_proof prm;
	uint8_t rho[32], u[32];
};
struct r3_bc {
	struct mpc_zk_mod_proof mod;
};
struct r3_p2p {
	struct mpc_zk_fac_proof fac;
};
struct r4_bc {
	int none;
};

struct aux_st {
	struct mpc_paillier_sk *sk;
	struct mpc_rped *rp_own;
	struct r1_bc r1;
	struct r2_bc r2;
	struct r3_bc r3;
	struct r3_p2p r3p[MPC_MAX_PARTIES];
	struct r4_bc r4;
	int r3_init;
	uint8_t rho[32];
	struct mpc_paillier_pk *pk[MPC_MAX_PARTIES];
	struct mpc_rped *rp[MPC_MAX_PARTIES];
	struct mpc_aux *out;
};

/* ---- aux objects ---- */

const struct mpc_paillier_pk *
aux_pk(const struct mpc_aux *a, uint32_t j)
{
	return j == a->index ? mpc_paillier_sk_pk(a->sk) : a->pk[j];
}

const struct mpc_rped *
aux_rp(const struct mpc_aux *a, uint32_t j)
{
	return j == a->index ? a->rp_own : a->rp[j];
}

uint32_t
mpc_aux_index(const struct mpc_aux *aux)
{
	return aux->index;
}

uint32_t
mpc_aux_n(const struct mpc_aux *aux)
{
	return aux->n;
}

void
mpc_aux_id(const struct mpc_aux *aux, uint8_t id[static MPC_ID_BYTES])
{
	memcpy(id, aux->id, MPC_ID_BYTES);
}

struct mpc_paillier_pk *
mpc_aux_paillier_pk(struct mpc_aux *aux, uint32_t j)
{
	if (aux == NULL || j >= aux->n)
		return NULL;
	return j == aux->index ? mpc_paillier_sk_pk_mut(aux->sk) : aux->pk[j];
}

void
mpc_aux_free(struct mpc_aux *aux)
{
	uint32_t j;

	if (aux == NULL)
		return;
	if (!aux->borrowed) {
		for (j = 0; j < MPC_MAX_PARTIES; j++) {
			mpc_rped_free(aux->rp[j]);
			mpc_paillier_pk_free(aux->pk[j]);
		}
		mpc_rped_free(aux->rp_own);
		mpc_paillier_sk_free(aux->sk);
	}
	lk_free_wipe(aux, sizeof(*aux));
}

void
aux_compute_id(uint8_t id[MPC_ID_BYTES], const struct mpc_aux *a)
{
	struct lk_transcript tr;
	uint8_t d[64];
	uint32_t j;

	lk_transcript_init(&tr, AUX_ID_TAG);
	lk_transcript_append_u64(&tr, "n", a->n);
	for (j = 0; j < a->n; j++) {
		const struct mpc_rped *r = aux_rp(a, j);
		ts_bn(&tr, "N", mpc_rped_n(r));
		ts_bn(&tr, "s", mpc_rped_s(r));
		ts_bn(&tr, "t", mpc_rped_t(r));
	}
	lk_transcript_digest(&tr, d);
	memcpy(id, d, MPC_ID_BYTES);
	lk_transcript_clear(&tr);
}

/* Peers' objects from (N, s, t), validated and precomputed. */
static int
aux_peers(struct mpc_aux *a, mpz_srcptr const *ns, mpz_srcptr const *ss,
    mpz_srcptr const *ts)
{
	uint32_t j;
	int rv;

	for (j = 0; j < a->n; j++) {
		if (j == a->index)
			continue;
		if ((rv = mpc_paillier_pk_new(&a->pk[j], ns[j])) != 0
		    || (rv = mpc_rped_new(&a->rp[j], ns[j], ss[j], ts[j])) != 0
		    || (rv = mpc_rped_precompute(a->rp[j])) != 0)
			return rv;
	}
	return mpc_rped_precompute(a->rp_own);
}

int
aux_assemble_unproven(struct mpc_aux **out, uint32_t n, uint32_t index,
    struct mpc_paillier_sk *sk, struct mpc_rped *rp_own,
    struct mpc_paillier_pk *const *pks, struct mpc_rped *const *rps,
    int borrowed)
{
	struct mpc_aux *a;
	uint32_t j;

	*out = NULL;
	if ((a = calloc(1, sizeof(*a))) == NULL)
		return MPC_ENOMEM;
	a->n = n;
	a->index = index;
	a->sk = sk;
	a->rp_own = rp_own;
	a->borrowed = borrowed;
	for (j = 0; j < n; j++)
		if (j != index) {
			a->pk[j] = pks[j];
			a->rp[j] = rps[j];
		}
	aux_compute_id(a->id, a);
	*out = a;
	return 0;
}

void
mpc_aux_encode(struct proto_wbuf *w, const struct mpc_aux *aux)
{
	uint32_t j;

	proto_put_u8(w, AUX_VERSION);
	proto_put_fixed(w, aux->id, MPC_ID_BYTES);
	proto_put_u16(w, (uint16_t) aux->n);
	proto_put_u16(w, (uint16_t) aux->index);
	mpc_paillier_sk_encode(w, aux->sk);
	(void) mpc_rped_own_encode(w, aux->rp_own);
	for (j = 0; j < aux->n; j++)
		if (j != aux->index)
			mpc_rped_encode(w, aux->rp[j]);
}

int
mpc_aux_decode(struct proto_rbuf *r, struct mpc_aux **out)
{
	struct proto_rbuf save = *r;
	struct mpc_rped *rps[MPC_MAX_PARTIES] = { 0 };
	mpz_srcptr ns[MPC_MAX_PARTIES], ss[MPC_MAX_PARTIES],
	    ts[MPC_MAX_PARTIES];
	uint8_t id[MPC_ID_BYTES], v;
	uint16_t n, idx;
	struct mpc_aux *a;
	uint32_t j;
	int rv;

	ARG_CHECK(r != NULL && out != NULL);
	*out = NULL;
	if ((a = calloc(1, sizeof(*a))) == NULL)
		return MPC_ENOMEM;
	if ((rv = proto_get_u8(r, &v)) != 0
	    || (rv = r_fixed(r, id, MPC_ID_BYTES)) != 0
	    || (rv = proto_get_u16(r, &n)) != 0
	    || (rv = proto_get_u16(r, &idx)) != 0)
		goto fail;
	rv = MPC_EDECODE;
	if (v != AUX_VERSION || n < 1 || n > MPC_MAX_PARTIES || idx >= n)
		goto fail;
	a->n = n;
	a->index = idx;
	if ((rv = mpc_paillier_sk_decode(r, &a->sk)) != 0
	    || (rv = mpc_paillier_sk_precompute(a->sk)) != 0
	    || (rv = mpc_rped_own_decode(r, a->sk, &a->rp_own)) != 0)
		goto fail;
	for (j = 0; j < n; j++) {
		if (j == idx)
			continue;
		if ((rv = mpc_rped_decode(r, &rps[j])) != 0)
			goto fail;
		ns[j] = mpc_rped_n(rps[j]);
		ss[j] = mpc_rped_s(rps[j]);
		ts[j] = mpc_rped_t(rps[j]);
	}
	if ((rv = aux_peers(a, ns, ss, ts)) != 0)
		goto fail;
	aux_compute_id(a->id, a);
	rv = MPC_EMISMATCH;
	if (memcmp(a->id, id, MPC_ID_BYTES) != 0)
		goto fail;
	for (j = 0; j < MPC_MAX_PARTIES; j++)
		mpc_rped_free(rps[j]);
	*out = a;
	return 0;
fail:
	for (j = 0; j < MPC_MAX_PARTIES; j++)
		mpc_rped_free(rps[j]);
	*r = save;
	mpc_aux_free(a);
	return rv;
}

/* ---- the protocol ---- */

static unsigned
aux_sections(uint8_t round)
{
	switch (round) {
	case 1:
		return SEC_BC;
	case 2:
		return SEC_BC | SEC_ECHO;
	case 3:
		return SEC_BC | SEC_P2P | SEC_ECHO;
	case 4:
		return SEC_BC | SEC_ECHO;
	default:
		return 0;
	}
}

static void *
part_new(uint8_t round, int part)
{
	if (part == PART_P2P) {
		struct r3_p2p *x = calloc(1, sizeof(*x));
		if (x != NULL)
			mpc_zk_fac_proof_init(&x->fac);
		return x;
	}
	switch (round) {
	case 1:
		return calloc(1, sizeof(struct r1_bc));
	case 2: {
		struct r2_bc *x = calloc(1, sizeof(*x));
		if (x != NULL) {
			mpz_inits(x->N, x->s, x->t, NULL);
			mpc_zk_prm_proof_init(&x->prm);
		}
		return x;
	}
	case 3: {
		struct r3_bc *x = calloc(1, sizeof(*x));
		if (x != NULL)
			mpc_zk_mod_proof_init(&x->mod);
		return x;
	}
	default:
		return calloc(1, sizeof(struct r4_bc));
	}
}

static void
aux_part_free(uint8_t round, int part, void *m)
{
	if (m == NULL)
		return;
	if (part == PART_P2P) {
		mpc_zk_fac_proof_clear(&((struct r3_p2p *) m)->fac);
		free(m);
		return;
	}
	if (round == 2) {
		struct r2_bc *x = m;
		mpz_clears(x->N, x->s, x->t, NULL);
		mpc_zk_prm_proof_clear(&x->prm);
	} else if (round == 3) {
		mpc_zk_mod_proof_clear(&((struct r3_bc *) m)->mod);
	}
	free(m);
}

static int
aux_parse(struct mpc_ctx *ctx, uint32_t np, uint32_t t, uint8_t round, int part,
    void **out, const uint8_t *p, size_t len)
{
	struct proto_rbuf r;
	void *m;
	int rv = 0;

	*out = NULL;
	if ((m = part_new(round, part)) == NULL)
		return MPC_ENOMEM;
	proto_rbuf_init(&r, p, len);
	if (part == PART_P2P) {
		rv = mpc_zk_fac_decode(&r, &((struct r3_p2p *) m)->fac);
	} else if (round == 1) {
		rv = r_fixed(&r, ((struct r1_bc *) m)->V, 32);
	} else if (round == 2) {
		struct r2_bc *x = m;
		if ((rv = mpc_bn_get(&r, x->N, MPC_N_MAX_BITS, 0)) == 0
		    && (rv = mpc_bn_get(&r, x->s, MPC_N_MAX_BITS, 0)) == 0
		    && (rv = mpc_bn_get(&r, x->t, MPC_N_MAX_BITS, 0)) == 0
		    && (rv = mpc_zk_prm_decode(&r, &x->prm)) == 0
		    && (rv = r_fixed(&r, x->rho, 32)) == 0)
			rv = r_fixed(&r, x->u, 32);
	} else if (round == 3) {
		rv = mpc_zk_mod_decode(&r, &((struct r3_bc *) m)->mod);
	}
	if (rv == 0 && proto_rbuf_done(&r) != 0)
		rv = MPC_EDECODE;
	if (rv != 0) {
		aux_part_free(round, part, m);
		return rv;
	}
	*out = m;
	return 0;
}

static int
aux_encode(uint32_t np, uint32_t t, uint8_t round, int part, const void *m,
    struct proto_wbuf *w, struct sm_trace *tr)
{
	if (part == PART_P2P) {
		w_fac(w, tr, &((const struct r3_p2p *) m)->fac);
	} else if (round == 1) {
		w_fixed(w, tr, ((const struct r1_bc *) m)->V, 32);
	} else if (round == 2) {
		const struct r2_bc *x = m;
		w_bn(w, tr, x->N);
		w_bn(w, tr, x->s);
		w_bn(w, tr, x->t);
		w_prm(w, tr, &x->prm);
		w_fixed(w, tr, x->rho, 32);
		w_fixed(w, tr, x->u, 32);
	} else if (round == 3) {
		w_mod(w, tr, &((const struct r3_bc *) m)->mod);
	}
	return 0;
}

static const void *
aux_own(struct mpc_sm *sm, uint8_t round, int part, uint32_t to)
{
	struct aux_st *st = sm->st;

	if (part == PART_P2P)
		return &st->r3p[to];
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

static int
prm_encode_fn(void *arg, struct proto_wbuf *w)
{
	mpc_zk_prm_encode(w, arg);
	return 0;
}

static int
commit_hash(uint8_t V[32], const struct mpc_sm *sm, uint32_t party,
    const struct r2_bc *x)
{
	struct lk_transcript tr;
	uint8_t d[64], *prm;
	size_t prmlen;
	int rv;

	if ((rv = w_grow(&prm, &prmlen, prm_encode_fn, (void *) &x->prm)) != 0)
		return rv;
	lk_transcript_init(&tr, AUX_COMMIT_TAG);
	lk_transcript_append(&tr, "sid", sm->sid, MPC_SID_BYTES);
	lk_transcript_append_u64(&tr, "party", party);
	ts_bn(&tr, "N", x->N);
	ts_bn(&tr, "s", x->s);
	ts_bn(&tr, "t", x->t);
	lk_transcript_append(&tr, "prm", prm, prmlen);
	lk_transcript_append(&tr, "rho", x->rho, 32);
	lk_transcript_append(&tr, "u", x->u, 32);
	lk_transcript_digest(&tr, d);
	memcpy(V, d, 32);
	lk_transcript_clear(&tr);
	free(prm);
	return 0;
}

static void
sess(struct mpc_zk_sess *s, const struct mpc_sm *sm, uint32_t prover,
    const uint8_t *aux)
{
	s->sid = sm->sid;
	s->sid_len = MPC_SID_BYTES;
	s->prover = prover;
	s->aux = aux;
	s->aux_len = aux != NULL ? 32 : 0;
}

static const struct mpc_paillier_pk *
pk_of(const struct mpc_sm *sm, uint32_t pos)
{
	const struct aux_st *st = sm->st;

	return pos == sm->me ? mpc_paillier_sk_pk(st->sk) : st->pk[pos];
}

static const struct mpc_rped *
rp_of(const struct mpc_sm *sm, uint32_t pos)
{
	const struct aux_st *st = sm->st;

	return pos == sm->me ? st->rp_own : st->rp[pos];
}

static int
aux_check(struct mpc_sm *sm, uint8_t round, uint32_t from, uint32_t to,
    const void *bc, const void *p2p, struct mpc_blame *b)
{
	struct aux_st *st = sm->st;
	uint32_t party = sm->part[from];
	struct mpc_zk_sess s;
	int rv;

	if (round == 2) {
		const struct r2_bc *x = bc;
		const struct r1_bc *c = sm_bc(sm, 1, from);
		struct mpc_paillier_pk *pk = NULL;
		struct mpc_rped *rp = NULL;
		uint8_t V[32];

		if ((rv = commit_hash(V, sm, party, x)) != 0)
			return rv;
		if (memcmp(V, c->V, 32) != 0)
			return sm_blame(b, party, MPC_BLAME_COMMIT, 0);
		/* the modulus and the parameters, then Pi^prm */
		if ((rv = mpc_paillier_pk_new(&pk, x->N)) != 0) {
			if (rv == MPC_ENOMEM)
				return rv;
			return sm_blame(
			    b, party, MPC_BLAME_PAILLIER, MPC_CHECK_INPUT);
		}
		mpc_paillier_pk_free(pk);
		if ((rv = mpc_rped_new(&rp, x->N, x->s, x->t)) != 0) {
			if (rv == MPC_ENOMEM)
				return rv;
			return sm_blame(
			    b, party, MPC_BLAME_RPED, MPC_CHECK_INPUT);
		}
		sess(&s, sm, party, NULL);
		rv = mpc_zk_prm_verify(sm->ctx, b, &x->prm, &s, rp);
		mpc_rped_free(rp);
		return rv == MPC_EPROOF ? MPC_EABORT : rv;
	}
	if (round == 3) {
		const struct r3_bc *x = bc;
		const struct r3_p2p *y = p2p;
		const struct mpc_paillier_pk *pk;
		const struct mpc_rped *R;
		struct mpc_paillier_pk *tpk = NULL;
		struct mpc_rped *trp = NULL;

		if (st->sk != NULL) {
			pk = pk_of(sm, from);
			R = rp_of(sm, to);
		} else {
			/* done: the objects moved into the output (which the
			 * caller may have freed), but a complaint about
			 * round 3 is still judged: rebuild the two objects
			 * from the agreed round-2 values */
			const struct r2_bc *xf = sm_bc(sm, 2, from),
			                   *xt = sm_bc(sm, 2, to);
			if ((rv = mpc_paillier_pk_new(&tpk, xf->N)) != 0
			    || (rv = mpc_rped_new(&trp, xt->N, xt->s, xt->t))
			        != 0) {
				mpc_paillier_pk_free(tpk);
				return rv;
			}
			pk = tpk;
			R = trp;
		}
		sess(&s, sm, party, st->rho);
		rv = mpc_zk_mod_verify(sm->ctx, b, &x->mod, &s, pk);
		if (rv == 0)
			rv = mpc_zk_fac_verify(sm->ctx, b, &y->fac, &s, R, pk);
		mpc_paillier_pk_free(tpk);
		mpc_rped_free(trp);
		return rv == MPC_EPROOF ? MPC_EABORT : rv;
	}
	return 0;
}

static int
aux_finish(struct mpc_sm *sm, uint8_t round, uint8_t *next, struct mpc_blame *b)
{
	struct aux_st *st = sm->st;
	struct mpc_zk_sess s;
	uint32_t j, m, k;
	int rv;

	if (round == 1) {
		*next = 2;
		return 0;
	}
	if (round == 2) {
		memcpy(st->rho, st->r2.rho, 32);
		for (j = 0; j < sm->np; j++) {
			const struct r2_bc *x;
			if (j == sm->me)
				continue;
			x = sm->in[2][j].bc;
			for (k = 0; k < 32; k++)
				st->rho[k] ^= x->rho[k];
			if ((rv = mpc_paillier_pk_new(&st->pk[j], x->N)) != 0
			    || (rv = mpc_rped_new(&st->rp[j], x->N, x->s, x->t))
			        != 0
			    || (rv = mpc_rped_precompute(st->rp[j])) != 0)
				return rv;
		}
		/* Two equal moduli are refused only after R3: Pi^prm needs
		 * no factorization (any party can prove its own s, t on a
		 * copied N), so the copy is named by the Pi^mod and Pi^fac
		 * it cannot give. Proving Pi^fac against parameters on one's
		 * own N reveals nothing (their Pi^prm holds). */
		if ((rv = mpc_rped_precompute(st->rp_own)) != 0)
			return rv;
		sess(&s, sm, sm->self, st->rho);
		mpc_zk_mod_proof_init(&st->r3.mod);
		for (j = 0; j < sm->np; j++)
			mpc_zk_fac_proof_init(&st->r3p[j].fac);
		st->r3_init = 1;
		if ((rv = mpc_zk_mod_prove(sm->ctx, &st->r3.mod, &s, st->sk))
		    != 0)
			return rv;
		for (j = 0; j < sm->np; j++) {
			if (j == sm->me)
				continue;
			if ((rv = mpc_zk_fac_prove(sm->ctx, &st->r3p[j].fac, &s,
			         st->rp[j], st->sk))
			    != 0)
				return rv;
		}
		*next = 3;
		return 0;
	}
	if (round == 3) {
		/* every Pi^mod and Pi^fac held: a party whose modulus
		 * equals an earlier party's knows its factorization, so
		 * neither is honest; name the later one */
		for (m = 1; m < sm->np; m++)
			for (j = 0; j < m; j++)
				if (mpz_cmp(mpc_rped_n(rp_of(sm, j)),
				        mpc_rped_n(rp_of(sm, m)))
				    == 0)
					return sm_blame(b, sm->part[m],
					    MPC_BLAME_DUPLICATE, 0);
		*next = 4;
		return 0;
	}
	if ((rv = aux_assemble_unproven(&st->out, sm->n, sm->self, st->sk,
	         st->rp_own, st->pk, st->rp, 0))
	    != 0)
		return rv;
	st->sk = NULL;
	st->rp_own = NULL;
	for (j = 0; j < MPC_MAX_PARTIES; j++) {
		st->pk[j] = NULL;
		st->rp[j] = NULL;
	}
	*next = 0;
	return 0;
}

static void
aux_free(struct mpc_sm *sm)
{
	struct aux_st *st = sm->st;
	uint32_t j;

	if (st == NULL)
		return;
	mpz_clears(st->r2.N, st->r2.s, st->r2.t, NULL);
	mpc_zk_prm_proof_clear(&st->r2.prm);
	if (st->r3_init) {
		mpc_zk_mod_proof_clear(&st->r3.mod);
		for (j = 0; j < MPC_MAX_PARTIES; j++)
			mpc_zk_fac_proof_clear(&st->r3p[j].fac);
	}
	for (j = 0; j < MPC_MAX_PARTIES; j++) {
		mpc_rped_free(st->rp[j]);
		mpc_paillier_pk_free(st->pk[j]);
	}
	mpc_rped_free(st->rp_own);
	mpc_paillier_sk_free(st->sk);
	mpc_aux_free(st->out);
	lk_free_wipe(st, sizeof(*st));
	sm->st = NULL;
}

const struct sm_ops aux_ops = { MPC_KIND_AUX, 4, aux_sections, aux_parse,
	aux_encode, aux_part_free, aux_own, aux_check, aux_finish, aux_free };

int
mpc_aux_new(struct mpc_ctx *ctx, struct mpc_sm **out,
    const struct mpc_cluster *cl, const struct mpc_self *me,
    struct mpc_paillier_sk *sk, const uint8_t *label, size_t label_len)
{
	uint32_t parts[MPC_MAX_PARTIES], j;
	struct mpc_zk_sess s;
	struct aux_st *st;
	struct mpc_sm *sm;
	int rv;

	if (out != NULL)
		*out = NULL;
	if (out == NULL || sk == NULL || cl == NULL || cl->n < 1
	    || cl->n > MPC_MAX_PARTIES) {
		mpc_paillier_sk_free(sk);
		return MPC_EINVAL;
	}
	for (j = 0; j < cl->n; j++)
		parts[j] = j;
	if ((rv = sm_init(&sm, &aux_ops, ctx, cl, me, cl->n, parts, cl->n,
	         label, label_len, NULL, 0))
	    != 0) {
		mpc_paillier_sk_free(sk);
		return rv;
	}
	if ((st = calloc(1, sizeof(*st))) == NULL) {
		mpc_paillier_sk_free(sk);
		mpc_sm_free(sm);
		return MPC_ENOMEM;
	}
	sm->st = st;
	st->sk = sk;
	mpz_inits(st->r2.N, st->r2.s, st->r2.t, NULL);
	if ((rv = mpc_paillier_sk_precompute(sk)) != 0)
		goto fail;
	mpc_zk_prm_proof_init(&st->r2.prm);
	/* own ring-Pedersen parameters on N, Pi^prm, the commitment */
	if ((rv = mpc_rped_gen(&st->rp_own, sk)) != 0)
		goto fail;
	mpz_set(st->r2.N, mpc_rped_n(st->rp_own));
	mpz_set(st->r2.s, mpc_rped_s(st->rp_own));
	mpz_set(st->r2.t, mpc_rped_t(st->rp_own));
	sess(&s, sm, sm->self, NULL);
	if ((rv = mpc_zk_prm_prove(ctx, &st->r2.prm, &s, st->rp_own)) != 0)
		goto fail;
	lk_random(st->r2.rho, 32);
	lk_random(st->r2.u, 32);
	if ((rv = commit_hash(st->r1.V, sm, sm->self, &st->r2)) != 0
	    || (rv = sm_start(sm)) != 0)
		goto fail;
	*out = sm;
	return 0;
fail:
	mpc_sm_free(sm);
	return rv;
}

int
aux_test_claim_modulus(struct mpc_sm *sm, mpz_srcptr n)
{
	struct aux_st *st = sm->st;
	struct mpc_zk_sess s;
	uint8_t e[MPC_M_PRM];
	mpz_t r, lambda;
	int i, rv;

	if (sm->kind != MPC_KIND_AUX || sm->round != 1)
		return MPC_ESTATE;
	mpz_inits(r, lambda, NULL);
	/* t = r^2, s = t^lambda with a short lambda: z = a + e*lambda stays
	 * below N without knowing phi(N) */
	mpz_set(st->r2.N, n);
	mpc_bn_random_unit(r, n);
	mpz_mul(st->r2.t, r, r);
	mpz_mod(st->r2.t, st->r2.t, n);
	do
		mpc_bn_random_bits(lambda, 64);
	while (mpz_cmp_ui(lambda, 2) < 0);
	mpz_powm(st->r2.s, st->r2.t, lambda, n);
	for (i = 0; i < MPC_M_PRM; i++) {
		mpc_bn_random_bits(r, mpz_sizeinbase(n, 2) - 2);
		mpz_set(st->r2.prm.z[i], r);
		mpz_powm(st->r2.prm.a[i], st->r2.t, r, n);
	}
	sess(&s, sm, sm->self, NULL);
	zk_prm_challenges(&s, n, st->r2.s, st->r2.t, &st->r2.prm, e);
	for (i = 0; i < MPC_M_PRM; i++)
		if (e[i])
			mpz_add(st->r2.prm.z[i], st->r2.prm.z[i], lambda);
	mpz_clears(r, lambda, NULL);
	if ((rv = commit_hash(st->r1.V, sm, sm->self, &st->r2)) != 0)
		return rv;
	return sm_test_reemit_r1(sm);
}

int
mpc_sm_take_aux(struct mpc_sm *sm, struct mpc_aux **out)
{
	struct aux_st *st;

	ARG_CHECK(sm != NULL && out != NULL);
	*out = NULL;
	if (sm->status != MPC_SM_DONE || sm->taken || sm->kind != MPC_KIND_AUX)
		return MPC_ESTATE;
	st = sm->st;
	*out = st->out;
	st->out = NULL;
	sm->taken = 1;
	return 0;
}
